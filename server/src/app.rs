//! Assembling the application: storage, keys, services and routes.

use crate::{ops, secrets};
use atout_core::{
    clock::Clock,
    did::DidWeb,
    orgs::Orgs,
    store::{self, ConnectOptions, Store},
    Config,
};
use atout_did_docs::{Resolver, WebResolver};
use atout_verifier::{Verifier, VerifierState};
use atout_web::{
    metrics::{self, Metrics},
    middleware, AppState,
};
use axum::{extract::DefaultBodyLimit, middleware::from_fn, Router};
use std::sync::Arc;
use tower_http::catch_panic::CatchPanicLayer;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;

/// What the command line needs: the migrated store and the services.
pub struct Context {
    pub config: Arc<Config>,
    pub clock: Arc<dyn Clock>,
    pub store: Arc<dyn Store>,
    pub orgs: Arc<Orgs>,
    pub citizens: Arc<atout_core::citizens::Citizens>,
    /// Seals short-lived tokens (derived from the master key).
    pub token_key: Arc<atout_core::crypto::MasterKey>,
}

impl Context {
    /// Connects, migrates, loads the master key and checks it against the
    /// database, and makes sure the platform has its key.
    pub async fn open(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let store = store::connect(&ConnectOptions {
            url: config.database_url.clone(),
            password: config.database_password.clone(),
            max_connections: config.database_max_connections,
            busy_timeout: std::time::Duration::from_secs(10),
            read_only: false,
        })
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot open the database {}: {e}",
                atout_core::config::redact_url(&config.database_url)
            )
        })?;
        store
            .migrate()
            .await
            .map_err(|e| anyhow::anyhow!("database migration failed: {e}"))?;
        // The base URL is part of every DID issued from this database: a
        // process configured with another one would print and publish
        // identifiers that do not exist. Refuse, and say how to fix it.
        let stored = store.init_meta("base_url", config.base()).await?;
        if stored != config.base() {
            anyhow::bail!(
                "this database belongs to the base URL {stored}, and every DID it holds was \
                 derived from it (did:web); this process is configured with {}. Set \
                 ATOUT_BASE_URL={stored} (or ATOUT_LISTEN to match). Changing the public \
                 address of a deployment changes every organisation's DID.",
                config.base()
            );
        }
        let master = Arc::new(secrets::master_key(&config)?);
        let orgs = Arc::new(Orgs::new(
            store.clone(),
            clock.clone(),
            master.clone(),
            DidWeb::new(&config.base_url),
        ));
        orgs.check_master_key().await.map_err(|e| {
            anyhow::anyhow!(
                "{e}. Configure the master key this database was created with \
                 (ATOUT_MASTER_KEY or ATOUT_MASTER_KEY_FILE)."
            )
        })?;
        orgs.ensure_platform_key().await?;
        // Organisations created before the directory: fold their names.
        atout_core::store::DirectoryStore::refold_orgs(&*store).await?;
        let token_key = Arc::new(master.derive(TOKEN_KEY_PURPOSE));
        let citizens = Arc::new(atout_core::citizens::Citizens::new(
            store.clone(),
            clock.clone(),
            master,
            config.wallet.clone(),
            config.base(),
        )?);
        Ok(Self {
            config: Arc::new(config),
            clock,
            store,
            orgs,
            citizens,
            token_key,
        })
    }
}

