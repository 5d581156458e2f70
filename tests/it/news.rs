//! Each citizen's news feed (issue 19), over real HTTP on both databases:
//! ranking by the path (plan targets, skills, entries), followed
//! organisations and tags, the département, each with why; the filters;
//! registration against a capacity under a hundred simultaneous requests;
//! stars; the secret, revocable calendar feed (iCalendar); reminders taken
//! once; the weekly digest computed once per week; bad input.

use crate::careers::{load_reference, reference_data};
use crate::common::*;
use crate::status_reclaim::RawDb;
use atout_core::store::{code_tag, free_tag, EventRecord, EventTag};
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

/// A ROME code of the shipped data: "Études et développement informatique".
const ICT: &str = "M1805";
/// Another ROME code of the same domain (M18): "Production et exploitation de
/// systèmes d'information".
const ICT_NEAR: &str = "M1810";
/// A ROME code far from it: "Boulangerie - viennoiserie".
const BAKER: &str = "D1102";

pub struct Ev<'a> {
    pub org: Option<&'a str>,
    pub title: &'a str,
    pub kind: &'a str,
    pub department: Option<&'a str>,
    pub online: bool,
    pub days: i64,
    pub codes: &'a [&'a str],
    pub free: &'a [&'a str],
    pub status: &'a str,
    pub registration: &'a str,
    pub capacity: Option<i64>,
}

impl Default for Ev<'_> {
    fn default() -> Self {
        Self {
            org: None,
            title: "Événement",
            kind: "info-session",
            department: None,
            online: false,
            days: 10,
            codes: &[],
            free: &[],
            status: "published",
            registration: "none",
            capacity: None,
        }
    }
}

/// Writes an event through the store (the organisation's API is tested on
/// its own); returns its id.
pub async fn event(app: &TestApp, e: Ev<'_>) -> String {
    let now: DateTime<Utc> = app.state.clock.now();
    let id = atout_core::ids::new_id();
    let record = EventRecord {
        id: id.clone(),
        org_id: e.org.map(str::to_owned),
        kind: e.kind.into(),
        title_fr: Some(e.title.into()),
        title_en: Some(format!("{} (en)", e.title)),
        description_fr: Some(format!("Description de {}", e.title)),
        description_en: None,
        starts_at: now + Duration::days(e.days),
        ends_at: now + Duration::days(e.days) + Duration::hours(3),
        online_url: e
            .online
            .then(|| "https://visio.example.org/salle".to_owned()),
        address: e.department.map(|_| "1 rue de la République".to_owned()),
        commune: e.department.map(|_| "Orléans".to_owned()),
        department: e.department.map(str::to_owned),
        audience: "all".into(),
        capacity: e.capacity,
        registration: e.registration.into(),
        registration_url: None,
        status: e.status.into(),
        cancel_reason: None,
        sequence: 0,
        search_folded: e.title.to_lowercase(),
        created_by: None,
        created_at: now,
        updated_at: now,
        published_at: (e.status != "draft").then_some(now),
        cancelled_at: None,
    };
    let mut tags: Vec<EventTag> = e
        .codes
        .iter()
        .map(|c| EventTag {
            event_id: id.clone(),
            tag: code_tag("ROME", c),
            framework: Some("ROME".into()),
            code: Some((*c).into()),
            version: None,
            label: format!("ROME {c}"),
        })
        .collect();
    tags.extend(e.free.iter().map(|t| EventTag {
        event_id: id.clone(),
        tag: free_tag(&atout_frameworks::normalize::fold(t)),
        framework: None,
        code: None,
        version: None,
        label: (*t).into(),
    }));
    app.store().create_event(&record, &tags).await.unwrap();
    id
}

async fn news(app: &TestApp, token: &str, query: &str) -> Value {
    let res = app.get(&format!("/wallet/news?{query}"), Some(token)).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

fn titles(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["event"]["title"].as_str().unwrap().to_owned())
        .collect()
}

fn reasons_of(page: &Value, title: &str) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["event"]["title"] == title)
        .unwrap_or_else(|| panic!("{title} not in the feed"))["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap().to_owned())
        .collect()
}

