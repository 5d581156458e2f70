//! Events that organisations and the platform publish (issue 19): job
//! fairs, open days, information and training sessions, recruitment
//! drives. Written by the organisation (its API key, or the administrator
//! for it) under `/orgs/{slug}/events`, and by the platform's
//! administrator for region-wide events under `/admin/events`.
//!
//! | route | who |
//! |---|---|
//! | `GET`, `POST /orgs/{slug}/events` | the organisation (API key) or the admin |
//! | `GET`, `PUT`, `DELETE /orgs/{slug}/events/{id}` | the organisation or the admin (`DELETE`: drafts only) |
//! | `POST /orgs/{slug}/events/{id}/publish`, `.../cancel` | the organisation or the admin |
//! | `GET /orgs/{slug}/events/{id}/registrations` | the organisation or the admin |
//! | `POST /orgs/{slug}/events/import` | the organisation or the admin: a CSV file |
//! | the same under `/admin/events` | the admin: the platform's events |
//!
//! Times are entered in Europe/Paris (`2027-03-15T14:00`, as a
//! `datetime-local` field gives it, or `15/03/2027 14:00`) and stored in
//! UTC. A published event that changes raises its `sequence` (iCalendar's
//! `SEQUENCE`); a cancelled one is announced to the citizens who registered
//! or starred it.

use atout_core::{
    ids::new_id,
    notify::{notify, Kind, Notice},
    store::{code_tag, free_tag, EventFull, EventQuery, EventRecord, EventTag, Organisation},
};
use atout_frameworks::{normalize::fold, Framework};
use atout_web::{
    auth::{AdminOnly, OrgMember, Principal},
    csvtext::{decode, detect_separator, parse_date},
    extract::OptionalJson,
    problem::ProblemBody,
    ApiError, AppState, Json, Path, Query,
};
use axum::{
    body::Bytes,
    extract::{DefaultBodyLimit, State},
    http::StatusCode,
};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The kinds of event.
pub const KINDS: [&str; 7] = [
    "job-fair",
    "open-day",
    "info-session",
    "training-session",
    "recruitment",
    "workshop",
    "other",
];
/// Who an event is for.
pub const AUDIENCES: [&str; 6] = [
    "all",
    "job-seekers",
    "students",
    "young",
    "employees",
    "employers",
];
/// How one registers: not at all, on another site, or in Atout.
pub const REGISTRATIONS: [&str; 3] = ["none", "external", "atout"];
pub const MAX_TITLE: usize = 200;
/// The longest description, in each language.
pub const MAX_DESCRIPTION: usize = 8_000;
pub const MAX_ADDRESS: usize = 300;
pub const MAX_COMMUNE: usize = 100;
pub const MAX_URL: usize = 500;
/// The most framework codes an event is tagged with.
pub const MAX_CODES: usize = 30;
/// The most free tags, and the longest.
pub const MAX_FREE_TAGS: usize = 20;
pub const MAX_FREE_TAG: usize = 60;
pub const MAX_CAPACITY: i64 = 100_000;
/// The longest event, in days.
pub const MAX_DAYS: i64 = 366;
/// How far ahead an event may start, in days.
pub const MAX_AHEAD_DAYS: i64 = 3 * 366;
/// The longest cancellation reason.
pub const MAX_REASON: usize = 1_000;
/// The largest CSV file, and the most rows it holds.
pub const MAX_CSV_BYTES: usize = 2 * 1024 * 1024;
pub const MAX_CSV_ROWS: usize = 1_000;
/// The most line errors a refused file reports.
pub const MAX_LINE_ERRORS: usize = 200;
/// The time zone events are entered and shown in.
pub const TIME_ZONE: &str = "Europe/Paris";

pub fn router() -> OpenApiRouter<AppState> {
    let import = OpenApiRouter::new()
        .routes(routes!(org_import))
        .routes(routes!(admin_import))
        .layer(DefaultBodyLimit::max(MAX_CSV_BYTES));
    OpenApiRouter::new()
        .routes(routes!(org_list, org_create))
        .routes(routes!(org_get, org_update, org_delete))
        .routes(routes!(org_publish))
        .routes(routes!(org_cancel))
        .routes(routes!(org_registrations))
        .routes(routes!(admin_list, admin_create))
        .routes(routes!(admin_get, admin_update, admin_delete))
        .routes(routes!(admin_publish))
        .routes(routes!(admin_cancel))
        .routes(routes!(admin_registrations))
        .merge(import)
}

// ---------------------------------------------------------------------
// What is written and what is read.

/// A framework code an event is tagged with: `{framework, code}` (the
/// label and version are filled from the frameworks loaded), or the code
/// alone (an ESCO URI, a ROME code, RNCP… or RS…).
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(untagged)]
pub enum CodeInput {
    Pair { framework: String, code: String },
    Code(String),
}

/// An event as an organisation or the administrator writes it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EventInput {
    /// `job-fair`, `open-day`, `info-session`, `training-session`,
    /// `recruitment`, `workshop` or `other`.
    #[serde(default)]
    pub kind: String,
    /// At least one of the titles.
    pub title_fr: Option<String>,
    pub title_en: Option<String>,
    /// At most 8,000 characters each.
    pub description_fr: Option<String>,
    pub description_en: Option<String>,
    /// The start in Europe/Paris time: `2027-03-15T14:00` or
    /// `15/03/2027 14:00`; or RFC 3339 with its offset. A new event starts
    /// in the future.
    #[serde(default)]
    pub starts_at: String,
    /// The end, as the start; after it.
    #[serde(default)]
    pub ends_at: String,
    /// An online event (or one that is both): its https link.
    pub online_url: Option<String>,
    pub address: Option<String>,
    /// With `department`, for an event that takes place somewhere.
    pub commune: Option<String>,
    /// The département: 37, 45, 2A, 971…
    pub department: Option<String>,
    /// `all` (default), `job-seekers`, `students`, `young`, `employees`,
    /// `employers`.
    pub audience: Option<String>,
    /// Places, 1 to 100,000; none: no limit.
    pub capacity: Option<i64>,
    /// `none` (default), `external` (with `registrationUrl`) or `atout`.
    pub registration: Option<String>,
    /// Where to register (https), for `external`.
    pub registration_url: Option<String>,
    /// ROME, ESCO, RNCP or RS codes (at most 30).
    #[serde(default)]
    pub codes: Vec<CodeInput>,
    /// Free tags (at most 20, 60 characters each): « numérique ».
    #[serde(default)]
    pub free_tags: Vec<String>,
    /// On creation: `draft` (default) or `published`. A change of status
    /// is done by `/publish` or `/cancel`.
    pub status: Option<String>,
}

/// What is wrong with a field.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct FieldError {
    /// The field of [`EventInput`] (`startsAt`, `codes`…), or `place`.
    pub field: String,
    /// What is wrong: `required`, `too-long`, `control-characters`,
    /// `unknown-value`, `bad-datetime`, `nonexistent-time`,
    /// `end-before-start`, `in-the-past`, `too-long-event`, `too-far`,
    /// `bad-url`, `bad-department`, `place-missing`, `unknown-code`,
    /// `unknown-framework`, `too-many`, `out-of-range`, `not-expected`,
    /// `status-change`.
    pub code: String,
    /// In English, for developers.
    pub reason: String,
    /// The value refused (an unknown code), when it helps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// A tag of an event.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TagView {
    /// `rome:M1805`, `esco:<uri>`, `free:numerique`.
    pub tag: String,
    /// `ROME`, `ESCO`, `RNCP`, `RS`; none for a free tag.
    pub framework: Option<String>,
    pub code: Option<String>,
    /// The framework's version the code was read from.
    pub version: Option<String>,
    pub label: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrgRef {
    pub slug: String,
    pub name_fr: String,
    pub name_en: String,
}

