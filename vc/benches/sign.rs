//! Cost of securing a credential: Atout's engine against ssi's stock route
//! and against the raw signatures underneath, in one run.
//!
//! Run: `cargo bench -p atout-vc --features ssi-reference --bench sign`
//! (the feature is required: it builds ssi's route, the reference). One
//! process, one thread: the async calls run on a tokio current-thread
//! runtime, so every figure is per core. Each group reports one element per
//! iteration, so criterion's `thrpt` line is operations per second.
//! Results: BENCHMARKS.md.
//!
//! * `raw`: ring Ed25519 and P-256 signatures over 1 KiB, with a key pair
//!   parsed once, and through `PrivateKey::sign` (which parses the PKCS#8
//!   document on every call, as Data Integrity signing does); Ed25519
//!   verification.
//! * `secure`: `sign::secure` (Atout's engine, `canon/`) on an already
//!   prepared credential: the diploma of the integration tests in each
//!   format, the Open Badges 3.0 badge in both Data Integrity suites.
//! * `ssi`: the same Data Integrity proofs through ssi's stock JSON-LD and
//!   RDFC route (`ssi_bridge::reference::sign_data_integrity`), same key,
//!   same date: the Ed25519 proofs are checked byte for byte equal to
//!   Atout's before anything is timed.
//! * `stages`: parts of the above: `model::prepare`; the canonical N-Quads
//!   of the diploma and the badge by Atout's engine and by ssi's route; for
//!   `vc+jwt`, josekit turning the PKCS#8 key into a signer (done on every
//!   call by `jose::sign_vc_jwt`) and the compact JWS with a signer built
//!   once.

use atout_core::{
    crypto::{KeyAlgorithm, PrivateKey},
    orgs::SigningKey,
    store::{KeyOwner, KeyStatus, SigningKeyRecord},
};
use atout_vc::{
    data_integrity::{self, Cryptosuite},
    jose::JwtAlg,
    model,
    sign::{self, ProofFormat},
    ssi_bridge::reference::{self, SsiLd},
    Vc,
};
use chrono::{DateTime, Utc};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use serde_json::{json, Map, Value};
use std::{hint::black_box, time::Duration};

const BASE: &str = "https://portfolio.example.org";
const DID: &str = "did:web:portfolio.example.org:orgs:univ-a";
const MESSAGE_LEN: usize = 1024;

/// The diploma of `tests/it/issue.rs`.
fn diploma() -> Value {
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            format!("{BASE}/contexts/atout/v1"),
        ],
        "type": ["VerifiableCredential", "DiplomaCredential"],
        "name": "Master Informatique",
        "credentialSubject": {
            "id": "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
            "givenName": "Renée",
            "familyName": "Dupont-Lefèvre",
            "degree": {
                "type": "Diploma",
                "name": "Master Informatique, parcours Intelligence Artificielle",
                "eqfLevel": 7,
                "rncp": "RNCP39512",
                "grade": "Bien",
                "awardedOn": "2026-07-03"
            }
        }
    })
}

/// The Open Badges 3.0 badge of `tests/it/issue.rs`.
fn badge() -> Value {
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Premiers secours citoyens",
        "issuer": {"id": DID, "type": ["Profile"], "name": "Organisme univ-a", "url": BASE},
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
    })
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-07-04T09:00:00Z")
        .expect("a date-time")
        .with_timezone(&Utc)
}

