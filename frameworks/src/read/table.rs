//! CSV reading shared by every format: columns found by header name,
//! records counted, line numbers kept, cells checked before they become
//! labels, descriptions or codes.

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;

use super::{ImportError, Limits};
use crate::model::LineNote;

/// State of one import: the limits, the records read so far (all files
/// together) and the lines skipped.
pub(crate) struct Ctx<'a> {
    pub limits: &'a Limits,
    records: usize,
    pub notes: Vec<LineNote>,
}

impl<'a> Ctx<'a> {
    pub fn new(limits: &'a Limits) -> Self {
        Ctx {
            limits,
            records: 0,
            notes: Vec::new(),
        }
    }

    /// Records that `line` of `file` was skipped, and why.
    pub fn note(&mut self, file: &str, line: u64, reason: impl Into<String>) {
        self.notes.push(LineNote {
            file: file.to_owned(),
            line,
            reason: reason.into(),
        });
    }
}

/// One CSV file being read.
pub(crate) struct Table<'a> {
    pub file: &'a str,
    reader: csv::Reader<&'a [u8]>,
    /// Lower-cased, trimmed header names → index (the first of duplicates).
    columns: HashMap<String, usize>,
    record: csv::ByteRecord,
}

/// The first bytes of a file, without a UTF-8 byte order mark.
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// The header names of a CSV file (for recognising a file by its columns),
/// lower-cased and trimmed; `None` if it has no readable header.
pub(crate) fn header_names(bytes: &[u8], delimiter: u8) -> Option<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .from_reader(strip_bom(bytes));
    let mut record = csv::ByteRecord::new();
    match reader.read_byte_record(&mut record) {
        Ok(true) => {}
        _ => return None,
    }
    record
        .iter()
        .map(|c| std::str::from_utf8(c).ok().map(clean_header))
        .collect()
}

/// `,` unless the header line has more `;` than `,` (France Travail and
/// France compétences files use `;`).
pub(crate) fn sniff_delimiter(bytes: &[u8]) -> u8 {
    let first_line = strip_bom(bytes)
        .split(|&b| b == b'\n')
        .next()
        .unwrap_or(&[]);
    let count = |d: u8| first_line.iter().filter(|&&b| b == d).count();
    if count(b';') > count(b',') {
        b';'
    } else {
        b','
    }
}

fn clean_header(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
}

impl<'a> Table<'a> {
    /// Opens `bytes` as a CSV file whose header must hold every column of
    /// `required` (matched case-insensitively).
    pub fn open(
        file: &'a str,
        bytes: &'a [u8],
        delimiter: u8,
        required: &[&str],
    ) -> Result<Self, ImportError> {
        let bytes = strip_bom(bytes);
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(ImportError::in_file(file, "the file is empty"));
        }
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(true)
            .flexible(false)
            .from_reader(bytes);
        let header = reader
            .byte_headers()
            .map_err(|e| csv_error(file, &e))?
            .clone();
        let mut names = Vec::with_capacity(header.len());
        for cell in header.iter() {
            let cell =
                std::str::from_utf8(cell).map_err(|_| ImportError::at(file, 1, not_utf8()))?;
            names.push(cell.trim().trim_start_matches('\u{feff}').trim().to_owned());
        }
        let mut columns = HashMap::new();
        for (i, n) in names.iter().enumerate() {
            columns.entry(n.to_lowercase()).or_insert(i);
        }
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|r| !columns.contains_key(&r.to_lowercase()))
            .collect();
        if !missing.is_empty() {
            let what = if missing.len() == 1 {
                format!("the column {} is missing", missing[0])
            } else {
                format!("the columns {} are missing", missing.join(", "))
            };
            let shown: Vec<String> = names
                .iter()
                .take(40)
                .map(|n| n.chars().take(80).collect())
                .collect();
            let mut reason = format!("{what} (found: {})", shown.join(", "));
            if let Some(hint) = delimiter_hint(&names, delimiter) {
                reason.push_str("; ");
                reason.push_str(&hint);
            }
            return Err(ImportError::at(file, 1, reason));
        }
        Ok(Table {
            file,
            reader,
            columns,
            record: csv::ByteRecord::new(),
        })
    }

    /// The index of a column, if the header has it.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.columns.get(&name.to_lowercase()).copied()
    }

    /// The index of a column [`Table::open`] was asked to require. Should a
    /// caller ask for another one that is missing, the index points past
    /// every record, so its cells read as empty instead of panicking.
    pub fn req(&self, name: &str) -> usize {
        self.col(name).unwrap_or(usize::MAX)
    }

    /// The next record, or `None` at the end of the file.
    pub fn next_row(&mut self, ctx: &mut Ctx<'_>) -> Result<Option<Row>, ImportError> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => return Ok(None),
            Ok(true) => {}
            Err(e) => return Err(csv_error(self.file, &e)),
        }
        let line = self.record.position().map(|p| p.line()).unwrap_or(0);
        ctx.records += 1;
        if ctx.records > ctx.limits.max_records {
            return Err(ImportError::at(
                self.file,
                line,
                format!(
                    "the files hold more than {} records, the most one import may read",
                    ctx.limits.max_records
                ),
            ));
        }
        let record = csv::StringRecord::from_byte_record(self.record.clone())
            .map_err(|_| ImportError::at(self.file, line, not_utf8()))?;
        Ok(Some(Row { line, record }))
    }
}

