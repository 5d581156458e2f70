//! `atout dev seed`: synthetic citizens with entries and credentials, for
//! benchmarks and demonstrations. Never for production data: every seeded
//! citizen shares one password (hashed once), and their emails end in
//! `@seed.invalid`.
//!
//! The credentials are real: issued by a seeded organisation (accredited in
//! the trust registry) through the bulk issuer, each bound to its citizen's
//! holder DID, with revocation and suspension entries, and stored in the
//! citizen's wallet exactly as issued.

use atout_core::{
    audit::Actor,
    citizens::did_key,
    crypto::{KeyAlgorithm, PrivateKey},
    ids::new_id,
    orgs::NewOrg,
    store::{CitizenRecord, EntryRecord, SessionKind, Template, TrustedIssuerRecord},
};
use atout_issuer::batches::{self, InputRow};
use atout_web::AppState;
use serde_json::json;
use std::{path::PathBuf, sync::Arc};

pub const SEED_ORG: &str = "seed-univ";
/// The password of every seeded citizen.
pub const SEED_PASSWORD: &str = "seeded citizen password";
const CHUNK: usize = 1_000;

#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub citizens: usize,
    pub entries_per_citizen: usize,
    /// Issue one credential to each citizen.
    pub credentials: bool,
    /// Open this many bearer sessions (for load tests) ...
    pub sessions: usize,
    /// ... and write their tokens here, one per line.
    pub tokens_out: Option<PathBuf>,
    pub quiet: bool,
}

#[derive(Debug, serde::Serialize)]
pub struct SeedReport {
    pub citizens: usize,
    pub entries: usize,
    pub credentials: i64,
    pub sessions: usize,
    pub seconds: f64,
}

const KINDS: [&str; 6] = [
    "experience",
    "education",
    "skill",
    "language",
    "project",
    "interest",
];
const ROLES: [&str; 8] = [
    "Technicienne de maintenance",
    "Développeur web",
    "Aide-soignante",
    "Comptable",
    "Cheffe de projet",
    "Électricien",
    "Boulangère",
    "Agent logistique",
];
const PLACES: [&str; 6] = [
    "Orléans",
    "Tours",
    "Bourges",
    "Blois",
    "Chartres",
    "Châteauroux",
];

fn entry(citizen: &str, i: usize, n: usize, at: chrono::DateTime<chrono::Utc>) -> EntryRecord {
    let kind = KINDS[(i + n) % KINDS.len()];
    let year = 2005 + ((i * 7 + n * 3) % 19);
    let (title, organisation, details) = match kind {
        "experience" => (
            ROLES[(i + n) % ROLES.len()].to_owned(),
            Some(format!("Entreprise {}", (i * 31 + n) % 997)),
            json!({"frameworks": [{"framework": "ROME", "code": "M1805", "label": "Études et développement informatique"}]}),
        ),
        "education" => (
            "BTS Services informatiques aux organisations".to_owned(),
            Some("Lycée Jean Zay".to_owned()),
            json!({"frameworks": [{"framework": "RNCP", "code": "RNCP35340", "label": "BTS SIO"}]}),
        ),
        "language" => (
            ["Anglais", "Espagnol", "Allemand"][(i + n) % 3].to_owned(),
            None,
            json!({"cefr": {"listening": "B2", "reading": "B2", "spokenInteraction": "B1", "spokenProduction": "B1", "writing": "B1"}}),
        ),
        "skill" => ("Gestion de projet".to_owned(), None, json!({})),
        "project" => ("Application de covoiturage".to_owned(), None, json!({})),
        _ => ("Randonnée".to_owned(), None, json!({})),
    };
    EntryRecord {
        id: new_id(),
        citizen_id: citizen.to_owned(),
        kind: kind.to_owned(),
        title,
        organisation,
        place: Some(PLACES[(i + n) % PLACES.len()].to_owned()),
        start_date: Some(format!("{year}-{:02}", 1 + (i + n) % 12)),
        end_date: (kind == "experience" || kind == "education")
            .then(|| format!("{}-{:02}", year + 1, 1 + (i * 3 + n) % 12)),
        description: Some("Données synthétiques pour les mesures de charge.".to_owned()),
        details: details.to_string(),
        holding_id: None,
        created_at: at,
        updated_at: at,
    }
}

