//! Each citizen's news feed: the events that matter to them, ranked by
//! their path (the targets and skills of their career plans, the skills
//! they declare or hold credentials for, the codes of their entries), the
//! organisations and tags they follow and where they live, each with why
//! it is shown. Also follows, registrations and stars, the personal
//! calendar feed, event reminders and the weekly digest.
//!
//! | route | caller |
//! |---|---|
//! | `GET /wallet/news` | the citizen |
//! | `GET`, `PUT /wallet/news/settings` | the citizen |
//! | `POST`, `DELETE /wallet/follows` | the citizen |
//! | `GET /wallet/events` | the citizen: the events they registered for or starred |
//! | `GET /wallet/events/{id}/attendance` | the citizen |
//! | `PUT`, `DELETE /wallet/events/{id}/registration`, `/star` | the citizen |
//! | `POST`, `DELETE /wallet/calendar` | the citizen: their calendar feed's secret URL |
//! | `GET /calendar/{token}` | anyone with the secret URL (a calendar application) |
//!
//! Ranking: each reason found gives a weight (the best of each kind
//! counts once), the feed is sorted by the sum, then by start. Matching is
//! exact on framework codes, and "near" within a family (a ROME code's
//! domain, `M18`; an ESCO occupation's ISCO group), weighed less.

use atout_core::store::{Attend, CandidateQuery, EventFull, InterestRows, Limited, Organisation};
use atout_frameworks::{Framework, Index};
use atout_web::{
    auth::Citizen, i18n::Lang, paris, places, problem::ProblemBody, ApiError, AppState, Json, Path,
    Query,
};
use axum::{
    extract::State,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The most organisations and tags a citizen follows.
pub const MAX_FOLLOWS: i64 = 200;
/// Events a page of the feed shows.
pub const PAGE: usize = 20;
/// Events each source may bring to a feed (tags bring twice as many).
const PER_SOURCE: i64 = 80;
/// The events a weekly digest lists at most.
pub const DIGEST_EVENTS: usize = 5;
/// A digest lists only events with at least this weight: a real match,
/// not merely "online" or "region-wide".
const DIGEST_MIN: f64 = 3.0;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(news))
        .routes(routes!(get_settings, put_settings))
        .routes(routes!(follow, unfollow))
        .routes(routes!(my_events))
        .routes(routes!(attendance))
        .routes(routes!(register, unregister))
        .routes(routes!(star, unstar))
        .routes(routes!(new_calendar, revoke_calendar))
        .routes(routes!(calendar))
}

// ---------------------------------------------------------------- ranking

/// Why an event is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Reason {
    /// `plan-target`, `plan-skill`, `skill`, `credential`, `entry`,
    /// `near-plan-target`, `near`, `followed-org`, `followed-tag`,
    /// `department`, `region`, `online` or `region-wide`.
    pub kind: String,
    /// What matched: a code's label, an organisation's name, a
    /// département's name.
    pub label: String,
    /// Where it comes from: the plan's or the entry's title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

const W_PLAN_TARGET: f64 = 10.0;
const W_PLAN_SKILL: f64 = 6.0;
const W_FOLLOWED: f64 = 6.0;
const W_SKILL: f64 = 5.0;
const W_ENTRY: f64 = 4.0;
const W_DEPARTMENT: f64 = 4.0;
const W_NEAR_TARGET: f64 = 3.0;
const W_NEAR: f64 = 1.5;
const W_REGION: f64 = 1.5;
const W_ONLINE: f64 = 1.0;
const W_REGION_WIDE: f64 = 1.0;

fn reason(kind: &str, label: &str, detail: Option<&str>) -> Reason {
    Reason {
        kind: kind.to_owned(),
        label: label.to_owned(),
        detail: detail.map(str::to_owned),
    }
}

/// A citizen's interests, ready to weigh events.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Tag key → what it comes from.
    exact: HashMap<String, Vec<(f64, Reason)>>,
    /// Family key → what it comes from (the best).
    near: HashMap<String, (f64, Reason)>,
    /// Organisation id → its name as followed.
    orgs: HashMap<String, String>,
    /// Followed tag key → its label.
    tags: HashMap<String, String>,
    pub department: Option<String>,
    /// Départements of their active plans (also near them).
    plan_departments: Vec<String>,
    region: Option<&'static str>,
    pub lang: Lang,
}

/// The family of a code: `rome~M18` (a ROME code's domain), `isco~2512`
/// (an ESCO occupation's ISCO group).
fn family(index: &Index, framework: &str, code: &str) -> Option<String> {
    let f = Framework::parse(framework)?;
    match f {
        Framework::Rome if code.len() == 5 && code.is_char_boundary(3) => {
            Some(format!("rome~{}", &code[..3]))
        }
        Framework::Esco => index
            .get(f, code)
            .and_then(|c| c.parent.as_ref())
            .map(|p| format!("isco~{p}")),
        _ => None,
    }
}

/// [`family`] written into `out` (cleared by the caller): true when the
/// code has a family.
fn family_into(index: &Index, framework: &str, code: &str, out: &mut String) -> bool {
    use std::fmt::Write as _;
    match Framework::parse(framework) {
        Some(Framework::Rome) if code.len() == 5 && code.is_char_boundary(3) => {
            let _ = write!(out, "rome~{}", &code[..3]);
            true
        }
        Some(f @ Framework::Esco) => match index.get(f, code).and_then(|c| c.parent.as_ref()) {
            Some(p) => {
                let _ = write!(out, "isco~{p}");
                true
            }
            None => false,
        },
        _ => false,
    }
}

fn tag_key(framework: &str, code: &str) -> String {
    atout_core::store::code_tag(framework, code)
}

