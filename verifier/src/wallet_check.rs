//! The wallet's [`CredentialCheck`]: the live state of a credential a
//! citizen holds, computed by this engine, cached briefly.
//!
//! The cache is keyed by the credential itself (SHA-256 of its format and
//! stored bytes), not by wallet: every wallet holding one credential shares
//! one answer, and an answer is used for at most [`STATE_TTL`] (measured on
//! the application clock as well as the real one), so a revocation,
//! suspension or expiry shows in every wallet within that time. Status
//! lists of this deployment are read from its database on every check;
//! lists of other deployments are also cached by the engine (its
//! `list_ttl`), which adds to the delay for those.

use crate::{
    engine::{Verifier, VerifyOptions},
    report::{CheckKind, CredentialReport, Outcome},
};
use atout_web::check::{CheckOutcome, CredentialCheck, Inspected, LiveState, NotACredential};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{json, Value};
use std::{sync::Arc, time::Duration};

/// How long a credential's state is reused before it is checked again.
pub const STATE_TTL: Duration = Duration::from_secs(30);
/// Memory the cache may use (approximately: stored body and report sizes).
const CACHE_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Clone)]
struct Cached {
    outcome: CheckOutcome,
    weight: u32,
}

/// [`CredentialCheck`] on the verification engine.
pub struct WalletCheck {
    verifier: Arc<Verifier>,
    ttl: Duration,
    cache: moka::future::Cache<[u8; 32], Cached>,
}

impl WalletCheck {
    pub fn new(verifier: Arc<Verifier>) -> Self {
        Self::with_ttl(verifier, STATE_TTL)
    }

    pub fn with_ttl(verifier: Arc<Verifier>, ttl: Duration) -> Self {
        let cache = moka::future::Cache::builder()
            .max_capacity(CACHE_BYTES)
            .weigher(|_key: &[u8; 32], value: &Cached| value.weight)
            .time_to_live(ttl)
            .build();
        Self {
            verifier,
            ttl,
            cache,
        }
    }

    /// Fresh on the application clock too (tests move it; a clock that
    /// went backwards makes the answer stale).
    fn stale(&self, cached: &Cached) -> bool {
        let age = self.verifier.clock.now() - cached.outcome.checked_at;
        age < chrono::Duration::zero()
            || age >= chrono::Duration::from_std(self.ttl).unwrap_or(chrono::Duration::MAX)
    }

    async fn compute(&self, body: &str, format: &str) -> Cached {
        let now = self.verifier.clock.now();
        let outcome = match stored_input(body, format) {
            Err(reason) => unreadable(&reason, now),
            Ok(input) => match self
                .verifier
                .verify_credential(&input, &VerifyOptions::default())
                .await
            {
                Ok(report) => outcome_of(&report, now),
                Err(e) => unreadable(&e.0, now),
            },
        };
        let report_len = outcome.report.to_string().len();
        Cached {
            weight: u32::try_from(body.len() + report_len + 256).unwrap_or(u32::MAX),
            outcome,
        }
    }
}

/// The engine's input for a stored credential: JSON for Data Integrity
/// and enveloped credentials, a string for a compact JWT.
fn stored_input(body: &str, format: &str) -> Result<Value, String> {
    let text = body.trim();
    if format == "ldp_vc" || text.starts_with('{') {
        serde_json::from_str(text).map_err(|_| "the stored credential is not valid JSON".to_owned())
    } else {
        Ok(Value::String(text.to_owned()))
    }
}

/// A stored credential the engine cannot even read.
fn unreadable(reason: &str, now: DateTime<Utc>) -> CheckOutcome {
    CheckOutcome {
        state: LiveState::Invalid,
        issuer_name: None,
        report: Arc::new(json!({
            "verified": false,
            "errors": [format!("The stored credential cannot be read: {reason}.")],
            "results": [],
        })),
        checked_at: now,
    }
}

fn outcome_of(report: &CredentialReport, now: DateTime<Utc>) -> CheckOutcome {
    CheckOutcome {
        state: state_of(report),
        issuer_name: report.issuer.name.clone(),
        report: Arc::new(serde_json::to_value(report).unwrap_or(Value::Null)),
        checked_at: now,
    }
}

