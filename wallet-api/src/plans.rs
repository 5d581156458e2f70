//! Career plans (`/wallet/plans`): from the occupations a person aims at,
//! to the skills they need, to which of those the person can already prove
//! (certified, endorsed or declared), to the trainings that close the gap,
//! to the steps they take.
//!
//! | route | caller |
//! |---|---|
//! | `GET`, `POST /wallet/plans` | the citizen |
//! | `GET`, `PUT`, `DELETE /wallet/plans/{id}` | the citizen |
//! | `POST /wallet/plans/{id}/steps`, `PATCH`, `DELETE /wallet/plans/{id}/steps/{step}` | the citizen |
//! | `POST /wallet/plans/{id}/comments` | the citizen |
//! | `GET /i/{token}/plans` | an invited person (session), plans the citizen shares with invited people |
//! | `POST /i/{token}/plans/{id}/comments` | an invited contributor (session) |
//!
//! The needed skills come from the frameworks' relations (ESCO occupation →
//! essential and optional skills). Where a target has none (ROME codes, and
//! ESCO occupations outside the relations loaded), the plan says so and
//! the citizen lists the skills themselves.

use crate::entries::field_error;
use crate::invitations::{invited, log, Role};
use crate::skills::{known_code, lang_of, skills_of, Evidence, LangParam, SkillSource, SkillView};
use atout_core::{
    ids::new_id,
    store::{CommentRecord, Limited, PlanCode, PlanFull, PlanRecord, StepRecord, Training},
};
use atout_frameworks::Framework;
use atout_web::{
    auth::Citizen, extract::ClientIp, problem::ProblemBody, ApiError, AppState, Json, Path, Query,
};
use axum::{
    extract::{FromRequest, State},
    http::{HeaderMap, StatusCode},
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The most plans a citizen keeps.
pub const MAX_PLANS: i64 = 20;
/// The most occupations a plan aims at.
pub const MAX_TARGETS: usize = 5;
/// The most skills a citizen lists in a plan.
pub const MAX_LISTED: usize = 80;
/// The most steps of a plan.
pub const MAX_STEPS: i64 = 100;
/// The most comments on a plan.
pub const MAX_COMMENTS: i64 = 500;
/// The trainings a plan suggests.
pub const TRAININGS_SHOWN: usize = 10;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_plans, create_plan))
        .routes(routes!(get_plan, put_plan, delete_plan))
        .routes(routes!(add_step))
        .routes(routes!(patch_step, delete_step))
        .routes(routes!(add_comment))
        .routes(routes!(invited_plans))
        .routes(routes!(invited_comment))
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeInput {
    /// ROME or ESCO for targets; ESCO, ROME, RNCP or RS for skills.
    pub framework: String,
    pub code: String,
    /// Skills only: whether the skill is essential (default) or optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub essential: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPlan {
    /// The plan's name; by default the first target's label.
    pub title: Option<String>,
    /// Where trainings are looked for first (the département: 37, 45, 2A,
    /// 971…).
    pub department: Option<String>,
    /// One to five occupations (ROME or ESCO).
    pub targets: Vec<CodeInput>,
    /// Whether the people the citizen invites see it (false by default).
    #[serde(default)]
    pub shared: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanUpdate {
    pub title: String,
    pub department: Option<String>,
    /// `active` or `archived`.
    pub status: String,
    pub targets: Vec<CodeInput>,
    /// Skills the citizen lists themselves (where the frameworks have no
    /// relations for a target, or to add to them).
    #[serde(default)]
    pub skills: Vec<CodeInput>,
    #[serde(default)]
    pub shared: bool,
}

/// A target occupation.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TargetView {
    pub framework: String,
    pub code: String,
    pub label: String,
    pub label_lang: Option<String>,
    pub fallback: bool,
    /// The version the code was chosen in.
    pub version: Option<String>,
    /// Whether the frameworks loaded say which skills it needs.
    pub has_relations: bool,
}

