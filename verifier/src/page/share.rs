//! The page of a share link, `GET /s/{token}` (and `POST` with a PIN):
//! what a citizen chose to show, every credential checked by this
//! verifier, the entries grouped by trust level (certified apart from
//! endorsed and declared), and the documents. Public: whoever holds the
//! link. Never indexed (`X-Robots-Tag` and `<meta name="robots">`).
//!
//! Each opening asks the wallet (through
//! [`atout_web::share::SharedPortfolios`]) for a presentation signed by the
//! holder for a fresh challenge and this site's domain, and verifies it
//! here like any presentation: the holder's proof, then each credential.

use super::{
    html, language, message, result_view, retry_after, Chrome, DateView, Message, NO_STORE,
};
use crate::{
    i18n::Lang,
    report::{CheckKind, Outcome},
    VerifierState, VerifyOptions,
};
use askama::Template;
use atout_web::{
    extract::ClientIp,
    share::{pass_cookie, plausible_token, ShareRefusal, ShareRequest, SharedView, PASS_COOKIE},
    Path,
};
use axum::{
    extract::{RawQuery, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Form,
};
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

mod facts;

pub fn router() -> OpenApiRouter<VerifierState> {
    OpenApiRouter::new()
        .routes(routes!(share_page, share_pin))
        .routes(routes!(share_line))
}

struct EntryView {
    kind: String,
    title: String,
    organisation: Option<String>,
    place: Option<String>,
    dates: Option<String>,
    description: Option<String>,
    /// 1-based, as numbered on the page, and the link's text.
    credential: Option<(usize, String)>,
    /// What the certifying credential says (its issuer, grade, award
    /// date...), when it is shown on this page.
    certified: Option<facts::Certified>,
    /// Framework codes of the entry and of its credential.
    codes: Vec<facts::Code>,
    /// A language: the CEFR grid (or "mother tongue").
    language: Option<facts::Language>,
    keywords: Vec<String>,
    link: Option<String>,
    endorsements: Vec<facts::Endorsement>,
}

struct Group {
    /// `certified`, `endorsed` or `declared` (a CSS class and key part).
    trust: &'static str,
    title: String,
    note: String,
    /// The trust level in a word.
    badge: String,
    entries: Vec<EntryView>,
}

struct DocumentView {
    /// "Download <name>".
    label: String,
    content_type: String,
    size: String,
    href: String,
}

#[derive(Template)]
#[template(path = "share_page.html")]
struct SharePage {
    c: Chrome,
    owner: String,
    headline: Option<String>,
    holder: String,
    has_presentation: bool,
    holder_ok: bool,
    /// `valid` or `invalid` (a CSS class).
    holder_class: &'static str,
    expires: Option<DateView>,
    credentials: Vec<super::ResultView>,
    groups: Vec<Group>,
    documents: Vec<DocumentView>,
    /// A page of one credential of the share (a CV's line): the link to
    /// the whole share.
    whole: Option<String>,
}

#[derive(Template)]
#[template(path = "share_pin.html")]
struct PinPage {
    c: Chrome,
    action: String,
    wrong: bool,
    /// "Attempts left: n."
    remaining: Option<String>,
}

#[derive(Debug, Deserialize)]
struct PinForm {
    pin: String,
}

fn kind_word(lang: Lang, kind: &str) -> String {
    let kind = match kind {
        "experience" | "education" | "skill" | "language" | "project" => kind,
        _ => "interest",
    };
    lang.tr().get(&format!("verify-share-kind-{kind}"))
}

/// The path of a share's page, once the token is known to be plain
/// base64url (it is echoed into links).
fn page_path(token: &str) -> String {
    if plausible_token(token) {
        format!("/s/{token}")
    } else {
        "/verify".to_owned()
    }
}

fn challenge() -> String {
    atout_core::crypto::random_token(16).unwrap_or_else(|_| "unavailable".into())
}

fn domain_of(base: &str) -> String {
    url::Url::parse(base)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| base.to_owned())
}