/// An event as its organisation (or the administrator) sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventView {
    pub id: String,
    /// None: a region-wide event of the platform.
    pub organisation: Option<OrgRef>,
    pub kind: String,
    pub title_fr: Option<String>,
    pub title_en: Option<String>,
    pub description_fr: Option<String>,
    pub description_en: Option<String>,
    /// UTC.
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// In Europe/Paris time: `2027-03-15T14:00`.
    pub starts_local: String,
    pub ends_local: String,
    /// `Europe/Paris`.
    pub time_zone: String,
    pub online_url: Option<String>,
    pub address: Option<String>,
    pub commune: Option<String>,
    pub department: Option<String>,
    pub audience: String,
    pub capacity: Option<i64>,
    pub registration: String,
    pub registration_url: Option<String>,
    /// `draft`, `published` or `cancelled`.
    pub status: String,
    pub cancel_reason: Option<String>,
    /// iCalendar's SEQUENCE: raised by each change once published.
    pub sequence: i64,
    pub tags: Vec<TagView>,
    /// Citizens registered in Atout.
    pub registered: i64,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventList {
    pub items: Vec<EventView>,
    /// How many match (before `limit` and `offset`).
    pub total: i64,
}

/// A citizen registered in Atout for an event.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationView {
    pub name: String,
    pub email: String,
    pub registered_at: DateTime<Utc>,
    /// In Europe/Paris time: `2027-03-01T18:05`.
    pub registered_local: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationList {
    pub items: Vec<RegistrationView>,
    pub total: usize,
    pub capacity: Option<i64>,
}

/// Why an event is cancelled (told to the registered).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelInput {
    /// At most 1,000 characters.
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `draft`, `published` or `cancelled`; all by default.
    pub status: Option<String>,
    /// Words of the titles, commune or tags (accents and case ignored).
    pub q: Option<String>,
    /// Only events not over yet.
    pub upcoming: Option<bool>,
    /// At most 200; 50 by default.
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// What a CSV import did.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// Events written (the rows).
    pub created: usize,
    /// Of which published at once (a `statut` column saying so).
    pub published: usize,
    /// Columns of the file that no field takes (ignored).
    pub ignored_columns: Vec<String>,
}

/// A wrong cell of a refused CSV file.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct LineError {
    /// The line of the file (the header is line 1).
    pub line: u64,
    /// The column as the file names it, when the error is one cell's.
    pub column: Option<String>,
    /// The field of [`EventInput`] it fills.
    pub field: String,
    /// As in [`FieldError`].
    pub code: String,
    pub reason: String,
}

// ---------------------------------------------------------------------
// Checks.

/// The field errors of one event.
#[derive(Default)]
struct Check {
    errors: Vec<FieldError>,
}

impl Check {
    fn bad(&mut self, field: &str, code: &str, reason: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.to_owned(),
            code: code.to_owned(),
            reason: reason.into(),
            value: None,
        });
    }

    fn bad_value(&mut self, field: &str, code: &str, reason: impl Into<String>, value: &str) {
        self.errors.push(FieldError {
            field: field.to_owned(),
            code: code.to_owned(),
            reason: reason.into(),
            value: Some(value.chars().take(300).collect()),
        });
    }

    /// A text, trimmed, `None` when empty; too long or with control
    /// characters: an error (and `None`).
    fn text(
        &mut self,
        field: &str,
        value: Option<&str>,
        max: usize,
        lines: bool,
    ) -> Option<String> {
        let v = value.map(str::trim).filter(|v| !v.is_empty())?;
        if v.chars().count() > max {
            self.bad(field, "too-long", format!("At most {max} characters."));
            return None;
        }
        if v.chars()
            .any(|c| c.is_control() && !(lines && (c == '\n' || c == '\t' || c == '\r')))
        {
            self.bad(
                field,
                "control-characters",
                "Control characters are not allowed.",
            );
            return None;
        }
        Some(v.to_owned())
    }

    /// An https link.
    fn url(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let v = self.text(field, value, MAX_URL, false)?;
        match url::Url::parse(&v) {
            Ok(u)
                if u.scheme() == "https"
                    && u.host_str().is_some_and(|h| !h.is_empty())
                    && u.username().is_empty()
                    && u.password().is_none() =>
            {
                Some(v)
            }
            _ => {
                self.bad(field, "bad-url", "A web address starting with https://.");
                None
            }
        }
    }

    /// One of `allowed`, `default` when absent.
    fn one_of(
        &mut self,
        field: &str,
        value: Option<&str>,
        allowed: &[&str],
        default: &str,
    ) -> String {
        match value.map(str::trim).filter(|v| !v.is_empty()) {
            None => default.to_owned(),
            Some(v) if allowed.contains(&v) => v.to_owned(),
            Some(v) => {
                self.bad_value(
                    field,
                    "unknown-value",
                    format!("One of: {}.", allowed.join(", ")),
                    v,
                );
                default.to_owned()
            }
        }
    }

    fn when(&mut self, field: &str, value: &str) -> Option<DateTime<Utc>> {
        match parse_paris(value) {
            Ok(at) => Some(at),
            Err((code, reason)) => {
                self.bad(field, code, reason);
                None
            }
        }
    }
}

fn digits(s: &str) -> Option<u32> {
    (!s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// A time of day: `14:00`, `14:00:00`, `14h00`, `14h`.
fn parse_time(text: &str) -> Option<NaiveTime> {
    let t = text.trim().to_ascii_lowercase();
    let (h, rest) = t.split_once([':', 'h'])?;
    let mut parts = rest.split(':');
    let m = parts.next().unwrap_or("");
    let s = parts.next();
    if parts.next().is_some() {
        return None;
    }
    let h = digits(h.trim())?;
    let m = if m.is_empty() && s.is_none() {
        0
    } else {
        digits(m)?
    };
    let s = match s {
        Some(s) => digits(s)?,
        None => 0,
    };
    NaiveTime::from_hms_opt(h, m, s)
}

/// A date and time entered in Europe/Paris (`2027-03-15T14:00`,
/// `2027-03-15 14:00`, `15/03/2027 14:00`, `15/03/2027 à 14h30`), or an
/// instant in RFC 3339 with its offset. When the clocks go back, an
/// ambiguous time is the first; a time that does not exist (the clocks go
/// forward) is refused.
pub fn parse_paris(text: &str) -> Result<DateTime<Utc>, (&'static str, &'static str)> {
    const BAD: (&str, &str) = (
        "bad-datetime",
        "A date and time in Paris time: 2027-03-15T14:00 or 15/03/2027 14:00.",
    );
    let text = text.trim();
    if text.is_empty() {
        return Err(("required", "A date and time is required."));
    }
    if text.len() > 40 {
        return Err(BAD);
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&Utc));
    }
    let (date, time) = text
        .split_once(|c: char| c == 'T' || c.is_whitespace())
        .ok_or(BAD)?;
    let time = time.trim();
    let time = time
        .strip_prefix("à ")
        .or_else(|| time.strip_prefix("a "))
        .or_else(|| time.strip_prefix("at "))
        .unwrap_or(time);
    let date = parse_date(date).ok_or(BAD)?;
    let date = NaiveDate::parse_from_str(&date, "%Y-%m-%d").map_err(|_| BAD)?;
    let time = parse_time(time).ok_or(BAD)?;
    atout_web::paris::from_local(date.and_time(time)).ok_or((
        "nonexistent-time",
        "This time does not exist in Paris (the clocks go forward then).",
    ))
}

