//! No log line ever carries what grants access. The real `atout` binary
//! runs a citizen's whole story (sign-up and its confirmation mail, a
//! forgotten password and its reset mail, logins, a document, a share with
//! a PIN opened by a verifier, an invitation and its mailed code, an
//! organisation's API key) with every log on (`trace`, JSON) and its
//! output captured; no secret the story created or received appears in it.
//!
//! Production refuses to start when mail would not leave (no SMTP), unless
//! told so explicitly, and then warns at every start.

use crate::common::*;
use serde_json::{json, Value};
use std::{
    path::{Path, PathBuf},
    process::Stdio,
    sync::{Arc, Mutex},
    time::Duration,
};
use tokio::io::{AsyncBufReadExt, BufReader};

/// The `atout` binary, serving, its output captured as it comes.
struct Binary {
    child: tokio::process::Child,
    base: String,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    readers: Vec<tokio::task::JoinHandle<()>>,
}

fn capture<R: tokio::io::AsyncRead + Unpin + Send + 'static>(
    stream: R,
    into: Arc<Mutex<String>>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut lines = BufReader::new(stream).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            let mut all = into.lock().unwrap();
            all.push_str(&line);
            all.push('\n');
        }
    })
}

/// The binary with exactly these variables (and `PATH`).
fn command(env: &[(String, String)]) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_atout"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(env.iter().cloned())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

impl Binary {
    /// Starts `atout serve` and waits until it says where it listens.
    async fn start(env: &[(String, String)]) -> Self {
        let mut child = command(env).spawn().expect("start atout");
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let readers = vec![
            capture(child.stdout.take().unwrap(), stdout.clone()),
            capture(child.stderr.take().unwrap(), stderr.clone()),
        ];
        let mut binary = Self {
            child,
            base: String::new(),
            stdout,
            stderr,
            readers,
        };
        let line = binary
            .wait_for(&binary.stdout.clone(), |l| {
                l.starts_with("Atout is listening on http://")
            })
            .await;
        let addr = line["Atout is listening on http://".len()..]
            .split_whitespace()
            .next()
            .unwrap();
        binary.base = format!("http://{addr}");
        binary
    }

