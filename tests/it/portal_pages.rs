//! The citizen's pages, as a browser without JavaScript uses them: every
//! action is a form, every form carries a CSRF token, errors are tied to
//! their fields, other people get the login page or a 404 page, and the
//! pages' headers forbid inline scripts, framing and indexing.

use crate::common::*;
use crate::documents::png;
use crate::offers::{token_of, verify_email, Setup};
use crate::pages::{link, Visitor};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn home_language_switch_and_security_headers() {
    let app = TestApp::spawn().await;
    let mut v = Visitor::new(&app);
    let home = v.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    home.expect("<html lang=\"fr\"")
        .expect("Créer mon portfolio")
        .expect("href=\"/?lang=en\"");
    let h = &home.headers;
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["x-robots-tag"], "noindex, nofollow");
    assert_eq!(h["content-language"], "fr");
    // No inline script or style anywhere.
    assert!(
        !home.body.contains("<script>") && !home.body.contains("<style"),
        "{}",
        home.body
    );
    assert!(!home.body.contains(" style=\""));
    // The switch keeps English for the next pages.
    let en = v.get("/?lang=en").await;
    en.expect("<html lang=\"en\"").expect("Create my portfolio");
    let next = v.get("/login").await;
    next.expect("<html lang=\"en\"").expect("Log in");
    // The visitor holds a CSRF cookie and the language cookie, nothing else.
    let names: Vec<String> = v
        .cookies()
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(names.contains(&"atout_csrf".to_owned()), "{names:?}");
    assert!(names.contains(&"atout_lang".to_owned()), "{names:?}");
    assert_eq!(names.len(), 2, "{names:?}");
    // Accept-Language decides for a new visitor.
    let mut english = Visitor::new(&app);
    english.lang = "en-GB";
    english.get("/").await.expect("Create my portfolio");
    // The style sheet and script are files of the site.
    let css = app.get("/assets/atout.css", None).await;
    assert_eq!(css.status(), 200);
    assert!(css.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    let js = app.get("/assets/portal.js", None).await;
    assert_eq!(js.status(), 200);
}

