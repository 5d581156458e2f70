//! A citizen's headline (issue 16, the employer's view): one line under
//! their name on the pages of their shares, set through the API and the
//! account page (French and English), checked before anything is written,
//! carried by the export and restored by the import, and in the JSON
//! Resume as `basics.label`.

use crate::archive::{export, import, unzip, with_manifest, zip_of};
use crate::common::*;
use crate::pages::Visitor;
use reqwest::StatusCode;
use serde_json::{json, Value};

const HEADLINE: &str = "Développeuse Rust, cinq ans d’expérience";

async fn patch_me(app: &TestApp, token: Option<&str>, body: Value) -> reqwest::Response {
    let mut request = app.client.patch(app.url("/wallet/me")).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

async fn me(app: &TestApp, token: &str) -> Value {
    app.get("/wallet/me", Some(token))
        .await
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_api_sets_checks_and_clears_the_headline() {
    let app = TestApp::spawn().await;
    let token = app.sign_up("camille@example.org").await;
    assert_eq!(me(&app, &token).await["headline"], Value::Null);
    // Anyone else: no session, an organisation's key, the admin token.
    assert_eq!(
        patch_me(&app, None, json!({"headline": HEADLINE}))
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    app.create_org("univ-h").await;
    let (_, key) = app.create_api_key("univ-h").await;
    for other in [key.as_str(), ADMIN_TOKEN] {
        let status = patch_me(&app, Some(other), json!({"headline": HEADLINE}))
            .await
            .status();
        assert!(
            status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN,
            "{status}"
        );
    }
    let res = patch_me(
        &app,
        Some(&token),
        json!({"headline": format!("  {HEADLINE} ")}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["headline"], HEADLINE);
    assert_eq!(me(&app, &token).await["headline"], HEADLINE);
    // Bad input: a 422 naming the field; nothing written, the name
    // included.
    for bad in [
        json!({"displayName": "Autre nom", "headline": "x".repeat(161)}),
        json!({"displayName": "Autre nom", "headline": "deux\nlignes"}),
        json!({}),
        json!({"headline": 3}),
        json!({"headline": HEADLINE, "photo": "x"}),
    ] {
        let res = patch_me(&app, Some(&token), bad.clone()).await;
        assert_eq!(res.status(), 422, "{bad}");
        let problem: Value = res.json().await.unwrap();
        assert!(problem["field"].is_string(), "{problem}");
    }
    let after = me(&app, &token).await;
    assert_eq!(after["headline"], HEADLINE);
    assert_ne!(after["displayName"], "Autre nom");
    // 160 characters are accepted; an empty one removes it; the name
    // alone leaves it as it is.
    let long = "é".repeat(160);
    let res = patch_me(&app, Some(&token), json!({"headline": long})).await;
    assert_eq!(res.status(), 200);
    let res = patch_me(&app, Some(&token), json!({"displayName": "Camille M."})).await;
    assert_eq!(res.json::<Value>().await.unwrap()["headline"], long);
    let res = patch_me(&app, Some(&token), json!({"headline": ""})).await;
    assert_eq!(res.json::<Value>().await.unwrap()["headline"], Value::Null);
    app.stop().await;
}

#[tokio::test]
async fn the_account_page_sets_the_headline_in_french_and_english() {
    let app = TestApp::spawn().await;
    for (lang, email, saved, refused) in [
        (
            "fr",
            "camille@example.org",
            "Nom enregistré.",
            "Votre titre tient sur une ligne de 160 caractères au plus.",
        ),
        (
            "en",
            "sam@example.org",
            "Name saved.",
            "Your headline fits on one line of at most 160 characters.",
        ),
    ] {
        let mut v = Visitor::new(&app);
        v.lang = lang;
        v.sign_up(email, "Camille Martin").await;
        let page = v.get("/me/account").await;
        assert_eq!(page.status, StatusCode::OK);
        page.expect("name=\"headline\"");
        let too_long = "x".repeat(200);
        let res = v
            .post(
                "/me/account/name",
                &[("displayName", "Camille Martin"), ("headline", &too_long)],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        res.expect(refused).expect(&too_long);
        // Never the API's English.
        assert!(!res.body.contains("The headline has"), "{}", res.body);
        let res = v
            .post(
                "/me/account/name",
                &[("displayName", "Camille Martin"), ("headline", HEADLINE)],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = v.get("/me/account?done=done-name-saved").await;
        page.expect(saved).expect(&format!("value=\"{HEADLINE}\""));
    }
    app.stop().await;
}

#[tokio::test]
async fn the_export_carries_the_headline_and_the_import_restores_it() {
    let app = TestApp::spawn().await;
    let token = app.sign_up("camille@example.org").await;
    let res = patch_me(&app, Some(&token), json!({"headline": HEADLINE})).await;
    assert_eq!(res.status(), 200);
    let archive = export(&app, &token).await;
    let files = unzip(&archive);
    let manifest: Value =
        serde_json::from_slice(&files.iter().find(|(n, _)| n == "manifest.json").unwrap().1)
            .unwrap();
    assert_eq!(manifest["account"]["headline"], HEADLINE);
    let resume: Value =
        serde_json::from_slice(&files.iter().find(|(n, _)| n == "resume.json").unwrap().1).unwrap();
    assert_eq!(resume["basics"]["label"], HEADLINE);
    // Into a new account without one: restored.
    let other = app.sign_up("camille.nouvelle@example.org").await;
    let res = import(&app, &other, archive.clone()).await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    assert_eq!(me(&app, &other).await["headline"], HEADLINE);
    // An account with its own keeps it.
    let third = app.sign_up("camille.trois@example.org").await;
    patch_me(&app, Some(&third), json!({"headline": "Soudeuse"})).await;
    let res = import(&app, &third, archive).await;
    assert_eq!(res.status(), 201);
    assert_eq!(me(&app, &third).await["headline"], "Soudeuse");
    // A hand-made archive with a headline of several lines: refused whole.
    let fourth = app.sign_up("camille.quatre@example.org").await;
    let forged = zip_of(&with_manifest(&files, |m| {
        m["account"]["headline"] = json!("une\nautre");
    }));
    let res = import(&app, &fourth, forged).await;
    assert_eq!(res.status(), 422);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["field"], "account.headline");
    assert_eq!(me(&app, &fourth).await["headline"], Value::Null);
    app.stop().await;
}
