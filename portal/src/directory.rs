//! The public directory of organisations (`/organisations`): a search by
//! name (accents and case do not matter), town and kind, and each listed
//! organisation's page (names, description, accreditation, public
//! templates, DID). Anyone; through the API's `/directory/...` routes.
//!
//! [`search`] also serves the pages that pick an organisation (a
//! certification request): a plain GET form lists matches, each with a
//! "choose" button, so no identifier has to be typed.

use crate::{
    api::{seg, As},
    ctx::Ctx,
    forms::Errors,
    page::{render, Area, Chrome, PageError},
    PortalState,
};
use askama::Template;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
    routing::get,
    Router,
};
use serde::Deserialize;

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/organisations", get(list))
        .route("/organisations/{slug}", get(show))
}

/// The kinds of organisation, as the API names them.
pub const KINDS: [&str; 7] = atout_core::directory::KINDS;

#[derive(Debug, Clone, Deserialize)]
pub struct Names {
    pub fr: String,
    pub en: String,
}

impl Names {
    pub fn pick(&self, lang: &str) -> &str {
        if lang == "en" && !self.en.is_empty() {
            &self.en
        } else {
            &self.fr
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Item {
    pub slug: String,
    pub name: Names,
    #[serde(default)]
    pub town: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub accredited: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Results {
    pub items: Vec<Item>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Accreditation {
    pub status: String,
    #[serde(default)]
    pub reference: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub valid_from: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default)]
    pub valid_until: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgTemplate {
    pub id: String,
    pub name: Names,
    pub credential_type: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Entry {
    pub slug: String,
    pub name: Names,
    pub did: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub town: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    pub accreditation: Accreditation,
    #[serde(default)]
    pub templates: Vec<OrgTemplate>,
}

/// A search as typed in a form.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub q: String,
    pub town: String,
    pub kind: String,
    pub page: u32,
}

impl Query {
    /// From the page's query string (`q`, `town`, `kind`, `page`).
    pub fn from_ctx(ctx: &Ctx, q_name: &str) -> Self {
        Self {
            q: ctx
                .query_param(q_name)
                .unwrap_or_default()
                .trim()
                .to_owned(),
            town: ctx
                .query_param("town")
                .unwrap_or_default()
                .trim()
                .to_owned(),
            kind: ctx
                .query_param("kind")
                .unwrap_or_default()
                .trim()
                .to_owned(),
            page: ctx
                .query_param("page")
                .and_then(|p| p.parse().ok())
                .unwrap_or(1),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.q.is_empty() && self.town.is_empty() && self.kind.is_empty()
    }

    fn api_path(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        for (k, v) in [("q", &self.q), ("town", &self.town), ("kind", &self.kind)] {
            if !v.is_empty() {
                pairs.push((k, v.clone()));
            }
        }
        if self.page > 1 {
            pairs.push(("page", self.page.to_string()));
        }
        format!(
            "/directory/organisations?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    }
}

/// Searches the directory through the API. A search the API refuses (too
/// long, too many words, a page out of range) is an error tied to its
/// field, in the visitor's language.
pub async fn search(
    state: &PortalState,
    ctx: &Ctx,
    query: &Query,
    q_field: &str,
) -> Result<(Option<Results>, Errors), PageError> {
    let reply = state.get(ctx, &As::Nobody, &query.api_path()).await?;
    if reply.ok() {
        return Ok((Some(reply.json().await?), Errors::default()));
    }
    let problem = reply.problem().await;
    if problem.status != 422 && problem.status != 400 {
        return Err(PageError::from_problem(problem));
    }
    let tr = ctx.t();
    let mut errors = Errors::default();
    match problem.field.as_deref() {
        Some("town") => errors.add("town", tr.get("dir-field-town")),
        Some("kind") => errors.add("kind", tr.get("dir-field-kind")),
        Some("page") | Some("per_page") => errors.add(q_field, tr.get("dir-field-page")),
        _ => errors.add(q_field, tr.get("dir-field-q")),
    }
    Ok((None, errors))
}

/// How many organisations' names a form suggests at most (a `<datalist>`).
pub const MAX_SUGGESTED: usize = 500;
/// The API's largest page.
const API_PAGE: u32 = atout_core::directory::MAX_PAGE_SIZE;

/// One page of `q` (folded words, or all when empty), `API_PAGE` a page.
async fn page_of(state: &PortalState, ctx: &Ctx, q: &str, page: u32) -> Result<Results, PageError> {
    let mut pairs = vec![
        ("per_page", API_PAGE.to_string()),
        ("page", page.to_string()),
    ];
    if !q.is_empty() {
        pairs.push(("q", q.to_owned()));
    }
    let path = format!(
        "/directory/organisations?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    );
    let reply = state.get(ctx, &As::Nobody, &path).await?;
    if !reply.ok() {
        return Err(PageError::from_problem(reply.problem().await));
    }
    reply.json().await
}

/// Listed organisations matching `q` (every one when empty), by name, at
/// most `max` (pages of the directory API until then).
async fn listed(
    state: &PortalState,
    ctx: &Ctx,
    q: &str,
    max: usize,
) -> Result<Vec<Item>, PageError> {
    let mut out: Vec<Item> = Vec::new();
    let mut page = 1;
    loop {
        let r = page_of(state, ctx, q, page).await?;
        let last =
            r.items.len() < API_PAGE as usize || i64::from(page) * i64::from(API_PAGE) >= r.total;
        out.extend(r.items);
        if last || out.len() >= max || page >= atout_core::directory::MAX_PAGE {
            break;
        }
        page += 1;
    }
    out.truncate(max);
    Ok(out)
}

/// The listed organisations' names in the visitor's language, for a
/// `<datalist>` (at most [`MAX_SUGGESTED`], by name, each once).
pub async fn suggested_names(state: &PortalState, ctx: &Ctx) -> Result<Vec<String>, PageError> {
    let lang = ctx.lang.code();
    let mut seen = std::collections::HashSet::new();
    Ok(listed(state, ctx, "", MAX_SUGGESTED)
        .await?
        .iter()
        .map(|i| i.name.pick(lang).to_owned())
        .filter(|n| seen.insert(n.clone()))
        .collect())
}

/// What a typed organisation name designates.
#[derive(Debug)]
pub enum Resolved {
    One(Item),
    NoMatch,
    /// Several organisations bear that name: their identifiers tell them
    /// apart.
    Several(Vec<Item>),
}

/// Resolves what a person typed to one listed organisation: its
/// identifier, or its French or English name with accents, case and
/// punctuation aside (`atout_core::directory::fold`).
pub async fn resolve(state: &PortalState, ctx: &Ctx, typed: &str) -> Result<Resolved, PageError> {
    use atout_core::directory::{fold, MAX_QUERY_CHARS, MAX_QUERY_WORDS};
    let typed = typed.trim();
    let folded = fold(typed);
    if folded.is_empty()
        || folded.chars().count() > MAX_QUERY_CHARS
        || folded.split(' ').count() > MAX_QUERY_WORDS
    {
        return Ok(Resolved::NoMatch);
    }
    // Every exact name contains the words: search them, then keep the
    // names that are exactly the text (or the identifier).
    let found = listed(state, ctx, &folded, MAX_SUGGESTED).await?;
    if let Some(item) = found.iter().find(|i| i.slug.eq_ignore_ascii_case(typed)) {
        return Ok(Resolved::One(item.clone()));
    }
    let mut matches: Vec<Item> = found
        .into_iter()
        .filter(|i| fold(&i.name.fr) == folded || fold(&i.name.en) == folded)
        .collect();
    Ok(match matches.len() {
        0 => Resolved::NoMatch,
        1 => Resolved::One(matches.remove(0)),
        _ => Resolved::Several(matches),
    })
}

#[derive(Template)]
#[template(path = "directory/list.html")]
struct ListPage {
    c: Chrome,
    q: Query,
    kinds: [&'static str; 7],
    results: Option<Results>,
    errors: Errors,
    prev_href: Option<String>,
    next_href: Option<String>,
}

impl ListPage {
    fn name<'a>(&self, i: &'a Item) -> &'a str {
        i.name.pick(self.c.lang)
    }
}

fn page_href(q: &Query, page: u32, lang: &str) -> String {
    let mut pairs: Vec<(&str, String)> = vec![("lang", lang.to_owned())];
    for (k, v) in [("q", &q.q), ("town", &q.town), ("kind", &q.kind)] {
        if !v.is_empty() {
            pairs.push((k, v.clone()));
        }
    }
    pairs.push(("page", page.to_string()));
    format!(
        "/organisations?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
}

/// The directory: a search form and the listed organisations matching
/// it, 20 a page. Anyone.
async fn list(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let q = Query::from_ctx(&ctx, "q");
    let (results, errors) = search(&state, &ctx, &q, "q").await?;
    let c = Chrome::new(&state, &ctx, Area::Public, "dir-title");
    let (prev_href, next_href) = match &results {
        Some(r) => (
            (r.page > 1).then(|| page_href(&q, r.page - 1, c.lang)),
            (i64::from(r.page) * i64::from(r.per_page) < r.total && r.page < 500)
                .then(|| page_href(&q, r.page + 1, c.lang)),
        ),
        None => (None, None),
    };
    let failed = !errors.is_empty();
    let mut response = render(
        ctx.lang,
        &ListPage {
            c,
            q,
            kinds: KINDS,
            results,
            errors,
            prev_href,
            next_href,
        },
    );
    if failed {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

#[derive(Template)]
#[template(path = "directory/org.html")]
struct OrgPage {
    c: Chrome,
    e: Entry,
    name: String,
    other_name: Option<String>,
}

impl OrgPage {
    fn template_name<'a>(&self, t: &'a OrgTemplate) -> &'a str {
        t.name.pick(self.c.lang)
    }
}

/// A listed organisation's page. Anyone (an unlisted or unknown one: 404).
async fn show(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let e: Entry = state
        .get(
            &ctx,
            &As::Nobody,
            &format!("/directory/organisations/{}", seg(&slug)),
        )
        .await?
        .json()
        .await?;
    let mut c = Chrome::new(&state, &ctx, Area::Public, "dir-org-title");
    let name = e.name.pick(c.lang).to_owned();
    let other = if c.lang == "en" {
        &e.name.fr
    } else {
        &e.name.en
    };
    let other_name = (!other.is_empty() && *other != name).then(|| other.clone());
    c.title = name.clone();
    Ok(render(
        ctx.lang,
        &OrgPage {
            c,
            e,
            name,
            other_name,
        },
    ))
}
