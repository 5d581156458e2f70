//! Every wallet route against every kind of caller: only the owner gets in.
//! Another citizen gets 404 for the owner's things (never a hint that they
//! exist), an organisation's API key or the admin token 403, nobody (or a
//! forged session) 401. Runs on both databases.

use crate::common::*;
use serde_json::{json, Value};

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Caller {
    Owner,
    OtherCitizen,
    OrgKey,
    Admin,
    Nobody,
    ForgedSession,
}

/// What the owner has, for routes that name one of their things.
pub struct Fixture {
    pub owner: String,
    pub other: String,
    pub org_key: String,
    /// Ids of the owner's things, by name (`holding`, `entry`, `document` ...).
    pub ids: std::collections::HashMap<&'static str, String>,
}

/// A route of the table: method, path (with `{holding}`-style placeholders
/// filled from the fixture's ids), body, and whether another citizen gets
/// 404 (a thing of the owner's) or their own answer (a collection).
pub struct Row {
    pub method: &'static str,
    pub path: &'static str,
    pub body: Option<Value>,
    pub owned_thing: bool,
}

fn row(method: &'static str, path: &'static str, body: Option<Value>, owned_thing: bool) -> Row {
    Row {
        method,
        path,
        body,
        owned_thing,
    }
}

/// The table. Add every wallet route here.
fn routes() -> Vec<Row> {
    vec![
        row("GET", "/wallet/me", None, false),
        row(
            "PATCH",
            "/wallet/me",
            Some(json!({"displayName": "X"})),
            false,
        ),
        row(
            "POST",
            "/wallet/me/password",
            Some(json!({"current": "nope nope nope", "new": "short"})),
            false,
        ),
        row("POST", "/auth/logout", None, false),
        row("POST", "/auth/verify-email/resend", None, false),
        row("GET", "/wallet/passkeys", None, false),
        row("DELETE", "/wallet/passkeys/{passkey}", None, true),
        // Under an IP base URL passkeys are off (503) for the owner: the
        // table still proves that nobody else gets that far.
        row("POST", "/wallet/passkeys/register/start", None, false),
        row("GET", "/wallet/holdings", None, false),
        row("POST", "/wallet/holdings/import", Some(json!({})), false),
        row("GET", "/wallet/holdings/{holding}", None, true),
        row(
            "PUT",
            "/wallet/holdings/{holding}/tags",
            Some(json!({"tags": ["x"]})),
            true,
        ),
        row("DELETE", "/wallet/holdings/{holding_del}", None, true),
        row("GET", "/wallet/entries", None, false),
        row(
            "POST",
            "/wallet/entries",
            Some(json!({"kind": "skill", "title": "Rust"})),
            false,
        ),
        row("GET", "/wallet/entries/{entry}", None, true),
        row(
            "PATCH",
            "/wallet/entries/{entry}",
            Some(json!({"title": "Rust!"})),
            true,
        ),
        row("DELETE", "/wallet/entries/{entry_del}", None, true),
        row("GET", "/wallet/timeline", None, false),
        // Offers: a link offer is for whoever holds the link, so another
        // citizen previews it too (email offers: see tests/it/offers.rs).
        row("GET", "/wallet/offers", None, false),
        row("GET", "/wallet/offers/{offer}", None, false),
        row("POST", "/wallet/offers/{offer_accept}/accept", None, false),
        row(
            "POST",
            "/wallet/offers/{offer_decline}/decline",
            None,
            false,
        ),
        row("GET", "/wallet/offers/{email_offer}", None, true),
        // The document vault. (The upload's JSON body gets 415 from the
        // owner: the table checks who gets in, documents.rs the uploads.)
        row("POST", "/wallet/documents", Some(json!({})), false),
        row("GET", "/wallet/documents", None, false),
        row("GET", "/wallet/documents/{document}", None, true),
        row("GET", "/wallet/documents/{document}/content", None, true),
        row("GET", "/wallet/entries/{entry}/documents", None, true),
        row(
            "PUT",
            "/wallet/entries/{entry}/documents/{document}",
            None,
            true,
        ),
        row(
            "DELETE",
            "/wallet/entries/{entry}/documents/{document}",
            None,
            true,
        ),
        row("GET", "/wallet/export", None, false),
        // The owner's JSON body gets 415: the table checks who gets in,
        // archive.rs the archives.
        row("POST", "/wallet/import", Some(json!({})), false),
        // Shares. (Another citizen's create names the owner's things:
        // refused as unknown, 422, and nothing learnt.)
        row("GET", "/wallet/cvs", None, false),
        row("POST", "/wallet/cvs", Some(json!({"title": "CV"})), false),
        row(
            "POST",
            "/wallet/cvs/suggestions",
            Some(json!({"text": "Développeuse"})),
            false,
        ),
        row("GET", "/wallet/cvs/{cv}", None, true),
        row(
            "PUT",
            "/wallet/cvs/{cv}",
            Some(json!({"title": "CV 2"})),
            true,
        ),
        row("GET", "/wallet/cvs/{cv}/document", None, true),
        row("GET", "/wallet/cvs/{cv}/resume.json", None, true),
        row("POST", "/wallet/cvs/{cv}/pdf", None, true),
        row("DELETE", "/wallet/cvs/{cv_del}", None, true),
        // Skills and career plans (issue 18).
        row("GET", "/wallet/skills", None, false),
        row(
            "POST",
            "/wallet/skills",
            Some(json!({"framework": "ROME", "code": "K2111"})),
            false,
        ),
        row("DELETE", "/wallet/skills/{skill_del}", None, true),
        row("GET", "/wallet/plans", None, false),
        row(
            "POST",
            "/wallet/plans",
            Some(json!({"targets": [{"framework": "ROME", "code": "M1805"}]})),
            false,
        ),
        row("GET", "/wallet/plans/{plan}", None, true),
        row(
            "PUT",
            "/wallet/plans/{plan}",
            Some(
                json!({"title": "Plan", "status": "active", "targets": [{"framework": "ROME", "code": "M1805"}]}),
            ),
            true,
        ),
        row(
            "POST",
            "/wallet/plans/{plan}/steps",
            Some(json!({"kind": "other", "title": "Un pas"})),
            true,
        ),
        row(
            "PATCH",
            "/wallet/plans/{plan}/steps/{step}",
            Some(json!({"status": "done"})),
            true,
        ),
        row(
            "DELETE",
            "/wallet/plans/{plan}/steps/{step_del}",
            None,
            true,
        ),
        row(
            "POST",
            "/wallet/plans/{plan}/comments",
            Some(json!({"body": "Note"})),
            true,
        ),
        row("DELETE", "/wallet/plans/{plan_del}", None, true),
        row("GET", "/wallet/news", None, false),
        row("GET", "/wallet/news/settings", None, false),
        row(
            "PUT",
            "/wallet/news/settings",
            Some(json!({"department": "45"})),
            false,
        ),
        row(
            "POST",
            "/wallet/follows",
            Some(json!({"tag": "numérique"})),
            false,
        ),
        row("GET", "/wallet/events", None, false),
        row("POST", "/wallet/calendar", None, false),
        row("GET", "/wallet/notifications", None, false),
        row(
            "POST",
            "/wallet/notifications/read",
            Some(json!({"all": true})),
            false,
        ),
        row("GET", "/wallet/notifications/preferences", None, false),
        row(
            "PUT",
            "/wallet/notifications/preferences",
            Some(json!({"lang": "fr"})),
            false,
        ),
        row(
            "PUT",
            "/wallet/profile",
            Some(json!({"handle": "page-perso", "published": true})),
            false,
        ),
        row("GET", "/wallet/profile", None, false),
        row("DELETE", "/wallet/profile", None, false),
        row("POST", "/wallet/holdings/{holding}/linkedin", None, true),
        row("GET", "/wallet/shares", None, false),
        row(
            "POST",
            "/wallet/shares",
            Some(json!({"label": "Pour un employeur", "entries": ["{entry}"]})),
            false,
        ),
        row("GET", "/wallet/shares/{share}", None, true),
        row("GET", "/wallet/shares/{share}/accesses", None, true),
        row("GET", "/wallet/shares/{share}/qr.svg", None, true),
        row("GET", "/wallet/shares/{share}/qr.png", None, true),
        row("DELETE", "/wallet/shares/{share_del}", None, true),
        // Invitations, suggestions, endorsements.
        row("GET", "/wallet/invitations", None, false),
        row(
            "POST",
            "/wallet/invitations",
            Some(json!({"email": "x@example.org", "role": "reader", "entries": ["{entry}"]})),
            false,
        ),
        row("GET", "/wallet/invitations/{invitation}", None, true),
        row(
            "GET",
            "/wallet/invitations/{invitation}/accesses",
            None,
            true,
        ),
        row("DELETE", "/wallet/invitations/{invitation_del}", None, true),
        row("GET", "/wallet/suggestions", None, false),
        row(
            "POST",
            "/wallet/suggestions/{suggestion}/reject",
            None,
            true,
        ),
        row("GET", "/wallet/entries/{entry}/endorsements", None, true),
        row(
            "POST",
            "/wallet/endorsements/{endorsement}/hide",
            None,
            true,
        ),
        row(
            "POST",
            "/wallet/endorsements/{endorsement}/show",
            None,
            true,
        ),
        // Certification requests.
        row("GET", "/wallet/certification-requests", None, false),
        row(
            "POST",
            "/wallet/certification-requests",
            Some(json!({"entryId": "{entry}", "org": "univ"})),
            false,
        ),
        row(
            "GET",
            "/wallet/certification-requests/{request}",
            None,
            true,
        ),
        row(
            "DELETE",
            "/wallet/certification-requests/{request}",
            None,
            true,
        ),
        // Last: erases the owner's document.
        row("DELETE", "/wallet/documents/{document}", None, true),
    ]
}

