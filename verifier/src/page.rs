//! The verification page for people, and QR codes of verification links.
//! Public: anyone may call these routes.
//!
//! * `GET /verify/{token}`: the page of a stored credential, opened from a
//!   short link or a QR code (needs the database: without one, a page
//!   says so and points to the paste form);
//! * `GET /verify`, `POST /verify`: paste a credential (JSON or a JWT) or
//!   send its file, and see the same page; works without JavaScript;
//! * `GET /verify/{token}/qr.svg`, `GET /verify/{token}/qr.png[?size=]`:
//!   the QR code of `{base}/verify/{token}`.
//!
//! Pages are in French or English (see [`crate::i18n::choose`]). A failed
//! verification is a result (200), not an error; errors (unknown link,
//! malformed input, too large) are pages for people too, in the visitor's
//! language, never JSON. The issuer is named from the trust registry only.

use crate::{
    engine::parse_date,
    i18n::{self, Lang, Tr},
    qr,
    report::{Check, CheckKind, CredentialReport, Outcome},
    VerifierState, VerifyOptions,
};
use askama::Template;
use atout_core::store::IssuedCredential;
use atout_web::{problem::ProblemBody, ApiError, Path, Query};
use axum::{
    extract::{FromRequest, Multipart, RawQuery, Request, State},
    http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Form,
};
use base64::Engine as _;
use serde::Deserialize;
use serde_json::Value;
use std::sync::LazyLock;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

pub mod share;

pub fn router() -> OpenApiRouter<VerifierState> {
    OpenApiRouter::new()
        .merge(share::router())
        .routes(routes!(scan_script))
        .routes(routes!(form_page, submit))
        .routes(routes!(token_page))
        .routes(routes!(qr_svg))
        .routes(routes!(qr_png))
}

/// The QR scanner of the verification form (progressive enhancement).
const SCAN_JS: &str = include_str!("../templates/scan.js");

/// The verification form's QR scanner: a script the pages load (their
/// CSP allows scripts from this site only, never inline). Public.
#[utoipa::path(
    get, path = "/assets/scan.js", tag = "verification",
    responses((status = 200, description = "The script", content_type = "text/javascript"))
)]
async fn scan_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        SCAN_JS,
    )
        .into_response()
}

/// The pages' style sheet, inlined (one request, works when saved, and the
/// verifier alone serves no other file): the one every page of Atout shares.
pub(crate) const CSS: &str = atout_web::assets::CSS;

/// The pages' Content-Security-Policy: nothing but the inline style sheet
/// (by hash), same-origin links and form posts.
static CSP: LazyLock<HeaderValue> = LazyLock::new(|| {
    let hash = ring::digest::digest(&ring::digest::SHA256, CSS.as_bytes());
    let hash = base64::engine::general_purpose::STANDARD.encode(hash.as_ref());
    HeaderValue::from_str(&format!(
        "default-src 'none'; style-src 'sha256-{hash}'; script-src 'self'; \
         form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ))
    .expect("a valid header value")
});

use atout_web::share::plausible_token;

// ----- language and page chrome ----------------------------------------

pub(crate) fn language(query: Option<&str>, headers: &HeaderMap) -> Lang {
    let asked = query.and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "lang")
            .map(|(_, v)| v.into_owned())
    });
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    i18n::choose(asked.as_deref(), accept)
}

/// What every page shares: language and its messages, the switch to the
/// other language (same path), the way home (`/verify`: a verifier running
/// alone has no portal).
pub(crate) struct Chrome {
    lang: &'static str,
    other_lang: &'static str,
    switch_href: String,
    home_href: String,
    css: &'static str,
    noindex: bool,
    tr: &'static Tr,
}

impl Chrome {
    /// `path` is one of ours (a fixed path or one with a checked token).
    pub(crate) fn new(lang: Lang, path: &str, noindex: bool) -> Self {
        Self {
            lang: lang.code(),
            other_lang: lang.other().code(),
            switch_href: format!("{path}?lang={}", lang.other().code()),
            home_href: format!("/verify?lang={}", lang.code()),
            css: CSS,
            noindex,
            tr: lang.tr(),
        }
    }

    /// A message of the page's language.
    pub(crate) fn t(&self, key: impl AsRef<str>) -> String {
        self.tr.get(key.as_ref())
    }
}

pub(crate) fn html(
    status: StatusCode,
    lang: Lang,
    noindex: bool,
    page: Result<String, askama::Error>,
) -> Response {
    let body = match page {
        Ok(body) => body,
        Err(e) => {
            return ApiError::internal(format!("verification page template: {e}")).into_response()
        }
    };
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CONTENT_SECURITY_POLICY, CSP.clone());
    headers.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.code()),
    );
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    if noindex {
        headers.insert(
            HeaderName::from_static("x-robots-tag"),
            HeaderValue::from_static("noindex, nofollow"),
        );
    }
    response
}

