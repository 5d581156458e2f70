//! Atout's pages for people: the citizen's portfolio (`/`, `/me/...`) and
//! the organisation console (`/console/...`).
//!
//! Every page is rendered on the server (askama) and every action is a plain
//! HTML form, so everything works without JavaScript; the few scripts
//! (`/assets/*.js`) only improve a page (passkeys, live progress, copying a
//! link). The pages act through Atout's own HTTP API, called in process
//! ([`api`]): the same validation, authorisation and audit as for any other
//! client, and nothing a page can do that the API does not allow.
//!
//! Texts come from the translation files (`locales/{fr,en}/*.ftl`), French
//! first. Security: a CSRF token on every form ([`csrf`]), a strict
//! Content-Security-Policy without inline scripts or styles, `noindex` and
//! `no-store` on every private page, `frame-ancestors 'none'`.

// A page error carries the API's problem to show it: rare, and bigger than
// clippy's threshold for `Result` errors.
#![allow(clippy::result_large_err)]

pub mod agents;
pub mod api;
mod assets;
pub mod citizen;
pub mod console;
pub mod csrf;
pub mod ctx;
pub mod directory;
mod events_page;
pub mod forms;
pub mod frameworks_page;
pub mod invited;
pub mod page;
pub mod problems;
pub mod profile_page;
mod trainings_page;
pub mod uploads;

use atout_web::AppState;
use axum::{middleware::from_fn_with_state, routing::get, Router};

/// What the pages need: the application's state and the API router they
/// call in process.
#[derive(Clone)]
pub struct PortalState {
    pub app: AppState,
    pub api: Router,
}

/// The pages, ready to merge beside the API (same plumbing around both).
pub fn router(app: AppState, api: Router) -> Router {
    let state = PortalState { app, api };
    Router::new()
        .merge(assets::router())
        .merge(citizen::router())
        .merge(console::router())
        .merge(invited::router())
        .merge(directory::router())
        .merge(profile_page::router())
        .merge(frameworks_page::router())
        .merge(trainings_page::router())
        .merge(events_page::router())
        // Unknown pages of the people's areas are pages too, in the
        // visitor's language with a way back, never the API's JSON 404.
        .route("/me/{*rest}", get(page::not_found).post(page::not_found))
        .route(
            "/console/{*rest}",
            get(page::not_found).post(page::not_found),
        )
        .route(
            "/invited/{token}/{*rest}",
            get(page::not_found).post(page::not_found),
        )
        .layer(from_fn_with_state(state.clone(), ctx::page_headers))
        .with_state(state)
}
