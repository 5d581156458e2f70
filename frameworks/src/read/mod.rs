//! Readers of the publishers' own files: ESCO's CSV export (and the degraded
//! copy in the shared reference data), ROME 4.0 with France Travail's NAF
//! crosswalk, and France compétences' RNCP/RS export.
//!
//! Everything is synchronous and bounded by [`Limits`]: sizes are counted
//! while decompressing (zip and gzip bombs stop at the limit), records are
//! counted, labels are checked for length and control characters. A file
//! that cannot be trusted is refused as a whole with an [`ImportError`]
//! naming the file and line; a line that merely cannot be used (a relation
//! to a concept the files do not have) is skipped and reported as a
//! [`LineNote`](crate::LineNote) in the [`Dataset`].

mod esco;
mod input;
mod rncp;
mod rome;
mod table;

use std::collections::BTreeSet;
use std::fmt;

use crate::model::Dataset;

pub use input::{from_bytes, open};

/// Bounds on what one import may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest single file, compressed or not (a zip or gzip file, and
    /// each file once decompressed).
    pub max_file_bytes: u64,
    /// Largest total once everything is decompressed (files inside zips and
    /// gzip files included).
    pub max_total_bytes: u64,
    /// Most CSV records (all files of one import together).
    pub max_records: usize,
    /// Longest label, in characters.
    pub max_label_chars: usize,
    /// Longest description, in characters.
    pub max_description_chars: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 256 * 1024 * 1024,
            max_total_bytes: 1024 * 1024 * 1024,
            max_records: 3_000_000,
            max_label_chars: 400,
            max_description_chars: 20_000,
        }
    }
}

/// Why an import was refused. `Display` gives "file, line N: reason".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// The file concerned (name without folders), if any.
    pub file: Option<String>,
    /// 1-based line in that file (the header is line 1), if any.
    pub line: Option<u64>,
    /// A plain-English sentence for an administrator.
    pub reason: String,
}

impl ImportError {
    /// An error about the import as a whole.
    pub fn new(reason: impl Into<String>) -> Self {
        ImportError {
            file: None,
            line: None,
            reason: reason.into(),
        }
    }

    /// An error about one file.
    pub fn in_file(file: &str, reason: impl Into<String>) -> Self {
        ImportError {
            file: Some(file.to_owned()),
            line: None,
            reason: reason.into(),
        }
    }

    /// An error about one line of one file.
    pub fn at(file: &str, line: u64, reason: impl Into<String>) -> Self {
        ImportError {
            file: Some(file.to_owned()),
            line: Some(line),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{file}, line {line}: {}", self.reason),
            (Some(file), None) => write!(f, "{file}: {}", self.reason),
            (None, Some(line)) => write!(f, "line {line}: {}", self.reason),
            (None, None) => f.write_str(&self.reason),
        }
    }
}

impl std::error::Error for ImportError {}

/// The files of one import, decompressed, in the order found.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Input {
    /// (file name without folders, NFC-normalised; contents).
    pub files: Vec<(String, Vec<u8>)>,
}

impl Input {
    /// The file names, in order.
    pub fn names(&self) -> Vec<&str> {
        self.files.iter().map(|(n, _)| n.as_str()).collect()
    }

    /// Total size of the contents, in bytes.
    pub fn total_bytes(&self) -> u64 {
        self.files.iter().map(|(_, b)| b.len() as u64).sum()
    }
}

impl fmt::Debug for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The contents can be hundreds of megabytes: names and sizes only.
        f.debug_list()
            .entries(self.files.iter().map(|(n, b)| (n, b.len())))
            .finish()
    }
}

