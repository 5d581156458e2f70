//! The organisation console, as a browser without JavaScript uses it: login
//! with an API key (or the admin token), every action a CSRF-checked form
//! acting through the API as that key, another organisation's pages 403,
//! a revoked key ending its session; templates, issuing (offer by link,
//! direct), bulk upload with its progress and report, statuses seen by the
//! public verifier, certification requests, the trust registry. And the
//! main pages in a real browser, in French and English.

use crate::browser::{assert_page, open, screenshots};
use crate::common::*;
use crate::documents::{pdf, stored, upload};
use crate::offers::{count_rows, Setup, ORG};
use crate::pages::{link, Visitor};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A visitor logged in to the console with `token`.
async fn console(app: &TestApp, token: &str) -> Visitor {
    let mut v = Visitor::new(app);
    v.get("/console/login").await;
    let res = v.post("/console/login", &[("token", token)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), Some("/console"));
    // A page of the session, for the forms' token.
    let front = v.follow("/console").await;
    assert_eq!(front.status, StatusCode::OK);
    v
}

/// The subject fields of the diploma template, as the issue form posts them.
fn diploma_fields<'a>(given: &'a str, level: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("s.givenName", given),
        ("s.familyName", "Dupont"),
        ("s.degree.type", "Diploma"),
        ("s.degree.name", "Master Informatique"),
        ("s.degree.eqfLevel", level),
        ("s.degree.awardedOn", "2026-07-03"),
    ]
}

fn org_path(rest: &str) -> String {
    format!("/console/orgs/{ORG}{rest}")
}

