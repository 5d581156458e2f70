//! What a citizen writes about their path ("entries"): experiences,
//! education, skills, languages, projects and interests.
//!
//! | route | what |
//! |---|---|
//! | `POST /wallet/entries` | write one |
//! | `GET /wallet/entries` | all of them (`kind` filters), newest start first, undated last |
//! | `GET`, `PATCH`, `DELETE /wallet/entries/{id}` | one |
//!
//! Each entry has a trust level: `declared` (the citizen says so),
//! `endorsed` (someone vouched for it: issue 6; none yet), `certified`
//! (linked with `holdingId` to a credential the citizen holds whose live
//! state is `verified`). A certified entry falls back to `declared` when
//! its credential is revoked, suspended or expires, or is deleted (the link
//! is removed then).

use crate::holdings::check_all;
use atout_core::{
    ids::new_id,
    store::{EntryRecord, EntryWrite},
};
use atout_web::{
    auth::Citizen, check::LiveState, problem::ProblemBody, ApiError, AppState, Json, Path, Query,
};
use axum::{
    extract::State,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// Most entries one citizen may write.
pub const MAX_ENTRIES: i64 = 500;
const MAX_TITLE: usize = 200;
const MAX_SHORT: usize = 200;
const MAX_DESCRIPTION: usize = 5000;
const MAX_FRAMEWORKS: usize = 10;
const MAX_KEYWORDS: usize = 20;
const MAX_KEYWORD: usize = 40;
const MAX_URL: usize = 500;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_entry, list_entries))
        .routes(routes!(get_entry, update_entry, delete_entry))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    /// A job: `title` is the role, `organisation` the employer.
    Experience,
    /// A degree or training: `title` is the degree, `organisation` the school.
    Education,
    Skill,
    /// `title` is the language; `details` carries the Europass
    /// self-assessment (`cefr`) or `motherTongue`.
    Language,
    Project,
    Interest,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Experience => "experience",
            Self::Education => "education",
            Self::Skill => "skill",
            Self::Language => "language",
            Self::Project => "project",
            Self::Interest => "interest",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Self> {
        [
            Self::Experience,
            Self::Education,
            Self::Skill,
            Self::Language,
            Self::Project,
            Self::Interest,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }

    /// Has an organisation, a place and dates.
    fn is_dated(self) -> bool {
        matches!(self, Self::Experience | Self::Education | Self::Project)
    }
}

/// A level of the Common European Framework of Reference for Languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum Cefr {
    A1,
    A2,
    B1,
    B2,
    C1,
    C2,
}

/// The Europass self-assessment grid: every one of the five skills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CefrGrid {
    pub listening: Cefr,
    pub reading: Cefr,
    pub spoken_interaction: Cefr,
    pub spoken_production: Cefr,
    pub writing: Cefr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum Framework {
    /// France Travail's job classification: a letter and four digits (`M1805`).
    #[serde(rename = "ROME")]
    Rome,
    /// The French national register of professional certifications (`RNCP34126`).
    #[serde(rename = "RNCP")]
    Rncp,
    /// The European classification: a URI under `http://data.europa.eu/esco/`.
    #[serde(rename = "ESCO")]
    Esco,
    /// France compétences' Répertoire spécifique (`RS5476`).
    #[serde(rename = "RS")]
    Rs,
}

