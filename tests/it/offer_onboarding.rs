//! A person without an account opens an offer's link (issue 16): the login
//! and sign-up pages say which credential awaits them and from whom, the
//! offer survives sign-up and the address confirmation (the mailed link
//! carries it), and they land on the offer, able to accept. `next` is a
//! path of this site, never another site.

use crate::common::*;
use crate::offers::{count_rows, token_of, Setup};
use crate::pages::{link, Visitor};
use reqwest::StatusCode;
use serde_json::json;

/// The confirmation link of the last `verify-email` mail to `email`, as a
/// path of the site.
pub async fn mailed_link(app: &TestApp, email: &str) -> String {
    let mail = app
        .store()
        .mail_to(email)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.kind == "verify-email")
        .expect("a confirmation mail");
    let start = mail.body.find("/account/verify-email?").unwrap();
    let link: String = mail.body[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    link
}

/// Puts the offers' organisation in the trust registry (its name is the
/// registry's, never its own).
pub async fn accredit(setup: &Setup) {
    let path = format!(
        "/admin/registry/issuers/{}",
        setup.org_did().replace('%', "%25").replace(':', "%3A")
    );
    let res = setup
        .app
        .client
        .put(setup.app.url(&path))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({
            "name": {"fr": "Université Exemple", "en": "Example University"},
            "accreditation": "Certificateur RNCP",
            "validFrom": "2025-01-01T00:00:00Z"
        }))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.text().await.unwrap());
}

