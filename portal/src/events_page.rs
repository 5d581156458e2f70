//! The public events: `/evenements`, a search (words, kind, département,
//! organisation, dates, online) over the upcoming published and cancelled
//! events, 20 a page; `/evenements/organisations/{slug}` and
//! `/evenements/departements/{code}`, the same listing for one organiser or
//! one département, with its Atom feed; `/evenements/{id}`, one event with
//! its place, its online link, how to register, "add to my calendar" (its
//! `.ics`) and the feeds to subscribe to. Anyone; through the API's
//! `/events` routes. A logged-in citizen sees whether they registered or
//! starred the event and the forms to do so (`/me/events/{id}/...`).

use crate::{
    api::{seg, As},
    ctx::Ctx,
    forms::Errors,
    frameworks_page::counted,
    page::{render, Area, Chrome, PageError},
    PortalState,
};
use askama::Template;
use atout_web::i18n::{Arg, Lang};
use axum::{
    extract::{Path, State},
    http::{header, HeaderValue, StatusCode},
    response::Response,
    routing::get,
    Router,
};
use serde::Deserialize;

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/evenements", get(list))
        .route("/evenements/organisations/{slug}", get(org_list))
        .route("/evenements/departements/{code}", get(department_list))
        .route("/evenements/{id}", get(show))
}

/// The kinds of events, as the API names them.
const KINDS: [&str; 7] = [
    "job-fair",
    "open-day",
    "info-session",
    "training-session",
    "recruitment",
    "workshop",
    "other",
];

