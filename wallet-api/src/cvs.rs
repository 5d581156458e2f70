//! CVs (`/wallet/cvs`): a saved selection and order of the citizen's
//! entries and credentials, with a headline, a presentation, the contact
//! lines they choose to show, a photo from the vault, a language and a
//! design; several of them, each perhaps aimed at an occupation (a
//! *contextual* CV, started from ranked suggestions with their reasons).
//!
//! A CV prints (`POST /wallet/cvs/{id}/pdf`, typeset by `atout_cv`) with a
//! QR code and short link beside each certified line, to that credential's
//! live verdict, and one for the whole CV: both point into a share made for
//! the CV (its *online version*: revocable, expiring, logged like every
//! share). A printed PDF keeps working as long as its share lives: when the
//! CV's selection changes, the next PDF gets a new share and the earlier
//! one stays until it expires or the citizen revokes it.
//!
//! Every route is the logged-in citizen's own: another citizen gets 404,
//! an organisation or admin token 403, nobody 401.

use crate::entries::{field_error, views, EntryKind, EntryView, Framework, TrustLevel};
use crate::holdings::{check_all, item_of, HoldingItem};
use crate::shares::{insert_share, link_of, sealer, NewShareRecord, MAX_LIFETIME};
use atout_core::{
    cpu::{CpuPool, PoolError},
    ids::new_id,
    store::{
        CitizenRecord, CvRecord, CvWrite, EntryRecord, HoldingFilter, HoldingRecord, ShareItem,
    },
};
use atout_web::{
    auth::Citizen, check::LiveState, problem::ProblemBody, ApiError, AppState, Json, Path,
};
use axum::{
    extract::State,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;
use std::time::Duration;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The most CVs a citizen keeps.
pub const MAX_CVS: i64 = 30;
/// The most lines a CV shows.
pub const MAX_ITEMS: usize = 200;
/// The largest photo read from the vault for a CV (a phone photo is a
/// few MB; the renderer scales it down).
pub const MAX_PHOTO_BYTES: usize = 25 * 1024 * 1024;
/// How long a CV's online version lives by default.
pub const ONLINE_DAYS: i64 = 365;

/// Typesetting runs off the async workers, at most one per core, and a
/// request waits at most 20 s for a place (then 503 with `Retry-After`).
static RENDER_POOL: LazyLock<CpuPool> =
    LazyLock::new(|| CpuPool::per_core(Duration::from_secs(20)));

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_cvs, create_cv))
        .routes(routes!(get_cv, update_cv, delete_cv))
        .routes(routes!(suggest))
        .routes(routes!(cv_document))
        .routes(routes!(cv_pdf))
        .routes(routes!(cv_resume))
}

/// The occupation a contextual CV aims at.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Target {
    /// The occupation in words ("Infirmier en soins généraux"), 1 to 200
    /// characters.
    #[serde(default)]
    pub text: String,
    /// With `code`: the framework the code belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framework: Option<Framework>,
    /// A ROME code (`J1506`) or an ESCO occupation URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// A contact line shown on the CV.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactLine {
    /// `email`, `phone`, `address` or `web`.
    pub kind: String,
    /// 1 to 200 characters.
    pub value: String,
}

/// One line of a CV: an entry, or a credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CvItemRef {
    /// `entry` or `credential`.
    pub kind: String,
    pub id: String,
}

/// A CV as written (creation and replacement).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewCv {
    /// Your name for it, 1 to 120 characters ("Infirmière – CHU de Tours").
    pub title: String,
    /// `fr` or `en` (default `fr`).
    #[serde(default)]
    pub lang: Option<String>,
    /// `classic`, `modern` or `compact` (default `classic`).
    #[serde(default)]
    pub design: Option<String>,
    /// The occupation aimed at. On creation without `items`, the lines
    /// that match it are chosen (see `POST /wallet/cvs/suggestions`).
    #[serde(default)]
    pub target: Option<Target>,
    /// Up to 200 characters; default: your account's headline.
    #[serde(default)]
    pub headline: Option<String>,
    /// Up to 1,500 characters.
    #[serde(default)]
    pub presentation: Option<String>,
    /// At most 6 lines.
    #[serde(default)]
    pub contact: Vec<ContactLine>,
    /// A picture of your vault (JPEG, PNG or WebP).
    #[serde(default)]
    pub photo: Option<String>,
    /// The order of the sections (kinds: `experience`, `education`,
    /// `credentials`, `skills`, `languages`, `projects`, `interests`);
    /// kinds left out come after, in this order.
    #[serde(default)]
    pub sections: Vec<String>,
    /// The lines, in order. Absent on creation: every entry and credential
    /// (or, with a `target`, those that match it).
    #[serde(default)]
    pub items: Option<Vec<CvItemRef>>,
}

/// The online version of a CV: its share.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OnlineView {
    pub share_id: String,
    pub url: String,
    /// `active`, `revoked` or `expired`.
    pub state: &'static str,
    pub expires_at: Option<DateTime<Utc>>,
    /// Whether it shows exactly the CV's present lines (else the next PDF
    /// makes a new one).
    pub current: bool,
}

/// A CV.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CvView {
    pub id: String,
    pub title: String,
    pub lang: String,
    pub design: String,
    pub target: Option<Target>,
    pub headline: Option<String>,
    pub presentation: Option<String>,
    pub contact: Vec<ContactLine>,
    pub photo: Option<String>,
    pub sections: Vec<String>,
    pub items: Vec<CvItemRef>,
    pub online: Option<OnlineView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CvList {
    pub items: Vec<CvView>,
}

/// Why a line is suggested for a target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Reason {
    /// `code` (the same framework code), `family` (a ROME code of the same
    /// family: same letter and two digits), `words` (words in common),
    /// `language` (languages count for every job), `skill` (skills the
    /// target occupation needs, by their labels).
    pub kind: &'static str,
    /// The code, the family, or the words in common.
    pub value: String,
}

/// A line of the wallet, ranked for a target.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Suggestion {
    /// `entry` or `credential`.
    pub kind: &'static str,
    pub id: String,
    /// The entry's kind (`experience`...), or `credential`.
    pub section: &'static str,
    pub title: String,
    pub score: u32,
    /// Chosen for the CV (a positive score).
    pub selected: bool,
    pub reasons: Vec<Reason>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionList {
    pub items: Vec<Suggestion>,
}

fn not_found() -> ApiError {
    ApiError::not_found("You have no CV with this id.")
}

/// One of the caller's CVs and its lines (404 for anyone else's).
async fn owned(
    state: &AppState,
    citizen: &Citizen,
    id: &str,
) -> Result<(CvRecord, Vec<ShareItem>), ApiError> {
    state
        .store
        .get_cv(citizen.id(), id)
        .await?
        .ok_or_else(not_found)
}

