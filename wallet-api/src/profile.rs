//! The public profile page (`/p/{handle}`), opt-in and off by default:
//! the entries and credentials the citizen chooses, in their language, with
//! schema.org JSON-LD so that search engines can read it if the citizen
//! lets them (`indexable`; otherwise `noindex`). Documents are never shown.
//! Each certified line links to its credential's live verdict through a
//! share made for the page (no expiry; replaced, and the old one revoked,
//! when the lines change). Changing the handle frees the old one at once.
//!
//! Also "Add to LinkedIn profile" for a credential: LinkedIn's public
//! add-to-profile link, whose certification URL is a share of that one
//! credential (no LinkedIn account or API key involved).
//!
//! `/wallet/profile` and `/wallet/holdings/{id}/linkedin`: the citizen
//! only (others 401/403). `GET /profiles/{handle}`: public.

use crate::cvs::{positions, wallet_of, CvItemRef, Wallet};
use crate::entries::{field_error, EntryKind, TrustLevel};
use crate::shares::{insert_share, link_of, sealer, NewShareRecord};
use atout_core::store::{CitizenRecord, ProfileRecord, ProfileWrite, ShareItem};
use atout_web::{
    auth::Citizen, check::LiveState, extract::ClientIp, limits::Action, problem::ProblemBody,
    ApiError, AppState, Json, Path,
};
use axum::{extract::State, http::StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The most lines a public page shows.
pub const MAX_LINES: usize = 200;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_profile, put_profile, delete_profile))
        .routes(routes!(public_profile))
        .routes(routes!(linkedin))
}

/// The public page's settings.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProfileIn {
    /// 3 to 40 characters: a-z, 0-9 and `-` (not first nor last). The page
    /// is `/p/{handle}`.
    pub handle: String,
    /// Whether the page is online.
    #[serde(default)]
    pub published: bool,
    /// Whether search engines may index it (otherwise `noindex`).
    #[serde(default)]
    pub indexable: bool,
    /// `fr` or `en`.
    #[serde(default)]
    pub lang: Option<String>,
    /// Up to 1,500 characters.
    #[serde(default)]
    pub presentation: Option<String>,
    /// The lines shown, in order: entries and credentials (never documents).
    #[serde(default)]
    pub items: Vec<CvItemRef>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProfileView {
    pub handle: String,
    pub published: bool,
    pub indexable: bool,
    pub lang: String,
    pub presentation: Option<String>,
    pub items: Vec<CvItemRef>,
    /// The page's address.
    pub page_url: String,
}

fn check_handle(raw: &str) -> Result<String, ApiError> {
    let handle = raw.trim().to_lowercase();
    let ok = (3..=40).contains(&handle.len())
        && handle
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !handle.starts_with('-')
        && !handle.ends_with('-');
    if ok {
        Ok(handle)
    } else {
        Err(field_error(
            "handle",
            "handle: 3 to 40 characters among a-z, 0-9 and -, not starting or ending with -.",
        ))
    }
}

fn page_url(state: &AppState, handle: &str) -> String {
    format!("{}/p/{handle}", state.config.base())
}

async fn view(state: &AppState, p: ProfileRecord) -> Result<ProfileView, ApiError> {
    let items = match &p.share_id {
        Some(id) => state.store.share_items(id).await?,
        None => Vec::new(),
    };
    Ok(ProfileView {
        page_url: page_url(state, &p.handle),
        items: items
            .iter()
            .filter_map(|i| match i {
                ShareItem::Entry(id) => Some(CvItemRef {
                    kind: "entry".into(),
                    id: id.clone(),
                }),
                ShareItem::Holding(id) => Some(CvItemRef {
                    kind: "credential".into(),
                    id: id.clone(),
                }),
                ShareItem::Document(_) => None,
            })
            .collect(),
        handle: p.handle,
        published: p.published != 0,
        indexable: p.indexable != 0,
        lang: p.lang,
        presentation: p.presentation,
    })
}

