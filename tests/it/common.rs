//! Test harness: real databases (a fresh SQLite file, or a fresh PostgreSQL
//! database when `DATABASE_URL` names a server) and real HTTP servers bound
//! to 127.0.0.1:0 and stopped through their shutdown channel.
//!
//! `TEST_LOG=1` shows the server's logs.

#![allow(dead_code)]

use atout::{App, Running};
#[allow(unused_imports)]
pub use atout_core::store::{CitizenStore, DocumentStore, OfferStore, WalletStore};
use atout_core::{clock::FixedClock, store::Store, Config};
use atout_web::AppState;
use chrono::{DateTime, Utc};
use std::{path::PathBuf, sync::Arc};
use tempfile::TempDir;

pub const ADMIN_TOKEN: &str = "test-admin-token-0123456789abcdef";
/// 32 zero-ish bytes are fine for tests; production keys come from a file.
/// The password every test citizen signs up with.
pub const CITIZEN_PASSWORD: &str = "correct horse battery staple";
pub const MASTER_KEY: &str = "dGVzdC1tYXN0ZXIta2V5LTAxMjM0NTY3ODlhYmNkZWY=";

pub fn init_logs() {
    if std::env::var_os("TEST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter("debug,sqlx=warn,hyper=info,reqwest=info")
            .with_test_writer()
            .try_init();
    }
}

pub fn start_time() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-01-15T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// A database of its own for one test, dropped afterwards.
pub struct TestDb {
    pub url: String,
    pg: Option<(String, String)>,
    _dir: Option<TempDir>,
}

impl TestDb {
    pub async fn new() -> Self {
        match std::env::var("DATABASE_URL") {
            Ok(admin_url) if admin_url.starts_with("postgres") => {
                let name = format!("atout_test_{}", uuid::Uuid::new_v4().simple());
                use sqlx::Connection;
                let mut admin = sqlx::postgres::PgConnection::connect(&admin_url)
                    .await
                    .expect("connect to PostgreSQL (DATABASE_URL)");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .await
                    .expect("create the test database");
                let mut url = url::Url::parse(&admin_url).expect("DATABASE_URL is a URL");
                url.set_path(&format!("/{name}"));
                Self {
                    url: url.to_string(),
                    pg: Some((admin_url, name)),
                    _dir: None,
                }
            }
            _ => {
                let dir = tempfile::tempdir().expect("temp dir");
                Self {
                    url: format!("sqlite://{}", dir.path().join("atout.db").display()),
                    pg: None,
                    _dir: Some(dir),
                }
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.pg.is_some()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.pg.take() {
            // Drop runs outside async: use a short-lived runtime on a thread.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(async move {
                    use sqlx::Connection;
                    if let Ok(mut admin) = sqlx::postgres::PgConnection::connect(&admin_url).await {
                        let _ =
                            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                                .execute(&mut admin)
                                .await;
                    }
                });
            })
            .join();
        }
    }
}

