//! Interoperability, inbound: credentials and presentations signed by an
//! independent implementation (tests/interop/sign.mjs: Digital Bazaar's
//! libraries for Data Integrity and Ed25519Signature2020, panva's jose for
//! vc+jwt) verify here, from did:key issuers and from did:web issuers
//! served on localhost; tampering with them is caught. (The other
//! direction, Atout's credentials checked by the npm libraries, is in
//! issue.rs.)
//!
//! The npm libraries stamp proofs with the real time: each app's clock is
//! set to it, and the credentials' dates are relative to it.

use crate::common::*;
use crate::verify::{assert_rejected, check, verify, verify_vp, DocServer};
use atout_core::clock::Clock as _;
use base64::Engine as _;
use serde_json::{json, Value};

const ALLOW_LOCAL_DID_WEB: &[(&str, &str)] = &[
    ("ATOUT_DID_WEB_ALLOW_PRIVATE", "true"),
    ("ATOUT_DID_WEB_ALLOW_HTTP", "true"),
];

const CHALLENGE: &str = "c-7f3a91d2";
const DOMAIN: &str = "https://employer.example";

/// Builds a BitstringStatusListCredential (unsigned) with the npm library:
/// stdin `{id, statusPurpose, length, set: [index]}`.
const MAKE_STATUS_LIST: &str = r#"
import {createCredential, createList} from '@digitalbazaar/vc-bitstring-status-list';
import {readStdinJson} from './lib.mjs';
const input = await readStdinJson();
const list = await createList({length: input.length});
for (const i of input.set) list.setStatus(i, true);
const credential = await createCredential({id: input.id, list, statusPurpose: input.statusPurpose});
process.stdout.write(JSON.stringify(credential));
"#;

/// A fresh app whose verifier may resolve did:web on 127.0.0.1 over http,
/// its clock at the real time, and Atout's context as sign.mjs needs it.
struct Env {
    app: TestApp,
    contexts: Value,
}

impl Env {
    async fn new() -> Self {
        let app = TestApp::spawn_with(ALLOW_LOCAL_DID_WEB).await;
        app.clock.set(wall_clock());
        let url = app.url("/contexts/atout/v1");
        let res = app.client.get(&url).send().await.unwrap();
        assert_eq!(res.status(), 200, "{url}");
        let context: Value = res.json().await.unwrap();
        Self {
            app,
            contexts: json!({ url: context }),
        }
    }

    /// Runs sign.mjs with `input` (plus Atout's context).
    async fn sign(&self, mut input: Value) -> Signed {
        input["contexts"] = self.contexts.clone();
        let out = node(&["sign.mjs"], input).await;
        Signed {
            credential: out["credential"].clone(),
            presentation: out["presentation"].clone(),
            did_documents: out["didDocuments"].clone(),
            issuer: out["issuer"].as_str().unwrap().to_owned(),
            holder: out["holder"].as_str().map(str::to_owned),
        }
    }

    /// A VC 2.0 diploma (VC 1.1 when `v1`) using Atout's context, as in
    /// tests/interop/diploma.mjs.
    fn diploma(&self, v1: bool) -> Value {
        let atout = self.app.url("/contexts/atout/v1");
        let mut vc = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", atout],
            "id": "urn:uuid:5b0d6a52-8c1e-4f57-9d43-2b1f7e0c6a10",
            "type": ["VerifiableCredential", "DiplomaCredential"],
            "name": "Master Informatique",
            "validFrom": yesterday(),
            "issuer": "did:example:overwritten",
            "credentialSubject": {
                "id": "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
                "givenName": "Renée",
                "familyName": "Dupont-Lefèvre",
                "birthDate": "2001-04-12",
                "studentNumber": "21904567",
                "degree": {
                    "type": "Diploma",
                    "name": "Master Informatique, parcours Intelligence Artificielle",
                    "eqfLevel": 7,
                    "rncp": "RNCP39512",
                    "fieldOfStudy": "Informatique",
                    "grade": "Bien",
                    "credits": 120,
                    "awardedOn": "2026-07-03",
                    "awardingBody": "Université Exemple"
                }
            }
        });
        if v1 {
            // VC 1.1's context has no "name": schema.org's, inline.
            vc["@context"] = json!([
                "https://www.w3.org/2018/credentials/v1",
                atout,
                {"name": "https://schema.org/name"}
            ]);
            let map = vc.as_object_mut().unwrap();
            map.remove("validFrom");
            map.insert("issuanceDate".into(), json!(yesterday()));
        }
        vc
    }
}

