//! Organisations end to end over real HTTP: DID documents whose keys verify
//! the organisation's signatures, rotation, withdrawal, API keys, audit.

use crate::common::*;
use atout_core::crypto::{KeyAlgorithm, PublicKey};
use serde_json::{json, Value};

/// Verifies `sig` over `msg` against the verification method `vm_id` of
/// `doc`, listed under `relationship`; decodes the Multikey independently
/// for Ed25519.
fn verifies(doc: &Value, relationship: &str, vm_id: &str, msg: &[u8], sig: &[u8]) -> bool {
    let listed = doc[relationship]
        .as_array()
        .is_some_and(|refs| refs.iter().any(|r| r == vm_id));
    if !listed {
        return false;
    }
    let Some(vm) = doc["verificationMethod"]
        .as_array()
        .and_then(|vms| vms.iter().find(|m| m["id"] == vm_id))
    else {
        return false;
    };
    assert_eq!(vm["type"], "Multikey");
    assert_eq!(vm["controller"], doc["id"]);
    let multibase = vm["publicKeyMultibase"].as_str().unwrap();
    let bytes = bs58::decode(&multibase[1..]).into_vec().unwrap();
    if bytes[..2] == [0xed, 0x01] {
        ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, &bytes[2..])
            .verify(msg, sig)
            .is_ok()
    } else {
        PublicKey::from_multibase(multibase)
            .unwrap()
            .verify(msg, sig)
            .is_ok()
    }
}

