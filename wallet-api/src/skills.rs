//! A person's skills with their evidence (`/wallet/skills`).
//!
//! Skills are not typed twice: they are derived from what the wallet
//! already holds, and each shows its strongest evidence:
//!
//! - **certified**: a framework code in a credential that verifies now (an
//!   Open Badges alignment, the code of the template it was issued from
//!   when this platform issued it), or in an entry linked to such a
//!   credential;
//! - **endorsed**: a code of an entry that someone endorsed (visible
//!   endorsements only);
//! - **declared**: a code of any other entry, or a skill the citizen
//!   declares here.
//!
//! Every route is the logged-in citizen's own: another citizen's skill is
//! 404, an organisation or admin token 403, nobody 401.

use crate::cvs::{wallet, Wallet};
use crate::entries::field_error;
use atout_core::{ids::new_id, store::CitizenSkill, store::Limited};
use atout_frameworks::Framework;
use atout_web::{
    auth::Citizen, check::LiveState, problem::ProblemBody, ApiError, AppState, Json, Path, Query,
};
use axum::{extract::State, http::StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The most skills a citizen declares.
pub const MAX_DECLARED: i64 = 300;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_skills, declare_skill))
        .routes(routes!(delete_skill))
}

/// How strongly a skill is shown to be held, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Evidence {
    Declared,
    Endorsed,
    Certified,
}

impl Evidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Declared => "declared",
            Self::Endorsed => "endorsed",
            Self::Certified => "certified",
        }
    }

    /// Its weight in a plan's coverage (the rule the plan page explains).
    pub fn weight(self) -> f64 {
        match self {
            Self::Certified => 1.0,
            Self::Endorsed => 0.7,
            Self::Declared => 0.4,
        }
    }
}

/// Where a skill comes from.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SkillSource {
    /// `credential`, `entry` or `declared`.
    pub kind: &'static str,
    /// The credential's, entry's or declared skill's id.
    pub id: String,
    pub title: String,
    pub evidence: Evidence,
    /// Who endorsed the entry.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub endorsed_by: Vec<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SkillView {
    pub framework: String,
    pub code: String,
    /// `skill`, `knowledge`, `occupation`, `certification`… when the code
    /// is in a framework loaded; null otherwise.
    pub kind: Option<String>,
    /// In the asked language, else another (`labelLang`), else the label
    /// written with the code, else the code.
    pub label: String,
    pub label_lang: Option<String>,
    pub fallback: bool,
    /// The strongest evidence.
    pub evidence: Evidence,
    pub sources: Vec<SkillSource>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SkillList {
    /// Strongest evidence first, then by label.
    pub items: Vec<SkillView>,
}

/// A code's framework from its shape: an ESCO URI, a ROME code, an RNCP or
/// RS number (also inside France compétences' links).
pub fn classify(text: &str) -> Option<(Framework, String)> {
    let t = text.trim();
    if t.starts_with("http://data.europa.eu/esco/") && t.len() <= 200 {
        return Some((Framework::Esco, t.to_owned()));
    }
    let upper = t.to_ascii_uppercase();
    let b = upper.as_bytes();
    if b.len() == 5
        && b[0].is_ascii_uppercase()
        && b[0] <= b'N'
        && b[1..].iter().all(u8::is_ascii_digit)
    {
        return Some((Framework::Rome, upper));
    }
    for (prefix, f) in [("RNCP", Framework::Rncp), ("RS", Framework::Rs)] {
        if let Some(n) = upper.strip_prefix(prefix) {
            if (1..=6).contains(&n.len()) && n.bytes().all(|c| c.is_ascii_digit()) {
                return Some((f, upper));
            }
        }
    }
    // https://www.francecompetences.fr/recherche/rncp/34126/
    let lower = t.to_ascii_lowercase();
    for (seg, f, prefix) in [
        ("/rncp/", Framework::Rncp, "RNCP"),
        ("/rs/", Framework::Rs, "RS"),
    ] {
        if lower.contains("francecompetences.fr") {
            if let Some(rest) = lower.split(seg).nth(1) {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                if (1..=6).contains(&digits.len()) {
                    return Some((f, format!("{prefix}{digits}")));
                }
            }
        }
    }
    None
}

