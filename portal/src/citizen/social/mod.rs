//! The citizen's people around the portfolio: invitations (with the
//! contributors' suggestions), endorsements received and given, and
//! certification requests to organisations. The logged-in citizen only;
//! another citizen's things answer 404, as in the API.

mod endorsements;
mod invitations;
mod requests;

use crate::{api::Problem, ctx::Ctx, forms::Errors, page::Chrome, PortalState};
use atout_web::i18n::Tr;
use axum::Router;
use serde::Deserialize;

pub fn router() -> Router<PortalState> {
    Router::new()
        .merge(invitations::router())
        .merge(endorsements::router())
        .merge(requests::router())
}

/// `{"items": [...]}`, as the API lists things.
#[derive(Deserialize)]
pub(crate) struct Items<T> {
    pub items: Vec<T>,
}

/// Errors from an API problem, with this area's messages: the field's
/// `so-field-<name>` message when there is one, else the portal's
/// (`field-<name>`), else one for the problem's type or code (see
/// [`crate::problems`]); never the API's own text.
pub(crate) fn problem_errors(tr: &Tr, problem: &Problem, known_fields: &[&str]) -> Errors {
    let fields: Vec<(&str, &str)> = known_fields.iter().map(|f| (*f, *f)).collect();
    Errors::from_problem_mapped(tr, problem, &fields, &["so-field-", "field-"])
}

/// Shows this area's `?done=so-done-...` message in the page's frame.
pub(crate) fn flash(c: &mut Chrome, ctx: &Ctx) {
    let tr = ctx.t();
    if let Some(key) = ctx
        .query_param("done")
        .filter(|k| k.starts_with("so-done-") && k.len() < 64 && tr.has(k))
    {
        c.flash = Some(tr.get(&key));
    }
}

/// A date typed as `YYYY-MM-DD`, as the end of that day (UTC).
pub(crate) fn end_of_day(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(23, 59, 59))
        .map(|d| d.and_utc())
}
