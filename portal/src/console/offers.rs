//! Offers: the list with their state, and withdrawing a pending one. (An
//! offer's link is a secret shown once, when the offer is made: the API
//! keeps only its digest.)

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
    body::Body,
    extract::{Path, State},
    http::Method,
    response::Response,
    routing::{get, post},
    Router,
};
use serde::Deserialize;
use serde_json::Value;

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/console/orgs/{slug}/offers", get(list))
        .route("/console/orgs/{slug}/offers/{id}/withdraw", post(withdraw))
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Offer {
    pub id: String,
    pub template_id: String,
    pub state: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub subject: Value,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    #[serde(default)]
    pub credential_ref: Option<String>,
}

impl Offer {
    /// Who the offer is for, as the subject names them.
    pub fn who(&self) -> String {
        let s = &self.subject;
        match (
            s.get("givenName").and_then(Value::as_str),
            s.get("familyName").and_then(Value::as_str),
        ) {
            (Some(g), Some(f)) => format!("{g} {f}"),
            _ => s
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
        }
    }
}

#[derive(Deserialize)]
struct OfferList {
    items: Vec<Offer>,
}

const STATES: [&str; 5] = ["pending", "accepted", "declined", "cancelled", "expired"];

#[derive(Template)]
#[template(path = "console/offers.html")]
struct ListPage {
    c: Chrome,
    base: String,
    items: Vec<Offer>,
    templates: Vec<templates::TemplateSpec>,
    state_filter: String,
    states: Vec<&'static str>,
    next: Option<String>,
}

impl ListPage {
    fn is_current(&self, s: &str) -> bool {
        self.state_filter == s
    }

    fn template_name(&self, id: &str) -> String {
        self.templates
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.name(self.c.lang).to_owned())
            .unwrap_or_default()
    }
}

const PER_PAGE: usize = 100;

/// The offers, newest first (`?state=` filters, `?before=` pages). The
/// organisation's key or the administrator.
async fn list(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    let state_filter = ctx
        .query_param("state")
        .filter(|s| STATES.contains(&s.as_str()))
        .unwrap_or_default();
    let before = ctx.query_param("before").filter(|b| b.len() <= 100);
    let mut query = vec![("limit", PER_PAGE.to_string())];
    if !state_filter.is_empty() {
        query.push(("state", state_filter.clone()));
    }
    if let Some(b) = &before {
        query.push(("before", b.clone()));
    }
    let path = format!(
        "{}/offers?{}",
        page.api(),
        serde_urlencoded::to_string(&query).unwrap_or_default()
    );
    let (found, templates) = tokio::join!(
        state.get(&ctx, &page.staff.who, &path),
        templates::load_all(&state, &ctx, &page),
    );
    let found: OfferList = check(found?).await?.json().await?;
    let next = (found.items.len() == PER_PAGE)
        .then(|| found.items.last().map(|o| o.id.clone()))
        .flatten()
        .map(|last| {
            let mut pairs = vec![("before", last)];
            if !state_filter.is_empty() {
                pairs.push(("state", state_filter.clone()));
            }
            format!(
                "?{}",
                serde_urlencoded::to_string(&pairs).unwrap_or_default()
            )
        });
    Ok(render(
        ctx.lang,
        &ListPage {
            c: page.chrome(&state, &ctx, "co-offers-title"),
            base: page.base(),
            items: found.items,
            templates: templates?,
            state_filter,
            states: STATES.to_vec(),
            next,
        },
    ))
}

/// Withdraws a pending offer: its link stops working. The organisation's
/// key or the administrator (CSRF-checked).
async fn withdraw(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    _form: PostForm,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    let reply = state
        .call(
            &ctx,
            &page.staff.who,
            Method::DELETE,
            &format!("{}/offers/{}", page.api(), seg(&id)),
            Body::empty(),
            None,
        )
        .await?;
    if reply.status == axum::http::StatusCode::CONFLICT {
        return Ok(see_other(&format!(
            "{}/offers?done=done-co-offer-not-pending",
            page.base()
        )));
    }
    check(reply).await?;
    Ok(see_other(&format!(
        "{}/offers?done=done-co-offer-withdrawn",
        page.base()
    )))
}
