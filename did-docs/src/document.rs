//! DID documents of the platform and organisations.

use atout_core::{
    did::{DidDocument, MethodRef, VerificationMethod, DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT},
    store::{KeyStatus, SigningKeyRecord},
};

/// The DID document for `did` with these keys:
///
/// * active keys: `assertionMethod` and `authentication`;
/// * retired keys: `assertionMethod` only, so credentials they signed keep
///   verifying but they authenticate nothing new;
/// * withdrawn keys: absent, so nothing they signed verifies any more.
pub fn document_for(did: &str, keys: &[SigningKeyRecord]) -> DidDocument {
    let published: Vec<&SigningKeyRecord> = keys
        .iter()
        .filter(|k| k.status != KeyStatus::Withdrawn)
        .collect();
    let vm_id = |k: &SigningKeyRecord| format!("{did}#{}", k.fragment);
    DidDocument {
        context: Some(serde_json::json!([DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT])),
        id: did.to_owned(),
        controller: None,
        verification_method: published
            .iter()
            .map(|k| VerificationMethod {
                id: vm_id(k),
                type_: "Multikey".to_owned(),
                controller: did.to_owned(),
                public_key_multibase: Some(k.public_key_multibase.clone()),
                other: Default::default(),
            })
            .collect(),
        assertion_method: published
            .iter()
            .map(|k| MethodRef::Reference(vm_id(k)))
            .collect(),
        authentication: published
            .iter()
            .filter(|k| k.status == KeyStatus::Active)
            .map(|k| MethodRef::Reference(vm_id(k)))
            .collect(),
        other: Default::default(),
    }
}
