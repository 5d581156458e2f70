//! The pages' files: the shared style sheet and the small scripts that
//! improve a page when JavaScript runs (never needed to use it).

use crate::PortalState;
use axum::{
    http::header,
    response::{IntoResponse, Response},
    routing::get,
    Router,
};

const PORTAL_JS: &str = include_str!("../assets/portal.js");
/// CVs as printed (the preview, with its print style) and the public
/// profile page.
const CV_CSS: &str = include_str!("../assets/cv.css");
/// The framework-code autocomplete (an ARIA combobox over
/// `/frameworks/search`; the plain field works without it).
const COMBOBOX_JS: &str = include_str!("../assets/combobox.js");
const COMBOBOX_CSS: &str = include_str!("../assets/combobox.css");
const FAVICON: &str = include_str!("../assets/favicon.svg");

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/assets/atout.css", get(css))
        .route("/assets/cv.css", get(cv_css))
        .route("/assets/portal.js", get(js))
        .route("/assets/combobox.js", get(combobox_js))
        .route("/assets/combobox.css", get(combobox_css))
        .route("/assets/favicon.svg", get(icon))
        .route("/favicon.ico", get(icon))
}

fn file(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
        .into_response()
}

/// Public.
async fn css() -> Response {
    file("text/css; charset=utf-8", atout_web::assets::CSS)
}

/// Public.
async fn cv_css() -> Response {
    file("text/css; charset=utf-8", CV_CSS)
}

/// Public.
async fn js() -> Response {
    file("text/javascript; charset=utf-8", PORTAL_JS)
}

/// Public.
async fn combobox_js() -> Response {
    file("text/javascript; charset=utf-8", COMBOBOX_JS)
}

/// Public.
async fn combobox_css() -> Response {
    file("text/css; charset=utf-8", COMBOBOX_CSS)
}

/// Public.
async fn icon() -> Response {
    file("image/svg+xml", FAVICON)
}
