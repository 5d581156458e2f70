//! Storage of the document vault's metadata (the bytes live in the object
//! store, see `crate::vault`), and of which documents are attached to which
//! entries. Written once for both backends.
//!
//! Every query names the citizen: a document or entry of someone else is
//! simply not found.

use super::{PgStore, SqliteStore, StoreError, StoreResult};
use chrono::{DateTime, Utc};

/// A document of the vault, as stored.
#[derive(Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DocumentRecord {
    pub id: String,
    pub citizen_id: String,
    /// The name given at upload, for display only (never a path).
    pub name: String,
    /// Sniffed from the bytes.
    pub content_type: String,
    /// Plaintext bytes.
    pub size: i64,
    /// SHA-256 of the plaintext, hex.
    pub sha256: String,
    /// Random key of the object in the object store.
    pub object_key: String,
    /// The file key, wrapped by the citizen's document key (AAD: the id).
    pub wrapped_key: Vec<u8>,
    pub created_at: DateTime<Utc>,
}

impl std::fmt::Debug for DocumentRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // No names (personal data) and no keys in logs.
        f.debug_struct("DocumentRecord")
            .field("id", &self.id)
            .field("citizen_id", &self.citizen_id)
            .field("content_type", &self.content_type)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

/// The outcome of [`DocumentStore::insert_document`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentInsert {
    Stored,
    /// The citizen's documents would exceed the quota; nothing was written.
    OverQuota {
        used: i64,
    },
}

/// The outcome of [`DocumentStore::attach_document`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attach {
    Attached,
    AlreadyAttached,
    /// The citizen has no such entry.
    NoEntry,
    /// The citizen has no such document.
    NoDocument,
}

const DOCUMENT_COLUMNS: &str =
    "id, citizen_id, name, content_type, size, sha256, object_key, wrapped_key, created_at";

#[async_trait::async_trait]
pub trait DocumentStore: Send + Sync {
    /// Writes the row unless the citizen's documents would then weigh more
    /// than `quota` bytes. Concurrent uploads of one citizen are
    /// serialised, so two of them cannot both squeeze under the quota.
    async fn insert_document(
        &self,
        doc: &DocumentRecord,
        quota: i64,
    ) -> StoreResult<DocumentInsert>;
    /// The citizen's documents, newest first.
    async fn list_documents(&self, citizen_id: &str) -> StoreResult<Vec<DocumentRecord>>;
    async fn get_document(&self, citizen_id: &str, id: &str)
        -> StoreResult<Option<DocumentRecord>>;
    /// Erases the row (and its attachments); returns its object key, for
    /// the caller to remove the object.
    async fn delete_document(&self, citizen_id: &str, id: &str) -> StoreResult<Option<String>>;
    /// Bytes the citizen's documents weigh.
    async fn documents_used_bytes(&self, citizen_id: &str) -> StoreResult<i64>;
    /// Object keys of all the citizen's documents (to remove the objects
    /// when the account goes).
    async fn document_object_keys(&self, citizen_id: &str) -> StoreResult<Vec<String>>;
    /// Whether some document names this object (orphan sweeping).
    async fn document_object_key_known(&self, object_key: &str) -> StoreResult<bool>;
    /// (document id, entry id) pairs of the citizen's attachments.
    async fn document_attachments(&self, citizen_id: &str) -> StoreResult<Vec<(String, String)>>;
    /// Attaches one of the citizen's documents to one of their entries.
    async fn attach_document(
        &self,
        citizen_id: &str,
        entry_id: &str,
        document_id: &str,
    ) -> StoreResult<Attach>;
    /// `None` if the citizen has no such entry; `Some(false)` if the
    /// document was not attached to it.
    async fn detach_document(
        &self,
        citizen_id: &str,
        entry_id: &str,
        document_id: &str,
    ) -> StoreResult<Option<bool>>;
    /// The documents attached to one of the citizen's entries, oldest
    /// first; `None` if the citizen has no such entry.
    async fn entry_documents(
        &self,
        citizen_id: &str,
        entry_id: &str,
    ) -> StoreResult<Option<Vec<DocumentRecord>>>;
}

