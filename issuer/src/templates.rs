//! Credential templates: a named credential type with a JSON Schema for its
//! subject data, names in French and English, and for Open Badges 3.0 an
//! `Achievement` (criteria, image, alignments to ROME, RNCP or ESCO with the
//! framework's version). Issuing from a template takes only the subject.
//!
//! | route | caller |
//! |---|---|
//! | `POST /orgs/{slug}/templates`, `GET /orgs/{slug}/templates[/{id}]` | admin, or that organisation's API key |
//! | `POST /orgs/{slug}/templates/{id}/issue` | that organisation's API key |

use crate::{
    credentials::{issue_credential, IssueInput},
    template_builder::{self, FieldSpec},
};
use atout_core::{
    audit::action,
    ids::new_id,
    store::{Organisation, Template},
};
use atout_vc::contexts::{ATOUT_CONTEXT, CREDENTIALS_V2, OB_V3_0_3, UNDEFINED_TERMS_V2};
use atout_web::{
    auth::{OrgKey, OrgMember, Principal},
    problem::ProblemBody,
    ApiError, AppState, Json, Path,
};
use axum::{
    extract::State,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_template, list_templates))
        .routes(routes!(get_template))
        .routes(routes!(issue_from_template))
}

/// A template as created and shown.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateSpec {
    /// Given by Atout (ignored on input, so a template read back can be
    /// sent again).
    #[serde(default)]
    pub id: String,
    pub name_fr: String,
    /// Defaults to the French name.
    #[serde(default)]
    pub name_en: Option<String>,
    /// The type added to `VerifiableCredential`, e.g. `DiplomaCredential`
    /// (defined by Atout's context). With an `achievement`, the credential
    /// is an `OpenBadgeCredential` whatever this says.
    #[serde(rename = "type")]
    pub credential_type: String,
    /// JSON Schema (draft 2020-12 and earlier) of the subject data. No
    /// remote `$ref`. Leave it out and give `fields` to have it written.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub subject_schema: Value,
    /// The template builder's fields (labels in French and English, type,
    /// required, help, framework code): the subject schema is written from
    /// them. Ignored when `subject_schema` is given (as in a template read
    /// back, which lists the fields its schema describes).
    #[serde(default)]
    pub fields: Option<Vec<FieldSpec>>,
    /// The framework code the credential aligns to (ESCO, RNCP, ROME...),
    /// kept in the schema as `x-atout-framework`, with `fields`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framework_code: Option<String>,
    /// Open Badges 3.0 `Achievement`.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub achievement: Option<Value>,
}

fn spec(t: &Template) -> TemplateSpec {
    let subject_schema = serde_json::from_str(&t.subject_schema).unwrap_or(Value::Null);
    TemplateSpec {
        id: t.id.clone(),
        name_fr: t.name_fr.clone(),
        name_en: Some(t.name_en.clone()),
        credential_type: t.credential_type.clone(),
        fields: Some(template_builder::fields_from_schema(&subject_schema)),
        framework_code: subject_schema
            .get("x-atout-framework")
            .and_then(Value::as_str)
            .map(str::to_owned),
        subject_schema,
        achievement: t
            .achievement
            .as_deref()
            .and_then(|a| serde_json::from_str(a).ok()),
    }
}

fn bad(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid-template",
        "The template is not valid",
    )
    .detail(message.into())
    .with("field", field)
}

fn check_text(field: &str, text: &str) -> Result<(), ApiError> {
    let n = text.trim().chars().count();
    if n == 0 || n > 300 || text.chars().any(char::is_control) {
        return Err(bad(
            field,
            format!("{field} must have 1 to 300 printable characters"),
        ));
    }
    Ok(())
}

