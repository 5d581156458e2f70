//! SD-JWT VC (draft-ietf-oauth-sd-jwt-vc) over SD-JWT (RFC 9901):
//! selective disclosure of a credential's subject claims.
//!
//! * [`issue`]: the issuer-signed JWT (`typ: dc+sd-jwt`) and one salted
//!   disclosure per claim of `credentialSubject`, nested objects concealed
//!   member by member, with a few decoy digests; `_sd_alg` is `sha-256`.
//! * [`present`]: the holder keeps the disclosures of the claim paths it
//!   chooses and appends a Key Binding JWT (`typ: kb+jwt`) signed with the
//!   key named in `cnf`, carrying the verifier's `aud` and `nonce`, and the
//!   `sd_hash` of what it presents.
//! * [`parse`], [`reveal`], [`check_key_binding`]: the verifier's side, with
//!   no key resolution (the verifier resolves the issuer's key).
//!
//! Signatures are made and checked with ring through `atout_core::crypto`
//! (EdDSA with Ed25519, ES256 with P-256, JOSE's fixed `r || s` form).
//! ssi-sd-jwt 0.6 was not used: it dates the Key Binding JWT from the
//! system clock, and the verifier does not go through ssi (see
//! `verifier/src/engine.rs`).

use crate::data_integrity::SignError;
use crate::jose::JwtAlg;
use atout_core::crypto::{KeyAlgorithm, PrivateKey, PublicKey};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};
use std::collections::{HashMap, HashSet};

/// The media type and `typ` of an SD-JWT VC.
pub const TYP: &str = "dc+sd-jwt";
/// The earlier `typ`, still accepted when verifying.
pub const TYP_LEGACY: &str = "vc+sd-jwt";
/// The `typ` of a Key Binding JWT.
pub const KB_TYP: &str = "kb+jwt";
/// The only digest algorithm used and accepted.
pub const SD_ALG: &str = "sha-256";
/// Where Atout puts its Bitstring Status List entries (`status` claim).
pub const STATUS_MECHANISM: &str = "bitstring_status_list";
/// Largest SD-JWT accepted, and most disclosures.
pub const MAX_LEN: usize = 512 * 1024;
pub const MAX_DISCLOSURES: usize = 512;

/// Claims the SD-JWT VC itself defines: never selectively disclosable,
/// never a subject claim.
const REGISTERED: [&str; 9] = [
    "iss", "vct", "iat", "nbf", "exp", "cnf", "status", "_sd", "_sd_alg",
];

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
}

fn digest(disclosure: &str) -> String {
    b64().encode(ring::digest::digest(
        &ring::digest::SHA256,
        disclosure.as_bytes(),
    ))
}

/// `sd_hash`: the digest of the presented SD-JWT, up to and including its
/// last `~`.
pub fn sd_hash(presented: &str) -> String {
    digest(presented)
}

fn internal(e: impl std::fmt::Display) -> SignError {
    SignError::Internal(e.to_string())
}

/// The JOSE algorithm of a key.
pub fn alg_of(key: KeyAlgorithm) -> JwtAlg {
    match key {
        KeyAlgorithm::Ed25519 => JwtAlg::EdDSA,
        KeyAlgorithm::P256 => JwtAlg::ES256,
    }
}

/// A compact JWS: header, payload, signature made by `key`.
fn sign_jws(header: &Value, payload: &Value, key: &PrivateKey) -> Result<String, SignError> {
    let h = b64().encode(serde_json::to_vec(header).map_err(internal)?);
    let p = b64().encode(serde_json::to_vec(payload).map_err(internal)?);
    let input = format!("{h}.{p}");
    let signature = key.sign(input.as_bytes()).map_err(internal)?;
    Ok(format!("{input}.{}", b64().encode(signature)))
}

/// A public key as a JWK (`cnf.jwk`).
pub fn jwk_of(key: &PublicKey) -> Value {
    match key.algorithm() {
        KeyAlgorithm::Ed25519 => json!({
            "kty": "OKP", "crv": "Ed25519", "x": b64().encode(key.as_bytes()),
        }),
        KeyAlgorithm::P256 => {
            // Uncompressed SEC1: 0x04 || x || y.
            let bytes = key.as_bytes();
            json!({
                "kty": "EC", "crv": "P-256",
                "x": b64().encode(&bytes[1..33]),
                "y": b64().encode(&bytes[33..65]),
            })
        }
    }
}

