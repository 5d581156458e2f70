//! SD-JWT VC: the issuer's signature (as `vc+jwt`), the disclosures, the
//! Key Binding JWT; the other checks read a credential rebuilt from the
//! disclosed claims.

use super::{
    malformed,
    parse::{check_depth, Jwt},
    Malformed, Verifier, VerifyOptions, SKEW,
};
use crate::report::{Check, CheckKind, CredentialReport, Outcome};
use chrono::DateTime;
use serde_json::{Map, Value};
use std::sync::Arc;

impl Verifier {
    // ----- SD-JWT VC ---------------------------------------------------

    /// Verifies an SD-JWT VC, with or without Key Binding JWT: the issuer's
    /// signature and key (from `kid`, controlled by `iss`, as for
    /// `vc+jwt`), every disclosure signed (its digest in an `_sd` the issuer
    /// signed, no digest twice), the Key Binding JWT (signed by the `cnf`
    /// key over what is presented; `nonce` is the challenge, `aud` the
    /// domain), then validity, status and trust as for the other formats.
    /// The report shows the disclosed claims only.
    pub(super) async fn verify_sd_jwt(
        self: &Arc<Self>,
        text: &str,
        options: &VerifyOptions,
        check_status: bool,
    ) -> Result<CredentialReport, Malformed> {
        use atout_vc::sd_jwt::{self, KbError, SdJwtError};
        let sd = sd_jwt::parse(text).map_err(|e| Malformed(e.to_string()))?;
        check_depth(&Value::Object(sd.jwt.payload.clone()))?;
        let payload = &sd.jwt.payload;
        let issuer = payload
            .get("iss")
            .and_then(Value::as_str)
            .ok_or_else(|| Malformed("the SD-JWT has no iss (a string)".into()))?
            .to_owned();
        if !payload.get("vct").is_some_and(Value::is_string) {
            return malformed("the SD-JWT VC has no vct (a string)");
        }
        for claim in ["iat", "nbf", "exp"] {
            if payload.get(claim).is_some_and(|v| !v.is_i64()) {
                return malformed(format!("the SD-JWT's {claim} is not a NumericDate"));
            }
        }
        let kid = sd
            .jwt
            .header
            .get("kid")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                Malformed("the SD-JWT header has no kid naming the issuer's key".into())
            })?;
        let jwt = Jwt {
            alg: sd.jwt.alg().to_owned(),
            kid: kid.to_owned(),
            signing_input: sd.jwt.signing_input.clone(),
            signature: sd.jwt.signature.clone(),
        };
        let format = format!("{}/{}", sd_jwt::TYP, jwt.alg);
        let (_, mut results) = self.check_jwt(payload, &jwt, &issuer).await;

        // Disclosures.
        let revealed = match sd_jwt::reveal(&sd) {
            Ok(claims) => Some(claims),
            Err(SdJwtError::Malformed(m)) | Err(SdJwtError::UnknownPath(m)) => {
                return Err(Malformed(m))
            }
            Err(e) => {
                let code = match e {
                    SdJwtError::UnsupportedSdAlg(_) => "sd-alg-not-supported",
                    SdJwtError::DuplicateDisclosure => "disclosure-repeated",
                    SdJwtError::DuplicateDigest => "digest-repeated",
                    SdJwtError::ClaimClash(_) => "disclosure-clash",
                    _ => "disclosure-not-signed",
                };
                let failed = Check::failed(CheckKind::Proof, code, format!("{e}."));
                match results
                    .iter_mut()
                    .find(|c| c.check == CheckKind::Proof && c.status == Outcome::Ok)
                {
                    Some(c) => *c = failed,
                    None => results.push(failed),
                }
                None
            }
        };

        // Key binding.
        let requested = options.challenge.is_some() || options.domain.is_some();
        results.push(match &sd.kb {
            None if requested => Check::failed(
                CheckKind::HolderProof,
                "key-binding-missing",
                "The SD-JWT carries no Key Binding JWT, but a challenge or domain was requested.",
            ),
            None => Check::ok(
                CheckKind::HolderProof,
                "key-binding-not-requested",
                "No challenge or domain was requested, and the SD-JWT carries no Key Binding JWT.",
            ),
            Some(kb) => match sd_jwt::check_key_binding(&sd, kb, self.clock.now(), SKEW) {
                Ok(()) => Check::ok(
                    CheckKind::HolderProof,
                    "key-binding-valid",
                    "The Key Binding JWT is signed by the holder's key (cnf) over what is presented.",
                ),
                Err(KbError::NoHolderKey(m)) => Check::failed(
                    CheckKind::HolderProof,
                    "holder-key-missing",
                    format!("The SD-JWT names no usable holder key: {m}."),
                ),
                Err(KbError::AlgMismatch) => Check::failed(
                    CheckKind::HolderProof,
                    "key-binding-alg-mismatch",
                    "The Key Binding JWT's algorithm is not the holder key's.",
                ),
                Err(KbError::SignatureMismatch) => Check::failed(
                    CheckKind::HolderProof,
                    "key-binding-signature-mismatch",
                    "The Key Binding JWT is not signed by the holder's key (cnf).",
                ),
                Err(KbError::SdHashMismatch) => Check::failed(
                    CheckKind::HolderProof,
                    "sd-hash-mismatch",
                    "The Key Binding JWT's sd_hash does not cover what is presented.",
                ),
                Err(KbError::BadIat) => Check::failed(
                    CheckKind::HolderProof,
                    "key-binding-iat-invalid",
                    "The Key Binding JWT has no iat, or one in the future.",
                ),
            },
        });
        if requested || sd.kb.is_some() {
            for (kind, claim, wanted, missing, mismatch) in [
                (
                    CheckKind::Challenge,
                    "nonce",
                    options.challenge.as_deref(),
                    "challenge-missing",
                    "challenge-mismatch",
                ),
                (
                    CheckKind::Domain,
                    "aud",
                    options.domain.as_deref(),
                    "domain-missing",
                    "domain-mismatch",
                ),
            ] {
                let Some(wanted) = wanted else {
                    results.push(Check::ok(
                        kind,
                        "not-requested",
                        format!("No {claim} was requested, so none was checked."),
                    ));
                    continue;
                };
                let found = sd.kb.as_ref().and_then(|kb| kb.payload.get(claim));
                results.push(match found {
                    None => Check::failed(
                        kind,
                        missing,
                        format!("The Key Binding JWT carries no {claim}, but one was requested."),
                    ),
                    Some(Value::String(s)) if s == wanted => Check::ok(
                        kind,
                        "matches",
                        format!("The Key Binding JWT carries the requested {claim}."),
                    ),
                    Some(_) => Check::failed(
                        kind,
                        mismatch,
                        format!("The Key Binding JWT's {claim} is not the one requested."),
                    ),
                });
            }
        }

        // The credential the other checks read: issuer, type (vct), dates,
        // subject (the disclosed claims), status entries.
        let claims = revealed.unwrap_or_else(|| {
            let mut plain = payload.clone();
            plain.remove("_sd");
            plain.remove("_sd_alg");
            plain
        });
        let mut credential = Map::new();
        credential.insert("issuer".into(), Value::String(issuer));
        credential.insert("type".into(), Value::Array(vec![payload["vct"].clone()]));
        for (claim, date) in [("nbf", "validFrom"), ("exp", "validUntil")] {
            if let Some(t) = payload.get(claim).and_then(Value::as_i64) {
                credential.insert(claim.into(), t.into());
                if let Some(t) = DateTime::from_timestamp(t, 0) {
                    credential.insert(
                        date.into(),
                        t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true).into(),
                    );
                }
            }
        }
        let mut subject = claims.clone();
        for registered in ["iss", "vct", "iat", "nbf", "exp", "cnf", "status", "sub"] {
            subject.remove(registered);
        }
        if let Some(sub) = claims.get("sub") {
            subject.insert("id".into(), sub.clone());
        }
        credential.insert("credentialSubject".into(), Value::Object(subject));
        if let Some(Value::Object(status)) = payload.get("status") {
            if let Some(entries) = status.get(sd_jwt::STATUS_MECHANISM) {
                credential.insert("credentialStatus".into(), entries.clone());
            }
            if status.keys().any(|k| k != sd_jwt::STATUS_MECHANISM) {
                results.push(Check::could_not(
                    CheckKind::Revocation,
                    "status-mechanism-unsupported",
                    "The SD-JWT declares a status mechanism this verifier does not read.",
                ));
            }
        }
        Ok(self
            .finish(
                &credential,
                format,
                results,
                options,
                check_status,
                Some(Value::Object(claims)),
            )
            .await)
    }
}
