//! The public directory of organisations: what each one says of itself
//! (description, town, kind, website), whether it is listed, which of its
//! templates it shows, and its standing in the trust registry.
//!
//! Searching is accent- and case-insensitive the same way on SQLite and
//! PostgreSQL: names and towns are folded in Rust ([`fold`]) when they are
//! written, queries are folded the same way, and the SQL only compares
//! folded text (`LIKE '%word%'` per word, `=` for the town).

use crate::{
    audit::{action, Actor},
    clock::Clock,
    orgs::{OrgError, Orgs},
    registry::{InvalidEntry, Trust, TrustedIssuer},
    store::{DirectoryQuery, Organisation, ProfileChange, Store, TemplateVisibility},
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use unicode_normalization::UnicodeNormalization as _;

/// The kinds of organisation the directory knows.
pub const KINDS: [&str; 7] = [
    "university",
    "school",
    "training",
    "employer",
    "public",
    "association",
    "other",
];
/// Longest search text, in characters (longer: refused).
pub const MAX_QUERY_CHARS: usize = 100;
/// Most words of a search that count (the others: refused).
pub const MAX_QUERY_WORDS: usize = 6;
/// Longest description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 2000;
/// Longest town, in characters.
pub const MAX_TOWN_CHARS: usize = 100;
/// Longest website URL, in bytes.
pub const MAX_WEBSITE_LEN: usize = 500;
/// Results per page: default and most.
pub const PAGE_SIZE: u32 = 20;
pub const MAX_PAGE_SIZE: u32 = 50;
/// The last page a search may ask for.
pub const MAX_PAGE: u32 = 500;
/// Most templates named in one profile change.
pub const MAX_PUBLIC_TEMPLATES: usize = 200;

/// Lower case, accents and punctuation removed, words separated by one
/// space: "Université d'Orléans" → "universite d orleans". Letters of any
/// script are kept (without their marks); every other character separates
/// words, so the result never holds a LIKE wildcard.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    for c in text.nfkd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        let mapped: Option<&str> = match c {
            'œ' | 'Œ' => Some("oe"),
            'æ' | 'Æ' => Some("ae"),
            'ß' => Some("ss"),
            'ø' | 'Ø' => Some("o"),
            'đ' | 'Đ' => Some("d"),
            'ł' | 'Ł' => Some("l"),
            _ => None,
        };
        if let Some(m) = mapped {
            out.push_str(m);
            space = false;
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// A problem with a directory request or a profile, naming its field.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    #[error(transparent)]
    Invalid(#[from] InvalidEntry),
    #[error("no organisation of the directory has the identifier {0:?}")]
    NotFound(String),
    #[error(transparent)]
    Org(#[from] OrgError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// A search of the directory, as asked.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct Search {
    /// Words of the name (accents and case do not matter), at most 100
    /// characters and 6 words.
    pub q: Option<String>,
    /// The town (accents and case do not matter).
    pub town: Option<String>,
    /// One of `university`, `school`, `training`, `employer`, `public`,
    /// `association`, `other`.
    pub kind: Option<String>,
    /// From 1 (default) to 500.
    pub page: Option<u32>,
    /// 1 to 50 (default 20).
    pub per_page: Option<u32>,
}

/// An organisation's standing in the trust registry.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Accreditation {
    /// `accredited`, `notYetValid`, `expired`, or `notListed`.
    pub status: String,
    /// The accreditation in words (its reference), when listed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<DateTime<Utc>>,
}

impl Accreditation {
    fn of(entry: Option<TrustedIssuer>, now: DateTime<Utc>) -> Self {
        match entry {
            None => Self {
                status: "notListed".into(),
                reference: None,
                url: None,
                valid_from: None,
                valid_until: None,
            },
            Some(e) => Self {
                status: match e.status_at(now) {
                    Trust::Accredited => "accredited",
                    Trust::NotYetValid => "notYetValid",
                    Trust::Expired => "expired",
                }
                .into(),
                reference: Some(e.accreditation),
                url: e.accreditation_url,
                valid_from: Some(e.valid_from),
                valid_until: e.valid_until,
            },
        }
    }

    pub fn is_accredited(&self) -> bool {
        self.status == "accredited"
    }
}

/// Names in French and English.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Names {
    pub fr: String,
    pub en: String,
}

