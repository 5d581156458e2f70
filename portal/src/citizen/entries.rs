//! Describing one's path: the entries (experiences, education, skills,
//! languages, projects, interests) with their trust level, an editor for
//! each kind, the documents attached to an entry, deletion. The logged-in
//! citizen only.

use super::{Entry, Holding, Me};
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
use serde_json::{json, Map, Value};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/me/entries", get(list))
        .route("/me/entries/new", get(new_page).post(create))
        .route("/me/entries/{id}", get(show).post(update))
        .route("/me/entries/{id}/delete", post(delete))
        .route("/me/entries/{id}/documents", post(attach))
        .route("/me/entries/{id}/documents/{doc}/detach", post(detach))
}

pub const KINDS: [&str; 6] = [
    "experience",
    "education",
    "skill",
    "language",
    "project",
    "interest",
];
pub const LEVELS: [&str; 6] = ["A1", "A2", "B1", "B2", "C1", "C2"];
pub const SKILLS: [&str; 5] = [
    "listening",
    "reading",
    "spokenInteraction",
    "spokenProduction",
    "writing",
];

#[derive(Deserialize)]
struct EntryList {
    items: Vec<Entry>,
}

#[derive(Template)]
#[template(path = "me/entries.html")]
struct ListPage {
    c: Chrome,
    groups: Vec<(String, Vec<Entry>)>,
}

/// Every entry, by kind. The logged-in citizen.
async fn list(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let list: EntryList = state
        .get(&ctx, &me.who, "/wallet/entries")
        .await?
        .json()
        .await?;
    let groups = KINDS
        .iter()
        .map(|k| {
            (
                (*k).to_owned(),
                list.items
                    .iter()
                    .filter(|e| e.kind == *k)
                    .cloned()
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, items)| !items.is_empty())
        .collect();
    Ok(render(
        ctx.lang,
        &ListPage {
            c: me.chrome(&state, &ctx, "entries-title"),
            groups,
        },
    ))
}

/// What the editor shows: the entry's fields as typed.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub kind: String,
    pub title: String,
    pub organisation: String,
    pub place: String,
    pub start_date: String,
    pub end_date: String,
    pub description: String,
    pub url: String,
    pub keywords: String,
    /// (framework, code) rows; three are shown.
    pub frameworks: Vec<(String, String)>,
    pub language_code: String,
    pub mother_tongue: bool,
    /// Level per skill, in [`SKILLS`] order.
    pub cefr: Vec<String>,
    pub holding_id: String,
}

