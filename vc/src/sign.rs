//! Securing a credential in one of the three proof formats.

use crate::{
    contexts::CREDENTIALS_V2,
    data_integrity::{check_json_ld, sign_credential, Cryptosuite, LdEngine, SignError},
    jose::{sign_vc_jwt, JwtAlg},
    model::Invalid,
};
use atout_core::{crypto::KeyAlgorithm, orgs::SigningKey};
use serde_json::{json, Map, Value};

/// The one proof `type` Atout issues (VC-API `options.type`).
pub const DATA_INTEGRITY_PROOF: &str = "DataIntegrityProof";

/// The proof format requested in VC-API `options`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProofFormat {
    DataIntegrity(Cryptosuite),
    VcJwt(JwtAlg),
    /// SD-JWT VC (`dc+sd-jwt`): every subject claim selectively disclosable.
    SdJwt(JwtAlg),
}

impl ProofFormat {
    /// From `options.cryptosuite`, or `options.format: "vc+jwt"` with
    /// `options.alg`. The default is `eddsa-rdfc-2022`.
    pub fn parse(
        cryptosuite: Option<&str>,
        format: Option<&str>,
        alg: Option<&str>,
    ) -> Result<Self, Invalid> {
        Self::parse_with_type(None, cryptosuite, format, alg)
    }

    /// As [`Self::parse`], with the VC-API's `options.type` too: the only
    /// proof type is `DataIntegrityProof` (most VC-API clients send it
    /// beside `cryptosuite`). Legacy suites (`Ed25519Signature2020`,
    /// `BbsBlsSignature2020`...) are refused, and so is a proof type with
    /// an enveloping format (`vc+jwt`, `dc+sd-jwt` have no `proof`).
    pub fn parse_with_type(
        proof_type: Option<&str>,
        cryptosuite: Option<&str>,
        format: Option<&str>,
        alg: Option<&str>,
    ) -> Result<Self, Invalid> {
        let bad = |field: &str, message: String| Invalid {
            field: field.to_owned(),
            message,
        };
        match (proof_type, format) {
            (None, _) => {}
            (Some(DATA_INTEGRITY_PROOF), None | Some("ldp_vc") | Some("ldp")) => {}
            (Some(DATA_INTEGRITY_PROOF), Some(f @ ("vc+jwt" | "dc+sd-jwt"))) => {
                return Err(bad(
                    "options.type",
                    format!(
                        "a proof type is for Data Integrity proofs; format {f} is secured by \
                         an enveloping JWT, not a proof: leave options.type out"
                    ),
                ))
            }
            (Some(DATA_INTEGRITY_PROOF), Some(_)) => {}
            (Some(other), _) => {
                return Err(bad(
                    "options.type",
                    format!(
                        "{:?} is not supported: the only proof type is {DATA_INTEGRITY_PROOF} \
                         (with options.cryptosuite eddsa-rdfc-2022 or ecdsa-rdfc-2019); \
                         or use options.format vc+jwt or dc+sd-jwt without a type",
                        other.chars().take(100).collect::<String>()
                    ),
                ))
            }
        }
        match (format, cryptosuite) {
            (Some("vc+jwt"), None) => match alg.unwrap_or("EdDSA") {
                "EdDSA" => Ok(Self::VcJwt(JwtAlg::EdDSA)),
                "ES256" => Ok(Self::VcJwt(JwtAlg::ES256)),
                other => Err(bad(
                    "options.alg",
                    format!("{other:?} is not supported for vc+jwt: use EdDSA or ES256"),
                )),
            },
            (Some("vc+jwt"), Some(_)) => Err(bad(
                "options.cryptosuite",
                "a cryptosuite is for Data Integrity proofs, not vc+jwt".into(),
            )),
            (Some("dc+sd-jwt"), None) => match alg.unwrap_or("EdDSA") {
                "EdDSA" => Ok(Self::SdJwt(JwtAlg::EdDSA)),
                "ES256" => Ok(Self::SdJwt(JwtAlg::ES256)),
                other => Err(bad(
                    "options.alg",
                    format!("{other:?} is not supported for dc+sd-jwt: use EdDSA or ES256"),
                )),
            },
            (Some("dc+sd-jwt"), Some(_)) => Err(bad(
                "options.cryptosuite",
                "a cryptosuite is for Data Integrity proofs, not dc+sd-jwt".into(),
            )),
            (Some("ldp_vc") | Some("ldp") | None, suite) => {
                if alg.is_some() {
                    return Err(bad(
                        "options.alg",
                        "alg is only for format vc+jwt or dc+sd-jwt".into(),
                    ));
                }
                match suite.unwrap_or("eddsa-rdfc-2022") {
                    "eddsa-rdfc-2022" => Ok(Self::DataIntegrity(Cryptosuite::EddsaRdfc2022)),
                    "ecdsa-rdfc-2019" => Ok(Self::DataIntegrity(Cryptosuite::EcdsaRdfc2019)),
                    other => Err(bad(
                        "options.cryptosuite",
                        format!(
                            "{other:?} is not supported: use eddsa-rdfc-2022 or ecdsa-rdfc-2019"
                        ),
                    )),
                }
            }
            (Some(other), _) => Err(bad(
                "options.format",
                format!("{other:?} is not supported: use ldp_vc, vc+jwt or dc+sd-jwt"),
            )),
        }
    }