impl Framework {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Rome => "ROME",
            Self::Rncp => "RNCP",
            Self::Esco => "ESCO",
            Self::Rs => "RS",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FrameworkCode {
    pub framework: Framework,
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The framework version the code was written against (filled from
    /// the frameworks loaded when the code is known; kept as written).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// Kind-specific details. Every member is optional; members that do not
/// apply to the entry's kind are refused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Details {
    /// Codes of job, skill and certification frameworks (not for
    /// languages and interests): at most 10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frameworks: Option<Vec<FrameworkCode>>,
    /// A link (http or https), e.g. a project's page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// At most 20 keywords of up to 40 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keywords: Option<Vec<String>>,
    /// Languages: the ISO 639 code (`fr`, `oc`, `eng`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language_code: Option<String>,
    /// Languages: a mother tongue (no levels then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mother_tongue: Option<bool>,
    /// Languages other than a mother tongue: the five levels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cefr: Option<CefrGrid>,
}

/// A new entry.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewEntry {
    pub kind: EntryKind,
    /// 1 to 200 characters.
    pub title: String,
    /// Employer, school (experiences, education, projects).
    #[serde(default)]
    pub organisation: Option<String>,
    /// Experiences, education, projects.
    #[serde(default)]
    pub place: Option<String>,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (experiences, education, projects).
    #[serde(default)]
    pub start_date: Option<String>,
    /// Same forms, not before the start; needs a start.
    #[serde(default)]
    pub end_date: Option<String>,
    /// Up to 5000 characters.
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub details: Option<Details>,
    /// A credential the citizen holds that certifies this entry.
    #[serde(default)]
    pub holding_id: Option<String>,
}

/// `null` clears, absent keeps.
fn patch<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// Changes to an entry (JSON merge patch: an absent member is kept, `null`
/// clears it). The kind cannot change.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EntryPatch {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub organisation: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub place: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub start_date: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub end_date: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// Replaces the details as a whole.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<Details>)]
    pub details: Option<Option<Details>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub holding_id: Option<Option<String>>,
}

/// How far an entry is vouched for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TrustLevel {
    /// The citizen says so.
    Declared,
    /// Someone vouched for it (endorsements: to come).
    Endorsed,
    /// A credential the citizen holds, verified now, certifies it.
    Certified,
}

/// The trust level from what backs an entry: the live state of its linked
/// credential, if any, and how many endorsements it has.
pub fn trust_level(holding_state: Option<LiveState>, endorsements: usize) -> TrustLevel {
    if holding_state == Some(LiveState::Verified) {
        TrustLevel::Certified
    } else if endorsements > 0 {
        TrustLevel::Endorsed
    } else {
        TrustLevel::Declared
    }
}

/// An entry as its owner sees it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EntryView {
    pub id: String,
    pub kind: EntryKind,
    pub title: String,
    pub organisation: Option<String>,
    pub place: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub description: Option<String>,
    pub details: Details,
    pub holding_id: Option<String>,
    /// The live state of the linked credential, if any.
    pub holding_state: Option<LiveState>,
    pub trust: TrustLevel,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EntryList {
    pub items: Vec<EntryView>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EntryQuery {
    /// Only entries of this kind.
    pub kind: Option<String>,
}

pub(crate) fn field_error(field: &str, detail: impl Into<String>) -> ApiError {
    ApiError::unprocessable(detail).with("field", field)
}

fn not_found() -> ApiError {
    ApiError::not_found("You have no entry with this id.")
}

/// Trimmed text of bounded length, without control characters (line
/// breaks and tabs allowed where `multiline`). Empty is `None`.
fn text(
    field: &str,
    value: Option<String>,
    max: usize,
    multiline: bool,
) -> Result<Option<String>, ApiError> {
    let Some(value) = value else { return Ok(None) };
    let value = value.trim().to_owned();
    if value.is_empty() {
        return Ok(None);
    }
    if value.chars().count() > max {
        return Err(field_error(
            field,
            format!("{field} has at most {max} characters."),
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !(multiline && (c == '\n' || c == '\t' || c == '\r')))
    {
        return Err(field_error(
            field,
            format!("{field} contains control characters."),
        ));
    }
    Ok(Some(value))
}

/// A partial ISO 8601 date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, a real
/// calendar date between 1900 and 2100.
pub fn check_partial_date(text: &str) -> bool {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = text.split('-').collect();
    let ok_shape = match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2),
        [y, m, d] => digits(y, 4) && digits(m, 2) && digits(d, 2),
        _ => false,
    };
    if !ok_shape {
        return false;
    }
    let num = |i: usize, default: u32| parts.get(i).map_or(Some(default), |s| s.parse().ok());
    let (Some(y), Some(m), Some(d)) = (num(0, 0), num(1, 1), num(2, 1)) else {
        return false;
    };
    (1900..=2100).contains(&y) && NaiveDate::from_ymd_opt(y as i32, m, d).is_some()
}

/// `end` is not before `start`, compared at the coarser precision.
fn ordered(start: &str, end: &str) -> bool {
    let n = start.len().min(end.len());
    end[..n] >= start[..n]
}

fn check_code(framework: Framework, code: &str) -> bool {
    match framework {
        Framework::Rome => {
            let b = code.as_bytes();
            b.len() == 5 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
        }
        Framework::Rncp => code
            .strip_prefix("RNCP")
            .is_some_and(|n| (3..=6).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit())),
        Framework::Rs => code
            .strip_prefix("RS")
            .is_some_and(|n| (1..=6).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit())),
        Framework::Esco => code
            .strip_prefix("http://data.europa.eu/esco/")
            .is_some_and(|rest| {
                !rest.is_empty()
                    && code.len() <= 200
                    && !rest.starts_with('/')
                    && rest
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"/-_.".contains(&b))
            }),
    }
}