#[tokio::test]
async fn sign_up_log_out_log_in_and_the_way_back() {
    let app = TestApp::spawn().await;
    let mut v = Visitor::new(&app);
    // Logged out: the portfolio sends to the login page, and back after.
    let me = v.get("/me/entries").await;
    assert_eq!(me.status, StatusCode::SEE_OTHER);
    assert_eq!(me.location(), Some("/login?next=%2Fme%2Fentries"));
    // Sign-up errors are tied to their fields, nothing is created.
    v.get("/signup").await;
    let bad = v
        .post(
            "/signup",
            &[
                ("displayName", ""),
                ("email", "nope"),
                ("password", "short"),
                ("password2", "other"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.expect("id=\"f-email\"")
        .expect("aria-invalid=\"true\"")
        .expect("aria-describedby=\"h-email e-email\"")
        .expect("Indiquez une adresse e-mail valide.")
        .expect("au moins 10 caractères")
        .expect("href=\"#f-password2\"");
    assert_eq!(count(&app, "citizens").await, 0);

    v.sign_up("ines@example.org", "Inès Martin").await;
    let dash = v.follow("/me").await;
    assert_eq!(dash.status, StatusCode::OK);
    dash.expect("Bonjour Inès Martin")
        .expect("aria-current=\"page\"");
    // The same address again: an error, not a second account.
    let mut other = Visitor::new(&app);
    other.get("/signup").await;
    let again = other
        .post(
            "/signup",
            &[
                ("displayName", "X"),
                ("email", "ines@example.org"),
                ("password", "correct horse battery"),
                ("password2", "correct horse battery"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(count(&app, "citizens").await, 1);

    // Log out: the session ends (the old cookie is worth nothing).
    v.get("/me").await;
    let out = v.post("/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(v.get("/me").await.status, StatusCode::SEE_OTHER);

    // Wrong password: a message, 401, no session.
    v.get("/login?next=/me/shares").await;
    let wrong = v
        .post(
            "/login",
            &[
                ("email", "ines@example.org"),
                ("password", "not the one"),
                ("next", "/me/shares"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    wrong.expect("Adresse ou mot de passe incorrect.");
    // Right password: back where the visitor was going; never off-site.
    let ok = v
        .post(
            "/login",
            &[
                ("email", "ines@example.org"),
                ("password", "correct horse battery"),
                ("next", "/me/shares"),
            ],
        )
        .await;
    assert_eq!(ok.location(), Some("/me/shares"));
    v.get("/").await;
    v.post("/logout", &[]).await;
    v.get("/login").await;
    let hostile = v
        .post(
            "/login",
            &[
                ("email", "ines@example.org"),
                ("password", "correct horse battery"),
                ("next", "//evil.example/x"),
            ],
        )
        .await;
    assert_eq!(hostile.location(), Some("/me"));
}

#[tokio::test]
async fn forms_without_a_valid_csrf_token_or_from_elsewhere_are_refused() {
    let app = TestApp::spawn().await;
    let mut v = Visitor::new(&app);
    v.sign_up("leo@example.org", "Léo").await;
    v.get("/me/entries/new").await;
    // No token.
    let res = v
        .client
        .post(v.url("/me/entries/new"))
        .form(&[("kind", "skill"), ("title", "Soudure")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body = res.text().await.unwrap();
    assert!(body.contains("Ce formulaire a expiré"), "{body}");
    // A token from another visitor's page.
    let mut other = Visitor::new(&app);
    other.get("/signup").await;
    let foreign = other.csrf.clone().unwrap();
    let res = v
        .post(
            "/me/entries/new",
            &[("kind", "skill"), ("title", "Soudure"), ("csrf", &foreign)],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // Garbage token.
    let res = v
        .post(
            "/me/entries/new",
            &[("kind", "skill"), ("title", "Soudure"), ("csrf", "AAAA%%%")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // The right token from another site's page (Origin).
    v.get("/me/entries/new").await;
    let token = v.csrf.clone().unwrap();
    let res = v
        .client
        .post(v.url("/me/entries/new"))
        .header("origin", "https://evil.example")
        .form(&[
            ("kind", "skill"),
            ("title", "Soudure"),
            ("csrf", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(count(&app, "entries").await, 0);
    // And with everything right, it is written.
    let res = v
        .post(
            "/me/entries/new",
            &[("kind", "skill"), ("title", "Soudure")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(count(&app, "entries").await, 1);
    // Oversized and malformed forms: an error page, nothing written.
    v.get("/me/entries/new").await;
    let huge = "x".repeat(300 * 1024);
    let res = v
        .post("/me/entries/new", &[("kind", "skill"), ("title", &huge)])
        .await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    let res = v
        .client
        .post(v.url("/me/documents"))
        .header("content-type", "multipart/form-data; boundary=zzz")
        .body("--zzz\r\nnonsense")
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());
    assert_eq!(count(&app, "entries").await, 1);
}

#[tokio::test]
async fn entries_are_written_checked_edited_escaped_and_deleted() {
    let app = TestApp::spawn().await;
    let mut v = Visitor::new(&app);
    v.sign_up("ana@example.org", "Ana").await;
    let new = v.get("/me/entries/new?kind=education").await;
    new.expect("Diplôme ou formation").expect("Établissement");
    // Bad dates: the API's refusal shows on the field.
    let bad = v
        .post(
            "/me/entries/new",
            &[
                ("kind", "education"),
                ("title", "BTS"),
                ("startDate", "2021"),
                ("endDate", "2019"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.expect("aria-invalid=\"true\"")
        .expect("La date de fin doit suivre");
    // A hostile title is shown as text.
    let ok = v
        .post(
            "/me/entries/new",
            &[
                ("kind", "education"),
                ("title", "<script>alert(1)</script> BTS"),
                ("organisation", "Lycée Benjamin Franklin"),
                ("startDate", "2019"),
                ("endDate", "2021"),
                ("framework0", "RNCP"),
                ("code0", "RNCP35340"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let page = v.follow(ok.location().unwrap()).await;
    page.expect("&#60;script&#62;alert(1)&#60;/script&#62; BTS")
        .expect("Étape enregistrée.")
        .expect("Déclaré")
        .expect("value=\"RNCP35340\"");
    assert!(!page.has("<script>alert"));
    let path = ok.location().unwrap().split('?').next().unwrap().to_owned();
    // Edit.
    let edited = v
        .post(
            &path,
            &[
                ("title", "BTS SIO"),
                ("organisation", ""),
                ("startDate", "2019"),
                ("endDate", "2021"),
            ],
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    v.follow(&path).await.expect("BTS SIO");
    // A language with its grid.
    let lang = v
        .post(
            "/me/entries/new",
            &[
                ("kind", "language"),
                ("title", "Anglais"),
                ("languageCode", "en"),
                ("cefr-listening", "B2"),
                ("cefr-reading", "C1"),
                ("cefr-spokenInteraction", "B2"),
                ("cefr-spokenProduction", "B1"),
                ("cefr-writing", "B2"),
            ],
        )
        .await;
    assert_eq!(lang.status, StatusCode::SEE_OTHER, "{}", lang.body);
    v.follow(lang.location().unwrap())
        .await
        .expect("<option value=\"C1\" selected>");
    let list = v.get("/me/entries").await;
    list.expect("Formations")
        .expect("Langues")
        .expect("BTS SIO");
    // Another citizen: a 404 page, and their form cannot touch it.
    let mut eve = Visitor::new(&app);
    eve.sign_up("eve@example.org", "Eve").await;
    let theirs = eve.get(&path).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    theirs.expect("Page introuvable");
    eve.get("/me").await;
    let res = eve.post(&format!("{path}/delete"), &[]).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    // Delete.
    v.get(&path).await;
    let res = v.post(&format!("{path}/delete"), &[]).await;
    assert_eq!(res.location(), Some("/me/entries?done=done-entry-deleted"));
    assert_eq!(v.get(&path).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn documents_upload_download_refusal_and_deletion() {
    let app = TestApp::spawn().await;
    let mut v = Visitor::new(&app);
    v.sign_up("jo@example.org", "Jo").await;
    v.get("/me/documents").await;
    let res = v
        .upload(
            "/me/documents",
            &[],
            "file",
            "photo.png",
            "image/png",
            png(),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let list = v.follow(res.location().unwrap()).await;
    list.expect("photo.png").expect("image/png");
    let href = link(&list.body, "/me/documents/").unwrap();
    let file = v.client.get(v.url(&href)).send().await.unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(file.bytes().await.unwrap().to_vec(), png());
    // A refused type: the reason on the field, nothing stored.
    let refused = v
        .upload(
            "/me/documents",
            &[],
            "file",
            "run.exe",
            "application/octet-stream",
            b"MZ\x90\x00binary".to_vec(),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused
        .expect("Ce type de fichier n’est pas accepté.")
        .expect("aria-invalid=\"true\"");
    // No file chosen.
    let none = v
        .upload(
            "/me/documents",
            &[],
            "file",
            "",
            "application/octet-stream",
            Vec::new(),
        )
        .await;
    none.expect("Choisissez un fichier.");
    // Someone else cannot download it.
    let mut eve = Visitor::new(&app);
    eve.sign_up("eve2@example.org", "Eve").await;
    assert_eq!(eve.get(&href).await.status, StatusCode::NOT_FOUND);
    let id = href.split('/').nth(3).unwrap().to_owned();
    v.get("/me/documents").await;
    let del = v.post(&format!("/me/documents/{id}/delete"), &[]).await;
    assert_eq!(del.status, StatusCode::SEE_OTHER);
    v.follow("/me/documents")
        .await
        .expect("Votre coffre est vide.");
}

#[tokio::test]
async fn an_offer_link_leads_through_login_to_acceptance_and_the_credential_page() {
    let setup = Setup::new(&[]).await;
    let app = &setup.app;
    let offer = setup.offer(json!({})).await;
    let token = token_of(&offer);
    let mut v = Visitor::new(app);
    // The link, opened in a browser: the wallet's page (login first).
    let opened = v.get(&format!("/offers/{token}")).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
    assert_eq!(
        opened.location(),
        Some(format!("/me/offers/{token}").as_str())
    );
    let login = v.get(&format!("/me/offers/{token}")).await;
    assert_eq!(login.status, StatusCode::SEE_OTHER);
    assert!(login.location().unwrap().starts_with("/login?next="));
    // An API client still gets JSON.
    let json_res = app.get(&format!("/offers/{token}"), None).await;
    assert_eq!(json_res.status(), 200);
    v.sign_up("renee@example.org", "Renée Dupont").await;
    let page = v.get(&format!("/me/offers/{token}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.expect("Master Informatique")
        .expect("Émetteur non reconnu");
    let accepted = v.post(&format!("/me/offers/{token}/accept"), &[]).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let credential = v.follow(accepted.location().unwrap()).await;
    credential
        .expect("Le justificatif est dans votre portfolio.")
        .expect("Master Informatique")
        .expect("Signature");
    // Accepting twice: a clear page, not a second credential.
    let again = v.post(&format!("/me/offers/{token}/accept"), &[]).await;
    assert_eq!(again.status, StatusCode::GONE);
    again.expect("Ce lien a été retiré.");
    let list = v.get("/me/credentials").await;
    assert_eq!(
        list.body
            .matches("class=\"h3\"><a href=\"/me/credentials/")
            .count(),
        1
    );
    // An email offer shows in the list once the address is confirmed.
    let email_offer = setup.offer(json!({"email": "renee@example.org"})).await;
    v.get("/me/offers")
        .await
        .expect("Confirmez votre adresse e-mail");
    verify_email(app, "renee@example.org").await;
    let offers = v.get("/me/offers").await;
    offers.expect(email_offer["id"].as_str().unwrap());
}

#[tokio::test]
async fn shares_are_created_shown_with_their_qr_code_logged_and_revoked() {
    let setup = Setup::new(&[]).await;
    let app = &setup.app;
    let token = token_of(&setup.offer(json!({})).await);
    let mut v = Visitor::new(app);
    v.sign_up("sam@example.org", "Sam").await;
    v.get(&format!("/me/offers/{token}")).await;
    let accepted = v.post(&format!("/me/offers/{token}/accept"), &[]).await;
    let holding = accepted
        .location()
        .unwrap()
        .split('/')
        .nth(3)
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let form = v.get(&format!("/me/shares/new?credential={holding}")).await;
    form.expect(&format!("value=\"{holding}\" checked"));
    // Nothing chosen, no name: both said.
    let bad = v
        .post("/me/shares/new", &[("label", ""), ("pin", "12")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.expect("Choisissez au moins un élément")
        .expect("Donnez un nom")
        .expect("de 4 à 12 chiffres");
    let made = v
        .post(
            "/me/shares/new",
            &[
                ("label", "Candidature"),
                ("credentials", &holding),
                ("expires", ""),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let page = v.follow(made.location().unwrap()).await;
    page.expect("Candidature")
        .expect("Actif")
        .expect("Personne n’a encore ouvert ce lien.");
    let share_url = page
        .body
        .split("id=\"share-url\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let share_path = made
        .location()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let qr = v
        .client
        .get(v.url(&format!("{share_path}/qr.svg")))
        .send()
        .await
        .unwrap();
    assert_eq!(qr.status(), 200);
    assert!(qr.text().await.unwrap().contains("<svg"));
    // The employer opens it: verified.
    let employer = reqwest::Client::new();
    let seen = employer
        .get(&share_url)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(seen.status(), 200);
    let log = v.get(&share_path).await;
    log.expect("Page ouverte");
    let revoked = v.post(&format!("{share_path}/revoke"), &[]).await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    v.follow(&share_path).await.expect("Révoqué");
    assert_eq!(employer.get(&share_url).send().await.unwrap().status(), 410);
}

#[tokio::test]
async fn credentials_import_tags_download_and_account_pages() {
    let setup = Setup::new(&[]).await;
    let app = &setup.app;
    let token = token_of(&setup.offer(json!({})).await);
    let mut v = Visitor::new(app);
    v.sign_up("noa@example.org", "Noa").await;
    v.get(&format!("/me/offers/{token}")).await;
    let accepted = v.post(&format!("/me/offers/{token}/accept"), &[]).await;
    let path = accepted
        .location()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    v.get(&path).await;
    let tagged = v
        .post(
            &format!("{path}/tags"),
            &[("tags", "diplômes, Informatique")],
        )
        .await;
    assert_eq!(tagged.status, StatusCode::SEE_OTHER);
    v.follow(&path)
        .await
        .expect("value=\"diplômes, informatique\"");
    let download = v
        .client
        .get(v.url(&format!("{path}/download")))
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 200);
    let issued: Value = serde_json::from_str(&download.text().await.unwrap()).unwrap();
    assert_eq!(
        issued["credentialSubject"]["degree"]["name"],
        "Master Informatique"
    );
    // Import into another wallet by pasting.
    let mut w = Visitor::new(app);
    w.sign_up("other@example.org", "Other").await;
    let empty = {
        w.get("/me/credentials/import").await;
        w.upload(
            "/me/credentials/import",
            &[("credential", "")],
            "file",
            "",
            "application/json",
            Vec::new(),
        )
        .await
    };
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    empty.expect("Choisissez un fichier ou collez un justificatif.");
    let garbage = w
        .upload(
            "/me/credentials/import",
            &[("credential", "{not json")],
            "file",
            "",
            "application/json",
            Vec::new(),
        )
        .await;
    assert_eq!(garbage.status, StatusCode::UNPROCESSABLE_ENTITY);
    let imported = w
        .upload(
            "/me/credentials/import",
            &[],
            "file",
            "diploma.json",
            "application/json",
            issued.to_string().into_bytes(),
        )
        .await;
    assert_eq!(imported.status, StatusCode::SEE_OTHER, "{}", imported.body);
    w.follow(imported.location().unwrap())
        .await
        .expect("Justificatif importé et vérifié.");
    // Account: name, wrong current password, export.
    let account = v.get("/me/account").await;
    account.expect("noa@example.org").expect("did:key:");
    let renamed = v
        .post("/me/account/name", &[("displayName", "Noa Petit")])
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER);
    v.follow("/me/account").await.expect("Noa Petit");
    let wrong = v
        .post(
            "/me/account/password",
            &[
                ("current", "nope nope nope"),
                ("new", "another long one"),
                ("new2", "another long one"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    wrong.expect("Le mot de passe actuel est incorrect.");
    let zip = v
        .client
        .get(v.url("/me/account/export"))
        .send()
        .await
        .unwrap();
    assert_eq!(zip.status(), 200);
    assert_eq!(zip.headers()["content-type"], "application/zip");
    assert_eq!(&zip.bytes().await.unwrap()[..2], b"PK");
    // Deleting needs the box ticked and the password.
    v.get("/me/account").await;
    let unticked = v
        .post(
            "/me/account/delete",
            &[("delete-password", "correct horse battery")],
        )
        .await;
    unticked.expect("Cochez la case pour confirmer.");
    assert_eq!(count(app, "citizens").await, 2);
    let gone = v
        .post(
            "/me/account/delete",
            &[
                ("understood", "1"),
                ("delete-password", "correct horse battery"),
            ],
        )
        .await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER, "{}", gone.body);
    assert_eq!(count(app, "citizens").await, 1);
    assert_eq!(v.get("/me").await.status, StatusCode::SEE_OTHER);
}

async fn count(app: &TestApp, table: &str) -> i64 {
    crate::offers::count_rows(app, table).await
}