/// An instant as Paris time for a `datetime-local` field:
/// `2027-03-15T14:00`.
pub fn paris_local(at: DateTime<Utc>) -> String {
    atout_web::paris::input_value(at)
}

/// Who writes: the organisation, or the platform.
#[derive(Debug, Clone)]
enum Owner {
    Org(Box<Organisation>),
    Platform,
}

impl Owner {
    fn id(&self) -> Option<String> {
        match self {
            Owner::Org(o) => Some(o.id.clone()),
            Owner::Platform => None,
        }
    }

    fn org(&self) -> Option<&Organisation> {
        match self {
            Owner::Org(o) => Some(o),
            Owner::Platform => None,
        }
    }
}

/// Checks an event and builds its record and tags. `existing`: the event
/// it replaces (its id, owner, status, dates of creation and publication
/// stay; once published, its sequence is raised).
fn build(
    state: &AppState,
    owner: &Owner,
    input: &EventInput,
    existing: Option<&EventRecord>,
    created_by: &str,
) -> Result<(EventRecord, Vec<EventTag>), Vec<FieldError>> {
    let now = state.clock.now();
    let mut c = Check::default();
    let kind = if input.kind.trim().is_empty() {
        c.bad(
            "kind",
            "required",
            format!("The kind of event: {}.", KINDS.join(", ")),
        );
        String::new()
    } else {
        c.one_of("kind", Some(input.kind.as_str()), &KINDS, "other")
    };
    let title_fr = c.text("titleFr", input.title_fr.as_deref(), MAX_TITLE, false);
    let title_en = c.text("titleEn", input.title_en.as_deref(), MAX_TITLE, false);
    if title_fr.is_none()
        && title_en.is_none()
        && !c
            .errors
            .iter()
            .any(|e| e.field == "titleFr" || e.field == "titleEn")
    {
        c.bad(
            "titleFr",
            "required",
            "At least one title, in French or in English.",
        );
    }
    let description_fr = c.text(
        "descriptionFr",
        input.description_fr.as_deref(),
        MAX_DESCRIPTION,
        true,
    );
    let description_en = c.text(
        "descriptionEn",
        input.description_en.as_deref(),
        MAX_DESCRIPTION,
        true,
    );
    let starts_at = c.when("startsAt", &input.starts_at);
    let ends_at = c.when("endsAt", &input.ends_at);
    if let Some(s) = starts_at {
        let moved = existing.is_none_or(|e| e.starts_at != s);
        if moved && s <= now {
            c.bad(
                "startsAt",
                "in-the-past",
                "The start is in the past: an event is announced before it starts.",
            );
        } else if s > now + Duration::days(MAX_AHEAD_DAYS) {
            c.bad(
                "startsAt",
                "too-far",
                format!("An event starts within {MAX_AHEAD_DAYS} days."),
            );
        }
    }
    if let (Some(s), Some(e)) = (starts_at, ends_at) {
        if e <= s {
            c.bad(
                "endsAt",
                "end-before-start",
                "The end comes before the start (or at the same time).",
            );
        } else if e - s > Duration::days(MAX_DAYS) {
            c.bad(
                "endsAt",
                "too-long-event",
                format!("An event lasts at most {MAX_DAYS} days."),
            );
        }
    }
    let online_url = c.url("onlineUrl", input.online_url.as_deref());
    let address = c.text("address", input.address.as_deref(), MAX_ADDRESS, false);
    let commune = c.text("commune", input.commune.as_deref(), MAX_COMMUNE, false);
    let department = match input
        .department
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        None => None,
        Some(d) => match atout_web::places::department(d)
            .filter(|c| atout_web::places::departement(c).is_some())
        {
            Some(d) => Some(d),
            None => {
                c.bad_value(
                    "department",
                    "bad-department",
                    "A département number: 37, 45, 2A, 971…",
                    d,
                );
                None
            }
        },
    };
    let somewhere = address.is_some()
        || commune.is_some()
        || department.is_some()
        || c.errors
            .iter()
            .any(|e| matches!(e.field.as_str(), "address" | "commune" | "department"));
    let online_given = online_url.is_some() || c.errors.iter().any(|e| e.field == "onlineUrl");
    if somewhere {
        if commune.is_none() && !c.errors.iter().any(|e| e.field == "commune") {
            c.bad(
                "commune",
                "required",
                "Where it takes place: the commune (with the département).",
            );
        }
        if department.is_none() && !c.errors.iter().any(|e| e.field == "department") {
            c.bad(
                "department",
                "required",
                "Where it takes place: the département (37, 45, 2A, 971…).",
            );
        }
    } else if !online_given {
        c.bad(
            "place",
            "place-missing",
            "Give a place (commune and département), an online link (https), or both.",
        );
    }
    let audience = c.one_of("audience", input.audience.as_deref(), &AUDIENCES, "all");
    let capacity = match input.capacity {
        Some(n) if !(1..=MAX_CAPACITY).contains(&n) => {
            c.bad(
                "capacity",
                "out-of-range",
                format!("From 1 to {MAX_CAPACITY} places."),
            );
            None
        }
        other => other,
    };
    let registration = c.one_of(
        "registration",
        input.registration.as_deref(),
        &REGISTRATIONS,
        "none",
    );
    let registration_url = if registration == "external" {
        let url = c.url("registrationUrl", input.registration_url.as_deref());
        if url.is_none() && !c.errors.iter().any(|e| e.field == "registrationUrl") {
            c.bad(
                "registrationUrl",
                "required",
                "Where to register (https): required with registration external.",
            );
        }
        url
    } else {
        if input
            .registration_url
            .as_deref()
            .is_some_and(|u| !u.trim().is_empty())
        {
            c.bad(
                "registrationUrl",
                "not-expected",
                "A registration link goes with registration external.",
            );
        }
        None
    };
    let status = match existing {
        None => c.one_of(
            "status",
            input.status.as_deref(),
            &["draft", "published"],
            "draft",
        ),
        Some(e) => {
            if let Some(s) = input
                .status
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty() && *s != e.status)
            {
                c.bad_value(
                    "status",
                    "status-change",
                    "The status changes with /publish or /cancel.",
                    s,
                );
            }
            e.status.clone()
        }
    };
    let id = existing.map_or_else(new_id, |e| e.id.clone());
    // Tags: framework codes, then free tags.
    let index = state.frameworks.index();
    let mut tags: Vec<EventTag> = Vec::new();
    let mut folded_labels: Vec<String> = Vec::new();
    if input.codes.len() > MAX_CODES {
        c.bad("codes", "too-many", format!("At most {MAX_CODES} codes."));
    } else {
        for code in &input.codes {
            let (framework, raw) = match code {
                CodeInput::Pair { framework, code } => (Some(framework.as_str()), code.as_str()),
                CodeInput::Code(code) => (None, code.as_str()),
            };
            let raw = raw.trim();
            if raw.is_empty() {
                continue;
            }
            let found = match framework {
                Some(f) => match Framework::parse(f) {
                    Some(f) => index.get(f, raw).map(|k| (f, k)),
                    None => {
                        c.bad_value(
                            "codes",
                            "unknown-framework",
                            format!(
                                "{:?} is not a framework: ROME, ESCO, RNCP or RS.",
                                f.chars().take(40).collect::<String>()
                            ),
                            f,
                        );
                        continue;
                    }
                },
                None => [
                    Framework::Esco,
                    Framework::Rome,
                    Framework::Rncp,
                    Framework::Rs,
                ]
                .into_iter()
                .find_map(|f| index.get(f, raw).map(|k| (f, k))),
            };
            let shown: String = raw.chars().take(80).collect();
            let Some((f, concept)) = found else {
                c.bad_value(
                    "codes",
                    "unknown-code",
                    match framework {
                        Some(fw) => format!("{shown:?} is not a {fw} code of the frameworks loaded."),
                        None => format!(
                            "{shown:?} is not a code of the frameworks loaded (an ESCO URI, a ROME code, RNCP… or RS…)."
                        ),
                    },
                    raw,
                );
                continue;
            };
            let key = code_tag(f.as_str(), &concept.code);
            if tags.iter().any(|t| t.tag == key) {
                continue;
            }
            let label = index
                .label(f, &concept.code, "fr")
                .map(|l| l.text)
                .unwrap_or_else(|| concept.code.clone());
            if let Some(en) = index.label(f, &concept.code, "en").filter(|l| !l.fallback) {
                folded_labels.push(en.text);
            }
            folded_labels.push(label.clone());
            tags.push(EventTag {
                event_id: id.clone(),
                tag: key,
                framework: Some(f.as_str().to_owned()),
                code: Some(concept.code.clone()),
                version: Some(concept.version.clone()).filter(|v| !v.is_empty()),
                label,
            });
        }
    }
    let free: Vec<&str> = input
        .free_tags
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .collect();
    if free.len() > MAX_FREE_TAGS {
        c.bad(
            "freeTags",
            "too-many",
            format!("At most {MAX_FREE_TAGS} free tags."),
        );
    } else {
        for t in free {
            if t.chars().count() > MAX_FREE_TAG {
                c.bad_value(
                    "freeTags",
                    "too-long",
                    format!("A free tag has at most {MAX_FREE_TAG} characters."),
                    t,
                );
                continue;
            }
            if t.chars().any(char::is_control) {
                c.bad(
                    "freeTags",
                    "control-characters",
                    "Control characters are not allowed.",
                );
                continue;
            }
            let folded = fold(t);
            if folded.is_empty() {
                continue;
            }
            let key = free_tag(&folded);
            if tags.iter().any(|x| x.tag == key) {
                continue;
            }
            folded_labels.push(t.to_owned());
            tags.push(EventTag {
                event_id: id.clone(),
                tag: key,
                framework: None,
                code: None,
                version: None,
                label: t.to_owned(),
            });
        }
    }
    if !c.errors.is_empty() {
        return Err(c.errors);
    }
    let (Some(starts_at), Some(ends_at)) = (starts_at, ends_at) else {
        // Unreachable: a missing date is an error above.
        return Err(vec![FieldError {
            field: "startsAt".into(),
            code: "required".into(),
            reason: "A date and time is required.".into(),
            value: None,
        }]);
    };
    let search_folded = fold(
        &[
            title_fr.as_deref().unwrap_or(""),
            title_en.as_deref().unwrap_or(""),
            commune.as_deref().unwrap_or(""),
        ]
        .into_iter()
        .chain(folded_labels.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" "),
    );
    let (sequence, created_at, created_by, published_at) = match existing {
        Some(e) => (
            if e.status == "published" {
                e.sequence + 1
            } else {
                e.sequence
            },
            e.created_at,
            e.created_by.clone(),
            e.published_at,
        ),
        None => (
            0,
            now,
            Some(created_by.to_owned()),
            (status == "published").then_some(now),
        ),
    };
    Ok((
        EventRecord {
            id,
            org_id: existing.map_or_else(|| owner.id(), |e| e.org_id.clone()),
            kind,
            title_fr,
            title_en,
            description_fr,
            description_en,
            starts_at,
            ends_at,
            online_url,
            address,
            commune,
            department,
            audience,
            capacity,
            registration,
            registration_url,
            status,
            cancel_reason: existing.and_then(|e| e.cancel_reason.clone()),
            sequence,
            search_folded,
            created_by,
            created_at,
            updated_at: now,
            published_at,
            cancelled_at: existing.and_then(|e| e.cancelled_at),
        },
        tags,
    ))
}

