//! The organisation console (`/console/...`).
//!
//! Organisations have no staff accounts: they act with their API keys
//! (`atout_...`), and the platform administrator with the admin token. The
//! login page takes such a token and keeps it, sealed under the master key,
//! in the console cookie for eight hours; every request opens the cookie and
//! authenticates the token again, so a revoked key ends its session at once.
//! Every action goes through the API as that token: an organisation's key
//! only opens its own organisation's pages (others: 403), the administrator
//! opens any.

mod auth;
mod batches;
mod builder;
mod credentials;
mod events;
mod frameworks;
mod notices;
mod offers;
mod org;
mod registry;
mod requests;
mod subject;
mod templates;
mod trainings;

use crate::{
    api::{As, Problem},
    ctx::{self, Ctx},
    forms::Errors,
    page::{Area, Chrome, PageError},
    PortalState,
};
use atout_core::crypto::sha256_hex;
use atout_web::i18n::Tr;
use axum::{http::HeaderValue, routing::get, Router};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD as B64, Engine as _};
use secrecy_like::constant_eq;
use serde::{Deserialize, Serialize};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/console", get(auth::index))
        .merge(auth::router())
        .merge(org::router())
        .merge(templates::router())
        .merge(builder::router())
        .merge(batches::router())
        .merge(credentials::router())
        .merge(offers::router())
        .merge(requests::router())
        .merge(registry::router())
        .merge(trainings::router())
        .merge(frameworks::router())
        .merge(events::router())
        .merge(notices::router())
}

/// How long a console session lasts.
pub const SESSION_SECS: i64 = 8 * 60 * 60;
const AAD: &[u8] = b"atout/console/v1";

/// What the console cookie carries (sealed).
#[derive(Serialize, Deserialize)]
struct Sealed {
    token: String,
    /// `admin` or `org`.
    kind: String,
    /// Unix seconds.
    exp: i64,
}

impl Drop for Sealed {
    fn drop(&mut self) {
        use zeroize::Zeroize as _;
        self.token.zeroize();
    }
}

/// Who is using the console.
#[derive(Debug, Clone)]
pub enum Role {
    Admin,
    Org {
        slug: String,
        name_fr: String,
        name_en: String,
        key_name: String,
    },
}

/// A console page's caller: a live token (else the console login page).
pub struct Staff {
    pub who: As,
    pub role: Role,
}

/// The cookie's value for a token.
pub fn seal(state: &PortalState, token: &str, kind: &str) -> Option<String> {
    let exp = state.app.clock.now().timestamp() + SESSION_SECS;
    let plain = zeroize::Zeroizing::new(
        serde_json::to_vec(&Sealed {
            token: token.to_owned(),
            kind: kind.to_owned(),
            exp,
        })
        .ok()?,
    );
    state
        .app
        .token_key
        .seal(&plain, AAD)
        .ok()
        .map(|s| B64.encode(s))
}

/// Whether `token` is the platform admin token (compared by digest, without
/// an early exit on the secret).
pub fn is_admin_token(state: &PortalState, token: &str) -> bool {
    use secrecy::ExposeSecret as _;
    let presented = sha256_hex(token.as_bytes());
    let admin = sha256_hex(state.app.admin_token.expose_secret().as_bytes());
    constant_eq(presented.as_bytes(), admin.as_bytes())
}

/// Authenticates a token: the admin, an organisation's live API key, or
/// nothing.
pub async fn authenticate(state: &PortalState, token: &str) -> Result<Option<Role>, PageError> {
    if is_admin_token(state, token) {
        return Ok(Some(Role::Admin));
    }
    match state.app.orgs.authenticate(token).await {
        Ok(Some((org, key))) => Ok(Some(Role::Org {
            slug: org.slug,
            name_fr: org.name_fr,
            name_en: org.name_en,
            key_name: key.name,
        })),
        Ok(None) => Ok(None),
        Err(e) => Err(PageError::Internal(format!(
            "authenticating a console token: {e}"
        ))),
    }
}