impl Profile {
    pub fn build(rows: &InterestRows, index: &Index, lang: Lang) -> Profile {
        let mut p = Profile {
            exact: HashMap::new(),
            near: HashMap::new(),
            orgs: HashMap::new(),
            tags: HashMap::new(),
            department: rows.department.clone(),
            plan_departments: rows.plan_departments.clone(),
            region: rows.department.as_deref().and_then(places::region_of),
            lang,
        };
        let add = |p: &mut Profile, f: &str, c: &str, w: f64, r: Reason, near_w: f64| {
            p.exact
                .entry(tag_key(f, c))
                .or_default()
                .push((w, r.clone()));
            if let Some(fam) = family(index, f, c) {
                let kind = if r.kind == "plan-target" {
                    "near-plan-target"
                } else {
                    "near"
                };
                let near = Reason {
                    kind: kind.to_owned(),
                    ..r
                };
                let e = p.near.entry(fam).or_insert((near_w, near.clone()));
                if e.0 < near_w {
                    *e = (near_w, near);
                }
            }
        };
        for (plan, f, c, label) in &rows.plan_targets {
            let r = reason("plan-target", label, Some(plan));
            add(&mut p, f, c, W_PLAN_TARGET, r, W_NEAR_TARGET);
        }
        for (plan, f, c, label) in &rows.plan_skills {
            let r = reason("plan-skill", label, Some(plan));
            add(&mut p, f, c, W_PLAN_SKILL, r, W_NEAR);
        }
        for (f, c, label) in &rows.skills {
            let r = reason("skill", label, None);
            add(&mut p, f, c, W_SKILL, r, W_NEAR);
        }
        for (title, details) in &rows.entries {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(details) else {
                continue;
            };
            let codes = v["frameworks"].as_array().cloned().unwrap_or_default();
            for code in codes.iter().take(10) {
                let (Some(f), Some(c)) = (code["framework"].as_str(), code["code"].as_str()) else {
                    continue;
                };
                let label = code["label"]
                    .as_str()
                    .map(str::to_owned)
                    .or_else(|| {
                        Framework::parse(f)
                            .and_then(|fw| index.label(fw, c, lang.code()))
                            .map(|l| l.text)
                    })
                    .unwrap_or_else(|| c.to_owned());
                let r = reason("entry", &label, Some(title));
                add(&mut p, f, c, W_ENTRY, r, W_NEAR);
            }
        }
        for body in rows.holdings.iter().take(200) {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(body) else {
                continue;
            };
            // A VC-JWT's payload is not read here: its codes are in the
            // skills page; Data Integrity credentials carry them as JSON.
            for (f, c) in atout_wallet_api::skills::credential_codes(&v) {
                let label = index
                    .label(f, &c, lang.code())
                    .map(|l| l.text)
                    .unwrap_or_else(|| c.clone());
                let r = reason("credential", &label, None);
                add(&mut p, f.as_str(), &c, W_SKILL, r, W_NEAR);
            }
        }
        for (target, label) in &rows.follows {
            if let Some(org) = target.strip_prefix("org:") {
                p.orgs.insert(org.to_owned(), label.clone());
            } else {
                p.tags.insert(target.clone(), label.clone());
            }
        }
        p
    }

    /// The tag keys that bring events: codes of the path, followed tags.
    pub fn tag_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.exact.keys().chain(self.tags.keys()).cloned().collect();
        keys.sort();
        keys.dedup();
        keys
    }

    pub fn followed_orgs(&self) -> Vec<String> {
        self.orgs.keys().cloned().collect()
    }

    /// The départements near the citizen: theirs and their plans'.
    pub fn near_departments(&self) -> Vec<String> {
        let mut d: Vec<String> = self
            .department
            .iter()
            .chain(self.plan_departments.iter())
            .cloned()
            .collect();
        d.dedup();
        d
    }

    /// The event's weight alone, as [`Profile::score`] sums it, without
    /// building the reasons (nothing allocated but a key buffer): ranking
    /// weighs every candidate, and says why only for those shown.
    pub fn weigh(&self, e: &EventFull, index: &Index) -> f64 {
        const KINDS: [&str; 13] = [
            "plan-target",
            "plan-skill",
            "skill",
            "credential",
            "entry",
            "near-plan-target",
            "near",
            "followed-org",
            "followed-tag",
            "department",
            "region",
            "online",
            "region-wide",
        ];
        let slot = |kind: &str| KINDS.iter().position(|k| *k == kind).unwrap_or(0);
        let mut best = [0f64; 13];
        let mut keep = |i: usize, w: f64| {
            if best[i] < w {
                best[i] = w;
            }
        };
        let mut key = String::new();
        for t in &e.tags {
            match self.exact.get(&t.tag) {
                Some(found) => {
                    for (w, r) in found {
                        keep(slot(&r.kind), *w);
                    }
                }
                None => {
                    if let (Some(f), Some(c)) = (&t.framework, &t.code) {
                        key.clear();
                        if family_into(index, f, c, &mut key) {
                            if let Some((w, r)) = self.near.get(key.as_str()) {
                                keep(slot(&r.kind), *w);
                            }
                        }
                    }
                }
            }
            if self.tags.contains_key(&t.tag) {
                keep(8, W_FOLLOWED);
            }
        }
        let ev = &e.event;
        match &ev.org_id {
            Some(org) if self.orgs.contains_key(org) => keep(7, W_FOLLOWED),
            Some(_) => {}
            None => keep(12, W_REGION_WIDE),
        }
        if let Some(d) = &ev.department {
            if self.department.as_deref() == Some(d.as_str()) || self.plan_departments.contains(d) {
                keep(9, W_DEPARTMENT);
            } else if self.region.is_some() && places::region_of(d) == self.region {
                keep(10, W_REGION);
            }
        }
        if ev.online_url.is_some() {
            keep(11, W_ONLINE);
        }
        best.iter().sum()
    }

    /// The event's weight for this citizen and why, best reason first.
    pub fn score(&self, e: &EventFull, index: &Index) -> (f64, Vec<Reason>) {
        // The best reason of each kind counts once.
        let mut best: BTreeMap<String, (f64, Reason)> = BTreeMap::new();
        let mut keep = |w: f64, r: &Reason| {
            let slot = best.entry(r.kind.clone()).or_insert((w, r.clone()));
            if slot.0 < w {
                *slot = (w, r.clone());
            }
        };
        for t in &e.tags {
            if let Some(found) = self.exact.get(&t.tag) {
                for (w, r) in found {
                    keep(*w, r);
                }
            }
            if let Some(label) = self.tags.get(&t.tag) {
                keep(W_FOLLOWED, &reason("followed-tag", label, None));
            }
            if let (Some(f), Some(c)) = (&t.framework, &t.code) {
                if !self.exact.contains_key(&t.tag) {
                    if let Some((w, r)) = family(index, f, c).and_then(|fam| self.near.get(&fam)) {
                        // What the event is about, near what the citizen has.
                        let mut r = r.clone();
                        r.label = t.label.clone();
                        keep(*w, &r);
                    }
                }
            }
        }
        let ev = &e.event;
        if let Some(org) = &ev.org_id {
            if let Some(name) = self.orgs.get(org) {
                keep(W_FOLLOWED, &reason("followed-org", name, None));
            }
        } else {
            keep(W_REGION_WIDE, &reason("region-wide", "", None));
        }
        if let Some(d) = &ev.department {
            let name = places::departement(d).map_or(d.as_str(), |x| x.name);
            if self.department.as_deref() == Some(d.as_str()) || self.plan_departments.contains(d) {
                keep(W_DEPARTMENT, &reason("department", name, None));
            } else if self.region.is_some() && places::region_of(d) == self.region {
                keep(W_REGION, &reason("region", name, None));
            }
        }
        if ev.online_url.is_some() {
            keep(W_ONLINE, &reason("online", "", None));
        }
        let mut reasons: Vec<(f64, Reason)> = best.into_values().collect();
        reasons.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.kind.cmp(&b.1.kind)));
        let score = reasons.iter().map(|(w, _)| w).sum();
        (score, reasons.into_iter().map(|(_, r)| r).collect())
    }
}

