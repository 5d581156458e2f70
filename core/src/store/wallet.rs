//! Storage of what a citizen writes and keeps: entries (experiences,
//! education, skills, languages, projects, interests) and documents of the
//! vault. Written once for both backends.
//!
//! Also the holding queries the wallet needs beyond `CitizenStore`'s: an
//! import that refuses a credential already held, and the dates of every
//! holding (the timeline).

use super::{citizens::HOLDING_COLUMNS, HoldingRecord, PgStore, SqliteStore, StoreResult};
use chrono::{DateTime, Utc};

/// Something a citizen wrote about their path.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EntryRecord {
    pub id: String,
    pub citizen_id: String,
    /// `experience`, `education`, `skill`, `language`, `project` or
    /// `interest`.
    pub kind: String,
    /// Role, degree, skill, language, project or interest.
    pub title: String,
    /// Employer, school.
    pub organisation: Option<String>,
    pub place: Option<String>,
    /// ISO 8601: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub description: Option<String>,
    /// JSON object: kind-specific (CEFR levels, framework codes, url ...).
    pub details: String,
    /// The holding that certifies it.
    pub holding_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What became of an entry written to the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryWrite {
    Done,
    /// No such entry of this citizen (updates).
    NotFound,
    /// `holding_id` is not one of this citizen's holdings.
    HoldingNotFound,
    /// The citizen already has the most entries allowed (creation).
    TooMany,
}

/// A holding's place in time, for the timeline.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HoldingDate {
    pub id: String,
    pub valid_from: Option<DateTime<Utc>>,
    pub received_at: DateTime<Utc>,
}

const ENTRY_COLUMNS: &str = "id, citizen_id, kind, title, organisation, place, start_date, \
     end_date, description, details, holding_id, created_at, updated_at";

#[async_trait::async_trait]
pub trait WalletStore: Send + Sync {
    /// Stores a new entry, unless its holding is not the citizen's or the
    /// citizen has `max` entries already.
    async fn insert_entry(&self, entry: &EntryRecord, max: i64) -> StoreResult<EntryWrite>;
    /// The citizen's entries (of one kind), newest start first, undated last.
    async fn list_entries(
        &self,
        citizen_id: &str,
        kind: Option<&str>,
    ) -> StoreResult<Vec<EntryRecord>>;
    async fn get_entry(&self, citizen_id: &str, id: &str) -> StoreResult<Option<EntryRecord>>;
    /// Replaces every field but `id`, `citizen_id`, `kind` and `created_at`.
    async fn update_entry(&self, entry: &EntryRecord) -> StoreResult<EntryWrite>;
    async fn delete_entry(&self, citizen_id: &str, id: &str) -> StoreResult<bool>;

    /// Stores an imported holding unless the citizen holds the same
    /// credential already (the same issuer and `credential_id`, or, for a
    /// credential without id, the same bytes): then returns the id of the
    /// one held, and stores nothing.
    async fn insert_holding_once(&self, holding: &HoldingRecord) -> StoreResult<Option<String>>;
    /// Every holding of the citizen with its dates (no bodies).
    async fn holding_dates(&self, citizen_id: &str) -> StoreResult<Vec<HoldingDate>>;
    /// These holdings of the citizen (others' ids are ignored).
    async fn holdings_by_ids(
        &self,
        citizen_id: &str,
        ids: &[String],
    ) -> StoreResult<Vec<HoldingRecord>>;
}

