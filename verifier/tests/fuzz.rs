//! A property-based fuzzing harness for the verifier's entry point (stable
//! Rust has no `cargo fuzz`): arbitrary JSON, arbitrary text as a JWT, and
//! random mutations of genuine credentials in every format. The verifier
//! must never panic, must answer either "malformed" or a report, and must
//! never call a mutated credential verified.
//!
//! CI runs it with a bounded number of cases (`PROPTEST_CASES`, default
//! 256 per property here); run it longer with e.g. `PROPTEST_CASES=20000`.

use atout_core::{
    clock::FixedClock,
    crypto::{KeyAlgorithm, PrivateKey},
};
use atout_verifier::{
    snapshot::SnapshotResolver,
    sources::{RegistrySnapshot, SnapshotLists},
    Verifier, VerifierParts, VerifyOptions,
};
use proptest::prelude::*;
use serde_json::{json, Map, Value};
use std::sync::{Arc, OnceLock};

const BASE: &str = "https://portfolio.example.org";

struct Fixture {
    runtime: tokio::runtime::Runtime,
    verifier: Arc<Verifier>,
    /// Genuine credentials: eddsa, ecdsa, vc+jwt EdDSA, vc+jwt ES256.
    genuine: Vec<Value>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let vc = Arc::new(atout_vc::Vc::new(BASE).unwrap());
        let canon = Arc::new(atout_canon::Canonicalizer::new(vc.contexts.documents()).unwrap());
        let now = chrono::DateTime::parse_from_rfc3339("2030-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let verifier = Arc::new(Verifier::new(VerifierParts {
            vc: vc.clone(),
            canon: Some(canon),
            resolver: Arc::new(SnapshotResolver {
                documents: Default::default(),
            }),
            lists: Arc::new(SnapshotLists::default()),
            local_lists: None,
            registry: Arc::new(RegistrySnapshot::new("did:web:x".into(), now, vec![])),
            clock: Arc::new(FixedClock::new(now)),
            list_ttl: std::time::Duration::from_secs(300),
            snapshot_taken_at: None,
        }));
        let genuine = runtime.block_on(async {
            let mut out = Vec::new();
            for alg in [KeyAlgorithm::Ed25519, KeyAlgorithm::P256] {
                let key = PrivateKey::generate(alg).unwrap();
                let mb = key.public_key().to_multibase();
                let did = format!("did:key:{mb}");
                let vm = format!("{did}#{mb}");
                let credential = credential(&did);
                let suite = match alg {
                    KeyAlgorithm::Ed25519 => atout_vc::data_integrity::Cryptosuite::EddsaRdfc2022,
                    KeyAlgorithm::P256 => atout_vc::data_integrity::Cryptosuite::EcdsaRdfc2019,
                };
                let text = atout_vc::data_integrity::sign_credential(
                    &vc.engine,
                    &credential,
                    suite,
                    &vm,
                    &key,
                    now,
                )
                .unwrap();
                out.push(serde_json::from_str(&text).unwrap());
                let jalg = match alg {
                    KeyAlgorithm::Ed25519 => atout_vc::jose::JwtAlg::EdDSA,
                    KeyAlgorithm::P256 => atout_vc::jose::JwtAlg::ES256,
                };
                let jwt = atout_vc::jose::sign_vc_jwt(&credential, jalg, &vm, &key).unwrap();
                out.push(Value::String(jwt));
            }
            out
        });
        Fixture {
            runtime,
            verifier,
            genuine,
        }
    })
}

fn credential(did: &str) -> Map<String, Value> {
    let v = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", format!("{BASE}/contexts/atout/v1")],
        "id": "urn:uuid:4f9c2a7e-5b1d-4c3e-8a2f-1d2e3f4a5b6c",
        "type": ["VerifiableCredential", "DiplomaCredential"],
        "issuer": did,
        "validFrom": "2026-01-15T10:00:00Z",
        "name": "Master Informatique",
        "credentialSubject": {
            "id": "did:example:holder",
            "givenName": "Renée",
            "familyName": "Dupont",
            "degree": {"type": "Diploma", "name": "Master", "eqfLevel": 7, "awardedOn": "2026-07-03"}
        }
    });
    v.as_object().unwrap().clone()
}

