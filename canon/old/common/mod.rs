//! Both routes side by side: the lean one (this crate) and ssi's
//! (`atout_vc::ssi_bridge::canonical_nquads`), on the contexts Atout allows.

#![allow(dead_code)]

use atout_canon::Canonicalizer;
use atout_vc::contexts::Contexts;
use atout_vc::ssi_bridge::{canonical_nquads, LdEngine};
use serde_json::{json, Value};
use std::sync::OnceLock;

pub const BASE: &str = "https://portfolio.example.org";
pub const ATOUT: &str = "https://portfolio.example.org/contexts/atout/v1";
pub const V2: &str = "https://www.w3.org/ns/credentials/v2";
pub const V1: &str = "https://www.w3.org/2018/credentials/v1";
pub const DI_V2: &str = "https://w3id.org/security/data-integrity/v2";
pub const ED2020: &str = "https://w3id.org/security/suites/ed25519-2020/v1";
pub const OB_3_0_0: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context.json";
pub const OB_3_0_1: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json";
pub const OB_3_0_2: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json";
pub const OB_3_0_3: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

pub const ISSUER: &str = "did:web:portfolio.example.org:orgs:univ-orleans";
pub const HOLDER: &str = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
pub const STATUS_LIST: &str = "https://portfolio.example.org/orgs/univ-orleans/status/3";

pub struct Routes {
    pub lean: Canonicalizer,
    pub engine: LdEngine,
    runtime: tokio::runtime::Runtime,
}

pub fn routes() -> &'static Routes {
    static ROUTES: OnceLock<Routes> = OnceLock::new();
    ROUTES.get_or_init(|| {
        let contexts = Contexts::new(BASE);
        Routes {
            lean: Canonicalizer::new(contexts.documents()).expect("the allowed contexts"),
            engine: LdEngine::new(&contexts).expect("ssi's loader"),
            runtime: tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("a runtime"),
        }
    })
}

