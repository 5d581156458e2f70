//! The live state of a credential a citizen holds, as the verifier sees it
//! now. Services never import each other: the wallet asks through
//! [`CredentialCheck`], which the server implements with the verifier's
//! engine (`atout_verifier::wallet_check`) and puts in [`crate::AppState`].

use atout_core::registry::LocalizedName;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;

/// What a credential is worth right now, in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LiveState {
    /// Proof, issuer key, validity period and status all check out, and
    /// the issuer is in the trust registry.
    Verified,
    /// The issuer revoked it (the proof still holds).
    Revoked,
    /// The issuer suspended it, perhaps for a while.
    Suspended,
    /// Past its `validUntil`.
    Expired,
    /// Before its `validFrom`.
    NotYetValid,
    /// The proof is fine, but the issuer is not in the trust registry.
    UnknownIssuer,
    /// A check failed: altered content, a key that is not the issuer's, a
    /// context that cannot be interpreted, a schema it does not match.
    Invalid,
    /// Something needed could not be obtained (the issuer's DID document
    /// or status list did not answer): neither valid nor invalid.
    CouldNotCheck,
}

impl LiveState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Verified => "verified",
            Self::Revoked => "revoked",
            Self::Suspended => "suspended",
            Self::Expired => "expired",
            Self::NotYetValid => "not-yet-valid",
            Self::UnknownIssuer => "unknown-issuer",
            Self::Invalid => "invalid",
            Self::CouldNotCheck => "could-not-check",
        }
    }
}

/// The result of checking one credential.
#[derive(Debug, Clone)]
pub struct CheckOutcome {
    pub state: LiveState,
    /// The issuer's official names, from the trust registry only (never
    /// from the credential's own claims).
    pub issuer_name: Option<LocalizedName>,
    /// The verifier's full report (the `POST /credentials/verify` body).
    pub report: Arc<Value>,
    /// When the verifier produced this answer (answers are cached briefly).
    pub checked_at: DateTime<Utc>,
}

/// What a credential offered for import says about itself, read by the
/// verifier (the content is vouched for only as far as `outcome` says).
#[derive(Debug, Clone)]
pub struct Inspected {
    /// `ldp_vc` (Data Integrity) or `vc+jwt` (compact JWT, or an
    /// `EnvelopedVerifiableCredential` carrying one).
    pub format: &'static str,
    /// The credential's own `id`, if any.
    pub credential_id: Option<String>,
    /// The issuer's DID.
    pub issuer: String,
    pub types: Vec<String>,
    /// For lists: the achievement's (or degree's) name, the credential's
    /// `name`, or its most specific type.
    pub title: String,
    pub valid_from: Option<DateTime<Utc>>,
    pub valid_until: Option<DateTime<Utc>>,
    pub outcome: CheckOutcome,
}

/// Input that is not a credential at all (not a verification result).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotACredential(pub String);

impl std::fmt::Display for NotACredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks credentials held in wallets.
#[async_trait::async_trait]
pub trait CredentialCheck: Send + Sync {
    /// The live state of a stored credential (`body` verbatim, `format`
    /// as stored). Answers may come from a short-lived cache; a stored
    /// body that no longer parses is `invalid`.
    async fn check(&self, body: &str, format: &str) -> CheckOutcome;

    /// Reads and verifies a credential offered for import (a Data
    /// Integrity credential or an `EnvelopedVerifiableCredential` as JSON,
    /// or a compact JWT as a string). Never cached.
    async fn inspect(&self, input: &Value) -> Result<Inspected, NotACredential>;
}