#[derive(Template)]
#[template(path = "verify_message.html")]
struct MessagePage {
    c: Chrome,
    /// Message keys.
    title: &'static str,
    text: &'static str,
}

/// The message keys of an error page: its title and its one paragraph.
pub(crate) type Message = (&'static str, &'static str);

pub(crate) const NOT_FOUND: Message = ("verify-not-found-title", "verify-not-found-text");
pub(crate) const NO_STORE: Message = ("verify-no-store-title", "verify-no-store-text");
pub(crate) const UNAVAILABLE: Message = ("verify-unavailable-title", "verify-unavailable-text");
pub(crate) const TOO_LARGE: Message = ("verify-too-large-title", "verify-too-large-text");

/// An error page for people: a title, one paragraph, the way to the form.
pub(crate) fn message(status: StatusCode, lang: Lang, path: &str, keys: Message) -> Response {
    let page = MessagePage {
        c: Chrome::new(lang, path, true),
        title: keys.0,
        text: keys.1,
    };
    html(status, lang, true, page.render())
}

// ----- the result page -------------------------------------------------

/// A date as shown, with its machine-readable form.
struct DateView {
    iso: String,
    text: String,
}

impl DateView {
    fn new(lang: Lang, raw: &str) -> Self {
        match parse_date(raw) {
            Some(at) => Self {
                iso: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                text: i18n::format_date(lang, at),
            },
            None => Self {
                iso: String::new(),
                text: raw.to_owned(),
            },
        }
    }

    fn with_time(lang: Lang, raw: &str) -> Self {
        match parse_date(raw) {
            Some(at) => Self {
                iso: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                text: i18n::format_date_time(lang, at),
            },
            None => Self::new(lang, raw),
        }
    }
}

struct CheckView {
    /// `ok`, `failed` or `could-not-check` (a CSS class).
    status: &'static str,
    icon: &'static str,
    word: String,
    name: String,
    sentence: String,
    /// The sentence is the engine's English reason (no translation).
    english_fallback: bool,
}

/// A reason given with the verdict.
struct Reason {
    text: String,
    /// The engine's English reason (no translation).
    english: bool,
}

pub(crate) struct LinkView {
    url: String,
    qr_svg: String,
    qr_png: String,
}

pub(crate) struct ResultView {
    /// Suffix of the sections' ids (several credentials on one page).
    pub(crate) anchor: String,
    /// `valid`, `warning`, `invalid` or `incomplete` (a CSS class).
    verdict: &'static str,
    verdict_icon: &'static str,
    verdict_icon_label: String,
    verdict_title: String,
    verdict_text: String,
    verdict_advice: Option<String>,
    /// On a page of several credentials: "Credential 2 – <verdict>".
    pub(crate) heading: String,
    verdict_reasons: Vec<Reason>,
    content_unverified: bool,
    /// From the trust registry only.
    issuer_name: Option<String>,
    issuer_did: String,
    accreditation: Option<String>,
    subject: Option<String>,
    achievement: Option<String>,
    valid_from: Option<DateView>,
    valid_until: Option<DateView>,
    format: String,
    checks: Vec<CheckView>,
    status_fetched_at: Option<DateView>,
    link: Option<LinkView>,
}

#[derive(Template)]
#[template(path = "verify_result.html")]
struct ResultPage {
    c: Chrome,
    v: ResultView,
}

/// What the page says at the top.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Every check passed and the issuer is accredited.
    Valid,
    /// Authentic and current, but the issuer is not (or no longer) an
    /// accredited issuer of the registry.
    Unrecognised,
    /// A check failed.
    Invalid,
    /// No check failed, but one could not be made.
    Incomplete,
}

/// Whether a check's outcome decides between valid, invalid and
/// incomplete (issuer trust has a verdict of its own).
fn decides(c: &Check) -> bool {
    c.check != CheckKind::IssuerTrust
        && !(matches!(c.check, CheckKind::Schema | CheckKind::RelatedResource)
            && c.status == Outcome::CouldNotCheck)
}

/// The sentence for a check, and whether it is the engine's English reason
/// (no translation for its code).
fn sentence(lang: Lang, c: &Check) -> (String, bool) {
    match i18n::check_sentence(lang, c.check, c.code) {
        Some(s) => (s, false),
        None => (c.reason.clone(), lang != Lang::En),
    }
}

