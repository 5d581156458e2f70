//! Reading a batch file as offices produce it: CSV exported from a
//! spreadsheet (Excel in French: `;` separators, Windows-1252, `01/07/2025`
//! dates, `12,5` numbers), typed by the template's JSON Schema.
//!
//! * Encoding: a BOM decides (UTF-8, UTF-16 as Excel's "Unicode text"),
//!   else UTF-8 when the bytes are valid UTF-8, else Windows-1252
//!   (`encoding_rs`).
//! * Separator: `,` `;` or tab, the one found most often in the header
//!   line outside quotes.
//! * Headers: a field's dotted path (`degree.awardedOn`) or its label in
//!   French or English (`Date d'obtention`), case and accents ignored;
//!   `reference`/`référence` and `email`/`e-mail`/`courriel`.
//! * Cells are trimmed; an empty cell is an absent value. Dates (fields
//!   with `format: date` or the ISO date pattern) are `jj/mm/aaaa`,
//!   `j/m/aaaa` or `aaaa-mm-jj`, stored as ISO; numbers take a decimal
//!   comma and spaces between thousands; booleans `oui`/`non`; choices
//!   match case-insensitively and are stored as the schema spells them.
//! * Constants (one value for every row, e.g. `degree.type`) fill what a
//!   row leaves empty; a field whose schema has a `const` is filled too.
//! * Every problem is a [`CellError`]: the row, the line of the file (as a
//!   spreadsheet numbers it: the header is line 1), the column as the file
//!   names it, the field, a code and its arguments. Pages translate the
//!   code; the API also gives an English sentence.
//! * Bounded: [`MAX_COLUMNS`] columns, [`MAX_CELL_CHARS`] characters a
//!   cell, the caller's row limit, [`MAX_ERRORS`] problems reported.

use serde_json::{json, Map, Value};

/// Most columns in a file.
pub const MAX_COLUMNS: usize = 200;
/// Most characters in one cell.
pub const MAX_CELL_CHARS: usize = 5_000;
/// Most problems reported for one file.
pub const MAX_ERRORS: usize = 50;
/// Most constants given with a file.
pub const MAX_CONSTANTS: usize = 200;

/// The pattern older templates use for dates.
pub const ISO_DATE_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

/// One problem in a file, for a person to fix.
#[derive(Debug, Clone, PartialEq)]
pub struct CellError {
    /// The data row (1 for the first row after the header); 0 for the
    /// header, the file as a whole, or a constant.
    pub row: usize,
    /// The line in the file (the header is line 1); 0 for a constant.
    pub line: usize,
    /// The column as the file names it (empty when the file has none).
    pub column: String,
    /// The field's dotted path, when the problem is a field's.
    pub field: String,
    /// Whether the value came from the constants.
    pub constant: bool,
    /// The field's label in English, for the message when the file has
    /// no column for it.
    pub label: String,
    /// What is wrong, e.g. `date`, `integer`, `missing`, `choice`.
    pub code: &'static str,
    /// The code's arguments (`options`, `max`, `value`...).
    pub args: Map<String, Value>,
}

impl CellError {
    pub fn new(row: usize, line: usize, code: &'static str) -> Self {
        CellError {
            row,
            line,
            column: String::new(),
            field: String::new(),
            constant: false,
            label: String::new(),
            code,
            args: Map::new(),
        }
    }

    pub fn column(mut self, column: &str, field: &str) -> Self {
        self.column = column.to_owned();
        self.field = field.to_owned();
        self
    }

    pub fn arg(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.args.insert(name.to_owned(), value.into());
        self
    }