impl Staff {
    /// The caller of a console page: the sealed cookie opened, not expired,
    /// and its token still valid.
    pub async fn load(state: &PortalState, ctx: &Ctx) -> Result<Self, PageError> {
        let cookie = ctx.console.as_deref().ok_or(PageError::Unauthorized)?;
        let sealed = B64.decode(cookie).map_err(|_| PageError::Unauthorized)?;
        let plain = state
            .app
            .token_key
            .open(&sealed, AAD)
            .map_err(|_| PageError::Unauthorized)?;
        let session: Sealed =
            serde_json::from_slice(&plain).map_err(|_| PageError::Unauthorized)?;
        if session.exp <= state.app.clock.now().timestamp() {
            return Err(PageError::Unauthorized);
        }
        let role = authenticate(state, &session.token)
            .await?
            .ok_or(PageError::Unauthorized)?;
        let kind_matches = matches!(
            (&role, session.kind.as_str()),
            (Role::Admin, "admin") | (Role::Org { .. }, "org")
        );
        if !kind_matches {
            return Err(PageError::Unauthorized);
        }
        Ok(Self {
            who: As::Bearer(zeroize::Zeroizing::new(session.token.clone())),
            role,
        })
    }

    /// As [`Staff::load`], for a page of the organisation `slug`: another
    /// organisation's key gets 403.
    pub async fn for_org(state: &PortalState, ctx: &Ctx, slug: &str) -> Result<Self, PageError> {
        let staff = Self::load(state, ctx).await?;
        match &staff.role {
            Role::Admin => Ok(staff),
            Role::Org { slug: own, .. } if own == slug => Ok(staff),
            Role::Org { .. } => Err(PageError::Forbidden),
        }
    }

    /// Only the platform administrator (others: 403).
    pub async fn admin(state: &PortalState, ctx: &Ctx) -> Result<Self, PageError> {
        let staff = Self::load(state, ctx).await?;
        if staff.is_admin() {
            Ok(staff)
        } else {
            Err(PageError::Forbidden)
        }
    }

    pub fn is_admin(&self) -> bool {
        matches!(self.role, Role::Admin)
    }

    /// The frame of a console page; `org` is the organisation the page is
    /// about (its navigation), if any.
    pub fn chrome(
        &self,
        state: &PortalState,
        ctx: &Ctx,
        title_key: &str,
        org: Option<(&str, &str)>,
    ) -> Chrome {
        let mut c = Chrome::new(state, ctx, Area::Console, title_key);
        let tr = ctx.t();
        c.user = Some(match &self.role {
            Role::Admin => tr.get("co-who-admin"),
            Role::Org {
                name_fr,
                name_en,
                key_name,
                ..
            } => {
                let name = ctx.lang.pick([name_fr, name_en]);
                format!(
                    "{name} · {}",
                    tr.arg("co-who-key", "name", key_name.as_str())
                )
            }
        });
        if self.is_admin() {
            c.nav_item("/console", "co-nav-orgs", &ctx.path);
            c.nav_item("/console/registry", "co-nav-registry", &ctx.path);
            c.nav_item("/console/frameworks", "co-nav-frameworks", &ctx.path);
            c.nav_item("/console/events", "co-nav-events", &ctx.path);
        }
        if let Some((slug, name)) = org {
            c.org = Some(name.to_owned());
            let base = format!("/console/orgs/{}", crate::api::seg(slug));
            for (suffix, key) in [
                ("", "co-nav-dashboard"),
                ("/profile", "co-nav-profile"),
                ("/templates", "co-nav-templates"),
                ("/credentials", "co-nav-credentials"),
                ("/offers", "co-nav-offers"),
                ("/trainings", "co-nav-trainings"),
                ("/events", "co-nav-events"),
                ("/notices", "co-nav-notices"),
                ("/batches/new", "co-nav-batches"),
                ("/requests", "co-nav-requests"),
                ("/api-keys", "co-nav-api-keys"),
                ("/keys", "co-nav-keys"),
            ] {
                let href = format!("{base}{suffix}");
                if suffix.is_empty() {
                    c.nav.push(crate::page::NavItem {
                        current: ctx.path == href,
                        href,
                        label: tr.get(key),
                    });
                } else {
                    c.nav_item(&href, key, &ctx.path);
                }
            }
        }
        c
    }
}

