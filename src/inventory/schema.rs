//! The JSON Schema of the inventory, generated from the format declared in
//! [`super::spec`], for editors (taplo / Even Better TOML, the YAML language
//! server, VS Code's JSON support).

use serde_json::{Map, Value, json};

use super::region;
use super::spec::{self, Field, Ty};

pub fn json_schema() -> Value {
    let mut root = table(spec::ROOT);
    let obj = root.as_object_mut().expect("a table schema is an object");
    obj.insert(
        "$schema".into(),
        json!("http://json-schema.org/draft-07/schema#"),
    );
    obj.insert(
        "$id".into(),
        json!("https://stackaudit.dev/schema/inventory-1.json"),
    );
    obj.insert("title".into(), json!("stackaudit inventory (schema 1)"));
    obj.insert(
        "description".into(),
        json!(
            "A marketing-technology stack: its tools, their compliance posture and integrations."
        ),
    );
    if let Some(schema) = obj.get_mut("properties").and_then(|p| p.get_mut("schema")) {
        *schema = json!({"const": 1, "description": "Format version; must be 1."});
    }
    root
}

fn table(fields: &[Field]) -> Value {
    let mut properties = Map::new();
    for f in fields {
        let mut s = ty(&f.ty);
        if let Some(o) = s.as_object_mut() {
            o.insert("description".into(), json!(f.doc));
        }
        properties.insert(f.name.into(), s);
    }
    let required: Vec<&str> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name)
        .collect();
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

fn ty(t: &Ty) -> Value {
    match t {
        Ty::Str => json!({"type": "string"}),
        Ty::Slug => json!({"type": "string", "pattern": "^[a-z0-9-]+$"}),
        Ty::Int { min, max } if *max == i64::MAX => json!({"type": "integer", "minimum": min}),
        Ty::Int { min, max } => json!({"type": "integer", "minimum": min, "maximum": max}),
        Ty::Number => json!({"type": "number", "minimum": 0}),
        Ty::Bool => json!({"type": "boolean"}),
        Ty::Date => json!({"type": "string", "format": "date"}),
        Ty::Enum(values) => json!({"type": "string", "enum": values}),
        Ty::OpenEnum(values) => json!({"type": "string", "examples": values}),
        Ty::Region => json!({"type": "string", "enum": region::all_codes().collect::<Vec<_>>()}),
        Ty::Url => json!({"type": "string", "format": "uri", "pattern": "^https?://"}),
        Ty::List(item @ Ty::Table(_)) => json!({"type": "array", "items": ty(item)}),
        Ty::List(item) => json!({"type": "array", "items": ty(item), "uniqueItems": true}),
        Ty::Table(fields) => table(fields),
        Ty::Map(value) => json!({"type": "object", "additionalProperties": ty(value)}),
        Ty::Certifications => json!({
            "type": "object",
            "properties": {"soc2": table(spec::SOC2)},
            "propertyNames": {"pattern": "^[a-z0-9-]+$"},
            "additionalProperties": table(spec::CERTIFICATE),
        }),
        Ty::Any => json!({}),
    }
}
