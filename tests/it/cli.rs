//! The command line, run as the real `atout` binary: exit codes (0 ok,
//! 1 failed, 2 bad configuration or usage), what goes to stdout and stderr,
//! and sharing the database with a running server.
//!
//! Every command starts from an empty environment (`env_clear`): the test
//! process may have `DATABASE_URL` pointing at the PostgreSQL admin
//! database, and stray `ATOUT_*` variables would be refused.

use crate::common::{TestApp, TestDb, ADMIN_TOKEN, MASTER_KEY};
use base64::Engine as _;
use serde_json::Value;
use std::{path::Path, process::Stdio, time::Duration};
use tempfile::TempDir;
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::Command,
};

/// The public base URL the CLI tests configure: DIDs derive from it.
const BASE_URL: &str = "https://portfolio.example.org";

/// The binary with an empty environment but `PATH`.
fn atout() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_atout"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(Stdio::null())
        .kill_on_drop(true);
    cmd
}

/// What a finished command left behind.
struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn describe(&self) -> String {
        format!(
            "exit code {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }

    /// Asserts success and returns stdout.
    fn ok(&self) -> &str {
        assert_eq!(self.code, 0, "expected success: {}", self.describe());
        &self.stdout
    }

    /// Asserts success and parses stdout as JSON.
    fn json(&self) -> Value {
        let stdout = self.ok();
        serde_json::from_str(stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.describe()))
    }

    /// Asserts this exit code, an empty stdout and these words on stderr.
    fn fails(&self, code: i32, expected: &[&str]) {
        assert_eq!(self.code, code, "{}", self.describe());
        assert!(
            self.stdout.trim().is_empty(),
            "nothing on stdout on failure: {}",
            self.describe()
        );
        for e in expected {
            assert!(
                self.stderr.contains(e),
                "stderr should mention {e:?}: {}",
                self.describe()
            );
        }
    }
}