/// An organisation as `GET /orgs/{slug}` describes it.
#[derive(Debug, Clone, Deserialize)]
pub struct OrgDetails {
    pub slug: String,
    pub name_fr: String,
    pub name_en: String,
    pub did: String,
    #[serde(default)]
    pub keys: Vec<KeyInfo>,
}

impl OrgDetails {
    pub fn name(&self, lang: &str) -> &str {
        if lang == "en" && !self.name_en.is_empty() {
            &self.name_en
        } else {
            &self.name_fr
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct KeyInfo {
    pub id: String,
    pub verification_method: String,
    pub fragment: String,
    pub algorithm: String,
    pub public_key_multibase: String,
    pub status: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(default)]
    pub retired_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default)]
    pub withdrawn_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The organisation of a console page, and its caller.
pub struct OrgPage {
    pub staff: Staff,
    pub org: OrgDetails,
}

impl OrgPage {
    /// The caller (allowed on `slug`) and the organisation (through the API).
    pub async fn load(state: &PortalState, ctx: &Ctx, slug: &str) -> Result<Self, PageError> {
        let staff = Staff::for_org(state, ctx, slug).await?;
        let reply = state
            .get(ctx, &staff.who, &format!("/orgs/{}", crate::api::seg(slug)))
            .await?;
        if !reply.ok() {
            return Err(PageError::from_problem(reply.problem().await));
        }
        let org = reply.json().await?;
        Ok(Self { staff, org })
    }

    pub fn chrome(&self, state: &PortalState, ctx: &Ctx, title_key: &str) -> Chrome {
        let name = self.org.name(ctx.lang.code()).to_owned();
        self.staff
            .chrome(state, ctx, title_key, Some((&self.org.slug, &name)))
    }

    /// `/console/orgs/{slug}` (percent-encoded).
    pub fn base(&self) -> String {
        format!("/console/orgs/{}", crate::api::seg(&self.org.slug))
    }

    /// `/orgs/{slug}` of the API.
    pub fn api(&self) -> String {
        format!("/orgs/{}", crate::api::seg(&self.org.slug))
    }

    /// Whether the caller is this organisation's own key (issuing and
    /// status changes are done with it, not by the administrator).
    pub fn is_own_key(&self) -> bool {
        matches!(self.staff.role, Role::Org { .. })
    }
}

/// Errors from an API problem, the field's message from the console's
/// translations (`co-field-<field>`) when there is one, else one for the
/// problem's type or code (see [`crate::problems`]); never the API's own
/// text. `fields` maps the API's field names to the form's.
pub fn problem_errors(tr: &Tr, problem: &Problem, fields: &[(&str, &str)]) -> Errors {
    Errors::from_problem_mapped(tr, problem, fields, &["co-field-"])
}

/// Clears the console cookie.
pub fn clear_cookie(ctx: &Ctx) -> HeaderValue {
    ctx::set_cookie(ctx.secure, ctx::CONSOLE_COOKIE, "", 0)
}

/// A 422 page (a form shown again with its errors).
pub fn unprocessable(mut response: axum::response::Response) -> axum::response::Response {
    *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    response
}

/// The API's answer when it is not a success, as a page error.
pub async fn check(reply: crate::api::Reply) -> Result<crate::api::Reply, PageError> {
    if reply.ok() {
        Ok(reply)
    } else {
        Err(PageError::from_problem(reply.problem().await))
    }
}

mod secrecy_like {
    /// Equal-length comparison without an early exit.
    pub fn constant_eq(a: &[u8], b: &[u8]) -> bool {
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}