macro_rules! wallet_sql {
    ($name:ident, $db:ty, $lock:expr) => {
        impl $name {
            /// Serialises a citizen's wallet writes (PostgreSQL runs READ
            /// COMMITTED; SQLite's `BEGIN IMMEDIATE` already serialises).
            async fn lock_wallet(
                tx: &mut sqlx::Transaction<'static, $db>,
                citizen_id: &str,
            ) -> StoreResult<()> {
                let lock: Option<&str> = $lock;
                if let Some(sql) = lock {
                    sqlx::query(sql)
                        .bind(format!("wallet:{citizen_id}"))
                        .execute(&mut **tx)
                        .await?;
                }
                Ok(())
            }

            async fn owns_holding(
                tx: &mut sqlx::Transaction<'static, $db>,
                citizen_id: &str,
                holding_id: &Option<String>,
            ) -> StoreResult<bool> {
                let Some(holding) = holding_id else {
                    return Ok(true);
                };
                let found: Option<String> =
                    sqlx::query_scalar("SELECT id FROM holdings WHERE citizen_id = $1 AND id = $2")
                        .bind(citizen_id)
                        .bind(holding)
                        .fetch_optional(&mut **tx)
                        .await?;
                Ok(found.is_some())
            }
        }

        #[async_trait::async_trait]
        impl WalletStore for $name {
            async fn insert_entry(&self, e: &EntryRecord, max: i64) -> StoreResult<EntryWrite> {
                let mut tx = self.write().await?;
                Self::lock_wallet(&mut tx, &e.citizen_id).await?;
                let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM entries WHERE citizen_id = $1")
                    .bind(&e.citizen_id)
                    .fetch_one(&mut *tx)
                    .await?;
                if count >= max {
                    return Ok(EntryWrite::TooMany);
                }
                if !Self::owns_holding(&mut tx, &e.citizen_id, &e.holding_id).await? {
                    return Ok(EntryWrite::HoldingNotFound);
                }
                sqlx::query(&format!(
                    "INSERT INTO entries ({ENTRY_COLUMNS}) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
                ))
                .bind(&e.id)
                .bind(&e.citizen_id)
                .bind(&e.kind)
                .bind(&e.title)
                .bind(&e.organisation)
                .bind(&e.place)
                .bind(&e.start_date)
                .bind(&e.end_date)
                .bind(&e.description)
                .bind(&e.details)
                .bind(&e.holding_id)
                .bind(e.created_at)
                .bind(e.updated_at)
                .execute(&mut *tx)
                .await
                .map_err(|err| super::StoreError::from_sqlx(err, "this entry exists"))?;
                tx.commit().await?;
                Ok(EntryWrite::Done)
            }

            async fn list_entries(&self, citizen_id: &str, kind: Option<&str>) -> StoreResult<Vec<EntryRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {ENTRY_COLUMNS} FROM entries WHERE citizen_id = $1 \
                     AND (CAST($2 AS TEXT) IS NULL OR kind = $2) \
                     ORDER BY (start_date IS NULL), start_date DESC, created_at DESC, id DESC"
                ))
                .bind(citizen_id)
                .bind(kind)
                .fetch_all(self.pool())
                .await?)
            }

            async fn get_entry(&self, citizen_id: &str, id: &str) -> StoreResult<Option<EntryRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {ENTRY_COLUMNS} FROM entries WHERE citizen_id = $1 AND id = $2"
                ))
                .bind(citizen_id)
                .bind(id)
                .fetch_optional(self.pool())
                .await?)
            }

            async fn update_entry(&self, e: &EntryRecord) -> StoreResult<EntryWrite> {
                let mut tx = self.write().await?;
                Self::lock_wallet(&mut tx, &e.citizen_id).await?;
                if !Self::owns_holding(&mut tx, &e.citizen_id, &e.holding_id).await? {
                    return Ok(EntryWrite::HoldingNotFound);
                }
                let done = sqlx::query(
                    "UPDATE entries SET title = $1, organisation = $2, place = $3, start_date = $4, \
                     end_date = $5, description = $6, details = $7, holding_id = $8, updated_at = $9 \
                     WHERE citizen_id = $10 AND id = $11",
                )
                .bind(&e.title)
                .bind(&e.organisation)
                .bind(&e.place)
                .bind(&e.start_date)
                .bind(&e.end_date)
                .bind(&e.description)
                .bind(&e.details)
                .bind(&e.holding_id)
                .bind(e.updated_at)
                .bind(&e.citizen_id)
                .bind(&e.id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    > 0;
                tx.commit().await?;
                Ok(if done { EntryWrite::Done } else { EntryWrite::NotFound })
            }

            async fn delete_entry(&self, citizen_id: &str, id: &str) -> StoreResult<bool> {
                let mut tx = self.write().await?;
                let done = sqlx::query("DELETE FROM entries WHERE citizen_id = $1 AND id = $2")
                    .bind(citizen_id)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                    > 0;
                tx.commit().await?;
                Ok(done)
            }

            async fn insert_holding_once(&self, h: &HoldingRecord) -> StoreResult<Option<String>> {
                let mut tx = self.write().await?;
                Self::lock_wallet(&mut tx, &h.citizen_id).await?;
                let held: Option<String> = match &h.credential_id {
                    Some(credential_id) => sqlx::query_scalar(
                        "SELECT id FROM holdings WHERE citizen_id = $1 AND credential_id = $2 \
                         AND issuer = $3 ORDER BY received_at LIMIT 1",
                    )
                    .bind(&h.citizen_id)
                    .bind(credential_id)
                    .bind(&h.issuer)
                    .fetch_optional(&mut *tx)
                    .await?,
                    None => sqlx::query_scalar(
                        "SELECT id FROM holdings WHERE citizen_id = $1 AND credential_id IS NULL \
                         AND issuer = $2 AND body = $3 ORDER BY received_at LIMIT 1",
                    )
                    .bind(&h.citizen_id)
                    .bind(&h.issuer)
                    .bind(&h.body)
                    .fetch_optional(&mut *tx)
                    .await?,
                };
                if held.is_some() {
                    return Ok(held);
                }
                Self::tx_insert_holding(&mut tx, h).await?;
                tx.commit().await?;
                Ok(None)
            }

            async fn holding_dates(&self, citizen_id: &str) -> StoreResult<Vec<HoldingDate>> {
                Ok(sqlx::query_as(
                    "SELECT id, valid_from, received_at FROM holdings WHERE citizen_id = $1",
                )
                .bind(citizen_id)
                .fetch_all(self.pool())
                .await?)
            }

            async fn holdings_by_ids(&self, citizen_id: &str, ids: &[String]) -> StoreResult<Vec<HoldingRecord>> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                // One round trip: `id IN ($2, $3, ...)`, in chunks well
                // under either backend's limit of bound parameters.
                let mut out = Vec::with_capacity(ids.len());
                for chunk in ids.chunks(500) {
                    let placeholders = (0..chunk.len())
                        .map(|i| format!("${}", i + 2))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let sql = format!(
                        "SELECT {HOLDING_COLUMNS} FROM holdings WHERE citizen_id = $1 \
                         AND id IN ({placeholders})"
                    );
                    let mut query = sqlx::query_as(&sql).bind(citizen_id);
                    for id in chunk {
                        query = query.bind(id);
                    }
                    out.extend(query.fetch_all(self.pool()).await?);
                }
                // In the order asked.
                out.sort_by_key(|h: &HoldingRecord| ids.iter().position(|id| *id == h.id));
                Ok(out)
            }
        }
    };
}

wallet_sql!(SqliteStore, sqlx::Sqlite, None);
wallet_sql!(
    PgStore,
    sqlx::Postgres,
    Some("SELECT pg_advisory_xact_lock(hashtext($1))")
);
