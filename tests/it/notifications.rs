//! Notifications (issue 19), over real HTTP on both databases: each hook
//! writes its notice (a revocation with its reason reaches the holder in
//! the app at once); the worker mails per the recipient's preferences, in
//! their language, with a plain-text part, an HTML part and a one-click
//! unsubscribe (RFC 8058) that turns that kind off (a bad link: 404);
//! shares opened are grouped (one mail a day at most); organisations'
//! notices and their address; nobody reads or marks another's; the pages
//! in French and English with the menu's badge.

use crate::archive::{entry, get_json};
use crate::common::*;
use crate::invitations::{as_invited, confirm, invite, link_path};
use crate::offers::{token_of, verify_email, Setup, ORG};
use crate::pages::Visitor;
use atout_core::notify::{Kind, Notice};
use atout_core::store::OutboxMessage;
use atout_core::Clock;
use atout_news::notifications::{mail_pending_once, sweep_once};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A citizen with a confirmed address; their bearer token.
async fn verified(app: &TestApp, email: &str) -> String {
    let token = app.sign_up(email).await;
    verify_email(app, email).await;
    token
}

async fn notices(app: &TestApp, token: &str) -> Value {
    get_json(app, "/wallet/notifications", token).await
}

/// The notices of a kind in a list.
fn of_kind<'a>(list: &'a Value, kind: &str) -> Vec<&'a Value> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == kind)
        .collect()
}

/// The mails of a kind (`notify-<kind>`) queued for an address.
async fn mails(app: &TestApp, to: &str, kind: &str) -> Vec<OutboxMessage> {
    app.store()
        .mail_to(to)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == format!("notify-{kind}"))
        .collect()
}

/// An offer by email accepted: the holding's id and the credential's id.
async fn held(s: &Setup, email: &str, citizen: &str) -> (String, String) {
    let offer = s.offer(json!({"email": email})).await;
    let res = s
        .app
        .client
        .post(
            s.app
                .url(&format!("/wallet/offers/{}/accept", token_of(&offer))),
        )
        .bearer_auth(citizen)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let holding: Value = res.json().await.unwrap();
    (
        holding["id"].as_str().unwrap().to_owned(),
        holding["credential"]["id"].as_str().unwrap().to_owned(),
    )
}

async fn set_status(s: &Setup, credential: &str, purpose: &str, on: bool, reason: Option<&str>) {
    let mut body = json!({"credentialId": credential, "credentialStatus": [
        {"type": "BitstringStatusListEntry", "status": on, "statusPurpose": purpose}]});
    if let Some(r) = reason {
        body["reason"] = json!(r);
    }
    let res = s
        .app
        .post_json("/credentials/status", Some(&s.key), &body)
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}

#[tokio::test]
async fn a_revocation_with_its_reason_reaches_the_holder_at_once_then_by_mail() {
    let s = Setup::new(&[]).await;
    let app = &s.app;
    let renee = verified(app, "renee@example.org").await;
    let (holding, credential) = held(&s, "renee@example.org", &renee).await;

    // The offer itself was a notice (not mailed twice: the offer's own
    // mail went to that address).
    let list = notices(app, &renee).await;
    let offered = of_kind(&list, "credential-offered");
    assert_eq!(offered.len(), 1, "{list}");
    assert!(offered[0]["text"]
        .as_str()
        .unwrap()
        .contains("Université Exemple"));
    assert!(offered[0]["link"]
        .as_str()
        .unwrap()
        .starts_with("/me/offers/"));

    set_status(
        &s,
        &credential,
        "revocation",
        true,
        Some("Diplôme obtenu par fraude <b>"),
    )
    .await;
    // In the app at once, with the reason.
    let list = notices(app, &renee).await;
    let revoked = of_kind(&list, "credential-revoked");
    assert_eq!(revoked.len(), 1, "{list}");
    let text = revoked[0]["text"].as_str().unwrap();
    assert!(text.contains("Université Exemple a révoqué"), "{text}");
    assert!(
        text.contains("Motif : Diplôme obtenu par fraude <b>"),
        "{text}"
    );
    assert_eq!(revoked[0]["link"], format!("/me/credentials/{holding}"));
    assert_eq!(revoked[0]["read"], false);
    assert_eq!(list["unread"], 2);
    // The menu's count.
    let me = get_json(app, "/wallet/me", &renee).await;
    assert_eq!(me["unreadNotifications"], 2);

    // By mail, in French (the default), once.
    assert_eq!(mail_pending_once(&app.state).await, 1);
    assert_eq!(mail_pending_once(&app.state).await, 0);
    assert!(mails(app, "renee@example.org", "credential-offered")
        .await
        .is_empty());
    let mail = mails(app, "renee@example.org", "credential-revoked").await;
    assert_eq!(mail.len(), 1);
    let m = &mail[0];
    assert_eq!(m.subject, "Une de vos attestations a été révoquée");
    assert!(m.body.starts_with("Bonjour renee,"), "{}", m.body);
    assert!(m.body.contains("Motif : Diplôme obtenu par fraude <b>"));
    assert!(m
        .body
        .contains(&app.url(&format!("/me/credentials/{holding}"))));
    assert!(m.body.contains(&app.url("/me/notifications/preferences")));
    let unsubscribe = m.unsubscribe_url.clone().unwrap();
    assert!(unsubscribe.starts_with(&app.url("/unsubscribe/")));
    assert!(m.body.contains(&unsubscribe));
    let html = m.html.as_deref().unwrap();
    assert!(html.contains("<html lang=\"fr\">"));
    assert!(html.contains("fraude &lt;b&gt;"), "{html}");
    assert!(!html.contains("fraude <b>"));
    assert!(html.contains(&format!("href=\"{unsubscribe}\"")));
    s.app.stop().await;
}

