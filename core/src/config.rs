//! Configuration: defaults, then an optional TOML file, then `ATOUT_*`
//! environment variables (and `DATABASE_URL`).
//!
//! Every key can be set in the file (`base_url = "..."`) or the environment
//! (`ATOUT_BASE_URL=...`). Secrets (`master_key`, `admin_token`,
//! `database_password`) can also be read from a file named by `*_FILE` (or
//! `*_file` in TOML). Unknown keys are refused, in the file and in the
//! environment, so a typo never goes unnoticed. [`Config::load`] validates
//! everything and explains how to fix what is wrong.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_with::{serde_as, DisplayFromStr, PickFirst};
use std::{
    collections::BTreeMap,
    fmt,
    net::SocketAddr,
    path::{Path, PathBuf},
    time::Duration,
};
use url::Url;

/// Development allows conveniences (generated secrets, did:web over plain
/// HTTP or to private addresses when asked); production refuses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

/// The raw settings as read from the file and the environment.
#[serde_as]
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    mode: Option<Mode>,
    #[serde_as(as = "Option<PickFirst<(_, DisplayFromStr)>>")]
    listen: Option<SocketAddr>,
    base_url: Option<String>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    database_password: Option<String>,
    database_password_file: Option<PathBuf>,
    #[serde_as(as = "Option<PickFirst<(_, DisplayFromStr)>>")]
    database_max_connections: Option<u32>,
    master_key: Option<String>,
    master_key_file: Option<PathBuf>,
    admin_token: Option<String>,
    admin_token_file: Option<PathBuf>,
    #[serde_as(as = "Option<PickFirst<(_, DisplayFromStr)>>")]
    body_limit_bytes: Option<usize>,
    #[serde_as(as = "Option<PickFirst<(_, DisplayFromStr)>>")]
    shutdown_timeout_secs: Option<u64>,
    #[serde_as(as = "Option<PickFirst<(_, DisplayFromStr)>>")]
    did_web_timeout_ms: Option<u64>,
    #[serde_as(as = "Option<PickFirst<(_, DisplayFromStr)>>")]
    did_web_max_bytes: Option<usize>,
    #[serde_as(as = "Option<PickFirst<(_, DisplayFromStr)>>")]
    did_web_cache_ttl_secs: Option<u64>,
    #[serde_as(as = "Option<PickFirst<(_, DisplayFromStr)>>")]
    did_web_allow_private: Option<bool>,
    #[serde_as(as = "Option<PickFirst<(_, DisplayFromStr)>>")]
    did_web_allow_http: Option<bool>,
    #[serde_as(as = "Option<PickFirst<(_, DisplayFromStr)>>")]
    metrics_listen: Option<SocketAddr>,
    trusted_proxies: Option<String>,
    verifier_snapshot: Option<PathBuf>,
    verifier_registry: Option<PathBuf>,
    registry_authority: Option<String>,
    registry_contact: Option<String>,
    mail_sender: Option<MailSender>,
    smtp_url: Option<String>,
    smtp_url_file: Option<PathBuf>,
    mail_from: Option<String>,
    #[serde_as(as = "Option<PickFirst<(_, DisplayFromStr)>>")]
    mail_to_log_in_production: Option<bool>,
    #[serde_as(as = "Option<PickFirst<(_, DisplayFromStr)>>")]
    session_ttl_secs: Option<u64>,
    #[serde_as(as = "Option<PickFirst<(_, DisplayFromStr)>>")]
    login_max_failures: Option<u32>,
    #[serde_as(as = "Option<PickFirst<(_, DisplayFromStr)>>")]
    password_hash_memory_mib: Option<u32>,
    #[serde_as(as = "Option<PickFirst<(_, DisplayFromStr)>>")]
    offer_ttl_secs: Option<u64>,
    #[serde_as(as = "Option<PickFirst<(_, DisplayFromStr)>>")]
    batch_offer_ttl_days: Option<u32>,
    #[serde_as(as = "Option<PickFirst<(_, DisplayFromStr)>>")]
    batch_reminder_days: Option<u32>,
    object_store_url: Option<String>,
    #[serde_as(as = "Option<PickFirst<(_, DisplayFromStr)>>")]
    document_max_bytes: Option<u64>,
    #[serde_as(as = "Option<PickFirst<(_, DisplayFromStr)>>")]
    document_quota_bytes: Option<u64>,
    log: Option<String>,
    log_format: Option<LogFormat>,
}

/// Every key, for error messages and `print-config`.
pub const KEYS: &[&str] = &[
    "mode",
    "listen",
    "base_url",
    "data_dir",
    "database_url",
    "database_password",
    "database_password_file",
    "database_max_connections",
    "master_key",
    "master_key_file",
    "admin_token",
    "admin_token_file",
    "body_limit_bytes",
    "shutdown_timeout_secs",
    "did_web_timeout_ms",
    "did_web_max_bytes",
    "did_web_cache_ttl_secs",
    "did_web_allow_private",
    "did_web_allow_http",
    "metrics_listen",
    "trusted_proxies",
    "verifier_snapshot",
    "verifier_registry",
    "registry_authority",
    "registry_contact",
    "mail_sender",
    "smtp_url",
    "smtp_url_file",
    "mail_from",
    "mail_to_log_in_production",
    "session_ttl_secs",
    "login_max_failures",
    "password_hash_memory_mib",
    "offer_ttl_secs",
    "batch_offer_ttl_days",
    "batch_reminder_days",
    "object_store_url",
    "document_max_bytes",
    "document_quota_bytes",
    "log",
    "log_format",
];