/// Seeds the database behind `state`.
pub async fn seed(state: &AppState, options: &SeedOptions) -> anyhow::Result<SeedReport> {
    let started = std::time::Instant::now();
    let store = state.store.clone();
    let now = state.clock.now();
    let org = match state.orgs.find(SEED_ORG).await {
        Ok(org) => org,
        Err(_) => {
            state
                .orgs
                .create(
                    NewOrg {
                        slug: SEED_ORG.into(),
                        name_fr: Some("Université de démonstration".into()),
                        name_en: Some("Demonstration University".into()),
                        ..Default::default()
                    },
                    &Actor::cli(),
                )
                .await?;
            state.orgs.find(SEED_ORG).await?
        }
    };
    let org_did = state.orgs.did_web().org(SEED_ORG);
    if store.get_trusted_issuer(&org_did).await?.is_none() {
        store
            .upsert_trusted_issuer(
                &TrustedIssuerRecord {
                    did: org_did.clone(),
                    name_fr: "Université de démonstration".into(),
                    name_en: "Demonstration University".into(),
                    accreditation: "Données de démonstration".into(),
                    accreditation_url: None,
                    valid_from: now,
                    valid_until: None,
                    created_at: now,
                    updated_at: now,
                },
                &Actor::cli().entry(
                    now,
                    None,
                    "trusted_issuer.upserted",
                    format!("did:{org_did}"),
                    None,
                ),
            )
            .await?;
    }
    let template = match store
        .list_templates(&org.id)
        .await?
        .into_iter()
        .find(|t| t.credential_type == "DiplomaCredential")
    {
        Some(t) => t,
        None => {
            let t = Template {
                id: new_id(),
                org_id: org.id.clone(),
                name_fr: "Licence professionnelle".into(),
                name_en: "Professional bachelor".into(),
                credential_type: "DiplomaCredential".into(),
                subject_schema: json!({
                    "type": "object",
                    "required": ["id", "name"],
                    "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
                })
                .to_string(),
                achievement: None,
                created_at: now,
            };
            store
                .create_template(
                    &t,
                    &Actor::cli().entry(
                        now,
                        Some(&org.id),
                        "template.created",
                        format!("template:{}", t.id),
                        None,
                    ),
                )
                .await?;
            t
        }
    };

    let password_hash = state
        .citizens
        .hash_password(zeroize::Zeroizing::new(SEED_PASSWORD.to_owned()))
        .await?;
    let master = state.citizens.clone();
    let bar = progress(options, options.citizens as u64, "citizens");
    let mut rows = Vec::with_capacity(if options.credentials {
        options.citizens
    } else {
        0
    });
    let mut session_citizens = Vec::new();
    let mut entries_total = 0;
    let run = new_id();
    let mut done = 0;
    while done < options.citizens {
        let n = CHUNK.min(options.citizens - done);
        let hash = password_hash.clone();
        let sealer = master.clone();
        let base = done;
        let run_tag = run[run.len() - 8..].to_owned();
        let entries_per = options.entries_per_citizen;
        // Keys and sealing off the async runtime.
        let (citizens, entries) = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
            let mut citizens = Vec::with_capacity(n);
            let mut entries = Vec::with_capacity(n * entries_per);
            for i in base..base + n {
                let id = new_id();
                let key = PrivateKey::generate(KeyAlgorithm::Ed25519)?;
                let (holder_key_sealed, vault_key_sealed) = sealer.seal_keys(&id, &key)?;
                citizens.push(CitizenRecord {
                    holder_did: did_key(&key),
                    holder_key_sealed,
                    vault_key_sealed,
                    email: format!("citizen-{run_tag}-{i}@seed.invalid"),
                    display_name: format!("Citoyenne {i}"),
                    password_hash: hash.clone(),
                    email_verified_at: Some(now),
                    created_at: now,
                    updated_at: now,
                    headline: None,
                    id,
                });
                for k in 0..entries_per {
                    entries.push(entry(&citizens[citizens.len() - 1].id, i, k, now));
                }
            }
            Ok((citizens, entries))
        })
        .await??;
        store.seed_wallets(&citizens, &entries).await?;
        entries_total += entries.len();
        for c in &citizens {
            if options.credentials {
                rows.push(InputRow {
                    reference: c.id.clone(),
                    email: Some(c.email.clone()),
                    holder: None,
                    subject: json!({"id": c.holder_did, "name": c.display_name}),
                });
            }
            if session_citizens.len() < options.sessions {
                session_citizens.push(c.clone());
            }
        }
        done += n;
        bar.set_position(done as u64);
    }
    bar.finish();

    let mut credentials = 0;
    if options.credentials && !rows.is_empty() {
        let batch = batches::create_batch(
            state,
            &org,
            &template,
            rows,
            &Default::default(),
            &Default::default(),
            &Actor::cli(),
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        let bar = progress(options, batch.total as u64, "credentials");
        let b = bar.clone();
        let progress: batches::Progress = Arc::new(move |batch| {
            b.set_position((batch.issued + batch.skipped + batch.failed) as u64)
        });
        let finished = batches::run_batch(state.clone(), batch.id, Some(progress))
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        bar.finish();
        anyhow::ensure!(
            finished.failed == 0,
            "{} credentials failed",
            finished.failed
        );
        credentials = store
            .holdings_from_issued(
                &org.id,
                &org_did,
                &template.name_fr,
                &json!(["VerifiableCredential", template.credential_type]).to_string(),
                "offer",
                now,
            )
            .await?;
    }

    let mut tokens = Vec::new();
    for c in session_citizens {
        let session = state
            .citizens
            .open_session(c, SessionKind::Bearer, Some("seed".into()))
            .await?;
        tokens.push(session.token.to_string());
    }
    if let Some(path) = &options.tokens_out {
        std::fs::write(path, tokens.join("\n") + "\n")
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    }
    Ok(SeedReport {
        citizens: options.citizens,
        entries: entries_total,
        credentials,
        sessions: tokens.len(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

fn progress(options: &SeedOptions, len: u64, what: &'static str) -> indicatif::ProgressBar {
    if options.quiet {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template(&format!(
            "{{spinner}} [{{elapsed_precise}}] {{bar:40}} {{pos}}/{{len}} {what} ({{per_sec}}, {{eta}} left)"
        ))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}
