//! Storage of the delivery of bulk issuance: a batch's offers, their
//! status (read from the offer and its last mail), resending, withdrawing
//! and reminding. Written once for both backends. The offers and mails of
//! a chunk are written by [`super::Store::complete_chunk`], in the chunk's
//! transaction.

use super::{
    offers::OFFER_COLUMNS, NewAuditEntry, OfferRecord, OutboxMessage, PgStore, SqliteStore,
    StoreResult,
};
use chrono::{DateTime, Utc};

/// The delivery statuses, in the order the pages list them.
pub const DELIVERY_STATUSES: [&str; 9] = [
    "queued",
    "sent",
    "opened",
    "accepted",
    "declined",
    "expired",
    "bounced",
    "withdrawn",
    "issued",
];

/// A row's delivery status, from its offer (`o`) and that offer's last
/// mail (`m`); `$2` is now. Fixed text.
const STATUS_CASE: &str = "CASE WHEN o.state = 'accepted' THEN 'accepted' \
     WHEN o.state = 'declined' THEN 'declined' \
     WHEN o.state = 'cancelled' THEN 'withdrawn' \
     WHEN m.failed_at IS NOT NULL THEN 'bounced' \
     WHEN o.expires_at <= $2 THEN 'expired' \
     WHEN o.opened_at IS NOT NULL OR o.pre_auth_used_at IS NOT NULL THEN 'opened' \
     WHEN m.sent_at IS NOT NULL THEN 'sent' \
     ELSE 'queued' END";

/// The delivery of one offered row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RowDelivery {
    pub row_number: i64,
    pub offer_id: String,
    /// One of [`DELIVERY_STATUSES`].
    pub status: String,
    /// Where the offer was mailed.
    pub email: Option<String>,
    pub expires_at: DateTime<Utc>,
    pub opened_at: Option<DateTime<Utc>>,
    pub mailed_at: Option<DateTime<Utc>>,
    pub reminded_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    /// The issued credential (registry id), once accepted.
    pub credential_ref: Option<String>,
    /// Why the last mail bounced.
    pub mail_error: Option<String>,
}

/// An Atout account, as a batch row may name it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AccountRef {
    pub id: String,
    pub email: String,
    pub holder_did: String,
}

/// A new mail for an offer (resend or reminder), and the offer's new expiry.
#[derive(Debug, Clone)]
pub struct OfferMail {
    pub offer_id: String,
    pub expires_at: DateTime<Utc>,
    pub mail: OutboxMessage,
}

