//! Storage of credential offers (to a citizen by email, or as a single-use
//! link and QR code) and of OpenID4VCI pre-authorized codes, access tokens
//! and nonces. Written once for both backends.
//!
//! Single use is enforced by conditional updates (`... WHERE state =
//! 'pending' AND expires_at > now`), inside the transaction that records the
//! issued credential: two concurrent acceptances, one winner, and the loser
//! writes nothing.

use super::{
    HoldingRecord, IssuedCredential, NewAuditEntry, OutboxMessage, PgStore, SqliteStore,
    StoreError, StoreResult,
};
use chrono::{DateTime, Utc};

/// An offer as stored. Secrets are SHA-256 digests.
#[derive(Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OfferRecord {
    pub id: String,
    pub org_id: String,
    pub template_id: String,
    /// SHA-256 (hex) of the link token.
    pub token_hash: String,
    /// SHA-256 (hex) of the OpenID4VCI pre-authorized code.
    pub pre_auth_hash: String,
    /// SHA-256 (hex) of the offer id and the tx_code, when one was asked for.
    pub tx_code_hash: Option<String>,
    /// Wrong tx_codes presented so far.
    pub tx_attempts: i64,
    /// When the pre-authorized code was exchanged (or burnt by wrong tx_codes).
    pub pre_auth_used_at: Option<DateTime<Utc>>,
    /// The subject data (JSON), without `id`.
    pub subject: String,
    /// The recipient of an email offer (normalised).
    pub email: Option<String>,
    /// Proof options (JSON).
    pub options: String,
    /// `pending`, `accepted`, `declined` or `cancelled` (see [`OfferRecord::state_at`]).
    pub state: String,
    /// `wallet` or `oid4vci`, once accepted.
    pub channel: Option<String>,
    pub citizen_id: Option<String>,
    /// The issued credential's record id, once accepted.
    pub credential_ref: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    /// The batch that made it (delivery of bulk issuance).
    pub batch_id: Option<String>,
    /// The batch row's reference: the credential is issued with it.
    pub reference: Option<String>,
    /// The language of its mails (`fr` or `en`), for a batch's offer.
    pub lang: Option<String>,
    /// When its link was first opened.
    pub opened_at: Option<DateTime<Utc>>,
    /// When its last offer mail (first or resent) was queued.
    pub mailed_at: Option<DateTime<Utc>>,
    /// When its reminder was queued.
    pub reminded_at: Option<DateTime<Utc>>,
    /// The outbox id of its last mail (a bounce shows there).
    pub mail_id: Option<String>,
}

impl std::fmt::Debug for OfferRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // No subject data, no email, no digests in logs.
        f.debug_struct("OfferRecord")
            .field("id", &self.id)
            .field("org_id", &self.org_id)
            .field("template_id", &self.template_id)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

pub const OFFER_PENDING: &str = "pending";
pub const OFFER_ACCEPTED: &str = "accepted";
pub const OFFER_DECLINED: &str = "declined";
pub const OFFER_CANCELLED: &str = "cancelled";
/// Not stored: a pending offer past its expiry.
pub const OFFER_EXPIRED: &str = "expired";

impl OfferRecord {
    /// The state as shown: `expired` for a pending offer past its expiry.
    pub fn state_at(&self, now: DateTime<Utc>) -> &str {
        if self.state == OFFER_PENDING && self.expires_at <= now {
            OFFER_EXPIRED
        } else {
            &self.state
        }
    }
}

/// Which offers to list.
#[derive(Debug, Clone, Default)]
pub struct OfferFilter {
    /// `pending`, `accepted`, `declined`, `cancelled` or `expired`.
    pub state: Option<String>,
    /// Offers created before this one (id), for paging.
    pub before: Option<String>,
    pub limit: u32,
}

/// What cancelling did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelOutcome {
    Cancelled,
    NotFound,
    /// Accepted, declined, cancelled, expired, or its pre-authorized code
    /// was already exchanged.
    NotPending,
}

/// An OpenID4VCI access token, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessTokenRecord {
    /// SHA-256 (hex) of the token.
    pub token_hash: String,
    pub offer_id: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// What exchanging a pre-authorized code did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeem {
    /// The token was stored for this offer.
    Issued(Box<OfferRecord>),
    /// No offer has this code.
    Unknown,
    /// The code was used, or the offer is no longer pending or has expired.
    Spent,
    /// The offer needs a tx_code and none was sent.
    TxCodeMissing,
    /// A tx_code was sent to an offer that has none.
    TxCodeUnexpected,
    /// Wrong tx_code; `burnt` when that was the last attempt allowed.
    TxCodeWrong { burnt: bool },
}