fn not_utf8() -> String {
    "this line is not valid UTF-8 (save the file as UTF-8)".to_owned()
}

/// A hint when the header looks split on another separator than expected.
fn delimiter_hint(names: &[String], delimiter: u8) -> Option<String> {
    let joined = names.join("");
    let shown = |d: u8| match d {
        b'\t' => "tabs".to_owned(),
        d => format!("“{}”", d as char),
    };
    [b';', b',', b'\t']
        .into_iter()
        .filter(|&d| d != delimiter)
        .find(|&d| joined.as_bytes().contains(&d))
        .map(|d| {
            format!(
                "the columns seem to be separated by {} where {} is expected",
                shown(d),
                shown(delimiter)
            )
        })
}

fn csv_error(file: &str, e: &csv::Error) -> ImportError {
    let line = e.position().map(|p| p.line());
    let reason = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("this line has {len} cells where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => not_utf8(),
        csv::ErrorKind::Io(err) => format!("the file cannot be read ({err})"),
        _ => format!("the file is not valid CSV ({e})"),
    };
    ImportError {
        file: Some(file.to_owned()),
        line,
        reason,
    }
}

/// One record, with the line it starts on.
pub(crate) struct Row {
    pub line: u64,
    record: csv::StringRecord,
}

impl Row {
    /// The trimmed cell of column `col` ("" when absent).
    pub fn get(&self, col: Option<usize>) -> &str {
        col.and_then(|c| self.record.get(c)).unwrap_or("").trim()
    }

    /// The trimmed cell of column `col`; refused when empty.
    pub fn required(&self, t: &Table<'_>, name: &str) -> Result<&str, ImportError> {
        let v = self.get(Some(t.req(name)));
        if v.is_empty() {
            return Err(ImportError::at(
                t.file,
                self.line,
                format!("the cell {name} is empty"),
            ));
        }
        Ok(v)
    }
}

/// Checks a label: at most `max_label_chars` characters, no control
/// characters (line breaks and tabs aside; `\r\n` counts as a line break)
/// and no bidirectional overrides, which could disguise a label on screen.
/// Returns it NFC-normalised and trimmed, or `None` when empty.
pub(crate) fn label(
    ctx: &Ctx<'_>,
    file: &str,
    line: u64,
    what: &str,
    raw: &str,
) -> Result<Option<String>, ImportError> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let text = text.replace("\r\n", "\n");
    if let Some(c) = text.chars().find(|&c| is_forbidden(c)) {
        return Err(ImportError::at(
            file,
            line,
            format!(
                "the {what} holds a control character (U+{:04X}), which labels may not contain",
                c as u32
            ),
        ));
    }
    let len = text.chars().count();
    if len > ctx.limits.max_label_chars {
        return Err(ImportError::at(
            file,
            line,
            format!(
                "the {what} is {len} characters long; labels may have at most {}",
                ctx.limits.max_label_chars
            ),
        ));
    }
    Ok(Some(text.nfc().collect()))
}

/// A list of labels in one cell, one per line (ESCO's `altLabels`),
/// checked one by one, without empty or repeated ones.
pub(crate) fn label_list(
    ctx: &Ctx<'_>,
    file: &str,
    line: u64,
    what: &str,
    raw: &str,
) -> Result<Vec<String>, ImportError> {
    let mut out: Vec<String> = Vec::new();
    for part in raw.split('\n') {
        if let Some(l) = label(ctx, file, line, what, part)? {
            if !out.contains(&l) {
                out.push(l);
            }
        }
    }
    Ok(out)
}

/// Checks a description: at most `max_description_chars` characters.
/// Control characters other than line breaks and tabs are dropped rather
/// than refused (descriptions are shown as plain text, never as labels).
pub(crate) fn description(
    ctx: &Ctx<'_>,
    file: &str,
    line: u64,
    raw: &str,
) -> Result<Option<String>, ImportError> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let len = text.chars().count();
    if len > ctx.limits.max_description_chars {
        return Err(ImportError::at(
            file,
            line,
            format!(
                "the description is {len} characters long; at most {} are accepted",
                ctx.limits.max_description_chars
            ),
        ));
    }
    let cleaned: String = text
        .replace("\r\n", "\n")
        .chars()
        .filter(|&c| !is_forbidden(c))
        .collect();
    Ok(Some(cleaned.nfc().collect()))
}

