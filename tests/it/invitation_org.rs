//! Invitations to certify on behalf of an organisation of the directory
//! (issue 16, item 5), over real HTTP on both databases: the API checks
//! the organisation (listed, certifiers only) and shows it to the citizen
//! and to the invited person; an endorsement is then signed for it only
//! with one of its API keys (none, another's or a wrong one: refused,
//! nothing signed), with its did:web key, and verifies; the citizen's form
//! picks the organisation by name from a `<datalist>` without JavaScript;
//! the invited certifier's form asks for the organisation's key; every
//! refusal in the person's words, in French and English.

use crate::archive::{entry, get_json};
use crate::common::*;
use crate::invitations::{as_invited, confirm, invite, link_path, mailed_code};
use crate::pages::Visitor;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Creates an organisation (listed unless said) through the admin API.
async fn org(app: &TestApp, body: Value) {
    let res = app.post_json("/admin/orgs", Some(ADMIN_TOKEN), &body).await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
}

/// Université d'Orléans and Université de Tours (listed), Université
/// Cachée (unlisted), and two "Lycée Jean Moulin" in different towns.
async fn populate(app: &TestApp) {
    org(
        app,
        json!({"slug": "univ-orleans", "name_fr": "Université d'Orléans", "name_en": "University of Orléans", "town": "Orléans", "kind": "university"}),
    )
    .await;
    org(
        app,
        json!({"slug": "univ-tours", "name_fr": "Université de Tours", "name_en": "University of Tours", "town": "Tours", "kind": "university"}),
    )
    .await;
    org(
        app,
        json!({"slug": "cachee", "name_fr": "Université Cachée", "name_en": "Hidden University", "listed": false}),
    )
    .await;
    for (slug, town) in [("jean-moulin-lyon", "Lyon"), ("jean-moulin-paris", "Paris")] {
        org(
            app,
            json!({"slug": slug, "name_fr": "Lycée Jean Moulin", "name_en": "Lycée Jean Moulin", "town": town, "kind": "school"}),
        )
        .await;
    }
}

/// The organisation's DID, as the directory gives it.
async fn did_of(app: &TestApp, slug: &str) -> String {
    let entry: Value = app
        .get(&format!("/directory/organisations/{slug}"), None)
        .await
        .json()
        .await
        .unwrap();
    entry["did"].as_str().unwrap().to_owned()
}

/// Endorses `entry` through the invitation at `path`, with an optional
/// `X-Org-Authorization` key.
async fn endorse(
    app: &TestApp,
    path: &str,
    session: &str,
    entry: &str,
    org_key: Option<&str>,
) -> reqwest::Response {
    let mut req = app
        .client
        .post(app.url(&format!("{path}/endorsements")))
        .bearer_auth(session)
        .json(&json!({"entryId": entry, "comment": "Stage réussi, au nom de l'université."}));
    if let Some(k) = org_key {
        req = req.header("x-org-authorization", format!("Bearer {k}"));
    }
    req.send().await.unwrap()
}

fn problem_kind(problem: &Value) -> &str {
    problem["type"]
        .as_str()
        .unwrap()
        .trim_start_matches("urn:atout:problem:")
}

