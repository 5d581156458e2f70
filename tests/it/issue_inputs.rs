//! What `POST /credentials/issue` accepts beyond the plain VC 2.0 credential:
//! `options.type`, language value objects, inline contexts, VC 1.1
//! credentials, `relatedResource`; each refusal a precise 422 naming the
//! field, and nothing issued by any of them.

use crate::{
    common::*,
    issue::{diploma, independent_verify_with, status_documents},
};
use atout_core::store::AuditFilter;
use base64::Engine as _;
use serde_json::{json, Value};

async fn issue(app: &TestApp, key: &str, credential: Value, options: Value) -> reqwest::Response {
    app.post_json(
        "/credentials/issue",
        Some(key),
        &json!({"credential": credential, "options": options}),
    )
    .await
}

async fn issued_count(app: &TestApp) -> usize {
    app.store()
        .list_audit(&AuditFilter {
            limit: 500,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "credential.issued")
        .count()
}

/// Issues each case and checks its 422: problem type, `field`, and words
/// of the detail; nothing is issued.
async fn refused(app: &TestApp, key: &str, cases: Vec<(Value, Value, &str, &[&str])>) {
    let before = issued_count(app).await;
    for (credential, options, field, words) in cases {
        let res = issue(app, key, credential.clone(), options.clone()).await;
        let problem = assert_problem(res, 422).await;
        assert_eq!(
            problem["type"], "urn:atout:problem:invalid-credential",
            "{options} {problem}"
        );
        assert_eq!(problem["field"], field, "{credential} {options}: {problem}");
        let detail = problem["detail"].as_str().unwrap();
        for word in words {
            assert!(detail.contains(word), "{detail:?} should mention {word:?}");
        }
    }
    assert_eq!(issued_count(app).await, before, "nothing was issued");
}

async fn setup(app: &TestApp) -> (String, String) {
    let res = app
        .post_json(
            "/admin/orgs",
            Some(ADMIN_TOKEN),
            &json!({"slug": "univ-a", "p256": true}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let (_, key) = app.create_api_key("univ-a").await;
    let did = format!("did:web:127.0.0.1%3A{}:orgs:univ-a", app.addr.port());
    (key, did)
}

#[tokio::test]
async fn options_type_data_integrity_proof_is_accepted_and_other_types_refused() {
    let app = TestApp::spawn().await;
    let (key, _) = setup(&app).await;
    for suite in ["eddsa-rdfc-2022", "ecdsa-rdfc-2019"] {
        let res = issue(
            &app,
            &key,
            diploma(&app),
            json!({"type": "DataIntegrityProof", "cryptosuite": suite}),
        )
        .await;
        let status = res.status();
        let issued: Value = res.json().await.unwrap();
        assert_eq!(status, 201, "{suite}: {issued}");
        assert_eq!(issued["proof"]["type"], "DataIntegrityProof");
        assert_eq!(issued["proof"]["cryptosuite"], suite);
    }
    refused(
        &app,
        &key,
        vec![
            (
                diploma(&app),
                json!({"type": "Ed25519Signature2020"}),
                "options.type",
                &[
                    "Ed25519Signature2020",
                    "DataIntegrityProof",
                    "eddsa-rdfc-2022",
                ],
            ),
            (
                diploma(&app),
                json!({"type": "BbsBlsSignature2020", "cryptosuite": "eddsa-rdfc-2022"}),
                "options.type",
                &["BbsBlsSignature2020", "DataIntegrityProof"],
            ),
            (
                diploma(&app),
                json!({"type": "DataIntegrityProof", "cryptosuite": "bbs-2023"}),
                "options.cryptosuite",
                &["bbs-2023", "eddsa-rdfc-2022", "ecdsa-rdfc-2019"],
            ),
            (
                diploma(&app),
                json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022"}),
                "options.cryptosuite",
                &["eddsa-jcs-2022", "eddsa-rdfc-2022"],
            ),
            (
                diploma(&app),
                json!({"type": "DataIntegrityProof", "format": "vc+jwt"}),
                "options.type",
                &["vc+jwt", "leave options.type out"],
            ),
            (
                diploma(&app),
                json!({"type": "DataIntegrityProof", "format": "dc+sd-jwt"}),
                "options.type",
                &["dc+sd-jwt"],
            ),
        ],
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn language_value_objects_are_issued_and_malformed_ones_refused() {
    let app = TestApp::spawn().await;
    let (key, did) = setup(&app).await;
    let (did_documents, contexts) = crate::issue::independent_inputs(&app, "univ-a", &did).await;
    // Every shape VC 2.0 §11.1 allows, kept as sent and signed over.
    let mut credential = diploma(&app);
    credential["name"] = json!([
        {"@value": "Master Informatique", "@language": "fr"},
        {"@value": "Master's degree in Computer Science", "@language": "en-GB", "@direction": "ltr"}
    ]);
    credential["description"] = json!({"@value": "Diplôme national de master", "@language": "fr"});
    credential["issuer"] = json!({
        "id": did,
        "name": [{"@value": "Université A", "@language": "fr"}, {"@value": "University A", "@language": "en"}],
        "description": {"@value": "جامعة", "@language": "ar", "@direction": "rtl"}
    });
    let res = issue(&app, &key, credential.clone(), json!({})).await;
    let status = res.status();
    let issued: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{issued}");
    assert_eq!(issued["name"], credential["name"]);
    assert_eq!(issued["description"], credential["description"]);
    assert_eq!(issued["issuer"]["name"], credential["issuer"]["name"]);
    assert_eq!(
        issued["issuer"]["description"],
        credential["issuer"]["description"]
    );
    // Lower-case tags without @direction: an independent verifier agrees
    // with the signature. (With the current ssi signer, a mixed-case tag
    // such as en-GB or an @direction gives a signature Digital Bazaar's
    // jsonld.js does not verify: the two canonicalise them differently.
    // That is for the new JSON-LD/RDFC signer to settle; extend this check
    // to `credential` above once it is merged.)
    let mut plain = diploma(&app);
    plain["name"] = json!([
        {"@value": "Master Informatique", "@language": "fr"},
        {"@value": "Master's degree in Computer Science", "@language": "en"}
    ]);
    plain["issuer"] = json!({
        "id": did,
        "name": {"@value": "Université A", "@language": "fr"},
        "description": [{"@value": "Une université", "@language": "fr"}, "University A"]
    });
    let res = issue(&app, &key, plain, json!({})).await;
    assert_eq!(res.status(), 201);
    let issued: Value = res.json().await.unwrap();
    let verdict = independent_verify_with(
        &issued,
        &did_documents,
        &contexts,
        &status_documents(&app, &issued).await,
    );
    assert_eq!(verdict["verified"], true, "{verdict}");

    let with = |f: &dyn Fn(&mut Value)| {
        let mut c = diploma(&app);
        f(&mut c);
        c
    };
    refused(
        &app,
        &key,
        vec![
            (
                with(&|c| c["name"] = json!({"@value": "Master", "@language": "fr_FR"})),
                json!({}),
                "name.@language",
                &["fr_FR", "BCP 47"],
            ),
            (
                with(&|c| c["name"] = json!([{"@value": "Master", "@language": "fr"}, {"@value": "Master", "@direction": "up"}])),
                json!({}),
                "name[1].@direction",
                &["ltr", "rtl"],
            ),
            (
                with(&|c| c["description"] = json!({"@value": "x", "@language": "fr", "@type": "https://x/t"})),
                json!({}),
                "description.@type",
                &["@value", "@language", "@direction"],
            ),
            (
                with(&|c| c["description"] = json!({"fr": "Un master", "en": "A master"})),
                json!({}),
                "description",
                &["@container", "language value objects"],
            ),
            (
                with(&|c| c["issuer"] = json!({"id": did, "name": {"@value": "A", "@language": "-x-"}})),
                json!({}),
                "issuer.name.@language",
                &["-x-"],
            ),
            (
                with(&|c| c["name"] = json!({"@value": 7})),
                json!({}),
                "name.@value",
                &["string"],
            ),
        ],
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn inline_contexts_are_accepted_and_never_reach_the_network() {
    let app = TestApp::spawn().await;
    let (key, _) = setup(&app).await;
    // A term of the issuer's own, defined inline.
    let mut credential = diploma(&app);
    credential["@context"]
        .as_array_mut()
        .unwrap()
        .push(json!({"nickname": "https://vocab.example.org/nickname"}));
    credential["credentialSubject"]["nickname"] = json!("Nénette");
    let res = issue(&app, &key, credential.clone(), json!({})).await;
    let status = res.status();
    let issued: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{issued}");
    assert_eq!(issued["@context"], credential["@context"]);
    assert_eq!(issued["credentialSubject"]["nickname"], "Nénette");

    let with_context = |extra: Vec<Value>| {
        let mut c = diploma(&app);
        c["@context"].as_array_mut().unwrap().extend(extra);
        c
    };
    refused(
        &app,
        &key,
        vec![
            (
                with_context(vec![json!({"@import": "https://evil.example/context.json"})]),
                json!({}),
                "@context[2].@import",
                &["evil.example", "nothing is ever fetched"],
            ),
            (
                with_context(vec![json!({"Diploma2": {"@id": "https://x.example/D", "@context": "https://evil.example/scoped.json"}})]),
                json!({}),
                "@context[2].Diploma2.@context",
                &["nothing is ever fetched"],
            ),
            (
                with_context(vec![json!({"big": "x".repeat(17 * 1024)})]),
                json!({}),
                "@context[2]",
                &["16384"],
            ),
            (
                with_context(
                    (0..5)
                        .map(|i| json!({ format!("t{i}"): format!("https://x.example/{i}") }))
                        .collect(),
                ),
                json!({}),
                "@context[6]",
                &["at most 4"],
            ),
            (
                with_context(vec![json!(null)]),
                json!({}),
                "@context[2]",
                &["context URL or an inline context object"],
            ),
        ],
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn related_resources_are_checked() {
    let app = TestApp::spawn().await;
    let (key, _) = setup(&app).await;
    let sri = format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode([1u8; 48])
    );
    let mut multihash = vec![0x12, 32];
    multihash.extend([2u8; 32]);
    let multibase = format!("z{}", bs58::encode(&multihash).into_string());
    let mut credential = diploma(&app);
    credential["relatedResource"] = json!([
        {"id": app.url("/contexts/atout/v1"), "digestSRI": sri, "mediaType": "application/ld+json"},
        {"id": "https://example.org/logo.png", "digestMultibase": multibase}
    ]);
    let res = issue(&app, &key, credential.clone(), json!({})).await;
    let status = res.status();
    let issued: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{issued}");
    assert_eq!(issued["relatedResource"], credential["relatedResource"]);

    let with = |related: Value| {
        let mut c = diploma(&app);
        c["relatedResource"] = related;
        c
    };
    refused(
        &app,
        &key,
        vec![
            (
                with(json!({"id": "logo.png", "digestSRI": sri})),
                json!({}),
                "relatedResource[0].id",
                &["absolute URL"],
            ),
            (
                with(json!([
                    {"id": "https://example.org/a", "digestSRI": sri},
                    {"id": "https://example.org/a", "digestMultibase": multibase}
                ])),
                json!({}),
                "relatedResource[1].id",
                &["relatedResource[0].id"],
            ),
            (
                with(json!({"id": "https://example.org/a", "mediaType": "image/png"})),
                json!({}),
                "relatedResource[0]",
                &["digestSRI", "digestMultibase"],
            ),
            (
                with(json!({"id": "https://example.org/a", "digestSRI": "sha1-AAAA"})),
                json!({}),
                "relatedResource[0].digestSRI",
                &["sha256", "sha384", "sha512"],
            ),
            (
                with(json!({"id": "https://example.org/a", "digestSRI": format!("sha256-{}", &sri[7..])})),
                json!({}),
                "relatedResource[0].digestSRI",
                &["32 bytes"],
            ),
            (
                with(json!({"id": "https://example.org/a", "digestMultibase": "f1220aa"})),
                json!({}),
                "relatedResource[0].digestMultibase",
                &["base58btc", "base64url"],
            ),
            (
                with(json!({"id": "https://example.org/a", "digestMultibase": format!("z{}", bs58::encode([0x99, 0x01, 32]).into_string())})),
                json!({}),
                "relatedResource[0].digestMultibase",
                &["multihash"],
            ),
            (
                with(json!({"id": "https://example.org/a", "digestSRI": sri, "mediaType": 42})),
                json!({}),
                "relatedResource[0].mediaType",
                &["media type"],
            ),
        ],
    )
    .await;
    app.stop().await;
}

fn vc_1_1(app: &TestApp) -> Value {
    let mut credential = diploma(app);
    credential["@context"][0] = json!("https://www.w3.org/2018/credentials/v1");
    // `name` is a VC 2.0 term; the VC 1.1 context does not define it (and
    // safe mode refuses undefined terms).
    credential.as_object_mut().unwrap().remove("name");
    credential["credentialSubject"]["degree"]
        .as_object_mut()
        .unwrap()
        .remove("name");
    credential["expirationDate"] = json!("2031-01-01T00:00:00Z");
    credential
}

#[tokio::test]
async fn a_vc_1_1_credential_stays_1_1_and_only_data_integrity_secures_it() {
    let app = TestApp::spawn().await;
    let (key, did) = setup(&app).await;
    refused(
        &app,
        &key,
        vec![
            (
                vc_1_1(&app),
                json!({"format": "vc+jwt"}),
                "options.format",
                &["vc+jwt", "VC Data Model 2.0", "Data Integrity"],
            ),
            (
                vc_1_1(&app),
                json!({"format": "dc+sd-jwt"}),
                "options.format",
                &["dc+sd-jwt", "VC 1.1"],
            ),
            (
                {
                    let mut c = vc_1_1(&app);
                    c["validFrom"] = json!("2026-01-01T00:00:00Z");
                    c
                },
                json!({}),
                "validFrom",
                &["issuanceDate"],
            ),
            (
                {
                    let mut c = vc_1_1(&app);
                    c["expirationDate"] = json!("2020-01-01T00:00:00Z");
                    c
                },
                json!({}),
                "expirationDate",
                &["issuanceDate"],
            ),
            (
                {
                    let mut c = diploma(&app);
                    c["issuanceDate"] = json!("2026-01-01T00:00:00Z");
                    c
                },
                json!({}),
                "issuanceDate",
                &["VC 1.1"],
            ),
        ],
    )
    .await;

    // With a Data Integrity proof it is issued as VC 1.1 (the signer adds
    // the Data Integrity context VC 1.1 lacks), in both suites, and both
    // Atout's verifier and Digital Bazaar's accept it.
    let (did_documents, contexts) = crate::issue::independent_inputs(&app, "univ-a", &did).await;
    for suite in ["eddsa-rdfc-2022", "ecdsa-rdfc-2019"] {
        let res = issue(&app, &key, vc_1_1(&app), json!({"cryptosuite": suite})).await;
        let status = res.status();
        let issued: Value = res.json().await.unwrap();
        assert_eq!(status, 201, "{suite}: {issued}");
        let contexts_of = issued["@context"].as_array().unwrap();
        assert_eq!(contexts_of[0], "https://www.w3.org/2018/credentials/v1");
        assert_eq!(
            contexts_of.last().unwrap(),
            "https://w3id.org/security/data-integrity/v2",
            "{issued}"
        );
        assert_eq!(issued["issuanceDate"], "2026-01-15T10:00:00Z");
        assert_eq!(issued["expirationDate"], "2031-01-01T00:00:00Z");
        for v2_only in ["validFrom", "validUntil", "credentialStatus"] {
            assert!(issued.get(v2_only).is_none(), "{v2_only}: {issued}");
        }
        assert_eq!(issued["proof"]["type"], "DataIntegrityProof");
        assert_eq!(issued["proof"]["cryptosuite"], suite);
        let (status, report) = crate::verify::verify(&app, &issued, json!({})).await;
        assert_eq!(status, 200, "{suite}: {report}");
        let verdict =
            crate::issue::independent_verify_with(&issued, &did_documents, &contexts, &json!({}));
        assert_eq!(verdict["verified"], true, "{suite}: {verdict}");
    }
    app.stop().await;
}

/// A credential built to make canonicalisation exponential (a clique of
/// blank nodes) is refused by the signer's limits at once, as the verifier
/// refuses it: 422, nothing issued.
#[tokio::test]
async fn a_poison_credential_is_refused_by_the_signer_at_once() {
    let app = TestApp::spawn().await;
    let (key, _) = setup(&app).await;
    let n = 10;
    let nodes: Vec<Value> = (0..n)
        .map(|i| {
            let knows: Vec<Value> = (0..n)
                .filter(|j| *j != i)
                .map(|j| json!({"id": format!("_:b{j}")}))
                .collect();
            json!({"id": format!("_:b{i}"), "knows": knows})
        })
        .collect();
    let credential = json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            {"knows": "https://example.org/vocab#knows"}
        ],
        "type": ["VerifiableCredential"],
        "credentialSubject": {
            "id": "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
            "knows": nodes
        },
    });
    let started = std::time::Instant::now();
    let res = issue(&app, &key, credential, json!({})).await;
    let took = started.elapsed();
    let problem = assert_problem(res, 422).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("too complex"),
        "{problem}"
    );
    assert!(took < std::time::Duration::from_secs(2), "{took:?}");
    assert_eq!(issued_count(&app).await, 0);
}