    /// The problem in English, for API callers (pages translate `code`).
    pub fn message(&self) -> String {
        let a = |k: &str| match self.args.get(k) {
            Some(Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
            None => String::new(),
        };
        let what = match self.code {
            "unreadable-file" => {
                "the file cannot be read as CSV; save it as CSV from your spreadsheet".into()
            }
            "no-reference-column" => {
                "add a column named reference (your own unique reference for each person)".into()
            }
            "too-many-columns" => format!("keep at most {} columns", a("max")),
            "duplicate-column" => "two columns have this name; keep one".into(),
            "unknown-column" => {
                "this template has no such field; rename or remove the column".into()
            }
            "column-clash" => "this column is both a value and a group of values; rename it".into(),
            "unreadable-row" => format!(
                "this line has {} cells where the header has {}; check the separators and quotes",
                a("found"),
                a("expected")
            ),
            "cell-too-long" => format!("keep this cell under {} characters", a("max")),
            "too-many-rows" => format!("send at most {} rows per file", a("max")),
            "no-rows" => "the file has no rows after its header".into(),
            "reference" => "type a reference of 1 to 200 characters".into(),
            "duplicate-reference" => format!(
                "this reference is already on line {}; each row needs its own",
                a("first")
            ),
            "email" => "type an e-mail address such as marie.dupont@example.org".into(),
            "holder" => {
                "type a DID (did:method:identifier) or the e-mail address of an Atout account"
                    .into()
            }
            "nul" => "remove the NUL characters".into(),
            "missing" => "this value is required; type it or set it once for every row".into(),
            "date" => "type a date such as 01/07/2025".into(),
            "integer" => "type a whole number such as 7".into(),
            "number" => "type a number such as 12,5".into(),
            "boolean" => "type oui or non".into(),
            "choice" => format!("type one of: {}", a("options")),
            "fixed" => format!("this value is always {}; leave the cell empty", a("value")),
            "too-short" => format!("type at least {} characters", a("min")),
            "too-long" => format!("type at most {} characters", a("max")),
            "too-small" => format!("type a number of at least {}", a("min")),
            "too-large" => format!("type a number of at most {}", a("max")),
            "identifier" => {
                "type an identifier: letters, digits and . _ - : / without spaces".into()
            }
            "pattern" if self.args.contains_key("example") => {
                format!("type a value of the form {}", a("example"))
            }
            "pattern" => "this value does not have the expected form".into(),
            "unknown-constant" => "this template has no such field".into(),
            "jsonl-line" => {
                "each line must be a JSON object {\"reference\", \"email\"?, \"subject\"}".into()
            }
            "jsonl-utf8" => "a JSON Lines file must be UTF-8".into(),
            _ => "this value is not accepted by the template".into(),
        };
        let mut out = String::new();
        let column = if self.column.is_empty() {
            self.label.as_str()
        } else {
            self.column.as_str()
        };
        if self.constant {
            out.push_str(&format!("Value for every row, “{}”: ", self.column));
        } else if self.row == 0 && column.is_empty() {
            out.push_str("File: ");
        } else if self.row == 0 {
            out.push_str(&format!("Header, column “{column}”: "));
        } else if column.is_empty() {
            out.push_str(&format!("Row {} (line {}): ", self.row, self.line));
        } else {
            out.push_str(&format!(
                "Row {} (line {}), column “{column}”: ",
                self.row, self.line
            ));
        }
        out.push_str(&what);
        out.push('.');
        out
    }

    /// The API's form: `{row, line, column, field, constant, code, args, message}`.
    pub fn to_json(&self) -> Value {
        json!({
            "row": self.row,
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "constant": self.constant,
            "code": self.code,
            "args": self.args,
            "message": self.message(),
        })
    }
}

pub use atout_web::csvtext::{decode, detect_separator, parse_date, parse_number};

/// How a field's text becomes a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Text,
    Date,
    Integer,
    Number,
    Boolean,
    Email,
    Identifier,
    /// One of these values (the schema's `enum`).
    Choice(Vec<Value>),
    /// Always this value (the schema's `const`).
    Fixed(Value),
}

/// A field of the template's subject, as a column.
#[derive(Debug, Clone)]
pub struct SchemaField {
    pub path: String,
    pub kind: Kind,
    /// Labels to recognise in a header: the title and `x-atout-labels`.
    pub labels: Vec<String>,
    /// Whether every object on the way to it is required (a `const` is
    /// filled only then, so an optional group is not created).
    pub reachable: bool,
    /// `examples[0]`, shown with a pattern error.
    pub example: Option<String>,
}

