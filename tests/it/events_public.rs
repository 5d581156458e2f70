//! The public side of events (issue 19), over real HTTP on both databases:
//! the listing and its filters (words, kind, département, organisation,
//! tag, dates, online, pages), drafts never shown anywhere, each event as
//! iCalendar read back by an independent parser (Mozilla's ical.js, in
//! tests/interop) with its lines folded at 75 octets, a cancellation that
//! says `STATUS:CANCELLED` with a raised `SEQUENCE`, Atom feeds per
//! organisation, département and tag read back by another (feed-rs), the
//! cache validators, and the pages `/evenements…` in French and English
//! with hostile text escaped.

use crate::common::*;
use crate::interop::node;
use crate::pages::Visitor;
use serde_json::{json, Value};

/// Text that every format must carry as it is: markup, an ampersand,
/// quotes, the iCalendar separators, a backslash.
const HOSTILE_TITLE: &str = r#"<script>alert("x")</script> Salon & Co; a,b \ c"#;

/// A description with line breaks (one Windows), commas, semicolons,
/// markup, and a very long line of accented and astral characters (folded
/// in the middle of none of them).
fn hostile_description() -> String {
    let long: String = "Développement, numérique; café ☕ et 🎉 — "
        .repeat(60)
        .trim()
        .to_owned();
    format!(
        "Première ligne <b>gras</b> & \"guillemets\"\r\nDeuxième ligne; avec, virgules\n\n{long}\n\nFin \\ retour"
    )
}

/// An organisation with an API key.
async fn org(app: &TestApp, slug: &str) -> String {
    app.create_org(slug).await;
    app.create_api_key(slug).await.1
}

/// Writes a draft through the organisation API; returns its id.
async fn draft(app: &TestApp, slug: &str, key: &str, body: Value) -> String {
    let res = app
        .post_json(&format!("/orgs/{slug}/events"), Some(key), &body)
        .await;
    let status = res.status().as_u16();
    let v: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["status"], "draft", "{v}");
    v["id"].as_str().unwrap().to_owned()
}

/// Writes an event and publishes it; returns its id.
async fn published(app: &TestApp, slug: &str, key: &str, body: Value) -> String {
    let id = draft(app, slug, key, body).await;
    let res = app
        .client
        .post(app.url(&format!("/orgs/{slug}/events/{id}/publish")))
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let v: Value = res.json().await.unwrap();
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "published");
    id
}

async fn cancel(app: &TestApp, slug: &str, key: &str, id: &str, reason: &str) {
    let res = app
        .post_json(
            &format!("/orgs/{slug}/events/{id}/cancel"),
            Some(key),
            &json!({"reason": reason}),
        )
        .await;
    let status = res.status().as_u16();
    let v: Value = res.json().await.unwrap();
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "cancelled");
}

