//! Credential offers: an organisation issues *to* a citizen. It addresses
//! the credential to an email, or hands out a single-use, expiring link
//! (and its QR code); the citizen previews and accepts it in the wallet, or
//! an external wallet takes it through OpenID4VCI (see [`crate::oid4vci`]).
//! One offer gives one credential, whichever way comes first.
//!
//! | route | caller |
//! |---|---|
//! | `POST /orgs/{slug}/offers` | that organisation's API key |
//! | `GET /orgs/{slug}/offers[/{id}]`, `DELETE /orgs/{slug}/offers/{id}` | admin, or that organisation's API key |
//! | `GET /offers/{token}`, `GET /offers/{token}/qr.svg`, `GET /offers/{token}/qr.png` | anyone holding the link |
//! | `GET /wallet/offers`, `GET /wallet/offers/{token}`, `POST /wallet/offers/{token}/accept`, `POST /wallet/offers/{token}/decline` | a logged-in citizen |
//!
//! The link token, the pre-authorized code and the tx_code are shown once,
//! at creation; only their SHA-256 is stored. The subject is checked
//! against the template's schema at creation, and again when issued.

use crate::{
    credentials::{discard, sign_credential, IssueInput, Signed},
    oid4vci,
    templates::{build_credential, check_subject, stored_schema, subject_name, subject_validator},
};
use atout_core::{
    audit::{action, Actor},
    citizens::normalise_email,
    crypto::{random_bytes, random_token, sha256_hex},
    ids::new_id,
    orgs::OrgError,
    registry::{Trust, TrustedIssuer},
    store::{
        CancelOutcome, HoldingRecord, OfferFilter, OfferRecord, Organisation, OutboxMessage,
        Template, OFFER_EXPIRED, OFFER_PENDING,
    },
};
use atout_vc::sign::ProofFormat;
use atout_web::{
    auth::{Citizen, OrgKey, OrgMember, Principal},
    problem::ProblemBody,
    qr, ApiError, AppState, Json, Path, Query,
};
use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_offer, list_offers))
        .routes(routes!(get_offer, cancel_offer))
        .routes(routes!(offer_link))
        .routes(routes!(offer_qr_svg))
        .routes(routes!(offer_qr_png))
        .routes(routes!(wallet_offers))
        .routes(routes!(preview_offer))
        .routes(routes!(accept_offer))
        .routes(routes!(decline_offer))
}

/// Bounds of `expiresInSecs`: a minute to a year.
const MIN_TTL_SECS: u64 = 60;
const MAX_TTL_SECS: u64 = 366 * 86_400;
/// A subject id is set to the holder's DID on acceptance; schemas that
/// require an id are checked with this stand-in at creation.
pub(crate) const STAND_IN_HOLDER: &str = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
/// Digits of a tx_code.
const TX_CODE_DIGITS: usize = 6;

/// Proof options of an offer.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferOptions {
    /// `ldp_vc` (default, Data Integrity) or `vc+jwt` (VC-JOSE).
    pub format: Option<String>,
    /// For `ldp_vc`: `eddsa-rdfc-2022` (default) or `ecdsa-rdfc-2019`.
    pub cryptosuite: Option<String>,
    /// For `vc+jwt`: `EdDSA` (default) or `ES256`.
    pub alg: Option<String>,
}

impl OfferOptions {
    pub fn proof_format(&self) -> Result<ProofFormat, ApiError> {
        ProofFormat::parse(
            self.cryptosuite.as_deref(),
            self.format.as_deref(),
            self.alg.as_deref(),
        )
        .map_err(crate::credentials::invalid)
    }
}

/// `POST /orgs/{slug}/offers` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewOffer {
    /// A template of this organisation.
    pub template_id: String,
    /// The subject data, checked against the template's schema. Without
    /// `id`: it becomes the holder's DID when the credential is issued.
    #[schema(value_type = Object)]
    pub subject: Value,
    /// Offer to this person: a message with the link is sent, and only a
    /// citizen with this (verified) email can accept it in the wallet.
    #[serde(default)]
    pub email: Option<String>,
    /// Lifetime of the offer, 60 s to a year (default: `offer_ttl_secs`).
    #[serde(default)]
    pub expires_in_secs: Option<u64>,
    /// Protect the OpenID4VCI pre-authorized code with a 6-digit
    /// transaction code (shown once, to pass on by another channel).
    #[serde(default)]
    pub tx_code: bool,
    #[serde(default)]
    pub options: OfferOptions,
}

/// An offer as its organisation sees it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OfferView {
    pub id: String,
    pub template_id: String,
    /// `pending`, `accepted`, `declined`, `cancelled` or `expired`.
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[schema(value_type = Object)]
    pub subject: Value,
    #[schema(value_type = Object)]
    pub options: Value,
    /// Whether the OpenID4VCI code needs a tx_code.
    pub tx_code_required: bool,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<DateTime<Utc>>,
    /// How it was accepted: `wallet` or `oid4vci`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// The issued credential (registry id), once accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_ref: Option<String>,
}