fn clean(text: &str, keep_newlines: bool) -> String {
    text.chars()
        .filter(|c| !c.is_control() || (keep_newlines && *c == '\n'))
        .collect::<String>()
        .trim()
        .to_owned()
}

fn optional(
    field: &str,
    text: Option<&str>,
    max: usize,
    newlines: bool,
) -> Result<Option<String>, ApiError> {
    let Some(text) = text else { return Ok(None) };
    let text = clean(&text.replace("\r\n", "\n"), newlines);
    if text.chars().count() > max {
        return Err(field_error(
            field,
            format!("{field}: at most {max} characters."),
        ));
    }
    Ok(Some(text).filter(|t| !t.is_empty()))
}

/// The section kinds, in their default order.
pub const SECTIONS: [&str; 7] = [
    "experience",
    "education",
    "credentials",
    "skills",
    "languages",
    "projects",
    "interests",
];

fn section_of(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Experience => "experience",
        EntryKind::Education => "education",
        EntryKind::Skill => "skills",
        EntryKind::Language => "languages",
        EntryKind::Project => "projects",
        EntryKind::Interest => "interests",
    }
}

fn check_target(target: Option<Target>) -> Result<Option<Target>, ApiError> {
    let Some(mut t) = target else { return Ok(None) };
    t.text = clean(&t.text, false);
    if t.text.chars().count() > 200 {
        return Err(field_error(
            "target",
            "target.text: at most 200 characters.",
        ));
    }
    if let Some(code) = &t.code {
        let code = code.trim().to_owned();
        let ok = match t.framework {
            Some(Framework::Rome) => {
                code.len() == 5
                    && code.as_bytes()[0].is_ascii_alphabetic()
                    && code[1..].bytes().all(|b| b.is_ascii_digit())
            }
            Some(Framework::Esco) => {
                code.starts_with("http://data.europa.eu/esco/") && code.len() <= 200
            }
            Some(Framework::Rncp) => {
                code.len() <= 12
                    && code.starts_with("RNCP")
                    && code[4..].bytes().all(|b| b.is_ascii_digit())
            }
            Some(Framework::Rs) => {
                code.len() <= 10
                    && code.starts_with("RS")
                    && code[2..].bytes().all(|b| b.is_ascii_digit())
            }
            None => false,
        };
        if !ok {
            return Err(field_error(
                "target",
                "target.code: a ROME code (J1506), an RNCP number (RNCP34126) or an ESCO URI, with its framework.",
            ));
        }
        t.code = Some(if t.framework == Some(Framework::Rome) {
            code.to_ascii_uppercase()
        } else {
            code
        });
    }
    if t.text.is_empty() && t.code.is_none() {
        return Ok(None);
    }
    Ok(Some(t))
}

/// A checked CV, ready for the store (items still to be checked as the
/// citizen's, in the store's transaction).
struct Checked {
    record: CvRecord,
    items: Option<Vec<ShareItem>>,
    target: Option<Target>,
}

fn check(
    new: NewCv,
    citizen_id: &str,
    id: String,
    now: DateTime<Utc>,
) -> Result<Checked, ApiError> {
    let title = clean(&new.title, false);
    if title.is_empty() || title.chars().count() > 120 {
        return Err(field_error("title", "title: 1 to 120 characters."));
    }
    let lang = new.lang.unwrap_or_else(|| "fr".into());
    if !matches!(lang.as_str(), "fr" | "en") {
        return Err(field_error("lang", "lang: fr or en."));
    }
    let design = new.design.unwrap_or_else(|| "classic".into());
    if !matches!(design.as_str(), "classic" | "modern" | "compact") {
        return Err(field_error("design", "design: classic, modern or compact."));
    }
    let target = check_target(new.target)?;
    let headline = optional("headline", new.headline.as_deref(), 200, false)?;
    let presentation = optional("presentation", new.presentation.as_deref(), 1500, true)?;
    if new.contact.len() > 6 {
        return Err(field_error("contact", "contact: at most 6 lines."));
    }
    let mut contact = Vec::with_capacity(new.contact.len());
    for c in new.contact {
        if !matches!(c.kind.as_str(), "email" | "phone" | "address" | "web") {
            return Err(field_error(
                "contact",
                "contact: each kind is email, phone, address or web.",
            ));
        }
        let value = clean(&c.value, false);
        if value.is_empty() || value.chars().count() > 200 {
            return Err(field_error(
                "contact",
                "contact: each value 1 to 200 characters.",
            ));
        }
        if c.kind == "web" && !(value.starts_with("https://") || value.starts_with("http://")) {
            return Err(field_error(
                "contact",
                "contact: a web address starts with https://.",
            ));
        }
        contact.push(ContactLine {
            kind: c.kind,
            value,
        });
    }
    let mut sections: Vec<String> = Vec::new();
    for s in new.sections {
        if !SECTIONS.contains(&s.as_str()) {
            return Err(field_error(
                "sections",
                format!("sections: {s:?} is not one of {}.", SECTIONS.join(", ")),
            ));
        }
        if !sections.contains(&s) {
            sections.push(s);
        }
    }
    for s in SECTIONS {
        if !sections.iter().any(|x| x == s) {
            sections.push(s.to_owned());
        }
    }
    let items = match new.items {
        None => None,
        Some(list) => {
            if list.len() > MAX_ITEMS {
                return Err(field_error(
                    "items",
                    format!("items: at most {MAX_ITEMS} lines."),
                ));
            }
            let mut seen = HashSet::new();
            let mut items = Vec::with_capacity(list.len());
            for i in list {
                let item = match i.kind.as_str() {
                    "entry" => ShareItem::Entry(i.id),
                    "credential" => ShareItem::Holding(i.id),
                    _ => {
                        return Err(field_error(
                            "items",
                            "items: each kind is entry or credential.",
                        ))
                    }
                };
                if seen.insert(item.clone()) {
                    items.push(item);
                }
            }
            Some(items)
        }
    };
    let photo = new
        .photo
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty());
    Ok(Checked {
        record: CvRecord {
            id,
            citizen_id: citizen_id.to_owned(),
            title,
            lang,
            design,
            target: target
                .as_ref()
                .map(serde_json::to_string)
                .transpose()
                .map_err(ApiError::internal)?,
            headline,
            presentation,
            contact: serde_json::to_string(&contact).map_err(ApiError::internal)?,
            photo_document_id: photo,
            sections: serde_json::to_string(&sections).map_err(ApiError::internal)?,
            share_id: None,
            created_at: now,
            updated_at: now,
        },
        items,
        target,
    })
}

