//! Events published by organisations and by the platform (issue 19):
//! writing, listing, tags, cancellation. Written once for both backends.
//! Times are UTC; pages show and read them in Europe/Paris.

use super::{PgStore, SqliteStore};
use chrono::{DateTime, Utc};

/// The columns of `events`, in [`EventRecord`]'s order.
pub const EVENT_COLUMNS: &str = "id, org_id, kind, title_fr, title_en, description_fr, \
     description_en, starts_at, ends_at, online_url, address, commune, department, audience, \
     capacity, registration, registration_url, status, cancel_reason, sequence, search_folded, \
     created_by, created_at, updated_at, published_at, cancelled_at";

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EventRecord {
    pub id: String,
    /// `None`: a region-wide event of the platform.
    pub org_id: Option<String>,
    /// `job-fair`, `open-day`, `info-session`, `training-session`,
    /// `recruitment`, `workshop` or `other`.
    pub kind: String,
    pub title_fr: Option<String>,
    pub title_en: Option<String>,
    pub description_fr: Option<String>,
    pub description_en: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub online_url: Option<String>,
    pub address: Option<String>,
    pub commune: Option<String>,
    pub department: Option<String>,
    /// `all`, `job-seekers`, `students`, `young`, `employees` or `employers`.
    pub audience: String,
    pub capacity: Option<i64>,
    /// `none`, `external` or `atout`.
    pub registration: String,
    pub registration_url: Option<String>,
    /// `draft`, `published` or `cancelled`.
    pub status: String,
    pub cancel_reason: Option<String>,
    /// iCalendar `SEQUENCE`: raised by each change once published.
    pub sequence: i64,
    pub search_folded: String,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
}

/// A tag of an event: a framework code (`tag` = `rome:M1805`,
/// `esco:<uri>`, `rncp:RNCP35830`) or a free tag (`free:<folded text>`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EventTag {
    pub event_id: String,
    pub tag: String,
    pub framework: Option<String>,
    pub code: Option<String>,
    pub version: Option<String>,
    pub label: String,
}

/// The tag key of a framework code (`rome:M1805`).
pub fn code_tag(framework: &str, code: &str) -> String {
    format!("{framework}:{code}")
}

/// The tag key of a free tag: `free:` and the text folded (lower case,
/// without accents, single spaces), so that « Numérique » and « numerique »
/// are one tag.
pub fn free_tag(folded: &str) -> String {
    format!("free:{folded}")
}

#[async_trait::async_trait]
pub trait EventStore: Send + Sync {}

macro_rules! events_sql {
    ($name:ident, $db:ty) => {
        #[async_trait::async_trait]
        impl EventStore for $name {}
    };
}

events_sql!(SqliteStore, sqlx::Sqlite);
events_sql!(PgStore, sqlx::Postgres);
