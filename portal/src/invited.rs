//! The invited person's pages: an invitation link (`/i/{token}`, opened in
//! a browser) leads to `/invited/{token}`: who invites, for what; the
//! invited address is confirmed with a mailed code (or by being logged in
//! with that address), which opens a session of this invitation kept in an
//! HttpOnly cookie scoped to the invitation's pages; then the portfolio as
//! the invitation allows: a reader reads, a contributor comments on entries
//! and suggests new ones, a certifier endorses entries (and withdraws
//! endorsements). Whoever holds the link sees the welcome page; the rest
//! needs the session. A revoked or expired invitation shows a "withdrawn"
//! page (410).
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
    Ok(Ok(PortfolioPage {
        c: chrome(state, ctx, "so-invited-portfolio-title"),
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
