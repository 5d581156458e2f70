//! The verifier deployed alone (`atout serve --only verifier`): no database
//! at all, a read-only database for verification links, and the offline
//! snapshot that verifies with the network cut.

use crate::common::*;
use crate::verify::{check, Issuer};
use atout::verifier_mode::{build_verifier_only, serve_verifier_only, VerifierOnly};
use atout_core::{clock::FixedClock, Config};
use serde_json::{json, Value};
use std::sync::Arc;

/// A verifier alone, serving on 127.0.0.1:0.
struct Alone {
    base: String,
    client: reqwest::Client,
    store: Option<Arc<dyn atout_core::store::Store>>,
    description: String,
    _task: tokio::task::JoinHandle<()>,
    _dir: tempfile::TempDir,
}

impl Alone {
    async fn start(base_url: &str, env: &[(&str, &str)]) -> Self {
        Self::start_at(base_url, env, start_time()).await
    }

    async fn start_at(
        base_url: &str,
        env: &[(&str, &str)],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut vars: Vec<(String, String)> = vec![
            ("ATOUT_BASE_URL".into(), base_url.into()),
            (
                "ATOUT_DATA_DIR".into(),
                dir.path().join("nothing-here").display().to_string(),
            ),
        ];
        vars.extend(env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let config = Config::load(None, vars).expect("configuration");
        let clock = Arc::new(FixedClock::new(now));
        let app: VerifierOnly = build_verifier_only(config, clock)
            .await
            .expect("verifier alone");
        let store = app.store.clone();
        let description = app.description.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            serve_verifier_only(app, listener, std::future::pending())
                .await
                .unwrap();
        });
        Self {
            base: format!("http://{addr}"),
            client: reqwest::Client::new(),
            store,
            description,
            _task: task,
            _dir: dir,
        }
    }

    async fn verify(&self, credential: &Value, options: Value) -> (u16, Value) {
        let res = self
            .client
            .post(format!("{}/credentials/verify", self.base))
            .json(&json!({"verifiableCredential": credential, "options": options}))
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.json().await.unwrap())
    }
}

async fn trust(app: &TestApp, did: &str) {
    let path = format!(
        "/admin/registry/issuers/{}",
        did.replace('%', "%25").replace(':', "%3A")
    );
    let res = app
        .client
        .put(app.url(&path))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({
            "name": {"fr": "Université d'Orléans", "en": "University of Orléans"},
            "accreditation": "Certificateur RNCP",
            "validFrom": "2025-01-01T00:00:00Z"
        }))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.text().await.unwrap());
}

#[tokio::test]
async fn a_verifier_alone_needs_no_database_and_writes_nothing() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    trust(app, &issuer.did).await;
    let issued = issuer.issue(crate::issue::diploma(app), json!({})).await;
    let revoked = issuer
        .issue(crate::issue::diploma(app), json!({"format": "vc+jwt"}))
        .await;
    issuer.set_status(&revoked, "revocation", true).await;
    // The signed registry, as a file.
    let export = app.get("/admin/registry/export", Some(ADMIN_TOKEN)).await;
    assert_eq!(export.status(), 200);
    let registry_file = app.data_dir.join("registry.json");
    std::fs::write(&registry_file, export.text().await.unwrap()).unwrap();

    let alone = Alone::start(
        &app.base,
        &[
            ("ATOUT_DID_WEB_ALLOW_PRIVATE", "true"),
            ("ATOUT_DID_WEB_ALLOW_HTTP", "true"),
            ("ATOUT_VERIFIER_REGISTRY", registry_file.to_str().unwrap()),
        ],
    )
    .await;
    assert!(
        alone.store.is_none(),
        "no database unless DATABASE_URL is set"
    );
    assert!(
        alone.description.contains("no database"),
        "{}",
        alone.description
    );
    // The issuer's DID document and status lists come over HTTP.
    let (status, report) = alone
        .verify(&issued, json!({"requireTrustedIssuer": true}))
        .await;
    assert_eq!(status, 200, "{report:#}");
    assert_eq!(report["issuer"]["name"]["en"], "University of Orléans");
    let (status, report) = alone.verify(&revoked, json!({})).await;
    assert_eq!(status, 422);
    assert_eq!(check(&report, "revocation")["code"], "revoked");
    // Nothing was created on disk.
    assert!(!alone._dir.path().join("nothing-here").exists());
    // Health and readiness without a database.
    for path in ["/healthz", "/readyz"] {
        let res = alone
            .client
            .get(format!("{}{path}", alone.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path}");
    }
    // Routes of the full server are not there.
    let res = alone
        .client
        .post(format!("{}/credentials/issue", alone.base))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    // A registry file that does not verify is refused at start-up.
    let mut doc: Value =
        serde_json::from_str(&std::fs::read_to_string(&registry_file).unwrap()).unwrap();
    doc["credentialSubject"]["trustedIssuers"][0]["name"]["en"] = json!("Evil University");
    std::fs::write(&registry_file, doc.to_string()).unwrap();
    let config = Config::load(
        None,
        [
            ("ATOUT_BASE_URL", app.base.as_str()),
            ("ATOUT_DID_WEB_ALLOW_PRIVATE", "true"),
            ("ATOUT_DID_WEB_ALLOW_HTTP", "true"),
            ("ATOUT_VERIFIER_REGISTRY", registry_file.to_str().unwrap()),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned())),
    )
    .unwrap();
    let err = build_verifier_only(config, Arc::new(FixedClock::new(start_time())))
        .await
        .err()
        .expect("a tampered registry is refused");
    assert!(err.to_string().contains("does not verify"), "{err}");
}

