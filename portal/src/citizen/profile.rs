//! The public profile's settings (`/me/profile`): a page anyone can open
//! at `/p/{handle}`, off until the citizen turns it on, with the entries
//! and credentials they choose (never documents), hidden from search
//! engines unless they allow it; deletion. The logged-in citizen only.

use super::{cvs::linkedin_share, Entry, Holding, Me};
use crate::{
    ctx::Ctx,
    forms::{Errors, PostForm},
    page::{render, see_other, Chrome, PageError},
    profile_page::valid_handle,
    PortalState,
};
use askama::Template;
use axum::{
    extract::State,
    http::{Method, StatusCode},
    response::Response,
    routing::get,
    Router,
};
use serde::Deserialize;
use serde_json::json;

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/me/profile", get(show).post(save))
        .route("/me/profile/delete", get(delete_page).post(delete))
}

#[derive(Debug, Clone, Deserialize)]
pub struct ItemRef {
    pub kind: String,
    pub id: String,
}

/// The public profile, as `GET /wallet/profile` describes it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    #[serde(default)]
    pub handle: String,
    #[serde(default)]
    pub published: bool,
    #[serde(default)]
    pub indexable: bool,
    #[serde(default)]
    pub lang: String,
    #[serde(default)]
    pub presentation: Option<String>,
    #[serde(default)]
    pub items: Vec<ItemRef>,
    #[serde(default)]
    pub page_url: String,
}

/// The form as typed.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub handle: String,
    pub published: bool,
    pub indexable: bool,
    pub lang: String,
    pub presentation: String,
    /// `entry:<id>`, `credential:<id>`.
    pub chosen: Vec<String>,
}

/// A line offered for the page.
#[derive(Debug, Clone)]
pub struct Line {
    pub key: String,
    pub title: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "me/profile.html")]
struct SettingsPage {
    c: Chrome,
    /// The page as saved, when there is one.
    saved: Option<Profile>,
    d: Draft,
    entries: Vec<Line>,
    credentials: Vec<Line>,
    /// The beginning of the page's address (`https://…/p/`).
    prefix: String,
    errors: Errors,
}

impl SettingsPage {
    fn is_chosen(&self, key: &str) -> bool {
        self.d.chosen.iter().any(|c| c == key)
    }

    /// The page's address, when it is published.
    fn page_url(&self) -> Option<String> {
        let saved = self.saved.as_ref().filter(|p| p.published)?;
        Some(if saved.page_url.is_empty() {
            format!("{}{}", self.prefix, saved.handle)
        } else {
            saved.page_url.clone()
        })
    }

    fn linkedin(&self) -> Option<String> {
        self.page_url().map(|u| linkedin_share(&u))
    }
}

/// A handle to propose from a name: "Camille Martin-Dupré" gives
/// `camille-martin-dupre`.
fn handle_from(name: &str) -> String {
    let folded = atout_core::directory::fold(name);
    let mut out = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 40 {
            break;
        }
    }
    let out = out.trim_matches('-').to_owned();
    if valid_handle(&out) {
        out
    } else {
        String::new()
    }
}

#[derive(Deserialize)]
struct Items<T> {
    items: Vec<T>,
}

/// The page as saved (`None`: there is none yet).
async fn load(state: &PortalState, ctx: &Ctx, me: &Me) -> Result<Option<Profile>, PageError> {
    let reply = state.get(ctx, &me.who, "/wallet/profile").await?;
    if reply.status == StatusCode::NOT_FOUND {
        return Ok(None);
    }
    Ok(Some(reply.json().await?))
}

async fn view(
    state: &PortalState,
    ctx: &Ctx,
    me: &Me,
    saved: Option<Profile>,
    draft: Option<Draft>,
    errors: Errors,
) -> Result<SettingsPage, PageError> {
    let (e, h) = tokio::join!(
        state.get(ctx, &me.who, "/wallet/entries"),
        super::cvs::every_holding(state, ctx, &me.who),
    );
    let entries: Items<Entry> = e?.json().await?;
    let holdings: Items<Holding> = Items { items: h? };
    let c = me
        .chrome(state, ctx, "profile-title")
        .for_page("/me/profile");
    let d = draft.unwrap_or_else(|| match &saved {
        Some(p) => Draft {
            handle: p.handle.clone(),
            published: p.published,
            indexable: p.indexable,
            lang: p.lang.clone(),
            presentation: p.presentation.clone().unwrap_or_default(),
            chosen: p
                .items
                .iter()
                .map(|i| format!("{}:{}", i.kind, i.id))
                .collect(),
        },
        // Off by default, hidden from search engines, nothing chosen in
        // advance: each line shown is the citizen's explicit choice.
        None => Draft {
            handle: handle_from(&me.account.display_name),
            lang: ctx.lang.code().to_owned(),
            ..Default::default()
        },
    });
    let entries = entries
        .items
        .iter()
        .map(|e| Line {
            key: format!("entry:{}", e.id),
            title: e.title.clone(),
            detail: format!(
                "{} · {}",
                c.tk("kind-", &e.kind, ""),
                c.tk("state-", &e.trust, "")
            ),
        })
        .collect();
    let credentials = holdings
        .items
        .iter()
        .map(|h| Line {
            key: format!("credential:{}", h.id),
            title: h.title.clone(),
            detail: h.issuer_label(c.lang),
        })
        .collect();
    Ok(SettingsPage {
        c,
        saved,
        d,
        entries,
        credentials,
        prefix: format!("{}/p/", state.app.config.base()),
        errors,
    })
}

