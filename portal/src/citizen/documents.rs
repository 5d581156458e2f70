//! The document vault: list, upload (type checked and encrypted by the
//! API), download, delete. The logged-in citizen only.

use super::{entries::Doc, Me};
use crate::{
    api::seg,
    ctx::Ctx,
    forms::{Errors, PostForm},
    page::{render, see_other, Chrome, PageError},
    uploads::{self, StreamedUpload},
    PortalState,
};
use askama::Template;
use axum::{
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

/// Stores a file, streamed to the API (see [`crate::uploads`]). The
/// logged-in citizen (CSRF-checked).
async fn upload(
    State(state): State<PortalState>,
    ctx: Ctx,
    mut upload: StreamedUpload,
) -> Result<Response, PageError> {
    let me = match Me::load(&state, &ctx).await {
        Ok(me) => me,
        Err(e) => {
            upload.discard().await?;
            return Err(e);
        }
    };
    let mut errors = Errors::default();
    let mut status = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    match upload.file.clone() {
        Some(file) => {
            let name = upload
                .fields
                .get("name")
                .map(str::to_owned)
                .unwrap_or(file.name);
            let limit = state.app.config.wallet.document_max_bytes;
            let (reply, size) = upload
                .forward(
                    &state,
                    &ctx,
                    &me.who,
                    &format!("/wallet/documents?name={}", seg(&name)),
                    file.content_type
                        .as_deref()
                        .unwrap_or("application/octet-stream"),
                    limit,
                )
                .await?;
            if reply.ok() {
                return Ok(see_other("/me/documents?done=done-document-uploaded"));
            }
            let problem = reply.problem().await;
            if problem.status == 413 {
                status = axum::http::StatusCode::PAYLOAD_TOO_LARGE;
            }
            let t = ctx.t();
            let message = match (problem.status, problem.kind.as_str()) {
                (413, "quota-exceeded") => uploads::quota_message(t, ctx.lang, &problem),
                (413, _) => uploads::too_large_message(
                    t,
                    ctx.lang,
                    size,
                    uploads::stated_limit(&problem, limit),
                ),
                (415, "document-polyglot") => t.get("documents-polyglot"),
                (415, "document-type-mismatch") => t.get("documents-type-mismatch"),
                (415, _) => t.get("documents-type-refused"),
                _ => crate::problems::sentence(t, &problem),
            };
            errors.add("file", message);
        }
        None => errors.add("file", ctx.t().get("documents-choose-file")),
    }
    let mut response = render(ctx.lang, &view(&state, &ctx, &me, errors).await?);
    *response.status_mut() = status;
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
