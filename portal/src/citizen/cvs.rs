//! CVs: the list, a new CV (aimed at an occupation or not, from ranked
//! suggestions with their reasons), the editor (fields, contact lines,
//! photo, order of the sections and of the lines), the preview as printed,
//! the PDF and JSON Resume downloads, deletion. The logged-in citizen only.

use super::{entries::Doc, Entry, Holding, Me};
use crate::{
    api::{seg, Problem},
    ctx::Ctx,
    forms::{Errors, PostForm},
    page::{render, see_other, Chrome, PageError},
    PortalState,
};
use askama::Template;
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
        .route("/me/cvs", get(list))
        .route("/me/cvs/new", post(create))
        .route("/me/cvs/{id}", get(show).post(update))
        .route("/me/cvs/{id}/delete", get(delete_page).post(delete))
        .route("/me/cvs/{id}/preview", get(preview))
        .route("/me/cvs/{id}/pdf", post(pdf))
        .route("/me/cvs/{id}/resume.json", get(resume))
}

pub const LANGS: [&str; 2] = ["fr", "en"];
pub const DESIGNS: [&str; 3] = ["classic", "modern", "compact"];
pub const FRAMEWORKS: [&str; 4] = ["ROME", "ESCO", "RNCP", "RS"];
pub const SECTIONS: [&str; 7] = [
    "experience",
    "education",
    "credentials",
    "skills",
    "languages",
    "projects",
    "interests",
];
pub const CONTACT_KINDS: [&str; 4] = ["email", "phone", "address", "web"];
/// Contact lines a CV shows at most (the API's bound).
const CONTACT_ROWS: usize = 6;
/// The pictures the vault may hold that a CV can show.
const IMAGE_TYPES: [&str; 3] = ["image/jpeg", "image/png", "image/webp"];

/// The API's field names, and the form's.
const FIELDS: [(&str, &str); 13] = [
    ("title", "title"),
    ("lang", "lang"),
    ("design", "design"),
    ("target", "target"),
    ("text", "target"),
    ("code", "code"),
    ("framework", "code"),
    ("headline", "headline"),
    ("presentation", "presentation"),
    ("contact", "contact"),
    ("photo", "photo"),
    ("sections", "sections"),
    ("items", "lines"),
];
const PREFIXES: [&str; 2] = ["cv-field-", "field-"];

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TargetView {
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub framework: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ContactLine {
    pub kind: String,
    pub value: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ItemRef {
    pub kind: String,
    pub id: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Online {
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default)]
    pub current: bool,
}

/// A CV, as the API describes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cv {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub lang: String,
    #[serde(default)]
    pub design: String,
    #[serde(default)]
    pub target: Option<TargetView>,
    #[serde(default)]
    pub headline: Option<String>,
    #[serde(default)]
    pub presentation: Option<String>,
    #[serde(default)]
    pub contact: Vec<ContactLine>,
    #[serde(default)]
    pub photo: Option<String>,
    #[serde(default)]
    pub sections: Vec<String>,
    #[serde(default)]
    pub items: Vec<ItemRef>,
    #[serde(default)]
    pub online: Option<Online>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl Cv {
    /// The occupation aimed at, for people ("Infirmier (ROME J1506)").
    pub fn target_label(&self) -> String {
        match &self.target {
            Some(t) => target_words(t),
            None => String::new(),
        }
    }
}

fn target_words(t: &TargetView) -> String {
    match (t.text.is_empty(), &t.framework, &t.code) {
        (false, Some(f), Some(c)) => format!("{} ({f} {c})", t.text),
        (true, Some(f), Some(c)) => format!("{f} {c}"),
        _ => t.text.clone(),
    }
}

#[derive(Deserialize)]
struct Items<T> {
    items: Vec<T>,
}

/// A page of the wallet's credentials.
#[derive(Debug, Deserialize)]
struct HoldingPage {
    items: Vec<Holding>,
    next: Option<String>,
}

/// Every credential of the wallet, page after page (an editor that listed
/// only the first page would drop the others' lines at the next save).
pub(super) async fn every_holding(
    state: &PortalState,
    ctx: &Ctx,
    who: &crate::api::As,
) -> Result<Vec<Holding>, PageError> {
    let mut all = Vec::new();
    let mut path = "/wallet/holdings?limit=100".to_owned();
    // At most 100 pages (10,000 credentials): bounded whatever answers.
    for _ in 0..100 {
        let page: HoldingPage = state.get(ctx, who, &path).await?.json().await?;
        all.extend(page.items);
        match page.next {
            Some(next) => {
                path = format!(
                    "/wallet/holdings?limit=100&before={}",
                    url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
                )
            }
            None => break,
        }
    }
    Ok(all)
}

#[derive(Debug, Clone, Deserialize)]
struct Reason {
    kind: String,
    #[serde(default)]
    value: String,
}

#[derive(Debug, Clone, Deserialize)]
struct Suggestion {
    kind: String,
    id: String,
    #[serde(default)]
    section: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    selected: bool,
    #[serde(default)]
    reasons: Vec<Reason>,
}

/// A line of the wallet offered for a CV, as the forms show it.
#[derive(Debug, Clone)]
pub struct Line {
    /// `entry:<id>` or `credential:<id>`: the checkbox's value.
    pub key: String,
    pub title: String,
    /// Its kind and trust level, or its issuer, in words.
    pub detail: String,
    /// Why it is suggested, in words.
    pub reasons: Vec<String>,
    pub checked: bool,
    /// Its position among the chosen lines, as typed.
    pub position: String,
}

impl Line {
    /// The form's field of its position.
    pub fn pos_name(&self) -> String {
        format!("pos-{}", self.key)
    }

    /// An id for its labels and errors (`entry-<id>`).
    pub fn html_id(&self) -> String {
        self.key.replace(':', "-")
    }

    /// The name its position's errors are filed under (and its input's id,
    /// after `f-`).
    pub fn err_name(&self) -> String {
        format!("pos-{}", self.html_id())
    }
}

/// The fields of a CV as typed.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub title: String,
    pub lang: String,
    pub design: String,
    pub target: String,
    pub framework: String,
    pub code: String,
    pub headline: String,
    pub presentation: String,
    /// (kind, value), [`CONTACT_ROWS`] rows.
    pub contact: Vec<(String, String)>,
    pub photo: String,
    /// (kind, position as typed), in their order.
    pub sections: Vec<(String, String)>,
}

