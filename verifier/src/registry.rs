//! The signed trust registry document.
//!
//! * Export: the registry as a VC 2.0 `TrustRegistryCredential` issued and
//!   signed (eddsa-rdfc-2022) by this platform's DID; the entries are a JSON
//!   literal (`@type: @json` in Atout's context), so the proof covers their
//!   canonical JSON.
//! * Import: the document's shape, type and issuer (the registry authority)
//!   are checked, then its proof, by a [`DocumentVerifier`] given by the
//!   caller; only then do its entries replace the registry, atomically.
//!
//! A verifier without a database reads the same document into a
//! [`RegistrySnapshot`] ([`read_document`]).

use atout_core::{
    audit::Actor,
    crypto::KeyAlgorithm,
    registry::{
        parse_entries, InvalidEntry, Registry, RegistryError, RegistrySnapshot, TrustedIssuer,
    },
    store::{KeyOwner, RegistryDiff},
};
use atout_vc::{
    contexts::CREDENTIALS_V2,
    sign::{self, ProofFormat},
    ssi_bridge::Cryptosuite,
};
use atout_web::AppState;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};
use std::{future::Future, pin::Pin, sync::Arc};

/// The document's credential type.
pub const REGISTRY_CREDENTIAL_TYPE: &str = "TrustRegistryCredential";
/// The type of its subject.
pub const REGISTRY_SUBJECT_TYPE: &str = "TrustRegistry";
/// The subject's id: `{base}/registry`.
pub const REGISTRY_PATH: &str = "/registry";

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Checks a secured document's proof. `Ok(())` only when the proof
/// verifies with a key that the document's issuer controls (listed for
/// `assertionMethod`) and the document is within its validity period;
/// otherwise why not (or why it could not be checked).
///
/// Any `Fn(&Value) -> BoxFuture<Result<(), String>>` is one.
pub trait DocumentVerifier: Send + Sync {
    fn verify<'a>(&'a self, document: &'a Value) -> BoxFuture<'a, Result<(), String>>;
}

impl<F> DocumentVerifier for F
where
    F: for<'a> Fn(&'a Value) -> BoxFuture<'a, Result<(), String>> + Send + Sync,
{
    fn verify<'a>(&'a self, document: &'a Value) -> BoxFuture<'a, Result<(), String>> {
        self(document)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RegistryDocError {
    /// Not a registry document: the field says where.
    #[error("not a trust registry document: {0}")]
    Malformed(InvalidEntry),
    #[error(
        "the registry document is issued by {found:?}, not by the registry authority {expected}"
    )]
    WrongIssuer { found: String, expected: String },
    #[error("the registry document does not verify: {0}")]
    Proof(String),
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error("the registry document could not be signed: {0}")]
    Sign(String),
}

fn malformed(field: &str, message: impl Into<String>) -> RegistryDocError {
    RegistryDocError::Malformed(InvalidEntry::new(field, message))
}

/// What an imported document must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// The DID that must have issued and signed it.
    pub authority: String,
    /// Atout's context URL on this deployment.
    pub context: String,
}

impl Expected {
    /// This deployment: the configured registry authority, by default the
    /// platform's DID.
    pub fn of(state: &AppState) -> Self {
        Self {
            authority: registry_authority(state),
            context: state.vc.contexts.own_url().to_owned(),
        }
    }
}

/// The configured registry authority, by default this platform's DID.
pub fn registry_authority(state: &AppState) -> String {
    state
        .config
        .registry_authority
        .clone()
        .unwrap_or_else(|| state.orgs.did_web().platform())
}