/// What the key sealing short-lived tokens is derived for.
const TOKEN_KEY_PURPOSE: &str = "atout/short-lived-tokens/v1";

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Atout",
        description = "A citizen-owned e-portfolio built on W3C Verifiable Credentials. \
                       Errors are RFC 9457 `application/problem+json`; every response carries \
                       an `x-request-id`.",
        license(name = "AGPL-3.0-or-later")
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "did", description = "DID documents (public)"),
        (name = "organisations", description = "Organisations, keys and API keys"),
        (name = "audit", description = "The append-only audit log"),
        (name = "issuance", description = "VC-API issuance"),
        (name = "status", description = "Revocation and suspension (Bitstring Status List)"),
        (name = "templates", description = "Credential templates"),
        (name = "registry", description = "Issued credentials of an organisation"),
        (name = "batches", description = "Bulk issuance"),
        (name = "trust registry", description = "Accredited issuers (platform admin)"),
        (name = "verification", description = "VC-API verification (public)"),
        (name = "accounts", description = "Citizens' accounts and sessions"),
        (name = "wallet", description = "A citizen's credentials, entries and timeline (the citizen only)"),
        (name = "documents", description = "A citizen's document vault (the citizen only)"),
        (name = "shares", description = "Links to chosen credentials, entries and documents (the citizen; the link's holder for /s/...)"),
        (name = "cvs", description = "CVs, general or aimed at an occupation, as PDF with a verification QR code per certified line (the citizen only)"),
        (name = "profile", description = "The citizen's public profile page /p/{handle} (settings: the citizen; the page: public)"),
        (name = "invitations", description = "Invited readers, contributors and certifiers; suggestions; peer endorsements"),
        (name = "certification requests", description = "Citizens asking organisations to certify an entry"),
        (name = "offers", description = "Credential offers from organisations to citizens"),
        (name = "openid4vci", description = "OpenID for Verifiable Credential Issuance 1.0"),
        (name = "frameworks", description = "Reference frameworks (ESCO, ISCO-08, ROME 4.0, NAF, RNCP, RS): search, concepts (public), imports (platform admin); attributions in GET /frameworks"),
        (name = "skills", description = "A citizen's skills with their evidence: certified, endorsed, declared (the citizen only)"),
        (name = "plans", description = "Career plans: targets, the skills gap, trainings, steps, comments (the citizen; invited people for shared plans)"),
        (name = "trainings", description = "The training catalogue (organisations publish; anyone searches)"),
        (name = "events", description = "Events: organisations and the platform publish, cancel and import; anyone lists them, as iCalendar and Atom too"),
        (name = "news", description = "A citizen's news feed, follows, registrations, stars and personal calendar feed"),
        (name = "notifications", description = "Notifications of citizens and organisations, mail preferences, one-click unsubscribe"),
        (name = "operations", description = "Health, readiness, metrics, this document"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The platform admin token, an organisation API key (atout_...), or a citizen session token (atc_...)",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(utoipa::openapi::security::ApiKey::Cookie(
                utoipa::openapi::security::ApiKeyValue::with_description(
                    "atout_session",
                    "A citizen's session cookie (`__Host-atout_session` over https)",
                ),
            )),
        );
    }
}

/// The whole application, ready to serve.
pub struct App {
    pub state: AppState,
    pub router: Router,
    pub openapi: utoipa::openapi::OpenApi,
}