#[async_trait::async_trait]
pub trait DeliveryStore: Send + Sync {
    /// (reference, offer id) of the references already offered by the
    /// organisation.
    async fn offered_references(
        &self,
        org_id: &str,
        references: &[String],
    ) -> StoreResult<Vec<(String, String)>>;
    /// The accounts of these (normalised) e-mails.
    async fn accounts_by_email(&self, emails: &[String]) -> StoreResult<Vec<AccountRef>>;
    /// The accounts of these holder DIDs.
    async fn accounts_by_did(&self, dids: &[String]) -> StoreResult<Vec<AccountRef>>;
    /// How many of the batch's offers are in each delivery status.
    async fn delivery_counts(
        &self,
        batch_id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<(String, i64)>>;
    /// The delivery of the batch's offered rows numbered `from..=to`.
    async fn rows_delivery(
        &self,
        batch_id: &str,
        from: i64,
        to: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<RowDelivery>>;
    /// Records that an offer's link was opened (the first time only).
    async fn offer_opened(&self, offer_id: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// The batch's offers (one row's, or all) that can still be resent:
    /// pending (expired or not) and whose OpenID4VCI code was not exchanged.
    async fn resendable_offers(
        &self,
        batch_id: &str,
        row: Option<i64>,
    ) -> StoreResult<Vec<OfferRecord>>;
    /// In one transaction: for each offer still resendable, its new expiry
    /// and mail (the reminder can come again). Returns how many were resent.
    async fn resend_offers(
        &self,
        mails: &[OfferMail],
        audit: &NewAuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<u64>;
    /// Withdraws the batch's pending offers (one row's, or all) whose
    /// OpenID4VCI code was not exchanged; returns how many.
    async fn withdraw_offers(
        &self,
        batch_id: &str,
        row: Option<i64>,
        audit: &NewAuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<u64>;
    /// Batch offers due a reminder: pending, live, code not exchanged, not
    /// reminded, expiring before `now + lead`, mailed before `now - lead`.
    async fn due_reminders(
        &self,
        now: DateTime<Utc>,
        lead: chrono::Duration,
        limit: u32,
    ) -> StoreResult<Vec<OfferRecord>>;
    /// In one transaction: marks each offer reminded (if it still is due
    /// one) and queues its reminder. Returns how many.
    async fn record_reminders(&self, mails: &[OfferMail], now: DateTime<Utc>) -> StoreResult<u64>;
}

/// The SQL condition of one row or all (fixed text).
fn row_condition(row: Option<i64>) -> &'static str {
    match row {
        Some(_) => {
            "AND id = (SELECT offer_id FROM batch_rows WHERE batch_id = $1 AND row_number = $2)"
        }
        None => "AND CAST($2 AS BIGINT) IS NULL",
    }
}

macro_rules! delivery_sql {
    ($name:ident, $db:ty) => {
        impl $name {
            async fn accounts_where(
                &self,
                column: &'static str,
                values: &[String],
            ) -> StoreResult<Vec<AccountRef>> {
                let mut found = Vec::new();
                for chunk in values.chunks(500) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                        "SELECT id, email, holder_did FROM citizens WHERE {column} IN ("
                    ));
                    let mut list = q.separated(", ");
                    for v in chunk {
                        list.push_bind(v);
                    }
                    q.push(")");
                    found.extend(q.build_query_as::<AccountRef>().fetch_all(self.pool()).await?);
                }
                Ok(found)
            }
        }

        #[async_trait::async_trait]
        impl DeliveryStore for $name {
            async fn offered_references(
                &self,
                org_id: &str,
                references: &[String],
            ) -> StoreResult<Vec<(String, String)>> {
                let mut found = Vec::new();
                for chunk in references.chunks(500) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "SELECT reference, id FROM offers WHERE org_id = ",
                    );
                    q.push_bind(org_id).push(" AND reference IN (");
                    let mut list = q.separated(", ");
                    for r in chunk {
                        list.push_bind(r);
                    }
                    q.push(")");
                    let rows: Vec<(String, String)> =
                        q.build_query_as().fetch_all(self.pool()).await?;
                    found.extend(rows);
                }
                Ok(found)
            }

            async fn accounts_by_email(&self, emails: &[String]) -> StoreResult<Vec<AccountRef>> {
                self.accounts_where("email", emails).await
            }

            async fn accounts_by_did(&self, dids: &[String]) -> StoreResult<Vec<AccountRef>> {
                self.accounts_where("holder_did", dids).await
            }

            async fn delivery_counts(
                &self,
                batch_id: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<Vec<(String, i64)>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT s.status, COUNT(*) FROM (SELECT {STATUS_CASE} AS status \
                     FROM offers o LEFT JOIN outbox m ON m.id = o.mail_id \
                     WHERE o.batch_id = $1) s GROUP BY s.status"
                ))
                .bind(batch_id)
                .bind(now)
                .fetch_all(self.pool())
                .await?)
            }

            async fn rows_delivery(
                &self,
                batch_id: &str,
                from: i64,
                to: i64,
                now: DateTime<Utc>,
            ) -> StoreResult<Vec<RowDelivery>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT r.row_number, o.id AS offer_id, {STATUS_CASE} AS status, o.email, \
                     o.expires_at, o.opened_at, o.mailed_at, o.reminded_at, o.ended_at, \
                     o.credential_ref, m.last_error AS mail_error \
                     FROM batch_rows r JOIN offers o ON o.id = r.offer_id \
                     LEFT JOIN outbox m ON m.id = o.mail_id \
                     WHERE r.batch_id = $1 AND r.row_number >= $3 AND r.row_number <= $4 \
                     ORDER BY r.row_number"
                ))
                .bind(batch_id)
                .bind(now)
                .bind(from)
                .bind(to)
                .fetch_all(self.pool())
                .await?)
            }

            async fn offer_opened(&self, offer_id: &str, now: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query("UPDATE offers SET opened_at = $1 WHERE id = $2 AND opened_at IS NULL")
                    .bind(now)
                    .bind(offer_id)
                    .execute(self.pool())
                    .await?;
                Ok(())
            }

            async fn resendable_offers(
                &self,
                batch_id: &str,
                row: Option<i64>,
            ) -> StoreResult<Vec<OfferRecord>> {
                let condition = row_condition(row);
                Ok(sqlx::query_as(&format!(
                    "SELECT {OFFER_COLUMNS} FROM offers WHERE batch_id = $1 AND state = 'pending' \
                     AND pre_auth_used_at IS NULL {condition} ORDER BY id"
                ))
                .bind(batch_id)
                .bind(row)
                .fetch_all(self.pool())
                .await?)
            }

            async fn resend_offers(
                &self,
                mails: &[OfferMail],
                audit: &NewAuditEntry,
                now: DateTime<Utc>,
            ) -> StoreResult<u64> {
                let mut tx = self.write().await?;
                let mut done = 0;
                for m in mails {
                    let updated = sqlx::query(
                        "UPDATE offers SET expires_at = $1, mailed_at = $2, reminded_at = NULL, \
                         mail_id = $3 WHERE id = $4 AND state = 'pending' AND pre_auth_used_at IS NULL",
                    )
                    .bind(m.expires_at)
                    .bind(now)
                    .bind(&m.mail.id)
                    .bind(&m.offer_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if updated == 1 {
                        Self::tx_insert_mail(&mut tx, &m.mail).await?;
                        done += 1;
                    }
                }
                if done > 0 {
                    Self::insert_audit(&mut tx, audit).await?;
                }
                tx.commit().await?;
                Ok(done)
            }

            async fn withdraw_offers(
                &self,
                batch_id: &str,
                row: Option<i64>,
                audit: &NewAuditEntry,
                now: DateTime<Utc>,
            ) -> StoreResult<u64> {
                let condition = row_condition(row);
                let mut tx = self.write().await?;
                let done = sqlx::query(&format!(
                    "UPDATE offers SET state = 'cancelled', ended_at = $3 WHERE batch_id = $1 \
                     AND state = 'pending' AND pre_auth_used_at IS NULL {condition}"
                ))
                .bind(batch_id)
                .bind(row)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if done > 0 {
                    Self::insert_audit(&mut tx, audit).await?;
                }
                tx.commit().await?;
                Ok(done)
            }

            async fn due_reminders(
                &self,
                now: DateTime<Utc>,
                lead: chrono::Duration,
                limit: u32,
            ) -> StoreResult<Vec<OfferRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {OFFER_COLUMNS} FROM offers WHERE state = 'pending' \
                     AND reminded_at IS NULL AND batch_id IS NOT NULL AND email IS NOT NULL \
                     AND pre_auth_used_at IS NULL AND expires_at > $1 AND expires_at <= $2 \
                     AND mailed_at <= $3 ORDER BY expires_at, id LIMIT $4"
                ))
                .bind(now)
                .bind(now + lead)
                .bind(now - lead)
                .bind(i64::from(limit.clamp(1, 1000)))
                .fetch_all(self.pool())
                .await?)
            }

            async fn record_reminders(
                &self,
                mails: &[OfferMail],
                now: DateTime<Utc>,
            ) -> StoreResult<u64> {
                let mut tx = self.write().await?;
                let mut done = 0;
                for m in mails {
                    let updated = sqlx::query(
                        "UPDATE offers SET reminded_at = $1, mail_id = $2 \
                         WHERE id = $3 AND state = 'pending' AND reminded_at IS NULL \
                         AND pre_auth_used_at IS NULL AND expires_at > $1",
                    )
                    .bind(now)
                    .bind(&m.mail.id)
                    .bind(&m.offer_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if updated == 1 {
                        Self::tx_insert_mail(&mut tx, &m.mail).await?;
                        done += 1;
                    }
                }
                tx.commit().await?;
                Ok(done)
            }
        }
    };
}

delivery_sql!(SqliteStore, sqlx::Sqlite);
delivery_sql!(PgStore, sqlx::Postgres);