/// The unsigned registry document.
pub fn unsigned_document(
    base: &str,
    issuer: &str,
    context: &str,
    entries: &[TrustedIssuer],
    now: DateTime<Utc>,
) -> Map<String, Value> {
    let document = json!({
        "@context": [CREDENTIALS_V2, context],
        "type": ["VerifiableCredential", REGISTRY_CREDENTIAL_TYPE],
        "issuer": issuer,
        "validFrom": now.to_rfc3339_opts(SecondsFormat::Secs, true),
        "credentialSubject": {
            "id": format!("{base}{REGISTRY_PATH}"),
            "type": REGISTRY_SUBJECT_TYPE,
            "trustedIssuers": entries,
        },
    });
    match document {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The signed registry document, as text, and the entries it lists.
#[derive(Debug, Clone)]
pub struct SignedRegistry {
    pub text: String,
    pub entries: Vec<TrustedIssuer>,
}

/// Exports the registry: every entry, signed now by the platform's key.
pub async fn export(state: &AppState) -> Result<SignedRegistry, RegistryDocError> {
    let entries = Registry::new(state.store.clone(), state.clock.clone())
        .list()
        .await?;
    let did = state.orgs.did_web().platform();
    let unsigned = unsigned_document(
        state.config.base(),
        &did,
        state.vc.contexts.own_url(),
        &entries,
        state.clock.now(),
    );
    let key = state
        .orgs
        .signing_key(&KeyOwner::Platform, &did, KeyAlgorithm::Ed25519)
        .await
        .map_err(|e| RegistryDocError::Sign(e.to_string()))?;
    let secured = sign::secure(
        &state.vc.engine,
        &unsigned,
        ProofFormat::DataIntegrity(Cryptosuite::EddsaRdfc2022),
        &key,
        &did,
        state.clock.now(),
    )
    .await
    .map_err(|e| RegistryDocError::Sign(e.to_string()))?;
    Ok(SignedRegistry {
        text: secured.stored,
        entries,
    })
}

fn one_of<'a>(
    value: &'a Value,
    allowed: &[&str],
    field: &str,
) -> Result<&'a Map<String, Value>, RegistryDocError> {
    let map = value
        .as_object()
        .ok_or_else(|| malformed(field, "must be an object"))?;
    if let Some(key) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
        let at = if field.is_empty() {
            key.clone()
        } else {
            format!("{field}.{key}")
        };
        return Err(malformed(&at, "is not a member of a registry document"));
    }
    Ok(map)
}

fn has_types(value: &Value, wanted: &[&str]) -> bool {
    match value {
        Value::String(s) => wanted == [s.as_str()],
        Value::Array(items) => {
            items.len() == wanted.len() && wanted.iter().all(|w| items.iter().any(|i| i == w))
        }
        _ => false,
    }
}

