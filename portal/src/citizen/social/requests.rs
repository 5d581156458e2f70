//! Certification requests: ask an organisation (found by its name in the
//! public directory: a search, then "choose") to certify one of the
//! citizen's entries, with documents attached; follow
//! the answer (the reason of a refusal, the credential it brought); cancel
//! a pending one. The logged-in citizen only.

use super::{flash, problem_errors, Items};
use crate::{
    api::seg,
    citizen::{entries::Doc, Entry, Me},
    ctx::Ctx,
    forms::{Errors, PostForm},
    page::{render, see_other, Chrome, PageError},
    PortalState,
};
use askama::Template;
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
        .route("/me/requests", get(list))
        .route("/me/requests/new", get(new_page).post(create))
        .route("/me/requests/{id}", get(show))
        .route("/me/requests/{id}/cancel", post(cancel))
}

#[derive(Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct CertRequest {
    pub id: String,
    #[serde(default)]
    pub entry_id: Option<String>,
    pub org: String,
    #[serde(default)]
    pub org_name: String,
    pub state: String,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(default)]
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default)]
    pub holding_id: Option<String>,
}

impl CertRequest {
    pub fn org_label(&self) -> &str {
        if self.org_name.is_empty() {
            &self.org
        } else {
            &self.org_name
        }
    }
}

fn entry_title(entries: &[Entry], id: &Option<String>) -> String {
    id.as_ref()
        .and_then(|id| entries.iter().find(|e| &e.id == id))
        .map(|e| e.title.clone())
        .unwrap_or_default()
}

#[derive(Template)]
#[template(path = "social/requests.html")]
struct ListPage {
    c: Chrome,
    items: Vec<CertRequest>,
    entries: Vec<Entry>,
}

impl ListPage {
    fn entry_title(&self, id: &Option<String>) -> String {
        entry_title(&self.entries, id)
    }
}

/// The citizen's certification requests. The logged-in citizen.
async fn list(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let (r, e) = tokio::join!(
        state.get(&ctx, &me.who, "/wallet/certification-requests"),
        state.get(&ctx, &me.who, "/wallet/entries"),
    );
    let requests: Items<CertRequest> = r?.json().await?;
    let entries: Items<Entry> = e?.json().await?;
    let mut c = me.chrome(&state, &ctx, "so-requests-title");
    flash(&mut c, &ctx);
    Ok(render(
        ctx.lang,
        &ListPage {
            c,
            items: requests.items,
            entries: entries.items,
        },
    ))
}

#[derive(Template)]
#[template(path = "social/request_new.html")]
struct NewPage {
    c: Chrome,
    entries: Vec<Entry>,
    documents: Vec<Doc>,
    /// Organisations asked before, offered as suggestions.
    known_orgs: Vec<(String, String)>,
    entry: String,
    org: String,
    /// The chosen organisation's name (from the directory, or a past
    /// request).
    org_name: String,
    /// The directory search (`org_q`) and its matches.
    org_query: crate::directory::Query,
    org_results: Option<crate::directory::Results>,
    message: String,
    chosen: Vec<String>,
    errors: Errors,
}

impl NewPage {
    fn is_chosen(&self, id: &str) -> bool {
        self.chosen.iter().any(|c| c == id)
    }

    fn result_name<'a>(&self, i: &'a crate::directory::Item) -> &'a str {
        i.name.pick(self.c.lang)
    }
}

struct Draft {
    entry: String,
    org: String,
    message: String,
    chosen: Vec<String>,
}

async fn new_view(
    state: &PortalState,
    ctx: &Ctx,
    me: &Me,
    d: Draft,
    mut errors: Errors,
) -> Result<NewPage, PageError> {
    // The organisation: searched in the directory by name (`org_q`), then
    // chosen (`org`, its identifier, carried by the "choose" buttons).
    let org_query = crate::directory::Query::from_ctx(ctx, "org_q");
    let org_results = if org_query.q.is_empty() {
        None
    } else {
        let (results, search_errors) =
            crate::directory::search(state, ctx, &org_query, "org_q").await?;
        for (f, m) in search_errors.0 {
            errors.add(&f, m);
        }
        results
    };
    let org_name = if d.org.is_empty() {
        String::new()
    } else {
        let reply = state
            .get(
                ctx,
                &crate::api::As::Nobody,
                &format!("/directory/organisations/{}", seg(&d.org)),
            )
            .await?;
        if reply.ok() {
            let e: crate::directory::Entry = reply.json().await?;
            e.name.pick(ctx.lang.code()).to_owned()
        } else {
            String::new()
        }
    };
    let (e, docs, r) = tokio::join!(
        state.get(ctx, &me.who, "/wallet/entries"),
        state.get(ctx, &me.who, "/wallet/documents"),
        state.get(ctx, &me.who, "/wallet/certification-requests"),
    );
    let entries: Items<Entry> = e?.json().await?;
    let documents: Items<Doc> = docs?.json().await?;
    let past: Items<CertRequest> = r?.json().await?;
    let mut known_orgs: Vec<(String, String)> = Vec::new();
    for r in past.items {
        if !r.org.is_empty() && !known_orgs.iter().any(|(slug, _)| *slug == r.org) {
            known_orgs.push((r.org.clone(), r.org_label().to_owned()));
        }
    }
    let org_name = if org_name.is_empty() {
        known_orgs
            .iter()
            .find(|(slug, _)| *slug == d.org)
            .map(|(_, name)| name.clone())
            .unwrap_or_else(|| d.org.clone())
    } else {
        org_name
    };
    Ok(NewPage {
        c: me.chrome(state, ctx, "so-request-new-title"),
        entries: entries.items,
        documents: documents.items,
        known_orgs,
        entry: d.entry,
        org: d.org,
        org_name,
        org_query,
        org_results,
        message: d.message,
        chosen: d.chosen,
        errors,
    })
}