/// Environment variables that are not settings but are read elsewhere.
const ENV_NOT_SETTINGS: &[&str] = &["ATOUT_CONFIG", "ATOUT_TEST_LOG"];

/// The validated configuration. It travels in the application state; there
/// are no global statics.
#[derive(Clone)]
pub struct Config {
    pub mode: Mode,
    pub listen: SocketAddr,
    /// Public base URL (scheme, host, optional port; no path). Drives every
    /// did:web identifier and every link.
    pub base_url: Url,
    pub data_dir: PathBuf,
    pub database_url: String,
    /// Whether `database_url` was configured (not the default): a verifier
    /// running alone uses a database only then.
    pub database_url_explicit: bool,
    pub database_password: Option<SecretString>,
    pub database_max_connections: u32,
    /// Base64 of 32 bytes. `None` in development means "use or create
    /// `data_dir/master.key`".
    pub master_key: Option<SecretString>,
    /// `None` in development means "use or create `data_dir/admin.token`".
    pub admin_token: Option<SecretString>,
    pub body_limit_bytes: usize,
    pub shutdown_timeout: Duration,
    pub did_web: DidWebConfig,
    pub metrics_listen: Option<SocketAddr>,
    /// Reverse proxies whose `X-Forwarded-For` tells the client's address
    /// (for per-address limits); empty: the connection's peer is the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// An offline bundle (`atout verifier snapshot`): the verifier then
    /// uses only its registry, DID documents and status lists, no network.
    pub verifier_snapshot: Option<PathBuf>,
    /// A signed trust registry document for a verifier without database.
    pub verifier_registry: Option<PathBuf>,
    /// The DID whose signature a registry document must carry (default:
    /// this platform's DID).
    pub registry_authority: Option<String>,
    /// Whom an organisation asks to enter the trust registry (an address
    /// or a sentence), shown in the console to organisations not yet in it.
    pub registry_contact: Option<String>,
    /// Citizens' accounts, mail, offers and documents.
    pub wallet: WalletConfig,
    pub log: String,
    pub log_format: LogFormat,
}

/// How mail leaves: through SMTP, or not at all (`log`: the log records
/// that a message was queued, never its content; in development the
/// message is also written to `data_dir/mail/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MailSender {
    Log,
    Smtp,
}

#[derive(Clone)]
pub struct WalletConfig {
    pub mail_sender: MailSender,
    /// `smtp://user:password@host:587?tls=required` (STARTTLS), `smtps://...:465`
    /// (TLS), or `smtp://host:25` (plain: a trusted network only).
    pub smtp_url: Option<SecretString>,
    /// The `From:` of every message.
    pub mail_from: String,
    /// Production may run with `mail_sender = "log"` (no mail delivered)
    /// only when this is set: see [`Config::check_mail_delivery`].
    pub mail_to_log_in_production: bool,
    /// Development with the log sender: each message is written to a file
    /// of this folder (`data_dir/mail`), for the developer to open its
    /// links. `None` otherwise: nothing of a message's content is kept
    /// outside the outbox table.
    pub mail_folder: Option<PathBuf>,
    /// A session's lifetime without use (sliding).
    pub session_ttl: Duration,
    /// Failed logins per account allowed in 15 minutes before 429.
    pub login_max_failures: u32,
    /// Memory that password and PIN hashing (argon2id, 19 MiB and a 2 MiB
    /// thread stack each) may use at once, in MiB: bounds how many hashes
    /// run together.
    pub password_hash_memory_mib: u32,
    /// How long an offer link stays valid by default.
    pub offer_ttl: Duration,
    /// How long the offers a batch delivers stay valid by default
    /// (`batch_offer_ttl_days`, 90).
    pub batch_offer_ttl: Duration,
    /// A reminder is mailed this long before a batch offer expires (once;
    /// `batch_reminder_days`, 7; 0: none).
    pub batch_reminder: Duration,
    /// Where documents are stored: `file:///path` (default
    /// `data_dir/documents`), `s3://bucket` (with the usual AWS_* settings)
    /// or `memory:///`.
    pub object_store_url: String,
    pub document_max_bytes: u64,
    pub document_quota_bytes: u64,
}

#[derive(Debug, Clone)]
pub struct DidWebConfig {
    pub timeout: Duration,
    pub max_bytes: usize,
    pub cache_ttl: Duration,
    /// Allow did:web hosts that resolve to loopback or private addresses.
    pub allow_private: bool,
    /// Fetch did:web documents over plain HTTP (tests and development only).
    pub allow_http: bool,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_toml())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {source}")]
    ReadFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid configuration file {path}: {message}")]
    ParseFile { path: PathBuf, message: String },
    #[error("{0}")]
    Invalid(String),
}

fn invalid(msg: impl Into<String>) -> ConfigError {
    ConfigError::Invalid(msg.into())
}

