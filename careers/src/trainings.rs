//! The training catalogue: what organisations offer, aligned to skills and
//! occupations, searchable by anyone, and suggested by career plans.
//!
//! | route | who |
//! |---|---|
//! | `GET`, `POST /orgs/{slug}/trainings` | the organisation (API key) or the admin |
//! | `PUT`, `DELETE /orgs/{slug}/trainings/{id}` | the organisation (API key) or the admin |
//! | `POST /orgs/{slug}/trainings/import` | the organisation (API key) or the admin: a CSV file |
//! | `GET /trainings`, `GET /trainings/{id}` | anyone (rate-limited per address): published trainings |

use crate::frameworks::{lang_of, linked};
use atout_core::{
    ids::new_id,
    store::{Training, TrainingRecord},
};
use atout_frameworks::Framework;
use atout_web::{
    auth::OrgMember,
    csvtext::{decode, detect_separator, parse_date, parse_number},
    extract::ClientIp,
    limits::Action,
    problem::ProblemBody,
    ApiError, AppState, Json, Path, Query,
};
use axum::{
    body::Bytes,
    extract::{DefaultBodyLimit, State},
    http::StatusCode,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The most trainings an organisation publishes.
pub const MAX_TRAININGS: i64 = 5_000;
/// The largest CSV file of trainings.
pub const MAX_CSV_BYTES: usize = 8 * 1024 * 1024;
/// The most codes a training is aligned to.
pub const MAX_CODES: usize = 60;

pub fn router() -> OpenApiRouter<AppState> {
    let import = OpenApiRouter::new()
        .routes(routes!(import_csv))
        .layer(DefaultBodyLimit::max(MAX_CSV_BYTES));
    OpenApiRouter::new()
        .routes(routes!(org_list, org_create))
        .routes(routes!(org_put, org_delete))
        .routes(routes!(public_list))
        .routes(routes!(public_one))
        .merge(import)
}

/// A training as an organisation writes it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TrainingInput {
    /// The organisation's own reference (unique among its trainings; a CSV
    /// import updates by it). By default, a new one.
    pub reference: Option<String>,
    pub title: String,
    pub description: Option<String>,
    /// The RNCP or RS number it prepares for (`RNCP37873`).
    pub certification: Option<String>,
    /// European level, 1 to 8.
    pub level: Option<String>,
    /// Codes of the skills and occupations it is aligned to: ESCO URIs,
    /// ROME codes, RNCP/RS numbers.
    #[serde(default)]
    pub codes: Vec<String>,
    /// Taught at a distance.
    #[serde(default)]
    pub distance: bool,
    pub commune: Option<String>,
    /// The département (37, 45, 2A, 971…).
    pub department: Option<String>,
    /// YYYY-MM-DD.
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub duration_hours: Option<i64>,
    /// In euros (cents kept).
    pub price: Option<f64>,
    /// Eligible to the Compte personnel de formation.
    #[serde(default)]
    pub cpf: bool,
    /// Where to register (https).
    pub url: Option<String>,
    /// `published` (default) or `draft`.
    pub status: Option<String>,
}

/// A code a training is aligned to, with its label.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CodeView {
    pub framework: String,
    pub code: String,
    pub kind: Option<String>,
    pub label: String,
    pub label_lang: Option<String>,
    pub fallback: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TrainingView {
    pub id: String,
    pub reference: String,
    pub organisation: OrgRef,
    pub title: String,
    pub description: Option<String>,
    pub certification: Option<CodeView>,
    pub level: Option<String>,
    pub codes: Vec<CodeView>,
    pub distance: bool,
    pub commune: Option<String>,
    pub department: Option<String>,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub duration_hours: Option<i64>,
    pub price: Option<f64>,
    pub cpf: bool,
    pub url: Option<String>,
    pub status: String,
    /// Credentials the organisation issues (its templates): what one can
    /// earn there.
    pub credentials_here: Vec<String>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrgRef {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrainingList {
    pub items: Vec<TrainingView>,
    /// How many match (before `limit` and `offset`).
    pub total: usize,
}

fn bad(field: &str, detail: impl Into<String>) -> ApiError {
    ApiError::unprocessable(detail).with("field", field)
}

fn clean(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>, ApiError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if v.chars().count() > max {
        return Err(bad(field, format!("At most {max} characters.")));
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(bad(field, "Control characters are not allowed."));
    }
    Ok(Some(v.to_owned()))
}

fn department(value: Option<&str>) -> Result<Option<String>, ApiError> {
    match value.map(str::trim).filter(|d| !d.is_empty()) {
        None => Ok(None),
        Some(d) => atout_web::places::department(d)
            .map(Some)
            .ok_or_else(|| bad("department", "A département number: 37, 45, 2A, 971…")),
    }
}

fn date(field: &str, value: Option<&str>) -> Result<Option<String>, ApiError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => parse_date(v)
            .map(Some)
            .ok_or_else(|| bad(field, "A date: 15/09/2027 or 2027-09-15.")),
    }
}

