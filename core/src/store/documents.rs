//! Storage of the document vault's metadata (the bytes live in the object
//! store). Written once for both backends.

use super::{PgStore, SqliteStore};

#[async_trait::async_trait]
pub trait DocumentStore: Send + Sync {}

macro_rules! document_sql {
    ($name:ident, $db:ty) => {
        #[async_trait::async_trait]
        impl DocumentStore for $name {}
    };
}

document_sql!(SqliteStore, sqlx::Sqlite);
document_sql!(PgStore, sqlx::Postgres);
