//! Certification requests: the queue (pending or decided), one request
//! (the entry as declared, its documents through the API), approving it by
//! issuing from a chosen template (the form prefilled from the request) or
//! rejecting it with a reason the citizen reads.

use super::{
    check, problem_errors,
    subject::{self, Field},
    templates, unprocessable, OrgPage,
};
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
    routing::get,
    Router,
};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/console/orgs/{slug}/requests", get(list))
        .route("/console/orgs/{slug}/requests/{id}", get(show))
        .route(
            "/console/orgs/{slug}/requests/{id}/documents/{doc}",
            get(document),
        )
        .route(
            "/console/orgs/{slug}/requests/{id}/approve",
            get(back_to_request).post(approve),
        )
        .route(
            "/console/orgs/{slug}/requests/{id}/reject",
            get(back_to_request).post(reject),
        )
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Doc {
    pub id: String,
    pub name: String,
    pub content_type: String,
    pub size: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    pub id: String,
    pub state: String,
    pub citizen: String,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub entry: Value,
    #[serde(default)]
    pub prefill: Value,
    #[serde(default)]
    pub documents: Vec<Doc>,
    #[serde(default)]
    pub reason: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(default)]
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default)]
    pub credential_ref: Option<String>,
}

impl Request {
    pub fn entry_text(&self, key: &str) -> String {
        match self.entry.get(key) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(v) => v.to_string(),
        }
    }

    pub fn title(&self) -> String {
        self.entry_text("title")
    }

    pub fn period(&self) -> String {
        match (self.entry_text("startDate"), self.entry_text("endDate")) {
            (s, e) if !s.is_empty() && !e.is_empty() && s != e => format!("{s} – {e}"),
            (s, _) if !s.is_empty() => s,
            (_, e) => e,
        }
    }
}

#[derive(Deserialize)]
struct RequestList {
    items: Vec<Request>,
}

const STATES: [&str; 5] = ["pending", "approved", "rejected", "cancelled", "all"];

impl ListPage {
    fn is_current(&self, s: &str) -> bool {
        self.state_filter == s
    }
}

#[derive(Template)]
#[template(path = "console/requests.html")]
struct ListPage {
    c: Chrome,
    base: String,
    items: Vec<Request>,
    state_filter: String,
    states: Vec<&'static str>,
}

/// The queue (`?state=`: pending by default, approved, rejected,
/// cancelled or all). The organisation's key or the administrator.
async fn list(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    let state_filter = ctx
        .query_param("state")
        .filter(|s| STATES.contains(&s.as_str()))
        .unwrap_or_else(|| "pending".into());
    let found: RequestList = check(
        state
            .get(
                &ctx,
                &page.staff.who,
                &format!("{}/certification-requests?state={state_filter}", page.api()),
            )
            .await?,
    )
    .await?
    .json()
    .await?;
    Ok(render(
        ctx.lang,
        &ListPage {
            c: page.chrome(&state, &ctx, "co-requests-title"),
            base: page.base(),
            items: found.items,
            state_filter,
            states: STATES.to_vec(),
        },
    ))
}

async fn load(
    state: &PortalState,
    ctx: &Ctx,
    page: &OrgPage,
    id: &str,
) -> Result<Request, PageError> {
    check(
        state
            .get(
                ctx,
                &page.staff.who,
                &format!("{}/certification-requests/{}", page.api(), seg(id)),
            )
            .await?,
    )
    .await?
    .json()
    .await
}

#[derive(Template)]
#[template(path = "console/request.html")]
struct ShowPage {
    c: Chrome,
    base: String,
    r: Request,
    templates: Vec<templates::TemplateSpec>,
    /// The template chosen for approval, and its fields.
    chosen: Option<templates::TemplateSpec>,
    fields: Vec<Field>,
    reason: String,
    errors: Errors,
}

struct Decision {
    chosen: Option<templates::TemplateSpec>,
    fields: Vec<Field>,
    reason: String,
    errors: Errors,
}

async fn show_view(
    state: &PortalState,
    ctx: &Ctx,
    page: &OrgPage,
    r: Request,
    d: Decision,
) -> Result<ShowPage, PageError> {
    let templates = templates::load_all(state, ctx, page).await?;
    Ok(ShowPage {
        c: page.chrome(state, ctx, "co-request-title"),
        base: page.base(),
        r,
        templates,
        chosen: d.chosen,
        fields: d.fields,
        reason: d.reason,
        errors: d.errors,
    })
}

