//! The application state shared by the routers.

use crate::metrics::Metrics;
use atout_core::{
    citizens::Citizens, clock::Clock, did::DidResolver, orgs::Orgs, store::Store, Config,
};
use secrecy::SecretString;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub clock: Arc<dyn Clock>,
    pub store: Arc<dyn Store>,
    pub orgs: Arc<Orgs>,
    pub resolver: Arc<dyn DidResolver>,
    pub metrics: Arc<Metrics>,
    /// Bundled contexts and the JSON-LD engine.
    pub vc: Arc<atout_vc::Vc>,
    /// The platform admin token (from configuration, or generated in
    /// development).
    pub admin_token: Arc<SecretString>,
    /// Citizens' accounts and sessions.
    pub citizens: Arc<Citizens>,
    /// Passkeys (WebAuthn) of citizens.
    pub passkeys: Arc<atout_core::passkeys::Passkeys>,
    /// The live state of credentials held in wallets (the verifier's
    /// engine, behind a trait: services do not import each other).
    pub checker: Arc<dyn crate::check::CredentialCheck>,
    /// The document vault's object store.
    pub vault: Arc<atout_core::vault::Vault>,
    /// Seals short-lived tokens (OpenID4VCI nonces, share passes), each use
    /// with its own associated data, so that handing one out writes
    /// nothing (derived from the master key: every instance accepts every
    /// other's).
    pub token_key: Arc<atout_core::crypto::MasterKey>,
    /// Per-address rate limits (links, logins, sign-ups, mails).
    pub address_limits: Arc<crate::limits::AddressLimits>,
    /// The reference frameworks' search index and labels (rebuilt after
    /// an import).
    pub frameworks: Arc<crate::frameworks::Frameworks>,
}
