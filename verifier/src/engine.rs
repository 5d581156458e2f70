//! The verification engine: formats, proofs, keys, dates, status, trust.
//!
//! ssi's own `verify` is not used: it does not bind the issuer to the
//! signing key's controller, does not check the proof purpose against the
//! DID document, does not verify credentials inside a presentation and
//! ignores status. Here every one of those is an explicit step:
//!
//! 1. the input is parsed and checked against the data model (malformed
//!    input is an error, HTTP 400, not a verification result);
//! 2. each proof names its cryptosuite; the key is taken from the DID
//!    document *under the proof's purpose*, must belong to the issuer (or
//!    the holder), and must match the suite's algorithm;
//! 3. the content is canonicalised (RDFC-1.0) and hashed, and the signature
//!    checked with ring;
//! 4. the validity period, the status entries (each list credential is
//!    itself verified and must come from the same issuer), the issuer's
//!    accreditation and any declared schema are checked.
//!
//! Anything that cannot be established is `could-not-check`, never `ok`.

use crate::{
    report::{
        decide, errors_and_warnings, Check, CheckKind, CredentialReport, IssuerView, Outcome,
        PresentationReport, Summary,
    },
    sources::{short, LocalLists, StatusLists, Trust, TrustRegistry},
};
use atout_core::{
    clock::Clock,
    crypto::{KeyAlgorithm, PublicKey},
    did::{DidDocument, DidResolver, Relationship, ResolveError, VerificationMethod},
};
use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

pub const CREDENTIALS_V2: &str = atout_vc::contexts::CREDENTIALS_V2;
pub const CREDENTIALS_V1: &str = atout_vc::contexts::CREDENTIALS_V1;

/// Clock skew tolerated on proof creation dates.
const SKEW: Duration = Duration::minutes(5);
/// Deepest JSON nesting accepted.
pub const MAX_DEPTH: usize = 64;
/// Most proofs on one document, credentials in one presentation, status
/// entries on one credential.
const MAX_PROOFS: usize = 4;
const MAX_CREDENTIALS: usize = 32;
const MAX_STATUS_ENTRIES: usize = 8;
/// Largest decompressed status list (a 16 MiB bitstring holds 134 million
/// entries).
const MAX_LIST_BITS_BYTES: usize = 16 * 1024 * 1024;

/// Input that is not a credential or presentation at all (HTTP 400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Malformed(pub String);

fn malformed<T>(text: impl Into<String>) -> Result<T, Malformed> {
    Err(Malformed(text.into()))
}

/// Verification options (VC-API `options`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct VerifyOptions {
    /// The challenge the presentation's proof must carry.
    #[serde(default)]
    pub challenge: Option<String>,
    /// The domain the presentation's proof must carry.
    #[serde(default)]
    pub domain: Option<String>,
    /// Fail when the issuer is not an accredited issuer of the registry.
    #[serde(default)]
    pub require_trusted_issuer: bool,
    /// VC-API: the checks the caller asks for. Atout always runs them all.
    #[serde(default)]
    pub checks: Option<Vec<String>>,
}

type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// A compiled schema and when it was fetched.
type CachedSchema = (DateTime<Utc>, Arc<jsonschema::Validator>);

/// A verified, decoded status list.
struct CachedList {
    issuer: String,
    purpose: String,
    bits: Arc<Vec<u8>>,
    fetched_at: DateTime<Utc>,
    expires: DateTime<Utc>,
    valid_until: Option<DateTime<Utc>>,
}

/// How long a verification waits for a core before the verifier answers
/// that it is busy (503 with `Retry-After`).
pub const CPU_WAIT: std::time::Duration = std::time::Duration::from_secs(2);
/// Canonicalisation of one document gives up after this long (a limit of
/// its own reached first, in practice: poison graphs stop on their work).
const CANONICALISATION_DEADLINE: std::time::Duration = std::time::Duration::from_secs(2);
/// The code of the check that says the verifier had no core free in time;
/// the API answers 503 with `Retry-After` when a report carries it.
pub const BUSY: &str = "busy";

/// The verification engine. Cheap to share (`Arc`); holds no database
/// handle of its own: everything comes through the resolver and sources.
pub struct Verifier {
    pub(crate) vc: Arc<atout_vc::Vc>,
    /// The one canonicalisation engine (the signer's).
    canon: Arc<atout_canon::Canonicalizer>,
    /// Where canonicalisation runs: off the async workers, one job per core.
    cpu: atout_core::cpu::CpuPool,
    resolver: Arc<dyn DidResolver>,
    lists: Arc<dyn StatusLists>,
    local_lists: Option<Arc<dyn LocalLists>>,
    registry: Arc<dyn TrustRegistry>,
    pub(crate) clock: Arc<dyn Clock>,
    list_cache: Mutex<HashMap<String, Arc<CachedList>>>,
    did_key_cache: Mutex<HashMap<String, Arc<DidDocument>>>,
    schema_cache: Mutex<HashMap<String, CachedSchema>>,
    key_cache: Mutex<HashMap<String, PublicKey>>,
    list_ttl: Duration,
    /// Set when running from an offline snapshot: when it was taken.
    pub snapshot_taken_at: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Verifier")
    }
}

/// What the engine is built from.
pub struct VerifierParts {
    pub vc: Arc<atout_vc::Vc>,
    pub canon: Option<Arc<atout_canon::Canonicalizer>>,
    pub resolver: Arc<dyn DidResolver>,
    pub lists: Arc<dyn StatusLists>,
    pub local_lists: Option<Arc<dyn LocalLists>>,
    pub registry: Arc<dyn TrustRegistry>,
    pub clock: Arc<dyn Clock>,
    pub list_ttl: std::time::Duration,
    pub snapshot_taken_at: Option<DateTime<Utc>>,
}

/// The parsed securing mechanism of a credential.
enum Secured {
    DataIntegrity,
    Jwt(Jwt),
}

struct Jwt {
    alg: String,
    kid: String,
    signing_input: String,
    signature: Vec<u8>,
}

/// A resolved signing key and the check that vouches for it.
struct KeyResult {
    key: Option<PublicKey>,
    check: Check,
}

/// Which proofs to accept on a document.
#[derive(Clone, Copy)]
struct ProofRules<'a> {
    purpose: Relationship,
    /// The DID that must control the key (issuer or holder); `None` for a
    /// presentation without holder.
    controller: Option<&'a str>,
}

impl Verifier {
    pub fn new(parts: VerifierParts) -> Self {
        let canon = parts
            .canon
            .unwrap_or_else(|| parts.vc.engine.canon().clone());
        Self {
            vc: parts.vc,
            canon,
            cpu: atout_core::cpu::CpuPool::per_core(CPU_WAIT),
            resolver: parts.resolver,
            lists: parts.lists,
            local_lists: parts.local_lists,
            registry: parts.registry,
            clock: parts.clock,
            list_cache: Mutex::new(HashMap::new()),
            did_key_cache: Mutex::new(HashMap::new()),
            schema_cache: Mutex::new(HashMap::new()),
            key_cache: Mutex::new(HashMap::new()),
            list_ttl: Duration::from_std(parts.list_ttl).unwrap_or(Duration::minutes(5)),
            snapshot_taken_at: parts.snapshot_taken_at,
        }
    }