/// The public page's settings. The logged-in citizen.
async fn show(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let saved = load(&state, &ctx, &me).await?;
    let page = view(&state, &ctx, &me, saved, None, Errors::default()).await?;
    Ok(render(ctx.lang, &page))
}

/// Saves the settings (and publishes or withdraws the page). The
/// logged-in citizen (CSRF-checked).
async fn save(
    State(state): State<PortalState>,
    ctx: Ctx,
    form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let t = ctx.t();
    let d = Draft {
        handle: form.text("handle").to_lowercase(),
        published: form.checked("published"),
        indexable: form.checked("indexable"),
        lang: form.text("lang"),
        presentation: form.raw("presentation").trim().to_owned(),
        chosen: form.all("line"),
    };
    let mut errors = Errors::default();
    if !valid_handle(&d.handle) {
        errors.add("handle", t.get("profile-field-handle"));
    }
    if !matches!(d.lang.as_str(), "fr" | "en") {
        errors.add("lang", t.get("profile-field-lang"));
    }
    if errors.is_empty() {
        let items: Vec<_> = d
            .chosen
            .iter()
            .filter_map(|k| k.split_once(':'))
            .filter(|(kind, _)| matches!(*kind, "entry" | "credential"))
            .map(|(kind, id)| json!({"kind": kind, "id": id}))
            .collect();
        let mut body = json!({
            "handle": d.handle,
            "published": d.published,
            "indexable": d.indexable,
            "lang": d.lang,
            "items": items,
        });
        if !d.presentation.is_empty() {
            body["presentation"] = json!(d.presentation);
        }
        let reply = state
            .send_json(&ctx, &me.who, Method::PUT, "/wallet/profile", &body)
            .await?;
        if reply.ok() {
            let done = if d.published {
                "done-profile-published"
            } else {
                "done-profile-saved"
            };
            return Ok(see_other(&format!("/me/profile?done={done}")));
        }
        let problem = reply.problem().await;
        errors = if problem.status == 409 {
            crate::problems::log(&problem);
            let mut e = Errors::default();
            e.add("handle", t.get("profile-handle-taken"));
            e
        } else {
            Errors::from_problem_mapped(
                t,
                &problem,
                &[
                    ("handle", "handle"),
                    ("lang", "lang"),
                    ("presentation", "presentation"),
                    ("items", "lines"),
                ],
                &["profile-field-", "field-"],
            )
        };
    }
    let saved = load(&state, &ctx, &me).await?;
    let page = view(&state, &ctx, &me, saved, Some(d), errors).await?;
    let mut response = render(ctx.lang, &page);
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

#[derive(Template)]
#[template(path = "me/profile_delete.html")]
struct DeletePage {
    c: Chrome,
}

/// Asks before deleting the public page (works without JavaScript). The
/// logged-in citizen.
async fn delete_page(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    if load(&state, &ctx, &me).await?.is_none() {
        return Ok(see_other("/me/profile"));
    }
    Ok(render(
        ctx.lang,
        &DeletePage {
            c: me.chrome(&state, &ctx, "profile-delete-title"),
        },
    ))
}

/// Deletes the public page: its address answers "not found" at once. The
/// logged-in citizen (CSRF-checked).
async fn delete(
    State(state): State<PortalState>,
    ctx: Ctx,
    _form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    state
        .act(&ctx, &me.who, Method::DELETE, "/wallet/profile")
        .await?;
    Ok(see_other("/me/profile?done=done-profile-deleted"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handle_is_proposed_from_the_name() {
        assert_eq!(handle_from("Camille Martin-Dupré"), "camille-martin-dupre");
        assert_eq!(handle_from("  Zoé  "), "zoe");
        assert_eq!(handle_from("李"), "");
    }
}