/// Checks a code or URI: no spaces or control characters, at most 300
/// characters.
pub(crate) fn code<'r>(
    file: &str,
    line: u64,
    what: &str,
    raw: &'r str,
) -> Result<&'r str, ImportError> {
    let v = raw.trim();
    if v.is_empty() {
        return Err(ImportError::at(file, line, format!("the {what} is empty")));
    }
    if v.chars().count() > 300 {
        return Err(ImportError::at(
            file,
            line,
            format!("the {what} is longer than 300 characters"),
        ));
    }
    if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ImportError::at(
            file,
            line,
            format!(
                "the {what} “{}” contains spaces or control characters",
                shorten(v)
            ),
        ));
    }
    Ok(v)
}

/// Characters refused in labels.
fn is_forbidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// A value cut short for an error message.
pub(crate) fn shorten(v: &str) -> String {
    let mut s: String = v.chars().take(60).filter(|c| !c.is_control()).collect();
    if v.chars().count() > 60 {
        s.push('…');
    }
    s
}

/// Finds codes that appear twice in one file.
#[derive(Default)]
pub(crate) struct Seen {
    lines: HashMap<String, u64>,
}

impl Seen {
    /// Refuses `code` if it was already seen in `file`, naming both lines.
    pub fn check(&mut self, file: &str, line: u64, code: &str) -> Result<(), ImportError> {
        if let Some(first) = self.lines.insert(code.to_owned(), line) {
            return Err(ImportError::at(
                file,
                line,
                format!(
                    "code {} appears twice (lines {first} and {line})",
                    shorten(code)
                ),
            ));
        }
        Ok(())
    }

    /// The line where `code` was first seen, recording it otherwise.
    pub fn first(&mut self, code: &str, line: u64) -> Option<u64> {
        match self.lines.get(code) {
            Some(&l) => Some(l),
            None => {
                self.lines.insert(code.to_owned(), line);
                None
            }
        }
    }
}

/// Files of `input` whose name satisfies `pred`, refused if more than one.
pub(crate) fn one_file<'i>(
    files: &'i [(String, Vec<u8>)],
    what: &str,
    pred: impl Fn(&str) -> bool,
) -> Result<Option<&'i (String, Vec<u8>)>, ImportError> {
    let found: Vec<&(String, Vec<u8>)> = files.iter().filter(|(n, _)| pred(n)).collect();
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(*one)),
        many => Err(ImportError::new(format!(
            "several files look like {what}: {}; keep only one",
            many.iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_match_is_loose_and_missing_columns_listed() {
        let limits = Limits::default();
        let mut ctx = Ctx::new(&limits);
        let data = "\u{feff} Code_ROME ,libelle_rome\nM1805,Dév\n".as_bytes();
        let mut t = Table::open("a.csv", data, b',', &["code_rome", "LIBELLE_ROME"]).unwrap();
        let row = t.next_row(&mut ctx).unwrap().unwrap();
        assert_eq!(row.line, 2);
        assert_eq!(row.required(&t, "code_rome").unwrap(), "M1805");
        let Err(err) = Table::open("a.csv", data, b',', &["code_rome", "x", "y"]) else {
            panic!("accepted")
        };
        assert_eq!(
            err.to_string(),
            "a.csv, line 1: the columns x, y are missing (found: Code_ROME, libelle_rome)"
        );
    }

    #[test]
    fn semicolons_get_a_hint() {
        let Err(err) = Table::open("a.csv", b"a;b\n1;2\n", b',', &["a"]) else {
            panic!("accepted")
        };
        assert!(err.reason.contains("separated by “;”"), "{err}");
    }

    #[test]
    fn labels_are_checked() {
        let limits = Limits {
            max_label_chars: 10,
            ..Limits::default()
        };
        let ctx = Ctx::new(&limits);
        assert_eq!(label(&ctx, "f", 2, "label", "  ").unwrap(), None);
        assert_eq!(
            label(&ctx, "f", 2, "label", "e\u{301}te\u{301}").unwrap(),
            Some("été".to_owned())
        );
        assert!(label(&ctx, "f", 2, "label", "a\u{7}b").is_err());
        assert!(label(&ctx, "f", 2, "label", "a\u{202e}b").is_err());
        assert!(label(&ctx, "f", 2, "label", "abcdefghijk").is_err());
        assert_eq!(
            label_list(&ctx, "f", 2, "label", "a\r\nb\n\na").unwrap(),
            ["a", "b"]
        );
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff_delimiter(b"a;b;c\n1,2;3"), b';');
        assert_eq!(sniff_delimiter(b"a,b\n"), b',');
    }
}
