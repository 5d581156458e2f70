//! The document vault: list, upload (type checked and encrypted by the
//! API), download, delete. The logged-in citizen only.

use super::{entries::Doc, Me};
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
    http::Method,
    response::Response,
    routing::{get, post},
    Router,
};
use serde::Deserialize;

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/me/documents", get(list).post(upload))
        .route("/me/documents/{id}/download", get(download))
        .route("/me/documents/{id}/delete", post(delete))
}

#[derive(Deserialize)]
struct DocList {
    items: Vec<DocItem>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocItem {
    #[serde(flatten)]
    pub doc: Doc,
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(default)]
    pub entries: Vec<String>,
}

impl DocItem {
    /// "12 Kio" / "1,5 Mio" in French, "12 KiB" / "1.5 MiB" in English.
    pub fn size(&self, lang: &str) -> String {
        let lang = atout_web::i18n::Lang::parse(lang).unwrap_or(atout_web::i18n::Lang::Fr);
        atout_web::i18n::file_size(lang, self.doc.size)
    }
}

#[derive(Template)]
#[template(path = "me/documents.html")]
struct ListPage {
    c: Chrome,
    items: Vec<DocItem>,
    errors: Errors,
}

async fn view(
    state: &PortalState,
    ctx: &Ctx,
    me: &Me,
    errors: Errors,
) -> Result<ListPage, PageError> {
    let list: DocList = state
        .get(ctx, &me.who, "/wallet/documents")
        .await?
        .json()
        .await?;
    Ok(ListPage {
        c: me.chrome(state, ctx, "documents-title"),
        items: list.items,
        errors,
    })
}

/// The vault. The logged-in citizen.
async fn list(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    Ok(render(
        ctx.lang,
        &view(&state, &ctx, &me, Errors::default()).await?,
    ))
}

/// Stores a file. The logged-in citizen (CSRF-checked).
async fn upload(
    State(state): State<PortalState>,
    ctx: Ctx,
    upload: Upload,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let mut errors = Errors::default();
    match upload.file {
        Some(file) if !file.bytes.is_empty() => {
            let name = upload
                .fields
                .get("name")
                .map(str::to_owned)
                .unwrap_or(file.name);
            let reply = state
                .call(
                    &ctx,
                    &me.who,
                    Method::POST,
                    &format!("/wallet/documents?name={}", seg(&name)),
                    Body::from(file.bytes),
                    Some(
                        file.content_type
                            .as_deref()
                            .unwrap_or("application/octet-stream"),
                    ),
                )
                .await?;
            if reply.ok() {
                return Ok(see_other("/me/documents?done=done-document-uploaded"));
            }
            let problem = reply.problem().await;
            let key = match (problem.status, problem.kind.as_str()) {
                (413, _) => "documents-too-large",
                (415, "document-polyglot") => "documents-polyglot",
                (415, "document-type-mismatch") => "documents-type-mismatch",
                (415, _) => "documents-type-refused",
                _ => "error-invalid",
            };
            let message = if key == "error-invalid" {
                crate::problems::sentence(ctx.t(), &problem)
            } else {
                ctx.t().get(key)
            };
            errors.add("file", message);
        }
        _ => errors.add("file", ctx.t().get("documents-choose-file")),
    }
    let mut response = render(ctx.lang, &view(&state, &ctx, &me, errors).await?);
    *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

/// The file, decrypted, as an attachment. The logged-in citizen.
async fn download(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let reply = state
        .get(
            &ctx,
            &me.who,
            &format!("/wallet/documents/{}/content", seg(&id)),
        )
        .await?;
    if !reply.ok() {
        return Err(PageError::from_problem(reply.problem().await));
    }
    Ok(reply.into_response())
}

/// Deletes a file. The logged-in citizen (CSRF-checked).
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
            &format!("/wallet/documents/{}", seg(&id)),
        )
        .await?;
    Ok(see_other("/me/documents?done=done-document-deleted"))
}