    /// The key it signs with.
    pub fn key_algorithm(self) -> KeyAlgorithm {
        match self {
            Self::DataIntegrity(Cryptosuite::EddsaRdfc2022) => KeyAlgorithm::Ed25519,
            Self::DataIntegrity(Cryptosuite::EcdsaRdfc2019) => KeyAlgorithm::P256,
            Self::VcJwt(alg) | Self::SdJwt(alg) => alg.key_algorithm(),
        }
    }

    /// How the stored body is encoded: `ldp_vc` (JSON), `vc+jwt` or
    /// `dc+sd-jwt` (text).
    pub fn storage_format(self) -> &'static str {
        match self {
            Self::DataIntegrity(_) => "ldp_vc",
            Self::VcJwt(_) => "vc+jwt",
            Self::SdJwt(_) => crate::sd_jwt::TYP,
        }
    }

    /// The media type of the VC-API response: JSON, or the SD-JWT itself.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::SdJwt(_) => "application/dc+sd-jwt",
            _ => "application/json",
        }
    }
}

/// A secured credential.
#[derive(Debug, Clone)]
pub struct SecuredCredential {
    /// What is stored, byte for byte: the JSON text of a Data Integrity
    /// credential, the compact JWS of a `vc+jwt`, or the SD-JWT.
    pub stored: String,
    /// What the VC-API returns: the same JSON text, or an
    /// `EnvelopedVerifiableCredential` wrapping the JWT.
    pub response: String,
    pub format: ProofFormat,
}

/// Secures `credential` (already checked by [`crate::model::prepare`]).
/// A Data Integrity proof is dated `created` (the application clock).
/// `issuer_did` is the credential's issuer; the proof names only the
/// verification method.
///
/// Canonicalisation and signing are CPU work (bounded by the engine's
/// limits): on a multi-threaded runtime they run with
/// `tokio::task::block_in_place`, so the worker hands its other tasks over
/// instead of stalling them.
pub async fn secure(
    engine: &LdEngine,
    credential: &Map<String, Value>,
    format: ProofFormat,
    key: &SigningKey,
    issuer_did: &str,
    created: chrono::DateTime<chrono::Utc>,
) -> Result<SecuredCredential, SignError> {
    let _ = issuer_did;
    off_the_workers(|| secure_now(engine, credential, format, key, created))
}

/// Runs CPU-bound `work` without holding an async worker, where the
/// runtime allows it (a current-thread runtime, as in some tests, runs it
/// in place).
fn off_the_workers<R>(work: impl FnOnce() -> R) -> R {
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(work),
        _ => work(),
    }
}

