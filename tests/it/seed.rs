//! `atout dev seed`: synthetic citizens whose wallets work like real ones.

use crate::common::*;
use serde_json::Value;

#[tokio::test]
async fn seeded_citizens_have_entries_and_a_verified_credential() {
    let app = TestApp::spawn().await;
    let tokens = app.data_dir.join("tokens.txt");
    let out = app
        .command()
        .args([
            "dev",
            "seed",
            "--citizens",
            "12",
            "--entries",
            "3",
            "--sessions",
            "2",
            "--quiet",
            "--tokens-out",
        ])
        .arg(&tokens)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The binary ran on the system clock: the server follows it now, so the
    // seeded credentials are valid (set after the seed: validFrom and the
    // proofs are dated at issuance).
    app.clock.set(
        atout_core::clock::Clock::now(&atout_core::clock::SystemClock)
            + chrono::Duration::minutes(1),
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["citizens"], 12);
    assert_eq!(report["entries"], 36);
    assert_eq!(report["credentials"], 12);
    assert_eq!(report["sessions"], 2);
    assert_eq!(app.store().count_citizens().await.unwrap(), 12);
    let tokens = std::fs::read_to_string(&tokens).unwrap();
    let tokens: Vec<&str> = tokens.lines().collect();
    assert_eq!(tokens.len(), 2);
    for token in tokens {
        let holdings: Value = app
            .get("/wallet/holdings", Some(token))
            .await
            .json()
            .await
            .unwrap();
        let items = holdings["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{holdings}");
        if items[0]["state"] != "verified" {
            let one: Value = app
                .get(
                    &format!("/wallet/holdings/{}", items[0]["id"].as_str().unwrap()),
                    Some(token),
                )
                .await
                .json()
                .await
                .unwrap();
            panic!("{}", one["report"]);
        }
        let me: Value = app
            .get("/wallet/me", Some(token))
            .await
            .json()
            .await
            .unwrap();
        // The credential is bound to the citizen's holder DID, byte for byte
        // as the organisation issued it.
        let one: Value = app
            .get(
                &format!("/wallet/holdings/{}", items[0]["id"].as_str().unwrap()),
                Some(token),
            )
            .await
            .json()
            .await
            .unwrap();
        let body = one["credential"].to_string();
        assert!(body.contains(me["holderDid"].as_str().unwrap()), "{one}");
        let timeline: Value = app
            .get("/wallet/timeline", Some(token))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(timeline["items"].as_array().unwrap().len(), 4, "{timeline}");
    }
    // Running it again adds more citizens, never duplicates.
    let out = app
        .command()
        .args([
            "dev",
            "seed",
            "--citizens",
            "3",
            "--entries",
            "0",
            "--quiet",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(app.store().count_citizens().await.unwrap(), 15);
    app.stop().await;
}