impl Routes {
    /// ssi's canonical N-Quads.
    pub fn full(&self, doc: &Value) -> Result<String, String> {
        self.runtime
            .block_on(canonical_nquads(&self.engine, doc))
            .map_err(|e| e.to_string())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Both routes give the same bytes.
    Same,
    /// The lean route declined; ssi's result stands.
    Fallback,
}

/// Compares the routes on `doc`: when the lean route answers, ssi must
/// answer the very same bytes.
pub fn compare(doc: &Value) -> Outcome {
    let r = routes();
    let lean = r
        .lean
        .canonicalize(doc)
        .expect("no error from the lean route");
    match lean {
        Some(lean) => {
            let full = r.full(doc);
            assert_eq!(
                Ok(lean.clone()),
                full,
                "the routes differ on\n{}",
                serde_json::to_string_pretty(doc).unwrap_or_default()
            );
            let hash = r
                .lean
                .canonical_hash(doc)
                .expect("no error")
                .expect("a hash");
            use sha2::Digest;
            assert_eq!(hash.as_slice(), &sha2::Sha256::digest(lean.as_bytes())[..]);
            Outcome::Same
        }
        None => Outcome::Fallback,
    }
}

/// Same bytes, and the lean route must have answered.
pub fn same(doc: &Value) {
    assert_eq!(
        compare(doc),
        Outcome::Same,
        "the lean route declined (at {:?})\n{}",
        Canonicalizer::declined_at(),
        serde_json::to_string_pretty(doc).unwrap_or_default()
    );
}

pub fn with(mut doc: Value, key: &str, value: Value) -> Value {
    if let Some(map) = doc.as_object_mut() {
        map.insert(key.to_owned(), value);
    }
    doc
}

pub fn without(mut doc: Value, key: &str) -> Value {
    if let Some(map) = doc.as_object_mut() {
        map.remove(key);
    }
    doc
}

/// A diploma as the issuer's template builds it (VC 2.0, Atout context).
pub fn diploma() -> Value {
    json!({
        "@context": [V2, ATOUT],
        "id": "urn:uuid:0b9a1e4e-6c8b-4f7a-9d1e-2f3a4b5c6d7e",
        "type": ["VerifiableCredential", "DiplomaCredential"],
        "name": "Diplôme national de master",
        "issuer": ISSUER,
        "validFrom": "2026-07-01T00:00:00Z",
        "credentialSubject": {
            "id": HOLDER,
            "type": "Person",
            "givenName": "Camille",
            "familyName": "Durand-Lefèvre",
            "birthDate": "2001-03-14",
            "studentNumber": "21904512",
            "degree": {
                "type": "Diploma",
                "name": "Master Informatique",
                "eqfLevel": 7,
                "rncp": "RNCP39225",
                "fieldOfStudy": "Informatique",
                "specialisation": "Sécurité des systèmes d'information",
                "grade": "Très bien",
                "credits": 120,
                "awardedOn": "2026-06-30"
            }
        }
    })
}

pub fn status_entry(index: u64) -> Value {
    json!({
        "id": format!("{STATUS_LIST}#{index}"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": index.to_string(),
        "statusListCredential": STATUS_LIST,
    })
}

pub fn proof(purpose: &str) -> Value {
    json!({
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-07-01T08:30:00Z",
        "verificationMethod": format!("{ISSUER}#key-1"),
        "proofPurpose": purpose,
        "proofValue": "z5vgFc9DwX8bA4nM1jB6rQ2V7cP9eT3kL8sY4hN6mW2xR5uZ1aD7gK3pJ9tE4bF8cH2qS6vL1yN5wM3xC7dR9"
    })
}

/// The proof configuration of `secured`: its proof without `proofValue`,
/// with the credential's `@context`.
pub fn proof_configuration(secured: &Value) -> Value {
    let mut config = secured["proof"].clone();
    if let Some(map) = config.as_object_mut() {
        map.remove("proofValue");
        map.insert("@context".into(), secured["@context"].clone());
    }
    config
}

/// An Open Badges 3.0 AchievementCredential as the issuer's template builds
/// it (the PSC1 badge), under `ob` (one of the OB contexts).
pub fn open_badge(ob: &str) -> Value {
    json!({
        "@context": [V2, ob],
        "id": "urn:uuid:6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Prévention et secours civiques de niveau 1 (PSC1)",
        "issuer": {
            "id": ISSUER,
            "type": ["Profile"],
            "name": "Université d'Orléans"
        },
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
                "criteria": {
                    "narrative": "Suivre les 7 heures de formation PSC1 et réussir les mises en situation évaluées par un formateur habilité."
                },
                "image": {
                    "id": "https://portfolio.example.org/images/psc1.png",
                    "type": "Image",
                    "caption": "PSC1"
                },
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": "Prévention et secours civiques de niveau 1",
                        "targetUrl": "https://www.francecompetences.fr/recherche/rs/5765/",
                        "targetFramework": "Répertoire spécifique (RS), France compétences, 2026",
                        "targetCode": "RS5765",
                        "targetType": "ext:RS"
                    },
                    {
                        "type": ["Alignment"],
                        "targetName": "provide first aid",
                        "targetUrl": "http://data.europa.eu/esco/skill/ad8ae9b5-0f2c-4e9d-9a2f-7d1b0b9fbd2c",
                        "targetFramework": "ESCO v1.2",
                        "targetType": "ext:ESCO"
                    }
                ]
            }
        }
    })
}

pub fn status_list_credential() -> Value {
    json!({
        "@context": [V2],
        "id": STATUS_LIST,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": ISSUER,
        "validFrom": "2026-07-01T08:30:00Z",
        "credentialSubject": {
            "id": format!("{STATUS_LIST}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA",
            "ttl": 300000
        }
    })
}

pub fn secured(doc: Value, purpose: &str) -> Value {
    with(doc, "proof", proof(purpose))
}