/// One request; `?template=` chooses the template to approve with (its
/// form prefilled from the request). The organisation's key or the
/// administrator.
async fn show(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    let r = load(&state, &ctx, &page, &id).await?;
    let (chosen, fields) = match ctx.query_param("template").filter(|t| !t.is_empty()) {
        Some(t) => {
            let template = templates::load_one(&state, &ctx, &page, &t).await?;
            let mut fields = subject::fields(&template.subject_schema, ctx.lang.code());
            subject::fill_from(&mut fields, &r.prefill);
            (Some(template), fields)
        }
        None => (None, Vec::new()),
    };
    let view = show_view(
        &state,
        &ctx,
        &page,
        r,
        Decision {
            chosen,
            fields,
            reason: String::new(),
            errors: Errors::default(),
        },
    )
    .await?;
    Ok(render(ctx.lang, &view))
}

/// A document attached to a request, through the API. The organisation's
/// key or the administrator.
async fn document(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path((slug, id, doc)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    let reply = check(
        state
            .get(
                &ctx,
                &page.staff.who,
                &format!(
                    "{}/certification-requests/{}/documents/{}",
                    page.api(),
                    seg(&id),
                    seg(&doc)
                ),
            )
            .await?,
    )
    .await?;
    Ok(reply.into_response())
}

/// A decision's address opened directly (e.g. the language switch of a
/// form shown again): the request's page. Anyone (the page checks).
async fn back_to_request(Path((slug, id)): Path<(String, String)>) -> Response {
    see_other(&format!(
        "/console/orgs/{}/requests/{}",
        seg(&slug),
        seg(&id)
    ))
}

/// Approves: issues from the chosen template into the citizen's wallet.
/// The organisation's key or the administrator (CSRF-checked).
async fn approve(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    form: PostForm,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    let r = load(&state, &ctx, &page, &id).await?;
    let t = ctx.t();
    let template_id = form.text("template");
    if template_id.is_empty() {
        let mut errors = Errors::default();
        errors.add("template", t.get("co-field-template"));
        let view = show_view(
            &state,
            &ctx,
            &page,
            r,
            Decision {
                chosen: None,
                fields: Vec::new(),
                reason: String::new(),
                errors,
            },
        )
        .await?;
        return Ok(unprocessable(render(ctx.lang, &view)));
    }
    let template = templates::load_one(&state, &ctx, &page, &template_id).await?;
    let mut fields = subject::fields(&template.subject_schema, ctx.lang.code());
    subject::fill_from_form(&mut fields, &form);
    let subject_value = subject::build(
        &mut fields,
        &t.get("co-field-required"),
        &t.get("co-field-bad-type"),
    );
    let mut errors = Errors::default();
    if fields.iter().all(|f| f.error.is_none()) {
        let reply = state
            .send_json(
                &ctx,
                &page.staff.who,
                Method::POST,
                &format!("{}/certification-requests/{}/approve", page.api(), seg(&id)),
                &json!({"templateId": template.id, "subject": subject_value}),
            )
            .await?;
        if reply.ok() {
            return Ok(see_other(&format!(
                "{}/requests/{}?done=done-co-request-approved",
                page.base(),
                seg(&id)
            )));
        }
        let mut problem = reply.problem().await;
        crate::problems::translate_schema_errors(t, &mut problem.raw);
        let general = subject::attach_errors(&mut fields, &problem.raw);
        errors = problem_errors(t, &problem, &[]);
        if problem.status == 409 {
            errors = Errors::default();
            errors.add("", t.get("co-request-not-pending"));
        }
        for g in general {
            errors.add("", g);
        }
    } else {
        errors.add("", t.get("co-fields-have-errors"));
    }
    let view = show_view(
        &state,
        &ctx,
        &page,
        r,
        Decision {
            chosen: Some(template),
            fields,
            reason: String::new(),
            errors,
        },
    )
    .await?;
    Ok(unprocessable(render(ctx.lang, &view)))
}

/// Rejects, with the reason the citizen reads. The organisation's key or
/// the administrator (CSRF-checked).
async fn reject(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    form: PostForm,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    let r = load(&state, &ctx, &page, &id).await?;
    let t = ctx.t();
    let reason = form.text("reason");
    let mut errors = Errors::default();
    if reason.is_empty() || reason.chars().count() > 2000 {
        errors.add("reason", t.get("co-field-reason"));
    } else {
        let reply = state
            .send_json(
                &ctx,
                &page.staff.who,
                Method::POST,
                &format!("{}/certification-requests/{}/reject", page.api(), seg(&id)),
                &json!({"reason": reason}),
            )
            .await?;
        if reply.ok() {
            return Ok(see_other(&format!(
                "{}/requests/{}?done=done-co-request-rejected",
                page.base(),
                seg(&id)
            )));
        }
        let problem = reply.problem().await;
        errors = problem_errors(t, &problem, &[("reason", "reason")]);
        if problem.status == 409 {
            errors = Errors::default();
            errors.add("", t.get("co-request-not-pending"));
        }
    }
    let view = show_view(
        &state,
        &ctx,
        &page,
        r,
        Decision {
            chosen: None,
            fields: Vec::new(),
            reason,
            errors,
        },
    )
    .await?;
    Ok(unprocessable(render(ctx.lang, &view)))
}
