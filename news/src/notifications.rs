//! Notifications that reach people (issue 19): the in-app list with its
//! unread count, mail preferences, the one-click unsubscribe (RFC 8058), and
//! the worker that mails what is pending through the outbox, in the
//! recipient's language, with a plain-text part and an HTML part.
//!
//! | route | caller |
//! |---|---|
//! | `GET /wallet/notifications`, `POST /wallet/notifications/read` | the citizen |
//! | `GET`, `PUT /wallet/notifications/preferences` | the citizen |
//! | `GET /orgs/{slug}/notifications`, `POST /orgs/{slug}/notifications/read` | the organisation (its API key) or the admin |
//! | `PUT /orgs/{slug}/notifications/email` | the organisation (its API key) or the admin |
//! | `POST /unsubscribe/{token}` | anyone holding the link of a mail |
//!
//! Notices are written by the code that causes them
//! ([`atout_core::notify`], after its change is committed). The worker
//! ([`mail_pending_once`], every 30 seconds in `atout serve`) claims pending
//! ones and turns each into a mail, or marks it skipped when its recipient
//! does not want it mailed (a kind turned off, an address not verified, an
//! organisation without a notification address). Shares and CVs opened
//! are grouped: at most one mail a day per citizen, listing every opening
//! since the last one. [`sweep_once`] (hourly) writes the notices nobody
//! causes: credentials about to expire, offers that expired unaccepted.

use atout_core::{
    ids::new_id,
    notify::{self, Kind, Notice, Unsubscribe},
    store::{
        CitizenMailSettings, NewAuditEntry, NoticeOwner, NotificationRecord, Organisation,
        OutboxMessage,
    },
};
use atout_web::{
    auth::{Citizen, OrgMember},
    extract::ClientIp,
    i18n::{format_date, Arg, Lang, Tr},
    limits::{check_api, Action},
    problem::ProblemBody,
    ApiError, AppState, Json, Path, Query,
};
use axum::{
    body::Bytes,
    extract::State,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Duration, NaiveTime, TimeZone as _, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_mine))
        .routes(routes!(read_mine))
        .routes(routes!(get_preferences, put_preferences))
        .routes(routes!(list_org))
        .routes(routes!(read_org))
        .routes(routes!(put_org_email))
        .routes(routes!(unsubscribe))
}

/// The most notifications a page lists.
pub const MAX_PAGE_SIZE: i64 = 100;
/// The most ids one "mark read" names.
pub const MAX_READ_IDS: usize = 200;
/// The unread count stops at this (the menu shows "99+").
pub const UNREAD_CAP: i64 = 100;
/// How long before its end a held credential is announced.
pub const EXPIRING_WITHIN_DAYS: i64 = 30;
/// Notifications older than this are deleted by the sweep.
pub const KEEP_DAYS: i64 = 400;

// ---------------------------------------------------------------------
// Texts.

/// A value of a notice's params as text ("" when missing).
fn param(params: &Value, key: &str) -> String {
    match params.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// A value that comes in two languages (`keyFr`/`keyEn`, or a `{fr, en}`
/// object, or one `key`): the reader's, else the other.
fn pair(params: &Value, key: &str, lang: Lang) -> String {
    let fr = param(params, &format!("{key}Fr"));
    let en = param(params, &format!("{key}En"));
    let (mine, other) = match lang {
        Lang::Fr => (fr, en),
        Lang::En => (en, fr),
    };
    if !mine.is_empty() {
        return mine;
    }
    if let Some(Value::Object(map)) = params.get(key) {
        let get = |l: &str| {
            map.get(l)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let (a, b) = (get(lang.code()), get(lang.other().code()));
        return if a.is_empty() { b } else { a };
    }
    let one = param(params, key);
    if one.is_empty() {
        other
    } else {
        one
    }
}

/// A date of the params (RFC 3339), as people in Paris read it.
fn param_date(params: &Value, key: &str, lang: Lang, with_time: bool) -> String {
    params
        .get(key)
        .and_then(Value::as_str)
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| paris_date(lang, t.with_timezone(&Utc), with_time))
        .unwrap_or_default()
}

/// "15 janvier 2026" / "15 January 2026", with "à 14:05" / "at 14:05"
/// (Paris time) when asked.
pub fn paris_date(lang: Lang, at: DateTime<Utc>, with_time: bool) -> String {
    let local = atout_web::paris::local(at);
    let day = Utc.from_utc_datetime(&local.date().and_time(NaiveTime::MIN));
    let date = format_date(lang, day);
    if !with_time {
        return date;
    }
    let time = local.format("%H:%M");
    match lang {
        Lang::Fr => format!("{date} à {time}"),
        Lang::En => format!("{date} at {time}"),
    }
}

/// The name of a kind for people (preferences, unsubscribe page).
pub fn kind_label(tr: &Tr, kind: Kind) -> String {
    tr.get(&format!("ntf-kind-{}", kind.as_str()))
}

/// What a notice says, in one or two sentences, in `lang`.
pub fn text(lang: Lang, kind: &str, params: &Value) -> String {
    let tr = lang.tr();
    let Some(k) = Kind::parse(kind) else {
        return tr.get("ntf-text-unknown");
    };
    let title = pair(params, "title", lang);
    let org = pair(params, "org", lang);
    let name = param(params, "name");
    let entry = param(params, "entry");
    let mut args: Vec<(&str, Arg<'_>)> = vec![
        ("title", Arg::Owned(title)),
        ("org", Arg::Owned(org)),
        ("name", Arg::Owned(name)),
        ("entry", Arg::Owned(entry)),
        ("label", Arg::Owned(param(params, "label"))),
        ("email", Arg::Owned(param(params, "email"))),
    ];
    let key = match k {
        Kind::CredentialExpiring => {
            args.push((
                "date",
                Arg::Owned(param_date(params, "validUntil", lang, false)),
            ));
            "ntf-text-credential-expiring".to_owned()
        }
        Kind::RequestDecided => {
            if param(params, "decision") == "approved" {
                "ntf-text-request-decided-approved".to_owned()
            } else {
                "ntf-text-request-decided-rejected".to_owned()
            }
        }
        Kind::SuggestionReceived => {
            if param(params, "suggestion") == "entry" {
                "ntf-text-suggestion-received-entry".to_owned()
            } else {
                "ntf-text-suggestion-received-comment".to_owned()
            }
        }
        Kind::ShareOpened | Kind::CvOpened => {
            args.push(("date", Arg::Owned(param_date(params, "at", lang, true))));
            format!("ntf-text-{}", k.as_str())
        }
        Kind::InvitationAccepted => {
            let role = param(params, "role");
            let role = match role.as_str() {
                "reader" | "contributor" | "certifier" => tr.get(&format!("ntf-role-{role}")),
                _ => role,
            };
            args.push(("role", Arg::Owned(role)));
            "ntf-text-invitation-accepted".to_owned()
        }
        Kind::EventReminder | Kind::EventCancelled => {
            args.push((
                "date",
                Arg::Owned(param_date(params, "startsAt", lang, true)),
            ));
            format!("ntf-text-{}", k.as_str())
        }
        Kind::Digest => {
            let n = params
                .get("events")
                .and_then(Value::as_array)
                .map(Vec::len)
                .unwrap_or(0);
            args.push(("count", Arg::from(n)));
            "ntf-text-digest".to_owned()
        }
        Kind::OfferExpired => {
            let count = params.get("count").and_then(Value::as_i64).unwrap_or(1);
            args.push(("count", Arg::Number(count)));
            if count == 1 && !param(params, "email").is_empty() {
                "ntf-text-offer-expired-one".to_owned()
            } else {
                "ntf-text-offer-expired".to_owned()
            }
        }
        _ => format!("ntf-text-{}", k.as_str()),
    };
    let mut out = tr.with(&key, &args);
    let commune = param(params, "commune");
    if k == Kind::EventReminder && !commune.is_empty() {
        out.push(' ');
        out.push_str(&tr.arg("ntf-where", "commune", commune.as_str()));
    }
    let reason = param(params, "reason");
    if !reason.is_empty() {
        out.push(' ');
        out.push_str(&tr.arg("ntf-reason", "reason", reason.as_str()));
    }
    out
}

// ---------------------------------------------------------------------
// The API.

/// A notification, as its reader sees it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NotificationView {
    pub id: String,
    /// `credential-revoked`, `share-opened`... (see the API's description).
    pub kind: String,
    /// What it says, in the language asked for.
    pub text: String,
    /// A page of this site it leads to.
    pub link: Option<String>,
    /// The values the text is written from.
    #[schema(value_type = Object)]
    pub params: Value,
    pub created_at: DateTime<Utc>,
    pub read: bool,
    pub read_at: Option<DateTime<Utc>>,
}

