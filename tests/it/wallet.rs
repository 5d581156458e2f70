//! The wallet's holdings (live states, tags, import), entries (validation,
//! trust levels) and timeline, over real HTTP, on both databases.

use crate::common::*;
use crate::issue::{diploma, unwrap_credential};
use crate::verify::{did_document, sign_di, simple_credential, DocServer, Issuer};
use atout_core::crypto::{KeyAlgorithm, PrivateKey};
use serde_json::{json, Value};

/// The live states are reused for 30 seconds: move past that.
fn past_ttl(app: &TestApp) {
    app.clock.advance(chrono::Duration::seconds(31));
}

async fn accredit(issuer: &Issuer) {
    let path = format!(
        "/admin/registry/issuers/{}",
        issuer.did.replace('%', "%25").replace(':', "%3A")
    );
    let res = issuer
        .app
        .client
        .put(issuer.app.url(&path))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({
            "name": {"fr": "Université A", "en": "University A"},
            "accreditation": "Certificateur RNCP",
            "validFrom": "2025-01-01T00:00:00Z"
        }))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.text().await.unwrap());
}

/// Imports a credential as JSON (its exact text) or as a JWT; returns the
/// response.
async fn import_raw(
    app: &TestApp,
    token: &str,
    content_type: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    app.client
        .post(app.url("/wallet/holdings/import"))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

/// Imports `credential` (JSON) and returns the holding's id.
async fn hold(app: &TestApp, token: &str, credential: &Value) -> String {
    let res = import_raw(
        app,
        token,
        "application/json",
        credential.to_string().into_bytes(),
    )
    .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let body: Value = res.json().await.unwrap();
    body["id"].as_str().unwrap().to_owned()
}

async fn get_json(app: &TestApp, path: &str, token: &str) -> Value {
    let res = app.get(path, Some(token)).await;
    assert_eq!(res.status(), 200, "{path}");
    res.json().await.unwrap()
}

async fn state_of(app: &TestApp, token: &str, id: &str) -> String {
    let view = get_json(app, &format!("/wallet/holdings/{id}"), token).await;
    view["state"].as_str().unwrap().to_owned()
}

fn jwt_of(enveloped: &Value) -> String {
    enveloped["id"]
        .as_str()
        .unwrap()
        .strip_prefix("data:application/vc+jwt,")
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn holdings_show_live_states_that_follow_the_issuer() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    accredit(&issuer).await;
    let token = app.sign_up("renee@example.org").await;
    let issued = issuer.issue(diploma(app), json!({})).await;
    let id = hold(app, &token, &issued).await;

    let list = get_json(app, "/wallet/holdings", &token).await;
    let item = &list["items"][0];
    assert_eq!(item["id"], id.as_str());
    assert_eq!(item["state"], "verified", "{list:#}");
    assert_eq!(item["format"], "ldp_vc");
    assert_eq!(item["issuer"], issuer.did.as_str());
    assert_eq!(item["issuerName"]["fr"], "Université A");
    assert_eq!(
        item["title"],
        "Master Informatique, parcours Intelligence Artificielle"
    );
    assert_eq!(
        item["types"],
        json!(["VerifiableCredential", "DiplomaCredential"])
    );
    assert_eq!(item["validFrom"], "2026-01-15T10:00:00Z");
    assert_eq!(item["validUntil"], Value::Null);
    assert_eq!(item["tags"], json!([]));
    assert_eq!(item["source"], "import");
    assert!(list.get("next").is_none());

    let view = get_json(app, &format!("/wallet/holdings/{id}"), &token).await;
    assert_eq!(view["credential"], issued.to_string().as_str());
    assert_eq!(view["report"]["verified"], true);
    assert_eq!(view["importReport"]["verified"], true);

    // Suspension: the answer is reused for 30 seconds, then it shows.
    issuer.set_status(&issued, "suspension", true).await;
    assert_eq!(state_of(app, &token, &id).await, "verified");
    past_ttl(app);
    assert_eq!(state_of(app, &token, &id).await, "suspended");
    issuer.set_status(&issued, "suspension", false).await;
    past_ttl(app);
    assert_eq!(state_of(app, &token, &id).await, "verified");
    issuer.set_status(&issued, "revocation", true).await;
    past_ttl(app);
    let list = get_json(app, "/wallet/holdings", &token).await;
    assert_eq!(list["items"][0]["state"], "revoked");
    let view = get_json(app, &format!("/wallet/holdings/{id}"), &token).await;
    assert_eq!(view["report"]["verified"], false);
    assert_eq!(
        view["importReport"]["verified"], true,
        "the report at import stays"
    );
    issuer.app.stop().await;
}

#[tokio::test]
async fn unknown_issuers_and_expired_credentials_are_named() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    let token = app.sign_up("renee@example.org").await;
    let mut short = diploma(app);
    short["validUntil"] = json!("2026-01-20T00:00:00Z");
    let issued = issuer.issue(short, json!({"format": "vc+jwt"})).await;
    let id = hold(app, &token, &issued).await;
    let view = get_json(app, &format!("/wallet/holdings/{id}"), &token).await;
    assert_eq!(view["state"], "unknown-issuer", "{view:#}");
    assert_eq!(view["issuerName"], Value::Null);
    assert_eq!(view["format"], "vc+jwt");
    assert_eq!(view["validUntil"], "2026-01-20T00:00:00Z");
    accredit(&issuer).await;
    past_ttl(app);
    assert_eq!(state_of(app, &token, &id).await, "verified");
    app.clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-01-21T00:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc),
    );
    assert_eq!(state_of(app, &token, &id).await, "expired");
    issuer.app.stop().await;
}

