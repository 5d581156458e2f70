//! The invited person's pages: an invitation link (`/i/{token}`, opened in
//! a browser) leads to `/invited/{token}`: who invites, for what; the
//! invited address is confirmed with a mailed code (or by being logged in
//! with that address), which opens a session of this invitation kept in an
//! HttpOnly cookie scoped to the invitation's pages; then the portfolio as
//! the invitation allows: a reader reads, a contributor comments on entries
//! and suggests new ones, a certifier endorses entries (and withdraws
//! endorsements); the career plans the citizen shares with the people they
//! invite are on their own page (`/invited/{token}/plans`), read-only but
//! for a contributor's comments. Whoever holds the link sees the welcome
//! page; the rest needs the session. A revoked or expired invitation shows
//! a "withdrawn" page (410).
//!
//! When the invitation names an organisation, the certifier endorses on
//! its behalf: the endorsement form asks for one of its API keys (a
//! password field), sent to the API as `X-Org-Authorization` and never
//! kept; a missing, wrong or other organisation's key is said on the form
//! in the person's words.

use crate::{
    api::{seg, As, Problem},
    ctx::{cookie, Ctx},
    forms::{Errors, PostForm},
    page::{html, render, see_other, Area, Chrome, PageError},
    PortalState,
};
use askama::Template;
use axum::{
    body::Body,
    extract::{Path, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    response::Response,
    routing::{get, post},
    Router,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD as B64, Engine as _};
use serde::Deserialize;
use serde_json::{json, Value};

/// The header carrying an organisation's API key to the API.
const ORG_HEADER: &str = "x-org-authorization";

/// The invited person's session cookie (`ati_...`), scoped to
/// `/invited/{token}`.
pub const COOKIE: &str = "atout_invited";

pub const KINDS: [&str; 6] = [
    "experience",
    "education",
    "skill",
    "language",
    "project",
    "interest",
];

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/invited/{token}", get(welcome))
        .route("/invited/{token}/code", post(send_code))
        .route("/invited/{token}/session", post(open_session))
        .route("/invited/{token}/leave", post(leave))
        .route("/invited/{token}/portfolio", get(portfolio))
        .route("/invited/{token}/documents/{id}", get(document))
        .route("/invited/{token}/comment", post(comment))
        .route("/invited/{token}/suggest", post(suggest))
        .route("/invited/{token}/endorse", post(endorse))
        .route(
            "/invited/{token}/endorsements/{id}/withdraw",
            post(withdraw),
        )
        .route("/invited/{token}/plans", get(plans))
        .route("/invited/{token}/plans/{id}/comments", post(plan_comment))
}

/// A link's token as Atout makes them (22 URL-safe characters): anything
/// else is no invitation, and never reaches a cookie's path.
fn plausible(token: &str) -> bool {
    atout_web::share::plausible_token(token)
}

fn cookie_name(secure: bool) -> String {
    if secure {
        format!("__Secure-{COOKIE}")
    } else {
        COOKIE.to_owned()
    }
}

fn session_cookie(ctx: &Ctx, headers: &HeaderMap) -> Option<String> {
    cookie(headers, &cookie_name(ctx.secure))
        .filter(|v| v.starts_with("ati_") && v.len() < 100)
        .map(str::to_owned)
}

fn set_session_cookie(ctx: &Ctx, token: &str, value: &str, max_age: i64) -> HeaderValue {
    let mut text = format!(
        "{}={value}; Path=/invited/{token}; HttpOnly; SameSite=Strict; Max-Age={}",
        cookie_name(ctx.secure),
        max_age.max(0)
    );
    if ctx.secure {
        text.push_str("; Secure");
    }
    HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static("x=; Max-Age=0"))
}

fn with_cookie(mut response: Response, value: HeaderValue) -> Response {
    response.headers_mut().append(header::SET_COOKIE, value);
    response
}

fn chrome(state: &PortalState, ctx: &Ctx, title: &str) -> Chrome {
    let mut c = Chrome::new(state, ctx, Area::Public, title);
    let tr = ctx.t();
    if let Some(key) = ctx
        .query_param("done")
        .filter(|k| k.starts_with("so-done-") && k.len() < 64 && tr.has(k))
    {
        c.flash = Some(tr.get(&key));
    }
    c
}

#[derive(Template)]
#[template(path = "social/invited_gone.html")]
struct GonePage {
    c: Chrome,
    expired: bool,
}

/// The page for an answer the invited person cannot go past: withdrawn
/// (410, its own page), else the usual error page.
fn refused(state: &PortalState, ctx: &Ctx, token: &str, problem: Problem) -> Response {
    if problem.status == 410 {
        let page = GonePage {
            c: chrome(state, ctx, "so-invited-gone-title"),
            expired: problem.kind == "invitation-expired",
        };
        let response = html(StatusCode::GONE, ctx.lang, page.render());
        return with_cookie(response, set_session_cookie(ctx, token, "", 0));
    }
    axum::response::IntoResponse::into_response(PageError::from_problem(problem))
}

