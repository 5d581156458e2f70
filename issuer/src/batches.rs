//! Bulk issuance: a batch of subjects (CSV or JSON Lines) issued from a
//! template, idempotent per reference and resumable after a crash.
//!
//! * Every row carries the organisation's own `reference`; a reference that
//!   was already issued is skipped, so re-running a file issues nothing twice.
//! * Rows are processed in chunks: status entries are allocated for the
//!   chunk, credentials are signed on every core, then the credentials,
//!   their audit lines, the row states and the counters are written in one
//!   transaction. A crash loses at most the chunk in flight, which is
//!   redone: every row ends issued exactly once.
//! * A worker holds a lease on the batch; after a restart, batches whose
//!   lease expired are resumed.
//! * Delivery ([`crate::delivery`]): rows to deliver become offers, written
//!   with their mails in the chunk's transaction (a reference already
//!   offered is skipped too).
//!
//! | route | caller |
//! |---|---|
//! | `POST /orgs/{slug}/batches?template=ID[&deliver=true]` | that organisation's API key |
//! | `GET /orgs/{slug}/batches/{id}`, `GET /orgs/{slug}/batches/{id}/rows` | admin, or that organisation's API key |

use crate::{
    credentials::{invalid, sign_error, IssueOptions},
    csv_input::{self, CellError},
    delivery::{DeliveryOptions, Recipient, RowDeliveryView},
    offers::{OfferOptions, STAND_IN_HOLDER},
    templates::{build_credential, check_subject, stored_schema, subject_name, subject_validator},
};
use atout_core::{
    audit::{action, Actor},
    ids::new_id,
    store::{Batch, BatchRow, ChunkOutcome, IssuedCredential, Organisation, Template},
};
use atout_vc::{model, sign};
use atout_web::{
    auth::{OrgKey, Principal},
    problem::ProblemBody,
    ApiError, AppState, Json, Path, Query,
};
use axum::{
    body::Bytes,
    extract::{DefaultBodyLimit, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::sync::Arc;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// Largest upload (about 100,000 rows of a diploma).
pub const BATCH_BODY_LIMIT: usize = atout_web::BATCH_BODY_LIMIT;
/// Most rows in one batch.
pub const MAX_ROWS: usize = 200_000;
/// Rows per transaction.
pub const CHUNK: u32 = 512;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_batch_route))
        .layer(DefaultBodyLimit::max(BATCH_BODY_LIMIT))
        .routes(routes!(get_batch))
        .routes(routes!(batch_rows))
}

/// A parsed input row.
#[derive(Debug, Clone)]
pub struct InputRow {
    pub reference: String,
    pub email: Option<String>,
    /// Whom to deliver to: a DID, or the e-mail of an Atout account (see
    /// [`crate::delivery`]).
    pub holder: Option<String>,
    pub subject: Value,
}

fn bad_file(mut errors: Vec<CellError>) -> ApiError {
    errors.sort_by_key(|e| (e.row, e.line));
    errors.truncate(csv_input::MAX_ERRORS);
    let first = errors.first().map(CellError::message).unwrap_or_default();
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid-batch",
        "The file cannot be issued as it is",
    )
    .detail(format!("{} problem(s); first: {first}", errors.len()))
    .with(
        "errors",
        Value::Array(errors.iter().map(CellError::to_json).collect()),
    )
}

