//! Shares: links (and their QR codes) to chosen credentials, entries and
//! documents, with an expiry, an optional PIN, the access log, and
//! revocation. The logged-in citizen only.

use super::{entries::Doc, Entry, Holding, Me};
use crate::{
    api::seg,
    ctx::Ctx,
    forms::{Errors, PostForm},
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
use serde_json::json;

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/me/shares", get(list))
        .route("/me/shares/new", get(new_page).post(create))
        .route("/me/shares/{id}", get(show))
        .route("/me/shares/{id}/qr.svg", get(qr))
        .route("/me/shares/{id}/revoke", post(revoke))
}

#[derive(Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Share {
    pub id: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub has_pin: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(default)]
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default)]
    pub item_count: i64,
    #[serde(default)]
    pub openings: i64,
}

#[derive(Deserialize)]
struct ShareList {
    items: Vec<Share>,
}

#[derive(Template)]
#[template(path = "me/shares.html")]
struct ListPage {
    c: Chrome,
    items: Vec<Share>,
}

/// The citizen's shares. The logged-in citizen.
async fn list(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let list: ShareList = state
        .get(&ctx, &me.who, "/wallet/shares")
        .await?
        .json()
        .await?;
    Ok(render(
        ctx.lang,
        &ListPage {
            c: me.chrome(&state, &ctx, "shares-title"),
            items: list.items,
        },
    ))
}

#[derive(Deserialize)]
struct Items<T> {
    items: Vec<T>,
}

#[derive(Template)]
#[template(path = "me/share_new.html")]
struct NewPage {
    c: Chrome,
    holdings: Vec<Holding>,
    entries: Vec<Entry>,
    documents: Vec<Doc>,
    chosen: Vec<String>,
    label: String,
    /// How long the link works: `30d`, `date` (until `expires`) or `never`.
    validity: String,
    expires: String,
    /// The end of the default validity, for people.
    default_end: String,
    errors: Errors,
}

/// The default validity of a new share's link, chosen in the form.
const DEFAULT_DAYS: i64 = 30;

impl NewPage {
    fn is_chosen(&self, id: &str) -> bool {
        self.chosen.iter().any(|c| c == id)
    }
}

async fn new_view(
    state: &PortalState,
    ctx: &Ctx,
    me: &Me,
    chosen: Vec<String>,
    label: String,
    (validity, expires): (String, String),
    errors: Errors,
) -> Result<NewPage, PageError> {
    let (h, e, d) = tokio::join!(
        state.get(ctx, &me.who, "/wallet/holdings?limit=100"),
        state.get(ctx, &me.who, "/wallet/entries"),
        state.get(ctx, &me.who, "/wallet/documents"),
    );
    let holdings: Items<Holding> = h?.json().await?;
    let entries: Items<Entry> = e?.json().await?;
    let documents: Items<Doc> = d?.json().await?;
    let c = me.chrome(state, ctx, "share-new-title");
    let default_end = c.date(&(state.app.clock.now() + chrono::Duration::days(DEFAULT_DAYS)));
    Ok(NewPage {
        c,
        holdings: holdings.items,
        entries: entries.items,
        documents: documents.items,
        chosen,
        label,
        validity,
        expires,
        default_end,
        errors,
    })
}

/// The form for a new share (`?credential=` preselects one). The
/// logged-in citizen.
async fn new_page(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let chosen = ctx.query_param("credential").into_iter().collect();
    // An explicit choice, 30 days preselected and said as a date; no
    // date typed in advance.
    let view = new_view(
        &state,
        &ctx,
        &me,
        chosen,
        String::new(),
        ("30d".to_owned(), String::new()),
        Errors::default(),
    )
    .await?;
    Ok(render(ctx.lang, &view))
}