async fn output(mut cmd: Command) -> Out {
    let out = tokio::time::timeout(Duration::from_secs(120), cmd.output())
        .await
        .expect("the command finishes within 120 s")
        .expect("run atout");
    Out {
        code: out
            .status
            .code()
            .unwrap_or_else(|| panic!("killed by a signal: {:?}", out.status)),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs the binary with exactly these environment variables (and `PATH`).
async fn run_env(env: &[(&str, &str)], args: &[&str]) -> Out {
    let mut cmd = atout();
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    output(cmd).await
}

/// A database and a data folder of their own, for CLI commands.
struct Cli {
    db: TestDb,
    data: TempDir,
}

impl Cli {
    async fn new() -> Self {
        Self {
            db: TestDb::new().await,
            data: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn data_dir(&self) -> &str {
        self.data.path().to_str().unwrap()
    }

    /// Runs with this test's database, data folder, base URL and a master
    /// key, plus `extra` variables.
    async fn run_with(&self, extra: &[(&str, &str)], args: &[&str]) -> Out {
        let mut env = vec![
            ("DATABASE_URL", self.db.url.as_str()),
            ("ATOUT_DATA_DIR", self.data_dir()),
            ("ATOUT_BASE_URL", BASE_URL),
        ];
        if !extra.iter().any(|(k, _)| *k == "ATOUT_MASTER_KEY") {
            env.push(("ATOUT_MASTER_KEY", MASTER_KEY));
        }
        env.extend_from_slice(extra);
        run_env(&env, args).await
    }

    async fn run(&self, args: &[&str]) -> Out {
        self.run_with(&[], args).await
    }
}

fn keys(details: &Value) -> &Vec<Value> {
    details["keys"].as_array().expect("keys is an array")
}

fn key<'a>(details: &'a Value, fragment: &str) -> &'a Value {
    keys(details)
        .iter()
        .find(|k| k["fragment"] == fragment)
        .unwrap_or_else(|| panic!("no {fragment} in {details:#}"))
}

fn org_did(slug: &str) -> String {
    format!("did:web:portfolio.example.org:orgs:{slug}")
}

#[tokio::test]
async fn org_create_prints_the_organisation_and_refuses_duplicates_and_bad_slugs() {
    let cli = Cli::new().await;
    let created = cli
        .run(&[
            "org",
            "create",
            "univ-orleans",
            "--name-fr",
            "Université d'Orléans",
            "--name-en",
            "University of Orléans",
            "--json",
        ])
        .await
        .json();
    assert_eq!(created["slug"], "univ-orleans");
    assert_eq!(created["name_fr"], "Université d'Orléans");
    assert_eq!(created["name_en"], "University of Orléans");
    assert_eq!(created["did"], org_did("univ-orleans").as_str());
    assert!(created["id"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(keys(&created).len(), 1, "{created:#}");
    let k1 = key(&created, "key-1");
    assert_eq!(k1["algorithm"], "Ed25519");
    assert_eq!(k1["status"], "active");
    assert_eq!(
        k1["verification_method"],
        format!("{}#key-1", org_did("univ-orleans")).as_str()
    );
    let multibase = k1["public_key_multibase"].as_str().unwrap();
    assert!(multibase.starts_with('z'), "{multibase}");
    let text = serde_json::to_string(&created).unwrap();
    assert!(!text.contains("private"), "no private key: {text}");
    assert!(!text.contains("sealed"), "no private key: {text}");

    // The same data, read back.
    let shown = cli
        .run(&["org", "show", "univ-orleans", "--json"])
        .await
        .json();
    assert_eq!(shown, created);

    // With --p256: an Ed25519 and a P-256 key.
    let both = cli
        .run(&["org", "create", "two-keys", "--p256", "--json"])
        .await
        .json();
    assert_eq!(both["did"], org_did("two-keys").as_str());
    // Names default to the slug.
    assert_eq!(both["name_fr"], "two-keys");
    assert_eq!(both["name_en"], "two-keys");
    assert_eq!(keys(&both).len(), 2, "{both:#}");
    assert_eq!(key(&both, "key-1")["algorithm"], "Ed25519");
    assert_eq!(key(&both, "key-2")["algorithm"], "P-256");
    assert!(keys(&both).iter().all(|k| k["status"] == "active"));

    // The human-readable form names the DID and its document.
    let plain = cli.run(&["org", "create", "plain-text"]).await;
    let stdout = plain.ok();
    assert!(stdout.contains(&org_did("plain-text")), "{stdout}");
    assert!(
        stdout.contains(&format!("{BASE_URL}/orgs/plain-text/did.json")),
        "{stdout}"
    );
    assert!(stdout.contains("key-1"), "{stdout}");

    // A second creation with the same slug fails and says why.
    cli.run(&["org", "create", "univ-orleans", "--json"])
        .await
        .fails(1, &["\"univ-orleans\"", "already exists"]);
    // A bad slug fails with the reason.
    cli.run(&["org", "create", "Bad_Slug"])
        .await
        .fails(1, &["invalid slug", "lowercase"]);
    cli.run(&["org", "create", "admin"])
        .await
        .fails(1, &["invalid slug"]);

    // Nothing was left behind by the failures.
    let list = cli.run(&["org", "list", "--json"]).await.json();
    let mut slugs: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["slug"].as_str().unwrap())
        .collect();
    slugs.sort_unstable();
    assert_eq!(slugs, ["plain-text", "two-keys", "univ-orleans"]);
    let univ = list
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["slug"] == "univ-orleans")
        .unwrap();
    assert_eq!(univ["did"], org_did("univ-orleans").as_str());
    assert_eq!(univ["id"], created["id"]);

    // Unknown organisation.
    cli.run(&["org", "show", "nobody-here", "--json"])
        .await
        .fails(1, &["\"nobody-here\""]);
}

fn is_api_key(line: &str) -> bool {
    line.strip_prefix("atout_").is_some_and(|rest| {
        rest.len() >= 40
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    })
}

#[tokio::test]
async fn api_key_create_prints_only_the_key_and_list_never_shows_it() {
    let cli = Cli::new().await;
    cli.run(&["org", "create", "keyed-org"]).await.ok();

    let created = cli
        .run(&["org", "api-key", "create", "keyed-org", "--name", "ci"])
        .await;
    let stdout = created.ok();
    assert!(stdout.ends_with('\n'), "{stdout:?}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "only the key on stdout: {stdout:?}");
    let api_key = lines[0];
    assert!(is_api_key(api_key), "{api_key:?}");

    let list = cli
        .run(&["org", "api-key", "list", "keyed-org", "--json"])
        .await;
    let listed = list.json();
    assert!(
        !list.stdout.contains(api_key),
        "the key is never listed: {}",
        list.stdout
    );
    let items = listed.as_array().unwrap();
    assert_eq!(items.len(), 1, "{listed:#}");
    let item = &items[0];
    assert_eq!(item["name"], "ci");
    assert!(item["revoked_at"].is_null(), "{item:#}");
    assert!(item.get("token_hash").is_none(), "{item:#}");
    assert!(item.get("key").is_none(), "{item:#}");
    let prefix = item["prefix"].as_str().unwrap();
    assert!(api_key.starts_with(prefix), "{prefix} / {api_key}");
    assert!(prefix.len() < api_key.len() / 2, "{prefix}");
    let id = item["id"].as_str().unwrap().to_owned();

    // A second key, then revoke the first one.
    let second = cli.run(&["org", "api-key", "create", "keyed-org"]).await;
    let second_key = second.ok().trim().to_owned();
    assert!(is_api_key(&second_key), "{second_key:?}");
    assert_ne!(second_key, api_key);

    let revoked = cli
        .run(&["org", "api-key", "revoke", "keyed-org", &id])
        .await;
    assert!(revoked.ok().contains(&id), "{}", revoked.describe());
    let listed = cli
        .run(&["org", "api-key", "list", "keyed-org", "--json"])
        .await
        .json();
    let items = listed.as_array().unwrap();
    assert_eq!(items.len(), 2, "{listed:#}");
    let first = items.iter().find(|k| k["id"] == id.as_str()).unwrap();
    assert!(first["revoked_at"].is_string(), "{first:#}");
    let other = items.iter().find(|k| k["id"] != id.as_str()).unwrap();
    assert!(other["revoked_at"].is_null(), "{other:#}");
    assert_eq!(other["name"], "cli", "the default name");

    // The plain list says which one is revoked, still without the keys.
    let plain = cli.run(&["org", "api-key", "list", "keyed-org"]).await;
    let text = plain.ok();
    assert!(
        !text.contains(api_key) && !text.contains(&second_key),
        "{text}"
    );
    let line = text.lines().find(|l| l.contains(&id)).expect("listed");
    assert!(line.contains("revoked"), "{line}");

    // Revoking twice, or an unknown key, fails.
    cli.run(&["org", "api-key", "revoke", "keyed-org", &id])
        .await
        .fails(1, &["already revoked"]);
    cli.run(&["org", "api-key", "revoke", "keyed-org", "no-such-id"])
        .await
        .fails(1, &["no-such-id"]);
    // An unknown organisation.
    cli.run(&["org", "api-key", "create", "nobody-here"])
        .await
        .fails(1, &["\"nobody-here\""]);
}

#[tokio::test]
async fn org_create_did_key_and_its_key_never_changes() {
    let cli = Cli::new().await;
    let created = cli
        .run(&["org", "create", "petit", "--did-key", "--json"])
        .await
        .json();
    let did = created["did"].as_str().unwrap().to_owned();
    assert!(did.starts_with("did:key:z6Mk"), "{created:#}");
    assert_eq!(created["did_method"], "key");
    assert_eq!(keys(&created).len(), 1);
    let multibase = keys(&created)[0]["public_key_multibase"].as_str().unwrap();
    assert_eq!(did, format!("did:key:{multibase}"));
    assert_eq!(
        keys(&created)[0]["verification_method"],
        format!("{did}#{multibase}").as_str()
    );

    // The text output names the DID and says there is no DID document.
    let text = cli.run(&["org", "create", "autre", "--did-key"]).await;
    assert!(text.ok().contains("did:key:z6Mk"), "{}", text.describe());
    assert!(text.ok().contains("resolves itself"), "{}", text.describe());
    assert!(!text.ok().contains("did.json"), "{}", text.describe());

    let shown = cli.run(&["org", "show", "petit", "--json"]).await.json();
    assert_eq!(shown["did"], did.as_str());
    let listed = cli.run(&["org", "list", "--json"]).await.json();
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["did"] == did.as_str()),
        "{listed:#}"
    );

    // A did:key cannot rotate or withdraw its key: refused, saying so.
    cli.run(&["org", "rotate-key", "petit"])
        .await
        .fails(1, &["did:key", "cannot rotate or withdraw"]);
    cli.run(&["org", "rotate-key", "petit", "--algorithm", "p256"])
        .await
        .fails(1, &["did:key"]);
    cli.run(&["org", "withdraw-key", "petit", multibase, "--yes"])
        .await
        .fails(1, &["did:key", "cannot rotate or withdraw"]);
    let after = cli.run(&["org", "show", "petit", "--json"]).await.json();
    assert_eq!(after["keys"], shown["keys"]);

    // One key only: --p256 is a usage error with --did-key.
    cli.run(&["org", "create", "p256-key", "--did-key", "--p256"])
        .await
        .fails(2, &["--p256"]);
}

#[tokio::test]
async fn rotate_and_retire_keys() {
    let cli = Cli::new().await;
    let created = cli
        .run(&["org", "create", "rotating", "--json"])
        .await
        .json();
    let key1 = key(&created, "key-1")["public_key_multibase"].clone();

    let rotated = cli
        .run(&["org", "rotate-key", "rotating", "--json"])
        .await
        .json();
    assert_eq!(rotated["fragment"], "key-2");
    assert_eq!(rotated["status"], "active");
    assert_eq!(rotated["algorithm"], "Ed25519");
    assert_eq!(
        rotated["verification_method"],
        format!("{}#key-2", org_did("rotating")).as_str()
    );
    assert_ne!(rotated["public_key_multibase"], key1);

    let shown = cli.run(&["org", "show", "rotating", "--json"]).await.json();
    assert_eq!(keys(&shown).len(), 2, "{shown:#}");
    let k1 = key(&shown, "key-1");
    assert_eq!(k1["status"], "retired");
    assert!(k1["retired_at"].is_string(), "{k1:#}");
    assert!(k1["withdrawn_at"].is_null(), "{k1:#}");
    assert_eq!(k1["public_key_multibase"], key1);
    let k2 = key(&shown, "key-2");
    assert_eq!(k2["status"], "active");
    assert_eq!(k2["public_key_multibase"], rotated["public_key_multibase"]);

    // The active key cannot be withdrawn: rotate first.
    cli.run(&["org", "retire-key", "rotating", "key-2", "--yes"])
        .await
        .fails(1, &["key-2", "rotate"]);
    // Unknown key.
    cli.run(&["org", "retire-key", "rotating", "key-9", "--yes"])
        .await
        .fails(1, &["\"key-9\""]);

    // Without --yes nothing happens, and the command says why.
    cli.run(&["org", "retire-key", "rotating", "key-1"])
        .await
        .fails(1, &["--yes", "cannot be undone"]);

    let retired = cli
        .run(&["org", "retire-key", "rotating", "key-1", "--yes"])
        .await;
    let text = retired.ok();
    assert!(
        text.contains("key-1") && text.contains("withdrawn"),
        "{text}"
    );
    let shown = cli.run(&["org", "show", "rotating", "--json"]).await.json();
    let k1 = key(&shown, "key-1");
    assert_eq!(k1["status"], "withdrawn");
    assert!(k1["withdrawn_at"].is_string(), "{k1:#}");
    assert_eq!(key(&shown, "key-2")["status"], "active");

    // The alias, on a key already withdrawn.
    cli.run(&[
        "org",
        "withdraw-key",
        "rotating",
        "key-1",
        "--json",
        "--yes",
    ])
    .await
    .fails(1, &["already withdrawn"]);

    // Rotating again, then withdrawing by key id rather than fragment.
    let third = cli
        .run(&["org", "rotate-key", "rotating", "--json"])
        .await
        .json();
    assert_eq!(third["fragment"], "key-3");
    let id2 = key(&shown, "key-2")["id"].as_str().unwrap().to_owned();
    let withdrawn = cli
        .run(&["org", "withdraw-key", "rotating", &id2, "--json", "--yes"])
        .await
        .json();
    assert_eq!(withdrawn["fragment"], "key-2");
    assert_eq!(withdrawn["status"], "withdrawn");

    let plain = cli.run(&["org", "show", "rotating"]).await;
    let text = plain.ok();
    for (fragment, status) in [
        ("key-1", "withdrawn"),
        ("key-2", "withdrawn"),
        ("key-3", "active"),
    ] {
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(fragment))
            .unwrap_or_else(|| panic!("{fragment} in {text}"));
        assert!(line.contains(status), "{line}");
    }

    // Unknown organisation.
    cli.run(&["org", "rotate-key", "nobody-here"])
        .await
        .fails(1, &["\"nobody-here\""]);
}