/// Environment for a test configuration.
pub fn test_env(db: &TestDb, data_dir: &std::path::Path, base_url: &str) -> Vec<(String, String)> {
    [
        ("DATABASE_URL", db.url.as_str()),
        ("ATOUT_DATA_DIR", data_dir.to_str().unwrap()),
        ("ATOUT_MASTER_KEY", MASTER_KEY),
        ("ATOUT_ADMIN_TOKEN", ADMIN_TOKEN),
        ("ATOUT_BASE_URL", base_url),
        ("ATOUT_DATABASE_MAX_CONNECTIONS", "5"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// A running Atout server on a real port, with its own database and clock.
pub struct TestApp {
    pub base: String,
    pub addr: std::net::SocketAddr,
    pub client: reqwest::Client,
    pub state: AppState,
    pub clock: Arc<FixedClock>,
    pub openapi: utoipa::openapi::OpenApi,
    pub data_dir: PathBuf,
    running: Option<Running>,
    _dir: TempDir,
    pub db: TestDb,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(&[]).await
    }

    /// Spawns with the base URL `http://localhost:<port>` (WebAuthn
    /// refuses IP addresses).
    pub async fn spawn_localhost() -> Self {
        Self::spawn_inner(&[], true).await
    }

    /// Spawns with extra `ATOUT_*` settings.
    pub async fn spawn_with(extra: &[(&str, &str)]) -> Self {
        Self::spawn_inner(extra, false).await
    }

    async fn spawn_inner(extra: &[(&str, &str)], localhost: bool) -> Self {
        init_logs();
        let db = TestDb::new().await;
        let dir = tempfile::tempdir().unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let base = if localhost {
            format!("http://localhost:{}", addr.port())
        } else {
            format!("http://{addr}")
        };
        let mut env = test_env(&db, dir.path(), &base);
        env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let config = Config::load(None, env).expect("test configuration");
        let clock = Arc::new(FixedClock::new(start_time()));
        let App {
            state,
            router,
            openapi,
        } = atout::build(config, clock.clone())
            .await
            .expect("build app");
        let app = App {
            state: state.clone(),
            router,
            openapi: openapi.clone(),
        };
        let running = Running::with_listeners(app, listener, None).unwrap();
        Self {
            base,
            addr,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            state,
            clock,
            openapi,
            data_dir: dir.path().to_owned(),
            running: Some(running),
            _dir: dir,
            db,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn store(&self) -> Arc<dyn Store> {
        self.state.store.clone()
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut req = self.client.get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap()
    }

    pub async fn post_json(
        &self,
        path: &str,
        token: Option<&str>,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        let mut req = self.client.post(self.url(path)).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap()
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut req = self.client.delete(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap()
    }

    /// Creates an organisation through the admin API; returns its details.
    pub async fn create_org(&self, slug: &str) -> serde_json::Value {
        let res = self
            .post_json(
                "/admin/orgs",
                Some(ADMIN_TOKEN),
                &serde_json::json!({"slug": slug, "name_fr": format!("Organisme {slug}"), "name_en": format!("Organisation {slug}")}),
            )
            .await;
        assert_eq!(res.status(), 201, "create {slug}");
        res.json().await.unwrap()
    }

    /// Creates an API key for an organisation; returns (id, key).
    pub async fn create_api_key(&self, slug: &str) -> (String, String) {
        let res = self
            .post_json(
                &format!("/admin/orgs/{slug}/api-keys"),
                Some(ADMIN_TOKEN),
                &serde_json::json!({"name": "test"}),
            )
            .await;
        assert_eq!(res.status(), 201);
        let body: serde_json::Value = res.json().await.unwrap();
        (
            body["id"].as_str().unwrap().to_owned(),
            body["key"].as_str().unwrap().to_owned(),
        )
    }

    /// Signs a citizen up through the API; returns their bearer token.
    pub async fn sign_up(&self, email: &str) -> String {
        let res = self
            .post_json(
                "/auth/signup",
                None,
                &serde_json::json!({
                    "email": email,
                    "password": CITIZEN_PASSWORD,
                    "displayName": email.split('@').next().unwrap(),
                    "session": "bearer",
                }),
            )
            .await;
        assert_eq!(res.status(), 201, "sign up {email}");
        let body: serde_json::Value = res.json().await.unwrap();
        body["token"].as_str().expect("a bearer token").to_owned()
    }

    /// The last message queued for `email` whose kind is `kind`, and the
    /// `token=` parameter of the link it carries.
    pub async fn mailed_token(&self, email: &str, kind: &str) -> String {
        let mail = self
            .store()
            .mail_to(email)
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.kind == kind)
            .unwrap_or_else(|| panic!("no {kind} mail to {email}"));
        let start = mail.body.find("token=").expect("a link with a token") + 6;
        mail.body[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    }

    /// The `atout` binary, configured for this app's database and data
    /// folder, with nothing else from the test's environment.
    pub fn command(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_atout"));
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(test_env(&self.db, &self.data_dir, &self.base));
        cmd
    }

    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await.expect("clean shutdown");
        }
    }
}

/// Asserts an RFC 9457 problem with this status; returns the body.
pub async fn assert_problem(res: reqwest::Response, status: u16) -> serde_json::Value {
    assert_eq!(res.status().as_u16(), status, "status");
    let content_type = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert_eq!(content_type, "application/problem+json");
    let request_id = res
        .headers()
        .get("x-request-id")
        .map(|v| v.to_str().unwrap().to_owned())
        .expect("x-request-id on every response");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert!(body["type"]
        .as_str()
        .unwrap()
        .starts_with("urn:atout:problem:"));
    assert!(!body["title"].as_str().unwrap().is_empty());
    assert_eq!(body["request_id"], request_id.as_str());
    body
}