/// Which publisher's layout to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// ESCO CSV export (`occupations_<lang>.csv`, `skills_<lang>.csv`,
    /// `ISCOGroups_<lang>.csv`, `occupationSkillRelations_<lang>.csv`): ESCO
    /// and ISCO concepts. Needs the language of the files.
    Esco,
    /// ROME codes (`referentiel_code_rome.csv` or any file with the columns
    /// `code_rome` and `libelle_rome`) and the NAF crosswalk
    /// (`secteurs_naf_rome.csv`): ROME and NAF concepts.
    Rome,
    /// France compétences' RNCP/RS export (`export-fiches-csv-….zip`).
    Rncp,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Esco => "esco",
            Format::Rome => "rome",
            Format::Rncp => "rncp",
        }
    }

    /// Case-insensitive; `rs` is read as [`Format::Rncp`] (one export holds
    /// both registers).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "esco" => Some(Format::Esco),
            "rome" => Some(Format::Rome),
            "rncp" | "rs" => Some(Format::Rncp),
            _ => None,
        }
    }
}

/// Reads `input` in the layout of `format`. `lang` is the language of the
/// labels for ESCO (required there: one ESCO file set per language); ROME
/// and RNCP are French and ignore it.
pub fn read(
    format: Format,
    lang: Option<&str>,
    input: &Input,
    limits: &Limits,
) -> Result<Dataset, ImportError> {
    let mut ctx = table::Ctx::new(limits);
    let mut data = match format {
        Format::Esco => {
            let lang = esco_lang(lang)?;
            esco::read(&lang, input, &mut ctx)?
        }
        Format::Rome => rome::read(input, &mut ctx)?,
        Format::Rncp => rncp::read(input, &mut ctx)?,
    };
    if data.concepts.is_empty() {
        return Err(ImportError::new(format!(
            "no concept was found in the files ({})",
            list_or_none(&input.names())
        )));
    }
    data.notes = ctx.notes;
    data.languages = data
        .concepts
        .iter()
        .flat_map(|c| c.labels.iter().map(|l| l.lang.clone()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    Ok(data)
}

/// The language given for an ESCO import, checked and lower-cased.
fn esco_lang(lang: Option<&str>) -> Result<String, ImportError> {
    let Some(lang) = lang.map(str::trim).filter(|l| !l.is_empty()) else {
        return Err(ImportError::new(
            "the language of the ESCO files is required (for example en or fr)",
        ));
    };
    let ok = (2..=3).contains(&lang.len()) && lang.bytes().all(|b| b.is_ascii_alphabetic());
    if !ok {
        return Err(ImportError::new(format!(
            "“{}” is not a language code: give two or three letters, such as en or fr",
            lang.chars().take(20).collect::<String>()
        )));
    }
    Ok(lang.to_ascii_lowercase())
}

/// `M1805`: a letter from A to N and four digits, in upper case.
pub fn is_rome_code(s: &str) -> bool {
    rome::rome_code(s).is_some_and(|c| c == s)
}

/// "a, b, c", or "no file" when empty.
pub(crate) fn list_or_none(names: &[&str]) -> String {
    if names.is_empty() {
        "no file".to_owned()
    } else {
        format!("found: {}", names.join(", "))
    }
}

/// "256 MiB", "1 GiB", or "1234 bytes".
pub(crate) fn human_bytes(n: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = KIB * 1024;
    const GIB: u64 = MIB * 1024;
    if n >= GIB && n.is_multiple_of(GIB) {
        format!("{} GiB", n / GIB)
    } else if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB", n / MIB)
    } else if n >= KIB && n.is_multiple_of(KIB) {
        format!("{} KiB", n / KIB)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_display() {
        assert_eq!(ImportError::new("no file").to_string(), "no file");
        assert_eq!(
            ImportError::in_file("a.csv", "the file is empty").to_string(),
            "a.csv: the file is empty"
        );
        assert_eq!(
            ImportError::at("a.csv", 12, "bad").to_string(),
            "a.csv, line 12: bad"
        );
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_bytes(256 * 1024 * 1024), "256 MiB");
        assert_eq!(human_bytes(1024 * 1024 * 1024), "1 GiB");
        assert_eq!(human_bytes(1000), "1000 bytes");
    }

    #[test]
    fn esco_needs_a_language() {
        assert!(esco_lang(None).is_err());
        assert!(esco_lang(Some(" ")).is_err());
        assert!(esco_lang(Some("français")).is_err());
        assert_eq!(esco_lang(Some("FR")).unwrap(), "fr");
    }
}