impl Draft {
    fn new_cv(lang: &str) -> Self {
        Self {
            lang: lang.to_owned(),
            design: "classic".into(),
            ..Default::default()
        }
    }

    fn from_cv(cv: &Cv) -> Self {
        let mut contact: Vec<(String, String)> = cv
            .contact
            .iter()
            .map(|c| (c.kind.clone(), c.value.clone()))
            .collect();
        contact.resize(CONTACT_ROWS.max(contact.len()), Default::default());
        let t = cv.target.clone().unwrap_or_default();
        Self {
            title: cv.title.clone(),
            lang: cv.lang.clone(),
            design: cv.design.clone(),
            target: t.text,
            framework: t.framework.unwrap_or_default(),
            code: t.code.unwrap_or_default(),
            headline: cv.headline.clone().unwrap_or_default(),
            presentation: cv.presentation.clone().unwrap_or_default(),
            contact,
            photo: cv.photo.clone().unwrap_or_default(),
            sections: ordered_sections(&cv.sections)
                .into_iter()
                .enumerate()
                .map(|(i, s)| (s.to_owned(), (i + 1).to_string()))
                .collect(),
        }
    }

    fn from_form(form: &PostForm, full: bool) -> Self {
        let mut d = Self {
            title: form.text("title"),
            lang: form.text("lang"),
            design: form.text("design"),
            target: form.text("target"),
            framework: form.text("framework"),
            code: form.text("code"),
            ..Default::default()
        };
        if full {
            d.headline = form.text("headline");
            d.presentation = form.raw("presentation").trim().to_owned();
            d.contact = (0..CONTACT_ROWS)
                .map(|i| {
                    (
                        form.text(&format!("contact-kind{i}")),
                        form.text(&format!("contact-value{i}")),
                    )
                })
                .collect();
            d.photo = form.text("photo");
            let mut sections: Vec<(usize, u32, String, String)> = SECTIONS
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let typed = form.text(&format!("sec-{s}"));
                    let n = typed.parse::<u32>().unwrap_or(u32::MAX);
                    (i, n, (*s).to_owned(), typed)
                })
                .collect();
            sections.sort_by_key(|(i, n, _, _)| (*n, *i));
            d.sections = sections.into_iter().map(|(_, _, s, t)| (s, t)).collect();
        }
        d
    }

    pub fn contact_value(&self, i: &usize) -> &str {
        self.contact.get(*i).map(|c| c.1.as_str()).unwrap_or("")
    }

    pub fn contact_kind(&self, i: &usize) -> &str {
        self.contact.get(*i).map(|c| c.0.as_str()).unwrap_or("")
    }

    /// The target as the API takes it (`null` without one), or the form's
    /// error.
    fn target_json(&self, tr: &atout_web::i18n::Tr, errors: &mut Errors) -> Value {
        if self.code.is_empty() {
            if self.target.is_empty() {
                return Value::Null;
            }
            return json!({"text": self.target});
        }
        let code = self.code.trim();
        let framework = if FRAMEWORKS.contains(&self.framework.as_str()) {
            self.framework.clone()
        } else {
            guess_framework(code).to_owned()
        };
        if framework.is_empty() {
            errors.add("code", tr.get("cv-field-code"));
            return Value::Null;
        }
        json!({"text": self.target, "framework": framework, "code": code})
    }

    /// The fields' own checks, before the API's.
    fn check(&self, tr: &atout_web::i18n::Tr, errors: &mut Errors) {
        if self.title.is_empty() {
            errors.add("title", tr.get("cv-field-title"));
        }
        if !LANGS.contains(&self.lang.as_str()) {
            errors.add("lang", tr.get("cv-field-lang"));
        }
        if !DESIGNS.contains(&self.design.as_str()) {
            errors.add("design", tr.get("cv-field-design"));
        }
        for (i, (kind, value)) in self.contact.iter().enumerate() {
            if !value.is_empty() && !CONTACT_KINDS.contains(&kind.as_str()) {
                errors.add(
                    &format!("contact-kind{i}"),
                    tr.get("cv-contact-kind-needed"),
                );
            }
            if kind == "web"
                && !value.is_empty()
                && !(value.starts_with("https://") || value.starts_with("http://"))
            {
                errors.add(
                    &format!("contact-value{i}"),
                    tr.get("cv-contact-web-invalid"),
                );
            }
        }
        for (kind, typed) in &self.sections {
            if !typed.is_empty() && typed.parse::<u32>().is_err() {
                errors.add(&format!("sec-{kind}"), tr.get("cv-field-position"));
            }
        }
    }

    /// The whole CV as the API takes it (`PUT`), lines apart.
    fn to_json(&self, tr: &atout_web::i18n::Tr, errors: &mut Errors) -> Value {
        let opt = |s: &str| {
            if s.is_empty() {
                Value::Null
            } else {
                Value::String(s.to_owned())
            }
        };
        let contact: Vec<Value> = self
            .contact
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| json!({"kind": k, "value": v}))
            .collect();
        json!({
            "title": self.title,
            "lang": self.lang,
            "design": self.design,
            "target": self.target_json(tr, errors),
            "headline": opt(&self.headline),
            "presentation": opt(&self.presentation),
            "contact": contact,
            "photo": opt(&self.photo),
            "sections": self.sections.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>(),
        })
    }
}