/// One word for a report. Precedence: a failed check (`invalid`), then
/// `revoked`, `suspended`, `expired`, `not-yet-valid`, then a check that
/// could not be made, then an issuer missing from the trust registry.
pub fn state_of(report: &CredentialReport) -> LiveState {
    let with = |kind: CheckKind, status: Outcome| {
        report
            .results
            .iter()
            .filter(move |c| c.check == kind && c.status == status)
    };
    let failed_codes = |kind| {
        with(kind, Outcome::Failed)
            .map(|c| c.code)
            .collect::<Vec<_>>()
    };
    let (revocation, suspension, validity) = (
        failed_codes(CheckKind::Revocation),
        failed_codes(CheckKind::Suspension),
        failed_codes(CheckKind::ValidityPeriod),
    );
    let broken = with(CheckKind::Proof, Outcome::Failed).next().is_some()
        || with(CheckKind::IssuerKey, Outcome::Failed).next().is_some()
        || with(CheckKind::Schema, Outcome::Failed).next().is_some()
        || revocation.iter().any(|c| *c != "revoked")
        || suspension.iter().any(|c| *c != "suspended")
        || validity
            .iter()
            .any(|c| *c != "expired" && *c != "not-yet-valid");
    if broken {
        return LiveState::Invalid;
    }
    if !revocation.is_empty() {
        return LiveState::Revoked;
    }
    if !suspension.is_empty() {
        return LiveState::Suspended;
    }
    if validity.contains(&"expired") {
        return LiveState::Expired;
    }
    if validity.contains(&"not-yet-valid") {
        return LiveState::NotYetValid;
    }
    let could_not = [
        CheckKind::Proof,
        CheckKind::IssuerKey,
        CheckKind::ValidityPeriod,
        CheckKind::Revocation,
        CheckKind::Suspension,
        CheckKind::IssuerTrust,
    ]
    .into_iter()
    .any(|k| with(k, Outcome::CouldNotCheck).next().is_some());
    if could_not {
        return LiveState::CouldNotCheck;
    }
    if !report.verified {
        // A deciding check failed that none of the above names.
        return LiveState::Invalid;
    }
    if with(CheckKind::IssuerTrust, Outcome::Failed).any(|c| c.code == "unknown-issuer") {
        return LiveState::UnknownIssuer;
    }
    // An issuer whose accreditation ended (or starts later) is known to the
    // registry: the report says so in its warnings.
    LiveState::Verified
}

/// A date as the credential writes it (RFC 3339, or without an offset:
/// UTC).
fn parse_date(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|d| d.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
                .ok()
                .map(|d| d.and_utc())
        })
}

#[async_trait::async_trait]
impl CredentialCheck for WalletCheck {
    async fn check(&self, body: &str, format: &str) -> CheckOutcome {
        let mut key_input = ring::digest::Context::new(&ring::digest::SHA256);
        key_input.update(format.as_bytes());
        key_input.update(&[0]);
        key_input.update(body.as_bytes());
        let mut key = [0u8; 32];
        key.copy_from_slice(key_input.finish().as_ref());
        // Concurrent requests for one credential wait for one check.
        self.cache
            .entry(key)
            .or_insert_with_if(self.compute(body, format), |cached| self.stale(cached))
            .await
            .into_value()
            .outcome
    }

