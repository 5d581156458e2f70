//! The whole engine (context processing with the cache, expansion, toRdf,
//! RDFC-1.0, SHA-256) on the credentials Atout signs and verifies:
//! `cargo bench -p atout-canon --bench canon`. One thread: per-core figures.
//! Results: BENCHMARKS.md.

use atout_canon::Canonicalizer;
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::{json, Value};
use std::hint::black_box;

const ISSUER: &str = "did:web:portfolio.example.org:orgs:univ-orleans";
const HOLDER: &str = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
const ATOUT: &str = "https://portfolio.example.org/contexts/atout/v1";

fn contexts() -> Vec<(String, String)> {
    let file = |name: &str| {
        std::fs::read_to_string(format!(
            "{}/../vc/contexts/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("bundled context")
    };
    vec![
        (
            "https://www.w3.org/ns/credentials/v2".into(),
            file("credentials-v2.jsonld"),
        ),
        (
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json".into(),
            file("ob-v3p0-context-3.0.3.json"),
        ),
        (ATOUT.into(), file("atout-v1.json")),
    ]
}

fn proof() -> Value {
    json!({
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-07-01T08:30:00Z",
        "verificationMethod": format!("{ISSUER}#key-1"),
        "proofPurpose": "assertionMethod"
    })
}

fn diploma() -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", ATOUT],
        "id": "urn:uuid:0b9a1e4e-6c8b-4f7a-9d1e-2f3a4b5c6d7e",
        "type": ["VerifiableCredential", "DiplomaCredential"],
        "name": "Diplôme national de master",
        "issuer": ISSUER,
        "validFrom": "2026-07-01T00:00:00Z",
        "credentialSubject": {
            "id": HOLDER,
            "givenName": "Camille",
            "familyName": "Durand-Lefèvre",
            "birthDate": "2001-03-14",
            "degree": {
                "type": "Diploma",
                "name": "Master Informatique",
                "eqfLevel": 7,
                "rncp": "RNCP39225",
                "fieldOfStudy": "Informatique",
                "grade": "Très bien",
                "credits": 120,
                "awardedOn": "2026-06-30"
            }
        },
        "credentialStatus": {
            "id": "https://portfolio.example.org/orgs/univ-orleans/status/3#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": "https://portfolio.example.org/orgs/univ-orleans/status/3"
        }
    })
}

fn open_badge() -> Value {
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": "urn:uuid:5f0c7c1e-2d7e-4b8a-9a57-0c1d2e3f4a5b",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Premiers secours (PSC1)",
        "issuer": {"id": ISSUER, "type": ["Profile"], "name": "Université d'Orléans"},
        "validFrom": "2026-07-01T00:00:00Z",
        "credentialSubject": {
            "id": HOLDER,
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://portfolio.example.org/orgs/univ-orleans/achievements/psc1",
                "type": ["Achievement"],
                "name": "Prévention et secours civiques de niveau 1",
                "description": "Formation aux gestes de premiers secours.",
                "criteria": {"narrative": "Avoir suivi la formation de 7 heures et réussi l'évaluation."},
                "resultDescription": [{
                    "id": "urn:uuid:2f4c6e8a-1b3d-4f5a-8c9e-0a1b2c3d4e5f",
                    "type": ["ResultDescription"],
                    "name": "Niveau",
                    "resultType": "LetterGrade",
                    "allowedValue": ["A", "B", "C", "D"]
                }]
            }
        }
    })
}

fn languages() -> Value {
    let mut d = diploma();
    d["name"] = json!([
        {"@value": "Diplôme national de master", "@language": "fr", "@direction": "ltr"},
        {"@value": "Master's degree", "@language": "en", "@direction": "ltr"},
        {"@value": "شهادة الماجستير", "@language": "ar", "@direction": "rtl"}
    ]);
    d
}

fn engine(c: &mut Criterion) {
    let canon = Canonicalizer::new(contexts()).expect("contexts");
    let docs = [
        ("diploma", diploma()),
        ("open-badge-3.0.3", open_badge()),
        ("diploma-with-language-values", languages()),
    ];
    for (name, doc) in &docs {
        let out = canon.canonicalize(doc).expect("canonical");
        eprintln!("{name}: {} N-Quads", out.lines().count());
    }
    let mut group = c.benchmark_group("canonicalize");
    group.throughput(criterion::Throughput::Elements(1));
    for (name, doc) in &docs {
        group.bench_function(*name, |b| {
            b.iter(|| canon.canonical_hash(black_box(doc)).expect("hash"))
        });
    }
    let mut config = proof();
    config["@context"] = diploma()["@context"].clone();
    group.bench_function("proof-configuration", |b| {
        b.iter(|| canon.canonical_hash(black_box(&config)).expect("hash"))
    });
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