/// The organisation an invitation to certify names.
#[derive(Deserialize)]
struct InvitationOrg {
    name: crate::directory::Names,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Welcome {
    from: String,
    role: String,
    #[serde(default)]
    message: Option<String>,
    expires_at: chrono::DateTime<chrono::Utc>,
    email: String,
    #[serde(default)]
    organisation: Option<InvitationOrg>,
}

/// What the invitation lets the person do, in a sentence: a certifier
/// asked to endorse on behalf of an organisation is told which.
fn role_sentence(c: &Chrome, from: &str, role: &str, org: Option<&InvitationOrg>) -> String {
    match org {
        Some(o) if role == "certifier" => c.tr.with(
            "so-invited-role-certifier-org",
            &[("name", from.into()), ("org", o.name.pick(c.lang).into())],
        ),
        _ => c.tk("so-invited-role-", role, ""),
    }
}

#[derive(Template)]
#[template(path = "social/invited_welcome.html")]
struct WelcomePage {
    c: Chrome,
    token: String,
    w: Welcome,
    logged_in: bool,
    name: String,
    errors: Errors,
}

impl WelcomePage {
    fn lead(&self) -> String {
        role_sentence(
            &self.c,
            &self.w.from,
            &self.w.role,
            self.w.organisation.as_ref(),
        )
    }
}

async fn welcome_view(
    state: &PortalState,
    ctx: &Ctx,
    token: &str,
    name: String,
    errors: Errors,
) -> Result<Result<WelcomePage, Response>, PageError> {
    if !plausible(token) {
        return Err(PageError::NotFound);
    }
    let reply = state
        .get(ctx, &As::Nobody, &format!("/i/{}", seg(token)))
        .await?;
    if !reply.ok() {
        return Ok(Err(refused(state, ctx, token, reply.problem().await)));
    }
    let w: Welcome = reply.json().await?;
    Ok(Ok(WelcomePage {
        c: chrome(state, ctx, "so-invited-title"),
        token: token.to_owned(),
        w,
        logged_in: ctx.session.is_some(),
        name,
        errors,
    }))
}

/// Who invites, for what; confirming the address. Whoever holds the link
/// (with a session of this invitation: straight to the portfolio).
async fn welcome(
    State(state): State<PortalState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    if plausible(&token) && session_cookie(&ctx, &headers).is_some() {
        return Ok(see_other(&format!("/invited/{token}/portfolio")));
    }
    match welcome_view(&state, &ctx, &token, String::new(), Errors::default()).await? {
        Ok(page) => Ok(render(ctx.lang, &page)),
        Err(response) => Ok(response),
    }
}

/// Mails a code to the invited address. Whoever holds the link
/// (CSRF-checked; at most one a minute).
async fn send_code(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(token): Path<String>,
    _form: PostForm,
) -> Result<Response, PageError> {
    if !plausible(&token) {
        return Err(PageError::NotFound);
    }
    let reply = state
        .call(
            &ctx,
            &As::Nobody,
            Method::POST,
            &format!("/i/{}/code", seg(&token)),
            Body::empty(),
            None,
        )
        .await?;
    if reply.ok() {
        return Ok(see_other(&format!(
            "/invited/{token}?done=so-done-code-sent"
        )));
    }
    let problem = reply.problem().await;
    if problem.kind == "code-sent-recently" {
        let mut errors = Errors::default();
        errors.add("", ctx.t().get("so-code-sent-recently"));
        return welcome_with_errors(&state, &ctx, &token, String::new(), errors).await;
    }
    Ok(refused(&state, &ctx, &token, problem))
}

async fn welcome_with_errors(
    state: &PortalState,
    ctx: &Ctx,
    token: &str,
    name: String,
    errors: Errors,
) -> Result<Response, PageError> {
    match welcome_view(state, ctx, token, name, errors).await? {
        Ok(page) => {
            let mut response = render(ctx.lang, &page);
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(response) => Ok(response),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InvitedSession {
    token: String,
    expires_at: chrono::DateTime<chrono::Utc>,
}

/// Confirms the address (the mailed code, or the logged-in citizen's own
/// verified address) and opens a session of this invitation. Whoever
/// holds the link and the code (CSRF-checked).
async fn open_session(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(token): Path<String>,
    form: PostForm,
) -> Result<Response, PageError> {
    if !plausible(&token) {
        return Err(PageError::NotFound);
    }
    let t = ctx.t();
    let name = form.text("name");
    let code: String = form
        .text("code")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let mut errors = Errors::default();
    if name.is_empty() || name.chars().count() > 120 {
        errors.add("name", t.get("so-field-name"));
    }
    let malformed = code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit());
    if !code.is_empty() && malformed {
        errors.add("code", t.get("so-field-code"));
    }
    if code.is_empty() && ctx.session.is_none() {
        errors.add("code", t.get("so-field-code"));
    }
    if !errors.is_empty() {
        return welcome_with_errors(&state, &ctx, &token, name, errors).await;
    }
    // Logged in: the API lets the invited address (verified) in without a
    // code; otherwise the session is ignored there.
    let who = match &ctx.session {
        Some(s) => As::Bearer(zeroize::Zeroizing::new(s.clone())),
        None => As::Nobody,
    };
    let mut body = json!({"name": name});
    if !code.is_empty() {
        body["code"] = json!(code);
    }
    let reply = state
        .send_json(
            &ctx,
            &who,
            Method::POST,
            &format!("/i/{}/session", seg(&token)),
            &body,
        )
        .await?;
    if reply.ok() {
        let session: InvitedSession = reply.json().await?;
        let max_age = (session.expires_at - state.app.clock.now()).num_seconds();
        let response = see_other(&format!(
            "/invited/{token}/portfolio?done=so-done-confirmed"
        ));
        return Ok(with_cookie(
            response,
            set_session_cookie(&ctx, &token, &session.token, max_age),
        ));
    }
    let problem = reply.problem().await;
    match (problem.status, problem.field.as_deref()) {
        (403, _) => {
            let left = problem
                .raw
                .get("attemptsLeft")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            errors.add("code", t.arg("so-field-code-wrong", "count", left));
        }
        (429, _) => errors.add("code", t.get("so-field-code-expired")),
        (422, Some("name")) => errors.add("name", t.get("so-field-name")),
        (422, Some("code")) => errors.add("code", t.get("so-field-code")),
        _ => return Ok(refused(&state, &ctx, &token, problem)),
    }
    welcome_with_errors(&state, &ctx, &token, name, errors).await
}

/// Ends the session on this device. Whoever holds it (CSRF-checked).
async fn leave(
    ctx: Ctx,
    Path(token): Path<String>,
    _form: PostForm,
) -> Result<Response, PageError> {
    if !plausible(&token) {
        return Err(PageError::NotFound);
    }
    Ok(with_cookie(
        see_other(&format!("/invited/{token}?done=so-done-left")),
        set_session_cookie(&ctx, &token, "", 0),
    ))
}

/// A credential as the invited person sees it: its name, its issuer, when.
pub struct Cred {
    pub name: String,
    pub issuer: String,
    pub valid_from: String,
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Array(a) => a.iter().find_map(text_of),
        Value::Object(o) => o.get("@value").and_then(text_of),
        _ => None,
    }
}

impl Cred {
    fn from_value(v: &Value) -> Self {
        // A compact JWT: its payload (`vc` claim for VC-JWT 1.1).
        let decoded = v.as_str().and_then(|jwt| {
            let payload = jwt.split('.').nth(1)?;
            let bytes = B64.decode(payload.trim_end_matches('=')).ok()?;
            let json: Value = serde_json::from_slice(&bytes).ok()?;
            Some(json.get("vc").cloned().unwrap_or(json))
        });
        let vc = decoded.as_ref().unwrap_or(v);
        let name = vc
            .get("name")
            .and_then(text_of)
            .or_else(|| {
                vc.get("type").and_then(Value::as_array).and_then(|t| {
                    t.iter()
                        .filter_map(Value::as_str)
                        .next_back()
                        .map(str::to_owned)
                })
            })
            .unwrap_or_default();
        let issuer = match vc.get("issuer") {
            Some(Value::String(s)) => s.clone(),
            Some(o) => o
                .get("name")
                .and_then(text_of)
                .or_else(|| o.get("id").and_then(text_of))
                .unwrap_or_default(),
            None => String::new(),
        };
        let valid_from = vc
            .get("validFrom")
            .or_else(|| vc.get("issuanceDate"))
            .and_then(Value::as_str)
            .map(|d| d.chars().take(10).collect())
            .unwrap_or_default();
        Self {
            name,
            issuer,
            valid_from,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Portfolio {
    from: String,
    role: String,
    entries: Vec<crate::citizen::Entry>,
    credentials: Vec<Value>,
    documents: Vec<InvitedDoc>,
    #[serde(default)]
    organisation: Option<InvitationOrg>,
}

#[derive(Deserialize)]
pub struct InvitedDoc {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub size: i64,
}

#[derive(Deserialize)]
struct Items<T> {
    items: Vec<T>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OwnEndorsement {
    pub id: String,
    pub entry_id: String,
    pub comment: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub revoked: bool,
}

/// What the forms of the portfolio page keep after an error.
#[derive(Default)]
struct Draft {
    /// The entry a comment or endorsement was about, and its text.
    entry: String,
    text: String,
    kind: String,
    title: String,
    organisation: String,
    start: String,
    end: String,
    description: String,
    /// The message (a key taking the organisation's name) about the
    /// organisation's key of the endorsement form of `entry`.
    org_key_error: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "social/invited_portfolio.html")]
struct PortfolioPage {
    c: Chrome,
    token: String,
    from: String,
    role: String,
    entries: Vec<crate::citizen::Entry>,
    credentials: Vec<Cred>,
    documents: Vec<InvitedDoc>,
    endorsements: Vec<OwnEndorsement>,
    /// The organisation the endorsement is asked of (certifiers).
    organisation: Option<InvitationOrg>,
    d: Draft,
    errors: Errors,
}

impl PortfolioPage {
    fn kinds(&self) -> [&'static str; 6] {
        KINDS
    }

    fn lead(&self) -> String {
        role_sentence(&self.c, &self.from, &self.role, self.organisation.as_ref())
    }

    /// The organisation's name, when the endorsement is asked of one.
    fn org_name(&self) -> Option<&str> {
        self.organisation
            .as_ref()
            .filter(|_| self.role == "certifier")
            .map(|o| o.name.pick(self.c.lang))
    }

    /// The label of the organisation's key field.
    fn org_key_label(&self) -> String {
        self.c.ta(
            "so-invited-org-key",
            "org",
            self.org_name().unwrap_or_default(),
        )
    }

    /// What an endorsement is, said for the organisation when it is asked
    /// of one.
    fn endorse_hint(&self) -> String {
        match self.org_name() {
            Some(org) => self.c.ta("so-invited-endorse-hint-org", "org", org),
            None => self.c.t("so-invited-endorse-hint"),
        }
    }

    fn org_key_hint(&self) -> String {
        self.c.ta(
            "so-invited-org-key-hint",
            "org",
            self.org_name().unwrap_or_default(),
        )
    }

    /// The error about the organisation's key of the form of this entry.
    fn org_key_error(&self, entry: &str) -> Option<&str> {
        if self.d.entry == entry {
            self.errors.get(&format!("orgKey-{entry}"))
        } else {
            None
        }
    }

    /// The error of the form about this entry.
    fn entry_error(&self, entry: &str) -> Option<&str> {
        if self.d.entry == entry {
            self.errors.get("text")
        } else {
            None
        }
    }

    fn entry_text(&self, entry: &str) -> &str {
        if self.d.entry == entry {
            &self.d.text
        } else {
            ""
        }
    }

    fn entry_title(&self, id: &str) -> String {
        self.entries
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.title.clone())
            .unwrap_or_default()
    }
}

/// The session of this invitation, or the welcome page to get one.
fn session_or_welcome(ctx: &Ctx, headers: &HeaderMap, token: &str) -> Result<As, Box<Response>> {
    if !plausible(token) {
        return Err(Box::new(axum::response::IntoResponse::into_response(
            PageError::NotFound,
        )));
    }
    match session_cookie(ctx, headers) {
        Some(s) => Ok(As::Bearer(zeroize::Zeroizing::new(s))),
        None => Err(Box::new(see_other(&format!("/invited/{token}")))),
    }
}

/// An answer that ends the visit: back to the welcome page (session
/// expired or ended: the cookie goes), the withdrawn page, or an error.
fn ended(state: &PortalState, ctx: &Ctx, token: &str, problem: Problem) -> Response {
    if problem.status == 401 {
        return with_cookie(
            see_other(&format!("/invited/{token}")),
            set_session_cookie(ctx, token, "", 0),
        );
    }
    refused(state, ctx, token, problem)
}

async fn portfolio_view(
    state: &PortalState,
    ctx: &Ctx,
    token: &str,
    who: &As,
    d: Draft,
    mut errors: Errors,
) -> Result<Result<PortfolioPage, Response>, PageError> {
    let reply = state
        .get(ctx, who, &format!("/i/{}/portfolio", seg(token)))
        .await?;
    if !reply.ok() {
        return Ok(Err(ended(state, ctx, token, reply.problem().await)));
    }
    let p: Portfolio = reply.json().await?;
    let endorsements = if p.role == "certifier" {
        let reply = state
            .get(ctx, who, &format!("/i/{}/endorsements", seg(token)))
            .await?;
        if !reply.ok() {
            return Ok(Err(ended(state, ctx, token, reply.problem().await)));
        }
        let list: Items<OwnEndorsement> = reply.json().await?;
        list.items
    } else {
        Vec::new()
    };
    if let Some(key) = d.org_key_error {
        let org = p
            .organisation
            .as_ref()
            .map(|o| o.name.pick(ctx.lang.code()).to_owned())
            .unwrap_or_default();
        errors.add(&format!("orgKey-{}", d.entry), ctx.t().arg(key, "org", org));
    }
    let mut c = chrome(state, ctx, "so-invited-portfolio-title");
    invited_nav(&mut c, ctx, token);
    Ok(Ok(PortfolioPage {
        c,
        token: token.to_owned(),
        from: p.from,
        role: p.role,
        entries: p.entries,
        credentials: p.credentials.iter().map(Cred::from_value).collect(),
        documents: p.documents,
        endorsements,
        organisation: p.organisation,
        d,
        errors,
    }))
}

async fn portfolio_with(
    state: &PortalState,
    ctx: &Ctx,
    token: &str,
    who: &As,
    d: Draft,
    errors: Errors,
) -> Result<Response, PageError> {
    let failed = !errors.is_empty() || d.org_key_error.is_some();
    match portfolio_view(state, ctx, token, who, d, errors).await? {
        Ok(page) => {
            let mut response = render(ctx.lang, &page);
            if failed {
                *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            }
            Ok(response)
        }
        Err(response) => Ok(response),
    }
}

/// The portfolio as the invitation allows, with the role's forms. The
/// invited person (a session of this invitation; else the welcome page).
async fn portfolio(
    State(state): State<PortalState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let who = match session_or_welcome(&ctx, &headers, &token) {
        Ok(who) => who,
        Err(response) => return Ok(*response),
    };
    portfolio_with(
        &state,
        &ctx,
        &token,
        &who,
        Draft::default(),
        Errors::default(),
    )
    .await
}

/// A document the invitation covers (a download). The invited person.
async fn document(
    State(state): State<PortalState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((token, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let who = match session_or_welcome(&ctx, &headers, &token) {
        Ok(who) => who,
        Err(response) => return Ok(*response),
    };
    let reply = state
        .get(
            &ctx,
            &who,
            &format!("/i/{}/documents/{}", seg(&token), seg(&id)),
        )
        .await?;
    if !reply.ok() {
        return Ok(ended(&state, &ctx, &token, reply.problem().await));
    }
    Ok(reply.into_response())
}

/// After a form of the portfolio: the API's answer as a page.
#[allow(clippy::too_many_arguments)]
async fn after(
    state: &PortalState,
    ctx: &Ctx,
    token: &str,
    who: &As,
    reply: crate::api::Reply,
    done: &str,
    d: Draft,
    fields: &[(&str, &str)],
) -> Result<Response, PageError> {
    if reply.ok() {
        return Ok(see_other(&format!(
            "/invited/{token}/portfolio?done={done}"
        )));
    }
    refused_form(state, ctx, token, who, reply.problem().await, d, fields).await
}

/// A form of the portfolio refused by the API: the visit ends (session,
/// invitation gone) or the page comes back with the error on its field.
async fn refused_form(
    state: &PortalState,
    ctx: &Ctx,
    token: &str,
    who: &As,
    problem: Problem,
    d: Draft,
    fields: &[(&str, &str)],
) -> Result<Response, PageError> {
    if matches!(problem.status, 401 | 403 | 404 | 410) {
        return Ok(ended(state, ctx, token, problem));
    }
    let t = ctx.t();
    let mut errors = Errors::default();
    match problem
        .field
        .as_deref()
        .and_then(|f| fields.iter().find(|(api, _)| *api == f))
    {
        Some((api, form)) if t.has(&format!("so-field-{api}")) => {
            errors.add(form, t.get(&format!("so-field-{api}")));
        }
        Some((_, form)) => errors.add(form, crate::problems::sentence(t, &problem)),
        None => errors = Errors::from_problem(t, &problem, &[]),
    }
    portfolio_with(state, ctx, token, who, d, errors).await
}

/// A contributor's comment on an entry. The invited contributor
/// (CSRF-checked).
async fn comment(
    State(state): State<PortalState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(token): Path<String>,
    form: PostForm,
) -> Result<Response, PageError> {
    let who = match session_or_welcome(&ctx, &headers, &token) {
        Ok(who) => who,
        Err(response) => return Ok(*response),
    };
    let d = Draft {
        entry: form.text("entry"),
        text: form.get("text").unwrap_or_default().to_owned(),
        ..Draft::default()
    };
    if d.text.is_empty() || d.text.chars().count() > 2000 {
        let mut errors = Errors::default();
        errors.add("text", ctx.t().get("so-field-text"));
        return portfolio_with(&state, &ctx, &token, &who, d, errors).await;
    }
    let body = json!({"kind": "comment", "entryId": d.entry, "text": d.text});
    let reply = state
        .send_json(
            &ctx,
            &who,
            Method::POST,
            &format!("/i/{}/suggestions", seg(&token)),
            &body,
        )
        .await?;
    after(
        &state,
        &ctx,
        &token,
        &who,
        reply,
        "so-done-commented",
        d,
        &[("text", "text")],
    )
    .await
}

/// A contributor's suggested entry. The invited contributor (CSRF-checked).
async fn suggest(
    State(state): State<PortalState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(token): Path<String>,
    form: PostForm,
) -> Result<Response, PageError> {
    let who = match session_or_welcome(&ctx, &headers, &token) {
        Ok(who) => who,
        Err(response) => return Ok(*response),
    };
    let d = Draft {
        kind: form.text("kind"),
        title: form.text("title"),
        organisation: form.text("organisation"),
        start: form.text("startDate"),
        end: form.text("endDate"),
        description: form.get("description").unwrap_or_default().to_owned(),
        ..Draft::default()
    };
    let t = ctx.t();
    let mut errors = Errors::default();
    if !KINDS.contains(&d.kind.as_str()) {
        errors.add("kind", t.get("so-field-kind"));
    }
    if d.title.is_empty() || d.title.chars().count() > 200 {
        errors.add("title", t.get("so-field-title"));
    }
    if !errors.is_empty() {
        return portfolio_with(&state, &ctx, &token, &who, d, errors).await;
    }
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    let entry = json!({
        "kind": d.kind,
        "title": d.title,
        "organisation": opt(&d.organisation),
        "startDate": opt(&d.start),
        "endDate": opt(&d.end),
        "description": opt(&d.description),
    });
    let reply = state
        .send_json(
            &ctx,
            &who,
            Method::POST,
            &format!("/i/{}/suggestions", seg(&token)),
            &json!({"kind": "entry", "entry": entry}),
        )
        .await?;
    after(
        &state,
        &ctx,
        &token,
        &who,
        reply,
        "so-done-suggested",
        d,
        &[
            ("title", "title"),
            ("organisation", "organisation"),
            ("startDate", "startDate"),
            ("endDate", "endDate"),
            ("description", "description"),
            ("kind", "kind"),
        ],
    )
    .await
}

/// A certifier's endorsement of an entry. The invited certifier
/// (CSRF-checked). When the invitation names an organisation, the form
/// carries one of its API keys (`orgKey`), forwarded as
/// `X-Org-Authorization` and never kept.
async fn endorse(
    State(state): State<PortalState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(token): Path<String>,
    form: PostForm,
) -> Result<Response, PageError> {
    let who = match session_or_welcome(&ctx, &headers, &token) {
        Ok(who) => who,
        Err(response) => return Ok(*response),
    };
    let mut d = Draft {
        entry: form.text("entry"),
        text: form.get("text").unwrap_or_default().to_owned(),
        ..Draft::default()
    };
    let org_key = zeroize::Zeroizing::new(form.text("orgKey"));
    let mut errors = Errors::default();
    if d.text.is_empty() || d.text.chars().count() > 2000 {
        errors.add("text", ctx.t().get("so-field-text"));
    }
    let mut extra = Vec::new();
    if !org_key.is_empty() {
        match HeaderValue::from_str(&format!("Bearer {}", org_key.as_str())) {
            Ok(mut value) if org_key.len() < 200 => {
                value.set_sensitive(true);
                extra.push((header::HeaderName::from_static(ORG_HEADER), value));
            }
            // Nothing a key can be: said as a wrong key.
            _ => d.org_key_error = Some("so-field-org-key-invalid"),
        }
    }
    if !errors.is_empty() || d.org_key_error.is_some() {
        return portfolio_with(&state, &ctx, &token, &who, d, errors).await;
    }
    let body = serde_json::to_vec(&json!({"entryId": d.entry, "comment": d.text}))
        .map_err(|e| PageError::Internal(format!("encoding an API call: {e}")))?;
    let reply = state
        .call_with(
            &ctx,
            &who,
            Method::POST,
            &format!("/i/{}/endorsements", seg(&token)),
            Body::from(body),
            Some("application/json"),
            extra,
        )
        .await?;
    if reply.ok() {
        return Ok(see_other(&format!(
            "/invited/{token}/portfolio?done=so-done-endorsed"
        )));
    }
    let problem = reply.problem().await;
    // The organisation's key refused: said on the form, in the person's
    // words (the session stays open).
    let key_error = match problem.kind.as_str() {
        "organisation-key-required" => Some("so-field-org-key-missing"),
        "organisation-key-mismatch" => Some("so-field-org-key-other"),
        "organisation-key-invalid" => Some("so-field-org-key-invalid"),
        _ => None,
    };
    if let Some(key) = key_error {
        crate::problems::log(&problem);
        d.org_key_error = Some(key);
        return portfolio_with(&state, &ctx, &token, &who, d, Errors::default()).await;
    }
    refused_form(
        &state,
        &ctx,
        &token,
        &who,
        problem,
        d,
        &[("comment", "text")],
    )
    .await
}

/// Withdraws one of the certifier's endorsements. The invited certifier
/// (CSRF-checked).
async fn withdraw(
    State(state): State<PortalState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((token, id)): Path<(String, String)>,
    _form: PostForm,
) -> Result<Response, PageError> {
    let who = match session_or_welcome(&ctx, &headers, &token) {
        Ok(who) => who,
        Err(response) => return Ok(*response),
    };
    let reply = state
        .call(
            &ctx,
            &who,
            Method::DELETE,
            &format!("/i/{}/endorsements/{}", seg(&token), seg(&id)),
            Body::empty(),
            None,
        )
        .await?;
    after(
        &state,
        &ctx,
        &token,
        &who,
        reply,
        "so-done-endorsement-withdrawn",
        Draft::default(),
        &[],
    )
    .await
}

// ---- Shared career plans ---------------------------------------------------

/// The invited person's links between the portfolio and the plans the
/// citizen shares with the people they invite.
fn invited_nav(c: &mut Chrome, ctx: &Ctx, token: &str) {
    c.nav_item(
        &format!("/invited/{token}/portfolio"),
        "pl-invited-nav-portfolio",
        &ctx.path,
    );
    c.nav_item(
        &format!("/invited/{token}/plans"),
        "pl-invited-nav-plans",
        &ctx.path,
    );
}

#[derive(Deserialize)]
struct PlanList {
    items: Vec<plan_wire::Plan>,
}

/// What the comment forms of the plans page keep after an error.
#[derive(Default)]
struct PlanDraft {
    /// The plan the comment was about, and its text.
    plan: String,
    text: String,
}

#[derive(Template)]
#[template(path = "invited/plans.html")]
struct PlansPage {
    c: Chrome,
    token: String,
    from: String,
    role: String,
    plans: Vec<plan_wire::Plan>,
    /// The citizen's own page shows sources and actions; this one does not.
    own: bool,
    d: PlanDraft,
    errors: Errors,
}

impl PlansPage {
    /// A heading's level (each plan is an `h2`, its sections `h3`).
    fn h(&self, n: u8) -> u8 {
        n + 1
    }

    fn day(&self, ymd: &str) -> String {
        plan_wire::day(&self.c, ymd)
    }

    fn comment_error(&self, plan: &str) -> Option<&str> {
        if self.d.plan == plan {
            self.errors.get(&format!("comment-{plan}"))
        } else {
            None
        }
    }

    fn comment_text(&self, plan: &str) -> &str {
        if self.d.plan == plan {
            &self.d.text
        } else {
            ""
        }
    }
}

/// Who invites and with which role (the portfolio's answer), with the
/// plans they share.
async fn plans_view(
    state: &PortalState,
    ctx: &Ctx,
    token: &str,
    who: &As,
    d: PlanDraft,
    errors: Errors,
) -> Result<Result<PlansPage, Response>, PageError> {
    let plans_path = format!("/i/{}/plans?lang={}", seg(token), ctx.lang.code());
    let portfolio_path = format!("/i/{}/portfolio", seg(token));
    let (portfolio, plans) = tokio::join!(
        state.get(ctx, who, &portfolio_path),
        state.get(ctx, who, &plans_path),
    );
    let (portfolio, plans) = (portfolio?, plans?);
    if !portfolio.ok() {
        return Ok(Err(ended(state, ctx, token, portfolio.problem().await)));
    }
    if !plans.ok() {
        return Ok(Err(ended(state, ctx, token, plans.problem().await)));
    }
    let p: Portfolio = portfolio.json().await?;
    let list: PlanList = plans.json().await?;
    let mut c = chrome(state, ctx, "pl-invited-title").for_page(&format!("/invited/{token}/plans"));
    invited_nav(&mut c, ctx, token);
    Ok(Ok(PlansPage {
        c,
        token: token.to_owned(),
        from: p.from,
        role: p.role,
        plans: list.items,
        own: false,
        d,
        errors,
    }))
}

/// The plans the citizen shares with the people they invite: the skills
/// needed and how each is held (the evidence level, not the documents
/// behind it), the coverage, the steps and the comments; a contributor
/// comments. The invited person (a session of this invitation; else the
/// welcome page).
async fn plans(
    State(state): State<PortalState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let who = match session_or_welcome(&ctx, &headers, &token) {
        Ok(who) => who,
        Err(response) => return Ok(*response),
    };
    match plans_view(
        &state,
        &ctx,
        &token,
        &who,
        PlanDraft::default(),
        Errors::default(),
    )
    .await?
    {
        Ok(page) => Ok(render(ctx.lang, &page)),
        Err(response) => Ok(response),
    }
}

/// A contributor's comment on a shared plan. The invited contributor
/// (CSRF-checked).
async fn plan_comment(
    State(state): State<PortalState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((token, id)): Path<(String, String)>,
    form: PostForm,
) -> Result<Response, PageError> {
    let who = match session_or_welcome(&ctx, &headers, &token) {
        Ok(who) => who,
        Err(response) => return Ok(*response),
    };
    let t = ctx.t();
    let d = PlanDraft {
        plan: id.clone(),
        // Browsers end a textarea's lines with CR LF; the API takes LF.
        text: form
            .get("comment")
            .unwrap_or_default()
            .replace("\r\n", "\n"),
    };
    let field = format!("comment-{id}");
    let mut errors = Errors::default();
    if d.text.is_empty() || d.text.chars().count() > 2000 {
        errors.add(&field, t.get("pl-field-comment"));
    } else {
        let reply = state
            .send_json(
                &ctx,
                &who,
                Method::POST,
                &format!("/i/{}/plans/{}/comments", seg(&token), seg(&id)),
                &json!({"body": d.text}),
            )
            .await?;
        if reply.ok() {
            return Ok(see_other(&format!(
                "/invited/{token}/plans?done=so-done-plan-commented#plan-{id}"
            )));
        }
        let problem = reply.problem().await;
        if matches!(problem.status, 401 | 403 | 404 | 410) {
            return Ok(ended(&state, &ctx, &token, problem));
        }
        errors = if problem.status == 409 {
            crate::problems::log(&problem);
            let mut e = Errors::default();
            e.add(&field, t.get("pl-too-many-comments"));
            e
        } else {
            Errors::from_problem_mapped(
                t,
                &problem,
                &[("body", field.as_str())],
                &["pl-field-", "field-"],
            )
        };
        // The form's own words for its field, whatever its plan.
        if errors.has(&field) && problem.field.as_deref() == Some("body") {
            errors = Errors::default();
            errors.add(&field, t.get("pl-field-comment"));
        }
    }
    match plans_view(&state, &ctx, &token, &who, d, errors).await? {
        Ok(page) => {
            let mut response = render(ctx.lang, &page);
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(response) => Ok(response),
    }
}

/// Career plans and skills as the API describes them (`/wallet/skills`,
/// `/wallet/plans`, `/i/{token}/plans`), with the words the pages show for
/// them: read by the invited person's plans page here and by the citizen's
/// pages (`crate::citizen::skills`, `crate::citizen::plans`).
pub mod plan_wire {
    use crate::{api::seg, page::Chrome};
    use serde::Deserialize;

    /// Evidence levels, strongest first.
    pub const EVIDENCE: [&str; 3] = ["certified", "endorsed", "declared"];

    /// Where a skill's evidence comes from.
    #[derive(Debug, Clone, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Source {
        /// `credential`, `entry` or `declared`.
        pub kind: String,
        pub id: String,
        #[serde(default)]
        pub title: String,
        #[serde(default)]
        pub evidence: String,
        #[serde(default)]
        pub endorsed_by: Vec<String>,
    }

    impl Source {
        /// Its page in the citizen's portfolio (a declared skill has none).
        pub fn href(&self) -> Option<String> {
            match self.kind.as_str() {
                "credential" => Some(format!("/me/credentials/{}", seg(&self.id))),
                "entry" => Some(format!("/me/entries/{}", seg(&self.id))),
                _ => None,
            }
        }

        /// Who endorsed it, for people.
        pub fn endorsers(&self) -> String {
            self.endorsed_by.join(", ")
        }
    }

    /// After a label in another language than the page's: which, in words
    /// ("en anglais"); empty otherwise.
    pub fn lang_note(c: &Chrome, fallback: bool, label_lang: Option<&str>) -> String {
        match label_lang.filter(|_| fallback) {
            Some(l) if c.tr.has(&format!("pl-in-lang-{l}")) => c.tk("pl-in-lang-", l, ""),
            Some(l) => c.ta("pl-in-lang-other", "lang", l.to_uppercase()),
            None => String::new(),
        }
    }

    /// The `lang` attribute of a label in another language (empty: the
    /// page's).
    pub fn lang_attr(fallback: bool, label_lang: Option<&str>) -> &str {
        match label_lang {
            Some(l)
                if fallback
                    && l.len() <= 8
                    && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') =>
            {
                l
            }
            _ => "",
        }
    }

    /// A framework code for people: `ROME M1805`, `RNCP35340` (not
    /// `RNCP RNCP35340`), `ESCO http://…`.
    pub fn code_words(framework: &str, code: &str) -> String {
        if code
            .to_ascii_uppercase()
            .starts_with(&framework.to_ascii_uppercase())
        {
            code.to_owned()
        } else {
            format!("{framework} {code}")
        }
    }

    /// A day written `YYYY-MM-DD`, for people ("3 mars 2026"); as written
    /// when it is not one.
    pub fn day(c: &Chrome, ymd: &str) -> String {
        match chrono::NaiveDate::parse_from_str(ymd, "%Y-%m-%d") {
            Ok(d) => c.date(&d.and_time(chrono::NaiveTime::MIN).and_utc()),
            Err(_) => ymd.to_owned(),
        }
    }

    /// A skill of the citizen (`/wallet/skills`).
    #[derive(Debug, Clone, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Skill {
        pub framework: String,
        pub code: String,
        #[serde(default)]
        pub label: String,
        #[serde(default)]
        pub label_lang: Option<String>,
        #[serde(default)]
        pub fallback: bool,
        pub evidence: String,
        #[serde(default)]
        pub sources: Vec<Source>,
    }

    impl Skill {
        pub fn code_words(&self) -> String {
            code_words(&self.framework, &self.code)
        }

        pub fn in_lang(&self, c: &Chrome) -> String {
            lang_note(c, self.fallback, self.label_lang.as_deref())
        }

        pub fn lang_attr(&self) -> &str {
            lang_attr(self.fallback, self.label_lang.as_deref())
        }
    }

    /// An occupation a plan aims at.
    #[derive(Debug, Clone, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Target {
        pub framework: String,
        pub code: String,
        #[serde(default)]
        pub label: String,
        #[serde(default)]
        pub label_lang: Option<String>,
        #[serde(default)]
        pub fallback: bool,
        #[serde(default)]
        pub has_relations: bool,
    }

    impl Target {
        pub fn code_words(&self) -> String {
            code_words(&self.framework, &self.code)
        }

        pub fn in_lang(&self, c: &Chrome) -> String {
            lang_note(c, self.fallback, self.label_lang.as_deref())
        }

        pub fn lang_attr(&self) -> &str {
            lang_attr(self.fallback, self.label_lang.as_deref())
        }

        /// The form's value naming it (`ROME M1805`).
        pub fn value(&self) -> String {
            format!("{} {}", self.framework, self.code)
        }
    }

    /// A skill a plan needs, and how the person holds it.
    #[derive(Debug, Clone, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Needed {
        pub framework: String,
        pub code: String,
        #[serde(default)]
        pub label: String,
        #[serde(default)]
        pub label_lang: Option<String>,
        #[serde(default)]
        pub fallback: bool,
        #[serde(default)]
        pub essential: bool,
        /// Target codes, or `listed` when the citizen listed it.
        #[serde(default)]
        pub needed_by: Vec<String>,
        /// `certified`, `endorsed`, `declared`; none: missing.
        #[serde(default)]
        pub held: Option<String>,
        #[serde(default)]
        pub sources: Vec<Source>,
        /// Trainings of the catalogue aligned to it.
        #[serde(default)]
        pub trainings: usize,
    }

    impl Needed {
        pub fn code_words(&self) -> String {
            code_words(&self.framework, &self.code)
        }

        pub fn in_lang(&self, c: &Chrome) -> String {
            lang_note(c, self.fallback, self.label_lang.as_deref())
        }

        pub fn lang_attr(&self) -> &str {
            lang_attr(self.fallback, self.label_lang.as_deref())
        }

        /// Its state: an evidence level, or `missing`.
        pub fn state(&self) -> &str {
            match self.held.as_deref() {
                Some(h) if EVIDENCE.contains(&h) => h,
                _ => "missing",
            }
        }

        /// The badge's class (a colour beside the words).
        pub fn badge(&self) -> &str {
            match self.state() {
                "missing" => "pending",
                s => s,
            }
        }

        pub fn listed(&self) -> bool {
            self.needed_by.iter().any(|b| b == "listed")
        }

        /// The form's value naming it (`ESCO http://…`).
        pub fn value(&self) -> String {
            format!("{} {}", self.framework, self.code)
        }
    }

    /// A plan's coverage of the skills it needs.
    #[derive(Debug, Clone, Default, Deserialize)]
    #[serde(default)]
    pub struct Coverage {
        pub percent: u32,
        pub held: usize,
        pub needed: usize,
        pub certified: usize,
        pub endorsed: usize,
        pub declared: usize,
        /// The rule, in the page's language.
        pub rule: String,
    }

    #[derive(Debug, Clone, Deserialize)]
    pub struct NeededRef {
        pub framework: String,
        pub code: String,
        #[serde(default)]
        pub label: String,
    }

    /// A training that closes part of the gap.
    #[derive(Debug, Clone, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Training {
        pub id: String,
        pub title: String,
        #[serde(default)]
        pub organisation: String,
        #[serde(default)]
        pub commune: Option<String>,
        #[serde(default)]
        pub department: Option<String>,
        #[serde(default)]
        pub distance: bool,
        #[serde(default)]
        pub starts_on: Option<String>,
        #[serde(default)]
        pub certification: Option<String>,
        #[serde(default)]
        pub cpf: bool,
        #[serde(default)]
        pub covers: Vec<NeededRef>,
        #[serde(default)]
        pub reasons: Vec<String>,
    }

    impl Training {
        /// Where it takes place: "Tours (37)", "à distance", both.
        pub fn place(&self, c: &Chrome) -> String {
            let town = match (&self.commune, &self.department) {
                (Some(t), Some(d)) => format!("{t} ({d})"),
                (Some(t), None) => t.clone(),
                (None, Some(d)) => c.ta("pl-training-department", "department", d.as_str()),
                (None, None) => String::new(),
            };
            match (town.is_empty(), self.distance) {
                (true, true) => c.t("pl-training-distance"),
                (false, true) => format!("{town} · {}", c.t("pl-training-distance")),
                (false, false) => town,
                (true, false) => c.t("pl-training-place-unknown"),
            }
        }

        pub fn starts(&self, c: &Chrome) -> String {
            match &self.starts_on {
                Some(d) => c.ta("pl-training-starts", "date", day(c, d)),
                None => c.t("pl-training-starts-any"),
            }
        }

        /// The missing skills it covers, for people.
        pub fn covers_words(&self) -> String {
            self.covers
                .iter()
                .map(|n| n.label.as_str())
                .collect::<Vec<_>>()
                .join(" · ")
        }

        pub fn reasons_words(&self, c: &Chrome) -> String {
            self.reasons
                .iter()
                .filter(|r| c.tr.has(&format!("pl-reason-{r}")))
                .map(|r| c.tk("pl-reason-", r, ""))
                .collect::<Vec<_>>()
                .join(" · ")
        }
    }

    /// A step of a plan.
    #[derive(Debug, Clone, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Step {
        pub id: String,
        /// `training`, `credential`, `experience` or `other`.
        pub kind: String,
        pub title: String,
        #[serde(default)]
        pub training_id: Option<String>,
        #[serde(default)]
        pub framework: Option<String>,
        #[serde(default)]
        pub code: Option<String>,
        #[serde(default)]
        pub due_on: Option<String>,
        /// `todo`, `doing` or `done`.
        pub status: String,
    }

    impl Step {
        /// The badge's class (a colour beside the words).
        pub fn badge(&self) -> &str {
            match self.status.as_str() {
                "done" => "done",
                "doing" => "running",
                _ => "neutral",
            }
        }
    }

    /// A comment on a plan.
    #[derive(Debug, Clone, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Comment {
        pub id: String,
        pub author: String,
        /// Written by an invited person.
        #[serde(default)]
        pub invited: bool,
        pub body: String,
        pub created_at: chrono::DateTime<chrono::Utc>,
    }

