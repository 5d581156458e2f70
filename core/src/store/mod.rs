//! Storage: one [`Store`] trait, two backends (SQLite, PostgreSQL), chosen
//! by the scheme of the database URL.
//!
//! Both backends share one implementation of the SQL (see `sql.rs`): runtime
//! queries with `$1` placeholders, which both drivers accept. They differ in
//! connection set-up, migrations (two trees under `migrations/` with the
//! same versions) and in how a write transaction begins (SQLite:
//! `BEGIN IMMEDIATE`, so writers queue on the busy timeout instead of
//! failing on upgrade).
//!
//! Every mutation that the audit log must record takes its [`AuditEntry`]
//! and writes it in the same transaction: no change without its record, no
//! record without its change.

mod archive;
mod attempts;
mod careers;
mod citizens;
mod cvs;
mod delivery;
mod directory;
mod documents;
mod events;
mod feed;
mod frameworks;
mod invitations;
mod notifications;
mod offers;
mod requests;
mod shares;
mod sql;
mod wallet;

use crate::crypto::KeyAlgorithm;
use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use std::{str::FromStr, sync::Arc, time::Duration};

pub use archive::*;
pub use attempts::*;
pub use careers::*;
pub use citizens::*;
pub use cvs::*;
pub use delivery::*;
pub use directory::*;
pub use documents::*;
pub use events::*;
pub use feed::*;
pub use frameworks::*;
pub use invitations::*;
pub use notifications::*;
pub use offers::*;
pub use requests::*;
pub use shares::*;
pub use sql::{PgStore, SqliteStore};
pub use wallet::*;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness constraint refused the write.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("not found")]
    NotFound,
    /// The stored data is not what the code expects (a bug or tampering).
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Config(String),
    #[error("the system random number generator failed")]
    Random,
    /// The status entries allocated for this credential were reclaimed (its
    /// allocation outlived the lease without being recorded): recording it
    /// now would point at freed indexes. Nothing was written; issue again.
    #[error("the credential's status entries were reclaimed before it was recorded")]
    StatusReclaimed,
}

impl StoreError {
    pub(crate) fn from_sqlx(e: sqlx::Error, conflict: &'static str) -> Self {
        match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => Self::Conflict(conflict),
            sqlx::Error::RowNotFound => Self::NotFound,
            _ => Self::Database(e),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    pub size: u32,
    pub idle: u32,
    pub max: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Organisation {
    pub id: String,
    pub slug: String,
    pub name_fr: String,
    pub name_en: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The organisation's DID when it is a did:key (that of its Ed25519
    /// key); `None` for the platform's did:web. Read it through
    /// `Orgs::did_of`, which knows both.
    #[serde(skip)]
    pub did_key: Option<String>,
    /// What the organisation says of itself in the public directory.
    pub description: Option<String>,
    /// Its town (the directory's filter).
    pub town: Option<String>,
    /// `university`, `school`, `training`, `employer`, `public`,
    /// `association` or `other` (see `directory::KINDS`).
    pub kind: Option<String>,
    /// Its own website (https).
    pub website: Option<String>,
    /// Whether the public directory lists it (default: yes).
    pub listed: bool,
}

/// Who a signing key belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOwner {
    Platform,
    /// An organisation, by id.
    Org(String),
}

impl KeyOwner {
    pub(crate) fn column(&self) -> &str {
        match self {
            Self::Platform => "platform",
            Self::Org(id) => id,
        }
    }

    pub(crate) fn org_id(&self) -> Option<&str> {
        match self {
            Self::Platform => None,
            Self::Org(id) => Some(id),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum KeyStatus {
    /// Signs new credentials; published for assertion and authentication.
    Active,
    /// Replaced by a rotation; still published for assertion, so what it
    /// signed keeps verifying.
    Retired,
    /// Removed from the DID document (e.g. compromised): what it signed no
    /// longer verifies.
    Withdrawn,
}

impl KeyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Retired => "retired",
            Self::Withdrawn => "withdrawn",
        }
    }