fn view(offer: &OfferRecord, now: DateTime<Utc>) -> OfferView {
    OfferView {
        id: offer.id.clone(),
        template_id: offer.template_id.clone(),
        state: offer.state_at(now).to_owned(),
        email: offer.email.clone(),
        subject: serde_json::from_str(&offer.subject).unwrap_or(Value::Null),
        options: serde_json::from_str(&offer.options).unwrap_or(Value::Null),
        tx_code_required: offer.tx_code_hash.is_some(),
        created_at: offer.created_at,
        expires_at: offer.expires_at,
        ended_at: offer.ended_at,
        channel: offer.channel.clone(),
        credential_ref: offer.credential_ref.clone(),
    }
}

/// QR codes of the link.
#[derive(Debug, Serialize, ToSchema)]
pub struct QrLinks {
    pub svg: String,
    pub png: String,
}

/// The OpenID4VCI form of the offer (for external wallets).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Oid4vciOffer {
    /// The Credential Offer object.
    #[schema(value_type = Object)]
    pub credential_offer: Value,
    /// `openid-credential-offer://?credential_offer=...` (by value).
    pub offer_uri: String,
    /// Where a wallet can fetch the Credential Offer object.
    pub credential_offer_uri: String,
    /// `openid-credential-offer://?credential_offer_uri=...` (by reference).
    pub offer_by_reference_uri: String,
}

/// A new offer: its secrets are shown this once.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedOffer {
    #[serde(flatten)]
    pub offer: OfferView,
    /// The single-use link: `{base}/offers/{token}`.
    pub link: String,
    pub qr: QrLinks,
    pub openid4vci: Oid4vciOffer,
    /// The transaction code, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tx_code: Option<String>,
}

fn invalid_field(field: &str, detail: impl Into<String>) -> ApiError {
    ApiError::unprocessable(detail).with("field", field)
}

/// A numeric code of `TX_CODE_DIGITS` digits, uniformly drawn.
fn new_tx_code() -> Result<String, ApiError> {
    let mut code = String::with_capacity(TX_CODE_DIGITS);
    while code.len() < TX_CODE_DIGITS {
        for b in random_bytes(16).map_err(ApiError::internal)? {
            // 250 = 25 * 10: no modulo bias.
            if b < 250 && code.len() < TX_CODE_DIGITS {
                code.push(char::from(b'0' + b % 10));
            }
        }
    }
    Ok(code)
}

/// The digest stored for a tx_code, bound to its pre-authorized code.
pub fn tx_code_hash(pre_auth_hash: &str, tx_code: &str) -> String {
    sha256_hex(format!("{pre_auth_hash}:{tx_code}").as_bytes())
}

async fn template_of(state: &AppState, org: &Organisation, id: &str) -> Result<Template, ApiError> {
    if id.len() > 100 {
        return Err(ApiError::not_found(
            "This organisation has no such template.",
        ));
    }
    state.store.get_template(&org.id, id).await?.ok_or_else(|| {
        ApiError::not_found("This organisation has no such template.").with("field", "templateId")
    })
}

/// The subject as it will be issued to `holder`.
fn subject_for(subject: &Value, holder: &str) -> Result<Value, ApiError> {
    let mut map: Map<String, Value> = subject
        .as_object()
        .cloned()
        .ok_or_else(|| invalid_field("subject", "subject must be an object"))?;
    map.insert("id".into(), Value::String(holder.to_owned()));
    Ok(Value::Object(map))
}

/// The link of an offer token.
fn link(state: &AppState, token: &str) -> String {
    format!("{}/offers/{token}", state.config.base())
}

/// The bilingual message of an email offer.
fn offer_mail(
    org: &Organisation,
    template: &Template,
    link: &str,
    expires_at: DateTime<Utc>,
) -> (String, String) {
    let day = expires_at.format("%Y-%m-%d");
    let subject = format!(
        "{} vous propose une attestation / offers you a credential",
        org.name_fr
    );
    let body = format!(
        "Bonjour,\n\n\
         {org_fr} vous propose l’attestation « {name_fr} ». Pour la recevoir dans votre \
         portefeuille Atout, ouvrez ce lien (valable jusqu’au {day}, une seule fois) :\n\n\
         {link}\n\n\
         Connectez-vous avec cette adresse email, vérifiée. Si vous n’attendiez rien, \
         ignorez ce message.\n\n\
         ---\n\n\
         Hello,\n\n\
         {org_en} offers you the credential \"{name_en}\". To receive it in your Atout \
         wallet, open this link (valid until {day}, once):\n\n\
         {link}\n\n\
         Log in with this email address, verified. If you expected nothing, ignore this \
         message.\n",
        org_fr = org.name_fr,
        org_en = org.name_en,
        name_fr = template.name_fr,
        name_en = template.name_en,
    );
    (subject, body)
}

