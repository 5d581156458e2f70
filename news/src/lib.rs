//! Atout's *S'informer* function: events that organisations and the
//! platform publish, each citizen's news feed ranked by their path, the
//! calendars (iCalendar, RFC 5545) and feeds (Atom, RFC 4287) people
//! already use, and notifications that reach people in the app and by mail.

pub mod atom;
pub mod events;
pub mod feed;
pub mod ical;
pub mod notifications;
pub mod public;

use atout_web::AppState;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(events::router())
        .merge(public::router())
        .merge(feed::router())
        .merge(notifications::router())
}

/// The background work of this function (notification mails, event
/// reminders, the weekly digest), started once by `atout serve`.
pub fn spawn_workers(state: AppState) {
    notifications::spawn_workers(state.clone());
    feed::spawn_workers(state);
}