    async fn inspect(&self, input: &Value) -> Result<Inspected, NotACredential> {
        let sd_jwt = crate::engine::sd_jwt_text(input).is_some();
        let report = self
            .verifier
            .verify_credential(input, &VerifyOptions::default())
            .await
            .map_err(|e| NotACredential(e.0))?;
        let format = match input {
            _ if sd_jwt => atout_vc::sd_jwt::TYP,
            Value::Object(o)
                if !o.get("type").is_some_and(|t| {
                    t == "EnvelopedVerifiableCredential"
                        || t.as_array()
                            .is_some_and(|a| a.iter().any(|x| x == "EnvelopedVerifiableCredential"))
                }) =>
            {
                "ldp_vc"
            }
            _ => "vc+jwt",
        };
        let summary = &report.credential;
        let title = summary
            .achievement
            .clone()
            .filter(|t| !t.trim().is_empty())
            .or_else(|| {
                summary
                    .types
                    .iter()
                    .rev()
                    .find(|t| t.as_str() != "VerifiableCredential")
                    .cloned()
            })
            .unwrap_or_else(|| "VerifiableCredential".to_owned());
        let now = self.verifier.clock.now();
        Ok(Inspected {
            format,
            credential_id: summary.id.clone(),
            issuer: report.issuer.id.clone(),
            types: summary.types.clone(),
            title: title.trim().chars().take(300).collect(),
            valid_from: summary.valid_from.as_deref().and_then(parse_date),
            valid_until: summary.valid_until.as_deref().and_then(parse_date),
            outcome: outcome_of(&report, now),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Check, IssuerView, Summary};

    fn report(verified: bool, results: Vec<Check>) -> CredentialReport {
        CredentialReport {
            verified,
            format: "data-integrity/eddsa-rdfc-2022".into(),
            checks: results.iter().map(|c| c.check.as_str()).collect(),
            results,
            errors: vec![],
            warnings: vec![],
            issuer: IssuerView {
                id: "did:web:x".into(),
                name: None,
                trusted: false,
                accreditation: None,
            },
            credential: Summary::default(),
            status_fetched_at: None,
            disclosed: None,
        }
    }

    fn ok(kind: CheckKind) -> Check {
        Check::ok(kind, "ok", "fine")
    }

    fn base() -> Vec<Check> {
        vec![
            ok(CheckKind::IssuerKey),
            ok(CheckKind::Proof),
            ok(CheckKind::ValidityPeriod),
            ok(CheckKind::Revocation),
            ok(CheckKind::Suspension),
            ok(CheckKind::IssuerTrust),
        ]
    }

    fn with(mut checks: Vec<Check>, replace: Check) -> Vec<Check> {
        for c in &mut checks {
            if c.check == replace.check {
                *c = replace.clone();
            }
        }
        checks
    }

    #[test]
    fn states_follow_the_checks_with_their_precedence() {
        use CheckKind::*;
        assert_eq!(state_of(&report(true, base())), LiveState::Verified);
        let unknown = with(base(), Check::failed(IssuerTrust, "unknown-issuer", "x"));
        assert_eq!(
            state_of(&report(true, unknown.clone())),
            LiveState::UnknownIssuer
        );
        let ended = with(
            base(),
            Check::failed(IssuerTrust, "accreditation-expired", "x"),
        );
        assert_eq!(state_of(&report(true, ended)), LiveState::Verified);
        let revoked = with(unknown.clone(), Check::failed(Revocation, "revoked", "x"));
        assert_eq!(
            state_of(&report(false, revoked.clone())),
            LiveState::Revoked
        );
        let both = with(revoked, Check::failed(Suspension, "suspended", "x"));
        assert_eq!(state_of(&report(false, both)), LiveState::Revoked);
        let suspended = with(base(), Check::failed(Suspension, "suspended", "x"));
        assert_eq!(state_of(&report(false, suspended)), LiveState::Suspended);
        let expired = with(base(), Check::failed(ValidityPeriod, "expired", "x"));
        assert_eq!(state_of(&report(false, expired)), LiveState::Expired);
        let early = with(base(), Check::failed(ValidityPeriod, "not-yet-valid", "x"));
        assert_eq!(state_of(&report(false, early)), LiveState::NotYetValid);
        let unreachable = with(
            base(),
            Check::could_not(Revocation, "status-unavailable", "x"),
        );
        assert_eq!(
            state_of(&report(false, unreachable.clone())),
            LiveState::CouldNotCheck
        );
        let tampered = with(unreachable, Check::failed(Proof, "signature-mismatch", "x"));
        assert_eq!(state_of(&report(false, tampered)), LiveState::Invalid);
        let bad_entry = with(
            base(),
            Check::failed(Revocation, "malformed-status-entry", "x"),
        );
        assert_eq!(state_of(&report(false, bad_entry)), LiveState::Invalid);
        let mut schema = base();
        schema.push(Check::failed(Schema, "schema-mismatch", "x"));
        assert_eq!(state_of(&report(false, schema)), LiveState::Invalid);
        let registry = with(
            base(),
            Check::could_not(IssuerTrust, "registry-unavailable", "x"),
        );
        assert_eq!(state_of(&report(true, registry)), LiveState::CouldNotCheck);
    }

    #[test]
    fn stored_bodies_are_read_by_their_shape() {
        assert_eq!(
            stored_input("eyJ.a.b\n", "vc+jwt").unwrap(),
            Value::String("eyJ.a.b".into())
        );
        assert!(stored_input("{\"a\":1}", "vc+jwt").unwrap().is_object());
        assert!(stored_input("not json", "ldp_vc").is_err());
        assert_eq!(
            parse_date("2026-01-01T00:00:00Z").unwrap().to_rfc3339(),
            "2026-01-01T00:00:00+00:00"
        );
        assert!(parse_date("2026-01-01T00:00:00").is_some());
        assert!(parse_date("yesterday").is_none());
    }
}
