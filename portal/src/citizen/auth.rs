//! The home page, signing up, logging in and out, the emailed links
//! (address confirmation, password reset). Anyone may open these.

use crate::{
    api::As,
    ctx::Ctx,
    forms::{Errors, PostForm},
    page::{render, see_other, Area, Chrome},
    PortalState,
};
use askama::Template;
use axum::{
    extract::State,
    http::{header, Method},
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};
use serde_json::json;

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/signup", get(signup_page).post(signup))
        .route("/logout", post(logout))
        .route("/forgot-password", get(forgot_page).post(forgot))
        .route("/account/reset-password", get(reset_page).post(reset))
        .route(
            "/account/verify-email",
            get(verify_email_page).post(verify_email),
        )
}

/// Where to go after logging in: a path of this site only.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if atout_core::citizens::local_path(n) => n.to_owned(),
        _ => "/me".to_owned(),
    }
}

/// A credential waiting behind `next` (an offer's page, `/me/offers/{token}`):
/// the sentence saying who offers what, for the login, sign-up and
/// confirmation pages.
pub struct Awaiting {
    pub text: String,
}

#[derive(serde::Deserialize)]
struct OfferLink {
    issuer: super::offers::OfferIssuer,
    #[serde(default)]
    name: super::Localized,
    #[serde(default)]
    state: String,
}

/// The offer `next` points at, if it is one still waiting (asked of the
/// API's public preview, `GET /offers/{token}`).
pub async fn awaiting(state: &PortalState, ctx: &Ctx, next: &str) -> Option<Awaiting> {
    let token = next.strip_prefix("/me/offers/")?;
    if token.is_empty()
        || !token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return None;
    }
    let reply = state
        .get(ctx, &As::Nobody, &format!("/offers/{token}"))
        .await
        .ok()?;
    if !reply.ok() {
        return None;
    }
    let link: OfferLink = reply.json().await.ok()?;
    if link.state != "pending" {
        return None;
    }
    let lang = ctx.lang.code();
    let credential = link.name.pick(lang);
    // The trust registry's name only, never the one an issuer gives itself.
    let text = match &link.issuer.name {
        Some(n) if !n.pick(lang).is_empty() => ctx.t().with(
            "auth-offer-waiting",
            &[
                ("issuer", n.pick(lang).into()),
                ("credential", credential.into()),
            ],
        ),
        _ => ctx
            .t()
            .arg("auth-offer-waiting-unknown", "credential", credential),
    };
    Some(Awaiting { text })
}

/// `?next=...` for a link, when `next` is not the default.
fn next_query(next: &str) -> String {
    if next == "/me" {
        String::new()
    } else {
        format!(
            "?next={}",
            url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
        )
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    c: Chrome,
    logged_in: bool,
}

/// The home page. Public.
pub async fn home(State(state): State<PortalState>, ctx: Ctx) -> Response {
    let c = Chrome::new(&state, &ctx, Area::Public, "home-title");
    render(
        ctx.lang,
        &Home {
            c,
            logged_in: ctx.session.is_some(),
        },
    )
}

#[derive(Template)]
#[template(path = "login.html")]
struct Login {
    c: Chrome,
    email: String,
    next: String,
    errors: Errors,
    awaiting: Option<Awaiting>,
    /// The sign-up link, carrying `next`.
    signup_href: String,
}

/// The login form. Public.
async fn login_page(State(state): State<PortalState>, ctx: Ctx) -> Response {
    let next = safe_next(ctx.query_param("next").as_deref());
    render(
        ctx.lang,
        &Login {
            c: Chrome::new(&state, &ctx, Area::Public, "login-title"),
            email: String::new(),
            awaiting: awaiting(&state, &ctx, &next).await,
            signup_href: format!("/signup{}", next_query(&next)),
            next,
            errors: Errors::default(),
        },
    )
}

/// Logs in with a password: the API's session cookie is handed to the
/// browser. Public (CSRF-checked).
async fn login(State(state): State<PortalState>, ctx: Ctx, form: PostForm) -> Response {
    let next = safe_next(form.get("next"));
    let email = form.text("email");
    let reply = state
        .send_json(
            &ctx,
            &As::Nobody,
            Method::POST,
            "/auth/login",
            &json!({"email": email, "password": form.raw("password"), "session": "cookie"}),
        )
        .await;
    let reply = match reply {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    if reply.ok() {
        return with_cookies(see_other(&next), &reply.headers);
    }
    let retry_after = reply.headers.get(header::RETRY_AFTER).cloned();
    let problem = reply.problem().await;
    let mut errors = Errors::default();
    let key = match problem.status {
        429 => "error-rate-limited",
        503 => "error-busy",
        _ => "login-failed",
    };
    errors.add("", ctx.t().get(key));
    let mut response = render(
        ctx.lang,
        &Login {
            c: Chrome::new(&state, &ctx, Area::Public, "login-title"),
            email,
            awaiting: awaiting(&state, &ctx, &next).await,
            signup_href: format!("/signup{}", next_query(&next)),
            next,
            errors,
        },
    );
    *response.status_mut() = axum::http::StatusCode::from_u16(problem.status)
        .unwrap_or(axum::http::StatusCode::UNAUTHORIZED);
    if let Some(retry_after) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, retry_after);
    }
    response
}