#[tokio::test]
async fn print_config_redacts_secrets_and_explains_bad_settings() {
    // No database is contacted: the host `h` does not even exist.
    let out = run_env(
        &[
            ("ATOUT_ADMIN_TOKEN", ADMIN_TOKEN),
            ("ATOUT_MASTER_KEY", MASTER_KEY),
            ("DATABASE_URL", "postgres://u:hunter2@h/db"),
        ],
        &["print-config"],
    )
    .await;
    let toml = out.ok();
    assert!(!toml.contains(ADMIN_TOKEN), "{toml}");
    assert!(!toml.contains(MASTER_KEY), "{toml}");
    assert!(!toml.contains("hunter2"), "{toml}");
    assert!(!out.stderr.contains(ADMIN_TOKEN), "{}", out.stderr);
    assert!(!out.stderr.contains("hunter2"), "{}", out.stderr);
    let lines: Vec<&str> = toml.lines().collect();
    for line in &lines {
        assert!(line.contains(" = "), "a TOML key = value line: {line:?}");
    }
    let value = |key: &str| -> &str {
        lines
            .iter()
            .find_map(|l| l.strip_prefix(&format!("{key} = ")))
            .unwrap_or_else(|| panic!("{key} in {toml}"))
    };
    assert_eq!(value("admin_token"), "\"[redacted]\"");
    assert_eq!(value("master_key"), "\"[redacted]\"");
    let db = value("database_url");
    assert!(
        db.starts_with("\"postgres://u:") && db.contains("redacted") && db.ends_with("@h/db\""),
        "{db}"
    );
    assert_eq!(value("mode"), "\"development\"");
    assert_eq!(value("listen"), "\"127.0.0.1:8080\"");

    // Without settings: the development defaults, and where the generated
    // secrets would live.
    let out = run_env(&[], &["print-config"]).await;
    let toml = out.ok();
    assert!(
        toml.contains("database_url = \"sqlite://./data/atout.db\""),
        "{toml}"
    );
    assert!(toml.contains("master.key"), "{toml}");
    assert!(toml.contains("admin.token"), "{toml}");

    // An unknown variable is refused with a suggestion.
    run_env(&[("ATOUT_LISTN", "127.0.0.1:9000")], &["print-config"])
        .await
        .fails(2, &["ATOUT_LISTN", "did you mean ATOUT_LISTEN"]);
    // ... for every command, not only print-config.
    run_env(&[("ATOUT_LISTN", "127.0.0.1:9000")], &["org", "list"])
        .await
        .fails(2, &["did you mean ATOUT_LISTEN"]);

    // Production without a base URL or a master key: exit 2, with the fix.
    run_env(&[("ATOUT_MODE", "production")], &["print-config"])
        .await
        .fails(2, &["base_url is required in production", "ATOUT_BASE_URL"]);
    run_env(
        &[
            ("ATOUT_MODE", "production"),
            ("ATOUT_BASE_URL", "https://portfolio.example.org"),
        ],
        &["print-config"],
    )
    .await
    .fails(
        2,
        &[
            "master_key is required in production",
            "ATOUT_MASTER_KEY_FILE",
        ],
    );
    // A bad value says what is expected.
    run_env(&[("ATOUT_MASTER_KEY", "short")], &["print-config"])
        .await
        .fails(2, &["openssl rand -base64 32"]);
}