fn secure_now(
    engine: &LdEngine,
    credential: &Map<String, Value>,
    format: ProofFormat,
    key: &SigningKey,
    created: chrono::DateTime<chrono::Utc>,
) -> Result<SecuredCredential, SignError> {
    match format {
        ProofFormat::DataIntegrity(suite) => {
            let text = sign_credential(
                engine,
                credential,
                suite,
                &key.verification_method,
                &key.key,
                created,
            )?;
            Ok(SecuredCredential {
                response: text.clone(),
                stored: text,
                format,
            })
        }
        ProofFormat::VcJwt(alg) => {
            check_json_ld(engine, credential)?;
            let jwt = sign_vc_jwt(credential, alg, &key.verification_method, &key.key)?;
            let envelope = json!({
                "@context": [CREDENTIALS_V2],
                "id": format!("data:application/vc+jwt,{jwt}"),
                "type": "EnvelopedVerifiableCredential",
            });
            Ok(SecuredCredential {
                response: envelope.to_string(),
                stored: jwt,
                format,
            })
        }
        ProofFormat::SdJwt(alg) => {
            // The same checks as the other formats, though the SD-JWT VC
            // carries no JSON-LD.
            check_json_ld(engine, credential)?;
            let sd_jwt =
                crate::sd_jwt::issue(credential, alg, &key.verification_method, &key.key, created)?;
            Ok(SecuredCredential {
                response: sd_jwt.clone(),
                stored: sd_jwt,
                format,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_select_the_format() {
        use Cryptosuite::*;
        let cases = [
            (
                (None, None, None),
                Ok(ProofFormat::DataIntegrity(EddsaRdfc2022)),
            ),
            (
                (Some("ecdsa-rdfc-2019"), None, None),
                Ok(ProofFormat::DataIntegrity(EcdsaRdfc2019)),
            ),
            (
                (None, Some("vc+jwt"), None),
                Ok(ProofFormat::VcJwt(JwtAlg::EdDSA)),
            ),
            (
                (None, Some("vc+jwt"), Some("ES256")),
                Ok(ProofFormat::VcJwt(JwtAlg::ES256)),
            ),
            ((None, Some("vc+jwt"), Some("RS256")), Err("options.alg")),
            ((Some("bbs-2023"), None, None), Err("options.cryptosuite")),
            (
                (Some("eddsa-rdfc-2022"), Some("vc+jwt"), None),
                Err("options.cryptosuite"),
            ),
            ((None, Some("mso_mdoc"), None), Err("options.format")),
            (
                (None, Some("dc+sd-jwt"), None),
                Ok(ProofFormat::SdJwt(JwtAlg::EdDSA)),
            ),
            (
                (None, Some("dc+sd-jwt"), Some("ES256")),
                Ok(ProofFormat::SdJwt(JwtAlg::ES256)),
            ),
            ((None, Some("dc+sd-jwt"), Some("none")), Err("options.alg")),
            ((None, None, Some("EdDSA")), Err("options.alg")),
        ];
        for ((suite, format, alg), expected) in cases {
            let got = ProofFormat::parse(suite, format, alg).map_err(|e| e.field);
            assert_eq!(
                got,
                expected.map_err(str::to_owned),
                "{suite:?} {format:?} {alg:?}"
            );
        }
    }

    #[test]
    fn options_type_names_data_integrity_only() {
        use Cryptosuite::*;
        let di = Some(DATA_INTEGRITY_PROOF);
        let cases = [
            (
                (di, Some("eddsa-rdfc-2022"), None),
                Ok(ProofFormat::DataIntegrity(EddsaRdfc2022)),
            ),
            (
                (di, Some("ecdsa-rdfc-2019"), None),
                Ok(ProofFormat::DataIntegrity(EcdsaRdfc2019)),
            ),
            (
                (di, None, None),
                Ok(ProofFormat::DataIntegrity(EddsaRdfc2022)),
            ),
            (
                (di, Some("eddsa-rdfc-2022"), Some("ldp_vc")),
                Ok(ProofFormat::DataIntegrity(EddsaRdfc2022)),
            ),
            ((di, Some("bbs-2023"), None), Err("options.cryptosuite")),
            (
                (di, Some("eddsa-jcs-2022"), None),
                Err("options.cryptosuite"),
            ),
            ((di, None, Some("vc+jwt")), Err("options.type")),
            ((di, None, Some("dc+sd-jwt")), Err("options.type")),
            ((di, None, Some("mso_mdoc")), Err("options.format")),
            (
                (Some("Ed25519Signature2020"), None, None),
                Err("options.type"),
            ),
            (
                (Some("BbsBlsSignature2020"), Some("eddsa-rdfc-2022"), None),
                Err("options.type"),
            ),
            ((Some(""), None, None), Err("options.type")),
        ];
        for ((proof_type, suite, format), expected) in cases {
            let got = ProofFormat::parse_with_type(proof_type, suite, format, None);
            assert_eq!(
                got.clone().map_err(|e| e.field),
                expected.map_err(str::to_owned),
                "{proof_type:?} {suite:?} {format:?}"
            );
            if let Err(e) = got {
                // The message names what is supported.
                match e.field.as_str() {
                    "options.type" if format.is_none() => {
                        assert!(e.message.contains("DataIntegrityProof"), "{e}")
                    }
                    "options.type" => assert!(e.message.contains("leave options.type out"), "{e}"),
                    "options.cryptosuite" => assert!(
                        e.message.contains("eddsa-rdfc-2022")
                            && e.message.contains("ecdsa-rdfc-2019"),
                        "{e}"
                    ),
                    _ => {}
                }
            }
        }
    }
}