/// Checks an Open Badges 3.0 Achievement and gives it an id if it has none.
fn check_achievement(achievement: &mut Value) -> Result<(), ApiError> {
    let a = achievement
        .as_object_mut()
        .ok_or_else(|| bad("achievement", "must be an object"))?;
    let types_ok = match a.get("type") {
        Some(Value::String(t)) => t == "Achievement",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "Achievement"),
        _ => false,
    };
    if !types_ok {
        return Err(bad("achievement.type", "must include \"Achievement\""));
    }
    match a.get("name") {
        Some(Value::String(n)) => check_text("achievement.name", n)?,
        _ => return Err(bad("achievement.name", "is required")),
    }
    let criteria = a
        .get("criteria")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("achievement.criteria", "is required (narrative or id)"))?;
    if !criteria.contains_key("narrative") && !criteria.contains_key("id") {
        return Err(bad("achievement.criteria", "needs a narrative or an id"));
    }
    if let Some(image) = a.get("image") {
        if image.get("id").and_then(Value::as_str).is_none()
            || image.get("type") != Some(&json!("Image"))
        {
            return Err(bad(
                "achievement.image",
                "needs an id (URL) and type \"Image\"",
            ));
        }
    }
    if let Some(alignments) = a.get("alignment") {
        let list = alignments
            .as_array()
            .ok_or_else(|| bad("achievement.alignment", "must be an array"))?;
        for (i, al) in list.iter().enumerate() {
            let field = format!("achievement.alignment[{i}]");
            let has_type = match al.get("type") {
                Some(Value::Array(ts)) => ts.iter().any(|t| t == "Alignment"),
                Some(Value::String(t)) => t == "Alignment",
                _ => false,
            };
            if !has_type {
                return Err(bad(&field, "type must include \"Alignment\""));
            }
            for required in ["targetName", "targetUrl"] {
                if al.get(required).and_then(Value::as_str).is_none() {
                    return Err(bad(&field, format!("{required} is required")));
                }
            }
        }
    }
    if !a.contains_key("id") {
        a.insert("id".into(), json!(format!("urn:uuid:{}", new_id())));
    }
    Ok(())
}

/// Checks and records a template (shared by the API and the CLI).
pub async fn new_template(
    state: &AppState,
    org: &Organisation,
    mut body: TemplateSpec,
    actor: &atout_core::audit::Actor,
) -> Result<Template, ApiError> {
    check_text("name_fr", &body.name_fr)?;
    if let Some(en) = &body.name_en {
        check_text("name_en", en)?;
    }
    if body.credential_type.is_empty()
        || body.credential_type.len() > 100
        || !body
            .credential_type
            .chars()
            .all(|c| c.is_ascii_alphanumeric())
        || !body
            .credential_type
            .starts_with(|c: char| c.is_ascii_uppercase())
    {
        return Err(bad(
            "type",
            "must be a term such as DiplomaCredential (A-Z, a-z, 0-9)",
        ));
    }
    if body.subject_schema.is_null() {
        let Some(fields) = body.fields.as_mut() else {
            return Err(bad("subject_schema", "give a subject_schema or fields"));
        };
        body.subject_schema =
            template_builder::schema_from_fields(fields, body.framework_code.as_deref()).map_err(
                |e| {
                    bad(&e.field(), e.message())
                        .with("code", e.code)
                        .with("index", e.index.map_or(Value::Null, Value::from))
                },
            )?;
    }
    if !body.subject_schema.is_object() {
        return Err(bad("subject_schema", "must be a JSON Schema object"));
    }
    // The template's code keeps the version of the framework it was
    // written against (when the code is in a framework loaded), as an
    // annotation validators ignore.
    let code = body
        .subject_schema
        .get("x-atout-framework")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let Some(code) = code {
        let index = state.frameworks.index();
        let known = atout_frameworks::Framework::ALL
            .into_iter()
            .find_map(|f| index.get(f, &code));
        if let (Some(c), Some(schema)) = (known, body.subject_schema.as_object_mut()) {
            schema.insert("x-atout-framework".into(), Value::String(c.code.clone()));
            schema.insert(
                "x-atout-framework-version".into(),
                Value::String(c.version.clone()),
            );
        }
    }
    if let Err(e) = jsonschema::validator_for(&body.subject_schema) {
        return Err(bad(
            "subject_schema",
            format!("is not a usable JSON Schema: {e}"),
        ));
    }
    if let Some(a) = body.achievement.as_mut() {
        check_achievement(a)?;
    }
    let template = Template {
        id: new_id(),
        org_id: org.id.clone(),
        name_en: body.name_en.clone().unwrap_or_else(|| body.name_fr.clone()),
        name_fr: body.name_fr.clone(),
        credential_type: if body.achievement.is_some() {
            "OpenBadgeCredential".into()
        } else {
            body.credential_type.clone()
        },
        subject_schema: body.subject_schema.to_string(),
        achievement: body.achievement.as_ref().map(Value::to_string),
        created_at: state.clock.now(),
    };
    let audit = actor.entry(
        template.created_at,
        Some(&org.id),
        action::TEMPLATE_CREATED,
        format!("template:{}", template.id),
        Some(json!({"name": template.name_fr, "type": template.credential_type})),
    );
    state.store.create_template(&template, &audit).await?;
    Ok(template)
}

