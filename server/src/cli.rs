//! The command line. Scriptable: results go to stdout (`--json` for
//! machines), logs and errors to stderr, and the exit code says what
//! happened (0 ok, 1 failed, 2 bad configuration or usage).

use crate::{app::Context, serve::shutdown_signal, Running};
use atout_core::{
    audit::Actor,
    clock::SystemClock,
    config::LogFormat,
    crypto::KeyAlgorithm,
    orgs::{DidMethod, NewOrg},
    Config,
};
use clap::{Parser, Subcommand};
use secrecy::ExposeSecret;
use std::{path::PathBuf, process::ExitCode, sync::Arc};

#[derive(Debug, Parser)]
#[command(
    name = "atout",
    version,
    about = "Atout: a citizen-owned e-portfolio built on W3C Verifiable Credentials",
    long_about = "Atout: a citizen-owned e-portfolio built on W3C Verifiable Credentials.\n\n\
        Settings come from defaults, then the TOML file given by --config (or ATOUT_CONFIG), \
        then ATOUT_* environment variables (and DATABASE_URL). Run `atout print-config` to see \
        the effective configuration."
)]
pub struct Cli {
    /// TOML configuration file.
    #[arg(long, global = true, env = "ATOUT_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (the default).
    Serve(ServeArgs),
    /// The verifier's offline bundle.
    #[command(subcommand)]
    Verifier(VerifierCommand),
    /// Apply database migrations and exit.
    Migrate,
    /// Print the effective configuration (secrets redacted).
    PrintConfig,
    /// Manage organisations.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Issue credentials in bulk from a template (CSV or JSON Lines), with a
    /// progress bar. Idempotent per row reference: run it again after an
    /// interruption and every row ends issued exactly once.
    Issue(IssueArgs),
    /// Credential templates.
    #[command(subcommand)]
    Template(TemplateCommand),
    /// Revoke, suspend or unsuspend an issued credential.
    #[command(subcommand)]
    Credential(CredentialCommand),
    /// The trust registry of accredited issuers.
    #[command(subcommand)]
    Registry(RegistryCommand),
    /// Reference frameworks (ESCO, ROME, RNCP/RS): import the publishers'
    /// files, list what is loaded.
    #[command(subcommand)]
    Frameworks(FrameworksCommand),
    /// Events and news: the weekly digest.
    #[command(subcommand)]
    News(NewsCommand),
    /// Development and benchmarking tools.
    #[command(subcommand)]
    Dev(DevCommand),
}

#[derive(Debug, Subcommand)]
pub enum NewsCommand {
    /// Compute this week's digest now (the server does it on Mondays from
    /// 08:00, Paris time): each citizen who opted in gets the new events
    /// of the last seven days that match them, mailed by the server's
    /// notification worker. Once per week, whichever process runs it.
    Digest,
}

