//! Store conformance: the same scenarios on SQLite and PostgreSQL (the CI
//! runs the suite once per backend).

use crate::common::*;
use atout_core::{
    audit::Actor,
    crypto::{KeyAlgorithm, MasterKey},
    did::DidWeb,
    ids::new_id,
    orgs::{NewOrg, OrgError, Orgs},
    store::{
        connect, ApiKeyRecord, AuditFilter, ConnectOptions, IssuedCredential, KeyOwner, KeyStatus,
        NewAuditEntry, Organisation, SigningKeyRecord, Store, StoreError,
    },
    FixedClock,
};
use chrono::Duration;
use std::sync::Arc;

async fn open(db: &TestDb) -> Arc<dyn Store> {
    let store = connect(&ConnectOptions::new(db.url.clone())).await.unwrap();
    store.migrate().await.unwrap();
    store
}

fn org(slug: &str) -> Organisation {
    Organisation {
        id: new_id(),
        slug: slug.into(),
        name_fr: format!("Organisme {slug}"),
        name_en: format!("Organisation {slug}"),
        created_at: start_time(),
        updated_at: start_time(),
        did_key: None,
        description: None,
        town: None,
        kind: None,
        website: None,
        listed: true,
    }
}

fn key(owner: KeyOwner, fragment: &str, alg: KeyAlgorithm) -> SigningKeyRecord {
    SigningKeyRecord {
        id: new_id(),
        owner,
        fragment: fragment.into(),
        algorithm: alg,
        public_key_multibase: format!("z{}", new_id()),
        sealed_private_key: vec![1, 2, 3],
        status: KeyStatus::Active,
        created_at: start_time(),
        retired_at: None,
        withdrawn_at: None,
    }
}

fn audit(org_id: Option<&str>, action: &str) -> NewAuditEntry {
    Actor::cli().entry(
        start_time(),
        org_id,
        action,
        "test:1".into(),
        Some(serde_json::json!({"k": "v"})),
    )
}

pub async fn raw_exec(db: &TestDb, sql: &str) -> Result<u64, sqlx::Error> {
    use sqlx::Connection;
    if db.is_postgres() {
        let mut c = sqlx::PgConnection::connect(&db.url).await?;
        Ok(sqlx::query(sql).execute(&mut c).await?.rows_affected())
    } else {
        let mut c = sqlx::SqliteConnection::connect(&db.url).await?;
        Ok(sqlx::query(sql).execute(&mut c).await?.rows_affected())
    }
}

#[tokio::test]
async fn migrations_are_idempotent_and_ping_works() {
    let db = TestDb::new().await;
    let store = open(&db).await;
    store.migrate().await.unwrap();
    store.ping().await.unwrap();
    let stats = store.pool_stats();
    assert!(stats.size >= 1 && stats.max >= stats.size);
    assert_eq!(
        store.backend(),
        if db.is_postgres() {
            atout_core::store::Backend::Postgres
        } else {
            atout_core::store::Backend::Sqlite
        }
    );
}