impl SchemaField {
    /// A label in English for messages: `x-atout-labels.en`, the title, or
    /// the path.
    pub fn label_en(&self) -> String {
        self.labels
            .last()
            .cloned()
            .unwrap_or_else(|| self.path.clone())
    }
}

/// A property's kind from its schema.
pub fn kind_of(prop: &Value) -> Kind {
    if let Some(c) = prop.get("const") {
        return Kind::Fixed(c.clone());
    }
    if let Some(values) = prop.get("enum").and_then(Value::as_array) {
        return Kind::Choice(values.clone());
    }
    let declared = prop.get("x-atout-type").and_then(Value::as_str);
    match declared {
        Some("email") => return Kind::Email,
        Some("identifier") => return Kind::Identifier,
        _ => {}
    }
    match prop.get("type").and_then(Value::as_str) {
        Some("integer") => Kind::Integer,
        Some("number") => Kind::Number,
        Some("boolean") => Kind::Boolean,
        _ if declared == Some("date")
            || prop.get("format").and_then(Value::as_str) == Some("date")
            || prop.get("pattern").and_then(Value::as_str) == Some(ISO_DATE_PATTERN) =>
        {
            Kind::Date
        }
        _ if prop.get("format").and_then(Value::as_str) == Some("email") => Kind::Email,
        _ => Kind::Text,
    }
}

fn walk(schema: &Value, prefix: &str, reachable: bool, depth: usize, out: &mut Vec<SchemaField>) {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    if depth > 8 {
        return;
    }
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (name, prop) in props {
        if out.len() >= 1000 {
            return;
        }
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        if prop.get("type").and_then(Value::as_str) == Some("object")
            || prop.get("properties").is_some()
        {
            walk(
                prop,
                &path,
                reachable && required.contains(&name.as_str()),
                depth + 1,
                out,
            );
            continue;
        }
        let mut labels = Vec::new();
        if let Some(t) = prop.get("title").and_then(Value::as_str) {
            labels.push(t.to_owned());
        }
        if let Some(l) = prop.get("x-atout-labels") {
            for lang in ["fr", "en"] {
                if let Some(t) = l.get(lang).and_then(Value::as_str) {
                    labels.push(t.to_owned());
                }
            }
        }
        out.push(SchemaField {
            kind: kind_of(prop),
            labels,
            reachable,
            example: prop
                .get("examples")
                .and_then(|e| e.get(0))
                .and_then(Value::as_str)
                .map(str::to_owned),
            path,
        });
    }
}

/// The scalar fields of a subject schema (nested objects as dotted paths).
pub fn schema_fields(schema: &Value) -> Vec<SchemaField> {
    let mut out = Vec::new();
    walk(schema, "", true, 0, &mut out);
    out
}

/// Text folded for comparing headers: lower case, no accents, one space
/// between words.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        let mapped: &str = match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' => "a",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'î' | 'ï' | 'í' | 'ì' => "i",
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => "o",
            'ù' | 'û' | 'ü' | 'ú' => "u",
            'ÿ' => "y",
            'ç' => "c",
            'ñ' => "n",
            'œ' => "oe",
            'æ' => "ae",
            ' ' | '_' | '-' | '\'' | '’' | '\u{a0}' | '\u{202f}' | '\t' => {
                space = true;
                continue;
            }
            _ => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(c);
                continue;
            }
        };
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push_str(mapped);
    }
    out
}

/// What a header names.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    Reference,
    Email,
    /// Whom the credential is for: a DID or an Atout account's e-mail.
    Holder,
    /// A field of the schema (index into `schema_fields`).
    Field(usize),
    /// A path the schema does not know (the schema's own rules decide).
    Unknown(String),
}

/// A header cell's meaning.
pub fn column_of(header: &str, fields: &[SchemaField]) -> Column {
    let f = fold(header);
    match f.as_str() {
        "reference" | "ref" => return Column::Reference,
        "email"
        | "e mail"
        | "courriel"
        | "mail"
        | "adresse e mail"
        | "adresse email"
        | "adresse electronique" => return Column::Email,
        "holder" | "titulaire" | "detenteur" => return Column::Holder,
        _ => {}
    }
    if let Some(i) = fields.iter().position(|s| s.path == header.trim()) {
        return Column::Field(i);
    }
    if let Some(i) = fields
        .iter()
        .position(|s| fold(&s.path) == f || s.labels.iter().any(|l| fold(l) == f))
    {
        return Column::Field(i);
    }
    Column::Unknown(header.trim().to_owned())
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}'
}

