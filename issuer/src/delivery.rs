//! Delivery of bulk issuance: a batch row with an e-mail (when the batch
//! delivers) or naming an Atout account in its `holder` column becomes an
//! offer ([`crate::offers`]), mailed through the outbox in the batch's
//! language with the organisation's name; a row whose `holder` is a bare
//! DID (no account) is issued bound to it (`credentialSubject.id`).
//!
//! * The offers, their mails and audit lines are written in the
//!   transaction of their chunk ([`atout_core::store::Store::complete_chunk`]):
//!   a resumed batch never mails twice and never loses a row.
//! * Accepting (in the wallet, or through OpenID4VCI) is the offers' own
//!   code path: the credential is issued to the holder's DID then, with the
//!   row's reference.
//! * A batch offer's link token and OpenID4VCI code are derived from its id
//!   under a key derived from the master key, so that resending and
//!   reminding can mail the same link again; only their digests are stored.
//! * Status of a row, from its offer and its last mail: `queued`, `sent`,
//!   `opened` (the link was opened), `accepted`, `declined`, `expired`,
//!   `bounced` (the mail server refused the mail), `withdrawn`.
//!
//! | route | caller |
//! |---|---|
//! | `GET /orgs/{slug}/batches/{id}/delivery` | admin, or that organisation's API key |
//! | `POST /orgs/{slug}/batches/{id}/resend`, `POST /orgs/{slug}/batches/{id}/rows/{row}/resend` | admin, or that organisation's API key |
//! | `POST /orgs/{slug}/batches/{id}/withdraw`, `POST /orgs/{slug}/batches/{id}/rows/{row}/withdraw` | admin, or that organisation's API key |

use crate::{offers::OfferOptions, oid4vci};
use atout_core::{
    audit::action,
    crypto::{sha256_hex, MasterKey},
    ids::new_id,
    store::{
        Batch, OfferMail, OfferRecord, Organisation, OutboxMessage, RowDelivery, Template,
        DELIVERY_STATUSES, OFFER_PENDING,
    },
};
use atout_web::{auth::OrgMember, problem::ProblemBody, ApiError, AppState, Json, Path};
use axum::extract::State;
use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(delivery))
        .routes(routes!(resend_all))
        .routes(routes!(resend_row))
        .routes(routes!(withdraw_all))
        .routes(routes!(withdraw_row))
}

/// How a batch delivers, stored with its options (`delivery`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DeliveryOptions {
    /// Rows with an `email` get an offer by mail.
    #[serde(default)]
    pub deliver: bool,
    /// The language of the mails: `fr` (default) or `en`.
    #[serde(default)]
    pub lang: Option<String>,
    /// Lifetime of the offers in days, 1 to 366 (default:
    /// `batch_offer_ttl_days`, 90).
    #[serde(default)]
    pub ttl_days: Option<u32>,
}

impl DeliveryOptions {
    /// Checks the options given at upload.
    pub fn check(&self) -> Result<(), ApiError> {
        if let Some(l) = &self.lang {
            if l != "fr" && l != "en" {
                return Err(ApiError::unprocessable("lang is fr or en").with("field", "lang"));
            }
        }
        if let Some(d) = self.ttl_days {
            if !(1..=366).contains(&d) {
                return Err(
                    ApiError::unprocessable("ttl_days must be between 1 and 366")
                        .with("field", "ttl_days"),
                );
            }
        }
        Ok(())
    }

    pub fn lang(&self) -> &str {
        match self.lang.as_deref() {
            Some("en") => "en",
            _ => "fr",
        }
    }

    pub fn ttl(&self, state: &AppState) -> Duration {
        match self.ttl_days {
            Some(d) => Duration::days(i64::from(d)),
            None => Duration::from_std(state.config.wallet.batch_offer_ttl)
                .unwrap_or(Duration::days(90)),
        }
    }
}

/// Derives the secrets of batch offers (see the module's notes).
pub struct Secrets(MasterKey);

impl Secrets {
    pub fn new(state: &AppState) -> Self {
        Self(state.token_key.derive("atout batch offers"))
    }

    fn derive(&self, what: &str, offer_id: &str) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(self.0.mac(format!("{what}:{offer_id}").as_bytes()))
    }

    /// The link token of an offer.
    pub fn token(&self, offer_id: &str) -> String {
        self.derive("link", offer_id)
    }

    /// The OpenID4VCI pre-authorized code of an offer.
    pub fn code(&self, offer_id: &str) -> String {
        self.derive("code", offer_id)
    }
}

