//! Bulk issuance: a CSV file issued from a template. A file with bad rows
//! is refused whole, and the rows are listed; an accepted file becomes a
//! batch, whose page shows its progress (live with JavaScript through
//! `progress.json`, by refreshing without) and the outcome of every row.
//! Delivery: the upload form asks whether to mail offers to the rows'
//! e-mails and in which language; the batch page shows each row's delivery
//! status and the counts, with buttons to resend or withdraw one offer or
//! all (the organisation's key or the administrator, CSRF-checked).

use super::{check, problem_errors, subject, templates, unprocessable, OrgPage};
use crate::{
    api::seg,
    ctx::Ctx,
    forms::{Errors, PostForm},
    page::{render, see_other, Chrome, PageError},
    uploads::StreamedUpload,
    PortalState,
};
use askama::Template;
use atout_web::i18n::Arg;
use axum::{
    body::Body,
    extract::{Path, State},
    http::{header, Method},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub fn router() -> Router<PortalState> {
    Router::new()
        .route(
            "/console/orgs/{slug}/batches/new",
            get(new_page).post(upload),
        )
        .route("/console/orgs/{slug}/batches/{id}", get(show))
        .route(
            "/console/orgs/{slug}/batches/{id}/progress.json",
            get(progress),
        )
        .route(
            "/console/orgs/{slug}/batches/{id}/resend",
            post(
                |s: State<PortalState>, c: Ctx, p: Path<(String, String)>, f: PostForm| {
                    delivery_all(s, c, p, f, "resend")
                },
            ),
        )
        .route(
            "/console/orgs/{slug}/batches/{id}/withdraw",
            post(
                |s: State<PortalState>, c: Ctx, p: Path<(String, String)>, f: PostForm| {
                    delivery_all(s, c, p, f, "withdraw")
                },
            ),
        )
        .route(
            "/console/orgs/{slug}/batches/{id}/rows/{row}/resend",
            post(
                |s: State<PortalState>, c: Ctx, p: Path<(String, String, String)>, f: PostForm| {
                    delivery_row(s, c, p, f, "resend")
                },
            ),
        )
        .route(
            "/console/orgs/{slug}/batches/{id}/rows/{row}/withdraw",
            post(
                |s: State<PortalState>, c: Ctx, p: Path<(String, String, String)>, f: PostForm| {
                    delivery_row(s, c, p, f, "withdraw")
                },
            ),
        )
}

/// A problem of the file the API refused, as a sentence in the page's
/// language ("Ligne 12, colonne « Date d’obtention » : tapez une date
/// comme 01/07/2025.").
#[derive(Debug, Clone)]
pub struct BadRow {
    pub message: String,
}

/// The prefix of the constants' fields in the upload form.
pub const CONSTANT_PREFIX: &str = "c.";

/// The API's `errors` (`{row, line, column, field, constant, code, args}`)
/// as sentences; a constant's problem goes to its form field instead.
fn bad_rows(
    t: &atout_web::i18n::Tr,
    problem: &Value,
    fields: &mut [subject::Field],
) -> Vec<BadRow> {
    let mut out = Vec::new();
    for e in problem
        .get("errors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let text = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
        let code = text("code");
        let field = text("field");
        let decimal = t.get("co-csv-decimal");
        let args: Vec<(&str, Arg<'_>)> = e
            .get("args")
            .and_then(Value::as_object)
            .map(|a| {
                a.iter()
                    .map(|(k, v)| {
                        let arg = match v {
                            Value::Number(n) => match n.as_i64() {
                                Some(i) => Arg::Number(i),
                                None => Arg::Owned(n.to_string().replace('.', &decimal)),
                            },
                            Value::String(s) => Arg::Text(s.as_str()),
                            other => Arg::Owned(other.to_string()),
                        };
                        (k.as_str(), arg)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let key = format!("co-csv-{code}");
        let key = if t.has(&key) {
            key
        } else {
            "co-csv-invalid".to_owned()
        };
        let what = t.with(&key, &args);
        if e.get("constant") == Some(&Value::Bool(true)) {
            if let Some(f) = fields.iter_mut().find(|f| f.path == field) {
                f.error = Some(capitalise(&what));
                continue;
            }
        }
        // The column as the file names it, else the field's label.
        let mut column = text("column");
        if column.is_empty() {
            if let Some(f) = fields.iter().find(|f| !field.is_empty() && f.path == field) {
                column = f.label.clone();
            } else if !field.is_empty() {
                column = subject::humanise(&field);
            }
        }
        let line = e.get("line").and_then(Value::as_i64).unwrap_or(0);
        let row = e.get("row").and_then(Value::as_i64).unwrap_or(0);
        let prefix = match (
            row,
            column.is_empty(),
            e.get("constant") == Some(&Value::Bool(true)),
        ) {
            (_, _, true) => t.arg("co-csv-at-constant", "column", column),
            (0, true, _) => t.get("co-csv-at-file"),
            (0, false, _) => t.arg("co-csv-at-header", "column", column),
            (_, true, _) => t.arg("co-csv-at-row", "line", line),
            (_, false, _) => t.with(
                "co-csv-at-cell",
                &[("line", Arg::Number(line)), ("column", Arg::Owned(column))],
            ),
        };
        out.push(BadRow {
            message: format!("{prefix} {what}"),
        });
    }
    out
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The constant fields a template offers: every field but the holder's
/// `id` and the fixed ones (filled by themselves).
fn constant_fields(template: &templates::TemplateSpec, lang: &str) -> Vec<subject::Field> {
    subject::fields(&template.subject_schema, lang)
        .into_iter()
        .filter(|f| f.path != "id" && f.fixed().is_none())
        .map(|mut f| {
            f.required = false;
            f
        })
        .collect()
}

#[derive(Template)]
#[template(path = "console/batch_new.html")]
struct NewPage {
    c: Chrome,
    base: String,
    templates: Vec<templates::TemplateSpec>,
    chosen: String,
    /// The chosen template's fields, as values for every row.
    constants: Vec<subject::Field>,
    own_key: bool,
    bad_rows: Vec<BadRow>,
    errors: Errors,
}

impl NewPage {
    fn columns(&self, t: &templates::TemplateSpec) -> String {
        let mut cols = vec!["reference".to_owned(), "email".to_owned()];
        cols.extend(
            super::subject::fields(&t.subject_schema, "fr")
                .into_iter()
                .filter(|f| f.path != "id")
                .map(|f| f.path),
        );
        cols.join(",")
    }

    /// The same columns named by their labels, separated by semicolons
    /// (as a French spreadsheet saves them).
    fn label_columns(&self, t: &templates::TemplateSpec) -> String {
        let mut cols = vec![self.c.t("co-csv-reference-column"), "e-mail".to_owned()];
        cols.extend(
            super::subject::fields(&t.subject_schema, self.c.lang)
                .into_iter()
                .filter(|f| f.path != "id" && f.fixed().is_none())
                .map(|f| f.label),
        );
        cols.join(";")
    }

    fn constant_name(&self, f: &subject::Field) -> String {
        format!("{CONSTANT_PREFIX}{}", f.path)
    }
}

/// The upload form. The organisation's key or the administrator (only the
/// key issues).
async fn new_page(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    let templates = templates::load_all(&state, &ctx, &page).await?;
    let chosen = ctx.query_param("template").unwrap_or_default();
    let constants = templates
        .iter()
        .find(|t| t.id == chosen)
        .map(|t| constant_fields(t, ctx.lang.code()))
        .unwrap_or_default();
    Ok(render(
        ctx.lang,
        &NewPage {
            c: page.chrome(&state, &ctx, "co-batch-new-title"),
            base: page.base(),
            chosen,
            constants,
            templates,
            own_key: page.is_own_key(),
            bad_rows: Vec::new(),
            errors: Errors::default(),
        },
    ))
}

/// Starts a batch from an uploaded CSV. The organisation's own key
/// (CSRF-checked).
async fn upload(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    mut form: StreamedUpload,
) -> Result<Response, PageError> {
    let page = match OrgPage::load(&state, &ctx, &slug).await {
        Ok(page) if page.is_own_key() => page,
        Ok(_) => {
            form.discard().await?;
            return Err(PageError::Forbidden);
        }
        Err(e) => {
            form.discard().await?;
            return Err(e);
        }
    };
    let t = ctx.t();
    let template = form.fields.text("template");
    let mut errors = Errors::default();
    let mut bad_rows = Vec::new();
    if template.is_empty() {
        errors.add("template", t.get("co-field-template"));
    }
    let templates = templates::load_all(&state, &ctx, &page).await?;
    // The values for every row, for the chosen template's fields only.
    let mut constants = templates
        .iter()
        .find(|t| t.id == template)
        .map(|t| constant_fields(t, ctx.lang.code()))
        .unwrap_or_default();
    let mut given = serde_json::Map::new();
    for f in constants.iter_mut() {
        f.value = form.fields.text(&format!("{CONSTANT_PREFIX}{}", f.path));
        if !f.value.is_empty() {
            given.insert(f.path.clone(), Value::String(f.value.clone()));
        }
    }
    let file = form.file.clone();
    if file.is_none() {
        errors.add("file", t.get("co-field-file"));
    }
    if let (true, Some(file)) = (errors.is_empty(), file) {
        let jsonl = file.name.ends_with(".jsonl")
            || file
                .content_type
                .as_deref()
                .is_some_and(|c| c.contains("jsonl") || c.contains("ndjson"));
        let deliver = form.fields.get("deliver").is_some();
        let lang = match form.fields.get("lang") {
            Some("en") => "en",
            _ => "fr",
        };
        // Streamed to the API (see `crate::uploads`).
        let limit = atout_web::BATCH_BODY_LIMIT as u64;
        let (reply, size) = form
            .forward(
                &state,
                &ctx,
                &page.staff.who,
                &format!(
                    "{}/batches?{}",
                    page.api(),
                    serde_urlencoded::to_string([
                        ("template", template.as_str()),
                        ("constants", &Value::Object(given).to_string()),
                        ("deliver", if deliver { "true" } else { "false" }),
                        ("lang", lang),
                    ])
                    .unwrap_or_default()
                ),
                if jsonl {
                    "application/jsonl"
                } else {
                    "text/csv"
                },
                limit,
            )
            .await?;
        if reply.ok() {
            let batch: Batch = reply.json().await?;
            return Ok(see_other(&format!(
                "{}/batches/{}?done=done-co-batch-started",
                page.base(),
                seg(&batch.id)
            )));
        }
        let problem = reply.problem().await;
        if problem.status == 404 {
            errors.add("template", t.get("co-field-template"));
        } else if problem.status == 413 {
            let limit = crate::uploads::stated_limit(&problem, limit);
            errors.add(
                "file",
                crate::uploads::too_large_message(t, ctx.lang, size, limit),
            );
        } else {
            bad_rows = self::bad_rows(t, &problem.raw, &mut constants);
            let constant_errors = constants.iter().filter(|f| f.error.is_some()).count();
            errors = if bad_rows.is_empty() && constant_errors > 0 {
                let mut e = Errors::default();
                e.add("", t.get("co-fields-have-errors"));
                e
            } else if bad_rows.is_empty() {
                let mut e = problem_errors(t, &problem, &[]);
                e.0[0].0 = "file".into();
                e
            } else {
                let mut e = Errors::default();
                e.add(
                    "file",
                    t.arg("co-batch-refused", "count", bad_rows.len() as i64),
                );
                e
            };
        }
    }
    // Whatever was not sent on (a form refused before) is read to its end.
    form.discard().await?;
    Ok(unprocessable(render(
        ctx.lang,
        &NewPage {
            c: page.chrome(&state, &ctx, "co-batch-new-title"),
            base: page.base(),
            templates,
            chosen: template,
            constants,
            own_key: true,
            bad_rows,
            errors,
        },
    )))
}

#[derive(Debug, Clone, Deserialize)]
pub struct Batch {
    pub id: String,
    pub template_id: String,
    pub state: String,
    pub total: i64,
    pub issued: i64,
    pub skipped: i64,
    pub failed: i64,
    #[serde(default)]
    pub offered: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl Batch {
    pub fn done(&self) -> i64 {
        self.issued + self.offered + self.skipped + self.failed
    }

    pub fn finished(&self) -> bool {
        self.state != "running"
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Row {
    pub row_number: i64,
    pub reference: String,
    #[serde(default)]
    pub email: Option<String>,
    pub state: String,
    #[serde(default)]
    pub credential_ref: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub holder: Option<String>,
    #[serde(default)]
    pub delivery: Option<RowDelivery>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RowDelivery {
    pub status: String,
    #[serde(default)]
    pub email: Option<String>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    #[serde(default)]
    pub credential_ref: Option<String>,
}

impl RowDelivery {
    /// Whether the offer can still be resent or withdrawn.
    pub fn pending(&self) -> bool {
        ["queued", "sent", "opened", "expired", "bounced"].contains(&self.status.as_str())
    }
}

/// A batch's delivery counts (`GET .../delivery`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Delivery {
    #[serde(default)]
    pub offered: i64,
    #[serde(default)]
    pub counts: std::collections::BTreeMap<String, i64>,
}

impl Delivery {
    /// (status, count) in the order the page shows them.
    pub fn lines(&self) -> Vec<(&'static str, i64)> {
        [
            "queued",
            "sent",
            "opened",
            "accepted",
            "declined",
            "expired",
            "bounced",
            "withdrawn",
        ]
        .into_iter()
        .map(|s| (s, self.counts.get(s).copied().unwrap_or(0)))
        .collect()
    }

    pub fn pending(&self) -> i64 {
        ["queued", "sent", "opened", "expired", "bounced"]
            .iter()
            .map(|s| self.counts.get(*s).copied().unwrap_or(0))
            .sum()
    }
}

#[derive(Deserialize)]
struct Rows {
    items: Vec<Row>,
}

const ROWS_PER_PAGE: i64 = 500;

impl ShowPage {
    fn is_current(&self, s: &str) -> bool {
        self.state_filter == s
    }
}

#[derive(Template)]
#[template(path = "console/batch.html")]
struct ShowPage {
    c: Chrome,
    base: String,
    b: Batch,
    template_name: String,
    rows: Vec<Row>,
    progress_text: String,
    refresh: String,
    next: Option<String>,
    state_filter: String,
    delivery: Delivery,
}

fn progress_text(ctx: &Ctx, b: &Batch) -> String {
    let args = [
        ("done", b.done().into()),
        ("total", b.total.into()),
        ("issued", b.issued.into()),
        ("offered", b.offered.into()),
        ("skipped", b.skipped.into()),
        ("failed", b.failed.into()),
    ];
    let key = if b.finished() && b.offered > 0 {
        "co-batch-finished-offers"
    } else if b.finished() {
        "co-batch-finished"
    } else {
        "co-batch-progress"
    };
    ctx.t().with(key, &args)
}

async fn load_batch(
    state: &PortalState,
    ctx: &Ctx,
    page: &OrgPage,
    id: &str,
) -> Result<Batch, PageError> {
    check(
        state
            .get(
                ctx,
                &page.staff.who,
                &format!("{}/batches/{}", page.api(), seg(id)),
            )
            .await?,
    )
    .await?
    .json()
    .await
}

/// A batch: its progress and its rows (`?state=` filters them, `?after=`
/// pages). The organisation's key or the administrator.
async fn show(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    let batch = load_batch(&state, &ctx, &page, &id).await?;
    let state_filter = ctx
        .query_param("state")
        .filter(|s| ["pending", "issued", "offered", "skipped", "failed"].contains(&s.as_str()))
        .unwrap_or_default();
    let after = ctx
        .query_param("after")
        .and_then(|a| a.parse::<i64>().ok())
        .filter(|a| *a >= 0)
        .unwrap_or(0);
    let mut rows_path = format!(
        "{}/batches/{}/rows?limit={ROWS_PER_PAGE}&after={after}",
        page.api(),
        seg(&id)
    );
    if !state_filter.is_empty() {
        rows_path.push_str(&format!("&state={state_filter}"));
    }
    let rows: Rows = state
        .get(&ctx, &page.staff.who, &rows_path)
        .await?
        .json()
        .await?;
    let next = (rows.items.len() as i64 == ROWS_PER_PAGE)
        .then(|| rows.items.last().map(|r| r.row_number))
        .flatten()
        .map(|last| {
            let mut q = format!("?after={last}");
            if !state_filter.is_empty() {
                q.push_str(&format!("&state={state_filter}"));
            }
            q
        });
    let delivery: Delivery = check(
        state
            .get(
                &ctx,
                &page.staff.who,
                &format!("{}/batches/{}/delivery", page.api(), seg(&id)),
            )
            .await?,
    )
    .await?
    .json()
    .await?;
    let template_name = templates::load_one(&state, &ctx, &page, &batch.template_id)
        .await
        .map(|t| t.name(ctx.lang.code()).to_owned())
        .unwrap_or_else(|_| batch.template_id.clone());
    let mut response = render(
        ctx.lang,
        &ShowPage {
            c: page.chrome(&state, &ctx, "co-batch-title"),
            base: page.base(),
            progress_text: progress_text(&ctx, &batch),
            refresh: format!("{}/batches/{}", page.base(), seg(&batch.id)),
            b: batch,
            template_name,
            rows: rows.items,
            next,
            state_filter,
            delivery,
        },
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, "no-store".parse().expect("header"));
    Ok(response)
}

#[derive(Serialize)]
struct Progress {
    total: i64,
    done: i64,
    finished: bool,
    text: String,
}

/// A batch's progress as JSON, for the page's script. The organisation's
/// key or the administrator.
async fn progress(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    let batch = load_batch(&state, &ctx, &page, &id).await?;
    let mut response = Json(Progress {
        total: batch.total,
        done: batch.done(),
        finished: batch.finished(),
        text: progress_text(&ctx, &batch),
    })
    .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, "no-store".parse().expect("header"));
    Ok(response)
}

/// Resends or withdraws the offers of every pending row. The
/// organisation's key or the administrator (CSRF-checked).
async fn delivery_all(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    _form: PostForm,
    action: &'static str,
) -> Result<Response, PageError> {
    delivery_action(&state, &ctx, &slug, &id, None, action).await
}

/// Resends or withdraws one row's offer. The organisation's key or the
/// administrator (CSRF-checked).
async fn delivery_row(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path((slug, id, row)): Path<(String, String, String)>,
    _form: PostForm,
    action: &'static str,
) -> Result<Response, PageError> {
    let row = row.parse::<i64>().map_err(|_| PageError::NotFound)?;
    delivery_action(&state, &ctx, &slug, &id, Some(row), action).await
}

async fn delivery_action(
    state: &PortalState,
    ctx: &Ctx,
    slug: &str,
    id: &str,
    row: Option<i64>,
    action: &str,
) -> Result<Response, PageError> {
    let page = OrgPage::load(state, ctx, slug).await?;
    let path = match row {
        Some(r) => format!("{}/batches/{}/rows/{r}/{action}", page.api(), seg(id)),
        None => format!("{}/batches/{}/{action}", page.api(), seg(id)),
    };
    let reply = state
        .call(
            ctx,
            &page.staff.who,
            Method::POST,
            &path,
            Body::empty(),
            None,
        )
        .await?;
    let back = format!("{}/batches/{}", page.base(), seg(id));
    if reply.status == 409 {
        // Accepted, declined or withdrawn meanwhile: the page says so.
        return Ok(see_other(&format!("{back}?done=done-co-bd-not-pending")));
    }
    #[derive(Deserialize)]
    struct Count {
        count: u64,
    }
    let done: Count = check(reply).await?.json().await?;
    let key = match (action, done.count) {
        (_, 0) => "done-co-bd-none",
        ("resend", _) => "done-co-bd-resent",
        _ => "done-co-bd-withdrawn",
    };
    Ok(see_other(&format!("{back}?done={key}")))
}