/// What sign.mjs returned.
struct Signed {
    credential: Value,
    presentation: Value,
    did_documents: Value,
    issuer: String,
    holder: Option<String>,
}

impl Signed {
    /// Serves, on each server, the DID document sign.mjs made for its DID.
    fn publish(&self, servers: &[&DocServer]) {
        for server in servers {
            if let Some(doc) = self.did_documents.get(server.did()) {
                server.put("/.well-known/did.json", 200, doc.to_string());
            }
        }
    }
}

/// Runs `node <args>` in tests/interop with `input` on stdin; its stdout is
/// JSON (also used by interop_constructs.rs).
pub async fn node(args: &[&str], input: Value) -> Value {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/interop");
        assert!(
            dir.join("node_modules").is_dir(),
            "the interoperability tools are not installed: run `npm ci` in tests/interop \
             (./scripts/test does it)"
        );
        let mut child = std::process::Command::new("node")
            .args(&args)
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
            "node {} failed: {}\ninput: {input}",
            args[0],
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
    })
    .await
    .unwrap()
}

/// The real time, which the npm libraries put in their proofs.
pub fn wall_clock() -> chrono::DateTime<chrono::Utc> {
    atout_core::clock::SystemClock.now()
}

fn yesterday() -> String {
    (wall_clock() - chrono::Duration::days(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The issuer sign.mjs should use: a fresh did:key, or the DID of `server`.
fn issuer_did(server: Option<&DocServer>) -> String {
    server.map_or_else(|| "did:key".to_owned(), DocServer::did)
}

/// Asserts a 200 report with every check of the signature ok.
#[track_caller]
fn assert_verified(result: &(u16, Value), format: &str, issuer: &str) {
    let (status, report) = result;
    assert_eq!(*status, 200, "{format} from {issuer}: {report:#}");
    assert_eq!(report["verified"], true, "{report:#}");
    assert_eq!(report["format"], format, "{report:#}");
    for (name, code) in [
        ("proof", "signature-valid"),
        ("issuer-key", "key-resolved"),
        ("revocation", "no-status-entry"),
        ("suspension", "no-status-entry"),
    ] {
        let c = check(report, name);
        assert_eq!(c["status"], "ok", "{format} {name}: {report:#}");
        assert_eq!(c["code"], code, "{format} {name}: {report:#}");
    }
    assert_eq!(
        check(report, "validity-period")["status"],
        "ok",
        "{report:#}"
    );
    assert_eq!(report["issuer"]["id"], issuer, "{report:#}");
    assert!(
        report["errors"].as_array().unwrap().is_empty(),
        "{report:#}"
    );
}

/// `credential` with one subject value changed: in the JSON, or in the
/// JWT's payload (header and signature kept).
fn tamper(credential: &Value, change: impl Fn(&mut Value)) -> Value {
    match credential {
        Value::String(jwt) => {
            let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
            let parts: Vec<&str> = jwt.split('.').collect();
            assert_eq!(parts.len(), 3, "{jwt}");
            let mut payload: Value =
                serde_json::from_slice(&b64.decode(parts[1]).unwrap()).unwrap();
            change(&mut payload);
            json!(format!(
                "{}.{}.{}",
                parts[0],
                b64.encode(payload.to_string()),
                parts[2]
            ))
        }
        other => {
            let mut v = other.clone();
            change(&mut v);
            v
        }
    }
}

fn enveloped(jwt: &Value) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/credentials/v2",
        "id": format!("data:application/vc+jwt,{}", jwt.as_str().unwrap()),
        "type": "EnvelopedVerifiableCredential"
    })
}

// ----- credentials -------------------------------------------------------

