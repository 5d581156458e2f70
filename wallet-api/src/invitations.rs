//! Invitations with roles, contributors' suggestions and peer endorsements.
//!
//! The citizen invites a person by email with one role over chosen parts of
//! the portfolio (credentials, entries, documents):
//! * **reader**: sees them;
//! * **contributor**: sees them, comments on entries and suggests new
//!   entries, which the citizen approves (the entry is written) or rejects;
//! * **certifier**: sees them and endorses the chosen entries with an Open
//!   Badges 3.0 `EndorsementCredential` signed by their own key; or, when
//!   the invitation names an organisation of the directory (`org`), signed
//!   for that organisation with its did:web key, on the strength of one of
//!   its API keys (`X-Org-Authorization`).
//!
//! | route | caller |
//! |---|---|
//! | `POST`, `GET /wallet/invitations` | the citizen |
//! | `GET`, `DELETE /wallet/invitations/{id}` | the citizen (`DELETE` revokes, at once) |
//! | `GET /wallet/invitations/{id}/accesses` | the citizen: every use |
//! | `GET /wallet/suggestions`, `POST /wallet/suggestions/{id}/approve`, `.../reject` | the citizen |
//! | `GET /wallet/entries/{id}/endorsements` | the citizen |
//! | `POST /wallet/endorsements/{id}/hide`, `.../show` | the citizen |
//! | `GET /wallet/endorsements/given` | the citizen: what they endorsed for others with their account |
//! | `GET /i/{token}` | whoever holds the link: who invites, for what |
//! | `POST /i/{token}/code` | whoever holds the link: mails a code to the invited address |
//! | `POST /i/{token}/session` | the invited person: the code (or their account, same verified email) opens a session (`ati_...`) |
//! | `GET /i/{token}/portfolio`, `GET /i/{token}/documents/{id}` | the invited person (session) |
//! | `POST /i/{token}/suggestions` | a contributor (session) |
//! | `POST`, `GET /i/{token}/endorsements`, `DELETE /i/{token}/endorsements/{id}` | a certifier (session) |
//!
//! An invited person acts only with a session of *this* invitation, proved
//! by a code mailed to the invited address (six digits, 15 minutes, five
//! attempts) or by being logged in with that (verified) address. Revoked or
//! expired invitations answer `410` at once and their sessions end.

use crate::entries::field_error;
use crate::{
    entries::{check_fields, details_text, views, NewEntry, MAX_ENTRIES},
    shares::collect_items,
};
use atout_core::{
    citizens::{did_key, normalise_email},
    crypto::{random_bytes, random_token, sha256_hex, KeyAlgorithm, MasterKey, PrivateKey},
    directory::{Directory, DirectoryError, Names},
    ids::new_id,
    store::{
        Attempt, AttemptLimit, CreateInvitation, Decision, EndorsementRecord, EntryRecord,
        InvitationAccessRecord, InvitationRecord, OutboxMessage, ShareItem, SuggestionRecord,
    },
};
use atout_web::{
    auth::Citizen, limits::Action, problem::ProblemBody, share::plausible_token, ApiError,
    AppState, Json, Path,
};
use axum::{
    extract::{FromRequest, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::HashSet;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// Live invitations a citizen may have.
pub const MAX_LIVE_INVITATIONS: i64 = 100;
pub const DEFAULT_LIFETIME: Duration = Duration::days(30);
pub const MAX_LIFETIME: Duration = Duration::days(366);
pub const CODE_TTL: Duration = Duration::minutes(15);
pub const CODE_MAX_ATTEMPTS: i64 = 5;
/// A new code no sooner than this after the last one.
pub const CODE_RESEND_AFTER: Duration = Duration::seconds(60);
/// How long an invited person's session lasts (never past the invitation).
pub const SESSION_TTL: Duration = Duration::days(7);
const SESSION_PREFIX: &str = "ati_";
/// A certifier acting for their organisation sends one of its API keys here.
pub const ORG_HEADER: &str = "x-org-authorization";
const LOG_LIMIT: i64 = 500;
const MAX_COMMENT: usize = 2000;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_invitations, create_invitation))
        .routes(routes!(get_invitation, revoke_invitation))
        .routes(routes!(invitation_accesses))
        .routes(routes!(list_suggestions))
        .routes(routes!(approve_suggestion))
        .routes(routes!(reject_suggestion))
        .routes(routes!(entry_endorsements))
        .routes(routes!(hide_endorsement))
        .routes(routes!(show_endorsement))
        .routes(routes!(given_endorsements))
        .routes(routes!(invitation_welcome))
        .routes(routes!(send_code))
        .routes(routes!(open_session))
        .routes(routes!(invited_portfolio))
        .routes(routes!(invited_document))
        .routes(routes!(suggest))
        .routes(routes!(list_own_endorsements, endorse))
        .routes(routes!(withdraw_endorsement))
}

/// A role of an invited person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Reader,
    Contributor,
    Certifier,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Contributor => "contributor",
            Role::Certifier => "certifier",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "reader" => Some(Role::Reader),
            "contributor" => Some(Role::Contributor),
            "certifier" => Some(Role::Certifier),
            _ => None,
        }
    }
}

// ----- the citizen's side ------------------------------------------------

/// An invitation to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewInvitation {
    /// The invited person's address: the link goes there, and only that
    /// address can confirm it.
    pub email: String,
    pub role: Role,
    #[serde(default)]
    pub credentials: Vec<String>,
    #[serde(default)]
    pub entries: Vec<String>,
    #[serde(default)]
    pub documents: Vec<String>,
    /// Default: in 30 days; at most a year ahead.
    pub expires_at: Option<DateTime<Utc>>,
    /// A word for the invited person (up to 500 characters).
    pub message: Option<String>,
    /// Certifiers only: the organisation the endorsement is asked of (its
    /// identifier, as the directory gives it; it must be listed). The
    /// certifier must then sign for it, with one of its API keys.
    pub org: Option<String>,
}

/// The organisation an invitation to certify names.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InvitationOrg {
    /// Its identifier, as the directory gives it.
    pub slug: String,
    pub name: Names,
}

impl InvitationOrg {
    fn of(org: &atout_core::store::Organisation) -> Self {
        Self {
            slug: org.slug.clone(),
            name: Names {
                fr: org.name_fr.clone(),
                en: org.name_en.clone(),
            },
        }
    }
}

/// An organisation's English name, else its French one.
fn english_name(org: &atout_core::store::Organisation) -> &str {
    if org.name_en.is_empty() {
        &org.name_fr
    } else {
        &org.name_en
    }
}

