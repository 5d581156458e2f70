//! Storage of shares: what a citizen shows through a link (credentials,
//! entries, documents), the link's PIN state, and the log of its openings.
//! Written once for both backends.
//!
//! Queries by the owner name the citizen (another citizen's share is
//! simply not found); the public side finds a share by its token's hash.

use super::{PgStore, SqliteStore, StoreError, StoreResult};
use chrono::{DateTime, Utc};

/// A share, as stored.
#[derive(Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ShareRecord {
    pub id: String,
    pub citizen_id: String,
    /// SHA-256 of the link token, hex.
    pub token_hash: String,
    /// The token, sealed under the citizen's document key (AAD: the id).
    pub token_sealed: Vec<u8>,
    pub label: String,
    /// argon2id PHC string of the PIN, when one is asked.
    pub pin_hash: Option<String>,
    /// Unused since PIN attempts are counted in `attempts` (scope
    /// `share-pin`, migration 0017); kept so old rows read alike.
    pub pin_failures: i64,
    /// Unused, as `pin_failures`.
    pub pin_locked_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for ShareRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // No token material and no PIN hash in logs.
        f.debug_struct("ShareRecord")
            .field("id", &self.id)
            .field("citizen_id", &self.citizen_id)
            .field("has_pin", &self.pin_hash.is_some())
            .field("expires_at", &self.expires_at)
            .field("revoked_at", &self.revoked_at)
            .finish_non_exhaustive()
    }
}

/// One thing a share shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ShareItem {
    Holding(String),
    Entry(String),
    Document(String),
}

impl ShareItem {
    pub fn id(&self) -> &str {
        match self {
            Self::Holding(id) | Self::Entry(id) | Self::Document(id) => id,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Self::Holding(_) => "credential",
            Self::Entry(_) => "entry",
            Self::Document(_) => "document",
        }
    }

    /// The table of the thing.
    fn table(&self) -> &'static str {
        match self {
            Self::Holding(_) => "holdings",
            Self::Entry(_) => "entries",
            Self::Document(_) => "documents",
        }
    }
}

/// Where the items of shares and of invitations are kept.
#[derive(Debug, Clone, Copy)]
pub(super) enum ItemTable {
    Share,
    Invitation,
}

impl ItemTable {
    /// The table and its owner's column (fixed text, never input).
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Self::Share => ("share_items", "share_id"),
            Self::Invitation => ("invitation_items", "invitation_id"),
        }
    }
}

/// A share with its counts, for the owner's list.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ShareSummary {
    #[sqlx(flatten)]
    pub share: ShareRecord,
    pub items: i64,
    pub openings: i64,
    pub last_opened_at: Option<DateTime<Utc>>,
}

/// One opening (or refusal) of a share.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ShareAccessRecord {
    pub id: String,
    pub share_id: String,
    pub at: DateTime<Utc>,
    /// `opened`, `presented`, `pin-required`, `pin-wrong`, `pin-locked`,
    /// `expired`, `revoked`, `document`.
    pub outcome: String,
    /// The domain a verifier bound the presentation to, when it gave one.
    pub verifier: Option<String>,
    pub user_agent: Option<String>,
}

/// The outcome of [`ShareStore::create_share`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateShare {
    Created,
    /// This item is not the citizen's: nothing was written.
    UnknownItem(ShareItem),
    /// The citizen has the most live shares allowed.
    TooMany,
}

const SHARE_COLUMNS: &str = "id, citizen_id, token_hash, token_sealed, label, pin_hash, \
     pin_failures, pin_locked_until, created_at, expires_at, revoked_at";

