//! The public side of events: a searchable listing, each event, its
//! iCalendar file, and Atom feeds per organisation, per département and per
//! tag. Anyone (rate-limited per address); drafts are never shown.
//!
//! | route | answers |
//! |---|---|
//! | `GET /events` | upcoming published and cancelled events, searchable (JSON) |
//! | `GET /events/{id}` | one published or cancelled event (JSON) |
//! | `GET /events/{id}/ics` | the same as iCalendar (`text/calendar`, one `VEVENT`) |
//! | `GET /feeds/orgs/{slug}/events.atom` | an organisation's upcoming events (Atom) |
//! | `GET /feeds/departments/{code}/events.atom` | a département's |
//! | `GET /feeds/tags/{tag}/events.atom` | a tag's (`rome:M1805`, `free:numerique`) |
//!
//! Times are stored in UTC; the JSON gives them in UTC and in Paris time
//! (`startsLocal`: `2027-03-15T14:00`), and in words (`when`). The `.ics`
//! and `.atom` answers carry an `ETag` (of their bytes) and a
//! `Last-Modified` (the last change of what they hold), and answer
//! `If-None-Match` with 304.

use crate::{atom, ical};
use atout_core::store::{EventFull, EventQuery, Organisation};
use atout_frameworks::Framework;
use atout_web::{
    extract::ClientIp,
    i18n::{self, Lang},
    limits::Action,
    problem::ProblemBody,
    ApiError, AppState, Json, Path, Query,
};
use axum::{
    extract::State,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone as _, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(one))
        .routes(routes!(ics))
        .routes(routes!(org_feed))
        .routes(routes!(department_feed))
        .routes(routes!(tag_feed))
}

/// The kinds of events.
pub const KINDS: [&str; 7] = [
    "job-fair",
    "open-day",
    "info-session",
    "training-session",
    "recruitment",
    "workshop",
    "other",
];

/// How many events a page of the listing has by default, and at most.
pub const PER_PAGE: i64 = 20;
pub const MAX_PER_PAGE: i64 = 100;
/// The listing goes this deep at most.
pub const MAX_OFFSET: i64 = 10_000;
/// How many entries a feed holds (the soonest).
pub const FEED_ENTRIES: i64 = 100;
/// How long caches may keep a calendar or a feed.
const FEED_CACHE: &str = "public, max-age=300";

/// The statuses anyone sees.
fn public_statuses() -> Vec<String> {
    vec!["published".into(), "cancelled".into()]
}

/// Text as calendars and feeds take it: line ends as `\n`, no control
/// character but tabs and line breaks, nothing XML 1.0 forbids. (Escaping
/// is the writers' business: this only drops what no format can carry.)
pub fn plain(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    text.chars()
        .filter(|c| {
            (*c == '\n' || *c == '\t' || !c.is_control()) && !matches!(*c, '\u{FFFE}' | '\u{FFFF}')
        })
        .collect()
}

/// A kind of event in words.
pub fn kind_label(lang: Lang, kind: &str) -> String {
    let key = format!("agenda-kind-{kind}");
    let tr = lang.tr();
    if KINDS.contains(&kind) && tr.has(&key) {
        tr.get(&key)
    } else {
        kind.to_owned()
    }
}

