//! Organisations (tenants): creation, signing keys (rotation, withdrawal),
//! API keys. Domain logic only; HTTP lives in the issuer crate.

use crate::{
    audit::{action, Actor},
    clock::Clock,
    crypto::{random_token, sha256_hex, CryptoError, KeyAlgorithm, MasterKey, PrivateKey},
    did::DidWeb,
    ids::{new_id, Slug, SlugError},
    store::{ApiKeyRecord, KeyOwner, KeyStatus, Organisation, SigningKeyRecord, Store, StoreError},
};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use secrecy::SecretString;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum OrgError {
    #[error("invalid slug: {0}")]
    Slug(#[from] SlugError),
    #[error("{0}")]
    InvalidName(String),
    #[error("an organisation with the slug {0:?} already exists")]
    DuplicateSlug(String),
    #[error("no organisation has the slug {0:?}")]
    NotFound(String),
    #[error("the organisation has no key {0:?}")]
    KeyNotFound(String),
    #[error("{0} is the active key: rotate the key first, then withdraw the old one")]
    KeyIsActive(String),
    #[error("{0} is already withdrawn")]
    KeyAlreadyWithdrawn(String),
    #[error("the organisation has no API key {0:?}, or it is already revoked")]
    ApiKeyNotFound(String),
    #[error("{0}")]
    InvalidApiKeyName(String),
    #[error(
        "{0} is identified by a did:key, the DID of its Ed25519 key itself: a did:key cannot \
         rotate or withdraw its key (another key would be another DID). To change keys, create \
         a new organisation"
    )]
    DidKeyIsFixed(String),
    #[error("{0}")]
    Unsupported(String),
    /// An accreditation or profile field given at creation is not
    /// acceptable (the field is named as in the API).
    #[error(transparent)]
    Invalid(#[from] crate::registry::InvalidEntry),
    #[error("the master key does not match the one that encrypted this database's keys")]
    WrongMasterKey,
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What it takes to create an organisation.
#[derive(Debug, Clone, Default)]
pub struct NewOrg {
    pub slug: String,
    pub name_fr: Option<String>,
    pub name_en: Option<String>,
    /// Also create a P-256 key (for ecdsa-rdfc-2019 and ES256); not with
    /// did:key.
    pub p256: bool,
    /// did:web under the platform (default), or did:key.
    pub did_method: DidMethod,
    /// Record the organisation in the trust registry at once, in the same
    /// transaction (the platform administrator's decision).
    pub accreditation: Option<NewAccreditation>,
    /// What the public directory shows of it (`public_templates` is
    /// ignored: it has none yet).
    pub profile: crate::directory::ProfileUpdate,
}

/// An accreditation recorded with the organisation's creation: its
/// registry entry takes the organisation's DID and names.
#[derive(Debug, Clone, Default)]
pub struct NewAccreditation {
    /// The accreditation in words, with its reference (e.g. "Certificateur
    /// RNCP, arrêté du 12 mars 2024", a Qualiopi number).
    pub reference: String,
    /// Where it can be checked (https).
    pub url: Option<String>,
    /// Accredited from (default: now).
    pub valid_from: Option<DateTime<Utc>>,
    /// Accredited until, inclusive (default: no end).
    pub valid_until: Option<DateTime<Utc>>,
}

/// How an organisation is identified.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum DidMethod {
    /// `did:web:{host}:orgs:{slug}`, its document served by the platform;
    /// keys rotate.
    #[default]
    Web,
    /// `did:key:z6Mk...`, the DID of the organisation's one Ed25519 key: it
    /// resolves itself (no DID document is served) and never rotates.
    Key,
}

impl DidMethod {
    pub fn of(org: &Organisation) -> Self {
        if org.did_key.is_some() {
            Self::Key
        } else {
            Self::Web
        }
    }
}

