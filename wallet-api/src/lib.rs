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
//! * [`timeline`]: entries and credentials together, newest first;
//! * [`documents`]: the encrypted document vault, and documents attached
//!   to entries.
//! * [`passkeys`]: WebAuthn passkeys as a second way in.
//! * [`shares`]: links (and QR codes) to chosen credentials, entries and
//!   documents, with a PIN, an expiry, revocation and an access log;
//! * [`invitations`]: people invited by email as readers, contributors
//!   (suggestions the citizen approves) or certifiers (signed endorsements);
//! * [`cvs`]: CVs (general or aimed at an occupation), as PDF with a
//!   verification link and QR code per certified line;
//! * [`profile`]: the public profile page (opt-in), schema.org JSON-LD,
//!   LinkedIn's add-to-profile links;
//! * [`requests`]: asking an organisation to certify an entry;
//! * [`archive`]: export and import of everything as one ZIP archive
//!   (entries as JSON Resume: [`jsonresume`]).

pub mod accounts;
pub mod archive;
pub mod cvs;
pub mod documents;
pub mod entries;
pub mod holdings;
pub mod invitations;
pub mod jsonresume;
pub mod passkeys;
pub mod plans;
pub mod profile;
pub mod requests;
pub mod shares;
pub mod skills;
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
        .merge(documents::router())
        .merge(archive::router())
        .merge(shares::router())
        .merge(cvs::router())
        .merge(profile::router())
        .merge(invitations::router())
        .merge(requests::router())
        .merge(skills::router())
        .merge(plans::router())
}

/// What an account's erasure must clean up outside the database, read
/// before the rows go (by cascade, with the account).
#[derive(Debug, Default)]
pub struct Erasure {
    /// Objects of the document vault.
    pub object_keys: Vec<String>,
}

/// Collects what [`on_account_deleted`] will clean up; call it before the
/// account is erased.
pub async fn before_account_deleted(
    state: &AppState,
    citizen: &CitizenRecord,
) -> Result<Erasure, atout_web::ApiError> {
    Ok(Erasure {
        object_keys: documents::object_keys_before_erasure(state, &citizen.id).await?,
    })
}

/// What else goes when an account is erased (the database rows are gone
/// already, by cascade): files of the document vault. An object that
/// cannot be removed is logged and left to the orphan sweep (its key was
/// in the erased rows: nobody can open it).
pub async fn on_account_deleted(state: &AppState, citizen: &CitizenRecord, erasure: Erasure) {
    state.vault.delete_all(&erasure.object_keys).await;
    tracing::info!(
        citizen = %citizen.id,
        documents = erasure.object_keys.len(),
        "account's documents removed"
    );
}
