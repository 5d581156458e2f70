//! Data Integrity proofs (`eddsa-rdfc-2022`, `ecdsa-rdfc-2019`) computed
//! with Atout's one canonicalisation engine (`atout-canon`: JSON-LD 1.1 and
//! RDFC-1.0, proven by the W3C test suites), the same engine the verifier
//! uses: what is signed here is exactly what is checked there.
//!
//! The algorithms are the cryptosuites' (VC DI EdDSA 1.0 §3.3, VC DI ECDSA
//! 1.0 §3.3): the proof configuration (the proof without `proofValue`, with
//! the document's `@context`) and the document without its proof are each
//! canonicalised and hashed with SHA-256; the signature covers
//! `hash(proof configuration) || hash(document)`; `proofValue` is its
//! base58btc multibase.
//!
//! JSON-LD runs in *safe mode*, as the reference implementations sign and
//! verify: a property or type that its contexts do not define (and that
//! JSON-LD would silently drop, so no signature would cover it) is an error.

use crate::contexts::{self, Contexts};
use atout_canon::{Canonicalizer, Limits};
use atout_core::crypto::{KeyAlgorithm, PrivateKey};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};
use std::sync::Arc;

/// The Data Integrity cryptosuites Atout signs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cryptosuite {
    EddsaRdfc2022,
    EcdsaRdfc2019,
}

impl Cryptosuite {
    /// The name in a proof's `cryptosuite`.
    pub fn name(self) -> &'static str {
        match self {
            Cryptosuite::EddsaRdfc2022 => "eddsa-rdfc-2022",
            Cryptosuite::EcdsaRdfc2019 => "ecdsa-rdfc-2019",
        }
    }

    /// The key algorithm it signs with.
    pub fn key_algorithm(self) -> KeyAlgorithm {
        match self {
            Cryptosuite::EddsaRdfc2022 => KeyAlgorithm::Ed25519,
            Cryptosuite::EcdsaRdfc2019 => KeyAlgorithm::P256,
        }
    }
}

/// Why a credential could not be signed.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    /// The credential is not valid JSON-LD under its contexts (for example
    /// a term no context defines), or is too complex to canonicalise.
    #[error("the credential is not valid JSON-LD under its contexts: {0}")]
    JsonLd(String),
    #[error("signing failed: {0}")]
    Internal(String),
}

impl From<atout_canon::Error> for SignError {
    fn from(e: atout_canon::Error) -> Self {
        SignError::JsonLd(e.to_string())
    }
}

/// The canonicalisation engine with the bundled contexts, built once at
/// start-up and shared (`Clone` is cheap).
#[derive(Clone)]
pub struct LdEngine {
    canon: Arc<Canonicalizer>,
}

impl std::fmt::Debug for LdEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LdEngine")
    }
}

impl LdEngine {
    pub fn new(contexts: &Contexts) -> Result<Self, SignError> {
        let canon = Canonicalizer::new(contexts.documents())
            .map_err(|e| SignError::Internal(format!("bundled contexts: {e}")))?;
        Ok(Self {
            canon: Arc::new(canon),
        })
    }

    /// The engine itself (the verifier shares it).
    pub fn canon(&self) -> &Arc<Canonicalizer> {
        &self.canon
    }
}

/// The canonical N-Quads of `doc` (RDFC-1.0, lines sorted, each ending in
/// `\n`) under the engine's default limits.
pub fn canonical_nquads(engine: &LdEngine, doc: &Value) -> Result<String, SignError> {
    Ok(engine.canon.canonicalize(doc)?)
}

/// `SHA-256(canonical proof configuration) || SHA-256(canonical document)`:
/// the data a Data Integrity proof of the `*-rdfc-*` suites signs, for a
/// document without its `proof` and a proof configuration (the proof
/// without `proofValue`, carrying the document's `@context`).
pub fn hash_data(
    canon: &Canonicalizer,
    document: &Value,
    config: &Value,
    limits: &Limits,
) -> Result<[u8; 64], atout_canon::Error> {
    let config_hash = canon.canonical_hash_with(config, limits.clone())?;
    let document_hash = canon.canonical_hash_with(document, limits.clone())?;
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(&config_hash);
    out[32..].copy_from_slice(&document_hash);
    Ok(out)
}

/// Canonicalising what is signed gives up after this long (the engine's
/// own limits stop hostile documents first, in practice).
const SIGNING_DEADLINE: std::time::Duration = std::time::Duration::from_secs(2);

/// What a new proof says besides its signature.
#[derive(Debug, Clone)]
pub struct ProofOptions<'a> {
    pub suite: Cryptosuite,
    pub verification_method: &'a str,
    /// `assertionMethod` for credentials, `authentication` for presentations.
    pub purpose: &'a str,
    pub created: DateTime<Utc>,
    pub challenge: Option<&'a str>,
    pub domain: Option<&'a str>,
}