/// Builds the application from a configuration.
pub async fn build(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<App> {
    let ctx = Context::open(config, clock).await?;
    let admin_token = Arc::new(secrets::admin_token(&ctx.config)?);
    let web = WebResolver::new(ctx.config.did_web.clone(), ctx.clock.clone())?;
    let resolver = Arc::new(Resolver::new(
        DidWeb::new(&ctx.config.base_url),
        ctx.store.clone(),
        web,
    ));
    let vc = Arc::new(atout_vc::Vc::new(ctx.config.base())?);
    let mut verifier = verifier_state(&ctx, vc.clone(), resolver.clone())?;
    let vault = Arc::new(
        atout_core::vault::Vault::from_url(&ctx.config.wallet.object_store_url)
            .map_err(|e| anyhow::anyhow!("document vault: {e}"))?,
    );
    let state = AppState {
        config: ctx.config.clone(),
        clock: ctx.clock.clone(),
        store: ctx.store.clone(),
        orgs: ctx.orgs.clone(),
        resolver,
        metrics: Arc::new(Metrics::new()),
        vc,
        admin_token,
        citizens: ctx.citizens.clone(),
        passkeys: Arc::new(atout_core::passkeys::Passkeys::new(
            &ctx.config.base_url,
            ctx.store.clone(),
            ctx.clock.clone(),
        )),
        // The wallet's live states, computed by this verifier (cached
        // briefly: see `atout_verifier::wallet_check`).
        checker: Arc::new(atout_verifier::wallet_check::WalletCheck::new(
            verifier.verifier.clone(),
        )),
        vault,
        token_key: ctx.token_key.clone(),
        address_limits: verifier.limits.clone(),
        frameworks: Arc::new(
            atout_web::frameworks::Frameworks::load(&ctx.store)
                .await
                .map_err(|e| anyhow::anyhow!("reference frameworks: {e}"))?,
        ),
    };
    verifier.shares = Some(Arc::new(atout_wallet_api::shares::Shares::new(
        state.clone(),
    )));
    let (router, openapi) = routes(state.clone(), verifier);
    Ok(App {
        state,
        router,
        openapi,
    })
}

/// All routes with their middleware, and the OpenAPI document built from
/// the same code.
/// The verifier as the full server runs it: keys of this platform from the
/// database, other did:web over guarded HTTP, this deployment's status lists
/// from its store and others over guarded HTTP (cached), the trust registry
/// from the database.
pub fn verifier_state(
    ctx: &Context,
    vc: Arc<atout_vc::Vc>,
    resolver: Arc<dyn atout_core::did::DidResolver>,
) -> anyhow::Result<VerifierState> {
    let canon = atout_canon::Canonicalizer::new(vc.contexts.documents())
        .map(Arc::new)
        .map_err(|e| anyhow::anyhow!("bundled contexts: {e}"))?;
    let registry = Arc::new(atout_verifier::sources::StoreRegistry(Arc::new(
        atout_core::registry::Registry::new(ctx.store.clone(), ctx.clock.clone()),
    )));
    let verifier = Verifier::new(crate::verifier_mode::online_parts(
        &ctx.config,
        ctx.clock.clone(),
        vc,
        canon,
        resolver,
        Some(ctx.store.clone()),
        registry,
    )?);
    Ok(VerifierState {
        verifier: Arc::new(verifier),
        base: ctx.config.base().to_owned(),
        store: Some(ctx.store.clone()),
        // Set once the application state exists (see `build`).
        shares: None,
        limits: Arc::new(atout_web::limits::AddressLimits::new()),
    })
}

pub fn routes(state: AppState, verifier: VerifierState) -> (Router, utoipa::openapi::OpenApi) {
    let mut api = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(ops::router(state.config.metrics_listen.is_none()))
        .merge(atout_did_docs::router())
        .merge(atout_issuer::router())
        .merge(atout_verifier::registry_api::router())
        .merge(atout_verifier::router(verifier))
        .merge(atout_wallet_api::router())
        .merge(atout_careers::router())
        .merge(atout_news::router());
    let (router, openapi) = {
        // The OpenAPI document itself is served from the router.
        let (_, doc) = api.clone().split_for_parts();
        api = api.merge(ops::openapi_router(doc));
        api.split_for_parts()
    };
    let api = router
        .fallback(middleware::not_found)
        .method_not_allowed_fallback(middleware::method_not_allowed)
        .with_state(state.clone());
    // The pages for people act through the API, called in process.
    let router = atout_portal::router(state.clone(), api.clone()).merge(api);
    (
        with_plumbing(router, &state.config, state.metrics.clone()),
        openapi,
    )
}

/// The middleware every listener gets: request ids, tracing, metrics,
/// security headers, body limit, problem fallback, panic catching.
pub fn with_plumbing(router: Router, config: &Config, metrics: Arc<Metrics>) -> Router {
    let hsts = config.base_url.scheme() == "https";
    router
        .layer(CatchPanicLayer::custom(middleware::panic_response))
        .layer(from_fn(middleware::reject_nul))
        .layer(from_fn(middleware::problem_fallback))
        .layer(DefaultBodyLimit::max(config.body_limit_bytes))
        .layer(from_fn(move |req, next| {
            middleware::security_headers(hsts, req, next)
        }))
        .layer(from_fn(move |req, next| {
            metrics::track(metrics.clone(), req, next)
        }))
        .layer(from_fn(middleware::trace))
        .layer(from_fn(middleware::request_id))
        // Whose X-Forwarded-For to believe (per-address limits).
        .layer(axum::Extension(atout_web::extract::TrustedProxies(
            Arc::new(config.trusted_proxies.clone()),
        )))
}
