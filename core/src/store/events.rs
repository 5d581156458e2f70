//! Events published by organisations and by the platform (issue 19):
//! writing, listing, tags, cancellation. Written once for both backends.
//! Times are UTC; pages show and read them in Europe/Paris.

use super::{PgStore, SqliteStore, StoreError, StoreResult};
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
    /// [`code_tag`] or [`free_tag`].
    pub tag: String,
    /// The framework's name as `Framework::as_str` spells it (`ROME`,
    /// `ESCO`, `RNCP`, `RS`); `None` for a free tag.
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

/// The most events one page of [`EventStore::list_events`] returns (a
/// query's `limit` of 0 or less means this many).
pub const MAX_EVENT_PAGE: i64 = 500;

#[async_trait::async_trait]
pub trait EventStore: Send + Sync {
    /// Writes a new event and its tags, in one transaction.
    async fn create_event(&self, event: &EventRecord, tags: &[EventTag]) -> StoreResult<()>;
    /// Writes several new events with their tags in one transaction: all
    /// or none (a CSV import).
    async fn create_events(&self, events: &[(EventRecord, Vec<EventTag>)]) -> StoreResult<()>;
    /// Replaces an event's fields and tags (`sequence`, `updated_at` as
    /// given). False when there is no such event, or when it is cancelled
    /// and `event` does not say cancelled (a cancellation is never undone
    /// by an edit that read the event before it).
    async fn update_event(&self, event: &EventRecord, tags: &[EventTag]) -> StoreResult<bool>;
    /// Publishes a draft (status `published`, `published_at` and
    /// `updated_at` set to `now`). False when it is not a draft.
    async fn publish_event(&self, id: &str, now: DateTime<Utc>) -> StoreResult<bool>;
    async fn event(&self, id: &str) -> StoreResult<Option<EventFull>>;
    /// Events matching, soonest first, with tags and registration counts;
    /// and how many match in all. At most `limit` (1 to
    /// [`MAX_EVENT_PAGE`]; 0 or less: [`MAX_EVENT_PAGE`]) from `offset`.
    /// Two queries for the page's tags and counts, whatever its size.
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

/// `word` as a LIKE pattern that matches it anywhere, its wildcards
/// escaped (with `ESCAPE '\'`).
fn like_anywhere(word: &str) -> String {
    let mut out = String::with_capacity(word.len() + 2);
    out.push('%');
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

const TAG_COLUMNS: &str = "event_id, tag, framework, code, version, label";

macro_rules! events_sql {
    ($name:ident, $db:ty) => {
        impl $name {
            /// The WHERE clause of a query of events (after `WHERE 1 = 1`).
            fn push_event_filters(q: &mut sqlx::QueryBuilder<'_, $db>, query: &EventQuery) {
                for w in query.words.iter().filter(|w| !w.is_empty()).take(20) {
                    q.push(" AND search_folded LIKE ");
                    q.push_bind(like_anywhere(w));
                    q.push(" ESCAPE '\\'");
                }
                if let Some(kind) = &query.kind {
                    q.push(" AND kind = ");
                    q.push_bind(kind.clone());
                }
                if let Some(d) = &query.department {
                    q.push(" AND department = ");
                    q.push_bind(d.clone());
                }
                match &query.org_id {
                    Some(Some(org)) => {
                        q.push(" AND org_id = ");
                        q.push_bind(org.clone());
                    }
                    Some(None) => {
                        q.push(" AND org_id IS NULL");
                    }
                    None => {}
                }
                if let Some(tag) = &query.tag {
                    q.push(" AND id IN (SELECT event_id FROM event_tags WHERE tag = ");
                    q.push_bind(tag.clone());
                    q.push(")");
                }
                if let Some(t) = query.ends_after {
                    q.push(" AND ends_at > ");
                    q.push_bind(t);
                }
                if let Some(t) = query.starts_before {
                    q.push(" AND starts_at < ");
                    q.push_bind(t);
                }
                if query.online_only {
                    q.push(" AND online_url IS NOT NULL");
                }
                if !query.statuses.is_empty() {
                    q.push(" AND status IN (");
                    let mut sep = q.separated(", ");
                    for s in &query.statuses {
                        sep.push_bind(s.clone());
                    }
                    q.push(")");
                }
            }

            /// The events with their tags and registration counts: one
            /// query for the tags and one for the counts.
            pub(super) async fn events_full(&self, events: Vec<EventRecord>) -> StoreResult<Vec<EventFull>> {
                if events.is_empty() {
                    return Ok(Vec::new());
                }
                let mut out = Vec::with_capacity(events.len());
                for chunk in events.chunks(MAX_EVENT_PAGE as usize) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                        "SELECT {TAG_COLUMNS} FROM event_tags WHERE event_id IN ("
                    ));
                    let mut sep = q.separated(", ");
                    for e in chunk {
                        sep.push_bind(e.id.clone());
                    }
                    // Codes, then free tags, by key (ASCII: the same order
                    // on both databases whatever their collation).
                    q.push(
                        ") ORDER BY event_id, CASE WHEN framework IS NULL THEN 1 ELSE 0 END, tag",
                    );
                    let tags: Vec<EventTag> = q.build_query_as().fetch_all(self.pool()).await?;
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "SELECT event_id, COUNT(*) FROM event_attendees \
                         WHERE registered_at IS NOT NULL AND event_id IN (",
                    );
                    let mut sep = q.separated(", ");
                    for e in chunk {
                        sep.push_bind(e.id.clone());
                    }
                    q.push(") GROUP BY event_id");
                    let counts: Vec<(String, i64)> =
                        q.build_query_as().fetch_all(self.pool()).await?;
                    let mut tags_of: std::collections::HashMap<String, Vec<EventTag>> =
                        std::collections::HashMap::new();
                    for t in tags {
                        tags_of.entry(t.event_id.clone()).or_default().push(t);
                    }
                    let counts: std::collections::HashMap<String, i64> =
                        counts.into_iter().collect();
                    for e in chunk {
                        out.push(EventFull {
                            tags: tags_of.remove(&e.id).unwrap_or_default(),
                            registered: counts.get(&e.id).copied().unwrap_or(0),
                            event: e.clone(),
                        });
                    }
                }
                Ok(out)
            }

