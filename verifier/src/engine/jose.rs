//! `vc+jwt` (VC-JOSE-COSE): the JWT's algorithm, the issuer's key named by
//! `kid`, `iss`, and the signature.

use super::{keys::ProofRules, parse::Jwt, Verifier};
use crate::{
    report::{Check, CheckKind},
    sources::short,
};
use atout_core::{crypto::KeyAlgorithm, did::Relationship};
use serde_json::{Map, Value};

impl Verifier {
    // ----- vc+jwt ------------------------------------------------------

    pub(super) async fn check_jwt(
        &self,
        credential: &Map<String, Value>,
        jwt: &Jwt,
        issuer: &str,
    ) -> (String, Vec<Check>) {
        let format = format!("vc+jwt/{}", jwt.alg);
        let algorithm = match jwt.alg.as_str() {
            "EdDSA" | "Ed25519" => KeyAlgorithm::Ed25519,
            "ES256" => KeyAlgorithm::P256,
            other => {
                return (
                    format,
                    vec![Check::failed(
                        CheckKind::Proof,
                        "alg-not-allowed",
                        format!(
                            "The JWT algorithm {:?} is not accepted (EdDSA and ES256 are).",
                            short(other)
                        ),
                    )],
                )
            }
        };
        let vm = if jwt.kid.starts_with('#') {
            format!("{issuer}{}", jwt.kid)
        } else {
            jwt.kid.clone()
        };
        let rules = ProofRules {
            purpose: Relationship::AssertionMethod,
            controller: Some(issuer),
        };
        let key = self.resolve_key(&vm, rules, algorithm).await;
        let mut out = vec![key.check.clone()];
        let Some(key) = key.key.clone() else {
            out.push(
                key.proof_without_key("The JWT was not signed with an accepted key of the issuer."),
            );
            return (format, out);
        };
        if let Some(iss) = credential.get("iss") {
            if iss.as_str() != Some(issuer) {
                out.push(Check::failed(
                    CheckKind::Proof,
                    "iss-mismatch",
                    "The JWT's iss claim is not the credential's issuer.",
                ));
                return (format, out);
            }
        }
        out.push(match key.verify(jwt.signing_input.as_bytes(), &jwt.signature) {
            Ok(()) => Check::ok(
                CheckKind::Proof,
                "signature-valid",
                format!("The {} JWT signature matches the content.", jwt.alg),
            ),
            Err(_) => Check::failed(
                CheckKind::Proof,
                "signature-mismatch",
                "The signature does not match the content: it was altered, or signed by another key.",
            ),
        });
        (format, out)
    }
}
