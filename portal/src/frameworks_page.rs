//! The reference frameworks for everyone: `/referentiels`, the about page
//! (each family's versions, dates, languages, counts, the codes gone since
//! the previous version, the attributions the licences ask for) with a
//! search over every framework, and `/referentiels/concept`, one code's
//! page (labels, description, skills, certifications, the attribution at
//! its foot). Anyone; through the API's `/frameworks...` routes.
//!
//! Also the pieces the other pages showing codes share: [`Coded`] (a code
//! with its label, as every API answer gives it), [`label_code`] (a code
//! typed in a form, labelled) and the way numbers are written.

use crate::{
    api::As,
    ctx::Ctx,
    forms::Errors,
    page::{render, Area, Chrome, PageError},
    PortalState,
};
use askama::Template;
use atout_web::i18n::{Arg, Lang, Tr};
use axum::{extract::State, http::StatusCode, response::Response, routing::get, Router};
use serde::Deserialize;
use serde_json::Value;

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/referentiels", get(about))
        .route("/referentiels/concept", get(concept))
}

/// A code with its label in the page's language (the API's `CodeView`,
/// `LinkedView` and search hits alike).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Coded {
    #[serde(default)]
    pub framework: String,
    pub code: String,
    #[serde(default)]
    pub kind: Option<String>,
    /// The label; the code itself when none is known.
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub label_lang: Option<String>,
    /// The label is in another language than the page's.
    #[serde(default)]
    pub fallback: bool,
    /// The label is Atout's estimate, not the publisher's.
    #[serde(default)]
    pub guessed: bool,
    /// The alternative label that matched a search.
    #[serde(default)]
    pub matched: Option<String>,
    #[serde(default)]
    pub level: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
}

impl Coded {
    /// Its page.
    pub fn href(&self) -> String {
        concept_href(&self.framework, &self.code)
    }

    /// The label to show (the code when the API knew none).
    pub fn text(&self) -> &str {
        if self.label.is_empty() {
            &self.code
        } else {
            &self.label
        }
    }

    /// The language of a fallback label, for a `lang` attribute.
    pub fn other_lang(&self) -> Option<&str> {
        self.label_lang.as_deref().filter(|_| self.fallback)
    }

    /// "en anglais" for a label in another language than the page's ("" if
    /// none).
    pub fn in_lang(&self, c: &Chrome) -> String {
        if self.fallback {
            in_lang(c.tr, self.label_lang.as_deref())
        } else {
            String::new()
        }
    }

    /// The code as people read it: ESCO's URIs are long and say nothing,
    /// their framework is enough beside the label.
    pub fn short(&self) -> String {
        if self.code.starts_with("http") {
            self.framework.clone()
        } else if self.framework.is_empty() {
            self.code.clone()
        } else {
            format!("{} {}", self.framework, self.code)
        }
    }

    /// "Développeur web (ROME M1855)", as the combobox writes a choice.
    pub fn full(&self) -> String {
        let mut out = self.text().to_owned();
        if self.text() != self.code {
            out.push_str(&format!(" ({})", self.short()));
        }
        out
    }

    pub fn inactive(&self) -> bool {
        self.active == Some(false)
    }

    pub fn is_kind(&self, kinds: &[&str]) -> bool {
        self.kind.as_deref().is_some_and(|k| kinds.contains(&k))
    }
}

/// `/referentiels/concept?framework=…&code=…`.
pub fn concept_href(framework: &str, code: &str) -> String {
    format!(
        "/referentiels/concept?{}",
        serde_urlencoded::to_string([("framework", framework), ("code", code)]).unwrap_or_default()
    )
}

/// "en anglais" / "in French": where a fallback label comes from.
pub fn in_lang(tr: &Tr, lang: Option<&str>) -> String {
    match lang {
        Some(l @ ("fr" | "en")) => tr.get(&format!("refs-in-lang-{l}")),
        _ => tr.get("refs-in-lang-other"),
    }
}

/// A language's name ("anglais"), else its code in capitals.
pub fn lang_name(tr: &Tr, code: &str) -> String {
    let key = format!("refs-lang-{code}");
    if code.chars().all(|c| c.is_ascii_lowercase()) && tr.has(&key) {
        tr.get(&key)
    } else {
        code.to_uppercase()
    }
}

/// The frameworks a code typed in a form may belong to, in the order the
/// API resolves them.
const TYPED_FRAMEWORKS: [&str; 4] = ["ESCO", "ROME", "RNCP", "RS"];

