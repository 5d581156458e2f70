//! What an employer reads of each shared entry beyond its words: the
//! certifying credential's issuer and claims (grade, award date, level,
//! framework codes: from the credential's subject, never its `validFrom`),
//! the entry's framework codes and CEFR grid, and its endorsements with
//! each one's own verification. Only what the share brought (the
//! presentation, the SD-JWT disclosures, the entries): nothing is looked
//! up elsewhere, so the page stands alone in the verifier-only deployment.

use super::super::DateView;
use crate::{i18n::Lang, report::CredentialReport};
use atout_web::share::SharedEndorsement;
use base64::Engine as _;
use serde_json::Value;

/// A framework code with its label (the entry's own, else none: the page
/// shows the code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Code {
    pub framework: String,
    pub code: String,
    pub label: Option<String>,
}

/// What the certifying credential says.
pub(super) struct Certified {
    /// The issuer as the trust registry names it, else its DID.
    pub issuer: String,
    /// Labelled claims: the credential's name, grade, award date, level...
    pub facts: Vec<Fact>,
    pub codes: Vec<Code>,
}

pub(super) struct Fact {
    pub label: String,
    pub value: String,
    /// A date's ISO form (for `<time>`).
    pub iso: Option<String>,
}

fn fact(label: String, value: String) -> Fact {
    Fact {
        label,
        value,
        iso: None,
    }
}

pub(super) struct Language {
    pub mother_tongue: bool,
    /// (skill, level) in the Europass grid's order.
    pub grid: Vec<(String, String)>,
    pub code: Option<String>,
}

pub(super) struct Endorsement {
    pub author: String,
    pub author_did: String,
    pub comment: String,
    pub date: DateView,
    /// A badge class: `verified`, `invalid` or `could-not-check`.
    pub outcome: &'static str,
    pub outcome_text: String,
}

/// The credentials of a presentation, in order.
pub(super) fn presented_credentials(vp: &Value) -> Vec<Value> {
    match vp.get("verifiableCredential") {
        Some(Value::Array(items)) => items.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        _ => Vec::new(),
    }
}

/// A credential's subject: embedded JSON, or an enveloped `vc+jwt` (its
/// payload is the credential).
pub(super) fn subject_of(credential: &Value) -> Option<Value> {
    let credential = match credential.get("id").and_then(Value::as_str) {
        Some(id) if id.starts_with("data:") => {
            let jwt = id.split_once(',')?.1;
            let payload = jwt.split('.').nth(1)?;
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload.trim_end_matches('='))
                .ok()?;
            let payload: Value = serde_json::from_slice(&bytes).ok()?;
            payload.get("vc").cloned().unwrap_or(payload)
        }
        _ => credential.clone(),
    };
    match credential.get("credentialSubject")? {
        Value::Array(items) => items.first().cloned(),
        one => Some(one.clone()),
    }
}

/// The first text (or number) under one of `keys`, in the subject or one
/// level down (`degree.grade`, `achievement.name`).
fn find(subject: &Value, keys: &[&str]) -> Option<String> {
    let text = |v: &Value| match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let object = subject.as_object()?;
    for key in keys {
        if let Some(v) = object.get(*key).and_then(text) {
            return Some(v);
        }
    }
    for nested in object.values().filter(|v| v.is_object()) {
        for key in keys {
            if let Some(v) = nested.get(*key).and_then(text) {
                return Some(v);
            }
        }
    }
    None
}

/// A calendar date (`2026-07-03`, as credentials write award dates) in
/// words: "3 juillet 2026".
fn day(lang: Lang, text: &str) -> Option<String> {
    let date = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some(atout_web::i18n::format_date(
        lang,
        date.and_time(chrono::NaiveTime::MIN).and_utc(),
    ))
}

/// The claims worth showing of a certifying credential.
pub(super) fn certified(
    lang: Lang,
    report: &CredentialReport,
    subject: Option<&Value>,
) -> Certified {
    let tr = lang.tr();
    let issuer = report
        .issuer
        .name
        .as_ref()
        .map(|n| {
            if lang == Lang::En {
                n.en.clone()
            } else {
                n.fr.clone()
            }
        })
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| report.issuer.id.clone());
    let mut facts = Vec::new();
    let mut codes = Vec::new();
    if let Some(subject) = subject {
        // The degree's (or achievement's) own name, when it has one.
        let name = ["degree", "achievement", "hasCredential"]
            .iter()
            .find_map(|k| {
                subject
                    .get(*k)
                    .and_then(|d| d.get("name"))
                    .and_then(Value::as_str)
            });
        if let Some(name) = name.filter(|n| !n.trim().is_empty()) {
            facts.push(fact(
                tr.get("verify-share-fact-title"),
                name.trim().to_owned(),
            ));
        }
        if let Some(field) = find(subject, &["fieldOfStudy", "specialisation"]) {
            facts.push(fact(tr.get("verify-share-fact-field"), field));
        }
        if let Some(grade) = find(subject, &["grade", "mention"]) {
            facts.push(fact(tr.get("verify-share-fact-grade"), grade));
        }
        if let Some(date) = find(
            subject,
            &["awardedOn", "awardedDate", "awardDate", "dateAwarded"],
        ) {
            facts.push(Fact {
                label: tr.get("verify-share-fact-awarded"),
                value: day(lang, &date).unwrap_or_else(|| date.clone()),
                iso: day(lang, &date).map(|_| date.clone()),
            });
        }
        if let Some(level) = find(subject, &["eqfLevel"]) {
            facts.push(fact(tr.get("verify-share-fact-eqf"), level));
        }
        if let Some(credits) = find(subject, &["credits", "ects"]) {
            facts.push(fact(tr.get("verify-share-fact-credits"), credits));
        }
        for (key, framework) in [("rncp", "RNCP"), ("rome", "ROME"), ("esco", "ESCO")] {
            if let Some(code) = find(subject, &[key]) {
                codes.push(Code {
                    framework: framework.to_owned(),
                    code,
                    label: None,
                });
            }
        }
    }
    Certified {
        issuer,
        facts,
        codes,
    }
}

