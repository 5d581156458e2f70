//! Organisations identified by a did:key (issuers without a domain; the W3C
//! test suites resolve only did:key): created through the admin API,
//! issuing exactly as did:web organisations do, no DID document served, no
//! key rotation or withdrawal.

use crate::{
    common::*,
    issue::{diploma, independent_verify_with, status_documents, unwrap_credential},
};
use serde_json::{json, Value};

/// The document a did:key resolver builds for an Ed25519 did:key (Multikey).
fn did_key_document(did: &str) -> Value {
    let multibase = did.strip_prefix("did:key:").unwrap();
    let vm = format!("{did}#{multibase}");
    json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [{
            "id": vm, "type": "Multikey", "controller": did, "publicKeyMultibase": multibase
        }],
        "assertionMethod": [vm],
        "authentication": [vm],
    })
}

#[tokio::test]
async fn a_did_key_organisation_issues_like_a_did_web_one_and_cannot_rotate() {
    let app = TestApp::spawn().await;
    let res = app
        .post_json(
            "/admin/orgs",
            Some(ADMIN_TOKEN),
            &json!({"slug": "petit-organisme", "name_fr": "Petit organisme", "did_method": "key"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    let did = created["did"].as_str().unwrap().to_owned();
    assert!(did.starts_with("did:key:z6Mk"), "{created}");
    assert_eq!(created["did_method"], "key");
    let keys = created["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1);
    let multibase = keys[0]["public_key_multibase"].as_str().unwrap();
    assert_eq!(did, format!("did:key:{multibase}"));
    assert_eq!(keys[0]["verification_method"], format!("{did}#{multibase}"));
    assert_eq!(keys[0]["algorithm"], "Ed25519");

    // Stored: the organisation's DID, unique.
    let org = app
        .store()
        .get_org_by_slug("petit-organisme")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(org.did_key.as_deref(), Some(did.as_str()));

    // The camelCase spelling the VC-API world uses is accepted too; the
    // default stays did:web.
    let res = app
        .post_json(
            "/admin/orgs",
            Some(ADMIN_TOKEN),
            &json!({"slug": "autre-organisme", "didMethod": "key"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let other: Value = res.json().await.unwrap();
    assert!(other["did"].as_str().unwrap().starts_with("did:key:z6Mk"));
    assert_ne!(other["did"], created["did"]);
    let web = app.create_org("univ-web").await;
    assert_eq!(web["did_method"], "web");
    assert!(web["did"].as_str().unwrap().starts_with("did:web:"));
    let listed: Value = app
        .get("/admin/orgs", Some(ADMIN_TOKEN))
        .await
        .json()
        .await
        .unwrap();
    let methods: Vec<(&str, &str)> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["slug"].as_str().unwrap(),
                o["did_method"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(methods.contains(&("petit-organisme", "key")), "{listed}");
    assert!(methods.contains(&("univ-web", "web")), "{listed}");
    let shown: Value = app
        .get("/orgs/petit-organisme", Some(ADMIN_TOKEN))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shown["did"], did.as_str());
    assert_eq!(shown["did_method"], "key");

    // Refused: P-256 (a did:key is one key), an unknown method.
    let problem = assert_problem(
        app.post_json(
            "/admin/orgs",
            Some(ADMIN_TOKEN),
            &json!({"slug": "p256-key", "did_method": "key", "p256": true}),
        )
        .await,
        422,
    )
    .await;
    assert!(
        problem["detail"].as_str().unwrap().contains("did:key"),
        "{problem}"
    );
    assert_problem(
        app.post_json(
            "/admin/orgs",
            Some(ADMIN_TOKEN),
            &json!({"slug": "peer-org", "did_method": "peer"}),
        )
        .await,
        422,
    )
    .await;
    assert!(app
        .store()
        .get_org_by_slug("p256-key")
        .await
        .unwrap()
        .is_none());

    // No DID document: a did:key resolves itself.
    let problem = assert_problem(app.get("/orgs/petit-organisme/did.json", None).await, 404).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("did:key"),
        "{problem}"
    );
    assert_eq!(app.get("/orgs/univ-web/did.json", None).await.status(), 200);

    // Rotation and withdrawal are refused, saying why; nothing changes.
    for (path, body) in [
        ("/admin/orgs/petit-organisme/keys", json!({})),
        (
            "/admin/orgs/petit-organisme/keys",
            json!({"algorithm": "P-256"}),
        ),
        (
            &*format!("/admin/orgs/petit-organisme/keys/{multibase}/withdraw"),
            json!(null),
        ),
        (
            "/admin/orgs/petit-organisme/keys/key-1/withdraw",
            json!(null),
        ),
    ] {
        let res = if body.is_null() {
            app.client
                .post(app.url(path))
                .bearer_auth(ADMIN_TOKEN)
                .send()
                .await
                .unwrap()
        } else {
            app.post_json(path, Some(ADMIN_TOKEN), &body).await
        };
        let problem = assert_problem(res, 409).await;
        let detail = problem["detail"].as_str().unwrap();
        assert!(
            detail.contains("did:key") && detail.contains("cannot rotate or withdraw"),
            "{path}: {problem}"
        );
        assert_eq!(problem["didMethod"], "key");
    }
    let after: Value = app
        .get("/orgs/petit-organisme", Some(ADMIN_TOKEN))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after["keys"], shown["keys"]);

    // Issuing: the issuer is the did:key, the proof's verification method
    // did:key:z...#z...; an independent verifier resolving the did:key
    // accepts it, status lists included (signed by the did:key too).
    let (_, key) = app.create_api_key("petit-organisme").await;
    let did_documents = json!({ did.clone(): did_key_document(&did) });
    let contexts = crate::issue::own_context(&app).await;
    for options in [
        json!({}),
        json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}),
        json!({"format": "vc+jwt"}),
    ] {
        let res = app
            .post_json(
                "/credentials/issue",
                Some(&key),
                &json!({"credential": diploma(&app), "options": options}),
            )
            .await;
        let status = res.status();
        let issued: Value = res.json().await.unwrap();
        assert_eq!(status, 201, "{options}: {issued}");
        let credential = unwrap_credential(&issued);
        assert_eq!(credential["issuer"], did.as_str(), "{options}");
        if options.get("format").is_none() {
            assert_eq!(
                issued["proof"]["verificationMethod"],
                format!("{did}#{multibase}")
            );
        }
        let documents = status_documents(&app, &issued).await;
        for list in documents.as_object().unwrap().values() {
            assert_eq!(list["issuer"], did.as_str());
        }
        let verdict = independent_verify_with(&issued, &did_documents, &contexts, &documents);
        assert_eq!(verdict["verified"], true, "{options}: {verdict}");
    }
    // ...with its one Ed25519 key only.
    for options in [
        json!({"cryptosuite": "ecdsa-rdfc-2019"}),
        json!({"format": "vc+jwt", "alg": "ES256"}),
    ] {
        let res = app
            .post_json(
                "/credentials/issue",
                Some(&key),
                &json!({"credential": diploma(&app), "options": options}),
            )
            .await;
        let problem = assert_problem(res, 422).await;
        assert_eq!(problem["field"], "options");
        assert!(
            problem["detail"].as_str().unwrap().contains("did:key"),
            "{problem}"
        );
    }
    app.stop().await;
}