#[tokio::test]
async fn an_invitation_names_a_listed_organisation_for_certifiers_only() {
    let app = TestApp::spawn().await;
    populate(&app).await;
    let owner = app.sign_up("owner@example.org").await;
    let stage = entry(
        &app,
        &owner,
        json!({"kind": "experience", "title": "Stage"}),
    )
    .await;
    let ask = |role: &str, org: Value| json!({"email": "tuteur@example.org", "role": role, "entries": [stage], "org": org});
    // Another role, an unknown, unlisted or empty identifier: 422 on `org`.
    for (role, org) in [
        ("reader", json!("univ-orleans")),
        ("contributor", json!("univ-orleans")),
        ("certifier", json!("nowhere")),
        ("certifier", json!("cachee")),
        ("certifier", json!("")),
        ("certifier", json!("Université d'Orléans")),
    ] {
        let res = app
            .post_json("/wallet/invitations", Some(&owner), &ask(role, org.clone()))
            .await;
        let problem = assert_problem(res, 422).await;
        assert_eq!(problem["field"], "org", "{role} {org}: {problem}");
    }
    // Not a string: refused like any bad body, naming the field.
    let res = app
        .post_json(
            "/wallet/invitations",
            Some(&owner),
            &ask("certifier", json!(3)),
        )
        .await;
    assert_eq!(assert_problem(res, 422).await["field"], "org");
    // Refused callers: nobody, an organisation's key, the admin.
    let res = app
        .post_json(
            "/wallet/invitations",
            None,
            &ask("certifier", json!("univ-orleans")),
        )
        .await;
    assert_problem(res, 401).await;
    let (_, orleans_key) = app.create_api_key("univ-orleans").await;
    for token in [orleans_key.as_str(), ADMIN_TOKEN] {
        let res = app
            .post_json(
                "/wallet/invitations",
                Some(token),
                &ask("certifier", json!("univ-orleans")),
            )
            .await;
        assert_problem(res, 403).await;
    }
    // Nothing was written, nothing mailed.
    let list = get_json(&app, "/wallet/invitations", &owner).await;
    assert!(list["items"].as_array().unwrap().is_empty(), "{list}");
    assert!(app
        .store()
        .mail_to("tuteur@example.org")
        .await
        .unwrap()
        .is_empty());

    // Named: stored, shown to the citizen and to the invited person.
    let invitation = invite(&app, &owner, ask("certifier", json!("univ-orleans"))).await;
    let expected = json!({"slug": "univ-orleans", "name": {"fr": "Université d'Orléans", "en": "University of Orléans"}});
    assert_eq!(invitation["organisation"], expected);
    let id = invitation["id"].as_str().unwrap();
    let one = get_json(&app, &format!("/wallet/invitations/{id}"), &owner).await;
    assert_eq!(one["organisation"], expected);
    let list = get_json(&app, "/wallet/invitations", &owner).await;
    assert_eq!(list["items"][0]["organisation"], expected);
    let path = link_path(&invitation);
    let welcome: Value = app.get(&path, None).await.json().await.unwrap();
    assert_eq!(welcome["organisation"], expected);
    assert_eq!(welcome["role"], "certifier");
    // The mail says whose endorsement is asked, in both languages.
    let mails = app.store().mail_to("tuteur@example.org").await.unwrap();
    let mail = mails.iter().find(|m| m.kind == "invitation").unwrap();
    assert!(
        mail.body
            .contains("vous invite à attester, au nom de Université d'Orléans, une partie"),
        "{}",
        mail.body
    );
    assert!(mail
        .body
        .contains("invites you to endorse, on behalf of University of Orléans, part"));
    assert!(mail.body.contains("une de ses clés d’API"));
    // The invited person's portfolio names it too.
    let session = confirm(&app, &path, "tuteur@example.org", "Tuteur").await;
    let portfolio: Value = as_invited(&app, "GET", &format!("{path}/portfolio"), &session, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(portfolio["organisation"], expected);

    // Without an organisation: as before, no `organisation` at all.
    let plain = invite(
        &app,
        &owner,
        json!({"email": "pair@example.org", "role": "certifier", "entries": [stage]}),
    )
    .await;
    assert!(plain.get("organisation").is_none(), "{plain}");
    let welcome: Value = app
        .get(&link_path(&plain), None)
        .await
        .json()
        .await
        .unwrap();
    assert!(welcome.get("organisation").is_none(), "{welcome}");
    let mails = app.store().mail_to("pair@example.org").await.unwrap();
    assert!(mails[0]
        .body
        .contains("vous invite à recommander une partie"));
    app.stop().await;
}

#[tokio::test]
async fn an_endorsement_asked_of_an_organisation_is_signed_only_with_its_key() {
    let app = TestApp::spawn().await;
    populate(&app).await;
    let (_, orleans_key) = app.create_api_key("univ-orleans").await;
    let (_, tours_key) = app.create_api_key("univ-tours").await;
    let owner = app.sign_up("owner@example.org").await;
    let stage = entry(
        &app,
        &owner,
        json!({"kind": "experience", "title": "Stage", "organisation": "Université d'Orléans", "startDate": "2024"}),
    )
    .await;
    let invitation = invite(
        &app,
        &owner,
        json!({"email": "tuteur@example.org", "role": "certifier", "entries": [stage], "org": "univ-orleans"}),
    )
    .await;
    let path = link_path(&invitation);
    let session = confirm(&app, &path, "tuteur@example.org", "Tuteur").await;

    // Without a key: 403 naming the organisation whose key is needed.
    let problem = assert_problem(endorse(&app, &path, &session, &stage, None).await, 403).await;
    assert_eq!(problem_kind(&problem), "organisation-key-required");
    assert_eq!(problem["org"], "univ-orleans");
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("University of Orléans") && detail.contains("univ-orleans"),
        "{detail}"
    );
    // Another organisation's key: 403, naming the one needed.
    let problem = assert_problem(
        endorse(&app, &path, &session, &stage, Some(&tours_key)).await,
        403,
    )
    .await;
    assert_eq!(problem_kind(&problem), "organisation-key-mismatch");
    assert_eq!(problem["org"], "univ-orleans");
    // A key that is none: 401 about the key (the session stays open).
    let problem = assert_problem(
        endorse(&app, &path, &session, &stage, Some("atout_not-a-key")).await,
        401,
    )
    .await;
    assert_eq!(problem_kind(&problem), "organisation-key-invalid");
    // The key is checked before the body.
    let res = app
        .client
        .post(app.url(&format!("{path}/endorsements")))
        .bearer_auth(&session)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_problem(res, 403).await;
    // Nothing signed so far; the refusals are in the citizen's log.
    let own = get_json(&app, &format!("{path}/endorsements"), &session).await;
    assert!(own["items"].as_array().unwrap().is_empty(), "{own}");
    let id = invitation["id"].as_str().unwrap();
    let log = get_json(&app, &format!("/wallet/invitations/{id}/accesses"), &owner).await;
    assert!(
        log.to_string().contains("needs an API key of univ-orleans"),
        "{log}"
    );
    let received = get_json(
        &app,
        &format!("/wallet/entries/{stage}/endorsements"),
        &owner,
    )
    .await;
    assert!(
        received["items"].as_array().unwrap().is_empty(),
        "{received}"
    );

    // Refused callers, as for every invitation route.
    assert_problem(
        app.client
            .post(app.url(&format!("{path}/endorsements")))
            .header("x-org-authorization", format!("Bearer {orleans_key}"))
            .json(&json!({"entryId": stage, "comment": "x"}))
            .send()
            .await
            .unwrap(),
        401,
    )
    .await;
    assert_problem(
        endorse(&app, &path, &owner, &stage, Some(&orleans_key)).await,
        401,
    )
    .await;
    assert_problem(
        endorse(&app, &path, "ati_madeup", &stage, Some(&orleans_key)).await,
        401,
    )
    .await;
    // A reader's session, even with the organisation's key, does not endorse.
    let reader = invite(
        &app,
        &owner,
        json!({"email": "lecteur@example.org", "role": "reader", "entries": [stage]}),
    )
    .await;
    let reader_path = link_path(&reader);
    let reader_session = confirm(&app, &reader_path, "lecteur@example.org", "Lecteur").await;
    assert_problem(
        endorse(
            &app,
            &reader_path,
            &reader_session,
            &stage,
            Some(&orleans_key),
        )
        .await,
        403,
    )
    .await;
    // Another invitation's session does not open this one.
    assert_problem(
        endorse(&app, &path, &reader_session, &stage, Some(&orleans_key)).await,
        401,
    )
    .await;

    // The organisation's key: signed with its did:web key.
    let res = endorse(&app, &path, &session, &stage, Some(&orleans_key)).await;
    assert_eq!(res.status(), 201);
    let endorsement: Value = res.json().await.unwrap();
    let credential = &endorsement["credential"];
    let did = did_of(&app, "univ-orleans").await;
    assert!(did.starts_with("did:web:"), "{did}");
    assert_eq!(credential["issuer"]["id"], did);
    assert_eq!(credential["issuer"]["name"], "Université d'Orléans");
    assert_eq!(endorsement["authorDid"], did);
    let res = app
        .post_json(
            "/credentials/verify",
            None,
            &json!({"verifiableCredential": credential}),
        )
        .await;
    let report: Value = res.json().await.unwrap();
    let checks: Vec<&Value> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["check"] == "proof" || c["check"] == "issuer-key")
        .collect();
    assert!(checks.iter().any(|c| c["check"] == "proof"), "{report:#}");
    assert!(checks.iter().all(|c| c["status"] == "ok"), "{report:#}");
    let did_doc: Value = app
        .get("/orgs/univ-orleans/did.json", None)
        .await
        .json()
        .await
        .unwrap();
    let verdict = crate::issue::independent_verify_with(
        credential,
        &json!({ did.clone(): did_doc }),
        &json!({}),
        &json!({}),
    );
    assert_eq!(verdict["verified"], true, "{verdict}");
    // The citizen's entry shows it; the organisation's audit records it.
    let received = get_json(
        &app,
        &format!("/wallet/entries/{stage}/endorsements"),
        &owner,
    )
    .await;
    assert_eq!(received["items"][0]["authorDid"], did);
    let audit = get_json(&app, "/orgs/univ-orleans/audit", &orleans_key).await;
    assert!(audit.to_string().contains("endorsement.signed"), "{audit}");

    // An invitation naming no organisation behaves as before: the
    // certifier's own key, or any organisation's key they send.
    let plain = invite(
        &app,
        &owner,
        json!({"email": "pair@example.org", "role": "certifier", "entries": [stage]}),
    )
    .await;
    let plain_path = link_path(&plain);
    let plain_session = confirm(&app, &plain_path, "pair@example.org", "Pair").await;
    let res = endorse(&app, &plain_path, &plain_session, &stage, Some(&tours_key)).await;
    assert_eq!(res.status(), 201);
    let signed: Value = res.json().await.unwrap();
    assert_eq!(signed["authorDid"], did_of(&app, "univ-tours").await);
    let res = endorse(&app, &plain_path, &plain_session, &stage, None).await;
    assert_eq!(res.status(), 201);
    let signed: Value = res.json().await.unwrap();
    assert!(signed["authorDid"]
        .as_str()
        .unwrap()
        .starts_with("did:key:"));
    app.stop().await;
}