/// An organisation key as `orgs` hands it to the issuer, built by hand.
fn signing_key(algorithm: KeyAlgorithm, fragment: &str) -> SigningKey {
    let key = PrivateKey::generate(algorithm).expect("key generation");
    SigningKey {
        record: SigningKeyRecord {
            id: format!("bench-{fragment}"),
            owner: KeyOwner::Org("univ-a".into()),
            fragment: fragment.into(),
            algorithm,
            public_key_multibase: key.public_key().to_multibase(),
            sealed_private_key: Vec::new(),
            status: KeyStatus::Active,
            created_at: now(),
            retired_at: None,
            withdrawn_at: None,
        },
        verification_method: format!("{DID}#{fragment}"),
        key,
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

fn raw(c: &mut Criterion) {
    let message = vec![0x5a_u8; MESSAGE_LEN];
    let ed = PrivateKey::generate(KeyAlgorithm::Ed25519).expect("Ed25519 key");
    let p256 = PrivateKey::generate(KeyAlgorithm::P256).expect("P-256 key");
    let rng = ring::rand::SystemRandom::new();
    let ed_pair = ring::signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(ed.pkcs8_der())
        .expect("Ed25519 key pair");
    let p256_pair = ring::signature::EcdsaKeyPair::from_pkcs8(
        &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        p256.pkcs8_der(),
        &rng,
    )
    .expect("P-256 key pair");
    let ed_signature = ed.sign(&message).expect("Ed25519 signature");
    ed.public_key()
        .verify(&message, &ed_signature)
        .expect("the signature verifies");

    let mut group = c.benchmark_group("raw");
    group.throughput(Throughput::Elements(1));
    group.bench_function("ed25519_sign_1KiB", |b| {
        b.iter(|| ed_pair.sign(black_box(&message)))
    });
    group.bench_function("p256_sign_1KiB", |b| {
        b.iter(|| {
            p256_pair
                .sign(&rng, black_box(&message))
                .expect("P-256 signature")
        })
    });
    group.bench_function("ed25519_sign_1KiB_private_key", |b| {
        b.iter(|| ed.sign(black_box(&message)).expect("Ed25519 signature"))
    });
    group.bench_function("p256_sign_1KiB_private_key", |b| {
        b.iter(|| p256.sign(black_box(&message)).expect("P-256 signature"))
    });
    group.bench_function("ed25519_verify_1KiB", |b| {
        b.iter(|| {
            ed.public_key()
                .verify(black_box(&message), black_box(&ed_signature))
                .expect("the signature verifies")
        })
    });
    group.finish();
}

fn created() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-01-15T10:00:00Z")
        .expect("a date-time")
        .with_timezone(&Utc)
}

/// The proof's `proofValue` in a secured credential's JSON text.
fn proof_value(secured: &str) -> String {
    let value: Value = serde_json::from_str(secured).expect("JSON");
    value["proof"]["proofValue"]
        .as_str()
        .expect("a proofValue")
        .to_owned()
}

fn secure(c: &mut Criterion) {
    let rt = runtime();
    let vc = Vc::new(BASE).expect("bundled contexts");
    let ssi_ld = SsiLd::new(&vc.contexts).expect("bundled contexts");
    let ed = signing_key(KeyAlgorithm::Ed25519, "key-1");
    let p256 = signing_key(KeyAlgorithm::P256, "key-2");
    let diploma = model::prepare(diploma(), DID, &vc.contexts, now()).expect("a valid diploma");
    let badge = model::prepare(badge(), DID, &vc.contexts, now()).expect("a valid badge");
    let eddsa = Cryptosuite::EddsaRdfc2022;
    let ecdsa = Cryptosuite::EcdsaRdfc2019;

    let cases: [(&str, &Map<String, Value>, ProofFormat, &SigningKey); 6] = [
        (
            "diploma_eddsa-rdfc-2022",
            &diploma,
            ProofFormat::DataIntegrity(eddsa),
            &ed,
        ),
        (
            "diploma_ecdsa-rdfc-2019",
            &diploma,
            ProofFormat::DataIntegrity(ecdsa),
            &p256,
        ),
        (
            "badge_eddsa-rdfc-2022",
            &badge,
            ProofFormat::DataIntegrity(eddsa),
            &ed,
        ),
        (
            "badge_ecdsa-rdfc-2019",
            &badge,
            ProofFormat::DataIntegrity(ecdsa),
            &p256,
        ),
        (
            "diploma_vc+jwt_EdDSA",
            &diploma,
            ProofFormat::VcJwt(JwtAlg::EdDSA),
            &ed,
        ),
        (
            "diploma_vc+jwt_ES256",
            &diploma,
            ProofFormat::VcJwt(JwtAlg::ES256),
            &p256,
        ),
    ];
    // ssi's stock route on the same Data Integrity cases.
    let reference_cases: [(&str, &Map<String, Value>, Cryptosuite, &SigningKey); 4] = [
        ("diploma_eddsa-rdfc-2022", &diploma, eddsa, &ed),
        ("diploma_ecdsa-rdfc-2019", &diploma, ecdsa, &p256),
        ("badge_eddsa-rdfc-2022", &badge, eddsa, &ed),
        ("badge_ecdsa-rdfc-2019", &badge, ecdsa, &p256),
    ];

    // Each case signs once before it is timed: a failure stops the bench
    // rather than timing an error path. The sizes go in BENCHMARKS.md.
    for (name, credential, format, key) in &cases {
        let secured = rt
            .block_on(sign::secure(
                &vc.engine,
                credential,
                *format,
                key,
                DID,
                created(),
            ))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        eprintln!(
            "{name}: stored {} bytes, response {} bytes",
            secured.stored.len(),
            secured.response.len()
        );
    }
    // Both routes sign the same bytes: Ed25519 is deterministic, so the
    // proofs must be identical; ECDSA is not (ring draws a nonce), so the
    // canonical forms are compared instead (stages below).
    for (name, credential, suite, key) in &reference_cases {
        let theirs = rt
            .block_on(reference::sign_data_integrity(
                &ssi_ld,
                credential,
                *suite,
                &key.verification_method,
                DID,
                &key.key,
                created(),
            ))
            .unwrap_or_else(|e| panic!("ssi {name}: {e}"));
        let ours = data_integrity::sign_credential(
            &vc.engine,
            credential,
            *suite,
            &key.verification_method,
            &key.key,
            created(),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        if *suite == eddsa {
            assert_eq!(
                proof_value(&ours),
                proof_value(&theirs),
                "{name}: Atout and ssi sign different bytes"
            );
        }
        eprintln!("ssi {name}: {} bytes (Atout: {})", theirs.len(), ours.len());
    }

    let mut group = c.benchmark_group("secure");
    group.throughput(Throughput::Elements(1));
    for (name, credential, format, key) in &cases {
        group.bench_function(*name, |b| {
            b.to_async(&rt).iter(|| async {
                sign::secure(
                    &vc.engine,
                    black_box(credential),
                    *format,
                    key,
                    DID,
                    created(),
                )
                .await
                .expect("signed")
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("ssi");
    group.throughput(Throughput::Elements(1));
    for (name, credential, suite, key) in &reference_cases {
        group.bench_function(*name, |b| {
            b.to_async(&rt).iter(|| async {
                reference::sign_data_integrity(
                    &ssi_ld,
                    black_box(credential),
                    *suite,
                    &key.verification_method,
                    DID,
                    &key.key,
                    created(),
                )
                .await
                .expect("signed")
            })
        });
    }
    group.finish();
}

fn stages(c: &mut Criterion) {
    let rt = runtime();
    let vc = Vc::new(BASE).expect("bundled contexts");
    let ssi_ld = SsiLd::new(&vc.contexts).expect("bundled contexts");
    let input = diploma();
    let prepared = model::prepare(input.clone(), DID, &vc.contexts, now()).expect("valid");
    let badge = model::prepare(badge(), DID, &vc.contexts, now()).expect("valid");
    let documents = [
        ("diploma", Value::Object(prepared.clone())),
        ("badge", Value::Object(badge)),
    ];
    for (name, document) in &documents {
        let ours = data_integrity::canonical_nquads(&vc.engine, document).expect("canonical");
        let theirs = rt
            .block_on(reference::canonical_nquads(&ssi_ld, document))
            .expect("canonical");
        assert_eq!(ours, theirs, "{name}: the canonical forms differ");
        eprintln!(
            "{name}: {} bytes of JSON, canonical form {} N-Quads in {} bytes",
            serde_json::to_string(document).expect("JSON").len(),
            ours.lines().count(),
            ours.len()
        );
    }

    let mut group = c.benchmark_group("stages");
    group.throughput(Throughput::Elements(1));
    group.bench_function("prepare_diploma", |b| {
        b.iter_batched(
            || input.clone(),
            |credential| model::prepare(credential, DID, &vc.contexts, now()).expect("valid"),
            BatchSize::SmallInput,
        )
    });
    for (name, document) in &documents {
        group.bench_function(format!("canonical_nquads_{name}_atout"), |b| {
            b.iter(|| {
                data_integrity::canonical_nquads(&vc.engine, black_box(document))
                    .expect("canonical")
            })
        });
        group.bench_function(format!("canonical_nquads_{name}_ssi"), |b| {
            b.to_async(&rt).iter(|| async {
                reference::canonical_nquads(&ssi_ld, black_box(document))
                    .await
                    .expect("canonical")
            })
        });
    }
    jose_stages(&mut group, &prepared);
    group.finish();
}

/// josekit's part of `jose::sign_vc_jwt`, as it calls it.
fn jose_stages(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    credential: &Map<String, Value>,
) {
    use josekit::jws::{self, JwsHeader, JwsSigner};

    let ed = PrivateKey::generate(KeyAlgorithm::Ed25519).expect("Ed25519 key");
    let p256 = PrivateKey::generate(KeyAlgorithm::P256).expect("P-256 key");
    // The minimal RFC 8410 document `sign_vc_jwt` rebuilds from the seed.
    let pkcs8 = ed.pkcs8_der();
    let at = pkcs8
        .windows(4)
        .position(|w| w == [0x04, 0x22, 0x04, 0x20])
        .expect("an RFC 8410 key");
    let mut ed_der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    ed_der.extend_from_slice(&pkcs8[at + 4..at + 36]);

    let mut header = JwsHeader::new();
    header.set_token_type("vc+jwt");
    header.set_content_type("vc");
    header.set_key_id(format!("{DID}#key-1"));
    let payload = serde_json::to_vec(credential).expect("JSON");

    group.bench_function("josekit_signer_from_der_EdDSA", |b| {
        b.iter(|| {
            jws::EdDSA
                .signer_from_der(black_box(&ed_der))
                .expect("signer")
        })
    });
    group.bench_function("josekit_signer_from_der_ES256", |b| {
        b.iter(|| {
            jws::ES256
                .signer_from_der(black_box(p256.pkcs8_der()))
                .expect("signer")
        })
    });
    let ed_signer = jws::EdDSA.signer_from_der(&ed_der).expect("signer");
    let p256_signer = jws::ES256
        .signer_from_der(p256.pkcs8_der())
        .expect("signer");
    let signers: [(&str, &dyn JwsSigner); 2] = [
        ("josekit_compact_jws_EdDSA", &ed_signer),
        ("josekit_compact_jws_ES256", &p256_signer),
    ];
    for (name, signer) in signers {
        group.bench_function(name, |b| {
            b.iter(|| jws::serialize_compact(black_box(&payload), &header, signer).expect("JWS"))
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(5))
        .sample_size(40);
    targets = raw, secure, stages
}
criterion_main!(benches);