/// A code typed in a form (no framework said), with its label in `lang`
/// from the frameworks' in-memory index (the one behind the API's search:
/// no database read), if a framework loaded knows it.
pub fn label_code(state: &PortalState, code: &str, lang: Lang) -> Option<Coded> {
    let code = code.trim();
    if code.is_empty() || code.len() > 300 {
        return None;
    }
    TYPED_FRAMEWORKS.iter().find_map(|fw| {
        state
            .app
            .frameworks
            .label(fw, code, lang.code())
            .map(|l| labelled(fw, code, l.text, l.lang, l.fallback))
    })
}

/// A code of a known framework with its label, when the index knows it
/// (else the code stands for its label).
pub fn label_in(state: &PortalState, framework: &str, code: &str, lang: Lang) -> Coded {
    match state.app.frameworks.label(framework, code, lang.code()) {
        Some(l) => labelled(framework, code, l.text, l.lang, l.fallback),
        None => labelled(framework, code, code.to_owned(), String::new(), false),
    }
}

fn labelled(framework: &str, code: &str, text: String, lang: String, fallback: bool) -> Coded {
    Coded {
        framework: framework.to_owned(),
        code: code.to_owned(),
        kind: None,
        label: text,
        label_lang: (!lang.is_empty()).then_some(lang),
        fallback,
        guessed: false,
        matched: None,
        level: None,
        active: None,
    }
}

/// An integer as people write it: "13 939" / "13,939".
pub fn fmt_int(lang: Lang, n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let sep = if lang == Lang::Fr { '\u{202f}' } else { ',' };
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(d);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

/// A message with a count: `count` for the plural, `n` written for people.
pub fn counted(tr: &Tr, key: &str, n: i64) -> String {
    tr.with(
        key,
        &[
            ("count", Arg::Number(n)),
            ("n", Arg::Owned(fmt_int(tr.lang(), n))),
        ],
    )
}

/// A day (`2027-09-15`) for people ("15 septembre 2027"); as given when it
/// is not a date.
pub fn fmt_day(lang: Lang, day: &str) -> String {
    match chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d") {
        Ok(d) => atout_web::i18n::format_date(lang, d.and_time(chrono::NaiveTime::MIN).and_utc()),
        Err(_) => day.to_owned(),
    }
}

// ---------------------------------------------------------------------
// The versions loaded (the about page and the console's).

#[derive(Debug, Clone, Deserialize)]
pub struct Attribution {
    #[serde(default)]
    pub fr: String,
    #[serde(default)]
    pub en: String,
}

/// One imported version, as `GET /frameworks` gives it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionView {
    pub family: String,
    pub version: String,
    #[serde(default)]
    pub published_on: Option<String>,
    pub status: String,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub counts: Value,
    #[serde(default)]
    pub report: Value,
    pub imported_at: chrono::DateTime<chrono::Utc>,
    pub attribution: Attribution,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FrameworksView {
    pub versions: Vec<VersionView>,
    #[serde(default)]
    pub indexed: i64,
}

/// The versions loaded, through the API.
pub async fn load_versions(state: &PortalState, ctx: &Ctx) -> Result<FrameworksView, PageError> {
    state
        .get(ctx, &As::Nobody, "/frameworks")
        .await?
        .json()
        .await
}

/// The families, in the order the pages show them.
pub const FAMILIES: [&str; 3] = ["esco", "rome", "rncp"];

/// A line an import skipped.
#[derive(Debug, Clone)]
pub struct Skipped {
    /// "In « skills_en.csv », line 12:".
    pub at: String,
    /// The reader's own words (English).
    pub reason: String,
}

/// A version as the pages show it, its sentences in the page's language.
#[derive(Debug, Clone)]
pub struct VersionShown {
    pub version: String,
    pub active: bool,
    pub published_on: Option<String>,
    pub imported_on: String,
    pub languages: String,
    /// "ESCO : 3 039 métiers", "…".
    pub concepts: Vec<String>,
    pub links: Vec<String>,
    pub labels: Vec<String>,
    pub previous: Option<String>,
    /// "12 codes of the previous version are gone…".
    pub gone_text: String,
    pub gone_count: i64,
    /// The first codes gone, labelled, and what heads their list.
    pub gone: Vec<Coded>,
    pub gone_heading: String,
    /// "3 lines were skipped" (or none).
    pub skipped_text: String,
    pub skipped: Vec<Skipped>,
    pub source: String,
}

/// A family of frameworks and its versions, newest first.
#[derive(Debug, Clone)]
pub struct FamilyShown {
    pub family: &'static str,
    pub versions: Vec<VersionShown>,
    /// What the licences ask to show, in the page's language.
    pub attribution: String,
}