/// A share's page. Public.
#[utoipa::path(
    get, path = "/s/{token}", tag = "shares",
    params(("token" = String, Path, description = "The share link's token")),
    responses(
        (status = 200, description = "The page", content_type = "text/html"),
        (status = 401, description = "A page asking for the share's PIN", content_type = "text/html"),
        (status = 404, description = "Unknown link", content_type = "text/html"),
        (status = 410, description = "Revoked or expired", content_type = "text/html"),
        (status = 429, description = "Too many wrong PINs or unknown links", content_type = "text/html"),
    )
)]
async fn share_page(
    State(state): State<VerifierState>,
    ClientIp(client): ClientIp,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let lang = language(query.as_deref(), &headers);
    respond(&state, client, &token, lang, &headers, None, None).await
}

/// The page of one credential of a share, `n` its position among the
/// share's items (what a CV's line links to): its verdict now, and the
/// entry it certifies. Public: whoever holds the link; opening it counts
/// as opening the share (same log, same expiry and revocation).
#[utoipa::path(
    get, path = "/s/{token}/{n}", tag = "shares",
    params(
        ("token" = String, Path, description = "The share link's token"),
        ("n" = String, Path, description = "The credential's position among the share's items (from 1)"),
    ),
    responses(
        (status = 200, description = "The page", content_type = "text/html"),
        (status = 401, description = "A page asking for the share's PIN", content_type = "text/html"),
        (status = 404, description = "Unknown link, or no credential at that position", content_type = "text/html"),
        (status = 410, description = "Revoked or expired", content_type = "text/html"),
        (status = 429, description = "Too many wrong PINs or unknown links", content_type = "text/html"),
    )
)]
async fn share_line(
    State(state): State<VerifierState>,
    ClientIp(client): ClientIp,
    Path((token, n)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let lang = language(query.as_deref(), &headers);
    let Some(n) = n.parse::<usize>().ok().filter(|n| (1..=10_000).contains(n)) else {
        return message(
            StatusCode::NOT_FOUND,
            lang,
            &page_path(&token),
            (
                "verify-share-line-unknown-title",
                "verify-share-line-unknown-text",
            ),
        );
    };
    respond(&state, client, &token, lang, &headers, None, Some(n)).await
}

/// A share's page, opened with its PIN (form field `pin`). Public.
#[utoipa::path(
    post, path = "/s/{token}", tag = "shares",
    params(("token" = String, Path, description = "The share link's token")),
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`pin`"),
    responses(
        (status = 200, description = "The page (and a pass cookie for 30 minutes)", content_type = "text/html"),
        (status = 403, description = "Wrong PIN: the form again", content_type = "text/html"),
        (status = 404, description = "Unknown link", content_type = "text/html"),
        (status = 410, description = "Revoked or expired", content_type = "text/html"),
        (status = 429, description = "Too many wrong PINs or unknown links", content_type = "text/html"),
    )
)]
async fn share_pin(
    State(state): State<VerifierState>,
    ClientIp(client): ClientIp,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    form: Result<Form<PinForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let lang = language(query.as_deref(), &headers);
    // A form without `pin` counts as no PIN (the form again, not an error).
    let pin = form.ok().map(|Form(f)| f.pin).filter(|p| !p.is_empty());
    respond(&state, client, &token, lang, &headers, Some(pin), None).await
}