/// Offer a credential to a citizen: by email, or as a single-use link and
/// QR code (and an OpenID4VCI offer for external wallets).
#[utoipa::path(
    post, path = "/orgs/{slug}/offers", tag = "offers",
    security(("bearer" = [])),
    params(("slug" = String, Path)),
    request_body = NewOffer,
    responses(
        (status = 201, body = CreatedOffer, description = "The offer, its link, QR codes, OpenID4VCI offer and tx_code (shown once)"),
        (status = 400, body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, description = "Not this organisation's API key", content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, description = "No such template", content_type = "application/problem+json"),
        (status = 413, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "Invalid subject (`errors`), email, lifetime or options", content_type = "application/problem+json"),
    )
)]
async fn create_offer(
    State(state): State<AppState>,
    OrgKey(principal): OrgKey,
    Path(_slug): Path<String>,
    Json(body): Json<NewOffer>,
) -> Result<Response, ApiError> {
    let Principal::Org { org, .. } = &principal else {
        return Err(ApiError::forbidden(
            "Offers are made with the organisation's own API key.",
        ));
    };
    let template = template_of(&state, org, &body.template_id).await?;
    let email = body
        .email
        .as_deref()
        .map(|e| normalise_email(e).map_err(|e| invalid_field("email", e.to_string())))
        .transpose()?;
    let ttl = body
        .expires_in_secs
        .unwrap_or(state.config.wallet.offer_ttl.as_secs());
    if !(MIN_TTL_SECS..=MAX_TTL_SECS).contains(&ttl) {
        return Err(invalid_field(
            "expiresInSecs",
            format!("expiresInSecs must be between {MIN_TTL_SECS} and {MAX_TTL_SECS}"),
        ));
    }
    let format = body.options.proof_format()?;
    if matches!(format, ProofFormat::SdJwt(_)) {
        return Err(invalid_field(
            "options.format",
            "dc+sd-jwt is not offered over OpenID4VCI yet: issue it with POST /credentials/issue",
        ));
    }
    match state
        .orgs
        .org_signing_key(&org.slug, format.key_algorithm())
        .await
    {
        Err(OrgError::KeyNotFound(_)) => {
            return Err(invalid_field(
                "options",
                format!(
                    "This organisation has no {} key for these options: an administrator can \
                     create one with `atout org rotate-key {} --algorithm p256`.",
                    format.key_algorithm(),
                    org.slug
                ),
            ))
        }
        other => {
            other?;
        }
    }
    if !body.subject.is_object() {
        return Err(invalid_field("subject", "subject must be an object"));
    }
    if body.subject.get("id").is_some() {
        return Err(invalid_field(
            "subject.id",
            "subject.id is set to the holder's DID when the citizen accepts: leave it out",
        ));
    }
    // Checked as it will be issued (with a holder id), and built once to
    // catch what the schema does not say.
    let as_issued = subject_for(&body.subject, STAND_IN_HOLDER)?;
    check_subject(&subject_validator(&stored_schema(&template)?)?, &as_issued)?;
    build_credential(&state, org, &template, &as_issued)?;

    let now = state.clock.now();
    let token = random_token(32).map_err(ApiError::internal)?;
    let code = random_token(32).map_err(ApiError::internal)?;
    let pre_auth_hash = sha256_hex(code.as_bytes());
    let tx_code = if body.tx_code {
        Some(new_tx_code()?)
    } else {
        None
    };
    let offer = OfferRecord {
        id: new_id(),
        org_id: org.id.clone(),
        template_id: template.id.clone(),
        token_hash: sha256_hex(token.as_bytes()),
        tx_code_hash: tx_code.as_deref().map(|c| tx_code_hash(&pre_auth_hash, c)),
        pre_auth_hash,
        tx_attempts: 0,
        pre_auth_used_at: None,
        subject: body.subject.to_string(),
        email: email.clone(),
        options: serde_json::to_string(&body.options).map_err(ApiError::internal)?,
        state: OFFER_PENDING.into(),
        channel: None,
        citizen_id: None,
        credential_ref: None,
        created_by: principal.actor().label,
        created_at: now,
        expires_at: now + Duration::seconds(ttl as i64),
        ended_at: None,
        batch_id: None,
        reference: None,
        lang: None,
        opened_at: None,
        mailed_at: email.as_ref().map(|_| now),
        reminded_at: None,
        mail_id: None,
    };
    let link = link(&state, &token);
    let mail = match &email {
        Some(recipient) => {
            let (subject, text) = offer_mail(org, &template, &link, offer.expires_at);
            let citizen_id = state.store.citizen_by_email(recipient).await?.map(|c| c.id);
            Some(OutboxMessage {
                id: new_id(),
                recipient: recipient.clone(),
                subject,
                body: text,
                kind: "offer".into(),
                citizen_id,
                created_at: now,
                next_attempt_at: now,
                attempts: 0,
                sent_at: None,
                last_error: None,
                html: None,
                unsubscribe_url: None,
            })
        }
        None => None,
    };
    let audit = principal.actor().entry(
        now,
        Some(&org.id),
        action::OFFER_CREATED,
        format!("offer:{}", offer.id),
        Some(json!({
            "template": template.id,
            "by_email": email.is_some(),
            "tx_code": tx_code.is_some(),
            "expires_at": offer.expires_at,
        })),
    );
    state
        .store
        .create_offer(&offer, mail.as_ref(), &audit)
        .await?;
    tracing::info!(offer = %offer.id, by_email = email.is_some(), "offer created");
    // A citizen with an account at that address sees it in Atout too.
    if let Some(citizen) = mail.as_ref().and_then(|m| m.citizen_id.clone()) {
        atout_core::notify::credential_offered(
            state.store.as_ref(),
            now,
            org,
            &template,
            &[(citizen, offer.id.clone(), offer.expires_at)],
        )
        .await;
    }
    let config_id = oid4vci::configuration_id(format);
    let openid4vci = oid4vci::offer_uris(&state, config_id, &code, tx_code.is_some());
    let created = CreatedOffer {
        offer: view(&offer, now),
        qr: QrLinks {
            svg: format!("{link}/qr.svg"),
            png: format!("{link}/qr.png"),
        },
        link,
        openid4vci,
        tx_code,
    };
    Ok((
        StatusCode::CREATED,
        [(
            header::LOCATION,
            format!("/orgs/{}/offers/{}", org.slug, offer.id),
        )],
        Json(created),
    )
        .into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OfferQuery {
    /// `pending`, `accepted`, `declined`, `cancelled` or `expired`.
    pub state: Option<String>,
    /// Offers created before this one (id), for paging.
    pub before: Option<String>,
    /// 1 to 500 (default 100).
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OfferList {
    pub items: Vec<OfferView>,
}

/// The organisation's offers, newest first.
#[utoipa::path(
    get, path = "/orgs/{slug}/offers", tag = "offers",
    security(("bearer" = [])),
    params(("slug" = String, Path), OfferQuery),
    responses(
        (status = 200, body = OfferList),
        (status = 400, body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn list_offers(
    State(state): State<AppState>,
    OrgMember(_principal): OrgMember,
    Path(slug): Path<String>,
    Query(query): Query<OfferQuery>,
) -> Result<Json<OfferList>, ApiError> {
    let org = state.orgs.find(&slug).await?;
    if let Some(s) = &query.state {
        if ![
            "pending",
            "accepted",
            "declined",
            "cancelled",
            OFFER_EXPIRED,
        ]
        .contains(&s.as_str())
        {
            return Err(ApiError::bad_request(
                "state must be pending, accepted, declined, cancelled or expired",
            ));
        }
    }
    if query.before.as_ref().is_some_and(|b| b.len() > 100) {
        return Err(ApiError::bad_request("before is not an offer id"));
    }
    let now = state.clock.now();
    let items = state
        .store
        .list_offers(
            &org.id,
            &OfferFilter {
                state: query.state,
                before: query.before,
                limit: query.limit.unwrap_or(100).clamp(1, 500),
            },
            now,
        )
        .await?
        .iter()
        .map(|o| view(o, now))
        .collect();
    Ok(Json(OfferList { items }))
}

async fn org_offer(state: &AppState, slug: &str, id: &str) -> Result<OfferRecord, ApiError> {
    let org = state.orgs.find(slug).await?;
    if id.len() > 100 {
        return Err(ApiError::not_found("This organisation has no such offer."));
    }
    state
        .store
        .get_offer(&org.id, id)
        .await?
        .ok_or_else(|| ApiError::not_found("This organisation has no such offer."))
}

/// One offer and its state.
#[utoipa::path(
    get, path = "/orgs/{slug}/offers/{id}", tag = "offers",
    security(("bearer" = [])),
    params(("slug" = String, Path), ("id" = String, Path)),
    responses(
        (status = 200, body = OfferView),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn get_offer(
    State(state): State<AppState>,
    OrgMember(_principal): OrgMember,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Json<OfferView>, ApiError> {
    let offer = org_offer(&state, &slug, &id).await?;
    Ok(Json(view(&offer, state.clock.now())))
}

/// Cancel a pending offer: its link and OpenID4VCI code stop working.
#[utoipa::path(
    delete, path = "/orgs/{slug}/offers/{id}", tag = "offers",
    security(("bearer" = [])),
    params(("slug" = String, Path), ("id" = String, Path)),
    responses(
        (status = 200, body = OfferView, description = "The cancelled offer"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "Not pending any more (`state` says why)", content_type = "application/problem+json"),
    )
)]
async fn cancel_offer(
    State(state): State<AppState>,
    OrgMember(principal): OrgMember,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Json<OfferView>, ApiError> {
    let offer = org_offer(&state, &slug, &id).await?;
    let now = state.clock.now();
    let audit = principal.actor().entry(
        now,
        Some(&offer.org_id),
        action::OFFER_CANCELLED,
        format!("offer:{}", offer.id),
        None,
    );
    match state
        .store
        .cancel_offer(&offer.org_id, &offer.id, now, &audit)
        .await?
    {
        CancelOutcome::Cancelled => {}
        CancelOutcome::NotFound => {
            return Err(ApiError::not_found("This organisation has no such offer."))
        }
        CancelOutcome::NotPending => {
            let current = org_offer(&state, &slug, &id).await?;
            let taken = current.state == OFFER_PENDING && current.pre_auth_used_at.is_some();
            return Err(ApiError::conflict(if taken {
                "This offer is being taken by a wallet (OpenID4VCI): it can no longer be cancelled."
            } else {
                "Only a pending offer can be cancelled."
            })
            .with("state", current.state_at(now)));
        }
    }
    let current = org_offer(&state, &slug, &id).await?;
    Ok(Json(view(&current, now)))
}

// ----- Links and QR codes (public: the token is the secret) -------------

/// Link tokens are 32 random bytes, base64url: refuse anything else
/// before touching the database.
fn plausible_token(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

async fn offer_by_token(state: &AppState, token: &str) -> Result<OfferRecord, ApiError> {
    let unknown = || ApiError::not_found("No offer has this link.");
    if !plausible_token(token) {
        return Err(unknown());
    }
    state
        .store
        .offer_by_token(&sha256_hex(token.as_bytes()))
        .await?
        .ok_or_else(unknown)
}

/// Who offers: the trust registry's name for the organisation's DID, or
/// "unknown" (never the name an issuer gives itself).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OfferIssuer {
    pub did: String,
    /// `accredited`, `not-yet-valid`, `expired` or `unknown`.
    pub trust: String,
    /// The registry's names; absent for an unknown issuer.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub name: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accreditation: Option<String>,
    /// The organisation as the public directory lists it (its page is
    /// `/organisations/{slug}`): in the offered citizen's own view only,
    /// and when the directory lists it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<OfferOrganisation>,
}

/// An offering organisation in the public directory.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OfferOrganisation {
    pub slug: String,
    pub name_fr: String,
    pub name_en: String,
}

async fn issuer_of(state: &AppState, org: &Organisation) -> Result<OfferIssuer, ApiError> {
    let did = state.orgs.did_of(org);
    let entry: Option<TrustedIssuer> = state.store.get_trusted_issuer(&did).await?.map(Into::into);
    // Only the holder's own view names the organisation (see `preview`):
    // whoever holds the link sees the registry's name or "unknown".
    let organisation = None;
    Ok(match entry {
        None => OfferIssuer {
            did,
            trust: "unknown".into(),
            name: None,
            accreditation: None,
            organisation,
        },
        Some(e) => OfferIssuer {
            trust: match e.status_at(state.clock.now()) {
                Trust::Accredited => "accredited",
                Trust::NotYetValid => "not-yet-valid",
                Trust::Expired => "expired",
            }
            .into(),
            name: Some(json!({"fr": e.name.fr, "en": e.name.en})),
            accreditation: Some(e.accreditation),
            did,
            organisation,
        },
    })
}

fn credential_types(template: &Template) -> Vec<String> {
    vec![
        "VerifiableCredential".into(),
        template.credential_type.clone(),
    ]
}

/// What the link says to anyone holding it (no personal data).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OfferLink {
    pub issuer: OfferIssuer,
    /// The credential's name, `fr` and `en`.
    #[schema(value_type = Object)]
    pub name: Value,
    /// `pending`, `accepted`, `declined`, `cancelled` or `expired`.
    pub state: String,
    pub expires_at: DateTime<Utc>,
    /// Addressed to one email: only that (verified) citizen can accept it.
    pub for_email: bool,
    /// Log in, then `GET` this to preview and `POST .../accept` to receive.
    pub wallet: String,
    /// A batch's offer: its OpenID4VCI offer, for another wallet (the link
    /// is its bearer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub openid4vci: Option<Oid4vciOffer>,
}

async fn org_and_template(
    state: &AppState,
    offer: &OfferRecord,
) -> Result<(Organisation, Template), ApiError> {
    let org = state
        .store
        .get_org(&offer.org_id)
        .await?
        .ok_or_else(|| ApiError::internal("offer without organisation"))?;
    let template = state
        .store
        .get_template(&org.id, &offer.template_id)
        .await?
        .ok_or_else(|| ApiError::internal("offer without template"))?;
    Ok((org, template))
}

/// What an offer link is: who offers what, until when. Public (the token
/// is the secret); the subject data is shown to the logged-in citizen only.
#[utoipa::path(
    get, path = "/offers/{token}", tag = "offers",
    params(("token" = String, Path, description = "The offer link's token")),
    responses(
        (status = 200, body = OfferLink),
        (status = 303, description = "A browser (`Accept: text/html`): to the wallet's page for the offer, `/me/offers/{token}`"),
        (status = 404, body = ProblemBody, description = "No offer has this link", content_type = "application/problem+json"),
    )
)]
async fn offer_link(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    let offer = offer_by_token(&state, &token).await?;
    crate::delivery::opened(&state, &offer).await;
    // A person who opened the link (or scanned its QR code) in a browser
    // goes to the wallet's page for it (login first if needed).
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if wants_html {
        let mut response = axum::http::StatusCode::SEE_OTHER.into_response();
        let location = format!("/me/offers/{}", url_segment(&token));
        if let Ok(v) = axum::http::HeaderValue::from_str(&location) {
            response.headers_mut().insert(header::LOCATION, v);
        }
        return Ok(response);
    }
    let (org, template) = org_and_template(&state, &offer).await?;
    let now = state.clock.now();
    let openid4vci = match &offer.batch_id {
        Some(_) => {
            let options: OfferOptions =
                serde_json::from_str(&offer.options).map_err(ApiError::internal)?;
            let code = crate::delivery::Secrets::new(&state).code(&offer.id);
            Some(oid4vci::offer_uris(
                &state,
                oid4vci::configuration_id(options.proof_format()?),
                &code,
                false,
            ))
        }
        None => None,
    };
    Ok(Json(OfferLink {
        openid4vci,
        issuer: issuer_of(&state, &org).await?,
        name: json!({"fr": template.name_fr, "en": template.name_en}),
        state: offer.state_at(now).to_owned(),
        expires_at: offer.expires_at,
        for_email: offer.email.is_some(),
        wallet: format!("{}/wallet/offers/{token}", state.config.base()),
    })
    .into_response())
}

/// A token as one path segment (tokens are URL-safe; anything else is
/// percent-encoded).
fn url_segment(token: &str) -> String {
    token
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct QrQuery {
    /// Width and height in pixels, 128 to 2048.
    pub size: Option<u32>,
}

/// The QR code of an offer link, as SVG. Public.
#[utoipa::path(
    get, path = "/offers/{token}/qr.svg", tag = "offers",
    params(("token" = String, Path)),
    responses(
        (status = 200, description = "QR code of `{base}/offers/{token}`", body = String, content_type = "image/svg+xml"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn offer_qr_svg(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    offer_by_token(&state, &token).await?;
    let matrix = qr::Matrix::new(&link(&state, &token)).map_err(ApiError::internal)?;
    let svg = matrix.svg("QR code: offer link / lien de l’offre");
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response())
}

/// The QR code of an offer link, as PNG. Public.
#[utoipa::path(
    get, path = "/offers/{token}/qr.png", tag = "offers",
    params(("token" = String, Path), QrQuery),
    responses(
        (status = 200, description = "QR code of `{base}/offers/{token}`", body = Vec<u8>, content_type = "image/png"),
        (status = 400, body = ProblemBody, description = "size out of bounds", content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn offer_qr_png(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(query): Query<QrQuery>,
) -> Result<Response, ApiError> {
    if let Some(size) = query.size {
        if !(qr::MIN_SIZE..=qr::MAX_SIZE).contains(&size) {
            return Err(ApiError::bad_request(format!(
                "size must be between {} and {} pixels",
                qr::MIN_SIZE,
                qr::MAX_SIZE
            )));
        }
    }
    offer_by_token(&state, &token).await?;
    let matrix = qr::Matrix::new(&link(&state, &token)).map_err(ApiError::internal)?;
    let png = matrix.png(query.size).map_err(ApiError::internal)?;
    Ok(([(header::CONTENT_TYPE, "image/png")], png).into_response())
}

// ----- The citizen's side -------------------------------------------------

/// An offer as the citizen sees it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OfferPreview {
    /// The offer's id (usable in place of the link token for offers
    /// addressed to your email).
    pub id: String,
    pub issuer: OfferIssuer,
    /// The credential's name, `fr` and `en`.
    #[schema(value_type = Object)]
    pub name: Value,
    /// The credential's types.
    #[serde(rename = "type")]
    pub types: Vec<String>,
    /// The subject data that will be issued (its `id` will be your holder DID).
    #[schema(value_type = Object)]
    pub subject: Value,
    /// `ldp_vc` or `vc+jwt`.
    pub format: String,
    pub state: String,
    pub expires_at: DateTime<Utc>,
    pub for_email: bool,
}

async fn preview(state: &AppState, offer: &OfferRecord) -> Result<OfferPreview, ApiError> {
    let (org, template) = org_and_template(state, offer).await?;
    let options: OfferOptions = serde_json::from_str(&offer.options).map_err(ApiError::internal)?;
    let mut issuer = issuer_of(state, &org).await?;
    // The citizen it is offered to sees which organisation of the
    // directory makes the offer (its page says whether it is accredited).
    issuer.organisation = org.listed.then(|| OfferOrganisation {
        slug: org.slug.clone(),
        name_fr: org.name_fr.clone(),
        name_en: org.name_en.clone(),
    });
    Ok(OfferPreview {
        id: offer.id.clone(),
        issuer,
        name: json!({"fr": template.name_fr, "en": template.name_en}),
        types: credential_types(&template),
        subject: serde_json::from_str(&offer.subject).map_err(ApiError::internal)?,
        format: options.proof_format()?.storage_format().to_owned(),
        state: offer.state_at(state.clock.now()).to_owned(),
        expires_at: offer.expires_at,
        for_email: offer.email.is_some(),
    })
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WalletOfferList {
    /// Pending offers addressed to your email.
    pub items: Vec<OfferPreview>,
    /// Offers addressed to your email are listed once it is verified.
    pub email_verified: bool,
}

/// Pending offers addressed to the citizen's verified email, newest first.
#[utoipa::path(
    get, path = "/wallet/offers", tag = "offers",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = WalletOfferList),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, description = "Not a citizen's session", content_type = "application/problem+json"),
    )
)]
async fn wallet_offers(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<Json<WalletOfferList>, ApiError> {
    if citizen.record.email_verified_at.is_none() {
        return Ok(Json(WalletOfferList {
            items: Vec::new(),
            email_verified: false,
        }));
    }
    let mut items = Vec::new();
    for offer in state
        .store
        .offers_for_email(&citizen.record.email, state.clock.now(), 100)
        .await?
    {
        items.push(preview(&state, &offer).await?);
    }
    Ok(Json(WalletOfferList {
        items,
        email_verified: true,
    }))
}

fn gone(detail: &str, state: &str) -> ApiError {
    ApiError::new(
        StatusCode::GONE,
        "offer-gone",
        "This offer can no longer be accepted",
    )
    .detail(detail)
    .with("state", state)
}

/// The offer a citizen names by its link token, or (offers addressed to
/// their verified email) by its id; checked for this citizen.
async fn citizen_offer(
    state: &AppState,
    citizen: &Citizen,
    token: &str,
) -> Result<OfferRecord, ApiError> {
    let unknown = || ApiError::not_found("No offer has this link.");
    let offer = if plausible_token(token) {
        state
            .store
            .offer_by_token(&sha256_hex(token.as_bytes()))
            .await?
            .ok_or_else(unknown)?
    } else if token.len() <= 100 && citizen.record.email_verified_at.is_some() {
        // By id: only offers addressed to this citizen's verified email
        // (another's offer is unknown, not forbidden).
        match state.store.offer_by_id(token).await? {
            Some(o) if o.email.as_deref() == Some(citizen.record.email.as_str()) => o,
            _ => return Err(unknown()),
        }
    } else {
        return Err(unknown());
    };
    if let Some(email) = &offer.email {
        if citizen.record.email_verified_at.is_none() {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "email-not-verified",
                "Verify your email address first",
            )
            .detail(
                "This offer is addressed to an email address: verify yours (the link we sent \
                 you, or POST /auth/verify-email/resend), then open the offer again.",
            ));
        }
        if *email != citizen.record.email {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "offer-for-someone-else",
                "This offer is for someone else",
            )
            .detail(
                "This offer is addressed to another email address than your account's. \
                 Log in with the account of that address.",
            ));
        }
    }
    let now = state.clock.now();
    let current = offer.state_at(now).to_owned();
    crate::delivery::opened(state, &offer).await;
    let yours = offer.citizen_id.as_deref() == Some(citizen.id());
    match current.as_str() {
        OFFER_PENDING if offer.pre_auth_used_at.is_some() => Err(gone(
            "This offer was taken with a wallet application (OpenID4VCI).",
            OFFER_ACCEPTED_ELSEWHERE,
        )),
        OFFER_PENDING => Ok(offer),
        OFFER_EXPIRED => Err(gone("This offer has expired.", OFFER_EXPIRED)),
        other => Err(gone(
            match other {
                "accepted" => "This offer was already accepted.",
                "declined" => "This offer was declined.",
                _ => "The organisation cancelled this offer.",
            },
            other,
        )
        .with("yours", yours)),
    }
}