/// Signs a VC 2.0 diploma in `format` from a did:key issuer and from a
/// did:web issuer on localhost: it verifies, with the report's `format`;
/// with one subject field changed, the signature no longer matches.
async fn diploma_in_format_verifies_and_tampering_is_caught(format: &str, reported: &str) {
    let env = Env::new().await;
    let app = &env.app;
    let server = DocServer::start().await;
    for web in [false, true] {
        let server = web.then_some(&server);
        let signed = env
            .sign(json!({"format": format, "issuerDid": issuer_did(server), "credential": env.diploma(false)}))
            .await;
        signed.publish(&server.into_iter().collect::<Vec<_>>());
        assert_eq!(signed.issuer.starts_with("did:web:"), web);

        let result = verify(app, &signed.credential, json!({})).await;
        assert_verified(&result, reported, &signed.issuer);
        assert_eq!(
            result.1["credential"]["subjectName"],
            "Renée Dupont-Lefèvre"
        );
        if signed.credential.is_string() {
            // The same JWT inside an EnvelopedVerifiableCredential.
            let result = verify(app, &enveloped(&signed.credential), json!({})).await;
            assert_verified(&result, reported, &signed.issuer);
        }

        let tampered = tamper(&signed.credential, |v| {
            v["credentialSubject"]["degree"]["grade"] = json!("Très bien")
        });
        let result = verify(app, &tampered, json!({})).await;
        assert_rejected(&result, "proof", "failed", "signature-mismatch");
        assert_eq!(
            check(&result.1, "issuer-key")["status"],
            "ok",
            "{:#}",
            result.1
        );
    }
}

#[tokio::test]
async fn eddsa_rdfc_2022_credentials_from_the_npm_libraries_verify() {
    diploma_in_format_verifies_and_tampering_is_caught(
        "eddsa-rdfc-2022",
        "data-integrity/eddsa-rdfc-2022",
    )
    .await;
}

#[tokio::test]
async fn ecdsa_rdfc_2019_credentials_from_the_npm_libraries_verify() {
    diploma_in_format_verifies_and_tampering_is_caught(
        "ecdsa-rdfc-2019",
        "data-integrity/ecdsa-rdfc-2019",
    )
    .await;
}

#[tokio::test]
async fn eddsa_jwt_credentials_from_jose_verify() {
    diploma_in_format_verifies_and_tampering_is_caught("vc+jwt-EdDSA", "vc+jwt/EdDSA").await;
}

#[tokio::test]
async fn es256_jwt_credentials_from_jose_verify() {
    diploma_in_format_verifies_and_tampering_is_caught("vc+jwt-ES256", "vc+jwt/ES256").await;
}

#[tokio::test]
async fn vc_1_1_credentials_with_ed25519_signature_2020_verify() {
    let env = Env::new().await;
    let app = &env.app;
    let server = DocServer::start().await;
    for web in [false, true] {
        let server = web.then_some(&server);
        let signed = env
            .sign(json!({"format": "Ed25519Signature2020", "issuerDid": issuer_did(server), "credential": env.diploma(true)}))
            .await;
        signed.publish(&server.into_iter().collect::<Vec<_>>());
        assert_eq!(signed.credential["proof"]["type"], "Ed25519Signature2020");
        let result = verify(app, &signed.credential, json!({})).await;
        assert_verified(
            &result,
            "data-integrity/Ed25519Signature2020",
            &signed.issuer,
        );

        let tampered = tamper(&signed.credential, |v| {
            v["credentialSubject"]["familyName"] = json!("Martin")
        });
        assert_rejected(
            &verify(app, &tampered, json!({})).await,
            "proof",
            "failed",
            "signature-mismatch",
        );
    }
}

#[tokio::test]
async fn open_badges_3_achievement_credentials_from_the_npm_libraries_verify() {
    let env = Env::new().await;
    let app = &env.app;
    let server = DocServer::start().await;
    let badge = json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": "urn:uuid:2f6c7d1e-0b8a-4c4e-9a57-3e1d2c5b7f90",
        "type": ["VerifiableCredential", "AchievementCredential"],
        "name": "Premiers secours citoyens",
        "issuer": {"id": "did:example:overwritten", "type": ["Profile"], "name": "Organisme de formation"},
        "validFrom": yesterday(),
        "credentialSubject": {
            "id": "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:6a1e3a1c-3c2f-4d4e-9e2b-7b2f0c3b9a11",
                "type": ["Achievement"],
                "name": "Premiers secours citoyens (PSC1)",
                "description": "Prévention et secours civiques de niveau 1.",
                "criteria": {"narrative": "Formation de 7 heures et mise en situation réussie."}
            }
        }
    });
    for web in [false, true] {
        let server = web.then_some(&server);
        let signed = env
            .sign(json!({"format": "eddsa-rdfc-2022", "issuerDid": issuer_did(server), "credential": badge}))
            .await;
        signed.publish(&server.into_iter().collect::<Vec<_>>());
        assert_eq!(
            signed.credential["issuer"]["id"], signed.issuer,
            "the issuer is a Profile"
        );
        let result = verify(app, &signed.credential, json!({})).await;
        assert_verified(&result, "data-integrity/eddsa-rdfc-2022", &signed.issuer);
        assert_eq!(
            result.1["credential"]["achievement"],
            "Premiers secours citoyens (PSC1)"
        );

        let tampered = tamper(&signed.credential, |v| {
            v["credentialSubject"]["achievement"]["name"] = json!("Secourisme en équipe (PSE2)")
        });
        assert_rejected(
            &verify(app, &tampered, json!({})).await,
            "proof",
            "failed",
            "signature-mismatch",
        );
    }
}

