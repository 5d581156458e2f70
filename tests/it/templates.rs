//! Templates: the two shipped examples (a diploma, an Open Badges 3.0
//! badge), schema checks, and issuing from them.

use crate::common::*;
use crate::issue::{independent_verify_with, status_documents};
use serde_json::{json, Value};

pub fn example(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../issuer/templates")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

pub fn graduate() -> Value {
    json!({
        "id": "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
        "givenName": "Renée",
        "familyName": "Dupont",
        "degree": {
            "type": "Diploma",
            "name": "Master Informatique",
            "eqfLevel": 7,
            "rncp": "RNCP39512",
            "grade": "Très bien",
            "awardedOn": "2026-07-03"
        }
    })
}

#[tokio::test]
async fn the_shipped_examples_issue_credentials_independent_verifiers_accept() {
    let app = TestApp::spawn().await;
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
    let (did_documents, contexts) = crate::issue::independent_inputs(&app, "univ-a", &did).await;

    let mut ids = Vec::new();
    for file in ["diploma.json", "openbadge-psc1.json"] {
        let res = app
            .post_json("/orgs/univ-a/templates", Some(&key), &example(file))
            .await;
        assert_eq!(res.status(), 201, "{file}");
        let created: Value = res.json().await.unwrap();
        assert!(created["achievement"].is_null() || created["achievement"]["id"].is_string());
        ids.push(created["id"].as_str().unwrap().to_owned());
    }
    let list: Value = app
        .get("/orgs/univ-a/templates", Some(&key))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 2);

    let subjects = [
        graduate(),
        json!({"id": "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"}),
    ];
    for (n, (template, subject)) in ids.iter().zip(subjects).enumerate() {
        for (m, options) in [
            json!({}),
            json!({"cryptosuite": "ecdsa-rdfc-2019"}),
            json!({"format": "vc+jwt"}),
        ]
        .into_iter()
        .enumerate()
        {
            let res = app
                .post_json(
                    &format!("/orgs/univ-a/templates/{template}/issue"),
                    Some(&key),
                    &json!({"subject": subject, "reference": format!("ref-{n}-{m}"), "email": "renee@example.org", "options": options}),
                )
                .await;
            assert_eq!(res.status(), 201, "{template} {options}");
            let issued: Value = res.json().await.unwrap();
            let documents = status_documents(&app, &issued).await;
            let verdict = independent_verify_with(&issued, &did_documents, &contexts, &documents);
            assert_eq!(verdict["verified"], true, "{template} {options}: {verdict}");
            if n == 1 && options.get("format").is_none() {
                assert_eq!(
                    issued["type"],
                    json!(["VerifiableCredential", "OpenBadgeCredential"])
                );
                assert_eq!(
                    issued["credentialSubject"]["type"],
                    json!(["AchievementSubject"])
                );
                assert_eq!(
                    issued["credentialSubject"]["achievement"]["alignment"][0]["targetCode"],
                    "RS5765"
                );
                assert_eq!(issued["issuer"]["id"], did.as_str());
            }
            if n == 0 && options.get("format").is_none() {
                assert_eq!(
                    issued["type"],
                    json!(["VerifiableCredential", "DiplomaCredential"])
                );
                assert_eq!(issued["credentialSubject"]["degree"]["rncp"], "RNCP39512");
            }
        }
    }
    // The same reference again is refused.
    let res = app
        .post_json(
            &format!("/orgs/univ-a/templates/{}/issue", ids[0]),
            Some(&key),
            &json!({"subject": graduate(), "reference": "ref-0-0"}),
        )
        .await;
    assert_problem(res, 409).await;

    // The registry finds them by subject, email, reference and template,
    // with their status.
    let page = |query: String| {
        let app = &app;
        let key = key.clone();
        async move {
            let res = app
                .get(&format!("/orgs/univ-a/credentials{query}"), Some(&key))
                .await;
            assert_eq!(res.status(), 200, "{query}");
            res.json::<Value>().await.unwrap()
        }
    };
    let all = page(String::new()).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 6);
    assert_eq!(
        page("?q=RENEE%40EXAMPLE".into()).await["items"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
    assert_eq!(
        page("?q=dupont".into()).await["items"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let one = page("?q=ref-1-2".into()).await;
    assert_eq!(one["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        page(format!("?template={}", ids[1])).await["items"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        page("?q=100%25".into()).await["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let first = page("?limit=4".into()).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 4);
    let rest = page(format!(
        "?limit=4&before={}",
        first["next_before"].as_str().unwrap()
    ))
    .await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 2);
    let target = &one["items"][0];
    assert_eq!(target["revoked"], false);
    let res = app
        .post_json(
            "/credentials/status",
            Some(&key),
            &json!({"credentialId": target["credential_id"], "credentialStatus": [{"type": "BitstringStatusListEntry", "status": true, "statusPurpose": "revocation"}]}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let full: Value = app
        .get(
            &format!(
                "/orgs/univ-a/credentials/{}",
                target["id"].as_str().unwrap()
            ),
            Some(&key),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(full["revoked"], true);
    assert_eq!(full["reference"], "ref-1-2");
    assert!(full["credential"].is_string(), "the vc+jwt as issued");
    for bad in ["?limit=0", "?limit=101", "?sort=x"] {
        assert_problem(
            app.get(&format!("/orgs/univ-a/credentials{bad}"), Some(&key))
                .await,
            400,
        )
        .await;
    }
    app.create_org("univ-b").await;
    let (_, other) = app.create_api_key("univ-b").await;
    assert_problem(app.get("/orgs/univ-a/credentials", Some(&other)).await, 403).await;
    assert_problem(
        app.get(
            &format!(
                "/orgs/univ-b/credentials/{}",
                target["id"].as_str().unwrap()
            ),
            Some(&other),
        )
        .await,
        404,
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn templates_refuse_bad_schemas_subjects_and_strangers() {
    let app = TestApp::spawn().await;
    app.create_org("univ-a").await;
    app.create_org("univ-b").await;
    let (_, key) = app.create_api_key("univ-a").await;
    let (_, other) = app.create_api_key("univ-b").await;
    let diploma = example("diploma.json");
    let with = |f: &dyn Fn(&mut Value)| {
        let mut t = diploma.clone();
        f(&mut t);
        t
    };
    let bad_templates = [
        (
            with(&|t| t["subject_schema"] = json!("nope")),
            "subject_schema",
        ),
        (
            with(&|t| t["subject_schema"] = json!({"type": "no-such-type"})),
            "subject_schema",
        ),
        (
            with(&|t| t["subject_schema"] = json!({"$ref": "https://evil.example/schema.json"})),
            "subject_schema",
        ),
        (with(&|t| t["type"] = json!("diploma credential")), "type"),
        (with(&|t| t["name_fr"] = json!("")), "name_fr"),
        (
            with(&|t| t["achievement"] = json!({"type": ["Achievement"], "name": "x"})),
            "achievement.criteria",
        ),
        (
            with(&|t| {
                t["achievement"] =
                    json!({"type": ["Badge"], "name": "x", "criteria": {"narrative": "y"}})
            }),
            "achievement.type",
        ),
        (
            with(
                &|t| t["achievement"] = json!({"type": ["Achievement"], "name": "x", "criteria": {"narrative": "y"}, "alignment": [{"type": ["Alignment"], "targetName": "n"}]}),
            ),
            "achievement.alignment[0]",
        ),
    ];
    for (template, field) in bad_templates {
        let res = app
            .post_json("/orgs/univ-a/templates", Some(&key), &template)
            .await;
        let problem = assert_problem(res, 422).await;
        assert_eq!(problem["field"], field, "{problem}");
    }
    let res = app
        .post_json(
            "/orgs/univ-a/templates",
            Some(&key),
            &with(&|t| t["extra"] = json!(1)),
        )
        .await;
    assert_problem(res, 422).await;
    assert_problem(
        app.post_json("/orgs/univ-a/templates", Some(&other), &diploma)
            .await,
        403,
    )
    .await;
    assert_problem(
        app.post_json("/orgs/univ-a/templates", None, &diploma)
            .await,
        401,
    )
    .await;

    let res = app
        .post_json("/orgs/univ-a/templates", Some(&key), &diploma)
        .await;
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let issue = |token: String, subject: Value| {
        let app = &app;
        let id = id.clone();
        async move {
            app.post_json(
                &format!("/orgs/univ-a/templates/{id}/issue"),
                Some(&token),
                &json!({"subject": subject}),
            )
            .await
        }
    };
    // The subject must match the schema; every problem is listed.
    let mut wrong = graduate();
    wrong["degree"]["eqfLevel"] = json!(12);
    wrong["degree"]["grade"] = json!("Génial");
    wrong["nickname"] = json!("Nénette");
    let problem = assert_problem(issue(key.clone(), wrong).await, 422).await;
    assert_eq!(problem["type"], "urn:atout:problem:invalid-subject");
    assert_eq!(problem["errors"].as_array().unwrap().len(), 3, "{problem}");
    assert_problem(issue(key.clone(), json!("text")).await, 422).await;
    let mut nul = graduate();
    nul["givenName"] = json!("Re\u{0}née");
    assert_problem(issue(key.clone(), nul).await, 422).await;
    let res = app
        .post_json(
            &format!("/orgs/univ-a/templates/{id}/issue"),
            Some(&key),
            &json!({"subject": graduate(), "email": "x\u{0}@example.org"}),
        )
        .await;
    assert_problem(res, 422).await;
    // Another organisation cannot use or see it.
    assert_problem(issue(other.clone(), graduate()).await, 403).await;
    assert_problem(
        app.get(&format!("/orgs/univ-b/templates/{id}"), Some(&other))
            .await,
        404,
    )
    .await;
    assert_problem(issue(ADMIN_TOKEN.to_owned(), graduate()).await, 403).await;
    assert_eq!(issue(key.clone(), graduate()).await.status(), 201);
    app.stop().await;
}