/// The problem for an offer that another request used or ended first,
/// with the state it has now.
async fn lost_race(state: &AppState, id: &str) -> ApiError {
    let current = match state.store.offer_by_id(id).await {
        Ok(Some(o)) if o.state == OFFER_PENDING && o.pre_auth_used_at.is_some() => {
            OFFER_ACCEPTED_ELSEWHERE.to_owned()
        }
        Ok(Some(o)) => o.state_at(state.clock.now()).to_owned(),
        _ => "unknown".to_owned(),
    };
    gone(
        "Another request used or ended this offer meanwhile.",
        &current,
    )
}

/// The state reported for an offer whose OpenID4VCI code was exchanged.
const OFFER_ACCEPTED_ELSEWHERE: &str = "taken";

/// Preview an offer: who offers what, with which data, until when.
#[utoipa::path(
    get, path = "/wallet/offers/{token}", tag = "offers",
    security(("bearer" = []), ("cookie" = [])),
    params(("token" = String, Path, description = "The link's token, or the id of an offer addressed to your email")),
    responses(
        (status = 200, body = OfferPreview),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, description = "For someone else, or your email is not verified yet", content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 410, body = ProblemBody, description = "Expired, accepted, declined or cancelled (`state`)", content_type = "application/problem+json"),
    )
)]
async fn preview_offer(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(token): Path<String>,
) -> Result<Json<OfferPreview>, ApiError> {
    let offer = citizen_offer(&state, &citizen, &token).await?;
    Ok(Json(preview(&state, &offer).await?))
}

