//! The verifier on its own (`atout serve --only verifier`) and its offline
//! bundle (`atout verifier snapshot`).
//!
//! Alone, the verifier writes nothing anywhere:
//! * the API and the paste page need no database: DID documents and status
//!   lists come over guarded HTTP (cached in memory) or from a snapshot,
//!   the trust registry from a signed file or the snapshot;
//! * verification links (`/verify/{token}`) read the credential from the
//!   database, opened read-only (a PostgreSQL replica is enough) and only
//!   when `DATABASE_URL` is set.
//!
//! So any number of instances can run behind a load balancer.

use crate::app::with_plumbing;
use atout_core::{
    clock::Clock,
    did::{DidResolver, DidWeb},
    store::{self, ConnectOptions, Store},
    Config,
};
use atout_did_docs::{GuardedHttp, Resolver, WebResolver};
use atout_verifier::{
    snapshot::{offline_verifier, verify_registry_document, Snapshot},
    sources::{HttpStatusLists, RegistrySnapshot, StoreLists, StoreRegistry, TrustRegistry},
    Verifier, VerifierParts, VerifierState,
};
use atout_web::{metrics::Metrics, middleware, ApiError};
use axum::{extract::State, routing::get, Json, Router};
use std::{path::Path, sync::Arc};
use utoipa_axum::router::OpenApiRouter;

/// The parts of an online verifier (the full server's, or one running alone):
/// status lists of this deployment from `store` when there is one, others
/// over guarded HTTP, cached for the lists' advertised lifetime.
pub fn online_parts(
    config: &Config,
    clock: Arc<dyn Clock>,
    vc: Arc<atout_vc::Vc>,
    canon: Arc<atout_canon::Canonicalizer>,
    resolver: Arc<dyn DidResolver>,
    store: Option<Arc<dyn Store>>,
    registry: Arc<dyn TrustRegistry>,
) -> anyhow::Result<VerifierParts> {
    Ok(VerifierParts {
        vc,
        canon: Some(canon),
        resolver,
        lists: Arc::new(HttpStatusLists {
            http: GuardedHttp::new(config.did_web.clone())?,
            clock: clock.clone(),
        }),
        local_lists: store.map(|store| {
            Arc::new(StoreLists {
                store,
                did_web: DidWeb::new(&config.base_url),
                base: config.base().to_owned(),
            }) as Arc<dyn atout_verifier::sources::LocalLists>
        }),
        registry,
        clock,
        list_ttl: std::time::Duration::from_millis(atout_vc::status::TTL_MS),
        snapshot_taken_at: None,
    })
}

/// A verifier running alone.
pub struct VerifierOnly {
    pub router: Router,
    pub openapi: utoipa::openapi::OpenApi,
    pub store: Option<Arc<dyn Store>>,
    pub verifier: Arc<Verifier>,
    /// One line for the start-up log: where keys, lists and trust come from.
    pub description: String,
}

#[derive(Clone)]
struct OpsState {
    store: Option<Arc<dyn Store>>,
}