#[tokio::test]
async fn login_wrong_keys_other_organisations_csrf_and_revoked_keys() {
    let s = Setup::new(&[]).await;
    let app = &s.app;
    app.create_org("other").await;
    // Logged out: to the console's login page, and back after.
    let mut v = Visitor::new(app);
    let out = v.get(&org_path("/templates")).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(
        out.location(),
        Some("/console/login?next=%2Fconsole%2Forgs%2Funiv%2Ftemplates")
    );
    assert_eq!(v.get("/console").await.status, StatusCode::SEE_OTHER);
    // A wrong key: the form again, with a message that says nothing more.
    let page = v
        .get("/console/login?next=/console/orgs/univ/templates")
        .await;
    page.expect("type=\"password\"")
        .expect("value=\"/console/orgs/univ/templates\"");
    for wrong in [
        "atout_not-a-key",
        format!("{}x", s.key).as_str(),
        "",
        "x".repeat(5000).as_str(),
    ] {
        let res = v.post("/console/login", &[("token", wrong)]).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{wrong}");
        res.expect("Cette clé n’est pas valable ou a été révoquée.")
            .expect("aria-invalid=\"true\"");
        assert!(res.headers.get("set-cookie").is_none());
    }
    // No CSRF token: a 403 page, no session.
    let forged = v
        .post("/console/login", &[("token", s.key.as_str()), ("csrf", "")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    forged.expect("Ce formulaire a expiré");
    // The right key, and back where the visitor was going; never off-site.
    let ok = v
        .post(
            "/console/login",
            &[
                ("token", s.key.as_str()),
                ("next", "/console/orgs/univ/templates"),
            ],
        )
        .await;
    assert_eq!(ok.location(), Some("/console/orgs/univ/templates"));
    let cookie = ok.headers["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("atout_console=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Max-Age=28800"),
        "{cookie}"
    );
    assert!(!cookie.contains(&s.key), "the key is sealed, not in clear");
    let off = console_login_next(app, &s.key, "https://evil.example/").await;
    assert_eq!(off, "/console");
    // /console: an organisation's key goes to its dashboard.
    let front = v.get("/console").await;
    assert_eq!(front.location(), Some("/console/orgs/univ"));
    let dash = v.get("/console/orgs/univ").await;
    assert_eq!(dash.status, StatusCode::OK);
    dash.expect("Université Exemple")
        .expect(&s.org_did())
        .expect("<strong>1</strong> modèles")
        .expect("aria-current=\"page\"");
    assert_eq!(dash.headers["x-robots-tag"], "noindex, nofollow");
    assert!(dash.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
    // Another organisation's pages, and the administrator's: 403 pages.
    for path in [
        "/console/orgs/other",
        "/console/orgs/other/templates",
        "/console/orgs/other/credentials",
        "/console/orgs/other/api-keys",
        "/console/registry",
    ] {
        let res = v.get(path).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{path}");
        res.expect("Vous n’avez pas accès à cette page.");
    }
    // Unknown things: 404 pages.
    let missing = v.get(&org_path("/templates/nope")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    // A form without its token changes nothing.
    let before = count_rows(app, "credential_templates").await;
    v.get(&org_path("/templates/new")).await;
    let res = v
        .post(
            &org_path("/templates/new"),
            &[
                ("csrf", "forged"),
                ("name_fr", "X"),
                ("type", "XCredential"),
                ("subject_schema", "{}"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    res.expect("Ce formulaire a expiré");
    assert_eq!(count_rows(app, "credential_templates").await, before);
    // A tampered cookie is no session.
    let mut t = Visitor::new(app);
    let url: reqwest::Url = app.base.parse().unwrap();
    t.jar.add_cookie_str("atout_console=AAAA", &url);
    assert_eq!(
        t.get("/console/orgs/univ").await.status,
        StatusCode::SEE_OTHER
    );
    // Logging out ends the session.
    v.get("/console/orgs/univ").await;
    let out = v.post("/console/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(
        v.get("/console/orgs/univ").await.status,
        StatusCode::SEE_OTHER
    );
    let bye = v.follow("/console/login?done=done-co-logged-out").await;
    bye.expect("Vous avez quitté la console.");

    // A second key, revoked from the console: its session ends at once.
    let (second_id, second) = app.create_api_key(ORG).await;
    let mut w = console(app, &second).await;
    let keys = w.get(&org_path("/api-keys")).await;
    keys.expect(&format!("/api-keys/{second_id}/revoke"))
        .expect("Seul l’administrateur de la plateforme crée les clés d’API.");
    let revoked = w
        .post(&org_path(&format!("/api-keys/{second_id}/revoke")), &[])
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    let after = w.get(&org_path("/api-keys")).await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert!(after.location().unwrap().starts_with("/console/login"));
    // The first key's session goes on.
    let mut v = console(app, &s.key).await;
    assert_eq!(v.get(&org_path("/api-keys")).await.status, StatusCode::OK);
    // An organisation's key cannot create keys, even by posting the form.
    let res = v.post(&org_path("/api-keys"), &[("name", "x")]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(count_rows(app, "api_keys").await, 2);
}

/// Logs in with `next`; where the console sends the visitor.
async fn console_login_next(app: &TestApp, token: &str, next: &str) -> String {
    let mut v = Visitor::new(app);
    v.get("/console/login").await;
    let res = v
        .post("/console/login", &[("token", token), ("next", next)])
        .await;
    res.location().unwrap().to_owned()
}

#[tokio::test]
async fn templates_are_created_and_issued_by_link_and_directly() {
    let s = Setup::new(&[]).await;
    let app = &s.app;
    let mut v = console(app, &s.key).await;
    // Template creation: errors tied to their fields, nothing written.
    let form = v.get(&org_path("/templates/new")).await;
    form.expect("givenName").expect("id=\"f-subject_schema\"");
    let bad = v
        .post(
            &org_path("/templates/new"),
            &[
                ("name_fr", "Attestation"),
                ("type", "Attestation"),
                ("subject_schema", "{not json"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.expect("Le schéma doit être un objet JSON Schema valable.")
        .expect("aria-describedby=\"h-subject_schema e-subject_schema\"")
        .expect("{not json");
    let refused = v
        .post(
            &org_path("/templates/new"),
            &[
                ("name_fr", "Attestation"),
                ("type", "attestation de <b>stage</b>"),
                ("subject_schema", r#"{"type": "object"}"#),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused
        .expect("Indiquez un type comme DiplomaCredential")
        .expect("attestation de &#60;b&#62;stage");
    assert_eq!(count_rows(app, "credential_templates").await, 1);
    let created = v
        .post(
            &org_path("/templates/new"),
            &[
                ("name_fr", "Attestation de stage"),
                ("name_en", "Internship certificate"),
                ("type", "InternshipCredential"),
                (
                    "subject_schema",
                    r#"{"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "title": "Nom complet"}, "weeks": {"type": "integer"}}}"#,
                ),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let page = v.follow(created.location().unwrap()).await;
    page.expect("Modèle créé.")
        .expect("Attestation de stage")
        .expect("Nom complet")
        .expect("name=\"s.weeks\"");
    let list = v.get(&org_path("/templates")).await;
    list.expect("Attestation de stage")
        .expect("Diplôme national de master");
    v.get("/console/orgs/univ/templates?lang=en").await;
    let en = v.get(&org_path("/templates")).await;
    en.expect("Internship certificate")
        .expect("National master");
    v.get(&org_path("/templates?lang=fr")).await;

    // Issuing by link: the link and its QR code, shown once.
    let template = format!("/templates/{}", s.template);
    let form = v.get(&org_path(&template)).await;
    form.expect("name=\"s.degree.eqfLevel\"")
        .expect("type=\"date\"")
        .expect("value=\"Diploma\"");
    let mut fields = diploma_fields("Renée", "7");
    fields.push(("delivery", "link"));
    let offer = v
        .post(&org_path(&format!("{template}/issue")), &fields)
        .await;
    assert_eq!(offer.status, StatusCode::CREATED, "{}", offer.body);
    let link_at = offer.body.find(&format!("{}/offers/", app.base)).unwrap();
    let token: String = offer.body[link_at + app.base.len() + 8..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    assert_eq!(token.len(), 43);
    offer
        .expect(&format!("src=\"/offers/{token}/qr.svg\""))
        .expect("n’est affiché qu’une fois");
    let qr = app.get(&format!("/offers/{token}/qr.svg"), None).await;
    assert_eq!(qr.status(), 200);
    assert!(qr.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("image/svg+xml"));
    let public = app.get(&format!("/offers/{token}"), None).await;
    assert_eq!(public.status(), 200);
    // Bad subject data: tied to the fields, nothing offered.
    let offers = count_rows(app, "offers").await;
    let mut bad = diploma_fields("", "sept");
    bad.push(("delivery", "link"));
    let res = v.post(&org_path(&format!("{template}/issue")), &bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    res.expect("id=\"e-s.givenName\"")
        .expect("Ce champ est obligatoire.")
        .expect("id=\"e-s.degree.eqfLevel\"")
        .expect("n’est pas du type attendu");
    // Valid types but refused by the schema (level 9): the API's message
    // on its field.
    let mut nine = diploma_fields("Renée", "9");
    nine.push(("delivery", "link"));
    let res = v.post(&org_path(&format!("{template}/issue")), &nine).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    res.expect("id=\"e-s.degree.eqfLevel\"");
    // An offer by email without an address.
    let mut no_email = diploma_fields("Renée", "7");
    no_email.push(("delivery", "email"));
    let res = v
        .post(&org_path(&format!("{template}/issue")), &no_email)
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    res.expect("id=\"e-email\"");
    assert_eq!(count_rows(app, "offers").await, offers);

    // The offers: pending, then withdrawn.
    let list = v.get(&org_path("/offers")).await;
    list.expect("Renée Dupont").expect("badge-pending");
    let withdraw = link_action(&list.body, "/withdraw");
    let res = v.post(&withdraw, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let list = v.follow(res.location().unwrap()).await;
    list.expect("Offre retirée").expect("badge-cancelled");
    let public: Value = app
        .get(&format!("/offers/{token}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(public["state"], "cancelled");
    // Withdrawing again: said, not an error page.
    let again = v.post(&withdraw, &[]).await;
    assert_eq!(
        again.location(),
        Some("/console/orgs/univ/offers?done=done-co-offer-not-pending")
    );

    // Direct issuance: the credential's page, its download; a hostile
    // name is shown as text.
    let mut direct = diploma_fields("<script>alert(1)</script>", "7");
    direct.extend([
        ("delivery", "direct"),
        ("reference", "M2-2026-001"),
        ("email", "renee@example.org"),
    ]);
    let res = v
        .post(&org_path(&format!("{template}/issue")), &direct)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = v.follow(res.location().unwrap()).await;
    page.expect("Justificatif émis et signé.")
        .expect("&#60;script&#62;alert(1)&#60;/script&#62; Dupont")
        .expect("M2-2026-001")
        .expect("/verify/")
        .expect("badge-active");
    assert!(!page.body.contains("<script>alert"));
    // The same reference again: refused, said on the form.
    let again = v
        .post(&org_path(&format!("{template}/issue")), &direct)
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    again.expect("Cela existe déjà.");
    assert_eq!(count_rows(app, "issued_credentials").await, 1);
}

/// The `action` of the first form whose action ends with `suffix`.
fn link_action(body: &str, suffix: &str) -> String {
    let mut rest = body;
    while let Some(at) = rest.find("action=\"") {
        let tail = &rest[at + 8..];
        let end = tail.find('"').unwrap();
        let action = &tail[..end];
        if action.ends_with(suffix) {
            return action.replace("&amp;", "&");
        }
        rest = &tail[end..];
    }
    panic!("no form ending with {suffix} in {body}");
}

const CSV_HEADER: &str =
    "reference,email,givenName,familyName,degree.type,degree.name,degree.eqfLevel,degree.awardedOn\n";

fn csv(rows: &[(&str, &str, &str)]) -> Vec<u8> {
    let mut out = CSV_HEADER.to_owned();
    for (reference, given, level) in rows {
        out.push_str(&format!(
            "{reference},{reference}@example.org,{given},Martin,Diploma,Master Informatique,{level},2026-07-03\n"
        ));
    }
    out.into_bytes()
}

/// Polls a batch's progress.json until it is finished.
async fn wait_finished(v: &mut Visitor, batch: &str) -> Value {
    for _ in 0..300 {
        let res = v
            .client
            .get(v.url(&format!("{batch}/progress.json")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let p: Value = res.json().await.unwrap();
        if p["finished"] == true {
            return p;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the batch never finished");
}

#[tokio::test]
async fn a_bulk_upload_is_checked_then_issued_with_its_progress_and_report() {
    let s = Setup::new(&[]).await;
    let app = &s.app;
    let mut v = console(app, &s.key).await;
    let form = v
        .get(&org_path(&format!("/batches/new?template={}", s.template)))
        .await;
    form.expect("enctype=\"multipart/form-data\"")
        .expect("reference,email,givenName")
        .expect(&format!("value=\"{}\" selected", s.template));
    // One bad row: the file is refused whole, the row is named.
    let bad = csv(&[("E1", "Ana", "7"), ("E2", "Bob", "x"), ("E3", "Chloé", "7")]);
    let res = v
        .upload(
            &org_path("/batches/new"),
            &[("template", &s.template)],
            "file",
            "promo.csv",
            "text/csv",
            bad,
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    res.expect("Lignes à corriger")
        .expect("Ligne 3, colonne « degree.eqfLevel » : tapez un nombre entier comme 7.")
        .expect("Rien n’a été émis.");
    assert_eq!(count_rows(app, "batches").await, 0);
    // No file, no template: said on the fields.
    let res = v
        .upload(
            &org_path("/batches/new"),
            &[("template", "")],
            "file",
            "",
            "text/csv",
            Vec::new(),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    res.expect("id=\"e-template\"").expect("id=\"e-file\"");
    // Without the CSRF token: refused.
    let token = v.csrf.take();
    let res = v
        .upload(
            &org_path("/batches/new"),
            &[("template", &s.template)],
            "file",
            "promo.csv",
            "text/csv",
            csv(&[("E1", "Ana", "7")]),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    v.csrf = token;
    assert_eq!(count_rows(app, "batches").await, 0);

    // The corrected file: a batch, its progress, its report.
    let good = csv(&[("E1", "Ana", "7"), ("E2", "Bob", "7"), ("E3", "Chloé", "7")]);
    let res = v
        .upload(
            &org_path("/batches/new"),
            &[("template", &s.template)],
            "file",
            "promo.csv",
            "text/csv",
            good.clone(),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let batch = res
        .location()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let progress = wait_finished(&mut v, &batch).await;
    assert_eq!(progress["total"], 3);
    assert_eq!(progress["done"], 3);
    assert_eq!(
        progress["text"],
        "Terminé : 3 émis, 0 déjà émis, 0 en échec, sur 3 lignes."
    );
    let page = v.get(&batch).await;
    assert_eq!(page.status, StatusCode::OK);
    page.expect("badge-done")
        .expect("E1@example.org")
        .expect(&format!("href=\"{}/credentials/", org_path("")));
    assert_eq!(page.body.matches("badge-issued").count(), 3);
    assert!(!page.has("data-progress-url"), "no polling once done");
    // Sent again: every row skipped, nothing issued twice.
    let res = v
        .upload(
            &org_path("/batches/new"),
            &[("template", &s.template)],
            "file",
            "promo.csv",
            "text/csv",
            good,
        )
        .await;
    let again = res
        .location()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    wait_finished(&mut v, &again).await;
    let page = v.get(&format!("{again}?state=skipped")).await;
    assert_eq!(page.body.matches("badge-skipped").count(), 3);
    assert_eq!(count_rows(app, "issued_credentials").await, 3);
    // Another organisation cannot read it; a made-up batch is 404.
    let (_, other_key) = {
        app.create_org("other").await;
        app.create_api_key("other").await
    };
    let mut o = console(app, &other_key).await;
    assert_eq!(o.get(&batch).await.status, StatusCode::FORBIDDEN);
    let progress = o
        .client
        .get(o.url(&format!("{batch}/progress.json")))
        .send()
        .await
        .unwrap();
    assert_eq!(progress.status(), 403);
    assert_eq!(
        v.get(&org_path("/batches/nope")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn statuses_changed_in_the_console_are_seen_by_the_verifier() {
    let s = Setup::new(&[]).await;
    let app = &s.app;
    let mut v = console(app, &s.key).await;
    let template = format!("/templates/{}/issue", s.template);
    v.get(&org_path(&format!("/templates/{}", s.template)))
        .await;
    let mut fields = diploma_fields("Inès", "7");
    fields.extend([("delivery", "direct"), ("reference", "STATUS-1")]);
    let res = v.post(&org_path(&template), &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page_path = res
        .location()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let credential: Value = v
        .client
        .get(v.url(&format!("{page_path}/download")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let verify = || async {
        let res = app
            .post_json(
                "/credentials/verify",
                None,
                &json!({"verifiableCredential": credential, "options": {}}),
            )
            .await;
        let code = res.status().as_u16();
        (code, res.json::<Value>().await.unwrap())
    };
    assert_eq!(verify().await.0, 200);
    // The search finds it, with its state and buttons.
    let list = v.get(&org_path("/credentials?q=STATUS")).await;
    list.expect("Inès Dupont")
        .expect("badge-active")
        .expect("value=\"suspend\"");
    let none = v.get(&org_path("/credentials?q=nobody-at-all")).await;
    none.expect("Aucun justificatif ne correspond.");
    // Suspend from the list, unsuspend from the page: the verifier follows.
    let status = format!("{page_path}/status");
    let res = v
        .post(&status, &[("action", "suspend"), ("back", "list")])
        .await;
    assert_eq!(
        res.location(),
        Some("/console/orgs/univ/credentials?done=done-co-suspended")
    );
    let (code, report) = verify().await;
    assert_eq!(code, 422, "{report:#}");
    assert_eq!(
        crate::verify::check(&report, "suspension")["code"],
        "suspended"
    );
    v.get(&page_path).await.expect("badge-suspended");
    let res = v.post(&status, &[("action", "unsuspend")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(verify().await.0, 200);
    // Revoking needs the box ticked; then it is final.
    let res = v.post(&status, &[("action", "revoke")]).await;
    assert!(res.location().unwrap().contains("confirm=revoke"));
    assert_eq!(verify().await.0, 200, "nothing was done");
    // A reason may go with it (told to the holder, issue 19).
    v.get(&page_path).await.expect("id=\"f-revoke-reason\"");
    let res = v
        .post(
            &status,
            &[
                ("action", "revoke"),
                ("understood", "1"),
                ("reason", "Délivré par erreur"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let (code, report) = verify().await;
    assert_eq!(code, 422);
    assert_eq!(
        crate::verify::check(&report, "revocation")["code"],
        "revoked"
    );
    let page = v.follow(res.location().unwrap()).await;
    page.expect("Justificatif révoqué.").expect("badge-revoked");
    assert!(!page.has("value=\"suspend\""), "no more buttons");
    // Unknown actions and another organisation's credentials are refused.
    let res = v.post(&status, &[("action", "unrevoke")]).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    app.create_org("other").await;
    let (_, other) = app.create_api_key("other").await;
    let mut o = console(app, &other).await;
    o.get("/console/orgs/other/credentials").await;
    let res = o
        .post(
            &status.replace("/orgs/univ/", "/orgs/other/"),
            &[("action", "suspend")],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = o.post(&status, &[("action", "suspend")]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // The administrator sees the registry but changes no status.
    let mut admin = console(app, ADMIN_TOKEN).await;
    let page = admin.get(&page_path).await;
    page.expect("l’administrateur de la plateforme peut consulter");
    let res = admin.post(&status, &[("action", "suspend")]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

async fn accredit_through_the_console(admin: &mut Visitor, did: &str) {
    admin.get("/console/registry").await;
    let res = admin
        .post(
            "/console/registry",
            &[
                ("did", did),
                ("name_fr", "Université Exemple"),
                ("name_en", "Example University"),
                ("accreditation", "Certificateur RNCP"),
                ("valid_from", "2025-01-01"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

#[tokio::test]
async fn certification_requests_are_approved_and_rejected() {
    let s = Setup::new(&[]).await;
    let app = &s.app;
    let mut admin = console(app, ADMIN_TOKEN).await;
    accredit_through_the_console(&mut admin, &s.org_did()).await;
    let citizen = app.sign_up("diplomee@example.org").await;
    let master = crate::archive::entry(
        app,
        &citizen,
        json!({"kind": "education", "title": "Master Informatique",
        "organisation": "Université Exemple", "startDate": "2010", "endDate": "2012"}),
    )
    .await;
    let licence = crate::archive::entry(
        app,
        &citizen,
        json!({"kind": "education", "title": "Licence", "startDate": "2007", "endDate": "2010"}),
    )
    .await;
    let scan = stored(upload(app, &citizen, "Diplôme 2012.pdf", None, &pdf(4000)).await).await;
    let ask = |entry: String, docs: Vec<Value>| {
        let citizen = citizen.clone();
        async move {
            app.post_json(
                "/wallet/certification-requests",
                Some(&citizen),
                &json!({"entryId": entry, "org": ORG, "message": "Promotion 2012", "documents": docs}),
            )
            .await
        }
    };
    let first: Value = ask(master.clone(), vec![scan["id"].clone()])
        .await
        .json()
        .await
        .unwrap();
    let second: Value = ask(licence, vec![]).await.json().await.unwrap();
    let first_id = first["id"].as_str().unwrap();
    let second_id = second["id"].as_str().unwrap();

    let mut v = console(app, &s.key).await;
    let queue = v.get(&org_path("/requests")).await;
    queue
        .expect("Master Informatique")
        .expect("Licence")
        .expect("1 document(s)");
    let page = v.get(&org_path(&format!("/requests/{first_id}"))).await;
    page.expect("Promotion 2012").expect("Diplôme 2012.pdf");
    // The document, through the API.
    let doc = link(
        &page.body,
        &org_path(&format!("/requests/{first_id}/documents/")),
    )
    .unwrap();
    let res = v.client.get(v.url(&doc)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().to_vec(), pdf(4000));
    // Approve: choose the template, the form comes prefilled.
    let approve_form = v
        .get(&org_path(&format!(
            "/requests/{first_id}?template={}",
            s.template
        )))
        .await;
    approve_form
        .expect("name=\"s.degree.name\" value=\"Master Informatique\"")
        .expect("name=\"s.givenName\" value=\"diplomee\"");
    let path = org_path(&format!("/requests/{first_id}/approve"));
    // Bad data: said on the fields, still pending.
    let mut bad = diploma_fields("Dana", "99");
    bad.push(("template", &s.template));
    let res = v.post(&path, &bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    res.expect("id=\"e-s.degree.eqfLevel\"");
    let mut good = diploma_fields("Dana", "7");
    good.push(("template", &s.template));
    let res = v.post(&path, &good).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let done = v.follow(res.location().unwrap()).await;
    done.expect("Demande approuvée").expect("badge-approved");
    // The entry is certified in the citizen's portfolio.
    let entries = crate::archive::get_json(app, "/wallet/entries", &citizen).await;
    let trust = entries["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == master.as_str())
        .unwrap()["trust"]
        .clone();
    assert_eq!(trust, "certified");
    // Deciding again: said, nothing changes.
    let again = v.post(&path, &good).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    again.expect("Cette demande a déjà été traitée.");

    // Reject: a reason is needed.
    let reject = org_path(&format!("/requests/{second_id}/reject"));
    v.get(&org_path(&format!("/requests/{second_id}"))).await;
    let res = v.post(&reject, &[("reason", "  ")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    res.expect("id=\"e-reason\"");
    let res = v
        .post(
            &reject,
            &[("reason", "Nous n’avons pas trace de cette licence.")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let decided = v.get(&org_path("/requests?state=all")).await;
    decided.expect("badge-approved").expect("badge-rejected");
    let pending = v.get(&org_path("/requests")).await;
    pending.expect("Aucune demande ici.");
    // Another organisation sees none of it.
    app.create_org("other").await;
    let (_, other) = app.create_api_key("other").await;
    let mut o = console(app, &other).await;
    assert_eq!(
        o.get(&org_path(&format!("/requests/{first_id}")))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        o.get(&format!("/console/orgs/other/requests/{first_id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_administrator_creates_organisations_keys_and_edits_the_registry() {
    let app = TestApp::spawn().await;
    let mut admin = console(&app, ADMIN_TOKEN).await;
    let index = admin.get("/console").await;
    assert_eq!(index.status, StatusCode::OK);
    index
        .expect("Administrateur de la plateforme")
        .expect("Aucun organisme pour l’instant.");
    // A bad identifier, then a good one.
    let bad = admin
        .post("/console/orgs", &[("slug", "Pas Bon!"), ("name_fr", "X")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.expect("id=\"e-slug\"").expect("value=\"Pas Bon!\"");
    let res = admin
        .post(
            "/console/orgs",
            &[
                ("slug", "ecole"),
                ("name_fr", "École Exemple"),
                ("name_en", "Example School"),
            ],
        )
        .await;
    assert_eq!(
        res.location(),
        Some("/console/orgs/ecole?done=done-co-org-created")
    );
    let taken = admin.post("/console/orgs", &[("slug", "ecole")]).await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    taken.expect("Cet identifiant est déjà pris.");
    assert_eq!(count_rows(&app, "organisations").await, 1);
    // Its dashboard, its keys: the administrator creates an API key, shown once.
    admin
        .get("/console/orgs/ecole")
        .await
        .expect("École Exemple")
        .expect("l’administrateur de la plateforme peut consulter");
    admin.get("/console/orgs/ecole/api-keys").await;
    let created = admin
        .post("/console/orgs/ecole/api-keys", &[("name", "scolarité")])
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(created.headers["cache-control"], "no-store");
    let at = created.body.find("value=\"atout_").unwrap();
    let key: String = created.body[at + 7..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    let mut org = console(&app, &key).await;
    assert_eq!(
        org.get("/console").await.location(),
        Some("/console/orgs/ecole")
    );
    // Keys: rotation by the administrator; the organisation is told who does it.
    org.get("/console/orgs/ecole/keys")
        .await
        .expect("#key-1")
        .expect("adressez-vous à lui");
    let res = org
        .post(
            "/console/orgs/ecole/keys/rotate",
            &[("algorithm", "Ed25519")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    admin.get("/console/orgs/ecole/keys").await;
    let res = admin
        .post(
            "/console/orgs/ecole/keys/rotate",
            &[("algorithm", "Ed25519")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let keys = admin.follow(res.location().unwrap()).await;
    keys.expect("Nouvelle clé active.")
        .expect("badge-retired")
        .expect("/keys/key-1/withdraw");
    // Withdrawing needs the box ticked.
    let res = admin
        .post("/console/orgs/ecole/keys/key-1/withdraw", &[])
        .await;
    assert!(res.location().unwrap().contains("done-co-not-confirmed"));
    let res = admin
        .post(
            "/console/orgs/ecole/keys/key-1/withdraw",
            &[("understood", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    admin
        .follow(res.location().unwrap())
        .await
        .expect("badge-withdrawn");

    // The trust registry: add, edit, remove.
    let did = format!("did:web:127.0.0.1%3A{}:orgs:ecole", app.addr.port());
    admin
        .get("/console/registry")
        .await
        .expect("Aucun émetteur reconnu.");
    let bad = admin
        .post(
            "/console/registry",
            &[
                ("did", "not-a-did"),
                ("name_fr", "X"),
                ("name_en", "X"),
                ("accreditation", "Y"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.expect("id=\"e-did\"");
    let bad_dates = admin
        .post(
            "/console/registry",
            &[
                ("did", did.as_str()),
                ("name_fr", "École"),
                ("name_en", "School"),
                ("accreditation", "RNCP"),
                ("valid_from", "2026-01-01"),
                ("valid_until", "2025-01-01"),
            ],
        )
        .await;
    assert_eq!(bad_dates.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad_dates.expect("id=\"e-valid_until\"");
    assert_eq!(count_rows(&app, "trusted_issuers").await, 0);
    accredit_through_the_console(&mut admin, &did).await;
    let list = admin.get("/console/registry?lang=en").await;
    list.expect("Example University")
        .expect("Certificateur RNCP");
    let edit_href = link(&list.body, "/console/registry/edit?did=").unwrap();
    let edit = admin.get(&edit_href).await;
    edit.expect("value=\"Université Exemple\"")
        .expect("value=\"2025-01-01\"");
    admin.get("/console/registry?lang=fr").await;
    let res = admin
        .post(
            "/console/registry",
            &[
                ("did", did.as_str()),
                ("name_fr", "École Exemple"),
                ("name_en", "Example School"),
                ("accreditation", "Certificateur RNCP"),
                ("editing", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let listed: Value = app
        .get("/admin/registry", Some(ADMIN_TOKEN))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"][0]["name"]["fr"], "École Exemple");
    assert_eq!(listed["items"][0]["validFrom"], "2025-01-01T00:00:00Z");
    let res = admin
        .post("/console/registry/remove", &[("did", did.as_str())])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(count_rows(&app, "trusted_issuers").await, 0);
    // Removing what is not there: a 404 page.
    let res = admin
        .post("/console/registry/remove", &[("did", did.as_str())])
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    // An organisation's key has no registry.
    org.get("/console/orgs/ecole").await;
    let res = org
        .post("/console/registry/remove", &[("did", did.as_str())])
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_console_in_a_real_browser() {
    let s = Setup::new(&[]).await;
    let app = &s.app;
    let mut v = console(app, &s.key).await;
    // Something in every list: an issued credential and a finished batch.
    v.get(&org_path(&format!("/templates/{}", s.template)))
        .await;
    let mut fields = diploma_fields("Renée", "7");
    fields.extend([("delivery", "direct"), ("reference", "B-1")]);
    let res = v
        .post(
            &org_path(&format!("/templates/{}/issue", s.template)),
            &fields,
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    v.get(&org_path("/batches/new")).await;
    let res = v
        .upload(
            &org_path("/batches/new"),
            &[("template", &s.template)],
            "file",
            "promo.csv",
            "text/csv",
            csv(&[("E1", "Ana", "7"), ("E2", "Bob", "7")]),
        )
        .await;
    let batch = res
        .location()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    wait_finished(&mut v, &batch).await;
    let cookies = v.cookies();
    let dir = screenshots();
    for (lang, texts) in [
        (
            "fr",
            [
                "Tableau de bord",
                "Modèles",
                "Justificatifs émis",
                "Rapport ligne par ligne",
            ],
        ),
        (
            "en",
            [
                "Dashboard",
                "Templates",
                "Issued credentials",
                "Row-by-row report",
            ],
        ),
    ] {
        for (name, path, text) in [
            ("dashboard", org_path(""), texts[0]),
            ("templates", org_path("/templates"), texts[1]),
            ("credentials", org_path("/credentials"), texts[2]),
            ("batch", batch.clone(), texts[3]),
        ] {
            let shot = dir.join(format!("console-{name}-{lang}.png"));
            let result = open(json!({
                "url": app.url(&format!("{path}?lang={lang}")),
                "expect": [text],
                "forbid": ["co-", "done-co", "{ $"],
                "screenshot": shot,
                "cookies": cookies,
                "tab": 3,
            }))
            .await;
            assert_page(&format!("console {name} {lang}"), &result, 200);
            assert_eq!(result["lang"], lang);
            assert!(
                result["focus"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|f| f["outline"] == true),
                "{name} {lang}: visible focus {result:#}"
            );
        }
    }
    // The login page too, logged out.
    let result = open(json!({
        "url": app.url("/console/login?lang=fr"),
        "expect": ["Connexion à la console"],
        "screenshot": dir.join("console-login-fr.png"),
    }))
    .await;
    assert_page("console login", &result, 200);
}
