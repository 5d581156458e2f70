//! Notifications for citizens and organisations, their mail preferences,
//! and the weekly digest runs (issue 19). Written once for both backends.
//!
//! Mailing is claimed, never read and then decided: the notification
//! worker takes pending notices with one `UPDATE ... SET mail_state =
//! 'sending'` (a lease: a claim older than [`CLAIM_LEASE_SECS`] may be
//! taken again, so a process killed mid-way loses nothing), and finishes
//! them with the mail they became in one transaction that only succeeds
//! while they are still `sending` ([`NotificationStore::finish_notification_mail`]).
//! Two processes therefore never queue a notice twice: on PostgreSQL the
//! second `UPDATE` waits for the first's row locks and re-reads the state;
//! SQLite serialises writers.

use super::{NewAuditEntry, OutboxMessage, PgStore, SqliteStore, StoreError, StoreResult};
use chrono::{DateTime, Utc};

/// A notification to write. `params` is a JSON object of the values its
/// message shows (a credential's title, an organisation's name, a reason);
/// `dedupe`, when set, makes the same notice exist once (writing it again
/// is a no-op).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    pub id: String,
    /// Exactly one of `citizen_id` and `org_id`.
    pub citizen_id: Option<String>,
    pub org_id: Option<String>,
    /// One of [`crate::notify::Kind`]'s names.
    pub kind: String,
    pub params: serde_json::Value,
    /// A path of this site the notice leads to (`/me/credentials/...`).
    pub link: Option<String>,
    pub dedupe: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A notification as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationRecord {
    pub id: String,
    pub citizen_id: Option<String>,
    pub org_id: Option<String>,
    pub kind: String,
    pub params: serde_json::Value,
    pub link: Option<String>,
    pub dedupe: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
    /// `pending`, `sending` (claimed by a worker), `sent` or `skipped`.
    pub mail_state: String,
    /// When it was mailed (or skipped); while `sending`, when it was
    /// claimed.
    pub mailed_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct NotificationRow {
    id: String,
    citizen_id: Option<String>,
    org_id: Option<String>,
    kind: String,
    params: String,
    link: Option<String>,
    dedupe: Option<String>,
    created_at: DateTime<Utc>,
    read_at: Option<DateTime<Utc>>,
    mail_state: String,
    mailed_at: Option<DateTime<Utc>>,
}

impl From<NotificationRow> for NotificationRecord {
    fn from(r: NotificationRow) -> Self {
        Self {
            params: serde_json::from_str(&r.params).unwrap_or(serde_json::Value::Null),
            id: r.id,
            citizen_id: r.citizen_id,
            org_id: r.org_id,
            kind: r.kind,
            link: r.link,
            dedupe: r.dedupe,
            created_at: r.created_at,
            read_at: r.read_at,
            mail_state: r.mail_state,
            mailed_at: r.mailed_at,
        }
    }
}

const NOTIFICATION_COLUMNS: &str = "id, citizen_id, org_id, kind, params, link, dedupe, \
     created_at, read_at, mail_state, mailed_at";

/// How long a worker's claim on a notice holds before another worker may
/// take it again (the first one died or stalled).
pub const CLAIM_LEASE_SECS: i64 = 600;

/// Kinds mailed together, at most once a day per citizen (see
/// [`NotificationStore::claim_notification_mails`]): shares and CVs opened.
pub const GROUPED_KINDS: [&str; 2] = ["share-opened", "cv-opened"];

/// Whose notifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeOwner<'a> {
    Citizen(&'a str),
    Org(&'a str),
}

impl NoticeOwner<'_> {
    /// The column naming the owner (a fixed name, never input).
    fn column(&self) -> &'static str {
        match self {
            Self::Citizen(_) => "citizen_id",
            Self::Org(_) => "org_id",
        }
    }

    fn id(&self) -> &str {
        match self {
            Self::Citizen(id) | Self::Org(id) => id,
        }
    }
}