/// Parses CSV (see [`csv_input`]: a `reference` column, an optional `email`
/// column, and the subject's fields by dotted path or label, typed by the
/// template's schema) or JSON Lines (`{"reference", "email"?, "subject"}`
/// per line), fills in the `constants` (dotted path → value, for every row
/// that leaves it empty) and the schema's `const` values, and checks every
/// row against the template. Row numbers start at 1.
pub fn parse_rows(
    csv: bool,
    data: &[u8],
    schema: &Value,
    constants: &Map<String, Value>,
) -> Result<Vec<InputRow>, ApiError> {
    let fields = csv_input::schema_fields(schema);
    let constants = csv_input::constants(constants, &fields).map_err(bad_file)?;
    // (row, line, reference, email, holder, subject)
    #[allow(clippy::type_complexity)]
    let mut rows: Vec<(
        usize,
        usize,
        String,
        Option<String>,
        Option<String>,
        Map<String, Value>,
    )> = Vec::new();
    let mut errors = Vec::new();
    let mut file = None;
    if csv {
        let mut parsed = csv_input::read_csv(data, &fields, MAX_ROWS);
        errors.append(&mut parsed.errors);
        // Problems of the file as a whole: the rows are not worth checking.
        if errors
            .iter()
            .any(|e| e.row == 0 || matches!(e.code, "too-many-rows" | "unreadable-file"))
        {
            return Err(bad_file(errors));
        }
        rows.extend(
            std::mem::take(&mut parsed.rows)
                .into_iter()
                .enumerate()
                .map(|(i, r)| (i + 1, r.line, r.reference, r.email, r.holder, r.subject)),
        );
        file = Some(parsed);
    } else {
        let Ok(text) = std::str::from_utf8(data) else {
            return Err(bad_file(vec![CellError::new(0, 0, "jsonl-utf8")]));
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (i, line) in text.lines().enumerate() {
            if errors.len() >= csv_input::MAX_ERRORS {
                break;
            }
            if line.trim().is_empty() {
                continue;
            }
            if rows.len() >= MAX_ROWS {
                errors.push(
                    CellError::new(rows.len() + 1, i + 1, "too-many-rows").arg("max", MAX_ROWS),
                );
                break;
            }
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Line {
                reference: String,
                email: Option<String>,
                #[serde(default)]
                holder: Option<String>,
                subject: Map<String, Value>,
            }
            match serde_json::from_str::<Line>(line) {
                Ok(l) => rows.push((
                    rows.len() + 1,
                    i + 1,
                    l.reference.trim().to_owned(),
                    l.email,
                    l.holder.filter(|h| !h.trim().is_empty()),
                    l.subject,
                )),
                Err(_) => errors.push(CellError::new(rows.len() + 1, i + 1, "jsonl-line")),
            }
        }
    }
    if rows.is_empty() && errors.is_empty() {
        return Err(bad_file(vec![CellError::new(0, 0, "no-rows")]));
    }
    let validator = subject_validator(schema)?;
    let mut seen = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for (n, line, reference, email, holder, mut subject) in rows {
        if errors.len() >= csv_input::MAX_ERRORS {
            break;
        }
        let reference_column = || {
            file.as_ref()
                .and_then(|f: &csv_input::CsvFile| f.reference_column.clone())
                .unwrap_or_else(|| "reference".into())
        };
        if reference.is_empty()
            || reference.chars().count() > 200
            || reference.chars().any(char::is_control)
        {
            errors.push(CellError::new(n, line, "reference").column(&reference_column(), ""));
        } else if let Some(first) = seen.get(&reference) {
            errors.push(
                CellError::new(n, line, "duplicate-reference")
                    .column(&reference_column(), "")
                    .arg("first", *first)
                    .arg("reference", reference.clone()),
            );
        } else {
            seen.insert(reference.clone(), line);
        }
        if crate::templates::check_email(&email).is_err() {
            let column = file
                .as_ref()
                .and_then(|f| f.email_column.clone())
                .unwrap_or_else(|| "email".into());
            errors.push(CellError::new(n, line, "email").column(&column, ""));
        }
        if holder
            .as_deref()
            .is_some_and(|h| crate::delivery::check_holder(h).is_err())
        {
            errors.push(CellError::new(n, line, "holder").column("holder", ""));
        }
        csv_input::fill(&mut subject, &constants, &fields);
        let subject = Value::Object(subject);
        if atout_vc::model::has_nul(&subject) {
            errors.push(CellError::new(n, line, "nul"));
        }
        // A cell already refused is not reported again by the schema.
        let refused: Vec<String> = errors
            .iter()
            .filter(|e| e.row == n && !e.field.is_empty())
            .map(|e| e.field.clone())
            .collect();
        for e in validator.iter_errors(&subject).take(5) {
            let e = csv_input::schema_error(n, line, &e, &fields, file.as_ref());
            if !refused.contains(&e.field) {
                errors.push(e);
            }
        }
        out.push(InputRow {
            reference,
            email,
            holder,
            subject,
        });
    }
    if !errors.is_empty() {
        return Err(bad_file(errors));
    }
    Ok(out)
}

/// Records a batch (all rows pending). `delivery` says whether rows with
/// an `email` get an offer (rows with a `holder` always do, or are bound to
/// it).
pub async fn create_batch(
    state: &AppState,
    org: &Organisation,
    template: &Template,
    rows: Vec<InputRow>,
    options: &IssueOptions,
    delivery: &DeliveryOptions,
    actor: &Actor,
) -> Result<Batch, ApiError> {
    let format = options.proof_format()?;
    delivery.check()?;
    let mut errors = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if let Some(h) = &row.holder {
            if crate::delivery::check_holder(h).is_err() {
                errors.push(CellError::new(i + 1, 0, "holder").column("holder", ""));
                if errors.len() >= csv_input::MAX_ERRORS {
                    break;
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(bad_file(errors));
    }
    let offers = rows
        .iter()
        .any(|r| r.holder.is_some() || (delivery.deliver && r.email.is_some()));
    if offers && matches!(format, atout_vc::sign::ProofFormat::SdJwt(_)) {
        return Err(ApiError::unprocessable(
            "dc+sd-jwt is not offered over OpenID4VCI yet: deliver ldp_vc or vc+jwt, or issue              without delivery",
        )
        .with("field", "format"));
    }
    if state
        .store
        .active_key(
            &atout_core::store::KeyOwner::Org(org.id.clone()),
            format.key_algorithm(),
        )
        .await?
        .is_none()
    {
        return Err(ApiError::unprocessable(format!(
            "This organisation has no {} key for this format.",
            format.key_algorithm()
        ))
        .with("field", "options"));
    }
    let now = state.clock.now();
    let batch = Batch {
        id: new_id(),
        org_id: org.id.clone(),
        template_id: template.id.clone(),
        options: serde_json::to_string(&json!({
            "cryptosuite": options.cryptosuite, "format": options.format, "alg": options.alg,
            "delivery": delivery,
        }))
        .unwrap_or_default(),
        actor: actor.label.clone(),
        state: "running".into(),
        total: rows.len() as i64,
        issued: 0,
        skipped: 0,
        failed: 0,
        offered: 0,
        created_at: now,
        updated_at: now,
    };
    let records: Vec<BatchRow> = rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| BatchRow {
            row_number: i as i64 + 1,
            reference: r.reference,
            email: r.email,
            subject: r.subject.to_string(),
            state: "pending".into(),
            credential_ref: None,
            error: None,
            holder: r.holder.map(|h| {
                if h.starts_with("did:") {
                    h
                } else {
                    h.to_lowercase()
                }
            }),
            offer_id: None,
        })
        .collect();
    let audit = actor.entry(
        now,
        Some(&org.id),
        action::BATCH_CREATED,
        format!("batch:{}", batch.id),
        Some(json!({"template": template.id, "rows": batch.total})),
    );
    state.store.create_batch(&batch, &records, &audit).await?;
    Ok(batch)
}

/// A row ready to sign: the row, its registry id, the credential and the
/// subject's name for the registry.
type Prepared = (BatchRow, String, Map<String, Value>, Option<String>);

/// Called after each chunk with the batch's counters.
pub type Progress = Arc<dyn Fn(&Batch) + Send + Sync>;

/// Runs a batch to completion (or until another worker holds it). `progress`
/// is called after each chunk.
pub async fn run_batch(
    state: AppState,
    batch_id: String,
    progress: Option<Progress>,
) -> Result<Batch, ApiError> {
    let lease = chrono::Duration::seconds(120);
    let now = state.clock.now();
    let mut batch = state
        .store
        .get_batch(&batch_id)
        .await?
        .ok_or_else(|| ApiError::not_found("No such batch."))?;
    let holder = new_id();
    if !state
        .store
        .lease_batch(&batch_id, &holder, now + lease, now, false)
        .await?
    {
        return Ok(batch);
    }
    let org = state
        .store
        .get_org(&batch.org_id)
        .await?
        .ok_or_else(|| ApiError::internal("batch of an unknown organisation"))?;
    let template = state
        .store
        .get_template(&org.id, &batch.template_id)
        .await?
        .ok_or_else(|| ApiError::internal("batch of an unknown template"))?;
    let validator = subject_validator(&stored_schema(&template)?)?;
    let mut stored: Map<String, Value> = serde_json::from_str(&batch.options)
        .map_err(|e| ApiError::internal(format!("stored options: {e}")))?;
    let delivery: DeliveryOptions = stored
        .remove("delivery")
        .map(serde_json::from_value)
        .transpose()
        .map_err(|e| ApiError::internal(format!("stored delivery options: {e}")))?
        .unwrap_or_default();
    let options: IssueOptions = serde_json::from_value(Value::Object(stored))
        .map_err(|e| ApiError::internal(format!("stored options: {e}")))?;
    let format = options.proof_format()?;
    let offer_options = OfferOptions {
        format: options.format.clone(),
        cryptosuite: options.cryptosuite.clone(),
        alg: options.alg.clone(),
    };
    let offer_options_json = serde_json::to_string(&offer_options).map_err(ApiError::internal)?;
    let secrets = crate::delivery::Secrets::new(&state);
    let offer_ttl = delivery.ttl(&state);
    let key = Arc::new(
        state
            .orgs
            .org_signing_key(&org.slug, format.key_algorithm())
            .await?,
    );
    let did = state.orgs.did_of(&org);
    let actor = Actor {
        label: batch.actor.clone(),
        request_id: None,
    };
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let mut after = 0;
    loop {
        let rows = state
            .store
            .batch_rows(&batch_id, Some("pending"), after, CHUNK)
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.row_number;
        let now = state.clock.now();
        let references: Vec<String> = rows.iter().map(|r| r.reference.clone()).collect();
        let existing = taken_references(&state, &org.id, &references).await?;
        let mut outcome = ChunkOutcome::default();
        let mut todo: Vec<Prepared> = Vec::new();
        let rows: Vec<BatchRow> = rows
            .into_iter()
            .filter(|row| match existing.get(&row.reference) {
                Some(id) => {
                    outcome.skipped.push((row.row_number, id.clone()));
                    false
                }
                None => true,
            })
            .collect();
        let wanted: Vec<(Option<String>, Option<String>)> = rows
            .iter()
            .map(|r| (r.holder.clone(), r.email.clone()))
            .collect();
        let recipients = crate::delivery::recipients(&state, delivery.deliver, &wanted).await?;
        for (row, recipient) in rows.into_iter().zip(recipients) {
            let bound_to = match recipient {
                Recipient::Offer { email, citizen_id } => {
                    // Checked as it will be issued (with a holder id), and
                    // built once to catch what the schema does not say.
                    let checked = serde_json::from_str::<Value>(&row.subject)
                        .map_err(|e| ApiError::internal(e.to_string()))
                        .and_then(|subject| {
                            let mut as_issued = subject.as_object().cloned().unwrap_or_default();
                            as_issued.insert("id".into(), Value::String(STAND_IN_HOLDER.into()));
                            let as_issued = Value::Object(as_issued);
                            check_subject(&validator, &as_issued)?;
                            build_credential(&state, &org, &template, &as_issued)?;
                            Ok(())
                        });
                    match checked {
                        Ok(()) => {
                            let (offer, mail) = crate::delivery::new_offer(
                                &state,
                                &secrets,
                                &batch,
                                &org,
                                &template,
                                &offer_options,
                                &offer_options_json,
                                delivery.lang(),
                                &row.reference,
                                &row.subject,
                                &email,
                                citizen_id,
                                now + offer_ttl,
                                now,
                            );
                            let audit = actor.entry(
                                now,
                                Some(&org.id),
                                action::OFFER_CREATED,
                                format!("offer:{}", offer.id),
                                Some(json!({
                                    "template": template.id,
                                    "by_email": true,
                                    "batch": batch_id,
                                    "reference": row.reference,
                                    "expires_at": offer.expires_at,
                                })),
                            );
                            outcome.offered.push((row.row_number, offer, mail, audit));
                        }
                        Err(e) => outcome.failed.push((row.row_number, e.to_string())),
                    }
                    continue;
                }
                Recipient::Did(did) => Some(did),
                Recipient::Nobody => None,
            };
            let prepared = serde_json::from_str::<Value>(&row.subject)
                .map_err(|e| ApiError::internal(e.to_string()))
                .and_then(|mut subject| {
                    if let (Some(did), Some(map)) = (&bound_to, subject.as_object_mut()) {
                        map.insert("id".into(), Value::String(did.clone()));
                    }
                    check_subject(&validator, &subject)?;
                    let credential = build_credential(&state, &org, &template, &subject)?;
                    let map = model::prepare(credential, &did, &state.vc.contexts, now)
                        .map_err(invalid)?;
                    Ok((map, subject_name(&subject)))
                });
            match prepared {
                Ok((map, name)) => todo.push((row, new_id(), map, name)),
                Err(e) => outcome.failed.push((row.row_number, e.to_string())),
            }
        }
        if !todo.is_empty() {
            let ids: Vec<String> = todo.iter().map(|(_, id, _, _)| id.clone()).collect();
            let statuses = crate::status::assign(&state, &org, &ids).await?;
            for ((_, _, map, _), entries) in todo.iter_mut().zip(statuses) {
                map.insert("credentialStatus".into(), entries);
            }
            // Sign on every core.
            let per = todo.len().div_ceil(workers);
            let mut tasks = Vec::new();
            let mut remaining = todo;
            while !remaining.is_empty() {
                let part: Vec<_> = remaining.drain(..per.min(remaining.len())).collect();
                let engine = state.vc.engine.clone();
                let key = key.clone();
                let did = did.clone();
                let now = state.clock.now();
                let handle = tokio::runtime::Handle::current();
                tasks.push(tokio::task::spawn_blocking(move || {
                    handle.block_on(async move {
                        let mut out = Vec::with_capacity(part.len());
                        for (row, id, map, name) in part {
                            let signed = sign::secure(&engine, &map, format, &key, &did, now).await;
                            out.push((row, id, map, name, signed));
                        }
                        out
                    })
                }));
            }
            let mut failed_ids = Vec::new();
            for task in tasks {
                let part = task
                    .await
                    .map_err(|e| ApiError::internal(format!("signing task: {e}")))?;
                for (row, id, map, name, signed) in part {
                    match signed {
                        Ok(secured) => {
                            let credential_id = map
                                .get("id")
                                .and_then(Value::as_str)
                                .unwrap_or_default()
                                .to_owned();
                            let record = IssuedCredential {
                                id: id.clone(),
                                org_id: org.id.clone(),
                                credential_id: credential_id.clone(),
                                format: format.storage_format().to_owned(),
                                body: secured.stored,
                                issued_at: now,
                                template_id: Some(template.id.clone()),
                                reference: Some(row.reference.clone()),
                                subject_name: name,
                                subject_email: row.email.clone(),
                            };
                            let audit = actor.entry(
                                now,
                                Some(&org.id),
                                action::CREDENTIAL_ISSUED,
                                format!("credential:{id}"),
                                Some(json!({
                                    "credential_id": credential_id,
                                    "format": record.format,
                                    "key": key.record.fragment,
                                    "template": template.id,
                                    "reference": row.reference,
                                    "batch": batch_id,
                                })),
                            );
                            outcome.issued.push((row.row_number, record, audit));
                        }
                        Err(e) => {
                            outcome
                                .failed
                                .push((row.row_number, sign_error(e).to_string()));
                            failed_ids.push(id);
                        }
                    }
                }
            }
            for id in failed_ids {
                let _ = state.store.release_status(&id).await;
            }
        }
        let mut result = state
            .store
            .complete_chunk(&batch_id, &outcome, state.clock.now())
            .await;
        if let Err(atout_core::store::StoreError::Conflict(_)) = result {
            // Another process issued some of these references meanwhile:
            // they become skipped rows, and the rest is written.
            let references: Vec<String> = outcome
                .issued
                .iter()
                .filter_map(|(_, c, _)| c.reference.clone())
                .chain(
                    outcome
                        .offered
                        .iter()
                        .filter_map(|(_, o, _, _)| o.reference.clone()),
                )
                .collect();
            let taken = taken_references(&state, &org.id, &references).await?;
            let mut kept_offers = Vec::new();
            for (row, o, m, a) in std::mem::take(&mut outcome.offered) {
                match o.reference.as_ref().and_then(|r| taken.get(r)) {
                    Some(id) => outcome.skipped.push((row, id.clone())),
                    None => kept_offers.push((row, o, m, a)),
                }
            }
            outcome.offered = kept_offers;
            let mut kept = Vec::new();
            for (row, c, a) in std::mem::take(&mut outcome.issued) {
                match c.reference.as_ref().and_then(|r| taken.get(r)) {
                    Some(id) => {
                        let _ = state.store.release_status(&c.id).await;
                        outcome.skipped.push((row, id.clone()));
                    }
                    None => kept.push((row, c, a)),
                }
            }
            outcome.issued = kept;
            result = state
                .store
                .complete_chunk(&batch_id, &outcome, state.clock.now())
                .await;
        }
        if let Err(e) = result {
            // Nothing of the chunk was written: free its status entries.
            for (_, c, _) in &outcome.issued {
                let _ = state.store.release_status(&c.id).await;
            }
            return Err(e.into());
        }
        crate::delivery::notify_offered(&state, &org, &template, &outcome.offered).await;
        let now = state.clock.now();
        if !state
            .store
            .lease_batch(&batch_id, &holder, now + lease, now, true)
            .await?
        {
            // Another worker took the batch over (this one was too slow):
            // leave the rest to it.
            tracing::warn!(batch = %batch_id, "lease lost; another worker continues");
            break;
        }
        if let Some(batch) = state.store.get_batch(&batch_id).await? {
            if let Some(p) = &progress {
                p(&batch);
            }
        }
    }
    batch = state
        .store
        .get_batch(&batch_id)
        .await?
        .ok_or_else(|| ApiError::internal("batch vanished"))?;
    tracing::info!(batch = %batch.id, issued = batch.issued, skipped = batch.skipped, failed = batch.failed, "batch finished");
    Ok(batch)
}

/// The references already issued or offered by the organisation, with the
/// credential's or the offer's id.
async fn taken_references(
    state: &AppState,
    org_id: &str,
    references: &[String],
) -> Result<std::collections::HashMap<String, String>, ApiError> {
    let mut taken: std::collections::HashMap<String, String> = state
        .store
        .issued_references(org_id, references)
        .await?
        .into_iter()
        .collect();
    for (reference, offer) in state.store.offered_references(org_id, references).await? {
        taken.entry(reference).or_insert(offer);
    }
    Ok(taken)
}

/// Resumes batches left running by a previous process, now and then every
/// minute (a worker that died leaves its lease to expire).
pub async fn resume_forever(state: AppState) {
    loop {
        resume_orphans(state.clone()).await;
        tokio::time::sleep(std::time::Duration::from_secs(60)).await;
    }
}

/// Resumes the batches left running by a previous process.
pub async fn resume_orphans(state: AppState) {
    let now = state.clock.now();
    match state.store.orphaned_batches(now).await {
        Ok(batches) => {
            for b in batches {
                tracing::info!(batch = %b.id, "resuming batch");
                if let Err(e) = run_batch(state.clone(), b.id.clone(), None).await {
                    tracing::error!(batch = %b.id, error = %e, "batch failed");
                }
            }
        }
        Err(e) => tracing::error!(error = %e, "cannot list batches to resume"),
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct BatchQuery {
    /// The template to issue from.
    pub template: String,
    pub cryptosuite: Option<String>,
    pub format: Option<String>,
    pub alg: Option<String>,
    /// Values for every row, as a JSON object of dotted paths to values
    /// (`{"degree.type": "Diploma", "degree.awardedOn": "01/07/2025"}`),
    /// typed like a cell; a row's own value wins.
    pub constants: Option<String>,
    /// `true`: every row with an `email` gets an offer by mail (a link and
    /// QR code, and OpenID4VCI). Default `false`: the `email` is only
    /// recorded. Rows with a `holder` are delivered either way.
    pub deliver: Option<bool>,
    /// The language of the mails, `fr` (default) or `en`.
    pub lang: Option<String>,
    /// Lifetime of the offers in days, 1 to 366 (default
    /// `batch_offer_ttl_days`, 90).
    pub ttl_days: Option<u32>,
}

/// The `constants` parameter as an object (at most 16 KiB of JSON).
pub fn constants_of(text: Option<&str>) -> Result<Map<String, Value>, ApiError> {
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return Ok(Map::new());
    };
    if text.len() > 16 * 1024 {
        return Err(
            ApiError::bad_request("constants is at most 16 KiB of JSON").with("field", "constants")
        );
    }
    serde_json::from_str::<Map<String, Value>>(text).map_err(|_| {
        ApiError::bad_request(
            "constants is a JSON object of dotted paths to values, e.g. {\"degree.type\": \"Diploma\"}",
        )
        .with("field", "constants")
    })
}

/// Start a batch: the body is CSV (`text/csv`: a `reference` column, an
/// optional `email` column, and the subject's fields by dotted path or
/// label; separator `,` `;` or tab, UTF-8 or Windows-1252, French dates
/// and decimal commas accepted) or JSON Lines (`application/jsonl`:
/// `{"reference", "email"?, "subject"}`). `constants` gives values for
/// every row. Every row is checked first; a file with any bad row is
/// refused whole, and `errors` lists each problem with `row`, `line`,
/// `column`, `field`, `code`, `args` and an English `message`.
///
/// Delivery: with `deliver=true`, a row with an `email` becomes an offer
/// mailed to it. A row whose `holder` is the DID or the e-mail of an Atout
/// account becomes an offer in that account's wallet (and a mail); a
/// `holder` DID of no account gets the credential bound to it
/// (`credentialSubject.id`). Other rows are issued bound to no one.
#[utoipa::path(
    post, path = "/orgs/{slug}/batches", tag = "batches",
    security(("bearer" = [])),
    params(("slug" = String, Path), BatchQuery),
    request_body(content = String, content_type = "text/csv"),
    responses(
        (status = 202, body = Batch, description = "Accepted; follow `Location` for progress"),
        (status = 400, body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
        (status = 413, body = ProblemBody, content_type = "application/problem+json"),
        (status = 415, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, description = "Bad rows (`errors` lists them)", content_type = "application/problem+json"),
    )
)]
async fn create_batch_route(
    State(state): State<AppState>,
    OrgKey(principal): OrgKey,
    Path(slug): Path<String>,
    Query(q): Query<BatchQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let Principal::Org { org, .. } = &principal else {
        return Err(ApiError::forbidden(
            "Batches are issued with the organisation's own API key.",
        ));
    };
    principal.require_org(&slug)?;
    let mime = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let csv = match mime.as_str() {
        "text/csv" => true,
        "application/jsonl" | "application/x-ndjson" | "application/x-jsonlines" => false,
        _ => {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported media type",
            )
            .detail("Send text/csv or application/jsonl."))
        }
    };
    if q.template.len() > 100 {
        return Err(ApiError::not_found("No such template."));
    }
    let template = state
        .store
        .get_template(&org.id, &q.template)
        .await?
        .ok_or_else(|| ApiError::not_found("This organisation has no such template."))?;
    let schema = stored_schema(&template)?;
    let constants = constants_of(q.constants.as_deref())?;
    let rows = tokio::task::spawn_blocking(move || parse_rows(csv, &body, &schema, &constants))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))??;
    let options = IssueOptions {
        cryptosuite: q.cryptosuite,
        format: q.format,
        alg: q.alg,
        credential_id: None,
        proof_type: None,
    };
    let delivery = DeliveryOptions {
        deliver: q.deliver.unwrap_or(false),
        lang: q.lang,
        ttl_days: q.ttl_days,
    };
    let batch = create_batch(
        &state,
        org,
        &template,
        rows,
        &options,
        &delivery,
        &principal.actor(),
    )
    .await?;
    let worker = state.clone();
    let id = batch.id.clone();
    tokio::spawn(async move {
        if let Err(e) = run_batch(worker, id.clone(), None).await {
            tracing::error!(batch = %id, error = %e, "batch failed; it resumes at the next start");
        }
    });
    Ok((
        StatusCode::ACCEPTED,
        [(
            header::LOCATION,
            format!("/orgs/{slug}/batches/{}", batch.id),
        )],
        Json(batch),
    )
        .into_response())
}