/// Framework codes in a credential: its Open Badges alignments (target
/// code, else URL) wherever a subject's achievement has them.
pub fn credential_codes(credential: &Value) -> Vec<(Framework, String)> {
    let mut out = Vec::new();
    let subjects: Vec<&Value> = match credential.get("credentialSubject") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
        None => Vec::new(),
    };
    for s in subjects.into_iter().take(20) {
        let achievements: Vec<&Value> = match s.get("achievement") {
            Some(Value::Array(a)) => a.iter().collect(),
            Some(v) => vec![v],
            None => Vec::new(),
        };
        for a in achievements.into_iter().take(20) {
            let Some(Value::Array(alignments)) = a.get("alignment") else {
                continue;
            };
            for al in alignments.iter().take(50) {
                let found = ["targetCode", "targetUrl"]
                    .iter()
                    .filter_map(|k| al.get(*k).and_then(Value::as_str))
                    .find_map(classify);
                if let Some(c) = found {
                    if !out.contains(&c) {
                        out.push(c);
                    }
                }
            }
        }
    }
    out
}

/// The credential inside a stored holding, as JSON (a JWT's payload `vc`
/// or the payload itself).
fn holding_json(format: &str, body: &str) -> Option<Value> {
    if format == "ldp_vc" {
        return serde_json::from_str(body).ok();
    }
    use base64::Engine as _;
    let payload = body.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    Some(v.get("vc").cloned().unwrap_or(v))
}

/// The template code of a credential this platform issued, if any.
async fn template_code(
    state: &AppState,
    dids: &BTreeMap<String, String>,
    issuer: &str,
    credential_id: Option<&str>,
) -> Option<(Framework, String)> {
    let org_id = dids.get(issuer)?;
    let issued = state
        .store
        .find_issued_credential(org_id, credential_id?)
        .await
        .ok()??;
    let template = state
        .store
        .get_template(org_id, issued.template_id.as_deref()?)
        .await
        .ok()??;
    let schema: Value = serde_json::from_str(&template.subject_schema).ok()?;
    classify(schema.get("x-atout-framework")?.as_str()?)
}

/// Every skill of the citizen with its evidence, labelled in `lang`.
pub async fn skills_of(
    state: &AppState,
    citizen_id: &str,
    lang: &str,
) -> Result<Vec<SkillView>, ApiError> {
    let w = wallet(state, citizen_id).await?;
    let declared = state.store.list_citizen_skills(citizen_id).await?;
    let dids: BTreeMap<String, String> = match state.orgs.list().await {
        Ok(list) => list.into_iter().map(|(o, did)| (did, o.id)).collect(),
        Err(_) => BTreeMap::new(),
    };
    let mut found: Vec<(Framework, String, Option<String>, SkillSource)> = Vec::new();
    collect(state, &w, &dids, &mut found).await;
    for d in declared {
        if let Some(f) = Framework::parse(&d.framework) {
            found.push((
                f,
                d.code.clone(),
                Some(d.label.clone()),
                SkillSource {
                    kind: "declared",
                    id: d.id.clone(),
                    title: d.label.clone(),
                    evidence: Evidence::Declared,
                    endorsed_by: Vec::new(),
                },
            ));
        }
    }
    Ok(assemble(state, found, lang))
}

async fn collect(
    state: &AppState,
    w: &Wallet,
    dids: &BTreeMap<String, String>,
    found: &mut Vec<(Framework, String, Option<String>, SkillSource)>,
) {
    for (h, item) in &w.holdings {
        if item.state != LiveState::Verified {
            continue;
        }
        let mut codes = holding_json(&h.format, &h.body)
            .map(|v| credential_codes(&v))
            .unwrap_or_default();
        if let Some(c) = template_code(state, dids, &h.issuer, h.credential_id.as_deref()).await {
            if !codes.contains(&c) {
                codes.push(c);
            }
        }
        for (f, code) in codes {
            found.push((
                f,
                code,
                None,
                SkillSource {
                    kind: "credential",
                    id: h.id.clone(),
                    title: item.title.clone(),
                    evidence: Evidence::Certified,
                    endorsed_by: Vec::new(),
                },
            ));
        }
    }
    for e in &w.entries {
        let endorsed_by = w.endorsers.get(&e.id).cloned().unwrap_or_default();
        let evidence = if e.holding_state == Some(LiveState::Verified) {
            Evidence::Certified
        } else if !endorsed_by.is_empty() {
            Evidence::Endorsed
        } else {
            Evidence::Declared
        };
        for fc in e.details.frameworks.iter().flatten() {
            let Some((f, code)) = classify(&fc.code) else {
                continue;
            };
            found.push((
                f,
                code,
                fc.label.clone(),
                SkillSource {
                    kind: "entry",
                    id: e.id.clone(),
                    title: e.title.clone(),
                    evidence,
                    endorsed_by: endorsed_by.clone(),
                },
            ));
        }
    }
}