/// What a batch offer mail says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    Offer,
    Reminder,
}

/// The message of a batch offer, in `lang`.
#[allow(clippy::too_many_arguments)]
pub fn offer_mail(
    lang: &str,
    kind: MailKind,
    org: &Organisation,
    template: &Template,
    link: &str,
    oid4vci_uri: &str,
    expires_at: DateTime<Utc>,
) -> (String, String) {
    if lang == "en" {
        let day = expires_at.format("%-d %B %Y");
        let (org, name) = (&org.name_en, &template.name_en);
        let subject = match kind {
            MailKind::Offer => format!("{org}: your credential \"{name}\""),
            MailKind::Reminder => format!("Reminder — {org}: your credential \"{name}\""),
        };
        let opening = match kind {
            MailKind::Offer => format!("{org} has issued you the credential \"{name}\"."),
            MailKind::Reminder => format!(
                "{org} issued you the credential \"{name}\", and it is still waiting for you: \
                 the link expires on {day}."
            ),
        };
        let body = format!(
            "Hello,\n\n{opening} To receive it in your Atout wallet, open this link (valid until \
             {day}):\n\n{link}\n\nYou can also take it with another wallet application \
             (OpenID4VCI): open this link on the phone that has it:\n\n{oid4vci_uri}\n\n\
             Log in (or create your account) with this e-mail address. If you expected \
             nothing, ignore this message.\n"
        );
        (subject, body)
    } else {
        let day = expires_at.format("%d/%m/%Y");
        let (org, name) = (&org.name_fr, &template.name_fr);
        let subject = match kind {
            MailKind::Offer => format!("{org} : votre attestation « {name} »"),
            MailKind::Reminder => format!("Rappel — {org} : votre attestation « {name} »"),
        };
        let opening = match kind {
            MailKind::Offer => format!("{org} vous a délivré l’attestation « {name} »."),
            MailKind::Reminder => format!(
                "{org} vous a délivré l’attestation « {name} », qui vous attend toujours : \
                 le lien expire le {day}."
            ),
        };
        let body = format!(
            "Bonjour,\n\n{opening} Pour la recevoir dans votre portefeuille Atout, ouvrez ce \
             lien (valable jusqu’au {day}) :\n\n{link}\n\nVous pouvez aussi la recevoir avec \
             une autre application de portefeuille (OpenID4VCI) : ouvrez ce lien sur le \
             téléphone où elle est installée :\n\n{oid4vci_uri}\n\nConnectez-vous (ou créez \
             votre compte) avec cette adresse e-mail. Si vous n’attendiez rien, ignorez ce \
             message.\n"
        );
        (subject, body)
    }
}

/// The link of an offer token.
pub fn link(state: &AppState, token: &str) -> String {
    format!("{}/offers/{token}", state.config.base())
}

/// The OpenID4VCI offer (by reference) of a batch offer's code.
pub fn oid4vci_uri(state: &AppState, options: &OfferOptions, code: &str) -> String {
    let config_id = options
        .proof_format()
        .map(oid4vci::configuration_id)
        .unwrap_or(oid4vci::CONFIG_LDP_VC);
    oid4vci::offer_uris(state, config_id, code, false).offer_by_reference_uri
}

