//! Endorsements: those received, entry by entry (`?entry=` for one), each
//! hidden or shown again; and those the citizen signed for others as a
//! certifier. The logged-in citizen only.

use super::{flash, Items};
use crate::{
    api::seg,
    citizen::{Entry, Me},
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

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/me/endorsements", get(page))
        .route("/me/endorsements/{id}/hide", post(hide))
        .route("/me/endorsements/{id}/show", post(show))
}

#[derive(Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Endorsement {
    pub id: String,
    pub author_name: String,
    pub author_did: String,
    pub comment: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub hidden: bool,
    pub revoked: bool,
}

impl Endorsement {
    pub fn state(&self) -> &'static str {
        if self.revoked {
            "withdrawn"
        } else if self.hidden {
            "hidden"
        } else {
            "active"
        }
    }
}

#[derive(Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Given {
    pub owner_name: String,
    pub entry_title: String,
    pub comment: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub revoked: bool,
}

pub struct EntryEndorsements {
    pub entry: Entry,
    pub items: Vec<Endorsement>,
}

#[derive(Template)]
#[template(path = "social/endorsements.html")]
struct Page {
    c: Chrome,
    /// Only this entry (`?entry=`).
    only: Option<String>,
    received: Vec<EntryEndorsements>,
    given: Vec<Given>,
}

/// Endorsements received (per entry) and given. The logged-in citizen;
/// `?entry=` someone else's entry: 404.
async fn page(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let only = ctx.query_param("entry").filter(|e| !e.is_empty());
    let (e, g) = tokio::join!(
        state.get(&ctx, &me.who, "/wallet/entries"),
        state.get(&ctx, &me.who, "/wallet/endorsements/given"),
    );
    let entries: Items<Entry> = e?.json().await?;
    let given: Items<Given> = g?.json().await?;
    let mut received = Vec::new();
    if let Some(id) = &only {
        // Asked of the API even when not listed: its answer (404) decides.
        let reply = state
            .get(
                &ctx,
                &me.who,
                &format!("/wallet/entries/{}/endorsements", seg(id)),
            )
            .await?;
        if !reply.ok() {
            return Err(PageError::from_problem(reply.problem().await));
        }
        let list: Items<Endorsement> = reply.json().await?;
        let entry = entries
            .items
            .into_iter()
            .find(|e| &e.id == id)
            .ok_or(PageError::NotFound)?;
        received.push(EntryEndorsements {
            entry,
            items: list.items,
        });
    } else {
        for entry in entries.items {
            let list: Items<Endorsement> = state
                .get(
                    &ctx,
                    &me.who,
                    &format!("/wallet/entries/{}/endorsements", seg(&entry.id)),
                )
                .await?
                .json()
                .await?;
            if !list.items.is_empty() {
                received.push(EntryEndorsements {
                    entry,
                    items: list.items,
                });
            }
        }
    }
    let mut c = me.chrome(&state, &ctx, "so-endorsements-title");
    flash(&mut c, &ctx);
    Ok(render(
        ctx.lang,
        &Page {
            c,
            only,
            received,
            given: given.items,
        },
    ))
}

async fn set_hidden(
    state: &PortalState,
    ctx: &Ctx,
    id: &str,
    form: &PostForm,
    verb: &str,
) -> Result<Response, PageError> {
    let me = Me::load(state, ctx).await?;
    let reply = state
        .call(
            ctx,
            &me.who,
            Method::POST,
            &format!("/wallet/endorsements/{}/{verb}", seg(id)),
            Body::empty(),
            None,
        )
        .await?;
    if !reply.ok() {
        return Err(PageError::from_problem(reply.problem().await));
    }
    let done = if verb == "hide" {
        "so-done-endorsement-hidden"
    } else {
        "so-done-endorsement-shown"
    };
    let back = match form.get("entry") {
        Some(entry) => format!("/me/endorsements?entry={}&done={done}", seg(entry)),
        None => format!("/me/endorsements?done={done}"),
    };
    Ok(see_other(&back))
}

/// Hides an endorsement (it no longer counts nor shows). The logged-in
/// citizen (CSRF-checked).
async fn hide(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: PostForm,
) -> Result<Response, PageError> {
    set_hidden(&state, &ctx, &id, &form, "hide").await
}

/// Shows a hidden endorsement again. The logged-in citizen (CSRF-checked).
async fn show(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: PostForm,
) -> Result<Response, PageError> {
    set_hidden(&state, &ctx, &id, &form, "show").await
}
