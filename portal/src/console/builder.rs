//! The template builder: a template's fields defined in a form (labels in
//! French and English, type, required, options, help, framework code),
//! started empty or from a template of the gallery; and a template file
//! (as in `issuer/templates/`) imported as it is. Without JavaScript:
//! adding, removing and moving fields are submit buttons that post the
//! whole form back; only "create" calls the API, which writes the schema.
//!
//! | page | caller |
//! |---|---|
//! | `GET /console/orgs/{slug}/templates/build[?from=ID]` | the organisation's key or the administrator |
//! | `POST /console/orgs/{slug}/templates/build` | the organisation's key or the administrator (CSRF-checked) |
//! | `POST /console/orgs/{slug}/templates/import` | the organisation's key or the administrator (CSRF-checked) |

use super::{templates::TemplateSpec, unprocessable, OrgPage};
use crate::{
    api::seg,
    ctx::Ctx,
    forms::{Errors, PostForm, Upload},
    page::{render, see_other, Chrome, PageError},
    PortalState,
};
use askama::Template;
use atout_web::i18n::Tr;
use axum::{
    body::Body,
    extract::{Path, State},
    http::Method,
    response::Response,
    routing::{get, post},
    Router,
};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route(
            "/console/orgs/{slug}/templates/build",
            get(build_page).post(build),
        )
        .route("/console/orgs/{slug}/templates/import", post(import))
}

/// The types offered, in the order shown.
pub const TYPES: [&str; 8] = [
    "text",
    "date",
    "number",
    "integer",
    "choice",
    "email",
    "identifier",
    "fixed",
];
/// The kinds of credential offered.
pub const KINDS: [&str; 3] = [
    "DiplomaCredential",
    "CertificateCredential",
    "OpenBadgeCredential",
];
/// Most field rows the page reads back (the API allows 60 fields).
const MAX_ROWS: usize = 100;

/// One field as the form shows it.
#[derive(Debug, Clone, Default)]
pub struct BuilderField {
    pub key: String,
    pub label_fr: String,
    pub label_en: String,
    pub field_type: String,
    pub required: bool,
    /// One option per line.
    pub options: String,
    pub help_fr: String,
    pub help_en: String,
    pub code: String,
    /// (part, message)
    pub errors: Vec<(&'static str, String)>,
}

impl BuilderField {
    fn is_blank(&self) -> bool {
        [
            &self.key,
            &self.label_fr,
            &self.label_en,
            &self.options,
            &self.help_fr,
            &self.help_en,
            &self.code,
        ]
        .iter()
        .all(|t| t.trim().is_empty())
    }

    pub fn error(&self, part: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(p, _)| *p == part)
            .map(|(_, m)| m.as_str())
    }

    /// The text of one of the parts under "more".
    pub fn value(&self, part: &str) -> &str {
        match part {
            "help_fr" => &self.help_fr,
            "help_en" => &self.help_en,
            "code" => &self.code,
            _ => &self.key,
        }
    }

    pub fn is_type(&self, t: &str) -> bool {
        self.field_type == t || (self.field_type.is_empty() && t == "text")
    }

    fn to_api(&self) -> Value {
        json!({
            "key": self.key.trim(),
            "labelFr": self.label_fr.trim(),
            "labelEn": self.label_en.trim(),
            "type": if self.field_type.is_empty() { "text" } else { self.field_type.as_str() },
            "required": self.required,
            "helpFr": self.help_fr.trim(),
            "helpEn": self.help_en.trim(),
            "options": self.options.lines().map(str::trim).filter(|o| !o.is_empty()).collect::<Vec<_>>(),
            "frameworkCode": self.code.trim(),
        })
    }
}

/// A field as the API describes it (a gallery template's or another's).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiField {
    #[serde(default)]
    key: String,
    #[serde(default)]
    label_fr: String,
    #[serde(default)]
    label_en: String,
    #[serde(rename = "type", default)]
    field_type: String,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    help_fr: String,
    #[serde(default)]
    help_en: String,
    #[serde(default)]
    options: Vec<String>,
    #[serde(default)]
    framework_code: String,
}

#[derive(Debug, Deserialize)]
struct GalleryTemplate {
    id: String,
    name_fr: String,
    #[serde(default)]
    name_en: Option<String>,
    #[serde(rename = "type")]
    credential_type: String,
    #[serde(default)]
    achievement: Option<Value>,
    #[serde(default)]
    fields: Vec<ApiField>,
    #[serde(default)]
    framework_code: Option<String>,
}

