//! VC Data Model 2.0 (and 1.1) checks on a credential to be issued. Each
//! problem is reported with the field it concerns. The issuer's own fields
//! (`id`, `issuer`, `validFrom` or, for VC 1.1, `issuanceDate`) are filled
//! in when absent.

use crate::contexts::{Contexts, CREDENTIALS_V1, CREDENTIALS_V2};
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

/// Keywords a credential may use as keys: value objects (language and
/// direction), lists and sets, `@included`. The engine (safe mode) checks
/// their JSON-LD; keywords that could alias a node's identity or type
/// (`@id`, `@type`, `@reverse`, `@graph`, `@nest`) or bring a context
/// (`@context`) stay refused.
const KEYWORD_KEYS: &[&str] = &[
    "@value",
    "@language",
    "@direction",
    "@list",
    "@set",
    "@index",
    "@included",
];

/// The path of the first key that is an IRI (`x:y`) or a keyword (`@x`)
/// other than [`KEYWORD_KEYS`].
fn odd_key(key: &str, value: &Value, path: &str) -> Option<String> {
    if key.contains(':') || (key.starts_with('@') && !KEYWORD_KEYS.contains(&key)) {
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

/// The VC data model a credential follows, from its first context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataModel {
    /// VC Data Model 1.1 (`https://www.w3.org/2018/credentials/v1`,
    /// `issuanceDate`, `expirationDate`): accepted for Data Integrity
    /// proofs only. The signer adds the Data Integrity context it needs.
    V1_1,
    /// VC Data Model 2.0 (`https://www.w3.org/ns/credentials/v2`), the
    /// default.
    V2_0,
}

impl DataModel {
    /// The data model of a credential (as returned by [`prepare`]): VC 1.1
    /// if its first context is the VC 1.1 context, VC 2.0 otherwise.
    pub fn of(credential: &Map<String, Value>) -> Self {
        let first = match credential.get("@context") {
            Some(Value::Array(items)) => items.first(),
            other => other,
        };
        match first.and_then(Value::as_str) {
            Some(CREDENTIALS_V1) => Self::V1_1,
            _ => Self::V2_0,
        }
    }

    /// Its base context.
    pub fn context(self) -> &'static str {
        match self {
            Self::V1_1 => CREDENTIALS_V1,
            Self::V2_0 => CREDENTIALS_V2,
        }
    }

    /// The members stating when the credential is valid: (from, until).
    pub fn validity_terms(self) -> (&'static str, &'static str) {
        match self {
            Self::V1_1 => ("issuanceDate", "expirationDate"),
            Self::V2_0 => ("validFrom", "validUntil"),
        }
    }
}

/// At most this many inline context objects in a credential's `@context`.
pub const MAX_INLINE_CONTEXTS: usize = 4;
/// At most this many bytes of JSON text in each inline context.
pub const MAX_INLINE_CONTEXT_BYTES: usize = 16 * 1024;

/// Members whose values may be language-tagged (VC 2.0 §11.1), on the
/// credential and on its `issuer` object.
const LANGUAGE_TERMS: [&str; 2] = ["name", "description"];

