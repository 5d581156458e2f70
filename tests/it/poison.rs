//! Bounded work (issue 14): a small credential built to make RDF
//! canonicalisation exponential (blank nodes written as `_:b0`-style ids,
//! linked to each other symmetrically, a "poison" graph) is refused by the
//! engine's work limit: its proof check is `could-not-check` with code
//! `too-complex` (never `failed`: nothing was learnt about its signature),
//! the answer comes at once, and the server stays responsive while such
//! requests are in flight, because canonicalisation runs on the CPU pool,
//! never on the async workers.

use crate::common::*;
use crate::verify::{check, did_key, verify};
use atout_core::crypto::{KeyAlgorithm, PrivateKey};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// `n` blank nodes, each linked to every other one: every node has the same
/// first-degree hash, so RDFC-1.0 would try every permutation.
fn poison(n: usize) -> Value {
    let key = PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap();
    let (did, vm) = did_key(&key);
    let nodes: Vec<Value> = (0..n)
        .map(|i| {
            let knows: Vec<Value> = (0..n)
                .filter(|j| *j != i)
                .map(|j| json!({"id": format!("_:b{j}")}))
                .collect();
            json!({"id": format!("_:b{i}"), "knows": knows})
        })
        .collect();
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            {"knows": "https://example.org/vocab#knows"}
        ],
        "type": ["VerifiableCredential"],
        "issuer": did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": nodes,
        "proof": {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "created": "2026-01-01T00:00:00Z",
            "verificationMethod": vm,
            "proofPurpose": "assertionMethod",
            "proofValue": format!("z{}", bs58::encode([7u8; 64]).into_string())
        }
    })
}

#[tokio::test]
async fn a_poison_credential_is_too_complex_to_check_and_answered_at_once() {
    let app = TestApp::spawn().await;
    let credential = poison(10);
    assert!(
        serde_json::to_string(&credential).unwrap().len() < 8 * 1024,
        "a small document"
    );
    let started = Instant::now();
    let (status, report) = verify(&app, &credential, json!({})).await;
    let took = started.elapsed();
    assert_eq!(status, 422, "{report}");
    assert_eq!(report["verified"], false);
    let proof = check(&report, "proof");
    assert_eq!(proof["status"], "could-not-check", "{report}");
    assert_eq!(proof["code"], "too-complex", "{report}");
    assert!(
        took < Duration::from_secs(1),
        "answered in {took:?}, not after the canonicalisation ran its course"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_stays_responsive_while_poison_requests_are_in_flight() {
    let app = TestApp::spawn().await;
    let credential = poison(10);
    let until = Instant::now() + Duration::from_millis(1500);
    let mut attackers = Vec::new();
    for _ in 0..8 {
        let client = app.client.clone();
        let url = app.url("/credentials/verify");
        let body = json!({"verifiableCredential": credential, "options": {}});
        attackers.push(tokio::spawn(async move {
            let mut statuses = Vec::new();
            while Instant::now() < until {
                let res = client.post(&url).json(&body).send().await.unwrap();
                statuses.push(res.status().as_u16());
            }
            statuses
        }));
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut slowest = Duration::ZERO;
    let mut probes = 0;
    while Instant::now() < until {
        let started = Instant::now();
        let res = app.client.get(app.url("/healthz")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        slowest = slowest.max(started.elapsed());
        probes += 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut answered = 0;
    for attacker in attackers {
        for status in attacker.await.unwrap() {
            assert!(
                status == 422 || status == 503,
                "a poison request is refused or told to come back, never 500: {status}"
            );
            answered += 1;
        }
    }
    assert!(answered >= 8, "poison requests were in flight: {answered}");
    assert!(probes >= 10, "{probes} probes");
    assert!(
        slowest < Duration::from_millis(50),
        "/healthz took {slowest:?} with poison requests in flight"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_simultaneous_poison_requests_are_all_answered() {
    let app = TestApp::spawn().await;
    let credential = poison(9);
    let body = json!({"verifiableCredential": credential, "options": {}});
    let started = Instant::now();
    let mut requests = Vec::new();
    for _ in 0..100 {
        let client = app.client.clone();
        let url = app.url("/credentials/verify");
        let body = body.clone();
        requests.push(tokio::spawn(async move {
            let res = client.post(&url).json(&body).send().await.unwrap();
            let status = res.status().as_u16();
            let retry = res
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_owned());
            let report: Value = res.json().await.unwrap();
            (status, retry, report)
        }));
    }
    let mut too_complex = 0;
    for request in requests {
        let (status, retry, report) = request.await.unwrap();
        match status {
            422 => {
                assert_eq!(check(&report, "proof")["code"], "too-complex", "{report}");
                too_complex += 1;
            }
            503 => assert!(retry.is_some(), "503 carries Retry-After"),
            other => panic!("unexpected {other}: {report}"),
        }
    }
    assert!(too_complex > 0);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "every request answered, none left running"
    );
}
