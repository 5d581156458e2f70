//! What a citizen follows, stars and registers for, their calendar feed,
//! and the candidates of their news feed (issue 19). Written once for both
//! backends.

use super::{
    events::{EventFull, EventRecord, EVENT_COLUMNS},
    PgStore, SqliteStore, StoreResult,
};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// What the store knows of a citizen's path, for ranking events: read in
/// bulk (the weekly digest reads 500 citizens at a time).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InterestRows {
    pub department: Option<String>,
    /// The language of their mails (`fr`, `en`; `None`: French).
    pub lang: Option<String>,
    /// The départements of their active plans.
    pub plan_departments: Vec<String>,
    /// (plan title, framework, code, label) of active plans' targets.
    pub plan_targets: Vec<(String, String, String, String)>,
    /// (plan title, framework, code, label) of skills listed in active plans.
    pub plan_skills: Vec<(String, String, String, String)>,
    /// (framework, code, label) of skills they declare.
    pub skills: Vec<(String, String, String)>,
    /// (entry title, details JSON) of entries that carry framework codes.
    pub entries: Vec<(String, String)>,
    /// Bodies of the credentials they hold (only when asked for).
    pub holdings: Vec<String>,
    /// (target, label): `org:<id>` or a tag key.
    pub follows: Vec<(String, String)>,
}

/// Which events may enter a feed: each source is read on its own, soonest
/// first, at most `per_source` each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CandidateQuery {
    pub tags: Vec<String>,
    pub org_ids: Vec<String>,
    pub departments: Vec<String>,
    /// Also the platform's region-wide events and online events.
    pub general: bool,
    pub kind: Option<String>,
    /// Events that end after this (now, or the start of a chosen range).
    pub ends_after: DateTime<Utc>,
    pub starts_before: Option<DateTime<Utc>>,
    /// `Some(true)`: online events only; `Some(false)`: events with a place.
    pub online: Option<bool>,
    /// Only events published after this (the weekly digest).
    pub published_after: Option<DateTime<Utc>>,
    pub per_source: i64,
}

/// What registering or starring did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attend {
    Done,
    /// No published event of that id, or not open to this (registration
    /// not in Atout, already started).
    NotOpen,
    /// Every place is taken.
    Full,
}

/// A citizen's registration or star, with the event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendance {
    pub event: EventFull,
    pub registered_at: Option<DateTime<Utc>>,
    pub starred_at: Option<DateTime<Utc>>,
}

/// What `atout dev seed-news` gives a seeded citizen (benchmarks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedInterest {
    pub citizen_id: String,
    pub department: Option<String>,
    pub lang: Option<String>,
    pub plan_id: String,
    pub plan_title: String,
    /// (framework, code, label)
    pub targets: Vec<(String, String, String)>,
    /// (target, label)
    pub follows: Vec<(String, String)>,
    pub digest: bool,
}

/// A reminder due: (event, citizen).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueReminder {
    pub event: EventRecord,
    pub citizen_id: String,
}

