//! The wallet's entries as a JSON Resume 1.x document
//! (<https://jsonresume.org/schema>), and back.
//!
//! Each entry goes to the section of its kind (`work`, `education`,
//! `skills`, `languages`, `projects`, `interests`) with the standard
//! fields JSON Resume has for it; what JSON Resume lacks travels in an
//! `x-atout` member of the item (JSON Resume items allow extra members):
//! the entry's id, kind, trust level, the complete `details` (framework
//! codes, CEFR grid, keywords, url, language code), the credential that
//! certifies it and the documents attached to it (their ids in the
//! archive), the place where the section has
//! no `location`, and the entry's dates of writing. On import `x-atout`
//! must hold no unknown member.

use crate::entries::{Cefr, Details, EntryKind, EntryView, TrustLevel};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// The JSON Resume schema this document claims.
pub const SCHEMA: &str =
    "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json";

/// The extension member carried by every item.
pub const EXTENSION: &str = "x-atout";

/// `B2` and friends, as JSON Resume's free-text `fluency`.
fn cefr(level: Cefr) -> &'static str {
    match level {
        Cefr::A1 => "A1",
        Cefr::A2 => "A2",
        Cefr::B1 => "B1",
        Cefr::B2 => "B2",
        Cefr::C1 => "C1",
        Cefr::C2 => "C2",
    }
}

fn fluency(details: &Details) -> Option<String> {
    if details.mother_tongue == Some(true) {
        return Some("Native speaker".to_owned());
    }
    let g = details.cefr.as_ref()?;
    Some(format!(
        "CEFR: listening {}, reading {}, spoken interaction {}, spoken production {}, writing {}",
        cefr(g.listening),
        cefr(g.reading),
        cefr(g.spoken_interaction),
        cefr(g.spoken_production),
        cefr(g.writing)
    ))
}

fn trust_str(t: TrustLevel) -> &'static str {
    match t {
        TrustLevel::Declared => "declared",
        TrustLevel::Endorsed => "endorsed",
        TrustLevel::Certified => "certified",
    }
}

/// Inserts `value` under `key` unless it is null.
fn put(item: &mut Map<String, Value>, key: &str, value: impl Into<Value>) {
    let value = value.into();
    if !value.is_null() {
        item.insert(key.to_owned(), value);
    }
}

/// The JSON Resume document of a wallet.
pub fn to_resume(
    display_name: &str,
    headline: Option<&str>,
    email: &str,
    entries: &[EntryView],
    attached: &HashMap<String, Vec<String>>,
    exported_at: DateTime<Utc>,
) -> Value {
    let mut sections: [(&str, Vec<Value>); 6] = [
        ("work", vec![]),
        ("education", vec![]),
        ("skills", vec![]),
        ("languages", vec![]),
        ("projects", vec![]),
        ("interests", vec![]),
    ];
    for e in entries {
        let mut item = Map::new();
        let keywords = e.details.keywords.clone();
        let mut extension = Map::new();
        put(&mut extension, "id", e.id.clone());
        put(&mut extension, "kind", e.kind.as_str());
        put(&mut extension, "trust", trust_str(e.trust));
        put(&mut extension, "credential", e.holding_id.clone());
        if let Some(documents) = attached.get(&e.id).filter(|d| !d.is_empty()) {
            put(&mut extension, "documents", documents.clone());
        }
        put(
            &mut extension,
            "details",
            serde_json::to_value(&e.details).unwrap_or(Value::Null),
        );
        put(&mut extension, "createdAt", e.created_at.to_rfc3339());
        put(&mut extension, "updatedAt", e.updated_at.to_rfc3339());
        let section = match e.kind {
            EntryKind::Experience => {
                put(&mut item, "name", e.organisation.clone());
                put(&mut item, "position", e.title.clone());
                put(&mut item, "location", e.place.clone());
                put(&mut item, "url", e.details.url.clone());
                put(&mut item, "summary", e.description.clone());
                0
            }
            EntryKind::Education => {
                put(&mut item, "institution", e.organisation.clone());
                put(&mut item, "area", e.title.clone());
                put(&mut item, "url", e.details.url.clone());
                put(&mut extension, "place", e.place.clone());
                put(&mut extension, "description", e.description.clone());
                1
            }
            EntryKind::Skill => {
                put(&mut item, "name", e.title.clone());
                put(&mut item, "keywords", keywords);
                put(&mut extension, "description", e.description.clone());
                2
            }
            EntryKind::Language => {
                put(&mut item, "language", e.title.clone());
                put(&mut item, "fluency", fluency(&e.details));
                put(&mut extension, "description", e.description.clone());
                3
            }
            EntryKind::Project => {
                put(&mut item, "name", e.title.clone());
                put(&mut item, "description", e.description.clone());
                put(&mut item, "entity", e.organisation.clone());
                put(&mut item, "url", e.details.url.clone());
                put(&mut item, "keywords", keywords);
                put(&mut extension, "place", e.place.clone());
                4
            }
            EntryKind::Interest => {
                put(&mut item, "name", e.title.clone());
                put(&mut item, "keywords", keywords);
                put(&mut extension, "description", e.description.clone());
                5
            }
        };
        if e.kind != EntryKind::Skill && e.kind != EntryKind::Language {
            put(&mut item, "startDate", e.start_date.clone());
            put(&mut item, "endDate", e.end_date.clone());
        }
        item.insert(EXTENSION.to_owned(), Value::Object(extension));
        sections[section].1.push(Value::Object(item));
    }
    let mut resume = Map::new();
    resume.insert("$schema".into(), json!(SCHEMA));
    resume.insert(
        "basics".into(),
        match headline {
            Some(label) => json!({"name": display_name, "label": label, "email": email}),
            None => json!({"name": display_name, "email": email}),
        },
    );
    for (name, items) in sections {
        resume.insert(name.into(), Value::Array(items));
    }
    resume.insert(
        "meta".into(),
        json!({
            "version": "v1.0.0",
            "lastModified": exported_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
            EXTENSION: {"format": crate::archive::FORMAT},
        }),
    );
    Value::Object(resume)
}

