//! Verification speed per format on one core, next to raw signature
//! verification, in one run. `cargo bench -p atout-verifier --bench verify`
//! (or `scripts/bench-verify`, which also runs the Node verifier on the same
//! credentials and prints ratios).
//!
//! Every credential is verified end to end by the engine (parsing, key
//! resolution, canonicalisation, signature, dates, status entries absent,
//! trust registry lookup) with a did:key issuer, so no I/O is measured.
//! Credentials: the diploma (eddsa-rdfc-2022, ecdsa-rdfc-2019, vc+jwt), the
//! Open Badges 3.0 badge, the badge with an `allowedValue` list
//! (`@container: @list`), and the diploma with `name` in three languages
//! with `@direction`.

use atout_core::{
    clock::FixedClock,
    crypto::{KeyAlgorithm, PrivateKey},
};
use atout_verifier::{
    snapshot::SnapshotResolver,
    sources::{RegistrySnapshot, SnapshotLists},
    Verifier, VerifierParts, VerifyOptions,
};
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::{json, Map, Value};
use std::sync::Arc;

const BASE: &str = "https://portfolio.example.org";

fn verifier(vc: Arc<atout_vc::Vc>) -> Arc<Verifier> {
    let now = chrono::DateTime::parse_from_rfc3339("2030-01-01T00:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    Arc::new(Verifier::new(VerifierParts {
        vc,
        // The signer's engine (`vc.engine`), as in the server.
        canon: None,
        resolver: Arc::new(SnapshotResolver {
            documents: Default::default(),
        }),
        lists: Arc::new(SnapshotLists::default()),
        local_lists: None,
        registry: Arc::new(RegistrySnapshot::new("did:web:x".into(), now, vec![])),
        clock: Arc::new(FixedClock::new(now)),
        list_ttl: std::time::Duration::from_secs(300),
        snapshot_taken_at: None,
    }))
}

/// The diploma used across benchmarks (and by scripts/bench-verify).
pub fn diploma(did: &str) -> Map<String, Value> {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", format!("{BASE}/contexts/atout/v1")],
        "id": "urn:uuid:4f9c2a7e-5b1d-4c3e-8a2f-1d2e3f4a5b6c",
        "type": ["VerifiableCredential", "DiplomaCredential"],
        "issuer": did,
        "validFrom": "2026-01-15T10:00:00Z",
        "name": "Master Informatique",
        "credentialSubject": {
            "id": "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
            "givenName": "Renée",
            "familyName": "Dupont-Lefèvre",
            "birthDate": "2001-04-12",
            "studentNumber": "21804563",
            "degree": {
                "type": "Diploma",
                "name": "Master Informatique, parcours Intelligence Artificielle",
                "eqfLevel": 7,
                "rncp": "RNCP39512",
                "fieldOfStudy": "Informatique",
                "grade": "Bien",
                "credits": 120,
                "awardedOn": "2026-07-03"
            }
        }
    })
    .as_object()
    .unwrap()
    .clone()
}

fn badge(did: &str) -> Map<String, Value> {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:9b1c2a7e-5b1d-4c3e-8a2f-1d2e3f4a5b6c",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Premiers secours citoyens",
        "issuer": {"id": did, "type": ["Profile"], "name": "Organisme de formation", "url": "https://formation.example.org"},
        "validFrom": "2026-01-15T10:00:00Z",
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
    .as_object()
    .unwrap()
    .clone()
}

/// The badge with a result description whose `allowedValue` is an ordered
/// list (`@container: @list` in the OB 3.0.3 context).
fn badge_with_list(did: &str) -> Map<String, Value> {
    let mut b = badge(did);
    b["credentialSubject"]["achievement"]["resultDescription"] = json!([{
        "id": "urn:uuid:2f4c6e8a-1b3d-4f5a-8c9e-0a1b2c3d4e5f",
        "type": ["ResultDescription"],
        "name": "Niveau",
        "resultType": "LetterGrade",
        "allowedValue": ["A", "B", "C", "D"]
    }]);
    b
}

