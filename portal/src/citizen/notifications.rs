//! The citizen's notifications (`/me/notifications`: newest first, the
//! unread ones marked, each with its link, "mark all read"), their mail
//! preferences (`/me/notifications/preferences`: each kind mailed or not,
//! the weekly digest's opt-in, the mails' language), and the page of a
//! mail's one-click unsubscribe link (`/unsubscribe/{token}`: anyone
//! holding the link; its button posts to the same address, the API's
//! RFC 8058 route, which comes back here once done).

use super::Me;
use crate::{
    ctx::Ctx,
    forms::{Errors, PostForm},
    page::{render, see_other, Area, Chrome, PageError},
    PortalState,
};
use askama::Template;
use atout_core::notify::{self, Kind, Unsubscribe};
use atout_web::i18n::{Arg, Lang};
use axum::{
    extract::{Path, State},
    http::{Method, StatusCode},
    response::Response,
    routing::{get, post},
    Router,
};
use serde::Deserialize;
use serde_json::json;

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/me/notifications", get(list))
        .route("/me/notifications/read", post(mark_read))
        .route(
            "/me/notifications/preferences",
            get(preferences).post(save_preferences),
        )
        .route("/unsubscribe/{token}", get(unsubscribe_page))
}

/// Notifications per page.
const PAGE_SIZE: i64 = 20;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    pub id: String,
    pub kind: String,
    pub text: String,
    #[serde(default)]
    pub link: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(default)]
    pub read: bool,
}

