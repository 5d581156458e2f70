//! Delivery of bulk issuance: a batch with e-mails (and `holder` columns)
//! becomes offers mailed through the outbox, in the chunk's transaction;
//! accepting binds the credential to the holder's DID in the wallet;
//! per-row and per-batch status (queued, sent, opened, accepted, declined,
//! expired, bounced, withdrawn); resend and withdraw one or all; the
//! reminder, once; a bounce from a real (local) SMTP server; refused
//! callers and bad input; and a killed run that never mails twice. Runs on
//! both databases.

use crate::common::*;
use crate::offers::{count_rows, verify_email, ORG};
use crate::status_reclaim::RawDb;
use atout_core::Clock as _;
use serde_json::Value;
use std::time::Duration;

/// A DID that no Atout account holds.
const BARE_DID: &str = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";

const HEADER: &str = "reference,email,holder,givenName,familyName,degree.type,degree.name,degree.eqfLevel,degree.awardedOn";

fn line(reference: &str, email: &str, holder: &str, name: &str) -> String {
    format!("{reference},{email},{holder},{name},Martin,Diploma,Master Informatique,7,2026-07-03\n")
}

/// The setup of offers.rs (organisation "Université Exemple", its key and
/// a diploma template).
async fn setup(extra: &[(&str, &str)]) -> crate::offers::Setup {
    crate::offers::Setup::new(extra).await
}

async fn upload(app: &TestApp, key: &str, query: &str, body: String) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/orgs/{ORG}/batches?{query}")))
        .bearer_auth(key)
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .unwrap()
}