async fn respond(
    state: &VerifierState,
    client: Option<std::net::IpAddr>,
    token: &str,
    lang: Lang,
    headers: &HeaderMap,
    pin: Option<Option<String>>,
    focus: Option<usize>,
) -> Response {
    let path = page_path(token);
    let Some(shares) = &state.shares else {
        return message(StatusCode::SERVICE_UNAVAILABLE, lang, "/verify", NO_STORE);
    };
    let request = ShareRequest {
        pin: pin.clone().flatten(),
        pass: pass_cookie(headers),
        challenge: challenge(),
        domain: domain_of(&state.base),
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        machine: false,
    };
    let options = VerifyOptions {
        challenge: Some(request.challenge.clone()),
        domain: Some(request.domain.clone()),
        ..VerifyOptions::default()
    };
    let refusal = |status: StatusCode, keys: Message| message(status, lang, &path, keys);
    match shares.open(token, client, request).await {
        Ok(view) => page(state, lang, &path, view, &options, focus).await,
        Err(ShareRefusal::PinRequired) => {
            pin_page(lang, &path, StatusCode::UNAUTHORIZED, pin.is_some(), None)
        }
        Err(ShareRefusal::PinWrong { remaining }) => {
            pin_page(lang, &path, StatusCode::FORBIDDEN, true, Some(remaining))
        }
        Err(ShareRefusal::Unknown) => refusal(
            StatusCode::NOT_FOUND,
            ("verify-share-unknown-title", "verify-share-unknown-text"),
        ),
        Err(ShareRefusal::Revoked) => refusal(
            StatusCode::GONE,
            ("verify-share-revoked-title", "verify-share-revoked-text"),
        ),
        Err(ShareRefusal::Expired) => refusal(
            StatusCode::GONE,
            ("verify-share-expired-title", "verify-share-expired-text"),
        ),
        Err(ShareRefusal::PinLocked { until }) => retry_after(
            refusal(
                StatusCode::TOO_MANY_REQUESTS,
                ("verify-share-locked-title", "verify-share-locked-text"),
            ),
            (until - state.verifier.clock.now()).num_seconds(),
        ),
        Err(ShareRefusal::TooManyGuesses { retry_after_secs }) => retry_after(
            refusal(
                StatusCode::TOO_MANY_REQUESTS,
                ("verify-share-guesses-title", "verify-share-guesses-text"),
            ),
            retry_after_secs as i64,
        ),
        Err(ShareRefusal::Busy { retry_after_secs }) => retry_after(
            refusal(
                StatusCode::SERVICE_UNAVAILABLE,
                ("verify-share-busy-title", "verify-share-busy-text"),
            ),
            retry_after_secs as i64,
        ),
        Err(ShareRefusal::Unavailable) => refusal(
            StatusCode::SERVICE_UNAVAILABLE,
            (
                "verify-share-unavailable-title",
                "verify-share-unavailable-text",
            ),
        ),
    }
}

fn pin_page(
    lang: Lang,
    path: &str,
    status: StatusCode,
    wrong: bool,
    remaining: Option<i64>,
) -> Response {
    let page = PinPage {
        c: Chrome::new(lang, path, true),
        action: format!("{path}?lang={}", lang.code()),
        wrong,
        remaining: remaining.map(|n| lang.tr().arg("verify-share-attempts-left", "count", n)),
    };
    html(status, lang, true, page.render())
}

