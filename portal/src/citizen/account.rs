//! The account: name, password, passkeys, address confirmation, taking
//! everything away (export) and bringing it back (import), and deleting
//! the account. The logged-in citizen only, except the passkey login.

use super::{auth::with_cookies, Me};
use crate::{
    api::{seg, As},
    csrf,
    ctx::Ctx,
    forms::{Errors, PostForm},
    page::{render, see_other, Chrome, PageError},
    uploads::{self, StreamedUpload},
    PortalState,
};
use askama::Template;
use axum::{
    body::{Body, Bytes},
    extract::State,
    http::{HeaderMap, Method, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/me/account", get(page))
        .route("/me/account/name", post(rename))
        .route("/me/account/password", post(password))
        .route("/me/account/resend-verification", post(resend))
        .route("/me/account/passkeys/start", post(passkey_start))
        .route("/me/account/passkeys/finish", post(passkey_finish))
        .route("/me/account/passkeys/{id}/delete", post(passkey_delete))
        .route("/me/account/export", get(export))
        .route("/me/account/import", post(import))
        .route("/me/account/delete", post(delete))
        .route("/login/passkey/start", post(login_start))
        .route("/login/passkey/finish", post(login_finish))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Passkey {
    pub id: String,
    pub name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(default)]
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Deserialize)]
struct Passkeys {
    items: Vec<Passkey>,
}

#[derive(Template)]
#[template(path = "me/account.html")]
struct AccountPage {
    c: Chrome,
    display_name: String,
    headline: String,
    email: String,
    email_verified: bool,
    holder_did: String,
    passkeys: Vec<Passkey>,
    errors: Errors,
    import_report: Option<Vec<(String, String)>>,
}

async fn view(
    state: &PortalState,
    ctx: &Ctx,
    me: &Me,
    errors: Errors,
    import_report: Option<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let passkeys: Passkeys = state
        .get(ctx, &me.who, "/wallet/passkeys")
        .await?
        .json()
        .await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut response = render(
        ctx.lang,
        &AccountPage {
            c: me
                .chrome(state, ctx, "account-title")
                .for_page("/me/account"),
            display_name: me.account.display_name.clone(),
            headline: me.account.headline.clone().unwrap_or_default(),
            email: me.account.email.clone(),
            email_verified: me.account.email_verified,
            holder_did: me.account.holder_did.clone(),
            passkeys: passkeys.items,
            errors,
            import_report,
        },
    );
    *response.status_mut() = status;
    Ok(response)
}

/// The account page. The logged-in citizen.
async fn page(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    view(&state, &ctx, &me, Errors::default(), None).await
}

/// Changes the name and the headline shown. The logged-in citizen
/// (CSRF-checked).
async fn rename(
    State(state): State<PortalState>,
    ctx: Ctx,
    form: PostForm,
) -> Result<Response, PageError> {
    let mut me = Me::load(&state, &ctx).await?;
    let reply = state
        .send_json(
            &ctx,
            &me.who,
            Method::PATCH,
            "/wallet/me",
            &json!({"displayName": form.text("displayName"), "headline": form.text("headline")}),
        )
        .await?;
    if reply.ok() {
        return Ok(see_other("/me/account?done=done-name-saved"));
    }
    let errors = Errors::from_problem(
        ctx.t(),
        &reply.problem().await,
        &["displayName", "headline"],
    );
    // What they typed comes back with the message.
    me.account.display_name = form.text("displayName");
    me.account.headline = Some(form.text("headline"));
    view(&state, &ctx, &me, errors, None).await
}

