//! Citizens' accounts over real HTTP, on both databases: sign-up, login by
//! cookie and bearer, email verification and password reset by single-use
//! expiring links through the outbox, rate limiting, password change,
//! deletion that erases, and the holder key.

use crate::common::*;
use serde_json::{json, Value};

async fn login(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.post_json(
        "/auth/login",
        None,
        &json!({"email": email, "password": password, "session": "bearer"}),
    )
    .await
}

#[tokio::test]
async fn sign_up_log_in_by_bearer_and_cookie_and_log_out() {
    let app = TestApp::spawn().await;
    let res = app
        .post_json(
            "/auth/signup",
            None,
            &json!({"email": "  Marie.Curie@Example.ORG ", "password": CITIZEN_PASSWORD, "displayName": "Marie Curie", "session": "bearer"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert!(
        res.headers().get("set-cookie").is_none(),
        "bearer sessions set no cookie"
    );
    let body: Value = res.json().await.unwrap();
    let token = body["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("atc_"));
    assert_eq!(body["citizen"]["email"], "marie.curie@example.org");
    assert_eq!(body["citizen"]["emailVerified"], false);
    let did = body["citizen"]["holderDid"].as_str().unwrap();
    assert!(did.starts_with("did:key:z6Mk"), "{did}");

    // The holder key is sealed at rest and opens to the published did:key.
    let record = app
        .store()
        .citizen_by_email("marie.curie@example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.holder_did, did);
    assert!(!record.password_hash.contains(CITIZEN_PASSWORD));
    assert!(record.password_hash.starts_with("$argon2id$"));
    let key = app.state.citizens.holder_key(&record).unwrap();
    assert_eq!(atout_core::citizens::did_key(&key), did);
    let sealed = String::from_utf8_lossy(&record.holder_key_sealed);
    assert!(!sealed.contains("PRIVATE"));
    assert_eq!(app.state.citizens.vault_key(&record).unwrap().len(), 32);

    let me: Value = app
        .get("/wallet/me", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["displayName"], "Marie Curie");
    assert_eq!(me["id"], record.id.as_str());

    // Cookie login: Secure only over https; HttpOnly and SameSite always.
    let res = app
        .post_json(
            "/auth/login",
            None,
            &json!({"email": "marie.curie@example.org", "password": CITIZEN_PASSWORD}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("atout_session=atc_"), "{cookie}");
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Path=/")
    );
    let body: Value = res.json().await.unwrap();
    assert!(
        body.get("token").is_none(),
        "cookie sessions do not put the token in the body"
    );
    let pair = cookie.split(';').next().unwrap().to_owned();
    let res = app
        .client
        .get(app.url("/wallet/me"))
        .header("cookie", &pair)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // A state-changing request with the cookie from another origin: refused.
    let res = app
        .client
        .post(app.url("/auth/logout"))
        .header("cookie", &pair)
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_problem(res, 403).await;
    // From this site: logged out, cookie cleared, session gone.
    let res = app
        .client
        .post(app.url("/auth/logout"))
        .header("cookie", &pair)
        .header("origin", &app.base)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert!(res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    let res = app
        .client
        .get(app.url("/wallet/me"))
        .header("cookie", &pair)
        .send()
        .await
        .unwrap();
    assert_problem(res, 401).await;
    // The bearer session is independent and still works.
    assert_eq!(app.get("/wallet/me", Some(&token)).await.status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn sign_up_refuses_bad_input_and_taken_emails() {
    let app = TestApp::spawn().await;
    app.sign_up("jean@example.org").await;
    for (body, status) in [
        (
            json!({"email": "JEAN@example.org", "password": CITIZEN_PASSWORD, "displayName": "J"}),
            409,
        ),
        (
            json!({"email": "not-an-email", "password": CITIZEN_PASSWORD, "displayName": "J"}),
            422,
        ),
        (
            json!({"email": "a@example.org", "password": "short", "displayName": "J"}),
            422,
        ),
        (
            json!({"email": "a@example.org", "password": "x".repeat(2000), "displayName": "J"}),
            422,
        ),
        (
            json!({"email": "a@example.org", "password": CITIZEN_PASSWORD, "displayName": ""}),
            422,
        ),
        (
            json!({"email": "a@example.org", "password": CITIZEN_PASSWORD, "displayName": "x".repeat(500)}),
            422,
        ),
        (
            json!({"email": "a@example.org", "password": CITIZEN_PASSWORD, "displayName": "a\u{0}b"}),
            422,
        ),
        (
            json!({"email": "a@example.org", "password": CITIZEN_PASSWORD}),
            422,
        ),
        (
            json!({"email": "a@example.org", "password": CITIZEN_PASSWORD, "displayName": "J", "admin": true}),
            422,
        ),
        (
            json!({"email": "a@example.org", "password": CITIZEN_PASSWORD, "displayName": "J", "session": "forever"}),
            422,
        ),
        (json!(["not", "an", "object"]), 422),
    ] {
        let res = app.post_json("/auth/signup", None, &body).await;
        let problem = assert_problem(res, status).await;
        assert!(problem["detail"].is_string(), "{body}");
    }
    let res = app
        .client
        .post(app.url("/auth/signup"))
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    assert_problem(res, 400).await;
    // Nothing was written by the refused attempts.
    assert_eq!(app.store().count_citizens().await.unwrap(), 1);
    assert!(app
        .store()
        .citizen_by_email("a@example.org")
        .await
        .unwrap()
        .is_none());
    app.stop().await;
}

#[tokio::test]
async fn wrong_passwords_are_refused_alike_then_rate_limited() {
    let app = TestApp::spawn().await;
    app.sign_up("lea@example.org").await;
    // Unknown account and wrong password: the same answer.
    let unknown = assert_problem(
        login(&app, "nobody@example.org", CITIZEN_PASSWORD).await,
        401,
    )
    .await;
    let wrong = assert_problem(login(&app, "lea@example.org", "wrong password!").await, 401).await;
    assert_eq!(unknown["detail"], wrong["detail"]);
    assert_eq!(unknown["type"], wrong["type"]);
    for _ in 0..4 {
        assert_problem(login(&app, "lea@example.org", "wrong password!").await, 401).await;
    }
    // Five failures in 15 minutes: even the right password waits.
    let res = login(&app, "lea@example.org", CITIZEN_PASSWORD).await;
    assert_eq!(res.headers()["retry-after"], "900");
    let problem = assert_problem(res, 429).await;
    assert_eq!(problem["type"], "urn:atout:problem:too-many-attempts");
    // Another account is not affected.
    app.sign_up("paul@example.org").await;
    assert_eq!(
        login(&app, "paul@example.org", CITIZEN_PASSWORD)
            .await
            .status(),
        200
    );
    // After the window, the right password works and clears the count.
    app.clock.advance(chrono::Duration::minutes(16));
    assert_eq!(
        login(&app, "lea@example.org", CITIZEN_PASSWORD)
            .await
            .status(),
        200
    );
    // The count was cleared: five wrong passwords are answered again.
    for _ in 0..5 {
        assert_problem(login(&app, "lea@example.org", "wrong password!").await, 401).await;
    }
    assert_problem(login(&app, "lea@example.org", CITIZEN_PASSWORD).await, 429).await;
    // The owner was told once per window that logins were locked.
    let warnings = app
        .store()
        .mail_to("lea@example.org")
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == "login-locked")
        .count();
    assert_eq!(warnings, 2, "one warning per locked window");
    app.stop().await;
}

#[tokio::test]
async fn email_verification_links_are_single_use_and_expire() {
    let app = TestApp::spawn().await;
    let token = app.sign_up("ana@example.org").await;
    let mails = app.store().mail_to("ana@example.org").await.unwrap();
    assert_eq!(
        mails.len(),
        1,
        "one verification mail, queued with the account"
    );
    assert!(mails[0]
        .body
        .contains(&format!("{}/account/verify-email?token=", app.base)));
    assert!(mails[0].sent_at.is_none());
    let link = app.mailed_token("ana@example.org", "verify-email").await;
    assert_eq!(link.len(), 43);

    // A resend voids the first link.
    assert_eq!(
        app.post_json("/auth/verify-email/resend", Some(&token), &json!({}))
            .await
            .status(),
        202
    );
    let second = app.mailed_token("ana@example.org", "verify-email").await;
    assert_ne!(link, second);
    let res = app
        .post_json("/auth/verify-email", None, &json!({"token": link}))
        .await;
    assert_problem(res, 410).await;
    // An expired link does not work.
    app.clock.advance(chrono::Duration::hours(49));
    let res = app
        .post_json("/auth/verify-email", None, &json!({"token": second}))
        .await;
    assert_problem(res, 410).await;
    app.clock.advance(chrono::Duration::hours(-49));
    // The live one works once.
    let res = app
        .post_json("/auth/verify-email", None, &json!({"token": second}))
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .post_json("/auth/verify-email", None, &json!({"token": second}))
        .await;
    assert_problem(res, 410).await;
    let me: Value = app
        .get("/wallet/me", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["emailVerified"], true);
    let res = app
        .post_json("/auth/verify-email/resend", Some(&token), &json!({}))
        .await;
    assert_problem(res, 422).await;
    // Garbage tokens.
    for bad in ["", "x", &"a".repeat(5000)] {
        let res = app
            .post_json("/auth/verify-email", None, &json!({"token": bad}))
            .await;
        assert_problem(res, 410).await;
    }
    app.stop().await;
}

#[tokio::test]
async fn password_reset_by_link_ends_every_session() {
    let app = TestApp::spawn().await;
    let token = app.sign_up("zoe@example.org").await;
    // Unknown accounts get the same answer, and no mail.
    let res = app
        .post_json(
            "/auth/forgot-password",
            None,
            &json!({"email": "ghost@example.org"}),
        )
        .await;
    assert_eq!(res.status(), 202);
    assert!(app
        .store()
        .mail_to("ghost@example.org")
        .await
        .unwrap()
        .is_empty());
    let res = app
        .post_json(
            "/auth/forgot-password",
            None,
            &json!({"email": "ZOE@example.org"}),
        )
        .await;
    assert_eq!(res.status(), 202);
    let link = app.mailed_token("zoe@example.org", "reset-password").await;
    // Too short a password: refused, and the link still works after.
    let res = app
        .post_json(
            "/auth/reset-password",
            None,
            &json!({"token": link, "password": "short"}),
        )
        .await;
    assert_problem(res, 422).await;
    let res = app
        .post_json(
            "/auth/reset-password",
            None,
            &json!({"token": link, "password": "a brand new passphrase"}),
        )
        .await;
    assert_eq!(res.status(), 204);
    // Used: the link is dead; the old session ended; the old password too.
    let res = app
        .post_json(
            "/auth/reset-password",
            None,
            &json!({"token": link, "password": "another new passphrase"}),
        )
        .await;
    assert_problem(res, 410).await;
    assert_problem(app.get("/wallet/me", Some(&token)).await, 401).await;
    assert_problem(login(&app, "zoe@example.org", CITIZEN_PASSWORD).await, 401).await;
    assert_eq!(
        login(&app, "zoe@example.org", "a brand new passphrase")
            .await
            .status(),
        200
    );
    // Reset links live one hour.
    app.post_json(
        "/auth/forgot-password",
        None,
        &json!({"email": "zoe@example.org"}),
    )
    .await;
    let late = app.mailed_token("zoe@example.org", "reset-password").await;
    app.clock.advance(chrono::Duration::minutes(61));
    let res = app
        .post_json(
            "/auth/reset-password",
            None,
            &json!({"token": late, "password": "too late passphrase"}),
        )
        .await;
    assert_problem(res, 410).await;
    app.stop().await;
}

#[tokio::test]
async fn changing_the_password_keeps_this_session_only() {
    let app = TestApp::spawn().await;
    let first = app.sign_up("eve@example.org").await;
    let second: Value = login(&app, "eve@example.org", CITIZEN_PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    let second = second["token"].as_str().unwrap().to_owned();
    let res = app
        .post_json(
            "/wallet/me/password",
            Some(&first),
            &json!({"current": "not the password", "new": "the next passphrase"}),
        )
        .await;
    assert_problem(res, 401).await;
    let res = app
        .post_json(
            "/wallet/me/password",
            Some(&first),
            &json!({"current": CITIZEN_PASSWORD, "new": "the next passphrase"}),
        )
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(app.get("/wallet/me", Some(&first)).await.status(), 200);
    assert_problem(app.get("/wallet/me", Some(&second)).await, 401).await;
    // Display name.
    let res = app
        .client
        .patch(app.url("/wallet/me"))
        .bearer_auth(&first)
        .json(&json!({"displayName": "Ève Durand"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let me: Value = app
        .get("/wallet/me", Some(&first))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["displayName"], "Ève Durand");
    app.stop().await;
}

#[tokio::test]
async fn sessions_expire_when_unused() {
    let app = TestApp::spawn_with(&[("ATOUT_SESSION_TTL_SECS", "3600")]).await;
    let token = app.sign_up("max@example.org").await;
    app.clock.advance(chrono::Duration::minutes(50));
    assert_eq!(
        app.get("/wallet/me", Some(&token)).await.status(),
        200,
        "use slides the expiry"
    );
    app.clock.advance(chrono::Duration::minutes(50));
    assert_eq!(app.get("/wallet/me", Some(&token)).await.status(), 200);
    app.clock.advance(chrono::Duration::minutes(61));
    assert_problem(app.get("/wallet/me", Some(&token)).await, 401).await;
    app.stop().await;
}

#[tokio::test]
async fn deleting_the_account_erases_it() {
    let app = TestApp::spawn().await;
    let token = app.sign_up("del@example.org").await;
    let keep = app.sign_up("keep@example.org").await;
    let id = app
        .store()
        .citizen_by_email("del@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    let res = app
        .client
        .delete(app.url("/wallet/me"))
        .bearer_auth(&token)
        .json(&json!({"password": "wrong password"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 401).await;
    assert!(app.store().citizen_by_id(&id).await.unwrap().is_some());
    let res = app
        .client
        .delete(app.url("/wallet/me"))
        .bearer_auth(&token)
        .json(&json!({"password": CITIZEN_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert!(app.store().citizen_by_id(&id).await.unwrap().is_none());
    assert!(app
        .store()
        .citizen_by_email("del@example.org")
        .await
        .unwrap()
        .is_none());
    assert!(
        app.store()
            .mail_to("del@example.org")
            .await
            .unwrap()
            .is_empty(),
        "queued mail goes too"
    );
    assert_problem(app.get("/wallet/me", Some(&token)).await, 401).await;
    // The address is free again; the other citizen is untouched.
    app.sign_up("del@example.org").await;
    assert_eq!(app.get("/wallet/me", Some(&keep)).await.status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn organisation_and_admin_tokens_cannot_act_as_citizens() {
    let app = TestApp::spawn().await;
    app.create_org("univ").await;
    let (_, key) = app.create_api_key("univ").await;
    assert_problem(app.get("/wallet/me", Some(&key)).await, 403).await;
    assert_problem(app.get("/wallet/me", Some(ADMIN_TOKEN)).await, 403).await;
    assert_problem(app.get("/wallet/me", None).await, 401).await;
    assert_problem(app.get("/wallet/me", Some("atc_forged")).await, 401).await;
    assert_problem(app.get("/wallet/me", Some("atout_forged")).await, 401).await;
    // A citizen token is not an organisation key either.
    let citizen = app.sign_up("c@example.org").await;
    assert_problem(app.get("/orgs/univ", Some(&citizen)).await, 401).await;
    app.stop().await;
}

#[tokio::test]
async fn the_outbox_sends_with_the_log_sender_and_marks_sent() {
    let app = TestApp::spawn().await;
    app.sign_up("out@example.org").await;
    let mailer = atout_core::mail::Mailer::Log;
    let store = app.store();
    let sent = atout_core::mail::drain_outbox(store.as_ref(), app.clock.as_ref(), &mailer).await;
    assert_eq!(sent, 1);
    let mails = store.mail_to("out@example.org").await.unwrap();
    assert_eq!(
        mails[0].sent_at,
        Some(atout_core::clock::Clock::now(app.clock.as_ref()))
    );
    assert_eq!(mails[0].attempts, 1);
    assert_eq!(
        atout_core::mail::drain_outbox(store.as_ref(), app.clock.as_ref(), &mailer).await,
        0
    );
    app.stop().await;
}

/// The SMTP sender, against a real SMTP server (Python's standard `smtpd`):
/// the queued verification mail arrives, with its link, and is marked sent.
#[tokio::test]
async fn the_smtp_sender_delivers_through_a_real_smtp_server() {
    let dir = tempfile::tempdir().unwrap();
    let received = dir.path().join("received.txt");
    let script = r#"
import smtpd, asyncore, sys, warnings, email, email.header
warnings.simplefilter("ignore")
out = sys.argv[1]
class Keep(smtpd.SMTPServer):
    def process_message(self, peer, mailfrom, rcpttos, data, **kw):
        message = email.message_from_bytes(data)
        body = message.get_payload(decode=True).decode("utf-8")
        with open(out, "a", encoding="utf-8") as f:
            f.write("FROM " + mailfrom + "\nTO " + ",".join(rcpttos) + "\nSUBJECT " + str(email.header.make_header(email.header.decode_header(message["Subject"]))) + "\n" + body + "\n.\n")
server = Keep(("127.0.0.1", 0), None, decode_data=False)
print(server.socket.getsockname()[1], flush=True)
asyncore.loop()
"#;
    let mut child = std::process::Command::new("python3")
        .args(["-W", "ignore", "-c", script])
        .arg(&received)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let port: u16 = line.trim().parse().expect("the SMTP server's port");
    let url = format!("smtp://127.0.0.1:{port}");
    let app = TestApp::spawn_with(&[("ATOUT_SMTP_URL", url.as_str())]).await;
    assert_eq!(
        app.state.config.wallet.mail_sender,
        atout_core::config::MailSender::Smtp
    );
    app.sign_up("smtp@example.org").await;
    let mailer = atout_core::mail::Mailer::from_config(&app.state.config.wallet).unwrap();
    let store = app.store();
    let sent = atout_core::mail::drain_outbox(store.as_ref(), app.clock.as_ref(), &mailer).await;
    assert_eq!(sent, 1);
    let text = std::fs::read_to_string(&received).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(text.contains("TO smtp@example.org"), "{text}");
    assert!(
        text.contains("SUBJECT Confirmez votre adresse / Confirm your email address"),
        "{text}"
    );
    let token = app.mailed_token("smtp@example.org", "verify-email").await;
    assert!(
        text.contains(&format!("{}/account/verify-email?token={token}", app.base)),
        "{text}"
    );
    let mails = store.mail_to("smtp@example.org").await.unwrap();
    assert!(mails[0].sent_at.is_some());
    // A server that is down: the message stays queued, with the error and
    // a later attempt.
    app.sign_up("later@example.org").await;
    let sent = atout_core::mail::drain_outbox(store.as_ref(), app.clock.as_ref(), &mailer).await;
    assert_eq!(sent, 0);
    let mails = store.mail_to("later@example.org").await.unwrap();
    assert!(mails[0].sent_at.is_none());
    assert_eq!(mails[0].attempts, 1);
    assert!(mails[0].last_error.is_some());
    assert!(mails[0].next_attempt_at > atout_core::clock::Clock::now(app.clock.as_ref()));
    app.stop().await;
}
