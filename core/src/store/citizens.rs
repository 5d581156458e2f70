//! Storage of citizens: accounts, sessions, single-use email tokens, failed
//! logins, the mail outbox, passkeys and the credentials a citizen holds.
//!
//! Written once for both backends, like `sql.rs`: the [`citizen_sql!`]
//! macro expands the same queries for SQLite and PostgreSQL.

use super::{PgStore, SqliteStore, StoreError, StoreResult};
use chrono::{DateTime, Utc};

/// A citizen's account as stored.
#[derive(Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CitizenRecord {
    pub id: String,
    /// Lower-cased and trimmed.
    pub email: String,
    pub display_name: String,
    /// argon2id, PHC string format.
    pub password_hash: String,
    pub email_verified_at: Option<DateTime<Utc>>,
    /// did:key of the holder key.
    pub holder_did: String,
    /// PKCS#8 of the holder key, sealed under the master key (AAD: the
    /// citizen id and `holder`).
    pub holder_key_sealed: Vec<u8>,
    /// The citizen's document key (wraps each file's key), sealed under
    /// the master key (AAD: the citizen id and `vault`).
    pub vault_key_sealed: Vec<u8>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// One line shown under the name on the citizen's shares (`None`: none).
    pub headline: Option<String>,
}

impl std::fmt::Debug for CitizenRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // No email (personal data) and no secrets in logs.
        f.debug_struct("CitizenRecord")
            .field("id", &self.id)
            .field("holder_did", &self.holder_did)
            .finish_non_exhaustive()
    }
}

