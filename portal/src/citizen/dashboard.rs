//! The dashboard: the portfolio's timeline of entries and credentials.
//! The logged-in citizen only.

use super::{Entry, Holding, Me};
use crate::{
    ctx::Ctx,
    page::{render, Chrome, PageError},
    PortalState,
};
use askama::Template;
use axum::{extract::State, response::Response};
use serde::Deserialize;

#[derive(Deserialize)]
struct TimelinePage {
    items: Vec<TimelineItem>,
    #[serde(default)]
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct TimelineItem {
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub entry: Option<Entry>,
    #[serde(default)]
    pub credential: Option<Holding>,
}

#[derive(Deserialize)]
struct Offers {
    items: Vec<serde_json::Value>,
}

#[derive(Template)]
#[template(path = "me/dashboard.html")]
struct Dashboard {
    c: Chrome,
    name: String,
    email_verified: bool,
    items: Vec<TimelineItem>,
    next: Option<String>,
    offers: usize,
}

/// The dashboard. The logged-in citizen.
pub async fn page(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let mut path = "/wallet/timeline?limit=30".to_owned();
    if let Some(before) = ctx.query_param("before") {
        path.push_str("&before=");
        path.push_str(&crate::api::seg(&before));
    }
    let (timeline, offers) = tokio::join!(
        state.get(&ctx, &me.who, &path),
        state.get(&ctx, &me.who, "/wallet/offers"),
    );
    let timeline: TimelinePage = timeline?.json().await?;
    let offers: Offers = offers?.json().await?;
    let view = Dashboard {
        c: me.chrome(&state, &ctx, "dashboard-title"),
        name: me.account.display_name.clone(),
        email_verified: me.account.email_verified,
        items: timeline.items,
        next: timeline.next,
        offers: offers.items.len(),
    };
    Ok(render(ctx.lang, &view))
}
