//! Templates without writing JSON Schema: a list of fields (label in French
//! and English, a type, required or not, help, a framework code) becomes the
//! subject's schema, and a schema becomes fields again (to start from a
//! template of the gallery or an older one).
//!
//! The schema keeps what people read in annotations that JSON Schema
//! validators ignore: `title` (the French label), `x-atout-labels`
//! `{fr, en}`, `description` and `x-atout-help` `{fr, en}`,
//! `x-atout-framework` (an ESCO, RNCP or ROME code), `x-atout-type` (`email`,
//! `identifier`, `date`). Issuing forms read the labels in the page's
//! language; batch files may name their columns by them.

use crate::csv_input::{self, Kind, ISO_DATE_PATTERN};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use utoipa::ToSchema;

/// Most fields in a built template.
pub const MAX_FIELDS: usize = 60;
/// Most options of a choice.
pub const MAX_OPTIONS: usize = 50;
/// The types a field can have.
pub const FIELD_TYPES: [&str; 8] = [
    "text",
    "date",
    "number",
    "integer",
    "choice",
    "email",
    "identifier",
    "fixed",
];
/// What an e-mail field accepts (the registry's own check is the same).
pub const EMAIL_PATTERN: &str = "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$";
/// What an identifier field accepts.
pub const IDENTIFIER_PATTERN: &str = "^[A-Za-z0-9][A-Za-z0-9._:/-]*$";

/// One field of a template, as the builder takes it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FieldSpec {
    /// The property's dotted path (`degree.name`); made from the label
    /// when empty.
    #[serde(default)]
    pub key: String,
    pub label_fr: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label_en: String,
    /// `text`, `date`, `number`, `integer`, `choice`, `email`,
    /// `identifier` or `fixed`.
    #[serde(rename = "type")]
    pub field_type: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub help_fr: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub help_en: String,
    /// A choice's options, or a fixed field's one value.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// The framework code the field aligns to (ESCO, RNCP, ROME...).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub framework_code: String,
}

/// What is wrong with a list of fields: the field's index (none for the
/// list), the part of it, and a code for pages to translate.
#[derive(Debug, Clone, PartialEq)]
pub struct BuilderError {
    pub index: Option<usize>,
    pub part: &'static str,
    pub code: &'static str,
}

impl BuilderError {
    fn at(index: usize, part: &'static str, code: &'static str) -> Self {
        BuilderError {
            index: Some(index),
            part,
            code,
        }
    }

    /// The problem in English, for API callers.
    pub fn message(&self) -> String {
        let what = match self.code {
            "no-fields" => "add at least one field".to_owned(),
            "too-many-fields" => format!("at most {MAX_FIELDS} fields"),
            "label" => "type a label of 1 to 200 characters".into(),
            "key" => "a key is one to three names of letters and digits separated by dots, starting with a letter (e.g. degree.name)".into(),
            "reserved-key" => "id, type and achievement are set by Atout; choose another key".into(),
            "duplicate-key" => "two fields have this key".into(),
            "key-clash" => "a field's key is the group of another field's key".into(),
            "type" => format!("the type is one of {}", FIELD_TYPES.join(", ")),
            "options" => format!("a choice needs 1 to {MAX_OPTIONS} options of at most 200 characters, each once"),
            "fixed" => "a fixed field needs its one value".into(),
            "help" => "help has at most 500 characters".into(),
            "framework-code" => "a framework code has at most 200 printable characters".into(),
            _ => "this field is not valid".into(),
        };
        match self.index {
            Some(i) => format!("Field {}, {}: {what}.", i + 1, self.part),
            None => format!("Fields: {what}."),
        }
    }

    /// The problem's `field`, as in other template problems: `fields[2].labelFr`.
    pub fn field(&self) -> String {
        match self.index {
            Some(i) => format!("fields[{i}].{}", self.part),
            None => "fields".into(),
        }
    }
}

fn printable(text: &str, max: usize) -> bool {
    text.chars().count() <= max && !text.chars().any(char::is_control)
}