/// A code of a framework loaded, in its canonical spelling.
fn code_of(state: &AppState, raw: &str) -> Result<(Framework, String), ApiError> {
    let raw = raw.trim();
    let index = state.frameworks.index();
    let shown: String = raw.chars().take(80).collect();
    for f in [
        Framework::Esco,
        Framework::Rome,
        Framework::Rncp,
        Framework::Rs,
    ] {
        if let Some(c) = index.get(f, raw) {
            return Ok((f, c.code.clone()));
        }
    }
    Err(bad(
        "codes",
        format!("{shown:?} is not a code of the frameworks loaded (an ESCO URI, a ROME code, RNCP… or RS…)."),
    ))
}

/// Checks a training; `id` and `reference` for a new one are made here.
fn record(
    state: &AppState,
    org_id: &str,
    id: Option<String>,
    t: &TrainingInput,
) -> Result<Training, ApiError> {
    let now = state.clock.now();
    let title =
        clean("title", Some(&t.title), 300)?.ok_or_else(|| bad("title", "This is required."))?;
    let certification = match clean("certification", t.certification.as_deref(), 20)? {
        Some(c) => {
            let (f, c) = code_of(state, &c).map_err(|e| e.with("field", "certification"))?;
            if !matches!(f, Framework::Rncp | Framework::Rs) {
                return Err(bad("certification", "An RNCP or RS number."));
            }
            Some(c)
        }
        None => None,
    };
    let level = match clean("level", t.level.as_deref(), 4)? {
        Some(l) => {
            let l = l
                .trim_start_matches(|c: char| !c.is_ascii_digit())
                .to_owned();
            if !matches!(l.as_str(), "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8") {
                return Err(bad("level", "A European level, 1 to 8."));
            }
            Some(l)
        }
        None => None,
    };
    if t.codes.len() > MAX_CODES {
        return Err(bad("codes", format!("At most {MAX_CODES} codes.")));
    }
    let mut codes: Vec<(String, String)> = Vec::new();
    for raw in t.codes.iter().filter(|c| !c.trim().is_empty()) {
        let (f, c) = code_of(state, raw)?;
        let pair = (f.as_str().to_owned(), c);
        if !codes.contains(&pair) {
            codes.push(pair);
        }
    }
    if let Some(c) = &certification {
        let f = if c.starts_with("RS") { "RS" } else { "RNCP" };
        let pair = (f.to_owned(), c.clone());
        if !codes.contains(&pair) {
            codes.push(pair);
        }
    }
    let url = match clean("url", t.url.as_deref(), 500)? {
        Some(u) => {
            let parsed =
                url::Url::parse(&u).map_err(|_| bad("url", "A web address (https://…)."))?;
            if !matches!(parsed.scheme(), "https" | "http") {
                return Err(bad("url", "A web address (https://…)."));
            }
            Some(u)
        }
        None => None,
    };
    let starts_on = date("startsOn", t.starts_on.as_deref())?;
    let ends_on = date("endsOn", t.ends_on.as_deref())?;
    if let (Some(s), Some(e)) = (&starts_on, &ends_on) {
        if e < s {
            return Err(bad("endsOn", "The end comes before the start."));
        }
    }
    if let Some(h) = t.duration_hours {
        if !(1..=10_000).contains(&h) {
            return Err(bad("durationHours", "Between 1 and 10,000 hours."));
        }
    }
    let price_cents = match t.price {
        Some(p) if !(0.0..=1_000_000.0).contains(&p) || !p.is_finite() => {
            return Err(bad("price", "A price in euros, from 0 to 1,000,000."))
        }
        Some(p) => Some((p * 100.0).round() as i64),
        None => None,
    };
    let status = match t.status.as_deref().unwrap_or("published") {
        s @ ("published" | "draft") => s.to_owned(),
        _ => return Err(bad("status", "published or draft")),
    };
    let department = department(t.department.as_deref())?;
    if !t.distance && department.is_none() {
        return Err(bad(
            "department",
            "Say where it takes place (a département), or that it is at a distance.",
        ));
    }
    let reference = clean("reference", t.reference.as_deref(), 100)?.unwrap_or_else(new_id);
    Ok(Training {
        record: TrainingRecord {
            id: id.unwrap_or_else(new_id),
            org_id: org_id.to_owned(),
            reference,
            title,
            description: clean("description", t.description.as_deref(), 10_000)?,
            certification,
            level,
            distance: i64::from(t.distance),
            commune: clean("commune", t.commune.as_deref(), 100)?,
            department,
            starts_on,
            ends_on,
            duration_hours: t.duration_hours,
            price_cents,
            cpf: i64::from(t.cpf),
            url,
            status,
            created_at: now,
            updated_at: now,
        },
        codes,
    })
}