#[derive(Debug, Clone, Deserialize)]
pub struct Organiser {
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Place {
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub commune: Option<String>,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub department_name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Tag {
    pub tag: String,
    #[serde(default)]
    pub label: String,
}

impl Tag {
    /// The listing of the events with this tag.
    pub fn href(&self) -> String {
        format!(
            "/evenements?tag={}",
            url::form_urlencoded::byte_serialize(self.tag.as_bytes()).collect::<String>()
        )
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Registration {
    #[serde(default)]
    pub mode: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub places_left: Option<i64>,
    #[serde(default)]
    pub full: bool,
}

/// An event, as the API's `EventView` gives it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub id: String,
    #[serde(default)]
    pub kind_label: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub cancel_reason: Option<String>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub title_lang: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub description_lang: Option<String>,
    /// Paris time, `2027-03-15T14:00`.
    #[serde(default)]
    pub starts_local: String,
    #[serde(default)]
    pub when: String,
    #[serde(default)]
    pub past: bool,
    #[serde(default)]
    pub online_url: Option<String>,
    #[serde(default)]
    pub place: Option<Place>,
    #[serde(default)]
    pub audience_label: String,
    #[serde(default)]
    pub tags: Vec<Tag>,
    pub organiser: Organiser,
    pub registration: Registration,
}

impl Event {
    pub fn cancelled(&self) -> bool {
        self.status == "cancelled"
    }

    pub fn online(&self) -> bool {
        self.online_url.is_some()
    }

    /// "12 rue X, Orléans (45)", "Loiret (45)"; `None` for an event only
    /// online.
    pub fn place_text(&self) -> Option<String> {
        let p = self.place.as_ref()?;
        let mut parts = Vec::new();
        if let Some(a) = p.address.as_deref().filter(|a| !a.trim().is_empty()) {
            parts.push(a.trim().to_owned());
        }
        match (&p.commune, &p.department, &p.department_name) {
            (Some(c), Some(d), _) => parts.push(format!("{c} ({d})")),
            (Some(c), None, _) => parts.push(c.clone()),
            (None, Some(d), Some(n)) => parts.push(format!("{n} ({d})")),
            (None, Some(d), None) => parts.push(d.clone()),
            (None, None, _) => {}
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }

    /// The département's code, for its page and feed.
    pub fn department(&self) -> Option<&str> {
        self.place.as_ref()?.department.as_deref()
    }

    /// The description as paragraphs of lines (a blank line parts them).
    pub fn paragraphs(&self) -> Vec<Vec<String>> {
        paragraphs(self.description.as_deref().unwrap_or(""))
    }

    /// The `datetime` of its start (`2027-03-15T14:00`, Paris time).
    pub fn datetime(&self) -> &str {
        &self.starts_local
    }
}

/// Text as paragraphs of lines.
pub fn paragraphs(text: &str) -> Vec<Vec<String>> {
    let text = text.replace("\r\n", "\n");
    text.split("\n\n")
        .map(|p| {
            p.lines()
                .map(str::trim_end)
                .filter(|l| !l.trim().is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|p| !p.is_empty())
        .collect()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventList {
    pub items: Vec<Event>,
    #[serde(default)]
    pub total: i64,
    #[serde(default)]
    pub pages: i64,
    #[serde(default)]
    pub organiser: Option<Organiser>,
    #[serde(default)]
    pub tag: Option<Tag>,
}

/// How many events a page lists.
const PER_PAGE: i64 = 20;
/// The API lists at most this many events deep.
const MAX_OFFSET: i64 = 10_000;

/// Which listing: all events, one organiser's, one département's.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Scope {
    All,
    Org(String),
    Department(String),
}

/// A search as typed in the form.
#[derive(Debug, Clone)]
struct Search {
    scope: Scope,
    q: String,
    kind: String,
    department: String,
    org: String,
    tag: String,
    from: String,
    to: String,
    online: bool,
    page: i64,
}

impl Search {
    fn from_ctx(ctx: &Ctx, scope: Scope) -> Self {
        let text = |name: &str, max: usize| -> String {
            ctx.query_param(name)
                .unwrap_or_default()
                .trim()
                .chars()
                .take(max)
                .collect()
        };
        let (department, org) = match &scope {
            Scope::All => (text("department", 10), text("org", 63)),
            Scope::Org(slug) => (text("department", 10), slug.clone()),
            Scope::Department(code) => (code.clone(), text("org", 63)),
        };
        Self {
            q: text("q", 200),
            kind: text("kind", 30),
            department,
            org,
            tag: text("tag", 300),
            from: text("from", 10),
            to: text("to", 10),
            online: ctx.query_param("online").is_some_and(|v| !v.is_empty()),
            page: ctx
                .query_param("page")
                .and_then(|p| p.parse().ok())
                .filter(|p| *p >= 1 && (p - 1) * PER_PAGE < MAX_OFFSET)
                .unwrap_or(1),
            scope,
        }
    }

    /// The form's values as a query (`page` and the scope's own apart).
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        for (k, v) in [
            ("q", &self.q),
            ("kind", &self.kind),
            ("department", &self.department),
            ("org", &self.org),
            ("tag", &self.tag),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            let own = match &self.scope {
                Scope::Org(_) => k == "org",
                Scope::Department(_) => k == "department",
                Scope::All => false,
            };
            if !v.is_empty() && !own {
                pairs.push((k, v.clone()));
            }
        }
        if self.online {
            pairs.push(("online", "1".to_owned()));
        }
        pairs
    }

    /// No criterion at all (the scope apart).
    fn is_empty(&self) -> bool {
        self.pairs().is_empty()
    }

    fn api_path(&self, lang: Lang) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        for (k, v) in [
            ("q", &self.q),
            ("kind", &self.kind),
            ("department", &self.department),
            ("org", &self.org),
            ("tag", &self.tag),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if !v.is_empty() {
                pairs.push((k, v.clone()));
            }
        }
        if self.online {
            pairs.push(("online", "true".to_owned()));
        }
        pairs.push(("page", self.page.to_string()));
        pairs.push(("perPage", PER_PAGE.to_string()));
        pairs.push(("lang", lang.code().to_owned()));
        format!(
            "/events?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    }

    /// The page's own path.
    fn path(&self) -> String {
        match &self.scope {
            Scope::All => "/evenements".to_owned(),
            Scope::Org(slug) => format!("/evenements/organisations/{}", seg(slug)),
            Scope::Department(code) => format!("/evenements/departements/{}", seg(code)),
        }
    }

    fn page_href(&self, page: i64, lang: &str) -> String {
        let mut pairs = self.pairs();
        pairs.insert(0, ("lang", lang.to_owned()));
        pairs.push(("page", page.to_string()));
        format!(
            "{}?{}#results",
            self.path(),
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    }

    /// The Atom feed of this listing: the scope's, else that of the one
    /// organisation, département or tag searched for.
    fn feed(&self, lang: &str) -> Option<String> {
        let path = match &self.scope {
            Scope::Org(slug) => format!("/feeds/orgs/{}/events.atom", seg(slug)),
            Scope::Department(code) => format!("/feeds/departments/{}/events.atom", seg(code)),
            Scope::All if !self.org.is_empty() => {
                format!("/feeds/orgs/{}/events.atom", seg(&self.org))
            }
            Scope::All if !self.department.is_empty() => {
                format!("/feeds/departments/{}/events.atom", seg(&self.department))
            }
            Scope::All if !self.tag.is_empty() => {
                format!("/feeds/tags/{}/events.atom", seg(&self.tag))
            }
            Scope::All => return None,
        };
        Some(format!("{path}?lang={lang}"))
    }
}

/// A choice of a `<select>`: (value, label).
type Choice = (String, String);

#[derive(Template)]
#[template(path = "events/list.html")]
struct ListPage {
    c: Chrome,
    s: Search,
    heading: String,
    lead: String,
    results: Option<EventList>,
    count: String,
    page_of: String,
    errors: Errors,
    prev_href: Option<String>,
    next_href: Option<String>,
    kinds: Vec<Choice>,
    departments: Vec<Choice>,
    orgs: Vec<Choice>,
    /// The Atom feed of the listing, and what it is of.
    feed: Option<(String, String)>,
    /// The label of the tag searched for.
    tag_label: Option<String>,
}

impl ListPage {
    fn show_org_filter(&self) -> bool {
        !matches!(self.s.scope, Scope::Org(_))
    }

    fn show_department_filter(&self) -> bool {
        !matches!(self.s.scope, Scope::Department(_))
    }

    /// The listing without the tag filter.
    fn without_tag_href(&self) -> String {
        let mut s = self.s.clone();
        s.tag.clear();
        s.page = 1;
        let pairs = s.pairs();
        if pairs.is_empty() {
            s.path()
        } else {
            format!(
                "{}?{}",
                s.path(),
                serde_urlencoded::to_string(&pairs).unwrap_or_default()
            )
        }
    }
}

fn kinds(c: &Chrome) -> Vec<Choice> {
    KINDS
        .iter()
        .map(|k| ((*k).to_owned(), c.tk("agenda-kind-", k, "")))
        .collect()
}

fn departments() -> Vec<Choice> {
    atout_web::places::DEPARTEMENTS
        .iter()
        .map(|d| (d.code.to_owned(), format!("{} – {}", d.code, d.name)))
        .collect()
}

#[derive(Deserialize)]
struct DirectoryPage {
    #[serde(default)]
    items: Vec<DirectoryItem>,
}

#[derive(Deserialize)]
struct DirectoryItem {
    slug: String,
    name: Names,
}

#[derive(Deserialize)]
struct Names {
    #[serde(default)]
    fr: String,
    #[serde(default)]
    en: String,
}

/// The organisations to choose from: those the directory lists (the first
/// hundred by name), and the one searched for.
async fn organisations(
    state: &PortalState,
    ctx: &Ctx,
    searched: Option<&Organiser>,
) -> Vec<Choice> {
    let mut out: Vec<Choice> = Vec::new();
    for page in 1..=2 {
        let Ok(reply) = state
            .get(
                ctx,
                &As::Nobody,
                &format!("/directory/organisations?per_page=50&page={page}"),
            )
            .await
        else {
            break;
        };
        if !reply.ok() {
            break;
        }
        let Ok(p) = reply.json::<DirectoryPage>().await else {
            break;
        };
        let n = p.items.len();
        out.extend(p.items.into_iter().map(|o| {
            let name = match ctx.lang {
                Lang::Fr => o.name.fr,
                Lang::En => o.name.en,
            };
            (o.slug, name)
        }));
        if n < 50 {
            break;
        }
    }
    if let Some(Organiser {
        slug: Some(slug),
        name,
    }) = searched
    {
        if !out.iter().any(|(s, _)| s == slug) {
            out.insert(0, (slug.clone(), name.clone()));
        }
    }
    out
}

/// All upcoming events, searchable. Anyone.
async fn list(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    listing(&state, &ctx, Scope::All).await
}

/// One organisation's upcoming events. Anyone (no such organisation: 404).
async fn org_list(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    if slug.is_empty() || slug.len() > 63 {
        return Err(PageError::NotFound);
    }
    listing(&state, &ctx, Scope::Org(slug)).await
}

/// One département's upcoming events. Anyone (not a département: 404).
async fn department_list(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let code = atout_web::places::department(&code)
        .filter(|c| atout_web::places::departement(c).is_some())
        .ok_or(PageError::NotFound)?;
    listing(&state, &ctx, Scope::Department(code)).await
}

async fn listing(state: &PortalState, ctx: &Ctx, scope: Scope) -> Result<Response, PageError> {
    let s = Search::from_ctx(ctx, scope);
    let tr = ctx.t();
    let mut errors = Errors::default();
    let reply = state.get(ctx, &As::Nobody, &s.api_path(ctx.lang)).await?;
    let results = if reply.ok() {
        Some(reply.json::<EventList>().await?)
    } else {
        let problem = reply.problem().await;
        if problem.status != 422 && problem.status != 400 {
            return Err(PageError::from_problem(problem));
        }
        crate::problems::log(&problem);
        let field = problem.field.as_deref().unwrap_or("q");
        // The scope's own criterion is the page's address: a wrong one is
        // a page that does not exist.
        match (&s.scope, field) {
            (Scope::Org(_), "org") | (Scope::Department(_), "department") => {
                return Err(PageError::NotFound)
            }
            _ => {}
        }
        let (name, key) = match field {
            "kind" => ("kind", "agenda-field-kind"),
            "department" => ("department", "agenda-field-department"),
            "org" => ("org", "agenda-field-org"),
            "tag" => ("tag", "agenda-field-tag"),
            "from" => ("from", "agenda-field-date"),
            "to" => ("to", "agenda-field-to"),
            _ => ("q", "agenda-field-q"),
        };
        errors.add(name, tr.get(key));
        None
    };
    let mut c = Chrome::new(state, ctx, Area::Public, "agenda-title");
    let organiser = results.as_ref().and_then(|r| r.organiser.clone());
    let (heading, lead) = match &s.scope {
        Scope::All => (c.t("agenda-title"), c.t("agenda-lead")),
        Scope::Org(_) => {
            let name = organiser
                .as_ref()
                .map(|o| o.name.clone())
                .unwrap_or_default();
            (
                c.ta("agenda-org-title", "name", name.as_str()),
                c.ta("agenda-org-lead", "name", name.as_str()),
            )
        }
        Scope::Department(code) => {
            let name = atout_web::places::departement(code)
                .map(|d| format!("{} ({code})", d.name))
                .unwrap_or_else(|| code.clone());
            (
                c.ta("agenda-department-title", "name", name.as_str()),
                c.ta("agenda-department-lead", "name", name.as_str()),
            )
        }
    };
    c.title = heading.clone();
    let pages = results
        .as_ref()
        .map(|r| r.pages.clamp(1, MAX_OFFSET / PER_PAGE))
        .unwrap_or(1);
    let (prev_href, next_href) = match &results {
        Some(_) => (
            (s.page > 1).then(|| s.page_href((s.page - 1).min(pages), c.lang)),
            (s.page < pages).then(|| s.page_href(s.page + 1, c.lang)),
        ),
        None => (None, None),
    };
    let count = counted(
        tr,
        "agenda-results",
        results.as_ref().map_or(0, |r| r.total),
    );
    let page_of = tr.with(
        "agenda-page-of",
        &[("page", Arg::Number(s.page)), ("pages", Arg::Number(pages))],
    );
    let tag_label = results
        .as_ref()
        .and_then(|r| r.tag.as_ref())
        .map(|t| t.label.clone())
        .or_else(|| (!s.tag.is_empty()).then(|| s.tag.clone()));
    // The feed is offered once the listing is known to exist.
    let feed = results.as_ref().and(s.feed(c.lang)).map(|href| {
        let of = match (&s.scope, &organiser, &tag_label) {
            (Scope::Department(_), _, _) => heading.clone(),
            (_, Some(o), _) if !s.org.is_empty() => {
                c.ta("agenda-org-title", "name", o.name.as_str())
            }
            (_, _, _) if !s.department.is_empty() => {
                let d = &s.department;
                let name = atout_web::places::departement(d)
                    .map(|x| format!("{} ({d})", x.name))
                    .unwrap_or_else(|| d.clone());
                c.ta("agenda-department-title", "name", name.as_str())
            }
            (_, _, Some(t)) => c.ta("agenda-tag-title", "name", t.as_str()),
            _ => heading.clone(),
        };
        (href, of)
    });
    let orgs = if matches!(s.scope, Scope::Org(_)) {
        Vec::new()
    } else {
        organisations(state, ctx, organiser.as_ref()).await
    };
    let failed = !errors.is_empty();
    let link_header = feed.as_ref().map(|(href, title)| {
        format!(
            "<{href}>; rel=\"alternate\"; type=\"application/atom+xml\"; title*=UTF-8''{}",
            url::form_urlencoded::byte_serialize(title.as_bytes())
                .collect::<String>()
                .replace('+', "%20")
        )
    });
    let page = ListPage {
        kinds: kinds(&c),
        departments: departments(),
        orgs,
        c,
        s,
        heading,
        lead,
        results,
        count,
        page_of,
        errors,
        prev_href,
        next_href,
        feed,
        tag_label,
    };
    let mut response = render(ctx.lang, &page);
    if failed {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    // The feed, for readers that look in the headers (RFC 8288) as well as
    // in the page's head.
    if let Some(v) = link_header.and_then(|l| HeaderValue::from_str(&l).ok()) {
        response.headers_mut().insert(header::LINK, v);
    }
    Ok(response)
}

/// Whether the logged-in citizen registered for or starred an event.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Attendance {
    #[serde(default)]
    pub registered: bool,
    #[serde(default)]
    pub starred: bool,
}

#[derive(Template)]
#[template(path = "events/show.html")]
struct ShowPage {
    c: Chrome,
    e: Event,
    /// `None`: a visitor (no session, or one that ended).
    attendance: Option<Attendance>,
    /// This page, where the forms come back to.
    here: String,
    login_href: String,
    ics_href: String,
    org_feed: Option<String>,
    department_feed: Option<String>,
}

impl ShowPage {
    /// A web address one may follow (an organiser's link that is not
    /// `https:` or `http:` is shown, not linked).
    fn web(&self, url: &str) -> bool {
        url.starts_with("https://") || url.starts_with("http://")
    }

    /// "3 places left".
    fn places_left(&self, n: &i64) -> String {
        counted(self.c.tr, "agenda-places-left", *n)
    }

    /// "Loiret (45)".
    fn department_name(&self, p: &Place) -> String {
        match (&p.department_name, &p.department) {
            (Some(n), Some(d)) => format!("{n} ({d})"),
            (None, Some(d)) => d.clone(),
            _ => String::new(),
        }
    }
}

/// One published or cancelled event. Anyone (a draft or an unknown one:
/// 404).
async fn show(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    if id.is_empty() || id.len() > 100 {
        return Err(PageError::NotFound);
    }
    let lang = ctx.lang.code();
    let e: Event = state
        .get(
            &ctx,
            &As::Nobody,
            &format!("/events/{}?lang={lang}", seg(&id)),
        )
        .await?
        .json()
        .await?;
    let attendance = match &ctx.session {
        Some(token) => {
            let who = As::Bearer(zeroize::Zeroizing::new(token.clone()));
            let reply = state
                .get(
                    &ctx,
                    &who,
                    &format!("/wallet/events/{}/attendance", seg(&e.id)),
                )
                .await?;
            match reply.status.as_u16() {
                200 => Some(reply.json::<Attendance>().await.unwrap_or_default()),
                // Not known there yet: not registered.
                404 => Some(Attendance::default()),
                // The session ended: a visitor.
                _ => None,
            }
        }
        None => None,
    };
    let here = format!("/evenements/{}", seg(&e.id));
    let login_href = format!(
        "/login?next={}",
        url::form_urlencoded::byte_serialize(here.as_bytes()).collect::<String>()
    );
    let mut c = Chrome::new(&state, &ctx, Area::Public, "agenda-title");
    c.title = e.title.clone();
    let org_feed = e
        .organiser
        .slug
        .as_ref()
        .map(|s| format!("/feeds/orgs/{}/events.atom?lang={lang}", seg(s)));
    let department_feed = e
        .department()
        .map(|d| format!("/feeds/departments/{}/events.atom?lang={lang}", seg(d)));
    let page = ShowPage {
        ics_href: format!("/events/{}/ics?lang={lang}", seg(&e.id)),
        c,
        e,
        attendance,
        here,
        login_href,
        org_feed,
        department_feed,
    };
    Ok(render(ctx.lang, &page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_asks_the_api_for_its_page() {
        let s = Search {
            scope: Scope::Department("45".into()),
            q: "salon numérique".into(),
            kind: "job-fair".into(),
            department: "45".into(),
            org: String::new(),
            tag: String::new(),
            from: "2027-03-01".into(),
            to: String::new(),
            online: true,
            page: 2,
        };
        assert_eq!(
            s.api_path(Lang::En),
            "/events?q=salon+num%C3%A9rique&kind=job-fair&department=45&from=2027-03-01&online=true&page=2&perPage=20&lang=en"
        );
        assert_eq!(
            s.page_href(3, "fr"),
            "/evenements/departements/45?lang=fr&q=salon+num%C3%A9rique&kind=job-fair&from=2027-03-01&online=1&page=3#results"
        );
        assert_eq!(
            s.feed("fr").as_deref(),
            Some("/feeds/departments/45/events.atom?lang=fr")
        );
    }

    #[test]
    fn descriptions_keep_their_paragraphs() {
        assert_eq!(
            paragraphs("Un\r\ndeux\n\n\ntrois\n"),
            vec![
                vec!["Un".to_owned(), "deux".to_owned()],
                vec!["trois".to_owned()]
            ]
        );
    }
}