/// A key made from a label: `Date d'obtention` → `dateDObtention`.
pub fn key_from_label(label: &str) -> String {
    let folded = csv_input::fold(label);
    let mut key = String::new();
    let mut upper = false;
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            if key.is_empty() && c.is_ascii_digit() {
                key.push('f');
            }
            if upper && !key.is_empty() {
                key.push(c.to_ascii_uppercase());
            } else {
                key.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    key.truncate(60);
    key
}

fn key_ok(key: &str) -> bool {
    let parts: Vec<&str> = key.split('.').collect();
    parts.len() <= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 64
                && p.starts_with(|c: char| c.is_ascii_alphabetic())
                && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

/// Checks fields (keys made from labels where empty) and gives the subject
/// schema they describe; `framework_code` is the credential's own.
pub fn schema_from_fields(
    fields: &mut [FieldSpec],
    framework_code: Option<&str>,
) -> Result<Value, BuilderError> {
    let list = |code| BuilderError {
        index: None,
        part: "",
        code,
    };
    if fields.is_empty() {
        return Err(list("no-fields"));
    }
    if fields.len() > MAX_FIELDS {
        return Err(list("too-many-fields"));
    }
    for (i, f) in fields.iter_mut().enumerate() {
        f.label_fr = f.label_fr.trim().to_owned();
        f.label_en = f.label_en.trim().to_owned();
        f.key = f.key.trim().to_owned();
        if f.label_fr.is_empty() || !printable(&f.label_fr, 200) {
            return Err(BuilderError::at(i, "labelFr", "label"));
        }
        if !printable(&f.label_en, 200) {
            return Err(BuilderError::at(i, "labelEn", "label"));
        }
        if f.key.is_empty() {
            let from = if f.label_en.is_empty() {
                &f.label_fr
            } else {
                &f.label_en
            };
            f.key = key_from_label(from);
        }
        if !key_ok(&f.key) {
            return Err(BuilderError::at(i, "key", "key"));
        }
        if ["id", "type", "achievement"].contains(&f.key.as_str()) {
            return Err(BuilderError::at(i, "key", "reserved-key"));
        }
        if !FIELD_TYPES.contains(&f.field_type.as_str()) {
            return Err(BuilderError::at(i, "type", "type"));
        }
        if !printable(&f.help_fr, 500) {
            return Err(BuilderError::at(i, "helpFr", "help"));
        }
        if !printable(&f.help_en, 500) {
            return Err(BuilderError::at(i, "helpEn", "help"));
        }
        f.framework_code = f.framework_code.trim().to_owned();
        if !printable(&f.framework_code, 200) {
            return Err(BuilderError::at(i, "frameworkCode", "framework-code"));
        }
        f.options = f
            .options
            .iter()
            .map(|o| o.trim().to_owned())
            .filter(|o| !o.is_empty())
            .collect();
        match f.field_type.as_str() {
            "choice" => {
                let mut unique = f.options.clone();
                unique.sort();
                unique.dedup();
                if f.options.is_empty()
                    || f.options.len() > MAX_OPTIONS
                    || unique.len() != f.options.len()
                    || !f.options.iter().all(|o| printable(o, 200))
                {
                    return Err(BuilderError::at(i, "options", "options"));
                }
            }
            "fixed" => {
                if f.options.len() != 1 || !printable(&f.options[0], 200) {
                    return Err(BuilderError::at(i, "options", "fixed"));
                }
            }
            _ => f.options.clear(),
        }
    }
    for i in 0..fields.len() {
        for j in 0..i {
            let (a, b) = (&fields[i].key, &fields[j].key);
            if a == b {
                return Err(BuilderError::at(i, "key", "duplicate-key"));
            }
            if a.starts_with(&format!("{b}.")) || b.starts_with(&format!("{a}.")) {
                return Err(BuilderError::at(i, "key", "key-clash"));
            }
        }
    }
    let mut root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "id": {"type": "string", "pattern": "^did:"}
        }
    });
    if let Some(code) = framework_code.map(str::trim).filter(|c| !c.is_empty()) {
        root["x-atout-framework"] = json!(code);
    }
    for f in fields.iter() {
        let parts: Vec<&str> = f.key.split('.').collect();
        let mut node = &mut root;
        for (depth, part) in parts.iter().enumerate() {
            let last = depth + 1 == parts.len();
            if f.required {
                add_required(node, part);
            }
            let props = node
                .as_object_mut()
                .and_then(|o| {
                    o.entry("properties")
                        .or_insert_with(|| json!({}))
                        .as_object_mut()
                })
                .expect("properties is an object");
            if last {
                props.insert((*part).to_owned(), property(f));
                break;
            }
            node = props.entry((*part).to_owned()).or_insert_with(
                || json!({"type": "object", "additionalProperties": false, "properties": {}}),
            );
        }
    }
    Ok(root)
}

fn add_required(node: &mut Value, name: &str) {
    if let Some(o) = node.as_object_mut() {
        let list = o.entry("required").or_insert_with(|| json!([]));
        if let Some(a) = list.as_array_mut() {
            if !a.iter().any(|v| v == name) {
                a.push(json!(name));
            }
        }
    }
}