async fn fixture(app: &TestApp) -> Fixture {
    let owner = app.sign_up("owner@example.org").await;
    let other = app.sign_up("other@example.org").await;
    app.create_org("univ").await;
    let (_, org_key) = app.create_api_key("univ").await;
    let mut ids = std::collections::HashMap::new();
    // Each part of the wallet creates the owner's things here:
    // ids.insert("holding", ...);
    let owner_id = app
        .store()
        .citizen_by_email("owner@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    let passkey = atout_core::store::PasskeyRecord {
        id: "owner-passkey".into(),
        citizen_id: owner_id,
        name: "Phone".into(),
        passkey: "{}".into(),
        created_at: start_time(),
        last_used_at: None,
    };
    app.store().add_passkey(&passkey).await.unwrap();
    ids.insert("passkey", passkey.id);
    for name in ["holding", "holding_del"] {
        let res = app
            .post_json(
                "/credentials/issue",
                Some(&org_key),
                &json!({"credential": crate::issue::diploma(app)}),
            )
            .await;
        assert_eq!(res.status(), 201);
        let issued: Value = res.json().await.unwrap();
        let res = app
            .client
            .post(app.url("/wallet/holdings/import"))
            .bearer_auth(&owner)
            .json(&issued)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "import {name}");
        let view: Value = res.json().await.unwrap();
        ids.insert(name, view["id"].as_str().unwrap().to_owned());
    }
    for name in ["entry", "entry_del"] {
        let res = app
            .post_json(
                "/wallet/entries",
                Some(&owner),
                &json!({"kind": "experience", "title": "Développeuse", "startDate": "2024"}),
            )
            .await;
        assert_eq!(res.status(), 201, "entry {name}");
        let entry: Value = res.json().await.unwrap();
        ids.insert(name, entry["id"].as_str().unwrap().to_owned());
    }
    for (token, handle) in [(&owner, "page-owner"), (&other, "page-other")] {
        let res = app
            .client
            .put(app.url("/wallet/profile"))
            .bearer_auth(token)
            .json(&json!({"handle": handle}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "profile {handle}");
    }
    // Frameworks for plans and skills (a small ROME file), two plans with
    // two steps, and a declared skill.
    let res = app
        .client
        .post(app.url(
            "/admin/frameworks/imports?format=rome&version=v1&filename=referentiel_code_rome.csv",
        ))
        .bearer_auth(ADMIN_TOKEN)
        .body("code_rome,libelle_rome\nM1805,Dev\nK2111,Formation\nJ1506,Soins\n")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "frameworks");
    for name in ["plan", "plan_del"] {
        let res = app
            .post_json(
                "/wallet/plans",
                Some(&owner),
                &json!({"targets": [{"framework": "ROME", "code": "M1805"}]}),
            )
            .await;
        assert_eq!(res.status(), 201, "plan {name}");
        let plan: Value = res.json().await.unwrap();
        ids.insert(name, plan["id"].as_str().unwrap().to_owned());
    }
    for name in ["step", "step_del"] {
        let res = app
            .post_json(
                &format!("/wallet/plans/{}/steps", ids["plan"]),
                Some(&owner),
                &json!({"kind": "other", "title": name}),
            )
            .await;
        assert_eq!(res.status(), 201, "step {name}");
        let step: Value = res.json().await.unwrap();
        ids.insert(name, step["id"].as_str().unwrap().to_owned());
    }
    let res = app
        .post_json(
            "/wallet/skills",
            Some(&owner),
            &json!({"framework": "ROME", "code": "J1506"}),
        )
        .await;
    assert_eq!(res.status(), 201, "skill");
    let skill: Value = res.json().await.unwrap();
    ids.insert("skill_del", skill["id"].as_str().unwrap().to_owned());
    for name in ["cv", "cv_del"] {
        let res = app
            .post_json("/wallet/cvs", Some(&owner), &json!({"title": name}))
            .await;
        assert_eq!(res.status(), 201, "cv {name}");
        let cv: Value = res.json().await.unwrap();
        ids.insert(name, cv["id"].as_str().unwrap().to_owned());
    }
    let template = app
        .post_json(
            "/orgs/univ/templates",
            Some(&org_key),
            &crate::offers::diploma_template(),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let offer = |email: Option<&str>| {
        let mut body = json!({"templateId": template, "subject": crate::offers::graduate()});
        if let Some(e) = email {
            body["email"] = json!(e);
        }
        let org_key = org_key.clone();
        async move {
            let res = app
                .post_json("/orgs/univ/offers", Some(&org_key), &body)
                .await;
            assert_eq!(res.status(), 201);
            res.json::<Value>().await.unwrap()
        }
    };
    for name in ["offer", "offer_accept", "offer_decline"] {
        let created = offer(None).await;
        ids.insert(name, crate::offers::token_of(&created));
    }
    // An offer addressed to the owner's (verified) email, named by its id:
    // unknown (404) to anyone else.
    crate::offers::verify_email(app, "owner@example.org").await;
    let created = offer(Some("owner@example.org")).await;
    ids.insert("email_offer", created["id"].as_str().unwrap().to_owned());
    let document = crate::documents::stored(
        crate::documents::upload(app, &owner, "owner.pdf", None, &crate::documents::pdf(0)).await,
    )
    .await;
    ids.insert("document", document["id"].as_str().unwrap().to_owned());
    for name in ["share", "share_del"] {
        let res = app
            .post_json(
                "/wallet/shares",
                Some(&owner),
                &json!({"label": name, "entries": [ids["entry"]], "documents": [ids["document"]]}),
            )
            .await;
        assert_eq!(res.status(), 201, "share {name}");
        let share: Value = res.json().await.unwrap();
        ids.insert(name, share["id"].as_str().unwrap().to_owned());
    }
    // An invitation (and one to revoke); a contributor's suggestion and a
    // certifier's endorsement, through the invited person's routes.
    for (name, role) in [
        ("invitation", "contributor"),
        ("invitation_del", "reader"),
        ("certifier", "certifier"),
    ] {
        let res = app
            .post_json(
                "/wallet/invitations",
                Some(&owner),
                &json!({"email": format!("{name}@example.org"), "role": role, "entries": [ids["entry"]]}),
            )
            .await;
        assert_eq!(res.status(), 201, "invitation {name}");
        let invitation: Value = res.json().await.unwrap();
        ids.insert(name, invitation["id"].as_str().unwrap().to_owned());
        if name == "invitation_del" {
            continue;
        }
        let url = invitation["url"].as_str().unwrap();
        let path = url[url.find("/i/").unwrap()..].to_owned();
        let res = app
            .client
            .post(app.url(&format!("{path}/code")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 202);
        let mail = app
            .store()
            .mail_to(&format!("{name}@example.org"))
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.kind == "invitation-code")
            .unwrap();
        let at = mail.body.find("code=").unwrap() + 5;
        let code = mail.body[at..at + 6].to_owned();
        let res = app
            .post_json(
                &format!("{path}/session"),
                None,
                &json!({"code": code, "name": "N"}),
            )
            .await;
        assert_eq!(res.status(), 201);
        let session: Value = res.json().await.unwrap();
        let session = session["token"].as_str().unwrap().to_owned();
        let (route, body, key) = if role == "contributor" {
            (
                "suggestions",
                json!({"kind": "comment", "entryId": ids["entry"], "text": "Bien"}),
                "suggestion",
            )
        } else {
            (
                "endorsements",
                json!({"entryId": ids["entry"], "comment": "Bien"}),
                "endorsement",
            )
        };
        let res = app
            .client
            .post(app.url(&format!("{path}/{route}")))
            .bearer_auth(&session)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "{route}");
        let made: Value = res.json().await.unwrap();
        ids.insert(key, made["id"].as_str().unwrap().to_owned());
    }
    let res = app
        .post_json(
            "/wallet/certification-requests",
            Some(&owner),
            &json!({"entryId": ids["entry_del"], "org": "univ"}),
        )
        .await;
    assert_eq!(res.status(), 201, "certification request");
    let request: Value = res.json().await.unwrap();
    ids.insert("request", request["id"].as_str().unwrap().to_owned());
    Fixture {
        owner,
        other,
        org_key,
        ids,
    }
}

