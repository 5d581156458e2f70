//! Career plans (`/me/plans`): from the occupations a citizen aims at, to
//! the skills they need, to which of those the citizen can already show
//! (certified, endorsed, declared), to the trainings that close the gap,
//! to the steps they take; comments (theirs and the invited counsellors'),
//! the plan's settings, deletion. The logged-in citizen only (another
//! citizen's plan is 404, as in the API).
//!
//! Occupations and skills are picked with the framework combobox; without
//! JavaScript the words typed are searched and the best matches come back
//! as radio buttons ([`super::skills::Pick`]).
//!
//! Where the frameworks loaded do not say which skills an occupation needs
//! (ROME codes, most ESCO occupations), the plan says so and offers to
//! list the skills by hand or to aim at a related ESCO occupation that has
//! them (`/me/plans/{id}/targets`).

use super::{
    skills::{search_and_offer, search_url, Hit, Pick, Picked},
    Me,
};
use crate::{
    api::{seg, As},
    ctx::Ctx,
    forms::{Errors, PostForm},
    invited::plan_wire::{day, Plan, Step},
    page::{render, see_other, Chrome, PageError},
    PortalState,
};
use askama::Template;
use atout_web::i18n::Tr;
use axum::{
    extract::{Path, State},
    http::{Method, StatusCode},
    response::Response,
    routing::{get, post},
    Router,
};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/me/plans", get(list).post(create))
        .route("/me/plans/{id}", get(show).post(save))
        .route("/me/plans/{id}/skills", post(add_skill))
        .route("/me/plans/{id}/skills/remove", post(remove_skill))
        .route("/me/plans/{id}/targets", get(targets).post(add_target))
        .route("/me/plans/{id}/targets/remove", post(remove_target))
        .route("/me/plans/{id}/steps", post(add_step))
        .route("/me/plans/{id}/steps/{step}", post(update_step))
        .route("/me/plans/{id}/steps/{step}/delete", post(delete_step))
        .route("/me/plans/{id}/comments", post(comment))
        .route("/me/plans/{id}/delete", get(delete_page).post(delete))
}

/// The search behind a target field: ROME and ESCO occupations.
const TARGET_SEARCH: (&str, &str) = ("occupation", "ROME,ESCO");
/// The search for a related occupation whose skills are listed.
const RELATED_SEARCH: (&str, &str) = ("occupation", "ESCO");
const TARGET_FRAMEWORKS: [&str; 2] = ["ROME", "ESCO"];
/// The search behind the plan's skill field.
const SKILL_SEARCH: (&str, &str) = super::skills::SKILL_SEARCH;
const SKILL_FRAMEWORKS: [&str; 1] = ["ESCO"];
/// The kinds of step typed by hand (a training comes from the catalogue).
pub const STEP_KINDS: [&str; 3] = ["credential", "experience", "other"];
pub const STEP_STATUSES: [&str; 3] = ["todo", "doing", "done"];
pub const PLAN_STATUSES: [&str; 2] = ["active", "archived"];
/// The most occupations a plan aims at (the API's bound).
const MAX_TARGETS: usize = 5;
const PREFIXES: [&str; 2] = ["pl-field-", "field-"];

// ---- What the API takes ---------------------------------------------------

/// A plan's settings as typed.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub title: String,
    pub department: String,
    pub status: String,
    pub shared: bool,
}

impl Settings {
    fn of(p: &Plan) -> Self {
        Self {
            title: p.title.clone(),
            department: p.department.clone().unwrap_or_default(),
            status: p.status.clone(),
            shared: p.shared,
        }
    }

    fn from_form(form: &PostForm) -> Self {
        Self {
            title: form.text("title"),
            department: form.text("department"),
            status: form.text("status"),
            shared: form.checked("shared"),
        }
    }
}

/// A framework code of a plan: (framework, code).
type Code = (String, String);
/// A skill the citizen listed: (framework, code, essential).
type Listed = (String, String, bool);

/// The plan's targets.
fn targets_of(p: &Plan) -> Vec<Code> {
    p.targets
        .iter()
        .map(|t| (t.framework.clone(), t.code.clone()))
        .collect()
}

/// The skills the citizen listed in the plan, with whether each is
/// essential.
fn listed_of(p: &Plan) -> Vec<Listed> {
    p.needed
        .iter()
        .filter(|n| n.listed())
        .map(|n| (n.framework.clone(), n.code.clone(), n.essential))
        .collect()
}

/// `list` with `code` in it (once), essential or not.
fn with_listed(
    mut list: Vec<Listed>,
    (framework, code): (&str, &str),
    essential: bool,
) -> Vec<Listed> {
    match list
        .iter_mut()
        .find(|(f, c, _)| f == framework && c == code)
    {
        Some(found) => found.2 = essential,
        None => list.push((framework.to_owned(), code.to_owned(), essential)),
    }
    list
}