    /// Waits (at most 60 s) for a line of `output` matching `pred`.
    async fn wait_for(
        &mut self,
        output: &Arc<Mutex<String>>,
        pred: impl Fn(&str) -> bool,
    ) -> String {
        for _ in 0..600 {
            if let Some(line) = output.lock().unwrap().lines().find(|l| pred(l)) {
                return line.to_owned();
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("atout exited ({status}):\n{}", self.stderr.lock().unwrap());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("timed out; stderr:\n{}", self.stderr.lock().unwrap());
    }

    async fn wait_for_log(&mut self, pred: impl Fn(&str) -> bool) -> String {
        let stderr = self.stderr.clone();
        self.wait_for(&stderr, pred).await
    }

    /// SIGTERM, a graceful exit, and everything it wrote: (stdout, stderr).
    async fn stop(mut self) -> (String, String) {
        let pid = self.child.id().unwrap();
        let kill = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .unwrap();
        assert!(kill.success());
        let status = tokio::time::timeout(Duration::from_secs(60), self.child.wait())
            .await
            .expect("stops within 60 s")
            .unwrap();
        for r in self.readers.drain(..) {
            r.await.unwrap();
        }
        let stdout = self.stdout.lock().unwrap().clone();
        let stderr = self.stderr.lock().unwrap().clone();
        assert!(status.success(), "{status}\n{stderr}");
        (stdout, stderr)
    }
}

/// A development server on its own database and data folder, every log
/// on, as JSON.
fn development_env(db: &TestDb, data: &Path) -> Vec<(String, String)> {
    let mut env = test_env(db, data, "http://127.0.0.1:9");
    for (k, v) in [
        ("ATOUT_LISTEN", "127.0.0.1:0"),
        ("ATOUT_LOG", "trace"),
        ("ATOUT_LOG_FORMAT", "json"),
    ] {
        env.push((k.into(), v.into()));
    }
    env
}

/// The development mail folder's message of this kind to this address
/// that the test has not read yet (waits for the outbox worker).
async fn mail_file(data: &Path, kind: &str, to: &str, read: &mut Vec<PathBuf>) -> String {
    let folder = data.join("mail");
    for _ in 0..600 {
        if let Ok(entries) = std::fs::read_dir(&folder) {
            let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
            files.sort();
            for f in files {
                let name = f.file_name().unwrap().to_str().unwrap().to_owned();
                if read.contains(&f) || !name.ends_with(".txt") {
                    continue;
                }
                let text = std::fs::read_to_string(&f).unwrap();
                if text.starts_with(&format!("To: {to}\n"))
                    && text.contains(&format!("\nKind: {kind}\n"))
                {
                    #[cfg(unix)]
                    {
                        use std::os::unix::fs::PermissionsExt as _;
                        let mode = std::fs::metadata(&f).unwrap().permissions().mode();
                        assert_eq!(mode & 0o777, 0o600, "{}", f.display());
                    }
                    read.push(f);
                    return text;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no {kind} mail to {to} in {}", folder.display());
}

/// What follows `key` in `text`, up to the first character that cannot be
/// in a token or a code.
fn after(text: &str, key: &str) -> String {
    let at = text
        .find(key)
        .unwrap_or_else(|| panic!("no {key:?} in {text}"))
        + key.len();
    text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// The log as text with the numbers every line has (its time, its
/// duration) taken out, so that short numeric secrets can be looked for.
fn without_clock_numbers(logs: &str) -> String {
    logs.lines()
        .map(|l| match serde_json::from_str::<Value>(l) {
            Ok(mut v) => {
                if let Some(o) = v.as_object_mut() {
                    o.remove("timestamp");
                }
                if let Some(f) = v.get_mut("fields").and_then(Value::as_object_mut) {
                    f.remove("micros");
                }
                v.to_string()
            }
            Err(_) => l.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether `needle` occurs in `text` as a word of its own (not inside a
/// longer run of letters or digits).
fn occurs_alone(text: &str, needle: &str) -> bool {
    text.match_indices(needle).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + needle.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric())
            && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

#[tokio::test]
async fn no_log_line_carries_a_secret_of_a_whole_citizen_story() {
    let db = TestDb::new().await;
    let data = tempfile::tempdir().unwrap();
    let mut server = Binary::start(&development_env(&db, data.path())).await;
    let base = server.base.clone();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let url = |p: &str| format!("{base}{p}");
    // Everything that grants access, as the story meets it.
    let mut secrets: Vec<(&str, String)> = vec![
        ("admin token", ADMIN_TOKEN.to_owned()),
        ("master key", MASTER_KEY.to_owned()),
    ];
    let mut read = Vec::new();

    // Sign-up: a session, and the confirmation mail.
    let first_password = "a long first password, 2026";
    secrets.push(("first password", first_password.into()));
    let res = client
        .post(url("/auth/signup"))
        .json(
            &json!({"email": "renee@example.org", "password": first_password,
                      "displayName": "Renée", "session": "bearer"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let session: Value = res.json().await.unwrap();
    let first_session = session["token"].as_str().unwrap().to_owned();
    secrets.push(("sign-up session", first_session.clone()));
    let mail = mail_file(data.path(), "verify-email", "renee@example.org", &mut read).await;
    let link = mail
        .lines()
        .find(|l| l.contains("/account/verify-email?token="))
        .unwrap()
        .to_owned();
    let verify = after(&mail, "token=");
    secrets.push(("confirmation link", link));
    secrets.push(("confirmation token", verify.clone()));
    let res = client
        .get(url(&format!("/account/verify-email?token={verify}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = client
        .post(url("/auth/verify-email"))
        .bearer_auth(&first_session)
        .json(&json!({"token": verify}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());

    // A forgotten password: the reset mail, the page, the new password.
    let res = client
        .post(url("/auth/forgot-password"))
        .json(&json!({"email": "renee@example.org"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let mail = mail_file(
        data.path(),
        "reset-password",
        "renee@example.org",
        &mut read,
    )
    .await;
    let reset = after(&mail, "token=");
    secrets.push(("reset token", reset.clone()));
    let res = client
        .get(url(&format!("/account/reset-password?token={reset}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let password = "a brand new password, 2026";
    secrets.push(("new password", password.into()));
    let res = client
        .post(url("/auth/reset-password"))
        .json(&json!({"token": reset, "password": password}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());

    // Logins: a wrong password, then the right one.
    let wrong = "not the password at all";
    secrets.push(("wrong password", wrong.into()));
    let res = client
        .post(url("/auth/login"))
        .json(&json!({"email": "renee@example.org", "password": wrong}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let res = client
        .post(url("/auth/login"))
        .json(&json!({"email": "renee@example.org", "password": password, "session": "bearer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let token = res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    secrets.push(("session", token.clone()));

    // An entry and a document, shared behind a PIN.
    let res = client
        .post(url("/wallet/entries"))
        .bearer_auth(&token)
        .json(&json!({"kind": "skill", "title": "Menuiserie"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let entry = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = client
        .post(url("/wallet/documents?name=plan.pdf"))
        .bearer_auth(&token)
        .header("content-type", "application/pdf")
        .body(crate::documents::pdf(2000))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let document = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let pin = "739204618357";
    secrets.push(("PIN", pin.into()));
    let res = client
        .post(url("/wallet/shares"))
        .bearer_auth(&token)
        .json(&json!({"label": "Candidature", "entries": [entry], "documents": [document], "pin": pin}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let share: Value = res.json().await.unwrap();
    let share_url = share["url"].as_str().unwrap().to_owned();
    let share_path = share_url[share_url.find("/s/").unwrap()..].to_owned();
    secrets.push(("share link", share_url.clone()));
    secrets.push(("share token", share_path["/s/".len()..].to_owned()));
    // The verifier opens it: the PIN form, the PIN, the pass, the document.
    let res = client.get(url(&share_path)).send().await.unwrap();
    assert_eq!(res.status(), 401);
    let res = client
        .post(url(&share_path))
        .form(&[("pin", pin)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let pass = res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    secrets.push(("share pass", pass.split_once('=').unwrap().1.to_owned()));
    let res = client
        .get(url(&format!("{share_path}/documents/{document}")))
        .header("cookie", &pass)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = client
        .post(url(&format!("{share_path}/presentation")))
        .json(&json!({"challenge": "n-8f3a", "domain": "rh.example", "pin": pin}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // An invitation, its mailed link and code, the invited person's session.
    let res = client
        .post(url("/wallet/invitations"))
        .bearer_auth(&token)
        .json(&json!({"email": "sam@example.org", "role": "reader", "entries": [entry]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let invitation: Value = res.json().await.unwrap();
    let invitation_url = invitation["url"].as_str().unwrap().to_owned();
    let invitation_path = invitation_url[invitation_url.find("/i/").unwrap()..].to_owned();
    secrets.push(("invitation link", invitation_url.clone()));
    secrets.push((
        "invitation token",
        invitation_path["/i/".len()..].to_owned(),
    ));
    let mail = mail_file(data.path(), "invitation", "sam@example.org", &mut read).await;
    assert!(mail.contains(&invitation_path), "{mail}");
    let res = client
        .post(url(&format!("{invitation_path}/code")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let mail = mail_file(data.path(), "invitation-code", "sam@example.org", &mut read).await;
    let code = after(&mail, "code=");
    assert_eq!(code.len(), 6, "{mail}");
    let res = client
        .post(url(&format!("{invitation_path}/session")))
        .json(&json!({"code": code, "name": "Sam"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let invited = res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    secrets.push(("invited session", invited.clone()));
    let res = client
        .get(url(&format!("{invitation_path}/portfolio")))
        .bearer_auth(&invited)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // An organisation's API key, created and used.
    let res = client
        .post(url("/admin/orgs"))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({"slug": "univ-a"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let res = client
        .post(url("/admin/orgs/univ-a/api-keys"))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({"name": "registrar"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let key = res.json::<Value>().await.unwrap()["key"]
        .as_str()
        .unwrap()
        .to_owned();
    secrets.push(("API key", key.clone()));
    let res = client
        .get(url("/orgs/univ-a"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = client
        .post(url("/auth/logout"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());

    // Every mail was handed to the sender, which logged that it was
    // queued, to whom (masked), and where the development file is.
    for (kind, to) in [
        ("verify-email", "r***@example.org"),
        ("reset-password", "r***@example.org"),
        ("invitation", "s***@example.org"),
        ("invitation-code", "s***@example.org"),
    ] {
        let line = server
            .wait_for_log(|l| {
                l.contains(&format!("\"kind\":\"{kind}\"")) && l.contains("atout::mail")
            })
            .await;
        let line: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(line["fields"]["to"], to, "{line}");
        assert_eq!(
            line["fields"]["message"],
            "mail written to the development mail folder (not sent)"
        );
    }
    let (stdout, stderr) = server.stop().await;
    assert!(
        stderr.lines().count() > 100,
        "trace logs expected:\n{stderr}"
    );
    let everything = format!("{stdout}\n{stderr}");
    for (what, secret) in &secrets {
        assert!(
            !everything.contains(secret.as_str()),
            "the {what} is in the output:\n{everything}"
        );
    }
    // Short numeric secrets, as words of their own.
    let numbers = without_clock_numbers(&everything);
    assert!(
        !occurs_alone(&numbers, &code),
        "the invitation code {code} is in the logs"
    );
    assert!(!occurs_alone(&numbers, pin));
    // No link with a token, whatever it is for; no mail body.
    for marker in ["token=", "code=", "Bonjour", "Hello Renée"] {
        assert!(!everything.contains(marker), "{marker:?} in the output");
    }
}

/// A production configuration without SMTP, on this database.
fn production_env(db: &TestDb, data: &Path) -> Vec<(String, String)> {
    let mut env = test_env(db, data, "https://portfolio.example.org");
    env.push(("ATOUT_MODE".into(), "production".into()));
    env.push(("ATOUT_LISTEN".into(), "127.0.0.1:0".into()));
    env.push(("ATOUT_LOG_FORMAT".into(), "json".into()));
    env
}

#[tokio::test]
async fn production_without_a_mail_server_refuses_to_start_unless_told_so() {
    let db = TestDb::new().await;
    let data = tempfile::tempdir().unwrap();
    let env = production_env(&db, data.path());

    // No SMTP, with or without naming the log sender: refused, exit 2.
    for extra in [vec![], vec![("ATOUT_MAIL_SENDER", "log")]] {
        let mut env = env.clone();
        env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let out = tokio::time::timeout(Duration::from_secs(60), command(&env).output())
            .await
            .unwrap()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(out.stdout.is_empty());
        for words in [
            "configuration error: production needs a mail server",
            "ATOUT_SMTP_URL",
            "ATOUT_MAIL_TO_LOG_IN_PRODUCTION=true",
        ] {
            assert!(stderr.contains(words), "{words:?} in {stderr}");
        }
        assert_eq!(stderr.lines().count(), 1, "one clear line: {stderr}");
    }
    // Commands that send no mail are not concerned.
    let mut print = command(&env);
    print.arg("print-config");
    let out = print.output().await.unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("mail_to_log_in_production = false"));

    // Told so: it starts, and says at every start that mail is not
    // delivered.
    let mut env = env;
    env.push(("ATOUT_MAIL_TO_LOG_IN_PRODUCTION".into(), "true".into()));
    for start in 0..2 {
        let mut server = Binary::start(&env).await;
        let warning = server
            .wait_for_log(|l| {
                l.contains("\"level\":\"WARN\"") && l.contains("mail is not delivered")
            })
            .await;
        assert!(warning.contains("ATOUT_SMTP_URL_FILE"), "{warning}");
        if start == 0 {
            // A sign-up queues its confirmation: the log says a mail was
            // not delivered, to whom (masked), never its link.
            let res = reqwest::Client::new()
                .post(format!("{}/auth/signup", server.base))
                .json(
                    &json!({"email": "renee@example.org", "password": CITIZEN_PASSWORD,
                              "displayName": "Renée", "session": "bearer"}),
                )
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 201);
            let line = server
                .wait_for_log(|l| l.contains("\"kind\":\"verify-email\""))
                .await;
            let line: Value = serde_json::from_str(&line).unwrap();
            assert_eq!(line["fields"]["to"], "r***@example.org");
            assert!(line["fields"]["message"]
                .as_str()
                .unwrap()
                .starts_with("mail not delivered"));
        }
        let (_, stderr) = server.stop().await;
        let store =
            atout_core::store::connect(&atout_core::store::ConnectOptions::new(db.url.clone()))
                .await
                .unwrap();
        let mails = store.mail_to("renee@example.org").await.unwrap();
        let body = &mails[0].body;
        let token = after(body, "token=");
        assert!(mails[0].sent_at.is_some(), "handed to the sender");
        store.close().await;
        assert!(!stderr.contains(&token), "the link is not in the log");
        assert!(!stderr.contains("token="));
        assert!(
            !data.path().join("mail").exists(),
            "production writes no mail files"
        );
    }
}