/// A page of someone's notifications, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotificationPage {
    pub items: Vec<NotificationRecord>,
    /// All of the owner's notifications.
    pub total: i64,
    /// Those not read yet.
    pub unread: i64,
}

/// What the mailer needs of a citizen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenMailSettings {
    pub email: String,
    pub display_name: String,
    pub email_verified: bool,
    /// `fr` or `en`; `None`: French.
    pub lang: Option<String>,
    /// The kinds whose mail the citizen set (others: the kind's default).
    pub prefs: Vec<(String, bool)>,
}

impl CitizenMailSettings {
    /// Whether `kind` is mailed, given its default.
    pub fn mailed(&self, kind: &str, default: bool) -> bool {
        self.prefs
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, m)| *m)
            .unwrap_or(default)
    }
}

/// A citizen holding a credential (for status changes).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CredentialHolder {
    pub holding_id: String,
    pub citizen_id: String,
    pub title: String,
}

/// A held credential whose end of validity is near.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ExpiringHolding {
    pub holding_id: String,
    pub citizen_id: String,
    pub title: String,
    pub valid_until: DateTime<Utc>,
}

/// A single offer (not of a batch) that expired unaccepted.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ExpiredOffer {
    pub offer_id: String,
    pub org_id: String,
    pub email: Option<String>,
    pub expires_at: DateTime<Utc>,
    pub title_fr: Option<String>,
    pub title_en: Option<String>,
}

/// A batch's offers that expired unaccepted on one day.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ExpiredBatchOffers {
    pub org_id: String,
    pub batch_id: String,
    pub count: i64,
    pub title_fr: Option<String>,
    pub title_en: Option<String>,
}

/// What a share is, for "opened" notices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareTarget {
    /// A share the citizen made: its label.
    Share { citizen_id: String, label: String },
    /// The online version of a CV.
    Cv {
        citizen_id: String,
        cv_id: String,
        title: String,
    },
    /// The public profile page's share: public, never notified.
    Profile,
}

#[async_trait::async_trait]
pub trait NotificationStore: Send + Sync {
    /// Writes notifications (in the app at once; mailed later by the
    /// notification worker per the recipient's preferences). Those whose
    /// `dedupe` exists already are skipped. Returns how many were written.
    async fn add_notifications(&self, notes: &[NewNotification]) -> StoreResult<usize>;

    /// A page of someone's notifications, newest first, with counts.
    async fn notifications_of(
        &self,
        owner: NoticeOwner<'_>,
        offset: i64,
        limit: i64,
    ) -> StoreResult<NotificationPage>;

    /// How many of a citizen's notifications are unread, counting at most
    /// `cap` (the menu shows "99+").
    async fn unread_notifications(&self, citizen_id: &str, cap: i64) -> StoreResult<i64>;

    /// Marks notifications read: those of `ids` that are the owner's, or
    /// all of the owner's when `ids` is `None`. Returns how many changed.
    async fn mark_notifications_read(
        &self,
        owner: NoticeOwner<'_>,
        ids: Option<&[String]>,
        at: DateTime<Utc>,
    ) -> StoreResult<u64>;

    /// The citizen's address, language and mail choices (`None`: no such
    /// citizen).
    async fn citizen_mail_settings(
        &self,
        citizen_id: &str,
    ) -> StoreResult<Option<CitizenMailSettings>>;

    /// Sets the citizen's mail choices (and language, when given) in one
    /// transaction.
    async fn set_notification_prefs(
        &self,
        citizen_id: &str,
        lang: Option<&str>,
        prefs: &[(String, bool)],
    ) -> StoreResult<()>;

    /// Turns mail off for these kinds (the one-click unsubscribe). `false`:
    /// no such citizen (nothing written).
    async fn unsubscribe_kinds(&self, citizen_id: &str, kinds: &[String]) -> StoreResult<bool>;