/// The public key of a JWK (Ed25519 or P-256 only; a private JWK is
/// refused).
pub fn key_of_jwk(jwk: &Value) -> Result<PublicKey, String> {
    let jwk = jwk.as_object().ok_or("the JWK is not an object")?;
    if jwk.contains_key("d") {
        return Err("the JWK carries a private key".into());
    }
    let field = |name: &str| -> Result<Vec<u8>, String> {
        jwk.get(name)
            .and_then(Value::as_str)
            .and_then(|s| b64().decode(s).ok())
            .ok_or_else(|| format!("the JWK has no base64url {name}"))
    };
    let kty = jwk.get("kty").and_then(Value::as_str);
    let crv = jwk.get("crv").and_then(Value::as_str);
    match (kty, crv) {
        (Some("OKP"), Some("Ed25519")) => {
            PublicKey::new(KeyAlgorithm::Ed25519, &field("x")?).map_err(|e| e.to_string())
        }
        (Some("EC"), Some("P-256")) => {
            let (x, y) = (field("x")?, field("y")?);
            if x.len() != 32 || y.len() != 32 {
                return Err("a P-256 JWK has 32-byte x and y".into());
            }
            let mut point = vec![4u8];
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            PublicKey::new(KeyAlgorithm::P256, &point).map_err(|e| e.to_string())
        }
        _ => Err("only Ed25519 (OKP) and P-256 (EC) keys are accepted".into()),
    }
}

// ----- issuing -------------------------------------------------------------

/// One salted disclosure `[salt, name, value]`, base64url-encoded, and its
/// digest.
fn disclose(name: &str, value: Value) -> Result<(String, String), SignError> {
    let salt = b64().encode(atout_core::crypto::random_bytes(16).map_err(internal)?);
    let text = serde_json::to_string(&json!([salt, name, value])).map_err(internal)?;
    let encoded = b64().encode(text.as_bytes());
    let d = digest(&encoded);
    Ok((encoded, d))
}

/// Conceals every member of `object` (nested objects first, member by
/// member): returns `{"_sd": [digests, decoys, sorted]}` and pushes the
/// disclosures. Arrays are disclosed whole.
fn conceal(
    object: Map<String, Value>,
    disclosures: &mut Vec<String>,
) -> Result<Map<String, Value>, SignError> {
    let mut digests = Vec::with_capacity(object.len() + 2);
    for (name, value) in object {
        if name == "_sd" || name == "..." || name == "_sd_alg" {
            return Err(SignError::Internal(format!(
                "the claim name {name:?} is reserved by SD-JWT"
            )));
        }
        let value = match value {
            Value::Object(inner) => Value::Object(conceal(inner, disclosures)?),
            other => other,
        };
        let (encoded, d) = disclose(&name, value)?;
        disclosures.push(encoded);
        digests.push(d);
    }
    // Decoys (RFC 9901 §4.2.5): zero to two per object, so that the number
    // of digests does not tell the number of claims.
    let decoys = atout_core::crypto::random_bytes(1).map_err(internal)?[0] % 3;
    for _ in 0..decoys {
        let random = atout_core::crypto::random_bytes(32).map_err(internal)?;
        digests.push(digest(&b64().encode(random)));
    }
    digests.sort_unstable();
    let mut out = Map::new();
    out.insert(
        "_sd".into(),
        Value::Array(digests.into_iter().map(Value::String).collect()),
    );
    Ok(out)
}

fn timestamp(credential: &Map<String, Value>, name: &str) -> Result<Option<i64>, SignError> {
    match credential.get(name) {
        None => Ok(None),
        Some(v) => v
            .as_str()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|t| Some(t.timestamp()))
            .ok_or_else(|| SignError::Internal(format!("{name} is not a date"))),
    }
}

