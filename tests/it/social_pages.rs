//! The social pages, as a browser without JavaScript uses them: the
//! citizen's invitations (with the contributors' suggestions), endorsements
//! received and given, certification requests; the invited person's pages
//! from the mailed link to the portfolio, a comment, a suggested entry, an
//! endorsement and its withdrawal; a revoked invitation's "withdrawn" page.
//! Every form carries a CSRF token; errors are tied to their fields and
//! write nothing; other people get the login page or a 404 page. Then the
//! pages in a real browser, in French and English. Runs on both databases.

use crate::archive::{entry, get_json};
use crate::browser::{assert_page, open, screenshots};
use crate::common::*;
use crate::documents::{pdf, stored, upload};
use crate::offers::{graduate, verify_email, Setup, ORG};
use crate::pages::{link, Visitor};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The visitor's session token (the value of its session cookie).
fn session_of(v: &Visitor) -> String {
    v.cookies()
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "atout_session")
        .expect("a session cookie")["value"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The invited person's session cookie for an invitation's pages.
fn invited_cookie(v: &Visitor, token: &str) -> Option<String> {
    use reqwest::cookie::CookieStore as _;
    let url: reqwest::Url = v
        .url(&format!("/invited/{token}/portfolio"))
        .parse()
        .unwrap();
    let header = v.jar.cookies(&url)?;
    header
        .to_str()
        .unwrap()
        .split("; ")
        .find_map(|pair| pair.strip_prefix("atout_invited="))
        .map(str::to_owned)
}

/// The code last mailed for an invitation.
async fn mailed_code(app: &TestApp, email: &str) -> String {
    let mails = app.store().mail_to(email).await.unwrap();
    let mail = mails
        .iter()
        .filter(|m| m.kind == "invitation-code")
        .max_by_key(|m| m.created_at)
        .expect("a code mail");
    let at = mail.body.find("code=").unwrap() + 5;
    mail.body[at..at + 6].to_owned()
}

fn token_of_url(url: &str) -> String {
    url.rsplit('/').next().unwrap().to_owned()
}

async fn invitations(app: &TestApp, token: &str) -> Vec<Value> {
    get_json(app, "/wallet/invitations", token).await["items"]
        .as_array()
        .unwrap()
        .clone()
}

/// An invitation's id from the page a creation redirected to.
fn id_after(location: &str, prefix: &str) -> String {
    let rest = location.strip_prefix(prefix).expect(location);
    rest[..rest.find('?').unwrap_or(rest.len())].to_owned()
}

#[tokio::test]
async fn invitations_from_the_form_to_the_contributor_and_back() {
    let app = TestApp::spawn().await;
    let mut v = Visitor::new(&app);
    // Logged out: to the login page, and back after.
    let out = v.get("/me/invitations").await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location(), Some("/login?next=%2Fme%2Finvitations"));
    assert_eq!(
        v.get("/me/invitations/new").await.status,
        StatusCode::SEE_OTHER
    );

    v.sign_up("camille@example.org", "Camille Durand").await;
    let token = session_of(&v);
    let master = entry(
        &app,
        &token,
        json!({"kind": "education", "title": "Master Informatique", "startDate": "2019"}),
    )
    .await;
    let list = v.get("/me/invitations").await;
    assert_eq!(list.status, StatusCode::OK);
    list.expect("Vous n’avez invité personne.")
        .expect("aria-current=\"page\"");

    // Hostile or wrong input: errors tied to their fields, nothing written.
    let form = v.get(&format!("/me/invitations/new?entry={master}")).await;
    form.expect("Master Informatique").expect("checked");
    let bad = v
        .post(
            "/me/invitations/new",
            &[
                ("email", "pas-une-adresse"),
                ("role", "admin"),
                ("expires", "demain"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.expect("Indiquez une adresse e-mail valide.")
        .expect("aria-describedby=\"h-email e-email\"")
        .expect("aria-invalid=\"true\"")
        .expect("Choisissez un rôle.")
        .expect("Choisissez au moins un élément")
        .expect("href=\"#f-expires\"");
    let unknown = v
        .post(
            "/me/invitations/new",
            &[
                ("email", "lea@example.org"),
                ("role", "reader"),
                ("entries", "no-such-entry"),
            ],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    unknown.expect("n’existe pas ou plus");
    let long = "x".repeat(600);
    let too_long = v
        .post(
            "/me/invitations/new",
            &[
                ("email", "lea@example.org"),
                ("role", "reader"),
                ("entries", &master),
                ("message", &long),
            ],
        )
        .await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    too_long.expect("Le message est trop long");
    let past = v
        .post(
            "/me/invitations/new",
            &[
                ("email", "lea@example.org"),
                ("role", "reader"),
                ("entries", &master),
                ("expires", "2001-01-01"),
            ],
        )
        .await;
    assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY);
    past.expect("Indiquez une date à venir");
    // Without a valid CSRF token: the 403 page.
    let forged = v
        .post(
            "/me/invitations/new",
            &[
                ("csrf", "forged"),
                ("email", "lea@example.org"),
                ("role", "reader"),
                ("entries", &master),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    forged.expect("Ce formulaire a expiré");
    assert!(invitations(&app, &token).await.is_empty());

    // A contributor, with a document.
    let bytes = pdf(10);
    let doc = stored(upload(&app, &token, "diplome.pdf", Some("application/pdf"), &bytes).await)
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    v.get("/me/invitations/new").await.expect("diplome.pdf");
    let created = v
        .post(
            "/me/invitations/new",
            &[
                ("email", "Lea@Example.org"),
                ("role", "contributor"),
                ("entries", &master),
                ("documents", &doc),
                ("message", "Tu peux compléter mon parcours ?"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let location = created.location().unwrap().to_owned();
    let id = id_after(&location, "/me/invitations/");
    let shown = v.get(&location).await;
    shown
        .expect("L’invitation est envoyée.")
        .expect("lea@example.org")
        .expect("Contribution")
        .expect("Master Informatique")
        .expect("Tu peux compléter mon parcours ?");
    let url = invitations(&app, &token).await[0]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let link_token = token_of_url(&url);
    shown.expect(&url);

    // Another citizen: 404, for the page and for the revocation.
    let mut other = Visitor::new(&app);
    other.sign_up("autre@example.org", "Autre").await;
    let theirs = other.get(&format!("/me/invitations/{id}")).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    theirs.expect("Page introuvable");
    other.get("/me/invitations").await;
    let res = other
        .post(&format!("/me/invitations/{id}/revoke"), &[])
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);

    // The invited person: the link, opened in a browser, leads to a page.
    let mut lea = Visitor::new(&app);
    let opened = lea.get(&format!("/i/{link_token}")).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
    assert_eq!(
        opened.location(),
        Some(format!("/invited/{link_token}").as_str())
    );
    // The API still answers JSON to programs.
    let json_welcome = app.get(&format!("/i/{link_token}"), None).await;
    assert_eq!(json_welcome.status(), 200);
    let welcome = lea.get(&format!("/invited/{link_token}")).await;
    assert_eq!(welcome.status, StatusCode::OK);
    welcome
        .expect("Camille Durand vous invite sur Atout")
        .expect("l…@example.org")
        .expect("Tu peux compléter mon parcours ?");
    // The portfolio needs a session.
    let early = lea.get(&format!("/invited/{link_token}/portfolio")).await;
    assert_eq!(early.status, StatusCode::SEE_OTHER);
    // An unknown link: the 404 page.
    let unknown = lea.get("/invited/AAAAAAAAAAAAAAAAAAAAAA").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    // CSRF on the invited person's forms too.
    let forged = lea
        .post(&format!("/invited/{link_token}/code"), &[("csrf", "nope")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    lea.get(&format!("/invited/{link_token}")).await;
    let sent = lea.post(&format!("/invited/{link_token}/code"), &[]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    let flash = lea.get(sent.location().unwrap()).await;
    flash.expect("Un code vous a été envoyé par e-mail.");
    let again = lea.post(&format!("/invited/{link_token}/code"), &[]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    again.expect("Un code vient d’être envoyé");
    let code = mailed_code(&app, "lea@example.org").await;
    let wrong_code = if code == "000000" { "111111" } else { "000000" };
    let wrong = lea
        .post(
            &format!("/invited/{link_token}/session"),
            &[("name", "Léa Petit"), ("code", wrong_code)],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    wrong
        .expect("Ce code est erroné. Il vous reste 4 essais.")
        .expect("aria-describedby=\"h-code e-code\"");
    let no_name = lea
        .post(
            &format!("/invited/{link_token}/session"),
            &[("name", ""), ("code", "12ab")],
        )
        .await;
    assert_eq!(no_name.status, StatusCode::UNPROCESSABLE_ENTITY);
    no_name
        .expect("Indiquez votre nom")
        .expect("Indiquez le code à six chiffres");
    assert!(invited_cookie(&lea, &link_token).is_none());
    let confirmed = lea
        .post(
            &format!("/invited/{link_token}/session"),
            &[("name", "Léa Petit"), ("code", &code)],
        )
        .await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
    let cookie = confirmed.headers["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains(&format!("Path=/invited/{link_token}")),
        "{cookie}"
    );
    assert!(invited_cookie(&lea, &link_token)
        .unwrap()
        .starts_with("ati_"));
    let portfolio = lea.get(confirmed.location().unwrap()).await;
    assert_eq!(portfolio.status, StatusCode::OK);
    portfolio
        .expect("Le portfolio de Camille Durand")
        .expect("Master Informatique")
        .expect("Votre adresse est confirmée.")
        .expect("Proposer une étape")
        .expect(&format!("id=\"f-text-{master}\""));
    assert!(portfolio.has("noindex"));
    // The document, downloaded through the page; no other.
    let href = link(
        &portfolio.body,
        &format!("/invited/{link_token}/documents/"),
    )
    .expect("a document link");
    assert_eq!(href, format!("/invited/{link_token}/documents/{doc}"));
    let res = lea.client.get(lea.url(&href)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().as_ref(), bytes.as_slice());
    let none = lea
        .get(&format!("/invited/{link_token}/documents/nope"))
        .await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
    // Without the session (another browser): to the welcome page.
    let mut stranger = Visitor::new(&app);
    let res = stranger.get(&href).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        res.location(),
        Some(format!("/invited/{link_token}").as_str())
    );
    // The welcome page now leads straight to the portfolio.
    let back = lea.get(&format!("/invited/{link_token}")).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);

    // A comment: empty, oversized, then right.
    let empty = lea
        .post(
            &format!("/invited/{link_token}/comment"),
            &[("entry", &master), ("text", "  ")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    empty.expect("Écrivez un texte").expect(&format!(
        "aria-describedby=\"h-text-{master} e-text-{master}\""
    ));
    let huge = "é".repeat(2001);
    let oversized = lea
        .post(
            &format!("/invited/{link_token}/comment"),
            &[("entry", &master), ("text", &huge)],
        )
        .await;
    assert_eq!(oversized.status, StatusCode::UNPROCESSABLE_ENTITY);
    // An entry the invitation does not cover: refused.
    let private = entry(&app, &token, json!({"kind": "skill", "title": "Secret"})).await;
    let outside = lea
        .post(
            &format!("/invited/{link_token}/comment"),
            &[("entry", &private), ("text", "Coucou")],
        )
        .await;
    assert_eq!(outside.status, StatusCode::FORBIDDEN);
    assert!(get_json(&app, "/wallet/suggestions", &token).await["items"]
        .as_array()
        .unwrap()
        .is_empty());
    lea.get(&format!("/invited/{link_token}/portfolio")).await;
    let commented = lea
        .post(
            &format!("/invited/{link_token}/comment"),
            &[
                ("entry", &master),
                ("text", "Précise la spécialité <b>IA</b>."),
            ],
        )
        .await;
    assert_eq!(commented.status, StatusCode::SEE_OTHER);
    assert!(commented
        .location()
        .unwrap()
        .ends_with("done=so-done-commented"));
    // A suggested entry: wrong, then right.
    let wrong = lea
        .post(
            &format!("/invited/{link_token}/suggest"),
            &[("kind", "astrology"), ("title", "")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    wrong
        .expect("Choisissez un type d’étape")
        .expect("Indiquez un intitulé");
    let bad_date = lea
        .post(
            &format!("/invited/{link_token}/suggest"),
            &[
                ("kind", "experience"),
                ("title", "Stage"),
                ("startDate", "hier"),
            ],
        )
        .await;
    assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad_date.expect("AAAA, AAAA-MM ou AAAA-MM-JJ");
    let suggested = lea
        .post(
            &format!("/invited/{link_token}/suggest"),
            &[
                ("kind", "experience"),
                ("title", "Stage chez Exemple"),
                ("organisation", "Exemple SA"),
                ("startDate", "2020"),
                ("endDate", "2020"),
            ],
        )
        .await;
    assert_eq!(
        suggested.status,
        StatusCode::SEE_OTHER,
        "{}",
        suggested.body
    );

    // The citizen reads and decides.
    let list = v.get("/me/invitations").await;
    list.expect("2 propositions attendent votre décision.")
        .expect("Commentaire sur « Master Informatique »")
        .expect("Précise la spécialité &#60;b&#62;IA")
        .expect("Étape proposée : Stage chez Exemple")
        .expect("Par Léa Petit");
    assert!(!list.has("<b>IA"));
    let suggestions = get_json(&app, "/wallet/suggestions", &token).await;
    let id_of = |kind: &str| {
        suggestions["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["kind"] == kind)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (comment_id, entry_id) = (id_of("comment"), id_of("entry"));
    let approved = v
        .post(&format!("/me/suggestions/{entry_id}/approve"), &[])
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER);
    let rejected = v
        .post(&format!("/me/suggestions/{comment_id}/reject"), &[])
        .await;
    assert_eq!(rejected.status, StatusCode::SEE_OTHER);
    let after = v
        .get("/me/invitations?done=so-done-suggestion-rejected")
        .await;
    after
        .expect("La proposition est refusée.")
        .expect("Aucune proposition en attente.")
        .expect("Voir l’étape ajoutée");
    let entries = get_json(&app, "/wallet/entries", &token).await;
    assert!(entries.to_string().contains("Stage chez Exemple"));
    // Decided once; someone else's suggestion: 404.
    let twice = v
        .post(&format!("/me/suggestions/{entry_id}/reject"), &[])
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    other.get("/me/invitations").await;
    let theirs = other
        .post(&format!("/me/suggestions/{comment_id}/approve"), &[])
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);

    // Every use in the log.
    let detail = v.get(&format!("/me/invitations/{id}")).await;
    detail
        .expect("Adresse confirmée")
        .expect("Code erroné")
        .expect("Commentaire")
        .expect("Étape proposée")
        .expect("Léa Petit");

    // Revoked: the invited person's pages answer "withdrawn" (410).
    let revoke = v.post(&format!("/me/invitations/{id}/revoke"), &[]).await;
    assert_eq!(revoke.status, StatusCode::SEE_OTHER);
    v.get(revoke.location().unwrap())
        .await
        .expect("L’invitation est retirée")
        .expect("badge-revoked");
    let gone = lea.get(&format!("/invited/{link_token}/portfolio")).await;
    assert_eq!(gone.status, StatusCode::GONE);
    gone.expect("Invitation retirée")
        .expect("La personne qui vous avait invité a retiré cette invitation.");
    let gone = lea.get(&format!("/invited/{link_token}")).await;
    assert_eq!(gone.status, StatusCode::GONE);
    lea.lang = "en";
    let gone = lea.get(&format!("/invited/{link_token}?lang=en")).await;
    assert_eq!(gone.status, StatusCode::GONE);
    gone.expect("Invitation withdrawn");
    app.stop().await;
}

#[tokio::test]
async fn a_certifier_endorses_the_citizen_hides_and_the_author_withdraws() {
    let app = TestApp::spawn().await;
    let mut v = Visitor::new(&app);
    v.sign_up("camille@example.org", "Camille Durand").await;
    let token = session_of(&v);
    let master = entry(
        &app,
        &token,
        json!({"kind": "education", "title": "Master Informatique"}),
    )
    .await;
    // The certifier has an account with the invited address, verified.
    let mut sam = Visitor::new(&app);
    sam.sign_up("sam@example.org", "Sam Prof").await;
    verify_email(&app, "sam@example.org").await;
    v.get("/me/invitations/new").await;
    // A certifier endorses entries: choosing only a document is refused.
    let no_entry = v
        .post(
            "/me/invitations/new",
            &[("email", "sam@example.org"), ("role", "certifier")],
        )
        .await;
    assert_eq!(no_entry.status, StatusCode::UNPROCESSABLE_ENTITY);
    let created = v
        .post(
            "/me/invitations/new",
            &[
                ("email", "sam@example.org"),
                ("role", "certifier"),
                ("entries", &master),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let url = invitations(&app, &token).await[0]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let link_token = token_of_url(&url);

    // Logged in with the invited address: no code needed.
    let welcome = sam.get(&format!("/invited/{link_token}")).await;
    welcome.expect("le code n’est pas nécessaire");
    let confirmed = sam
        .post(
            &format!("/invited/{link_token}/session"),
            &[("name", "Sam Prof")],
        )
        .await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
    let page = sam.get(&format!("/invited/{link_token}/portfolio")).await;
    page.expect("Signer la recommandation")
        .expect("Vous n’avez encore rien recommandé.");
    let empty = sam
        .post(
            &format!("/invited/{link_token}/endorse"),
            &[("entry", &master), ("text", "")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let endorsed = sam
        .post(
            &format!("/invited/{link_token}/endorse"),
            &[
                ("entry", &master),
                ("text", "Excellente étudiante, je confirme."),
            ],
        )
        .await;
    assert_eq!(endorsed.status, StatusCode::SEE_OTHER, "{}", endorsed.body);
    let page = sam.get(endorsed.location().unwrap()).await;
    page.expect("Votre recommandation est signée")
        .expect("Excellente étudiante, je confirme.")
        .expect("/withdraw");

    // The citizen: received, per entry, hidden and shown again.
    let received = v.get("/me/endorsements").await;
    assert_eq!(received.status, StatusCode::OK);
    received
        .expect("Excellente étudiante, je confirme.")
        .expect("Par Sam Prof")
        .expect("Visible");
    let one = v.get(&format!("/me/endorsements?entry={master}")).await;
    one.expect("Master Informatique")
        .expect("Voir toutes les recommandations");
    let e_id = get_json(
        &app,
        &format!("/wallet/entries/{master}/endorsements"),
        &token,
    )
    .await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let forged = v
        .post(
            &format!("/me/endorsements/{e_id}/hide"),
            &[("csrf", ""), ("entry", &master)],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let hidden = v
        .post(
            &format!("/me/endorsements/{e_id}/hide"),
            &[("entry", &master)],
        )
        .await;
    assert_eq!(hidden.status, StatusCode::SEE_OTHER);
    v.get(hidden.location().unwrap())
        .await
        .expect("La recommandation est masquée.")
        .expect("Masquée")
        .expect("Afficher à nouveau");
    let shown = v
        .post(
            &format!("/me/endorsements/{e_id}/show"),
            &[("entry", &master)],
        )
        .await;
    assert_eq!(shown.status, StatusCode::SEE_OTHER);
    // Unknown ids: 404 pages, nothing changed.
    assert_eq!(
        v.get("/me/endorsements?entry=nope").await.status,
        StatusCode::NOT_FOUND
    );
    let unknown = v.post("/me/endorsements/nope/hide", &[]).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    // Another citizen sees neither the entry's endorsements nor can hide.
    let mut other = Visitor::new(&app);
    other.sign_up("autre@example.org", "Autre").await;
    assert_eq!(
        other
            .get(&format!("/me/endorsements?entry={master}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    other.get("/me/endorsements").await;
    let res = other
        .post(&format!("/me/endorsements/{e_id}/hide"), &[])
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);

    // The certifier's own portfolio lists it as given.
    let given = sam.get("/me/endorsements").await;
    given
        .expect("Pour Camille Durand : Master Informatique")
        .expect("Excellente étudiante, je confirme.");
    assert!(!other.get("/me/endorsements").await.has("Excellente"));
    // The API behind it, for its own callers.
    let api = get_json(&app, "/wallet/endorsements/given", &session_of(&sam)).await;
    assert_eq!(api["items"][0]["ownerName"], "Camille Durand");
    assert_eq!(api["items"][0]["entryTitle"], "Master Informatique");
    assert_eq!(api["items"][0]["revoked"], false);
    assert!(
        get_json(&app, "/wallet/endorsements/given", &token).await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        app.get("/wallet/endorsements/given", None).await.status(),
        401
    );

    // The author withdraws it.
    sam.get(&format!("/invited/{link_token}/portfolio")).await;
    let unknown = sam
        .post(
            &format!("/invited/{link_token}/endorsements/nope/withdraw"),
            &[],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let withdrawn = sam
        .post(
            &format!("/invited/{link_token}/endorsements/{e_id}/withdraw"),
            &[],
        )
        .await;
    assert_eq!(withdrawn.status, StatusCode::SEE_OTHER);
    v.get("/me/endorsements")
        .await
        .expect("Retirée par son auteur");
    sam.get("/me/endorsements").await.expect("badge-withdrawn");
    // Leaving ends the session on this device.
    sam.get(&format!("/invited/{link_token}/portfolio")).await;
    let left = sam.post(&format!("/invited/{link_token}/leave"), &[]).await;
    assert_eq!(left.status, StatusCode::SEE_OTHER);
    assert!(invited_cookie(&sam, &link_token).is_none());
    assert_eq!(
        sam.get(&format!("/invited/{link_token}/portfolio"))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    app.stop().await;
}

#[tokio::test]
async fn certification_requests_are_sent_followed_and_cancelled() {
    let s = Setup::new(&[]).await;
    let app = &s.app;
    let mut v = Visitor::new(app);
    let out = v.get("/me/requests/new").await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location(), Some("/login?next=%2Fme%2Frequests%2Fnew"));
    v.sign_up("diplomee@example.org", "Inès Martin").await;
    verify_email(app, "diplomee@example.org").await;
    let token = session_of(&v);
    let master = entry(
        app,
        &token,
        json!({"kind": "education", "title": "Master Informatique", "startDate": "2010", "endDate": "2012"}),
    )
    .await;
    let licence = entry(
        app,
        &token,
        json!({"kind": "education", "title": "Licence"}),
    )
    .await;
    v.get("/me/requests")
        .await
        .expect("Vous n’avez fait aucune demande.");
    let form = v.get(&format!("/me/requests/new?entry={master}")).await;
    form.expect(&format!("<option value=\"{master}\" selected>"));
    // Wrong input: nothing written.
    let bad = v
        .post(
            "/me/requests/new",
            &[("entry", ""), ("org", ""), ("message", &"m".repeat(2001))],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.expect("Choisissez une de vos étapes.")
        .expect("Le message est trop long")
        .expect("href=\"#f-org_q\"");
    let no_org = v
        .post(
            "/me/requests/new",
            &[("entry", &master), ("org", "nulle-part")],
        )
        .await;
    assert_eq!(no_org.status, StatusCode::UNPROCESSABLE_ENTITY);
    no_org.expect("Aucun organisme ne porte cet identifiant");
    let not_mine = v
        .post("/me/requests/new", &[("entry", "nope"), ("org", ORG)])
        .await;
    assert_eq!(not_mine.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bad_doc = v
        .post(
            "/me/requests/new",
            &[("entry", &master), ("org", ORG), ("documents", "nope")],
        )
        .await;
    assert_eq!(bad_doc.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad_doc.expect("Un des documents choisis");
    let forged = v
        .post(
            "/me/requests/new",
            &[("csrf", "x"), ("entry", &master), ("org", ORG)],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(
        get_json(app, "/wallet/certification-requests", &token).await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Sent, shown, the same again refused, then cancelled.
    v.get("/me/requests/new").await;
    let sent = v
        .post(
            "/me/requests/new",
            &[("entry", &master), ("org", ORG), ("message", "Merci !")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let location = sent.location().unwrap().to_owned();
    let id = id_after(&location, "/me/requests/");
    v.get(&location)
        .await
        .expect("La demande est envoyée.")
        .expect("Master Informatique")
        .expect("Merci !")
        .expect("Annuler la demande");
    let twice = v
        .post("/me/requests/new", &[("entry", &master), ("org", ORG)])
        .await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    twice.expect("Vous avez déjà une demande en attente");
    let mut other = Visitor::new(app);
    other.sign_up("autre@example.org", "Autre").await;
    assert_eq!(
        other.get(&format!("/me/requests/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    other.get("/me/requests").await;
    assert_eq!(
        other
            .post(&format!("/me/requests/{id}/cancel"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    v.get(&location).await;
    let cancelled = v.post(&format!("/me/requests/{id}/cancel"), &[]).await;
    assert_eq!(cancelled.status, StatusCode::SEE_OTHER);
    v.get(cancelled.location().unwrap())
        .await
        .expect("La demande est annulée.")
        .expect("badge-cancelled");
    let again = v.post(&format!("/me/requests/{id}/cancel"), &[]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);

    // Asked again: approved into the wallet; the licence: rejected.
    v.get("/me/requests/new").await;
    let sent = v
        .post("/me/requests/new", &[("entry", &master), ("org", ORG)])
        .await;
    let approved_id = id_after(sent.location().unwrap(), "/me/requests/");
    let sent = v
        .post("/me/requests/new", &[("entry", &licence), ("org", ORG)])
        .await;
    let rejected_id = id_after(sent.location().unwrap(), "/me/requests/");
    let res = app
        .post_json(
            &format!("/orgs/{ORG}/certification-requests/{approved_id}/approve"),
            Some(&s.key),
            &json!({"templateId": s.template, "subject": graduate()}),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let res = app
        .post_json(
            &format!("/orgs/{ORG}/certification-requests/{rejected_id}/reject"),
            Some(&s.key),
            &json!({"reason": "Aucune trace de cette licence."}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let approved = v.get(&format!("/me/requests/{approved_id}")).await;
    approved.expect("badge-approved");
    let credential = link(&approved.body, "/me/credentials/").expect("a credential link");
    assert_eq!(v.get(&credential).await.status, StatusCode::OK);
    v.get(&format!("/me/requests/{rejected_id}"))
        .await
        .expect("Motif du refus")
        .expect("Aucune trace de cette licence.");
    let list = v.get("/me/requests").await;
    list.expect("Licence").expect("badge-rejected");
    // The new-request form offers the organisation asked before.
    v.get("/me/requests/new").await.expect(&format!(
        "<input type=\"hidden\" name=\"org\" value=\"{ORG}\">"
    ));
    // In English.
    v.lang = "en";
    v.get("/me/requests?lang=en")
        .await
        .expect("Certification requests");
    s.app.stop().await;
}

#[test]
fn every_message_the_social_pages_ask_for_exists_in_both_languages() {
    use atout_web::i18n::Lang;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut texts = Vec::new();
    for dir in ["portal/templates/social", "portal/src/citizen/social"] {
        for f in std::fs::read_dir(root.join(dir)).unwrap() {
            texts.push(std::fs::read_to_string(f.unwrap().path()).unwrap());
        }
    }
    texts.push(std::fs::read_to_string(root.join("portal/src/invited.rs")).unwrap());
    let mut keys = std::collections::BTreeSet::new();
    for text in &texts {
        for (at, _) in text.match_indices("\"so-") {
            let rest = &text[at + 1..];
            let key: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            if !key.ends_with('-') {
                keys.insert(key);
            }
        }
    }
    // Keys built from a value.
    for role in ["reader", "contributor", "certifier"] {
        keys.insert(format!("so-role-{role}"));
        keys.insert(format!("so-role-{role}-hint"));
        keys.insert(format!("so-invited-role-{role}"));
    }
    for kind in ["credential", "entry", "document"] {
        keys.insert(format!("so-item-{kind}"));
    }
    for state in ["active", "hidden", "withdrawn"] {
        keys.insert(format!("so-endorsement-state-{state}"));
    }
    for action in [
        "opened",
        "code-sent",
        "code-wrong",
        "confirmed",
        "read",
        "document",
        "suggested",
        "commented",
        "endorsed",
        "endorsement-withdrawn",
        "refused",
    ] {
        keys.insert(format!("so-action-{action}"));
    }
    for done in [
        "invitation-created",
        "invitation-revoked",
        "suggestion-approved",
        "suggestion-rejected",
        "request-sent",
        "request-cancelled",
    ] {
        keys.insert(format!("so-done-{done}"));
    }
    assert!(keys.len() > 100, "{}", keys.len());
    for lang in [Lang::Fr, Lang::En] {
        let missing: Vec<_> = keys.iter().filter(|k| !lang.tr().has(k)).collect();
        assert!(missing.is_empty(), "{lang:?}: {missing:?}");
    }
}

#[tokio::test]
async fn the_social_pages_in_a_real_browser() {
    let app = TestApp::spawn().await;
    let mut v = Visitor::new(&app);
    v.sign_up("camille@example.org", "Camille Durand").await;
    let token = session_of(&v);
    let master = entry(
        &app,
        &token,
        json!({"kind": "education", "title": "Master Informatique", "startDate": "2019"}),
    )
    .await;
    let res = app
        .post_json(
            "/wallet/invitations",
            Some(&token),
            &json!({"email": "lea@example.org", "role": "contributor", "entries": [master],
                    "message": "Merci de relire"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let invitation: Value = res.json().await.unwrap();
    let link_token = token_of_url(invitation["url"].as_str().unwrap());
    // The invited person confirms (through the pages) for a session.
    let mut lea = Visitor::new(&app);
    lea.get(&format!("/invited/{link_token}")).await;
    lea.post(&format!("/invited/{link_token}/code"), &[]).await;
    let code = mailed_code(&app, "lea@example.org").await;
    lea.get(&format!("/invited/{link_token}")).await;
    let res = lea
        .post(
            &format!("/invited/{link_token}/session"),
            &[("name", "Léa Petit"), ("code", &code)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let invited = invited_cookie(&lea, &link_token).unwrap();
    lea.post(
        &format!("/invited/{link_token}/suggest"),
        &[("kind", "skill"), ("title", "Menuiserie")],
    )
    .await;
    let dir = screenshots();
    let cookies = json!([{"name": "atout_session", "value": token}]);
    for (lang, pages) in [
        (
            "fr",
            [
                ("/me/invitations", "Invitations", "invitations"),
                (
                    "/me/invitations/new",
                    "Inviter une personne",
                    "invitation-new",
                ),
                ("/me/endorsements", "Recommandations", "endorsements"),
                ("/me/requests", "Demandes de certification", "requests"),
                (
                    "/me/requests/new",
                    "Demander une certification",
                    "request-new",
                ),
            ],
        ),
        (
            "en",
            [
                ("/me/invitations", "Invitations", "invitations"),
                ("/me/invitations/new", "Invite a person", "invitation-new"),
                ("/me/endorsements", "Endorsements", "endorsements"),
                ("/me/requests", "Certification requests", "requests"),
                ("/me/requests/new", "Ask for a certification", "request-new"),
            ],
        ),
    ] {
        for (path, expect, name) in pages {
            let page = open(json!({
                "url": app.url(&format!("{path}?lang={lang}")),
                "expect": [expect],
                "cookies": cookies,
                "screenshot": dir.join(format!("social-{name}-{lang}.png")),
            }))
            .await;
            assert_page(&format!("{path} ({lang})"), &page, 200);
            assert_eq!(page["lang"], lang);
        }
        let page = open(json!({
            "url": app.url(&format!("/invited/{link_token}/portfolio?lang={lang}")),
            "expect": ["Master Informatique", lang_pick(lang, "Proposer une étape", "Suggest an entry")],
            "cookies": [{"name": "atout_invited", "value": invited}],
            "screenshot": dir.join(format!("social-invited-portfolio-{lang}.png")),
            "tab": 4,
        }))
        .await;
        assert_page(&format!("invited portfolio ({lang})"), &page, 200);
        let focus = page["focus"].as_array().unwrap();
        assert!(focus.iter().all(|f| f["outline"] == true), "{focus:#?}");
        // The welcome page, for someone without the session.
        let page = open(json!({
            "url": app.url(&format!("/invited/{link_token}?lang={lang}")),
            "expect": ["Camille Durand"],
            "screenshot": dir.join(format!("social-invited-welcome-{lang}.png")),
        }))
        .await;
        assert_page(&format!("invited welcome ({lang})"), &page, 200);
    }
    app.stop().await;
}

fn lang_pick<'a>(lang: &str, fr: &'a str, en: &'a str) -> &'a str {
    if lang == "fr" {
        fr
    } else {
        en
    }
}