#[async_trait::async_trait]
pub trait FeedStore: Send + Sync {
    async fn set_citizen_department(
        &self,
        citizen_id: &str,
        department: Option<&str>,
    ) -> StoreResult<bool>;
    /// What ranks events for these citizens (absent citizens are absent).
    async fn interests(
        &self,
        citizen_ids: &[String],
        with_holdings: bool,
    ) -> StoreResult<HashMap<String, InterestRows>>;
    /// The events that may enter a feed, with tags and registrations.
    async fn feed_candidates(&self, query: &CandidateQuery) -> StoreResult<Vec<EventFull>>;
    /// Follows a target; at most `max` follows per citizen.
    async fn follow(
        &self,
        citizen_id: &str,
        target: &str,
        label: &str,
        now: DateTime<Utc>,
        max: i64,
    ) -> StoreResult<super::Limited>;
    async fn unfollow(&self, citizen_id: &str, target: &str) -> StoreResult<bool>;
    /// Registers (`Some(true)`), unregisters (`Some(false)`), stars or
    /// unstars. Registration takes a place atomically: a hundred citizens
    /// at once for the last place get one `Done`.
    async fn attend(
        &self,
        event_id: &str,
        citizen_id: &str,
        register: Option<bool>,
        star: Option<bool>,
        now: DateTime<Utc>,
    ) -> StoreResult<Attend>;
    /// (registered, starred) of one citizen for one event.
    async fn attendance(&self, event_id: &str, citizen_id: &str) -> StoreResult<(bool, bool)>;
    /// The events a citizen registered for or starred, that end after
    /// `ends_after`, soonest first.
    async fn my_events(
        &self,
        citizen_id: &str,
        ends_after: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<Attendance>>;
    /// Replaces the citizen's calendar feed token (the old URL stops
    /// working).
    async fn set_calendar_token(
        &self,
        citizen_id: &str,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    async fn revoke_calendar(&self, citizen_id: &str) -> StoreResult<bool>;
    /// When the citizen's feed was created and last read.
    async fn calendar_info(
        &self,
        citizen_id: &str,
    ) -> StoreResult<Option<(DateTime<Utc>, Option<DateTime<Utc>>)>>;
    /// The citizen a calendar token belongs to (and notes the reading).
    async fn calendar_citizen(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<String>>;
    /// Registrations of published events starting between `now` and
    /// `until` not yet reminded; marks them reminded in the same
    /// transaction (each reminder is taken once, by one process).
    async fn take_due_reminders(
        &self,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<DueReminder>>;
    /// Takes the digest of `week` (a row of `digest_runs`): true when this
    /// caller is to compute it (new, or abandoned since `stale_before`).
    async fn take_digest(
        &self,
        week: &str,
        now: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> StoreResult<bool>;
    async fn finish_digest(
        &self,
        week: &str,
        now: DateTime<Utc>,
        citizens: i64,
        queued: i64,
    ) -> StoreResult<()>;
    /// Citizens who opted in to the weekly digest, after `after` in id
    /// order (paging).
    async fn digest_citizens(&self, after: &str, limit: i64) -> StoreResult<Vec<String>>;
    /// Citizens' ids after `after`, in order (paging through everyone).
    async fn citizen_ids(&self, after: &str, limit: i64) -> StoreResult<Vec<String>>;
    /// Benchmarks only (`atout dev seed-news`): gives seeded citizens a
    /// département, a plan with targets, follows and the digest, in bulk.
    async fn seed_interests(&self, rows: &[SeedInterest], now: DateTime<Utc>) -> StoreResult<()>;
}

/// [`EVENT_COLUMNS`], each prefixed with the alias `e.`.
fn event_columns_of_e() -> String {
    EVENT_COLUMNS
        .split(", ")
        .map(|col| format!("e.{}", col.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

macro_rules! feed_sql {
    ($name:ident, $db:ty) => {
        impl $name {
            /// [`Self::feed_filters`] for sources driven by another index
            /// (tags, organisations): `status || ''` keeps SQLite from
            /// walking the whole listing index in start order instead.
            fn feed_filters_unindexed(q: &mut sqlx::QueryBuilder<'_, $db>, c: &CandidateQuery) {
                q.push(" AND e.status || '' = 'published'");
                Self::feed_filters_rest(q, c);
            }

            /// The filters every source shares.
            fn feed_filters(q: &mut sqlx::QueryBuilder<'_, $db>, c: &CandidateQuery) {
                q.push(" AND e.status = 'published'");
                Self::feed_filters_rest(q, c);
            }

            fn feed_filters_rest(q: &mut sqlx::QueryBuilder<'_, $db>, c: &CandidateQuery) {
                q.push(" AND e.ends_at > ");
                q.push_bind(c.ends_after);
                if let Some(before) = c.starts_before {
                    q.push(" AND e.starts_at < ");
                    q.push_bind(before);
                }
                if let Some(kind) = &c.kind {
                    q.push(" AND e.kind = ");
                    q.push_bind(kind.clone());
                }
                match c.online {
                    Some(true) => {
                        q.push(" AND e.online_url IS NOT NULL");
                    }
                    Some(false) => {
                        q.push(" AND e.department IS NOT NULL");
                    }
                    None => {}
                }
                if let Some(after) = c.published_after {
                    q.push(" AND e.published_at > ");
                    q.push_bind(after);
                }
            }
        }

        #[async_trait::async_trait]
        impl FeedStore for $name {
            async fn set_citizen_department(
                &self,
                citizen_id: &str,
                department: Option<&str>,
            ) -> StoreResult<bool> {
                Ok(sqlx::query("UPDATE citizens SET department = $1 WHERE id = $2")
                    .bind(department)
                    .bind(citizen_id)
                    .execute(self.pool())
                    .await?
                    .rows_affected()
                    > 0)
            }

            async fn interests(
                &self,
                citizen_ids: &[String],
                with_holdings: bool,
            ) -> StoreResult<HashMap<String, InterestRows>> {
                let mut out: HashMap<String, InterestRows> = HashMap::new();
                for chunk in citizen_ids.chunks(500) {
                    let ids = |sql: &str| {
                        let mut q = sqlx::QueryBuilder::<$db>::new(sql);
                        let mut list = q.separated(", ");
                        for id in chunk {
                            list.push_bind(id.clone());
                        }
                        q.push(")");
                        q
                    };
                    let rows: Vec<(String, Option<String>, Option<String>)> =
                        ids("SELECT id, department, lang FROM citizens WHERE id IN (")
                            .build_query_as()
                            .fetch_all(self.pool())
                            .await?;
                    for (id, department, lang) in rows {
                        let i = out.entry(id).or_default();
                        i.department = department;
                        i.lang = lang;
                    }
                    let rows: Vec<(String, String, String, String, String)> = ids(
                        "SELECT p.citizen_id, p.title, t.framework, t.code, t.label \
                         FROM career_plans p JOIN career_plan_targets t ON t.plan_id = p.id \
                         WHERE p.status = 'active' AND p.citizen_id IN (",
                    )
                    .build_query_as()
                    .fetch_all(self.pool())
                    .await?;
                    for (id, title, f, c, l) in rows {
                        if let Some(i) = out.get_mut(&id) {
                            i.plan_targets.push((title, f, c, l));
                        }
                    }
                    let rows: Vec<(String, String, String, String, String)> = ids(
                        "SELECT p.citizen_id, p.title, s.framework, s.code, s.label \
                         FROM career_plans p JOIN career_plan_skills s ON s.plan_id = p.id \
                         WHERE p.status = 'active' AND p.citizen_id IN (",
                    )
                    .build_query_as()
                    .fetch_all(self.pool())
                    .await?;
                    for (id, title, f, c, l) in rows {
                        if let Some(i) = out.get_mut(&id) {
                            i.plan_skills.push((title, f, c, l));
                        }
                    }
                    let rows: Vec<(String, String)> = ids(
                        "SELECT citizen_id, department FROM career_plans \
                         WHERE status = 'active' AND department IS NOT NULL AND citizen_id IN (",
                    )
                    .build_query_as()
                    .fetch_all(self.pool())
                    .await?;
                    for (id, d) in rows {
                        if let Some(i) = out.get_mut(&id) {
                            if !i.plan_departments.contains(&d) {
                                i.plan_departments.push(d);
                            }
                        }
                    }
                    let rows: Vec<(String, String, String, String)> = ids(
                        "SELECT citizen_id, framework, code, label FROM citizen_skills \
                         WHERE citizen_id IN (",
                    )
                    .build_query_as()
                    .fetch_all(self.pool())
                    .await?;
                    for (id, f, c, l) in rows {
                        if let Some(i) = out.get_mut(&id) {
                            i.skills.push((f, c, l));
                        }
                    }
                    let rows: Vec<(String, String, String)> = ids(
                        "SELECT citizen_id, title, details FROM entries \
                         WHERE details LIKE '%\"frameworks\"%' AND citizen_id IN (",
                    )
                    .build_query_as()
                    .fetch_all(self.pool())
                    .await?;
                    for (id, title, details) in rows {
                        if let Some(i) = out.get_mut(&id) {
                            i.entries.push((title, details));
                        }
                    }
                    let rows: Vec<(String, String, String)> =
                        ids("SELECT citizen_id, target, label FROM follows WHERE citizen_id IN (")
                            .build_query_as()
                            .fetch_all(self.pool())
                            .await?;
                    for (id, target, label) in rows {
                        if let Some(i) = out.get_mut(&id) {
                            i.follows.push((target, label));
                        }
                    }
                    if with_holdings {
                        let rows: Vec<(String, String)> =
                            ids("SELECT citizen_id, body FROM holdings WHERE citizen_id IN (")
                                .build_query_as()
                                .fetch_all(self.pool())
                                .await?;
                        for (id, body) in rows {
                            if let Some(i) = out.get_mut(&id) {
                                i.holdings.push(body);
                            }
                        }
                    }
                }
                Ok(out)
            }

            async fn feed_candidates(&self, c: &CandidateQuery) -> StoreResult<Vec<EventFull>> {
                // Descriptions cut (a feed shows a summary): hundreds of
                // candidates must not carry 8,000 characters each.
                let cols = EVENT_COLUMNS
                    .split(", ")
                    .map(|col| match col.trim() {
                        d @ ("description_fr" | "description_en") => {
                            format!("SUBSTR(e.{d}, 1, 400) AS {d}")
                        }
                        col => format!("e.{col}"),
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                let mut seen = std::collections::HashSet::new();
                let mut events: Vec<EventRecord> = Vec::new();
                let mut take = |rows: Vec<EventRecord>, events: &mut Vec<EventRecord>| {
                    for r in rows {
                        if seen.insert(r.id.clone()) {
                            events.push(r);
                        }
                    }
                };
                // Tagged with what the citizen's path names.
                if !c.tags.is_empty() {
                    // Driven from the tags' index (an event found twice is
                    // kept once below).
                    let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                        "SELECT {cols} FROM event_tags t JOIN events e ON e.id = t.event_id \
                         WHERE t.tag IN ("
                    ));
                    let mut list = q.separated(", ");
                    for t in c.tags.iter().take(500) {
                        list.push_bind(t.clone());
                    }
                    q.push(")");
                    Self::feed_filters_unindexed(&mut q, c);
                    q.push(" ORDER BY e.starts_at LIMIT ");
                    q.push_bind(c.per_source * 2);
                    take(q.build_query_as().fetch_all(self.pool()).await?, &mut events);
                }
                // Of organisations they follow.
                if !c.org_ids.is_empty() {
                    let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                        "SELECT {cols} FROM events e WHERE e.org_id IN ("
                    ));
                    let mut list = q.separated(", ");
                    for o in c.org_ids.iter().take(200) {
                        list.push_bind(o.clone());
                    }
                    q.push(")");
                    Self::feed_filters_unindexed(&mut q, c);
                    q.push(" ORDER BY e.starts_at LIMIT ");
                    q.push_bind(c.per_source);
                    take(q.build_query_as().fetch_all(self.pool()).await?, &mut events);
                }
                // Near them.
                for d in c.departments.iter().take(20) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                        "SELECT {cols} FROM events e WHERE e.department = "
                    ));
                    q.push_bind(d.clone());
                    Self::feed_filters(&mut q, c);
                    q.push(" ORDER BY e.starts_at LIMIT ");
                    q.push_bind(c.per_source);
                    take(q.build_query_as().fetch_all(self.pool()).await?, &mut events);
                }
                // The platform's region-wide events, and online ones.
                if c.general {
                    let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                        "SELECT {cols} FROM events e WHERE (e.org_id IS NULL OR e.online_url IS NOT NULL)"
                    ));
                    Self::feed_filters(&mut q, c);
                    q.push(" ORDER BY e.starts_at LIMIT ");
                    q.push_bind(c.per_source);
                    take(q.build_query_as().fetch_all(self.pool()).await?, &mut events);
                    // Whatever comes next, so that a feed is never empty
                    // while events exist.
                    let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                        "SELECT {cols} FROM events e WHERE 1 = 1"
                    ));
                    Self::feed_filters(&mut q, c);
                    q.push(" ORDER BY e.starts_at LIMIT ");
                    q.push_bind(c.per_source);
                    take(q.build_query_as().fetch_all(self.pool()).await?, &mut events);
                }
                self.events_full(events).await
            }

            async fn follow(
                &self,
                citizen_id: &str,
                target: &str,
                label: &str,
                now: DateTime<Utc>,
                max: i64,
            ) -> StoreResult<super::Limited> {
                let mut tx = self.write().await?;
                // Serialises a citizen's follows (the limit holds under
                // concurrency on both databases).
                let found = sqlx::query("UPDATE citizens SET updated_at = updated_at WHERE id = $1")
                    .bind(citizen_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if found == 0 {
                    return Ok(super::Limited::NotFound);
                }
                let n: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM follows WHERE citizen_id = $1")
                        .bind(citizen_id)
                        .fetch_one(&mut *tx)
                        .await?;
                if n >= max {
                    return Ok(super::Limited::TooMany);
                }
                let done = sqlx::query(
                    "INSERT INTO follows (citizen_id, target, label, created_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (citizen_id, target) DO NOTHING",
                )
                .bind(citizen_id)
                .bind(target)
                .bind(label)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                tx.commit().await?;
                Ok(if done == 0 {
                    super::Limited::Exists
                } else {
                    super::Limited::Done
                })
            }

            async fn unfollow(&self, citizen_id: &str, target: &str) -> StoreResult<bool> {
                Ok(
                    sqlx::query("DELETE FROM follows WHERE citizen_id = $1 AND target = $2")
                        .bind(citizen_id)
                        .bind(target)
                        .execute(self.pool())
                        .await?
                        .rows_affected()
                        > 0,
                )
            }

            async fn attend(
                &self,
                event_id: &str,
                citizen_id: &str,
                register: Option<bool>,
                star: Option<bool>,
                now: DateTime<Utc>,
            ) -> StoreResult<Attend> {
                let mut tx = self.write().await?;
                // Locks the event's row: registrations for one event are
                // taken one at a time (PostgreSQL; SQLite writes one at a
                // time anyway).
                let found = sqlx::query(
                    "UPDATE events SET sequence = sequence WHERE id = $1 AND status <> 'draft'",
                )
                .bind(event_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if found == 0 {
                    return Ok(Attend::NotOpen);
                }
                let (status, registration, capacity, starts_at): (
                    String,
                    String,
                    Option<i64>,
                    DateTime<Utc>,
                ) = sqlx::query_as(
                    "SELECT status, registration, capacity, starts_at FROM events WHERE id = $1",
                )
                .bind(event_id)
                .fetch_one(&mut *tx)
                .await?;
                // Only a published event takes new registrations and stars;
                // leaving one is always possible.
                let adding = register == Some(true) || star == Some(true);
                if adding && status != "published" {
                    return Ok(Attend::NotOpen);
                }
                let current: Option<(Option<DateTime<Utc>>, Option<DateTime<Utc>>)> =
                    sqlx::query_as(
                        "SELECT registered_at, starred_at FROM event_attendees \
                         WHERE event_id = $1 AND citizen_id = $2",
                    )
                    .bind(event_id)
                    .bind(citizen_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                let (mut registered_at, mut starred_at) = current.unwrap_or((None, None));
                match register {
                    Some(true) if registered_at.is_none() => {
                        if registration != "atout" || starts_at <= now {
                            return Ok(Attend::NotOpen);
                        }
                        if let Some(capacity) = capacity {
                            let taken: i64 = sqlx::query_scalar(
                                "SELECT COUNT(*) FROM event_attendees \
                                 WHERE event_id = $1 AND registered_at IS NOT NULL",
                            )
                            .bind(event_id)
                            .fetch_one(&mut *tx)
                            .await?;
                            if taken >= capacity {
                                return Ok(Attend::Full);
                            }
                        }
                        registered_at = Some(now);
                    }
                    Some(false) => registered_at = None,
                    _ => {}
                }
                match star {
                    Some(true) if starred_at.is_none() => starred_at = Some(now),
                    Some(false) => starred_at = None,
                    _ => {}
                }
                if registered_at.is_none() && starred_at.is_none() {
                    sqlx::query(
                        "DELETE FROM event_attendees WHERE event_id = $1 AND citizen_id = $2",
                    )
                    .bind(event_id)
                    .bind(citizen_id)
                    .execute(&mut *tx)
                    .await?;
                } else {
                    sqlx::query(
                        "INSERT INTO event_attendees (event_id, citizen_id, registered_at, starred_at) \
                         VALUES ($1, $2, $3, $4) ON CONFLICT (event_id, citizen_id) DO UPDATE \
                         SET registered_at = EXCLUDED.registered_at, starred_at = EXCLUDED.starred_at",
                    )
                    .bind(event_id)
                    .bind(citizen_id)
                    .bind(registered_at)
                    .bind(starred_at)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(Attend::Done)
            }

            async fn attendance(
                &self,
                event_id: &str,
                citizen_id: &str,
            ) -> StoreResult<(bool, bool)> {
                let row: Option<(Option<DateTime<Utc>>, Option<DateTime<Utc>>)> = sqlx::query_as(
                    "SELECT registered_at, starred_at FROM event_attendees \
                     WHERE event_id = $1 AND citizen_id = $2",
                )
                .bind(event_id)
                .bind(citizen_id)
                .fetch_optional(self.pool())
                .await?;
                Ok(row.map_or((false, false), |(r, s)| (r.is_some(), s.is_some())))
            }

            async fn my_events(
                &self,
                citizen_id: &str,
                ends_after: DateTime<Utc>,
                limit: i64,
            ) -> StoreResult<Vec<Attendance>> {
                let cols = event_columns_of_e();
                let rows: Vec<EventRecord> = sqlx::query_as(&format!(
                    "SELECT {cols} FROM events e JOIN event_attendees a ON a.event_id = e.id \
                     WHERE a.citizen_id = $1 AND e.ends_at > $2 AND e.status <> 'draft' \
                     ORDER BY e.starts_at LIMIT $3"
                ))
                .bind(citizen_id)
                .bind(ends_after)
                .bind(limit)
                .fetch_all(self.pool())
                .await?;
                let marks: Vec<(String, Option<DateTime<Utc>>, Option<DateTime<Utc>>)> =
                    sqlx::query_as(
                        "SELECT event_id, registered_at, starred_at FROM event_attendees \
                         WHERE citizen_id = $1",
                    )
                    .bind(citizen_id)
                    .fetch_all(self.pool())
                    .await?;
                let marks: HashMap<String, (Option<DateTime<Utc>>, Option<DateTime<Utc>>)> =
                    marks.into_iter().map(|(e, r, s)| (e, (r, s))).collect();
                Ok(self
                    .events_full(rows)
                    .await?
                    .into_iter()
                    .map(|event| {
                        let (registered_at, starred_at) =
                            marks.get(&event.event.id).copied().unwrap_or((None, None));
                        Attendance {
                            event,
                            registered_at,
                            starred_at,
                        }
                    })
                    .collect())
            }

            async fn set_calendar_token(
                &self,
                citizen_id: &str,
                token_hash: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                let mut tx = self.write().await?;
                sqlx::query("DELETE FROM calendar_feeds WHERE citizen_id = $1")
                    .bind(citizen_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO calendar_feeds (token_hash, citizen_id, created_at) \
                     VALUES ($1, $2, $3)",
                )
                .bind(token_hash)
                .bind(citizen_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn revoke_calendar(&self, citizen_id: &str) -> StoreResult<bool> {
                Ok(
                    sqlx::query("DELETE FROM calendar_feeds WHERE citizen_id = $1")
                        .bind(citizen_id)
                        .execute(self.pool())
                        .await?
                        .rows_affected()
                        > 0,
                )
            }

            async fn calendar_info(
                &self,
                citizen_id: &str,
            ) -> StoreResult<Option<(DateTime<Utc>, Option<DateTime<Utc>>)>> {
                Ok(sqlx::query_as(
                    "SELECT created_at, last_read_at FROM calendar_feeds WHERE citizen_id = $1",
                )
                .bind(citizen_id)
                .fetch_optional(self.pool())
                .await?)
            }

            async fn calendar_citizen(
                &self,
                token_hash: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<Option<String>> {
                let id: Option<String> = sqlx::query_scalar(
                    "SELECT citizen_id FROM calendar_feeds WHERE token_hash = $1",
                )
                .bind(token_hash)
                .fetch_optional(self.pool())
                .await?;
                if id.is_some() {
                    // Best effort: a calendar application polls often.
                    let _ = sqlx::query(
                        "UPDATE calendar_feeds SET last_read_at = $1 WHERE token_hash = $2",
                    )
                    .bind(now)
                    .bind(token_hash)
                    .execute(self.pool())
                    .await;
                }
                Ok(id)
            }

            async fn take_due_reminders(
                &self,
                now: DateTime<Utc>,
                until: DateTime<Utc>,
                limit: i64,
            ) -> StoreResult<Vec<DueReminder>> {
                let cols = event_columns_of_e();
                let mut tx = self.write().await?;
                let due: Vec<(String, String)> = sqlx::query_as(
                    "SELECT a.event_id, a.citizen_id FROM event_attendees a \
                     JOIN events e ON e.id = a.event_id \
                     WHERE a.registered_at IS NOT NULL AND a.reminded_at IS NULL \
                     AND e.status = 'published' AND e.starts_at > $1 AND e.starts_at <= $2 \
                     ORDER BY e.starts_at, a.event_id, a.citizen_id LIMIT $3",
                )
                .bind(now)
                .bind(until)
                .bind(limit)
                .fetch_all(&mut *tx)
                .await?;
                let mut out = Vec::new();
                let mut events: HashMap<String, EventRecord> = HashMap::new();
                for (event_id, citizen_id) in due {
                    // Taken once: the update that marks it is the claim.
                    let taken = sqlx::query(
                        "UPDATE event_attendees SET reminded_at = $1 \
                         WHERE event_id = $2 AND citizen_id = $3 AND reminded_at IS NULL",
                    )
                    .bind(now)
                    .bind(&event_id)
                    .bind(&citizen_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if taken == 0 {
                        continue;
                    }
                    if !events.contains_key(&event_id) {
                        let e: EventRecord = sqlx::query_as(&format!(
                            "SELECT {cols} FROM events e WHERE e.id = $1"
                        ))
                        .bind(&event_id)
                        .fetch_one(&mut *tx)
                        .await?;
                        events.insert(event_id.clone(), e);
                    }
                    out.push(DueReminder {
                        event: events[&event_id].clone(),
                        citizen_id,
                    });
                }
                tx.commit().await?;
                Ok(out)
            }

            async fn take_digest(
                &self,
                week: &str,
                now: DateTime<Utc>,
                stale_before: DateTime<Utc>,
            ) -> StoreResult<bool> {
                let mut tx = self.write().await?;
                let inserted = sqlx::query(
                    "INSERT INTO digest_runs (week, started_at) VALUES ($1, $2) \
                     ON CONFLICT (week) DO NOTHING",
                )
                .bind(week)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                let taken = if inserted > 0 {
                    true
                } else {
                    sqlx::query(
                        "UPDATE digest_runs SET started_at = $1 \
                         WHERE week = $2 AND finished_at IS NULL AND started_at < $3",
                    )
                    .bind(now)
                    .bind(week)
                    .bind(stale_before)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                        > 0
                };
                tx.commit().await?;
                Ok(taken)
            }

            async fn finish_digest(
                &self,
                week: &str,
                now: DateTime<Utc>,
                citizens: i64,
                queued: i64,
            ) -> StoreResult<()> {
                sqlx::query(
                    "UPDATE digest_runs SET finished_at = $1, citizens = $2, queued = $3 \
                     WHERE week = $4",
                )
                .bind(now)
                .bind(citizens)
                .bind(queued)
                .bind(week)
                .execute(self.pool())
                .await?;
                Ok(())
            }

            async fn seed_interests(
                &self,
                rows: &[SeedInterest],
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                for chunk in rows.chunks(500) {
                    let mut tx = self.write().await?;
                    for r in chunk {
                        sqlx::query("UPDATE citizens SET department = $1, lang = $2 WHERE id = $3")
                            .bind(&r.department)
                            .bind(&r.lang)
                            .bind(&r.citizen_id)
                            .execute(&mut *tx)
                            .await?;
                    }
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO career_plans (id, citizen_id, title, department, status, \
                         shared, created_at, updated_at) ",
                    );
                    q.push_values(chunk, |mut b, r| {
                        b.push_bind(r.plan_id.clone())
                            .push_bind(r.citizen_id.clone())
                            .push_bind(r.plan_title.clone())
                            .push_bind(r.department.clone())
                            .push_bind("active")
                            .push_bind(0i64)
                            .push_bind(now)
                            .push_bind(now);
                    });
                    q.build().execute(&mut *tx).await?;
                    let targets: Vec<(&SeedInterest, usize, &(String, String, String))> = chunk
                        .iter()
                        .flat_map(|r| r.targets.iter().enumerate().map(move |(i, t)| (r, i, t)))
                        .collect();
                    if !targets.is_empty() {
                        let mut q = sqlx::QueryBuilder::<$db>::new(
                            "INSERT INTO career_plan_targets (plan_id, position, framework, code, \
                             version, label) ",
                        );
                        q.push_values(targets, |mut b, (r, i, t)| {
                            b.push_bind(r.plan_id.clone())
                                .push_bind(i as i64)
                                .push_bind(t.0.clone())
                                .push_bind(t.1.clone())
                                .push_bind(None::<String>)
                                .push_bind(t.2.clone());
                        });
                        q.build().execute(&mut *tx).await?;
                    }
                    let follows: Vec<(&SeedInterest, &(String, String))> = chunk
                        .iter()
                        .flat_map(|r| r.follows.iter().map(move |f| (r, f)))
                        .collect();
                    if !follows.is_empty() {
                        let mut q = sqlx::QueryBuilder::<$db>::new(
                            "INSERT INTO follows (citizen_id, target, label, created_at) ",
                        );
                        q.push_values(follows, |mut b, (r, f)| {
                            b.push_bind(r.citizen_id.clone())
                                .push_bind(f.0.clone())
                                .push_bind(f.1.clone())
                                .push_bind(now);
                        });
                        q.build().execute(&mut *tx).await?;
                    }
                    let digest: Vec<&SeedInterest> = chunk.iter().filter(|r| r.digest).collect();
                    if !digest.is_empty() {
                        let mut q = sqlx::QueryBuilder::<$db>::new(
                            "INSERT INTO notification_prefs (citizen_id, kind, mail) ",
                        );
                        q.push_values(digest, |mut b, r| {
                            b.push_bind(r.citizen_id.clone())
                                .push_bind("digest")
                                .push_bind(1i64);
                        });
                        q.build().execute(&mut *tx).await?;
                    }
                    tx.commit().await?;
                }
                Ok(())
            }

            async fn citizen_ids(&self, after: &str, limit: i64) -> StoreResult<Vec<String>> {
                Ok(sqlx::query_scalar(
                    "SELECT id FROM citizens WHERE id > $1 ORDER BY id LIMIT $2",
                )
                .bind(after)
                .bind(limit)
                .fetch_all(self.pool())
                .await?)
            }

            async fn digest_citizens(&self, after: &str, limit: i64) -> StoreResult<Vec<String>> {
                Ok(sqlx::query_scalar(
                    "SELECT citizen_id FROM notification_prefs \
                     WHERE kind = 'digest' AND mail = 1 AND citizen_id > $1 \
                     ORDER BY citizen_id LIMIT $2",
                )
                .bind(after)
                .bind(limit)
                .fetch_all(self.pool())
                .await?)
            }
        }
    };
}

feed_sql!(SqliteStore, sqlx::Sqlite);
feed_sql!(PgStore, sqlx::Postgres);