/// The whole plan as `PUT /wallet/plans/{id}` takes it.
fn put_body(s: &Settings, targets: &[Code], listed: &[Listed]) -> Value {
    let department = if s.department.is_empty() {
        Value::Null
    } else {
        Value::String(s.department.clone())
    };
    json!({
        "title": s.title,
        "department": department,
        "status": s.status,
        "shared": s.shared,
        "targets": targets
            .iter()
            .map(|(f, c)| json!({"framework": f, "code": c}))
            .collect::<Vec<_>>(),
        "skills": listed
            .iter()
            .map(|(f, c, e)| json!({"framework": f, "code": c, "essential": e}))
            .collect::<Vec<_>>(),
    })
}

/// Words to search for an occupation like one of ROME's, whose labels
/// name both genders: "Développeur / Développeuse web" gives "Développeur
/// web", "Aide-soignant / Aide-soignante" gives "Aide-soignant".
fn search_words(label: &str) -> String {
    match label.split_once(" / ") {
        Some((first, second)) => {
            let rest: Vec<&str> = second.split_whitespace().skip(1).collect();
            if rest.is_empty() {
                first.trim().to_owned()
            } else {
                format!("{} {}", first.trim(), rest.join(" "))
            }
        }
        None => label.trim().to_owned(),
    }
}

/// The framework and code a form's value names (`ESCO http://…`).
fn code_of(value: &str) -> Option<(&str, &str)> {
    super::skills::parse_choice(value)
}

// ---- Reading ----------------------------------------------------------------

#[derive(Deserialize)]
struct PlanList {
    items: Vec<Plan>,
}

fn plan_path(ctx: &Ctx, id: &str) -> String {
    format!("/wallet/plans/{}?lang={}", seg(id), ctx.lang.code())
}

async fn load(state: &PortalState, ctx: &Ctx, me: &Me, id: &str) -> Result<Plan, PageError> {
    state
        .get(ctx, &me.who, &plan_path(ctx, id))
        .await?
        .json()
        .await
}

/// The form's errors for an API problem: the statuses every page treats
/// alike end the page; 409 (as many as allowed) is said with `too_many`
/// on `field`; the others go to the fields `fields` maps them to.
fn problem_errors(
    tr: &Tr,
    problem: crate::api::Problem,
    fields: &[(&str, &str)],
    (field, too_many): (&str, &str),
) -> Result<Errors, PageError> {
    if matches!(problem.status, 401 | 403 | 404 | 410) {
        return Err(PageError::from_problem(problem));
    }
    if problem.status == 409 {
        crate::problems::log(&problem);
        let mut errors = Errors::default();
        errors.add(field, tr.get(too_many));
        return Ok(errors);
    }
    Ok(Errors::from_problem_mapped(tr, &problem, fields, &PREFIXES))
}

fn status_of(errors: &Errors) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

fn with_status(mut response: Response, status: StatusCode) -> Response {
    *response.status_mut() = status;
    response
}

// ---- The list and a new plan ------------------------------------------------

/// A new plan as typed (the target apart).
#[derive(Debug, Clone, Default)]
struct NewDraft {
    title: String,
    department: String,
    shared: bool,
}

#[derive(Template)]
#[template(path = "me/plans/list.html")]
struct ListPage {
    c: Chrome,
    plans: Vec<Plan>,
    d: NewDraft,
    pick: Pick,
    choices: Vec<Hit>,
    url: String,
    errors: Errors,
}

impl ListPage {
    /// How far a plan is, in words.
    fn progress(&self, p: &Plan) -> String {
        let mut parts = Vec::new();
        if p.needed.is_empty() {
            parts.push(self.c.t("pl-coverage-none-short"));
        } else {
            parts.push(p.percent_words(&self.c));
            parts.push(self.c.tr.with(
                "pl-list-held",
                &[
                    ("held", p.coverage.held.into()),
                    ("needed", p.coverage.needed.into()),
                ],
            ));
        }
        parts.push(self.c.tr.with(
            "pl-list-steps",
            &[
                ("done", p.steps_done().into()),
                ("count", p.steps.len().into()),
            ],
        ));
        parts.join(" · ")
    }
}

async fn list_view(
    state: &PortalState,
    ctx: &Ctx,
    me: &Me,
    d: NewDraft,
    pick: Pick,
    choices: Vec<Hit>,
    errors: Errors,
) -> Result<ListPage, PageError> {
    let list: PlanList = state
        .get(
            ctx,
            &me.who,
            &format!("/wallet/plans?lang={}", ctx.lang.code()),
        )
        .await?
        .json()
        .await?;
    Ok(ListPage {
        c: me.chrome(state, ctx, "pl-title").for_page("/me/plans"),
        plans: list.items,
        d,
        pick,
        choices,
        url: search_url(TARGET_SEARCH.0, TARGET_SEARCH.1),
        errors,
    })
}

/// The citizen's plans and the form for a new one. The logged-in citizen.
async fn list(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let page = list_view(
        &state,
        &ctx,
        &me,
        NewDraft::default(),
        Pick::default(),
        Vec::new(),
        Errors::default(),
    )
    .await?;
    Ok(render(ctx.lang, &page))
}