/// A key as shown to people and APIs: never the private part.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct KeyInfo {
    pub id: String,
    /// The verification method id, `did#key-N` (did:web) or
    /// `did:key:z...#z...` (did:key).
    pub verification_method: String,
    pub fragment: String,
    pub algorithm: KeyAlgorithm,
    pub public_key_multibase: String,
    pub status: KeyStatus,
    pub created_at: DateTime<Utc>,
    pub retired_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl KeyInfo {
    pub fn new(did: &str, k: &SigningKeyRecord) -> Self {
        Self {
            id: k.id.clone(),
            verification_method: format!("{did}#{}", k.fragment),
            fragment: k.fragment.clone(),
            algorithm: k.algorithm,
            public_key_multibase: k.public_key_multibase.clone(),
            status: k.status,
            created_at: k.created_at,
            retired_at: k.retired_at,
            withdrawn_at: k.withdrawn_at,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct OrgDetails {
    #[serde(flatten)]
    pub org: Organisation,
    pub did: String,
    /// `web` or `key`.
    pub did_method: DidMethod,
    pub keys: Vec<KeyInfo>,
}

/// A new API key: the token is shown once and never stored.
#[derive(Debug)]
pub struct CreatedApiKey {
    pub record: ApiKeyRecord,
    pub token: SecretString,
}

/// A decrypted signing key, ready to sign.
#[derive(Debug)]
pub struct SigningKey {
    pub record: SigningKeyRecord,
    /// `did#key-N`
    pub verification_method: String,
    pub key: PrivateKey,
}

const API_KEY_PREFIX: &str = "atout_";
const MASTER_KEY_CHECK: &str = "master_key_check";

fn key_aad(id: &str) -> Vec<u8> {
    format!("atout:signing-key:{id}").into_bytes()
}

fn check_name(field: &str, name: &str) -> Result<String, OrgError> {
    let name = name.trim();
    let len = name.chars().count();
    if len == 0 || len > 200 {
        return Err(OrgError::InvalidName(format!(
            "{field} must have 1 to 200 characters"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(OrgError::InvalidName(format!(
            "{field} must not contain control characters"
        )));
    }
    Ok(name.to_owned())
}

/// Organisation management.
pub struct Orgs {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    master: Arc<MasterKey>,
    did_web: DidWeb,
}

impl Orgs {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        master: Arc<MasterKey>,
        did_web: DidWeb,
    ) -> Self {
        Self {
            store,
            clock,
            master,
            did_web,
        }
    }

    pub fn did_web(&self) -> &DidWeb {
        &self.did_web
    }

    /// An organisation's DID: its did:key, or its did:web under the
    /// platform. Every DID an organisation signs with comes from here.
    pub fn did_of(&self, org: &Organisation) -> String {
        match &org.did_key {
            Some(did) => did.clone(),
            None => self.did_web.org(&org.slug),
        }
    }

    fn refuse_did_key(org: &Organisation) -> Result<(), OrgError> {
        match org.did_key {
            Some(_) => Err(OrgError::DidKeyIsFixed(org.slug.clone())),
            None => Ok(()),
        }
    }

    /// Refuses to run with a master key other than the one that sealed the
    /// keys already stored (records a check value on first run).
    pub async fn check_master_key(&self) -> Result<(), OrgError> {
        let aad = b"atout:meta:master-key-check";
        let fresh = base64::engine::general_purpose::STANDARD
            .encode(self.master.seal(b"atout-master-key-check", aad)?);
        let stored = self.store.init_meta(MASTER_KEY_CHECK, &fresh).await?;
        let sealed = base64::engine::general_purpose::STANDARD
            .decode(stored)
            .map_err(|_| OrgError::WrongMasterKey)?;
        match self.master.open(&sealed, aad) {
            Ok(plain) if &*plain == b"atout-master-key-check" => Ok(()),
            _ => Err(OrgError::WrongMasterKey),
        }
    }

    fn new_key(
        &self,
        owner: KeyOwner,
        algorithm: KeyAlgorithm,
    ) -> Result<SigningKeyRecord, OrgError> {
        let id = new_id();
        let key = PrivateKey::generate(algorithm)?;
        Ok(SigningKeyRecord {
            sealed_private_key: self.master.seal(key.pkcs8_der(), &key_aad(&id))?,
            public_key_multibase: key.public_key().to_multibase(),
            id,
            owner,
            fragment: String::new(),
            algorithm,
            status: KeyStatus::Active,
            created_at: self.clock.now(),
            retired_at: None,
            withdrawn_at: None,
        })
    }

    /// Makes sure the platform has an Ed25519 key for `/.well-known/did.json`.
    pub async fn ensure_platform_key(&self) -> Result<(), OrgError> {
        let exists = self
            .store
            .active_key(&KeyOwner::Platform, KeyAlgorithm::Ed25519)
            .await?
            .is_some();
        if !exists {
            let key = self.new_key(KeyOwner::Platform, KeyAlgorithm::Ed25519)?;
            let audit = Actor::system().entry(
                key.created_at,
                None,
                action::KEY_CREATED,
                format!("key:{}", key.id),
                Some(serde_json::json!({"owner": "platform", "algorithm": key.algorithm})),
            );
            self.store.create_key_if_absent(&key, &audit).await?;
        }
        Ok(())
    }

    pub async fn create(&self, new: NewOrg, actor: &Actor) -> Result<OrgDetails, OrgError> {
        let slug = Slug::parse(&new.slug)?;
        let name_fr = check_name("name_fr", new.name_fr.as_deref().unwrap_or(slug.as_str()))?;
        let name_en = check_name("name_en", new.name_en.as_deref().unwrap_or(&name_fr))?;
        if new.did_method == DidMethod::Key && new.p256 {
            return Err(OrgError::Unsupported(
                "a did:key organisation has exactly one key, Ed25519 (its DID is that key): \
                 P-256 is not available with did:key"
                    .into(),
            ));
        }
        let profile = crate::directory::check_profile(&crate::directory::ProfileUpdate {
            public_templates: None,
            ..new.profile.clone()
        })?;
        let now = self.clock.now();
        let mut org = Organisation {
            id: new_id(),
            slug: slug.to_string(),
            name_fr,
            name_en,
            created_at: now,
            updated_at: now,
            did_key: None,
            description: None,
            town: None,
            kind: None,
            website: None,
            listed: true,
        };
        crate::directory::apply(&mut org, &profile);
        let owner = KeyOwner::Org(org.id.clone());
        let mut algorithms = vec![KeyAlgorithm::Ed25519];
        if new.p256 {
            algorithms.push(KeyAlgorithm::P256);
        }
        let mut keys = Vec::new();
        for (n, alg) in algorithms.into_iter().enumerate() {
            let mut key = self.new_key(owner.clone(), alg)?;
            key.fragment = format!("key-{}", n + 1);
            keys.push(key);
        }
        if new.did_method == DidMethod::Key {
            // did:key:z6Mk..., and its one verification method
            // did:key:z6Mk...#z6Mk...
            let multibase = keys[0].public_key_multibase.clone();
            org.did_key = Some(format!("did:key:{multibase}"));
            keys[0].fragment = multibase;
        }
        let did = self.did_of(&org);
        let audit = actor.entry(
            now,
            Some(&org.id),
            action::ORG_CREATED,
            format!("org:{}", org.id),
            Some(serde_json::json!({
                "slug": org.slug,
                "did": did,
                "did_method": new.did_method,
                "keys": keys.iter().map(|k| &k.fragment).collect::<Vec<_>>(),
            })),
        );
        let trusted = match &new.accreditation {
            None => None,
            Some(a) => {
                let entry = crate::registry::TrustedIssuer {
                    did: did.clone(),
                    name: crate::registry::LocalizedName {
                        fr: org.name_fr.clone(),
                        en: org.name_en.clone(),
                    },
                    accreditation: a.reference.clone(),
                    accreditation_url: a.url.clone(),
                    valid_from: a.valid_from.unwrap_or(now),
                    valid_until: a.valid_until,
                }
                .validate()
                .map_err(|mut e| {
                    // Named as in the creation's own fields.
                    e.field = match e.field.as_str() {
                        "accreditationUrl" => "accreditation_url",
                        "validFrom" => "accredited_from",
                        "validUntil" => "accredited_until",
                        "name.fr" => "name_fr",
                        "name.en" => "name_en",
                        "did" => "slug",
                        _ => "accreditation",
                    }
                    .to_owned();
                    e
                })?;
                let trust_audit = actor.entry(
                    now,
                    None,
                    action::TRUSTED_ISSUER_UPSERTED,
                    format!("trusted_issuer:{}", entry.did),
                    Some(serde_json::json!({ "entry": entry, "with_org": org.slug })),
                );
                Some((entry.record(now, now), trust_audit))
            }
        };
        let trusted_ref = trusted.as_ref().map(|(r, a)| (r, a));
        match self
            .store
            .create_org(&org, &keys, &audit, trusted_ref)
            .await
        {
            Err(StoreError::Conflict(_)) => return Err(OrgError::DuplicateSlug(org.slug)),
            other => other?,
        }
        Ok(OrgDetails {
            keys: keys.iter().map(|k| KeyInfo::new(&did, k)).collect(),
            did_method: new.did_method,
            org,
            did,
        })
    }

    /// The organisation with this slug (an invalid slug is simply not found).
    pub async fn find(&self, slug: &str) -> Result<Organisation, OrgError> {
        if Slug::parse(slug).is_err() {
            return Err(OrgError::NotFound(slug.chars().take(100).collect()));
        }
        self.store
            .get_org_by_slug(slug)
            .await?
            .ok_or_else(|| OrgError::NotFound(slug.chars().take(100).collect()))
    }

    pub async fn get(&self, slug: &str) -> Result<OrgDetails, OrgError> {
        let org = self.find(slug).await?;
        let did = self.did_of(&org);
        let keys = self.store.list_keys(&KeyOwner::Org(org.id.clone())).await?;
        Ok(OrgDetails {
            keys: keys.iter().map(|k| KeyInfo::new(&did, k)).collect(),
            did_method: DidMethod::of(&org),
            org,
            did,
        })
    }

    pub async fn list(&self) -> Result<Vec<(Organisation, String)>, OrgError> {
        Ok(self
            .store
            .list_orgs()
            .await?
            .into_iter()
            .map(|o| {
                let did = self.did_of(&o);
                (o, did)
            })
            .collect())
    }

    /// Creates a new active key; the previous one of that algorithm is
    /// retired but stays published, so what it signed keeps verifying.
    pub async fn rotate_key(
        &self,
        slug: &str,
        algorithm: KeyAlgorithm,
        actor: &Actor,
    ) -> Result<KeyInfo, OrgError> {
        let org = self.find(slug).await?;
        Self::refuse_did_key(&org)?;
        let mut key = self.new_key(KeyOwner::Org(org.id.clone()), algorithm)?;
        let audit = actor.entry(
            key.created_at,
            Some(&org.id),
            action::KEY_ROTATED,
            format!("key:{}", key.id),
            Some(serde_json::json!({"algorithm": algorithm})),
        );
        let (fragment, _retired) = self.store.rotate_key(&key, &audit).await?;
        key.fragment = fragment;
        Ok(KeyInfo::new(&self.did_of(&org), &key))
    }

    /// Removes a retired key from the DID document (e.g. it was
    /// compromised): credentials it signed stop verifying. `key` is the key
    /// id or its fragment (`key-2`).
    pub async fn withdraw_key(
        &self,
        slug: &str,
        key: &str,
        actor: &Actor,
    ) -> Result<KeyInfo, OrgError> {
        let org = self.find(slug).await?;
        Self::refuse_did_key(&org)?;
        let owner = KeyOwner::Org(org.id.clone());
        let keys = self.store.list_keys(&owner).await?;
        let found = keys
            .iter()
            .find(|k| k.id == key || k.fragment == key)
            .ok_or_else(|| OrgError::KeyNotFound(key.chars().take(100).collect()))?;
        match found.status {
            KeyStatus::Active => return Err(OrgError::KeyIsActive(found.fragment.clone())),
            KeyStatus::Withdrawn => {
                return Err(OrgError::KeyAlreadyWithdrawn(found.fragment.clone()))
            }
            KeyStatus::Retired => {}
        }
        let now = self.clock.now();
        let audit = actor.entry(
            now,
            Some(&org.id),
            action::KEY_WITHDRAWN,
            format!("key:{}", found.id),
            Some(serde_json::json!({"fragment": found.fragment})),
        );
        match self
            .store
            .withdraw_key(&owner, &found.id, now, &audit)
            .await
        {
            // Raced with another withdrawal.
            Err(StoreError::NotFound) => {
                return Err(OrgError::KeyAlreadyWithdrawn(found.fragment.clone()))
            }
            other => other?,
        }
        let mut info = KeyInfo::new(&self.did_of(&org), found);
        info.status = KeyStatus::Withdrawn;
        info.withdrawn_at = Some(now);
        Ok(info)
    }

    /// The active key of an owner, decrypted.
    pub async fn signing_key(
        &self,
        owner: &KeyOwner,
        did: &str,
        algorithm: KeyAlgorithm,
    ) -> Result<SigningKey, OrgError> {
        let record = self
            .store
            .active_key(owner, algorithm)
            .await?
            .ok_or_else(|| OrgError::KeyNotFound(algorithm.to_string()))?;
        let pkcs8 = self
            .master
            .open(&record.sealed_private_key, &key_aad(&record.id))
            .map_err(|_| OrgError::WrongMasterKey)?;
        let key = PrivateKey::from_pkcs8(record.algorithm, &pkcs8)?;
        if key.public_key().to_multibase() != record.public_key_multibase {
            return Err(OrgError::Store(StoreError::Corrupt(format!(
                "key {} does not match its public key",
                record.id
            ))));
        }
        Ok(SigningKey {
            verification_method: format!("{did}#{}", record.fragment),
            record,
            key,
        })
    }

    /// The active key of an organisation, decrypted.
    pub async fn org_signing_key(
        &self,
        slug: &str,
        algorithm: KeyAlgorithm,
    ) -> Result<SigningKey, OrgError> {
        let org = self.find(slug).await?;
        let did = self.did_of(&org);
        self.signing_key(&KeyOwner::Org(org.id), &did, algorithm)
            .await
    }

    pub async fn create_api_key(
        &self,
        slug: &str,
        name: &str,
        actor: &Actor,
    ) -> Result<CreatedApiKey, OrgError> {
        let name =
            check_name("name", name).map_err(|e| OrgError::InvalidApiKeyName(e.to_string()))?;
        let org = self.find(slug).await?;
        let token = format!("{API_KEY_PREFIX}{}", random_token(32)?);
        let record = ApiKeyRecord {
            id: new_id(),
            org_id: org.id.clone(),
            name,
            prefix: token.chars().take(API_KEY_PREFIX.len() + 6).collect(),
            token_hash: sha256_hex(token.as_bytes()),
            created_at: self.clock.now(),
            revoked_at: None,
            last_used_at: None,
        };
        let audit = actor.entry(
            record.created_at,
            Some(&org.id),
            action::API_KEY_CREATED,
            format!("api_key:{}", record.id),
            Some(serde_json::json!({"name": record.name, "prefix": record.prefix})),
        );
        self.store.create_api_key(&record, &audit).await?;
        Ok(CreatedApiKey {
            record,
            token: SecretString::from(token),
        })
    }

    pub async fn list_api_keys(&self, slug: &str) -> Result<Vec<ApiKeyRecord>, OrgError> {
        let org = self.find(slug).await?;
        Ok(self.store.list_api_keys(&org.id).await?)
    }

    pub async fn revoke_api_key(
        &self,
        slug: &str,
        key_id: &str,
        actor: &Actor,
    ) -> Result<(), OrgError> {
        let org = self.find(slug).await?;
        let now = self.clock.now();
        let audit = actor.entry(
            now,
            Some(&org.id),
            action::API_KEY_REVOKED,
            format!("api_key:{key_id}"),
            None,
        );
        if self
            .store
            .revoke_api_key(&org.id, key_id, now, &audit)
            .await?
        {
            Ok(())
        } else {
            Err(OrgError::ApiKeyNotFound(key_id.chars().take(100).collect()))
        }
    }

    /// The organisation and key a presented API key belongs to, if it is live.
    pub async fn authenticate(
        &self,
        token: &str,
    ) -> Result<Option<(Organisation, ApiKeyRecord)>, OrgError> {
        if !token.starts_with(API_KEY_PREFIX) || token.len() > 200 {
            return Ok(None);
        }
        let Some(key) = self
            .store
            .find_api_key(&sha256_hex(token.as_bytes()))
            .await?
        else {
            return Ok(None);
        };
        let Some(org) = self.store.get_org(&key.org_id).await? else {
            return Ok(None);
        };
        if let Err(e) = self.store.touch_api_key(&key.id, self.clock.now()).await {
            tracing::warn!(error = %e, "could not record API key use");
        }
        Ok(Some((org, key)))
    }
}