    /// Claims up to `limit` notices to mail (`pending`, or `sending` with a
    /// claim older than `stale_before`): they become `sending` claimed at
    /// `now`. Notices of [`GROUPED_KINDS`] are taken only for citizens who
    /// had none mailed (or being mailed) since `group_since`, and then all
    /// of that citizen's at once.
    async fn claim_notification_mails(
        &self,
        now: DateTime<Utc>,
        stale_before: DateTime<Utc>,
        group_since: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<NotificationRecord>>;

    /// Ends claimed notices as `state` (`sent` or `skipped`) and queues
    /// `mail`, in one transaction, only if every one of `ids` is still
    /// `sending` (else nothing is written and `false` comes back: another
    /// worker took them over).
    async fn finish_notification_mail(
        &self,
        ids: &[String],
        state: &str,
        mail: Option<&OutboxMessage>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// An organisation's notification address.
    async fn org_notify_email(&self, org_id: &str) -> StoreResult<Option<String>>;

    /// Sets (or, with `None`, removes) an organisation's notification
    /// address, with its audit line.
    async fn set_org_notify_email(
        &self,
        org_id: &str,
        email: Option<&str>,
        audit: &NewAuditEntry,
    ) -> StoreResult<()>;

    /// Removes an organisation's notification address if it is still
    /// `email` (a one-click unsubscribe from a mail sent there). `true`: it
    /// was removed.
    async fn unsubscribe_org_email(
        &self,
        org_id: &str,
        email: &str,
        audit: &NewAuditEntry,
    ) -> StoreResult<bool>;

    /// The citizens holding the credential whose `id` is `credential_id`.
    async fn credential_holders(&self, credential_id: &str) -> StoreResult<Vec<CredentialHolder>>;

    /// Held credentials whose validity ends in `(from, until]` and whose
    /// holder was not told yet (`expiring:{holding}`).
    async fn expiring_holdings(
        &self,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<ExpiringHolding>>;

    /// Single offers still pending whose expiry is in `[from, until)` and
    /// whose organisation was not told yet (`offer-expired:{offer}`).
    async fn expired_offers(
        &self,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<ExpiredOffer>>;

    /// Batch offers still pending whose expiry is in `[from, until)` (one
    /// day, named `day`), by batch, for batches not told of that day yet
    /// (`offer-expired:{batch}:{day}`).
    async fn expired_batch_offers(
        &self,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        day: &str,
    ) -> StoreResult<Vec<ExpiredBatchOffers>>;

    /// What a share is (`None`: no such share).
    async fn share_target(&self, share_id: &str) -> StoreResult<Option<ShareTarget>>;

    /// Deletes notifications created before `before` that are not waiting
    /// to be mailed. Returns how many.
    async fn purge_notifications(&self, before: DateTime<Utc>) -> StoreResult<u64>;

    /// Those of `ids` whose account has a confirmed address (an offer to an
    /// address is shown only to its confirmed owner).
    async fn verified_citizens(&self, ids: &[String]) -> StoreResult<Vec<String>>;
}

macro_rules! notifications_sql {
    ($name:ident, $db:ty) => {
        #[async_trait::async_trait]
        impl NotificationStore for $name {
            async fn add_notifications(&self, notes: &[NewNotification]) -> StoreResult<usize> {
                let mut written = 0;
                let mut tx = self.write().await?;
                for n in notes {
                    written += sqlx::query(
                        "INSERT INTO notifications (id, citizen_id, org_id, kind, params, link, \
                         dedupe, created_at, mail_state) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending') \
                         ON CONFLICT (dedupe) DO NOTHING",
                    )
                    .bind(&n.id)
                    .bind(&n.citizen_id)
                    .bind(&n.org_id)
                    .bind(&n.kind)
                    .bind(n.params.to_string())
                    .bind(&n.link)
                    .bind(&n.dedupe)
                    .bind(n.created_at)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected() as usize;
                }
                tx.commit().await?;
                Ok(written)
            }

            async fn notifications_of(
                &self,
                owner: NoticeOwner<'_>,
                offset: i64,
                limit: i64,
            ) -> StoreResult<NotificationPage> {
                let column = owner.column();
                let rows: Vec<NotificationRow> = sqlx::query_as(&format!(
                    "SELECT {NOTIFICATION_COLUMNS} FROM notifications WHERE {column} = $1 \
                     ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3"
                ))
                .bind(owner.id())
                .bind(limit)
                .bind(offset)
                .fetch_all(self.pool())
                .await?;
                let (total, unread): (i64, i64) = sqlx::query_as(&format!(
                    "SELECT CAST(COUNT(*) AS BIGINT), \
                     CAST(COALESCE(SUM(CASE WHEN read_at IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT) \
                     FROM notifications WHERE {column} = $1"
                ))
                .bind(owner.id())
                .fetch_one(self.pool())
                .await?;
                Ok(NotificationPage {
                    items: rows.into_iter().map(Into::into).collect(),
                    total,
                    unread,
                })
            }

            async fn unread_notifications(&self, citizen_id: &str, cap: i64) -> StoreResult<i64> {
                let (n,): (i64,) = sqlx::query_as(
                    "SELECT CAST(COUNT(*) AS BIGINT) FROM (SELECT id FROM notifications \
                     WHERE citizen_id = $1 AND read_at IS NULL LIMIT $2) AS unread",
                )
                .bind(citizen_id)
                .bind(cap)
                .fetch_one(self.pool())
                .await?;
                Ok(n)
            }

            async fn mark_notifications_read(
                &self,
                owner: NoticeOwner<'_>,
                ids: Option<&[String]>,
                at: DateTime<Utc>,
            ) -> StoreResult<u64> {
                let column = owner.column();
                let mut q = sqlx::QueryBuilder::<$db>::new("UPDATE notifications SET read_at = ");
                q.push_bind(at);
                q.push(format!(" WHERE {column} = "));
                q.push_bind(owner.id());
                q.push(" AND read_at IS NULL");
                if let Some(ids) = ids {
                    if ids.is_empty() {
                        return Ok(0);
                    }
                    q.push(" AND id IN (");
                    let mut list = q.separated(", ");
                    for id in ids {
                        list.push_bind(id);
                    }
                    list.push_unseparated(")");
                }
                Ok(q.build().execute(self.pool()).await?.rows_affected())
            }

            async fn citizen_mail_settings(
                &self,
                citizen_id: &str,
            ) -> StoreResult<Option<CitizenMailSettings>> {
                let row: Option<(String, String, Option<DateTime<Utc>>, Option<String>)> =
                    sqlx::query_as(
                        "SELECT email, display_name, email_verified_at, lang FROM citizens \
                         WHERE id = $1",
                    )
                    .bind(citizen_id)
                    .fetch_optional(self.pool())
                    .await?;
                let Some((email, display_name, verified, lang)) = row else {
                    return Ok(None);
                };
                let prefs: Vec<(String, i64)> = sqlx::query_as(
                    "SELECT kind, mail FROM notification_prefs WHERE citizen_id = $1 ORDER BY kind",
                )
                .bind(citizen_id)
                .fetch_all(self.pool())
                .await?;
                Ok(Some(CitizenMailSettings {
                    email,
                    display_name,
                    email_verified: verified.is_some(),
                    lang,
                    prefs: prefs.into_iter().map(|(k, m)| (k, m != 0)).collect(),
                }))
            }

            async fn set_notification_prefs(
                &self,
                citizen_id: &str,
                lang: Option<&str>,
                prefs: &[(String, bool)],
            ) -> StoreResult<()> {
                let mut tx = self.write().await?;
                if let Some(lang) = lang {
                    let changed = sqlx::query("UPDATE citizens SET lang = $2 WHERE id = $1")
                        .bind(citizen_id)
                        .bind(lang)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    if changed == 0 {
                        return Err(StoreError::NotFound);
                    }
                }
                for (kind, mail) in prefs {
                    sqlx::query(
                        "INSERT INTO notification_prefs (citizen_id, kind, mail) \
                         VALUES ($1, $2, $3) \
                         ON CONFLICT (citizen_id, kind) DO UPDATE SET mail = excluded.mail",
                    )
                    .bind(citizen_id)
                    .bind(kind)
                    .bind(i64::from(*mail))
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn unsubscribe_kinds(
                &self,
                citizen_id: &str,
                kinds: &[String],
            ) -> StoreResult<bool> {
                let mut tx = self.write().await?;
                let exists: Option<(i64,)> =
                    sqlx::query_as("SELECT CAST(1 AS BIGINT) FROM citizens WHERE id = $1")
                        .bind(citizen_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                if exists.is_none() {
                    return Ok(false);
                }
                for kind in kinds {
                    sqlx::query(
                        "INSERT INTO notification_prefs (citizen_id, kind, mail) \
                         VALUES ($1, $2, 0) \
                         ON CONFLICT (citizen_id, kind) DO UPDATE SET mail = 0",
                    )
                    .bind(citizen_id)
                    .bind(kind)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn claim_notification_mails(
                &self,
                now: DateTime<Utc>,
                stale_before: DateTime<Utc>,
                group_since: DateTime<Utc>,
                limit: i64,
            ) -> StoreResult<Vec<NotificationRecord>> {
                let grouped = format!("'{}', '{}'", GROUPED_KINDS[0], GROUPED_KINDS[1]);
                let claimable = "(mail_state = 'pending' OR (mail_state = 'sending' AND mailed_at < $2))";
                let mut tx = self.write().await?;
                let first: Vec<NotificationRow> = sqlx::query_as(&format!(
                    "UPDATE notifications SET mail_state = 'sending', mailed_at = $1 \
                     WHERE {claimable} AND id IN ( \
                       SELECT n.id FROM notifications n \
                       WHERE (n.mail_state = 'pending' OR (n.mail_state = 'sending' AND n.mailed_at < $2)) \
                       AND (n.kind NOT IN ({grouped}) OR NOT EXISTS ( \
                         SELECT 1 FROM notifications m WHERE m.citizen_id = n.citizen_id \
                         AND m.kind IN ({grouped}) AND m.mail_state IN ('sent', 'sending') \
                         AND m.mailed_at > $3 AND m.id <> n.id)) \
                       ORDER BY n.created_at, n.id LIMIT $4) \
                     RETURNING {NOTIFICATION_COLUMNS}"
                ))
                .bind(now)
                .bind(stale_before)
                .bind(group_since)
                .bind(limit)
                .fetch_all(&mut *tx)
                .await?;
                let mut claimed: Vec<NotificationRecord> =
                    first.into_iter().map(Into::into).collect();
                // Every grouped notice of those citizens goes in the same mail.
                let mut citizens: Vec<String> = claimed
                    .iter()
                    .filter(|n| GROUPED_KINDS.contains(&n.kind.as_str()))
                    .filter_map(|n| n.citizen_id.clone())
                    .collect();
                citizens.sort();
                citizens.dedup();
                for citizen in citizens {
                    let more: Vec<NotificationRow> = sqlx::query_as(&format!(
                        "UPDATE notifications SET mail_state = 'sending', mailed_at = $1 \
                         WHERE citizen_id = $3 AND kind IN ({grouped}) AND {claimable} \
                         RETURNING {NOTIFICATION_COLUMNS}"
                    ))
                    .bind(now)
                    .bind(stale_before)
                    .bind(&citizen)
                    .fetch_all(&mut *tx)
                    .await?;
                    claimed.extend(more.into_iter().map(Into::into));
                }
                tx.commit().await?;
                claimed.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
                claimed.dedup_by(|a, b| a.id == b.id);
                Ok(claimed)
            }

            async fn finish_notification_mail(
                &self,
                ids: &[String],
                state: &str,
                mail: Option<&OutboxMessage>,
                now: DateTime<Utc>,
            ) -> StoreResult<bool> {
                let mut tx = self.write().await?;
                for id in ids {
                    let changed = sqlx::query(
                        "UPDATE notifications SET mail_state = $1, mailed_at = $2 \
                         WHERE id = $3 AND mail_state = 'sending'",
                    )
                    .bind(state)
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if changed != 1 {
                        tx.rollback().await?;
                        return Ok(false);
                    }
                }
                if let Some(mail) = mail {
                    Self::tx_insert_mail(&mut tx, mail).await?;
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn org_notify_email(&self, org_id: &str) -> StoreResult<Option<String>> {
                let row: Option<(Option<String>,)> =
                    sqlx::query_as("SELECT notify_email FROM organisations WHERE id = $1")
                        .bind(org_id)
                        .fetch_optional(self.pool())
                        .await?;
                Ok(row.and_then(|(e,)| e))
            }

            async fn set_org_notify_email(
                &self,
                org_id: &str,
                email: Option<&str>,
                audit: &NewAuditEntry,
            ) -> StoreResult<()> {
                let mut tx = self.write().await?;
                let changed = sqlx::query("UPDATE organisations SET notify_email = $2 WHERE id = $1")
                    .bind(org_id)
                    .bind(email)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if changed == 0 {
                    return Err(StoreError::NotFound);
                }
                Self::insert_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn unsubscribe_org_email(
                &self,
                org_id: &str,
                email: &str,
                audit: &NewAuditEntry,
            ) -> StoreResult<bool> {
                let mut tx = self.write().await?;
                let changed = sqlx::query(
                    "UPDATE organisations SET notify_email = NULL \
                     WHERE id = $1 AND notify_email = $2",
                )
                .bind(org_id)
                .bind(email)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if changed == 0 {
                    return Ok(false);
                }
                Self::insert_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn credential_holders(
                &self,
                credential_id: &str,
            ) -> StoreResult<Vec<CredentialHolder>> {
                Ok(sqlx::query_as(
                    "SELECT id AS holding_id, citizen_id, title FROM holdings \
                     WHERE credential_id = $1 ORDER BY received_at, id",
                )
                .bind(credential_id)
                .fetch_all(self.pool())
                .await?)
            }

            async fn expiring_holdings(
                &self,
                from: DateTime<Utc>,
                until: DateTime<Utc>,
                limit: i64,
            ) -> StoreResult<Vec<ExpiringHolding>> {
                Ok(sqlx::query_as(
                    "SELECT h.id AS holding_id, h.citizen_id, h.title, h.valid_until \
                     FROM holdings h \
                     WHERE h.valid_until IS NOT NULL AND h.valid_until > $1 \
                     AND h.valid_until <= $2 \
                     AND NOT EXISTS (SELECT 1 FROM notifications n \
                       WHERE n.dedupe = 'expiring:' || h.id) \
                     ORDER BY h.valid_until, h.id LIMIT $3",
                )
                .bind(from)
                .bind(until)
                .bind(limit)
                .fetch_all(self.pool())
                .await?)
            }

            async fn expired_offers(
                &self,
                from: DateTime<Utc>,
                until: DateTime<Utc>,
                limit: i64,
            ) -> StoreResult<Vec<ExpiredOffer>> {
                Ok(sqlx::query_as(
                    "SELECT o.id AS offer_id, o.org_id, o.email, o.expires_at, \
                     t.name_fr AS title_fr, t.name_en AS title_en \
                     FROM offers o LEFT JOIN credential_templates t ON t.id = o.template_id \
                     WHERE o.state = 'pending' AND o.batch_id IS NULL \
                     AND o.expires_at >= $1 AND o.expires_at < $2 \
                     AND NOT EXISTS (SELECT 1 FROM notifications n \
                       WHERE n.dedupe = 'offer-expired:' || o.id) \
                     ORDER BY o.expires_at, o.id LIMIT $3",
                )
                .bind(from)
                .bind(until)
                .bind(limit)
                .fetch_all(self.pool())
                .await?)
            }

            async fn expired_batch_offers(
                &self,
                from: DateTime<Utc>,
                until: DateTime<Utc>,
                day: &str,
            ) -> StoreResult<Vec<ExpiredBatchOffers>> {
                Ok(sqlx::query_as(
                    "SELECT o.org_id, o.batch_id, CAST(COUNT(*) AS BIGINT) AS count, \
                     MIN(t.name_fr) AS title_fr, MIN(t.name_en) AS title_en \
                     FROM offers o LEFT JOIN credential_templates t ON t.id = o.template_id \
                     WHERE o.state = 'pending' AND o.batch_id IS NOT NULL \
                     AND o.expires_at >= $1 AND o.expires_at < $2 \
                     AND NOT EXISTS (SELECT 1 FROM notifications n \
                       WHERE n.dedupe = 'offer-expired:' || o.batch_id || ':' || $3) \
                     GROUP BY o.org_id, o.batch_id ORDER BY o.batch_id",
                )
                .bind(from)
                .bind(until)
                .bind(day)
                .fetch_all(self.pool())
                .await?)
            }

            async fn share_target(&self, share_id: &str) -> StoreResult<Option<ShareTarget>> {
                let share: Option<(String, String)> =
                    sqlx::query_as("SELECT citizen_id, label FROM shares WHERE id = $1")
                        .bind(share_id)
                        .fetch_optional(self.pool())
                        .await?;
                let Some((citizen_id, label)) = share else {
                    return Ok(None);
                };
                let profile: Option<(i64,)> = sqlx::query_as(
                    "SELECT CAST(1 AS BIGINT) FROM public_profiles WHERE share_id = $1",
                )
                .bind(share_id)
                .fetch_optional(self.pool())
                .await?;
                if profile.is_some() {
                    return Ok(Some(ShareTarget::Profile));
                }
                let cv: Option<(String, String)> = sqlx::query_as(
                    "SELECT id, title FROM cvs WHERE share_id = $1 ORDER BY created_at LIMIT 1",
                )
                .bind(share_id)
                .fetch_optional(self.pool())
                .await?;
                Ok(Some(match cv {
                    Some((cv_id, title)) => ShareTarget::Cv {
                        citizen_id,
                        cv_id,
                        title,
                    },
                    None => ShareTarget::Share { citizen_id, label },
                }))
            }

            async fn verified_citizens(&self, ids: &[String]) -> StoreResult<Vec<String>> {
                let mut out = Vec::new();
                for chunk in ids.chunks(500) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "SELECT id FROM citizens WHERE email_verified_at IS NOT NULL AND id IN (",
                    );
                    let mut list = q.separated(", ");
                    for id in chunk {
                        list.push_bind(id);
                    }
                    list.push_unseparated(")");
                    let rows: Vec<(String,)> = q.build_query_as().fetch_all(self.pool()).await?;
                    out.extend(rows.into_iter().map(|(id,)| id));
                }
                Ok(out)
            }

            async fn purge_notifications(&self, before: DateTime<Utc>) -> StoreResult<u64> {
                Ok(sqlx::query(
                    "DELETE FROM notifications WHERE created_at < $1 \
                     AND mail_state IN ('sent', 'skipped')",
                )
                .bind(before)
                .execute(self.pool())
                .await?
                .rows_affected())
            }
        }
    };
}

notifications_sql!(SqliteStore, sqlx::Sqlite);
notifications_sql!(PgStore, sqlx::Postgres);
