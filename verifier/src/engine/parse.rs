//! Parsing and data-model shape checks of credentials (JSON and compact
//! JWTs), and what a person sees of them. What fails here is malformed
//! input (HTTP 400), not an invalid credential.

use super::{
    dates::parse_date, malformed, Malformed, Verifier, CREDENTIALS_V1, CREDENTIALS_V2, MAX_DEPTH,
    MAX_PROOFS,
};
use crate::{
    report::{Check, CheckKind, Summary},
    sources::short,
};
use base64::Engine as _;
use serde_json::{Map, Value};

/// The parsed securing mechanism of a credential.
pub(super) enum Secured {
    DataIntegrity,
    Jwt(Jwt),
}

pub(super) struct Jwt {
    pub(super) alg: String,
    pub(super) kid: String,
    pub(super) signing_input: String,
    pub(super) signature: Vec<u8>,
}

impl Verifier {
    /// A `@context` outside the bundled allow-list: never fetched, so the
    /// content cannot be interpreted, and the credential is not accepted.
    pub(super) fn unknown_context(&self, doc: &Map<String, Value>) -> Option<Check> {
        let items: Vec<&Value> = match doc.get("@context")? {
            Value::Array(a) => a.iter().collect(),
            v => vec![v],
        };
        items.iter().find_map(|item| match item {
            Value::String(url) if !self.vc.contexts.is_allowed(url) => Some(Check::failed(
                CheckKind::Proof,
                "unknown-context",
                format!(
                    "The credential uses the JSON-LD context {}, which this verifier does not accept (contexts are never fetched).",
                    short(url)
                ),
            )),
            Value::String(_) | Value::Object(_) => None,
            _ => Some(Check::failed(
                CheckKind::Proof,
                "invalid-json-ld",
                "A @context entry is neither a URL nor a context object.",
            )),
        })
    }
}

pub(super) fn check_depth(value: &Value) -> Result<(), Malformed> {
    fn depth(v: &Value, d: usize) -> bool {
        if d > MAX_DEPTH {
            return false;
        }
        match v {
            Value::Array(a) => a.iter().all(|x| depth(x, d + 1)),
            Value::Object(o) => o.values().all(|x| depth(x, d + 1)),
            _ => true,
        }
    }
    if depth(value, 0) {
        Ok(())
    } else {
        malformed(format!(
            "the document is nested deeper than {MAX_DEPTH} levels"
        ))
    }
}

pub(super) fn has_type(doc: &Map<String, Value>, wanted: &str) -> bool {
    match doc.get("type") {
        Some(Value::String(s)) => s == wanted,
        Some(Value::Array(a)) => a.iter().any(|t| t.as_str() == Some(wanted)),
        _ => false,
    }
}

pub(super) fn is_v1(doc: &Map<String, Value>) -> bool {
    first_context(doc) == Some(CREDENTIALS_V1)
}

fn first_context(doc: &Map<String, Value>) -> Option<&str> {
    match doc.get("@context") {
        Some(Value::String(s)) => Some(s),
        Some(Value::Array(a)) => a.first().and_then(Value::as_str),
        _ => None,
    }
}

pub(super) fn check_contexts_shape(doc: &Map<String, Value>) -> Result<(), Malformed> {
    match first_context(doc) {
        Some(CREDENTIALS_V2) | Some(CREDENTIALS_V1) => Ok(()),
        Some(other) => malformed(format!(
            "the first @context must be {CREDENTIALS_V2} (or {CREDENTIALS_V1}), not {:?}",
            short(other)
        )),
        None => malformed("@context is missing or its first item is not a URL"),
    }
}

pub(super) fn id_of(value: Option<&Value>) -> Option<&str> {
    match value? {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("id").and_then(Value::as_str),
        _ => None,
    }
}

pub(crate) fn issuer_id(doc: &Map<String, Value>) -> Option<String> {
    id_of(doc.get("issuer")).map(str::to_owned)
}

