//! Citizens' accounts: sign-up, login, sessions, email verification,
//! password reset, deletion, and the keys each citizen owns (a holder key
//! for presentations, a document key for the vault).
//!
//! Passwords are hashed with argon2id on the blocking pool, never on the
//! async runtime. Session tokens and email tokens are 32 random bytes; only
//! their SHA-256 is stored. An unknown email and a wrong password take the
//! same time and give the same answer.

use crate::{
    clock::Clock,
    config::WalletConfig,
    crypto::{random_token, sha256_hex, CryptoError, KeyAlgorithm, MasterKey, PrivateKey},
    ids::new_id,
    store::{
        Attempt, AttemptLimit, CitizenRecord, EmailToken, OutboxMessage, SessionKind,
        SessionRecord, Store, StoreError, TokenPurpose,
    },
};
use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;
use zeroize::Zeroizing;

/// Email links live this long.
pub const VERIFY_EMAIL_TTL: Duration = Duration::hours(48);
pub const RESET_PASSWORD_TTL: Duration = Duration::hours(1);
/// Failed logins are counted over this window.
pub const LOGIN_WINDOW: Duration = Duration::minutes(15);
pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// Session tokens start with this, so that they are recognisable in logs
/// and secret scanners.
pub const SESSION_PREFIX: &str = "atc_";

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{0}")]
    Invalid(String),
    #[error("an account with this email already exists")]
    EmailTaken,
    #[error("wrong email or password")]
    BadCredentials,
    #[error("too many failed logins; try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("this link is unknown, was already used or has expired")]
    TokenInvalid,
    #[error("no such account")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error("password hashing failed: {0}")]
    Hash(String),
    /// Too many password checks at once (memory bound): 503.
    #[error("too many password checks at once; try again in {retry_after_secs} s")]
    Busy { retry_after_secs: u64 },
}

impl From<crate::passwords::HashError> for AccountError {
    fn from(e: crate::passwords::HashError) -> Self {
        match e {
            crate::passwords::HashError::Busy => AccountError::Busy {
                retry_after_secs: 2,
            },
            crate::passwords::HashError::Failed(e) => AccountError::Hash(e),
        }
    }
}

/// Failed logins per account: `login_max_failures` per [`LOGIN_WINDOW`]
/// (the count is the setting's).
pub const LOGIN_SCOPE: &str = "login";
/// Password-reset mails per address.
pub const RESET_MAIL_LIMIT: AttemptLimit = AttemptLimit {
    scope: "reset-mail",
    max: 3,
    window: Duration::hours(1),
};
/// Verification mails per account.
pub const VERIFY_MAIL_LIMIT: AttemptLimit = AttemptLimit {
    scope: "verify-mail",
    max: 5,
    window: Duration::hours(1),
};

/// A new account.
#[derive(Debug)]
pub struct SignUp {
    pub email: String,
    pub password: Zeroizing<String>,
    pub display_name: String,
    /// A page of this site the confirmation link leads back to (an
    /// offer's page): a local path, see [`local_path`].
    pub next: Option<String>,
}

/// A path of this site: `/` then no second `/` nor any backslash, no control
/// character, at most 500 bytes. Anything else (another site, a scheme)
/// is not one.
pub fn local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
        && path.len() <= 500
}

/// A fresh session: the token is shown once.
pub struct NewSession {
    pub token: Zeroizing<String>,
    pub session: SessionRecord,
    pub citizen: CitizenRecord,
}

pub struct Citizens {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    master: Arc<MasterKey>,
    settings: WalletConfig,
    base: String,
    hasher: crate::passwords::PasswordHasher,
    /// A hash verified when the email is unknown, so that both cases cost
    /// the same.
    dummy_hash: String,
}

/// Lower-cases and trims an email, and checks its shape (one `@`, a dot
/// in the domain, no spaces or control characters, at most 254 bytes).
pub fn normalise_email(input: &str) -> Result<String, AccountError> {
    let email = input.trim().to_lowercase();
    let bad =
        || AccountError::Invalid("Give a valid email address, e.g. marie@example.org.".into());
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (local, domain) = email.split_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || domain.len() < 3
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.contains("..")
    {
        return Err(bad());
    }
    Ok(email)
}

