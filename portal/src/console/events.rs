//! Events in the console (issue 19): an organisation's at
//! `/console/orgs/{slug}/events`, the platform's region-wide ones at
//! `/console/events` (the administrator). The list (drafts, published,
//! cancelled, with how many registered), the form of an event (times in
//! Paris time, framework codes picked with the combobox, free tags), its
//! publication, its cancellation with a reason (a page that asks first),
//! who registered, and a CSV import (an example file to start from; a
//! refused file's wrong cells listed in the page's language). Everything
//! goes through the API as the console's token.

use super::{check, unprocessable, OrgDetails, OrgPage, Staff};
use crate::{
    api::{seg, Problem},
    ctx::Ctx,
    forms::{Errors, PostForm},
    frameworks_page::{self, counted, fmt_int, Coded},
    page::{render, see_other, Chrome, PageError},
    uploads::StreamedUpload,
    PortalState,
};
use askama::Template;
use atout_web::i18n::{Arg, Lang, Tr};
use axum::{
    body::Body,
    extract::{Path, State},
    http::{header, HeaderValue, Method},
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/console/orgs/{slug}/events", get(org_list))
        .route(
            "/console/orgs/{slug}/events/new",
            get(org_new).post(org_create),
        )
        .route(
            "/console/orgs/{slug}/events/import",
            get(org_import_page).post(org_import),
        )
        .route("/console/orgs/{slug}/events/example.csv", get(org_example))
        .route(
            "/console/orgs/{slug}/events/{id}/edit",
            get(org_edit).post(org_update),
        )
        .route(
            "/console/orgs/{slug}/events/{id}/publish",
            post(org_publish),
        )
        .route(
            "/console/orgs/{slug}/events/{id}/cancel",
            get(org_cancel_page).post(org_cancel),
        )
        .route("/console/orgs/{slug}/events/{id}/delete", post(org_delete))
        .route(
            "/console/orgs/{slug}/events/{id}/registrations",
            get(org_registrations),
        )
        .route("/console/events", get(admin_list))
        .route("/console/events/new", get(admin_new).post(admin_create))
        .route(
            "/console/events/import",
            get(admin_import_page).post(admin_import),
        )
        .route("/console/events/example.csv", get(admin_example))
        .route(
            "/console/events/{id}/edit",
            get(admin_edit).post(admin_update),
        )
        .route("/console/events/{id}/publish", post(admin_publish))
        .route(
            "/console/events/{id}/cancel",
            get(admin_cancel_page).post(admin_cancel),
        )
        .route("/console/events/{id}/delete", post(admin_delete))
        .route(
            "/console/events/{id}/registrations",
            get(admin_registrations),
        )
}

/// The API's limits (`atout_news::events`), for the messages.
const MAX_CODES: usize = 30;
const MAX_FREE_TAGS: i64 = 20;
const MAX_CSV_BYTES: u64 = 2 * 1024 * 1024;
const KINDS: [&str; 7] = [
    "job-fair",
    "open-day",
    "info-session",
    "training-session",
    "recruitment",
    "workshop",
    "other",
];
const AUDIENCES: [&str; 6] = [
    "all",
    "job-seekers",
    "students",
    "young",
    "employees",
    "employers",
];
const REGISTRATIONS: [&str; 3] = ["none", "atout", "external"];

/// Whose events a page is about: an organisation's, or the platform's.
struct Scope {
    staff: Staff,
    org: Option<OrgDetails>,
    /// The list's address in the console.
    base: String,
    /// The API's collection.
    api: String,
}

impl Scope {
    async fn org(state: &PortalState, ctx: &Ctx, slug: &str) -> Result<Self, PageError> {
        let OrgPage { staff, org } = OrgPage::load(state, ctx, slug).await?;
        Ok(Self {
            base: format!("/console/orgs/{}/events", seg(&org.slug)),
            api: format!("/orgs/{}/events", seg(&org.slug)),
            staff,
            org: Some(org),
        })
    }

    async fn admin(state: &PortalState, ctx: &Ctx) -> Result<Self, PageError> {
        Ok(Self {
            staff: Staff::admin(state, ctx).await?,
            org: None,
            base: "/console/events".into(),
            api: "/admin/events".into(),
        })
    }

    fn chrome(&self, state: &PortalState, ctx: &Ctx, title_key: &str) -> Chrome {
        match &self.org {
            Some(o) => {
                let name = o.name(ctx.lang.code()).to_owned();
                self.staff
                    .chrome(state, ctx, title_key, Some((&o.slug, &name)))
            }
            None => self.staff.chrome(state, ctx, title_key, None),
        }
    }

    fn api_event(&self, id: &str) -> String {
        format!("{}/{}", self.api, seg(id))
    }

    fn page_event(&self, id: &str) -> String {
        format!("{}/{}", self.base, seg(id))
    }

    /// Whose events, for the list's lead.
    fn is_platform(&self) -> bool {
        self.org.is_none()
    }
}

// ---------------------------------------------------------------------
// Events as the API gives them.

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Event {
    id: String,
    kind: String,
    title_fr: Option<String>,
    title_en: Option<String>,
    description_fr: Option<String>,
    description_en: Option<String>,
    starts_local: String,
    ends_local: String,
    online_url: Option<String>,
    address: Option<String>,
    commune: Option<String>,
    department: Option<String>,
    audience: String,
    capacity: Option<i64>,
    registration: String,
    registration_url: Option<String>,
    status: String,
    cancel_reason: Option<String>,
    #[serde(default)]
    tags: Vec<Tag>,
    registered: i64,
}

#[derive(Debug, Clone, Deserialize)]
struct Tag {
    framework: Option<String>,
    code: Option<String>,
    label: String,
}

