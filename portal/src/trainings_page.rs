//! The public training catalogue: `/formations`, a search (words,
//! département, a code picked in the frameworks, at a distance, CPF) over
//! the published trainings, 20 a page, and `/formations/{id}`, one
//! training with where to register. Anyone; through the API's
//! `/trainings` routes.
//!
//! [`Training`] and the ways of writing its facts (place, dates, price)
//! also serve the organisation's console.

use crate::{
    api::{seg, As},
    ctx::Ctx,
    forms::Errors,
    frameworks_page::{self, counted, fmt_day, fmt_int, Coded},
    page::{render, Area, Chrome, PageError},
    PortalState,
};
use askama::Template;
use atout_web::i18n::{Arg, Lang};
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
        .route("/formations", get(list))
        .route("/formations/{id}", get(show))
}

#[derive(Debug, Clone, Deserialize)]
pub struct OrgRef {
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub name: String,
}

/// A training, as the API's `TrainingView` gives it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Training {
    pub id: String,
    #[serde(default)]
    pub reference: String,
    pub organisation: OrgRef,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub certification: Option<Coded>,
    #[serde(default)]
    pub level: Option<String>,
    /// What it is aligned to (its certification apart).
    #[serde(default)]
    pub codes: Vec<Coded>,
    #[serde(default)]
    pub distance: bool,
    #[serde(default)]
    pub commune: Option<String>,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub starts_on: Option<String>,
    #[serde(default)]
    pub ends_on: Option<String>,
    #[serde(default)]
    pub duration_hours: Option<i64>,
    #[serde(default)]
    pub price: Option<f64>,
    #[serde(default)]
    pub cpf: bool,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub status: String,
    /// Credentials the organisation issues: what one can earn there.
    #[serde(default)]
    pub credentials_here: Vec<String>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TrainingList {
    pub items: Vec<Training>,
    #[serde(default)]
    pub total: i64,
}

/// A price in euros as people write it: "1 250,50 €" / "€1,250.50";
/// whole euros without cents.
pub fn fmt_price(lang: Lang, euros: f64) -> String {
    let cents = (euros * 100.0).round() as i64;
    let whole = fmt_int(lang, cents / 100);
    let rest = cents % 100;
    match (lang, rest) {
        (Lang::Fr, 0) => format!("{whole}\u{a0}€"),
        (Lang::Fr, r) => format!("{whole},{r:02}\u{a0}€"),
        (Lang::En, 0) => format!("€{whole}"),
        (Lang::En, r) => format!("€{whole}.{r:02}"),
    }
}

impl Training {
    /// "Tours (37)", "département 45"; `None` when nothing is said.
    pub fn place(&self, c: &Chrome) -> Option<String> {
        match (&self.commune, &self.department) {
            (Some(town), Some(d)) => Some(format!("{town} ({d})")),
            (Some(town), None) => Some(town.clone()),
            (None, Some(d)) => Some(c.ta("trn-in-department", "d", d.as_str())),
            (None, None) => None,
        }
    }

    /// "du 15 septembre 2027 au 30 juin 2028", or `None` without dates.
    pub fn dates(&self, c: &Chrome) -> Option<String> {
        let lang = c.tr.lang();
        let day = |d: &String| fmt_day(lang, d);
        match (&self.starts_on, &self.ends_on) {
            (Some(s), Some(e)) => Some(c.tr.with(
                "trn-from-to",
                &[("start", Arg::Owned(day(s))), ("end", Arg::Owned(day(e)))],
            )),
            (Some(s), None) => Some(c.ta("trn-from", "start", day(s))),
            (None, Some(e)) => Some(c.ta("trn-until", "end", day(e))),
            (None, None) => None,
        }
    }

    /// "400 heures".
    pub fn hours(&self, c: &Chrome) -> Option<String> {
        self.duration_hours.map(|h| counted(c.tr, "trn-hours", h))
    }

    /// "1 250,50 €", "Gratuit".
    pub fn price_text(&self, c: &Chrome) -> Option<String> {
        self.price.map(|p| {
            if p <= 0.0 {
                c.t("trn-free")
            } else {
                fmt_price(c.tr.lang(), p)
            }
        })
    }