#[tokio::test]
async fn tags_filter_and_paging() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    let token = app.sign_up("renee@example.org").await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        let issued = issuer.issue(diploma(app), json!({})).await;
        ids.push(hold(app, &token, &issued).await);
        app.clock.advance(chrono::Duration::seconds(1));
    }
    ids.reverse(); // newest first
    let mut seen = Vec::new();
    let mut path = "/wallet/holdings?limit=2".to_owned();
    loop {
        let page = get_json(app, &path, &token).await;
        for item in page["items"].as_array().unwrap() {
            seen.push(item["id"].as_str().unwrap().to_owned());
        }
        match page["next"].as_str() {
            Some(next) => path = format!("/wallet/holdings?limit=2&before={next}"),
            None => break,
        }
    }
    assert_eq!(seen, ids);

    let put = |id: &str, body: Value| {
        app.client
            .put(app.url(&format!("/wallet/holdings/{id}/tags")))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let res = put(
        &ids[1],
        json!({"tags": ["  Premiers   Secours ", "C++", "premiers secours", "Études"]}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 200);
    let item: Value = res.json().await.unwrap();
    assert_eq!(item["tags"], json!(["premiers secours", "c++", "études"]));
    assert_eq!(
        put(&ids[3], json!({"tags": ["études"]}))
            .await
            .unwrap()
            .status(),
        200
    );
    let page = get_json(app, "/wallet/holdings?tag=%C3%89tudes", &token).await;
    let found: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(found, [ids[1].as_str(), ids[3].as_str()]);
    let page = get_json(app, "/wallet/holdings?tag=c%2B%2B", &token).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);

    for bad in [
        json!({"tags": ["50%"]}),
        json!({"tags": ["a_b"]}),
        json!({"tags": [""]}),
        json!({"tags": ["x".repeat(41)]}),
        json!({"tags": (0..21).map(|i| format!("t{i}")).collect::<Vec<_>>()}),
        json!({"tags": ["ok"], "extra": 1}),
        json!({"tags": "ok"}),
    ] {
        let res = put(&ids[0], bad.clone()).await.unwrap();
        assert_problem(res, 422).await;
    }
    let res = app
        .client
        .put(app.url(&format!("/wallet/holdings/{}/tags", ids[0])))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_problem(res, 400).await;
    let long_before = format!("before={}", "a".repeat(200));
    for bad in [
        "limit=0",
        "limit=101",
        "limit=x",
        "tag=50%25",
        "other=1",
        long_before.as_str(),
    ] {
        let res = app
            .get(&format!("/wallet/holdings?{bad}"), Some(&token))
            .await;
        assert_problem(res, 400).await;
    }
    // Unknown ids are 404, and deletion is final.
    assert_problem(app.get("/wallet/holdings/nope", Some(&token)).await, 404).await;
    assert_problem(put("nope", json!({"tags": []})).await.unwrap(), 404).await;
    let res = app
        .delete(&format!("/wallet/holdings/{}", ids[2]), Some(&token))
        .await;
    assert_eq!(res.status(), 204);
    assert_problem(
        app.delete(&format!("/wallet/holdings/{}", ids[2]), Some(&token))
            .await,
        404,
    )
    .await;
    assert_problem(
        app.get(&format!("/wallet/holdings/{}", ids[2]), Some(&token))
            .await,
        404,
    )
    .await;
    let page = get_json(app, "/wallet/holdings", &token).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 4);
    issuer.app.stop().await;
}

