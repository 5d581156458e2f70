//! Bulk issuance: the batch API, idempotency, the per-row report, and a
//! crash test that really kills the `atout issue` process (and checks that
//! the status entries it leaked are reclaimed).

use crate::common::*;
use crate::issue::{independent_verify_with, status_documents};
use crate::status_reclaim::{
    lease, RawDb, ALLOCATED, ENTRIES, LEAKED, LEASED, MISCOUNTED, TOMBSTONES,
};
use atout_core::Clock as _;
use atout_issuer::status::reclaim;
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
    assert_eq!(rows, [4, 5, 6, 7], "{problem}");
    let codes: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["duplicate-reference", "reference", "integer", "too-large"]
    );
    assert_eq!(
        problem["errors"][2]["message"],
        "Row 6 (line 7), column “degree.eqfLevel”: type a whole number such as 7."
    );
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

fn kill(child: &std::process::Child, signal: &str) {
    let status = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill {signal}");
}

/// The status entries of the credentials in `body`, as its
/// `credentialStatus` names them: (purpose, list URL, index).
fn named_entries(body: &str) -> Vec<(String, String, String)> {
    let credential: Value = serde_json::from_str(body).unwrap();
    credential["credentialStatus"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["statusPurpose"].as_str().unwrap().to_owned(),
                e["statusListCredential"].as_str().unwrap().to_owned(),
                e["statusListIndex"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn verify_report(app: &TestApp, body: &str) -> Value {
    let credential: Value = serde_json::from_str(body).unwrap();
    app.post_json(
        "/credentials/verify",
        None,
        &json!({"verifiableCredential": credential}),
    )
    .await
    .json()
    .await
    .unwrap()
}

fn check_code(report: &Value, name: &str) -> String {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == name)
        .map(|c| {
            format!(
                "{}/{}",
                c["status"].as_str().unwrap(),
                c["code"].as_str().unwrap()
            )
        })
        .unwrap_or_else(|| panic!("no {name} check: {report:#}"))
}

/// Kill -9 in the middle of a chunk (its status entries allocated, its
/// credentials not yet written), then: the leaked entries are there and
/// counted; a server started later reclaims them; the same command
/// finishes the job, the killed batch itself resumes and completes, and
/// every credential's status entries are the ones its body names.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_bulk_run_resumes_and_issues_every_row_exactly_once() {
    let app = TestApp::spawn().await;
    let (key, template) = setup(&app).await;
    let raw = RawDb::open(&app.db).await;
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
    // Kill -9 once some chunks are committed, well before the end, while a
    // chunk's entries are allocated and its credentials not written: the
    // process is stopped first, so that what is seen is what it leaves.
    let mut seen = 0;
    let mut caught = false;
    for _ in 0..6000 {
        seen = issued().await;
        if seen >= 512 && raw.count(LEAKED).await > 0 {
            kill(&child, "-STOP");
            // A commit already sent lands meanwhile.
            tokio::time::sleep(Duration::from_millis(200)).await;
            if raw.count(LEAKED).await > 0 {
                caught = true;
                break;
            }
            kill(&child, "-CONT");
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(caught, "a chunk in flight was caught ({seen} issued)");
    kill(&child, "-KILL");
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
    let killed_batch = raw.strings("SELECT id FROM batches").await;
    assert_eq!(killed_batch.len(), 1);

    // The chunk in flight left its entries: allocated, counted in their
    // lists, with no credential (two per credential: revocation and
    // suspension), each under a lease.
    let leaked = raw.count(LEAKED).await;
    assert!(leaked > 0 && leaked <= 2 * 512, "{leaked}");
    assert_eq!(leaked, 2 * raw.count(LEASED).await);
    assert_eq!(raw.count(ENTRIES).await, 2 * after_kill as i64 + leaked);
    assert_eq!(raw.count(ALLOCATED).await, raw.count(ENTRIES).await);
    // Right after the crash they are within their lease: a live process
    // could still be signing them. Nothing is reclaimed.
    let now = atout_core::SystemClock.now();
    assert_eq!(reclaim(app.store().as_ref(), now).await.unwrap(), 0);
    assert_eq!(raw.count(LEAKED).await, leaked);

    // Later (the allocations are moved back past the lease), a server
    // starts: it reclaims them at start-up.
    let long_ago = now - lease() - chrono::Duration::minutes(1);
    raw.exec_at("UPDATE status_leases SET allocated_at = $1", long_ago)
        .await;
    let mut server = app
        .command()
        .arg("serve")
        .env("ATOUT_LISTEN", "127.0.0.1:0")
        .env("ATOUT_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = server.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        use std::io::BufRead as _;
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .unwrap();
        line
    })
    .await
    .unwrap();
    assert!(line.contains("listening"), "{line}");
    for _ in 0..600 {
        if raw.count(LEAKED).await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    kill(&server, "-TERM");
    assert!(server.wait().unwrap().success(), "a clean stop");
    assert_eq!(raw.count(LEAKED).await, 0, "reclaimed at start-up");
    assert_eq!(raw.count(ENTRIES).await, 2 * after_kill as i64);
    assert_eq!(raw.count(ALLOCATED).await, 2 * after_kill as i64);
    assert_eq!(raw.count(MISCOUNTED).await, 0);
    assert_eq!(raw.count(LEASED).await, 0);
    assert_eq!(raw.count(TOMBSTONES).await, leaked / 2);
    let audit = app
        .store()
        .list_audit(&atout_core::store::AuditFilter {
            org_id: Some(org.id.clone()),
            before_seq: None,
            limit: 100,
        })
        .await
        .unwrap();
    let (credentials, entries) = audit
        .iter()
        .filter(|e| e.action == "status.reclaimed")
        .map(|e| e.details.clone().unwrap())
        .fold((0, 0), |(c, n), d| {
            (
                c + d["credentials"].as_i64().unwrap(),
                n + d["entries"].as_i64().unwrap(),
            )
        });
    assert_eq!((credentials, entries), (leaked / 2, leaked));

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
    // The killed batch itself resumes, as a server resumes a batch whose
    // worker died once its lease expired, and completes: its rows issued
    // meanwhile are skipped.
    app.clock.set(now + chrono::Duration::hours(1));
    atout_issuer::batches::resume_orphans(app.state.clone()).await;
    let resumed = app
        .store()
        .get_batch(&killed_batch[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(resumed.state, "done");
    assert_eq!(
        (resumed.issued, resumed.skipped, resumed.failed),
        (after_kill as i64, (total - after_kill) as i64, 0)
    );

    // Exactly once: the registry holds as many credentials as rows, and
    // each one's status entries are those its body names.
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
        for c in &page {
            let named = named_entries(&c.body);
            let stored = app.store().status_entries(&c.id).await.unwrap();
            assert_eq!(stored.len(), 2, "{}", c.id);
            for e in stored {
                let purpose = e.purpose.as_str();
                let url = app.url(&format!("/orgs/univ-a/status/{purpose}-{}", e.list_number));
                assert!(
                    named.contains(&(purpose.to_owned(), url, e.index.to_string())),
                    "{}: {named:?}",
                    c.id
                );
                assert!(!e.status);
            }
        }
        if page.len() < 500 {
            break;
        }
        before = page.last().map(|c| c.id.clone());
    }
    assert_eq!(count, total);
    assert_eq!(raw.count(ENTRIES).await, 2 * total as i64);
    assert_eq!(raw.count(ALLOCATED).await, 2 * total as i64);
    assert_eq!(raw.count(MISCOUNTED).await, 0);
    assert_eq!(raw.count(LEASED).await, 0);

    // And they resolve: a credential from before the crash and one from
    // after verify with clear statuses; revoking one shows in its list.
    for reference in ["M2-2026-00000", "M2-2026-05999"] {
        let c = app
            .store()
            .find_by_reference(&org.id, reference)
            .await
            .unwrap()
            .unwrap();
        let report = verify_report(&app, &c.body).await;
        assert_eq!(report["verified"], true, "{reference}: {report:#}");
        assert_eq!(check_code(&report, "revocation"), "ok/status-clear");
        assert_eq!(check_code(&report, "suspension"), "ok/status-clear");
        let res = app
            .post_json(
                "/credentials/status",
                Some(&key),
                &json!({"credentialId": c.credential_id, "credentialStatus": [
                    {"type": "BitstringStatusListEntry", "status": true, "statusPurpose": "suspension"}
                ]}),
            )
            .await;
        assert_eq!(res.status(), 200);
        let report = verify_report(&app, &c.body).await;
        assert_eq!(report["verified"], false, "{reference}: {report:#}");
        assert!(check_code(&report, "suspension").starts_with("failed/"));
        assert_eq!(check_code(&report, "revocation"), "ok/status-clear");
    }
    raw.close().await;
    app.stop().await;
}

/// While a batch runs, the reclaim runs too (as a server's periodic task
/// would, at the last moment the allocations' lease still covers): the
/// chunks in flight keep their entries, and every credential ends with its
/// two entries.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_entries_of_a_chunk_in_progress_are_not_reclaimed() {
    let app = TestApp::spawn().await;
    let (key, template) = setup(&app).await;
    let raw = RawDb::open(&app.db).await;
    let total = 3000;
    let res = upload(&app, &key, &template, "text/csv", csv(0..total)).await;
    assert_eq!(res.status(), 202);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let latest = app.clock.now() + lease() - chrono::Duration::seconds(1);
    let mut in_flight = 0;
    let mut done = false;
    for _ in 0..12000 {
        let leaked = raw.count(LEAKED).await;
        assert_eq!(reclaim(app.store().as_ref(), latest).await.unwrap(), 0);
        if leaked > 0 {
            in_flight += 1;
        }
        let batch: Value = app.get(&location, Some(&key)).await.json().await.unwrap();
        if batch["state"] == "done" {
            assert_eq!(batch["issued"], total as i64, "{batch}");
            done = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(done, "the batch finished");
    assert!(in_flight > 0, "a chunk was seen in flight");
    assert_eq!(raw.count(LEAKED).await, 0);
    assert_eq!(raw.count(LEASED).await, 0);
    assert_eq!(raw.count(TOMBSTONES).await, 0);
    assert_eq!(raw.count(ENTRIES).await, 2 * total as i64);
    assert_eq!(raw.count(ALLOCATED).await, 2 * total as i64);
    assert_eq!(raw.count(MISCOUNTED).await, 0);
    assert_eq!(
        raw.count(
            "SELECT COUNT(*) FROM issued_credentials c WHERE \
             (SELECT COUNT(*) FROM status_entries e WHERE e.credential_ref = c.id) <> 2"
        )
        .await,
        0
    );
    raw.close().await;
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
    assert_eq!(problem["errors"][0]["code"], "column-clash");
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
