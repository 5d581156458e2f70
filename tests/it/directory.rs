//! The public directory of organisations (issue 16): its API
//! (`/directory/organisations`), searching by name without accents or
//! case, by town and kind, paginated and bounded; what an organisation's
//! page shows and never shows; profiles edited by the organisation or the
//! administrator; the pages in French and English.

use crate::common::*;
use crate::templates::example;
use serde_json::{json, Value};

/// Creates an organisation with directory fields (and an accreditation
/// when given) through the admin API.
async fn org(app: &TestApp, body: &Value) -> Value {
    let res = app.post_json("/admin/orgs", Some(ADMIN_TOKEN), body).await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    res.json().await.unwrap()
}

async fn put_profile(app: &TestApp, slug: &str, token: &str, body: &Value) -> reqwest::Response {
    app.client
        .put(app.url(&format!("/orgs/{slug}/profile")))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn json_of(app: &TestApp, path: &str) -> Value {
    let res = app.get(path, None).await;
    assert_eq!(res.status(), 200, "{path}: {}", res.text().await.unwrap());
    res.json().await.unwrap()
}

/// `q=<q>`, percent-encoded.
fn query_of(q: &str) -> String {
    format!(
        "q={}",
        url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
    )
}

fn slugs(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["slug"].as_str().unwrap().to_owned())
        .collect()
}

/// Four organisations: two universities (one accredited), a training
/// body in Orléans, and one that chose not to be listed.
async fn populate(app: &TestApp) {
    org(
        app,
        &json!({
            "slug": "univ-orleans", "name_fr": "Université d'Orléans", "name_en": "University of Orléans",
            "town": "Orléans", "kind": "university", "website": "https://www.univ-orleans.fr",
            "description": "Université pluridisciplinaire.\nQuatre campus.",
            "accreditation": "Certificateur RNCP, arrêté du 12 mars 2024",
            "accreditation_url": "https://www.francecompetences.fr/",
        }),
    )
    .await;
    org(
        app,
        &json!({"slug": "univ-tours", "name_fr": "Université de Tours", "town": "Tours", "kind": "university"}),
    )
    .await;
    org(
        app,
        &json!({"slug": "forma-loire", "name_fr": "Formation Œuvre Loire", "town": "ORLEANS", "kind": "training"}),
    )
    .await;
    org(
        app,
        &json!({"slug": "cachee", "name_fr": "Université Cachée", "town": "Orléans", "kind": "university", "listed": false}),
    )
    .await;
}

#[tokio::test]
async fn search_ignores_accents_and_case_and_filters_by_town_and_kind() {
    let app = TestApp::spawn().await;
    populate(&app).await;
    // Accents, case, apostrophes: the folded words must all appear.
    for q in [
        "universite d'orleans",
        "UNIVERSITÉ D’ORLÉANS",
        "orléans université",
        "University of Orleans",
    ] {
        let page = json_of(&app, &format!("/directory/organisations?{}", query_of(q))).await;
        assert_eq!(slugs(&page), ["univ-orleans"], "{q}");
        assert_eq!(page["total"], 1);
        assert_eq!(page["items"][0]["name"]["fr"], "Université d'Orléans");
        assert_eq!(page["items"][0]["accredited"], true);
    }
    // One word; ligatures fold too ("oeuvre" finds "Œuvre").
    let page = json_of(&app, "/directory/organisations?q=oeuvre").await;
    assert_eq!(slugs(&page), ["forma-loire"]);
    assert_eq!(page["items"][0]["accredited"], false);
    // The town, folded and whole; the kind.
    let page = json_of(&app, "/directory/organisations?town=orleans").await;
    assert_eq!(slugs(&page), ["forma-loire", "univ-orleans"]);
    let page = json_of(
        &app,
        "/directory/organisations?town=Orl%C3%A9ans&kind=training",
    )
    .await;
    assert_eq!(slugs(&page), ["forma-loire"]);
    let page = json_of(&app, "/directory/organisations?kind=university").await;
    assert_eq!(slugs(&page), ["univ-orleans", "univ-tours"]);
    let page = json_of(&app, "/directory/organisations?town=orl").await;
    assert!(slugs(&page).is_empty(), "a town is compared whole");
    // Everything listed, by name; never the unlisted one.
    let page = json_of(&app, "/directory/organisations").await;
    assert_eq!(slugs(&page), ["forma-loire", "univ-orleans", "univ-tours"]);
    assert_eq!(page["total"], 3);
    let page = json_of(&app, "/directory/organisations?q=cachee").await;
    assert!(slugs(&page).is_empty());
    assert_problem(app.get("/directory/organisations/cachee", None).await, 404).await;
    assert_problem(app.get("/directory/organisations/nope", None).await, 404).await;
    // LIKE wildcards are no wildcards: they fold to nothing, or to words.
    let page = json_of(&app, "/directory/organisations?q=100%25").await;
    assert!(slugs(&page).is_empty());
    let page = json_of(&app, "/directory/organisations?q=%25_%25").await;
    assert_eq!(page["total"], 3, "only separators: no filter");
    app.stop().await;
}