fn item_ref(item: &ShareItem) -> CvItemRef {
    match item {
        ShareItem::Holding(id) => CvItemRef {
            kind: "credential".into(),
            id: id.clone(),
        },
        ShareItem::Entry(id) | ShareItem::Document(id) => CvItemRef {
            kind: "entry".into(),
            id: id.clone(),
        },
    }
}

fn write_error(outcome: CvWrite) -> Result<(), ApiError> {
    match outcome {
        CvWrite::Done => Ok(()),
        CvWrite::NotFound => Err(not_found()),
        CvWrite::UnknownItem(ShareItem::Document(id)) => {
            Err(field_error("photo", "photo: you have no document with this id.").with("item", id))
        }
        CvWrite::UnknownItem(item) => Err(ApiError::unprocessable(format!(
            "You have no {} with the id {:?}.",
            item.kind(),
            item.id()
        ))
        .with("field", "items")
        .with("item", item.id().to_owned())),
        CvWrite::TooMany => Err(ApiError::conflict(format!(
            "You have {MAX_CVS} CVs, the most allowed: delete one first."
        ))),
    }
}

/// Everything of the wallet a CV draws on: entries with their trust level,
/// credentials with their live state, visible endorsements.
pub(crate) struct Wallet {
    pub(crate) entries: Vec<EntryView>,
    pub(crate) holdings: Vec<(HoldingRecord, HoldingItem)>,
    /// Entry id → the names of those who endorsed it (visible endorsements).
    pub(crate) endorsers: HashMap<String, Vec<String>>,
}

pub(crate) async fn wallet(state: &AppState, citizen_id: &str) -> Result<Wallet, ApiError> {
    wallet_of(state, citizen_id, None).await
}

/// [`wallet`], only these entries and credentials when `only` is given
/// (what a public page shows: its visitors never make the server check
/// anything else).
pub(crate) async fn wallet_of(
    state: &AppState,
    citizen_id: &str,
    only: Option<&[ShareItem]>,
) -> Result<Wallet, ApiError> {
    let mut records: Vec<EntryRecord> = state.store.list_entries(citizen_id, None).await?;
    if let Some(only) = only {
        records.retain(|e| only.contains(&ShareItem::Entry(e.id.clone())));
    }
    let entries = views(state, citizen_id, records).await?;
    let holdings = state
        .store
        .list_holdings(
            citizen_id,
            &HoldingFilter {
                tag: None,
                before: None,
                limit: 1000,
            },
        )
        .await?;
    let holdings: Vec<HoldingRecord> = match only {
        Some(only) => holdings
            .into_iter()
            .filter(|h| only.contains(&ShareItem::Holding(h.id.clone())))
            .collect(),
        None => holdings,
    };
    let outcomes = check_all(state, &holdings).await;
    let holdings = holdings
        .into_iter()
        .zip(outcomes.iter())
        .map(|(h, o)| {
            let item = item_of(&h, o);
            (h, item)
        })
        .collect();
    let mut endorsers: HashMap<String, Vec<String>> = HashMap::new();
    for e in state.store.citizen_endorsements(citizen_id).await? {
        if e.hidden_at.is_none() && e.revoked_at.is_none() {
            let names = endorsers.entry(e.entry_id).or_default();
            if !names.contains(&e.author_name) {
                names.push(e.author_name);
            }
        }
    }
    Ok(Wallet {
        entries,
        holdings,
        endorsers,
    })
}

// ---- Suggestions for a target occupation -------------------------------

/// Words too common to tell two jobs apart (French and English).
const STOP: &[&str] = &[
    "les", "des", "une", "pour", "dans", "avec", "sur", "par", "aux", "est", "son", "ses", "leur",
    "the", "and", "for", "with", "from", "into", "our", "your", "their", "qui", "que", "pas",
    "plus", "tout", "tous", "toute", "toutes", "etc", "job", "poste", "emploi", "metier",
    "travail", "work", "role",
];

/// The stems of a text's words: folded (lower case, no accents), at least
/// three letters, not a stop word, cut to six letters so that
/// "infirmier" and "infirmière", "logistique" and "logisticien" meet.
fn stems(text: &str) -> Vec<String> {
    let folded = atout_core::directory::fold(text);
    let mut out: Vec<String> = Vec::new();
    for w in folded.split(|c: char| !c.is_alphanumeric()) {
        if w.chars().count() < 3 || STOP.contains(&w) || w.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let stem: String = w.chars().take(6).collect();
        if !out.contains(&stem) {
            out.push(stem);
        }
        if out.len() >= 100 {
            break;
        }
    }
    out
}

/// The original words of `text` whose stems are in `wanted`, for a reason.
fn words_of(text: &str, wanted: &HashSet<String>) -> Vec<String> {
    let mut out = Vec::new();
    for w in text.split(|c: char| !c.is_alphanumeric() && c != '-') {
        let stem: Vec<String> = stems(w);
        if stem.iter().any(|s| wanted.contains(s)) {
            let lower = w.to_lowercase();
            if !out.contains(&lower) {
                out.push(lower);
            }
        }
    }
    out
}

/// The skills an occupation needs (ESCO relations): code → French label.
pub(crate) async fn needed_skills(
    state: &AppState,
    target: &Target,
) -> Result<HashMap<String, String>, ApiError> {
    let (Some(framework), Some(code)) = (target.framework, target.code.as_deref()) else {
        return Ok(HashMap::new());
    };
    let links = state
        .store
        .links_from(
            framework.name(),
            &[code.to_owned()],
            &["essential-skill", "optional-skill"],
        )
        .await?;
    let index = state.frameworks.index();
    Ok(links
        .into_iter()
        .map(|l| {
            let label = atout_frameworks::Framework::parse(&l.to_framework)
                .and_then(|f| index.label(f, &l.to_code, "fr"))
                .map(|x| x.text)
                .unwrap_or_else(|| l.to_code.clone());
            (l.to_code, label)
        })
        .collect())
}

