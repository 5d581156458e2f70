//! Onboarding an organisation into trust (issue 16): created with its
//! accreditation at once (API, command line, console), in one transaction
//! with its audit lines; the verifier's page and the citizen's view say
//! "valid, issuer not in the regional registry" as a warning, never a
//! failure, and "valid and accredited" once registered; the console tells
//! an unregistered organisation what it means and whom to ask.

use crate::common::*;
use crate::issue::diploma;
use crate::pages::Visitor;
use serde_json::{json, Value};

fn did_of(app: &TestApp, slug: &str) -> String {
    format!("did:web:127.0.0.1%3A{}:orgs:{slug}", app.addr.port())
}

fn registry_path(did: &str) -> String {
    format!(
        "/admin/registry/issuers/{}",
        did.replace('%', "%25").replace(':', "%3A")
    )
}

async fn registry_entry(app: &TestApp, did: &str) -> reqwest::Response {
    app.get(&registry_path(did), Some(ADMIN_TOKEN)).await
}

/// Issues a diploma from `slug` with `key`; returns its verification link.
async fn issued_link(app: &TestApp, slug: &str, key: &str) -> String {
    let res = app
        .post_json(
            "/credentials/issue",
            Some(key),
            &json!({"credential": diploma(app), "options": {}}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let issued: Value = res.json().await.unwrap();
    let id = issued["id"].as_str().unwrap().to_owned();
    let view: Value = app
        .get(&format!("/orgs/{slug}/credentials/{id}"), Some(key))
        .await
        .json()
        .await
        .unwrap();
    view["verification"]["url"].as_str().unwrap().to_owned()
}

async fn html(app: &TestApp, url: &str) -> String {
    let res = app.client.get(url).send().await.unwrap();
    assert_eq!(res.status(), 200);
    res.text().await.unwrap()
}

#[tokio::test]
async fn an_organisation_is_created_with_its_accreditation_in_one_transaction() {
    let app = TestApp::spawn().await;
    let res = app
        .post_json(
            "/admin/orgs",
            Some(ADMIN_TOKEN),
            &json!({
                "slug": "univ-orleans",
                "name_fr": "Université d'Orléans",
                "name_en": "University of Orléans",
                "accreditation": "Certificateur RNCP, arrêté du 12 mars 2024",
                "accreditation_url": "https://www.francecompetences.fr/",
                "accredited_from": "2024-03-12",
                "accredited_until": "2029-03-11",
            }),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let did = did_of(&app, "univ-orleans");
    let entry: Value = registry_entry(&app, &did).await.json().await.unwrap();
    assert_eq!(entry["did"], did.as_str());
    assert_eq!(
        entry["name"],
        json!({"fr": "Université d'Orléans", "en": "University of Orléans"})
    );
    assert_eq!(
        entry["accreditation"],
        "Certificateur RNCP, arrêté du 12 mars 2024"
    );
    assert_eq!(
        entry["accreditationUrl"],
        "https://www.francecompetences.fr/"
    );
    assert_eq!(entry["validFrom"], "2024-03-12T00:00:00Z");
    assert_eq!(entry["validUntil"], "2029-03-11T00:00:00Z");
    // Both audit lines, the registry's marked as made with the creation.
    let audit: Value = app
        .get("/admin/audit?limit=500", Some(ADMIN_TOKEN))
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"org.created"), "{actions:?}");
    let upsert = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "trusted_issuer.upserted")
        .expect("the registry's audit line");
    assert_eq!(upsert["details"]["with_org"], "univ-orleans");
    assert_eq!(upsert["details"]["created"], true);

    // A bad accreditation: 422 naming the field, and nothing written at all.
    for (extra, field) in [
        (
            json!({"accreditation": "x", "accreditation_url": "http://insecure.example"}),
            "accreditation_url",
        ),
        (json!({"accreditation": ""}), "accreditation"),
        (json!({"accreditation": "a".repeat(501)}), "accreditation"),
        (
            json!({"accreditation": "x", "accredited_from": "le 3 mars"}),
            "accredited_from",
        ),
        (
            json!({"accreditation": "x", "accredited_from": "2026-01-01", "accredited_until": "2025-01-01"}),
            "accredited_until",
        ),
        (
            json!({"accreditation_url": "https://example.org/"}),
            "accreditation_url",
        ),
    ] {
        let mut body = json!({"slug": "refused-org", "name_fr": "Refusé"});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let problem = assert_problem(
            app.post_json("/admin/orgs", Some(ADMIN_TOKEN), &body).await,
            422,
        )
        .await;
        assert_eq!(problem["field"], field, "{body}");
        assert_problem(app.get("/orgs/refused-org", Some(ADMIN_TOKEN)).await, 404).await;
        assert_problem(
            registry_entry(&app, &did_of(&app, "refused-org")).await,
            404,
        )
        .await;
    }
    // A slug taken: the registry is not touched either.
    let before: Value = app
        .get("/admin/registry", Some(ADMIN_TOKEN))
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .post_json(
            "/admin/orgs",
            Some(ADMIN_TOKEN),
            &json!({"slug": "univ-orleans", "name_fr": "Autre", "accreditation": "Autre chose"}),
        )
        .await;
    assert_problem(res, 409).await;
    let after: Value = app
        .get("/admin/registry", Some(ADMIN_TOKEN))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(before, after);
    // did:key organisations enter the registry under their did:key.
    let created: Value = app
        .post_json(
            "/admin/orgs",
            Some(ADMIN_TOKEN),
            &json!({"slug": "petit-organisme", "did_method": "key", "accreditation": "Qualiopi n° 2024-123"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let did_key = created["did"].as_str().unwrap();
    assert!(did_key.starts_with("did:key:z6Mk"));
    assert_eq!(registry_entry(&app, did_key).await.status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn the_command_line_creates_an_organisation_with_its_accreditation() {
    let app = TestApp::spawn().await;
    let out = tokio::process::Command::from(app.command())
        .args([
            "org",
            "create",
            "univ-tours",
            "--name-fr",
            "Université de Tours",
            "--accreditation",
            "Certificateur RNCP, arrêté du 1er juin 2023",
            "--accreditation-url",
            "https://www.francecompetences.fr/",
            // The command's clock is the real one, the test server's is
            // fixed in the past: a start given explicitly.
            "--accredited-from",
            "2020-01-01",
            "--town",
            "Tours",
            "--kind",
            "university",
        ])
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("in the trust registry"), "{stdout}");
    let entry: Value = registry_entry(&app, &did_of(&app, "univ-tours"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        entry["accreditation"],
        "Certificateur RNCP, arrêté du 1er juin 2023"
    );
    assert_eq!(entry["name"]["fr"], "Université de Tours");
    let dir: Value = app
        .get("/directory/organisations/univ-tours", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(dir["accreditation"]["status"], "accredited");
    assert_eq!(dir["town"], "Tours");

    // Without: said plainly, and not in the registry.
    let out = tokio::process::Command::from(app.command())
        .args(["org", "create", "sans-accreditation"])
        .output()
        .await
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("not in the trust registry"));
    assert_eq!(
        registry_entry(&app, &did_of(&app, "sans-accreditation"))
            .await
            .status(),
        404
    );
    // A bad URL: exit 1 naming the option; nothing created.
    let out = tokio::process::Command::from(app.command())
        .args([
            "org",
            "create",
            "mauvaise-url",
            "--accreditation",
            "x",
            "--accreditation-url",
            "http://x.example",
        ])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--accreditation-url"), "{stderr}");
    assert_problem(app.get("/orgs/mauvaise-url", Some(ADMIN_TOKEN)).await, 404).await;
    // An option of the accreditation without the accreditation: usage (2).
    let out = tokio::process::Command::from(app.command())
        .args([
            "org",
            "create",
            "x-org",
            "--accreditation-url",
            "https://x.example",
        ])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    app.stop().await;
}

#[tokio::test]
async fn the_verifier_page_warns_for_an_unregistered_issuer_and_says_accredited_otherwise() {
    let app = TestApp::spawn().await;
    app.create_org("nouvel-organisme").await;
    app.post_json(
        "/admin/orgs",
        Some(ADMIN_TOKEN),
        &json!({"slug": "univ-orleans", "name_fr": "Université d'Orléans", "name_en": "University of Orléans",
                "accreditation": "Certificateur RNCP, arrêté du 12 mars 2024"}),
    )
    .await;
    let (_, new_key) = app.create_api_key("nouvel-organisme").await;
    let (_, accredited_key) = app.create_api_key("univ-orleans").await;
    let unregistered = issued_link(&app, "nouvel-organisme", &new_key).await;
    let registered = issued_link(&app, "univ-orleans", &accredited_key).await;

    // Unregistered: valid signature, a warning about the issuer, never "Échec".
    let fr = html(&app, &format!("{unregistered}?lang=fr")).await;
    assert!(
        fr.contains("Authentique et à jour, mais émetteur non reconnu"),
        "{fr}"
    );
    assert!(fr.contains("class=\"check-warning\""));
    assert!(fr.contains("role=\"img\" aria-label=\"Attention\">!"));
    assert!(fr.contains("L’émetteur ne figure pas au registre des organismes accrédités."));
    assert!(!fr.contains("Échec"), "{fr}");
    assert!(!fr.contains("class=\"check-failed\""));
    let en = html(&app, &format!("{unregistered}?lang=en")).await;
    assert!(en.contains("Authentic and current, but from an unrecognised issuer"));
    assert!(en.contains("role=\"img\" aria-label=\"Warning\">!"));
    assert!(!en.contains("Failed"));
    // The API says the same: verified, with a warning.
    let issued: Value = app
        .post_json(
            "/credentials/issue",
            Some(&new_key),
            &json!({"credential": diploma(&app), "options": {}}),
        )
        .await
        .json()
        .await
        .unwrap();
    let report: Value = app
        .post_json(
            "/credentials/verify",
            None,
            &json!({"verifiableCredential": issued}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(report["verified"], true, "{report}");
    assert!(!report["warnings"].as_array().unwrap().is_empty());

    // Registered at creation: valid and accredited, named from the registry.
    let fr = html(&app, &format!("{registered}?lang=fr")).await;
    assert!(fr.contains("Authentique, valide et à jour"), "{fr}");
    assert!(fr.contains("Université d&#39;Orléans"));
    assert!(fr.contains("Certificateur RNCP, arrêté du 12 mars 2024"));
    assert!(!fr.contains("class=\"check-warning\"") && !fr.contains("Échec"));
    let en = html(&app, &format!("{registered}?lang=en")).await;
    assert!(en.contains("Authentic, valid and current"));
    assert!(en.contains("University of Orléans"));
    app.stop().await;
}

#[tokio::test]
async fn the_citizen_sees_a_warning_not_a_failure_for_an_unregistered_issuer() {
    let app = TestApp::spawn().await;
    app.create_org("nouvel-organisme").await;
    let (_, key) = app.create_api_key("nouvel-organisme").await;
    let mut v = Visitor::new(&app);
    v.sign_up("diplomee@example.org", "Inès Martin").await;
    let token = v
        .cookies()
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "atout_session")
        .unwrap()["value"]
        .as_str()
        .unwrap()
        .to_owned();
    let issued: Value = app
        .post_json(
            "/credentials/issue",
            Some(&key),
            &json!({"credential": diploma(&app), "options": {}}),
        )
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .client
        .post(app.url("/wallet/holdings/import"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(issued.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let holding: Value = res.json().await.unwrap();
    let id = holding["id"].as_str().unwrap().to_owned();
    let page = v.get(&format!("/me/credentials/{id}")).await;
    assert_eq!(page.status, 200);
    page.expect("class=\"check-warning\"").expect("— Attention");
    assert!(!page.has("— Échec"), "{}", page.body);
    app.stop().await;
}

async fn console(app: &TestApp, token: &str) -> Visitor {
    let mut v = Visitor::new(app);
    v.get("/console/login").await;
    let res = v.post("/console/login", &[("token", token)]).await;
    assert_eq!(res.status, 303, "{}", res.body);
    v.follow("/console").await;
    v
}

#[tokio::test]
async fn the_console_tells_an_unregistered_organisation_what_it_means_and_whom_to_ask() {
    // With a configured contact.
    let app = TestApp::spawn_with(&[(
        "ATOUT_REGISTRY_CONTACT",
        "accreditation@region-centre.example",
    )])
    .await;
    app.create_org("nouvel-organisme").await;
    let (_, key) = app.create_api_key("nouvel-organisme").await;
    let mut v = console(&app, &key).await;
    let dash = v.get("/console/orgs/nouvel-organisme").await;
    dash.expect("Votre organisme ne figure pas au registre régional")
        .expect("émetteur hors du registre régional")
        .expect("accreditation@region-centre.example");
    let dash = v.get("/console/orgs/nouvel-organisme?lang=en").await;
    dash.expect("Your organisation is not in the regional registry")
        .expect("issuer not in the regional registry")
        .expect("accreditation@region-centre.example");
    app.stop().await;

    // Without: the platform administrator; the administrator gets a button
    // to add it; an accredited organisation sees no notice.
    let app = TestApp::spawn().await;
    app.create_org("nouvel-organisme").await;
    app.post_json(
        "/admin/orgs",
        Some(ADMIN_TOKEN),
        &json!({"slug": "univ-orleans", "name_fr": "Université d'Orléans", "accreditation": "Certificateur RNCP"}),
    )
    .await;
    let (_, key) = app.create_api_key("nouvel-organisme").await;
    let (_, accredited) = app.create_api_key("univ-orleans").await;
    let mut v = console(&app, &key).await;
    v.get("/console/orgs/nouvel-organisme")
        .await
        .expect("l’administrateur de la plateforme Atout de votre région");
    let mut a = console(&app, ADMIN_TOKEN).await;
    let dash = a.get("/console/orgs/nouvel-organisme").await;
    dash.expect("Inscrire cet organisme au registre")
        .expect("href=\"/console/registry?did=did%3Aweb%3A127.0.0.1%253A");
    let mut o = console(&app, &accredited).await;
    let dash = o.get("/console/orgs/univ-orleans").await;
    dash.expect("Accrédité").expect("Certificateur RNCP");
    assert!(!dash.has("ne figure pas au registre régional"));
    app.stop().await;
}

#[tokio::test]
async fn the_console_creates_an_organisation_with_its_accreditation_and_edits_its_profile() {
    let app = TestApp::spawn().await;
    let mut a = console(&app, ADMIN_TOKEN).await;
    a.get("/console")
        .await
        .expect("Accréditation (registre régional)");
    let bad = a
        .post(
            "/console/orgs",
            &[
                ("slug", "univ-orleans"),
                ("name_fr", "Université d'Orléans"),
                ("accreditation", "Certificateur RNCP"),
                ("accreditation_url", "http://pas-https.example"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    bad.expect("Indiquez une adresse https.")
        .expect("href=\"#f-accreditation_url\"");
    assert_problem(app.get("/orgs/univ-orleans", Some(ADMIN_TOKEN)).await, 404).await;
    let done = a
        .post(
            "/console/orgs",
            &[
                ("slug", "univ-orleans"),
                ("name_fr", "Université d'Orléans"),
                ("town", "Orléans"),
                ("kind", "university"),
                (
                    "accreditation",
                    "Certificateur RNCP, arrêté du 12 mars 2024",
                ),
                ("accredited_from", "2024-03-12"),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let entry: Value = registry_entry(&app, &did_of(&app, "univ-orleans"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(entry["validFrom"], "2024-03-12T00:00:00Z");
    a.get("/console/orgs/univ-orleans")
        .await
        .expect("Accrédité");

    // The organisation edits its public profile and publishes a template.
    let (_, key) = app.create_api_key("univ-orleans").await;
    let res = app
        .post_json(
            "/orgs/univ-orleans/templates",
            Some(&key),
            &crate::templates::example("diploma.json"),
        )
        .await;
    let template: Value = res.json().await.unwrap();
    let template_id = template["id"].as_str().unwrap().to_owned();
    let mut v = console(&app, &key).await;
    let form = v.get("/console/orgs/univ-orleans/profile").await;
    form.expect("Fiche publique")
        .expect("Diplôme national de master");
    let bad = v
        .post(
            "/console/orgs/univ-orleans/profile",
            &[("website", "pas une adresse"), ("listed", "1")],
        )
        .await;
    assert_eq!(bad.status, 422);
    bad.expect("Indiquez une adresse https complète");
    let saved = v
        .post(
            "/console/orgs/univ-orleans/profile",
            &[
                ("description", "Université pluridisciplinaire"),
                ("town", "Orléans"),
                ("kind", "university"),
                ("website", "https://www.univ-orleans.fr"),
                ("listed", "1"),
                ("public", &template_id),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let dir: Value = app
        .get("/directory/organisations/univ-orleans", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(dir["description"], "Université pluridisciplinaire");
    assert_eq!(dir["templates"][0]["id"], template_id.as_str());
    app.stop().await;
}

/// (method, path, body, bearer token, expected status).
type Case<'a> = (&'a str, &'a str, Option<Value>, Option<&'a str>, u16);

#[tokio::test]
async fn new_routes_refuse_the_wrong_callers() {
    let app = TestApp::spawn().await;
    app.create_org("univ-a").await;
    app.create_org("univ-b").await;
    let (_, own) = app.create_api_key("univ-a").await;
    let (_, other) = app.create_api_key("univ-b").await;
    // API: (method, path, body, caller, expected status).
    let accredited = json!({"slug": "x-org", "accreditation": "RNCP"});
    let cases: Vec<Case> = vec![
        ("POST", "/admin/orgs", Some(accredited.clone()), None, 401),
        (
            "POST",
            "/admin/orgs",
            Some(accredited.clone()),
            Some("atout_bogus"),
            401,
        ),
        (
            "POST",
            "/admin/orgs",
            Some(accredited.clone()),
            Some(&own),
            403,
        ),
        ("GET", "/orgs/univ-a/profile", None, None, 401),
        (
            "GET",
            "/orgs/univ-a/profile",
            None,
            Some("atout_bogus"),
            401,
        ),
        ("GET", "/orgs/univ-a/profile", None, Some(&other), 403),
        (
            "PUT",
            "/orgs/univ-a/profile",
            Some(json!({"town": "X"})),
            None,
            401,
        ),
        (
            "PUT",
            "/orgs/univ-a/profile",
            Some(json!({"town": "X"})),
            Some(&other),
            403,
        ),
        ("GET", "/orgs/univ-a/profile", None, Some(&own), 200),
        ("GET", "/orgs/univ-a/profile", None, Some(ADMIN_TOKEN), 200),
        ("GET", "/directory/organisations", None, None, 200),
        (
            "GET",
            "/directory/organisations/univ-a",
            None,
            Some("atout_bogus"),
            200,
        ),
    ];
    for (method, path, body, token, expected) in cases {
        let mut req = app.client.request(method.parse().unwrap(), app.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = &body {
            req = req.json(b);
        }
        let res = req.send().await.unwrap();
        assert_eq!(
            res.status().as_u16(),
            expected,
            "{method} {path} as {token:?}"
        );
    }
    assert_problem(registry_entry(&app, &did_of(&app, "x-org")).await, 404).await;
    assert_eq!(
        app.get("/directory/organisations/univ-a", None)
            .await
            .status(),
        200
    );
    // Pages: nobody is sent to the login page; another organisation gets 403.
    let mut nobody = Visitor::new(&app);
    let res = nobody.get("/console/orgs/univ-a/profile").await;
    assert_eq!(res.status, 303);
    assert!(res.location().unwrap().starts_with("/console/login"));
    let mut b = console(&app, &other).await;
    assert_eq!(b.get("/console/orgs/univ-a/profile").await.status, 403);
    let res = b
        .post("/console/orgs/univ-a/profile", &[("town", "Piraté")])
        .await;
    assert_eq!(res.status, 403);
    let mut a = console(&app, &own).await;
    assert_eq!(a.get("/console/orgs/univ-a/profile").await.status, 200);
    let dir: Value = app
        .get("/directory/organisations/univ-a", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(dir["town"].is_null());
    // The directory pages are anyone's.
    assert_eq!(nobody.get("/organisations").await.status, 200);
    assert_eq!(nobody.get("/organisations/univ-a").await.status, 200);
    app.stop().await;
}