    fn parse(s: &str) -> StoreResult<Self> {
        match s {
            "active" => Ok(Self::Active),
            "retired" => Ok(Self::Retired),
            "withdrawn" => Ok(Self::Withdrawn),
            other => Err(StoreError::Corrupt(format!("key status {other:?}"))),
        }
    }
}

#[derive(Clone, PartialEq, Eq)]
pub struct SigningKeyRecord {
    pub id: String,
    pub owner: KeyOwner,
    /// The fragment of the verification method id, e.g. `key-1`.
    pub fragment: String,
    pub algorithm: KeyAlgorithm,
    pub public_key_multibase: String,
    /// PKCS#8, sealed under the master key with the key id as AAD.
    pub sealed_private_key: Vec<u8>,
    pub status: KeyStatus,
    pub created_at: DateTime<Utc>,
    pub retired_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for SigningKeyRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKeyRecord")
            .field("id", &self.id)
            .field("owner", &self.owner)
            .field("fragment", &self.fragment)
            .field("algorithm", &self.algorithm)
            .field("public_key_multibase", &self.public_key_multibase)
            .field("sealed_private_key", &"[sealed]")
            .field("status", &self.status)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ApiKeyRecord {
    pub id: String,
    pub org_id: String,
    pub name: String,
    /// The first characters of the key, to recognise it in lists.
    pub prefix: String,
    #[serde(skip)]
    pub token_hash: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// One line of the append-only audit log.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    /// Assigned by the database; orders the log.
    pub seq: i64,
    pub id: String,
    pub at: DateTime<Utc>,
    /// The organisation whose part of the log this is (`None`: platform).
    pub org_id: Option<String>,
    /// e.g. `admin`, `cli`, `api-key:<id>`
    pub actor: String,
    /// e.g. `org.created`, `key.rotated`
    pub action: String,
    /// e.g. `org:<id>`, `key:<id>`
    pub object: String,
    pub request_id: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
}

/// What a writer supplies; `seq` comes from the database.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEntry {
    pub id: String,
    pub at: DateTime<Utc>,
    pub org_id: Option<String>,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub request_id: Option<String>,
    pub details: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only this organisation's part (`None`: everything).
    pub org_id: Option<String>,
    /// Entries with `seq` strictly below this (pagination, newest first).
    pub before_seq: Option<i64>,
    pub limit: u32,
}

/// A signed credential, stored byte for byte as issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedCredential {
    pub id: String,
    pub org_id: String,
    /// The credential's own `id` (e.g. `urn:uuid:...`).
    pub credential_id: String,
    /// e.g. `ldp_vc`, `vc+jwt`
    pub format: String,
    /// Exactly the issued text: never parsed and re-serialised.
    pub body: String,
    pub issued_at: DateTime<Utc>,
    /// The template it was issued from.
    pub template_id: Option<String>,
    /// The organisation's own reference (unique per organisation): makes
    /// bulk issuance idempotent.
    pub reference: Option<String>,
    /// Registry search fields (kept beside the credential, not in it).
    pub subject_name: Option<String>,
    pub subject_email: Option<String>,
}

/// A bulk issuance job.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Batch {
    pub id: String,
    pub org_id: String,
    pub template_id: String,
    /// JSON of the proof options.
    #[serde(skip)]
    pub options: String,
    #[serde(skip)]
    pub actor: String,
    /// `running` or `done`.
    pub state: String,
    pub total: i64,
    pub issued: i64,
    pub skipped: i64,
    pub failed: i64,
    /// Rows delivered as an offer (mailed, and in the wallet of an Atout
    /// account).
    pub offered: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One row of a batch.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct BatchRow {
    pub row_number: i64,
    pub reference: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// JSON of the subject data.
    #[serde(skip)]
    pub subject: String,
    /// `pending`, `issued`, `offered`, `skipped` (already issued or
    /// offered) or `failed`.
    pub state: String,
    /// Registry id of the credential.
    pub credential_ref: Option<String>,
    pub error: Option<String>,
    /// The `holder` column: a DID, or the e-mail of an Atout account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
    /// The offer of an offered row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offer_id: Option<String>,
}

/// The outcome of a chunk of rows, written in one transaction.
#[derive(Debug, Default)]
pub struct ChunkOutcome {
    pub issued: Vec<(i64, IssuedCredential, NewAuditEntry)>,
    /// Rows whose reference was already issued: (row, registry id).
    pub skipped: Vec<(i64, String)>,
    pub failed: Vec<(i64, String)>,
    /// Rows delivered as offers: the offer, its mail and audit line.
    pub offered: Vec<(i64, OfferRecord, OutboxMessage, NewAuditEntry)>,
}