fn view(n: NotificationRecord, lang: Lang) -> NotificationView {
    NotificationView {
        text: text(lang, &n.kind, &n.params),
        id: n.id,
        kind: n.kind,
        link: n.link,
        params: n.params,
        created_at: n.created_at,
        read: n.read_at.is_some(),
        read_at: n.read_at,
    }
}

/// A page of notifications, newest first.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NotificationList {
    pub items: Vec<NotificationView>,
    /// All of them (every page).
    pub total: i64,
    /// Those not read yet.
    pub unread: i64,
    pub page: i64,
    pub page_size: i64,
}

/// An organisation's notifications, and where they are mailed.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrgNotificationList {
    pub items: Vec<NotificationView>,
    pub total: i64,
    pub unread: i64,
    pub page: i64,
    pub page_size: i64,
    /// The address the notifications are mailed to (`null`: none, the
    /// console only).
    pub notify_email: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// 1 (default) and up.
    pub page: Option<i64>,
    /// 1 to 100 (default 20).
    pub page_size: Option<i64>,
    /// The language of the texts: `fr` or `en` (default: the citizen's
    /// language, else French).
    pub lang: Option<String>,
}

fn paging(q: &ListQuery) -> Result<(i64, i64), ApiError> {
    let page = q.page.unwrap_or(1);
    if !(1..=10_000).contains(&page) {
        return Err(ApiError::unprocessable("page: 1 to 10000.").with("field", "page"));
    }
    let size = q.page_size.unwrap_or(20);
    if !(1..=MAX_PAGE_SIZE).contains(&size) {
        return Err(ApiError::unprocessable("pageSize: 1 to 100.").with("field", "pageSize"));
    }
    Ok((page, size))
}

fn lang_param(lang: Option<&str>) -> Result<Option<Lang>, ApiError> {
    match lang {
        None | Some("") => Ok(None),
        Some(l) => Lang::parse(l).map(Some).ok_or_else(|| {
            ApiError::unprocessable("lang: fr or en.")
                .with("field", "lang")
                .with("code", "invalid-value")
        }),
    }
}

