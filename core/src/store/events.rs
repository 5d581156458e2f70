//! Events published by organisations and by the platform (issue 19):
//! writing, listing, tags, cancellation. Written once for both backends.
//! Times are UTC; pages show and read them in Europe/Paris.

use super::{PgStore, SqliteStore, StoreResult};
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

/// The tag key of a framework code (`rome:M1805`): the framework's name
/// in lower case (`ROME` and `rome` are one), a colon, the code.
pub fn code_tag(framework: &str, code: &str) -> String {
    format!("{}:{code}", framework.trim().to_ascii_lowercase())
}

/// The tag key of a free tag: `free:` and the text folded (lower case,
/// without accents, single spaces), so that « Numérique » and « numerique »
/// are one tag.
pub fn free_tag(folded: &str) -> String {
    format!("free:{folded}")
}

/// A search of events (the public listing, an organisation's list).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventQuery {
    /// Words, folded (see `atout_frameworks::normalize::fold`); each must
    /// occur in `search_folded`.
    pub words: Vec<String>,
    pub kind: Option<String>,
    pub department: Option<String>,
    /// `Some(None)`: the platform's region-wide events only.
    pub org_id: Option<Option<String>>,
    /// A tag key (`rome:M1805`, `free:numerique`).
    pub tag: Option<String>,
    /// Events that end after this instant (default: all).
    pub ends_after: Option<DateTime<Utc>>,
    /// Events that start before this instant.
    pub starts_before: Option<DateTime<Utc>>,
    /// Online events only (an online link).
    pub online_only: bool,
    /// The statuses listed (the public listing: published and cancelled).
    pub statuses: Vec<String>,
    pub limit: i64,
    pub offset: i64,
}

/// An event with its tags and how many citizens registered in Atout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFull {
    pub event: EventRecord,
    pub tags: Vec<EventTag>,
    pub registered: i64,
}

#[async_trait::async_trait]
pub trait EventStore: Send + Sync {
    /// Writes a new event and its tags, in one transaction.
    async fn create_event(&self, event: &EventRecord, tags: &[EventTag]) -> StoreResult<()>;
    /// Replaces an event's fields and tags (`sequence`, `updated_at` as
    /// given). False when there is no such event.
    async fn update_event(&self, event: &EventRecord, tags: &[EventTag]) -> StoreResult<bool>;
    async fn event(&self, id: &str) -> StoreResult<Option<EventFull>>;
    /// Events matching, soonest first, with tags and registration counts;
    /// and how many match in all.
    async fn list_events(&self, query: &EventQuery) -> StoreResult<(Vec<EventFull>, i64)>;
    /// Cancels a published event (status `cancelled`, the reason, sequence
    /// raised) and returns the citizens who registered or starred it, in
    /// the same transaction; `None` when it is not a published event.
    async fn cancel_event(
        &self,
        id: &str,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Vec<String>>>;
    /// Deletes a draft. False when there is no such draft.
    async fn delete_draft_event(&self, id: &str) -> StoreResult<bool>;
    /// The citizens registered in Atout for an event: (citizen id, display
    /// name, email, registered at), in registration order.
    async fn event_registrations(
        &self,
        id: &str,
    ) -> StoreResult<Vec<(String, String, String, DateTime<Utc>)>>;
}

macro_rules! events_sql {
    ($name:ident, $db:ty) => {
        #[async_trait::async_trait]
        impl EventStore for $name {
            async fn create_event(&self, _event: &EventRecord, _tags: &[EventTag]) -> StoreResult<()> {
                Err(super::StoreError::Config("events are not written yet".into()))
            }
            async fn update_event(&self, _event: &EventRecord, _tags: &[EventTag]) -> StoreResult<bool> {
                Ok(false)
            }
            async fn event(&self, _id: &str) -> StoreResult<Option<EventFull>> {
                Ok(None)
            }
            async fn list_events(&self, _query: &EventQuery) -> StoreResult<(Vec<EventFull>, i64)> {
                Ok((Vec::new(), 0))
            }
            async fn cancel_event(
                &self,
                _id: &str,
                _reason: Option<&str>,
                _now: DateTime<Utc>,
            ) -> StoreResult<Option<Vec<String>>> {
                Ok(None)
            }
            async fn delete_draft_event(&self, _id: &str) -> StoreResult<bool> {
                Ok(false)
            }
            async fn event_registrations(
                &self,
                _id: &str,
            ) -> StoreResult<Vec<(String, String, String, DateTime<Utc>)>> {
                Ok(Vec::new())
            }
        }
    };
}

events_sql!(SqliteStore, sqlx::Sqlite);
events_sql!(PgStore, sqlx::Postgres);
