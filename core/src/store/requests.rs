//! Storage of certification requests: a citizen asks an organisation to
//! certify an entry; the organisation approves (a credential issued into
//! the wallet, linked to the entry, in one transaction) or rejects.
//! Written once for both backends.

use super::{
    DocumentRecord, HoldingRecord, IssuedCredential, NewAuditEntry, PgStore, SqliteStore,
    StoreError, StoreResult,
};
use chrono::{DateTime, Utc};

/// A certification request, as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CertRequestRecord {
    pub id: String,
    pub citizen_id: String,
    pub entry_id: Option<String>,
    pub org_id: String,
    pub message: Option<String>,
    /// The entry as it was when asked about (JSON).
    pub entry_snapshot: String,
    pub citizen_name: String,
    /// `pending`, `approved`, `rejected` or `cancelled`.
    pub state: String,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    pub credential_ref: Option<String>,
    pub holding_id: Option<String>,
}

/// The outcome of [`CertRequestStore::create_cert_request`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateCertRequest {
    Created,
    /// The citizen has no such entry.
    UnknownEntry,
    /// The citizen has no such document.
    UnknownDocument(String),
    /// A pending request for this entry to this organisation exists.
    Duplicate(String),
}

/// The outcome of deciding a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertDecision {
    Done,
    NotFound,
    /// Not pending any more (decided or cancelled): its state.
    NotPending(String),
}

const REQUEST_COLUMNS: &str = "id, citizen_id, entry_id, org_id, message, entry_snapshot, \
     citizen_name, state, reason, created_at, decided_at, decided_by, credential_ref, holding_id";