#[derive(Debug, Deserialize)]
struct EventList {
    items: Vec<Event>,
    total: i64,
}

impl Event {
    /// The title in the page's language, else the other one, and the
    /// other language's code when it is that one (for a `lang` attribute).
    fn title(&self, lang: Lang) -> (String, Option<&'static str>) {
        let (mine, other) = match lang {
            Lang::Fr => (&self.title_fr, &self.title_en),
            Lang::En => (&self.title_en, &self.title_fr),
        };
        match (mine, other) {
            (Some(t), _) => (t.clone(), None),
            (None, Some(t)) => (t.clone(), Some(lang.other().code())),
            (None, None) => (String::new(), None),
        }
    }
}

/// A local time of the API (`2027-03-15T14:00`).
fn local(text: &str) -> Option<chrono::NaiveDateTime> {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").ok()
}

fn day_text(lang: Lang, at: chrono::NaiveDateTime) -> String {
    atout_web::i18n::format_date(lang, at.date().and_time(chrono::NaiveTime::MIN).and_utc())
}

/// When an event takes place, in Paris time: "15 mars 2027, 14:00 – 17:00".
fn when(tr: &Tr, starts: &str, ends: &str) -> String {
    let (Some(s), Some(e)) = (local(starts), local(ends)) else {
        return format!("{starts} – {ends}");
    };
    let lang = tr.lang();
    let hm = |t: chrono::NaiveDateTime| t.format("%H:%M").to_string();
    if s.date() == e.date() {
        tr.with(
            "co-ev-when-same-day",
            &[
                ("day", Arg::Owned(day_text(lang, s))),
                ("start", Arg::Owned(hm(s))),
                ("end", Arg::Owned(hm(e))),
            ],
        )
    } else {
        tr.with(
            "co-ev-when-days",
            &[
                ("startDay", Arg::Owned(day_text(lang, s))),
                ("start", Arg::Owned(hm(s))),
                ("endDay", Arg::Owned(day_text(lang, e))),
                ("end", Arg::Owned(hm(e))),
            ],
        )
    }
}

/// Where: "Orléans (45)", "En ligne", or both.
fn place(tr: &Tr, e: &Event) -> String {
    let here = match (&e.commune, &e.department) {
        (Some(c), Some(d)) => Some(format!("{c} ({d})")),
        (Some(c), None) => Some(c.clone()),
        (None, Some(d)) => Some(tr.arg("co-ev-department-n", "n", d.as_str())),
        (None, None) => None,
    };
    match (here, e.online_url.is_some()) {
        (Some(h), true) => tr.arg("co-ev-place-both", "place", h),
        (Some(h), false) => h,
        (None, _) => tr.get("co-ev-place-online"),
    }
}

/// An event as the list shows it.
struct Item {
    id: String,
    title: String,
    title_lang: Option<&'static str>,
    kind: String,
    when: String,
    place: String,
    status: String,
    /// "12 registered of 50 places" (in Atout), else empty.
    registered: String,
    atout: bool,
    cancel_reason: Option<String>,
}

fn item(tr: &Tr, e: &Event) -> Item {
    let (title, title_lang) = e.title(tr.lang());
    let registered = if e.registration == "atout" {
        match e.capacity {
            Some(cap) => tr.with(
                "co-ev-registered-of",
                &[
                    ("count", Arg::Number(e.registered)),
                    ("n", Arg::Owned(fmt_int(tr.lang(), e.registered))),
                    ("capacity", Arg::Owned(fmt_int(tr.lang(), cap))),
                ],
            ),
            None => counted(tr, "co-ev-registered", e.registered),
        }
    } else {
        String::new()
    };
    Item {
        id: e.id.clone(),
        title,
        title_lang,
        kind: tr.get(&format!("co-ev-kind-{}", e.kind)),
        when: when(tr, &e.starts_local, &e.ends_local),
        place: place(tr, e),
        status: e.status.clone(),
        registered,
        atout: e.registration == "atout",
        cancel_reason: e.cancel_reason.clone(),
    }
}

/// The owner's events (drafts and cancelled ones included).
async fn load_all(
    state: &PortalState,
    ctx: &Ctx,
    scope: &Scope,
) -> Result<(Vec<Event>, i64), PageError> {
    let list: EventList = check(
        state
            .get(ctx, &scope.staff.who, &format!("{}?limit=200", scope.api))
            .await?,
    )
    .await?
    .json()
    .await?;
    Ok((list.items, list.total))
}

async fn load_one(
    state: &PortalState,
    ctx: &Ctx,
    scope: &Scope,
    id: &str,
) -> Result<Event, PageError> {
    check(
        state
            .get(ctx, &scope.staff.who, &scope.api_event(id))
            .await?,
    )
    .await?
    .json()
    .await
}

// ---------------------------------------------------------------------
// The list.