/// The 422 problem of an event's field errors: the first one's field,
/// code and reason, and all of them in `errors`.
fn invalid(errors: Vec<FieldError>) -> ApiError {
    let first = errors.first().cloned().unwrap_or(FieldError {
        field: String::new(),
        code: "invalid".into(),
        reason: "The event is not valid.".into(),
        value: None,
    });
    let mut e = ApiError::unprocessable(first.reason.clone())
        .with("field", first.field.clone())
        .with("code", first.code.clone())
        .with("errors", json!(errors));
    if let Some(v) = first.value {
        e = e.with("value", v);
    }
    e
}

fn view(full: EventFull, org: Option<&Organisation>) -> EventView {
    let e = full.event;
    EventView {
        organisation: org.map(|o| OrgRef {
            slug: o.slug.clone(),
            name_fr: o.name_fr.clone(),
            name_en: o.name_en.clone(),
        }),
        starts_local: paris_local(e.starts_at),
        ends_local: paris_local(e.ends_at),
        time_zone: TIME_ZONE.to_owned(),
        tags: full
            .tags
            .into_iter()
            .map(|t| TagView {
                tag: t.tag,
                framework: t.framework,
                code: t.code,
                version: t.version,
                label: t.label,
            })
            .collect(),
        registered: full.registered,
        id: e.id,
        kind: e.kind,
        title_fr: e.title_fr,
        title_en: e.title_en,
        description_fr: e.description_fr,
        description_en: e.description_en,
        starts_at: e.starts_at,
        ends_at: e.ends_at,
        online_url: e.online_url,
        address: e.address,
        commune: e.commune,
        department: e.department,
        audience: e.audience,
        capacity: e.capacity,
        registration: e.registration,
        registration_url: e.registration_url,
        status: e.status,
        cancel_reason: e.cancel_reason,
        sequence: e.sequence,
        created_by: e.created_by,
        created_at: e.created_at,
        updated_at: e.updated_at,
        published_at: e.published_at,
        cancelled_at: e.cancelled_at,
    }
}

// ---------------------------------------------------------------------
// What both owners do.

async fn org_owner(state: &AppState, slug: &str) -> Result<Owner, ApiError> {
    Ok(Owner::Org(Box::new(state.orgs.find(slug).await?)))
}

/// The owner's event, else 404.
async fn owned(state: &AppState, owner: &Owner, id: &str) -> Result<EventFull, ApiError> {
    state
        .store
        .event(id)
        .await?
        .filter(|e| e.event.org_id == owner.id())
        .ok_or_else(|| ApiError::not_found("No event of this owner has this id."))
}