/// The ids of a listing's events, in order.
async fn ids(app: &TestApp, query: &str) -> Vec<String> {
    let res = app.get(&format!("/events?{query}"), None).await;
    let status = res.status().as_u16();
    let v: Value = res.json().await.unwrap();
    assert_eq!(status, 200, "{query}: {v}");
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Three organisations' events: a job fair in Orléans (Loiret) tagged
/// « Numérique », an online open day, an information session in Tours
/// that is online too, and a draft.
struct World {
    app: TestApp,
    key_a: String,
    key_b: String,
    fair: String,
    open_day: String,
    session: String,
    secret: String,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let key_a = org(&app, "cite-metiers").await;
    let key_b = org(&app, "lycee-pro").await;
    let fair = published(
        &app,
        "cite-metiers",
        &key_a,
        json!({
            "kind": "job-fair",
            "titleFr": "Salon de l'emploi numérique",
            "titleEn": "Digital job fair",
            "descriptionFr": "Cinquante employeurs recrutent.",
            "startsAt": "2026-03-15T14:00",
            "endsAt": "2026-03-15T17:30",
            "address": "1 place de l'Étape",
            "commune": "Orléans",
            "department": "45",
            "audience": "job-seekers",
            "registration": "atout",
            "capacity": 50,
            "freeTags": ["Numérique"]
        }),
    )
    .await;
    let open_day = published(
        &app,
        "lycee-pro",
        &key_b,
        json!({
            "kind": "open-day",
            "titleFr": "Portes ouvertes en ligne",
            "startsAt": "2026-04-02T10:00",
            "endsAt": "2026-04-02T12:00",
            "onlineUrl": "https://visio.example.org/portes-ouvertes",
            "registration": "external",
            "registrationUrl": "https://lycee.example.org/inscription"
        }),
    )
    .await;
    let session = published(
        &app,
        "lycee-pro",
        &key_b,
        json!({
            "kind": "info-session",
            "titleFr": "Réunion d'information BTS",
            "titleEn": "BTS information session",
            "startsAt": "2026-05-10T18:00",
            "endsAt": "2026-05-10T19:30",
            "commune": "Tours",
            "department": "37",
            "onlineUrl": "https://visio.example.org/bts",
            "freeTags": ["Alternance"]
        }),
    )
    .await;
    let secret = draft(
        &app,
        "cite-metiers",
        &key_a,
        json!({
            "kind": "job-fair",
            "titleFr": "Brouillon secret",
            "startsAt": "2026-03-20T09:00",
            "endsAt": "2026-03-20T12:00",
            "commune": "Orléans",
            "department": "45",
            "freeTags": ["Numérique"]
        }),
    )
    .await;
    World {
        app,
        key_a,
        key_b,
        fair,
        open_day,
        session,
        secret,
    }
}

#[tokio::test]
async fn the_listing_filters_and_never_shows_drafts() {
    let w = world().await;
    let app = &w.app;
    let all = vec![w.fair.clone(), w.open_day.clone(), w.session.clone()];
    // Soonest first; the draft nowhere.
    assert_eq!(ids(app, "").await, all);
    assert_eq!(ids(app, "q=numerique").await, vec![w.fair.clone()]);
    assert_eq!(ids(app, "q=Numérique%20salon").await, vec![w.fair.clone()]);
    assert_eq!(ids(app, "q=brouillon").await, Vec::<String>::new());
    assert_eq!(ids(app, "kind=open-day").await, vec![w.open_day.clone()]);
    assert_eq!(ids(app, "department=45").await, vec![w.fair.clone()]);
    assert_eq!(ids(app, "department=37").await, vec![w.session.clone()]);
    assert_eq!(ids(app, "org=cite-metiers").await, vec![w.fair.clone()]);
    assert_eq!(
        ids(app, "org=lycee-pro").await,
        vec![w.open_day.clone(), w.session.clone()]
    );
    assert_eq!(
        ids(app, "tag=free:Num%C3%A9rique").await,
        vec![w.fair.clone()]
    );
    assert_eq!(
        ids(app, "tag=free:alternance").await,
        vec![w.session.clone()]
    );
    assert_eq!(
        ids(app, "online=true").await,
        vec![w.open_day.clone(), w.session.clone()]
    );
    assert_eq!(
        ids(app, "from=2026-04-01").await,
        vec![w.open_day.clone(), w.session.clone()]
    );
    assert_eq!(
        ids(app, "to=02/04/2026").await,
        vec![w.fair.clone(), w.open_day.clone()]
    );
    assert_eq!(
        ids(app, "from=2026-04-02&to=2026-04-02").await,
        vec![w.open_day.clone()]
    );
    // Pages.
    let res = app.get("/events?perPage=2&page=2", None).await;
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["total"], 3);
    assert_eq!(v["pages"], 2);
    assert_eq!(v["items"].as_array().unwrap().len(), 1);
    assert_eq!(v["items"][0]["id"], w.session.as_str());
    // Filters that are not acceptable: the field is named.
    for (query, field) in [
        ("department=99", "department"),
        ("kind=party", "kind"),
        ("org=nobody-here", "org"),
        ("tag=nocolon", "tag"),
        ("from=31/02/2026", "from"),
        ("from=2026-05-01&to=2026-04-01", "to"),
        ("page=0", "page"),
    ] {
        let p = assert_problem(app.get(&format!("/events?{query}"), None).await, 422).await;
        assert_eq!(p["field"], field, "{query}: {p}");
    }
    assert_problem(app.get("/events?colour=red", None).await, 400).await;

    // What an event says.
    let res = app.get(&format!("/events/{}?lang=en", w.fair), None).await;
    assert_eq!(res.status(), 200);
    let e: Value = res.json().await.unwrap();
    assert_eq!(e["title"], "Digital job fair");
    assert_eq!(e["titleFr"], "Salon de l'emploi numérique");
    assert_eq!(e["titleEn"], "Digital job fair");
    // Only French: the French one, said so.
    assert_eq!(e["description"], "Cinquante employeurs recrutent.");
    assert_eq!(e["descriptionLang"], "fr");
    // Winter: Paris is UTC+1.
    assert_eq!(e["startsAt"], "2026-03-15T13:00:00Z");
    assert_eq!(e["startsLocal"], "2026-03-15T14:00");
    assert_eq!(e["endsLocal"], "2026-03-15T17:30");
    assert_eq!(e["timeZone"], "Europe/Paris");
    assert_eq!(e["when"], "Sunday 15 March 2026, 14:00–17:30");
    assert_eq!(e["kindLabel"], "Job fair");
    assert_eq!(e["audienceLabel"], "Job seekers");
    assert_eq!(e["place"]["commune"], "Orléans");
    assert_eq!(e["place"]["departmentName"], "Loiret");
    assert_eq!(e["online"], false);
    assert_eq!(e["organiser"]["slug"], "cite-metiers");
    assert_eq!(e["organiser"]["name"], "Organisation cite-metiers");
    assert_eq!(e["tags"][0]["tag"], "free:numerique");
    assert_eq!(e["tags"][0]["label"], "Numérique");
    assert_eq!(e["registration"]["mode"], "atout");
    assert_eq!(e["registration"]["capacity"], 50);
    assert_eq!(e["registration"]["placesLeft"], 50);
    assert_eq!(e["registration"]["open"], true);
    assert_eq!(e["icsUrl"], app.url(&format!("/events/{}/ics", w.fair)));
    let fr: Value = app
        .get(&format!("/events/{}", w.fair), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(fr["title"], "Salon de l'emploi numérique");
    assert_eq!(fr["when"], "dimanche 15 mars 2026, 14:00 – 17:30");
    // The listing names what it was asked for.
    let v: Value = app
        .get(
            "/events?org=cite-metiers&department=45&tag=free:numerique&lang=fr",
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["organiser"]["name"], "Organisme cite-metiers");
    assert_eq!(v["department"]["name"], "Loiret");
    assert_eq!(v["tag"]["label"], "Numérique");

    // A draft: nowhere.
    assert_problem(app.get(&format!("/events/{}", w.secret), None).await, 404).await;
    assert_problem(
        app.get(&format!("/events/{}/ics", w.secret), None).await,
        404,
    )
    .await;
    for feed in [
        "/feeds/orgs/cite-metiers/events.atom",
        "/feeds/departments/45/events.atom",
        "/feeds/tags/free:numerique/events.atom",
    ] {
        let res = app.get(feed, None).await;
        assert_eq!(res.status(), 200, "{feed}");
        let body = res.text().await.unwrap();
        assert!(!body.contains("Brouillon"), "{feed}: {body}");
        assert!(!body.contains(&w.secret), "{feed}");
    }
    let page = Visitor::new(app).get("/evenements?q=brouillon").await;
    assert!(!page.has("Brouillon secret"));
    assert_eq!(
        Visitor::new(app)
            .get(&format!("/evenements/{}", w.secret))
            .await
            .status,
        404
    );

    // Once over, an event leaves the listing but keeps its page.
    app.clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-03-15T17:00:00Z")
            .unwrap()
            .into(),
    );
    assert_eq!(
        ids(app, "").await,
        vec![w.open_day.clone(), w.session.clone()]
    );
    let e: Value = app
        .get(&format!("/events/{}", w.fair), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(e["past"], true);
    assert_eq!(e["registration"]["open"], false);
    w.app.stop().await;
}

/// The lines of an iCalendar text, each checked: CRLF ends, at most 75
/// octets (RFC 5545 §3.1).
fn ical_lines(ics: &str) -> Vec<&str> {
    assert!(ics.ends_with("\r\n"), "{ics:?}");
    assert!(
        !ics.replace("\r\n", "").contains(['\r', '\n']),
        "a bare line break: {ics:?}"
    );
    let lines: Vec<&str> = ics.trim_end_matches("\r\n").split("\r\n").collect();
    for l in &lines {
        assert!(l.len() <= 75, "{} octets: {l:?}", l.len());
    }
    lines
}

async fn get_ics(app: &TestApp, path: &str) -> (reqwest::header::HeaderMap, String) {
    let res = app.get(path, None).await;
    assert_eq!(res.status(), 200, "{path}");
    let headers = res.headers().clone();
    assert_eq!(
        headers["content-type"].to_str().unwrap(),
        "text/calendar; charset=utf-8"
    );
    (headers, res.text().await.unwrap())
}

#[tokio::test]
async fn each_event_as_icalendar_read_back_by_ical_js() {
    let app = TestApp::spawn().await;
    let key = org(&app, "cite-metiers").await;
    let description = hostile_description();
    let id = published(
        &app,
        "cite-metiers",
        &key,
        json!({
            "kind": "job-fair",
            "titleFr": HOSTILE_TITLE,
            "titleEn": "Job fair, \"digital\"; all welcome",
            "descriptionFr": description,
            // Summer: Paris is UTC+2.
            "startsAt": "2026-06-20T09:30",
            "endsAt": "2026-06-20T18:00",
            "address": "12, rue des Halles; bâtiment B",
            "commune": "Orléans",
            "department": "45",
            "onlineUrl": "https://visio.example.org/salon?a=1&b=2",
            "registration": "atout",
            "capacity": 3,
            "freeTags": ["Numérique, web", "Alternance; BTS"]
        }),
    )
    .await;
    let (headers, ics) = get_ics(&app, &format!("/events/{id}/ics")).await;
    let lines = ical_lines(&ics);
    // The long description had to be folded.
    assert!(lines.iter().any(|l| l.starts_with(' ')), "{ics}");
    assert!(headers.contains_key("last-modified"));
    let etag = headers["etag"].to_str().unwrap().to_owned();
    assert!(headers["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"event-"));
    // The same bytes again: 304.
    let res = app
        .client
        .get(app.url(&format!("/events/{id}/ics")))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304);
    assert_eq!(res.headers()["etag"].to_str().unwrap(), etag);

    let parsed = node(&["ical-check.mjs"], json!({ "ics": ics })).await;
    assert_eq!(parsed["version"], "2.0", "{parsed}");
    assert_eq!(parsed["method"], "PUBLISH");
    let events = parsed["events"].as_array().unwrap();
    assert_eq!(events.len(), 1);
    let ev = &events[0];
    let host = app.addr.ip().to_string();
    assert_eq!(ev["uid"], format!("{id}@{host}"));
    assert_eq!(ev["summary"], HOSTILE_TITLE);
    assert_eq!(ev["summaryLanguage"], "fr");
    let text = ev["description"].as_str().unwrap();
    assert!(
        text.starts_with(&description.replace("\r\n", "\n")),
        "{text:?}"
    );
    assert!(text.contains("https://visio.example.org/salon?a=1&b=2"));
    assert!(text.contains(&app.url(&format!("/evenements/{id}?lang=fr"))));
    assert_eq!(
        ev["location"],
        "12, rue des Halles; bâtiment B, Orléans (45), en ligne : https://visio.example.org/salon?a=1&b=2"
    );
    assert_eq!(ev["url"], app.url(&format!("/evenements/{id}?lang=fr")));
    assert_eq!(ev["status"], "CONFIRMED");
    assert_eq!(ev["sequence"], 0);
    assert_eq!(
        ev["start"],
        json!({"utc": true, "iso": "2026-06-20T07:30:00.000Z"})
    );
    assert_eq!(
        ev["end"],
        json!({"utc": true, "iso": "2026-06-20T16:00:00.000Z"})
    );
    assert_eq!(ev["dtstamp"]["utc"], true);
    assert_eq!(
        ev["categories"],
        json!(["Salon de l’emploi", "Alternance; BTS", "Numérique, web"])
    );
    assert_eq!(ev["organizer"], app.url("/organisations/cite-metiers"));
    assert_eq!(ev["organizerCn"], "Organisme cite-metiers");
    // In English.
    let (_, ics_en) = get_ics(&app, &format!("/events/{id}/ics?lang=en")).await;
    ical_lines(&ics_en);
    let en = node(&["ical-check.mjs"], json!({ "ics": ics_en })).await;
    assert_eq!(
        en["events"][0]["summary"],
        "Job fair, \"digital\"; all welcome"
    );
    assert_eq!(en["events"][0]["summaryLanguage"], "en");
    assert_eq!(en["events"][0]["uid"], format!("{id}@{host}"));
    assert_eq!(en["events"][0]["organizerCn"], "Organisation cite-metiers");
    // Only a French description: given in French.
    assert!(en["events"][0]["description"]
        .as_str()
        .unwrap()
        .starts_with("Première ligne"));

    // A change once published raises SEQUENCE; the UID stays.
    app.clock.advance(chrono::Duration::hours(1));
    let res = app
        .client
        .put(app.url(&format!("/orgs/cite-metiers/events/{id}")))
        .bearer_auth(&key)
        .json(&json!({
            "kind": "job-fair",
            "titleFr": HOSTILE_TITLE,
            "descriptionFr": description,
            "startsAt": "2026-06-20T10:00",
            "endsAt": "2026-06-20T18:00",
            "commune": "Orléans",
            "department": "45",
            "registration": "atout",
            "capacity": 3
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let (headers2, ics2) = get_ics(&app, &format!("/events/{id}/ics")).await;
    assert_ne!(headers2["etag"], etag);
    let changed = node(&["ical-check.mjs"], json!({ "ics": ics2 })).await;
    let changed = &changed["events"][0];
    assert_eq!(changed["uid"], format!("{id}@{host}"));
    assert_eq!(changed["sequence"], 1);
    assert_eq!(changed["start"]["iso"], "2026-06-20T08:00:00.000Z");

    // Cancelled: STATUS:CANCELLED, SEQUENCE raised again, the reason said.
    app.clock.advance(chrono::Duration::hours(1));
    cancel(
        &app,
        "cite-metiers",
        &key,
        &id,
        "Salle indisponible; désolés, vraiment",
    )
    .await;
    let (_, ics3) = get_ics(&app, &format!("/events/{id}/ics")).await;
    ical_lines(&ics3);
    assert!(ics3.contains("\r\nSTATUS:CANCELLED\r\n"), "{ics3}");
    let gone = node(&["ical-check.mjs"], json!({ "ics": ics3 })).await;
    let gone = &gone["events"][0];
    assert_eq!(gone["status"], "CANCELLED");
    assert_eq!(gone["uid"], format!("{id}@{host}"));
    assert!(gone["sequence"].as_i64().unwrap() > 1, "{gone}");
    assert!(gone["description"]
        .as_str()
        .unwrap()
        .starts_with("ANNULÉ. Salle indisponible; désolés, vraiment"));
    assert!(
        gone["dtstamp"]["iso"].as_str().unwrap() > changed["dtstamp"]["iso"].as_str().unwrap(),
        "{gone} {changed}"
    );
    // A cancelled event still shows, saying so.
    let e: Value = app
        .get(&format!("/events/{id}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(e["status"], "cancelled");
    assert_eq!(e["cancelReason"], "Salle indisponible; désolés, vraiment");
    assert_eq!(e["registration"]["open"], false);
    assert_problem(app.get("/events/nothing-here/ics", None).await, 404).await;
    app.stop().await;
}

/// Reads an Atom feed back with feed-rs.
async fn atom(
    app: &TestApp,
    path: &str,
) -> (reqwest::header::HeaderMap, String, feed_rs::model::Feed) {
    let res = app.get(path, None).await;
    assert_eq!(res.status(), 200, "{path}");
    let headers = res.headers().clone();
    assert_eq!(
        headers["content-type"].to_str().unwrap(),
        "application/atom+xml; charset=utf-8"
    );
    let body = res.text().await.unwrap();
    let feed =
        feed_rs::parser::parse(body.as_bytes()).unwrap_or_else(|e| panic!("{path}: {e}\n{body}"));
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    (headers, body, feed)
}

#[tokio::test]
async fn atom_feeds_per_organisation_department_and_tag() {
    let app = TestApp::spawn().await;
    let key = org(&app, "cite-metiers").await;
    let other = org(&app, "lycee-pro").await;
    let description = hostile_description();
    let hostile = published(
        &app,
        "cite-metiers",
        &key,
        json!({
            "kind": "recruitment",
            "titleFr": HOSTILE_TITLE,
            "titleEn": "Hiring day",
            "descriptionFr": description,
            "startsAt": "2026-03-15T14:00",
            "endsAt": "2026-03-15T17:00",
            "commune": "Orléans",
            "department": "45",
            "freeTags": ["Numérique"]
        }),
    )
    .await;
    let later = published(
        &app,
        "cite-metiers",
        &key,
        json!({
            "kind": "workshop",
            "titleFr": "Atelier CV",
            "startsAt": "2026-04-15T14:00",
            "endsAt": "2026-04-15T16:00",
            "onlineUrl": "https://visio.example.org/cv"
        }),
    )
    .await;
    let elsewhere = published(
        &app,
        "lycee-pro",
        &other,
        json!({
            "kind": "open-day",
            "titleFr": "Portes ouvertes",
            "startsAt": "2026-03-20T09:00",
            "endsAt": "2026-03-20T12:00",
            "commune": "Orléans",
            "department": "45",
            "freeTags": ["numerique"]
        }),
    )
    .await;

    // The organisation's feed.
    let path = "/feeds/orgs/cite-metiers/events.atom";
    let (headers, body, feed) = atom(&app, path).await;
    assert!(body.starts_with("<?xml"), "{body}");
    // Markup of the events is text, never elements.
    assert!(!body.contains("<script>"), "{body}");
    assert!(!body.contains("<b>"), "{body}");
    assert_eq!(feed.id, app.url(path));
    assert_eq!(
        feed.title.as_ref().unwrap().content,
        "Événements de Organisme cite-metiers"
    );
    assert!(feed.updated.is_some());
    assert!(feed
        .links
        .iter()
        .any(|l| l.rel.as_deref() == Some("self") && l.href == app.url(path)));
    assert!(feed
        .links
        .iter()
        .any(|l| l.rel.as_deref() == Some("alternate")
            && l.href == app.url("/evenements/organisations/cite-metiers?lang=fr")));
    let ids: Vec<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        vec![
            format!("urn:uuid:{hostile}").as_str(),
            format!("urn:uuid:{later}").as_str()
        ]
    );
    let entry = &feed.entries[0];
    assert_eq!(entry.title.as_ref().unwrap().content, HOSTILE_TITLE);
    assert!(entry.updated.is_some());
    assert!(entry.published.is_some());
    let content = entry.content.as_ref().unwrap().body.as_deref().unwrap();
    assert_eq!(content, description.replace("\r\n", "\n"));
    let summary = &entry.summary.as_ref().unwrap().content;
    assert_eq!(
        summary,
        "dimanche 15 mars 2026, 14:00 – 17:00 (heure de Paris) · Orléans (45)"
    );
    assert!(entry
        .links
        .iter()
        .any(|l| l.href == app.url(&format!("/evenements/{hostile}?lang=fr"))));
    assert_eq!(
        entry.authors[0].name.as_deref(),
        Some("Organisme cite-metiers")
    );
    assert_eq!(entry.categories[0].term, "free:numerique");
    assert_eq!(entry.categories[0].label.as_deref(), Some("Numérique"));
    // Cache validators.
    assert!(headers.contains_key("last-modified"));
    let etag = headers["etag"].to_str().unwrap().to_owned();
    let res = app
        .client
        .get(app.url(path))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304);
    // In English.
    let (_, body_en, feed_en) = atom(&app, &format!("{path}?lang=en")).await;
    assert!(body_en.contains("xml:lang=\"en\""));
    assert_eq!(feed_en.id, app.url(&format!("{path}?lang=en")));
    assert_eq!(
        feed_en.entries[0].title.as_ref().unwrap().content,
        "Hiring day"
    );
    assert_eq!(
        feed_en.entries[0].authors[0].name.as_deref(),
        Some("Organisation cite-metiers")
    );

    // The département's: both organisations' events there, not the online
    // one.
    let (_, _, feed) = atom(&app, "/feeds/departments/45/events.atom").await;
    let ids: Vec<String> = feed.entries.iter().map(|e| e.id.clone()).collect();
    assert_eq!(
        ids,
        vec![
            format!("urn:uuid:{hostile}"),
            format!("urn:uuid:{elsewhere}")
        ]
    );
    assert_eq!(
        feed.title.as_ref().unwrap().content,
        "Événements – Loiret (45)"
    );
    // A tag's, however it is spelled.
    for tag in ["free:numerique", "free:Num%C3%A9rique", "FREE:NUMERIQUE"] {
        let (_, _, feed) = atom(&app, &format!("/feeds/tags/{tag}/events.atom")).await;
        assert_eq!(feed.entries.len(), 2, "{tag}");
        assert_eq!(
            feed.title.as_ref().unwrap().content,
            "Événements : Numérique"
        );
    }
    // Unknown ones: problems.
    for path in [
        "/feeds/orgs/nobody-here/events.atom",
        "/feeds/departments/99/events.atom",
        "/feeds/departments/abc/events.atom",
        "/feeds/tags/free:never-used/events.atom",
        "/feeds/tags/nocolon/events.atom",
        "/feeds/tags/rome:Z9999/events.atom",
    ] {
        assert_problem(app.get(path, None).await, 404).await;
    }

    // A cancellation updates the entry, which says so.
    app.clock.advance(chrono::Duration::hours(2));
    cancel(
        &app,
        "cite-metiers",
        &key,
        &hostile,
        "Grève & <intempéries>",
    )
    .await;
    let (headers2, _, feed) = atom(&app, path).await;
    assert_ne!(headers2["etag"].to_str().unwrap(), etag);
    let entry = &feed.entries[0];
    assert_eq!(
        entry.title.as_ref().unwrap().content,
        format!("Annulé : {HOSTILE_TITLE}")
    );
    assert!(entry
        .content
        .as_ref()
        .unwrap()
        .body
        .as_deref()
        .unwrap()
        .starts_with("ANNULÉ. Grève & <intempéries>"));
    assert_eq!(feed.updated, entry.updated);
    app.stop().await;
}

#[tokio::test]
async fn a_framework_code_tag_has_its_feed_and_its_listing() {
    let app = TestApp::spawn().await;
    let rome = "code_rome,libelle_rome\nM1805,Études et développement informatique\nK2111,Formation professionnelle\n";
    let (status, body) = crate::careers::import_file(
        &app,
        "format=rome&version=2025-09&publishedOn=2025-09-01&filename=referentiel_code_rome.csv",
        rome.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let key = org(&app, "cite-metiers").await;
    let id = published(
        &app,
        "cite-metiers",
        &key,
        json!({
            "kind": "job-fair",
            "titleFr": "Salon des métiers du numérique",
            "startsAt": "2026-03-15T14:00",
            "endsAt": "2026-03-15T17:00",
            "commune": "Orléans",
            "department": "45",
            "codes": [{"framework": "ROME", "code": "M1805"}]
        }),
    )
    .await;
    assert_eq!(ids(&app, "tag=rome:M1805").await, vec![id.clone()]);
    assert_eq!(ids(&app, "tag=ROME:m1805").await, vec![id.clone()]);
    let e: Value = app
        .get(&format!("/events/{id}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(e["tags"][0]["tag"], "rome:M1805");
    assert_eq!(e["tags"][0]["framework"], "ROME");
    assert_eq!(
        e["tags"][0]["label"],
        "Études et développement informatique"
    );
    let (_, _, feed) = atom(&app, "/feeds/tags/rome:M1805/events.atom").await;
    assert_eq!(feed.entries.len(), 1);
    assert_eq!(
        feed.title.as_ref().unwrap().content,
        "Événements : Études et développement informatique"
    );
    // A code the frameworks know but no event has: an empty feed, there to
    // subscribe to.
    let (_, _, feed) = atom(&app, "/feeds/tags/rome:K2111/events.atom").await;
    assert!(feed.entries.is_empty());
    assert!(feed.updated.is_some());
    app.stop().await;
}

#[tokio::test]
async fn the_pages_in_french_and_english_escape_hostile_text() {
    let w = world().await;
    let app = &w.app;
    let hostile = published(
        app,
        "cite-metiers",
        &w.key_a,
        json!({
            "kind": "workshop",
            "titleFr": HOSTILE_TITLE,
            "descriptionFr": hostile_description(),
            "startsAt": "2026-03-16T09:00",
            "endsAt": "2026-03-17T17:00",
            "address": "<img src=x onerror=alert(1)>",
            "commune": "Orléans",
            "department": "45",
            "registration": "atout",
            "capacity": 1
        }),
    )
    .await;
    cancel(
        app,
        "lycee-pro",
        &w.key_b,
        &w.session,
        "Formateur <b>absent</b>",
    )
    .await;

    // The listing in both languages.
    let mut v = Visitor::new(app);
    let page = v.get("/evenements").await;
    assert_eq!(page.status, 200);
    page.expect("<h1>Événements</h1>")
        .expect("Salon de l&#39;emploi numérique")
        .expect("dimanche 15 mars 2026, 14:00 – 17:30")
        .expect("Orléans (45)")
        .expect("<span class=\"badge badge-neutral\">En ligne</span>")
        .expect("Annulé")
        .expect(&format!("href=\"/evenements/{}\"", w.fair))
        .expect("href=\"/evenements/organisations/cite-metiers\"")
        .expect("href=\"/evenements?tag=free%3Anumerique\"")
        .expect("Numérique")
        .expect("4 événements");
    assert!(!page.has("<script>alert"), "{}", page.body);
    assert!(page.has("&#60;script&#62;"));
    v.lang = "en";
    let page = v.get("/evenements").await;
    page.expect("<h1>Events</h1>")
        .expect("Digital job fair")
        .expect("Sunday 15 March 2026, 14:00–17:30")
        .expect("Cancelled")
        .expect("4 events");
    assert!(!page.has("<script>alert"));
    v.lang = "fr";

    // Filters through the form.
    let page = v.get("/evenements?kind=open-day").await;
    page.expect("1 événement")
        .expect("Portes ouvertes en ligne");
    assert!(!page.has("Salon de l&#39;emploi"));
    let page = v.get("/evenements?online=1").await;
    page.expect("2 événements");
    let page = v.get("/evenements?department=37").await;
    page.expect("Réunion d&#39;information BTS");
    page.expect("href=\"/feeds/departments/37/events.atom?lang=fr\"");
    let page = v.get("/evenements?org=lycee-pro&q=portes").await;
    page.expect("1 événement");
    let page = v.get("/evenements?from=2026-04-01&to=2026-04-30").await;
    page.expect("1 événement")
        .expect("Portes ouvertes en ligne");
    let page = v.get("/evenements?tag=free:numerique").await;
    page.expect("Événements sur le thème « Numérique ».");
    let page = v.get("/evenements?from=2026-05-01&to=2026-04-01").await;
    assert_eq!(page.status, 422);
    page.expect("La fin de la période doit venir après son début.");
    // Pages of 20.
    let page = v.get("/evenements?page=2").await;
    page.expect("Cette page va au-delà des résultats");

    // An organisation's and a département's listings, with their feeds.
    let page = v.get("/evenements/organisations/cite-metiers").await;
    assert_eq!(page.status, 200);
    page.expect("Événements de Organisme cite-metiers")
        .expect("href=\"/feeds/orgs/cite-metiers/events.atom?lang=fr\"");
    let link_header = page.headers["link"].to_str().unwrap();
    assert!(
        link_header.starts_with("</feeds/orgs/cite-metiers/events.atom?lang=fr>; rel=\"alternate\"; type=\"application/atom+xml\""),
        "{link_header}"
    );
    assert!(!page.has("Portes ouvertes en ligne"));
    let page = v.get("/evenements/departements/45").await;
    page.expect("Événements – Loiret (45)")
        .expect("href=\"/feeds/departments/45/events.atom?lang=fr\"")
        .expect("Salon de l&#39;emploi numérique");
    assert!(!page.has("Réunion d&#39;information BTS"));
    v.lang = "en";
    let page = v.get("/evenements/departements/45").await;
    page.expect("Events – Loiret (45)");
    v.lang = "fr";
    assert_eq!(
        v.get("/evenements/organisations/nobody-here").await.status,
        404
    );
    assert_eq!(v.get("/evenements/departements/99").await.status, 404);
    assert_eq!(v.get("/evenements/nothing-here").await.status, 404);

    // One event, for a visitor.
    let page = v.get(&format!("/evenements/{hostile}")).await;
    assert_eq!(page.status, 200);
    assert!(!page.has("<script>alert"));
    assert!(!page.has("<img src=x"));
    assert!(!page.has("<b>gras</b>"));
    page.expect("&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; Salon &#38; Co; a,b \\ c")
        .expect("&#60;img src=x onerror=alert(1)&#62;")
        .expect("Première ligne &#60;b&#62;gras&#60;/b&#62; &#38; &#34;guillemets&#34;<br>Deuxième ligne; avec, virgules")
        .expect("du lundi 16 mars 2026, 09:00 au mardi 17 mars 2026, 17:00")
        .expect(&format!("href=\"/events/{hostile}/ics?lang=fr\""))
        .expect("Ajouter à mon calendrier")
        .expect(&format!(
            "href=\"/login?next=%2Fevenements%2F{hostile}\""
        ))
        .expect("Encore 1 place")
        .expect("href=\"/feeds/orgs/cite-metiers/events.atom?lang=fr\"")
        .expect("href=\"/feeds/departments/45/events.atom?lang=fr\"");
    assert!(!page.has("/me/events/"));
    // A cancelled one says so, with its reason, escaped.
    let page = v.get(&format!("/evenements/{}", w.session)).await;
    page.expect("Cet événement est annulé.")
        .expect("Formateur &#60;b&#62;absent&#60;/b&#62;")
        .expect("les inscriptions sont closes");
    // External registration: the organiser's link.
    let page = v.get(&format!("/evenements/{}", w.open_day)).await;
    page.expect("href=\"https://lycee.example.org/inscription\"")
        .expect("href=\"https://visio.example.org/portes-ouvertes\"");
    v.lang = "en";
    let page = v.get(&format!("/evenements/{}", w.fair)).await;
    page.expect("Digital job fair")
        .expect("Add to my calendar")
        .expect("Log in to register")
        .expect(&format!("href=\"/events/{}/ics?lang=en\"", w.fair));
    v.lang = "fr";

    // A logged-in citizen registers and stars from the page.
    let mut citizen = Visitor::new(app);
    citizen.sign_up("lea@example.org", "Léa").await;
    let page = citizen.get(&format!("/evenements/{}", w.fair)).await;
    page.expect(&format!("action=\"/me/events/{}/register\"", w.fair))
        .expect(&format!("action=\"/me/events/{}/star\"", w.fair))
        .expect(&format!("name=\"next\" value=\"/evenements/{}\"", w.fair));
    let here = format!("/evenements/{}", w.fair);
    let done = citizen
        .post(
            &format!("/me/events/{}/register", w.fair),
            &[("next", here.as_str())],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let back = done.location().unwrap().to_owned();
    assert!(back.starts_with(&here), "{back}");
    let page = citizen.get(&back).await;
    page.expect("Vous êtes inscrit·e")
        .expect(&format!("action=\"/me/events/{}/unregister\"", w.fair))
        .expect("Encore 49 places");
    citizen
        .post(
            &format!("/me/events/{}/star", w.fair),
            &[("next", here.as_str())],
        )
        .await;
    let page = citizen.get(&here).await;
    page.expect("Événement gardé")
        .expect(&format!("action=\"/me/events/{}/unstar\"", w.fair));
    // Full: no form to register.
    let mut other = Visitor::new(app);
    other.sign_up("sam@example.org", "Sam").await;
    let page = citizen.get(&format!("/evenements/{hostile}")).await;
    let here2 = format!("/evenements/{hostile}");
    citizen
        .post(
            &format!("/me/events/{hostile}/register"),
            &[("next", here2.as_str())],
        )
        .await;
    let _ = page;
    let page = other.get(&here2).await;
    page.expect("Complet");
    assert!(!page.has(&format!("action=\"/me/events/{hostile}/register\"")));
    w.app.stop().await;
}

#[tokio::test]
async fn the_listings_announce_their_feed_in_the_head() {
    let app = TestApp::spawn().await;
    org(&app, "cite-metiers").await;
    let mut v = Visitor::new(&app);
    for (path, feed) in [
        (
            "/evenements/organisations/cite-metiers",
            "/feeds/orgs/cite-metiers/events.atom?lang=fr",
        ),
        (
            "/evenements/departements/45",
            "/feeds/departments/45/events.atom?lang=fr",
        ),
        (
            "/evenements?department=37",
            "/feeds/departments/37/events.atom?lang=fr",
        ),
    ] {
        let page = v.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        let head = &page.body[..page.body.find("</head>").unwrap()];
        assert!(
            head.contains(&format!(
                "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"{feed}\""
            )),
            "{path}: {head}"
        );
        // The same in the headers (RFC 8288).
        let header = page.headers["link"].to_str().unwrap();
        assert!(
            header.starts_with(&format!(
                "<{feed}>; rel=\"alternate\"; type=\"application/atom+xml\""
            )),
            "{path}: {header}"
        );
    }
    // The whole listing has none.
    let page = v.get("/evenements").await;
    assert!(!page.headers.contains_key("link"));
    assert!(!page.has("application/atom+xml"));
    app.stop().await;
}

#[test]
fn every_message_the_event_pages_ask_for_exists_in_both_languages() {
    use atout_web::i18n::Lang;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut texts = Vec::new();
    for f in std::fs::read_dir(root.join("portal/templates/events")).unwrap() {
        texts.push(std::fs::read_to_string(f.unwrap().path()).unwrap());
    }
    for f in [
        "portal/src/events_page.rs",
        "news/src/public.rs",
        "news/src/ical.rs",
        "news/src/atom.rs",
    ] {
        texts.push(std::fs::read_to_string(root.join(f)).unwrap());
    }
    let mut keys = std::collections::BTreeSet::new();
    for text in &texts {
        for (at, _) in text.match_indices("\"agenda-") {
            let key: String = text[at + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            if !key.ends_with('-') {
                keys.insert(key);
            }
        }
    }
    // Keys built from a value.
    for kind in [
        "job-fair",
        "open-day",
        "info-session",
        "training-session",
        "recruitment",
        "workshop",
        "other",
    ] {
        keys.insert(format!("agenda-kind-{kind}"));
    }
    for audience in [
        "all",
        "job-seekers",
        "students",
        "young",
        "employees",
        "employers",
    ] {
        keys.insert(format!("agenda-audience-{audience}"));
    }
    assert!(keys.len() > 80, "{keys:?}");
    for lang in [Lang::Fr, Lang::En] {
        for key in &keys {
            assert!(lang.tr().has(key), "{key} is missing in {lang:?}");
        }
    }
}