/// Uploads and waits for the batch to finish (bounded); returns it.
async fn run(app: &TestApp, key: &str, query: &str, body: String) -> Value {
    let res = upload(app, key, query, body).await;
    assert_eq!(res.status(), 202, "{}", res.text().await.unwrap());
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    for _ in 0..1200 {
        let batch: Value = app.get(&location, Some(key)).await.json().await.unwrap();
        if batch["state"] == "done" {
            return batch;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the batch did not finish within a minute");
}

async fn rows(app: &TestApp, key: &str, batch: &str) -> Vec<Value> {
    let page: Value = app
        .get(&format!("/orgs/{ORG}/batches/{batch}/rows"), Some(key))
        .await
        .json()
        .await
        .unwrap();
    page["items"].as_array().unwrap().clone()
}

async fn statuses(app: &TestApp, key: &str, batch: &str) -> Vec<String> {
    rows(app, key, batch)
        .await
        .iter()
        .map(|r| {
            r["delivery"]["status"]
                .as_str()
                .unwrap_or(r["state"].as_str().unwrap())
                .to_owned()
        })
        .collect()
}

async fn counts(app: &TestApp, key: &str, batch: &str) -> Value {
    let res = app
        .get(&format!("/orgs/{ORG}/batches/{batch}/delivery"), Some(key))
        .await;
    assert_eq!(res.status(), 200);
    res.json::<Value>().await.unwrap()["counts"].clone()
}

/// The mails of `kind` queued for `email`, newest first.
async fn mails(app: &TestApp, email: &str, kind: &str) -> Vec<atout_core::store::OutboxMessage> {
    app.store()
        .mail_to(email)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == kind)
        .collect()
}

/// The offer token of the link in a mail (`.../offers/{token}`).
fn link_token(body: &str) -> String {
    let start = body.find("/offers/").expect("an offer link") + "/offers/".len();
    body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

async fn post(app: &TestApp, path: &str, token: Option<&str>) -> reqwest::Response {
    let mut req = app.client.post(app.url(path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap()
}

/// A new bearer session (after the clock moved past the first one's).
async fn log_in(app: &TestApp, email: &str) -> String {
    let res = app
        .post_json(
            "/auth/login",
            None,
            &serde_json::json!({"email": email, "password": CITIZEN_PASSWORD, "session": "bearer"}),
        )
        .await;
    assert_eq!(res.status(), 200, "log in {email}");
    res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn drain(app: &TestApp) {
    let mailer = atout_core::mail::Mailer::Log;
    atout_core::mail::drain_outbox(app.store().as_ref(), app.clock.as_ref(), &mailer).await;
}

async fn holder_did(app: &TestApp, email: &str) -> String {
    app.store()
        .citizen_by_email(email)
        .await
        .unwrap()
        .unwrap()
        .holder_did
}

#[tokio::test]
async fn a_delivering_batch_offers_mails_binds_and_reports_each_row() {
    let s = setup(&[]).await;
    let app = &s.app;
    // Accounts: alice (by her e-mail column), carol (named by her DID in
    // `holder`), dave (who will decline).
    let alice = app.sign_up("alice@example.org").await;
    verify_email(app, "alice@example.org").await;
    let carol = app.sign_up("carol@example.org").await;
    verify_email(app, "carol@example.org").await;
    let carol_did = holder_did(app, "carol@example.org").await;
    let dave = app.sign_up("dave@example.org").await;
    verify_email(app, "dave@example.org").await;
    let mut csv = String::from(HEADER);
    csv.push('\n');
    csv.push_str(&line("R-1", "Alice@Example.org", "", "Alice"));
    csv.push_str(&line("R-2", "bob@example.org", "", "Bob"));
    csv.push_str(&line("R-3", "", &carol_did, "Carol"));
    csv.push_str(&line("R-4", "", BARE_DID, "Didier"));
    csv.push_str(&line("R-5", "", "", "Eve"));
    csv.push_str(&line("R-6", "dave@example.org", "", "Dave"));
    let batch = run(
        app,
        &s.key,
        &format!("template={}&deliver=true", s.template),
        csv.clone(),
    )
    .await;
    let id = batch["id"].as_str().unwrap().to_owned();
    assert_eq!(batch["offered"], 4, "{batch}");
    assert_eq!(batch["issued"], 2, "{batch}");
    assert_eq!(batch["failed"], 0);
    let report = rows(app, &s.key, &id).await;
    let states: Vec<&str> = report
        .iter()
        .map(|r| r["state"].as_str().unwrap())
        .collect();
    assert_eq!(
        states,
        ["offered", "offered", "offered", "issued", "issued", "offered"]
    );
    assert_eq!(
        statuses(app, &s.key, &id).await,
        ["queued", "queued", "queued", "issued", "issued", "queued"]
    );
    // Carol's offer goes to her account's address.
    assert_eq!(report[2]["delivery"]["email"], "carol@example.org");
    assert_eq!(report[2]["holder"], carol_did.as_str());

    // The bare DID: issued bound to it at once; the row without recipient
    // is bound to no one (as before delivery existed).
    let bound = app
        .store()
        .get_issued_credential(report[3]["credential_ref"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    let body: Value = serde_json::from_str(&bound.body).unwrap();
    assert_eq!(body["credentialSubject"]["id"], BARE_DID);
    let unbound = app
        .store()
        .get_issued_credential(report[4]["credential_ref"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    let body: Value = serde_json::from_str(&unbound.body).unwrap();
    assert!(body["credentialSubject"].get("id").is_none());

    // One mail per offer, in French (the default), with the
    // organisation's name, the link and the OpenID4VCI offer.
    let mail = &mails(app, "alice@example.org", "offer").await[0];
    assert!(
        mail.subject.contains("Université Exemple"),
        "{}",
        mail.subject
    );
    assert!(mail.subject.contains("Diplôme"), "{}", mail.subject);
    assert!(mail.body.contains("Bonjour"));
    assert!(mail.body.contains("openid-credential-offer://"));
    assert!(mail.citizen_id.is_some());
    assert_eq!(mails(app, "bob@example.org", "offer").await.len(), 1);
    assert!(mails(app, "bob@example.org", "offer").await[0]
        .citizen_id
        .is_none());
    assert_eq!(count_rows(app, "outbox WHERE kind = 'offer'").await, 4);

    // Sent, then opened.
    drain(app).await;
    assert_eq!(
        statuses(app, &s.key, &id).await,
        ["sent", "sent", "sent", "issued", "issued", "sent"]
    );
    let token = link_token(&mail.body);
    let link: Value = app
        .get(&format!("/offers/{token}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(link["state"], "pending");
    assert!(link["openid4vci"]["offerByReferenceUri"]
        .as_str()
        .unwrap()
        .starts_with("openid-credential-offer://"));
    assert_eq!(statuses(app, &s.key, &id).await[0], "opened");

    // Alice accepts from her link: bound to her DID, in her wallet, with
    // the row's reference in the registry.
    let res = post(app, &format!("/wallet/offers/{token}/accept"), Some(&alice)).await;
    assert_eq!(res.status(), 201);
    let held: Value = res.json().await.unwrap();
    assert_eq!(
        held["credential"]["credentialSubject"]["id"],
        holder_did(app, "alice@example.org").await.as_str()
    );
    assert_eq!(
        held["credential"]["credentialSubject"]["givenName"],
        "Alice"
    );
    let wallet: Value = app
        .get("/wallet/holdings", Some(&alice))
        .await
        .json()
        .await
        .unwrap();
    assert!(wallet.to_string().contains(held["id"].as_str().unwrap()));
    let report = rows(app, &s.key, &id).await;
    assert_eq!(report[0]["delivery"]["status"], "accepted");
    let issued = app
        .store()
        .get_issued_credential(report[0]["delivery"]["credentialRef"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(issued.reference.as_deref(), Some("R-1"));
    // The link again: accepted, not withdrawn, and it is hers.
    let again = assert_problem(
        app.get(&format!("/wallet/offers/{token}"), Some(&alice))
            .await,
        410,
    )
    .await;
    assert_eq!(again["state"], "accepted");
    assert_eq!(again["yours"], true);

    // Carol finds hers in her wallet's offers, and accepts it by id.
    let offers: Value = app
        .get("/wallet/offers", Some(&carol))
        .await
        .json()
        .await
        .unwrap();
    let offer_id = offers["items"][0]["id"].as_str().unwrap().to_owned();
    let res = post(
        app,
        &format!("/wallet/offers/{offer_id}/accept"),
        Some(&carol),
    )
    .await;
    assert_eq!(res.status(), 201);
    let held: Value = res.json().await.unwrap();
    assert_eq!(
        held["credential"]["credentialSubject"]["id"],
        carol_did.as_str()
    );

    // Dave declines.
    let dave_token = link_token(&mails(app, "dave@example.org", "offer").await[0].body);
    let res = post(
        app,
        &format!("/wallet/offers/{dave_token}/decline"),
        Some(&dave),
    )
    .await;
    assert_eq!(res.status(), 204);

    // Bob's is withdrawn (one row): his link stops working.
    let res = post(
        app,
        &format!("/orgs/{ORG}/batches/{id}/rows/2/withdraw"),
        Some(&s.key),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["count"], 1);
    assert_eq!(
        statuses(app, &s.key, &id).await,
        [
            "accepted",
            "withdrawn",
            "accepted",
            "issued",
            "issued",
            "declined"
        ]
    );
    let c = counts(app, &s.key, &id).await;
    assert_eq!(
        (
            c["accepted"].as_i64(),
            c["declined"].as_i64(),
            c["withdrawn"].as_i64(),
            c["sent"].as_i64()
        ),
        (Some(2), Some(1), Some(1), Some(0))
    );
    // Nothing left to resend or withdraw; one row: 409 with its status.
    let res = post(
        app,
        &format!("/orgs/{ORG}/batches/{id}/resend"),
        Some(&s.key),
    )
    .await;
    assert_eq!(res.json::<Value>().await.unwrap()["count"], 0);
    let problem = assert_problem(
        post(
            app,
            &format!("/orgs/{ORG}/batches/{id}/rows/1/resend"),
            Some(&s.key),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(problem["delivery"], "accepted");

    // The same file again: every reference is skipped, no mail goes out.
    let before = count_rows(app, "outbox").await;
    let again = run(
        app,
        &s.key,
        &format!("template={}&deliver=true", s.template),
        csv,
    )
    .await;
    assert_eq!(
        (again["skipped"].as_i64(), again["offered"].as_i64()),
        (Some(6), Some(0))
    );
    assert_eq!(count_rows(app, "outbox").await, before);
    s.app.stop().await;
}

#[tokio::test]
async fn without_deliver_the_email_is_only_recorded_and_english_mails_are_english() {
    let s = setup(&[]).await;
    let app = &s.app;
    let mut csv = String::from(HEADER);
    csv.push('\n');
    csv.push_str(&line("R-1", "renee@example.org", "", "Renée"));
    let batch = run(app, &s.key, &format!("template={}", s.template), csv).await;
    assert_eq!(
        (batch["issued"].as_i64(), batch["offered"].as_i64()),
        (Some(1), Some(0))
    );
    assert_eq!(count_rows(app, "outbox").await, 0);

    let mut csv = String::from(HEADER);
    csv.push('\n');
    csv.push_str(&line("R-2", "renee@example.org", "", "Renée"));
    let batch = run(
        app,
        &s.key,
        &format!("template={}&deliver=true&lang=en&ttl_days=30", s.template),
        csv,
    )
    .await;
    assert_eq!(batch["offered"], 1);
    let mail = &mails(app, "renee@example.org", "offer").await[0];
    assert!(
        mail.subject.contains("Example University"),
        "{}",
        mail.subject
    );
    assert!(mail.body.starts_with("Hello"), "{}", mail.body);
    let id = batch["id"].as_str().unwrap();
    let report = rows(app, &s.key, id).await;
    let expires: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(report[0]["delivery"]["expiresAt"].clone()).unwrap();
    assert_eq!(expires, app.clock.now() + chrono::Duration::days(30));
    let summary: Value = app
        .get(&format!("/orgs/{ORG}/batches/{id}/delivery"), Some(&s.key))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(summary["lang"], "en");
    assert_eq!(summary["ttlDays"], 30);
    assert_eq!(summary["deliver"], true);
    s.app.stop().await;
}

#[tokio::test]
async fn expiry_reminder_resend_and_withdraw_all() {
    let s = setup(&[]).await;
    let app = &s.app;
    app.sign_up("renee@example.org").await;
    verify_email(app, "renee@example.org").await;
    let mut csv = String::from(HEADER);
    csv.push('\n');
    csv.push_str(&line("R-1", "renee@example.org", "", "Renée"));
    csv.push_str(&line("R-2", "paul@example.org", "", "Paul"));
    csv.push_str(&line("R-3", "zoe@example.org", "", "Zoé"));
    let batch = run(
        app,
        &s.key,
        &format!("template={}&deliver=true&ttl_days=20", s.template),
        csv,
    )
    .await;
    let id = batch["id"].as_str().unwrap().to_owned();
    let token = link_token(&mails(app, "renee@example.org", "offer").await[0].body);
    let t0 = app.clock.now();

    // Not yet due (7 days before expiry, default): nothing.
    app.clock.set(t0 + chrono::Duration::days(10));
    assert_eq!(
        atout_issuer::delivery::send_reminders(&app.state)
            .await
            .unwrap(),
        0
    );
    // Due: one reminder per offer, with the same link, and only once.
    app.clock.set(t0 + chrono::Duration::days(14));
    assert_eq!(
        atout_issuer::delivery::send_reminders(&app.state)
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        atout_issuer::delivery::send_reminders(&app.state)
            .await
            .unwrap(),
        0
    );
    let reminder = &mails(app, "renee@example.org", "offer-reminder").await[0];
    assert!(
        reminder.subject.starts_with("Rappel"),
        "{}",
        reminder.subject
    );
    assert_eq!(link_token(&reminder.body), token);

    // Expired: listed so, and the link refuses.
    app.clock.set(t0 + chrono::Duration::days(21));
    let renee = log_in(app, "renee@example.org").await;
    assert_eq!(
        statuses(app, &s.key, &id).await,
        ["expired", "expired", "expired"]
    );
    let gone = assert_problem(
        post(app, &format!("/wallet/offers/{token}/accept"), Some(&renee)).await,
        410,
    )
    .await;
    assert_eq!(gone["state"], "expired");

    // Resent (one row): the same link works again for 20 days from now,
    // a new mail is queued, and the reminder can come again (the link was
    // opened by the refused acceptance: it stays so).
    let res = post(
        app,
        &format!("/orgs/{ORG}/batches/{id}/rows/1/resend"),
        Some(&s.key),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["count"], 1);
    assert_eq!(mails(app, "renee@example.org", "offer").await.len(), 2);
    assert_eq!(
        statuses(app, &s.key, &id).await,
        ["opened", "expired", "expired"]
    );
    let res = post(app, &format!("/wallet/offers/{token}/accept"), Some(&renee)).await;
    assert_eq!(res.status(), 201);

    // Resend all: the two others (expired); then withdraw all.
    let res = post(
        app,
        &format!("/orgs/{ORG}/batches/{id}/resend"),
        Some(&s.key),
    )
    .await;
    assert_eq!(res.json::<Value>().await.unwrap()["count"], 2);
    assert_eq!(mails(app, "paul@example.org", "offer").await.len(), 2);
    let res = post(
        app,
        &format!("/orgs/{ORG}/batches/{id}/withdraw"),
        Some(&s.key),
    )
    .await;
    assert_eq!(res.json::<Value>().await.unwrap()["count"], 2);
    assert_eq!(
        statuses(app, &s.key, &id).await,
        ["accepted", "withdrawn", "withdrawn"]
    );
    let paul_token = link_token(&mails(app, "paul@example.org", "offer").await[0].body);
    let link: Value = app
        .get(&format!("/offers/{paul_token}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(link["state"], "cancelled");
    // A withdrawn offer gets no reminder.
    app.clock.set(app.clock.now() + chrono::Duration::days(14));
    assert_eq!(
        atout_issuer::delivery::send_reminders(&app.state)
            .await
            .unwrap(),
        0
    );
    let audit: Vec<String> = app
        .store()
        .list_audit(&atout_core::store::AuditFilter {
            org_id: Some(app.store().get_org_by_slug(ORG).await.unwrap().unwrap().id),
            before_seq: None,
            limit: 100,
        })
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(audit.contains(&"batch.offers_resent".to_owned()));
    assert!(audit.contains(&"batch.offers_withdrawn".to_owned()));
    s.app.stop().await;
}

/// A mail server that accepts the connection and refuses every recipient
/// (550), as a real server does for an unknown mailbox.
async fn refusing_smtp_server() -> std::net::SocketAddr {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 refusing.test ESMTP\r\n").await;
                while let Ok(Some(line)) = lines.next_line().await {
                    let verb = line.split_whitespace().next().unwrap_or("").to_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 refusing.test\r\n",
                        "RCPT" => b"550 5.1.1 No such mailbox\r\n",
                        "QUIT" => b"221 bye\r\n",
                        _ => b"250 OK\r\n",
                    };
                    if write.write_all(reply).await.is_err() || verb == "QUIT" {
                        break;
                    }
                }
            });
        }
    });
    addr
}

#[tokio::test]
async fn a_refused_address_bounces_and_can_be_resent() {
    let s = setup(&[]).await;
    let app = &s.app;
    let mut csv = String::from(HEADER);
    csv.push('\n');
    csv.push_str(&line("R-1", "nobody@example.org", "", "Nobody"));
    let batch = run(
        app,
        &s.key,
        &format!("template={}&deliver=true", s.template),
        csv,
    )
    .await;
    let id = batch["id"].as_str().unwrap().to_owned();
    let smtp = refusing_smtp_server().await;
    let dir = tempfile::tempdir().unwrap();
    let mut env = test_env(&app.db, dir.path(), &app.base);
    env.push(("ATOUT_MAIL_SENDER".into(), "smtp".into()));
    env.push(("ATOUT_SMTP_URL".into(), format!("smtp://{smtp}")));
    let config = atout_core::Config::load(None, env).unwrap();
    let mailer = atout_core::mail::Mailer::from_config(&config.wallet).unwrap();
    atout_core::mail::drain_outbox(app.store().as_ref(), app.clock.as_ref(), &mailer).await;
    let report = rows(app, &s.key, &id).await;
    assert_eq!(report[0]["delivery"]["status"], "bounced");
    assert!(report[0]["delivery"]["mailError"]
        .as_str()
        .unwrap()
        .contains("550"));
    assert_eq!(counts(app, &s.key, &id).await["bounced"], 1);
    // Never tried again.
    app.clock.set(app.clock.now() + chrono::Duration::days(1));
    assert!(app
        .store()
        .due_mail(app.clock.now(), 50)
        .await
        .unwrap()
        .is_empty());
    // Resending queues a new mail: queued again.
    let res = post(
        app,
        &format!("/orgs/{ORG}/batches/{id}/resend"),
        Some(&s.key),
    )
    .await;
    assert_eq!(res.json::<Value>().await.unwrap()["count"], 1);
    assert_eq!(statuses(app, &s.key, &id).await, ["queued"]);
    s.app.stop().await;
}

#[tokio::test]
async fn refused_callers_and_bad_input() {
    let s = setup(&[]).await;
    let app = &s.app;
    app.create_org("other").await;
    let (_, other) = app.create_api_key("other").await;
    let citizen = app.sign_up("renee@example.org").await;
    let mut csv = String::from(HEADER);
    csv.push('\n');
    csv.push_str(&line("R-1", "renee@example.org", "", "Renée"));
    csv.push_str(&line("R-2", "", "", "Paul"));
    let batch = run(
        app,
        &s.key,
        &format!("template={}&deliver=true", s.template),
        csv,
    )
    .await;
    let id = batch["id"].as_str().unwrap().to_owned();
    let routes = [
        ("GET", format!("/orgs/{ORG}/batches/{id}/delivery")),
        ("POST", format!("/orgs/{ORG}/batches/{id}/resend")),
        ("POST", format!("/orgs/{ORG}/batches/{id}/withdraw")),
        ("POST", format!("/orgs/{ORG}/batches/{id}/rows/1/resend")),
        ("POST", format!("/orgs/{ORG}/batches/{id}/rows/1/withdraw")),
    ];
    for (method, path) in &routes {
        let call = |token: Option<String>| {
            let mut req = app.client.request(method.parse().unwrap(), app.url(path));
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            req.send()
        };
        assert_problem(call(None).await.unwrap(), 401).await;
        assert_problem(call(Some("not-a-token".into())).await.unwrap(), 401).await;
        assert_problem(call(Some(other.clone())).await.unwrap(), 403).await;
        let res = call(Some(citizen.clone())).await.unwrap();
        assert!(
            [401, 403].contains(&res.status().as_u16()),
            "{method} {path}: a citizen gets {}",
            res.status()
        );
    }
    // Nothing was withdrawn or resent by the refused callers.
    assert_eq!(statuses(app, &s.key, &id).await, ["queued", "issued"]);
    assert_eq!(count_rows(app, "outbox WHERE kind = 'offer'").await, 1);
    // The admin may.
    let res = app
        .get(
            &format!("/orgs/{ORG}/batches/{id}/delivery"),
            Some(ADMIN_TOKEN),
        )
        .await;
    assert_eq!(res.status(), 200);

    // Unknown batch, row, or a row that is not an offer.
    for path in [
        format!("/orgs/{ORG}/batches/nope/resend"),
        format!("/orgs/{ORG}/batches/{}/withdraw", "x".repeat(500)),
        format!("/orgs/{ORG}/batches/{id}/rows/abc/resend"),
        format!("/orgs/{ORG}/batches/{id}/rows/0/withdraw"),
        format!("/orgs/{ORG}/batches/{id}/rows/-3/withdraw"),
        format!("/orgs/{ORG}/batches/{id}/rows/99999999999999999999/resend"),
        format!("/orgs/{ORG}/batches/{id}/rows/2/resend"),
        format!("/orgs/{ORG}/batches/{id}/rows/3/withdraw"),
    ] {
        assert_problem(post(app, &path, Some(&s.key)).await, 404).await;
    }
    assert_problem(
        app.get(&format!("/orgs/{ORG}/batches/nope/delivery"), Some(&s.key))
            .await,
        404,
    )
    .await;

    // Bad upload options and holders: refused whole, nothing written.
    let before = count_rows(app, "batches").await;
    let one = format!("{HEADER}\n{}", line("R-9", "x@example.org", "", "X"));
    for (query, status) in [
        (format!("template={}&deliver=maybe", s.template), 400),
        (format!("template={}&deliver=true&lang=de", s.template), 422),
        (
            format!("template={}&deliver=true&ttl_days=0", s.template),
            422,
        ),
        (
            format!("template={}&deliver=true&ttl_days=400", s.template),
            422,
        ),
        (
            format!("template={}&deliver=true&ttl_days=-1", s.template),
            400,
        ),
        (
            format!("template={}&deliver=true&format=dc%2Bsd-jwt", s.template),
            422,
        ),
    ] {
        assert_problem(upload(app, &s.key, &query, one.clone()).await, status).await;
    }
    for holder in [
        "did:",
        "did:Key:x",
        "renee",
        "\"a b@example.org\"",
        &format!("did:key:{}", "z".repeat(600)),
    ] {
        let body = format!("{HEADER}\n{}", line("R-9", "", holder, "X"));
        let problem = assert_problem(
            upload(app, &s.key, &format!("template={}", s.template), body).await,
            422,
        )
        .await;
        assert_eq!(problem["errors"][0]["row"], 1, "{holder}: {problem}");
        assert!(
            problem["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("holder"),
            "{problem}"
        );
    }
    assert_eq!(count_rows(app, "batches").await, before);
    s.app.stop().await;
}

/// Kill -9 in the middle of a delivering run (the `atout issue --deliver`
/// process), then run it again and resume the killed batch: every row is
/// offered or issued exactly once, and every offer has exactly one mail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_delivering_run_never_mails_twice_nor_loses_a_row() {
    let s = setup(&[]).await;
    let app = &s.app;
    let raw = RawDb::open(&app.db).await;
    let total = 4000;
    let mut csv = String::from(HEADER);
    csv.push('\n');
    // Every other row mailed; the others are signed (which takes time).
    for i in 0..total {
        let email = if i % 2 == 0 {
            format!("etu{i}@example.org")
        } else {
            String::new()
        };
        csv.push_str(&line(&format!("R-{i:05}"), &email, "", &format!("E{i}")));
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("graduates.csv");
    std::fs::write(&file, &csv).unwrap();
    let command = || {
        let mut cmd = app.command();
        cmd.args([
            "issue",
            "--org",
            ORG,
            "--template",
            &s.template,
            "--deliver",
            "--csv",
        ])
        .arg(&file)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
        cmd
    };
    let mut child = command().spawn().unwrap();
    let mut offers = 0;
    for _ in 0..6000 {
        offers = raw.count("SELECT COUNT(*) FROM offers").await;
        if offers >= 256 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let status = std::process::Command::new("kill")
        .args(["-KILL", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let _ = child.wait().unwrap();
    let offers_after_kill = raw.count("SELECT COUNT(*) FROM offers").await;
    let issued_after_kill = raw.count("SELECT COUNT(*) FROM issued_credentials").await;
    assert!(offers >= 256, "some chunks were written before the kill");
    assert!(
        offers_after_kill + issued_after_kill < total as i64,
        "the kill came before the end"
    );
    // Whole chunks only: as many mails as offers, and whole chunks of rows.
    assert_eq!(
        raw.count("SELECT COUNT(*) FROM outbox WHERE kind = 'offer'")
            .await,
        offers_after_kill
    );
    assert_eq!((offers_after_kill + issued_after_kill) % 512, 0);

    // Run again: the rest, nothing twice.
    let out = command().output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        summary["skipped"].as_i64().unwrap(),
        offers_after_kill + issued_after_kill
    );
    // The killed batch resumes too, once its lease has expired.
    app.clock
        .set(atout_core::SystemClock.now() + chrono::Duration::hours(1));
    atout_issuer::batches::resume_orphans(app.state.clone()).await;
    assert_eq!(
        raw.count("SELECT COUNT(*) FROM batches WHERE state = 'done'")
            .await,
        2
    );
    assert_eq!(
        raw.count("SELECT COUNT(*) FROM offers").await,
        (total / 2) as i64
    );
    assert_eq!(
        raw.count("SELECT COUNT(*) FROM outbox WHERE kind = 'offer'")
            .await,
        (total / 2) as i64
    );
    assert_eq!(
        raw.count("SELECT COUNT(DISTINCT recipient) FROM outbox")
            .await,
        (total / 2) as i64
    );
    assert_eq!(
        raw.count("SELECT COUNT(*) FROM issued_credentials").await,
        (total / 2) as i64
    );
    raw.close().await;
    s.app.stop().await;
}