/// Ranks every entry and credential for a target: the same framework code
/// (10), a skill the target needs (6 per skill the line shows, through its
/// framework codes or its credential's alignments), a ROME code of the same
/// family (4), words in common (3 per word in the title, 2 in keywords, 1
/// elsewhere); languages always count (1). Highest first; ties: certified
/// first, then the most recent.
pub(crate) fn rank_with(
    target: &Target,
    wallet: &Wallet,
    needed: &HashMap<String, String>,
) -> Vec<Suggestion> {
    let target_stems: HashSet<String> = stems(&target.text).into_iter().collect();
    let code = target.code.clone();
    let family = code
        .as_ref()
        .filter(|_| target.framework == Some(Framework::Rome))
        .and_then(|c| c.get(..3).map(str::to_owned));
    let mut linked: HashSet<&str> = HashSet::new();
    let mut out: Vec<(Suggestion, bool, String)> = Vec::new();
    for e in &wallet.entries {
        if let Some(h) = &e.holding_id {
            linked.insert(h.as_str());
        }
        let mut score = 0u32;
        let mut reasons = Vec::new();
        let codes: Vec<&str> = e
            .details
            .frameworks
            .iter()
            .flatten()
            .map(|f| f.code.as_str())
            .collect();
        if let Some(c) = &code {
            if codes.iter().any(|x| x.eq_ignore_ascii_case(c)) {
                score += 10;
                reasons.push(Reason {
                    kind: "code",
                    value: c.clone(),
                });
            } else if let Some(f) = &family {
                if let Some(x) = codes
                    .iter()
                    .find(|x| x.len() == 5 && x.get(..3).is_some_and(|p| p.eq_ignore_ascii_case(f)))
                {
                    score += 4;
                    reasons.push(Reason {
                        kind: "family",
                        value: x.to_string(),
                    });
                }
            }
        }
        let skills: Vec<&String> = codes.iter().filter_map(|c| needed.get(*c)).collect();
        if !skills.is_empty() {
            score += 6 * skills.len() as u32;
            reasons.push(Reason {
                kind: "skill",
                value: skills
                    .iter()
                    .take(4)
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        if !target_stems.is_empty() {
            let title: HashSet<String> = stems(&e.title).into_iter().collect();
            let keywords = e.details.keywords.clone().unwrap_or_default().join(" ");
            let kw: HashSet<String> = stems(&keywords).into_iter().collect();
            let rest_text = format!(
                "{} {}",
                e.organisation.as_deref().unwrap_or(""),
                e.description.as_deref().unwrap_or("")
            );
            let rest: HashSet<String> = stems(&rest_text).into_iter().collect();
            let mut common: HashSet<String> = HashSet::new();
            for s in &target_stems {
                if title.contains(s) {
                    score += 3;
                    common.insert(s.clone());
                } else if kw.contains(s) {
                    score += 2;
                    common.insert(s.clone());
                } else if rest.contains(s) {
                    score += 1;
                    common.insert(s.clone());
                }
            }
            if !common.is_empty() {
                let all = format!("{} {} {}", e.title, keywords, rest_text);
                let mut words = words_of(&all, &common);
                words.truncate(6);
                reasons.push(Reason {
                    kind: "words",
                    value: words.join(", "),
                });
            }
        }
        if e.kind == EntryKind::Language {
            score = score.max(1);
            reasons.push(Reason {
                kind: "language",
                value: e.title.clone(),
            });
        }
        out.push((
            Suggestion {
                kind: "entry",
                id: e.id.clone(),
                section: section_of(e.kind),
                title: e.title.clone(),
                score,
                selected: score > 0,
                reasons,
            },
            e.trust == TrustLevel::Certified,
            e.start_date.clone().unwrap_or_default(),
        ));
    }
    for (h, item) in &wallet.holdings {
        if linked.contains(h.id.as_str()) {
            continue;
        }
        let mut score = 0;
        let mut reasons = Vec::new();
        let title: HashSet<String> = stems(&h.title).into_iter().collect();
        let common: HashSet<String> = target_stems.intersection(&title).cloned().collect();
        if !common.is_empty() {
            score += 3 * common.len() as u32;
            let mut words = words_of(&h.title, &common);
            words.truncate(6);
            reasons.push(Reason {
                kind: "words",
                value: words.join(", "),
            });
        }
        if !needed.is_empty() {
            let shown: Vec<String> = serde_json::from_str::<serde_json::Value>(&h.body)
                .ok()
                .map(|v| crate::skills::credential_codes(&v))
                .unwrap_or_default()
                .into_iter()
                .filter_map(|(_, c)| needed.get(&c).cloned())
                .collect();
            if !shown.is_empty() {
                score += 6 * shown.len() as u32;
                reasons.push(Reason {
                    kind: "skill",
                    value: shown.into_iter().take(4).collect::<Vec<_>>().join(", "),
                });
            }
        }
        if let Some(c) = &code {
            // The code as a whole token (RNCP3 is not RNCP34126).
            let whole = h.body.match_indices(c.as_str()).any(|(i, m)| {
                !h.body[i + m.len()..]
                    .chars()
                    .next()
                    .is_some_and(|n| n.is_ascii_alphanumeric())
            });
            if whole {
                score += 10;
                reasons.push(Reason {
                    kind: "code",
                    value: c.clone(),
                });
            }
        }
        out.push((
            Suggestion {
                kind: "credential",
                id: h.id.clone(),
                section: "credentials",
                title: h.title.clone(),
                score,
                selected: score > 0,
                reasons,
            },
            item.state == LiveState::Verified,
            h.valid_from
                .unwrap_or(h.received_at)
                .format("%Y-%m-%d")
                .to_string(),
        ));
    }
    out.sort_by(|a, b| {
        b.0.score
            .cmp(&a.0.score)
            .then(b.1.cmp(&a.1))
            .then(b.2.cmp(&a.2))
    });
    out.into_iter().map(|(s, _, _)| s).collect()
}

/// Every line of the wallet in the default order (each section's lines,
/// most recent first): a general CV.
fn everything(wallet: &Wallet) -> Vec<ShareItem> {
    let mut linked: HashSet<&str> = HashSet::new();
    let mut lines: Vec<(usize, String, ShareItem)> = Vec::new();
    for e in &wallet.entries {
        if let Some(h) = &e.holding_id {
            linked.insert(h.as_str());
        }
        let section = SECTIONS
            .iter()
            .position(|s| *s == section_of(e.kind))
            .unwrap_or(0);
        lines.push((
            section,
            e.start_date.clone().unwrap_or_default(),
            ShareItem::Entry(e.id.clone()),
        ));
    }
    for (h, _) in &wallet.holdings {
        if !linked.contains(h.id.as_str()) {
            lines.push((
                2,
                h.valid_from
                    .unwrap_or(h.received_at)
                    .format("%Y-%m-%d")
                    .to_string(),
                ShareItem::Holding(h.id.clone()),
            ));
        }
    }
    lines.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    lines
        .into_iter()
        .take(MAX_ITEMS)
        .map(|(_, _, i)| i)
        .collect()
}

/// The lines chosen for a target, in the sections' default order, each
/// section's lines by rank.
fn chosen(ranked: &[Suggestion]) -> Vec<ShareItem> {
    let mut out = Vec::new();
    for section in SECTIONS {
        for s in ranked.iter().filter(|s| s.selected && s.section == section) {
            out.push(if s.kind == "entry" {
                ShareItem::Entry(s.id.clone())
            } else {
                ShareItem::Holding(s.id.clone())
            });
        }
    }
    out.truncate(MAX_ITEMS);
    out
}

// ---- Views ----------------------------------------------------------------

async fn online_view(
    state: &AppState,
    citizen: &CitizenRecord,
    cv: &CvRecord,
    items: &[ShareItem],
    wallet: Option<&Wallet>,
) -> Result<Option<OnlineView>, ApiError> {
    let Some(share_id) = &cv.share_id else {
        return Ok(None);
    };
    let Some(share) = state.store.get_share(&citizen.id, share_id).await? else {
        return Ok(None);
    };
    let now = state.clock.now();
    let sealer = sealer(state, citizen)?;
    let share_state = if share.revoked_at.is_some() {
        "revoked"
    } else if share.expires_at.is_some_and(|e| e <= now) {
        "expired"
    } else {
        "active"
    };
    let current = match wallet {
        Some(w) => {
            share_state == "active"
                && state.store.share_items(&share.id).await? == online_items(items, w)
        }
        None => false,
    };
    Ok(Some(OnlineView {
        url: link_of(state, &sealer, &share)?,
        share_id: share.id,
        state: share_state,
        expires_at: share.expires_at,
        current,
    }))
}

fn view_of(cv: CvRecord, items: &[ShareItem], online: Option<OnlineView>) -> CvView {
    CvView {
        target: cv
            .target
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok()),
        contact: serde_json::from_str(&cv.contact).unwrap_or_default(),
        sections: serde_json::from_str(&cv.sections).unwrap_or_default(),
        items: items.iter().map(item_ref).collect(),
        online,
        id: cv.id,
        title: cv.title,
        lang: cv.lang,
        design: cv.design,
        headline: cv.headline,
        presentation: cv.presentation,
        photo: cv.photo_document_id,
        created_at: cv.created_at,
        updated_at: cv.updated_at,
    }
}

/// Your CVs, newest first.
#[utoipa::path(
    get, path = "/wallet/cvs", tag = "cvs",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = CvList),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn list_cvs(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<Json<CvList>, ApiError> {
    let mut items = Vec::new();
    let cvs = state.store.list_cvs(citizen.id()).await?;
    // Whether each online version is current needs the wallet (once).
    let w = if cvs.iter().any(|cv| cv.share_id.is_some()) {
        Some(wallet(&state, citizen.id()).await?)
    } else {
        None
    };
    for cv in cvs {
        let Some((cv, lines)) = state.store.get_cv(citizen.id(), &cv.id).await? else {
            continue;
        };
        let online = online_view(&state, &citizen.record, &cv, &lines, w.as_ref()).await?;
        items.push(view_of(cv, &lines, online));
    }
    Ok(Json(CvList { items }))
}

/// Make a CV. Without `items`, it shows every entry and credential or,
/// with a `target`, those that match it (ranked, as
/// `POST /wallet/cvs/suggestions` explains).
#[utoipa::path(
    post, path = "/wallet/cvs", tag = "cvs",
    security(("bearer" = []), ("cookie" = [])),
    request_body = NewCv,
    responses(
        (status = 201, body = CvView, description = "Created (`Location`: the CV)"),
        (status = 400, body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "Too many CVs", content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "A field is wrong (`field`), or an item is not yours (`item`)", content_type = "application/problem+json"),
    )
)]
async fn create_cv(
    State(state): State<AppState>,
    citizen: Citizen,
    Json(new): Json<NewCv>,
) -> Result<Response, ApiError> {
    let now = state.clock.now();
    let mut checked = check(new, citizen.id(), new_id(), now)?;
    if checked.record.headline.is_none() {
        checked.record.headline = citizen.record.headline.clone();
    }
    let items = match checked.items.take() {
        Some(items) => items,
        None => {
            let w = wallet(&state, citizen.id()).await?;
            match &checked.target {
                Some(t) => chosen(&rank_with(t, &w, &needed_skills(&state, t).await?)),
                None => everything(&w),
            }
        }
    };
    write_error(
        state
            .store
            .create_cv(&checked.record, &items, MAX_CVS)
            .await?,
    )?;
    tracing::info!(citizen = %citizen.id(), cv = %checked.record.id, lines = items.len(), "CV created");
    let id = checked.record.id.clone();
    let body = view_of(checked.record, &items, None);
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    response.headers_mut().insert(
        header::LOCATION,
        HeaderValue::from_str(&format!("/wallet/cvs/{id}")).map_err(ApiError::internal)?,
    );
    Ok(response)
}