fn fill(path: &str, fixture: &Fixture) -> String {
    let out = fill_ids(path, fixture);
    assert!(!out.contains('{'), "no fixture id for {path}");
    out
}

/// Fixture ids in place of their `{name}`s.
fn fill_ids(text: &str, fixture: &Fixture) -> String {
    let mut out = text.to_owned();
    for (name, id) in &fixture.ids {
        out = out.replace(&format!("{{{name}}}"), id);
    }
    out
}

#[tokio::test]
async fn only_the_owner_gets_in() {
    let app = TestApp::spawn().await;
    let fx = fixture(&app).await;
    use Caller::*;
    for r in routes() {
        let path = fill(r.path, &fx);
        // The owner last: some routes (logout) end the session.
        for caller in [Nobody, ForgedSession, OrgKey, Admin, OtherCitizen, Owner] {
            if r.path == "/auth/logout" && matches!(caller, Owner | OtherCitizen) {
                continue; // would end the session the table uses
            }
            let mut req = app
                .client
                .request(r.method.parse().unwrap(), app.url(&path));
            req = match caller {
                Owner => req.bearer_auth(&fx.owner),
                OtherCitizen => req.bearer_auth(&fx.other),
                OrgKey => req.bearer_auth(&fx.org_key),
                Admin => req.bearer_auth(ADMIN_TOKEN),
                Nobody => req,
                ForgedSession => req.bearer_auth("atc_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
            };
            if let Some(b) = &r.body {
                let body: Value = serde_json::from_str(&fill_ids(&b.to_string(), &fx)).unwrap();
                req = req.json(&body);
            }
            let res = req.send().await.unwrap();
            let status = res.status().as_u16();
            match caller {
                Owner => assert!(
                    ![401, 403, 404].contains(&status),
                    "{} {path} as the owner: {status}",
                    r.method
                ),
                OtherCitizen if r.owned_thing => {
                    let body = assert_problem(res, 404).await;
                    assert!(body["detail"].is_string());
                }
                OtherCitizen => assert!(
                    ![401, 403, 404].contains(&status),
                    "{} {path} as another citizen (their own collection): {status}",
                    r.method
                ),
                OrgKey | Admin => {
                    assert_problem(res, 403).await;
                }
                Nobody | ForgedSession => {
                    assert_problem(res, 401).await;
                }
            }
        }
    }
    app.stop().await;
}
