//! What a CV says, as the caller gives it (raw text from the wallet, the
//! citizen's choices, links), before typography and localisation.
//!
//! The caller (the wallet API) collects only what the citizen selected:
//! nothing in here is filtered again, and nothing else reaches the output.

use serde::{Deserialize, Serialize};

/// The CV's language: every label, date and typographic rule follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Fr,
    En,
}

/// The three designs (all A4, print-ready).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Design {
    /// Close to the Europass layout: a label column on the left, serif.
    Classic,
    /// A sidebar (contact, skills, languages) and a main column, sans serif.
    Modern,
    /// One page, one column, small type.
    Compact,
}

/// The kinds of sections, in the order the citizen arranges them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SectionKind {
    Experience,
    Education,
    /// Credentials that back no entry of the CV (shown as a list).
    Credentials,
    Skills,
    Languages,
    Projects,
    Interests,
}

/// How far a line is vouched for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "level", rename_all = "lowercase")]
pub enum Trust {
    /// The citizen says so.
    Declared,
    /// Vouched for by these people or organisations (names as shown).
    Endorsed { by: Vec<String> },
    /// Backed by a credential from this issuer (its name as shown).
    Certified { issuer: String },
}

/// A link printed beside a line or on the CV: the full URL (in the QR code
/// and the link) and the short form printed as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub url: String,
    /// What is printed, e.g. `atout.example/s/Ab3…/2` (no scheme).
    pub short: String,
}

/// The CEFR self-assessment grid of a language (A1…C2 each).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CefrLevels {
    pub listening: String,
    pub reading: String,
    pub spoken_interaction: String,
    pub spoken_production: String,
    pub writing: String,
}

/// One line of the CV.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Role, degree, credential name, skill, language, project or interest.
    pub title: String,
    pub organisation: Option<String>,
    pub place: Option<String>,
    /// ISO 8601 partial dates as the wallet keeps them: `YYYY`, `YYYY-MM`
    /// or `YYYY-MM-DD`. An item with a start and no end is ongoing when
    /// `ongoing` is set.
    pub start: Option<String>,
    pub end: Option<String>,
    #[serde(default)]
    pub ongoing: bool,
    pub description: Option<String>,
    /// Keywords (skills of an experience, tools of a project).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Languages: mother tongue, or the CEFR grid.
    #[serde(default)]
    pub mother_tongue: bool,
    pub cefr: Option<CefrLevels>,
    pub trust: Trust,
    /// Certified lines: the link to this credential's live verdict (a QR
    /// code and its short form are printed beside the line).
    pub verify: Option<Link>,
}

/// One section: its kind and its lines, in the citizen's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub kind: SectionKind,
    pub items: Vec<Item>,
}

/// A contact line the citizen chose to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContactKind {
    Email,
    Phone,
    Address,
    Web,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub kind: ContactKind,
    pub value: String,
}

/// A photo from the vault: its bytes as stored (JPEG, PNG or WebP, any
/// size up to the vault's limit; the renderer scales it down).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Photo {
    pub bytes: Vec<u8>,
}

/// Everything a CV shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CvInput {
    pub lang: Lang,
    pub design: Design,
    /// The citizen's name as shown.
    pub name: String,
    pub headline: Option<String>,
    /// A short presentation (a paragraph or two).
    pub presentation: Option<String>,
    pub contact: Vec<Contact>,
    pub photo: Option<Photo>,
    pub sections: Vec<Section>,
    /// The CV's live, verified online version (one QR code on the CV).
    pub online: Option<Link>,
    /// The day the document is produced (the PDF's date, "updated on …").
    pub date: chrono::NaiveDate,
}