    pub fn occupations(&self) -> Vec<&Coded> {
        self.codes
            .iter()
            .filter(|k| k.is_kind(&["occupation"]))
            .collect()
    }

    pub fn skills(&self) -> Vec<&Coded> {
        self.codes
            .iter()
            .filter(|k| k.is_kind(&["skill", "knowledge"]))
            .collect()
    }

    /// Other certifications, and codes the frameworks loaded no longer
    /// know.
    pub fn other_codes(&self) -> Vec<&Coded> {
        self.codes
            .iter()
            .filter(|k| !k.is_kind(&["occupation", "skill", "knowledge"]))
            .collect()
    }

    /// The day of its last change ("7 décembre 2026").
    pub fn updated_on(&self, c: &Chrome) -> String {
        fmt_day(c.tr.lang(), &self.updated_at.date_naive().to_string())
    }

    pub fn published(&self) -> bool {
        self.status == "published"
    }
}

/// How many trainings a page lists.
const PER_PAGE: i64 = 20;
/// The API searches at most this many trainings.
const MAX_OFFSET: i64 = 5_000;

/// A search as typed in the form.
#[derive(Debug, Clone, Default)]
struct Search {
    q: String,
    department: String,
    code: String,
    distance: bool,
    cpf: bool,
    page: i64,
}

impl Search {
    fn from_ctx(ctx: &Ctx) -> Self {
        let text = |name: &str, max: usize| -> String {
            ctx.query_param(name)
                .unwrap_or_default()
                .trim()
                .chars()
                .take(max)
                .collect()
        };
        let checked = |name: &str| ctx.query_param(name).is_some_and(|v| !v.is_empty());
        Self {
            q: text("q", 200),
            department: text("department", 10),
            code: text("code", 300),
            distance: checked("distance"),
            cpf: checked("cpf"),
            page: ctx
                .query_param("page")
                .and_then(|p| p.parse().ok())
                .filter(|p| *p >= 1 && (p - 1) * PER_PAGE < MAX_OFFSET)
                .unwrap_or(1),
        }
    }

    /// No criterion at all: the whole catalogue.
    fn is_empty(&self) -> bool {
        self.pairs().is_empty()
    }

    /// The form's values as a query (`page` apart).
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        for (k, v) in [
            ("q", &self.q),
            ("department", &self.department),
            ("code", &self.code),
        ] {
            if !v.is_empty() {
                pairs.push((k, v.clone()));
            }
        }
        if self.distance {
            pairs.push(("distance", "1".to_owned()));
        }
        if self.cpf {
            pairs.push(("cpf", "1".to_owned()));
        }
        pairs
    }

    fn api_path(&self, lang: Lang) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        for (k, v) in self.pairs() {
            // The API takes booleans as words.
            let v = if k == "distance" || k == "cpf" {
                "true".to_owned()
            } else {
                v
            };
            pairs.push((k, v));
        }
        pairs.push(("lang", lang.code().to_owned()));
        pairs.push(("limit", PER_PAGE.to_string()));
        pairs.push(("offset", ((self.page - 1) * PER_PAGE).to_string()));
        format!(
            "/trainings?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    }

    fn page_href(&self, page: i64, lang: &str) -> String {
        let mut pairs = self.pairs();
        pairs.insert(0, ("lang", lang.to_owned()));
        pairs.push(("page", page.to_string()));
        format!(
            "/formations?{}#results",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    }
}

#[derive(Template)]
#[template(path = "trainings/list.html")]
struct ListPage {
    c: Chrome,
    s: Search,
    /// The label of the code searched for.
    code_label: Option<Coded>,
    results: Option<TrainingList>,
    heading: String,
    page_of: String,
    errors: Errors,
    prev_href: Option<String>,
    next_href: Option<String>,
}

/// How many codes a result lists before "and N more".
const CODES_SHOWN: usize = 6;

impl ListPage {
    /// The aligned codes a result shows, and how many more it has.
    fn some_codes<'a>(&self, t: &'a Training) -> (Vec<&'a Coded>, String) {
        let shown: Vec<&Coded> = t.codes.iter().take(CODES_SHOWN).collect();
        let more = t.codes.len().saturating_sub(CODES_SHOWN) as i64;
        let more = if more > 0 {
            counted(self.c.tr, "trn-more-codes", more)
        } else {
            String::new()
        };
        (shown, more)
    }
}