/// One of your CVs, with its online version's state.
#[utoipa::path(
    get, path = "/wallet/cvs/{id}", tag = "cvs",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The CV's id")),
    responses(
        (status = 200, body = CvView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn get_cv(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<CvView>, ApiError> {
    let (cv, items) = owned(&state, &citizen, &id).await?;
    let w = wallet(&state, citizen.id()).await?;
    let online = online_view(&state, &citizen.record, &cv, &items, Some(&w)).await?;
    Ok(Json(view_of(cv, &items, online)))
}

/// Replace one of your CVs (every field; `items` absent keeps its lines).
#[utoipa::path(
    put, path = "/wallet/cvs/{id}", tag = "cvs",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The CV's id")),
    request_body = NewCv,
    responses(
        (status = 200, body = CvView),
        (status = 400, body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn update_cv(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
    Json(new): Json<NewCv>,
) -> Result<Json<CvView>, ApiError> {
    let (old, old_items) = owned(&state, &citizen, &id).await?;
    let now = state.clock.now();
    let mut checked = check(new, citizen.id(), id.clone(), now)?;
    checked.record.created_at = old.created_at;
    checked.record.share_id = old.share_id;
    let items = checked.items.take().unwrap_or(old_items);
    write_error(state.store.update_cv(&checked.record, &items).await?)?;
    let w = wallet(&state, citizen.id()).await?;
    let online = online_view(&state, &citizen.record, &checked.record, &items, Some(&w)).await?;
    Ok(Json(view_of(checked.record, &items, online)))
}

/// Delete one of your CVs (its online versions stay until you revoke
/// them, with your other shares).
#[utoipa::path(
    delete, path = "/wallet/cvs/{id}", tag = "cvs",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The CV's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn delete_cv(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    if state.store.delete_cv(citizen.id(), &id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found())
    }
}

/// Your entries and credentials ranked for an occupation, each with the
/// reasons it matches: what a contextual CV starts from.
#[utoipa::path(
    post, path = "/wallet/cvs/suggestions", tag = "cvs",
    security(("bearer" = []), ("cookie" = [])),
    request_body = Target,
    responses(
        (status = 200, body = SuggestionList),
        (status = 400, body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn suggest(
    State(state): State<AppState>,
    citizen: Citizen,
    Json(target): Json<Target>,
) -> Result<Json<SuggestionList>, ApiError> {
    let target = check_target(Some(target))?
        .ok_or_else(|| field_error("target", "target: an occupation in words, or a code."))?;
    let w = wallet(&state, citizen.id()).await?;
    let needed = needed_skills(&state, &target).await?;
    Ok(Json(SuggestionList {
        items: rank_with(&target, &w, &needed),
    }))
}

// ---- The document ---------------------------------------------------------

/// The items of a CV's online version: each line (an entry, and the
/// credential that certifies it right after it), each credential once.
fn online_items(items: &[ShareItem], w: &Wallet) -> Vec<ShareItem> {
    let entries: HashMap<&str, &EntryView> = w.entries.iter().map(|e| (e.id.as_str(), e)).collect();
    let mut out: Vec<ShareItem> = Vec::new();
    for item in items {
        match item {
            ShareItem::Entry(id) => {
                let Some(e) = entries.get(id.as_str()) else {
                    continue;
                };
                out.push(item.clone());
                if e.trust == TrustLevel::Certified {
                    if let Some(h) = &e.holding_id {
                        let h = ShareItem::Holding(h.clone());
                        if !out.contains(&h) {
                            out.push(h);
                        }
                    }
                }
            }
            ShareItem::Holding(_) => {
                if !out.contains(item) {
                    out.push(item.clone());
                }
            }
            ShareItem::Document(_) => {}
        }
    }
    out
}

/// The CV's online version for its present lines: the recorded share if it
/// is live and shows exactly them, else a new share (a year, or until
/// revoked). Its URL, and the 1-based position of each credential in it.
async fn ensure_online(
    state: &AppState,
    citizen: &CitizenRecord,
    cv: &CvRecord,
    items: &[ShareItem],
    w: &Wallet,
) -> Result<(String, HashMap<String, usize>), ApiError> {
    let wanted = online_items(items, w);
    let sealer = sealer(state, citizen)?;
    let now = state.clock.now();
    if let Some(id) = &cv.share_id {
        if let Some(share) = state.store.get_share(&citizen.id, id).await? {
            let live = share.revoked_at.is_none() && share.expires_at.is_none_or(|e| e > now);
            if live && state.store.share_items(&share.id).await? == wanted {
                let positions = positions(state, &share.id).await?;
                return Ok((link_of(state, &sealer, &share)?, positions));
            }
        }
    }
    let label: String = format!("CV – {}", cv.title).chars().take(120).collect();
    let (share, _) = insert_share(
        state,
        citizen,
        &sealer,
        NewShareRecord {
            label,
            items: &wanted,
            pin_hash: None,
            disclosures: &withheld(&wanted, w),
            expires_at: Some(now + chrono::Duration::days(ONLINE_DAYS).min(MAX_LIFETIME)),
        },
    )
    .await?;
    state
        .store
        .set_cv_share(&citizen.id, &cv.id, &share.id)
        .await?;
    tracing::info!(citizen = %citizen.id, cv = %cv.id, share = %share.id, "CV's online version made");
    let positions = positions(state, &share.id).await?;
    Ok((link_of(state, &sealer, &share)?, positions))
}

/// Each credential of a share and its line number (its stored position
/// plus one: `/s/{token}/{n}`), which never moves.
pub(crate) async fn positions(
    state: &AppState,
    share_id: &str,
) -> Result<HashMap<String, usize>, ApiError> {
    Ok(state
        .store
        .share_holding_positions(share_id)
        .await?
        .into_iter()
        .map(|(h, p)| (h, p as usize + 1))
        .collect())
}

/// For a share made without the citizen choosing claims (a CV's online
/// version, the public page, LinkedIn): its SD-JWT VCs disclose no
/// selectively disclosable claim (what the issuer made always visible,
/// and the proof, still show). The citizen picks claims in a share of
/// their own.
pub(crate) fn withheld(items: &[ShareItem], w: &Wallet) -> Vec<(String, String)> {
    w.holdings
        .iter()
        .filter(|(h, _)| h.format == atout_vc::sd_jwt::TYP)
        .filter(|(h, _)| items.contains(&ShareItem::Holding(h.id.clone())))
        .map(|(h, _)| (h.id.clone(), "[]".to_owned()))
        .collect()
}

fn short(url: &str) -> String {
    url.trim_start_matches("https://")
        .trim_start_matches("http://")
        .to_owned()
}

fn cefr_of(e: &EntryView) -> Option<atout_cv::CefrLevels> {
    let g = e.details.cefr.as_ref()?;
    let s = |l| {
        serde_json::to_value(l)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    Some(atout_cv::CefrLevels {
        listening: s(g.listening),
        reading: s(g.reading),
        spoken_interaction: s(g.spoken_interaction),
        spoken_production: s(g.spoken_production),
        writing: s(g.writing),
    })
}

fn issuer_name(item: &HoldingItem, lang: atout_cv::Lang) -> String {
    match (&item.issuer_name, lang) {
        (Some(n), atout_cv::Lang::Fr) => n.fr.clone(),
        (Some(n), atout_cv::Lang::En) => n.en.clone(),
        (None, _) => item.issuer.clone(),
    }
}

/// Reads a photo of the vault (bounded).
async fn photo(
    state: &AppState,
    citizen: &CitizenRecord,
    document_id: &str,
) -> Result<Option<Vec<u8>>, ApiError> {
    let Some(record) = state.store.get_document(&citizen.id, document_id).await? else {
        return Ok(None);
    };
    if !matches!(
        record.content_type.as_str(),
        "image/jpeg" | "image/png" | "image/webp"
    ) || record.size as usize > MAX_PHOTO_BYTES
    {
        return Ok(None);
    }
    let mut stream = atout_web::download::document_stream(state, citizen, &record).await?;
    let mut bytes = Vec::with_capacity(record.size.max(0) as usize);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(ApiError::internal)?;
        if bytes.len() + chunk.len() > MAX_PHOTO_BYTES {
            return Ok(None);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Some(bytes))
}

/// What a CV prints, from the citizen's present wallet. With `online`,
/// its online version is made (or reused) and its links printed.
async fn input_of(
    state: &AppState,
    citizen: &CitizenRecord,
    cv: &CvRecord,
    items: &[ShareItem],
    online: bool,
) -> Result<atout_cv::CvInput, ApiError> {
    let w = wallet(state, &citizen.id).await?;
    let lang = if cv.lang == "en" {
        atout_cv::Lang::En
    } else {
        atout_cv::Lang::Fr
    };
    let (online_url, positions) = if online {
        let (url, positions) = ensure_online(state, citizen, cv, items, &w).await?;
        (Some(url), positions)
    } else {
        match online_view(state, citizen, cv, items, Some(&w)).await? {
            Some(o) if o.current => {
                let positions = positions(state, &o.share_id).await?;
                (Some(o.url), positions)
            }
            _ => (None, HashMap::new()),
        }
    };
    let verify = |holding: &str| {
        let url = format!("{}/{}", online_url.as_deref()?, positions.get(holding)?);
        Some(atout_cv::Link {
            short: short(&url),
            url,
        })
    };
    let entries: HashMap<&str, &EntryView> = w.entries.iter().map(|e| (e.id.as_str(), e)).collect();
    let holdings: HashMap<&str, &HoldingItem> =
        w.holdings.iter().map(|(h, i)| (h.id.as_str(), i)).collect();
    let order: Vec<String> = serde_json::from_str(&cv.sections).unwrap_or_default();
    let mut sections: Vec<atout_cv::Section> = Vec::new();
    let kind_of = |s: &str| match s {
        "experience" => atout_cv::SectionKind::Experience,
        "education" => atout_cv::SectionKind::Education,
        "credentials" => atout_cv::SectionKind::Credentials,
        "skills" => atout_cv::SectionKind::Skills,
        "languages" => atout_cv::SectionKind::Languages,
        "projects" => atout_cv::SectionKind::Projects,
        _ => atout_cv::SectionKind::Interests,
    };
    for section in order.iter().map(String::as_str).chain(SECTIONS) {
        if sections.iter().any(|s| s.kind == kind_of(section)) {
            continue;
        }
        let mut lines = Vec::new();
        for item in items {
            match item {
                ShareItem::Entry(id) => {
                    let Some(e) = entries.get(id.as_str()) else {
                        continue;
                    };
                    if section_of(e.kind) != section {
                        continue;
                    }
                    let certifier = e
                        .holding_id
                        .as_deref()
                        .filter(|_| e.trust == TrustLevel::Certified)
                        .and_then(|h| holdings.get(h).map(|i| (h, *i)));
                    let trust = match (e.trust, certifier) {
                        (TrustLevel::Certified, Some((_, item))) => atout_cv::Trust::Certified {
                            issuer: issuer_name(item, lang),
                        },
                        (TrustLevel::Endorsed, _) => atout_cv::Trust::Endorsed {
                            by: w.endorsers.get(&e.id).cloned().unwrap_or_default(),
                        },
                        _ => atout_cv::Trust::Declared,
                    };
                    lines.push(atout_cv::Item {
                        title: e.title.clone(),
                        organisation: e.organisation.clone(),
                        place: e.place.clone(),
                        start: e.start_date.clone(),
                        end: e.end_date.clone(),
                        ongoing: e.start_date.is_some()
                            && e.end_date.is_none()
                            && matches!(
                                e.kind,
                                EntryKind::Experience | EntryKind::Education | EntryKind::Project
                            ),
                        description: e.description.clone(),
                        keywords: e.details.keywords.clone().unwrap_or_default(),
                        mother_tongue: e.details.mother_tongue == Some(true),
                        cefr: cefr_of(e),
                        verify: certifier.and_then(|(h, _)| verify(h)),
                        trust,
                    });
                }
                ShareItem::Holding(id) => {
                    if section != "credentials" {
                        continue;
                    }
                    let Some(item) = holdings.get(id.as_str()) else {
                        continue;
                    };
                    let certified = item.state == LiveState::Verified;
                    lines.push(atout_cv::Item {
                        title: item.title.clone(),
                        organisation: Some(issuer_name(item, lang)),
                        place: None,
                        start: item.valid_from.map(|d| d.format("%Y-%m").to_string()),
                        end: None,
                        ongoing: false,
                        description: None,
                        keywords: Vec::new(),
                        mother_tongue: false,
                        cefr: None,
                        trust: if certified {
                            atout_cv::Trust::Certified {
                                issuer: issuer_name(item, lang),
                            }
                        } else {
                            atout_cv::Trust::Declared
                        },
                        verify: if certified { verify(id) } else { None },
                    });
                }
                ShareItem::Document(_) => {}
            }
        }
        if !lines.is_empty() {
            sections.push(atout_cv::Section {
                kind: kind_of(section),
                items: lines,
            });
        }
    }
    let photo = match &cv.photo_document_id {
        Some(id) => photo(state, citizen, id)
            .await?
            .map(|bytes| atout_cv::Photo { bytes }),
        None => None,
    };
    let contact: Vec<ContactLine> = serde_json::from_str(&cv.contact).unwrap_or_default();
    Ok(atout_cv::CvInput {
        lang,
        design: match cv.design.as_str() {
            "modern" => atout_cv::Design::Modern,
            "compact" => atout_cv::Design::Compact,
            _ => atout_cv::Design::Classic,
        },
        name: citizen.display_name.clone(),
        headline: cv.headline.clone(),
        presentation: cv.presentation.clone(),
        contact: contact
            .into_iter()
            .map(|c| atout_cv::Contact {
                kind: match c.kind.as_str() {
                    "email" => atout_cv::ContactKind::Email,
                    "phone" => atout_cv::ContactKind::Phone,
                    "address" => atout_cv::ContactKind::Address,
                    _ => atout_cv::ContactKind::Web,
                },
                value: c.value,
            })
            .collect(),
        photo,
        sections,
        online: online_url.map(|url| atout_cv::Link {
            short: short(&url),
            url,
        }),
        date: state.clock.now().date_naive(),
    })
}

/// The CV as it prints (every line's text, dates and labels in the CV's
/// language; its links if its online version is current): what the HTML
/// preview shows.
#[utoipa::path(
    get, path = "/wallet/cvs/{id}/document", tag = "cvs",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The CV's id")),
    responses(
        (status = 200, description = "The CV as printed (JSON)", content_type = "application/json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn cv_document(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (cv, items) = owned(&state, &citizen, &id).await?;
    let input = input_of(&state, &citizen.record, &cv, &items, false).await?;
    let mut prepared =
        serde_json::to_value(atout_cv::prepare(&input)).map_err(ApiError::internal)?;
    if let Some(map) = prepared.as_object_mut() {
        map.insert(
            "photo".into(),
            serde_json::Value::from(cv.photo_document_id.clone()),
        );
    }
    Ok(Json(prepared).into_response())
}

/// The CV as a PDF (A4, tagged for accessibility, PDF/UA-1 and PDF/A-2a),
/// made now. It makes (or reuses) the CV's online version, whose links and
/// QR codes it prints: each certified line's to that credential's live
/// verdict, and one to the whole CV.
#[utoipa::path(
    post, path = "/wallet/cvs/{id}/pdf", tag = "cvs",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The CV's id")),
    responses(
        (status = 200, description = "The PDF (an attachment)", content_type = "application/pdf"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "Too many live shares for its online version", content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "The photo cannot be read", content_type = "application/problem+json"),
        (status = 503, body = ProblemBody, description = "Busy: try again (`Retry-After`)", content_type = "application/problem+json"),
    )
)]
async fn cv_pdf(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (cv, items) = owned(&state, &citizen, &id).await?;
    let input = input_of(&state, &citizen.record, &cv, &items, true).await?;
    let limits = atout_cv::Limits {
        max_photo_bytes: MAX_PHOTO_BYTES,
    };
    let rendered = match RENDER_POOL
        .run(move |_| atout_cv::render_pdf(&input, limits))
        .await
    {
        Ok(Ok(r)) => r,
        Ok(Err(atout_cv::RenderError::Photo)) => {
            return Err(field_error(
                "photo",
                "The photo cannot be read as a picture: choose another one.",
            ))
        }
        Ok(Err(e)) => return Err(ApiError::internal(e)),
        Err(PoolError::Busy) => {
            return Err(
                ApiError::unavailable("Many CVs are being made: try again in a moment.")
                    .retry_after(10),
            )
        }
        Err(PoolError::Panicked) => return Err(ApiError::internal("the typesetter failed")),
    };
    let name = format!("CV – {} – {}.pdf", citizen.record.display_name, cv.title);
    let mut response = rendered.pdf.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        atout_web::download::content_disposition(&name),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    headers.insert(
        header::HeaderName::from_static("x-atout-pages"),
        HeaderValue::from(rendered.pages),
    );
    Ok(response)
}

/// The CV's lines as a JSON Resume document (what other CV tools import).
#[utoipa::path(
    get, path = "/wallet/cvs/{id}/resume.json", tag = "cvs",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The CV's id")),
    responses(
        (status = 200, description = "JSON Resume 1.0", content_type = "application/json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn cv_resume(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (cv, items) = owned(&state, &citizen, &id).await?;
    let resume = resume_of(&state, &citizen.record, &cv, &items).await?;
    let name = format!("CV – {} – {}.json", citizen.record.display_name, cv.title);
    let mut response = Json(resume).into_response();
    response.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        atout_web::download::content_disposition(&name),
    );
    Ok(response)
}

/// A CV's entries as JSON Resume, with the CV's headline and presentation.
pub(crate) async fn resume_of(
    state: &AppState,
    citizen: &CitizenRecord,
    cv: &CvRecord,
    items: &[ShareItem],
) -> Result<serde_json::Value, ApiError> {
    let records = state.store.list_entries(&citizen.id, None).await?;
    let all = views(state, &citizen.id, records).await?;
    let wanted: Vec<&str> = items
        .iter()
        .filter_map(|i| match i {
            ShareItem::Entry(id) => Some(id.as_str()),
            _ => None,
        })
        .collect();
    let mut entries: Vec<EntryView> = all
        .into_iter()
        .filter(|e| wanted.contains(&e.id.as_str()))
        .collect();
    entries.sort_by_key(|e| wanted.iter().position(|w| *w == e.id));
    let mut resume = crate::jsonresume::to_resume(
        &citizen.display_name,
        cv.headline.as_deref().or(citizen.headline.as_deref()),
        &citizen.email,
        &entries,
        &HashMap::new(),
        state.clock.now(),
    );
    if let Some(basics) = resume.get_mut("basics").and_then(|b| b.as_object_mut()) {
        if let Some(p) = &cv.presentation {
            basics.insert("summary".into(), p.clone().into());
        }
    }
    Ok(resume)
}

/// Every CV of a citizen with its lines, for the account export.
pub(crate) async fn export_all(
    state: &AppState,
    citizen: &CitizenRecord,
) -> Result<Vec<(CvRecord, Vec<ShareItem>, serde_json::Value)>, ApiError> {
    let mut out = Vec::new();
    for cv in state.store.list_cvs(&citizen.id).await? {
        if let Some((cv, items)) = state.store.get_cv(&citizen.id, &cv.id).await? {
            let resume = resume_of(state, citizen, &cv, &items).await?;
            out.push((cv, items, resume));
        }
    }
    Ok(out)
}

/// A CV's PDF for the account export, made without touching its online
/// version (links printed only if it is current).
pub(crate) async fn export_pdf(
    state: &AppState,
    citizen: &CitizenRecord,
    cv: &CvRecord,
    items: &[ShareItem],
) -> Result<Option<Vec<u8>>, ApiError> {
    let input = input_of(state, citizen, cv, items, false).await?;
    let limits = atout_cv::Limits {
        max_photo_bytes: MAX_PHOTO_BYTES,
    };
    match RENDER_POOL
        .run(move |_| atout_cv::render_pdf(&input, limits))
        .await
    {
        Ok(Ok(r)) => Ok(Some(r.pdf)),
        Ok(Err(e)) => {
            tracing::warn!(cv = %cv.id, error = %e, "a CV could not be typeset for the export");
            Ok(None)
        }
        Err(_) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_meet_across_genders_and_accents() {
        let a: HashSet<String> = stems("Infirmière en soins généraux").into_iter().collect();
        let b: HashSet<String> = stems("infirmier de bloc").into_iter().collect();
        assert!(a.intersection(&b).any(|s| s == "infirm"));
        assert!(
            stems("les et pour avec").is_empty(),
            "stop words and short words go"
        );
        assert_eq!(stems("Logistique"), vec!["logist".to_owned()]);
    }

    #[test]
    fn reasons_quote_the_words_as_written() {
        let wanted: HashSet<String> = ["infirm".to_owned()].into_iter().collect();
        assert_eq!(
            words_of("Stage infirmier, service d'urgences", &wanted),
            vec!["infirmier".to_owned()]
        );
    }

    #[test]
    fn a_rome_code_is_checked_and_upper_cased() {
        let t = check_target(Some(Target {
            text: String::new(),
            framework: Some(Framework::Rome),
            code: Some("j1506".into()),
        }))
        .unwrap()
        .unwrap();
        assert_eq!(t.code.as_deref(), Some("J1506"));
        assert!(check_target(Some(Target {
            text: "x".into(),
            framework: Some(Framework::Rome),
            code: Some("J15".into()),
        }))
        .is_err());
        assert_eq!(check_target(Some(Target::default())).unwrap(), None);
    }
}