async fn do_list(state: &AppState, owner: &Owner, q: &ListQuery) -> Result<EventList, ApiError> {
    let statuses = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Vec::new(),
        Some(s @ ("draft" | "published" | "cancelled")) => vec![s.to_owned()],
        Some(_) => {
            return Err(ApiError::unprocessable("draft, published or cancelled.")
                .with("field", "status")
                .with("code", "unknown-value"))
        }
    };
    let words: Vec<String> =
        q.q.as_deref()
            .map(|t| t.chars().take(200).collect::<String>())
            .map(|t| fold(&t))
            .unwrap_or_default()
            .split_whitespace()
            .take(8)
            .map(str::to_owned)
            .collect();
    let query = EventQuery {
        words,
        org_id: Some(owner.id()),
        statuses,
        ends_after: q.upcoming.unwrap_or(false).then(|| state.clock.now()),
        limit: q.limit.unwrap_or(50).clamp(1, 200),
        offset: q.offset.unwrap_or(0).clamp(0, 1_000_000),
        ..EventQuery::default()
    };
    let (items, total) = state.store.list_events(&query).await?;
    Ok(EventList {
        items: items.into_iter().map(|e| view(e, owner.org())).collect(),
        total,
    })
}

async fn do_create(
    state: &AppState,
    owner: &Owner,
    principal: &Principal,
    input: &EventInput,
) -> Result<(StatusCode, Json<EventView>), ApiError> {
    let (event, tags) =
        build(state, owner, input, None, &principal.actor().label).map_err(invalid)?;
    state.store.create_event(&event, &tags).await?;
    Ok((
        StatusCode::CREATED,
        Json(view(owned(state, owner, &event.id).await?, owner.org())),
    ))
}

async fn do_update(
    state: &AppState,
    owner: &Owner,
    id: &str,
    input: &EventInput,
) -> Result<Json<EventView>, ApiError> {
    let current = owned(state, owner, id).await?;
    if current.event.status == "cancelled" {
        return Err(
            ApiError::conflict("A cancelled event does not change.").with("code", "cancelled")
        );
    }
    let (event, tags) = build(state, owner, input, Some(&current.event), "").map_err(invalid)?;
    if !state.store.update_event(&event, &tags).await? {
        return Err(ApiError::conflict(
            "The event was cancelled or deleted meanwhile.",
        ));
    }
    Ok(Json(view(owned(state, owner, id).await?, owner.org())))
}

async fn do_delete(state: &AppState, owner: &Owner, id: &str) -> Result<StatusCode, ApiError> {
    let current = owned(state, owner, id).await?;
    if current.event.status != "draft" || !state.store.delete_draft_event(id).await? {
        return Err(
            ApiError::conflict("Only a draft is deleted: a published event is cancelled.")
                .with("code", "not-a-draft"),
        );
    }
    Ok(StatusCode::NO_CONTENT)
}

async fn do_publish(
    state: &AppState,
    owner: &Owner,
    id: &str,
) -> Result<Json<EventView>, ApiError> {
    let current = owned(state, owner, id).await?;
    if current.event.status != "draft" {
        return Err(ApiError::conflict("Only a draft is published.").with("code", "not-a-draft"));
    }
    let now = state.clock.now();
    if current.event.starts_at <= now {
        return Err(invalid(vec![FieldError {
            field: "startsAt".into(),
            code: "in-the-past".into(),
            reason: "The start is in the past: change it before publishing.".into(),
            value: None,
        }]));
    }
    if !state.store.publish_event(id, now).await? {
        return Err(ApiError::conflict("Only a draft is published.").with("code", "not-a-draft"));
    }
    Ok(Json(view(owned(state, owner, id).await?, owner.org())))
}

async fn do_cancel(
    state: &AppState,
    owner: &Owner,
    id: &str,
    input: Option<CancelInput>,
) -> Result<Json<EventView>, ApiError> {
    let current = owned(state, owner, id).await?;
    let mut c = Check::default();
    let reason = c.text(
        "reason",
        input.as_ref().and_then(|i| i.reason.as_deref()),
        MAX_REASON,
        true,
    );
    if !c.errors.is_empty() {
        return Err(invalid(c.errors));
    }
    let now = state.clock.now();
    let Some(citizens) = state.store.cancel_event(id, reason.as_deref(), now).await? else {
        return Err(ApiError::conflict(
            "Only a published event is cancelled (a draft is deleted).",
        )
        .with("code", "not-published"));
    };
    let e = &current.event;
    let notices = citizens
        .iter()
        .map(|citizen| {
            Notice::citizen(
                citizen,
                Kind::EventCancelled,
                json!({
                    "eventId": e.id,
                    "titleFr": e.title_fr,
                    "titleEn": e.title_en,
                    "startsAt": e.starts_at.to_rfc3339(),
                    "reason": reason,
                }),
            )
            .link(format!("/evenements/{}", e.id))
            .dedupe(format!("event-cancelled:{}:{citizen}", e.id))
        })
        .collect();
    notify(state.store.as_ref(), now, notices).await;
    Ok(Json(view(owned(state, owner, id).await?, owner.org())))
}

async fn do_registrations(
    state: &AppState,
    owner: &Owner,
    id: &str,
) -> Result<Json<RegistrationList>, ApiError> {
    let current = owned(state, owner, id).await?;
    let items: Vec<RegistrationView> = state
        .store
        .event_registrations(id)
        .await?
        .into_iter()
        .map(|(_, name, email, registered_at)| RegistrationView {
            name,
            email,
            registered_local: paris_local(registered_at),
            registered_at,
        })
        .collect();
    Ok(Json(RegistrationList {
        total: items.len(),
        items,
        capacity: current.event.capacity,
    }))
}