/// The `vct` of a credential: its most specific type, as an IRI. A term of
/// Atout's context expands to `urn:atout:vocab:`; an absolute IRI stays;
/// other terms are put in the same namespace.
pub fn vct_of(credential: &Map<String, Value>) -> String {
    let types: Vec<&str> = match credential.get("type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let specific = types
        .iter()
        .rev()
        .find(|t| **t != "VerifiableCredential")
        .copied()
        .unwrap_or("VerifiableCredential");
    if specific.contains(':') {
        specific.to_owned()
    } else {
        format!("urn:atout:vocab:{specific}")
    }
}

/// Issues an SD-JWT VC for `credential` (VC 2.0, already checked): `iss`
/// (the issuer), `vct`, `iat` (`issued_at`), `nbf`/`exp` (validity),
/// `cnf` (the subject's `did:key`, when it has one), `status` (the
/// credential's Bitstring Status List entries), and every claim of
/// `credentialSubject` selectively disclosable (its `id` as `sub`).
/// Returns `<issuer-jwt>~<disclosure>~...~`.
pub fn issue(
    credential: &Map<String, Value>,
    alg: JwtAlg,
    kid: &str,
    key: &PrivateKey,
    issued_at: DateTime<Utc>,
) -> Result<String, SignError> {
    if key.algorithm() != alg.key_algorithm() {
        return Err(SignError::Internal(format!(
            "{} needs a {} key",
            alg.name(),
            alg.key_algorithm()
        )));
    }
    let issuer = match credential.get("issuer") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(o)) => o
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        _ => String::new(),
    };
    if issuer.is_empty() {
        return Err(SignError::Internal("the credential has no issuer".into()));
    }
    let mut subject = match credential.get("credentialSubject") {
        Some(Value::Object(o)) => o.clone(),
        _ => {
            return Err(SignError::Internal(
                "an SD-JWT VC has one subject: credentialSubject must be one object".into(),
            ))
        }
    };
    let mut payload = Map::new();
    payload.insert("iss".into(), json!(issuer));
    payload.insert("vct".into(), json!(vct_of(credential)));
    payload.insert("iat".into(), json!(issued_at.timestamp()));
    if let Some(nbf) = timestamp(credential, "validFrom")? {
        payload.insert("nbf".into(), json!(nbf));
    }
    if let Some(exp) = timestamp(credential, "validUntil")? {
        payload.insert("exp".into(), json!(exp));
    }
    if let Some(holder) = subject
        .get("id")
        .and_then(Value::as_str)
        .and_then(|id| id.strip_prefix("did:key:"))
    {
        if let Ok(public) = PublicKey::from_multibase(holder) {
            payload.insert("cnf".into(), json!({ "jwk": jwk_of(&public) }));
        }
    }
    if let Some(status) = credential.get("credentialStatus") {
        let entries = match status {
            Value::Array(a) => a.clone(),
            other => vec![other.clone()],
        };
        let mut status = Map::new();
        status.insert(STATUS_MECHANISM.into(), Value::Array(entries));
        payload.insert("status".into(), Value::Object(status));
    }
    if let Some(id) = subject.remove("id") {
        subject.insert("sub".into(), id);
    }
    for name in subject.keys() {
        if REGISTERED.contains(&name.as_str()) && name != "sub" {
            return Err(SignError::Internal(format!(
                "credentialSubject.{name} would clash with the SD-JWT VC claim of that name"
            )));
        }
    }
    let mut disclosures = Vec::new();
    let concealed = conceal(subject, &mut disclosures)?;
    payload.extend(concealed);
    payload.insert("_sd_alg".into(), json!(SD_ALG));
    let header = json!({ "alg": alg.name(), "typ": TYP, "kid": kid });
    let jwt = sign_jws(&header, &Value::Object(payload), key)?;
    let mut out = jwt;
    out.push('~');
    for d in disclosures {
        out.push_str(&d);
        out.push('~');
    }
    Ok(out)
}

// ----- parsing ---------------------------------------------------------------

/// Why an SD-JWT is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SdJwtError {
    /// Not an SD-JWT at all (bad base64, JSON, structure).
    #[error("{0}")]
    Malformed(String),
    /// `_sd_alg` other than `sha-256`.
    #[error("the digest algorithm {0:?} is not supported (sha-256 is)")]
    UnsupportedSdAlg(String),
    /// A disclosure whose digest the issuer did not sign.
    #[error("a disclosure is not referenced by any digest the issuer signed")]
    DisclosureNotSigned,
    /// The same disclosure twice.
    #[error("the same disclosure is given twice")]
    DuplicateDisclosure,
    /// A digest appearing twice in the signed payload.
    #[error("a digest appears more than once in the issuer-signed JWT")]
    DuplicateDigest,
    /// A disclosed claim that is already in its object, or a reserved name.
    #[error("a disclosure names a claim that already exists or is reserved: {0}")]
    ClaimClash(String),
    /// A claim path the holder asked to disclose does not exist.
    #[error("no disclosable claim at {0}")]
    UnknownPath(String),
}