impl Config {
    /// Loads the configuration from an optional TOML file and the given
    /// environment (pass `std::env::vars()`).
    pub fn load(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let mut table = match file {
            Some(path) => {
                let text =
                    std::fs::read_to_string(path).map_err(|source| ConfigError::ReadFile {
                        path: path.to_owned(),
                        source,
                    })?;
                let table: toml::Table =
                    toml::from_str(&text).map_err(|e| ConfigError::ParseFile {
                        path: path.to_owned(),
                        message: e.message().to_owned(),
                    })?;
                // Deserialize once on its own so that errors name the file.
                toml::Value::Table(table.clone())
                    .try_into::<Raw>()
                    .map_err(|e| ConfigError::ParseFile {
                        path: path.to_owned(),
                        message: without_secrets(&e.to_string()),
                    })?;
                table
            }
            None => toml::Table::new(),
        };
        let env: BTreeMap<String, String> = env.into_iter().collect();
        for (name, value) in &env {
            let key = if name == "DATABASE_URL" {
                if env.contains_key("ATOUT_DATABASE_URL") {
                    continue; // the specific one wins
                }
                "database_url".to_owned()
            } else if let Some(rest) = name.strip_prefix("ATOUT_") {
                if ENV_NOT_SETTINGS.contains(&name.as_str()) {
                    continue;
                }
                rest.to_ascii_lowercase()
            } else {
                continue;
            };
            if !KEYS.contains(&key.as_str()) {
                return Err(invalid(format!(
                    "unknown setting {name}{}",
                    suggest(&key)
                        .map(|k| format!(" (did you mean ATOUT_{}?)", k.to_ascii_uppercase()))
                        .unwrap_or_default()
                )));
            }
            table.insert(key, toml::Value::String(value.clone()));
        }
        let raw: Raw = toml::Value::Table(table).try_into().map_err(|e| {
            invalid(format!(
                "invalid setting: {}",
                without_secrets(&e.to_string().trim_end().replace('\n', " "))
            ))
        })?;
        Self::resolve(raw)
    }

