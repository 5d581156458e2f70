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

#[cfg(test)]
mod tests {
    use crate::document::document_for;
    use atout_core::{
        crypto::{KeyAlgorithm, PrivateKey},
        store::{KeyOwner, KeyStatus, SigningKeyRecord},
    };

    fn record(fragment: &str, alg: KeyAlgorithm, status: KeyStatus) -> SigningKeyRecord {
        SigningKeyRecord {
            id: fragment.into(),
            owner: KeyOwner::Org("o".into()),
            fragment: fragment.into(),
            algorithm: alg,
            public_key_multibase: PrivateKey::generate(alg)
                .unwrap()
                .public_key()
                .to_multibase(),
            sealed_private_key: vec![],
            status,
            created_at: chrono::DateTime::UNIX_EPOCH,
            retired_at: None,
            withdrawn_at: None,
        }
    }

    /// An independent reading of our DID documents: ssi parses them, and
    /// each verification method is a valid Multikey.
    #[test]
    fn ssi_reads_our_did_documents() {
        let did = "did:web:portfolio.example.org:orgs:univ-orleans";
        let keys = [
            record("key-1", KeyAlgorithm::Ed25519, KeyStatus::Retired),
            record("key-2", KeyAlgorithm::Ed25519, KeyStatus::Active),
            record("key-3", KeyAlgorithm::P256, KeyStatus::Active),
            record("key-4", KeyAlgorithm::Ed25519, KeyStatus::Withdrawn),
        ];
        let json = serde_json::to_value(document_for(did, &keys)).unwrap();
        let doc: ssi::dids::Document = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(doc.id.as_str(), did);
        assert_eq!(doc.verification_method.len(), 3);
        assert_eq!(doc.verification_relationships.assertion_method.len(), 3);
        assert_eq!(doc.verification_relationships.authentication.len(), 2);
        for vm in json["verificationMethod"].as_array().unwrap() {
            let multikey: ssi::verification_methods::Multikey =
                serde_json::from_value(vm.clone()).unwrap();
            assert_eq!(multikey.controller.as_str(), did);
            assert!(multikey.public_key.decode().is_ok(), "{vm}");
        }
    }
}