/// A credential the citizen holds, as received.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HoldingView {
    pub id: String,
    /// `ldp_vc` or `vc+jwt`.
    pub format: String,
    /// The credential as issued: a JSON object (`ldp_vc`) or the compact
    /// JWT (`vc+jwt`).
    #[schema(value_type = Object)]
    pub credential: Value,
    pub issuer: String,
    #[serde(rename = "type")]
    pub types: Vec<String>,
    pub title: String,
    pub source: String,
    pub received_at: DateTime<Utc>,
}

/// Accept an offer: the credential is issued to your holder DID and kept
/// in your wallet exactly as issued.
#[utoipa::path(
    post, path = "/wallet/offers/{token}/accept", tag = "offers",
    security(("bearer" = []), ("cookie" = [])),
    params(("token" = String, Path, description = "The link's token, or the id of an offer addressed to your email")),
    responses(
        (status = 201, body = HoldingView, description = "The credential, now in the wallet"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, description = "For someone else, or your email is not verified yet", content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 410, body = ProblemBody, description = "Expired, already used, declined or cancelled (`state`)", content_type = "application/problem+json"),
    )
)]
async fn accept_offer(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let offer = citizen_offer(&state, &citizen, &token).await?;
    let (org, template) = org_and_template(&state, &offer).await?;
    let holder = citizen.record.holder_did.clone();
    let signed = issue_for(
        &state,
        &offer,
        &org,
        &template,
        &holder,
        citizen.request_id.clone(),
    )
    .await?;
    let now = state.clock.now();
    let types: Vec<String> = credential_types(&template);
    let holding = HoldingRecord {
        id: new_id(),
        citizen_id: citizen.id().to_owned(),
        format: signed.record.format.clone(),
        body: signed.record.body.clone(),
        credential_id: Some(signed.record.credential_id.clone()).filter(|c| !c.is_empty()),
        issuer: state.orgs.did_of(&org),
        types: serde_json::to_string(&types).map_err(ApiError::internal)?,
        title: template.name_fr.clone(),
        valid_from: Some(signed.record.issued_at),
        valid_until: None,
        source: "offer".into(),
        tags: "[]".into(),
        import_report: None,
        received_at: now,
    };
    let accepted = citizen.actor().entry(
        now,
        Some(&org.id),
        action::OFFER_ACCEPTED,
        format!("offer:{}", offer.id),
        Some(json!({"credential": signed.record.id, "channel": "wallet"})),
    );
    let outcome = state
        .store
        .accept_offer(
            &offer.id,
            citizen.id(),
            &signed.record,
            &[signed.audit.clone(), accepted],
            &holding,
            now,
        )
        .await;
    match outcome {
        Ok(true) => {}
        Ok(false) => {
            discard(&state, &signed.record.id).await;
            return Err(lost_race(&state, &offer.id).await);
        }
        Err(e) => {
            discard(&state, &signed.record.id).await;
            return Err(e.into());
        }
    }
    tracing::info!(offer = %offer.id, credential = %signed.record.id, "offer accepted");
    let credential = if holding.format == "ldp_vc" {
        serde_json::from_str(&holding.body).map_err(ApiError::internal)?
    } else {
        Value::String(holding.body.clone())
    };
    Ok((
        StatusCode::CREATED,
        Json(HoldingView {
            id: holding.id,
            format: holding.format,
            credential,
            issuer: holding.issuer,
            types,
            title: holding.title,
            source: holding.source,
            received_at: holding.received_at,
        }),
    )
        .into_response())
}

