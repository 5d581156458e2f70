//! Status entries allocated for credentials that were never recorded (a
//! process killed between allocating and recording) are reclaimed after the
//! allocation's lease, never before, and never those of a credential being
//! recorded. The crash test of bulk issuance is in `batches.rs`.

use crate::common::*;
use crate::issue::diploma;
use atout_core::Clock as _;
use atout_core::{
    audit::Actor,
    ids::new_id,
    store::{AuditFilter, IssuedCredential, StatusPurpose, Store, StoreError},
};
use atout_issuer::status::{reclaim, ALLOCATION_LEASE, LIST_SIZE};
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};
use std::sync::Arc;

/// Entries whose credential is not in the registry.
pub const LEAKED: &str = "SELECT COUNT(*) FROM status_entries e \
     WHERE NOT EXISTS (SELECT 1 FROM issued_credentials c WHERE c.id = e.credential_ref)";
pub const ENTRIES: &str = "SELECT COUNT(*) FROM status_entries";
/// The lists' allocation counts, summed.
pub const ALLOCATED: &str = "SELECT CAST(COALESCE(SUM(allocated), 0) AS BIGINT) FROM status_lists";
/// Lists whose allocation count is not their number of entries.
pub const MISCOUNTED: &str = "SELECT COUNT(*) FROM status_lists l \
     WHERE l.allocated <> (SELECT COUNT(*) FROM status_entries e WHERE e.list_id = l.id)";
/// Allocations not recorded yet (and not reclaimed).
pub const LEASED: &str = "SELECT COUNT(*) FROM status_leases WHERE reclaimed_at IS NULL";
pub const TOMBSTONES: &str = "SELECT COUNT(*) FROM status_leases WHERE reclaimed_at IS NOT NULL";

/// A plain connection pool on the test's database, for what the store does
/// not expose.
pub enum RawDb {
    Pg(sqlx::PgPool),
    Sqlite(sqlx::SqlitePool),
}

impl RawDb {
    pub async fn open(db: &TestDb) -> Self {
        if db.is_postgres() {
            Self::Pg(sqlx::PgPool::connect(&db.url).await.unwrap())
        } else {
            Self::Sqlite(sqlx::SqlitePool::connect(&db.url).await.unwrap())
        }
    }

    pub async fn count(&self, sql: &str) -> i64 {
        match self {
            Self::Pg(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
            Self::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        }
    }

    /// Runs `sql` with one timestamp bound as `$1`, as the store binds them.
    pub async fn exec_at(&self, sql: &str, at: DateTime<Utc>) -> u64 {
        match self {
            Self::Pg(p) => sqlx::query(sql)
                .bind(at)
                .execute(p)
                .await
                .unwrap()
                .rows_affected(),
            Self::Sqlite(p) => sqlx::query(sql)
                .bind(at)
                .execute(p)
                .await
                .unwrap()
                .rows_affected(),
        }
    }

    pub async fn strings(&self, sql: &str) -> Vec<String> {
        match self {
            Self::Pg(p) => sqlx::query_scalar(sql).fetch_all(p).await.unwrap(),
            Self::Sqlite(p) => sqlx::query_scalar(sql).fetch_all(p).await.unwrap(),
        }
    }

    pub async fn close(self) {
        match self {
            Self::Pg(p) => p.close().await,
            Self::Sqlite(p) => p.close().await,
        }
    }
}

pub fn lease() -> Duration {
    ALLOCATION_LEASE
}

fn record(org_id: &str, id: &str) -> IssuedCredential {
    IssuedCredential {
        id: id.to_owned(),
        org_id: org_id.to_owned(),
        credential_id: format!("urn:uuid:{}", new_id()),
        format: "ldp_vc".into(),
        body: "{}".into(),
        issued_at: start_time(),
        template_id: None,
        reference: None,
        subject_name: None,
        subject_email: None,
    }
}

fn issued_audit(org_id: &str, id: &str) -> atout_core::store::NewAuditEntry {
    Actor::cli().entry(
        start_time(),
        Some(org_id),
        "credential.issued",
        format!("credential:{id}"),
        None,
    )
}

async fn verify(app: &TestApp, credential: &Value) -> Value {
    let res = app
        .post_json(
            "/credentials/verify",
            None,
            &json!({"verifiableCredential": credential}),
        )
        .await;
    res.json().await.unwrap()
}

fn check<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == name)
        .unwrap_or_else(|| panic!("no {name} check: {report:#}"))
}

