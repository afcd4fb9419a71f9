//! Runs every fuzz target's entry point over its seed corpus (and any
//! regression inputs in `fuzz/regressions/<target>/`), so the harnesses
//! stay compiled and every crash once found stays fixed.

use std::path::Path;

use stackaudit::fuzzing;
use stackaudit::inventory::source::Format;

fn each(target: &str, f: impl Fn(&[u8])) -> usize {
    let mut n = 0;
    for dir in ["fuzz/seeds", "fuzz/regressions"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir).join(target);
        let Ok(entries) = std::fs::read_dir(&path) else {
            continue;
        };
        for e in entries {
            let data = std::fs::read(e.unwrap().path()).unwrap();
            f(&data);
            n += 1;
        }
    }
    n
}

#[test]
fn fuzz_entry_points_accept_their_seeds() {
    assert!(each("inventory_toml", |d| fuzzing::inventory(d, Format::Toml)) >= 20);
    assert!(each("inventory_yaml", |d| fuzzing::inventory(d, Format::Yaml)) >= 5);
    assert!(each("inventory_json", |d| fuzzing::inventory(d, Format::Json)) >= 5);
    assert!(each("rule", fuzzing::rule) >= 30);
    assert!(each("baseline", fuzzing::baseline) >= 2);
}
