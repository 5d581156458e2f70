//! The citizen's credentials: the list with each one's live state, one
//! credential with the verifier's checks, tags, download and deletion, and
//! importing a credential received elsewhere. The logged-in citizen only.

use super::{Holding, Me};
use crate::{
    api::seg,
    ctx::Ctx,
    forms::{Errors, PostForm, Upload},
    page::{render, see_other, Chrome, PageError},
    PortalState,
};
use askama::Template;
use axum::{
    body::Body,
    extract::{Path, State},
    http::{header, Method},
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};
use serde::Deserialize;
use serde_json::json;

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/me/credentials", get(list))
        .route("/me/credentials/import", get(import_page).post(import))
        .route("/me/credentials/{id}", get(show))
        .route("/me/credentials/{id}/download", get(download))
        .route("/me/credentials/{id}/tags", post(tags))
        .route("/me/credentials/{id}/delete", post(delete))
        .route("/me/credentials/{id}/linkedin", post(linkedin))
}

#[derive(Deserialize)]
struct HoldingList {
    items: Vec<Holding>,
    #[serde(default)]
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "me/credentials.html")]
struct ListPage {
    c: Chrome,
    items: Vec<Holding>,
    next: Option<String>,
    tag: String,
}

/// The credentials, newest first, by tag. The logged-in citizen.
async fn list(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let tag = ctx.query_param("tag").unwrap_or_default();
    let mut path = "/wallet/holdings?limit=50".to_owned();
    if !tag.is_empty() {
        path.push_str(&format!("&tag={}", seg(&tag)));
    }
    if let Some(before) = ctx.query_param("before") {
        path.push_str(&format!("&before={}", seg(&before)));
    }
    let list: HoldingList = state.get(&ctx, &me.who, &path).await?.json().await?;
    Ok(render(
        ctx.lang,
        &ListPage {
            c: me.chrome(&state, &ctx, "credentials-title"),
            items: list.items,
            next: list.next,
            tag,
        },
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HoldingView {
    #[serde(flatten)]
    item: Holding,
    #[serde(default)]
    report: serde_json::Value,
    #[serde(default)]
    credential: String,
}

/// The subject of a credential as issued: JSON, or a JWT's payload (VC-JOSE
/// or SD-JWT: the claims disclosed to the holder are not expanded here).
fn subject_of(credential: &str) -> Option<serde_json::Value> {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD as B64, Engine as _};
    let text = credential.trim();
    let value: serde_json::Value = if text.starts_with('{') {
        serde_json::from_str(text).ok()?
    } else {
        let payload = text.split('~').next()?.split('.').nth(1)?;
        serde_json::from_slice(&B64.decode(payload).ok()?).ok()?
    };
    let vc = value.get("vc").unwrap_or(&value);
    vc.get("credentialSubject").cloned()
}

pub struct CheckLine {
    pub name: String,
    pub status: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "me/credential.html")]
struct ShowPage {
    c: Chrome,
    h: Holding,
    checks: Vec<CheckLine>,
    claims: Vec<(String, String)>,
}

/// One credential. The logged-in citizen holding it (others: 404).
async fn show(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let view: HoldingView = state
        .get(&ctx, &me.who, &format!("/wallet/holdings/{}", seg(&id)))
        .await?
        .json()
        .await?;
    let t = ctx.t();
    let checks = view
        .report
        .get("results")
        .and_then(|c| c.as_array())
        .map(|checks| {
            checks
                .iter()
                .map(|c| {
                    let text = |k: &str| c.get(k).and_then(|v| v.as_str()).unwrap_or("").to_owned();
                    let check = text("check");
                    let code = text("code");
                    let name_key = format!("verify-check-{check}");
                    let sentence = [
                        format!("verify-code-{check}-{code}"),
                        format!("verify-code-{code}"),
                    ]
                    .into_iter()
                    .find(|k| t.has(k))
                    .map(|k| t.get(&k))
                    .unwrap_or_else(|| text("reason"));
                    // An issuer outside the trust registry is a warning,
                    // never a failure beside a valid signature (the
                    // verifier's page says the same).
                    let status = match (check.as_str(), text("status").as_str()) {
                        ("issuer-trust", "failed") => "warning".to_owned(),
                        (_, status) => status.to_owned(),
                    };
                    CheckLine {
                        name: if t.has(&name_key) {
                            t.get(&name_key)
                        } else {
                            check
                        },
                        status,
                        reason: sentence,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let mut claims = Vec::new();
    if let Some(subject) = subject_of(&view.credential) {
        super::offers::flatten("", &subject, &mut claims);
    }
    claims.retain(|(k, _)| k != "id");
    Ok(render(
        ctx.lang,
        &ShowPage {
            c: me.chrome(&state, &ctx, "credential-title"),
            h: view.item,
            checks,
            claims,
        },
    ))
}

/// The credential exactly as issued (JSON or JWT). The logged-in citizen
/// holding it.
async fn download(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let view: serde_json::Value = state
        .get(&ctx, &me.who, &format!("/wallet/holdings/{}", seg(&id)))
        .await?
        .json()
        .await?;
    let credential = view["credential"].as_str().unwrap_or("").to_owned();
    let is_json = credential.trim_start().starts_with('{');
    let (content_type, ext) = if is_json {
        ("application/json", "json")
    } else {
        ("text/plain; charset=utf-8", "jwt")
    };
    let name = format!(
        "credential-{}.{ext}",
        id.chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<String>()
    );
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        credential,
    )
        .into_response())
}

/// Replaces the tags. The logged-in citizen holding it (CSRF-checked).
async fn tags(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let tags: Vec<String> = form
        .text("tags")
        .split(',')
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect();
    let reply = state
        .send_json(
            &ctx,
            &me.who,
            Method::PUT,
            &format!("/wallet/holdings/{}/tags", seg(&id)),
            &json!({"tags": tags}),
        )
        .await?;
    if !reply.ok() {
        return Err(PageError::from_problem(reply.problem().await));
    }
    Ok(see_other(&format!(
        "/me/credentials/{}?done=done-tags-saved",
        seg(&id)
    )))
}

/// Removes the credential from the wallet. The logged-in citizen holding
/// it (CSRF-checked).
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
            &format!("/wallet/holdings/{}", seg(&id)),
        )
        .await?;
    Ok(see_other("/me/credentials?done=done-credential-deleted"))
}

#[derive(Template)]
#[template(path = "me/credential_import.html")]
struct ImportPage {
    c: Chrome,
    pasted: String,
    errors: Errors,
}

/// The import form. The logged-in citizen.
async fn import_page(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    Ok(render(
        ctx.lang,
        &ImportPage {
            c: me.chrome(&state, &ctx, "import-title"),
            pasted: String::new(),
            errors: Errors::default(),
        },
    ))
}

/// Imports a credential from a file or pasted text; it is verified and
/// kept with its report. The logged-in citizen (CSRF-checked).
async fn import(
    State(state): State<PortalState>,
    ctx: Ctx,
    upload: Upload,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let pasted = upload.fields.text("credential");
    let body = match &upload.file {
        Some(file) if !file.bytes.is_empty() => file.bytes.clone(),
        _ => bytes::Bytes::from(pasted.clone().into_bytes()),
    };
    let text = String::from_utf8_lossy(&body);
    let trimmed = text.trim();
    let mut errors = Errors::default();
    if let Some((size, limit)) = upload.too_large {
        errors.add(
            "credential",
            crate::uploads::too_large_message(ctx.t(), ctx.lang, size, limit),
        );
    } else if trimmed.is_empty() {
        errors.add("credential", ctx.t().get("import-empty"));
    } else {
        let content_type = if trimmed.starts_with('{') {
            "application/json"
        } else if trimmed.contains('~') {
            "application/dc+sd-jwt"
        } else {
            "application/jwt"
        };
        let reply = state
            .call(
                &ctx,
                &me.who,
                Method::POST,
                "/wallet/holdings/import",
                Body::from(trimmed.to_owned()),
                Some(content_type),
            )
            .await?;
        if reply.ok() {
            let holding: Holding = reply.json().await?;
            return Ok(see_other(&format!(
                "/me/credentials/{}?done=done-imported",
                seg(&holding.id)
            )));
        }
        let problem = reply.problem().await;
        errors = Errors::from_problem(ctx.t(), &problem, &[]);
        errors.0 = errors
            .0
            .into_iter()
            .map(|(_, m)| ("credential".to_owned(), m))
            .collect();
    }
    let mut response = render(
        ctx.lang,
        &ImportPage {
            c: me.chrome(&state, &ctx, "import-title"),
            pasted,
            errors,
        },
    );
    *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LinkedinLinks {
    add_to_profile: String,
    #[serde(default)]
    verify_url: String,
}

#[derive(Template)]
#[template(path = "me/credential_linkedin.html")]
struct LinkedinPage {
    c: Chrome,
    h: Holding,
    /// LinkedIn's form, filled in; `None` when it could not be made.
    add_to_profile: Option<String>,
    verify_url: String,
    /// Why it could not be made.
    problem: Option<String>,
}

/// Prepares adding a credential to the citizen's LinkedIn profile: the
/// API makes (or reuses) a link that verifies this one credential, and
/// LinkedIn's "add a certification" form filled in with it. The page
/// then offers the way to LinkedIn as a plain link: the pages' policy lets
/// a form lead only to this site (`form-action 'self'`), which browsers
/// also apply to a redirect after a post. The logged-in citizen holding it
/// (CSRF-checked).
async fn linkedin(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
    _form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let holding: HoldingView = state
        .get(&ctx, &me.who, &format!("/wallet/holdings/{}", seg(&id)))
        .await?
        .json()
        .await?;
    let reply = state
        .call(
            &ctx,
            &me.who,
            Method::POST,
            &format!("/wallet/holdings/{}/linkedin", seg(&id)),
            Body::empty(),
            None,
        )
        .await?;
    let t = ctx.t();
    let (add_to_profile, verify_url, problem) = if reply.ok() {
        let links: LinkedinLinks = reply.json().await?;
        // Only ever a way to LinkedIn.
        if links
            .add_to_profile
            .starts_with("https://www.linkedin.com/")
        {
            (Some(links.add_to_profile), links.verify_url, None)
        } else {
            tracing::error!("the LinkedIn link is not LinkedIn's");
            (None, String::new(), Some(t.get("error-unknown")))
        }
    } else {
        let problem = reply.problem().await;
        if matches!(problem.status, 401 | 403 | 404 | 429 | 503) {
            return Err(PageError::from_problem(problem));
        }
        let message = if problem.status == 409 {
            crate::problems::log(&problem);
            t.get("linkedin-conflict")
        } else {
            crate::problems::sentence(t, &problem)
        };
        (None, String::new(), Some(message))
    };
    let failed = problem.is_some();
    let mut response = render(
        ctx.lang,
        &LinkedinPage {
            c: me
                .chrome(&state, &ctx, "linkedin-add-title")
                .for_page(&format!("/me/credentials/{}", seg(&id))),
            h: holding.item,
            add_to_profile,
            verify_url,
            problem,
        },
    );
    if failed {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}