/// How a session is carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SessionKind {
    /// A `Secure; HttpOnly; SameSite=Strict` cookie (pages).
    Cookie,
    /// `Authorization: Bearer` (API clients).
    Bearer,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cookie => "cookie",
            Self::Bearer => "bearer",
        }
    }

    fn parse(text: &str) -> StoreResult<Self> {
        match text {
            "cookie" => Ok(Self::Cookie),
            "bearer" => Ok(Self::Bearer),
            other => Err(StoreError::Corrupt(format!("session kind {other:?}"))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// SHA-256 (hex) of the token; the token itself is never stored.
    pub token_hash: String,
    pub citizen_id: String,
    pub kind: SessionKind,
    pub label: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    token_hash: String,
    citizen_id: String,
    kind: String,
    label: Option<String>,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
}

impl TryFrom<SessionRow> for SessionRecord {
    type Error = StoreError;
    fn try_from(r: SessionRow) -> StoreResult<Self> {
        Ok(Self {
            kind: SessionKind::parse(&r.kind)?,
            token_hash: r.token_hash,
            citizen_id: r.citizen_id,
            label: r.label,
            created_at: r.created_at,
            expires_at: r.expires_at,
            last_seen_at: r.last_seen_at,
        })
    }
}

/// What a single-use email link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    VerifyEmail,
    ResetPassword,
}

impl TokenPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify-email",
            Self::ResetPassword => "reset-password",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailToken {
    pub token_hash: String,
    pub citizen_id: String,
    pub purpose: TokenPurpose,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A message waiting in (or sent from) the outbox.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxMessage {
    pub id: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// e.g. `verify-email`, `reset-password`, `offer`
    pub kind: String,
    pub citizen_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    pub attempts: i64,
    pub sent_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// The HTML part, when the message has one (the body is then its
    /// plain-text part).
    pub html: Option<String>,
    /// The one-click unsubscribe URL (RFC 8058): sent as `List-Unsubscribe`
    /// with `List-Unsubscribe-Post: List-Unsubscribe=One-Click`.
    pub unsubscribe_url: Option<String>,
}

/// A registered passkey.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PasskeyRecord {
    /// The credential id, base64url.
    pub id: String,
    pub citizen_id: String,
    pub name: String,
    /// webauthn-rs `Passkey`, JSON.
    pub passkey: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A WebAuthn ceremony in progress.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CeremonyRecord {
    pub id: String,
    pub citizen_id: Option<String>,
    /// `register` or `authenticate`
    pub kind: String,
    /// webauthn-rs state, JSON.
    pub state: String,
    pub expires_at: DateTime<Utc>,
}

/// A credential a citizen holds, stored exactly as received.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HoldingRecord {
    pub id: String,
    pub citizen_id: String,
    /// `ldp_vc` or `vc+jwt`
    pub format: String,
    /// Verbatim.
    pub body: String,
    pub credential_id: Option<String>,
    pub issuer: String,
    /// JSON array of the credential's types.
    pub types: String,
    pub title: String,
    pub valid_from: Option<DateTime<Utc>>,
    pub valid_until: Option<DateTime<Utc>>,
    /// `offer`, `oid4vci`, `import` or `archive`
    pub source: String,
    /// JSON array of strings.
    pub tags: String,
    /// The verification report at import (JSON).
    pub import_report: Option<String>,
    pub received_at: DateTime<Utc>,
}

/// Holdings, newest first.
#[derive(Debug, Clone, Default)]
pub struct HoldingFilter {
    /// Only holdings with this tag.
    pub tag: Option<String>,
    /// Received before this holding (id), for paging.
    pub before: Option<String>,
    pub limit: u32,
}

pub(super) const CITIZEN_COLUMNS: &str = "id, email, display_name, password_hash, \
     email_verified_at, holder_did, holder_key_sealed, vault_key_sealed, created_at, updated_at, \
     headline";
const SESSION_COLUMNS: &str =
    "token_hash, citizen_id, kind, label, created_at, expires_at, last_seen_at";
const OUTBOX_COLUMNS: &str = "id, recipient, subject, body, kind, citizen_id, created_at, \
     next_attempt_at, attempts, sent_at, last_error, html, unsubscribe_url";
const PASSKEY_COLUMNS: &str = "id, citizen_id, name, passkey, created_at, last_used_at";
pub(super) const HOLDING_COLUMNS: &str = "id, citizen_id, format, body, credential_id, issuer, \
     types, title, valid_from, valid_until, source, tags, import_report, received_at";

#[async_trait::async_trait]
pub trait CitizenStore: Send + Sync {
    /// Creates the account, and in the same transaction its email
    /// verification token and the message carrying it. `Conflict` if the
    /// email is taken.
    async fn create_citizen(
        &self,
        citizen: &CitizenRecord,
        token: Option<&EmailToken>,
        mail: Option<&OutboxMessage>,
    ) -> StoreResult<()>;
    async fn citizen_by_email(&self, email: &str) -> StoreResult<Option<CitizenRecord>>;
    async fn citizen_by_id(&self, id: &str) -> StoreResult<Option<CitizenRecord>>;
    async fn citizen_by_holder_did(&self, did: &str) -> StoreResult<Option<CitizenRecord>>;
    async fn count_citizens(&self) -> StoreResult<i64>;
    /// Erases the citizen and everything that hangs from it. Returns false
    /// if there was no such citizen.
    async fn delete_citizen(&self, id: &str) -> StoreResult<bool>;
    /// Writes the display name and the headline (`None`: none) together.
    async fn set_citizen_profile(
        &self,
        id: &str,
        display_name: &str,
        headline: Option<&str>,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;

    async fn create_session(&self, session: &SessionRecord) -> StoreResult<()>;
    /// The live session with this token hash and its citizen.
    async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(SessionRecord, CitizenRecord)>>;
    /// Records use and slides the expiry (called at most once a minute).
    async fn touch_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    async fn list_sessions(
        &self,
        citizen_id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<SessionRecord>>;

    /// Stores a token and the message that carries it, in one transaction;
    /// earlier unused tokens of the same purpose are voided.
    async fn create_email_token(&self, token: &EmailToken, mail: &OutboxMessage)
        -> StoreResult<()>;
    /// Consumes a live token of this purpose: returns its citizen, or `None`
    /// if it is unknown, used or expired. Marks the email verified for
    /// `VerifyEmail`. Atomic: two concurrent uses, one winner.
    async fn use_email_token(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<String>>;
    /// Consumes a reset token and sets the password, ending every session,
    /// in one transaction. `None` if the token is unknown, used or expired.
    async fn reset_password(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<String>>;
    /// Whether a token of this purpose is live (unknown, used or expired:
    /// no). Read only: a cheap check before expensive work.
    async fn email_token_live(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Sets the password and ends every session but `keep` (the caller's).
    async fn set_password(
        &self,
        citizen_id: &str,
        password_hash: &str,
        keep: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    async fn enqueue_mail(&self, mail: &OutboxMessage) -> StoreResult<()>;
    /// Unsent messages due at `now`, oldest first.
    async fn due_mail(&self, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<OutboxMessage>>;
    async fn mail_sent(&self, id: &str, at: DateTime<Utc>) -> StoreResult<()>;
    async fn mail_failed(&self, id: &str, error: &str, retry_at: DateTime<Utc>) -> StoreResult<()>;
    /// Gives up a message: the mail server refused it for good, or it
    /// failed too many times (a bounce). It is never tried again.
    async fn mail_bounced(&self, id: &str, error: &str, at: DateTime<Utc>) -> StoreResult<()>;
    /// Messages to a recipient, newest first (operators and tests).
    async fn mail_to(&self, recipient: &str) -> StoreResult<Vec<OutboxMessage>>;

    async fn add_passkey(&self, passkey: &PasskeyRecord) -> StoreResult<()>;
    async fn passkeys(&self, citizen_id: &str) -> StoreResult<Vec<PasskeyRecord>>;
    async fn update_passkey(&self, id: &str, passkey: &str, at: DateTime<Utc>) -> StoreResult<()>;
    async fn delete_passkey(&self, citizen_id: &str, id: &str) -> StoreResult<bool>;
    async fn put_ceremony(&self, ceremony: &CeremonyRecord) -> StoreResult<()>;
    /// Removes and returns a live ceremony (single use).
    async fn take_ceremony(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<CeremonyRecord>>;

    async fn insert_holding(&self, holding: &HoldingRecord) -> StoreResult<()>;
    async fn list_holdings(
        &self,
        citizen_id: &str,
        filter: &HoldingFilter,
    ) -> StoreResult<Vec<HoldingRecord>>;
    async fn get_holding(&self, citizen_id: &str, id: &str) -> StoreResult<Option<HoldingRecord>>;
    async fn set_holding_tags(&self, citizen_id: &str, id: &str, tags: &str) -> StoreResult<bool>;
    async fn delete_holding(&self, citizen_id: &str, id: &str) -> StoreResult<bool>;

    /// Synthetic data (`atout dev seed`): citizens and their entries in
    /// multi-row INSERTs, one transaction.
    async fn seed_wallets(
        &self,
        citizens: &[CitizenRecord],
        entries: &[super::EntryRecord],
    ) -> StoreResult<()>;
    /// Synthetic data: puts every credential an organisation issued with a
    /// citizen's id as its reference into that citizen's wallet (verbatim),
    /// unless already there. Returns how many holdings were added.
    async fn holdings_from_issued(
        &self,
        org_id: &str,
        issuer_did: &str,
        title: &str,
        types: &str,
        source: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<i64>;
}

const SEED_CHUNK: usize = 400;

macro_rules! citizen_sql {
    ($name:ident, $db:ty) => {
        impl $name {
            /// The citizen whose `column` (a fixed column name, never
            /// input) equals `value`.
            async fn citizen_where(
                &self,
                column: &'static str,
                value: &str,
            ) -> StoreResult<Option<CitizenRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {CITIZEN_COLUMNS} FROM citizens WHERE {column} = $1"
                ))
                .bind(value)
                .fetch_optional(self.pool())
                .await?)
            }

            pub(super) async fn tx_insert_token(
                tx: &mut sqlx::Transaction<'static, $db>,
                t: &EmailToken,
            ) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO citizen_tokens (token_hash, citizen_id, purpose, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(t.token_hash.clone())
                .bind(t.citizen_id.clone())
                .bind(t.purpose.as_str())
                .bind(t.created_at)
                .bind(t.expires_at)
                .execute(&mut **tx)
                .await
                .map_err(|e| StoreError::from_sqlx(e, "token collision"))?;
                Ok(())
            }

            /// Queues messages (multi-row INSERTs).
            pub(super) async fn insert_mails(
                tx: &mut sqlx::Transaction<'static, $db>,
                mails: &[&OutboxMessage],
            ) -> StoreResult<()> {
                for chunk in mails.chunks(1000) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                        "INSERT INTO outbox ({OUTBOX_COLUMNS}) "
                    ));
                    q.push_values(chunk, |mut b, m| {
                        b.push_bind(&m.id)
                            .push_bind(&m.recipient)
                            .push_bind(&m.subject)
                            .push_bind(&m.body)
                            .push_bind(&m.kind)
                            .push_bind(&m.citizen_id)
                            .push_bind(m.created_at)
                            .push_bind(m.next_attempt_at)
                            .push_bind(m.attempts)
                            .push_bind(m.sent_at)
                            .push_bind(&m.last_error)
                            .push_bind(&m.html)
                            .push_bind(&m.unsubscribe_url);
                    });
                    q.build().execute(&mut **tx).await?;
                }
                Ok(())
            }

            pub(super) async fn tx_insert_mail(
                tx: &mut sqlx::Transaction<'static, $db>,
                m: &OutboxMessage,
            ) -> StoreResult<()> {
                sqlx::query(&format!(
                    "INSERT INTO outbox ({OUTBOX_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
                ))
                .bind(m.id.clone())
                .bind(m.recipient.clone())
                .bind(m.subject.clone())
                .bind(m.body.clone())
                .bind(m.kind.clone())
                .bind(m.citizen_id.clone())
                .bind(m.created_at)
                .bind(m.next_attempt_at)
                .bind(m.attempts)
                .bind(m.sent_at)
                .bind(m.last_error.clone())
                .bind(m.html.clone())
                .bind(m.unsubscribe_url.clone())
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            pub(super) async fn tx_insert_holding(
                tx: &mut sqlx::Transaction<'static, $db>,
                h: &HoldingRecord,
            ) -> StoreResult<()> {
                sqlx::query(&format!(
                    "INSERT INTO holdings ({HOLDING_COLUMNS}) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
                ))
                .bind(h.id.clone())
                .bind(h.citizen_id.clone())
                .bind(h.format.clone())
                .bind(h.body.clone())
                .bind(h.credential_id.clone())
                .bind(h.issuer.clone())
                .bind(h.types.clone())
                .bind(h.title.clone())
                .bind(h.valid_from)
                .bind(h.valid_until)
                .bind(h.source.clone())
                .bind(h.tags.clone())
                .bind(h.import_report.clone())
                .bind(h.received_at)
                .execute(&mut **tx)
                .await
                .map_err(|e| StoreError::from_sqlx(e, "this holding exists"))?;
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl CitizenStore for $name {
            async fn create_citizen(
                &self,
                c: &CitizenRecord,
                token: Option<&EmailToken>,
                mail: Option<&OutboxMessage>,
            ) -> StoreResult<()> {
                let mut tx = self.write().await?;
                sqlx::query(&format!(
                    "INSERT INTO citizens ({CITIZEN_COLUMNS}) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
                ))
                .bind(&c.id)
                .bind(&c.email)
                .bind(&c.display_name)
                .bind(&c.password_hash)
                .bind(c.email_verified_at)
                .bind(&c.holder_did)
                .bind(&c.holder_key_sealed)
                .bind(&c.vault_key_sealed)
                .bind(c.created_at)
                .bind(c.updated_at)
                .bind(&c.headline)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::from_sqlx(e, "an account with this email exists"))?;
                if let Some(t) = token {
                    Self::tx_insert_token(&mut tx, t).await?;
                }
                if let Some(m) = mail {
                    Self::tx_insert_mail(&mut tx, m).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn citizen_by_email(&self, email: &str) -> StoreResult<Option<CitizenRecord>> {
                self.citizen_where("email", email).await
            }

            async fn citizen_by_id(&self, id: &str) -> StoreResult<Option<CitizenRecord>> {
                self.citizen_where("id", id).await
            }

            async fn citizen_by_holder_did(&self, did: &str) -> StoreResult<Option<CitizenRecord>> {
                self.citizen_where("holder_did", did).await
            }

            async fn count_citizens(&self) -> StoreResult<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM citizens")
                    .fetch_one(self.pool())
                    .await?)
            }

            async fn delete_citizen(&self, id: &str) -> StoreResult<bool> {
                let mut tx = self.write().await?;
                let done = sqlx::query("DELETE FROM citizens WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                    > 0;
                tx.commit().await?;
                Ok(done)
            }

            async fn set_citizen_profile(
                &self,
                id: &str,
                display_name: &str,
                headline: Option<&str>,
                at: DateTime<Utc>,
            ) -> StoreResult<()> {
                let mut tx = self.write().await?;
                sqlx::query(
                    "UPDATE citizens SET display_name = $1, headline = $2, updated_at = $3 \
                     WHERE id = $4",
                )
                .bind(display_name)
                .bind(headline)
                .bind(at)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn create_session(&self, s: &SessionRecord) -> StoreResult<()> {
                let mut tx = self.write().await?;
                sqlx::query(&format!(
                    "INSERT INTO citizen_sessions ({SESSION_COLUMNS}) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)"
                ))
                .bind(&s.token_hash)
                .bind(&s.citizen_id)
                .bind(s.kind.as_str())
                .bind(&s.label)
                .bind(s.created_at)
                .bind(s.expires_at)
                .bind(s.last_seen_at)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::from_sqlx(e, "session token collision"))?;
                tx.commit().await?;
                Ok(())
            }

            async fn session(
                &self,
                token_hash: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<Option<(SessionRecord, CitizenRecord)>> {
                let row: Option<SessionRow> = sqlx::query_as(&format!(
                    "SELECT {SESSION_COLUMNS} FROM citizen_sessions \
                     WHERE token_hash = $1 AND expires_at > $2"
                ))
                .bind(token_hash)
                .bind(now)
                .fetch_optional(self.pool())
                .await?;
                let Some(row) = row else { return Ok(None) };
                let session = SessionRecord::try_from(row)?;
                Ok(self
                    .citizen_by_id(&session.citizen_id)
                    .await?
                    .map(|c| (session, c)))
            }

            async fn touch_session(
                &self,
                token_hash: &str,
                now: DateTime<Utc>,
                expires_at: DateTime<Utc>,
            ) -> StoreResult<()> {
                sqlx::query(
                    "UPDATE citizen_sessions SET last_seen_at = $1, expires_at = $2 \
                     WHERE token_hash = $3",
                )
                .bind(now)
                .bind(expires_at)
                .bind(token_hash)
                .execute(self.pool())
                .await?;
                Ok(())
            }

            async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
                sqlx::query("DELETE FROM citizen_sessions WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(self.pool())
                    .await?;
                Ok(())
            }

            async fn list_sessions(&self, citizen_id: &str, now: DateTime<Utc>) -> StoreResult<Vec<SessionRecord>> {
                sqlx::query_as::<_, SessionRow>(&format!(
                    "SELECT {SESSION_COLUMNS} FROM citizen_sessions \
                     WHERE citizen_id = $1 AND expires_at > $2 ORDER BY created_at DESC"
                ))
                .bind(citizen_id)
                .bind(now)
                .fetch_all(self.pool())
                .await?
                .into_iter()
                .map(TryInto::try_into)
                .collect()
            }

            async fn create_email_token(&self, t: &EmailToken, mail: &OutboxMessage) -> StoreResult<()> {
                let mut tx = self.write().await?;
                sqlx::query(
                    "UPDATE citizen_tokens SET used_at = $1 \
                     WHERE citizen_id = $2 AND purpose = $3 AND used_at IS NULL",
                )
                .bind(t.created_at)
                .bind(&t.citizen_id)
                .bind(t.purpose.as_str())
                .execute(&mut *tx)
                .await?;
                Self::tx_insert_token(&mut tx, t).await?;
                Self::tx_insert_mail(&mut tx, mail).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn use_email_token(
                &self,
                token_hash: &str,
                purpose: TokenPurpose,
                now: DateTime<Utc>,
            ) -> StoreResult<Option<String>> {
                let mut tx = self.write().await?;
                let citizen: Option<String> = sqlx::query_scalar(
                    "UPDATE citizen_tokens SET used_at = $1 \
                     WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1 \
                     RETURNING citizen_id",
                )
                .bind(now)
                .bind(token_hash)
                .bind(purpose.as_str())
                .fetch_optional(&mut *tx)
                .await?;
                if let (Some(id), TokenPurpose::VerifyEmail) = (&citizen, purpose) {
                    sqlx::query(
                        "UPDATE citizens SET email_verified_at = $1, updated_at = $1 \
                         WHERE id = $2 AND email_verified_at IS NULL",
                    )
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(citizen)
            }

            async fn email_token_live(
                &self,
                token_hash: &str,
                purpose: TokenPurpose,
                now: DateTime<Utc>,
            ) -> StoreResult<bool> {
                let found: Option<i32> = sqlx::query_scalar(
                    "SELECT 1 FROM citizen_tokens \
                     WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
                )
                .bind(token_hash)
                .bind(purpose.as_str())
                .bind(now)
                .fetch_optional(self.pool())
                .await?;
                Ok(found.is_some())
            }

            async fn reset_password(
                &self,
                token_hash: &str,
                password_hash: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<Option<String>> {
                let mut tx = self.write().await?;
                let citizen: Option<String> = sqlx::query_scalar(
                    "UPDATE citizen_tokens SET used_at = $1 \
                     WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1 \
                     RETURNING citizen_id",
                )
                .bind(now)
                .bind(token_hash)
                .bind(TokenPurpose::ResetPassword.as_str())
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(id) = &citizen {
                    // Reading the link proves the mailbox: the email is verified too.
                    sqlx::query(
                        "UPDATE citizens SET password_hash = $1, updated_at = $2, \
                         email_verified_at = COALESCE(email_verified_at, $2) WHERE id = $3",
                    )
                    .bind(password_hash)
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query("DELETE FROM citizen_sessions WHERE citizen_id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(citizen)
            }

            async fn set_password(
                &self,
                citizen_id: &str,
                password_hash: &str,
                keep: Option<&str>,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                let mut tx = self.write().await?;
                sqlx::query("UPDATE citizens SET password_hash = $1, updated_at = $2 WHERE id = $3")
                    .bind(password_hash)
                    .bind(now)
                    .bind(citizen_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "DELETE FROM citizen_sessions WHERE citizen_id = $1 \
                     AND (CAST($2 AS TEXT) IS NULL OR token_hash <> $2)",
                )
                .bind(citizen_id)
                .bind(keep)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn enqueue_mail(&self, mail: &OutboxMessage) -> StoreResult<()> {
                let mut tx = self.write().await?;
                Self::tx_insert_mail(&mut tx, mail).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn due_mail(&self, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<OutboxMessage>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {OUTBOX_COLUMNS} FROM outbox \
                     WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1 \
                     ORDER BY created_at LIMIT $2"
                ))
                .bind(now)
                .bind(i64::from(limit))
                .fetch_all(self.pool())
                .await?)
            }

            async fn mail_sent(&self, id: &str, at: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query(
                    "UPDATE outbox SET sent_at = $1, attempts = attempts + 1, last_error = NULL \
                     WHERE id = $2",
                )
                .bind(at)
                .bind(id)
                .execute(self.pool())
                .await?;
                Ok(())
            }

            async fn mail_failed(&self, id: &str, error: &str, retry_at: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query(
                    "UPDATE outbox SET attempts = attempts + 1, last_error = $1, \
                     next_attempt_at = $2 WHERE id = $3",
                )
                .bind(error)
                .bind(retry_at)
                .bind(id)
                .execute(self.pool())
                .await?;
                Ok(())
            }

            async fn mail_bounced(&self, id: &str, error: &str, at: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query(
                    "UPDATE outbox SET attempts = attempts + 1, last_error = $1, failed_at = $2 \
                     WHERE id = $3",
                )
                .bind(error)
                .bind(at)
                .bind(id)
                .execute(self.pool())
                .await?;
                Ok(())
            }

            async fn mail_to(&self, recipient: &str) -> StoreResult<Vec<OutboxMessage>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE recipient = $1 \
                     ORDER BY created_at DESC, id DESC"
                ))
                .bind(recipient)
                .fetch_all(self.pool())
                .await?)
            }

            async fn add_passkey(&self, p: &PasskeyRecord) -> StoreResult<()> {
                let mut tx = self.write().await?;
                sqlx::query(&format!(
                    "INSERT INTO passkeys ({PASSKEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
                ))
                .bind(&p.id)
                .bind(&p.citizen_id)
                .bind(&p.name)
                .bind(&p.passkey)
                .bind(p.created_at)
                .bind(p.last_used_at)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::from_sqlx(e, "this passkey is already registered"))?;
                tx.commit().await?;
                Ok(())
            }

            async fn passkeys(&self, citizen_id: &str) -> StoreResult<Vec<PasskeyRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {PASSKEY_COLUMNS} FROM passkeys WHERE citizen_id = $1 ORDER BY created_at"
                ))
                .bind(citizen_id)
                .fetch_all(self.pool())
                .await?)
            }

            async fn update_passkey(&self, id: &str, passkey: &str, at: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query("UPDATE passkeys SET passkey = $1, last_used_at = $2 WHERE id = $3")
                    .bind(passkey)
                    .bind(at)
                    .bind(id)
                    .execute(self.pool())
                    .await?;
                Ok(())
            }

            async fn delete_passkey(&self, citizen_id: &str, id: &str) -> StoreResult<bool> {
                Ok(sqlx::query("DELETE FROM passkeys WHERE citizen_id = $1 AND id = $2")
                    .bind(citizen_id)
                    .bind(id)
                    .execute(self.pool())
                    .await?
                    .rows_affected()
                    > 0)
            }

            async fn put_ceremony(&self, c: &CeremonyRecord) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO webauthn_ceremonies (id, citizen_id, kind, state, expires_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&c.id)
                .bind(&c.citizen_id)
                .bind(&c.kind)
                .bind(&c.state)
                .bind(c.expires_at)
                .execute(self.pool())
                .await?;
                Ok(())
            }

            async fn take_ceremony(&self, id: &str, now: DateTime<Utc>) -> StoreResult<Option<CeremonyRecord>> {
                let mut tx = self.write().await?;
                sqlx::query("DELETE FROM webauthn_ceremonies WHERE expires_at <= $1")
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                let c: Option<CeremonyRecord> = sqlx::query_as(
                    "DELETE FROM webauthn_ceremonies WHERE id = $1 \
                     RETURNING id, citizen_id, kind, state, expires_at",
                )
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(c)
            }

            async fn insert_holding(&self, h: &HoldingRecord) -> StoreResult<()> {
                let mut tx = self.write().await?;
                Self::tx_insert_holding(&mut tx, h).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn list_holdings(
                &self,
                citizen_id: &str,
                filter: &HoldingFilter,
            ) -> StoreResult<Vec<HoldingRecord>> {
                // Tags are a JSON array of strings: match the quoted tag.
                let tag = filter.tag.as_ref().map(|t| {
                    format!("%{}%", serde_json::Value::String(t.clone()))
                });
                Ok(sqlx::query_as(&format!(
                    "SELECT {HOLDING_COLUMNS} FROM holdings WHERE citizen_id = $1 \
                     AND (CAST($2 AS TEXT) IS NULL OR tags LIKE $2) \
                     AND (CAST($3 AS TEXT) IS NULL OR (received_at, id) < \
                          (SELECT received_at, id FROM holdings WHERE id = $3 AND citizen_id = $1)) \
                     ORDER BY received_at DESC, id DESC LIMIT $4"
                ))
                .bind(citizen_id)
                .bind(tag)
                .bind(&filter.before)
                .bind(i64::from(filter.limit.max(1)))
                .fetch_all(self.pool())
                .await?)
            }

            async fn get_holding(&self, citizen_id: &str, id: &str) -> StoreResult<Option<HoldingRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {HOLDING_COLUMNS} FROM holdings WHERE citizen_id = $1 AND id = $2"
                ))
                .bind(citizen_id)
                .bind(id)
                .fetch_optional(self.pool())
                .await?)
            }

            async fn set_holding_tags(&self, citizen_id: &str, id: &str, tags: &str) -> StoreResult<bool> {
                let mut tx = self.write().await?;
                let done = sqlx::query("UPDATE holdings SET tags = $1 WHERE citizen_id = $2 AND id = $3")
                    .bind(tags)
                    .bind(citizen_id)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                    > 0;
                tx.commit().await?;
                Ok(done)
            }

            async fn delete_holding(&self, citizen_id: &str, id: &str) -> StoreResult<bool> {
                let mut tx = self.write().await?;
                let done = sqlx::query("DELETE FROM holdings WHERE citizen_id = $1 AND id = $2")
                    .bind(citizen_id)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                    > 0;
                tx.commit().await?;
                Ok(done)
            }

            async fn seed_wallets(
                &self,
                citizens: &[CitizenRecord],
                entries: &[super::EntryRecord],
            ) -> StoreResult<()> {
                let mut tx = self.write().await?;
                for chunk in citizens.chunks(SEED_CHUNK) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                        "INSERT INTO citizens ({CITIZEN_COLUMNS}) "
                    ));
                    q.push_values(chunk, |mut b, c| {
                        b.push_bind(&c.id)
                            .push_bind(&c.email)
                            .push_bind(&c.display_name)
                            .push_bind(&c.password_hash)
                            .push_bind(c.email_verified_at)
                            .push_bind(&c.holder_did)
                            .push_bind(&c.holder_key_sealed)
                            .push_bind(&c.vault_key_sealed)
                            .push_bind(c.created_at)
                            .push_bind(c.updated_at)
                            .push_bind(&c.headline);
                    });
                    q.build()
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| StoreError::from_sqlx(e, "an account with this email exists"))?;
                }
                for chunk in entries.chunks(SEED_CHUNK) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO entries (id, citizen_id, kind, title, organisation, place, \
                         start_date, end_date, description, details, holding_id, created_at, updated_at) ",
                    );
                    q.push_values(chunk, |mut b, e| {
                        b.push_bind(&e.id)
                            .push_bind(&e.citizen_id)
                            .push_bind(&e.kind)
                            .push_bind(&e.title)
                            .push_bind(&e.organisation)
                            .push_bind(&e.place)
                            .push_bind(&e.start_date)
                            .push_bind(&e.end_date)
                            .push_bind(&e.description)
                            .push_bind(&e.details)
                            .push_bind(&e.holding_id)
                            .push_bind(e.created_at)
                            .push_bind(e.updated_at);
                    });
                    q.build().execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn holdings_from_issued(
                &self,
                org_id: &str,
                issuer_did: &str,
                title: &str,
                types: &str,
                source: &str,
                at: DateTime<Utc>,
            ) -> StoreResult<i64> {
                let mut tx = self.write().await?;
                let added = sqlx::query(&format!(
                    "INSERT INTO holdings ({HOLDING_COLUMNS}) \
                     SELECT ic.id, c.id, ic.format, ic.body, ic.credential_id, $2, $3, $4, \
                            ic.issued_at, NULL, $5, '[]', NULL, $6 \
                     FROM issued_credentials ic JOIN citizens c ON c.id = ic.reference \
                     WHERE ic.org_id = $1 AND NOT EXISTS \
                       (SELECT 1 FROM holdings h WHERE h.id = ic.id)"
                ))
                .bind(org_id)
                .bind(issuer_did)
                .bind(types)
                .bind(title)
                .bind(source)
                .bind(at)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                tx.commit().await?;
                Ok(added as i64)
            }
        }
    };
}

citizen_sql!(SqliteStore, sqlx::Sqlite);
citizen_sql!(PgStore, sqlx::Postgres);
