//! Where the verifier gets what it does not hold: the trust registry and
//! status list credentials. Each is a trait so that the same engine runs
//! inside the full server (database), alone over HTTP, or from an offline
//! snapshot.

use atout_core::did::ResolveError;
use chrono::{DateTime, Utc};
use std::{collections::HashMap, sync::Arc};

pub use atout_core::registry::{RegistrySnapshot, Trust, TrustedIssuer};

/// The trust registry, as seen by the verifier.
#[async_trait::async_trait]
pub trait TrustRegistry: Send + Sync + 'static {
    /// The entry for `did`, if the registry lists it (whatever its dates).
    async fn lookup(&self, did: &str) -> Result<Option<TrustedIssuer>, String>;
}

/// A registry held in memory: a verified registry document or a snapshot.
#[async_trait::async_trait]
impl TrustRegistry for RegistrySnapshot {
    async fn lookup(&self, did: &str) -> Result<Option<TrustedIssuer>, String> {
        Ok(self.entries.get(did).cloned())
    }
}

/// The registry in this deployment's database (read-only use).
pub struct StoreRegistry(pub Arc<atout_core::registry::Registry>);

#[async_trait::async_trait]
impl TrustRegistry for StoreRegistry {
    async fn lookup(&self, did: &str) -> Result<Option<TrustedIssuer>, String> {
        match self.0.get(did).await {
            Ok(entry) => Ok(Some(entry)),
            Err(
                atout_core::registry::RegistryError::NotFound(_)
                | atout_core::registry::RegistryError::Invalid(_),
            ) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// A status list credential as fetched (not yet verified).
#[derive(Debug, Clone)]
pub struct FetchedList {
    /// The list credential: JSON text (Data Integrity) or a compact JWT.
    pub body: String,
    /// When it was obtained (for a snapshot: when the snapshot was taken).
    pub fetched_at: DateTime<Utc>,
}

/// Where status list credentials come from.
#[async_trait::async_trait]
pub trait StatusLists: Send + Sync + 'static {
    async fn fetch(&self, url: &str) -> Result<FetchedList, ResolveError>;
}

/// Status lists over HTTP(S), with the foundation's guards (timeout, size
/// limit, no redirects, no private addresses in production).
pub struct HttpStatusLists {
    pub http: atout_did_docs::GuardedHttp,
    pub clock: Arc<dyn atout_core::clock::Clock>,
}

/// Largest status list credential fetched (a 16 KiB list compresses to far
/// less; 1 MiB leaves room for large lists and JWT encodings).
pub const MAX_LIST_BYTES: usize = 1024 * 1024;

#[async_trait::async_trait]
impl StatusLists for HttpStatusLists {
    async fn fetch(&self, url: &str) -> Result<FetchedList, ResolveError> {
        let parsed = url::Url::parse(url)
            .map_err(|_| ResolveError::Fetch(format!("{:?} is not a URL", short(url))))?;
        let body = self
            .http
            .get(
                parsed,
                "application/vc+ld+json, application/vc+jwt, application/vc, application/json;q=0.9",
                Some(MAX_LIST_BYTES),
            )
            .await?;
        let body = String::from_utf8(body)
            .map_err(|_| ResolveError::InvalidDocument("the document is not UTF-8".into()))?;
        Ok(FetchedList {
            body,
            fetched_at: self.clock.now(),
        })
    }
}

/// The issuer side of a deployment: its own lists, read from its store
/// (no signature to check, no cache: a revocation shows at once).
#[async_trait::async_trait]
pub trait LocalLists: Send + Sync + 'static {
    /// `None` when the URL is not one of this deployment's lists.
    async fn local_status(&self, url: &str, index: u64) -> Option<Result<LocalStatus, String>>;
}

/// One bit of a local list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalStatus {
    /// The DID of the organisation that owns the list.
    pub issuer: String,
    /// `revocation` or `suspension`.
    pub purpose: String,
    /// Whether the bit is outside the list.
    pub out_of_range: bool,
    pub set: bool,
}

/// Status lists from an offline snapshot only: no network at all.
#[derive(Debug, Default, Clone)]
pub struct SnapshotLists {
    pub lists: HashMap<String, String>,
    pub taken_at: DateTime<Utc>,
}