/// A credential template of an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub id: String,
    pub org_id: String,
    pub name_fr: String,
    pub name_en: String,
    /// The credential type added to `VerifiableCredential`.
    pub credential_type: String,
    /// JSON Schema (text) of the subject data.
    pub subject_schema: String,
    /// Open Badges 3.0 `Achievement` (JSON text), for badges.
    pub achievement: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Registry search.
#[derive(Debug, Clone, Default)]
pub struct CredentialFilter {
    /// Matches (case-insensitively, as a substring) the subject's name or
    /// email, the reference or the credential id.
    pub query: Option<String>,
    pub template_id: Option<String>,
    /// Credentials issued before this one (record id), for paging.
    pub before: Option<String>,
    pub limit: u32,
}

/// Why a credential's status is kept: Bitstring Status List purposes.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum StatusPurpose {
    Revocation,
    Suspension,
}

impl StatusPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Revocation => "revocation",
            Self::Suspension => "suspension",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "revocation" => Some(Self::Revocation),
            "suspension" => Some(Self::Suspension),
            _ => None,
        }
    }
}

/// A status list of an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusList {
    pub id: String,
    pub org_id: String,
    pub purpose: StatusPurpose,
    pub number: i64,
    pub size: i64,
    pub allocated: i64,
    pub open: bool,
    /// Bumped by every status change.
    pub version: i64,
    /// The version `signed` reflects (-1: never signed).
    pub signed_version: i64,
    pub signed: Option<String>,
}

/// A credential's place in a status list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEntry {
    pub list_id: String,
    pub list_number: i64,
    pub purpose: StatusPurpose,
    pub index: i64,
    /// The bit: revoked, or suspended.
    pub status: bool,
}

/// Status entries reclaimed from one organisation's lists: credentials
/// whose entries were allocated and never recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReclaimedStatus {
    pub org_id: String,
    /// Credentials whose allocation was reclaimed.
    pub credentials: i64,
    /// Entries freed (two per credential: revocation and suspension).
    pub entries: i64,
}

/// What a status update did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusUpdate {
    Changed,
    Unchanged,
    /// The credential has no entry for this purpose.
    NotFound,
    /// Revocation cannot be undone.
    Irreversible,
}

/// An accredited issuer of the trust registry, as stored (the domain type
/// is [`crate::registry::TrustedIssuer`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedIssuerRecord {
    /// A did:web or did:key DID (primary key).
    pub did: String,
    pub name_fr: String,
    pub name_en: String,
    pub accreditation: String,
    pub accreditation_url: Option<String>,
    pub valid_from: DateTime<Utc>,
    pub valid_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TrustedIssuerRecord {
    /// Same entry, timestamps aside.
    pub fn same_entry(&self, other: &Self) -> bool {
        self.did == other.did
            && self.name_fr == other.name_fr
            && self.name_en == other.name_en
            && self.accreditation == other.accreditation
            && self.accreditation_url == other.accreditation_url
            && self.valid_from == other.valid_from
            && self.valid_until == other.valid_until
    }
}

/// What replacing the trust registry changed (DIDs, sorted).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct RegistryDiff {
    pub added: Vec<String>,
    pub updated: Vec<String>,
    pub removed: Vec<String>,
}

