//! Credential templates: the list, a new one (names, type, subject schema,
//! optional Open Badges achievement), one template, and issuing from it to
//! one person: an offer by email, an offer by link (shown with its QR
//! code), or direct issuance (then the credential's page, to download it).

use super::{
    check, problem_errors,
    subject::{self, Field},
    unprocessable, OrgPage,
};
use crate::{
    api::seg,
    ctx::Ctx,
    forms::{Errors, PostForm},
    page::{render, see_other, Chrome, PageError},
    PortalState,
};
use askama::Template;
use axum::{
    extract::{Path, State},
    http::Method,
    response::Response,
    routing::get,
    Router,
};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/console/orgs/{slug}/templates", get(list))
        .route(
            "/console/orgs/{slug}/templates/new",
            get(new_page).post(create),
        )
        .route("/console/orgs/{slug}/templates/{id}", get(show))
        .route(
            "/console/orgs/{slug}/templates/{id}/issue",
            get(back_to_template).post(issue),
        )
}

#[derive(Debug, Clone, Deserialize)]
pub struct TemplateSpec {
    pub id: String,
    pub name_fr: String,
    #[serde(default)]
    pub name_en: Option<String>,
    #[serde(rename = "type")]
    pub credential_type: String,
    #[serde(default)]
    pub subject_schema: Value,
    #[serde(default)]
    pub achievement: Option<Value>,
}

impl TemplateSpec {
    pub fn name(&self, lang: &str) -> &str {
        match &self.name_en {
            Some(en) if lang == "en" && !en.is_empty() => en,
            _ => &self.name_fr,
        }
    }
}

#[derive(Deserialize)]
pub struct TemplateList {
    pub items: Vec<TemplateSpec>,
}

/// The organisation's templates, through the API.
pub async fn load_all(
    state: &PortalState,
    ctx: &Ctx,
    page: &OrgPage,
) -> Result<Vec<TemplateSpec>, PageError> {
    let list: TemplateList = state
        .get(ctx, &page.staff.who, &format!("{}/templates", page.api()))
        .await?
        .json()
        .await?;
    Ok(list.items)
}

pub async fn load_one(
    state: &PortalState,
    ctx: &Ctx,
    page: &OrgPage,
    id: &str,
) -> Result<TemplateSpec, PageError> {
    check(
        state
            .get(
                ctx,
                &page.staff.who,
                &format!("{}/templates/{}", page.api(), seg(id)),
            )
            .await?,
    )
    .await?
    .json()
    .await
}

#[derive(Template)]
#[template(path = "console/templates.html")]
struct ListPage {
    c: Chrome,
    base: String,
    items: Vec<TemplateSpec>,
}

/// The templates. The organisation's key or the administrator.
async fn list(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    let items = load_all(&state, &ctx, &page).await?;
    Ok(render(
        ctx.lang,
        &ListPage {
            c: page.chrome(&state, &ctx, "co-templates-title"),
            base: page.base(),
            items,
        },
    ))
}

/// The schema a new template starts from.
const EXAMPLE_SCHEMA: &str = r#"{
  "type": "object",
  "additionalProperties": false,
  "required": ["givenName", "familyName"],
  "properties": {
    "id": {"type": "string", "pattern": "^did:"},
    "givenName": {"type": "string", "minLength": 1, "maxLength": 200},
    "familyName": {"type": "string", "minLength": 1, "maxLength": 200},
    "awardedOn": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
  }
}"#;

#[derive(Template)]
#[template(path = "console/template_new.html")]
struct NewPage {
    c: Chrome,
    base: String,
    name_fr: String,
    name_en: String,
    credential_type: String,
    schema: String,
    achievement: String,
    errors: Errors,
}

/// The form for a new template. The organisation's key or the administrator.
async fn new_page(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    Ok(render(
        ctx.lang,
        &NewPage {
            c: page.chrome(&state, &ctx, "co-template-new-title"),
            base: page.base(),
            name_fr: String::new(),
            name_en: String::new(),
            credential_type: String::new(),
            schema: EXAMPLE_SCHEMA.to_owned(),
            achievement: String::new(),
            errors: Errors::default(),
        },
    ))
}

