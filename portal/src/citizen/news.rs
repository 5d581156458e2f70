//! The citizen's news (`/me/news`): the events that matter to them, ranked
//! by their path, each with why it is shown; filters (kind, days, how
//! far, online); the events they registered for or starred; where they
//! live, what they follow, and their calendar feed's secret address. The
//! logged-in citizen only; everything goes through the API's `/wallet/news`,
//! `/wallet/follows`, `/wallet/events` and `/wallet/calendar`.
//!
//! Registering and starring (`/me/events/{id}/...`) are forms that come
//! back to the page they were sent from (`next`, a path of this site).

use super::Me;
use crate::{
    api::{seg, As},
    citizen::skills::{search_and_offer, search_url, Hit, Pick, Picked},
    ctx::Ctx,
    forms::{Errors, PostForm},
    page::{render, see_other, Chrome, PageError},
    PortalState,
};
use askama::Template;
use atout_web::i18n::{format_paris_span, Lang};
use axum::{
    extract::{Path, State},
    http::{Method, StatusCode},
    response::Response,
    routing::{get, post},
    Router,
};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/me/news", get(page))
        .route("/me/news/settings", post(settings))
        .route("/me/news/follow", post(follow))
        .route("/me/news/unfollow", post(unfollow))
        .route("/me/news/calendar", post(new_calendar))
        .route("/me/news/calendar/revoke", post(revoke_calendar))
        .route("/me/events/{id}/{action}", post(attend))
}

/// The codes one may follow: occupations, skills, certifications.
const FOLLOW_SEARCH: (&str, &str) = (
    "occupation,skill,knowledge,certification",
    "ROME,ESCO,RNCP,RS",
);
const FOLLOW_FRAMEWORKS: [&str; 4] = ["ROME", "ESCO", "RNCP", "RS"];

