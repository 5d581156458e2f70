//! Test only: an independent reading of our DID documents by ssi. (The
//! runtime calls into ssi sit in `atout_vc::ssi_bridge`.)

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
