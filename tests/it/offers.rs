//! Credential offers: by link and by email, previewed with the trust
//! registry's name (or "unknown"), accepted once (atomically, even under
//! concurrent accepts), declined, cancelled, expired, and refused to the
//! wrong people and to hostile input. Runs on both databases.

use crate::common::*;
use serde_json::{json, Value};

pub const ORG: &str = "univ";

pub fn diploma_template() -> Value {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../issuer/templates/diploma.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The subject of a diploma, without id (the holder's DID is set on acceptance).
pub fn graduate() -> Value {
    json!({
        "givenName": "Renée",
        "familyName": "Dupont",
        "degree": {
            "type": "Diploma",
            "name": "Master Informatique",
            "eqfLevel": 7,
            "awardedOn": "2026-07-03"
        }
    })
}

/// An organisation (with a P-256 key too), its API key and a diploma template.
pub struct Setup {
    pub app: TestApp,
    pub key: String,
    pub template: String,
}

impl Setup {
    pub async fn new(extra: &[(&str, &str)]) -> Self {
        let app = TestApp::spawn_with(extra).await;
        let res = app
            .post_json(
                "/admin/orgs",
                Some(ADMIN_TOKEN),
                &json!({"slug": ORG, "name_fr": "Université Exemple", "name_en": "Example University", "p256": true}),
            )
            .await;
        assert_eq!(res.status(), 201);
        let (_, key) = app.create_api_key(ORG).await;
        let res = app
            .post_json(
                &format!("/orgs/{ORG}/templates"),
                Some(&key),
                &diploma_template(),
            )
            .await;
        assert_eq!(res.status(), 201);
        let template = res.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        Self { app, key, template }
    }

    pub async fn offer(&self, extra: Value) -> Value {
        let mut body = json!({"templateId": self.template, "subject": graduate()});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let res = self
            .app
            .post_json(&format!("/orgs/{ORG}/offers"), Some(&self.key), &body)
            .await;
        assert_eq!(res.status(), 201, "{:?}", res.text().await);
        res.json().await.unwrap()
    }

    pub fn org_did(&self) -> String {
        format!("did:web:127.0.0.1%3A{}:orgs:{ORG}", self.app.addr.port())
    }
}

/// The token at the end of an offer link.
pub fn token_of(offer: &Value) -> String {
    offer["link"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned()
}

pub async fn verify_email(app: &TestApp, email: &str) {
    let token = app.mailed_token(email, "verify-email").await;
    let res = app
        .post_json("/auth/verify-email", None, &json!({"token": token}))
        .await;
    assert!(
        res.status().is_success(),
        "verify {email}: {}",
        res.status()
    );
}

async fn post(app: &TestApp, path: &str, token: &str) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// `POST /credentials/verify` of a credential as held (JSON or compact JWT).
pub async fn verify_held(app: &TestApp, format: &str, body: &str) -> Value {
    let credential = if format == "ldp_vc" {
        serde_json::from_str(body).unwrap()
    } else {
        json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": format!("data:application/vc+jwt,{body}"),
            "type": "EnvelopedVerifiableCredential",
        })
    };
    let res = app
        .post_json(
            "/credentials/verify",
            None,
            &json!({"verifiableCredential": credential}),
        )
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// The credential (JSON) inside a held body.
pub fn payload(format: &str, body: &str) -> Value {
    use base64::Engine as _;
    if format == "ldp_vc" {
        serde_json::from_str(body).unwrap()
    } else {
        let part = body.split('.').nth(1).unwrap();
        serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(part)
                .unwrap(),
        )
        .unwrap()
    }
}

fn read_png(bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes.to_vec()));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    (info.width as usize, info.height as usize, buf)
}