/// One organisation in a list of results.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryItem {
    pub slug: String,
    pub name: Names,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub town: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Whether the trust registry accredits it now.
    pub accredited: bool,
}

/// A page of results.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryPage {
    pub items: Vec<DirectoryItem>,
    /// Matches in all.
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

/// A template an organisation shows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PublicTemplate {
    pub id: String,
    pub name: Names,
    pub credential_type: String,
}

/// An organisation's public page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryEntry {
    pub slug: String,
    pub name: Names,
    pub did: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub town: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    pub accreditation: Accreditation,
    /// Its public templates only.
    pub templates: Vec<PublicTemplate>,
}

/// What an organisation (or the administrator) may change of its profile.
/// Absent text fields are left as they are; an empty one clears it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProfileUpdate {
    pub description: Option<String>,
    pub town: Option<String>,
    pub kind: Option<String>,
    /// https.
    pub website: Option<String>,
    /// Whether the public directory lists the organisation.
    pub listed: Option<bool>,
    /// The ids of the templates to show (every other one is hidden);
    /// absent: unchanged.
    pub public_templates: Option<Vec<String>>,
}

/// The profile as its organisation sees it: with every template and
/// whether it is public, and the registry standing.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub slug: String,
    pub name: Names,
    pub did: String,
    pub description: Option<String>,
    pub town: Option<String>,
    pub kind: Option<String>,
    pub website: Option<String>,
    pub listed: bool,
    pub accreditation: Accreditation,
    pub templates: Vec<TemplateVisibility>,
}