/// Creates a template. The organisation's key or the administrator
/// (CSRF-checked).
async fn create(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: PostForm,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    let t = ctx.t();
    let name_fr = form.text("name_fr");
    let name_en = form.text("name_en");
    let credential_type = form.text("type");
    let schema = form.text("subject_schema");
    let achievement = form.text("achievement");
    let mut errors = Errors::default();
    if name_fr.is_empty() {
        errors.add("name_fr", t.get("co-field-name_fr"));
    }
    if credential_type.is_empty() {
        errors.add("type", t.get("co-field-type"));
    }
    let schema_value = match serde_json::from_str::<Value>(&schema) {
        Ok(v) if v.is_object() => Some(v),
        _ => {
            errors.add("subject_schema", t.get("co-field-subject_schema"));
            None
        }
    };
    let achievement_value = if achievement.is_empty() {
        None
    } else {
        match serde_json::from_str::<Value>(&achievement) {
            Ok(v) if v.is_object() => Some(v),
            _ => {
                errors.add("achievement", t.get("co-field-achievement"));
                None
            }
        }
    };
    if errors.is_empty() {
        let mut body = json!({
            "name_fr": name_fr,
            "type": credential_type,
            "subject_schema": schema_value,
        });
        if !name_en.is_empty() {
            body["name_en"] = json!(name_en);
        }
        if let Some(a) = achievement_value {
            body["achievement"] = a;
        }
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
        // `achievement.name` and the like belong to the achievement field.
        let mut problem = problem;
        if let Some(f) = &problem.field {
            if f.starts_with("achievement") {
                problem.field = Some("achievement".into());
            }
        }
        errors = problem_errors(
            t,
            &problem,
            &[
                ("name_fr", "name_fr"),
                ("name_en", "name_en"),
                ("type", "type"),
                ("subject_schema", "subject_schema"),
                ("achievement", "achievement"),
            ],
        );
    }
    Ok(unprocessable(render(
        ctx.lang,
        &NewPage {
            c: page.chrome(&state, &ctx, "co-template-new-title"),
            base: page.base(),
            name_fr,
            name_en,
            credential_type,
            schema,
            achievement,
            errors,
        },
    )))
}

#[derive(Template)]
#[template(path = "console/template.html")]
struct ShowPage {
    c: Chrome,
    base: String,
    t: TemplateSpec,
    schema: String,
    achievement: String,
    fields: Vec<Field>,
    own_key: bool,
    delivery: String,
    email: String,
    reference: String,
    errors: Errors,
}

impl ShowPage {
    fn delivery_is(&self, d: &str) -> bool {
        self.delivery == d
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// One template and the form to issue from it. The organisation's key or
/// the administrator (only the key issues).
async fn show(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    let template = load_one(&state, &ctx, &page, &id).await?;
    let fields = subject::fields(&template.subject_schema, ctx.lang.code());
    Ok(render(
        ctx.lang,
        &ShowPage {
            c: page.chrome(&state, &ctx, "co-template-title"),
            base: page.base(),
            schema: pretty(&template.subject_schema),
            achievement: template
                .achievement
                .as_ref()
                .map(pretty)
                .unwrap_or_default(),
            t: template,
            fields,
            own_key: page.is_own_key(),
            delivery: "link".into(),
            email: String::new(),
            reference: String::new(),
            errors: Errors::default(),
        },
    ))
}

/// The issue form's address opened directly (e.g. the language switch of
/// a form shown again): the template's page. Anyone (the page checks).
async fn back_to_template(Path((slug, id)): Path<(String, String)>) -> Response {
    see_other(&format!(
        "/console/orgs/{}/templates/{}#issue",
        seg(&slug),
        seg(&id)
    ))
}

/// A created offer, as the API answers (the link is shown this once).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreatedOffer {
    link: String,
    #[serde(default)]
    email: Option<String>,
    expires_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Template)]