/// The new-invitation form's fields.
fn form_of<'a>(role: &'a str, org: &'a str, entry: &'a str) -> [(&'a str, &'a str); 5] {
    [
        ("email", "tuteur@example.org"),
        ("role", role),
        ("org", org),
        ("message", "Merci pour le stage"),
        ("entries", entry),
    ]
}

/// Posts the invited certifier's endorsement form for `entry`.
async fn endorse_page(
    v: &mut Visitor,
    link_token: &str,
    entry: &str,
    key: &str,
) -> crate::pages::Shown {
    v.post(
        &format!("/invited/{link_token}/endorse"),
        &[
            ("entry", entry),
            ("text", "Excellent stage."),
            ("orgKey", key),
        ],
    )
    .await
}

/// The visitor's session token (its session cookie).
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

#[tokio::test]
async fn the_invitation_form_picks_the_certifying_organisation_by_name_in_both_languages() {
    let app = TestApp::spawn().await;
    populate(&app).await;
    let mut v = Visitor::new(&app);
    v.sign_up("camille@example.org", "Camille Durand").await;
    let token = session_of(&v);
    let master = entry(
        &app,
        &token,
        json!({"kind": "education", "title": "Master Informatique"}),
    )
    .await;
    // The form suggests the listed organisations' names (never an unlisted one).
    let form = v.get("/me/invitations/new").await;
    assert_eq!(form.status, StatusCode::OK);
    form.expect("Organisation qui atteste")
        .expect("list=\"org-names\"")
        .expect("<datalist id=\"org-names\">")
        .expect("<option value=\"Université d&#39;Orléans\">")
        .expect("<option value=\"Université de Tours\">");
    assert!(!form.has("Cachée"));
    // Another role with an organisation: the form comes back, nothing lost.
    let wrong_role = v
        .post(
            "/me/invitations/new",
            &form_of("reader", "Université d'Orléans", &master),
        )
        .await;
    assert_eq!(wrong_role.status, StatusCode::UNPROCESSABLE_ENTITY);
    wrong_role
        .expect("Seule une invitation à recommander nomme un organisme")
        .expect("value=\"tuteur@example.org\"")
        .expect("value=\"Université d&#39;Orléans\"")
        .expect("Merci pour le stage")
        .expect("aria-describedby=\"h-org e-org\"")
        .expect("href=\"#f-org\"");
    assert!(wrong_role.has(&format!("value=\"{master}\" checked")));
    // No such name: says what to type.
    let unknown = v
        .post(
            "/me/invitations/new",
            &form_of("certifier", "Université de Nulle Part", &master),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    unknown
        .expect("Aucun organisme de l’annuaire ne s’appelle « Université de Nulle Part »")
        .expect("value=\"Université de Nulle Part\"");
    // An unlisted organisation is not found either, by name or identifier.
    for hidden in ["Université Cachée", "cachee"] {
        let fields = vec![
            ("email", "tuteur@example.org"),
            ("role", "certifier"),
            ("org", hidden),
            ("entries", master.as_str()),
        ];
        let res = v.post("/me/invitations/new", &fields).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{hidden}");
        res.expect("Aucun organisme de l’annuaire ne s’appelle");
    }
    // Two organisations of that name: their identifiers tell them apart.
    let several = v
        .post(
            "/me/invitations/new",
            &form_of("certifier", "lycee jean-moulin", &master),
        )
        .await;
    assert_eq!(several.status, StatusCode::UNPROCESSABLE_ENTITY);
    several
        .expect("Plusieurs organismes de l’annuaire portent ce nom")
        .expect("jean-moulin-lyon (Lyon)")
        .expect("jean-moulin-paris (Paris)");
    assert!(get_json(&app, "/wallet/invitations", &token).await["items"]
        .as_array()
        .unwrap()
        .is_empty());
    // Accents, case and punctuation aside: resolved and sent.
    let created = v
        .post(
            "/me/invitations/new",
            &form_of("certifier", "  universite D’ORLEANS ", &master),
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let location = created.location().unwrap().to_owned();
    let list = get_json(&app, "/wallet/invitations", &token).await;
    assert_eq!(list["items"][0]["organisation"]["slug"], "univ-orleans");
    // The invitation's page and the list name it.
    let page = v.get(&location).await;
    page.expect("Organisation qui atteste")
        .expect("<a href=\"/organisations/univ-orleans\">Université d&#39;Orléans</a>");
    v.get("/me/invitations")
        .await
        .expect("au nom de Université d&#39;Orléans");
    // By identifier too.
    let by_slug = v
        .post(
            "/me/invitations/new",
            &[
                ("email", "proviseur@example.org"),
                ("role", "certifier"),
                ("org", "jean-moulin-lyon"),
                ("entries", master.as_str()),
            ],
        )
        .await;
    assert_eq!(by_slug.status, StatusCode::SEE_OTHER, "{}", by_slug.body);
    let list = get_json(&app, "/wallet/invitations", &token).await;
    assert_eq!(list["items"][0]["organisation"]["slug"], "jean-moulin-lyon");
    // Empty: an invitation as before.
    let plain = v
        .post("/me/invitations/new", &form_of("reader", "", &master))
        .await;
    assert_eq!(plain.status, StatusCode::SEE_OTHER, "{}", plain.body);

    // In English.
    v.lang = "en";
    let form = v.get("/me/invitations/new?lang=en").await;
    form.expect("Certifying organisation")
        .expect("<option value=\"University of Orléans\">");
    let unknown = v
        .post(
            "/me/invitations/new",
            &form_of("certifier", "Nowhere College", &master),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    unknown.expect("No organisation in the directory is named “Nowhere College”");
    let several = v
        .post(
            "/me/invitations/new",
            &form_of("certifier", "Lycée Jean Moulin", &master),
        )
        .await;
    several.expect("Several organisations in the directory bear this name");
    let wrong_role = v
        .post(
            "/me/invitations/new",
            &form_of("contributor", "University of Orléans", &master),
        )
        .await;
    wrong_role.expect("Only an invitation to endorse names an organisation");
    for page in [&unknown, &several, &wrong_role] {
        for technical in ["org:", "directory/organisations", "invalid-input"] {
            assert!(!page.has(technical), "{technical} in {}", page.body);
        }
    }
    let created = v
        .post(
            "/me/invitations/new",
            &form_of("certifier", "university of orleans", &master),
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    v.get(created.location().unwrap())
        .await
        .expect("Certifying organisation")
        .expect("University of Orléans</a>");
    v.get("/me/invitations")
        .await
        .expect("on behalf of University of Orléans");
    app.stop().await;
}

#[tokio::test]
async fn the_invited_certifier_signs_for_the_organisation_with_its_key_in_both_languages() {
    let app = TestApp::spawn().await;
    populate(&app).await;
    let (_, orleans_key) = app.create_api_key("univ-orleans").await;
    let (_, tours_key) = app.create_api_key("univ-tours").await;
    let owner = app.sign_up("owner@example.org").await;
    let stage = entry(
        &app,
        &owner,
        json!({"kind": "experience", "title": "Stage de recherche"}),
    )
    .await;
    let invitation = invite(
        &app,
        &owner,
        json!({"email": "tuteur@example.org", "role": "certifier", "entries": [stage], "org": "univ-orleans"}),
    )
    .await;
    let path = link_path(&invitation);
    let link_token = path.trim_start_matches("/i/").to_owned();
    // The welcome page says whose endorsement is asked.
    let mut t = Visitor::new(&app);
    let welcome = t.get(&format!("/invited/{link_token}")).await;
    assert_eq!(welcome.status, StatusCode::OK);
    welcome.expect("vous invite à attester, au nom de Université d&#39;Orléans, des étapes");
    let mut english = Visitor::new(&app);
    english.lang = "en";
    english
        .get(&format!("/invited/{link_token}"))
        .await
        .expect("invites you to endorse, on behalf of University of Orléans, entries");
    // Confirmed by the mailed code.
    let sent = t.post(&format!("/invited/{link_token}/code"), &[]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    let code = mailed_code(&app, "tuteur@example.org").await;
    let confirmed = t
        .post(
            &format!("/invited/{link_token}/session"),
            &[("name", "Tuteur Martin"), ("code", &code)],
        )
        .await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
    let portfolio = t.get(&format!("/invited/{link_token}/portfolio")).await;
    portfolio
        .expect("vous invite à attester, au nom de Université d&#39;Orléans")
        .expect(&format!(
            "<label for=\"f-orgKey-{stage}\">Clé d’API de Université d&#39;Orléans</label>"
        ))
        .expect("elle sera signée au nom de Université d&#39;Orléans et jointe à cette étape")
        .expect("type=\"password\"")
        .expect("name=\"orgKey\"");
    // No key: the form says whose key to paste; the text is kept.
    let missing = endorse_page(&mut t, &link_token, &stage, "").await;
    assert_eq!(
        missing.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        missing.body
    );
    missing
        .expect("Collez une clé d’API de Université d&#39;Orléans : cette recommandation doit être signée en son nom.")
        .expect("Excellent stage.")
        .expect(&format!("aria-describedby=\"h-orgKey-{stage} e-orgKey-{stage}\""))
        .expect(&format!("href=\"#f-orgKey-{stage}\""));
    // Another organisation's key.
    let other = endorse_page(&mut t, &link_token, &stage, &tours_key).await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    other.expect("Cette clé d’API est celle d’un autre organisme. Collez une clé d’API de Université d&#39;Orléans.");
    assert!(!other.has(&tours_key), "the key is never shown again");
    // A wrong key: the person's words, never the API's; still logged in.
    let wrong = endorse_page(&mut t, &link_token, &stage, "atout_not-a-key").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    wrong.expect("Cette clé d’API n’est pas valable ou a été retirée. Collez une clé d’API en cours de Université d&#39;Orléans.");
    for page in [&missing, &other, &wrong] {
        for technical in [
            "X-Org-Authorization",
            "x-org-authorization",
            "Forbidden",
            "Unauthorized",
            "API key",
            "atout_not-a-key",
        ] {
            assert!(!page.has(technical), "{technical} in {}", page.body);
        }
    }
    // Something no header can carry: the same sentence, nothing sent.
    let odd = endorse_page(&mut t, &link_token, &stage, "clé\nmauvaise").await;
    assert_eq!(odd.status, StatusCode::UNPROCESSABLE_ENTITY);
    odd.expect("Cette clé d’API n’est pas valable");
    // In English.
    t.lang = "en";
    t.get(&format!("/invited/{link_token}/portfolio?lang=en"))
        .await
        .expect("University of Orléans&#39;s API key")
        .expect("invites you to endorse, on behalf of University of Orléans");
    let missing = endorse_page(&mut t, &link_token, &stage, "").await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    missing.expect(
        "Paste an API key of University of Orléans: this endorsement must be signed on its behalf.",
    );
    endorse_page(&mut t, &link_token, &stage, &tours_key)
        .await
        .expect(
        "This API key belongs to another organisation. Paste an API key of University of Orléans.",
    );
    endorse_page(&mut t, &link_token, &stage, "atout_not-a-key")
        .await
        .expect("This API key is not valid or was revoked. Paste a current API key of University of Orléans.");
    // Nothing was signed.
    let received = get_json(
        &app,
        &format!("/wallet/entries/{stage}/endorsements"),
        &owner,
    )
    .await;
    assert!(
        received["items"].as_array().unwrap().is_empty(),
        "{received}"
    );
    // The right key: signed for the organisation.
    t.lang = "fr";
    t.get(&format!("/invited/{link_token}/portfolio?lang=fr"))
        .await;
    let done = endorse_page(&mut t, &link_token, &stage, &orleans_key).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    t.get(done.location().unwrap())
        .await
        .expect("Votre recommandation est signée");
    let received = get_json(
        &app,
        &format!("/wallet/entries/{stage}/endorsements"),
        &owner,
    )
    .await;
    let items = received["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{received}");
    assert_eq!(items[0]["authorDid"], did_of(&app, "univ-orleans").await);
    assert_eq!(
        items[0]["credential"]["issuer"]["name"],
        "Université d'Orléans"
    );
    app.stop().await;
}

/// The invited person's session cookie for an invitation's pages.
fn invited_cookie(v: &Visitor, link_token: &str) -> String {
    use reqwest::cookie::CookieStore as _;
    let url: reqwest::Url = v
        .url(&format!("/invited/{link_token}/portfolio"))
        .parse()
        .unwrap();
    let header = v.jar.cookies(&url).expect("cookies");
    header
        .to_str()
        .unwrap()
        .split("; ")
        .find_map(|pair| pair.strip_prefix("atout_invited="))
        .expect("the invited session")
        .to_owned()
}

#[tokio::test]
async fn the_organisation_fields_in_a_real_browser() {
    use crate::browser::{assert_page, open, screenshots};
    let app = TestApp::spawn().await;
    populate(&app).await;
    let mut v = Visitor::new(&app);
    v.sign_up("camille@example.org", "Camille Durand").await;
    let token = session_of(&v);
    let stage = entry(
        &app,
        &token,
        json!({"kind": "experience", "title": "Stage de recherche"}),
    )
    .await;
    let invitation = invite(
        &app,
        &token,
        json!({"email": "tuteur@example.org", "role": "certifier", "entries": [stage], "org": "univ-orleans"}),
    )
    .await;
    let link_token = link_path(&invitation).trim_start_matches("/i/").to_owned();
    let mut t = Visitor::new(&app);
    t.get(&format!("/invited/{link_token}")).await;
    t.post(&format!("/invited/{link_token}/code"), &[]).await;
    let code = mailed_code(&app, "tuteur@example.org").await;
    t.get(&format!("/invited/{link_token}")).await;
    let res = t
        .post(
            &format!("/invited/{link_token}/session"),
            &[("name", "Tuteur Martin"), ("code", &code)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let invited = invited_cookie(&t, &link_token);
    let id = invitation["id"].as_str().unwrap();
    let dir = screenshots();
    for (lang, new_title, org_label, key_label) in [
        (
            "fr",
            "Inviter une personne",
            "Organisation qui atteste",
            "Clé d’API de Université d'Orléans",
        ),
        (
            "en",
            "Invite a person",
            "Certifying organisation",
            "University of Orléans's API key",
        ),
    ] {
        let cookies = json!([{"name": "atout_session", "value": token}]);
        for (path, expect, name) in [
            (
                "/me/invitations/new".to_owned(),
                org_label,
                "org-invitation-new",
            ),
            (format!("/me/invitations/{id}"), org_label, "org-invitation"),
            ("/me/invitations".to_owned(), new_title, "org-invitations"),
        ] {
            let page = open(json!({
                "url": app.url(&format!("{path}?lang={lang}")),
                "expect": [expect],
                "cookies": cookies,
                "screenshot": dir.join(format!("{name}-{lang}.png")),
            }))
            .await;
            assert_page(&format!("{path} ({lang})"), &page, 200);
        }
        let page = open(json!({
            "url": app.url(&format!("/invited/{link_token}/portfolio?lang={lang}")),
            "expect": ["Stage de recherche", key_label],
            "cookies": [{"name": "atout_invited", "value": invited}],
            "screenshot": dir.join(format!("org-invited-portfolio-{lang}.png")),
        }))
        .await;
        assert_page(&format!("invited portfolio ({lang})"), &page, 200);
        let page = open(json!({
            "url": app.url(&format!("/invited/{link_token}?lang={lang}")),
            "expect": [lang_pick(lang, "au nom de Université d'Orléans", "on behalf of University of Orléans")],
            "screenshot": dir.join(format!("org-invited-welcome-{lang}.png")),
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
