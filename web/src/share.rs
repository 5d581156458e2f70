//! What a share link opens, for whoever holds the link. The wallet owns
//! shares (`atout_wallet_api::shares`); the verifier's pages show them.
//! Services never import each other: the page asks through
//! [`SharedPortfolios`], which the server wires to the wallet.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

/// A link token of verification links, shares and invitations: base64url
/// of 16 bytes. Anything else is refused before the database is asked.
pub fn plausible_token(token: &str) -> bool {
    token.len() == 22
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The cookie holding a share's pass after a right PIN (scoped to the
/// share's path; read by the page and by the document route).
pub const PASS_COOKIE: &str = "atout_share_pass";

/// The pass cookie's value, if the request has one.
pub fn pass_cookie(headers: &http::HeaderMap) -> Option<String> {
    crate::auth::cookie(headers, PASS_COOKIE).map(str::to_owned)
}

/// Who opens a share, and how.
#[derive(Debug, Clone, Default)]
pub struct ShareRequest {
    /// The PIN typed by the visitor, if the share asks for one.
    pub pin: Option<String>,
    /// A pass from an earlier right PIN (see [`SharedView::pass`]).
    pub pass: Option<String>,
    /// The verifier's challenge: the presentation's proof carries it.
    pub challenge: String,
    /// The verifier's domain (the presentation's audience).
    pub domain: String,
    /// `User-Agent`, for the owner's access log.
    pub user_agent: Option<String>,
    /// The opening is a machine's (`presented`) or a page's (`opened`).
    pub machine: bool,
}

/// An entry the citizen wrote, shown for what it is.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SharedEntry {
    pub kind: String,
    pub title: String,
    pub organisation: Option<String>,
    pub place: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub description: Option<String>,
    /// `declared`, `endorsed` or `certified`.
    pub trust: String,
    /// For a certified entry: the position of the credential that
    /// certifies it (when that credential is shared too): among the
    /// presentation's `verifiableCredential`, then the SD-JWT VCs.
    pub credential_index: Option<usize>,
    /// Framework codes (ROME, RNCP, ESCO ...), keywords, CEFR levels.
    #[schema(value_type = Object)]
    pub details: Value,
    /// The entry's visible endorsements (hidden and withdrawn ones are
    /// not shared), oldest first.
    pub endorsements: Vec<SharedEndorsement>,
}

/// A peer's endorsement of an entry: their words and the credential they
/// signed (checked by whoever reads it).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SharedEndorsement {
    /// The name the author gave.
    pub author_name: String,
    /// The DID that signed the endorsement.
    pub author_did: String,
    pub comment: String,
    pub created_at: DateTime<Utc>,
    /// The signed EndorsementCredential (JSON, or a JWT as a string).
    #[schema(value_type = Object)]
    pub credential: Value,
}

/// A document of the share (its content is downloaded separately).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SharedDocument {
    pub id: String,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    /// Path of the download, under the share's link.
    pub href: String,
}

/// What a share shows.
#[derive(Debug, Clone)]
pub struct SharedView {
    pub share_id: String,
    /// The citizen's display name (the share's label is the owner's own
    /// note and never reaches its visitors).
    pub owner: String,
    /// The citizen's headline, if they wrote one (shown under the name).
    pub headline: Option<String>,
    /// The holder's DID (the presentation's `holder`).
    pub holder: String,
    /// A verifiable presentation of the shared credentials, signed now by
    /// the citizen's holder key, bound to the request's challenge and
    /// domain; `None` when no credential is shared.
    pub presentation: Option<Value>,
    /// The shared SD-JWT VCs, each presented with the chosen disclosures
    /// and a Key Binding JWT for the request's challenge (nonce) and domain
    /// (aud). Entries' `credential_index` counts them after the
    /// presentation's credentials.
    pub sd_jwts: Vec<String>,
    /// For each credential, in the order entries' `credential_index`
    /// counts them, its 1-based position among the share's items: the `n`
    /// of `/s/{token}/{n}`, the page of that one credential (what a CV's
    /// line links to).
    pub credential_items: Vec<usize>,
    pub entries: Vec<SharedEntry>,
    pub documents: Vec<SharedDocument>,
    pub expires_at: Option<DateTime<Utc>>,
    /// For a share with a PIN opened with the right one: a pass (valid a
    /// short while) that opens it again without the PIN (a cookie).
    pub pass: Option<String>,
}

/// Why a share does not open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareRefusal {
    /// No such share (or a malformed token).
    Unknown,
    /// Revoked by its owner.
    Revoked,
    Expired,
    /// It asks for a PIN and none (or no valid pass) was given.
    PinRequired,
    /// A wrong PIN; so many attempts are left.
    PinWrong {
        remaining: i64,
    },
    /// Too many wrong PINs: closed until then.
    PinLocked {
        until: DateTime<Utc>,
    },
    /// This address guessed too many unknown links: wait.
    TooManyGuesses {
        retry_after_secs: u64,
    },
    /// Too many PIN and password checks at once: come back shortly (503).
    Busy {
        retry_after_secs: u64,
    },
    /// The store or a key failed (logged).
    Unavailable,
}

/// A document's content, for a share's visitor.
pub struct SharedContent {
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub body: futures_util::stream::BoxStream<'static, Result<bytes::Bytes, std::io::Error>>,
}

/// Shares, as their visitors reach them.
#[async_trait::async_trait]
pub trait SharedPortfolios: Send + Sync {
    /// Opens a share by its link token (logged for its owner).
    async fn open(
        &self,
        token: &str,
        client: Option<std::net::IpAddr>,
        request: ShareRequest,
    ) -> Result<SharedView, ShareRefusal>;

    /// A document of a share (logged for its owner).
    async fn document(
        &self,
        token: &str,
        document_id: &str,
        client: Option<std::net::IpAddr>,
        request: ShareRequest,
    ) -> Result<SharedContent, ShareRefusal>;
}
