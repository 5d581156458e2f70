//! An organisation's dashboard, its API keys, and its DID and signing keys.

use super::{check, problem_errors, unprocessable, KeyInfo, OrgPage};
use crate::{
    api::seg,
    ctx::Ctx,
    forms::{Errors, PostForm},
    page::{render, see_other, Chrome, PageError},
    PortalState,
};
use askama::Template;
use axum::{
    body::Body,
    extract::{Path, State},
    http::{header, Method},
    response::Response,
    routing::{get, post},
    Router,
};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/console/orgs/{slug}", get(dashboard))
        .route(
            "/console/orgs/{slug}/api-keys",
            get(api_keys).post(create_api_key),
        )
        .route(
            "/console/orgs/{slug}/api-keys/{id}/revoke",
            post(revoke_api_key),
        )
        .route(
            "/console/orgs/{slug}/profile",
            get(profile).post(save_profile),
        )
        .route("/console/orgs/{slug}/keys", get(keys))
        .route("/console/orgs/{slug}/keys/rotate", post(rotate))
        .route("/console/orgs/{slug}/keys/{id}/withdraw", post(withdraw))
}

/// A count for people: "100+" when the API's page was full.
pub struct Count {
    pub n: usize,
    pub more: bool,
}

impl std::fmt::Display for Count {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.more {
            write!(f, "{}+", self.n)
        } else {
            write!(f, "{}", self.n)
        }
    }
}

#[derive(Deserialize)]
struct Items {
    items: Vec<Value>,
    #[serde(default)]
    next_before: Option<String>,
}

#[derive(Template)]
#[template(path = "console/dashboard.html")]
struct Dashboard {
    c: Chrome,
    base: String,
    name: String,
    did: String,
    did_url: String,
    templates: Count,
    issued: Count,
    requests: Count,
    offers: Count,
    own_key: bool,
    is_admin: bool,
    /// The organisation's standing in the trust registry.
    accreditation: crate::directory::Accreditation,
    /// Whom to ask to enter the registry (`registry_contact`), if set.
    contact: Option<String>,
    /// The console's page to add it to the registry (the administrator).
    registry_href: String,
}

/// `did:web:host%3Aport:orgs:slug` → `http(s)://host:port/orgs/slug/did.json`.
pub fn did_document_url(state: &PortalState, slug: &str) -> String {
    format!("{}/orgs/{}/did.json", state.app.config.base(), seg(slug))
}

/// The organisation's dashboard: its name, DID and counts. The
/// organisation's key or the administrator.
async fn dashboard(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    let api = page.api();
    let who = &page.staff.who;
    let paths = [
        format!("{api}/templates"),
        format!("{api}/credentials?limit=100"),
        format!("{api}/certification-requests?state=pending"),
        format!("{api}/offers?state=pending&limit=500"),
    ];
    let profile_path = format!("{api}/profile");
    let (t, c, r, o, p) = tokio::join!(
        state.get(&ctx, who, &paths[0]),
        state.get(&ctx, who, &paths[1]),
        state.get(&ctx, who, &paths[2]),
        state.get(&ctx, who, &paths[3]),
        state.get(&ctx, who, &profile_path),
    );
    let profile: ProfileView = p?.json().await?;
    let t: Items = t?.json().await?;
    let c: Items = c?.json().await?;
    let r: Items = r?.json().await?;
    let o: Items = o?.json().await?;
    Ok(render(
        ctx.lang,
        &Dashboard {
            c: page.chrome(&state, &ctx, "co-dashboard-title"),
            base: page.base(),
            name: page.org.name(ctx.lang.code()).to_owned(),
            did: page.org.did.clone(),
            did_url: did_document_url(&state, &page.org.slug),
            templates: Count {
                n: t.items.len(),
                more: false,
            },
            issued: Count {
                n: c.items.len(),
                more: c.next_before.is_some(),
            },
            requests: Count {
                n: r.items.len(),
                more: false,
            },
            offers: Count {
                n: o.items.len(),
                more: o.items.len() >= 500,
            },
            own_key: page.is_own_key(),
            is_admin: page.staff.is_admin(),
            accreditation: profile.accreditation,
            contact: state.app.config.registry_contact.clone(),
            registry_href: format!(
                "/console/registry?{}#form",
                serde_urlencoded::to_string([("did", page.org.did.as_str())]).unwrap_or_default()
            ),
        },
    ))
}

/// What the dashboard reads of `GET /orgs/{slug}/profile`.
#[derive(Deserialize)]
struct ProfileView {
    accreditation: crate::directory::Accreditation,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(default)]
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default)]
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Deserialize)]
struct ApiKeyList {
    items: Vec<ApiKey>,
}

#[derive(Template)]
#[template(path = "console/api_keys.html")]
struct ApiKeysPage {
    c: Chrome,
    base: String,
    items: Vec<ApiKey>,
    is_admin: bool,
    name: String,
    /// A key just created: shown this once.
    created: Option<String>,
    errors: Errors,
}

