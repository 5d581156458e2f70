//! Revocation and suspension (Bitstring Status List), over real HTTP, with
//! the independent checker, and under concurrency.

use crate::common::*;
use crate::issue::{diploma, independent_verify_with, status_documents, unwrap_credential};
use serde_json::{json, Value};

struct Issuer {
    app: TestApp,
    key: String,
    did_documents: Value,
    contexts: Value,
}

async fn issuer() -> Issuer {
    let app = TestApp::spawn().await;
    app.create_org("univ-a").await;
    let (_, key) = app.create_api_key("univ-a").await;
    let did = format!("did:web:127.0.0.1%3A{}:orgs:univ-a", app.addr.port());
    let doc: Value = app
        .get("/orgs/univ-a/did.json", None)
        .await
        .json()
        .await
        .unwrap();
    let own: Value = app
        .get("/contexts/atout/v1", None)
        .await
        .json()
        .await
        .unwrap();
    Issuer {
        did_documents: json!({ did: doc }),
        contexts: json!({ app.url("/contexts/atout/v1"): own }),
        key,
        app,
    }
}

impl Issuer {
    async fn issue(&self, options: Value) -> Value {
        let res = self
            .app
            .post_json(
                "/credentials/issue",
                Some(&self.key),
                &json!({"credential": diploma(&self.app), "options": options}),
            )
            .await;
        assert_eq!(res.status(), 201);
        res.json().await.unwrap()
    }

    async fn set(&self, credential_id: &str, purpose: &str, status: bool) -> reqwest::Response {
        self.app
            .post_json(
                "/credentials/status",
                Some(&self.key),
                &json!({
                    "credentialId": credential_id,
                    "credentialStatus": [{"type": "BitstringStatusListEntry", "status": status, "statusPurpose": purpose}]
                }),
            )
            .await
    }

    async fn independent(&self, issued: &Value) -> Value {
        let documents = status_documents(&self.app, issued).await;
        independent_verify_with(issued, &self.did_documents, &self.contexts, &documents)
    }
}

