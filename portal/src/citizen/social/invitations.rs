//! Invitations: a person invited by email as a reader, contributor or
//! certifier over chosen credentials, entries and documents; one
//! invitation with every use of it and its revocation; the contributors'
//! comments and suggested entries, approved or rejected. The logged-in
//! citizen only.
//!
//! An invitation to certify may name the organisation the endorsement is
//! asked of: typed by its name (a `<datalist>` of the directory's
//! organisations helps; no script needed) or identifier, resolved on
//! submit against the directory.

use super::{end_of_day, flash, problem_errors, Items};
use crate::{
    api::seg,
    citizen::{entries::Doc, Entry, Holding, Me},
    ctx::Ctx,
    directory::Resolved,
    forms::{Errors, PostForm},
    page::{render, see_other, Chrome, PageError},
    PortalState,
};
use askama::Template;
use axum::{
    body::Body,
    extract::{Path, State},
    http::{Method, StatusCode},
    response::Response,
    routing::{get, post},
    Router,
};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/me/invitations", get(list))
        .route("/me/invitations/new", get(new_page).post(create))
        .route("/me/invitations/{id}", get(show))
        .route("/me/invitations/{id}/revoke", post(revoke))
        .route("/me/suggestions/{id}/approve", post(approve))
        .route("/me/suggestions/{id}/reject", post(reject))
}

pub const ROLES: [&str; 3] = ["reader", "contributor", "certifier"];

#[derive(Deserialize, Clone)]
pub struct Item {
    pub kind: String,
    pub id: String,
}

#[derive(Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Invitation {
    pub id: String,
    pub email: String,
    pub role: String,
    #[serde(default)]
    pub url: String,
    pub state: String,
    #[serde(default)]
    pub message: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    #[serde(default)]
    pub confirmed_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default)]
    pub invitee_name: Option<String>,
    #[serde(default)]
    pub items: Vec<Item>,
    /// The organisation the endorsement is asked of (certifiers).
    #[serde(default)]
    pub organisation: Option<InvitationOrg>,
}

/// The organisation an invitation to certify names.
#[derive(Deserialize, Clone)]
pub struct InvitationOrg {
    pub slug: String,
    pub name: crate::directory::Names,
}

/// A contributor's comment or suggested entry.
#[derive(Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Suggestion {
    pub id: String,
    pub kind: String,
    pub author: String,
    #[serde(default)]
    pub entry_id: Option<String>,
    #[serde(default)]
    pub body: Value,
    pub state: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(default)]
    pub created_entry_id: Option<String>,
}

impl Suggestion {
    /// A comment's text, or a suggested entry's description.
    pub fn text(&self) -> String {
        match &self.body {
            Value::String(s) => s.clone(),
            v => v
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        }
    }

    fn field(&self, name: &str) -> String {
        self.body
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    }

    pub fn entry_title(&self) -> String {
        self.field("title")
    }

    pub fn entry_kind(&self) -> String {
        self.field("kind")
    }

    pub fn entry_organisation(&self) -> String {
        self.field("organisation")
    }

    pub fn entry_period(&self) -> String {
        let (s, e) = (self.field("startDate"), self.field("endDate"));
        match (s.is_empty(), e.is_empty()) {
            (false, false) => format!("{s} – {e}"),
            (false, true) => s,
            _ => e,
        }
    }
}

#[derive(Template)]
#[template(path = "social/invitations.html")]
struct ListPage {
    c: Chrome,
    items: Vec<Invitation>,
    suggestions: Vec<Suggestion>,
    entries: Vec<Entry>,
}

impl ListPage {
    fn entry_title(&self, id: &Option<String>) -> String {
        id.as_ref()
            .and_then(|id| self.entries.iter().find(|e| &e.id == id))
            .map(|e| e.title.clone())
            .unwrap_or_default()
    }

    fn pending(&self) -> usize {
        self.suggestions
            .iter()
            .filter(|s| s.state == "pending")
            .count()
    }
}

/// The citizen's invitations and their contributors' suggestions. The
/// logged-in citizen.
async fn list(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let (i, s, e) = tokio::join!(
        state.get(&ctx, &me.who, "/wallet/invitations"),
        state.get(&ctx, &me.who, "/wallet/suggestions"),
        state.get(&ctx, &me.who, "/wallet/entries"),
    );
    let invitations: Items<Invitation> = i?.json().await?;
    let suggestions: Items<Suggestion> = s?.json().await?;
    let entries: Items<Entry> = e?.json().await?;
    let mut c = me.chrome(&state, &ctx, "so-invitations-title");
    flash(&mut c, &ctx);
    Ok(render(
        ctx.lang,
        &ListPage {
            c,
            items: invitations.items,
            suggestions: suggestions.items,
            entries: entries.items,
        },
    ))
}