#[tokio::test]
async fn usage_errors_exit_2() {
    run_env(&[], &["org", "frobnicate"]).await.fails(2, &[]);
    run_env(&[], &["org", "create"]).await.fails(2, &["<SLUG>"]);
    run_env(
        &[],
        &["org", "rotate-key", "some-org", "--algorithm", "rsa"],
    )
    .await
    .fails(2, &["use ed25519 or p256"]);
    let help = run_env(&[], &["--help"]).await;
    let text = help.ok();
    for command in ["serve", "migrate", "print-config", "org"] {
        assert!(text.contains(command), "{text}");
    }
}

#[tokio::test]
async fn migrate_is_idempotent() {
    let cli = Cli::new().await;
    for _ in 0..2 {
        let out = cli.run(&["migrate"]).await;
        assert!(out.ok().contains("up to date"), "{}", out.describe());
    }
    // The migrated database is usable and empty.
    let list = cli.run(&["org", "list", "--json"]).await.json();
    assert_eq!(list, serde_json::json!([]));
    cli.run(&["org", "create", "after-migrate"]).await.ok();
    cli.run(&["migrate"]).await.ok();
    let list = cli.run(&["org", "list", "--json"]).await.json();
    assert_eq!(list.as_array().unwrap().len(), 1, "{list:#}");
}