async fn api_keys_view(
    state: &PortalState,
    ctx: &Ctx,
    page: &OrgPage,
    name: String,
    created: Option<String>,
    errors: Errors,
) -> Result<ApiKeysPage, PageError> {
    let list: ApiKeyList = state
        .get(ctx, &page.staff.who, &format!("{}/api-keys", page.api()))
        .await?
        .json()
        .await?;
    Ok(ApiKeysPage {
        c: page.chrome(state, ctx, "co-api-keys-title"),
        base: page.base(),
        items: list.items,
        is_admin: page.staff.is_admin(),
        name,
        created,
        errors,
    })
}

/// The organisation's API keys. The organisation's key or the administrator.
async fn api_keys(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    let view = api_keys_view(&state, &ctx, &page, String::new(), None, Errors::default()).await?;
    Ok(render(ctx.lang, &view))
}

/// Creates an API key, shown once. The administrator (the API allows no
/// one else; CSRF-checked).
async fn create_api_key(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: PostForm,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    if !page.staff.is_admin() {
        return Err(PageError::Forbidden);
    }
    let name = form.text("name");
    let t = ctx.t();
    let mut errors = Errors::default();
    if name.is_empty() {
        errors.add("name", t.get("co-field-key-name"));
    } else {
        let reply = state
            .send_json(
                &ctx,
                &page.staff.who,
                Method::POST,
                &format!("/admin/orgs/{}/api-keys", seg(&slug)),
                &json!({"name": name}),
            )
            .await?;
        if reply.ok() {
            let created: Value = reply.json().await?;
            let key = created["key"].as_str().unwrap_or_default().to_owned();
            let mut response = render(
                ctx.lang,
                &api_keys_view(&state, &ctx, &page, String::new(), Some(key), errors).await?,
            );
            *response.status_mut() = axum::http::StatusCode::CREATED;
            // The key is in this page only: never kept by a cache.
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            );
            return Ok(response);
        }
        let problem = reply.problem().await;
        errors = problem_errors(t, &problem, &[("name", "name")]);
        if problem.status == 422 && problem.field.is_none() {
            let message = errors.0.remove(0).1;
            errors.add("name", message);
        }
    }
    let view = api_keys_view(&state, &ctx, &page, name, None, errors).await?;
    Ok(unprocessable(render(ctx.lang, &view)))
}

/// Revokes an API key at once (the caller's own key too: its session ends).
/// The organisation's key or the administrator (CSRF-checked).
async fn revoke_api_key(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    _form: PostForm,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    check(
        state
            .call(
                &ctx,
                &page.staff.who,
                Method::DELETE,
                &format!("{}/api-keys/{}", page.api(), seg(&id)),
                Body::empty(),
                None,
            )
            .await?,
    )
    .await?;
    Ok(see_other(&format!(
        "{}/api-keys?done=done-co-key-revoked",
        page.base()
    )))
}

#[derive(Template)]
#[template(path = "console/keys.html")]
struct KeysPage {
    c: Chrome,
    base: String,
    did: String,
    did_url: String,
    keys: Vec<KeyInfo>,
    is_admin: bool,
    document: String,
}

/// The organisation's DID, its document and its keys. The organisation's
/// key or the administrator; rotation and withdrawal: the administrator.
async fn keys(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    let doc = state
        .get(
            &ctx,
            &crate::api::As::Nobody,
            &format!("/orgs/{}/did.json", seg(&slug)),
        )
        .await?;
    let document = if doc.ok() {
        let bytes = doc.bytes().await?;
        serde_json::from_slice::<Value>(&bytes)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or_default()
    } else {
        String::new()
    };
    Ok(render(
        ctx.lang,
        &KeysPage {
            c: page.chrome(&state, &ctx, "co-keys-title"),
            base: page.base(),
            did: page.org.did.clone(),
            did_url: did_document_url(&state, &page.org.slug),
            keys: page.org.keys.clone(),
            is_admin: page.staff.is_admin(),
            document,
        },
    ))
}

/// Rotates a key (a new active one; the old one retired). The
/// administrator (CSRF-checked).
async fn rotate(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: PostForm,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    if !page.staff.is_admin() {
        return Err(PageError::Forbidden);
    }
    let algorithm = match form.get("algorithm") {
        Some("P-256") => "P-256",
        _ => "Ed25519",
    };
    check(
        state
            .send_json(
                &ctx,
                &page.staff.who,
                Method::POST,
                &format!("/admin/orgs/{}/keys", seg(&slug)),
                &json!({"algorithm": algorithm}),
            )
            .await?,
    )
    .await?;
    Ok(see_other(&format!(
        "{}/keys?done=done-co-key-rotated",
        page.base()
    )))
}

