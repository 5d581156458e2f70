//! Credentials offered to the citizen: the list (offers addressed to their
//! verified address) and one offer (by its link's token or its id), to
//! accept or decline. The logged-in citizen only (an offer link opened
//! while logged out leads through the login page back here).

use super::{Holding, Localized, Me};
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
    http::Method,
    response::Response,
    routing::{get, post},
    Router,
};
use serde::Deserialize;

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/me/offers", get(list))
        .route("/me/offers/{token}", get(show))
        .route("/me/offers/{token}/accept", post(accept))
        .route("/me/offers/{token}/decline", post(decline))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Offer {
    pub id: String,
    pub issuer: OfferIssuer,
    #[serde(default)]
    pub name: Localized,
    #[serde(default)]
    pub subject: serde_json::Value,
    #[serde(default)]
    pub state: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Deserialize)]
pub struct OfferIssuer {
    pub did: String,
    #[serde(default)]
    pub trust: String,
    #[serde(default)]
    pub name: Option<Localized>,
    /// The organisation in the public directory, when it is listed.
    #[serde(default)]
    pub organisation: Option<OfferOrganisation>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferOrganisation {
    pub slug: String,
    pub name_fr: String,
    pub name_en: String,
}

impl OfferOrganisation {
    pub fn name(&self, lang: &str) -> &str {
        if lang == "en" && !self.name_en.is_empty() {
            &self.name_en
        } else {
            &self.name_fr
        }
    }
}

impl Offer {
    pub fn issuer_label(&self, lang: &str) -> String {
        match &self.issuer.name {
            Some(n) if !n.pick(lang).is_empty() => n.pick(lang).to_owned(),
            _ => self.issuer.did.clone(),
        }
    }

    /// The subject's claims as label/value lines (nested objects flattened
    /// with dots), without the subject's `id`.
    pub fn claims(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        flatten("", &self.subject, &mut out);
        out.retain(|(k, _)| k != "id");
        out
    }
}

/// Claims of a JSON object as (path, text) lines.
pub fn flatten(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(&format!("{prefix}[{}]", i + 1), v, out);
            }
        }
        serde_json::Value::String(s) => out.push((prefix.to_owned(), s.clone())),
        serde_json::Value::Null => {}
        other => out.push((prefix.to_owned(), other.to_string())),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OfferList {
    items: Vec<Offer>,
    #[serde(default)]
    email_verified: bool,
}

#[derive(Template)]
#[template(path = "me/offers.html")]
struct ListPage {
    c: Chrome,
    offers: Vec<Offer>,
    email_verified: bool,
}

/// Offers addressed to the citizen. The logged-in citizen.
async fn list(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let offers: OfferList = state
        .get(&ctx, &me.who, "/wallet/offers")
        .await?
        .json()
        .await?;
    Ok(render(
        ctx.lang,
        &ListPage {
            c: me.chrome(&state, &ctx, "offers-title"),
            offers: offers.items,
            email_verified: offers.email_verified,
        },
    ))
}

#[derive(Template)]
#[template(path = "me/offer.html")]
struct OfferPage {
    c: Chrome,
    offer: Offer,
    token: String,
}

/// One offer. The logged-in citizen it is for (anyone with the link for
/// a link offer).
async fn show(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let reply = state
        .get(&ctx, &me.who, &format!("/wallet/offers/{}", seg(&token)))
        .await?;
    if !reply.ok() {
        let problem = reply.problem().await;
        if problem.status == 403 {
            // Addressed to another email, or this one is not confirmed yet.
            return Ok(render(
                ctx.lang,
                &Refused {
                    c: me.chrome(&state, &ctx, "offer-title"),
                    verified: me.account.email_verified,
                },
            ));
        }
        if problem.status == 410 {
            // Accepted (by this citizen, or elsewhere), declined, withdrawn
            // or expired: say which, never "this link was withdrawn".
            let ended = problem
                .raw
                .get("state")
                .and_then(serde_json::Value::as_str)
                .filter(|s| ["accepted", "declined", "cancelled", "expired", "taken"].contains(s))
                .unwrap_or("cancelled")
                .to_owned();
            let yours = problem
                .raw
                .get("yours")
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false);
            return Ok(render(
                ctx.lang,
                &Ended {
                    c: me.chrome(&state, &ctx, "offer-title"),
                    state: ended,
                    yours,
                },
            ));
        }
        return Err(PageError::from_problem(problem));
    }
    let offer: Offer = reply.json().await?;
    Ok(render(
        ctx.lang,
        &OfferPage {
            c: me.chrome(&state, &ctx, "offer-title"),
            offer,
            token,
        },
    ))
}

#[derive(Template)]
#[template(path = "me/offer_ended.html")]
struct Ended {
    c: Chrome,
    state: String,
    yours: bool,
}

#[derive(Template)]
#[template(path = "me/offer_refused.html")]
struct Refused {
    c: Chrome,
    verified: bool,
}

/// Accepts: the credential is issued into the wallet. The logged-in
/// citizen the offer is for (CSRF-checked).
async fn accept(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(token): Path<String>,
    _form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let reply = state
        .call(
            &ctx,
            &me.who,
            Method::POST,
            &format!("/wallet/offers/{}/accept", seg(&token)),
            axum::body::Body::empty(),
            None,
        )
        .await?;
    let holding: Holding = reply.json().await?;
    Ok(see_other(&format!(
        "/me/credentials/{}?done=done-offer-accepted",
        seg(&holding.id)
    )))
}

/// Declines. The logged-in citizen the offer is for (CSRF-checked).
async fn decline(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(token): Path<String>,
    _form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let reply = state
        .call(
            &ctx,
            &me.who,
            Method::POST,
            &format!("/wallet/offers/{}/decline", seg(&token)),
            axum::body::Body::empty(),
            None,
        )
        .await?;
    if !reply.ok() {
        return Err(PageError::from_problem(reply.problem().await));
    }
    Ok(see_other("/me/offers?done=done-offer-declined"))
}