fn number_value(n: f64) -> Option<Value> {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        Some(Value::from(n as i64))
    } else {
        serde_json::Number::from_f64(n).map(Value::Number)
    }
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A cell's text as the field's value, or the error's code and arguments.
pub fn convert(
    field: &SchemaField,
    text: &str,
) -> Result<Value, (&'static str, Map<String, Value>)> {
    let none = Map::new;
    let text = text.trim();
    match &field.kind {
        Kind::Text => Ok(Value::String(text.to_owned())),
        Kind::Email | Kind::Identifier => Ok(Value::String(text.to_owned())),
        Kind::Date => parse_date(text).map(Value::String).ok_or(("date", none())),
        Kind::Integer => parse_number(text)
            .filter(|n| n.fract() == 0.0 && n.abs() < 9e15)
            .map(|n| Value::from(n as i64))
            .ok_or(("integer", none())),
        Kind::Number => parse_number(text)
            .and_then(number_value)
            .ok_or(("number", none())),
        Kind::Boolean => match fold(text).as_str() {
            "oui" | "vrai" | "true" | "yes" | "1" | "o" | "x" => Ok(Value::Bool(true)),
            "non" | "faux" | "false" | "no" | "0" | "n" => Ok(Value::Bool(false)),
            _ => Err(("boolean", none())),
        },
        Kind::Choice(options) => {
            let wanted = fold(text);
            options
                .iter()
                .find(|o| scalar_text(o) == text)
                .or_else(|| options.iter().find(|o| fold(&scalar_text(o)) == wanted))
                .cloned()
                .ok_or_else(|| {
                    let mut m = none();
                    m.insert("options".into(), json!(options_text(options)));
                    ("choice", m)
                })
        }
        Kind::Fixed(v) => {
            if scalar_text(v) == text || fold(&scalar_text(v)) == fold(text) {
                Ok(v.clone())
            } else {
                let mut m = none();
                m.insert("value".into(), json!(scalar_text(v)));
                Err(("fixed", m))
            }
        }
    }
}