const DAYS: [[&str; 7]; 2] = [
    [
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    ],
    [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ],
];
const MONTHS: [[&str; 12]; 2] = [
    [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
];

/// A day for people: "lundi 1er mars 2027", "Monday 1 March 2027".
pub fn day_text(lang: Lang, d: NaiveDate) -> String {
    let i = lang.pick([0, 1]);
    let weekday = DAYS[i][d.weekday().num_days_from_monday() as usize];
    let month = MONTHS[i][d.month0() as usize];
    let day = match (lang, d.day()) {
        (Lang::Fr, 1) => "1er".to_owned(),
        (_, n) => n.to_string(),
    };
    format!("{weekday} {day} {month} {}", d.year())
}

/// When an event takes place, in Paris time and in words: "lundi 15 mars
/// 2027, 14:00 – 17:00", or from one day to another.
pub fn when_text(lang: Lang, start: NaiveDateTime, end: NaiveDateTime) -> String {
    let tr = lang.tr();
    let time = |t: NaiveDateTime| t.format("%H:%M").to_string();
    if start.date() == end.date() {
        tr.with(
            "agenda-when-day",
            &[
                ("day", i18n::Arg::Owned(day_text(lang, start.date()))),
                ("start", i18n::Arg::Owned(time(start))),
                ("end", i18n::Arg::Owned(time(end))),
            ],
        )
    } else {
        tr.with(
            "agenda-when-days",
            &[
                ("startday", i18n::Arg::Owned(day_text(lang, start.date()))),
                ("start", i18n::Arg::Owned(time(start))),
                ("endday", i18n::Arg::Owned(day_text(lang, end.date()))),
                ("end", i18n::Arg::Owned(time(end))),
            ],
        )
    }
}

/// An instant in Paris time.
pub fn paris(at: DateTime<Utc>) -> NaiveDateTime {
    atout_web::paris::local(at)
}

/// Midnight of a day in Paris, in UTC.
fn paris_midnight(d: NaiveDate) -> DateTime<Utc> {
    let local = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    atout_web::paris::from_local(local).unwrap_or_else(|| Utc.from_utc_datetime(&local))
}

/// An event and what is shown of its organiser and its tags.
#[derive(Debug, Clone)]
pub struct Listed {
    pub full: EventFull,
    /// `None`: a region-wide event of the platform.
    pub org: Option<Organisation>,
    /// The tags' labels, `[French, English]`, in the order of `full.tags`.
    pub labels: [Vec<String>; 2],
}

impl Listed {
    /// An event with its organiser from `orgs` (by id) and its tags'
    /// labels as stored with it.
    pub fn with_orgs(
        full: EventFull,
        orgs: &std::collections::HashMap<String, Organisation>,
    ) -> Self {
        let org = full
            .event
            .org_id
            .as_ref()
            .and_then(|id| orgs.get(id))
            .cloned();
        let stored: Vec<String> = full.tags.iter().map(|t| t.label.clone()).collect();
        Self {
            full,
            org,
            labels: [stored.clone(), stored],
        }
    }

    /// When it last changed (a cancellation is a change).
    pub fn revised(&self) -> DateTime<Utc> {
        let e = &self.full.event;
        e.cancelled_at.map_or(e.updated_at, |c| c.max(e.updated_at))
    }

    fn pair(&self, fr: &Option<String>, en: &Option<String>, lang: Lang) -> Option<(String, Lang)> {
        let fr = fr.as_deref().map(str::trim).filter(|t| !t.is_empty());
        let en = en.as_deref().map(str::trim).filter(|t| !t.is_empty());
        match (lang, fr, en) {
            (Lang::Fr, Some(t), _) | (Lang::En, Some(t), None) => Some((t.to_owned(), Lang::Fr)),
            (Lang::En, _, Some(t)) | (Lang::Fr, None, Some(t)) => Some((t.to_owned(), Lang::En)),
            _ => None,
        }
    }

    /// Its title in `lang`, else in the other language.
    pub fn title(&self, lang: Lang) -> String {
        let e = &self.full.event;
        self.pair(&e.title_fr, &e.title_en, lang)
            .map(|(t, _)| t)
            .unwrap_or_default()
    }

    /// The language [`Self::title`] is in.
    pub fn title_lang(&self, lang: Lang) -> Lang {
        let e = &self.full.event;
        self.pair(&e.title_fr, &e.title_en, lang)
            .map_or(lang, |(_, l)| l)
    }

    /// Its description in `lang`, else in the other language.
    pub fn description(&self, lang: Lang) -> Option<String> {
        let e = &self.full.event;
        self.pair(&e.description_fr, &e.description_en, lang)
            .map(|(t, _)| t)
    }

    pub fn description_lang(&self, lang: Lang) -> Lang {
        let e = &self.full.event;
        self.pair(&e.description_fr, &e.description_en, lang)
            .map_or(lang, |(_, l)| l)
    }

    /// Where: "12 rue X, Orléans (45)", and the online link when there is
    /// one ("En ligne : https://…").
    pub fn location(&self, lang: Lang) -> Option<String> {
        let e = &self.full.event;
        let mut parts: Vec<String> = Vec::new();
        if let Some(a) = e.address.as_deref().filter(|a| !a.trim().is_empty()) {
            parts.push(a.trim().to_owned());
        }
        match (
            e.commune.as_deref().filter(|c| !c.trim().is_empty()),
            &e.department,
        ) {
            (Some(c), Some(d)) => parts.push(format!("{} ({d})", c.trim())),
            (Some(c), None) => parts.push(c.trim().to_owned()),
            (None, Some(d)) => parts.push(lang.tr().arg("agenda-in-department", "d", d.as_str())),
            (None, None) => {}
        }
        if let Some(u) = &e.online_url {
            parts.push(lang.tr().arg("agenda-online-at", "url", u.as_str()));
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }

    /// When, in Paris time and in words.
    pub fn when(&self, lang: Lang) -> String {
        let e = &self.full.event;
        format!(
            "{} ({})",
            when_text(lang, paris(e.starts_at), paris(e.ends_at)),
            lang.tr().get("agenda-paris-time")
        )
    }

    pub fn organiser_name(&self, lang: Lang) -> String {
        match &self.org {
            Some(o) => lang.pick([&o.name_fr, &o.name_en]).clone(),
            None => lang.tr().get("agenda-platform"),
        }
    }

    pub fn organiser_slug(&self) -> Option<String> {
        self.org.as_ref().map(|o| o.slug.clone())
    }

    pub fn tag_labels(&self, lang: Lang) -> Vec<String> {
        self.labels[lang.pick([0, 1])].clone()
    }
}

/// The label of a tag in `lang`: a framework code's from the frameworks
/// loaded (else the label stored with the event), a free tag's as written.
fn tag_label(state: &AppState, tag: &atout_core::store::EventTag, lang: Lang) -> String {
    if let (Some(f), Some(c)) = (&tag.framework, &tag.code) {
        if let Some((label, _)) = state.frameworks.describe(f, c, lang.code()) {
            return label;
        }
    }
    tag.label.clone()
}

/// Events with their organisers and their tags' labels (what the JSON, the
/// calendars and the feeds show). The personal calendar feed uses it too.
pub async fn listed(state: &AppState, events: Vec<EventFull>) -> Result<Vec<Listed>, ApiError> {
    let mut orgs: BTreeMap<String, Option<Organisation>> = BTreeMap::new();
    let mut out = Vec::with_capacity(events.len());
    for full in events {
        let org = match &full.event.org_id {
            Some(id) => {
                if !orgs.contains_key(id) {
                    orgs.insert(id.clone(), state.store.get_org(id).await?);
                }
                orgs.get(id).cloned().flatten()
            }
            None => None,
        };
        let labels = [Lang::Fr, Lang::En].map(|lang| {
            full.tags
                .iter()
                .map(|t| tag_label(state, t, lang))
                .collect()
        });
        out.push(Listed { full, org, labels });
    }
    Ok(out)
}

// ---------------------------------------------------------------- JSON

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Organiser {
    /// `None`: the platform (a region-wide event).
    pub slug: Option<String>,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlaceView {
    pub address: Option<String>,
    pub commune: Option<String>,
    /// 45, 2A, 971.
    pub department: Option<String>,
    /// The département's name (Loiret).
    pub department_name: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TagView {
    /// The key (`rome:M1805`, `free:numerique`): what `?tag=` and the tag
    /// feeds take.
    pub tag: String,
    /// `ROME`, `ESCO`, `RNCP`, `RS`; `None` for a free tag.
    pub framework: Option<String>,
    pub code: Option<String>,
    pub label: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationView {
    /// `none`, `external` (at `url`) or `atout` (in Atout).
    pub mode: String,
    pub url: Option<String>,
    /// Places for registration in Atout; `None`: no limit.
    pub capacity: Option<i64>,
    /// How many registered in Atout.
    pub registered: i64,
    /// `capacity - registered`, when there is a capacity.
    pub places_left: Option<i64>,
    /// No place left.
    pub full: bool,
    /// One can register now: published, not over, not full.
    pub open: bool,
}

/// An event as anyone sees it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventView {
    pub id: String,
    /// `job-fair`, `open-day`, `info-session`, `training-session`,
    /// `recruitment`, `workshop` or `other`.
    pub kind: String,
    /// The kind in words, in the language asked for.
    pub kind_label: String,
    /// `published` or `cancelled`.
    pub status: String,
    pub cancel_reason: Option<String>,
    /// The title in the language asked for (else the other one).
    pub title: String,
    /// The language `title` is in.
    pub title_lang: String,
    pub title_fr: Option<String>,
    pub title_en: Option<String>,
    pub description: Option<String>,
    pub description_lang: Option<String>,
    pub description_fr: Option<String>,
    pub description_en: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Paris time, `2027-03-15T14:00`.
    pub starts_local: String,
    pub ends_local: String,
    pub time_zone: String,
    /// When, in Paris time and in words.
    pub when: String,
    /// The event is over.
    pub past: bool,
    /// An online link: an online event (or one that is both).
    pub online: bool,
    pub online_url: Option<String>,
    pub place: Option<PlaceView>,
    /// `all`, `job-seekers`, `students`, `young`, `employees` or
    /// `employers`.
    pub audience: String,
    pub audience_label: String,
    pub tags: Vec<TagView>,
    pub organiser: Organiser,
    pub registration: RegistrationView,
    /// iCalendar `SEQUENCE`.
    pub sequence: i64,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
    /// Its page on this site.
    pub page_url: String,
    /// Its iCalendar file.
    pub ics_url: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DepartmentView {
    pub code: String,
    /// Loiret.
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventList {
    pub items: Vec<EventView>,
    /// How many match in all.
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub per_page: i64,
    /// The organisation searched for (`?org=`).
    pub organiser: Option<Organiser>,
    /// The département searched for (`?department=`).
    pub department: Option<DepartmentView>,
    /// The tag searched for (`?tag=`), with its label.
    pub tag: Option<TagView>,
}

/// The view of one event, in `lang`.
pub fn view(state: &AppState, l: &Listed, lang: Lang) -> EventView {
    let e = &l.full.event;
    let tr = lang.tr();
    let root = state.config.base();
    let now = state.clock.now();
    let place =
        (e.address.is_some() || e.commune.is_some() || e.department.is_some()).then(|| PlaceView {
            address: e.address.clone(),
            commune: e.commune.clone(),
            department: e.department.clone(),
            department_name: e
                .department
                .as_deref()
                .and_then(atout_web::places::departement)
                .map(|d| d.name.to_owned()),
        });
    let places_left = e.capacity.map(|c| (c - l.full.registered).max(0));
    let full = places_left == Some(0);
    let audience_key = format!("agenda-audience-{}", e.audience);
    EventView {
        id: e.id.clone(),
        kind: e.kind.clone(),
        kind_label: kind_label(lang, &e.kind),
        status: e.status.clone(),
        cancel_reason: e.cancel_reason.clone(),
        title: l.title(lang),
        title_lang: l.title_lang(lang).code().to_owned(),
        title_fr: e.title_fr.clone(),
        title_en: e.title_en.clone(),
        description: l.description(lang),
        description_lang: l
            .description(lang)
            .map(|_| l.description_lang(lang).code().to_owned()),
        description_fr: e.description_fr.clone(),
        description_en: e.description_en.clone(),
        starts_at: e.starts_at,
        ends_at: e.ends_at,
        starts_local: paris(e.starts_at).format("%Y-%m-%dT%H:%M").to_string(),
        ends_local: paris(e.ends_at).format("%Y-%m-%dT%H:%M").to_string(),
        time_zone: "Europe/Paris".into(),
        when: when_text(lang, paris(e.starts_at), paris(e.ends_at)),
        past: e.ends_at <= now,
        online: e.online_url.is_some(),
        online_url: e.online_url.clone(),
        place,
        audience: e.audience.clone(),
        audience_label: if tr.has(&audience_key) {
            tr.get(&audience_key)
        } else {
            e.audience.clone()
        },
        tags: l
            .full
            .tags
            .iter()
            .zip(l.tag_labels(lang))
            .map(|(t, label)| TagView {
                tag: t.tag.clone(),
                framework: t.framework.clone(),
                code: t.code.clone(),
                label,
            })
            .collect(),
        organiser: Organiser {
            slug: l.organiser_slug(),
            name: l.organiser_name(lang),
        },
        registration: RegistrationView {
            mode: e.registration.clone(),
            url: e.registration_url.clone(),
            capacity: e.capacity,
            registered: l.full.registered,
            places_left,
            full,
            open: e.status == "published"
                && e.ends_at > now
                && e.registration != "none"
                && (e.registration != "atout" || !full),
        },
        sequence: e.sequence,
        published_at: e.published_at,
        updated_at: e.updated_at,
        cancelled_at: e.cancelled_at,
        page_url: format!("{root}/evenements/{}", e.id),
        ics_url: format!("{root}/events/{}/ics", e.id),
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Words of the titles, the commune or the tags (accents and case
    /// ignored); each must occur.
    pub q: Option<String>,
    /// `job-fair`, `open-day`, `info-session`, `training-session`,
    /// `recruitment`, `workshop` or `other`.
    pub kind: Option<String>,
    /// A département (45, 2A, 971).
    pub department: Option<String>,
    /// An organisation's slug.
    pub org: Option<String>,
    /// A tag: `rome:M1805`, `esco:<uri>`, `rncp:RNCP35830`, `free:numerique`.
    pub tag: Option<String>,
    /// Events that are still on at or after this day (Paris): 2027-03-15
    /// or 15/03/2027.
    pub from: Option<String>,
    /// Events that start on or before this day (Paris).
    pub to: Option<String>,
    /// Online events only.
    pub online: Option<bool>,
    /// From 1.
    pub page: Option<i64>,
    /// 1 to 100 (default 20).
    pub per_page: Option<i64>,
    /// `fr` (default) or `en`.
    pub lang: Option<String>,
}

fn bad(field: &str, detail: impl Into<String>) -> ApiError {
    ApiError::unprocessable(detail).with("field", field)
}

/// A tag as `?tag=` or a feed's path gives it, as its key: the
/// framework's name in lower case and the code as the frameworks spell it
/// (`ROME:m1805` is `rome:M1805`), a free tag folded (`free:Numérique` is
/// `free:numerique`). `None` when it is not a tag at all.
pub fn tag_key(state: &AppState, raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.len() > 500 {
        return None;
    }
    let (prefix, rest) = raw.split_once(':')?;
    let rest = rest.trim();
    if rest.is_empty() {
        return None;
    }
    if prefix.trim().eq_ignore_ascii_case("free") {
        let folded = atout_frameworks::normalize::fold(rest);
        return (!folded.is_empty()).then(|| atout_core::store::free_tag(&folded));
    }
    let framework = Framework::parse(prefix)?;
    let code = state
        .frameworks
        .index()
        .get(framework, rest)
        .map(|c| c.code.clone())
        .unwrap_or_else(|| rest.to_owned());
    Some(atout_core::store::code_tag(framework.as_str(), &code))
}

/// The page asked for, checked: (page, per page).
fn paging(q: &ListQuery) -> Result<(i64, i64), ApiError> {
    let per_page = q.per_page.unwrap_or(PER_PAGE);
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(bad("perPage", format!("From 1 to {MAX_PER_PAGE}.")));
    }
    let page = q.page.unwrap_or(1);
    if page < 1 || (page - 1).saturating_mul(per_page) > MAX_OFFSET {
        return Err(bad(
            "page",
            format!("From 1, at most {MAX_OFFSET} events deep."),
        ));
    }
    Ok((page, per_page))
}

/// The store's query for a listing (`page`, `per_page` apart), and the
/// organisation searched for.
pub async fn query_of(
    state: &AppState,
    q: &ListQuery,
) -> Result<(EventQuery, Option<Organisation>), ApiError> {
    let now = state.clock.now();
    let words: Vec<String> =
        q.q.as_deref()
            .map(|t| {
                if t.chars().count() > 200 {
                    Err(bad("q", "At most 200 characters."))
                } else {
                    Ok(atout_frameworks::normalize::fold(t))
                }
            })
            .transpose()?
            .unwrap_or_default()
            .split_whitespace()
            .take(8)
            .map(str::to_owned)
            .collect();
    let kind = match q.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        None => None,
        Some(k) if KINDS.contains(&k) => Some(k.to_owned()),
        Some(_) => return Err(bad("kind", format!("One of {}.", KINDS.join(", ")))),
    };
    let department = match q
        .department
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        None => None,
        Some(d) => Some(
            atout_web::places::department(d)
                .filter(|c| atout_web::places::departement(c).is_some())
                .ok_or_else(|| bad("department", "A département number: 37, 45, 2A, 971…"))?,
        ),
    };
    let org = match q.org.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
        None => None,
        Some(slug) => match state.orgs.find(slug).await {
            Ok(o) => Some(o),
            Err(atout_core::orgs::OrgError::NotFound(_)) => {
                return Err(bad("org", "No organisation has this identifier."))
            }
            Err(e) => return Err(e.into()),
        },
    };
    let tag = match q.tag.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => Some(tag_key(state, t).ok_or_else(|| {
            bad(
                "tag",
                "A tag: rome:M1805, esco:<URI>, rncp:RNCP35830 or free:<words>.",
            )
        })?),
    };
    let day = |field: &str, v: &Option<String>| -> Result<Option<NaiveDate>, ApiError> {
        match v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => atout_web::csvtext::parse_date(v)
                .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
                .map(Some)
                .ok_or_else(|| bad(field, "A date: 2027-03-15 or 15/03/2027.")),
        }
    };
    let from = day("from", &q.from)?;
    let to = day("to", &q.to)?;
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            return Err(bad("to", "The end of the period comes before its start."));
        }
    }
    let ends_after = from.map_or(now, |f| paris_midnight(f).max(now));
    let starts_before = to.and_then(|t| t.succ_opt()).map(paris_midnight);
    let query = EventQuery {
        words,
        kind,
        department,
        org_id: org.as_ref().map(|o| Some(o.id.clone())),
        tag,
        ends_after: Some(ends_after),
        starts_before,
        online_only: q.online == Some(true),
        statuses: public_statuses(),
        limit: PER_PAGE,
        offset: 0,
    };
    Ok((query, org))
}