/// Adds a Data Integrity proof to `document` (which must not have one),
/// signed by `key`. A VC 1.1 document whose contexts do not define
/// `DataIntegrityProof` gets the Data Integrity context appended, as the
/// reference implementations do.
pub fn sign(
    engine: &LdEngine,
    document: &Map<String, Value>,
    options: &ProofOptions<'_>,
    key: &PrivateKey,
) -> Result<Map<String, Value>, SignError> {
    if key.algorithm() != options.suite.key_algorithm() {
        return Err(SignError::Internal(format!(
            "{} signs with {} keys",
            options.suite.name(),
            options.suite.key_algorithm()
        )));
    }
    if document.contains_key("proof") {
        return Err(SignError::Internal(
            "the document already has a proof".into(),
        ));
    }
    let mut document = document.clone();
    add_suite_context(&mut document);

    let mut proof = Map::new();
    proof.insert("type".into(), json!("DataIntegrityProof"));
    proof.insert("cryptosuite".into(), json!(options.suite.name()));
    proof.insert(
        "created".into(),
        json!(options.created.to_rfc3339_opts(SecondsFormat::Secs, true)),
    );
    proof.insert(
        "verificationMethod".into(),
        json!(options.verification_method),
    );
    proof.insert("proofPurpose".into(), json!(options.purpose));
    if let Some(challenge) = options.challenge {
        proof.insert("challenge".into(), json!(challenge));
    }
    if let Some(domain) = options.domain {
        proof.insert("domain".into(), json!(domain));
    }
    let mut config = proof.clone();
    if let Some(context) = document.get("@context") {
        config.insert("@context".into(), context.clone());
    }
    let document_value = Value::Object(document);
    let limits = Limits {
        deadline: Some(std::time::Instant::now() + SIGNING_DEADLINE),
        ..engine.canon.limits().clone()
    };
    let data = hash_data(
        &engine.canon,
        &document_value,
        &Value::Object(config),
        &limits,
    )?;
    let signature = key
        .sign(&data)
        .map_err(|e| SignError::Internal(format!("signature: {e}")))?;
    proof.insert(
        "proofValue".into(),
        json!(format!("z{}", bs58::encode(signature).into_string())),
    );
    match document_value {
        Value::Object(mut document) => {
            document.insert("proof".into(), Value::Object(proof));
            Ok(document)
        }
        _ => Err(SignError::Internal("the document is not an object".into())),
    }
}

/// Signs a credential for its issuer (`proofPurpose: assertionMethod`).
/// Returns the secured credential as JSON text.
pub fn sign_credential(
    engine: &LdEngine,
    credential: &Map<String, Value>,
    suite: Cryptosuite,
    verification_method: &str,
    key: &PrivateKey,
    created: DateTime<Utc>,
) -> Result<String, SignError> {
    let signed = sign(
        engine,
        credential,
        &ProofOptions {
            suite,
            verification_method,
            purpose: "assertionMethod",
            created,
            challenge: None,
            domain: None,
        },
        key,
    )?;
    serde_json::to_string(&signed).map_err(|e| SignError::Internal(e.to_string()))
}

/// Checks that `document` is valid JSON-LD under its (bundled) contexts in
/// safe mode, as if it were signed: `vc+jwt` and SD-JWT credentials carry
/// nothing a Data Integrity proof would refuse.
pub fn check_json_ld(engine: &LdEngine, document: &Map<String, Value>) -> Result<(), SignError> {
    let mut document = document.clone();
    add_suite_context(&mut document);
    engine.canon.canonicalize(&Value::Object(document))?;
    Ok(())
}

/// A VC 1.1 document (its first context is the VC 1.1 one) does not define
/// `DataIntegrityProof`: append the Data Integrity v2 context, unless there.
fn add_suite_context(document: &mut Map<String, Value>) {
    if let Some(Value::String(only)) = document.get("@context") {
        if only == contexts::CREDENTIALS_V1 {
            let only = Value::String(only.clone());
            document.insert("@context".into(), Value::Array(vec![only]));
        }
    }
    let Some(Value::Array(list)) = document.get_mut("@context") else {
        return;
    };
    let is_v1 = list.first().and_then(Value::as_str) == Some(contexts::CREDENTIALS_V1);
    let has_di = list
        .iter()
        .any(|c| c.as_str() == Some(contexts::DATA_INTEGRITY_V2));
    if is_v1 && !has_di {
        list.push(json!(contexts::DATA_INTEGRITY_V2));
    }
}