async fn do_import(
    state: &AppState,
    owner: &Owner,
    principal: &Principal,
    body: Bytes,
) -> Result<Json<ImportReport>, ApiError> {
    let parsed = tokio::task::spawn_blocking(move || parse_csv(&body))
        .await
        .map_err(ApiError::internal)??;
    let created_by = principal.actor().label;
    let mut events = Vec::with_capacity(parsed.rows.len());
    let mut errors: Vec<LineError> = Vec::new();
    for row in &parsed.rows {
        match build(state, owner, &row.input, None, &created_by) {
            Ok(built) => events.push(built),
            Err(field_errors) => {
                for f in field_errors {
                    errors.push(LineError {
                        line: row.line,
                        column: row.column_of(&f.field),
                        reason: match &f.value {
                            Some(v) if f.code == "unknown-code" || f.code == "unknown-value" => {
                                f.reason.clone()
                                    + &format!(" ({:?})", v.chars().take(80).collect::<String>())
                            }
                            _ => f.reason.clone(),
                        },
                        field: f.field,
                        code: f.code,
                    });
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(refused(errors));
    }
    let published = events
        .iter()
        .filter(|(e, _)| e.status == "published")
        .count();
    state.store.create_events(&events).await?;
    Ok(Json(ImportReport {
        created: events.len(),
        published,
        ignored_columns: parsed.ignored,
    }))
}

/// The 422 problem of a refused file.
fn refused(mut errors: Vec<LineError>) -> ApiError {
    let lines = {
        let mut l: Vec<u64> = errors.iter().map(|e| e.line).collect();
        l.dedup();
        l.len()
    };
    let first = errors[0].clone();
    errors.truncate(MAX_LINE_ERRORS);
    ApiError::unprocessable(format!(
        "Nothing was imported: {lines} line(s) are wrong (see errors)."
    ))
    .with("code", "lines")
    .with("field", first.field)
    .with("line", first.line)
    .with("column", first.column)
    .with("errors", json!(errors))
}

/// A file-wide refusal (unreadable, a column missing, too many rows).
fn file_error(code: &str, detail: impl Into<String>) -> ApiError {
    ApiError::unprocessable(detail)
        .with("field", "file")
        .with("code", code.to_owned())
        .with("errors", json!([]))
}

// ---------------------------------------------------------------------
// CSV.

/// The fields a column fills, by its folded header (French or English).
fn column(header: &str) -> Option<&'static str> {
    let folded = fold(header);
    let h: String = folded
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    Some(match h.as_str() {
        "type" | "kind" | "categorie" | "category" | "nature" | "type d evenement"
        | "type evenement" | "event type" => "kind",
        "titre" | "titre fr" | "titre francais" | "titre en francais" | "intitule" | "nom"
        | "title" | "title fr" | "french title" | "evenement" | "libelle" => "titleFr",
        "titre en" | "titre anglais" | "titre en anglais" | "title en" | "english title" => {
            "titleEn"
        }
        "description" | "description fr" | "descriptif" | "presentation" | "french description" => {
            "descriptionFr"
        }
        "description en"
        | "description anglais"
        | "description en anglais"
        | "english description" => "descriptionEn",
        "debut" | "date de debut" | "date debut" | "debut le" | "date" | "date et heure"
        | "date heure" | "start" | "starts" | "starts at" | "start date" | "begins" => "startsAt",
        "fin" | "date de fin" | "date fin" | "fin le" | "end" | "ends" | "ends at" | "end date" => {
            "endsAt"
        }
        "heure de debut" | "heure debut" | "heure" | "horaire" | "start time" | "time" => {
            "startTime"
        }
        "heure de fin" | "heure fin" | "end time" => "endTime",
        "adresse" | "address" | "lieu" | "place" | "venue" => "address",
        "commune" | "ville" | "city" | "town" | "localite" => "commune",
        "departement" | "department" | "dept" | "dep" | "code departement" | "n departement" => {
            "department"
        }
        "lien" | "en ligne" | "lien en ligne" | "visio" | "lien visio" | "online"
        | "online link" | "online url" | "url" | "web" => "onlineUrl",
        "public" | "public vise" | "publics" | "cible" | "audience" => "audience",
        "places" | "capacite" | "capacity" | "nombre de places" | "nb places" | "jauge"
        | "seats" => "capacity",
        "inscription" | "registration" | "mode d inscription" | "inscriptions" => "registration",
        "lien d inscription" | "lien inscription" | "url inscription" | "url d inscription"
        | "registration url" | "registration link" => "registrationUrl",
        "codes" | "rome" | "code rome" | "codes rome" | "metiers" | "metier" | "competences"
        | "esco" | "rncp" | "certifications" | "occupations" | "skills" => "codes",
        "mots cles" | "mot cles" | "tags" | "etiquettes" | "keywords" | "themes" | "theme" => {
            "freeTags"
        }
        "statut" | "status" | "etat" => "status",
        _ => return None,
    })
}

/// A kind as offices write it.
fn kind_value(cell: &str) -> String {
    let f = fold(cell);
    let f = f.replace(['\'', '’', '-'], " ");
    let f = f.split_whitespace().collect::<Vec<_>>().join(" ");
    match f.as_str() {
        "" => "other",
        "job fair" | "salon" | "forum" | "forum emploi" | "salon de l emploi"
        | "forum de l emploi" | "salon emploi" | "forum des metiers" => "job-fair",
        "open day" | "portes ouvertes" | "journee portes ouvertes" | "jpo" => "open-day",
        "info session"
        | "information session"
        | "reunion d information"
        | "information"
        | "reunion information"
        | "session d information"
        | "info" => "info-session",
        "training session" | "session de formation" | "formation" | "training" => {
            "training-session"
        }
        "recruitment" | "recrutement" | "job dating" | "session de recrutement" => "recruitment",
        "workshop" | "atelier" => "workshop",
        "other" | "autre" => "other",
        _ => return cell.trim().to_owned(),
    }
    .to_owned()
}

fn audience_value(cell: &str) -> String {
    let f = fold(cell).replace(['\'', '’', '-'], " ");
    let f = f.split_whitespace().collect::<Vec<_>>().join(" ");
    match f.as_str() {
        "all" | "tous" | "tout public" | "tous publics" | "grand public" | "everyone" => "all",
        "job seekers" | "demandeurs d emploi" | "demandeur d emploi" | "chercheurs d emploi" => {
            "job-seekers"
        }
        "students" | "etudiants" | "etudiant" | "lyceens" | "eleves" => "students",
        "young" | "jeunes" | "young people" | "16 25 ans" | "moins de 26 ans" => "young",
        "employees" | "salaries" | "salarie" | "actifs" => "employees",
        "employers" | "employeurs" | "entreprises" | "recruteurs" => "employers",
        _ => return cell.trim().to_owned(),
    }
    .to_owned()
}

/// A registration cell: the mode, and a link when the cell is one.
fn registration_value(cell: &str) -> (String, Option<String>) {
    let t = cell.trim();
    if t.starts_with("https://") || t.starts_with("http://") {
        return ("external".into(), Some(t.to_owned()));
    }
    let f = fold(t);
    let mode = match f.as_str() {
        "none" | "aucune" | "non" | "no" | "sans" | "libre" | "entree libre"
        | "sans inscription" => "none",
        "atout" | "sur atout" | "oui" | "yes" | "dans atout" | "in atout" => "atout",
        "external" | "externe" | "lien" | "en ligne" | "sur le site" => "external",
        _ => t,
    };
    (mode.to_owned(), None)
}

fn status_value(cell: &str) -> String {
    match fold(cell).as_str() {
        "brouillon" | "draft" | "" => "draft",
        "publie" | "publiee" | "published" | "publier" | "en ligne" => "published",
        _ => return cell.trim().to_owned(),
    }
    .to_owned()
}

/// Splits a cell of several values.
fn values(cell: &str, separators: &[char]) -> Vec<String> {
    cell.split(separators)
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

/// One row of a file.
#[derive(Debug)]
pub struct Row {
    pub line: u64,
    pub input: EventInput,
    /// (field, column as the file names it).
    columns: Vec<(&'static str, String)>,
}

impl Row {
    /// The file's column for an error of `field`.
    fn column_of(&self, field: &str) -> Option<String> {
        let wanted: &[&str] = match field {
            "place" => &["commune", "department", "address", "onlineUrl"],
            "startsAt" => &["startsAt", "startTime"],
            "endsAt" => &["endsAt", "endTime"],
            "titleFr" => &["titleFr", "titleEn"],
            other => return self.find(other),
        };
        wanted.iter().find_map(|f| self.find(f))
    }

    fn find(&self, field: &str) -> Option<String> {
        self.columns
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, c)| c.clone())
    }
}

/// The rows of a file, and the columns no field takes.
#[derive(Debug)]
pub struct Parsed {
    pub rows: Vec<Row>,
    pub ignored: Vec<String>,
}

/// Reads a CSV file of events as offices write them: `;` or `,`, UTF-8
/// (with or without a BOM) or Windows-1252, dates as `15/03/2027 14:00`
/// (or a date column and time columns), column names in French or
/// English, codes and tags separated by `|`, `,` or `;`.
pub fn parse_csv(data: &[u8]) -> Result<Parsed, ApiError> {
    let text = decode(data);
    let separator = detect_separator(&text);
    let bytes = text.as_bytes();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .flexible(true)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|_| {
            file_error(
                "unreadable",
                "The first line (the column names) cannot be read.",
            )
        })?
        .clone();
    let mut columns: Vec<Option<&'static str>> = Vec::new();
    let mut ignored = Vec::new();
    for h in headers.iter() {
        let c = column(h);
        // A field taken by two columns: the first wins.
        if c.is_some() && columns.contains(&c) {
            ignored.push(h.trim().to_owned());
            columns.push(None);
            continue;
        }
        if c.is_none() && !h.trim().is_empty() {
            ignored.push(h.trim().chars().take(100).collect());
        }
        columns.push(c);
    }
    let found = |f: &'static str| columns.contains(&Some(f));
    let listed = || {
        headers
            .iter()
            .take(30)
            .map(|h| h.chars().take(60).collect::<String>())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !found("titleFr") && !found("titleEn") {
        return Err(file_error(
            "missing-column",
            format!(
                "No column gives the event's title (titre, intitulé or title). Columns found: {}.",
                listed()
            ),
        )
        .with("column", "titleFr"));
    }
    if !found("startsAt") {
        return Err(file_error(
            "missing-column",
            format!(
                "No column gives the start (début, date or start). Columns found: {}.",
                listed()
            ),
        )
        .with("column", "startsAt"));
    }
    if !found("endsAt") && !found("endTime") {
        return Err(file_error(
            "missing-column",
            format!(
                "No column gives the end (fin, heure de fin or end). Columns found: {}.",
                listed()
            ),
        )
        .with("column", "endsAt"));
    }
    let named: Vec<(&'static str, String)> = columns
        .iter()
        .zip(headers.iter())
        .filter_map(|(c, h)| c.map(|c| (c, h.trim().chars().take(100).collect())))
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        // Lines counted from the byte offset (see careers' trainings: the
        // reader's own count is off by one with Windows line ends).
        let line_at = |byte: u64| {
            let end = (byte as usize + 1).min(bytes.len());
            bytes[..end].iter().filter(|b| **b == b'\n').count() as u64 + 1
        };
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| line_at(p.byte()));
            file_error("unreadable", format!("Line {line} cannot be read.")).with("line", line)
        })?;
        let line = record.position().map_or(0, |p| line_at(p.byte()));
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if rows.len() >= MAX_CSV_ROWS {
            return Err(file_error(
                "too-many-rows",
                format!("At most {MAX_CSV_ROWS} events in one file."),
            )
            .with("max", MAX_CSV_ROWS));
        }
        let mut input = EventInput::default();
        let (mut start_time, mut end_time) = (None, None);
        for (cell, col) in record.iter().zip(&columns) {
            let cell = cell.trim();
            let Some(col) = col else { continue };
            if cell.is_empty() {
                continue;
            }
            let some = || Some(cell.to_owned());
            match *col {
                "kind" => input.kind = kind_value(cell),
                "titleFr" => input.title_fr = some(),
                "titleEn" => input.title_en = some(),
                "descriptionFr" => input.description_fr = some(),
                "descriptionEn" => input.description_en = some(),
                "startsAt" => input.starts_at = cell.to_owned(),
                "endsAt" => input.ends_at = cell.to_owned(),
                "startTime" => start_time = some(),
                "endTime" => end_time = some(),
                "address" => input.address = some(),
                "commune" => input.commune = some(),
                "department" => input.department = some(),
                "onlineUrl" => input.online_url = some(),
                "audience" => input.audience = Some(audience_value(cell)),
                "capacity" => {
                    // A number, else a value the check refuses.
                    let digits: String = cell.chars().filter(|c| !c.is_whitespace()).collect();
                    input.capacity = Some(digits.parse::<i64>().unwrap_or(-1));
                }
                "registration" => {
                    let (mode, url) = registration_value(cell);
                    input.registration = Some(mode);
                    if url.is_some() && input.registration_url.is_none() {
                        input.registration_url = url;
                    }
                }
                "registrationUrl" => input.registration_url = some(),
                "codes" => input.codes.extend(
                    values(cell, &['|', ',', ';', '\n'])
                        .into_iter()
                        .map(CodeInput::Code),
                ),
                "freeTags" => input.free_tags.extend(values(cell, &['|', ',', ';', '\n'])),
                "status" => input.status = Some(status_value(cell)),
                _ => {}
            }
        }
        // A date column and time columns: one date and time each.
        let start_date = input.starts_at.clone();
        if let Some(t) = start_time {
            input.starts_at = format!("{start_date} {t}");
        }
        if let Some(t) = end_time {
            let day = if input.ends_at.is_empty() {
                &start_date
            } else {
                &input.ends_at
            };
            input.ends_at = format!("{day} {t}");
        }
        if input.registration_url.is_some() && input.registration.is_none() {
            input.registration = Some("external".into());
        }
        if input.kind.is_empty() {
            input.kind = "other".into();
        }
        rows.push(Row {
            line,
            input,
            columns: named.clone(),
        });
    }
    if rows.is_empty() {
        return Err(file_error(
            "empty",
            "The file has no event (only its column names, or nothing).",
        ));
    }
    Ok(Parsed { rows, ignored })
}