/// Codes as the frameworks loaded know them: an ESCO code given by its
/// last part (the uuid) becomes its URI, a ROME or RNCP code in lower case
/// is put in capitals, and a known code gets its label (when none is
/// written) and the version it is written against. Unknown codes stay as
/// written: the shape check decides, so that codes of frameworks not
/// loaded here keep working.
pub(crate) fn resolve_codes(state: &AppState, details: Option<&mut Details>) {
    let Some(codes) = details.and_then(|d| d.frameworks.as_mut()) else {
        return;
    };
    let index = state.frameworks.index();
    for f in codes.iter_mut() {
        let Some(framework) = atout_frameworks::Framework::parse(f.framework.name()) else {
            continue;
        };
        let Some(concept) = index.get(framework, f.code.trim()) else {
            continue;
        };
        f.code = concept.code.clone();
        if f.label.as_deref().is_none_or(|l| l.trim().is_empty()) {
            f.label = index.label(framework, &concept.code, "fr").map(|l| l.text);
        }
        if f.version.is_none() {
            f.version = Some(concept.version.clone());
        }
    }
}

fn check_details(kind: EntryKind, details: Option<Details>) -> Result<Details, ApiError> {
    let mut d = details.unwrap_or_default();
    let language = kind == EntryKind::Language;
    if let Some(frameworks) = &mut d.frameworks {
        if matches!(kind, EntryKind::Language | EntryKind::Interest) {
            return Err(field_error(
                "details.frameworks",
                format!("Framework codes do not apply to a {}.", kind.as_str()),
            ));
        }
        if frameworks.len() > MAX_FRAMEWORKS {
            return Err(field_error(
                "details.frameworks",
                format!("At most {MAX_FRAMEWORKS} framework codes."),
            ));
        }
        for f in frameworks.iter_mut() {
            f.code = f.code.trim().to_owned();
            if !check_code(f.framework, &f.code) {
                let shape = match f.framework {
                    Framework::Rome => "a letter and four digits, like M1805",
                    Framework::Rncp => "RNCP and digits, like RNCP34126",
                    Framework::Esco => "a URI under http://data.europa.eu/esco/",
                    Framework::Rs => "RS and digits, like RS5476",
                };
                let shown: String = f.code.chars().take(60).collect();
                return Err(field_error(
                    "details.frameworks",
                    format!(
                        "{shown:?} is not a {} code: expected {shape}.",
                        f.framework.name()
                    ),
                ));
            }
            f.label = text("details.frameworks.label", f.label.take(), MAX_SHORT, false)?;
        }
        if frameworks.is_empty() {
            d.frameworks = None;
        }
    }
    if let Some(url) = &d.url {
        let url = url.trim();
        let parsed = url::Url::parse(url).ok();
        if url.len() > MAX_URL
            || !parsed.is_some_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        {
            return Err(field_error(
                "details.url",
                format!(
                    "details.url must be an http or https URL of at most {MAX_URL} characters."
                ),
            ));
        }
        d.url = Some(url.to_owned());
    }
    if let Some(keywords) = &d.keywords {
        if keywords.len() > MAX_KEYWORDS {
            return Err(field_error(
                "details.keywords",
                format!("At most {MAX_KEYWORDS} keywords."),
            ));
        }
        let mut clean = Vec::new();
        for k in keywords {
            match text("details.keywords", Some(k.clone()), MAX_KEYWORD, false)? {
                Some(k) if !clean.contains(&k) => clean.push(k),
                Some(_) => {}
                None => {
                    return Err(field_error(
                        "details.keywords",
                        "A keyword cannot be empty.",
                    ))
                }
            }
        }
        d.keywords = (!clean.is_empty()).then_some(clean);
    }
    if !language && (d.language_code.is_some() || d.mother_tongue.is_some() || d.cefr.is_some()) {
        return Err(field_error(
            "details",
            "languageCode, motherTongue and cefr apply to languages only.",
        ));
    }
    if language {
        if let Some(code) = &d.language_code {
            if !(2..=3).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_lowercase()) {
                return Err(field_error(
                    "details.languageCode",
                    "languageCode is an ISO 639 code: two or three lower-case letters.",
                ));
            }
        }
        match (d.mother_tongue.unwrap_or(false), &d.cefr) {
            (true, Some(_)) => {
                return Err(field_error("details.cefr", "A mother tongue has no CEFR levels: give motherTongue or cefr, not both."))
            }
            (false, None) => {
                return Err(field_error("details.cefr", "A language other than a mother tongue needs its five CEFR levels (listening, reading, spokenInteraction, spokenProduction, writing), each A1 to C2."))
            }
            _ => {}
        }
        if d.mother_tongue == Some(false) {
            d.mother_tongue = None;
        }
    }
    Ok(d)
}