#[tokio::test]
async fn mails_follow_the_preferences_and_the_language_with_both_parts_and_the_unsubscribe_headers()
{
    let s = Setup::new(&[]).await;
    let app = &s.app;
    let renee = verified(app, "renee@example.org").await;
    let (_, credential) = held(&s, "renee@example.org", &renee).await;

    // English, and no mail for suspensions.
    let res = app
        .client
        .put(app.url("/wallet/notifications/preferences"))
        .bearer_auth(&renee)
        .json(&json!({"lang": "en", "mail": {"credential-suspended": false}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let prefs: Value = res.json().await.unwrap();
    assert_eq!(prefs["lang"], "en");
    let kind = |k: &str| {
        prefs["kinds"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["kind"] == k)
            .unwrap()
            .clone()
    };
    assert_eq!(kind("credential-suspended")["mail"], false);
    assert_eq!(kind("credential-revoked")["mail"], true);
    assert_eq!(kind("digest")["mail"], false, "the digest is opt-in");
    assert_eq!(kind("digest")["default"], false);
    // Bad input: a precise error.
    for (body, field) in [
        (json!({"lang": "de"}), "lang"),
        (json!({"mail": {"request-received": true}}), "mail"),
        (json!({"mail": {"nope": true}}), "mail"),
    ] {
        let res = app
            .client
            .put(app.url("/wallet/notifications/preferences"))
            .bearer_auth(&renee)
            .json(&body)
            .send()
            .await
            .unwrap();
        let problem = assert_problem(res, 422).await;
        assert_eq!(problem["field"], field);
    }

    set_status(&s, &credential, "suspension", true, None).await;
    assert_eq!(
        mail_pending_once(&app.state).await,
        0,
        "suspensions: in the app only"
    );
    assert!(mails(app, "renee@example.org", "credential-suspended")
        .await
        .is_empty());
    assert_eq!(
        of_kind(&notices(app, &renee).await, "credential-suspended").len(),
        1
    );

    set_status(&s, &credential, "suspension", false, None).await;
    assert_eq!(mail_pending_once(&app.state).await, 1);
    let m = mails(app, "renee@example.org", "credential-reinstated")
        .await
        .pop()
        .unwrap();
    assert_eq!(m.subject, "One of your credentials was reinstated");
    assert!(m.body.starts_with("Hello renee,"), "{}", m.body);
    assert!(m
        .body
        .contains("Example University reinstated your credential"));
    assert!(m.body.contains("Diplôme national de master") || m.body.contains("Master"));
    let html = m.html.clone().unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    let url = m.unsubscribe_url.clone().unwrap();

    // The message as the SMTP sender builds it, read back by Python's
    // e-mail parser: multipart/alternative, plain text then HTML, and the
    // RFC 8058 headers.
    let from = "Atout <noreply@example.org>".parse().unwrap();
    let raw = atout_core::mail::build_message(&from, &m)
        .unwrap()
        .formatted();
    let dir = tempfile::tempdir().unwrap();
    let eml = dir.path().join("mail.eml");
    std::fs::write(&eml, &raw).unwrap();
    let script = r#"
import email, email.policy, json, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
parts = [(p.get_content_type(), p.get_content()) for p in m.iter_parts()]
print(json.dumps({"type": m.get_content_type(), "unsubscribe": m["List-Unsubscribe"],
  "post": m["List-Unsubscribe-Post"], "subject": m["Subject"], "parts": parts}))
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(&eml)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let parsed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(parsed["type"], "multipart/alternative");
    assert_eq!(parsed["unsubscribe"], format!("<{url}>"));
    assert_eq!(parsed["post"], "List-Unsubscribe=One-Click");
    assert_eq!(parsed["subject"], "One of your credentials was reinstated");
    assert_eq!(parsed["parts"][0][0], "text/plain");
    assert_eq!(parsed["parts"][1][0], "text/html");
    assert!(parsed["parts"][0][1]
        .as_str()
        .unwrap()
        .contains("Hello renee,"));
    assert!(parsed["parts"][1][1]
        .as_str()
        .unwrap()
        .contains("<html lang=\"en\">"));

    // The development mail folder writes the same headers, and the HTML
    // part beside the text.
    let folder = dir.path().join("mail");
    atout_core::mail::Mailer::Folder(folder.clone())
        .send(&m)
        .await
        .unwrap();
    let mut files: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 2, "{files:?}");
    let html_file = files
        .iter()
        .find(|f| f.extension().unwrap() == "html")
        .unwrap();
    let text_file = files
        .iter()
        .find(|f| f.extension().unwrap() == "txt")
        .unwrap();
    let text = std::fs::read_to_string(text_file).unwrap();
    assert!(text.starts_with("To: renee@example.org\n"));
    assert!(text.contains(&format!("\nList-Unsubscribe: <{url}>\n")));
    assert!(text.contains("\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\n"));
    assert_eq!(std::fs::read_to_string(html_file).unwrap(), html);
    s.app.stop().await;
}

#[tokio::test]
async fn the_one_click_unsubscribe_turns_that_kind_off_and_a_bad_link_is_404() {
    let s = Setup::new(&[]).await;
    let app = &s.app;
    let renee = verified(app, "renee@example.org").await;
    let (_, credential) = held(&s, "renee@example.org", &renee).await;
    set_status(&s, &credential, "suspension", true, None).await;
    assert_eq!(mail_pending_once(&app.state).await, 1);
    let url = mails(app, "renee@example.org", "credential-suspended")
        .await
        .pop()
        .unwrap()
        .unsubscribe_url
        .unwrap();
    let path = url.strip_prefix(&app.base).unwrap().to_owned();

    // The confirmation page, in the mail's language, posts to the same URL.
    let mut v = Visitor::new(app);
    v.lang = "en";
    let page = v.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    page.expect("<html lang=\"fr\"")
        .expect("Ne plus recevoir par courriel : Une de mes attestations est suspendue ?")
        .expect(&format!("action=\"{path}\""));

    // A mail client's one-click POST (RFC 8058).
    for _ in 0..2 {
        let res = app
            .client
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("List-Unsubscribe=One-Click")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "again: still 200");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["kinds"], json!(["credential-suspended"]));
    }
    let prefs = get_json(app, "/wallet/notifications/preferences", &renee).await;
    let suspended = prefs["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kind"] == "credential-suspended")
        .unwrap();
    assert_eq!(suspended["mail"], false);
    set_status(&s, &credential, "suspension", false, None).await;
    set_status(&s, &credential, "suspension", true, None).await;
    assert_eq!(
        mail_pending_once(&app.state).await,
        1,
        "the reinstatement only"
    );
    assert_eq!(
        mails(app, "renee@example.org", "credential-suspended")
            .await
            .len(),
        1
    );

    // The page's button: back to the page, which says it is done.
    let res = v
        .post(&path, &[("List-Unsubscribe", "One-Click"), ("page", "1")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let done = v.get(res.location().unwrap()).await;
    assert_eq!(done.status, StatusCode::OK);
    done.expect("vous ne recevrez plus de courriels pour : Une de mes attestations est suspendue");
    let done = v.get(&format!("{path}?done=1&lang=en")).await;
    done.expect("<html lang=\"en\"")
        .expect("Done: you will no longer receive mails for: One of my credentials is suspended.");

    // Links that are not ours.
    let mut tampered = path.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    for bad in [tampered.as_str(), "/unsubscribe/nope", "/unsubscribe/AAAA"] {
        let res = app
            .client
            .post(app.url(bad))
            .body("List-Unsubscribe=One-Click")
            .send()
            .await
            .unwrap();
        assert_problem(res, 404).await;
        assert_eq!(v.get(bad).await.status, StatusCode::NOT_FOUND);
    }
    s.app.stop().await;
}

#[tokio::test]
async fn shares_opened_are_grouped_in_one_mail_a_day() {
    let app = TestApp::spawn().await;
    let owner = verified(&app, "owner@example.org").await;
    let id = entry(
        &app,
        &owner,
        json!({"kind": "skill", "title": "Menuiserie"}),
    )
    .await;
    let mut links = Vec::new();
    for label in ["Pour Dupont SA", "Pour la mairie", "Pour l’agence"] {
        let res = app
            .post_json(
                "/wallet/shares",
                Some(&owner),
                &json!({"label": label, "entries": [id]}),
            )
            .await;
        assert_eq!(res.status(), 201);
        let share: Value = res.json().await.unwrap();
        let url = share["url"].as_str().unwrap();
        links.push(url[url.find("/s/").unwrap()..].to_owned());
    }
    let open = |path: String| {
        let app = &app;
        async move {
            let res = app.get(&path, None).await;
            assert_eq!(res.status(), 200, "{path}");
        }
    };
    open(links[0].clone()).await;
    open(links[1].clone()).await;
    // The same share again the same day: one notice.
    open(links[0].clone()).await;
    let list = notices(&app, &owner).await;
    assert_eq!(of_kind(&list, "share-opened").len(), 2, "{list}");

    // Two openings: one mail listing both.
    assert_eq!(mail_pending_once(&app.state).await, 1);
    let mail = mails(&app, "owner@example.org", "opened").await;
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].subject, "Vos partages ont été consultés");
    assert!(
        mail[0].body.contains("« Pour Dupont SA »"),
        "{}",
        mail[0].body
    );
    assert!(mail[0].body.contains("« Pour la mairie »"));
    assert!(mail[0].html.as_deref().unwrap().contains("<ul>"));

    // A third the same day: no mail until the next day.
    open(links[2].clone()).await;
    assert_eq!(mail_pending_once(&app.state).await, 0);
    app.clock.advance(chrono::Duration::hours(12));
    assert_eq!(mail_pending_once(&app.state).await, 0);
    app.clock.advance(chrono::Duration::hours(12));
    assert_eq!(mail_pending_once(&app.state).await, 1);
    let mail = mails(&app, "owner@example.org", "opened").await;
    assert_eq!(mail.len(), 2);
    let newest = mail.iter().max_by_key(|m| m.created_at).unwrap();
    assert!(newest.body.contains("« Pour l’agence »"));
    assert!(!newest.body.contains("Pour Dupont SA"));
    // Its unsubscribe link stops shares opened.
    let res = app
        .client
        .post(newest.unsubscribe_url.as_deref().unwrap())
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["kinds"], json!(["share-opened"]));
    app.stop().await;
}