/// Your public page's settings (404 if you have none).
#[utoipa::path(
    get, path = "/wallet/profile", tag = "profile",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = ProfileView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn get_profile(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<Json<ProfileView>, ApiError> {
    let p = state
        .store
        .get_profile(citizen.id())
        .await?
        .ok_or_else(|| ApiError::not_found("You have no public page."))?;
    Ok(Json(view(&state, p).await?))
}

/// Create or change your public page. The lines go in a share made for the
/// page (its links verify the credentials); when they change, a new share
/// replaces it and the old one is revoked.
#[utoipa::path(
    put, path = "/wallet/profile", tag = "profile",
    security(("bearer" = []), ("cookie" = [])),
    request_body = ProfileIn,
    responses(
        (status = 200, body = ProfileView),
        (status = 400, body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "The handle is taken (`field`: handle)", content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn put_profile(
    State(state): State<AppState>,
    citizen: Citizen,
    Json(new): Json<ProfileIn>,
) -> Result<Json<ProfileView>, ApiError> {
    let handle = check_handle(&new.handle)?;
    let lang = new.lang.unwrap_or_else(|| "fr".into());
    if !matches!(lang.as_str(), "fr" | "en") {
        return Err(field_error("lang", "lang: fr or en."));
    }
    let presentation = match new.presentation {
        Some(p) => {
            let p: String = p
                .replace("\r\n", "\n")
                .chars()
                .filter(|c| !c.is_control() || *c == '\n')
                .collect::<String>()
                .trim()
                .to_owned();
            if p.chars().count() > 1500 {
                return Err(field_error(
                    "presentation",
                    "presentation: at most 1,500 characters.",
                ));
            }
            Some(p).filter(|p| !p.is_empty())
        }
        None => None,
    };
    if new.items.len() > MAX_LINES {
        return Err(field_error(
            "items",
            format!("items: at most {MAX_LINES} lines."),
        ));
    }
    let mut items: Vec<ShareItem> = Vec::new();
    for i in new.items {
        let item = match i.kind.as_str() {
            "entry" => ShareItem::Entry(i.id),
            "credential" => ShareItem::Holding(i.id),
            _ => {
                return Err(field_error(
                    "items",
                    "items: each kind is entry or credential.",
                ))
            }
        };
        if !items.contains(&item) {
            items.push(item);
        }
    }
    // An entry's certifying credential goes with it (right after it), so
    // that the page can show the line as certified, with its link.
    let certifying: HashMap<String, String> = state
        .store
        .list_entries(citizen.id(), None)
        .await?
        .into_iter()
        .filter_map(|e| Some((e.id, e.holding_id?)))
        .collect();
    let mut expanded: Vec<ShareItem> = Vec::with_capacity(items.len());
    for item in items {
        let holding = match &item {
            ShareItem::Entry(id) => certifying.get(id).map(|h| ShareItem::Holding(h.clone())),
            _ => None,
        };
        if !expanded.contains(&item) {
            expanded.push(item);
        }
        if let Some(h) = holding {
            if !expanded.contains(&h) {
                expanded.push(h);
            }
        }
    }
    let items = expanded;
    let now = state.clock.now();
    let old = state.store.get_profile(citizen.id()).await?;
    // Another citizen's handle: refused before anything is written.
    if let Some(other) = state.store.profile_by_handle(&handle).await? {
        if other.citizen_id != citizen.id() {
            return Err(handle_taken());
        }
    }
    let sealer = sealer(&state, &citizen.record)?;
    let mut share_id = None;
    let mut replaced = None;
    if let Some(old) = &old {
        if let Some(id) = &old.share_id {
            let live = state
                .store
                .get_share(citizen.id(), id)
                .await?
                .is_some_and(|s| s.revoked_at.is_none() && s.expires_at.is_none_or(|e| e > now));
            // Taken offline: its links stop too (a new share when it
            // comes back).
            if live && new.published && state.store.share_items(id).await? == items {
                share_id = Some(id.clone());
            } else {
                replaced = Some(id.clone());
            }
        }
    }
    let mut made = None;
    if share_id.is_none() && new.published && !items.is_empty() {
        let holding_ids: Vec<String> = items
            .iter()
            .filter_map(|i| match i {
                ShareItem::Holding(h) => Some(h.clone()),
                _ => None,
            })
            .collect();
        let withheld: Vec<(String, String)> = state
            .store
            .holdings_by_ids(citizen.id(), &holding_ids)
            .await?
            .into_iter()
            .filter(|h| h.format == atout_vc::sd_jwt::TYP)
            .map(|h| (h.id, "[]".to_owned()))
            .collect();
        let (share, _) = insert_share(
            &state,
            &citizen.record,
            &sealer,
            NewShareRecord {
                label: "Page publique / Public page".into(),
                items: &items,
                pin_hash: None,
                disclosures: &withheld,
                expires_at: None,
            },
        )
        .await?;
        made = Some(share.id.clone());
        share_id = Some(share.id);
    }
    let record = ProfileRecord {
        citizen_id: citizen.id().to_owned(),
        handle,
        published: new.published as i64,
        indexable: new.indexable as i64,
        lang,
        presentation,
        share_id,
        updated_at: now,
    };
    match state.store.put_profile(&record).await? {
        ProfileWrite::Done => {}
        ProfileWrite::HandleTaken => {
            // Taken meanwhile: the share made for it goes.
            if let Some(id) = made {
                state.store.revoke_share(citizen.id(), &id, now).await?;
            }
            return Err(handle_taken());
        }
    }
    if let Some(old) = replaced {
        state.store.revoke_share(citizen.id(), &old, now).await?;
    }
    tracing::info!(citizen = %citizen.id(), published = new.published, "public page saved");
    Ok(Json(view(&state, record).await?))
}

fn handle_taken() -> ApiError {
    ApiError::conflict("This address is taken: choose another.").with("field", "handle")
}

/// Take your public page down for good (its handle is free again, its
/// share revoked).
#[utoipa::path(
    delete, path = "/wallet/profile", tag = "profile",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn delete_profile(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<StatusCode, ApiError> {
    let Some(p) = state.store.get_profile(citizen.id()).await? else {
        return Err(ApiError::not_found("You have no public page."));
    };
    state.store.delete_profile(citizen.id()).await?;
    if let Some(id) = p.share_id {
        state
            .store
            .revoke_share(citizen.id(), &id, state.clock.now())
            .await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// A line of a public page.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PublicLine {
    pub title: String,
    pub organisation: Option<String>,
    pub place: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub description: Option<String>,
    /// `certified`, `endorsed` or `declared`.
    pub trust: &'static str,
    /// Certified lines: the issuer's registered name.
    pub issuer: Option<String>,
    pub endorsed_by: Vec<String>,
    /// Certified lines: the credential's live verdict.
    pub verify_url: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PublicSection {
    /// `experience`, `education`, `credentials`, `skills`, `languages`,
    /// `projects` or `interests`.
    pub kind: &'static str,
    pub items: Vec<PublicLine>,
}

/// A public page.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PublicProfile {
    pub handle: String,
    pub name: String,
    pub headline: Option<String>,
    pub presentation: Option<String>,
    pub lang: String,
    pub indexable: bool,
    pub url: String,
    pub sections: Vec<PublicSection>,
    /// schema.org `Person`, as JSON-LD.
    #[schema(value_type = Object)]
    pub json_ld: Value,
}

/// A public page, as JSON (what `/p/{handle}` shows). Public; 404 for an
/// unknown handle and for a page that is not online alike.
#[utoipa::path(
    get, path = "/profiles/{handle}", tag = "profile",
    params(("handle" = String, Path, description = "The page's handle")),
    responses(
        (status = 200, body = PublicProfile),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn public_profile(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Path(handle): Path<String>,
) -> Result<Json<PublicProfile>, ApiError> {
    // Every opening counts against the address, as share links do.
    atout_web::limits::check_api(&state.address_limits, Action::Link, client)?;
    let gone = || ApiError::not_found("No public page has this address.");
    let handle = check_handle(&handle).map_err(|_| gone())?;
    let p = state
        .store
        .profile_by_handle(&handle)
        .await?
        .filter(|p| p.published != 0)
        .ok_or_else(gone)?;
    let citizen = state
        .store
        .citizen_by_id(&p.citizen_id)
        .await?
        .ok_or_else(gone)?;
    Ok(Json(public_of(&state, &citizen, p).await?))
}

async fn public_of(
    state: &AppState,
    citizen: &CitizenRecord,
    p: ProfileRecord,
) -> Result<PublicProfile, ApiError> {
    let now = state.clock.now();
    let (items, base) = match &p.share_id {
        Some(id) => match state.store.get_share(&citizen.id, id).await? {
            Some(share)
                if share.revoked_at.is_none() && share.expires_at.is_none_or(|e| e > now) =>
            {
                let sealer = sealer(state, citizen)?;
                (
                    state.store.share_items(id).await?,
                    Some(link_of(state, &sealer, &share)?),
                )
            }
            _ => (Vec::new(), None),
        },
        None => (Vec::new(), None),
    };
    let w: Wallet = wallet_of(state, &citizen.id, Some(&items)).await?;
    let numbers = match &p.share_id {
        Some(id) if base.is_some() => positions(state, id).await?,
        _ => HashMap::new(),
    };
    let en = p.lang == "en";
    let entries: HashMap<&str, _> = w.entries.iter().map(|e| (e.id.as_str(), e)).collect();
    let holdings: HashMap<&str, _> = w
        .holdings
        .iter()
        .map(|(h, i)| (h.id.as_str(), (h, i)))
        .collect();
    let verify = |h: &str| Some(format!("{}/{}", base.as_deref()?, numbers.get(h)?));
    let name_of = |i: &crate::holdings::HoldingItem| match &i.issuer_name {
        Some(n) if en => n.en.clone(),
        Some(n) => n.fr.clone(),
        None => i.issuer.clone(),
    };
    let mut sections: Vec<PublicSection> = Vec::new();
    let mut push =
        |kind: &'static str, line: PublicLine| match sections.iter_mut().find(|s| s.kind == kind) {
            Some(s) => s.items.push(line),
            None => sections.push(PublicSection {
                kind,
                items: vec![line],
            }),
        };
    let shown: HashSet<&str> = items
        .iter()
        .filter_map(|i| match i {
            ShareItem::Holding(h) => Some(h.as_str()),
            _ => None,
        })
        .collect();
    // Credentials that certify a shown entry (every entry of `w` is shown).
    let lines_of: HashSet<&str> = w
        .entries
        .iter()
        .filter_map(|e| e.holding_id.as_deref())
        .collect();
    for item in &items {
        match item {
            ShareItem::Entry(id) => {
                let Some(e) = entries.get(id.as_str()) else {
                    continue;
                };
                let certifier = e
                    .holding_id
                    .as_deref()
                    .filter(|h| e.trust == TrustLevel::Certified && shown.contains(h))
                    .and_then(|h| holdings.get(h).map(|(_, i)| (h, *i)));
                let kind = match e.kind {
                    EntryKind::Experience => "experience",
                    EntryKind::Education => "education",
                    EntryKind::Skill => "skills",
                    EntryKind::Language => "languages",
                    EntryKind::Project => "projects",
                    EntryKind::Interest => "interests",
                };
                push(
                    kind,
                    PublicLine {
                        title: e.title.clone(),
                        organisation: e.organisation.clone(),
                        place: e.place.clone(),
                        start_date: e.start_date.clone(),
                        end_date: e.end_date.clone(),
                        description: e.description.clone(),
                        trust: match (e.trust, certifier.is_some()) {
                            (TrustLevel::Certified, true) => "certified",
                            (TrustLevel::Endorsed, _) => "endorsed",
                            _ => "declared",
                        },
                        issuer: certifier.map(|(_, i)| name_of(i)),
                        endorsed_by: if e.trust == TrustLevel::Endorsed {
                            w.endorsers.get(&e.id).cloned().unwrap_or_default()
                        } else {
                            Vec::new()
                        },
                        verify_url: certifier.and_then(|(h, _)| verify(h)),
                    },
                );
            }
            ShareItem::Holding(id) => {
                // A credential that certifies a shown entry is that line's.
                if lines_of.contains(id.as_str()) {
                    continue;
                }
                let Some((h, i)) = holdings.get(id.as_str()) else {
                    continue;
                };
                let verified = i.state == LiveState::Verified;
                push(
                    "credentials",
                    PublicLine {
                        title: i.title.clone(),
                        organisation: Some(name_of(i)),
                        place: None,
                        start_date: h.valid_from.map(|d| d.format("%Y-%m-%d").to_string()),
                        end_date: h.valid_until.map(|d| d.format("%Y-%m-%d").to_string()),
                        description: None,
                        trust: if verified { "certified" } else { "declared" },
                        issuer: verified.then(|| name_of(i)),
                        endorsed_by: Vec::new(),
                        verify_url: verified.then(|| verify(id)).flatten(),
                    },
                );
            }
            ShareItem::Document(_) => {}
        }
    }
    let url = page_url(state, &p.handle);
    let json_ld = json_ld(
        &citizen.display_name,
        citizen.headline.as_deref(),
        p.presentation.as_deref(),
        &url,
        &sections,
    );
    Ok(PublicProfile {
        handle: p.handle,
        name: citizen.display_name.clone(),
        headline: citizen.headline.clone(),
        presentation: p.presentation,
        lang: p.lang,
        indexable: p.indexable != 0,
        url,
        sections,
        json_ld,
    })
}

/// The page as schema.org JSON-LD: a `Person` with `hasCredential`
/// (`EducationalOccupationalCredential` with its issuer as `recognizedBy`
/// and its verification link as `url`), `alumniOf`, `knowsLanguage`,
/// `hasOccupation` and skills as `knowsAbout`. Only schema.org terms.
pub fn json_ld(
    name: &str,
    headline: Option<&str>,
    presentation: Option<&str>,
    url: &str,
    sections: &[PublicSection],
) -> Value {
    let mut person = serde_json::Map::new();
    person.insert("@context".into(), json!("https://schema.org"));
    person.insert("@type".into(), json!("Person"));
    person.insert("name".into(), json!(name));
    person.insert("url".into(), json!(url));
    if let Some(h) = headline {
        person.insert("jobTitle".into(), json!(h));
    }
    if let Some(p) = presentation {
        person.insert("description".into(), json!(p));
    }
    let mut credentials = Vec::new();
    let mut alumni = Vec::new();
    let mut languages = Vec::new();
    let mut occupations = Vec::new();
    let mut skills = Vec::new();
    for s in sections {
        for line in &s.items {
            if let (Some(issuer), Some(verify)) = (&line.issuer, &line.verify_url) {
                let mut c = serde_json::Map::new();
                c.insert("@type".into(), json!("EducationalOccupationalCredential"));
                c.insert("name".into(), json!(line.title));
                c.insert(
                    "credentialCategory".into(),
                    json!(if s.kind == "education" {
                        "degree"
                    } else {
                        "certificate"
                    }),
                );
                c.insert(
                    "recognizedBy".into(),
                    json!({"@type": "Organization", "name": issuer}),
                );
                c.insert("url".into(), json!(verify));
                if let Some(d) = &line.start_date {
                    c.insert("dateCreated".into(), json!(d));
                }
                credentials.push(Value::Object(c));
            }
            match s.kind {
                "education" => {
                    if let Some(o) = &line.organisation {
                        let org = json!({"@type": "EducationalOrganization", "name": o});
                        if !alumni.contains(&org) {
                            alumni.push(org);
                        }
                    }
                }
                "languages" => languages.push(json!({"@type": "Language", "name": line.title})),
                "experience" => {
                    let mut o = serde_json::Map::new();
                    o.insert("@type".into(), json!("Occupation"));
                    o.insert("name".into(), json!(line.title));
                    if let Some(d) = &line.description {
                        o.insert("description".into(), json!(d));
                    }
                    occupations.push(Value::Object(o));
                }
                "skills" => skills.push(json!(line.title)),
                _ => {}
            }
        }
    }
    for (key, list) in [
        ("hasCredential", credentials),
        ("alumniOf", alumni),
        ("knowsLanguage", languages),
        ("hasOccupation", occupations),
        ("knowsAbout", skills),
    ] {
        if !list.is_empty() {
            person.insert(key.into(), Value::Array(list));
        }
    }
    Value::Object(person)
}

/// LinkedIn's add-to-profile link for a credential.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LinkedIn {
    /// `https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&…`
    pub add_to_profile: String,
    /// The credential's verification link (LinkedIn's "credential URL").
    pub verify_url: String,
}

/// "Add to LinkedIn profile" for one of your credentials: LinkedIn's public
/// add-to-profile link (name, organisation, issue and expiry month and
/// year, credential id), whose credential URL is a link to this
/// credential's live verdict (a share of it alone, made once and reused).
#[utoipa::path(
    post, path = "/wallet/holdings/{id}/linkedin", tag = "profile",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The credential's id in your wallet")),
    responses(
        (status = 200, body = LinkedIn),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "Too many live shares", content_type = "application/problem+json"),
    )
)]
async fn linkedin(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<LinkedIn>, ApiError> {
    let h = state
        .store
        .get_holding(citizen.id(), &id)
        .await?
        .ok_or_else(|| ApiError::not_found("You have no credential with this id."))?;
    let outcome = crate::holdings::check_all(&state, std::slice::from_ref(&h)).await;
    let item = outcome
        .first()
        .map(|o| crate::holdings::item_of(&h, o))
        .ok_or_else(|| ApiError::internal("no check"))?;
    let sealer = sealer(&state, &citizen.record)?;
    let now = state.clock.now();
    let label: String = format!("LinkedIn – {}", h.title)
        .chars()
        .take(120)
        .collect();
    let wanted = vec![ShareItem::Holding(h.id.clone())];
    let mut link = None;
    for s in state.store.list_shares(citizen.id()).await? {
        let share = s.share;
        if share.label == label
            && share.revoked_at.is_none()
            && share.expires_at.is_none_or(|e| e > now)
            && state.store.share_items(&share.id).await? == wanted
        {
            link = Some(link_of(&state, &sealer, &share)?);
            break;
        }
    }
    let link = match link {
        Some(l) => l,
        None => {
            let (share, _) = insert_share(
                &state,
                &citizen.record,
                &sealer,
                NewShareRecord {
                    label,
                    items: &wanted,
                    pin_hash: None,
                    // An SD-JWT VC shows no selectively disclosable claim
                    // on a link made for LinkedIn.
                    disclosures: &if h.format == atout_vc::sd_jwt::TYP {
                        vec![(h.id.clone(), "[]".to_owned())]
                    } else {
                        Vec::new()
                    },
                    expires_at: None,
                },
            )
            .await?;
            link_of(&state, &sealer, &share)?
        }
    };
    let verify_url = format!("{link}/1");
    let organisation = match &item.issuer_name {
        Some(n) => n.fr.clone(),
        None => item.issuer.clone(),
    };
    let mut url =
        url::Url::parse("https://www.linkedin.com/profile/add").map_err(ApiError::internal)?;
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("startTask", "CERTIFICATION_NAME");
        q.append_pair("name", &h.title);
        q.append_pair("organizationName", &organisation);
        if let Some(from) = h.valid_from {
            q.append_pair("issueYear", &from.format("%Y").to_string());
            q.append_pair("issueMonth", &from.format("%-m").to_string());
        }
        if let Some(until) = h.valid_until {
            q.append_pair("expirationYear", &until.format("%Y").to_string());
            q.append_pair("expirationMonth", &until.format("%-m").to_string());
        }
        q.append_pair("certUrl", &verify_url);
        q.append_pair("certId", h.credential_id.as_deref().unwrap_or(&h.id));
    }
    Ok(Json(LinkedIn {
        add_to_profile: url.to_string(),
        verify_url,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles() {
        assert_eq!(check_handle(" Camille-Martin ").unwrap(), "camille-martin");
        for bad in [
            "ab",
            "-abc",
            "abc-",
            "a b c",
            "été-2024",
            &"a".repeat(41),
            "x/../y",
        ] {
            assert!(check_handle(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn json_ld_speaks_schema_org() {
        let sections = vec![
            PublicSection {
                kind: "education",
                items: vec![PublicLine {
                    title: "Master Informatique".into(),
                    organisation: Some("Université d'Orléans".into()),
                    place: None,
                    start_date: Some("2024-06".into()),
                    end_date: None,
                    description: None,
                    trust: "certified",
                    issuer: Some("Université d'Orléans".into()),
                    endorsed_by: vec![],
                    verify_url: Some("https://a.example/s/t/2".into()),
                }],
            },
            PublicSection {
                kind: "languages",
                items: vec![PublicLine {
                    title: "Anglais".into(),
                    organisation: None,
                    place: None,
                    start_date: None,
                    end_date: None,
                    description: None,
                    trust: "declared",
                    issuer: None,
                    endorsed_by: vec![],
                    verify_url: None,
                }],
            },
        ];
        let ld = json_ld(
            "Camille",
            Some("Développeuse"),
            None,
            "https://a.example/p/c",
            &sections,
        );
        assert_eq!(ld["@type"], "Person");
        assert_eq!(
            ld["hasCredential"][0]["@type"],
            "EducationalOccupationalCredential"
        );
        assert_eq!(ld["hasCredential"][0]["url"], "https://a.example/s/t/2");
        assert_eq!(ld["alumniOf"][0]["name"], "Université d'Orléans");
        assert_eq!(ld["knowsLanguage"][0]["name"], "Anglais");
        assert!(ld.get("knowsAbout").is_none());
    }
}