async fn page(
    state: &VerifierState,
    lang: Lang,
    path: &str,
    mut view: SharedView,
    options: &VerifyOptions,
    focus: Option<usize>,
) -> Response {
    // One credential of the share: its index in the presentation's order.
    let focus = match focus {
        None => None,
        Some(n) => match view.credential_items.iter().position(|p| *p == n) {
            Some(k) => Some(k),
            None => {
                return message(
                    StatusCode::NOT_FOUND,
                    lang,
                    path,
                    (
                        "verify-share-line-unknown-title",
                        "verify-share-line-unknown-text",
                    ),
                )
            }
        },
    };
    if let Some(k) = focus {
        view.entries.retain(|e| e.credential_index == Some(k));
        view.documents.clear();
    }
    // The reports, in the entries' `credential_index` order, with each
    // credential's claims (what the certified entries show).
    let mut reports: Vec<(crate::report::CredentialReport, Option<serde_json::Value>)> = Vec::new();
    let (has_presentation, holder_ok, credentials) = match &view.presentation {
        None => (false, true, Vec::new()),
        Some(vp) => match state.verifier.verify_presentation(vp, options).await {
            Ok(report) => {
                let holder_ok = holder_proof_ok(&report, true);
                let credentials = report
                    .credentials
                    .iter()
                    .enumerate()
                    .map(|(i, c)| numbered(lang, result_view(lang, c, None), i + 1))
                    .collect();
                let embedded = facts::presented_credentials(vp);
                for (i, c) in report.credentials.into_iter().enumerate() {
                    let subject = embedded.get(i).and_then(facts::subject_of);
                    reports.push((c, subject));
                }
                (true, holder_ok, credentials)
            }
            Err(e) => {
                tracing::error!(share = %view.share_id, error = %e, "a share's presentation is malformed");
                (true, false, Vec::new())
            }
        },
    };
    // The SD-JWT VCs, each verified with the page's challenge and domain
    // (their Key Binding JWT is the holder's proof), numbered after the
    // presentation's credentials.
    let mut credentials = credentials;
    let mut holder_ok = holder_ok;
    for sd in &view.sd_jwts {
        match state
            .verifier
            .verify_credential(&serde_json::Value::String(sd.clone()), options)
            .await
        {
            Ok(report) => {
                let n = credentials.len() + 1;
                credentials.push(numbered(lang, result_view(lang, &report, None), n));
                let subject = report.disclosed.clone();
                reports.push((report, subject));
            }
            Err(e) => {
                tracing::error!(share = %view.share_id, error = %e, "a share's SD-JWT is malformed");
                holder_ok = false;
            }
        }
    }
    let has_presentation = has_presentation || !view.sd_jwts.is_empty();
    // One line's page needs every credential's report in its place: if the
    // presentation could not be read, it says so rather than show another.
    if focus.is_some() && credentials.len() != view.credential_items.len() {
        return message(
            StatusCode::SERVICE_UNAVAILABLE,
            lang,
            path,
            (
                "verify-share-unavailable-title",
                "verify-share-unavailable-text",
            ),
        );
    }
    // Each endorsement's own signature, checked here.
    let mut endorsements: Vec<Vec<facts::Endorsement>> = Vec::with_capacity(view.entries.len());
    for e in &view.entries {
        let mut list = Vec::with_capacity(e.endorsements.len());
        for endorsement in &e.endorsements {
            let outcome = state
                .verifier
                .verify_credential(&endorsement.credential, &VerifyOptions::default())
                .await
                .map(|report| result_view(lang, &report, None).verdict)
                .unwrap_or("incomplete");
            list.push(facts::endorsement(lang, endorsement, outcome));
        }
        endorsements.push(list);
    }
    let mut endorsements = endorsements.into_iter().map(Some).collect::<Vec<_>>();
    let mut groups = Vec::new();
    for trust in ["certified", "endorsed", "declared"] {
        let entries: Vec<EntryView> = view
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                // Certified only when the certifying credential is shown
                // (and so checked) on this page.
                let shown = e.credential_index.is_some();
                match trust {
                    "certified" => e.trust == "certified" && shown,
                    "endorsed" => e.trust == "endorsed",
                    _ => e.trust == "declared" || (e.trust == "certified" && !shown),
                }
            })
            .map(|(i, e)| {
                let certified = e
                    .credential_index
                    .and_then(|i| reports.get(i))
                    .map(|(report, subject)| facts::certified(lang, report, subject.as_ref()));
                let mut codes = facts::entry_codes(&e.details);
                if let Some(c) = &certified {
                    for code in &c.codes {
                        if !codes
                            .iter()
                            .any(|k| k.framework == code.framework && k.code == code.code)
                        {
                            codes.push(code.clone());
                        }
                    }
                }
                EntryView {
                    codes,
                    language: facts::language(lang, &e.kind, &e.details),
                    keywords: facts::keywords(&e.details),
                    link: facts::link(&e.details),
                    endorsements: endorsements
                        .get_mut(i)
                        .and_then(Option::take)
                        .unwrap_or_default(),
                    certified,
                    kind: kind_word(lang, &e.kind),
                    title: e.title.clone(),
                    organisation: e.organisation.clone(),
                    place: e.place.clone(),
                    dates: match (&e.start_date, &e.end_date) {
                        (Some(a), Some(b)) => Some(format!("{a} – {b}")),
                        (Some(a), None) => Some(format!("{a} –")),
                        (None, Some(b)) => Some(format!("– {b}")),
                        (None, None) => None,
                    },
                    description: e.description.clone(),
                    credential: e.credential_index.map(|i| {
                        (
                            i + 1,
                            lang.tr().arg("verify-share-certified-by", "n", i + 1),
                        )
                    }),
                }
            })
            .collect();
        if !entries.is_empty() {
            let tr = lang.tr();
            groups.push(Group {
                trust,
                title: tr.get(&format!("verify-share-section-{trust}")),
                note: tr.get(&format!("verify-share-{trust}-note")),
                badge: tr.get(&format!("state-{trust}")),
                entries,
            });
        }
    }
    let documents = view
        .documents
        .iter()
        .map(|d| DocumentView {
            label: lang.tr().arg("verify-share-download", "name", &d.name),
            content_type: d.content_type.clone(),
            size: atout_web::i18n::file_size(lang, d.size),
            href: d.href.clone(),
        })
        .collect();
    if let Some(k) = focus {
        credentials = credentials.into_iter().skip(k).take(1).collect();
    }
    let page = SharePage {
        whole: focus.map(|_| format!("{path}?lang={}", lang.code())),
        c: Chrome::new(lang, path, true),
        owner: view.owner.clone(),
        headline: view.headline.clone(),
        holder: view.holder.clone(),
        has_presentation,
        holder_ok,
        holder_class: if holder_ok { "valid" } else { "invalid" },
        expires: view
            .expires_at
            .map(|at| DateView::with_time(lang, &at.to_rfc3339())),
        credentials,
        groups,
        documents,
    };
    let mut response = html(StatusCode::OK, lang, true, page.render());
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if let Some(pass) = &view.pass {
        let secure = if state.base.starts_with("https://") {
            "; Secure"
        } else {
            ""
        };
        let cookie = format!(
            "{PASS_COOKIE}={pass}; Path={path}; Max-Age=1800; HttpOnly; SameSite=Strict{secure}"
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            headers.append(header::SET_COOKIE, value);
        }
    }
    response.into_response()
}

