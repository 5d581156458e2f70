//! Storage of what a citizen writes and keeps: entries (experiences,
//! education, skills, languages, projects, interests) and documents of the
//! vault. Written once for both backends.

use super::{PgStore, SqliteStore};

#[async_trait::async_trait]
pub trait WalletStore: Send + Sync {}

macro_rules! wallet_sql {
    ($name:ident, $db:ty) => {
        #[async_trait::async_trait]
        impl WalletStore for $name {}
    };
}

wallet_sql!(SqliteStore, sqlx::Sqlite);
wallet_sql!(PgStore, sqlx::Postgres);