    fn resolve(raw: Raw) -> Result<Self, ConfigError> {
        let mode = raw.mode.unwrap_or(Mode::Development);
        let listen = raw
            .listen
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
        let base_url = match raw.base_url {
            Some(text) => parse_base_url(&text)?,
            None => {
                if mode == Mode::Production {
                    return Err(invalid(
                        "base_url is required in production: set ATOUT_BASE_URL to the public \
                         https URL of this service, e.g. https://portfolio.example.org",
                    ));
                }
                // did:web cannot name an IPv6 literal: use localhost then.
                let host = if listen.ip().is_unspecified() || listen.is_ipv6() {
                    "localhost".to_owned()
                } else {
                    listen.ip().to_string()
                };
                parse_base_url(&format!("http://{host}:{}", listen.port()))?
            }
        };
        if mode == Mode::Production && base_url.scheme() != "https" {
            return Err(invalid(
                "base_url must use https in production (did:web identifiers resolve over HTTPS)",
            ));
        }
        let data_dir = raw.data_dir.unwrap_or_else(|| PathBuf::from("./data"));
        let database_url_explicit = raw.database_url.is_some();
        let database_url = raw
            .database_url
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("atout.db").display()));
        check_database_url(&database_url)?;
        let database_password = secret(
            "database_password",
            raw.database_password,
            raw.database_password_file,
        )?;
        let database_max_connections = raw.database_max_connections.unwrap_or(10);
        if !(1..=1000).contains(&database_max_connections) {
            return Err(invalid(
                "database_max_connections must be between 1 and 1000",
            ));
        }
        let master_key = secret("master_key", raw.master_key, raw.master_key_file)?;
        if let Some(key) = &master_key {
            crate::crypto::MasterKey::from_base64(key.expose_secret()).map_err(|e| {
                invalid(format!(
                    "master_key: {e}. Generate one with `openssl rand -base64 32`"
                ))
            })?;
        } else if mode == Mode::Production {
            return Err(invalid(
                "master_key is required in production: set ATOUT_MASTER_KEY_FILE to a file \
                 holding 32 random bytes in base64 (`openssl rand -base64 32`)",
            ));
        }
        let admin_token = secret("admin_token", raw.admin_token, raw.admin_token_file)?;
        if let Some(token) = &admin_token {
            let token = token.expose_secret();
            if token.len() < 24 || token.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(invalid(
                    "admin_token must be at least 24 characters without spaces; generate one \
                     with `openssl rand -base64 32`",
                ));
            }
        } else if mode == Mode::Production {
            return Err(invalid(
                "admin_token is required in production: set ATOUT_ADMIN_TOKEN_FILE",
            ));
        }
        let body_limit_bytes = raw.body_limit_bytes.unwrap_or(1024 * 1024);
        if !(1024..=1024 * 1024 * 1024).contains(&body_limit_bytes) {
            return Err(invalid("body_limit_bytes must be between 1 KiB and 1 GiB"));
        }
        let shutdown_secs = raw.shutdown_timeout_secs.unwrap_or(20);
        if !(1..=3600).contains(&shutdown_secs) {
            return Err(invalid("shutdown_timeout_secs must be between 1 and 3600"));
        }
        if raw.did_web_cache_ttl_secs.is_some_and(|t| t > 86_400) {
            return Err(invalid(
                "did_web_cache_ttl_secs must be at most 86400 (a day); 0 disables the cache",
            ));
        }
        let did_web = DidWebConfig {
            timeout: Duration::from_millis(raw.did_web_timeout_ms.unwrap_or(5_000)),
            max_bytes: raw.did_web_max_bytes.unwrap_or(256 * 1024),
            cache_ttl: Duration::from_secs(raw.did_web_cache_ttl_secs.unwrap_or(300)),
            allow_private: raw.did_web_allow_private.unwrap_or(false),
            allow_http: raw.did_web_allow_http.unwrap_or(false),
        };
        if did_web.timeout.is_zero() || did_web.timeout > Duration::from_secs(60) {
            return Err(invalid("did_web_timeout_ms must be between 1 and 60000"));
        }
        if !(1024..=16 * 1024 * 1024).contains(&did_web.max_bytes) {
            return Err(invalid(
                "did_web_max_bytes must be between 1 KiB and 16 MiB",
            ));
        }
        if mode == Mode::Production && (did_web.allow_private || did_web.allow_http) {
            return Err(invalid(
                "did_web_allow_private and did_web_allow_http are for tests and development; \
                 remove them or set mode = \"development\"",
            ));
        }
        if let Some(metrics) = raw.metrics_listen {
            if metrics == listen {
                return Err(invalid(
                    "metrics_listen must differ from listen (metrics stay off the public port)",
                ));
            }
        }
        let mut trusted_proxies = Vec::new();
        for item in raw
            .trusted_proxies
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|i| !i.is_empty())
        {
            let net = item
                .parse::<ipnet::IpNet>()
                .or_else(|_| item.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    invalid("trusted_proxies lists IP addresses or networks (10.0.0.0/8), separated by commas")
                })?;
            trusted_proxies.push(net);
        }
        let log = raw.log.unwrap_or_else(|| "info".to_owned());
        let smtp_url = secret("smtp_url", raw.smtp_url, raw.smtp_url_file)?;
        let mail_sender = raw.mail_sender.unwrap_or(if smtp_url.is_some() {
            MailSender::Smtp
        } else {
            MailSender::Log
        });
        if mail_sender == MailSender::Smtp {
            match &smtp_url {
                None => {
                    return Err(invalid(
                        "mail_sender = \"smtp\" needs smtp_url (or smtp_url_file), e.g. \
                         smtp://user:password@mail.example.org:587",
                    ))
                }
                Some(url) => {
                    let scheme = url.expose_secret().split(':').next().unwrap_or_default();
                    if scheme != "smtp" && scheme != "smtps" {
                        return Err(invalid(
                            "smtp_url must start with smtp:// (STARTTLS) or smtps:// (TLS)",
                        ));
                    }
                }
            }
        }
        let mail_from = raw.mail_from.unwrap_or_else(|| {
            format!(
                "Atout <no-reply@{}>",
                base_url.host_str().unwrap_or("localhost")
            )
        });
        if !mail_from.contains('@') {
            return Err(invalid(
                "mail_from must be an address, e.g. \"Atout <no-reply@example.org>\"",
            ));
        }
        let mail_to_log_in_production = raw.mail_to_log_in_production.unwrap_or(false);
        let mail_folder = (mode == Mode::Development && mail_sender == MailSender::Log)
            .then(|| data_dir.join("mail"));
        let session_ttl_secs = raw.session_ttl_secs.unwrap_or(14 * 86_400);
        if !(60..=366 * 86_400).contains(&session_ttl_secs) {
            return Err(invalid(
                "session_ttl_secs must be between 60 and 31622400 (a year)",
            ));
        }
        let login_max_failures = raw.login_max_failures.unwrap_or(5);
        if !(1..=1000).contains(&login_max_failures) {
            return Err(invalid("login_max_failures must be between 1 and 1000"));
        }
        let password_hash_memory_mib = raw.password_hash_memory_mib.unwrap_or(256);
        if !(21..=65_536).contains(&password_hash_memory_mib) {
            return Err(invalid(
                "password_hash_memory_mib must be between 21 (one password check at a time: 19 MiB and its thread) and 65536",
            ));
        }
        let offer_ttl_secs = raw.offer_ttl_secs.unwrap_or(30 * 86_400);
        if !(60..=366 * 86_400).contains(&offer_ttl_secs) {
            return Err(invalid(
                "offer_ttl_secs must be between 60 and 31622400 (a year)",
            ));
        }
        let batch_offer_ttl_days = raw.batch_offer_ttl_days.unwrap_or(90);
        if !(1..=366).contains(&batch_offer_ttl_days) {
            return Err(invalid(
                "batch_offer_ttl_days must be between 1 and 366 (a year)",
            ));
        }
        let batch_reminder_days = raw.batch_reminder_days.unwrap_or(7);
        if batch_reminder_days > 365 {
            return Err(invalid(
                "batch_reminder_days must be between 0 (no reminder) and 365",
            ));
        }
        let object_store_url = match raw.object_store_url.filter(|u| !u.is_empty()) {
            Some(url) => {
                let scheme = url.split("://").next().unwrap_or_default();
                if !["file", "s3", "memory"].contains(&scheme) || !url.contains("://") {
                    return Err(invalid(
                        "object_store_url must be file:///absolute/path, s3://bucket or memory:///",
                    ));
                }
                url
            }
            None => {
                let dir = data_dir.join("documents");
                let dir = if dir.is_absolute() {
                    dir
                } else {
                    std::env::current_dir()
                        .map_err(|e| invalid(format!("cannot read the current folder: {e}")))?
                        .join(dir)
                };
                format!("file://{}", dir.display())
            }
        };
        let document_max_bytes = raw.document_max_bytes.unwrap_or(25 * 1024 * 1024);
        let document_quota_bytes = raw.document_quota_bytes.unwrap_or(500 * 1024 * 1024);
        if document_max_bytes == 0 || document_max_bytes > document_quota_bytes {
            return Err(invalid(
                "document_max_bytes must be above 0 and at most document_quota_bytes",
            ));
        }
        let wallet = WalletConfig {
            mail_sender,
            smtp_url,
            mail_from,
            mail_to_log_in_production,
            mail_folder,
            session_ttl: Duration::from_secs(session_ttl_secs),
            login_max_failures,
            password_hash_memory_mib,
            offer_ttl: Duration::from_secs(offer_ttl_secs),
            batch_offer_ttl: Duration::from_secs(u64::from(batch_offer_ttl_days) * 86_400),
            batch_reminder: Duration::from_secs(u64::from(batch_reminder_days) * 86_400),
            object_store_url,
            document_max_bytes,
            document_quota_bytes,
        };
        Ok(Self {
            mode,
            listen,
            base_url,
            data_dir,
            database_url,
            database_url_explicit,
            database_password,
            database_max_connections,
            master_key,
            admin_token,
            body_limit_bytes,
            shutdown_timeout: Duration::from_secs(shutdown_secs),
            did_web,
            metrics_listen: raw.metrics_listen,
            trusted_proxies,
            verifier_snapshot: raw.verifier_snapshot.filter(|p| !p.as_os_str().is_empty()),
            verifier_registry: raw.verifier_registry.filter(|p| !p.as_os_str().is_empty()),
            registry_authority: match raw.registry_authority.filter(|d| !d.is_empty()) {
                Some(did) if !did.starts_with("did:") => {
                    return Err(invalid(
                        "registry_authority must be a DID (did:web:... or did:key:...)",
                    ))
                }
                other => other,
            },
            registry_contact: match raw.registry_contact.map(|c| c.trim().to_owned()) {
                Some(c) if c.chars().count() > 300 || c.chars().any(char::is_control) => {
                    return Err(invalid(
                        "registry_contact must be one line of at most 300 characters \
                         (e.g. accreditation@region.example)",
                    ))
                }
                Some(c) if !c.is_empty() => Some(c),
                _ => None,
            },
            wallet,
            log,
            log_format: raw.log_format.unwrap_or(LogFormat::Pretty),
        })
    }

    /// The configuration that tests and `Config::default()`-like callers start from.
    pub fn development() -> Self {
        Self::resolve(Raw::default()).expect("the defaults are valid")
    }

    /// Refuses to serve in production when mail would not leave: with
    /// `mail_sender = "log"` (the default without `smtp_url`) nobody
    /// receives address confirmations, password resets, invitation codes
    /// or offers. Allowed only when `mail_to_log_in_production = true`
    /// says so, and then [`Config::mail_warning`] is logged at every start.
    /// Checked by `atout serve` (the full server), not by the other
    /// commands, which send no mail.
    pub fn check_mail_delivery(&self) -> Result<(), ConfigError> {
        if self.mode == Mode::Production
            && self.wallet.mail_sender == MailSender::Log
            && !self.wallet.mail_to_log_in_production
        {
            return Err(invalid(
                "production needs a mail server: without smtp_url (or with mail_sender = \"log\") \
                 no mail is delivered, so nobody could confirm an address, reset a password or \
                 receive an invitation code. Set ATOUT_SMTP_URL_FILE (or ATOUT_SMTP_URL), e.g. \
                 smtp://user:password@mail.example.org:587?tls=required; or, to run without \
                 delivering mail on purpose, set ATOUT_MAIL_TO_LOG_IN_PRODUCTION=true",
            ));
        }
        Ok(())
    }

    /// The warning to log at every start when production runs without
    /// delivering mail (on purpose: `mail_to_log_in_production = true`).
    pub fn mail_warning(&self) -> Option<&'static str> {
        (self.mode == Mode::Production && self.wallet.mail_sender == MailSender::Log).then_some(
            "mail is not delivered (mail_sender = \"log\", allowed by \
             mail_to_log_in_production): citizens cannot confirm their address, reset a \
             password or receive invitation codes; the log records only that a message was \
             queued, never its content. Set ATOUT_SMTP_URL_FILE to deliver mail",
        )
    }

    /// The base URL without a trailing slash, for building links.
    pub fn base(&self) -> &str {
        self.base_url.as_str().trim_end_matches('/')
    }

    /// The effective configuration as TOML, secrets redacted.
    pub fn to_toml(&self) -> String {
        fn redacted(s: &Option<SecretString>) -> &'static str {
            if s.is_some() {
                "\"[redacted]\""
            } else {
                "\"\" # not set"
            }
        }
        let mut out = String::new();
        let mut line = |k: &str, v: String| out.push_str(&format!("{k} = {v}\n"));
        line(
            "mode",
            format!(
                "\"{}\"",
                if self.mode == Mode::Production {
                    "production"
                } else {
                    "development"
                }
            ),
        );
        line("listen", format!("\"{}\"", self.listen));
        line("base_url", format!("\"{}\"", self.base()));
        line(
            "data_dir",
            format!("{:?}", self.data_dir.display().to_string()),
        );
        line(
            "database_url",
            format!("{:?}", redact_url(&self.database_url)),
        );
        line(
            "database_password",
            redacted(&self.database_password).into(),
        );
        line(
            "database_max_connections",
            self.database_max_connections.to_string(),
        );
        line(
            "master_key",
            if self.master_key.is_some() {
                "\"[redacted]\"".into()
            } else {
                format!(
                    "\"\" # development: read or created at {:?}",
                    self.data_dir.join("master.key")
                )
            },
        );
        line(
            "admin_token",
            if self.admin_token.is_some() {
                "\"[redacted]\"".into()
            } else {
                format!(
                    "\"\" # development: read or created at {:?}",
                    self.data_dir.join("admin.token")
                )
            },
        );
        line("body_limit_bytes", self.body_limit_bytes.to_string());
        line(
            "shutdown_timeout_secs",
            self.shutdown_timeout.as_secs().to_string(),
        );
        line(
            "did_web_timeout_ms",
            self.did_web.timeout.as_millis().to_string(),
        );
        line("did_web_max_bytes", self.did_web.max_bytes.to_string());
        line(
            "did_web_cache_ttl_secs",
            self.did_web.cache_ttl.as_secs().to_string(),
        );
        line(
            "did_web_allow_private",
            self.did_web.allow_private.to_string(),
        );
        line("did_web_allow_http", self.did_web.allow_http.to_string());
        line(
            "metrics_listen",
            match self.metrics_listen {
                Some(a) => format!("\"{a}\""),
                None => "\"\" # not set: /metrics on the main port, admin token required".into(),
            },
        );
        line(
            "trusted_proxies",
            format!(
                "\"{}\"",
                self.trusted_proxies
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        );
        let path = |p: &Option<PathBuf>| match p {
            Some(p) => format!("{:?}", p.display().to_string()),
            None => "\"\" # not set".into(),
        };
        line("verifier_snapshot", path(&self.verifier_snapshot));
        line("verifier_registry", path(&self.verifier_registry));
        line(
            "registry_authority",
            match &self.registry_authority {
                Some(d) => format!("{d:?}"),
                None => "\"\" # not set: this platform's DID".into(),
            },
        );
        line(
            "registry_contact",
            match &self.registry_contact {
                Some(c) => format!("{c:?}"),
                None => "\"\" # not set: the console says to ask the platform administrator".into(),
            },
        );
        let w = &self.wallet;
        line(
            "mail_sender",
            format!(
                "\"{}\"",
                if w.mail_sender == MailSender::Smtp {
                    "smtp"
                } else {
                    "log"
                }
            ),
        );
        line("smtp_url", redacted(&w.smtp_url).into());
        line("mail_from", format!("{:?}", w.mail_from));
        line(
            "mail_to_log_in_production",
            w.mail_to_log_in_production.to_string(),
        );
        line("session_ttl_secs", w.session_ttl.as_secs().to_string());
        line("login_max_failures", w.login_max_failures.to_string());
        line(
            "password_hash_memory_mib",
            w.password_hash_memory_mib.to_string(),
        );
        line("offer_ttl_secs", w.offer_ttl.as_secs().to_string());
        line(
            "batch_offer_ttl_days",
            (w.batch_offer_ttl.as_secs() / 86_400).to_string(),
        );
        line(
            "batch_reminder_days",
            (w.batch_reminder.as_secs() / 86_400).to_string(),
        );
        line("object_store_url", format!("{:?}", w.object_store_url));
        line("document_max_bytes", w.document_max_bytes.to_string());
        line("document_quota_bytes", w.document_quota_bytes.to_string());
        line("log", format!("{:?}", self.log));
        line(
            "log_format",
            format!(
                "\"{}\"",
                if self.log_format == LogFormat::Json {
                    "json"
                } else {
                    "pretty"
                }
            ),
        );
        out
    }
}