/// The verdict of a report. A schema that could not be fetched is a note
/// in the list, not a reason to doubt the credential (the VC-API treats it
/// the same way).
pub fn verdict(report: &CredentialReport) -> Verdict {
    let deciding: Vec<_> = report.results.iter().filter(|c| decides(c)).collect();
    if deciding.iter().any(|c| c.status == Outcome::Failed) {
        return Verdict::Invalid;
    }
    let trust = report
        .results
        .iter()
        .find(|c| c.check == CheckKind::IssuerTrust)
        .map(|c| c.status);
    if deciding.iter().any(|c| c.status == Outcome::CouldNotCheck)
        || trust == Some(Outcome::CouldNotCheck)
    {
        return Verdict::Incomplete;
    }
    match trust {
        Some(Outcome::Ok) => Verdict::Valid,
        _ => Verdict::Unrecognised,
    }
}

pub(crate) fn result_view(
    lang: Lang,
    report: &CredentialReport,
    link: Option<LinkView>,
) -> ResultView {
    let tr = lang.tr();
    let verdict = verdict(report);
    let (verdict_class, icon, key) = match verdict {
        Verdict::Valid => ("valid", "✓", "valid"),
        Verdict::Unrecognised => ("warning", "!", "unrecognised"),
        Verdict::Invalid => ("invalid", "✗", "invalid"),
        Verdict::Incomplete => ("incomplete", "?", "incomplete"),
    };
    let title = tr.get(&format!("verify-verdict-{key}"));
    let text = tr.get(&format!("verify-verdict-{key}-text"));
    let icon_label = tr.get(&format!("verify-icon-{verdict_class}"));
    let advice =
        (verdict == Verdict::Incomplete).then(|| tr.get("verify-verdict-incomplete-advice"));
    let proof_ok = report
        .results
        .iter()
        .filter(|c| matches!(c.check, CheckKind::Proof | CheckKind::IssuerKey))
        .all(|c| c.status == Outcome::Ok);
    let checks = report
        .results
        .iter()
        .map(|c| {
            // An issuer the registry does not accredit is a warning beside
            // the other checks, never a failure: the credential may be
            // authentic (the verdict says so), only its issuer is not
            // vouched for.
            let warning = c.check == CheckKind::IssuerTrust && c.status == Outcome::Failed;
            let (status, icon) = match c.status {
                _ if warning => ("warning", "!"),
                Outcome::Ok => ("ok", "✓"),
                Outcome::Failed => ("failed", "✗"),
                Outcome::CouldNotCheck => ("could-not-check", "?"),
            };
            let (sentence, english_fallback) = sentence(lang, c);
            CheckView {
                status,
                icon,
                word: if warning {
                    tr.get("verify-outcome-warning")
                } else {
                    i18n::outcome_word(lang, c.status)
                },
                name: i18n::check_name(lang, c.check),
                sentence,
                english_fallback,
            }
        })
        .collect();
    // Why, in the verdict itself: the checks that failed, or that could
    // not be made.
    let reasons = report
        .results
        .iter()
        .filter(|c| match verdict {
            Verdict::Invalid => decides(c) && c.status == Outcome::Failed,
            Verdict::Incomplete => {
                (decides(c) || c.check == CheckKind::IssuerTrust)
                    && c.status == Outcome::CouldNotCheck
            }
            Verdict::Valid | Verdict::Unrecognised => false,
        })
        .map(|c| {
            let (text, english) = sentence(lang, c);
            Reason { text, english }
        })
        .collect();
    let summary = &report.credential;
    ResultView {
        anchor: String::new(),
        verdict: verdict_class,
        verdict_icon: icon,
        verdict_icon_label: icon_label,
        verdict_title: title,
        verdict_text: text,
        verdict_advice: advice,
        heading: String::new(),
        verdict_reasons: reasons,
        content_unverified: !proof_ok,
        issuer_name: report
            .issuer
            .name
            .as_ref()
            .map(|n| lang.pick([n.fr.as_str(), n.en.as_str()]).to_owned()),
        issuer_did: report.issuer.id.clone(),
        accreditation: report
            .issuer
            .name
            .as_ref()
            .and(report.issuer.accreditation.clone()),
        subject: summary.subject_name.clone(),
        achievement: summary.achievement.clone(),
        valid_from: summary
            .valid_from
            .as_deref()
            .map(|d| DateView::new(lang, d)),
        valid_until: summary
            .valid_until
            .as_deref()
            .map(|d| DateView::new(lang, d)),
        format: i18n::format_name(lang, &report.format),
        checks,
        status_fetched_at: report
            .status_fetched_at
            .as_deref()
            .map(|d| DateView::with_time(lang, d)),
        link,
    }
}

fn result_page(
    lang: Lang,
    path: &str,
    report: &CredentialReport,
    link: Option<LinkView>,
) -> Response {
    let page = ResultPage {
        c: Chrome::new(lang, path, true),
        v: result_view(lang, report, link),
    };
    html(StatusCode::OK, lang, true, page.render())
}

// ----- GET /verify/{token} ---------------------------------------------

