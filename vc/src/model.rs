//! VC Data Model 2.0 checks on a credential to be issued. Each problem is
//! reported with the field it concerns. The issuer's own fields (`id`,
//! `issuer`, `validFrom`) are filled in when absent.

use crate::contexts::{Contexts, CREDENTIALS_V2};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value};

/// A credential that is not acceptable, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct Invalid {
    /// JSON path of the offending member, e.g. `credentialSubject[0]`.
    pub field: String,
    pub message: String,
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> Invalid {
    Invalid {
        field: field.into(),
        message: message.into(),
    }
}

/// The path of the first key that is an IRI (`x:y`) or a keyword (`@x`).
fn odd_key(key: &str, value: &Value, path: &str) -> Option<String> {
    if key.contains(':') || key.starts_with('@') {
        return Some(path.to_owned());
    }
    match value {
        Value::Object(map) => map
            .iter()
            .find_map(|(k, v)| odd_key(k, v, &format!("{path}.{k}"))),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, v)| match v {
            Value::Object(_) => odd_key("", v, &format!("{path}[{i}]")),
            _ => None,
        }),
        _ => None,
    }
}

/// Whether any string (or key) in `value` holds a NUL character.
pub fn has_nul(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(has_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}

/// Parses an `xsd:dateTimeStamp` (a date-time with a time zone).
pub fn parse_datetime(field: &str, value: &Value) -> Result<DateTime<Utc>, Invalid> {
    let text = value
        .as_str()
        .ok_or_else(|| invalid(field, "must be a date-time string"))?;
    DateTime::parse_from_rfc3339(text)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| {
            invalid(
                field,
                format!(
                    "{:?} is not a date-time with a time zone (e.g. 2026-06-30T00:00:00Z)",
                    text.chars().take(60).collect::<String>()
                ),
            )
        })
}

fn objects<'a>(
    field: &str,
    value: &'a Value,
    allow_empty: bool,
) -> Result<Vec<&'a Map<String, Value>>, Invalid> {
    match value {
        Value::Object(o) => Ok(vec![o]),
        Value::Array(items) if !items.is_empty() || allow_empty => items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.as_object()
                    .ok_or_else(|| invalid(format!("{field}[{i}]"), "must be an object"))
            })
            .collect(),
        Value::Array(_) => Err(invalid(field, "must not be empty")),
        _ => Err(invalid(field, "must be an object or an array of objects")),
    }
}

fn has_type(o: &Map<String, Value>) -> bool {
    match o.get("type") {
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => {
            !a.is_empty() && a.iter().all(|t| t.as_str().is_some_and(|s| !s.is_empty()))
        }
        _ => false,
    }
}