fn malformed<T>(text: impl Into<String>) -> Result<T, SdJwtError> {
    Err(SdJwtError::Malformed(text.into()))
}

/// A decoded compact JWS.
#[derive(Debug, Clone)]
pub struct Jws {
    pub header: Map<String, Value>,
    pub payload: Map<String, Value>,
    pub signing_input: String,
    pub signature: Vec<u8>,
}

impl Jws {
    pub fn alg(&self) -> &str {
        self.header.get("alg").and_then(Value::as_str).unwrap_or("")
    }
    pub fn typ(&self) -> &str {
        self.header.get("typ").and_then(Value::as_str).unwrap_or("")
    }
}

fn decode_jws(text: &str, what: &str) -> Result<Jws, SdJwtError> {
    let mut parts = text.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return malformed(format!(
            "the {what} is not a compact JWS (three base64url parts)"
        ));
    };
    let object = |part: &str, name: &str| -> Result<Map<String, Value>, SdJwtError> {
        b64()
            .decode(part)
            .ok()
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
            .and_then(|v| match v {
                Value::Object(o) => Some(o),
                _ => None,
            })
            .ok_or_else(|| {
                SdJwtError::Malformed(format!(
                    "the {what}'s {name} is not a base64url JSON object"
                ))
            })
    };
    let header = object(h, "header")?;
    let payload = object(p, "payload")?;
    let signature = b64()
        .decode(s)
        .map_err(|_| SdJwtError::Malformed(format!("the {what}'s signature is not base64url")))?;
    if header.contains_key("crit") {
        return malformed(format!(
            "the {what}'s header has crit, which is not supported"
        ));
    }
    Ok(Jws {
        header,
        payload,
        signing_input: format!("{h}.{p}"),
        signature,
    })
}

/// A parsed SD-JWT, with or without Key Binding JWT.
#[derive(Debug, Clone)]
pub struct SdJwt {
    /// The issuer-signed JWT.
    pub jwt: Jws,
    /// The disclosures as sent (base64url).
    pub disclosures: Vec<String>,
    /// What `sd_hash` covers: everything up to and including the last `~`.
    pub presented: String,
    pub kb: Option<Jws>,
}

/// Does `text` look like an SD-JWT (a JWS followed by `~`)?
pub fn looks_like(text: &str) -> bool {
    let text = text.trim();
    text.contains('~')
        && text
            .split('~')
            .next()
            .is_some_and(|j| j.matches('.').count() == 2)
}

/// Splits and decodes `<jwt>~<disclosure>~...~[<kb-jwt>]`. Checks the
/// form only: no signature, no digest.
pub fn parse(text: &str) -> Result<SdJwt, SdJwtError> {
    let text = text.trim();
    if text.len() > MAX_LEN {
        return malformed(format!("an SD-JWT is at most {MAX_LEN} bytes"));
    }
    let Some(last) = text.rfind('~') else {
        return malformed("an SD-JWT has at least one ~ after the issuer-signed JWT");
    };
    let presented = &text[..=last];
    let kb_text = &text[last + 1..];
    let mut parts = presented[..last].split('~');
    let jwt = decode_jws(parts.next().unwrap_or_default(), "issuer-signed JWT")?;
    match jwt.typ() {
        TYP | TYP_LEGACY => {}
        other => {
            return malformed(format!(
                "the issuer-signed JWT's typ is {:?}; an SD-JWT VC is typed \"dc+sd-jwt\"",
                other.chars().take(40).collect::<String>()
            ))
        }
    }
    let disclosures: Vec<String> = parts.map(str::to_owned).collect();
    if disclosures.len() > MAX_DISCLOSURES {
        return malformed(format!("at most {MAX_DISCLOSURES} disclosures"));
    }
    if disclosures.iter().any(String::is_empty) {
        return malformed("an empty disclosure (two ~ in a row)");
    }
    let kb = if kb_text.is_empty() {
        None
    } else {
        let kb = decode_jws(kb_text, "Key Binding JWT")?;
        if kb.typ() != KB_TYP {
            return malformed("the Key Binding JWT's typ is not \"kb+jwt\"");
        }
        Some(kb)
    };
    Ok(SdJwt {
        jwt,
        disclosures,
        presented: presented.to_owned(),
        kb,
    })
}

/// A decoded disclosure.
struct Disclosure {
    encoded: String,
    /// `None` for an array element.
    name: Option<String>,
    value: Value,
}