#[async_trait::async_trait]
pub trait Store:
    ArchiveStore
    + AttemptStore
    + CareerStore
    + EventStore
    + FeedStore
    + NotificationStore
    + DirectoryStore
    + CitizenStore
    + CvStore
    + DeliveryStore
    + DocumentStore
    + FrameworkStore
    + InvitationStore
    + OfferStore
    + CertRequestStore
    + ShareStore
    + WalletStore
    + Send
    + Sync
    + 'static
{
    fn backend(&self) -> Backend;
    async fn migrate(&self) -> StoreResult<()>;
    async fn ping(&self) -> StoreResult<()>;
    fn pool_stats(&self) -> PoolStats;
    async fn close(&self);

    async fn get_meta(&self, key: &str) -> StoreResult<Option<String>>;
    /// Sets `key` unless already set; returns the value now stored.
    async fn init_meta(&self, key: &str, value: &str) -> StoreResult<String>;

    /// Creates an organisation with its first keys, in one transaction.
    /// With `trusted`, also records the organisation in the trust
    /// registry (its entry and that change's own audit line), in the same
    /// transaction.
    async fn create_org(
        &self,
        org: &Organisation,
        keys: &[SigningKeyRecord],
        audit: &NewAuditEntry,
        trusted: Option<(&TrustedIssuerRecord, &NewAuditEntry)>,
    ) -> StoreResult<()>;
    async fn get_org_by_slug(&self, slug: &str) -> StoreResult<Option<Organisation>>;
    async fn get_org(&self, id: &str) -> StoreResult<Option<Organisation>>;
    async fn list_orgs(&self) -> StoreResult<Vec<Organisation>>;

    /// Keys of an owner, oldest first.
    async fn list_keys(&self, owner: &KeyOwner) -> StoreResult<Vec<SigningKeyRecord>>;
    async fn active_key(
        &self,
        owner: &KeyOwner,
        algorithm: KeyAlgorithm,
    ) -> StoreResult<Option<SigningKeyRecord>>;
    /// Makes `new` the active key of its owner and algorithm; the previous
    /// active key (if any) becomes retired. The fragment is assigned here
    /// (`key-N`) and returned with the id of the retired key.
    async fn rotate_key(
        &self,
        new: &SigningKeyRecord,
        audit: &NewAuditEntry,
    ) -> StoreResult<(String, Option<String>)>;
    /// Creates `new` as the active key of its owner and algorithm unless
    /// one exists (start-up of several processes at once). Returns whether
    /// it was created.
    async fn create_key_if_absent(
        &self,
        new: &SigningKeyRecord,
        audit: &NewAuditEntry,
    ) -> StoreResult<bool>;
    /// Withdraws a retired key (removes it from the DID document).
    async fn withdraw_key(
        &self,
        owner: &KeyOwner,
        key_id: &str,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> StoreResult<()>;

    async fn create_api_key(&self, key: &ApiKeyRecord, audit: &NewAuditEntry) -> StoreResult<()>;
    async fn list_api_keys(&self, org_id: &str) -> StoreResult<Vec<ApiKeyRecord>>;
    /// Returns false if there was no such live key.
    async fn revoke_api_key(
        &self,
        org_id: &str,
        key_id: &str,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> StoreResult<bool>;
    /// A live (unrevoked) key by its hash.
    async fn find_api_key(&self, token_hash: &str) -> StoreResult<Option<ApiKeyRecord>>;
    /// Records use, at most once a minute per key.
    async fn touch_api_key(&self, key_id: &str, at: DateTime<Utc>) -> StoreResult<()>;

    async fn append_audit(&self, entry: &NewAuditEntry) -> StoreResult<()>;
    /// Newest first.
    async fn list_audit(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>>;

    /// Records a signed credential. Fails with [`StoreError::StatusReclaimed`]
    /// (writing nothing) if its status entries were reclaimed meanwhile.
    async fn insert_issued_credential(
        &self,
        credential: &IssuedCredential,
        audit: &NewAuditEntry,
    ) -> StoreResult<()>;
    async fn get_issued_credential(&self, id: &str) -> StoreResult<Option<IssuedCredential>>;
    /// An organisation's credential by its own reference.
    async fn find_by_reference(
        &self,
        org_id: &str,
        reference: &str,
    ) -> StoreResult<Option<IssuedCredential>>;
    /// The registry, newest first.
    async fn list_issued(
        &self,
        org_id: &str,
        filter: &CredentialFilter,
    ) -> StoreResult<Vec<IssuedCredential>>;

    async fn create_template(&self, template: &Template, audit: &NewAuditEntry) -> StoreResult<()>;

    /// Registry ids of the references already issued by the organisation.
    async fn issued_references(
        &self,
        org_id: &str,
        references: &[String],
    ) -> StoreResult<Vec<(String, String)>>;
    async fn create_batch(
        &self,
        batch: &Batch,
        rows: &[BatchRow],
        audit: &NewAuditEntry,
    ) -> StoreResult<()>;
    async fn get_batch(&self, id: &str) -> StoreResult<Option<Batch>>;
    /// Running batches nobody holds (to resume after a restart).
    async fn orphaned_batches(&self, now: DateTime<Utc>) -> StoreResult<Vec<Batch>>;
    /// Takes (when free or expired) or renews (when `holder` has it) the
    /// batch's lease until `until`; false if another worker holds it.
    async fn lease_batch(
        &self,
        id: &str,
        holder: &str,
        until: DateTime<Utc>,
        now: DateTime<Utc>,
        renew: bool,
    ) -> StoreResult<bool>;
    async fn batch_rows(
        &self,
        batch_id: &str,
        state: Option<&str>,
        after_row: i64,
        limit: u32,
    ) -> StoreResult<Vec<BatchRow>>;
    /// Writes a chunk's credentials, audit lines, row states and counters in
    /// one transaction; marks the batch done when no row is pending.
    async fn complete_chunk(
        &self,
        batch_id: &str,
        outcome: &ChunkOutcome,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    async fn list_templates(&self, org_id: &str) -> StoreResult<Vec<Template>>;
    async fn get_template(&self, org_id: &str, id: &str) -> StoreResult<Option<Template>>;
    /// An organisation's issued credential by the credential's own `id`.
    async fn find_issued_credential(
        &self,
        org_id: &str,
        credential_id: &str,
    ) -> StoreResult<Option<IssuedCredential>>;

    /// Gives each credential (by record id) an entry for each of `purposes`
    /// at a random free index of the organisation's open list for that
    /// purpose, opening a new list of `size` bits when the current one is
    /// three quarters full. `pick` draws a random index. Returns the entries
    /// per purpose, in the order of `purposes`, each in the order of
    /// `credential_refs`. One transaction for the batch, which also leases
    /// the allocation to the caller from `at`: recording the credential
    /// ([`Store::insert_issued_credential`], [`Store::complete_chunk`], ...)
    /// ends the lease; [`Store::reclaim_status`] frees the entries of an
    /// allocation older than the lease that was never recorded.
    async fn allocate_status(
        &self,
        org_id: &str,
        purposes: &[StatusPurpose],
        credential_refs: &[String],
        size: i64,
        pick: &(dyn Fn() -> i64 + Send + Sync),
        at: DateTime<Utc>,
    ) -> StoreResult<Vec<Vec<StatusEntry>>>;
    /// Frees the entries of a credential that was not issued after all (the
    /// caller allocated them and gives up recording it); never those of a
    /// recorded credential. The lists' allocation counts follow.
    async fn release_status(&self, credential_ref: &str) -> StoreResult<()>;
    /// Frees the entries of at most `limit` credentials allocated before
    /// `cutoff` and never recorded, and counts them out of their lists'
    /// allocations; each freed allocation becomes a tombstone, so that
    /// recording its credential later fails with
    /// [`StoreError::StatusReclaimed`]. One audit line per organisation.
    /// Returns what was freed, per organisation (empty when nothing was due).
    async fn reclaim_status(
        &self,
        cutoff: DateTime<Utc>,
        now: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<ReclaimedStatus>>;
    async fn status_entries(&self, credential_ref: &str) -> StoreResult<Vec<StatusEntry>>;
    /// Sets or clears a credential's bit, bumping the list's version;
    /// revocation cannot be cleared. The audit entry is written if it changed.
    async fn set_status(
        &self,
        credential_ref: &str,
        purpose: StatusPurpose,
        value: bool,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> StoreResult<StatusUpdate>;
    async fn get_status_list(
        &self,
        org_id: &str,
        purpose: StatusPurpose,
        number: i64,
    ) -> StoreResult<Option<StatusList>>;
    /// The indexes whose bit is set.
    async fn status_list_set_bits(&self, list_id: &str) -> StoreResult<Vec<i64>>;
    /// One bit of an organisation's list, in one read-only query: the
    /// list's size and whether `index` is set; `None` when the organisation
    /// or the list does not exist. For the verifier's hot path.
    async fn status_bit(
        &self,
        slug: &str,
        purpose: StatusPurpose,
        number: i64,
        index: i64,
    ) -> StoreResult<Option<(i64, bool)>>;
    /// Caches the signed list credential for `version` (unless a newer one is cached).
    async fn save_signed_status_list(
        &self,
        list_id: &str,
        version: i64,
        signed: &str,
    ) -> StoreResult<()>;

    /// The trust registry, by DID.
    async fn list_trusted_issuers(&self) -> StoreResult<Vec<TrustedIssuerRecord>>;
    async fn get_trusted_issuer(&self, did: &str) -> StoreResult<Option<TrustedIssuerRecord>>;
    /// Creates or replaces an entry (its `created_at` is kept on update).
    /// Returns whether it was created; the audit entry's details get
    /// `"created": bool`.
    async fn upsert_trusted_issuer(
        &self,
        entry: &TrustedIssuerRecord,
        audit: &NewAuditEntry,
    ) -> StoreResult<bool>;
    /// Returns false (and writes no audit line) if there was no such entry.
    async fn delete_trusted_issuer(&self, did: &str, audit: &NewAuditEntry) -> StoreResult<bool>;
    /// Makes `entries` (distinct DIDs) the whole registry, in one
    /// transaction; entries that stay keep their `created_at`. The audit
    /// entry's details get the [`RegistryDiff`].
    async fn replace_trusted_issuers(
        &self,
        entries: &[TrustedIssuerRecord],
        audit: &NewAuditEntry,
    ) -> StoreResult<RegistryDiff>;

    /// The verification link token of a credential (by record id), created
    /// on first call (16 random bytes, base64url): the same token for every
    /// caller, concurrent ones included. `NotFound` if there is no such
    /// credential.
    async fn verification_link_for(
        &self,
        credential_ref: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<String>;
    /// The credential a verification link names. Read-only: works on a
    /// read-only replica.
    async fn credential_by_verification_token(
        &self,
        token: &str,
    ) -> StoreResult<Option<IssuedCredential>>;
}

/// Connection settings.
#[derive(Clone)]
pub struct ConnectOptions {
    pub url: String,
    pub password: Option<SecretString>,
    pub max_connections: u32,
    /// SQLite: how long a writer waits for the lock.
    pub busy_timeout: Duration,
    /// Read-only sessions (a verifier on a replica): SQLite opens the file
    /// read-only and never creates it; PostgreSQL sessions default to
    /// read-only transactions.
    pub read_only: bool,
}

impl ConnectOptions {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            password: None,
            max_connections: 10,
            busy_timeout: Duration::from_secs(10),
            read_only: false,
        }
    }
}

/// Creates a folder (and its parents) readable by its owner only.
pub fn create_private_dir(path: &std::path::Path) -> std::io::Result<()> {
    if path.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path)
}

/// Connects to the database named by the URL's scheme. Does not migrate.
pub async fn connect(options: &ConnectOptions) -> StoreResult<Arc<dyn Store>> {
    let url = options.url.as_str();
    if url.starts_with("sqlite:") {
        let mut opts = sqlx::sqlite::SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Config(format!("invalid SQLite URL: {e}")))?
            .busy_timeout(options.busy_timeout)
            .foreign_keys(true);
        opts = if options.read_only {
            opts.read_only(true).create_if_missing(false)
        } else {
            opts.create_if_missing(true)
                .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
        };
        let path = opts.get_filename().to_owned();
        let on_disk = path.as_os_str() != ":memory:";
        if on_disk && !options.read_only {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                create_private_dir(parent).map_err(|e| {
                    StoreError::Config(format!(
                        "cannot create the data folder {}: {e}",
                        parent.display()
                    ))
                })?;
            }
        }
        opts = opts.pragma("temp_store", "memory");
        let pool = sqlx::pool::PoolOptions::<sqlx::Sqlite>::new()
            .max_connections(options.max_connections)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(opts)
            .await?;
        if on_disk && !options.read_only {
            // The database holds sealed keys, API key hashes and the audit
            // log: readable by its owner only.
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
            }
        }
        Ok(Arc::new(SqliteStore::new(pool, options.max_connections)))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        let mut opts = sqlx::postgres::PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Config(format!("invalid PostgreSQL URL: {e}")))?
            .application_name("atout");
        if options.read_only {
            opts = opts.options([("default_transaction_read_only", "on")]);
        }
        if let Some(password) = &options.password {
            opts = opts.password(password.expose_secret());
        }
        // One direct connection first: its error ("connection refused",
        // "password authentication failed") says more than a pool time-out.
        {
            use sqlx::ConnectOptions as _;
            let conn = tokio::time::timeout(Duration::from_secs(10), opts.connect())
                .await
                .map_err(|_| {
                    StoreError::Config("PostgreSQL did not answer within 10 s".to_owned())
                })??;
            sqlx::Connection::close(conn).await?;
        }
        let pool = sqlx::pool::PoolOptions::<sqlx::Postgres>::new()
            .max_connections(options.max_connections)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(opts)
            .await?;
        Ok(Arc::new(PgStore::new(pool, options.max_connections)))
    } else {
        Err(StoreError::Config(format!(
            "unsupported database URL scheme in {:?}: use sqlite:// or postgres://",
            url.split(':').next().unwrap_or_default()
        )))
    }
}