/// Copies the API's `Set-Cookie` headers onto a page's response.
pub fn with_cookies(mut response: Response, from: &axum::http::HeaderMap) -> Response {
    for value in from.get_all(header::SET_COOKIE) {
        response
            .headers_mut()
            .append(header::SET_COOKIE, value.clone());
    }
    response
}

#[derive(Template)]
#[template(path = "signup.html")]
struct Signup {
    c: Chrome,
    email: String,
    display_name: String,
    errors: Errors,
    /// Where to go once signed up (and where the confirmation link leads).
    next: String,
    awaiting: Option<Awaiting>,
    login_href: String,
}

/// The sign-up form (`?next=` as for logging in). Public.
async fn signup_page(State(state): State<PortalState>, ctx: Ctx) -> Response {
    let next = safe_next(ctx.query_param("next").as_deref());
    render(
        ctx.lang,
        &Signup {
            c: Chrome::new(&state, &ctx, Area::Public, "signup-title"),
            email: String::new(),
            display_name: String::new(),
            errors: Errors::default(),
            awaiting: awaiting(&state, &ctx, &next).await,
            login_href: format!("/login{}", next_query(&next)),
            next,
        },
    )
}

/// Creates an account and logs in, then goes to `next` (an offer's page:
/// the confirmation link leads there too). Public (CSRF-checked).
async fn signup(State(state): State<PortalState>, ctx: Ctx, form: PostForm) -> Response {
    let next = safe_next(form.get("next"));
    let email = form.text("email");
    let name = form.text("displayName");
    let password = form.raw("password");
    let mut errors = Errors::default();
    let t = ctx.t();
    if name.is_empty() {
        errors.add("displayName", t.get("field-displayName"));
    }
    if email.is_empty() || !email.contains('@') {
        errors.add("email", t.get("field-email"));
    }
    if password.chars().count() < 10 {
        errors.add("password", t.get("field-password"));
    }
    if password != form.raw("password2") {
        errors.add("password2", t.get("field-password2"));
    }
    if errors.is_empty() {
        let reply = state
            .send_json(
                &ctx,
                &As::Nobody,
                Method::POST,
                "/auth/signup",
                &json!({
                    "email": email,
                    "password": password,
                    "displayName": name,
                    "session": "cookie",
                    "next": (next != "/me").then_some(&next),
                }),
            )
            .await;
        let reply = match reply {
            Ok(r) => r,
            Err(e) => return e.into_response(),
        };
        if reply.ok() {
            let to = if next == "/me" {
                "/me?done=done-signed-up".to_owned()
            } else {
                next
            };
            return with_cookies(see_other(&to), &reply.headers);
        }
        let problem = reply.problem().await;
        errors = Errors::from_problem(t, &problem, &["email", "password", "displayName"]);
    }
    let mut response = render(
        ctx.lang,
        &Signup {
            c: Chrome::new(&state, &ctx, Area::Public, "signup-title"),
            email,
            display_name: name,
            errors,
            awaiting: awaiting(&state, &ctx, &next).await,
            login_href: format!("/login{}", next_query(&next)),
            next,
        },
    );
    *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    response
}