#[tokio::test]
async fn pages_are_bounded_and_hostile_queries_refused() {
    let app = TestApp::spawn().await;
    populate(&app).await;
    let first = json_of(&app, "/directory/organisations?kind=university&per_page=1").await;
    assert_eq!(slugs(&first), ["univ-orleans"]);
    assert_eq!(
        (
            first["total"].clone(),
            first["page"].clone(),
            first["perPage"].clone()
        ),
        (json!(2), json!(1), json!(1))
    );
    let second = json_of(
        &app,
        "/directory/organisations?kind=university&per_page=1&page=2",
    )
    .await;
    assert_eq!(slugs(&second), ["univ-tours"]);
    let past = json_of(
        &app,
        "/directory/organisations?kind=university&per_page=1&page=3",
    )
    .await;
    assert!(slugs(&past).is_empty());
    assert_eq!(past["total"], 2);
    for (query, field) in [
        ("page=0", "page"),
        ("page=501", "page"),
        ("per_page=0", "per_page"),
        ("per_page=51", "per_page"),
        ("kind=castle", "kind"),
    ] {
        let body = assert_problem(
            app.get(&format!("/directory/organisations?{query}"), None)
                .await,
            422,
        )
        .await;
        assert_eq!(body["field"], field, "{query}");
    }
    // Too long, too many words, a huge query: refused before any SQL.
    let long = "a".repeat(101);
    let seven = "a b c d e f g";
    let huge = "é".repeat(2_000);
    for q in [long.as_str(), seven, huge.as_str()] {
        let path = format!("/directory/organisations?{}", query_of(q));
        let res = app.get(&path, None).await;
        assert!(
            [414, 422, 431].contains(&res.status().as_u16()),
            "{}",
            res.status()
        );
        if res.status() == 422 {
            assert_eq!(assert_problem(res, 422).await["field"], "q");
        }
    }
    let town = "t".repeat(101);
    let body = assert_problem(
        app.get(&format!("/directory/organisations?town={town}"), None)
            .await,
        422,
    )
    .await;
    assert_eq!(body["field"], "town");
    assert_problem(app.get("/directory/organisations?page=x", None).await, 400).await;
    assert_problem(
        app.get("/directory/organisations?secret=1", None).await,
        400,
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn an_organisation_page_shows_what_is_public_and_nothing_else() {
    let app = TestApp::spawn().await;
    populate(&app).await;
    let (_, key) = app.create_api_key("univ-orleans").await;
    let mut templates = Vec::new();
    for file in ["diploma.json", "openbadge-psc1.json"] {
        let res = app
            .post_json("/orgs/univ-orleans/templates", Some(&key), &example(file))
            .await;
        assert_eq!(res.status(), 201);
        let created: Value = res.json().await.unwrap();
        templates.push(created["id"].as_str().unwrap().to_owned());
    }
    // Templates are private until published.
    let entry = json_of(&app, "/directory/organisations/univ-orleans").await;
    assert_eq!(entry["templates"], json!([]));
    let res = put_profile(
        &app,
        "univ-orleans",
        &key,
        &json!({"publicTemplates": [templates[0]]}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let profile: Value = res.json().await.unwrap();
    assert_eq!(profile["templates"][0]["public"], true);
    assert_eq!(profile["templates"][1]["public"], false);

    let entry = json_of(&app, "/directory/organisations/univ-orleans").await;
    let did = format!("did:web:127.0.0.1%3A{}:orgs:univ-orleans", app.addr.port());
    assert_eq!(entry["did"], did.as_str());
    assert_eq!(
        entry["name"],
        json!({"fr": "Université d'Orléans", "en": "University of Orléans"})
    );
    assert_eq!(entry["town"], "Orléans");
    assert_eq!(entry["kind"], "university");
    assert_eq!(entry["website"], "https://www.univ-orleans.fr/");
    assert_eq!(
        entry["description"],
        "Université pluridisciplinaire.\nQuatre campus."
    );
    assert_eq!(entry["accreditation"]["status"], "accredited");
    assert_eq!(
        entry["accreditation"]["reference"],
        "Certificateur RNCP, arrêté du 12 mars 2024"
    );
    assert_eq!(
        entry["accreditation"]["url"],
        "https://www.francecompetences.fr/"
    );
    assert_eq!(entry["templates"].as_array().unwrap().len(), 1);
    assert_eq!(entry["templates"][0]["id"], templates[0].as_str());
    assert_eq!(
        entry["templates"][0]["name"]["fr"],
        "Diplôme national de master"
    );
    // Exactly these members: no internal id, keys, API keys, schema, dates.
    let mut members: Vec<&str> = entry
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    members.sort();
    assert_eq!(
        members,
        [
            "accreditation",
            "description",
            "did",
            "kind",
            "name",
            "slug",
            "templates",
            "town",
            "website"
        ]
    );
    let mut template_members: Vec<&str> = entry["templates"][0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    template_members.sort();
    assert_eq!(template_members, ["credentialType", "id", "name"]);
    let text = entry.to_string();
    assert!(
        !text.contains(&key[..12]) && !text.contains("subject_schema") && !text.contains("key-1")
    );
    // An organisation without accreditation says so.
    let tours = json_of(&app, "/directory/organisations/univ-tours").await;
    assert_eq!(tours["accreditation"], json!({"status": "notListed"}));

    // Unlisting hides it at once; listing again shows it.
    let res = put_profile(&app, "univ-orleans", ADMIN_TOKEN, &json!({"listed": false})).await;
    assert_eq!(res.status(), 200);
    assert_problem(
        app.get("/directory/organisations/univ-orleans", None).await,
        404,
    )
    .await;
    assert!(slugs(&json_of(&app, "/directory/organisations?q=orleans").await).is_empty());
    put_profile(&app, "univ-orleans", &key, &json!({"listed": true})).await;
    assert_eq!(
        slugs(&json_of(&app, "/directory/organisations?q=orleans").await),
        ["univ-orleans"]
    );
    app.stop().await;
}

#[tokio::test]
async fn profiles_are_checked_audited_and_editable_by_the_organisation_and_the_admin() {
    let app = TestApp::spawn().await;
    populate(&app).await;
    let (_, key) = app.create_api_key("univ-tours").await;
    let (_, other) = app.create_api_key("univ-orleans").await;
    // Another organisation's key, nobody: refused before the body is read.
    assert_problem(
        put_profile(&app, "univ-tours", &other, &json!({"town": "X"})).await,
        403,
    )
    .await;
    let res = app
        .client
        .put(app.url("/orgs/univ-tours/profile"))
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_problem(res, 401).await;
    // Each bad field is named; nothing is written.
    for (body, field) in [
        (json!({"kind": "castle"}), "kind"),
        (json!({"website": "http://insecure.example"}), "website"),
        (json!({"website": "https://user:pw@example.org"}), "website"),
        (json!({"town": "t".repeat(101)}), "town"),
        (json!({"description": "d".repeat(2001)}), "description"),
        (json!({"description": "a\u{0007}b"}), "description"),
        (
            json!({"publicTemplates": ["no-such-template"]}),
            "publicTemplates",
        ),
    ] {
        let problem = assert_problem(put_profile(&app, "univ-tours", &key, &body).await, 422).await;
        assert_eq!(problem["field"], field, "{body}");
    }
    assert_problem(
        put_profile(&app, "univ-tours", &key, &json!({"unknown": 1})).await,
        422,
    )
    .await;
    assert_eq!(
        json_of(&app, "/directory/organisations/univ-tours").await["town"],
        "Tours"
    );
    // The organisation edits its own profile; empty text clears a field.
    let res = put_profile(
        &app,
        "univ-tours",
        &key,
        &json!({"town": "Blois", "kind": "school", "description": "Campus de Blois", "website": ""}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let entry = json_of(&app, "/directory/organisations/univ-tours").await;
    assert_eq!(
        (entry["town"].clone(), entry["kind"].clone()),
        (json!("Blois"), json!("school"))
    );
    assert_eq!(
        slugs(&json_of(&app, "/directory/organisations?town=blois").await),
        ["univ-tours"]
    );
    assert!(slugs(&json_of(&app, "/directory/organisations?town=tours").await).is_empty());
    // The administrator too; both are in the organisation's audit log.
    let res = put_profile(&app, "univ-tours", ADMIN_TOKEN, &json!({"description": ""})).await;
    assert_eq!(res.status(), 200);
    assert!(json_of(&app, "/directory/organisations/univ-tours").await["description"].is_null());
    let audit: Value = app
        .get("/orgs/univ-tours/audit", Some(&key))
        .await
        .json()
        .await
        .unwrap();
    let updates: Vec<&Value> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "org.profile_updated")
        .collect();
    assert_eq!(updates.len(), 2, "{audit}");
    // Creation checks the same fields.
    let problem = assert_problem(
        app.post_json(
            "/admin/orgs",
            Some(ADMIN_TOKEN),
            &json!({"slug": "bad-kind", "kind": "castle"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(problem["field"], "kind");
    assert_problem(
        app.get("/directory/organisations/bad-kind", None).await,
        404,
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn the_directory_pages_search_and_show_in_french_and_english() {
    let app = TestApp::spawn().await;
    populate(&app).await;
    let page = |path: String| {
        let app = &app;
        async move {
            let res = app.get(&path, None).await;
            let status = res.status().as_u16();
            let lang = res.headers()["content-language"]
                .to_str()
                .unwrap()
                .to_owned();
            (status, lang, res.text().await.unwrap())
        }
    };
    let (status, lang, html) = page("/organisations?q=universite+d%27orleans".into()).await;
    assert_eq!((status, lang.as_str()), (200, "fr"));
    assert!(html.contains("Annuaire des organismes"), "{html}");
    assert!(html.contains("Un organisme trouvé"));
    assert!(html.contains("href=\"/organisations/univ-orleans\""));
    assert!(html.contains("Université d&#39;Orléans"));
    assert!(!html.contains("univ-tours"));
    let (_, lang, html) = page("/organisations?town=orleans&lang=en".into()).await;
    assert_eq!(lang, "en");
    assert!(html.contains("2 organisations found"), "{html}");
    assert!(html.contains("University of Orléans"));
    assert!(html.contains("Training body"));
    assert!(html.contains("Not in the regional registry"));
    // The organisation's page.
    let (status, _, html) = page("/organisations/univ-orleans?lang=fr".into()).await;
    assert_eq!(status, 200);
    for text in [
        "Accrédité",
        "Certificateur RNCP, arrêté du 12 mars 2024",
        "Université",
        "Orléans",
        "did:web:127.0.0.1%3A",
    ] {
        assert!(html.contains(text), "{text}");
    }
    let (_, _, html) = page("/organisations/univ-tours?lang=en".into()).await;
    assert!(html.contains("Not in the regional registry"));
    assert!(html.contains("verifiers will warn"));
    // Bad input: a page in the visitor's language saying what to change.
    let long = "a".repeat(101);
    let (status, _, html) = page(format!("/organisations?q={long}")).await;
    assert_eq!(status, 422);
    assert!(html.contains("Raccourcissez la recherche"), "{html}");
    assert!(!html.contains("must have"));
    let (status, _, html) = page("/organisations?kind=castle&lang=en".into()).await;
    assert_eq!(status, 422);
    assert!(html.contains("Choose a kind of organisation"));
    let (status, _, html) = page("/organisations/cachee".into()).await;
    assert_eq!(status, 404);
    assert!(!html.contains("Cachée"));
    app.stop().await;
}

/// The visitor's session token (its session cookie).
fn session_of(v: &crate::pages::Visitor) -> String {
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
async fn a_certification_request_picks_the_organisation_by_its_name_without_javascript() {
    use crate::pages::Visitor;
    let app = TestApp::spawn().await;
    populate(&app).await;
    let mut v = Visitor::new(&app);
    v.sign_up("diplomee@example.org", "Inès Martin").await;
    crate::offers::verify_email(&app, "diplomee@example.org").await;
    let token = session_of(&v);
    let master = crate::archive::entry(
        &app,
        &token,
        json!({"kind": "education", "title": "Master Informatique", "startDate": "2010", "endDate": "2012"}),
    )
    .await;
    // The search lists matches, each with a "choose" button (a GET form).
    let found = v
        .get(&format!(
            "/me/requests/new?entry={master}&org_q=universite+d%27orleans"
        ))
        .await;
    assert_eq!(found.status, 200, "{}", found.body);
    found
        .expect("Un organisme trouvé")
        .expect("<input type=\"hidden\" name=\"org\" value=\"univ-orleans\">")
        .expect("Choisir<span class=\"visually-hidden\"> Université d&#39;Orléans</span>");
    assert!(!found.has("value=\"univ-tours\""));
    // Sending without choosing says what to do, in French.
    let none = v
        .post("/me/requests/new", &[("entry", &master), ("org", "")])
        .await;
    assert_eq!(none.status, 422);
    none.expect("Choisissez l’organisme : recherchez-le par son nom")
        .expect("href=\"#f-org_q\"");
    // A search the API refuses: the page says what to change.
    let long = v
        .get(&format!(
            "/me/requests/new?entry={master}&org_q={}",
            "a".repeat(101)
        ))
        .await;
    assert_eq!(long.status, 422);
    long.expect("Raccourcissez la recherche");
    // Chosen: named on the page, carried by the form.
    let chosen = v
        .get(&format!("/me/requests/new?entry={master}&org=univ-orleans"))
        .await;
    chosen
        .expect("Organisme choisi :")
        .expect("<strong>Université d&#39;Orléans</strong>")
        .expect("<input type=\"hidden\" name=\"org\" value=\"univ-orleans\">");
    let sent = v
        .post(
            "/me/requests/new",
            &[
                ("entry", &master),
                ("org", "univ-orleans"),
                ("message", "Merci"),
            ],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let list = crate::archive::get_json(&app, "/wallet/certification-requests", &token).await;
    assert_eq!(list["items"][0]["org"], "univ-orleans");
    // In English too.
    let en = v
        .get(&format!(
            "/me/requests/new?entry={master}&org_q=orleans&lang=en"
        ))
        .await;
    en.expect("One organisation found")
        .expect("Choose<span class=\"visually-hidden\"> University of Orléans</span>");
    app.stop().await;
}

#[tokio::test]
async fn an_offer_page_names_the_organisation_and_links_to_its_directory_page() {
    use crate::pages::Visitor;
    let s = crate::offers::Setup::new(&[]).await;
    let app = &s.app;
    let offer = s.offer(json!({})).await;
    let token = crate::offers::token_of(&offer);
    // Whoever holds the link: the registry's name only (here: unknown).
    let public: Value = app
        .get(&format!("/offers/{token}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert!(public["issuer"].get("organisation").is_none());
    // The citizen it is offered to: the organisation and its page.
    let mut v = Visitor::new(app);
    v.sign_up("renee@example.org", "Renée Dupont").await;
    let page = v.get(&format!("/me/offers/{token}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    page.expect(&format!("href=\"/organisations/{}\"", crate::offers::ORG))
        .expect("Université Exemple dans l’annuaire des organismes");
    let page = v.get(&format!("/me/offers/{token}?lang=en")).await;
    page.expect("Example University in the directory of organisations");
    // An unlisted organisation: no link to a page that does not exist.
    let res = app
        .client
        .put(app.url(&format!("/orgs/{}/profile", crate::offers::ORG)))
        .bearer_auth(&s.key)
        .json(&json!({"listed": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let page = v.get(&format!("/me/offers/{token}")).await;
    assert!(!page.has("/organisations/"));
    s.app.stop().await;
}