#[tokio::test]
async fn organisations_round_trip_and_slugs_are_unique() {
    let db = TestDb::new().await;
    let store = open(&db).await;
    let a = org("univ-a");
    let keys = [key(
        KeyOwner::Org(a.id.clone()),
        "key-1",
        KeyAlgorithm::Ed25519,
    )];
    store
        .create_org(&a, &keys, &audit(Some(&a.id), "org.created"), None)
        .await
        .unwrap();
    assert_eq!(
        store.get_org_by_slug("univ-a").await.unwrap(),
        Some(a.clone())
    );
    assert_eq!(store.get_org(&a.id).await.unwrap(), Some(a.clone()));
    assert_eq!(store.get_org_by_slug("nope").await.unwrap(), None);
    // Timestamps round-trip to the microsecond.
    let stored_keys = store.list_keys(&KeyOwner::Org(a.id.clone())).await.unwrap();
    assert_eq!(stored_keys, keys.to_vec());

    let dup = org("univ-a");
    let err = store
        .create_org(
            &dup,
            &[key(
                KeyOwner::Org(dup.id.clone()),
                "key-1",
                KeyAlgorithm::Ed25519,
            )],
            &audit(Some(&dup.id), "org.created"),
            None,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    // Nothing of the failed creation was written: no key, no audit entry.
    assert!(store
        .list_keys(&KeyOwner::Org(dup.id.clone()))
        .await
        .unwrap()
        .is_empty());
    let log = store
        .list_audit(&AuditFilter {
            org_id: Some(dup.id.clone()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(log.is_empty());
    let names: Vec<String> = store
        .list_orgs()
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.slug)
        .collect();
    assert_eq!(names, vec!["univ-a".to_string()]);
}

#[tokio::test]
async fn a_failure_late_in_a_transaction_writes_nothing() {
    let db = TestDb::new().await;
    let store = open(&db).await;
    let a = org("univ-a");
    // Two keys with the same fragment: the second insert fails after the
    // organisation row was written in the same transaction.
    let keys = [
        key(KeyOwner::Org(a.id.clone()), "key-1", KeyAlgorithm::Ed25519),
        key(KeyOwner::Org(a.id.clone()), "key-1", KeyAlgorithm::P256),
    ];
    let err = store
        .create_org(&a, &keys, &audit(Some(&a.id), "org.created"), None)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(store.get_org_by_slug("univ-a").await.unwrap(), None);
    assert!(store.list_orgs().await.unwrap().is_empty());
    let log = store
        .list_audit(&AuditFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(log.is_empty(), "{log:?}");
}

#[tokio::test]
async fn rotation_keeps_one_active_key_per_algorithm_and_withdrawal_needs_retired() {
    let db = TestDb::new().await;
    let store = open(&db).await;
    let a = org("univ-a");
    let owner = KeyOwner::Org(a.id.clone());
    let first = key(owner.clone(), "key-1", KeyAlgorithm::Ed25519);
    store
        .create_org(
            &a,
            std::slice::from_ref(&first),
            &audit(Some(&a.id), "org.created"),
            None,
        )
        .await
        .unwrap();
    let mut second = key(owner.clone(), "", KeyAlgorithm::Ed25519);
    second.created_at = start_time() + Duration::minutes(5);
    let (fragment, retired) = store
        .rotate_key(&second, &audit(Some(&a.id), "key.rotated"))
        .await
        .unwrap();
    assert_eq!(fragment, "key-2");
    assert_eq!(retired.as_deref(), Some(first.id.as_str()));
    let mut p256 = key(owner.clone(), "", KeyAlgorithm::P256);
    p256.created_at = start_time() + Duration::minutes(10);
    let (fragment, retired) = store
        .rotate_key(&p256, &audit(Some(&a.id), "key.rotated"))
        .await
        .unwrap();
    assert_eq!((fragment.as_str(), retired), ("key-3", None));

    let keys = store.list_keys(&owner).await.unwrap();
    let status: Vec<(&str, KeyStatus)> = keys
        .iter()
        .map(|k| (k.fragment.as_str(), k.status))
        .collect();
    assert_eq!(
        status,
        vec![
            ("key-1", KeyStatus::Retired),
            ("key-2", KeyStatus::Active),
            ("key-3", KeyStatus::Active)
        ]
    );
    assert_eq!(keys[0].retired_at, Some(second.created_at));
    let active = store
        .active_key(&owner, KeyAlgorithm::Ed25519)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(active.id, second.id);

    // Only a retired key can be withdrawn, once.
    let at = start_time() + Duration::hours(1);
    let err = store
        .withdraw_key(&owner, &second.id, at, &audit(Some(&a.id), "key.withdrawn"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound));
    store
        .withdraw_key(&owner, &first.id, at, &audit(Some(&a.id), "key.withdrawn"))
        .await
        .unwrap();
    let err = store
        .withdraw_key(&owner, &first.id, at, &audit(Some(&a.id), "key.withdrawn"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound));
    let keys = store.list_keys(&owner).await.unwrap();
    assert_eq!(keys[0].status, KeyStatus::Withdrawn);
    assert_eq!(keys[0].withdrawn_at, Some(at));
    // Another owner's key cannot be withdrawn through this owner.
    let other = KeyOwner::Org(new_id());
    assert!(store
        .withdraw_key(&other, &keys[0].id, at, &audit(None, "x"))
        .await
        .is_err());
    // The platform's keys are separate.
    assert!(store
        .list_keys(&KeyOwner::Platform)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn api_keys_are_found_by_hash_until_revoked() {
    let db = TestDb::new().await;
    let store = open(&db).await;
    let a = org("univ-a");
    store
        .create_org(
            &a,
            &[key(
                KeyOwner::Org(a.id.clone()),
                "key-1",
                KeyAlgorithm::Ed25519,
            )],
            &audit(Some(&a.id), "org.created"),
            None,
        )
        .await
        .unwrap();
    let rec = ApiKeyRecord {
        id: new_id(),
        org_id: a.id.clone(),
        name: "registrar".into(),
        prefix: "atout_abcdef".into(),
        token_hash: "f".repeat(64),
        created_at: start_time(),
        revoked_at: None,
        last_used_at: None,
    };
    store
        .create_api_key(&rec, &audit(Some(&a.id), "api_key.created"))
        .await
        .unwrap();
    assert_eq!(
        store.find_api_key(&rec.token_hash).await.unwrap(),
        Some(rec.clone())
    );
    assert_eq!(store.find_api_key(&"e".repeat(64)).await.unwrap(), None);

    let t1 = start_time() + Duration::seconds(10);
    store.touch_api_key(&rec.id, t1).await.unwrap();
    // Within a minute, use is not rewritten.
    store
        .touch_api_key(&rec.id, t1 + Duration::seconds(30))
        .await
        .unwrap();
    let found = store.find_api_key(&rec.token_hash).await.unwrap().unwrap();
    assert_eq!(found.last_used_at, Some(t1));
    store
        .touch_api_key(&rec.id, t1 + Duration::seconds(90))
        .await
        .unwrap();
    let found = store.find_api_key(&rec.token_hash).await.unwrap().unwrap();
    assert_eq!(found.last_used_at, Some(t1 + Duration::seconds(90)));

    let at = start_time() + Duration::hours(1);
    assert!(!store
        .revoke_api_key("other-org", &rec.id, at, &audit(None, "api_key.revoked"))
        .await
        .unwrap());
    assert!(store
        .revoke_api_key(&a.id, &rec.id, at, &audit(Some(&a.id), "api_key.revoked"))
        .await
        .unwrap());
    assert!(!store
        .revoke_api_key(&a.id, &rec.id, at, &audit(Some(&a.id), "api_key.revoked"))
        .await
        .unwrap());
    assert_eq!(store.find_api_key(&rec.token_hash).await.unwrap(), None);
    let listed = store.list_api_keys(&a.id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].revoked_at, Some(at));
}

#[tokio::test]
async fn the_audit_log_is_ordered_filtered_paged_and_append_only() {
    let db = TestDb::new().await;
    let store = open(&db).await;
    for i in 0..7 {
        let org_id = if i % 2 == 0 {
            Some("org-a")
        } else {
            Some("org-b")
        };
        let mut e = audit(org_id, &format!("action.{i}"));
        e.at = start_time() + Duration::seconds(i);
        e.request_id = Some(format!("req-{i}"));
        store.append_audit(&e).await.unwrap();
    }
    let all = store
        .list_audit(&AuditFilter {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    let actions: Vec<&str> = all.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["action.6", "action.5", "action.4", "action.3", "action.2", "action.1", "action.0"]
    );
    assert_eq!(all[0].details, Some(serde_json::json!({"k": "v"})));
    assert_eq!(all[0].request_id.as_deref(), Some("req-6"));
    assert_eq!(all[0].at, start_time() + Duration::seconds(6));

    let a = store
        .list_audit(&AuditFilter {
            org_id: Some("org-a".into()),
            limit: 2,
            before_seq: None,
        })
        .await
        .unwrap();
    assert_eq!(
        a.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["action.6", "action.4"]
    );
    let next = store
        .list_audit(&AuditFilter {
            org_id: Some("org-a".into()),
            limit: 2,
            before_seq: Some(a[1].seq),
        })
        .await
        .unwrap();
    assert_eq!(
        next.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["action.2", "action.0"]
    );

    // Append-only, enforced by the database itself.
    let update = raw_exec(&db, "UPDATE audit_log SET actor = 'mallory'").await;
    assert!(update.is_err(), "UPDATE must fail: {update:?}");
    let delete = raw_exec(&db, "DELETE FROM audit_log").await;
    assert!(delete.is_err(), "DELETE must fail: {delete:?}");
    let count = store
        .list_audit(&AuditFilter {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(count.len(), 7);
    assert!(count.iter().all(|e| e.actor == "cli"));
}

#[tokio::test]
async fn issued_credentials_are_stored_byte_for_byte() {
    let db = TestDb::new().await;
    let store = open(&db).await;
    let a = org("univ-a");
    store
        .create_org(
            &a,
            &[key(
                KeyOwner::Org(a.id.clone()),
                "key-1",
                KeyAlgorithm::Ed25519,
            )],
            &audit(Some(&a.id), "org.created"),
            None,
        )
        .await
        .unwrap();
    // Odd spacing, key order, escapes, non-ASCII, a trailing newline, and a
    // number JSON re-serialisation would rewrite: all must survive.
    let bodies = [
        "{\"z\":1,  \"a\" : [1.0, 2e3, -0.0],\n\t\"name\":\"Ren\\u00e9e \u{1F393} d\u{2019}Orl\u{e9}ans\"}\n",
        "eyJhbGciOiJFZERTQSIsInR5cCI6InZjK2p3dCJ9.eyJpc3MiOiJ4In0.c2ln",
        "{\"proof\":{\"proofValue\":\"z3FXQ\"},\"big\":12345678901234567890123}",
    ];
    for (i, body) in bodies.iter().enumerate() {
        let c = IssuedCredential {
            id: new_id(),
            org_id: a.id.clone(),
            credential_id: format!("urn:uuid:{}", new_id()),
            format: if i == 1 { "vc+jwt" } else { "ldp_vc" }.into(),
            body: (*body).into(),
            issued_at: start_time(),
            template_id: None,
            reference: Some(format!("ref-{i}")),
            subject_name: Some("Renée Dupont".into()),
            subject_email: None,
        };
        store
            .insert_issued_credential(&c, &audit(Some(&a.id), "credential.issued"))
            .await
            .unwrap();
        let back = store.get_issued_credential(&c.id).await.unwrap().unwrap();
        assert_eq!(back.body.as_bytes(), body.as_bytes());
        assert_eq!(back, c);
        let dup = store
            .insert_issued_credential(&c, &audit(Some(&a.id), "credential.issued"))
            .await
            .unwrap_err();
        assert!(matches!(dup, StoreError::Conflict(_)));
    }
    // The stored body cannot be rewritten.
    let rewrite = raw_exec(&db, "UPDATE issued_credentials SET body = '{}'").await;
    assert!(rewrite.is_err(), "{rewrite:?}");
}

#[tokio::test]
async fn meta_is_set_once() {
    let db = TestDb::new().await;
    let store = open(&db).await;
    assert_eq!(store.get_meta("k").await.unwrap(), None);
    assert_eq!(store.init_meta("k", "first").await.unwrap(), "first");
    assert_eq!(store.init_meta("k", "second").await.unwrap(), "first");
    assert_eq!(store.get_meta("k").await.unwrap().as_deref(), Some("first"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_all_land() {
    let db = TestDb::new().await;
    let store = open(&db).await;
    let clock = Arc::new(FixedClock::new(start_time()));
    let orgs = Arc::new(Orgs::new(
        store.clone(),
        clock,
        Arc::new(MasterKey::from_base64(MASTER_KEY).unwrap()),
        DidWeb::new(&url::Url::parse("https://portfolio.example.org").unwrap()),
    ));
    let mut tasks = Vec::new();
    for i in 0..24 {
        let orgs = orgs.clone();
        tasks.push(tokio::spawn(async move {
            let slug = format!("org-{i}");
            orgs.create(
                NewOrg {
                    slug: slug.clone(),
                    ..Default::default()
                },
                &Actor::cli(),
            )
            .await?;
            orgs.rotate_key(&slug, KeyAlgorithm::Ed25519, &Actor::cli())
                .await?;
            Ok::<_, OrgError>(())
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(store.list_orgs().await.unwrap().len(), 24);
    let log = store
        .list_audit(&AuditFilter {
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(log.len(), 48);
}

#[tokio::test]
async fn private_keys_are_sealed_at_rest() {
    let db = TestDb::new().await;
    let store = open(&db).await;
    let clock = Arc::new(FixedClock::new(start_time()));
    let master = Arc::new(MasterKey::from_base64(MASTER_KEY).unwrap());
    let orgs = Orgs::new(
        store.clone(),
        clock,
        master.clone(),
        DidWeb::new(&url::Url::parse("https://portfolio.example.org").unwrap()),
    );
    orgs.create(
        NewOrg {
            slug: "univ-a".into(),
            p256: true,
            ..Default::default()
        },
        &Actor::cli(),
    )
    .await
    .unwrap();
    for alg in [KeyAlgorithm::Ed25519, KeyAlgorithm::P256] {
        let signer = orgs.org_signing_key("univ-a", alg).await.unwrap();
        let pkcs8 = signer.key.pkcs8_der().to_vec();
        let sealed = &signer.record.sealed_private_key;
        // The stored bytes are not the key, and do not contain it.
        assert!(!sealed.windows(pkcs8.len()).any(|w| w == pkcs8.as_slice()));
        assert!(!sealed
            .windows(16)
            .any(|w| pkcs8.windows(16).any(|p| p == w)));
        // Debug output never shows it.
        let debug = format!("{signer:?}");
        assert!(debug.contains("[redacted]"));
        assert!(!debug.contains(&format!("{:?}", &pkcs8[pkcs8.len() - 8..])));
    }
    // Another master key cannot open them, and the check at start-up says so.
    let (other, _) = MasterKey::generate().unwrap();
    let wrong = Orgs::new(
        store.clone(),
        Arc::new(FixedClock::new(start_time())),
        Arc::new(other),
        DidWeb::new(&url::Url::parse("https://portfolio.example.org").unwrap()),
    );
    orgs.check_master_key().await.unwrap();
    assert!(matches!(
        wrong.check_master_key().await,
        Err(OrgError::WrongMasterKey)
    ));
    assert!(matches!(
        wrong.org_signing_key("univ-a", KeyAlgorithm::Ed25519).await,
        Err(OrgError::WrongMasterKey)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_rotations_of_one_owner_never_collide() {
    let db = TestDb::new().await;
    let store = open(&db).await;
    let clock = Arc::new(FixedClock::new(start_time()));
    let orgs = Arc::new(Orgs::new(
        store.clone(),
        clock,
        Arc::new(MasterKey::from_base64(MASTER_KEY).unwrap()),
        DidWeb::new(&url::Url::parse("https://portfolio.example.org").unwrap()),
    ));
    orgs.create(
        NewOrg {
            slug: "race".into(),
            ..Default::default()
        },
        &Actor::cli(),
    )
    .await
    .unwrap();
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let orgs = orgs.clone();
        tasks.push(tokio::spawn(async move {
            orgs.rotate_key("race", KeyAlgorithm::Ed25519, &Actor::cli())
                .await
        }));
    }
    for t in tasks {
        t.await.unwrap().expect("every rotation succeeds");
    }
    let org = store.get_org_by_slug("race").await.unwrap().unwrap();
    let keys = store.list_keys(&KeyOwner::Org(org.id)).await.unwrap();
    assert_eq!(keys.len(), 17);
    assert_eq!(
        keys.iter()
            .filter(|k| k.status == KeyStatus::Active)
            .count(),
        1
    );
    let mut fragments: Vec<&str> = keys.iter().map(|k| k.fragment.as_str()).collect();
    fragments.sort();
    fragments.dedup();
    assert_eq!(fragments.len(), 17);

    // Several processes starting at once create one platform key.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let orgs = orgs.clone();
        tasks.push(tokio::spawn(
            async move { orgs.ensure_platform_key().await },
        ));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(store.list_keys(&KeyOwner::Platform).await.unwrap().len(), 1);
}

#[tokio::test]
async fn batch_leases_belong_to_one_worker() {
    use atout_core::store::{Batch, Template};
    let db = TestDb::new().await;
    let store = open(&db).await;
    let a = org("univ-a");
    store
        .create_org(
            &a,
            &[key(
                KeyOwner::Org(a.id.clone()),
                "key-1",
                KeyAlgorithm::Ed25519,
            )],
            &audit(Some(&a.id), "org.created"),
            None,
        )
        .await
        .unwrap();
    let template = Template {
        id: new_id(),
        org_id: a.id.clone(),
        name_fr: "Diplôme".into(),
        name_en: "Diploma".into(),
        credential_type: "DiplomaCredential".into(),
        subject_schema: "{}".into(),
        achievement: None,
        created_at: start_time(),
    };
    store
        .create_template(&template, &audit(Some(&a.id), "template.created"))
        .await
        .unwrap();
    let batch = Batch {
        id: new_id(),
        org_id: a.id.clone(),
        template_id: template.id.clone(),
        options: "{}".into(),
        actor: "cli".into(),
        state: "running".into(),
        total: 0,
        issued: 0,
        skipped: 0,
        failed: 0,
        offered: 0,
        created_at: start_time(),
        updated_at: start_time(),
    };
    store
        .create_batch(&batch, &[], &audit(Some(&a.id), "batch.created"))
        .await
        .unwrap();
    let t0 = start_time();
    let later = |s: i64| t0 + Duration::seconds(s);
    assert!(store
        .lease_batch(&batch.id, "w1", later(120), t0, false)
        .await
        .unwrap());
    // Held: another worker can neither take nor renew it.
    assert!(!store
        .lease_batch(&batch.id, "w2", later(130), later(10), false)
        .await
        .unwrap());
    assert!(!store
        .lease_batch(&batch.id, "w2", later(130), later(10), true)
        .await
        .unwrap());
    assert!(store
        .lease_batch(&batch.id, "w1", later(200), later(60), true)
        .await
        .unwrap());
    assert!(store.orphaned_batches(later(100)).await.unwrap().is_empty());
    // Expired: another worker takes it, and the first can no longer renew.
    assert_eq!(store.orphaned_batches(later(201)).await.unwrap().len(), 1);
    assert!(store
        .lease_batch(&batch.id, "w2", later(330), later(201), false)
        .await
        .unwrap());
    assert!(!store
        .lease_batch(&batch.id, "w1", later(400), later(202), true)
        .await
        .unwrap());
}