/// The citizen's own notifications, newest first, with the unread count.
#[utoipa::path(
    get, path = "/wallet/notifications", tag = "notifications",
    security(("bearer" = []), ("cookie" = [])),
    params(ListQuery),
    responses(
        (status = 200, body = NotificationList),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn list_mine(
    State(state): State<AppState>,
    citizen: Citizen,
    Query(q): Query<ListQuery>,
) -> Result<Json<NotificationList>, ApiError> {
    let (page, page_size) = paging(&q)?;
    let lang = match lang_param(q.lang.as_deref())? {
        Some(l) => l,
        None => citizen_lang(&state, citizen.id()).await?,
    };
    let found = state
        .store
        .notifications_of(
            NoticeOwner::Citizen(citizen.id()),
            (page - 1) * page_size,
            page_size,
        )
        .await?;
    Ok(Json(NotificationList {
        items: found.items.into_iter().map(|n| view(n, lang)).collect(),
        total: found.total,
        unread: found.unread,
        page,
        page_size,
    }))
}

async fn citizen_lang(state: &AppState, citizen_id: &str) -> Result<Lang, ApiError> {
    Ok(state
        .store
        .citizen_mail_settings(citizen_id)
        .await?
        .and_then(|s| s.lang)
        .and_then(|l| Lang::parse(&l))
        .unwrap_or(Lang::Fr))
}

/// Which notifications to mark read: some (`ids`), or `all`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MarkRead {
    /// Up to 200 of your notifications' ids (others are ignored).
    pub ids: Option<Vec<String>>,
    /// `true`: every notification.
    pub all: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Marked {
    /// How many were unread and are now read.
    pub marked: u64,
    /// How many are still unread.
    pub unread: i64,
}

fn ids_of(body: &MarkRead) -> Result<Option<Vec<String>>, ApiError> {
    match (&body.ids, body.all) {
        (None, Some(true)) => Ok(None),
        (Some(ids), None | Some(false)) if !ids.is_empty() && ids.len() <= MAX_READ_IDS => {
            if ids.iter().any(|i| i.is_empty() || i.len() > 100) {
                return Err(ApiError::unprocessable("ids: notification ids.")
                    .with("field", "ids")
                    .with("code", "invalid-value"));
            }
            Ok(Some(ids.clone()))
        }
        _ => Err(
            ApiError::unprocessable("Send `ids` (1 to 200 notification ids) or `all: true`.")
                .with("field", "ids"),
        ),
    }
}

/// Mark notifications read: some of yours (`ids`), or all of them.
#[utoipa::path(
    post, path = "/wallet/notifications/read", tag = "notifications",
    security(("bearer" = []), ("cookie" = [])),
    request_body = MarkRead,
    responses(
        (status = 200, body = Marked),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn read_mine(
    State(state): State<AppState>,
    citizen: Citizen,
    Json(body): Json<MarkRead>,
) -> Result<Json<Marked>, ApiError> {
    let ids = ids_of(&body)?;
    let owner = NoticeOwner::Citizen(citizen.id());
    let marked = state
        .store
        .mark_notifications_read(owner, ids.as_deref(), state.clock.now())
        .await?;
    let unread = state
        .store
        .unread_notifications(citizen.id(), i64::MAX)
        .await?;
    Ok(Json(Marked { marked, unread }))
}

/// A kind of notification and whether it is mailed.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct KindPreference {
    pub kind: String,
    /// Mailed (else in Atout only).
    pub mail: bool,
    /// Mailed when the citizen said nothing (every kind but the weekly
    /// digest, which is opt-in).
    pub default: bool,
    /// Its name, in the language of the mails.
    pub label: String,
}

/// How a citizen is told.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Preferences {
    /// The language of the mails: `fr` or `en`.
    pub lang: String,
    pub kinds: Vec<KindPreference>,
}

fn preferences_of(settings: &CitizenMailSettings, lang: Option<Lang>) -> Preferences {
    let mail_lang = settings
        .lang
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or(Lang::Fr);
    let tr = lang.unwrap_or(mail_lang).tr();
    Preferences {
        lang: mail_lang.code().to_owned(),
        kinds: Kind::CITIZEN
            .iter()
            .map(|k| KindPreference {
                kind: k.as_str().to_owned(),
                mail: settings.mailed(k.as_str(), k.mailed_by_default()),
                default: k.mailed_by_default(),
                label: kind_label(tr, *k),
            })
            .collect(),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LangQuery {
    /// The language of the labels: `fr` or `en` (default: the mails').
    pub lang: Option<String>,
}

/// Your mail preferences: each kind mailed or not, and the mails' language.
#[utoipa::path(
    get, path = "/wallet/notifications/preferences", tag = "notifications",
    security(("bearer" = []), ("cookie" = [])),
    params(LangQuery),
    responses(
        (status = 200, body = Preferences),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn get_preferences(
    State(state): State<AppState>,
    citizen: Citizen,
    Query(q): Query<LangQuery>,
) -> Result<Json<Preferences>, ApiError> {
    let lang = lang_param(q.lang.as_deref())?;
    let settings = state
        .store
        .citizen_mail_settings(citizen.id())
        .await?
        .ok_or_else(|| ApiError::unauthorized("The account is gone."))?;
    Ok(Json(preferences_of(&settings, lang)))
}

/// Changes to the mail preferences (what is left out stays as it is).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PreferencesInput {
    /// The language of the mails: `fr` or `en`.
    pub lang: Option<String>,
    /// Kinds (citizens' kinds: `share-opened`, `digest`...) to mail (`true`)
    /// or not (`false`).
    #[schema(value_type = Option<Object>)]
    pub mail: Option<BTreeMap<String, bool>>,
}

/// Change your mail preferences: mail on or off per kind (the weekly
/// digest is off until turned on), the mails' language.
#[utoipa::path(
    put, path = "/wallet/notifications/preferences", tag = "notifications",
    security(("bearer" = []), ("cookie" = [])),
    request_body = PreferencesInput,
    responses(
        (status = 200, body = Preferences),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "An unknown kind (`field`: `mail`, `kind`), a language other than fr and en", content_type = "application/problem+json"),
    )
)]
async fn put_preferences(
    State(state): State<AppState>,
    citizen: Citizen,
    Json(body): Json<PreferencesInput>,
) -> Result<Json<Preferences>, ApiError> {
    let lang = match body.lang.as_deref() {
        None => None,
        Some(l) => Some(Lang::parse(l).ok_or_else(|| {
            ApiError::unprocessable("lang: fr or en.")
                .with("field", "lang")
                .with("code", "invalid-value")
        })?),
    };
    let mut prefs = Vec::new();
    for (kind, mail) in body.mail.iter().flatten() {
        match Kind::parse(kind) {
            Some(k) if k.is_citizens() => prefs.push((k.as_str().to_owned(), *mail)),
            _ => {
                return Err(ApiError::unprocessable(format!(
                    "{:?} is not a kind of notification of citizens.",
                    kind.chars().take(60).collect::<String>()
                ))
                .with("field", "mail")
                .with("code", "invalid-value")
                .with("kind", kind.chars().take(60).collect::<String>()))
            }
        }
    }
    state
        .store
        .set_notification_prefs(citizen.id(), lang.map(Lang::code), &prefs)
        .await?;
    let settings = state
        .store
        .citizen_mail_settings(citizen.id())
        .await?
        .ok_or_else(|| ApiError::unauthorized("The account is gone."))?;
    Ok(Json(preferences_of(&settings, None)))
}