/// One view per code, strongest evidence first.
fn assemble(
    state: &AppState,
    found: Vec<(Framework, String, Option<String>, SkillSource)>,
    lang: &str,
) -> Vec<SkillView> {
    let index = state.frameworks.index();
    let mut by_code: BTreeMap<(Framework, String), SkillView> = BTreeMap::new();
    for (f, code, written, source) in found {
        let concept = index.get(f, &code);
        let code = concept.map(|c| c.code.clone()).unwrap_or(code);
        let view = by_code.entry((f, code.clone())).or_insert_with(|| {
            let shown = index.label(f, &code, lang);
            SkillView {
                framework: f.as_str().to_owned(),
                kind: concept.map(|c| c.kind.as_str().to_owned()),
                label: shown
                    .as_ref()
                    .map(|l| l.text.clone())
                    .or_else(|| written.clone())
                    .unwrap_or_else(|| code.clone()),
                label_lang: shown.as_ref().map(|l| l.lang.clone()),
                fallback: shown.as_ref().is_some_and(|l| l.fallback),
                code,
                evidence: source.evidence,
                sources: Vec::new(),
            }
        });
        view.evidence = view.evidence.max(source.evidence);
        if !view
            .sources
            .iter()
            .any(|s| s.kind == source.kind && s.id == source.id)
        {
            view.sources.push(source);
        }
    }
    let mut out: Vec<SkillView> = by_code.into_values().collect();
    for v in &mut out {
        v.sources.sort_by_key(|s| std::cmp::Reverse(s.evidence));
    }
    out.sort_by(|a, b| {
        b.evidence
            .cmp(&a.evidence)
            .then_with(|| a.label.to_lowercase().cmp(&b.label.to_lowercase()))
    });
    out
}