fn decode_disclosures(encoded: &[String]) -> Result<HashMap<String, Disclosure>, SdJwtError> {
    let mut out = HashMap::with_capacity(encoded.len());
    for text in encoded {
        let array: Vec<Value> = b64()
            .decode(text)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or_else(|| {
                SdJwtError::Malformed("a disclosure is not a base64url JSON array".into())
            })?;
        let (name, value) = match array.as_slice() {
            [Value::String(_), Value::String(name), value] => (Some(name.clone()), value.clone()),
            [Value::String(_), value] => (None, value.clone()),
            _ => return malformed(
                "a disclosure is [salt, name, value] or [salt, value], the salt and name strings",
            ),
        };
        if let Some(name) = &name {
            if name == "_sd" || name == "..." {
                return Err(SdJwtError::ClaimClash(name.clone()));
            }
        }
        let d = digest(text);
        let previous = out.insert(
            d,
            Disclosure {
                encoded: text.clone(),
                name,
                value,
            },
        );
        if previous.is_some() {
            return Err(SdJwtError::DuplicateDisclosure);
        }
    }
    Ok(out)
}

fn check_sd_alg(payload: &Map<String, Value>) -> Result<(), SdJwtError> {
    match payload.get("_sd_alg") {
        None => Ok(()),
        Some(Value::String(s)) if s == SD_ALG => Ok(()),
        Some(other) => Err(SdJwtError::UnsupportedSdAlg(
            other.as_str().unwrap_or("?").chars().take(40).collect(),
        )),
    }
}

struct Revealer<'a> {
    by_digest: &'a HashMap<String, Disclosure>,
    seen: HashSet<String>,
    used: usize,
}

impl Revealer<'_> {
    fn value(&mut self, v: &Value, depth: usize) -> Result<Value, SdJwtError> {
        let by_digest = self.by_digest;
        if depth > 64 {
            return malformed("the claims are nested too deeply");
        }
        Ok(match v {
            Value::Object(o) => Value::Object(self.object(o, depth + 1)?),
            Value::Array(a) => {
                let mut out = Vec::with_capacity(a.len());
                for item in a {
                    if let Some(Value::String(d)) = item
                        .as_object()
                        .filter(|o| o.len() == 1)
                        .and_then(|o| o.get("..."))
                    {
                        if !self.seen.insert(d.clone()) {
                            return Err(SdJwtError::DuplicateDigest);
                        }
                        if let Some(disclosure) = by_digest.get(d) {
                            if disclosure.name.is_some() {
                                return malformed("an array element's disclosure has a name");
                            }
                            self.used += 1;
                            out.push(self.value(&disclosure.value, depth + 1)?);
                        }
                    } else {
                        out.push(self.value(item, depth + 1)?);
                    }
                }
                Value::Array(out)
            }
            other => other.clone(),
        })
    }

    fn object(
        &mut self,
        o: &Map<String, Value>,
        depth: usize,
    ) -> Result<Map<String, Value>, SdJwtError> {
        let by_digest = self.by_digest;
        let mut out = Map::new();
        for (k, v) in o {
            if k == "_sd" || k == "_sd_alg" {
                continue;
            }
            out.insert(k.clone(), self.value(v, depth)?);
        }
        match o.get("_sd") {
            None => {}
            Some(Value::Array(digests)) => {
                for d in digests {
                    let Value::String(d) = d else {
                        return malformed("_sd holds strings");
                    };
                    if !self.seen.insert(d.clone()) {
                        return Err(SdJwtError::DuplicateDigest);
                    }
                    let Some(disclosure) = by_digest.get(d) else {
                        continue;
                    };
                    let Some(name) = &disclosure.name else {
                        return malformed("an object member's disclosure has no name");
                    };
                    if out.contains_key(name) {
                        return Err(SdJwtError::ClaimClash(name.clone()));
                    }
                    self.used += 1;
                    let value = self.value(&disclosure.value, depth)?;
                    out.insert(name.clone(), value);
                }
            }
            Some(_) => return malformed("_sd is an array"),
        }
        Ok(out)
    }
}

