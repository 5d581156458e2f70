//! Attempt counters for limited actions (a login, a share's PIN, a reset
//! mail...): one row per (scope, subject) with a fixed window. An attempt
//! is **reserved before** the expensive or secret check, by one
//! conditional upsert, so no number of concurrent requests, from one
//! process or from several sharing a PostgreSQL database, gets more
//! checks than the limit. Written once for both backends.

use super::{PgStore, SqliteStore, StoreResult};
use chrono::{DateTime, Duration, Utc};

/// The answer to [`AttemptStore::reserve_attempt`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// The attempt may go ahead: it is the `n`th of its window (from 1),
    /// which ends in `resets_in_secs`.
    Reserved { n: i64, resets_in_secs: u64 },
    /// The window's attempts are used up: wait this long.
    Refused { retry_after_secs: u64 },
}

/// What a limit counts, and how many per window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptLimit {
    /// A fixed name: `login`, `share-pin`, `reset-mail`...
    pub scope: &'static str,
    pub max: i64,
    pub window: Duration,
}

#[async_trait::async_trait]
pub trait AttemptStore: Send + Sync {
    /// Reserves one attempt of `subject` under `limit` at `now`: counted
    /// whatever its outcome, unless [`AttemptStore::clear_attempts`] forgets
    /// it afterwards (a right password, say).
    async fn reserve_attempt(
        &self,
        limit: AttemptLimit,
        subject: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Attempt>;
    /// Forgets the attempts of `subject` (after a success).
    async fn clear_attempts(&self, scope: &str, subject: &str) -> StoreResult<()>;
    /// Removes counters whose window began before `before`; returns how many.
    async fn purge_attempts(&self, before: DateTime<Utc>) -> StoreResult<u64>;
}

/// Every ten minutes, removes counters whose window began more than a day
/// ago (every limit's window is shorter), for as long as the server runs.
pub async fn purge_attempts_forever(
    store: std::sync::Arc<dyn super::Store>,
    clock: std::sync::Arc<dyn crate::clock::Clock>,
) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        tick.tick().await;
        if let Err(e) = store.purge_attempts(clock.now() - Duration::days(1)).await {
            tracing::warn!(error = %e, "could not purge old attempt counters");
        }
    }
}

macro_rules! attempt_sql {
    ($name:ident) => {
        #[async_trait::async_trait]
        impl AttemptStore for $name {
            async fn reserve_attempt(
                &self,
                limit: AttemptLimit,
                subject: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<Attempt> {
                let now_s = now.timestamp();
                let cutoff = now_s - limit.window.num_seconds();
                let mut tx = self.write().await?;
                // A window that ended starts again at 1; otherwise the
                // count goes up only while under the limit (the WHERE of
                // the upsert: no row comes back when refused). On
                // PostgreSQL the conflicting row is locked and the WHERE
                // re-read, so concurrent reservations queue on it.
                let reserved: Option<(i64, i64)> = sqlx::query_as(
                    "INSERT INTO attempts (scope, subject, window_start, count) \
                     VALUES ($1, $2, $3, 1) \
                     ON CONFLICT (scope, subject) DO UPDATE SET \
                       count = CASE WHEN attempts.window_start <= $4 THEN 1 \
                                    ELSE attempts.count + 1 END, \
                       window_start = CASE WHEN attempts.window_start <= $4 THEN $3 \
                                           ELSE attempts.window_start END \
                     WHERE attempts.window_start <= $4 OR attempts.count < $5 \
                     RETURNING count, window_start",
                )
                .bind(limit.scope)
                .bind(subject)
                .bind(now_s)
                .bind(cutoff)
                .bind(limit.max)
                .fetch_optional(&mut *tx)
                .await?;
                let ends_in = |start: i64| {
                    u64::try_from(start + limit.window.num_seconds() - now_s)
                        .unwrap_or(0)
                        .max(1)
                };
                let outcome = match reserved {
                    Some((n, start)) => Attempt::Reserved {
                        n,
                        resets_in_secs: ends_in(start),
                    },
                    None => {
                        let start: i64 = sqlx::query_scalar(
                            "SELECT window_start FROM attempts WHERE scope = $1 AND subject = $2",
                        )
                        .bind(limit.scope)
                        .bind(subject)
                        .fetch_one(&mut *tx)
                        .await?;
                        Attempt::Refused {
                            retry_after_secs: ends_in(start),
                        }
                    }
                };
                tx.commit().await?;
                Ok(outcome)
            }

            async fn clear_attempts(&self, scope: &str, subject: &str) -> StoreResult<()> {
                let mut tx = self.write().await?;
                sqlx::query("DELETE FROM attempts WHERE scope = $1 AND subject = $2")
                    .bind(scope)
                    .bind(subject)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn purge_attempts(&self, before: DateTime<Utc>) -> StoreResult<u64> {
                let mut tx = self.write().await?;
                let done = sqlx::query("DELETE FROM attempts WHERE window_start < $1")
                    .bind(before.timestamp())
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(done.rows_affected())
            }
        }
    };
}

attempt_sql!(SqliteStore);
attempt_sql!(PgStore);