async fn did_doc(app: &TestApp, slug: &str) -> Value {
    let res = app.get(&format!("/orgs/{slug}/did.json"), None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/did+json");
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    res.json().await.unwrap()
}

async fn sign(app: &TestApp, slug: &str, alg: KeyAlgorithm, msg: &[u8]) -> (String, Vec<u8>) {
    let signer = app.state.orgs.org_signing_key(slug, alg).await.unwrap();
    (
        signer.verification_method.clone(),
        signer.key.sign(msg).unwrap(),
    )
}

#[tokio::test]
async fn did_document_over_http_verifies_the_organisations_signature() {
    let app = TestApp::spawn().await;
    let created = app.create_org("univ-orleans").await;
    let port = app.addr.port();
    let did = format!("did:web:127.0.0.1%3A{port}:orgs:univ-orleans");
    assert_eq!(created["did"], did);
    assert_eq!(created["name_fr"], "Organisme univ-orleans");
    assert_eq!(created["keys"].as_array().unwrap().len(), 1);

    let doc = did_doc(&app, "univ-orleans").await;
    assert_eq!(doc["id"], did);
    assert_eq!(
        doc["@context"],
        json!([
            "https://www.w3.org/ns/did/v1",
            "https://w3id.org/security/multikey/v1"
        ])
    );
    let (vm, sig) = sign(&app, "univ-orleans", KeyAlgorithm::Ed25519, b"diploma").await;
    assert_eq!(vm, format!("{did}#key-1"));
    assert!(verifies(&doc, "assertionMethod", &vm, b"diploma", &sig));
    assert!(verifies(&doc, "authentication", &vm, b"diploma", &sig));
    assert!(!verifies(&doc, "assertionMethod", &vm, b"diplomA", &sig));

    // The platform's own document.
    let res = app.get("/.well-known/did.json", None).await;
    assert_eq!(res.status(), 200);
    let platform: Value = res.json().await.unwrap();
    assert_eq!(platform["id"], format!("did:web:127.0.0.1%3A{port}"));
    assert_eq!(platform["verificationMethod"][0]["type"], "Multikey");
    assert!(platform["verificationMethod"][0]["publicKeyMultibase"]
        .as_str()
        .unwrap()
        .starts_with("z6Mk"));

    // Unknown or hostile slugs: 404 problem, never a panic.
    for slug in ["nope", "..%2F..%2Fetc", "UPPER", "a%C3%A9", "%F0%9F%8E%93"] {
        let res = app.get(&format!("/orgs/{slug}/did.json"), None).await;
        assert_problem(res, 404).await;
    }
    // NUL bytes never reach the database (PostgreSQL would refuse them).
    for path in [
        "/orgs/a%00b/did.json",
        "/orgs/univ-orleans/audit?x=%00",
        "/admin/orgs/a%00/api-keys",
    ] {
        assert_problem(app.get(path, Some(ADMIN_TOKEN)).await, 400).await;
    }
    app.stop().await;
}

#[tokio::test]
async fn rotation_keeps_old_signatures_verifying_and_withdrawal_stops_them() {
    let app = TestApp::spawn().await;
    let res = app
        .post_json(
            "/admin/orgs",
            Some(ADMIN_TOKEN),
            &json!({"slug": "univ-tours", "p256": true}),
        )
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(res.headers()["location"], "/orgs/univ-tours");
    let (old_vm, old_sig) = sign(&app, "univ-tours", KeyAlgorithm::Ed25519, b"2019 diploma").await;
    let (p_vm, p_sig) = sign(&app, "univ-tours", KeyAlgorithm::P256, b"badge").await;

    // Rotate (empty body: Ed25519).
    let res = app
        .client
        .post(app.url("/admin/orgs/univ-tours/keys"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let new_key: Value = res.json().await.unwrap();
    assert_eq!(new_key["fragment"], "key-3");
    assert_eq!(new_key["status"], "active");
    let (new_vm, new_sig) = sign(&app, "univ-tours", KeyAlgorithm::Ed25519, b"2026 diploma").await;
    assert_ne!(old_vm, new_vm);
    assert_eq!(new_key["verification_method"], new_vm.as_str());

    let doc = did_doc(&app, "univ-tours").await;
    assert_eq!(doc["verificationMethod"].as_array().unwrap().len(), 3);
    assert!(verifies(
        &doc,
        "assertionMethod",
        &old_vm,
        b"2019 diploma",
        &old_sig
    ));
    assert!(verifies(
        &doc,
        "assertionMethod",
        &new_vm,
        b"2026 diploma",
        &new_sig
    ));
    assert!(verifies(&doc, "assertionMethod", &p_vm, b"badge", &p_sig));
    // A retired key no longer authenticates.
    assert!(!verifies(
        &doc,
        "authentication",
        &old_vm,
        b"2019 diploma",
        &old_sig
    ));

    // The active key cannot be withdrawn.
    let res = app
        .post_json(
            "/admin/orgs/univ-tours/keys/key-3/withdraw",
            Some(ADMIN_TOKEN),
            &json!({}),
        )
        .await;
    assert_problem(res, 409).await;
    // The compromised old key is withdrawn: what it signed stops verifying.
    let res = app
        .post_json(
            "/admin/orgs/univ-tours/keys/key-1/withdraw",
            Some(ADMIN_TOKEN),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let withdrawn: Value = res.json().await.unwrap();
    assert_eq!(withdrawn["status"], "withdrawn");
    let doc = did_doc(&app, "univ-tours").await;
    assert!(!verifies(
        &doc,
        "assertionMethod",
        &old_vm,
        b"2019 diploma",
        &old_sig
    ));
    assert!(verifies(
        &doc,
        "assertionMethod",
        &new_vm,
        b"2026 diploma",
        &new_sig
    ));
    assert!(!doc.to_string().contains(&old_vm));
    // Twice: conflict; unknown key: 404.
    let res = app
        .post_json(
            "/admin/orgs/univ-tours/keys/key-1/withdraw",
            Some(ADMIN_TOKEN),
            &json!({}),
        )
        .await;
    assert_problem(res, 409).await;
    let res = app
        .post_json(
            "/admin/orgs/univ-tours/keys/key-9/withdraw",
            Some(ADMIN_TOKEN),
            &json!({}),
        )
        .await;
    assert_problem(res, 404).await;

    // P-256 rotation on request.
    let res = app
        .post_json(
            "/admin/orgs/univ-tours/keys",
            Some(ADMIN_TOKEN),
            &json!({"algorithm": "P-256"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let key: Value = res.json().await.unwrap();
    assert_eq!(key["algorithm"], "P-256");
    assert!(key["public_key_multibase"]
        .as_str()
        .unwrap()
        .starts_with("zDn"));
    let res = app
        .post_json(
            "/admin/orgs/univ-tours/keys",
            Some(ADMIN_TOKEN),
            &json!({"algorithm": "RSA"}),
        )
        .await;
    assert_problem(res, 422).await;

    // The details show every key with its status.
    let res = app.get("/orgs/univ-tours", Some(ADMIN_TOKEN)).await;
    let details: Value = res.json().await.unwrap();
    let statuses: Vec<(String, String)> = details["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["fragment"].as_str().unwrap().to_owned(),
                k["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("key-1", "withdrawn"),
            ("key-2", "retired"),
            ("key-3", "active"),
            ("key-4", "active")
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
    assert!(!details.to_string().contains("sealed"));
    app.stop().await;
}

#[tokio::test]
async fn api_keys_are_shown_once_scoped_to_their_organisation_and_revocable() {
    let app = TestApp::spawn().await;
    app.create_org("univ-a").await;
    app.create_org("univ-b").await;
    let (id, key) = app.create_api_key("univ-a").await;
    assert!(key.starts_with("atout_"));

    // The key is never shown again, and not stored in clear.
    let res = app.get("/orgs/univ-a/api-keys", Some(ADMIN_TOKEN)).await;
    let text = res.text().await.unwrap();
    assert!(!text.contains(&key));
    let list: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(list["items"][0]["id"], id.as_str());
    assert!(key.starts_with(list["items"][0]["prefix"].as_str().unwrap()));

    // The key reads its own organisation, not another, not admin routes.
    assert_eq!(app.get("/orgs/univ-a", Some(&key)).await.status(), 200);
    assert_problem(app.get("/orgs/univ-b", Some(&key)).await, 403).await;
    assert_problem(app.get("/admin/orgs", Some(&key)).await, 403).await;
    assert_problem(
        app.post_json(
            "/admin/orgs/univ-a/api-keys",
            Some(&key),
            &json!({"name": "x"}),
        )
        .await,
        403,
    )
    .await;
    // Last use is recorded.
    let res = app.get("/orgs/univ-a/api-keys", Some(&key)).await;
    let list: Value = res.json().await.unwrap();
    assert_eq!(list["items"][0]["last_used_at"], "2026-01-15T10:00:00Z");

    // Revocation takes effect at once.
    let res = app
        .delete(&format!("/orgs/univ-a/api-keys/{id}"), Some(&key))
        .await;
    assert_eq!(res.status(), 204);
    assert_problem(app.get("/orgs/univ-a", Some(&key)).await, 401).await;
    assert_problem(
        app.delete(&format!("/orgs/univ-a/api-keys/{id}"), Some(ADMIN_TOKEN))
            .await,
        404,
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn every_change_is_in_the_audit_log_with_its_request_id() {
    let app = TestApp::spawn().await;
    let res = app
        .post_json("/admin/orgs", Some(ADMIN_TOKEN), &json!({"slug": "univ-a"}))
        .await;
    let create_request = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    app.create_org("univ-b").await;
    let rotate = app
        .post_json("/admin/orgs/univ-a/keys", Some(ADMIN_TOKEN), &json!({}))
        .await;
    let rotate_request = rotate.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let (key_id, key) = app.create_api_key("univ-a").await;
    assert_eq!(
        app.delete(
            &format!("/orgs/univ-a/api-keys/{key_id}"),
            Some(ADMIN_TOKEN)
        )
        .await
        .status(),
        204
    );
    // A failed request (duplicate) writes no audit line.
    assert_problem(
        app.post_json("/admin/orgs", Some(ADMIN_TOKEN), &json!({"slug": "univ-a"}))
            .await,
        409,
    )
    .await;

    let res = app.get("/orgs/univ-a/audit", Some(ADMIN_TOKEN)).await;
    assert_eq!(res.status(), 200);
    let page: Value = res.json().await.unwrap();
    let items = page["items"].as_array().unwrap();
    let actions: Vec<&str> = items
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "api_key.revoked",
            "api_key.created",
            "key.rotated",
            "org.created"
        ]
    );
    assert!(items.iter().all(|e| e["actor"] == "admin"));
    assert_eq!(items[3]["request_id"], create_request.as_str());
    assert_eq!(items[2]["request_id"], rotate_request.as_str());
    assert_eq!(items[2]["details"]["fragment"], "key-2");
    assert!(
        !page.to_string().contains(&key),
        "the API key never reaches the log"
    );
    assert!(page["next_before"].is_null());

    // Paging.
    let res = app
        .get("/orgs/univ-a/audit?limit=3", Some(ADMIN_TOKEN))
        .await;
    let first: Value = res.json().await.unwrap();
    assert_eq!(first["items"].as_array().unwrap().len(), 3);
    let before = first["next_before"].as_i64().unwrap();
    let res = app
        .get(
            &format!("/orgs/univ-a/audit?limit=3&before={before}"),
            Some(ADMIN_TOKEN),
        )
        .await;
    let second: Value = res.json().await.unwrap();
    assert_eq!(second["items"][0]["action"], "org.created");

    // An organisation reads its own part only; the admin reads everything.
    let (_, b_key) = app.create_api_key("univ-b").await;
    let res = app.get("/orgs/univ-b/audit", Some(&b_key)).await;
    let b_page: Value = res.json().await.unwrap();
    let b_actions: Vec<&str> = b_page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(b_actions, ["api_key.created", "org.created"]);
    assert_problem(app.get("/orgs/univ-a/audit", Some(&b_key)).await, 403).await;
    assert_problem(app.get("/admin/audit", Some(&b_key)).await, 403).await;
    let res = app.get("/admin/audit?limit=500", Some(ADMIN_TOKEN)).await;
    let all: Value = res.json().await.unwrap();
    let all_actions: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    // Two organisations, a rotation, three API key events, and the
    // platform's own key at start-up.
    assert_eq!(all_actions.len(), 7, "{all_actions:?}");
    assert_eq!(all_actions.last(), Some(&"key.created"));
    let res = app.get("/admin/audit?org=univ-b", Some(ADMIN_TOKEN)).await;
    let filtered: Value = res.json().await.unwrap();
    assert_eq!(filtered["items"].as_array().unwrap().len(), 2);
    assert_problem(
        app.get("/admin/audit?org=nope", Some(ADMIN_TOKEN)).await,
        404,
    )
    .await;
    for bad in ["limit=0", "limit=501", "limit=x", "before=abc", "bogus=1"] {
        assert_problem(
            app.get(&format!("/admin/audit?{bad}"), Some(ADMIN_TOKEN))
                .await,
            400,
        )
        .await;
    }
    app.stop().await;
}