#[async_trait::async_trait]
pub trait ShareStore: Send + Sync {
    /// Writes the share and its items (in order) in one transaction, if
    /// every item is the citizen's and they have fewer than `max_live`
    /// live (unrevoked, unexpired) shares.
    async fn create_share(
        &self,
        share: &ShareRecord,
        items: &[ShareItem],
        disclosures: &[(String, String)],
        max_live: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<CreateShare>;
    /// (holding id, JSON array of claim paths) of the share's SD-JWT VCs
    /// that disclose only some claims.
    async fn share_disclosures(&self, share_id: &str) -> StoreResult<Vec<(String, String)>>;
    /// The citizen's shares, newest first, with counts.
    async fn list_shares(&self, citizen_id: &str) -> StoreResult<Vec<ShareSummary>>;
    async fn get_share(&self, citizen_id: &str, id: &str) -> StoreResult<Option<ShareRecord>>;
    /// The share whose token has this hash (the public side).
    async fn share_by_token(&self, token_hash: &str) -> StoreResult<Option<ShareRecord>>;
    /// A share's items, in order (items whose thing was deleted are gone).
    async fn share_items(&self, share_id: &str) -> StoreResult<Vec<ShareItem>>;
    /// The share's credentials with their stored positions (from 0), which
    /// never move: a deleted item leaves a gap, so that `/s/{token}/{n}`
    /// links printed earlier keep naming the same credential.
    async fn share_holding_positions(&self, share_id: &str) -> StoreResult<Vec<(String, i64)>>;
    /// Revokes the citizen's share: `None` if there is no such share,
    /// `Some(false)` if it was revoked already.
    async fn revoke_share(
        &self,
        citizen_id: &str,
        id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<bool>>;
    async fn record_share_access(&self, access: &ShareAccessRecord) -> StoreResult<()>;
    /// The share's log, newest first, at most `limit` lines; `None` if the
    /// citizen has no such share.
    async fn share_accesses(
        &self,
        citizen_id: &str,
        share_id: &str,
        limit: i64,
    ) -> StoreResult<Option<Vec<ShareAccessRecord>>>;
}

macro_rules! share_sql {
    ($name:ident, $db:ty) => {
        impl $name {
            /// The first of `items` that is not the citizen's, if any.
            pub(super) async fn tx_foreign_item(
                tx: &mut sqlx::Transaction<'static, $db>,
                citizen_id: &str,
                items: &[ShareItem],
            ) -> StoreResult<Option<ShareItem>> {
                for item in items {
                    let found: Option<i32> = sqlx::query_scalar(&format!(
                        "SELECT 1 FROM {} WHERE id = $1 AND citizen_id = $2",
                        item.table()
                    ))
                    .bind(item.id())
                    .bind(citizen_id)
                    .fetch_optional(&mut **tx)
                    .await?;
                    if found.is_none() {
                        return Ok(Some(item.clone()));
                    }
                }
                Ok(None)
            }

            /// Writes `items`, in order, as what `owner` (a share or an
            /// invitation) covers.
            pub(super) async fn tx_insert_items(
                tx: &mut sqlx::Transaction<'static, $db>,
                table: ItemTable,
                owner: &str,
                items: &[ShareItem],
            ) -> StoreResult<()> {
                let (table, owner_column) = table.names();
                for (position, item) in items.iter().enumerate() {
                    let (holding, entry, document) = match item {
                        ShareItem::Holding(id) => (Some(id), None, None),
                        ShareItem::Entry(id) => (None, Some(id), None),
                        ShareItem::Document(id) => (None, None, Some(id)),
                    };
                    sqlx::query(&format!(
                        "INSERT INTO {table} ({owner_column}, position, holding_id, entry_id, \
                         document_id) VALUES ($1, $2, $3, $4, $5)"
                    ))
                    .bind(owner)
                    .bind(position as i64)
                    .bind(holding)
                    .bind(entry)
                    .bind(document)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(())
            }

            /// What `owner` (a share or an invitation) covers, in order.
            pub(super) async fn items_of(&self, table: ItemTable, owner: &str) -> StoreResult<Vec<ShareItem>> {
                let (table, owner_column) = table.names();
                let rows: Vec<(Option<String>, Option<String>, Option<String>)> = sqlx::query_as(&format!(
                    "SELECT holding_id, entry_id, document_id FROM {table} \
                     WHERE {owner_column} = $1 ORDER BY position"
                ))
                .bind(owner)
                .fetch_all(self.pool())
                .await?;
                rows.into_iter()
                    .map(|row| match row {
                        (Some(h), None, None) => Ok(ShareItem::Holding(h)),
                        (None, Some(e), None) => Ok(ShareItem::Entry(e)),
                        (None, None, Some(d)) => Ok(ShareItem::Document(d)),
                        _ => Err(StoreError::Corrupt(format!(
                            "an item of {owner} in {table} names not exactly one thing"
                        ))),
                    })
                    .collect()
            }
        }

        #[async_trait::async_trait]
        impl ShareStore for $name {
            async fn create_share(
                &self,
                s: &ShareRecord,
                items: &[ShareItem],
                disclosures: &[(String, String)],
                max_live: i64,
                now: DateTime<Utc>,
            ) -> StoreResult<CreateShare> {
                let mut tx = self.write().await?;
                // Serialises the citizen's writers on PostgreSQL (SQLite's
                // BEGIN IMMEDIATE already does), so the count stays true.
                sqlx::query("UPDATE citizens SET updated_at = updated_at WHERE id = $1")
                    .bind(&s.citizen_id)
                    .execute(&mut *tx)
                    .await?;
                let live: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM shares WHERE citizen_id = $1 AND revoked_at IS NULL \
                     AND (expires_at IS NULL OR expires_at > $2)",
                )
                .bind(&s.citizen_id)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                if live >= max_live {
                    return Ok(CreateShare::TooMany);
                }
                if let Some(item) = Self::tx_foreign_item(&mut tx, &s.citizen_id, items).await? {
                    return Ok(CreateShare::UnknownItem(item));
                }
                sqlx::query(&format!(
                    "INSERT INTO shares ({SHARE_COLUMNS}) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
                ))
                .bind(&s.id)
                .bind(&s.citizen_id)
                .bind(&s.token_hash)
                .bind(&s.token_sealed)
                .bind(&s.label)
                .bind(&s.pin_hash)
                .bind(s.pin_failures)
                .bind(s.pin_locked_until)
                .bind(s.created_at)
                .bind(s.expires_at)
                .bind(s.revoked_at)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::from_sqlx(e, "this share exists"))?;
                Self::tx_insert_items(&mut tx, ItemTable::Share, &s.id, items).await?;
                for (holding, paths) in disclosures {
                    sqlx::query(
                        "INSERT INTO share_disclosures (share_id, holding_id, paths) VALUES ($1, $2, $3)",
                    )
                    .bind(&s.id)
                    .bind(holding)
                    .bind(paths)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(CreateShare::Created)
            }

            async fn list_shares(&self, citizen_id: &str) -> StoreResult<Vec<ShareSummary>> {
                let columns = SHARE_COLUMNS
                    .split(", ")
                    .map(|c| format!("s.{c}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                Ok(sqlx::query_as(&format!(
                    "SELECT {columns}, \
                     (SELECT COUNT(*) FROM share_items i WHERE i.share_id = s.id) AS items, \
                     (SELECT COUNT(*) FROM share_accesses a WHERE a.share_id = s.id \
                        AND a.outcome IN ('opened', 'presented')) AS openings, \
                     (SELECT MAX(a.at) FROM share_accesses a WHERE a.share_id = s.id \
                        AND a.outcome IN ('opened', 'presented')) AS last_opened_at \
                     FROM shares s WHERE s.citizen_id = $1 \
                     ORDER BY s.created_at DESC, s.id DESC"
                ))
                .bind(citizen_id)
                .fetch_all(self.pool())
                .await?)
            }

            async fn get_share(&self, citizen_id: &str, id: &str) -> StoreResult<Option<ShareRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {SHARE_COLUMNS} FROM shares WHERE id = $1 AND citizen_id = $2"
                ))
                .bind(id)
                .bind(citizen_id)
                .fetch_optional(self.pool())
                .await?)
            }

            async fn share_by_token(&self, token_hash: &str) -> StoreResult<Option<ShareRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {SHARE_COLUMNS} FROM shares WHERE token_hash = $1"
                ))
                .bind(token_hash)
                .fetch_optional(self.pool())
                .await?)
            }

            async fn share_items(&self, share_id: &str) -> StoreResult<Vec<ShareItem>> {
                self.items_of(ItemTable::Share, share_id).await
            }

            async fn share_holding_positions(&self, share_id: &str) -> StoreResult<Vec<(String, i64)>> {
                Ok(sqlx::query_as(
                    "SELECT holding_id, position FROM share_items \
                     WHERE share_id = $1 AND holding_id IS NOT NULL ORDER BY position",
                )
                .bind(share_id)
                .fetch_all(self.pool())
                .await?)
            }

            async fn share_disclosures(&self, share_id: &str) -> StoreResult<Vec<(String, String)>> {
                Ok(sqlx::query_as(
                    "SELECT holding_id, paths FROM share_disclosures WHERE share_id = $1",
                )
                .bind(share_id)
                .fetch_all(self.pool())
                .await?)
            }

            async fn revoke_share(
                &self,
                citizen_id: &str,
                id: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<Option<bool>> {
                let mut tx = self.write().await?;
                let found: Option<Option<DateTime<Utc>>> = sqlx::query_scalar(
                    "SELECT revoked_at FROM shares WHERE id = $1 AND citizen_id = $2",
                )
                .bind(id)
                .bind(citizen_id)
                .fetch_optional(&mut *tx)
                .await?;
                let outcome = match found {
                    None => None,
                    Some(Some(_)) => Some(false),
                    Some(None) => {
                        sqlx::query("UPDATE shares SET revoked_at = $1 WHERE id = $2")
                            .bind(now)
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                        Some(true)
                    }
                };
                tx.commit().await?;
                Ok(outcome)
            }

            async fn record_share_access(&self, a: &ShareAccessRecord) -> StoreResult<()> {
                let mut tx = self.write().await?;
                sqlx::query(
                    "INSERT INTO share_accesses (id, share_id, at, outcome, verifier, user_agent) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&a.id)
                .bind(&a.share_id)
                .bind(a.at)
                .bind(&a.outcome)
                .bind(&a.verifier)
                .bind(&a.user_agent)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn share_accesses(
                &self,
                citizen_id: &str,
                share_id: &str,
                limit: i64,
            ) -> StoreResult<Option<Vec<ShareAccessRecord>>> {
                let owned: Option<i32> =
                    sqlx::query_scalar("SELECT 1 FROM shares WHERE id = $1 AND citizen_id = $2")
                        .bind(share_id)
                        .bind(citizen_id)
                        .fetch_optional(self.pool())
                        .await?;
                if owned.is_none() {
                    return Ok(None);
                }
                Ok(Some(
                    sqlx::query_as(
                        "SELECT id, share_id, at, outcome, verifier, user_agent FROM share_accesses \
                         WHERE share_id = $1 ORDER BY at DESC, id DESC LIMIT $2",
                    )
                    .bind(share_id)
                    .bind(limit)
                    .fetch_all(self.pool())
                    .await?,
                ))
            }
        }
    };
}

share_sql!(SqliteStore, sqlx::Sqlite);
share_sql!(PgStore, sqlx::Postgres);