/// A batch offer and its first mail, ready to be written with its chunk.
#[allow(clippy::too_many_arguments)]
pub fn new_offer(
    state: &AppState,
    secrets: &Secrets,
    batch: &Batch,
    org: &Organisation,
    template: &Template,
    options: &OfferOptions,
    options_json: &str,
    lang: &str,
    reference: &str,
    subject: &str,
    email: &str,
    citizen_id: Option<String>,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> (OfferRecord, OutboxMessage) {
    let id = new_id();
    let token = secrets.token(&id);
    let code = secrets.code(&id);
    let mail_id = new_id();
    let (mail_subject, body) = offer_mail(
        lang,
        MailKind::Offer,
        org,
        template,
        &link(state, &token),
        &oid4vci_uri(state, options, &code),
        expires_at,
    );
    let offer = OfferRecord {
        id,
        org_id: org.id.clone(),
        template_id: template.id.clone(),
        token_hash: sha256_hex(token.as_bytes()),
        pre_auth_hash: sha256_hex(code.as_bytes()),
        tx_code_hash: None,
        tx_attempts: 0,
        pre_auth_used_at: None,
        subject: subject.to_owned(),
        email: Some(email.to_owned()),
        options: options_json.to_owned(),
        state: OFFER_PENDING.into(),
        channel: None,
        citizen_id: None,
        credential_ref: None,
        created_by: batch.actor.clone(),
        created_at: now,
        expires_at,
        ended_at: None,
        batch_id: Some(batch.id.clone()),
        reference: Some(reference.to_owned()),
        lang: Some(lang.to_owned()),
        opened_at: None,
        mailed_at: Some(now),
        reminded_at: None,
        mail_id: Some(mail_id.clone()),
    };
    let mail = OutboxMessage {
        id: mail_id,
        recipient: email.to_owned(),
        subject: mail_subject,
        body,
        kind: "offer".into(),
        citizen_id,
        created_at: now,
        next_attempt_at: now,
        attempts: 0,
        sent_at: None,
        last_error: None,
        html: None,
        unsubscribe_url: None,
    };
    (offer, mail)
}

/// Tells the Atout accounts among a chunk's offers (issue 19), once the
/// chunk is written.
pub async fn notify_offered(
    state: &AppState,
    org: &Organisation,
    template: &Template,
    offered: &[(
        i64,
        OfferRecord,
        OutboxMessage,
        atout_core::store::NewAuditEntry,
    )],
) {
    let offers: Vec<(String, String, DateTime<Utc>)> = offered
        .iter()
        .filter_map(|(_, o, m, _)| {
            m.citizen_id
                .clone()
                .map(|c| (c, o.id.clone(), o.expires_at))
        })
        .collect();
    atout_core::notify::credential_offered(
        state.store.as_ref(),
        state.clock.now(),
        org,
        template,
        &offers,
    )
    .await;
}

/// The mail of an existing batch offer (resent, or its reminder).
async fn mail_again(
    state: &AppState,
    secrets: &Secrets,
    offer: &OfferRecord,
    kind: MailKind,
    expires_at: DateTime<Utc>,
) -> Result<Option<OfferMail>, ApiError> {
    let Some(email) = offer.email.clone() else {
        return Ok(None);
    };
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
    let options: OfferOptions = serde_json::from_str(&offer.options).map_err(ApiError::internal)?;
    let (subject, body) = offer_mail(
        offer.lang.as_deref().unwrap_or("fr"),
        kind,
        &org,
        &template,
        &link(state, &secrets.token(&offer.id)),
        &oid4vci_uri(state, &options, &secrets.code(&offer.id)),
        expires_at,
    );
    let citizen_id = state.store.citizen_by_email(&email).await?.map(|c| c.id);
    let now = state.clock.now();
    Ok(Some(OfferMail {
        offer_id: offer.id.clone(),
        expires_at,
        mail: OutboxMessage {
            id: new_id(),
            recipient: email,
            subject,
            body,
            kind: match kind {
                MailKind::Offer => "offer".into(),
                MailKind::Reminder => "offer-reminder".into(),
            },
            citizen_id,
            created_at: now,
            next_attempt_at: now,
            attempts: 0,
            sent_at: None,
            last_error: None,
            html: None,
            unsubscribe_url: None,
        },
    }))
}

/// Queues the reminders that are due, once each. Returns how many.
pub async fn send_reminders(state: &AppState) -> Result<u64, ApiError> {
    let lead = state.config.wallet.batch_reminder;
    if lead.is_zero() {
        return Ok(0);
    }
    let lead = Duration::from_std(lead).map_err(ApiError::internal)?;
    let secrets = Secrets::new(state);
    let mut total = 0;
    loop {
        let now = state.clock.now();
        let due = state.store.due_reminders(now, lead, 200).await?;
        if due.is_empty() {
            break;
        }
        let mut mails = Vec::new();
        for offer in &due {
            if let Some(m) =
                mail_again(state, &secrets, offer, MailKind::Reminder, offer.expires_at).await?
            {
                mails.push(m);
            }
        }
        let done = state.store.record_reminders(&mails, now).await?;
        total += done;
        if done == 0 || due.len() < 200 {
            break;
        }
    }
    if total > 0 {
        tracing::info!(reminders = total, "batch offers: reminders queued");
    }
    Ok(total)
}

/// The reminder worker: every ten minutes, forever.
pub async fn reminders_forever(state: AppState) {
    loop {
        if let Err(e) = send_reminders(&state).await {
            tracing::error!(error = %e, "batch offers: reminders failed");
        }
        tokio::time::sleep(std::time::Duration::from_secs(600)).await;
    }
}

/// The options a batch was made with.
pub fn batch_delivery(batch: &Batch) -> DeliveryOptions {
    serde_json::from_str::<serde_json::Value>(&batch.options)
        .ok()
        .and_then(|v| v.get("delivery").cloned())
        .and_then(|d| serde_json::from_value(d).ok())
        .unwrap_or_default()
}

async fn org_batch(
    state: &AppState,
    slug: &str,
    id: &str,
) -> Result<(Organisation, Batch), ApiError> {
    let org = state.orgs.find(slug).await?;
    if id.len() > 100 {
        return Err(ApiError::not_found("This organisation has no such batch."));
    }
    let batch = state
        .store
        .get_batch(id)
        .await?
        .filter(|b| b.org_id == org.id)
        .ok_or_else(|| ApiError::not_found("This organisation has no such batch."))?;
    Ok((org, batch))
}

/// A batch's delivery: how many rows are in each status.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliverySummary {
    /// Rows delivered as offers.
    pub offered: i64,
    /// Offers per status: `queued`, `sent`, `opened`, `accepted`,
    /// `declined`, `expired`, `bounced`, `withdrawn` (every key present).
    pub counts: BTreeMap<String, i64>,
    /// Whether the batch mails rows with an `email`.
    pub deliver: bool,
    pub lang: String,
    pub ttl_days: i64,
}

