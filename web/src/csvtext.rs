//! Reading the CSV files that offices really send: the encoding (a BOM
//! decides, else UTF-8 if valid, else Windows-1252, as Excel writes in
//! France), the separator, dates and numbers written the French way.
//! Shared by the issuer's batches and the training catalogue's imports.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use std::borrow::Cow;

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}'
}

/// Bytes as text: a BOM decides, else UTF-8 if valid, else Windows-1252.
pub fn decode(data: &[u8]) -> Cow<'_, str> {
    if let Some((encoding, bom)) = Encoding::for_bom(data) {
        let (text, _) = encoding.decode_without_bom_handling(&data[bom..]);
        return text;
    }
    match UTF_8.decode_without_bom_handling_and_without_replacement(data) {
        Some(text) => text,
        None => WINDOWS_1252.decode_without_bom_handling(data).0,
    }
}

/// The separator: `,` `;` or tab, whichever the header line (up to its
/// first line break outside quotes) holds most outside quotes; `,` when
/// none.
pub fn detect_separator(text: &str) -> u8 {
    let (mut comma, mut semicolon, mut tab) = (0usize, 0usize, 0usize);
    let mut quoted = false;
    for c in text.chars().take(64 * 1024) {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            ',' if !quoted => comma += 1,
            ';' if !quoted => semicolon += 1,
            '\t' if !quoted => tab += 1,
            _ => {}
        }
    }
    if tab > comma && tab >= semicolon {
        b'\t'
    } else if semicolon > comma {
        b';'
    } else {
        b','
    }
}

/// A date as ISO `aaaa-mm-jj`, from `jj/mm/aaaa`, `j/m/aaaa` (also with
/// `.` or `-`) or ISO; a time of midnight after it (Excel) is ignored.
pub fn parse_date(text: &str) -> Option<String> {
    let text = text.trim();
    let text = text
        .strip_suffix(" 00:00:00")
        .or_else(|| text.strip_suffix(" 00:00"))
        .unwrap_or(text);
    let numbers: Vec<&str> = text.split(['/', '.', '-']).collect();
    let [a, b, c] = numbers.as_slice() else {
        return None;
    };
    if ![a, b, c]
        .iter()
        .all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|d| d.is_ascii_digit()))
    {
        return None;
    }
    let (y, m, d) = if a.len() == 4 && text.contains('-') {
        (a, b, c)
    } else if c.len() == 4 && a.len() <= 2 && b.len() <= 2 {
        (c, b, a)
    } else {
        return None;
    };
    let date = chrono::NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)?;
    Some(date.format("%Y-%m-%d").to_string())
}

/// A number written the French or the English way: `12,5`, `1 234,5`,
/// `12.5`, `1.234,5`.
pub fn parse_number(text: &str) -> Option<f64> {
    let compact: String = text.chars().filter(|c| !is_space(*c)).collect();
    let normal = if compact.contains(',') && compact.contains('.') {
        compact.replace('.', "").replace(',', ".")
    } else {
        compact.replace(',', ".")
    };
    if normal.is_empty()
        || !normal
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'+')
    {
        return None;
    }
    normal.parse::<f64>().ok().filter(|n| n.is_finite())
}