fn decode_qr(width: usize, height: usize, pixels: &[u8]) -> String {
    let mut img =
        rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| pixels[y * width + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    grids[0].decode().expect("a readable QR code").1
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    app.store()
        .list_audit(&atout_core::store::AuditFilter {
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

#[tokio::test]
async fn a_link_offer_is_previewed_with_the_registry_name_accepted_once_and_verifies() {
    let s = Setup::new(&[]).await;
    let app = &s.app;
    let offer = s.offer(json!({})).await;
    let token = token_of(&offer);
    assert_eq!(offer["state"], "pending");
    assert_eq!(offer["link"], app.url(&format!("/offers/{token}")));
    assert_eq!(
        offer["qr"]["svg"],
        app.url(&format!("/offers/{token}/qr.svg"))
    );
    assert!(offer.get("txCode").is_none());
    assert!(offer["openid4vci"]["offerUri"]
        .as_str()
        .unwrap()
        .starts_with("openid-credential-offer://?credential_offer="));
    // Only the digest of the token is stored.
    let stored = app
        .store()
        .get_offer(&offer_org_id(app).await, offer["id"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_ne!(stored.token_hash, token);
    assert_eq!(
        stored.token_hash,
        atout_core::crypto::sha256_hex(token.as_bytes())
    );

    // The QR codes read back as the link.
    let res = app.get(&format!("/offers/{token}/qr.png"), None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    let (w, h, pixels) = read_png(&res.bytes().await.unwrap());
    assert_eq!(decode_qr(w, h, &pixels), offer["link"].as_str().unwrap());
    let res = app.get(&format!("/offers/{token}/qr.svg"), None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
    assert!(res.text().await.unwrap().contains("<svg"));

    // Public view of the link: who and what, no personal data; the issuer
    // is not in the registry yet, so it is unknown (never its own name).
    let public: Value = app
        .get(&format!("/offers/{token}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(public["issuer"]["trust"], "unknown");
    assert!(public["issuer"].get("name").is_none());
    assert!(!public.to_string().contains("Université Exemple"));
    assert!(!public.to_string().contains("Renée"));
    assert_eq!(public["name"]["fr"], "Diplôme national de master");

    let citizen = app.sign_up("renee@example.org").await;
    let res = app
        .get(&format!("/wallet/offers/{token}"), Some(&citizen))
        .await;
    assert_eq!(res.status(), 200);
    let preview: Value = res.json().await.unwrap();
    assert_eq!(preview["issuer"]["trust"], "unknown");
    assert!(preview["issuer"].get("name").is_none(), "{preview}");
    assert_eq!(preview["subject"]["givenName"], "Renée");
    assert_eq!(preview["format"], "ldp_vc");
    assert!(preview["type"]
        .as_array()
        .unwrap()
        .contains(&json!("DiplomaCredential")));

    // Once in the trust registry, the registry's names are shown.
    let did = s.org_did();
    let res = app
        .client
        .put(app.url(&format!(
            "/admin/registry/issuers/{}",
            did.replace('%', "%25")
        )))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({
            "name": {"fr": "Université du Registre", "en": "Registry University"},
            "accreditation": "Certificateur RNCP",
            "validFrom": "2026-01-01T00:00:00Z",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let preview: Value = app
        .get(&format!("/wallet/offers/{token}"), Some(&citizen))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(preview["issuer"]["trust"], "accredited");
    assert_eq!(preview["issuer"]["name"]["fr"], "Université du Registre");
    assert_eq!(preview["issuer"]["did"], did.as_str());

    // Accept: 201 with the holding, stored byte for byte as issued.
    let res = post(app, &format!("/wallet/offers/{token}/accept"), &citizen).await;
    assert_eq!(res.status(), 201);
    let holding: Value = res.json().await.unwrap();
    assert_eq!(holding["source"], "offer");
    let record = app
        .store()
        .citizen_by_email("renee@example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        holding["credential"]["credentialSubject"]["id"],
        record.holder_did.as_str()
    );
    let held = app
        .store()
        .get_holding(&record.id, holding["id"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    let view: Value = app
        .get(
            &format!("/orgs/{ORG}/offers/{}", offer["id"].as_str().unwrap()),
            Some(&s.key),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["state"], "accepted");
    assert_eq!(view["channel"], "wallet");
    let issued = app
        .store()
        .get_issued_credential(view["credentialRef"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        held.body, issued.body,
        "the holding is the issued text, byte for byte"
    );
    assert_eq!(held.format, "ldp_vc");
    assert_eq!(held.issuer, did);
    assert_eq!(issued.subject_name.as_deref(), Some("Renée Dupont"));
    let report = verify_held(app, &held.format, &held.body).await;
    assert_eq!(report["verified"], true, "{report:#}");

    // Single use: a second accept or a decline is refused, by anyone.
    for path in ["accept", "decline"] {
        let res = post(app, &format!("/wallet/offers/{token}/{path}"), &citizen).await;
        let problem = assert_problem(res, 410).await;
        assert_eq!(problem["state"], "accepted");
    }
    let other = app.sign_up("other@example.org").await;
    assert_problem(
        post(app, &format!("/wallet/offers/{token}/accept"), &other).await,
        410,
    )
    .await;
    let actions = audit_actions(app).await;
    for action in ["offer.created", "credential.issued", "offer.accepted"] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
    s.app.stop().await;
}

/// Rows of a table, on either backend.
pub async fn count_rows(app: &TestApp, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    if app.db.is_postgres() {
        let pool = sqlx::PgPool::connect(&app.db.url).await.unwrap();
        let n = sqlx::query_scalar(&sql).fetch_one(&pool).await.unwrap();
        pool.close().await;
        n
    } else {
        let pool = sqlx::SqlitePool::connect(&app.db.url).await.unwrap();
        let n = sqlx::query_scalar(&sql).fetch_one(&pool).await.unwrap();
        pool.close().await;
        n
    }
}

async fn offer_org_id(app: &TestApp) -> String {
    app.store().get_org_by_slug(ORG).await.unwrap().unwrap().id
}

#[tokio::test]
async fn email_offers_reach_only_their_verified_addressee() {
    let s = Setup::new(&[]).await;
    let app = &s.app;
    let offer = s
        .offer(
            json!({"email": "  Ana@Example.ORG ", "options": {"format": "vc+jwt", "alg": "ES256"}}),
        )
        .await;
    assert_eq!(offer["email"], "ana@example.org");
    let token = token_of(&offer);
    // The message, in French and English, carries the link.
    let mails = app.store().mail_to("ana@example.org").await.unwrap();
    let mail = mails
        .iter()
        .find(|m| m.kind == "offer")
        .expect("an offer mail");
    assert!(mail.body.contains(offer["link"].as_str().unwrap()));
    assert!(mail.body.contains("vous propose") && mail.body.contains("offers you"));
    assert!(mail.subject.contains("Université Exemple"));

    // Ana, not yet verified: nothing listed, and the link asks to verify.
    let ana = app.sign_up("ana@example.org").await;
    let list: Value = app
        .get("/wallet/offers", Some(&ana))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list, json!({"items": [], "emailVerified": false}));
    let problem = assert_problem(
        app.get(&format!("/wallet/offers/{token}"), Some(&ana))
            .await,
        403,
    )
    .await;
    assert_eq!(problem["type"], "urn:atout:problem:email-not-verified");
    assert_problem(
        post(app, &format!("/wallet/offers/{token}/accept"), &ana).await,
        403,
    )
    .await;

    // Someone else, verified: this offer is for someone else.
    let bob = app.sign_up("bob@example.org").await;
    verify_email(app, "bob@example.org").await;
    for res in [
        app.get(&format!("/wallet/offers/{token}"), Some(&bob))
            .await,
        post(app, &format!("/wallet/offers/{token}/accept"), &bob).await,
        post(app, &format!("/wallet/offers/{token}/decline"), &bob).await,
    ] {
        let problem = assert_problem(res, 403).await;
        assert_eq!(problem["type"], "urn:atout:problem:offer-for-someone-else");
        assert_eq!(problem["title"], "This offer is for someone else");
    }
    // Bob cannot name it by id either (unknown to him), and sees nothing listed.
    let id = offer["id"].as_str().unwrap();
    assert_problem(
        app.get(&format!("/wallet/offers/{id}"), Some(&bob)).await,
        404,
    )
    .await;
    let list: Value = app
        .get("/wallet/offers", Some(&bob))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"], json!([]));

    // Ana verifies: the offer is listed, and she accepts it by its id.
    verify_email(app, "ana@example.org").await;
    let list: Value = app
        .get("/wallet/offers", Some(&ana))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["emailVerified"], true);
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["id"], id);
    assert_eq!(list["items"][0]["format"], "vc+jwt");
    let res = post(app, &format!("/wallet/offers/{id}/accept"), &ana).await;
    assert_eq!(res.status(), 201);
    let holding: Value = res.json().await.unwrap();
    assert_eq!(holding["format"], "vc+jwt");
    let jwt = holding["credential"].as_str().unwrap();
    let record = app
        .store()
        .citizen_by_email("ana@example.org")
        .await
        .unwrap()
        .unwrap();
    let held = app
        .store()
        .get_holding(&record.id, holding["id"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(held.body, jwt);
    let view: Value = app
        .get(&format!("/orgs/{ORG}/offers/{id}"), Some(&s.key))
        .await
        .json()
        .await
        .unwrap();
    let issued = app
        .store()
        .get_issued_credential(view["credentialRef"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(issued.body, held.body);
    assert_eq!(issued.subject_email.as_deref(), Some("ana@example.org"));
    assert_eq!(
        payload("vc+jwt", jwt)["credentialSubject"]["id"],
        record.holder_did.as_str()
    );
    let report = verify_held(app, "vc+jwt", jwt).await;
    assert_eq!(report["verified"], true, "{report:#}");
    assert_eq!(report["format"], "vc+jwt/ES256");
    // Listed no more.
    let list: Value = app
        .get("/wallet/offers", Some(&ana))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"], json!([]));
}

#[tokio::test]
async fn declined_cancelled_and_expired_offers_are_gone() {
    let s = Setup::new(&[]).await;
    let app = &s.app;
    let citizen = app.sign_up("cleo@example.org").await;

    // Declined.
    let declined = s.offer(json!({})).await;
    let t = token_of(&declined);
    let res = post(app, &format!("/wallet/offers/{t}/decline"), &citizen).await;
    assert_eq!(res.status(), 204);
    let problem = assert_problem(
        post(app, &format!("/wallet/offers/{t}/accept"), &citizen).await,
        410,
    )
    .await;
    assert_eq!(problem["state"], "declined");

    // Cancelled by the organisation (its key, or the admin).
    let cancelled = s.offer(json!({})).await;
    let t = token_of(&cancelled);
    let id = cancelled["id"].as_str().unwrap();
    let res = app
        .delete(&format!("/orgs/{ORG}/offers/{id}"), Some(&s.key))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["state"], "cancelled");
    let problem = assert_problem(
        app.get(&format!("/wallet/offers/{t}"), Some(&citizen))
            .await,
        410,
    )
    .await;
    assert_eq!(problem["state"], "cancelled");
    let problem = assert_problem(
        app.delete(&format!("/orgs/{ORG}/offers/{id}"), Some(ADMIN_TOKEN))
            .await,
        409,
    )
    .await;
    assert_eq!(problem["state"], "cancelled");
    assert_problem(
        app.delete(&format!("/orgs/{ORG}/offers/no-such-offer"), Some(&s.key))
            .await,
        404,
    )
    .await;

    // Expired: the clock moves past the offer's lifetime.
    let short = s.offer(json!({"expiresInSecs": 60})).await;
    let t = token_of(&short);
    let pending = s.offer(json!({})).await;
    app.clock.advance(chrono::Duration::seconds(61));
    let problem = assert_problem(
        post(app, &format!("/wallet/offers/{t}/accept"), &citizen).await,
        410,
    )
    .await;
    assert_eq!(problem["state"], "expired");
    let problem = assert_problem(
        app.delete(
            &format!("/orgs/{ORG}/offers/{}", short["id"].as_str().unwrap()),
            Some(&s.key),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(problem["state"], "expired");

    // The list, by state (newest first).
    let ids = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let all: Value = app
        .get(&format!("/orgs/{ORG}/offers"), Some(ADMIN_TOKEN))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all["items"].as_array().unwrap().len(), 4);
    for (state, expected) in [
        ("pending", pending["id"].clone()),
        ("expired", short["id"].clone()),
        ("cancelled", cancelled["id"].clone()),
        ("declined", declined["id"].clone()),
    ] {
        let list: Value = app
            .get(&format!("/orgs/{ORG}/offers?state={state}"), Some(&s.key))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            ids(&list),
            vec![expected.as_str().unwrap().to_owned()],
            "{state}"
        );
        assert_eq!(list["items"][0]["state"], state);
    }
    let list: Value = app
        .get(&format!("/orgs/{ORG}/offers?state=accepted"), Some(&s.key))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"], json!([]));
    let page: Value = app
        .get(&format!("/orgs/{ORG}/offers?limit=2"), Some(&s.key))
        .await
        .json()
        .await
        .unwrap();
    let first = ids(&page);
    assert_eq!(first.len(), 2);
    let rest: Value = app
        .get(
            &format!("/orgs/{ORG}/offers?before={}", first[1]),
            Some(&s.key),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ids(&rest).len(), 2);
    assert!(ids(&rest).iter().all(|id| !first.contains(id)));
    assert_problem(
        app.get(&format!("/orgs/{ORG}/offers?state=lost"), Some(&s.key))
            .await,
        400,
    )
    .await;
    assert_problem(
        app.get(&format!("/orgs/{ORG}/offers?colour=red"), Some(&s.key))
            .await,
        400,
    )
    .await;
}

#[tokio::test]
async fn another_organisation_cannot_touch_the_offers() {
    let s = Setup::new(&[]).await;
    let app = &s.app;
    app.create_org("other").await;
    let (_, other) = app.create_api_key("other").await;
    let offer = s.offer(json!({})).await;
    let id = offer["id"].as_str().unwrap();
    let body = json!({"templateId": s.template, "subject": graduate()});
    for res in [
        app.post_json(&format!("/orgs/{ORG}/offers"), Some(&other), &body)
            .await,
        app.post_json(&format!("/orgs/{ORG}/offers"), Some(ADMIN_TOKEN), &body)
            .await,
        app.get(&format!("/orgs/{ORG}/offers"), Some(&other)).await,
        app.get(&format!("/orgs/{ORG}/offers/{id}"), Some(&other))
            .await,
        app.delete(&format!("/orgs/{ORG}/offers/{id}"), Some(&other))
            .await,
    ] {
        assert_problem(res, 403).await;
    }
    // Its own routes do not see it either, and its key cannot use our template.
    assert_problem(
        app.get(&format!("/orgs/other/offers/{id}"), Some(&other))
            .await,
        404,
    )
    .await;
    let res = app
        .post_json("/orgs/other/offers", Some(&other), &body)
        .await;
    assert_problem(res, 404).await;
    let view: Value = app
        .get(&format!("/orgs/{ORG}/offers/{id}"), Some(&s.key))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["state"], "pending");
}

#[tokio::test]
async fn concurrent_accepts_have_exactly_one_winner() {
    let s = Setup::new(&[]).await;
    let app = &s.app;
    let offer = s.offer(json!({})).await;
    let token = token_of(&offer);
    let mut citizens = Vec::new();
    for i in 0..4 {
        citizens.push(app.sign_up(&format!("racer{i}@example.org")).await);
    }
    let mut tasks = Vec::new();
    for _round in 0..2 {
        for c in &citizens {
            let req = app
                .client
                .post(app.url(&format!("/wallet/offers/{token}/accept")))
                .bearer_auth(c)
                .send();
            tasks.push(tokio::spawn(async move {
                let res = req.await.unwrap();
                let status = res.status().as_u16();
                (status, res.json::<Value>().await.unwrap())
            }));
        }
    }
    let mut statuses = Vec::new();
    for t in tasks {
        let (status, body) = t.await.unwrap();
        if status == 410 {
            // Whether it lost the race or came after: the offer is accepted.
            assert_eq!(body["state"], "accepted", "{body}");
        }
        statuses.push(status);
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 410),
        "{statuses:?}"
    );
    // One credential recorded, one holding, and the losers' status entries released.
    let org = offer_org_id(app).await;
    let issued = app
        .store()
        .list_issued(
            &org,
            &atout_core::store::CredentialFilter {
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(issued.len(), 1);
    let mut holdings = 0;
    for i in 0..4 {
        let c = app
            .store()
            .citizen_by_email(&format!("racer{i}@example.org"))
            .await
            .unwrap()
            .unwrap();
        holdings += app
            .store()
            .list_holdings(
                &c.id,
                &atout_core::store::HoldingFilter {
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .len();
    }
    assert_eq!(holdings, 1);
    // Each credential has a revocation and a suspension entry: the
    // losers' were released.
    assert_eq!(count_rows(app, "status_entries").await, 2);
    let winner = &issued[0].id;
    assert_eq!(app.store().status_entries(winner).await.unwrap().len(), 2);
}

#[tokio::test]
async fn malformed_oversized_and_hostile_input_is_refused_and_writes_nothing() {
    let s = Setup::new(&[("ATOUT_BODY_LIMIT_BYTES", "4096")]).await;
    let app = &s.app;
    let path = format!("/orgs/{ORG}/offers");
    let t = s.template.as_str();
    let raw = |body: Vec<u8>, content_type: &'static str| {
        app.client
            .post(app.url(&path))
            .bearer_auth(&s.key)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let json_ct = "application/json";
    let cases: Vec<(Vec<u8>, &'static str, u16)> = vec![
        (b"{".to_vec(), json_ct, 400),
        (b"".to_vec(), json_ct, 400),
        (vec![0xff, 0xfe], json_ct, 400),
        (json!({"templateId": t, "subject": graduate()}).to_string().into_bytes(), "text/plain", 415),
        (json!({"templateId": t, "subject": graduate(), "admin": true}).to_string().into_bytes(), json_ct, 422),
        (json!({"subject": graduate()}).to_string().into_bytes(), json_ct, 422),
        (json!({"templateId": t, "subject": "Renée"}).to_string().into_bytes(), json_ct, 422),
        (json!({"templateId": t, "subject": [1, 2]}).to_string().into_bytes(), json_ct, 422),
        (json!({"templateId": t, "subject": {"givenName": "X"}}).to_string().into_bytes(), json_ct, 422),
        (json!({"templateId": t, "subject": {"id": "did:example:me", "givenName": "R", "familyName": "D",
            "degree": {"type": "Diploma", "name": "M", "eqfLevel": 7, "awardedOn": "2026-07-03"}}}).to_string().into_bytes(), json_ct, 422),
        (json!({"templateId": t, "subject": graduate(), "email": "not an email"}).to_string().into_bytes(), json_ct, 422),
        (json!({"templateId": t, "subject": graduate(), "email": "a@b.c\u{0}"}).to_string().into_bytes(), json_ct, 422),
        (json!({"templateId": t, "subject": graduate(), "expiresInSecs": 10}).to_string().into_bytes(), json_ct, 422),
        (json!({"templateId": t, "subject": graduate(), "expiresInSecs": 99_999_999_999u64}).to_string().into_bytes(), json_ct, 422),
        (json!({"templateId": t, "subject": graduate(), "expiresInSecs": -5}).to_string().into_bytes(), json_ct, 422),
        (json!({"templateId": t, "subject": graduate(), "txCode": "yes"}).to_string().into_bytes(), json_ct, 422),
        (json!({"templateId": t, "subject": graduate(), "options": {"format": "pdf"}}).to_string().into_bytes(), json_ct, 422),
        (json!({"templateId": t, "subject": graduate(), "options": {"credentialId": "urn:x"}}).to_string().into_bytes(), json_ct, 422),
        (json!({"templateId": t, "subject": graduate(), "options": {"format": "vc+jwt", "cryptosuite": "eddsa-rdfc-2022"}}).to_string().into_bytes(), json_ct, 422),
        (json!({"templateId": "no-such-template", "subject": graduate()}).to_string().into_bytes(), json_ct, 404),
        (json!({"templateId": "x".repeat(1000), "subject": graduate()}).to_string().into_bytes(), json_ct, 404),
        (json!({"templateId": t, "subject": graduate(), "padding": "x".repeat(5000)}).to_string().into_bytes(), json_ct, 413),
    ];
    for (body, ct, status) in cases {
        let shown = String::from_utf8_lossy(&body[..body.len().min(120)]).into_owned();
        let res = raw(body, ct).await.unwrap();
        let problem = assert_problem(res, status).await;
        assert!(problem["detail"].is_string(), "{shown}: {problem}");
    }
    let problem = assert_problem(
        raw(
            json!({"templateId": t, "subject": {"givenName": 5}})
                .to_string()
                .into_bytes(),
            json_ct,
        )
        .await
        .unwrap(),
        422,
    )
    .await;
    assert!(!problem["errors"].as_array().unwrap().is_empty());
    // Deep nesting within the size limit is refused without harm.
    let deep = format!(
        "{{\"templateId\":\"{t}\",\"subject\":{{\"a\":{}{}}}}}",
        "[".repeat(1000),
        "]".repeat(1000)
    );
    let res = raw(deep.into_bytes(), json_ct).await.unwrap();
    let status = res.status().as_u16();
    assert!(matches!(status, 400 | 422), "{status}");
    assert_problem(res, status).await;
    // Without the right key nothing is even parsed.
    let res = app
        .client
        .post(app.url(&path))
        .header("content-type", json_ct)
        .body("{")
        .send()
        .await
        .unwrap();
    assert_problem(res, 401).await;
    let res = app
        .client
        .post(app.url(&path))
        .bearer_auth(ADMIN_TOKEN)
        .header("content-type", json_ct)
        .body("{")
        .send()
        .await
        .unwrap();
    assert_problem(res, 403).await;
    // Nothing was written.
    let list: Value = app.get(&path, Some(&s.key)).await.json().await.unwrap();
    assert_eq!(list["items"], json!([]));
    assert!(app.store().mail_to("a@b.c").await.unwrap().is_empty());

    // Hostile tokens: unknown (404), never a 500.
    let citizen = app.sign_up("eve@example.org").await;
    let long = "A".repeat(5000);
    for bad in [
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "not-a-token",
        "..%2F..%2Fadmin",
        "%E2%80%AE",
        "' OR 1=1 --",
        long.as_str(),
    ] {
        for res in [
            app.get(&format!("/wallet/offers/{bad}"), Some(&citizen))
                .await,
            post(app, &format!("/wallet/offers/{bad}/accept"), &citizen).await,
            post(app, &format!("/wallet/offers/{bad}/decline"), &citizen).await,
            app.get(&format!("/offers/{bad}"), None).await,
            app.get(&format!("/offers/{bad}/qr.svg"), None).await,
            app.get(&format!("/offers/{bad}/qr.png"), None).await,
        ] {
            assert_problem(res, 404).await;
        }
    }
    assert_problem(
        app.get("/wallet/offers/abc%00def", Some(&citizen)).await,
        400,
    )
    .await;
    let offer = s.offer(json!({})).await;
    let token = token_of(&offer);
    for size in ["1", "100000", "x"] {
        assert_problem(
            app.get(&format!("/offers/{token}/qr.png?size={size}"), None)
                .await,
            400,
        )
        .await;
    }
    assert_eq!(
        app.get(&format!("/offers/{token}/qr.png?size=300"), None)
            .await
            .status(),
        200
    );
    // A tx_code, when asked for, is six digits shown once.
    let with_code = s.offer(json!({"txCode": true})).await;
    let code = with_code["txCode"].as_str().unwrap();
    assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(with_code["txCodeRequired"], true);
    let view: Value = app
        .get(
            &format!("/orgs/{ORG}/offers/{}", with_code["id"].as_str().unwrap()),
            Some(&s.key),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(view.get("txCode").is_none());
    assert!(!view.to_string().contains(code));
}