/// Changes the password (the current one confirms). The logged-in citizen
/// (CSRF-checked).
async fn password(
    State(state): State<PortalState>,
    ctx: Ctx,
    form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let t = ctx.t();
    let new = form.raw("new");
    let mut errors = Errors::default();
    if new.chars().count() < 10 {
        errors.add("new", t.get("field-password"));
    } else if new != form.raw("new2") {
        errors.add("new2", t.get("field-password2"));
    } else {
        let reply = state
            .send_json(
                &ctx,
                &me.who,
                Method::POST,
                "/wallet/me/password",
                &json!({"current": form.raw("current"), "new": new}),
            )
            .await?;
        if reply.ok() {
            return Ok(with_cookies(
                see_other("/me/account?done=done-password-changed"),
                &reply.headers,
            ));
        }
        let problem = reply.problem().await;
        if problem.status == 401 || problem.status == 403 {
            errors.add("current", t.get("field-current-password"));
        } else {
            errors = Errors::from_problem(t, &problem, &["new"]);
        }
    }
    view(&state, &ctx, &me, errors, None).await
}

/// Sends the confirmation link again. The logged-in citizen (CSRF-checked).
async fn resend(
    State(state): State<PortalState>,
    ctx: Ctx,
    _form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    state
        .act(&ctx, &me.who, Method::POST, "/auth/verify-email/resend")
        .await?;
    Ok(see_other("/me?done=done-link-sent"))
}

/// JSON calls from the passkey script carry the form's token in a header.
fn check_header(state: &PortalState, ctx: &Ctx, headers: &HeaderMap) -> Result<(), PageError> {
    let token = headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
    csrf::verify(state, ctx, token)
}

fn json_body(bytes: &Bytes) -> Result<Value, PageError> {
    if bytes.len() > 64 * 1024 {
        return Err(PageError::TooLarge);
    }
    serde_json::from_slice(bytes).map_err(|_| {
        PageError::Api(crate::api::Problem {
            status: 400,
            ..Default::default()
        })
    })
}

/// The ceremony as the script expects it.
async fn ceremony(reply: crate::api::Reply) -> Result<Response, PageError> {
    let c: Value = reply.json().await?;
    Ok(Json(json!({"ceremony": c["ceremonyId"], "options": c["options"]})).into_response())
}

/// Starts registering a passkey (script). The logged-in citizen
/// (CSRF-checked).
async fn passkey_start(
    State(state): State<PortalState>,
    ctx: Ctx,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    check_header(&state, &ctx, &headers)?;
    let me = Me::load(&state, &ctx).await?;
    let reply = state
        .call(
            &ctx,
            &me.who,
            Method::POST,
            "/wallet/passkeys/register/start",
            Body::empty(),
            None,
        )
        .await?;
    ceremony(reply).await
}

/// Finishes registering a passkey (script). The logged-in citizen
/// (CSRF-checked).
async fn passkey_finish(
    State(state): State<PortalState>,
    ctx: Ctx,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    check_header(&state, &ctx, &headers)?;
    let me = Me::load(&state, &ctx).await?;
    let body = json_body(&body)?;
    let name = body["label"]
        .as_str()
        .filter(|l| !l.trim().is_empty())
        .unwrap_or("Passkey");
    let reply = state
        .send_json(
            &ctx,
            &me.who,
            Method::POST,
            "/wallet/passkeys/register/finish",
            &json!({"ceremonyId": body["ceremony"], "name": name, "credential": body["credential"]}),
        )
        .await?;
    if !reply.ok() {
        return Err(PageError::from_problem(reply.problem().await));
    }
    Ok(Json(json!({"next": "/me/account?done=done-passkey-added"})).into_response())
}

/// Removes a passkey. The logged-in citizen (CSRF-checked).
async fn passkey_delete(
    State(state): State<PortalState>,
    ctx: Ctx,
    axum::extract::Path(id): axum::extract::Path<String>,
    _form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    state
        .act(
            &ctx,
            &me.who,
            Method::DELETE,
            &format!("/wallet/passkeys/{}", seg(&id)),
        )
        .await?;
    Ok(see_other("/me/account?done=done-passkey-removed"))
}