#[tokio::test]
async fn each_hook_writes_its_notice_and_organisations_are_told() {
    let s = Setup::new(&[]).await;
    let app = &s.app;
    let owner = verified(app, "owner@example.org").await;
    let covered = entry(
        app,
        &owner,
        json!({"kind": "experience", "title": "Charpentière", "startDate": "2015"}),
    )
    .await;

    // An invitation accepted, a suggestion, an endorsement.
    let invitation = invite(
        app,
        &owner,
        json!({"email": "pair@example.org", "role": "certifier", "entries": [covered]}),
    )
    .await;
    let path = link_path(&invitation);
    let session = confirm(app, &path, "pair@example.org", "Paul Pair").await;
    let res = as_invited(
        app,
        "POST",
        &format!("{path}/endorsements"),
        &session,
        Some(json!({"entryId": covered, "comment": "Excellente charpentière"})),
    )
    .await;
    assert_eq!(res.status(), 201);
    let contributor = invite(
        app,
        &owner,
        json!({"email": "collegue@example.org", "role": "contributor", "entries": [covered]}),
    )
    .await;
    let cpath = link_path(&contributor);
    let csession = confirm(app, &cpath, "collegue@example.org", "Chloé").await;
    let res = as_invited(
        app,
        "POST",
        &format!("{cpath}/suggestions"),
        &csession,
        Some(json!({"kind": "comment", "entryId": covered, "text": "Bravo"})),
    )
    .await;
    assert_eq!(res.status(), 201);

    // A certification request: the organisation is told; its decision,
    // with its reason, the citizen.
    let res = app
        .post_json(
            "/wallet/certification-requests",
            Some(&owner),
            &json!({"entryId": covered, "org": ORG}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let request: Value = res.json().await.unwrap();
    let request_id = request["id"].as_str().unwrap();
    let res = app
        .post_json(
            &format!("/orgs/{ORG}/certification-requests/{request_id}/reject"),
            Some(&s.key),
            &json!({"reason": "Pièces manquantes"}),
        )
        .await;
    assert_eq!(res.status(), 200);

    // An offer declined; another left to expire.
    let offer = s.offer(json!({"email": "owner@example.org"})).await;
    let res = app
        .client
        .post(app.url(&format!("/wallet/offers/{}/decline", token_of(&offer))))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    s.offer(json!({"email": "absent@example.org", "expiresInSecs": 120}))
        .await;

    // A credential that ends within 30 days.
    let citizen = app
        .store()
        .citizen_by_email("owner@example.org")
        .await
        .unwrap()
        .unwrap();
    let now = app.clock.now();
    app.store()
        .insert_holding(&atout_core::store::HoldingRecord {
            id: "h-expiring".into(),
            citizen_id: citizen.id.clone(),
            format: "ldp_vc".into(),
            body: "{}".into(),
            credential_id: Some("urn:uuid:expiring".into()),
            issuer: "did:example:issuer".into(),
            types: "[\"VerifiableCredential\"]".into(),
            title: "Habilitation électrique".into(),
            valid_from: None,
            valid_until: Some(now + chrono::Duration::days(10)),
            source: "import".into(),
            tags: "[]".into(),
            import_report: None,
            received_at: now,
        })
        .await
        .unwrap();
    app.clock.advance(chrono::Duration::minutes(5));
    assert!(sweep_once(&app.state).await >= 2);
    assert_eq!(sweep_once(&app.state).await, 0, "each once");

    let list = notices(app, &owner).await;
    assert_eq!(of_kind(&list, "invitation-accepted").len(), 2, "{list:#}");
    for kind in [
        "endorsement-received",
        "suggestion-received",
        "request-decided",
        "credential-offered",
        "credential-expiring",
    ] {
        assert_eq!(of_kind(&list, kind).len(), 1, "{kind}: {list:#}");
    }
    let text = |kind: &str| of_kind(&list, kind)[0]["text"].as_str().unwrap().to_owned();
    let accepted: Vec<&str> = of_kind(&list, "invitation-accepted")
        .iter()
        .map(|n| n["text"].as_str().unwrap())
        .collect();
    assert!(
        accepted.contains(&"Paul Pair a accepté votre invitation (certification)."),
        "{accepted:?}"
    );
    assert!(
        accepted.contains(&"Chloé a accepté votre invitation (contribution)."),
        "{accepted:?}"
    );
    assert!(text("endorsement-received").contains("Paul Pair a recommandé « Charpentière »"));
    assert!(text("suggestion-received").contains("Chloé a laissé un commentaire"));
    assert!(text("request-decided")
        .contains("Université Exemple a refusé de certifier « Charpentière »"));
    assert!(text("request-decided").contains("Motif : Pièces manquantes"));
    assert!(text("credential-expiring")
        .contains("« Habilitation électrique » cesse d’être valable le 25 janvier 2026"));
    assert_eq!(
        of_kind(&list, "credential-expiring")[0]["link"],
        "/me/credentials/h-expiring"
    );

    // The organisation's notices.
    let org = get_json(app, &format!("/orgs/{ORG}/notifications?lang=en"), &s.key).await;
    let kinds: Vec<&str> = org["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    for kind in ["request-received", "offer-declined", "offer-expired"] {
        assert!(kinds.contains(&kind), "{kind}: {org:#}");
    }
    assert_eq!(org["unread"], 3);
    assert_eq!(org["notifyEmail"], Value::Null);
    let org_text = |kind: &str| {
        org["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["kind"] == kind)
            .unwrap()["text"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(org_text("request-received").contains("owner asks you to certify “Charpentière”"));
    assert!(org_text("offer-declined").contains("owner@example.org declined your offer"));
    assert!(org_text("offer-expired").contains("to absent@example.org expired"));
    let req = org["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "request-received")
        .unwrap();
    assert_eq!(
        req["link"],
        format!("/console/orgs/{ORG}/requests/{request_id}")
    );

    // Without an address, the console only; then mailed there, in French
    // and English, with an unsubscribe link that removes the address.
    mail_pending_once(&app.state).await;
    let res = app
        .client
        .put(app.url(&format!("/orgs/{ORG}/notifications/email")))
        .bearer_auth(&s.key)
        .json(&json!({"notifyEmail": "pas une adresse"}))
        .send()
        .await
        .unwrap();
    assert_eq!(assert_problem(res, 422).await["field"], "notifyEmail");
    let res = app
        .client
        .put(app.url(&format!("/orgs/{ORG}/notifications/email")))
        .bearer_auth(&s.key)
        .json(&json!({"notifyEmail": "Scolarite@Example.org"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<Value>().await.unwrap()["notifyEmail"],
        "scolarite@example.org"
    );
    let offer = s.offer(json!({"email": "owner@example.org"})).await;
    let res = app
        .client
        .post(app.url(&format!("/wallet/offers/{}/decline", token_of(&offer))))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert!(mail_pending_once(&app.state).await >= 1);
    let mail = mails(app, "scolarite@example.org", "offer-declined").await;
    assert_eq!(mail.len(), 1, "only what came after the address");
    assert_eq!(
        mail[0].subject,
        "Une offre a été refusée / An offer was declined"
    );
    assert!(mail[0]
        .body
        .contains("owner@example.org a refusé votre offre"));
    assert!(mail[0]
        .body
        .contains("owner@example.org declined your offer"));
    assert!(mail[0]
        .body
        .contains(&app.url(&format!("/console/orgs/{ORG}/notices"))));
    let res = app
        .client
        .post(mail[0].unsubscribe_url.as_deref().unwrap())
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let org = get_json(app, &format!("/orgs/{ORG}/notifications"), &s.key).await;
    assert_eq!(org["notifyEmail"], Value::Null);

    // Marked read by the organisation.
    let res = app
        .post_json(
            &format!("/orgs/{ORG}/notifications/read"),
            Some(&s.key),
            &json!({"all": true}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["unread"], 0);
    s.app.stop().await;
}

#[tokio::test]
async fn nobody_reads_or_marks_another_ones_notifications() {
    let s = Setup::new(&[]).await;
    let app = &s.app;
    let mine = verified(app, "mine@example.org").await;
    let other = verified(app, "other@example.org").await;
    let (_, credential) = held(&s, "mine@example.org", &mine).await;
    set_status(&s, &credential, "suspension", true, None).await;
    let list = notices(app, &mine).await;
    assert_eq!(list["total"], 2);
    let ids: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect();

    // Another citizen sees none of them, and marks none.
    let theirs = notices(app, &other).await;
    assert_eq!(theirs["total"], 0);
    let res = app
        .post_json(
            "/wallet/notifications/read",
            Some(&other),
            &json!({"ids": ids}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["marked"], 0);
    assert_eq!(notices(app, &mine).await["unread"], 2);
    // Nor does an organisation through its own route.
    let res = app
        .post_json(
            &format!("/orgs/{ORG}/notifications/read"),
            Some(&s.key),
            &json!({"ids": ids}),
        )
        .await;
    assert_eq!(res.json::<Value>().await.unwrap()["marked"], 0);
    assert_eq!(notices(app, &mine).await["unread"], 2);
    // Organisations' keys and nobody are refused the citizens' routes.
    assert_problem(app.get("/wallet/notifications", Some(&s.key)).await, 403).await;
    assert_problem(app.get("/wallet/notifications", None).await, 401).await;
    // Another organisation's key on this one's notifications: 403.
    app.create_org("autre").await;
    let (_, other_key) = app.create_api_key("autre").await;
    assert_problem(
        app.get(&format!("/orgs/{ORG}/notifications"), Some(&other_key))
            .await,
        403,
    )
    .await;
    // Bad input.
    for body in [
        json!({}),
        json!({"ids": []}),
        json!({"ids": ["x"], "all": true}),
    ] {
        let res = app
            .post_json("/wallet/notifications/read", Some(&mine), &body)
            .await;
        assert_problem(res, 422).await;
    }
    assert_problem(
        app.get("/wallet/notifications?pageSize=1000", Some(&mine))
            .await,
        422,
    )
    .await;

    // The owner marks one, then all.
    let res = app
        .post_json(
            "/wallet/notifications/read",
            Some(&mine),
            &json!({"ids": [ids[0]]}),
        )
        .await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["marked"], 1);
    assert_eq!(body["unread"], 1);
    let res = app
        .post_json(
            "/wallet/notifications/read",
            Some(&mine),
            &json!({"all": true}),
        )
        .await;
    assert_eq!(res.json::<Value>().await.unwrap()["unread"], 0);
    s.app.stop().await;
}

#[tokio::test]
async fn the_pages_in_french_and_english_with_the_menu_badge() {
    let s = Setup::new(&[]).await;
    let app = &s.app;
    let mut v = Visitor::new(app);
    v.sign_up("lea@example.org", "Léa").await;
    let citizen = app
        .store()
        .citizen_by_email("lea@example.org")
        .await
        .unwrap()
        .unwrap();
    let now = app.clock.now();
    let written = atout_core::notify::notify(
        app.store().as_ref(),
        now,
        vec![
            Notice::citizen(
                &citizen.id,
                Kind::CredentialRevoked,
                json!({"title": "<script>alert(1)</script>", "orgFr": "Université", "orgEn": "University", "reason": "Erreur"}),
            )
            .link("/me/credentials/x"),
            Notice::citizen(
                &citizen.id,
                Kind::EventReminder,
                json!({"titleFr": "Salon de l’emploi", "titleEn": "Job fair", "startsAt": "2026-02-03T13:30:00Z", "commune": "Orléans"}),
            ),
            Notice::citizen(
                &citizen.id,
                Kind::Digest,
                json!({"events": [{"id": "e1", "titleFr": "Forum", "titleEn": "Forum", "startsAt": "2026-02-10T09:00:00Z", "commune": "Tours", "why": "ROME M1805"}]}),
            ),
        ],
    )
    .await;
    assert_eq!(written, 3);

    let page = v.get("/me/notifications").await;
    assert_eq!(page.status, StatusCode::OK);
    page.expect("<h1>Mes notifications</h1>")
        .expect("aria-label=\"3 non lues\"")
        .expect("3 notifications non lues.")
        .expect("Université a révoqué votre attestation « &#60;script&#62;alert(1)&#60;/script&#62; ». Motif : Erreur")
        .expect("Rappel : « Salon de l’emploi » a lieu le 3 février 2026 à 14:30. Lieu : Orléans.")
        .expect("Votre sélection de la semaine : un nouvel événement pour vous.")
        .expect("href=\"/me/credentials/x\"");
    assert!(!page.has("<script>alert(1)"));
    v.lang = "en";
    let page = v.get("/me/notifications?lang=en").await;
    page.expect("<h1>My notifications</h1>")
        .expect("aria-label=\"3 unread\"")
        .expect("University revoked your credential “&#60;script&#62;alert(1)&#60;/script&#62;”. Reason: Erreur")
        .expect("Reminder: “Job fair” takes place on 3 February 2026 at 14:30. Place: Orléans.");
    // The badge is on every page of the portfolio.
    v.get("/me").await.expect("aria-label=\"3 unread\"");

    // One marked read, then all.
    let list = notices_of(app, &citizen.id).await;
    let res = v
        .post("/me/notifications/read", &[("id", list[0].as_str())])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = v.follow(res.location().unwrap()).await;
    page.expect("aria-label=\"2 unread\"")
        .expect("The notifications are marked as read.");
    let res = v.post("/me/notifications/read", &[("all", "1")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = v.follow(res.location().unwrap()).await;
    page.expect("Everything is read.");
    assert!(!page.has("unread\""), "no badge once all is read");

    // The preferences: the digest opted in, English mails, one kind off.
    let page = v.get("/me/notifications/preferences").await;
    page.expect("My notification preferences")
        .expect("Receive each week the new events that match my path")
        .expect("Your address is not confirmed yet");
    let res = v
        .post(
            "/me/notifications/preferences",
            &[
                ("mail", "credential-revoked"),
                ("mail", "digest"),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = v.follow(res.location().unwrap()).await;
    page.expect("Your preferences are saved.");
    let settings = app
        .store()
        .citizen_mail_settings(&citizen.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(settings.lang.as_deref(), Some("en"));
    assert!(settings.mailed("digest", false));
    assert!(settings.mailed("credential-revoked", true));
    assert!(!settings.mailed("share-opened", true));
    v.lang = "fr";
    let page = v.get("/me/notifications/preferences?lang=fr").await;
    page.expect("Mes préférences de notification")
        .expect("La sélection de la semaine");
    let res = v
        .post("/me/notifications/preferences", &[("lang", "de")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The organisation's page, in both languages.
    let mut c = Visitor::new(app);
    c.get("/console/login").await;
    let res = c.post("/console/login", &[("token", s.key.as_str())]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    c.follow("/console").await;
    let owner = verified(app, "req@example.org").await;
    let id = entry(app, &owner, json!({"kind": "skill", "title": "Soudure"})).await;
    let res = app
        .post_json(
            "/wallet/certification-requests",
            Some(&owner),
            &json!({"entryId": id, "org": ORG}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let page = c.get(&format!("/console/orgs/{ORG}/notices")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.expect("req vous demande de certifier « Soudure ».")
        .expect("Aucune adresse : les notifications ne sont visibles que dans la console.");
    let res = c
        .post(
            &format!("/console/orgs/{ORG}/notices/email"),
            &[("email", "pas une adresse")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    res.expect("Indiquez une adresse e-mail valable, ou laissez vide.");
    let res = c
        .post(
            &format!("/console/orgs/{ORG}/notices/email"),
            &[("email", "scolarite@example.org")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = c.follow(res.location().unwrap()).await;
    page.expect("Les notifications sont envoyées à scolarite@example.org.");
    c.lang = "en";
    let page = c.get(&format!("/console/orgs/{ORG}/notices?lang=en")).await;
    page.expect("req asks you to certify “Soudure”.")
        .expect("The notifications are mailed to scolarite@example.org.");
    s.app.stop().await;
}

/// A citizen's notices' ids, newest first (through the store).
async fn notices_of(app: &TestApp, citizen_id: &str) -> Vec<String> {
    app.store()
        .notifications_of(atout_core::store::NoticeOwner::Citizen(citizen_id), 0, 100)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|n| n.id)
        .collect()
}

/// The words of the browser scenario, per language.
struct Words {
    email: &'static str,
    password: &'static str,
    log_in: &'static str,
    menu: &'static str,
    revoked: &'static str,
    reason: &'static str,
    mark_all: &'static str,
    marked: &'static str,
    preferences: &'static str,
    digest: &'static str,
    save: &'static str,
    saved: &'static str,
    unsubscribe_question: &'static str,
    unsubscribe: &'static str,
    unsubscribed: &'static str,
    console_key: &'static str,
    console_open: &'static str,
    request: &'static str,
    org_email: &'static str,
    org_save: &'static str,
    org_saved: &'static str,
}

const FR: Words = Words {
    email: "Adresse e-mail",
    password: "Mot de passe",
    log_in: "Se connecter",
    menu: "Notifications 2 non lues",
    revoked: "Université Exemple a révoqué votre attestation",
    reason: "Motif : Fraude constatée",
    mark_all: "Tout marquer comme lu",
    marked: "Les notifications sont marquées comme lues.",
    preferences: "Choisir ce que je reçois par courriel",
    digest: "Recevoir chaque semaine les nouveaux événements",
    save: "Enregistrer mes préférences",
    saved: "Vos préférences sont enregistrées.",
    unsubscribe_question: "Ne plus recevoir par courriel : Une de mes attestations est révoquée ?",
    unsubscribe: "Me désabonner",
    unsubscribed: "C’est fait : vous ne recevrez plus de courriels pour : Une de mes attestations est révoquée.",
    console_key: "Clé d’API ou jeton d’administration",
    console_open: "Ouvrir la console",
    request: "vous demande de certifier « Menuiserie »",
    org_email: "Adresse de réception",
    org_save: "Enregistrer l’adresse",
    org_saved: "Les notifications sont envoyées à scolarite@example.org.",
};

const EN: Words = Words {
    email: "Email address",
    password: "Password",
    log_in: "Log in",
    menu: "Notifications 2 unread",
    revoked: "Example University revoked your credential",
    reason: "Reason: Fraude constatée",
    mark_all: "Mark all as read",
    marked: "The notifications are marked as read.",
    preferences: "Choose what I receive by mail",
    digest: "Receive each week the new events",
    save: "Save my preferences",
    saved: "Your preferences are saved.",
    unsubscribe_question: "Stop receiving by mail: One of my credentials is revoked?",
    unsubscribe: "Unsubscribe me",
    unsubscribed: "Done: you will no longer receive mails for: One of my credentials is revoked.",
    console_key: "API key or admin token",
    console_open: "Open the console",
    request: "asks you to certify “Menuiserie”",
    org_email: "Address",
    org_save: "Save the address",
    org_saved: "The notifications are mailed to scolarite@example.org.",
};

/// A revocation reaches its holder, in a real browser (Debian's chromium),
/// in French and English: the menu's badge names the unread count, the
/// list shows the reason, "mark all read", the preferences form, the
/// unsubscribe page of the mail; the organisation's page and its address.
/// Every page passes axe.
#[tokio::test]
async fn a_revocation_reaches_its_holder_in_a_real_browser() {
    for (lang, w) in [("fr", FR), ("en", EN)] {
        let s = Setup::new(&[]).await;
        let app = &s.app;
        let email = format!("holder-{lang}@example.org");
        let token = verified(app, &email).await;
        let res = app
            .client
            .put(app.url("/wallet/notifications/preferences"))
            .bearer_auth(&token)
            .json(&json!({"lang": lang}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let (_, credential) = held(&s, &email, &token).await;
        set_status(
            &s,
            &credential,
            "revocation",
            true,
            Some("Fraude constatée"),
        )
        .await;
        let id = entry(app, &token, json!({"kind": "skill", "title": "Menuiserie"})).await;
        let res = app
            .post_json(
                "/wallet/certification-requests",
                Some(&token),
                &json!({"entryId": id, "org": ORG}),
            )
            .await;
        assert_eq!(res.status(), 201);
        assert_eq!(mail_pending_once(&app.state).await, 1);
        let url = mails(app, &email, "credential-revoked")
            .await
            .pop()
            .unwrap()
            .unsubscribe_url
            .unwrap();
        let unsubscribe = url.strip_prefix(&app.base).unwrap().to_owned();

        let mut steps: Vec<Value> = Vec::new();
        if lang == "en" {
            steps.extend([
                json!({"goto": "/login"}),
                json!({"click": {"role": "link", "name": "English"}}),
            ]);
        }
        steps.extend([
            json!({"goto": "/login"}),
            json!({"fill": {"label": w.email}, "value": email}),
            json!({"fill": {"label": w.password, "exact": true}, "value": CITIZEN_PASSWORD}),
            json!({"click": {"role": "button", "name": w.log_in}}),
            // The badge is part of the menu item's accessible name.
            json!({"click": {"role": "link", "name": w.menu, "exact": true}}),
            json!({"url": "/me/notifications"}),
            json!({"expect": [w.revoked, w.reason]}),
            json!({"axe": format!("notifications-{lang}")}),
            json!({"screenshot": format!("notifications-{lang}.png")}),
            json!({"click": {"role": "button", "name": w.mark_all}}),
            json!({"expect": [w.marked]}),
            json!({"click": {"role": "link", "name": w.preferences}}),
            json!({"check": {"label": w.digest}}),
            json!({"axe": format!("notification-preferences-{lang}")}),
            json!({"screenshot": format!("notification-preferences-{lang}.png")}),
            json!({"click": {"role": "button", "name": w.save}}),
            json!({"expect": [w.saved]}),
            json!({"goto": unsubscribe}),
            json!({"expect": [w.unsubscribe_question]}),
            json!({"axe": format!("unsubscribe-{lang}")}),
            json!({"click": {"role": "button", "name": w.unsubscribe}}),
            json!({"expect": [w.unsubscribed]}),
            json!({"axe": format!("unsubscribed-{lang}")}),
            json!({"screenshot": format!("unsubscribed-{lang}.png")}),
            json!({"as": "org"}),
        ]);
        if lang == "en" {
            steps.extend([
                json!({"goto": "/console/login"}),
                json!({"click": {"role": "link", "name": "English"}}),
            ]);
        }
        steps.extend([
            json!({"goto": "/console/login"}),
            json!({"fill": {"label": w.console_key}, "value": s.key}),
            json!({"click": {"role": "button", "name": w.console_open}}),
            json!({"goto": format!("/console/orgs/{ORG}/notices")}),
            json!({"expect": [w.request]}),
            json!({"axe": format!("console-notices-{lang}")}),
            json!({"fill": {"label": w.org_email}, "value": "scolarite@example.org"}),
            json!({"click": {"role": "button", "name": w.org_save}}),
            json!({"expect": [w.org_saved]}),
            json!({"screenshot": format!("console-notices-{lang}.png")}),
        ]);
        let report = crate::browser::run_steps(
            &app.base,
            json!({"width": 1280, "height": 900}),
            json!(steps),
        )
        .await;
        crate::browser::assert_steps(&format!("notifications ({lang})"), &report);

        // What the pages did, read back through the API.
        let list = notices(app, &token).await;
        assert_eq!(list["unread"], 0);
        let prefs = get_json(app, "/wallet/notifications/preferences", &token).await;
        let mail = |k: &str| {
            prefs["kinds"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["kind"] == k)
                .unwrap()["mail"]
                .clone()
        };
        assert_eq!(mail("digest"), true);
        assert_eq!(mail("credential-revoked"), false);
        let org = get_json(app, &format!("/orgs/{ORG}/notifications"), &s.key).await;
        assert_eq!(org["notifyEmail"], "scolarite@example.org");
        s.app.stop().await;
    }
}