/// Create a credential template.
#[utoipa::path(
    post, path = "/orgs/{slug}/templates", tag = "templates",
    security(("bearer" = [])),
    params(("slug" = String, Path)),
    request_body = TemplateSpec,
    responses(
        (status = 201, body = TemplateSpec),
        (status = 400, body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "Invalid schema or achievement; `field` names it", content_type = "application/problem+json"),
    )
)]
async fn create_template(
    State(state): State<AppState>,
    OrgMember(principal): OrgMember,
    Path(slug): Path<String>,
    Json(body): Json<TemplateSpec>,
) -> Result<Response, ApiError> {
    let org = state.orgs.find(&slug).await?;
    let template = new_template(&state, &org, body, &principal.actor()).await?;
    Ok((
        StatusCode::CREATED,
        [(
            header::LOCATION,
            format!("/orgs/{slug}/templates/{}", template.id),
        )],
        Json(spec(&template)),
    )
        .into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateList {
    pub items: Vec<TemplateSpec>,
}

/// The organisation's templates.
#[utoipa::path(
    get, path = "/orgs/{slug}/templates", tag = "templates",
    security(("bearer" = [])),
    params(("slug" = String, Path)),
    responses(
        (status = 200, body = TemplateList),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn list_templates(
    State(state): State<AppState>,
    principal: Principal,
    Path(slug): Path<String>,
) -> Result<Json<TemplateList>, ApiError> {
    principal.require_org(&slug)?;
    let org = state.orgs.find(&slug).await?;
    Ok(Json(TemplateList {
        items: state
            .store
            .list_templates(&org.id)
            .await?
            .iter()
            .map(spec)
            .collect(),
    }))
}

async fn template(state: &AppState, org: &Organisation, id: &str) -> Result<Template, ApiError> {
    if id.len() > 100 {
        return Err(ApiError::not_found("No such template."));
    }
    state
        .store
        .get_template(&org.id, id)
        .await?
        .ok_or_else(|| ApiError::not_found("This organisation has no such template."))
}

/// One template.
#[utoipa::path(
    get, path = "/orgs/{slug}/templates/{id}", tag = "templates",
    security(("bearer" = [])),
    params(("slug" = String, Path), ("id" = String, Path)),
    responses(
        (status = 200, body = TemplateSpec),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn get_template(
    State(state): State<AppState>,
    principal: Principal,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Json<TemplateSpec>, ApiError> {
    principal.require_org(&slug)?;
    let org = state.orgs.find(&slug).await?;
    Ok(Json(spec(&template(&state, &org, &id).await?)))
}

/// Issuing from a template.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateIssue {
    /// The subject data, checked against the template's schema.
    #[schema(value_type = Object)]
    pub subject: Value,
    /// The organisation's own reference for this credential (e.g. a student
    /// number and year): issuing the same reference again is refused.
    #[serde(default)]
    pub reference: Option<String>,
    /// The recipient's email, kept in the registry (not in the credential).
    #[serde(default)]
    pub email: Option<String>,
    /// As in `/credentials/issue`: `cryptosuite`, or `format: "vc+jwt"` and `alg`.
    #[serde(default)]
    pub options: crate::credentials::IssueOptions,
}

/// A template's subject schema (checked when the template was created).
pub fn stored_schema(template: &Template) -> Result<Value, ApiError> {
    serde_json::from_str(&template.subject_schema)
        .map_err(|e| ApiError::internal(format!("stored schema: {e}")))
}

/// The compiled subject schema: compile once, check many subjects.
pub fn subject_validator(schema: &Value) -> Result<jsonschema::Validator, ApiError> {
    jsonschema::validator_for(schema).map_err(|e| ApiError::internal(format!("stored schema: {e}")))
}

/// The subject's errors against the schema, at most 20.
pub fn check_subject(validator: &jsonschema::Validator, subject: &Value) -> Result<(), ApiError> {
    let errors: Vec<Value> = validator
        .iter_errors(subject)
        .take(20)
        .map(|e| {
            // A missing property is the property's error, not its parent's.
            let mut path = e.instance_path().to_string();
            if let jsonschema::error::ValidationErrorKind::Required { property } = e.kind() {
                if let Some(name) = property.as_str() {
                    path = format!("{path}/{}", name.replace('~', "~0").replace('/', "~1"));
                }
            }
            // `keyword` says what is wrong (`required`, `type`, `format`,
            // `pattern`...), for clients to say it in their own words.
            json!({"path": path, "keyword": e.kind().keyword(), "message": e.to_string()})
        })
        .collect();
    if errors.is_empty() {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid-subject",
        "The subject data does not match the template",
    )
    .detail(format!(
        "{} problem(s), first: {} {}",
        errors.len(),
        errors[0]["path"].as_str().unwrap_or(""),
        errors[0]["message"].as_str().unwrap_or("")
    ))
    .with("errors", errors))
}

/// The credential a template gives for a subject.
pub fn build_credential(
    state: &AppState,
    org: &Organisation,
    template: &Template,
    subject: &Value,
) -> Result<Value, ApiError> {
    let mut subject = subject
        .as_object()
        .cloned()
        .ok_or_else(|| ApiError::unprocessable("subject must be an object"))?;
    match &template.achievement {
        Some(achievement) => {
            let achievement: Value = serde_json::from_str(achievement)
                .map_err(|e| ApiError::internal(format!("stored achievement: {e}")))?;
            let mut context = vec![CREDENTIALS_V2, OB_V3_0_3];
            if subject
                .keys()
                .any(|k| !OB_SUBJECT_TERMS.contains(&k.as_str()))
            {
                context.push(UNDEFINED_TERMS_V2);
            }
            subject.insert("type".into(), json!(["AchievementSubject"]));
            subject.insert("achievement".into(), achievement);
            Ok(json!({
                "@context": context,
                "type": ["VerifiableCredential", "OpenBadgeCredential"],
                "name": template.name_fr,
                "issuer": {
                    "id": state.orgs.did_of(org),
                    "type": ["Profile"],
                    "name": org.name_fr,
                },
                "credentialSubject": Value::Object(subject),
            }))
        }
        None => Ok(json!({
            "@context": if uses_undefined_terms(&subject) {
                json!([CREDENTIALS_V2, state.vc.contexts.own_url(), UNDEFINED_TERMS_V2])
            } else {
                json!([CREDENTIALS_V2, state.vc.contexts.own_url()])
            },
            "type": ["VerifiableCredential", template.credential_type],
            "name": template.name_fr,
            "credentialSubject": Value::Object(subject),
        })),
    }
}

/// The terms of an Open Badges `AchievementSubject` a subject may carry.
const OB_SUBJECT_TERMS: [&str; 12] = [
    "id",
    "type",
    "identifier",
    "result",
    "source",
    "creditsEarned",
    "activityStartDate",
    "activityEndDate",
    "licenseNumber",
    "narrative",
    "role",
    "term",
];

/// Whether a subject uses a term neither the VC context nor Atout's
/// defines (a field made with the builder, e.g. `dureeHeures`): the
/// credential then names the W3C undefined-terms context, without which
/// JSON-LD in safe mode refuses to sign it.
fn uses_undefined_terms(subject: &serde_json::Map<String, Value>) -> bool {
    // Atout's context's terms, read once from the bundled constant.
    static TERMS: std::sync::OnceLock<std::collections::HashSet<String>> =
        std::sync::OnceLock::new();
    let terms = TERMS.get_or_init(|| {
        serde_json::from_str::<Value>(ATOUT_CONTEXT)
            .ok()
            .and_then(|c| c.get("@context").and_then(Value::as_object).cloned())
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    });
    let known =
        |term: &str| ["id", "type", "name", "description"].contains(&term) || terms.contains(term);
    fn walk(
        map: &serde_json::Map<String, Value>,
        depth: usize,
        known: &dyn Fn(&str) -> bool,
    ) -> bool {
        depth < 8
            && map
                .iter()
                .any(|(k, v)| !known(k) || v.as_object().is_some_and(|m| walk(m, depth + 1, known)))
    }
    walk(subject, 0, &known)
}

/// A display name for the registry: given and family names, or a name.
pub fn subject_name(subject: &Value) -> Option<String> {
    let given = subject.get("givenName").and_then(Value::as_str);
    let family = subject.get("familyName").and_then(Value::as_str);
    match (given, family) {
        (Some(g), Some(f)) => Some(format!("{g} {f}")),
        _ => subject
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_owned),
    }
}

/// A plausible email address (kept in the registry only).
pub fn check_email(email: &Option<String>) -> Result<(), ApiError> {
    if let Some(e) = email {
        let ok = e.len() <= 254
            && e.split_once('@')
                .is_some_and(|(l, d)| !l.is_empty() && d.contains('.'))
            && !e.chars().any(|c| c.is_control() || c.is_whitespace());
        if !ok {
            return Err(
                ApiError::unprocessable("email is not an email address").with("field", "email")
            );
        }
    }
    Ok(())
}

pub fn check_reference(reference: &Option<String>) -> Result<(), ApiError> {
    if let Some(r) = reference {
        if r.is_empty() || r.len() > 200 || r.chars().any(char::is_control) {
            return Err(ApiError::unprocessable(
                "reference must have 1 to 200 printable characters",
            )
            .with("field", "reference"));
        }
    }
    Ok(())
}

/// Issue a credential from a template: only the subject data is given.
#[utoipa::path(
    post, path = "/orgs/{slug}/templates/{id}/issue", tag = "templates",
    security(("bearer" = [])),
    params(("slug" = String, Path), ("id" = String, Path)),
    request_body = TemplateIssue,
    responses(
        (status = 201, description = "The verifiable credential (or its envelope for vc+jwt)", content_type = "application/json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, description = "Not this organisation's API key", content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "This reference was already issued", content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "The subject does not match the schema (`errors` lists why)", content_type = "application/problem+json"),
    )
)]
async fn issue_from_template(
    State(state): State<AppState>,
    OrgKey(principal): OrgKey,
    Path((_slug, id)): Path<(String, String)>,
    Json(body): Json<TemplateIssue>,
) -> Result<Response, ApiError> {
    let Principal::Org { org, .. } = &principal else {
        return Err(ApiError::forbidden(
            "Credentials are issued with the organisation's own API key.",
        ));
    };
    let template = template(&state, org, &id).await?;
    check_reference(&body.reference)?;
    check_email(&body.email)?;
    let format = body.options.proof_format()?;
    check_subject(
        &subject_validator(&stored_schema(&template)?)?,
        &body.subject,
    )?;
    let credential = build_credential(&state, org, &template, &body.subject)?;
    let issued = issue_credential(
        &state,
        org,
        &principal.actor(),
        IssueInput {
            credential,
            format,
            template_id: Some(template.id.clone()),
            reference: body.reference.clone(),
            subject_name: subject_name(&body.subject),
            subject_email: body.email.clone(),
        },
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(format.content_type()),
        )],
        issued.response,
    )
        .into_response())
}