/// The organisation's notifications (new certification requests, offers
/// declined or expired), newest first, and their mail address.
#[utoipa::path(
    get, path = "/orgs/{slug}/notifications", tag = "notifications",
    security(("bearer" = [])),
    params(("slug" = String, Path), ListQuery),
    responses(
        (status = 200, body = OrgNotificationList),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn list_org(
    State(state): State<AppState>,
    _member: OrgMember,
    Path(slug): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Json<OrgNotificationList>, ApiError> {
    let org = state.orgs.find(&slug).await?;
    let (page, page_size) = paging(&q)?;
    let lang = lang_param(q.lang.as_deref())?.unwrap_or(Lang::Fr);
    let found = state
        .store
        .notifications_of(NoticeOwner::Org(&org.id), (page - 1) * page_size, page_size)
        .await?;
    Ok(Json(OrgNotificationList {
        items: found.items.into_iter().map(|n| view(n, lang)).collect(),
        total: found.total,
        unread: found.unread,
        page,
        page_size,
        notify_email: state.store.org_notify_email(&org.id).await?,
    }))
}

/// Mark the organisation's notifications read: some (`ids`), or all.
#[utoipa::path(
    post, path = "/orgs/{slug}/notifications/read", tag = "notifications",
    security(("bearer" = [])),
    params(("slug" = String, Path)),
    request_body = MarkRead,
    responses(
        (status = 200, body = Marked),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn read_org(
    State(state): State<AppState>,
    _member: OrgMember,
    Path(slug): Path<String>,
    Json(body): Json<MarkRead>,
) -> Result<Json<Marked>, ApiError> {
    let org = state.orgs.find(&slug).await?;
    let ids = ids_of(&body)?;
    let owner = NoticeOwner::Org(&org.id);
    let marked = state
        .store
        .mark_notifications_read(owner, ids.as_deref(), state.clock.now())
        .await?;
    let unread = state.store.notifications_of(owner, 0, 1).await?.unread;
    Ok(Json(Marked { marked, unread }))
}

/// Where the organisation's notifications are mailed.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NotifyEmail {
    /// An address; `null` or `""`: none (the console only).
    pub notify_email: Option<String>,
}

/// The audit action of a change of an organisation's notification address.
pub const NOTIFY_EMAIL_UPDATED: &str = "org.notify_email_updated";

/// Set (or remove) the address the organisation's notifications are
/// mailed to.
#[utoipa::path(
    put, path = "/orgs/{slug}/notifications/email", tag = "notifications",
    security(("bearer" = [])),
    params(("slug" = String, Path)),
    request_body = NotifyEmail,
    responses(
        (status = 200, body = NotifyEmail),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "Not an address (`field`: `notifyEmail`)", content_type = "application/problem+json"),
    )
)]
async fn put_org_email(
    State(state): State<AppState>,
    OrgMember(principal): OrgMember,
    Path(slug): Path<String>,
    Json(body): Json<NotifyEmail>,
) -> Result<Json<NotifyEmail>, ApiError> {
    let org = state.orgs.find(&slug).await?;
    let email = match body.notify_email.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(e) => Some(atout_core::citizens::normalise_email(e).map_err(|_| {
            ApiError::unprocessable("notifyEmail: an email address, e.g. contact@example.org.")
                .with("field", "notifyEmail")
                .with("code", "invalid-value")
        })?),
    };
    let audit = principal.actor().entry(
        state.clock.now(),
        Some(&org.id),
        NOTIFY_EMAIL_UPDATED,
        format!("org:{}", org.id),
        Some(json!({"set": email.is_some()})),
    );
    state
        .store
        .set_org_notify_email(&org.id, email.as_deref(), &audit)
        .await?;
    Ok(Json(NotifyEmail {
        notify_email: email,
    }))
}

/// What a one-click unsubscribe stopped.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Unsubscribed {
    /// The kinds no longer mailed (a citizen's link), or `["all"]` (an
    /// organisation's address, removed).
    pub kinds: Vec<String>,
    /// The language of the mail the link came from.
    pub lang: String,
}

/// The audit action of an organisation's address removed by its link.
pub const NOTIFY_EMAIL_UNSUBSCRIBED: &str = "org.notify_email_unsubscribed";