/// Upcoming events, soonest first: published ones and those cancelled
/// (they say so), searchable. Anyone (rate-limited per address).
#[utoipa::path(
    get, path = "/events", tag = "events",
    params(ListQuery),
    responses(
        (status = 200, body = EventList),
        (status = 400, body = ProblemBody, description = "An unknown parameter", content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "A filter that is not acceptable (`field` names it): an unknown kind, organisation or département, a tag that is not one, a date, a page", content_type = "application/problem+json"),
        (status = 429, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn list(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Query(q): Query<ListQuery>,
) -> Result<Json<EventList>, ApiError> {
    atout_web::limits::check_api(&state.address_limits, Action::Search, client)?;
    let lang = i18n::choose(q.lang.as_deref(), None);
    let (page, per_page) = paging(&q)?;
    let (mut query, org) = query_of(&state, &q).await?;
    query.limit = per_page;
    query.offset = (page - 1) * per_page;
    let (events, total) = state.store.list_events(&query).await?;
    let items: Vec<EventView> = listed(&state, events)
        .await?
        .iter()
        .map(|l| view(&state, l, lang))
        .collect();
    let tag = query.tag.as_ref().map(|key| {
        let shown = items
            .iter()
            .flat_map(|i| i.tags.iter())
            .find(|t| &t.tag == key)
            .cloned();
        shown.unwrap_or_else(|| {
            let (framework, code) = key.split_once(':').unwrap_or(("", key));
            let known = (framework != "free")
                .then(|| state.frameworks.describe(framework, code, lang.code()))
                .flatten();
            TagView {
                tag: key.clone(),
                framework: known.as_ref().map(|_| framework.to_ascii_uppercase()),
                code: known.as_ref().map(|_| code.to_owned()),
                label: known.map_or_else(|| code.to_owned(), |(label, _)| label),
            }
        })
    });
    Ok(Json(EventList {
        items,
        total,
        page,
        pages: ((total + per_page - 1) / per_page).max(1),
        per_page,
        organiser: org.map(|o| Organiser {
            slug: Some(o.slug.clone()),
            name: lang.pick([&o.name_fr, &o.name_en]).clone(),
        }),
        department: query.department.as_ref().map(|code| DepartmentView {
            code: code.clone(),
            name: atout_web::places::departement(code)
                .map(|d| d.name.to_owned())
                .unwrap_or_else(|| code.clone()),
        }),
        tag,
    }))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LangQuery {
    /// `fr` (default) or `en`.
    pub lang: Option<String>,
}

/// A published or cancelled event (a draft, or no such event: 404).
async fn public_event(state: &AppState, id: &str) -> Result<Listed, ApiError> {
    let missing = || ApiError::not_found("No published event has this id.");
    if id.is_empty() || id.len() > 100 {
        return Err(missing());
    }
    let full = state
        .store
        .event(id)
        .await?
        .filter(|f| matches!(f.event.status.as_str(), "published" | "cancelled"))
        .ok_or_else(missing)?;
    Ok(listed(state, vec![full]).await?.remove(0))
}

/// One event, published or cancelled (past ones too). Anyone
/// (rate-limited per address).
#[utoipa::path(
    get, path = "/events/{id}", tag = "events",
    params(("id" = String, Path), LangQuery),
    responses(
        (status = 200, body = EventView),
        (status = 404, body = ProblemBody, description = "No published or cancelled event has this id (drafts are never shown)", content_type = "application/problem+json"),
        (status = 429, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn one(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
) -> Result<Json<EventView>, ApiError> {
    atout_web::limits::check_api(&state.address_limits, Action::Search, client)?;
    let lang = i18n::choose(q.lang.as_deref(), None);
    let l = public_event(&state, &id).await?;
    Ok(Json(view(&state, &l, lang)))
}

/// HTTP's date format (RFC 9110 §5.6.7).
fn http_date(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// A calendar or a feed, with its validators: 304 when the client has
/// these bytes already.
fn cached(
    headers: &HeaderMap,
    content_type: &'static str,
    body: String,
    last_modified: DateTime<Utc>,
    disposition: Option<String>,
) -> Response {
    use std::hash::{Hash as _, Hasher as _};
    let mut hasher = std::hash::DefaultHasher::new();
    body.hash(&mut hasher);
    content_type.hash(&mut hasher);
    let etag = format!("\"{:016x}{:08x}\"", hasher.finish(), body.len());
    let matches = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == etag || t == "*");
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = body.into_response();
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        if let Some(d) = disposition.and_then(|d| HeaderValue::from_str(&d).ok()) {
            r.headers_mut().insert(header::CONTENT_DISPOSITION, d);
        }
        r
    };
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&http_date(last_modified)) {
        h.insert(header::LAST_MODIFIED, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(FEED_CACHE));
    response
}

/// The event as iCalendar (RFC 5545): one `VEVENT` whose `UID` never
/// changes, `SEQUENCE` raised by each change, `STATUS:CANCELLED` once
/// cancelled; `?lang=` chooses the language of its texts. Anyone
/// (rate-limited per address).
#[utoipa::path(
    get, path = "/events/{id}/ics", tag = "events",
    params(("id" = String, Path), LangQuery),
    responses(
        (status = 200, body = String, content_type = "text/calendar", description = "One VCALENDAR with one VEVENT; ETag and Last-Modified"),
        (status = 304, description = "If-None-Match matched"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 429, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn ics(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    atout_web::limits::check_api(&state.address_limits, Action::Search, client)?;
    let lang = i18n::choose(q.lang.as_deref(), None);
    let l = public_event(&state, &id).await?;
    let body = ical::calendar_named(
        std::slice::from_ref(&l),
        state.config.base(),
        lang,
        &l.title(lang),
    );
    let id_safe: String = l
        .full
        .event
        .id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    Ok(cached(
        &headers,
        "text/calendar; charset=utf-8",
        body,
        l.revised(),
        Some(format!("attachment; filename=\"event-{id_safe}.ics\"")),
    ))
}

/// The upcoming events a feed holds.
async fn feed_events(state: &AppState, mut query: EventQuery) -> Result<Vec<Listed>, ApiError> {
    query.ends_after = Some(state.clock.now());
    query.statuses = public_statuses();
    query.limit = FEED_ENTRIES;
    query.offset = 0;
    let (events, _) = state.store.list_events(&query).await?;
    listed(state, events).await
}

/// An Atom feed's answer.
fn atom_answer(
    state: &AppState,
    headers: &HeaderMap,
    mut spec: atom::FeedSpec,
    events: &[Listed],
    lang: Lang,
    lang_asked: bool,
) -> Response {
    if lang_asked {
        spec.self_url = format!("{}?lang={}", spec.self_url, lang.code());
    }
    let sep = if spec.page_url.contains('?') {
        '&'
    } else {
        '?'
    };
    spec.page_url = format!("{}{sep}lang={}", spec.page_url, lang.code());
    let body = atom::feed(&spec, events, state.config.base(), lang);
    let last = events
        .iter()
        .map(Listed::revised)
        .max()
        .unwrap_or(spec.fallback_updated);
    cached(
        headers,
        "application/atom+xml; charset=utf-8",
        body,
        last,
        None,
    )
}

/// The start of today (UTC): a feed with no entry says it was updated then.
fn today(state: &AppState) -> DateTime<Utc> {
    let now = state.clock.now();
    Utc.from_utc_datetime(&now.date_naive().and_hms_opt(0, 0, 0).unwrap_or_default())
}

/// An organisation's upcoming events as an Atom feed (RFC 4287);
/// `?lang=` chooses the language. Anyone (rate-limited per address).
#[utoipa::path(
    get, path = "/feeds/orgs/{slug}/events.atom", tag = "events",
    params(("slug" = String, Path), LangQuery),
    responses(
        (status = 200, body = String, content_type = "application/atom+xml", description = "ETag and Last-Modified"),
        (status = 304, description = "If-None-Match matched"),
        (status = 404, body = ProblemBody, description = "No organisation has this identifier", content_type = "application/problem+json"),
        (status = 429, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn org_feed(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Path(slug): Path<String>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    atout_web::limits::check_api(&state.address_limits, Action::Search, client)?;
    let lang = i18n::choose(q.lang.as_deref(), None);
    let org = state.orgs.find(&slug).await?;
    let name = lang.pick([&org.name_fr, &org.name_en]).clone();
    let events = feed_events(
        &state,
        EventQuery {
            org_id: Some(Some(org.id.clone())),
            ..Default::default()
        },
    )
    .await?;
    let root = state.config.base();
    let tr = lang.tr();
    let spec = atom::FeedSpec {
        self_url: format!("{root}/feeds/orgs/{}/events.atom", org.slug),
        page_url: format!("{root}/evenements/organisations/{}", org.slug),
        title: tr.arg("agenda-feed-org-title", "name", name.as_str()),
        subtitle: tr.arg("agenda-feed-org-subtitle", "name", name.as_str()),
        fallback_updated: org.updated_at.max(today(&state)),
    };
    Ok(atom_answer(
        &state,
        &headers,
        spec,
        &events,
        lang,
        q.lang.is_some(),
    ))
}

/// A département's upcoming events as an Atom feed; `?lang=` chooses the
/// language. Anyone (rate-limited per address).
#[utoipa::path(
    get, path = "/feeds/departments/{code}/events.atom", tag = "events",
    params(("code" = String, Path, description = "45, 2A, 971"), LangQuery),
    responses(
        (status = 200, body = String, content_type = "application/atom+xml", description = "ETag and Last-Modified"),
        (status = 304, description = "If-None-Match matched"),
        (status = 404, body = ProblemBody, description = "Not a département", content_type = "application/problem+json"),
        (status = 429, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn department_feed(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Path(code): Path<String>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    atout_web::limits::check_api(&state.address_limits, Action::Search, client)?;
    let lang = i18n::choose(q.lang.as_deref(), None);
    let code = atout_web::places::department(&code)
        .filter(|c| atout_web::places::departement(c).is_some())
        .ok_or_else(|| ApiError::not_found("No département has this number."))?;
    let name = atout_web::places::departement(&code)
        .map(|d| format!("{} ({code})", d.name))
        .unwrap_or_else(|| code.clone());
    let events = feed_events(
        &state,
        EventQuery {
            department: Some(code.clone()),
            ..Default::default()
        },
    )
    .await?;
    let root = state.config.base();
    let tr = lang.tr();
    let spec = atom::FeedSpec {
        self_url: format!("{root}/feeds/departments/{code}/events.atom"),
        page_url: format!("{root}/evenements/departements/{code}"),
        title: tr.arg("agenda-feed-department-title", "name", name.as_str()),
        subtitle: tr.arg("agenda-feed-department-subtitle", "name", name.as_str()),
        fallback_updated: today(&state),
    };
    Ok(atom_answer(
        &state,
        &headers,
        spec,
        &events,
        lang,
        q.lang.is_some(),
    ))
}

/// A tag's upcoming events as an Atom feed: a framework code the
/// frameworks loaded know (`rome:M1805`, `esco:<URI>` percent-encoded,
/// `rncp:RNCP35830`), or a tag some event carries (`free:numerique`);
/// `?lang=` chooses the language. Anyone (rate-limited per address).
#[utoipa::path(
    get, path = "/feeds/tags/{tag}/events.atom", tag = "events",
    params(("tag" = String, Path, description = "rome:M1805, free:numerique"), LangQuery),
    responses(
        (status = 200, body = String, content_type = "application/atom+xml", description = "ETag and Last-Modified"),
        (status = 304, description = "If-None-Match matched"),
        (status = 404, body = ProblemBody, description = "Neither a code of the frameworks loaded nor a tag of any event", content_type = "application/problem+json"),
        (status = 429, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn tag_feed(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Path(tag): Path<String>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    atout_web::limits::check_api(&state.address_limits, Action::Search, client)?;
    let lang = i18n::choose(q.lang.as_deref(), None);
    let unknown = || {
        ApiError::not_found("No event has this tag, and it is not a code of the frameworks loaded.")
    };
    let key = tag_key(&state, &tag).ok_or_else(unknown)?;
    // A code of the frameworks loaded: its label; else a tag some shown
    // event has (past ones too): the label it was given.
    let (framework, code) = key.split_once(':').unwrap_or(("", ""));
    let known_code = Framework::parse(framework)
        .filter(|_| framework != "free")
        .and_then(|f| state.frameworks.describe(f.as_str(), code, lang.code()));
    let label = match known_code {
        Some((label, _)) => label,
        None => {
            let (some, _) = state
                .store
                .list_events(&EventQuery {
                    tag: Some(key.clone()),
                    statuses: public_statuses(),
                    limit: 1,
                    ..Default::default()
                })
                .await?;
            let found = some
                .first()
                .and_then(|f| f.tags.iter().find(|t| t.tag == key))
                .cloned()
                .ok_or_else(unknown)?;
            tag_label(&state, &found, lang)
        }
    };
    let events = feed_events(
        &state,
        EventQuery {
            tag: Some(key.clone()),
            ..Default::default()
        },
    )
    .await?;
    let root = state.config.base();
    let tr = lang.tr();
    let encoded = crate_seg(&key);
    let spec = atom::FeedSpec {
        self_url: format!("{root}/feeds/tags/{encoded}/events.atom"),
        page_url: format!("{root}/evenements?tag={}", crate_query(&key)),
        title: tr.arg("agenda-feed-tag-title", "name", label.as_str()),
        subtitle: tr.arg("agenda-feed-tag-subtitle", "name", label.as_str()),
        fallback_updated: today(&state),
    };
    Ok(atom_answer(
        &state,
        &headers,
        spec,
        &events,
        lang,
        q.lang.is_some(),
    ))
}

/// One path segment, percent-encoded (`/` too).
fn crate_seg(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// A query value, percent-encoded.
fn crate_query(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_written_in_each_language() {
        let d = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        assert_eq!(day_text(Lang::Fr, d), "lundi 1er mars 2027");
        assert_eq!(day_text(Lang::En, d), "Monday 1 March 2027");
    }

    #[test]
    fn plain_text_keeps_lines_and_drops_controls() {
        assert_eq!(plain("a\r\nb\rc\u{1}d\te"), "a\nb\ncd\te");
    }
}