// ---------------------------------------------------------------------
// The organisation's routes.

/// The organisation's events, drafts and cancelled ones included, soonest
/// first. The organisation's API key or the admin.
#[utoipa::path(
    get, path = "/orgs/{slug}/events", tag = "events",
    security(("bearer" = [])),
    params(("slug" = String, Path), ListQuery),
    responses(
        (status = 200, body = EventList),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn org_list(
    State(state): State<AppState>,
    _member: OrgMember,
    Path(slug): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Json<EventList>, ApiError> {
    let owner = org_owner(&state, &slug).await?;
    Ok(Json(do_list(&state, &owner, &q).await?))
}

/// Write an event (a draft, unless `status` says published). The
/// organisation's API key or the admin.
#[utoipa::path(
    post, path = "/orgs/{slug}/events", tag = "events",
    security(("bearer" = [])),
    params(("slug" = String, Path)),
    request_body = EventInput,
    responses(
        (status = 201, body = EventView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "A field is wrong: `field`, `code`, and every error in `errors`", content_type = "application/problem+json"),
    )
)]
async fn org_create(
    State(state): State<AppState>,
    OrgMember(principal): OrgMember,
    Path(slug): Path<String>,
    Json(body): Json<EventInput>,
) -> Result<(StatusCode, Json<EventView>), ApiError> {
    let owner = org_owner(&state, &slug).await?;
    do_create(&state, &owner, &principal, &body).await
}

