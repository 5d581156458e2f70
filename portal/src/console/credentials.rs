//! Issued credentials: the registry with its search (subject name or
//! email, reference, credential id; template), each with its status, and
//! suspending, unsuspending and revoking (irreversible: confirmed first)
//! through the VC-API status route.

use super::{check, templates, OrgPage};
use crate::{
    api::seg,
    ctx::Ctx,
    forms::PostForm,
    page::{render, see_other, Chrome, PageError},
    PortalState,
};
use askama::Template;
use axum::{
    extract::{Path, State},
    http::{header, HeaderValue, Method},
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/console/orgs/{slug}/credentials", get(list))
        .route("/console/orgs/{slug}/credentials/{id}", get(show))
        .route(
            "/console/orgs/{slug}/credentials/{id}/download",
            get(download),
        )
        .route(
            "/console/orgs/{slug}/credentials/{id}/status",
            post(set_status),
        )
}

#[derive(Debug, Clone, Deserialize)]
pub struct Issued {
    pub id: String,
    pub credential_id: String,
    pub format: String,
    pub issued_at: chrono::DateTime<chrono::Utc>,
    #[serde(default)]
    pub template_id: Option<String>,
    #[serde(default)]
    pub reference: Option<String>,
    #[serde(default)]
    pub subject_name: Option<String>,
    #[serde(default)]
    pub subject_email: Option<String>,
    pub revoked: bool,
    pub suspended: bool,
    #[serde(default)]
    pub credential: Option<Value>,
    #[serde(default)]
    pub verification: Option<Verification>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Verification {
    pub url: String,
    pub qr_svg: String,
}

impl Issued {
    /// `revoked`, `suspended` or `active`.
    pub fn state(&self) -> &'static str {
        if self.revoked {
            "revoked"
        } else if self.suspended {
            "suspended"
        } else {
            "active"
        }
    }
}

#[derive(Deserialize)]
struct RegistryPage {
    items: Vec<Issued>,
    #[serde(default)]
    next_before: Option<String>,
}

#[derive(Template)]
#[template(path = "console/credentials.html")]
struct ListPage {
    c: Chrome,
    base: String,
    items: Vec<Issued>,
    templates: Vec<templates::TemplateSpec>,
    q: String,
    template: String,
    next: Option<String>,
    own_key: bool,
}

impl ListPage {
    fn template_name(&self, id: &Option<String>) -> String {
        id.as_deref()
            .and_then(|id| self.templates.iter().find(|t| t.id == id))
            .map(|t| t.name(self.c.lang).to_owned())
            .unwrap_or_default()
    }
}