#[derive(Debug, Subcommand)]
pub enum FrameworksCommand {
    /// Import a publisher's files into a version: ESCO's CSV export (one
    /// language per run; run again with another --lang to merge it), ROME
    /// 4.0 and the NAF crosswalk (France Travail), or France compétences'
    /// RNCP/RS export ZIP. Refused whole, with the file, line and reason,
    /// when anything is wrong; running it again changes nothing.
    Import {
        /// esco, rome or rncp.
        #[arg(long)]
        format: String,
        /// The publisher's version name (v1.2.0, 4.0-2025-09, the export's date).
        #[arg(long)]
        version: String,
        /// The language of the labels (required for ESCO; French otherwise).
        #[arg(long)]
        lang: Option<String>,
        /// The publisher's date of this version (YYYY-MM-DD).
        #[arg(long)]
        published_on: Option<String>,
        /// Accept a new version with less than half the concepts of the
        /// active one (refused otherwise, as a likely truncated file).
        #[arg(long)]
        allow_shrink: bool,
        /// Folders, ZIP files, CSV or CSV.GZ files.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// The versions loaded, with their counts.
    List,
}

#[derive(Debug, Subcommand)]
pub enum DevCommand {
    /// Create synthetic citizens with entries and a credential each (real:
    /// issued by a seeded, accredited organisation and bound to the
    /// citizen's holder DID). For benchmarks and demonstrations only: every
    /// seeded citizen shares one password and an @seed.invalid email.
    Seed {
        #[arg(long, default_value_t = 1000)]
        citizens: usize,
        /// Entries per citizen.
        #[arg(long, default_value_t = 5)]
        entries: usize,
        /// Issue no credentials (faster).
        #[arg(long)]
        no_credentials: bool,
        /// Open this many bearer sessions and write their tokens to --tokens-out.
        #[arg(long, default_value_t = 0)]
        sessions: usize,
        #[arg(long, value_name = "FILE", requires = "sessions")]
        tokens_out: Option<PathBuf>,
        /// No progress bars.
        #[arg(long)]
        quiet: bool,
    },
    /// Give every citizen a département, a career plan aiming at one or two
    /// ROME occupations, two follows and the weekly digest, and publish
    /// synthetic events of organisations across the région and beyond
    /// (benchmarks of the news feed and the digest only).
    SeedNews {
        #[arg(long, default_value_t = 10_000)]
        events: usize,
        #[arg(long, default_value_t = 30)]
        orgs: usize,
    },
}

#[derive(Debug, Default, clap::Args)]
pub struct ServeArgs {
    /// Run one part alone. `verifier`: the verification API and pages only,
    /// writing nothing (no database at all unless DATABASE_URL is set, then
    /// read-only: a replica is enough); scales horizontally.
    #[arg(long, value_enum)]
    pub only: Option<Part>,
    /// The `--config` file the server was started with (for the start-up
    /// hint's commands).
    #[arg(skip)]
    pub config_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Part {
    Verifier,
}

#[derive(Debug, Subcommand)]
pub enum VerifierCommand {
    /// Write an offline bundle for verifiers: the signed trust registry, the
    /// DID documents of this platform and of the registry's issuers, and
    /// every status list. A verifier started with ATOUT_VERIFIER_SNAPSHOT
    /// pointing to it verifies with no network at all.
    Snapshot {
        /// Where to write the bundle (JSON).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TemplateCommand {
    /// Create a template from a JSON file (see issuer/templates/) or from
    /// the gallery (`--from licence`, see `atout template gallery`); prints
    /// only its id.
    Create {
        /// Organisation slug.
        slug: String,
        #[arg(long, required_unless_present = "from", conflicts_with = "from")]
        file: Option<PathBuf>,
        /// A template of the gallery, by its id.
        #[arg(long)]
        from: Option<String>,
    },
    /// The gallery of ready templates (id, type, name).
    Gallery,
    /// List an organisation's templates.
    List { slug: String },
}

#[derive(Debug, Subcommand)]
pub enum CredentialCommand {
    /// Revoke a credential (irreversible).
    Revoke(StatusArgs),
    /// Suspend a credential.
    Suspend(StatusArgs),
    /// Lift a suspension.
    Unsuspend(StatusArgs),
}

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Organisation slug.
    #[arg(long)]
    org: String,
    /// The credential's id (e.g. urn:uuid:...) or its reference.
    credential: String,
}

#[derive(Debug, clap::Args)]
pub struct IssueArgs {
    /// Organisation slug.
    #[arg(long)]
    org: String,
    /// Template id.
    #[arg(long)]
    template: String,
    /// CSV file: a `reference` column, an optional `email` column, and the
    /// subject's fields as dotted paths (degree.name).
    #[arg(long, conflicts_with = "jsonl", required_unless_present = "jsonl")]
    csv: Option<PathBuf>,
    /// JSON Lines file: {"reference", "email"?, "subject"} per line.
    #[arg(long)]
    jsonl: Option<PathBuf>,
    /// A value for every row that leaves it empty: `--set degree.type=Diploma`
    /// (repeatable; typed like a cell, e.g. `--set degree.awardedOn=01/07/2025`).
    #[arg(long, value_name = "FIELD=VALUE")]
    set: Vec<String>,
    /// eddsa-rdfc-2022 (default) or ecdsa-rdfc-2019.
    #[arg(long)]
    cryptosuite: Option<String>,
    /// ldp_vc (default) or vc+jwt.
    #[arg(long)]
    format: Option<String>,
    /// For vc+jwt: EdDSA (default) or ES256.
    #[arg(long)]
    alg: Option<String>,
    /// Deliver: every row with an `email` gets an offer by mail (rows with
    /// a `holder` column, a DID or an Atout account's e-mail, always do).
    #[arg(long)]
    deliver: bool,
    /// The language of the mails: fr (default) or en.
    #[arg(long)]
    lang: Option<String>,
    /// Lifetime of the offers in days (default: batch_offer_ttl_days, 90).
    #[arg(long)]
    ttl_days: Option<u32>,
}

// Parsed once per run: the size of its largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Create an organisation with its Ed25519 key (and P-256 with --p256),
    /// identified by a did:web, or by a did:key with --did-key.
    Create {
        slug: String,
        /// Official name in French.
        #[arg(long)]
        name_fr: Option<String>,
        /// Official name in English.
        #[arg(long)]
        name_en: Option<String>,
        /// Also create a P-256 key (not with --did-key).
        #[arg(long, conflicts_with = "did_key")]
        p256: bool,
        /// Identify the organisation by the did:key of its Ed25519 key
        /// instead of a did:web under the platform (for issuers without a
        /// domain). A did:key resolves itself and cannot rotate its key.
        #[arg(long)]
        did_key: bool,
        /// Record it in the trust registry at once: the accreditation in
        /// words with its reference (e.g. "Certificateur RNCP, arrêté du
        /// 12 mars 2024"). Without it, verifiers warn that the issuer is not
        /// in the regional registry.
        #[arg(long)]
        accreditation: Option<String>,
        /// Where the accreditation can be checked (https).
        #[arg(long, requires = "accreditation")]
        accreditation_url: Option<String>,
        /// Accredited from (RFC 3339 or YYYY-MM-DD; default: now).
        #[arg(long, requires = "accreditation")]
        accredited_from: Option<String>,
        /// Accredited until, inclusive (default: no end).
        #[arg(long, requires = "accreditation")]
        accredited_until: Option<String>,
        /// Kind, for the public directory: university, school, training,
        /// employer, public, association, other.
        #[arg(long)]
        kind: Option<String>,
        /// Town, for the public directory.
        #[arg(long)]
        town: Option<String>,
        /// Description, for the public directory.
        #[arg(long)]
        description: Option<String>,
        /// Website (https), for the public directory.
        #[arg(long)]
        website: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List organisations.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show an organisation, its DID and its keys.
    Show {
        slug: String,
        #[arg(long)]
        json: bool,
    },
    /// Make a new key the active one; the old key is retired but stays in
    /// the DID document, so what it signed keeps verifying.
    RotateKey {
        slug: String,
        /// ed25519 (default) or p256.
        #[arg(long, default_value = "ed25519", value_parser = parse_algorithm)]
        algorithm: KeyAlgorithm,
        #[arg(long)]
        json: bool,
    },
    /// Withdraw a retired key from the DID document (e.g. compromised):
    /// everything it signed stops verifying, irreversibly. The active key
    /// must be rotated first. Requires --yes.
    #[command(name = "withdraw-key", visible_alias = "retire-key")]
    WithdrawKey {
        slug: String,
        /// Key id or fragment (e.g. key-1).
        key: String,
        /// Confirm: credentials signed with this key will no longer verify.
        #[arg(long)]
        yes: bool,
        #[arg(long)]
        json: bool,
    },
    /// Organisation API keys.
    #[command(subcommand)]
    ApiKey(ApiKeyCommand),
}

#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Create an API key; prints only the key on stdout (shown once).
    Create {
        slug: String,
        /// What the key is for.
        #[arg(long, default_value = "cli")]
        name: String,
    },
    /// List API keys (never the keys themselves).
    List {
        slug: String,
        #[arg(long)]
        json: bool,
    },
    /// Revoke an API key.
    Revoke { slug: String, id: String },
}

// ----- trust registry --------------------------------------------------

#[derive(Debug, Subcommand)]
pub enum RegistryCommand {
    /// Add an accredited issuer, or replace its entry.
    Add {
        /// The issuer's DID (did:web:... or did:key:...).
        #[arg(long)]
        did: String,
        /// Official name in French.
        #[arg(long)]
        name_fr: String,
        /// Official name in English.
        #[arg(long)]
        name_en: String,
        /// The accreditation, e.g. "Certificateur RNCP, France Compétences".
        #[arg(long)]
        accreditation: String,
        /// Where the accreditation can be checked (https).
        #[arg(long)]
        accreditation_url: Option<String>,
        /// From (RFC 3339 date-time or date; default: the entry's current
        /// value, or now).
        #[arg(long)]
        valid_from: Option<String>,
        /// Until, inclusive (RFC 3339 date-time or date; default: no end).
        #[arg(long)]
        valid_until: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// List the accredited issuers.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show one entry.
    Show {
        did: String,
        #[arg(long)]
        json: bool,
    },
    /// Remove an issuer: verifiers stop naming it at once. Requires --yes.
    Remove {
        did: String,
        /// Confirm.
        #[arg(long)]
        yes: bool,
    },
    /// Write the registry as a VC signed by the platform (stdout, or --out).
    Export {
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Replace the registry with a signed registry document; its issuer must
    /// be the registry authority and its proof must verify.
    Import {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

async fn frameworks_command(
    state: &atout_web::AppState,
    cmd: FrameworksCommand,
) -> anyhow::Result<()> {
    use atout_careers::frameworks::{import, ImportRequest};
    use atout_frameworks::read::{self, Input, Limits};
    match cmd {
        FrameworksCommand::Import {
            format,
            version,
            lang,
            published_on,
            allow_shrink,
            paths,
        } => {
            let mut request = ImportRequest::new(
                &format,
                &version,
                lang.as_deref(),
                published_on.as_deref(),
                Some("cli".to_owned()),
            )
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            request.allow_shrink = allow_shrink;
            let input = tokio::task::spawn_blocking(move || -> anyhow::Result<Input> {
                let mut all = Input { files: Vec::new() };
                for path in &paths {
                    let one = read::open(path, &Limits::default())
                        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
                    all.files.extend(one.files);
                }
                Ok(all)
            })
            .await??;
            let outcome = import(
                &state.store,
                &state.frameworks,
                &request,
                input,
                state.clock.now(),
            )
            .await
            .map_err(|e| anyhow::anyhow!("nothing was imported: {e}"))?;
            let v = &outcome.version;
            println!(
                "{} {} ({}): {} version, languages {}, status {}",
                v.family,
                v.version,
                v.published_on.as_deref().unwrap_or("no date"),
                if outcome.created {
                    "new"
                } else {
                    "merged into the"
                },
                v.languages,
                v.status
            );
            println!("counts: {}", v.counts);
            let report: serde_json::Value = serde_json::from_str(&v.report)?;
            if let Some(n) = report.get("skippedCount").and_then(|n| n.as_u64()) {
                if n > 0 {
                    println!("{n} lines skipped (see `atout frameworks list` or GET /frameworks)");
                }
            }
            if let Some(old) = &outcome.replaced {
                println!(
                    "replaces {old} as the active version; {} codes of {old} are gone from {} \
                     (they still resolve through {old})",
                    report
                        .get("goneCount")
                        .and_then(|n| n.as_u64())
                        .unwrap_or(0),
                    v.version
                );
            }
            Ok(())
        }
        FrameworksCommand::List => {
            for v in state.store.framework_versions().await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    v.family,
                    v.version,
                    v.status,
                    v.published_on.as_deref().unwrap_or("-"),
                    v.languages,
                    v.counts
                );
            }
            Ok(())
        }
    }
}

async fn registry_command(state: &atout_web::AppState, cmd: RegistryCommand) -> anyhow::Result<()> {
    use atout_core::registry::{parse_time, LocalizedName, Registry, TrustedIssuer};
    use atout_verifier::registry as doc;
    let registry = Registry::new(state.store.clone(), state.clock.clone());
    let actor = Actor::cli();
    let line = |e: &TrustedIssuer| {
        let trust = serde_json::to_value(e.status_at(state.clock.now())).unwrap_or_default();
        format!(
            "{}\t{}\t{}",
            e.did,
            trust.as_str().unwrap_or_default(),
            e.name.fr
        )
    };
    match cmd {
        RegistryCommand::Add {
            did,
            name_fr,
            name_en,
            accreditation,
            accreditation_url,
            valid_from,
            valid_until,
            json,
        } => {
            let time =
                |field: &str, text: Option<String>| text.map(|t| parse_time(field, &t)).transpose();
            let valid_until = time("validUntil", valid_until)?;
            let valid_from = match time("validFrom", valid_from)? {
                Some(t) => t,
                None => registry.default_valid_from(&did).await?,
            };
            let (entry, created) = registry
                .upsert(
                    &actor,
                    TrustedIssuer {
                        did,
                        name: LocalizedName {
                            fr: name_fr,
                            en: name_en,
                        },
                        accreditation,
                        accreditation_url,
                        valid_from,
                        valid_until,
                    },
                )
                .await?;
            if json {
                return print_json(&entry);
            }
            println!(
                "{} {}",
                if created { "added" } else { "updated" },
                entry.did
            );
            Ok(())
        }
        RegistryCommand::List { json } => {
            let entries = registry.list().await?;
            if json {
                return print_json(&entries);
            }
            for e in &entries {
                println!("{}", line(e));
            }
            Ok(())
        }
        RegistryCommand::Show { did, json } => {
            let e = registry.get(&did).await?;
            if json {
                return print_json(&e);
            }
            println!("{}", line(&e));
            println!("  fr: {}\n  en: {}", e.name.fr, e.name.en);
            println!("  accreditation: {}", e.accreditation);
            if let Some(url) = &e.accreditation_url {
                println!("  accreditation URL: {url}");
            }
            println!(
                "  valid from {}{}",
                e.valid_from.to_rfc3339(),
                e.valid_until
                    .map(|u| format!(" until {}", u.to_rfc3339()))
                    .unwrap_or_default()
            );
            Ok(())
        }
        RegistryCommand::Remove { did, yes } => {
            anyhow::ensure!(
                yes,
                "removing {did} from the trust registry makes verifiers stop naming it and \
                 report its credentials as from an unrecognised issuer. Run again with --yes \
                 to confirm"
            );
            registry.remove(&actor, &did).await?;
            println!("removed {did}");
            Ok(())
        }
        RegistryCommand::Export { out } => {
            let signed = doc::export(state).await?;
            match out {
                Some(path) => {
                    std::fs::write(&path, &signed.text)
                        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
                    eprintln!(
                        "wrote {} ({} trusted issuers)",
                        path.display(),
                        signed.entries.len()
                    );
                }
                None => println!("{}", signed.text),
            }
            Ok(())
        }
        RegistryCommand::Import { file, json } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let document: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| anyhow::anyhow!("{}: not JSON: {e}", file.display()))?;
            let verifier = doc::EngineVerifier::new(state);
            let outcome = doc::import(state, &actor, &document, &verifier).await?;
            if json {
                return print_json(&outcome);
            }
            println!(
                "imported {} trusted issuers ({} added, {} updated, {} removed)",
                outcome.count,
                outcome.diff.added.len(),
                outcome.diff.updated.len(),
                outcome.diff.removed.len()
            );
            Ok(())
        }
    }
}

// ----- end of trust registry ------------------------------------------

fn parse_algorithm(text: &str) -> Result<KeyAlgorithm, String> {
    KeyAlgorithm::parse(text)
        .ok_or_else(|| format!("unknown algorithm {text:?}: use ed25519 or p256"))
}

/// Parses arguments, loads the configuration and runs the command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref(), std::env::vars()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("atout: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut command = cli.command.unwrap_or(Command::Serve(ServeArgs::default()));
    if let Command::Serve(args) = &mut command {
        args.config_file = cli.config.clone();
    }
    // The full server sends mail; production refuses to lose it silently.
    if matches!(command, Command::Serve(ServeArgs { only: None, .. })) {
        if let Err(e) = config.check_mail_delivery() {
            eprintln!("atout: configuration error: {e}");
            return ExitCode::from(2);
        }
    }
    init_tracing(&config);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("atout: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("atout: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    use std::io::IsTerminal as _;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    let _ = match config.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
}

fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// Runs one command.
pub async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    let clock = Arc::new(SystemClock);
    match command {
        Command::PrintConfig => {
            print!("{}", config.to_toml());
            Ok(())
        }
        Command::Migrate => {
            let ctx = Context::open(config, clock).await?;
            println!("database is up to date ({:?})", ctx.store.backend());
            Ok(())
        }
        Command::Serve(ServeArgs {
            only: None,
            config_file,
        }) => serve(config, clock, config_file).await,
        Command::Serve(ServeArgs {
            only: Some(Part::Verifier),
            ..
        }) => serve_verifier(config, clock).await,
        Command::Verifier(VerifierCommand::Snapshot { out, json }) => {
            let stats = crate::verifier_mode::write_snapshot(config, clock, &out).await?;
            if json {
                print_json(&stats)?;
            } else {
                println!(
                    "wrote {}: {} trusted issuers, {} DID documents, {} status lists",
                    out.display(),
                    stats.issuers,
                    stats.did_documents,
                    stats.status_lists
                );
                for s in &stats.skipped {
                    eprintln!("skipped (could not be fetched): {s}");
                }
            }
            Ok(())
        }
        Command::Issue(args) => bulk_issue(config, clock, args).await,
        Command::Dev(DevCommand::Seed {
            citizens,
            entries,
            no_credentials,
            sessions,
            tokens_out,
            quiet,
        }) => {
            let app = crate::build(config, clock).await?;
            let report = crate::seed::seed(
                &app.state,
                &crate::seed::SeedOptions {
                    citizens,
                    entries_per_citizen: entries,
                    credentials: !no_credentials,
                    sessions,
                    tokens_out,
                    quiet,
                },
            )
            .await?;
            app.state.store.close().await;
            print_json(&serde_json::to_value(&report)?)
        }
        Command::Dev(DevCommand::SeedNews { events, orgs }) => {
            let app = crate::build(config, clock).await?;
            let report = crate::seed::seed_news(&app.state, events, orgs).await;
            app.state.store.close().await;
            print_json(&serde_json::to_value(&report?)?)
        }
        Command::News(NewsCommand::Digest) => {
            let app = crate::build(config, clock).await?;
            let started = std::time::Instant::now();
            let report = atout_news::feed::digest_once(&app.state, true).await;
            app.state.store.close().await;
            match report? {
                Some(r) => print_json(&serde_json::json!({
                    "week": atout_news::feed::week_of(app.state.clock.now()),
                    "citizens": r.citizens,
                    "digests": r.queued,
                    "newEvents": r.events,
                    "seconds": started.elapsed().as_secs_f64(),
                })),
                None => {
                    println!("this week's digest is done already (or running in another process)");
                    Ok(())
                }
            }
        }
        Command::Template(cmd) => {
            let app = crate::build(config, clock).await?;
            let state = app.state.clone();
            let result = template_command(&state, cmd).await;
            state.store.close().await;
            result
        }
        Command::Frameworks(cmd) => {
            let app = crate::build(config, clock).await?;
            let result = frameworks_command(&app.state, cmd).await;
            app.state.store.close().await;
            result
        }
        Command::Registry(cmd) => {
            let app = crate::build(config, clock).await?;
            let result = registry_command(&app.state, cmd).await;
            app.state.store.close().await;
            result
        }
        Command::Credential(cmd) => {
            let ctx = Context::open(config, clock).await?;
            let result = credential_status(&ctx, cmd).await;
            ctx.store.close().await;
            result
        }
        Command::Org(cmd) => {
            let ctx = Context::open(config, clock).await?;
            let result = org(&ctx, cmd).await;
            ctx.store.close().await;
            result
        }
    }
}

