//! Signing keys: the verification method resolved from its DID document,
//! listed for the proof's purpose, controlled by the signer, of the
//! suite's algorithm; public keys decoded from multibase or JWK.

use super::Verifier;
use crate::{
    report::{Check, CheckKind, Outcome},
    sources::short,
};
use atout_core::{
    crypto::{KeyAlgorithm, PublicKey},
    did::{DidDocument, Relationship, ResolveError, VerificationMethod},
};
use base64::Engine as _;
use serde_json::Value;
use std::sync::Arc;

/// A resolved signing key and the check that vouches for it.
pub(super) struct KeyResult {
    pub(super) key: Option<PublicKey>,
    pub(super) check: Check,
}

impl KeyResult {
    /// The proof check when no key came out: "could not check" when the key
    /// could not be obtained, "failed" (saying `refused`) when it was
    /// obtained and not accepted.
    pub(super) fn proof_without_key(&self, refused: &'static str) -> Check {
        match self.check.status {
            Outcome::CouldNotCheck => Check::could_not(
                CheckKind::Proof,
                "key-unavailable",
                "The signature could not be checked: the signing key could not be obtained.",
            ),
            _ => Check::failed(CheckKind::Proof, "key-not-accepted", refused),
        }
    }
}

/// Which proofs to accept on a document.
#[derive(Clone, Copy)]
pub(super) struct ProofRules<'a> {
    pub(super) purpose: Relationship,
    /// The DID that must control the key (issuer or holder); `None` for a
    /// presentation without holder.
    pub(super) controller: Option<&'a str>,
}

impl Verifier {
    // ----- keys --------------------------------------------------------

    /// The key named by `vm`, from its DID document, listed under the
    /// proof's purpose, controlled by the expected DID, of the suite's
    /// algorithm.
    pub(super) async fn resolve_key(
        &self,
        vm: &str,
        rules: ProofRules<'_>,
        algorithm: KeyAlgorithm,
    ) -> KeyResult {
        let fail = |code: &'static str, reason: String| KeyResult {
            key: None,
            check: Check::failed(CheckKind::IssuerKey, code, reason),
        };
        let Some((did, fragment)) = vm.split_once('#') else {
            return fail(
                "malformed-verification-method",
                format!(
                    "The verification method {:?} is not a DID URL with a fragment.",
                    short(vm)
                ),
            );
        };
        if !did.starts_with("did:") || fragment.is_empty() {
            return fail(
                "malformed-verification-method",
                format!(
                    "The verification method {:?} is not a DID URL with a fragment.",
                    short(vm)
                ),
            );
        }
        if let Some(controller) = rules.controller {
            if did != controller {
                return fail(
                    "key-not-controlled-by-signer",
                    format!(
                        "The signing key belongs to {}, not to {} who is named as the {}.",
                        short(did),
                        short(controller),
                        if rules.purpose == Relationship::Authentication {
                            "holder"
                        } else {
                            "issuer"
                        }
                    ),
                );
            }
        }
        let doc = match self.resolve_did(did).await {
            Ok(doc) => doc,
            Err(e) => {
                return match e {
                    ResolveError::InvalidDid(_) | ResolveError::UnsupportedMethod(_) => {
                        fail("unsupported-did", e.to_string())
                    }
                    ResolveError::NotFound(_) => fail(
                        "did-not-found",
                        format!(
                            "The DID {} does not exist (its document was not found).",
                            short(did)
                        ),
                    ),
                    other => KeyResult {
                        key: None,
                        check: Check::could_not(
                            CheckKind::IssuerKey,
                            "did-unreachable",
                            format!(
                                "The DID document of {} could not be obtained: {other}.",
                                short(did)
                            ),
                        ),
                    },
                };
            }
        };
        let purpose_name = match rules.purpose {
            Relationship::AssertionMethod => "assertionMethod",
            Relationship::Authentication => "authentication",
        };
        let Some(method) = doc.method_for(vm, rules.purpose) else {
            let exists = doc
                .verification_method
                .iter()
                .any(|m| absolute(&doc, &m.id) == vm)
                || doc.assertion_method.iter().chain(doc.authentication.iter()).any(|r| {
                    matches!(r, atout_core::did::MethodRef::Embedded(m) if absolute(&doc, &m.id) == vm)
                });
            return if exists {
                fail(
                    "key-not-authorized-for-purpose",
                    format!(
                        "The key {} is not listed for {purpose_name} in the DID document.",
                        short(vm)
                    ),
                )
            } else {
                fail(
                    "key-not-found",
                    format!(
                        "The DID document of {} has no key {} (it may have been withdrawn).",
                        short(did),
                        short(vm)
                    ),
                )
            };
        };
        let expected_controller = rules.controller.unwrap_or(did);
        if method.controller != expected_controller {
            return fail(
                "key-not-controlled-by-signer",
                format!(
                    "The key {} is controlled by {}, not by {}.",
                    short(vm),
                    short(&method.controller),
                    short(expected_controller)
                ),
            );
        }
        let key = match self.parsed_key(method) {
            Ok(k) => k,
            Err(reason) => return fail("unsupported-key", reason),
        };
        if key.algorithm() != algorithm {
            return fail(
                "key-algorithm-mismatch",
                format!(
                    "The key {} is {}, but the proof's algorithm needs {}.",
                    short(vm),
                    key.algorithm(),
                    algorithm
                ),
            );
        }
        KeyResult {
            key: Some(key),
            check: Check::ok(
                CheckKind::IssuerKey,
                "key-resolved",
                format!(
                    "The key {} is listed for {purpose_name} by {}.",
                    short(vm),
                    short(did)
                ),
            ),
        }
    }

    /// The public key of a method, decoded once per distinct encoding
    /// (multibase decoding and P-256 point decompression are not free).
    fn parsed_key(&self, method: &VerificationMethod) -> Result<PublicKey, String> {
        let encoded = match (
            &method.public_key_multibase,
            method.other.get("publicKeyJwk"),
        ) {
            (Some(mb), _) => mb.clone(),
            (None, Some(jwk)) => jwk.to_string(),
            (None, None) => return public_key(method),
        };
        if let Some(key) = self
            .key_cache
            .lock()
            .ok()
            .and_then(|c| c.get(&encoded).cloned())
        {
            return Ok(key);
        }
        let key = public_key(method)?;
        if let Ok(mut cache) = self.key_cache.lock() {
            if cache.len() >= 10_000 {
                cache.clear();
            }
            cache.insert(encoded, key.clone());
        }
        Ok(key)
    }

    /// did:key documents never change: they are cached (bounded). Other
    /// DIDs go to the resolver every time (it caches remote did:web itself,
    /// and never caches this platform's, so a withdrawn key stops at once).
    async fn resolve_did(&self, did: &str) -> Result<Arc<DidDocument>, ResolveError> {
        if !did.starts_with("did:key:") {
            return self.resolver.resolve(did).await.map(Arc::new);
        }
        if let Some(doc) = self
            .did_key_cache
            .lock()
            .ok()
            .and_then(|c| c.get(did).cloned())
        {
            return Ok(doc);
        }
        let doc = Arc::new(self.resolver.resolve(did).await?);
        if let Ok(mut cache) = self.did_key_cache.lock() {
            if cache.len() >= 10_000 {
                cache.clear();
            }
            cache.insert(did.to_owned(), doc.clone());
        }
        Ok(doc)
    }
}