/// The entry's fields, checked. `holding_id` is checked by the store
/// (it must be the citizen's, at the moment of writing).
pub(crate) struct Fields {
    pub(crate) title: String,
    pub(crate) organisation: Option<String>,
    pub(crate) place: Option<String>,
    pub(crate) start_date: Option<String>,
    pub(crate) end_date: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) details: Details,
    pub(crate) holding_id: Option<String>,
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn check_fields(
    kind: EntryKind,
    title: String,
    organisation: Option<String>,
    place: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    description: Option<String>,
    details: Option<Details>,
    holding_id: Option<String>,
) -> Result<Fields, ApiError> {
    let title = text("title", Some(title), MAX_TITLE, false)?
        .ok_or_else(|| field_error("title", "title cannot be empty."))?;
    let organisation = text("organisation", organisation, MAX_SHORT, false)?;
    let place = text("place", place, MAX_SHORT, false)?;
    let start_date = text("startDate", start_date, 10, false)?;
    let end_date = text("endDate", end_date, 10, false)?;
    let description = text("description", description, MAX_DESCRIPTION, true)?;
    if !kind.is_dated() {
        for (field, set) in [
            ("organisation", organisation.is_some()),
            ("place", place.is_some()),
            ("startDate", start_date.is_some()),
            ("endDate", end_date.is_some()),
        ] {
            if set {
                return Err(field_error(
                    field,
                    format!("{field} does not apply to a {}.", kind.as_str()),
                ));
            }
        }
    }
    for (field, date) in [("startDate", &start_date), ("endDate", &end_date)] {
        if let Some(d) = date {
            if !check_partial_date(d) {
                return Err(field_error(
                    field,
                    format!(
                        "{field} is a date written YYYY, YYYY-MM or YYYY-MM-DD (1900 to 2100)."
                    ),
                ));
            }
        }
    }
    match (&start_date, &end_date) {
        (None, Some(_)) => return Err(field_error("endDate", "An end date needs a start date.")),
        (Some(s), Some(e)) if !ordered(s, e) => {
            return Err(field_error(
                "endDate",
                "The end date is before the start date.",
            ))
        }
        _ => {}
    }
    let details = check_details(kind, details)?;
    let holding_id = match holding_id {
        Some(id) if id.is_empty() || id.len() > 100 => {
            return Err(field_error(
                "holdingId",
                "holdingId is not a credential you hold.",
            ))
        }
        other => other,
    };
    Ok(Fields {
        title,
        organisation,
        place,
        start_date,
        end_date,
        description,
        details,
        holding_id,
    })
}