/// Withdraws a retired key (what it signed stops verifying). The
/// administrator, who ticks that they understand (CSRF-checked).
async fn withdraw(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    form: PostForm,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    if !page.staff.is_admin() {
        return Err(PageError::Forbidden);
    }
    if !form.checked("understood") {
        return Ok(see_other(&format!(
            "{}/keys?done=done-co-not-confirmed",
            page.base()
        )));
    }
    let reply = state
        .call(
            &ctx,
            &page.staff.who,
            Method::POST,
            &format!("/admin/orgs/{}/keys/{}/withdraw", seg(&slug), seg(&id)),
            Body::empty(),
            None,
        )
        .await?;
    check(reply).await?;
    Ok(see_other(&format!(
        "{}/keys?done=done-co-key-withdrawn",
        page.base()
    )))
}

/// `GET /orgs/{slug}/profile`, as the profile page reads it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Profile {
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    town: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    website: Option<String>,
    listed: bool,
    accreditation: crate::directory::Accreditation,
    templates: Vec<TemplateVisibility>,
}

#[derive(Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct TemplateVisibility {
    pub id: String,
    pub name_fr: String,
    pub name_en: String,
    pub public: bool,
}

#[derive(Template)]
#[template(path = "console/profile.html")]
struct ProfilePage {
    c: Chrome,
    base: String,
    slug: String,
    description: String,
    town: String,
    kind: String,
    website: String,
    listed: bool,
    kinds: [&'static str; 7],
    accreditation: crate::directory::Accreditation,
    templates: Vec<TemplateVisibility>,
    errors: Errors,
}

impl ProfilePage {
    fn template_name<'a>(&self, t: &'a TemplateVisibility) -> &'a str {
        if self.c.lang == "en" {
            &t.name_en
        } else {
            &t.name_fr
        }
    }
}

async fn load_profile(
    state: &PortalState,
    ctx: &Ctx,
    page: &OrgPage,
) -> Result<Profile, PageError> {
    check(
        state
            .get(ctx, &page.staff.who, &format!("{}/profile", page.api()))
            .await?,
    )
    .await?
    .json()
    .await
}

/// What the public directory shows of the organisation, and which of its
/// templates. The organisation's key or the administrator.
async fn profile(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    let p = load_profile(&state, &ctx, &page).await?;
    Ok(render(
        ctx.lang,
        &ProfilePage {
            c: page.chrome(&state, &ctx, "co-profile-title"),
            base: page.base(),
            slug: page.org.slug.clone(),
            description: p.description.unwrap_or_default(),
            town: p.town.unwrap_or_default(),
            kind: p.kind.unwrap_or_default(),
            website: p.website.unwrap_or_default(),
            listed: p.listed,
            kinds: crate::directory::KINDS,
            accreditation: p.accreditation,
            templates: p.templates,
            errors: Errors::default(),
        },
    ))
}

/// Saves the profile. The organisation's key or the administrator
/// (CSRF-checked).
async fn save_profile(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: PostForm,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    let public = form.all("public");
    let body = json!({
        "description": form.raw("description").trim(),
        "town": form.text("town"),
        "kind": form.text("kind"),
        "website": form.text("website"),
        "listed": form.checked("listed"),
        "publicTemplates": public,
    });
    let reply = state
        .send_json(
            &ctx,
            &page.staff.who,
            Method::PUT,
            &format!("{}/profile", page.api()),
            &body,
        )
        .await?;
    if reply.ok() {
        return Ok(see_other(&format!(
            "{}/profile?done=done-co-profile-saved",
            page.base()
        )));
    }
    let problem = reply.problem().await;
    if problem.status != 422 {
        return Err(PageError::from_problem(problem));
    }
    let t = ctx.t();
    let mut errors = Errors::default();
    let field = match problem.field.as_deref() {
        Some("publicTemplates") => "templates",
        Some(f @ ("description" | "town" | "kind" | "website")) => f,
        _ => "",
    };
    errors.add(
        field,
        t.get(&format!(
            "co-profile-field-{}",
            if field.is_empty() { "other" } else { field }
        )),
    );
    let p = load_profile(&state, &ctx, &page).await?;
    let mut templates = p.templates;
    for t in &mut templates {
        t.public = public.contains(&t.id);
    }
    let view = ProfilePage {
        c: page
            .chrome(&state, &ctx, "co-profile-title")
            .for_page(&format!("{}/profile", page.base())),
        base: page.base(),
        slug: page.org.slug.clone(),
        description: form.raw("description").trim().to_owned(),
        town: form.text("town"),
        kind: form.text("kind"),
        website: form.text("website"),
        listed: form.checked("listed"),
        kinds: crate::directory::KINDS,
        accreditation: p.accreditation,
        templates,
        errors,
    };
    Ok(unprocessable(render(ctx.lang, &view)))
}
