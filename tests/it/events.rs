//! Events written by organisations and the platform (issue 19, item 1),
//! over real HTTP on both databases: a job fair written, published,
//! changed (its sequence raised), cancelled (the citizens who registered
//! or starred it told, as rows of `notifications`); each bad input the
//! issue names refused with its field; a French office's CSV file
//! (Windows-1252, `;`, 15/03/2026 09:30) imported, a bad one refused whole
//! with its lines and columns; who may do what; and the console's pages
//! in French and English.

use crate::careers::import_file;
use crate::common::*;
use crate::csv_french::console;
use atout_core::clock::Clock as _;
use reqwest::StatusCode;
use serde_json::{json, Value};

const ORG: &str = "cfa-loiret";

/// A server with a few ROME codes, an organisation and its key, another
/// organisation's key, and a citizen's token.
struct Setup {
    app: TestApp,
    key: String,
    other: String,
    citizen: String,
}

impl Setup {
    async fn new() -> Self {
        let app = TestApp::spawn().await;
        let (status, body) = import_file(
            &app,
            "format=rome&version=2025-09&filename=referentiel_code_rome.csv",
            "code_rome,libelle_rome\nM1805,Études et développement informatique\nM1810,Production et exploitation de systèmes d'information\nJ1501,\"Soins d'hygiène, de confort du patient\"\n"
                .as_bytes()
                .to_vec(),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        app.create_org(ORG).await;
        let (_, key) = app.create_api_key(ORG).await;
        app.create_org("autre").await;
        let (_, other) = app.create_api_key("autre").await;
        let citizen = app.sign_up("lea@example.org").await;
        Self {
            app,
            key,
            other,
            citizen,
        }
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> reqwest::Response {
        let mut req = self.app.client.request(method, self.app.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        req.send().await.unwrap()
    }

    async fn create(&self, body: &Value) -> Value {
        let res = self
            .app
            .post_json(&format!("/orgs/{ORG}/events"), Some(&self.key), body)
            .await;
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        res.json().await.unwrap()
    }

    async fn list(&self) -> Value {
        let res = self
            .app
            .get(&format!("/orgs/{ORG}/events"), Some(&self.key))
            .await;
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }

    async fn import(&self, token: &str, path: &str, body: Vec<u8>) -> reqwest::Response {
        self.app
            .client
            .post(self.app.url(path))
            .bearer_auth(token)
            .header("content-type", "text/csv")
            .body(body)
            .send()
            .await
            .unwrap()
    }
}

/// A job fair in Orléans, tagged with an ICT occupation.
fn job_fair() -> Value {
    json!({
        "kind": "job-fair",
        "titleFr": "Forum de l’emploi numérique",
        "titleEn": "Digital jobs fair",
        "descriptionFr": "Rencontrez les employeurs du numérique.\nApportez votre CV.",
        "startsAt": "2026-03-15T14:00",
        "endsAt": "15/03/2026 17:30",
        "address": "Parc des expositions",
        "commune": "Orléans",
        "department": "45",
        "audience": "job-seekers",
        "capacity": 300,
        "registration": "atout",
        "codes": [{"framework": "rome", "code": "m1805"}, "M1810"],
        "freeTags": ["Numérique", "numerique", "Emploi des jeunes"],
    })
}

/// Runs SQL on the test database (what the trait does not expose).
async fn sql_rows(
    app: &TestApp,
    sql: &str,
) -> Vec<(String, String, String, Option<String>, Option<String>)> {
    if app.db.is_postgres() {
        let pool = sqlx::PgPool::connect(&app.db.url).await.unwrap();
        let rows = sqlx::query_as(sql).fetch_all(&pool).await.unwrap();
        pool.close().await;
        rows
    } else {
        let pool = sqlx::SqlitePool::connect(&app.db.url).await.unwrap();
        let rows = sqlx::query_as(sql).fetch_all(&pool).await.unwrap();
        pool.close().await;
        rows
    }
}

/// A citizen's registration (`registered`) or star, written as the
/// citizen's pages would.
async fn attend(app: &TestApp, event: &str, citizen: &str, registered: bool) {
    let at = app.clock.now();
    let sql = if registered {
        "INSERT INTO event_attendees (event_id, citizen_id, registered_at) VALUES ($1, $2, $3)"
    } else {
        "INSERT INTO event_attendees (event_id, citizen_id, starred_at) VALUES ($1, $2, $3)"
    };
    if app.db.is_postgres() {
        let pool = sqlx::PgPool::connect(&app.db.url).await.unwrap();
        sqlx::query(sql)
            .bind(event)
            .bind(citizen)
            .bind(at)
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::SqlitePool::connect(&app.db.url).await.unwrap();
        sqlx::query(sql)
            .bind(event)
            .bind(citizen)
            .bind(at)
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    }
}

async fn citizen_id(app: &TestApp, email: &str) -> String {
    app.store()
        .citizen_by_email(email)
        .await
        .unwrap()
        .expect("a citizen")
        .id
}

#[tokio::test]
async fn a_job_fair_is_written_published_changed_and_cancelled_and_the_registered_are_told() {
    let s = Setup::new().await;
    let app = &s.app;
    let e = s.create(&job_fair()).await;
    let id = e["id"].as_str().unwrap().to_owned();
    // Paris time in, UTC stored (CET in March: UTC+1), Paris time out.
    assert_eq!(e["status"], "draft");
    assert_eq!(e["startsAt"], "2026-03-15T13:00:00Z");
    assert_eq!(e["endsAt"], "2026-03-15T16:30:00Z");
    assert_eq!(e["startsLocal"], "2026-03-15T14:00");
    assert_eq!(e["timeZone"], "Europe/Paris");
    assert_eq!(e["sequence"], 0);
    assert_eq!(e["organisation"]["slug"], ORG);
    assert_eq!(
        e["descriptionFr"],
        "Rencontrez les employeurs du numérique.\nApportez votre CV."
    );
    // Codes with their labels and versions from the index; free tags folded
    // (« Numérique » and « numerique » are one).
    let tags = e["tags"].as_array().unwrap();
    let keys: Vec<&str> = tags.iter().map(|t| t["tag"].as_str().unwrap()).collect();
    assert_eq!(
        keys,
        [
            "rome:M1805",
            "rome:M1810",
            "free:emploi des jeunes",
            "free:numerique"
        ]
    );
    assert_eq!(tags[0]["label"], "Études et développement informatique");
    assert_eq!(tags[0]["framework"], "ROME");
    assert_eq!(tags[0]["version"], "2025-09");
    assert_eq!(tags[3]["label"], "Numérique");
    // Summer time: UTC+2.
    let mut summer = job_fair();
    summer["startsAt"] = json!("2026-07-01 09:00");
    summer["endsAt"] = json!("01/07/2026 à 12h00");
    let s2 = s.create(&summer).await;
    assert_eq!(s2["startsAt"], "2026-07-01T07:00:00Z");
    assert_eq!(s2["endsAt"], "2026-07-01T10:00:00Z");
    // The list: drafts included, soonest first, searchable with the tags'
    // labels without accents.
    let list = s.list().await;
    assert_eq!(list["total"], 2);
    assert_eq!(list["items"][0]["id"], id.as_str());
    let found: Value = app
        .get(
            &format!("/orgs/{ORG}/events?q=etudes%20developpement&status=draft"),
            Some(&s.key),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["total"], 2);
    let none: Value = app
        .get(
            &format!("/orgs/{ORG}/events?status=published"),
            Some(&s.key),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none["total"], 0);
    // A draft is deleted; a deleted one is gone.
    let res = s
        .send(
            reqwest::Method::DELETE,
            &format!("/orgs/{ORG}/events/{}", s2["id"].as_str().unwrap()),
            Some(&s.key),
            None,
        )
        .await;
    assert_eq!(res.status(), 204);
    let res = app
        .get(
            &format!("/orgs/{ORG}/events/{}", s2["id"].as_str().unwrap()),
            Some(&s.key),
        )
        .await;
    assert_problem(res, 404).await;
    // Published: once.
    let path = format!("/orgs/{ORG}/events/{id}");
    let res = app
        .post_json(&format!("{path}/publish"), Some(&s.key), &json!({}))
        .await;
    assert_eq!(res.status(), 200);
    let published: Value = res.json().await.unwrap();
    assert_eq!(published["status"], "published");
    assert_eq!(published["publishedAt"], "2026-01-15T10:00:00Z");
    assert_eq!(published["sequence"], 0);
    let res = app
        .post_json(&format!("{path}/publish"), Some(&s.key), &json!({}))
        .await;
    assert_eq!(assert_problem(res, 409).await["code"], "not-a-draft");
    // Changed once published: the sequence rises with each change.
    let mut changed = job_fair();
    changed["titleFr"] = json!("Forum de l’emploi numérique (salle B)");
    for expected in [1, 2] {
        let res = s
            .send(reqwest::Method::PUT, &path, Some(&s.key), Some(&changed))
            .await;
        assert_eq!(res.status(), 200);
        let v: Value = res.json().await.unwrap();
        assert_eq!(v["sequence"], expected);
        assert_eq!(v["status"], "published");
        assert_eq!(v["titleFr"], "Forum de l’emploi numérique (salle B)");
    }
    // A published event is not deleted, and its status is not changed by PUT.
    let res = s
        .send(reqwest::Method::DELETE, &path, Some(&s.key), None)
        .await;
    assert_problem(res, 409).await;
    let mut sneaky = changed.clone();
    sneaky["status"] = json!("draft");
    let res = s
        .send(reqwest::Method::PUT, &path, Some(&s.key), Some(&sneaky))
        .await;
    let p = assert_problem(res, 422).await;
    assert_eq!(
        (p["field"].as_str(), p["code"].as_str()),
        (Some("status"), Some("status-change"))
    );
    // Two citizens registered, one starred it, one did neither.
    app.sign_up("noe@example.org").await;
    app.sign_up("sam@example.org").await;
    let lea = citizen_id(app, "lea@example.org").await;
    let noe = citizen_id(app, "noe@example.org").await;
    let sam = citizen_id(app, "sam@example.org").await;
    app.sign_up("zoe@example.org").await;
    attend(app, &id, &lea, true).await;
    app.clock.advance(chrono::Duration::minutes(5));
    attend(app, &id, &noe, true).await;
    attend(app, &id, &sam, false).await;
    let regs: Value = app
        .get(&format!("{path}/registrations"), Some(&s.key))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(regs["total"], 2);
    assert_eq!(regs["capacity"], 300);
    assert_eq!(regs["items"][0]["email"], "lea@example.org");
    assert_eq!(regs["items"][0]["name"], "lea");
    assert_eq!(regs["items"][0]["registeredLocal"], "2026-01-15T11:00");
    assert_eq!(regs["items"][1]["email"], "noe@example.org");
    let listed = s.list().await;
    assert_eq!(listed["items"][0]["registered"], 2);
    // Cancelled with a reason: the three are told, once each.
    let res = app
        .post_json(
            &format!("{path}/cancel"),
            Some(&s.key),
            &json!({"reason": "La salle est fermée par arrêté préfectoral."}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let cancelled: Value = res.json().await.unwrap();
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["sequence"], 3);
    assert_eq!(
        cancelled["cancelReason"],
        "La salle est fermée par arrêté préfectoral."
    );
    let rows = sql_rows(
        app,
        "SELECT citizen_id, kind, params, link, dedupe FROM notifications \
         WHERE kind = 'event-cancelled' ORDER BY citizen_id",
    )
    .await;
    let mut expected = vec![lea.clone(), noe.clone(), sam.clone()];
    expected.sort();
    assert_eq!(
        rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>(),
        expected
    );
    for (citizen, kind, params, link, dedupe) in &rows {
        assert_eq!(kind, "event-cancelled");
        assert_eq!(link.as_deref(), Some(format!("/evenements/{id}").as_str()));
        assert_eq!(
            dedupe.as_deref(),
            Some(format!("event-cancelled:{id}:{citizen}").as_str())
        );
        let params: Value = serde_json::from_str(params).unwrap();
        assert_eq!(params["eventId"], id.as_str());
        assert_eq!(params["titleFr"], "Forum de l’emploi numérique (salle B)");
        assert_eq!(params["titleEn"], "Digital jobs fair");
        assert_eq!(params["startsAt"], "2026-03-15T13:00:00+00:00");
        assert_eq!(
            params["reason"],
            "La salle est fermée par arrêté préfectoral."
        );
    }
    // Once: cancelling again is refused, changing it too.
    let res = app
        .post_json(&format!("{path}/cancel"), Some(&s.key), &json!({}))
        .await;
    assert_eq!(assert_problem(res, 409).await["code"], "not-published");
    let res = s
        .send(reqwest::Method::PUT, &path, Some(&s.key), Some(&changed))
        .await;
    assert_problem(res, 409).await;
    assert_eq!(
        sql_rows(
            app,
            "SELECT citizen_id, kind, params, link, dedupe FROM notifications \
             WHERE kind = 'event-cancelled'"
        )
        .await
        .len(),
        3
    );
    // A draft is not cancelled (it is deleted).
    let draft = s.create(&summer).await;
    let res = s
        .send(
            reqwest::Method::POST,
            &format!(
                "/orgs/{ORG}/events/{}/cancel",
                draft["id"].as_str().unwrap()
            ),
            Some(&s.key),
            None,
        )
        .await;
    assert_problem(res, 409).await;
    s.app.stop().await;
}

#[tokio::test]
async fn each_bad_input_is_refused_with_its_field_and_nothing_is_written() {
    let s = Setup::new().await;
    let app = &s.app;
    let long = "é".repeat(8_001);
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        (
            "end before start",
            json!({"endsAt": "2026-03-15T13:00"}),
            "endsAt",
            "end-before-start",
        ),
        (
            "end at the start",
            json!({"endsAt": "2026-03-15T14:00"}),
            "endsAt",
            "end-before-start",
        ),
        (
            "a new event in the past",
            json!({"startsAt": "2025-12-01T10:00", "endsAt": "2025-12-01T12:00"}),
            "startsAt",
            "in-the-past",
        ),
        (
            "an hour ago",
            json!({"startsAt": "2026-01-15T10:00", "endsAt": "2026-01-15T18:00"}),
            "startsAt",
            "in-the-past",
        ),
        (
            "unknown code",
            json!({"codes": ["M1805", "Z9999"]}),
            "codes",
            "unknown-code",
        ),
        (
            "unknown ROME code",
            json!({"codes": [{"framework": "ROME", "code": "A0000"}]}),
            "codes",
            "unknown-code",
        ),
        (
            "unknown framework",
            json!({"codes": [{"framework": "XYZ", "code": "M1805"}]}),
            "codes",
            "unknown-framework",
        ),
        (
            "oversized description",
            json!({"descriptionFr": long}),
            "descriptionFr",
            "too-long",
        ),
        (
            "online link not https",
            json!({"onlineUrl": "http://visio.example.fr/salle"}),
            "onlineUrl",
            "bad-url",
        ),
        (
            "online link as script",
            json!({"onlineUrl": "javascript:alert(1)"}),
            "onlineUrl",
            "bad-url",
        ),
        (
            "external registration without a link",
            json!({"registration": "external"}),
            "registrationUrl",
            "required",
        ),
        (
            "registration link not https",
            json!({"registration": "external", "registrationUrl": "ftp://example.fr/"}),
            "registrationUrl",
            "bad-url",
        ),
        (
            "registration link without external",
            json!({"registrationUrl": "https://example.fr/"}),
            "registrationUrl",
            "not-expected",
        ),
        (
            "no title",
            json!({"titleFr": " ", "titleEn": null}),
            "titleFr",
            "required",
        ),
        (
            "a title on two lines",
            json!({"titleFr": "Forum\nde l'emploi"}),
            "titleFr",
            "control-characters",
        ),
        (
            "no place",
            json!({"address": null, "commune": null, "department": null}),
            "place",
            "place-missing",
        ),
        (
            "a commune without its département",
            json!({"department": null}),
            "department",
            "required",
        ),
        (
            "a département that is not one",
            json!({"department": "99"}),
            "department",
            "bad-department",
        ),
        (
            "an unknown kind",
            json!({"kind": "party"}),
            "kind",
            "unknown-value",
        ),
        ("no kind", json!({"kind": ""}), "kind", "required"),
        (
            "an unknown audience",
            json!({"audience": "everybody"}),
            "audience",
            "unknown-value",
        ),
        (
            "a time that does not exist in Paris",
            json!({"startsAt": "2026-03-29T02:30", "endsAt": "2026-03-29T05:00"}),
            "startsAt",
            "nonexistent-time",
        ),
        (
            "not a date",
            json!({"startsAt": "demain matin"}),
            "startsAt",
            "bad-datetime",
        ),
        (
            "a date without a time",
            json!({"endsAt": "15/03/2026"}),
            "endsAt",
            "bad-datetime",
        ),
        ("no start", json!({"startsAt": ""}), "startsAt", "required"),
        (
            "too far ahead",
            json!({"startsAt": "2031-03-15T14:00", "endsAt": "2031-03-15T17:00"}),
            "startsAt",
            "too-far",
        ),
        (
            "a year and more",
            json!({"endsAt": "2027-06-15T14:00"}),
            "endsAt",
            "too-long-event",
        ),
        (
            "no places",
            json!({"capacity": 0}),
            "capacity",
            "out-of-range",
        ),
        (
            "too many places",
            json!({"capacity": 1_000_000}),
            "capacity",
            "out-of-range",
        ),
        (
            "too many codes",
            json!({"codes": vec!["M1805"; 31]}),
            "codes",
            "too-many",
        ),
        (
            "a free tag too long",
            json!({"freeTags": ["x".repeat(61)]}),
            "freeTags",
            "too-long",
        ),
        (
            "a status other than draft or published",
            json!({"status": "cancelled"}),
            "status",
            "unknown-value",
        ),
    ];
    for (what, change, field, code) in cases {
        let mut body = job_fair();
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let res = app
            .post_json(&format!("/orgs/{ORG}/events"), Some(&s.key), &body)
            .await;
        assert_eq!(res.status(), 422, "{what}");
        let p = assert_problem(res, 422).await;
        assert_eq!(p["field"], field, "{what}: {p}");
        assert_eq!(p["code"], code, "{what}: {p}");
        assert!(!p["detail"].as_str().unwrap().is_empty(), "{what}");
        assert!(
            p["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"] == field),
            "{what}"
        );
    }
    // The code refused is named.
    let mut body = job_fair();
    body["codes"] = json!(["Z9999"]);
    let p = assert_problem(
        app.post_json(&format!("/orgs/{ORG}/events"), Some(&s.key), &body)
            .await,
        422,
    )
    .await;
    assert_eq!(p["value"], "Z9999");
    assert!(p["detail"].as_str().unwrap().contains("Z9999"));
    // Several wrong fields: each one listed.
    let mut body = job_fair();
    body["endsAt"] = json!("2026-03-15T10:00");
    body["department"] = json!("99");
    body["onlineUrl"] = json!("http://x.example");
    let p = assert_problem(
        app.post_json(&format!("/orgs/{ORG}/events"), Some(&s.key), &body)
            .await,
        422,
    )
    .await;
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["endsAt", "onlineUrl", "department"]);
    // An unknown member of the body is refused, not ignored.
    let mut body = job_fair();
    body["colour"] = json!("red");
    assert_problem(
        app.post_json(&format!("/orgs/{ORG}/events"), Some(&s.key), &body)
            .await,
        422,
    )
    .await;
    // A reason too long.
    let e = s.create(&job_fair()).await;
    let path = format!("/orgs/{ORG}/events/{}", e["id"].as_str().unwrap());
    app.post_json(&format!("{path}/publish"), Some(&s.key), &json!({}))
        .await;
    let p = assert_problem(
        app.post_json(
            &format!("{path}/cancel"),
            Some(&s.key),
            &json!({"reason": "x".repeat(1_001)}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(p["field"], "reason");
    // An event that has started keeps its start when changed; moving it
    // into the past is refused.
    app.clock
        .advance(chrono::Duration::days(59) + chrono::Duration::hours(4));
    let mut later = job_fair();
    later["titleEn"] = json!("Digital jobs fair (updated)");
    let res = app
        .client
        .put(app.url(&path))
        .bearer_auth(&s.key)
        .json(&later)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "the start did not move");
    later["startsAt"] = json!("2026-03-15T13:00");
    let res = app
        .client
        .put(app.url(&path))
        .bearer_auth(&s.key)
        .json(&later)
        .send()
        .await
        .unwrap();
    assert_eq!(assert_problem(res, 422).await["code"], "in-the-past");
    // Only the valid event was written.
    assert_eq!(s.list().await["total"], 1);
    s.app.stop().await;
}

#[tokio::test]
async fn a_french_office_csv_imports_and_a_bad_one_is_refused_whole_with_its_lines() {
    let s = Setup::new().await;
    let app = &s.app;
    let path = format!("/orgs/{ORG}/events/import");
    // Windows-1252, `;`, French headers and values, dd/mm/yyyy hh:mm.
    let text = "Type;Titre;Description;Début;Fin;Adresse;Commune;Département;Lien en ligne;Public;Places;Inscription;Codes;Mots-clés;Statut\r\n\
                Salon de l'emploi;Forum de l'emploi numérique;\"Employeurs ; recruteurs\";15/03/2026 09:30;15/03/2026 17:00;Parc des expositions;Orléans;45;;Demandeurs d'emploi;300;Sur Atout;M1805|M1810;numérique;publié\r\n\
                Réunion d'information;Devenir aide-soignant;;20/02/2026 18h00;20/02/2026 19h00;;;;https://visio.example.fr/as;Tous;;Aucune;J1501;santé;brouillon\r\n\
                ;;;;;;;;;;;;;;\r\n";
    let (body, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable);
    let res = s.import(&s.key, &path, body.to_vec()).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["created"], 2);
    assert_eq!(report["published"], 1);
    let list = s.list().await;
    assert_eq!(list["total"], 2);
    let info = &list["items"][0];
    assert_eq!(info["kind"], "info-session");
    assert_eq!(info["titleFr"], "Devenir aide-soignant");
    assert_eq!(info["startsAt"], "2026-02-20T17:00:00Z");
    assert_eq!(info["onlineUrl"], "https://visio.example.fr/as");
    assert_eq!(info["status"], "draft");
    assert_eq!(info["tags"][0]["tag"], "rome:J1501");
    let fair = &list["items"][1];
    assert_eq!(fair["kind"], "job-fair");
    assert_eq!(fair["titleFr"], "Forum de l'emploi numérique");
    assert_eq!(fair["descriptionFr"], "Employeurs ; recruteurs");
    assert_eq!(fair["startsAt"], "2026-03-15T08:30:00Z");
    assert_eq!(fair["audience"], "job-seekers");
    assert_eq!(fair["capacity"], 300);
    assert_eq!(fair["registration"], "atout");
    assert_eq!(fair["status"], "published");
    assert_eq!(fair["department"], "45");
    assert_eq!(fair["tags"].as_array().unwrap().len(), 3);
    assert_eq!(fair["tags"][2]["tag"], "free:numerique");
    // UTF-8 with a BOM, `,`, English headers, a date and two time columns,
    // an unknown column reported as ignored.
    let text = "\u{feff}Title,Date,Start time,End time,City,Department,Kind,Colour\n\
                Open day,04/02/2026,10:00,16:00,Tours,37,open day,blue\n";
    let res = s.import(&s.key, &path, text.as_bytes().to_vec()).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["created"], 1);
    assert_eq!(report["ignoredColumns"], json!(["Colour"]));
    let list = s.list().await;
    let open = &list["items"][0];
    assert_eq!(open["titleFr"], "Open day");
    assert_eq!(open["kind"], "open-day");
    assert_eq!(open["startsLocal"], "2026-02-04T10:00");
    assert_eq!(open["endsLocal"], "2026-02-04T16:00");
    // A bad file: every wrong cell named, nothing written.
    let bad = "Titre;Début;Fin;Commune;Département;Codes\r\n\
               Bon;01/03/2026 10:00;01/03/2026 12:00;Blois;41;M1805\r\n\
               Fin trop tôt;01/03/2026 10:00;01/03/2026 09:00;Blois;41;\r\n\
               Mauvais code;02/03/2026 10:00;02/03/2026 12:00;Blois;99;Z9999\r\n\
               ;03/03/2026 10:00;03/03/2026 12:00;;;\r\n\
               Passé;01/01/2026 10:00;01/01/2026 12:00;Blois;41;\r\n";
    let (body, _, _) = encoding_rs::WINDOWS_1252.encode(bad);
    let res = s.import(&s.key, &path, body.to_vec()).await;
    let p = assert_problem(res, 422).await;
    assert_eq!(p["code"], "lines");
    assert_eq!(p["line"], 3);
    let errors: Vec<(i64, String, String)> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert!(!e["reason"].as_str().unwrap().is_empty());
            (
                e["line"].as_i64().unwrap(),
                e["column"].as_str().unwrap_or("-").to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected: Vec<(i64, String, String)> = [
        (3, "Fin", "end-before-start"),
        (4, "Département", "bad-department"),
        (4, "Codes", "unknown-code"),
        (5, "Titre", "required"),
        (5, "Commune", "place-missing"),
        (6, "Début", "in-the-past"),
    ]
    .into_iter()
    .map(|(l, c, k)| (l, c.to_owned(), k.to_owned()))
    .collect();
    assert_eq!(errors, expected);
    assert!(p["errors"][2]["reason"].as_str().unwrap().contains("Z9999"));
    assert_eq!(
        s.list().await["total"],
        3,
        "nothing of the bad file was written"
    );
    // Files refused as files: no title column, no event, too big, too long.
    let p = assert_problem(
        s.import(&s.key, &path, b"Nom du lieu;Debut;Fin\n".to_vec())
            .await,
        422,
    )
    .await;
    assert_eq!(
        (p["field"].as_str(), p["code"].as_str()),
        (Some("file"), Some("missing-column"))
    );
    let p = assert_problem(
        s.import(&s.key, &path, b"Titre;Debut;Fin\n".to_vec()).await,
        422,
    )
    .await;
    assert_eq!(p["code"], "empty");
    let mut many = String::from("Titre;Début;Fin;Commune;Département\n");
    for i in 0..1_001 {
        many.push_str(&format!(
            "Atelier {i};01/03/2026 10:00;01/03/2026 12:00;Blois;41\n"
        ));
    }
    let p = assert_problem(s.import(&s.key, &path, many.into_bytes()).await, 422).await;
    assert_eq!(p["code"], "too-many-rows");
    let huge = vec![b'a'; 2 * 1024 * 1024 + 1];
    assert_problem(s.import(&s.key, &path, huge).await, 413).await;
    assert_eq!(s.list().await["total"], 3);
    // The platform imports its own region-wide events.
    let res = s
        .import(
            ADMIN_TOKEN,
            "/admin/events/import",
            "Titre;Début;Fin;Lien en ligne\nWebinaire régional;10/03/2026 10:00;10/03/2026 11:00;https://visio.example.fr/region\n"
                .as_bytes()
                .to_vec(),
        )
        .await;
    assert_eq!(res.status(), 200);
    let platform: Value = app
        .get("/admin/events", Some(ADMIN_TOKEN))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(platform["total"], 1);
    assert_eq!(platform["items"][0]["organisation"], Value::Null);
    assert_eq!(platform["items"][0]["createdBy"], "admin");
    s.app.stop().await;
}

#[tokio::test]
async fn only_the_organisation_and_the_admin_write_its_events_and_the_admin_the_platforms() {
    let s = Setup::new().await;
    let app = &s.app;
    let e = s.create(&job_fair()).await;
    let id = e["id"].as_str().unwrap();
    let body = job_fair();
    let cancel = json!({"reason": "no"});
    let routes: Vec<(reqwest::Method, String, Option<&Value>)> = vec![
        (reqwest::Method::GET, format!("/orgs/{ORG}/events"), None),
        (
            reqwest::Method::POST,
            format!("/orgs/{ORG}/events"),
            Some(&body),
        ),
        (
            reqwest::Method::GET,
            format!("/orgs/{ORG}/events/{id}"),
            None,
        ),
        (
            reqwest::Method::PUT,
            format!("/orgs/{ORG}/events/{id}"),
            Some(&body),
        ),
        (
            reqwest::Method::DELETE,
            format!("/orgs/{ORG}/events/{id}"),
            None,
        ),
        (
            reqwest::Method::POST,
            format!("/orgs/{ORG}/events/{id}/publish"),
            None,
        ),
        (
            reqwest::Method::POST,
            format!("/orgs/{ORG}/events/{id}/cancel"),
            Some(&cancel),
        ),
        (
            reqwest::Method::GET,
            format!("/orgs/{ORG}/events/{id}/registrations"),
            None,
        ),
        (
            reqwest::Method::POST,
            format!("/orgs/{ORG}/events/import"),
            None,
        ),
    ];
    for (method, path, body) in &routes {
        // Another organisation's key: 403; a citizen's token or none: 401.
        let res = s.send(method.clone(), path, Some(&s.other), *body).await;
        assert_problem(res, 403).await;
        let res = s.send(method.clone(), path, Some(&s.citizen), *body).await;
        assert_problem(res, 401).await;
        let res = s.send(method.clone(), path, None, *body).await;
        assert_problem(res, 401).await;
    }
    // Nothing changed.
    let list = s.list().await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["status"], "draft");
    // The admin acts for the organisation.
    let res = app
        .get(&format!("/orgs/{ORG}/events/{id}"), Some(ADMIN_TOKEN))
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .post_json(&format!("/orgs/{ORG}/events"), Some(ADMIN_TOKEN), &body)
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(res.json::<Value>().await.unwrap()["createdBy"], "admin");
    // The other organisation does not see it through its own path either.
    let res = app
        .get(&format!("/orgs/autre/events/{id}"), Some(&s.other))
        .await;
    assert_problem(res, 404).await;
    // The platform's events: the admin only.
    for token in [s.key.as_str(), s.other.as_str()] {
        assert_problem(app.get("/admin/events", Some(token)).await, 403).await;
        assert_problem(
            app.post_json("/admin/events", Some(token), &body).await,
            403,
        )
        .await;
    }
    assert_problem(app.get("/admin/events", Some(&s.citizen)).await, 401).await;
    let mut region = job_fair();
    region["codes"] = json!([]);
    let res = app
        .post_json("/admin/events", Some(ADMIN_TOKEN), &region)
        .await;
    assert_eq!(res.status(), 201);
    let platform: Value = res.json().await.unwrap();
    assert_eq!(platform["organisation"], Value::Null);
    let pid = platform["id"].as_str().unwrap();
    // Not the organisation's, not reachable through its path.
    assert_problem(
        app.get(&format!("/orgs/{ORG}/events/{pid}"), Some(&s.key))
            .await,
        404,
    )
    .await;
    assert_eq!(s.list().await["total"], 2);
    let res = app
        .post_json(
            &format!("/admin/events/{pid}/publish"),
            Some(ADMIN_TOKEN),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = s
        .send(
            reqwest::Method::POST,
            &format!("/admin/events/{pid}/cancel"),
            Some(ADMIN_TOKEN),
            None,
        )
        .await;
    assert_eq!(res.status(), 200, "a cancellation without a reason");
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["status"], "cancelled");
    assert_eq!(v["cancelReason"], Value::Null);
    // The routes are in the API's description, with their security.
    let doc = serde_json::to_value(&app.openapi).unwrap();
    for p in [
        "/orgs/{slug}/events",
        "/orgs/{slug}/events/{id}",
        "/orgs/{slug}/events/{id}/publish",
        "/orgs/{slug}/events/{id}/cancel",
        "/orgs/{slug}/events/{id}/registrations",
        "/orgs/{slug}/events/import",
        "/admin/events",
        "/admin/events/{id}",
        "/admin/events/{id}/publish",
        "/admin/events/{id}/cancel",
        "/admin/events/{id}/registrations",
        "/admin/events/import",
    ] {
        let item = doc["paths"][p].as_object().unwrap_or_else(|| panic!("{p}"));
        for (_, op) in item {
            assert_eq!(op["tags"], json!(["events"]), "{p}");
            assert!(op["security"].is_array(), "{p}");
        }
    }
    s.app.stop().await;
}

#[tokio::test]
async fn the_console_writes_publishes_cancels_and_imports_events_in_french_and_english() {
    let s = Setup::new().await;
    let app = &s.app;
    let base = format!("/console/orgs/{ORG}/events");
    for (lang, texts) in [
        (
            "fr",
            [
                "Aucun événement pour l’instant.",
                "La fin doit venir après le début.",
                "Ce code n’est pas dans les référentiels chargés",
                "Événement enregistré comme brouillon",
                "Ligne 3, colonne « Fin » : La fin doit venir après le début.",
                "Annuler l’événement et prévenir",
                "Brouillons",
                "3 événements ajoutés.",
            ],
        ),
        (
            "en",
            [
                "No event yet.",
                "The end must come after the start.",
                "This code is not in the frameworks loaded",
                "Event saved as a draft",
                "Line 3, column “Fin”: The end must come after the start.",
                "Cancel the event and tell them",
                "Drafts",
                "3 events added.",
            ],
        ),
    ] {
        // Each language starts from an empty list.
        for e in s.list().await["items"].as_array().unwrap() {
            let path = format!("/orgs/{ORG}/events/{}", e["id"].as_str().unwrap());
            if e["status"] == "draft" {
                s.send(reqwest::Method::DELETE, &path, Some(&s.key), None)
                    .await;
            }
        }
        let mut v = console(app, &s.key, lang).await;
        let page = v.get(&base).await;
        assert_eq!(page.status, StatusCode::OK);
        if s.list().await["total"] == 0 {
            page.expect(texts[0]);
        }
        page.expect(&format!("href=\"{base}/new\""))
            .expect(&format!("href=\"{base}/import\""));
        // The form: Paris time, the combobox for codes.
        let form = v.get(&format!("{base}/new")).await;
        assert_eq!(form.status, StatusCode::OK);
        form.expect("type=\"datetime-local\"")
            .expect("data-combobox=\"/frameworks/search")
            .expect("name=\"free_tags\"");
        let fields = |title: &str, ends: &str, code: &str| -> Vec<(String, String)> {
            vec![
                ("kind".into(), "job-fair".into()),
                ("title_fr".into(), title.into()),
                ("title_en".into(), title.into()),
                ("description_fr".into(), "Apportez votre CV.".into()),
                ("starts_at".into(), "2026-03-15T14:00".into()),
                ("ends_at".into(), ends.into()),
                ("address".into(), "Parc des expositions".into()),
                ("commune".into(), "Orléans".into()),
                ("department".into(), "45".into()),
                ("audience".into(), "job-seekers".into()),
                ("capacity".into(), "300".into()),
                ("registration".into(), "atout".into()),
                ("code".into(), code.into()),
                ("code".into(), "".into()),
                ("free_tags".into(), "numérique, emploi".into()),
                ("status".into(), "draft".into()),
            ]
        };
        // Wrong: the end before the start and an unknown code, each said
        // by its field, in the page's language.
        let wrong = fields("Forum", "2026-03-15T13:00", "Z9999");
        let wrong: Vec<(&str, &str)> = wrong
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let res = v.post(&format!("{base}/new"), &wrong).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        res.expect(texts[1])
            .expect(texts[2])
            .expect("id=\"e-ends_at\"")
            .expect("id=\"e-code-0\"")
            .expect("value=\"Z9999\"")
            .expect("aria-invalid=\"true\"");
        // Right, with hostile text: saved, escaped in the list.
        let good = fields(
            "<script>alert(1)</script> Forum",
            "2026-03-15T17:30",
            "M1805",
        );
        let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let res = v.post(&format!("{base}/new"), &good).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let list = v.follow(res.location().unwrap()).await;
        list.expect(texts[3]).expect(texts[6]);
        assert!(
            list.has("&lt;script&gt;alert(1)&lt;/script&gt; Forum")
                || list.has("&#60;script&#62;alert(1)&#60;/script&#62; Forum"),
            "{}",
            list.body
        );
        assert!(!list.has("<script>alert(1)</script>"));
        let id = s.list().await["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["status"] == "draft")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let api: Value = app
            .get(&format!("/orgs/{ORG}/events/{id}"), Some(&s.key))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(api["startsAt"], "2026-03-15T13:00:00Z");
        assert_eq!(api["tags"][0]["tag"], "rome:M1805");
        assert_eq!(api["tags"].as_array().unwrap().len(), 3);
        // Its form, as entered (Paris time).
        let edit = v.get(&format!("{base}/{id}/edit")).await;
        assert_eq!(edit.status, StatusCode::OK);
        edit.expect("value=\"2026-03-15T14:00\"")
            .expect("value=\"M1805\"")
            .expect("Études et développement informatique");
        // Published, then cancelled after a page that asks.
        let res = v.post(&format!("{base}/{id}/publish"), &[]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let ask = v.get(&format!("{base}/{id}/cancel")).await;
        assert_eq!(ask.status, StatusCode::OK);
        ask.expect(texts[5]).expect("name=\"reason\"");
        let res = v
            .post(
                &format!("{base}/{id}/cancel"),
                &[("reason", "Salle fermée <b>demain</b>")],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let list = v.follow(res.location().unwrap()).await;
        assert!(
            list.has("Salle fermée &lt;b&gt;demain&lt;/b&gt;")
                || list.has("Salle fermée &#60;b&#62;demain&#60;/b&#62;"),
            "{}",
            list.body
        );
        let regs = v.get(&format!("{base}/{id}/registrations")).await;
        assert_eq!(regs.status, StatusCode::OK);
        // The import: the example file, a refused file's cells named in
        // the page's language.
        let example = v.get(&format!("{base}/example.csv")).await;
        assert_eq!(example.status, StatusCode::OK);
        assert!(example.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        assert!(example.body.starts_with("\u{feff}Type;Titre;"));
        // The example imports as it is.
        v.get(&format!("{base}/import")).await;
        let res = v
            .upload(
                &format!("{base}/import"),
                &[],
                "file",
                "evenements-exemple.csv",
                "text/csv",
                example.body.clone().into_bytes(),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        res.expect(texts[7]);
        v.get(&format!("{base}/import")).await;
        let bad = "Titre;Début;Fin;Commune;Département\r\nBon;01/03/2026 10:00;01/03/2026 12:00;Blois;41\r\nFaux;01/03/2026 10:00;01/03/2026 09:00;Blois;41\r\n";
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(bad);
        let res = v
            .upload(
                &format!("{base}/import"),
                &[],
                "file",
                "evenements.csv",
                "text/csv",
                bytes.to_vec(),
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        res.expect(texts[4]);
        let good = "Titre;Début;Fin;Commune;Département\r\nAtelier CV;01/03/2026 10:00;01/03/2026 12:00;Blois;41\r\n";
        v.get(&format!("{base}/import")).await;
        let res = v
            .upload(
                &format!("{base}/import"),
                &[],
                "file",
                "evenements.csv",
                "text/csv",
                good.as_bytes().to_vec(),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    }
    // Another organisation's console: 403; the administrator's page of the
    // platform's events.
    let mut other = console(app, &s.other, "fr").await;
    assert_eq!(other.get(&base).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        other.get("/console/events").await.status,
        StatusCode::FORBIDDEN
    );
    let mut admin = console(app, ADMIN_TOKEN, "en").await;
    let page = admin.get("/console/events").await;
    assert_eq!(page.status, StatusCode::OK);
    page.expect("The platform’s events, for the whole region.");
    let form = admin.get("/console/events/new").await;
    assert_eq!(form.status, StatusCode::OK);
    let res = admin
        .post(
            "/console/events/new",
            &[
                ("kind", "info-session"),
                ("title_en", "Regional webinar"),
                ("starts_at", "10/03/2026 10:00"),
                ("ends_at", "10/03/2026 11:00"),
                ("online_url", "https://visio.example.fr/region"),
                ("audience", "all"),
                ("registration", "none"),
                ("status", "published"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let list = admin.follow(res.location().unwrap()).await;
    list.expect("Regional webinar")
        .expect("Online")
        .expect("Published");
    s.app.stop().await;
}

#[tokio::test]
async fn ten_thousand_events_are_listed_a_page_at_a_time_with_their_tags_and_counts() {
    use atout_core::store::{EventQuery, EventRecord, EventTag};
    let s = Setup::new().await;
    let app = &s.app;
    let store = app.store();
    let org = store.get_org_by_slug(ORG).await.unwrap().unwrap();
    let first = start_time() + chrono::Duration::days(1);
    let events: Vec<(EventRecord, Vec<EventTag>)> = (0..10_000i64)
        .map(|i| {
            let id = format!("ev-{i:05}");
            let mut tags = vec![EventTag {
                event_id: id.clone(),
                tag: "free:numerique".into(),
                framework: None,
                code: None,
                version: None,
                label: "Numérique".into(),
            }];
            if i % 10 == 0 {
                tags.insert(
                    0,
                    EventTag {
                        event_id: id.clone(),
                        tag: "rome:M1805".into(),
                        framework: Some("ROME".into()),
                        code: Some("M1805".into()),
                        version: Some("2025-09".into()),
                        label: "Études et développement informatique".into(),
                    },
                );
            }
            let at = first + chrono::Duration::minutes(i);
            (
                EventRecord {
                    id,
                    org_id: Some(org.id.clone()),
                    kind: "workshop".into(),
                    title_fr: Some(format!("Atelier {i}")),
                    title_en: None,
                    description_fr: None,
                    description_en: None,
                    starts_at: at,
                    ends_at: at + chrono::Duration::hours(1),
                    online_url: None,
                    address: None,
                    commune: Some("Orléans".into()),
                    department: Some(if i % 4 < 2 { "45" } else { "37" }.into()),
                    audience: "all".into(),
                    capacity: None,
                    registration: "atout".into(),
                    registration_url: None,
                    status: if i % 2 == 0 { "published" } else { "draft" }.into(),
                    cancel_reason: None,
                    sequence: 0,
                    search_folded: format!("atelier {i} orleans numerique"),
                    created_by: Some("test".into()),
                    created_at: start_time(),
                    updated_at: start_time(),
                    published_at: (i % 2 == 0).then(start_time),
                    cancelled_at: None,
                },
                tags,
            )
        })
        .collect();
    store.create_events(&events).await.unwrap();
    let lea = citizen_id(app, "lea@example.org").await;
    attend(app, "ev-00000", &lea, true).await;
    attend(app, "ev-00020", &lea, false).await;
    // Published, in the Loiret, tagged with the occupation: every 20th.
    let t = std::time::Instant::now();
    let (page, total) = store
        .list_events(&EventQuery {
            department: Some("45".into()),
            statuses: vec!["published".into()],
            tag: Some("rome:M1805".into()),
            limit: 50,
            ..EventQuery::default()
        })
        .await
        .unwrap();
    let filtered = t.elapsed();
    assert_eq!(total, 500);
    assert_eq!(page.len(), 50);
    assert_eq!(page[0].event.id, "ev-00000");
    assert_eq!(page[1].event.id, "ev-00020");
    assert_eq!(page[0].registered, 1, "a star is not a registration");
    assert_eq!(page[1].registered, 0);
    assert_eq!(
        page[0]
            .tags
            .iter()
            .map(|t| t.tag.as_str())
            .collect::<Vec<_>>(),
        ["rome:M1805", "free:numerique"]
    );
    // Words, the largest page, the last page.
    let (page, total) = store
        .list_events(&EventQuery {
            words: vec!["numerique".into(), "atelier".into()],
            org_id: Some(Some(org.id.clone())),
            limit: 10_000,
            ..EventQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(total, 10_000);
    assert_eq!(page.len(), 500, "a page has at most MAX_EVENT_PAGE");
    assert!(page.iter().all(|e| !e.tags.is_empty()));
    let (page, _) = store
        .list_events(&EventQuery {
            org_id: Some(Some(org.id.clone())),
            limit: 50,
            offset: 9_990,
            ..EventQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(page.len(), 10);
    assert_eq!(page[9].event.id, "ev-09999");
    // A LIKE wildcard typed is a character, not a wildcard.
    let (_, total) = store
        .list_events(&EventQuery {
            words: vec!["%".into()],
            ..EventQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(total, 0);
    // Through the API: the organisation's list of 200.
    let t = std::time::Instant::now();
    let list: Value = app
        .get(&format!("/orgs/{ORG}/events?limit=200"), Some(&s.key))
        .await
        .json()
        .await
        .unwrap();
    let api = t.elapsed();
    assert_eq!(list["total"], 10_000);
    assert_eq!(list["items"].as_array().unwrap().len(), 200);
    eprintln!(
        "10,000 events ({}): filtered page of 50 in {filtered:?}, the API's page of 200 in {api:?}",
        if app.db.is_postgres() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    assert!(api < std::time::Duration::from_secs(5), "{api:?}");
    s.app.stop().await;
}