/// A batch's delivery counts.
#[utoipa::path(
    get, path = "/orgs/{slug}/batches/{id}/delivery", tag = "batches",
    security(("bearer" = [])),
    params(("slug" = String, Path), ("id" = String, Path)),
    responses(
        (status = 200, body = DeliverySummary),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn delivery(
    State(state): State<AppState>,
    OrgMember(_principal): OrgMember,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Json<DeliverySummary>, ApiError> {
    let (_, batch) = org_batch(&state, &slug, &id).await?;
    let options = batch_delivery(&batch);
    let mut counts: BTreeMap<String, i64> = DELIVERY_STATUSES
        .iter()
        .filter(|s| **s != "issued")
        .map(|s| ((*s).to_owned(), 0))
        .collect();
    for (status, n) in state
        .store
        .delivery_counts(&batch.id, state.clock.now())
        .await?
    {
        counts.insert(status, n);
    }
    Ok(Json(DeliverySummary {
        offered: batch.offered,
        counts,
        deliver: options.deliver,
        lang: options.lang().to_owned(),
        ttl_days: options.ttl(&state).num_days(),
    }))
}

/// What resending or withdrawing did.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryAction {
    /// How many offers were resent or withdrawn.
    pub count: u64,
}

fn row_number(row: &str) -> Result<i64, ApiError> {
    row.parse::<i64>()
        .ok()
        .filter(|r| *r >= 1)
        .ok_or_else(|| ApiError::not_found("This batch has no such row."))
}

async fn resend(
    state: &AppState,
    principal: &atout_web::auth::Principal,
    slug: &str,
    id: &str,
    row: Option<i64>,
) -> Result<Json<DeliveryAction>, ApiError> {
    let (org, batch) = org_batch(state, slug, id).await?;
    let offers = state.store.resendable_offers(&batch.id, row).await?;
    if offers.is_empty() && row.is_some() {
        return Err(row_not_pending(state, &batch, row).await);
    }
    let secrets = Secrets::new(state);
    let now = state.clock.now();
    let expires_at = now + batch_delivery(&batch).ttl(state);
    let mut mails = Vec::new();
    for offer in &offers {
        if let Some(m) = mail_again(state, &secrets, offer, MailKind::Offer, expires_at).await? {
            mails.push(m);
        }
    }
    let audit = principal.actor().entry(
        now,
        Some(&org.id),
        action::BATCH_OFFERS_RESENT,
        format!("batch:{}", batch.id),
        Some(json!({"row": row, "offers": mails.len()})),
    );
    let count = state.store.resend_offers(&mails, &audit, now).await?;
    tracing::info!(batch = %batch.id, resent = count, "batch offers resent");
    Ok(Json(DeliveryAction { count }))
}

/// The problem for a row that has no offer to resend or withdraw.
async fn row_not_pending(state: &AppState, batch: &Batch, row: Option<i64>) -> ApiError {
    let Some(row) = row else {
        return ApiError::conflict("No offer of this batch is pending.");
    };
    let found = state
        .store
        .rows_delivery(&batch.id, row, row, state.clock.now())
        .await
        .ok()
        .and_then(|mut r| r.pop());
    match found {
        Some(RowDelivery { status, .. }) => {
            ApiError::conflict("This row's offer is no longer pending.").with("delivery", status)
        }
        None => ApiError::not_found("This batch has no offered row with this number."),
    }
}

/// Resend the offer of every row still pending (expired or bounced
/// included): the same link, mailed again, valid for the batch's lifetime
/// from now; the reminder can come again.
#[utoipa::path(
    post, path = "/orgs/{slug}/batches/{id}/resend", tag = "batches",
    security(("bearer" = [])),
    params(("slug" = String, Path), ("id" = String, Path)),
    responses(
        (status = 200, body = DeliveryAction),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn resend_all(
    State(state): State<AppState>,
    OrgMember(principal): OrgMember,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Json<DeliveryAction>, ApiError> {
    resend(&state, &principal, &slug, &id, None).await
}

/// Resend one row's offer (see `POST .../resend`).
#[utoipa::path(
    post, path = "/orgs/{slug}/batches/{id}/rows/{row}/resend", tag = "batches",
    security(("bearer" = [])),
    params(("slug" = String, Path), ("id" = String, Path), ("row" = i64, Path)),
    responses(
        (status = 200, body = DeliveryAction),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, description = "No such batch, or no offered row with this number", content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "Accepted, declined or withdrawn (`delivery`)", content_type = "application/problem+json"),
    )
)]
async fn resend_row(
    State(state): State<AppState>,
    OrgMember(principal): OrgMember,
    Path((slug, id, row)): Path<(String, String, String)>,
) -> Result<Json<DeliveryAction>, ApiError> {
    let row = row_number(&row)?;
    resend(&state, &principal, &slug, &id, Some(row)).await
}