/// What to put before and after the program's name so that a command
/// typed in another shell reaches the same server's data: the `--config`
/// file, or the settings that differ from the defaults (base URL, data
/// folder, database). Empty for a server started with the defaults.
pub fn settings_for_commands(
    config: &Config,
    config_file: Option<&std::path::Path>,
) -> (String, String) {
    let quote = |text: &str| {
        if text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c))
        {
            text.to_owned()
        } else {
            format!("'{}'", text.replace('\'', "'\\''"))
        }
    };
    if let Some(file) = config_file {
        return (
            String::new(),
            format!(" --config {}", quote(&file.display().to_string())),
        );
    }
    let defaults = Config::development();
    let mut env = Vec::new();
    if config.base() != defaults.base() {
        env.push(format!("ATOUT_BASE_URL={}", quote(config.base())));
    }
    if config.data_dir != defaults.data_dir {
        env.push(format!(
            "ATOUT_DATA_DIR={}",
            quote(&config.data_dir.display().to_string())
        ));
    }
    if config.database_url_explicit {
        let shown = atout_core::config::redact_url(&config.database_url);
        if shown == config.database_url {
            env.push(format!("DATABASE_URL={}", quote(&shown)));
        } else {
            // Never print a password: the shell's own variable.
            env.push("DATABASE_URL=\"$DATABASE_URL\"".to_owned());
        }
    }
    let mut prefix = env.join(" ");
    if !prefix.is_empty() {
        prefix.push(' ');
    }
    (prefix, String::new())
}