/// The claims of the issuer-signed JWT with the disclosed values put back,
/// `_sd` and `_sd_alg` removed. Every disclosure must be referenced by
/// exactly one digest of the signed payload (or of a disclosed value), and
/// no digest may appear twice.
pub fn reveal(sd: &SdJwt) -> Result<Map<String, Value>, SdJwtError> {
    check_sd_alg(&sd.jwt.payload)?;
    let by_digest = decode_disclosures(&sd.disclosures)?;
    let mut revealer = Revealer {
        by_digest: &by_digest,
        seen: HashSet::new(),
        used: 0,
    };
    let claims = revealer.object(&sd.jwt.payload, 0)?;
    if revealer.used != by_digest.len() {
        return Err(SdJwtError::DisclosureNotSigned);
    }
    Ok(claims)
}

// ----- holder ----------------------------------------------------------------

fn select(
    object: &Map<String, Value>,
    path: &mut Vec<String>,
    wanted: &[Vec<String>],
    by_digest: &HashMap<String, Disclosure>,
    chosen: &mut HashSet<String>,
    found: &mut HashSet<Vec<String>>,
) {
    let visit = |name: &str,
                 value: &Value,
                 disclosure: Option<&str>,
                 path: &mut Vec<String>,
                 chosen: &mut HashSet<String>,
                 found: &mut HashSet<Vec<String>>| {
        path.push(name.to_owned());
        if wanted.iter().any(|w| w.starts_with(path.as_slice())) {
            if let Some(encoded) = disclosure {
                chosen.insert(encoded.to_owned());
            }
            found.insert(path.clone());
            if let Value::Object(inner) = value {
                select(inner, path, wanted, by_digest, chosen, found);
            }
        }
        path.pop();
    };
    for (k, v) in object {
        if k != "_sd" && k != "_sd_alg" {
            visit(k, v, None, path, chosen, found);
        }
    }
    if let Some(Value::Array(digests)) = object.get("_sd") {
        for d in digests.iter().filter_map(Value::as_str) {
            if let Some(Disclosure {
                encoded,
                name: Some(name),
                value,
            }) = by_digest.get(d)
            {
                visit(name, value, Some(encoded), path, chosen, found);
            }
        }
    }
}

/// The holder's presentation of `sd_jwt` (as issued, ending with `~`):
/// the disclosures of the claims at `paths` (each a list of names from the
/// top level, e.g. `["degree", "name"]`; the objects on the way are
/// disclosed too, nothing under a path unless asked), then a Key Binding
/// JWT signed by `holder` for `aud` and `nonce`, dated `iat`.
pub fn present(
    sd_jwt: &str,
    paths: &[Vec<String>],
    holder: &PrivateKey,
    aud: &str,
    nonce: &str,
    iat: DateTime<Utc>,
) -> Result<String, SdJwtError> {
    let sd = parse(sd_jwt)?;
    if sd.kb.is_some() {
        return malformed("this SD-JWT already carries a Key Binding JWT");
    }
    check_sd_alg(&sd.jwt.payload)?;
    let by_digest = decode_disclosures(&sd.disclosures)?;
    let mut chosen = HashSet::new();
    let mut found = HashSet::new();
    select(
        &sd.jwt.payload,
        &mut Vec::new(),
        paths,
        &by_digest,
        &mut chosen,
        &mut found,
    );
    if let Some(missing) = paths.iter().find(|p| !found.contains(*p)) {
        return Err(SdJwtError::UnknownPath(missing.join(".")));
    }
    let jwt_text = sd_jwt.trim().split('~').next().unwrap_or_default();
    let mut presented = format!("{jwt_text}~");
    for d in sd.disclosures.iter().filter(|d| chosen.contains(*d)) {
        presented.push_str(d);
        presented.push('~');
    }
    let header = json!({ "alg": alg_of(holder.algorithm()).name(), "typ": KB_TYP });
    let payload = json!({
        "iat": iat.timestamp(),
        "aud": aud,
        "nonce": nonce,
        "sd_hash": sd_hash(&presented),
    });
    let kb =
        sign_jws(&header, &payload, holder).map_err(|e| SdJwtError::Malformed(e.to_string()))?;
    Ok(presented + &kb)
}

// ----- key binding -----------------------------------------------------------

/// Why a Key Binding JWT is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KbError {
    /// The SD-JWT names no holder key (`cnf.jwk`), or not a usable one.
    NoHolderKey(String),
    /// The KB-JWT's `alg` is not the holder key's.
    AlgMismatch,
    SignatureMismatch,
    /// `sd_hash` is missing or does not cover what was presented.
    SdHashMismatch,
    /// `iat` missing, or later than `now` plus the tolerated skew.
    BadIat,
}

