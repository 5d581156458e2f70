//! ROME 4.0 codes and France Travail's NAF sector ↔ ROME crosswalk.
//! Files are recognised by their columns, whatever their names:
//! `code_rome` + `libelle_rome` is the list of codes
//! (`referentiel_code_rome.csv`), `secteur_naf` + `libelle_secteur` +
//! `code_rome` the crosswalk (`secteurs_naf_rome.csv`).

use std::collections::{HashMap, HashSet};

use super::table::{self, Ctx, Seen, Table};
use super::{list_or_none, ImportError, Input};
use crate::model::{Concept, ConceptKind, Dataset, Framework, Label, Link, Relation};

const CODES_NAME: &str = "referentiel_code_rome.csv";

pub(super) fn read(input: &Input, ctx: &mut Ctx<'_>) -> Result<Dataset, ImportError> {
    let mut codes_files = Vec::new();
    let mut naf_files = Vec::new();
    for (name, bytes) in &input.files {
        let delimiter = table::sniff_delimiter(bytes);
        let Some(cols) = table::header_names(bytes, delimiter) else {
            continue;
        };
        let has = |c: &str| cols.iter().any(|h| h == c);
        if has("secteur_naf") && has("code_rome") {
            naf_files.push((name, bytes, delimiter));
        } else if has("code_rome") && has("libelle_rome") {
            codes_files.push((name, bytes, delimiter));
        }
    }
    // Several lists of codes: the one with the usual name, else refuse.
    if codes_files.len() > 1 {
        match codes_files
            .iter()
            .position(|(n, _, _)| n.eq_ignore_ascii_case(CODES_NAME))
        {
            Some(i) => codes_files = vec![codes_files[i]],
            None => {
                return Err(ImportError::new(format!(
                    "several files hold ROME codes ({}); keep only one",
                    codes_files
                        .iter()
                        .map(|(n, _, _)| n.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )))
            }
        }
    }
    if naf_files.len() > 1 {
        return Err(ImportError::new(format!(
            "several files hold the NAF crosswalk ({}); keep only one",
            naf_files
                .iter()
                .map(|(n, _, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    if codes_files.is_empty() && naf_files.is_empty() {
        return Err(ImportError::new(format!(
            "no ROME file was found: expected a file with the columns code_rome and libelle_rome \
             (referentiel_code_rome.csv) or secteur_naf, libelle_secteur and code_rome \
             (secteurs_naf_rome.csv) ({})",
            list_or_none(&input.names())
        )));
    }

    let mut data = Dataset::default();
    if let Some((name, bytes, delimiter)) = codes_files.first() {
        read_codes(name, bytes, *delimiter, ctx, &mut data)?;
    }
    if let Some((name, bytes, delimiter)) = naf_files.first() {
        read_naf(name, bytes, *delimiter, ctx, &mut data)?;
    }
    Ok(data)
}

/// `M1805`: a letter from A to N and four digits (lower case accepted).
pub(crate) fn rome_code(raw: &str) -> Option<String> {
    let code = raw.trim().to_ascii_uppercase();
    let b = code.as_bytes();
    (b.len() == 5 && (b'A'..=b'N').contains(&b[0]) && b[1..].iter().all(u8::is_ascii_digit))
        .then_some(code)
}

fn read_codes(
    name: &str,
    bytes: &[u8],
    delimiter: u8,
    ctx: &mut Ctx<'_>,
    data: &mut Dataset,
) -> Result<(), ImportError> {
    let mut t = Table::open(name, bytes, delimiter, &["code_rome", "libelle_rome"])?;
    let mut seen = Seen::default();
    while let Some(row) = t.next_row(ctx)? {
        let raw = row.required(&t, "code_rome")?;
        let Some(code) = rome_code(raw) else {
            return Err(ImportError::at(
                name,
                row.line,
                format!(
                    "“{}” is not a ROME code (a letter from A to N and four digits, such as M1805)",
                    table::shorten(raw)
                ),
            ));
        };
        seen.check(name, row.line, &code)?;
        let label = table::label(
            ctx,
            name,
            row.line,
            "libelle_rome",
            row.required(&t, "libelle_rome")?,
        )?
        .unwrap_or_default();
        data.concepts.push(Concept {
            framework: Framework::Rome,
            code,
            kind: ConceptKind::Occupation,
            labels: vec![french(label)],
            descriptions: Vec::new(),
            parent: None,
            level: None,
            active: true,
            blocks: Vec::new(),
            certifiers: Vec::new(),
            skill_type: None,
        });
    }
    Ok(())
}

fn read_naf(
    name: &str,
    bytes: &[u8],
    delimiter: u8,
    ctx: &mut Ctx<'_>,
    data: &mut Dataset,
) -> Result<(), ImportError> {
    let mut t = Table::open(
        name,
        bytes,
        delimiter,
        &["secteur_naf", "libelle_secteur", "code_rome"],
    )?;
    let rome: HashSet<String> = data
        .concepts
        .iter()
        .filter(|c| c.framework == Framework::Rome)
        .map(|c| c.code.clone())
        .collect();
    // Sector code → index in `data.concepts` and the line of its label.
    let mut sectors: HashMap<String, (usize, u64)> = HashMap::new();
    let mut pairs = Seen::default();
    while let Some(row) = t.next_row(ctx)? {
        let raw = row.required(&t, "secteur_naf")?;
        let Some(sector) = naf_division(raw) else {
            return Err(ImportError::at(
                name,
                row.line,
                format!(
                    "“{}” is not a NAF division (one or two digits, such as 62)",
                    table::shorten(raw)
                ),
            ));
        };
        let label = table::label(
            ctx,
            name,
            row.line,
            "libelle_secteur",
            row.required(&t, "libelle_secteur")?,
        )?
        .unwrap_or_default();
        match sectors.get(&sector) {
            Some(&(i, first)) => {
                let known = data.concepts[i].labels.first().map(|l| l.text.as_str());
                if known != Some(label.as_str()) {
                    ctx.note(
                        name,
                        row.line,
                        format!(
                            "sector {sector} has another label than on line {first}; the first is kept"
                        ),
                    );
                }
            }
            None => {
                sectors.insert(sector.clone(), (data.concepts.len(), row.line));
                data.concepts.push(Concept {
                    framework: Framework::Naf,
                    code: sector.clone(),
                    kind: ConceptKind::Sector,
                    labels: vec![french(label)],
                    descriptions: Vec::new(),
                    parent: None,
                    level: None,
                    active: true,
                    blocks: Vec::new(),
                    certifiers: Vec::new(),
                    skill_type: None,
                });
            }
        }
        let raw = row.required(&t, "code_rome")?;
        let Some(code) = rome_code(raw) else {
            return Err(ImportError::at(
                name,
                row.line,
                format!(
                    "“{}” is not a ROME code (a letter from A to N and four digits, such as M1805)",
                    table::shorten(raw)
                ),
            ));
        };
        if let Some(first) = pairs.first(&format!("{sector} {code}"), row.line) {
            ctx.note(
                name,
                row.line,
                format!("sector {sector} and ROME code {code} were already linked on line {first}; line skipped"),
            );
            continue;
        }
        if !rome.contains(&code) {
            ctx.note(
                name,
                row.line,
                format!("ROME code {code} is not among the ROME codes read; link skipped"),
            );
            continue;
        }
        data.links.push(Link {
            from_framework: Framework::Naf,
            from_code: sector,
            relation: Relation::SectorRome,
            to_framework: Framework::Rome,
            to_code: code,
        });
    }
    Ok(())
}

/// `1` → `01`, `62` → `62`.
fn naf_division(raw: &str) -> Option<String> {
    let v = raw.trim();
    (!v.is_empty() && v.len() <= 2 && v.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("{v:0>2}"))
}

fn french(text: String) -> Label {
    Label {
        lang: "fr".to_owned(),
        text,
        preferred: true,
        guessed: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(rome_code("m1805").as_deref(), Some("M1805"));
        assert_eq!(rome_code("N4403").as_deref(), Some("N4403"));
        assert_eq!(rome_code("O1234"), None);
        assert_eq!(rome_code("M180"), None);
        assert_eq!(naf_division("1").as_deref(), Some("01"));
        assert_eq!(naf_division("62").as_deref(), Some("62"));
        assert_eq!(naf_division("620"), None);
    }
}
