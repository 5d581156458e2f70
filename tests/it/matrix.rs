//! The authorisation matrix. First, the routes of sharing, invitations,
//! endorsements and certification requests (with the wallet and issuer
//! routes they sit beside), each actor with its exact expected status;
//! then every route of the API document (read from `/openapi.json`, so a
//! new route cannot be forgotten) against every actor, by how the document
//! says it is reached: whoever must be refused gets exactly 401 or 403,
//! before any input is read.
//!
//! Actors: the owner (a citizen), a reader, a contributor and a certifier
//! invited by the owner (each with the session of their own invitation),
//! another citizen, the organisation the owner asked, another
//! organisation, and nobody. Runs on both databases.

use crate::common::*;
use serde_json::{json, Value};
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Actor {
    Owner,
    Reader,
    Contributor,
    Certifier,
    OtherCitizen,
    Org,
    OtherOrg,
    Nobody,
}

use Actor::*;

/// The order of calls within a row: the one actor a state-changing route
/// is for comes last but one, the owner last.
const ORDER: [Actor; 8] = [
    Nobody,
    OtherOrg,
    OtherCitizen,
    Reader,
    Contributor,
    Certifier,
    Org,
    Owner,
];

struct World {
    bearer: HashMap<Actor, String>,
    ids: HashMap<&'static str, String>,
}

async fn created(res: reqwest::Response, what: &str) -> Value {
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{what}: {body}");
    body
}

fn link_token(url: &str) -> String {
    url.rsplit('/').next().unwrap().to_owned()
}

