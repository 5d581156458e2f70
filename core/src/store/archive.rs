//! Storage for a wallet's export and import: every holding at once, and a
//! whole archive restored in ONE transaction (all or nothing).
//! Written once for both backends.

use super::{
    citizens::HOLDING_COLUMNS, DocumentRecord, EndorsementRecord, EntryRecord, HoldingRecord,
    PgStore, SqliteStore, StoreResult,
};
use std::collections::HashMap;

/// What became of a restored archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RestoreOutcome {
    /// Written. `skipped` maps the id proposed for each holding that was
    /// already held (same issuer and `credential_id`, or without one the
    /// same bytes) to the id of the one held; entries were linked to it.
    Done { skipped: HashMap<String, String> },
    /// The citizen would have more than `max_entries` entries: nothing
    /// was written.
    TooManyEntries { existing: i64 },
    /// The citizen's documents would weigh more than the quota: nothing
    /// was written.
    OverQuota { used: i64 },
}

/// An archive to restore, checked: every record carries the citizen's id.
#[derive(Debug, Clone, Copy)]
pub struct WalletRestore<'a> {
    pub holdings: &'a [HoldingRecord],
    /// Their `holding_id` names a holding of `holdings`.
    pub entries: &'a [EntryRecord],
    /// Their objects are stored already.
    pub documents: &'a [DocumentRecord],
    /// (document id, entry id), both of this restore.
    pub attachments: &'a [(String, String)],
    /// Endorsements of entries of this restore.
    pub endorsements: &'a [EndorsementRecord],
    pub max_entries: i64,
    /// Bytes all the citizen's documents may weigh.
    pub document_quota: i64,
    /// The archive's headline, kept only if the account has none.
    pub headline: Option<&'a str>,
}

#[async_trait::async_trait]
pub trait ArchiveStore: Send + Sync {
    /// Every holding of the citizen, oldest received first.
    async fn all_holdings(&self, citizen_id: &str) -> StoreResult<Vec<HoldingRecord>>;

    /// Restores an archive into the citizen's wallet in one transaction:
    /// the holdings not held yet, then the entries (whose `holding_id`
    /// names a holding of the restore, rewritten to the one held when it
    /// was skipped), the documents (within the quota) and their
    /// attachments.
    async fn restore_wallet(
        &self,
        citizen_id: &str,
        restore: WalletRestore<'_>,
    ) -> StoreResult<RestoreOutcome>;
}

macro_rules! archive_sql {
    ($name:ident, $lock:expr) => {
        #[async_trait::async_trait]
        impl ArchiveStore for $name {
            async fn all_holdings(&self, citizen_id: &str) -> StoreResult<Vec<HoldingRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {HOLDING_COLUMNS} FROM holdings WHERE citizen_id = $1 \
                     ORDER BY received_at, id"
                ))
                .bind(citizen_id)
                .fetch_all(self.pool())
                .await?)
            }

            async fn restore_wallet(
                &self,
                citizen_id: &str,
                restore: WalletRestore<'_>,
            ) -> StoreResult<RestoreOutcome> {
                let WalletRestore {
                    holdings,
                    entries,
                    documents,
                    attachments,
                    endorsements,
                    max_entries,
                    document_quota,
                    headline,
                } = restore;
                let mut tx = self.write().await?;
                // The same lock as the wallet's other writes (PostgreSQL;
                // SQLite's BEGIN IMMEDIATE already serialises).
                let lock: Option<&str> = $lock;
                if let Some(sql) = lock {
                    sqlx::query(sql)
                        .bind(format!("wallet:{citizen_id}"))
                        .execute(&mut *tx)
                        .await?;
                }
                let existing: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM entries WHERE citizen_id = $1")
                        .bind(citizen_id)
                        .fetch_one(&mut *tx)
                        .await?;
                if existing + entries.len() as i64 > max_entries {
                    return Ok(RestoreOutcome::TooManyEntries { existing });
                }
                let used = Self::tx_documents_used(&mut tx, citizen_id).await?;
                let adding = documents.iter().map(|d| d.size).fold(0i64, i64::saturating_add);
                if used.saturating_add(adding) > document_quota {
                    return Ok(RestoreOutcome::OverQuota { used });
                }
                let mut skipped = HashMap::new();
                for h in holdings {
                    let held: Option<String> = match &h.credential_id {
                        Some(credential_id) => sqlx::query_scalar(
                            "SELECT id FROM holdings WHERE citizen_id = $1 AND credential_id = $2 \
                             AND issuer = $3 ORDER BY received_at LIMIT 1",
                        )
                        .bind(citizen_id)
                        .bind(credential_id)
                        .bind(&h.issuer)
                        .fetch_optional(&mut *tx)
                        .await?,
                        None => sqlx::query_scalar(
                            "SELECT id FROM holdings WHERE citizen_id = $1 \
                             AND credential_id IS NULL AND issuer = $2 AND body = $3 \
                             ORDER BY received_at LIMIT 1",
                        )
                        .bind(citizen_id)
                        .bind(&h.issuer)
                        .bind(&h.body)
                        .fetch_optional(&mut *tx)
                        .await?,
                    };
                    match held {
                        Some(held) => {
                            skipped.insert(h.id.clone(), held);
                        }
                        None => Self::tx_insert_holding(&mut tx, h).await?,
                    }
                }
                for e in entries {
                    let holding_id = e
                        .holding_id
                        .as_ref()
                        .map(|id| skipped.get(id).unwrap_or(id).clone());
                    sqlx::query(
                        "INSERT INTO entries (id, citizen_id, kind, title, organisation, place, \
                         start_date, end_date, description, details, holding_id, created_at, \
                         updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                    )
                    .bind(&e.id)
                    .bind(citizen_id)
                    .bind(&e.kind)
                    .bind(&e.title)
                    .bind(&e.organisation)
                    .bind(&e.place)
                    .bind(&e.start_date)
                    .bind(&e.end_date)
                    .bind(&e.description)
                    .bind(&e.details)
                    .bind(holding_id)
                    .bind(e.created_at)
                    .bind(e.updated_at)
                    .execute(&mut *tx)
                    .await
                    .map_err(|err| super::StoreError::from_sqlx(err, "this entry exists"))?;
                }
                for d in documents {
                    Self::tx_insert_document(&mut tx, d).await?;
                }
                for e in endorsements {
                    Self::tx_insert_endorsement(&mut tx, e).await?;
                }
                for (document_id, entry_id) in attachments {
                    sqlx::query(
                        "INSERT INTO entry_documents (entry_id, document_id) VALUES ($1, $2) \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(entry_id)
                    .bind(document_id)
                    .execute(&mut *tx)
                    .await?;
                }
                if let Some(headline) = headline {
                    sqlx::query(
                        "UPDATE citizens SET headline = $1 WHERE id = $2 AND headline IS NULL",
                    )
                    .bind(headline)
                    .bind(citizen_id)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(RestoreOutcome::Done { skipped })
            }
        }
    };
}

archive_sql!(SqliteStore, None);
archive_sql!(PgStore, Some("SELECT pg_advisory_xact_lock(hashtext($1))"));