    // ----- credentials -------------------------------------------------

    /// Verifies a credential: a JSON object with a Data Integrity proof, a
    /// compact `vc+jwt` string, or an `EnvelopedVerifiableCredential`.
    pub async fn verify_credential(
        self: &Arc<Self>,
        input: &Value,
        options: &VerifyOptions,
    ) -> Result<CredentialReport, Malformed> {
        check_depth(input)?;
        if let Some(text) = sd_jwt_text(input) {
            return self.verify_sd_jwt(text, options, true).await;
        }
        let (credential, secured) = parse_credential(input)?;
        Ok(self
            .verify_parsed(&credential, secured, options, true)
            .await)
    }

    /// Like [`Self::verify_credential`], without the status checks.
    pub async fn verify_without_status(
        self: &Arc<Self>,
        input: &Value,
        options: &VerifyOptions,
    ) -> Result<CredentialReport, Malformed> {
        check_depth(input)?;
        if let Some(text) = sd_jwt_text(input) {
            return self.verify_sd_jwt(text, options, false).await;
        }
        let (credential, secured) = parse_credential(input)?;
        Ok(self
            .verify_parsed(&credential, secured, options, false)
            .await)
    }

    async fn verify_parsed(
        self: &Arc<Self>,
        credential: &Map<String, Value>,
        secured: Secured,
        options: &VerifyOptions,
        check_status: bool,
    ) -> CredentialReport {
        let issuer = issuer_id(credential).unwrap_or_default();
        let rules = ProofRules {
            purpose: Relationship::AssertionMethod,
            controller: Some(&issuer),
        };
        let (format, results) = match (&secured, self.unknown_context(credential)) {
            (Secured::DataIntegrity, None) => self.check_di(credential, rules).await,
            (Secured::Jwt(jwt), None) => self.check_jwt(credential, jwt, &issuer).await,
            (secured, Some(check)) => (
                match secured {
                    Secured::DataIntegrity => "data-integrity".to_owned(),
                    Secured::Jwt(jwt) => format!("vc+jwt/{}", jwt.alg),
                },
                vec![
                    Check::could_not(
                        CheckKind::IssuerKey,
                        "not-checked",
                        "The signing key was not checked: the content cannot be interpreted.",
                    ),
                    check,
                ],
            ),
        };
        self.finish(credential, format, results, options, check_status, None)
            .await
    }

    /// The checks every format shares, after the proof's: validity, status,
    /// trust, schema; and the report.
    async fn finish(
        self: &Arc<Self>,
        credential: &Map<String, Value>,
        format: String,
        mut results: Vec<Check>,
        options: &VerifyOptions,
        check_status: bool,
        disclosed: Option<Value>,
    ) -> CredentialReport {
        let issuer = issuer_id(credential).unwrap_or_default();
        results.push(self.check_validity(credential));
        let proof_ok = results.iter().all(|c| {
            !matches!(c.check, CheckKind::Proof | CheckKind::IssuerKey) || c.status == Outcome::Ok
        });
        let mut status_fetched_at = None;
        if check_status {
            let (checks, fetched) = self.check_status(credential, &issuer, proof_ok).await;
            results.extend(checks);
            status_fetched_at = fetched;
        }
        let (trust_check, issuer_view) = self.check_trust(&issuer).await;
        results.push(trust_check);
        if let Some(check) = self.check_schema(credential).await {
            results.push(check);
        }
        let verified = decide(&results, options.require_trusted_issuer);
        let (errors, mut warnings) = errors_and_warnings(&results, options.require_trusted_issuer);
        if let Some(at) = status_fetched_at {
            let age = self.clock.now() - at;
            if age > self.list_ttl {
                warnings.push(format!(
                    "status: the status data dates from {} ({} minutes old)",
                    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    age.num_minutes()
                ));
            }
        }
        CredentialReport {
            verified,
            format,
            checks: results.iter().map(|c| c.check.as_str()).collect(),
            results,
            errors,
            warnings,
            issuer: issuer_view,
            credential: summary(credential),
            status_fetched_at: status_fetched_at
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            disclosed,
        }
    }

    // ----- presentations -----------------------------------------------