async fn world(app: &TestApp) -> World {
    let mut bearer = HashMap::new();
    let mut ids: HashMap<&'static str, String> = HashMap::new();
    for slug in ["univ", "autre"] {
        let res = app
            .post_json(
                "/admin/orgs",
                Some(ADMIN_TOKEN),
                &json!({"slug": slug, "name_fr": slug, "name_en": slug}),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    let (_, org) = app.create_api_key("univ").await;
    let (_, other_org) = app.create_api_key("autre").await;
    let owner = app.sign_up("owner@example.org").await;
    let other = app.sign_up("other@example.org").await;
    let entry = created(
        app.post_json(
            "/wallet/entries",
            Some(&owner),
            &json!({"kind": "experience", "title": "Menuisière", "startDate": "2015"}),
        )
        .await,
        "entry",
    )
    .await;
    ids.insert("entry", entry["id"].as_str().unwrap().to_owned());
    let share = created(
        app.post_json(
            "/wallet/shares",
            Some(&owner),
            &json!({"label": "Partage", "entries": [ids["entry"]]}),
        )
        .await,
        "share",
    )
    .await;
    ids.insert("share", share["id"].as_str().unwrap().to_owned());
    ids.insert("share_token", link_token(share["url"].as_str().unwrap()));
    for (role, actor) in [
        ("reader", Reader),
        ("contributor", Contributor),
        ("certifier", Certifier),
    ] {
        let email = format!("{role}@example.org");
        let invitation = created(
            app.post_json(
                "/wallet/invitations",
                Some(&owner),
                &json!({"email": email, "role": role, "entries": [ids["entry"]]}),
            )
            .await,
            role,
        )
        .await;
        let token = link_token(invitation["url"].as_str().unwrap());
        let res = app
            .client
            .post(app.url(&format!("/i/{token}/code")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 202);
        let mail = app
            .store()
            .mail_to(&email)
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.kind == "invitation-code")
            .unwrap();
        let at = mail.body.find("code=").unwrap() + 5;
        let session = created(
            app.post_json(
                &format!("/i/{token}/session"),
                None,
                &json!({"code": &mail.body[at..at + 6], "name": role}),
            )
            .await,
            "session",
        )
        .await;
        bearer.insert(actor, session["token"].as_str().unwrap().to_owned());
        let (id_key, token_key) = match actor {
            Reader => ("reader_invitation", "reader_token"),
            Contributor => ("contributor_invitation", "contributor_token"),
            _ => ("certifier_invitation", "certifier_token"),
        };
        ids.insert(id_key, invitation["id"].as_str().unwrap().to_owned());
        ids.insert(token_key, token);
    }
    let endorsement = created(
        app.client
            .post(app.url(&format!("/i/{}/endorsements", ids["certifier_token"])))
            .bearer_auth(&bearer[&Certifier])
            .json(&json!({"entryId": ids["entry"], "comment": "Oui"}))
            .send()
            .await
            .unwrap(),
        "endorsement",
    )
    .await;
    ids.insert(
        "endorsement",
        endorsement["id"].as_str().unwrap().to_owned(),
    );
    let suggestion = created(
        app.client
            .post(app.url(&format!("/i/{}/suggestions", ids["contributor_token"])))
            .bearer_auth(&bearer[&Contributor])
            .json(&json!({"kind": "comment", "entryId": ids["entry"], "text": "Bien"}))
            .send()
            .await
            .unwrap(),
        "suggestion",
    )
    .await;
    ids.insert("suggestion", suggestion["id"].as_str().unwrap().to_owned());
    let request = created(
        app.post_json(
            "/wallet/certification-requests",
            Some(&owner),
            &json!({"entryId": ids["entry"], "org": "univ"}),
        )
        .await,
        "request",
    )
    .await;
    ids.insert("request", request["id"].as_str().unwrap().to_owned());
    bearer.insert(Owner, owner);
    bearer.insert(OtherCitizen, other);
    bearer.insert(Org, org);
    bearer.insert(OtherOrg, other_org);
    World { bearer, ids }
}

/// A row: method, path, body, and the expected status of each actor in
/// the order Owner, Reader, Contributor, Certifier, OtherCitizen, Org,
/// OtherOrg, Nobody.
type Row = (&'static str, &'static str, Option<Value>, [u16; 8]);

fn rows() -> Vec<Row> {
    vec![
        // The owner's wallet: the owner only; another citizen's lookups of
        // the owner's things are 404; invited people's sessions open no
        // /wallet route (401); organisations' keys are refused (403).
        (
            "GET",
            "/wallet/entries/{entry}",
            None,
            [200, 401, 401, 401, 404, 403, 403, 401],
        ),
        (
            "GET",
            "/wallet/shares",
            None,
            [200, 401, 401, 401, 200, 403, 403, 401],
        ),
        (
            "GET",
            "/wallet/shares/{share}",
            None,
            [200, 401, 401, 401, 404, 403, 403, 401],
        ),
        (
            "GET",
            "/wallet/shares/{share}/accesses",
            None,
            [200, 401, 401, 401, 404, 403, 403, 401],
        ),
        (
            "GET",
            "/wallet/invitations",
            None,
            [200, 401, 401, 401, 200, 403, 403, 401],
        ),
        (
            "GET",
            "/wallet/invitations/{reader_invitation}",
            None,
            [200, 401, 401, 401, 404, 403, 403, 401],
        ),
        (
            "GET",
            "/wallet/invitations/{certifier_invitation}/accesses",
            None,
            [200, 401, 401, 401, 404, 403, 403, 401],
        ),
        (
            "GET",
            "/wallet/suggestions",
            None,
            [200, 401, 401, 401, 200, 403, 403, 401],
        ),
        (
            "GET",
            "/wallet/entries/{entry}/endorsements",
            None,
            [200, 401, 401, 401, 404, 403, 403, 401],
        ),
        (
            "POST",
            "/wallet/endorsements/{endorsement}/hide",
            None,
            [204, 401, 401, 401, 404, 403, 403, 401],
        ),
        (
            "POST",
            "/wallet/endorsements/{endorsement}/show",
            None,
            [204, 401, 401, 401, 404, 403, 403, 401],
        ),
        (
            "GET",
            "/wallet/certification-requests",
            None,
            [200, 401, 401, 401, 200, 403, 403, 401],
        ),
        (
            "GET",
            "/wallet/certification-requests/{request}",
            None,
            [200, 401, 401, 401, 404, 403, 403, 401],
        ),
        // A share's link: whoever holds it.
        (
            "POST",
            "/s/{share_token}/presentation",
            Some(json!({"challenge": "c", "domain": "d"})),
            [200; 8],
        ),
        // An invitation's routes: its own invited person's session only;
        // a role that does not allow the action is 403.
        (
            "GET",
            "/i/{reader_token}/portfolio",
            None,
            [401, 200, 401, 401, 401, 401, 401, 401],
        ),
        (
            "GET",
            "/i/{contributor_token}/portfolio",
            None,
            [401, 401, 200, 401, 401, 401, 401, 401],
        ),
        (
            "GET",
            "/i/{certifier_token}/portfolio",
            None,
            [401, 401, 401, 200, 401, 401, 401, 401],
        ),
        (
            "POST",
            "/i/{reader_token}/suggestions",
            Some(json!({"kind": "comment", "entryId": "{entry}", "text": "x"})),
            [401, 403, 401, 401, 401, 401, 401, 401],
        ),
        (
            "POST",
            "/i/{contributor_token}/suggestions",
            Some(json!({"kind": "comment", "entryId": "{entry}", "text": "x"})),
            [401, 401, 201, 401, 401, 401, 401, 401],
        ),
        (
            "POST",
            "/i/{contributor_token}/endorsements",
            Some(json!({"entryId": "{entry}", "comment": "x"})),
            [401, 401, 403, 401, 401, 401, 401, 401],
        ),
        (
            "POST",
            "/i/{certifier_token}/endorsements",
            Some(json!({"entryId": "{entry}", "comment": "x"})),
            [401, 401, 401, 201, 401, 401, 401, 401],
        ),
        (
            "GET",
            "/i/{certifier_token}/endorsements",
            None,
            [401, 401, 401, 200, 401, 401, 401, 401],
        ),
        (
            "POST",
            "/i/{certifier_token}/suggestions",
            Some(json!({"kind": "comment", "entryId": "{entry}", "text": "x"})),
            [401, 401, 401, 403, 401, 401, 401, 401],
        ),
        // The organisation's queue: that organisation only; another
        // organisation's key is refused (403) and finds nothing of it in
        // its own queue (404); citizens' and invited sessions are no keys.
        (
            "GET",
            "/orgs/univ/certification-requests",
            None,
            [401, 401, 401, 401, 401, 200, 403, 401],
        ),
        (
            "GET",
            "/orgs/univ/certification-requests/{request}",
            None,
            [401, 401, 401, 401, 401, 200, 403, 401],
        ),
        (
            "GET",
            "/orgs/autre/certification-requests/{request}",
            None,
            [401, 401, 401, 401, 401, 403, 404, 401],
        ),
        (
            "POST",
            "/orgs/autre/certification-requests/{request}/reject",
            Some(json!({"reason": "non"})),
            [401, 401, 401, 401, 401, 403, 404, 401],
        ),
        (
            "POST",
            "/orgs/univ/certification-requests/{request}/reject",
            Some(json!({"reason": "non"})),
            [401, 401, 401, 401, 401, 200, 403, 401],
        ),
        (
            "GET",
            "/orgs/univ/templates",
            None,
            [401, 401, 401, 401, 401, 200, 403, 401],
        ),
        // The owner's own things, last: erasing.
        (
            "DELETE",
            "/wallet/invitations/{reader_invitation}",
            None,
            [204, 401, 401, 401, 404, 403, 403, 401],
        ),
        (
            "DELETE",
            "/wallet/shares/{share}",
            None,
            [204, 401, 401, 401, 404, 403, 403, 401],
        ),
    ]
}

fn index(actor: Actor) -> usize {
    match actor {
        Owner => 0,
        Reader => 1,
        Contributor => 2,
        Certifier => 3,
        OtherCitizen => 4,
        Org => 5,
        OtherOrg => 6,
        Nobody => 7,
    }
}

fn fill(text: &str, ids: &HashMap<&'static str, String>) -> String {
    let mut out = text.to_owned();
    for (name, id) in ids {
        out = out.replace(&format!("{{{name}}}"), id);
    }
    out
}

/// The matrix checks who may call what, not the per-address quotas
/// (`limits.rs` does): its hundreds of calls come from addresses of their
/// own, behind a trusted proxy.
const BEHIND_PROXY: (&str, &str) = ("ATOUT_TRUSTED_PROXIES", "127.0.0.1/32");

fn next_address() -> String {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255)
}

#[tokio::test]
async fn every_actor_gets_exactly_what_the_matrix_says() {
    let app = TestApp::spawn_with(&[BEHIND_PROXY]).await;
    let w = world(&app).await;
    let mut failures = Vec::new();
    for (method, path, body, expected) in rows() {
        let url = fill(path, &w.ids);
        assert!(!url.contains('{'), "no fixture for {path}");
        for actor in ORDER {
            let mut req = app
                .client
                .request(method.parse().unwrap(), app.url(&url))
                .header("x-forwarded-for", next_address());
            if let Some(token) = w.bearer.get(&actor) {
                req = req.bearer_auth(token);
            }
            if let Some(b) = &body {
                let b: Value = serde_json::from_str(&fill(&b.to_string(), &w.ids)).unwrap();
                req = req.json(&b);
            }
            let res = req.send().await.unwrap();
            let status = res.status().as_u16();
            let want = expected[index(actor)];
            if status != want {
                failures.push(format!(
                    "{method} {path} as {actor:?}: {status}, expected {want}"
                ));
            } else if status >= 400 {
                // Every refusal is a problem document that says why.
                let problem: Value = res.json().await.unwrap_or(Value::Null);
                if !problem["detail"].is_string() {
                    failures.push(format!("{method} {path} as {actor:?}: no problem detail"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    app.stop().await;
}

/// How the API document says a route is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// No security requirement: anyone (what it answers is its own affair).
    Public,
    /// A citizen's session.
    Citizen,
    /// An organisation's API key on its own `/orgs/{slug}/...`.
    OwnOrg,
    /// Any organisation's API key (no slug in the path).
    AnyOrg,
    /// The platform admin only.
    Admin,
    /// An invited person's session of that invitation.
    Invited,
    /// An OpenID4VCI access token: none of the actors has one.
    AccessToken,
}

fn class_of(path: &str, secured: bool) -> Class {
    if !secured {
        Class::Public
    } else if path.starts_with("/wallet/") || path.starts_with("/auth/") {
        Class::Citizen
    } else if path.starts_with("/orgs/{slug}") {
        Class::OwnOrg
    } else if path.starts_with("/admin/") || path == "/metrics" {
        Class::Admin
    } else if path.starts_with("/i/") {
        Class::Invited
    } else if path.starts_with("/oid4vci/") {
        Class::AccessToken
    } else {
        Class::AnyOrg
    }
}

/// Whether `actor` may get past authorisation on a route of `class` (then
/// any answer but 401 and 403 will do), or else the status it must get.
fn expected(class: Class, actor: Actor) -> Option<u16> {
    let citizen_session = matches!(actor, Owner | OtherCitizen);
    let org_key = matches!(actor, Org | OtherOrg);
    match class {
        Class::Public => None,
        Class::Citizen if citizen_session => None,
        Class::Citizen if org_key => Some(403),
        Class::Citizen => Some(401),
        Class::OwnOrg if actor == Org => None,
        Class::OwnOrg if actor == OtherOrg => Some(403),
        Class::OwnOrg => Some(401),
        Class::AnyOrg if org_key => None,
        Class::AnyOrg => Some(401),
        Class::Admin if org_key => Some(403),
        Class::Admin => Some(401),
        // The reader's invitation link: the reader gets in (a role may
        // still refuse an action: 403 is its answer, not authorisation's).
        Class::Invited if actor == Reader => None,
        Class::Invited => Some(401),
        Class::AccessToken => Some(401),
    }
}

#[tokio::test]
async fn every_route_of_the_api_document_against_every_actor() {
    let app = TestApp::spawn_with(&[BEHIND_PROXY]).await;
    let w = world(&app).await;
    let doc: Value = app.get("/openapi.json", None).await.json().await.unwrap();
    let mut failures = Vec::new();
    let mut routes = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            // Would end the session every other row uses.
            if path == "/auth/logout" {
                continue;
            }
            routes += 1;
            let secured = op
                .get("security")
                .and_then(Value::as_array)
                .is_some_and(|s| !s.is_empty());
            let class = class_of(path, secured);
            let url = path.replace("{slug}", "univ").replace(
                "{token}",
                if path.starts_with("/i/") {
                    &w.ids["reader_token"]
                } else {
                    &w.ids["share_token"]
                },
            );
            // Every other parameter: a thing nobody has.
            let url: String = {
                let mut out = String::new();
                let mut rest = url.as_str();
                while let Some(start) = rest.find('{') {
                    out.push_str(&rest[..start]);
                    let end = rest[start..].find('}').unwrap() + start;
                    out.push_str("none");
                    rest = &rest[end + 1..];
                }
                out.push_str(rest);
                out
            };
            for actor in ORDER {
                let mut req = app
                    .client
                    .request(method.to_uppercase().parse().unwrap(), app.url(&url))
                    .header("x-forwarded-for", next_address());
                if let Some(token) = w.bearer.get(&actor) {
                    req = req.bearer_auth(token);
                }
                if ["post", "put", "patch"].contains(&method.as_str()) {
                    req = req.json(&json!({}));
                }
                let status = req.send().await.unwrap().status().as_u16();
                // A role refusing the reader an action is a 403 of its own.
                let role_refusal = class == Class::Invited && actor == Reader && status == 403;
                match expected(class, actor) {
                    None if role_refusal => {}
                    None if [401, 403].contains(&status) && class != Class::Public => failures
                        .push(format!(
                            "{method} {path} ({class:?}) as {actor:?}: {status}, should get in"
                        )),
                    None if class == Class::Public && status == 401 => {
                        failures.push(format!("{method} {path} (public) as {actor:?}: 401"))
                    }
                    Some(want) if status != want => failures.push(format!(
                        "{method} {path} ({class:?}) as {actor:?}: {status}, expected {want}"
                    )),
                    _ => {}
                }
            }
        }
    }
    assert!(routes > 100, "only {routes} routes in the API document");
    assert!(
        failures.is_empty(),
        "{} refusals wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    app.stop().await;
}