async fn org_batch(
    state: &AppState,
    principal: &Principal,
    slug: &str,
    id: &str,
) -> Result<Batch, ApiError> {
    principal.require_org(slug)?;
    let org = state.orgs.find(slug).await?;
    state
        .store
        .get_batch(id)
        .await?
        .filter(|b| b.org_id == org.id)
        .ok_or_else(|| ApiError::not_found("This organisation has no such batch."))
}

/// A batch's progress.
#[utoipa::path(
    get, path = "/orgs/{slug}/batches/{id}", tag = "batches",
    security(("bearer" = [])),
    params(("slug" = String, Path), ("id" = String, Path)),
    responses(
        (status = 200, body = Batch),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn get_batch(
    State(state): State<AppState>,
    principal: Principal,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Json<Batch>, ApiError> {
    Ok(Json(org_batch(&state, &principal, &slug, &id).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RowsQuery {
    /// `pending`, `issued`, `offered`, `skipped` or `failed`.
    pub state: Option<String>,
    /// Rows after this row number.
    pub after: Option<i64>,
    /// 1-1000, default 100.
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RowsPage {
    pub items: Vec<RowView>,
}

/// A row and, for an offered row, its delivery.
#[derive(Debug, Serialize, ToSchema)]
pub struct RowView {
    #[serde(flatten)]
    pub row: BatchRow,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery: Option<RowDeliveryView>,
}

/// The per-row report of a batch.
#[utoipa::path(
    get, path = "/orgs/{slug}/batches/{id}/rows", tag = "batches",
    security(("bearer" = [])),
    params(("slug" = String, Path), ("id" = String, Path), RowsQuery),
    responses(
        (status = 200, body = RowsPage),
        (status = 400, body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn batch_rows(
    State(state): State<AppState>,
    principal: Principal,
    Path((slug, id)): Path<(String, String)>,
    Query(q): Query<RowsQuery>,
) -> Result<Json<RowsPage>, ApiError> {
    let batch = org_batch(&state, &principal, &slug, &id).await?;
    if let Some(s) = &q.state {
        if !["pending", "issued", "offered", "skipped", "failed"].contains(&s.as_str()) {
            return Err(ApiError::bad_request(
                "state is pending, issued, offered, skipped or failed",
            ));
        }
    }
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::bad_request("limit must be between 1 and 1000"));
    }
    let rows = state
        .store
        .batch_rows(&batch.id, q.state.as_deref(), q.after.unwrap_or(0), limit)
        .await?;
    let mut deliveries: std::collections::HashMap<i64, RowDeliveryView> =
        match (rows.first(), rows.last()) {
            (Some(first), Some(last)) if rows.iter().any(|r| r.offer_id.is_some()) => state
                .store
                .rows_delivery(
                    &batch.id,
                    first.row_number,
                    last.row_number,
                    state.clock.now(),
                )
                .await?
                .into_iter()
                .map(|d| (d.row_number, d.into()))
                .collect(),
            _ => Default::default(),
        };
    Ok(Json(RowsPage {
        items: rows
            .into_iter()
            .map(|row| RowView {
                delivery: deliveries.remove(&row.row_number),
                row,
            })
            .collect(),
    }))
}