/// Creates a share. The logged-in citizen (CSRF-checked).
async fn create(
    State(state): State<PortalState>,
    ctx: Ctx,
    form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let t = ctx.t();
    let credentials = form.all("credentials");
    let entries = form.all("entries");
    let documents = form.all("documents");
    let label = form.text("label");
    let expires = form.text("expires");
    let pin = form.text("pin");
    let mut errors = Errors::default();
    if label.is_empty() {
        errors.add("label", t.get("field-label"));
    }
    if credentials.is_empty() && entries.is_empty() && documents.is_empty() {
        errors.add("items", t.get("share-choose-something"));
    }
    // How long the link works: the choice in the form. A date typed
    // while the default is still ticked means that date. Without a choice
    // (an older form), an empty date means no end.
    let mut validity = form.text("validity");
    if validity == "30d" && !expires.is_empty() {
        validity = "date".to_owned();
    }
    let end_of = |d: chrono::NaiveDate| d.and_hms_opt(23, 59, 59).unwrap_or_default().and_utc();
    let expires_at = match validity.as_str() {
        "30d" => Some(end_of(
            (state.app.clock.now() + chrono::Duration::days(DEFAULT_DAYS)).date_naive(),
        )),
        "never" if expires.is_empty() => None,
        "never" => {
            errors.add("expires", t.get("share-field-expires-or-never"));
            None
        }
        "" if expires.is_empty() => None,
        _ if expires.is_empty() => {
            errors.add("expires", t.get("share-field-expires-needed"));
            None
        }
        _ => match chrono::NaiveDate::parse_from_str(&expires, "%Y-%m-%d") {
            Ok(d) => Some(end_of(d)),
            Err(_) => {
                errors.add("expires", t.get("field-expires"));
                None
            }
        },
    };
    if validity.is_empty() && !expires.is_empty() {
        validity = "date".to_owned();
    }
    let pin_ok = (4..=12).contains(&pin.len()) && pin.chars().all(|c| c.is_ascii_digit());
    if !pin.is_empty() && !pin_ok {
        errors.add("pin", t.get("field-pin"));
    }
    if errors.is_empty() {
        let mut body = json!({
            "label": label,
            "credentials": credentials,
            "entries": entries,
            "documents": documents,
        });
        if let Some(at) = expires_at {
            body["expiresAt"] = json!(at);
        }
        if !pin.is_empty() {
            body["pin"] = json!(pin);
        }
        let reply = state
            .send_json(&ctx, &me.who, Method::POST, "/wallet/shares", &body)
            .await?;
        if reply.ok() {
            let share: Share = reply.json().await?;
            return Ok(see_other(&format!(
                "/me/shares/{}?done=done-share-created",
                seg(&share.id)
            )));
        }
        let problem = reply.problem().await;
        errors = Errors::from_problem_mapped(
            t,
            &problem,
            &[("label", "label"), ("pin", "pin"), ("expiresAt", "expires")],
            &["share-field-", "field-"],
        );
    }
    let mut chosen = credentials;
    chosen.extend(entries);
    chosen.extend(documents);
    let view = new_view(
        &state,
        &ctx,
        &me,
        chosen,
        label,
        (validity, expires),
        errors,
    )
    .await?;
    let mut response = render(ctx.lang, &view);
    *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Access {
    pub at: chrono::DateTime<chrono::Utc>,
    pub outcome: String,
    #[serde(default)]
    pub verifier: Option<String>,
    #[serde(default)]
    pub user_agent: Option<String>,
}

#[derive(Template)]
#[template(path = "me/share.html")]
struct ShowPage {
    c: Chrome,
    s: Share,
    accesses: Vec<Access>,
}

/// One share: its link, QR code and access log. The logged-in citizen
/// (others: 404).
async fn show(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let share_path = format!("/wallet/shares/{}", seg(&id));
    let accesses_path = format!("{share_path}/accesses");
    let (s, a) = tokio::join!(
        state.get(&ctx, &me.who, &share_path),
        state.get(&ctx, &me.who, &accesses_path),
    );
    let share: Share = s?.json().await?;
    let accesses: Items<Access> = a?.json().await?;
    Ok(render(
        ctx.lang,
        &ShowPage {
            c: me.chrome(&state, &ctx, "share-title"),
            s: share,
            accesses: accesses.items,
        },
    ))
}

/// The share's QR code (SVG). The logged-in citizen.
async fn qr(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let reply = state
        .get(
            &ctx,
            &me.who,
            &format!("/wallet/shares/{}/qr.svg", seg(&id)),
        )
        .await?;
    if !reply.ok() {
        return Err(PageError::from_problem(reply.problem().await));
    }
    Ok(reply.into_response())
}

/// Ends a share at once. The logged-in citizen (CSRF-checked).
async fn revoke(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
    _form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    state
        .act(
            &ctx,
            &me.who,
            Method::DELETE,
            &format!("/wallet/shares/{}", seg(&id)),
        )
        .await?;
    Ok(see_other(&format!(
        "/me/shares/{}?done=done-share-revoked",
        seg(&id)
    )))
}