            async fn tx_insert_event(
                tx: &mut sqlx::Transaction<'static, $db>,
                e: &EventRecord,
            ) -> StoreResult<()> {
                sqlx::query(&format!(
                    "INSERT INTO events ({EVENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, \
                     $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, \
                     $23, $24, $25, $26)"
                ))
                .bind(&e.id)
                .bind(&e.org_id)
                .bind(&e.kind)
                .bind(&e.title_fr)
                .bind(&e.title_en)
                .bind(&e.description_fr)
                .bind(&e.description_en)
                .bind(e.starts_at)
                .bind(e.ends_at)
                .bind(&e.online_url)
                .bind(&e.address)
                .bind(&e.commune)
                .bind(&e.department)
                .bind(&e.audience)
                .bind(e.capacity)
                .bind(&e.registration)
                .bind(&e.registration_url)
                .bind(&e.status)
                .bind(&e.cancel_reason)
                .bind(e.sequence)
                .bind(&e.search_folded)
                .bind(&e.created_by)
                .bind(e.created_at)
                .bind(e.updated_at)
                .bind(e.published_at)
                .bind(e.cancelled_at)
                .execute(&mut **tx)
                .await
                .map_err(|err| StoreError::from_sqlx(err, "this event exists"))?;
                Ok(())
            }

