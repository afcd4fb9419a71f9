//! Embeds every check definition in `checks/` into the binary, so stackaudit
//! works from any directory.

use std::fmt::Write;

fn main() {
    println!("cargo:rerun-if-changed=checks");
    let mut files: Vec<_> = std::fs::read_dir("checks")
        .expect("the checks/ folder exists")
        .map(|e| e.expect("readable checks/ entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    // `stackaudit --version` names the size of the built-in catalogue (one
    // check per definition file; a unit test holds the two together).
    println!("cargo:rustc-env=STACKAUDIT_BUILTIN_CHECKS={}", files.len());
    let mut out = String::from(
        "/// (file name, contents) of every built-in check definition.\npub const BUILTIN_DEFINITIONS: &[(&str, &str)] = &[\n",
    );
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let abs = std::fs::canonicalize(&path).unwrap();
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            abs.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("builtin_checks.rs");
    std::fs::write(dest, out).unwrap();
}