/// A skill as a JSON Resume `skills` item: its label, its code as a
/// keyword, and the evidence in `x-atout` (kind `framework-skill`: an
/// import derives these again from what it imports, and skips them).
pub fn resume_item(s: &SkillView) -> Value {
    serde_json::json!({
        "name": s.label,
        "keywords": [s.code],
        "x-atout": {
            "kind": "framework-skill",
            "framework": s.framework,
            "code": s.code,
            "evidence": s.evidence.as_str(),
            "sources": s.sources.iter().map(|x| serde_json::json!({
                "kind": x.kind, "id": x.id, "title": x.title, "evidence": x.evidence.as_str()
            })).collect::<Vec<_>>(),
        }
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LangParam {
    /// `fr` (default) or `en`: the labels' language.
    pub lang: Option<String>,
}

/// `?lang=`: `en` or `fr` (the default), as pages choose.
pub(crate) fn lang_of(lang: Option<&str>) -> &'static str {
    atout_web::i18n::choose(lang, None).code()
}

/// The citizen's skills with their strongest evidence and where each comes
/// from. The citizen only.
#[utoipa::path(
    get, path = "/wallet/skills", tag = "skills",
    security(("cookie" = []), ("bearer" = [])),
    params(LangParam),
    responses(
        (status = 200, body = SkillList),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn list_skills(
    State(state): State<AppState>,
    citizen: Citizen,
    Query(p): Query<LangParam>,
) -> Result<Json<SkillList>, ApiError> {
    let items = skills_of(&state, citizen.id(), lang_of(p.lang.as_deref())).await?;
    Ok(Json(SkillList { items }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclareSkill {
    /// ESCO, ROME, RNCP or RS.
    pub framework: String,
    /// A code of a framework loaded (an ESCO URI or its last part, `M1805`…).
    pub code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeclaredView {
    pub id: String,
    pub framework: String,
    pub code: String,
    pub label: String,
    /// The framework version the code was chosen in.
    pub version: Option<String>,
}

/// Declare a skill (evidence: declared). The code must be one of the
/// frameworks loaded; declaring one already declared changes nothing (200).
/// At most 300. The citizen only.
#[utoipa::path(
    post, path = "/wallet/skills", tag = "skills",
    security(("cookie" = []), ("bearer" = [])),
    request_body = DeclareSkill,
    responses(
        (status = 201, body = DeclaredView),
        (status = 200, body = DeclaredView, description = "Already declared"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, body = ProblemBody, description = "The most skills are declared", content_type = "application/problem+json"),
        (status = 422, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn declare_skill(
    State(state): State<AppState>,
    citizen: Citizen,
    Json(body): Json<DeclareSkill>,
) -> Result<(StatusCode, Json<DeclaredView>), ApiError> {
    let (framework, code, label, version) = known_code(&state, &body.framework, &body.code)?;
    let skill = CitizenSkill {
        id: new_id(),
        citizen_id: citizen.id().to_owned(),
        framework: framework.as_str().to_owned(),
        code: code.clone(),
        version: Some(version.clone()),
        label: label.clone(),
        created_at: state.clock.now(),
    };
    let status = match state.store.add_citizen_skill(&skill, MAX_DECLARED).await? {
        Limited::Done => StatusCode::CREATED,
        Limited::Exists => StatusCode::OK,
        Limited::TooMany => {
            return Err(ApiError::conflict(format!(
                "At most {MAX_DECLARED} declared skills: remove one first."
            )))
        }
        Limited::NotFound => return Err(ApiError::unauthorized("This account is gone.")),
    };
    let id = if status == StatusCode::OK {
        state
            .store
            .list_citizen_skills(citizen.id())
            .await?
            .into_iter()
            .find(|s| s.framework == skill.framework && s.code == code)
            .map(|s| s.id)
            .unwrap_or(skill.id)
    } else {
        skill.id
    };
    Ok((
        status,
        Json(DeclaredView {
            id,
            framework: framework.as_str().to_owned(),
            code,
            label,
            version: Some(version),
        }),
    ))
}

/// A code checked against the frameworks loaded: its canonical spelling,
/// its label (French first: what is stored beside the code) and version.
pub(crate) fn known_code(
    state: &AppState,
    framework: &str,
    code: &str,
) -> Result<(Framework, String, String, String), ApiError> {
    let f = Framework::parse(framework).ok_or_else(|| {
        field_error(
            "framework",
            format!("{framework:?}: expected ESCO, ROME, RNCP, RS, ISCO or NAF."),
        )
    })?;
    let index = state.frameworks.index();
    let c = index.get(f, code.trim()).ok_or_else(|| {
        let shown: String = code.chars().take(80).collect();
        field_error(
            "code",
            format!(
                "{shown:?} is not a {} code of the frameworks loaded.",
                f.as_str()
            ),
        )
    })?;
    let label = index
        .label(f, &c.code, "fr")
        .map(|l| l.text)
        .unwrap_or_else(|| c.code.clone());
    Ok((f, c.code.clone(), label, c.version.clone()))
}

/// Take back a declared skill (skills from credentials and entries go with
/// them). The citizen only.
#[utoipa::path(
    delete, path = "/wallet/skills/{id}", tag = "skills",
    security(("cookie" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "The declared skill's id")),
    responses(
        (status = 204),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn delete_skill(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    if state.store.delete_citizen_skill(citizen.id(), &id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(
            "No declared skill of yours has this id.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn classifies_codes_by_shape() {
        assert_eq!(classify("m1805"), Some((Framework::Rome, "M1805".into())));
        assert_eq!(classify("Z1805"), None);
        assert_eq!(
            classify("RNCP34126"),
            Some((Framework::Rncp, "RNCP34126".into()))
        );
        assert_eq!(classify("rs5476"), Some((Framework::Rs, "RS5476".into())));
        assert_eq!(
            classify("https://www.francecompetences.fr/recherche/rncp/37873/"),
            Some((Framework::Rncp, "RNCP37873".into()))
        );
        let uri = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d";
        assert_eq!(classify(uri), Some((Framework::Esco, uri.into())));
        assert_eq!(classify("web development"), None);
    }

    #[test]
    fn reads_alignments_of_every_achievement() {
        let vc = json!({"credentialSubject": {"achievement": {"alignment": [
            {"type": ["Alignment"], "targetName": "Dev", "targetUrl": "https://www.francecompetences.fr/recherche/rncp/37873/", "targetCode": "RNCP37873"},
            {"type": ["Alignment"], "targetName": "JS", "targetUrl": "http://data.europa.eu/esco/skill/abc"},
            {"type": ["Alignment"], "targetName": "Other", "targetUrl": "https://example.org/x"}
        ]}}});
        assert_eq!(
            credential_codes(&vc),
            vec![
                (Framework::Rncp, "RNCP37873".to_owned()),
                (
                    Framework::Esco,
                    "http://data.europa.eu/esco/skill/abc".to_owned()
                )
            ]
        );
        assert!(credential_codes(&json!({"credentialSubject": "x"})).is_empty());
    }
}