#[tokio::test]
async fn imports_keep_json_byte_for_byte_and_jwts_and_refuse_duplicates() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    let token = app.sign_up("renee@example.org").await;

    // Data Integrity, written with unusual spacing: kept as sent.
    let issued = issuer
        .issue(crate::issue::badge(app, &issuer.did), json!({}))
        .await;
    let text = format!(
        "  {}\n",
        serde_json::to_string_pretty(&issued)
            .unwrap()
            .replace(": ", " :  ")
    );
    let res = import_raw(
        app,
        &token,
        "application/ld+json; charset=utf-8",
        text.clone().into_bytes(),
    )
    .await;
    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let view: Value = res.json().await.unwrap();
    assert_eq!(
        location,
        format!("/wallet/holdings/{}", view["id"].as_str().unwrap())
    );
    assert_eq!(view["credential"], text.as_str());
    assert_eq!(
        view["title"], "Premiers secours citoyens (PSC1)",
        "the achievement's name"
    );
    assert_eq!(view["state"], "unknown-issuer");
    assert_eq!(view["source"], "import");
    let stored = app
        .store()
        .get_holding(&citizen_id(app, &token).await, view["id"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.body, text);
    assert_eq!(stored.format, "ldp_vc");
    assert_eq!(
        stored.credential_id.as_deref(),
        unwrap_credential(&issued)["id"].as_str()
    );
    assert!(stored.import_report.is_some());

    // The same credential again: 409, naming the one held.
    let res = import_raw(
        app,
        &token,
        "application/json",
        issued.to_string().into_bytes(),
    )
    .await;
    let problem = assert_problem(res, 409).await;
    assert_eq!(problem["holdingId"], view["id"]);

    // A compact JWT, as application/jwt and as text (whitespace around it
    // dropped), and an EnvelopedVerifiableCredential as JSON.
    for (content_type, options) in [
        ("application/jwt", json!({"format": "vc+jwt"})),
        ("text/plain", json!({"format": "vc+jwt", "alg": "ES256"})),
    ] {
        let enveloped = issuer.issue(diploma(app), options).await;
        let jwt = jwt_of(&enveloped);
        let res = import_raw(
            app,
            &token,
            content_type,
            format!("\n{jwt}\r\n").into_bytes(),
        )
        .await;
        assert_eq!(res.status(), 201, "{content_type}");
        let view: Value = res.json().await.unwrap();
        assert_eq!(view["format"], "vc+jwt");
        assert_eq!(view["credential"], jwt.as_str());
        assert_eq!(
            view["title"],
            "Master Informatique, parcours Intelligence Artificielle"
        );
        // The same credential enveloped: a duplicate.
        let res = import_raw(
            app,
            &token,
            "application/json",
            enveloped.to_string().into_bytes(),
        )
        .await;
        assert_problem(res, 409).await;
    }
    let enveloped = issuer
        .issue(diploma(app), json!({"format": "vc+jwt"}))
        .await;
    let text = serde_json::to_string_pretty(&enveloped).unwrap();
    let res = import_raw(app, &token, "application/vc", text.clone().into_bytes()).await;
    assert_eq!(res.status(), 201);
    let view: Value = res.json().await.unwrap();
    assert_eq!(view["format"], "vc+jwt");
    assert_eq!(view["credential"], text.as_str());
    assert_eq!(view["state"], "unknown-issuer");
    let list = get_json(app, "/wallet/holdings", &token).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 4);
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["state"] == "unknown-issuer"),
        "{list:#}"
    );

    // Another citizen may hold the same credential.
    let other = app.sign_up("other@example.org").await;
    hold(app, &other, &issued).await;
    issuer.app.stop().await;
}

async fn citizen_id(app: &TestApp, token: &str) -> String {
    get_json(app, "/wallet/me", token).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn tampered_imports_are_refused_and_nothing_is_stored() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    let token = app.sign_up("renee@example.org").await;
    let issued = issuer.issue(diploma(app), json!({})).await;
    let mut tampered = issued.clone();
    tampered["credentialSubject"]["degree"]["grade"] = json!("Très bien");
    let res = import_raw(
        app,
        &token,
        "application/json",
        tampered.to_string().into_bytes(),
    )
    .await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["type"], "urn:atout:problem:credential-not-verified");
    assert!(
        problem["detail"].as_str().unwrap().contains("proof"),
        "{problem:#}"
    );
    let checks = problem["checks"].as_array().unwrap();
    assert!(
        checks
            .iter()
            .any(|c| c["check"] == "proof" && c["code"] == "signature-mismatch"),
        "{problem:#}"
    );

    // A JWT whose payload was changed.
    let enveloped = issuer
        .issue(diploma(app), json!({"format": "vc+jwt"}))
        .await;
    let jwt = jwt_of(&enveloped);
    let mut parts: Vec<String> = jwt.split('.').map(str::to_owned).collect();
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut payload: Value = serde_json::from_slice(&b64.decode(&parts[1]).unwrap()).unwrap();
    payload["name"] = json!("Doctorat");
    parts[1] = b64.encode(payload.to_string());
    let res = import_raw(app, &token, "application/jwt", parts.join(".").into_bytes()).await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["type"], "urn:atout:problem:credential-not-verified");

    // Signed by someone else's key, in the issuer's name.
    let key = PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap();
    let forged = sign_di(
        app,
        &simple_credential(&issuer.did, None),
        &key,
        &format!("{}#key-1", issuer.did),
        "assertionMethod",
        json!({}),
    )
    .await;
    let res = import_raw(
        app,
        &token,
        "application/json",
        forged.to_string().into_bytes(),
    )
    .await;
    assert_problem(res, 422).await;

    let list = get_json(app, "/wallet/holdings", &token).await;
    assert_eq!(list["items"], json!([]));
    issuer.app.stop().await;
}

