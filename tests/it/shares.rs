//! Shares over real HTTP, on both databases: a share opened by a verifier's
//! software (a presentation bound to its challenge, verified) and by a
//! person (the page, every credential checked, entries grouped by trust),
//! its documents, its access log, then revoked and refused at once; PINs
//! and their limit; expiry; guessing links; bad input.

use crate::archive::{accredit, entry, get_json, import_credential};
use crate::common::*;
use crate::documents::{pdf, stored, upload};
use crate::issue::diploma;
use crate::verify::Issuer;
use atout_core::Clock;
use serde_json::{json, Value};

/// A citizen with a verified diploma, an education entry it certifies, a
/// declared skill and a document. Returns (token, holding, certified
/// entry, declared entry, document).
async fn portfolio(issuer: &Issuer) -> (String, String, String, String, String) {
    let app = &issuer.app;
    accredit(issuer).await;
    let token = app.sign_up("camille@example.org").await;
    let issued = issuer.issue(diploma(app), json!({})).await;
    let holding = import_credential(
        app,
        &token,
        "application/json",
        serde_json::to_string(&issued).unwrap(),
    )
    .await;
    let certified = entry(
        app,
        &token,
        json!({"kind": "education", "title": "Master Informatique", "organisation": "Université A",
               "startDate": "2019", "endDate": "2021", "holdingId": holding}),
    )
    .await;
    let declared = entry(
        app,
        &token,
        json!({"kind": "skill", "title": "Soudure à l'arc", "description": "Déclarée, pas vérifiée"}),
    )
    .await;
    let document = stored(upload(app, &token, "Lettre.pdf", None, &pdf(2000)).await).await;
    (
        token,
        holding,
        certified,
        declared,
        document["id"].as_str().unwrap().to_owned(),
    )
}

pub(crate) async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let res = app.post_json("/wallet/shares", Some(token), &body).await;
    let status = res.status();
    let location = res
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    let share: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{share}");
    assert_eq!(
        location.unwrap(),
        format!("/wallet/shares/{}", share["id"].as_str().unwrap())
    );
    share
}

/// The link's path (`/s/<token>`).
pub(crate) fn link_path(share: &Value) -> String {
    let url = share["url"].as_str().unwrap();
    let at = url.find("/s/").unwrap();
    url[at..].to_owned()
}

async fn present(app: &TestApp, path: &str, body: Value) -> reqwest::Response {
    app.client
        .post(app.url(&format!("{path}/presentation")))
        .header("user-agent", "VerifierBot/1.0")
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn page(app: &TestApp, path: &str) -> (u16, reqwest::header::HeaderMap, String) {
    let res = app
        .client
        .get(app.url(&format!("{path}?lang=fr")))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, headers, res.text().await.unwrap())
}

async fn verify_presentation(app: &TestApp, vp: &Value, challenge: &str, domain: &str) -> Value {
    let res = app
        .post_json(
            "/presentations/verify",
            None,
            &json!({"verifiablePresentation": vp, "options": {"challenge": challenge, "domain": domain}}),
        )
        .await;
    // 200 when verified, 422 when checked and not verified.
    let status = res.status().as_u16();
    let report: Value = res.json().await.unwrap();
    assert_eq!(status == 200, report["verified"] == true, "{report:#}");
    report
}