#[derive(Template)]
#[template(path = "social/invitation_new.html")]
struct NewPage {
    c: Chrome,
    holdings: Vec<Holding>,
    entries: Vec<Entry>,
    documents: Vec<Doc>,
    chosen: Vec<String>,
    email: String,
    role: String,
    expires: String,
    message: String,
    /// The certifying organisation, as typed.
    org: String,
    /// Names the directory lists, suggested for it.
    org_names: Vec<String>,
    errors: Errors,
}

impl NewPage {
    fn is_chosen(&self, id: &str) -> bool {
        self.chosen.iter().any(|c| c == id)
    }

    fn roles(&self) -> [&'static str; 3] {
        ROLES
    }
}

struct Draft {
    chosen: Vec<String>,
    email: String,
    role: String,
    expires: String,
    message: String,
    org: String,
}

async fn new_view(
    state: &PortalState,
    ctx: &Ctx,
    me: &Me,
    d: Draft,
    errors: Errors,
) -> Result<NewPage, PageError> {
    let (h, e, docs, names) = tokio::join!(
        state.get(ctx, &me.who, "/wallet/holdings?limit=100"),
        state.get(ctx, &me.who, "/wallet/entries"),
        state.get(ctx, &me.who, "/wallet/documents"),
        crate::directory::suggested_names(state, ctx),
    );
    let holdings: Items<Holding> = h?.json().await?;
    let entries: Items<Entry> = e?.json().await?;
    let documents: Items<Doc> = docs?.json().await?;
    Ok(NewPage {
        org: d.org,
        org_names: names?,
        c: me.chrome(state, ctx, "so-invitation-new-title"),
        holdings: holdings.items,
        entries: entries.items,
        documents: documents.items,
        chosen: d.chosen,
        email: d.email,
        role: d.role,
        expires: d.expires,
        message: d.message,
        errors,
    })
}

/// The form for a new invitation (`?entry=` preselects an entry). The
/// logged-in citizen.
async fn new_page(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let draft = Draft {
        chosen: ctx.query_param("entry").into_iter().collect(),
        email: String::new(),
        role: "reader".into(),
        expires: (state.app.clock.now() + chrono::Duration::days(30))
            .format("%Y-%m-%d")
            .to_string(),
        message: String::new(),
        org: String::new(),
    };
    let view = new_view(&state, &ctx, &me, draft, Errors::default()).await?;
    Ok(render(ctx.lang, &view))
}

/// Invites a person. The logged-in citizen (CSRF-checked).
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
    let email = form.text("email");
    let role = form.text("role");
    let expires = form.text("expires");
    let message = form.get("message").unwrap_or_default().trim().to_owned();
    let org = form.text("org").trim().to_owned();
    let mut errors = Errors::default();
    if !email.contains('@') || email.len() > 254 {
        errors.add("email", t.get("so-field-email"));
    }
    if !ROLES.contains(&role.as_str()) {
        errors.add("role", t.get("so-field-role"));
    }
    if credentials.is_empty() && entries.is_empty() && documents.is_empty() {
        errors.add("items", t.get("so-field-items"));
    } else if role == "certifier" && entries.is_empty() {
        errors.add("items", t.get("so-field-entries"));
    }
    let expires_at = if expires.is_empty() {
        None
    } else {
        match end_of_day(&expires) {
            Some(at) => Some(at),
            None => {
                errors.add("expires", t.get("so-field-expiresAt"));
                None
            }
        }
    };
    if message.chars().count() > 500 {
        errors.add("message", t.get("so-field-message"));
    }
    // The certifying organisation: by its name (accents and case aside)
    // or identifier, among those the directory lists.
    let mut org_slug = None;
    if !org.is_empty() {
        if role != "certifier" {
            errors.add("org", t.get("so-field-org-role"));
        } else if org.chars().count() > 200 {
            errors.add("org", t.arg("so-field-org-unknown", "text", org.as_str()));
        } else {
            match crate::directory::resolve(&state, &ctx, &org).await? {
                Resolved::One(item) => org_slug = Some(item.slug),
                Resolved::NoMatch => {
                    errors.add("org", t.arg("so-field-org-unknown", "text", org.as_str()))
                }
                Resolved::Several(items) => {
                    let slugs = items
                        .iter()
                        .map(|i| match &i.town {
                            Some(town) => format!("{} ({town})", i.slug),
                            None => i.slug.clone(),
                        })
                        .collect::<Vec<_>>()
                        .join(", ");
                    errors.add("org", t.arg("so-field-org-several", "slugs", slugs))
                }
            }
        }
    }
    if errors.is_empty() {
        let mut body = json!({
            "email": email,
            "role": role,
            "credentials": credentials,
            "entries": entries,
            "documents": documents,
        });
        if let Some(at) = expires_at {
            body["expiresAt"] = json!(at);
        }
        if !message.is_empty() {
            body["message"] = json!(message);
        }
        if let Some(slug) = &org_slug {
            body["org"] = json!(slug);
        }
        let reply = state
            .send_json(&ctx, &me.who, Method::POST, "/wallet/invitations", &body)
            .await?;
        if reply.ok() {
            let created: Invitation = reply.json().await?;
            return Ok(see_other(&format!(
                "/me/invitations/{}?done=so-done-invitation-created",
                seg(&created.id)
            )));
        }
        let problem = reply.problem().await;
        // The API names some of the form's fields differently.
        match problem.field.as_deref() {
            Some("entries") => errors.add("items", t.get("so-field-entries")),
            Some("expiresAt") => errors.add("expires", t.get("so-field-expiresAt")),
            Some("org") => errors.add("org", t.arg("so-field-org-unknown", "text", org.as_str())),
            _ if problem.raw.get("item").is_some() => errors.add("items", t.get("so-field-item")),
            _ => errors = problem_errors(t, &problem, &["email", "role", "message"]),
        }
    }
    let mut chosen = credentials;
    chosen.extend(entries);
    chosen.extend(documents);
    let draft = Draft {
        chosen,
        email,
        role,
        expires,
        message,
        org,
    };
    let view = new_view(&state, &ctx, &me, draft, errors).await?;
    let mut response = render(ctx.lang, &view);
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Access {
    pub at: chrono::DateTime<chrono::Utc>,
    pub action: String,
    #[serde(default)]
    pub detail: Option<String>,
}