/// One-click unsubscribe (RFC 8058): the link of a mail's
/// `List-Unsubscribe` header, posted with the body
/// `List-Unsubscribe=One-Click`. A citizen's link turns mail off for the
/// kinds of that mail; an organisation's removes the address it was sent
/// to. 200 even when already off; 404 for a link that is not one of ours.
/// The confirmation page `/unsubscribe/{token}` posts here too (with
/// `page=1`, answered by a 303 back to it).
#[utoipa::path(
    post, path = "/unsubscribe/{token}", tag = "notifications",
    params(("token" = String, Path, description = "The token of the mail's unsubscribe link")),
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`List-Unsubscribe=One-Click`"),
    responses(
        (status = 200, body = Unsubscribed),
        (status = 303, description = "Posted by the confirmation page: back to it"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 429, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn unsubscribe(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Path(token): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    check_api(&state.address_limits, Action::Link, client)?;
    let what = notify::open_unsubscribe_token(&state.token_key, &token)
        .ok_or_else(|| ApiError::not_found("This unsubscribe link is not valid."))?;
    let from_page = body.len() <= 4096
        && url::form_urlencoded::parse(&body).any(|(k, v)| k == "page" && v == "1");
    let answer = match what {
        Unsubscribe::Citizen {
            citizen_id,
            kinds,
            lang,
        } => {
            let names: Vec<String> = kinds.iter().map(|k| k.as_str().to_owned()).collect();
            if !state.store.unsubscribe_kinds(&citizen_id, &names).await? {
                tracing::info!("unsubscribe link of an erased account");
            }
            Unsubscribed { kinds: names, lang }
        }
        Unsubscribe::Org { org_id, email } => {
            let audit = NewAuditEntry {
                id: new_id(),
                at: state.clock.now(),
                org_id: Some(org_id.clone()),
                actor: "unsubscribe-link".into(),
                action: NOTIFY_EMAIL_UNSUBSCRIBED.into(),
                object: format!("org:{org_id}"),
                request_id: None,
                details: None,
            };
            state
                .store
                .unsubscribe_org_email(&org_id, &email, &audit)
                .await?;
            Unsubscribed {
                kinds: vec!["all".into()],
                lang: "fr".into(),
            }
        }
    };
    if from_page {
        let mut response = StatusCode::SEE_OTHER.into_response();
        let location = format!("/unsubscribe/{token}?done=1&lang={}", answer.lang);
        if let Ok(v) = HeaderValue::from_str(&location) {
            response.headers_mut().insert(header::LOCATION, v);
        }
        return Ok(response);
    }
    Ok(Json(answer).into_response())
}

// ---------------------------------------------------------------------
// Mail.

/// Escapes text for HTML.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A mail being written: its plain text and HTML side by side.
struct Letter {
    text: String,
    html: String,
}

impl Letter {
    fn new(lang: Lang, subject: &str) -> Self {
        Self {
            text: String::new(),
            html: format!(
                "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
                 <meta name=\"viewport\" content=\"width=device-width\"><title>{}</title></head>\
                 <body style=\"font-family:sans-serif;line-height:1.5;color:#1a1a1a\">\n",
                lang.code(),
                esc(subject)
            ),
        }
    }

    fn para(&mut self, line: &str) {
        self.text.push_str(line);
        self.text.push_str("\n\n");
        self.html.push_str(&format!("<p>{}</p>\n", esc(line)));
    }

    /// "label: url" in text, a link in HTML.
    fn link(&mut self, label: &str, url: &str) {
        self.text.push_str(&format!("{label} {url}\n\n"));
        self.html.push_str(&format!(
            "<p><a href=\"{}\">{}</a></p>\n",
            esc(url),
            esc(label.trim_end_matches([':', ' ', '\u{a0}']))
        ));
    }

    /// A list: each item a line (and an optional link).
    fn list(&mut self, items: &[(String, Option<String>, Option<String>)]) {
        self.html.push_str("<ul>\n");
        for (line, note, url) in items {
            self.text.push_str(&format!("- {line}\n"));
            if let Some(note) = note {
                self.text.push_str(&format!("  {note}\n"));
            }
            if let Some(url) = url {
                self.text.push_str(&format!("  {url}\n"));
            }
            let shown = match url {
                Some(u) => format!("<a href=\"{}\">{}</a>", esc(u), esc(line)),
                None => esc(line),
            };
            let note = note
                .as_ref()
                .map(|n| format!("<br><small>{}</small>", esc(n)))
                .unwrap_or_default();
            self.html.push_str(&format!("<li>{shown}{note}</li>\n"));
        }
        self.text.push('\n');
        self.html.push_str("</ul>\n");
    }

    /// The small print: why, preferences, unsubscribe.
    fn footer(&mut self, why: &str, prefs: (&str, &str), unsubscribe: (&str, &str)) {
        self.text.push_str("-- \n");
        self.text.push_str(why);
        self.text.push('\n');
        self.text.push_str(&format!("{} {}\n", prefs.0, prefs.1));
        self.text
            .push_str(&format!("{} {}\n", unsubscribe.0, unsubscribe.1));
        self.html.push_str(&format!(
            "<hr>\n<p style=\"font-size:small;color:#4a4a4a\">{}<br>\
             <a href=\"{}\">{}</a><br><a href=\"{}\">{}</a></p>\n",
            esc(why),
            esc(prefs.1),
            esc(prefs.0.trim_end_matches([':', ' ', '\u{a0}'])),
            esc(unsubscribe.1),
            esc(unsubscribe.0.trim_end_matches([':', ' ', '\u{a0}'])),
        ));
    }

    fn finish(mut self) -> (String, String) {
        self.html.push_str("</body></html>\n");
        (self.text, self.html)
    }
}

fn outbox(
    recipient: &str,
    kind: &str,
    citizen_id: Option<&str>,
    subject: String,
    (body, html): (String, String),
    unsubscribe_url: String,
    now: DateTime<Utc>,
) -> OutboxMessage {
    OutboxMessage {
        id: new_id(),
        recipient: recipient.to_owned(),
        subject,
        body,
        kind: format!("notify-{kind}"),
        citizen_id: citizen_id.map(str::to_owned),
        created_at: now,
        next_attempt_at: now,
        attempts: 0,
        sent_at: None,
        last_error: None,
        html: Some(html),
        unsubscribe_url: Some(unsubscribe_url),
    }
}

/// The events of a digest, as lines of a list.
fn digest_items(
    state: &AppState,
    lang: Lang,
    params: &Value,
) -> Vec<(String, Option<String>, Option<String>)> {
    let base = state.config.base();
    params
        .get("events")
        .and_then(Value::as_array)
        .map(|events| {
            events
                .iter()
                .take(50)
                .map(|e| {
                    let title = pair(e, "title", lang);
                    let when = param_date(e, "startsAt", lang, true);
                    let commune = param(e, "commune");
                    let mut line = title;
                    for part in [when, commune] {
                        if !part.is_empty() {
                            line.push_str(" — ");
                            line.push_str(&part);
                        }
                    }
                    let why = pair(e, "why", lang);
                    let id = param(e, "id");
                    let url = (!id.is_empty()
                        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
                    .then(|| format!("{base}/evenements/{id}"));
                    (line, (!why.is_empty()).then_some(why), url)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The mail of one citizen's notice, in their language.
fn citizen_mail(
    state: &AppState,
    settings: &CitizenMailSettings,
    citizen_id: &str,
    n: &NotificationRecord,
    kind: Kind,
    now: DateTime<Utc>,
) -> Option<OutboxMessage> {
    let lang = settings
        .lang
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or(Lang::Fr);
    let tr = lang.tr();
    let base = state.config.base();
    let subject = tr.get(&format!("ntf-subject-{}", kind.as_str()));
    let mut letter = Letter::new(lang, &subject);
    letter.para(&tr.arg("ntf-mail-hello", "name", settings.display_name.as_str()));
    letter.para(&text(lang, &n.kind, &n.params));
    if kind == Kind::Digest {
        letter.list(&digest_items(state, lang, &n.params));
    }
    if let Some(link) = n.link.as_deref().filter(|l| l.starts_with('/')) {
        letter.link(&tr.get("ntf-mail-open"), &format!("{base}{link}"));
    }
    let token = notify::unsubscribe_token(
        &state.token_key,
        &Unsubscribe::Citizen {
            citizen_id: citizen_id.to_owned(),
            kinds: vec![kind],
            lang: lang.code().to_owned(),
        },
    )?;
    let unsubscribe = format!("{base}/unsubscribe/{token}");
    letter.footer(
        &tr.get("ntf-mail-why"),
        (
            &tr.get("ntf-mail-prefs"),
            &format!("{base}/me/notifications/preferences"),
        ),
        (
            &tr.arg("ntf-mail-unsubscribe", "kinds", kind_label(tr, kind)),
            &unsubscribe,
        ),
    );
    Some(outbox(
        &settings.email,
        kind.as_str(),
        Some(citizen_id),
        subject,
        letter.finish(),
        unsubscribe,
        now,
    ))
}

/// The one mail of a citizen's shares and CVs opened since the last one.
fn opened_mail(
    state: &AppState,
    settings: &CitizenMailSettings,
    citizen_id: &str,
    notices: &[&NotificationRecord],
    now: DateTime<Utc>,
) -> Option<OutboxMessage> {
    let lang = settings
        .lang
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or(Lang::Fr);
    let tr = lang.tr();
    let base = state.config.base();
    let subject = tr.get("ntf-subject-opened");
    let mut letter = Letter::new(lang, &subject);
    letter.para(&tr.arg("ntf-mail-hello", "name", settings.display_name.as_str()));
    letter.para(&tr.arg("ntf-opened-intro", "count", notices.len()));
    let items: Vec<(String, Option<String>, Option<String>)> = notices
        .iter()
        .map(|n| {
            let url = n
                .link
                .as_deref()
                .filter(|l| l.starts_with('/'))
                .map(|l| format!("{base}{l}"));
            (text(lang, &n.kind, &n.params), None, url)
        })
        .collect();
    letter.list(&items);
    let mut kinds: Vec<Kind> = notices
        .iter()
        .filter_map(|n| Kind::parse(&n.kind))
        .collect();
    kinds.sort_by_key(|k| k.as_str());
    kinds.dedup();
    let token = notify::unsubscribe_token(
        &state.token_key,
        &Unsubscribe::Citizen {
            citizen_id: citizen_id.to_owned(),
            kinds: kinds.clone(),
            lang: lang.code().to_owned(),
        },
    )?;
    let unsubscribe = format!("{base}/unsubscribe/{token}");
    let labels: Vec<String> = kinds.iter().map(|k| kind_label(tr, *k)).collect();
    letter.footer(
        &tr.get("ntf-mail-why"),
        (
            &tr.get("ntf-mail-prefs"),
            &format!("{base}/me/notifications/preferences"),
        ),
        (
            &tr.arg("ntf-mail-unsubscribe", "kinds", labels.join(", ")),
            &unsubscribe,
        ),
    );
    Some(outbox(
        &settings.email,
        "opened",
        Some(citizen_id),
        subject,
        letter.finish(),
        unsubscribe,
        now,
    ))
}

/// The mail of an organisation's notice: French, then English (an
/// organisation has no language of its own).
fn org_mail(
    state: &AppState,
    org: &Organisation,
    email: &str,
    n: &NotificationRecord,
    kind: Kind,
    now: DateTime<Utc>,
) -> Option<OutboxMessage> {
    let base = state.config.base();
    let (fr, en) = (Lang::Fr.tr(), Lang::En.tr());
    let key = format!("ntf-subject-{}", kind.as_str());
    let subject = format!("{} / {}", fr.get(&key), en.get(&key));
    let token = notify::unsubscribe_token(
        &state.token_key,
        &Unsubscribe::Org {
            org_id: org.id.clone(),
            email: email.to_owned(),
        },
    )?;
    let unsubscribe = format!("{base}/unsubscribe/{token}");
    let prefs = format!("{base}/console/orgs/{}/notices", org.slug);
    let mut letter = Letter::new(Lang::Fr, &subject);
    for lang in [Lang::Fr, Lang::En] {
        let tr = lang.tr();
        let name = match lang {
            Lang::Fr => org.name_fr.as_str(),
            Lang::En => org.name_en.as_str(),
        };
        if lang == Lang::En {
            letter.text.push_str("---\n\n");
            letter.html.push_str("<hr>\n<div lang=\"en\">\n");
        }
        letter.para(&tr.get("ntf-mail-org-hello"));
        letter.para(&text(lang, &n.kind, &n.params));
        if let Some(link) = n.link.as_deref().filter(|l| l.starts_with('/')) {
            letter.link(&tr.get("ntf-mail-open"), &format!("{base}{link}"));
        }
        letter.footer(
            &tr.arg("ntf-mail-org-why", "org", name),
            (&tr.get("ntf-mail-org-prefs"), &prefs),
            (&tr.get("ntf-mail-org-unsubscribe"), &unsubscribe),
        );
        if lang == Lang::En {
            letter.html.push_str("</div>\n");
        }
    }
    Some(outbox(
        email,
        kind.as_str(),
        None,
        subject,
        letter.finish(),
        unsubscribe,
        now,
    ))
}

/// How many notices one claim takes.
const CLAIM: i64 = 200;

/// Mails what is pending, once: claims pending notices, skips those their
/// recipient does not want mailed, writes the others in the recipient's
/// language and queues them in the outbox (the outbox worker sends them,
/// with retries). Shares and CVs opened make one mail per citizen, at most
/// once a day. Returns how many mails were queued.
pub async fn mail_pending_once(state: &AppState) -> usize {
    let mut queued = 0;
    let mut settings: HashMap<String, Option<CitizenMailSettings>> = HashMap::new();
    let mut orgs: HashMap<String, Option<(Organisation, Option<String>)>> = HashMap::new();
    for _ in 0..50 {
        let now = state.clock.now();
        let claimed = match state
            .store
            .claim_notification_mails(
                now,
                now - Duration::seconds(atout_core::store::CLAIM_LEASE_SECS),
                now - Duration::days(1),
                CLAIM,
            )
            .await
        {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "notifications: cannot claim pending mail");
                return queued;
            }
        };
        if claimed.is_empty() {
            break;
        }
        let full = claimed.len() as i64 >= CLAIM;
        let mut grouped: BTreeMap<String, Vec<&NotificationRecord>> = BTreeMap::new();
        for n in &claimed {
            let kind = Kind::parse(&n.kind);
            match (&n.citizen_id, &n.org_id, kind) {
                (Some(citizen), _, Some(k)) if k.is_grouped() => {
                    grouped.entry(citizen.clone()).or_default().push(n);
                }
                (Some(citizen), _, Some(k)) => {
                    let s = citizen_settings(state, &mut settings, citizen).await;
                    let mail = s
                        .as_ref()
                        .filter(|s| wants(s, k, &n.params))
                        .and_then(|s| citizen_mail(state, s, citizen, n, k, now));
                    queued += finish(state, std::slice::from_ref(&n.id), mail, now).await;
                }
                (None, Some(org_id), Some(k)) => {
                    if !orgs.contains_key(org_id) {
                        let org = state.store.get_org(org_id).await.ok().flatten();
                        let email = state.store.org_notify_email(org_id).await.ok().flatten();
                        orgs.insert(org_id.clone(), org.map(|o| (o, email)));
                    }
                    let mail = match orgs.get(org_id) {
                        Some(Some((org, Some(email)))) => org_mail(state, org, email, n, k, now),
                        _ => None,
                    };
                    queued += finish(state, std::slice::from_ref(&n.id), mail, now).await;
                }
                _ => {
                    queued += finish(state, std::slice::from_ref(&n.id), None, now).await;
                }
            }
        }
        for (citizen, notices) in grouped {
            let s = citizen_settings(state, &mut settings, &citizen).await;
            let (mailed, skipped): (Vec<&NotificationRecord>, Vec<&NotificationRecord>) =
                notices.into_iter().partition(|n| {
                    s.as_ref().is_some_and(|s| {
                        Kind::parse(&n.kind).is_some_and(|k| wants(s, k, &n.params))
                    })
                });
            if !skipped.is_empty() {
                let ids: Vec<String> = skipped.iter().map(|n| n.id.clone()).collect();
                finish(state, &ids, None, now).await;
            }
            if !mailed.is_empty() {
                let mail = s
                    .as_ref()
                    .and_then(|s| opened_mail(state, s, &citizen, &mailed, now));
                let ids: Vec<String> = mailed.iter().map(|n| n.id.clone()).collect();
                queued += finish(state, &ids, mail, now).await;
            }
        }
        if !full {
            break;
        }
    }
    queued
}

/// Whether the citizen wants this notice mailed.
fn wants(settings: &CitizenMailSettings, kind: Kind, params: &Value) -> bool {
    // An address nobody confirmed may not be its owner's.
    if !settings.email_verified {
        return false;
    }
    // An offer mailed to the same address already told them.
    if kind == Kind::CredentialOffered && params.get("mailed") == Some(&Value::Bool(true)) {
        return false;
    }
    settings.mailed(kind.as_str(), kind.mailed_by_default())
}

async fn citizen_settings(
    state: &AppState,
    cache: &mut HashMap<String, Option<CitizenMailSettings>>,
    citizen_id: &str,
) -> Option<CitizenMailSettings> {
    if let Some(s) = cache.get(citizen_id) {
        return s.clone();
    }
    let s = match state.store.citizen_mail_settings(citizen_id).await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "notifications: a citizen's settings unreadable");
            None
        }
    };
    cache.insert(citizen_id.to_owned(), s.clone());
    s
}

/// Ends claimed notices: `sent` with their mail, or `skipped`. Returns 1
/// when a mail was queued.
async fn finish(
    state: &AppState,
    ids: &[String],
    mail: Option<OutboxMessage>,
    now: DateTime<Utc>,
) -> usize {
    let status = if mail.is_some() { "sent" } else { "skipped" };
    match state
        .store
        .finish_notification_mail(ids, status, mail.as_ref(), now)
        .await
    {
        Ok(true) => usize::from(mail.is_some()),
        Ok(false) => {
            tracing::info!("notifications: taken over by another worker");
            0
        }
        Err(e) => {
            tracing::warn!(error = %e, "notifications: a mail not queued (retried later)");
            0
        }
    }
}

/// Writes the notices nobody causes, once: held credentials whose validity
/// ends within 30 days, single offers that expired unaccepted, batches'
/// offers that expired on a past day (one notice per batch and day); and
/// deletes notices older than [`KEEP_DAYS`]. Returns how many were written.
pub async fn sweep_once(state: &AppState) -> usize {
    let now = state.clock.now();
    let store = state.store.as_ref();
    let mut written = 0;
    match store
        .expiring_holdings(now, now + Duration::days(EXPIRING_WITHIN_DAYS), 5_000)
        .await
    {
        Ok(holdings) => {
            let notices = holdings
                .into_iter()
                .map(|h| {
                    Notice::citizen(
                        &h.citizen_id,
                        Kind::CredentialExpiring,
                        json!({"title": h.title, "validUntil": h.valid_until}),
                    )
                    .link(format!("/me/credentials/{}", h.holding_id))
                    .dedupe(format!("expiring:{}", h.holding_id))
                })
                .collect();
            written += notify::notify(store, now, notices).await;
        }
        Err(e) => tracing::warn!(error = %e, "notifications: expiring credentials unread"),
    }
    let mut slugs: HashMap<String, Option<String>> = HashMap::new();
    match store
        .expired_offers(now - Duration::days(8), now, 5_000)
        .await
    {
        Ok(offers) => {
            let mut notices = Vec::new();
            for o in offers {
                let Some(slug) = slug_of(state, &mut slugs, &o.org_id).await else {
                    continue;
                };
                notices.push(
                    Notice::org(
                        &o.org_id,
                        Kind::OfferExpired,
                        json!({
                            "titleFr": o.title_fr,
                            "titleEn": o.title_en,
                            "count": 1,
                            "email": o.email,
                        }),
                    )
                    .link(format!("/console/orgs/{slug}/offers"))
                    .dedupe(format!("offer-expired:{}", o.offer_id)),
                );
            }
            written += notify::notify(store, now, notices).await;
        }
        Err(e) => tracing::warn!(error = %e, "notifications: expired offers unread"),
    }
    let today = now.date_naive();
    for back in 1..=7 {
        let day = today - Duration::days(back);
        let from = Utc.from_utc_datetime(&day.and_time(NaiveTime::MIN));
        let name = day.format("%Y-%m-%d").to_string();
        match store
            .expired_batch_offers(from, from + Duration::days(1), &name)
            .await
        {
            Ok(batches) => {
                let mut notices = Vec::new();
                for b in batches {
                    let Some(slug) = slug_of(state, &mut slugs, &b.org_id).await else {
                        continue;
                    };
                    notices.push(
                        Notice::org(
                            &b.org_id,
                            Kind::OfferExpired,
                            json!({
                                "titleFr": b.title_fr,
                                "titleEn": b.title_en,
                                "count": b.count,
                            }),
                        )
                        .link(format!("/console/orgs/{slug}/batches/{}", b.batch_id))
                        .dedupe(format!("offer-expired:{}:{name}", b.batch_id)),
                    );
                }
                written += notify::notify(store, now, notices).await;
            }
            Err(e) => tracing::warn!(error = %e, "notifications: expired batch offers unread"),
        }
    }
    if let Err(e) = store
        .purge_notifications(now - Duration::days(KEEP_DAYS))
        .await
    {
        tracing::warn!(error = %e, "notifications: old notices not purged");
    }
    written
}

/// An organisation's slug (for links), remembered.
async fn slug_of(
    state: &AppState,
    cache: &mut HashMap<String, Option<String>>,
    org_id: &str,
) -> Option<String> {
    if let Some(s) = cache.get(org_id) {
        return s.clone();
    }
    let s = state
        .store
        .get_org(org_id)
        .await
        .ok()
        .flatten()
        .map(|o| o.slug);
    cache.insert(org_id.to_owned(), s.clone());
    s
}

/// The notification worker of `atout serve`: mails what is pending every
/// 30 seconds, sweeps every hour (and at start).
pub fn spawn_workers(state: AppState) {
    tokio::spawn(async move {
        let mut last_sweep: Option<std::time::Instant> = None;
        loop {
            if last_sweep.is_none_or(|t| t.elapsed() >= std::time::Duration::from_secs(3600)) {
                let n = sweep_once(&state).await;
                if n > 0 {
                    tracing::info!(notices = n, "notifications: sweep");
                }
                last_sweep = Some(std::time::Instant::now());
            }
            let n = mail_pending_once(&state).await;
            if n > 0 {
                tracing::info!(mails = n, "notifications: mails queued");
            }
            tokio::time::sleep(std::time::Duration::from_secs(30)).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_texts_in_both_languages() {
        for lang in [Lang::Fr, Lang::En] {
            let tr = lang.tr();
            for k in Kind::CITIZEN.iter().chain(Kind::ORG.iter()) {
                for key in [
                    format!("ntf-kind-{}", k.as_str()),
                    format!("ntf-subject-{}", k.as_str()),
                ] {
                    assert!(tr.has(&key), "{key} ({})", lang.code());
                }
                let t = text(
                    lang,
                    k.as_str(),
                    &json!({"titleFr": "Licence", "reason": "x"}),
                );
                assert!(!t.contains("ntf-"), "{t}");
                assert!(!t.contains("{$"), "{t}");
            }
        }
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(esc("<b a=\"1\">&'"), "&lt;b a=&quot;1&quot;&gt;&amp;&#39;");
    }

    #[test]
    fn pairs_fall_back_to_the_other_language() {
        let p = json!({"titleFr": "Licence", "orgEn": "Univ", "name": {"fr": "Nom"}});
        assert_eq!(pair(&p, "title", Lang::En), "Licence");
        assert_eq!(pair(&p, "org", Lang::Fr), "Univ");
        assert_eq!(pair(&p, "name", Lang::En), "Nom");
    }
}