/// Signs (without recording) the offer's credential for `holder`: the
/// caller records it with the offer's consumption, or discards it.
pub(crate) async fn issue_for(
    state: &AppState,
    offer: &OfferRecord,
    org: &Organisation,
    template: &Template,
    holder: &str,
    request_id: Option<String>,
) -> Result<Signed, ApiError> {
    let options: OfferOptions = serde_json::from_str(&offer.options).map_err(ApiError::internal)?;
    let format = options.proof_format()?;
    let stored: Value = serde_json::from_str(&offer.subject).map_err(ApiError::internal)?;
    let subject = subject_for(&stored, holder)?;
    // The template cannot change, but the check is cheap: never sign what
    // the schema refuses.
    check_subject(&subject_validator(&stored_schema(template)?)?, &subject)?;
    let credential = build_credential(state, org, template, &subject)?;
    // Issued on the organisation's authority: the actor is whoever made
    // the offer, in this request.
    let actor = Actor {
        label: offer.created_by.clone(),
        request_id,
    };
    sign_credential(
        state,
        org,
        &actor,
        IssueInput {
            credential,
            format,
            template_id: Some(template.id.clone()),
            // A batch's offer: the credential carries the row's reference.
            reference: offer.reference.clone(),
            subject_name: subject_name(&subject),
            subject_email: offer.email.clone(),
        },
    )
    .await
}