/// Ends the session. The logged-in citizen (CSRF-checked).
async fn logout(State(state): State<PortalState>, ctx: Ctx, _form: PostForm) -> Response {
    let mut response = see_other("/?done=done-logged-out");
    if let Some(token) = ctx.session.clone() {
        let who = As::Bearer(zeroize::Zeroizing::new(token));
        // The session ends in the database; the cookie is cleared below
        // whatever the answer (an ended session is as good as gone).
        let _ = state
            .call(
                &ctx,
                &who,
                Method::POST,
                "/auth/logout",
                axum::body::Body::empty(),
                None,
            )
            .await;
    }
    // The same name the API gives it (`__Host-` over https).
    response.headers_mut().append(
        header::SET_COOKIE,
        crate::ctx::set_cookie(ctx.secure, "atout_session", "", 0),
    );
    response
}

#[derive(Template)]
#[template(path = "forgot.html")]
struct Forgot {
    c: Chrome,
    sent: bool,
    errors: Errors,
}

/// Asks for a reset link. Public.
async fn forgot_page(State(state): State<PortalState>, ctx: Ctx) -> Response {
    render(
        ctx.lang,
        &Forgot {
            c: Chrome::new(&state, &ctx, Area::Public, "forgot-title"),
            sent: false,
            errors: Errors::default(),
        },
    )
}

/// Sends the link (the answer never says whether the address exists).
/// Public (CSRF-checked).
async fn forgot(State(state): State<PortalState>, ctx: Ctx, form: PostForm) -> Response {
    let reply = state
        .send_json(
            &ctx,
            &As::Nobody,
            Method::POST,
            "/auth/forgot-password",
            &json!({"email": form.text("email")}),
        )
        .await;
    let mut errors = Errors::default();
    match reply {
        Ok(r) if r.ok() => {}
        Ok(r) => {
            let problem = r.problem().await;
            errors = Errors::from_problem(ctx.t(), &problem, &["email"]);
        }
        Err(e) => return e.into_response(),
    }
    render(
        ctx.lang,
        &Forgot {
            c: Chrome::new(&state, &ctx, Area::Public, "forgot-title"),
            sent: errors.is_empty(),
            errors,
        },
    )
}

#[derive(Template)]
#[template(path = "reset.html")]
struct Reset {
    c: Chrome,
    token: String,
    errors: Errors,
}

/// The emailed reset link. Whoever holds it.
async fn reset_page(State(state): State<PortalState>, ctx: Ctx) -> Response {
    render(
        ctx.lang,
        &Reset {
            c: Chrome::new(&state, &ctx, Area::Public, "reset-title"),
            token: ctx.query_param("token").unwrap_or_default(),
            errors: Errors::default(),
        },
    )
}

/// Sets the new password. Whoever holds the link (CSRF-checked).
async fn reset(State(state): State<PortalState>, ctx: Ctx, form: PostForm) -> Response {
    let t = ctx.t();
    let token = form.text("token");
    let password = form.raw("password");
    let mut errors = Errors::default();
    if password.chars().count() < 10 {
        errors.add("password", t.get("field-password"));
    }
    if errors.is_empty() {
        match state
            .send_json(
                &ctx,
                &As::Nobody,
                Method::POST,
                "/auth/reset-password",
                &json!({"token": token, "password": password}),
            )
            .await
        {
            Ok(r) if r.ok() => return see_other("/login?done=done-password-reset"),
            Ok(r) => {
                let problem = r.problem().await;
                errors = Errors::from_problem(t, &problem, &["password", "token"]);
            }
            Err(e) => return e.into_response(),
        }
    }
    render(
        ctx.lang,
        &Reset {
            c: Chrome::new(&state, &ctx, Area::Public, "reset-title"),
            token,
            errors,
        },
    )
}