/// What Atout adds to an item (unknown members refused).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Extension {
    /// The entry's id in the archive (for the import report).
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    /// Informational: recomputed from the credential on import.
    #[serde(default)]
    pub trust: Option<String>,
    /// The id of the credential that certifies it, in this archive.
    #[serde(default)]
    pub credential: Option<String>,
    /// The ids of the documents attached to it, in this archive.
    #[serde(default)]
    pub documents: Option<Vec<String>>,
    #[serde(default)]
    pub details: Option<Details>,
    #[serde(default)]
    pub place: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    /// A `framework-skill` item: a skill with its evidence, derived from
    /// the wallet (an import skips it and derives it again).
    #[serde(default)]
    pub framework: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub evidence: Option<String>,
    #[serde(default)]
    pub sources: Option<Value>,
}

/// An item of any section: the standard members Atout reads (others, which
/// JSON Resume allows, are ignored) and its extension.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    name: Option<String>,
    position: Option<String>,
    location: Option<String>,
    summary: Option<String>,
    description: Option<String>,
    institution: Option<String>,
    area: Option<String>,
    study_type: Option<String>,
    language: Option<String>,
    entity: Option<String>,
    url: Option<String>,
    keywords: Option<Vec<String>>,
    start_date: Option<String>,
    end_date: Option<String>,
    #[serde(rename = "x-atout", default)]
    extension: Option<Extension>,
}

/// A JSON Resume document as read on import: the top level is closed, as
/// in the schema; sections Atout has no place for must be empty.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Resume {
    #[serde(rename = "$schema", default)]
    _schema: Option<String>,
    #[serde(default)]
    basics: Option<Value>,
    #[serde(default)]
    work: Vec<Value>,
    #[serde(default)]
    volunteer: Vec<Value>,
    #[serde(default)]
    education: Vec<Value>,
    #[serde(default)]
    awards: Vec<Value>,
    #[serde(default)]
    certificates: Vec<Value>,
    #[serde(default)]
    publications: Vec<Value>,
    #[serde(default)]
    skills: Vec<Value>,
    #[serde(default)]
    languages: Vec<Value>,
    #[serde(default)]
    interests: Vec<Value>,
    #[serde(default)]
    references: Vec<Value>,
    #[serde(default)]
    projects: Vec<Value>,
    #[serde(default)]
    #[serde(rename = "meta")]
    _meta: Option<Value>,
}

