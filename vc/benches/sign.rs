//! Cost of securing a credential, against the raw signatures underneath.
//!
//! Run: `cargo bench -p atout-vc --bench sign`. One process, one thread: the
//! async calls run on a tokio current-thread runtime, so every figure is
//! per core. Each group reports one element per iteration, so criterion's
//! `thrpt` line is operations per second. Results: BENCHMARKS.md.
//!
//! * `raw`: ring Ed25519 and P-256 signatures over 1 KiB, with a key pair
//!   parsed once, and through `PrivateKey::sign` (which parses the PKCS#8
//!   document on every call, as the issuer does); Ed25519 verification.
//! * `secure`: `sign::secure` on an already prepared credential (the diploma
//!   of the integration tests in each format, the Open Badges 3.0 badge).
//! * `stages`: parts of the above, to see where the time goes:
//!   `model::prepare`; JSON-LD expansion of the diploma, and expansion plus
//!   RDF canonicalisation (what Data Integrity does to the document before
//!   hashing; it also does so to the proof options); for `vc+jwt`, josekit
//!   turning the PKCS#8 key into a signer (done on every call by
//!   `jose::sign_vc_jwt`) and the compact JWS with a signer built once.

use atout_core::{
    crypto::{KeyAlgorithm, PrivateKey},
    orgs::SigningKey,
    store::{KeyOwner, KeyStatus, SigningKeyRecord},
};
use atout_vc::{
    jose::JwtAlg,
    model,
    sign::{self, ProofFormat},
    ssi_bridge::Cryptosuite,
    Vc,
};
use chrono::{DateTime, Utc};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use serde_json::{json, Map, Value};
use ssi::{
    claims::vc::v2::JsonCredential,
    json_ld::{ContextLoader, Expandable},
    rdf::{AnyLdEnvironment, LdEnvironment},
};
use std::{collections::HashMap, hint::black_box, time::Duration};

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

fn secure(c: &mut Criterion) {
    let rt = runtime();
    let vc = Vc::new(BASE).expect("bundled contexts");
    let ed = signing_key(KeyAlgorithm::Ed25519, "key-1");
    let p256 = signing_key(KeyAlgorithm::P256, "key-2");
    let diploma = model::prepare(diploma(), DID, &vc.contexts, now()).expect("a valid diploma");
    let badge = model::prepare(badge(), DID, &vc.contexts, now()).expect("a valid badge");

    let cases: [(&str, &Map<String, Value>, ProofFormat, &SigningKey); 5] = [
        (
            "diploma_eddsa-rdfc-2022",
            &diploma,
            ProofFormat::DataIntegrity(Cryptosuite::EddsaRdfc2022),
            &ed,
        ),
        (
            "diploma_ecdsa-rdfc-2019",
            &diploma,
            ProofFormat::DataIntegrity(Cryptosuite::EcdsaRdfc2019),
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
        (
            "badge_eddsa-rdfc-2022",
            &badge,
            ProofFormat::DataIntegrity(Cryptosuite::EddsaRdfc2022),
            &ed,
        ),
    ];

    let created = chrono::DateTime::parse_from_rfc3339("2026-01-15T10:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    // Each case signs once before it is timed: a failure stops the bench
    // rather than timing an error path. The sizes go in BENCHMARKS.md.
    for (name, credential, format, key) in &cases {
        let secured = rt
            .block_on(sign::secure(
                &vc.engine, credential, *format, key, DID, created,
            ))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        eprintln!(
            "{name}: stored {} bytes, response {} bytes",
            secured.stored.len(),
            secured.response.len()
        );
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
                    created,
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
    let input = diploma();
    let prepared = model::prepare(input.clone(), DID, &vc.contexts, now()).expect("valid");

    // The same loader as `ssi_bridge::LdEngine` (whose loader is private).
    let shipped: HashMap<String, String> = vc
        .contexts
        .shipped()
        .map(|(u, t)| (u.to_owned(), t.to_owned()))
        .collect();
    let loader = ContextLoader::empty()
        .with_static_loader()
        .with_context_map_from(shipped)
        .expect("bundled contexts");
    let expand = |credential: &Map<String, Value>| {
        let loader = &loader;
        let credential = credential.clone();
        async move {
            let vc: JsonCredential =
                serde_json::from_value(Value::Object(credential)).expect("a VC 2.0 credential");
            let mut ld = LdEnvironment::default();
            vc.expand_with(&mut ld, loader).await.expect("expanded");
        }
    };
    let canonicalise = |credential: &Map<String, Value>| {
        let loader = &loader;
        let credential = credential.clone();
        async move {
            let vc: JsonCredential =
                serde_json::from_value(Value::Object(credential)).expect("a VC 2.0 credential");
            let mut ld = LdEnvironment::default();
            let expanded = vc.expand_with(&mut ld, loader).await.expect("expanded");
            ld.canonical_form_of(&expanded).expect("canonical form")
        }
    };
    let lines = rt.block_on(canonicalise(&prepared));
    eprintln!(
        "diploma: {} bytes of JSON, canonical form {} N-Quads in {} bytes",
        serde_json::to_string(&prepared).expect("JSON").len(),
        lines.len(),
        lines.iter().map(String::len).sum::<usize>()
    );

    let mut group = c.benchmark_group("stages");
    group.throughput(Throughput::Elements(1));
    group.bench_function("prepare_diploma", |b| {
        b.iter_batched(
            || input.clone(),
            |credential| model::prepare(credential, DID, &vc.contexts, now()).expect("valid"),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("expand_diploma", |b| {
        b.to_async(&rt).iter(|| expand(black_box(&prepared)))
    });
    group.bench_function("expand_canonicalise_diploma", |b| {
        b.to_async(&rt).iter(|| canonicalise(black_box(&prepared)))
    });
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