/// The entry's framework codes (`details.frameworks`).
pub(super) fn entry_codes(details: &Value) -> Vec<Code> {
    details
        .get("frameworks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|f| {
            Some(Code {
                framework: f.get("framework")?.as_str()?.to_owned(),
                code: f.get("code")?.as_str()?.to_owned(),
                label: f
                    .get("label")
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned),
            })
        })
        .take(20)
        .collect()
}

/// A language entry's grid, in the Europass order.
pub(super) fn language(lang: Lang, kind: &str, details: &Value) -> Option<Language> {
    if kind != "language" {
        return None;
    }
    let tr = lang.tr();
    let mother_tongue = details.get("motherTongue").and_then(Value::as_bool) == Some(true);
    let grid = details
        .get("cefr")
        .map(|cefr| {
            [
                ("listening", "verify-share-cefr-listening"),
                ("reading", "verify-share-cefr-reading"),
                ("spokenInteraction", "verify-share-cefr-spoken-interaction"),
                ("spokenProduction", "verify-share-cefr-spoken-production"),
                ("writing", "verify-share-cefr-writing"),
            ]
            .iter()
            .filter_map(|(k, key)| Some((tr.get(key), cefr.get(*k)?.as_str()?.to_owned())))
            .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let code = details
        .get("languageCode")
        .and_then(Value::as_str)
        .map(str::to_owned);
    (mother_tongue || !grid.is_empty() || code.is_some()).then_some(Language {
        mother_tongue,
        grid,
        code,
    })
}

pub(super) fn keywords(details: &Value) -> Vec<String> {
    details
        .get("keywords")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|k| k.as_str().map(str::to_owned))
        .collect()
}

/// The entry's link, when it is an http(s) one (it becomes an `href`).
pub(super) fn link(details: &Value) -> Option<String> {
    details
        .get("url")
        .and_then(Value::as_str)
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .map(str::to_owned)
}

/// An endorsement for the page, with the outcome of its own check (a
/// verdict class of [`super::super::result_view`]). A peer is never in the
/// trust registry: a valid signature from an unregistered author is the
/// expected case, so `warning` reads as checked.
pub(super) fn endorsement(lang: Lang, e: &SharedEndorsement, verdict: &'static str) -> Endorsement {
    let (outcome, key) = match verdict {
        "valid" | "warning" => ("verified", "valid"),
        "invalid" => ("invalid", "invalid"),
        _ => ("could-not-check", "incomplete"),
    };
    let tr = lang.tr();
    Endorsement {
        author: e.author_name.clone(),
        author_did: e.author_did.clone(),
        comment: e.comment.clone(),
        date: DateView::new(lang, &e.created_at.to_rfc3339()),
        outcome,
        outcome_text: tr.get(&format!("verify-share-endorsement-{key}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn claims_come_from_the_subject_and_one_level_down() {
        let subject = json!({
            "givenName": "Camille",
            "degree": {"name": "Master Informatique", "grade": "Bien", "awardedOn": "2025-07-01", "rncp": "RNCP34126", "eqfLevel": 7}
        });
        assert_eq!(find(&subject, &["grade"]).as_deref(), Some("Bien"));
        assert_eq!(find(&subject, &["eqfLevel"]).as_deref(), Some("7"));
        assert_eq!(find(&subject, &["missing"]), None);
        let vc = json!({"credentialSubject": subject});
        assert_eq!(subject_of(&vc).unwrap()["givenName"], "Camille");
        // An enveloped vc+jwt: the payload is the credential.
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(
            serde_json::to_vec(&json!({"credentialSubject": {"grade": "Très bien"}})).unwrap(),
        );
        let enveloped = json!({"id": format!("data:application/vc+jwt,eyJ.{payload}.sig"), "type": "EnvelopedVerifiableCredential"});
        assert_eq!(subject_of(&enveloped).unwrap()["grade"], "Très bien");
    }
}
