//! Passkeys (WebAuthn) as a second way into a citizen's account, through
//! webauthn-rs. The relying party is the service's base URL: its host is the
//! RP ID, its origin the only origin accepted.
//!
//! A ceremony's state lives in the database (not in the process), so any
//! instance can finish what another started; it is single use and expires
//! after five minutes.

use crate::{
    clock::Clock,
    ids::new_id,
    store::{CeremonyRecord, CitizenRecord, PasskeyRecord, Store, StoreError},
};
use chrono::Duration;
use std::sync::Arc;
use webauthn_rs::prelude::{
    CreationChallengeResponse, Passkey, PasskeyAuthentication, PasskeyRegistration,
    PublicKeyCredential, RegisterPublicKeyCredential, RequestChallengeResponse, Url, Webauthn,
    WebauthnBuilder,
};

pub const CEREMONY_TTL: Duration = Duration::minutes(5);
/// At most this many passkeys per account.
pub const MAX_PASSKEYS: usize = 20;

#[derive(Debug, thiserror::Error)]
pub enum PasskeyError {
    #[error("{0}")]
    Invalid(String),
    #[error("the ceremony is unknown, was already used or has expired; start again")]
    CeremonyGone,
    #[error("the authenticator's answer does not verify")]
    Rejected,
    #[error("no passkey can log in to this account")]
    NoPasskey,
    #[error("passkeys are not available: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("stored passkey state is unreadable: {0}")]
    Corrupt(String),
}

pub struct Passkeys {
    base: url::Url,
    /// Built on first use: most processes (the CLI's commands) never need it.
    webauthn: std::sync::OnceLock<Result<Webauthn, String>>,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, PasskeyError> {
    serde_json::to_string(value).map_err(|e| PasskeyError::Corrupt(e.to_string()))
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, PasskeyError> {
    serde_json::from_str(text).map_err(|e| PasskeyError::Corrupt(e.to_string()))
}

/// The credential id as stored: the base64url text webauthn-rs serialises.
fn credential_id(passkey: &Passkey) -> Result<String, PasskeyError> {
    match serde_json::to_value(passkey.cred_id()) {
        Ok(serde_json::Value::String(id)) => Ok(id),
        _ => Err(PasskeyError::Corrupt("credential id".into())),
    }
}

/// Why passkeys cannot work with this base URL, in plain words (`None`:
/// they can). WebAuthn names the relying party by a domain name: a base
/// URL with an IP address (the development default) has none.
pub fn unavailable_reason(base: &url::Url) -> Option<String> {
    match base.host() {
        Some(url::Host::Domain(_)) => None,
        Some(_) => Some(format!(
            "the base URL {} names an IP address, and passkeys need a domain name (for a local trial, set ATOUT_BASE_URL=http://localhost:{})",
            base.as_str().trim_end_matches('/'),
            base.port_or_known_default().unwrap_or(80)
        )),
        None => Some("the base URL has no host".to_owned()),
    }
}

impl Passkeys {
    /// The relying party for `base` (the service's public URL): its host
    /// is the RP ID, its origin (scheme, host, port) the only origin
    /// accepted. Nothing is built until a ceremony needs it; a base URL
    /// that WebAuthn cannot use (an IP address, say, see
    /// [`unavailable_reason`]) leaves passkeys off, with the reason kept
    /// for the error message.
    pub fn new(base: &url::Url, store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Self {
            base: base.clone(),
            webauthn: std::sync::OnceLock::new(),
            store,
            clock,
        }
    }

    fn build(base: &url::Url) -> Result<Webauthn, String> {
        // Checked first: webauthn-rs logs an error of its own otherwise.
        if let Some(reason) = unavailable_reason(base) {
            return Err(reason);
        }
        let host = base.host_str().unwrap_or_default();
        let origin = Url::parse(&base.origin().ascii_serialization()).map_err(|e| e.to_string())?;
        WebauthnBuilder::new(host, &origin)
            .map_err(|e| e.to_string())?
            .rp_name("Atout")
            .build()
            .map_err(|e| e.to_string())
    }

    fn rp(&self) -> Result<&Webauthn, PasskeyError> {
        self.webauthn
            .get_or_init(|| Self::build(&self.base))
            .as_ref()
            .map_err(|why| PasskeyError::Unavailable(why.clone()))
    }

    async fn put(
        &self,
        citizen_id: Option<&str>,
        kind: &str,
        state: String,
    ) -> Result<String, PasskeyError> {
        let id = new_id();
        self.store
            .put_ceremony(&CeremonyRecord {
                id: id.clone(),
                citizen_id: citizen_id.map(str::to_owned),
                kind: kind.to_owned(),
                state,
                expires_at: self.clock.now() + CEREMONY_TTL,
            })
            .await?;
        Ok(id)
    }

    async fn take(&self, id: &str, kind: &str) -> Result<CeremonyRecord, PasskeyError> {
        if id.len() > 64 {
            return Err(PasskeyError::CeremonyGone);
        }
        match self.store.take_ceremony(id, self.clock.now()).await? {
            Some(c) if c.kind == kind => Ok(c),
            _ => Err(PasskeyError::CeremonyGone),
        }
    }

    /// Starts adding a passkey to a logged-in citizen's account.
    pub async fn start_registration(
        &self,
        citizen: &CitizenRecord,
    ) -> Result<(String, CreationChallengeResponse), PasskeyError> {
        let existing = self.store.passkeys(&citizen.id).await?;
        if existing.len() >= MAX_PASSKEYS {
            return Err(PasskeyError::Invalid(format!(
                "An account can have at most {MAX_PASSKEYS} passkeys; remove one first."
            )));
        }
        let exclude = existing
            .iter()
            .map(|p| from_json::<Passkey>(&p.passkey).map(|k| k.cred_id().clone()))
            .collect::<Result<Vec<_>, _>>()?;
        let user =
            uuid::Uuid::parse_str(&citizen.id).map_err(|e| PasskeyError::Corrupt(e.to_string()))?;
        let (challenge, state) = self
            .rp()?
            .start_passkey_registration(user, &citizen.email, &citizen.display_name, Some(exclude))
            .map_err(|e| PasskeyError::Invalid(e.to_string()))?;
        let id = self
            .put(Some(&citizen.id), "register", to_json(&state)?)
            .await?;
        Ok((id, challenge))
    }

    /// Finishes adding a passkey; returns the stored record.
    pub async fn finish_registration(
        &self,
        citizen: &CitizenRecord,
        ceremony: &str,
        name: &str,
        response: &RegisterPublicKeyCredential,
    ) -> Result<PasskeyRecord, PasskeyError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
            return Err(PasskeyError::Invalid(
                "Give the passkey a name of 1 to 100 characters (e.g. \"Phone\").".into(),
            ));
        }
        let record = self.take(ceremony, "register").await?;
        if record.citizen_id.as_deref() != Some(citizen.id.as_str()) {
            return Err(PasskeyError::CeremonyGone);
        }
        let state: PasskeyRegistration = from_json(&record.state)?;
        let passkey = self
            .rp()?
            .finish_passkey_registration(response, &state)
            .map_err(|_| PasskeyError::Rejected)?;
        let stored = PasskeyRecord {
            id: credential_id(&passkey)?,
            citizen_id: citizen.id.clone(),
            name: name.to_owned(),
            passkey: to_json(&passkey)?,
            created_at: self.clock.now(),
            last_used_at: None,
        };
        self.store.add_passkey(&stored).await?;
        Ok(stored)
    }

