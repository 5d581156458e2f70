//! The subject of a credential as a form: one field per property of the
//! template's JSON Schema (nested objects as dotted paths, as the CSV
//! columns of a batch), typed by the schema, and the posted form turned
//! back into the subject the API checks.

use crate::forms::PostForm;
use serde_json::{Map, Value};

/// The prefix of the subject's fields in a posted form.
pub const PREFIX: &str = "s.";

/// How a field is entered.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Text,
    Date,
    Integer,
    Number,
    Boolean,
    Email,
    /// One of these values.
    Choice(Vec<String>),
    /// Always this value (shown, not entered).
    Fixed(String),
}

/// One field of the subject form.
#[derive(Debug, Clone)]
pub struct Field {
    /// Dotted path, e.g. `degree.name`.
    pub path: String,
    /// The schema's title, else the path.
    pub label: String,
    pub description: String,
    pub kind: Kind,
    pub required: bool,
    pub value: String,
    pub error: Option<String>,
}

impl Field {
    /// The form field's name.
    pub fn name(&self) -> String {
        format!("{PREFIX}{}", self.path)
    }

    pub fn input_type(&self) -> &'static str {
        match self.kind {
            Kind::Integer | Kind::Number => "number",
            Kind::Date => "date",
            Kind::Email => "email",
            _ => "text",
        }
    }

    pub fn step(&self) -> &'static str {
        match self.kind {
            Kind::Integer => "1",
            _ => "any",
        }
    }

    pub fn choices(&self) -> Vec<String> {
        match &self.kind {
            Kind::Choice(c) => c.clone(),
            Kind::Boolean => vec!["true".into(), "false".into()],
            _ => Vec::new(),
        }
    }

    pub fn is_choice(&self) -> bool {
        matches!(self.kind, Kind::Choice(_) | Kind::Boolean)
    }

    pub fn fixed(&self) -> Option<&str> {
        match &self.kind {
            Kind::Fixed(v) => Some(v),
            _ => None,
        }
    }
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A key as words, for old templates without labels: `degree.eqfLevel` →
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
    let text = parts.join(" – ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

fn in_lang(prop: &Value, key: &str, lang: &str) -> Option<String> {
    let texts = prop.get(key)?;
    [lang, "fr", "en"]
        .iter()
        .find_map(|l| texts.get(*l).and_then(Value::as_str))
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// A property's label in `lang`: `x-atout-labels`, then its `title`, then
/// its key made readable.
pub fn label_of(prop: &Value, path: &str, lang: &str) -> String {
    in_lang(prop, "x-atout-labels", lang)
        .or_else(|| prop.get("title").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| humanise(path))
}

fn walk(schema: &Value, prefix: &str, parent_required: bool, lang: &str, out: &mut Vec<Field>) {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (name, prop) in props {
        if out.len() >= 200 {
            return;
        }
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        let is_required = parent_required && required.contains(&name.as_str());
        let ty = prop.get("type").and_then(Value::as_str).unwrap_or("");
        if ty == "object" || prop.get("properties").is_some() {
            walk(prop, &path, is_required, lang, out);
            continue;
        }
        let kind = if let Some(c) = prop.get("const").and_then(scalar_text) {
            Kind::Fixed(c)
        } else if let Some(values) = prop.get("enum").and_then(Value::as_array) {
            Kind::Choice(values.iter().filter_map(scalar_text).collect())
        } else if prop.get("x-atout-type").and_then(Value::as_str) == Some("email") {
            Kind::Email
        } else {
            match ty {
                "integer" => Kind::Integer,
                "number" => Kind::Number,
                "boolean" => Kind::Boolean,
                _ if prop.get("format").and_then(Value::as_str) == Some("date")
                    || prop.get("pattern").and_then(Value::as_str)
                        == Some("^[0-9]{4}-[0-9]{2}-[0-9]{2}$") =>
                {
                    Kind::Date
                }
                _ => Kind::Text,
            }
        };
        // Arrays and other shapes cannot be typed into one field.
        if matches!(ty, "array" | "null") {
            continue;
        }
        out.push(Field {
            label: label_of(prop, &path, lang),
            description: in_lang(prop, "x-atout-help", lang)
                .or_else(|| {
                    prop.get("description")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                })
                .unwrap_or_default(),
            value: match &kind {
                Kind::Fixed(v) => v.clone(),
                _ => String::new(),
            },
            path,
            kind,
            required: is_required,
            error: None,
        });
    }
}

/// The fields of a subject schema, labelled in `lang` (`fr` or `en`).
pub fn fields(schema: &Value, lang: &str) -> Vec<Field> {
    let mut out = Vec::new();
    walk(schema, "", true, lang, &mut out);
    out
}

/// Fills fields from the posted form.
pub fn fill_from_form(fields: &mut [Field], form: &PostForm) {
    for f in fields.iter_mut() {
        if f.fixed().is_none() {
            f.value = form.text(&f.name());
        }
    }
}

/// Fills fields from a certification request's `prefill` (`name`, the
/// person's; `title`, `organisation`, `startDate`, `endDate`,
/// `description`, the entry's): a field of the same path; else the
/// person's name split into `givenName` and `familyName`, and the entry's
/// title as a nested `name` (the degree's, the course's).
pub fn fill_from(fields: &mut [Field], prefill: &Value) {
    let text = |k: &str| prefill.get(k).and_then(scalar_text).unwrap_or_default();
    let person = text("name");
    let (given, family) = person
        .trim()
        .split_once(' ')
        .map(|(g, f)| (g.to_owned(), f.trim().to_owned()))
        .unwrap_or_else(|| (person.trim().to_owned(), String::new()));
    for f in fields.iter_mut() {
        if f.fixed().is_some() {
            continue;
        }
        let last = f.path.rsplit('.').next().unwrap_or("");
        let top = !f.path.contains('.');
        let value = match prefill.get(&f.path).and_then(scalar_text) {
            Some(v) => v,
            None if top && last == "givenName" => given.clone(),
            None if top && last == "familyName" => family.clone(),
            None if !top && last == "name" => text("title"),
            None => continue,
        };
        f.value = value;
    }
}

fn insert_path(map: &mut Map<String, Value>, parts: &[&str], value: Value) {
    match parts {
        [last] => {
            map.insert((*last).to_owned(), value);
        }
        [first, rest @ ..] => {
            let entry = map
                .entry((*first).to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(m) = entry {
                insert_path(m, rest, value);
            }
        }
        [] => {}
    }
}

/// The subject from the fields' values; a value that is not of its type
/// marks its field (with `bad_type`) and is left out. Empty fields are
/// left out; a required one marks its field with `missing`.
pub fn build(fields: &mut [Field], missing: &str, bad_type: &str) -> Value {
    let mut subject = Map::new();
    for f in fields.iter_mut() {
        let text = f.value.trim();
        if text.is_empty() {
            if f.required {
                f.error = Some(missing.to_owned());
            }
            continue;
        }
        let value = match &f.kind {
            Kind::Integer => text.parse::<i64>().ok().map(Value::from),
            Kind::Number => text.parse::<f64>().ok().and_then(|n| {
                serde_json::Number::from_f64(n).map(|n| {
                    // 7.0 stays an integer where the schema may want one.
                    if n.as_f64()
                        .is_some_and(|x| x.fract() == 0.0 && x.abs() < 1e15)
                    {
                        Value::from(n.as_f64().unwrap_or_default() as i64)
                    } else {
                        Value::Number(n)
                    }
                })
            }),
            Kind::Boolean => text.parse::<bool>().ok().map(Value::from),
            _ => Some(Value::String(text.to_owned())),
        };
        match value {
            Some(v) => {
                let parts: Vec<&str> = f.path.split('.').collect();
                insert_path(&mut subject, &parts, v);
            }
            None => f.error = Some(bad_type.to_owned()),
        }
    }
    Value::Object(subject)
}

/// Ties the API's schema errors (`errors: [{path: "/degree/name",
/// message}]`) to their fields; what matches no field is returned.
pub fn attach_errors(fields: &mut [Field], problem: &Value) -> Vec<String> {
    let mut general = Vec::new();
    for e in problem
        .get("errors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let path = e
            .get("path")
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim_start_matches('/')
            .replace('/', ".");
        let message = e
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        match fields
            .iter_mut()
            .find(|f| !path.is_empty() && f.path == path)
        {
            Some(f) => f.error = Some(message),
            None => general.push(message),
        }
    }
    general
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn labels_follow_the_page_language_then_fall_back() {
        let schema = json!({"type": "object", "properties": {
            "givenName": {"type": "string", "title": "Prénom", "x-atout-labels": {"fr": "Prénom", "en": "Given name"},
                          "x-atout-help": {"fr": "Comme sur la pièce d’identité."}},
            "degree": {"type": "object", "properties": {"eqfLevel": {"type": "integer"}}}
        }});
        let en = fields(&schema, "en");
        assert_eq!(en[0].label, "Given name");
        assert_eq!(en[0].description, "Comme sur la pièce d’identité.");
        assert_eq!(en[1].label, "Degree – eqf level");
        assert_eq!(fields(&schema, "fr")[0].label, "Prénom");
    }

    #[test]
    fn a_request_prefills_what_it_can() {
        let schema = json!({"type": "object", "properties": {
            "givenName": {"type": "string"}, "familyName": {"type": "string"},
            "title": {"type": "string"},
            "degree": {"type": "object", "properties": {"type": {"const": "Diploma"}, "name": {"type": "string"}}}
        }});
        let mut f = fields(&schema, "fr");
        fill_from(
            &mut f,
            &json!({"name": "Inès de la Tour", "title": "Master", "organisation": null}),
        );
        let values: Vec<(&str, &str)> = f
            .iter()
            .map(|f| (f.path.as_str(), f.value.as_str()))
            .collect();
        assert_eq!(
            values,
            [
                ("givenName", "Inès"),
                ("familyName", "de la Tour"),
                ("title", "Master"),
                ("degree.type", "Diploma"),
                ("degree.name", "Master"),
            ]
        );
    }

    #[test]
    fn a_schema_becomes_typed_fields_and_back() {
        let schema = json!({"type": "object", "required": ["name", "degree"], "properties": {
            "id": {"type": "string"},
            "name": {"type": "string", "title": "Nom"},
            "degree": {"type": "object", "required": ["level"], "properties": {
                "type": {"const": "Diploma"},
                "level": {"type": "integer"},
                "on": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
                "grade": {"enum": ["A", "B"]}
            }},
            "tags": {"type": "array"}
        }});
        let mut f = fields(&schema, "fr");
        let paths: Vec<&str> = f.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "id",
                "name",
                "degree.type",
                "degree.level",
                "degree.on",
                "degree.grade"
            ]
        );
        assert_eq!(f[1].label, "Nom");
        assert!(f[1].required && f[3].required && !f[0].required);
        assert_eq!(f[4].kind, Kind::Date);
        f[1].value = "Ana".into();
        f[3].value = "7".into();
        let s = build(&mut f, "missing", "bad");
        assert_eq!(
            s,
            json!({"name": "Ana", "degree": {"type": "Diploma", "level": 7}})
        );
        f[3].value = "seven".into();
        f[1].value = String::new();
        build(&mut f, "missing", "bad");
        assert_eq!(f[3].error.as_deref(), Some("bad"));
        assert_eq!(f[1].error.as_deref(), Some("missing"));
        let rest = attach_errors(
            &mut f,
            &json!({"errors": [{"path": "/degree/on", "message": "no"}, {"path": "", "message": "root"}]}),
        );
        assert_eq!(f[4].error.as_deref(), Some("no"));
        assert_eq!(rest, ["root"]);
    }
}
