//! The trust registry (the administrator): the accredited issuers, adding
//! or editing one (names in French and English, the accreditation and its
//! dates), and removing one.

use super::{check, problem_errors, unprocessable, Staff};
use crate::{
    api::seg,
    ctx::Ctx,
    forms::{Errors, PostForm},
    page::{render, see_other, Chrome, PageError},
    PortalState,
};
use askama::Template;
use axum::{
    body::Body,
    extract::State,
    http::Method,
    response::Response,
    routing::{get, post},
    Router,
};
use serde::Deserialize;
use serde_json::json;

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/console/registry", get(list).post(save))
        .route("/console/registry/edit", get(edit))
        .route("/console/registry/remove", post(remove))
}

#[derive(Debug, Clone, Deserialize)]
pub struct Names {
    pub fr: String,
    pub en: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Issuer {
    pub did: String,
    pub name: Names,
    pub accreditation: String,
    #[serde(default)]
    pub accreditation_url: Option<String>,
    pub valid_from: chrono::DateTime<chrono::Utc>,
    #[serde(default)]
    pub valid_until: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Deserialize)]
struct IssuerList {
    items: Vec<Issuer>,
}

/// The form's values.
#[derive(Debug, Clone, Default)]
struct Form {
    did: String,
    name_fr: String,
    name_en: String,
    accreditation: String,
    accreditation_url: String,
    valid_from: String,
    valid_until: String,
}

#[derive(Template)]
#[template(path = "console/registry.html")]
struct ListPage {
    c: Chrome,
    items: Vec<Issuer>,
    f: Form,
    editing: bool,
    errors: Errors,
}

impl ListPage {
    fn edit_href(&self, i: &Issuer) -> String {
        format!(
            "/console/registry/edit?{}",
            serde_urlencoded::to_string([("did", i.did.as_str())]).unwrap_or_default()
        )
    }

    fn name<'a>(&self, i: &'a Issuer) -> &'a str {
        if self.c.lang == "en" {
            &i.name.en
        } else {
            &i.name.fr
        }
    }
}

async fn view(
    state: &PortalState,
    ctx: &Ctx,
    staff: &Staff,
    f: Form,
    editing: bool,
    errors: Errors,
) -> Result<ListPage, PageError> {
    let list: IssuerList = check(state.get(ctx, &staff.who, "/admin/registry").await?)
        .await?
        .json()
        .await?;
    Ok(ListPage {
        c: staff.chrome(state, ctx, "co-registry-title", None),
        items: list.items,
        f,
        editing,
        errors,
    })
}

/// The accredited issuers and the form to add one. The administrator.
async fn list(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let staff = Staff::admin(&state, &ctx).await?;
    let f = Form {
        did: ctx
            .query_param("did")
            .filter(|d| d.len() <= 500)
            .unwrap_or_default(),
        ..Default::default()
    };
    let view = view(&state, &ctx, &staff, f, false, Errors::default()).await?;
    Ok(render(ctx.lang, &view))
}

fn issuer_path(did: &str) -> String {
    format!("/admin/registry/issuers/{}", seg(did))
}

/// One issuer's entry in the form (`?did=`). The administrator.
async fn edit(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let staff = Staff::admin(&state, &ctx).await?;
    let did = ctx
        .query_param("did")
        .filter(|d| !d.is_empty() && d.len() <= 500)
        .ok_or(PageError::NotFound)?;
    let i: Issuer = check(state.get(&ctx, &staff.who, &issuer_path(&did)).await?)
        .await?
        .json()
        .await?;
    let day = |d: &chrono::DateTime<chrono::Utc>| d.format("%Y-%m-%d").to_string();
    let f = Form {
        did: i.did.clone(),
        name_fr: i.name.fr.clone(),
        name_en: i.name.en.clone(),
        accreditation: i.accreditation.clone(),
        accreditation_url: i.accreditation_url.clone().unwrap_or_default(),
        valid_from: day(&i.valid_from),
        valid_until: i.valid_until.as_ref().map(day).unwrap_or_default(),
    };
    let view = view(&state, &ctx, &staff, f, true, Errors::default()).await?;
    Ok(render(ctx.lang, &view))
}

/// Adds an issuer or replaces its entry. The administrator (CSRF-checked).
async fn save(
    State(state): State<PortalState>,
    ctx: Ctx,
    form: PostForm,
) -> Result<Response, PageError> {
    let staff = Staff::admin(&state, &ctx).await?;
    let t = ctx.t();
    let f = Form {
        did: form.text("did"),
        name_fr: form.text("name_fr"),
        name_en: form.text("name_en"),
        accreditation: form.text("accreditation"),
        accreditation_url: form.text("accreditation_url"),
        valid_from: form.text("valid_from"),
        valid_until: form.text("valid_until"),
    };
    let editing = form.checked("editing");
    let mut errors = Errors::default();
    for (field, value) in [
        ("did", &f.did),
        ("name_fr", &f.name_fr),
        ("name_en", &f.name_en),
        ("accreditation", &f.accreditation),
    ] {
        if value.is_empty() {
            errors.add(field, t.get(&format!("co-field-{field}")));
        }
    }
    if f.did.len() > 500 {
        errors.add("did", t.get("co-field-did"));
    }
    if errors.is_empty() {
        let mut body = json!({
            "name": {"fr": f.name_fr, "en": f.name_en},
            "accreditation": f.accreditation,
        });
        if !f.accreditation_url.is_empty() {
            body["accreditationUrl"] = json!(f.accreditation_url);
        }
        if !f.valid_from.is_empty() {
            body["validFrom"] = json!(f.valid_from);
        }
        if !f.valid_until.is_empty() {
            body["validUntil"] = json!(f.valid_until);
        }
        let reply = state
            .send_json(&ctx, &staff.who, Method::PUT, &issuer_path(&f.did), &body)
            .await?;
        if reply.ok() {
            return Ok(see_other("/console/registry?done=done-co-issuer-saved"));
        }
        let problem = reply.problem().await;
        errors = problem_errors(
            t,
            &problem,
            &[
                ("did", "did"),
                ("name", "name_fr"),
                ("name.fr", "name_fr"),
                ("name.en", "name_en"),
                ("accreditation", "accreditation"),
                ("accreditationUrl", "accreditation_url"),
                ("validFrom", "valid_from"),
                ("validUntil", "valid_until"),
            ],
        );
    }
    let view = view(&state, &ctx, &staff, f, editing, errors).await?;
    Ok(unprocessable(render(ctx.lang, &view)))
}

/// Removes an issuer from the registry. The administrator (CSRF-checked).
async fn remove(
    State(state): State<PortalState>,
    ctx: Ctx,
    form: PostForm,
) -> Result<Response, PageError> {
    let staff = Staff::admin(&state, &ctx).await?;
    let did = form.text("did");
    if did.is_empty() || did.len() > 500 {
        return Err(PageError::NotFound);
    }
    check(
        state
            .call(
                &ctx,
                &staff.who,
                Method::DELETE,
                &issuer_path(&did),
                Body::empty(),
                None,
            )
            .await?,
    )
    .await?;
    Ok(see_other("/console/registry?done=done-co-issuer-removed"))
}