// ----- presentations -----------------------------------------------------

/// Signs a credential and a presentation of it (challenge and domain) with
/// sign.mjs, both from did:key or both from did:web on localhost, and
/// checks the presentation's report; a wrong challenge or domain fails.
async fn presentation_verifies(
    env: &Env,
    format: &str,
    vp_format: &str,
    web: bool,
    credential: Value,
    credential_format: &str,
) {
    let app = &env.app;
    let issuer_server = DocServer::start().await;
    let holder_server = DocServer::start().await;
    let (issuer, holder) = if web {
        (issuer_server.did(), holder_server.did())
    } else {
        ("did:key".to_owned(), "did:key".to_owned())
    };
    let signed = env
        .sign(json!({
            "format": format, "issuerDid": issuer, "credential": credential,
            "presentation": {"holderDid": holder, "challenge": CHALLENGE, "domain": DOMAIN, "format": vp_format}
        }))
        .await;
    signed.publish(&[&issuer_server, &holder_server]);
    let holder = signed.holder.clone().unwrap();
    let vp = &signed.presentation;
    let what = format!("{format} in a {vp_format} presentation, web: {web}");

    let options = json!({"challenge": CHALLENGE, "domain": DOMAIN});
    let (status, report) = verify_vp(app, vp, options).await;
    assert_eq!(status, 200, "{what}: {report:#}");
    assert_eq!(report["verified"], true, "{what}");
    assert_eq!(report["holder"], holder, "{what}");
    for (name, code) in [
        ("holder-proof", "signature-valid"),
        ("challenge", "matches"),
        ("domain", "matches"),
        ("credentials", "credentials-verified"),
    ] {
        let c = check(&report, name);
        assert_eq!(c["status"], "ok", "{what} {name}: {report:#}");
        assert_eq!(c["code"], code, "{what} {name}: {report:#}");
    }
    let credentials = report["credentials"].as_array().unwrap();
    assert_eq!(credentials.len(), 1, "{what}: {report:#}");
    assert_verified(
        &(200, credentials[0].clone()),
        credential_format,
        &signed.issuer,
    );

    let wrong = json!({"challenge": "c-someone-else", "domain": DOMAIN});
    assert_rejected(
        &verify_vp(app, vp, wrong).await,
        "challenge",
        "failed",
        "challenge-mismatch",
    );
    let wrong = json!({"challenge": CHALLENGE, "domain": "https://evil.example"});
    assert_rejected(
        &verify_vp(app, vp, wrong).await,
        "domain",
        "failed",
        "domain-mismatch",
    );
    // Someone else named as the holder of the holder's presentation.
    let mut stolen = vp.clone();
    stolen["holder"] = json!(signed.issuer);
    let result = verify_vp(
        app,
        &stolen,
        json!({"challenge": CHALLENGE, "domain": DOMAIN}),
    )
    .await;
    assert_rejected(
        &result,
        "holder-proof",
        "failed",
        "key-not-controlled-by-signer",
    );
}

#[tokio::test]
async fn presentations_signed_by_the_npm_libraries_verify() {
    let env = Env::new().await;
    for (format, web) in [("eddsa-rdfc-2022", false), ("ecdsa-rdfc-2019", true)] {
        let reported = format!("data-integrity/{format}");
        presentation_verifies(&env, format, format, web, env.diploma(false), &reported).await;
    }
}

