//! What every page handler knows about its request: the language, the
//! cookies that identify the visitor, the CSRF token, and how to reach the
//! API on the visitor's behalf.

use crate::{
    csrf,
    page::{self, Area, Chrome, ErrorMarker, ErrorPage, PageError},
    PortalState,
};
use atout_web::i18n::{self, Lang, Tr};
use axum::{
    extract::{FromRequestParts, Request, State},
    http::{header, request::Parts, HeaderMap, HeaderName, HeaderValue},
    middleware::Next,
    response::Response,
};

/// The cookie keeping the chosen language (set by the switch).
pub const LANG_COOKIE: &str = "atout_lang";
/// The console's session cookie (a sealed API key or admin token).
pub const CONSOLE_COOKIE: &str = "atout_console";

/// The Content-Security-Policy of every page: scripts and styles are files
/// of this site, never inline; no frames; forms post only here.
pub const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'none'";

/// A page request.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub lang: Lang,
    /// The path and query as the visitor asked for them.
    pub path: String,
    pub query: Option<String>,
    pub csrf_cookie: String,
    /// The citizen's session token, from its cookie.
    pub session: Option<String>,
    /// The console's sealed session, from its cookie.
    pub console: Option<String>,
    /// What the API calls made on the visitor's behalf carry along.
    pub(crate) forward: Forward,
    pub secure: bool,
    /// The `Origin` header of a form post.
    pub origin: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Forward {
    pub connect: Option<axum::extract::ConnectInfo<std::net::SocketAddr>>,
    pub proxies: Option<atout_web::extract::TrustedProxies>,
    pub request_id: Option<atout_web::middleware::RequestId>,
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl Ctx {
    pub fn t(&self) -> &'static Tr {
        self.lang.tr()
    }

    /// The token the page's forms carry.
    pub fn csrf_token(&self, state: &PortalState) -> String {
        csrf::token(state, self)
    }

    /// A query parameter of this request.
    pub fn query_param(&self, name: &str) -> Option<String> {
        query_pairs(self.query.as_deref())
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }
}

/// A query string's pairs (none when it cannot be read).
pub fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    query
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default()
}

/// A cookie's value from the request's headers; an empty one counts as
/// absent.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    atout_web::auth::cookie(headers, name).filter(|v| !v.is_empty())
}

/// A cookie's name: `__Host-` prefixed over https (no other site, not even
/// a sibling subdomain, can set it).
pub fn cookie_name(secure: bool, name: &str) -> String {
    if secure {
        format!("__Host-{name}")
    } else {
        name.to_owned()
    }
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, Path=/, Secure over
/// https. `max_age` 0 clears it.
pub fn set_cookie(secure: bool, name: &str, value: &str, max_age: u64) -> HeaderValue {
    let mut text = format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}",
        cookie_name(secure, name)
    );
    if secure {
        text.push_str("; Secure");
    }
    HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static("x=; Max-Age=0"))
}

impl FromRequestParts<PortalState> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &PortalState,
    ) -> Result<Self, Self::Rejection> {
        // Made once per request by `page_headers`.
        if let Some(ctx) = parts.extensions.get::<Ctx>() {
            return Ok(ctx.clone());
        }
        let secure = state.app.config.base_url.scheme() == "https";
        let query = parts.uri.query().map(str::to_owned);
        let query_lang = query_pairs(query.as_deref())
            .into_iter()
            .find(|(k, _)| k == "lang")
            .map(|(_, v)| v);
        let lang = query_lang
            .as_deref()
            .and_then(Lang::parse)
            .or_else(|| cookie(&parts.headers, LANG_COOKIE).and_then(Lang::parse))
            .unwrap_or_else(|| {
                i18n::choose(
                    None,
                    parts
                        .headers
                        .get(header::ACCEPT_LANGUAGE)
                        .and_then(|v| v.to_str().ok()),
                )
            });
        let session_name = atout_web::auth::session_cookie_name(&state.app);
        let forward_headers = [
            HeaderName::from_static("x-forwarded-for"),
            header::USER_AGENT,
        ]
        .into_iter()
        .filter_map(|name| {
            let value = parts.headers.get(&name)?.clone();
            Some((name, value))
        })
        .collect();
        Ok(Self {
            lang,
            path: parts.uri.path().to_owned(),
            query,
            csrf_cookie: cookie(&parts.headers, &cookie_name(secure, csrf::COOKIE))
                .unwrap_or_default()
                .to_owned(),
            session: cookie(&parts.headers, session_name).map(str::to_owned),
            console: cookie(&parts.headers, &cookie_name(secure, CONSOLE_COOKIE))
                .map(str::to_owned),
            forward: Forward {
                connect: parts.extensions.get().cloned(),
                proxies: parts.extensions.get().cloned(),
                request_id: parts.extensions.get().cloned(),
                headers: forward_headers,
            },
            secure,
            origin: parts
                .headers
                .get(header::ORIGIN)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        })
    }
}

