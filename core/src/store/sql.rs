//! The SQL shared by both backends. One macro expands the same queries for
//! SQLite and PostgreSQL; only connection, migrations and the way a write
//! transaction begins differ.

use super::*;
use crate::crypto::KeyAlgorithm;

#[derive(sqlx::FromRow)]
pub(super) struct OrgRow {
    id: String,
    slug: String,
    name_fr: String,
    name_en: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    did_key: Option<String>,
    description: Option<String>,
    town: Option<String>,
    kind: Option<String>,
    website: Option<String>,
    listed: i64,
}

impl From<OrgRow> for Organisation {
    fn from(r: OrgRow) -> Self {
        Self {
            id: r.id,
            slug: r.slug,
            name_fr: r.name_fr,
            name_en: r.name_en,
            created_at: r.created_at,
            updated_at: r.updated_at,
            did_key: r.did_key,
            description: r.description,
            town: r.town,
            kind: r.kind,
            website: r.website,
            listed: r.listed != 0,
        }
    }
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    id: String,
    owner: String,
    fragment: String,
    algorithm: String,
    public_key_multibase: String,
    sealed_private_key: Vec<u8>,
    status: String,
    created_at: DateTime<Utc>,
    retired_at: Option<DateTime<Utc>>,
    withdrawn_at: Option<DateTime<Utc>>,
}