/// A choice's options as one line: `A, B, C`.
pub fn options_text(options: &[Value]) -> String {
    options
        .iter()
        .map(scalar_text)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Sets `parts` (a dotted path) to `value`, creating objects on the way;
/// false if the path runs through a value or ends on an object.
pub fn insert_path(map: &mut Map<String, Value>, parts: &[&str], value: Value) -> bool {
    match parts {
        [last] => {
            if map.get(*last).is_some_and(Value::is_object) {
                return false;
            }
            map.insert((*last).to_owned(), value);
            true
        }
        [first, rest @ ..] => match map
            .entry((*first).to_owned())
            .or_insert_with(|| Value::Object(Map::new()))
        {
            Value::Object(m) => insert_path(m, rest, value),
            _ => false,
        },
        [] => false,
    }
}

/// Whether a dotted path holds a value in the subject.
pub fn has_path(subject: &Map<String, Value>, path: &str) -> bool {
    let mut parts = path.split('.');
    let Some(first) = parts.next() else {
        return false;
    };
    let mut node = match subject.get(first) {
        Some(n) => n,
        None => return false,
    };
    for part in parts {
        match node.get(part) {
            Some(n) => node = n,
            None => return false,
        }
    }
    !node.is_null()
}

/// The constants as typed values, checked against the schema's fields.
pub fn constants(
    given: &Map<String, Value>,
    fields: &[SchemaField],
) -> Result<Vec<(String, Value)>, Vec<CellError>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    if given.len() > MAX_CONSTANTS {
        return Err(vec![
            CellError::new(0, 0, "too-many-columns").arg("max", MAX_CONSTANTS)
        ]);
    }
    for (path, value) in given {
        let constant_error = |code| {
            let mut e = CellError::new(0, 0, code).column(path, path);
            e.constant = true;
            e
        };
        let Some(field) = fields.iter().find(|f| &f.path == path) else {
            errors.push(constant_error("unknown-constant"));
            continue;
        };
        let text = scalar_text(value);
        if text.trim().is_empty() || value.is_null() {
            continue;
        }
        if text.chars().count() > MAX_CELL_CHARS {
            errors.push(constant_error("cell-too-long").arg("max", MAX_CELL_CHARS));
            continue;
        }
        match convert(field, &text) {
            Ok(v) => out.push((path.clone(), v)),
            Err((code, args)) => {
                let mut e = constant_error(code);
                e.args = args;
                errors.push(e);
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// A parsed CSV row.
#[derive(Debug, Clone)]
pub struct CsvRow {
    pub line: usize,
    pub reference: String,
    pub email: Option<String>,
    pub holder: Option<String>,
    pub subject: Map<String, Value>,
}

/// The outcome of reading a CSV file: its rows, the header as written
/// (path → column), and the problems found (at most [`MAX_ERRORS`]).
#[derive(Debug, Default)]
pub struct CsvFile {
    pub rows: Vec<CsvRow>,
    pub columns: Vec<(String, String)>,
    /// The reference and email columns as the file names them.
    pub reference_column: Option<String>,
    pub email_column: Option<String>,
    pub errors: Vec<CellError>,
}

impl CsvFile {
    /// The column naming a field in the file, if any.
    pub fn column_for(&self, path: &str) -> Option<&str> {
        self.columns
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, c)| c.as_str())
    }
}

/// Line numbers from byte offsets that only grow: counts the line breaks
/// between the last offset and the next.
#[derive(Default)]
struct LineCounter {
    byte: usize,
    line: usize,
}

impl LineCounter {
    fn at(&mut self, text: &[u8], byte: usize) -> usize {
        // The reader may start a record on the previous one's line break.
        let mut byte = byte.min(text.len());
        while byte < text.len() && matches!(text[byte], b'\r' | b'\n') {
            byte += 1;
        }
        if byte >= self.byte {
            self.line += text[self.byte..byte]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            self.byte = byte;
        }
        self.line + 1
    }
}

/// Reads a CSV file typed by `fields`, with at most `max_rows` rows
/// (reading stops past it).
pub fn read_csv(data: &[u8], fields: &[SchemaField], max_rows: usize) -> CsvFile {
    let mut file = CsvFile::default();
    let text = decode(data);
    let separator = detect_separator(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(_)) => {
            file.errors.push(CellError::new(0, 1, "unreadable-file"));
            return file;
        }
        None => {
            file.errors.push(CellError::new(0, 0, "no-rows"));
            return file;
        }
    };
    if header.len() > MAX_COLUMNS {
        file.errors
            .push(CellError::new(0, 1, "too-many-columns").arg("max", MAX_COLUMNS));
        return file;
    }
    let headers: Vec<String> = header.iter().map(|h| h.trim().to_owned()).collect();
    let mut columns = Vec::with_capacity(headers.len());
    let mut seen: Vec<Column> = Vec::new();
    for h in &headers {
        if h.chars().count() > 300 {
            file.errors.push(
                CellError::new(0, 1, "cell-too-long")
                    .column(&h.chars().take(40).collect::<String>(), "")
                    .arg("max", 300),
            );
            return file;
        }
        let column = if h.is_empty() {
            Column::Unknown(String::new())
        } else {
            column_of(h, fields)
        };
        if !h.is_empty() && seen.contains(&column) {
            file.errors
                .push(CellError::new(0, 1, "duplicate-column").column(h, ""));
        }
        match &column {
            Column::Reference => file.reference_column = Some(h.clone()),
            Column::Email => file.email_column = Some(h.clone()),
            Column::Field(i) => file.columns.push((fields[*i].path.clone(), h.clone())),
            Column::Unknown(p) if !p.is_empty() => file.columns.push((p.clone(), h.clone())),
            _ => {}
        }
        seen.push(column.clone());
        columns.push(column);
    }
    if !columns.contains(&Column::Reference) {
        file.errors
            .push(CellError::new(0, 1, "no-reference-column"));
    }
    if !file.errors.is_empty() {
        return file;
    }
    let mut lines = LineCounter::default();
    for record in records {
        // Blank lines are no rows: the row number counts the others.
        let n = file.rows.len() + 1;
        if file.errors.len() >= MAX_ERRORS {
            break;
        }
        if n > max_rows {
            file.errors
                .push(CellError::new(n, 0, "too-many-rows").arg("max", max_rows));
            break;
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e
                    .position()
                    .map_or(0, |p| lines.at(text.as_bytes(), p.byte() as usize));
                file.errors.push(CellError::new(n, line, "unreadable-file"));
                break;
            }
        };
        // The line of the record's first byte, as a spreadsheet counts.
        let line = record
            .position()
            .map_or(n + 1, |p| lines.at(text.as_bytes(), p.byte() as usize));
        // A blank line (Excel adds some at the end) is no row.
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if record.len() > headers.len()
            && record
                .iter()
                .skip(headers.len())
                .any(|c| !c.trim().is_empty())
        {
            file.errors.push(
                CellError::new(n, line, "unreadable-row")
                    .arg("expected", headers.len())
                    .arg("found", record.len()),
            );
            continue;
        }
        let mut row = CsvRow {
            line,
            reference: String::new(),
            email: None,
            holder: None,
            subject: Map::new(),
        };
        for ((column, header), cell) in columns.iter().zip(&headers).zip(record.iter()) {
            let cell = cell.trim_matches(is_space);
            if cell.chars().count() > MAX_CELL_CHARS {
                file.errors.push(
                    CellError::new(n, line, "cell-too-long")
                        .column(header, "")
                        .arg("max", MAX_CELL_CHARS),
                );
                continue;
            }
            if cell.is_empty() {
                continue;
            }
            let (path, value) = match column {
                Column::Reference => {
                    row.reference = cell.to_owned();
                    continue;
                }
                Column::Email => {
                    row.email = Some(cell.to_owned());
                    continue;
                }
                Column::Holder => {
                    row.holder = Some(cell.to_owned());
                    continue;
                }
                Column::Unknown(p) if p.is_empty() => continue,
                Column::Unknown(p) => (p.as_str(), Value::String(cell.to_owned())),
                Column::Field(i) => {
                    let field = &fields[*i];
                    match convert(field, cell) {
                        Ok(v) => (field.path.as_str(), v),
                        Err((code, args)) => {
                            let mut e = CellError::new(n, line, code).column(header, &field.path);
                            e.args = args;
                            file.errors.push(e);
                            continue;
                        }
                    }
                }
            };
            let parts: Vec<&str> = path.split('.').collect();
            if !insert_path(&mut row.subject, &parts, value) {
                file.errors
                    .push(CellError::new(n, line, "column-clash").column(header, path));
            }
        }
        file.rows.push(row);
    }
    file
}

