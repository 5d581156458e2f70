//! Data Integrity proofs: the cryptosuites, the proof configuration, the
//! canonical hash and the signature; a presentation's challenge and domain.

use super::{
    dates::parse_date, keys::ProofRules, worst, Verifier, VerifyOptions, BUSY,
    CANONICALISATION_DEADLINE, MAX_PROOFS, SKEW,
};
use crate::{
    report::{Check, CheckKind},
    sources::short,
};
use atout_core::{crypto::KeyAlgorithm, did::Relationship};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

impl Verifier {
    pub(super) fn check_challenge_domain(
        &self,
        vp: &Map<String, Value>,
        options: &VerifyOptions,
    ) -> Vec<Check> {
        let proofs = proofs_of(vp);
        let mut out = Vec::new();
        for (kind, key, wanted) in [
            (
                CheckKind::Challenge,
                "challenge",
                options.challenge.as_deref(),
            ),
            (CheckKind::Domain, "domain", options.domain.as_deref()),
        ] {
            let Some(wanted) = wanted else {
                out.push(Check::ok(
                    kind,
                    "not-requested",
                    format!("No {key} was requested, so none was checked."),
                ));
                continue;
            };
            let mut found: Vec<&Value> = proofs.iter().filter_map(|p| p.get(key)).collect();
            let matches = |v: &&Value| match v {
                Value::String(s) => s == wanted,
                // A domain may be a list of origins.
                Value::Array(a) if key == "domain" => a.iter().any(|d| d.as_str() == Some(wanted)),
                _ => false,
            };
            out.push(if found.is_empty() {
                Check::failed(
                    kind,
                    if key == "challenge" {
                        "challenge-missing"
                    } else {
                        "domain-missing"
                    },
                    format!("The presentation's proof carries no {key}, but one was requested."),
                )
            } else if found.iter().all(matches) {
                Check::ok(
                    kind,
                    "matches",
                    format!("The proof carries the requested {key}."),
                )
            } else {
                found.clear();
                Check::failed(
                    kind,
                    if key == "challenge" {
                        "challenge-mismatch"
                    } else {
                        "domain-mismatch"
                    },
                    format!("The proof's {key} is not the one requested."),
                )
            });
        }
        out
    }

    // ----- Data Integrity ----------------------------------------------