fn property(f: &FieldSpec) -> Value {
    let mut p = match f.field_type.as_str() {
        "date" => json!({"type": "string", "format": "date", "pattern": ISO_DATE_PATTERN}),
        "number" => json!({"type": "number"}),
        "integer" => json!({"type": "integer"}),
        "choice" => json!({"type": "string", "enum": f.options}),
        "email" => {
            json!({"type": "string", "x-atout-type": "email", "pattern": EMAIL_PATTERN, "maxLength": 254})
        }
        "identifier" => {
            json!({"type": "string", "x-atout-type": "identifier", "pattern": IDENTIFIER_PATTERN, "maxLength": 100})
        }
        "fixed" => json!({"const": f.options.first().cloned().unwrap_or_default()}),
        _ => json!({"type": "string", "maxLength": 1000}),
    };
    if f.required && matches!(f.field_type.as_str(), "text") {
        p["minLength"] = json!(1);
    }
    p["title"] = json!(f.label_fr);
    let mut labels = Map::new();
    labels.insert("fr".into(), json!(f.label_fr));
    if !f.label_en.is_empty() {
        labels.insert("en".into(), json!(f.label_en));
    }
    p["x-atout-labels"] = Value::Object(labels);
    if !f.help_fr.is_empty() || !f.help_en.is_empty() {
        p["description"] = json!(if f.help_fr.is_empty() {
            &f.help_en
        } else {
            &f.help_fr
        });
        let mut help = Map::new();
        if !f.help_fr.is_empty() {
            help.insert("fr".into(), json!(f.help_fr));
        }
        if !f.help_en.is_empty() {
            help.insert("en".into(), json!(f.help_en));
        }
        p["x-atout-help"] = Value::Object(help);
    }
    if !f.framework_code.is_empty() {
        p["x-atout-framework"] = json!(f.framework_code);
    }
    p
}

/// A key as words, for templates without labels: `degree.eqfLevel` →
/// `Degree – eqf level`.
pub fn humanise(path: &str) -> String {
    let parts: Vec<String> = path
        .split('.')
        .map(|part| {
            let mut words = String::new();
            for (i, c) in part.chars().enumerate() {
                if c == '_' {
                    words.push(' ');
                } else if c.is_uppercase() && i > 0 {
                    words.push(' ');
                    words.extend(c.to_lowercase());
                } else {
                    words.push(c);
                }
            }
            words
        })
        .collect();
    let mut text = parts.join(" – ");
    if let Some(first) = text.get(..1) {
        text = first.to_uppercase() + &text[1..];
    }
    text
}

fn text_at(prop: &Value, key: &str, lang: &str) -> String {
    prop.get(key)
        .and_then(|l| l.get(lang))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned()
}

/// The fields a schema describes (the subject's `id` left out), for the
/// builder to start from.
pub fn fields_from_schema(schema: &Value) -> Vec<FieldSpec> {
    let mut out = Vec::new();
    let fields = csv_input::schema_fields(schema);
    for f in fields {
        if f.path == "id" {
            continue;
        }
        let mut node = schema;
        let mut required = true;
        let parts: Vec<&str> = f.path.split('.').collect();
        for part in &parts {
            let listed = node
                .get("required")
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|v| v == part));
            required &= listed;
            node = &node["properties"][*part];
        }
        let prop = node;
        let (field_type, options) = match &f.kind {
            Kind::Fixed(v) => ("fixed", vec![scalar(v)]),
            Kind::Choice(o) => ("choice", o.iter().map(scalar).collect()),
            Kind::Date => ("date", Vec::new()),
            Kind::Integer => ("integer", Vec::new()),
            Kind::Number => ("number", Vec::new()),
            Kind::Email => ("email", Vec::new()),
            Kind::Identifier => ("identifier", Vec::new()),
            Kind::Boolean => ("choice", vec!["true".into(), "false".into()]),
            Kind::Text => (
                if prop.get("pattern").is_some() {
                    "identifier"
                } else {
                    "text"
                },
                Vec::new(),
            ),
        };
        let mut label_fr = text_at(prop, "x-atout-labels", "fr");
        if label_fr.is_empty() {
            label_fr = prop
                .get("title")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| humanise(&f.path));
        }
        let mut help_fr = text_at(prop, "x-atout-help", "fr");
        if help_fr.is_empty() {
            help_fr = prop
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
        }
        out.push(FieldSpec {
            key: f.path.clone(),
            label_fr,
            label_en: text_at(prop, "x-atout-labels", "en"),
            field_type: field_type.into(),
            required,
            help_fr,
            help_en: text_at(prop, "x-atout-help", "en"),
            options,
            framework_code: prop
                .get("x-atout-framework")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
        });
    }
    out
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A field's label in a language (`fr` or `en`): `x-atout-labels`, then
/// the `title`, then the key made readable.
pub fn label(prop: &Value, path: &str, lang: &str) -> String {
    for l in [lang, "fr", "en"] {
        let t = text_at(prop, "x-atout-labels", l);
        if !t.is_empty() {
            return t;
        }
    }
    prop.get("title")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| humanise(path))
}

