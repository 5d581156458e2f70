//! Notifications for citizens and organisations, their mail preferences,
//! and the weekly digest runs (issue 19). Written once for both backends.

use super::{PgStore, SqliteStore, StoreResult};
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

#[async_trait::async_trait]
pub trait NotificationStore: Send + Sync {
    /// Writes notifications (in the app at once; mailed later by the
    /// notification worker per the recipient's preferences). Those whose
    /// `dedupe` exists already are skipped. Returns how many were written.
    async fn add_notifications(&self, notes: &[NewNotification]) -> StoreResult<usize>;
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
        }
    };
}

notifications_sql!(SqliteStore, sqlx::Sqlite);
notifications_sql!(PgStore, sqlx::Postgres);