    /// A career plan with its gap, as computed now.
    #[derive(Debug, Clone, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Plan {
        pub id: String,
        pub title: String,
        #[serde(default)]
        pub department: Option<String>,
        #[serde(default)]
        pub status: String,
        #[serde(default)]
        pub shared: bool,
        #[serde(default)]
        pub targets: Vec<Target>,
        /// Essential first, missing before held within each.
        #[serde(default)]
        pub needed: Vec<Needed>,
        #[serde(default)]
        pub needs_skills_listed: bool,
        #[serde(default)]
        pub coverage: Coverage,
        #[serde(default)]
        pub trainings: Vec<Training>,
        #[serde(default)]
        pub steps: Vec<Step>,
        #[serde(default)]
        pub comments: Vec<Comment>,
        pub updated_at: chrono::DateTime<chrono::Utc>,
    }

    impl Comment {
        /// Its paragraphs (blank lines apart).
        pub fn paragraphs(&self) -> Vec<String> {
            crate::citizen::paragraphs(&self.body)
        }
    }

    impl Plan {
        /// The skills needed, essential then optional (groups with none
        /// left out).
        pub fn groups(&self) -> Vec<(&'static str, Vec<&Needed>)> {
            let essential: Vec<&Needed> = self.needed.iter().filter(|n| n.essential).collect();
            let optional: Vec<&Needed> = self.needed.iter().filter(|n| !n.essential).collect();
            [("essential", essential), ("optional", optional)]
                .into_iter()
                .filter(|(_, items)| !items.is_empty())
                .collect()
        }

        /// Whether the frameworks loaded leave some target without the
        /// skills it needs.
        pub fn lacks_relations(&self) -> bool {
            self.needs_skills_listed || self.targets.iter().any(|t| !t.has_relations)
        }

        pub fn archived(&self) -> bool {
            self.status == "archived"
        }

        /// The targets' labels, for people.
        pub fn targets_words(&self) -> String {
            self.targets
                .iter()
                .map(|t| t.label.as_str())
                .collect::<Vec<_>>()
                .join(" · ")
        }

        pub fn steps_done(&self) -> usize {
            self.steps.iter().filter(|s| s.status == "done").count()
        }

        pub fn missing(&self) -> Vec<&Needed> {
            self.needed.iter().filter(|n| n.held.is_none()).collect()
        }

        /// The label of the skill a step closes.
        pub fn skill_label(&self, step: &Step) -> Option<String> {
            let (f, code) = (step.framework.as_deref()?, step.code.as_deref()?);
            Some(
                self.needed
                    .iter()
                    .find(|n| n.framework == f && n.code == code)
                    .map(|n| n.label.clone())
                    .unwrap_or_else(|| code_words(f, code)),
            )
        }

        /// Whether a training of the catalogue is a step already.
        pub fn has_training_step(&self, training: &str) -> bool {
            self.steps
                .iter()
                .any(|s| s.training_id.as_deref() == Some(training))
        }

        /// The coverage in words (message `key`): how many needed skills
        /// are held, and how.
        pub fn coverage_words(&self, c: &Chrome, key: &str) -> String {
            let k = &self.coverage;
            c.tr.with(
                key,
                &[
                    ("held", k.held.into()),
                    ("needed", k.needed.into()),
                    ("certified", k.certified.into()),
                    ("endorsed", k.endorsed.into()),
                    ("declared", k.declared.into()),
                ],
            )
        }

        pub fn percent_words(&self, c: &Chrome) -> String {
            c.ta(
                "pl-coverage-percent",
                "percent",
                i64::from(self.coverage.percent),
            )
        }
    }
}