#[template(path = "console/offer_created.html")]
struct OfferCreated {
    c: Chrome,
    base: String,
    link: String,
    qr: String,
    email: Option<String>,
    expires_at: chrono::DateTime<chrono::Utc>,
    template_name: String,
}

/// Issues from a template to one person, as chosen: an offer by email, an
/// offer by link, or the credential at once. The organisation's own key
/// (CSRF-checked).
async fn issue(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    form: PostForm,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    if !page.is_own_key() {
        return Err(PageError::Forbidden);
    }
    let template = load_one(&state, &ctx, &page, &id).await?;
    let t = ctx.t();
    let mut fields = subject::fields(&template.subject_schema, ctx.lang.code());
    subject::fill_from_form(&mut fields, &form);
    let delivery = match form.get("delivery") {
        Some("email") => "email",
        Some("direct") => "direct",
        _ => "link",
    };
    let email = form.text("email");
    let reference = form.text("reference");
    let mut errors = Errors::default();
    let subject_value = subject::build(
        &mut fields,
        &t.get("co-field-required"),
        &t.get("co-field-bad-type"),
    );
    if delivery == "email" && email.is_empty() {
        errors.add("email", t.get("co-field-email"));
    }
    let fields_ok = fields.iter().all(|f| f.error.is_none());
    if errors.is_empty() && fields_ok {
        let reply = if delivery == "direct" {
            let mut body = json!({"subject": subject_value});
            if !reference.is_empty() {
                body["reference"] = json!(reference);
            }
            if !email.is_empty() {
                body["email"] = json!(email);
            }
            state
                .send_json(
                    &ctx,
                    &page.staff.who,
                    Method::POST,
                    &format!("{}/templates/{}/issue", page.api(), seg(&template.id)),
                    &body,
                )
                .await?
        } else {
            let mut body = json!({"templateId": template.id, "subject": subject_value});
            if delivery == "email" {
                body["email"] = json!(email);
            }
            state
                .send_json(
                    &ctx,
                    &page.staff.who,
                    Method::POST,
                    &format!("{}/offers", page.api()),
                    &body,
                )
                .await?
        };
        if reply.ok() {
            if delivery == "direct" {
                let issued: Value = reply.json().await?;
                let credential_id = issued
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                return Ok(see_other(&format!(
                    "{}/credentials/{}?done=done-co-issued",
                    page.base(),
                    seg(&credential_id)
                )));
            }
            let created: CreatedOffer = reply.json().await?;
            let token = created.link.rsplit('/').next().unwrap_or_default();
            let mut response = render(
                ctx.lang,
                &OfferCreated {
                    c: page.chrome(&state, &ctx, "co-offer-created-title"),
                    base: page.base(),
                    qr: format!("/offers/{}/qr.svg", seg(token)),
                    link: created.link.clone(),
                    email: created.email,
                    expires_at: created.expires_at,
                    template_name: template.name(ctx.lang.code()).to_owned(),
                },
            );
            *response.status_mut() = axum::http::StatusCode::CREATED;
            response.headers_mut().insert(
                axum::http::header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            );
            return Ok(response);
        }
        let mut problem = reply.problem().await;
        crate::problems::translate_schema_errors(t, &mut problem.raw);
        let general = subject::attach_errors(&mut fields, &problem.raw);
        errors = problem_errors(
            t,
            &problem,
            &[("email", "email"), ("reference", "reference")],
        );
        for g in general {
            errors.add("", g);
        }
    } else if !fields_ok {
        errors.add("", t.get("co-fields-have-errors"));
    }
    Ok(unprocessable(render(
        ctx.lang,
        &ShowPage {
            c: page.chrome(&state, &ctx, "co-template-title"),
            base: page.base(),
            schema: pretty(&template.subject_schema),
            achievement: template
                .achievement
                .as_ref()
                .map(pretty)
                .unwrap_or_default(),
            t: template,
            fields,
            own_key: true,
            delivery: delivery.to_owned(),
            email,
            reference,
            errors,
        },
    )))
}
