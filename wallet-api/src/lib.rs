//! The citizen wallet API: accounts, the credentials a citizen holds, what
//! they write about their path, their documents, and export and import of
//! everything. Every `/wallet/...` route is the logged-in citizen's own:
//! another citizen gets 404 for what is not theirs (no hint that it
//! exists), an organisation or admin token 403, nobody 401.

pub mod accounts;
pub mod passkeys;

use atout_core::store::CitizenRecord;
use atout_web::AppState;
use utoipa_axum::router::OpenApiRouter;

/// The wallet's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(accounts::router())
        .merge(passkeys::router())
}

/// What else goes when an account is erased (the database rows are gone
/// already, by cascade): files of the document vault.
pub async fn on_account_deleted(_state: &AppState, _citizen: &CitizenRecord) {}