fn absolute(doc: &DidDocument, id: &str) -> String {
    if id.starts_with('#') {
        format!("{}{id}", doc.id)
    } else {
        id.to_owned()
    }
}

/// The public key of a verification method: Multikey and
/// Ed25519VerificationKey2020 (`publicKeyMultibase`), JsonWebKey2020 and
/// JsonWebKey (`publicKeyJwk`, OKP Ed25519 or EC P-256).
fn public_key(method: &VerificationMethod) -> Result<PublicKey, String> {
    if let Some(mb) = &method.public_key_multibase {
        return PublicKey::from_multibase(mb)
            .map_err(|e| format!("The key {} is unusable: {e}.", short(&method.id)));
    }
    if let Some(jwk) = method.other.get("publicKeyJwk").and_then(Value::as_object) {
        if jwk.contains_key("d") {
            return Err("The DID document publishes a private key; it is refused.".into());
        }
        let b64 = |k: &str| {
            jwk.get(k).and_then(Value::as_str).and_then(|s| {
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(s)
                    .ok()
            })
        };
        let kty = jwk.get("kty").and_then(Value::as_str);
        let crv = jwk.get("crv").and_then(Value::as_str);
        return match (kty, crv) {
            (Some("OKP"), Some("Ed25519")) => b64("x")
                .and_then(|x| PublicKey::new(KeyAlgorithm::Ed25519, &x).ok())
                .ok_or_else(|| "The Ed25519 JWK is invalid.".to_owned()),
            (Some("EC"), Some("P-256")) => match (b64("x"), b64("y")) {
                (Some(x), Some(y)) if x.len() == 32 && y.len() == 32 => {
                    let mut point = vec![4u8];
                    point.extend_from_slice(&x);
                    point.extend_from_slice(&y);
                    PublicKey::new(KeyAlgorithm::P256, &point)
                        .map_err(|e| format!("The P-256 JWK is invalid: {e}."))
                }
                _ => Err("The P-256 JWK is invalid.".into()),
            },
            _ => Err("Only Ed25519 and P-256 keys are supported.".into()),
        };
    }
    Err(format!(
        "The verification method {} carries no public key Atout can read.",
        short(&method.id)
    ))
}
