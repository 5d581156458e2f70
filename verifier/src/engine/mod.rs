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

mod data_integrity;
mod dates;
mod jose;
mod keys;
mod parse;
mod related;
mod schema;
mod sd_jwt;
mod status;
mod trust;

use crate::{
    report::{
        decide, errors_and_warnings, Check, CheckKind, CredentialReport, Outcome,
        PresentationReport,
    },
    sources::{LocalLists, StatusLists, TrustRegistry},
};
use atout_core::{
    clock::Clock,
    crypto::PublicKey,
    did::{DidDocument, DidResolver, Relationship},
};
use chrono::{DateTime, Duration, Utc};
pub(crate) use dates::parse_date;
use keys::ProofRules;
pub(crate) use parse::issuer_id;
pub use parse::sd_jwt_text;
use parse::{check_contexts_shape, check_depth, has_type, parse_credential, summary, Secured};
use schema::CachedSchema;
use serde::Deserialize;
use serde_json::{Map, Value};
use status::CachedList;
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

/// How long a verification waits for a core before the verifier answers
/// that it is busy (503 with `Retry-After`).
pub const CPU_WAIT: std::time::Duration = std::time::Duration::from_secs(2);
/// Canonicalisation of one document gives up after this long (a limit of
/// its own reached first, in practice: poison graphs stop on their work).
pub(crate) const CANONICALISATION_DEADLINE: std::time::Duration = std::time::Duration::from_secs(2);
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
        self.verify_input(input, options, true).await
    }

    /// Like [`Self::verify_credential`], without the status checks.
    pub async fn verify_without_status(
        self: &Arc<Self>,
        input: &Value,
        options: &VerifyOptions,
    ) -> Result<CredentialReport, Malformed> {
        self.verify_input(input, options, false).await
    }

    async fn verify_input(
        self: &Arc<Self>,
        input: &Value,
        options: &VerifyOptions,
        with_status: bool,
    ) -> Result<CredentialReport, Malformed> {
        check_depth(input)?;
        if let Some(text) = sd_jwt_text(input) {
            return self.verify_sd_jwt(text, options, with_status).await;
        }
        let (credential, secured) = parse_credential(input)?;
        Ok(self
            .verify_parsed(&credential, secured, options, with_status)
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
        // A JWT's payload (vc+jwt, SD-JWT VC): its dates are NumericDates.
        let jwt = !format.starts_with("data-integrity");
        results.push(self.check_validity(credential, jwt));
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
        if let Some(check) = self.check_related(credential).await {
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
