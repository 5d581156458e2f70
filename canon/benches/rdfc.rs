//! RDFC-1.0 speed: a diploma-like credential (about 30 quads, a few blank
//! nodes whose first-degree hashes are unique: the everyday case) and a
//! cycle of 10 blank nodes that look alike (the N-degree path).

use atout_canon::{nquads, rdfc, Budget, Limits};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::time::Duration;

const DIPLOMA: &str = r#"
_:b0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://www.w3.org/2018/credentials#VerifiableCredential> .
_:b0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential> .
_:b0 <https://schema.org/name> "Diplôme national de master" .
_:b0 <https://www.w3.org/2018/credentials#issuer> <did:web:univ.example> .
_:b0 <https://www.w3.org/2018/credentials#validFrom> "2025-07-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> .
_:b0 <https://www.w3.org/2018/credentials#validUntil> "2075-07-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> .
_:b0 <https://www.w3.org/2018/credentials#credentialSubject> _:b1 .
_:b0 <https://www.w3.org/2018/credentials#credentialStatus> <https://univ.example/status/3#94567> .
_:b0 <https://www.w3.org/2018/credentials#credentialSchema> _:b4 .
_:b1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#AchievementSubject> .
_:b1 <https://purl.imsglobal.org/spec/vc/ob/vocab.html#achievement> _:b2 .
_:b1 <https://purl.imsglobal.org/spec/vc/ob/vocab.html#identifier> _:b3 .
_:b1 <https://purl.imsglobal.org/spec/vc/ob/vocab.html#activityEndDate> "2025-06-30T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> .
_:b2 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#Achievement> .
_:b2 <https://schema.org/name> "Master Informatique, parcours « Systèmes répartis »"@fr .
_:b2 <https://schema.org/description> "Diplôme conférant le grade de master.\nMention : bien."@fr .
_:b2 <https://purl.imsglobal.org/spec/vc/ob/vocab.html#achievementType> "Master" .
_:b2 <https://purl.imsglobal.org/spec/vc/ob/vocab.html#creditsAvailable> "120"^^<http://www.w3.org/2001/XMLSchema#float> .
_:b2 <https://purl.imsglobal.org/spec/vc/ob/vocab.html#fieldOfStudy> "Informatique" .
_:b2 <https://purl.imsglobal.org/spec/vc/ob/vocab.html#criteria> _:b5 .
_:b2 <https://purl.imsglobal.org/spec/vc/ob/vocab.html#creator> <did:web:univ.example> .
_:b3 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#IdentityObject> .
_:b3 <https://purl.imsglobal.org/spec/vc/ob/vocab.html#hashed> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> .
_:b3 <https://purl.imsglobal.org/spec/vc/ob/vocab.html#identityHash> "sha256$c7ef86405ba71b85acd8e2e95166c4b111448089f2e1599f42fe1bba46e865c5" .
_:b3 <https://purl.imsglobal.org/spec/vc/ob/vocab.html#identityType> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#emailAddress> .
_:b3 <https://purl.imsglobal.org/spec/vc/ob/vocab.html#salt> "not-a-secret" .
_:b4 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#1EdTechJsonSchemaValidator2019> .
_:b4 <https://purl.imsglobal.org/spec/vc/ob/vocab.html#schemaId> <https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json> .
_:b5 <https://purl.imsglobal.org/spec/vc/ob/vocab.html#narrative> "Validation des 120 crédits ECTS et soutenance du mémoire." .
<did:web:univ.example> <https://schema.org/name> "Université d'exemple" .
"#;

fn cycle(n: usize) -> String {
    (0..n)
        .map(|i| format!("_:n{i} <http://example.org/next> _:n{} .\n", (i + 1) % n))
        .collect()
}

fn bench(c: &mut Criterion) {
    let diploma = nquads::parse(DIPLOMA).expect("the diploma parses");
    let cycle10 = nquads::parse(&cycle(10)).expect("the cycle parses");
    assert_eq!(diploma.len(), 30);
    c.bench_function("rdfc/diploma-30-quads-6-blank-nodes", |b| {
        b.iter(|| {
            let mut budget = Budget::new(Limits::default());
            rdfc::canonicalize(black_box(&diploma), &mut budget).expect("canonical")
        })
    });
    c.bench_function("rdfc/cycle-10-blank-nodes", |b| {
        b.iter(|| {
            let mut budget = Budget::new(Limits::default());
            rdfc::canonicalize(black_box(&cycle10), &mut budget).expect("canonical")
        })
    });
    c.bench_function("nquads/parse-diploma", |b| {
        b.iter(|| nquads::parse(black_box(DIPLOMA)).expect("parses"))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