fn write_error(outcome: EntryWrite) -> Result<(), ApiError> {
    match outcome {
        EntryWrite::Done => Ok(()),
        EntryWrite::NotFound => Err(not_found()),
        EntryWrite::HoldingNotFound => Err(field_error(
            "holdingId",
            "holdingId is not a credential you hold.",
        )),
        EntryWrite::TooMany => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "too-many-entries",
            "Too many entries",
        )
        .detail(format!(
            "You have {MAX_ENTRIES} entries, the most allowed; delete some first."
        ))),
    }
}

/// The views of entries, with the live states of their credentials.
pub(crate) async fn views(
    state: &AppState,
    citizen_id: &str,
    entries: Vec<EntryRecord>,
) -> Result<Vec<EntryView>, ApiError> {
    let mut ids: Vec<String> = entries
        .iter()
        .filter_map(|e| e.holding_id.clone())
        .collect();
    ids.sort();
    ids.dedup();
    let (holdings, endorsements) = tokio::try_join!(
        state.store.holdings_by_ids(citizen_id, &ids),
        state.store.endorsement_counts(citizen_id),
    )?;
    let outcomes = check_all(state, &holdings).await;
    let states: HashMap<&str, LiveState> = holdings
        .iter()
        .zip(&outcomes)
        .map(|(h, o)| (h.id.as_str(), o.state))
        .collect();
    Ok(views_with(entries, &states, &endorsements))
}

/// Entry views, given the live state of the holdings they link to and the
/// number of visible endorsements of each entry.
pub(crate) fn views_with(
    entries: Vec<EntryRecord>,
    states: &HashMap<&str, LiveState>,
    endorsements: &HashMap<String, i64>,
) -> Vec<EntryView> {
    entries
        .into_iter()
        .map(|e| {
            let holding_state = e
                .holding_id
                .as_deref()
                .and_then(|id| states.get(id).copied());
            let endorsed = endorsements.get(&e.id).copied().unwrap_or(0);
            view_of(e, holding_state, endorsed.max(0) as usize)
        })
        .collect()
}

fn view_of(e: EntryRecord, holding_state: Option<LiveState>, endorsements: usize) -> EntryView {
    EntryView {
        kind: EntryKind::parse(&e.kind).unwrap_or(EntryKind::Interest),
        details: serde_json::from_str(&e.details).unwrap_or_default(),
        trust: trust_level(holding_state, endorsements),
        holding_state,
        id: e.id,
        title: e.title,
        organisation: e.organisation,
        place: e.place,
        start_date: e.start_date,
        end_date: e.end_date,
        description: e.description,
        holding_id: e.holding_id,
        created_at: e.created_at,
        updated_at: e.updated_at,
    }
}

async fn one_view(
    state: &AppState,
    citizen_id: &str,
    entry: EntryRecord,
) -> Result<EntryView, ApiError> {
    views(state, citizen_id, vec![entry])
        .await?
        .pop()
        .ok_or_else(|| ApiError::internal("no view"))
}