/// Reads a signed registry document: checks its shape, type and issuer,
/// has `verifier` check its proof, and returns its entries. Needs no
/// database.
pub async fn read_document(
    document: &Value,
    expected: &Expected,
    verifier: &dyn DocumentVerifier,
) -> Result<RegistrySnapshot, RegistryDocError> {
    let doc = one_of(
        document,
        &[
            "@context",
            "id",
            "type",
            "issuer",
            "validFrom",
            "validUntil",
            "credentialSubject",
            "proof",
        ],
        "",
    )?;
    if doc.get("@context") != Some(&json!([CREDENTIALS_V2, expected.context])) {
        return Err(malformed(
            "@context",
            format!("must be [\"{CREDENTIALS_V2}\", \"{}\"]", expected.context),
        ));
    }
    if !has_types(
        doc.get("type").unwrap_or(&Value::Null),
        &["VerifiableCredential", REGISTRY_CREDENTIAL_TYPE],
    ) {
        return Err(malformed(
            "type",
            format!("must be [\"VerifiableCredential\", \"{REGISTRY_CREDENTIAL_TYPE}\"]"),
        ));
    }
    let issuer = match doc.get("issuer") {
        Some(Value::String(s)) => s.as_str(),
        Some(Value::Object(o)) => o.get("id").and_then(Value::as_str).unwrap_or_default(),
        _ => "",
    };
    if issuer != expected.authority {
        return Err(RegistryDocError::WrongIssuer {
            found: issuer.chars().take(200).collect(),
            expected: expected.authority.clone(),
        });
    }
    let issued_at = doc
        .get("validFrom")
        .and_then(Value::as_str)
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .ok_or_else(|| malformed("validFrom", "must be an RFC 3339 date-time"))?
        .with_timezone(&Utc);
    let subject = one_of(
        doc.get("credentialSubject").unwrap_or(&Value::Null),
        &["id", "type", "trustedIssuers"],
        "credentialSubject",
    )?;
    if !has_types(
        subject.get("type").unwrap_or(&Value::Null),
        &[REGISTRY_SUBJECT_TYPE],
    ) {
        return Err(malformed(
            "credentialSubject.type",
            format!("must be {REGISTRY_SUBJECT_TYPE}"),
        ));
    }
    let proof = doc
        .get("proof")
        .and_then(Value::as_object)
        .ok_or_else(|| malformed("proof", "must be one Data Integrity proof"))?;
    if proof.get("type").and_then(Value::as_str) != Some("DataIntegrityProof") {
        return Err(malformed("proof.type", "must be DataIntegrityProof"));
    }
    if proof.get("proofPurpose").and_then(Value::as_str) != Some("assertionMethod") {
        return Err(malformed("proof.proofPurpose", "must be assertionMethod"));
    }
    let method = proof
        .get("verificationMethod")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if method.split_once('#').map(|(did, _)| did) != Some(expected.authority.as_str()) {
        return Err(malformed(
            "proof.verificationMethod",
            "must be a key of the registry authority",
        ));
    }
    let entries = parse_entries(
        "credentialSubject.trustedIssuers",
        subject.get("trustedIssuers").unwrap_or(&Value::Null),
    )
    .map_err(RegistryDocError::Malformed)?;
    verifier
        .verify(document)
        .await
        .map_err(RegistryDocError::Proof)?;
    Ok(RegistrySnapshot::new(
        expected.authority.clone(),
        issued_at,
        entries,
    ))
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportOutcome {
    /// Entries in the registry now.
    pub count: usize,
    /// The document's `validFrom`.
    pub issued_at: DateTime<Utc>,
    #[serde(flatten)]
    pub diff: RegistryDiff,
}

/// Imports a signed registry document: [`read_document`], then its entries
/// replace the registry in one transaction (with one audit line).
pub async fn import(
    state: &AppState,
    actor: &Actor,
    document: &Value,
    verifier: &dyn DocumentVerifier,
) -> Result<ImportOutcome, RegistryDocError> {
    let expected = Expected::of(state);
    let snapshot = read_document(document, &expected, verifier).await?;
    let entries: Vec<TrustedIssuer> = snapshot.sorted().into_iter().cloned().collect();
    let count = entries.len();
    let source = json!({
        "issuer": snapshot.authority,
        "validFrom": snapshot.issued_at,
    });
    let diff = Registry::new(state.store.clone(), state.clock.clone())
        .replace_all(actor, entries, Some(source))
        .await?;
    Ok(ImportOutcome {
        count,
        issued_at: snapshot.issued_at,
        diff,
    })
}

/// The proof check of this deployment: the verification engine (proof,
/// issuer key, validity period), with this deployment's DID resolution and
/// bundled contexts.
pub struct EngineVerifier {
    verifier: Arc<crate::Verifier>,
    authority: String,
}

impl EngineVerifier {
    pub fn new(state: &AppState) -> Self {
        use crate::{sources::SnapshotLists, Verifier, VerifierParts};
        let authority = registry_authority(state);
        let verifier = Arc::new(Verifier::new(VerifierParts {
            vc: state.vc.clone(),
            canon: None,
            resolver: state.resolver.clone(),
            lists: Arc::new(SnapshotLists::default()),
            local_lists: None,
            registry: Arc::new(RegistrySnapshot::new(
                authority.clone(),
                state.clock.now(),
                Vec::new(),
            )),
            clock: state.clock.clone(),
            list_ttl: std::time::Duration::from_millis(atout_vc::status::TTL_MS),
            snapshot_taken_at: None,
        }));
        Self {
            verifier,
            authority,
        }
    }
}

impl DocumentVerifier for EngineVerifier {
    fn verify<'a>(&'a self, document: &'a Value) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            crate::snapshot::verify_registry_document(&self.verifier, document, &self.authority)
                .await
                .map(|_| ())
        })
    }
}
