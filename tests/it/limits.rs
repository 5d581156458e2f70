//! Limits that hold under concurrency (issue 15): every limited action
//! reserves its attempt in the database before the secret is checked, so a
//! hundred simultaneous requests, from a hundred addresses, against one or
//! two server processes, get no more checks than the limit; password
//! hashing has a bounded number of places; per-address quotas answer 429
//! with `Retry-After`. Runs on SQLite and on PostgreSQL.

use crate::archive::entry;
use crate::common::*;
use futures_util::future::join_all;
use serde_json::{json, Value};
use std::time::Duration;

/// Settings that make the test client's `X-Forwarded-For` count: each
/// request can then come from an address of its own.
const BEHIND_PROXY: (&str, &str) = ("ATOUT_TRUSTED_PROXIES", "127.0.0.1/32");

fn address(i: usize) -> String {
    format!("198.51.100.{}", i % 250 + 1)
}

/// A citizen's share with the PIN 4821; returns its link path.
async fn share_with_pin(app: &TestApp) -> (String, String, String) {
    let token = app.sign_up("pin@example.org").await;
    let skill = entry(app, &token, json!({"kind": "skill", "title": "Menuiserie"})).await;
    let share = crate::shares::create(
        app,
        &token,
        json!({"label": "Avec code", "entries": [skill], "pin": "4821"}),
    )
    .await;
    (
        crate::shares::link_path(&share),
        share["id"].as_str().unwrap().to_owned(),
        token,
    )
}

/// One PIN attempt by software, from `from`.
async fn try_pin(client: &reqwest::Client, url: &str, pin: &str, from: &str) -> reqwest::Response {
    client
        .post(url)
        .header("x-forwarded-for", from)
        .json(&json!({"challenge": "c", "domain": "d", "pin": pin}))
        .send()
        .await
        .unwrap()
}

/// Statuses and problem types of a burst of answers; checks that every
/// 429 and 503 has `Retry-After` and an RFC 9457 body.
async fn tally(answers: Vec<reqwest::Response>) -> Vec<(u16, String)> {
    let mut out = Vec::new();
    for res in answers {
        let status = res.status().as_u16();
        if status == 429 || status == 503 {
            let retry: u64 = res.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .expect("Retry-After in seconds");
            assert!(retry >= 1);
            assert_eq!(
                res.headers()["content-type"],
                "application/problem+json",
                "an RFC 9457 body"
            );
        }
        let kind = if status == 200 {
            String::new()
        } else {
            let body: Value = res.json().await.unwrap_or(Value::Null);
            body["type"].as_str().unwrap_or_default().to_owned()
        };
        out.push((status, kind));
    }
    out
}

