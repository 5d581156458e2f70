//! DID documents of the platform and organisations.

use atout_core::{
    did::{
        DidDocument, DidWeb, MethodRef, VerificationMethod, DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT,
    },
    ids::Slug,
    store::{KeyOwner, KeyStatus, SigningKeyRecord, Store, StoreError},
};

/// The document of one of this platform's DIDs, from the database: the
/// platform's (`slug: None`) or an organisation's. `None` if there is no
/// such organisation (an invalid slug never reaches the database).
pub async fn local_document(
    store: &dyn Store,
    did_web: &DidWeb,
    slug: Option<&str>,
) -> Result<Option<DidDocument>, StoreError> {
    let (did, owner) = match slug {
        None => (did_web.platform(), KeyOwner::Platform),
        Some(slug) => {
            if Slug::parse(slug).is_err() {
                return Ok(None);
            }
            let Some(org) = store.get_org_by_slug(slug).await? else {
                return Ok(None);
            };
            // A did:key resolves itself: the platform serves no document.
            if org.did_key.is_some() {
                return Ok(None);
            }
            (did_web.org(&org.slug), KeyOwner::Org(org.id))
        }
    };
    let keys = store.list_keys(&owner).await?;
    Ok(Some(document_for(&did, &keys)))
}

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
