//! The frame of every page (header, navigation, language switch, footer)
//! and how pages and their errors are answered.

use crate::{api::Problem, ctx::Ctx, PortalState};
use askama::Template;
use atout_web::i18n::{Arg, Lang, Tr};
use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};

/// Which part of the site a page belongs to (its navigation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Public,
    Citizen,
    Console,
}

#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: String,
    pub label: String,
    pub current: bool,
}

/// A count beside a navigation item (unread notifications): what it
/// shows, and what it says to a screen reader.
#[derive(Debug, Clone)]
pub struct NavBadge {
    /// `3`, `99+`.
    pub text: String,
    /// "3 unread".
    pub label: String,
}

/// What the layout shows around a page's content.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub tr: &'static Tr,
    pub lang: &'static str,
    pub other_lang: &'static str,
    pub switch_href: String,
    pub title: String,
    pub csrf: String,
    pub area: Area,
    pub nav: Vec<NavItem>,
    /// Counts beside navigation items, by their `href`.
    pub badges: Vec<(String, NavBadge)>,
    /// Who is logged in (name or address), with the logout form.
    pub user: Option<String>,
    /// What the last action did (a `done-...` message).
    pub flash: Option<String>,
    /// The console's organisation, when there is one.
    pub org: Option<String>,
    pub home: &'static str,
}

impl Chrome {
    pub fn new(state: &PortalState, ctx: &Ctx, area: Area, title_key: &str) -> Self {
        let tr = ctx.t();
        let other = ctx.lang.other();
        // The switch keeps the page's query, with the other language.
        let mut pairs: Vec<(String, String)> = crate::ctx::query_pairs(ctx.query.as_deref())
            .into_iter()
            .filter(|(k, _)| k != "lang" && k != "done")
            .collect();
        pairs.push(("lang".into(), other.code().into()));
        let switch_href = format!(
            "{}?{}",
            ctx.path,
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        );
        let flash = ctx
            .query_param("done")
            .filter(|k| k.starts_with("done-") && k.len() < 64 && tr.has(k))
            .map(|k| tr.get(&k));
        Self {
            tr,
            lang: ctx.lang.code(),
            other_lang: other.code(),
            switch_href,
            title: tr.get(title_key),
            csrf: ctx.csrf_token(state),
            area,
            nav: Vec::new(),
            badges: Vec::new(),
            user: None,
            flash,
            org: None,
            home: match area {
                Area::Console => "/console",
                Area::Citizen => "/me",
                Area::Public => "/",
            },
        }
    }

    /// The page this one is, for the language switch, when it was rendered
    /// by a form's post (whose address answers POST only).
    pub fn for_page(mut self, path: &str) -> Self {
        let other = if self.lang == "fr" { "en" } else { "fr" };
        self.switch_href = format!("{path}?lang={other}");
        self
    }

    /// A message.
    pub fn t(&self, key: impl AsRef<str>) -> String {
        self.tr.get(key.as_ref())
    }

    /// A message whose key is built from a value: `tk("state-", "revoked",
    /// "")` is the message `state-revoked`.
    pub fn tk(&self, prefix: &str, value: impl std::fmt::Display, suffix: &str) -> String {
        self.tr.get(&format!("{prefix}{value}{suffix}"))
    }

    /// A message with one argument.
    pub fn ta<'a>(&self, key: impl AsRef<str>, name: &str, value: impl Into<Arg<'a>>) -> String {
        self.tr.arg(key.as_ref(), name, value)
    }

    pub fn is_console(&self) -> bool {
        self.area == Area::Console
    }

    pub fn is_citizen(&self) -> bool {
        self.area == Area::Citizen
    }

    /// A date for people, in the page's language.
    pub fn date(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        atout_web::i18n::format_date(self.tr.lang(), *at)
    }

    /// A browser and system for people ("Firefox sur Android"), from a
    /// User-Agent that is never shown as it is.
    pub fn agent(&self, user_agent: &str) -> String {
        crate::agents::summary(self.tr, user_agent)
    }

    pub fn date_opt(&self, at: &Option<chrono::DateTime<chrono::Utc>>) -> String {
        match at {
            Some(at) => self.date(at),
            None => self.t("date-never"),
        }
    }

    pub fn nav_item(&mut self, href: &str, key: &str, current_path: &str) {
        let current = current_path == href
            || (href != "/me"
                && href != "/console"
                && current_path.starts_with(&format!("{href}/")));
        self.nav.push(NavItem {
            href: href.to_owned(),
            label: self.tr.get(key),
            current,
        });
    }

    /// Puts a count beside the navigation item `href` (none when 0).
    pub fn nav_badge(&mut self, href: &str, count: i64, label_key: &str, many_key: &str) {
        if count <= 0 {
            return;
        }
        let badge = if count > 99 {
            NavBadge {
                text: "99+".into(),
                label: self.tr.get(many_key),
            }
        } else {
            NavBadge {
                text: count.to_string(),
                label: self.tr.arg(label_key, "count", count),
            }
        };
        self.badges.retain(|(h, _)| h != href);
        self.badges.push((href.to_owned(), badge));
    }

    /// The count beside the navigation item `href`, if any.
    pub fn badge_for(&self, href: &str) -> Option<&NavBadge> {
        self.badges.iter().find(|(h, _)| h == href).map(|(_, b)| b)
    }
}