/// The holder key named in the payload's `cnf.jwk`, if any.
pub fn holder_key(payload: &Map<String, Value>) -> Option<Result<PublicKey, String>> {
    let cnf = payload.get("cnf")?;
    Some(
        cnf.get("jwk")
            .ok_or_else(|| "cnf has no jwk".to_owned())
            .and_then(key_of_jwk),
    )
}

/// Checks the Key Binding JWT of `sd` against the holder key in `cnf`:
/// signature, `sd_hash`, `iat` (not after `now + skew`). `aud` and `nonce`
/// are the caller's to compare.
pub fn check_key_binding(
    sd: &SdJwt,
    kb: &Jws,
    now: DateTime<Utc>,
    skew: chrono::Duration,
) -> Result<(), KbError> {
    let key = match holder_key(&sd.jwt.payload) {
        None => return Err(KbError::NoHolderKey("the SD-JWT has no cnf claim".into())),
        Some(Err(e)) => return Err(KbError::NoHolderKey(e)),
        Some(Ok(k)) => k,
    };
    if kb.alg() != alg_of(key.algorithm()).name() {
        return Err(KbError::AlgMismatch);
    }
    key.verify(kb.signing_input.as_bytes(), &kb.signature)
        .map_err(|_| KbError::SignatureMismatch)?;
    if kb.payload.get("sd_hash").and_then(Value::as_str) != Some(sd_hash(&sd.presented).as_str()) {
        return Err(KbError::SdHashMismatch);
    }
    match kb
        .payload
        .get("iat")
        .and_then(Value::as_i64)
        .and_then(|t| DateTime::from_timestamp(t, 0))
    {
        Some(t) if t <= now + skew => Ok(()),
        _ => Err(KbError::BadIat),
    }
}

