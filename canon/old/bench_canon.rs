//! The lean route against ssi's on a signed diploma and a signed Open Badge:
//! `cargo bench -p atout-canon`.

use atout_canon::Canonicalizer;
use atout_vc::contexts::Contexts;
use atout_vc::ssi_bridge::{canonical_nquads, LdEngine};
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::{json, Value};
use std::hint::black_box;

const ISSUER: &str = "did:web:portfolio.example.org:orgs:univ-orleans";
const HOLDER: &str = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";

fn proof() -> Value {
    json!({
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-07-01T08:30:00Z",
        "verificationMethod": format!("{ISSUER}#key-1"),
        "proofPurpose": "assertionMethod",
        "proofValue": "z5vgFc9DwX8bA4nM1jB6rQ2V7cP9eT3kL8sY4hN6mW2xR5uZ1aD7gK3pJ9tE4bF8cH2qS6vL1yN5wM3xC7dR9"
    })
}

fn diploma() -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://portfolio.example.org/contexts/atout/v1"],
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
        },
        "proof": proof()
    })
}

fn open_badge() -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Prévention et secours civiques de niveau 1 (PSC1)",
        "issuer": {"id": ISSUER, "type": ["Profile"], "name": "Université d'Orléans"},
        "validFrom": "2026-05-12T00:00:00Z",
        "credentialSubject": {
            "id": HOLDER,
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://portfolio.example.org/achievements/psc1",
                "type": ["Achievement"],
                "name": "Prévention et secours civiques de niveau 1",
                "description": "Savoir protéger, alerter et porter les premiers secours.",
                "achievementType": "Certificate",
                "criteria": {"narrative": "Suivre les 7 heures de formation PSC1 et réussir les mises en situation."},
                "image": {"id": "https://portfolio.example.org/images/psc1.png", "type": "Image", "caption": "PSC1"},
                "alignment": [
                    {"type": ["Alignment"], "targetName": "Prévention et secours civiques de niveau 1",
                     "targetUrl": "https://www.francecompetences.fr/recherche/rs/5765/",
                     "targetFramework": "Répertoire spécifique (RS), France compétences, 2026",
                     "targetCode": "RS5765", "targetType": "ext:RS"},
                    {"type": ["Alignment"], "targetName": "provide first aid",
                     "targetUrl": "http://data.europa.eu/esco/skill/ad8ae9b5-0f2c-4e9d-9a2f-7d1b0b9fbd2c",
                     "targetFramework": "ESCO v1.2", "targetType": "ext:ESCO"}
                ]
            }
        },
        "proof": proof()
    })
}

fn bench(c: &mut Criterion) {
    let contexts = Contexts::new("https://portfolio.example.org");
    let lean = Canonicalizer::new(contexts.documents()).expect("contexts");
    let engine = LdEngine::new(&contexts).expect("engine");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    for (name, doc) in [("diploma", diploma()), ("open_badge", open_badge())] {
        let full = runtime
            .block_on(canonical_nquads(&engine, &doc))
            .expect("ssi");
        assert_eq!(
            lean.canonicalize(&doc).expect("lean"),
            Some(full),
            "{name}: both routes agree"
        );
        let mut group = c.benchmark_group(name);
        group.bench_function("lean", |b| b.iter(|| lean.canonicalize(black_box(&doc))));
        group.bench_function("lean_hash", |b| {
            b.iter(|| lean.canonical_hash(black_box(&doc)))
        });
        group.bench_function("ssi", |b| {
            b.iter(|| runtime.block_on(canonical_nquads(&engine, black_box(&doc))))
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