async fn put(app: &TestApp, path: &str, token: &str, body: Option<Value>) -> reqwest::Response {
    let mut req = app.client.put(app.url(path)).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn the_feed_ranks_by_path_place_and_follows_and_says_why() {
    let Some(data) = reference_data() else { return };
    let app = TestApp::spawn().await;
    load_reference(&app, &data).await;
    let org = app.create_org("cite-metiers").await;
    let org_id = org["id"].as_str().unwrap();
    let far_org = app.create_org("lycee-sud").await;
    let far_id = far_org["id"].as_str().unwrap();

    let token = app.sign_up("lea@example.org").await;
    // Unknown département, then Loiret.
    let res = put(
        &app,
        "/wallet/news/settings",
        &token,
        Some(json!({"department": "99"})),
    )
    .await;
    assert_eq!(assert_problem(res, 422).await["field"], "department");
    let res = put(
        &app,
        "/wallet/news/settings",
        &token,
        Some(json!({"department": "45"})),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<Value>().await.unwrap()["departmentName"],
        "Loiret"
    );
    let res = app
        .post_json(
            "/wallet/plans",
            Some(&token),
            &json!({"title": "Devenir développeuse", "targets": [{"framework": "ROME", "code": ICT}]}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());

    let fair = event(
        &app,
        Ev {
            org: Some(org_id),
            title: "Forum du numérique",
            kind: "job-fair",
            department: Some("45"),
            codes: &[ICT],
            registration: "atout",
            capacity: Some(50),
            days: 20,
            ..Ev::default()
        },
    )
    .await;
    event(
        &app,
        Ev {
            org: Some(far_id),
            title: "Salon lointain du numérique",
            department: Some("13"),
            codes: &[ICT],
            days: 5,
            ..Ev::default()
        },
    )
    .await;
    event(
        &app,
        Ev {
            org: Some(far_id),
            title: "Portes ouvertes à Orléans",
            kind: "open-day",
            department: Some("45"),
            days: 3,
            ..Ev::default()
        },
    )
    .await;
    event(
        &app,
        Ev {
            org: Some(far_id),
            title: "Atelier systèmes",
            department: Some("13"),
            codes: &[ICT_NEAR],
            days: 4,
            ..Ev::default()
        },
    )
    .await;
    event(
        &app,
        Ev {
            org: Some(far_id),
            title: "Boulangerie à Marseille",
            department: Some("13"),
            codes: &[BAKER],
            days: 2,
            ..Ev::default()
        },
    )
    .await;
    event(
        &app,
        Ev {
            title: "Webinaire régional",
            online: true,
            days: 6,
            ..Ev::default()
        },
    )
    .await;
    event(
        &app,
        Ev {
            org: Some(org_id),
            title: "Brouillon du numérique",
            department: Some("45"),
            codes: &[ICT],
            status: "draft",
            ..Ev::default()
        },
    )
    .await;
    event(
        &app,
        Ev {
            org: Some(org_id),
            title: "Passé du numérique",
            department: Some("45"),
            codes: &[ICT],
            days: -3,
            ..Ev::default()
        },
    )
    .await;
    event(
        &app,
        Ev {
            org: Some(far_id),
            title: "Tours en Indre-et-Loire",
            department: Some("37"),
            days: 1,
            ..Ev::default()
        },
    )
    .await;

    let page = news(&app, &token, "").await;
    let t = titles(&page);
    // The plan's target in the citizen's département first, with why.
    assert_eq!(t[0], "Forum du numérique", "{t:?}");
    assert_eq!(
        reasons_of(&page, "Forum du numérique")[..2],
        ["plan-target", "department"]
    );
    let first = &page["items"][0]["reasons"][0];
    assert_eq!(first["detail"], "Devenir développeuse");
    assert!(
        first["label"].as_str().unwrap().contains("informatique"),
        "{first}"
    );
    // The same target far away next, then the département, then the same
    // region; a near code (same ROME domain) above an unrelated event.
    assert_eq!(t[1], "Salon lointain du numérique", "{t:?}");
    assert_eq!(t[2], "Portes ouvertes à Orléans", "{t:?}");
    assert_eq!(reasons_of(&page, "Atelier systèmes"), ["near-plan-target"]);
    assert_eq!(reasons_of(&page, "Tours en Indre-et-Loire"), ["region"]);
    let pos = |x: &str| t.iter().position(|y| y == x).unwrap();
    assert!(
        pos("Atelier systèmes") < pos("Boulangerie à Marseille"),
        "{t:?}"
    );
    assert!(
        pos("Tours en Indre-et-Loire") < pos("Boulangerie à Marseille"),
        "{t:?}"
    );
    // Drafts and past events never.
    assert!(
        !t.iter()
            .any(|x| x.contains("Brouillon") || x.contains("Passé")),
        "{t:?}"
    );
    assert_eq!(page["total"], 7);

    // Filters: département, online, kind, days.
    let t = titles(&news(&app, &token, "where=department").await);
    assert_eq!(
        t,
        [
            "Forum du numérique",
            "Portes ouvertes à Orléans",
            "Webinaire régional"
        ]
    );
    let t = titles(&news(&app, &token, "where=department&online=exclude").await);
    assert_eq!(t, ["Forum du numérique", "Portes ouvertes à Orléans"]);
    let t = titles(&news(&app, &token, "online=only").await);
    assert_eq!(t, ["Webinaire régional"]);
    let t = titles(&news(&app, &token, "kind=job-fair").await);
    assert_eq!(t, ["Forum du numérique"]);
    let now = app.state.clock.now();
    let day = |d: i64| (now + Duration::days(d)).format("%Y-%m-%d").to_string();
    let t = titles(&news(&app, &token, &format!("from={}&to={}", day(4), day(6))).await);
    assert_eq!(t.len(), 3, "{t:?}");
    for (q, field) in [
        ("kind=party", "kind"),
        ("from=15/03/2027", "from"),
        ("where=moon", "where"),
        ("online=maybe", "online"),
    ] {
        let res = app.get(&format!("/wallet/news?{q}"), Some(&token)).await;
        assert_eq!(assert_problem(res, 422).await["field"], field, "{q}");
    }
    let res = app
        .get(
            &format!("/wallet/news?from={}&to={}", day(6), day(4)),
            Some(&token),
        )
        .await;
    assert_eq!(assert_problem(res, 422).await["field"], "to");

    // Following an organisation lifts its events; following a tag too.
    let res = app
        .post_json(
            "/wallet/follows",
            Some(&token),
            &json!({"organisation": "lycee-sud"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let page = news(&app, &token, "").await;
    assert!(reasons_of(&page, "Boulangerie à Marseille").contains(&"followed-org".to_owned()));
    let res = app
        .post_json(
            "/wallet/follows",
            Some(&token),
            &json!({"organisation": "lycee-sud"}),
        )
        .await;
    assert_eq!(res.status(), 200, "following twice is one follow");
    let res = app
        .post_json(
            "/wallet/follows",
            Some(&token),
            &json!({"framework": "ROME", "code": "Z9999"}),
        )
        .await;
    assert_eq!(assert_problem(res, 422).await["field"], "code");
    let res = app
        .post_json(
            "/wallet/follows",
            Some(&token),
            &json!({"tag": "Numérique\nresponsable"}),
        )
        .await;
    assert_eq!(assert_problem(res, 422).await["field"], "tag");
    let res = app
        .post_json(
            "/wallet/follows",
            Some(&token),
            &json!({"tag": "Numérique"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let tagged = event(
        &app,
        Ev {
            org: Some(far_id),
            title: "Café numérique",
            department: Some("13"),
            free: &["numerique"],
            days: 8,
            ..Ev::default()
        },
    )
    .await;
    let page = news(&app, &token, "").await;
    assert_eq!(
        reasons_of(&page, "Café numérique")[..2],
        ["followed-org", "followed-tag"]
    );
    let settings: Value = app
        .get("/wallet/news/settings", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        settings["follows"].as_array().unwrap().len(),
        2,
        "{settings}"
    );
    let target = format!("org:{far_id}");
    let res = app
        .delete(
            &format!("/wallet/follows?target={}", urlencode(&target)),
            Some(&token),
        )
        .await;
    assert_eq!(res.status(), 204);
    let page = news(&app, &token, "").await;
    assert!(!reasons_of(&page, "Boulangerie à Marseille").contains(&"followed-org".to_owned()));

    // Another citizen, with nothing: the upcoming events, soonest first.
    let other = app.sign_up("noe@example.org").await;
    let t = titles(&news(&app, &other, "").await);
    assert_eq!(t.len(), 8, "{t:?}");
    // Nobody: 401; an organisation's key: 403.
    assert_eq!(app.get("/wallet/news", None).await.status(), 401);
    let _ = (fair, tagged);
    app.stop().await;
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn registration_holds_its_capacity_under_a_hundred_simultaneous_requests() {
    let app = TestApp::spawn().await;
    let org = app.create_org("forum").await;
    let org_id = org["id"].as_str().unwrap();
    let id = event(
        &app,
        Ev {
            org: Some(org_id),
            title: "Cinq places",
            registration: "atout",
            capacity: Some(5),
            department: Some("45"),
            ..Ev::default()
        },
    )
    .await;
    let mut citizens = Vec::new();
    for i in 0..20 {
        citizens.push(app.sign_up(&format!("place{i}@example.org")).await);
    }
    let mut tasks = Vec::new();
    for round in 0..5 {
        for c in &citizens {
            let client = app.client.clone();
            let url = app.url(&format!("/wallet/events/{id}/registration"));
            let c = c.clone();
            tasks.push(tokio::spawn(async move {
                let _ = round;
                let res = client.put(url).bearer_auth(c).send().await.unwrap();
                let status = res.status().as_u16();
                let body: Value = res.json().await.unwrap_or(Value::Null);
                (status, body)
            }));
        }
    }
    assert_eq!(tasks.len(), 100);
    let mut ok = 0;
    let mut full = 0;
    for t in tasks {
        match t.await.unwrap() {
            (200, b) if b["registered"] == true => ok += 1,
            (409, b) if b["reason"] == "full" => full += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    // A citizen registering again gets 200 (already in); so at most 5
    // distinct citizens are in, and every other request said full.
    let raw = RawDb::open(&app.db).await;
    let registered = raw
        .count(&format!(
            "SELECT COUNT(*) FROM event_attendees WHERE event_id = '{id}' AND registered_at IS NOT NULL"
        ))
        .await;
    assert_eq!(registered, 5);
    assert_eq!(ok + full, 100);
    assert!(ok >= 5, "{ok}");
    raw.close().await;

    // Unregistering frees a place; a star never takes one.
    let winners: Vec<&String> = {
        let mut w = Vec::new();
        for c in &citizens {
            let a: Value = app
                .get(&format!("/wallet/events/{id}/attendance"), Some(c))
                .await
                .json()
                .await
                .unwrap();
            if a["registered"] == true {
                w.push(c);
            }
        }
        w
    };
    assert_eq!(winners.len(), 5);
    let loser = citizens.iter().find(|c| !winners.contains(c)).unwrap();
    let res = put(&app, &format!("/wallet/events/{id}/star"), loser, None).await;
    assert_eq!(res.json::<Value>().await.unwrap()["starred"], true);
    let res = put(
        &app,
        &format!("/wallet/events/{id}/registration"),
        loser,
        None,
    )
    .await;
    assert_eq!(assert_problem(res, 409).await["reason"], "full");
    let res = app
        .delete(
            &format!("/wallet/events/{id}/registration"),
            Some(winners[0]),
        )
        .await;
    assert_eq!(res.json::<Value>().await.unwrap()["registered"], false);
    let res = put(
        &app,
        &format!("/wallet/events/{id}/registration"),
        loser,
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    let mine: Value = app
        .get("/wallet/events", Some(loser))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"][0]["registered"], true);
    assert_eq!(mine["items"][0]["starred"], true);
    assert_eq!(mine["items"][0]["event"]["placesLeft"], 0);

    // Events that take no registration here, drafts, unknown ids.
    let elsewhere = event(
        &app,
        Ev {
            org: Some(org_id),
            title: "Ailleurs",
            registration: "external",
            ..Ev::default()
        },
    )
    .await;
    let res = put(
        &app,
        &format!("/wallet/events/{elsewhere}/registration"),
        loser,
        None,
    )
    .await;
    assert_eq!(assert_problem(res, 409).await["reason"], "closed");
    let draft = event(
        &app,
        Ev {
            org: Some(org_id),
            title: "Brouillon",
            registration: "atout",
            status: "draft",
            ..Ev::default()
        },
    )
    .await;
    let res = put(
        &app,
        &format!("/wallet/events/{draft}/registration"),
        loser,
        None,
    )
    .await;
    assert_problem(res, 404).await;
    let res = put(&app, "/wallet/events/nothing/star", loser, None).await;
    assert_problem(res, 404).await;
    app.stop().await;
}

#[tokio::test]
async fn the_calendar_feed_is_secret_read_only_and_revocable() {
    let app = TestApp::spawn().await;
    let org = app.create_org("agenda").await;
    let org_id = org["id"].as_str().unwrap();
    let token = app.sign_up("cal@example.org").await;
    let a = event(
        &app,
        Ev {
            org: Some(org_id),
            title: "Inscrit, ça; et \\ ça",
            registration: "atout",
            department: Some("37"),
            ..Ev::default()
        },
    )
    .await;
    let b = event(
        &app,
        Ev {
            org: Some(org_id),
            title: "En favori",
            online: true,
            days: 12,
            ..Ev::default()
        },
    )
    .await;
    let c = event(
        &app,
        Ev {
            org: Some(org_id),
            title: "Ni l'un ni l'autre",
            ..Ev::default()
        },
    )
    .await;
    assert_eq!(
        put(
            &app,
            &format!("/wallet/events/{a}/registration"),
            &token,
            None
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        put(&app, &format!("/wallet/events/{b}/star"), &token, None)
            .await
            .status(),
        200
    );

    let res = app
        .post_json("/wallet/calendar", Some(&token), &json!({}))
        .await;
    assert_eq!(res.status(), 201);
    let made: Value = res.json().await.unwrap();
    let url = made["url"].as_str().unwrap().to_owned();
    assert!(made["webcal"].as_str().unwrap().starts_with("webcal://"));
    let path = url.strip_prefix(&app.base).unwrap().to_owned();
    let res = app.get(&path, None).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    assert_eq!(res.headers()["cache-control"], "private, no-store");
    let ics = res.text().await.unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{ics}");
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 2, "{ics}");
    assert!(ics.contains(&format!("UID:{a}@")), "{ics}");
    assert!(ics.contains(&format!("UID:{b}@")), "{ics}");
    assert!(!ics.contains(&format!("UID:{c}@")), "{ics}");
    // TEXT escaping (RFC 5545 3.3.11).
    assert!(ics.contains("Inscrit\\, ça\\; et \\\\ ça"), "{ics}");

    // A cancelled event stays, marked so.
    app.store()
        .cancel_event(&a, Some("Salle indisponible"), app.state.clock.now())
        .await
        .unwrap();
    let ics = app.get(&path, None).await.text().await.unwrap();
    assert!(ics.contains("STATUS:CANCELLED"), "{ics}");

    // The settings say it exists (and when it was last read), never the
    // address.
    let settings: Value = app
        .get("/wallet/news/settings", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(settings["calendar"]["active"], true);
    assert!(settings["calendar"]["lastReadAt"].is_string());
    assert!(!settings
        .to_string()
        .contains(path.rsplit('/').next().unwrap()));

    // A new address replaces the old one; revoking ends it: 404, nothing
    // said of whose it was.
    let again: Value = app
        .post_json("/wallet/calendar", Some(&token), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let res = app.get(&path, None).await;
    let body = assert_problem(res, 404).await;
    assert!(!body.to_string().contains("cal@"), "{body}");
    let path2 = again["url"]
        .as_str()
        .unwrap()
        .strip_prefix(&app.base)
        .unwrap()
        .to_owned();
    assert_eq!(app.get(&path2, None).await.status(), 200);
    assert_eq!(
        app.delete("/wallet/calendar", Some(&token)).await.status(),
        204
    );
    assert_problem(app.get(&path2, None).await, 404).await;
    assert_problem(app.delete("/wallet/calendar", Some(&token)).await, 404).await;
    assert_problem(
        app.get(&format!("/calendar/{}", "x".repeat(500)), None)
            .await,
        404,
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn reminders_are_taken_once_and_the_digest_runs_once_a_week() {
    let app = TestApp::spawn().await;
    let org = app.create_org("rappels").await;
    let org_id = org["id"].as_str().unwrap();
    let token = app.sign_up("rappel@example.org").await;
    let me: Value = app
        .get("/wallet/me", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let citizen_id = me["id"].as_str().unwrap().to_owned();
    put(
        &app,
        "/wallet/news/settings",
        &token,
        Some(json!({"department": "18"})),
    )
    .await;
    let soon = event(
        &app,
        Ev {
            org: Some(org_id),
            title: "Demain à Bourges",
            registration: "atout",
            department: Some("18"),
            days: 2,
            ..Ev::default()
        },
    )
    .await;
    assert_eq!(
        put(
            &app,
            &format!("/wallet/events/{soon}/registration"),
            &token,
            None
        )
        .await
        .status(),
        200
    );
    let raw = RawDb::open(&app.db).await;
    let count = |kind: &str| {
        format!("SELECT COUNT(*) FROM notifications WHERE citizen_id = '{citizen_id}' AND kind = '{kind}'")
    };

    // Two days before: no reminder yet; one day before: one, once.
    assert_eq!(atout_news::feed::remind_once(&app.state).await, 0);
    app.clock.advance(Duration::hours(25));
    assert_eq!(atout_news::feed::remind_once(&app.state).await, 1);
    assert_eq!(atout_news::feed::remind_once(&app.state).await, 0);
    assert_eq!(raw.count(&count("event-reminder")).await, 1);

    // The digest: only for those who opted in; once per week.
    let report = atout_news::feed::digest_once(&app.state, true)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((report.citizens, report.queued), (0, 0));
    // Next week, opted in.
    app.clock.advance(Duration::days(7));
    raw.exec_at(
        &format!(
            "INSERT INTO notification_prefs (citizen_id, kind, mail) VALUES ('{citizen_id}', 'digest', 1)"
        ),
        app.state.clock.now(),
    )
    .await;
    event(
        &app,
        Ev {
            org: Some(org_id),
            title: "Nouveau dans le Cher",
            department: Some("18"),
            days: 5,
            ..Ev::default()
        },
    )
    .await;
    event(
        &app,
        Ev {
            org: Some(org_id),
            title: "Nouveau ailleurs",
            department: Some("67"),
            days: 5,
            ..Ev::default()
        },
    )
    .await;
    let report = atout_news::feed::digest_once(&app.state, true)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((report.citizens, report.queued), (1, 1), "{report:?}");
    assert!(atout_news::feed::digest_once(&app.state, true)
        .await
        .unwrap()
        .is_none());
    assert_eq!(raw.count(&count("digest")).await, 1);
    let params = raw
        .strings(&format!(
            "SELECT params FROM notifications WHERE citizen_id = '{citizen_id}' AND kind = 'digest'"
        ))
        .await;
    let params: Value = serde_json::from_str(&params[0]).unwrap();
    let listed: Vec<&str> = params["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["titleFr"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ["Nouveau dans le Cher"], "{params}");
    assert_eq!(params["events"][0]["why"], "Dans votre département : Cher");
    // Not a Monday morning: nothing without force.
    raw.close().await;
    app.stop().await;
}

/// The words of the news page in one language.
struct PageWords {
    title: &'static str,
    no_department: &'static str,
    bad_department: &'static str,
    department_reason: &'static str,
    tag_reason: &'static str,
    registered: &'static str,
    calendar_made: &'static str,
    bad_day: &'static str,
}

const PAGE_FR: PageWords = PageWords {
    title: "Mes actualités",
    no_department: "Indiquez votre département",
    bad_department: "Indiquez le numéro d’un département français",
    department_reason: "Dans votre département : Loiret",
    tag_reason: "Vous suivez le thème Numérique",
    registered: "Vous êtes inscrit·e.",
    calendar_made: "Voici l’adresse de votre agenda.",
    bad_day: "Indiquez une date",
};

const PAGE_EN: PageWords = PageWords {
    title: "My news",
    no_department: "Tell us your département",
    bad_department: "Give the number of a French département",
    department_reason: "In your département: Loiret",
    tag_reason: "You follow the topic Numérique",
    registered: "You are registered.",
    calendar_made: "Here is your calendar’s address.",
    bad_day: "Give a date",
};

#[tokio::test]
async fn the_news_page_in_french_and_english() {
    use crate::pages::Visitor;
    let app = TestApp::spawn().await;
    let org = app.create_org("salon-pages").await;
    let org_id = org["id"].as_str().unwrap();
    let fair = event(
        &app,
        Ev {
            org: Some(org_id),
            title: "Forum <b>&</b> numérique",
            department: Some("45"),
            registration: "atout",
            capacity: Some(10),
            free: &["Numérique"],
            ..Ev::default()
        },
    )
    .await;
    event(
        &app,
        Ev {
            title: "Webinaire en ligne",
            online: true,
            days: 4,
            ..Ev::default()
        },
    )
    .await;
    for (lang, w) in [("fr", PAGE_FR), ("en", PAGE_EN)] {
        let mut v = Visitor::new(&app);
        v.lang = lang;
        v.sign_up(&format!("pages-{lang}@example.org"), "Camille Martin")
            .await;
        let page = v.get("/me/news").await;
        assert_eq!(page.status, 200);
        page.expect(w.title).expect(w.no_department);
        // Hostile text is escaped.
        page.expect("Forum &#60;b&#62;&#38;&#60;/b&#62; numérique");
        assert!(!page.has("<b>&</b>"));
        // A département that does not exist: the form says so.
        let res = v.post("/me/news/settings", &[("department", "99")]).await;
        assert_eq!(res.status, 422);
        res.expect(w.bad_department);
        let res = v.post("/me/news/settings", &[("department", "45")]).await;
        assert_eq!(res.status, 303);
        let page = v.follow(res.location().unwrap()).await;
        page.expect(w.department_reason);
        assert!(!page.has(w.no_department));
        // Follow a free topic.
        let res = v.post("/me/news/follow", &[("tag", "Numérique")]).await;
        assert_eq!(res.status, 303, "{}", res.body);
        let page = v.follow(res.location().unwrap()).await;
        page.expect(w.tag_reason);
        // Register, and come back to the feed with what happened.
        let res = v
            .post(
                &format!("/me/events/{fair}/register"),
                &[("next", "/me/news?where=department")],
            )
            .await;
        assert_eq!(res.status, 303);
        let location = res.location().unwrap().to_owned();
        assert!(
            location.starts_with("/me/news?where=department&done=done-news-registered"),
            "{location}"
        );
        let page = v.follow(&location).await;
        page.expect(w.registered);
        // The département only: the online event is there, unless excluded.
        assert!(page.has("Webinaire en ligne"));
        let page = v.get("/me/news?where=department&online=exclude").await;
        assert!(!page.has("Webinaire en ligne"));
        // A redirect elsewhere is refused: back to the feed.
        let res = v
            .post(
                &format!("/me/events/{fair}/star"),
                &[("next", "https://evil.example/")],
            )
            .await;
        assert!(
            res.location().unwrap().starts_with("/me/news?done="),
            "{:?}",
            res.location()
        );
        // The calendar address, shown once.
        let res = v.post("/me/news/calendar", &[]).await;
        assert_eq!(res.status, 200);
        res.expect(w.calendar_made).expect("/calendar/");
        // A bad day in the filters: the page says it, in words.
        let page = v.get("/me/news?from=15%2F03%2F2027").await;
        assert_eq!(page.status, 422);
        page.expect(w.bad_day);
    }
    app.stop().await;
}