/// A new plan aimed at an occupation: made at once when the occupation's
/// code came with the form; words alone are searched and the page offers
/// the matches. The logged-in citizen (CSRF-checked).
async fn create(
    State(state): State<PortalState>,
    ctx: Ctx,
    form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let t = ctx.t();
    let d = NewDraft {
        title: form.text("title"),
        department: form.text("department"),
        shared: form.checked("shared"),
    };
    let mut pick = Pick::from_form(&form, "target");
    let mut choices = Vec::new();
    let errors = match pick.resolve(&TARGET_FRAMEWORKS) {
        Picked::Code(framework, code) => {
            let opt = |s: &str| (!s.is_empty()).then(|| s.to_owned());
            let body = json!({
                "title": opt(&d.title),
                "department": opt(&d.department),
                "targets": [{"framework": framework, "code": code}],
                "shared": d.shared,
            });
            let reply = state
                .send_json(
                    &ctx,
                    &me.who,
                    Method::POST,
                    &format!("/wallet/plans?lang={}", ctx.lang.code()),
                    &body,
                )
                .await?;
            if reply.ok() {
                let plan: Plan = reply.json().await?;
                return Ok(see_other(&format!(
                    "/me/plans/{}?done=done-plan-created",
                    seg(&plan.id)
                )));
            }
            let errors = problem_errors(
                t,
                reply.problem().await,
                &[
                    ("title", "title"),
                    ("department", "department"),
                    ("targets", "target"),
                    ("shared", "shared"),
                ],
                ("", "pl-too-many-plans"),
            )?;
            if errors.has("target") {
                pick.forget_code();
            }
            errors
        }
        Picked::Search(words) | Picked::Unchosen(words) => {
            let (hits, errors) =
                search_and_offer(&state, &ctx, "target", &mut pick, &words, TARGET_SEARCH).await?;
            choices = hits;
            errors
        }
        Picked::Nothing => {
            let mut e = Errors::default();
            e.add("target", t.get("pl-field-target"));
            e
        }
    };
    let status = status_of(&errors);
    let page = list_view(&state, &ctx, &me, d, pick, choices, errors).await?;
    Ok(with_status(render(ctx.lang, &page), status))
}

// ---- One plan -------------------------------------------------------------------

/// What the plan page's forms keep after an error (or the plan's values).
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub settings: Settings,
    /// The skill to list.
    pub skill: Pick,
    pub essential: bool,
    /// The step to add.
    pub step_kind: String,
    pub step_title: String,
    pub step_due: String,
    pub step_skill: String,
    pub comment: String,
    /// The step whose form came back, with its values.
    pub step: String,
    pub step_status: String,
    pub step_due_again: String,
}

impl Draft {
    fn of(p: &Plan) -> Self {
        Self {
            settings: Settings::of(p),
            essential: true,
            step_kind: "other".into(),
            ..Default::default()
        }
    }
}