async fn serve(
    config: Config,
    clock: Arc<SystemClock>,
    config_file: Option<PathBuf>,
) -> anyhow::Result<()> {
    let listen = config.listen;
    let metrics = config.metrics_listen;
    let config_wallet = config.wallet.clone();
    // Allowed on purpose (`mail_to_log_in_production`), said at every start.
    if let Some(warning) = config.mail_warning() {
        tracing::warn!("{warning}");
    }
    // Said once, in plain words (webauthn-rs is never asked to build a
    // relying party it would refuse).
    if let Some(reason) = atout_core::passkeys::unavailable_reason(&config.base_url) {
        tracing::info!("passkeys are off: {reason}");
    }
    let (env_prefix, global_args) = settings_for_commands(&config, config_file.as_deref());
    let app = crate::build(config, clock).await?;
    let base = app.state.config.base().to_owned();
    let data_dir = app.state.config.data_dir.clone();
    let token_hint = if app.state.config.admin_token.is_none() {
        format!(
            "the admin token is in {}",
            data_dir.join("admin.token").display()
        )
    } else {
        "the admin token is the one you configured".to_owned()
    };
    let program = std::env::args()
        .next()
        .unwrap_or_else(|| "atout".to_owned());
    let resume = app.state.clone();
    // Mail queued in the outbox (verification and reset links, offers):
    // a sender that cannot be built stops the start, before listening.
    let mailer = atout_core::mail::Mailer::from_config(&config_wallet)
        .map_err(|e| anyhow::anyhow!("mail: {e}"))?;
    let running = Running::start(app, listen, metrics).await?;
    // Batches left running by a previous process (crash, restart).
    let outbox = (resume.store.clone(), resume.clock.clone());
    let vault = resume.vault.clone();
    let limits = resume.address_limits.clone();
    // Reminders of batch offers about to expire (once each).
    tokio::spawn(atout_issuer::delivery::reminders_forever(resume.clone()));
    // Notification mails, event reminders, the weekly digest.
    atout_news::spawn_workers(resume.clone());
    tokio::spawn(atout_issuer::batches::resume_forever(resume));
    // Per-address limits forget addresses back to a whole quota; attempt
    // counters of windows long gone are removed.
    tokio::spawn(atout_web::limits::sweep_forever(limits));
    tokio::spawn(atout_core::store::purge_attempts_forever(
        outbox.0.clone(),
        outbox.1.clone(),
    ));
    // Status entries of credentials never recorded (a process killed
    // between allocating and recording), now and periodically.
    tokio::spawn(atout_issuer::status::reclaim_forever(
        outbox.0.clone(),
        outbox.1.clone(),
    ));
    tokio::spawn(atout_core::mail::run_outbox(
        outbox.0.clone(),
        outbox.1.clone(),
        Arc::new(mailer),
    ));
    // Objects of the document vault left without a row (a crash between
    // storing a file and recording it).
    tokio::spawn(atout_core::vault::sweep_forever(vault, outbox.0, outbox.1));
    // Before saying so: a SIGTERM from now on stops the server gracefully.
    let shutdown = shutdown_signal();
    tracing::info!(addr = %running.addr, %base, "listening");
    // Best effort: a closed stdout must not stop the server.
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "Atout is listening on http://{} (public base URL {base})",
        running.addr
    );
    if let Some(m) = running.metrics_addr {
        let _ = writeln!(out, "Prometheus metrics on http://{m}/metrics");
    }
    let _ = writeln!(
        out,
        "Create a first organisation:\n  {env_prefix}{program}{global_args} org create univ-orleans --name-fr \"Université d'Orléans\" --name-en \"University of Orléans\"\n\
         or over HTTP ({token_hint}):\n  curl -X POST {base}/admin/orgs -H \"Authorization: Bearer $TOKEN\" \\\n       -H 'Content-Type: application/json' -d '{{\"slug\":\"univ-orleans\"}}'\n\
         Its DID document is then at {base}/orgs/univ-orleans/did.json; the API is described at {base}/openapi.json"
    );
    let _ = out.flush();
    drop(out);
    shutdown.await;
    running.stop().await
}