/// One event of the organisation. The organisation's API key or the admin.
#[utoipa::path(
    get, path = "/orgs/{slug}/events/{id}", tag = "events",
    security(("bearer" = [])),
    params(("slug" = String, Path), ("id" = String, Path)),
    responses(
        (status = 200, body = EventView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn org_get(
    State(state): State<AppState>,
    _member: OrgMember,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Json<EventView>, ApiError> {
    let owner = org_owner(&state, &slug).await?;
    Ok(Json(view(owned(&state, &owner, &id).await?, owner.org())))
}

/// Replace an event (a published one raises its sequence; a cancelled one
/// does not change). The organisation's API key or the admin.
#[utoipa::path(
    put, path = "/orgs/{slug}/events/{id}", tag = "events",
    security(("bearer" = [])),
    params(("slug" = String, Path), ("id" = String, Path)),
    request_body = EventInput,
    responses(
        (status = 200, body = EventView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "The event is cancelled", content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn org_update(
    State(state): State<AppState>,
    _member: OrgMember,
    Path((slug, id)): Path<(String, String)>,
    Json(body): Json<EventInput>,
) -> Result<Json<EventView>, ApiError> {
    let owner = org_owner(&state, &slug).await?;
    do_update(&state, &owner, &id, &body).await
}

/// Delete a draft (a published event is cancelled instead). The
/// organisation's API key or the admin.
#[utoipa::path(
    delete, path = "/orgs/{slug}/events/{id}", tag = "events",
    security(("bearer" = [])),
    params(("slug" = String, Path), ("id" = String, Path)),
    responses(
        (status = 204),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "Not a draft", content_type = "application/problem+json"),
    )
)]
async fn org_delete(
    State(state): State<AppState>,
    _member: OrgMember,
    Path((slug, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let owner = org_owner(&state, &slug).await?;
    do_delete(&state, &owner, &id).await
}

/// Publish a draft (it must start in the future). The organisation's API
/// key or the admin.
#[utoipa::path(
    post, path = "/orgs/{slug}/events/{id}/publish", tag = "events",
    security(("bearer" = [])),
    params(("slug" = String, Path), ("id" = String, Path)),
    responses(
        (status = 200, body = EventView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "Not a draft", content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "It starts in the past", content_type = "application/problem+json"),
    )
)]
async fn org_publish(
    State(state): State<AppState>,
    _member: OrgMember,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Json<EventView>, ApiError> {
    let owner = org_owner(&state, &slug).await?;
    do_publish(&state, &owner, &id).await
}

/// Cancel a published event, with a reason; the citizens who registered
/// or starred it are told. The organisation's API key or the admin.
#[utoipa::path(
    post, path = "/orgs/{slug}/events/{id}/cancel", tag = "events",
    security(("bearer" = [])),
    params(("slug" = String, Path), ("id" = String, Path)),
    request_body = CancelInput,
    responses(
        (status = 200, body = EventView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "Not published", content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn org_cancel(
    State(state): State<AppState>,
    _member: OrgMember,
    Path((slug, id)): Path<(String, String)>,
    OptionalJson(body): OptionalJson<CancelInput>,
) -> Result<Json<EventView>, ApiError> {
    let owner = org_owner(&state, &slug).await?;
    do_cancel(&state, &owner, &id, body).await
}

/// Who registered in Atout for an event: name, e-mail, when. The
/// organisation's API key or the admin.
#[utoipa::path(
    get, path = "/orgs/{slug}/events/{id}/registrations", tag = "events",
    security(("bearer" = [])),
    params(("slug" = String, Path), ("id" = String, Path)),
    responses(
        (status = 200, body = RegistrationList),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn org_registrations(
    State(state): State<AppState>,
    _member: OrgMember,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Json<RegistrationList>, ApiError> {
    let owner = org_owner(&state, &slug).await?;
    do_registrations(&state, &owner, &id).await
}

/// Import events from a CSV file as offices write them (`;` or `,`,
/// UTF-8 or Windows-1252, times as 15/03/2027 14:00 in Paris time, column
/// names in French or English; at most 1,000 rows and 2 MiB). Refused
/// whole when a line is wrong, with every wrong cell in `errors`
/// (`line`, `column`, `reason`). The organisation's API key or the admin.
#[utoipa::path(
    post, path = "/orgs/{slug}/events/import", tag = "events",
    security(("bearer" = [])),
    params(("slug" = String, Path)),
    request_body(content = String, content_type = "text/csv"),
    responses(
        (status = 200, body = ImportReport),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 413, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "Lines are wrong: `errors` lists them", content_type = "application/problem+json"),
    )
)]
async fn org_import(
    State(state): State<AppState>,
    OrgMember(principal): OrgMember,
    Path(slug): Path<String>,
    body: Bytes,
) -> Result<Json<ImportReport>, ApiError> {
    let owner = org_owner(&state, &slug).await?;
    do_import(&state, &owner, &principal, body).await
}

// ---------------------------------------------------------------------
// The platform's (region-wide) events: the administrator.

/// The platform's region-wide events, drafts and cancelled ones included.
/// The admin.
#[utoipa::path(
    get, path = "/admin/events", tag = "events",
    security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, body = EventList),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn admin_list(
    State(state): State<AppState>,
    _admin: AdminOnly,
    Query(q): Query<ListQuery>,
) -> Result<Json<EventList>, ApiError> {
    Ok(Json(do_list(&state, &Owner::Platform, &q).await?))
}

/// Write a region-wide event of the platform. The admin.
#[utoipa::path(
    post, path = "/admin/events", tag = "events",
    security(("bearer" = [])),
    request_body = EventInput,
    responses(
        (status = 201, body = EventView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn admin_create(
    State(state): State<AppState>,
    AdminOnly(principal): AdminOnly,
    Json(body): Json<EventInput>,
) -> Result<(StatusCode, Json<EventView>), ApiError> {
    do_create(&state, &Owner::Platform, &principal, &body).await
}

/// One region-wide event. The admin.
#[utoipa::path(
    get, path = "/admin/events/{id}", tag = "events",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, body = EventView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn admin_get(
    State(state): State<AppState>,
    _admin: AdminOnly,
    Path(id): Path<String>,
) -> Result<Json<EventView>, ApiError> {
    Ok(Json(view(
        owned(&state, &Owner::Platform, &id).await?,
        None,
    )))
}

/// Replace a region-wide event. The admin.
#[utoipa::path(
    put, path = "/admin/events/{id}", tag = "events",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body = EventInput,
    responses(
        (status = 200, body = EventView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn admin_update(
    State(state): State<AppState>,
    _admin: AdminOnly,
    Path(id): Path<String>,
    Json(body): Json<EventInput>,
) -> Result<Json<EventView>, ApiError> {
    do_update(&state, &Owner::Platform, &id, &body).await
}

/// Delete a draft region-wide event. The admin.
#[utoipa::path(
    delete, path = "/admin/events/{id}", tag = "events",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 204),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn admin_delete(
    State(state): State<AppState>,
    _admin: AdminOnly,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    do_delete(&state, &Owner::Platform, &id).await
}

/// Publish a draft region-wide event. The admin.
#[utoipa::path(
    post, path = "/admin/events/{id}/publish", tag = "events",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, body = EventView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn admin_publish(
    State(state): State<AppState>,
    _admin: AdminOnly,
    Path(id): Path<String>,
) -> Result<Json<EventView>, ApiError> {
    do_publish(&state, &Owner::Platform, &id).await
}

/// Cancel a published region-wide event; the registered are told. The
/// admin.
#[utoipa::path(
    post, path = "/admin/events/{id}/cancel", tag = "events",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body = CancelInput,
    responses(
        (status = 200, body = EventView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn admin_cancel(
    State(state): State<AppState>,
    _admin: AdminOnly,
    Path(id): Path<String>,
    OptionalJson(body): OptionalJson<CancelInput>,
) -> Result<Json<EventView>, ApiError> {
    do_cancel(&state, &Owner::Platform, &id, body).await
}

/// Who registered in Atout for a region-wide event. The admin.
#[utoipa::path(
    get, path = "/admin/events/{id}/registrations", tag = "events",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, body = RegistrationList),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn admin_registrations(
    State(state): State<AppState>,
    _admin: AdminOnly,
    Path(id): Path<String>,
) -> Result<Json<RegistrationList>, ApiError> {
    do_registrations(&state, &Owner::Platform, &id).await
}

/// Import region-wide events from a CSV file (as for an organisation).
/// The admin.
#[utoipa::path(
    post, path = "/admin/events/import", tag = "events",
    security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv"),
    responses(
        (status = 200, body = ImportReport),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 413, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn admin_import(
    State(state): State<AppState>,
    AdminOnly(principal): AdminOnly,
    body: Bytes,
) -> Result<Json<ImportReport>, ApiError> {
    do_import(&state, &Owner::Platform, &principal, body).await
}
