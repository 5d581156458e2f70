//! An address confirmation link acts on the account it was mailed for and
//! says so, whoever opens it: the API and the page name the confirmed
//! address (masked), and someone logged in to another account is never
//! told that their own address is confirmed. Real HTTP, both databases.

use crate::common::*;
use crate::pages::Visitor;
use serde_json::{json, Value};

async fn verified(app: &TestApp, email: &str) -> bool {
    app.store()
        .citizen_by_email(email)
        .await
        .unwrap()
        .unwrap()
        .email_verified_at
        .is_some()
}

async fn confirm_api(app: &TestApp, session: Option<&str>, token: &str) -> (u16, Value) {
    let res = app
        .post_json("/auth/verify-email", session, &json!({"token": token}))
        .await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap())
}

#[tokio::test]
async fn the_api_names_the_confirmed_address_and_whose_account_it_is() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.org").await;
    let bob = app.sign_up("bob@example.org").await;
    app.sign_up("carla@example.org").await;
    let dan = app.sign_up("dan@example.org").await;

    // Bob, logged in, opens Ana's link: Ana's address is confirmed, and
    // the answer says it is not Bob's account.
    let ana_link = app.mailed_token("ana@example.org", "verify-email").await;
    let (status, body) = confirm_api(&app, Some(&bob), &ana_link).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"email": "a***@example.org", "yourAccount": false})
    );
    assert!(verified(&app, "ana@example.org").await);
    assert!(
        !verified(&app, "bob@example.org").await,
        "Bob's account is untouched"
    );
    let me: Value = app
        .get("/wallet/me", Some(&bob))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["emailVerified"], false, "{me}");
    let me: Value = app
        .get("/wallet/me", Some(&ana))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["emailVerified"], true, "{me}");

    // Logged out: the address, and nothing about a session.
    let carla_link = app.mailed_token("carla@example.org", "verify-email").await;
    let (status, body) = confirm_api(&app, None, &carla_link).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({"email": "c***@example.org"}));
    assert!(verified(&app, "carla@example.org").await);

    // The owner, logged in.
    let dan_link = app.mailed_token("dan@example.org", "verify-email").await;
    let (status, body) = confirm_api(&app, Some(&dan), &dan_link).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"email": "d***@example.org", "yourAccount": true})
    );

    // An organisation's or the admin's token is no citizen's session: the
    // link still works for whoever holds it. Bob's own link, then.
    let bob_link = app.mailed_token("bob@example.org", "verify-email").await;
    let (status, body) = confirm_api(&app, Some(ADMIN_TOKEN), &bob_link).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({"email": "b***@example.org"}));

    // Used once; unknown links: 410, whoever asks.
    for session in [None, Some(ana.as_str())] {
        let res = app
            .post_json("/auth/verify-email", session, &json!({"token": ana_link}))
            .await;
        assert_problem(res, 410).await;
    }
    let res = app
        .post_json("/auth/verify-email", Some(&bob), &json!({"token": "nope"}))
        .await;
    assert_problem(res, 410).await;
    let res = app
        .post_json("/auth/verify-email", None, &json!({"token": 42}))
        .await;
    assert_problem(res, 422).await;
    app.stop().await;
}

#[tokio::test]
async fn the_page_never_tells_a_visitor_that_anothers_link_confirmed_them() {
    let app = TestApp::spawn().await;
    for email in ["ana@example.org", "anne@example.org", "carla@example.org"] {
        app.sign_up(email).await;
    }

    // Bob, logged in to his account in the browser.
    let mut bob = Visitor::new(&app);
    bob.sign_up("bob@example.org", "Bob").await;
    for (lang, email, confirmed, other, never) in [
        (
            "fr",
            "ana@example.org",
            "L’adresse a***@example.org est confirmée.",
            "Ce lien était destiné à un autre compte que celui avec lequel vous êtes connecté.",
            "Votre adresse est confirmée",
        ),
        (
            "en",
            "anne@example.org",
            "The address a***@example.org is confirmed.",
            "This link was for another account than the one you are logged in with.",
            "Your address is confirmed",
        ),
    ] {
        bob.lang = lang;
        let token = app.mailed_token(email, "verify-email").await;
        let form = bob
            .get(&format!("/account/verify-email?token={token}&lang={lang}"))
            .await;
        assert_eq!(form.status, 200);
        assert!(
            !verified(&app, email).await,
            "opening the link confirms nothing"
        );
        let shown = bob
            .post("/account/verify-email", &[("token", token.as_str())])
            .await;
        assert_eq!(shown.status, 200, "{}", shown.body);
        shown.expect(confirmed).expect(other);
        assert!(!shown.has(never), "{}", shown.body);
        assert!(!shown.has(email), "the address is masked: {}", shown.body);
        assert!(verified(&app, email).await);
        assert!(!verified(&app, "bob@example.org").await);
        // Bob's dashboard does not claim it either.
        let me = bob.follow("/me").await;
        assert!(!me.has(never), "{}", me.body);
    }

    // Logged out: the address, and a way to log in.
    let mut visitor = Visitor::new(&app);
    let token = app.mailed_token("carla@example.org", "verify-email").await;
    visitor
        .get(&format!("/account/verify-email?token={token}"))
        .await;
    let shown = visitor
        .post("/account/verify-email", &[("token", token.as_str())])
        .await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    shown
        .expect("L’adresse c***@example.org est confirmée.")
        .expect("href=\"/login\"");
    assert!(!shown.has("Votre adresse est confirmée"));
    assert!(!shown.has("autre compte"));
    assert!(verified(&app, "carla@example.org").await);

    // The owner, logged in: their own address, confirmed.
    bob.lang = "fr";
    let token = app.mailed_token("bob@example.org", "verify-email").await;
    bob.get(&format!("/account/verify-email?token={token}&lang=fr"))
        .await;
    let shown = bob
        .post("/account/verify-email", &[("token", token.as_str())])
        .await;
    assert_eq!(shown.status, 303, "{}", shown.body);
    assert_eq!(shown.location(), Some("/me?done=done-email-verified"));
    bob.follow("/me?done=done-email-verified")
        .await
        .expect("Votre adresse est confirmée.");
    assert!(verified(&app, "bob@example.org").await);

    // A used link: the form again, with the reason, in the page's language.
    let shown = bob
        .post("/account/verify-email", &[("token", token.as_str())])
        .await;
    assert_eq!(shown.status, 410, "{}", shown.body);
    shown.expect("Ce lien n’est plus valable.");
    app.stop().await;
}