/// An entry read back from a résumé, not yet checked (the entries' own
/// rules apply: `entries::check_fields`).
#[derive(Debug)]
pub struct ResumeEntry {
    /// Where it was, e.g. `work[2]`, for error messages.
    pub at: String,
    pub kind: EntryKind,
    pub title: String,
    pub organisation: Option<String>,
    pub place: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub description: Option<String>,
    pub details: Option<Details>,
    pub credential: Option<String>,
    /// Ids of documents in the archive.
    pub documents: Vec<String>,
    pub archive_id: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// JSON Resume's own date pattern: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
fn resume_date(text: &str) -> bool {
    let b = text.as_bytes();
    let year = |s: &[u8]| {
        s.len() == 4 && (b'1'..=b'2').contains(&s[0]) && s[1..].iter().all(u8::is_ascii_digit)
    };
    let two =
        |s: &[u8], max: u8| s.len() == 2 && (b'0'..=max).contains(&s[0]) && s[1].is_ascii_digit();
    match b.len() {
        4 => year(b),
        7 => year(&b[..4]) && b[4] == b'-' && two(&b[5..], b'1'),
        10 => {
            year(&b[..4])
                && b[4] == b'-'
                && two(&b[5..7], b'1')
                && b[7] == b'-'
                && two(&b[8..], b'3')
        }
        _ => false,
    }
}

/// Reads the entries of a résumé. Errors are messages for the citizen.
pub fn from_resume(text: &str) -> Result<Vec<ResumeEntry>, String> {
    let resume: Resume = serde_json::from_str(text)
        .map_err(|e| format!("resume.json is not a JSON Resume document: {e}"))?;
    if let Some(basics) = &resume.basics {
        if !basics.is_object() {
            return Err("resume.json: basics is not an object.".into());
        }
    }
    for (name, items) in [
        ("volunteer", &resume.volunteer),
        ("awards", &resume.awards),
        ("certificates", &resume.certificates),
        ("publications", &resume.publications),
        ("references", &resume.references),
    ] {
        if !items.is_empty() {
            return Err(format!(
                "resume.json: the {name} section is not empty, and the wallet has no place for it: nothing would keep it."
            ));
        }
    }
    let mut out = Vec::new();
    for (section, kind, items) in [
        ("work", EntryKind::Experience, &resume.work),
        ("education", EntryKind::Education, &resume.education),
        ("skills", EntryKind::Skill, &resume.skills),
        ("languages", EntryKind::Language, &resume.languages),
        ("projects", EntryKind::Project, &resume.projects),
        ("interests", EntryKind::Interest, &resume.interests),
    ] {
        for (i, value) in items.iter().enumerate() {
            let at = format!("{section}[{i}]");
            let item: Item = serde_json::from_value(value.clone())
                .map_err(|e| format!("resume.json: {at}: {e}"))?;
            let ext = item.extension.unwrap_or_default();
            if ext.kind.as_deref() == Some("framework-skill") {
                continue;
            }
            if let Some(k) = &ext.kind {
                if k != kind.as_str() {
                    return Err(format!(
                        "resume.json: {at}: x-atout.kind is {k:?}, but the {section} section holds entries of kind {:?}.",
                        kind.as_str()
                    ));
                }
            }
            if let Some(t) = &ext.trust {
                if !["declared", "endorsed", "certified"].contains(&t.as_str()) {
                    return Err(format!(
                        "resume.json: {at}: x-atout.trust {t:?} is not a trust level."
                    ));
                }
            }
            for (field, date) in [("startDate", &item.start_date), ("endDate", &item.end_date)] {
                if let Some(d) = date {
                    if !resume_date(d) {
                        return Err(format!(
                            "resume.json: {at}: {field} {:?} is not a JSON Resume date (YYYY, YYYY-MM or YYYY-MM-DD).",
                            d.chars().take(40).collect::<String>()
                        ));
                    }
                }
            }
            let mut details = ext.details;
            // Items written by hand (no x-atout): their keywords and url.
            if details.is_none() && (item.keywords.is_some() || item.url.is_some()) {
                details = Some(Details {
                    keywords: item.keywords.clone(),
                    url: item.url.clone(),
                    ..Details::default()
                });
            }
            let (title, organisation, place, description) = match kind {
                EntryKind::Experience => (item.position, item.name, item.location, item.summary),
                EntryKind::Education => (
                    item.area.or(item.study_type),
                    item.institution,
                    ext.place,
                    ext.description,
                ),
                EntryKind::Skill | EntryKind::Interest => (item.name, None, None, ext.description),
                EntryKind::Language => (item.language, None, None, ext.description),
                EntryKind::Project => (item.name, item.entity, ext.place, item.description),
            };
            let (start_date, end_date) = match kind {
                EntryKind::Skill | EntryKind::Language | EntryKind::Interest => (None, None),
                _ => (item.start_date, item.end_date),
            };
            out.push(ResumeEntry {
                at,
                kind,
                title: title.unwrap_or_default(),
                organisation,
                place,
                start_date,
                end_date,
                description,
                details,
                credential: ext.credential,
                documents: ext.documents.unwrap_or_default(),
                archive_id: ext.id,
                created_at: ext.created_at,
                updated_at: ext.updated_at,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_follow_the_json_resume_pattern() {
        for ok in ["2024", "2024-03", "2024-03-31", "1999-12-01"] {
            assert!(resume_date(ok), "{ok}");
        }
        for bad in [
            "24",
            "2024-3",
            "2024/03",
            "3024",
            "2024-13-01x",
            "2024-03-41",
            "",
        ] {
            assert!(!resume_date(bad), "{bad}");
        }
    }

    #[test]
    fn unknown_extension_members_are_refused() {
        let text = r#"{"skills":[{"name":"Rust","x-atout":{"kind":"skill","sneaky":1}}]}"#;
        assert!(from_resume(text).unwrap_err().contains("sneaky"));
        let text = r#"{"skills":[{"name":"Rust","x-atout":{"kind":"skill"}}]}"#;
        assert_eq!(from_resume(text).unwrap().len(), 1);
        assert!(from_resume(r#"{"extra":[]}"#).is_err());
        assert!(from_resume(r#"{"awards":[{"title":"x"}]}"#).is_err());
        let text = r#"{"work":[{"position":"Dev","startDate":"2024-02-30x"}]}"#;
        assert!(from_resume(text).is_err());
        let text = r#"{"work":[{"position":"Dev","x-atout":{"kind":"skill"}}]}"#;
        assert!(from_resume(text).is_err());
    }
}