/// A reason in words, as the page and the digest say it.
pub fn say(lang: Lang, r: &Reason) -> String {
    let tr = lang.tr();
    let detail = r.detail.as_deref().unwrap_or("");
    tr.with(
        &format!("news-why-{}", r.kind),
        &[
            ("label", r.label.as_str().into()),
            ("detail", detail.into()),
        ],
    )
}

// ------------------------------------------------------------------ views

/// Who organises an event.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Organiser {
    pub slug: String,
    pub name: String,
}

/// A tag of an event.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TagView {
    pub tag: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framework: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// An event as the feed shows it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeedEvent {
    pub id: String,
    pub kind: String,
    /// In the language asked for, else the other.
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Paris local time, `2027-03-15T14:00`.
    pub starts_local: String,
    pub ends_local: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commune: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_name: Option<String>,
    pub online: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organiser: Option<Organiser>,
    /// `none`, `external` or `atout`.
    pub registration: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub places_left: Option<i64>,
    /// `published` or `cancelled`.
    pub status: String,
    pub tags: Vec<TagView>,
}

pub fn feed_event(e: &EventFull, orgs: &HashMap<String, Organisation>, lang: Lang) -> FeedEvent {
    let ev = &e.event;
    let pick = |fr: &Option<String>, en: &Option<String>| match lang {
        Lang::Fr => fr.clone().or_else(|| en.clone()),
        Lang::En => en.clone().or_else(|| fr.clone()),
    };
    let summary = pick(&ev.description_fr, &ev.description_en).map(|d| {
        let d = d.trim();
        if d.chars().count() > 280 {
            let cut: String = d.chars().take(279).collect();
            format!("{}…", cut.trim_end())
        } else {
            d.to_owned()
        }
    });
    FeedEvent {
        id: ev.id.clone(),
        kind: ev.kind.clone(),
        title: pick(&ev.title_fr, &ev.title_en).unwrap_or_default(),
        summary,
        starts_at: ev.starts_at,
        ends_at: ev.ends_at,
        starts_local: paris::input_value(ev.starts_at),
        ends_local: paris::input_value(ev.ends_at),
        commune: ev.commune.clone(),
        department: ev.department.clone(),
        department_name: ev
            .department
            .as_deref()
            .and_then(places::departement)
            .map(|d| d.name.to_owned()),
        online: ev.online_url.is_some(),
        organiser: ev
            .org_id
            .as_ref()
            .and_then(|id| orgs.get(id))
            .map(|o| Organiser {
                slug: o.slug.clone(),
                name: lang
                    .pick([o.name_fr.as_str(), o.name_en.as_str()])
                    .to_owned(),
            }),
        registration: ev.registration.clone(),
        places_left: ev
            .capacity
            .filter(|_| ev.registration == "atout")
            .map(|c| (c - e.registered).max(0)),
        status: ev.status.clone(),
        tags: e
            .tags
            .iter()
            .map(|t| TagView {
                tag: t.tag.clone(),
                label: t.label.clone(),
                framework: t.framework.clone(),
                code: t.code.clone(),
            })
            .collect(),
    }
}

async fn org_map(state: &AppState) -> Result<HashMap<String, Organisation>, ApiError> {
    Ok(org_map_plain(state).await?)
}

