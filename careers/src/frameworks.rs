//! The reference frameworks over HTTP.
//!
//! | route | who | what |
//! |---|---|---|
//! | `GET /frameworks` | anyone | versions loaded, counts, attributions |
//! | `GET /frameworks/search` | anyone (rate-limited per address) | autocomplete over every framework |
//! | `GET /frameworks/concept` | anyone (rate-limited per address) | one concept: labels, description, needed skills, certifications |
//! | `POST /admin/frameworks/imports` | platform admin | import a publisher's file (ZIP, CSV, CSV.GZ) |

use atout_core::store::{ConceptDetail, FrameworkVersion, ImportOutcome, Store, StoreError};
use atout_frameworks::{
    index::{Hit, Query as SearchQuery},
    read::{self, Format, ImportError, Input, Limits},
    ConceptKind, Framework,
};
use atout_web::{
    auth::AdminOnly, extract::ClientIp, frameworks::Frameworks, limits::Action,
    problem::ProblemBody, ApiError, AppState, Json, Query,
};
use axum::{
    body::Bytes,
    extract::{DefaultBodyLimit, State},
    http::header,
    response::IntoResponse,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The largest file an import takes over HTTP (the official ESCO export
/// of one language is about 30 MiB zipped); larger files go through
/// `atout frameworks import`.
pub const IMPORT_BODY_LIMIT: usize = 256 * 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    let import = OpenApiRouter::new()
        .routes(routes!(import_framework))
        .layer(DefaultBodyLimit::max(IMPORT_BODY_LIMIT));
    OpenApiRouter::new()
        .routes(routes!(list_frameworks))
        .routes(routes!(search))
        .routes(routes!(concept))
        .merge(import)
}

/// What the licences ask to show, per family, in French and English.
pub fn attribution(family: &str, lang: &str) -> &'static str {
    let fr = lang == "fr";
    match (family, fr) {
        ("esco", true) => {
            "Ce service utilise la classification ESCO de la Commission européenne. © Union \
             européenne. Les groupes ISCO-08 : © Organisation internationale du Travail. Les \
             libellés marqués « approximatifs » sont des estimations d'Atout, pas ceux d'ESCO."
        }
        ("esco", false) => {
            "This service uses the ESCO classification of the European Commission. © European \
             Union. ISCO-08 groups: © International Labour Organization. Labels marked \
             \"approximate\" are Atout's estimates, not ESCO's."
        }
        ("rome", true) => {
            "Source : France Travail — Répertoire opérationnel des métiers et des emplois (ROME \
             4.0) et table de correspondance secteurs NAF / codes ROME — Licence Ouverte / Open \
             Licence version 2.0 (Etalab)."
        }
        ("rome", false) => {
            "Source: France Travail — Répertoire opérationnel des métiers et des emplois (ROME \
             4.0) and the NAF sectors / ROME codes crosswalk — Licence Ouverte / Open Licence \
             version 2.0 (Etalab)."
        }
        ("rncp", true) => {
            "Source : France compétences — Répertoire national des certifications \
             professionnelles et Répertoire spécifique — Licence Ouverte / Open Licence version \
             2.0 (Etalab)."
        }
        ("rncp", false) => {
            "Source: France compétences — Répertoire national des certifications \
             professionnelles and Répertoire spécifique — Licence Ouverte / Open Licence version \
             2.0 (Etalab)."
        }
        _ => "",
    }
}

/// One imported version, as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VersionView {
    /// `esco` (ESCO and ISCO-08), `rome` (ROME 4.0 and NAF), `rncp` (RNCP and RS).
    pub family: String,
    pub version: String,
    /// The publisher's date of this version.
    pub published_on: Option<String>,
    /// `active` (codes resolve here first) or `retired` (kept for codes
    /// written against it).
    pub status: String,
    pub languages: Vec<String>,
    pub source: String,
    #[schema(value_type = Object)]
    pub counts: Value,
    /// Lines skipped and codes gone since the previous version.
    #[schema(value_type = Object)]
    pub report: Value,
    pub imported_at: chrono::DateTime<chrono::Utc>,
    pub attribution: AttributionView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttributionView {
    pub fr: String,
    pub en: String,
}

