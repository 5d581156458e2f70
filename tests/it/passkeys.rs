//! Passkeys: a citizen adds one with a real (software) WebAuthn
//! authenticator, logs in with it, and cloned, replayed or foreign answers
//! are refused. WebAuthn needs a domain name, so these servers run as
//! `http://localhost:<port>`.

use crate::common::*;
use serde_json::{json, Value};
use webauthn_authenticator_rs::{softpasskey::SoftPasskey, WebauthnAuthenticator};
use webauthn_rs_proto::{CreationChallengeResponse, RequestChallengeResponse};

async fn localhost_app() -> TestApp {
    TestApp::spawn_localhost().await
}

fn origin(app: &TestApp) -> url::Url {
    url::Url::parse(&format!("http://localhost:{}", app.addr.port())).unwrap()
}

/// Registers a passkey held by `authenticator`; returns its id.
async fn register(
    app: &TestApp,
    token: &str,
    authenticator: &mut WebauthnAuthenticator<SoftPasskey>,
    name: &str,
) -> String {
    let start: Value = app
        .post_json("/wallet/passkeys/register/start", Some(token), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let options: CreationChallengeResponse =
        serde_json::from_value(start["options"].clone()).unwrap();
    let answer = authenticator
        .do_registration(origin(app), options)
        .expect("the soft authenticator answers");
    let res = app
        .post_json(
            "/wallet/passkeys/register/finish",
            Some(token),
            &json!({"ceremonyId": start["ceremonyId"], "name": name, "credential": answer}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let body: Value = res.json().await.unwrap();
    body["id"].as_str().unwrap().to_owned()
}

async fn login_start(app: &TestApp, email: &str) -> (String, RequestChallengeResponse) {
    let res = app
        .post_json("/auth/passkey/start", None, &json!({"email": email}))
        .await;
    assert_eq!(res.status(), 200);
    let start: Value = res.json().await.unwrap();
    (
        start["ceremonyId"].as_str().unwrap().to_owned(),
        serde_json::from_value(start["options"].clone()).unwrap(),
    )
}

#[tokio::test]
async fn a_passkey_logs_in_without_the_password() {
    let app = localhost_app().await;
    let token = app.sign_up("pk@example.org").await;
    let mut authenticator = WebauthnAuthenticator::new(SoftPasskey::new(true));
    let id = register(&app, &token, &mut authenticator, "Téléphone").await;
    let list: Value = app
        .get("/wallet/passkeys", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"][0]["id"], id.as_str());
    assert_eq!(list["items"][0]["name"], "Téléphone");
    assert!(
        list["items"][0].get("passkey").is_none(),
        "the key itself is not shown"
    );

    let (ceremony, options) = login_start(&app, "PK@example.org").await;
    let answer = authenticator
        .do_authentication(origin(&app), options)
        .unwrap();
    let res = app
        .post_json(
            "/auth/passkey/finish",
            None,
            &json!({"ceremonyId": ceremony, "credential": answer, "session": "bearer"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    let session = body["token"].as_str().unwrap();
    let me: Value = app
        .get("/wallet/me", Some(session))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "pk@example.org");
    // The ceremony is single use: the same answer again is refused.
    let res = app
        .post_json(
            "/auth/passkey/finish",
            None,
            &json!({"ceremonyId": ceremony, "credential": answer}),
        )
        .await;
    assert_problem(res, 410).await;
    let list: Value = app
        .get("/wallet/passkeys", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert!(list["items"][0]["lastUsedAt"].is_string());

    // Removed: it no longer logs in.
    let res = app
        .delete(&format!("/wallet/passkeys/{id}"), Some(&token))
        .await;
    assert_eq!(res.status(), 204);
    let res = app
        .post_json(
            "/auth/passkey/start",
            None,
            &json!({"email": "pk@example.org"}),
        )
        .await;
    assert_problem(res, 401).await;
    app.stop().await;
}

#[tokio::test]
async fn foreign_replayed_and_expired_answers_are_refused() {
    let app = localhost_app().await;
    let alice = app.sign_up("alice@example.org").await;
    let bob = app.sign_up("bob@example.org").await;
    let mut alice_key = WebauthnAuthenticator::new(SoftPasskey::new(true));
    let mut bob_key = WebauthnAuthenticator::new(SoftPasskey::new(true));
    register(&app, &alice, &mut alice_key, "Alice").await;
    register(&app, &bob, &mut bob_key, "Bob").await;

    // Bob's authenticator holds no key Alice's account allows.
    let (ceremony, options) = login_start(&app, "alice@example.org").await;
    assert!(bob_key
        .do_authentication(origin(&app), options.clone())
        .is_err());
    // A tampered signature.
    let forged = alice_key.do_authentication(origin(&app), options).unwrap();
    let mut tampered = serde_json::to_value(&forged).unwrap();
    tampered["response"]["signature"] = json!("AAAA");
    let res = app
        .post_json(
            "/auth/passkey/finish",
            None,
            &json!({"ceremonyId": ceremony, "credential": tampered}),
        )
        .await;
    assert_problem(res, 401).await;

    // An answer for another origin.
    let (ceremony, options) = login_start(&app, "alice@example.org").await;
    let phishing = url::Url::parse("http://localhost.evil.example:1").unwrap();
    if let Ok(answer) = alice_key.do_authentication(phishing, options) {
        let res = app
            .post_json(
                "/auth/passkey/finish",
                None,
                &json!({"ceremonyId": ceremony, "credential": answer}),
            )
            .await;
        assert_problem(res, 401).await;
    }

    // Expired ceremonies.
    let (ceremony, options) = login_start(&app, "alice@example.org").await;
    let answer = alice_key.do_authentication(origin(&app), options).unwrap();
    app.clock.advance(chrono::Duration::minutes(6));
    let res = app
        .post_json(
            "/auth/passkey/finish",
            None,
            &json!({"ceremonyId": ceremony, "credential": answer}),
        )
        .await;
    assert_problem(res, 410).await;

    // A registration ceremony belongs to who started it.
    let start: Value = app
        .post_json("/wallet/passkeys/register/start", Some(&alice), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let options: CreationChallengeResponse =
        serde_json::from_value(start["options"].clone()).unwrap();
    let answer = bob_key.do_registration(origin(&app), options).unwrap();
    let res = app
        .post_json(
            "/wallet/passkeys/register/finish",
            Some(&bob),
            &json!({"ceremonyId": start["ceremonyId"], "name": "stolen", "credential": answer}),
        )
        .await;
    assert_problem(res, 410).await;
    // Malformed answers and unknown accounts.
    for body in [
        json!({"ceremonyId": "x", "credential": {}}),
        json!({"ceremonyId": "x", "credential": "text"}),
        json!({"ceremonyId": "x".repeat(10_000), "credential": {}}),
    ] {
        let res = app.post_json("/auth/passkey/finish", None, &body).await;
        assert!(matches!(res.status().as_u16(), 410 | 422), "{body}");
    }
    let res = app
        .post_json(
            "/auth/passkey/start",
            None,
            &json!({"email": "nobody@example.org"}),
        )
        .await;
    assert_problem(res, 401).await;
    // Another citizen cannot remove Alice's passkey.
    let list: Value = app
        .get("/wallet/passkeys", Some(&alice))
        .await
        .json()
        .await
        .unwrap();
    let id = list["items"][0]["id"].as_str().unwrap();
    assert_problem(
        app.delete(&format!("/wallet/passkeys/{id}"), Some(&bob))
            .await,
        404,
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn passkeys_say_why_they_are_off_under_an_ip_address() {
    let app = TestApp::spawn().await;
    let token = app.sign_up("ip@example.org").await;
    let res = app
        .post_json("/wallet/passkeys/register/start", Some(&token), &json!({}))
        .await;
    let body = assert_problem(res, 503).await;
    assert!(body["detail"].as_str().unwrap().contains("domain name"));
    app.stop().await;
}
