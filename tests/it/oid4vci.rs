//! OpenID4VCI 1.0, pre-authorized code flow, driven by a wallet written
//! here from the specification's messages: parse the offer URI, read both
//! metadata documents, exchange the code (with its tx_code), get a nonce,
//! prove possession of an Ed25519 (or P-256) did:key with a JWT made with
//! ring, receive the credential in both formats, and have it verified by
//! Atout and by the independent verifier. Then every hostile variation.

use crate::common::*;
use crate::offers::{graduate, payload, token_of, verify_held, Setup, ORG};
use base64::Engine as _;
use ring::signature::KeyPair as _;
use serde_json::{json, Value};

const GRANT: &str = "urn:ietf:params:oauth:grant-type:pre-authorized_code";

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

enum HolderKey {
    Ed25519(ring::signature::Ed25519KeyPair),
    P256(ring::signature::EcdsaKeyPair),
}

/// The wallet's key: a did:key, its verification method, and a signer.
struct Holder {
    key: HolderKey,
    did: String,
    kid: String,
}

impl Holder {
    fn ed25519() -> Self {
        let rng = ring::rand::SystemRandom::new();
        let pkcs8 = ring::signature::Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
        let pair = ring::signature::Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        let mut data = vec![0xed, 0x01];
        data.extend_from_slice(pair.public_key().as_ref());
        Self::with(HolderKey::Ed25519(pair), data)
    }

    fn p256() -> Self {
        let rng = ring::rand::SystemRandom::new();
        let alg = &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING;
        let pkcs8 = ring::signature::EcdsaKeyPair::generate_pkcs8(alg, &rng).unwrap();
        let pair = ring::signature::EcdsaKeyPair::from_pkcs8(alg, pkcs8.as_ref(), &rng).unwrap();
        let point = pair.public_key().as_ref(); // 0x04 || x || y
        let mut data = vec![0x80, 0x24, 0x02 | (point[64] & 1)];
        data.extend_from_slice(&point[1..33]);
        Self::with(HolderKey::P256(pair), data)
    }

    fn with(key: HolderKey, multicodec: Vec<u8>) -> Self {
        let multibase = format!("z{}", bs58::encode(multicodec).into_string());
        let did = format!("did:key:{multibase}");
        Self {
            key,
            kid: format!("{did}#{multibase}"),
            did,
        }
    }

    /// The same P-256 key written uncompressed: a second spelling of one
    /// key, which the issuer must refuse.
    fn uncompressed_kid(&self) -> String {
        let HolderKey::P256(pair) = &self.key else {
            panic!("a P-256 holder")
        };
        let mut data = vec![0x80, 0x24];
        data.extend_from_slice(pair.public_key().as_ref());
        let multibase = format!("z{}", bs58::encode(data).into_string());
        format!("did:key:{multibase}#{multibase}")
    }

    fn alg(&self) -> &'static str {
        match self.key {
            HolderKey::Ed25519(_) => "EdDSA",
            HolderKey::P256(_) => "ES256",
        }
    }

    fn sign(&self, input: &[u8]) -> Vec<u8> {
        match &self.key {
            HolderKey::Ed25519(pair) => pair.sign(input).as_ref().to_vec(),
            HolderKey::P256(pair) => pair
                .sign(&ring::rand::SystemRandom::new(), input)
                .unwrap()
                .as_ref()
                .to_vec(),
        }
    }

    /// A compact JWS of any header and claims, signed by this key.
    fn jws(&self, header: &Value, claims: &Value) -> String {
        let input = format!(
            "{}.{}",
            b64(header.to_string().as_bytes()),
            b64(claims.to_string().as_bytes())
        );
        let signature = self.sign(input.as_bytes());
        format!("{input}.{}", b64(&signature))
    }

    fn header(&self) -> Value {
        json!({"typ": "openid4vci-proof+jwt", "alg": self.alg(), "kid": self.kid})
    }

    /// The key proof of OpenID4VCI 1.0 Appendix F.1.
    fn proof(&self, audience: &str, nonce: &str, iat: i64) -> String {
        self.jws(
            &self.header(),
            &json!({"aud": audience, "iat": iat, "nonce": nonce}),
        )
    }
}

/// What the wallet learns from the offer and the metadata.
struct Issuer {
    offer: Value,
    credential_issuer: String,
    token_endpoint: String,
    nonce_endpoint: String,
    credential_endpoint: String,
    metadata: Value,
}