    /// Verifies a presentation: the holder's proof (purpose
    /// `authentication`, with the requested challenge and domain) and every
    /// credential inside.
    pub async fn verify_presentation(
        self: &Arc<Self>,
        input: &Value,
        options: &VerifyOptions,
    ) -> Result<PresentationReport, Malformed> {
        check_depth(input)?;
        let vp = input
            .as_object()
            .ok_or_else(|| Malformed("verifiablePresentation must be a JSON object".into()))?;
        check_contexts_shape(vp)?;
        if !has_type(vp, "VerifiablePresentation") {
            return malformed("the presentation's type must include \"VerifiablePresentation\"");
        }
        let holder = match vp.get("holder") {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Object(o)) => match o.get("id") {
                Some(Value::String(s)) => Some(s.clone()),
                _ => return malformed("holder must be a URL or an object with an id"),
            },
            Some(_) => return malformed("holder must be a URL or an object with an id"),
        };
        // Parse every credential first: a malformed one is a malformed
        // presentation.
        let items: Vec<&Value> = match vp.get("verifiableCredential") {
            None => vec![],
            Some(Value::Array(a)) => a.iter().collect(),
            Some(v) => vec![v],
        };
        if items.len() > MAX_CREDENTIALS {
            return malformed(format!(
                "a presentation may carry at most {MAX_CREDENTIALS} credentials"
            ));
        }
        let mut parsed = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            parsed.push(
                parse_credential(item)
                    .map_err(|e| Malformed(format!("verifiableCredential[{i}]: {}", e.0)))?,
            );
        }

        let mut results = Vec::new();
        let rules = ProofRules {
            purpose: Relationship::Authentication,
            controller: holder.as_deref(),
        };
        if vp.get("proof").is_none() {
            results.push(Check::failed(
                CheckKind::HolderProof,
                "presentation-unsigned",
                "The presentation carries no proof from its holder.",
            ));
        } else {
            // One holder-proof check: the key's problem if it has one,
            // else the signature's outcome.
            let (_, checks) = self.check_di(vp, rules).await;
            let key = checks.iter().find(|c| c.check == CheckKind::IssuerKey);
            let proof = checks.iter().find(|c| c.check == CheckKind::Proof);
            let chosen = match (key, proof) {
                (Some(k), _) if k.status == Outcome::Failed => k.clone(),
                (_, Some(p)) if p.status == Outcome::Failed => p.clone(),
                (Some(k), _) if k.status != Outcome::Ok => k.clone(),
                (_, Some(p)) => p.clone(),
                (Some(k), None) => k.clone(),
                (None, None) => Check::failed(
                    CheckKind::HolderProof,
                    "no-proof",
                    "The presentation carries no proof.",
                ),
            };
            results.push(Check {
                check: CheckKind::HolderProof,
                ..chosen
            });
        }
        results.extend(self.check_challenge_domain(vp, options));

        let mut credentials = Vec::with_capacity(parsed.len());
        for (credential, secured) in parsed {
            credentials.push(
                self.verify_parsed(&credential, secured, options, true)
                    .await,
            );
        }
        let bad = credentials.iter().filter(|c| !c.verified).count();
        results.push(if credentials.is_empty() {
            Check::ok(
                CheckKind::Credentials,
                "no-credentials",
                "The presentation carries no credential.",
            )
        } else if bad == 0 {
            Check::ok(
                CheckKind::Credentials,
                "credentials-verified",
                format!("All {} credentials inside verify.", credentials.len()),
            )
        } else {
            Check::failed(
                CheckKind::Credentials,
                "credential-not-verified",
                format!(
                    "{bad} of the {} credentials inside do not verify.",
                    credentials.len()
                ),
            )
        });
        let verified = decide(&results, false);
        let (errors, warnings) = errors_and_warnings(&results, false);
        Ok(PresentationReport {
            verified,
            checks: results.iter().map(|c| c.check.as_str()).collect(),
            results,
            errors,
            warnings,
            holder,
            credentials,
        })
    }

    /// A `@context` outside the bundled allow-list: never fetched, so the
    /// content cannot be interpreted, and the credential is not accepted.
    fn unknown_context(&self, doc: &Map<String, Value>) -> Option<Check> {
        let items: Vec<&Value> = match doc.get("@context")? {
            Value::Array(a) => a.iter().collect(),
            v => vec![v],
        };
        items.iter().find_map(|item| match item {
            Value::String(url) if !self.vc.contexts.is_allowed(url) => Some(Check::failed(
                CheckKind::Proof,
                "unknown-context",
                format!(
                    "The credential uses the JSON-LD context {}, which this verifier does not accept (contexts are never fetched).",
                    short(url)
                ),
            )),
            Value::String(_) | Value::Object(_) => None,
            _ => Some(Check::failed(
                CheckKind::Proof,
                "invalid-json-ld",
                "A @context entry is neither a URL nor a context object.",
            )),
        })
    }

    fn check_challenge_domain(
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

    async fn check_di(
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
        let unsecured = Value::Object(unsecured);
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
            let Some(key) = key.key else {
                proof_checks.push(match key.check.status {
                    Outcome::CouldNotCheck => Check::could_not(
                        CheckKind::Proof,
                        "key-unavailable",
                        "The signature could not be checked: the signing key could not be obtained.",
                    ),
                    _ => Check::failed(
                        CheckKind::Proof,
                        "key-not-accepted",
                        "The proof was not made with an accepted key of the signer.",
                    ),
                });
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
            let config_hash = match self.hash(&Value::Object(config)).await {
                Ok(h) => h,
                Err(check) => {
                    proof_checks.push(check);
                    continue;
                }
            };
            let doc_hash = match doc_hash.get_or_insert(self.hash(&unsecured).await) {
                Ok(h) => *h,
                Err(check) => {
                    proof_checks.push(check.clone());
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

    /// SHA-256 of the canonical N-Quads of `doc`, by Atout's one engine
    /// (the signer's), on the CPU pool: never on the async workers, never
    /// more jobs than cores, bounded by the engine's limits and a deadline,
    /// and stopped if the request is dropped.
    async fn hash(&self, doc: &Value) -> Result<[u8; 32], Check> {
        let canon = self.canon.clone();
        let doc = doc.clone();
        let job = self.cpu.run(move |cancel| {
            let limits = atout_canon::Limits {
                deadline: Some(std::time::Instant::now() + CANONICALISATION_DEADLINE),
                cancel: Some(cancel.flag()),
                ..canon.limits().clone()
            };
            canon.canonical_hash_with(&doc, limits)
        });
        match job.await {
            Ok(Ok(hash)) => Ok(hash),
            Ok(Err(atout_canon::Error::TooComplex(limit))) => Err(Check::could_not(
                CheckKind::Proof,
                "too-complex",
                format!(
                    "The content is too complex for this verifier to check (limit: {}). This says nothing of whether it is authentic.",
                    limit.name()
                ),
            )),
            Ok(Err(e)) => Err(Check::failed(
                CheckKind::Proof,
                "invalid-json-ld",
                format!(
                    "The content is not valid JSON-LD under its contexts, so no signature can cover it: {}",
                    short(&e.to_string())
                ),
            )),
            Err(atout_core::cpu::PoolError::Busy) => Err(Check::could_not(
                CheckKind::Proof,
                BUSY,
                "The verifier is busy: try again in a moment.",
            )),
            Err(atout_core::cpu::PoolError::Panicked) => Err(Check::could_not(
                CheckKind::Proof,
                "internal-error",
                "The signature could not be checked because of an internal error.",
            )),
        }
    }

    // ----- keys --------------------------------------------------------

    /// The key named by `vm`, from its DID document, listed under the
    /// proof's purpose, controlled by the expected DID, of the suite's
    /// algorithm.
    async fn resolve_key(
        &self,
        vm: &str,
        rules: ProofRules<'_>,
        algorithm: KeyAlgorithm,
    ) -> KeyResult {
        let fail = |code: &'static str, reason: String| KeyResult {
            key: None,
            check: Check::failed(CheckKind::IssuerKey, code, reason),
        };
        let Some((did, fragment)) = vm.split_once('#') else {
            return fail(
                "malformed-verification-method",
                format!(
                    "The verification method {:?} is not a DID URL with a fragment.",
                    short(vm)
                ),
            );
        };
        if !did.starts_with("did:") || fragment.is_empty() {
            return fail(
                "malformed-verification-method",
                format!(
                    "The verification method {:?} is not a DID URL with a fragment.",
                    short(vm)
                ),
            );
        }
        if let Some(controller) = rules.controller {
            if did != controller {
                return fail(
                    "key-not-controlled-by-signer",
                    format!(
                        "The signing key belongs to {}, not to {} who is named as the {}.",
                        short(did),
                        short(controller),
                        if rules.purpose == Relationship::Authentication {
                            "holder"
                        } else {
                            "issuer"
                        }
                    ),
                );
            }
        }
        let doc = match self.resolve_did(did).await {
            Ok(doc) => doc,
            Err(e) => {
                return match e {
                    ResolveError::InvalidDid(_) | ResolveError::UnsupportedMethod(_) => {
                        fail("unsupported-did", e.to_string())
                    }
                    ResolveError::NotFound(_) => fail(
                        "did-not-found",
                        format!(
                            "The DID {} does not exist (its document was not found).",
                            short(did)
                        ),
                    ),
                    other => KeyResult {
                        key: None,
                        check: Check::could_not(
                            CheckKind::IssuerKey,
                            "did-unreachable",
                            format!(
                                "The DID document of {} could not be obtained: {other}.",
                                short(did)
                            ),
                        ),
                    },
                };
            }
        };
        let purpose_name = match rules.purpose {
            Relationship::AssertionMethod => "assertionMethod",
            Relationship::Authentication => "authentication",
        };
        let Some(method) = doc.method_for(vm, rules.purpose) else {
            let exists = doc
                .verification_method
                .iter()
                .any(|m| absolute(&doc, &m.id) == vm)
                || doc.assertion_method.iter().chain(doc.authentication.iter()).any(|r| {
                    matches!(r, atout_core::did::MethodRef::Embedded(m) if absolute(&doc, &m.id) == vm)
                });
            return if exists {
                fail(
                    "key-not-authorized-for-purpose",
                    format!(
                        "The key {} is not listed for {purpose_name} in the DID document.",
                        short(vm)
                    ),
                )
            } else {
                fail(
                    "key-not-found",
                    format!(
                        "The DID document of {} has no key {} (it may have been withdrawn).",
                        short(did),
                        short(vm)
                    ),
                )
            };
        };
        let expected_controller = rules.controller.unwrap_or(did);
        if method.controller != expected_controller {
            return fail(
                "key-not-controlled-by-signer",
                format!(
                    "The key {} is controlled by {}, not by {}.",
                    short(vm),
                    short(&method.controller),
                    short(expected_controller)
                ),
            );
        }
        let key = match self.parsed_key(method) {
            Ok(k) => k,
            Err(reason) => return fail("unsupported-key", reason),
        };
        if key.algorithm() != algorithm {
            return fail(
                "key-algorithm-mismatch",
                format!(
                    "The key {} is {}, but the proof's algorithm needs {}.",
                    short(vm),
                    key.algorithm(),
                    algorithm
                ),
            );
        }
        KeyResult {
            key: Some(key),
            check: Check::ok(
                CheckKind::IssuerKey,
                "key-resolved",
                format!(
                    "The key {} is listed for {purpose_name} by {}.",
                    short(vm),
                    short(did)
                ),
            ),
        }
    }

    /// The public key of a method, decoded once per distinct encoding
    /// (multibase decoding and P-256 point decompression are not free).
    fn parsed_key(&self, method: &VerificationMethod) -> Result<PublicKey, String> {
        let encoded = match (
            &method.public_key_multibase,
            method.other.get("publicKeyJwk"),
        ) {
            (Some(mb), _) => mb.clone(),
            (None, Some(jwk)) => jwk.to_string(),
            (None, None) => return public_key(method),
        };
        if let Some(key) = self
            .key_cache
            .lock()
            .ok()
            .and_then(|c| c.get(&encoded).cloned())
        {
            return Ok(key);
        }
        let key = public_key(method)?;
        if let Ok(mut cache) = self.key_cache.lock() {
            if cache.len() >= 10_000 {
                cache.clear();
            }
            cache.insert(encoded, key.clone());
        }
        Ok(key)
    }

    /// did:key documents never change: they are cached (bounded). Other
    /// DIDs go to the resolver every time (it caches remote did:web itself,
    /// and never caches this platform's, so a withdrawn key stops at once).
    async fn resolve_did(&self, did: &str) -> Result<Arc<DidDocument>, ResolveError> {
        if !did.starts_with("did:key:") {
            return self.resolver.resolve(did).await.map(Arc::new);
        }
        if let Some(doc) = self
            .did_key_cache
            .lock()
            .ok()
            .and_then(|c| c.get(did).cloned())
        {
            return Ok(doc);
        }
        let doc = Arc::new(self.resolver.resolve(did).await?);
        if let Ok(mut cache) = self.did_key_cache.lock() {
            if cache.len() >= 10_000 {
                cache.clear();
            }
            cache.insert(did.to_owned(), doc.clone());
        }
        Ok(doc)
    }

    // ----- vc+jwt ------------------------------------------------------

    async fn check_jwt(
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
        let Some(key) = key.key else {
            out.push(match key.check.status {
                Outcome::CouldNotCheck => Check::could_not(
                    CheckKind::Proof,
                    "key-unavailable",
                    "The signature could not be checked: the signing key could not be obtained.",
                ),
                _ => Check::failed(
                    CheckKind::Proof,
                    "key-not-accepted",
                    "The JWT was not signed with an accepted key of the issuer.",
                ),
            });
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

    // ----- SD-JWT VC ---------------------------------------------------

    /// Verifies an SD-JWT VC, with or without Key Binding JWT: the issuer's
    /// signature and key (from `kid`, controlled by `iss`, as for
    /// `vc+jwt`), every disclosure signed (its digest in an `_sd` the issuer
    /// signed, no digest twice), the Key Binding JWT (signed by the `cnf`
    /// key over what is presented; `nonce` is the challenge, `aud` the
    /// domain), then validity, status and trust as for the other formats.
    /// The report shows the disclosed claims only.
    async fn verify_sd_jwt(
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

    // ----- dates -------------------------------------------------------

    fn check_validity(&self, credential: &Map<String, Value>) -> Check {
        let now = self.clock.now();
        let (from_key, until_key) = if is_v1(credential) {
            ("issuanceDate", "expirationDate")
        } else {
            ("validFrom", "validUntil")
        };
        // Dates were checked to parse when the input was parsed.
        let date = |k: &str| {
            credential
                .get(k)
                .and_then(Value::as_str)
                .and_then(parse_date)
        };
        let from = date(from_key);
        let until = date(until_key);
        // JWT claims, when present, bind too.
        let nbf = credential
            .get("nbf")
            .and_then(Value::as_i64)
            .and_then(|t| DateTime::from_timestamp(t, 0));
        let exp = credential
            .get("exp")
            .and_then(Value::as_i64)
            .and_then(|t| DateTime::from_timestamp(t, 0));
        let from = from.into_iter().chain(nbf).max();
        let until = until.into_iter().chain(exp).min();
        let show = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        if let Some(from) = from {
            if now < from {
                return Check::failed(
                    CheckKind::ValidityPeriod,
                    "not-yet-valid",
                    format!("The credential is not valid before {}.", show(from)),
                );
            }
        }
        if let Some(until) = until {
            if now >= until {
                return Check::failed(
                    CheckKind::ValidityPeriod,
                    "expired",
                    format!("The credential expired on {}.", show(until)),
                );
            }
        }
        match until {
            Some(until) => Check::ok(
                CheckKind::ValidityPeriod,
                "within-validity-period",
                format!("The credential is valid until {}.", show(until)),
            ),
            None => Check::ok(
                CheckKind::ValidityPeriod,
                "no-expiry",
                "The credential is valid and has no expiry date.",
            ),
        }
    }

    // ----- status ------------------------------------------------------

    async fn check_status(
        self: &Arc<Self>,
        credential: &Map<String, Value>,
        issuer: &str,
        proof_ok: bool,
    ) -> (Vec<Check>, Option<DateTime<Utc>>) {
        let entries: Vec<&Map<String, Value>> = match credential.get("credentialStatus") {
            None => vec![],
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_object).collect(),
            Some(Value::Object(o)) => vec![o],
            Some(_) => vec![],
        };
        let mut revocation = Vec::new();
        let mut suspension = Vec::new();
        let mut oldest: Option<DateTime<Utc>> = None;
        for entry in entries.iter().take(MAX_STATUS_ENTRIES) {
            let purpose = entry
                .get("statusPurpose")
                .and_then(Value::as_str)
                .unwrap_or("");
            let kind = match purpose {
                "revocation" => CheckKind::Revocation,
                "suspension" => CheckKind::Suspension,
                _ => continue,
            };
            let check = if !proof_ok {
                Check::could_not(
                    kind,
                    "not-checked-proof-invalid",
                    "The status was not checked because the proof did not verify.",
                )
            } else {
                let (check, fetched) = self.check_entry(entry, issuer, kind, purpose).await;
                if let Some(at) = fetched {
                    oldest = Some(oldest.map_or(at, |o| o.min(at)));
                }
                check
            };
            match kind {
                CheckKind::Revocation => revocation.push(check),
                _ => suspension.push(check),
            }
        }
        let mut out = Vec::new();
        for (kind, checks, none) in [
            (
                CheckKind::Revocation,
                revocation,
                "The credential declares no revocation status: it cannot be revoked.",
            ),
            (
                CheckKind::Suspension,
                suspension,
                "The credential declares no suspension status: it cannot be suspended.",
            ),
        ] {
            match worst(checks) {
                Some(c) => out.push(c),
                None => out.push(Check::ok(kind, "no-status-entry", none)),
            }
        }
        (out, oldest)
    }

    async fn check_entry(
        self: &Arc<Self>,
        entry: &Map<String, Value>,
        issuer: &str,
        kind: CheckKind,
        purpose: &str,
    ) -> (Check, Option<DateTime<Utc>>) {
        let cannot =
            |code: &'static str, reason: String| (Check::could_not(kind, code, reason), None);
        let failed = |code: &'static str, reason: String| (Check::failed(kind, code, reason), None);
        let entry_type = entry.get("type").and_then(Value::as_str).unwrap_or("");
        if entry_type != "BitstringStatusListEntry" && entry_type != "StatusList2021Entry" {
            return cannot(
                "unsupported-status-type",
                format!("The status type {:?} is not supported.", short(entry_type)),
            );
        }
        let index = match entry.get("statusListIndex") {
            Some(Value::String(s))
                if !s.is_empty() && s.len() <= 12 && s.bytes().all(|b| b.is_ascii_digit()) =>
            {
                s.parse::<u64>().ok()
            }
            _ => None,
        };
        let (Some(index), Some(url)) = (
            index,
            entry.get("statusListCredential").and_then(Value::as_str),
        ) else {
            return failed(
                "malformed-status-entry",
                "The status entry lacks a valid statusListIndex or statusListCredential.".into(),
            );
        };
        if entry
            .get("statusSize")
            .and_then(Value::as_u64)
            .is_some_and(|s| s != 1)
        {
            return cannot(
                "unsupported-status-size",
                "Status entries of more than one bit are not supported.".into(),
            );
        }
        let (revoked_word, ok_word) = match kind {
            CheckKind::Revocation => ("revoked", "not revoked"),
            _ => ("suspended", "not suspended"),
        };
        // This deployment's own lists: read from its store.
        if let Some(local) = &self.local_lists {
            if let Some(answer) = local.local_status(url, index).await {
                return match answer {
                    Err(e) => cannot(
                        "status-unavailable",
                        format!("The status list could not be read: {e}."),
                    ),
                    Ok(s) if s.issuer != issuer => cannot(
                        "status-list-wrong-issuer",
                        "The status list was not issued by the credential's issuer.".into(),
                    ),
                    Ok(s) if s.purpose != purpose => cannot(
                        "status-purpose-mismatch",
                        "The status list's purpose differs from the entry's.".into(),
                    ),
                    Ok(s) if s.out_of_range => cannot(
                        "status-index-out-of-range",
                        "The status index is outside the list.".into(),
                    ),
                    Ok(s) if s.set => (
                        Check::failed(
                            kind,
                            revoked_word,
                            format!("The issuer has {revoked_word} this credential."),
                        ),
                        Some(self.clock.now()),
                    ),
                    Ok(_) => (
                        Check::ok(
                            kind,
                            "status-clear",
                            format!("The credential is {ok_word} (checked just now)."),
                        ),
                        Some(self.clock.now()),
                    ),
                };
            }
        }
        let list = match self.status_list(url).await {
            Ok(list) => list,
            Err(check) => {
                return (
                    Check {
                        check: kind,
                        ..check
                    },
                    None,
                )
            }
        };
        if list.issuer != issuer {
            return cannot(
                "status-list-wrong-issuer",
                "The status list was not issued by the credential's issuer.".into(),
            );
        }
        if list.purpose != purpose {
            return cannot(
                "status-purpose-mismatch",
                "The status list's purpose differs from the entry's.".into(),
            );
        }
        if list.valid_until.is_some_and(|u| self.clock.now() >= u) {
            return cannot(
                "status-list-expired",
                "The status list has expired and no newer one could be obtained.".into(),
            );
        }
        let at = list
            .fetched_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        match atout_vc::status::bit(&list.bits, index) {
            Err(_) => cannot(
                "status-index-out-of-range",
                "The status index is outside the list.".into(),
            ),
            Ok(true) => (
                Check::failed(
                    kind,
                    revoked_word,
                    format!("The issuer has {revoked_word} this credential (status list of {at})."),
                ),
                Some(list.fetched_at),
            ),
            Ok(false) => (
                Check::ok(
                    kind,
                    "status-clear",
                    format!("The credential is {ok_word} (status list of {at})."),
                ),
                Some(list.fetched_at),
            ),
        }
    }

    /// A verified, decoded status list, from the cache when fresh. A stale
    /// entry is served while a refresh runs in the background. (Boxed: the
    /// list is verified by the same engine, and a concrete `Send` future
    /// type breaks the async recursion.)
    fn status_list<'a>(
        self: &'a Arc<Self>,
        url: &'a str,
    ) -> BoxFuture<'a, Result<Arc<CachedList>, Check>> {
        Box::pin(async move {
            let now = self.clock.now();
            let cached = self
                .list_cache
                .lock()
                .ok()
                .and_then(|c| c.get(url).cloned());
            if let Some(list) = cached {
                if now < list.expires {
                    // Refresh ahead once half the lifetime has passed.
                    if now - list.fetched_at > self.list_ttl / 2 && self.snapshot_taken_at.is_none()
                    {
                        let this = self.clone();
                        let url = url.to_owned();
                        tokio::spawn(async move {
                            let _ = this.load_list(&url).await;
                        });
                    }
                    return Ok(list);
                }
            }
            self.load_list(url).await
        })
    }

    fn load_list<'a>(
        self: &'a Arc<Self>,
        url: &'a str,
    ) -> BoxFuture<'a, Result<Arc<CachedList>, Check>> {
        Box::pin(self.load_list_inner(url))
    }

    async fn load_list_inner(self: &Arc<Self>, url: &str) -> Result<Arc<CachedList>, Check> {
        // Whatever is wrong with a list, the credential's status is unknown:
        // never "revoked", never "not revoked".
        let cannot = |code: &'static str, reason: String| {
            Check::could_not(CheckKind::Revocation, code, reason)
        };
        let failed = |_code: &'static str, reason: String| {
            Check::could_not(CheckKind::Revocation, "status-list-invalid", reason)
        };
        let fetched = self.lists.fetch(url).await.map_err(|e| {
            cannot(
                "status-unavailable",
                format!("The status list {} could not be obtained: {e}.", short(url)),
            )
        })?;
        let value: Value = if fetched.body.trim_start().starts_with('{') {
            serde_json::from_str(&fetched.body).map_err(|_| {
                failed(
                    "status-list-invalid",
                    "The status list is not valid JSON.".into(),
                )
            })?
        } else {
            Value::String(fetched.body.trim().to_owned())
        };
        let (list_credential, secured) = parse_credential(&value).map_err(|e| {
            failed(
                "status-list-invalid",
                format!("The status list is not a credential: {e}"),
            )
        })?;
        let list_issuer = issuer_id(&list_credential).unwrap_or_default();
        let options = VerifyOptions::default();
        let report = self
            .verify_parsed(&list_credential, secured, &options, false)
            .await;
        if let Some(bad) = report.results.iter().find(|c| {
            matches!(c.check, CheckKind::Proof | CheckKind::IssuerKey) && c.status != Outcome::Ok
        }) {
            return Err(cannot(
                "status-list-unverifiable",
                format!(
                    "The status list's own proof {}: {}",
                    if bad.status == Outcome::CouldNotCheck {
                        "could not be checked"
                    } else {
                        "does not verify"
                    },
                    bad.reason
                ),
            ));
        }
        if id_of(list_credential.get("id")).is_some_and(|id| id != url) {
            return Err(failed(
                "status-list-invalid",
                "The status list's id is not the URL it was fetched from.".into(),
            ));
        }
        let subject = list_credential
            .get("credentialSubject")
            .and_then(Value::as_object)
            .ok_or_else(|| {
                failed(
                    "status-list-invalid",
                    "The status list has no subject.".into(),
                )
            })?;
        let purpose = subject
            .get("statusPurpose")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let encoded = subject
            .get("encodedList")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                failed(
                    "status-list-invalid",
                    "The status list has no encodedList.".into(),
                )
            })?;
        // StatusList2021 lists have no multibase prefix.
        let encoded = if encoded.starts_with('u') {
            encoded.to_owned()
        } else {
            format!("u{encoded}")
        };
        let bits = atout_vc::status::decode(&encoded, MAX_LIST_BITS_BYTES).map_err(|e| {
            failed(
                "status-list-invalid",
                format!("The encoded list is invalid: {e}."),
            )
        })?;
        let now = self.clock.now();
        let fetched_at = if self.snapshot_taken_at.is_some() {
            fetched.fetched_at
        } else {
            now
        };
        let valid_until = list_credential
            .get(if is_v1(&list_credential) {
                "expirationDate"
            } else {
                "validUntil"
            })
            .and_then(Value::as_str)
            .and_then(parse_date);
        let expires = if self.snapshot_taken_at.is_some() {
            DateTime::<Utc>::MAX_UTC
        } else {
            now + self.list_ttl
        };
        let list = Arc::new(CachedList {
            issuer: list_issuer,
            purpose,
            bits: Arc::new(bits),
            fetched_at,
            expires,
            valid_until,
        });
        if let Ok(mut cache) = self.list_cache.lock() {
            if cache.len() >= 10_000 {
                cache.retain(|_, l| now < l.expires);
                if cache.len() >= 10_000 {
                    cache.clear();
                }
            }
            cache.insert(url.to_owned(), list.clone());
        }
        Ok(list)
    }

    // ----- trust -------------------------------------------------------

    async fn check_trust(&self, issuer: &str) -> (Check, IssuerView) {
        let unknown = IssuerView {
            id: issuer.to_owned(),
            name: None,
            trusted: false,
            accreditation: None,
        };
        match self.registry.lookup(issuer).await {
            Err(e) => (
                Check::could_not(
                    CheckKind::IssuerTrust,
                    "registry-unavailable",
                    format!("The trust registry could not be read: {e}."),
                ),
                unknown,
            ),
            Ok(None) => (
                Check::failed(
                    CheckKind::IssuerTrust,
                    "unknown-issuer",
                    "The issuer is not in the trust registry of accredited issuers.",
                ),
                unknown,
            ),
            Ok(Some(entry)) => {
                let view = |trusted| IssuerView {
                    id: issuer.to_owned(),
                    name: Some(entry.name.clone()),
                    trusted,
                    accreditation: Some(entry.accreditation.clone()),
                };
                match entry.status_at(self.clock.now()) {
                    Trust::NotYetValid => (
                        Check::failed(
                            CheckKind::IssuerTrust,
                            "accreditation-not-yet-valid",
                            format!("{}'s accreditation starts later.", entry.name.en),
                        ),
                        view(false),
                    ),
                    Trust::Expired => (
                        Check::failed(
                            CheckKind::IssuerTrust,
                            "accreditation-expired",
                            format!("{}'s accreditation has ended.", entry.name.en),
                        ),
                        view(false),
                    ),
                    Trust::Accredited => (
                        Check::ok(
                            CheckKind::IssuerTrust,
                            "accredited",
                            format!(
                                "{} is an accredited issuer ({}).",
                                entry.name.en, entry.accreditation
                            ),
                        ),
                        view(true),
                    ),
                }
            }
        }
    }

    // ----- schema ------------------------------------------------------

    /// `credentialSchema` entries of type `JsonSchema`: each schema is
    /// fetched (through the same guarded source as status lists; nothing in
    /// an offline snapshot), compiled once per cache lifetime, and the
    /// credential must validate. Remote `$ref`s are not followed.
    async fn check_schema(&self, credential: &Map<String, Value>) -> Option<Check> {
        let schema = credential.get("credentialSchema")?;
        let schemas: Vec<&Value> = match schema {
            Value::Array(a) => a.iter().take(MAX_STATUS_ENTRIES).collect(),
            v => vec![v],
        };
        let instance = Value::Object(credential.clone());
        let mut checks = Vec::new();
        for s in schemas {
            let t = s.get("type").and_then(Value::as_str).unwrap_or("");
            let Some(url) = s.get("id").and_then(Value::as_str) else {
                checks.push(Check::failed(
                    CheckKind::Schema,
                    "malformed-schema-entry",
                    "A credentialSchema entry has no id.",
                ));
                continue;
            };
            if t != "JsonSchema" {
                checks.push(Check::could_not(
                    CheckKind::Schema,
                    "unsupported-schema-type",
                    format!(
                        "The schema type {:?} is not supported (JsonSchema is).",
                        short(t)
                    ),
                ));
                continue;
            }
            let validator = match self.schema(url).await {
                Ok(v) => v,
                Err(check) => {
                    checks.push(check);
                    continue;
                }
            };
            checks.push(match validator.iter_errors(&instance).next() {
                None => Check::ok(
                    CheckKind::Schema,
                    "matches-schema",
                    format!("The credential matches its schema {}.", short(url)),
                ),
                Some(e) => Check::failed(
                    CheckKind::Schema,
                    "schema-mismatch",
                    format!(
                        "The credential does not match its schema {}: {} at {}.",
                        short(url),
                        short(&e.to_string()),
                        short(&e.instance_path().to_string())
                    ),
                ),
            });
        }
        worst(checks)
    }

    async fn schema(&self, url: &str) -> Result<Arc<jsonschema::Validator>, Check> {
        let now = self.clock.now();
        if let Some((at, v)) = self
            .schema_cache
            .lock()
            .ok()
            .and_then(|c| c.get(url).cloned())
        {
            if now - at < self.list_ttl {
                return Ok(v);
            }
        }
        let fetched = self.lists.fetch(url).await.map_err(|e| {
            Check::could_not(
                CheckKind::Schema,
                "schema-unavailable",
                format!("The schema {} could not be obtained: {e}.", short(url)),
            )
        })?;
        let invalid = |why: String| {
            Check::could_not(
                CheckKind::Schema,
                "schema-invalid",
                format!(
                    "The schema {} is not a usable JSON Schema: {why}.",
                    short(url)
                ),
            )
        };
        let schema: Value =
            serde_json::from_str(&fetched.body).map_err(|e| invalid(e.to_string()))?;
        check_depth(&schema).map_err(|e| invalid(e.0))?;
        let validator = Arc::new(
            jsonschema::validator_for(&schema).map_err(|e| invalid(short(&e.to_string())))?,
        );
        if let Ok(mut cache) = self.schema_cache.lock() {
            if cache.len() >= 1_000 {
                cache.clear();
            }
            cache.insert(url.to_owned(), (now, validator.clone()));
        }
        Ok(validator)
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

fn absolute(doc: &DidDocument, id: &str) -> String {
    if id.starts_with('#') {
        format!("{}{id}", doc.id)
    } else {
        id.to_owned()
    }
}

/// The public key of a verification method: Multikey and
/// Ed25519VerificationKey2020 (`publicKeyMultibase`), JsonWebKey2020 and
/// JsonWebKey (`publicKeyJwk`, OKP Ed25519 or EC P-256).
fn public_key(method: &VerificationMethod) -> Result<PublicKey, String> {
    if let Some(mb) = &method.public_key_multibase {
        return PublicKey::from_multibase(mb)
            .map_err(|e| format!("The key {} is unusable: {e}.", short(&method.id)));
    }
    if let Some(jwk) = method.other.get("publicKeyJwk").and_then(Value::as_object) {
        if jwk.contains_key("d") {
            return Err("The DID document publishes a private key; it is refused.".into());
        }
        let b64 = |k: &str| {
            jwk.get(k).and_then(Value::as_str).and_then(|s| {
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(s)
                    .ok()
            })
        };
        let kty = jwk.get("kty").and_then(Value::as_str);
        let crv = jwk.get("crv").and_then(Value::as_str);
        return match (kty, crv) {
            (Some("OKP"), Some("Ed25519")) => b64("x")
                .and_then(|x| PublicKey::new(KeyAlgorithm::Ed25519, &x).ok())
                .ok_or_else(|| "The Ed25519 JWK is invalid.".to_owned()),
            (Some("EC"), Some("P-256")) => match (b64("x"), b64("y")) {
                (Some(x), Some(y)) if x.len() == 32 && y.len() == 32 => {
                    let mut point = vec![4u8];
                    point.extend_from_slice(&x);
                    point.extend_from_slice(&y);
                    PublicKey::new(KeyAlgorithm::P256, &point)
                        .map_err(|e| format!("The P-256 JWK is invalid: {e}."))
                }
                _ => Err("The P-256 JWK is invalid.".into()),
            },
            _ => Err("Only Ed25519 and P-256 keys are supported.".into()),
        };
    }
    Err(format!(
        "The verification method {} carries no public key Atout can read.",
        short(&method.id)
    ))
}

fn decode_multibase_b58(text: &str) -> Option<Vec<u8>> {
    let data = text.strip_prefix('z')?;
    if data.len() > 200 {
        return None;
    }
    let bytes = bs58::decode(data).into_vec().ok()?;
    (bytes.len() == 64).then_some(bytes)
}

/// The most severe check (failed > could-not-check > ok), first of its
/// kind.
fn worst(checks: Vec<Check>) -> Option<Check> {
    let rank = |o: Outcome| match o {
        Outcome::Failed => 2,
        Outcome::CouldNotCheck => 1,
        Outcome::Ok => 0,
    };
    let mut best: Option<Check> = None;
    for c in checks {
        if best
            .as_ref()
            .is_none_or(|b| rank(c.status) > rank(b.status))
        {
            best = Some(c);
        }
    }
    best
}

pub(crate) fn parse_date(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
        .or_else(|| {
            // xsd:dateTime without a zone is read as UTC.
            chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                .ok()
                .map(|t| t.and_utc())
        })
}

fn check_depth(value: &Value) -> Result<(), Malformed> {
    fn depth(v: &Value, d: usize) -> bool {
        if d > MAX_DEPTH {
            return false;
        }
        match v {
            Value::Array(a) => a.iter().all(|x| depth(x, d + 1)),
            Value::Object(o) => o.values().all(|x| depth(x, d + 1)),
            _ => true,
        }
    }
    if depth(value, 0) {
        Ok(())
    } else {
        malformed(format!(
            "the document is nested deeper than {MAX_DEPTH} levels"
        ))
    }
}

fn has_type(doc: &Map<String, Value>, wanted: &str) -> bool {
    match doc.get("type") {
        Some(Value::String(s)) => s == wanted,
        Some(Value::Array(a)) => a.iter().any(|t| t.as_str() == Some(wanted)),
        _ => false,
    }
}

fn is_v1(doc: &Map<String, Value>) -> bool {
    first_context(doc) == Some(CREDENTIALS_V1)
}

fn first_context(doc: &Map<String, Value>) -> Option<&str> {
    match doc.get("@context") {
        Some(Value::String(s)) => Some(s),
        Some(Value::Array(a)) => a.first().and_then(Value::as_str),
        _ => None,
    }
}

fn check_contexts_shape(doc: &Map<String, Value>) -> Result<(), Malformed> {
    match first_context(doc) {
        Some(CREDENTIALS_V2) | Some(CREDENTIALS_V1) => Ok(()),
        Some(other) => malformed(format!(
            "the first @context must be {CREDENTIALS_V2} (or {CREDENTIALS_V1}), not {:?}",
            short(other)
        )),
        None => malformed("@context is missing or its first item is not a URL"),
    }
}

fn id_of(value: Option<&Value>) -> Option<&str> {
    match value? {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("id").and_then(Value::as_str),
        _ => None,
    }
}

pub(crate) fn issuer_id(doc: &Map<String, Value>) -> Option<String> {
    id_of(doc.get("issuer")).map(str::to_owned)
}

/// Data model checks shared by every format; what fails here is malformed
/// input, not an invalid credential.
fn check_credential_shape(doc: &Map<String, Value>) -> Result<(), Malformed> {
    check_contexts_shape(doc)?;
    if let Some(Value::Array(a)) = doc.get("@context") {
        if a.len() > 32 {
            return malformed("too many @context entries");
        }
    }
    if !has_type(doc, "VerifiableCredential") {
        return malformed("the credential's type must include \"VerifiableCredential\"");
    }
    match doc.get("issuer") {
        Some(Value::String(s)) if !s.is_empty() && s.contains(':') => {}
        Some(Value::Object(o))
            if o.get("id")
                .and_then(Value::as_str)
                .is_some_and(|s| s.contains(':')) => {}
        Some(_) => return malformed("issuer must be a URL or an object with an id URL"),
        None => return malformed("the credential has no issuer"),
    }
    match doc.get("credentialSubject") {
        Some(Value::Object(_)) => {}
        Some(Value::Array(a)) if !a.is_empty() && a.iter().all(Value::is_object) => {}
        Some(_) => return malformed("credentialSubject must be an object or a list of objects"),
        None => return malformed("the credential has no credentialSubject"),
    }
    let dates: &[&str] = if is_v1(doc) {
        if !doc.contains_key("issuanceDate") {
            return malformed("a VC 1.1 credential needs issuanceDate");
        }
        &["issuanceDate", "expirationDate"]
    } else {
        &["validFrom", "validUntil"]
    };
    for key in dates {
        if let Some(v) = doc.get(*key) {
            if v.as_str().and_then(parse_date).is_none() {
                return malformed(format!("{key} is not an XML Schema dateTime"));
            }
        }
    }
    Ok(())
}

/// The text of an SD-JWT VC (a JWS followed by `~`), if `input` is one.
pub fn sd_jwt_text(input: &Value) -> Option<&str> {
    match input {
        Value::String(s) if atout_vc::sd_jwt::looks_like(s) => Some(s.trim()),
        _ => None,
    }
}

/// Parses a credential in any accepted form.
fn parse_credential(input: &Value) -> Result<(Map<String, Value>, Secured), Malformed> {
    match input {
        Value::String(jwt) => {
            let jwt_text = jwt.trim();
            let (payload, parsed) = parse_jwt(jwt_text)?;
            check_credential_shape(&payload)?;
            Ok((payload, Secured::Jwt(parsed)))
        }
        Value::Object(doc) => {
            if has_type(doc, "EnvelopedVerifiableCredential") {
                let id = doc.get("id").and_then(Value::as_str).unwrap_or("");
                let Some(jwt) = id
                    .strip_prefix("data:application/vc+jwt,")
                    .or_else(|| id.strip_prefix("data:application/vc-ld+jwt,"))
                else {
                    return malformed(
                        "an EnvelopedVerifiableCredential's id must be a data:application/vc+jwt, URL",
                    );
                };
                return parse_credential(&Value::String(jwt.to_owned()));
            }
            check_credential_shape(doc)?;
            let proofs = match doc.get("proof") {
                None => return malformed(
                    "the credential has no proof (a JSON credential needs a Data Integrity proof)",
                ),
                Some(Value::Object(p)) => vec![p],
                Some(Value::Array(a))
                    if !a.is_empty() && a.len() <= MAX_PROOFS && a.iter().all(Value::is_object) =>
                {
                    a.iter().filter_map(Value::as_object).collect()
                }
                Some(_) => {
                    return malformed(format!(
                        "proof must be an object or a list of 1 to {MAX_PROOFS} objects"
                    ))
                }
            };
            for p in proofs {
                for field in ["type", "proofPurpose", "verificationMethod", "proofValue"] {
                    if !p.get(field).is_some_and(Value::is_string) {
                        return malformed(format!("the proof has no {field} (a string)"));
                    }
                }
                for field in ["created", "expires"] {
                    if let Some(v) = p.get(field) {
                        if v.as_str().and_then(parse_date).is_none() {
                            return malformed(format!(
                                "the proof's {field} is not an XML Schema dateTime"
                            ));
                        }
                    }
                }
            }
            Ok((doc.clone(), Secured::DataIntegrity))
        }
        _ => malformed("a credential is a JSON object (Data Integrity) or a string (vc+jwt)"),
    }
}

/// Splits and decodes a compact JWS carrying a credential (VC-JOSE-COSE).
fn parse_jwt(text: &str) -> Result<(Map<String, Value>, Jwt), Malformed> {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut parts = text.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return malformed(
            "a vc+jwt credential is a compact JWS: three base64url parts separated by dots",
        );
    };
    let header: Map<String, Value> = b64
        .decode(h)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| Malformed("the JWT header is not base64url JSON".into()))?;
    let payload_bytes = b64
        .decode(p)
        .map_err(|_| Malformed("the JWT payload is not base64url".into()))?;
    let payload: Value = serde_json::from_slice(&payload_bytes)
        .map_err(|_| Malformed("the JWT payload is not JSON".into()))?;
    check_depth(&payload)?;
    let Value::Object(payload) = payload else {
        return malformed("the JWT payload is not a JSON object");
    };
    if payload.contains_key("vc") && !payload.contains_key("@context") {
        return malformed(
            "this is a VC 1.1 JWT (credential in a \"vc\" claim); vc+jwt carries the credential itself as the payload",
        );
    }
    let signature = b64
        .decode(s)
        .map_err(|_| Malformed("the JWT signature is not base64url".into()))?;
    let alg = header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    if alg.is_empty() {
        return malformed("the JWT header has no alg");
    }
    match header.get("typ").and_then(Value::as_str) {
        Some("vc+jwt") | Some("vc+ld+jwt") => {}
        Some(other) => {
            return malformed(format!(
                "the JWT typ is {:?}; a credential is typed \"vc+jwt\"",
                short(other)
            ))
        }
        None => return malformed("the JWT header has no typ (\"vc+jwt\" expected)"),
    }
    if header.contains_key("crit") || header.get("b64").is_some() {
        return malformed("the JWT header has crit or b64 parameters, which are not supported");
    }
    let kid = header
        .get("kid")
        .and_then(Value::as_str)
        .ok_or_else(|| Malformed("the JWT header has no kid naming the issuer's key".into()))?
        .to_owned();
    Ok((
        payload,
        Jwt {
            alg,
            kid,
            signing_input: format!("{h}.{p}"),
            signature,
        },
    ))
}

