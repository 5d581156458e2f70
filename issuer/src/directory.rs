//! The public directory of organisations, and each organisation's profile
//! (what the directory shows of it).
//!
//! | route | caller |
//! |---|---|
//! | `GET /directory/organisations[?q=&town=&kind=&page=&per_page=]` | anyone |
//! | `GET /directory/organisations/{slug}` | anyone (an unlisted organisation: 404) |
//! | `GET /orgs/{slug}/profile`, `PUT /orgs/{slug}/profile` | the admin, or an API key of that organisation |

use atout_core::directory::{
    Directory, DirectoryEntry, DirectoryError, DirectoryPage, Profile, ProfileUpdate, Search,
};
use atout_web::{auth::OrgMember, problem::ProblemBody, ApiError, AppState, Json, Path, Query};
use axum::extract::State;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search))
        .routes(routes!(entry))
        .routes(routes!(get_profile, put_profile))
}

fn directory(state: &AppState) -> Directory {
    Directory::new(state.store.clone(), state.clock.clone(), state.orgs.clone())
}

/// A directory problem as an RFC 9457 problem (`field` names a bad field).
fn api(e: DirectoryError) -> ApiError {
    match e {
        DirectoryError::Invalid(i) => ApiError::unprocessable(i.message).with("field", i.field),
        DirectoryError::NotFound(_) => ApiError::not_found(e.to_string()),
        DirectoryError::Org(o) => o.into(),
        DirectoryError::Store(s) => s.into(),
    }
}

/// Search the organisations the directory lists: words of their names
/// (accents and case do not matter: "universite d'orleans" finds
/// "Université d'Orléans"), their town, their kind. By name, 20 a page.
#[utoipa::path(
    get, path = "/directory/organisations", tag = "directory",
    params(Search),
    responses(
        (status = 200, body = DirectoryPage),
        (status = 400, body = ProblemBody, description = "Unknown parameter", content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "A search longer than 100 characters or 6 words, an unknown kind, a page out of 1..500, a page size out of 1..50 (`field` names it)", content_type = "application/problem+json"),
    )
)]
async fn search(
    State(state): State<AppState>,
    Query(q): Query<Search>,
) -> Result<Json<DirectoryPage>, ApiError> {
    Ok(Json(directory(&state).search(&q).await.map_err(api)?))
}

/// A listed organisation: names, description, town, kind, website, DID,
/// its standing in the trust registry, and its public templates.
#[utoipa::path(
    get, path = "/directory/organisations/{slug}", tag = "directory",
    params(("slug" = String, Path)),
    responses(
        (status = 200, body = DirectoryEntry),
        (status = 404, body = ProblemBody, description = "No listed organisation has this identifier", content_type = "application/problem+json"),
    )
)]
async fn entry(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<DirectoryEntry>, ApiError> {
    Ok(Json(directory(&state).entry(&slug).await.map_err(api)?))
}

/// The organisation's profile as it edits it: its directory fields,
/// whether it is listed, its standing in the trust registry, and every
/// template with its visibility.
#[utoipa::path(
    get, path = "/orgs/{slug}/profile", tag = "directory",
    security(("bearer" = [])),
    params(("slug" = String, Path)),
    responses(
        (status = 200, body = Profile),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, description = "An API key of another organisation", content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn get_profile(
    State(state): State<AppState>,
    OrgMember(_who): OrgMember,
    Path(slug): Path<String>,
) -> Result<Json<Profile>, ApiError> {
    Ok(Json(directory(&state).profile(&slug).await.map_err(api)?))
}

/// Change the profile: description, town, kind, website (https), whether
/// the directory lists it, and which templates it shows
/// (`publicTemplates`: every other one is hidden). Absent fields are left
/// as they are; an empty text clears it. Audited (`org.profile_updated`).
#[utoipa::path(
    put, path = "/orgs/{slug}/profile", tag = "directory",
    security(("bearer" = [])),
    params(("slug" = String, Path)),
    request_body = ProfileUpdate,
    responses(
        (status = 200, body = Profile),
        (status = 400, body = ProblemBody, description = "Malformed JSON", content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, description = "An API key of another organisation", content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "A field that is not acceptable (`field` names it)", content_type = "application/problem+json"),
    )
)]
async fn put_profile(
    State(state): State<AppState>,
    OrgMember(who): OrgMember,
    Path(slug): Path<String>,
    Json(body): Json<ProfileUpdate>,
) -> Result<Json<Profile>, ApiError> {
    let profile = directory(&state)
        .update(&slug, &body, &who.actor())
        .await
        .map_err(api)?;
    tracing::info!("organisation profile updated");
    Ok(Json(profile))
}