impl TryFrom<KeyRow> for SigningKeyRecord {
    type Error = StoreError;
    fn try_from(r: KeyRow) -> StoreResult<Self> {
        Ok(Self {
            owner: if r.owner == "platform" {
                KeyOwner::Platform
            } else {
                KeyOwner::Org(r.owner)
            },
            algorithm: KeyAlgorithm::parse(&r.algorithm)
                .ok_or_else(|| StoreError::Corrupt(format!("key algorithm {:?}", r.algorithm)))?,
            status: KeyStatus::parse(&r.status)?,
            id: r.id,
            fragment: r.fragment,
            public_key_multibase: r.public_key_multibase,
            sealed_private_key: r.sealed_private_key,
            created_at: r.created_at,
            retired_at: r.retired_at,
            withdrawn_at: r.withdrawn_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct ApiKeyRow {
    id: String,
    org_id: String,
    name: String,
    prefix: String,
    token_hash: String,
    created_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
    last_used_at: Option<DateTime<Utc>>,
}

impl From<ApiKeyRow> for ApiKeyRecord {
    fn from(r: ApiKeyRow) -> Self {
        Self {
            id: r.id,
            org_id: r.org_id,
            name: r.name,
            prefix: r.prefix,
            token_hash: r.token_hash,
            created_at: r.created_at,
            revoked_at: r.revoked_at,
            last_used_at: r.last_used_at,
        }
    }
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    seq: i64,
    id: String,
    at: DateTime<Utc>,
    org_id: Option<String>,
    actor: String,
    action: String,
    object: String,
    request_id: Option<String>,
    details: Option<String>,
}

impl TryFrom<AuditRow> for AuditEntry {
    type Error = StoreError;
    fn try_from(r: AuditRow) -> StoreResult<Self> {
        Ok(Self {
            seq: r.seq,
            id: r.id,
            at: r.at,
            org_id: r.org_id,
            actor: r.actor,
            action: r.action,
            object: r.object,
            request_id: r.request_id,
            details: r
                .details
                .map(|d| serde_json::from_str(&d))
                .transpose()
                .map_err(|e| StoreError::Corrupt(format!("audit details: {e}")))?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct CredentialRow {
    id: String,
    org_id: String,
    credential_id: String,
    format: String,
    body: String,
    issued_at: DateTime<Utc>,
    template_id: Option<String>,
    reference: Option<String>,
    subject_name: Option<String>,
    subject_email: Option<String>,
}

impl From<CredentialRow> for IssuedCredential {
    fn from(r: CredentialRow) -> Self {
        Self {
            id: r.id,
            org_id: r.org_id,
            credential_id: r.credential_id,
            format: r.format,
            body: r.body,
            issued_at: r.issued_at,
            template_id: r.template_id,
            reference: r.reference,
            subject_name: r.subject_name,
            subject_email: r.subject_email,
        }
    }
}

const CREDENTIAL_COLUMNS: &str = "id, org_id, credential_id, format, body, issued_at, \
     template_id, reference, subject_name, subject_email";

#[derive(sqlx::FromRow)]
struct TemplateRow {
    id: String,
    org_id: String,
    name_fr: String,
    name_en: String,
    credential_type: String,
    subject_schema: String,
    achievement: Option<String>,
    created_at: DateTime<Utc>,
}

impl From<TemplateRow> for Template {
    fn from(r: TemplateRow) -> Self {
        Self {
            id: r.id,
            org_id: r.org_id,
            name_fr: r.name_fr,
            name_en: r.name_en,
            credential_type: r.credential_type,
            subject_schema: r.subject_schema,
            achievement: r.achievement,
            created_at: r.created_at,
        }
    }
}

#[derive(sqlx::FromRow)]
struct BatchRowRow {
    row_number: i64,
    reference: String,
    email: Option<String>,
    subject: String,
    state: String,
    credential_ref: Option<String>,
    error: Option<String>,
    holder: Option<String>,
    offer_id: Option<String>,
}

#[derive(sqlx::FromRow)]
struct BatchDbRow {
    id: String,
    org_id: String,
    template_id: String,
    options: String,
    actor: String,
    state: String,
    total: i64,
    issued: i64,
    skipped: i64,
    failed: i64,
    offered: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<BatchDbRow> for Batch {
    fn from(r: BatchDbRow) -> Self {
        Self {
            id: r.id,
            org_id: r.org_id,
            template_id: r.template_id,
            options: r.options,
            actor: r.actor,
            state: r.state,
            total: r.total,
            issued: r.issued,
            skipped: r.skipped,
            failed: r.failed,
            offered: r.offered,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

const BATCH_COLUMNS: &str = "id, org_id, template_id, options, actor, state, total, issued, \
     skipped, failed, offered, created_at, updated_at";

/// Rows per multi-row INSERT (well under both drivers' parameter limits).
const INSERT_CHUNK: usize = 500;

const TEMPLATE_COLUMNS: &str =
    "id, org_id, name_fr, name_en, credential_type, subject_schema, achievement, created_at";

#[derive(sqlx::FromRow)]
struct StatusListRow {
    id: String,
    org_id: String,
    purpose: String,
    number: i64,
    size: i64,
    allocated: i64,
    open: i64,
    version: i64,
    signed_version: i64,
    signed: Option<String>,
}

impl TryFrom<StatusListRow> for StatusList {
    type Error = StoreError;
    fn try_from(r: StatusListRow) -> StoreResult<Self> {
        Ok(Self {
            purpose: StatusPurpose::parse(&r.purpose)
                .ok_or_else(|| StoreError::Corrupt(format!("status purpose {:?}", r.purpose)))?,
            id: r.id,
            org_id: r.org_id,
            number: r.number,
            size: r.size,
            allocated: r.allocated,
            open: r.open != 0,
            version: r.version,
            signed_version: r.signed_version,
            signed: r.signed,
        })
    }
}

#[derive(sqlx::FromRow)]
struct StatusEntryRow {
    list_id: String,
    number: i64,
    purpose: String,
    idx: i64,
    status: i64,
}

impl TryFrom<StatusEntryRow> for StatusEntry {
    type Error = StoreError;
    fn try_from(r: StatusEntryRow) -> StoreResult<Self> {
        Ok(Self {
            purpose: StatusPurpose::parse(&r.purpose)
                .ok_or_else(|| StoreError::Corrupt(format!("status purpose {:?}", r.purpose)))?,
            list_id: r.list_id,
            list_number: r.number,
            index: r.idx,
            status: r.status != 0,
        })
    }
}

const STATUS_LIST_COLUMNS: &str =
    "id, org_id, purpose, number, size, allocated, open, version, signed_version, signed";

#[derive(sqlx::FromRow)]
struct TrustedIssuerRow {
    did: String,
    name_fr: String,
    name_en: String,
    accreditation: String,
    accreditation_url: Option<String>,
    valid_from: DateTime<Utc>,
    valid_until: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<TrustedIssuerRow> for TrustedIssuerRecord {
    fn from(r: TrustedIssuerRow) -> Self {
        Self {
            did: r.did,
            name_fr: r.name_fr,
            name_en: r.name_en,
            accreditation: r.accreditation,
            accreditation_url: r.accreditation_url,
            valid_from: r.valid_from,
            valid_until: r.valid_until,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

const TRUSTED_ISSUER_COLUMNS: &str = "did, name_fr, name_en, accreditation, accreditation_url, \
     valid_from, valid_until, created_at, updated_at";

/// Serialises writes to the trust registry (PostgreSQL advisory lock).
const TRUSTED_ISSUERS_LOCK: &str = "trusted_issuers";

/// A verification link token: base64url of 16 random bytes.
fn new_link_token() -> StoreResult<String> {
    crate::crypto::random_token(16).map_err(|_| StoreError::Random)
}

pub(super) const ORG_COLUMNS: &str =
    "id, slug, name_fr, name_en, created_at, updated_at, did_key, \
     description, town, kind, website, listed";
const KEY_COLUMNS: &str = "id, owner, fragment, algorithm, public_key_multibase, \
     sealed_private_key, status, created_at, retired_at, withdrawn_at";
const API_KEY_COLUMNS: &str =
    "id, org_id, name, prefix, token_hash, created_at, revoked_at, last_used_at";

macro_rules! sql_store {
    ($name:ident, $db:ty, $backend:expr, $migrator:expr, $begin:expr, $owner_lock:expr) => {
        /// The store on this backend.
        #[derive(Clone)]
        pub struct $name {
            pool: sqlx::Pool<$db>,
            max_connections: u32,
        }

        impl $name {
            pub fn new(pool: sqlx::Pool<$db>, max_connections: u32) -> Self {
                Self {
                    pool,
                    max_connections,
                }
            }

            pub fn pool(&self) -> &sqlx::Pool<$db> {
                &self.pool
            }

            /// Begins a write transaction.
            pub(super) async fn write(&self) -> StoreResult<sqlx::Transaction<'static, $db>> {
                let begin: fn(
                    &sqlx::Pool<$db>,
                ) -> futures_core_boxed::BoxFuture<
                    '_,
                    Result<sqlx::Transaction<'static, $db>, sqlx::Error>,
                > = $begin;
                Ok(begin(&self.pool).await?)
            }

            /// An organisation's credential whose `column` (a fixed column
            /// name, never input) equals `value`.
            async fn credential_where(
                &self,
                org_id: &str,
                column: &'static str,
                value: &str,
            ) -> StoreResult<Option<IssuedCredential>> {
                Ok(sqlx::query_as::<_, CredentialRow>(&format!(
                    "SELECT {CREDENTIAL_COLUMNS} FROM issued_credentials \
                     WHERE org_id = $1 AND {column} = $2"
                ))
                .bind(org_id)
                .bind(value)
                .fetch_optional(&self.pool)
                .await?
                .map(Into::into))
            }

            /// Places each credential of `credential_refs` in the open list
            /// of `purpose` (see [`Store::allocate_status`]); the caller
            /// holds the organisation's status lock.
            async fn allocate_in<'c>(
                tx: &mut sqlx::Transaction<'c, $db>,
                org_id: &str,
                purpose: StatusPurpose,
                credential_refs: &[String],
                size: i64,
                pick: &(dyn Fn() -> i64 + Send + Sync),
                at: DateTime<Utc>,
            ) -> StoreResult<Vec<StatusEntry>> {
                let mut list: Option<StatusList> = sqlx::query_as::<_, StatusListRow>(&format!(
                    "SELECT {STATUS_LIST_COLUMNS} FROM status_lists \
                     WHERE org_id = $1 AND purpose = $2 AND open = 1 ORDER BY number DESC LIMIT 1"
                ))
                .bind(org_id)
                .bind(purpose.as_str())
                .fetch_optional(&mut **tx)
                .await?
                .map(TryInto::try_into)
                .transpose()?;
                // The credentials are placed in order, each in the open list,
                // which closes at three quarters full; within a list, each
                // credential draws random indexes until one is free (at most
                // 256 draws), all of a round written in one INSERT.
                let mut entries = Vec::with_capacity(credential_refs.len());
                let mut next = 0;
                while next < credential_refs.len() {
                    let full = list.as_ref().is_none_or(|l| l.allocated * 4 >= l.size * 3);
                    if full {
                        if let Some(old) = &list {
                            sqlx::query("UPDATE status_lists SET open = 0, allocated = $1, updated_at = $2 WHERE id = $3")
                                .bind(old.allocated)
                                .bind(at)
                                .bind(&old.id)
                                .execute(&mut **tx)
                                .await?;
                        }
                        let number: i64 = sqlx::query_scalar(
                            "SELECT COALESCE(MAX(number), 0) + 1 FROM status_lists \
                             WHERE org_id = $1 AND purpose = $2",
                        )
                        .bind(org_id)
                        .bind(purpose.as_str())
                        .fetch_one(&mut **tx)
                        .await?;
                        let id = crate::ids::new_id();
                        sqlx::query(
                            "INSERT INTO status_lists (id, org_id, purpose, number, size, allocated, open, \
                             version, signed_version, signed, created_at, updated_at) \
                             VALUES ($1, $2, $3, $4, $5, 0, 1, 0, -1, NULL, $6, $6)",
                        )
                        .bind(&id)
                        .bind(org_id)
                        .bind(purpose.as_str())
                        .bind(number)
                        .bind(size)
                        .bind(at)
                        .execute(&mut **tx)
                        .await?;
                        list = Some(StatusList {
                            id,
                            org_id: org_id.to_owned(),
                            purpose,
                            number,
                            size,
                            allocated: 0,
                            open: true,
                            version: 0,
                            signed_version: -1,
                            signed: None,
                        });
                    }
                    let Some(current) = list.as_mut() else {
                        return Err(StoreError::Corrupt("no open status list".into()));
                    };
                    // Allocations left before the list is three quarters full.
                    let room = ((current.size * 3 + 3) / 4 - current.allocated).max(1) as usize;
                    let take = room.min(credential_refs.len() - next);
                    let refs = &credential_refs[next..next + take];
                    let mut placed: Vec<Option<i64>> = vec![None; take];
                    for _ in 0..256 {
                        let mut picked = std::collections::HashSet::new();
                        let mut round = Vec::new();
                        for (i, slot) in placed.iter().enumerate() {
                            if slot.is_none() {
                                let index = pick().rem_euclid(current.size);
                                // Two credentials of one round never share a draw.
                                if picked.insert(index) {
                                    round.push((i, index));
                                }
                            }
                        }
                        if round.is_empty() {
                            if placed.iter().all(Option::is_some) {
                                break;
                            }
                            continue;
                        }
                        for part in round.chunks(INSERT_CHUNK) {
                            let mut q = sqlx::QueryBuilder::<$db>::new(
                                "INSERT INTO status_entries (list_id, idx, credential_ref, purpose, status, updated_at) ",
                            );
                            q.push_values(part, |mut b, (i, index)| {
                                b.push_bind(&current.id)
                                    .push_bind(*index)
                                    .push_bind(&refs[*i])
                                    .push_bind(purpose.as_str())
                                    .push("0")
                                    .push_bind(at);
                            });
                            q.push(" ON CONFLICT DO NOTHING RETURNING idx");
                            let inserted: Vec<i64> = q.build_query_scalar().fetch_all(&mut **tx).await?;
                            let inserted: std::collections::HashSet<i64> = inserted.into_iter().collect();
                            for (i, index) in part {
                                if inserted.contains(index) {
                                    placed[*i] = Some(*index);
                                }
                            }
                        }
                        if placed.iter().all(Option::is_some) {
                            break;
                        }
                    }
                    for index in placed {
                        let index = index.ok_or(StoreError::Conflict(
                            "no free status index found (or the credential already has one)",
                        ))?;
                        current.allocated += 1;
                        entries.push(StatusEntry {
                            list_id: current.id.clone(),
                            list_number: current.number,
                            purpose,
                            index,
                            status: false,
                        });
                    }
                    next += take;
                }
                if let Some(current) = &list {
                    sqlx::query("UPDATE status_lists SET allocated = $1, updated_at = $2 WHERE id = $3")
                        .bind(current.allocated)
                        .bind(at)
                        .bind(&current.id)
                        .execute(&mut **tx)
                        .await?;
                }
                Ok(entries)
            }

            /// Takes the status locks of these organisations (every
            /// purpose). Whoever changes a list's allocations (allocating,
            /// releasing, reclaiming) holds its lock; taking them in one
            /// order, before touching any row, cannot deadlock.
            async fn lock_status<'c, 'o>(
                tx: &mut sqlx::Transaction<'c, $db>,
                org_ids: impl IntoIterator<Item = &'o str>,
            ) -> StoreResult<()> {
                let mut names: Vec<String> = org_ids
                    .into_iter()
                    .flat_map(|org| {
                        [StatusPurpose::Revocation, StatusPurpose::Suspension]
                            .map(|p| format!("status:{org}:{}", p.as_str()))
                    })
                    .collect();
                names.sort();
                names.dedup();
                for name in names {
                    Self::lock_name(tx, &name).await?;
                }
                Ok(())
            }

            /// Sets the allocation counts of these lists to their entries;
            /// the caller holds their status locks.
            async fn recount_allocated<'c>(
                tx: &mut sqlx::Transaction<'c, $db>,
                list_ids: &std::collections::BTreeSet<String>,
            ) -> StoreResult<()> {
                for id in list_ids {
                    sqlx::query(
                        "UPDATE status_lists SET allocated = \
                         (SELECT COUNT(*) FROM status_entries e WHERE e.list_id = $1) WHERE id = $1",
                    )
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(())
            }

            /// Serialises key changes of one owner within a transaction
            /// (PostgreSQL runs READ COMMITTED; SQLite's `BEGIN IMMEDIATE`
            /// already serialises writers).
            async fn lock_owner<'c>(
                tx: &mut sqlx::Transaction<'c, $db>,
                owner: &KeyOwner,
            ) -> StoreResult<()> {
                Self::lock_name(tx, owner.column()).await
            }

            pub(super) async fn lock_name<'c>(
                tx: &mut sqlx::Transaction<'c, $db>,
                name: &str,
            ) -> StoreResult<()> {
                let lock: Option<&str> = $owner_lock;
                if let Some(sql) = lock {
                    sqlx::query(sql).bind(name).execute(&mut **tx).await?;
                }
                Ok(())
            }

            pub(super) async fn insert_audit<'c>(
                tx: &mut sqlx::Transaction<'c, $db>,
                e: &NewAuditEntry,
            ) -> StoreResult<()> {
                Self::insert_audits(tx, &[e]).await
            }

            /// Appends audit lines (multi-row INSERTs).
            async fn insert_audits<'c>(
                tx: &mut sqlx::Transaction<'c, $db>,
                entries: &[&NewAuditEntry],
            ) -> StoreResult<()> {
                for chunk in entries.chunks(INSERT_CHUNK / 2) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO audit_log (id, at, org_id, actor, action, object, request_id, details) ",
                    );
                    q.push_values(chunk, |mut b, e| {
                        b.push_bind(&e.id)
                            .push_bind(e.at)
                            .push_bind(&e.org_id)
                            .push_bind(&e.actor)
                            .push_bind(&e.action)
                            .push_bind(&e.object)
                            .push_bind(&e.request_id)
                            .push_bind(e.details.as_ref().map(|d| d.to_string()));
                    });
                    q.build()
                        .execute(&mut **tx)
                        .await
                        .map_err(|e| StoreError::from_sqlx(e, "audit entry already exists"))?;
                }
                Ok(())
            }

            /// Stores signed credentials verbatim (multi-row INSERTs).
            pub(super) async fn insert_credentials<'c>(
                tx: &mut sqlx::Transaction<'c, $db>,
                credentials: &[&IssuedCredential],
            ) -> StoreResult<()> {
                for chunk in credentials.chunks(INSERT_CHUNK / 2) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                        "INSERT INTO issued_credentials ({CREDENTIAL_COLUMNS}) "
                    ));
                    q.push_values(chunk, |mut b, c| {
                        b.push_bind(&c.id)
                            .push_bind(&c.org_id)
                            .push_bind(&c.credential_id)
                            .push_bind(&c.format)
                            .push_bind(&c.body)
                            .push_bind(c.issued_at)
                            .push_bind(&c.template_id)
                            .push_bind(&c.reference)
                            .push_bind(&c.subject_name)
                            .push_bind(&c.subject_email);
                    });
                    q.build().execute(&mut **tx).await.map_err(|e| {
                        StoreError::from_sqlx(e, "a credential with this id or reference was already issued")
                    })?;
                    // Recording ends the lease of the credential's status
                    // entries. A tombstone means they were reclaimed: the
                    // credential must not be recorded (the caller's
                    // transaction rolls back).
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "DELETE FROM status_leases WHERE credential_ref IN (",
                    );
                    let mut list = q.separated(", ");
                    for c in chunk {
                        list.push_bind(&c.id);
                    }
                    q.push(") RETURNING CAST(CASE WHEN reclaimed_at IS NULL THEN 0 ELSE 1 END AS BIGINT)");
                    let ended: Vec<i64> = q.build_query_scalar().fetch_all(&mut **tx).await?;
                    if ended.contains(&1) {
                        return Err(StoreError::StatusReclaimed);
                    }
                }
                Ok(())
            }

            /// Inserts `new` as an active key with the owner's next fragment
            /// (`key-N`); the caller holds the owner's lock.
            async fn insert_next_key<'c>(
                tx: &mut sqlx::Transaction<'c, $db>,
                new: &SigningKeyRecord,
            ) -> StoreResult<String> {
                let count: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM signing_keys WHERE owner = $1")
                        .bind(new.owner.column())
                        .fetch_one(&mut **tx)
                        .await?;
                let mut key = new.clone();
                key.fragment = format!("key-{}", count + 1);
                key.status = KeyStatus::Active;
                Self::insert_key(tx, &key).await?;
                Ok(key.fragment)
            }

            /// Inserts or updates a registry entry; `created_at` is kept on update.
            async fn put_trusted_issuer<'c>(
                tx: &mut sqlx::Transaction<'c, $db>,
                e: &TrustedIssuerRecord,
            ) -> StoreResult<()> {
                sqlx::query(&format!(
                    "INSERT INTO trusted_issuers ({TRUSTED_ISSUER_COLUMNS}) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                     ON CONFLICT (did) DO UPDATE SET name_fr = excluded.name_fr, \
                       name_en = excluded.name_en, accreditation = excluded.accreditation, \
                       accreditation_url = excluded.accreditation_url, \
                       valid_from = excluded.valid_from, valid_until = excluded.valid_until, \
                       updated_at = excluded.updated_at"
                ))
                .bind(&e.did)
                .bind(&e.name_fr)
                .bind(&e.name_en)
                .bind(&e.accreditation)
                .bind(&e.accreditation_url)
                .bind(e.valid_from)
                .bind(e.valid_until)
                .bind(e.created_at)
                .bind(e.updated_at)
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            async fn insert_key<'c>(
                tx: &mut sqlx::Transaction<'c, $db>,
                k: &SigningKeyRecord,
            ) -> StoreResult<()> {
                sqlx::query(&format!(
                    "INSERT INTO signing_keys ({KEY_COLUMNS}, org_id) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
                ))
                .bind(&k.id)
                .bind(k.owner.column())
                .bind(&k.fragment)
                .bind(k.algorithm.as_str())
                .bind(&k.public_key_multibase)
                .bind(&k.sealed_private_key)
                .bind(k.status.as_str())
                .bind(k.created_at)
                .bind(k.retired_at)
                .bind(k.withdrawn_at)
                .bind(k.owner.org_id())
                .execute(&mut **tx)
                .await
                .map_err(|e| StoreError::from_sqlx(e, "a key with this id or fragment exists"))?;
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl Store for $name {
            fn backend(&self) -> Backend {
                $backend
            }

            async fn migrate(&self) -> StoreResult<()> {
                $migrator.run(&self.pool).await?;
                Ok(())
            }

            async fn ping(&self) -> StoreResult<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            fn pool_stats(&self) -> PoolStats {
                PoolStats {
                    size: self.pool.size(),
                    idle: self.pool.num_idle() as u32,
                    max: self.max_connections,
                }
            }

            async fn close(&self) {
                self.pool.close().await;
            }

            async fn get_meta(&self, key: &str) -> StoreResult<Option<String>> {
                Ok(sqlx::query_scalar("SELECT value FROM meta WHERE key = $1")
                    .bind(key)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn init_meta(&self, key: &str, value: &str) -> StoreResult<String> {
                let mut tx = self.write().await?;
                sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
                    .bind(key)
                    .bind(value)
                    .execute(&mut *tx)
                    .await?;
                let stored: String = sqlx::query_scalar("SELECT value FROM meta WHERE key = $1")
                    .bind(key)
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(stored)
            }

            async fn create_org(
                &self,
                org: &Organisation,
                keys: &[SigningKeyRecord],
                audit: &NewAuditEntry,
                trusted: Option<(&TrustedIssuerRecord, &NewAuditEntry)>,
            ) -> StoreResult<()> {
                let mut tx = self.write().await?;
                let (search, town) = super::directory::folded(org);
                sqlx::query(&format!(
                    "INSERT INTO organisations ({ORG_COLUMNS}, search_folded, town_folded) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
                ))
                .bind(&org.id)
                .bind(&org.slug)
                .bind(&org.name_fr)
                .bind(&org.name_en)
                .bind(org.created_at)
                .bind(org.updated_at)
                .bind(&org.did_key)
                .bind(&org.description)
                .bind(&org.town)
                .bind(&org.kind)
                .bind(&org.website)
                .bind(i64::from(org.listed))
                .bind(search)
                .bind(town)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::from_sqlx(e, "an organisation with this slug exists"))?;
                for key in keys {
                    Self::insert_key(&mut tx, key).await?;
                }
                Self::insert_audit(&mut tx, audit).await?;
                if let Some((entry, trust_audit)) = trusted {
                    Self::lock_name(&mut tx, TRUSTED_ISSUERS_LOCK).await?;
                    let existing: i64 =
                        sqlx::query_scalar("SELECT COUNT(*) FROM trusted_issuers WHERE did = $1")
                            .bind(&entry.did)
                            .fetch_one(&mut *tx)
                            .await?;
                    let mut trust_audit = trust_audit.clone();
                    if let Some(serde_json::Value::Object(details)) = trust_audit.details.as_mut() {
                        details.insert("created".into(), (existing == 0).into());
                    }
                    Self::put_trusted_issuer(&mut tx, entry).await?;
                    Self::insert_audit(&mut tx, &trust_audit).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn get_org_by_slug(&self, slug: &str) -> StoreResult<Option<Organisation>> {
                Ok(sqlx::query_as::<_, OrgRow>(&format!(
                    "SELECT {ORG_COLUMNS} FROM organisations WHERE slug = $1"
                ))
                .bind(slug)
                .fetch_optional(&self.pool)
                .await?
                .map(Into::into))
            }

            async fn get_org(&self, id: &str) -> StoreResult<Option<Organisation>> {
                Ok(sqlx::query_as::<_, OrgRow>(&format!(
                    "SELECT {ORG_COLUMNS} FROM organisations WHERE id = $1"
                ))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
                .map(Into::into))
            }

            async fn list_orgs(&self) -> StoreResult<Vec<Organisation>> {
                Ok(sqlx::query_as::<_, OrgRow>(&format!(
                    "SELECT {ORG_COLUMNS} FROM organisations ORDER BY slug"
                ))
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(Into::into)
                .collect())
            }

            async fn list_keys(&self, owner: &KeyOwner) -> StoreResult<Vec<SigningKeyRecord>> {
                sqlx::query_as::<_, KeyRow>(&format!(
                    "SELECT {KEY_COLUMNS} FROM signing_keys WHERE owner = $1 ORDER BY created_at, id"
                ))
                .bind(owner.column())
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(TryInto::try_into)
                .collect()
            }

            async fn active_key(
                &self,
                owner: &KeyOwner,
                algorithm: KeyAlgorithm,
            ) -> StoreResult<Option<SigningKeyRecord>> {
                sqlx::query_as::<_, KeyRow>(&format!(
                    "SELECT {KEY_COLUMNS} FROM signing_keys \
                     WHERE owner = $1 AND algorithm = $2 AND status = 'active'"
                ))
                .bind(owner.column())
                .bind(algorithm.as_str())
                .fetch_optional(&self.pool)
                .await?
                .map(TryInto::try_into)
                .transpose()
            }

            async fn rotate_key(
                &self,
                new: &SigningKeyRecord,
                audit: &NewAuditEntry,
            ) -> StoreResult<(String, Option<String>)> {
                let mut tx = self.write().await?;
                Self::lock_owner(&mut tx, &new.owner).await?;
                let retired: Option<String> = sqlx::query_scalar(
                    "UPDATE signing_keys SET status = 'retired', retired_at = $1 \
                     WHERE owner = $2 AND algorithm = $3 AND status = 'active' RETURNING id",
                )
                .bind(new.created_at)
                .bind(new.owner.column())
                .bind(new.algorithm.as_str())
                .fetch_optional(&mut *tx)
                .await?;
                let fragment = Self::insert_next_key(&mut tx, new).await?;
                let mut audit = audit.clone();
                if let Some(serde_json::Value::Object(details)) = audit.details.as_mut() {
                    details.insert("fragment".into(), fragment.clone().into());
                    details.insert("retired".into(), retired.clone().into());
                }
                Self::insert_audit(&mut tx, &audit).await?;
                tx.commit().await?;
                Ok((fragment, retired))
            }

            async fn create_key_if_absent(
                &self,
                new: &SigningKeyRecord,
                audit: &NewAuditEntry,
            ) -> StoreResult<bool> {
                let mut tx = self.write().await?;
                Self::lock_owner(&mut tx, &new.owner).await?;
                let existing: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM signing_keys \
                     WHERE owner = $1 AND algorithm = $2 AND status = 'active'",
                )
                .bind(new.owner.column())
                .bind(new.algorithm.as_str())
                .fetch_one(&mut *tx)
                .await?;
                if existing > 0 {
                    return Ok(false);
                }
                Self::insert_next_key(&mut tx, new).await?;
                Self::insert_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn withdraw_key(
                &self,
                owner: &KeyOwner,
                key_id: &str,
                at: DateTime<Utc>,
                audit: &NewAuditEntry,
            ) -> StoreResult<()> {
                let mut tx = self.write().await?;
                let done = sqlx::query(
                    "UPDATE signing_keys SET status = 'withdrawn', withdrawn_at = $1 \
                     WHERE owner = $2 AND id = $3 AND status = 'retired'",
                )
                .bind(at)
                .bind(owner.column())
                .bind(key_id)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() != 1 {
                    return Err(StoreError::NotFound);
                }
                Self::insert_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn create_api_key(
                &self,
                key: &ApiKeyRecord,
                audit: &NewAuditEntry,
            ) -> StoreResult<()> {
                let mut tx = self.write().await?;
                sqlx::query(&format!(
                    "INSERT INTO api_keys ({API_KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                ))
                .bind(&key.id)
                .bind(&key.org_id)
                .bind(&key.name)
                .bind(&key.prefix)
                .bind(&key.token_hash)
                .bind(key.created_at)
                .bind(key.revoked_at)
                .bind(key.last_used_at)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::from_sqlx(e, "an API key with this id exists"))?;
                Self::insert_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn list_api_keys(&self, org_id: &str) -> StoreResult<Vec<ApiKeyRecord>> {
                Ok(sqlx::query_as::<_, ApiKeyRow>(&format!(
                    "SELECT {API_KEY_COLUMNS} FROM api_keys WHERE org_id = $1 ORDER BY created_at, id"
                ))
                .bind(org_id)
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(Into::into)
                .collect())
            }

            async fn revoke_api_key(
                &self,
                org_id: &str,
                key_id: &str,
                at: DateTime<Utc>,
                audit: &NewAuditEntry,
            ) -> StoreResult<bool> {
                let mut tx = self.write().await?;
                let done = sqlx::query(
                    "UPDATE api_keys SET revoked_at = $1 \
                     WHERE org_id = $2 AND id = $3 AND revoked_at IS NULL",
                )
                .bind(at)
                .bind(org_id)
                .bind(key_id)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() != 1 {
                    return Ok(false);
                }
                Self::insert_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn find_api_key(&self, token_hash: &str) -> StoreResult<Option<ApiKeyRecord>> {
                Ok(sqlx::query_as::<_, ApiKeyRow>(&format!(
                    "SELECT {API_KEY_COLUMNS} FROM api_keys WHERE token_hash = $1 AND revoked_at IS NULL"
                ))
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?
                .map(Into::into))
            }

            async fn touch_api_key(&self, key_id: &str, at: DateTime<Utc>) -> StoreResult<()> {
                let mut tx = self.write().await?;
                sqlx::query(
                    "UPDATE api_keys SET last_used_at = $1 \
                     WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)",
                )
                .bind(at)
                .bind(key_id)
                .bind(at - chrono::Duration::minutes(1))
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn append_audit(&self, entry: &NewAuditEntry) -> StoreResult<()> {
                let mut tx = self.write().await?;
                Self::insert_audit(&mut tx, entry).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn list_audit(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
                sqlx::query_as::<_, AuditRow>(
                    "SELECT seq, id, at, org_id, actor, action, object, request_id, details \
                     FROM audit_log \
                     WHERE (CAST($1 AS TEXT) IS NULL OR org_id = $1) \
                       AND (CAST($2 AS BIGINT) IS NULL OR seq < $2) \
                     ORDER BY seq DESC LIMIT $3",
                )
                .bind(&filter.org_id)
                .bind(filter.before_seq)
                .bind(i64::from(filter.limit.clamp(1, 1000)))
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(TryInto::try_into)
                .collect()
            }

            async fn insert_issued_credential(
                &self,
                c: &IssuedCredential,
                audit: &NewAuditEntry,
            ) -> StoreResult<()> {
                let mut tx = self.write().await?;
                Self::insert_credentials(&mut tx, &[c]).await?;
                Self::insert_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn find_issued_credential(
                &self,
                org_id: &str,
                credential_id: &str,
            ) -> StoreResult<Option<IssuedCredential>> {
                self.credential_where(org_id, "credential_id", credential_id).await
            }

            async fn allocate_status(
                &self,
                org_id: &str,
                purposes: &[StatusPurpose],
                credential_refs: &[String],
                size: i64,
                pick: &(dyn Fn() -> i64 + Send + Sync),
                at: DateTime<Utc>,
            ) -> StoreResult<Vec<Vec<StatusEntry>>> {
                // A credential listed twice could never get its second
                // entry (one entry per credential and purpose).
                let mut seen = std::collections::HashSet::with_capacity(credential_refs.len());
                if !credential_refs.iter().all(|r| seen.insert(r.as_str())) {
                    return Err(StoreError::Conflict(
                        "no free status index found (or the credential already has one)",
                    ));
                }
                if credential_refs.is_empty() || purposes.is_empty() {
                    return Ok(vec![Vec::new(); purposes.len()]);
                }
                let mut tx = self.write().await?;
                Self::lock_status(&mut tx, [org_id]).await?;
                let mut entries = Vec::with_capacity(purposes.len());
                for purpose in purposes {
                    entries.push(
                        Self::allocate_in(&mut tx, org_id, *purpose, credential_refs, size, pick, at).await?,
                    );
                }
                // The allocation's lease, in the same transaction: until the
                // credential is recorded, this row says whose entries these
                // are and since when (see `reclaim_status`).
                for chunk in credential_refs.chunks(INSERT_CHUNK) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO status_leases (credential_ref, org_id, allocated_at, reclaimed_at) ",
                    );
                    q.push_values(chunk, |mut b, r| {
                        b.push_bind(r).push_bind(org_id).push_bind(at).push("NULL");
                    });
                    q.build().execute(&mut *tx).await.map_err(|e| {
                        StoreError::from_sqlx(e, "no free status index found (or the credential already has one)")
                    })?;
                }
                tx.commit().await?;
                Ok(entries)
            }

            async fn release_status(&self, credential_ref: &str) -> StoreResult<()> {
                let mut tx = self.write().await?;
                let orgs: Vec<String> = sqlx::query_scalar(
                    "SELECT DISTINCT l.org_id FROM status_entries e JOIN status_lists l ON l.id = e.list_id \
                     WHERE e.credential_ref = $1",
                )
                .bind(credential_ref)
                .fetch_all(&mut *tx)
                .await?;
                Self::lock_status(&mut tx, orgs.iter().map(String::as_str)).await?;
                // Never the entries of a recorded credential: a write whose
                // outcome the caller could not know may have committed.
                let lists: std::collections::BTreeSet<String> = sqlx::query_scalar::<_, String>(
                    "DELETE FROM status_entries WHERE credential_ref = $1 \
                     AND NOT EXISTS (SELECT 1 FROM issued_credentials c WHERE c.id = $1) \
                     RETURNING list_id",
                )
                .bind(credential_ref)
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .collect();
                Self::recount_allocated(&mut tx, &lists).await?;
                sqlx::query(
                    "DELETE FROM status_leases WHERE credential_ref = $1 \
                     AND NOT EXISTS (SELECT 1 FROM issued_credentials c WHERE c.id = $1)",
                )
                .bind(credential_ref)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn reclaim_status(
                &self,
                cutoff: DateTime<Utc>,
                now: DateTime<Utc>,
                limit: u32,
            ) -> StoreResult<Vec<ReclaimedStatus>> {
                // Allocations older than the lease and never recorded.
                let due: Vec<(String, String)> = sqlx::query_as(
                    "SELECT credential_ref, org_id FROM status_leases \
                     WHERE reclaimed_at IS NULL AND allocated_at < $1 \
                     ORDER BY allocated_at, credential_ref LIMIT $2",
                )
                .bind(cutoff)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                if due.is_empty() {
                    return Ok(Vec::new());
                }
                let mut tx = self.write().await?;
                let orgs: std::collections::BTreeSet<&str> = due.iter().map(|(_, o)| o.as_str()).collect();
                Self::lock_status(&mut tx, orgs.iter().copied()).await?;
                let mut reclaimed: Vec<(String, String)> = Vec::new();
                for chunk in due.chunks(INSERT_CHUNK) {
                    // A lease whose credential is recorded (by a binary older
                    // than the leases) just ends.
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "DELETE FROM status_leases WHERE reclaimed_at IS NULL \
                         AND EXISTS (SELECT 1 FROM issued_credentials c WHERE c.id = status_leases.credential_ref) \
                         AND credential_ref IN (",
                    );
                    let mut list = q.separated(", ");
                    for (r, _) in chunk {
                        list.push_bind(r);
                    }
                    q.push(")");
                    q.build().execute(&mut *tx).await?;
                    // The others become tombstones. Recording deletes the
                    // lease row in its own transaction, so one of the two
                    // writes of a row waits for the other: either the
                    // credential was recorded first (the row is gone, nothing
                    // is reclaimed) or the tombstone was (recording fails).
                    let mut q = sqlx::QueryBuilder::<$db>::new("UPDATE status_leases SET reclaimed_at = ");
                    q.push_bind(now)
                        .push(" WHERE reclaimed_at IS NULL AND allocated_at < ")
                        .push_bind(cutoff)
                        .push(
                            " AND NOT EXISTS (SELECT 1 FROM issued_credentials c \
                             WHERE c.id = status_leases.credential_ref) AND credential_ref IN (",
                        );
                    let mut list = q.separated(", ");
                    for (r, _) in chunk {
                        list.push_bind(r);
                    }
                    q.push(") RETURNING credential_ref, org_id");
                    reclaimed.extend(q.build_query_as::<(String, String)>().fetch_all(&mut *tx).await?);
                }
                // Their entries are freed. Their bits are 0: a bit changes
                // only through a recorded credential.
                let mut lists = std::collections::BTreeSet::new();
                let mut freed: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
                for chunk in reclaimed.chunks(INSERT_CHUNK) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "DELETE FROM status_entries WHERE status = 0 AND credential_ref IN (",
                    );
                    let mut list = q.separated(", ");
                    for (r, _) in chunk {
                        list.push_bind(r);
                    }
                    q.push(") RETURNING list_id, credential_ref");
                    for (list_id, credential_ref) in
                        q.build_query_as::<(String, String)>().fetch_all(&mut *tx).await?
                    {
                        lists.insert(list_id);
                        *freed.entry(credential_ref).or_default() += 1;
                    }
                }
                Self::recount_allocated(&mut tx, &lists).await?;
                let mut per_org: std::collections::BTreeMap<String, ReclaimedStatus> =
                    std::collections::BTreeMap::new();
                for (credential_ref, org_id) in &reclaimed {
                    let r = per_org.entry(org_id.clone()).or_insert_with(|| ReclaimedStatus {
                        org_id: org_id.clone(),
                        credentials: 0,
                        entries: 0,
                    });
                    r.credentials += 1;
                    r.entries += freed.get(credential_ref).copied().unwrap_or(0);
                }
                let audits: Vec<NewAuditEntry> = per_org
                    .values()
                    .map(|r| {
                        crate::audit::Actor::system().entry(
                            now,
                            Some(&r.org_id),
                            crate::audit::action::STATUS_RECLAIMED,
                            format!("org:{}", r.org_id),
                            Some(serde_json::json!({"credentials": r.credentials, "entries": r.entries})),
                        )
                    })
                    .collect();
                Self::insert_audits(&mut tx, &audits.iter().collect::<Vec<_>>()).await?;
                tx.commit().await?;
                Ok(per_org.into_values().collect())
            }

            async fn status_entries(&self, credential_ref: &str) -> StoreResult<Vec<StatusEntry>> {
                sqlx::query_as::<_, StatusEntryRow>(
                    "SELECT e.list_id, l.number, e.purpose, e.idx, e.status \
                     FROM status_entries e JOIN status_lists l ON l.id = e.list_id \
                     WHERE e.credential_ref = $1 ORDER BY e.purpose",
                )
                .bind(credential_ref)
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(TryInto::try_into)
                .collect()
            }

            async fn set_status(
                &self,
                credential_ref: &str,
                purpose: StatusPurpose,
                value: bool,
                at: DateTime<Utc>,
                audit: &NewAuditEntry,
            ) -> StoreResult<StatusUpdate> {
                let bit = i64::from(value);
                let mut tx = self.write().await?;
                let changed: Option<String> = sqlx::query_scalar(
                    "UPDATE status_entries SET status = $1, updated_at = $2 \
                     WHERE credential_ref = $3 AND purpose = $4 AND status <> $1 \
                       AND NOT (purpose = 'revocation' AND status = 1) \
                     RETURNING list_id",
                )
                .bind(bit)
                .bind(at)
                .bind(credential_ref)
                .bind(purpose.as_str())
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(list_id) = changed {
                    sqlx::query("UPDATE status_lists SET version = version + 1, updated_at = $1 WHERE id = $2")
                        .bind(at)
                        .bind(&list_id)
                        .execute(&mut *tx)
                        .await?;
                    Self::insert_audit(&mut tx, audit).await?;
                    tx.commit().await?;
                    return Ok(StatusUpdate::Changed);
                }
                let current: Option<i64> = sqlx::query_scalar(
                    "SELECT status FROM status_entries WHERE credential_ref = $1 AND purpose = $2",
                )
                .bind(credential_ref)
                .bind(purpose.as_str())
                .fetch_optional(&mut *tx)
                .await?;
                tx.rollback().await?;
                Ok(match current {
                    None => StatusUpdate::NotFound,
                    Some(b) if b == bit => StatusUpdate::Unchanged,
                    Some(_) => StatusUpdate::Irreversible,
                })
            }

            async fn get_status_list(
                &self,
                org_id: &str,
                purpose: StatusPurpose,
                number: i64,
            ) -> StoreResult<Option<StatusList>> {
                sqlx::query_as::<_, StatusListRow>(&format!(
                    "SELECT {STATUS_LIST_COLUMNS} FROM status_lists \
                     WHERE org_id = $1 AND purpose = $2 AND number = $3"
                ))
                .bind(org_id)
                .bind(purpose.as_str())
                .bind(number)
                .fetch_optional(&self.pool)
                .await?
                .map(TryInto::try_into)
                .transpose()
            }

            async fn status_list_set_bits(&self, list_id: &str) -> StoreResult<Vec<i64>> {
                Ok(sqlx::query_scalar(
                    "SELECT idx FROM status_entries WHERE list_id = $1 AND status = 1 ORDER BY idx",
                )
                .bind(list_id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn status_bit(
                &self,
                slug: &str,
                purpose: StatusPurpose,
                number: i64,
                index: i64,
            ) -> StoreResult<Option<(i64, bool)>> {
                let row: Option<(i64, i64)> = sqlx::query_as(
                    "SELECT CAST(l.size AS BIGINT), CAST(CASE WHEN EXISTS (\
                         SELECT 1 FROM status_entries e \
                         WHERE e.list_id = l.id AND e.idx = $4 AND e.status = 1\
                     ) THEN 1 ELSE 0 END AS BIGINT) \
                     FROM status_lists l JOIN organisations o ON o.id = l.org_id \
                     WHERE o.slug = $1 AND l.purpose = $2 AND l.number = $3",
                )
                .bind(slug)
                .bind(purpose.as_str())
                .bind(number)
                .bind(index)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|(size, set)| (size, set == 1)))
            }

            async fn save_signed_status_list(
                &self,
                list_id: &str,
                version: i64,
                signed: &str,
            ) -> StoreResult<()> {
                let mut tx = self.write().await?;
                sqlx::query(
                    "UPDATE status_lists SET signed = $1, signed_version = $2 \
                     WHERE id = $3 AND signed_version < $2",
                )
                .bind(signed)
                .bind(version)
                .bind(list_id)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn get_issued_credential(&self, id: &str) -> StoreResult<Option<IssuedCredential>> {
                Ok(sqlx::query_as::<_, CredentialRow>(&format!(
                    "SELECT {CREDENTIAL_COLUMNS} FROM issued_credentials WHERE id = $1"
                ))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
                .map(Into::into))
            }

            async fn find_by_reference(
                &self,
                org_id: &str,
                reference: &str,
            ) -> StoreResult<Option<IssuedCredential>> {
                self.credential_where(org_id, "reference", reference).await
            }

            async fn list_issued(
                &self,
                org_id: &str,
                filter: &CredentialFilter,
            ) -> StoreResult<Vec<IssuedCredential>> {
                let pattern = filter.query.as_ref().map(|q| {
                    let escaped = q.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                    format!("%{escaped}%")
                });
                Ok(sqlx::query_as::<_, CredentialRow>(&format!(
                    "SELECT {CREDENTIAL_COLUMNS} FROM issued_credentials \
                     WHERE org_id = $1 \
                       AND (CAST($2 AS TEXT) IS NULL \
                            OR LOWER(COALESCE(subject_name, '')) LIKE $2 ESCAPE '\\' \
                            OR LOWER(COALESCE(subject_email, '')) LIKE $2 ESCAPE '\\' \
                            OR LOWER(COALESCE(reference, '')) LIKE $2 ESCAPE '\\' \
                            OR LOWER(credential_id) LIKE $2 ESCAPE '\\') \
                       AND (CAST($3 AS TEXT) IS NULL OR template_id = $3) \
                       AND (CAST($4 AS TEXT) IS NULL OR id < $4) \
                     ORDER BY id DESC LIMIT $5"
                ))
                .bind(org_id)
                .bind(pattern)
                .bind(&filter.template_id)
                .bind(&filter.before)
                .bind(i64::from(filter.limit.clamp(1, 500)))
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(Into::into)
                .collect())
            }

            async fn create_template(
                &self,
                t: &Template,
                audit: &NewAuditEntry,
            ) -> StoreResult<()> {
                let mut tx = self.write().await?;
                sqlx::query(&format!(
                    "INSERT INTO credential_templates ({TEMPLATE_COLUMNS}) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                ))
                .bind(&t.id)
                .bind(&t.org_id)
                .bind(&t.name_fr)
                .bind(&t.name_en)
                .bind(&t.credential_type)
                .bind(&t.subject_schema)
                .bind(&t.achievement)
                .bind(t.created_at)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::from_sqlx(e, "a template with this id exists"))?;
                Self::insert_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn issued_references(
                &self,
                org_id: &str,
                references: &[String],
            ) -> StoreResult<Vec<(String, String)>> {
                let mut found = Vec::new();
                for chunk in references.chunks(INSERT_CHUNK) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "SELECT reference, id FROM issued_credentials WHERE org_id = ",
                    );
                    q.push_bind(org_id).push(" AND reference IN (");
                    let mut list = q.separated(", ");
                    for r in chunk {
                        list.push_bind(r);
                    }
                    q.push(")");
                    let rows: Vec<(String, String)> =
                        q.build_query_as().fetch_all(&self.pool).await?;
                    found.extend(rows);
                }
                Ok(found)
            }

            async fn create_batch(
                &self,
                batch: &Batch,
                rows: &[BatchRow],
                audit: &NewAuditEntry,
            ) -> StoreResult<()> {
                let mut tx = self.write().await?;
                sqlx::query(&format!(
                    "INSERT INTO batches ({BATCH_COLUMNS}) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
                ))
                .bind(&batch.id)
                .bind(&batch.org_id)
                .bind(&batch.template_id)
                .bind(&batch.options)
                .bind(&batch.actor)
                .bind(&batch.state)
                .bind(batch.total)
                .bind(batch.issued)
                .bind(batch.skipped)
                .bind(batch.failed)
                .bind(batch.offered)
                .bind(batch.created_at)
                .bind(batch.updated_at)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::from_sqlx(e, "a batch with this id exists"))?;
                for chunk in rows.chunks(INSERT_CHUNK) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO batch_rows (batch_id, row_number, reference, email, subject, state, credential_ref, error, holder, offer_id) ",
                    );
                    q.push_values(chunk, |mut b, r| {
                        b.push_bind(&batch.id)
                            .push_bind(r.row_number)
                            .push_bind(&r.reference)
                            .push_bind(&r.email)
                            .push_bind(&r.subject)
                            .push_bind(&r.state)
                            .push_bind(&r.credential_ref)
                            .push_bind(&r.error)
                            .push_bind(&r.holder)
                            .push_bind(&r.offer_id);
                    });
                    q.build().execute(&mut *tx).await?;
                }
                Self::insert_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn get_batch(&self, id: &str) -> StoreResult<Option<Batch>> {
                Ok(sqlx::query_as::<_, BatchDbRow>(&format!(
                    "SELECT {BATCH_COLUMNS} FROM batches WHERE id = $1"
                ))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
                .map(Into::into))
            }

            async fn orphaned_batches(&self, now: DateTime<Utc>) -> StoreResult<Vec<Batch>> {
                Ok(sqlx::query_as::<_, BatchDbRow>(&format!(
                    "SELECT {BATCH_COLUMNS} FROM batches \
                     WHERE state = 'running' AND (lease_until IS NULL OR lease_until < $1) \
                     ORDER BY created_at"
                ))
                .bind(now)
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(Into::into)
                .collect())
            }

            async fn lease_batch(
                &self,
                id: &str,
                holder: &str,
                until: DateTime<Utc>,
                now: DateTime<Utc>,
                renew: bool,
            ) -> StoreResult<bool> {
                let mut tx = self.write().await?;
                let done = if renew {
                    sqlx::query(
                        "UPDATE batches SET lease_until = $1 \
                         WHERE id = $2 AND state = 'running' AND lease_holder = $3",
                    )
                    .bind(until)
                    .bind(id)
                    .bind(holder)
                    .execute(&mut *tx)
                    .await?
                } else {
                    sqlx::query(
                        "UPDATE batches SET lease_until = $1, lease_holder = $2 \
                         WHERE id = $3 AND state = 'running' \
                         AND (lease_until IS NULL OR lease_until < $4)",
                    )
                    .bind(until)
                    .bind(holder)
                    .bind(id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?
                };
                tx.commit().await?;
                Ok(done.rows_affected() == 1)
            }

            async fn batch_rows(
                &self,
                batch_id: &str,
                state: Option<&str>,
                after_row: i64,
                limit: u32,
            ) -> StoreResult<Vec<BatchRow>> {
                Ok(sqlx::query_as::<_, BatchRowRow>(
                    "SELECT row_number, reference, email, subject, state, credential_ref, error, holder, offer_id \
                     FROM batch_rows WHERE batch_id = $1 AND (CAST($2 AS TEXT) IS NULL OR state = $2) \
                       AND row_number > $3 ORDER BY row_number LIMIT $4",
                )
                .bind(batch_id)
                .bind(state)
                .bind(after_row)
                .bind(i64::from(limit.clamp(1, 10_000)))
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(|r| BatchRow {
                    row_number: r.row_number,
                    reference: r.reference,
                    email: r.email,
                    subject: r.subject,
                    state: r.state,
                    credential_ref: r.credential_ref,
                    error: r.error,
                    holder: r.holder,
                    offer_id: r.offer_id,
                })
                .collect())
            }

            async fn complete_chunk(
                &self,
                batch_id: &str,
                outcome: &ChunkOutcome,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                let mut tx = self.write().await?;
                let credentials: Vec<&IssuedCredential> =
                    outcome.issued.iter().map(|(_, c, _)| c).collect();
                Self::insert_credentials(&mut tx, &credentials).await?;
                let audits: Vec<&NewAuditEntry> = outcome.issued.iter().map(|(_, _, a)| a).collect();
                Self::insert_audits(&mut tx, &audits).await?;
                if !outcome.offered.is_empty() {
                    let offers: Vec<&OfferRecord> =
                        outcome.offered.iter().map(|(_, o, _, _)| o).collect();
                    Self::insert_offers(&mut tx, &offers).await?;
                    let mails: Vec<&OutboxMessage> =
                        outcome.offered.iter().map(|(_, _, m, _)| m).collect();
                    Self::insert_mails(&mut tx, &mails).await?;
                    let audits: Vec<&NewAuditEntry> =
                        outcome.offered.iter().map(|(_, _, _, a)| a).collect();
                    Self::insert_audits(&mut tx, &audits).await?;
                    for chunk in outcome.offered.chunks(INSERT_CHUNK / 2) {
                        let mut q = sqlx::QueryBuilder::<$db>::new(
                            "UPDATE batch_rows SET state = 'offered', offer_id = v.column2 FROM (",
                        );
                        q.push_values(chunk, |mut b, (row, offer, _, _)| {
                            b.push_bind(*row).push_bind(&offer.id);
                        });
                        q.push(") AS v WHERE batch_rows.batch_id = ")
                            .push_bind(batch_id)
                            .push(" AND batch_rows.row_number = v.column1");
                        q.build().execute(&mut *tx).await?;
                    }
                }
                let updates = outcome
                    .issued
                    .iter()
                    .map(|(row, c, _)| (*row, "issued", Some(c.id.as_str()), None))
                    .chain(outcome.skipped.iter().map(|(row, id)| (*row, "skipped", Some(id.as_str()), None)))
                    .chain(outcome.failed.iter().map(|(row, e)| (*row, "failed", None, Some(e.as_str()))))
                    .collect::<Vec<_>>();
                // Many rows per UPDATE, joined to a VALUES list (its columns
                // are column1.. in both databases).
                for chunk in updates.chunks(INSERT_CHUNK / 2) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "UPDATE batch_rows SET state = v.column2, credential_ref = v.column3, \
                         error = v.column4 FROM (",
                    );
                    q.push_values(chunk, |mut b, (row, state, credential_ref, error)| {
                        b.push_bind(*row)
                            .push_bind(*state)
                            .push_bind(*credential_ref)
                            .push_bind(*error);
                    });
                    q.push(") AS v WHERE batch_rows.batch_id = ")
                        .push_bind(batch_id)
                        .push(" AND batch_rows.row_number = v.column1");
                    q.build().execute(&mut *tx).await?;
                }
                sqlx::query(
                    "UPDATE batches SET issued = issued + $1, skipped = skipped + $2, failed = failed + $3, \
                     offered = offered + $6, updated_at = $4 WHERE id = $5",
                )
                .bind(outcome.issued.len() as i64)
                .bind(outcome.skipped.len() as i64)
                .bind(outcome.failed.len() as i64)
                .bind(now)
                .bind(batch_id)
                .bind(outcome.offered.len() as i64)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE batches SET state = 'done', lease_until = NULL WHERE id = $1 \
                     AND NOT EXISTS (SELECT 1 FROM batch_rows WHERE batch_id = $1 AND state = 'pending')",
                )
                .bind(batch_id)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn list_templates(&self, org_id: &str) -> StoreResult<Vec<Template>> {
                Ok(sqlx::query_as::<_, TemplateRow>(&format!(
                    "SELECT {TEMPLATE_COLUMNS} FROM credential_templates WHERE org_id = $1 ORDER BY created_at, id"
                ))
                .bind(org_id)
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(Into::into)
                .collect())
            }

            async fn get_template(&self, org_id: &str, id: &str) -> StoreResult<Option<Template>> {
                Ok(sqlx::query_as::<_, TemplateRow>(&format!(
                    "SELECT {TEMPLATE_COLUMNS} FROM credential_templates WHERE org_id = $1 AND id = $2"
                ))
                .bind(org_id)
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
                .map(Into::into))
            }

            async fn list_trusted_issuers(&self) -> StoreResult<Vec<TrustedIssuerRecord>> {
                Ok(sqlx::query_as::<_, TrustedIssuerRow>(&format!(
                    "SELECT {TRUSTED_ISSUER_COLUMNS} FROM trusted_issuers ORDER BY did"
                ))
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(Into::into)
                .collect())
            }

            async fn get_trusted_issuer(&self, did: &str) -> StoreResult<Option<TrustedIssuerRecord>> {
                Ok(sqlx::query_as::<_, TrustedIssuerRow>(&format!(
                    "SELECT {TRUSTED_ISSUER_COLUMNS} FROM trusted_issuers WHERE did = $1"
                ))
                .bind(did)
                .fetch_optional(&self.pool)
                .await?
                .map(Into::into))
            }

            async fn upsert_trusted_issuer(
                &self,
                entry: &TrustedIssuerRecord,
                audit: &NewAuditEntry,
            ) -> StoreResult<bool> {
                let mut tx = self.write().await?;
                Self::lock_name(&mut tx, TRUSTED_ISSUERS_LOCK).await?;
                let existing: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM trusted_issuers WHERE did = $1")
                        .bind(&entry.did)
                        .fetch_one(&mut *tx)
                        .await?;
                let created = existing == 0;
                Self::put_trusted_issuer(&mut tx, entry).await?;
                let mut audit = audit.clone();
                if let Some(serde_json::Value::Object(details)) = audit.details.as_mut() {
                    details.insert("created".into(), created.into());
                }
                Self::insert_audit(&mut tx, &audit).await?;
                tx.commit().await?;
                Ok(created)
            }

            async fn delete_trusted_issuer(
                &self,
                did: &str,
                audit: &NewAuditEntry,
            ) -> StoreResult<bool> {
                let mut tx = self.write().await?;
                Self::lock_name(&mut tx, TRUSTED_ISSUERS_LOCK).await?;
                let done = sqlx::query("DELETE FROM trusted_issuers WHERE did = $1")
                    .bind(did)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() != 1 {
                    return Ok(false);
                }
                Self::insert_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn replace_trusted_issuers(
                &self,
                entries: &[TrustedIssuerRecord],
                audit: &NewAuditEntry,
            ) -> StoreResult<RegistryDiff> {
                let mut tx = self.write().await?;
                Self::lock_name(&mut tx, TRUSTED_ISSUERS_LOCK).await?;
                let current: std::collections::HashMap<String, TrustedIssuerRecord> =
                    sqlx::query_as::<_, TrustedIssuerRow>(&format!(
                        "SELECT {TRUSTED_ISSUER_COLUMNS} FROM trusted_issuers"
                    ))
                    .fetch_all(&mut *tx)
                    .await?
                    .into_iter()
                    .map(|r| (r.did.clone(), r.into()))
                    .collect();
                let mut diff = RegistryDiff::default();
                let wanted: std::collections::HashSet<&str> =
                    entries.iter().map(|e| e.did.as_str()).collect();
                for did in current.keys().filter(|d| !wanted.contains(d.as_str())) {
                    sqlx::query("DELETE FROM trusted_issuers WHERE did = $1")
                        .bind(did)
                        .execute(&mut *tx)
                        .await?;
                    diff.removed.push(did.clone());
                }
                for entry in entries {
                    match current.get(&entry.did) {
                        Some(old) if old.same_entry(entry) => continue,
                        Some(_) => diff.updated.push(entry.did.clone()),
                        None => diff.added.push(entry.did.clone()),
                    }
                    Self::put_trusted_issuer(&mut tx, entry).await?;
                }
                diff.added.sort();
                diff.updated.sort();
                diff.removed.sort();
                let mut audit = audit.clone();
                if let Some(serde_json::Value::Object(details)) = audit.details.as_mut() {
                    for (k, v) in [("added", &diff.added), ("updated", &diff.updated), ("removed", &diff.removed)] {
                        details.insert(k.into(), v.clone().into());
                    }
                }
                Self::insert_audit(&mut tx, &audit).await?;
                tx.commit().await?;
                Ok(diff)
            }

            async fn verification_link_for(
                &self,
                credential_ref: &str,
                at: DateTime<Utc>,
            ) -> StoreResult<String> {
                let find = "SELECT token FROM verification_links WHERE credential_ref = $1";
                // Most calls find the link: no write transaction for them.
                let found: Option<String> = sqlx::query_scalar(find)
                    .bind(credential_ref)
                    .fetch_optional(&self.pool)
                    .await?;
                if let Some(token) = found {
                    return Ok(token);
                }
                let mut tx = self.write().await?;
                let exists: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM issued_credentials WHERE id = $1")
                        .bind(credential_ref)
                        .fetch_one(&mut *tx)
                        .await?;
                if exists == 0 {
                    return Err(StoreError::NotFound);
                }
                // A concurrent caller's insert wins: ON CONFLICT waits for
                // it, and the SELECT (a fresh snapshot under READ
                // COMMITTED; serialised writers on SQLite) reads its token.
                // A token collision (2^-128) just draws again.
                for _ in 0..3 {
                    sqlx::query(
                        "INSERT INTO verification_links (token, credential_ref, created_at) \
                         VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    )
                    .bind(new_link_token()?)
                    .bind(credential_ref)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                    let token: Option<String> = sqlx::query_scalar(find)
                        .bind(credential_ref)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if let Some(token) = token {
                        tx.commit().await?;
                        return Ok(token);
                    }
                }
                Err(StoreError::Conflict("no free verification link token"))
            }

            async fn credential_by_verification_token(
                &self,
                token: &str,
            ) -> StoreResult<Option<IssuedCredential>> {
                let well_formed = token.len() == 22
                    && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
                if !well_formed {
                    return Ok(None);
                }
                Ok(sqlx::query_as::<_, CredentialRow>(&format!(
                    "SELECT {CREDENTIAL_COLUMNS} FROM issued_credentials WHERE id = \
                     (SELECT credential_ref FROM verification_links WHERE token = $1)"
                ))
                .bind(token)
                .fetch_optional(&self.pool)
                .await?
                .map(Into::into))
            }
        }
    };
}

/// A boxed future, without pulling in the `futures` crate for one alias.
mod futures_core_boxed {
    pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;
}

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

sql_store!(
    SqliteStore,
    sqlx::Sqlite,
    Backend::Sqlite,
    SQLITE_MIGRATOR,
    |pool| Box::pin(pool.begin_with("BEGIN IMMEDIATE")),
    None
);
sql_store!(
    PgStore,
    sqlx::Postgres,
    Backend::Postgres,
    POSTGRES_MIGRATOR,
    |pool| Box::pin(pool.begin()),
    Some("SELECT pg_advisory_xact_lock(hashtext($1))")
);