/// Fills what a subject leaves empty: the constants, then the schema's
/// `const` values (where every group on the way is required or present).
pub fn fill(
    subject: &mut Map<String, Value>,
    constants: &[(String, Value)],
    fields: &[SchemaField],
) {
    for (path, value) in constants {
        if !has_path(subject, path) {
            let parts: Vec<&str> = path.split('.').collect();
            insert_path(subject, &parts, value.clone());
        }
    }
    for f in fields {
        let Kind::Fixed(v) = &f.kind else { continue };
        let parent_present = match f.path.rsplit_once('.') {
            Some((parent, _)) => has_path(subject, parent),
            None => true,
        };
        if !has_path(subject, &f.path) && (f.reachable || parent_present) {
            let parts: Vec<&str> = f.path.split('.').collect();
            insert_path(subject, &parts, v.clone());
        }
    }
}

/// A schema validation error as a [`CellError`]: the field from the
/// instance path, a code from the keyword.
pub fn schema_error(
    row: usize,
    line: usize,
    error: &jsonschema::ValidationError<'_>,
    fields: &[SchemaField],
    file: Option<&CsvFile>,
) -> CellError {
    use jsonschema::error::ValidationErrorKind as K;
    let mut path = error
        .instance_path()
        .as_str()
        .trim_start_matches('/')
        .replace('/', ".");
    let field_of = |p: &str| fields.iter().find(|f| f.path == p);
    let (code, args): (&'static str, Map<String, Value>) = match error.kind() {
        K::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            path = if path.is_empty() {
                name.to_owned()
            } else {
                format!("{path}.{name}")
            };
            ("missing", Map::new())
        }
        K::AdditionalProperties { unexpected } => {
            let name = unexpected.first().cloned().unwrap_or_default();
            path = if path.is_empty() {
                name
            } else {
                format!("{path}.{name}")
            };
            ("unknown-column", Map::new())
        }
        K::Type { .. } => match field_of(&path).map(|f| &f.kind) {
            Some(Kind::Integer) => ("integer", Map::new()),
            Some(Kind::Number) => ("number", Map::new()),
            Some(Kind::Boolean) => ("boolean", Map::new()),
            Some(Kind::Date) => ("date", Map::new()),
            _ => ("invalid", Map::new()),
        },
        K::MinLength { limit } if *limit <= 1 => ("missing", Map::new()),
        K::MinLength { limit } => ("too-short", one("min", json!(limit))),
        K::MaxLength { limit } => ("too-long", one("max", json!(limit))),
        K::Minimum { limit } | K::ExclusiveMinimum { limit } => {
            ("too-small", one("min", limit.clone()))
        }
        K::Maximum { limit } | K::ExclusiveMaximum { limit } => {
            ("too-large", one("max", limit.clone()))
        }
        K::Enum { options } => (
            "choice",
            one(
                "options",
                json!(options_text(
                    options.as_array().map(Vec::as_slice).unwrap_or(&[])
                )),
            ),
        ),
        K::Constant { expected_value } => {
            ("fixed", one("value", json!(scalar_text(expected_value))))
        }
        K::Pattern { .. } | K::Format { .. } => match field_of(&path) {
            Some(f) if f.kind == Kind::Date => ("date", Map::new()),
            Some(f) if f.kind == Kind::Email => ("email", Map::new()),
            Some(f) if f.kind == Kind::Identifier => ("identifier", Map::new()),
            Some(SchemaField {
                example: Some(x), ..
            }) => ("pattern", one("example", json!(x))),
            _ => ("pattern", Map::new()),
        },
        _ => ("invalid", Map::new()),
    };
    let column = file
        .and_then(|f| f.column_for(&path))
        .unwrap_or("")
        .to_owned();
    let mut e = CellError::new(row, line, code).column(&column, &path);
    e.label = field_of(&path).map_or(path.clone(), SchemaField::label_en);
    e.args = args;
    e
}

