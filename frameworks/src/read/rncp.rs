//! France compétences' RNCP/RS open-data export
//! (`export-fiches-csv-YYYY-MM-DD.zip`): `;`-separated UTF-8 files with a
//! byte order mark, one per topic, named `export_fiches_CSV_<Topic>_<date>.csv`.
//! Read here: `Standard` (the records), `Blocs_De_Compétences`,
//! `Certificateurs` and `Rome`; the other members are ignored. Member names
//! may come decomposed (NFD) from the zip: [`super::input`] recomposes them,
//! and the topic is matched case-insensitively without its accents.

use std::collections::HashMap;

use super::rome::rome_code;
use super::table::{self, Ctx, Seen, Table};
use super::{list_or_none, ImportError, Input};
use crate::model::{
    Certifier, Concept, ConceptKind, Dataset, Framework, Label, Link, Relation, SkillBlock,
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Topic {
    Standard,
    Blocks,
    Certifiers,
    Rome,
}

/// The topic of a member, from its name.
fn topic(name: &str) -> Option<Topic> {
    let lower = name.to_lowercase();
    let rest = lower.strip_prefix("export_fiches_csv_")?;
    if !rest.ends_with(".csv") {
        return None;
    }
    if rest.starts_with("standard") {
        Some(Topic::Standard)
    } else if rest.starts_with("blocs") {
        // `Blocs_De_Compétences`: the accent is not needed to recognise it.
        Some(Topic::Blocks)
    } else if rest.starts_with("certificateurs") {
        Some(Topic::Certifiers)
    } else if rest.starts_with("rome") {
        Some(Topic::Rome)
    } else {
        None
    }
}

pub(super) fn read(input: &Input, ctx: &mut Ctx<'_>) -> Result<Dataset, ImportError> {
    let files = &input.files;
    let pick = |t: Topic, what: &str| table::one_file(files, what, |n| topic(n) == Some(t));
    let Some(standard) = pick(Topic::Standard, "export_fiches_CSV_Standard_….csv")? else {
        return Err(ImportError::new(format!(
            "no export_fiches_CSV_Standard_….csv file was found: is this France compétences' \
             RNCP/RS export (export-fiches-csv-….zip)? ({})",
            list_or_none(&input.names())
        )));
    };
    let blocks = pick(
        Topic::Blocks,
        "export_fiches_CSV_Blocs_De_Compétences_….csv",
    )?;
    let certifiers = pick(Topic::Certifiers, "export_fiches_CSV_Certificateurs_….csv")?;
    let rome = pick(Topic::Rome, "export_fiches_CSV_Rome_….csv")?;

    let mut data = Dataset::default();
    // Record number → index in `data.concepts`.
    let mut index: HashMap<String, usize> = HashMap::new();
    read_standard(&standard.0, &standard.1, ctx, &mut data, &mut index)?;
    if let Some((name, bytes)) = blocks {
        read_blocks(name, bytes, ctx, &mut data, &index)?;
    }
    if let Some((name, bytes)) = certifiers {
        read_certifiers(name, bytes, ctx, &mut data, &index)?;
    }
    if let Some((name, bytes)) = rome {
        read_rome(name, bytes, ctx, &mut data, &index)?;
    }
    Ok(data)
}

/// `RNCP34126` → (RNCP, `RNCP34126`); `rs5476` → (RS, `RS5476`).
pub(crate) fn record_number(raw: &str) -> Option<(Framework, String)> {
    let code = raw.trim().to_ascii_uppercase();
    let (framework, digits) = if let Some(d) = code.strip_prefix("RNCP") {
        (Framework::Rncp, d)
    } else if let Some(d) = code.strip_prefix("RS") {
        (Framework::Rs, d)
    } else {
        return None;
    };
    (!digits.is_empty() && digits.len() <= 9 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some((framework, code))
}

/// `NIV6` → `6`; a bare digit is kept; anything else (empty, "Sans niveau
/// spécifique", …) gives no level.
fn level(raw: &str) -> Option<String> {
    let v = raw.trim().to_ascii_uppercase();
    let digits = v
        .strip_prefix("NIVEAU")
        .or_else(|| v.strip_prefix("NIV"))
        .unwrap_or(&v)
        .trim();
    (digits.len() == 1 && digits.bytes().all(|b| (b'1'..=b'8').contains(&b)))
        .then(|| digits.to_owned())
}

/// Finds the record a line of a secondary file is about, or notes the line.
fn record<'d>(
    ctx: &mut Ctx<'_>,
    name: &str,
    line: u64,
    raw: &str,
    index: &HashMap<String, usize>,
    data: &'d mut Dataset,
) -> Option<&'d mut Concept> {
    let found = record_number(raw).and_then(|(_, code)| index.get(&code).copied());
    match found {
        Some(i) => data.concepts.get_mut(i),
        None => {
            ctx.note(
                name,
                line,
                format!(
                    "record {} is not in the Standard file; line skipped",
                    table::shorten(raw)
                ),
            );
            None
        }
    }
}