/// Builds the verifier alone (see the module documentation).
pub async fn build_verifier_only(
    config: Config,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<VerifierOnly> {
    let vc = Arc::new(atout_vc::Vc::new(config.base())?);
    let canon = Arc::new(
        atout_canon::Canonicalizer::new(vc.contexts.documents())
            .map_err(|e| anyhow::anyhow!("bundled contexts: {e}"))?,
    );
    let store = if config.database_url_explicit {
        let store = store::connect(&ConnectOptions {
            url: config.database_url.clone(),
            password: config.database_password.clone(),
            max_connections: config.database_max_connections,
            busy_timeout: std::time::Duration::from_secs(10),
            read_only: true,
        })
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot open the database {} read-only: {e}",
                atout_core::config::redact_url(&config.database_url)
            )
        })?;
        match store.get_meta("base_url").await {
            Ok(Some(stored)) if stored == config.base() => {}
            Ok(Some(stored)) => anyhow::bail!(
                "this database belongs to the base URL {stored}; this verifier is configured \
                 with {} (set ATOUT_BASE_URL={stored})",
                config.base()
            ),
            Ok(None) => anyhow::bail!(
                "the database has not been initialised (run `atout migrate` on the primary)"
            ),
            Err(e) => anyhow::bail!("the database cannot be read: {e}"),
        }
        Some(store)
    } else {
        None
    };
    let did_web = DidWeb::new(&config.base_url);
    let authority = config
        .registry_authority
        .clone()
        .unwrap_or_else(|| did_web.platform());
    let (verifier, description) = if let Some(path) = &config.verifier_snapshot {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read the snapshot {}: {e}", path.display()))?;
        let snapshot =
            Snapshot::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let verifier = offline_verifier(&snapshot, vc, Some(canon), clock.clone())
            .await
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let description = format!(
            "offline: snapshot of {} taken {} ({} DID documents, {} status lists); no network",
            snapshot.base_url,
            snapshot.created_at.to_rfc3339(),
            snapshot.did_documents.len(),
            snapshot.status_lists.len()
        );
        (verifier, description)
    } else {
        let web = WebResolver::new(config.did_web.clone(), clock.clone())?;
        let resolver: Arc<dyn DidResolver> = match &store {
            Some(store) => Arc::new(Resolver::new(did_web.clone(), store.clone(), web)),
            None => Arc::new(Resolver::without_store(did_web.clone(), web)),
        };
        let parts = |registry: Arc<dyn TrustRegistry>| {
            online_parts(
                &config,
                clock.clone(),
                vc.clone(),
                canon.clone(),
                resolver.clone(),
                store.clone(),
                registry,
            )
        };
        let (registry, source): (Arc<dyn TrustRegistry>, String) = if let Some(path) =
            &config.verifier_registry
        {
            let text = std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("cannot read the registry {}: {e}", path.display()))?;
            let document: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| anyhow::anyhow!("{}: not JSON: {e}", path.display()))?;
            let empty = RegistrySnapshot::new(authority.clone(), clock.now(), vec![]);
            let bootstrap = Arc::new(Verifier::new(parts(Arc::new(empty))?));
            let registry = verify_registry_document(&bootstrap, &document, &authority)
                .await
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            let n = registry.len();
            (Arc::new(registry), format!("registry file ({n} issuers)"))
        } else if let Some(store) = &store {
            (
                Arc::new(StoreRegistry(Arc::new(
                    atout_core::registry::Registry::new(store.clone(), clock.clone()),
                ))),
                "registry from the database".into(),
            )
        } else {
            tracing::warn!(
                "no trust registry (set ATOUT_VERIFIER_REGISTRY to a signed registry \
                     document, or ATOUT_VERIFIER_SNAPSHOT): every issuer shows as unknown"
            );
            (
                Arc::new(RegistrySnapshot::new(
                    authority.clone(),
                    clock.now(),
                    vec![],
                )),
                "no registry".into(),
            )
        };
        let verifier = Arc::new(Verifier::new(parts(registry)?));
        let description = format!(
            "online: DID documents and status lists over HTTP (cached), {source}, {}",
            if store.is_some() {
                "database read-only"
            } else {
                "no database"
            }
        );
        (verifier, description)
    };
    let state = VerifierState {
        verifier: verifier.clone(),
        base: config.base().to_owned(),
        store: store.clone(),
        // Shares live in the wallet: not on a verifier deployed alone.
        shares: None,
        limits: Arc::new(atout_web::limits::AddressLimits::new()),
    };
    tokio::spawn(atout_web::limits::sweep_forever(state.limits.clone()));
    let (router, openapi) = OpenApiRouter::new()
        .merge(atout_verifier::router(state))
        .split_for_parts();
    let router = router
        .route(
            "/healthz",
            get(|| async { Json(serde_json::json!({"status": "ok"})) }),
        )
        .route(
            "/readyz",
            get(|State(ops): State<OpsState>| async move {
                if let Some(store) = &ops.store {
                    match tokio::time::timeout(std::time::Duration::from_secs(3), store.ping())
                        .await
                    {
                        Ok(Ok(())) => {}
                        _ => return Err(ApiError::unavailable("The database does not answer.")),
                    }
                }
                Ok(Json(serde_json::json!({"status": "ready"})))
            }),
        )
        .fallback(middleware::not_found)
        .method_not_allowed_fallback(middleware::method_not_allowed)
        .with_state(OpsState {
            store: store.clone(),
        });
    let router = with_plumbing(router, &config, Arc::new(Metrics::new()));
    Ok(VerifierOnly {
        router,
        openapi,
        store,
        verifier,
        description,
    })
}