/// A field's help in a language, if any.
pub fn help(prop: &Value, lang: &str) -> String {
    let t = text_at(prop, "x-atout-help", lang);
    if !t.is_empty() {
        return t;
    }
    prop.get("description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(label: &str, ty: &str) -> FieldSpec {
        FieldSpec {
            label_fr: label.into(),
            field_type: ty.into(),
            ..Default::default()
        }
    }

    #[test]
    fn fields_become_a_schema_and_back() {
        let mut fields = vec![
            FieldSpec {
                required: true,
                label_en: "Given name".into(),
                ..field("Prénom", "text")
            },
            FieldSpec {
                key: "degree.awardedOn".into(),
                required: true,
                help_fr: "Le jour du jury.".into(),
                ..field("Date d’obtention", "date")
            },
            FieldSpec {
                key: "degree.grade".into(),
                options: vec!["Bien".into(), " Très bien ".into(), "".into()],
                ..field("Mention", "choice")
            },
            FieldSpec {
                key: "degree.rncp".into(),
                framework_code: "RNCP35185".into(),
                ..field("Code RNCP", "identifier")
            },
            FieldSpec {
                key: "degree.type".into(),
                options: vec!["Diploma".into()],
                ..field("Type", "fixed")
            },
        ];
        let schema = schema_from_fields(&mut fields, Some("RNCP35185")).unwrap();
        assert_eq!(fields[0].key, "givenName");
        assert!(jsonschema::validator_for(&schema).is_ok());
        assert_eq!(schema["required"], json!(["givenName", "degree"]));
        assert_eq!(
            schema["properties"]["degree"]["required"],
            json!(["awardedOn"])
        );
        assert_eq!(
            schema["properties"]["degree"]["properties"]["grade"]["enum"],
            json!(["Bien", "Très bien"])
        );
        let v = jsonschema::validator_for(&schema).unwrap();
        assert!(v.is_valid(
            &json!({"givenName": "Ana", "degree": {"awardedOn": "2025-07-01", "type": "Diploma"}})
        ));
        assert!(!v.is_valid(&json!({"givenName": "", "degree": {"awardedOn": "2025-07-01"}})));
        let back = fields_from_schema(&schema);
        assert_eq!(back.len(), 5);
        assert_eq!(back[0].label_en, "Given name");
        assert_eq!(back[1].help_fr, "Le jour du jury.");
        assert!(back[1].required && !back[2].required);
        let mut again = back.clone();
        assert_eq!(
            schema_from_fields(&mut again, Some("RNCP35185")).unwrap(),
            schema
        );
    }

    #[test]
    fn bad_fields_are_named() {
        let err = |mut f: Vec<FieldSpec>| schema_from_fields(&mut f, None).unwrap_err();
        assert_eq!(err(vec![]).code, "no-fields");
        assert_eq!(
            err(vec![field("", "text")]),
            BuilderError::at(0, "labelFr", "label")
        );
        assert_eq!(err(vec![field("A", "colour")]).code, "type");
        assert_eq!(
            err(vec![field("A", "text"), field("a", "text")]).code,
            "duplicate-key"
        );
        assert_eq!(err(vec![field("A", "choice")]).code, "options");
        assert_eq!(err(vec![field("A", "fixed")]).code, "fixed");
        let clash = vec![
            FieldSpec {
                key: "degree".into(),
                ..field("A", "text")
            },
            FieldSpec {
                key: "degree.name".into(),
                ..field("B", "text")
            },
        ];
        assert_eq!(err(clash).code, "key-clash");
        assert_eq!(
            err(vec![FieldSpec {
                key: "id".into(),
                ..field("A", "text")
            }])
            .code,
            "reserved-key"
        );
        assert_eq!(
            err(vec![FieldSpec {
                key: "a b".into(),
                ..field("A", "text")
            }])
            .code,
            "key"
        );
        assert_eq!(
            err(vec![field("A", "text"); MAX_FIELDS + 1]).code,
            "too-many-fields"
        );
        assert_eq!(humanise("degree.eqfLevel"), "Degree – eqf level");
        assert_eq!(key_from_label("Date d’obtention"), "dateDObtention");
    }
}