fn optional_text(
    field: &str,
    text: &str,
    max: usize,
    multiline: bool,
) -> Result<Option<String>, InvalidEntry> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > max {
        return Err(InvalidEntry::new(
            field,
            format!("must have at most {max} characters"),
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && !(multiline && (c == '\n' || c == '\r' || c == '\t')))
    {
        return Err(InvalidEntry::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(Some(text.to_owned()))
}

/// Checks the profile fields of a creation or a change (only those given).
pub fn check_profile(p: &ProfileUpdate) -> Result<ProfileUpdate, InvalidEntry> {
    let kind = match p.kind.as_deref().map(str::trim) {
        None => None,
        Some("") => Some(String::new()),
        Some(k) if KINDS.contains(&k) => Some(k.to_owned()),
        Some(_) => {
            return Err(InvalidEntry::new(
                "kind",
                format!("must be one of {}", KINDS.join(", ")),
            ))
        }
    };
    let website = match p.website.as_deref().map(str::trim) {
        None => None,
        Some("") => Some(String::new()),
        Some(w) => {
            let bad = || {
                InvalidEntry::new(
                    "website",
                    "must be an https URL, e.g. https://www.univ-orleans.fr",
                )
            };
            if w.len() > MAX_WEBSITE_LEN || w.chars().any(|c| c.is_control() || c.is_whitespace()) {
                return Err(bad());
            }
            match url::Url::parse(w) {
                Ok(u)
                    if u.scheme() == "https"
                        && u.host_str().is_some()
                        && u.username().is_empty()
                        && u.password().is_none() =>
                {
                    Some(u.to_string())
                }
                _ => return Err(bad()),
            }
        }
    };
    let public_templates = match &p.public_templates {
        Some(ids) if ids.len() > MAX_PUBLIC_TEMPLATES => {
            return Err(InvalidEntry::new(
                "publicTemplates",
                format!("must name at most {MAX_PUBLIC_TEMPLATES} templates"),
            ))
        }
        Some(ids) if ids.iter().any(|id| id.is_empty() || id.len() > 100) => {
            return Err(InvalidEntry::new(
                "publicTemplates",
                "names a template that does not exist",
            ))
        }
        other => other.clone(),
    };
    Ok(ProfileUpdate {
        description: p
            .description
            .as_deref()
            .map(|d| {
                optional_text("description", d, MAX_DESCRIPTION_CHARS, true)
                    .map(Option::unwrap_or_default)
            })
            .transpose()?,
        town: p
            .town
            .as_deref()
            .map(|t| optional_text("town", t, MAX_TOWN_CHARS, false).map(Option::unwrap_or_default))
            .transpose()?,
        kind,
        website,
        listed: p.listed,
        public_templates,
    })
}

/// Applies a checked update to an organisation (empty text clears).
pub fn apply(org: &mut Organisation, p: &ProfileUpdate) {
    let set = |slot: &mut Option<String>, v: &Option<String>| {
        if let Some(v) = v {
            *slot = (!v.is_empty()).then(|| v.clone());
        }
    };
    set(&mut org.description, &p.description);
    set(&mut org.town, &p.town);
    set(&mut org.kind, &p.kind);
    set(&mut org.website, &p.website);
    if let Some(listed) = p.listed {
        org.listed = listed;
    }
}

/// The directory's query from a search: folded words, bounded.
pub fn query_of(s: &Search) -> Result<DirectoryQuery, InvalidEntry> {
    let q = s.q.as_deref().unwrap_or("");
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(InvalidEntry::new(
            "q",
            format!("must have at most {MAX_QUERY_CHARS} characters"),
        ));
    }
    let words: Vec<String> = fold(q)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    if words.len() > MAX_QUERY_WORDS {
        return Err(InvalidEntry::new(
            "q",
            format!("must have at most {MAX_QUERY_WORDS} words"),
        ));
    }
    let town = s.town.as_deref().unwrap_or("");
    if town.chars().count() > MAX_TOWN_CHARS {
        return Err(InvalidEntry::new(
            "town",
            format!("must have at most {MAX_TOWN_CHARS} characters"),
        ));
    }
    let town = fold(town);
    let kind = match s.kind.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(k) if KINDS.contains(&k) => Some(k.to_owned()),
        Some(_) => {
            return Err(InvalidEntry::new(
                "kind",
                format!("must be one of {}", KINDS.join(", ")),
            ))
        }
    };
    let page = s.page.unwrap_or(1);
    if !(1..=MAX_PAGE).contains(&page) {
        return Err(InvalidEntry::new(
            "page",
            format!("must be between 1 and {MAX_PAGE}"),
        ));
    }
    let per_page = s.per_page.unwrap_or(PAGE_SIZE);
    if !(1..=MAX_PAGE_SIZE).contains(&per_page) {
        return Err(InvalidEntry::new(
            "per_page",
            format!("must be between 1 and {MAX_PAGE_SIZE}"),
        ));
    }
    Ok(DirectoryQuery {
        words,
        town: (!town.is_empty()).then_some(town),
        kind,
        limit: i64::from(per_page),
        offset: i64::from(page - 1) * i64::from(per_page),
    })
}

/// The directory.
pub struct Directory {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    orgs: Arc<Orgs>,
}

impl Directory {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, orgs: Arc<Orgs>) -> Self {
        Self { store, clock, orgs }
    }

    async fn accreditation(&self, did: &str) -> Result<Accreditation, DirectoryError> {
        let entry = self
            .store
            .get_trusted_issuer(did)
            .await?
            .map(TrustedIssuer::from);
        Ok(Accreditation::of(entry, self.clock.now()))
    }

    /// A page of listed organisations matching the search, by name.
    pub async fn search(&self, s: &Search) -> Result<DirectoryPage, DirectoryError> {
        let query = query_of(s)?;
        let (orgs, total) = self.store.search_directory(&query).await?;
        let now = self.clock.now();
        let mut items = Vec::with_capacity(orgs.len());
        for org in orgs {
            let did = self.orgs.did_of(&org);
            let accredited = self
                .store
                .get_trusted_issuer(&did)
                .await?
                .map(TrustedIssuer::from)
                .is_some_and(|e| e.status_at(now) == Trust::Accredited);
            items.push(DirectoryItem {
                name: Names {
                    fr: org.name_fr,
                    en: org.name_en,
                },
                slug: org.slug,
                town: org.town,
                kind: org.kind,
                accredited,
            });
        }
        Ok(DirectoryPage {
            items,
            total: u64::try_from(total).unwrap_or_default(),
            page: s.page.unwrap_or(1),
            per_page: s.per_page.unwrap_or(PAGE_SIZE),
        })
    }

    /// The organisation the directory lists under this identifier: an
    /// unknown or unlisted one is not found (what picking an organisation
    /// from the directory may name).
    pub async fn listed(&self, slug: &str) -> Result<Organisation, DirectoryError> {
        match self.orgs.find(slug).await {
            Ok(org) if org.listed => Ok(org),
            Ok(_) | Err(OrgError::NotFound(_)) => {
                Err(DirectoryError::NotFound(slug.chars().take(100).collect()))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// A listed organisation's public page (an unlisted one is not found).
    pub async fn entry(&self, slug: &str) -> Result<DirectoryEntry, DirectoryError> {
        let org = self.listed(slug).await?;
        let did = self.orgs.did_of(&org);
        let templates = self
            .store
            .template_visibility(&org.id)
            .await?
            .into_iter()
            .filter(|t| t.public)
            .map(|t| PublicTemplate {
                id: t.id,
                name: Names {
                    fr: t.name_fr,
                    en: t.name_en,
                },
                credential_type: t.credential_type,
            })
            .collect();
        Ok(DirectoryEntry {
            accreditation: self.accreditation(&did).await?,
            name: Names {
                fr: org.name_fr,
                en: org.name_en,
            },
            slug: org.slug,
            did,
            description: org.description,
            town: org.town,
            kind: org.kind,
            website: org.website,
            templates,
        })
    }

    /// The profile as the organisation (or the administrator) sees it.
    pub async fn profile(&self, slug: &str) -> Result<Profile, DirectoryError> {
        let org = self.orgs.find(slug).await?;
        let did = self.orgs.did_of(&org);
        Ok(Profile {
            accreditation: self.accreditation(&did).await?,
            templates: self.store.template_visibility(&org.id).await?,
            name: Names {
                fr: org.name_fr,
                en: org.name_en,
            },
            slug: org.slug,
            did,
            description: org.description,
            town: org.town,
            kind: org.kind,
            website: org.website,
            listed: org.listed,
        })
    }

    /// Changes the profile (and which templates are public), with its
    /// audit line, in one transaction.
    pub async fn update(
        &self,
        slug: &str,
        update: &ProfileUpdate,
        actor: &Actor,
    ) -> Result<Profile, DirectoryError> {
        let update = check_profile(update)?;
        let mut org = self.orgs.find(slug).await?;
        if let Some(ids) = &update.public_templates {
            let known = self.store.template_visibility(&org.id).await?;
            if let Some(unknown) = ids.iter().find(|id| !known.iter().any(|t| &t.id == *id)) {
                return Err(InvalidEntry::new(
                    "publicTemplates",
                    format!(
                        "the organisation has no template {:?}",
                        unknown.chars().take(100).collect::<String>()
                    ),
                )
                .into());
            }
        }
        let fields: Vec<&str> = [
            ("description", update.description.is_some()),
            ("town", update.town.is_some()),
            ("kind", update.kind.is_some()),
            ("website", update.website.is_some()),
            ("listed", update.listed.is_some()),
            ("publicTemplates", update.public_templates.is_some()),
        ]
        .into_iter()
        .filter(|(_, set)| *set)
        .map(|(f, _)| f)
        .collect();
        apply(&mut org, &update);
        let now = self.clock.now();
        org.updated_at = now;
        let audit = actor.entry(
            now,
            Some(&org.id),
            action::ORG_PROFILE_UPDATED,
            format!("org:{}", org.id),
            Some(serde_json::json!({
                "fields": fields,
                "listed": org.listed,
                "publicTemplates": update.public_templates,
            })),
        );
        self.store
            .update_org_profile(
                &ProfileChange {
                    org: org.clone(),
                    public_templates: update.public_templates.clone(),
                },
                &audit,
            )
            .await?;
        self.profile(slug).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_removes_accents_case_and_punctuation() {
        assert_eq!(fold("Université d'Orléans"), "universite d orleans");
        assert_eq!(fold("universite d’orleans"), "universite d orleans");
        assert_eq!(fold("  ŒUVRE — Saint-Étienne  "), "oeuvre saint etienne");
        assert_eq!(fold("100% _x_"), "100 x");
        assert_eq!(fold(""), "");
    }

    #[test]
    fn queries_are_bounded() {
        let long = Search {
            q: Some("a".repeat(101)),
            ..Default::default()
        };
        assert_eq!(query_of(&long).unwrap_err().field, "q");
        let many = Search {
            q: Some("a b c d e f g".into()),
            ..Default::default()
        };
        assert_eq!(query_of(&many).unwrap_err().field, "q");
        let page = Search {
            page: Some(0),
            ..Default::default()
        };
        assert_eq!(query_of(&page).unwrap_err().field, "page");
        let ok = query_of(&Search {
            q: Some("Orléans".into()),
            page: Some(2),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(ok.words, vec!["orleans".to_owned()]);
        assert_eq!(ok.offset, 20);
    }
}