impl Draft {
    fn from_entry(e: &Entry) -> Self {
        let d = &e.details;
        let text = |v: &Value, k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_owned();
        let mut frameworks: Vec<(String, String)> = d
            .get("frameworks")
            .and_then(|f| f.as_array())
            .map(|a| {
                a.iter()
                    .map(|f| (text(f, "framework"), text(f, "code")))
                    .collect()
            })
            .unwrap_or_default();
        frameworks.resize(3.max(frameworks.len()), Default::default());
        let cefr = SKILLS
            .iter()
            .map(|s| d.get("cefr").map(|c| text(c, s)).unwrap_or_default())
            .collect();
        Self {
            kind: e.kind.clone(),
            title: e.title.clone(),
            organisation: e.organisation.clone().unwrap_or_default(),
            place: e.place.clone().unwrap_or_default(),
            start_date: e.start_date.clone().unwrap_or_default(),
            end_date: e.end_date.clone().unwrap_or_default(),
            description: e.description.clone().unwrap_or_default(),
            url: text(d, "url"),
            keywords: d
                .get("keywords")
                .and_then(|k| k.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default(),
            frameworks,
            language_code: text(d, "languageCode"),
            mother_tongue: d
                .get("motherTongue")
                .and_then(|m| m.as_bool())
                .unwrap_or(false),
            cefr,
            holding_id: e.holding_id.clone().unwrap_or_default(),
        }
    }

    fn from_form(form: &PostForm, kind: String) -> Self {
        let frameworks = (0..3)
            .map(|i| {
                (
                    form.text(&format!("framework{i}")),
                    form.text(&format!("code{i}")),
                )
            })
            .collect();
        Self {
            kind,
            title: form.text("title"),
            organisation: form.text("organisation"),
            place: form.text("place"),
            start_date: form.text("startDate"),
            end_date: form.text("endDate"),
            description: form.text("description"),
            url: form.text("url"),
            keywords: form.text("keywords"),
            frameworks,
            language_code: form.text("languageCode"),
            mother_tongue: form.checked("motherTongue"),
            cefr: SKILLS
                .iter()
                .map(|s| form.text(&format!("cefr-{s}")))
                .collect(),
            holding_id: form.text("holdingId"),
        }
    }

    pub fn dated(&self) -> bool {
        matches!(self.kind.as_str(), "experience" | "education" | "project")
    }

    pub fn coded(&self) -> bool {
        !matches!(self.kind.as_str(), "language" | "interest")
    }

    pub fn is_language(&self) -> bool {
        self.kind == "language"
    }

    /// Some of the five levels chosen but not all (the grid is all or
    /// nothing).
    fn partial_cefr(&self) -> bool {
        self.is_language()
            && !self.mother_tongue
            && self.cefr.iter().any(|l| !l.is_empty())
            && self.cefr.iter().any(|l| l.is_empty())
    }

    /// The form's own checks, before the API's.
    fn check(&self, tr: &atout_web::i18n::Tr, errors: &mut Errors) {
        if self.title.is_empty() {
            errors.add("title", tr.get("field-title"));
        }
        if self.partial_cefr() {
            errors.add("cefr", tr.get("entry-cefr-partial"));
        }
    }

    /// A message key that depends on the kind (`entry-title-education`).
    pub fn key(&self, prefix: &str) -> String {
        format!("{prefix}{}", self.kind)
    }

    pub fn level(&self, i: &usize) -> &str {
        self.cefr.get(*i).map(String::as_str).unwrap_or("")
    }

    /// The JSON the API takes; `patch` sends `null` for cleared fields.
    fn to_json(&self, patch: bool) -> Value {
        let mut body = Map::new();
        let opt = |s: &str| {
            if s.is_empty() {
                Value::Null
            } else {
                Value::String(s.to_owned())
            }
        };
        if !patch {
            body.insert("kind".into(), json!(self.kind));
        }
        body.insert("title".into(), json!(self.title));
        if self.dated() {
            body.insert("organisation".into(), opt(&self.organisation));
            body.insert("place".into(), opt(&self.place));
            body.insert("startDate".into(), opt(&self.start_date));
            body.insert("endDate".into(), opt(&self.end_date));
        }
        body.insert("description".into(), opt(&self.description));
        let mut details = Map::new();
        if !self.url.is_empty() {
            details.insert("url".into(), json!(self.url));
        }
        let keywords: Vec<&str> = self
            .keywords
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .collect();
        if !keywords.is_empty() {
            details.insert("keywords".into(), json!(keywords));
        }
        if self.coded() {
            let codes: Vec<Value> = self
                .frameworks
                .iter()
                .filter(|(f, c)| !f.is_empty() && !c.is_empty())
                .map(|(f, c)| json!({"framework": f, "code": c}))
                .collect();
            if !codes.is_empty() {
                details.insert("frameworks".into(), Value::Array(codes));
            }
        }
        if self.is_language() {
            if !self.language_code.is_empty() {
                details.insert("languageCode".into(), json!(self.language_code));
            }
            if self.mother_tongue {
                details.insert("motherTongue".into(), json!(true));
            } else if self.cefr.iter().any(|l| !l.is_empty()) {
                let grid: Map<String, Value> = SKILLS
                    .iter()
                    .zip(&self.cefr)
                    .map(|(s, l)| ((*s).to_owned(), json!(l)))
                    .collect();
                details.insert("cefr".into(), Value::Object(grid));
            }
        }
        if details.is_empty() {
            body.insert("details".into(), Value::Null);
        } else {
            body.insert("details".into(), Value::Object(details));
        }
        body.insert("holdingId".into(), opt(&self.holding_id));
        if !patch {
            body.retain(|_, v| !v.is_null());
        }
        Value::Object(body)
    }
}

#[derive(Deserialize)]
struct HoldingList {
    items: Vec<Holding>,
}

#[derive(Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Doc {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub content_type: String,
    #[serde(default)]
    pub size: i64,
}