/// Error messages about secret settings never repeat their value.
fn without_secrets(message: &str) -> String {
    if let Some(rest) = message.split("unknown field `").nth(1) {
        let field = rest.split('`').next().unwrap_or_default();
        return format!(
            "unknown field `{field}`{}",
            suggest(field)
                .map(|k| format!(" (did you mean `{k}`?)"))
                .unwrap_or_default()
        );
    }
    for key in ["master_key", "admin_token", "database_password", "smtp_url"] {
        if message.contains(&format!("`{key}`")) || message.contains(&format!(" {key}")) {
            return format!(
                "invalid value for {key} (a secret: its value is not shown); expected a string"
            );
        }
    }
    // serde_with's wording for a value that is neither the type nor a string.
    message.replace(
        "PickFirst could not deserialize any variant",
        "the value has the wrong type or format",
    )
}

fn secret(
    name: &str,
    value: Option<String>,
    file: Option<PathBuf>,
) -> Result<Option<SecretString>, ConfigError> {
    match (value, file) {
        (Some(_), Some(_)) => Err(invalid(format!(
            "set either {name} or {name}_file (ATOUT_{upper} or ATOUT_{upper}_FILE), not both",
            upper = name.to_ascii_uppercase()
        ))),
        (Some(v), None) if v.is_empty() => Ok(None),
        (Some(v), None) => Ok(Some(SecretString::from(v))),
        (None, Some(path)) => {
            let text = std::fs::read_to_string(&path).map_err(|e| {
                invalid(format!("{name}_file: cannot read {}: {e}", path.display()))
            })?;
            let text = text.trim_end_matches(['\n', '\r']).to_owned();
            if text.is_empty() {
                return Err(invalid(format!("{name}_file: {} is empty", path.display())));
            }
            Ok(Some(SecretString::from(text)))
        }
        (None, None) => Ok(None),
    }
}