impl From<FrameworkVersion> for VersionView {
    fn from(v: FrameworkVersion) -> Self {
        Self {
            attribution: AttributionView {
                fr: attribution(&v.family, "fr").to_owned(),
                en: attribution(&v.family, "en").to_owned(),
            },
            languages: serde_json::from_str(&v.languages).unwrap_or_default(),
            counts: serde_json::from_str(&v.counts).unwrap_or(Value::Null),
            report: serde_json::from_str(&v.report).unwrap_or(Value::Null),
            family: v.family,
            version: v.version,
            published_on: v.published_on,
            status: v.status,
            source: v.source,
            imported_at: v.imported_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FrameworksView {
    /// Every version imported, newest first within each family.
    pub versions: Vec<VersionView>,
    /// Concepts in the search index (one per framework and code).
    pub indexed: usize,
}

/// The frameworks loaded: versions, counts, what each import skipped, and
/// the attributions their licences ask for. Public.
#[utoipa::path(
    get, path = "/frameworks", tag = "frameworks",
    responses((status = 200, body = FrameworksView))
)]
async fn list_frameworks(State(state): State<AppState>) -> Result<Json<FrameworksView>, ApiError> {
    let versions = state.store.framework_versions().await?;
    Ok(Json(FrameworksView {
        versions: versions.into_iter().map(VersionView::from).collect(),
        indexed: state.frameworks.index().len(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// What the person typed: words of a label (any order, accents and
    /// case ignored, typos tolerated) or a code (`M1805`, `RNCP34126`, an
    /// ESCO URI).
    pub q: String,
    /// The page's language (`fr` or `en`): labels in it first, others
    /// marked as a fallback.
    pub lang: Option<String>,
    /// Comma-separated kinds: occupation, skill (with knowledge),
    /// knowledge, certification, isco-group, sector.
    pub kind: Option<String>,
    /// Comma-separated frameworks: ESCO, ROME, RNCP, RS, ISCO, NAF.
    pub framework: Option<String>,
    /// At most 50; 10 by default.
    pub limit: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchView {
    pub query: String,
    #[schema(value_type = Vec<Object>)]
    pub results: Vec<Hit>,
}

/// Parses a comma list with `parse`, naming the bad member.
fn list<T>(
    raw: Option<&str>,
    field: &'static str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Vec<T>, ApiError> {
    let Some(raw) = raw.filter(|r| !r.trim().is_empty()) else {
        return Ok(Vec::new());
    };
    raw.split(',')
        .map(|p| {
            parse(p.trim()).ok_or_else(|| {
                ApiError::bad_request(format!("{field}: unknown value {:?}", p.trim()))
                    .with("field", field)
            })
        })
        .collect()
}

/// `?lang=`: `en` or `fr` (the default), as pages choose.
pub(crate) fn lang_of(lang: Option<&str>) -> &'static str {
    atout_web::i18n::choose(lang, None).code()
}

/// Search occupations, skills and certifications of every framework
/// loaded: exact codes first, then preferred labels before alternative
/// ones, prefixes, then words with a typo. Public, rate-limited per
/// address (429 with `Retry-After`).
#[utoipa::path(
    get, path = "/frameworks/search", tag = "frameworks",
    params(SearchParams),
    responses(
        (status = 200, body = SearchView),
        (status = 400, body = ProblemBody, content_type = "application/problem+json"),
        (status = 429, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn search(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Query(p): Query<SearchParams>,
) -> Result<impl IntoResponse, ApiError> {
    atout_web::limits::check_api(&state.address_limits, Action::Search, client)?;
    let kinds = list(p.kind.as_deref(), "kind", ConceptKind::parse)?;
    let frameworks = list(p.framework.as_deref(), "framework", Framework::parse)?;
    let results = run_search(
        &state.frameworks,
        &p.q,
        lang_of(p.lang.as_deref()),
        &kinds,
        &frameworks,
        p.limit.unwrap_or(10),
    )
    .await?;
    Ok((
        [(header::CACHE_CONTROL, "public, max-age=60")],
        Json(SearchView {
            query: p.q,
            results,
        }),
    ))
}

/// A search as the pages and the API run it: bounded, off the async
/// workers when the index is large.
pub async fn run_search(
    frameworks: &Frameworks,
    text: &str,
    lang: &str,
    kinds: &[ConceptKind],
    wanted: &[Framework],
    limit: usize,
) -> Result<Vec<Hit>, ApiError> {
    let index = frameworks.index();
    // To a person, knowledge is a skill too (ESCO tells them apart).
    let mut kinds = kinds.to_vec();
    if kinds.contains(&ConceptKind::Skill) && !kinds.contains(&ConceptKind::Knowledge) {
        kinds.push(ConceptKind::Knowledge);
    }
    let query = SearchQuery {
        text,
        lang,
        kinds: &kinds,
        frameworks: wanted,
        limit: limit.clamp(1, 50),
    };
    // Searches take well under a millisecond (BENCHMARKS.md): running
    // them in place costs less than a hop to another thread.
    Ok(index.search(&query))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ConceptParams {
    /// ESCO, ISCO, ROME, NAF, RNCP or RS.
    pub framework: String,
    /// The code in that framework (an ESCO URI, `M1805`, `RNCP34126`…).
    pub code: String,
    /// `fr` or `en`.
    pub lang: Option<String>,
}

/// A concept linked to the one shown, with its label.
#[derive(Debug, Serialize, ToSchema, Clone)]
#[serde(rename_all = "camelCase")]
pub struct LinkedView {
    pub framework: String,
    pub code: String,
    pub kind: Option<String>,
    /// The label in the asked language, else another (`labelLang` says
    /// which), else the code.
    pub label: String,
    pub label_lang: Option<String>,
    pub fallback: bool,
    pub level: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConceptView {
    pub framework: String,
    pub code: String,
    pub kind: String,
    pub label: String,
    pub label_lang: Option<String>,
    pub fallback: bool,
    pub guessed: bool,
    /// Every label: `[lang, text, preferred, guessed]`.
    #[schema(value_type = Vec<Object>)]
    pub labels: Vec<(String, String, bool, bool)>,
    pub description: Option<String>,
    pub description_lang: Option<String>,
    pub version: String,
    pub version_status: String,
    pub active: bool,
    pub level: Option<String>,
    pub skill_type: Option<String>,
    /// The ISCO group of an occupation, the parent of a group.
    pub parent: Option<LinkedView>,
    /// Skills an occupation needs (ESCO relations).
    pub essential_skills: Vec<LinkedView>,
    pub optional_skills: Vec<LinkedView>,
    /// Occupations that need this skill.
    pub needed_by: Vec<LinkedView>,
    /// ROME codes a certification prepares for; certifications preparing
    /// for a ROME code.
    pub rome: Vec<LinkedView>,
    pub certifications: Vec<LinkedView>,
    /// Skill blocks and certifiers of an RNCP/RS record.
    #[schema(value_type = Object)]
    pub record: Value,
    pub attribution: String,
}

/// A linked concept's view, labelled from the index.
pub fn linked(frameworks: &Frameworks, framework: &str, code: &str, lang: &str) -> LinkedView {
    let index = frameworks.index();
    let found = Framework::parse(framework).and_then(|f| index.get(f, code));
    let shown = Framework::parse(framework).and_then(|f| index.label(f, code, lang));
    LinkedView {
        framework: framework.to_owned(),
        code: code.to_owned(),
        kind: found.map(|c| c.kind.as_str().to_owned()),
        label: shown
            .as_ref()
            .map(|l| l.text.clone())
            .unwrap_or_else(|| code.to_owned()),
        label_lang: shown.as_ref().map(|l| l.lang.clone()),
        fallback: shown.as_ref().is_some_and(|l| l.fallback),
        level: found.and_then(|c| c.level.clone()),
    }
}

/// Picks the text in `lang`, else French, else English, else any.
fn pick<'a>(items: &'a [(String, String)], lang: &str) -> Option<&'a (String, String)> {
    items
        .iter()
        .find(|(l, _)| l == lang)
        .or_else(|| items.iter().find(|(l, _)| l == "fr"))
        .or_else(|| items.iter().find(|(l, _)| l == "en"))
        .or_else(|| items.first())
}

/// Everything known of one concept. Public, rate-limited per address.
#[utoipa::path(
    get, path = "/frameworks/concept", tag = "frameworks",
    params(ConceptParams),
    responses(
        (status = 200, body = ConceptView),
        (status = 400, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 429, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn concept(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Query(p): Query<ConceptParams>,
) -> Result<Json<ConceptView>, ApiError> {
    atout_web::limits::check_api(&state.address_limits, Action::Search, client)?;
    let lang = lang_of(p.lang.as_deref());
    let view = concept_view(&state, &p.framework, &p.code, lang)
        .await?
        .ok_or_else(|| ApiError::not_found("No concept of the frameworks loaded has this code."))?;
    Ok(Json(view))
}

/// The canonical spelling of a code as the index knows it (ROME and RNCP
/// codes in capitals, an ESCO uuid as its URI), if known.
pub fn canonical(frameworks: &Frameworks, framework: Framework, code: &str) -> Option<String> {
    frameworks
        .index()
        .get(framework, code.trim())
        .map(|c| c.code.clone())
}

/// A concept's view for the API and the pages.
pub async fn concept_view(
    state: &AppState,
    framework: &str,
    code: &str,
    lang: &str,
) -> Result<Option<ConceptView>, ApiError> {
    let Some(f) = Framework::parse(framework) else {
        return Err(ApiError::bad_request(format!(
            "framework: unknown value {framework:?} (ESCO, ISCO, ROME, NAF, RNCP or RS)"
        ))
        .with("field", "framework"));
    };
    let code = canonical(&state.frameworks, f, code).unwrap_or_else(|| code.trim().to_owned());
    let Some(d) = state.store.concept(f.as_str(), &code).await? else {
        return Ok(None);
    };
    Ok(Some(detail_view(state, d, lang).await?))
}

async fn detail_view(
    state: &AppState,
    d: ConceptDetail,
    lang: &str,
) -> Result<ConceptView, ApiError> {
    let fw = &state.frameworks;
    let store: &Arc<dyn Store> = &state.store;
    let codes = std::slice::from_ref(&d.code);
    let out = store
        .links_from(
            &d.framework,
            codes,
            &["essential-skill", "optional-skill", "rome"],
        )
        .await?;
    let into = store
        .links_to(
            &d.framework,
            &d.code,
            &["essential-skill", "optional-skill", "rome"],
        )
        .await?;
    let of = |rel: &str| -> Vec<LinkedView> {
        let mut v: Vec<LinkedView> = out
            .iter()
            .filter(|l| l.relation == rel)
            .map(|l| linked(fw, &l.to_framework, &l.to_code, lang))
            .collect();
        v.sort_by_key(|a| a.label.to_lowercase());
        v
    };
    let mut needed_by: Vec<LinkedView> = into
        .iter()
        .filter(|l| l.relation != "rome")
        .map(|l| linked(fw, &l.from_framework, &l.from_code, lang))
        .collect();
    needed_by.sort_by(|a, b| a.label.cmp(&b.label));
    needed_by.dedup_by(|a, b| a.code == b.code);
    let certifications: Vec<LinkedView> = into
        .iter()
        .filter(|l| l.relation == "rome")
        .map(|l| linked(fw, &l.from_framework, &l.from_code, lang))
        .collect();
    let label_pairs: Vec<(String, String)> = d
        .labels
        .iter()
        .filter(|l| l.2)
        .map(|l| (l.0.clone(), l.1.clone()))
        .chain(d.labels.iter().map(|l| (l.0.clone(), l.1.clone())))
        .collect();
    let shown = pick(&label_pairs, lang).cloned();
    let guessed = shown
        .as_ref()
        .is_some_and(|(l, t)| d.labels.iter().any(|x| &x.0 == l && &x.1 == t && x.3));
    let description = pick(&d.descriptions, lang).cloned();
    let family =
        atout_core::store::family_of(Framework::parse(&d.framework).unwrap_or(Framework::Esco));
    let parent = d.parent.as_deref().map(|p| linked(fw, "ISCO", p, lang));
    Ok(ConceptView {
        label: shown
            .as_ref()
            .map(|(_, t)| t.clone())
            .unwrap_or_else(|| d.code.clone()),
        label_lang: shown.as_ref().map(|(l, _)| l.clone()),
        fallback: shown.as_ref().is_some_and(|(l, _)| l != lang),
        guessed,
        description_lang: description.as_ref().map(|(l, _)| l.clone()),
        description: description.map(|(_, t)| t),
        essential_skills: of("essential-skill"),
        optional_skills: of("optional-skill"),
        rome: of("rome"),
        needed_by,
        certifications,
        record: d
            .extra
            .as_deref()
            .and_then(|e| serde_json::from_str(e).ok())
            .unwrap_or_else(|| json!({})),
        attribution: attribution(family, lang).to_owned(),
        parent,
        framework: d.framework,
        code: d.code,
        kind: d.kind,
        labels: d.labels,
        version: d.version,
        version_status: d.version_status,
        active: d.active,
        level: d.level,
        skill_type: d.skill_type,
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// `esco` (the Commission's CSV export), `rome` (France Travail's ROME
    /// 4.0 and NAF crosswalk), `rncp` (France compétences' export of RNCP
    /// and RS records).
    pub format: String,
    /// The publisher's version name (`v1.2.0`, `4.0-2025-09`, the export's
    /// date).
    pub version: String,
    /// The language of the labels in the files (ESCO: required; others:
    /// French).
    pub lang: Option<String>,
    /// The publisher's date of this version (YYYY-MM-DD).
    pub published_on: Option<String>,
    /// The file's name (helps recognise a CSV sent alone).
    pub filename: Option<String>,
    /// Accept a new version with less than half the concepts of the active
    /// one (refused otherwise, as a likely truncated file).
    pub allow_shrink: Option<bool>,
}

/// Why an import was refused, with the file and line when known.
#[derive(Debug)]
pub enum ImportFailure {
    Invalid { field: &'static str, reason: String },
    File(ImportError),
    Busy,
    Store(StoreError),
}

impl std::fmt::Display for ImportFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Invalid { field, reason } => write!(f, "{field}: {reason}"),
            Self::File(e) => write!(f, "{e}"),
            Self::Busy => f.write_str("another import is under way: try again when it ends"),
            Self::Store(e) => write!(f, "{e}"),
        }
    }
}

impl From<ImportFailure> for ApiError {
    fn from(e: ImportFailure) -> Self {
        match e {
            ImportFailure::Invalid { field, reason } => {
                ApiError::unprocessable(format!("{field}: {reason}")).with("field", field)
            }
            ImportFailure::File(e) => {
                let mut p = ApiError::unprocessable(format!("Nothing was imported: {e}"));
                if let Some(file) = &e.file {
                    p = p.with("file", file.clone());
                }
                if let Some(line) = e.line {
                    p = p.with("line", line);
                }
                p.with("reason", e.reason)
            }
            ImportFailure::Busy => ApiError::conflict(
                "Another import of reference frameworks is under way: try again when it ends.",
            ),
            ImportFailure::Store(e) => e.into(),
        }
    }
}

/// What to import, checked.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    pub format: Format,
    pub version: String,
    pub lang: Option<String>,
    pub published_on: Option<String>,
    pub imported_by: Option<String>,
    /// Accept a new version with less than half the concepts of the one
    /// it replaces (a truncated or wrong file is refused otherwise).
    pub allow_shrink: bool,
}

impl ImportRequest {
    pub fn new(
        format: &str,
        version: &str,
        lang: Option<&str>,
        published_on: Option<&str>,
        imported_by: Option<String>,
    ) -> Result<Self, ImportFailure> {
        let bad = |field, reason: &str| ImportFailure::Invalid {
            field,
            reason: reason.to_owned(),
        };
        let format = match format.trim().to_ascii_lowercase().as_str() {
            "esco" => Format::Esco,
            "rome" => Format::Rome,
            "rncp" | "rs" => Format::Rncp,
            _ => return Err(bad("format", "esco, rome or rncp")),
        };
        let version = version.trim();
        if version.is_empty()
            || version.chars().count() > 40
            || !version
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ' | '+'))
        {
            return Err(bad(
                "version",
                "1 to 40 letters, digits, dots, dashes or spaces (v1.2.0, 2025-09)",
            ));
        }
        let lang = lang
            .map(|l| l.trim().to_ascii_lowercase())
            .filter(|l| !l.is_empty());
        if let Some(l) = &lang {
            if !(2..=3).contains(&l.len()) || !l.chars().all(|c| c.is_ascii_lowercase()) {
                return Err(bad(
                    "lang",
                    "a language code of 2 or 3 letters (fr, en, de)",
                ));
            }
        }
        let lang =
            match (format, lang) {
                (Format::Esco, None) => return Err(bad(
                    "lang",
                    "the language of ESCO's files is required (en, fr, …): the files do not say it",
                )),
                (Format::Esco, Some(l)) => Some(l),
                (_, l) => Some(l.unwrap_or_else(|| "fr".to_owned())),
            };
        let published_on = match published_on.map(str::trim).filter(|d| !d.is_empty()) {
            Some(d) => Some(
                chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .map_err(|_| bad("publishedOn", "a date as YYYY-MM-DD"))?
                    .to_string(),
            ),
            None => None,
        };
        Ok(Self {
            format,
            version: version.to_owned(),
            lang,
            published_on,
            imported_by,
            allow_shrink: false,
        })
    }

    pub fn family(&self) -> &'static str {
        match self.format {
            Format::Esco => "esco",
            Format::Rome => "rome",
            Format::Rncp => "rncp",
        }
    }
}

/// Reads the files (off the async workers, under [`Limits`]), writes them
/// in one transaction, and rebuilds the search index. One import at a
/// time per process.
pub async fn import(
    store: &Arc<dyn Store>,
    frameworks: &Frameworks,
    request: &ImportRequest,
    input: Input,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<ImportOutcome, ImportFailure> {
    let _one = frameworks
        .import_lock
        .try_lock()
        .map_err(|_| ImportFailure::Busy)?;
    let source = input
        .files
        .iter()
        .map(|(name, _)| name.clone())
        .collect::<Vec<_>>()
        .join(", ");
    let (format, lang) = (request.format, request.lang.clone());
    let dataset = tokio::task::spawn_blocking(move || {
        read::read(format, lang.as_deref(), &input, &Limits::default())
    })
    .await
    .map_err(|e| ImportFailure::Store(StoreError::Corrupt(format!("reader: {e}"))))?
    .map_err(ImportFailure::File)?;
    if dataset.concepts.is_empty() {
        return Err(ImportFailure::File(ImportError {
            file: None,
            line: None,
            reason: format!(
                "no concept was found in {source}: is it the {} export?",
                request.family()
            ),
        }));
    }
    if !request.allow_shrink {
        shrink_check(store, request, &dataset).await?;
    }
    let outcome = store
        .import_framework(&atout_core::store::FrameworkImport {
            id: uuid::Uuid::now_v7().to_string(),
            family: request.family(),
            version: &request.version,
            published_on: request.published_on.as_deref(),
            source: &source,
            imported_by: request.imported_by.as_deref(),
            at: now,
            dataset: &dataset,
        })
        .await
        .map_err(ImportFailure::Store)?;
    frameworks
        .reload(store)
        .await
        .map_err(ImportFailure::Store)?;
    Ok(outcome)
}

/// A new version with less than half the concepts of a framework the
/// active version has (at least 100 of them) is more likely a truncated or
/// wrong file than a new edition: refused, unless asked for.
async fn shrink_check(
    store: &Arc<dyn Store>,
    request: &ImportRequest,
    dataset: &atout_frameworks::Dataset,
) -> Result<(), ImportFailure> {
    let versions = store
        .framework_versions()
        .await
        .map_err(ImportFailure::Store)?;
    if versions
        .iter()
        .any(|v| v.family == request.family() && v.version == request.version)
    {
        return Ok(()); // a merge into a version: other files, other languages
    }
    let Some(active) = versions
        .iter()
        .find(|v| v.family == request.family() && v.status == "active")
    else {
        return Ok(());
    };
    let counts: Value = serde_json::from_str(&active.counts).unwrap_or(Value::Null);
    for framework in Framework::ALL {
        let before: u64 = counts["concepts"][framework.as_str()]
            .as_object()
            .map(|kinds| kinds.values().filter_map(Value::as_u64).sum())
            .unwrap_or(0);
        let now = dataset
            .concepts
            .iter()
            .filter(|c| c.framework == framework)
            .count() as u64;
        if before >= 100 && now * 2 < before {
            return Err(ImportFailure::File(ImportError {
                file: None,
                line: None,
                reason: format!(
                    "the files hold {now} {framework} concepts where version {} has {before}: \
                     a truncated or wrong file? To import it anyway, ask for it \
                     (allowShrink=true, or --allow-shrink)",
                    active.version
                ),
            }));
        }
    }
    Ok(())
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportView {
    pub version: VersionView,
    /// A new version (else another language or the same files again,
    /// merged into it).
    pub created: bool,
    /// The version this one replaced as the active one.
    pub replaced: Option<String>,
    /// How many codes of the previous version this one does not have (they
    /// stay resolvable through the old version), and the first of them.
    pub gone_count: u64,
    #[schema(value_type = Vec<Object>)]
    pub gone: Vec<Value>,
}

impl From<ImportOutcome> for ImportView {
    fn from(o: ImportOutcome) -> Self {
        let version = VersionView::from(o.version);
        Self {
            gone_count: version
                .report
                .get("goneCount")
                .and_then(Value::as_u64)
                .unwrap_or(0),
            gone: o
                .gone
                .into_iter()
                .map(|(f, c)| json!({"framework": f, "code": c}))
                .collect(),
            version,
            created: o.created,
            replaced: o.replaced,
        }
    }
}

/// Import a publisher's file: the body is the file itself (a ZIP of the
/// export, one CSV, or a gzip of one CSV). Refused whole, with the file,
/// line and reason, when anything in it is wrong; importing the same file
/// again changes nothing; another language of an imported version merges
/// into it; a new version goes beside the old one, and codes gone are
/// reported. Platform admin only.
#[utoipa::path(
    post, path = "/admin/frameworks/imports", tag = "frameworks",
    security(("bearer" = [])),
    params(ImportParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "ZIP, CSV or CSV.GZ"),
    responses(
        (status = 200, body = ImportView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "Another import is under way", content_type = "application/problem+json"),
        (status = 413, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "Bad parameters, or a file refused with its line and reason", content_type = "application/problem+json"),
    )
)]
async fn import_framework(
    State(state): State<AppState>,
    AdminOnly(admin): AdminOnly,
    Query(p): Query<ImportParams>,
    body: Bytes,
) -> Result<Json<ImportView>, ApiError> {
    let mut request = ImportRequest::new(
        &p.format,
        &p.version,
        p.lang.as_deref(),
        p.published_on.as_deref(),
        Some(admin.actor().label),
    )?;
    request.allow_shrink = p.allow_shrink.unwrap_or(false);
    if body.is_empty() {
        return Err(
            ApiError::unprocessable("The request has no file: send the file as the body.")
                .with("field", "body"),
        );
    }
    let name = p
        .filename
        .as_deref()
        .map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n).to_owned())
        .unwrap_or_else(|| "upload".to_owned());
    let bytes = body.to_vec();
    let input =
        tokio::task::spawn_blocking(move || read::from_bytes(&name, bytes, &Limits::default()))
            .await
            .map_err(ApiError::internal)?
            .map_err(ImportFailure::File)?;
    let outcome = import(
        &state.store,
        &state.frameworks,
        &request,
        input,
        state.clock.now(),
    )
    .await?;
    tracing::info!(
        family = request.family(),
        version = %request.version,
        created = outcome.created,
        "reference framework imported"
    );
    Ok(Json(ImportView::from(outcome)))
}