/// Around every page: gives a visitor without one a CSRF cookie (so the
/// first form they see already works), keeps a language chosen with
/// `?lang=`, and sets the pages' security headers.
pub async fn page_headers(
    State(state): State<PortalState>,
    mut req: Request,
    next: Next,
) -> Response {
    let secure = state.app.config.base_url.scheme() == "https";
    let csrf_name = cookie_name(secure, csrf::COOKIE);
    let mut new_cookies = Vec::new();
    if cookie(req.headers(), &csrf_name).is_none() {
        let value = csrf::new_cookie_value();
        // The handler sees the cookie as if the browser had sent it.
        let existing = req
            .headers()
            .get(header::COOKIE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let joined = if existing.is_empty() {
            format!("{csrf_name}={value}")
        } else {
            format!("{existing}; {csrf_name}={value}")
        };
        if let Ok(v) = HeaderValue::from_str(&joined) {
            req.headers_mut().insert(header::COOKIE, v);
        }
        new_cookies.push(set_cookie(secure, csrf::COOKIE, &value, 60 * 60 * 24 * 30));
    }
    let (mut parts, body) = req.into_parts();
    let Ok(ctx) = Ctx::from_request_parts(&mut parts, &state).await;
    parts.extensions.insert(ctx.clone());
    if let Some(lang) = ctx.query_param("lang").and_then(|v| Lang::parse(&v)) {
        let mut text = format!(
            "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000",
            lang.code()
        );
        if secure {
            text.push_str("; Secure");
        }
        if let Ok(v) = HeaderValue::from_str(&text) {
            new_cookies.push(v);
        }
    }
    let mut response = next.run(Request::from_parts(parts, body)).await;
    if let Some(marker) = response.extensions_mut().remove::<ErrorMarker>() {
        response = error_page(&state, &ctx, &marker.0, response.status());
    }
    let headers = response.headers_mut();
    for c in new_cookies {
        headers.append(header::SET_COOKIE, c);
    }
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(PAGE_CSP),
        );
        headers
            .entry(HeaderName::from_static("x-robots-tag"))
            .or_insert(HeaderValue::from_static("noindex, nofollow"));
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        );
    }
    response
}

/// Which part of the site a path belongs to.
pub fn area_of(path: &str) -> Area {
    if path == "/console" || path.starts_with("/console/") {
        Area::Console
    } else if path == "/me" || path.starts_with("/me/") {
        Area::Citizen
    } else {
        Area::Public
    }
}

/// An error as a page in the visitor's language; not logged in: to the
/// login page, coming back here afterwards.
fn error_page(
    state: &PortalState,
    ctx: &Ctx,
    error: &PageError,
    status: axum::http::StatusCode,
) -> Response {
    let area = area_of(&ctx.path);
    if matches!(error, PageError::Unauthorized) {
        let login = if area == Area::Console {
            "/console/login"
        } else {
            "/login"
        };
        let mut next = ctx.path.clone();
        if let Some(q) = &ctx.query {
            next.push('?');
            next.push_str(q);
        }
        let target = format!(
            "{login}?{}",
            serde_urlencoded::to_string([("next", next.as_str())]).unwrap_or_default()
        );
        return page::see_other(&target);
    }
    let heading = if matches!(error, PageError::NotFound) {
        "page-not-found-heading"
    } else {
        "page-error-heading"
    };
    let (message, reference) = error.describe(ctx.t());
    // A way back into the area the visitor was in.
    let (back, back_key) = match area {
        Area::Console => ("/console".to_owned(), "error-back-console"),
        Area::Citizen => ("/me".to_owned(), "error-back-me"),
        Area::Public => match ctx.path.strip_prefix("/invited/") {
            // An invited person's welcome page (their link's token).
            Some(rest) if !rest.is_empty() => (
                format!("/invited/{}", rest.split('/').next().unwrap_or_default()),
                "back",
            ),
            _ => ("/".to_owned(), "go-home"),
        },
    };
    let view = ErrorPage {
        c: Chrome::new(state, ctx, Area::Public, heading),
        heading: ctx.t().get(heading),
        message,
        reference,
        back,
        back_key,
    };
    page::html(status, ctx.lang, askama::Template::render(&view))
}