fn read_standard(
    name: &str,
    bytes: &[u8],
    ctx: &mut Ctx<'_>,
    data: &mut Dataset,
    index: &mut HashMap<String, usize>,
) -> Result<(), ImportError> {
    let mut t = Table::open(
        name,
        bytes,
        table::sniff_delimiter(bytes),
        &["Numero_Fiche", "Intitule"],
    )?;
    let (c_level, c_active) = (t.col("Nomenclature_Europe_Niveau"), t.col("Actif"));
    let mut seen = Seen::default();
    while let Some(row) = t.next_row(ctx)? {
        let raw = row.required(&t, "Numero_Fiche")?;
        let Some((framework, code)) = record_number(raw) else {
            return Err(ImportError::at(
                name,
                row.line,
                format!(
                    "“{}” is not an RNCP or RS number (such as RNCP34126 or RS5476)",
                    table::shorten(raw)
                ),
            ));
        };
        seen.check(name, row.line, &code)?;
        let label = table::label(
            ctx,
            name,
            row.line,
            "Intitule",
            row.required(&t, "Intitule")?,
        )?
        .unwrap_or_default();
        // No `Actif` column: every record counts as active.
        let active = match c_active {
            Some(_) => row.get(c_active).eq_ignore_ascii_case("ACTIVE"),
            None => true,
        };
        index.insert(code.clone(), data.concepts.len());
        data.concepts.push(Concept {
            framework,
            code,
            kind: ConceptKind::Certification,
            labels: vec![Label {
                lang: "fr".to_owned(),
                text: label,
                preferred: true,
                guessed: false,
            }],
            descriptions: Vec::new(),
            parent: None,
            level: level(row.get(c_level)),
            active,
            blocks: Vec::new(),
            certifiers: Vec::new(),
            skill_type: None,
        });
    }
    Ok(())
}

fn read_blocks(
    name: &str,
    bytes: &[u8],
    ctx: &mut Ctx<'_>,
    data: &mut Dataset,
    index: &HashMap<String, usize>,
) -> Result<(), ImportError> {
    let mut t = Table::open(
        name,
        bytes,
        table::sniff_delimiter(bytes),
        &["Numero_Fiche", "Bloc_Competences_Code"],
    )?;
    let c_label = t.col("Bloc_Competences_Libelle");
    let mut seen = Seen::default();
    while let Some(row) = t.next_row(ctx)? {
        let fiche = row.required(&t, "Numero_Fiche")?;
        let raw = row.required(&t, "Bloc_Competences_Code")?;
        let code = table::code(name, row.line, "Bloc_Competences_Code", raw)?.to_ascii_uppercase();
        // The libellé may be empty in the export.
        let label = table::label(
            ctx,
            name,
            row.line,
            "Bloc_Competences_Libelle",
            row.get(c_label),
        )?
        .unwrap_or_default();
        if let Some(first) = seen.first(&code, row.line) {
            ctx.note(
                name,
                row.line,
                format!("block {code} already appears on line {first}; line skipped"),
            );
            continue;
        }
        if let Some(concept) = record(ctx, name, row.line, fiche, index, data) {
            concept.blocks.push(SkillBlock { code, label });
        }
    }
    Ok(())
}