/// Decline an offer: it can no longer be accepted, by anyone.
#[utoipa::path(
    post, path = "/wallet/offers/{token}/decline", tag = "offers",
    security(("bearer" = []), ("cookie" = [])),
    params(("token" = String, Path, description = "The link's token, or the id of an offer addressed to your email")),
    responses(
        (status = 204, description = "Declined"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, description = "For someone else, or your email is not verified yet", content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 410, body = ProblemBody, description = "Expired, already used, declined or cancelled (`state`)", content_type = "application/problem+json"),
    )
)]
async fn decline_offer(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(token): Path<String>,
) -> Result<StatusCode, ApiError> {
    let offer = citizen_offer(&state, &citizen, &token).await?;
    let now = state.clock.now();
    let audit = citizen.actor().entry(
        now,
        Some(&offer.org_id),
        action::OFFER_DECLINED,
        format!("offer:{}", offer.id),
        None,
    );
    if !state
        .store
        .decline_offer(&offer.id, citizen.id(), now, &audit)
        .await?
    {
        return Err(lost_race(&state, &offer.id).await);
    }
    // The organisation is told (the address it offered to, if any: a link
    // offer's decliner stays unnamed).
    if let (Ok(Some(org)), Ok(Some(template))) = (
        state.store.get_org(&offer.org_id).await,
        state
            .store
            .get_template(&offer.org_id, &offer.template_id)
            .await,
    ) {
        let notice = atout_core::notify::Notice::org(
            &org.id,
            atout_core::notify::Kind::OfferDeclined,
            json!({"titleFr": template.name_fr, "titleEn": template.name_en, "email": offer.email}),
        )
        .link(match &offer.batch_id {
            Some(batch) => format!("/console/orgs/{}/batches/{batch}", org.slug),
            None => format!("/console/orgs/{}/offers", org.slug),
        });
        atout_core::notify::notify(state.store.as_ref(), now, vec![notice]).await;
    }
    Ok(StatusCode::NO_CONTENT)
}
