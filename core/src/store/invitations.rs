//! Storage of invitations (a person invited by a citizen, with a role over
//! chosen parts of the portfolio), their sessions and log, the
//! contributors' suggestions and the certifiers' endorsements. Written
//! once for both backends.

use super::{
    shares::ItemTable, EntryRecord, PgStore, ShareItem, SqliteStore, StoreError, StoreResult,
};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// An invitation, as stored.
#[derive(Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InvitationRecord {
    pub id: String,
    pub citizen_id: String,
    pub token_hash: String,
    pub token_sealed: Vec<u8>,
    /// `reader`, `contributor` or `certifier`.
    pub role: String,
    pub email: String,
    pub message: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub code_hash: Option<String>,
    pub code_expires_at: Option<DateTime<Utc>>,
    pub code_attempts: i64,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub invitee_name: Option<String>,
    pub invitee_citizen_id: Option<String>,
    pub signer_did: Option<String>,
    pub signer_key_sealed: Option<Vec<u8>>,
    /// The organisation (its id) the endorsement is asked of: the
    /// certifier must sign for it.
    pub org_id: Option<String>,
}

impl std::fmt::Debug for InvitationRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InvitationRecord")
            .field("id", &self.id)
            .field("citizen_id", &self.citizen_id)
            .field("role", &self.role)
            .field("confirmed", &self.confirmed_at.is_some())
            .field("org_id", &self.org_id)
            .finish_non_exhaustive()
    }
}

/// One use of an invitation.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InvitationAccessRecord {
    pub id: String,
    pub invitation_id: String,
    pub at: DateTime<Utc>,
    pub action: String,
    pub detail: Option<String>,
}

/// A contributor's comment or suggested entry.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SuggestionRecord {
    pub id: String,
    pub citizen_id: String,
    pub invitation_id: Option<String>,
    pub author: String,
    /// `comment` or `entry`.
    pub kind: String,
    pub entry_id: Option<String>,
    pub body: String,
    /// `pending`, `approved` or `rejected`.
    pub state: String,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_entry_id: Option<String>,
}

/// A peer endorsement of an entry.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EndorsementRecord {
    pub id: String,
    pub citizen_id: String,
    pub entry_id: String,
    pub invitation_id: Option<String>,
    pub author_did: String,
    pub author_name: String,
    pub comment: String,
    /// The signed EndorsementCredential, exactly as signed.
    pub credential: String,
    pub created_at: DateTime<Utc>,
    pub hidden_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// The outcome of [`InvitationStore::create_invitation`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateInvitation {
    Created,
    UnknownItem(ShareItem),
    TooMany,
}

/// The outcome of [`InvitationStore::decide_suggestion`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Done,
    NotFound,
    AlreadyDecided,
    TooManyEntries,
}

const INVITATION_COLUMNS: &str = "id, citizen_id, token_hash, token_sealed, role, email, \
     message, created_at, expires_at, revoked_at, code_hash, code_expires_at, code_attempts, \
     confirmed_at, invitee_name, invitee_citizen_id, signer_did, signer_key_sealed, org_id";
const SUGGESTION_COLUMNS: &str = "id, citizen_id, invitation_id, author, kind, entry_id, body, \
     state, created_at, decided_at, created_entry_id";
const ENDORSEMENT_COLUMNS: &str = "id, citizen_id, entry_id, invitation_id, author_did, \
     author_name, comment, credential, created_at, hidden_at, revoked_at";