/// The stored credential a token names.
enum Lookup {
    Found(Box<IssuedCredential>),
    Unknown,
    /// A stateless verifier: no database, no links.
    NoStore,
    Failed,
}

/// Adds `Retry-After` (at least a second) to a refusal page.
pub(crate) fn retry_after(mut response: Response, secs: i64) -> Response {
    response.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        axum::http::HeaderValue::from(secs.max(1)),
    );
    response
}

async fn lookup(state: &VerifierState, token: &str) -> Lookup {
    let Some(store) = &state.store else {
        return Lookup::NoStore;
    };
    if !plausible_token(token) {
        return Lookup::Unknown;
    }
    match store.credential_by_verification_token(token).await {
        Ok(Some(c)) => Lookup::Found(Box::new(c)),
        Ok(None) => Lookup::Unknown,
        Err(e) => {
            tracing::error!(error = %e, "reading a verification link");
            Lookup::Failed
        }
    }
}

/// The credential as the engine takes it: a compact JWT as a string, a
/// Data Integrity credential as JSON.
fn stored_input(c: &IssuedCredential) -> Option<Value> {
    if c.format == "vc+jwt" || c.format == "dc+sd-jwt" {
        Some(Value::String(c.body.clone()))
    } else {
        serde_json::from_str(&c.body).ok()
    }
}

/// The verification page of a stored credential (from a short link or a
/// QR code), in French or English (`?lang=`, else `Accept-Language`).
/// Public.
#[utoipa::path(
    get, path = "/verify/{token}", tag = "verification",
    params(
        ("token" = String, Path, description = "Verification link token (22 characters, base64url)"),
        ("lang" = Option<String>, Query, description = "`fr` or `en`; default: from `Accept-Language`, else French"),
    ),
    responses(
        (status = 200, description = "The verification page (also when the credential is not valid)", body = String, content_type = "text/html"),
        (status = 404, description = "Unknown link (a page)", body = String, content_type = "text/html"),
        (status = 429, description = "Too many links opened from this address (a page, with `Retry-After`)", body = String, content_type = "text/html"),
        (status = 503, description = "A verifier without database has no links (a page)", body = String, content_type = "text/html"),
    )
)]
async fn token_page(
    State(state): State<VerifierState>,
    atout_web::extract::ClientIp(client): atout_web::extract::ClientIp,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let lang = language(query.as_deref(), &headers);
    // Every opening counts against the address: guessing links is slowed
    // to the quota.
    if let Err(secs) = state.limits.check(atout_web::limits::Action::Link, client) {
        return retry_after(
            message(
                StatusCode::TOO_MANY_REQUESTS,
                lang,
                "/verify",
                ("verify-share-guesses-title", "verify-share-guesses-text"),
            ),
            secs as i64,
        );
    }
    // The path is echoed only once the token is known to be plain base64url.
    let path = if plausible_token(&token) {
        format!("/verify/{token}")
    } else {
        "/verify".to_owned()
    };
    let stored = match lookup(&state, &token).await {
        Lookup::Found(c) => c,
        Lookup::Unknown => return message(StatusCode::NOT_FOUND, lang, &path, NOT_FOUND),
        Lookup::NoStore => {
            return message(StatusCode::SERVICE_UNAVAILABLE, lang, "/verify", NO_STORE)
        }
        Lookup::Failed => {
            return message(StatusCode::SERVICE_UNAVAILABLE, lang, &path, UNAVAILABLE)
        }
    };
    let Some(input) = stored_input(&stored) else {
        tracing::error!(credential = %stored.id, "a stored credential is not JSON");
        return message(StatusCode::INTERNAL_SERVER_ERROR, lang, &path, UNAVAILABLE);
    };
    let report = match state
        .verifier
        .verify_credential(&input, &VerifyOptions::default())
        .await
    {
        Ok(report) => report,
        Err(e) => {
            tracing::error!(credential = %stored.id, error = %e, "a stored credential is malformed");
            return message(StatusCode::INTERNAL_SERVER_ERROR, lang, &path, UNAVAILABLE);
        }
    };
    let url = format!("{}/verify/{token}", state.base);
    let link = LinkView {
        qr_svg: format!("{url}/qr.svg"),
        qr_png: format!("{url}/qr.png"),
        url,
    };
    result_page(lang, &path, &report, Some(link))
}

// ----- GET and POST /verify --------------------------------------------

struct FormError {
    /// A message key.
    message: &'static str,
    /// Technical detail, in English.
    detail: Option<String>,
}

#[derive(Template)]
#[template(path = "verify_form.html")]
struct FormPage {
    c: Chrome,
    action: String,
    error: Option<FormError>,
    /// What was pasted, shown again after an error.
    pasted: String,
}