/// Checks `credential` against VC Data Model 2.0 and fills in `id`
/// (`urn:uuid:`), `issuer` and `validFrom` when absent. `issuer_did` is the
/// only issuer accepted.
pub fn prepare(
    credential: Value,
    issuer_did: &str,
    contexts: &Contexts,
    now: DateTime<Utc>,
) -> Result<Map<String, Value>, Invalid> {
    if has_nul(&credential) {
        return Err(invalid(
            "credential",
            "NUL characters (\\u0000) are not allowed in a credential",
        ));
    }
    let Value::Object(mut vc) = credential else {
        return Err(invalid("credential", "must be a JSON object"));
    };
    // Only compact terms: a key written as an IRI (or a JSON-LD keyword, or
    // a nested @context) would slip past the checks below and change what
    // the signature covers.
    for (key, value) in &vc {
        if key != "@context" {
            if let Some(bad) = odd_key(key, value, key) {
                return Err(invalid(
                    bad,
                    "only terms defined by the bundled contexts are accepted as keys (no IRIs, \
                     JSON-LD keywords or nested @context)",
                ));
            }
        }
    }
    if vc.contains_key("proof") {
        return Err(invalid(
            "proof",
            "the credential to issue must not already have a proof",
        ));
    }
    for legacy in ["issuanceDate", "expirationDate"] {
        if vc.contains_key(legacy) {
            return Err(invalid(
                legacy,
                "is a VC Data Model 1.1 term; VC 2.0 uses validFrom and validUntil",
            ));
        }
    }

    // @context: an ordered set whose first item is the VC 2.0 context, and
    // whose items are all bundled.
    let context = vc
        .get("@context")
        .ok_or_else(|| invalid("@context", "is required"))?;
    let items: Vec<&Value> = match context {
        Value::Array(items) => items.iter().collect(),
        Value::String(_) => vec![context],
        _ => return Err(invalid("@context", "must be an array of context URLs")),
    };
    if items.first().and_then(|v| v.as_str()) != Some(CREDENTIALS_V2) {
        return Err(invalid(
            "@context",
            format!("the first context must be {CREDENTIALS_V2}"),
        ));
    }
    for (i, item) in items.iter().enumerate() {
        match item {
            Value::String(url) if contexts.is_allowed(url) => {}
            Value::String(url) => {
                return Err(invalid(
                    format!("@context[{i}]"),
                    format!(
                        "{:?} is not a context this platform bundles (nothing is fetched); \
                         accepted: {}",
                        url.chars().take(200).collect::<String>(),
                        contexts.allowed().join(", ")
                    ),
                ))
            }
            _ => {
                return Err(invalid(
                    format!("@context[{i}]"),
                    "inline contexts are not accepted: use a bundled context URL",
                ))
            }
        }
    }

    // type
    match vc.get("type") {
        Some(Value::String(t)) if t == "VerifiableCredential" => {}
        Some(Value::Array(types)) => {
            if !types
                .iter()
                .all(|t| t.as_str().is_some_and(|s| !s.is_empty()))
            {
                return Err(invalid("type", "must be an array of non-empty strings"));
            }
            if !types.iter().any(|t| t == "VerifiableCredential") {
                return Err(invalid("type", "must include \"VerifiableCredential\""));
            }
        }
        Some(_) => return Err(invalid("type", "must include \"VerifiableCredential\"")),
        None => return Err(invalid("type", "is required")),
    }

    // id
    match vc.get("id") {
        None => {
            vc.insert(
                "id".into(),
                Value::String(format!("urn:uuid:{}", uuid::Uuid::new_v4())),
            );
        }
        Some(Value::String(id)) if url::Url::parse(id).is_ok() && id.len() <= 2048 => {}
        Some(_) => return Err(invalid("id", "must be a URL (e.g. urn:uuid:...)")),
    }

    // issuer: this organisation, nobody else.
    match vc.get("issuer") {
        None => {
            vc.insert("issuer".into(), Value::String(issuer_did.to_owned()));
        }
        Some(Value::String(did)) if did == issuer_did => {}
        Some(Value::Object(o)) if o.get("id").and_then(Value::as_str) == Some(issuer_did) => {}
        Some(Value::Object(o)) if o.get("id").is_none() => {
            return Err(invalid("issuer.id", "is required"))
        }
        Some(_) => {
            return Err(invalid(
                "issuer",
                format!("must be this organisation's DID, {issuer_did}"),
            ))
        }
    }

    // credentialSubject
    let subjects = objects(
        "credentialSubject",
        vc.get("credentialSubject")
            .ok_or_else(|| invalid("credentialSubject", "is required"))?,
        false,
    )?;
    for (i, s) in subjects.iter().enumerate() {
        if s.is_empty() {
            return Err(invalid(
                format!("credentialSubject[{i}]"),
                "must state at least one claim",
            ));
        }
        if let Some(id) = s.get("id") {
            if id.as_str().is_none_or(|id| url::Url::parse(id).is_err()) {
                return Err(invalid(
                    format!("credentialSubject[{i}].id"),
                    "must be a URL",
                ));
            }
        }
    }

    // Validity period.
    let valid_from = match vc.get("validFrom") {
        Some(v) => parse_datetime("validFrom", v)?,
        None => {
            vc.insert(
                "validFrom".into(),
                Value::String(now.to_rfc3339_opts(SecondsFormat::Secs, true)),
            );
            now
        }
    };
    if let Some(v) = vc.get("validUntil") {
        let until = parse_datetime("validUntil", v)?;
        if until <= valid_from {
            return Err(invalid("validUntil", "must be later than validFrom"));
        }
    }

    // Typed members.
    for (field, needs_id) in [
        ("credentialSchema", true),
        ("credentialStatus", false),
        ("refreshService", false),
        ("evidence", false),
        ("termsOfUse", false),
    ] {
        if let Some(value) = vc.get(field) {
            for (i, o) in objects(field, value, false)?.into_iter().enumerate() {
                if !has_type(o) {
                    return Err(invalid(format!("{field}[{i}].type"), "is required"));
                }
                if needs_id
                    && o.get("id")
                        .and_then(Value::as_str)
                        .is_none_or(|id| url::Url::parse(id).is_err())
                {
                    return Err(invalid(format!("{field}[{i}].id"), "must be a URL"));
                }
            }
        }
    }
    for field in ["name", "description"] {
        if let Some(v) = vc.get(field) {
            if !(v.is_string() || v.is_object() || v.is_array()) {
                return Err(invalid(field, "must be a string or language-tagged values"));
            }
        }
    }
    Ok(vc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DID: &str = "did:web:portfolio.example.org:orgs:univ";

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-06-30T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn ok() -> Value {
        json!({
            "@context": [CREDENTIALS_V2],
            "type": ["VerifiableCredential"],
            "credentialSubject": {"id": "did:example:alice", "name": "Alice"}
        })
    }

    #[test]
    fn fills_in_the_issuer_fields() {
        let c = Contexts::new("https://portfolio.example.org");
        let vc = prepare(ok(), DID, &c, now()).unwrap();
        assert_eq!(vc["issuer"], DID);
        assert_eq!(vc["validFrom"], "2026-06-30T12:00:00Z");
        assert!(vc["id"].as_str().unwrap().starts_with("urn:uuid:"));
    }

    #[test]
    fn refuses_what_vc_2_0_does_not_allow() {
        let c = Contexts::new("https://portfolio.example.org");
        let cases: Vec<(Value, &str)> = vec![
            (json!([]), "credential"),
            (
                json!({"type": ["VerifiableCredential"], "credentialSubject": {"a": 1}}),
                "@context",
            ),
            (
                json!({"@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiableCredential"], "credentialSubject": {"a": 1}}),
                "@context",
            ),
            (
                json!({"@context": [CREDENTIALS_V2, "https://evil.example/ctx"], "type": ["VerifiableCredential"], "credentialSubject": {"a": 1}}),
                "@context[1]",
            ),
            (
                json!({"@context": [CREDENTIALS_V2, {"@vocab": "https://x/"}], "type": ["VerifiableCredential"], "credentialSubject": {"a": 1}}),
                "@context[1]",
            ),
            (
                json!({"@context": [CREDENTIALS_V2], "type": ["Diploma"], "credentialSubject": {"a": 1}}),
                "type",
            ),
            (
                json!({"@context": [CREDENTIALS_V2], "credentialSubject": {"a": 1}}),
                "type",
            ),
            (
                json!({"@context": [CREDENTIALS_V2], "type": ["VerifiableCredential"]}),
                "credentialSubject",
            ),
            (
                json!({"@context": [CREDENTIALS_V2], "type": ["VerifiableCredential"], "credentialSubject": []}),
                "credentialSubject",
            ),
            (
                json!({"@context": [CREDENTIALS_V2], "type": ["VerifiableCredential"], "credentialSubject": {}}),
                "credentialSubject[0]",
            ),
            (
                json!({"@context": [CREDENTIALS_V2], "type": ["VerifiableCredential"], "credentialSubject": {"id": "not a url"}}),
                "credentialSubject[0].id",
            ),
            (
                json!({"@context": [CREDENTIALS_V2], "type": ["VerifiableCredential"], "issuer": "did:web:other.example", "credentialSubject": {"a": 1}}),
                "issuer",
            ),
            (
                json!({"@context": [CREDENTIALS_V2], "type": ["VerifiableCredential"], "issuer": {"name": "x"}, "credentialSubject": {"a": 1}}),
                "issuer.id",
            ),
            (
                json!({"@context": [CREDENTIALS_V2], "type": ["VerifiableCredential"], "validFrom": "yesterday", "credentialSubject": {"a": 1}}),
                "validFrom",
            ),
            (
                json!({"@context": [CREDENTIALS_V2], "type": ["VerifiableCredential"], "validFrom": "2026-01-01T00:00:00", "credentialSubject": {"a": 1}}),
                "validFrom",
            ),
            (
                json!({"@context": [CREDENTIALS_V2], "type": ["VerifiableCredential"], "validFrom": "2026-01-02T00:00:00Z", "validUntil": "2026-01-01T00:00:00Z", "credentialSubject": {"a": 1}}),
                "validUntil",
            ),
            (
                json!({"@context": [CREDENTIALS_V2], "type": ["VerifiableCredential"], "issuanceDate": "2026-01-01T00:00:00Z", "credentialSubject": {"a": 1}}),
                "issuanceDate",
            ),
            (
                json!({"@context": [CREDENTIALS_V2], "type": ["VerifiableCredential"], "credentialSchema": {"id": "https://x/s.json"}, "credentialSubject": {"a": 1}}),
                "credentialSchema[0].type",
            ),
            (
                json!({"@context": [CREDENTIALS_V2], "type": ["VerifiableCredential"], "credentialSchema": {"type": "JsonSchema"}, "credentialSubject": {"a": 1}}),
                "credentialSchema[0].id",
            ),
            (
                json!({"@context": [CREDENTIALS_V2], "type": ["VerifiableCredential"], "refreshService": [{"id": "https://x"}], "credentialSubject": {"a": 1}}),
                "refreshService[0].type",
            ),
            (
                json!({"@context": [CREDENTIALS_V2], "type": ["VerifiableCredential"], "id": 42, "credentialSubject": {"a": 1}}),
                "id",
            ),
            (
                json!({"@context": [CREDENTIALS_V2], "type": ["VerifiableCredential"], "proof": {}, "credentialSubject": {"a": 1}}),
                "proof",
            ),
        ];
        for (vc, field) in cases {
            let err = prepare(vc.clone(), DID, &c, now()).unwrap_err();
            assert_eq!(err.field, field, "{vc}: {err}");
        }
    }
}