impl Item {
    /// A link of this site only.
    pub fn href(&self) -> Option<&str> {
        self.link
            .as_deref()
            .filter(|l| l.starts_with('/') && !l.starts_with("//"))
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemList {
    pub items: Vec<Item>,
    pub total: i64,
    pub unread: i64,
    pub page: i64,
    pub page_size: i64,
}

impl ItemList {
    pub fn pages(&self) -> i64 {
        ((self.total + self.page_size - 1) / self.page_size.max(1)).max(1)
    }
}

/// A date and time of a notice, in Paris time.
pub fn when(c: &Chrome, at: &chrono::DateTime<chrono::Utc>) -> String {
    let lang = Lang::parse(c.lang).unwrap_or(Lang::Fr);
    let local = atout_web::paris::local(*at);
    let day = chrono::TimeZone::from_utc_datetime(
        &chrono::Utc,
        &local.date().and_time(chrono::NaiveTime::MIN),
    );
    let date = atout_web::i18n::format_date(lang, day);
    let time = local.format("%H:%M");
    match lang {
        Lang::Fr => format!("{date} à {time}"),
        Lang::En => format!("{date} at {time}"),
    }
}

#[derive(Template)]
#[template(path = "me/notifications.html")]
struct ListPage {
    c: Chrome,
    list: ItemList,
}

impl ListPage {
    fn when(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        when(&self.c, at)
    }

    fn received(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        self.c.ta("ntf-page-received", "date", self.when(at))
    }

    fn position(&self) -> String {
        self.c.tr.with(
            "ntf-page-position",
            &[
                ("page", Arg::from(self.list.page)),
                ("pages", Arg::from(self.list.pages())),
            ],
        )
    }
}

fn page_of(ctx: &Ctx) -> i64 {
    ctx.query_param("page")
        .and_then(|p| p.parse::<i64>().ok())
        .filter(|p| (1..=10_000).contains(p))
        .unwrap_or(1)
}

/// The citizen's notifications, newest first. The logged-in citizen.
async fn list(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let page = page_of(&ctx);
    let list: ItemList = state
        .get(
            &ctx,
            &me.who,
            &format!(
                "/wallet/notifications?page={page}&pageSize={PAGE_SIZE}&lang={}",
                ctx.lang.code()
            ),
        )
        .await?
        .json()
        .await?;
    Ok(render(
        ctx.lang,
        &ListPage {
            c: me.chrome(&state, &ctx, "ntf-page-title"),
            list,
        },
    ))
}

/// Marks one notification (`id`) or all (`all`) read, then back to the
/// list. The logged-in citizen (CSRF-checked).
async fn mark_read(
    State(state): State<PortalState>,
    ctx: Ctx,
    form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let body = match form.get("id") {
        Some(id) if !form.checked("all") => json!({"ids": [id]}),
        _ => json!({"all": true}),
    };
    let reply = state
        .send_json(
            &ctx,
            &me.who,
            Method::POST,
            "/wallet/notifications/read",
            &body,
        )
        .await?;
    if !reply.ok() {
        return Err(PageError::from_problem(reply.problem().await));
    }
    let page = form
        .get("page")
        .and_then(|p| p.parse::<i64>().ok())
        .filter(|p| (2..=10_000).contains(p))
        .map(|p| format!("&page={p}"))
        .unwrap_or_default();
    Ok(see_other(&format!(
        "/me/notifications?done=done-notifications-read{page}"
    )))
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KindPreference {
    pub kind: String,
    pub mail: bool,
    pub label: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Preferences {
    pub lang: String,
    pub kinds: Vec<KindPreference>,
}

#[derive(Template)]
#[template(path = "me/notifications_preferences.html")]
struct PreferencesPage {
    c: Chrome,
    prefs: Preferences,
    /// Mail goes only to a confirmed address.
    verified: bool,
    errors: Errors,
}

impl PreferencesPage {
    /// The kinds but the weekly digest (which has its own question).
    fn kinds(&self) -> Vec<&KindPreference> {
        self.prefs
            .kinds
            .iter()
            .filter(|k| k.kind != Kind::Digest.as_str())
            .collect()
    }

    fn digest(&self) -> bool {
        self.prefs
            .kinds
            .iter()
            .any(|k| k.kind == Kind::Digest.as_str() && k.mail)
    }
}

async fn load_preferences(
    state: &PortalState,
    ctx: &Ctx,
    me: &Me,
) -> Result<Preferences, PageError> {
    state
        .get(
            ctx,
            &me.who,
            &format!("/wallet/notifications/preferences?lang={}", ctx.lang.code()),
        )
        .await?
        .json()
        .await
}

/// The mail preferences. The logged-in citizen.
async fn preferences(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let prefs = load_preferences(&state, &ctx, &me).await?;
    Ok(render(
        ctx.lang,
        &PreferencesPage {
            c: me.chrome(&state, &ctx, "ntf-prefs-title"),
            verified: me.account.email_verified,
            prefs,
            errors: Errors::default(),
        },
    ))
}

/// Saves the mail preferences: every kind of the form, ticked or not, and
/// the language. The logged-in citizen (CSRF-checked).
async fn save_preferences(
    State(state): State<PortalState>,
    ctx: Ctx,
    form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let ticked = form.all("mail");
    let mut mail = serde_json::Map::new();
    for k in Kind::CITIZEN {
        mail.insert(
            k.as_str().to_owned(),
            json!(ticked.iter().any(|t| t == k.as_str())),
        );
    }
    let mut body = json!({"mail": mail});
    if let Some(lang) = form.get("lang") {
        body["lang"] = json!(lang);
    }
    let reply = state
        .send_json(
            &ctx,
            &me.who,
            Method::PUT,
            "/wallet/notifications/preferences",
            &body,
        )
        .await?;
    if reply.ok() {
        return Ok(see_other(
            "/me/notifications/preferences?done=done-notification-prefs-saved",
        ));
    }
    let problem = reply.problem().await;
    if matches!(problem.status, 401 | 403) {
        return Err(PageError::from_problem(problem));
    }
    let errors = Errors::from_problem_mapped(
        ctx.t(),
        &problem,
        &[("lang", "lang"), ("mail", "mail")],
        &["field-"],
    );
    let prefs = load_preferences(&state, &ctx, &me).await?;
    let mut response = render(
        ctx.lang,
        &PreferencesPage {
            c: me
                .chrome(&state, &ctx, "ntf-prefs-title")
                .for_page("/me/notifications/preferences"),
            verified: me.account.email_verified,
            prefs,
            errors,
        },
    );
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

#[derive(Template)]
#[template(path = "me/notifications_unsubscribe.html")]
struct UnsubscribePage {
    c: Chrome,
    token: String,
    /// The kinds the link stops, named; empty for an organisation's link.
    kinds: String,
    org: bool,
    done: bool,
}

/// The page of a mail's unsubscribe link: a button that stops those mails
/// (posted to the API's one-click route, which comes back here with
/// `done`), then what was stopped, in the language of the mail (or the
/// one chosen with `?lang=`). Anyone holding the link; a link that is not
/// one of ours: 404.
async fn unsubscribe_page(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let what =
        notify::open_unsubscribe_token(&state.app.token_key, &token).ok_or(PageError::NotFound)?;
    let chosen = ctx.query_param("lang").and_then(|l| Lang::parse(&l));
    let (lang, kinds, org) = match &what {
        Unsubscribe::Citizen { kinds, lang, .. } => {
            let lang = chosen.or_else(|| Lang::parse(lang)).unwrap_or(Lang::Fr);
            let names: Vec<String> = kinds
                .iter()
                .map(|k| lang.tr().get(&format!("ntf-kind-{}", k.as_str())))
                .collect();
            (lang, names.join(", "), false)
        }
        Unsubscribe::Org { .. } => (chosen.unwrap_or(ctx.lang), String::new(), true),
    };
    let mut ctx = ctx;
    ctx.lang = lang;
    let page = UnsubscribePage {
        c: Chrome::new(&state, &ctx, Area::Public, "ntf-unsub-title"),
        token,
        kinds,
        org,
        done: ctx.query_param("done").as_deref() == Some("1"),
    };
    Ok(render(lang, &page))
}