/// Checks `credential` against VC Data Model 2.0 (or 1.1, when its first
/// context is the VC 1.1 context) and fills in `id` (`urn:uuid:`),
/// `issuer` and `validFrom` (`issuanceDate` for VC 1.1) when absent.
/// `issuer_did` is the only issuer accepted. [`DataModel::of`] tells the
/// result's data model.
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

    // @context: an ordered set whose first item is the VC 2.0 (or 1.1)
    // context, then bundled context URLs or inline context objects that
    // reference nothing remote.
    let (model, language_maps) = check_contexts(
        vc.get("@context")
            .ok_or_else(|| invalid("@context", "is required"))?,
        contexts,
    )?;

    // Only compact terms: a key written as an IRI (or a JSON-LD keyword, or
    // a nested @context) would slip past the checks below and change what
    // the signature covers. Language value objects ({"@value": ...}) are
    // the exception, where VC 2.0 allows them: checked on their own.
    for (key, value) in &vc {
        match (key.as_str(), value) {
            ("@context", _) => {}
            (term, _) if LANGUAGE_TERMS.contains(&term) => {
                check_language_value(term, value, language_maps.contains(term))?
            }
            ("issuer", Value::Object(issuer)) => {
                for (k, v) in issuer {
                    if LANGUAGE_TERMS.contains(&k.as_str()) {
                        check_language_value(
                            &format!("issuer.{k}"),
                            v,
                            language_maps.contains(k.as_str()),
                        )?;
                    } else if let Some(bad) = odd_key(k, v, &format!("issuer.{k}")) {
                        return Err(odd_key_error(bad));
                    }
                }
            }
            _ => {
                if let Some(bad) = odd_key(key, value, key) {
                    return Err(odd_key_error(bad));
                }
            }
        }
    }
    if vc.contains_key("proof") {
        return Err(invalid(
            "proof",
            "the credential to issue must not already have a proof",
        ));
    }
    let (from_term, until_term) = model.validity_terms();
    let other_terms = match model {
        DataModel::V2_0 => DataModel::V1_1.validity_terms(),
        DataModel::V1_1 => DataModel::V2_0.validity_terms(),
    };
    for other in [other_terms.0, other_terms.1] {
        if vc.contains_key(other) {
            return Err(invalid(
                other,
                match model {
                    DataModel::V2_0 => format!(
                        "is a VC Data Model 1.1 term; VC 2.0 uses validFrom and validUntil \
                         (or make {CREDENTIALS_V1} the first context for a VC 1.1 credential)"
                    ),
                    DataModel::V1_1 => "is a VC Data Model 2.0 term; a VC 1.1 credential \
                                        uses issuanceDate and expirationDate"
                        .to_owned(),
                },
            ));
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

    // Validity period: validFrom/validUntil (VC 2.0), issuanceDate/
    // expirationDate (VC 1.1, where issuanceDate is required: filled in).
    let valid_from = match vc.get(from_term) {
        Some(v) => parse_datetime(from_term, v)?,
        None => {
            vc.insert(
                from_term.into(),
                Value::String(now.to_rfc3339_opts(SecondsFormat::Secs, true)),
            );
            now
        }
    };
    if let Some(v) = vc.get(until_term) {
        let until = parse_datetime(until_term, v)?;
        if until <= valid_from {
            return Err(invalid(
                until_term,
                format!("must be later than {from_term}"),
            ));
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
    if let Some(value) = vc.get("relatedResource") {
        check_related_resources(value)?;
    }
    Ok(vc)
}

fn odd_key_error(path: String) -> Invalid {
    invalid(
        path,
        "only terms defined by the bundled contexts are accepted as keys (no IRIs, \
         JSON-LD keywords or nested @context)",
    )
}

fn short(text: &str) -> String {
    text.chars().take(200).collect()
}

/// Checks `@context` and tells the data model, and which of
/// [`LANGUAGE_TERMS`] an inline context declares as a language map
/// (`"@container": "@language"`).
fn check_contexts(
    context: &Value,
    contexts: &Contexts,
) -> Result<(DataModel, std::collections::BTreeSet<&'static str>), Invalid> {
    let items: Vec<&Value> = match context {
        Value::Array(items) => items.iter().collect(),
        Value::String(_) => vec![context],
        _ => {
            return Err(invalid(
                "@context",
                "must be an array of context URLs and context objects",
            ))
        }
    };
    let model = match items.first().and_then(|v| v.as_str()) {
        Some(CREDENTIALS_V2) => DataModel::V2_0,
        Some(CREDENTIALS_V1) => DataModel::V1_1,
        _ => {
            return Err(invalid(
                "@context",
                format!(
                    "the first context must be {CREDENTIALS_V2} (VC 2.0), or {CREDENTIALS_V1} \
                     (VC 1.1)"
                ),
            ))
        }
    };
    let mut language_maps = std::collections::BTreeSet::new();
    let mut inline = 0;
    for (i, item) in items.iter().enumerate() {
        let path = format!("@context[{i}]");
        match item {
            Value::String(url) if i > 0 && (url == CREDENTIALS_V1 || url == CREDENTIALS_V2) => {
                return Err(invalid(
                    path,
                    format!(
                        "a credential follows one data model: {url} cannot follow {}",
                        model.context()
                    ),
                ))
            }
            Value::String(url) => check_context_url(&path, url, contexts)?,
            Value::Object(object) => {
                inline += 1;
                if inline > MAX_INLINE_CONTEXTS {
                    return Err(invalid(
                        path,
                        format!(
                            "at most {MAX_INLINE_CONTEXTS} inline contexts are accepted in a \
                             credential"
                        ),
                    ));
                }
                let size = serde_json::to_string(item).map(|t| t.len()).unwrap_or(0);
                if size > MAX_INLINE_CONTEXT_BYTES {
                    return Err(invalid(
                        path,
                        format!(
                            "this inline context is {size} bytes of JSON; at most \
                             {MAX_INLINE_CONTEXT_BYTES} are accepted"
                        ),
                    ));
                }
                check_inline_context(&path, object, contexts)?;
                for term in LANGUAGE_TERMS {
                    if declares_language_map(object.get(term)) {
                        language_maps.insert(term);
                    }
                }
            }
            _ => {
                return Err(invalid(
                    path,
                    "must be a context URL or an inline context object",
                ))
            }
        }
    }
    Ok((model, language_maps))
}

fn check_context_url(path: &str, url: &str, contexts: &Contexts) -> Result<(), Invalid> {
    if contexts.is_allowed(url) {
        return Ok(());
    }
    Err(invalid(
        path,
        format!(
            "{:?} is not a context this platform bundles (nothing is ever fetched); \
             accepted: {}",
            short(url),
            contexts.allowed().join(", ")
        ),
    ))
}

/// Every context an inline context could make a processor load (`@import`,
/// scoped `@context`, at any depth) must be bundled: nothing is fetched.
fn check_inline_context(
    path: &str,
    object: &Map<String, Value>,
    contexts: &Contexts,
) -> Result<(), Invalid> {
    for (key, value) in object {
        let here = format!("{path}.{key}");
        match (key.as_str(), value) {
            ("@import", Value::String(url)) => check_context_url(&here, url, contexts)?,
            ("@import", _) => return Err(invalid(here, "must be a context URL")),
            ("@context", value) => check_scoped_context(&here, value, contexts)?,
            (_, Value::Object(inner)) => check_inline_context(&here, inner, contexts)?,
            _ => {}
        }
    }
    Ok(())
}

fn check_scoped_context(path: &str, value: &Value, contexts: &Contexts) -> Result<(), Invalid> {
    match value {
        Value::Null => Ok(()),
        Value::String(url) => check_context_url(path, url, contexts),
        Value::Object(object) => check_inline_context(path, object, contexts),
        Value::Array(items) => items.iter().enumerate().try_for_each(|(i, item)| {
            let here = format!("{path}[{i}]");
            match item {
                Value::Array(_) => Err(invalid(here, "must be a context URL or object")),
                _ => check_scoped_context(&here, item, contexts),
            }
        }),
        _ => Err(invalid(path, "must be a context URL or object")),
    }
}

/// Whether a term definition declares a language map.
fn declares_language_map(definition: Option<&Value>) -> bool {
    match definition.and_then(|d| d.get("@container")) {
        Some(Value::String(c)) => c == "@language",
        Some(Value::Array(cs)) => cs.iter().any(|c| c == "@language"),
        _ => false,
    }
}

/// A string, a language value object (`@value`, `@language`,
/// `@direction`), an array of those, or (where a context declares it) a
/// language map.
fn check_language_value(field: &str, value: &Value, map_allowed: bool) -> Result<(), Invalid> {
    const SHAPE: &str = "must be a string, a language value object ({\"@value\": \"...\", \
                         \"@language\": \"fr\"}) or an array of them";
    match value {
        Value::String(_) => Ok(()),
        Value::Array(items) if items.is_empty() => Err(invalid(field, "must not be empty")),
        Value::Array(items) => items.iter().enumerate().try_for_each(|(i, item)| {
            let here = format!("{field}[{i}]");
            match item {
                Value::String(_) => Ok(()),
                Value::Object(o) if o.contains_key("@value") => check_value_object(&here, o),
                _ => Err(invalid(here, SHAPE)),
            }
        }),
        Value::Object(o) if o.contains_key("@value") => check_value_object(field, o),
        Value::Object(o) if o.keys().any(|k| k.starts_with('@')) => Err(invalid(
            field,
            "a language value object needs @value (and may have @language and @direction)",
        )),
        Value::Object(_) if !map_allowed => Err(invalid(
            field,
            format!(
                "a language map ({{\"fr\": \"...\"}}) needs a context that declares {field} \
                 with \"@container\": \"@language\"; use language value objects instead \
                 ([{{\"@value\": \"...\", \"@language\": \"fr\"}}])"
            ),
        )),
        Value::Object(map) => map.iter().try_for_each(|(tag, v)| {
            let here = format!("{field}.{tag}");
            if !is_well_formed_language_tag(tag) {
                return Err(invalid(
                    here,
                    format!(
                        "{:?} is not a well-formed language tag (BCP 47, e.g. fr, en-GB)",
                        short(tag)
                    ),
                ));
            }
            match v {
                Value::String(_) | Value::Null => Ok(()),
                Value::Array(items) if items.iter().all(Value::is_string) => Ok(()),
                _ => Err(invalid(here, "must be a string or an array of strings")),
            }
        }),
        _ => Err(invalid(field, SHAPE)),
    }
}

fn check_value_object(field: &str, o: &Map<String, Value>) -> Result<(), Invalid> {
    for key in o.keys() {
        if !matches!(key.as_str(), "@value" | "@language" | "@direction") {
            return Err(invalid(
                format!("{field}.{key}"),
                "is not allowed in a language value object: only @value, @language and \
                 @direction",
            ));
        }
    }
    if !o["@value"].is_string() {
        return Err(invalid(format!("{field}.@value"), "must be a string"));
    }
    match o.get("@language") {
        None => {}
        Some(Value::String(tag)) if is_well_formed_language_tag(tag) => {}
        Some(Value::String(tag)) => {
            return Err(invalid(
                format!("{field}.@language"),
                format!(
                    "{:?} is not a well-formed language tag (BCP 47, e.g. fr, en-GB, \
                     zh-Hant-TW)",
                    short(tag)
                ),
            ))
        }
        Some(_) => {
            return Err(invalid(
                format!("{field}.@language"),
                "must be a language tag (BCP 47, e.g. fr)",
            ))
        }
    }
    match o.get("@direction") {
        None => Ok(()),
        Some(Value::String(d)) if d == "ltr" || d == "rtl" => Ok(()),
        Some(_) => Err(invalid(
            format!("{field}.@direction"),
            "must be \"ltr\" or \"rtl\"",
        )),
    }
}

/// Whether `tag` is a well-formed language tag (RFC 5646 §2.1: the ABNF,
/// including grandfathered tags; case-insensitive).
pub fn is_well_formed_language_tag(tag: &str) -> bool {
    const GRANDFATHERED: &[&str] = &[
        "en-gb-oed",
        "i-ami",
        "i-bnn",
        "i-default",
        "i-enochian",
        "i-hak",
        "i-klingon",
        "i-lux",
        "i-mingo",
        "i-navajo",
        "i-pwn",
        "i-tao",
        "i-tay",
        "i-tsu",
        "sgn-be-fr",
        "sgn-be-nl",
        "sgn-ch-de",
        "art-lojban",
        "cel-gaulish",
        "no-bok",
        "no-nyn",
        "zh-guoyu",
        "zh-hakka",
        "zh-min",
        "zh-min-nan",
        "zh-xiang",
    ];
    if tag.is_empty() || tag.len() > 128 {
        return false;
    }
    let lower = tag.to_ascii_lowercase();
    if GRANDFATHERED.contains(&lower.as_str()) {
        return true;
    }
    let subtags: Vec<&str> = lower.split('-').collect();
    if subtags
        .iter()
        .any(|s| s.is_empty() || s.len() > 8 || !s.bytes().all(|b| b.is_ascii_alphanumeric()))
    {
        return false;
    }
    let alpha = |s: &str| s.bytes().all(|b| b.is_ascii_alphabetic());
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let private_use = |rest: &[&str]| !rest.is_empty();
    if subtags[0] == "x" {
        return private_use(&subtags[1..]);
    }
    let n = subtags.len();
    let language = subtags[0];
    if !alpha(language) {
        return false;
    }
    let mut i = 1;
    match language.len() {
        2 | 3 => {
            let mut extlangs = 0;
            while i < n && extlangs < 3 && subtags[i].len() == 3 && alpha(subtags[i]) {
                i += 1;
                extlangs += 1;
            }
        }
        4..=8 => {}
        _ => return false,
    }
    if i < n && subtags[i].len() == 4 && alpha(subtags[i]) {
        i += 1; // script
    }
    if i < n
        && ((subtags[i].len() == 2 && alpha(subtags[i]))
            || (subtags[i].len() == 3 && digits(subtags[i])))
    {
        i += 1; // region
    }
    while i < n
        && (subtags[i].len() >= 5
            || (subtags[i].len() == 4 && subtags[i].as_bytes()[0].is_ascii_digit()))
    {
        i += 1; // variants
    }
    while i < n && subtags[i].len() == 1 && subtags[i] != "x" {
        i += 1; // extension: a singleton and one or more 2-8 character subtags
        let start = i;
        while i < n && subtags[i].len() >= 2 {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    if i < n && subtags[i] == "x" {
        return private_use(&subtags[i + 1..]);
    }
    i == n
}

/// `relatedResource` (VC 2.0 §5.3): objects with a unique absolute URL
/// `id` and a digest (`digestSRI` or `digestMultibase`) of the resource.
fn check_related_resources(value: &Value) -> Result<(), Invalid> {
    let resources = objects("relatedResource", value, false)?;
    let mut seen: Vec<&str> = Vec::new();
    for (i, r) in resources.iter().enumerate() {
        let field = |member: &str| format!("relatedResource[{i}].{member}");
        let id = match r.get("id") {
            None => return Err(invalid(field("id"), "is required")),
            // Url::parse accepts absolute URLs only.
            Some(Value::String(id)) if id.len() <= 2048 && url::Url::parse(id).is_ok() => {
                id.as_str()
            }
            Some(_) => {
                return Err(invalid(
                    field("id"),
                    "must be an absolute URL (e.g. https://example.org/logo.png)",
                ))
            }
        };
        if let Some(j) = seen.iter().position(|s| *s == id) {
            return Err(invalid(
                field("id"),
                format!("repeats relatedResource[{j}].id: each resource is listed once"),
            ));
        }
        seen.push(id);
        if !r.contains_key("digestSRI") && !r.contains_key("digestMultibase") {
            return Err(invalid(
                format!("relatedResource[{i}]"),
                "needs digestSRI or digestMultibase (the digest of the resource)",
            ));
        }
        if let Some(sri) = r.get("digestSRI") {
            check_digest_sri(sri).map_err(|m| invalid(field("digestSRI"), m))?;
        }
        if let Some(mb) = r.get("digestMultibase") {
            check_digest_multibase(mb).map_err(|m| invalid(field("digestMultibase"), m))?;
        }
        match r.get("mediaType") {
            None => {}
            Some(Value::String(t)) if is_media_type(t) => {}
            Some(_) => {
                return Err(invalid(
                    field("mediaType"),
                    "must be a media type string (e.g. image/png)",
                ))
            }
        }
    }
    Ok(())
}

fn is_media_type(text: &str) -> bool {
    let essence = text.split(';').next().unwrap_or_default().trim();
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    text.len() <= 255
        && essence
            .split_once('/')
            .is_some_and(|(t, s)| token(t) && token(s))
}

/// `sha256-`, `sha384-` or `sha512-` and the base64 of a digest of that
/// length (Subresource Integrity).
fn check_digest_sri(value: &Value) -> Result<(), String> {
    use base64::Engine as _;
    let text = value
        .as_str()
        .ok_or("must be a string such as sha384-<base64 digest>")?;
    let (algorithm, digest) = text
        .split_once('-')
        .ok_or("must be <algorithm>-<base64 digest> (e.g. sha384-...)")?;
    let length = match algorithm {
        "sha256" => 32,
        "sha384" => 48,
        "sha512" => 64,
        other => {
            return Err(format!(
                "{:?} is not a supported algorithm: use sha256, sha384 or sha512",
                short(other)
            ))
        }
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(digest)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(digest))
        .map_err(|_| format!("the {algorithm} digest is not well-formed base64"))?;
    if bytes.len() != length {
        return Err(format!(
            "a {algorithm} digest is {length} bytes, this one is {}",
            bytes.len()
        ));
    }
    Ok(())
}

/// A multibase string (`z` base58btc or `u` base64url) of a multihash of a
/// known hash function, with the digest length it states.
fn check_digest_multibase(value: &Value) -> Result<(), String> {
    use base64::Engine as _;
    let text = value
        .as_str()
        .ok_or("must be a multibase string (z... or u...)")?;
    let bytes = match text.split_at_checked(1) {
        Some(("z", rest)) => bs58::decode(rest)
            .into_vec()
            .map_err(|_| "is not well-formed base58btc".to_owned())?,
        Some(("u", rest)) => base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(rest)
            .map_err(|_| "is not well-formed base64url (without padding)".to_owned())?,
        _ => return Err("must be multibase: base58btc (z...) or base64url (u...)".to_owned()),
    };
    let (code, rest) = varint(&bytes).ok_or("is not a multihash")?;
    let (length, digest) = varint(rest).ok_or("is not a multihash")?;
    let (name, expected) = match code {
        0x12 => ("sha2-256", 32),
        0x20 => ("sha2-384", 48),
        0x13 => ("sha2-512", 64),
        0x16 => ("sha3-256", 32),
        0x15 => ("sha3-384", 48),
        0x14 => ("sha3-512", 64),
        other => {
            return Err(format!(
                "multihash code 0x{other:x} is not a supported hash: use sha2-256, sha2-384, \
                 sha2-512, sha3-256, sha3-384 or sha3-512"
            ))
        }
    };
    if length != expected || digest.len() != expected as usize {
        return Err(format!(
            "a {name} multihash holds {expected} bytes of digest, this one {}",
            digest.len()
        ));
    }
    Ok(())
}

/// An unsigned varint (multiformats), at most 9 bytes.
fn varint(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let mut value: u64 = 0;
    for (i, b) in bytes.iter().enumerate().take(9) {
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some((value, &bytes[i + 1..]));
        }
    }
    None
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
                json!({"@context": ["https://www.w3.org/2019/credentials/v9"], "type": ["VerifiableCredential"], "credentialSubject": {"a": 1}}),
                "@context",
            ),
            (
                json!({"@context": [CREDENTIALS_V2, "https://evil.example/ctx"], "type": ["VerifiableCredential"], "credentialSubject": {"a": 1}}),
                "@context[1]",
            ),
            (
                json!({"@context": [CREDENTIALS_V2, {"@import": "https://x/ctx"}], "type": ["VerifiableCredential"], "credentialSubject": {"a": 1}}),
                "@context[1].@import",
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

    fn with(extra: Value) -> Value {
        let mut vc = ok();
        for (k, v) in extra.as_object().unwrap() {
            vc[k] = v.clone();
        }
        vc
    }

    fn field_of(vc: Value) -> String {
        let c = Contexts::new("https://portfolio.example.org");
        match prepare(vc.clone(), DID, &c, now()) {
            Ok(_) => panic!("accepted: {vc}"),
            Err(e) => {
                assert!(!e.message.is_empty());
                e.field
            }
        }
    }

    fn accepted(vc: Value) -> Map<String, Value> {
        let c = Contexts::new("https://portfolio.example.org");
        prepare(vc.clone(), DID, &c, now()).unwrap_or_else(|e| panic!("{vc}: {e}"))
    }

    #[test]
    fn a_vc_2_0_credential_is_2_0() {
        let vc = accepted(ok());
        assert_eq!(DataModel::of(&vc), DataModel::V2_0);
        assert!(!vc.contains_key("issuanceDate"));
    }

    #[test]
    fn a_vc_1_1_credential_stays_1_1() {
        let v1 = json!({
            "@context": [CREDENTIALS_V1],
            "type": ["VerifiableCredential"],
            "credentialSubject": {"id": "did:example:alice"}
        });
        let vc = accepted(v1.clone());
        assert_eq!(DataModel::of(&vc), DataModel::V1_1);
        assert_eq!(vc["issuanceDate"], "2026-06-30T12:00:00Z");
        assert_eq!(vc["issuer"], DID);
        assert!(vc["id"].as_str().unwrap().starts_with("urn:uuid:"));
        for v2_only in [
            "validFrom",
            "validUntil",
            "relatedResource",
            "credentialStatus",
        ] {
            assert!(!vc.contains_key(v2_only), "{v2_only} added");
        }
        // Its own dates are kept and checked.
        let mut dated = v1.clone();
        dated["issuanceDate"] = json!("2026-01-01T00:00:00Z");
        dated["expirationDate"] = json!("2031-01-01T00:00:00Z");
        let vc = accepted(dated.clone());
        assert_eq!(vc["issuanceDate"], "2026-01-01T00:00:00Z");
        assert_eq!(vc["expirationDate"], "2031-01-01T00:00:00Z");
        let mut bad = dated.clone();
        bad["expirationDate"] = json!("2025-01-01T00:00:00Z");
        assert_eq!(field_of(bad), "expirationDate");
        let mut bad = dated.clone();
        bad["issuanceDate"] = json!("yesterday");
        assert_eq!(field_of(bad), "issuanceDate");
        for v2_term in ["validFrom", "validUntil"] {
            let mut bad = v1.clone();
            bad[v2_term] = json!("2026-01-01T00:00:00Z");
            assert_eq!(field_of(bad), v2_term);
        }
        // One data model per credential.
        let mut mixed = v1.clone();
        mixed["@context"] = json!([CREDENTIALS_V1, CREDENTIALS_V2]);
        assert_eq!(field_of(mixed), "@context[1]");
        let mixed = with(json!({"@context": [CREDENTIALS_V2, CREDENTIALS_V1]}));
        assert_eq!(field_of(mixed), "@context[1]");
    }

    #[test]
    fn inline_contexts_are_accepted_when_they_fetch_nothing() {
        let own = "https://portfolio.example.org/contexts/atout/v1";
        for context in [
            json!([CREDENTIALS_V2, {"@vocab": "https://example.org/vocab#"}]),
            json!([CREDENTIALS_V2, {"Thing": {"@id": "https://example.org/Thing", "@context": {"size": "https://example.org/size"}}}]),
            json!([CREDENTIALS_V2, own, {"@import": own, "extra": "https://example.org/extra"}]),
            json!([CREDENTIALS_V2, {"Thing": {"@id": "https://example.org/Thing", "@context": [own, {"x": "https://example.org/x"}]}}]),
            json!([CREDENTIALS_V2, {"a": "https://example.org/a"}, {"b": "https://example.org/b"}]),
        ] {
            accepted(with(json!({"@context": context})));
        }
        let cases = [
            (
                json!([CREDENTIALS_V2, {"@import": "https://evil.example/ctx"}]),
                "@context[1].@import",
            ),
            (
                json!([CREDENTIALS_V2, {"@import": {"x": 1}}]),
                "@context[1].@import",
            ),
            (
                json!([CREDENTIALS_V2, {"Thing": {"@id": "https://x/T", "@context": "https://evil.example/ctx"}}]),
                "@context[1].Thing.@context",
            ),
            (
                json!([CREDENTIALS_V2, {"Thing": {"@id": "https://x/T", "@context": [own, "https://evil.example/ctx"]}}]),
                "@context[1].Thing.@context[1]",
            ),
            (
                json!([CREDENTIALS_V2, {"Thing": {"@id": "https://x/T", "@context": {"In": {"@id": "https://x/I", "@context": {"@import": "https://evil.example/deep"}}}}}]),
                "@context[1].Thing.@context.In.@context.@import",
            ),
            (
                json!([CREDENTIALS_V2, {"@context": "https://evil.example/ctx"}]),
                "@context[1].@context",
            ),
            (json!([CREDENTIALS_V2, null]), "@context[1]"),
            (json!([CREDENTIALS_V2, 42]), "@context[1]"),
            (
                json!([CREDENTIALS_V2, {"a": "https://x/a"}, {"b": "https://x/b"}, {"c": "https://x/c"}, {"d": "https://x/d"}, {"e": "https://x/e"}]),
                "@context[5]",
            ),
            (
                json!([CREDENTIALS_V2, {"big": "x".repeat(MAX_INLINE_CONTEXT_BYTES)}]),
                "@context[1]",
            ),
        ];
        for (context, field) in cases {
            let c = Contexts::new("https://portfolio.example.org");
            let err = prepare(with(json!({"@context": context})), DID, &c, now()).unwrap_err();
            assert_eq!(err.field, field, "{err}");
            if field.ends_with("@import")
                || field.ends_with("@context")
                || field.ends_with(']') && field.contains("Thing")
            {
                assert!(
                    err.message.contains("nothing is ever fetched")
                        || err.message.contains("must be"),
                    "{err}"
                );
            }
        }
        // A nested @context in the body stays refused.
        assert_eq!(
            field_of(with(
                json!({"credentialSubject": {"@context": {"x": "https://x/"}, "x": 1}})
            )),
            "credentialSubject.@context"
        );
    }

    #[test]
    fn language_values_in_name_and_description() {
        for value in [
            json!("Master"),
            json!({"@value": "Master Informatique", "@language": "fr"}),
            json!({"@value": "Master", "@language": "fr-FR", "@direction": "ltr"}),
            json!({"@value": "ماجستير", "@language": "ar", "@direction": "rtl"}),
            json!({"@value": "Master"}),
            json!([{"@value": "Master", "@language": "fr"}, {"@value": "Master's degree", "@language": "en-GB"}]),
            json!(["Master", {"@value": "Master", "@language": "zh-Hant-TW"}]),
        ] {
            accepted(with(
                json!({"name": value.clone(), "description": value.clone()}),
            ));
            accepted(with(
                json!({"issuer": {"id": DID, "name": value.clone(), "description": value}}),
            ));
        }
        let cases = [
            (
                json!({"name": {"@value": "x", "@language": "fr_FR"}}),
                "name.@language",
            ),
            (
                json!({"name": {"@value": "x", "@language": "a"}}),
                "name.@language",
            ),
            (
                json!({"name": {"@value": "x", "@language": 7}}),
                "name.@language",
            ),
            (
                json!({"name": {"@value": "x", "@direction": "up"}}),
                "name.@direction",
            ),
            (
                json!({"name": {"@value": "x", "@language": "fr", "@type": "xsd:string"}}),
                "name.@type",
            ),
            (json!({"name": {"@value": "x", "extra": 1}}), "name.extra"),
            (json!({"name": {"@value": 42}}), "name.@value"),
            (json!({"name": {"@language": "fr"}}), "name"),
            (
                json!({"description": [{"@value": "x", "@language": "fr"}, {"@value": "y", "@direction": "sideways"}]}),
                "description[1].@direction",
            ),
            (json!({"description": [["x"]]}), "description[0]"),
            (json!({"description": []}), "description"),
            (json!({"description": 42}), "description"),
            (json!({"name": {"fr": "Master", "en": "Master"}}), "name"),
            (
                json!({"issuer": {"id": DID, "name": {"@value": "x", "@language": "-fr"}}}),
                "issuer.name.@language",
            ),
            (
                json!({"issuer": {"id": DID, "description": {"@value": "x", "@direction": "LTR"}}}),
                "issuer.description.@direction",
            ),
            (
                json!({"issuer": {"id": DID, "@type": "Profile"}}),
                "issuer.@type",
            ),
        ];
        for (extra, field) in cases {
            assert_eq!(field_of(with(extra.clone())), field, "{extra}");
        }
        // A language map where a context declares it.
        let map_context = json!([CREDENTIALS_V2, {"description": {"@id": "https://schema.org/description", "@container": "@language"}}]);
        accepted(with(
            json!({"@context": map_context.clone(), "description": {"fr": "Un master", "en": ["A master"]}}),
        ));
        assert_eq!(
            field_of(with(
                json!({"@context": map_context.clone(), "description": {"fr_FR": "x"}})
            )),
            "description.fr_FR"
        );
        assert_eq!(
            field_of(with(
                json!({"@context": map_context.clone(), "description": {"fr": 1}})
            )),
            "description.fr"
        );
        // ...and not for the other term.
        assert_eq!(
            field_of(with(json!({"@context": map_context, "name": {"fr": "x"}}))),
            "name"
        );
    }

    #[test]
    fn language_tags_are_checked_for_well_formedness() {
        for good in [
            "fr",
            "FR",
            "en-GB",
            "zh-Hant-TW",
            "sr-Latn-RS",
            "es-419",
            "de-CH-1901",
            "sl-rozaj-biske",
            "en-US-x-twain",
            "x-whatever",
            "i-klingon",
            "zh-min-nan",
            "en-a-bbb-x-a-ccc",
            "zh-yue-HK",
            "ast",
            "gsw-u-sd-chzh",
            "en-GB-oed",
        ] {
            assert!(is_well_formed_language_tag(good), "{good}");
        }
        for bad in [
            "",
            "f",
            "fr_FR",
            "-fr",
            "fr-",
            "fr--FR",
            "123",
            "toolonglanguage",
            "en-GB-",
            "x",
            "en-x",
            "en-a",
            "en-a-x-y",
            "fr FR",
            "é",
            "en-US-abcdefghi",
            "a-DE",
        ] {
            assert!(!is_well_formed_language_tag(bad), "{bad}");
        }
    }

    #[test]
    fn related_resources_are_checked() {
        use base64::Engine as _;
        let b64 = |n: usize| base64::engine::general_purpose::STANDARD.encode(vec![7u8; n]);
        let multihash = |code: u8, n: usize| {
            let mut bytes = vec![code, n as u8];
            bytes.extend(vec![9u8; n]);
            bytes
        };
        let z = |bytes: Vec<u8>| format!("z{}", bs58::encode(bytes).into_string());
        let u = |bytes: Vec<u8>| {
            format!(
                "u{}",
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
            )
        };
        for related in [
            json!({"id": "https://example.org/logo.png", "digestSRI": format!("sha384-{}", b64(48))}),
            json!([
                {"id": "https://example.org/a", "digestSRI": format!("sha256-{}", b64(32)), "mediaType": "image/png"},
                {"id": "https://example.org/b", "digestMultibase": z(multihash(0x12, 32))},
                {"id": "https://example.org/c", "digestMultibase": u(multihash(0x13, 64)), "digestSRI": format!("sha512-{}", b64(64))},
                {"id": "urn:uuid:5e8a5b1e-8e7e-4b53-9a33-6b1c1bb0b2f1", "digestMultibase": z(multihash(0x20, 48)), "mediaType": "application/ld+json; charset=utf-8"},
            ]),
        ] {
            accepted(with(json!({"relatedResource": related})));
        }
        let cases = [
            (json!("https://example.org/a"), "relatedResource"),
            (json!([]), "relatedResource"),
            (json!(["https://example.org/a"]), "relatedResource[0]"),
            (
                json!({"digestSRI": format!("sha384-{}", b64(48))}),
                "relatedResource[0].id",
            ),
            (
                json!({"id": "/relative", "digestSRI": format!("sha384-{}", b64(48))}),
                "relatedResource[0].id",
            ),
            (
                json!({"id": 5, "digestSRI": format!("sha384-{}", b64(48))}),
                "relatedResource[0].id",
            ),
            (
                json!([
                    {"id": "https://example.org/a", "digestSRI": format!("sha384-{}", b64(48))},
                    {"id": "https://example.org/a", "digestSRI": format!("sha256-{}", b64(32))},
                ]),
                "relatedResource[1].id",
            ),
            (json!({"id": "https://example.org/a"}), "relatedResource[0]"),
            (
                json!({"id": "https://example.org/a", "mediaType": "image/png"}),
                "relatedResource[0]",
            ),
            (
                json!({"id": "https://example.org/a", "digestSRI": format!("md5-{}", b64(16))}),
                "relatedResource[0].digestSRI",
            ),
            (
                json!({"id": "https://example.org/a", "digestSRI": format!("sha384-{}", b64(32))}),
                "relatedResource[0].digestSRI",
            ),
            (
                json!({"id": "https://example.org/a", "digestSRI": "sha384-not*base64"}),
                "relatedResource[0].digestSRI",
            ),
            (
                json!({"id": "https://example.org/a", "digestSRI": b64(48)}),
                "relatedResource[0].digestSRI",
            ),
            (
                json!({"id": "https://example.org/a", "digestSRI": 42}),
                "relatedResource[0].digestSRI",
            ),
            (
                json!({"id": "https://example.org/a", "digestMultibase": format!("m{}", b64(34))}),
                "relatedResource[0].digestMultibase",
            ),
            (
                json!({"id": "https://example.org/a", "digestMultibase": "z0OIl"}),
                "relatedResource[0].digestMultibase",
            ),
            (
                json!({"id": "https://example.org/a", "digestMultibase": z(multihash(0x12, 31))}),
                "relatedResource[0].digestMultibase",
            ),
            (
                json!({"id": "https://example.org/a", "digestMultibase": z({ let mut m = multihash(0x12, 32); m[1] = 48; m })}),
                "relatedResource[0].digestMultibase",
            ),
            (
                json!({"id": "https://example.org/a", "digestMultibase": z(multihash(0x55, 32))}),
                "relatedResource[0].digestMultibase",
            ),
            (
                json!({"id": "https://example.org/a", "digestMultibase": u(vec![0x12])}),
                "relatedResource[0].digestMultibase",
            ),
            (
                json!({"id": "https://example.org/a", "digestSRI": format!("sha256-{}", b64(32)), "mediaType": "png"}),
                "relatedResource[0].mediaType",
            ),
            (
                json!({"id": "https://example.org/a", "digestSRI": format!("sha256-{}", b64(32)), "mediaType": 1}),
                "relatedResource[0].mediaType",
            ),
        ];
        for (related, field) in cases {
            assert_eq!(
                field_of(with(json!({"relatedResource": related.clone()}))),
                field,
                "{related}"
            );
        }
    }
}