/// The value of a hidden input `name` of a page.
fn hidden(body: &str, name: &str) -> String {
    let needle = format!("name=\"{name}\" value=\"");
    let at = body
        .find(&needle)
        .unwrap_or_else(|| panic!("no {name} in {body}"));
    let rest = &body[at + needle.len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn an_offer_survives_sign_up_and_confirmation_in_french_and_english() {
    let setup = Setup::new(&[]).await;
    let app = &setup.app;
    accredit(&setup).await;
    for (lang, email, waiting, issuer_says, confirm_hint) in [
        (
            "fr",
            "renee@example.org",
            "Un justificatif vous attend",
            "Université Exemple vous propose « Diplôme national de master ».",
            "Une fois votre adresse confirmée",
        ),
        (
            "en",
            "rene@example.org",
            "A credential awaits you",
            "Example University offers you “National master",
            "Once your address is confirmed",
        ),
    ] {
        // Addressed to this person's email: only once confirmed can they
        // accept it.
        let offer = setup.offer(json!({"email": email})).await;
        let token = token_of(&offer);
        let offer_page = format!("/me/offers/{token}");
        let mut v = Visitor::new(app);
        v.lang = lang;
        // The QR code's link: the login page, which names the offer.
        let login = v.follow(&format!("/offers/{token}")).await;
        assert_eq!(login.status, StatusCode::OK);
        login.expect(waiting).expect(issuer_says);
        assert_eq!(hidden(&login.body, "next"), offer_page);
        // "Create my portfolio" keeps the offer.
        let signup_href = link(&login.body, "/signup").unwrap();
        assert_eq!(
            signup_href,
            format!("/signup?next=%2Fme%2Foffers%2F{token}")
        );
        let signup = v.get(&signup_href).await;
        signup.expect(waiting).expect(issuer_says);
        assert_eq!(hidden(&signup.body, "next"), offer_page);
        let done = v
            .post(
                "/signup",
                &[
                    ("next", offer_page.as_str()),
                    ("displayName", "Renée Dupont"),
                    ("email", email),
                    ("password", "correct horse battery"),
                    ("password2", "correct horse battery"),
                ],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        assert_eq!(done.location(), Some(offer_page.as_str()));
        // Not confirmed yet: the offer page says to confirm the address.
        let refused = v.get(&offer_page).await;
        assert_eq!(refused.status, StatusCode::OK);
        assert!(!refused.has(&format!("{offer_page}/accept")));
        // The mailed link carries the offer back.
        let mailed = mailed_link(app, email).await;
        assert!(
            mailed.ends_with(&format!("&next=%2Fme%2Foffers%2F{token}")),
            "{mailed}"
        );
        let confirm = v.get(&mailed).await;
        confirm.expect(issuer_says).expect(confirm_hint);
        assert_eq!(hidden(&confirm.body, "next"), offer_page);
        let confirmed = v
            .post(
                "/account/verify-email",
                &[
                    ("token", hidden(&confirm.body, "token").as_str()),
                    ("next", offer_page.as_str()),
                ],
            )
            .await;
        assert_eq!(
            confirmed.status,
            StatusCode::SEE_OTHER,
            "{}",
            confirmed.body
        );
        assert_eq!(confirmed.location(), Some(offer_page.as_str()));
        // On the offer, able to accept.
        let page = v.get(&offer_page).await;
        page.expect("Master Informatique")
            .expect(&format!("action=\"{offer_page}/accept\""));
        let accepted = v.post(&format!("{offer_page}/accept"), &[]).await;
        assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
        assert!(accepted.location().unwrap().starts_with("/me/credentials/"));
    }
    assert_eq!(count_rows(app, "holdings").await, 2);
}

#[tokio::test]
async fn a_confirmation_opened_elsewhere_leads_to_login_then_the_offer() {
    let setup = Setup::new(&[]).await;
    let app = &setup.app;
    let token = token_of(&setup.offer(json!({})).await);
    let offer_page = format!("/me/offers/{token}");
    let mut phone = Visitor::new(app);
    phone
        .get(&format!("/signup?next=%2Fme%2Foffers%2F{token}"))
        .await;
    let done = phone
        .post(
            "/signup",
            &[
                ("next", offer_page.as_str()),
                ("displayName", "Ana"),
                ("email", "ana@example.org"),
                ("password", "correct horse battery"),
                ("password2", "correct horse battery"),
            ],
        )
        .await;
    assert_eq!(done.location(), Some(offer_page.as_str()));
    // The mail read on another device, logged out there.
    let mut laptop = Visitor::new(app);
    let confirm = laptop.get(&mailed_link(app, "ana@example.org").await).await;
    let confirmed = laptop
        .post(
            "/account/verify-email",
            &[
                ("token", hidden(&confirm.body, "token").as_str()),
                ("next", offer_page.as_str()),
            ],
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    confirmed.expect("Un justificatif vous attend");
    let login = link(&confirmed.body, "/login").unwrap();
    assert_eq!(login, format!("/login?next=%2Fme%2Foffers%2F{token}"));
    laptop.get(&login).await;
    let res = laptop
        .post(
            "/login",
            &[
                ("next", offer_page.as_str()),
                ("email", "ana@example.org"),
                ("password", "correct horse battery"),
            ],
        )
        .await;
    assert_eq!(res.location(), Some(offer_page.as_str()));
}

#[tokio::test]
async fn next_never_leads_to_another_site() {
    let setup = Setup::new(&[]).await;
    let app = &setup.app;
    for (i, hostile) in [
        "https://evil.example/me",
        "//evil.example/me",
        "/\\evil.example",
        "javascript:alert(1)",
        "/me\r\nLocation: https://evil.example",
    ]
    .into_iter()
    .enumerate()
    {
        let mut v = Visitor::new(app);
        let query = url::form_urlencoded::byte_serialize(hostile.as_bytes()).collect::<String>();
        for page in ["/login", "/signup", "/account/verify-email"] {
            let shown = v.get(&format!("{page}?next={query}&token=x")).await;
            assert_eq!(shown.status, StatusCode::OK);
            assert_eq!(hidden(&shown.body, "next"), "/me", "{page} {hostile}");
            // (The language switch keeps the query, encoded: a link to
            // this same page.)
            assert!(
                !shown.has("=\"https://evil") && !shown.has("=\"//evil"),
                "{page} {hostile}"
            );
        }
        // Posted anyway: home, never there.
        v.get("/signup").await;
        let email = format!("x{i}@example.org");
        let done = v
            .post(
                "/signup",
                &[
                    ("next", hostile),
                    ("displayName", "X"),
                    ("email", email.as_str()),
                    ("password", "correct horse battery"),
                    ("password2", "correct horse battery"),
                ],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        assert_eq!(done.location(), Some("/me?done=done-signed-up"));
        // The API refuses it outright.
        let res = app
            .post_json(
                "/auth/signup",
                None,
                &json!({"email": format!("api{i}@example.org"), "password": "correct horse battery", "displayName": "X", "next": hostile}),
            )
            .await;
        assert_problem(res, 422).await;
    }
    // An organisation outside the registry is not named by its own words.
    let token = token_of(&setup.offer(json!({})).await);
    let mut v = Visitor::new(app);
    v.get(&format!("/login?next=%2Fme%2Foffers%2F{token}"))
        .await
        .expect("Une organisation que le registre régional ne reconnaît pas encore vous propose « Diplôme national de master ».");
    // An unknown or used offer: no notice, nothing invented.
    let login = v.get("/login?next=%2Fme%2Foffers%2Fnot-a-token").await;
    assert!(!login.has("Un justificatif vous attend"));
}
