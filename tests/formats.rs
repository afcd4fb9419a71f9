//! The same inventory written as TOML, YAML and JSON loads to the same model
//! and audits to the same findings; only source locations differ.

use std::path::Path;

use stackaudit::audit::{AuditOptions, audit};
use stackaudit::checks::Catalogue;
use stackaudit::inventory::{LoadOptions, load};

fn root(p: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

#[test]
fn toml_yaml_and_json_load_to_the_same_model() {
    let options = LoadOptions::default();
    let toml = load(&root("stack.example.toml"), &options).unwrap();
    let yaml = load(&root("tests/fixtures/stack.example.yaml"), &options).unwrap();
    let json = load(&root("tests/fixtures/stack.example.json"), &options).unwrap();
    let as_json = |inv| serde_json::to_value(inv).unwrap();
    assert_eq!(as_json(&toml), as_json(&yaml));
    assert_eq!(as_json(&toml), as_json(&json));
    assert_eq!(toml.tools.len(), 16);
}

#[test]
fn findings_match_across_formats_and_point_at_the_right_lines() {
    let options = LoadOptions::default();
    let audit_options = AuditOptions::new("2026-11-22".parse().unwrap());
    let catalogue = Catalogue::builtin();
    let mut all = Vec::new();
    for file in [
        "stack.example.toml",
        "tests/fixtures/stack.example.yaml",
        "tests/fixtures/stack.example.json",
    ] {
        let path = root(file);
        let inv = load(&path, &options).unwrap();
        let result = audit(&inv, &catalogue, &audit_options).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        // A located finding about a field points at a line that names it.
        let rpo = result
            .findings
            .iter()
            .find(|f| f.check == "backup-rpo-exceeded")
            .unwrap();
        let loc = rpo.location.as_ref().unwrap();
        assert!(
            lines[loc.line as usize - 1].contains("rpo_hours"),
            "{file}:{}",
            loc.line
        );
        let keys: Vec<(String, Option<String>, Option<String>, String)> = result
            .findings
            .iter()
            .map(|f| {
                (
                    f.check.to_string(),
                    f.tool.as_deref().map(str::to_string),
                    f.subject.as_deref().map(str::to_string),
                    f.message.to_string(),
                )
            })
            .collect();
        all.push(keys);
    }
    assert_eq!(all[0], all[1]);
    assert_eq!(all[0], all[2]);
}

#[test]
fn the_init_template_is_a_valid_inventory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stack.toml");
    std::fs::write(&path, include_str!("../templates/init.toml")).unwrap();
    load(&path, &LoadOptions::default()).unwrap();
}

#[test]
fn the_json_schema_covers_every_key_of_the_format() {
    let schema = stackaudit::inventory::schema::json_schema();
    let tool = &schema["properties"]["tool"]["items"];
    assert_eq!(tool["additionalProperties"], false);
    for f in stackaudit::inventory::spec::TOOL {
        assert!(tool["properties"].get(f.name).is_some(), "{}", f.name);
    }
    assert_eq!(
        tool["required"],
        serde_json::json!(["id", "name", "category"])
    );
    assert_eq!(schema["properties"]["schema"]["const"], 1);
    let category = &tool["properties"]["category"]["enum"];
    assert!(
        category
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "marketing-automation")
    );
}

#[test]
fn the_inventory_reference_documents_every_key() {
    let reference = std::fs::read_to_string(root("docs/inventory.md")).unwrap();
    use stackaudit::inventory::spec;
    for table in [
        spec::ROOT,
        spec::POLICY,
        spec::TOOL,
        spec::CONTRACT,
        spec::ACCESS,
        spec::ENCRYPTION,
        spec::BACKUP,
        spec::INTEGRATION,
        spec::CHECKS,
        spec::WAIVER,
    ] {
        for f in table {
            assert!(
                reference.contains(&format!("`{}`", f.name)),
                "docs/inventory.md does not document `{}`",
                f.name
            );
        }
    }
}