fn code_view(state: &AppState, framework: &str, code: &str, lang: &str) -> CodeView {
    let l = linked(&state.frameworks, framework, code, lang);
    CodeView {
        framework: l.framework,
        code: l.code,
        kind: l.kind,
        label: l.label,
        label_lang: l.label_lang,
        fallback: l.fallback,
    }
}

/// Views of trainings, with their organisation and its templates.
async fn views(
    state: &AppState,
    trainings: Vec<Training>,
    lang: &str,
) -> Result<Vec<TrainingView>, ApiError> {
    let orgs: BTreeMap<String, atout_core::store::Organisation> = state
        .orgs
        .list()
        .await
        .map_err(ApiError::internal)?
        .into_iter()
        .map(|(o, _)| (o.id.clone(), o))
        .collect();
    let mut templates: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut out = Vec::with_capacity(trainings.len());
    for t in trainings {
        let r = t.record;
        if !templates.contains_key(&r.org_id) {
            let names = state
                .store
                .list_templates(&r.org_id)
                .await?
                .into_iter()
                .map(|t| if lang == "en" { t.name_en } else { t.name_fr })
                .collect();
            templates.insert(r.org_id.clone(), names);
        }
        let org = orgs.get(&r.org_id);
        out.push(TrainingView {
            organisation: OrgRef {
                slug: org.map(|o| o.slug.clone()).unwrap_or_default(),
                name: org
                    .map(|o| {
                        if lang == "en" {
                            o.name_en.clone()
                        } else {
                            o.name_fr.clone()
                        }
                    })
                    .unwrap_or_default(),
            },
            credentials_here: templates.get(&r.org_id).cloned().unwrap_or_default(),
            certification: r.certification.as_deref().map(|c| {
                code_view(
                    state,
                    if c.starts_with("RS") { "RS" } else { "RNCP" },
                    c,
                    lang,
                )
            }),
            codes: t
                .codes
                .iter()
                .filter(|(_, c)| Some(c) != r.certification.as_ref())
                .map(|(f, c)| code_view(state, f, c, lang))
                .collect(),
            id: r.id,
            reference: r.reference,
            title: r.title,
            description: r.description,
            level: r.level,
            distance: r.distance == 1,
            commune: r.commune,
            department: r.department,
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            duration_hours: r.duration_hours,
            price: r.price_cents.map(|c| c as f64 / 100.0),
            cpf: r.cpf == 1,
            url: r.url,
            status: r.status,
            updated_at: r.updated_at,
        });
    }
    Ok(out)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LangQuery {
    /// `fr` (default) or `en`.
    pub lang: Option<String>,
}

/// The organisation's trainings, drafts included. The organisation's API
/// key or the admin.
#[utoipa::path(
    get, path = "/orgs/{slug}/trainings", tag = "trainings",
    security(("bearer" = [])),
    params(("slug" = String, Path), LangQuery),
    responses(
        (status = 200, body = TrainingList),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn org_list(
    State(state): State<AppState>,
    _member: OrgMember,
    Path(slug): Path<String>,
    Query(q): Query<LangQuery>,
) -> Result<Json<TrainingList>, ApiError> {
    let org = state.orgs.find(&slug).await?;
    let items = views(
        &state,
        state.store.org_trainings(&org.id).await?,
        lang_of(q.lang.as_deref()),
    )
    .await?;
    Ok(Json(TrainingList {
        total: items.len(),
        items,
    }))
}

/// Publish a training (or keep it as a draft). The organisation's API key
/// or the admin.
#[utoipa::path(
    post, path = "/orgs/{slug}/trainings", tag = "trainings",
    security(("bearer" = [])),
    params(("slug" = String, Path)),
    request_body = TrainingInput,
    responses(
        (status = 201, body = TrainingView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "This reference exists, or the most trainings are published", content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn org_create(
    State(state): State<AppState>,
    _member: OrgMember,
    Path(slug): Path<String>,
    Json(body): Json<TrainingInput>,
) -> Result<(StatusCode, Json<TrainingView>), ApiError> {
    let org = state.orgs.find(&slug).await?;
    let t = record(&state, &org.id, None, &body)?;
    if body.reference.is_some()
        && state
            .store
            .org_trainings(&org.id)
            .await?
            .iter()
            .any(|x| x.record.reference == t.record.reference)
    {
        return Err(ApiError::conflict(
            "A training of yours has this reference: change it with PUT.",
        ));
    }
    let done = state
        .store
        .put_trainings(std::slice::from_ref(&t), MAX_TRAININGS)
        .await?;
    if done.too_many {
        return Err(ApiError::conflict(format!(
            "At most {MAX_TRAININGS} trainings per organisation."
        )));
    }
    let saved = state
        .store
        .get_training(&t.record.id)
        .await?
        .ok_or_else(|| ApiError::internal("a training just written is gone"))?;
    let view = views(&state, vec![saved], "fr").await?.remove(0);
    Ok((StatusCode::CREATED, Json(view)))
}

async fn own(state: &AppState, slug: &str, id: &str) -> Result<(String, Training), ApiError> {
    let org = state.orgs.find(slug).await?;
    let t = state
        .store
        .get_training(id)
        .await?
        .filter(|t| t.record.org_id == org.id)
        .ok_or_else(|| ApiError::not_found("This organisation has no training with this id."))?;
    Ok((org.id, t))
}

/// Replace a training. The organisation's API key or the admin.
#[utoipa::path(
    put, path = "/orgs/{slug}/trainings/{id}", tag = "trainings",
    security(("bearer" = [])),
    params(("slug" = String, Path), ("id" = String, Path)),
    request_body = TrainingInput,
    responses(
        (status = 200, body = TrainingView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn org_put(
    State(state): State<AppState>,
    _member: OrgMember,
    Path((slug, id)): Path<(String, String)>,
    Json(mut body): Json<TrainingInput>,
) -> Result<Json<TrainingView>, ApiError> {
    let (org_id, existing) = own(&state, &slug, &id).await?;
    // The reference stays (it is how imports find the training again).
    body.reference = Some(existing.record.reference.clone());
    let t = record(&state, &org_id, Some(id.clone()), &body)?;
    state
        .store
        .put_trainings(std::slice::from_ref(&t), MAX_TRAININGS)
        .await?;
    let saved = state
        .store
        .get_training(&id)
        .await?
        .ok_or_else(|| ApiError::internal("a training just written is gone"))?;
    Ok(Json(views(&state, vec![saved], "fr").await?.remove(0)))
}

/// Withdraw a training (steps of plans that named it keep their title).
/// The organisation's API key or the admin.
#[utoipa::path(
    delete, path = "/orgs/{slug}/trainings/{id}", tag = "trainings",
    security(("bearer" = [])),
    params(("slug" = String, Path), ("id" = String, Path)),
    responses(
        (status = 204),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn org_delete(
    State(state): State<AppState>,
    _member: OrgMember,
    Path((slug, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let (org_id, _) = own(&state, &slug, &id).await?;
    state.store.delete_training(&org_id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What a CSV import did.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub created: u64,
    pub updated: u64,
    /// Rows read (the header apart).
    pub rows: usize,
}

/// The CSV columns, by their folded header names (French or English).
fn column(header: &str) -> Option<&'static str> {
    let folded = atout_frameworks::normalize::fold(header);
    let h: String = folded
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    Some(match h.as_str() {
        "reference" | "ref" | "code formation" | "identifiant" => "reference",
        "intitule" | "titre" | "title" | "formation" | "libelle" => "title",
        "description" | "presentation" | "objectifs" => "description",
        "rncp" | "rs" | "certification" | "numero rncp" | "code rncp" | "fiche rncp" => {
            "certification"
        }
        "niveau" | "level" | "niveau europeen" => "level",
        "competences" | "skills" | "codes competences" | "esco" => "skills",
        "metiers" | "rome" | "occupations" | "codes rome" | "code rome" => "occupations",
        "codes" => "skills",
        "commune" | "ville" | "lieu" | "city" => "commune",
        "departement" | "department" | "dept" | "dep" => "department",
        "a distance" | "distance" | "distanciel" | "fad" | "online" => "distance",
        "debut" | "date de debut" | "date debut" | "start" | "starts on" => "starts",
        "fin" | "date de fin" | "date fin" | "end" | "ends on" => "ends",
        "duree" | "duree heures" | "duree h" | "heures" | "hours" | "duration" => "hours",
        "prix" | "tarif" | "cout" | "price" | "prix eur" | "tarif eur" => "price",
        "cpf" | "eligible cpf" => "cpf",
        "lien" | "url" | "inscription" | "lien inscription" | "link" => "url",
        "statut" | "status" | "etat" => "status",
        _ => return None,
    })
}

fn yes(text: &str) -> bool {
    matches!(
        atout_frameworks::normalize::fold(text).as_str(),
        "oui" | "o" | "yes" | "y" | "1" | "vrai" | "true" | "x"
    )
}

/// Import trainings from a CSV file as offices write them (`;` or `,`,
/// UTF-8 or Windows-1252, dates as 15/09/2027, prices as 1 250,50, columns
/// named in French or English, codes separated by `|`, `,` or line
/// breaks). Rows update the trainings with the same reference. Refused
/// whole, with the line and column, if any row is wrong. The
/// organisation's API key or the admin.
#[utoipa::path(
    post, path = "/orgs/{slug}/trainings/import", tag = "trainings",
    security(("bearer" = [])),
    params(("slug" = String, Path)),
    request_body(content = String, content_type = "text/csv"),
    responses(
        (status = 200, body = ImportReport),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, content_type = "application/problem+json"),
        (status = 413, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "A row is wrong: `line` and `field` say where", content_type = "application/problem+json"),
    )
)]
async fn import_csv(
    State(state): State<AppState>,
    _member: OrgMember,
    Path(slug): Path<String>,
    body: Bytes,
) -> Result<Json<ImportReport>, ApiError> {
    let org = state.orgs.find(&slug).await?;
    let inputs = tokio::task::spawn_blocking(move || parse_csv(&body))
        .await
        .map_err(ApiError::internal)??;
    let mut trainings = Vec::with_capacity(inputs.len());
    for (line, input) in &inputs {
        trainings.push(record(&state, &org.id, None, input).map_err(|e| e.with("line", *line))?);
    }
    let done = state.store.put_trainings(&trainings, MAX_TRAININGS).await?;
    if done.too_many {
        return Err(ApiError::conflict(format!(
            "Nothing was imported: at most {MAX_TRAININGS} trainings per organisation."
        )));
    }
    Ok(Json(ImportReport {
        created: done.created,
        updated: done.updated,
        rows: inputs.len(),
    }))
}

/// The rows of a CSV file: (line, training).
pub fn parse_csv(data: &[u8]) -> Result<Vec<(u64, TrainingInput)>, ApiError> {
    let text = decode(data);
    let separator = detect_separator(&text);
    let bytes = text.as_bytes();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .flexible(true)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|_| bad("file", "The first line (the column names) cannot be read."))?
        .clone();
    let columns: Vec<Option<&str>> = headers.iter().map(column).collect();
    if !columns.contains(&Some("title")) {
        return Err(bad(
            "file",
            format!(
                "No column gives the training's title (intitulé, titre or title). Columns found: {}.",
                headers.iter().take(20).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    let mut out = Vec::new();
    for record in reader.records() {
        // Lines counted from the byte offset (the reader's own count is
        // off by one on Windows line ends, where a record's offset is that
        // of the `\n` after the `\r` that ended the line before).
        let line_at = |byte: u64| {
            let end = (byte as usize + 1).min(bytes.len());
            bytes[..end].iter().filter(|b| **b == b'\n').count() as u64 + 1
        };
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| line_at(p.byte()));
            bad("file", format!("Line {line} cannot be read.")).with("line", line)
        })?;
        let line = record.position().map_or(0, |p| line_at(p.byte()));
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if out.len() >= MAX_TRAININGS as usize {
            return Err(bad("file", format!("At most {MAX_TRAININGS} rows.")));
        }
        let mut t = TrainingInput::default();
        for (cell, col) in record.iter().zip(&columns) {
            let cell = cell.trim();
            let Some(col) = col else { continue };
            if cell.is_empty() {
                continue;
            }
            let some = || Some(cell.to_owned());
            match *col {
                "reference" => t.reference = some(),
                "title" => t.title = cell.to_owned(),
                "description" => t.description = some(),
                "certification" => t.certification = some(),
                "level" => t.level = some(),
                "skills" | "occupations" => t.codes.extend(
                    cell.split(['|', ',', '\n', ';'])
                        .map(str::trim)
                        .filter(|c| !c.is_empty())
                        .map(str::to_owned),
                ),
                "commune" => t.commune = some(),
                "department" => t.department = some(),
                "distance" => t.distance = yes(cell),
                "starts" => t.starts_on = some(),
                "ends" => t.ends_on = some(),
                "hours" => {
                    t.duration_hours = Some(
                        parse_number(cell.trim_end_matches(['h', 'H']))
                            .filter(|n| n.fract() == 0.0)
                            .map(|n| n as i64)
                            .ok_or_else(|| {
                                bad(
                                    "durationHours",
                                    format!("Line {line}: {cell:?} is not a number of hours."),
                                )
                                .with("line", line)
                            })?,
                    )
                }
                "price" => {
                    t.price = Some(parse_number(cell.trim_end_matches('€').trim()).ok_or_else(
                        || {
                            bad("price", format!("Line {line}: {cell:?} is not a price."))
                                .with("line", line)
                        },
                    )?)
                }
                "cpf" => t.cpf = yes(cell),
                "url" => t.url = some(),
                "status" => {
                    t.status = Some(
                        match atout_frameworks::normalize::fold(cell).as_str() {
                            "brouillon" | "draft" => "draft",
                            _ => "published",
                        }
                        .to_owned(),
                    )
                }
                _ => {}
            }
        }
        if t.title.trim().is_empty() {
            return Err(
                bad("title", format!("Line {line}: the title is empty.")).with("line", line)
            );
        }
        out.push((line, t));
    }
    if out.is_empty() {
        return Err(bad(
            "file",
            "The file has no training (only its column names, or nothing).",
        ));
    }
    Ok(out)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PublicQuery {
    /// Words of the title, description or certification (accents and case
    /// ignored).
    pub q: Option<String>,
    /// Trainings of this département (and those at a distance).
    pub department: Option<String>,
    /// Aligned to this code (an ESCO URI, a ROME code, RNCP…/RS…).
    pub code: Option<String>,
    /// Only those at a distance.
    pub distance: Option<bool>,
    /// Only those eligible to the CPF.
    pub cpf: Option<bool>,
    pub lang: Option<String>,
    /// At most 100; 20 by default.
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

/// Published trainings, searchable. Anyone (rate-limited per address).
#[utoipa::path(
    get, path = "/trainings", tag = "trainings",
    params(PublicQuery),
    responses(
        (status = 200, body = TrainingList),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
        (status = 429, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn public_list(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Query(q): Query<PublicQuery>,
) -> Result<Json<TrainingList>, ApiError> {
    atout_web::limits::check_api(&state.address_limits, Action::Search, client)?;
    let (items, total) = search(&state, &q).await?;
    Ok(Json(TrainingList { items, total }))
}

/// The public search, as the API and the `/formations` page run it.
pub async fn search(
    state: &AppState,
    q: &PublicQuery,
) -> Result<(Vec<TrainingView>, usize), ApiError> {
    let lang = lang_of(q.lang.as_deref());
    let dept = department(q.department.as_deref())?;
    let codes = match q.code.as_deref().filter(|c| !c.trim().is_empty()) {
        Some(c) => {
            let (f, c) = code_of(state, c)?;
            vec![(f.as_str().to_owned(), c)]
        }
        None => Vec::new(),
    };
    let all = state
        .store
        .published_trainings(dept.as_deref(), &codes, 5_000)
        .await?;
    let words: Vec<String> =
        q.q.as_deref()
            .map(atout_frameworks::normalize::fold)
            .unwrap_or_default()
            .split_whitespace()
            .take(8)
            .map(str::to_owned)
            .collect();
    let today = state.clock.now().date_naive().to_string();
    let matching: Vec<Training> = all
        .into_iter()
        .filter(|t| q.distance != Some(true) || t.record.distance == 1)
        .filter(|t| q.cpf != Some(true) || t.record.cpf == 1)
        .filter(|t| t.record.ends_on.as_deref().is_none_or(|e| *e >= *today))
        .filter(|t| {
            if words.is_empty() {
                return true;
            }
            let text = atout_frameworks::normalize::fold(&format!(
                "{} {} {} {}",
                t.record.title,
                t.record.description.as_deref().unwrap_or(""),
                t.record.certification.as_deref().unwrap_or(""),
                t.record.commune.as_deref().unwrap_or("")
            ));
            words.iter().all(|w| text.contains(w.as_str()))
        })
        .collect();
    let total = matching.len();
    let limit = q.limit.unwrap_or(20).clamp(1, 100);
    let page: Vec<Training> = matching
        .into_iter()
        .skip(q.offset.unwrap_or(0))
        .take(limit)
        .collect();
    Ok((views(state, page, lang).await?, total))
}

/// One published training. Anyone (rate-limited per address).
#[utoipa::path(
    get, path = "/trainings/{id}", tag = "trainings",
    params(("id" = String, Path), LangQuery),
    responses(
        (status = 200, body = TrainingView),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 429, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn public_one(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
) -> Result<Json<TrainingView>, ApiError> {
    atout_web::limits::check_api(&state.address_limits, Action::Search, client)?;
    let t = state
        .store
        .get_training(&id)
        .await?
        .filter(|t| t.record.status == "published")
        .ok_or_else(|| ApiError::not_found("No published training has this id."))?;
    Ok(Json(
        views(&state, vec![t], lang_of(q.lang.as_deref()))
            .await?
            .remove(0),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_french_office_csv_reads() {
        // Windows-1252, `;`, French dates and prices, a header with accents.
        let text = "Référence;Intitulé;Département;Début;Durée (h);Tarif (€);CPF;Compétences\r\n\
                    F-01;Développeur web;37;15/09/2027;400;1 250,50;oui;M1805|RNCP37873\r\n";
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
        let rows = parse_csv(&bytes).expect("reads");
        assert_eq!(rows.len(), 1);
        let (line, t) = &rows[0];
        assert_eq!(*line, 2);
        assert_eq!(t.title, "Développeur web");
        assert_eq!(t.reference.as_deref(), Some("F-01"));
        assert_eq!(t.department.as_deref(), Some("37"));
        assert_eq!(t.starts_on.as_deref(), Some("15/09/2027"));
        assert_eq!(t.price, Some(1250.5));
        assert!(t.cpf);
        assert_eq!(t.codes, vec!["M1805".to_owned(), "RNCP37873".to_owned()]);
    }

    #[test]
    fn a_file_without_titles_is_refused_with_its_columns() {
        let e = parse_csv(b"a;b\n1;2\n").unwrap_err();
        assert!(e.body().detail.unwrap_or_default().contains("a, b"));
    }
}