#[derive(Template)]
#[template(path = "social/invitation.html")]
struct ShowPage {
    c: Chrome,
    i: Invitation,
    /// What it covers, for people: (kind, name).
    covers: Vec<(String, String)>,
    accesses: Vec<Access>,
}

/// One invitation: what it covers, its link, every use, revocation. The
/// logged-in citizen (others: 404).
async fn show(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let path = format!("/wallet/invitations/{}", seg(&id));
    let accesses_path = format!("{path}/accesses");
    let (i, a) = tokio::join!(
        state.get(&ctx, &me.who, &path),
        state.get(&ctx, &me.who, &accesses_path),
    );
    let i = i?;
    if !i.ok() {
        return Err(PageError::from_problem(i.problem().await));
    }
    let invitation: Invitation = i.json().await?;
    let accesses: Items<Access> = a?.json().await?;
    let (h, e, d) = tokio::join!(
        state.get(&ctx, &me.who, "/wallet/holdings?limit=100"),
        state.get(&ctx, &me.who, "/wallet/entries"),
        state.get(&ctx, &me.who, "/wallet/documents"),
    );
    let holdings: Items<Holding> = h?.json().await?;
    let entries: Items<Entry> = e?.json().await?;
    let documents: Items<Doc> = d?.json().await?;
    let covers = invitation
        .items
        .iter()
        .map(|item| {
            let name = match item.kind.as_str() {
                "credential" => holdings
                    .items
                    .iter()
                    .find(|h| h.id == item.id)
                    .map(|h| h.title.clone()),
                "entry" => entries
                    .items
                    .iter()
                    .find(|e| e.id == item.id)
                    .map(|e| e.title.clone()),
                _ => documents
                    .items
                    .iter()
                    .find(|d| d.id == item.id)
                    .map(|d| d.name.clone()),
            };
            (item.kind.clone(), name.unwrap_or_else(|| item.id.clone()))
        })
        .collect();
    let mut c = me.chrome(&state, &ctx, "so-invitation-title");
    flash(&mut c, &ctx);
    Ok(render(
        ctx.lang,
        &ShowPage {
            c,
            i: invitation,
            covers,
            accesses: accesses.items,
        },
    ))
}

/// Revokes an invitation at once. The logged-in citizen (CSRF-checked).
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
            &format!("/wallet/invitations/{}", seg(&id)),
        )
        .await?;
    Ok(see_other(&format!(
        "/me/invitations/{}?done=so-done-invitation-revoked",
        seg(&id)
    )))
}

async fn decide(
    state: &PortalState,
    ctx: &Ctx,
    id: &str,
    verb: &str,
) -> Result<Response, PageError> {
    let me = Me::load(state, ctx).await?;
    let reply = state
        .call(
            ctx,
            &me.who,
            Method::POST,
            &format!("/wallet/suggestions/{}/{verb}", seg(id)),
            Body::empty(),
            None,
        )
        .await?;
    if !reply.ok() {
        return Err(PageError::from_problem(reply.problem().await));
    }
    Ok(see_other(&format!(
        "/me/invitations?done=so-done-suggestion-{verb}d#suggestions"
    )))
}

/// Approves a suggestion (a suggested entry is written into the path). The
/// logged-in citizen (CSRF-checked).
async fn approve(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
    _form: PostForm,
) -> Result<Response, PageError> {
    decide(&state, &ctx, &id, "approve").await
}

/// Rejects a suggestion. The logged-in citizen (CSRF-checked).
async fn reject(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
    _form: PostForm,
) -> Result<Response, PageError> {
    decide(&state, &ctx, &id, "reject").await
}
