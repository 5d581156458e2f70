//! VC-JOSE (W3C VC-JOSE-COSE Recommendation): the credential itself is the
//! JWS payload, with `typ: vc+jwt` and `cty: vc`. Signed with josekit.

use crate::data_integrity::SignError;
use atout_core::crypto::{KeyAlgorithm, PrivateKey};
use serde_json::{Map, Value};

/// JOSE algorithms for `vc+jwt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JwtAlg {
    EdDSA,
    ES256,
}

impl JwtAlg {
    pub fn key_algorithm(self) -> KeyAlgorithm {
        match self {
            Self::EdDSA => KeyAlgorithm::Ed25519,
            Self::ES256 => KeyAlgorithm::P256,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::EdDSA => "EdDSA",
            Self::ES256 => "ES256",
        }
    }
}

/// Signs `credential` as a compact JWS with header
/// `{alg, typ: "vc+jwt", cty: "vc", kid}`.
pub fn sign_vc_jwt(
    credential: &Map<String, Value>,
    alg: JwtAlg,
    kid: &str,
    key: &PrivateKey,
) -> Result<String, SignError> {
    if key.algorithm() != alg.key_algorithm() {
        return Err(SignError::Internal(format!(
            "{} needs a {} key",
            alg.name(),
            alg.key_algorithm()
        )));
    }
    let mut header = josekit::jws::JwsHeader::new();
    header.set_token_type("vc+jwt");
    header.set_content_type("vc");
    header.set_key_id(kid);
    let payload = serde_json::to_vec(credential).map_err(|e| SignError::Internal(e.to_string()))?;
    let internal = |e: josekit::JoseError| SignError::Internal(format!("JOSE: {e}"));
    match alg {
        JwtAlg::EdDSA => {
            // josekit (OpenSSL) takes the minimal RFC 8410 form (version 0,
            // no public key), not ring's PKCS#8 v2: rebuild it from the seed.
            let seed = crate::ssi_bridge::ed25519_seed(key.pkcs8_der())?;
            let mut der = zeroize::Zeroizing::new(vec![
                0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22,
                0x04, 0x20,
            ]);
            der.extend_from_slice(&seed);
            let signer = josekit::jws::EdDSA
                .signer_from_der(&*der)
                .map_err(internal)?;
            josekit::jws::serialize_compact(&payload, &header, &signer).map_err(internal)
        }
        JwtAlg::ES256 => {
            let signer = josekit::jws::ES256
                .signer_from_der(key.pkcs8_der())
                .map_err(internal)?;
            josekit::jws::serialize_compact(&payload, &header, &signer).map_err(internal)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    #[test]
    fn header_and_payload_follow_the_recommendation_and_ring_verifies() {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let credential: Map<String, Value> = serde_json::from_value(serde_json::json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": "did:web:x",
            "credentialSubject": {"name": "Renée"}
        }))
        .unwrap();
        for alg in [JwtAlg::EdDSA, JwtAlg::ES256] {
            let key = PrivateKey::generate(alg.key_algorithm()).unwrap();
            let jwt = sign_vc_jwt(&credential, alg, "did:web:x#key-1", &key).unwrap();
            let parts: Vec<&str> = jwt.split('.').collect();
            assert_eq!(parts.len(), 3);
            let header: Value = serde_json::from_slice(&b64.decode(parts[0]).unwrap()).unwrap();
            assert_eq!(header["typ"], "vc+jwt");
            assert_eq!(header["cty"], "vc");
            assert_eq!(header["alg"], alg.name());
            assert_eq!(header["kid"], "did:web:x#key-1");
            let payload: Map<String, Value> =
                serde_json::from_slice(&b64.decode(parts[1]).unwrap()).unwrap();
            assert_eq!(payload, credential, "the credential is the payload");
            let signing_input = format!("{}.{}", parts[0], parts[1]);
            let signature = b64.decode(parts[2]).unwrap();
            key.public_key()
                .verify(signing_input.as_bytes(), &signature)
                .expect("an independent verifier (ring) accepts the signature");
            // The wrong algorithm for the key is refused.
            let other = match alg {
                JwtAlg::EdDSA => JwtAlg::ES256,
                JwtAlg::ES256 => JwtAlg::EdDSA,
            };
            assert!(sign_vc_jwt(&credential, other, "k", &key).is_err());
        }
    }
}
