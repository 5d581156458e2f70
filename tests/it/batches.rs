//! Bulk issuance: the batch API, idempotency, the per-row report, and a
//! crash test that really kills the `atout issue` process.

use crate::common::*;
use crate::issue::{independent_verify_with, status_documents};
use serde_json::{json, Value};
use std::time::Duration;

fn diploma_template() -> Value {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../issuer/templates/diploma.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn csv(rows: std::ops::Range<usize>) -> String {
    let mut out = String::from(
        "reference,email,givenName,familyName,degree.type,degree.name,degree.eqfLevel,degree.awardedOn\n",
    );
    for i in rows {
        out.push_str(&format!(
            "M2-2026-{i:05},etu{i}@example.org,Prénom{i},\"Nom, {i}\",Diploma,Master Informatique,7,2026-07-03\n"
        ));
    }
    out
}

async fn setup(app: &TestApp) -> (String, String) {
    app.create_org("univ-a").await;
    let (_, key) = app.create_api_key("univ-a").await;
    let res = app
        .post_json("/orgs/univ-a/templates", Some(&key), &diploma_template())
        .await;
    assert_eq!(res.status(), 201);
    let template = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (key, template)
}

async fn upload(
    app: &TestApp,
    key: &str,
    template: &str,
    content_type: &str,
    body: String,
) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/orgs/univ-a/batches?template={template}")))
        .bearer_auth(key)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

/// Polls the batch until it is done (bounded).
async fn wait_done(app: &TestApp, key: &str, location: &str) -> Value {
    for _ in 0..1200 {
        let batch: Value = app.get(location, Some(key)).await.json().await.unwrap();
        if batch["state"] == "done" {
            return batch;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the batch did not finish within a minute");
}

#[tokio::test]
async fn batches_issue_every_row_once_and_report_each_row() {
    let app = TestApp::spawn().await;
    let (key, template) = setup(&app).await;
    let res = upload(&app, &key, &template, "text/csv", csv(0..40)).await;
    assert_eq!(res.status(), 202);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let accepted: Value = res.json().await.unwrap();
    assert_eq!(accepted["total"], 40);
    let done = wait_done(&app, &key, &location).await;
    assert_eq!(
        (
            done["issued"].as_i64(),
            done["skipped"].as_i64(),
            done["failed"].as_i64()
        ),
        (Some(40), Some(0), Some(0))
    );

    // JSON Lines, overlapping the CSV by 5 references: those are skipped.
    let jsonl: String = (35..50)
        .map(|i| {
            json!({"reference": format!("M2-2026-{i:05}"), "subject": {
                "givenName": "Jean", "familyName": format!("Martin {i}"),
                "degree": {"type": "Diploma", "name": "Master Chimie", "eqfLevel": 7, "awardedOn": "2026-07-04"}
            }})
            .to_string()
                + "\n"
        })
        .collect();
    let res = upload(&app, &key, &template, "application/jsonl", jsonl).await;
    assert_eq!(res.status(), 202);
    let location2 = res.headers()["location"].to_str().unwrap().to_owned();
    let done = wait_done(&app, &key, &location2).await;
    assert_eq!(
        (done["issued"].as_i64(), done["skipped"].as_i64()),
        (Some(10), Some(5))
    );

    // The per-row report.
    let rows: Value = app
        .get(&format!("{location2}/rows?state=skipped"), Some(&key))
        .await
        .json()
        .await
        .unwrap();
    let skipped: Vec<&str> = rows["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reference"].as_str().unwrap())
        .collect();
    assert_eq!(
        skipped,
        [
            "M2-2026-00035",
            "M2-2026-00036",
            "M2-2026-00037",
            "M2-2026-00038",
            "M2-2026-00039"
        ]
    );
    assert!(rows["items"][0]["credential_ref"].is_string());
    let rows: Value = app
        .get(&format!("{location}/rows?limit=1000"), Some(&key))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rows["items"].as_array().unwrap().len(), 40);
    assert!(rows["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["state"] == "issued"));

    // The same file again: nothing is issued twice.
    let res = upload(&app, &key, &template, "text/csv", csv(0..40)).await;
    let again = wait_done(&app, &key, res.headers()["location"].to_str().unwrap()).await;
    assert_eq!(
        (again["issued"].as_i64(), again["skipped"].as_i64()),
        (Some(0), Some(40))
    );

    // 50 distinct credentials in the registry, findable by reference and email,
    // and an independent verifier accepts them.
    let found: Value = app
        .get("/orgs/univ-a/credentials?q=etu7%40example.org", Some(&key))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    assert_eq!(found["items"][0]["subject_name"], "Prénom7 Nom, 7");
    let full: Value = app
        .get(
            &format!(
                "/orgs/univ-a/credentials/{}",
                found["items"][0]["id"].as_str().unwrap()
            ),
            Some(&key),
        )
        .await
        .json()
        .await
        .unwrap();
    let credential = &full["credential"];
    assert_eq!(
        credential["credentialSubject"]["degree"]["eqfLevel"], 7,
        "typed by the schema"
    );
    let did = credential["issuer"].as_str().unwrap().to_owned();
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
    let documents = status_documents(&app, credential).await;
    let verdict = independent_verify_with(
        credential,
        &json!({ did: doc }),
        &json!({ app.url("/contexts/atout/v1"): own }),
        &documents,
    );
    assert_eq!(verdict["verified"], true, "{verdict}");
    let mut count = 0;
    let mut before = String::new();
    loop {
        let page: Value = app
            .get(
                &format!("/orgs/univ-a/credentials?limit=100{before}"),
                Some(&key),
            )
            .await
            .json()
            .await
            .unwrap();
        count += page["items"].as_array().unwrap().len();
        match page["next_before"].as_str() {
            Some(b) => before = format!("&before={b}"),
            None => break,
        }
    }
    assert_eq!(count, 50);
    app.stop().await;
}

#[tokio::test]
async fn bad_files_are_refused_whole_with_every_problem() {
    let app = TestApp::spawn().await;
    let (key, template) = setup(&app).await;
    let mut body = csv(0..3);
    body.push_str("M2-2026-00001,x@example.org,A,B,Diploma,Master,7,2026-07-03\n"); // duplicate reference
    body.push_str(",y@example.org,A,B,Diploma,Master,7,2026-07-03\n"); // no reference
    body.push_str("R9,z@example.org,A,B,Diploma,Master,douze,2026-07-03\n"); // not an integer
    body.push_str("R10,z@example.org,A,B,Diploma,Master,12,2026-07-03\n"); // out of range
    let res = upload(&app, &key, &template, "text/csv", body).await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["type"], "urn:atout:problem:invalid-batch");
    let rows: Vec<i64> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["row"].as_i64().unwrap())
        .collect();
    assert_eq!(rows, [6, 4, 5, 6, 7], "{problem}");
    assert!(problem["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("not of type integer"));
    for (content_type, body, status) in [
        ("text/csv", "givenName\nA\n".to_owned(), 422),
        ("text/csv", "reference\n".to_owned(), 422),
        ("application/jsonl", "{\"reference\": 1}\n".to_owned(), 422),
        ("application/json", "[]".to_owned(), 415),
    ] {
        assert_problem(
            upload(&app, &key, &template, content_type, body).await,
            status,
        )
        .await;
    }
    assert_problem(upload(&app, &key, "nope", "text/csv", csv(0..1)).await, 404).await;
    assert_problem(
        upload(&app, ADMIN_TOKEN, &template, "text/csv", csv(0..1)).await,
        403,
    )
    .await;
    assert_problem(
        upload(&app, "atout_x", &template, "text/csv", csv(0..1)).await,
        401,
    )
    .await;
    app.create_org("univ-b").await;
    let (_, other) = app.create_api_key("univ-b").await;
    assert_problem(
        upload(&app, &other, &template, "text/csv", csv(0..1)).await,
        403,
    )
    .await;
    // Nothing was issued.
    let page: Value = app
        .get("/orgs/univ-a/credentials", Some(&key))
        .await
        .json()
        .await
        .unwrap();
    assert!(page["items"].as_array().unwrap().is_empty());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_bulk_run_resumes_and_issues_every_row_exactly_once() {
    let app = TestApp::spawn().await;
    let (_key, template) = setup(&app).await;
    let total = 6000;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("graduates.csv");
    std::fs::write(&file, csv(0..total)).unwrap();
    let references: Vec<String> = (0..total).map(|i| format!("M2-2026-{i:05}")).collect();
    let org = app
        .store()
        .get_org_by_slug("univ-a")
        .await
        .unwrap()
        .unwrap();
    let issued = || async {
        app.store()
            .issued_references(&org.id, &references)
            .await
            .unwrap()
            .len()
    };
    let run = || {
        let mut cmd = app.command();
        cmd.args(["issue", "--org", "univ-a", "--template", &template, "--csv"])
            .arg(&file)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        cmd
    };
    let mut child = run().spawn().unwrap();
    // Kill -9 once some chunks are committed, well before the end.
    let mut seen = 0;
    for _ in 0..6000 {
        seen = issued().await;
        if seen >= 512 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    std::process::Command::new("kill")
        .args(["-KILL", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "the process was killed");
    let after_kill = issued().await;
    assert!(
        after_kill >= 512,
        "some rows were issued before the kill ({seen})"
    );
    assert!(
        after_kill < total,
        "the kill came before the end ({after_kill})"
    );

    // Run again: the rest is issued, nothing twice.
    let out = run().output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["skipped"], after_kill as i64);
    assert_eq!(summary["issued"], (total - after_kill) as i64);
    assert_eq!(issued().await, total);
    // Exactly once: the registry holds as many credentials as rows.
    let mut count = 0;
    let mut before: Option<String> = None;
    loop {
        let page = app
            .store()
            .list_issued(
                &org.id,
                &atout_core::store::CredentialFilter {
                    before: before.clone(),
                    limit: 500,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        count += page.len();
        if page.len() < 500 {
            break;
        }
        before = page.last().map(|c| c.id.clone());
    }
    assert_eq!(count, total);
    app.stop().await;
}

#[tokio::test]
async fn concurrent_batches_of_the_same_file_issue_each_reference_once() {
    let app = TestApp::spawn().await;
    let (key, template) = setup(&app).await;
    let (a, b) = tokio::join!(
        upload(&app, &key, &template, "text/csv", csv(0..300)),
        upload(&app, &key, &template, "text/csv", csv(0..300)),
    );
    let la = a.headers()["location"].to_str().unwrap().to_owned();
    let lb = b.headers()["location"].to_str().unwrap().to_owned();
    let (da, db) = (
        wait_done(&app, &key, &la).await,
        wait_done(&app, &key, &lb).await,
    );
    let issued = da["issued"].as_i64().unwrap() + db["issued"].as_i64().unwrap();
    let skipped = da["skipped"].as_i64().unwrap() + db["skipped"].as_i64().unwrap();
    assert_eq!((issued, skipped), (300, 300), "{da} {db}");
    // Hostile headers and formats without keys are refused, not crashed on.
    let clash = "reference,degree,degree.type\nR1,x,Diploma\n".to_owned();
    let problem = assert_problem(upload(&app, &key, &template, "text/csv", clash).await, 422).await;
    assert!(problem["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("both a value and an object"));
    let res = app
        .client
        .post(app.url(&format!(
            "/orgs/univ-a/batches?template={template}&format=vc%2Bjwt&alg=ES256"
        )))
        .bearer_auth(&key)
        .header("content-type", "text/csv")
        .body(csv(0..1))
        .send()
        .await
        .unwrap();
    assert_problem(res, 422).await;
    let garbage: String = (0..100_000).map(|i| format!("{{bad {i}\n")).collect();
    let problem = assert_problem(
        upload(&app, &key, &template, "application/jsonl", garbage).await,
        422,
    )
    .await;
    assert!(problem["errors"].as_array().unwrap().len() <= 50);
    app.stop().await;
}