// ------------------------------------------------------------------- feed

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct NewsParams {
    /// An event kind (`job-fair`, `open-day`, `info-session`,
    /// `training-session`, `recruitment`, `workshop`, `other`).
    pub kind: Option<String>,
    /// From this day (`YYYY-MM-DD`, Paris).
    pub from: Option<String>,
    /// Until this day, included.
    pub to: Option<String>,
    /// `department` (theirs and their plans'), `region` or `anywhere`
    /// (default).
    #[serde(rename = "where")]
    pub within: Option<String>,
    /// `include` (default), `only` or `exclude`: online events.
    pub online: Option<String>,
    /// From 1.
    pub page: Option<usize>,
    /// `fr` (default) or `en`.
    pub lang: Option<String>,
}

/// One event of the feed and why it is there.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewsItem {
    pub event: FeedEvent,
    pub score: f64,
    /// Best first.
    pub reasons: Vec<Reason>,
    pub registered: bool,
    pub starred: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewsPage {
    /// The citizen's département, if they gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    pub items: Vec<NewsItem>,
    pub total: usize,
    pub page: usize,
    pub pages: usize,
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

fn day(field: &str, text: Option<&str>) -> Result<Option<NaiveDate>, ApiError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                ApiError::unprocessable(format!("{field}: a day as YYYY-MM-DD, e.g. 2027-03-15."))
                    .with("field", field)
            }),
    }
}

fn paris_midnight(d: NaiveDate) -> Option<DateTime<Utc>> {
    paris::from_local(d.and_hms_opt(0, 0, 0)?)
}

/// The citizen's feed: upcoming events ranked by their path, each with
/// why; filters by kind, days, distance and online. The citizen only.
#[utoipa::path(
    get, path = "/wallet/news", tag = "news",
    security(("cookie" = []), ("bearer" = [])),
    params(NewsParams),
    responses(
        (status = 200, body = NewsPage),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn news(
    State(state): State<AppState>,
    citizen: Citizen,
    Query(p): Query<NewsParams>,
) -> Result<Json<NewsPage>, ApiError> {
    let lang = atout_web::i18n::choose(p.lang.as_deref(), None);
    if let Some(k) = &p.kind {
        if !KINDS.contains(&k.as_str()) {
            return Err(
                ApiError::unprocessable(format!("kind: one of {}.", KINDS.join(", ")))
                    .with("field", "kind"),
            );
        }
    }
    let from = day("from", p.from.as_deref())?;
    let to = day("to", p.to.as_deref())?;
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            return Err(ApiError::unprocessable("to: a day after from.").with("field", "to"));
        }
    }
    let online = match p.online.as_deref() {
        None | Some("") | Some("include") => None,
        Some("only") => Some(true),
        Some("exclude") => Some(false),
        Some(_) => {
            return Err(ApiError::unprocessable("online: include, only or exclude.")
                .with("field", "online"))
        }
    };
    let within = match p.within.as_deref() {
        None | Some("") | Some("anywhere") => "anywhere",
        Some("department") => "department",
        Some("region") => "region",
        Some(_) => {
            return Err(
                ApiError::unprocessable("where: department, region or anywhere.")
                    .with("field", "where"),
            )
        }
    };
    let now = state.clock.now();
    let index = state.frameworks.index();
    let rows = state
        .store
        .interests(&[citizen.id().to_owned()], true)
        .await?
        .remove(citizen.id())
        .unwrap_or_default();
    let profile = Profile::build(&rows, &index, lang);
    let mut departments = profile.near_departments();
    if within == "region" {
        if let Some(r) = profile.region {
            departments.extend(
                places::DEPARTEMENTS
                    .iter()
                    .filter(|d| d.region.map(|x| x.0) == Some(r))
                    .map(|d| d.code.to_owned()),
            );
            departments.sort();
            departments.dedup();
        }
    }
    let query = CandidateQuery {
        tags: profile.tag_keys(),
        org_ids: profile.followed_orgs(),
        departments: departments.clone(),
        general: true,
        kind: p.kind.clone(),
        ends_after: from.and_then(paris_midnight).map_or(now, |f| f.max(now)),
        starts_before: to.and_then(|t| t.succ_opt()).and_then(paris_midnight),
        online,
        published_after: None,
        per_source: PER_SOURCE,
    };
    let events = state.store.feed_candidates(&query).await?;
    let near: HashSet<&str> = departments.iter().map(String::as_str).collect();
    let mut ranked: Vec<(f64, Vec<Reason>, EventFull)> = events
        .into_iter()
        .filter(|e| match within {
            "anywhere" => true,
            // Online events are near everyone (unless excluded above).
            _ => {
                e.event.online_url.is_some()
                    || e.event
                        .department
                        .as_deref()
                        .is_some_and(|d| near.contains(d))
            }
        })
        .map(|e| (profile.weigh(&e, &index), Vec::new(), e))
        .collect();
    ranked.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| a.2.event.starts_at.cmp(&b.2.event.starts_at))
            .then_with(|| a.2.event.id.cmp(&b.2.event.id))
    });
    let total = ranked.len();
    let pages = total.div_ceil(PAGE).max(1);
    let page = p.page.unwrap_or(1).clamp(1, pages);
    let marks: HashMap<String, (bool, bool)> = state
        .store
        .my_events(citizen.id(), now, 500)
        .await?
        .into_iter()
        .map(|a| {
            (
                a.event.event.id.clone(),
                (a.registered_at.is_some(), a.starred_at.is_some()),
            )
        })
        .collect();
    let orgs = org_map(&state).await?;
    let items = ranked
        .into_iter()
        .skip((page - 1) * PAGE)
        .take(PAGE)
        .map(|(weight, _, e)| {
            // Why: for the events shown only.
            let (score, reasons) = profile.score(&e, &index);
            debug_assert!((score - weight).abs() < 1e-9, "weigh and score disagree");
            let (registered, starred) = marks.get(&e.event.id).copied().unwrap_or_default();
            NewsItem {
                event: feed_event(&e, &orgs, lang),
                score,
                reasons,
                registered,
                starred,
            }
        })
        .collect();
    Ok(Json(NewsPage {
        department: profile.department.clone(),
        items,
        total,
        page,
        pages,
    }))
}