#[tokio::test]
async fn a_hundred_simultaneous_pins_get_five_checks_and_the_right_one_after_is_refused() {
    let app = TestApp::spawn_with(&[BEHIND_PROXY]).await;
    let (path, share_id, owner) = share_with_pin(&app).await;
    let url = app.url(&format!("{path}/presentation"));
    // 100 at once, each from its own address; the right PIN is the 60th.
    let answers = join_all((0..100).map(|i| {
        let pin = if i == 59 { "4821" } else { "0000" };
        let client = app.client.clone();
        let url = url.clone();
        async move { try_pin(&client, &url, pin, &address(i)).await }
    }))
    .await;
    let answers = tally(answers).await;
    let checked = answers.iter().filter(|(s, _)| *s != 429).count();
    assert!(checked <= 5, "at most five PINs were checked: {answers:?}");
    let locked = answers
        .iter()
        .filter(|(s, k)| *s == 429 && k.ends_with("pin-locked"))
        .count();
    assert!(locked >= 95, "the rest were refused: {answers:?}");
    let right_won = answers[59].0 == 200;
    // The right PIN, now, is refused too (unless it was one of the five
    // checked: then the failures were forgotten and the share is open).
    let res = try_pin(&app.client, &url, "4821", "203.0.113.9").await;
    if right_won {
        assert_eq!(res.status(), 200);
    } else {
        assert_problem(res, 429).await;
    }
    // The owner's access log tells them.
    let log =
        crate::archive::get_json(&app, &format!("/wallet/shares/{share_id}/accesses"), &owner)
            .await;
    let outcomes: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["outcome"].as_str().unwrap())
        .collect();
    let wrong = outcomes.iter().filter(|o| **o == "pin-wrong").count();
    assert!(wrong <= 4, "{outcomes:?}");
    assert!(
        outcomes.iter().filter(|o| **o == "pin-locked").count() >= 90,
        "{outcomes:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn two_server_processes_on_one_database_share_the_pin_limit() {
    let app = TestApp::spawn_with(&[BEHIND_PROXY]).await;
    let (path, _, _) = share_with_pin(&app).await;
    // Two more servers, real processes, on the same database.
    let mut servers = Vec::new();
    for _ in 0..2 {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut cmd = app.command();
        cmd.env("ATOUT_LISTEN", format!("127.0.0.1:{port}"))
            .env("ATOUT_TRUSTED_PROXIES", "127.0.0.1/32")
            .env("ATOUT_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let child = tokio::process::Command::from(cmd)
            .kill_on_drop(true)
            .spawn()
            .expect("start atout");
        let base = format!("http://127.0.0.1:{port}");
        let mut up = false;
        for _ in 0..300 {
            if let Ok(r) = app.client.get(format!("{base}/healthz")).send().await {
                if r.status() == 200 {
                    up = true;
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(up, "the second server started");
        servers.push((child, base));
    }
    // 100 wrong PINs at once, half to each process, each from its own
    // address; then the right one to each.
    let answers = join_all((0..100).map(|i| {
        let client = app.client.clone();
        let url = format!("{}{path}/presentation", servers[i % 2].1);
        async move { try_pin(&client, &url, "0000", &address(i)).await }
    }))
    .await;
    let answers = tally(answers).await;
    let checked = answers.iter().filter(|(s, _)| *s == 403).count();
    assert!(
        checked <= 4,
        "four wrong PINs answered as wrong, the fifth locks: {answers:?}"
    );
    assert!(answers.iter().filter(|(s, _)| *s == 429).count() >= 95);
    for (_, base) in &servers {
        let res = try_pin(
            &app.client,
            &format!("{base}{path}/presentation"),
            "4821",
            "203.0.113.7",
        )
        .await;
        assert_problem(res, 429).await;
    }
    for (mut child, _) in servers {
        let _ = child.kill().await;
    }
    app.stop().await;
}

#[tokio::test]
async fn a_hundred_simultaneous_logins_get_the_allowed_checks_and_the_owner_is_told() {
    let app = TestApp::spawn_with(&[BEHIND_PROXY]).await;
    app.sign_up("lea@example.org").await;
    let answers = join_all((0..100).map(|i| {
        let client = app.client.clone();
        let url = app.url("/auth/login");
        let password = if i == 59 {
            CITIZEN_PASSWORD
        } else {
            "wrong password!"
        };
        async move {
            client
                .post(url)
                .header("x-forwarded-for", address(i))
                .json(&json!({"email": "lea@example.org", "password": password}))
                .send()
                .await
                .unwrap()
        }
    }))
    .await;
    let answers = tally(answers).await;
    let checked = answers.iter().filter(|(s, _)| *s != 429).count();
    assert!(
        checked <= 5,
        "five checks at most (login_max_failures): {answers:?}"
    );
    assert!(answers
        .iter()
        .filter(|(s, _)| *s == 429)
        .all(|(_, k)| k.ends_with("too-many-attempts")));
    let right_won = answers[59].0 == 200;
    let res = app
        .post_json(
            "/auth/login",
            None,
            &json!({"email": "lea@example.org", "password": CITIZEN_PASSWORD}),
        )
        .await;
    if right_won {
        assert_eq!(res.status(), 200);
    } else {
        let problem = assert_problem(res, 429).await;
        assert!(problem["retryAfter"].as_u64().unwrap() <= 900);
        // The owner was told their logins are locked.
        let mails = app.store().mail_to("lea@example.org").await.unwrap();
        assert_eq!(mails.iter().filter(|m| m.kind == "login-locked").count(), 1);
    }
    app.stop().await;
}

#[tokio::test]
async fn a_hundred_simultaneous_invitation_codes_get_five_checks() {
    let app = TestApp::spawn_with(&[BEHIND_PROXY]).await;
    let owner = app.sign_up("owner@example.org").await;
    let skill = entry(&app, &owner, json!({"kind": "skill", "title": "Soudure"})).await;
    let invitation = crate::invitations::invite(
        &app,
        &owner,
        json!({"email": "guest@example.org", "role": "reader", "entries": [skill]}),
    )
    .await;
    let path = crate::invitations::link_path(&invitation);
    // Two code requests at once: one mail.
    let sent = join_all((0..2).map(|i| {
        let client = app.client.clone();
        let url = app.url(&format!("{path}/code"));
        async move {
            client
                .post(url)
                .header("x-forwarded-for", address(i))
                .send()
                .await
                .unwrap()
        }
    }))
    .await;
    let sent = tally(sent).await;
    assert_eq!(
        sent.iter().filter(|(s, _)| *s == 202).count(),
        1,
        "{sent:?}"
    );
    assert_eq!(
        sent.iter().filter(|(s, _)| *s == 429).count(),
        1,
        "{sent:?}"
    );
    let code = crate::invitations::mailed_code(&app, "guest@example.org").await;
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let answers = join_all((0..100).map(|i| {
        let client = app.client.clone();
        let url = app.url(&format!("{path}/session"));
        let code = if i == 59 {
            code.clone()
        } else {
            wrong.to_owned()
        };
        async move {
            client
                .post(url)
                .header("x-forwarded-for", address(i))
                .json(&json!({"code": code, "name": "Invité"}))
                .send()
                .await
                .unwrap()
        }
    }))
    .await;
    let answers = tally(answers).await;
    let checked = answers.iter().filter(|(s, _)| *s != 429).count();
    assert!(checked <= 5, "{answers:?}");
    if answers[59].0 != 201 {
        let res = app
            .post_json(
                &format!("{path}/session"),
                None,
                &json!({"code": code, "name": "Invité"}),
            )
            .await;
        assert_problem(res, 429).await;
    }
    // The citizen's log tells them.
    let log = crate::archive::get_json(
        &app,
        &format!(
            "/wallet/invitations/{}/accesses",
            invitation["id"].as_str().unwrap()
        ),
        &owner,
    )
    .await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"code-locked"), "{actions:?}");
    app.stop().await;
}

#[tokio::test]
async fn reset_mails_are_limited_per_address_alike_for_unknown_accounts() {
    let app = TestApp::spawn_with(&[BEHIND_PROXY]).await;
    app.sign_up("ana@example.org").await;
    for email in ["ana@example.org", "nobody@example.org"] {
        let answers = join_all((0..100).map(|i| {
            let client = app.client.clone();
            let url = app.url("/auth/forgot-password");
            async move {
                client
                    .post(url)
                    .header("x-forwarded-for", address(i))
                    .json(&json!({"email": email}))
                    .send()
                    .await
                    .unwrap()
            }
        }))
        .await;
        let answers = tally(answers).await;
        // The same answers whether or not the account exists.
        assert_eq!(
            answers.iter().filter(|(s, _)| *s == 202).count(),
            3,
            "{answers:?}"
        );
        assert_eq!(answers.iter().filter(|(s, _)| *s == 429).count(), 97);
    }
    let mails = app.store().mail_to("ana@example.org").await.unwrap();
    assert_eq!(
        mails.iter().filter(|m| m.kind == "reset-password").count(),
        3
    );
    app.stop().await;
}

#[tokio::test]
async fn one_address_is_slowed_per_ipv4_and_per_ipv6_64_and_others_are_not() {
    let app = TestApp::spawn_with(&[BEHIND_PROXY]).await;
    let (path, _, _) = share_with_pin(&app).await;
    // 100 unknown links at once from one IPv6 /64 (two addresses in it).
    let answers = join_all((0..100).map(|i| {
        let client = app.client.clone();
        let url = app.url(&format!("/s/{:0>22}/presentation", i));
        let from = if i % 2 == 0 {
            "2001:db8:5:6::1"
        } else {
            "2001:db8:5:6:ffff::2"
        };
        async move {
            client
                .post(url)
                .header("x-forwarded-for", from)
                .json(&json!({"challenge": "c", "domain": "d"}))
                .send()
                .await
                .unwrap()
        }
    }))
    .await;
    let answers = tally(answers).await;
    assert_eq!(
        answers.iter().filter(|(s, _)| *s == 404).count(),
        60,
        "the burst"
    );
    assert_eq!(answers.iter().filter(|(s, _)| *s == 429).count(), 40);
    // The real link from that /64 waits too; from elsewhere it opens.
    let url = app.url(&format!("{path}/presentation"));
    assert_problem(
        try_pin(&app.client, &url, "4821", "2001:db8:5:6::99").await,
        429,
    )
    .await;
    assert_eq!(
        try_pin(&app.client, &url, "4821", "2001:db8:5:7::1")
            .await
            .status(),
        200
    );
    // A person gets a page, with Retry-After, in their language.
    let res = app
        .client
        .get(app.url(&format!("{path}?lang=fr")))
        .header("x-forwarded-for", "2001:db8:5:6::1")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    let html = res.text().await.unwrap();
    assert!(html.contains("Réessayez dans une minute"), "{html}");
    // Sign-ups from one address: 20 at once, then one a minute.
    let answers = join_all((0..30).map(|i| {
        let client = app.client.clone();
        let url = app.url("/auth/signup");
        async move {
            client
                .post(url)
                .header("x-forwarded-for", "192.0.2.44")
                .json(
                    &json!({"email": format!("s{i}@example.org"), "password": CITIZEN_PASSWORD,
                              "displayName": format!("S {i}")}),
                )
                .send()
                .await
                .unwrap()
        }
    }))
    .await;
    let answers = tally(answers).await;
    assert_eq!(
        answers.iter().filter(|(s, _)| *s == 429).count(),
        10,
        "{answers:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn password_hashing_has_bounded_places_and_the_rest_get_503() {
    // One place (21 MiB): concurrent logins queue two seconds at most,
    // then get 503 with Retry-After; nothing is lost.
    let app = TestApp::spawn_with(&[BEHIND_PROXY, ("ATOUT_PASSWORD_HASH_MEMORY_MIB", "21")]).await;
    assert_eq!(app.state.citizens.hasher().places(), 1);
    let answers = join_all((0..100).map(|i| {
        let client = app.client.clone();
        let url = app.url("/auth/login");
        async move {
            client
                .post(url)
                .header("x-forwarded-for", address(i))
                .json(&json!({"email": format!("nobody{i}@example.org"), "password": "wrong password!"}))
                .send()
                .await
                .unwrap()
        }
    }))
    .await;
    let answers = tally(answers).await;
    let busy = answers.iter().filter(|(s, _)| *s == 503).count();
    let checked = answers.iter().filter(|(s, _)| *s == 401).count();
    assert_eq!(busy + checked, 100, "{answers:?}");
    assert!(
        busy > 0,
        "one place cannot check 100 passwords in 2 s: {answers:?}"
    );
    assert!(answers
        .iter()
        .filter(|(s, _)| *s == 503)
        .all(|(_, k)| k.ends_with("busy")));
    // The place is free again afterwards.
    for _ in 0..50 {
        if app.state.citizens.hasher().available() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(app.state.citizens.hasher().available(), 1);
    app.stop().await;
}