#[derive(Template)]
#[template(path = "console/events_list.html")]
struct ListPage {
    c: Chrome,
    base: String,
    platform: bool,
    /// (heading's key, its events): drafts, published, cancelled.
    groups: Vec<(&'static str, Vec<Item>)>,
    empty: bool,
    /// "3 events" (and "the 200 soonest" past that).
    count: String,
    more: Option<String>,
}

async fn list(state: PortalState, ctx: Ctx, scope: Scope) -> Result<Response, PageError> {
    let tr = ctx.t();
    let (events, total) = load_all(&state, &ctx, &scope).await?;
    let shown = events.len() as i64;
    let items: Vec<Item> = events.iter().map(|e| item(tr, e)).collect();
    let (mut drafts, mut published, mut cancelled) = (Vec::new(), Vec::new(), Vec::new());
    for i in items {
        match i.status.as_str() {
            "draft" => drafts.push(i),
            "published" => published.push(i),
            _ => cancelled.push(i),
        }
    }
    Ok(render(
        ctx.lang,
        &ListPage {
            c: scope.chrome(&state, &ctx, "co-ev-title"),
            base: scope.base.clone(),
            platform: scope.is_platform(),
            empty: total == 0,
            groups: vec![
                ("co-ev-drafts", drafts),
                ("co-ev-published", published),
                ("co-ev-cancelled", cancelled),
            ],
            count: counted(tr, "co-ev-count", total),
            more: (total > shown).then(|| counted(tr, "co-ev-more", shown)),
        },
    ))
}

// ---------------------------------------------------------------------
// The form.

#[derive(Debug, Clone, Default)]
struct CodeRow {
    value: String,
    label: Option<Coded>,
    error: Option<String>,
}

const EMPTY_ROWS: usize = 2;
const MIN_ROWS: usize = 4;
const MORE_ROWS: usize = 4;

/// The form's values, as typed.
#[derive(Debug, Clone, Default)]
struct Form {
    kind: String,
    title_fr: String,
    title_en: String,
    description_fr: String,
    description_en: String,
    starts_at: String,
    ends_at: String,
    online_url: String,
    address: String,
    commune: String,
    department: String,
    audience: String,
    capacity: String,
    registration: String,
    registration_url: String,
    codes: Vec<CodeRow>,
    free_tags: String,
    status: String,
}

impl Form {
    fn new() -> Self {
        let mut f = Self {
            kind: "job-fair".into(),
            audience: "all".into(),
            registration: "none".into(),
            status: "draft".into(),
            ..Default::default()
        };
        f.pad(0);
        f
    }

    fn pad(&mut self, more: usize) {
        let filled = self.codes.len();
        let rows = (filled + EMPTY_ROWS + more).clamp(MIN_ROWS, MAX_CODES);
        while self.codes.len() < rows {
            self.codes.push(CodeRow::default());
        }
    }