#[tokio::test]
async fn malformed_oversized_and_hostile_imports_are_refused_clearly() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    let token = app.sign_up("renee@example.org").await;
    let issued = issuer.issue(diploma(app), json!({})).await;
    let text = issued.to_string();
    let deep = format!("{}1{}", "{\"a\":".repeat(200), "}".repeat(200));
    let cases: Vec<(&str, Vec<u8>, u16)> = vec![
        ("application/json", b"not json".to_vec(), 400),
        ("application/json", b"{\"a\":".to_vec(), 400),
        ("application/json", b"".to_vec(), 422),
        ("application/json", b"   ".to_vec(), 422),
        ("application/json", b"[]".to_vec(), 422),
        ("application/json", b"\"eyJ.eyJ.x\"".to_vec(), 422),
        ("application/json", b"{}".to_vec(), 422),
        ("application/json", json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], "issuer": "did:key:z", "credentialSubject": {}}).to_string().into_bytes(), 422),
        ("application/json", { let mut v = issued.clone(); v.as_object_mut().unwrap().remove("proof"); v.to_string().into_bytes() }, 422),
        ("application/json", { let mut v = issued.clone(); v["@context"] = json!(["https://example.org/other"]); v.to_string().into_bytes() }, 422),
        ("application/json", json!({"type": "EnvelopedVerifiableCredential", "id": "data:text/plain,hello"}).to_string().into_bytes(), 422),
        // A member twice: readers would disagree on which one counts.
        ("application/json", text.replacen('{', "{\"name\":\"Doctorat\",", 1).into_bytes(), 422),
        ("application/json", deep.into_bytes(), 400),
        ("application/json", vec![0xff, 0xfe, b'{', b'}'], 400),
        ("application/json", b"{\"a\":\"\x00\"}".to_vec(), 400),
        ("application/jwt", b"not a jwt".to_vec(), 422),
        ("application/jwt", b"a.b".to_vec(), 422),
        ("application/jwt", b"eyJhbGciOiJub25lIn0.eyJ9.".to_vec(), 422),
        ("application/jwt", b"a.b.c<script>".to_vec(), 422),
        ("text/plain", text.clone().into_bytes(), 422),
        ("application/xml", text.clone().into_bytes(), 415),
        ("multipart/form-data; boundary=x", text.clone().into_bytes(), 415),
    ];
    for (content_type, body, status) in cases {
        let shown = String::from_utf8_lossy(&body)
            .chars()
            .take(80)
            .collect::<String>();
        let res = import_raw(app, &token, content_type, body).await;
        assert_eq!(res.status().as_u16(), status, "{content_type} {shown}");
        let problem = assert_problem(res, status).await;
        assert!(
            problem["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "{problem}"
        );
    }
    // No content type at all.
    let res = app
        .client
        .post(app.url("/wallet/holdings/import"))
        .bearer_auth(&token)
        .body(text.clone())
        .send()
        .await
        .unwrap();
    assert_problem(res, 415).await;
    // Over 512 KiB (under the server's body limit): 413, nothing read.
    let mut big = issued.clone();
    big["padding"] = json!("a".repeat(600 * 1024));
    let res = import_raw(
        app,
        &token,
        "application/json",
        big.to_string().into_bytes(),
    )
    .await;
    assert_problem(res, 413).await;
    // Over the server's limit too.
    let res = import_raw(app, &token, "application/json", vec![b' '; 2 * 1024 * 1024]).await;
    assert_problem(res, 413).await;
    let list = get_json(app, "/wallet/holdings", &token).await;
    assert_eq!(list["items"], json!([]));
    // Still works.
    hold(app, &token, &issued).await;
    issuer.app.stop().await;
}

#[tokio::test]
async fn a_credential_that_cannot_be_checked_now_is_kept_and_says_so() {
    let issuer = Issuer::new(&[
        ("ATOUT_DID_WEB_ALLOW_PRIVATE", "true"),
        ("ATOUT_DID_WEB_ALLOW_HTTP", "true"),
        ("ATOUT_DID_WEB_TIMEOUT_MS", "2000"),
    ])
    .await;
    let app = &issuer.app;
    let token = app.sign_up("renee@example.org").await;
    let server = DocServer::start().await;
    let key = PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap();
    let did = server.did();
    server.put(
        "/.well-known/did.json",
        200,
        did_document(&did, &key, &["assertionMethod"]).to_string(),
    );
    // Its status list does not answer.
    let entry = json!({
        "id": server.url("/status/1#7"), "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation", "statusListIndex": "7",
        "statusListCredential": server.url("/status/1")
    });
    let vc = sign_di(
        app,
        &simple_credential(&did, Some(entry)),
        &key,
        &format!("{did}#key-1"),
        "assertionMethod",
        json!({}),
    )
    .await;
    let res = import_raw(app, &token, "application/json", vc.to_string().into_bytes()).await;
    assert_eq!(res.status(), 201);
    let view: Value = res.json().await.unwrap();
    assert_eq!(view["state"], "could-not-check", "{view:#}");
    assert_eq!(view["title"], "Attestation de formation");
    assert_eq!(view["importReport"]["verified"], false);
    let revocation = view["importReport"]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "revocation")
        .unwrap();
    assert_eq!(revocation["status"], "could-not-check");
    let id = view["id"].as_str().unwrap().to_owned();

    // The list answers later, and says revoked: the state follows.
    let encoded = atout_vc::status::encode(131_072, [7u64]).unwrap();
    let list = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": server.url("/status/1"),
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": server.url("/status/1#list"), "type": "BitstringStatusList", "statusPurpose": "revocation", "encodedList": encoded}
    });
    let signed = sign_di(
        app,
        &list,
        &key,
        &format!("{did}#key-1"),
        "assertionMethod",
        json!({}),
    )
    .await;
    server.put("/status/1", 200, signed.to_string());
    app.clock.advance(chrono::Duration::minutes(10));
    assert_eq!(state_of(app, &token, &id).await, "revoked");

    // An issuer whose DID document does not answer: kept, could-not-check,
    // and checked again later.
    let other = DocServer::start().await;
    let other_did = other.did();
    other.put("/.well-known/did.json", 500, "oops".into());
    let vc = sign_di(
        app,
        &simple_credential(&other_did, None),
        &key,
        &format!("{other_did}#key-1"),
        "assertionMethod",
        json!({}),
    )
    .await;
    let res = import_raw(app, &token, "application/json", vc.to_string().into_bytes()).await;
    assert_eq!(res.status(), 201);
    let view: Value = res.json().await.unwrap();
    assert_eq!(view["state"], "could-not-check", "{view:#}");
    let id = view["id"].as_str().unwrap().to_owned();
    other.put(
        "/.well-known/did.json",
        200,
        did_document(&other_did, &key, &["assertionMethod"]).to_string(),
    );
    app.clock.advance(chrono::Duration::minutes(10));
    assert_eq!(state_of(app, &token, &id).await, "unknown-issuer");
    issuer.app.stop().await;
}

