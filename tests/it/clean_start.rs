//! A normal start and ordinary commands print no error line, and the
//! start-up hint for creating an organisation works as printed on any
//! port (it carries the base URL setting then). The real binary.

use serde_json::Value;
use std::{process::Stdio, time::Duration};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::Command,
};

/// The binary with an empty environment but `PATH`, in `dir`.
fn atout(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_atout"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .current_dir(dir)
        .stdin(Stdio::null())
        .kill_on_drop(true);
    cmd
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind a free port")
        .local_addr()
        .unwrap()
        .port()
}

/// Lines at ERROR level (tracing's pretty format names the level).
fn error_lines(text: &str) -> Vec<&str> {
    text.lines().filter(|l| l.contains("ERROR")).collect()
}

async fn finished(mut cmd: Command) -> (bool, String, String) {
    let out = tokio::time::timeout(Duration::from_secs(120), cmd.output())
        .await
        .expect("the command finishes within 120 s")
        .expect("run atout");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn a_start_and_commands_print_no_error_and_the_hint_works_on_any_port() {
    let cwd = tempfile::tempdir().unwrap();
    // Never the default port: the hint must then carry the base URL.
    let mut port = free_port();
    while port == 8080 {
        port = free_port();
    }
    let listen = format!("127.0.0.1:{port}");
    let mut cmd = atout(cwd.path());
    cmd.env("ATOUT_LISTEN", &listen)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("start atout");
    let pid = child.id().expect("a pid");
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
    // The hint: the line after "Create a first organisation:".
    let hint = tokio::time::timeout(Duration::from_secs(60), async {
        let mut next_is_hint = false;
        while let Some(line) = rx.recv().await {
            if next_is_hint {
                return Some(line.trim().to_owned());
            }
            next_is_hint = line.contains("Create a first organisation");
        }
        None
    })
    .await;
    let hint = match hint {
        Ok(Some(line)) => line,
        other => {
            let _ = child.start_kill();
            let _ = child.wait().await;
            panic!(
                "no hint ({other:?}); stderr:\n{}",
                stderr_task.await.unwrap_or_default()
            );
        }
    };
    let base = format!("http://{listen}");
    assert!(
        hint.starts_with(&format!("ATOUT_BASE_URL={base} ")),
        "the hint carries the base URL: {hint}"
    );

    // The hint, typed as printed in another shell, works.
    let mut shell = Command::new("sh");
    shell
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .current_dir(cwd.path())
        .stdin(Stdio::null())
        .args(["-c", &hint]);
    let (ok, out, err) = finished(shell).await;
    assert!(ok, "the printed command works:\n{hint}\n{out}\n{err}");
    assert!(out.contains("univ-orleans"), "{out}");
    assert!(error_lines(&err).is_empty(), "{err}");
    let client = reqwest::Client::new();
    let doc: Value = client
        .get(format!("{base}/orgs/univ-orleans/did.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        doc["id"],
        format!("did:web:127.0.0.1%3A{port}:orgs:univ-orleans")
    );

    // Ordinary commands, with the server's settings: no error line, and
    // nothing said about passkeys (only `serve` says it, once).
    for args in [
        &["org", "list", "--json"][..],
        &["template", "list", "univ-orleans"],
        &["print-config"],
    ] {
        let mut cmd = atout(cwd.path());
        cmd.env("ATOUT_BASE_URL", &base).args(args);
        let (ok, out, err) = finished(cmd).await;
        assert!(ok, "{args:?}:\n{out}\n{err}");
        assert!(error_lines(&err).is_empty(), "{args:?}: {err}");
        assert!(!err.contains("passkey"), "{args:?}: {err}");
    }

    let kill = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(kill.success());
    let status = tokio::time::timeout(Duration::from_secs(60), child.wait())
        .await
        .expect("the server stops within 60 s of SIGTERM")
        .unwrap();
    let stdout = stdout_task.await.unwrap();
    let stderr = stderr_task.await.unwrap();
    assert!(status.success(), "{stdout}\n{stderr}");
    assert!(
        error_lines(&stderr).is_empty(),
        "no error line in a normal start:\n{stderr}"
    );
    assert!(!stderr.contains("webauthn"), "{stderr}");
    // An IP-address base URL: passkeys are off, said once in plain words.
    assert_eq!(stderr.matches("passkeys are off").count(), 1, "{stderr}");
    assert!(stderr.contains("domain name"), "{stderr}");
}