    fn from_event(state: &PortalState, e: &Event, lang: Lang) -> Self {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let mut f = Self {
            kind: e.kind.clone(),
            title_fr: text(&e.title_fr),
            title_en: text(&e.title_en),
            description_fr: text(&e.description_fr),
            description_en: text(&e.description_en),
            starts_at: e.starts_local.clone(),
            ends_at: e.ends_local.clone(),
            online_url: text(&e.online_url),
            address: text(&e.address),
            commune: text(&e.commune),
            department: text(&e.department),
            audience: e.audience.clone(),
            capacity: e.capacity.map(|c| c.to_string()).unwrap_or_default(),
            registration: e.registration.clone(),
            registration_url: text(&e.registration_url),
            codes: e
                .tags
                .iter()
                .filter_map(|t| {
                    let (Some(fw), Some(code)) = (&t.framework, &t.code) else {
                        return None;
                    };
                    Some(CodeRow {
                        value: code.clone(),
                        label: Some(frameworks_page::label_in(state, fw, code, lang)),
                        error: None,
                    })
                })
                .collect(),
            free_tags: e
                .tags
                .iter()
                .filter(|t| t.framework.is_none())
                .map(|t| t.label.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            status: e.status.clone(),
        };
        f.pad(0);
        f
    }

    fn from_post(state: &PortalState, ctx: &Ctx, form: &PostForm, editing: bool) -> Self {
        let label = |code: &str| frameworks_page::label_code(state, code, ctx.lang);
        let pick = |name: &str, allowed: &[&str], default: &str| {
            form.get(name)
                .filter(|v| allowed.contains(v))
                .unwrap_or(default)
                .to_owned()
        };
        let mut f = Self {
            kind: pick("kind", &KINDS, "other"),
            title_fr: form.text("title_fr"),
            title_en: form.text("title_en"),
            description_fr: form.text("description_fr"),
            description_en: form.text("description_en"),
            starts_at: form.text("starts_at"),
            ends_at: form.text("ends_at"),
            online_url: form.text("online_url"),
            address: form.text("address"),
            commune: form.text("commune"),
            department: form.text("department"),
            audience: pick("audience", &AUDIENCES, "all"),
            capacity: form.text("capacity"),
            registration: pick("registration", &REGISTRATIONS, "none"),
            registration_url: form.text("registration_url"),
            codes: form
                .all("code")
                .into_iter()
                .take(MAX_CODES)
                .map(|value| CodeRow {
                    label: label(&value),
                    value,
                    error: None,
                })
                .collect(),
            free_tags: form.text("free_tags"),
            status: if editing {
                String::new()
            } else {
                pick("status", &["draft", "published"], "draft")
            },
        };
        f.pad(if form.checked("more") { MORE_ROWS } else { 0 });
        f
    }

    /// The API's `EventInput`, or what the page can tell is wrong before
    /// asking (the number of places).
    fn body(&self, tr: &Tr, creating: bool) -> Result<Value, Errors> {
        let opt = |v: &str| (!v.is_empty()).then(|| v.to_owned());
        let capacity = match self.capacity.as_str() {
            "" => None,
            c => match c
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .parse::<i64>()
            {
                Ok(n) => Some(n),
                Err(_) => {
                    let mut errors = Errors::default();
                    errors.add("capacity", message(tr, "capacity", "out-of-range"));
                    return Err(errors);
                }
            },
        };
        let codes: Vec<&str> = self
            .codes
            .iter()
            .map(|r| r.value.as_str())
            .filter(|v| !v.is_empty())
            .collect();
        let free: Vec<String> = self
            .free_tags
            .split([',', ';', '|', '\n'])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
        let mut body = json!({
            "kind": self.kind,
            "titleFr": opt(&self.title_fr),
            "titleEn": opt(&self.title_en),
            "descriptionFr": opt(&self.description_fr),
            "descriptionEn": opt(&self.description_en),
            "startsAt": self.starts_at,
            "endsAt": self.ends_at,
            "onlineUrl": opt(&self.online_url),
            "address": opt(&self.address),
            "commune": opt(&self.commune),
            "department": opt(&self.department),
            "audience": self.audience,
            "capacity": capacity,
            "registration": self.registration,
            "registrationUrl": if self.registration == "external" { opt(&self.registration_url) } else { None },
            "codes": codes,
            "freeTags": free,
        });
        if creating {
            body["status"] = json!(self.status);
        }
        Ok(body)
    }
}

/// The API's field names and the form's.
const FIELDS: [(&str, &str); 20] = [
    ("kind", "kind"),
    ("titleFr", "title_fr"),
    ("titleEn", "title_en"),
    ("descriptionFr", "description_fr"),
    ("descriptionEn", "description_en"),
    ("startsAt", "starts_at"),
    ("endsAt", "ends_at"),
    ("onlineUrl", "online_url"),
    ("address", "address"),
    ("commune", "commune"),
    ("department", "department"),
    ("place", "place"),
    ("audience", "audience"),
    ("capacity", "capacity"),
    ("registration", "registration"),
    ("registrationUrl", "registration_url"),
    ("codes", "codes"),
    ("freeTags", "free_tags"),
    ("status", "status"),
    ("reason", "reason"),
];

/// The most a field holds, for "at most … characters" messages.
fn max_of(form_field: &str) -> i64 {
    match form_field {
        "title_fr" | "title_en" => 200,
        "description_fr" | "description_en" => 8_000,
        "address" => 300,
        "commune" => 100,
        "online_url" | "registration_url" => 500,
        "free_tags" => 60,
        "reason" => 1_000,
        "codes" => MAX_CODES as i64,
        _ => 0,
    }
}

fn form_field(api_field: &str) -> &'static str {
    FIELDS
        .iter()
        .find(|(api, _)| *api == api_field)
        .map_or("", |(_, form)| form)
}

/// What is wrong with a field, in the page's language: by the API's code
/// (`end-before-start`, `unknown-code`…), naming the field.
fn message(tr: &Tr, form_field: &str, code: &str) -> String {
    let label_key = format!("co-ev-f-{form_field}");
    let label = if tr.has(&label_key) {
        tr.get(&label_key)
    } else {
        String::new()
    };
    let max = if form_field == "free_tags" && code == "too-many" {
        MAX_FREE_TAGS
    } else {
        max_of(form_field)
    };
    let key = format!("co-ev-err-{code}");
    let key = if tr.has(&key) {
        key
    } else {
        "co-ev-err-other".to_owned()
    };
    tr.with(
        &key,
        &[
            ("field", Arg::Owned(label)),
            ("max", Arg::Owned(fmt_int(tr.lang(), max))),
        ],
    )
}

/// The API's field errors (`errors`), else its one field, as the form's.
fn errors_of(tr: &Tr, problem: &Problem, f: &mut Form) -> Errors {
    crate::problems::log(problem);
    let mut errors = Errors::default();
    let listed: Vec<Value> = problem
        .raw
        .get("errors")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_else(|| vec![problem.raw.clone()]);
    for e in &listed {
        let api_field = e.get("field").and_then(Value::as_str).unwrap_or("");
        let code = e.get("code").and_then(Value::as_str).unwrap_or("other");
        let field = form_field(api_field);
        let text = message(tr, field, code);
        if field == "codes" {
            // The row of the code refused, when it is one.
            let value = e.get("value").and_then(Value::as_str).unwrap_or("");
            if let Some(i) = f
                .codes
                .iter()
                .position(|r| !r.value.is_empty() && r.value == value)
            {
                f.codes[i].error = Some(text.clone());
                errors.add(&format!("code-{i}"), text);
                continue;
            }
        }
        if !errors.has(field) || field.is_empty() {
            errors.add(field, text);
        }
    }
    if errors.is_empty() {
        errors.add("", crate::problems::general(tr, problem));
    }
    errors
}

#[derive(Template)]
#[template(path = "console/events_form.html")]
struct FormPage {
    c: Chrome,
    base: String,
    action: String,
    id: Option<String>,
    f: Form,
    kinds: [&'static str; 7],
    audiences: [&'static str; 6],
    registrations: [&'static str; 3],
    errors: Errors,
}

impl FormPage {
    fn row_id(&self, i: &usize) -> String {
        format!("code-{i}")
    }

    fn row_label(&self, i: &usize) -> String {
        self.c.ta("co-ev-code-n", "n", (*i + 1) as i64)
    }
}

fn form_page(
    state: &PortalState,
    ctx: &Ctx,
    scope: &Scope,
    id: Option<String>,
    f: Form,
    errors: Errors,
) -> FormPage {
    let (title, action) = match &id {
        Some(id) => ("co-ev-edit-title", format!("{}/edit", scope.page_event(id))),
        None => ("co-ev-new-title", format!("{}/new", scope.base)),
    };
    let c = scope.chrome(state, ctx, title).for_page(&action);
    FormPage {
        c,
        base: scope.base.clone(),
        action,
        id,
        f,
        kinds: KINDS,
        audiences: AUDIENCES,
        registrations: REGISTRATIONS,
        errors,
    }
}

async fn new_page(state: PortalState, ctx: Ctx, scope: Scope) -> Result<Response, PageError> {
    let mut c = form_page(&state, &ctx, &scope, None, Form::new(), Errors::default());
    c.c = scope.chrome(&state, &ctx, "co-ev-new-title");
    Ok(render(ctx.lang, &c))
}

async fn edit_page(
    state: PortalState,
    ctx: Ctx,
    scope: Scope,
    id: String,
) -> Result<Response, PageError> {
    let e = load_one(&state, &ctx, &scope, &id).await?;
    if e.status == "cancelled" {
        return Ok(see_other(&format!(
            "{}?done=done-co-ev-cancelled-fixed",
            scope.base
        )));
    }
    let f = Form::from_event(&state, &e, ctx.lang);
    let mut view = form_page(&state, &ctx, &scope, Some(id), f, Errors::default());
    view.c = scope.chrome(&state, &ctx, "co-ev-edit-title");
    Ok(render(ctx.lang, &view))
}

async fn save(
    state: PortalState,
    ctx: Ctx,
    scope: Scope,
    id: Option<String>,
    form: PostForm,
) -> Result<Response, PageError> {
    let tr = ctx.t();
    let mut f = Form::from_post(&state, &ctx, &form, id.is_some());
    if form.checked("more") {
        let view = form_page(&state, &ctx, &scope, id, f, Errors::default());
        return Ok(render(ctx.lang, &view));
    }
    let errors = match f.body(tr, id.is_none()) {
        Err(errors) => errors,
        Ok(body) => {
            let (method, path) = match &id {
                Some(id) => (Method::PUT, scope.api_event(id)),
                None => (Method::POST, scope.api.clone()),
            };
            let reply = state
                .send_json(&ctx, &scope.staff.who, method, &path, &body)
                .await?;
            if reply.ok() {
                let done = match (&id, f.status.as_str()) {
                    (Some(_), _) => "done-co-ev-saved",
                    (None, "published") => "done-co-ev-published",
                    (None, _) => "done-co-ev-created",
                };
                return Ok(see_other(&format!("{}?done={done}", scope.base)));
            }
            let problem = reply.problem().await;
            match problem.status {
                404 if id.is_some() => return Err(PageError::NotFound),
                409 => {
                    crate::problems::log(&problem);
                    let mut e = Errors::default();
                    e.add("", tr.get("co-ev-err-cancelled"));
                    e
                }
                422 => errors_of(tr, &problem, &mut f),
                _ => return Err(PageError::from_problem(problem)),
            }
        }
    };
    let view = form_page(&state, &ctx, &scope, id, f, errors);
    Ok(unprocessable(render(ctx.lang, &view)))
}

// ---------------------------------------------------------------------
// Publish, delete, cancel, registrations.

async fn publish(
    state: PortalState,
    ctx: Ctx,
    scope: Scope,
    id: String,
) -> Result<Response, PageError> {
    let reply = state
        .call(
            &ctx,
            &scope.staff.who,
            Method::POST,
            &format!("{}/publish", scope.api_event(&id)),
            Body::empty(),
            None,
        )
        .await?;
    if reply.ok() {
        return Ok(see_other(&format!(
            "{}?done=done-co-ev-published",
            scope.base
        )));
    }
    let problem = reply.problem().await;
    match problem.status {
        // Starts in the past, or no longer a draft: the form says what.
        409 | 422 => {
            crate::problems::log(&problem);
            let key = if problem.status == 422 {
                "done-co-ev-publish-past"
            } else {
                "done-co-ev-publish-not-draft"
            };
            Ok(see_other(&format!("{}?done={key}", scope.base)))
        }
        _ => Err(PageError::from_problem(problem)),
    }
}

async fn delete(
    state: PortalState,
    ctx: Ctx,
    scope: Scope,
    id: String,
) -> Result<Response, PageError> {
    let reply = state
        .call(
            &ctx,
            &scope.staff.who,
            Method::DELETE,
            &scope.api_event(&id),
            Body::empty(),
            None,
        )
        .await?;
    if reply.ok() {
        return Ok(see_other(&format!(
            "{}?done=done-co-ev-deleted",
            scope.base
        )));
    }
    let problem = reply.problem().await;
    if problem.status == 409 {
        crate::problems::log(&problem);
        return Ok(see_other(&format!(
            "{}?done=done-co-ev-delete-not-draft",
            scope.base
        )));
    }
    Err(PageError::from_problem(problem))
}

#[derive(Template)]
#[template(path = "console/events_cancel.html")]
struct CancelPage {
    c: Chrome,
    base: String,
    action: String,
    e: Item,
    /// "12 people registered or starred it will be told."
    told: String,
    reason: String,
    errors: Errors,
}

async fn cancel_view(
    state: &PortalState,
    ctx: &Ctx,
    scope: &Scope,
    e: &Event,
    reason: String,
    errors: Errors,
) -> CancelPage {
    let tr = ctx.t();
    let action = format!("{}/cancel", scope.page_event(&e.id));
    CancelPage {
        c: scope
            .chrome(state, ctx, "co-ev-cancel-title")
            .for_page(&action),
        base: scope.base.clone(),
        action,
        e: item(tr, e),
        told: counted(tr, "co-ev-cancel-told", e.registered),
        reason,
        errors,
    }
}

async fn cancel_page(
    state: PortalState,
    ctx: Ctx,
    scope: Scope,
    id: String,
) -> Result<Response, PageError> {
    let e = load_one(&state, &ctx, &scope, &id).await?;
    if e.status != "published" {
        return Ok(see_other(&format!(
            "{}?done=done-co-ev-cancel-not-published",
            scope.base
        )));
    }
    let mut view = cancel_view(&state, &ctx, &scope, &e, String::new(), Errors::default()).await;
    view.c = scope.chrome(&state, &ctx, "co-ev-cancel-title");
    Ok(render(ctx.lang, &view))
}

async fn cancel(
    state: PortalState,
    ctx: Ctx,
    scope: Scope,
    id: String,
    form: PostForm,
) -> Result<Response, PageError> {
    let tr = ctx.t();
    let reason = form.text("reason");
    let body = json!({ "reason": (!reason.is_empty()).then_some(reason.as_str()) });
    let reply = state
        .send_json(
            &ctx,
            &scope.staff.who,
            Method::POST,
            &format!("{}/cancel", scope.api_event(&id)),
            &body,
        )
        .await?;
    if reply.ok() {
        return Ok(see_other(&format!(
            "{}?done=done-co-ev-cancelled",
            scope.base
        )));
    }
    let problem = reply.problem().await;
    match problem.status {
        409 => {
            crate::problems::log(&problem);
            Ok(see_other(&format!(
                "{}?done=done-co-ev-cancel-not-published",
                scope.base
            )))
        }
        422 => {
            let e = load_one(&state, &ctx, &scope, &id).await?;
            let mut f = Form::default();
            let errors = errors_of(tr, &problem, &mut f);
            let view = cancel_view(&state, &ctx, &scope, &e, reason, errors).await;
            Ok(unprocessable(render(ctx.lang, &view)))
        }
        _ => Err(PageError::from_problem(problem)),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Registration {
    name: String,
    email: String,
    registered_local: String,
}

#[derive(Debug, Deserialize)]
struct Registrations {
    items: Vec<Registration>,
    total: i64,
    capacity: Option<i64>,
}

#[derive(Template)]
#[template(path = "console/events_registrations.html")]
struct RegistrationsPage {
    c: Chrome,
    base: String,
    e: Item,
    /// (name, e-mail, when).
    rows: Vec<(String, String, String)>,
    count: String,
}

async fn registrations(
    state: PortalState,
    ctx: Ctx,
    scope: Scope,
    id: String,
) -> Result<Response, PageError> {
    let tr = ctx.t();
    let e = load_one(&state, &ctx, &scope, &id).await?;
    let list: Registrations = check(
        state
            .get(
                &ctx,
                &scope.staff.who,
                &format!("{}/registrations", scope.api_event(&id)),
            )
            .await?,
    )
    .await?
    .json()
    .await?;
    let at = |text: &str| match local(text) {
        Some(t) => tr.with(
            "co-ev-at",
            &[
                ("day", Arg::Owned(day_text(tr.lang(), t))),
                ("time", Arg::Owned(t.format("%H:%M").to_string())),
            ],
        ),
        None => text.to_owned(),
    };
    let count = match list.capacity {
        Some(cap) => tr.with(
            "co-ev-registered-of",
            &[
                ("count", Arg::Number(list.total)),
                ("n", Arg::Owned(fmt_int(tr.lang(), list.total))),
                ("capacity", Arg::Owned(fmt_int(tr.lang(), cap))),
            ],
        ),
        None => counted(tr, "co-ev-registered", list.total),
    };
    Ok(render(
        ctx.lang,
        &RegistrationsPage {
            c: scope.chrome(&state, &ctx, "co-ev-registrations-title"),
            base: scope.base.clone(),
            e: item(tr, &e),
            rows: list
                .items
                .into_iter()
                .map(|r| (r.name, r.email, at(&r.registered_local)))
                .collect(),
            count,
        },
    ))
}

// ---------------------------------------------------------------------
// The CSV import.

/// The example file: French headers, `;`, times as a French office
/// writes them; UTF-8 with a BOM so that a spreadsheet opens its accents
/// right.
const EXAMPLE_CSV: &str = "\u{feff}Type;Titre;Titre (anglais);Description;Début;Fin;Adresse;Commune;Département;Lien en ligne;Public;Places;Inscription;Lien d’inscription;Codes;Mots-clés;Statut\r\n\
Salon de l’emploi;Forum de l’emploi numérique;Digital jobs fair;\"Rencontrez les employeurs du numérique ; apportez votre CV.\";16/03/2027 09:30;16/03/2027 17:00;Parc des expositions, 1 rue du Parc;Orléans;45;;Tous;300;Sur Atout;;M1805|M1810;numérique;publié\r\n\
Portes ouvertes;Journée portes ouvertes du CFA;;Visitez les ateliers et rencontrez les formateurs.;06/02/2027 10:00;06/02/2027 16:00;12 rue des Écoles;Tours;37;;Jeunes;;Aucune;;;apprentissage;brouillon\r\n\
Réunion d’information;Devenir aide-soignant ou aide-soignante;;Une heure en visioconférence, questions comprises.;20/01/2027 18:00;20/01/2027 19:00;;;;https://visio.exemple.fr/aide-soignant;Demandeurs d’emploi;;Externe;https://exemple.fr/inscription;J1501;santé;brouillon\r\n";

/// The columns, as the example names them, with the field each fills.
const COLUMNS: [(&str, &str); 17] = [
    ("kind", "kind"),
    ("title_fr", "titleFr"),
    ("title_en", "titleEn"),
    ("description", "descriptionFr"),
    ("starts", "startsAt"),
    ("ends", "endsAt"),
    ("address", "address"),
    ("commune", "commune"),
    ("department", "department"),
    ("online", "onlineUrl"),
    ("audience", "audience"),
    ("capacity", "capacity"),
    ("registration", "registration"),
    ("registration_url", "registrationUrl"),
    ("codes", "codes"),
    ("tags", "freeTags"),
    ("status", "status"),
];

#[derive(Template)]
#[template(path = "console/events_import.html")]
struct ImportPage {
    c: Chrome,
    base: String,
    columns: Vec<(String, String)>,
    /// Why the file was refused: one sentence per wrong cell.
    refused: Vec<String>,
    /// Wrong cells not listed (past the API's list).
    refused_more: Option<String>,
    done: Vec<String>,
    errors: Errors,
}

fn columns(tr: &Tr) -> Vec<(String, String)> {
    COLUMNS
        .iter()
        .map(|(c, _)| {
            (
                tr.get(&format!("co-ev-col-{c}")),
                tr.get(&format!("co-ev-col-{c}-hint")),
            )
        })
        .collect()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ImportReport {
    created: i64,
    published: i64,
    #[serde(default)]
    ignored_columns: Vec<String>,
}

/// A refused file's reasons, in the page's words: "Ligne 3, colonne
/// « Début » : …" for each wrong cell; a sentence for the file.
fn refusal(tr: &Tr, problem: &Problem) -> Vec<String> {
    let listed = problem
        .raw
        .get("errors")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if listed.is_empty() {
        let code = problem.code.as_deref().unwrap_or("");
        let key = format!("co-ev-import-file-{code}");
        let text = if tr.has(&key) {
            tr.get(&key)
        } else {
            tr.get("co-ev-import-file-unreadable")
        };
        return vec![match problem.raw.get("line").and_then(Value::as_i64) {
            Some(line) => tr.with(
                "co-ev-import-at-line",
                &[("line", Arg::Number(line)), ("message", Arg::Owned(text))],
            ),
            None => text,
        }];
    }
    listed
        .iter()
        .map(|e| {
            let line = e.get("line").and_then(Value::as_i64).unwrap_or(0);
            let field = form_field(e.get("field").and_then(Value::as_str).unwrap_or(""));
            let code = e.get("code").and_then(Value::as_str).unwrap_or("other");
            let what = message(tr, field, code);
            match e.get("column").and_then(Value::as_str) {
                Some(column) => tr.with(
                    "co-ev-import-at-cell",
                    &[
                        ("line", Arg::Number(line)),
                        ("column", Arg::Text(column)),
                        ("message", Arg::Owned(what)),
                    ],
                ),
                None => tr.with(
                    "co-ev-import-at-line",
                    &[("line", Arg::Number(line)), ("message", Arg::Owned(what))],
                ),
            }
        })
        .collect()
}

async fn import_page(state: PortalState, ctx: Ctx, scope: Scope) -> Result<Response, PageError> {
    Ok(render(
        ctx.lang,
        &ImportPage {
            c: scope.chrome(&state, &ctx, "co-ev-import-title"),
            base: scope.base.clone(),
            columns: columns(ctx.t()),
            refused: Vec::new(),
            refused_more: None,
            done: Vec::new(),
            errors: Errors::default(),
        },
    ))
}

async fn import(
    state: PortalState,
    ctx: Ctx,
    scope: Result<Scope, PageError>,
    mut form: StreamedUpload,
) -> Result<Response, PageError> {
    let scope = match scope {
        Ok(s) => s,
        Err(e) => {
            form.discard().await?;
            return Err(e);
        }
    };
    let tr = ctx.t();
    let mut errors = Errors::default();
    let mut refused = Vec::new();
    let mut refused_more = None;
    let action = format!("{}/import", scope.base);
    if form.file.is_none() {
        errors.add("file", tr.get("co-ev-import-choose"));
    } else {
        let (reply, size) = form
            .forward(
                &state,
                &ctx,
                &scope.staff.who,
                &format!("{}/import", scope.api),
                "text/csv",
                MAX_CSV_BYTES,
            )
            .await?;
        if reply.ok() {
            let report: ImportReport = reply.json().await?;
            let mut done = vec![
                counted(tr, "co-ev-import-created", report.created),
                counted(tr, "co-ev-import-published", report.published),
            ];
            if !report.ignored_columns.is_empty() {
                done.push(tr.arg(
                    "co-ev-import-ignored",
                    "columns",
                    report.ignored_columns.join(", "),
                ));
            }
            return Ok(render(
                ctx.lang,
                &ImportPage {
                    c: scope
                        .chrome(&state, &ctx, "co-ev-import-done-title")
                        .for_page(&action),
                    base: scope.base.clone(),
                    columns: columns(tr),
                    refused: Vec::new(),
                    refused_more: None,
                    done,
                    errors: Errors::default(),
                },
            ));
        }
        let problem = reply.problem().await;
        match problem.status {
            413 => {
                let limit = crate::uploads::stated_limit(&problem, MAX_CSV_BYTES);
                errors.add(
                    "file",
                    crate::uploads::too_large_message(tr, ctx.lang, size, limit),
                );
            }
            422 => {
                crate::problems::log(&problem);
                refused = refusal(tr, &problem);
                let all = problem
                    .raw
                    .get("errors")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len);
                if all >= 200 {
                    refused_more = Some(tr.get("co-ev-import-more"));
                }
                errors.add("file", tr.get("co-ev-import-refused"));
            }
            _ => return Err(PageError::from_problem(problem)),
        }
    }
    form.discard().await?;
    Ok(unprocessable(render(
        ctx.lang,
        &ImportPage {
            c: scope
                .chrome(&state, &ctx, "co-ev-import-title")
                .for_page(&action),
            base: scope.base.clone(),
            columns: columns(tr),
            refused,
            refused_more,
            done: Vec::new(),
            errors,
        },
    )))
}

fn example() -> Response {
    let mut response = EXAMPLE_CSV.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"evenements-exemple.csv\""),
    );
    response
}

// ---------------------------------------------------------------------
// The routes: an organisation's (its key or the administrator) and the
// platform's (the administrator). Posts are CSRF-checked (`PostForm`,
// `StreamedUpload`).

async fn org_list(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let scope = Scope::org(&state, &ctx, &slug).await?;
    list(state, ctx, scope).await
}

async fn admin_list(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let scope = Scope::admin(&state, &ctx).await?;
    list(state, ctx, scope).await
}

async fn org_new(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let scope = Scope::org(&state, &ctx, &slug).await?;
    new_page(state, ctx, scope).await
}

async fn admin_new(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let scope = Scope::admin(&state, &ctx).await?;
    new_page(state, ctx, scope).await
}

async fn org_create(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: PostForm,
) -> Result<Response, PageError> {
    let scope = Scope::org(&state, &ctx, &slug).await?;
    save(state, ctx, scope, None, form).await
}

async fn admin_create(
    State(state): State<PortalState>,
    ctx: Ctx,
    form: PostForm,
) -> Result<Response, PageError> {
    let scope = Scope::admin(&state, &ctx).await?;
    save(state, ctx, scope, None, form).await
}

async fn org_edit(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let scope = Scope::org(&state, &ctx, &slug).await?;
    edit_page(state, ctx, scope, id).await
}

async fn admin_edit(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let scope = Scope::admin(&state, &ctx).await?;
    edit_page(state, ctx, scope, id).await
}

async fn org_update(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    form: PostForm,
) -> Result<Response, PageError> {
    let scope = Scope::org(&state, &ctx, &slug).await?;
    save(state, ctx, scope, Some(id), form).await
}

async fn admin_update(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: PostForm,
) -> Result<Response, PageError> {
    let scope = Scope::admin(&state, &ctx).await?;
    save(state, ctx, scope, Some(id), form).await
}

async fn org_publish(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    _form: PostForm,
) -> Result<Response, PageError> {
    let scope = Scope::org(&state, &ctx, &slug).await?;
    publish(state, ctx, scope, id).await
}

async fn admin_publish(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
    _form: PostForm,
) -> Result<Response, PageError> {
    let scope = Scope::admin(&state, &ctx).await?;
    publish(state, ctx, scope, id).await
}

async fn org_delete(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    _form: PostForm,
) -> Result<Response, PageError> {
    let scope = Scope::org(&state, &ctx, &slug).await?;
    delete(state, ctx, scope, id).await
}

async fn admin_delete(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
    _form: PostForm,
) -> Result<Response, PageError> {
    let scope = Scope::admin(&state, &ctx).await?;
    delete(state, ctx, scope, id).await
}

async fn org_cancel_page(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let scope = Scope::org(&state, &ctx, &slug).await?;
    cancel_page(state, ctx, scope, id).await
}

async fn admin_cancel_page(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let scope = Scope::admin(&state, &ctx).await?;
    cancel_page(state, ctx, scope, id).await
}

async fn org_cancel(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    form: PostForm,
) -> Result<Response, PageError> {
    let scope = Scope::org(&state, &ctx, &slug).await?;
    cancel(state, ctx, scope, id, form).await
}

async fn admin_cancel(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: PostForm,
) -> Result<Response, PageError> {
    let scope = Scope::admin(&state, &ctx).await?;
    cancel(state, ctx, scope, id, form).await
}

async fn org_registrations(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let scope = Scope::org(&state, &ctx, &slug).await?;
    registrations(state, ctx, scope, id).await
}

async fn admin_registrations(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let scope = Scope::admin(&state, &ctx).await?;
    registrations(state, ctx, scope, id).await
}

async fn org_import_page(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let scope = Scope::org(&state, &ctx, &slug).await?;
    import_page(state, ctx, scope).await
}

async fn admin_import_page(
    State(state): State<PortalState>,
    ctx: Ctx,
) -> Result<Response, PageError> {
    let scope = Scope::admin(&state, &ctx).await?;
    import_page(state, ctx, scope).await
}

async fn org_import(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: StreamedUpload,
) -> Result<Response, PageError> {
    let scope = Scope::org(&state, &ctx, &slug).await;
    import(state, ctx, scope, form).await
}

async fn admin_import(
    State(state): State<PortalState>,
    ctx: Ctx,
    form: StreamedUpload,
) -> Result<Response, PageError> {
    let scope = Scope::admin(&state, &ctx).await;
    import(state, ctx, scope, form).await
}

async fn org_example(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    Scope::org(&state, &ctx, &slug).await?;
    Ok(example())
}

async fn admin_example(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    Scope::admin(&state, &ctx).await?;
    Ok(example())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_has_as_many_cells_on_each_line_as_columns() {
        let mut lines = EXAMPLE_CSV.trim_start_matches('\u{feff}').lines();
        let header = lines.next().unwrap_or_default();
        assert_eq!(header.split(';').count(), COLUMNS.len());
        for line in lines {
            let cells = line.split(';').count() - line.matches(" ; ").count();
            assert_eq!(cells, COLUMNS.len(), "{line}");
        }
    }

    #[test]
    fn every_error_code_of_the_api_has_a_message_in_both_languages() {
        for lang in [Lang::Fr, Lang::En] {
            let tr = lang.tr();
            for code in [
                "required",
                "too-long",
                "control-characters",
                "unknown-value",
                "bad-datetime",
                "nonexistent-time",
                "end-before-start",
                "in-the-past",
                "too-long-event",
                "too-far",
                "bad-url",
                "bad-department",
                "place-missing",
                "unknown-code",
                "unknown-framework",
                "too-many",
                "out-of-range",
                "not-expected",
                "status-change",
            ] {
                assert!(tr.has(&format!("co-ev-err-{code}")), "{code}");
            }
            for (_, form) in FIELDS {
                assert!(tr.has(&format!("co-ev-f-{form}")), "{form}");
            }
        }
    }
}