/// A skill the plan needs, and whether the person holds it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NeededView {
    pub framework: String,
    pub code: String,
    pub label: String,
    pub label_lang: Option<String>,
    pub fallback: bool,
    pub essential: bool,
    /// Which targets need it, or `listed` when the citizen listed it.
    pub needed_by: Vec<String>,
    /// The strongest evidence the person has; null: missing.
    pub held: Option<Evidence>,
    /// Where the evidence comes from (absent for invited readers).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SkillSource>,
    /// Published trainings of the catalogue aligned to it.
    pub trainings: usize,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CoverageView {
    /// 0–100: the needed skills held, weighted by evidence and importance.
    pub percent: u32,
    pub held: usize,
    pub needed: usize,
    pub certified: usize,
    pub endorsed: usize,
    pub declared: usize,
    /// The rule, in words.
    pub rule: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TrainingSuggestion {
    pub id: String,
    pub title: String,
    pub organisation: String,
    pub commune: Option<String>,
    pub department: Option<String>,
    pub distance: bool,
    pub starts_on: Option<String>,
    pub certification: Option<String>,
    pub cpf: bool,
    pub url: Option<String>,
    /// The missing skills it covers.
    pub covers: Vec<NeededRef>,
    /// Why it is ranked where it is, in words' keys: `skills`,
    /// `same-department`, `distance`.
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NeededRef {
    pub framework: String,
    pub code: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StepView {
    pub id: String,
    /// `training`, `credential`, `experience` or `other`.
    pub kind: String,
    pub title: String,
    pub training_id: Option<String>,
    pub framework: Option<String>,
    pub code: Option<String>,
    pub due_on: Option<String>,
    /// `todo`, `doing` or `done`.
    pub status: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CommentView {
    pub id: String,
    /// The citizen's name, or the invited person's address.
    pub author: String,
    /// Whether an invited person wrote it.
    pub invited: bool,
    pub body: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlanView {
    pub id: String,
    pub title: String,
    pub department: Option<String>,
    pub status: String,
    pub shared: bool,
    pub targets: Vec<TargetView>,
    /// Essential first, then optional; missing before held within each.
    pub needed: Vec<NeededView>,
    /// No target has relations and the citizen listed no skill: the page
    /// asks them to list skills or pick a related occupation.
    pub needs_skills_listed: bool,
    pub coverage: CoverageView,
    pub trainings: Vec<TrainingSuggestion>,
    pub steps: Vec<StepView>,
    pub comments: Vec<CommentView>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanList {
    pub items: Vec<PlanView>,
}

fn not_found() -> ApiError {
    ApiError::not_found("You have no plan with this id.")
}

/// Trimmed text of 1..=max characters, without control characters.
fn text(field: &str, value: &str, max: usize) -> Result<String, ApiError> {
    let t = value.trim();
    if t.is_empty() {
        return Err(field_error(field, "This is required."));
    }
    if t.chars().count() > max {
        return Err(field_error(field, format!("At most {max} characters.")));
    }
    if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(field_error(field, "Control characters are not allowed."));
    }
    Ok(t.to_owned())
}

/// A French département code (01–95, 2A, 2B, 971–976), if any.
fn department(value: Option<&str>) -> Result<Option<String>, ApiError> {
    match value.map(str::trim).filter(|d| !d.is_empty()) {
        None => Ok(None),
        Some(d) => atout_web::places::department(d)
            .map(Some)
            .ok_or_else(|| field_error("department", "A département number: 37, 45, 2A, 971…")),
    }
}

fn targets_of(state: &AppState, inputs: &[CodeInput]) -> Result<Vec<PlanCode>, ApiError> {
    if inputs.is_empty() || inputs.len() > MAX_TARGETS {
        return Err(field_error(
            "targets",
            format!("One to {MAX_TARGETS} occupations."),
        ));
    }
    let mut out: Vec<PlanCode> = Vec::new();
    for t in inputs {
        let (f, code, label, version) =
            known_code(state, &t.framework, &t.code).map_err(|e| e.with("field", "targets"))?;
        let kind = state.frameworks.index().get(f, &code).map(|c| c.kind);
        if !matches!(f, Framework::Rome | Framework::Esco)
            || kind != Some(atout_frameworks::ConceptKind::Occupation)
        {
            return Err(field_error(
                "targets",
                format!("{code} is not an occupation: a target is a ROME or ESCO occupation."),
            ));
        }
        if !out
            .iter()
            .any(|o| o.framework == f.as_str() && o.code == code)
        {
            out.push(PlanCode {
                framework: f.as_str().to_owned(),
                code,
                version: Some(version),
                label,
                essential: 1,
            });
        }
    }
    Ok(out)
}

fn skills_listed(state: &AppState, inputs: &[CodeInput]) -> Result<Vec<PlanCode>, ApiError> {
    if inputs.len() > MAX_LISTED {
        return Err(field_error(
            "skills",
            format!("At most {MAX_LISTED} skills."),
        ));
    }
    let mut out: Vec<PlanCode> = Vec::new();
    for s in inputs {
        let (f, code, label, version) =
            known_code(state, &s.framework, &s.code).map_err(|e| e.with("field", "skills"))?;
        if !out
            .iter()
            .any(|o| o.framework == f.as_str() && o.code == code)
        {
            out.push(PlanCode {
                framework: f.as_str().to_owned(),
                code,
                version: Some(version),
                label,
                essential: i64::from(s.essential.unwrap_or(true)),
            });
        }
    }
    Ok(out)
}

/// The plan as the API shows it: the gap computed now, against the
/// person's skills as they are now.
pub async fn plan_view(
    state: &AppState,
    full: PlanFull,
    skills: &[SkillView],
    lang: &str,
    with_sources: bool,
) -> Result<PlanView, ApiError> {
    let index = state.frameworks.index();
    let shown = |framework: &str, code: &str, written: &str| {
        let l = Framework::parse(framework).and_then(|f| index.label(f, code, lang));
        (
            l.as_ref()
                .map(|l| l.text.clone())
                .unwrap_or_else(|| written.to_owned()),
            l.as_ref().map(|l| l.lang.clone()),
            l.as_ref().is_some_and(|l| l.fallback),
        )
    };
    // Skill → (essential, needed by).
    let mut needed: BTreeMap<(String, String), (bool, Vec<String>, String)> = BTreeMap::new();
    let mut targets = Vec::new();
    for t in &full.targets {
        let links = state
            .store
            .links_from(
                &t.framework,
                std::slice::from_ref(&t.code),
                &["essential-skill", "optional-skill"],
            )
            .await?;
        for l in &links {
            let e = needed
                .entry((l.to_framework.clone(), l.to_code.clone()))
                .or_insert((false, Vec::new(), l.to_code.clone()));
            e.0 |= l.relation == "essential-skill";
            if !e.1.contains(&t.code) {
                e.1.push(t.code.clone());
            }
        }
        let (label, label_lang, fallback) = shown(&t.framework, &t.code, &t.label);
        targets.push(TargetView {
            framework: t.framework.clone(),
            code: t.code.clone(),
            label,
            label_lang,
            fallback,
            version: t.version.clone(),
            has_relations: !links.is_empty(),
        });
    }
    for s in &full.skills {
        let e = needed
            .entry((s.framework.clone(), s.code.clone()))
            .or_insert((false, Vec::new(), s.label.clone()));
        e.0 |= s.essential != 0;
        e.1.push("listed".to_owned());
    }
    let held: BTreeMap<(&str, &str), &SkillView> = skills
        .iter()
        .map(|s| ((s.framework.as_str(), s.code.as_str()), s))
        .collect();
    let missing: Vec<(String, String)> = needed
        .iter()
        .filter(|(k, _)| !held.contains_key(&(k.0.as_str(), k.1.as_str())))
        .map(|(k, _)| k.clone())
        .collect();
    let trainings = state.store.published_trainings(None, &missing, 500).await?;
    let today = state.clock.now().date_naive().to_string();
    let trainings: Vec<Training> = trainings
        .into_iter()
        .filter(|t| {
            // A training that has started is no longer open (unless it is
            // at a distance, which people join at any time).
            t.record.distance == 1 || t.record.starts_on.as_deref().is_none_or(|s| *s >= *today)
        })
        .collect();
    let mut per_skill: BTreeMap<(String, String), usize> = BTreeMap::new();
    for t in &trainings {
        for c in &t.codes {
            *per_skill.entry(c.clone()).or_default() += 1;
        }
    }
    let mut needed_views: Vec<NeededView> = needed
        .into_iter()
        .map(|((framework, code), (essential, by, written))| {
            let (label, label_lang, fallback) = shown(&framework, &code, &written);
            let h = held.get(&(framework.as_str(), code.as_str()));
            NeededView {
                trainings: per_skill
                    .get(&(framework.clone(), code.clone()))
                    .copied()
                    .unwrap_or(0),
                held: h.map(|s| s.evidence),
                sources: if with_sources {
                    h.map(|s| s.sources.clone()).unwrap_or_default()
                } else {
                    Vec::new()
                },
                framework,
                code,
                label,
                label_lang,
                fallback,
                essential,
                needed_by: by,
            }
        })
        .collect();
    needed_views.sort_by(|a, b| {
        b.essential
            .cmp(&a.essential)
            .then_with(|| a.held.is_some().cmp(&b.held.is_some()))
            .then_with(|| a.label.to_lowercase().cmp(&b.label.to_lowercase()))
    });
    let coverage = coverage(&needed_views, lang);
    // Trainings: most missing skills covered, then the plan's département,
    // then at a distance, then the soonest.
    let missing_set: BTreeSet<(String, String)> = missing.into_iter().collect();
    let orgs: BTreeMap<String, String> = match state.orgs.list().await {
        Ok(list) => list
            .into_iter()
            .map(|(o, _)| {
                let name = if lang == "en" { o.name_en } else { o.name_fr };
                (o.id, name)
            })
            .collect(),
        Err(_) => BTreeMap::new(),
    };
    let mut ranked: Vec<(usize, u8, String, TrainingSuggestion)> = trainings
        .into_iter()
        .filter_map(|t| {
            let covers: Vec<NeededRef> = t
                .codes
                .iter()
                .filter(|c| missing_set.contains(*c))
                .map(|(f, c)| NeededRef {
                    framework: f.clone(),
                    code: c.clone(),
                    label: needed_views
                        .iter()
                        .find(|n| &n.framework == f && &n.code == c)
                        .map(|n| n.label.clone())
                        .unwrap_or_else(|| c.clone()),
                })
                .collect();
            if covers.is_empty() {
                return None;
            }
            let r = t.record;
            let near = match (&full.plan.department, &r.department) {
                (Some(a), Some(b)) if a == b => 0,
                _ if r.distance == 1 => 1,
                _ => 2,
            };
            let mut reasons = vec!["skills".to_owned()];
            if near == 0 {
                reasons.push("same-department".to_owned());
            } else if near == 1 {
                reasons.push("distance".to_owned());
            }
            let start = r.starts_on.clone().unwrap_or_else(|| "9999".to_owned());
            Some((
                covers.len(),
                near,
                start,
                TrainingSuggestion {
                    organisation: orgs.get(&r.org_id).cloned().unwrap_or_default(),
                    id: r.id,
                    title: r.title,
                    commune: r.commune,
                    department: r.department,
                    distance: r.distance == 1,
                    starts_on: r.starts_on,
                    certification: r.certification,
                    cpf: r.cpf == 1,
                    url: r.url,
                    covers,
                    reasons,
                },
            ))
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(a.1.cmp(&b.1))
            .then_with(|| a.2.cmp(&b.2))
            .then_with(|| a.3.title.cmp(&b.3.title))
    });
    let needs_skills_listed = needed_views.is_empty();
    let p = full.plan;
    Ok(PlanView {
        id: p.id,
        title: p.title,
        department: p.department,
        status: p.status,
        shared: p.shared != 0,
        targets,
        needed: needed_views,
        needs_skills_listed,
        coverage,
        trainings: ranked
            .into_iter()
            .take(TRAININGS_SHOWN)
            .map(|r| r.3)
            .collect(),
        steps: full
            .steps
            .into_iter()
            .map(|s| StepView {
                id: s.id,
                kind: s.kind,
                title: s.title,
                training_id: s.training_id,
                framework: s.framework,
                code: s.code,
                due_on: s.due_on,
                status: s.status,
                created_at: s.created_at,
            })
            .collect(),
        comments: full
            .comments
            .into_iter()
            .map(|c| CommentView {
                id: c.id,
                author: c.author,
                invited: c.invitation_id.is_some(),
                body: c.body,
                created_at: c.created_at,
            })
            .collect(),
        created_at: p.created_at,
        updated_at: p.updated_at,
    })
}

/// Coverage: each needed skill weighs 2 if essential, 1 if optional; a
/// held skill counts its weight times 1 (certified), 0.7 (endorsed) or 0.4
/// (declared).
fn coverage(needed: &[NeededView], lang: &str) -> CoverageView {
    let mut total = 0.0;
    let mut got = 0.0;
    let (mut c, mut e, mut d) = (0, 0, 0);
    for n in needed {
        let w = if n.essential { 2.0 } else { 1.0 };
        total += w;
        if let Some(h) = n.held {
            got += w * h.weight();
            match h {
                Evidence::Certified => c += 1,
                Evidence::Endorsed => e += 1,
                Evidence::Declared => d += 1,
            }
        }
    }
    let percent = if total > 0.0 {
        ((got / total) * 100.0).round() as u32
    } else {
        0
    };
    let rule = if lang == "en" {
        "Each skill needed counts twice if essential, once if optional; a skill you hold counts in \
         full if certified by a credential that verifies, 70 % if endorsed, 40 % if only declared."
    } else {
        "Chaque compétence nécessaire compte double si elle est essentielle, simple si elle est \
         optionnelle ; une compétence que vous avez compte entièrement si elle est certifiée par \
         une attestation qui se vérifie, à 70 % si elle est recommandée, à 40 % si elle est \
         seulement déclarée."
    };
    CoverageView {
        percent,
        held: c + e + d,
        needed: needed.len(),
        certified: c,
        endorsed: e,
        declared: d,
        rule: rule.to_owned(),
    }
}

async fn own_view(
    state: &AppState,
    citizen: &Citizen,
    full: PlanFull,
    lang: &str,
) -> Result<PlanView, ApiError> {
    let skills = skills_of(state, citizen.id(), lang).await?;
    plan_view(state, full, &skills, lang, true).await
}

/// The citizen's plans, newest first, each with its gap. The citizen only.
#[utoipa::path(
    get, path = "/wallet/plans", tag = "plans",
    security(("cookie" = []), ("bearer" = [])),
    params(LangParam),
    responses(
        (status = 200, body = PlanList),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn list_plans(
    State(state): State<AppState>,
    citizen: Citizen,
    Query(p): Query<LangParam>,
) -> Result<Json<PlanList>, ApiError> {
    let lang = lang_of(p.lang.as_deref());
    let skills = skills_of(&state, citizen.id(), lang).await?;
    let mut items = Vec::new();
    for full in state.store.list_plans(citizen.id()).await? {
        items.push(plan_view(&state, full, &skills, lang, true).await?);
    }
    Ok(Json(PlanList { items }))
}

/// Start a plan from one to five target occupations. At most 20 plans.
/// The citizen only.
#[utoipa::path(
    post, path = "/wallet/plans", tag = "plans",
    security(("cookie" = []), ("bearer" = [])),
    params(LangParam),
    request_body = NewPlan,
    responses(
        (status = 201, body = PlanView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "The most plans are kept", content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn create_plan(
    State(state): State<AppState>,
    citizen: Citizen,
    Query(q): Query<LangParam>,
    Json(body): Json<NewPlan>,
) -> Result<(StatusCode, Json<PlanView>), ApiError> {
    let targets = targets_of(&state, &body.targets)?;
    let title = match body
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(t) => text("title", t, 200)?,
        None => targets[0].label.chars().take(200).collect(),
    };
    let now = state.clock.now();
    let plan = PlanRecord {
        id: new_id(),
        citizen_id: citizen.id().to_owned(),
        title,
        department: department(body.department.as_deref())?,
        status: "active".to_owned(),
        shared: i64::from(body.shared),
        created_at: now,
        updated_at: now,
    };
    match state.store.create_plan(&plan, &targets, MAX_PLANS).await? {
        Limited::Done => {}
        Limited::TooMany => {
            return Err(ApiError::conflict(format!(
                "At most {MAX_PLANS} plans: delete or reuse one."
            )))
        }
        _ => return Err(ApiError::unauthorized("This account is gone.")),
    }
    let full = state
        .store
        .get_plan(citizen.id(), &plan.id)
        .await?
        .ok_or_else(not_found)?;
    let lang = lang_of(q.lang.as_deref());
    Ok((
        StatusCode::CREATED,
        Json(own_view(&state, &citizen, full, lang).await?),
    ))
}

/// A plan with its gap, suggested trainings, steps and comments. The
/// citizen only.
#[utoipa::path(
    get, path = "/wallet/plans/{id}", tag = "plans",
    security(("cookie" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "The plan's id"), LangParam),
    responses(
        (status = 200, body = PlanView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn get_plan(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
    Query(q): Query<LangParam>,
) -> Result<Json<PlanView>, ApiError> {
    let full = state
        .store
        .get_plan(citizen.id(), &id)
        .await?
        .ok_or_else(not_found)?;
    Ok(Json(
        own_view(&state, &citizen, full, lang_of(q.lang.as_deref())).await?,
    ))
}

/// Change a plan's title, département, status, targets and the skills the
/// citizen lists (steps and comments stay). The citizen only.
#[utoipa::path(
    put, path = "/wallet/plans/{id}", tag = "plans",
    security(("cookie" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "The plan's id"), LangParam),
    request_body = PlanUpdate,
    responses(
        (status = 200, body = PlanView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn put_plan(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
    Query(q): Query<LangParam>,
    Json(body): Json<PlanUpdate>,
) -> Result<Json<PlanView>, ApiError> {
    let targets = targets_of(&state, &body.targets)?;
    let skills = skills_listed(&state, &body.skills)?;
    if !matches!(body.status.as_str(), "active" | "archived") {
        return Err(field_error("status", "active or archived"));
    }
    let existing = state
        .store
        .get_plan(citizen.id(), &id)
        .await?
        .ok_or_else(not_found)?;
    let plan = PlanRecord {
        title: text("title", &body.title, 200)?,
        department: department(body.department.as_deref())?,
        status: body.status,
        shared: i64::from(body.shared),
        updated_at: state.clock.now(),
        ..existing.plan
    };
    if !state.store.update_plan(&plan, &targets, &skills).await? {
        return Err(not_found());
    }
    let full = state
        .store
        .get_plan(citizen.id(), &id)
        .await?
        .ok_or_else(not_found)?;
    Ok(Json(
        own_view(&state, &citizen, full, lang_of(q.lang.as_deref())).await?,
    ))
}

/// Delete a plan with its steps and comments. The citizen only.
#[utoipa::path(
    delete, path = "/wallet/plans/{id}", tag = "plans",
    security(("cookie" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "The plan's id")),
    responses(
        (status = 204),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn delete_plan(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    if state.store.delete_plan(citizen.id(), &id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found())
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewStep {
    /// `training`, `credential`, `experience` or `other`.
    pub kind: String,
    /// What to do; for a training of the catalogue, its title by default.
    pub title: Option<String>,
    /// A training of the catalogue.
    pub training_id: Option<String>,
    /// The skill the step closes.
    pub framework: Option<String>,
    pub code: Option<String>,
    /// YYYY-MM-DD.
    pub due_on: Option<String>,
    /// `todo` (default), `doing` or `done`.
    pub status: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StepPatch {
    pub title: Option<String>,
    /// YYYY-MM-DD; an empty string takes the date away.
    pub due_on: Option<String>,
    pub status: Option<String>,
}

fn due(value: Option<&str>) -> Result<Option<String>, ApiError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(|d| Some(d.to_string()))
            .map_err(|_| field_error("dueOn", "A date as YYYY-MM-DD.")),
    }
}

fn step_status(value: Option<&str>) -> Result<String, ApiError> {
    match value.unwrap_or("todo") {
        s @ ("todo" | "doing" | "done") => Ok(s.to_owned()),
        _ => Err(field_error("status", "todo, doing or done")),
    }
}

/// Add a step at the end of a plan. At most 100. The citizen only.
#[utoipa::path(
    post, path = "/wallet/plans/{id}/steps", tag = "plans",
    security(("cookie" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "The plan's id")),
    request_body = NewStep,
    responses(
        (status = 201, body = StepView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "The most steps are there", content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn add_step(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
    Json(body): Json<NewStep>,
) -> Result<(StatusCode, Json<StepView>), ApiError> {
    if !matches!(
        body.kind.as_str(),
        "training" | "credential" | "experience" | "other"
    ) {
        return Err(field_error(
            "kind",
            "training, credential, experience or other",
        ));
    }
    let training = match body.training_id.as_deref().filter(|t| !t.is_empty()) {
        Some(t) => Some(
            state
                .store
                .get_training(t)
                .await?
                .filter(|t| t.record.status == "published")
                .ok_or_else(|| field_error("trainingId", "No published training has this id."))?,
        ),
        None => None,
    };
    let title = match (
        body.title.as_deref().filter(|t| !t.trim().is_empty()),
        &training,
    ) {
        (Some(t), _) => text("title", t, 200)?,
        (None, Some(t)) => t.record.title.clone(),
        (None, None) => return Err(field_error("title", "This is required.")),
    };
    let (framework, code) = match (&body.framework, &body.code) {
        (Some(f), Some(c)) => {
            let (f, c, _, _) = known_code(&state, f, c)?;
            (Some(f.as_str().to_owned()), Some(c))
        }
        (None, None) => (None, None),
        _ => {
            return Err(field_error(
                "code",
                "Give both framework and code, or neither.",
            ))
        }
    };
    let now = state.clock.now();
    let step = StepRecord {
        id: new_id(),
        plan_id: id,
        kind: body.kind,
        title,
        training_id: training.map(|t| t.record.id),
        framework,
        code,
        due_on: due(body.due_on.as_deref())?,
        status: step_status(body.status.as_deref())?,
        position: 0,
        created_at: now,
        updated_at: now,
    };
    match state.store.add_step(citizen.id(), &step, MAX_STEPS).await? {
        Limited::Done => {}
        Limited::TooMany => {
            return Err(ApiError::conflict(format!(
                "At most {MAX_STEPS} steps in a plan."
            )))
        }
        _ => return Err(not_found()),
    }
    Ok((
        StatusCode::CREATED,
        Json(StepView {
            id: step.id,
            kind: step.kind,
            title: step.title,
            training_id: step.training_id,
            framework: step.framework,
            code: step.code,
            due_on: step.due_on,
            status: step.status,
            created_at: step.created_at,
        }),
    ))
}

/// Change a step's title, due date or status. The citizen only.
#[utoipa::path(
    patch, path = "/wallet/plans/{id}/steps/{step}", tag = "plans",
    security(("cookie" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "The plan's id"), ("step" = String, Path, description = "The step's id")),
    request_body = StepPatch,
    responses(
        (status = 200, body = StepView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn patch_step(
    State(state): State<AppState>,
    citizen: Citizen,
    Path((id, step_id)): Path<(String, String)>,
    Json(body): Json<StepPatch>,
) -> Result<Json<StepView>, ApiError> {
    let full = state
        .store
        .get_plan(citizen.id(), &id)
        .await?
        .ok_or_else(not_found)?;
    let mut step = full
        .steps
        .into_iter()
        .find(|s| s.id == step_id)
        .ok_or_else(|| ApiError::not_found("This plan has no step with this id."))?;
    if let Some(t) = &body.title {
        step.title = text("title", t, 200)?;
    }
    if let Some(d) = &body.due_on {
        step.due_on = due(Some(d))?;
    }
    if let Some(s) = &body.status {
        step.status = step_status(Some(s))?;
    }
    step.updated_at = state.clock.now();
    if !state.store.update_step(citizen.id(), &step).await? {
        return Err(not_found());
    }
    Ok(Json(StepView {
        id: step.id,
        kind: step.kind,
        title: step.title,
        training_id: step.training_id,
        framework: step.framework,
        code: step.code,
        due_on: step.due_on,
        status: step.status,
        created_at: step.created_at,
    }))
}

/// Take a step away. The citizen only.
#[utoipa::path(
    delete, path = "/wallet/plans/{id}/steps/{step}", tag = "plans",
    security(("cookie" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "The plan's id"), ("step" = String, Path, description = "The step's id")),
    responses(
        (status = 204),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn delete_step(
    State(state): State<AppState>,
    citizen: Citizen,
    Path((id, step_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    if state.store.delete_step(citizen.id(), &id, &step_id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("This plan has no step with this id."))
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewComment {
    /// Up to 2,000 characters.
    pub body: String,
}

/// Comment on one's own plan (answering a counsellor). The citizen only.
#[utoipa::path(
    post, path = "/wallet/plans/{id}/comments", tag = "plans",
    security(("cookie" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "The plan's id")),
    request_body = NewComment,
    responses(
        (status = 201, body = CommentView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn add_comment(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
    Json(body): Json<NewComment>,
) -> Result<(StatusCode, Json<CommentView>), ApiError> {
    let author = citizen.record.display_name.clone();
    comment(&state, citizen.id(), &id, None, author, &body.body).await
}

async fn comment(
    state: &AppState,
    citizen_id: &str,
    plan_id: &str,
    invitation_id: Option<String>,
    author: String,
    body: &str,
) -> Result<(StatusCode, Json<CommentView>), ApiError> {
    let c = CommentRecord {
        id: new_id(),
        plan_id: plan_id.to_owned(),
        invitation_id,
        author,
        body: text("body", body, 2000)?,
        created_at: state.clock.now(),
    };
    match state
        .store
        .add_comment(citizen_id, &c, MAX_COMMENTS)
        .await?
    {
        Limited::Done => {}
        Limited::TooMany => {
            return Err(ApiError::conflict(format!(
                "At most {MAX_COMMENTS} comments on a plan."
            )))
        }
        _ => return Err(not_found()),
    }
    Ok((
        StatusCode::CREATED,
        Json(CommentView {
            invited: c.invitation_id.is_some(),
            id: c.id,
            author: c.author,
            body: c.body,
            created_at: c.created_at,
        }),
    ))
}

/// The plans the citizen shares with the people they invite, with the gap
/// (evidence levels, not the credentials behind them). An invited person
/// of any role, with a session of this invitation.
#[utoipa::path(
    get, path = "/i/{token}/plans", tag = "plans",
    security(("bearer" = [])),
    params(("token" = String, Path, description = "The invitation link's token"), LangParam),
    responses(
        (status = 200, body = PlanList),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 410, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn invited_plans(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Path(token): Path<String>,
    Query(q): Query<LangParam>,
    headers: HeaderMap,
) -> Result<Json<PlanList>, ApiError> {
    let i = invited(&state, client, &token, &headers, None).await?;
    let lang = lang_of(q.lang.as_deref());
    let skills = skills_of(&state, &i.citizen_id, lang).await?;
    let mut items = Vec::new();
    for full in state.store.list_plans(&i.citizen_id).await? {
        if full.plan.shared != 0 {
            items.push(plan_view(&state, full, &skills, lang, false).await?);
        }
    }
    log(&state, &i.id, "read-plans", None).await;
    Ok(Json(PlanList { items }))
}

/// Comment on a plan the citizen shares. An invited contributor, with a
/// session of this invitation.
#[utoipa::path(
    post, path = "/i/{token}/plans/{id}/comments", tag = "plans",
    security(("bearer" = [])),
    params(("token" = String, Path, description = "The invitation link's token"), ("id" = String, Path, description = "The plan's id")),
    request_body = NewComment,
    responses(
        (status = 201, body = CommentView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, description = "Not a contributor", content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 410, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn invited_comment(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Path((token, id)): Path<(String, String)>,
    headers: HeaderMap,
    request: axum::extract::Request,
) -> Result<(StatusCode, Json<CommentView>), ApiError> {
    let i = invited(&state, client, &token, &headers, Some(Role::Contributor)).await?;
    // The body is read once the caller is known to be let in.
    let Json(body) = Json::<NewComment>::from_request(request, &state).await?;
    let shared = state
        .store
        .get_plan(&i.citizen_id, &id)
        .await?
        .is_some_and(|p| p.plan.shared != 0);
    if !shared {
        return Err(ApiError::not_found("No plan shared with you has this id."));
    }
    let out = comment(
        &state,
        &i.citizen_id,
        &id,
        Some(i.id.clone()),
        i.email.clone(),
        &body.body,
    )
    .await?;
    log(&state, &i.id, "comment-plan", Some(id)).await;
    Ok(out)
}