pub(crate) fn details_text(details: &Details) -> Result<String, ApiError> {
    serde_json::to_string(details).map_err(ApiError::internal)
}

/// Write an entry about one's path.
#[utoipa::path(
    post, path = "/wallet/entries", tag = "wallet",
    security(("bearer" = []), ("cookie" = [])),
    request_body = NewEntry,
    responses(
        (status = 201, body = EntryView),
        (status = 400, body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "A field is wrong (`field` names it), or too many entries", content_type = "application/problem+json"),
    )
)]
async fn create_entry(
    State(state): State<AppState>,
    citizen: Citizen,
    Json(mut request): Json<NewEntry>,
) -> Result<Response, ApiError> {
    resolve_codes(&state, request.details.as_mut());
    let kind = request.kind;
    let f = check_fields(
        kind,
        request.title,
        request.organisation,
        request.place,
        request.start_date,
        request.end_date,
        request.description,
        request.details,
        request.holding_id,
    )?;
    let now = state.clock.now();
    let entry = EntryRecord {
        id: new_id(),
        citizen_id: citizen.id().to_owned(),
        kind: kind.as_str().to_owned(),
        title: f.title,
        organisation: f.organisation,
        place: f.place,
        start_date: f.start_date,
        end_date: f.end_date,
        description: f.description,
        details: details_text(&f.details)?,
        holding_id: f.holding_id,
        created_at: now,
        updated_at: now,
    };
    write_error(state.store.insert_entry(&entry, MAX_ENTRIES).await?)?;
    let location = format!("/wallet/entries/{}", entry.id);
    let view = one_view(&state, citizen.id(), entry).await?;
    let mut response = (StatusCode::CREATED, Json(view)).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// Every entry (of one kind), newest start first, undated last.
#[utoipa::path(
    get, path = "/wallet/entries", tag = "wallet",
    security(("bearer" = []), ("cookie" = [])),
    params(EntryQuery),
    responses(
        (status = 200, body = EntryList),
        (status = 400, body = ProblemBody, description = "An unknown kind", content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn list_entries(
    State(state): State<AppState>,
    citizen: Citizen,
    Query(query): Query<EntryQuery>,
) -> Result<Json<EntryList>, ApiError> {
    let kind = match query.kind.as_deref() {
        None => None,
        Some(k) => Some(EntryKind::parse(k).ok_or_else(|| {
            ApiError::bad_request(
                "kind is one of experience, education, skill, language, project, interest.",
            )
        })?),
    };
    let entries = state
        .store
        .list_entries(citizen.id(), kind.map(EntryKind::as_str))
        .await?;
    Ok(Json(EntryList {
        items: views(&state, citizen.id(), entries).await?,
    }))
}

async fn find(state: &AppState, citizen: &Citizen, id: &str) -> Result<EntryRecord, ApiError> {
    if id.is_empty() || id.len() > 100 {
        return Err(not_found());
    }
    state
        .store
        .get_entry(citizen.id(), id)
        .await?
        .ok_or_else(not_found)
}

/// One entry, with its trust level.
#[utoipa::path(
    get, path = "/wallet/entries/{id}", tag = "wallet",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The entry's id")),
    responses(
        (status = 200, body = EntryView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn get_entry(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<EntryView>, ApiError> {
    let entry = find(&state, &citizen, &id).await?;
    Ok(Json(one_view(&state, citizen.id(), entry).await?))
}

/// Change an entry (JSON merge patch; the kind cannot change).
#[utoipa::path(
    patch, path = "/wallet/entries/{id}", tag = "wallet",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The entry's id")),
    request_body = EntryPatch,
    responses(
        (status = 200, body = EntryView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn update_entry(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
    Json(mut p): Json<EntryPatch>,
) -> Result<Json<EntryView>, ApiError> {
    if let Some(Some(d)) = p.details.as_mut() {
        resolve_codes(&state, Some(d));
    }
    let old = find(&state, &citizen, &id).await?;
    let kind =
        EntryKind::parse(&old.kind).ok_or_else(|| ApiError::internal("stored entry kind"))?;
    let old_details: Details = serde_json::from_str(&old.details).unwrap_or_default();
    let f = check_fields(
        kind,
        p.title.unwrap_or(old.title),
        p.organisation.unwrap_or(old.organisation),
        p.place.unwrap_or(old.place),
        p.start_date.unwrap_or(old.start_date),
        p.end_date.unwrap_or(old.end_date),
        p.description.unwrap_or(old.description),
        Some(p.details.unwrap_or(Some(old_details)).unwrap_or_default()),
        p.holding_id.unwrap_or(old.holding_id),
    )?;
    let entry = EntryRecord {
        id: old.id,
        citizen_id: old.citizen_id,
        kind: old.kind,
        title: f.title,
        organisation: f.organisation,
        place: f.place,
        start_date: f.start_date,
        end_date: f.end_date,
        description: f.description,
        details: details_text(&f.details)?,
        holding_id: f.holding_id,
        created_at: old.created_at,
        updated_at: state.clock.now(),
    };
    write_error(state.store.update_entry(&entry).await?)?;
    Ok(Json(one_view(&state, citizen.id(), entry).await?))
}

/// Delete an entry.
#[utoipa::path(
    delete, path = "/wallet/entries/{id}", tag = "wallet",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The entry's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn delete_entry(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    if id.is_empty() || id.len() > 100 || !state.store.delete_entry(citizen.id(), &id).await? {
        return Err(not_found());
    }
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates() {
        for ok in ["2020", "2020-02", "2020-02-29", "1900", "2100-12-31"] {
            assert!(check_partial_date(ok), "{ok}");
        }
        for bad in [
            "20",
            "2020-2",
            "2021-02-29",
            "2020-13",
            "2020-00",
            "1899",
            "2101",
            "2020-01-01T00:00",
            "２０２０",
            "2020--01",
            "",
        ] {
            assert!(!check_partial_date(bad), "{bad}");
        }
        assert!(ordered("2020", "2020-01-05"));
        assert!(ordered("2020-03", "2020"));
        assert!(ordered("2020-03-01", "2020-03-01"));
        assert!(!ordered("2020-03-02", "2020-03-01"));
        assert!(!ordered("2021", "2020-12"));
    }

    #[test]
    fn framework_codes() {
        assert!(check_code(Framework::Rome, "M1805"));
        assert!(!check_code(Framework::Rome, "m1805"));
        assert!(!check_code(Framework::Rome, "M18055"));
        assert!(check_code(Framework::Rncp, "RNCP34126"));
        assert!(!check_code(Framework::Rncp, "RNCP"));
        assert!(!check_code(Framework::Rncp, "34126"));
        assert!(check_code(
            Framework::Esco,
            "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"
        ));
        assert!(!check_code(
            Framework::Esco,
            "https://data.europa.eu/esco/skill/x"
        ));
        assert!(!check_code(Framework::Esco, "http://data.europa.eu/esco/"));
        assert!(!check_code(
            Framework::Esco,
            "http://data.europa.eu/esco/a b"
        ));
        assert!(!check_code(Framework::Esco, "http://evil.example/esco/x"));
    }

    #[test]
    fn trust_levels() {
        assert_eq!(trust_level(None, 0), TrustLevel::Declared);
        assert_eq!(
            trust_level(Some(LiveState::Revoked), 0),
            TrustLevel::Declared
        );
        assert_eq!(
            trust_level(Some(LiveState::Revoked), 2),
            TrustLevel::Endorsed
        );
        assert_eq!(
            trust_level(Some(LiveState::Verified), 0),
            TrustLevel::Certified
        );
    }
}
