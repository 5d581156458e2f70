//! What a framework file holds once read: concepts with labels in one or
//! more languages, and links between concepts. Nothing here knows about
//! databases or HTTP.

use serde::{Deserialize, Serialize};

/// A reference framework. Codes are strings whose shape depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Framework {
    /// European Skills, Competences, Qualifications and Occupations: URIs
    /// under `http://data.europa.eu/esco/` (occupations and skills).
    #[serde(rename = "ESCO")]
    Esco,
    /// ILO's International Standard Classification of Occupations (ISCO-08),
    /// as ESCO publishes it: 1 to 4 digits.
    #[serde(rename = "ISCO")]
    Isco,
    /// France Travail's Répertoire opérationnel des métiers et des emplois:
    /// a letter and four digits (`M1805`).
    #[serde(rename = "ROME")]
    Rome,
    /// INSEE's sectors (NAF rév. 2 divisions, two digits), as France Travail
    /// links them to ROME codes.
    #[serde(rename = "NAF")]
    Naf,
    /// Répertoire national des certifications professionnelles (`RNCP34126`).
    #[serde(rename = "RNCP")]
    Rncp,
    /// Répertoire spécifique (`RS5476`).
    #[serde(rename = "RS")]
    Rs,
}

impl Framework {
    pub const ALL: [Framework; 6] = [
        Framework::Esco,
        Framework::Isco,
        Framework::Rome,
        Framework::Naf,
        Framework::Rncp,
        Framework::Rs,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Esco => "ESCO",
            Self::Isco => "ISCO",
            Self::Rome => "ROME",
            Self::Naf => "NAF",
            Self::Rncp => "RNCP",
            Self::Rs => "RS",
        }
    }

    /// Case-insensitive.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl std::fmt::Display for Framework {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a concept is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConceptKind {
    /// An ESCO occupation or a ROME job (fiche métier).
    Occupation,
    /// An ESCO skill or competence.
    Skill,
    /// An ESCO knowledge concept.
    Knowledge,
    /// An ISCO-08 group (major, sub-major, minor or unit).
    IscoGroup,
    /// An RNCP or RS certification record.
    Certification,
    /// A NAF sector.
    Sector,
}

impl ConceptKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Occupation => "occupation",
            Self::Skill => "skill",
            Self::Knowledge => "knowledge",
            Self::IscoGroup => "isco-group",
            Self::Certification => "certification",
            Self::Sector => "sector",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Occupation,
            Self::Skill,
            Self::Knowledge,
            Self::IscoGroup,
            Self::Certification,
            Self::Sector,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// Skills and knowledge are both "skills" to a person.
    pub fn is_skill(self) -> bool {
        matches!(self, Self::Skill | Self::Knowledge)
    }
}

/// One label of a concept in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    /// BCP 47 primary language (`fr`, `en`, …), lower case.
    pub lang: String,
    pub text: String,
    /// The preferred label (at most one per language), else an alternative.
    pub preferred: bool,
    /// Not the publisher's label but a best guess (the shared ESCO data has
    /// most preferred labels empty): shown, never written into a credential.
    pub guessed: bool,
}

/// A block of skills of an RNCP record (bloc de compétences).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillBlock {
    /// `RNCP34126BC01`.
    pub code: String,
    pub label: String,
}

/// An organisation that awards an RNCP or RS certification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certifier {
    /// 14 digits, when the file gives it.
    pub siret: Option<String>,
    pub name: String,
}

/// One concept of a framework.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Concept {
    pub framework: Framework,
    /// The identifier in its framework: ESCO URI, ISCO digits, ROME code,
    /// NAF division, `RNCP…`/`RS…` number.
    pub code: String,
    pub kind: ConceptKind,
    pub labels: Vec<Label>,
    /// Descriptions, one per language at most: (lang, text).
    pub descriptions: Vec<(String, String)>,
    /// ISCO group of an ESCO occupation (4 digits), parent group of an ISCO
    /// group, nothing else.
    pub parent: Option<String>,
    /// RNCP/RS: the European level (`6` for NIV6), when given.
    pub level: Option<String>,
    /// RNCP/RS: false for an inactive record; ESCO: false when `status` is
    /// not `released`. Inactive concepts stay resolvable, ranked last.
    pub active: bool,
    /// RNCP/RS: skill blocks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocks: Vec<SkillBlock>,
    /// RNCP/RS: certifiers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certifiers: Vec<Certifier>,
    /// ESCO skills: `skill/competence` or `knowledge`; others as published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skill_type: Option<String>,
}

impl Concept {
    /// The preferred label in `lang`, else the first label in `lang`.
    pub fn label_in(&self, lang: &str) -> Option<&Label> {
        self.labels
            .iter()
            .find(|l| l.lang == lang && l.preferred)
            .or_else(|| self.labels.iter().find(|l| l.lang == lang))
    }
}

/// How two concepts are linked. Links always point from the occupation or
/// certification to what it needs or belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Relation {
    /// ESCO occupation → skill it needs (essential).
    EssentialSkill,
    /// ESCO occupation → skill it may need (optional).
    OptionalSkill,
    /// RNCP/RS record → ROME code it prepares for.
    Rome,
    /// NAF sector → ROME code found in that sector.
    SectorRome,
}

impl Relation {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EssentialSkill => "essential-skill",
            Self::OptionalSkill => "optional-skill",
            Self::Rome => "rome",
            Self::SectorRome => "sector-rome",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::EssentialSkill,
            Self::OptionalSkill,
            Self::Rome,
            Self::SectorRome,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// A link between two concepts (possibly of two frameworks).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Link {
    pub from_framework: Framework,
    pub from_code: String,
    pub relation: Relation,
    pub to_framework: Framework,
    pub to_code: String,
}

/// A line the reader skipped, and why (the import goes on: for example a
/// relation to a concept the files do not have).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineNote {
    pub file: String,
    /// 1-based line of the record's start in its file (header = line 1).
    pub line: u64,
    pub reason: String,
}

/// Everything one import read: the concepts of one or more frameworks (an
/// ESCO export also holds ISCO groups; a ROME folder also holds NAF
/// sectors), their links, the languages seen, and the lines skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dataset {
    pub concepts: Vec<Concept>,
    pub links: Vec<Link>,
    /// Languages of the labels read, sorted.
    pub languages: Vec<String>,
    pub notes: Vec<LineNote>,
}