#[derive(Deserialize)]
struct DocList {
    items: Vec<Doc>,
}

#[derive(Template)]
#[template(path = "me/entry_edit.html")]
struct EditPage {
    c: Chrome,
    /// None while creating.
    entry: Option<Entry>,
    d: Draft,
    holdings: Vec<Holding>,
    attached: Vec<Doc>,
    documents: Vec<Doc>,
    errors: Errors,
    kinds: [&'static str; 6],
    levels: [&'static str; 6],
    skills: [&'static str; 5],
    /// The codes' labels, in the page's language.
    frameworks: std::sync::Arc<atout_web::frameworks::Frameworks>,
}

impl EditPage {
    /// A code's label in the page's language ("" when the code is not in a
    /// framework loaded), with the language it falls back to.
    fn code_label(&self, framework: &str, code: &str) -> String {
        if code.trim().is_empty() {
            return String::new();
        }
        match self.frameworks.describe(framework, code, self.c.lang) {
            Some((label, None)) => label,
            Some((label, Some(lang))) => {
                format!("{label} ({})", self.c.t(format!("lang-name-{lang}")))
            }
            None => String::new(),
        }
    }
}

async fn holdings(state: &PortalState, ctx: &Ctx, me: &Me) -> Result<Vec<Holding>, PageError> {
    let list: HoldingList = state
        .get(ctx, &me.who, "/wallet/holdings?limit=100")
        .await?
        .json()
        .await?;
    Ok(list.items)
}

/// The editor for a new entry (`?kind=`). The logged-in citizen.
async fn new_page(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let kind = ctx
        .query_param("kind")
        .filter(|k| KINDS.contains(&k.as_str()))
        .unwrap_or_else(|| "experience".into());
    let d = Draft {
        kind,
        frameworks: vec![Default::default(); 3],
        cefr: vec![String::new(); 5],
        ..Default::default()
    };
    let view = EditPage {
        c: me.chrome(&state, &ctx, "entry-new-title"),
        entry: None,
        d,
        holdings: holdings(&state, &ctx, &me).await?,
        attached: Vec::new(),
        documents: Vec::new(),
        errors: Errors::default(),
        kinds: KINDS,
        levels: LEVELS,
        skills: SKILLS,
        frameworks: state.app.frameworks.clone(),
    };
    Ok(render(ctx.lang, &view))
}

/// The API's field names for the form's.
const FIELDS: [&str; 12] = [
    "title",
    "url",
    "keywords",
    "languageCode",
    "organisation",
    "place",
    "startDate",
    "endDate",
    "description",
    "details",
    "holdingId",
    "kind",
];

/// Creates an entry. The logged-in citizen (CSRF-checked).
async fn create(
    State(state): State<PortalState>,
    ctx: Ctx,
    form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let kind = form
        .get("kind")
        .filter(|k| KINDS.contains(k))
        .unwrap_or("experience")
        .to_owned();
    let d = Draft::from_form(&form, kind);
    let mut errors = Errors::default();
    d.check(ctx.t(), &mut errors);
    if errors.is_empty() {
        let reply = state
            .send_json(
                &ctx,
                &me.who,
                Method::POST,
                "/wallet/entries",
                &d.to_json(false),
            )
            .await?;
        if reply.ok() {
            let entry: Entry = reply.json().await?;
            return Ok(see_other(&format!(
                "/me/entries/{}?done=done-entry-saved",
                seg(&entry.id)
            )));
        }
        errors = Errors::from_problem(ctx.t(), &reply.problem().await, &FIELDS);
    }
    let view = EditPage {
        c: me.chrome(&state, &ctx, "entry-new-title"),
        entry: None,
        d,
        holdings: holdings(&state, &ctx, &me).await?,
        attached: Vec::new(),
        documents: Vec::new(),
        errors,
        kinds: KINDS,
        levels: LEVELS,
        skills: SKILLS,
        frameworks: state.app.frameworks.clone(),
    };
    let mut response = render(ctx.lang, &view);
    *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

async fn edit_view(
    state: &PortalState,
    ctx: &Ctx,
    me: &Me,
    id: &str,
    draft: Option<Draft>,
    errors: Errors,
) -> Result<EditPage, PageError> {
    let entry: Entry = state
        .get(ctx, &me.who, &format!("/wallet/entries/{}", seg(id)))
        .await?
        .json()
        .await?;
    let attached_path = format!("/wallet/entries/{}/documents", seg(id));
    let (attached, documents) = tokio::join!(
        state.get(ctx, &me.who, &attached_path),
        state.get(ctx, &me.who, "/wallet/documents"),
    );
    let attached: DocList = attached?.json().await?;
    let documents: DocList = documents?.json().await?;
    let documents = documents
        .items
        .into_iter()
        .filter(|d| !attached.items.iter().any(|a| a.id == d.id))
        .collect();
    let d = draft.unwrap_or_else(|| Draft::from_entry(&entry));
    Ok(EditPage {
        c: me.chrome(state, ctx, "entry-edit-title"),
        entry: Some(entry),
        d,
        holdings: holdings(state, ctx, me).await?,
        attached: attached.items,
        documents,
        errors,
        kinds: KINDS,
        levels: LEVELS,
        skills: SKILLS,
        frameworks: state.app.frameworks.clone(),
    })
}

/// One entry in its editor. The logged-in citizen (others: 404).
async fn show(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let view = edit_view(&state, &ctx, &me, &id, None, Errors::default()).await?;
    Ok(render(ctx.lang, &view))
}

/// Saves an entry. The logged-in citizen (CSRF-checked).
async fn update(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let current: Entry = state
        .get(&ctx, &me.who, &format!("/wallet/entries/{}", seg(&id)))
        .await?
        .json()
        .await?;
    let d = Draft::from_form(&form, current.kind.clone());
    let mut errors = Errors::default();
    d.check(ctx.t(), &mut errors);
    if errors.is_empty() {
        let reply = state
            .send_json(
                &ctx,
                &me.who,
                Method::PATCH,
                &format!("/wallet/entries/{}", seg(&id)),
                &d.to_json(true),
            )
            .await?;
        if reply.ok() {
            return Ok(see_other(&format!(
                "/me/entries/{}?done=done-entry-saved",
                seg(&id)
            )));
        }
        errors = Errors::from_problem(ctx.t(), &reply.problem().await, &FIELDS);
    }
    let view = edit_view(&state, &ctx, &me, &id, Some(d), errors).await?;
    let mut response = render(ctx.lang, &view);
    *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

/// Deletes an entry. The logged-in citizen (CSRF-checked).
async fn delete(
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
            &format!("/wallet/entries/{}", seg(&id)),
        )
        .await?;
    Ok(see_other("/me/entries?done=done-entry-deleted"))
}

/// Attaches one of the citizen's documents. The logged-in citizen
/// (CSRF-checked).
async fn attach(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let doc = form.text("document");
    state
        .act(
            &ctx,
            &me.who,
            Method::PUT,
            &format!("/wallet/entries/{}/documents/{}", seg(&id), seg(&doc)),
        )
        .await?;
    Ok(see_other(&format!(
        "/me/entries/{}?done=done-document-attached",
        seg(&id)
    )))
}

/// Detaches a document (it stays in the vault). The logged-in citizen
/// (CSRF-checked).
async fn detach(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path((id, doc)): Path<(String, String)>,
    _form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    state
        .act(
            &ctx,
            &me.who,
            Method::DELETE,
            &format!("/wallet/entries/{}/documents/{}", seg(&id), seg(&doc)),
        )
        .await?;
    Ok(see_other(&format!(
        "/me/entries/{}?done=done-document-detached",
        seg(&id)
    )))
}