/// The issued credentials, newest first, with the search. The
/// organisation's key or the administrator (only the key changes statuses).
async fn list(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    // The API's limits: q at most 200 characters, ids at most 100.
    let q: String = ctx
        .query_param("q")
        .unwrap_or_default()
        .trim()
        .chars()
        .take(200)
        .collect();
    let template = ctx
        .query_param("template")
        .filter(|t| t.len() <= 100)
        .unwrap_or_default();
    let before = ctx.query_param("before").filter(|b| b.len() <= 100);
    let mut query = vec![("limit".to_owned(), "50".to_owned())];
    if !q.is_empty() {
        query.push(("q".into(), q.clone()));
    }
    if !template.is_empty() {
        query.push(("template".into(), template.clone()));
    }
    if let Some(b) = &before {
        query.push(("before".into(), b.clone()));
    }
    let path = format!(
        "{}/credentials?{}",
        page.api(),
        serde_urlencoded::to_string(&query).unwrap_or_default()
    );
    let (found, templates) = tokio::join!(
        state.get(&ctx, &page.staff.who, &path),
        templates::load_all(&state, &ctx, &page),
    );
    let found: RegistryPage = check(found?).await?.json().await?;
    let next = found.next_before.map(|b| {
        let mut pairs = vec![("before", b)];
        if !q.is_empty() {
            pairs.push(("q", q.clone()));
        }
        if !template.is_empty() {
            pairs.push(("template", template.clone()));
        }
        format!(
            "?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    });
    Ok(render(
        ctx.lang,
        &ListPage {
            c: page.chrome(&state, &ctx, "co-credentials-title"),
            base: page.base(),
            items: found.items,
            templates: templates?,
            q,
            template,
            next,
            own_key: page.is_own_key(),
        },
    ))
}

async fn load(
    state: &PortalState,
    ctx: &Ctx,
    page: &OrgPage,
    id: &str,
) -> Result<Issued, PageError> {
    check(
        state
            .get(
                ctx,
                &page.staff.who,
                &format!("{}/credentials/{}", page.api(), seg(id)),
            )
            .await?,
    )
    .await?
    .json()
    .await
}

#[derive(Template)]
#[template(path = "console/credential.html")]
struct ShowPage {
    c: Chrome,
    base: String,
    i: Issued,
    body: String,
    template_name: String,
    own_key: bool,
    confirm_revoke: bool,
}

/// One issued credential: its status, its public verification link and QR
/// code, its content, and the status buttons (`?confirm=revoke` asks to
/// confirm a revocation). The organisation's key or the administrator.
async fn show(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    let issued = load(&state, &ctx, &page, &id).await?;
    let body = match &issued.credential {
        Some(Value::String(jwt)) => jwt.clone(),
        Some(v) => serde_json::to_string_pretty(v).unwrap_or_default(),
        None => String::new(),
    };
    let template_name = match &issued.template_id {
        Some(t) => templates::load_one(&state, &ctx, &page, t)
            .await
            .map(|t| t.name(ctx.lang.code()).to_owned())
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok(render(
        ctx.lang,
        &ShowPage {
            c: page.chrome(&state, &ctx, "co-credential-title"),
            base: page.base(),
            body,
            template_name,
            own_key: page.is_own_key(),
            confirm_revoke: ctx.query_param("confirm").as_deref() == Some("revoke")
                && !issued.revoked,
            i: issued,
        },
    ))
}

/// The credential as issued, as a file. The organisation's key or the
/// administrator.
async fn download(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    let issued = load(&state, &ctx, &page, &id).await?;
    let (body, content_type, ext) = match &issued.credential {
        Some(Value::String(jwt)) => (jwt.clone(), "application/vc+jwt", "jwt"),
        Some(v) => (
            serde_json::to_string_pretty(v).unwrap_or_default(),
            "application/vc+ld+json",
            "json",
        ),
        None => return Err(PageError::NotFound),
    };
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"credential-{}.{ext}\"",
        issued
            .id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<String>()
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// Suspends, unsuspends or revokes (`action`), through the VC-API status
/// route. The organisation's own key (CSRF-checked); revoking needs the
/// "I understand" box ticked.
async fn set_status(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    form: PostForm,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    if !page.is_own_key() {
        return Err(PageError::Forbidden);
    }
    let issued = load(&state, &ctx, &page, &id).await?;
    let here = format!("{}/credentials/{}", page.base(), seg(&issued.id));
    let (purpose, on, done) = match form.get("action") {
        Some("suspend") => ("suspension", true, "done-co-suspended"),
        Some("unsuspend") => ("suspension", false, "done-co-unsuspended"),
        Some("revoke") => {
            if !form.checked("understood") {
                return Ok(see_other(&format!(
                    "{here}?confirm=revoke&done=done-co-not-confirmed"
                )));
            }
            ("revocation", true, "done-co-revoked")
        }
        _ => {
            return Err(PageError::Api(crate::api::Problem {
                status: 400,
                kind: "form-unreadable".into(),
                ..Default::default()
            }))
        }
    };
    // The reason, when given, is told to the holder (issue 19).
    let reason: String = form.text("reason").chars().take(500).collect();
    let mut body = json!({
        "credentialId": issued.credential_id,
        "credentialStatus": [{
            "type": "BitstringStatusListEntry",
            "status": on,
            "statusPurpose": purpose,
        }],
    });
    if on && !reason.trim().is_empty() {
        body["reason"] = json!(reason.trim());
    }
    check(
        state
            .send_json(
                &ctx,
                &page.staff.who,
                Method::POST,
                "/credentials/status",
                &body,
            )
            .await?,
    )
    .await?;
    let back = match form.get("back") {
        Some("list") => format!("{}/credentials", page.base()),
        _ => here,
    };
    Ok(see_other(&format!("{back}?done={done}")))
}