fn form(status: StatusCode, lang: Lang, error: Option<FormError>, pasted: String) -> Response {
    let page = FormPage {
        c: Chrome::new(lang, "/verify", false),
        action: format!("/verify?lang={}", lang.code()),
        error,
        pasted,
    };
    html(status, lang, false, page.render())
}

/// The form to paste a credential or send its file. Public.
#[utoipa::path(
    get, path = "/verify", tag = "verification",
    params(("lang" = Option<String>, Query, description = "`fr` or `en`")),
    responses((status = 200, description = "The form (a page)", body = String, content_type = "text/html"))
)]
async fn form_page(RawQuery(query): RawQuery, headers: HeaderMap) -> Response {
    form(
        StatusCode::OK,
        language(query.as_deref(), &headers),
        None,
        String::new(),
    )
}

/// What the form sent.
#[derive(Default)]
struct Submission {
    text: Option<String>,
    file: Option<Vec<u8>>,
}

enum Unreadable {
    TooLarge,
    Form,
    ContentType,
}

async fn read_submission(
    state: &VerifierState,
    request: Request,
) -> Result<Submission, Unreadable> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mut submission = Submission::default();
    if content_type.starts_with("multipart/form-data") {
        let too_large = |status: StatusCode| {
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                Unreadable::TooLarge
            } else {
                Unreadable::Form
            }
        };
        let mut multipart = Multipart::from_request(request, state)
            .await
            .map_err(|e| too_large(e.status()))?;
        while let Some(field) = multipart
            .next_field()
            .await
            .map_err(|e| too_large(e.status()))?
        {
            let name = field.name().map(str::to_owned);
            match name.as_deref() {
                Some("credential") if submission.text.is_none() => {
                    submission.text = Some(field.text().await.map_err(|e| too_large(e.status()))?);
                }
                Some("file") if submission.file.is_none() => {
                    submission.file = Some(
                        field
                            .bytes()
                            .await
                            .map_err(|e| too_large(e.status()))?
                            .to_vec(),
                    );
                }
                _ => {
                    // Read and drop anything else, within the body limit.
                    field.bytes().await.map_err(|e| too_large(e.status()))?;
                }
            }
        }
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        let Form(pairs) = Form::<Vec<(String, String)>>::from_request(request, state)
            .await
            .map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    Unreadable::TooLarge
                } else {
                    Unreadable::Form
                }
            })?;
        submission.text = pairs
            .into_iter()
            .find(|(k, _)| k == "credential")
            .map(|(_, v)| v);
    } else {
        return Err(Unreadable::ContentType);
    }
    Ok(submission)
}

/// The credential in a submission, as the engine takes it.
fn parse_submission(submission: Submission) -> Result<Value, FormError> {
    let error = |message| FormError {
        message,
        detail: None,
    };
    let text = submission.text.filter(|s| !s.trim().is_empty());
    let file = submission
        .file
        .filter(|f| !f.iter().all(u8::is_ascii_whitespace));
    let text = match (text, file) {
        (Some(_), Some(_)) => return Err(error("verify-err-both")),
        (None, None) => return Err(error("verify-err-empty")),
        (Some(text), None) => text,
        (None, Some(file)) => String::from_utf8(file).map_err(|_| error("verify-err-not-text"))?,
    };
    let text = text.trim_start_matches('\u{feff}').trim();
    if text.starts_with("eyJ") {
        return Ok(Value::String(text.to_owned()));
    }
    if !text.starts_with(['{', '[', '"']) {
        return Err(error("verify-err-not-recognised"));
    }
    let value: Value = serde_json::from_str(text).map_err(|e| FormError {
        message: "verify-err-not-json",
        detail: Some(e.to_string()),
    })?;
    // A VC-API request body: the credential inside.
    match value {
        Value::Object(mut o)
            if !o.contains_key("@context") && o.contains_key("verifiableCredential") =>
        {
            Ok(o.remove("verifiableCredential").unwrap_or(Value::Null))
        }
        other => Ok(other),
    }
}