#[tokio::test]
async fn wrong_master_key_is_refused() {
    let cli = Cli::new().await;
    cli.run(&["org", "create", "sealed-org"]).await.ok();
    let other = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
    assert_ne!(other, MASTER_KEY);
    cli.run_with(&[("ATOUT_MASTER_KEY", &other)], &["org", "list"])
        .await
        .fails(1, &["master key", "ATOUT_MASTER_KEY"]);
    cli.run_with(
        &[("ATOUT_MASTER_KEY", &other)],
        &["org", "rotate-key", "sealed-org"],
    )
    .await
    .fails(1, &["master key"]);
    // Nothing changed, and the right key still works.
    let shown = cli
        .run(&["org", "show", "sealed-org", "--json"])
        .await
        .json();
    assert_eq!(keys(&shown).len(), 1, "{shown:#}");
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[tokio::test]
async fn development_master_key_is_kept_in_the_data_dir() {
    let cli = Cli::new().await;
    // No ATOUT_MASTER_KEY: development generates one in the data folder.
    let env = [
        ("DATABASE_URL", cli.db.url.as_str()),
        ("ATOUT_DATA_DIR", cli.data_dir()),
        ("ATOUT_BASE_URL", BASE_URL),
    ];
    run_env(&env, &["org", "create", "dev-org"]).await.ok();
    let path = cli.data.path().join("master.key");
    let stored = std::fs::read_to_string(&path).expect("master.key was created");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(stored.trim())
        .expect("base64");
    assert_eq!(bytes.len(), 32);
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
    // The next run reads the same key (it would be refused otherwise).
    let list = run_env(&env, &["org", "list", "--json"]).await.json();
    assert_eq!(list[0]["slug"], "dev-org");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), stored);
    // And configuring it explicitly is the same key.
    cli.run_with(
        &[("ATOUT_MASTER_KEY", stored.trim())],
        &["org", "show", "dev-org"],
    )
    .await
    .ok();
}