fn read_certifiers(
    name: &str,
    bytes: &[u8],
    ctx: &mut Ctx<'_>,
    data: &mut Dataset,
    index: &HashMap<String, usize>,
) -> Result<(), ImportError> {
    let mut t = Table::open(
        name,
        bytes,
        table::sniff_delimiter(bytes),
        &["Numero_Fiche", "Nom_Certificateur"],
    )?;
    let c_siret = t.col("Siret_Certificateur");
    while let Some(row) = t.next_row(ctx)? {
        let fiche = row.required(&t, "Numero_Fiche")?;
        let certifier_name = table::label(
            ctx,
            name,
            row.line,
            "Nom_Certificateur",
            row.required(&t, "Nom_Certificateur")?,
        )?
        .unwrap_or_default();
        let digits: String = row
            .get(c_siret)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let siret =
            (digits.len() == 14 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits);
        if let Some(concept) = record(ctx, name, row.line, fiche, index, data) {
            let certifier = Certifier {
                siret,
                name: certifier_name,
            };
            if !concept.certifiers.contains(&certifier) {
                concept.certifiers.push(certifier);
            }
        }
    }
    Ok(())
}

fn read_rome(
    name: &str,
    bytes: &[u8],
    ctx: &mut Ctx<'_>,
    data: &mut Dataset,
    index: &HashMap<String, usize>,
) -> Result<(), ImportError> {
    let mut t = Table::open(
        name,
        bytes,
        table::sniff_delimiter(bytes),
        &["Numero_Fiche", "Codes_Rome_Code"],
    )?;
    let mut seen = Seen::default();
    while let Some(row) = t.next_row(ctx)? {
        let fiche = row.required(&t, "Numero_Fiche")?;
        let raw = row.required(&t, "Codes_Rome_Code")?;
        let Some(rome) = rome_code(raw) else {
            ctx.note(
                name,
                row.line,
                format!("“{}” is not a ROME code; line skipped", table::shorten(raw)),
            );
            continue;
        };
        let Some((framework, code)) =
            record(ctx, name, row.line, fiche, index, data).map(|c| (c.framework, c.code.clone()))
        else {
            continue;
        };
        if seen.first(&format!("{code} {rome}"), row.line).is_some() {
            continue;
        }
        data.links.push(Link {
            from_framework: framework,
            from_code: code,
            relation: Relation::Rome,
            to_framework: Framework::Rome,
            to_code: rome,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics() {
        assert!(topic("export_fiches_CSV_Standard_2024_02_22.csv") == Some(Topic::Standard));
        assert!(
            topic("export_fiches_CSV_Blocs_De_Compétences_2024_02_22.csv") == Some(Topic::Blocks)
        );
        assert!(topic("EXPORT_FICHES_CSV_ROME_2024_02_22.CSV") == Some(Topic::Rome));
        assert!(topic("export_fiches_CSV_Nsf_2024_02_22.csv").is_none());
        assert!(topic("Standard.csv").is_none());
    }

    #[test]
    fn numbers_and_levels() {
        assert_eq!(
            record_number(" rncp34126 "),
            Some((Framework::Rncp, "RNCP34126".to_owned()))
        );
        assert_eq!(
            record_number("RS5476"),
            Some((Framework::Rs, "RS5476".to_owned()))
        );
        assert_eq!(record_number("RNCP"), None);
        assert_eq!(record_number("34126"), None);
        assert_eq!(level("NIV6").as_deref(), Some("6"));
        assert_eq!(level("niv 5").as_deref(), Some("5"));
        assert_eq!(level("Sans niveau spécifique"), None);
        assert_eq!(level(""), None);
    }
}