pub(super) const OFFER_COLUMNS: &str =
    "id, org_id, template_id, token_hash, pre_auth_hash, tx_code_hash, \
     tx_attempts, pre_auth_used_at, subject, email, options, state, channel, citizen_id, \
     credential_ref, created_by, created_at, expires_at, ended_at, batch_id, reference, lang, \
     opened_at, mailed_at, reminded_at, mail_id";

#[async_trait::async_trait]
pub trait OfferStore: Send + Sync {
    /// Records an offer, its audit line and (email offers) its message, in
    /// one transaction.
    async fn create_offer(
        &self,
        offer: &OfferRecord,
        mail: Option<&OutboxMessage>,
        audit: &NewAuditEntry,
    ) -> StoreResult<()>;
    async fn get_offer(&self, org_id: &str, id: &str) -> StoreResult<Option<OfferRecord>>;
    async fn offer_by_id(&self, id: &str) -> StoreResult<Option<OfferRecord>>;
    async fn offer_by_token(&self, token_hash: &str) -> StoreResult<Option<OfferRecord>>;
    async fn offer_by_pre_auth(&self, pre_auth_hash: &str) -> StoreResult<Option<OfferRecord>>;
    /// An organisation's offers, newest first.
    async fn list_offers(
        &self,
        org_id: &str,
        filter: &OfferFilter,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<OfferRecord>>;
    /// Pending, live offers addressed to this (verified) email whose code
    /// was not exchanged, newest first.
    async fn offers_for_email(
        &self,
        email: &str,
        now: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<OfferRecord>>;
    /// Cancels a pending offer (with its audit line).
    async fn cancel_offer(
        &self,
        org_id: &str,
        id: &str,
        now: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> StoreResult<CancelOutcome>;
    /// Declines a pending, live offer whose code was not exchanged; false
    /// if it is no longer so.
    async fn decline_offer(
        &self,
        id: &str,
        citizen_id: &str,
        now: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> StoreResult<bool>;
    /// In one transaction: consumes the pending, live offer (whose code was
    /// not exchanged), records the issued credential and the audit lines,
    /// and stores the holding. False (and nothing written) if the offer was
    /// no longer pending: the caller discards the credential.
    async fn accept_offer(
        &self,
        id: &str,
        citizen_id: &str,
        credential: &IssuedCredential,
        audit: &[NewAuditEntry],
        holding: &HoldingRecord,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// Exchanges a pre-authorized code (and tx_code) for an access token.
    /// A wrong tx_code counts; at `max_attempts` the code is burnt.
    async fn redeem_pre_authorized_code(
        &self,
        pre_auth_hash: &str,
        tx_code_hash: Option<&str>,
        token: &AccessTokenRecord,
        max_attempts: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Redeem>;
    /// The offer of a live, unused access token.
    async fn offer_for_access_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<OfferRecord>>;
    /// Records a nonce as spent until `expires_at` (when it could no
    /// longer be used anyway), forgetting those past their expiry: true
    /// the first time, false if it was spent already. Nonces are handed
    /// out without being stored (they are sealed), so the table
    /// `oid4vci_nonces` holds only nonces spent by authenticated wallets.
    async fn spend_nonce(
        &self,
        nonce_hash: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// In one transaction: uses the access token, marks its offer accepted
    /// (channel `oid4vci`), records the issued credential and the audit
    /// lines. False (and nothing written) if the token or offer was already
    /// used.
    async fn complete_oid4vci(
        &self,
        token_hash: &str,
        offer_id: &str,
        credential: &IssuedCredential,
        audit: &[NewAuditEntry],
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
}

/// Compares two digests without an early exit.
fn same_digest(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The SQL condition of a state filter (fixed text, never input).
fn state_condition(state: Option<&str>) -> &'static str {
    match state {
        Some(OFFER_PENDING) => "AND state = 'pending' AND expires_at > $3",
        Some(OFFER_EXPIRED) => "AND state = 'pending' AND expires_at <= $3",
        Some(OFFER_ACCEPTED) => "AND state = 'accepted' AND CAST($3 AS TEXT) IS NOT NULL",
        Some(OFFER_DECLINED) => "AND state = 'declined' AND CAST($3 AS TEXT) IS NOT NULL",
        Some(OFFER_CANCELLED) => "AND state = 'cancelled' AND CAST($3 AS TEXT) IS NOT NULL",
        _ => "AND CAST($3 AS TEXT) IS NOT NULL",
    }
}

macro_rules! offer_sql {
    ($name:ident, $db:ty) => {
        impl $name {
            /// Inserts offers (multi-row INSERTs).
            pub(super) async fn insert_offers(
                tx: &mut sqlx::Transaction<'static, $db>,
                offers: &[&OfferRecord],
            ) -> StoreResult<()> {
                // 26 columns: well under both drivers' parameter limits.
                for chunk in offers.chunks(500) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                        "INSERT INTO offers ({OFFER_COLUMNS}) "
                    ));
                    q.push_values(chunk, |mut b, o| {
                        b.push_bind(&o.id)
                            .push_bind(&o.org_id)
                            .push_bind(&o.template_id)
                            .push_bind(&o.token_hash)
                            .push_bind(&o.pre_auth_hash)
                            .push_bind(&o.tx_code_hash)
                            .push_bind(o.tx_attempts)
                            .push_bind(o.pre_auth_used_at)
                            .push_bind(&o.subject)
                            .push_bind(&o.email)
                            .push_bind(&o.options)
                            .push_bind(&o.state)
                            .push_bind(&o.channel)
                            .push_bind(&o.citizen_id)
                            .push_bind(&o.credential_ref)
                            .push_bind(&o.created_by)
                            .push_bind(o.created_at)
                            .push_bind(o.expires_at)
                            .push_bind(o.ended_at)
                            .push_bind(&o.batch_id)
                            .push_bind(&o.reference)
                            .push_bind(&o.lang)
                            .push_bind(o.opened_at)
                            .push_bind(o.mailed_at)
                            .push_bind(o.reminded_at)
                            .push_bind(&o.mail_id);
                    });
                    q.build()
                        .execute(&mut **tx)
                        .await
                        .map_err(|e| StoreError::from_sqlx(e, "offer token or reference collision"))?;
                }
                Ok(())
            }

            /// The offer whose `column` (a fixed column name, never input)
            /// equals `value`.
            async fn offer_where(
                &self,
                column: &'static str,
                value: &str,
            ) -> StoreResult<Option<OfferRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {OFFER_COLUMNS} FROM offers WHERE {column} = $1"
                ))
                .bind(value)
                .fetch_optional(self.pool())
                .await?)
            }

            pub(super) async fn tx_offer_accepted(
                tx: &mut sqlx::Transaction<'static, $db>,
                credential: &IssuedCredential,
                audit: &[NewAuditEntry],
            ) -> StoreResult<()> {
                Self::insert_credentials(tx, &[credential]).await?;
                for entry in audit {
                    Self::insert_audit(tx, entry).await?;
                }
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl OfferStore for $name {
            async fn create_offer(
                &self,
                o: &OfferRecord,
                mail: Option<&OutboxMessage>,
                audit: &NewAuditEntry,
            ) -> StoreResult<()> {
                let mut tx = self.write().await?;
                Self::insert_offers(&mut tx, &[o]).await?;
                if let Some(m) = mail {
                    Self::tx_insert_mail(&mut tx, m).await?;
                }
                Self::insert_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn get_offer(&self, org_id: &str, id: &str) -> StoreResult<Option<OfferRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {OFFER_COLUMNS} FROM offers WHERE org_id = $1 AND id = $2"
                ))
                .bind(org_id)
                .bind(id)
                .fetch_optional(self.pool())
                .await?)
            }

            async fn offer_by_id(&self, id: &str) -> StoreResult<Option<OfferRecord>> {
                self.offer_where("id", id).await
            }

            async fn offer_by_token(&self, token_hash: &str) -> StoreResult<Option<OfferRecord>> {
                self.offer_where("token_hash", token_hash).await
            }

            async fn offer_by_pre_auth(&self, pre_auth_hash: &str) -> StoreResult<Option<OfferRecord>> {
                self.offer_where("pre_auth_hash", pre_auth_hash).await
            }

            async fn list_offers(
                &self,
                org_id: &str,
                filter: &OfferFilter,
                now: DateTime<Utc>,
            ) -> StoreResult<Vec<OfferRecord>> {
                let condition = state_condition(filter.state.as_deref());
                Ok(sqlx::query_as(&format!(
                    "SELECT {OFFER_COLUMNS} FROM offers WHERE org_id = $1 {condition} \
                     AND (CAST($2 AS TEXT) IS NULL OR (created_at, id) < \
                          (SELECT created_at, id FROM offers WHERE id = $2 AND org_id = $1)) \
                     ORDER BY created_at DESC, id DESC LIMIT $4"
                ))
                .bind(org_id)
                .bind(&filter.before)
                .bind(now)
                .bind(i64::from(filter.limit.clamp(1, 500)))
                .fetch_all(self.pool())
                .await?)
            }

            async fn offers_for_email(
                &self,
                email: &str,
                now: DateTime<Utc>,
                limit: u32,
            ) -> StoreResult<Vec<OfferRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {OFFER_COLUMNS} FROM offers WHERE email = $1 AND state = 'pending' \
                     AND expires_at > $2 AND pre_auth_used_at IS NULL \
                     ORDER BY created_at DESC, id DESC LIMIT $3"
                ))
                .bind(email)
                .bind(now)
                .bind(i64::from(limit.clamp(1, 500)))
                .fetch_all(self.pool())
                .await?)
            }

            async fn cancel_offer(
                &self,
                org_id: &str,
                id: &str,
                now: DateTime<Utc>,
                audit: &NewAuditEntry,
            ) -> StoreResult<CancelOutcome> {
                let mut tx = self.write().await?;
                let done = sqlx::query(
                    "UPDATE offers SET state = 'cancelled', ended_at = $1 \
                     WHERE org_id = $2 AND id = $3 AND state = 'pending' AND expires_at > $1 \
                     AND pre_auth_used_at IS NULL",
                )
                .bind(now)
                .bind(org_id)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    > 0;
                if !done {
                    let exists: Option<String> =
                        sqlx::query_scalar("SELECT id FROM offers WHERE org_id = $1 AND id = $2")
                            .bind(org_id)
                            .bind(id)
                            .fetch_optional(&mut *tx)
                            .await?;
                    tx.rollback().await?;
                    return Ok(if exists.is_some() {
                        CancelOutcome::NotPending
                    } else {
                        CancelOutcome::NotFound
                    });
                }
                Self::insert_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(CancelOutcome::Cancelled)
            }

            async fn decline_offer(
                &self,
                id: &str,
                citizen_id: &str,
                now: DateTime<Utc>,
                audit: &NewAuditEntry,
            ) -> StoreResult<bool> {
                let mut tx = self.write().await?;
                let done = sqlx::query(
                    "UPDATE offers SET state = 'declined', ended_at = $1, citizen_id = $2 \
                     WHERE id = $3 AND state = 'pending' AND expires_at > $1 \
                     AND pre_auth_used_at IS NULL",
                )
                .bind(now)
                .bind(citizen_id)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    > 0;
                if !done {
                    tx.rollback().await?;
                    return Ok(false);
                }
                Self::insert_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn accept_offer(
                &self,
                id: &str,
                citizen_id: &str,
                credential: &IssuedCredential,
                audit: &[NewAuditEntry],
                holding: &HoldingRecord,
                now: DateTime<Utc>,
            ) -> StoreResult<bool> {
                let mut tx = self.write().await?;
                let won = sqlx::query(
                    "UPDATE offers SET state = 'accepted', channel = 'wallet', ended_at = $1, \
                     citizen_id = $2, credential_ref = $3 \
                     WHERE id = $4 AND state = 'pending' AND expires_at > $1 \
                     AND pre_auth_used_at IS NULL",
                )
                .bind(now)
                .bind(citizen_id)
                .bind(&credential.id)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    > 0;
                if !won {
                    tx.rollback().await?;
                    return Ok(false);
                }
                Self::tx_offer_accepted(&mut tx, credential, audit).await?;
                Self::tx_insert_holding(&mut tx, holding).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn redeem_pre_authorized_code(
                &self,
                pre_auth_hash: &str,
                tx_code_hash: Option<&str>,
                token: &AccessTokenRecord,
                max_attempts: i64,
                now: DateTime<Utc>,
            ) -> StoreResult<Redeem> {
                let mut tx = self.write().await?;
                let offer: Option<OfferRecord> = sqlx::query_as(&format!(
                    "SELECT {OFFER_COLUMNS} FROM offers WHERE pre_auth_hash = $1"
                ))
                .bind(pre_auth_hash)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(offer) = offer else {
                    tx.rollback().await?;
                    return Ok(Redeem::Unknown);
                };
                if offer.state != OFFER_PENDING
                    || offer.expires_at <= now
                    || offer.pre_auth_used_at.is_some()
                {
                    tx.rollback().await?;
                    return Ok(Redeem::Spent);
                }
                match (&offer.tx_code_hash, tx_code_hash) {
                    (Some(_), None) => {
                        tx.rollback().await?;
                        return Ok(Redeem::TxCodeMissing);
                    }
                    (None, Some(_)) => {
                        tx.rollback().await?;
                        return Ok(Redeem::TxCodeUnexpected);
                    }
                    (Some(expected), Some(given))
                        if !same_digest(expected, given) =>
                    {
                        // Counted whatever the outcome of the request; the
                        // last allowed attempt burns the code.
                        let burnt = offer.tx_attempts + 1 >= max_attempts;
                        sqlx::query(
                            "UPDATE offers SET tx_attempts = tx_attempts + 1, \
                             pre_auth_used_at = CASE WHEN $1 THEN $2 ELSE pre_auth_used_at END \
                             WHERE id = $3",
                        )
                        .bind(burnt)
                        .bind(now)
                        .bind(&offer.id)
                        .execute(&mut *tx)
                        .await?;
                        tx.commit().await?;
                        return Ok(Redeem::TxCodeWrong { burnt });
                    }
                    _ => {}
                }
                let won = sqlx::query(
                    "UPDATE offers SET pre_auth_used_at = $1 \
                     WHERE id = $2 AND state = 'pending' AND expires_at > $1 \
                     AND pre_auth_used_at IS NULL",
                )
                .bind(now)
                .bind(&offer.id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    > 0;
                if !won {
                    tx.rollback().await?;
                    return Ok(Redeem::Spent);
                }
                sqlx::query(
                    "INSERT INTO oid4vci_tokens (token_hash, offer_id, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(&token.token_hash)
                .bind(&offer.id)
                .bind(token.created_at)
                .bind(token.expires_at)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::from_sqlx(e, "access token collision"))?;
                tx.commit().await?;
                Ok(Redeem::Issued(Box::new(OfferRecord {
                    pre_auth_used_at: Some(now),
                    ..offer
                })))
            }

            async fn offer_for_access_token(
                &self,
                token_hash: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<Option<OfferRecord>> {
                let columns = OFFER_COLUMNS
                    .split(", ")
                    .map(|c| format!("o.{c}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                Ok(sqlx::query_as(&format!(
                    "SELECT {columns} FROM oid4vci_tokens t JOIN offers o ON o.id = t.offer_id \
                     WHERE t.token_hash = $1 AND t.used_at IS NULL AND t.expires_at > $2"
                ))
                .bind(token_hash)
                .bind(now)
                .fetch_optional(self.pool())
                .await?)
            }

            async fn spend_nonce(
                &self,
                nonce_hash: &str,
                expires_at: DateTime<Utc>,
                now: DateTime<Utc>,
            ) -> StoreResult<bool> {
                let mut tx = self.write().await?;
                sqlx::query("DELETE FROM oid4vci_nonces WHERE expires_at <= $1")
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                let fresh = sqlx::query(
                    "INSERT INTO oid4vci_nonces (nonce_hash, expires_at) VALUES ($1, $2) \
                     ON CONFLICT (nonce_hash) DO NOTHING",
                )
                .bind(nonce_hash)
                .bind(expires_at)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    > 0;
                tx.commit().await?;
                Ok(fresh)
            }

            async fn complete_oid4vci(
                &self,
                token_hash: &str,
                offer_id: &str,
                credential: &IssuedCredential,
                audit: &[NewAuditEntry],
                now: DateTime<Utc>,
            ) -> StoreResult<bool> {
                let mut tx = self.write().await?;
                let token_used = sqlx::query(
                    "UPDATE oid4vci_tokens SET used_at = $1 \
                     WHERE token_hash = $2 AND offer_id = $3 AND used_at IS NULL AND expires_at > $1",
                )
                .bind(now)
                .bind(token_hash)
                .bind(offer_id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    > 0;
                let won = token_used
                    && sqlx::query(
                        "UPDATE offers SET state = 'accepted', channel = 'oid4vci', ended_at = $1, \
                         credential_ref = $2 WHERE id = $3 AND state = 'pending'",
                    )
                    .bind(now)
                    .bind(&credential.id)
                    .bind(offer_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                        > 0;
                if !won {
                    tx.rollback().await?;
                    return Ok(false);
                }
                Self::tx_offer_accepted(&mut tx, credential, audit).await?;
                tx.commit().await?;
                Ok(true)
            }
        }
    };
}

offer_sql!(SqliteStore, sqlx::Sqlite);
offer_sql!(PgStore, sqlx::Postgres);