/// Verifies a pasted credential (field `credential`) or a sent file
/// (field `file`): `multipart/form-data` or
/// `application/x-www-form-urlencoded`. Public.
#[utoipa::path(
    post, path = "/verify", tag = "verification",
    params(("lang" = Option<String>, Query, description = "`fr` or `en`")),
    request_body(
        content = String, content_type = "multipart/form-data",
        description = "Fields `credential` (the text: JSON or a JWT) or `file` (.json, .jwt, .txt); `application/x-www-form-urlencoded` with `credential` also works"
    ),
    responses(
        (status = 200, description = "The verification page (also when the credential is not valid)", body = String, content_type = "text/html"),
        (status = 400, description = "Not a credential: the form again, with the reason", body = String, content_type = "text/html"),
        (status = 413, description = "Too large (a page)", body = String, content_type = "text/html"),
        (status = 415, description = "Not a form: the form again, with the reason", body = String, content_type = "text/html"),
    )
)]
async fn submit(
    State(state): State<VerifierState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    request: Request,
) -> Response {
    let lang = language(query.as_deref(), &headers);
    let bad = |status, message, pasted| {
        form(
            status,
            lang,
            Some(FormError {
                message,
                detail: None,
            }),
            pasted,
        )
    };
    let submission = match read_submission(&state, request).await {
        Ok(s) => s,
        Err(Unreadable::TooLarge) => {
            return message(StatusCode::PAYLOAD_TOO_LARGE, lang, "/verify", TOO_LARGE)
        }
        Err(Unreadable::Form) => {
            return bad(
                StatusCode::BAD_REQUEST,
                "verify-err-form-unreadable",
                String::new(),
            )
        }
        Err(Unreadable::ContentType) => {
            return bad(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "verify-err-content-type",
                String::new(),
            )
        }
    };
    let pasted = submission.text.clone().unwrap_or_default();
    let input = match parse_submission(submission) {
        Ok(input) => input,
        Err(e) => return form(StatusCode::BAD_REQUEST, lang, Some(e), pasted),
    };
    // A presentation: the holder's proof and each credential inside.
    let presentation = input["type"] == "VerifiablePresentation"
        || input["type"]
            .as_array()
            .is_some_and(|t| t.iter().any(|x| x == "VerifiablePresentation"));
    if presentation {
        return match state
            .verifier
            .verify_presentation(&input, &VerifyOptions::default())
            .await
        {
            Ok(report) => share::presentation_page(lang, &report),
            Err(e) => form(
                StatusCode::BAD_REQUEST,
                lang,
                Some(FormError {
                    message: "verify-err-not-credential",
                    detail: Some(e.0),
                }),
                pasted,
            ),
        };
    }
    match state
        .verifier
        .verify_credential(&input, &VerifyOptions::default())
        .await
    {
        Ok(report) => result_page(lang, "/verify", &report, None),
        Err(e) => form(
            StatusCode::BAD_REQUEST,
            lang,
            Some(FormError {
                message: "verify-err-not-credential",
                detail: Some(e.0),
            }),
            pasted,
        ),
    }
}

// ----- QR codes --------------------------------------------------------

/// The link a QR code carries, once the token is known.
async fn qr_link(state: &VerifierState, token: &str) -> Result<String, ApiError> {
    match lookup(state, token).await {
        Lookup::Found(_) => Ok(format!("{}/verify/{token}", state.base)),
        Lookup::Unknown => Err(ApiError::not_found("No verification link has this token.")),
        Lookup::NoStore => Err(ApiError::unavailable(
            "This verifier runs without a database: it has no verification links.",
        )),
        Lookup::Failed => Err(ApiError::unavailable(
            "Verification links cannot be read for now.",
        )),
    }
}

fn image(content_type: &'static str, filename: &'static str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            // A token always names the same link.
            (header::CACHE_CONTROL, "public, max-age=86400"),
            (header::CONTENT_DISPOSITION, filename),
        ],
        body,
    )
        .into_response()
}