/// Verifies; panics are the failure this harness looks for.
fn run(input: &Value) -> Option<bool> {
    let f = fixture();
    f.runtime
        .block_on(
            f.verifier
                .verify_credential(input, &VerifyOptions::default()),
        )
        .ok()
        .map(|report| {
            // A report is consistent: verified only when every deciding
            // check passed.
            if report.verified {
                assert!(report.errors.is_empty(), "{report:?}");
            }
            report.verified
        })
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|n| json!(n)),
        ".{0,20}".prop_map(Value::String),
        prop_oneof![
            Just("VerifiableCredential"),
            Just("https://www.w3.org/ns/credentials/v2"),
            Just("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"),
            Just("DataIntegrityProof"),
            Just("eddsa-rdfc-2022"),
            Just("@context"),
            Just("eyJhbGciOiJub25lIn0.e30."),
        ]
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("@context".to_owned()),
                    Just("type".to_owned()),
                    Just("issuer".to_owned()),
                    Just("credentialSubject".to_owned()),
                    Just("proof".to_owned()),
                    Just("credentialStatus".to_owned()),
                    Just("validFrom".to_owned()),
                    "[a-zA-Z@]{1,10}",
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every path to a leaf or node of `v`.
fn paths(v: &Value, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(prefix.clone());
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let mut p = prefix.clone();
                p.push(k.clone());
                paths(x, p, out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let mut p = prefix.clone();
                p.push(i.to_string());
                paths(x, p, out);
            }
        }
        _ => {}
    }
}

fn replace(v: &mut Value, path: &[String], new: Value) {
    let mut at = v;
    for key in path {
        at = match at {
            Value::Object(m) => m.get_mut(key).unwrap(),
            Value::Array(a) => &mut a[key.parse::<usize>().unwrap()],
            _ => unreachable!(),
        };
    }
    *at = new;
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256),
        failure_persistence: None,
        .. ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_json_never_panics(input in arb_json()) {
        let _ = run(&input);
        let _ = run(&json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], "issuer": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "credentialSubject": {}, "proof": input}));
    }

    #[test]
    fn arbitrary_text_as_a_jwt_never_panics(text in "[A-Za-z0-9_.=-]{0,200}") {
        prop_assert_ne!(run(&Value::String(text)), Some(true));
    }

    #[test]
    fn a_mutated_data_integrity_credential_never_verifies(which in 0usize..2, pick in any::<prop::sample::Index>(), new in arb_json()) {
        let genuine = &fixture().genuine[which * 2];
        let mut all = Vec::new();
        paths(genuine, vec![], &mut all);
        let path = pick.get(&all[1..]).clone();
        let mut mutated = genuine.clone();
        replace(&mut mutated, &path, new);
        if mutated != *genuine {
            prop_assert_ne!(run(&mutated), Some(true), "mutated at {:?}", path);
        }
    }

    #[test]
    fn a_mutated_jwt_never_verifies(which in 0usize..2, at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let genuine = fixture().genuine[which * 2 + 1].as_str().unwrap().to_owned();
        let mut bytes = genuine.clone().into_bytes();
        let i = at.index(bytes.len());
        bytes[i] = byte;
        if let Ok(text) = String::from_utf8(bytes) {
            if text != genuine {
                prop_assert_ne!(run(&Value::String(text)), Some(true));
            }
        }
    }
}

#[test]
fn the_genuine_credentials_verify() {
    let f = fixture();
    assert_eq!(f.genuine.len(), 4);
    for g in &f.genuine {
        assert_eq!(run(g), Some(true), "{g}");
    }
}