fn one(name: &str, value: Value) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(name.to_owned(), value);
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Value {
        json!({"type": "object", "additionalProperties": false, "required": ["givenName", "degree"], "properties": {
            "givenName": {"type": "string", "x-atout-labels": {"fr": "Prénom", "en": "Given name"}},
            "degree": {"type": "object", "required": ["type", "awardedOn"], "properties": {
                "type": {"const": "Diploma"},
                "awardedOn": {"type": "string", "format": "date", "x-atout-labels": {"fr": "Date d’obtention", "en": "Award date"}},
                "credits": {"type": "number"},
                "eqfLevel": {"type": "integer"},
                "grade": {"enum": ["Bien", "Très bien"]}
            }}
        }})
    }

    #[test]
    fn encodings_are_detected() {
        assert_eq!(decode(b"caf\xc3\xa9"), "café");
        assert_eq!(decode(b"\xef\xbb\xbfcaf\xc3\xa9"), "café");
        assert_eq!(decode(b"caf\xe9 \x80"), "café €");
        assert_eq!(decode(b"\xff\xfec\x00\xe9\x00"), "cé");
    }

    #[test]
    fn separators_are_detected_outside_quotes() {
        assert_eq!(detect_separator("a;b;c\n1,2;3"), b';');
        assert_eq!(detect_separator("\"a;b;c\",d\n"), b',');
        assert_eq!(detect_separator("a\tb\tc"), b'\t');
        assert_eq!(detect_separator("reference"), b',');
    }

    #[test]
    fn french_dates_and_numbers() {
        assert_eq!(parse_date("01/07/2025").as_deref(), Some("2025-07-01"));
        assert_eq!(parse_date("1/7/2025").as_deref(), Some("2025-07-01"));
        assert_eq!(parse_date("2025-07-01").as_deref(), Some("2025-07-01"));
        assert_eq!(
            parse_date("01/07/2025 00:00").as_deref(),
            Some("2025-07-01")
        );
        for bad in [
            "31/02/2025",
            "01/07/25",
            "2025/07/01",
            "demain",
            "1/2/3/4",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert_eq!(parse_number("12,5"), Some(12.5));
        assert_eq!(parse_number("1 234,5"), Some(1234.5));
        assert_eq!(parse_number("1.234,5"), Some(1234.5));
        assert_eq!(parse_number("12.5"), Some(12.5));
        assert_eq!(parse_number("douze"), None);
        assert_eq!(parse_number("NaN"), None);
    }

    #[test]
    fn a_french_excel_file_becomes_subjects() {
        let fields = schema_fields(&schema());
        let data = b"R\xe9f\xe9rence;Pr\xe9nom;Date d\x92obtention;degree.credits;degree.grade\r\nA1; In\xe8s ;01/07/2025;12,5;tr\xe8s bien\r\n;;;;\r\n";
        let file = read_csv(data, &fields, 10);
        assert!(file.errors.is_empty(), "{:?}", file.errors);
        assert_eq!(file.rows.len(), 1);
        let mut s = file.rows[0].subject.clone();
        fill(&mut s, &[], &fields);
        assert_eq!(
            Value::Object(s),
            json!({"givenName": "Inès", "degree": {"type": "Diploma", "awardedOn": "2025-07-01", "credits": 12.5, "grade": "Très bien"}})
        );
        assert_eq!(file.rows[0].reference, "A1");
        assert_eq!(file.rows[0].line, 2);
    }

    #[test]
    fn errors_name_the_line_and_column() {
        let fields = schema_fields(&schema());
        let file = read_csv(
            "reference,Prénom,Date d'obtention\nA1,Ana,2025-13-01\n".as_bytes(),
            &fields,
            10,
        );
        assert_eq!(file.errors.len(), 1);
        let e = &file.errors[0];
        assert_eq!((e.row, e.line, e.code), (1, 2, "date"));
        assert_eq!(e.column, "Date d'obtention");
        assert_eq!(e.field, "degree.awardedOn");
        assert_eq!(
            e.message(),
            "Row 1 (line 2), column “Date d'obtention”: type a date such as 01/07/2025."
        );
        let none = read_csv(b"givenName\nAna\n", &fields, 10);
        assert_eq!(none.errors[0].code, "no-reference-column");
        let many = read_csv(b"reference\nA\nB\nC\n", &fields, 2);
        assert_eq!(many.errors.last().unwrap().code, "too-many-rows");
    }

    #[test]
    fn constants_are_typed_and_fill_empty_cells() {
        let fields = schema_fields(&schema());
        let mut given = Map::new();
        given.insert("degree.awardedOn".into(), json!("3/7/2026"));
        let c = constants(&given, &fields).unwrap();
        let mut s = Map::new();
        fill(&mut s, &c, &fields);
        assert_eq!(
            Value::Object(s),
            json!({"degree": {"awardedOn": "2026-07-03", "type": "Diploma"}})
        );
        given.insert("nope".into(), json!("x"));
        given.insert("degree.eqfLevel".into(), json!("sept"));
        let errors = constants(&given, &fields).unwrap_err();
        // In the order given (the workspace's serde_json keeps it).
        let mut codes: Vec<_> = errors.iter().map(|e| e.code).collect();
        codes.sort_unstable();
        assert_eq!(codes, ["integer", "unknown-constant"]);
    }
}
