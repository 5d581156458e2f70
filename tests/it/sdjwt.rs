//! Selective disclosure (issue 6): an SD-JWT VC issued by the API, presented
//! by its holder with only some claims and a Key Binding JWT, verified by
//! `POST /credentials/verify`; what is not disclosed cannot be recovered
//! from the presentation; tampering, replays and wrong audiences are
//! refused; and `@sd-jwt/sd-jwt-vc` (npm) accepts what Atout issues and
//! what the holder presents.

use crate::common::*;
use crate::verify::{assert_rejected, check, verify, Issuer};
use atout_core::{
    clock::Clock as _,
    crypto::{KeyAlgorithm, PrivateKey},
    store::AuditFilter,
};
use atout_vc::sd_jwt;
use base64::Engine as _;
use serde_json::{json, Value};

const NONCE: &str = "n-4c1e7b";
const AUD: &str = "https://employer.example";

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
}

fn path(p: &[&str]) -> Vec<String> {
    p.iter().map(|s| s.to_string()).collect()
}

/// Every part of an SD-JWT (presentation), decoded to text.
fn decoded_parts(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in text.split('~').filter(|p| !p.is_empty()) {
        for piece in part.split('.') {
            let bytes = b64().decode(piece).unwrap();
            out.push(String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    out
}

/// The decoded disclosures `[salt, name, value]` of an SD-JWT.
fn disclosures(text: &str) -> Vec<(String, Value)> {
    let parts: Vec<&str> = text.split('~').collect();
    parts[1..parts.len() - 1]
        .iter()
        .map(|d| {
            let v: Value = serde_json::from_slice(&b64().decode(d).unwrap()).unwrap();
            (d.to_string(), v)
        })
        .collect()
}

/// A Key Binding JWT over `presented` (ending with `~`), signed by `key`.
fn key_binding(presented: &str, key: &PrivateKey, nonce: &str, aud: &str, iat: i64) -> String {
    let header = json!({"alg": "EdDSA", "typ": "kb+jwt"});
    let payload =
        json!({"iat": iat, "aud": aud, "nonce": nonce, "sd_hash": sd_jwt::sd_hash(presented)});
    let input = format!(
        "{}.{}",
        b64().encode(header.to_string()),
        b64().encode(payload.to_string())
    );
    let signature = key.sign(input.as_bytes()).unwrap();
    format!("{presented}{input}.{}", b64().encode(signature))
}

/// The diploma, for `holder`, issued as an SD-JWT VC; returns its text.
async fn issue_sd_jwt(issuer: &Issuer, holder: &str, options: Value) -> String {
    let mut credential = crate::issue::diploma(&issuer.app);
    credential["credentialSubject"]["id"] = json!(holder);
    let res = issuer
        .app
        .post_json(
            "/credentials/issue",
            Some(&issuer.key),
            &json!({"credential": credential, "options": options}),
        )
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(res.headers()["content-type"], "application/dc+sd-jwt");
    res.text().await.unwrap()
}

#[tokio::test]
async fn a_diploma_is_shared_without_its_grade() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    let holder = PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap();
    let holder_did = format!("did:key:{}", holder.public_key().to_multibase());
    let sd = issue_sd_jwt(
        &issuer,
        &holder_did,
        json!({"format": "dc+sd-jwt", "credentialId": "urn:uuid:0b1f5d8e-2f4c-4b8a-9d55-51c1c2a4e001"}),
    )
    .await;

    // Stored byte for byte.
    let audit = app
        .store()
        .list_audit(&AuditFilter {
            limit: 1,
            ..Default::default()
        })
        .await
        .unwrap();
    let record_id = audit[0].object.strip_prefix("credential:").unwrap();
    let record = app
        .store()
        .get_issued_credential(record_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.format, "dc+sd-jwt");
    assert_eq!(record.body, sd);

    // The issuer-signed JWT: typ, kid, registered claims in clear, every
    // subject claim concealed.
    let parsed = sd_jwt::parse(&sd).unwrap();
    assert_eq!(parsed.jwt.header["typ"], "dc+sd-jwt");
    assert!(parsed.jwt.header["kid"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{}#", issuer.did)));
    let payload = &parsed.jwt.payload;
    assert_eq!(payload["iss"], issuer.did.as_str());
    assert_eq!(payload["vct"], "urn:atout:vocab:DiplomaCredential");
    assert_eq!(payload["_sd_alg"], "sha-256");
    assert_eq!(payload["iat"], start_time().timestamp());
    assert_eq!(
        payload["cnf"]["jwk"],
        sd_jwt::jwk_of(holder.public_key()),
        "bound to the holder's did:key"
    );
    assert!(payload["status"]["bitstring_status_list"].is_array());
    for claim in ["sub", "givenName", "familyName", "degree"] {
        assert!(!payload.contains_key(claim), "{claim} is in clear");
    }
    // The issued SD-JWT alone verifies, every claim disclosed.
    let (status, report) = verify(app, &json!(sd), json!({})).await;
    assert_eq!(status, 200, "{report:#}");
    assert_eq!(report["format"], "dc+sd-jwt/EdDSA");
    assert_eq!(report["disclosed"]["degree"]["grade"], "Bien");
    assert_eq!(report["disclosed"]["sub"], holder_did.as_str());
    assert_eq!(
        check(&report, "holder-proof")["code"],
        "key-binding-not-requested"
    );

    // The holder shares the degree without the grade.
    let (grade_disclosure, grade) = disclosures(&sd)
        .into_iter()
        .find(|(_, d)| d[1] == "grade")
        .expect("the grade is a disclosure of its own");
    let grade_salt = grade[0].as_str().unwrap().to_owned();
    let shown = [
        path(&["givenName"]),
        path(&["familyName"]),
        path(&["degree", "name"]),
        path(&["degree", "eqfLevel"]),
    ];
    let now = app.clock.now();
    let vp = sd_jwt::present(&sd, &shown, &holder, AUD, NONCE, now).unwrap();
    let options = json!({"challenge": NONCE, "domain": AUD});
    let (status, report) = verify(app, &json!(vp), options.clone()).await;
    assert_eq!(status, 200, "{report:#}");
    assert_eq!(check(&report, "holder-proof")["code"], "key-binding-valid");
    assert_eq!(check(&report, "challenge")["status"], "ok");
    assert_eq!(check(&report, "domain")["status"], "ok");
    assert_eq!(check(&report, "revocation")["code"], "status-clear");
    let disclosed = &report["disclosed"];
    assert_eq!(disclosed["givenName"], "Renée");
    assert_eq!(
        disclosed["degree"],
        json!({"name": "Master Informatique, parcours Intelligence Artificielle", "eqfLevel": 7})
    );
    assert!(disclosed.get("sub").is_none());
    assert!(!report.to_string().contains("Bien"), "{report:#}");

    // The grade cannot be recovered: neither its value, its salt nor its
    // disclosure is anywhere in the presentation, raw or decoded.
    assert!(!vp.contains(&grade_disclosure));
    assert!(!vp.contains(&grade_salt));
    for part in decoded_parts(&vp) {
        assert!(!part.contains("\"Bien\""), "the grade in {part}");
        assert!(!part.contains(&grade_salt), "the grade's salt in {part}");
        assert!(
            !part.contains("rncp") && !part.contains("awardedOn"),
            "{part}"
        );
    }
    // Its digest is there (the issuer signed it), but without the 128-bit
    // salt a guess of the value cannot be checked against it.

    // A replayed Key Binding JWT (another verifier's nonce), a wrong aud.
    let result = verify(
        app,
        &json!(vp),
        json!({"challenge": "n-other", "domain": AUD}),
    )
    .await;
    assert_rejected(&result, "challenge", "failed", "challenge-mismatch");
    let result = verify(
        app,
        &json!(vp),
        json!({"challenge": NONCE, "domain": "https://elsewhere.example"}),
    )
    .await;
    assert_rejected(&result, "domain", "failed", "domain-mismatch");

    // A tampered disclosure (the degree's name changed), even with a fresh
    // Key Binding JWT over it: its digest is not one the issuer signed.
    let presented = &vp[..=vp.rfind('~').unwrap()];
    let (name_disclosure, name) = disclosures(presented)
        .into_iter()
        .find(|(_, d)| d[1] == "name")
        .unwrap();
    let forged_name = b64().encode(json!([name[0], "name", "Doctorat"]).to_string());
    let tampered = presented.replace(&name_disclosure, &forged_name);
    let forged = key_binding(&tampered, &holder, NONCE, AUD, now.timestamp());
    let result = verify(app, &json!(forged), options.clone()).await;
    assert_rejected(&result, "proof", "failed", "disclosure-not-signed");
    assert_eq!(check(&result.1, "holder-proof")["status"], "ok");
    // The same without re-signing: the holder's sd_hash breaks too.
    let tampered_kb = vp.replace(&name_disclosure, &forged_name);
    let result = verify(app, &json!(tampered_kb), options.clone()).await;
    assert_rejected(&result, "holder-proof", "failed", "sd-hash-mismatch");

    // A disclosure not in _sd: a better grade, even with the grade's salt.
    let invented = b64().encode(json!([grade_salt, "grade", "Très bien"]).to_string());
    let added = key_binding(
        &format!("{presented}{invented}~"),
        &holder,
        NONCE,
        AUD,
        now.timestamp(),
    );
    let result = verify(app, &json!(added), options.clone()).await;
    assert_rejected(&result, "proof", "failed", "disclosure-not-signed");
    // A disclosure given twice.
    let first = disclosures(presented)[0].0.clone();
    let twice = key_binding(
        &format!("{presented}{first}~"),
        &holder,
        NONCE,
        AUD,
        now.timestamp(),
    );
    let result = verify(app, &json!(twice), options.clone()).await;
    assert_rejected(&result, "proof", "failed", "disclosure-repeated");

    // Someone else's key cannot bind it; nor can it go without key binding
    // when a challenge is asked.
    let mallory = PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap();
    let stolen = key_binding(presented, &mallory, NONCE, AUD, now.timestamp());
    let result = verify(app, &json!(stolen), options.clone()).await;
    assert_rejected(
        &result,
        "holder-proof",
        "failed",
        "key-binding-signature-mismatch",
    );
    let result = verify(app, &json!(presented), options.clone()).await;
    assert_rejected(&result, "holder-proof", "failed", "key-binding-missing");
    // A Key Binding JWT from the future.
    let later = key_binding(presented, &holder, NONCE, AUD, now.timestamp() + 3600);
    let result = verify(app, &json!(later), options.clone()).await;
    assert_rejected(&result, "holder-proof", "failed", "key-binding-iat-invalid");
    // The issuer's signature covers the payload.
    let jwt = presented.split('~').next().unwrap();
    let mut claims = parsed.jwt.payload.clone();
    claims.insert("vct".into(), json!("urn:atout:vocab:Other"));
    let parts: Vec<&str> = jwt.split('.').collect();
    let altered = format!(
        "{}.{}.{}",
        parts[0],
        b64().encode(Value::Object(claims).to_string()),
        parts[2]
    );
    let altered = key_binding(
        &presented.replacen(jwt, &altered, 1),
        &holder,
        NONCE,
        AUD,
        now.timestamp(),
    );
    let result = verify(app, &json!(altered), options.clone()).await;
    assert_rejected(&result, "proof", "failed", "signature-mismatch");

    // Revoked: the Bitstring Status List entry under `status` is read.
    let res = app
        .post_json(
            "/credentials/status",
            Some(&issuer.key),
            &json!({"credentialId": "urn:uuid:0b1f5d8e-2f4c-4b8a-9d55-51c1c2a4e001",
                    "credentialStatus": [{"type": "BitstringStatusListEntry", "status": true, "statusPurpose": "revocation"}]}),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let result = verify(app, &json!(vp), options).await;
    assert_rejected(&result, "revocation", "failed", "revoked");

    // Sent as plain text it is no compact JWT: refused (as
    // application/dc+sd-jwt the wallet takes it: see below).
    let token = app.sign_up("renee@example.org").await;
    let res = app
        .client
        .post(app.url("/wallet/holdings/import"))
        .bearer_auth(&token)
        .header("content-type", "text/plain")
        .body(sd.clone())
        .send()
        .await
        .unwrap();
    assert_problem(res, 422).await;

    // challenge and domain stay refused for other credentials.
    let res = app
        .post_json(
            "/credentials/verify",
            None,
            &json!({"verifiableCredential": {"type": "VerifiableCredential"}, "options": {"challenge": "x"}}),
        )
        .await;
    assert_problem(res, 400).await;
}

#[tokio::test]
async fn es256_issuer_and_unsupported_options() {
    let issuer = Issuer::new(&[]).await;
    let holder = PrivateKey::generate(KeyAlgorithm::P256).unwrap();
    let holder_did = format!("did:key:{}", holder.public_key().to_multibase());
    let sd = issue_sd_jwt(
        &issuer,
        &holder_did,
        json!({"format": "dc+sd-jwt", "alg": "ES256"}),
    )
    .await;
    let parsed = sd_jwt::parse(&sd).unwrap();
    assert_eq!(parsed.jwt.header["alg"], "ES256");
    assert_eq!(parsed.jwt.payload["cnf"]["jwk"]["crv"], "P-256");
    let now = issuer.app.clock.now();
    let vp = sd_jwt::present(&sd, &[path(&["degree", "name"])], &holder, AUD, NONCE, now).unwrap();
    let (status, report) = verify(
        &issuer.app,
        &json!(vp),
        json!({"challenge": NONCE, "domain": AUD}),
    )
    .await;
    assert_eq!(status, 200, "{report:#}");
    assert_eq!(report["format"], "dc+sd-jwt/ES256");
    assert!(report["disclosed"].get("givenName").is_none());

    for (options, field) in [
        (
            json!({"format": "dc+sd-jwt", "alg": "RS256"}),
            "options.alg",
        ),
        (
            json!({"format": "dc+sd-jwt", "cryptosuite": "eddsa-rdfc-2022"}),
            "options.cryptosuite",
        ),
    ] {
        let res = issuer
            .app
            .post_json(
                "/credentials/issue",
                Some(&issuer.key),
                &json!({"credential": crate::issue::diploma(&issuer.app), "options": options}),
            )
            .await;
        let body = assert_problem(res, 422).await;
        assert_eq!(body["field"], field);
    }
}

/// A template issues SD-JWT VCs too; the verification page and the
/// registry read them as stored.
#[tokio::test]
async fn a_template_issues_an_sd_jwt_vc() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    let res = app
        .post_json(
            "/orgs/univ-a/templates",
            Some(&issuer.key),
            &crate::templates::example("diploma.json"),
        )
        .await;
    assert_eq!(res.status(), 201);
    let template: Value = res.json().await.unwrap();
    let res = app
        .post_json(
            &format!(
                "/orgs/univ-a/templates/{}/issue",
                template["id"].as_str().unwrap()
            ),
            Some(&issuer.key),
            &json!({"subject": crate::templates::graduate(), "reference": "ref-sd",
                    "options": {"format": "dc+sd-jwt"}}),
        )
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(res.headers()["content-type"], "application/dc+sd-jwt");
    let sd = res.text().await.unwrap();
    let parsed = sd_jwt::parse(&sd).unwrap();
    assert_eq!(
        parsed.jwt.payload["vct"],
        "urn:atout:vocab:DiplomaCredential"
    );
    let (status, report) = verify(app, &json!(sd), json!({})).await;
    assert_eq!(status, 200, "{report:#}");
    assert_eq!(report["disclosed"]["degree"]["rncp"], "RNCP39512");
    assert_eq!(report["credential"]["achievement"], "Master Informatique");
}

/// `@sd-jwt/sd-jwt-vc` verifies the issued SD-JWT VC and the holder's
/// presentation (key binding with nonce and aud), and sees only what was
/// disclosed; a tampered disclosure never shows.
#[tokio::test]
async fn the_sd_jwt_libraries_of_npm_accept_them() {
    let issuer = Issuer::new(&[]).await;
    // The npm library checks dates against the real time.
    issuer.app.clock.set(atout_core::clock::SystemClock.now());
    let holder = PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap();
    let holder_did = format!("did:key:{}", holder.public_key().to_multibase());
    for alg in ["EdDSA", "ES256"] {
        let sd = issue_sd_jwt(
            &issuer,
            &holder_did,
            json!({"format": "dc+sd-jwt", "alg": alg}),
        )
        .await;
        let kid = sd_jwt::parse(&sd).unwrap().jwt.header["kid"]
            .as_str()
            .unwrap()
            .to_owned();
        let doc: Value = issuer
            .app
            .get("/orgs/univ-a/did.json", None)
            .await
            .json()
            .await
            .unwrap();
        let method = doc["verificationMethod"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| {
                let id = m["id"].as_str().unwrap_or_default();
                id == kid || (id.starts_with('#') && kid.ends_with(id))
            })
            .unwrap_or_else(|| panic!("{kid} in {doc:#}"));
        let public = atout_core::crypto::PublicKey::from_multibase(
            method["publicKeyMultibase"].as_str().unwrap(),
        )
        .unwrap();
        let issuer_jwk = sd_jwt::jwk_of(&public);

        let out = run_sdjwt_mjs(&json!({"sdJwt": sd, "issuerJwk": issuer_jwk}));
        assert_eq!(out["verified"], true, "{alg}: {out}");
        assert_eq!(out["claims"]["degree"]["grade"], "Bien", "{out}");

        let now = issuer.app.clock.now();
        let vp = sd_jwt::present(
            &sd,
            &[path(&["givenName"]), path(&["degree", "name"])],
            &holder,
            AUD,
            NONCE,
            now,
        )
        .unwrap();
        let out = run_sdjwt_mjs(&json!({
            "sdJwt": vp, "issuerJwk": issuer_jwk, "nonce": NONCE, "aud": AUD,
        }));
        assert_eq!(out["verified"], true, "{alg}: {out}");
        assert_eq!(out["keyBound"], true, "{out}");
        assert_eq!(out["claims"]["givenName"], "Renée", "{out}");
        assert!(out["claims"]["degree"].get("grade").is_none(), "{out}");
        assert!(out["claims"].get("familyName").is_none(), "{out}");
        let out = run_sdjwt_mjs(&json!({
            "sdJwt": vp, "issuerJwk": issuer_jwk, "nonce": "n-other", "aud": AUD,
        }));
        assert_eq!(out["verified"], false, "{out}");

        let (d, decoded) = disclosures(&sd)
            .into_iter()
            .find(|(_, d)| d[1] == "givenName")
            .unwrap();
        let forged = b64().encode(json!([decoded[0], "givenName", "Mallory"]).to_string());
        let out = run_sdjwt_mjs(&json!({
            "sdJwt": sd.replace(&d, &forged), "issuerJwk": issuer_jwk,
        }));
        // The library drops a disclosure no digest refers to (RFC 9901 asks
        // to reject the SD-JWT, as Atout does): never is the forged value shown.
        assert!(
            out["verified"] == false || out["claims"].get("givenName").is_none(),
            "{out}"
        );
    }
}

/// Runs tests/interop/sdjwt.mjs.
fn run_sdjwt_mjs(input: &Value) -> Value {
    use std::io::Write;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/interop");
    assert!(
        dir.join("node_modules/@sd-jwt/sd-jwt-vc").is_dir(),
        "the npm SD-JWT libraries are not installed: run `npm ci` in tests/interop"
    );
    let mut child = std::process::Command::new("node")
        .arg("sdjwt.mjs")
        .current_dir(&dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("node is installed");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "sdjwt.mjs failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[tokio::test]
async fn a_citizen_shares_the_degree_without_the_grade() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    crate::archive::accredit(&issuer).await;
    let token = app.sign_up("renee@example.org").await;
    let me = crate::archive::get_json(app, "/wallet/me", &token).await;
    let holder = me["holderDid"].as_str().unwrap();
    let sd = issue_sd_jwt(&issuer, holder, json!({"format": "dc+sd-jwt"})).await;

    // Into the wallet, as issued.
    let res = app
        .client
        .post(app.url("/wallet/holdings/import"))
        .bearer_auth(&token)
        .header("content-type", "application/dc+sd-jwt")
        .body(sd.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let held: Value = res.json().await.unwrap();
    assert_eq!(held["format"], "dc+sd-jwt");
    assert_eq!(held["state"], "verified", "{held:#}");
    let holding = held["id"].as_str().unwrap();

    // A share disclosing the names and the degree's name, not the grade.
    let bad = app
        .post_json(
            "/wallet/shares",
            Some(&token),
            &json!({"label": "x", "credentials": [holding], "disclose": {holding: ["degree.mark"]}}),
        )
        .await;
    let problem = assert_problem(bad, 422).await;
    assert_eq!(problem["field"], "disclose");
    let res = app
        .post_json(
            "/wallet/shares",
            Some(&token),
            &json!({"label": "Sans la mention", "credentials": [holding],
                    "disclose": {holding: ["givenName", "familyName", "degree.name"]}}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let share: Value = res.json().await.unwrap();
    let url = share["url"].as_str().unwrap();
    let path = &url[url.find("/s/").unwrap()..];

    // A verifier's software: an SD-JWT presentation bound to its nonce.
    let res = app
        .post_json(
            &format!("{path}/presentation"),
            None,
            &json!({"challenge": NONCE, "domain": AUD}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let shared: Value = res.json().await.unwrap();
    assert!(shared["presentation"].is_null());
    let presented = shared["sdJwtPresentations"][0].as_str().unwrap();
    // The grade is nowhere: not in clear, not in any decoded part.
    assert!(!presented.contains("Bien"));
    for part in decoded_parts(presented) {
        assert!(!part.contains("Bien") && !part.contains("grade"), "{part}");
    }
    let (status, result) = verify(
        app,
        &json!(presented),
        json!({"challenge": NONCE, "domain": AUD}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(result["verified"], true, "{result:#}");
    assert_eq!(
        result["disclosed"]["degree"]["name"],
        "Master Informatique, parcours Intelligence Artificielle"
    );
    assert!(result["disclosed"]["degree"].get("grade").is_none());
    // Replayed to another verifier: refused.
    let (_, result) = verify(
        app,
        &json!(presented),
        json!({"challenge": "another", "domain": AUD}),
    )
    .await;
    assert_eq!(result["verified"], false);

    // A person: the page verifies it with its own challenge.
    let res = app
        .client
        .get(app.url(&format!("{path}?lang=en")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("Credential 1"), "{html}");
    assert!(html.contains("verdict-line verdict-valid"), "{html}");
    assert!(!html.contains("Bien"));

    // Exported and imported: the SD-JWT travels as issued.
    let res = app.get("/wallet/export", Some(&token)).await;
    let archive = res.bytes().await.unwrap().to_vec();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(archive.clone())).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut zip
            .by_name(&format!("credentials/{holding}.sd-jwt"))
            .unwrap(),
        &mut text,
    )
    .unwrap();
    assert_eq!(text, sd);
    let fresh = app.sign_up("fresh@example.org").await;
    let res = app
        .client
        .post(app.url("/wallet/import"))
        .bearer_auth(&fresh)
        .header("content-type", "application/zip")
        .body(archive)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    issuer.app.stop().await;
}