impl Issuer {
    fn code(&self) -> String {
        self.offer["grants"][GRANT]["pre-authorized_code"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

/// Parses `openid-credential-offer://?credential_offer=...` (by value) or
/// `...?credential_offer_uri=...` (by reference, fetched).
async fn parse_offer(app: &TestApp, uri: &str) -> Value {
    let url = url::Url::parse(uri).unwrap();
    assert_eq!(url.scheme(), "openid-credential-offer");
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert_eq!(pairs.len(), 1, "{uri}");
    match pairs[0].0.as_str() {
        "credential_offer" => serde_json::from_str(&pairs[0].1).unwrap(),
        "credential_offer_uri" => {
            let res = app.client.get(&pairs[0].1).send().await.unwrap();
            assert_eq!(res.status(), 200);
            assert_eq!(res.headers()["content-type"], "application/json");
            res.json().await.unwrap()
        }
        other => panic!("unexpected parameter {other}"),
    }
}

/// Reads the offer and both metadata documents, as a wallet does.
async fn discover(app: &TestApp, uri: &str) -> Issuer {
    let offer = parse_offer(app, uri).await;
    let credential_issuer = offer["credential_issuer"].as_str().unwrap().to_owned();
    let metadata: Value = app
        .client
        .get(format!(
            "{credential_issuer}/.well-known/openid-credential-issuer"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(metadata["credential_issuer"], credential_issuer.as_str());
    // No authorization_servers: the issuer is its own authorization server.
    assert!(metadata.get("authorization_servers").is_none());
    let oauth: Value = app
        .client
        .get(format!(
            "{credential_issuer}/.well-known/oauth-authorization-server"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(oauth["issuer"], credential_issuer.as_str());
    assert_eq!(
        oauth["pre-authorized_grant_anonymous_access_supported"],
        true
    );
    assert!(oauth["grant_types_supported"]
        .as_array()
        .unwrap()
        .contains(&json!(GRANT)));
    for id in offer["credential_configuration_ids"].as_array().unwrap() {
        let config = &metadata["credential_configurations_supported"][id.as_str().unwrap()];
        assert!(config.is_object(), "{id} is described");
        assert_eq!(
            config["cryptographic_binding_methods_supported"],
            json!(["did:key"])
        );
        assert!(
            config["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"]
                .as_array()
                .unwrap()
                .contains(&json!("EdDSA"))
        );
    }
    Issuer {
        credential_issuer,
        token_endpoint: oauth["token_endpoint"].as_str().unwrap().to_owned(),
        nonce_endpoint: metadata["nonce_endpoint"].as_str().unwrap().to_owned(),
        credential_endpoint: metadata["credential_endpoint"].as_str().unwrap().to_owned(),
        metadata,
        offer,
    }
}

async fn token_request(
    app: &TestApp,
    issuer: &Issuer,
    params: &[(&str, &str)],
) -> reqwest::Response {
    app.client
        .post(&issuer.token_endpoint)
        .form(params)
        .send()
        .await
        .unwrap()
}

async fn exchange(app: &TestApp, issuer: &Issuer, tx_code: Option<&str>) -> reqwest::Response {
    let code = issuer.code();
    let mut params = vec![
        ("grant_type", GRANT),
        ("pre-authorized_code", code.as_str()),
    ];
    if let Some(t) = tx_code {
        params.push(("tx_code", t));
    }
    token_request(app, issuer, &params).await
}

async fn access_token(app: &TestApp, issuer: &Issuer, tx_code: Option<&str>) -> String {
    let res = exchange(app, issuer, tx_code).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 300);
    body["access_token"].as_str().unwrap().to_owned()
}

async fn fresh_nonce(app: &TestApp, issuer: &Issuer) -> String {
    let res = app
        .client
        .post(&issuer.nonce_endpoint)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    res.json::<Value>().await.unwrap()["c_nonce"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn credential_request(
    app: &TestApp,
    issuer: &Issuer,
    access_token: Option<&str>,
    body: &Value,
) -> reqwest::Response {
    let mut req = app.client.post(&issuer.credential_endpoint).json(body);
    if let Some(t) = access_token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap()
}

fn now(app: &TestApp) -> i64 {
    atout_core::clock::Clock::now(app.clock.as_ref()).timestamp()
}

/// An OAuth / OpenID4VCI error: status, `error`, JSON, never cached.
async fn assert_oauth_error(res: reqwest::Response, status: u16, error: &str) -> Value {
    assert_eq!(res.status().as_u16(), status, "expected {error}");
    assert_eq!(res.headers()["content-type"], "application/json");
    assert_eq!(res.headers()["cache-control"], "no-store");
    let www = res
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_owned());
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], error, "{body}");
    assert!(body["error_description"]
        .as_str()
        .is_some_and(|d| !d.is_empty()));
    if status == 401 {
        assert!(www.unwrap().contains("error=\"invalid_token\""));
    }
    body
}

#[tokio::test]
async fn an_external_wallet_receives_both_formats_end_to_end() {
    let s = Setup::new(&[]).await;
    let app = &s.app;
    let did_doc: Value = app
        .get(&format!("/orgs/{ORG}/did.json"), None)
        .await
        .json()
        .await
        .unwrap();
    let own_context: Value = app
        .get("/contexts/atout/v1", None)
        .await
        .json()
        .await
        .unwrap();
    let did_documents = json!({ s.org_did(): did_doc });
    let contexts = json!({ app.url("/contexts/atout/v1"): own_context });
    let cases = [
        (json!({}), "atout_ldp_vc", "ldp_vc", true, Holder::ed25519()),
        (
            json!({"format": "vc+jwt"}),
            "atout_jwt_vc_json",
            "jwt_vc_json",
            false,
            Holder::ed25519(),
        ),
        (
            json!({"format": "vc+jwt", "alg": "ES256"}),
            "atout_jwt_vc_json",
            "jwt_vc_json",
            false,
            Holder::p256(),
        ),
    ];
    for (options, config_id, format, with_tx, holder) in cases {
        let created = s
            .offer(json!({"txCode": with_tx, "options": options}))
            .await;
        let tx_code = created["txCode"].as_str().map(str::to_owned);
        assert_eq!(tx_code.is_some(), with_tx);
        let issuer = discover(app, created["openid4vci"]["offerUri"].as_str().unwrap()).await;
        // The same offer by reference.
        let by_reference = parse_offer(
            app,
            created["openid4vci"]["offerByReferenceUri"]
                .as_str()
                .unwrap(),
        )
        .await;
        assert_eq!(by_reference, issuer.offer);
        assert_eq!(
            issuer.offer["credential_configuration_ids"],
            json!([config_id])
        );
        assert_eq!(issuer.credential_issuer, app.base);
        assert_eq!(
            issuer.metadata["credential_configurations_supported"][config_id]["format"],
            format
        );
        if with_tx {
            assert_eq!(
                issuer.offer["grants"][GRANT]["tx_code"]["input_mode"],
                "numeric"
            );
            assert_eq!(issuer.offer["grants"][GRANT]["tx_code"]["length"], 6);
        } else {
            assert!(issuer.offer["grants"][GRANT].get("tx_code").is_none());
        }

        let access = access_token(app, &issuer, tx_code.as_deref()).await;
        let nonce = fresh_nonce(app, &issuer).await;
        let proof = holder.proof(&issuer.credential_issuer, &nonce, now(app));
        let res = credential_request(
            app,
            &issuer,
            Some(&access),
            &json!({"credential_configuration_id": config_id, "proofs": {"jwt": [proof]}}),
        )
        .await;
        assert_eq!(res.status(), 200, "{config_id}");
        assert_eq!(res.headers()["cache-control"], "no-store");
        let text = res.text().await.unwrap();
        let response: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(response["credentials"].as_array().unwrap().len(), 1);
        let credential = &response["credentials"][0]["credential"];

        // What the registry recorded is what the wallet got, byte for byte.
        let view: Value = app
            .get(
                &format!("/orgs/{ORG}/offers/{}", created["id"].as_str().unwrap()),
                Some(&s.key),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(view["state"], "accepted");
        assert_eq!(view["channel"], "oid4vci");
        let issued = app
            .store()
            .get_issued_credential(view["credentialRef"].as_str().unwrap())
            .await
            .unwrap()
            .unwrap();
        let (stored_format, envelope) = if format == "ldp_vc" {
            assert!(credential.is_object());
            assert!(text.contains(&issued.body), "the JSON text verbatim");
            ("ldp_vc", credential.clone())
        } else {
            assert_eq!(credential.as_str().unwrap(), issued.body);
            let jwt = credential.as_str().unwrap();
            let header: Value = serde_json::from_slice(
                &base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(jwt.split('.').next().unwrap())
                    .unwrap(),
            )
            .unwrap();
            assert_eq!(header["typ"], "vc+jwt");
            assert_eq!(
                payload("vc+jwt", jwt)["@context"][0],
                "https://www.w3.org/ns/credentials/v2"
            );
            (
                "vc+jwt",
                json!({
                    "@context": ["https://www.w3.org/ns/credentials/v2"],
                    "id": format!("data:application/vc+jwt,{jwt}"),
                    "type": "EnvelopedVerifiableCredential",
                }),
            )
        };
        let claims = payload(stored_format, &issued.body);
        assert_eq!(claims["credentialSubject"]["id"], holder.did.as_str());
        assert_eq!(
            claims["credentialSubject"]["givenName"],
            graduate()["givenName"]
        );
        let report = verify_held(app, stored_format, &issued.body).await;
        assert_eq!(report["verified"], true, "{config_id}: {report:#}");
        // The independent verifier (Digital Bazaar, jose) agrees.
        let documents = crate::issue::status_documents(app, &envelope).await;
        let verdict =
            crate::issue::independent_verify_with(&envelope, &did_documents, &contexts, &documents);
        assert_eq!(verdict["verified"], true, "{config_id}: {verdict:#}");

        // The token served once; the code too; and the link is spent.
        let nonce = fresh_nonce(app, &issuer).await;
        let proof = holder.proof(&issuer.credential_issuer, &nonce, now(app));
        let again = credential_request(
            app,
            &issuer,
            Some(&access),
            &json!({"credential_configuration_id": config_id, "proofs": {"jwt": [proof]}}),
        )
        .await;
        assert_oauth_error(again, 401, "invalid_token").await;
        assert_oauth_error(
            exchange(app, &issuer, tx_code.as_deref()).await,
            400,
            "invalid_grant",
        )
        .await;
        let citizen = app
            .sign_up(&format!("late-{config_id}-{}@example.org", holder.alg()))
            .await;
        let res = app
            .client
            .post(app.url(&format!("/wallet/offers/{}/accept", token_of(&created))))
            .bearer_auth(&citizen)
            .send()
            .await
            .unwrap();
        assert_problem(res, 410).await;
        // The credential_offer_uri no longer serves a spent offer.
        let uri = created["openid4vci"]["credentialOfferUri"]
            .as_str()
            .unwrap();
        assert_problem(app.client.get(uri).send().await.unwrap(), 404).await;
    }
    let audit = app
        .store()
        .list_audit(&atout_core::store::AuditFilter {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    let accepted: Vec<_> = audit
        .iter()
        .filter(|e| e.action == "offer.accepted")
        .collect();
    assert_eq!(accepted.len(), 3);
    assert!(accepted
        .iter()
        .all(|e| e.details.as_ref().unwrap()["channel"] == "oid4vci"));
    s.app.stop().await;
}

#[tokio::test]
async fn the_token_endpoint_refuses_hostile_requests() {
    let s = Setup::new(&[("ATOUT_BODY_LIMIT_BYTES", "4096")]).await;
    let app = &s.app;
    let created = s.offer(json!({"txCode": true})).await;
    let tx = created["txCode"].as_str().unwrap().to_owned();
    let wrong = if tx == "000000" { "111111" } else { "000000" };
    let issuer = discover(app, created["openid4vci"]["offerUri"].as_str().unwrap()).await;
    let code = issuer.code();
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![
                ("grant_type", GRANT),
                ("pre-authorized_code", &code),
                ("tx_code", wrong),
            ],
            "invalid_grant",
        ),
        (
            vec![("grant_type", GRANT), ("pre-authorized_code", &code)],
            "invalid_request",
        ),
        (
            vec![
                ("grant_type", GRANT),
                ("pre-authorized_code", &code),
                ("tx_code", ""),
            ],
            "invalid_request",
        ),
        (
            vec![
                ("grant_type", "authorization_code"),
                ("pre-authorized_code", &code),
                ("tx_code", &tx),
            ],
            "unsupported_grant_type",
        ),
        (
            vec![("pre-authorized_code", &code), ("tx_code", &tx)],
            "invalid_request",
        ),
        (
            vec![("grant_type", GRANT), ("tx_code", &tx)],
            "invalid_request",
        ),
        (
            vec![
                ("grant_type", GRANT),
                ("pre-authorized_code", ""),
                ("tx_code", &tx),
            ],
            "invalid_request",
        ),
        (
            vec![
                ("grant_type", GRANT),
                (
                    "pre-authorized_code",
                    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                ),
                ("tx_code", &tx),
            ],
            "invalid_grant",
        ),
        (
            vec![
                ("grant_type", GRANT),
                ("pre-authorized_code", "' OR 1=1 --"),
                ("tx_code", &tx),
            ],
            "invalid_grant",
        ),
        (
            vec![
                ("grant_type", GRANT),
                ("pre-authorized_code", &code),
                ("pre-authorized_code", &code),
                ("tx_code", &tx),
            ],
            "invalid_request",
        ),
    ];
    for (params, error) in cases {
        assert_oauth_error(token_request(app, &issuer, &params).await, 400, error).await;
    }
    // Not a form: JSON, no content type, garbage bytes.
    for (ct, body) in [
        (
            Some("application/json"),
            json!({"grant_type": GRANT, "pre-authorized_code": code})
                .to_string()
                .into_bytes(),
        ),
        (None, format!("grant_type={GRANT}").into_bytes()),
    ] {
        let mut req = app.client.post(&issuer.token_endpoint).body(body);
        if let Some(ct) = ct {
            req = req.header("content-type", ct);
        }
        assert_oauth_error(req.send().await.unwrap(), 400, "invalid_request").await;
    }
    let res = app
        .client
        .post(&issuer.token_endpoint)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![0xff, 0xfe, b'=', 0x00, b'&'])
        .send()
        .await
        .unwrap();
    assert_oauth_error(res, 400, "invalid_request").await;
    let res = app
        .client
        .post(&issuer.token_endpoint)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("grant_type={GRANT}&x={}", "a".repeat(8000)))
        .send()
        .await
        .unwrap();
    assert_problem(res, 413).await;
    // Only GET/POST as documented.
    assert_problem(
        app.client.get(&issuer.token_endpoint).send().await.unwrap(),
        405,
    )
    .await;

    // One wrong tx_code was counted above; the right one still works.
    let _access = access_token(app, &issuer, Some(&tx)).await;
    // The code served once: replayed, it is refused.
    assert_oauth_error(
        exchange(app, &issuer, Some(&tx)).await,
        400,
        "invalid_grant",
    )
    .await;
    // Exchanged, the offer is taken: the wallet cannot accept it, the
    // organisation cannot cancel it.
    let citizen = app.sign_up("zoe@example.org").await;
    let res = app
        .client
        .post(app.url(&format!("/wallet/offers/{}/accept", token_of(&created))))
        .bearer_auth(&citizen)
        .send()
        .await
        .unwrap();
    let problem = assert_problem(res, 410).await;
    assert_eq!(problem["state"], "taken");
    let id = created["id"].as_str().unwrap();
    assert_problem(
        app.delete(&format!("/orgs/{ORG}/offers/{id}"), Some(&s.key))
            .await,
        409,
    )
    .await;

    // Five wrong tx_codes burn the code.
    let created = s.offer(json!({"txCode": true})).await;
    let tx = created["txCode"].as_str().unwrap().to_owned();
    let wrong = if tx == "000000" { "111111" } else { "000000" };
    let issuer = discover(app, created["openid4vci"]["offerUri"].as_str().unwrap()).await;
    for attempt in 1..=5 {
        let body = assert_oauth_error(
            exchange(app, &issuer, Some(wrong)).await,
            400,
            "invalid_grant",
        )
        .await;
        let burnt = body["error_description"]
            .as_str()
            .unwrap()
            .contains("too many");
        assert_eq!(burnt, attempt == 5, "attempt {attempt}");
    }
    assert_oauth_error(
        exchange(app, &issuer, Some(&tx)).await,
        400,
        "invalid_grant",
    )
    .await;

    // A tx_code sent to an offer without one.
    let created = s.offer(json!({})).await;
    let issuer = discover(app, created["openid4vci"]["offerUri"].as_str().unwrap()).await;
    assert_oauth_error(
        exchange(app, &issuer, Some("123456")).await,
        400,
        "invalid_request",
    )
    .await;
    // Accepted in the wallet first: the code no longer works.
    let res = app
        .client
        .post(app.url(&format!("/wallet/offers/{}/accept", token_of(&created))))
        .bearer_auth(&citizen)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert_oauth_error(exchange(app, &issuer, None).await, 400, "invalid_grant").await;
    // Cancelled, and expired offers: the code no longer works.
    let created = s.offer(json!({})).await;
    let issuer = discover(app, created["openid4vci"]["offerUri"].as_str().unwrap()).await;
    let res = app
        .delete(
            &format!("/orgs/{ORG}/offers/{}", created["id"].as_str().unwrap()),
            Some(&s.key),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_oauth_error(exchange(app, &issuer, None).await, 400, "invalid_grant").await;
    let created = s.offer(json!({"expiresInSecs": 60})).await;
    let issuer = discover(app, created["openid4vci"]["offerUri"].as_str().unwrap()).await;
    app.clock.advance(chrono::Duration::seconds(61));
    assert_oauth_error(exchange(app, &issuer, None).await, 400, "invalid_grant").await;
    let uri = created["openid4vci"]["credentialOfferUri"]
        .as_str()
        .unwrap();
    assert_problem(app.client.get(uri).send().await.unwrap(), 404).await;
    assert_problem(app.get("/oid4vci/credential-offer/nope", None).await, 404).await;
    s.app.stop().await;
}

#[tokio::test]
async fn the_credential_endpoint_refuses_hostile_requests() {
    let s = Setup::new(&[("ATOUT_BODY_LIMIT_BYTES", "16384")]).await;
    let app = &s.app;
    let created = s.offer(json!({})).await;
    let issuer = discover(app, created["openid4vci"]["offerUri"].as_str().unwrap()).await;
    let access = access_token(app, &issuer, None).await;
    let aud = issuer.credential_issuer.clone();
    let holder = Holder::ed25519();
    let other = Holder::ed25519();
    let config = "atout_ldp_vc";
    let request =
        |proof: String| json!({"credential_configuration_id": config, "proofs": {"jwt": [proof]}});

    // No token, an unknown token, a token in another scheme.
    let good = request(holder.proof(&aud, &fresh_nonce(app, &issuer).await, now(app)));
    assert_oauth_error(
        credential_request(app, &issuer, None, &good).await,
        401,
        "invalid_token",
    )
    .await;
    assert_oauth_error(
        credential_request(app, &issuer, Some("not-a-token"), &good).await,
        401,
        "invalid_token",
    )
    .await;
    let res = app
        .client
        .post(&issuer.credential_endpoint)
        .header("authorization", format!("Basic {access}"))
        .json(&good)
        .send()
        .await
        .unwrap();
    assert_oauth_error(res, 401, "invalid_token").await;

    // Malformed requests.
    for (ct, body) in [
        ("text/plain", good.to_string()),
        ("application/json", "{".to_owned()),
        ("application/json", "[]".to_owned()),
        ("application/json", "".to_owned()),
        (
            "application/json",
            json!({"proofs": good["proofs"]}).to_string(),
        ),
        (
            "application/json",
            json!({"credential_configuration_id": 5, "proofs": good["proofs"]}).to_string(),
        ),
        (
            "application/json",
            json!({"credential_configuration_id": "atout_jwt_vc_json", "proofs": good["proofs"]})
                .to_string(),
        ),
        (
            "application/json",
            json!({"credential_identifier": "x", "proofs": good["proofs"]}).to_string(),
        ),
    ] {
        let res = app
            .client
            .post(&issuer.credential_endpoint)
            .bearer_auth(&access)
            .header("content-type", ct)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_oauth_error(res, 400, "invalid_credential_request").await;
    }
    let res = credential_request(
        app,
        &issuer,
        Some(&access),
        &json!({"credential_configuration_id": "UniversityDegree_jwt", "proofs": good["proofs"]}),
    )
    .await;
    assert_oauth_error(res, 400, "unknown_credential_configuration").await;

    // Hostile proofs: every one refused, none consumes the token.
    let n = fresh_nonce(app, &issuer).await;
    let t = now(app);
    let claims = json!({"aud": aud, "iat": t, "nonce": n});
    let valid = holder.proof(&aud, &n, t);
    let mut bad_signature = valid.clone();
    let last = bad_signature.pop().unwrap();
    bad_signature.push(if last == 'A' { 'B' } else { 'A' });
    let unsigned = format!(
        "{}.{}.",
        b64(
            json!({"typ": "openid4vci-proof+jwt", "alg": "none", "kid": holder.kid})
                .to_string()
                .as_bytes()
        ),
        b64(claims.to_string().as_bytes())
    );
    let with_header = |h: Value| holder.jws(&h, &claims);
    let with_claims = |c: Value| holder.jws(&holder.header(), &c);
    let p256 = Holder::p256();
    let uncompressed = p256.jws(
        &json!({"typ": "openid4vci-proof+jwt", "alg": "ES256", "kid": p256.uncompressed_kid()}),
        &claims,
    );
    let bodies: Vec<(Value, &str)> = vec![
        (request(uncompressed), "invalid_proof"),
        (
            json!({"credential_configuration_id": config}),
            "invalid_proof",
        ),
        (
            json!({"credential_configuration_id": config, "proof": {"proof_type": "jwt", "jwt": valid}}),
            "invalid_proof",
        ),
        (
            json!({"credential_configuration_id": config, "proofs": {"jwt": [valid, valid]}}),
            "invalid_proof",
        ),
        (
            json!({"credential_configuration_id": config, "proofs": {"jwt": []}}),
            "invalid_proof",
        ),
        (
            json!({"credential_configuration_id": config, "proofs": {"ldp_vp": [{}]}}),
            "invalid_proof",
        ),
        (
            json!({"credential_configuration_id": config, "proofs": {"jwt": [42]}}),
            "invalid_proof",
        ),
        (
            json!({"credential_configuration_id": config, "proofs": "jwt"}),
            "invalid_proof",
        ),
        (request("not.a.jwt".into()), "invalid_proof"),
        (request("abc".into()), "invalid_proof"),
        (
            request(format!("{}.{}", "a".repeat(9000), "b")),
            "invalid_proof",
        ),
        (request(unsigned), "invalid_proof"),
        (request(bad_signature), "invalid_proof"),
        (
            request(with_header(
                json!({"typ": "JWT", "alg": "EdDSA", "kid": holder.kid}),
            )),
            "invalid_proof",
        ),
        (
            request(with_header(json!({"alg": "EdDSA", "kid": holder.kid}))),
            "invalid_proof",
        ),
        (
            request(with_header(
                json!({"typ": "openid4vci-proof+jwt", "alg": "HS256", "kid": holder.kid}),
            )),
            "invalid_proof",
        ),
        (
            request(with_header(
                json!({"typ": "openid4vci-proof+jwt", "alg": "ES256", "kid": holder.kid}),
            )),
            "invalid_proof",
        ),
        (
            request(with_header(
                json!({"typ": "openid4vci-proof+jwt", "alg": "EdDSA", "kid": "did:web:evil.example#key-1"}),
            )),
            "invalid_proof",
        ),
        (
            request(with_header(
                json!({"typ": "openid4vci-proof+jwt", "alg": "EdDSA", "kid": holder.did}),
            )),
            "invalid_proof",
        ),
        (
            request(with_header(
                json!({"typ": "openid4vci-proof+jwt", "alg": "EdDSA", "kid": other.kid}),
            )),
            "invalid_proof",
        ),
        (
            request(with_header(
                json!({"typ": "openid4vci-proof+jwt", "alg": "EdDSA", "kid": "did:key:zNotAKey#zNotAKey"}),
            )),
            "invalid_proof",
        ),
        (
            request(with_header(
                json!({"typ": "openid4vci-proof+jwt", "alg": "EdDSA",
            "jwk": {"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}}),
            )),
            "invalid_proof",
        ),
        (
            request(with_header(
                json!({"typ": "openid4vci-proof+jwt", "alg": "EdDSA", "kid": holder.kid, "crit": ["exp"]}),
            )),
            "invalid_proof",
        ),
        (
            request(with_claims(
                json!({"aud": "https://evil.example", "iat": t, "nonce": n}),
            )),
            "invalid_proof",
        ),
        (
            request(with_claims(json!({"iat": t, "nonce": n}))),
            "invalid_proof",
        ),
        (
            request(with_claims(json!({"aud": aud, "nonce": n}))),
            "invalid_proof",
        ),
        (
            request(with_claims(json!({"aud": aud, "iat": "now", "nonce": n}))),
            "invalid_proof",
        ),
        (
            request(with_claims(json!({"aud": aud, "iat": t - 600, "nonce": n}))),
            "invalid_proof",
        ),
        (
            request(with_claims(json!({"aud": aud, "iat": t + 600, "nonce": n}))),
            "invalid_proof",
        ),
        (
            request(with_claims(json!({"aud": aud, "iat": t}))),
            "invalid_nonce",
        ),
        (
            request(with_claims(
                json!({"aud": aud, "iat": t, "nonce": "made-up"}),
            )),
            "invalid_nonce",
        ),
        (
            request(with_claims(json!({"aud": aud, "iat": t, "nonce": 7}))),
            "invalid_nonce",
        ),
    ];
    for (body, error) in bodies {
        let res = credential_request(app, &issuer, Some(&access), &body).await;
        let shown = body.to_string().chars().take(200).collect::<String>();
        let got = assert_oauth_error(res, 400, error).await;
        assert_eq!(got["error"], error, "{shown}");
    }
    let res = app
        .client
        .post(&issuer.credential_endpoint)
        .bearer_auth(&access)
        .header("content-type", "application/json")
        .body(format!("{{\"pad\":\"{}\"}}", "x".repeat(20_000)))
        .send()
        .await
        .unwrap();
    assert_problem(res, 413).await;

    // The nonce `n` was not consumed by the refused proofs: it still works,
    // once.
    let res = credential_request(app, &issuer, Some(&access), &request(valid.clone())).await;
    assert_eq!(res.status(), 200);
    let created = s.offer(json!({})).await;
    let issuer = discover(app, created["openid4vci"]["offerUri"].as_str().unwrap()).await;
    let access = access_token(app, &issuer, None).await;
    let res = credential_request(
        app,
        &issuer,
        Some(&access),
        &request(holder.proof(&aud, &n, now(app))),
    )
    .await;
    assert_oauth_error(res, 400, "invalid_nonce").await;

    // A nonce expires (five minutes), and so does an access token.
    let old_nonce = fresh_nonce(app, &issuer).await;
    app.clock.advance(chrono::Duration::minutes(3));
    let created = s.offer(json!({})).await;
    let later = discover(app, created["openid4vci"]["offerUri"].as_str().unwrap()).await;
    let later_access = access_token(app, &later, None).await;
    app.clock.advance(chrono::Duration::minutes(3));
    let res = credential_request(
        app,
        &later,
        Some(&later_access),
        &request(holder.proof(&aud, &old_nonce, now(app))),
    )
    .await;
    assert_oauth_error(res, 400, "invalid_nonce").await;
    // `access` was issued six minutes ago: expired.
    let res = credential_request(
        app,
        &issuer,
        Some(&access),
        &request(holder.proof(&aud, &fresh_nonce(app, &issuer).await, now(app))),
    )
    .await;
    assert_oauth_error(res, 401, "invalid_token").await;
    // The unexpired one still works.
    let res = credential_request(
        app,
        &later,
        Some(&later_access),
        &request(holder.proof(&aud, &fresh_nonce(app, &later).await, now(app))),
    )
    .await;
    assert_eq!(res.status(), 200);
    s.app.stop().await;
}

#[tokio::test]
async fn the_metadata_documents_describe_the_flow() {
    let app = TestApp::spawn().await;
    let res = app.get("/.well-known/openid-credential-issuer", None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    let meta: Value = res.json().await.unwrap();
    assert_eq!(meta["credential_issuer"], app.base.as_str());
    assert_eq!(meta["credential_endpoint"], app.url("/oid4vci/credential"));
    assert_eq!(meta["nonce_endpoint"], app.url("/oid4vci/nonce"));
    let configs = meta["credential_configurations_supported"]
        .as_object()
        .unwrap();
    assert_eq!(configs["atout_ldp_vc"]["format"], "ldp_vc");
    assert_eq!(configs["atout_jwt_vc_json"]["format"], "jwt_vc_json");
    for c in configs.values() {
        assert_eq!(
            c["cryptographic_binding_methods_supported"],
            json!(["did:key"])
        );
        assert_eq!(
            c["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"],
            json!(["EdDSA", "ES256"])
        );
    }
    // The jwt_vc_json mapping is stated.
    let description = configs["atout_jwt_vc_json"]["credential_metadata"]["display"][1]
        ["description"]
        .as_str()
        .unwrap();
    assert!(
        description.contains("VC-JOSE") && description.contains("1.1"),
        "{description}"
    );
    let oauth: Value = app
        .get("/.well-known/oauth-authorization-server", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(oauth["token_endpoint"], app.url("/oid4vci/token"));
    assert_eq!(
        oauth["pre-authorized_grant_anonymous_access_supported"],
        true
    );
    // Nonces are single use and distinct.
    let a: Value = app
        .client
        .post(app.url("/oid4vci/nonce"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let b: Value = app
        .client
        .post(app.url("/oid4vci/nonce"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_ne!(a["c_nonce"], b["c_nonce"]);
    // Every route is documented.
    let doc: Value = app.get("/openapi.json", None).await.json().await.unwrap();
    for path in [
        "/.well-known/openid-credential-issuer",
        "/.well-known/oauth-authorization-server",
        "/oid4vci/token",
        "/oid4vci/nonce",
        "/oid4vci/credential",
        "/oid4vci/credential-offer/{code}",
        "/orgs/{slug}/offers",
        "/wallet/offers/{token}/accept",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} in the OpenAPI document"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn concurrent_credential_requests_with_one_token_issue_once() {
    let s = Setup::new(&[]).await;
    let app = &s.app;
    let created = s.offer(json!({})).await;
    let issuer = discover(app, created["openid4vci"]["offerUri"].as_str().unwrap()).await;
    let access = access_token(app, &issuer, None).await;
    let holder = Holder::ed25519();
    let mut requests = Vec::new();
    for _ in 0..6 {
        let nonce = fresh_nonce(app, &issuer).await;
        let proof = holder.proof(&issuer.credential_issuer, &nonce, now(app));
        requests.push(
            app.client
                .post(&issuer.credential_endpoint)
                .bearer_auth(&access)
                .json(&json!({"credential_configuration_id": "atout_ldp_vc", "proofs": {"jwt": [proof]}}))
                .send(),
        );
    }
    let mut statuses = Vec::new();
    for task in requests.into_iter().map(tokio::spawn) {
        statuses.push(task.await.unwrap().unwrap().status().as_u16());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 401),
        "{statuses:?}"
    );
    let org = app.store().get_org_by_slug(ORG).await.unwrap().unwrap();
    let issued = app
        .store()
        .list_issued(
            &org.id,
            &atout_core::store::CredentialFilter {
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(issued.len(), 1);
    // The losers' status entries were released.
    assert_eq!(crate::offers::count_rows(app, "status_entries").await, 2);
    s.app.stop().await;
}

#[tokio::test]
async fn nonces_are_sealed_not_stored_and_spent_once() {
    let s = Setup::new(&[]).await;
    let app = &s.app;
    let created = s.offer(json!({})).await;
    let issuer = discover(app, created["openid4vci"]["offerUri"].as_str().unwrap()).await;
    let aud = issuer.credential_issuer.clone();
    let holder = Holder::ed25519();
    let request = |proof: String| json!({"credential_configuration_id": "atout_ldp_vc", "proofs": {"jwt": [proof]}});
    crate::store::raw_exec(&app.db, "DELETE FROM oid4vci_nonces")
        .await
        .unwrap();

    // Anyone may ask for nonces: each is different, and none is written.
    let mut nonces = std::collections::HashSet::new();
    for _ in 0..50 {
        nonces.insert(fresh_nonce(app, &issuer).await);
    }
    assert_eq!(nonces.len(), 50);
    let stored = crate::store::raw_exec(&app.db, "DELETE FROM oid4vci_nonces")
        .await
        .unwrap();
    assert_eq!(stored, 0, "handing out nonces wrote rows");

    // A sealed nonce altered by one character is not ours.
    let nonce = nonces.iter().next().unwrap().clone();
    let mut altered = nonce.clone().into_bytes();
    let i = altered.len() / 2;
    altered[i] = if altered[i] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).unwrap();
    let access = access_token(app, &issuer, None).await;
    let res = credential_request(
        app,
        &issuer,
        Some(&access),
        &request(holder.proof(&aud, &altered, now(app))),
    )
    .await;
    assert_oauth_error(res, 400, "invalid_nonce").await;

    // Spent once: one row, until it would have expired anyway.
    let res = credential_request(
        app,
        &issuer,
        Some(&access),
        &request(holder.proof(&aud, &nonce, now(app))),
    )
    .await;
    assert_eq!(res.status(), 200);
    let created = s.offer(json!({})).await;
    let again = discover(app, created["openid4vci"]["offerUri"].as_str().unwrap()).await;
    let access = access_token(app, &again, None).await;
    let res = credential_request(
        app,
        &again,
        Some(&access),
        &request(holder.proof(&aud, &nonce, now(app))),
    )
    .await;
    assert_oauth_error(res, 400, "invalid_nonce").await;
    let stored = crate::store::raw_exec(&app.db, "DELETE FROM oid4vci_nonces")
        .await
        .unwrap();
    assert_eq!(stored, 1);
    s.app.stop().await;
}