#[async_trait::async_trait]
pub trait CertRequestStore: Send + Sync {
    async fn create_cert_request(
        &self,
        request: &CertRequestRecord,
        documents: &[String],
    ) -> StoreResult<CreateCertRequest>;
    /// The citizen's requests, newest first.
    async fn citizen_cert_requests(&self, citizen_id: &str) -> StoreResult<Vec<CertRequestRecord>>;
    async fn citizen_cert_request(
        &self,
        citizen_id: &str,
        id: &str,
    ) -> StoreResult<Option<CertRequestRecord>>;
    /// An organisation's requests, oldest first (a queue), of one state
    /// or all.
    async fn org_cert_requests(
        &self,
        org_id: &str,
        state: Option<&str>,
    ) -> StoreResult<Vec<CertRequestRecord>>;
    async fn org_cert_request(
        &self,
        org_id: &str,
        id: &str,
    ) -> StoreResult<Option<CertRequestRecord>>;
    /// The documents attached to a request.
    async fn cert_request_documents(&self, id: &str) -> StoreResult<Vec<DocumentRecord>>;
    /// The citizen withdraws a pending request.
    async fn cancel_cert_request(
        &self,
        citizen_id: &str,
        id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<CertDecision>;
    async fn reject_cert_request(
        &self,
        org_id: &str,
        id: &str,
        reason: &str,
        by: &str,
        audit: &NewAuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<CertDecision>;
    /// In one transaction: the request approved, the credential recorded
    /// with its audit lines, the holding written, the entry linked to it.
    #[allow(clippy::too_many_arguments)]
    async fn approve_cert_request(
        &self,
        org_id: &str,
        id: &str,
        by: &str,
        credential: &IssuedCredential,
        audit: &[NewAuditEntry],
        holding: &HoldingRecord,
        now: DateTime<Utc>,
    ) -> StoreResult<CertDecision>;
}

macro_rules! request_sql {
    ($name:ident, $db:ty) => {
        impl $name {
            /// Claims a pending request of the organisation for a decision.
            async fn tx_claim_request(
                tx: &mut sqlx::Transaction<'static, $db>,
                org_id: &str,
                id: &str,
            ) -> StoreResult<Option<CertDecision>> {
                let state: Option<String> = sqlx::query_scalar(
                    "SELECT state FROM certification_requests WHERE id = $1 AND org_id = $2",
                )
                .bind(id)
                .bind(org_id)
                .fetch_optional(&mut **tx)
                .await?;
                Ok(match state.as_deref() {
                    None => Some(CertDecision::NotFound),
                    Some("pending") => None,
                    Some(other) => Some(CertDecision::NotPending(other.to_owned())),
                })
            }
        }

        #[async_trait::async_trait]
        impl CertRequestStore for $name {
            async fn create_cert_request(
                &self,
                r: &CertRequestRecord,
                documents: &[String],
            ) -> StoreResult<CreateCertRequest> {
                let mut tx = self.write().await?;
                let entry_id = r.entry_id.clone().unwrap_or_default();
                let entry: Option<i32> =
                    sqlx::query_scalar("SELECT 1 FROM entries WHERE id = $1 AND citizen_id = $2")
                        .bind(&entry_id)
                        .bind(&r.citizen_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                if entry.is_none() {
                    return Ok(CreateCertRequest::UnknownEntry);
                }
                let pending: Option<String> = sqlx::query_scalar(
                    "SELECT id FROM certification_requests WHERE citizen_id = $1 \
                     AND entry_id = $2 AND org_id = $3 AND state = 'pending'",
                )
                .bind(&r.citizen_id)
                .bind(&entry_id)
                .bind(&r.org_id)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(id) = pending {
                    return Ok(CreateCertRequest::Duplicate(id));
                }
                for d in documents {
                    let found: Option<i32> = sqlx::query_scalar(
                        "SELECT 1 FROM documents WHERE id = $1 AND citizen_id = $2",
                    )
                    .bind(d)
                    .bind(&r.citizen_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                    if found.is_none() {
                        return Ok(CreateCertRequest::UnknownDocument(d.clone()));
                    }
                }
                sqlx::query(&format!(
                    "INSERT INTO certification_requests ({REQUEST_COLUMNS}) VALUES ($1, $2, $3, \
                     $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
                ))
                .bind(&r.id)
                .bind(&r.citizen_id)
                .bind(&r.entry_id)
                .bind(&r.org_id)
                .bind(&r.message)
                .bind(&r.entry_snapshot)
                .bind(&r.citizen_name)
                .bind(&r.state)
                .bind(&r.reason)
                .bind(r.created_at)
                .bind(r.decided_at)
                .bind(&r.decided_by)
                .bind(&r.credential_ref)
                .bind(&r.holding_id)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::from_sqlx(e, "this request exists"))?;
                for d in documents {
                    sqlx::query(
                        "INSERT INTO certification_request_documents (request_id, document_id) \
                         VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    )
                    .bind(&r.id)
                    .bind(d)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(CreateCertRequest::Created)
            }

            async fn citizen_cert_requests(&self, citizen_id: &str) -> StoreResult<Vec<CertRequestRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {REQUEST_COLUMNS} FROM certification_requests WHERE citizen_id = $1 \
                     ORDER BY created_at DESC, id DESC"
                ))
                .bind(citizen_id)
                .fetch_all(self.pool())
                .await?)
            }

            async fn citizen_cert_request(&self, citizen_id: &str, id: &str) -> StoreResult<Option<CertRequestRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {REQUEST_COLUMNS} FROM certification_requests WHERE id = $1 AND citizen_id = $2"
                ))
                .bind(id)
                .bind(citizen_id)
                .fetch_optional(self.pool())
                .await?)
            }

            async fn org_cert_requests(&self, org_id: &str, state: Option<&str>) -> StoreResult<Vec<CertRequestRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {REQUEST_COLUMNS} FROM certification_requests WHERE org_id = $1 \
                     AND (CAST($2 AS TEXT) IS NULL OR state = $2) ORDER BY created_at, id"
                ))
                .bind(org_id)
                .bind(state)
                .fetch_all(self.pool())
                .await?)
            }

            async fn org_cert_request(&self, org_id: &str, id: &str) -> StoreResult<Option<CertRequestRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {REQUEST_COLUMNS} FROM certification_requests WHERE id = $1 AND org_id = $2"
                ))
                .bind(id)
                .bind(org_id)
                .fetch_optional(self.pool())
                .await?)
            }

            async fn cert_request_documents(&self, id: &str) -> StoreResult<Vec<DocumentRecord>> {
                Ok(sqlx::query_as(
                    "SELECT d.id, d.citizen_id, d.name, d.content_type, d.size, d.sha256, \
                     d.object_key, d.wrapped_key, d.created_at FROM documents d \
                     JOIN certification_request_documents r ON r.document_id = d.id \
                     WHERE r.request_id = $1 ORDER BY d.created_at, d.id",
                )
                .bind(id)
                .fetch_all(self.pool())
                .await?)
            }

            async fn cancel_cert_request(&self, citizen_id: &str, id: &str, now: DateTime<Utc>) -> StoreResult<CertDecision> {
                let mut tx = self.write().await?;
                let state: Option<String> = sqlx::query_scalar(
                    "SELECT state FROM certification_requests WHERE id = $1 AND citizen_id = $2",
                )
                .bind(id)
                .bind(citizen_id)
                .fetch_optional(&mut *tx)
                .await?;
                let outcome = match state.as_deref() {
                    None => CertDecision::NotFound,
                    Some("pending") => {
                        sqlx::query(
                            "UPDATE certification_requests SET state = 'cancelled', decided_at = $1, \
                             decided_by = 'citizen' WHERE id = $2",
                        )
                        .bind(now)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                        CertDecision::Done
                    }
                    Some(other) => CertDecision::NotPending(other.to_owned()),
                };
                tx.commit().await?;
                Ok(outcome)
            }

            async fn reject_cert_request(
                &self,
                org_id: &str,
                id: &str,
                reason: &str,
                by: &str,
                audit: &NewAuditEntry,
                now: DateTime<Utc>,
            ) -> StoreResult<CertDecision> {
                let mut tx = self.write().await?;
                if let Some(outcome) = Self::tx_claim_request(&mut tx, org_id, id).await? {
                    return Ok(outcome);
                }
                sqlx::query(
                    "UPDATE certification_requests SET state = 'rejected', reason = $1, \
                     decided_at = $2, decided_by = $3 WHERE id = $4",
                )
                .bind(reason)
                .bind(now)
                .bind(by)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                Self::insert_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(CertDecision::Done)
            }

            async fn approve_cert_request(
                &self,
                org_id: &str,
                id: &str,
                by: &str,
                credential: &IssuedCredential,
                audit: &[NewAuditEntry],
                holding: &HoldingRecord,
                now: DateTime<Utc>,
            ) -> StoreResult<CertDecision> {
                let mut tx = self.write().await?;
                if let Some(outcome) = Self::tx_claim_request(&mut tx, org_id, id).await? {
                    return Ok(outcome);
                }
                Self::tx_offer_accepted(&mut tx, credential, audit).await?;
                Self::tx_insert_holding(&mut tx, holding).await?;
                sqlx::query(
                    "UPDATE entries SET holding_id = $1, updated_at = $2 WHERE citizen_id = $3 \
                     AND id = (SELECT entry_id FROM certification_requests WHERE id = $4)",
                )
                .bind(&holding.id)
                .bind(now)
                .bind(&holding.citizen_id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE certification_requests SET state = 'approved', decided_at = $1, \
                     decided_by = $2, credential_ref = $3, holding_id = $4 WHERE id = $5",
                )
                .bind(now)
                .bind(by)
                .bind(&credential.id)
                .bind(&holding.id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(CertDecision::Done)
            }
        }
    };
}

request_sql!(SqliteStore, sqlx::Sqlite);
request_sql!(PgStore, sqlx::Postgres);