/// The QR code of a verification link, as SVG (vector, for print). Public.
#[utoipa::path(
    get, path = "/verify/{token}/qr.svg", tag = "verification",
    params(("token" = String, Path, description = "Verification link token")),
    responses(
        (status = 200, description = "QR code of `{base}/verify/{token}`", body = String, content_type = "image/svg+xml"),
        (status = 404, description = "Unknown token", body = ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "No database: no links", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn qr_svg(
    State(state): State<VerifierState>,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let link = qr_link(&state, &token).await?;
    let matrix = qr::Matrix::new(&link).map_err(ApiError::internal)?;
    let svg = matrix.svg(&format!("QR code: {link}"));
    Ok(image(
        "image/svg+xml",
        "inline; filename=\"verification-qr.svg\"",
        svg.into_bytes(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
struct QrQuery {
    /// Width and height in pixels, 128 to 2048 (default: 8 pixels per
    /// module). Modules stay whole pixels; the rest is margin.
    size: Option<u32>,
}

/// The QR code of a verification link, as PNG (black and white, whole
/// pixels per module). Public.
#[utoipa::path(
    get, path = "/verify/{token}/qr.png", tag = "verification",
    params(("token" = String, Path, description = "Verification link token"), QrQuery),
    responses(
        (status = 200, description = "QR code of `{base}/verify/{token}`", body = Vec<u8>, content_type = "image/png"),
        (status = 400, description = "size out of bounds", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "Unknown token", body = ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "No database: no links", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn qr_png(
    State(state): State<VerifierState>,
    Path(token): Path<String>,
    Query(query): Query<QrQuery>,
) -> Result<Response, ApiError> {
    if let Some(size) = query.size {
        if !(qr::MIN_SIZE..=qr::MAX_SIZE).contains(&size) {
            return Err(ApiError::bad_request(format!(
                "size must be between {} and {} pixels",
                qr::MIN_SIZE,
                qr::MAX_SIZE
            )));
        }
    }
    let link = qr_link(&state, &token).await?;
    let matrix = qr::Matrix::new(&link).map_err(ApiError::internal)?;
    let png = matrix.png(query.size).map_err(ApiError::internal)?;
    Ok(image(
        "image/png",
        "inline; filename=\"verification-qr.png\"",
        png,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{IssuerView, LocalizedName, Summary};

    fn report(results: Vec<Check>, name: Option<LocalizedName>) -> CredentialReport {
        CredentialReport {
            verified: true,
            format: "data-integrity/eddsa-rdfc-2022".into(),
            checks: results.iter().map(|c| c.check.as_str()).collect(),
            results,
            errors: vec![],
            warnings: vec![],
            issuer: IssuerView {
                id: "did:web:example.org".into(),
                trusted: name.is_some(),
                name,
                accreditation: None,
            },
            credential: Summary {
                subject_name: Some("<script>alert(1)</script>".into()),
                valid_from: Some("2026-07-03T00:00:00Z".into()),
                ..Summary::default()
            },
            status_fetched_at: None,
            disclosed: None,
        }
    }

    fn ok(kind: CheckKind) -> Check {
        Check::ok(kind, "fine", "Fine.")
    }

    #[test]
    fn the_verdict_weighs_failures_then_doubts_then_trust() {
        let base = || {
            vec![
                ok(CheckKind::IssuerKey),
                ok(CheckKind::Proof),
                ok(CheckKind::ValidityPeriod),
                ok(CheckKind::Revocation),
                ok(CheckKind::Suspension),
            ]
        };
        let with = |extra: Vec<Check>| {
            let mut r = base();
            r.extend(extra);
            report(r, None)
        };
        let trusted = Check::ok(CheckKind::IssuerTrust, "accredited", "");
        let unknown = Check::failed(CheckKind::IssuerTrust, "unknown-issuer", "");
        assert_eq!(verdict(&with(vec![trusted.clone()])), Verdict::Valid);
        assert_eq!(verdict(&with(vec![unknown.clone()])), Verdict::Unrecognised);
        // A schema that was not fetched casts no doubt; a failed one does.
        let not_fetched = Check::could_not(CheckKind::Schema, "schema-not-fetched", "");
        assert_eq!(
            verdict(&with(vec![trusted.clone(), not_fetched])),
            Verdict::Valid
        );
        let bad_schema = Check::failed(CheckKind::Schema, "x", "");
        assert_eq!(
            verdict(&with(vec![trusted.clone(), bad_schema])),
            Verdict::Invalid
        );
        let unreachable = Check::could_not(CheckKind::Revocation, "status-unavailable", "");
        assert_eq!(
            verdict(&with(vec![trusted.clone(), unreachable.clone()])),
            Verdict::Incomplete
        );
        let revoked = Check::failed(CheckKind::Revocation, "revoked", "");
        assert_eq!(
            verdict(&with(vec![trusted.clone(), unreachable, revoked])),
            Verdict::Invalid
        );
        let registry_down = Check::could_not(CheckKind::IssuerTrust, "registry-unavailable", "");
        assert_eq!(verdict(&with(vec![registry_down])), Verdict::Incomplete);
    }

    /// A verifier without database (and without any source).
    fn stateless() -> axum::Router {
        use crate::{snapshot::SnapshotResolver, sources::SnapshotLists, Verifier, VerifierParts};
        use atout_core::{clock::FixedClock, registry::RegistrySnapshot};
        use std::sync::Arc;
        let now = chrono::DateTime::parse_from_rfc3339("2026-01-15T10:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let verifier = Verifier::new(VerifierParts {
            vc: Arc::new(atout_vc::Vc::new("http://127.0.0.1:9").unwrap()),
            canon: None,
            resolver: Arc::new(SnapshotResolver {
                documents: Default::default(),
            }),
            lists: Arc::new(SnapshotLists::default()),
            local_lists: None,
            registry: Arc::new(RegistrySnapshot {
                entries: Default::default(),
                issued_at: now,
                authority: "did:web:127.0.0.1%3A9".into(),
            }),
            clock: Arc::new(FixedClock::new(now)),
            list_ttl: std::time::Duration::from_secs(300),
            snapshot_taken_at: None,
        });
        let state = VerifierState {
            verifier: Arc::new(verifier),
            base: "http://127.0.0.1:9".into(),
            store: None,
            shares: None,
            limits: Arc::new(atout_web::limits::AddressLimits::new()),
        };
        let (router, _) = router().with_state(state).split_for_parts();
        router
    }

    async fn call(
        request: axum::http::Request<axum::body::Body>,
    ) -> (StatusCode, HeaderMap, String) {
        use tower::ServiceExt;
        let response = stateless().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, headers, String::from_utf8(body.to_vec()).unwrap())
    }

    fn get(uri: &str, accept_language: &str) -> axum::http::Request<axum::body::Body> {
        axum::http::Request::get(uri)
            .header("accept-language", accept_language)
            .body(axum::body::Body::empty())
            .unwrap()
    }

    #[tokio::test]
    async fn without_a_database_links_explain_themselves_and_pasting_still_works() {
        let token = "AAAAAAAAAAAAAAAAAAAAAA";
        let (status, headers, body) =
            call(get(&format!("/verify/{token}"), "en-GB,en;q=0.9")).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
        assert!(body.contains("<html lang=\"en\">"));
        assert!(body.contains("Verification links are not available here"));
        assert!(body.contains("href=\"/verify?lang=en\""));
        let (status, _, body) = call(get(&format!("/verify/{token}?lang=fr"), "en")).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(body.contains("Liens de vérification indisponibles ici"));
        // QR codes are problems (503) too.
        let (status, headers, _) = call(get(&format!("/verify/{token}/qr.svg"), "fr")).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
        // The form works, and garbage is refused on the form itself.
        let (status, headers, body) = call(get("/verify", "fr")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("form-action 'self'"));
        assert!(body.contains("<label for=\"credential\">"));
        let request = axum::http::Request::post("/verify?lang=en")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from("credential=hello"))
            .unwrap();
        let (status, _, body) = call(request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body.contains("neither JSON nor a JWT"), "{body}");
        assert!(body.contains(">hello</textarea>"));
    }

    #[test]
    fn the_page_escapes_what_the_credential_says_and_translates_what_it_can() {
        let mut results = vec![Check::could_not(
            CheckKind::Proof,
            "brand-new-code",
            "An <b>English</b> reason.",
        )];
        results.push(Check::failed(
            CheckKind::Revocation,
            "revoked",
            "The issuer has revoked this credential.",
        ));
        let r = report(results, None);
        let page = ResultPage {
            c: Chrome::new(Lang::Fr, "/verify", true),
            v: result_view(Lang::Fr, &r, None),
        }
        .render()
        .unwrap();
        assert!(
            page.contains("&#60;script&#62;") || page.contains("&lt;script&gt;"),
            "{page}"
        );
        assert!(!page.contains("<script>"));
        assert!(page.contains("<html lang=\"fr\">"));
        assert!(page.contains("Ce justificatif n’est pas valide"));
        assert!(page.contains("L’émetteur a révoqué ce justificatif."));
        assert!(page.contains("Émetteur inconnu"));
        assert!(page.contains("3 juillet 2026"));
        // An unknown code: the English reason, marked as English.
        assert!(
            page.contains("lang=\"en\">An &#60;b&#62;English")
                || page.contains("lang=\"en\">An &lt;b&gt;English")
        );
        // The inline style sheet is the one the CSP allows.
        assert!(page.contains(&format!("<style>{CSS}</style>")));
    }

    #[test]
    fn could_not_check_is_honest_about_what_it_means() {
        let results = vec![
            Check::ok(CheckKind::IssuerKey, "key-resolved", ""),
            Check::ok(CheckKind::Proof, "signature-valid", ""),
            Check::could_not(CheckKind::Revocation, "status-unavailable", ""),
            Check::ok(CheckKind::IssuerTrust, "accredited", ""),
        ];
        let name = LocalizedName {
            fr: "Université d’Orléans".into(),
            en: "University of Orléans".into(),
        };
        let r = report(results, Some(name));
        let expected_pairs: [(Lang, [&str; 6]); 2] = [
            (
                Lang::En,
                [
                    "Could not be fully checked",
                    "This does not mean the credential is false",
                    "Try again later, or ask the holder",
                    "aria-label=\"Could not check\">?",
                    "University of Orléans",
                    "<li>The issuer’s status list could not be obtained for now.</li>",
                ],
            ),
            (
                Lang::Fr,
                [
                    "Vérification impossible pour l’instant",
                    "Cela ne signifie pas que le justificatif est faux",
                    "Réessayez plus tard, ou demandez au titulaire",
                    "aria-label=\"Non vérifiable\">?",
                    "Université d’Orléans",
                    "<li>La liste de statut de l’émetteur n’a pas pu être obtenue pour l’instant.</li>",
                ],
            ),
        ];
        for (lang, expected) in expected_pairs {
            let page = ResultPage {
                c: Chrome::new(lang, "/verify", true),
                v: result_view(lang, &r, None),
            }
            .render()
            .unwrap();
            for text in expected {
                assert!(page.contains(text), "{text:?} missing from {page}");
            }
        }
    }
}