fn check_password(password: &str) -> Result<(), AccountError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AccountError::Invalid(format!(
            "The password must have at least {MIN_PASSWORD_CHARS} characters."
        )));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(AccountError::Invalid(format!(
            "The password must have at most {MAX_PASSWORD_BYTES} bytes."
        )));
    }
    if password.chars().any(char::is_control) {
        return Err(AccountError::Invalid(
            "The password must not contain control characters.".into(),
        ));
    }
    Ok(())
}

fn check_display_name(name: &str) -> Result<String, AccountError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 || name.chars().any(char::is_control) {
        return Err(AccountError::Invalid(
            "The name must have 1 to 120 characters, without control characters.".into(),
        ));
    }
    Ok(name.to_owned())
}

/// A headline: trimmed, at most 160 characters on one line; empty is none.
pub fn check_headline(text: &str) -> Result<Option<String>, AccountError> {
    let text = text.trim();
    if text.chars().count() > MAX_HEADLINE || text.chars().any(char::is_control) {
        return Err(AccountError::Invalid(format!(
            "The headline has at most {MAX_HEADLINE} characters, on one line."
        )));
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

/// The longest headline, in characters.
pub const MAX_HEADLINE: usize = 160;

/// The AAD binding a citizen's sealed secret to its row and use.
fn aad(citizen_id: &str, what: &str) -> Vec<u8> {
    format!("citizen:{citizen_id}:{what}").into_bytes()
}

/// The did:key of an Ed25519 public key.
pub fn did_key(key: &PrivateKey) -> String {
    format!("did:key:{}", key.public_key().to_multibase())
}

impl Citizens {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        master: Arc<MasterKey>,
        settings: WalletConfig,
        base: &str,
    ) -> Result<Self, AccountError> {
        // OWASP's first argon2id choice: 19 MiB, 2 passes, 1 lane.
        let argon = argon2::Params::new(19 * 1024, 2, 1, None)
            .map_err(|e| AccountError::Hash(e.to_string()))?;
        let dummy_hash = hash_with(&argon, "not a password of anyone")?;
        let hasher = crate::passwords::PasswordHasher::new(settings.password_hash_memory_mib)?;
        Ok(Self {
            store,
            clock,
            master,
            settings,
            base: base.trim_end_matches('/').to_owned(),
            hasher,
            dummy_hash,
        })
    }

    pub fn settings(&self) -> &WalletConfig {
        &self.settings
    }

    async fn hash(&self, password: Zeroizing<String>) -> Result<String, AccountError> {
        Ok(self.hasher.hash(password).await?)
    }

    /// Checks a secret (password, share PIN) against its argon2id hash, on
    /// the blocking pool, within the memory bound (`Busy` past it).
    pub async fn verify_secret(
        &self,
        password: Zeroizing<String>,
        hash: String,
    ) -> Result<bool, AccountError> {
        Ok(self.hasher.verify(password, hash).await?)
    }

    /// The bounded hasher (places, for metrics and tests).
    pub fn hasher(&self) -> &crate::passwords::PasswordHasher {
        &self.hasher
    }

    /// Hashes a password with argon2id on the blocking pool.
    pub async fn hash_password(&self, password: Zeroizing<String>) -> Result<String, AccountError> {
        self.hash(password).await
    }

    /// Seals a new citizen's holder key and a fresh random document key
    /// under the master key, bound to the citizen's id.
    pub fn seal_keys(
        &self,
        citizen_id: &str,
        holder: &PrivateKey,
    ) -> Result<(Vec<u8>, Vec<u8>), AccountError> {
        let vault_key = Zeroizing::new(crate::crypto::random_bytes(32)?);
        Ok((
            self.master
                .seal(holder.pkcs8_der(), &aad(citizen_id, "holder"))?,
            self.master.seal(&vault_key, &aad(citizen_id, "vault"))?,
        ))
    }

    /// Creates an account with its holder key and document key, and queues
    /// the email verification message.
    pub async fn sign_up(&self, new: SignUp) -> Result<CitizenRecord, AccountError> {
        let email = normalise_email(&new.email)?;
        check_password(&new.password)?;
        if new.next.as_deref().is_some_and(|n| !local_path(n)) {
            return Err(AccountError::Invalid(
                "next must be a path of this site, such as /me/offers/{token}.".into(),
            ));
        }
        let display_name = check_display_name(&new.display_name)?;
        let password_hash = self.hash(new.password).await?;
        let now = self.clock.now();
        let id = new_id();
        let holder = PrivateKey::generate(KeyAlgorithm::Ed25519)?;
        let (holder_key_sealed, vault_key_sealed) = self.seal_keys(&id, &holder)?;
        let citizen = CitizenRecord {
            holder_did: did_key(&holder),
            holder_key_sealed,
            vault_key_sealed,
            id,
            email,
            display_name,
            password_hash,
            email_verified_at: None,
            created_at: now,
            updated_at: now,
            headline: None,
        };
        let (token, record) = self.email_token(&citizen.id, TokenPurpose::VerifyEmail, now)?;
        let mail = self.verification_mail(&citizen, &token, new.next.as_deref(), now);
        self.store
            .create_citizen(&citizen, Some(&record), Some(&mail))
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => AccountError::EmailTaken,
                other => other.into(),
            })?;
        Ok(citizen)
    }

    fn email_token(
        &self,
        citizen_id: &str,
        purpose: TokenPurpose,
        now: DateTime<Utc>,
    ) -> Result<(Zeroizing<String>, EmailToken), AccountError> {
        let token = Zeroizing::new(random_token(32)?);
        let ttl = match purpose {
            TokenPurpose::VerifyEmail => VERIFY_EMAIL_TTL,
            TokenPurpose::ResetPassword => RESET_PASSWORD_TTL,
        };
        let record = EmailToken {
            token_hash: sha256_hex(token.as_bytes()),
            citizen_id: citizen_id.to_owned(),
            purpose,
            created_at: now,
            expires_at: now + ttl,
        };
        Ok((token, record))
    }

    fn mail(
        &self,
        citizen: &CitizenRecord,
        kind: &str,
        subject: &str,
        body: String,
        now: DateTime<Utc>,
    ) -> OutboxMessage {
        OutboxMessage {
            id: new_id(),
            recipient: citizen.email.clone(),
            subject: subject.to_owned(),
            body,
            kind: kind.to_owned(),
            citizen_id: Some(citizen.id.clone()),
            created_at: now,
            next_attempt_at: now,
            attempts: 0,
            sent_at: None,
            last_error: None,
            html: None,
            unsubscribe_url: None,
        }
    }

    fn verification_mail(
        &self,
        citizen: &CitizenRecord,
        token: &str,
        next: Option<&str>,
        now: DateTime<Utc>,
    ) -> OutboxMessage {
        let mut link = format!("{}/account/verify-email?token={token}", self.base);
        if let Some(next) = next {
            link.push_str("&next=");
            link.extend(url::form_urlencoded::byte_serialize(next.as_bytes()));
        }
        self.mail(
            citizen,
            TokenPurpose::VerifyEmail.as_str(),
            "Confirmez votre adresse / Confirm your email address",
            format!(
                "Bonjour {name},\n\nPour confirmer votre adresse, ouvrez ce lien (valable 48 heures) :\n{link}\n\n\
                 Hello {name},\n\nTo confirm your email address, open this link (valid for 48 hours):\n{link}\n\n\
                 Si vous n'avez pas créé de compte Atout, ignorez ce message. \
                 If you did not create an Atout account, ignore this message.\n",
                name = citizen.display_name
            ),
            now,
        )
    }

    /// Sends a new verification link (earlier ones stop working).
    pub async fn resend_verification(&self, citizen: &CitizenRecord) -> Result<(), AccountError> {
        if citizen.email_verified_at.is_some() {
            return Err(AccountError::Invalid(
                "This email address is already verified.".into(),
            ));
        }
        let now = self.clock.now();
        if let Attempt::Refused { retry_after_secs } = self
            .store
            .reserve_attempt(VERIFY_MAIL_LIMIT, &citizen.id, now)
            .await?
        {
            return Err(AccountError::RateLimited { retry_after_secs });
        }
        let (token, record) = self.email_token(&citizen.id, TokenPurpose::VerifyEmail, now)?;
        let mail = self.verification_mail(citizen, &token, None, now);
        self.store.create_email_token(&record, &mail).await?;
        Ok(())
    }

    /// Uses a verification link.
    pub async fn verify_email(&self, token: &str) -> Result<String, AccountError> {
        self.store
            .use_email_token(
                &sha256_hex(token.as_bytes()),
                TokenPurpose::VerifyEmail,
                self.clock.now(),
            )
            .await?
            .ok_or(AccountError::TokenInvalid)
    }

    /// Queues a reset link if the account exists; says nothing either way
    /// (no account enumeration).
    pub async fn forgot_password(&self, email: &str) -> Result<(), AccountError> {
        let Ok(email) = normalise_email(email) else {
            return Ok(());
        };
        let now = self.clock.now();
        // Counted per address whether or not it has an account, so the
        // limit says nothing about which addresses exist.
        if let Attempt::Refused { retry_after_secs } = self
            .store
            .reserve_attempt(RESET_MAIL_LIMIT, &email, now)
            .await?
        {
            return Err(AccountError::RateLimited { retry_after_secs });
        }
        let Some(citizen) = self.store.citizen_by_email(&email).await? else {
            return Ok(());
        };
        let (token, record) = self.email_token(&citizen.id, TokenPurpose::ResetPassword, now)?;
        let link = format!("{}/account/reset-password?token={}", self.base, &*token);
        let mail = self.mail(
            &citizen,
            TokenPurpose::ResetPassword.as_str(),
            "Nouveau mot de passe / New password",
            format!(
                "Bonjour {name},\n\nPour choisir un nouveau mot de passe, ouvrez ce lien (valable une heure, une seule fois) :\n{link}\n\n\
                 Hello {name},\n\nTo choose a new password, open this link (valid for one hour, once):\n{link}\n\n\
                 Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas. \
                 If you did not ask, ignore this message: your password stays as it is.\n",
                name = citizen.display_name
            ),
            now,
        );
        self.store.create_email_token(&record, &mail).await?;
        Ok(())
    }

    /// Uses a reset link: sets the password and ends every session.
    pub async fn reset_password(
        &self,
        token: &str,
        password: Zeroizing<String>,
    ) -> Result<String, AccountError> {
        check_password(&password)?;
        // A dead link costs no password hash.
        let token_hash = sha256_hex(token.as_bytes());
        if !self
            .store
            .email_token_live(&token_hash, TokenPurpose::ResetPassword, self.clock.now())
            .await?
        {
            return Err(AccountError::TokenInvalid);
        }
        let hash = self.hash(password).await?;
        self.store
            .reset_password(&token_hash, &hash, self.clock.now())
            .await?
            .ok_or(AccountError::TokenInvalid)
    }

    /// Checks the password, counting failures per account.
    pub async fn check_login(
        &self,
        email: &str,
        password: Zeroizing<String>,
    ) -> Result<CitizenRecord, AccountError> {
        let email = normalise_email(email).map_err(|_| AccountError::BadCredentials)?;
        if password.len() > MAX_PASSWORD_BYTES {
            return Err(AccountError::BadCredentials);
        }
        let now = self.clock.now();
        let limit = AttemptLimit {
            scope: LOGIN_SCOPE,
            max: i64::from(self.settings.login_max_failures),
            window: LOGIN_WINDOW,
        };
        // The attempt is counted before the password is checked, in one
        // conditional write: concurrent guesses cannot all slip under the
        // limit. A right password forgets the count afterwards.
        let n = match self.store.reserve_attempt(limit, &email, now).await? {
            Attempt::Reserved { n, .. } => n,
            Attempt::Refused { retry_after_secs } => {
                return Err(AccountError::RateLimited { retry_after_secs })
            }
        };
        let citizen = self.store.citizen_by_email(&email).await?;
        let hash = citizen
            .as_ref()
            .map_or_else(|| self.dummy_hash.clone(), |c| c.password_hash.clone());
        // Busy (no place to hash): the attempt stays counted, as a guess
        // would; the caller is told to come back.
        let ok = self.verify_secret(password, hash).await?;
        match citizen {
            Some(c) if ok => {
                self.store.clear_attempts(LOGIN_SCOPE, &email).await?;
                Ok(c)
            }
            Some(c) => {
                if n == limit.max {
                    // The owner hears of it once per window.
                    self.warn_of_login_lock(&c, now).await;
                }
                Err(AccountError::BadCredentials)
            }
            None => Err(AccountError::BadCredentials),
        }
    }

    /// Tells an account's owner its logins are locked for a while.
    async fn warn_of_login_lock(&self, citizen: &CitizenRecord, now: DateTime<Utc>) {
        let minutes = LOGIN_WINDOW.num_minutes();
        let mail = self.mail(
            citizen,
            "login-locked",
            "Connexions bloquées / Sign-in locked",
            format!(
                "Bonjour {name},\n\nPlusieurs mots de passe erronés ont été essayés pour votre compte. \
                 Par sécurité, la connexion par mot de passe est bloquée pendant {minutes} minutes. \
                 Si ce n'était pas vous, choisissez un nouveau mot de passe.\n\n\
                 Hello {name},\n\nSeveral wrong passwords were tried for your account. \
                 To be safe, signing in with a password is locked for {minutes} minutes. \
                 If it was not you, choose a new password.\n",
                name = citizen.display_name
            ),
            now,
        );
        if let Err(e) = self.store.enqueue_mail(&mail).await {
            tracing::error!(citizen = %citizen.id, error = %e, "could not queue the login-lock warning");
        }
    }

    /// Opens a session for a citizen who proved who they are.
    pub async fn open_session(
        &self,
        citizen: CitizenRecord,
        kind: SessionKind,
        label: Option<String>,
    ) -> Result<NewSession, AccountError> {
        let now = self.clock.now();
        let token = Zeroizing::new(format!("{SESSION_PREFIX}{}", random_token(32)?));
        let session = SessionRecord {
            token_hash: sha256_hex(token.as_bytes()),
            citizen_id: citizen.id.clone(),
            kind,
            label,
            created_at: now,
            expires_at: now + self.session_ttl(),
            last_seen_at: now,
        };
        self.store.create_session(&session).await?;
        Ok(NewSession {
            token,
            session,
            citizen,
        })
    }

    fn session_ttl(&self) -> Duration {
        Duration::from_std(self.settings.session_ttl).unwrap_or(Duration::days(14))
    }

    /// The citizen behind a session token, if the session is live. Slides
    /// the expiry, writing at most once a minute per session.
    pub async fn authenticate(
        &self,
        token: &str,
    ) -> Result<Option<(SessionRecord, CitizenRecord)>, AccountError> {
        if !token.starts_with(SESSION_PREFIX) || token.len() > 128 {
            return Ok(None);
        }
        let now = self.clock.now();
        let hash = sha256_hex(token.as_bytes());
        let Some((session, citizen)) = self.store.session(&hash, now).await? else {
            return Ok(None);
        };
        if now - session.last_seen_at > Duration::minutes(1) {
            self.store
                .touch_session(&hash, now, now + self.session_ttl())
                .await?;
        }
        Ok(Some((session, citizen)))
    }

    pub async fn logout(&self, token_hash: &str) -> Result<(), AccountError> {
        Ok(self.store.delete_session(token_hash).await?)
    }

    /// Changes the password (the current one is required) and ends every
    /// other session.
    pub async fn change_password(
        &self,
        citizen: &CitizenRecord,
        current: Zeroizing<String>,
        new: Zeroizing<String>,
        keep_session: &str,
    ) -> Result<(), AccountError> {
        check_password(&new)?;
        if !self
            .verify_secret(current, citizen.password_hash.clone())
            .await?
        {
            return Err(AccountError::BadCredentials);
        }
        let hash = self.hash(new).await?;
        self.store
            .set_password(&citizen.id, &hash, Some(keep_session), self.clock.now())
            .await?;
        Ok(())
    }

    /// Erases the account and everything it holds (the password confirms).
    /// Files of the document vault are removed by the caller, which knows
    /// the object store.
    pub async fn delete(
        &self,
        citizen: &CitizenRecord,
        password: Zeroizing<String>,
    ) -> Result<(), AccountError> {
        if !self
            .verify_secret(password, citizen.password_hash.clone())
            .await?
        {
            return Err(AccountError::BadCredentials);
        }
        if !self.store.delete_citizen(&citizen.id).await? {
            return Err(AccountError::NotFound);
        }
        Ok(())
    }

    /// Changes the display name and/or the headline (`Some("")` removes
    /// it), both checked before either is written, in one statement.
    /// Returns the account as stored, or the mistake with the field it is
    /// about (`displayName`, `headline`).
    pub async fn update_profile(
        &self,
        citizen: &CitizenRecord,
        display_name: Option<&str>,
        headline: Option<&str>,
    ) -> Result<CitizenRecord, (AccountError, &'static str)> {
        let mut record = citizen.clone();
        if let Some(name) = display_name {
            record.display_name = check_display_name(name).map_err(|e| (e, "displayName"))?;
        }
        if let Some(headline) = headline {
            record.headline = check_headline(headline).map_err(|e| (e, "headline"))?;
        }
        let now = self.clock.now();
        self.store
            .set_citizen_profile(
                &record.id,
                &record.display_name,
                record.headline.as_deref(),
                now,
            )
            .await
            .map_err(|e| (e.into(), ""))?;
        record.updated_at = now;
        Ok(record)
    }

    /// The citizen's holder key (did:key), to sign presentations.
    pub fn holder_key(&self, citizen: &CitizenRecord) -> Result<PrivateKey, AccountError> {
        let pkcs8 = self
            .master
            .open(&citizen.holder_key_sealed, &aad(&citizen.id, "holder"))?;
        Ok(PrivateKey::from_pkcs8(KeyAlgorithm::Ed25519, &pkcs8)?)
    }

    /// The citizen's document key (32 bytes), which wraps each file's key.
    pub fn vault_key(&self, citizen: &CitizenRecord) -> Result<Zeroizing<Vec<u8>>, AccountError> {
        Ok(self
            .master
            .open(&citizen.vault_key_sealed, &aad(&citizen.id, "vault"))?)
    }
}