#[derive(Debug, Clone, Deserialize)]
pub struct Organiser {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TagView {
    pub tag: String,
    pub label: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedEvent {
    pub id: String,
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub summary: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    #[serde(default)]
    pub commune: Option<String>,
    #[serde(default)]
    pub department_name: Option<String>,
    #[serde(default)]
    pub online: bool,
    #[serde(default)]
    pub organiser: Option<Organiser>,
    pub registration: String,
    #[serde(default)]
    pub places_left: Option<i64>,
    pub status: String,
    #[serde(default)]
    pub tags: Vec<TagView>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Reason {
    pub kind: String,
    pub label: String,
    #[serde(default)]
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct NewsItem {
    pub event: FeedEvent,
    pub reasons: Vec<Reason>,
    pub registered: bool,
    pub starred: bool,
}

#[derive(Debug, Clone, Deserialize)]
struct NewsPage {
    items: Vec<NewsItem>,
    total: usize,
    page: usize,
    pages: usize,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MyEvent {
    pub event: FeedEvent,
    pub registered: bool,
    pub starred: bool,
}

#[derive(Debug, Clone, Deserialize)]
struct MyEvents {
    items: Vec<MyEvent>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FollowView {
    pub target: String,
    pub kind: String,
    pub label: String,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CalendarInfo {
    pub active: bool,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub last_read_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Settings {
    #[serde(default)]
    department: Option<String>,
    #[serde(default)]
    department_name: Option<String>,
    follows: Vec<FollowView>,
    calendar: CalendarInfo,
}

#[derive(Debug, Clone, Deserialize)]
struct OrgList {
    items: Vec<DirItem>,
}

#[derive(Debug, Clone, Deserialize)]
struct DirItem {
    slug: String,
    name: Names,
}

#[derive(Debug, Clone, Deserialize)]
struct Names {
    #[serde(default)]
    fr: String,
    #[serde(default)]
    en: String,
}

/// An organisation one may follow.
#[derive(Debug, Clone)]
pub struct OrgItem {
    pub slug: String,
    pub name: String,
}

/// The filters, as the query string gives them.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Filters {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default, rename = "where")]
    pub within: String,
    #[serde(default)]
    pub online: String,
    #[serde(default)]
    pub page: Option<usize>,
}

impl Filters {
    fn query(&self, lang: Lang, page: Option<usize>) -> String {
        let page = page.map(|p| p.to_string()).unwrap_or_default();
        let pairs: Vec<(&str, &str)> = [
            ("kind", self.kind.as_str()),
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
            ("where", self.within.as_str()),
            ("online", self.online.as_str()),
            ("page", page.as_str()),
            ("lang", lang.code()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }

    pub fn is_within(&self, v: &str) -> bool {
        self.within == v || (v == "anywhere" && self.within.is_empty())
    }

    pub fn is_online(&self, v: &str) -> bool {
        self.online == v || (v == "include" && self.online.is_empty())
    }
}

pub const KINDS: [&str; 7] = [
    "job-fair",
    "open-day",
    "info-session",
    "training-session",
    "recruitment",
    "workshop",
    "other",
];

#[derive(Template)]
#[template(path = "me/news.html")]
struct NewsTemplate {
    c: Chrome,
    f: Filters,
    kinds: &'static [&'static str],
    items: Vec<NewsItem>,
    total: usize,
    page_of: String,
    prev_href: Option<String>,
    next_href: Option<String>,
    mine: Vec<MyEvent>,
    department: String,
    department_name: String,
    follows: Vec<FollowView>,
    orgs: Vec<OrgItem>,
    calendar: CalendarInfo,
    /// A calendar address just made (shown once).
    new_calendar: Option<(String, String)>,
    pick: Pick,
    choices: Vec<Hit>,
    url: String,
    errors: Errors,
    here: String,
}

impl NewsTemplate {
    fn when(&self, e: &FeedEvent) -> String {
        format_paris_span(self.c.tr.lang(), e.starts_at, e.ends_at)
    }

    fn place(&self, e: &FeedEvent) -> String {
        let mut parts = Vec::new();
        if let Some(c) = &e.commune {
            parts.push(c.clone());
        }
        if let Some(d) = &e.department_name {
            parts.push(format!("({d})"));
        }
        if e.online {
            parts.push(self.c.t("nw-online"));
        }
        parts.join(" ")
    }

    fn why(&self, r: &Reason) -> String {
        let detail = r.detail.as_deref().unwrap_or("");
        self.c.tr.with(
            &format!("news-why-{}", r.kind),
            &[
                ("label", r.label.as_str().into()),
                ("detail", detail.into()),
            ],
        )
    }

    fn tag_query(&self, t: &TagView) -> String {
        serde_urlencoded::to_string([("tag", t.tag.as_str())]).unwrap_or_default()
    }

    fn places(&self, e: &FeedEvent) -> String {
        match e.places_left {
            Some(0) => self.c.t("nw-full"),
            Some(n) => self.c.ta("nw-places-left", "count", n),
            None => String::new(),
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn view(
    state: &PortalState,
    ctx: &Ctx,
    me: &Me,
    f: Filters,
    new_calendar: Option<(String, String)>,
    pick: Pick,
    choices: Vec<Hit>,
    mut errors: Errors,
) -> Result<NewsTemplate, PageError> {
    let lang = ctx.lang;
    let reply = state
        .get(
            ctx,
            &me.who,
            &format!("/wallet/news?{}", f.query(lang, f.page)),
        )
        .await?;
    let news: NewsPage = if reply.ok() {
        reply.json().await?
    } else {
        let problem = reply.problem().await;
        if matches!(problem.status, 401 | 403) {
            return Err(PageError::from_problem(problem));
        }
        let found = Errors::from_problem_mapped(
            ctx.t(),
            &problem,
            &[
                ("kind", "kind"),
                ("from", "from"),
                ("to", "to"),
                ("where", "where"),
                ("online", "online"),
            ],
            &["nw-field-", "field-"],
        );
        errors.0.extend(found.0);
        NewsPage {
            items: Vec::new(),
            total: 0,
            page: 1,
            pages: 1,
        }
    };
    let mine: MyEvents = state
        .get(
            ctx,
            &me.who,
            &format!("/wallet/events?lang={}", lang.code()),
        )
        .await?
        .json()
        .await?;
    let settings: Settings = state
        .get(ctx, &me.who, "/wallet/news/settings")
        .await?
        .json()
        .await?;
    // The organisations of the directory (its first 50, by name).
    let orgs: Vec<OrgItem> = match state
        .get(ctx, &As::Nobody, "/directory/organisations?per_page=50")
        .await
    {
        Ok(r) if r.ok() => r
            .json::<OrgList>()
            .await
            .map(|l| l.items)
            .unwrap_or_default()
            .into_iter()
            .map(|d| OrgItem {
                slug: d.slug,
                name: match lang {
                    Lang::Fr => d.name.fr,
                    Lang::En => d.name.en,
                },
            })
            .collect(),
        _ => Vec::new(),
    };
    let href = |p: usize| format!("/me/news?{}", f.query(lang, Some(p)));
    let prev_href = (news.page > 1).then(|| href(news.page - 1));
    let next_href = (news.page < news.pages).then(|| href(news.page + 1));
    let c = me.chrome(state, ctx, "nw-title").for_page("/me/news");
    let page_of = c.tr.with(
        "nw-page-of",
        &[("page", news.page.into()), ("pages", news.pages.into())],
    );
    Ok(NewsTemplate {
        page_of,
        c,
        here: format!("/me/news?{}", f.query(lang, f.page)),
        f,
        kinds: &KINDS,
        items: news.items,
        total: news.total,
        prev_href,
        next_href,
        mine: mine.items,
        department: settings.department.unwrap_or_default(),
        department_name: settings.department_name.unwrap_or_default(),
        follows: settings.follows,
        orgs,
        calendar: settings.calendar,
        new_calendar,
        pick,
        choices,
        url: search_url(FOLLOW_SEARCH.0, FOLLOW_SEARCH.1),
        errors,
    })
}

/// The feed. The logged-in citizen.
async fn page(
    State(state): State<PortalState>,
    ctx: Ctx,
    axum::extract::Query(f): axum::extract::Query<Filters>,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let page = view(
        &state,
        &ctx,
        &me,
        f,
        None,
        Pick::default(),
        Vec::new(),
        Errors::default(),
    )
    .await?;
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut response = render(ctx.lang, &page);
    *response.status_mut() = status;
    Ok(response)
}

async fn with_errors(
    state: &PortalState,
    ctx: &Ctx,
    me: &Me,
    pick: Pick,
    choices: Vec<Hit>,
    errors: Errors,
) -> Result<Response, PageError> {
    let page = view(
        state,
        ctx,
        me,
        Filters::default(),
        None,
        pick,
        choices,
        errors,
    )
    .await?;
    let mut response = render(ctx.lang, &page);
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

/// Sets where the citizen lives. The logged-in citizen (CSRF-checked).
async fn settings(
    State(state): State<PortalState>,
    ctx: Ctx,
    form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let department = form.text("department");
    let reply = state
        .send_json(
            &ctx,
            &me.who,
            Method::PUT,
            "/wallet/news/settings",
            &json!({ "department": department }),
        )
        .await?;
    if reply.ok() {
        return Ok(see_other("/me/news?done=done-news-department#settings"));
    }
    let problem = reply.problem().await;
    if matches!(problem.status, 401 | 403) {
        return Err(PageError::from_problem(problem));
    }
    let errors = Errors::from_problem_mapped(
        ctx.t(),
        &problem,
        &[("department", "department")],
        &["nw-field-", "field-"],
    );
    with_errors(&state, &ctx, &me, Pick::default(), Vec::new(), errors).await
}

/// Follows an organisation, a framework code or a free tag. The logged-in
/// citizen (CSRF-checked).
async fn follow(
    State(state): State<PortalState>,
    ctx: Ctx,
    form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let t = ctx.t();
    let mut pick = Pick::from_form(&form, "code");
    let organisation = form.text("organisation");
    let tag = form.text("tag");
    let body = if !organisation.is_empty() {
        json!({ "organisation": organisation })
    } else if !tag.is_empty() {
        json!({ "tag": tag })
    } else {
        match pick.resolve(&FOLLOW_FRAMEWORKS) {
            Picked::Code(framework, code) => json!({ "framework": framework, "code": code }),
            Picked::Search(words) | Picked::Unchosen(words) => {
                let (hits, errors) =
                    search_and_offer(&state, &ctx, "code", &mut pick, &words, FOLLOW_SEARCH)
                        .await?;
                return with_errors(&state, &ctx, &me, pick, hits, errors).await;
            }
            Picked::Nothing => {
                let mut e = Errors::default();
                e.add("code", t.get("nw-follow-nothing"));
                return with_errors(&state, &ctx, &me, pick, Vec::new(), e).await;
            }
        }
    };
    let reply = state
        .send_json(&ctx, &me.who, Method::POST, "/wallet/follows", &body)
        .await?;
    if reply.ok() {
        return Ok(see_other("/me/news?done=done-news-followed#settings"));
    }
    let problem = reply.problem().await;
    if matches!(problem.status, 401 | 403) {
        return Err(PageError::from_problem(problem));
    }
    pick.forget_code();
    let mut errors = Errors::default();
    if problem.status == 409 {
        errors.add("code", t.get("nw-follow-too-many"));
    } else {
        errors = Errors::from_problem_mapped(
            t,
            &problem,
            &[("framework", "code"), ("code", "code")],
            &["nw-field-", "field-"],
        );
    }
    with_errors(&state, &ctx, &me, pick, Vec::new(), errors).await
}

/// Stops following. The logged-in citizen (CSRF-checked).
async fn unfollow(
    State(state): State<PortalState>,
    ctx: Ctx,
    form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let target = form.text("target");
    let query = serde_urlencoded::to_string([("target", target.as_str())]).unwrap_or_default();
    state
        .act(
            &ctx,
            &me.who,
            Method::DELETE,
            &format!("/wallet/follows?{query}"),
        )
        .await?;
    Ok(see_other("/me/news?done=done-news-unfollowed#settings"))
}

/// A new calendar address, shown once on the page. The logged-in citizen
/// (CSRF-checked).
async fn new_calendar(
    State(state): State<PortalState>,
    ctx: Ctx,
    _form: PostForm,
) -> Result<Response, PageError> {
    #[derive(Deserialize)]
    struct Made {
        url: String,
        webcal: String,
    }
    let me = Me::load(&state, &ctx).await?;
    let made: Made = state
        .act(&ctx, &me.who, Method::POST, "/wallet/calendar")
        .await?
        .json()
        .await?;
    let page = view(
        &state,
        &ctx,
        &me,
        Filters::default(),
        Some((made.url, made.webcal)),
        Pick::default(),
        Vec::new(),
        Errors::default(),
    )
    .await?;
    Ok(render(ctx.lang, &page))
}

/// Revokes the calendar address. The logged-in citizen (CSRF-checked).
async fn revoke_calendar(
    State(state): State<PortalState>,
    ctx: Ctx,
    _form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let reply = state
        .call(
            &ctx,
            &me.who,
            Method::DELETE,
            "/wallet/calendar",
            axum::body::Body::empty(),
            None,
        )
        .await?;
    if !reply.ok() && reply.status != StatusCode::NOT_FOUND {
        return Err(PageError::from_problem(reply.problem().await));
    }
    Ok(see_other(
        "/me/news?done=done-news-calendar-revoked#calendar",
    ))
}

/// Registers, unregisters, stars or unstars, then goes back to `next` (a
/// path of this site), with what happened. The logged-in citizen
/// (CSRF-checked).
async fn attend(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let (method, what, done) = match action.as_str() {
        "register" => (Method::PUT, "registration", "done-news-registered"),
        "unregister" => (Method::DELETE, "registration", "done-news-unregistered"),
        "star" => (Method::PUT, "star", "done-news-starred"),
        "unstar" => (Method::DELETE, "star", "done-news-unstarred"),
        _ => return Err(PageError::NotFound),
    };
    let next = crate::citizen::auth::safe_next(Some(&form.text("next")));
    let next = if next == "/me" {
        "/me/news".to_owned()
    } else {
        next
    };
    let reply = state
        .call(
            &ctx,
            &me.who,
            method,
            &format!("/wallet/events/{}/{what}", seg(&id)),
            axum::body::Body::empty(),
            None,
        )
        .await?;
    let done = if reply.ok() {
        done
    } else {
        let problem = reply.problem().await;
        match problem.status {
            409 if problem.raw["reason"].as_str() == Some("full") => "done-news-full",
            409 => "done-news-closed",
            _ => return Err(PageError::from_problem(problem)),
        }
    };
    let (path, fragment) = match next.split_once('#') {
        Some((p, f)) => (p.to_owned(), format!("#{f}")),
        None => (next.clone(), String::new()),
    };
    let sep = if path.contains('?') { '&' } else { '?' };
    Ok(see_other(&format!("{path}{sep}done={done}{fragment}")))
}