#[tokio::test]
async fn verification_links_need_only_read_access() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    let issued = issuer.issue(crate::issue::diploma(app), json!({})).await;
    let alone = Alone::start(&app.base, &[("DATABASE_URL", app.db.url.as_str())]).await;
    let store = alone.store.clone().expect("a read-only database");
    assert!(
        alone.description.contains("read-only"),
        "{}",
        alone.description
    );
    // Writes are impossible on this connection.
    assert!(store.init_meta("probe", "x").await.is_err(), "read-only");
    // Keys of this platform come from the database; status from its store.
    let (status, report) = alone.verify(&issued, json!({})).await;
    assert_eq!(status, 200, "{report:#}");
    issuer.set_status(&issued, "suspension", true).await;
    let (status, report) = alone.verify(&issued, json!({})).await;
    assert_eq!(status, 422, "a suspension shows at once: {report:#}");
    assert_eq!(check(&report, "suspension")["code"], "suspended");
}

#[tokio::test]
async fn the_snapshot_verifies_with_the_network_cut() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    trust(app, &issuer.did).await;
    let good = issuer.issue(crate::issue::diploma(app), json!({})).await;
    let jwt = issuer
        .issue(
            crate::issue::diploma(app),
            json!({"format": "vc+jwt", "alg": "ES256"}),
        )
        .await;
    let revoked = issuer
        .issue(
            crate::issue::diploma(app),
            json!({"cryptosuite": "ecdsa-rdfc-2019"}),
        )
        .await;
    issuer.set_status(&revoked, "revocation", true).await;
    let kept = tempfile::tempdir().unwrap();
    let snapshot = kept.path().join("snapshot.json");
    let out = app
        .command()
        .args([
            "verifier",
            "snapshot",
            "--out",
            snapshot.to_str().unwrap(),
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stats: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stats["issuers"], 1);
    assert!(stats["did_documents"].as_u64().unwrap() >= 2, "{stats}");
    assert_eq!(stats["status_lists"], 2, "{stats}");
    let base = app.base.clone();
    // The network is cut: the issuing server is gone.
    issuer.app.stop().await;
    // The snapshot command ran on the system clock: verify a minute later.
    let bundle: Value = serde_json::from_str(&std::fs::read_to_string(&snapshot).unwrap()).unwrap();
    let taken = chrono::DateTime::parse_from_rfc3339(bundle["createdAt"].as_str().unwrap())
        .unwrap()
        .with_timezone(&chrono::Utc);
    let alone = Alone::start_at(
        &base,
        &[("ATOUT_VERIFIER_SNAPSHOT", snapshot.to_str().unwrap())],
        taken + chrono::Duration::minutes(1),
    )
    .await;
    assert!(
        alone.description.contains("offline"),
        "{}",
        alone.description
    );
    for credential in [&good, &jwt] {
        let (status, report) = alone
            .verify(credential, json!({"requireTrustedIssuer": true}))
            .await;
        assert_eq!(status, 200, "{report:#}");
        assert_eq!(report["issuer"]["name"]["fr"], "Université d'Orléans");
        // How fresh the status data is: the snapshot's date.
        assert!(report["statusFetchedAt"].as_str().is_some(), "{report:#}");
    }
    let (status, report) = alone.verify(&revoked, json!({})).await;
    assert_eq!(status, 422);
    assert_eq!(check(&report, "revocation")["code"], "revoked");
    // An issuer the snapshot does not hold: could not check, never valid.
    let key = atout_core::crypto::PrivateKey::generate(atout_core::crypto::KeyAlgorithm::Ed25519)
        .unwrap();
    let elsewhere = "did:web:elsewhere.example";
    let mut other = crate::verify::simple_credential(elsewhere, None);
    other["proof"] = json!({
        "type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-01-15T09:00:00Z", "verificationMethod": format!("{elsewhere}#key-1"),
        "proofPurpose": "assertionMethod",
        "proofValue": format!("z{}", bs58::encode(key.sign(b"x").unwrap()).into_string())
    });
    let (status, report) = alone.verify(&other, json!({})).await;
    assert_eq!(status, 422);
    assert_eq!(
        check(&report, "issuer-key")["status"],
        "could-not-check",
        "{report:#}"
    );
    assert!(check(&report, "issuer-key")["reason"]
        .as_str()
        .unwrap()
        .contains("snapshot"));
}

#[tokio::test]
async fn the_binary_serves_the_verifier_alone() {
    use std::io::BufRead as _;
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_atout"))
        .args(["serve", "--only", "verifier"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("ATOUT_LISTEN", "127.0.0.1:0")
        .env("ATOUT_DATA_DIR", dir.path().join("data"))
        .env("ATOUT_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .unwrap();
        line
    })
    .await
    .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .unwrap_or_else(|| panic!("{line}"))
        .trim()
        .to_owned();
    let client = reqwest::Client::new();
    let res = client
        .get(format!("http://{addr}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = client
        .post(format!("http://{addr}/credentials/verify"))
        .json(&json!({"verifiableCredential": "not a credential"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 400).await;
    let res = client
        .get(format!("http://{addr}/verify"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "the paste page works without a database");
    child.kill().unwrap();
    let _ = child.wait();
    assert!(!dir.path().join("data").exists(), "nothing written");
}