    pub(super) async fn check_di(
        &self,
        doc: &Map<String, Value>,
        rules: ProofRules<'_>,
    ) -> (String, Vec<Check>) {
        let proofs = proofs_of(doc);
        let mut format = String::from("data-integrity");
        if proofs.is_empty() {
            return (
                format,
                vec![Check::failed(
                    CheckKind::Proof,
                    "no-proof",
                    "The document carries no proof.",
                )],
            );
        }
        let mut unsecured = doc.clone();
        unsecured.remove("proof");
        let unsecured = std::sync::Arc::new(Value::Object(unsecured));
        let mut doc_hash: Option<Result<[u8; 32], Check>> = None;
        let mut key_checks = Vec::new();
        let mut proof_checks = Vec::new();
        for proof in proofs {
            let suite = match suite_of(proof) {
                Ok(s) => s,
                Err(check) => {
                    proof_checks.push(check);
                    continue;
                }
            };
            if format == "data-integrity" {
                format = format!("data-integrity/{}", suite.name());
            }
            if let Some(check) = check_proof_fields(proof, rules, self.clock.now()) {
                proof_checks.push(check);
                continue;
            }
            let vm = proof
                .get("verificationMethod")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let key = self.resolve_key(vm, rules, suite.algorithm()).await;
            key_checks.push(key.check.clone());
            let Some(key) = key.key.clone() else {
                proof_checks.push(key.proof_without_key(
                    "The proof was not made with an accepted key of the signer.",
                ));
                continue;
            };
            let Some(signature) = proof
                .get("proofValue")
                .and_then(Value::as_str)
                .and_then(decode_multibase_b58)
            else {
                proof_checks.push(Check::failed(
                    CheckKind::Proof,
                    "malformed-proof-value",
                    "The proof value is not a base58btc multibase signature.",
                ));
                continue;
            };
            // The proof configuration: the proof without its value, under
            // the document's contexts.
            let mut config = proof.clone();
            config.remove("proofValue");
            match suite {
                Suite::Ed25519Signature2020 => {
                    if !config.contains_key("@context") {
                        if let Some(ctx) = doc.get("@context") {
                            config.insert("@context".into(), ctx.clone());
                        }
                    }
                }
                _ => {
                    if let Some(ctx) = doc.get("@context") {
                        config.insert("@context".into(), ctx.clone());
                    }
                }
            }
            // Both hashes in one job: one handoff to the CPU pool per proof.
            let want_doc = doc_hash.is_none().then(|| unsecured.clone());
            let (config_hash, fresh_doc_hash) =
                match self.hash(Value::Object(config), want_doc).await {
                    Ok(pair) => pair,
                    Err(check) => {
                        proof_checks.push(check);
                        continue;
                    }
                };
            if let Some(fresh) = fresh_doc_hash {
                doc_hash = Some(fresh);
            }
            let config_hash = match config_hash {
                Ok(h) => h,
                Err(check) => {
                    proof_checks.push(check);
                    continue;
                }
            };
            let doc_hash = match doc_hash.as_ref() {
                Some(Ok(h)) => *h,
                Some(Err(check)) => {
                    proof_checks.push(check.clone());
                    continue;
                }
                // Not reached: the job hashes the document whenever it
                // was not hashed yet and the configuration hashed.
                None => {
                    proof_checks.push(Check::could_not(
                        CheckKind::Proof,
                        "internal-error",
                        "The signature could not be checked because of an internal error.",
                    ));
                    continue;
                }
            };
            let mut data = Vec::with_capacity(64);
            data.extend_from_slice(&config_hash);
            data.extend_from_slice(&doc_hash);
            proof_checks.push(match key.verify(&data, &signature) {
                Ok(()) => Check::ok(
                    CheckKind::Proof,
                    "signature-valid",
                    format!("The {} signature matches the content.", suite.name()),
                ),
                Err(_) => Check::failed(
                    CheckKind::Proof,
                    "signature-mismatch",
                    "The signature does not match the content: it was altered, or signed by another key.",
                ),
            });
        }
        let mut out = Vec::new();
        if let Some(worst) = worst(key_checks) {
            out.push(worst);
        } else {
            out.push(Check::could_not(
                CheckKind::IssuerKey,
                "key-not-checked",
                "The signing key was not checked, because the proof was refused first.",
            ));
        }
        out.extend(worst(proof_checks));
        (format, out)
    }
}

// ----- parsing ---------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Suite {
    EddsaRdfc2022,
    EcdsaRdfc2019,
    Ed25519Signature2020,
}

impl Suite {
    fn name(self) -> &'static str {
        match self {
            Suite::EddsaRdfc2022 => "eddsa-rdfc-2022",
            Suite::EcdsaRdfc2019 => "ecdsa-rdfc-2019",
            Suite::Ed25519Signature2020 => "Ed25519Signature2020",
        }
    }
    fn algorithm(self) -> KeyAlgorithm {
        match self {
            Suite::EcdsaRdfc2019 => KeyAlgorithm::P256,
            _ => KeyAlgorithm::Ed25519,
        }
    }
}

fn suite_of(proof: &Map<String, Value>) -> Result<Suite, Check> {
    let t = proof.get("type").and_then(Value::as_str).unwrap_or("");
    match t {
        "DataIntegrityProof" => match proof.get("cryptosuite").and_then(Value::as_str) {
            Some("eddsa-rdfc-2022") => Ok(Suite::EddsaRdfc2022),
            Some("ecdsa-rdfc-2019") => Ok(Suite::EcdsaRdfc2019),
            Some(other) => Err(Check::could_not(
                CheckKind::Proof,
                "unsupported-cryptosuite",
                format!(
                    "The cryptosuite {:?} is not supported (eddsa-rdfc-2022 and ecdsa-rdfc-2019 are).",
                    short(other)
                ),
            )),
            None => Err(Check::failed(
                CheckKind::Proof,
                "missing-cryptosuite",
                "The Data Integrity proof names no cryptosuite.",
            )),
        },
        "Ed25519Signature2020" => Ok(Suite::Ed25519Signature2020),
        other => Err(Check::could_not(
            CheckKind::Proof,
            "unsupported-proof-type",
            format!("The proof type {:?} is not supported.", short(other)),
        )),
    }
}

