//! What a citizen follows, stars and registers for, their calendar feed, and the candidates of their news feed (issue 19).
//! Written once for both backends.

use super::{PgStore, SqliteStore};

#[async_trait::async_trait]
pub trait FeedStore: Send + Sync {}

macro_rules! feed_sql {
    ($name:ident, $db:ty) => {
        #[async_trait::async_trait]
        impl FeedStore for $name {}
    };
}

feed_sql!(SqliteStore, sqlx::Sqlite);
feed_sql!(PgStore, sqlx::Postgres);