/// What the kinds of concepts are counted as, in the order shown.
const KINDS: [&str; 6] = [
    "occupation",
    "skill",
    "knowledge",
    "certification",
    "isco-group",
    "sector",
];
const RELATIONS: [&str; 4] = ["essential-skill", "optional-skill", "rome", "sector-rome"];
const FRAMEWORKS: [&str; 6] = ["ESCO", "ISCO", "ROME", "NAF", "RNCP", "RS"];

fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or(0)
}

/// One version for the pages: at most `gone_max` codes gone listed (with
/// their labels) and `skipped_max` lines skipped.
pub fn shown(
    state: &PortalState,
    lang: Lang,
    v: &VersionView,
    gone_max: usize,
    skipped_max: usize,
) -> VersionShown {
    let tr = lang.tr();
    let mut concepts = Vec::new();
    for fw in FRAMEWORKS {
        let Some(kinds) = v.counts.pointer(&format!("/concepts/{fw}")) else {
            continue;
        };
        let parts: Vec<String> = KINDS
            .iter()
            .filter_map(|k| {
                kinds
                    .get(*k)
                    .map(|n| counted(tr, &format!("refs-count-{k}"), int(n)))
            })
            .collect();
        if !parts.is_empty() {
            concepts.push(tr.with(
                "refs-count-line",
                &[
                    ("framework", Arg::Text(fw)),
                    ("what", Arg::Owned(parts.join(", "))),
                ],
            ));
        }
    }
    let links = RELATIONS
        .iter()
        .filter_map(|r| {
            v.counts
                .pointer(&format!("/links/{r}"))
                .map(|n| counted(tr, &format!("refs-rel-{r}"), int(n)))
        })
        .collect();
    let labels = v
        .counts
        .get("labels")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(l, n)| {
                    tr.with(
                        "refs-count-labels",
                        &[
                            ("count", Arg::Number(int(n))),
                            ("n", Arg::Owned(fmt_int(lang, int(n)))),
                            ("lang", Arg::Owned(lang_name(tr, l))),
                        ],
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let report = &v.report;
    let previous = report
        .get("previousVersion")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let gone_count = report.get("goneCount").map(int).unwrap_or(0);
    let gone: Vec<Coded> = report
        .get("gone")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .take(gone_max)
        .filter_map(|g| {
            let fw = g.get("framework")?.as_str()?;
            let code = g.get("code")?.as_str()?;
            Some(label_in(state, fw, code, lang))
        })
        .collect();
    let skipped = report
        .get("skipped")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .take(skipped_max)
        .map(|s| Skipped {
            at: tr.with(
                "co-refs-skipped-at",
                &[
                    (
                        "file",
                        Arg::Text(s.get("file").and_then(Value::as_str).unwrap_or("")),
                    ),
                    ("line", Arg::Number(s.get("line").map(int).unwrap_or(0))),
                ],
            ),
            reason: s
                .get("reason")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
        })
        .collect();
    let gone_text = match &previous {
        None => tr.get("refs-first-version"),
        Some(p) => tr.with(
            "refs-gone-count",
            &[
                ("count", Arg::Number(gone_count)),
                ("n", Arg::Owned(fmt_int(lang, gone_count))),
                ("previous", Arg::Text(p)),
            ],
        ),
    };
    let gone_heading = if gone.len() as i64 >= gone_count {
        tr.get("refs-gone-all")
    } else {
        counted(tr, "refs-gone-first", gone.len() as i64)
    };
    VersionShown {
        version: v.version.clone(),
        active: v.status == "active",
        published_on: v.published_on.as_deref().map(|d| fmt_day(lang, d)),
        imported_on: atout_web::i18n::format_date(lang, v.imported_at),
        languages: v
            .languages
            .iter()
            .map(|l| lang_name(tr, l))
            .collect::<Vec<_>>()
            .join(", "),
        concepts,
        links,
        labels,
        previous,
        gone_text,
        gone_count,
        gone,
        gone_heading,
        skipped_text: match report.get("skippedCount").map(int).unwrap_or(0) {
            0 => tr.get("co-refs-skipped-none"),
            n => counted(tr, "co-refs-skipped", n),
        },
        skipped,
        source: v.source.clone(),
    }
}

/// The three families with their versions (a family not loaded has none).
pub fn families(
    state: &PortalState,
    lang: Lang,
    versions: &[VersionView],
    gone_max: usize,
    skipped_max: usize,
) -> Vec<FamilyShown> {
    FAMILIES
        .iter()
        .map(|family| {
            let mine: Vec<&VersionView> = versions.iter().filter(|v| v.family == *family).collect();
            let attribution = mine
                .first()
                .map(|v| {
                    if lang == Lang::En {
                        v.attribution.en.clone()
                    } else {
                        v.attribution.fr.clone()
                    }
                })
                .unwrap_or_default();
            FamilyShown {
                family,
                versions: mine
                    .into_iter()
                    .map(|v| shown(state, lang, v, gone_max, skipped_max))
                    .collect(),
                attribution,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------
// The about page and its search.

#[derive(Debug, Clone, Deserialize)]
struct SearchAnswer {
    #[serde(default)]
    results: Vec<Coded>,
}

/// The kinds a search may be narrowed to (the form's choices).
pub const SEARCH_KINDS: [&str; 4] = ["occupation", "skill", "certification", "isco-group"];

/// The longest search the page sends.
const MAX_Q: usize = 200;
const RESULTS: usize = 30;

#[derive(Template)]
#[template(path = "frameworks/about.html")]
struct AboutPage {
    c: Chrome,
    families: Vec<FamilyShown>,
    indexed: String,
    q: String,
    kind: String,
    kinds: [&'static str; 4],
    results: Option<Vec<Coded>>,
    errors: Errors,
}

impl AboutPage {
    fn results_heading(&self) -> String {
        let n = self.results.as_ref().map_or(0, Vec::len);
        let key = if n >= RESULTS {
            "refs-results-first"
        } else {
            "refs-results"
        };
        counted(self.c.tr, key, n as i64)
    }
}

/// The frameworks loaded, their sources and licences, and a search over
/// them (`?q=&kind=`). Anyone.
async fn about(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let loaded = load_versions(&state, &ctx).await?;
    let q: String = ctx
        .query_param("q")
        .unwrap_or_default()
        .trim()
        .chars()
        .take(MAX_Q)
        .collect();
    let kind = ctx
        .query_param("kind")
        .filter(|k| SEARCH_KINDS.contains(&k.as_str()))
        .unwrap_or_default();
    let mut errors = Errors::default();
    let mut results = None;
    if !q.is_empty() {
        // Skills and knowledge are both skills to a person.
        let kinds = if kind == "skill" {
            "skill,knowledge"
        } else {
            kind.as_str()
        };
        let mut pairs = vec![
            ("q", q.clone()),
            ("lang", ctx.lang.code().to_owned()),
            ("limit", RESULTS.to_string()),
        ];
        if !kinds.is_empty() {
            pairs.push(("kind", kinds.to_owned()));
        }
        let path = format!(
            "/frameworks/search?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        );
        let reply = state.get(&ctx, &As::Nobody, &path).await?;
        if reply.ok() {
            let answer: SearchAnswer = reply.json().await?;
            results = Some(answer.results);
        } else {
            let problem = reply.problem().await;
            if problem.status != 400 && problem.status != 422 {
                return Err(PageError::from_problem(problem));
            }
            crate::problems::log(&problem);
            errors.add("q", ctx.t().get("refs-field-q"));
        }
    }
    let lang = ctx.lang;
    let c = Chrome::new(&state, &ctx, Area::Public, "refs-title");
    let failed = !errors.is_empty();
    let mut response = render(
        ctx.lang,
        &AboutPage {
            families: families(&state, lang, &loaded.versions, 50, 0),
            indexed: counted(lang.tr(), "refs-indexed", loaded.indexed),
            c,
            q,
            kind,
            kinds: SEARCH_KINDS,
            results,
            errors,
        },
    );
    if failed {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

// ---------------------------------------------------------------------
// One concept.

#[derive(Debug, Clone, Deserialize)]
struct Block {
    #[serde(default)]
    code: String,
    #[serde(default)]
    label: String,
}

#[derive(Debug, Clone, Deserialize)]
struct Certifier {
    #[serde(default)]
    siret: Option<String>,
    #[serde(default)]
    name: String,
}

/// One concept, as `GET /frameworks/concept` gives it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConceptView {
    framework: String,
    code: String,
    kind: String,
    label: String,
    #[serde(default)]
    label_lang: Option<String>,
    #[serde(default)]
    fallback: bool,
    #[serde(default)]
    guessed: bool,
    /// `[lang, text, preferred, guessed]`.
    #[serde(default)]
    labels: Vec<(String, String, bool, bool)>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    description_lang: Option<String>,
    version: String,
    version_status: String,
    active: bool,
    #[serde(default)]
    level: Option<String>,
    #[serde(default)]
    parent: Option<Coded>,
    #[serde(default)]
    essential_skills: Vec<Coded>,
    #[serde(default)]
    optional_skills: Vec<Coded>,
    #[serde(default)]
    needed_by: Vec<Coded>,
    #[serde(default)]
    rome: Vec<Coded>,
    #[serde(default)]
    certifications: Vec<Coded>,
    #[serde(default)]
    record: Value,
    #[serde(default)]
    attribution: String,
}

/// Another label of a concept.
#[derive(Debug, Clone)]
struct OtherLabel {
    text: String,
    lang: String,
    lang_name: String,
    preferred: bool,
    guessed: bool,
}

#[derive(Template)]
#[template(path = "frameworks/concept.html")]
struct ConceptPage {
    c: Chrome,
    k: ConceptView,
    /// The label's language when it is not the page's ("en anglais").
    in_lang: String,
    others: Vec<OtherLabel>,
    description_other_lang: Option<String>,
    blocks: Vec<Block>,
    certifiers: Vec<Certifier>,
    trainings_href: String,
    /// An occupation: whether it has skills listed at all.
    is_occupation: bool,
}

impl ConceptPage {
    fn kind_name(&self) -> String {
        self.c.tk("refs-kind-", &self.k.kind, "")
    }

    /// "en anglais" for a language code.
    fn lang_words(&self, lang: &str) -> String {
        in_lang(self.c.tr, Some(lang))
    }
}

/// One code's page (`?framework=&code=`). Anyone (unknown code: 404).
async fn concept(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let framework = ctx
        .query_param("framework")
        .filter(|f| !f.trim().is_empty() && f.len() <= 10)
        .ok_or(PageError::NotFound)?;
    let code = ctx
        .query_param("code")
        .filter(|c| !c.trim().is_empty() && c.len() <= 300)
        .ok_or(PageError::NotFound)?;
    let path = format!(
        "/frameworks/concept?{}",
        serde_urlencoded::to_string([
            ("framework", framework.as_str()),
            ("code", code.as_str()),
            ("lang", ctx.lang.code()),
        ])
        .unwrap_or_default()
    );
    let reply = state.get(&ctx, &As::Nobody, &path).await?;
    if reply.status == StatusCode::BAD_REQUEST {
        // An unknown framework: no such page.
        return Err(PageError::NotFound);
    }
    let k: ConceptView = reply.json().await?;
    let tr = ctx.t();
    let others = k
        .labels
        .iter()
        .filter(|(l, t, _, _)| !(t == &k.label && Some(l) == k.label_lang.as_ref()))
        .map(|(l, t, preferred, guessed)| OtherLabel {
            text: t.clone(),
            lang: l.clone(),
            lang_name: lang_name(tr, l),
            preferred: *preferred,
            guessed: *guessed,
        })
        .collect();
    let blocks: Vec<Block> = k
        .record
        .get("blocks")
        .cloned()
        .and_then(|b| serde_json::from_value(b).ok())
        .unwrap_or_default();
    let certifiers: Vec<Certifier> = k
        .record
        .get("certifiers")
        .cloned()
        .and_then(|b| serde_json::from_value(b).ok())
        .unwrap_or_default();
    let mut c = Chrome::new(&state, &ctx, Area::Public, "refs-concept-title");
    c.title = k.label.clone();
    let in_lang = if k.fallback {
        in_lang(tr, k.label_lang.as_deref())
    } else {
        String::new()
    };
    let description_other_lang = k.description_lang.clone().filter(|l| l != ctx.lang.code());
    let trainings_href = format!(
        "/formations?{}",
        serde_urlencoded::to_string([("code", k.code.as_str())]).unwrap_or_default()
    );
    Ok(render(
        ctx.lang,
        &ConceptPage {
            c,
            in_lang,
            others,
            description_other_lang,
            blocks,
            certifiers,
            trainings_href,
            is_occupation: k.kind == "occupation",
            k,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_as_each_language_writes_them() {
        assert_eq!(fmt_int(Lang::Fr, 13_939), "13\u{202f}939");
        assert_eq!(fmt_int(Lang::En, 1_234_567), "1,234,567");
        assert_eq!(fmt_int(Lang::En, 999), "999");
        assert_eq!(fmt_int(Lang::Fr, 0), "0");
    }

    #[test]
    fn days_are_written_for_people() {
        assert_eq!(fmt_day(Lang::Fr, "2027-09-01"), "1er septembre 2027");
        assert_eq!(fmt_day(Lang::En, "2027-09-15"), "15 September 2027");
        assert_eq!(fmt_day(Lang::En, "soon"), "soon");
    }

    #[test]
    fn concept_links_carry_their_code() {
        assert_eq!(
            concept_href("ESCO", "http://data.europa.eu/esco/skill/a b"),
            "/referentiels/concept?framework=ESCO&code=http%3A%2F%2Fdata.europa.eu%2Fesco%2Fskill%2Fa+b"
        );
    }
}
