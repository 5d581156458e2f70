//! The citizen's pages: the home page, signing up and in, and the portfolio
//! under `/me` (only the logged-in citizen; anyone else is sent to the
//! login page, and another citizen's things answer 404 as in the API).

mod account;
mod auth;
mod credentials;
mod cvs;
mod dashboard;
mod documents;
mod entries;
mod news;
mod notifications;
mod offers;
mod plans;
mod profile;
mod shares;
mod skills;
mod social;

use crate::{
    api::As,
    ctx::Ctx,
    page::{Area, Chrome, PageError},
    PortalState,
};
use axum::{routing::get, Router};
use serde::Deserialize;

pub use cvs::{linkedin_share, paragraphs};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/", get(auth::home))
        .merge(auth::router())
        .route("/me", get(dashboard::page))
        .merge(account::router())
        .merge(credentials::router())
        .merge(documents::router())
        .merge(entries::router())
        .merge(offers::router())
        .merge(shares::router())
        .merge(cvs::router())
        .merge(profile::router())
        .merge(skills::router())
        .merge(plans::router())
        .merge(news::router())
        .merge(notifications::router())
        .merge(social::router())
}

/// The logged-in citizen, as `/wallet/me` describes them.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub id: String,
    pub email: String,
    pub display_name: String,
    #[serde(default)]
    pub email_verified: bool,
    #[serde(default)]
    pub holder_did: String,
    #[serde(default)]
    pub headline: Option<String>,
    /// Unread notifications (up to 100), for the menu's badge.
    #[serde(default)]
    pub unread_notifications: Option<i64>,
}

/// A page's caller: a citizen with a live session (else the login page).
pub struct Me {
    pub who: As,
    pub account: Account,
}

impl Me {
    pub async fn load(state: &PortalState, ctx: &Ctx) -> Result<Self, PageError> {
        let token = ctx.session.clone().ok_or(PageError::Unauthorized)?;
        let who = As::Bearer(zeroize::Zeroizing::new(token));
        let account = state.get(ctx, &who, "/wallet/me").await?.json().await?;
        Ok(Self { who, account })
    }

    /// The frame of a portfolio page.
    pub fn chrome(&self, state: &PortalState, ctx: &Ctx, title_key: &str) -> Chrome {
        let mut c = Chrome::new(state, ctx, Area::Citizen, title_key);
        c.user = Some(self.account.display_name.clone());
        for (href, key) in [
            ("/me", "nav-dashboard"),
            ("/me/credentials", "nav-credentials"),
            ("/me/entries", "nav-entries"),
            ("/me/documents", "nav-documents"),
            ("/me/offers", "nav-offers"),
            ("/me/shares", "nav-shares"),
            ("/me/skills", "nav-skills"),
            ("/me/plans", "nav-plans"),
            ("/me/cvs", "nav-cvs"),
            ("/me/profile", "nav-profile"),
            ("/me/invitations", "nav-invitations"),
            ("/me/endorsements", "nav-endorsements"),
            ("/me/requests", "nav-requests"),
            ("/me/news", "nav-news"),
            ("/me/notifications", "nav-notifications"),
            ("/me/account", "nav-account"),
        ] {
            c.nav_item(href, key, &ctx.path);
        }
        c.nav_badge(
            "/me/notifications",
            self.account.unread_notifications.unwrap_or(0),
            "ntf-badge-unread",
            "ntf-badge-many",
        );
        c
    }
}

/// A credential's name for people: the registry's name in the page's
/// language, else the DID.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Localized {
    #[serde(default)]
    pub fr: String,
    #[serde(default)]
    pub en: String,
}

impl Localized {
    pub fn pick(&self, lang: &str) -> &str {
        if lang == "en" {
            &self.en
        } else {
            &self.fr
        }
    }
}

/// A held credential, as the wallet lists it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Holding {
    pub id: String,
    #[serde(default)]
    pub format: String,
    #[serde(default)]
    pub issuer: String,
    #[serde(default)]
    pub issuer_name: Option<Localized>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub valid_from: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default)]
    pub valid_until: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub source: String,
    pub received_at: chrono::DateTime<chrono::Utc>,
    #[serde(default)]
    pub state: String,
}

impl Holding {
    pub fn issuer_label(&self, lang: &str) -> String {
        match &self.issuer_name {
            Some(n) if !n.pick(lang).is_empty() => n.pick(lang).to_owned(),
            _ => self.issuer.clone(),
        }
    }
}

/// An entry of the portfolio.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub id: String,
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub organisation: Option<String>,
    #[serde(default)]
    pub place: Option<String>,
    #[serde(default)]
    pub start_date: Option<String>,
    #[serde(default)]
    pub end_date: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub details: serde_json::Value,
    #[serde(default)]
    pub holding_id: Option<String>,
    #[serde(default)]
    pub holding_state: Option<String>,
    #[serde(default)]
    pub trust: String,
}

impl Entry {
    /// "2019 – 2023", "since 2021", "2020".
    pub fn period(&self) -> String {
        match (&self.start_date, &self.end_date) {
            (Some(s), Some(e)) if s != e => format!("{s} – {e}"),
            (Some(s), _) => s.clone(),
            (None, Some(e)) => e.clone(),
            (None, None) => String::new(),
        }
    }
}