async fn withdraw(
    state: &AppState,
    principal: &atout_web::auth::Principal,
    slug: &str,
    id: &str,
    row: Option<i64>,
) -> Result<Json<DeliveryAction>, ApiError> {
    let (org, batch) = org_batch(state, slug, id).await?;
    let now = state.clock.now();
    let audit = principal.actor().entry(
        now,
        Some(&org.id),
        action::BATCH_OFFERS_WITHDRAWN,
        format!("batch:{}", batch.id),
        Some(json!({"row": row})),
    );
    let count = state
        .store
        .withdraw_offers(&batch.id, row, &audit, now)
        .await?;
    if count == 0 && row.is_some() {
        return Err(row_not_pending(state, &batch, row).await);
    }
    tracing::info!(batch = %batch.id, withdrawn = count, "batch offers withdrawn");
    Ok(Json(DeliveryAction { count }))
}

/// Withdraw the offer of every row still pending: their links and
/// OpenID4VCI codes stop working.
#[utoipa::path(
    post, path = "/orgs/{slug}/batches/{id}/withdraw", tag = "batches",
    security(("bearer" = [])),
    params(("slug" = String, Path), ("id" = String, Path)),
    responses(
        (status = 200, body = DeliveryAction),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn withdraw_all(
    State(state): State<AppState>,
    OrgMember(principal): OrgMember,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Json<DeliveryAction>, ApiError> {
    withdraw(&state, &principal, &slug, &id, None).await
}

/// Withdraw one row's offer.
#[utoipa::path(
    post, path = "/orgs/{slug}/batches/{id}/rows/{row}/withdraw", tag = "batches",
    security(("bearer" = [])),
    params(("slug" = String, Path), ("id" = String, Path), ("row" = i64, Path)),
    responses(
        (status = 200, body = DeliveryAction),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, description = "No such batch, or no offered row with this number", content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "Accepted, declined or withdrawn (`delivery`)", content_type = "application/problem+json"),
    )
)]
async fn withdraw_row(
    State(state): State<AppState>,
    OrgMember(principal): OrgMember,
    Path((slug, id, row)): Path<(String, String, String)>,
) -> Result<Json<DeliveryAction>, ApiError> {
    let row = row_number(&row)?;
    withdraw(&state, &principal, &slug, &id, Some(row)).await
}

/// Marks a batch offer's link as opened (first time only).
pub async fn opened(state: &AppState, offer: &OfferRecord) {
    if offer.batch_id.is_some() && offer.opened_at.is_none() {
        if let Err(e) = state.store.offer_opened(&offer.id, state.clock.now()).await {
            tracing::warn!(error = %e, offer = %offer.id, "cannot record that an offer was opened");
        }
    }
}