// --------------------------------------------------------------- settings

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FollowView {
    /// `org:<id>` or a tag key (`rome:M1805`, `free:numerique`).
    pub target: String,
    /// `organisation` or `tag`.
    pub kind: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CalendarInfo {
    pub active: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_read_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewsSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_name: Option<String>,
    pub follows: Vec<FollowView>,
    pub calendar: CalendarInfo,
}

async fn settings_of(state: &AppState, citizen_id: &str) -> Result<NewsSettings, ApiError> {
    let rows = state
        .store
        .interests(&[citizen_id.to_owned()], false)
        .await?
        .remove(citizen_id)
        .unwrap_or_default();
    let orgs = org_map(state).await?;
    let mut follows: Vec<FollowView> = rows
        .follows
        .iter()
        .map(|(target, label)| match target.strip_prefix("org:") {
            Some(id) => FollowView {
                target: target.clone(),
                kind: "organisation".into(),
                label: label.clone(),
                slug: orgs.get(id).map(|o| o.slug.clone()),
            },
            None => FollowView {
                target: target.clone(),
                kind: "tag".into(),
                label: label.clone(),
                slug: None,
            },
        })
        .collect();
    follows.sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| a.label.cmp(&b.label)));
    let calendar = state.store.calendar_info(citizen_id).await?;
    Ok(NewsSettings {
        department_name: rows
            .department
            .as_deref()
            .and_then(places::departement)
            .map(|d| d.name.to_owned()),
        department: rows.department,
        follows,
        calendar: CalendarInfo {
            active: calendar.is_some(),
            created_at: calendar.map(|c| c.0),
            last_read_at: calendar.and_then(|c| c.1),
        },
    })
}