/// What a person sees of the credential.
fn summary(doc: &Map<String, Value>) -> Summary {
    let types = match doc.get("type") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => vec![],
    };
    let subject = match doc.get("credentialSubject") {
        Some(Value::Array(a)) => a.first().and_then(Value::as_object),
        Some(Value::Object(o)) => Some(o),
        _ => None,
    };
    let text = |v: Option<&Value>| -> Option<String> {
        match v? {
            Value::String(s) => Some(s.chars().take(300).collect()),
            // Language maps or value objects: the first value.
            Value::Object(o) => o
                .get("@value")
                .or_else(|| o.values().next())
                .and_then(Value::as_str)
                .map(|s| s.chars().take(300).collect()),
            Value::Array(a) => a.iter().find_map(|x| x.as_str().map(str::to_owned)),
            _ => None,
        }
    };
    let subject_name = subject.and_then(|s| {
        text(s.get("name")).or_else(|| {
            let given = text(s.get("givenName"));
            let family = text(s.get("familyName"));
            match (given, family) {
                (Some(g), Some(f)) => Some(format!("{g} {f}")),
                (g, f) => g.or(f),
            }
        })
    });
    let achievement = subject.and_then(|s| {
        ["achievement", "degree", "hasCredential"]
            .iter()
            .find_map(|k| s.get(*k).and_then(|a| text(a.get("name"))))
    });
    let achievement = achievement.or_else(|| text(doc.get("name")));
    let v1 = is_v1(doc);
    let date = |k: &str| {
        doc.get(k)
            .and_then(Value::as_str)
            .map(|s| s.chars().take(40).collect())
    };
    Summary {
        id: doc.get("id").and_then(Value::as_str).map(short),
        types,
        subject_id: subject
            .and_then(|s| s.get("id"))
            .and_then(Value::as_str)
            .map(short),
        subject_name,
        achievement,
        valid_from: date(if v1 { "issuanceDate" } else { "validFrom" }),
        valid_until: date(if v1 { "expirationDate" } else { "validUntil" }),
    }
}