#[async_trait::async_trait]
pub trait InvitationStore: Send + Sync {
    /// Writes the invitation and what it covers, if every item is the
    /// citizen's and they have fewer than `max_live` live invitations.
    async fn create_invitation(
        &self,
        invitation: &InvitationRecord,
        items: &[ShareItem],
        max_live: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<CreateInvitation>;
    async fn list_invitations(&self, citizen_id: &str) -> StoreResult<Vec<InvitationRecord>>;
    async fn get_invitation(
        &self,
        citizen_id: &str,
        id: &str,
    ) -> StoreResult<Option<InvitationRecord>>;
    async fn invitation_by_token(&self, token_hash: &str) -> StoreResult<Option<InvitationRecord>>;
    async fn invitation_items(&self, invitation_id: &str) -> StoreResult<Vec<ShareItem>>;
    /// Revokes it and ends its sessions: `None` if no such invitation,
    /// `Some(false)` if it was revoked already.
    async fn revoke_invitation(
        &self,
        citizen_id: &str,
        id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<bool>>;
    /// Stores the hash of a new code (forgetting wrong attempts).
    async fn set_invitation_code(
        &self,
        id: &str,
        code_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Reserves one check of the invitation's code, before it is compared:
    /// `Some(n)` (the `n`th attempt on this code) while the code is live
    /// and under `max` attempts, `None` otherwise. One conditional write,
    /// so concurrent guesses never get more than `max` checks.
    async fn reserve_invitation_code_attempt(
        &self,
        id: &str,
        max: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<i64>>;
    /// The email is confirmed: records who, clears the code, and opens a
    /// session (`session_hash`, until `session_expires_at`).
    #[allow(clippy::too_many_arguments)]
    async fn confirm_invitation(
        &self,
        id: &str,
        now: DateTime<Utc>,
        invitee_name: &str,
        invitee_citizen_id: Option<&str>,
        signer: Option<(&str, &[u8])>,
        session_hash: &str,
        session_expires_at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The invitation of a live session.
    async fn invitation_for_session(
        &self,
        session_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<InvitationRecord>>;
    async fn record_invitation_access(&self, access: &InvitationAccessRecord) -> StoreResult<()>;
    async fn invitation_accesses(
        &self,
        citizen_id: &str,
        id: &str,
        limit: i64,
    ) -> StoreResult<Option<Vec<InvitationAccessRecord>>>;

    async fn insert_suggestion(&self, suggestion: &SuggestionRecord) -> StoreResult<()>;
    /// The citizen's suggestions, newest first.
    async fn list_suggestions(&self, citizen_id: &str) -> StoreResult<Vec<SuggestionRecord>>;
    /// Approves (writing `entry`, for a suggested entry) or rejects a
    /// pending suggestion, in one transaction.
    async fn decide_suggestion(
        &self,
        citizen_id: &str,
        id: &str,
        approve: bool,
        entry: Option<&EntryRecord>,
        now: DateTime<Utc>,
        max_entries: i64,
    ) -> StoreResult<Decision>;

    async fn insert_endorsement(&self, endorsement: &EndorsementRecord) -> StoreResult<()>;
    /// Endorsements of one of the citizen's entries (hidden and revoked
    /// ones too), oldest first.
    async fn entry_endorsements(
        &self,
        citizen_id: &str,
        entry_id: &str,
    ) -> StoreResult<Vec<EndorsementRecord>>;
    /// Every endorsement of the citizen's entries, oldest first.
    async fn citizen_endorsements(&self, citizen_id: &str) -> StoreResult<Vec<EndorsementRecord>>;
    /// Endorsements signed with this DID (what a citizen endorsed for
    /// others with their account's key), newest first.
    async fn endorsements_by_author(&self, author_did: &str)
        -> StoreResult<Vec<EndorsementRecord>>;
    /// Endorsements written through an invitation.
    async fn invitation_endorsements(
        &self,
        invitation_id: &str,
    ) -> StoreResult<Vec<EndorsementRecord>>;
    /// Entries of the citizen with visible (not hidden, not revoked)
    /// endorsements, and how many.
    async fn endorsement_counts(&self, citizen_id: &str) -> StoreResult<HashMap<String, i64>>;
    /// Hides or shows again one of the citizen's endorsements; `false` if
    /// there is no such endorsement.
    async fn set_endorsement_hidden(
        &self,
        citizen_id: &str,
        id: &str,
        hidden_at: Option<DateTime<Utc>>,
    ) -> StoreResult<bool>;
    /// The author withdraws an endorsement written through this invitation:
    /// `None` if there is none, `Some(false)` if withdrawn already.
    async fn revoke_endorsement(
        &self,
        invitation_id: &str,
        id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<bool>>;
}

macro_rules! invitation_sql {
    ($name:ident, $db:ty) => {
        impl $name {
            pub(super) async fn tx_insert_endorsement(
                tx: &mut sqlx::Transaction<'static, $db>,
                e: &EndorsementRecord,
            ) -> StoreResult<()> {
                sqlx::query(&format!(
                    "INSERT INTO endorsements ({ENDORSEMENT_COLUMNS}) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
                ))
                .bind(&e.id)
                .bind(&e.citizen_id)
                .bind(&e.entry_id)
                .bind(&e.invitation_id)
                .bind(&e.author_did)
                .bind(&e.author_name)
                .bind(&e.comment)
                .bind(&e.credential)
                .bind(e.created_at)
                .bind(e.hidden_at)
                .bind(e.revoked_at)
                .execute(&mut **tx)
                .await?;
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl InvitationStore for $name {
            async fn create_invitation(
                &self,
                i: &InvitationRecord,
                items: &[ShareItem],
                max_live: i64,
                now: DateTime<Utc>,
            ) -> StoreResult<CreateInvitation> {
                let mut tx = self.write().await?;
                sqlx::query("UPDATE citizens SET updated_at = updated_at WHERE id = $1")
                    .bind(&i.citizen_id)
                    .execute(&mut *tx)
                    .await?;
                let live: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM invitations WHERE citizen_id = $1 \
                     AND revoked_at IS NULL AND expires_at > $2",
                )
                .bind(&i.citizen_id)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                if live >= max_live {
                    return Ok(CreateInvitation::TooMany);
                }
                if let Some(item) = Self::tx_foreign_item(&mut tx, &i.citizen_id, items).await? {
                    return Ok(CreateInvitation::UnknownItem(item));
                }
                sqlx::query(&format!(
                    "INSERT INTO invitations ({INVITATION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, \
                     $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)"
                ))
                .bind(&i.id)
                .bind(&i.citizen_id)
                .bind(&i.token_hash)
                .bind(&i.token_sealed)
                .bind(&i.role)
                .bind(&i.email)
                .bind(&i.message)
                .bind(i.created_at)
                .bind(i.expires_at)
                .bind(i.revoked_at)
                .bind(&i.code_hash)
                .bind(i.code_expires_at)
                .bind(i.code_attempts)
                .bind(i.confirmed_at)
                .bind(&i.invitee_name)
                .bind(&i.invitee_citizen_id)
                .bind(&i.signer_did)
                .bind(&i.signer_key_sealed)
                .bind(&i.org_id)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::from_sqlx(e, "this invitation exists"))?;
                Self::tx_insert_items(&mut tx, ItemTable::Invitation, &i.id, items).await?;
                tx.commit().await?;
                Ok(CreateInvitation::Created)
            }

            async fn list_invitations(&self, citizen_id: &str) -> StoreResult<Vec<InvitationRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {INVITATION_COLUMNS} FROM invitations WHERE citizen_id = $1 \
                     ORDER BY created_at DESC, id DESC"
                ))
                .bind(citizen_id)
                .fetch_all(self.pool())
                .await?)
            }

            async fn get_invitation(&self, citizen_id: &str, id: &str) -> StoreResult<Option<InvitationRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {INVITATION_COLUMNS} FROM invitations WHERE id = $1 AND citizen_id = $2"
                ))
                .bind(id)
                .bind(citizen_id)
                .fetch_optional(self.pool())
                .await?)
            }

            async fn invitation_by_token(&self, token_hash: &str) -> StoreResult<Option<InvitationRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {INVITATION_COLUMNS} FROM invitations WHERE token_hash = $1"
                ))
                .bind(token_hash)
                .fetch_optional(self.pool())
                .await?)
            }

            async fn invitation_items(&self, invitation_id: &str) -> StoreResult<Vec<ShareItem>> {
                self.items_of(ItemTable::Invitation, invitation_id).await
            }

            async fn revoke_invitation(&self, citizen_id: &str, id: &str, now: DateTime<Utc>) -> StoreResult<Option<bool>> {
                let mut tx = self.write().await?;
                let found: Option<Option<DateTime<Utc>>> = sqlx::query_scalar(
                    "SELECT revoked_at FROM invitations WHERE id = $1 AND citizen_id = $2",
                )
                .bind(id)
                .bind(citizen_id)
                .fetch_optional(&mut *tx)
                .await?;
                let outcome = match found {
                    None => None,
                    Some(Some(_)) => Some(false),
                    Some(None) => {
                        sqlx::query("UPDATE invitations SET revoked_at = $1 WHERE id = $2")
                            .bind(now)
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                        Some(true)
                    }
                };
                sqlx::query("DELETE FROM invitation_sessions WHERE invitation_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(outcome)
            }

            async fn set_invitation_code(&self, id: &str, code_hash: &str, expires_at: DateTime<Utc>) -> StoreResult<()> {
                let mut tx = self.write().await?;
                sqlx::query(
                    "UPDATE invitations SET code_hash = $1, code_expires_at = $2, code_attempts = 0 \
                     WHERE id = $3",
                )
                .bind(code_hash)
                .bind(expires_at)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn reserve_invitation_code_attempt(
                &self,
                id: &str,
                max: i64,
                now: DateTime<Utc>,
            ) -> StoreResult<Option<i64>> {
                let mut tx = self.write().await?;
                let attempts: Option<i64> = sqlx::query_scalar(
                    "UPDATE invitations SET code_attempts = code_attempts + 1 \
                     WHERE id = $1 AND code_hash IS NOT NULL AND code_expires_at > $2 \
                     AND code_attempts < $3 \
                     RETURNING code_attempts",
                )
                .bind(id)
                .bind(now)
                .bind(max)
                .fetch_optional(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(attempts)
            }

            async fn confirm_invitation(
                &self,
                id: &str,
                now: DateTime<Utc>,
                invitee_name: &str,
                invitee_citizen_id: Option<&str>,
                signer: Option<(&str, &[u8])>,
                session_hash: &str,
                session_expires_at: DateTime<Utc>,
            ) -> StoreResult<()> {
                let mut tx = self.write().await?;
                sqlx::query(
                    "UPDATE invitations SET confirmed_at = COALESCE(confirmed_at, $1), \
                     invitee_name = $2, invitee_citizen_id = COALESCE($3, invitee_citizen_id), \
                     signer_did = COALESCE(signer_did, $4), \
                     signer_key_sealed = COALESCE(signer_key_sealed, $5), \
                     code_hash = NULL, code_expires_at = NULL, code_attempts = 0 WHERE id = $6",
                )
                .bind(now)
                .bind(invitee_name)
                .bind(invitee_citizen_id)
                .bind(signer.map(|(did, _)| did))
                .bind(signer.map(|(_, key)| key))
                .bind(id)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO invitation_sessions (token_hash, invitation_id, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(session_hash)
                .bind(id)
                .bind(now)
                .bind(session_expires_at)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn invitation_for_session(&self, session_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<InvitationRecord>> {
                let columns = INVITATION_COLUMNS
                    .split(", ")
                    .map(|c| format!("i.{c}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                Ok(sqlx::query_as(&format!(
                    "SELECT {columns} FROM invitations i \
                     JOIN invitation_sessions s ON s.invitation_id = i.id \
                     WHERE s.token_hash = $1 AND s.expires_at > $2"
                ))
                .bind(session_hash)
                .bind(now)
                .fetch_optional(self.pool())
                .await?)
            }

            async fn record_invitation_access(&self, a: &InvitationAccessRecord) -> StoreResult<()> {
                let mut tx = self.write().await?;
                sqlx::query(
                    "INSERT INTO invitation_accesses (id, invitation_id, at, action, detail) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&a.id)
                .bind(&a.invitation_id)
                .bind(a.at)
                .bind(&a.action)
                .bind(&a.detail)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn invitation_accesses(&self, citizen_id: &str, id: &str, limit: i64) -> StoreResult<Option<Vec<InvitationAccessRecord>>> {
                let owned: Option<i32> = sqlx::query_scalar(
                    "SELECT 1 FROM invitations WHERE id = $1 AND citizen_id = $2",
                )
                .bind(id)
                .bind(citizen_id)
                .fetch_optional(self.pool())
                .await?;
                if owned.is_none() {
                    return Ok(None);
                }
                Ok(Some(
                    sqlx::query_as(
                        "SELECT id, invitation_id, at, action, detail FROM invitation_accesses \
                         WHERE invitation_id = $1 ORDER BY at DESC, id DESC LIMIT $2",
                    )
                    .bind(id)
                    .bind(limit)
                    .fetch_all(self.pool())
                    .await?,
                ))
            }

            async fn insert_suggestion(&self, s: &SuggestionRecord) -> StoreResult<()> {
                let mut tx = self.write().await?;
                sqlx::query(&format!(
                    "INSERT INTO suggestions ({SUGGESTION_COLUMNS}) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
                ))
                .bind(&s.id)
                .bind(&s.citizen_id)
                .bind(&s.invitation_id)
                .bind(&s.author)
                .bind(&s.kind)
                .bind(&s.entry_id)
                .bind(&s.body)
                .bind(&s.state)
                .bind(s.created_at)
                .bind(s.decided_at)
                .bind(&s.created_entry_id)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn list_suggestions(&self, citizen_id: &str) -> StoreResult<Vec<SuggestionRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {SUGGESTION_COLUMNS} FROM suggestions WHERE citizen_id = $1 \
                     ORDER BY created_at DESC, id DESC"
                ))
                .bind(citizen_id)
                .fetch_all(self.pool())
                .await?)
            }

            async fn decide_suggestion(
                &self,
                citizen_id: &str,
                id: &str,
                approve: bool,
                entry: Option<&EntryRecord>,
                now: DateTime<Utc>,
                max_entries: i64,
            ) -> StoreResult<Decision> {
                let mut tx = self.write().await?;
                let state: Option<String> = sqlx::query_scalar(
                    "SELECT state FROM suggestions WHERE id = $1 AND citizen_id = $2",
                )
                .bind(id)
                .bind(citizen_id)
                .fetch_optional(&mut *tx)
                .await?;
                match state.as_deref() {
                    None => return Ok(Decision::NotFound),
                    Some("pending") => {}
                    Some(_) => return Ok(Decision::AlreadyDecided),
                }
                let mut created = None;
                if let (true, Some(e)) = (approve, entry) {
                    let count: i64 =
                        sqlx::query_scalar("SELECT COUNT(*) FROM entries WHERE citizen_id = $1")
                            .bind(citizen_id)
                            .fetch_one(&mut *tx)
                            .await?;
                    if count >= max_entries {
                        return Ok(Decision::TooManyEntries);
                    }
                    sqlx::query(
                        "INSERT INTO entries (id, citizen_id, kind, title, organisation, place, \
                         start_date, end_date, description, details, holding_id, created_at, \
                         updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, $11, $12)",
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
                    .bind(e.created_at)
                    .bind(e.updated_at)
                    .execute(&mut *tx)
                    .await?;
                    created = Some(e.id.clone());
                }
                sqlx::query(
                    "UPDATE suggestions SET state = $1, decided_at = $2, created_entry_id = $3 \
                     WHERE id = $4",
                )
                .bind(if approve { "approved" } else { "rejected" })
                .bind(now)
                .bind(created)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(Decision::Done)
            }

            async fn insert_endorsement(&self, e: &EndorsementRecord) -> StoreResult<()> {
                let mut tx = self.write().await?;
                Self::tx_insert_endorsement(&mut tx, e).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn entry_endorsements(&self, citizen_id: &str, entry_id: &str) -> StoreResult<Vec<EndorsementRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {ENDORSEMENT_COLUMNS} FROM endorsements \
                     WHERE citizen_id = $1 AND entry_id = $2 ORDER BY created_at, id"
                ))
                .bind(citizen_id)
                .bind(entry_id)
                .fetch_all(self.pool())
                .await?)
            }

            async fn citizen_endorsements(&self, citizen_id: &str) -> StoreResult<Vec<EndorsementRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {ENDORSEMENT_COLUMNS} FROM endorsements \
                     WHERE citizen_id = $1 ORDER BY created_at, id"
                ))
                .bind(citizen_id)
                .fetch_all(self.pool())
                .await?)
            }

            async fn endorsements_by_author(&self, author_did: &str) -> StoreResult<Vec<EndorsementRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {ENDORSEMENT_COLUMNS} FROM endorsements \
                     WHERE author_did = $1 ORDER BY created_at DESC, id"
                ))
                .bind(author_did)
                .fetch_all(self.pool())
                .await?)
            }

            async fn invitation_endorsements(&self, invitation_id: &str) -> StoreResult<Vec<EndorsementRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {ENDORSEMENT_COLUMNS} FROM endorsements \
                     WHERE invitation_id = $1 ORDER BY created_at, id"
                ))
                .bind(invitation_id)
                .fetch_all(self.pool())
                .await?)
            }

            async fn endorsement_counts(&self, citizen_id: &str) -> StoreResult<HashMap<String, i64>> {
                let rows: Vec<(String, i64)> = sqlx::query_as(
                    "SELECT entry_id, COUNT(*) FROM endorsements WHERE citizen_id = $1 \
                     AND hidden_at IS NULL AND revoked_at IS NULL GROUP BY entry_id",
                )
                .bind(citizen_id)
                .fetch_all(self.pool())
                .await?;
                Ok(rows.into_iter().collect())
            }

            async fn set_endorsement_hidden(&self, citizen_id: &str, id: &str, hidden_at: Option<DateTime<Utc>>) -> StoreResult<bool> {
                let mut tx = self.write().await?;
                let changed = sqlx::query(
                    "UPDATE endorsements SET hidden_at = $1 WHERE id = $2 AND citizen_id = $3",
                )
                .bind(hidden_at)
                .bind(id)
                .bind(citizen_id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    > 0;
                tx.commit().await?;
                Ok(changed)
            }

            async fn revoke_endorsement(&self, invitation_id: &str, id: &str, now: DateTime<Utc>) -> StoreResult<Option<bool>> {
                let mut tx = self.write().await?;
                let found: Option<Option<DateTime<Utc>>> = sqlx::query_scalar(
                    "SELECT revoked_at FROM endorsements WHERE id = $1 AND invitation_id = $2",
                )
                .bind(id)
                .bind(invitation_id)
                .fetch_optional(&mut *tx)
                .await?;
                let outcome = match found {
                    None => None,
                    Some(Some(_)) => Some(false),
                    Some(None) => {
                        sqlx::query("UPDATE endorsements SET revoked_at = $1 WHERE id = $2")
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
        }
    };
}

invitation_sql!(SqliteStore, sqlx::Sqlite);
invitation_sql!(PgStore, sqlx::Postgres);
