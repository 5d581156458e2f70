//! Every call into ssi sits here (its API changes between minor versions;
//! the version is pinned exactly in the workspace). What remains on request
//! paths is did:key resolution; ssi's JSON-LD and RDFC route is only the
//! benchmarks' reference (`reference`, behind the `ssi-reference` feature):
//! Atout signs and verifies with its own engine (`crate::data_integrity`).

use atout_core::did::{DidDocument, ResolveError};
use ssi::dids::{resolution::DIDMethodResolver, DIDKey};
use zeroize::Zeroizing;

pub use crate::data_integrity::{Cryptosuite, LdEngine, SignError};

#[cfg(feature = "ssi-reference")]
/// ssi's JWK for our key. Private material lives in zeroized buffers.
fn jwk(key: &atout_core::crypto::PrivateKey) -> Result<ssi::JWK, SignError> {
    use atout_core::crypto::KeyAlgorithm;
    use base64::Engine as _;
    use serde_json::json;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let public = key.public_key().as_bytes();
    let value = match key.algorithm() {
        KeyAlgorithm::Ed25519 => {
            let seed = ed25519_seed(key.pkcs8_der())?;
            json!({"kty": "OKP", "crv": "Ed25519", "x": b64.encode(public), "d": b64.encode(&*seed)})
        }
        KeyAlgorithm::P256 => {
            use p256::pkcs8::DecodePrivateKey;
            let secret = p256::SecretKey::from_pkcs8_der(key.pkcs8_der())
                .map_err(|e| SignError::Internal(format!("P-256 key: {e}")))?;
            let d = Zeroizing::new(secret.to_bytes().to_vec());
            json!({
                "kty": "EC", "crv": "P-256",
                "x": b64.encode(&public[1..33]), "y": b64.encode(&public[33..65]),
                "d": b64.encode(&*d)
            })
        }
    };
    serde_json::from_value(value).map_err(|e| SignError::Internal(format!("JWK: {e}")))
}

/// The 32-byte seed inside an RFC 8410 Ed25519 PKCS#8 document: the
/// privateKey OCTET STRING wraps a CurvePrivateKey OCTET STRING (04 20 ..).
pub(crate) fn ed25519_seed(pkcs8: &[u8]) -> Result<Zeroizing<Vec<u8>>, SignError> {
    let at = pkcs8
        .windows(4)
        .position(|w| w == [0x04, 0x22, 0x04, 0x20])
        .ok_or_else(|| SignError::Internal("not an RFC 8410 Ed25519 key".into()))?;
    let seed = pkcs8
        .get(at + 4..at + 36)
        .ok_or_else(|| SignError::Internal("truncated Ed25519 key".into()))?;
    Ok(Zeroizing::new(seed.to_vec()))
}

/// Resolves a did:key locally (no network): Multikey verification method,
/// listed for authentication and assertion. Only the key types Atout
/// verifies (Ed25519, P-256), in their canonical encoding, are accepted.
pub async fn resolve_did_key(did: &str) -> Result<DidDocument, ResolveError> {
    let shown = || did.chars().take(200).collect::<String>();
    let id = did
        .strip_prefix("did:key:")
        .ok_or_else(|| ResolveError::InvalidDid(shown()))?;
    if id.is_empty() || id.len() > 256 || !id.starts_with('z') {
        return Err(ResolveError::InvalidDid(shown()));
    }
    // ssi builds a document for any multicodec and key length; the did:key
    // method requires refusing keys of the wrong length or off the curve.
    match atout_core::crypto::PublicKey::from_multibase(id) {
        Ok(key) if key.to_multibase() == id => {}
        _ => return Err(ResolveError::InvalidDid(shown())),
    }
    let output = DIDKey
        .resolve_method_representation(id, Default::default())
        .await
        .map_err(|e| ResolveError::InvalidDid(format!("{}: {e}", shown())))?;
    serde_json::from_slice(&output.document)
        .map_err(|e| ResolveError::Internal(format!("did:key document: {e}")))
}

/// ssi's own JSON-LD and RDFC route, kept only as the reference the
/// benchmarks measure Atout's engine against (`--features ssi-reference`).
/// No request path calls it: the server is built without this feature.
#[cfg(feature = "ssi-reference")]
pub mod reference {
    use super::*;
    use crate::contexts::Contexts;
    use atout_core::crypto::PrivateKey;
    use serde_json::{json, Map, Value};
    use ssi::{
        claims::{
            data_integrity::{AnySuite, CryptographicSuite, ProofOptions},
            vc::v2::JsonCredential,
            SignatureEnvironment,
        },
        json_ld::ContextLoader,
        verification_methods::{AnyMethod, SingleSecretSigner},
    };
    use std::collections::HashMap;

    /// ssi's loader with the bundled contexts.
    #[derive(Clone)]
    pub struct SsiLd {
        loader: ContextLoader,
    }

    impl SsiLd {
        pub fn new(contexts: &Contexts) -> Result<Self, SignError> {
            let docs: HashMap<String, String> = contexts.documents().into_iter().collect();
            // Not ssi's static loader: it would serve its own copies first.
            let loader = ContextLoader::empty()
                .with_context_map_from(docs)
                .map_err(|e| SignError::Internal(format!("bundled contexts: {e}")))?;
            Ok(Self { loader })
        }
    }

