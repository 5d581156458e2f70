//! Storage of credential offers (to a citizen by email, or as a single-use
//! link and QR code) and of OpenID4VCI pre-authorized codes, tokens and
//! nonces. Written once for both backends.

use super::{PgStore, SqliteStore};

#[async_trait::async_trait]
pub trait OfferStore: Send + Sync {}

macro_rules! offer_sql {
    ($name:ident, $db:ty) => {
        #[async_trait::async_trait]
        impl OfferStore for $name {}
    };
}

offer_sql!(SqliteStore, sqlx::Sqlite);
offer_sql!(PgStore, sqlx::Postgres);