/// The framework a code belongs to, from its shape ("" when unknown).
fn guess_framework(code: &str) -> &'static str {
    let b = code.as_bytes();
    if code.starts_with("http://data.europa.eu/esco/") {
        "ESCO"
    } else if code.to_ascii_uppercase().starts_with("RNCP") {
        "RNCP"
    } else if code.len() > 2
        && code[..2].eq_ignore_ascii_case("RS")
        && code[2..].bytes().all(|b| b.is_ascii_digit())
    {
        "RS"
    } else if b.len() == 5 && b[0].is_ascii_alphabetic() && b[1..].iter().all(u8::is_ascii_digit) {
        "ROME"
    } else {
        ""
    }
}

/// The sections in the CV's order, then the others in the default order.
fn ordered_sections(order: &[String]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = order
        .iter()
        .filter_map(|s| SECTIONS.iter().find(|k| **k == s.as_str()).copied())
        .collect();
    for s in SECTIONS {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// Reads the lines ticked in a form, in the order of their positions
/// (then the order they were shown in), with the errors of positions that
/// are not numbers.
fn chosen_lines(
    form: &PostForm,
    tr: &atout_web::i18n::Tr,
    errors: &mut Errors,
) -> Vec<(String, String)> {
    let mut chosen: Vec<(u32, usize, String)> = Vec::new();
    for (i, key) in form.all("line").into_iter().enumerate() {
        let typed = form.text(&format!("pos-{key}"));
        let n = if typed.is_empty() {
            u32::MAX
        } else if let Ok(n) = typed.parse::<u32>() {
            n
        } else {
            errors.add(
                &format!("pos-{}", key.replace(':', "-")),
                tr.get("cv-field-position"),
            );
            u32::MAX
        };
        if !chosen.iter().any(|(_, _, k)| *k == key) {
            chosen.push((n, i, key));
        }
    }
    chosen.sort_by_key(|(n, i, _)| (*n, *i));
    chosen
        .into_iter()
        .filter_map(|(_, _, key)| {
            let (kind, id) = key.split_once(':')?;
            matches!(kind, "entry" | "credential").then(|| (kind.to_owned(), id.to_owned()))
        })
        .collect()
}

fn items_json(lines: &[(String, String)]) -> Value {
    Value::Array(
        lines
            .iter()
            .map(|(kind, id)| json!({"kind": kind, "id": id}))
            .collect(),
    )
}

/// Every entry and credential of the wallet as lines; `chosen` (in order)
/// ticked and numbered first.
fn wallet_lines(
    c: &Chrome,
    entries: &[Entry],
    holdings: &[Holding],
    chosen: &[(String, String)],
    positions: Option<&PostForm>,
) -> Vec<Line> {
    let mut all: Vec<Line> = entries
        .iter()
        .map(|e| Line {
            key: format!("entry:{}", e.id),
            title: e.title.clone(),
            detail: format!(
                "{} · {}",
                c.tk("kind-", &e.kind, ""),
                c.tk("state-", &e.trust, "")
            ),
            reasons: Vec::new(),
            checked: false,
            position: String::new(),
        })
        .chain(holdings.iter().map(|h| Line {
            key: format!("credential:{}", h.id),
            title: h.title.clone(),
            detail: format!("{} · {}", c.t("cv-line-credential"), h.issuer_label(c.lang)),
            reasons: Vec::new(),
            checked: false,
            position: String::new(),
        }))
        .collect();
    let mut out = Vec::with_capacity(all.len());
    for (n, (kind, id)) in chosen.iter().enumerate() {
        let key = format!("{kind}:{id}");
        if let Some(at) = all.iter().position(|l| l.key == key) {
            let mut line = all.remove(at);
            line.checked = true;
            line.position = match positions {
                Some(form) => form.text(&format!("pos-{key}")),
                None => (n + 1).to_string(),
            };
            out.push(line);
        }
    }
    if let Some(form) = positions {
        for l in &mut all {
            l.position = form.text(&format!("pos-{}", l.key));
        }
    }
    out.extend(all);
    out
}

/// A reason, in words.
fn reason_words(c: &Chrome, r: &Reason, framework: &str) -> String {
    let tr = c.tr;
    match r.kind.as_str() {
        "code" => tr.with(
            "cv-reason-code",
            &[
                ("framework", framework.into()),
                ("code", r.value.as_str().into()),
            ],
        ),
        "family" => tr.arg("cv-reason-family", "code", r.value.as_str()),
        "words" => tr.arg("cv-reason-words", "words", r.value.as_str()),
        "language" => tr.get("cv-reason-language"),
        "skill" => tr.arg("cv-reason-skill", "skills", r.value.as_str()),
        _ => String::new(),
    }
}

// ---- The list and a new CV ------------------------------------------------

#[derive(Template)]
#[template(path = "me/cvs/list.html")]
struct ListPage {
    c: Chrome,
    items: Vec<Cv>,
    d: Draft,
    errors: Errors,
    langs: [&'static str; 2],
    designs: [&'static str; 3],
    frameworks: [&'static str; 4],
}

/// The citizen's CVs and the form for a new one. The logged-in citizen.
async fn list(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let view = list_view(
        &state,
        &ctx,
        &me,
        Draft::new_cv(ctx.lang.code()),
        Errors::default(),
    )
    .await?;
    Ok(render(ctx.lang, &view))
}

async fn list_view(
    state: &PortalState,
    ctx: &Ctx,
    me: &Me,
    d: Draft,
    errors: Errors,
) -> Result<ListPage, PageError> {
    let list: Items<Cv> = state.get(ctx, &me.who, "/wallet/cvs").await?.json().await?;
    Ok(ListPage {
        c: me.chrome(state, ctx, "cvs-title").for_page("/me/cvs"),
        items: list.items,
        d,
        errors,
        langs: LANGS,
        designs: DESIGNS,
        frameworks: FRAMEWORKS,
    })
}

#[derive(Template)]
#[template(path = "me/cvs/new.html")]
struct NewPage {
    c: Chrome,
    d: Draft,
    lines: Vec<Line>,
    errors: Errors,
    langs: [&'static str; 2],
    designs: [&'static str; 3],
    frameworks: [&'static str; 4],
}

/// A new CV: without a target, made at once with every line; with one,
/// first the ranked suggestions to adjust (`choosing`), then made with the
/// lines ticked. The logged-in citizen (CSRF-checked).
async fn create(
    State(state): State<PortalState>,
    ctx: Ctx,
    form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let t = ctx.t();
    let d = Draft::from_form(&form, false);
    let mut errors = Errors::default();
    d.check(t, &mut errors);
    let target = d.target_json(t, &mut errors);
    let choosing = form.checked("choosing");
    let refresh = form.get("action") == Some("suggest");
    if !errors.is_empty() {
        return new_again(&state, &ctx, &me, d, &form, choosing, errors).await;
    }
    if !target.is_null() && (!choosing || refresh) {
        // The suggestions for this target, the suggested ones ticked.
        return suggestions_page(&state, &ctx, &me, d, &target, None, Errors::default()).await;
    }
    let mut body = json!({
        "title": d.title,
        "lang": d.lang,
        "design": d.design,
    });
    if !target.is_null() {
        body["target"] = target.clone();
    }
    if choosing {
        let lines = chosen_lines(&form, t, &mut errors);
        if lines.is_empty() {
            errors.add("lines", t.get("cv-choose-lines"));
        }
        if !errors.is_empty() {
            return suggestions_page(&state, &ctx, &me, d, &target, Some(&form), errors).await;
        }
        body["items"] = items_json(&lines);
    }
    let reply = state
        .send_json(&ctx, &me.who, Method::POST, "/wallet/cvs", &body)
        .await?;
    if reply.ok() {
        let cv: Cv = reply.json().await?;
        return Ok(see_other(&format!(
            "/me/cvs/{}?done=done-cv-created",
            seg(&cv.id)
        )));
    }
    let problem = reply.problem().await;
    let errors = problem_errors(t, &problem);
    new_again(&state, &ctx, &me, d, &form, choosing, errors).await
}

/// The form for a new CV again, with its errors.
async fn new_again(
    state: &PortalState,
    ctx: &Ctx,
    me: &Me,
    d: Draft,
    form: &PostForm,
    choosing: bool,
    errors: Errors,
) -> Result<Response, PageError> {
    if choosing {
        let target = d.target_json(ctx.t(), &mut Errors::default());
        if !target.is_null() {
            return suggestions_page(state, ctx, me, d, &target, Some(form), errors).await;
        }
    }
    let view = list_view(state, ctx, me, d, errors).await?;
    let mut response = render(ctx.lang, &view);
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

/// The ranked suggestions for a target, as a checklist: the suggested
/// ones ticked (or, after an error, those the person ticked).
async fn suggestions_page(
    state: &PortalState,
    ctx: &Ctx,
    me: &Me,
    d: Draft,
    target: &Value,
    form: Option<&PostForm>,
    errors: Errors,
) -> Result<Response, PageError> {
    let reply = state
        .send_json(
            ctx,
            &me.who,
            Method::POST,
            "/wallet/cvs/suggestions",
            target,
        )
        .await?;
    if !reply.ok() {
        let problem = reply.problem().await;
        if matches!(problem.status, 401 | 403 | 429 | 503) {
            return Err(PageError::from_problem(problem));
        }
        let view = list_view(state, ctx, me, d, problem_errors(ctx.t(), &problem)).await?;
        let mut response = render(ctx.lang, &view);
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(response);
    }
    let list: Items<Suggestion> = reply.json().await?;
    let c = me.chrome(state, ctx, "cv-new-title").for_page("/me/cvs");
    let framework = target
        .get("framework")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let ticked = form.map(|f| f.all("line"));
    let lines = list
        .items
        .iter()
        .map(|s| {
            let key = format!("{}:{}", s.kind, s.id);
            let section = if SECTIONS.contains(&s.section.as_str()) {
                c.tk("cv-section-", &s.section, "")
            } else {
                c.t("cv-section-credentials")
            };
            Line {
                checked: match &ticked {
                    Some(t) => t.contains(&key),
                    None => s.selected,
                },
                position: form
                    .map(|f| f.text(&format!("pos-{key}")))
                    .unwrap_or_default(),
                key,
                title: s.title.clone(),
                detail: section,
                reasons: s
                    .reasons
                    .iter()
                    .map(|r| reason_words(&c, r, &framework))
                    .filter(|r| !r.is_empty())
                    .collect(),
            }
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = NewPage {
        c,
        d,
        lines,
        errors,
        langs: LANGS,
        designs: DESIGNS,
        frameworks: FRAMEWORKS,
    };
    let mut response = render(ctx.lang, &view);
    *response.status_mut() = status;
    Ok(response)
}

/// The form's errors for an API problem (409: as many CVs as allowed).
fn problem_errors(tr: &atout_web::i18n::Tr, problem: &Problem) -> Errors {
    if problem.status == 409 {
        crate::problems::log(problem);
        let mut errors = Errors::default();
        errors.add("", tr.get("cv-too-many"));
        return errors;
    }
    Errors::from_problem_mapped(tr, problem, &FIELDS, &PREFIXES)
}

// ---- The editor -----------------------------------------------------------

#[derive(Template)]
#[template(path = "me/cvs/edit.html")]
struct EditPage {
    c: Chrome,
    cv: Cv,
    d: Draft,
    lines: Vec<Line>,
    photos: Vec<Doc>,
    errors: Errors,
    langs: [&'static str; 2],
    designs: [&'static str; 3],
    frameworks: [&'static str; 4],
    contact_kinds: [&'static str; 4],
}

impl EditPage {
    /// Whether the CV's photo is no longer among the vault's pictures.
    fn photo_missing(&self) -> bool {
        !self.d.photo.is_empty() && !self.photos.iter().any(|p| p.id == self.d.photo)
    }

    fn contact_error(&self, field: &str, i: &usize) -> Option<&str> {
        self.errors.get(&format!("{field}{i}"))
    }

    fn section_error(&self, kind: &str) -> Option<&str> {
        self.errors.get(&format!("sec-{kind}"))
    }

    fn line_error(&self, line: &Line) -> Option<&str> {
        self.errors.get(&line.err_name())
    }
}

async fn load_cv(state: &PortalState, ctx: &Ctx, me: &Me, id: &str) -> Result<Cv, PageError> {
    state
        .get(ctx, &me.who, &format!("/wallet/cvs/{}", seg(id)))
        .await?
        .json()
        .await
}

async fn edit_view(
    state: &PortalState,
    ctx: &Ctx,
    me: &Me,
    cv: Cv,
    draft: Option<(Draft, &PostForm)>,
    errors: Errors,
) -> Result<EditPage, PageError> {
    let (e, h, d) = tokio::join!(
        state.get(ctx, &me.who, "/wallet/entries"),
        every_holding(state, ctx, &me.who),
        state.get(ctx, &me.who, "/wallet/documents"),
    );
    let entries: Items<Entry> = e?.json().await?;
    let holdings = Items { items: h? };
    let documents: Items<Doc> = d?.json().await?;
    let c = me
        .chrome(state, ctx, "cv-edit-title")
        .for_page(&format!("/me/cvs/{}", seg(&cv.id)));
    let (d, lines) = match draft {
        Some((d, form)) => {
            let chosen = chosen_lines(form, ctx.t(), &mut Errors::default());
            let lines = wallet_lines(&c, &entries.items, &holdings.items, &chosen, Some(form));
            (d, lines)
        }
        None => {
            let chosen: Vec<(String, String)> = cv
                .items
                .iter()
                .map(|i| (i.kind.clone(), i.id.clone()))
                .collect();
            let lines = wallet_lines(&c, &entries.items, &holdings.items, &chosen, None);
            (Draft::from_cv(&cv), lines)
        }
    };
    let photos = documents
        .items
        .into_iter()
        .filter(|doc| IMAGE_TYPES.contains(&doc.content_type.as_str()))
        .collect();
    Ok(EditPage {
        c,
        cv,
        d,
        lines,
        photos,
        errors,
        langs: LANGS,
        designs: DESIGNS,
        frameworks: FRAMEWORKS,
        contact_kinds: CONTACT_KINDS,
    })
}

/// One CV in its editor. The logged-in citizen (others: 404).
async fn show(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let cv = load_cv(&state, &ctx, &me, &id).await?;
    let view = edit_view(&state, &ctx, &me, cv, None, Errors::default()).await?;
    Ok(render(ctx.lang, &view))
}

/// Saves a CV (every field and its lines). The logged-in citizen
/// (CSRF-checked).
async fn update(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let t = ctx.t();
    let cv = load_cv(&state, &ctx, &me, &id).await?;
    let d = Draft::from_form(&form, true);
    let mut errors = Errors::default();
    d.check(t, &mut errors);
    let mut body = d.to_json(t, &mut errors);
    let lines = chosen_lines(&form, t, &mut errors);
    body["items"] = items_json(&lines);
    if errors.is_empty() {
        let reply = state
            .send_json(
                &ctx,
                &me.who,
                Method::PUT,
                &format!("/wallet/cvs/{}", seg(&id)),
                &body,
            )
            .await?;
        if reply.ok() {
            return Ok(see_other(&format!(
                "/me/cvs/{}?done=done-cv-saved",
                seg(&id)
            )));
        }
        errors = problem_errors(t, &reply.problem().await);
    }
    let view = edit_view(&state, &ctx, &me, cv, Some((d, &form)), errors).await?;
    let mut response = render(ctx.lang, &view);
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

#[derive(Template)]
#[template(path = "me/cvs/delete.html")]
struct DeletePage {
    c: Chrome,
    cv: Cv,
}

/// Asks before deleting a CV (works without JavaScript). The logged-in
/// citizen.
async fn delete_page(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let cv = load_cv(&state, &ctx, &me, &id).await?;
    Ok(render(
        ctx.lang,
        &DeletePage {
            c: me.chrome(&state, &ctx, "cv-delete-title"),
            cv,
        },
    ))
}

/// Deletes a CV. The logged-in citizen (CSRF-checked).
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
            &format!("/wallet/cvs/{}", seg(&id)),
        )
        .await?;
    Ok(see_other("/me/cvs?done=done-cv-deleted"))
}

// ---- The preview and the downloads ---------------------------------------

#[derive(Debug, Clone, Deserialize)]
pub struct Link {
    pub url: String,
    #[serde(default)]
    pub short: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Cefr {
    #[serde(default)]
    pub listening: String,
    #[serde(default)]
    pub reading: String,
    #[serde(default)]
    pub spoken_interaction: String,
    #[serde(default)]
    pub spoken_production: String,
    #[serde(default)]
    pub writing: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PrintedItem {
    pub title: String,
    #[serde(default)]
    pub subtitle: Option<String>,
    #[serde(default)]
    pub dates: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub level: Option<String>,
    #[serde(default)]
    pub cefr: Option<Cefr>,
    #[serde(default)]
    pub trust_label: String,
    #[serde(default)]
    pub trust: String,
    #[serde(default)]
    pub verify: Option<Link>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PrintedSection {
    #[serde(default)]
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub items: Vec<PrintedItem>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PrintedContact {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Labels {
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub listening: String,
    #[serde(default)]
    pub reading: String,
    #[serde(default)]
    pub spoken_interaction: String,
    #[serde(default)]
    pub spoken_production: String,
    #[serde(default)]
    pub writing: String,
}

/// The CV as printed (`GET /wallet/cvs/{id}/document`).
#[derive(Debug, Clone, Deserialize)]
pub struct Printed {
    #[serde(default)]
    pub lang: String,
    #[serde(default)]
    pub design: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub headline: Option<String>,
    #[serde(default)]
    pub presentation: Option<String>,
    #[serde(default)]
    pub contact: Vec<PrintedContact>,
    #[serde(default)]
    pub has_photo: bool,
    #[serde(default)]
    pub photo_alt: String,
    #[serde(default)]
    pub photo: Option<String>,
    #[serde(default)]
    pub sections: Vec<PrintedSection>,
    #[serde(default)]
    pub online: Option<Link>,
    #[serde(default)]
    pub online_label: String,
    #[serde(default)]
    pub legend: String,
    #[serde(default)]
    pub updated: String,
    #[serde(default)]
    pub labels: Labels,
}

#[derive(Template)]
#[template(path = "me/cvs/preview.html")]
struct PreviewPage {
    c: Chrome,
    cv: Cv,
    p: Printed,
    errors: Errors,
}

impl PreviewPage {
    /// LinkedIn's "share" address for the CV's online version.
    fn linkedin(&self) -> Option<String> {
        self.p.online.as_ref().map(|o| linkedin_share(&o.url))
    }

    /// The paragraphs of a text typed with line breaks.
    fn paragraphs(&self, text: &str) -> Vec<String> {
        paragraphs(text)
    }
}

/// LinkedIn's page to share a link in a post.
pub fn linkedin_share(url: &str) -> String {
    format!(
        "https://www.linkedin.com/sharing/share-offsite/?url={}",
        url::form_urlencoded::byte_serialize(url.as_bytes()).collect::<String>()
    )
}

/// A text's paragraphs (blank lines apart), trimmed.
pub fn paragraphs(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

async fn preview_view(
    state: &PortalState,
    ctx: &Ctx,
    me: &Me,
    id: &str,
    errors: Errors,
) -> Result<PreviewPage, PageError> {
    let document_path = format!("/wallet/cvs/{}/document", seg(id));
    let cv_path = format!("/wallet/cvs/{}", seg(id));
    let (cv, p) = tokio::join!(
        state.get(ctx, &me.who, &cv_path),
        state.get(ctx, &me.who, &document_path),
    );
    let cv: Cv = cv?.json().await?;
    let p: Printed = p?.json().await?;
    Ok(PreviewPage {
        c: me
            .chrome(state, ctx, "cv-preview-title")
            .for_page(&format!("/me/cvs/{}/preview", seg(id))),
        cv,
        p,
        errors,
    })
}

/// The CV as it prints, in its own language. The logged-in citizen
/// (others: 404).
async fn preview(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let view = preview_view(&state, &ctx, &me, &id, Errors::default()).await?;
    Ok(render(ctx.lang, &view))
}

/// The PDF, made now (with the CV's online version), streamed as an
/// attachment; a problem shows on the preview. The logged-in citizen
/// (CSRF-checked).
async fn pdf(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
    _form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let reply = state
        .call(
            &ctx,
            &me.who,
            Method::POST,
            &format!("/wallet/cvs/{}/pdf", seg(&id)),
            axum::body::Body::empty(),
            None,
        )
        .await?;
    if reply.ok() {
        return Ok(reply.into_response());
    }
    let problem = reply.problem().await;
    if matches!(problem.status, 401 | 403 | 404 | 429 | 503) {
        return Err(PageError::from_problem(problem));
    }
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
    // The photo that cannot be read, too many live links: said in words;
    // anything else as every page says it.
    let errors = match (problem.status, problem.field.as_deref()) {
        (409, _) | (_, Some("photo")) => {
            crate::problems::log(&problem);
            let mut e = Errors::default();
            let key = if problem.status == 409 {
                "cv-pdf-too-many-links"
            } else {
                "cv-pdf-photo"
            };
            e.add("", ctx.t().get(key));
            e
        }
        _ => Errors::from_problem_mapped(ctx.t(), &problem, &[], &PREFIXES),
    };
    let view = preview_view(&state, &ctx, &me, &id, errors).await?;
    let mut response = render(ctx.lang, &view);
    *response.status_mut() = status;
    Ok(response)
}

/// The CV's lines as JSON Resume (a download). The logged-in citizen.
async fn resume(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let reply = state
        .get(
            &ctx,
            &me.who,
            &format!("/wallet/cvs/{}/resume.json", seg(&id)),
        )
        .await?;
    if !reply.ok() {
        return Err(PageError::from_problem(reply.problem().await));
    }
    Ok(reply.into_response())
}