async fn reclaimed_audit(store: &dyn Store, org_id: &str) -> Vec<Value> {
    store
        .list_audit(&AuditFilter {
            org_id: Some(org_id.to_owned()),
            before_seq: None,
            limit: 1000,
        })
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "status.reclaimed")
        .map(|e| {
            assert_eq!(e.actor, "system");
            e.details.unwrap()
        })
        .collect()
}

/// A credential signed (its entries allocated) by a process that never
/// records it: its entries stay within the lease, are reclaimed after it,
/// recording it late is refused, and the freed index is used again.
#[tokio::test]
async fn a_credential_never_recorded_loses_its_entries_after_the_lease_and_only_then() {
    let app = TestApp::spawn().await;
    app.create_org("univ-a").await;
    let (_, key) = app.create_api_key("univ-a").await;
    let store = app.store();
    let raw = RawDb::open(&app.db).await;
    let org = store.get_org_by_slug("univ-a").await.unwrap().unwrap();
    // A credential issued normally ends its lease when it is recorded.
    let res = app
        .post_json(
            "/credentials/issue",
            Some(&key),
            &json!({"credential": diploma(&app), "options": {}}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let kept: Value = res.json().await.unwrap();
    assert_eq!(raw.count(LEASED).await, 0);
    assert_eq!(raw.count(ENTRIES).await, 2);

    // The single issuance path allocates, then signs, then records: the
    // process stops after signing (the crash), nothing is recorded.
    let t0 = app.clock.now();
    let format = atout_vc::sign::ProofFormat::DataIntegrity(
        atout_vc::ssi_bridge::Cryptosuite::EddsaRdfc2022,
    );
    let cut_short = atout_issuer::credentials::sign_credential(
        &app.state,
        &org,
        &Actor::cli(),
        atout_issuer::credentials::IssueInput {
            credential: diploma(&app),
            format,
            template_id: None,
            reference: None,
            subject_name: None,
            subject_email: None,
        },
    )
    .await
    .map_err(|e| e.to_string())
    .unwrap();
    let body: Value = serde_json::from_str(&cut_short.record.body).unwrap();
    let leaked_index: i64 = body["credentialStatus"][0]["statusListIndex"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(raw.count(LEAKED).await, 2, "the leaked entries exist");
    assert_eq!(raw.count(LEASED).await, 1);
    assert_eq!(raw.count(ALLOCATED).await, 4, "and are counted");

    // Within the lease: nothing is reclaimed, at start-up or later.
    for now in [t0, t0 + lease() - Duration::seconds(1)] {
        assert_eq!(reclaim(store.as_ref(), now).await.unwrap(), 0);
    }
    assert_eq!(raw.count(LEAKED).await, 2);

    // After the lease: both entries are freed and counted out.
    let after = t0 + lease() + Duration::seconds(1);
    assert_eq!(reclaim(store.as_ref(), after).await.unwrap(), 2);
    assert_eq!(raw.count(LEAKED).await, 0);
    assert_eq!(raw.count(ENTRIES).await, 2);
    assert_eq!(raw.count(ALLOCATED).await, 2);
    assert_eq!(raw.count(MISCOUNTED).await, 0);
    assert_eq!(raw.count(TOMBSTONES).await, 1);
    for purpose in [StatusPurpose::Revocation, StatusPurpose::Suspension] {
        let list = store
            .get_status_list(&org.id, purpose, 1)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(list.allocated, 1, "{purpose:?}");
        assert!(list.open);
    }
    let audit = reclaimed_audit(store.as_ref(), &org.id).await;
    assert_eq!(audit, vec![json!({"credentials": 1, "entries": 2})]);
    // Once: a second pass finds nothing.
    assert_eq!(reclaim(store.as_ref(), after).await.unwrap(), 0);

    // The late process cannot record it: its indexes are no longer its own.
    let late = store
        .insert_issued_credential(&cut_short.record, &cut_short.audit)
        .await;
    assert!(matches!(late, Err(StoreError::StatusReclaimed)), "{late:?}");
    assert!(store
        .get_issued_credential(&cut_short.record.id)
        .await
        .unwrap()
        .is_none());
    assert!(store
        .status_entries(&cut_short.record.id)
        .await
        .unwrap()
        .is_empty());

    // The freed index is free: a new allocation drawing it gets it.
    let reuse = new_id();
    let entries = store
        .allocate_status(
            &org.id,
            &[StatusPurpose::Revocation],
            std::slice::from_ref(&reuse),
            LIST_SIZE,
            &move || leaked_index,
            after,
        )
        .await
        .unwrap();
    assert_eq!(entries[0][0].index, leaked_index);
    assert_eq!(entries[0][0].list_number, 1);
    store.release_status(&reuse).await.unwrap();
    assert_eq!(raw.count(ALLOCATED).await, 2);
    assert_eq!(raw.count(MISCOUNTED).await, 0);
    assert_eq!(raw.count(LEASED).await, 0);

    // Releasing never touches a recorded credential's entries.
    let kept_record = store
        .find_issued_credential(&org.id, kept["id"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    store.release_status(&kept_record.id).await.unwrap();
    assert_eq!(
        store.status_entries(&kept_record.id).await.unwrap().len(),
        2
    );

    // Statuses still work: the kept credential verifies, then is revoked.
    let report = verify(&app, &kept).await;
    assert_eq!(check(&report, "revocation")["code"], "status-clear");
    let res = app
        .post_json(
            "/credentials/status",
            Some(&key),
            &json!({"credentialId": kept["id"], "credentialStatus": [
                {"type": "BitstringStatusListEntry", "status": true, "statusPurpose": "revocation"}
            ]}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let report = verify(&app, &kept).await;
    assert_eq!(
        check(&report, "revocation")["status"],
        "failed",
        "{report:#}"
    );
    raw.close().await;
    app.stop().await;
}

/// Recording and reclaiming the same expired allocations at once: each
/// credential ends either recorded with both entries, or refused with none;
/// never recorded without its entries (PostgreSQL runs both for real in
/// parallel; SQLite serialises them).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recording_and_reclaiming_at_once_never_lose_a_credentials_entries() {
    let app = TestApp::spawn().await;
    app.create_org("univ-a").await;
    let store = app.store();
    let raw = RawDb::open(&app.db).await;
    let org = store.get_org_by_slug("univ-a").await.unwrap().unwrap();
    let t0 = app.clock.now();
    let mut refs: Vec<String> = (0..120).map(|_| new_id()).collect();
    refs.sort();
    let counter = std::sync::atomic::AtomicI64::new(0);
    let pick = move || counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    store
        .allocate_status(
            &org.id,
            &[StatusPurpose::Revocation, StatusPurpose::Suspension],
            &refs,
            LIST_SIZE,
            &pick,
            t0,
        )
        .await
        .unwrap();
    assert_eq!(raw.count(LEAKED).await, 240);
    let after = t0 + lease() + Duration::seconds(1);
    // Recording walks up from the first, reclaiming too (oldest first, then
    // by id): they meet.
    let finished = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let recorder = {
        let store: Arc<dyn Store> = store.clone();
        let refs = refs.clone();
        let org_id = org.id.clone();
        let finished = finished.clone();
        tokio::spawn(async move {
            let mut recorded = Vec::new();
            for r in &refs {
                match store
                    .insert_issued_credential(&record(&org_id, r), &issued_audit(&org_id, r))
                    .await
                {
                    Ok(()) => recorded.push(r.clone()),
                    Err(StoreError::StatusReclaimed) => {}
                    Err(e) => panic!("{e}"),
                }
            }
            finished.store(true, std::sync::atomic::Ordering::SeqCst);
            recorded
        })
    };
    let reclaimer = {
        let store: Arc<dyn Store> = store.clone();
        tokio::spawn(async move {
            let mut credentials = 0;
            loop {
                let over = finished.load(std::sync::atomic::Ordering::SeqCst);
                let done = store
                    .reclaim_status(after - lease(), after, 3)
                    .await
                    .unwrap();
                if done.is_empty() && over {
                    return credentials;
                }
                credentials += done.iter().map(|r| r.credentials).sum::<i64>();
            }
        })
    };
    let recorded = recorder.await.unwrap();
    let reclaimed = reclaimer.await.unwrap();
    assert_eq!(recorded.len() as i64 + reclaimed, 120);
    for r in &refs {
        let entries = store.status_entries(r).await.unwrap();
        let is_recorded = store.get_issued_credential(r).await.unwrap().is_some();
        assert_eq!(
            entries.len(),
            if is_recorded { 2 } else { 0 },
            "{r}: recorded {is_recorded}"
        );
    }
    assert_eq!(raw.count(LEAKED).await, 0);
    assert_eq!(raw.count(LEASED).await, 0);
    assert_eq!(raw.count(TOMBSTONES).await, reclaimed);
    assert_eq!(raw.count(MISCOUNTED).await, 0);
    assert_eq!(raw.count(ALLOCATED).await, 2 * recorded.len() as i64);
    raw.close().await;
    app.stop().await;
}