            /// Replaces the tags of an event.
            async fn tx_event_tags(
                tx: &mut sqlx::Transaction<'static, $db>,
                event_id: &str,
                tags: &[EventTag],
            ) -> StoreResult<()> {
                sqlx::query("DELETE FROM event_tags WHERE event_id = $1")
                    .bind(event_id)
                    .execute(&mut **tx)
                    .await?;
                for t in tags {
                    sqlx::query(&format!(
                        "INSERT INTO event_tags ({TAG_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6) \
                         ON CONFLICT (event_id, tag) DO NOTHING"
                    ))
                    .bind(event_id)
                    .bind(&t.tag)
                    .bind(&t.framework)
                    .bind(&t.code)
                    .bind(&t.version)
                    .bind(&t.label)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl EventStore for $name {
            async fn create_event(&self, event: &EventRecord, tags: &[EventTag]) -> StoreResult<()> {
                let mut tx = self.write().await?;
                Self::tx_insert_event(&mut tx, event).await?;
                Self::tx_event_tags(&mut tx, &event.id, tags).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn create_events(
                &self,
                events: &[(EventRecord, Vec<EventTag>)],
            ) -> StoreResult<()> {
                if events.is_empty() {
                    return Ok(());
                }
                let mut tx = self.write().await?;
                for (event, tags) in events {
                    Self::tx_insert_event(&mut tx, event).await?;
                    Self::tx_event_tags(&mut tx, &event.id, tags).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn update_event(&self, e: &EventRecord, tags: &[EventTag]) -> StoreResult<bool> {
                let mut tx = self.write().await?;
                let n = sqlx::query(
                    "UPDATE events SET kind = $2, title_fr = $3, title_en = $4, \
                     description_fr = $5, description_en = $6, starts_at = $7, ends_at = $8, \
                     online_url = $9, address = $10, commune = $11, department = $12, \
                     audience = $13, capacity = $14, registration = $15, registration_url = $16, \
                     status = $17, cancel_reason = $18, sequence = $19, search_folded = $20, \
                     updated_at = $21, published_at = $22, cancelled_at = $23 \
                     WHERE id = $1 AND (status <> 'cancelled' OR $17 = 'cancelled')",
                )
                .bind(&e.id)
                .bind(&e.kind)
                .bind(&e.title_fr)
                .bind(&e.title_en)
                .bind(&e.description_fr)
                .bind(&e.description_en)
                .bind(e.starts_at)
                .bind(e.ends_at)
                .bind(&e.online_url)
                .bind(&e.address)
                .bind(&e.commune)
                .bind(&e.department)
                .bind(&e.audience)
                .bind(e.capacity)
                .bind(&e.registration)
                .bind(&e.registration_url)
                .bind(&e.status)
                .bind(&e.cancel_reason)
                .bind(e.sequence)
                .bind(&e.search_folded)
                .bind(e.updated_at)
                .bind(e.published_at)
                .bind(e.cancelled_at)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if n == 0 {
                    return Ok(false);
                }
                Self::tx_event_tags(&mut tx, &e.id, tags).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn publish_event(&self, id: &str, now: DateTime<Utc>) -> StoreResult<bool> {
                Ok(sqlx::query(
                    "UPDATE events SET status = 'published', published_at = $2, updated_at = $2 \
                     WHERE id = $1 AND status = 'draft'",
                )
                .bind(id)
                .bind(now)
                .execute(self.pool())
                .await?
                .rows_affected()
                    > 0)
            }

            async fn event(&self, id: &str) -> StoreResult<Option<EventFull>> {
                let e: Option<EventRecord> =
                    sqlx::query_as(&format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = $1"))
                        .bind(id)
                        .fetch_optional(self.pool())
                        .await?;
                match e {
                    Some(e) => Ok(self.events_full(vec![e]).await?.pop()),
                    None => Ok(None),
                }
            }

            async fn list_events(&self, query: &EventQuery) -> StoreResult<(Vec<EventFull>, i64)> {
                let limit = if query.limit <= 0 {
                    MAX_EVENT_PAGE
                } else {
                    query.limit.min(MAX_EVENT_PAGE)
                };
                let mut q = sqlx::QueryBuilder::<$db>::new(
                    "SELECT COUNT(*) FROM events WHERE 1 = 1",
                );
                Self::push_event_filters(&mut q, query);
                let total: i64 = q.build_query_scalar().fetch_one(self.pool()).await?;
                if total == 0 || query.offset >= total {
                    return Ok((Vec::new(), total));
                }
                let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {EVENT_COLUMNS} FROM events WHERE 1 = 1"
                ));
                Self::push_event_filters(&mut q, query);
                q.push(" ORDER BY starts_at, id LIMIT ");
                q.push_bind(limit);
                q.push(" OFFSET ");
                q.push_bind(query.offset.max(0));
                let events: Vec<EventRecord> = q.build_query_as().fetch_all(self.pool()).await?;
                Ok((self.events_full(events).await?, total))
            }

            async fn cancel_event(
                &self,
                id: &str,
                reason: Option<&str>,
                now: DateTime<Utc>,
            ) -> StoreResult<Option<Vec<String>>> {
                let mut tx = self.write().await?;
                let n = sqlx::query(
                    "UPDATE events SET status = 'cancelled', cancel_reason = $2, \
                     sequence = sequence + 1, cancelled_at = $3, updated_at = $3 \
                     WHERE id = $1 AND status = 'published'",
                )
                .bind(id)
                .bind(reason)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if n == 0 {
                    return Ok(None);
                }
                let citizens: Vec<String> = sqlx::query_scalar(
                    "SELECT citizen_id FROM event_attendees WHERE event_id = $1 \
                     AND (registered_at IS NOT NULL OR starred_at IS NOT NULL) ORDER BY citizen_id",
                )
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(Some(citizens))
            }

            async fn delete_draft_event(&self, id: &str) -> StoreResult<bool> {
                Ok(sqlx::query("DELETE FROM events WHERE id = $1 AND status = 'draft'")
                    .bind(id)
                    .execute(self.pool())
                    .await?
                    .rows_affected()
                    > 0)
            }

            async fn event_registrations(
                &self,
                id: &str,
            ) -> StoreResult<Vec<(String, String, String, DateTime<Utc>)>> {
                let rows: Vec<(String, String, String, Option<DateTime<Utc>>)> = sqlx::query_as(
                    "SELECT c.id, c.display_name, c.email, a.registered_at \
                     FROM event_attendees a JOIN citizens c ON c.id = a.citizen_id \
                     WHERE a.event_id = $1 AND a.registered_at IS NOT NULL \
                     ORDER BY a.registered_at, c.id",
                )
                .bind(id)
                .fetch_all(self.pool())
                .await?;
                Ok(rows
                    .into_iter()
                    .filter_map(|(id, name, email, at)| at.map(|at| (id, name, email, at)))
                    .collect())
            }
        }
    };
}

events_sql!(SqliteStore, sqlx::Sqlite);
events_sql!(PgStore, sqlx::Postgres);