/// Data model checks shared by every format; what fails here is malformed
/// input, not an invalid credential.
fn check_credential_shape(doc: &Map<String, Value>) -> Result<(), Malformed> {
    check_contexts_shape(doc)?;
    if let Some(Value::Array(a)) = doc.get("@context") {
        if a.len() > 32 {
            return malformed("too many @context entries");
        }
    }
    if !has_type(doc, "VerifiableCredential") {
        return malformed("the credential's type must include \"VerifiableCredential\"");
    }
    match doc.get("issuer") {
        Some(Value::String(s)) if !s.is_empty() && s.contains(':') => {}
        Some(Value::Object(o))
            if o.get("id")
                .and_then(Value::as_str)
                .is_some_and(|s| s.contains(':')) => {}
        Some(_) => return malformed("issuer must be a URL or an object with an id URL"),
        None => return malformed("the credential has no issuer"),
    }
    match doc.get("credentialSubject") {
        Some(Value::Object(_)) => {}
        Some(Value::Array(a)) if !a.is_empty() && a.iter().all(Value::is_object) => {}
        Some(_) => return malformed("credentialSubject must be an object or a list of objects"),
        None => return malformed("the credential has no credentialSubject"),
    }
    let dates: &[&str] = if is_v1(doc) {
        if !doc.contains_key("issuanceDate") {
            return malformed("a VC 1.1 credential needs issuanceDate");
        }
        &["issuanceDate", "expirationDate"]
    } else {
        &["validFrom", "validUntil"]
    };
    for key in dates {
        if let Some(v) = doc.get(*key) {
            if v.as_str().and_then(parse_date).is_none() {
                return malformed(format!("{key} is not an XML Schema dateTime"));
            }
        }
    }
    Ok(())
}

/// The text of an SD-JWT VC (a JWS followed by `~`), if `input` is one.
pub fn sd_jwt_text(input: &Value) -> Option<&str> {
    match input {
        Value::String(s) if atout_vc::sd_jwt::looks_like(s) => Some(s.trim()),
        _ => None,
    }
}

/// Parses a credential in any accepted form.
pub(super) fn parse_credential(input: &Value) -> Result<(Map<String, Value>, Secured), Malformed> {
    match input {
        Value::String(jwt) => {
            let jwt_text = jwt.trim();
            let (payload, parsed) = parse_jwt(jwt_text)?;
            check_credential_shape(&payload)?;
            Ok((payload, Secured::Jwt(parsed)))
        }
        Value::Object(doc) => {
            if has_type(doc, "EnvelopedVerifiableCredential") {
                let id = doc.get("id").and_then(Value::as_str).unwrap_or("");
                let Some(jwt) = id
                    .strip_prefix("data:application/vc+jwt,")
                    .or_else(|| id.strip_prefix("data:application/vc-ld+jwt,"))
                else {
                    return malformed(
                        "an EnvelopedVerifiableCredential's id must be a data:application/vc+jwt, URL",
                    );
                };
                return parse_credential(&Value::String(jwt.to_owned()));
            }
            check_credential_shape(doc)?;
            let proofs = match doc.get("proof") {
                None => return malformed(
                    "the credential has no proof (a JSON credential needs a Data Integrity proof)",
                ),
                Some(Value::Object(p)) => vec![p],
                Some(Value::Array(a))
                    if !a.is_empty() && a.len() <= MAX_PROOFS && a.iter().all(Value::is_object) =>
                {
                    a.iter().filter_map(Value::as_object).collect()
                }
                Some(_) => {
                    return malformed(format!(
                        "proof must be an object or a list of 1 to {MAX_PROOFS} objects"
                    ))
                }
            };
            for p in proofs {
                for field in ["type", "proofPurpose", "verificationMethod", "proofValue"] {
                    if !p.get(field).is_some_and(Value::is_string) {
                        return malformed(format!("the proof has no {field} (a string)"));
                    }
                }
                for field in ["created", "expires"] {
                    if let Some(v) = p.get(field) {
                        if v.as_str().and_then(parse_date).is_none() {
                            return malformed(format!(
                                "the proof's {field} is not an XML Schema dateTime"
                            ));
                        }
                    }
                }
            }
            Ok((doc.clone(), Secured::DataIntegrity))
        }
        _ => malformed("a credential is a JSON object (Data Integrity) or a string (vc+jwt)"),
    }
}

