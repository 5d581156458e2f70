//! Logging in to the console with an API key or the admin token, logging
//! out, and the console's front page: an organisation's key goes to its
//! dashboard, the administrator sees the organisations (and creates them).

use super::{problem_errors, seal, unprocessable, Role, Staff};
use crate::{
    api::seg,
    ctx::{self, Ctx},
    forms::{Errors, PostForm},
    page::{render, see_other, Area, Chrome, PageError},
    PortalState,
};
use askama::Template;
use atout_web::extract::ClientIp;
use axum::{
    extract::State,
    http::{header, Method},
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};
use serde::Deserialize;
use serde_json::json;

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/console/login", get(login_page).post(login))
        .route("/console/logout", post(logout))
        .route(
            "/console/orgs",
            get(|| async { see_other("/console") }).post(create_org),
        )
}

/// Where to go after logging in: a console path only.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with("/console")
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control)
                && !n.starts_with("/console/login") =>
        {
            n.to_owned()
        }
        _ => "/console".to_owned(),
    }
}

#[derive(Template)]
#[template(path = "console/login.html")]
struct LoginPage {
    c: Chrome,
    next: String,
    errors: Errors,
}

/// The console's login form. Public.
async fn login_page(State(state): State<PortalState>, ctx: Ctx) -> Response {
    render(
        ctx.lang,
        &LoginPage {
            c: Chrome::new(&state, &ctx, Area::Console, "co-login-title"),
            next: safe_next(ctx.query_param("next").as_deref()),
            errors: Errors::default(),
        },
    )
}

/// Opens a console session with an API key or the admin token. Public
/// (CSRF-checked); every try counts against the address (the login quota
/// of `atout_web::limits`).
async fn login(
    State(state): State<PortalState>,
    ClientIp(client): ClientIp,
    ctx: Ctx,
    form: PostForm,
) -> Result<Response, PageError> {
    let next = safe_next(form.get("next"));
    let token = zeroize::Zeroizing::new(form.raw("token").trim().to_owned());
    let shown = |key: &str, status: axum::http::StatusCode| {
        let mut errors = Errors::default();
        errors.add("token", ctx.t().get(key));
        let mut response = render(
            ctx.lang,
            &LoginPage {
                c: Chrome::new(&state, &ctx, Area::Console, "co-login-title"),
                next: next.clone(),
                errors,
            },
        );
        *response.status_mut() = status;
        response
    };
    if let Err(secs) = state
        .app
        .address_limits
        .check(atout_web::limits::Action::Login, client)
    {
        let mut response = shown(
            "error-rate-limited",
            axum::http::StatusCode::TOO_MANY_REQUESTS,
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, axum::http::HeaderValue::from(secs));
        return Ok(response);
    }
    let role = if token.is_empty() {
        None
    } else {
        super::authenticate(&state, &token).await?
    };
    let Some(role) = role else {
        tracing::warn!(client = ?client, "a console login with an unknown token");
        return Ok(shown(
            "co-login-failed",
            axum::http::StatusCode::UNAUTHORIZED,
        ));
    };
    let kind = match role {
        Role::Admin => "admin",
        Role::Org { .. } => "org",
    };
    let value = seal(&state, &token, kind)
        .ok_or_else(|| PageError::Internal("sealing a console session".into()))?;
    let mut response = see_other(&next);
    response.headers_mut().append(
        header::SET_COOKIE,
        ctx::set_cookie(
            ctx.secure,
            ctx::CONSOLE_COOKIE,
            &value,
            super::SESSION_SECS as u64,
        ),
    );
    Ok(response)
}

/// Ends the console session (the cookie is cleared; the key itself stays
/// valid). Anyone (CSRF-checked).
async fn logout(ctx: Ctx, _form: PostForm) -> Response {
    let mut response = see_other("/console/login?done=done-co-logged-out");
    response
        .headers_mut()
        .append(header::SET_COOKIE, super::clear_cookie(&ctx));
    response
}

#[derive(Debug, Clone, Deserialize)]
pub struct OrgSummary {
    pub slug: String,
    pub name_fr: String,
    pub name_en: String,
    pub did: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Deserialize)]