/// The `delivery` of a row as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RowDeliveryView {
    pub offer_id: String,
    /// `queued`, `sent`, `opened`, `accepted`, `declined`, `expired`,
    /// `bounced` or `withdrawn`.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub expires_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opened_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mailed_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reminded_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<DateTime<Utc>>,
    /// The credential issued on acceptance (registry id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_ref: Option<String>,
    /// Why the mail bounced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mail_error: Option<String>,
}

impl From<RowDelivery> for RowDeliveryView {
    fn from(d: RowDelivery) -> Self {
        Self {
            offer_id: d.offer_id,
            status: d.status,
            email: d.email,
            expires_at: d.expires_at,
            opened_at: d.opened_at,
            mailed_at: d.mailed_at,
            reminded_at: d.reminded_at,
            ended_at: d.ended_at,
            credential_ref: d.credential_ref,
            mail_error: d.mail_error,
        }
    }
}

/// Who a row names, resolved for a chunk.
#[derive(Debug, Clone)]
pub enum Recipient {
    /// Issued as today, bound to no one.
    Nobody,
    /// Issued bound to this DID (no Atout account has it).
    Did(String),
    /// An offer mailed to this address (an account's, if `citizen_id`).
    Offer {
        email: String,
        citizen_id: Option<String>,
    },
}

/// Resolves the recipients of a chunk's rows: `holder` (a DID or an
/// account's e-mail) first, then `email` when the batch delivers.
pub async fn recipients(
    state: &AppState,
    deliver: bool,
    rows: &[(Option<String>, Option<String>)],
) -> Result<Vec<Recipient>, ApiError> {
    let mut dids = Vec::new();
    let mut emails = Vec::new();
    for (holder, email) in rows {
        match holder {
            Some(h) if h.starts_with("did:") => dids.push(h.clone()),
            Some(h) => emails.push(h.to_lowercase()),
            None => {
                if let (true, Some(e)) = (deliver, email) {
                    emails.push(e.to_lowercase());
                }
            }
        }
    }
    let by_did: std::collections::HashMap<String, atout_core::store::AccountRef> = state
        .store
        .accounts_by_did(&dids)
        .await?
        .into_iter()
        .map(|a| (a.holder_did.clone(), a))
        .collect();
    let by_email: std::collections::HashMap<String, atout_core::store::AccountRef> = state
        .store
        .accounts_by_email(&emails)
        .await?
        .into_iter()
        .map(|a| (a.email.clone(), a))
        .collect();
    let offer_to = |e: &str| {
        let e = e.to_lowercase();
        Recipient::Offer {
            citizen_id: by_email.get(&e).map(|a| a.id.clone()),
            email: e,
        }
    };
    Ok(rows
        .iter()
        .map(|(holder, email)| match holder {
            Some(h) if h.starts_with("did:") => match by_did.get(h) {
                Some(a) => Recipient::Offer {
                    email: a.email.clone(),
                    citizen_id: Some(a.id.clone()),
                },
                None => Recipient::Did(h.clone()),
            },
            Some(h) => offer_to(h),
            None => match (deliver, email) {
                (true, Some(e)) => offer_to(e),
                _ => Recipient::Nobody,
            },
        })
        .collect())
}

/// Checks a `holder` cell: a DID (`did:method:id`) or an e-mail address.
pub fn check_holder(holder: &str) -> Result<(), &'static str> {
    let printable = !holder.chars().any(|c| c.is_control() || c.is_whitespace());
    if holder.starts_with("did:") {
        let mut parts = holder.splitn(3, ':');
        let (_, method, id) = (parts.next(), parts.next(), parts.next());
        let ok = printable
            && holder.len() <= 500
            && method.is_some_and(|m| {
                !m.is_empty()
                    && m.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            })
            && id.is_some_and(|i| !i.is_empty());
        return if ok {
            Ok(())
        } else {
            Err("holder is not a DID (did:method:identifier)")
        };
    }
    if crate::templates::check_email(&Some(holder.to_owned())).is_ok() && printable {
        Ok(())
    } else {
        Err("holder is a DID (did:…) or the e-mail address of an Atout account")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holders() {
        assert!(check_holder("did:key:z6Mkabc").is_ok());
        assert!(check_holder("did:web:example.org:u:1").is_ok());
        assert!(check_holder("renee@example.org").is_ok());
        assert!(check_holder("did:").is_err());
        assert!(check_holder("did:Key:x").is_err());
        assert!(check_holder("did:key:").is_err());
        assert!(check_holder("renee").is_err());
        assert!(check_holder("a b@example.org").is_err());
        assert!(check_holder(&format!("did:key:{}", "z".repeat(600))).is_err());
    }
}