/// A rendered page.
pub fn html(status: StatusCode, lang: Lang, body: Result<String, askama::Error>) -> Response {
    match body {
        Ok(body) => {
            let mut response = (status, body).into_response();
            let h = response.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            h.insert(
                header::CONTENT_LANGUAGE,
                HeaderValue::from_static(lang.code()),
            );
            response
        }
        Err(e) => PageError::Internal(format!("template: {e}")).into_response(),
    }
}

/// Renders a page with 200.
pub fn render<T: Template>(lang: Lang, page: &T) -> Response {
    html(StatusCode::OK, lang, page.render())
}

/// After a form: 303 to where the result shows.
pub fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    response
}

/// No such page in an area of the site (the fallback of `/me/...`,
/// `/console/...`, `/invited/...`). Anyone.
pub async fn not_found() -> PageError {
    PageError::NotFound
}

/// Why a page cannot be shown. Rendered, in the visitor's language, by
/// [`crate::ctx::page_headers`] (which knows the request).
#[derive(Debug)]
pub enum PageError {
    /// Not logged in: to the login page.
    Unauthorized,
    Forbidden,
    NotFound,
    Gone,
    Csrf,
    TooLarge,
    /// Too many attempts (429): wait this many seconds, if the API said.
    RateLimited(Option<u64>),
    /// The server is busy for a moment (503 `busy`): come back then.
    Busy(Option<u64>),
    /// A problem from the API that the page does not handle itself.
    Api(Problem),
    Internal(String),
}

/// Carried by an error response until the page frame renders it.
#[derive(Debug, Clone)]
pub struct ErrorMarker(pub std::sync::Arc<PageError>);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = match &self {
            PageError::Unauthorized => StatusCode::UNAUTHORIZED,
            PageError::Forbidden | PageError::Csrf => StatusCode::FORBIDDEN,
            PageError::NotFound => StatusCode::NOT_FOUND,
            PageError::Gone => StatusCode::GONE,
            PageError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            PageError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            PageError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            PageError::Api(p) => {
                StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }
            PageError::Internal(cause) => {
                tracing::error!(%cause, "page failed");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        let mut response = status.into_response();
        if let PageError::RateLimited(retry) | PageError::Busy(retry) = &self {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(retry.unwrap_or(60).max(1)),
            );
        }
        response
            .extensions_mut()
            .insert(ErrorMarker(std::sync::Arc::new(self)));
        response
    }
}

impl PageError {
    /// From an API problem: the statuses pages treat alike.
    pub fn from_problem(p: Problem) -> Self {
        match p.status {
            401 => PageError::Unauthorized,
            403 => PageError::Forbidden,
            404 => PageError::NotFound,
            410 => PageError::Gone,
            413 => PageError::TooLarge,
            429 => PageError::RateLimited(p.raw.get("retryAfter").and_then(|v| v.as_u64())),
            503 if p.kind == "busy" => {
                PageError::Busy(p.raw.get("retryAfter").and_then(|v| v.as_u64()))
            }
            _ => PageError::Api(p),
        }
    }

    /// The sentence to show, in the visitor's words, and the reference to
    /// quote to support when something went wrong that they cannot fix
    /// themselves. Never the API's own (English, technical) text: that is
    /// logged (see [`crate::problems`]).
    pub fn describe(&self, tr: &Tr) -> (String, Option<String>) {
        let key = match self {
            PageError::Unauthorized | PageError::Forbidden => "error-forbidden",
            PageError::NotFound => "error-not-found",
            PageError::Gone => "error-gone",
            PageError::Csrf => "error-csrf",
            PageError::TooLarge => "error-too-large",
            PageError::RateLimited(_) => "error-rate-limited",
            PageError::Busy(_) => "error-busy",
            PageError::Api(p) if p.kind == "upload-unreadable" => "upload-unreadable",
            PageError::Api(p) if p.status >= 500 => {
                crate::problems::log(p);
                return (tr.get("error-unknown"), crate::problems::reference(p));
            }
            PageError::Api(p) => {
                let message = crate::problems::sentence(tr, p);
                // The general sentence carries its reference already.
                return (message, None);
            }
            PageError::Internal(_) => {
                return (
                    tr.get("error-unknown"),
                    atout_web::middleware::current_request_id(),
                )
            }
        };
        (tr.get(key), None)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub c: Chrome,
    pub heading: String,
    pub message: String,
    /// The request id to quote to support.
    pub reference: Option<String>,
    /// Where to go back to (the area's home) and its label's key.
    pub back: String,
    pub back_key: &'static str,
}