fn hash_with(params: &argon2::Params, password: &str) -> Result<String, AccountError> {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let salt_bytes = crate::crypto::random_bytes(16)?;
    let salt =
        SaltString::encode_b64(&salt_bytes).map_err(|e| AccountError::Hash(e.to_string()))?;
    let argon = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        params.clone(),
    );
    Ok(argon
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| AccountError::Hash(e.to_string()))?
        .to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            normalise_email("  Marie@Example.ORG ").unwrap(),
            "marie@example.org"
        );
        for bad in [
            "",
            "marie",
            "@example.org",
            "marie@",
            "marie@org",
            "ma rie@example.org",
            "a@b@c.org",
            "m@.example.org",
            "m@example..org",
            "m@example.org.",
        ] {
            assert!(normalise_email(bad).is_err(), "{bad:?} accepted");
        }
        assert!(normalise_email(&format!("{}@example.org", "a".repeat(250))).is_err());
    }

    #[test]
    fn passwords_need_length_and_no_control_characters() {
        assert!(check_password("short").is_err());
        assert!(check_password("long enough password").is_ok());
        assert!(check_password("with\u{0}nul character").is_err());
        assert!(check_password(&"x".repeat(MAX_PASSWORD_BYTES + 1)).is_err());
    }

    #[test]
    fn hashes_are_argon2id_and_verify() {
        use argon2::PasswordVerifier;
        let params = argon2::Params::new(19 * 1024, 2, 1, None).unwrap();
        let hash = hash_with(&params, "correct horse battery").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        let parsed = argon2::PasswordHash::new(&hash).unwrap();
        assert!(argon2::Argon2::default()
            .verify_password(b"correct horse battery", &parsed)
            .is_ok());
        assert!(argon2::Argon2::default()
            .verify_password(b"wrong horse battery", &parsed)
            .is_err());
    }
}