/// The diploma with its `name` in three languages, as value objects with
/// `@language` and `@direction` (`rdfDirection: i18n-datatype`).
fn diploma_with_languages(did: &str) -> Map<String, Value> {
    let mut d = diploma(did);
    d["name"] = json!([
        {"@value": "Diplôme national de master", "@language": "fr", "@direction": "ltr"},
        {"@value": "Master's degree", "@language": "en", "@direction": "ltr"},
        {"@value": "شهادة الماجستير", "@language": "ar", "@direction": "rtl"}
    ]);
    d
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let vc = Arc::new(atout_vc::Vc::new(BASE).unwrap());
    let engine = verifier(vc.clone());
    let ed = PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap();
    let p256 = PrivateKey::generate(KeyAlgorithm::P256).unwrap();
    let ids = |k: &PrivateKey| {
        let mb = k.public_key().to_multibase();
        (format!("did:key:{mb}"), format!("did:key:{mb}#{mb}"))
    };
    let (ed_did, ed_vm) = ids(&ed);
    let (p_did, p_vm) = ids(&p256);
    use atout_vc::data_integrity::{sign_credential, Cryptosuite};
    let created = chrono::DateTime::parse_from_rfc3339("2026-01-15T10:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let sign = |cred: Map<String, Value>, suite, vm: &str, did: &str, key: &PrivateKey| -> Value {
        let _ = did;
        let text = sign_credential(&vc.engine, &cred, suite, vm, key, created).unwrap();
        serde_json::from_str(&text).unwrap()
    };
    let eddsa = sign(
        diploma(&ed_did),
        Cryptosuite::EddsaRdfc2022,
        &ed_vm,
        &ed_did,
        &ed,
    );
    let ecdsa = sign(
        diploma(&p_did),
        Cryptosuite::EcdsaRdfc2019,
        &p_vm,
        &p_did,
        &p256,
    );
    let ob = sign(
        badge(&ed_did),
        Cryptosuite::EddsaRdfc2022,
        &ed_vm,
        &ed_did,
        &ed,
    );
    let ob_list = sign(
        badge_with_list(&ed_did),
        Cryptosuite::EddsaRdfc2022,
        &ed_vm,
        &ed_did,
        &ed,
    );
    let languages = sign(
        diploma_with_languages(&ed_did),
        Cryptosuite::EddsaRdfc2022,
        &ed_vm,
        &ed_did,
        &ed,
    );
    let jwt_ed = Value::String(
        atout_vc::jose::sign_vc_jwt(
            &diploma(&ed_did),
            atout_vc::jose::JwtAlg::EdDSA,
            &ed_vm,
            &ed,
        )
        .unwrap(),
    );
    let jwt_es = Value::String(
        atout_vc::jose::sign_vc_jwt(
            &diploma(&p_did),
            atout_vc::jose::JwtAlg::ES256,
            &p_vm,
            &p256,
        )
        .unwrap(),
    );
    if let Ok(dir) = std::env::var("ATOUT_BENCH_DUMP") {
        // For scripts/bench-verify: the same credentials for the Node verifier.
        let doc = |did: &str| {
            serde_json::to_value(
                runtime
                    .block_on(atout_vc::ssi_bridge::resolve_did_key(did))
                    .unwrap(),
            )
            .unwrap()
        };
        std::fs::write(
            format!("{dir}/credentials.json"),
            json!({"eddsa-rdfc-2022": eddsa, "ecdsa-rdfc-2019": ecdsa, "ob-eddsa-rdfc-2022": ob,
                   "ob-list-eddsa-rdfc-2022": ob_list, "languages-eddsa-rdfc-2022": languages,
                   "vc+jwt-EdDSA": jwt_ed, "vc+jwt-ES256": jwt_es,
                   "context": serde_json::from_str::<Value>(atout_vc::contexts::ATOUT_CONTEXT).unwrap(),
                   "contextUrl": format!("{BASE}/contexts/atout/v1"),
                   "didDocuments": {ed_did.clone(): doc(&ed_did), p_did.clone(): doc(&p_did)}})
            .to_string(),
        )
        .unwrap();
    }
    let options = VerifyOptions::default();
    let check = |v: &Arc<Verifier>, input: &Value| {
        let report = runtime
            .block_on(v.verify_credential(input, &options))
            .unwrap();
        assert!(report.verified, "{report:?}");
    };

    let mut g = c.benchmark_group("verify");
    let message = [7u8; 64];
    let ed_sig = ed.sign(&message).unwrap();
    let p_sig = p256.sign(&message).unwrap();
    let ed_public = ed.public_key();
    g.bench_function("raw Ed25519 (ring)", |b| {
        b.iter(|| {
            ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, ed_public.as_bytes())
                .verify(&message, &ed_sig)
                .unwrap()
        })
    });
    // What the engine calls (ed25519-dalek).
    g.bench_function("raw Ed25519 (PublicKey::verify)", |b| {
        b.iter(|| ed_public.verify(&message, &ed_sig).unwrap())
    });
    g.bench_function("raw P-256 (ring)", |b| {
        b.iter(|| p256.public_key().verify(&message, &p_sig).unwrap())
    });
    for (name, v, input) in [
        ("diploma eddsa-rdfc-2022", &engine, &eddsa),
        ("diploma ecdsa-rdfc-2019", &engine, &ecdsa),
        ("badge eddsa-rdfc-2022", &engine, &ob),
        ("badge with a list eddsa-rdfc-2022", &engine, &ob_list),
        (
            "diploma with languages eddsa-rdfc-2022",
            &engine,
            &languages,
        ),
        ("diploma vc+jwt EdDSA", &engine, &jwt_ed),
        ("diploma vc+jwt ES256", &engine, &jwt_es),
    ] {
        check(v, input);
        g.bench_function(name, |b| b.iter(|| check(v, input)));
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