/// The organisation an invitation names, if any (one removed since: none).
async fn org_of(
    state: &AppState,
    i: &InvitationRecord,
) -> Result<Option<atout_core::store::Organisation>, ApiError> {
    match i.org_id.as_deref() {
        Some(id) => Ok(state.store.get_org(id).await?),
        None => Ok(None),
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvitationItemView {
    /// `credential`, `entry` or `document`.
    pub kind: &'static str,
    pub id: String,
}

/// An invitation, as the citizen sees it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvitationView {
    pub id: String,
    pub email: String,
    pub role: String,
    /// The link sent to the invited person.
    pub url: String,
    /// `pending` (not confirmed yet), `active`, `expired` or `revoked`.
    pub state: &'static str,
    pub message: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub confirmed_at: Option<DateTime<Utc>>,
    /// As the invited person gave it.
    pub invitee_name: Option<String>,
    /// The DID their endorsements are signed with.
    pub signer_did: Option<String>,
    /// The organisation the endorsement is asked of (certifiers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<InvitationOrg>,
    pub items: Vec<InvitationItemView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationList {
    pub items: Vec<InvitationView>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvitationAccess {
    pub at: DateTime<Utc>,
    /// `opened`, `code-sent`, `code-wrong`, `confirmed`, `read`,
    /// `document`, `suggested`, `commented`, `endorsed`,
    /// `endorsement-withdrawn`, `refused`.
    pub action: String,
    pub detail: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationAccessList {
    pub items: Vec<InvitationAccess>,
}

fn invitation_not_found() -> ApiError {
    ApiError::not_found("No such invitation.")
}

fn state_of(i: &InvitationRecord, now: DateTime<Utc>) -> &'static str {
    if i.revoked_at.is_some() {
        "revoked"
    } else if i.expires_at <= now {
        "expired"
    } else if i.confirmed_at.is_none() {
        "pending"
    } else {
        "active"
    }
}

fn token_aad(id: &str) -> Vec<u8> {
    format!("invitation:{id}").into_bytes()
}

fn signer_aad(id: &str) -> Vec<u8> {
    format!("invitation-signer:{id}").into_bytes()
}

fn sealer(
    state: &AppState,
    citizen: &atout_core::store::CitizenRecord,
) -> Result<MasterKey, ApiError> {
    let key = state
        .citizens
        .vault_key(citizen)
        .map_err(ApiError::internal)?;
    MasterKey::from_bytes(&key).map_err(ApiError::internal)
}

fn invitation_url(state: &AppState, token: &str) -> String {
    format!("{}/i/{token}", state.config.base())
}

fn view(
    state: &AppState,
    sealer: &MasterKey,
    i: InvitationRecord,
    items: Vec<ShareItem>,
    organisation: Option<InvitationOrg>,
) -> Result<InvitationView, ApiError> {
    let token = sealer
        .open(&i.token_sealed, &token_aad(&i.id))
        .map_err(ApiError::internal)?;
    let token = String::from_utf8(token.to_vec()).map_err(ApiError::internal)?;
    Ok(InvitationView {
        url: invitation_url(state, &token),
        state: state_of(&i, state.clock.now()),
        items: items
            .into_iter()
            .map(|item| InvitationItemView {
                kind: item.kind(),
                id: item.id().to_owned(),
            })
            .collect(),
        id: i.id,
        email: i.email,
        role: i.role,
        message: i.message,
        created_at: i.created_at,
        expires_at: i.expires_at,
        revoked_at: i.revoked_at,
        confirmed_at: i.confirmed_at,
        invitee_name: i.invitee_name,
        signer_did: i.signer_did,
        organisation,
    })
}

fn clean_text(field: &str, text: Option<&str>, max: usize) -> Result<Option<String>, ApiError> {
    let Some(text) = text else { return Ok(None) };
    let cleaned: String = text
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect::<String>()
        .trim()
        .to_owned();
    if cleaned.chars().count() > max {
        return Err(field_error(
            field,
            format!("{field}: at most {max} characters."),
        ));
    }
    Ok((!cleaned.is_empty()).then_some(cleaned))
}

fn mail(to: &str, kind: &str, subject: String, body: String, now: DateTime<Utc>) -> OutboxMessage {
    OutboxMessage {
        id: new_id(),
        recipient: to.to_owned(),
        subject,
        body,
        kind: kind.to_owned(),
        citizen_id: None,
        created_at: now,
        next_attempt_at: now,
        attempts: 0,
        sent_at: None,
        last_error: None,
        html: None,
        unsubscribe_url: None,
    }
}

/// Invite a person by email, with a role over chosen parts of your
/// portfolio. The link is mailed to them, and returned here.
#[utoipa::path(
    post, path = "/wallet/invitations", tag = "invitations",
    security(("bearer" = []), ("cookie" = [])),
    request_body = NewInvitation,
    responses(
        (status = 201, body = InvitationView),
        (status = 400, body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "Too many live invitations", content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "A field is invalid (`field`: `org` for an organisation the directory does not list, or named for another role than certifier), or an item is not yours (`item`)", content_type = "application/problem+json"),
    )
)]
async fn create_invitation(
    State(state): State<AppState>,
    citizen: Citizen,
    Json(new): Json<NewInvitation>,
) -> Result<Response, ApiError> {
    let now = state.clock.now();
    let email = normalise_email(&new.email)
        .map_err(|_| field_error("email", "email is not an email address."))?;
    let items = collect_items(
        &new.credentials,
        &new.entries,
        &new.documents,
        "An invitation covers",
    )?;
    if new.role == Role::Certifier && !items.iter().any(|i| matches!(i, ShareItem::Entry(_))) {
        return Err(field_error(
            "entries",
            "A certifier endorses entries: choose at least one.",
        ));
    }
    let expires_at = new.expires_at.unwrap_or(now + DEFAULT_LIFETIME);
    if expires_at <= now {
        return Err(field_error("expiresAt", "expiresAt is in the past."));
    }
    if expires_at > now + MAX_LIFETIME {
        return Err(field_error("expiresAt", "expiresAt: at most a year ahead."));
    }
    let message = clean_text("message", new.message.as_deref(), 500)?;
    let org = match new.org.as_deref() {
        None => None,
        Some(_) if new.role != Role::Certifier => {
            return Err(field_error(
                "org",
                "org: only an invitation to certify names an organisation.",
            ))
        }
        Some(slug) => {
            let directory =
                Directory::new(state.store.clone(), state.clock.clone(), state.orgs.clone());
            match directory.listed(slug.trim()).await {
                Ok(org) => Some(org),
                Err(DirectoryError::NotFound(_)) => {
                    return Err(field_error(
                        "org",
                        "org: no organisation of the directory has this identifier (GET /directory/organisations?q=...).",
                    ))
                }
                Err(DirectoryError::Store(e)) => return Err(e.into()),
                Err(DirectoryError::Org(e)) => return Err(e.into()),
                Err(e) => return Err(ApiError::internal(e)),
            }
        }
    };
    let id = new_id();
    let token = random_token(16).map_err(ApiError::internal)?;
    let sealer = sealer(&state, &citizen.record)?;
    let record = InvitationRecord {
        id: id.clone(),
        citizen_id: citizen.id().to_owned(),
        token_hash: sha256_hex(token.as_bytes()),
        token_sealed: sealer
            .seal(token.as_bytes(), &token_aad(&id))
            .map_err(ApiError::internal)?,
        role: new.role.as_str().to_owned(),
        email: email.clone(),
        message: message.clone(),
        created_at: now,
        expires_at,
        revoked_at: None,
        code_hash: None,
        code_expires_at: None,
        code_attempts: 0,
        confirmed_at: None,
        invitee_name: None,
        invitee_citizen_id: None,
        signer_did: None,
        signer_key_sealed: None,
        org_id: org.as_ref().map(|o| o.id.clone()),
    };
    match state
        .store
        .create_invitation(&record, &items, MAX_LIVE_INVITATIONS, now)
        .await?
    {
        CreateInvitation::Created => {}
        CreateInvitation::UnknownItem(item) => {
            return Err(ApiError::unprocessable(format!(
                "You have no {} with the id {:?}.",
                item.kind(),
                item.id()
            ))
            .with("item", item.id().to_owned()));
        }
        CreateInvitation::TooMany => {
            return Err(ApiError::conflict(format!(
                "You have {MAX_LIVE_INVITATIONS} live invitations, the most allowed: revoke some first."
            )));
        }
    }
    let url = invitation_url(&state, &token);
    let who = &citizen.record.display_name;
    let (role_fr, role_en) = match (new.role, &org) {
        (Role::Reader, _) => ("consulter".to_owned(), "read".to_owned()),
        (Role::Contributor, _) => (
            "commenter et compléter".to_owned(),
            "comment on and add to".to_owned(),
        ),
        (Role::Certifier, None) => ("recommander".to_owned(), "endorse".to_owned()),
        (Role::Certifier, Some(o)) => (
            format!("attester, au nom de {},", o.name_fr),
            format!("endorse, on behalf of {},", english_name(o)),
        ),
    };
    let body = format!(
        "{who} vous invite à {role_fr} une partie de son portfolio Atout.\n\
         {who} invites you to {role_en} part of their Atout portfolio.\n\n{}{}{url}\n\n\
         Ce lien expire le {} / This link expires on {}.\n",
        message
            .as_deref()
            .map(|m| format!("« {m} »\n\n"))
            .unwrap_or_default(),
        org.as_ref()
            .map(|o| format!(
                "Votre recommandation sera signée au nom de {} : il vous faudra une de ses clés d’API.\n\
                 Your endorsement will be signed on behalf of {}: you will need one of its API keys.\n\n",
                o.name_fr,
                english_name(o)
            ))
            .unwrap_or_default(),
        expires_at.format("%d/%m/%Y"),
        expires_at.format("%Y-%m-%d"),
    );
    state
        .store
        .enqueue_mail(&mail(
            &email,
            "invitation",
            format!("{who} vous invite sur Atout / invites you to Atout"),
            body,
            now,
        ))
        .await?;
    tracing::info!(citizen = %citizen.id(), invitation = %id, role = new.role.as_str(), "invitation created");
    let body = view(
        &state,
        &sealer,
        record,
        items,
        org.as_ref().map(InvitationOrg::of),
    )?;
    let location =
        HeaderValue::from_str(&format!("/wallet/invitations/{id}")).map_err(ApiError::internal)?;
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    response.headers_mut().insert(header::LOCATION, location);
    Ok(response)
}

/// Your invitations, newest first.
#[utoipa::path(
    get, path = "/wallet/invitations", tag = "invitations",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = InvitationList),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn list_invitations(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<Json<InvitationList>, ApiError> {
    let sealer = sealer(&state, &citizen.record)?;
    let mut items = Vec::new();
    let mut orgs: std::collections::HashMap<String, Option<InvitationOrg>> =
        std::collections::HashMap::new();
    for i in state.store.list_invitations(citizen.id()).await? {
        let scope = state.store.invitation_items(&i.id).await?;
        let organisation = match i.org_id.as_deref() {
            Some(id) => {
                if !orgs.contains_key(id) {
                    let found = org_of(&state, &i).await?.as_ref().map(InvitationOrg::of);
                    orgs.insert(id.to_owned(), found);
                }
                orgs.get(id).cloned().flatten()
            }
            None => None,
        };
        items.push(view(&state, &sealer, i, scope, organisation)?);
    }
    Ok(Json(InvitationList { items }))
}

/// One of your invitations.
#[utoipa::path(
    get, path = "/wallet/invitations/{id}", tag = "invitations",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The invitation id")),
    responses(
        (status = 200, body = InvitationView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn get_invitation(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<InvitationView>, ApiError> {
    let i = state
        .store
        .get_invitation(citizen.id(), &id)
        .await?
        .ok_or_else(invitation_not_found)?;
    let scope = state.store.invitation_items(&id).await?;
    let sealer = sealer(&state, &citizen.record)?;
    let organisation = org_of(&state, &i).await?.as_ref().map(InvitationOrg::of);
    Ok(Json(view(&state, &sealer, i, scope, organisation)?))
}

/// Revoke an invitation: its link and its sessions stop at once (`410`).
/// Endorsements already signed stay, until you hide them.
#[utoipa::path(
    delete, path = "/wallet/invitations/{id}", tag = "invitations",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The invitation id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn revoke_invitation(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state
        .store
        .revoke_invitation(citizen.id(), &id, state.clock.now())
        .await?
        .ok_or_else(invitation_not_found)?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every use of an invitation, newest first (the last 500).
#[utoipa::path(
    get, path = "/wallet/invitations/{id}/accesses", tag = "invitations",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The invitation id")),
    responses(
        (status = 200, body = InvitationAccessList),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn invitation_accesses(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<InvitationAccessList>, ApiError> {
    let lines = state
        .store
        .invitation_accesses(citizen.id(), &id, LOG_LIMIT)
        .await?
        .ok_or_else(invitation_not_found)?;
    Ok(Json(InvitationAccessList {
        items: lines
            .into_iter()
            .map(|a| InvitationAccess {
                at: a.at,
                action: a.action,
                detail: a.detail,
            })
            .collect(),
    }))
}

/// A contributor's comment or suggested entry.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SuggestionView {
    pub id: String,
    /// `comment` or `entry`.
    pub kind: String,
    pub author: String,
    pub invitation_id: Option<String>,
    /// For a comment: the entry it is about.
    pub entry_id: Option<String>,
    /// The comment's text (a string) or the suggested entry (an object).
    #[schema(value_type = Object)]
    pub body: Value,
    /// `pending`, `approved` or `rejected`.
    pub state: String,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The entry written when a suggested entry was approved.
    pub created_entry_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionList {
    pub items: Vec<SuggestionView>,
}

fn suggestion_view(s: SuggestionRecord) -> SuggestionView {
    SuggestionView {
        body: if s.kind == "entry" {
            serde_json::from_str(&s.body).unwrap_or(Value::Null)
        } else {
            Value::String(s.body)
        },
        id: s.id,
        kind: s.kind,
        author: s.author,
        invitation_id: s.invitation_id,
        entry_id: s.entry_id,
        state: s.state,
        created_at: s.created_at,
        decided_at: s.decided_at,
        created_entry_id: s.created_entry_id,
    }
}

/// Comments and suggested entries from your contributors, newest first.
#[utoipa::path(
    get, path = "/wallet/suggestions", tag = "invitations",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = SuggestionList),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn list_suggestions(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<Json<SuggestionList>, ApiError> {
    Ok(Json(SuggestionList {
        items: state
            .store
            .list_suggestions(citizen.id())
            .await?
            .into_iter()
            .map(suggestion_view)
            .collect(),
    }))
}

async fn decide(
    state: &AppState,
    citizen: &Citizen,
    id: &str,
    approve: bool,
) -> Result<Json<SuggestionView>, ApiError> {
    let now = state.clock.now();
    let current = state
        .store
        .list_suggestions(citizen.id())
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or_else(|| ApiError::not_found("No such suggestion."))?;
    // A suggested entry is checked again, like one the citizen writes.
    let entry = if approve && current.kind == "entry" {
        let new: NewEntry = serde_json::from_str(&current.body)
            .map_err(|e| ApiError::internal(format!("a stored suggestion: {e}")))?;
        let f = check_fields(
            new.kind,
            new.title,
            new.organisation,
            new.place,
            new.start_date,
            new.end_date,
            new.description,
            new.details,
            None,
        )?;
        Some(EntryRecord {
            id: new_id(),
            citizen_id: citizen.id().to_owned(),
            kind: new.kind.as_str().to_owned(),
            title: f.title,
            organisation: f.organisation,
            place: f.place,
            start_date: f.start_date,
            end_date: f.end_date,
            description: f.description,
            details: details_text(&f.details)?,
            holding_id: None,
            created_at: now,
            updated_at: now,
        })
    } else {
        None
    };
    match state
        .store
        .decide_suggestion(citizen.id(), id, approve, entry.as_ref(), now, MAX_ENTRIES)
        .await?
    {
        Decision::Done => {}
        Decision::NotFound => return Err(ApiError::not_found("No such suggestion.")),
        Decision::AlreadyDecided => {
            return Err(ApiError::conflict("This suggestion was decided already."))
        }
        Decision::TooManyEntries => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "too-many-entries",
                "Too many entries",
            )
            .detail(format!("You have {MAX_ENTRIES} entries, the most allowed.")))
        }
    }
    let decided = state
        .store
        .list_suggestions(citizen.id())
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or_else(|| ApiError::not_found("No such suggestion."))?;
    Ok(Json(suggestion_view(decided)))
}

/// Approve a suggestion: a suggested entry is written into your path
/// (declared, like one you write); a comment is marked read.
#[utoipa::path(
    post, path = "/wallet/suggestions/{id}/approve", tag = "invitations",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The suggestion id")),
    responses(
        (status = 200, body = SuggestionView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "Decided already", content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn approve_suggestion(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<SuggestionView>, ApiError> {
    decide(&state, &citizen, &id, true).await
}

/// Reject a suggestion.
#[utoipa::path(
    post, path = "/wallet/suggestions/{id}/reject", tag = "invitations",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The suggestion id")),
    responses(
        (status = 200, body = SuggestionView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "Decided already", content_type = "application/problem+json"),
    )
)]
async fn reject_suggestion(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<SuggestionView>, ApiError> {
    decide(&state, &citizen, &id, false).await
}

/// A peer endorsement.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EndorsementView {
    pub id: String,
    pub entry_id: String,
    pub author_name: String,
    pub author_did: String,
    pub comment: String,
    /// The signed Open Badges 3.0 EndorsementCredential, exactly as signed.
    #[schema(value_type = Object)]
    pub credential: Value,
    pub created_at: DateTime<Utc>,
    pub hidden: bool,
    pub revoked: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EndorsementList {
    pub items: Vec<EndorsementView>,
}

fn endorsement_view(e: EndorsementRecord) -> EndorsementView {
    EndorsementView {
        credential: serde_json::from_str(&e.credential).unwrap_or(Value::Null),
        hidden: e.hidden_at.is_some(),
        revoked: e.revoked_at.is_some(),
        id: e.id,
        entry_id: e.entry_id,
        author_name: e.author_name,
        author_did: e.author_did,
        comment: e.comment,
        created_at: e.created_at,
    }
}

/// The endorsements of one of your entries (hidden and withdrawn ones
/// too, marked).
#[utoipa::path(
    get, path = "/wallet/entries/{id}/endorsements", tag = "invitations",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The entry id")),
    responses(
        (status = 200, body = EndorsementList),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn entry_endorsements(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<EndorsementList>, ApiError> {
    state
        .store
        .get_entry(citizen.id(), &id)
        .await?
        .ok_or_else(|| ApiError::not_found("No such entry."))?;
    Ok(Json(EndorsementList {
        items: state
            .store
            .entry_endorsements(citizen.id(), &id)
            .await?
            .into_iter()
            .map(endorsement_view)
            .collect(),
    }))
}

async fn set_hidden(
    state: &AppState,
    citizen: &Citizen,
    id: &str,
    hidden: bool,
) -> Result<StatusCode, ApiError> {
    let at = hidden.then(|| state.clock.now());
    if state
        .store
        .set_endorsement_hidden(citizen.id(), id, at)
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("No such endorsement."))
    }
}

/// Hide an endorsement: it no longer counts for the entry's trust level
/// nor shows anywhere (it stays signed: its author may still show it).
#[utoipa::path(
    post, path = "/wallet/endorsements/{id}/hide", tag = "invitations",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The endorsement id")),
    responses(
        (status = 204, description = "Hidden"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn hide_endorsement(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    set_hidden(&state, &citizen, &id, true).await
}

/// Show a hidden endorsement again.
#[utoipa::path(
    post, path = "/wallet/endorsements/{id}/show", tag = "invitations",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "The endorsement id")),
    responses(
        (status = 204, description = "Shown"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn show_endorsement(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    set_hidden(&state, &citizen, &id, false).await
}

/// An endorsement a citizen signed for someone else.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GivenEndorsementView {
    pub id: String,
    /// Whose entry it endorses (their display name).
    pub owner_name: String,
    pub entry_title: String,
    pub comment: String,
    /// The signed Open Badges 3.0 EndorsementCredential, exactly as signed.
    #[schema(value_type = Object)]
    pub credential: Value,
    pub created_at: DateTime<Utc>,
    /// Withdrawn by its author.
    pub revoked: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GivenEndorsementList {
    pub items: Vec<GivenEndorsementView>,
}

/// The endorsements you signed for others as a certifier, with your
/// account's key (invitations confirmed logged in), newest first. To
/// withdraw one, use the invitation's link.
#[utoipa::path(
    get, path = "/wallet/endorsements/given", tag = "invitations",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = GivenEndorsementList),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn given_endorsements(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<Json<GivenEndorsementList>, ApiError> {
    let mut items = Vec::new();
    let mut names: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for e in state
        .store
        .endorsements_by_author(&citizen.record.holder_did)
        .await?
    {
        if !names.contains_key(&e.citizen_id) {
            let name = state
                .store
                .citizen_by_id(&e.citizen_id)
                .await?
                .map(|c| c.display_name)
                .unwrap_or_default();
            names.insert(e.citizen_id.clone(), name);
        }
        let entry_title = state
            .store
            .get_entry(&e.citizen_id, &e.entry_id)
            .await?
            .map(|x| x.title)
            .unwrap_or_default();
        items.push(GivenEndorsementView {
            owner_name: names.get(&e.citizen_id).cloned().unwrap_or_default(),
            entry_title,
            credential: serde_json::from_str(&e.credential).unwrap_or(Value::Null),
            revoked: e.revoked_at.is_some(),
            id: e.id,
            comment: e.comment,
            created_at: e.created_at,
        });
    }
    Ok(Json(GivenEndorsementList { items }))
}

// ----- the invited person's side -----------------------------------------

fn gone(kind: &'static str, title: &str, detail: &str) -> ApiError {
    ApiError::new(StatusCode::GONE, kind, title).detail(detail)
}

pub(crate) async fn log(
    state: &AppState,
    invitation_id: &str,
    action: &str,
    detail: Option<String>,
) {
    let access = InvitationAccessRecord {
        id: new_id(),
        invitation_id: invitation_id.to_owned(),
        at: state.clock.now(),
        action: action.to_owned(),
        detail,
    };
    if let Err(e) = state.store.record_invitation_access(&access).await {
        tracing::error!(invitation = %invitation_id, error = %e, "could not log an invitation's use");
    }
}

/// The live invitation a link names (unknown links count as guesses).
async fn by_link(
    state: &AppState,
    client: Option<std::net::IpAddr>,
    token: &str,
) -> Result<InvitationRecord, ApiError> {
    // Every opening counts against the address (a right link as a wrong
    // one): guessing links is slowed to the quota.
    if let Err(retry) = state.address_limits.check(Action::Link, client) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too-many-guesses",
            "Too many unknown links",
        )
        .detail("This address opened too many links: wait before trying again.")
        .retry_after(retry));
    }
    let found = if plausible_token(token) {
        state
            .store
            .invitation_by_token(&sha256_hex(token.as_bytes()))
            .await?
    } else {
        None
    };
    let Some(i) = found else {
        tracing::warn!(client = ?client, "an unknown invitation link was tried");
        return Err(ApiError::not_found("No such invitation: check the link."));
    };
    if i.revoked_at.is_some() {
        return Err(gone(
            "invitation-revoked",
            "Invitation revoked",
            "The person who invited you revoked this invitation.",
        ));
    }
    if i.expires_at <= state.clock.now() {
        return Err(gone(
            "invitation-expired",
            "Invitation expired",
            "This invitation has expired.",
        ));
    }
    Ok(i)
}

/// The invitation a session of *this* link opens, with the role needed.
pub(crate) async fn invited(
    state: &AppState,
    client: Option<std::net::IpAddr>,
    token: &str,
    headers: &HeaderMap,
    needs: Option<Role>,
) -> Result<InvitationRecord, ApiError> {
    let session = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .filter(|t| t.starts_with(SESSION_PREFIX) && t.len() < 100);
    let opened = match session {
        Some(session) => {
            state
                .store
                .invitation_for_session(&sha256_hex(session.as_bytes()), state.clock.now())
                .await?
        }
        None => None,
    };
    // The invited person's own use of their link (a live session of this
    // very link) is not a guess: it does not count against the address.
    let own = opened
        .as_ref()
        .is_some_and(|o| o.token_hash == sha256_hex(token.as_bytes()));
    let i = by_link(state, if own { None } else { client }, token).await?;
    if session.is_none() {
        return Err(ApiError::unauthorized(
            "Confirm your email first (POST /i/{token}/code, then /i/{token}/session), and send the session as `Authorization: Bearer ati_...`.",
        ));
    }
    match opened {
        Some(s) if s.id == i.id => {}
        _ => {
            return Err(ApiError::unauthorized(
                "This session does not open this invitation (expired, or another one's).",
            ))
        }
    }
    if let Some(role) = needs {
        if Role::parse(&i.role) != Some(role) {
            log(
                state,
                &i.id,
                "refused",
                Some(format!("needs the {} role", role.as_str())),
            )
            .await;
            return Err(ApiError::forbidden(format!(
                "This invitation gives the {} role; this needs the {} role.",
                i.role,
                role.as_str()
            )));
        }
    }
    Ok(i)
}

/// Who invites you, and for what.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Welcome {
    /// The citizen's display name.
    pub from: String,
    pub role: String,
    pub message: Option<String>,
    pub expires_at: DateTime<Utc>,
    /// The invited address, partly masked.
    pub email: String,
    pub confirmed: bool,
    /// The organisation the endorsement is asked of: the certifier signs
    /// for it, with one of its API keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<InvitationOrg>,
}

fn masked(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}…@{domain}")
        }
        None => "…".into(),
    }
}

/// What an invitation link is: who invites, with which role. Public (the
/// link is the secret).
#[utoipa::path(
    get, path = "/i/{token}", tag = "invitations",
    params(("token" = String, Path, description = "The invitation link's token")),
    responses(
        (status = 200, body = Welcome),
        (status = 303, description = "A browser (`Accept: text/html`): to the page `/invited/{token}`"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 410, body = ProblemBody, description = "Revoked or expired", content_type = "application/problem+json"),
        (status = 429, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn invitation_welcome(
    State(state): State<AppState>,
    atout_web::extract::ClientIp(client): atout_web::extract::ClientIp,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    // A person who opened the link in a browser goes to the invited
    // person's page for it (which answers 404 or 410 as this would).
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if wants_html && plausible_token(&token) {
        let mut response = StatusCode::SEE_OTHER.into_response();
        if let Ok(v) = HeaderValue::from_str(&format!("/invited/{token}")) {
            response.headers_mut().insert(header::LOCATION, v);
        }
        return Ok(response);
    }
    let i = by_link(&state, client, &token).await?;
    let citizen = state
        .store
        .citizen_by_id(&i.citizen_id)
        .await?
        .ok_or_else(|| ApiError::internal("an invitation without its citizen"))?;
    log(&state, &i.id, "opened", None).await;
    let organisation = org_of(&state, &i).await?.as_ref().map(InvitationOrg::of);
    Ok(Json(Welcome {
        organisation,
        from: citizen.display_name,
        role: i.role,
        message: i.message,
        expires_at: i.expires_at,
        email: masked(&i.email),
        confirmed: i.confirmed_at.is_some(),
    })
    .into_response())
}

/// Mail a confirmation code (six digits, valid 15 minutes) to the invited
/// address. At most one a minute.
#[utoipa::path(
    post, path = "/i/{token}/code", tag = "invitations",
    params(("token" = String, Path, description = "The invitation link's token")),
    responses(
        (status = 202, description = "Sent to the invited address"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 410, body = ProblemBody, content_type = "application/problem+json"),
        (status = 429, body = ProblemBody, description = "A code was sent less than a minute ago", content_type = "application/problem+json"),
    )
)]
async fn send_code(
    State(state): State<AppState>,
    atout_web::extract::ClientIp(client): atout_web::extract::ClientIp,
    Path(token): Path<String>,
) -> Result<StatusCode, ApiError> {
    let i = by_link(&state, client, &token).await?;
    let now = state.clock.now();
    // One code a minute per invitation, reserved in one conditional write
    // (two concurrent requests: one mail).
    let limit = AttemptLimit {
        scope: "invitation-code-mail",
        max: 1,
        window: CODE_RESEND_AFTER,
    };
    if let Attempt::Refused { retry_after_secs } =
        state.store.reserve_attempt(limit, &i.id, now).await?
    {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "code-sent-recently",
            "A code was sent recently",
        )
        .detail(
            "A code was sent less than a minute ago: check your mail, or ask again in a minute.",
        )
        .retry_after(retry_after_secs));
    }
    let bytes = random_bytes(4).map_err(ApiError::internal)?;
    let code = format!(
        "{:06}",
        u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) % 1_000_000
    );
    state
        .store
        .set_invitation_code(&i.id, &code_hash(&i.id, &code), now + CODE_TTL)
        .await?;
    state
        .store
        .enqueue_mail(&mail(
            &i.email,
            "invitation-code",
            format!("Atout : votre code {code} / your code {code}"),
            format!(
                "Votre code de confirmation / Your confirmation code: code={code}\n\n\
                 Il expire dans 15 minutes / It expires in 15 minutes.\n"
            ),
            now,
        ))
        .await?;
    log(&state, &i.id, "code-sent", None).await;
    Ok(StatusCode::ACCEPTED)
}

