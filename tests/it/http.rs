//! HTTP plumbing over real HTTP: problems for every error, authorization
//! for every route, request ids, security headers, health, OpenAPI,
//! metrics, shutdown.

use crate::common::*;
use serde_json::{json, Value};

/// Who calls.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Caller {
    Nobody,
    BadToken,
    Malformed,
    OtherOrgKey,
    OwnOrgKey,
    Admin,
}

#[tokio::test]
async fn every_route_states_who_may_call_it() {
    let app = TestApp::spawn().await;
    app.create_org("univ-a").await;
    app.create_org("univ-b").await;
    let (own_id, own) = app.create_api_key("univ-a").await;
    let (_, other) = app.create_api_key("univ-b").await;
    use Caller::*;
    // (method, path, body, who may call)
    let admin_only = &[Admin][..];
    let org_or_admin = &[OwnOrgKey, Admin][..];
    let public = &[Nobody, BadToken, Malformed, OtherOrgKey, OwnOrgKey, Admin][..];
    let own_key = &[OwnOrgKey][..];
    let any_org_key = &[OtherOrgKey, OwnOrgKey][..];
    // Citizens' routes: none of this table's callers is a citizen.
    let citizen_only: &[Caller] = &[];
    const NO_TOKEN: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let routes: Vec<(&str, String, Option<Value>, &[Caller])> = vec![
        ("GET", "/healthz".into(), None, public),
        ("GET", "/readyz".into(), None, public),
        ("GET", "/openapi.json".into(), None, public),
        ("GET", "/.well-known/did.json".into(), None, public),
        ("GET", "/orgs/univ-a/did.json".into(), None, public),
        ("GET", "/metrics".into(), None, admin_only),
        ("GET", "/admin/orgs".into(), None, admin_only),
        (
            "POST",
            "/admin/orgs".into(),
            Some(json!({"slug": "x"})),
            admin_only,
        ),
        (
            "POST",
            "/admin/orgs/univ-a/keys".into(),
            Some(json!({})),
            admin_only,
        ),
        (
            "POST",
            "/admin/orgs/univ-a/keys/key-1/withdraw".into(),
            Some(json!({})),
            admin_only,
        ),
        (
            "POST",
            "/admin/orgs/univ-a/api-keys".into(),
            Some(json!({"name": "n"})),
            admin_only,
        ),
        ("GET", "/admin/audit".into(), None, admin_only),
        ("GET", "/orgs/univ-a".into(), None, org_or_admin),
        ("GET", "/orgs/univ-a/api-keys".into(), None, org_or_admin),
        ("GET", "/orgs/univ-a/audit".into(), None, org_or_admin),
        (
            "DELETE",
            "/orgs/univ-a/api-keys/no-such-key".into(),
            None,
            org_or_admin,
        ),
        (
            "POST",
            "/credentials/issue".into(),
            Some(json!({"credential": {}})),
            any_org_key,
        ),
        (
            "POST",
            "/credentials/status".into(),
            Some(json!({"credentialId": "urn:x", "credentialStatus": []})),
            any_org_key,
        ),
        (
            "GET",
            "/orgs/univ-a/status/revocation-1".into(),
            None,
            public,
        ),
        ("GET", "/contexts/atout/v1".into(), None, public),
        ("GET", "/admin/registry".into(), None, admin_only),
        (
            "PUT",
            "/admin/registry/issuers/did:web:univ.example".into(),
            Some(json!({})),
            admin_only,
        ),
        (
            "GET",
            "/admin/registry/issuers/did:web:univ.example".into(),
            None,
            admin_only,
        ),
        (
            "DELETE",
            "/admin/registry/issuers/did:web:univ.example".into(),
            None,
            admin_only,
        ),
        ("GET", "/admin/registry/export".into(), None, admin_only),
        (
            "POST",
            "/admin/registry/import".into(),
            Some(json!({})),
            admin_only,
        ),
        (
            "POST",
            "/credentials/verify".into(),
            Some(json!({"verifiableCredential": {}})),
            public,
        ),
        (
            "POST",
            "/presentations/verify".into(),
            Some(json!({"verifiablePresentation": {}})),
            public,
        ),
        ("GET", "/verify".into(), None, public),
        ("POST", "/verify".into(), Some(json!({})), public),
        ("GET", "/verify/AAAAAAAAAAAAAAAAAAAAAA".into(), None, public),
        (
            "GET",
            "/verify/AAAAAAAAAAAAAAAAAAAAAA/qr.svg".into(),
            None,
            public,
        ),
        (
            "GET",
            "/verify/AAAAAAAAAAAAAAAAAAAAAA/qr.png".into(),
            None,
            public,
        ),
        (
            "POST",
            "/orgs/univ-a/templates".into(),
            Some(json!({})),
            org_or_admin,
        ),
        ("GET", "/orgs/univ-a/templates".into(), None, org_or_admin),
        ("GET", "/template-gallery".into(), None, public),
        ("GET", "/template-gallery/licence".into(), None, public),
        (
            "GET",
            "/orgs/univ-a/templates/none".into(),
            None,
            org_or_admin,
        ),
        (
            "POST",
            "/orgs/univ-a/templates/none/issue".into(),
            Some(json!({"subject": {}})),
            own_key,
        ),
        (
            "POST",
            "/orgs/univ-a/batches?template=none".into(),
            Some(json!({})),
            own_key,
        ),
        (
            "GET",
            "/orgs/univ-a/batches/none".into(),
            None,
            org_or_admin,
        ),
        (
            "GET",
            "/orgs/univ-a/batches/none/rows".into(),
            None,
            org_or_admin,
        ),
        // Delivery of bulk issuance (see delivery.rs).
        (
            "GET",
            "/orgs/univ-a/batches/none/delivery".into(),
            None,
            org_or_admin,
        ),
        (
            "POST",
            "/orgs/univ-a/batches/none/resend".into(),
            None,
            org_or_admin,
        ),
        (
            "POST",
            "/orgs/univ-a/batches/none/withdraw".into(),
            None,
            org_or_admin,
        ),
        (
            "POST",
            "/orgs/univ-a/batches/none/rows/1/resend".into(),
            None,
            org_or_admin,
        ),
        (
            "POST",
            "/orgs/univ-a/batches/none/rows/1/withdraw".into(),
            None,
            org_or_admin,
        ),
        // Citizens' accounts: public entry points, and the citizen's own
        // routes (no org key or admin token gets in: see wallet_auth.rs).
        (
            "POST",
            "/auth/signup".into(),
            Some(json!({"email": "x"})),
            public,
        ),
        (
            "POST",
            "/auth/login".into(),
            Some(json!({"email": "x"})),
            public,
        ),
        (
            "POST",
            "/auth/verify-email".into(),
            Some(json!({"token": "x"})),
            public,
        ),
        (
            "POST",
            "/auth/forgot-password".into(),
            Some(json!({"email": "x@example.org"})),
            public,
        ),
        (
            "POST",
            "/auth/reset-password".into(),
            Some(json!({"token": "x"})),
            public,
        ),
        ("POST", "/auth/logout".into(), None, citizen_only),
        (
            "POST",
            "/auth/verify-email/resend".into(),
            None,
            citizen_only,
        ),
        ("GET", "/wallet/passkeys".into(), None, citizen_only),
        ("DELETE", "/wallet/passkeys/none".into(), None, citizen_only),
        (
            "POST",
            "/wallet/passkeys/register/start".into(),
            None,
            citizen_only,
        ),
        (
            "POST",
            "/wallet/passkeys/register/finish".into(),
            Some(json!({})),
            citizen_only,
        ),
        (
            "POST",
            "/auth/passkey/start".into(),
            Some(json!({"email": "x@example.org"})),
            public,
        ),
        (
            "POST",
            "/auth/passkey/finish".into(),
            Some(json!({})),
            public,
        ),
        ("GET", "/wallet/me".into(), None, citizen_only),
        ("PATCH", "/wallet/me".into(), Some(json!({})), citizen_only),
        ("DELETE", "/wallet/me".into(), Some(json!({})), citizen_only),
        (
            "POST",
            "/wallet/me/password".into(),
            Some(json!({})),
            citizen_only,
        ),
        (
            "POST",
            "/orgs/univ-a/offers".into(),
            Some(json!({"templateId": "none", "subject": {}})),
            own_key,
        ),
        ("GET", "/orgs/univ-a/offers".into(), None, org_or_admin),
        ("GET", "/orgs/univ-a/offers/none".into(), None, org_or_admin),
        (
            "DELETE",
            "/orgs/univ-a/offers/none".into(),
            None,
            org_or_admin,
        ),
        ("GET", format!("/offers/{NO_TOKEN}"), None, public),
        ("GET", format!("/offers/{NO_TOKEN}/qr.svg"), None, public),
        ("GET", format!("/offers/{NO_TOKEN}/qr.png"), None, public),
        // Citizen routes: no organisation key or admin token gets in.
        ("GET", "/wallet/offers".into(), None, citizen_only),
        (
            "GET",
            format!("/wallet/offers/{NO_TOKEN}"),
            None,
            citizen_only,
        ),
        (
            "POST",
            format!("/wallet/offers/{NO_TOKEN}/accept"),
            None,
            citizen_only,
        ),
        (
            "POST",
            format!("/wallet/offers/{NO_TOKEN}/decline"),
            None,
            citizen_only,
        ),
        // OpenID4VCI: public metadata and nonces, codes and access tokens
        // of their own (checked in tests/it/oid4vci.rs).
        (
            "GET",
            "/.well-known/openid-credential-issuer".into(),
            None,
            public,
        ),
        (
            "GET",
            "/.well-known/oauth-authorization-server".into(),
            None,
            public,
        ),
        (
            "GET",
            format!("/oid4vci/credential-offer/{NO_TOKEN}"),
            None,
            public,
        ),
        ("POST", "/oid4vci/nonce".into(), None, public),
        ("GET", "/orgs/univ-a/credentials".into(), None, org_or_admin),
        (
            "GET",
            "/orgs/univ-a/credentials/none".into(),
            None,
            org_or_admin,
        ),
        // The document vault: citizens only.
        (
            "POST",
            "/wallet/documents".into(),
            Some(json!({})),
            citizen_only,
        ),
        ("GET", "/wallet/documents".into(), None, citizen_only),
        ("GET", "/wallet/documents/none".into(), None, citizen_only),
        (
            "DELETE",
            "/wallet/documents/none".into(),
            None,
            citizen_only,
        ),
        (
            "GET",
            "/wallet/documents/none/content".into(),
            None,
            citizen_only,
        ),
        (
            "GET",
            "/wallet/entries/none/documents".into(),
            None,
            citizen_only,
        ),
        (
            "PUT",
            "/wallet/entries/none/documents/none".into(),
            None,
            citizen_only,
        ),
        (
            "DELETE",
            "/wallet/entries/none/documents/none".into(),
            None,
            citizen_only,
        ),
        ("GET", "/wallet/export".into(), None, citizen_only),
        ("GET", "/wallet/shares".into(), None, citizen_only),
        (
            "POST",
            "/wallet/shares".into(),
            Some(json!({})),
            citizen_only,
        ),
        ("GET", "/wallet/shares/none".into(), None, citizen_only),
        ("DELETE", "/wallet/shares/none".into(), None, citizen_only),
        (
            "GET",
            "/wallet/shares/none/accesses".into(),
            None,
            citizen_only,
        ),
        (
            "GET",
            "/wallet/shares/none/qr.svg".into(),
            None,
            citizen_only,
        ),
        (
            "GET",
            "/wallet/shares/none/qr.png".into(),
            None,
            citizen_only,
        ),
        ("GET", "/wallet/invitations".into(), None, citizen_only),
        (
            "POST",
            "/wallet/invitations".into(),
            Some(json!({})),
            citizen_only,
        ),
        ("GET", "/wallet/invitations/none".into(), None, citizen_only),
        (
            "DELETE",
            "/wallet/invitations/none".into(),
            None,
            citizen_only,
        ),
        (
            "GET",
            "/wallet/invitations/none/accesses".into(),
            None,
            citizen_only,
        ),
        ("GET", "/wallet/suggestions".into(), None, citizen_only),
        (
            "POST",
            "/wallet/suggestions/none/approve".into(),
            None,
            citizen_only,
        ),
        (
            "POST",
            "/wallet/suggestions/none/reject".into(),
            None,
            citizen_only,
        ),
        (
            "GET",
            "/wallet/entries/none/endorsements".into(),
            None,
            citizen_only,
        ),
        (
            "POST",
            "/wallet/endorsements/none/hide".into(),
            None,
            citizen_only,
        ),
        (
            "POST",
            "/wallet/endorsements/none/show".into(),
            None,
            citizen_only,
        ),
        (
            "GET",
            "/wallet/certification-requests".into(),
            None,
            citizen_only,
        ),
        (
            "POST",
            "/wallet/certification-requests".into(),
            Some(json!({})),
            citizen_only,
        ),
        (
            "GET",
            "/wallet/certification-requests/none".into(),
            None,
            citizen_only,
        ),
        (
            "DELETE",
            "/wallet/certification-requests/none".into(),
            None,
            citizen_only,
        ),
        (
            "GET",
            "/orgs/univ-a/certification-requests".into(),
            None,
            org_or_admin,
        ),
        (
            "GET",
            "/orgs/univ-a/certification-requests/none".into(),
            None,
            org_or_admin,
        ),
        (
            "GET",
            "/orgs/univ-a/certification-requests/none/documents/none".into(),
            None,
            org_or_admin,
        ),
        (
            "POST",
            "/orgs/univ-a/certification-requests/none/approve".into(),
            Some(json!({})),
            org_or_admin,
        ),
        (
            "POST",
            "/orgs/univ-a/certification-requests/none/reject".into(),
            Some(json!({"reason": "x"})),
            org_or_admin,
        ),
        // Invitation links: whoever holds one (then the invited person's session).
        ("GET", format!("/i/{NO_TOKEN}"), None, public),
        ("POST", format!("/i/{NO_TOKEN}/code"), None, public),
        (
            "POST",
            format!("/i/{NO_TOKEN}/session"),
            Some(json!({"name": "x"})),
            public,
        ),
        ("GET", format!("/i/{NO_TOKEN}/portfolio"), None, public),
        ("GET", format!("/i/{NO_TOKEN}/documents/none"), None, public),
        (
            "POST",
            format!("/i/{NO_TOKEN}/suggestions"),
            Some(json!({})),
            public,
        ),
        ("GET", format!("/i/{NO_TOKEN}/endorsements"), None, public),
        (
            "POST",
            format!("/i/{NO_TOKEN}/endorsements"),
            Some(json!({})),
            public,
        ),
        (
            "DELETE",
            format!("/i/{NO_TOKEN}/endorsements/none"),
            None,
            public,
        ),
        // Share links: whoever holds one.
        ("GET", format!("/s/{NO_TOKEN}"), None, public),
        ("POST", format!("/s/{NO_TOKEN}"), None, public),
        (
            "POST",
            format!("/s/{NO_TOKEN}/presentation"),
            Some(json!({"challenge": "c", "domain": "d"})),
            public,
        ),
        ("GET", format!("/s/{NO_TOKEN}/documents/none"), None, public),
        (
            "POST",
            "/wallet/import".into(),
            Some(json!({})),
            citizen_only,
        ),
        // The directory of organisations: anyone; profiles: the
        // organisation or the admin (tests/it/directory.rs).
        ("GET", "/directory/organisations".into(), None, public),
        (
            "GET",
            "/directory/organisations/univ-a".into(),
            None,
            public,
        ),
        ("GET", "/orgs/univ-a/profile".into(), None, org_or_admin),
        (
            "PUT",
            "/orgs/univ-a/profile".into(),
            Some(json!({})),
            org_or_admin,
        ),
    ];
    for (method, path, body, allowed) in &routes {
        for caller in [Nobody, BadToken, Malformed, OtherOrgKey, OwnOrgKey, Admin] {
            let mut req = app.client.request(method.parse().unwrap(), app.url(path));
            req = match caller {
                Nobody => req,
                BadToken => req.bearer_auth("atout_not-a-real-key"),
                Malformed => req.header("authorization", "Basic YWRtaW46YWRtaW4="),
                OtherOrgKey => req.bearer_auth(&other),
                OwnOrgKey => req.bearer_auth(&own),
                Admin => req.bearer_auth(ADMIN_TOKEN),
            };
            if let Some(b) = body {
                req = req.json(b);
            }
            let res = req.send().await.unwrap();
            let status = res.status().as_u16();
            if allowed.contains(&caller) {
                assert!(
                    ![401, 403].contains(&status),
                    "{method} {path} as {caller:?}: got {status}"
                );
            } else {
                let expected = match caller {
                    Nobody | BadToken | Malformed => 401,
                    _ => 403,
                };
                assert_eq!(status, expected, "{method} {path} as {caller:?}");
                let body = assert_problem(res, expected).await;
                assert!(body["detail"].is_string(), "{method} {path} as {caller:?}");
            }
        }
    }
    // The own key is still live (the table never revoked it).
    let list: Value = app
        .get("/orgs/univ-a/api-keys", Some(&own))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"][0]["id"], own_id.as_str());
    app.stop().await;
}