#[tokio::test]
async fn suspend_unsuspend_and_revoke_are_seen_by_the_independent_checker() {
    let issuer = issuer().await;
    for options in [json!({}), json!({"format": "vc+jwt"})] {
        let issued = issuer.issue(options.clone()).await;
        let credential = unwrap_credential(&issued);
        let id = credential["id"].as_str().unwrap().to_owned();
        let entries = credential["credentialStatus"].as_array().unwrap();
        assert_eq!(entries.len(), 2);
        for (entry, purpose) in entries.iter().zip(["revocation", "suspension"]) {
            assert_eq!(entry["type"], "BitstringStatusListEntry");
            assert_eq!(entry["statusPurpose"], purpose);
            let index: u64 = entry["statusListIndex"].as_str().unwrap().parse().unwrap();
            assert!(index < 131_072);
            assert_eq!(
                entry["statusListCredential"],
                issuer.app.url(&format!("/orgs/univ-a/status/{purpose}-1"))
            );
            assert_eq!(
                entry["id"],
                format!(
                    "{}#{index}",
                    entry["statusListCredential"].as_str().unwrap()
                )
            );
        }
        let fresh = issuer.independent(&issued).await;
        assert_eq!(fresh["verified"], true, "{fresh}");
        assert_eq!(
            fresh["statuses"],
            json!({"revocation": false, "suspension": false})
        );

        let res = issuer.set(&id, "suspension", true).await;
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["credentialId"], id.as_str());
        let seen = issuer.independent(&issued).await;
        assert_eq!(
            seen["statuses"],
            json!({"revocation": false, "suspension": true}),
            "{seen}"
        );

        assert_eq!(issuer.set(&id, "suspension", false).await.status(), 200);
        let seen = issuer.independent(&issued).await;
        assert_eq!(
            seen["statuses"],
            json!({"revocation": false, "suspension": false})
        );

        assert_eq!(issuer.set(&id, "revocation", true).await.status(), 200);
        let seen = issuer.independent(&issued).await;
        assert_eq!(seen["verified"], true, "the proofs still hold: {seen}");
        assert_eq!(
            seen["statuses"],
            json!({"revocation": true, "suspension": false})
        );
        // Revocation is irreversible; repeating it is harmless.
        assert_problem(issuer.set(&id, "revocation", false).await, 409).await;
        assert_eq!(issuer.set(&id, "revocation", true).await.status(), 200);
        let seen = issuer.independent(&issued).await;
        assert_eq!(seen["statuses"]["revocation"], true);
    }
    // Every change is audited.
    let log: Value = issuer
        .app
        .get("/orgs/univ-a/audit?limit=500", Some(ADMIN_TOKEN))
        .await
        .json()
        .await
        .unwrap();
    let count = |a: &str| {
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == a)
            .count()
    };
    assert_eq!(count("credential.issued"), 2);
    assert_eq!(count("credential.suspended"), 2);
    assert_eq!(count("credential.unsuspended"), 2);
    assert_eq!(count("credential.revoked"), 2);
    issuer.app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hundreds_of_concurrent_revocations_never_lose_a_bit() {
    let issuer = issuer().await;
    let mut issued = Vec::new();
    for _ in 0..240 {
        let credential = issuer.issue(json!({})).await;
        let index: u64 = credential["credentialStatus"][0]["statusListIndex"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        issued.push((credential["id"].as_str().unwrap().to_owned(), index));
    }
    let indexes: std::collections::HashSet<u64> = issued.iter().map(|(_, i)| *i).collect();
    assert_eq!(indexes.len(), issued.len(), "indexes are distinct");
    // Random, not sequential.
    let mut sorted: Vec<u64> = indexes.iter().copied().collect();
    sorted.sort_unstable();
    assert!(
        sorted.last().unwrap() - sorted.first().unwrap() > 10_000,
        "{sorted:?}"
    );

    let revoke: Vec<(String, u64)> = issued.iter().take(200).cloned().collect();
    let key = issuer.key.clone();
    let mut tasks = Vec::new();
    for (id, _) in revoke.clone() {
        let client = issuer.app.client.clone();
        let url = issuer.app.url("/credentials/status");
        let key = key.clone();
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(key)
                .json(&json!({
                    "credentialId": id,
                    "credentialStatus": [{"type": "BitstringStatusListEntry", "status": true, "statusPurpose": "revocation"}]
                }))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
    let list: Value = issuer
        .app
        .get("/orgs/univ-a/status/revocation-1", None)
        .await
        .json()
        .await
        .unwrap();
    let bits = atout_vc::status::decode(
        list["credentialSubject"]["encodedList"].as_str().unwrap(),
        16 * 1024,
    )
    .unwrap();
    let revoked: std::collections::HashSet<u64> = revoke.iter().map(|(_, i)| *i).collect();
    for (_, index) in &issued {
        assert_eq!(
            atout_vc::status::bit(&bits, *index).unwrap(),
            revoked.contains(index),
            "bit {index}"
        );
    }
    let set = (0..131_072u64)
        .filter(|i| atout_vc::status::bit(&bits, *i).unwrap())
        .count();
    assert_eq!(set, revoked.len(), "no other bit is set");
    issuer.app.stop().await;
}

#[tokio::test]
async fn status_lists_are_public_cacheable_and_status_changes_are_guarded() {
    let issuer = issuer().await;
    let issued = issuer.issue(json!({})).await;
    let id = issued["id"].as_str().unwrap().to_owned();
    let app = &issuer.app;

    let res = app.get("/orgs/univ-a/status/revocation-1", None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/vc+ld+json");
    assert_eq!(res.headers()["cache-control"], "public, max-age=300");
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let list: Value = res.json().await.unwrap();
    assert_eq!(
        list["type"],
        json!(["VerifiableCredential", "BitstringStatusListCredential"])
    );
    assert_eq!(list["credentialSubject"]["ttl"], 300_000);
    assert_eq!(list["proof"]["cryptosuite"], "eddsa-rdfc-2022");
    // Unchanged: 304. Changed: a new ETag and a re-signed list.
    let res = app
        .client
        .get(app.url("/orgs/univ-a/status/revocation-1"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304);
    assert_eq!(issuer.set(&id, "revocation", true).await.status(), 200);
    let res = app
        .client
        .get(app.url("/orgs/univ-a/status/revocation-1"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_ne!(res.headers()["etag"].to_str().unwrap(), etag);

    for path in [
        "/orgs/univ-a/status/revocation-01",
        "/orgs/univ-a/status/revocation-+1",
        "/orgs/univ-a/status/revocation-2",
        "/orgs/univ-a/status/other-1",
        "/orgs/univ-a/status/revocation",
        "/orgs/univ-a/status/revocation-x",
        "/orgs/nope/status/revocation-1",
    ] {
        assert_problem(app.get(path, None).await, 404).await;
    }

    // Who may change a status.
    app.create_org("univ-b").await;
    let (_, other) = app.create_api_key("univ-b").await;
    let body = json!({"credentialId": id, "credentialStatus": [{"type": "BitstringStatusListEntry", "status": true, "statusPurpose": "suspension"}]});
    assert_problem(app.post_json("/credentials/status", None, &body).await, 401).await;
    assert_problem(
        app.post_json("/credentials/status", Some(ADMIN_TOKEN), &body)
            .await,
        403,
    )
    .await;
    assert_problem(
        app.post_json("/credentials/status", Some(&other), &body)
            .await,
        404,
    )
    .await;
    // Bad input.
    let bad = [
        (json!({"credentialId": id, "credentialStatus": []}), 422),
        (
            json!({"credentialId": id, "credentialStatus": [{"type": "StatusList2021Entry", "status": true, "statusPurpose": "revocation"}]}),
            422,
        ),
        (
            json!({"credentialId": id, "credentialStatus": [{"type": "BitstringStatusListEntry", "status": true, "statusPurpose": "refresh"}]}),
            422,
        ),
        (
            json!({"credentialId": id, "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "yes", "statusPurpose": "revocation"}]}),
            422,
        ),
        (
            json!({"credentialId": "urn:uuid:nope", "credentialStatus": [{"type": "BitstringStatusListEntry", "status": true, "statusPurpose": "revocation"}]}),
            404,
        ),
        (json!({"credentialStatus": []}), 422),
    ];
    for (body, status) in bad {
        assert_problem(
            app.post_json("/credentials/status", Some(&issuer.key), &body)
                .await,
            status,
        )
        .await;
    }
    // Several changes are checked before any is made.
    let suspend_then_unrevoke = json!({"credentialId": id, "credentialStatus": [
        {"type": "BitstringStatusListEntry", "status": true, "statusPurpose": "suspension"},
        {"type": "BitstringStatusListEntry", "status": false, "statusPurpose": "revocation"}
    ]});
    assert_problem(
        app.post_json(
            "/credentials/status",
            Some(&issuer.key),
            &suspend_then_unrevoke,
        )
        .await,
        409,
    )
    .await;
    let twice = json!({"credentialId": id, "credentialStatus": [
        {"type": "BitstringStatusListEntry", "status": true, "statusPurpose": "suspension"},
        {"type": "BitstringStatusListEntry", "status": false, "statusPurpose": "suspension"}
    ]});
    assert_problem(
        app.post_json("/credentials/status", Some(&issuer.key), &twice)
            .await,
        422,
    )
    .await;
    let page: Value = app
        .get("/orgs/univ-a/credentials", Some(&issuer.key))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"][0]["suspended"], false, "nothing was changed");
    // A credential cannot bring its own status entries.
    let mut own = diploma(app);
    own["credentialStatus"] = json!({"type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "1", "statusListCredential": "https://evil.example/list"});
    let res = app
        .post_json(
            "/credentials/issue",
            Some(&issuer.key),
            &json!({"credential": own}),
        )
        .await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["field"], "credentialStatus");
    issuer.app.stop().await;
}

#[tokio::test]
async fn the_command_line_revokes_suspends_and_unsuspends() {
    let issuer = issuer().await;
    let app = &issuer.app;
    let issued = issuer.issue(json!({})).await;
    let id = issued["id"].as_str().unwrap().to_owned();
    let cli = |args: &[&str]| app.command().args(args).output().unwrap();
    let registry = || async {
        let page: Value = app
            .get("/orgs/univ-a/credentials", Some(&issuer.key))
            .await
            .json()
            .await
            .unwrap();
        (
            page["items"][0]["revoked"].clone(),
            page["items"][0]["suspended"].clone(),
        )
    };
    let out = cli(&["credential", "suspend", "--org", "univ-a", &id]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(registry().await, (json!(false), json!(true)));
    let seen = issuer.independent(&issued).await;
    assert_eq!(seen["statuses"]["suspension"], true, "{seen}");
    assert!(cli(&["credential", "unsuspend", "--org", "univ-a", &id])
        .status
        .success());
    assert_eq!(registry().await, (json!(false), json!(false)));
    assert!(cli(&["credential", "revoke", "--org", "univ-a", &id])
        .status
        .success());
    let again = cli(&["credential", "revoke", "--org", "univ-a", &id]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("unchanged"));
    assert_eq!(registry().await, (json!(true), json!(false)));
    let seen = issuer.independent(&issued).await;
    assert_eq!(seen["statuses"]["revocation"], true);
    let unknown = cli(&["credential", "revoke", "--org", "univ-a", "urn:uuid:nope"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no credential"));
    issuer.app.stop().await;
}