struct OrgList {
    items: Vec<OrgSummary>,
}

#[derive(Template)]
#[template(path = "console/index.html")]
struct IndexPage {
    c: Chrome,
    orgs: Vec<OrgSummary>,
    slug: String,
    name_fr: String,
    name_en: String,
    p256: bool,
    accreditation: String,
    accreditation_url: String,
    accredited_from: String,
    town: String,
    kind: String,
    kinds: [&'static str; 7],
    errors: Errors,
}

impl IndexPage {
    fn name<'a>(&self, o: &'a OrgSummary) -> &'a str {
        if self.c.lang == "en" {
            &o.name_en
        } else {
            &o.name_fr
        }
    }
}

async fn index_view(
    state: &PortalState,
    ctx: &Ctx,
    staff: &Staff,
    form: Option<&PostForm>,
    errors: Errors,
) -> Result<IndexPage, PageError> {
    let list: OrgList = state
        .get(ctx, &staff.who, "/admin/orgs")
        .await?
        .json()
        .await?;
    let text = |k: &str| form.map(|f| f.text(k)).unwrap_or_default();
    Ok(IndexPage {
        c: staff.chrome(state, ctx, "co-index-title", None),
        orgs: list.items,
        slug: text("slug"),
        name_fr: text("name_fr"),
        name_en: text("name_en"),
        p256: form.is_some_and(|f| f.checked("p256")),
        accreditation: text("accreditation"),
        accreditation_url: text("accreditation_url"),
        accredited_from: text("accredited_from"),
        town: text("town"),
        kind: text("kind"),
        kinds: crate::directory::KINDS,
        errors,
    })
}

/// The console's front page: an organisation's key goes to its dashboard;
/// the administrator sees every organisation. Logged-in console users.
pub async fn index(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let staff = Staff::load(&state, &ctx).await?;
    if let Role::Org { slug, .. } = &staff.role {
        return Ok(see_other(&format!("/console/orgs/{}", seg(slug))));
    }
    let view = index_view(&state, &ctx, &staff, None, Errors::default()).await?;
    Ok(render(ctx.lang, &view))
}

/// Creates an organisation. The administrator (CSRF-checked).
async fn create_org(
    State(state): State<PortalState>,
    ctx: Ctx,
    form: PostForm,
) -> Result<Response, PageError> {
    let staff = Staff::admin(&state, &ctx).await?;
    let t = ctx.t();
    let slug = form.text("slug");
    let mut errors = Errors::default();
    if slug.is_empty() {
        errors.add("slug", t.get("co-field-slug"));
    }
    if errors.is_empty() {
        let mut body = json!({"slug": slug, "p256": form.checked("p256")});
        for k in [
            "name_fr",
            "name_en",
            "accreditation",
            "accreditation_url",
            "accredited_from",
            "town",
            "kind",
        ] {
            if let Some(v) = form.get(k) {
                body[k] = json!(v);
            }
        }
        let reply = state
            .send_json(&ctx, &staff.who, Method::POST, "/admin/orgs", &body)
            .await?;
        if reply.ok() {
            return Ok(see_other(&format!(
                "/console/orgs/{}?done=done-co-org-created",
                seg(&slug)
            )));
        }
        let problem = reply.problem().await;
        errors = problem_errors(
            t,
            &problem,
            &[
                ("slug", "slug"),
                ("name_fr", "name_fr"),
                ("name_en", "name_en"),
                ("accreditation", "accreditation"),
                ("accreditation_url", "accreditation_url"),
                ("accredited_from", "accredited_from"),
                ("town", "town"),
                ("kind", "kind"),
            ],
        );
        // The API names no field; its 422s are about the identifier.
        let about_slug = problem.field.is_none();
        if problem.status == 409 {
            errors = Errors::default();
            errors.add("slug", t.get("co-field-slug-taken"));
        } else if problem.status == 422 && about_slug {
            errors = Errors::default();
            errors.add("slug", t.get("co-field-slug"));
        }
    }
    let view = index_view(&state, &ctx, &staff, Some(&form), errors).await?;
    Ok(unprocessable(render(ctx.lang, &view)).into_response())
}
