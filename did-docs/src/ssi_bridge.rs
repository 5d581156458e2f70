//! Every call into ssi from this crate sits here (its API changes between
//! minor versions; the version is pinned exactly in the workspace).

use atout_core::did::{DidDocument, ResolveError};
use ssi::dids::{resolution::DIDMethodResolver, DIDKey};

/// Resolves a did:key locally (no network): Multikey verification method,
/// listed for authentication and assertion.
pub async fn resolve_did_key(did: &str) -> Result<DidDocument, ResolveError> {
    let id = did
        .strip_prefix("did:key:")
        .ok_or_else(|| ResolveError::InvalidDid(did.to_owned()))?;
    if id.is_empty() || id.len() > 256 || !id.starts_with('z') {
        return Err(ResolveError::InvalidDid(did.chars().take(200).collect()));
    }
    // ssi builds a document for any multicodec and key length; the did:key
    // method requires refusing keys of the wrong length or off the curve.
    // We accept the key types Atout verifies (Ed25519, P-256), in their
    // canonical (compressed) encoding.
    match atout_core::crypto::PublicKey::from_multibase(id) {
        Ok(key) if key.to_multibase() == id => {}
        _ => return Err(ResolveError::InvalidDid(did.chars().take(200).collect())),
    }
    let output = DIDKey
        .resolve_method_representation(id, Default::default())
        .await
        .map_err(|e| match e {
            ssi::dids::resolution::Error::InvalidMethodSpecificId(_) => {
                ResolveError::InvalidDid(did.chars().take(200).collect())
            }
            other => ResolveError::InvalidDid(format!(
                "{}: {other}",
                did.chars().take(200).collect::<String>()
            )),
        })?;
    serde_json::from_slice(&output.document)
        .map_err(|e| ResolveError::Internal(format!("did:key document: {e}")))
}