/// Every claim an issued SD-JWT VC can disclose, as paths of names from
/// the top level down to each leaf (`["degree", "name"]`); the SD-JWT VC's
/// own claims (`iss`, `vct`, `cnf` ...) are not among them.
pub fn claim_paths(sd_jwt: &str) -> Result<Vec<Vec<String>>, SdJwtError> {
    let sd = parse(sd_jwt)?;
    let claims = reveal(&sd)?;
    fn walk(map: &Map<String, Value>, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        for (name, value) in map {
            if prefix.is_empty() && REGISTERED.contains(&name.as_str()) {
                continue;
            }
            prefix.push(name.clone());
            match value {
                Value::Object(inner) if !inner.is_empty() => walk(inner, prefix, out),
                _ => out.push(prefix.clone()),
            }
            prefix.pop();
        }
    }
    let mut out = Vec::new();
    walk(&claims, &mut Vec::new(), &mut out);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diploma(holder: &str) -> Map<String, Value> {
        serde_json::from_value(json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential", "DiplomaCredential"],
            "issuer": "did:web:example.org:orgs:univ",
            "validFrom": "2026-01-01T00:00:00Z",
            "validUntil": "2036-01-01T00:00:00Z",
            "credentialSubject": {
                "id": holder,
                "givenName": "Renée",
                "degree": {"name": "Master", "grade": "Très bien"},
            },
            "credentialStatus": [{"type": "BitstringStatusListEntry", "statusPurpose": "revocation",
                "statusListIndex": "7", "statusListCredential": "https://example.org/s/1"}],
        }))
        .unwrap()
    }

    fn path(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn issue_present_reveal_round_trip() {
        for alg in [JwtAlg::EdDSA, JwtAlg::ES256] {
            let issuer = PrivateKey::generate(alg.key_algorithm()).unwrap();
            let holder = PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap();
            let did = format!("did:key:{}", holder.public_key().to_multibase());
            let now = DateTime::from_timestamp(1_780_000_000, 0).unwrap();
            let sd = issue(&diploma(&did), alg, "did:web:x#k", &issuer, now).unwrap();
            assert!(sd.ends_with('~') && looks_like(&sd));
            let parsed = parse(&sd).unwrap();
            let p = &parsed.jwt.payload;
            assert_eq!(parsed.jwt.typ(), "dc+sd-jwt");
            assert_eq!(parsed.jwt.alg(), alg.name());
            assert_eq!(p["iss"], "did:web:example.org:orgs:univ");
            assert_eq!(p["vct"], "urn:atout:vocab:DiplomaCredential");
            assert_eq!(p["_sd_alg"], "sha-256");
            assert_eq!(p["exp"], 2082758400);
            assert_eq!(p["status"][STATUS_MECHANISM][0]["statusListIndex"], "7");
            assert_eq!(holder_key(p).unwrap().unwrap(), holder.public_key().clone());
            for claim in ["givenName", "degree", "sub"] {
                assert!(!p.contains_key(claim));
            }
            issuer
                .public_key()
                .verify(parsed.jwt.signing_input.as_bytes(), &parsed.jwt.signature)
                .unwrap();
            // Everything: sub, givenName, degree, name, grade.
            assert_eq!(parsed.disclosures.len(), 5);
            let all = reveal(&parsed).unwrap();
            assert_eq!(all["degree"]["grade"], "Très bien");
            assert_eq!(all["sub"], json!(did));

            let vp = present(
                &sd,
                &[path(&["degree", "name"]), path(&["givenName"])],
                &holder,
                "https://verifier.example",
                "n-1",
                now,
            )
            .unwrap();
            let parsed = parse(&vp).unwrap();
            assert_eq!(parsed.disclosures.len(), 3);
            let shown = reveal(&parsed).unwrap();
            assert_eq!(shown["degree"], json!({"name": "Master"}));
            assert_eq!(shown["givenName"], "Renée");
            assert!(!shown.contains_key("sub"));
            let kb = parsed.kb.clone().unwrap();
            check_key_binding(&parsed, &kb, now, chrono::Duration::minutes(5)).unwrap();
            assert_eq!(kb.payload["nonce"], "n-1");
            assert_eq!(kb.payload["aud"], "https://verifier.example");
            assert!(!vp.contains("Très bien"));

            // A disclosure of another SD-JWT is not signed.
            let other = issue(&diploma(&did), alg, "did:web:x#k", &issuer, now).unwrap();
            let stranger = parse(&other).unwrap().disclosures[0].clone();
            let mut forged = parse(&sd).unwrap();
            forged.disclosures.push(stranger);
            assert_eq!(reveal(&forged), Err(SdJwtError::DisclosureNotSigned));
            // A duplicated disclosure.
            let mut twice = parse(&sd).unwrap();
            twice.disclosures.push(twice.disclosures[0].clone());
            assert_eq!(reveal(&twice), Err(SdJwtError::DuplicateDisclosure));
            // Dropping a disclosure from a presentation breaks sd_hash.
            let mut parts: Vec<&str> = vp.split('~').collect();
            parts.remove(1);
            let cut = parse(&parts.join("~")).unwrap();
            let kb = cut.kb.clone().unwrap();
            assert_eq!(
                check_key_binding(&cut, &kb, now, chrono::Duration::minutes(5)),
                Err(KbError::SdHashMismatch)
            );
            assert!(matches!(
                present(&sd, &[path(&["nope"])], &holder, "a", "n", now),
                Err(SdJwtError::UnknownPath(_))
            ));
        }
    }

    #[test]
    fn duplicate_digests_are_refused() {
        let issuer = PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap();
        let (d, digest) = disclose("a", json!(1)).unwrap();
        let payload = json!({"iss": "did:web:x", "_sd": [digest, digest], "_sd_alg": "sha-256"});
        let jwt = sign_jws(&json!({"alg": "EdDSA", "typ": TYP}), &payload, &issuer).unwrap();
        let sd = parse(&format!("{jwt}~{d}~")).unwrap();
        assert_eq!(reveal(&sd), Err(SdJwtError::DuplicateDigest));
        let payload = json!({"iss": "did:web:x", "_sd": [digest], "_sd_alg": "sha-512"});
        let jwt = sign_jws(&json!({"alg": "EdDSA", "typ": TYP}), &payload, &issuer).unwrap();
        let sd = parse(&format!("{jwt}~{d}~")).unwrap();
        assert!(matches!(reveal(&sd), Err(SdJwtError::UnsupportedSdAlg(_))));
    }

    #[test]
    fn jwk_round_trip() {
        for alg in [KeyAlgorithm::Ed25519, KeyAlgorithm::P256] {
            let key = PrivateKey::generate(alg).unwrap();
            let jwk = jwk_of(key.public_key());
            assert_eq!(&key_of_jwk(&jwk).unwrap(), key.public_key());
        }
        assert!(key_of_jwk(&json!({"kty": "RSA"})).is_err());
    }
}