/// Purpose, dates, challenge/domain shape.
fn check_proof_fields(
    proof: &Map<String, Value>,
    rules: ProofRules<'_>,
    now: DateTime<Utc>,
) -> Option<Check> {
    let wanted = match rules.purpose {
        Relationship::AssertionMethod => "assertionMethod",
        Relationship::Authentication => "authentication",
    };
    let purpose = proof
        .get("proofPurpose")
        .and_then(Value::as_str)
        .unwrap_or("");
    if purpose != wanted {
        return Some(Check::failed(
            CheckKind::Proof,
            "wrong-proof-purpose",
            format!(
                "The proof's purpose is {:?}; {wanted} is required here.",
                short(purpose)
            ),
        ));
    }
    if let Some(created) = proof
        .get("created")
        .and_then(Value::as_str)
        .and_then(parse_date)
    {
        if created > now + SKEW {
            return Some(Check::failed(
                CheckKind::Proof,
                "proof-created-in-future",
                "The proof claims to have been created in the future.",
            ));
        }
    }
    if let Some(expires) = proof
        .get("expires")
        .and_then(Value::as_str)
        .and_then(parse_date)
    {
        if now >= expires {
            return Some(Check::failed(
                CheckKind::Proof,
                "proof-expired",
                "The proof has expired.",
            ));
        }
    }
    None
}

fn proofs_of(doc: &Map<String, Value>) -> Vec<&Map<String, Value>> {
    match doc.get("proof") {
        Some(Value::Object(p)) => vec![p],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_object)
            .take(MAX_PROOFS)
            .collect(),
        _ => vec![],
    }
}

fn decode_multibase_b58(text: &str) -> Option<Vec<u8>> {
    let data = text.strip_prefix('z')?;
    if data.len() > 200 {
        return None;
    }
    let bytes = bs58::decode(data).into_vec().ok()?;
    (bytes.len() == 64).then_some(bytes)
}

// ----- the canonical hash ---------------------------------------------
//
// The one place the content is canonicalised: everything above hashes
// through `Verifier::hash`.

impl Verifier {
    /// SHA-256 of the canonical N-Quads of a proof configuration and, when
    /// given, of the document it covers, by Atout's one engine (the
    /// signer's). The document is not hashed when the configuration fails.
    ///
    /// Two tiers, so that no input can hold an async worker:
    /// 1. **Inline, under a small budget** ([`inline_limits`]: a fraction of
    ///    a millisecond, a few thousand nodes, little RDFC-1.0 N-degree
    ///    work). A credential or presentation of ordinary size (a diploma
    ///    takes about 15 µs) is done here, like the JSON parsing and the
    ///    signature check beside it, without the cost of handing it to
    ///    another thread and waking up again (which was more than half of
    ///    a verification).
    /// 2. **On the CPU pool** when the small budget runs out: never on the
    ///    async workers, never more jobs than cores, the engine's full
    ///    limits and one deadline for the job, stopped if the request is
    ///    dropped. A poison graph ends here, and ends on its limits.
    #[allow(clippy::type_complexity)]
    async fn hash(
        &self,
        config: Value,
        doc: Option<std::sync::Arc<Value>>,
    ) -> Result<(Result<[u8; 32], Check>, Option<Result<[u8; 32], Check>>), Check> {
        let config_hash = match self.hash_inline(&config) {
            Some(Err(e)) => return Ok((Err(canon_check(e)), None)),
            Some(Ok(h)) => h,
            None => {
                let mut hashes = self.hash_on_pool(Some(config), doc).await?.into_iter();
                let config = hashes.next().unwrap_or_else(|| Err(internal()));
                return Ok((config, hashes.next()));
            }
        };
        let Some(doc) = doc else {
            return Ok((Ok(config_hash), None));
        };
        let doc_hash = match self.hash_inline(&doc) {
            Some(result) => result.map_err(canon_check),
            None => self
                .hash_on_pool(None, Some(doc))
                .await?
                .into_iter()
                .next()
                .unwrap_or_else(|| Err(internal())),
        };
        Ok((Ok(config_hash), Some(doc_hash)))
    }