    /// Signs `credential` with a Data Integrity proof (`proofPurpose:
    /// assertionMethod`) by the verification method `vm_id` (a Multikey
    /// controlled by `controller`), dated `created` (the application clock's
    /// time, not the system's). Returns the secured credential as JSON text.
    pub async fn sign_data_integrity(
        engine: &SsiLd,
        credential: &Map<String, Value>,
        suite: Cryptosuite,
        vm_id: &str,
        controller: &str,
        key: &PrivateKey,
        created: chrono::DateTime<chrono::Utc>,
    ) -> Result<String, SignError> {
        let vc: JsonCredential = serde_json::from_value(Value::Object(credential.clone()))
            .map_err(|e| SignError::JsonLd(format!("not a VC 2.0 credential: {e}")))?;
        let vm_iri = iref::IriBuf::new(vm_id.to_owned()).map_err(|_| {
            SignError::Internal(format!("verification method {vm_id:?} is not an IRI"))
        })?;
        let method: AnyMethod = serde_json::from_value(json!({
            "id": vm_id,
            "type": "Multikey",
            "controller": controller,
            "publicKeyMultibase": key.public_key().to_multibase(),
        }))
        .map_err(|e| SignError::Internal(format!("verification method: {e}")))?;
        let resolver: HashMap<iref::IriBuf, AnyMethod> = [(vm_iri.clone(), method)].into();
        let signer = SingleSecretSigner::new(jwk(key)?).into_local();
        let environment = SignatureEnvironment {
            json_ld_loader: engine.loader.clone(),
            eip712_loader: (),
        };
        let suite = match suite {
            Cryptosuite::EddsaRdfc2022 => AnySuite::EdDsaRdfc2022,
            Cryptosuite::EcdsaRdfc2019 => AnySuite::EcdsaRdfc2019,
        };
        let mut options = ProofOptions::from_method(vm_iri.into());
        let stamp: ssi::xsd::DateTimeStamp = created
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            .parse()
            .map_err(|_| {
                SignError::Internal("the creation time is not an xsd:dateTimeStamp".into())
            })?;
        options.created = Some(stamp.into());
        let signed = suite
            .sign_with(
                environment,
                vc,
                &resolver,
                signer,
                options,
                Default::default(),
            )
            .await
            .map_err(|e| {
                let text = e.to_string();
                // Expansion and canonicalisation failures are the document's fault.
                if text.contains("expansion")
                    || text.contains("JSON-LD")
                    || text.contains("undefined")
                    || text.contains("term")
                    || text.contains("context")
                    || text.contains("claims")
                {
                    SignError::JsonLd(text)
                } else {
                    SignError::Internal(text)
                }
            })?;
        serde_json::to_string(&signed).map_err(|e| SignError::Internal(e.to_string()))
    }

    /// The canonical N-Quads of the JSON-LD document `doc` through ssi: JSON-LD
    /// expansion with the bundled contexts only (undefined terms refused, as when
    /// signing), conversion to RDF, URDNA2015 / RDFC-1.0 canonicalisation, N-Quads
    /// lines sorted, each ending in `\n`. This is exactly what the
    /// eddsa-rdfc-2022 and ecdsa-rdfc-2019 suites hash for the claims. It accepts
    /// any JSON-LD document (credential, presentation, proof configuration) and is
    /// the full route the lean one (`atout-canon`) falls back to.
    pub async fn canonical_nquads(engine: &SsiLd, doc: &Value) -> Result<String, SignError> {
        use ssi::json_ld::{CompactJsonLd, Expandable};
        use ssi::rdf::AnyLdEnvironment;
        let json: CompactJsonLd = serde_json::from_value(doc.clone())
            .map_err(|e| SignError::JsonLd(format!("not a JSON-LD document: {e}")))?;
        let mut ld = ssi::rdf::LdEnvironment::default();
        let expanded = json
            .expand_with(&mut ld, &engine.loader)
            .await
            .map_err(|e| SignError::JsonLd(format!("JSON-LD expansion failed: {e}")))?;
        let lines = ld
            .canonical_form_of(&expanded)
            .map_err(|e| SignError::JsonLd(format!("conversion to RDF failed: {e}")))?;
        Ok(lines.concat())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use atout_core::crypto::{KeyAlgorithm, PrivateKey};

    #[test]
    fn the_seed_is_found_in_ring_pkcs8() {
        let key = PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap();
        let seed = ed25519_seed(key.pkcs8_der()).unwrap();
        let pair = ring::signature::Ed25519KeyPair::from_seed_and_public_key(
            &seed,
            key.public_key().as_bytes(),
        );
        assert!(pair.is_ok(), "the seed matches the public key");
    }

    #[cfg(feature = "ssi-reference")]
    #[test]
    fn keys_become_ssi_jwks() {
        for alg in [KeyAlgorithm::Ed25519, KeyAlgorithm::P256] {
            let key = PrivateKey::generate(alg).unwrap();
            let jwk = jwk(&key).unwrap();
            let debug = format!("{jwk:?}");
            assert!(!debug.is_empty());
        }
    }
}