/// Serves a verifier alone until `shutdown` completes.
pub async fn serve_verifier_only(
    app: VerifierOnly,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    axum::serve(listener, app.router)
        .with_graceful_shutdown(shutdown)
        .await?;
    if let Some(store) = app.store {
        store.close().await;
    }
    Ok(())
}

/// What `atout verifier snapshot` bundled.
#[derive(Debug, serde::Serialize)]
pub struct SnapshotStats {
    pub issuers: usize,
    pub did_documents: usize,
    pub status_lists: usize,
    pub skipped: Vec<String>,
}

/// Writes the offline bundle: the signed registry, every DID document of
/// this platform and of the registry's did:web issuers (fetched; failures
/// are listed, not fatal), and every status list of this platform.
pub async fn write_snapshot(
    config: Config,
    clock: Arc<dyn Clock>,
    out: &Path,
) -> anyhow::Result<SnapshotStats> {
    let app = crate::build(config, clock.clone()).await?;
    let state = &app.state;
    let did_web = state.orgs.did_web().clone();
    let authority = state
        .config
        .registry_authority
        .clone()
        .unwrap_or_else(|| did_web.platform());
    let mut snapshot = Snapshot::new(state.config.base(), &authority, clock.now());
    let (document, entries) = registry_document(state).await?;
    snapshot.registry = Some(document);
    let store = state.store.as_ref();
    let mut owners: Vec<Option<String>> = vec![None];
    owners.extend(store.list_orgs().await?.into_iter().map(|o| Some(o.slug)));
    for owner in owners {
        if let Some(doc) =
            atout_did_docs::document::local_document(store, &did_web, owner.as_deref()).await?
        {
            snapshot.did_documents.insert(doc.id.clone(), doc);
        }
    }
    let mut skipped = Vec::new();
    for did in &entries {
        if !did.starts_with("did:web:") || snapshot.did_documents.contains_key(did) {
            continue;
        }
        match state.resolver.resolve(did).await {
            Ok(doc) => {
                snapshot.did_documents.insert(did.clone(), doc);
            }
            Err(e) => skipped.push(format!("{did}: {e}")),
        }
    }
    for (url, body) in atout_issuer::status::all_signed_lists(state)
        .await
        .map_err(|e| anyhow::anyhow!("status lists: {}", e.body().detail.unwrap_or_default()))?
    {
        snapshot.status_lists.insert(url, body);
    }
    let stats = SnapshotStats {
        issuers: entries.len(),
        did_documents: snapshot.did_documents.len(),
        status_lists: snapshot.status_lists.len(),
        skipped,
    };
    let text = serde_json::to_string_pretty(&snapshot)?;
    let tmp = out.with_extension("tmp");
    std::fs::write(&tmp, text)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, out)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", out.display()))?;
    app.state.store.close().await;
    Ok(stats)
}

/// The signed registry document and the DIDs it lists.
async fn registry_document(
    state: &atout_web::AppState,
) -> anyhow::Result<(serde_json::Value, Vec<String>)> {
    let signed = atout_verifier::registry::export(state)
        .await
        .map_err(|e| anyhow::anyhow!("the registry could not be exported: {e}"))?;
    let document = serde_json::from_str(&signed.text)?;
    Ok((
        document,
        signed.entries.into_iter().map(|e| e.did).collect(),
    ))
}