#[derive(Template)]
#[template(path = "me/plans/plan.html")]
struct PlanPage {
    c: Chrome,
    p: Plan,
    /// The citizen's own page: sources, links and forms (the invited
    /// person's page shares the gap's template without them).
    own: bool,
    d: Draft,
    /// The matches offered for the skill typed (without JavaScript).
    choices: Vec<Hit>,
    skill_url: String,
    step_kinds: [&'static str; 3],
    statuses: [&'static str; 3],
    errors: Errors,
}

impl PlanPage {
    /// A heading's level (this page's sections are `h2`).
    fn h(&self, n: u8) -> u8 {
        n
    }

    fn day(&self, ymd: &str) -> String {
        day(&self.c, ymd)
    }

    /// The search for a related ESCO occupation, from the first target
    /// whose skills the frameworks do not list.
    fn related_href(&self) -> String {
        let label = self
            .p
            .targets
            .iter()
            .find(|t| !t.has_relations)
            .or(self.p.targets.first())
            .map(|t| t.label.as_str())
            .unwrap_or("");
        let words = search_words(label);
        format!(
            "/me/plans/{}/targets?{}",
            seg(&self.p.id),
            serde_urlencoded::to_string([("q", words.as_str()), ("related", "1")])
                .unwrap_or_default()
        )
    }

    fn training_href(&self, id: &str) -> String {
        format!("/formations/{}", seg(id))
    }

    fn step_status<'a>(&'a self, s: &'a Step) -> &'a str {
        if self.d.step == s.id {
            &self.d.step_status
        } else {
            &s.status
        }
    }

    fn step_due<'a>(&'a self, s: &'a Step) -> &'a str {
        if self.d.step == s.id {
            &self.d.step_due_again
        } else {
            s.due_on.as_deref().unwrap_or("")
        }
    }

    fn step_error(&self, field: &str, s: &Step) -> Option<&str> {
        self.errors.get(&format!("{field}-{}", s.id))
    }
}

async fn plan_page(
    state: &PortalState,
    ctx: &Ctx,
    me: &Me,
    p: Plan,
    d: Option<Draft>,
    choices: Vec<Hit>,
    errors: Errors,
) -> Result<Response, PageError> {
    let status = status_of(&errors);
    let mut c = me
        .chrome(state, ctx, "pl-plan-title")
        .for_page(&format!("/me/plans/{}", seg(&p.id)));
    // The browser's tab names the plan.
    c.title = p.title.clone();
    let page = PlanPage {
        c,
        d: d.unwrap_or_else(|| Draft::of(&p)),
        p,
        own: true,
        choices,
        skill_url: search_url(SKILL_SEARCH.0, SKILL_SEARCH.1),
        step_kinds: STEP_KINDS,
        statuses: STEP_STATUSES,
        errors,
    };
    Ok(with_status(render(ctx.lang, &page), status))
}

/// One plan: its targets, the gap, the trainings that close it, the
/// steps, the comments and its settings. The logged-in citizen (others:
/// 404).
async fn show(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let p = load(&state, &ctx, &me, &id).await?;
    plan_page(&state, &ctx, &me, p, None, Vec::new(), Errors::default()).await
}

/// PUTs the plan with `settings`, `targets` and `listed`: `Ok(None)` when
/// it is saved, else the form's errors.
async fn put(
    state: &PortalState,
    ctx: &Ctx,
    me: &Me,
    id: &str,
    (settings, targets, listed): (&Settings, &[Code], &[Listed]),
    fields: &[(&str, &str)],
) -> Result<Option<Errors>, PageError> {
    let reply = state
        .send_json(
            ctx,
            &me.who,
            Method::PUT,
            &plan_path(ctx, id),
            &put_body(settings, targets, listed),
        )
        .await?;
    if reply.ok() {
        return Ok(None);
    }
    Ok(Some(problem_errors(
        ctx.t(),
        reply.problem().await,
        fields,
        ("", "error-conflict"),
    )?))
}

/// Saves the plan's title, département, status and sharing. The logged-in
/// citizen (CSRF-checked).
async fn save(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let t = ctx.t();
    let p = load(&state, &ctx, &me, &id).await?;
    let settings = Settings::from_form(&form);
    let mut errors = Errors::default();
    if settings.title.is_empty() {
        errors.add("title", t.get("pl-field-title"));
    }
    if !PLAN_STATUSES.contains(&settings.status.as_str()) {
        errors.add("status", t.get("pl-field-status"));
    }
    if errors.is_empty() {
        let saved = put(
            &state,
            &ctx,
            &me,
            &id,
            (&settings, &targets_of(&p), &listed_of(&p)),
            &[
                ("title", "title"),
                ("department", "department"),
                ("status", "status"),
                ("shared", "shared"),
            ],
        )
        .await?;
        match saved {
            None => {
                return Ok(see_other(&format!(
                    "/me/plans/{}?done=done-plan-saved",
                    seg(&id)
                )))
            }
            Some(e) => errors = e,
        }
    }
    let d = Draft {
        settings,
        ..Draft::of(&p)
    };
    plan_page(&state, &ctx, &me, p, Some(d), Vec::new(), errors).await
}

/// Lists a skill in the plan (essential or optional): where the
/// frameworks do not say which skills a target needs, or to add to them.
/// A code chosen is listed; words alone are searched and the page offers
/// the matches. The logged-in citizen (CSRF-checked).
async fn add_skill(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let t = ctx.t();
    let p = load(&state, &ctx, &me, &id).await?;
    let mut pick = Pick::from_form(&form, "skill");
    let essential = form.get("essential") != Some("optional");
    let mut choices = Vec::new();
    let errors = match pick.resolve(&SKILL_FRAMEWORKS) {
        Picked::Code(framework, code) => {
            let listed = with_listed(listed_of(&p), (&framework, &code), essential);
            let saved = put(
                &state,
                &ctx,
                &me,
                &id,
                (&Settings::of(&p), &targets_of(&p), &listed),
                &[
                    ("skills", "skill"),
                    ("code", "skill"),
                    ("framework", "skill"),
                ],
            )
            .await?;
            match saved {
                None => {
                    return Ok(see_other(&format!(
                        "/me/plans/{}?done=done-plan-skill-added",
                        seg(&id)
                    )))
                }
                Some(mut e) => {
                    pick.forget_code();
                    // Anything about the plan as a whole is about this skill.
                    for (field, _) in &mut e.0 {
                        if field.is_empty() {
                            *field = "skill".into();
                        }
                    }
                    e
                }
            }
        }
        Picked::Search(words) | Picked::Unchosen(words) => {
            let (hits, errors) =
                search_and_offer(&state, &ctx, "skill", &mut pick, &words, SKILL_SEARCH).await?;
            choices = hits;
            errors
        }
        Picked::Nothing => {
            let mut e = Errors::default();
            e.add("skill", t.get("pl-field-skill"));
            e
        }
    };
    let d = Draft {
        skill: pick,
        essential,
        ..Draft::of(&p)
    };
    plan_page(&state, &ctx, &me, p, Some(d), choices, errors).await
}

/// Takes a skill the citizen listed out of the plan. The logged-in
/// citizen (CSRF-checked).
async fn remove_skill(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let p = load(&state, &ctx, &me, &id).await?;
    let value = form.text("skill");
    let Some((framework, code)) = code_of(&value) else {
        return Err(PageError::NotFound);
    };
    let listed: Vec<_> = listed_of(&p)
        .into_iter()
        .filter(|(f, c, _)| !(f == framework && c == code))
        .collect();
    let saved = put(
        &state,
        &ctx,
        &me,
        &id,
        (&Settings::of(&p), &targets_of(&p), &listed),
        &[],
    )
    .await?;
    match saved {
        None => Ok(see_other(&format!(
            "/me/plans/{}?done=done-plan-skill-removed",
            seg(&id)
        ))),
        Some(errors) => plan_page(&state, &ctx, &me, p, None, Vec::new(), errors).await,
    }
}

// ---- Targets ----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "me/plans/targets.html")]
struct TargetsPage {
    c: Chrome,
    p: Plan,
    /// Looking for an ESCO occupation whose skills are listed.
    related: bool,
    pick: Pick,
    choices: Vec<Hit>,
    url: String,
    max: usize,
    errors: Errors,
}

/// Says of each ESCO occupation offered how many skills the frameworks
/// loaded list for it (`/frameworks/concept`), those with some first.
async fn with_skill_counts(state: &PortalState, ctx: &Ctx, hits: Vec<Hit>) -> Vec<Hit> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Concept {
        #[serde(default)]
        essential_skills: Vec<Value>,
        #[serde(default)]
        optional_skills: Vec<Value>,
    }
    let lookups = hits.iter().map(|h| async move {
        if h.framework != "ESCO" {
            return Some(0);
        }
        let query = serde_urlencoded::to_string([
            ("framework", h.framework.as_str()),
            ("code", h.code.as_str()),
        ])
        .ok()?;
        let reply = state
            .get(ctx, &As::Nobody, &format!("/frameworks/concept?{query}"))
            .await
            .ok()?;
        if !reply.ok() {
            return None;
        }
        let concept: Concept = reply.json().await.ok()?;
        Some(concept.essential_skills.len() + concept.optional_skills.len())
    });
    let counts = futures_util::future::join_all(lookups).await;
    let mut hits: Vec<Hit> = hits
        .into_iter()
        .zip(counts)
        .map(|(mut h, n)| {
            h.skills = n;
            h
        })
        .collect();
    // Stable: the search's order within each group.
    hits.sort_by_key(|h| h.skills.unwrap_or(0) == 0);
    hits
}

async fn targets_page(
    state: &PortalState,
    ctx: &Ctx,
    me: &Me,
    p: Plan,
    (related, pick, choices): (bool, Pick, Vec<Hit>),
    errors: Errors,
) -> Result<Response, PageError> {
    let status = status_of(&errors);
    let what = if related {
        RELATED_SEARCH
    } else {
        TARGET_SEARCH
    };
    let page = TargetsPage {
        c: me
            .chrome(state, ctx, "pl-targets-page-title")
            .for_page(&format!("/me/plans/{}/targets", seg(&p.id))),
        p,
        related,
        pick,
        choices,
        url: search_url(what.0, what.1),
        max: MAX_TARGETS,
        errors,
    };
    Ok(with_status(render(ctx.lang, &page), status))
}

/// The plan's target occupations, to add one (with `?q=`: the matches of
/// these words; `related=1`: ESCO occupations, with whether their skills
/// are listed) or take one away. The logged-in citizen.
async fn targets(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let p = load(&state, &ctx, &me, &id).await?;
    let related = ctx.query_param("related").as_deref() == Some("1");
    let words: String = ctx
        .query_param("q")
        .unwrap_or_default()
        .trim()
        .chars()
        .take(200)
        .collect();
    let mut pick = Pick {
        text: words.clone(),
        ..Default::default()
    };
    let (mut choices, errors) = if words.is_empty() {
        (Vec::new(), Errors::default())
    } else {
        let what = if related {
            RELATED_SEARCH
        } else {
            TARGET_SEARCH
        };
        search_and_offer(&state, &ctx, "target", &mut pick, &words, what).await?
    };
    if related {
        choices = with_skill_counts(&state, &ctx, choices).await;
    }
    // Nothing found is said on the field, but the page is what was asked.
    let page = targets_page(&state, &ctx, &me, p, (related, pick, choices), errors).await?;
    Ok(with_status(page, StatusCode::OK))
}

/// Adds a target occupation (at most five). The logged-in citizen
/// (CSRF-checked).
async fn add_target(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let t = ctx.t();
    let p = load(&state, &ctx, &me, &id).await?;
    let related = form.get("related") == Some("1");
    let what = if related {
        RELATED_SEARCH
    } else {
        TARGET_SEARCH
    };
    let mut pick = Pick::from_form(&form, "target");
    let mut choices = Vec::new();
    let errors = match pick.resolve(&TARGET_FRAMEWORKS) {
        Picked::Code(framework, code) => {
            let mut targets = targets_of(&p);
            let mut errors = Errors::default();
            if targets.iter().any(|(f, c)| *f == framework && *c == code) {
                errors.add("target", t.get("pl-target-already"));
            } else if targets.len() >= MAX_TARGETS {
                errors.add("target", t.get("pl-targets-full"));
            } else {
                targets.push((framework, code));
                let saved = put(
                    &state,
                    &ctx,
                    &me,
                    &id,
                    (&Settings::of(&p), &targets, &listed_of(&p)),
                    &[("targets", "target")],
                )
                .await?;
                match saved {
                    None => {
                        return Ok(see_other(&format!(
                            "/me/plans/{}?done=done-plan-target-added",
                            seg(&id)
                        )))
                    }
                    Some(e) => errors = e,
                }
            }
            pick.forget_code();
            errors
        }
        Picked::Search(words) | Picked::Unchosen(words) => {
            let (hits, errors) =
                search_and_offer(&state, &ctx, "target", &mut pick, &words, what).await?;
            choices = if related {
                with_skill_counts(&state, &ctx, hits).await
            } else {
                hits
            };
            errors
        }
        Picked::Nothing => {
            let mut e = Errors::default();
            e.add("target", t.get("pl-field-target"));
            e
        }
    };
    targets_page(&state, &ctx, &me, p, (related, pick, choices), errors).await
}

/// Takes a target occupation away (a plan keeps one at least). The
/// logged-in citizen (CSRF-checked).
async fn remove_target(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let t = ctx.t();
    let p = load(&state, &ctx, &me, &id).await?;
    let value = form.text("target");
    let Some((framework, code)) = code_of(&value) else {
        return Err(PageError::NotFound);
    };
    let targets: Vec<Code> = targets_of(&p)
        .into_iter()
        .filter(|(f, c)| !(f == framework && c == code))
        .collect();
    let errors = if targets.is_empty() {
        let mut e = Errors::default();
        e.add("", t.get("pl-target-last"));
        e
    } else {
        match put(
            &state,
            &ctx,
            &me,
            &id,
            (&Settings::of(&p), &targets, &listed_of(&p)),
            &[],
        )
        .await?
        {
            None => {
                return Ok(see_other(&format!(
                    "/me/plans/{}/targets?done=done-plan-target-removed",
                    seg(&id)
                )))
            }
            Some(e) => e,
        }
    };
    targets_page(
        &state,
        &ctx,
        &me,
        p,
        (false, Pick::default(), Vec::new()),
        errors,
    )
    .await
}

// ---- Steps and comments -------------------------------------------------------

/// Adds a step: a training of the catalogue (its button), or a step typed
/// (a credential to get, an experience, anything else), tied to a missing
/// skill or not. The logged-in citizen (CSRF-checked).
async fn add_step(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let t = ctx.t();
    let training = form.get("training_id").map(str::to_owned);
    let mut d = Draft {
        step_kind: form.text("kind"),
        step_title: form.text("step-title"),
        step_due: form.text("step-due"),
        step_skill: form.text("step-skill"),
        ..Default::default()
    };
    let mut errors = Errors::default();
    let body = match &training {
        Some(training) => json!({"kind": "training", "trainingId": training}),
        None => {
            if !STEP_KINDS.contains(&d.step_kind.as_str()) {
                errors.add("step-kind", t.get("pl-field-step-kind"));
            }
            if d.step_title.is_empty() {
                errors.add("step-title", t.get("pl-field-step-title"));
            }
            let mut body = json!({"kind": d.step_kind, "title": d.step_title});
            if !d.step_due.is_empty() {
                body["dueOn"] = json!(d.step_due);
            }
            if !d.step_skill.is_empty() {
                match code_of(&d.step_skill) {
                    Some((f, c)) => {
                        body["framework"] = json!(f);
                        body["code"] = json!(c);
                    }
                    None => errors.add("step-skill", t.get("pl-field-step-skill")),
                }
            }
            body
        }
    };
    if errors.is_empty() {
        let reply = state
            .send_json(
                &ctx,
                &me.who,
                Method::POST,
                &format!("/wallet/plans/{}/steps", seg(&id)),
                &body,
            )
            .await?;
        if reply.ok() {
            return Ok(see_other(&format!(
                "/me/plans/{}?done=done-plan-step-added",
                seg(&id)
            )));
        }
        // A training's button has no field of its own: its errors are the
        // page's.
        let fields: &[(&str, &str)] = if training.is_some() {
            &[]
        } else {
            &[
                ("kind", "step-kind"),
                ("title", "step-title"),
                ("dueOn", "step-due"),
                ("code", "step-skill"),
                ("framework", "step-skill"),
            ]
        };
        let too_many = if training.is_some() { "" } else { "step-title" };
        errors = problem_errors(
            t,
            reply.problem().await,
            fields,
            (too_many, "pl-too-many-steps"),
        )?;
    }
    let p = load(&state, &ctx, &me, &id).await?;
    let base = Draft::of(&p);
    if training.is_some() {
        d = base;
    } else {
        d.settings = base.settings;
        d.essential = true;
    }
    plan_page(&state, &ctx, &me, p, Some(d), Vec::new(), errors).await
}

/// Changes a step's status and due date. The logged-in citizen
/// (CSRF-checked).
async fn update_step(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path((id, step)): Path<(String, String)>,
    form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let t = ctx.t();
    let status = form.text("status");
    let due = form.text("due");
    let mut errors = Errors::default();
    if !STEP_STATUSES.contains(&status.as_str()) {
        errors.add(&format!("status-{step}"), t.get("pl-field-step-status"));
    }
    if errors.is_empty() {
        // An empty date takes the date away.
        let body = json!({"status": status, "dueOn": due});
        let reply = state
            .send_json(
                &ctx,
                &me.who,
                Method::PATCH,
                &format!("/wallet/plans/{}/steps/{}", seg(&id), seg(&step)),
                &body,
            )
            .await?;
        if reply.ok() {
            return Ok(see_other(&format!(
                "/me/plans/{}?done=done-plan-step-saved",
                seg(&id)
            )));
        }
        errors = problem_errors(
            t,
            reply.problem().await,
            &[("dueOn", "step-due"), ("status", "step-status")],
            ("", "error-conflict"),
        )?;
        // Said on this step's own fields.
        for (field, message) in &mut errors.0 {
            match field.as_str() {
                "step-due" => {
                    *field = format!("due-{step}");
                    *message = t.get("pl-field-step-due");
                }
                "step-status" => *field = format!("status-{step}"),
                _ => {}
            }
        }
    }
    let p = load(&state, &ctx, &me, &id).await?;
    let d = Draft {
        step: step.clone(),
        step_status: status,
        step_due_again: due,
        ..Draft::of(&p)
    };
    plan_page(&state, &ctx, &me, p, Some(d), Vec::new(), errors).await
}

/// Takes a step away. The logged-in citizen (CSRF-checked).
async fn delete_step(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path((id, step)): Path<(String, String)>,
    _form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    state
        .act(
            &ctx,
            &me.who,
            Method::DELETE,
            &format!("/wallet/plans/{}/steps/{}", seg(&id), seg(&step)),
        )
        .await?;
    Ok(see_other(&format!(
        "/me/plans/{}?done=done-plan-step-removed",
        seg(&id)
    )))
}

/// The citizen's comment on their plan (answering a counsellor). The
/// logged-in citizen (CSRF-checked).
async fn comment(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let t = ctx.t();
    // Browsers end a textarea's lines with CR LF; the API takes LF.
    let text = form.raw("comment").replace("\r\n", "\n").trim().to_owned();
    let mut errors = Errors::default();
    if text.is_empty() || text.chars().count() > 2000 {
        errors.add("comment", t.get("pl-field-comment"));
    } else {
        let reply = state
            .send_json(
                &ctx,
                &me.who,
                Method::POST,
                &format!("/wallet/plans/{}/comments", seg(&id)),
                &json!({"body": text}),
            )
            .await?;
        if reply.ok() {
            return Ok(see_other(&format!(
                "/me/plans/{}?done=done-plan-commented",
                seg(&id)
            )));
        }
        errors = problem_errors(
            t,
            reply.problem().await,
            &[("body", "comment")],
            ("comment", "pl-too-many-comments"),
        )?;
    }
    let p = load(&state, &ctx, &me, &id).await?;
    let d = Draft {
        comment: text,
        ..Draft::of(&p)
    };
    plan_page(&state, &ctx, &me, p, Some(d), Vec::new(), errors).await
}

// ---- Deleting -----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "me/plans/delete.html")]
struct DeletePage {
    c: Chrome,
    p: Plan,
}

/// Asks before deleting a plan (works without JavaScript). The logged-in
/// citizen.
async fn delete_page(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let p = load(&state, &ctx, &me, &id).await?;
    Ok(render(
        ctx.lang,
        &DeletePage {
            c: me.chrome(&state, &ctx, "pl-delete-title"),
            p,
        },
    ))
}

/// Deletes a plan with its steps and comments. The logged-in citizen
/// (CSRF-checked).
async fn delete(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
    _form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    state
        .act(
            &ctx,
            &me.who,
            Method::DELETE,
            &format!("/wallet/plans/{}", seg(&id)),
        )
        .await?;
    Ok(see_other("/me/plans?done=done-plan-deleted"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::invited::plan_wire::{Needed, Target};

    fn needed(code: &str, essential: bool, by: &[&str]) -> Needed {
        Needed {
            framework: "ESCO".into(),
            code: code.into(),
            label: code.into(),
            label_lang: None,
            fallback: false,
            essential,
            needed_by: by.iter().map(|s| (*s).to_owned()).collect(),
            held: None,
            sources: Vec::new(),
            trainings: 0,
        }
    }

    fn plan() -> Plan {
        serde_json::from_value(json!({
            "id": "p1",
            "title": "Développeur",
            "department": "37",
            "status": "active",
            "shared": true,
            "targets": [
                {"framework": "ROME", "code": "M1805", "label": "Études et développement informatique", "hasRelations": false}
            ],
            "needed": [],
            "needsSkillsListed": true,
            "coverage": {"percent": 0, "held": 0, "needed": 0, "certified": 0, "endorsed": 0, "declared": 0, "rule": "…"},
            "trainings": [],
            "steps": [],
            "comments": [],
            "createdAt": "2026-01-01T00:00:00Z",
            "updatedAt": "2026-01-02T00:00:00Z"
        }))
        .expect("a plan as the API describes it")
    }

    #[test]
    fn only_the_skills_the_citizen_listed_are_sent_back() {
        let mut p = plan();
        p.needed = vec![
            needed("a", true, &["http://occ/1"]),
            needed("b", false, &["listed"]),
            needed("c", true, &["http://occ/1", "listed"]),
        ];
        assert_eq!(
            listed_of(&p),
            vec![
                ("ESCO".into(), "b".into(), false),
                ("ESCO".into(), "c".into(), true)
            ]
        );
    }

    #[test]
    fn listing_a_skill_twice_changes_its_importance_only() {
        let list = vec![("ESCO".to_owned(), "b".to_owned(), false)];
        let list = with_listed(list, ("ESCO", "b"), true);
        assert_eq!(list, vec![("ESCO".into(), "b".into(), true)]);
        let list = with_listed(list, ("ESCO", "c"), false);
        assert_eq!(list.len(), 2);
    }

    #[test]
    fn the_put_keeps_targets_and_listed_skills() {
        let p = plan();
        let s = Settings {
            department: String::new(),
            status: "archived".into(),
            ..Settings::of(&p)
        };
        let body = put_body(
            &s,
            &targets_of(&p),
            &[("ESCO".into(), "http://s/1".into(), false)],
        );
        assert_eq!(
            body,
            json!({
                "title": "Développeur",
                "department": null,
                "status": "archived",
                "shared": true,
                "targets": [{"framework": "ROME", "code": "M1805"}],
                "skills": [{"framework": "ESCO", "code": "http://s/1", "essential": false}],
            })
        );
    }

    #[test]
    fn a_plan_without_relations_says_so() {
        let mut p = plan();
        assert!(p.lacks_relations());
        p.needs_skills_listed = false;
        p.targets = vec![Target {
            framework: "ESCO".into(),
            code: "http://occ/1".into(),
            label: "web developer".into(),
            label_lang: Some("en".into()),
            fallback: true,
            has_relations: true,
        }];
        assert!(!p.lacks_relations());
        p.needed = vec![
            needed("a", false, &["http://occ/1"]),
            needed("b", true, &["listed"]),
        ];
        let groups: Vec<(&str, usize)> = p.groups().iter().map(|(g, n)| (*g, n.len())).collect();
        assert_eq!(groups, vec![("essential", 1), ("optional", 1)]);
    }

    #[test]
    fn the_related_search_starts_from_the_target_without_skills() {
        let p = plan();
        let page = PlanPage {
            c: test_chrome(),
            d: Draft::of(&p),
            p,
            own: true,
            choices: Vec::new(),
            skill_url: String::new(),
            step_kinds: STEP_KINDS,
            statuses: STEP_STATUSES,
            errors: Errors::default(),
        };
        assert_eq!(
            page.related_href(),
            "/me/plans/p1/targets?q=%C3%89tudes+et+d%C3%A9veloppement+informatique&related=1"
        );
    }

    #[test]
    fn both_genders_of_a_label_make_one_search() {
        assert_eq!(
            search_words("Développeur / Développeuse web"),
            "Développeur web"
        );
        assert_eq!(
            search_words("Infirmier / Infirmière de bloc opératoire"),
            "Infirmier de bloc opératoire"
        );
        assert_eq!(
            search_words("Aide-soignant / Aide-soignante"),
            "Aide-soignant"
        );
        assert_eq!(search_words(" web developer "), "web developer");
    }

    fn test_chrome() -> Chrome {
        let tr = atout_web::i18n::Lang::Fr.tr();
        Chrome {
            tr,
            lang: "fr",
            other_lang: "en",
            switch_href: String::new(),
            title: String::new(),
            csrf: String::new(),
            area: crate::page::Area::Citizen,
            nav: Vec::new(),
            badges: Vec::new(),
            user: None,
            flash: None,
            org: None,
            home: "/me",
        }
    }
}