// ----- entries -------------------------------------------------------------

async fn post_entry(app: &TestApp, token: &str, body: &Value) -> reqwest::Response {
    app.post_json("/wallet/entries", Some(token), body).await
}

async fn patch_entry(app: &TestApp, token: &str, id: &str, body: &Value) -> reqwest::Response {
    app.client
        .patch(app.url(&format!("/wallet/entries/{id}")))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let res = post_entry(app, token, &body).await;
    assert_eq!(res.status(), 201, "{body}: {}", res.text().await.unwrap());
    res.json().await.unwrap()
}

fn europass(level: &str) -> Value {
    json!({"listening": level, "reading": level, "spokenInteraction": level, "spokenProduction": level, "writing": level})
}

#[tokio::test]
async fn entries_crud_with_strict_validation() {
    let app = TestApp::spawn().await;
    let token = app.sign_up("renee@example.org").await;
    let job = create(
        &app,
        &token,
        json!({
            "kind": "experience", "title": "  Développeuse  ", "organisation": "Coop Numérique",
            "place": "Orléans", "startDate": "2021-09", "endDate": "2024",
            "description": "Applications web.\nAccessibilité.",
            "details": {"frameworks": [
                {"framework": "ROME", "code": "M1805", "label": "Études et développement informatique"},
                {"framework": "ESCO", "code": "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"}
            ], "keywords": ["Rust", "rust", "accessibilité"]}
        }),
    )
    .await;
    assert_eq!(job["title"], "Développeuse");
    assert_eq!(job["trust"], "declared");
    assert_eq!(job["holdingId"], Value::Null);
    assert_eq!(
        job["details"]["keywords"],
        json!(["Rust", "rust", "accessibilité"])
    );
    assert_eq!(job["details"]["frameworks"][0]["code"], "M1805");
    let id = job["id"].as_str().unwrap().to_owned();
    create(&app, &token, json!({"kind": "education", "title": "Master Informatique", "organisation": "Université d'Orléans", "startDate": "2019", "endDate": "2021-06-30", "details": {"frameworks": [{"framework": "RNCP", "code": "RNCP34126"}]}})).await;
    create(&app, &token, json!({"kind": "skill", "title": "Rust", "details": {"frameworks": [{"framework": "ESCO", "code": "http://data.europa.eu/esco/skill/abc-123"}]}})).await;
    create(&app, &token, json!({"kind": "language", "title": "Français", "details": {"languageCode": "fr", "motherTongue": true}})).await;
    let english = create(&app, &token, json!({"kind": "language", "title": "English", "details": {"languageCode": "en", "cefr": {"listening": "C1", "reading": "C2", "spokenInteraction": "B2", "spokenProduction": "B2", "writing": "C1"}}})).await;
    assert_eq!(english["details"]["cefr"]["reading"], "C2");
    create(&app, &token, json!({"kind": "project", "title": "Atout", "startDate": "2026-01-15", "details": {"url": "https://example.org/atout"}})).await;
    create(
        &app,
        &token,
        json!({"kind": "interest", "title": "Escalade", "details": {"keywords": ["bloc"]}}),
    )
    .await;

    let all = get_json(&app, "/wallet/entries", &token).await;
    let titles: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 7);
    assert_eq!(
        &titles[..3],
        ["Atout", "Développeuse", "Master Informatique"],
        "newest start first"
    );
    let languages = get_json(&app, "/wallet/entries?kind=language", &token).await;
    assert_eq!(languages["items"].as_array().unwrap().len(), 2);
    assert_problem(
        app.get("/wallet/entries?kind=hobby", Some(&token)).await,
        400,
    )
    .await;
    assert_problem(app.get("/wallet/entries?sort=x", Some(&token)).await, 400).await;

    // PATCH: absent keeps, null clears; the result is checked as a whole.
    let res = patch_entry(
        &app,
        &token,
        &id,
        &json!({"place": null, "endDate": "2025-02"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let patched: Value = res.json().await.unwrap();
    assert_eq!(patched["place"], Value::Null);
    assert_eq!(patched["endDate"], "2025-02");
    assert_eq!(patched["organisation"], "Coop Numérique");
    assert_eq!(patched["details"]["frameworks"][0]["code"], "M1805");
    let res = patch_entry(&app, &token, &id, &json!({"startDate": "2026"})).await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["field"], "endDate");
    assert_problem(
        patch_entry(&app, &token, &id, &json!({"kind": "skill"})).await,
        422,
    )
    .await;
    assert_problem(
        patch_entry(&app, &token, &id, &json!({"title": ""})).await,
        422,
    )
    .await;
    assert_problem(
        patch_entry(&app, &token, "nope", &json!({"title": "x"})).await,
        404,
    )
    .await;
    let fetched = get_json(&app, &format!("/wallet/entries/{id}"), &token).await;
    assert_eq!(fetched["endDate"], "2025-02");
    assert_eq!(fetched["startDate"], "2021-09");

    let bad: Vec<(Value, &str)> = vec![
        (json!({"kind": "hobby", "title": "x"}), ""),
        (json!({"title": "x"}), ""),
        (json!({"kind": "skill"}), ""),
        (json!({"kind": "skill", "title": "x", "colour": "red"}), ""),
        (json!({"kind": "skill", "title": "   "}), "title"),
        (json!({"kind": "skill", "title": "x".repeat(201)}), "title"),
        (json!({"kind": "skill", "title": "a\u{1}b"}), "title"),
        (
            json!({"kind": "experience", "title": "x", "description": "d".repeat(5001)}),
            "description",
        ),
        (
            json!({"kind": "experience", "title": "x", "startDate": "2020-13"}),
            "startDate",
        ),
        (
            json!({"kind": "experience", "title": "x", "startDate": "2021-02-29"}),
            "startDate",
        ),
        (
            json!({"kind": "experience", "title": "x", "startDate": "20-01-01"}),
            "startDate",
        ),
        (
            json!({"kind": "experience", "title": "x", "startDate": "2020-01-01T00:00:00Z"}),
            "startDate",
        ),
        (
            json!({"kind": "experience", "title": "x", "startDate": "1850"}),
            "startDate",
        ),
        (
            json!({"kind": "experience", "title": "x", "startDate": "2021-05", "endDate": "2021-04-30"}),
            "endDate",
        ),
        (
            json!({"kind": "experience", "title": "x", "endDate": "2021"}),
            "endDate",
        ),
        (
            json!({"kind": "skill", "title": "x", "organisation": "y"}),
            "organisation",
        ),
        (
            json!({"kind": "language", "title": "x", "startDate": "2020"}),
            "startDate",
        ),
        (
            json!({"kind": "language", "title": "English"}),
            "details.cefr",
        ),
        (
            json!({"kind": "language", "title": "English", "details": {"cefr": europass("C3")}}),
            "",
        ),
        (
            json!({"kind": "language", "title": "English", "details": {"cefr": {"listening": "B1"}}}),
            "",
        ),
        (
            json!({"kind": "language", "title": "English", "details": {"cefr": europass("B1"), "motherTongue": true}}),
            "details.cefr",
        ),
        (
            json!({"kind": "language", "title": "English", "details": {"languageCode": "EN", "motherTongue": true}}),
            "details.languageCode",
        ),
        (
            json!({"kind": "skill", "title": "x", "details": {"cefr": europass("B1")}}),
            "details",
        ),
        (
            json!({"kind": "skill", "title": "x", "details": {"colour": "red"}}),
            "",
        ),
        (
            json!({"kind": "skill", "title": "x", "details": {"frameworks": [{"framework": "ROME", "code": "m1805"}]}}),
            "details.frameworks",
        ),
        (
            json!({"kind": "skill", "title": "x", "details": {"frameworks": [{"framework": "RNCP", "code": "34126"}]}}),
            "details.frameworks",
        ),
        (
            json!({"kind": "skill", "title": "x", "details": {"frameworks": [{"framework": "ESCO", "code": "https://evil.example/esco/x"}]}}),
            "details.frameworks",
        ),
        (
            json!({"kind": "skill", "title": "x", "details": {"frameworks": [{"framework": "ISCO", "code": "2512"}]}}),
            "",
        ),
        (
            json!({"kind": "interest", "title": "x", "details": {"frameworks": [{"framework": "ROME", "code": "M1805"}]}}),
            "details.frameworks",
        ),
        (
            json!({"kind": "project", "title": "x", "details": {"url": "javascript:alert(1)"}}),
            "details.url",
        ),
        (
            json!({"kind": "project", "title": "x", "details": {"keywords": vec!["k"; 21]}}),
            "details.keywords",
        ),
        (
            json!({"kind": "skill", "title": "x", "holdingId": "no-such-holding"}),
            "holdingId",
        ),
        (
            json!({"kind": "skill", "title": "x", "holdingId": "h".repeat(300)}),
            "holdingId",
        ),
    ];
    for (body, field) in bad {
        let problem = assert_problem(post_entry(&app, &token, &body).await, 422).await;
        if !field.is_empty() {
            assert_eq!(problem["field"], field, "{body}: {problem:#}");
        }
    }
    let res = app
        .client
        .post(app.url("/wallet/entries"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"kind\": ")
        .send()
        .await
        .unwrap();
    assert_problem(res, 400).await;
    let res = app
        .client
        .post(app.url("/wallet/entries"))
        .bearer_auth(&token)
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_problem(res, 415).await;
    assert_eq!(
        get_json(&app, "/wallet/entries", &token).await["items"]
            .as_array()
            .unwrap()
            .len(),
        7
    );

    // Another citizen sees nothing of these.
    let other = app.sign_up("other@example.org").await;
    assert_eq!(
        get_json(&app, "/wallet/entries", &other).await["items"],
        json!([])
    );
    assert_problem(
        app.get(&format!("/wallet/entries/{id}"), Some(&other))
            .await,
        404,
    )
    .await;
    assert_problem(
        patch_entry(&app, &other, &id, &json!({"title": "mine"})).await,
        404,
    )
    .await;
    assert_problem(
        app.delete(&format!("/wallet/entries/{id}"), Some(&other))
            .await,
        404,
    )
    .await;

    assert_eq!(
        app.delete(&format!("/wallet/entries/{id}"), Some(&token))
            .await
            .status(),
        204
    );
    assert_problem(
        app.delete(&format!("/wallet/entries/{id}"), Some(&token))
            .await,
        404,
    )
    .await;
    assert_problem(
        app.get(&format!("/wallet/entries/{id}"), Some(&token))
            .await,
        404,
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn an_entry_is_certified_while_its_credential_verifies() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    accredit(&issuer).await;
    let token = app.sign_up("renee@example.org").await;
    let other = app.sign_up("other@example.org").await;
    let issued = issuer.issue(diploma(app), json!({})).await;
    let holding = hold(app, &token, &issued).await;
    let theirs = hold(app, &other, &issuer.issue(diploma(app), json!({})).await).await;

    // Someone else's credential cannot certify my entry.
    let res = post_entry(
        app,
        &token,
        &json!({"kind": "education", "title": "Master", "holdingId": theirs}),
    )
    .await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["field"], "holdingId");

    let entry = create(
        app,
        &token,
        json!({"kind": "education", "title": "Master", "startDate": "2024", "holdingId": holding}),
    )
    .await;
    assert_eq!(entry["trust"], "certified", "{entry:#}");
    assert_eq!(entry["holdingState"], "verified");
    let id = entry["id"].as_str().unwrap().to_owned();

    issuer.set_status(&issued, "revocation", true).await;
    past_ttl(app);
    let entry = get_json(app, &format!("/wallet/entries/{id}"), &token).await;
    assert_eq!(entry["trust"], "declared");
    assert_eq!(entry["holdingState"], "revoked");
    assert_eq!(entry["holdingId"], holding.as_str());

    // Linked to another, verified credential: certified again; unlinked: declared.
    let second = hold(
        app,
        &token,
        &issuer
            .issue(diploma(app), json!({"format": "vc+jwt"}))
            .await,
    )
    .await;
    let res = patch_entry(app, &token, &id, &json!({"holdingId": second})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["trust"], "certified");
    let res = patch_entry(app, &token, &id, &json!({"holdingId": theirs})).await;
    assert_problem(res, 422).await;

    // Deleting the credential unlinks the entry, which stays.
    assert_eq!(
        app.delete(&format!("/wallet/holdings/{second}"), Some(&token))
            .await
            .status(),
        204
    );
    let entry = get_json(app, &format!("/wallet/entries/{id}"), &token).await;
    assert_eq!(entry["holdingId"], Value::Null);
    assert_eq!(entry["holdingState"], Value::Null);
    assert_eq!(entry["trust"], "declared");
    let list = get_json(app, "/wallet/entries", &token).await;
    assert_eq!(list["items"][0]["trust"], "declared");
    issuer.app.stop().await;
}

#[tokio::test]
async fn the_timeline_merges_entries_and_credentials_newest_first() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    let token = app.sign_up("renee@example.org").await;
    // validFrom 2026-01-15 (the clock), 2025-03-01 (given).
    let now = hold(app, &token, &issuer.issue(diploma(app), json!({})).await).await;
    let mut older = diploma(app);
    older["validFrom"] = json!("2025-03-01T00:00:00Z");
    let older = hold(
        app,
        &token,
        &issuer.issue(older, json!({"format": "vc+jwt"})).await,
    )
    .await;
    let job = create(
        app,
        &token,
        json!({"kind": "experience", "title": "Développeuse", "startDate": "2025-06"}),
    )
    .await;
    let school = create(
        app,
        &token,
        json!({"kind": "education", "title": "Master", "startDate": "2019", "endDate": "2021"}),
    )
    .await;
    let year = create(
        app,
        &token,
        json!({"kind": "project", "title": "Atout", "startDate": "2025"}),
    )
    .await;
    let skill = create(app, &token, json!({"kind": "skill", "title": "Rust"})).await;
    app.clock.advance(chrono::Duration::seconds(5));
    let language = create(
        app,
        &token,
        json!({"kind": "language", "title": "Occitan", "details": {"motherTongue": true}}),
    )
    .await;
    let expected = [
        ("credential", now.clone()),
        ("entry", job["id"].as_str().unwrap().to_owned()),
        ("credential", older.clone()),
        ("entry", year["id"].as_str().unwrap().to_owned()),
        ("entry", school["id"].as_str().unwrap().to_owned()),
        // Undated, newest written first.
        ("entry", language["id"].as_str().unwrap().to_owned()),
        ("entry", skill["id"].as_str().unwrap().to_owned()),
    ];
    let whole = get_json(app, "/wallet/timeline", &token).await;
    let items = whole["items"].as_array().unwrap();
    let got: Vec<(String, String)> = items
        .iter()
        .map(|i| {
            (
                i["type"].as_str().unwrap().to_owned(),
                i["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let want: Vec<(String, String)> = expected
        .iter()
        .map(|(t, i)| (t.to_string(), i.clone()))
        .collect();
    assert_eq!(got, want, "{whole:#}");
    assert_eq!(items[0]["date"], "2026-01-15");
    assert_eq!(items[0]["credential"]["state"], "unknown-issuer");
    assert!(items[0].get("entry").is_none());
    assert_eq!(items[1]["entry"]["kind"], "experience");
    assert_eq!(items[1]["entry"]["trust"], "declared");
    assert_eq!(items[1]["date"], "2025-06");
    assert_eq!(items[2]["date"], "2025-03-01");
    assert_eq!(items[6]["date"], Value::Null);
    assert!(whole.get("next").is_none());

    // Page by page: the same order.
    let mut paged = Vec::new();
    let mut path = "/wallet/timeline?limit=3".to_owned();
    loop {
        let page = get_json(app, &path, &token).await;
        for i in page["items"].as_array().unwrap() {
            paged.push((
                i["type"].as_str().unwrap().to_owned(),
                i["id"].as_str().unwrap().to_owned(),
            ));
        }
        match page["next"].as_str() {
            Some(next) => {
                path = format!(
                    "/wallet/timeline?limit=3&before={}",
                    url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
                )
            }
            None => break,
        }
    }
    assert_eq!(paged, want);
    for bad in [
        "before=nope",
        "before=2020~x~e~id",
        "limit=0",
        "limit=500",
        "x=1",
    ] {
        assert_problem(
            app.get(&format!("/wallet/timeline?{bad}"), Some(&token))
                .await,
            400,
        )
        .await;
    }
    // Another citizen's timeline is their own.
    let other = app.sign_up("other@example.org").await;
    assert_eq!(
        get_json(app, "/wallet/timeline", &other).await["items"],
        json!([])
    );
    issuer.app.stop().await;
}

#[tokio::test]
async fn the_wallet_routes_are_documented_for_citizens() {
    let app = TestApp::spawn().await;
    let doc: Value = app.get("/openapi.json", None).await.json().await.unwrap();
    for (path, method) in [
        ("/wallet/holdings", "get"),
        ("/wallet/holdings/{id}", "get"),
        ("/wallet/holdings/{id}", "delete"),
        ("/wallet/holdings/{id}/tags", "put"),
        ("/wallet/holdings/import", "post"),
        ("/wallet/entries", "get"),
        ("/wallet/entries", "post"),
        ("/wallet/entries/{id}", "get"),
        ("/wallet/entries/{id}", "patch"),
        ("/wallet/entries/{id}", "delete"),
        ("/wallet/timeline", "get"),
    ] {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} missing from OpenAPI");
        assert_eq!(op["tags"], json!(["wallet"]), "{method} {path}");
        assert_eq!(
            op["security"],
            json!([{"bearer": []}, {"cookie": []}]),
            "{method} {path}"
        );
        assert!(op["responses"].get("401").is_some(), "{method} {path}");
    }
    let import = &doc["paths"]["/wallet/holdings/import"]["post"]["requestBody"]["content"];
    for media in ["application/json", "application/jwt", "text/plain"] {
        assert!(import.get(media).is_some(), "{media}: {import}");
    }
    let states = &doc["components"]["schemas"]["LiveState"]["enum"];
    assert_eq!(states.as_array().map(Vec::len), Some(8), "{states}");
    app.stop().await;
}

#[tokio::test]
async fn json_bodies_are_refused_precisely() {
    let issuer = Issuer::new(&[("ATOUT_BODY_LIMIT_BYTES", "4096")]).await;
    let app = &issuer.app;
    let token = app.sign_up("renee@example.org").await;
    let holding = hold(app, &token, &issuer.issue(diploma(app), json!({})).await).await;
    let entry = create(app, &token, json!({"kind": "skill", "title": "Rust"})).await;
    let entry = entry["id"].as_str().unwrap();
    let endpoints: [(&str, String, Value); 3] = [
        (
            "POST",
            "/wallet/entries".into(),
            json!({"kind": "skill", "title": "Go"}),
        ),
        (
            "PATCH",
            format!("/wallet/entries/{entry}"),
            json!({"title": "Rust 2024"}),
        ),
        (
            "PUT",
            format!("/wallet/holdings/{holding}/tags"),
            json!({"tags": ["x"]}),
        ),
    ];
    for (method, path, valid) in &endpoints {
        let send = |body: Vec<u8>| {
            app.client
                .request(method.parse().unwrap(), app.url(path))
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body(body)
                .send()
        };
        assert_problem(send(b"{,}".to_vec()).await.unwrap(), 400).await;
        let mut extra = valid.clone();
        extra["isAdmin"] = json!(true);
        let problem =
            assert_problem(send(extra.to_string().into_bytes()).await.unwrap(), 422).await;
        assert!(
            problem["detail"].as_str().unwrap().contains("isAdmin"),
            "{path}: {problem}"
        );
        let mut mistyped = valid.clone();
        for (_, v) in mistyped.as_object_mut().unwrap() {
            *v = json!({"$ne": null});
        }
        assert_problem(send(mistyped.to_string().into_bytes()).await.unwrap(), 422).await;
        let mut big = valid.clone();
        let first = big.as_object().unwrap().keys().next().unwrap().clone();
        big[first] = json!("x".repeat(5000));
        assert_problem(send(big.to_string().into_bytes()).await.unwrap(), 413).await;
        let deep = format!("{}{}", "[".repeat(1000), "]".repeat(1000));
        let status = send(deep.into_bytes()).await.unwrap().status().as_u16();
        assert!([400, 422].contains(&status), "{path}: {status}");
        let ok = send(valid.to_string().into_bytes()).await.unwrap();
        assert!(ok.status().is_success(), "{method} {path}: {}", ok.status());
    }
    issuer.app.stop().await;
}