fn parse_base_url(text: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(text).map_err(|e| {
        invalid(format!(
            "base_url {text:?} is not a URL ({e}); expected e.g. https://portfolio.example.org"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(
            "base_url must start with https:// (or http:// in development)",
        ));
    }
    match url.host() {
        None => return Err(invalid("base_url must name a host")),
        Some(url::Host::Ipv6(_)) => {
            return Err(invalid(
                "base_url cannot be an IPv6 literal: did:web identifiers need a host name or an \
                 IPv4 address",
            ))
        }
        Some(_) => {}
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(
            "base_url must be the root of a host (no path, query or fragment): did:web places \
             the platform's document at /.well-known/did.json",
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("base_url must not contain credentials"));
    }
    Ok(url)
}

fn check_database_url(url: &str) -> Result<(), ConfigError> {
    let scheme = url.split(':').next().unwrap_or_default();
    match scheme {
        "sqlite" | "postgres" | "postgresql" => Ok(()),
        _ => Err(invalid(format!(
            "database_url: unsupported scheme {scheme:?}; Atout runs on sqlite://PATH (the \
             default) or postgres://USER@HOST/DB"
        ))),
    }
}

/// Hides the password part of a database URL.
pub fn redact_url(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("[redacted]"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// The known key closest to an unknown one, for "did you mean".
fn suggest(key: &str) -> Option<&'static str> {
    KEYS.iter()
        .map(|k| (levenshtein(k, key), *k))
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, k)| k)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_need_nothing() {
        let c = Config::load(None, env(&[("PATH", "/bin"), ("HOME", "/root")])).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(c.base(), "http://127.0.0.1:8080");
        assert_eq!(c.database_url, "sqlite://./data/atout.db");
        assert_eq!(c.mode, Mode::Development);
        assert!(c.master_key.is_none());
    }

    #[test]
    fn env_overrides_file_which_overrides_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("atout.toml");
        std::fs::write(
            &path,
            "listen = \"127.0.0.1:9000\"\nbase_url = \"https://file.example\"\nbody_limit_bytes = 4096\n",
        )
        .unwrap();
        let c = Config::load(
            Some(&path),
            env(&[
                ("ATOUT_BASE_URL", "https://env.example"),
                ("ATOUT_DID_WEB_ALLOW_PRIVATE", "true"),
            ]),
        )
        .unwrap();
        assert_eq!(c.listen.port(), 9000);
        assert_eq!(c.base(), "https://env.example");
        assert_eq!(c.body_limit_bytes, 4096);
        assert!(c.did_web.allow_private);
    }

    #[test]
    fn unknown_keys_are_refused_with_a_hint() {
        let err = Config::load(None, env(&[("ATOUT_BASE_URLL", "x")])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown setting ATOUT_BASE_URLL (did you mean ATOUT_BASE_URL?)"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("atout.toml");
        std::fs::write(&path, "lisen = \"127.0.0.1:9000\"\n").unwrap();
        let err = Config::load(Some(&path), env(&[])).unwrap_err().to_string();
        assert!(err.contains("unknown field `lisen`"), "{err}");
        assert!(err.contains("did you mean `listen`"), "{err}");
        assert!(err.contains("atout.toml"), "{err}");
    }

    #[test]
    fn secrets_from_files_and_redaction() {
        let dir = tempfile::tempdir().unwrap();
        let token = dir.path().join("token");
        std::fs::write(&token, "abcdefghijklmnopqrstuvwxyz0123\n").unwrap();
        let key = dir.path().join("key");
        std::fs::write(&key, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=").unwrap();
        let c = Config::load(
            None,
            env(&[
                ("ATOUT_ADMIN_TOKEN_FILE", token.to_str().unwrap()),
                ("ATOUT_MASTER_KEY_FILE", key.to_str().unwrap()),
                ("DATABASE_URL", "postgres://u:hunter2@db/atout"),
            ]),
        )
        .unwrap();
        assert_eq!(
            c.admin_token.as_ref().unwrap().expose_secret(),
            "abcdefghijklmnopqrstuvwxyz0123"
        );
        let printed = format!("{c:?}");
        assert!(!printed.contains("abcdefghij"), "{printed}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(!printed.contains("AAAAAAAA"), "{printed}");
        let both = Config::load(
            None,
            env(&[
                ("ATOUT_ADMIN_TOKEN_FILE", token.to_str().unwrap()),
                ("ATOUT_ADMIN_TOKEN", "abcdefghijklmnopqrstuvwxyz0123"),
            ]),
        )
        .unwrap_err();
        assert!(both.to_string().contains("not both"));
    }

    #[test]
    fn invalid_values_explain_the_fix() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("ATOUT_LISTEN", "localhost")], "invalid setting"),
            (
                &[("ATOUT_BASE_URL", "portfolio.example.org")],
                "is not a URL",
            ),
            (
                &[("ATOUT_BASE_URL", "https://x.example/atout")],
                "root of a host",
            ),
            (&[("ATOUT_BASE_URL", "ftp://x.example")], "https://"),
            (
                &[("DATABASE_URL", "mysql://x")],
                "unsupported scheme \"mysql\"",
            ),
            (&[("DATABASE_URL", "postgress://x")], "unsupported scheme"),
            (&[("ATOUT_MASTER_KEY", "short")], "openssl rand -base64 32"),
            (&[("ATOUT_ADMIN_TOKEN", "short")], "at least 24"),
            (&[("ATOUT_MODE", "production")], "base_url is required"),
            (
                &[
                    ("ATOUT_MODE", "production"),
                    ("ATOUT_BASE_URL", "http://x.example"),
                ],
                "https in production",
            ),
            (
                &[
                    ("ATOUT_MODE", "production"),
                    ("ATOUT_BASE_URL", "https://x.example"),
                ],
                "master_key is required",
            ),
            (&[("ATOUT_DID_WEB_ALLOW_HTTP", "maybe")], "invalid setting"),
            (&[("ATOUT_BODY_LIMIT_BYTES", "-1")], "invalid setting"),
            (&[("ATOUT_BODY_LIMIT_BYTES", "10")], "between 1 KiB"),
            (
                &[("ATOUT_ADMIN_TOKEN_FILE", "/nonexistent/token")],
                "cannot read",
            ),
        ];
        for (vars, expected) in cases {
            let err = Config::load(None, env(vars)).unwrap_err().to_string();
            assert!(err.contains(expected), "{vars:?}: {err}");
        }
    }

    #[test]
    fn secrets_are_never_echoed_in_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("atout.toml");
        std::fs::write(&path, "master_key = 123456789\n").unwrap();
        let err = Config::load(Some(&path), env(&[])).unwrap_err().to_string();
        assert!(!err.contains("123456789"), "{err}");
        assert!(err.contains("master_key"), "{err}");
        let c = Config::load(None, env(&[("ATOUT_LISTEN", "[::1]:9000")])).unwrap();
        assert_eq!(c.base(), "http://localhost:9000");
    }

    #[test]
    fn production_refuses_development_conveniences() {
        let err = Config::load(
            None,
            env(&[
                ("ATOUT_MODE", "production"),
                ("ATOUT_BASE_URL", "https://x.example"),
                (
                    "ATOUT_MASTER_KEY",
                    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                ),
                ("ATOUT_ADMIN_TOKEN", "abcdefghijklmnopqrstuvwxyz0123"),
                ("ATOUT_DID_WEB_ALLOW_PRIVATE", "true"),
            ]),
        )
        .unwrap_err();
        assert!(err.to_string().contains("did_web_allow_private"));
    }

    #[test]
    fn production_without_a_mail_server_needs_an_explicit_opt_in() {
        let production = [
            ("ATOUT_MODE", "production"),
            ("ATOUT_BASE_URL", "https://x.example"),
            (
                "ATOUT_MASTER_KEY",
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            ),
            ("ATOUT_ADMIN_TOKEN", "abcdefghijklmnopqrstuvwxyz0123"),
        ];
        let load = |extra: &[(&str, &str)]| {
            let mut vars = production.to_vec();
            vars.extend_from_slice(extra);
            Config::load(None, env(&vars)).unwrap()
        };
        // The default sender, or "log" named explicitly: refused to serve.
        for c in [load(&[]), load(&[("ATOUT_MAIL_SENDER", "log")])] {
            let err = c.check_mail_delivery().unwrap_err().to_string();
            assert!(err.contains("ATOUT_SMTP_URL"), "{err}");
            assert!(
                err.contains("ATOUT_MAIL_TO_LOG_IN_PRODUCTION=true"),
                "{err}"
            );
            assert!(
                c.wallet.mail_folder.is_none(),
                "no mail files in production"
            );
        }
        let opted_in = load(&[("ATOUT_MAIL_TO_LOG_IN_PRODUCTION", "true")]);
        opted_in.check_mail_delivery().unwrap();
        assert!(opted_in.mail_warning().unwrap().contains("not delivered"));
        assert!(opted_in
            .to_toml()
            .contains("mail_to_log_in_production = true"));
        let smtp = load(&[("ATOUT_SMTP_URL", "smtp://mail.example:587")]);
        smtp.check_mail_delivery().unwrap();
        assert_eq!(smtp.mail_warning(), None);
        // Development: the log sender is the default, its messages go to
        // files of data_dir/mail.
        let dev = Config::load(None, env(&[("ATOUT_DATA_DIR", "/srv/atout")])).unwrap();
        dev.check_mail_delivery().unwrap();
        assert_eq!(dev.mail_warning(), None);
        assert_eq!(
            dev.wallet.mail_folder.as_deref(),
            Some(Path::new("/srv/atout/mail"))
        );
    }

    #[test]
    fn redacts_database_passwords() {
        assert_eq!(
            redact_url("postgres://u:secret@h/db"),
            "postgres://u:%5Bredacted%5D@h/db"
        );
        assert_eq!(redact_url("sqlite://./data/a.db"), "sqlite://./data/a.db");
    }
}