/// Starts a passkey login (script). Anyone (CSRF-checked).
async fn login_start(
    State(state): State<PortalState>,
    ctx: Ctx,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    check_header(&state, &ctx, &headers)?;
    let body = json_body(&body)?;
    let reply = state
        .send_json(
            &ctx,
            &As::Nobody,
            Method::POST,
            "/auth/passkey/start",
            &json!({"email": body["email"]}),
        )
        .await?;
    ceremony(reply).await
}

/// Finishes a passkey login: the session cookie is set (script). Anyone
/// (CSRF-checked).
async fn login_finish(
    State(state): State<PortalState>,
    ctx: Ctx,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    check_header(&state, &ctx, &headers)?;
    let body = json_body(&body)?;
    let reply = state
        .send_json(
            &ctx,
            &As::Nobody,
            Method::POST,
            "/auth/passkey/finish",
            &json!({"ceremonyId": body["ceremony"], "credential": body["credential"], "session": "cookie"}),
        )
        .await?;
    if !reply.ok() {
        return Err(PageError::from_problem(reply.problem().await));
    }
    let cookies = reply.headers.clone();
    Ok(with_cookies(
        Json(json!({"next": "/me"})).into_response(),
        &cookies,
    ))
}

/// Everything, as one ZIP (credentials as issued, JSON Resume, documents).
/// The logged-in citizen.
async fn export(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let reply = state.get(&ctx, &me.who, "/wallet/export").await?;
    if !reply.ok() {
        return Err(PageError::from_problem(reply.problem().await));
    }
    Ok(reply.into_response())
}

/// Restores an export (merged into this account), streamed to the API
/// (see [`crate::uploads`]). The logged-in citizen (CSRF-checked).
async fn import(
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
    if upload.file.is_none() {
        errors.add("archive", ctx.t().get("account-import-choose"));
        return view(&state, &ctx, &me, errors, None).await;
    }
    // The API's own limit (the document quota and a margin) is stated in
    // its 413; this one only bounds what is counted past it.
    let limit = state.app.config.wallet.document_quota_bytes;
    let (reply, size) = upload
        .forward(
            &state,
            &ctx,
            &me.who,
            "/wallet/import",
            "application/zip",
            limit,
        )
        .await?;
    if reply.ok() {
        let report: Value = reply.json().await?;
        let lines = report
            .as_object()
            .map(|o| {
                o.iter()
                    .filter(|(_, v)| v.is_number())
                    .map(|(k, v)| (k.clone(), v.to_string()))
                    .collect()
            })
            .unwrap_or_default();
        return view(&state, &ctx, &me, Errors::default(), Some(lines)).await;
    }
    let problem = reply.problem().await;
    if problem.status == 413 {
        errors.add(
            "archive",
            uploads::too_large_message(
                ctx.t(),
                ctx.lang,
                size,
                uploads::stated_limit(&problem, limit),
            ),
        );
        let mut response = view(&state, &ctx, &me, errors, None).await?;
        *response.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
        return Ok(response);
    }
    let mut e = Errors::from_problem(ctx.t(), &problem, &[]);
    e.0 =
        e.0.into_iter()
            .map(|(_, m)| ("archive".to_owned(), m))
            .collect();
    view(&state, &ctx, &me, e, None).await
}

/// Deletes the account and everything in it (the password confirms). The
/// logged-in citizen (CSRF-checked).
async fn delete(
    State(state): State<PortalState>,
    ctx: Ctx,
    form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let mut errors = Errors::default();
    if !form.checked("understood") {
        errors.add("understood", ctx.t().get("field-understood"));
        return view(&state, &ctx, &me, errors, None).await;
    }
    let reply = state
        .send_json(
            &ctx,
            &me.who,
            Method::DELETE,
            "/wallet/me",
            &json!({"password": form.raw("delete-password")}),
        )
        .await?;
    if reply.ok() {
        let cookies = reply.headers.clone();
        return Ok(with_cookies(
            see_other("/?done=done-account-deleted"),
            &cookies,
        ));
    }
    errors.add("delete-password", ctx.t().get("field-current-password"));
    view(&state, &ctx, &me, errors, None).await
}