/// Where the citizen lives, what they follow, their calendar feed. The
/// citizen only.
#[utoipa::path(
    get, path = "/wallet/news/settings", tag = "news",
    security(("cookie" = []), ("bearer" = [])),
    responses(
        (status = 200, body = NewsSettings),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn get_settings(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<Json<NewsSettings>, ApiError> {
    Ok(Json(settings_of(&state, citizen.id()).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsInput {
    /// The citizen's département (`45`, `2A`, `971`); null or empty to
    /// forget it.
    pub department: Option<String>,
}

/// Sets the citizen's département (events near them come first). The
/// citizen only.
#[utoipa::path(
    put, path = "/wallet/news/settings", tag = "news",
    security(("cookie" = []), ("bearer" = [])),
    request_body = SettingsInput,
    responses(
        (status = 200, body = NewsSettings),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn put_settings(
    State(state): State<AppState>,
    citizen: Citizen,
    Json(body): Json<SettingsInput>,
) -> Result<Json<NewsSettings>, ApiError> {
    let department = match body.department.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) => Some(places::department(d).ok_or_else(|| {
            ApiError::unprocessable("department: a French département code (45, 37, 2A, 971).")
                .with("field", "department")
        })?),
    };
    state
        .store
        .set_citizen_department(citizen.id(), department.as_deref())
        .await?;
    Ok(Json(settings_of(&state, citizen.id()).await?))
}

// ---------------------------------------------------------------- follows

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowInput {
    /// An organisation, by its slug.
    pub organisation: Option<String>,
    /// A framework (ROME, ESCO, RNCP, RS) and a code.
    pub framework: Option<String>,
    pub code: Option<String>,
    /// A free tag (up to 60 characters).
    pub tag: Option<String>,
}

/// Follow an organisation, a framework code or a free tag: their events
/// come first in the feed. At most 200. The citizen only.
#[utoipa::path(
    post, path = "/wallet/follows", tag = "news",
    security(("cookie" = []), ("bearer" = [])),
    request_body = FollowInput,
    responses(
        (status = 201, body = FollowView),
        (status = 200, body = FollowView, description = "Followed already"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "The most follows are kept", content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn follow(
    State(state): State<AppState>,
    citizen: Citizen,
    Json(body): Json<FollowInput>,
) -> Result<(StatusCode, Json<FollowView>), ApiError> {
    let lang = Lang::Fr;
    let view = match (&body.organisation, &body.framework, &body.code, &body.tag) {
        (Some(slug), None, None, None) => {
            let org = state
                .store
                .get_org_by_slug(slug.trim())
                .await?
                .ok_or_else(|| {
                    ApiError::unprocessable("organisation: no organisation has this slug.")
                        .with("field", "organisation")
                })?;
            FollowView {
                target: format!("org:{}", org.id),
                kind: "organisation".into(),
                label: org.name_fr.clone(),
                slug: Some(org.slug),
            }
        }
        (None, Some(f), Some(c), None) => {
            let framework = Framework::parse(f)
                .filter(|f| {
                    matches!(
                        f,
                        Framework::Rome | Framework::Esco | Framework::Rncp | Framework::Rs
                    )
                })
                .ok_or_else(|| {
                    ApiError::unprocessable("framework: ROME, ESCO, RNCP or RS.")
                        .with("field", "framework")
                })?;
            let code = c.trim();
            let label = state
                .frameworks
                .label(framework.as_str(), code, lang.code())
                .map(|l| l.text)
                .ok_or_else(|| {
                    ApiError::unprocessable(format!(
                        "code: {code} is not a known {framework} code."
                    ))
                    .with("field", "code")
                })?;
            FollowView {
                target: tag_key(framework.as_str(), code),
                kind: "tag".into(),
                label,
                slug: None,
            }
        }
        (None, None, None, Some(t)) => {
            let t = t.trim();
            let folded = atout_frameworks::normalize::fold(t);
            if folded.is_empty() || t.chars().count() > 60 || t.chars().any(char::is_control) {
                return Err(
                    ApiError::unprocessable("tag: one to 60 characters, on one line.")
                        .with("field", "tag"),
                );
            }
            FollowView {
                target: atout_core::store::free_tag(&folded),
                kind: "tag".into(),
                label: t.to_owned(),
                slug: None,
            }
        }
        _ => {
            return Err(ApiError::unprocessable(
                "Give one of: organisation, framework and code, tag.",
            ))
        }
    };
    match state
        .store
        .follow(
            citizen.id(),
            &view.target,
            &view.label,
            state.clock.now(),
            MAX_FOLLOWS,
        )
        .await?
    {
        Limited::Done => Ok((StatusCode::CREATED, Json(view))),
        Limited::Exists => Ok((StatusCode::OK, Json(view))),
        Limited::TooMany => Err(ApiError::conflict(format!(
            "You follow {MAX_FOLLOWS} organisations and tags already: stop following one first."
        ))),
        Limited::NotFound => Err(ApiError::unauthorized("The session has ended.")),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct TargetParam {
    /// What to stop following: `org:<id>` or a tag key.
    pub target: String,
}

/// Stop following. The citizen only.
#[utoipa::path(
    delete, path = "/wallet/follows", tag = "news",
    security(("cookie" = []), ("bearer" = [])),
    params(TargetParam),
    responses(
        (status = 204, description = "Not followed any more"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn unfollow(
    State(state): State<AppState>,
    citizen: Citizen,
    Query(p): Query<TargetParam>,
) -> Result<StatusCode, ApiError> {
    if state.store.unfollow(citizen.id(), &p.target).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("You do not follow this."))
    }
}

// ---------------------------------------------------------- registrations

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttendanceView {
    pub registered: bool,
    pub starred: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MyEvent {
    pub event: FeedEvent,
    pub registered: bool,
    pub starred: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MyEvents {
    pub items: Vec<MyEvent>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct LangOnly {
    /// `fr` (default) or `en`.
    pub lang: Option<String>,
}

/// The events the citizen registered for or starred that have not ended,
/// soonest first (cancelled ones too, marked). The citizen only.
#[utoipa::path(
    get, path = "/wallet/events", tag = "news",
    security(("cookie" = []), ("bearer" = [])),
    params(LangOnly),
    responses(
        (status = 200, body = MyEvents),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn my_events(
    State(state): State<AppState>,
    citizen: Citizen,
    Query(p): Query<LangOnly>,
) -> Result<Json<MyEvents>, ApiError> {
    let lang = atout_web::i18n::choose(p.lang.as_deref(), None);
    let orgs = org_map(&state).await?;
    let items = state
        .store
        .my_events(citizen.id(), state.clock.now(), 500)
        .await?
        .into_iter()
        .map(|a| MyEvent {
            event: feed_event(&a.event, &orgs, lang),
            registered: a.registered_at.is_some(),
            starred: a.starred_at.is_some(),
        })
        .collect();
    Ok(Json(MyEvents { items }))
}

/// Whether the citizen registered for or starred an event. The citizen
/// only.
#[utoipa::path(
    get, path = "/wallet/events/{id}/attendance", tag = "news",
    security(("cookie" = []), ("bearer" = [])),
    responses(
        (status = 200, body = AttendanceView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn attendance(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<AttendanceView>, ApiError> {
    let (registered, starred) = state.store.attendance(&id, citizen.id()).await?;
    Ok(Json(AttendanceView {
        registered,
        starred,
    }))
}

async fn set_attendance(
    state: &AppState,
    citizen: &Citizen,
    id: &str,
    register: Option<bool>,
    star: Option<bool>,
) -> Result<Json<AttendanceView>, ApiError> {
    match state
        .store
        .attend(id, citizen.id(), register, star, state.clock.now())
        .await?
    {
        Attend::Done => {
            let (registered, starred) = state.store.attendance(id, citizen.id()).await?;
            Ok(Json(AttendanceView {
                registered,
                starred,
            }))
        }
        Attend::Full => Err(ApiError::conflict(
            "Every place of this event is taken.",
        )
        .with("reason", "full")),
        Attend::NotOpen => match state.store.event(id).await? {
            Some(e) if e.event.status != "draft" => Err(ApiError::conflict(
                if e.event.status == "cancelled" {
                    "This event is cancelled."
                } else if e.event.registration != "atout" {
                    "This event does not take registrations in Atout: see how to register on its page."
                } else {
                    "This event has started: registrations are closed."
                },
            )
            .with("reason", "closed")),
            _ => Err(ApiError::not_found("There is no published event with this id.")),
        },
    }
}

/// Register for an event that takes registrations in Atout (a place is
/// taken at once; 409 when every place is taken). The citizen only.
#[utoipa::path(
    put, path = "/wallet/events/{id}/registration", tag = "news",
    security(("cookie" = []), ("bearer" = [])),
    responses(
        (status = 200, body = AttendanceView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "Full, cancelled, started, or registration elsewhere", content_type = "application/problem+json"),
    )
)]
async fn register(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<AttendanceView>, ApiError> {
    set_attendance(&state, &citizen, &id, Some(true), None).await
}

/// Withdraw a registration (the place is freed). The citizen only.
#[utoipa::path(
    delete, path = "/wallet/events/{id}/registration", tag = "news",
    security(("cookie" = []), ("bearer" = [])),
    responses(
        (status = 200, body = AttendanceView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn unregister(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<AttendanceView>, ApiError> {
    set_attendance(&state, &citizen, &id, Some(false), None).await
}

/// Star an event (it goes into the citizen's calendar feed). The citizen
/// only.
#[utoipa::path(
    put, path = "/wallet/events/{id}/star", tag = "news",
    security(("cookie" = []), ("bearer" = [])),
    responses(
        (status = 200, body = AttendanceView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn star(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<AttendanceView>, ApiError> {
    set_attendance(&state, &citizen, &id, None, Some(true)).await
}

/// Remove a star. The citizen only.
#[utoipa::path(
    delete, path = "/wallet/events/{id}/star", tag = "news",
    security(("cookie" = []), ("bearer" = [])),
    responses(
        (status = 200, body = AttendanceView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn unstar(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<AttendanceView>, ApiError> {
    set_attendance(&state, &citizen, &id, None, Some(false)).await
}

// --------------------------------------------------------------- calendar

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CalendarUrl {
    /// The secret address to give a calendar application (shown once:
    /// only its digest is kept).
    pub url: String,
    /// The same with `webcal:` (calendar applications open it directly).
    pub webcal: String,
    pub created_at: DateTime<Utc>,
}

/// A new secret address for the citizen's calendar feed (the events they
/// registered for or starred); the previous one stops working. The
/// citizen only.
#[utoipa::path(
    post, path = "/wallet/calendar", tag = "news",
    security(("cookie" = []), ("bearer" = [])),
    responses(
        (status = 201, body = CalendarUrl),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn new_calendar(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<(StatusCode, Json<CalendarUrl>), ApiError> {
    let token = atout_core::crypto::random_token(32).map_err(ApiError::internal)?;
    let hash = atout_core::crypto::sha256_hex(token.as_bytes());
    let now = state.clock.now();
    state
        .store
        .set_calendar_token(citizen.id(), &hash, now)
        .await?;
    let url = format!("{}/calendar/{token}", state.config.base());
    let webcal = match url.split_once("://") {
        Some((_, rest)) => format!("webcal://{rest}"),
        None => url.clone(),
    };
    Ok((
        StatusCode::CREATED,
        Json(CalendarUrl {
            url,
            webcal,
            created_at: now,
        }),
    ))
}

/// Revoke the calendar feed's address (it answers 404 from now on). The
/// citizen only.
#[utoipa::path(
    delete, path = "/wallet/calendar", tag = "news",
    security(("cookie" = []), ("bearer" = [])),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn revoke_calendar(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<StatusCode, ApiError> {
    if state.store.revoke_calendar(citizen.id()).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("You have no calendar feed."))
    }
}

/// The citizen's calendar feed (iCalendar, RFC 5545): the events they
/// registered for or starred, cancelled ones marked so. Anyone with the
/// secret address; a revoked or unknown one is 404 and says nothing more.
#[utoipa::path(
    get, path = "/calendar/{token}", tag = "news",
    params(LangOnly),
    responses(
        (status = 200, content_type = "text/calendar", body = String),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn calendar(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(p): Query<LangOnly>,
) -> Result<Response, ApiError> {
    let lang = atout_web::i18n::choose(p.lang.as_deref(), None);
    let unknown = || ApiError::not_found("There is no calendar at this address.");
    if token.len() > 100 {
        return Err(unknown());
    }
    let hash = atout_core::crypto::sha256_hex(token.as_bytes());
    let now = state.clock.now();
    let Some(citizen_id) = state.store.calendar_citizen(&hash, now).await? else {
        return Err(unknown());
    };
    // Events of the last 30 days too: a calendar keeps what happened.
    let events: Vec<EventFull> = state
        .store
        .my_events(&citizen_id, now - Duration::days(30), 1000)
        .await?
        .into_iter()
        .map(|a| a.event)
        .collect();
    let orgs = org_map(&state).await?;
    let listed: Vec<crate::public::Listed> = events
        .into_iter()
        .map(|e| crate::public::Listed::with_orgs(e, &orgs))
        .collect();
    let body = crate::ical::calendar(&listed, &state.config.base_url, lang);
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    // A secret address: no shared cache keeps it.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    Ok(res)
}

// ---------------------------------------------------------------- workers

pub fn spawn_workers(state: AppState) {
    let s = state.clone();
    tokio::spawn(async move {
        loop {
            remind_once(&s).await;
            tokio::time::sleep(std::time::Duration::from_secs(300)).await;
        }
    });
    tokio::spawn(async move {
        // Not at once: `atout news digest` run right after a start takes it.
        tokio::time::sleep(std::time::Duration::from_secs(60)).await;
        loop {
            if let Err(e) = digest_once(&state, false).await {
                tracing::warn!(error = %e, "weekly digest failed; tried again later");
            }
            tokio::time::sleep(std::time::Duration::from_secs(900)).await;
        }
    });
}

/// Reminders of events starting within a day, for those registered;
/// each taken once. Returns how many were written.
pub async fn remind_once(state: &AppState) -> usize {
    let now = state.clock.now();
    let mut written = 0;
    loop {
        let due = match state
            .store
            .take_due_reminders(now, now + Duration::hours(24), 500)
            .await
        {
            Ok(due) => due,
            Err(e) => {
                tracing::warn!(error = %e, "event reminders: cannot read");
                return written;
            }
        };
        if due.is_empty() {
            return written;
        }
        let notices = due
            .iter()
            .map(|d| {
                use atout_core::notify::{Kind, Notice};
                let e = &d.event;
                Notice::citizen(
                    &d.citizen_id,
                    Kind::EventReminder,
                    serde_json::json!({
                        "eventId": e.id,
                        "titleFr": e.title_fr,
                        "titleEn": e.title_en,
                        "startsAt": e.starts_at,
                        "startsLocal": paris::input_value(e.starts_at),
                        "commune": e.commune,
                        "address": e.address,
                        "onlineUrl": e.online_url,
                    }),
                )
                .link(format!("/evenements/{}", e.id))
                .dedupe(format!("reminder:{}:{}", e.id, d.citizen_id))
            })
            .collect();
        written += atout_core::notify::notify(state.store.as_ref(), now, notices).await;
    }
}

/// What a digest run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DigestReport {
    /// Citizens who opted in.
    pub citizens: usize,
    /// Digests written (citizens with at least one relevant new event).
    pub queued: usize,
    /// New events of the week considered.
    pub events: usize,
}

/// The ISO week of a Paris day: `2026-W50`.
pub fn week_of(at: DateTime<Utc>) -> String {
    let local = paris::local(at).date();
    let w = local.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

/// The weekly digest: on Mondays from 08:00 (Paris), once per week across
/// processes (`digest_runs`), for the citizens who opted in: the events
/// published in the last seven days that match them, at most five each,
/// written as `digest` notifications (mailed by the notification worker).
/// `force` runs it whatever the day (tests, benchmarks).
pub async fn digest_once(
    state: &AppState,
    force: bool,
) -> Result<Option<DigestReport>, atout_core::store::StoreError> {
    let now = state.clock.now();
    let local = paris::local(now);
    if !force && (local.weekday() != chrono::Weekday::Mon || local.hour() < 8) {
        return Ok(None);
    }
    let week = week_of(now);
    if !state
        .store
        .take_digest(&week, now, now - Duration::hours(1))
        .await?
    {
        return Ok(None);
    }
    let events = state
        .store
        .feed_candidates(&CandidateQuery {
            general: true,
            ends_after: now,
            published_after: Some(now - Duration::days(7)),
            per_source: 5000,
            ..CandidateQuery::default()
        })
        .await?;
    let index = state.frameworks.index();
    let orgs = org_map_plain(state).await?;
    // Events by what brings them to a citizen.
    let mut by_tag: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_org: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_department: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_family: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, e) in events.iter().enumerate() {
        for t in &e.tags {
            by_tag.entry(t.tag.as_str()).or_default().push(i);
            if let (Some(f), Some(c)) = (&t.framework, &t.code) {
                if let Some(fam) = family(&index, f, c) {
                    by_family.entry(fam).or_default().push(i);
                }
            }
        }
        if let Some(o) = &e.event.org_id {
            by_org.entry(o.as_str()).or_default().push(i);
        }
        if let Some(d) = &e.event.department {
            by_department.entry(d.as_str()).or_default().push(i);
        }
    }
    let mut after = String::new();
    let mut citizens = 0;
    let mut queued = 0;
    loop {
        let ids = state.store.digest_citizens(&after, 500).await?;
        let Some(last) = ids.last() else { break };
        after = last.clone();
        citizens += ids.len();
        if events.is_empty() {
            continue;
        }
        let interests = state.store.interests(&ids, false).await?;
        let mut notices = Vec::new();
        for id in &ids {
            let Some(rows) = interests.get(id) else {
                continue;
            };
            let lang = rows
                .lang
                .as_deref()
                .and_then(Lang::parse)
                .unwrap_or(Lang::Fr);
            let profile = Profile::build(rows, &index, lang);
            let mut candidates: Vec<usize> = Vec::new();
            for k in profile.exact.keys().chain(profile.tags.keys()) {
                candidates.extend(by_tag.get(k.as_str()).into_iter().flatten());
            }
            for k in profile.near.keys() {
                candidates.extend(by_family.get(k.as_str()).into_iter().flatten());
            }
            for o in profile.orgs.keys() {
                candidates.extend(by_org.get(o.as_str()).into_iter().flatten());
            }
            for d in profile.near_departments() {
                candidates.extend(by_department.get(d.as_str()).into_iter().flatten());
            }
            // The region alone (1.5) never reaches DIGEST_MIN: an event
            // of the region that does has another reason, indexed above.
            candidates.sort_unstable();
            candidates.dedup();
            let mut ranked: Vec<(f64, usize)> = candidates
                .into_iter()
                .map(|i| (profile.weigh(&events[i], &index), i))
                .filter(|(s, _)| *s >= DIGEST_MIN)
                .collect();
            if ranked.is_empty() {
                continue;
            }
            ranked.sort_by(|a, b| {
                b.0.total_cmp(&a.0).then_with(|| {
                    events[a.1]
                        .event
                        .starts_at
                        .cmp(&events[b.1].event.starts_at)
                })
            });
            let listed: Vec<serde_json::Value> = ranked
                .iter()
                .take(DIGEST_EVENTS)
                .map(|(_, i)| {
                    let e = &events[*i];
                    let (_, reasons) = profile.score(e, &index);
                    let v = feed_event(e, &orgs, lang);
                    serde_json::json!({
                        "id": e.event.id,
                        "titleFr": e.event.title_fr,
                        "titleEn": e.event.title_en,
                        "startsAt": e.event.starts_at,
                        "startsLocal": v.starts_local,
                        "commune": e.event.commune,
                        "online": v.online,
                        "why": reasons.first().map(|r| say(lang, r)).unwrap_or_default(),
                    })
                })
                .collect();
            notices.push(
                atout_core::notify::Notice::citizen(
                    id,
                    atout_core::notify::Kind::Digest,
                    serde_json::json!({ "week": week, "events": listed }),
                )
                .link("/me/news")
                .dedupe(format!("digest:{week}:{id}")),
            );
        }
        queued += atout_core::notify::notify(state.store.as_ref(), now, notices).await;
    }
    state
        .store
        .finish_digest(&week, state.clock.now(), citizens as i64, queued as i64)
        .await?;
    Ok(Some(DigestReport {
        citizens,
        queued,
        events: events.len(),
    }))
}

async fn org_map_plain(
    state: &AppState,
) -> Result<HashMap<String, Organisation>, atout_core::store::StoreError> {
    Ok(state
        .store
        .list_orgs()
        .await?
        .into_iter()
        .map(|o| (o.id.clone(), o))
        .collect())
}