#[tokio::test]
async fn presentations_enveloping_a_jwt_credential_verify() {
    let env = Env::new().await;
    for (format, vp_format, web, reported) in [
        ("vc+jwt-EdDSA", "eddsa-rdfc-2022", false, "vc+jwt/EdDSA"),
        ("vc+jwt-ES256", "ecdsa-rdfc-2019", true, "vc+jwt/ES256"),
    ] {
        presentation_verifies(&env, format, vp_format, web, env.diploma(false), reported).await;
    }
}

#[tokio::test]
async fn vc_1_1_presentations_with_ed25519_signature_2020_verify() {
    let env = Env::new().await;
    for web in [false, true] {
        presentation_verifies(
            &env,
            "Ed25519Signature2020",
            "Ed25519Signature2020",
            web,
            env.diploma(true),
            "data-integrity/Ed25519Signature2020",
        )
        .await;
    }
}

// ----- status --------------------------------------------------------------

#[tokio::test]
async fn a_status_list_signed_by_the_npm_libraries_revokes_their_credentials() {
    let env = Env::new().await;
    let app = &env.app;
    let server = DocServer::start().await;
    let did = server.did();
    // One seed: the lists and the credentials are signed with one key.
    let seed = "a1".repeat(32);
    let list_url = server.url("/status/revocation-0");
    let index = 4242u64;
    let list = |set: Vec<u64>| {
        node(
            &["--input-type=module", "-e", MAKE_STATUS_LIST],
            json!({"id": list_url, "statusPurpose": "revocation", "length": 131_072, "set": set}),
        )
    };
    let (clear, revoked) = tokio::join!(list(vec![]), list(vec![index]));
    // Atout reads the npm library's encoding: only `index` is set.
    for (list, set) in [(&clear, false), (&revoked, true)] {
        let encoded = list["credentialSubject"]["encodedList"].as_str().unwrap();
        let bits = atout_vc::status::decode(encoded, 1 << 20).unwrap();
        assert_eq!(bits.len(), 131_072 / 8);
        assert_eq!(atout_vc::status::bit(&bits, index).unwrap(), set);
        let others = bits.iter().map(|b| b.count_ones()).sum::<u32>() - u32::from(set);
        assert_eq!(others, 0);
    }

    let mut diploma = env.diploma(false);
    diploma["credentialStatus"] = json!({
        "id": format!("{list_url}#{index}"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": index.to_string(),
        "statusListCredential": list_url
    });
    let sign = |format: &str, credential: &Value| {
        env.sign(
            json!({"format": format, "issuerDid": did, "seed": seed, "credential": credential}),
        )
    };
    let (clear, revoked, di, jwt) = tokio::join!(
        sign("eddsa-rdfc-2022", &clear),
        sign("eddsa-rdfc-2022", &revoked),
        sign("eddsa-rdfc-2022", &diploma),
        sign("vc+jwt-EdDSA", &diploma),
    );
    for s in [&revoked, &di, &jwt] {
        assert_eq!(
            s.did_documents, clear.did_documents,
            "one key for every document"
        );
    }
    clear.publish(&[&server]);
    assert_eq!(clear.credential["type"][1], "BitstringStatusListCredential");

    let credentials = [
        (&di.credential, "data-integrity/eddsa-rdfc-2022"),
        (&jwt.credential, "vc+jwt/EdDSA"),
    ];
    server.put("/status/revocation-0", 200, clear.credential.to_string());
    for (credential, format) in credentials {
        let (status, report) = verify(app, credential, json!({})).await;
        assert_eq!(status, 200, "{format}: {report:#}");
        assert_eq!(report["verified"], true);
        let c = check(&report, "revocation");
        assert_eq!(c["status"], "ok", "{format}: {report:#}");
        assert_eq!(c["code"], "status-clear", "{format}: {report:#}");
    }

    // The issuer revokes: the new list is fetched once the cached one has
    // expired.
    server.put("/status/revocation-0", 200, revoked.credential.to_string());
    app.clock.advance(chrono::Duration::minutes(10));
    for (credential, format) in credentials {
        let result = verify(app, credential, json!({})).await;
        assert_rejected(&result, "revocation", "failed", "revoked");
        assert_eq!(
            check(&result.1, "proof")["status"],
            "ok",
            "{format}: {:#}",
            result.1
        );
    }
}