#[tokio::test]
async fn unauthenticated_responses_ask_for_a_bearer_token() {
    let app = TestApp::spawn().await;
    let res = app.get("/admin/orgs", None).await;
    assert_eq!(res.headers()["www-authenticate"], "Bearer realm=\"atout\"");
    assert_problem(res, 401).await;
    for header in [
        "Bearer",
        "Bearer ",
        "bearer    ",
        "Token abc",
        "Bearer \u{7f}",
    ] {
        let res = app
            .client
            .get(app.url("/admin/orgs"))
            .header("authorization", header.as_bytes())
            .send()
            .await;
        if let Ok(res) = res {
            assert_problem(res, 401).await;
        }
    }
    let long = format!("Bearer atout_{}", "a".repeat(10_000));
    let res = app
        .client
        .get(app.url("/admin/orgs"))
        .header("authorization", long)
        .send()
        .await
        .unwrap();
    assert_problem(res, 401).await;
    app.stop().await;
}

#[tokio::test]
async fn bad_input_gets_a_precise_problem_and_writes_nothing() {
    let app = TestApp::spawn_with(&[("ATOUT_BODY_LIMIT_BYTES", "2048")]).await;
    app.create_org("univ-a").await;
    let post_raw = |body: Vec<u8>, content_type: Option<&'static str>| {
        let mut req = app
            .client
            .post(app.url("/admin/orgs"))
            .bearer_auth(ADMIN_TOKEN)
            .body(body);
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        req.send()
    };
    let json_ct = Some("application/json");
    let cases: Vec<(Vec<u8>, Option<&'static str>, u16, &str)> = vec![
        (b"{".to_vec(), json_ct, 400, "malformed-request"),
        (b"not json".to_vec(), json_ct, 400, "malformed-request"),
        (b"".to_vec(), json_ct, 400, "malformed-request"),
        (vec![0xff, 0xfe, 0x00], json_ct, 400, "malformed-request"),
        (
            br#"{"slug":"ok-slug"}"#.to_vec(),
            None,
            415,
            "unsupported-media-type",
        ),
        (
            br#"{"slug":"ok-slug"}"#.to_vec(),
            Some("text/plain"),
            415,
            "unsupported-media-type",
        ),
        (
            br#"{"slug":"ok-slug","admin":true}"#.to_vec(),
            json_ct,
            422,
            "invalid-input",
        ),
        (
            br#"{"name_fr":"x"}"#.to_vec(),
            json_ct,
            422,
            "invalid-input",
        ),
        (br#"{"slug":42}"#.to_vec(), json_ct, 422, "invalid-input"),
        (br#"[1,2]"#.to_vec(), json_ct, 422, "invalid-input"),
        (
            br#"{"slug":"Bad_Slug"}"#.to_vec(),
            json_ct,
            422,
            "invalid-input",
        ),
        (br#"{"slug":"a"}"#.to_vec(), json_ct, 422, "invalid-input"),
        (
            br#"{"slug":"admin"}"#.to_vec(),
            json_ct,
            422,
            "invalid-input",
        ),
        (
            br#"{"slug":"../etc"}"#.to_vec(),
            json_ct,
            422,
            "invalid-input",
        ),
        (
            br#"{"slug":"x-y","name_fr":""}"#.to_vec(),
            json_ct,
            422,
            "invalid-input",
        ),
        (
            br#"{"slug":"x-y","name_fr":"a\u0000b"}"#.to_vec(),
            json_ct,
            422,
            "invalid-input",
        ),
        (
            format!(r#"{{"slug":"x-y","name_en":"{}"}}"#, "n".repeat(201)).into_bytes(),
            json_ct,
            422,
            "invalid-input",
        ),
        (br#"{"slug":"univ-a"}"#.to_vec(), json_ct, 409, "conflict"),
        (
            format!(r#"{{"slug":"big","name_fr":"{}"}}"#, "x".repeat(4096)).into_bytes(),
            json_ct,
            413,
            "payload-too-large",
        ),
    ];
    for (body, ct, status, kind) in cases {
        let shown = String::from_utf8_lossy(&body)
            .chars()
            .take(60)
            .collect::<String>();
        let res = post_raw(body, ct).await.unwrap();
        assert_eq!(res.status().as_u16(), status, "{shown}");
        let problem = assert_problem(res, status).await;
        assert_eq!(
            problem["type"],
            format!("urn:atout:problem:{kind}"),
            "{shown}"
        );
    }
    // A chunked body without Content-Length is limited too.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..8).map(|_| Ok(vec![b' '; 1024])).collect();
    let res = app
        .client
        .post(app.url("/admin/orgs"))
        .bearer_auth(ADMIN_TOKEN)
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    assert_problem(res, 413).await;

    // Unknown fields are named in the detail.
    let res = post_raw(br#"{"slug":"ok-slug","admin":true}"#.to_vec(), json_ct)
        .await
        .unwrap();
    let problem = assert_problem(res, 422).await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("unknown field `admin`"));

    // None of it wrote anything: still one organisation, one audit line for it.
    let orgs: Value = app
        .get("/admin/orgs", Some(ADMIN_TOKEN))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(orgs["items"].as_array().unwrap().len(), 1);
    let log: Value = app
        .get("/admin/audit?limit=500", Some(ADMIN_TOKEN))
        .await
        .json()
        .await
        .unwrap();
    let created = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "org.created")
        .count();
    assert_eq!(created, 1);

    // Other surfaces: path, method, unknown route, API key names.
    assert_problem(app.get("/no/such/path", None).await, 404).await;
    let res = app.client.put(app.url("/admin/orgs")).send().await.unwrap();
    assert!(res.headers()["allow"].to_str().unwrap().contains("POST"));
    assert_problem(res, 405).await;
    assert_problem(
        app.post_json(
            "/admin/orgs/univ-a/api-keys",
            Some(ADMIN_TOKEN),
            &json!({"name": " "}),
        )
        .await,
        422,
    )
    .await;
    assert_problem(
        app.post_json(
            "/admin/orgs/nope/api-keys",
            Some(ADMIN_TOKEN),
            &json!({"name": "n"}),
        )
        .await,
        404,
    )
    .await;
    assert_problem(
        app.post_json("/admin/orgs/nope/keys", Some(ADMIN_TOKEN), &json!({}))
            .await,
        404,
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn request_ids_travel_on_every_response() {
    let app = TestApp::spawn().await;
    let a = app.get("/healthz", None).await;
    let b = app.get("/healthz", None).await;
    let id_a = a.headers()["x-request-id"].to_str().unwrap().to_owned();
    let id_b = b.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_ne!(id_a, id_b);
    assert_eq!(id_a.len(), 36);
    // A well-formed incoming id is kept; a hostile one is replaced.
    let res = app
        .client
        .get(app.url("/nope"))
        .header("x-request-id", "lb-1234.abc_DEF")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "lb-1234.abc_DEF");
    let problem = assert_problem(res, 404).await;
    assert_eq!(problem["request_id"], "lb-1234.abc_DEF");
    for hostile in [
        "<script>alert(1)</script>",
        "a b",
        &"x".repeat(65),
        "../../etc",
    ] {
        let res = app
            .client
            .get(app.url("/healthz"))
            .header("x-request-id", hostile)
            .send()
            .await
            .unwrap();
        let id = res.headers()["x-request-id"].to_str().unwrap();
        assert_ne!(id, hostile);
        assert_eq!(id.len(), 36);
    }
    app.stop().await;
}

#[tokio::test]
async fn security_headers_are_on_every_response() {
    let app = TestApp::spawn().await;
    for res in [
        app.get("/healthz", None).await,
        app.get("/admin/orgs", None).await,
        app.get("/.well-known/did.json", None).await,
        app.get("/missing", None).await,
    ] {
        let h = res.headers();
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(h["referrer-policy"], "no-referrer");
        assert!(h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'"));
        assert_eq!(h["cross-origin-opener-policy"], "same-origin");
        assert!(h.contains_key("cache-control"));
        // Plain-HTTP base URL: no HSTS.
        assert!(!h.contains_key("strict-transport-security"));
    }
    // DID documents may be cached briefly by verifiers; API answers not.
    assert_eq!(
        app.get("/.well-known/did.json", None).await.headers()["cache-control"],
        "public, max-age=60"
    );
    assert_eq!(
        app.get("/healthz", None).await.headers()["cache-control"],
        "no-store"
    );
    app.stop().await;

    let https = TestApp::spawn_with(&[("ATOUT_BASE_URL", "https://portfolio.example.org")]).await;
    let res = https.get("/healthz", None).await;
    assert!(res.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .starts_with("max-age="));
    // The base URL drives every did:web identifier.
    let created = https.create_org("univ-a").await;
    assert_eq!(created["did"], "did:web:portfolio.example.org:orgs:univ-a");
    let doc: Value = https
        .get("/.well-known/did.json", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(doc["id"], "did:web:portfolio.example.org");
    https.stop().await;
}

#[tokio::test]
async fn health_readiness_and_openapi() {
    let app = TestApp::spawn().await;
    let res = app.get("/healthz", None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "ok");
    let res = app.get("/readyz", None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "ready");

    let res = app.get("/openapi.json", None).await;
    assert_eq!(res.status(), 200);
    let doc: Value = res.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/admin/orgs",
        "/admin/orgs/{slug}/keys",
        "/admin/orgs/{slug}/keys/{key}/withdraw",
        "/admin/orgs/{slug}/api-keys",
        "/orgs/{slug}",
        "/orgs/{slug}/api-keys",
        "/orgs/{slug}/api-keys/{id}",
        "/orgs/{slug}/audit",
        "/admin/audit",
        "/orgs/{slug}/did.json",
        "/.well-known/did.json",
        "/healthz",
        "/readyz",
        "/metrics",
    ] {
        assert!(
            doc["paths"].get(path).is_some(),
            "{path} missing from OpenAPI"
        );
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert!(doc["paths"]["/admin/orgs"]["post"]["responses"]
        .get("409")
        .is_some());
    // The served document is the one built from the code.
    assert_eq!(
        doc["paths"].as_object().unwrap().len(),
        app.openapi.paths.paths.len()
    );

    // Readiness follows the database.
    app.store().close().await;
    let res = app.get("/readyz", None).await;
    assert_problem(res, 503).await;
    assert_eq!(app.get("/healthz", None).await.status(), 200);
}

#[tokio::test]
async fn metrics_count_by_route_template_and_never_show_raw_paths() {
    let app = TestApp::spawn().await;
    app.create_org("univ-a").await;
    let (_, key) = app.create_api_key("univ-a").await;
    for _ in 0..3 {
        assert_eq!(app.get("/orgs/univ-a/did.json", None).await.status(), 200);
    }
    app.get("/orgs/secret-share-token-123/did.json", None).await;
    app.get("/no-route/secret-share-token-456", None).await;

    assert_problem(app.get("/metrics", None).await, 401).await;
    assert_problem(app.get("/metrics", Some(&key)).await, 403).await;
    let res = app.get("/metrics", Some(ADMIN_TOKEN)).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = res.text().await.unwrap();
    let line = text
        .lines()
        .find(|l| {
            l.starts_with("atout_http_requests_total{")
                && l.contains(r#"route="/orgs/{slug}/did.json""#)
                && l.contains(r#"status="200""#)
        })
        .unwrap_or_else(|| panic!("no counter line in\n{text}"));
    assert!(line.ends_with(" 3"), "{line}");
    assert!(text.contains(r#"route="/orgs/{slug}/did.json",status="404""#));
    assert!(text.contains(r#"route="unmatched""#));
    assert!(text.contains("atout_http_request_duration_seconds_bucket"));
    assert!(text.contains("atout_db_pool_connections"));
    assert!(text.contains("atout_db_pool_max_connections 5"));
    assert!(!text.contains("secret-share-token"), "raw paths leaked");
    app.stop().await;
}

#[tokio::test]
async fn graceful_shutdown_finishes_requests_in_flight_then_closes_the_port() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn().await;
    let addr = app.addr;
    // A request whose head is half sent when shutdown starts...
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /readyz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    stream.flush().await.unwrap();
    // Give the server the bytes before asking it to stop.
    let mut probe = [0u8; 1];
    let pending = tokio::time::timeout(
        std::time::Duration::from_millis(200),
        stream.peek(&mut probe),
    )
    .await;
    assert!(
        pending.is_err(),
        "the server must not answer a half-sent request"
    );
    let stopping = tokio::spawn(app.stop());
    // ...is completed and answered.
    stream.write_all(b"\r\n").await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let text = String::from_utf8_lossy(&response);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains("\"ready\""));
    stopping.await.unwrap();
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn metrics_can_live_on_their_own_internal_listener() {
    init_logs();
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let mut env = test_env(&db, dir.path(), "http://127.0.0.1:9");
    env.push(("ATOUT_METRICS_LISTEN".into(), "127.0.0.1:0".into()));
    let config = atout_core::Config::load(None, env).unwrap();
    let clock = std::sync::Arc::new(atout_core::FixedClock::new(start_time()));
    let app = atout::build(config, clock).await.unwrap();
    let running = atout::Running::start(
        app,
        "127.0.0.1:0".parse().unwrap(),
        Some("127.0.0.1:0".parse().unwrap()),
    )
    .await
    .unwrap();
    let client = reqwest::Client::new();
    let main = format!("http://{}", running.addr);
    assert_eq!(
        client
            .get(format!("{main}/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // Off the public port...
    let res = client
        .get(format!("{main}/metrics"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_problem(res, 404).await;
    // ...and on the internal one, without a token.
    let metrics = running.metrics_addr.expect("metrics listener");
    let res = client
        .get(format!("http://{metrics}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers().contains_key("x-request-id"));
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    let text = res.text().await.unwrap();
    assert!(text.contains(r#"route="/healthz""#), "{text}");
    let res = client
        .get(format!("http://{metrics}/other"))
        .send()
        .await
        .unwrap();
    assert_problem(res, 404).await;
    running.stop().await.unwrap();
    assert!(tokio::net::TcpStream::connect(metrics).await.is_err());
}

#[tokio::test]
async fn logs_carry_route_templates_and_request_ids_never_raw_paths() {
    use std::io::{BufRead, BufReader};
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_atout"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(test_env(&db, dir.path(), "http://127.0.0.1:9"))
        .env("ATOUT_LISTEN", "127.0.0.1:0")
        .env("ATOUT_LOG_FORMAT", "json")
        .env("ATOUT_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read stdout to the end on a thread, so the server never writes to a
    // closed pipe; the first line names the address.
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("Atout is listening on http://") {
                let _ = tx.send(
                    rest.split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                );
            }
        }
    });
    let addr = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the server says where it listens");
    let client = reqwest::Client::new();
    let res = client
        .get(format!(
            "http://{addr}/orgs/secret-share-token-42/did.json?pin=9876"
        ))
        .header("x-request-id", "trace-me-1")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let res = client
        .post(format!("http://{addr}/admin/orgs"))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({"slug": "univ-a"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "graceful exit on SIGTERM: {status:?}");
    let mut logs = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut logs).unwrap();
    let lines: Vec<Value> = logs
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert!(!lines.is_empty(), "JSON logs expected:\n{logs}");
    let traced = lines
        .iter()
        .find(|l| l["span"]["request_id"] == "trace-me-1")
        .unwrap_or_else(|| panic!("no log line for the request:\n{logs}"));
    assert_eq!(traced["span"]["route"], "/orgs/{slug}/did.json");
    assert_eq!(traced["fields"]["status"], 404);
    assert!(!logs.contains("secret-share-token-42"), "raw path in logs");
    assert!(!logs.contains("9876"), "query string in logs");
    assert!(!logs.contains(ADMIN_TOKEN), "token in logs");
    assert!(!logs.contains(MASTER_KEY), "master key in logs");
}

#[tokio::test]
async fn every_json_endpoint_refuses_malformed_mistyped_and_oversized_bodies() {
    let app = TestApp::spawn_with(&[("ATOUT_BODY_LIMIT_BYTES", "2048")]).await;
    app.create_org("univ-a").await;
    let endpoints: [(&str, Value); 3] = [
        ("/admin/orgs", json!({"slug": "fresh-org"})),
        ("/admin/orgs/univ-a/keys", json!({"algorithm": "Ed25519"})),
        ("/admin/orgs/univ-a/api-keys", json!({"name": "registrar"})),
    ];
    for (path, valid) in &endpoints {
        let send = |body: Vec<u8>| {
            app.client
                .post(app.url(path))
                .bearer_auth(ADMIN_TOKEN)
                .header("content-type", "application/json")
                .body(body)
                .send()
        };
        // Malformed JSON.
        assert_problem(send(b"{,}".to_vec()).await.unwrap(), 400).await;
        // An unknown field next to valid ones.
        let mut extra = valid.clone();
        extra["is_admin"] = json!(true);
        let problem =
            assert_problem(send(extra.to_string().into_bytes()).await.unwrap(), 422).await;
        assert!(
            problem["detail"].as_str().unwrap().contains("is_admin"),
            "{path}"
        );
        // Every field with the wrong type.
        let mut mistyped = valid.clone();
        for (_, v) in mistyped.as_object_mut().unwrap() {
            *v = json!({"$ne": null});
        }
        assert_problem(send(mistyped.to_string().into_bytes()).await.unwrap(), 422).await;
        // Oversized, even when the excess is inside a string.
        let mut big = valid.clone();
        let first = big.as_object().unwrap().keys().next().unwrap().clone();
        big[first] = json!("x".repeat(3000));
        assert_problem(send(big.to_string().into_bytes()).await.unwrap(), 413).await;
        // Deeply nested JSON (within the size limit) is refused without harm.
        let deep = format!("{}{}", "[".repeat(1000), "]".repeat(1000));
        let res = send(deep.into_bytes()).await.unwrap();
        let status = res.status().as_u16();
        assert!(matches!(status, 400 | 422), "{path}: {status}");
        assert_problem(res, status).await;
        // Without a token nothing is even parsed.
        let res = app
            .client
            .post(app.url(path))
            .header("content-type", "application/json")
            .body("{")
            .send()
            .await
            .unwrap();
        assert_problem(res, 401).await;
        // And the valid body works.
        let res = send(valid.to_string().into_bytes()).await.unwrap();
        assert_eq!(res.status(), 201, "{path}");
    }
    app.stop().await;
}