macro_rules! document_sql {
    ($name:ident, $db:ty) => {
        impl $name {
            async fn tx_owns_entry(
                tx: &mut sqlx::Transaction<'static, $db>,
                citizen_id: &str,
                entry_id: &str,
            ) -> StoreResult<bool> {
                let found: Option<i32> =
                    sqlx::query_scalar("SELECT 1 FROM entries WHERE id = $1 AND citizen_id = $2")
                        .bind(entry_id)
                        .bind(citizen_id)
                        .fetch_optional(&mut **tx)
                        .await?;
                Ok(found.is_some())
            }

            /// Bytes the citizen's documents weigh, with the citizen's row
            /// locked on PostgreSQL (SQLite's BEGIN IMMEDIATE already
            /// serialises writers), so that the sum stays true until commit.
            pub(super) async fn tx_documents_used(
                tx: &mut sqlx::Transaction<'static, $db>,
                citizen_id: &str,
            ) -> StoreResult<i64> {
                sqlx::query("UPDATE citizens SET updated_at = updated_at WHERE id = $1")
                    .bind(citizen_id)
                    .execute(&mut **tx)
                    .await?;
                Ok(sqlx::query_scalar(
                    "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM documents WHERE citizen_id = $1",
                )
                .bind(citizen_id)
                .fetch_one(&mut **tx)
                .await?)
            }

            pub(super) async fn tx_insert_document(
                tx: &mut sqlx::Transaction<'static, $db>,
                d: &DocumentRecord,
            ) -> StoreResult<()> {
                sqlx::query(&format!(
                    "INSERT INTO documents ({DOCUMENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                ))
                .bind(&d.id)
                .bind(&d.citizen_id)
                .bind(&d.name)
                .bind(&d.content_type)
                .bind(d.size)
                .bind(&d.sha256)
                .bind(&d.object_key)
                .bind(&d.wrapped_key)
                .bind(d.created_at)
                .execute(&mut **tx)
                .await
                .map_err(|e| StoreError::from_sqlx(e, "this document exists"))?;
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl DocumentStore for $name {
            async fn insert_document(&self, d: &DocumentRecord, quota: i64) -> StoreResult<DocumentInsert> {
                let mut tx = self.write().await?;
                let used = Self::tx_documents_used(&mut tx, &d.citizen_id).await?;
                if used.saturating_add(d.size) > quota {
                    return Ok(DocumentInsert::OverQuota { used });
                }
                Self::tx_insert_document(&mut tx, d).await?;
                tx.commit().await?;
                Ok(DocumentInsert::Stored)
            }

            async fn list_documents(&self, citizen_id: &str) -> StoreResult<Vec<DocumentRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {DOCUMENT_COLUMNS} FROM documents WHERE citizen_id = $1 \
                     ORDER BY created_at DESC, id DESC"
                ))
                .bind(citizen_id)
                .fetch_all(self.pool())
                .await?)
            }

            async fn get_document(&self, citizen_id: &str, id: &str) -> StoreResult<Option<DocumentRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {DOCUMENT_COLUMNS} FROM documents WHERE citizen_id = $1 AND id = $2"
                ))
                .bind(citizen_id)
                .bind(id)
                .fetch_optional(self.pool())
                .await?)
            }

            async fn delete_document(&self, citizen_id: &str, id: &str) -> StoreResult<Option<String>> {
                let mut tx = self.write().await?;
                let key: Option<String> = sqlx::query_scalar(
                    "DELETE FROM documents WHERE citizen_id = $1 AND id = $2 RETURNING object_key",
                )
                .bind(citizen_id)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(key)
            }

            async fn documents_used_bytes(&self, citizen_id: &str) -> StoreResult<i64> {
                Ok(sqlx::query_scalar(
                    "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM documents WHERE citizen_id = $1",
                )
                .bind(citizen_id)
                .fetch_one(self.pool())
                .await?)
            }

            async fn document_object_keys(&self, citizen_id: &str) -> StoreResult<Vec<String>> {
                Ok(sqlx::query_scalar("SELECT object_key FROM documents WHERE citizen_id = $1")
                    .bind(citizen_id)
                    .fetch_all(self.pool())
                    .await?)
            }

            async fn document_object_key_known(&self, object_key: &str) -> StoreResult<bool> {
                let found: Option<i32> =
                    sqlx::query_scalar("SELECT 1 FROM documents WHERE object_key = $1")
                        .bind(object_key)
                        .fetch_optional(self.pool())
                        .await?;
                Ok(found.is_some())
            }

            async fn document_attachments(&self, citizen_id: &str) -> StoreResult<Vec<(String, String)>> {
                Ok(sqlx::query_as(
                    "SELECT ed.document_id, ed.entry_id FROM entry_documents ed \
                     JOIN documents d ON d.id = ed.document_id \
                     WHERE d.citizen_id = $1 ORDER BY ed.document_id, ed.entry_id",
                )
                .bind(citizen_id)
                .fetch_all(self.pool())
                .await?)
            }

            async fn attach_document(&self, citizen_id: &str, entry_id: &str, document_id: &str) -> StoreResult<Attach> {
                let mut tx = self.write().await?;
                if !Self::tx_owns_entry(&mut tx, citizen_id, entry_id).await? {
                    return Ok(Attach::NoEntry);
                }
                let document: Option<i32> =
                    sqlx::query_scalar("SELECT 1 FROM documents WHERE id = $1 AND citizen_id = $2")
                        .bind(document_id)
                        .bind(citizen_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                if document.is_none() {
                    return Ok(Attach::NoDocument);
                }
                let added = sqlx::query(
                    "INSERT INTO entry_documents (entry_id, document_id) VALUES ($1, $2) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(entry_id)
                .bind(document_id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    > 0;
                tx.commit().await?;
                Ok(if added { Attach::Attached } else { Attach::AlreadyAttached })
            }

            async fn detach_document(
                &self,
                citizen_id: &str,
                entry_id: &str,
                document_id: &str,
            ) -> StoreResult<Option<bool>> {
                let mut tx = self.write().await?;
                if !Self::tx_owns_entry(&mut tx, citizen_id, entry_id).await? {
                    return Ok(None);
                }
                let removed = sqlx::query(
                    "DELETE FROM entry_documents WHERE entry_id = $1 AND document_id = $2",
                )
                .bind(entry_id)
                .bind(document_id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    > 0;
                tx.commit().await?;
                Ok(Some(removed))
            }

            async fn entry_documents(&self, citizen_id: &str, entry_id: &str) -> StoreResult<Option<Vec<DocumentRecord>>> {
                let entry: Option<i32> =
                    sqlx::query_scalar("SELECT 1 FROM entries WHERE id = $1 AND citizen_id = $2")
                        .bind(entry_id)
                        .bind(citizen_id)
                        .fetch_optional(self.pool())
                        .await?;
                if entry.is_none() {
                    return Ok(None);
                }
                let columns = DOCUMENT_COLUMNS
                    .split(", ")
                    .map(|c| format!("d.{c}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                Ok(Some(
                    sqlx::query_as(&format!(
                        "SELECT {columns} FROM documents d \
                         JOIN entry_documents ed ON ed.document_id = d.id \
                         WHERE ed.entry_id = $1 AND d.citizen_id = $2 \
                         ORDER BY d.created_at, d.id"
                    ))
                    .bind(entry_id)
                    .bind(citizen_id)
                    .fetch_all(self.pool())
                    .await?,
                ))
            }
        }
    };
}

document_sql!(SqliteStore, sqlx::Sqlite);
document_sql!(PgStore, sqlx::Postgres);
