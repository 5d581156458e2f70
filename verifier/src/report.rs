//! What a verification reports: every check, each `ok`, `failed` or
//! `could-not-check` with a machine code and one sentence.

use serde::Serialize;
use utoipa::ToSchema;

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Ok,
    Failed,
    /// The verifier could not establish the answer (an unreachable status
    /// list or DID document, an unsupported feature). Never "valid".
    CouldNotCheck,
}

/// The checks a verification runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CheckKind {
    /// The signature (Data Integrity proof or JWS) over the content.
    Proof,
    /// The signing key: resolved from the issuer's DID document, controlled
    /// by the issuer, and authorised for the proof's purpose.
    IssuerKey,
    /// `validFrom`/`validUntil` (or VC 1.1 `issuanceDate`/`expirationDate`).
    ValidityPeriod,
    Revocation,
    Suspension,
    /// The issuer is in the trust registry and its accreditation is current.
    IssuerTrust,
    /// The credential matches the schema it declares (`credentialSchema`).
    Schema,
    /// Each `relatedResource` the verifier could load matches its digest.
    RelatedResource,
    /// A presentation: the holder's proof, made with an authentication key
    /// of the holder.
    HolderProof,
    /// A presentation: the challenge the verifier asked for.
    Challenge,
    /// A presentation: the domain the verifier asked for.
    Domain,
    /// A presentation: every credential inside verifies.
    Credentials,
}

impl CheckKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckKind::Proof => "proof",
            CheckKind::IssuerKey => "issuer-key",
            CheckKind::ValidityPeriod => "validity-period",
            CheckKind::Revocation => "revocation",
            CheckKind::Suspension => "suspension",
            CheckKind::IssuerTrust => "issuer-trust",
            CheckKind::Schema => "schema",
            CheckKind::RelatedResource => "related-resource",
            CheckKind::HolderProof => "holder-proof",
            CheckKind::Challenge => "challenge",
            CheckKind::Domain => "domain",
            CheckKind::Credentials => "credentials",
        }
    }
}

/// One check's result.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Check {
    pub check: CheckKind,
    pub status: Outcome,
    /// A stable machine code (`signature-mismatch`, `revoked`, ...), which
    /// the verification page translates.
    pub code: &'static str,
    /// One sentence in English.
    pub reason: String,
}

impl Check {
    pub fn ok(check: CheckKind, code: &'static str, reason: impl Into<String>) -> Self {
        Self {
            check,
            status: Outcome::Ok,
            code,
            reason: reason.into(),
        }
    }
    pub fn failed(check: CheckKind, code: &'static str, reason: impl Into<String>) -> Self {
        Self {
            check,
            status: Outcome::Failed,
            code,
            reason: reason.into(),
        }
    }
    pub fn could_not(check: CheckKind, code: &'static str, reason: impl Into<String>) -> Self {
        Self {
            check,
            status: Outcome::CouldNotCheck,
            code,
            reason: reason.into(),
        }
    }
}

pub use atout_core::registry::LocalizedName;

/// The issuer as a person should see it: the name comes from the trust
/// registry only, never from the credential's own claims.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IssuerView {
    pub id: String,
    /// The registry's official names; `None` for an unknown issuer.
    pub name: Option<LocalizedName>,
    pub trusted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accreditation: Option<String>,
}

/// What the page shows of a credential (taken from its content, which the
/// proof check vouches for only when it is `ok`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub types: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub achievement: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
}

/// The result of verifying one credential.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CredentialReport {
    /// VC-API meaning: the proof, the validity period and the status checks
    /// all passed (and the issuer is trusted, when that was required).
    pub verified: bool,
    /// `data-integrity/eddsa-rdfc-2022`, `vc+jwt/EdDSA`, ...
    pub format: String,
    /// VC-API: the names of the checks performed.
    pub checks: Vec<&'static str>,
    /// Every check with its outcome and reason.
    pub results: Vec<Check>,
    /// VC-API: reasons of failed checks and of checks that could not be made.
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
    pub issuer: IssuerView,
    pub credential: Summary,
    /// When the status data used was obtained (a snapshot's date when
    /// verifying offline).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_fetched_at: Option<String>,
    /// An SD-JWT VC: the claims the holder disclosed (with the issuer's
    /// `iss`, `vct`, dates, `cnf`, `status`), and nothing else.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub disclosed: Option<serde_json::Value>,
}

/// The result of verifying a presentation.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PresentationReport {
    pub verified: bool,
    pub checks: Vec<&'static str>,
    pub results: Vec<Check>,
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
    /// One report per credential inside, in order.
    pub credentials: Vec<CredentialReport>,
}

/// The checks that decide `verified` (issuer trust only when required;
/// schema when it failed).
pub(crate) fn decide(results: &[Check], require_trust: bool) -> bool {
    results.iter().all(|c| match c.check {
        CheckKind::IssuerTrust => !require_trust || c.status == Outcome::Ok,
        CheckKind::Schema | CheckKind::RelatedResource => c.status != Outcome::Failed,
        _ => c.status == Outcome::Ok,
    })
}

pub(crate) fn errors_and_warnings(
    results: &[Check],
    require_trust: bool,
) -> (Vec<String>, Vec<String>) {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for c in results {
        if c.status == Outcome::Ok {
            continue;
        }
        let line = format!("{}: {}", c.check.as_str(), c.reason);
        let counts = match c.check {
            CheckKind::IssuerTrust => require_trust,
            CheckKind::Schema | CheckKind::RelatedResource => c.status == Outcome::Failed,
            _ => true,
        };
        if counts {
            errors.push(line);
        } else {
            warnings.push(line);
        }
    }
    (errors, warnings)
}