#[async_trait::async_trait]
impl StatusLists for SnapshotLists {
    async fn fetch(&self, url: &str) -> Result<FetchedList, ResolveError> {
        self.lists
            .get(url)
            .map(|body| FetchedList {
                body: body.clone(),
                fetched_at: self.taken_at,
            })
            .ok_or_else(|| {
                ResolveError::Fetch(format!("{} is not in the offline snapshot", short(url)))
            })
    }
}

/// Why a document (status list, schema) could not be fetched, in words
/// that do not borrow the DID resolver's ("the DID document could not be
/// fetched"): the fetch goes through the same guarded client and error
/// type, but it is not a DID document.
pub(crate) fn fetch_failure(e: &ResolveError) -> String {
    match e {
        ResolveError::NotFound(_) => "the server has no such document (HTTP 404 or 410)".into(),
        ResolveError::Timeout => "the request timed out".into(),
        ResolveError::TooLarge(max) => format!("it is larger than {max} bytes"),
        ResolveError::Fetch(why) | ResolveError::InvalidDocument(why) => short(why),
        ResolveError::Internal(why) => format!("internal error: {}", short(why)),
        ResolveError::ForbiddenAddress(_)
        | ResolveError::InvalidDid(_)
        | ResolveError::UnsupportedMethod(_) => e.to_string(),
    }
}

pub(crate) fn short(text: &str) -> String {
    text.chars().take(200).collect()
}

/// This deployment's own lists, read from its store (read-only queries: a
/// replica is enough). URLs look like `{base}/orgs/{slug}/status/{purpose}-{n}`.
pub struct StoreLists {
    pub store: Arc<dyn atout_core::store::Store>,
    pub did_web: atout_core::did::DidWeb,
    /// Public base URL, without a trailing slash.
    pub base: String,
}

#[async_trait::async_trait]
impl LocalLists for StoreLists {
    async fn local_status(&self, url: &str, index: u64) -> Option<Result<LocalStatus, String>> {
        let rest = url.strip_prefix(&self.base)?.strip_prefix("/orgs/")?;
        let (slug, list) = rest.split_once("/status/")?;
        let (purpose, number) = list.rsplit_once('-')?;
        let purpose = atout_core::store::StatusPurpose::parse(purpose)?;
        if number.is_empty() || number.len() > 9 || !number.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let number: i64 = number.parse().ok()?;
        let index = i64::try_from(index).unwrap_or(i64::MAX);
        let answer = async {
            let (size, set) = self
                .store
                .status_bit(slug, purpose, number, index)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| "no such status list".to_owned())?;
            let out_of_range = index >= size;
            // The list's issuer is the organisation's DID: did:web, or the
            // did:key an organisation may be identified by instead.
            let org = self
                .store
                .get_org_by_slug(slug)
                .await
                .map_err(|e| e.to_string())?;
            let issuer = match org.and_then(|o| o.did_key) {
                Some(did) => did,
                None => self.did_web.org(slug),
            };
            Ok(LocalStatus {
                issuer,
                purpose: purpose.as_str().to_owned(),
                out_of_range,
                set: set && !out_of_range,
            })
        };
        Some(answer.await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A status list or schema that cannot be fetched is never described
    /// as a DID document.
    #[test]
    fn fetch_failures_do_not_speak_of_did_documents() {
        for (e, says) in [
            (
                ResolveError::NotFound("https://x.example/status/1".into()),
                "no such document",
            ),
            (
                ResolveError::Fetch("the server answered HTTP 500".into()),
                "HTTP 500",
            ),
            (
                ResolveError::Fetch("could not connect to the host".into()),
                "could not connect",
            ),
            (ResolveError::Timeout, "timed out"),
            (ResolveError::TooLarge(1024), "1024 bytes"),
            (
                ResolveError::InvalidDocument("the document is not UTF-8".into()),
                "UTF-8",
            ),
            (ResolveError::ForbiddenAddress("10.0.0.1".into()), "private"),
        ] {
            let text = fetch_failure(&e);
            assert!(text.contains(says), "{text}");
            assert!(!text.contains("DID"), "{text}");
        }
    }
}