fn code_hash(invitation_id: &str, code: &str) -> String {
    sha256_hex(format!("{invitation_id}:{code}").as_bytes())
}

/// Opening a session of an invitation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionRequest {
    /// The code mailed to the invited address (not needed when you call
    /// logged in with that address, verified).
    pub code: Option<String>,
    /// Your name, as the citizen and your endorsements will show it (1 to
    /// 120 characters).
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvitedSession {
    /// `ati_...`: send it as `Authorization: Bearer` to this link's routes.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub role: String,
    /// The DID your endorsements are signed with (certifiers).
    pub signer_did: Option<String>,
}

/// Confirm your email and open a session: with the mailed code, or by
/// calling logged in with the invited address (verified).
#[utoipa::path(
    post, path = "/i/{token}/session", tag = "invitations",
    params(("token" = String, Path, description = "The invitation link's token")),
    request_body = SessionRequest,
    responses(
        (status = 201, body = InvitedSession),
        (status = 403, body = ProblemBody, description = "Wrong or expired code", content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 410, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
        (status = 429, body = ProblemBody, description = "Too many wrong codes: ask for a new one", content_type = "application/problem+json"),
    )
)]
async fn open_session(
    State(state): State<AppState>,
    atout_web::extract::ClientIp(client): atout_web::extract::ClientIp,
    Path(token): Path<String>,
    // An organisation's or the admin's token is no citizen: ignored here.
    citizen: Result<atout_web::auth::MaybeCitizen, ApiError>,
    Json(body): Json<SessionRequest>,
) -> Result<Response, ApiError> {
    let i = by_link(&state, client, &token).await?;
    let now = state.clock.now();
    let name = clean_text("name", Some(&body.name), 120)?
        .ok_or_else(|| field_error("name", "name: 1 to 120 characters."))?;
    // Logged in with the invited address (verified): no code needed.
    let account = citizen
        .ok()
        .and_then(|c| c.0)
        .filter(|c| c.record.email == i.email && c.record.email_verified_at.is_some());
    if account.is_none() {
        let Some(code) = body.code.as_deref() else {
            return Err(field_error(
                "code",
                "code: the code mailed to the invited address (POST /i/{token}/code).",
            ));
        };
        // The check is counted before the code is compared, in one
        // conditional write: at most CODE_MAX_ATTEMPTS comparisons per
        // code, however many requests arrive at once.
        let Some(n) = state
            .store
            .reserve_invitation_code_attempt(&i.id, CODE_MAX_ATTEMPTS, now)
            .await?
        else {
            log(&state, &i.id, "code-locked", None).await;
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "code-expired",
                "No live code",
            )
            .detail("The code expired or was tried too often: ask for a new one.")
            .retry_after(CODE_RESEND_AFTER.num_seconds() as u64));
        };
        let right = code.len() == 6 && i.code_hash.as_deref() == Some(&code_hash(&i.id, code));
        if !right {
            log(&state, &i.id, "code-wrong", None).await;
            return Err(ApiError::forbidden("Wrong code.")
                .with("attemptsLeft", (CODE_MAX_ATTEMPTS - n).max(0)));
        }
    }
    // A certifier signs with their account's key, else with a key made
    // for this invitation.
    let role = Role::parse(&i.role);
    let mut signer: Option<(String, Vec<u8>)> = None;
    if role == Some(Role::Certifier) && i.signer_did.is_none() {
        match &account {
            Some(c) => {
                signer = Some((c.record.holder_did.clone(), Vec::new()));
            }
            None => {
                let key =
                    PrivateKey::generate(KeyAlgorithm::Ed25519).map_err(ApiError::internal)?;
                let sealed = state
                    .token_key
                    .seal(key.pkcs8_der(), &signer_aad(&i.id))
                    .map_err(ApiError::internal)?;
                signer = Some((did_key(&key), sealed));
            }
        }
    }
    let session = format!(
        "{SESSION_PREFIX}{}",
        random_token(32).map_err(ApiError::internal)?
    );
    let expires_at = (now + SESSION_TTL).min(i.expires_at);
    state
        .store
        .confirm_invitation(
            &i.id,
            now,
            &name,
            account.as_ref().map(|c| c.record.id.as_str()),
            signer
                .as_ref()
                .map(|(did, key)| (did.as_str(), key.as_slice())),
            &sha256_hex(session.as_bytes()),
            expires_at,
        )
        .await?;
    if i.confirmed_at.is_none() {
        // The first confirmation: the owner is told (issue 19).
        let notice = atout_core::notify::Notice::citizen(
            &i.citizen_id,
            atout_core::notify::Kind::InvitationAccepted,
            json!({"name": name, "role": i.role}),
        )
        .link(format!("/me/invitations/{}", i.id))
        .dedupe(format!("invitation-accepted:{}", i.id));
        atout_core::notify::notify(state.store.as_ref(), now, vec![notice]).await;
    }
    log(&state, &i.id, "confirmed", Some(name)).await;
    let signer_did = signer.map(|(did, _)| did).or(i.signer_did);
    Ok((
        StatusCode::CREATED,
        Json(InvitedSession {
            token: session,
            expires_at,
            role: i.role,
            signer_did,
        }),
    )
        .into_response())
}