    /// Starts a login with a passkey for the account of `email`.
    pub async fn start_login(
        &self,
        email: &str,
    ) -> Result<(String, RequestChallengeResponse), PasskeyError> {
        let rp = self.rp()?;
        let email = crate::citizens::normalise_email(email).map_err(|_| PasskeyError::NoPasskey)?;
        let citizen = self
            .store
            .citizen_by_email(&email)
            .await?
            .ok_or(PasskeyError::NoPasskey)?;
        let keys = self
            .store
            .passkeys(&citizen.id)
            .await?
            .iter()
            .map(|p| from_json::<Passkey>(&p.passkey))
            .collect::<Result<Vec<_>, _>>()?;
        if keys.is_empty() {
            return Err(PasskeyError::NoPasskey);
        }
        let (challenge, state) = rp
            .start_passkey_authentication(&keys)
            .map_err(|e| PasskeyError::Invalid(e.to_string()))?;
        let id = self
            .put(Some(&citizen.id), "authenticate", to_json(&state)?)
            .await?;
        Ok((id, challenge))
    }

    /// Finishes a passkey login: the citizen it proves, with the passkey's
    /// counter updated (a cloned authenticator shows as a counter that
    /// does not grow, which webauthn-rs refuses).
    pub async fn finish_login(
        &self,
        ceremony: &str,
        response: &PublicKeyCredential,
    ) -> Result<CitizenRecord, PasskeyError> {
        let record = self.take(ceremony, "authenticate").await?;
        let citizen_id = record.citizen_id.ok_or(PasskeyError::CeremonyGone)?;
        let state: PasskeyAuthentication = from_json(&record.state)?;
        let result = self
            .rp()?
            .finish_passkey_authentication(response, &state)
            .map_err(|_| PasskeyError::Rejected)?;
        let now = self.clock.now();
        for stored in self.store.passkeys(&citizen_id).await? {
            let mut key: Passkey = from_json(&stored.passkey)?;
            if key.cred_id() == result.cred_id() {
                key.update_credential(&result);
                self.store
                    .update_passkey(&stored.id, &to_json(&key)?, now)
                    .await?;
            }
        }
        self.store
            .citizen_by_id(&citizen_id)
            .await?
            .ok_or(PasskeyError::CeremonyGone)
    }
}