#[derive(Template)]
#[template(path = "presentation_page.html")]
struct PresentationPage {
    c: Chrome,
    holder: Option<String>,
    holder_ok: bool,
    holder_class: &'static str,
    credentials: Vec<super::ResultView>,
}

/// The page of a presentation pasted or uploaded on the verification form:
/// the holder's proof, then each credential inside, checked.
pub(super) fn presentation_page(
    lang: Lang,
    report: &crate::report::PresentationReport,
) -> Response {
    let holder_ok = holder_proof_ok(report, false);
    let credentials = report
        .credentials
        .iter()
        .enumerate()
        .map(|(i, c)| numbered(lang, result_view(lang, c, None), i + 1))
        .collect();
    let page = PresentationPage {
        c: Chrome::new(lang, "/verify", true),
        holder: report.holder.clone(),
        holder_ok,
        holder_class: if holder_ok { "valid" } else { "invalid" },
        credentials,
    };
    html(StatusCode::OK, lang, true, page.render())
}

/// A credential's report as the `n`th of a page: its anchors and heading.
fn numbered(lang: Lang, mut v: super::ResultView, n: usize) -> super::ResultView {
    v.anchor = format!("-{n}");
    v.heading = lang.tr().with(
        "verify-share-credential-title",
        &[
            ("n", n.into()),
            ("verdict", v.verdict_title.as_str().into()),
        ],
    );
    v
}

/// The holder's proof holds: a `holder-proof` check, passed (and, for a
/// presentation made for this page, the challenge and domain too).
fn holder_proof_ok(report: &crate::report::PresentationReport, for_this_page: bool) -> bool {
    let mut proved = false;
    for c in &report.results {
        match c.check {
            CheckKind::HolderProof => {
                proved = c.status == Outcome::Ok;
                if !proved {
                    return false;
                }
            }
            CheckKind::Challenge | CheckKind::Domain
                if for_this_page && c.status != Outcome::Ok =>
            {
                return false;
            }
            _ => {}
        }
    }
    proved
}
