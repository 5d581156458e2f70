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

/// What `atout dev seed-news` made.
#[derive(Debug, serde::Serialize)]
pub struct NewsSeedReport {
    pub citizens: usize,
    pub organisations: usize,
    pub events: usize,
    /// Events published in the last seven days (the digest's).
    pub new_this_week: usize,
    pub seconds: f64,
}

/// A deterministic pseudo-random sequence (xorshift): the same seed makes
/// the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The département of a synthetic citizen or event: seven in ten in the
/// Centre-Val de Loire, the others anywhere.
fn seeded_department(rng: &mut Rng) -> String {
    use atout_web::places::DEPARTEMENTS;
    const CENTRE: [&str; 6] = ["18", "28", "36", "37", "41", "45"];
    if rng.below(10) < 7 {
        CENTRE[rng.below(CENTRE.len())].to_owned()
    } else {
        DEPARTEMENTS[rng.below(DEPARTEMENTS.len())].code.to_owned()
    }
}

/// Gives every citizen a département, a plan aiming at one or two of 200
/// ROME-shaped codes, two follows (an organisation, a code) and the
/// weekly digest; publishes `events` events of `orgs` organisations over
/// the next six months, published over the last thirty days.
pub async fn seed_news(
    state: &AppState,
    events: usize,
    orgs: usize,
) -> anyhow::Result<NewsSeedReport> {
    use atout_core::store::{code_tag, EventRecord, EventTag, SeedInterest};
    use chrono::Duration;
    let started = std::time::Instant::now();
    let now = state.clock.now();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    // Codes shaped like ROME's (a letter, four digits), with labels.
    let codes: Vec<(String, String)> = (0..200)
        .map(|i| {
            let code = format!(
                "{}{:04}",
                (b'A' + (i % 14) as u8) as char,
                1101 + i * 7 % 800
            );
            let label = format!("Métier {code}");
            (code, label)
        })
        .collect();
    let mut org_ids = Vec::new();
    for i in 0..orgs.max(1) {
        let slug = format!("news-org-{i}");
        let org = match state.orgs.find(&slug).await {
            Ok(org) => org,
            Err(_) => {
                state
                    .orgs
                    .create(
                        NewOrg {
                            slug: slug.clone(),
                            name_fr: Some(format!("Organisme {i}")),
                            name_en: Some(format!("Organisation {i}")),
                            ..Default::default()
                        },
                        &Actor::cli(),
                    )
                    .await?;
                state.orgs.find(&slug).await?
            }
        };
        org_ids.push((org.id, org.name_fr));
    }
    let mut citizens = 0;
    let mut after = String::new();
    loop {
        let ids = state.store.citizen_ids(&after, 2000).await?;
        let Some(last) = ids.last() else { break };
        after = last.clone();
        let rows: Vec<SeedInterest> = ids
            .iter()
            .map(|id| {
                let n = 1 + rng.below(2);
                // Distinct codes.
                let targets: std::collections::BTreeMap<String, String> = (0..n)
                    .map(|_| codes[rng.below(codes.len())].clone())
                    .collect();
                let (org, org_name) = &org_ids[rng.below(org_ids.len())];
                let (c, l) = &codes[rng.below(codes.len())];
                SeedInterest {
                    citizen_id: id.clone(),
                    department: Some(seeded_department(&mut rng)),
                    lang: Some(if rng.below(5) == 0 { "en" } else { "fr" }.to_owned()),
                    plan_id: new_id(),
                    plan_title: "Mon projet".to_owned(),
                    targets: targets
                        .into_iter()
                        .map(|(c, l)| ("ROME".to_owned(), c, l))
                        .collect(),
                    follows: vec![
                        (format!("org:{org}"), org_name.clone()),
                        (code_tag("ROME", c), l.clone()),
                    ],
                    digest: true,
                }
            })
            .collect();
        state.store.seed_interests(&rows, now).await?;
        citizens += rows.len();
    }
    const KINDS: [&str; 7] = [
        "job-fair",
        "open-day",
        "info-session",
        "training-session",
        "recruitment",
        "workshop",
        "other",
    ];
    let mut new_this_week = 0;
    let mut made = Vec::with_capacity(1000);
    for i in 0..events {
        let id = new_id();
        let online = rng.below(5) == 0;
        let department = (!online || rng.below(2) == 0).then(|| seeded_department(&mut rng));
        let starts_at = now + Duration::hours(2 + rng.below(180 * 24) as i64);
        let published_at = now - Duration::minutes(rng.below(30 * 24 * 60) as i64);
        if published_at > now - Duration::days(7) {
            new_this_week += 1;
        }
        let (org, _) = &org_ids[rng.below(org_ids.len())];
        let atout = rng.below(3) == 0;
        let title = format!("Événement {i}");
        // Distinct codes.
        let picked: std::collections::BTreeMap<String, String> = (0..1 + rng.below(3))
            .map(|_| codes[rng.below(codes.len())].clone())
            .collect();
        let tags: Vec<EventTag> = picked
            .into_iter()
            .map(|(c, l)| EventTag {
                event_id: id.clone(),
                tag: code_tag("ROME", &c),
                framework: Some("ROME".into()),
                code: Some(c),
                version: None,
                label: l,
            })
            .collect();
        made.push((
            EventRecord {
                id: id.clone(),
                org_id: Some(org.clone()),
                kind: KINDS[rng.below(KINDS.len())].into(),
                title_fr: Some(title.clone()),
                title_en: None,
                description_fr: Some(format!("Description de l'événement {i}.")),
                description_en: None,
                starts_at,
                ends_at: starts_at + Duration::hours(3),
                online_url: online.then(|| "https://visio.example.org/salle".to_owned()),
                commune: department.as_ref().map(|_| "Commune".to_owned()),
                address: None,
                department,
                audience: "all".into(),
                capacity: atout.then_some(100),
                registration: if atout { "atout" } else { "none" }.into(),
                registration_url: None,
                status: "published".into(),
                cancel_reason: None,
                sequence: 0,
                search_folded: title.to_lowercase(),
                created_by: Some("seed".into()),
                created_at: published_at,
                updated_at: published_at,
                published_at: Some(published_at),
                cancelled_at: None,
            },
            tags,
        ));
        if made.len() == 1000 {
            state.store.create_events(&made).await?;
            made.clear();
        }
    }
    if !made.is_empty() {
        state.store.create_events(&made).await?;
    }
    Ok(NewsSeedReport {
        citizens,
        organisations: org_ids.len(),
        events,
        new_this_week,
        seconds: started.elapsed().as_secs_f64(),
    })
}