    /// The inline tier: `None` when the small budget ran out (the pool
    /// takes over), the answer otherwise.
    fn hash_inline(&self, doc: &Value) -> Option<Result<[u8; 32], atout_canon::Error>> {
        match self
            .canon
            .canonical_hash_with(doc, inline_limits(self.canon.limits()))
        {
            Err(atout_canon::Error::TooComplex(_)) => None,
            other => Some(other),
        }
    }

    /// The pool tier: hashes `config` then `doc` (each given one) in one
    /// job, stopping at the first failure.
    async fn hash_on_pool(
        &self,
        config: Option<Value>,
        doc: Option<std::sync::Arc<Value>>,
    ) -> Result<Vec<Result<[u8; 32], Check>>, Check> {
        let canon = self.canon.clone();
        let job = self.cpu.run(move |cancel| {
            let limits = atout_canon::Limits {
                deadline: Some(std::time::Instant::now() + CANONICALISATION_DEADLINE),
                cancel: Some(cancel.flag()),
                ..canon.limits().clone()
            };
            let mut out = Vec::with_capacity(2);
            if let Some(config) = config {
                out.push(canon.canonical_hash_with(&config, limits.clone()));
            }
            if let (true, Some(doc)) = (out.iter().all(Result::is_ok), doc) {
                out.push(canon.canonical_hash_with(&doc, limits));
            }
            out
        });
        match job.await {
            Ok(hashes) => Ok(hashes.into_iter().map(|h| h.map_err(canon_check)).collect()),
            Err(atout_core::cpu::PoolError::Busy) => Err(Check::could_not(
                CheckKind::Proof,
                BUSY,
                "The verifier is busy: try again in a moment.",
            )),
            Err(atout_core::cpu::PoolError::Panicked) => Err(internal()),
        }
    }
}

/// The inline tier's budget: what an ordinary credential needs several
/// times over, and at most about half a millisecond of one core.
fn inline_limits(full: &atout_canon::Limits) -> atout_canon::Limits {
    atout_canon::Limits {
        max_nodes: full.max_nodes.min(2_000),
        max_quads: full.max_quads.min(2_000),
        max_blank_nodes: full.max_blank_nodes.min(256),
        max_work: full.max_work.min(256),
        max_term_definitions: full.max_term_definitions.min(2_000),
        deadline: Some(std::time::Instant::now() + INLINE_DEADLINE),
        cancel: None,
        ..full.clone()
    }
}

/// How long the inline tier may work before the pool takes over.
const INLINE_DEADLINE: std::time::Duration = std::time::Duration::from_micros(500);

fn internal() -> Check {
    Check::could_not(
        CheckKind::Proof,
        "internal-error",
        "The signature could not be checked because of an internal error.",
    )
}

/// What a canonicalisation error tells the person checking.
fn canon_check(e: atout_canon::Error) -> Check {
    match e {
        atout_canon::Error::TooComplex(limit) => Check::could_not(
            CheckKind::Proof,
            "too-complex",
            format!(
                "The content is too complex for this verifier to check (limit: {}). This says nothing of whether it is authentic.",
                limit.name()
            ),
        ),
        e => Check::failed(
            CheckKind::Proof,
            "invalid-json-ld",
            format!(
                "The content is not valid JSON-LD under its contexts, so no signature can cover it: {}",
                short(&e.to_string())
            ),
        ),
    }
}