#[derive(Template)]
#[template(path = "verify_email.html")]
struct VerifyEmail {
    c: Chrome,
    token: String,
    errors: Errors,
    /// After confirming: the address the link belonged to (masked).
    confirmed: Option<String>,
    /// The visitor is logged in to another account than the link's.
    other_account: bool,
    /// Where the link leads once confirmed (an offer's page).
    next: String,
    awaiting: Option<Awaiting>,
    login_href: String,
}

/// The emailed confirmation link: a button, so that a mail scanner opening
/// the link confirms nothing. Whoever holds the link.
async fn verify_email_page(State(state): State<PortalState>, ctx: Ctx) -> Response {
    let next = safe_next(ctx.query_param("next").as_deref());
    render(
        ctx.lang,
        &VerifyEmail {
            c: Chrome::new(&state, &ctx, Area::Public, "verify-email-title"),
            token: ctx.query_param("token").unwrap_or_default(),
            errors: Errors::default(),
            confirmed: None,
            other_account: false,
            awaiting: awaiting(&state, &ctx, &next).await,
            login_href: format!("/login{}", next_query(&next)),
            next,
        },
    )
}

/// The status of a page showing an API's 4xx problem again (a form with
/// the reason); anything else as 400.
fn reply_status(status: u16) -> axum::http::StatusCode {
    axum::http::StatusCode::from_u16(status)
        .ok()
        .filter(|s| s.is_client_error())
        .unwrap_or(axum::http::StatusCode::BAD_REQUEST)
}

/// What the API says a link confirmed.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Confirmed {
    email: String,
    your_account: Option<bool>,
}

/// Confirms the address of the link's account. Whoever holds the link
/// (CSRF-checked). The page names the address it confirmed; a visitor
/// logged in to another account is told the link was not theirs, never
/// that their own address is confirmed.
async fn verify_email(State(state): State<PortalState>, ctx: Ctx, form: PostForm) -> Response {
    let token = form.text("token");
    let next = safe_next(form.get("next"));
    // The visitor's session, if any, only lets the API say whose account
    // the link was for.
    let who = match &ctx.session {
        Some(s) => As::Bearer(zeroize::Zeroizing::new(s.clone())),
        None => As::Nobody,
    };
    let reply = match state
        .send_json(
            &ctx,
            &who,
            Method::POST,
            "/auth/verify-email",
            &json!({"token": token}),
        )
        .await
    {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    if !reply.ok() {
        let problem = reply.problem().await;
        let status = reply_status(problem.status);
        let errors = if problem.status == 410 {
            // Unknown, used or expired: say so in the page's words.
            let mut errors = Errors::default();
            errors.add("", ctx.t().get("field-token"));
            errors
        } else {
            Errors::from_problem(ctx.t(), &problem, &["token"])
        };
        let mut response = render(
            ctx.lang,
            &VerifyEmail {
                c: Chrome::new(&state, &ctx, Area::Public, "verify-email-title"),
                token,
                errors,
                confirmed: None,
                other_account: false,
                awaiting: awaiting(&state, &ctx, &next).await,
                login_href: format!("/login{}", next_query(&next)),
                next,
            },
        );
        *response.status_mut() = status;
        return response;
    }
    let confirmed: Confirmed = match reply.json().await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    if confirmed.your_account == Some(true) {
        // Back where the person was going (an offer's page), else home.
        return see_other(&if next == "/me" {
            "/me?done=done-email-verified".to_owned()
        } else {
            next
        });
    }
    render(
        ctx.lang,
        &VerifyEmail {
            c: Chrome::new(&state, &ctx, Area::Public, "verify-email-done-title"),
            token: String::new(),
            errors: Errors::default(),
            confirmed: Some(confirmed.email),
            other_account: confirmed.your_account == Some(false),
            awaiting: awaiting(&state, &ctx, &next).await,
            login_href: format!("/login{}", next_query(&next)),
            next,
        },
    )
}