/// Splits and decodes a compact JWS carrying a credential (VC-JOSE-COSE).
fn parse_jwt(text: &str) -> Result<(Map<String, Value>, Jwt), Malformed> {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut parts = text.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return malformed(
            "a vc+jwt credential is a compact JWS: three base64url parts separated by dots",
        );
    };
    let header: Map<String, Value> = b64
        .decode(h)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| Malformed("the JWT header is not base64url JSON".into()))?;
    let payload_bytes = b64
        .decode(p)
        .map_err(|_| Malformed("the JWT payload is not base64url".into()))?;
    let payload: Value = serde_json::from_slice(&payload_bytes)
        .map_err(|_| Malformed("the JWT payload is not JSON".into()))?;
    check_depth(&payload)?;
    let Value::Object(payload) = payload else {
        return malformed("the JWT payload is not a JSON object");
    };
    if payload.contains_key("vc") && !payload.contains_key("@context") {
        return malformed(
            "this is a VC 1.1 JWT (credential in a \"vc\" claim); vc+jwt carries the credential itself as the payload",
        );
    }
    let signature = b64
        .decode(s)
        .map_err(|_| Malformed("the JWT signature is not base64url".into()))?;
    let alg = header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    if alg.is_empty() {
        return malformed("the JWT header has no alg");
    }
    match header.get("typ").and_then(Value::as_str) {
        Some("vc+jwt") | Some("vc+ld+jwt") => {}
        Some(other) => {
            return malformed(format!(
                "the JWT typ is {:?}; a credential is typed \"vc+jwt\"",
                short(other)
            ))
        }
        None => return malformed("the JWT header has no typ (\"vc+jwt\" expected)"),
    }
    if header.contains_key("crit") || header.get("b64").is_some() {
        return malformed("the JWT header has crit or b64 parameters, which are not supported");
    }
    let kid = header
        .get("kid")
        .and_then(Value::as_str)
        .ok_or_else(|| Malformed("the JWT header has no kid naming the issuer's key".into()))?
        .to_owned();
    Ok((
        payload,
        Jwt {
            alg,
            kid,
            signing_input: format!("{h}.{p}"),
            signature,
        },
    ))
}

/// What a person sees of the credential.
pub(super) fn summary(doc: &Map<String, Value>) -> Summary {
    let types = match doc.get("type") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => vec![],
    };
    let subject = match doc.get("credentialSubject") {
        Some(Value::Array(a)) => a.first().and_then(Value::as_object),
        Some(Value::Object(o)) => Some(o),
        _ => None,
    };
    fn text(v: Option<&Value>) -> Option<String> {
        match v? {
            Value::String(s) => Some(s.chars().take(300).collect()),
            // Language maps or value objects: the first value.
            Value::Object(o) => o
                .get("@value")
                .or_else(|| o.values().next())
                .and_then(Value::as_str)
                .map(|s| s.chars().take(300).collect()),
            // Several languages: the first one given (strings or value
            // objects alike).
            Value::Array(a) => a.iter().find_map(|x| text(Some(x))),
            _ => None,
        }
    }
    let subject_name = subject.and_then(|s| {
        text(s.get("name")).or_else(|| {
            let given = text(s.get("givenName"));
            let family = text(s.get("familyName"));
            match (given, family) {
                (Some(g), Some(f)) => Some(format!("{g} {f}")),
                (g, f) => g.or(f),
            }
        })
    });
    let achievement = subject.and_then(|s| {
        ["achievement", "degree", "hasCredential"]
            .iter()
            .find_map(|k| s.get(*k).and_then(|a| text(a.get("name"))))
    });
    let achievement = achievement.or_else(|| text(doc.get("name")));
    let v1 = is_v1(doc);
    let date = |k: &str| {
        doc.get(k)
            .and_then(Value::as_str)
            .map(|s| s.chars().take(40).collect())
    };
    Summary {
        id: doc.get("id").and_then(Value::as_str).map(short),
        types,
        subject_id: subject
            .and_then(|s| s.get("id"))
            .and_then(Value::as_str)
            .map(short),
        subject_name,
        achievement,
        valid_from: date(if v1 { "issuanceDate" } else { "validFrom" }),
        valid_until: date(if v1 { "expirationDate" } else { "validUntil" }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_in_several_languages_are_shown() {
        let doc = json!({
            "type": ["VerifiableCredential"],
            "name": [
                {"@value": "Diplôme national de master", "@language": "fr", "@direction": "ltr"},
                {"@value": "Master's degree", "@language": "en"}
            ],
            "credentialSubject": {"name": {"@value": "Camille Durand", "@language": "fr"}}
        });
        let s = summary(doc.as_object().unwrap());
        assert_eq!(s.achievement.as_deref(), Some("Diplôme national de master"));
        assert_eq!(s.subject_name.as_deref(), Some("Camille Durand"));
    }
}