impl GalleryTemplate {
    fn name(&self, lang: &str) -> &str {
        match &self.name_en {
            Some(en) if lang == "en" && !en.is_empty() => en,
            _ => &self.name_fr,
        }
    }
}

#[derive(Deserialize)]
struct Gallery {
    items: Vec<GalleryTemplate>,
}

/// A template of the gallery, for the "start from" list.
pub struct Choice {
    pub id: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "console/template_build.html")]
struct BuildPage {
    c: Chrome,
    base: String,
    gallery: Vec<Choice>,
    from: String,
    started: String,
    name_fr: String,
    name_en: String,
    kind: String,
    framework: String,
    achievement: String,
    fields: Vec<BuilderField>,
    types: [&'static str; 8],
    kinds: [&'static str; 3],
    import_text: String,
    errors: Errors,
}

impl BuildPage {
    /// A field's form name: `f3.label_fr`.
    fn n(&self, i: &usize, part: &str) -> String {
        format!("f{i}.{part}")
    }

    fn number(&self, i: &usize) -> usize {
        i + 1
    }

    fn is_last(&self, i: &usize) -> bool {
        i + 1 == self.fields.len()
    }

    /// The parts shown under "more": (part, label key).
    fn more_parts(&self) -> [(&'static str, &'static str); 4] {
        [
            ("help_fr", "co-builder-help-fr"),
            ("help_en", "co-builder-help-en"),
            ("code", "co-builder-code"),
            ("key", "co-builder-key"),
        ]
    }
}

async fn gallery(
    state: &PortalState,
    ctx: &Ctx,
    page: &OrgPage,
) -> Result<Vec<GalleryTemplate>, PageError> {
    let list: Gallery = state
        .get(ctx, &page.staff.who, "/template-gallery")
        .await?
        .json()
        .await?;
    Ok(list.items)
}

fn choices(items: &[GalleryTemplate], lang: &str) -> Vec<Choice> {
    items
        .iter()
        .map(|g| Choice {
            id: g.id.clone(),
            name: g.name(lang).to_owned(),
        })
        .collect()
}

fn from_api(f: ApiField) -> BuilderField {
    BuilderField {
        key: f.key,
        label_fr: f.label_fr,
        label_en: f.label_en,
        field_type: f.field_type,
        required: f.required,
        options: f.options.join("\n"),
        help_fr: f.help_fr,
        help_en: f.help_en,
        code: f.framework_code,
        errors: Vec::new(),
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// The builder, empty or started from a template of the gallery
/// (`?from=licence`). The organisation's key or the administrator.
async fn build_page(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    let mut items = gallery(&state, &ctx, &page).await?;
    let lang = ctx.lang.code();
    let from = ctx.query_param("from").unwrap_or_default();
    let gallery = choices(&items, lang);
    let mut view = BuildPage {
        c: page.chrome(&state, &ctx, "co-builder-title"),
        base: page.base(),
        gallery,
        from: from.clone(),
        started: String::new(),
        name_fr: String::new(),
        name_en: String::new(),
        kind: "DiplomaCredential".into(),
        framework: String::new(),
        achievement: String::new(),
        fields: vec![BuilderField::default()],
        types: TYPES,
        kinds: KINDS,
        import_text: String::new(),
        errors: Errors::default(),
    };
    if let Some(pos) = items.iter().position(|g| g.id == from) {
        let g = items.swap_remove(pos);
        view.started = ctx
            .t()
            .arg("co-builder-started", "name", g.name(lang).to_owned());
        view.name_fr = g.name_fr.clone();
        view.name_en = g.name_en.clone().unwrap_or_default();
        view.kind = g.credential_type.clone();
        view.framework = g.framework_code.clone().unwrap_or_default();
        view.achievement = g.achievement.as_ref().map(pretty).unwrap_or_default();
        view.fields = g.fields.into_iter().map(from_api).collect();
        if view.fields.is_empty() {
            view.fields.push(BuilderField::default());
        }
    }
    Ok(render(ctx.lang, &view))
}

/// The fields posted (`f{i}.label_fr`...), in the order of their numbers.
fn posted_fields(form: &PostForm) -> Vec<BuilderField> {
    let mut indices: Vec<usize> = form
        .0
        .iter()
        .filter_map(|(name, _)| {
            let rest = name.strip_prefix('f')?;
            let (n, _) = rest.split_once('.')?;
            n.parse::<usize>().ok()
        })
        .collect();
    indices.sort_unstable();
    indices.dedup();
    indices.truncate(MAX_ROWS + 1);
    indices
        .into_iter()
        .map(|i| {
            let t = |part: &str| form.text(&format!("f{i}.{part}"));
            BuilderField {
                key: t("key"),
                label_fr: t("label_fr"),
                label_en: t("label_en"),
                field_type: t("type"),
                required: form.checked(&format!("f{i}.required")),
                options: form.raw(&format!("f{i}.options")),
                help_fr: t("help_fr"),
                help_en: t("help_en"),
                code: t("code"),
                errors: Vec::new(),
            }
        })
        .collect()
}

/// The form part an API error names (`fields[2].labelFr` → `label_fr`).
fn part_of(api: &str) -> &'static str {
    match api {
        "labelFr" => "label_fr",
        "labelEn" => "label_en",
        "type" => "type",
        "options" => "options",
        "helpFr" => "help_fr",
        "helpEn" => "help_en",
        "frameworkCode" => "code",
        _ => "key",
    }
}

fn builder_message(t: &Tr, code: &str) -> String {
    let key = format!("co-builder-error-{code}");
    if t.has(&key) {
        t.arg(&key, "max", 60)
    } else {
        t.get("co-builder-error-invalid")
    }
}

/// Adds, removes or moves a field (`op` = `add`, `up:N`, `down:N`,
/// `remove:N`), or creates the template (`op` = `create`). The
/// organisation's key or the administrator (CSRF-checked).
async fn build(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: PostForm,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    let t = ctx.t();
    let lang = ctx.lang.code();
    let mut fields = posted_fields(&form);
    let op = form.text("op");
    let mut errors = Errors::default();
    let mut status_ok = true;
    let at = |prefix: &str| {
        op.strip_prefix(prefix)
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| *n < fields.len())
    };
    if op == "add" {
        fields.push(BuilderField::default());
    } else if let Some(i) = at("up:") {
        if i > 0 {
            fields.swap(i, i - 1);
        }
    } else if let Some(i) = at("down:") {
        if i + 1 < fields.len() {
            fields.swap(i, i + 1);
        }
    } else if let Some(i) = at("remove:") {
        fields.remove(i);
    } else {
        // Create: blank rows are left out; `sent[k]` is the row of the
        // API's field k.
        status_ok = false;
        let sent: Vec<usize> = (0..fields.len())
            .filter(|i| !fields[*i].is_blank())
            .collect();
        let kind = form.text("kind");
        let achievement = form.text("achievement");
        let name_fr = form.text("name_fr");
        let mut body = json!({
            "name_fr": name_fr,
            "type": if KINDS.contains(&kind.as_str()) { kind.as_str() } else { "DiplomaCredential" },
            "fields": sent.iter().map(|i| fields[*i].to_api()).collect::<Vec<_>>(),
        });
        let name_en = form.text("name_en");
        if !name_en.is_empty() {
            body["name_en"] = json!(name_en);
        }
        let framework = form.text("framework");
        if !framework.is_empty() {
            body["framework_code"] = json!(framework);
        }
        if name_fr.is_empty() {
            errors.add("name_fr", t.get("co-field-name_fr"));
        }
        if !achievement.is_empty() || kind == "OpenBadgeCredential" {
            match serde_json::from_str::<Value>(&achievement) {
                Ok(a) if a.is_object() => body["achievement"] = a,
                _ => errors.add("achievement", t.get("co-field-achievement")),
            }
        }
        if sent.is_empty() {
            errors.add("fields", t.get("co-builder-error-no-fields"));
        } else if sent.len() > 60 {
            errors.add("fields", builder_message(t, "too-many-fields"));
        }
        if errors.is_empty() {
            let reply = state
                .send_json(
                    &ctx,
                    &page.staff.who,
                    Method::POST,
                    &format!("{}/templates", page.api()),
                    &body,
                )
                .await?;
            if reply.ok() {
                let created: TemplateSpec = reply.json().await?;
                return Ok(see_other(&format!(
                    "{}/templates/{}?done=done-co-template-created",
                    page.base(),
                    seg(&created.id)
                )));
            }
            let problem = reply.problem().await;
            let field = problem.field.clone().unwrap_or_default();
            let code = problem
                .raw
                .get("code")
                .and_then(Value::as_str)
                .unwrap_or("invalid");
            let index = problem.raw.get("index").and_then(Value::as_u64);
            match (field.split_once('.'), index) {
                (Some((_, part)), Some(k)) if field.starts_with("fields[") => {
                    let row = sent.get(k as usize).copied().unwrap_or(0);
                    if let Some(f) = fields.get_mut(row) {
                        let part = part_of(part);
                        f.errors.push((part, builder_message(t, code)));
                        errors.add(&format!("f{row}.{part}"), {
                            let legend = t.arg("co-builder-field-legend", "n", row + 1);
                            format!("{legend} : {}", builder_message(t, code))
                        });
                    }
                }
                _ if field == "fields" => errors.add("fields", builder_message(t, code)),
                _ if field.starts_with("achievement") => {
                    errors.add("achievement", t.get("co-field-achievement"))
                }
                _ if ["name_fr", "name_en", "type"].contains(&field.as_str()) => {
                    let form_field = if field == "type" {
                        "kind"
                    } else {
                        field.as_str()
                    };
                    errors.add(form_field, t.get(&format!("co-field-{field}")))
                }
                _ => errors.add("", t.get("error-invalid")),
            }
        }
    }
    if fields.is_empty() {
        fields.push(BuilderField::default());
    }
    let items = gallery(&state, &ctx, &page).await?;
    let view = BuildPage {
        c: page.chrome(&state, &ctx, "co-builder-title"),
        base: page.base(),
        gallery: choices(&items, lang),
        from: form.text("from"),
        started: String::new(),
        name_fr: form.text("name_fr"),
        name_en: form.text("name_en"),
        kind: form.text("kind"),
        framework: form.text("framework"),
        achievement: form.raw("achievement"),
        fields,
        types: TYPES,
        kinds: KINDS,
        import_text: String::new(),
        errors,
    };
    let response = render(ctx.lang, &view);
    Ok(if status_ok {
        response
    } else {
        unprocessable(response)
    })
}

/// Creates a template from a template file (uploaded or pasted) as it is.
/// The organisation's key or the administrator (CSRF-checked).
async fn import(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: Upload,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    let t = ctx.t();
    let pasted = form.fields.raw("template_json");
    let text = match form.file.filter(|f| !f.bytes.is_empty()) {
        Some(file) => String::from_utf8_lossy(&file.bytes).into_owned(),
        None => pasted.clone(),
    };
    let mut errors = Errors::default();
    if text.trim().is_empty() {
        errors.add("template_json", t.get("co-import-nothing"));
    } else {
        match serde_json::from_str::<Value>(text.trim_start_matches('\u{feff}')) {
            Ok(v) if v.is_object() => {
                let reply = state
                    .call(
                        &ctx,
                        &page.staff.who,
                        Method::POST,
                        &format!("{}/templates", page.api()),
                        Body::from(serde_json::to_vec(&v).unwrap_or_default()),
                        Some("application/json"),
                    )
                    .await?;
                if reply.ok() {
                    let created: TemplateSpec = reply.json().await?;
                    return Ok(see_other(&format!(
                        "{}/templates/{}?done=done-co-template-created",
                        page.base(),
                        seg(&created.id)
                    )));
                }
                let problem = reply.problem().await;
                let field = problem
                    .field
                    .as_deref()
                    .unwrap_or("")
                    .split(['.', '['])
                    .next()
                    .unwrap_or("")
                    .to_owned();
                let key = format!("co-field-{field}");
                errors.add(
                    "template_json",
                    if !field.is_empty() && t.has(&key) {
                        t.get(&key)
                    } else {
                        t.get("co-import-not-json")
                    },
                );
            }
            _ => errors.add("template_json", t.get("co-import-not-json")),
        }
    }
    let items = gallery(&state, &ctx, &page).await?;
    let view = BuildPage {
        c: page.chrome(&state, &ctx, "co-builder-title"),
        base: page.base(),
        gallery: choices(&items, ctx.lang.code()),
        from: String::new(),
        started: String::new(),
        name_fr: String::new(),
        name_en: String::new(),
        kind: "DiplomaCredential".into(),
        framework: String::new(),
        achievement: String::new(),
        fields: vec![BuilderField::default()],
        types: TYPES,
        kinds: KINDS,
        import_text: if pasted.len() <= 256 * 1024 {
            pasted
        } else {
            String::new()
        },
        errors,
    };
    Ok(unprocessable(render(ctx.lang, &view)))
}