#[tokio::test]
async fn a_share_is_verified_by_software_and_people_then_revoked_at_once() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    let (token, holding, certified, declared, document) = portfolio(&issuer).await;
    let share = create(
        app,
        &token,
        json!({"label": "Candidature Région", "credentials": [holding],
               "entries": [declared, certified], "documents": [document]}),
    )
    .await;
    assert_eq!(share["state"], "active");
    assert_eq!(share["hasPin"], false);
    assert_eq!(share["itemCount"], 4);
    assert_eq!(
        share["items"][0],
        json!({"kind": "credential", "id": holding})
    );
    let path = link_path(&share);
    assert!(share["url"].as_str().unwrap().starts_with(&app.url("/s/")));
    assert_eq!(path.len(), "/s/".len() + 22);
    // The link can be shown again (it is kept sealed), in the list too.
    let listed = get_json(app, "/wallet/shares", &token).await;
    assert_eq!(listed["items"][0]["url"], share["url"]);

    // A verifier's software: a presentation bound to its challenge.
    let res = present(
        app,
        &path,
        json!({"challenge": "c-123", "domain": "employeur.example"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["x-robots-tag"]
        .to_str()
        .unwrap()
        .contains("noindex"));
    let shared: Value = res.json().await.unwrap();
    // The share's label is the owner's own note: never sent to its visitors.
    assert!(shared.get("label").is_none(), "{shared}");
    assert_eq!(shared["owner"], "camille");
    let vp = &shared["presentation"];
    assert_eq!(vp["proof"]["challenge"], "c-123");
    assert_eq!(vp["proof"]["domain"], "employeur.example");
    assert_eq!(vp["proof"]["proofPurpose"], "authentication");
    assert_eq!(vp["holder"], shared["holder"]);
    let report = verify_presentation(app, vp, "c-123", "employeur.example").await;
    assert_eq!(report["verified"], true, "{report:#}");
    assert_eq!(report["credentials"][0]["verified"], true);
    // Replayed with another verifier's challenge or domain: refused.
    let report = verify_presentation(app, vp, "c-456", "employeur.example").await;
    assert_eq!(report["verified"], false);
    let report = verify_presentation(app, vp, "c-123", "ailleurs.example").await;
    assert_eq!(report["verified"], false);
    // A credential swapped inside the presentation breaks the holder's proof.
    let mut altered = vp.clone();
    altered["verifiableCredential"][0]["credentialSubject"]["name"] = json!("Quelqu'un d'autre");
    let report = verify_presentation(app, &altered, "c-123", "employeur.example").await;
    assert_eq!(report["verified"], false);
    // The same presentation pasted on the verification form: the holder's
    // proof and the credential, checked (and said not to be made for the
    // page); altered, the holder's proof fails.
    let pasted = serde_json::to_vec(vp).unwrap();
    let p = crate::verify_page::post_form(app, "?lang=fr", &[("credential", None, &pasted)]).await;
    assert_eq!(p.status, 200, "{}", p.html);
    assert!(p.html.contains("Présentation vérifiable"), "{}", p.html);
    assert!(p
        .html
        .contains("La signature du titulaire sur cette présentation est valide."));
    assert!(p.html.contains("Attestation 1 – Authentique"), "{}", p.html);
    assert!(p.html.contains("n’a pas été faite pour cette page"));
    let forged = serde_json::to_vec(&altered).unwrap();
    let p = crate::verify_page::post_form(app, "?lang=fr", &[("credential", None, &forged)]).await;
    assert_eq!(p.status, 200);
    assert!(p.html.contains("n’a pas pu être vérifiée"), "{}", p.html);
    // Entries carry their trust level, the certified one points at the
    // credential; documents at their download.
    let entries = shared["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["trust"], "declared");
    assert_eq!(entries[0]["credentialIndex"], Value::Null);
    assert_eq!(entries[1]["trust"], "certified");
    assert_eq!(entries[1]["credentialIndex"], 0);
    let href = shared["documents"][0]["href"].as_str().unwrap();
    let res = app.client.get(app.url(href)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.bytes().await.unwrap().to_vec(), pdf(2000));
    // A document that is not in the share: unknown.
    let other = stored(upload(app, &token, "Autre.pdf", None, &pdf(10)).await).await;
    let res = app
        .client
        .get(app.url(&format!(
            "{path}/documents/{}",
            other["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    assert_problem(res, 404).await;

    // A person: the page, never indexed, each credential checked, the
    // certified entry apart from the declared one.
    let (status, headers, html) = page(app, &path).await;
    assert_eq!(status, 200);
    assert!(headers["x-robots-tag"]
        .to_str()
        .unwrap()
        .contains("noindex"));
    assert!(html.contains(r#"<meta name="robots" content="noindex, nofollow">"#));
    assert!(headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
    // The owner's name heads the page; the share's label is theirs alone.
    assert!(html.contains("<title>camille"), "{html}");
    assert!(!html.contains("Candidature Région"));
    assert!(html.contains("Attestation 1"));
    assert!(
        html.contains("signature, faite pour cette page, est valide"),
        "{html}"
    );
    assert!(html.contains("verdict-line verdict-valid"));
    let certified_at = html.find("Parcours certifié").expect("a certified group");
    let declared_at = html.find("Parcours déclaré").expect("a declared group");
    // (The diploma's own name may appear above, in the credential.)
    let master = certified_at + html[certified_at..].find("Master Informatique").unwrap();
    let soudure = html
        .find("Soudure à l&#39;arc")
        .or_else(|| html.find("Soudure à l&#x27;arc"))
        .unwrap();
    assert!(master < declared_at && declared_at < soudure, "{html}");
    assert!(html.contains(href));
    let (_, _, english) = {
        let res = app
            .client
            .get(app.url(&format!("{path}?lang=en")))
            .send()
            .await
            .unwrap();
        (res.status(), (), res.text().await.unwrap())
    };
    assert!(english.contains("Declared path") && english.contains("Certified path"));

    // The owner's log: the presentation (with the verifier's domain), the
    // document, the pages.
    let log = get_json(
        app,
        &format!("/wallet/shares/{}/accesses", share["id"].as_str().unwrap()),
        &token,
    )
    .await;
    let outcomes: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes.iter().filter(|o| **o == "opened").count(), 2);
    assert_eq!(outcomes.iter().filter(|o| **o == "document").count(), 1);
    let presented = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["outcome"] == "presented")
        .unwrap();
    assert_eq!(presented["verifier"], "employeur.example");
    assert_eq!(presented["userAgent"], "VerifierBot/1.0");
    let listed = get_json(app, "/wallet/shares", &token).await;
    assert_eq!(listed["items"][0]["openings"], 3);

    // The QR code encodes the link.
    let res = app
        .get(
            &format!("/wallet/shares/{}/qr.svg", share["id"].as_str().unwrap()),
            Some(&token),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
    let res = app
        .get(
            &format!(
                "/wallet/shares/{}/qr.png?size=256",
                share["id"].as_str().unwrap()
            ),
            Some(&token),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.bytes().await.unwrap().starts_with(b"\x89PNG"));

    // Revoked: gone at once, for software, people and documents.
    let res = app
        .client
        .delete(app.url(&format!("/wallet/shares/{}", share["id"].as_str().unwrap())))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let problem = assert_problem(
        present(app, &path, json!({"challenge": "c", "domain": "d"})).await,
        410,
    )
    .await;
    assert!(problem["type"].as_str().unwrap().ends_with("share-revoked"));
    let (status, _, html) = page(app, &path).await;
    assert_eq!(status, 410);
    assert!(html.contains("Partage retiré"));
    assert!(!html.contains("Master Informatique"));
    let res = app.client.get(app.url(href)).send().await.unwrap();
    assert_problem(res, 410).await;
    let view = get_json(
        app,
        &format!("/wallet/shares/{}", share["id"].as_str().unwrap()),
        &token,
    )
    .await;
    assert_eq!(view["state"], "revoked");
    // Revoking again changes nothing.
    let res = app
        .client
        .delete(app.url(&format!("/wallet/shares/{}", share["id"].as_str().unwrap())))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    issuer.app.stop().await;
}

#[tokio::test]
async fn a_pin_guards_a_share_and_wrong_pins_are_limited() {
    let app = TestApp::spawn().await;
    let token = app.sign_up("pin@example.org").await;
    let skill = entry(
        &app,
        &token,
        json!({"kind": "skill", "title": "Menuiserie"}),
    )
    .await;
    let document = stored(upload(&app, &token, "Plan.pdf", None, &pdf(500)).await).await;
    let doc_href = format!("/documents/{}", document["id"].as_str().unwrap());
    let share = create(
        &app,
        &token,
        json!({"label": "Avec code", "entries": [skill], "documents": [document["id"]], "pin": "4821"}),
    )
    .await;
    assert_eq!(share["hasPin"], true);
    let path = link_path(&share);

    // The page asks for the PIN; the content is not there.
    let (status, _, html) = page(&app, &path).await;
    assert_eq!(status, 401);
    assert!(html.contains(r#"name="pin""#) && !html.contains("Menuiserie"));
    // Software gets a problem, and the document too.
    let problem = assert_problem(
        present(&app, &path, json!({"challenge": "c", "domain": "d"})).await,
        401,
    )
    .await;
    assert!(problem["type"].as_str().unwrap().ends_with("pin-required"));
    let res = app
        .client
        .get(app.url(&format!("{path}{doc_href}")))
        .send()
        .await
        .unwrap();
    assert_problem(res, 401).await;

    // A wrong PIN: the form again, with the attempts left.
    let res = app
        .client
        .post(app.url(&format!("{path}?lang=en")))
        .form(&[("pin", "0000")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("not the right one") && html.contains("Attempts left: 4"),
        "{html}"
    );

    // The right PIN: the page, and a pass (cookie) for the share's path.
    let res = app
        .client
        .post(app.url(&path))
        .form(&[("pin", "4821")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    assert!(cookie.contains(&format!("Path={path}")));
    let pass = cookie.split(';').next().unwrap().to_owned();
    assert!(res.text().await.unwrap().contains("Menuiserie"));
    // The pass opens the page and the document, without the PIN.
    let res = app
        .client
        .get(app.url(&path))
        .header("cookie", &pass)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = app
        .client
        .get(app.url(&format!("{path}{doc_href}")))
        .header("cookie", &pass)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().to_vec(), pdf(500));
    // A pass forged, or of another share, opens nothing.
    let res = app
        .client
        .get(app.url(&path))
        .header(
            "cookie",
            "atout_share_pass=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    // Software may send the PIN in the body or the header.
    let res = present(
        &app,
        &path,
        json!({"challenge": "c", "domain": "d", "pin": "4821"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let res = app
        .client
        .get(app.url(&format!("{path}{doc_href}")))
        .header("x-share-pin", "4821")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // Five wrong PINs in a row close the share to PINs, the right one too.
    for left in (0..5).rev() {
        let res = present(
            &app,
            &path,
            json!({"challenge": "c", "domain": "d", "pin": "1111"}),
        )
        .await;
        if left > 0 {
            let problem = assert_problem(res, 403).await;
            assert_eq!(problem["attemptsLeft"], left);
        } else {
            let problem = assert_problem(res, 429).await;
            assert!(problem["type"].as_str().unwrap().ends_with("pin-locked"));
        }
    }
    let res = present(
        &app,
        &path,
        json!({"challenge": "c", "domain": "d", "pin": "4821"}),
    )
    .await;
    assert_problem(res, 429).await;
    let (status, _, html) = page(&app, &path).await;
    assert_eq!(status, 401, "the page still asks (no PIN typed)");
    assert!(!html.contains("Menuiserie"));
    // After the lock, the right PIN works again.
    app.clock.advance(chrono::Duration::minutes(16));
    let res = present(
        &app,
        &path,
        json!({"challenge": "c", "domain": "d", "pin": "4821"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let log = get_json(
        &app,
        &format!("/wallet/shares/{}/accesses", share["id"].as_str().unwrap()),
        &token,
    )
    .await;
    let outcomes: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["outcome"].as_str().unwrap())
        .collect();
    assert!(
        outcomes.contains(&"pin-wrong")
            && outcomes.contains(&"pin-locked")
            && outcomes.contains(&"pin-required")
    );
    app.stop().await;
}

#[tokio::test]
async fn expired_shares_and_erased_accounts_close_their_links() {
    let app = TestApp::spawn().await;
    let token = app.sign_up("temps@example.org").await;
    let skill = entry(&app, &token, json!({"kind": "skill", "title": "Couture"})).await;
    let expires = app.clock.now() + chrono::Duration::hours(1);
    let share = create(
        &app,
        &token,
        json!({"label": "Une heure", "entries": [skill], "expiresAt": expires}),
    )
    .await;
    let path = link_path(&share);
    assert_eq!(page(&app, &path).await.0, 200);
    app.clock.advance(chrono::Duration::hours(2));
    let (status, _, html) = page(&app, &path).await;
    assert_eq!(status, 410);
    assert!(html.contains("Partage expiré"));
    let problem = assert_problem(
        present(&app, &path, json!({"challenge": "c", "domain": "d"})).await,
        410,
    )
    .await;
    assert!(problem["type"].as_str().unwrap().ends_with("share-expired"));
    assert_eq!(
        get_json(
            &app,
            &format!("/wallet/shares/{}", share["id"].as_str().unwrap()),
            &token
        )
        .await["state"],
        "expired"
    );

    // An erased account takes its shares with it.
    let share = create(&app, &token, json!({"label": "Encore", "entries": [skill]})).await;
    let path = link_path(&share);
    assert_eq!(page(&app, &path).await.0, 200);
    let res = app
        .client
        .delete(app.url("/wallet/me"))
        .bearer_auth(&token)
        .json(&json!({"password": CITIZEN_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204, "{}", res.text().await.unwrap());
    assert_eq!(page(&app, &path).await.0, 404);
    app.stop().await;
}

#[tokio::test]
async fn guessing_links_is_limited_per_address_and_logged() {
    let app = TestApp::spawn().await;
    let token = app.sign_up("devine@example.org").await;
    let skill = entry(&app, &token, json!({"kind": "skill", "title": "Jardinage"})).await;
    let share = create(&app, &token, json!({"label": "Vrai", "entries": [skill]})).await;
    let path = link_path(&share);
    // The real link counts too (60 openings at once per address).
    assert_eq!(page(&app, &path).await.0, 200);
    for i in 1..60 {
        let guess = format!("/s/{:0>22}", i);
        let (status, _, _) = page(&app, &guess).await;
        assert_eq!(status, 404, "guess {i}");
    }
    // Past the limit, this address gets nothing, even with a real link.
    let (status, headers, html) = page(&app, "/s/AAAAAAAAAAAAAAAAAAAAAA").await;
    assert_eq!(status, 429);
    assert!(headers.contains_key("retry-after"));
    assert!(html.contains("Trop de liens"));
    assert_eq!(page(&app, &path).await.0, 429);
    let problem = assert_problem(
        present(&app, &path, json!({"challenge": "c", "domain": "d"})).await,
        429,
    )
    .await;
    assert!(problem["type"]
        .as_str()
        .unwrap()
        .ends_with("too-many-guesses"));
    assert!(problem["retryAfter"].as_u64().unwrap() > 0);
    app.stop().await;
}

#[tokio::test]
async fn bad_shares_are_refused_with_the_field_at_fault() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    let (token, holding, certified, _, document) = portfolio(&issuer).await;
    let other = app.sign_up("autre@example.org").await;
    let now = app.clock.now();
    let cases: Vec<(Value, u16, Option<&str>)> = vec![
        (
            json!({"label": "", "entries": [certified]}),
            422,
            Some("label"),
        ),
        (
            json!({"label": "x".repeat(121), "entries": [certified]}),
            422,
            Some("label"),
        ),
        (json!({"label": "Rien"}), 422, None),
        (
            json!({"label": "Deux fois", "entries": [certified, certified]}),
            422,
            Some("entries"),
        ),
        (
            json!({"label": "Code", "entries": [certified], "pin": "12a4"}),
            422,
            Some("pin"),
        ),
        (
            json!({"label": "Code", "entries": [certified], "pin": "123"}),
            422,
            Some("pin"),
        ),
        (
            json!({"label": "Passé", "entries": [certified], "expiresAt": now - chrono::Duration::minutes(1)}),
            422,
            Some("expiresAt"),
        ),
        (
            json!({"label": "Trop loin", "entries": [certified], "expiresAt": now + chrono::Duration::days(400)}),
            422,
            Some("expiresAt"),
        ),
        (
            json!({"label": "Inconnu", "credentials": ["nope"]}),
            422,
            None,
        ),
        (
            json!({"label": "Trop", "entries": (0..101).map(|i| format!("e{i}")).collect::<Vec<_>>()}),
            422,
            None,
        ),
        (
            json!({"label": "Champ", "entries": [certified], "sneaky": true}),
            422,
            None,
        ),
        (json!({"label": 7, "entries": [certified]}), 422, None),
    ];
    for (body, status, field) in cases {
        let res = app.post_json("/wallet/shares", Some(&token), &body).await;
        let problem = assert_problem(res, status).await;
        if let Some(f) = field {
            assert_eq!(problem["field"], f, "{body}");
        }
    }
    // Malformed JSON, and an oversized body.
    let res = app
        .client
        .post(app.url("/wallet/shares"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"label\": ")
        .send()
        .await
        .unwrap();
    assert_problem(res, 400).await;
    let res = app
        .client
        .post(app.url("/wallet/shares"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(format!(
            "{{\"label\": \"{}\"}}",
            "x".repeat(2 * 1024 * 1024)
        ))
        .send()
        .await
        .unwrap();
    assert_problem(res, 413).await;
    // Another citizen cannot share the owner's things, nor learn they exist.
    for body in [
        json!({"label": "Vol", "credentials": [holding]}),
        json!({"label": "Vol", "entries": [certified]}),
        json!({"label": "Vol", "documents": [document]}),
    ] {
        let res = app.post_json("/wallet/shares", Some(&other), &body).await;
        let problem = assert_problem(res, 422).await;
        assert!(problem["detail"]
            .as_str()
            .unwrap()
            .starts_with("You have no"));
    }
    assert!(get_json(app, "/wallet/shares", &other).await["items"]
        .as_array()
        .unwrap()
        .is_empty());
    // The machine route refuses a missing or hostile challenge.
    let share = create(app, &token, json!({"label": "Ok", "entries": [certified]})).await;
    let path = link_path(&share);
    for body in [
        json!({"domain": "d"}),
        json!({"challenge": "", "domain": "d"}),
        json!({"challenge": "c\u{0}", "domain": "d"}),
        json!({"challenge": "c", "domain": "d".repeat(201)}),
    ] {
        let res = present(app, &path, body.clone()).await;
        assert!(res.status() == 422, "{body}: {}", res.status());
    }
    issuer.app.stop().await;
}

#[tokio::test]
async fn behind_a_trusted_proxy_guesses_count_per_forwarded_address() {
    // Without trusted proxies, X-Forwarded-For is the client's to write:
    // it cannot spread guesses over made-up addresses.
    let app = TestApp::spawn().await;
    for i in 0..60 {
        let res = app
            .client
            .get(app.url(&format!("/s/{:0>22}", i)))
            .header("x-forwarded-for", format!("198.51.100.{}", i % 250))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404);
    }
    let res = app
        .client
        .get(app.url("/s/AAAAAAAAAAAAAAAAAAAAAA"))
        .header("x-forwarded-for", "198.51.100.99")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    app.stop().await;

    // Behind a trusted proxy (here the test client's own address), each
    // forwarded client has its own count.
    let app = TestApp::spawn_with(&[("ATOUT_TRUSTED_PROXIES", "127.0.0.1/32, ::1")]).await;
    let guess = |ip: &'static str, i: usize| {
        app.client
            .get(app.url(&format!("/s/{:0>22}", i)))
            .header("x-forwarded-for", ip)
            .send()
    };
    for i in 0..60 {
        assert_eq!(guess("203.0.113.5", i).await.unwrap().status(), 404);
    }
    assert_eq!(guess("203.0.113.5", 99).await.unwrap().status(), 429);
    assert_eq!(guess("203.0.113.6", 99).await.unwrap().status(), 404);
    app.stop().await;
}