async fn serve_verifier(config: Config, clock: Arc<SystemClock>) -> anyhow::Result<()> {
    let listen = config.listen;
    let app = crate::verifier_mode::build_verifier_only(config, clock).await?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr()?;
    let shutdown = shutdown_signal();
    tracing::info!(%addr, mode = %app.description, "verifier listening");
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "Atout verifier (alone) is listening on http://{addr}\n{}\nPOST /credentials/verify, POST /presentations/verify, GET /verify",
        app.description
    );
    let _ = out.flush();
    drop(out);
    crate::verifier_mode::serve_verifier_only(app, listener, shutdown).await
}

async fn bulk_issue(
    config: Config,
    clock: Arc<SystemClock>,
    args: IssueArgs,
) -> anyhow::Result<()> {
    use atout_issuer::batches;
    let app = crate::build(config, clock).await?;
    let state = app.state.clone();
    let org = state.orgs.find(&args.org).await?;
    let template = state
        .store
        .get_template(&org.id, &args.template)
        .await?
        .ok_or_else(|| anyhow::anyhow!("{} has no template {:?}", org.slug, args.template))?;
    let (csv, path) = match (&args.csv, &args.jsonl) {
        (Some(p), _) => (true, p.clone()),
        (None, Some(p)) => (false, p.clone()),
        (None, None) => anyhow::bail!("give --csv or --jsonl"),
    };
    let data =
        std::fs::read(&path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let schema =
        atout_issuer::templates::stored_schema(&template).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut constants = serde_json::Map::new();
    for set in &args.set {
        let (path, value) = set
            .split_once('=')
            .ok_or_else(|| anyhow::anyhow!("--set takes field=value, e.g. degree.type=Diploma"))?;
        constants.insert(path.trim().to_owned(), serde_json::Value::from(value));
    }
    let rows =
        tokio::task::spawn_blocking(move || batches::parse_rows(csv, &data, &schema, &constants))
            .await?
            .map_err(|e| {
                // One line per problem, as a person reads them.
                let extra: Vec<&str> = e
                    .extensions
                    .get("errors")
                    .and_then(serde_json::Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|p| p.get("message").and_then(serde_json::Value::as_str))
                    .collect();
                if extra.is_empty() {
                    anyhow::anyhow!("{}", e.detail.clone().unwrap_or_else(|| e.title.clone()))
                } else {
                    anyhow::anyhow!("{}\n{}", e.title, extra.join("\n"))
                }
            })?;
    let options = atout_issuer::credentials::IssueOptions {
        cryptosuite: args.cryptosuite,
        format: args.format,
        alg: args.alg,
        credential_id: None,
        proof_type: None,
    };
    let delivery = atout_issuer::delivery::DeliveryOptions {
        deliver: args.deliver,
        lang: args.lang,
        ttl_days: args.ttl_days,
    };
    let batch = batches::create_batch(
        &state,
        &org,
        &template,
        rows,
        &options,
        &delivery,
        &Actor::cli(),
    )
    .await
    .map_err(|e| {
        let extra = e
            .extensions
            .get("errors")
            .map(|v| serde_json::to_string_pretty(v).unwrap_or_default())
            .unwrap_or_default();
        anyhow::anyhow!(
            "{}\n{extra}",
            e.detail.clone().unwrap_or_else(|| e.title.clone())
        )
    })?;
    let bar = indicatif::ProgressBar::new(batch.total as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} ({per_sec}, {eta} left) {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let progress_bar = bar.clone();
    let progress: batches::Progress = Arc::new(move |b| {
        progress_bar.set_position((b.issued + b.offered + b.skipped + b.failed) as u64);
        progress_bar.set_message(format!(
            "{} issued, {} offered, {} skipped, {} failed",
            b.issued, b.offered, b.skipped, b.failed
        ));
    });
    let done = batches::run_batch(state.clone(), batch.id.clone(), Some(progress))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    bar.finish();
    print_json(&serde_json::json!({
        "batch": done.id, "state": done.state, "total": done.total,
        "issued": done.issued, "offered": done.offered, "skipped": done.skipped,
        "failed": done.failed,
    }))?;
    state.store.close().await;
    anyhow::ensure!(
        done.failed == 0,
        "{} row(s) failed: see GET /orgs/{}/batches/{}/rows?state=failed",
        done.failed,
        org.slug,
        done.id
    );
    Ok(())
}

async fn template_command(state: &atout_web::AppState, cmd: TemplateCommand) -> anyhow::Result<()> {
    match cmd {
        TemplateCommand::Create { slug, file, from } => {
            let org = state.orgs.find(&slug).await?;
            let spec = match (file, from) {
                (Some(file), _) => {
                    let text = std::fs::read_to_string(&file)
                        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
                    serde_json::from_str::<atout_issuer::templates::TemplateSpec>(&text)
                        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?
                }
                (None, Some(id)) => {
                    let mut spec = atout_issuer::gallery::find(&id).ok_or_else(|| {
                        anyhow::anyhow!("the gallery has no {id:?}: see `atout template gallery`")
                    })?;
                    spec.fields = None;
                    spec
                }
                (None, None) => anyhow::bail!("give --file or --from"),
            };
            let template = atout_issuer::templates::new_template(state, &org, spec, &Actor::cli())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{}", template.id);
            Ok(())
        }
        TemplateCommand::Gallery => {
            for t in atout_issuer::gallery::all() {
                println!("{}\t{}\t{}", t.id, t.credential_type, t.name_fr);
            }
            Ok(())
        }
        TemplateCommand::List { slug } => {
            let org = state.orgs.find(&slug).await?;
            for t in state.store.list_templates(&org.id).await? {
                println!("{}\t{}\t{}", t.id, t.credential_type, t.name_fr);
            }
            Ok(())
        }
    }
}

async fn credential_status(ctx: &Context, cmd: CredentialCommand) -> anyhow::Result<()> {
    use atout_core::{
        audit::action,
        store::{StatusPurpose, StatusUpdate},
    };
    let (args, purpose, value, verb) = match cmd {
        CredentialCommand::Revoke(a) => (
            a,
            StatusPurpose::Revocation,
            true,
            action::CREDENTIAL_REVOKED,
        ),
        CredentialCommand::Suspend(a) => (
            a,
            StatusPurpose::Suspension,
            true,
            action::CREDENTIAL_SUSPENDED,
        ),
        CredentialCommand::Unsuspend(a) => (
            a,
            StatusPurpose::Suspension,
            false,
            action::CREDENTIAL_UNSUSPENDED,
        ),
    };
    let org = ctx.orgs.find(&args.org).await?;
    let record = match ctx
        .store
        .find_issued_credential(&org.id, &args.credential)
        .await?
    {
        Some(r) => r,
        None => ctx
            .store
            .find_by_reference(&org.id, &args.credential)
            .await?
            .ok_or_else(|| {
                anyhow::anyhow!("{} issued no credential {:?}", org.slug, args.credential)
            })?,
    };
    let now = ctx.clock.now();
    let audit = Actor::cli().entry(
        now,
        Some(&org.id),
        verb,
        format!("credential:{}", record.id),
        Some(serde_json::json!({"credential_id": record.credential_id})),
    );
    match ctx
        .store
        .set_status(&record.id, purpose, value, now, &audit)
        .await?
    {
        StatusUpdate::Changed => {
            println!("{}: {verb}", record.credential_id);
            // The holders in Atout are told (issue 19).
            let kind = match (purpose, value) {
                (StatusPurpose::Revocation, _) => atout_core::notify::Kind::CredentialRevoked,
                (StatusPurpose::Suspension, true) => atout_core::notify::Kind::CredentialSuspended,
                (StatusPurpose::Suspension, false) => {
                    atout_core::notify::Kind::CredentialReinstated
                }
            };
            atout_core::notify::credential_status_changed(
                ctx.store.as_ref(),
                ctx.clock.now(),
                &record.credential_id,
                kind,
                &org,
                None,
            )
            .await;
        }
        StatusUpdate::Unchanged => println!("{}: unchanged", record.credential_id),
        StatusUpdate::NotFound => {
            anyhow::bail!("this credential has no {} entry", purpose.as_str())
        }
        StatusUpdate::Irreversible => {
            anyhow::bail!("this credential is revoked; revocation is irreversible")
        }
    }
    Ok(())
}

async fn org(ctx: &Context, cmd: OrgCommand) -> anyhow::Result<()> {
    let actor = Actor::cli();
    match cmd {
        OrgCommand::Create {
            slug,
            name_fr,
            name_en,
            p256,
            did_key,
            accreditation,
            accreditation_url,
            accredited_from,
            accredited_until,
            kind,
            town,
            description,
            website,
            json,
        } => {
            let time = |field: &str, v: Option<String>| {
                v.map(|t| atout_core::registry::parse_time(field, &t))
                    .transpose()
                    .map_err(|e| anyhow::anyhow!("--{}: {}", e.field.replace('_', "-"), e.message))
            };
            let accredited = accreditation.is_some();
            let accreditation = match accreditation {
                None => None,
                Some(reference) => Some(atout_core::orgs::NewAccreditation {
                    reference,
                    url: accreditation_url,
                    valid_from: time("accredited_from", accredited_from)?,
                    valid_until: time("accredited_until", accredited_until)?,
                }),
            };
            let details = ctx
                .orgs
                .create(
                    NewOrg {
                        slug,
                        name_fr,
                        name_en,
                        p256,
                        did_method: if did_key {
                            DidMethod::Key
                        } else {
                            DidMethod::Web
                        },
                        accreditation,
                        profile: atout_core::directory::ProfileUpdate {
                            description,
                            town,
                            kind,
                            website,
                            ..Default::default()
                        },
                    },
                    &actor,
                )
                .await
                .map_err(|e| match e {
                    atout_core::orgs::OrgError::Invalid(i) => {
                        anyhow::anyhow!("--{}: {}", i.field.replace('_', "-"), i.message)
                    }
                    other => other.into(),
                })?;
            if json {
                return print_json(&details);
            }
            println!("created {} ({})", details.org.slug, details.did);
            if accredited {
                println!("in the trust registry: verifiers name it and call it accredited");
            } else {
                println!(
                    "not in the trust registry: verifiers will warn that this issuer is not in \
                     the regional registry (add it with --accreditation, or `atout registry add`)"
                );
            }
            match details.did_method {
                DidMethod::Web => println!(
                    "DID document: {}/orgs/{}/did.json",
                    ctx.config.base(),
                    details.org.slug
                ),
                DidMethod::Key => println!(
                    "did:key: it resolves itself (no DID document is served), and its key \
                     cannot be rotated or withdrawn"
                ),
            }
            for k in &details.keys {
                println!(
                    "  {} {} {}",
                    k.fragment, k.algorithm, k.public_key_multibase
                );
            }
            Ok(())
        }
        OrgCommand::List { json } => {
            let orgs = ctx.orgs.list().await?;
            if json {
                let items: Vec<_> = orgs
                    .iter()
                    .map(|(o, did)| serde_json::json!({"slug": o.slug, "name_fr": o.name_fr, "name_en": o.name_en, "did": did, "id": o.id, "created_at": o.created_at}))
                    .collect();
                return print_json(&items);
            }
            for (o, did) in orgs {
                println!("{}\t{}\t{}", o.slug, did, o.name_fr);
            }
            Ok(())
        }
        OrgCommand::Show { slug, json } => {
            let details = ctx.orgs.get(&slug).await?;
            if json {
                return print_json(&details);
            }
            println!("{} ({})", details.org.slug, details.did);
            println!(
                "  fr: {}\n  en: {}",
                details.org.name_fr, details.org.name_en
            );
            println!("  keys:");
            for k in &details.keys {
                println!(
                    "    {}\t{}\t{}\t{}",
                    k.fragment,
                    k.algorithm,
                    k.status.as_str(),
                    k.public_key_multibase
                );
            }
            Ok(())
        }
        OrgCommand::RotateKey {
            slug,
            algorithm,
            json,
        } => {
            let key = ctx.orgs.rotate_key(&slug, algorithm, &actor).await?;
            if json {
                return print_json(&key);
            }
            println!(
                "{} is now the active {} key of {slug}",
                key.fragment, key.algorithm
            );
            Ok(())
        }
        OrgCommand::WithdrawKey {
            slug,
            key,
            yes,
            json,
        } => {
            anyhow::ensure!(
                yes,
                "withdrawing {key} removes it from the DID document of {slug}: every credential \
                 it signed stops verifying, and this cannot be undone. Run again with --yes to \
                 confirm (to stop signing with a key but keep what it signed valid, use \
                 rotate-key instead)"
            );
            let key = ctx.orgs.withdraw_key(&slug, &key, &actor).await?;
            if json {
                return print_json(&key);
            }
            println!(
                "{} was withdrawn from the DID document of {slug}: credentials it signed no longer verify",
                key.fragment
            );
            Ok(())
        }
        OrgCommand::ApiKey(ApiKeyCommand::Create { slug, name }) => {
            let created = ctx.orgs.create_api_key(&slug, &name, &actor).await?;
            println!("{}", created.token.expose_secret());
            Ok(())
        }
        OrgCommand::ApiKey(ApiKeyCommand::List { slug, json }) => {
            let keys = ctx.orgs.list_api_keys(&slug).await?;
            if json {
                return print_json(&keys);
            }
            for k in keys {
                let state = if k.revoked_at.is_some() {
                    "revoked"
                } else {
                    "live"
                };
                println!("{}\t{}…\t{}\t{}", k.id, k.prefix, state, k.name);
            }
            Ok(())
        }
        OrgCommand::ApiKey(ApiKeyCommand::Revoke { slug, id }) => {
            ctx.orgs.revoke_api_key(&slug, &id, &actor).await?;
            println!("revoked {id}");
            Ok(())
        }
    }
}
