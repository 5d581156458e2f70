//! The citizen wallet API: accounts, the credentials a citizen holds, what
//! they write about their path, their documents, and export and import of
//! everything. Every `/wallet/...` route is the logged-in citizen's own:
//! another citizen gets 404 for what is not theirs (no hint that it
//! exists), an organisation or admin token 403, nobody 401.
//!
//! * [`accounts`]: the account and its sessions;
//! * [`holdings`]: the credentials held, with their live state (checked by
//!   the verifier through `AppState::checker`), tags, import;
//! * [`entries`]: what the citizen writes about their path, with a trust
//!   level (declared, endorsed, certified by a verified credential);
//! * [`timeline`]: entries and credentials together, newest first.

pub mod accounts;
pub mod entries;
pub mod holdings;
pub mod passkeys;
pub mod timeline;

use atout_core::store::CitizenRecord;
use atout_web::AppState;
use utoipa_axum::router::OpenApiRouter;

/// The wallet's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(accounts::router())
        .merge(passkeys::router())
        .merge(holdings::router())
        .merge(entries::router())
        .merge(timeline::router())
}

/// What else goes when an account is erased (the database rows are gone
/// already, by cascade): files of the document vault.
pub async fn on_account_deleted(_state: &AppState, _citizen: &CitizenRecord) {}
