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

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/assets/atout.css", get(css))
        .route("/assets/portal.js", get(js))
        .route("/favicon.ico", get(favicon))
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
async fn js() -> Response {
    file("text/javascript; charset=utf-8", PORTAL_JS)
}

/// The icon browsers ask for on their own: the site's mark (SVG). Public.
async fn favicon() -> Response {
    file(
        "image/svg+xml",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 32 32\">\
         <rect width=\"32\" height=\"32\" rx=\"7\" fill=\"#0b4fa8\"/>\
         <text x=\"16\" y=\"23\" font-family=\"sans-serif\" font-size=\"20\" \
         font-weight=\"700\" fill=\"#fff\" text-anchor=\"middle\">A</text></svg>",
    )
}
