//! Atout's HTTP plumbing, shared by every service router:
//! RFC 9457 problems ([`ApiError`]) for every error, extractor wrappers whose
//! rejections are problems too, request ids, tracing spans that carry the
//! route template (never the raw URI), security headers, Prometheus metrics,
//! authentication ([`auth::Principal`]), and QR codes of links ([`qr`]).

pub mod assets;
pub mod auth;
pub mod check;
pub mod csvtext;
pub mod download;
pub mod extract;
pub mod frameworks;
pub mod i18n;
pub mod limits;
pub mod metrics;
pub mod middleware;
pub mod paris;
pub mod places;
pub mod problem;
pub mod qr;
pub mod share;
pub mod state;

pub use extract::{Json, Path, Query};
pub use problem::ApiError;
pub use state::AppState;

/// Media type of RFC 9457 problem details.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// The largest batch file (CSV or JSON Lines) the issuer takes, about
/// 100,000 rows of a diploma; the console's page states it past it.
pub const BATCH_BODY_LIMIT: usize = 64 * 1024 * 1024;