/// The catalogue: the search form and the published trainings matching
/// it. Anyone.
async fn list(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let s = Search::from_ctx(&ctx);
    let tr = ctx.t();
    let mut errors = Errors::default();
    let reply = state.get(&ctx, &As::Nobody, &s.api_path(ctx.lang)).await?;
    let results = if reply.ok() {
        Some(reply.json::<TrainingList>().await?)
    } else {
        let problem = reply.problem().await;
        if problem.status != 422 && problem.status != 400 {
            return Err(PageError::from_problem(problem));
        }
        crate::problems::log(&problem);
        match problem.field.as_deref() {
            Some("department") => errors.add("department", tr.get("trn-field-department")),
            Some("codes") | Some("code") => errors.add("code", tr.get("trn-field-code")),
            _ => errors.add("q", tr.get("trn-field-q")),
        }
        None
    };
    let c = Chrome::new(&state, &ctx, Area::Public, "trn-title");
    let pages = results
        .as_ref()
        .map(|r| ((r.total + PER_PAGE - 1) / PER_PAGE).clamp(1, MAX_OFFSET / PER_PAGE))
        .unwrap_or(1);
    let (prev_href, next_href) = match &results {
        Some(_) => (
            // Past the end (an old link): back to the last page.
            (s.page > 1).then(|| s.page_href((s.page - 1).min(pages), c.lang)),
            (s.page < pages).then(|| s.page_href(s.page + 1, c.lang)),
        ),
        None => (None, None),
    };
    let heading = counted(tr, "trn-results", results.as_ref().map_or(0, |r| r.total));
    let page_of = tr.with(
        "trn-page-of",
        &[("page", Arg::Number(s.page)), ("pages", Arg::Number(pages))],
    );
    let code_label = frameworks_page::label_code(&state, &s.code, ctx.lang);
    let failed = !errors.is_empty();
    let mut response = render(
        ctx.lang,
        &ListPage {
            c,
            s,
            code_label,
            results,
            heading,
            page_of,
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
#[template(path = "trainings/show.html")]
struct ShowPage {
    c: Chrome,
    t: Training,
}

/// One published training. Anyone (a draft or an unknown one: 404).
async fn show(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    if id.is_empty() || id.len() > 100 {
        return Err(PageError::NotFound);
    }
    let t: Training = state
        .get(
            &ctx,
            &As::Nobody,
            &format!("/trainings/{}?lang={}", seg(&id), ctx.lang.code()),
        )
        .await?
        .json()
        .await?;
    let mut c = Chrome::new(&state, &ctx, Area::Public, "trn-title");
    c.title = t.title.clone();
    Ok(render(ctx.lang, &ShowPage { c, t }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_written_as_each_language_does() {
        assert_eq!(fmt_price(Lang::Fr, 1250.5), "1\u{202f}250,50\u{a0}€");
        assert_eq!(fmt_price(Lang::Fr, 800.0), "800\u{a0}€");
        assert_eq!(fmt_price(Lang::En, 1250.5), "€1,250.50");
        assert_eq!(fmt_price(Lang::En, 0.07), "€0.07");
    }

    #[test]
    fn a_search_asks_the_api_for_its_page() {
        let s = Search {
            q: "développeur web".into(),
            department: "37".into(),
            code: String::new(),
            distance: true,
            cpf: false,
            page: 3,
        };
        assert_eq!(
            s.api_path(Lang::En),
            "/trainings?q=d%C3%A9veloppeur+web&department=37&distance=true&lang=en&limit=20&offset=40"
        );
        assert_eq!(
            s.page_href(2, "fr"),
            "/formations?lang=fr&q=d%C3%A9veloppeur+web&department=37&distance=1&page=2#results"
        );
    }
}
