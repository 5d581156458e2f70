//! Verifiable presentations signed by a holder: the credentials a citizen
//! shares, wrapped in a VC 2.0 presentation whose Data Integrity proof
//! (`eddsa-rdfc-2022`, purpose `authentication`) carries the verifier's
//! challenge and domain, so that it cannot be replayed elsewhere.
//!
//! The proof follows the cryptosuite's algorithms (VC DI EdDSA 1.0 §3.3):
//! the proof configuration (with the document's `@context`) and the
//! presentation are canonicalised (RDFC-1.0, by Atout's engine,
//! `atout-canon`, with the bundled contexts only), each hashed with SHA-256, and the
//! concatenation signed with Ed25519. Atout's verifier checks it the same
//! way, and the independent Node verifiers of the test suite accept it.

use crate::data_integrity::{LdEngine, SignError};
use atout_core::crypto::{KeyAlgorithm, PrivateKey};
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

/// The VC 2.0 base context.
pub const VC_V2: &str = "https://www.w3.org/ns/credentials/v2";

/// A credential as a presentation carries it: a Data Integrity credential
/// as its JSON object, a compact `vc+jwt` as an
/// `EnvelopedVerifiableCredential` (a `data:` URL).
pub fn embedded(body: &str) -> Result<Value, SignError> {
    let text = body.trim();
    if text.starts_with('{') {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| SignError::Internal(format!("a held credential is not JSON: {e}")))?;
        return Ok(value);
    }
    if crate::sd_jwt::looks_like(text) {
        // Not a vc+jwt: an SD-JWT VC is presented with its own Key Binding
        // JWT (crate::sd_jwt::present), not inside a VC presentation.
        return Err(SignError::Internal(
            "an SD-JWT VC cannot be shared inside a presentation (not supported yet)".into(),
        ));
    }
    Ok(json!({
        "@context": VC_V2,
        "id": format!("data:application/vc+jwt,{text}"),
        "type": "EnvelopedVerifiableCredential",
    }))
}

/// The holder's verification method of a `did:key` (its only key).
pub fn did_key_method(did: &str) -> String {
    let fragment = did.strip_prefix("did:key:").unwrap_or_default();
    format!("{did}#{fragment}")
}

/// Signs a presentation of `credentials` (as [`embedded`] gives them) by
/// `holder` (a `did:key` of the Ed25519 `key`), for `challenge` and
/// `domain`, dated `created`. Returns the secured presentation.
pub async fn sign_presentation(
    engine: &LdEngine,
    credentials: Vec<Value>,
    holder: &str,
    key: &PrivateKey,
    challenge: &str,
    domain: &str,
    created: DateTime<Utc>,
) -> Result<Value, SignError> {
    if key.algorithm() != KeyAlgorithm::Ed25519 {
        return Err(SignError::Internal(
            "holder keys are Ed25519 (eddsa-rdfc-2022)".into(),
        ));
    }
    let mut vp = Map::new();
    vp.insert("@context".into(), json!([VC_V2]));
    vp.insert("type".into(), json!(["VerifiablePresentation"]));
    vp.insert("holder".into(), json!(holder));
    if !credentials.is_empty() {
        vp.insert("verifiableCredential".into(), Value::Array(credentials));
    }
    let secured = crate::data_integrity::sign(
        engine,
        &vp,
        &crate::data_integrity::ProofOptions {
            suite: crate::data_integrity::Cryptosuite::EddsaRdfc2022,
            verification_method: &did_key_method(holder),
            purpose: "authentication",
            created,
            challenge: Some(challenge),
            domain: Some(domain),
        },
        key,
    )?;
    Ok(Value::Object(secured))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jwt_credentials_are_enveloped() {
        let v = embedded("eyJhbGciOiJFZERTQSJ9.e30.sig").unwrap();
        assert_eq!(v["type"], "EnvelopedVerifiableCredential");
        assert_eq!(
            v["id"],
            "data:application/vc+jwt,eyJhbGciOiJFZERTQSJ9.e30.sig"
        );
        let v = embedded("  {\"a\": 1}\n").unwrap();
        assert_eq!(v["a"], 1);
        assert!(embedded("eyJhbGciOiJFZERTQSJ9.e30.sig~WyJzIiwiYSIsMV0~").is_err());
    }

    #[test]
    fn did_key_methods_use_the_key_as_fragment() {
        assert_eq!(did_key_method("did:key:z6Mkabc"), "did:key:z6Mkabc#z6Mkabc");
    }
}