#[tokio::test]
async fn cli_and_running_server_share_the_database() {
    let app = TestApp::spawn().await;
    let env = [
        ("DATABASE_URL", app.db.url.as_str()),
        ("ATOUT_DATA_DIR", app.data_dir.to_str().unwrap()),
        ("ATOUT_MASTER_KEY", MASTER_KEY),
        ("ATOUT_ADMIN_TOKEN", ADMIN_TOKEN),
        ("ATOUT_BASE_URL", app.base.as_str()),
    ];
    let created = run_env(&env, &["org", "create", "cli-made", "--json"])
        .await
        .json();
    let multibase = key(&created, "key-1")["public_key_multibase"]
        .as_str()
        .unwrap()
        .to_owned();

    let res = app.get("/orgs/cli-made/did.json", None).await;
    assert_eq!(res.status(), 200);
    let doc: Value = res.json().await.unwrap();
    assert_eq!(doc["id"], created["did"], "{doc:#}");
    let methods = doc["verificationMethod"].as_array().expect("methods");
    assert!(
        methods
            .iter()
            .any(|m| m["publicKeyMultibase"] == multibase.as_str()),
        "{doc:#}"
    );

    // And the other way round: what the server created, the CLI sees.
    let over_http = app.create_org("http-made").await;
    let shown = run_env(&env, &["org", "show", "http-made", "--json"])
        .await
        .json();
    assert_eq!(shown["id"], over_http["id"]);
    assert_eq!(shown["did"], over_http["did"]);
    // A rotation from the CLI shows in the served document.
    let rotated = run_env(&env, &["org", "rotate-key", "cli-made", "--json"])
        .await
        .json();
    let res = app.get("/orgs/cli-made/did.json", None).await;
    assert_eq!(res.status(), 200);
    let doc: Value = res.json().await.unwrap();
    let published: Vec<&str> = doc["verificationMethod"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["publicKeyMultibase"].as_str())
        .collect();
    assert!(published.contains(&multibase.as_str()), "{doc:#}");
    assert!(
        published.contains(&rotated["public_key_multibase"].as_str().unwrap()),
        "{doc:#}"
    );
    app.stop().await;
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind a free port")
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn zero_configuration_serves_and_shuts_down_gracefully() {
    let cwd = tempfile::tempdir().unwrap();
    // The true default (127.0.0.1:8080) when it is free; otherwise another
    // port, so that a developer's running server does not fail the test.
    let default_free = std::net::TcpListener::bind("127.0.0.1:8080").is_ok();
    let port = if default_free { 8080 } else { free_port() };
    let listen = format!("127.0.0.1:{port}");
    let home = std::env::var_os("HOME").unwrap_or_else(|| cwd.path().as_os_str().to_owned());
    let mut cmd = atout();
    cmd.current_dir(cwd.path()).env("HOME", &home);
    if !default_free {
        cmd.env("ATOUT_LISTEN", &listen);
    }
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("start atout");
    let pid = child.id().expect("a pid");

    // Keep draining both pipes: a closed stdout would make the server's
    // later prints fail.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let stdout = child.stdout.take().unwrap();
    let stdout_task = tokio::spawn(async move {
        let mut lines = BufReader::new(stdout).lines();
        let mut all = String::new();
        while let Ok(Some(line)) = lines.next_line().await {
            all.push_str(&line);
            all.push('\n');
            let _ = tx.send(line);
        }
        all
    });
    let stderr = child.stderr.take().unwrap();
    let stderr_task = tokio::spawn(async move {
        let mut lines = BufReader::new(stderr).lines();
        let mut all = String::new();
        while let Ok(Some(line)) = lines.next_line().await {
            all.push_str(&line);
            all.push('\n');
        }
        all
    });

    let listening = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = rx.recv().await {
            if line.contains("listening") {
                return Some(line);
            }
        }
        None
    })
    .await;
    let listening = match listening {
        Ok(Some(line)) => line,
        other => {
            let _ = child.start_kill();
            let _ = child.wait().await;
            let stderr = stderr_task.await.unwrap_or_default();
            panic!("no \"listening\" line ({other:?}); stderr:\n{stderr}");
        }
    };
    assert!(listening.contains(&listen), "{listening}");

    let base = format!("http://{listen}");
    let client = reqwest::Client::new();
    let res = client.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let res = client.get(format!("{base}/readyz")).send().await.unwrap();
    assert_eq!(res.status(), 200);

    let data = cwd.path().join("data");
    assert!(data.join("atout.db").is_file(), "the embedded SQLite file");
    let master_key = data.join("master.key");
    assert!(master_key.is_file());
    #[cfg(unix)]
    assert_eq!(mode(&master_key), 0o600);
    let token_path = data.join("admin.token");
    let token = std::fs::read_to_string(&token_path).expect("admin.token was created");
    let token = token.trim();
    assert!(token.len() >= 24, "{token:?}");
    #[cfg(unix)]
    assert_eq!(mode(&token_path), 0o600);

    // The admin token from the file creates an organisation.
    let res = client
        .post(format!("{base}/admin/orgs"))
        .json(&serde_json::json!({"slug": "first-org"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401, "the admin API needs the token");
    let res = client
        .post(format!("{base}/admin/orgs"))
        .bearer_auth(token)
        .json(&serde_json::json!({"slug": "first-org"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    // The default base URL derives from the listen address.
    let did = format!("did:web:127.0.0.1%3A{port}:orgs:first-org");
    assert_eq!(created["did"], did.as_str());
    let res = client
        .get(format!("{base}/orgs/first-org/did.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let doc: Value = res.json().await.unwrap();
    assert_eq!(doc["id"], did.as_str());

    // SIGTERM: a graceful shutdown with exit code 0.
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(kill.success(), "kill -TERM {pid}");
    let status = tokio::time::timeout(Duration::from_secs(60), child.wait())
        .await
        .expect("the server stops within 60 s of SIGTERM")
        .unwrap();
    let stdout = stdout_task.await.unwrap();
    let stderr = stderr_task.await.unwrap();
    assert!(
        status.success(),
        "{status:?}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}"
    );
    assert!(
        !stdout.contains(token),
        "the token is not printed: {stdout}"
    );
    assert!(!stderr.contains(token), "the token is not logged: {stderr}");

    // The same data, from the command line with the same defaults.
    let mut list = atout();
    list.current_dir(cwd.path()).args(["org", "list", "--json"]);
    if !default_free {
        list.env("ATOUT_LISTEN", &listen);
    }
    let list = output(list).await.json();
    assert_eq!(list[0]["slug"], "first-org", "{list:#}");

    // Another base URL on the same data is refused: its DIDs would not exist.
    let mut other = atout();
    other
        .current_dir(cwd.path())
        .env("ATOUT_BASE_URL", "https://elsewhere.example")
        .args(["org", "list"]);
    let out = other.output().await.unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("ATOUT_BASE_URL={base}")),
        "{stderr}"
    );
}