/// The form for a new request (`?entry=` preselects the entry, `?org_q=`
/// searches the directory, `?org=` is the organisation chosen). The
/// logged-in citizen.
async fn new_page(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let draft = Draft {
        entry: ctx.query_param("entry").unwrap_or_default(),
        org: ctx.query_param("org").unwrap_or_default(),
        message: String::new(),
        chosen: Vec::new(),
    };
    let view = new_view(&state, &ctx, &me, draft, Errors::default()).await?;
    let failed = !view.errors.is_empty();
    let mut response = render(ctx.lang, &view);
    if failed {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// Sends a request. The logged-in citizen (CSRF-checked).
async fn create(
    State(state): State<PortalState>,
    ctx: Ctx,
    form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let t = ctx.t();
    let entry = form.text("entry");
    let org = form.text("org").to_ascii_lowercase();
    let message = form.get("message").unwrap_or_default().to_owned();
    let documents = form.all("documents");
    let mut errors = Errors::default();
    if entry.is_empty() {
        errors.add("entry", t.get("so-field-entryId"));
    }
    if org.is_empty() {
        errors.add("org_q", t.get("so-field-org-choose"));
    } else if org.len() > 100 {
        errors.add("org_q", t.get("so-field-org"));
    }
    if message.chars().count() > 2000 {
        errors.add("message", t.get("so-field-request-message"));
    }
    if errors.is_empty() {
        let mut body = json!({"entryId": entry, "org": org, "documents": documents});
        if !message.is_empty() {
            body["message"] = json!(message);
        }
        let reply = state
            .send_json(
                &ctx,
                &me.who,
                Method::POST,
                "/wallet/certification-requests",
                &body,
            )
            .await?;
        if reply.ok() {
            let created: CertRequest = reply.json().await?;
            return Ok(see_other(&format!(
                "/me/requests/{}?done=so-done-request-sent",
                seg(&created.id)
            )));
        }
        let problem = reply.problem().await;
        match problem.field.as_deref() {
            Some("entryId") => errors.add("entry", t.get("so-field-entryId")),
            Some("message") => errors.add("message", t.get("so-field-request-message")),
            Some("org") => errors.add("org_q", t.get("so-field-org")),
            Some("documents") => errors.add("documents", t.get("so-field-documents")),
            _ if problem.status == 409 => errors.add("", t.get("so-request-duplicate")),
            _ => errors = problem_errors(t, &problem, &[]),
        }
    }
    let draft = Draft {
        entry,
        org,
        message,
        chosen: documents,
    };
    let view = new_view(&state, &ctx, &me, draft, errors).await?;
    let mut response = render(ctx.lang, &view);
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

#[derive(Template)]
#[template(path = "social/request.html")]
struct ShowPage {
    c: Chrome,
    r: CertRequest,
    entry_title: String,
}

/// One request and its outcome. The logged-in citizen (others: 404).
async fn show(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let path = format!("/wallet/certification-requests/{}", seg(&id));
    let (r, e) = tokio::join!(
        state.get(&ctx, &me.who, &path),
        state.get(&ctx, &me.who, "/wallet/entries"),
    );
    let r = r?;
    if !r.ok() {
        return Err(PageError::from_problem(r.problem().await));
    }
    let request: CertRequest = r.json().await?;
    let entries: Items<Entry> = e?.json().await?;
    let mut c = me.chrome(&state, &ctx, "so-request-title");
    flash(&mut c, &ctx);
    Ok(render(
        ctx.lang,
        &ShowPage {
            c,
            entry_title: entry_title(&entries.items, &request.entry_id),
            r: request,
        },
    ))
}

/// Withdraws a pending request. The logged-in citizen (CSRF-checked).
async fn cancel(
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
            &format!("/wallet/certification-requests/{}", seg(&id)),
        )
        .await?;
    Ok(see_other(&format!(
        "/me/requests/{}?done=so-done-request-cancelled",
        seg(&id)
    )))
}