/// What an invitation covers, as the invited person sees it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvitedPortfolio {
    pub from: String,
    pub role: String,
    /// The entries, with their trust level.
    #[schema(value_type = Vec<Object>)]
    pub entries: Vec<Value>,
    /// The credentials, exactly as held (JSON, or a compact JWT string).
    #[schema(value_type = Vec<Object>)]
    pub credentials: Vec<Value>,
    #[schema(value_type = Vec<Object>)]
    pub documents: Vec<Value>,
    /// The organisation the endorsement is asked of (certifiers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<InvitationOrg>,
}

/// What the invitation lets you see (any role).
#[utoipa::path(
    get, path = "/i/{token}/portfolio", tag = "invitations",
    security(("bearer" = [])),
    params(("token" = String, Path, description = "The invitation link's token")),
    responses(
        (status = 200, body = InvitedPortfolio),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 410, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn invited_portfolio(
    State(state): State<AppState>,
    atout_web::extract::ClientIp(client): atout_web::extract::ClientIp,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Json<InvitedPortfolio>, ApiError> {
    let i = invited(&state, client, &token, &headers, None).await?;
    let items = state.store.invitation_items(&i.id).await?;
    let owner = state
        .store
        .citizen_by_id(&i.citizen_id)
        .await?
        .ok_or_else(|| ApiError::internal("an invitation without its citizen"))?;
    let entry_ids: HashSet<&str> = items
        .iter()
        .filter_map(|x| match x {
            ShareItem::Entry(id) => Some(id.as_str()),
            _ => None,
        })
        .collect();
    let holding_ids: Vec<String> = items
        .iter()
        .filter_map(|x| match x {
            ShareItem::Holding(id) => Some(id.clone()),
            _ => None,
        })
        .collect();
    let document_ids: HashSet<&str> = items
        .iter()
        .filter_map(|x| match x {
            ShareItem::Document(id) => Some(id.as_str()),
            _ => None,
        })
        .collect();
    let entries: Vec<_> = state
        .store
        .list_entries(&owner.id, None)
        .await?
        .into_iter()
        .filter(|e| entry_ids.contains(e.id.as_str()))
        .collect();
    let entries = views(&state, &owner.id, entries)
        .await?
        .into_iter()
        .map(|e| serde_json::to_value(e).unwrap_or_default())
        .collect();
    let credentials = state
        .store
        .holdings_by_ids(&owner.id, &holding_ids)
        .await?
        .into_iter()
        .map(|h| serde_json::from_str(&h.body).unwrap_or(Value::String(h.body)))
        .collect();
    let documents = state
        .store
        .list_documents(&owner.id)
        .await?
        .into_iter()
        .filter(|d| document_ids.contains(d.id.as_str()))
        .map(|d| {
            json!({"id": d.id, "name": d.name, "contentType": d.content_type, "size": d.size,
                   "sha256": d.sha256, "href": format!("/i/{token}/documents/{}", d.id)})
        })
        .collect();
    log(&state, &i.id, "read", None).await;
    let organisation = org_of(&state, &i).await?.as_ref().map(InvitationOrg::of);
    Ok(Json(InvitedPortfolio {
        organisation,
        from: owner.display_name,
        role: i.role,
        entries,
        credentials,
        documents,
    }))
}

/// A document the invitation covers.
#[utoipa::path(
    get, path = "/i/{token}/documents/{id}", tag = "invitations",
    security(("bearer" = [])),
    params(
        ("token" = String, Path, description = "The invitation link's token"),
        ("id" = String, Path, description = "The document id"),
    ),
    responses(
        (status = 200, description = "The document, as an attachment", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 410, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn invited_document(
    State(state): State<AppState>,
    atout_web::extract::ClientIp(client): atout_web::extract::ClientIp,
    Path((token, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let i = invited(&state, client, &token, &headers, None).await?;
    let items = state.store.invitation_items(&i.id).await?;
    if !items.contains(&ShareItem::Document(id.clone())) {
        return Err(ApiError::not_found("No such document in this invitation."));
    }
    let owner = state
        .store
        .citizen_by_id(&i.citizen_id)
        .await?
        .ok_or_else(|| ApiError::internal("an invitation without its citizen"))?;
    let record = state
        .store
        .get_document(&owner.id, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("No such document in this invitation."))?;
    log(&state, &i.id, "document", Some(record.name.clone())).await;
    atout_web::download::document(&state, &owner, &record).await
}

/// A contributor's comment or suggested entry.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", tag = "kind")]
pub enum NewSuggestion {
    /// A comment on an entry the invitation covers.
    #[serde(rename = "comment")]
    Comment {
        #[serde(rename = "entryId")]
        entry_id: String,
        /// 1 to 2000 characters.
        text: String,
    },
    /// An entry to add to the citizen's path, if they approve it.
    #[serde(rename = "entry")]
    Entry { entry: Box<NewEntry> },
}

/// Comment on an entry, or suggest one (contributors).
#[utoipa::path(
    post, path = "/i/{token}/suggestions", tag = "invitations",
    security(("bearer" = [])),
    params(("token" = String, Path, description = "The invitation link's token")),
    request_body = NewSuggestion,
    responses(
        (status = 201, body = SuggestionView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, description = "Not a contributor, or an entry the invitation does not cover", content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 410, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn suggest(
    State(state): State<AppState>,
    atout_web::extract::ClientIp(client): atout_web::extract::ClientIp,
    Path(token): Path<String>,
    headers: HeaderMap,
    request: axum::extract::Request,
) -> Result<Response, ApiError> {
    let i = invited(&state, client, &token, &headers, Some(Role::Contributor)).await?;
    // The body is read once the caller is known to be let in.
    let Json(body) = Json::<NewSuggestion>::from_request(request, &state).await?;
    let now = state.clock.now();
    let (kind, entry_id, text) = match body {
        NewSuggestion::Comment { entry_id, text } => {
            let items = state.store.invitation_items(&i.id).await?;
            if !items.contains(&ShareItem::Entry(entry_id.clone())) {
                return Err(ApiError::forbidden(
                    "This invitation does not cover that entry.",
                ));
            }
            let text = clean_text("text", Some(&text), MAX_COMMENT)?
                .ok_or_else(|| field_error("text", "text: 1 to 2000 characters."))?;
            ("comment", Some(entry_id), text)
        }
        NewSuggestion::Entry { entry } => {
            let entry = *entry;
            if entry.holding_id.is_some() {
                return Err(field_error(
                    "holdingId",
                    "A suggested entry cannot cite a credential.",
                ));
            }
            // Checked now (and again when approved).
            check_fields(
                entry.kind,
                entry.title.clone(),
                entry.organisation.clone(),
                entry.place.clone(),
                entry.start_date.clone(),
                entry.end_date.clone(),
                entry.description.clone(),
                entry.details.clone(),
                None,
            )?;
            let value = serde_json::to_string(&entry).map_err(ApiError::internal)?;
            ("entry", None, value)
        }
    };
    let record = SuggestionRecord {
        id: new_id(),
        citizen_id: i.citizen_id.clone(),
        invitation_id: Some(i.id.clone()),
        author: format!(
            "{} <{}>",
            i.invitee_name.clone().unwrap_or_default(),
            i.email
        ),
        kind: kind.to_owned(),
        entry_id,
        body: text,
        state: "pending".into(),
        created_at: now,
        decided_at: None,
        created_entry_id: None,
    };
    state.store.insert_suggestion(&record).await?;
    let notice = atout_core::notify::Notice::citizen(
        &i.citizen_id,
        atout_core::notify::Kind::SuggestionReceived,
        json!({"name": i.invitee_name, "suggestion": kind}),
    )
    .link("/me/invitations");
    atout_core::notify::notify(state.store.as_ref(), now, vec![notice]).await;
    log(
        &state,
        &i.id,
        if kind == "comment" {
            "commented"
        } else {
            "suggested"
        },
        None,
    )
    .await;
    Ok((StatusCode::CREATED, Json(suggestion_view(record))).into_response())
}

/// Endorsing an entry.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewEndorsement {
    /// An entry the invitation covers.
    pub entry_id: String,
    /// What you vouch for (1 to 2000 characters).
    pub comment: String,
}

/// The key a certifier signs with: their account's holder key, or the
/// invitation's own.
fn signing_key(state: &AppState, i: &InvitationRecord) -> Result<(String, PrivateKey), ApiError> {
    let did = i
        .signer_did
        .clone()
        .ok_or_else(|| ApiError::internal("a certifier without a signing key"))?;
    match &i.signer_key_sealed {
        Some(sealed) if !sealed.is_empty() => {
            let pkcs8 = state
                .token_key
                .open(sealed, &signer_aad(&i.id))
                .map_err(ApiError::internal)?;
            let key = PrivateKey::from_pkcs8(KeyAlgorithm::Ed25519, &pkcs8)
                .map_err(ApiError::internal)?;
            Ok((did, key))
        }
        _ => Err(ApiError::internal("no sealed key")),
    }
}

/// Endorse an entry the invitation covers (certifiers): an Open Badges 3.0
/// `EndorsementCredential`, signed with your key (`eddsa-rdfc-2022`), or
/// with your organisation's DID when you send one of its API keys as
/// `X-Org-Authorization: Bearer atout_...`; attached to the entry, whose
/// trust level becomes *endorsed*. When the invitation names an
/// organisation (`organisation`), the endorsement must be signed for it:
/// without one of its API keys, or with another organisation's, `403`
/// (`organisation-key-required`, `organisation-key-mismatch`).
#[utoipa::path(
    post, path = "/i/{token}/endorsements", tag = "invitations",
    security(("bearer" = [])),
    params(("token" = String, Path, description = "The invitation link's token")),
    request_body = NewEndorsement,
    responses(
        (status = 201, body = EndorsementView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, description = "Not a certifier, an entry you are not invited to certify, or the invitation's organisation's key missing (`organisation-key-required`) or another's (`organisation-key-mismatch`); `org` names the organisation", content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 410, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn endorse(
    State(state): State<AppState>,
    atout_web::extract::ClientIp(client): atout_web::extract::ClientIp,
    Path(token): Path<String>,
    headers: HeaderMap,
    request: axum::extract::Request,
) -> Result<Response, ApiError> {
    let i = invited(&state, client, &token, &headers, Some(Role::Certifier)).await?;
    // Acting for an organisation: its DID and Ed25519 key, on the strength
    // of one of its API keys (`X-Org-Authorization: Bearer atout_...`).
    // An invitation naming an organisation needs a key of that one.
    let acting = acting_for(&state, &headers).await?;
    if let Some(wanted) = org_of(&state, &i).await? {
        let refusal = match &acting {
            None => Some((
                "organisation-key-required",
                "Organisation's key required",
                format!(
                    "This invitation asks for an endorsement on behalf of {} ({}): send one of its API keys as `{ORG_HEADER}: Bearer atout_...`.",
                    english_name(&wanted), wanted.slug
                ),
            )),
            Some((org, _)) if org.id != wanted.id => Some((
                "organisation-key-mismatch",
                "Another organisation's key",
                format!(
                    "This key is {}'s; this invitation asks for an endorsement on behalf of {} ({}): send one of its API keys.",
                    org.slug, english_name(&wanted), wanted.slug
                ),
            )),
            Some(_) => None,
        };
        if let Some((kind, title, detail)) = refusal {
            log(
                &state,
                &i.id,
                "refused",
                Some(format!("needs an API key of {}", wanted.slug)),
            )
            .await;
            return Err(ApiError::new(StatusCode::FORBIDDEN, kind, title)
                .detail(detail)
                .with("org", wanted.slug));
        }
    }
    // The body is read once the caller is known to be let in.
    let Json(body) = Json::<NewEndorsement>::from_request(request, &state).await?;
    let items = state.store.invitation_items(&i.id).await?;
    if !items.contains(&ShareItem::Entry(body.entry_id.clone())) {
        log(
            &state,
            &i.id,
            "refused",
            Some("an entry not covered".into()),
        )
        .await;
        return Err(ApiError::forbidden(
            "You are not invited to certify that entry.",
        ));
    }
    let comment = clean_text("comment", Some(&body.comment), MAX_COMMENT)?
        .ok_or_else(|| field_error("comment", "comment: 1 to 2000 characters."))?;
    let entry = state
        .store
        .get_entry(&i.citizen_id, &body.entry_id)
        .await?
        .ok_or_else(|| ApiError::not_found("No such entry."))?;
    let now = state.clock.now();
    let id = new_id();
    if let Some(org) = acting {
        let (org, api_key) = org;
        let signing = state
            .orgs
            .org_signing_key(&org.slug, KeyAlgorithm::Ed25519)
            .await?;
        let did = state.orgs.did_of(&org);
        let audit = atout_core::audit::Actor::api_key(&api_key.id, None).entry(
            now,
            Some(&org.id),
            atout_core::audit::action::ENDORSEMENT_SIGNED,
            format!("endorsement:{id}"),
            Some(json!({"invitation": i.id, "signedBy": i.invitee_name})),
        );
        let record = sign_endorsement(
            &state,
            &i,
            &entry,
            EndorsementSigner {
                id: id.clone(),
                did,
                method: signing.verification_method.clone(),
                name: org.name_fr.clone(),
                key: &signing.key,
            },
            comment,
            now,
        )
        .await?;
        state.store.append_audit(&audit).await?;
        endorsed(&state, &i, &entry, &org.name_fr, now).await;
        return Ok((StatusCode::CREATED, Json(endorsement_view(record))).into_response());
    }
    // Confirmed from an account: its holder key (one DID for all its
    // owner endorses; the session was opened by that account). Otherwise
    // the key made for this invitation.
    let (did, key) = match i.signer_key_sealed.as_deref() {
        Some(sealed) if !sealed.is_empty() => signing_key(&state, &i)?,
        _ => {
            let account = i
                .invitee_citizen_id
                .as_deref()
                .ok_or_else(|| ApiError::internal("a certifier without a key"))?;
            let record = state.store.citizen_by_id(account).await?.ok_or_else(|| {
                ApiError::unauthorized("The account that accepted this invitation is gone.")
            })?;
            let key = state
                .citizens
                .holder_key(&record)
                .map_err(ApiError::internal)?;
            (record.holder_did.clone(), key)
        }
    };
    let method = atout_vc::presentation::did_key_method(&did);
    let record = sign_endorsement(
        &state,
        &i,
        &entry,
        EndorsementSigner {
            id,
            did,
            method,
            name: i.invitee_name.clone().unwrap_or_default(),
            key: &key,
        },
        comment,
        now,
    )
    .await?;
    endorsed(
        &state,
        &i,
        &entry,
        i.invitee_name.as_deref().unwrap_or_default(),
        now,
    )
    .await;
    Ok((StatusCode::CREATED, Json(endorsement_view(record))).into_response())
}

/// Tells the owner of an entry that it was endorsed (issue 19).
async fn endorsed(
    state: &AppState,
    i: &InvitationRecord,
    entry: &atout_core::store::EntryRecord,
    by: &str,
    now: DateTime<Utc>,
) {
    let notice = atout_core::notify::Notice::citizen(
        &i.citizen_id,
        atout_core::notify::Kind::EndorsementReceived,
        json!({"name": by, "entry": entry.title}),
    )
    .link(format!("/me/entries/{}", entry.id));
    atout_core::notify::notify(state.store.as_ref(), now, vec![notice]).await;
}

/// Who signs an endorsement.
struct EndorsementSigner<'a> {
    id: String,
    did: String,
    method: String,
    name: String,
    key: &'a PrivateKey,
}

/// The organisation a certifier acts for, from `X-Org-Authorization`.
async fn acting_for(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<
    Option<(
        atout_core::store::Organisation,
        atout_core::store::ApiKeyRecord,
    )>,
    ApiError,
> {
    let Some(value) = headers.get(ORG_HEADER) else {
        return Ok(None);
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() < 200)
        .ok_or_else(|| {
            invalid_org_key(format!(
                "`{ORG_HEADER}` is `Bearer <an API key of your organisation>`."
            ))
        })?;
    state
        .orgs
        .authenticate(token)
        .await?
        .map(Some)
        .ok_or_else(|| {
            invalid_org_key(format!(
                "The organisation's key in `{ORG_HEADER}` is not valid or was revoked."
            ))
        })
}

/// A 401 about the organisation's key (not the invited person's session,
/// which stays open).
fn invalid_org_key(detail: String) -> ApiError {
    let mut e = ApiError::unauthorized(detail);
    e.kind = "organisation-key-invalid";
    e
}

/// Signs and stores an endorsement of `entry`.
async fn sign_endorsement(
    state: &AppState,
    i: &InvitationRecord,
    entry: &EntryRecord,
    signer: EndorsementSigner<'_>,
    comment: String,
    now: DateTime<Utc>,
) -> Result<EndorsementRecord, ApiError> {
    let credential = json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            atout_vc::contexts::OB_V3_0_3,
        ],
        "id": format!("urn:uuid:{}", signer.id),
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": format!("Recommandation : {}", entry.title),
        "issuer": {"id": signer.did, "type": ["Profile"], "name": signer.name},
        "validFrom": now.to_rfc3339_opts(SecondsFormat::Secs, true),
        "credentialSubject": {
            "id": format!("urn:uuid:{}", entry.id),
            "type": ["EndorsementSubject"],
            "endorsementComment": comment,
        },
    });
    let Value::Object(credential) = credential else {
        return Err(ApiError::internal("not an object"));
    };
    let signed = atout_vc::data_integrity::sign_credential(
        &state.vc.engine,
        &credential,
        atout_vc::data_integrity::Cryptosuite::EddsaRdfc2022,
        &signer.method,
        signer.key,
        now,
    )
    .map_err(ApiError::internal)?;
    let record = EndorsementRecord {
        id: signer.id.clone(),
        citizen_id: i.citizen_id.clone(),
        entry_id: entry.id.clone(),
        invitation_id: Some(i.id.clone()),
        author_did: signer.did,
        author_name: signer.name,
        comment,
        credential: signed,
        created_at: now,
        hidden_at: None,
        revoked_at: None,
    };
    state.store.insert_endorsement(&record).await?;
    log(state, &i.id, "endorsed", Some(entry.title.clone())).await;
    tracing::info!(invitation = %i.id, endorsement = %record.id, "entry endorsed");
    Ok(record)
}

/// Your endorsements through this invitation (certifiers).
#[utoipa::path(
    get, path = "/i/{token}/endorsements", tag = "invitations",
    security(("bearer" = [])),
    params(("token" = String, Path, description = "The invitation link's token")),
    responses(
        (status = 200, body = EndorsementList),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 410, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn list_own_endorsements(
    State(state): State<AppState>,
    atout_web::extract::ClientIp(client): atout_web::extract::ClientIp,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Json<EndorsementList>, ApiError> {
    let i = invited(&state, client, &token, &headers, Some(Role::Certifier)).await?;
    Ok(Json(EndorsementList {
        items: state
            .store
            .invitation_endorsements(&i.id)
            .await?
            .into_iter()
            .map(endorsement_view)
            .collect(),
    }))
}

/// Withdraw one of your endorsements (certifiers): it no longer counts
/// nor shows in the citizen's wallet.
#[utoipa::path(
    delete, path = "/i/{token}/endorsements/{id}", tag = "invitations",
    security(("bearer" = [])),
    params(
        ("token" = String, Path, description = "The invitation link's token"),
        ("id" = String, Path, description = "The endorsement id"),
    ),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 410, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn withdraw_endorsement(
    State(state): State<AppState>,
    atout_web::extract::ClientIp(client): atout_web::extract::ClientIp,
    Path((token, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let i = invited(&state, client, &token, &headers, Some(Role::Certifier)).await?;
    let withdrawn = state
        .store
        .revoke_endorsement(&i.id, &id, state.clock.now())
        .await?
        .ok_or_else(|| ApiError::not_found("No such endorsement of yours."))?;
    if withdrawn {
        log(&state, &i.id, "endorsement-withdrawn", None).await;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_masked() {
        assert_eq!(masked("camille@example.org"), "c…@example.org");
        assert_eq!(masked("nope"), "…");
    }

    #[test]
    fn roles_round_trip() {
        for r in [Role::Reader, Role::Contributor, Role::Certifier] {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("admin"), None);
    }
}
