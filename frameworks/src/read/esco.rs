//! ESCO's CSV export, one file set per language, and the degraded copy in
//! the shared reference data (most `preferredLabel`s empty, a `text` column
//! holding label, alternative labels and description joined by spaces).

use std::collections::{HashMap, HashSet};

use super::table::{self, Ctx, Row, Seen, Table};
use super::{list_or_none, ImportError, Input};
use crate::model::{Concept, ConceptKind, Dataset, Framework, Label, Link, Relation};

/// Name of Atout's own label guesses for the shared data
/// (`esco/derived/occupation_label_guesses.csv`).
const GUESSES: &str = "occupation_label_guesses.csv";

pub(super) fn read(lang: &str, input: &Input, ctx: &mut Ctx<'_>) -> Result<Dataset, ImportError> {
    let files = &input.files;
    let occupations = role_file(files, "occupations", lang)?;
    let skills = role_file(files, "skills", lang)?;
    let isco = role_file(files, "ISCOGroups", lang)?;
    let relations = role_file(files, "occupationSkillRelations", lang)?;
    if occupations.is_none() && skills.is_none() && isco.is_none() && relations.is_none() {
        return Err(ImportError::new(format!(
            "no ESCO file in {lang} was found: expected occupations_{lang}.csv, \
             skills_{lang}.csv, ISCOGroups_{lang}.csv or occupationSkillRelations_{lang}.csv ({})",
            list_or_none(&input.names())
        )));
    }
    let guesses = match table::one_file(files, GUESSES, |n| n.eq_ignore_ascii_case(GUESSES))? {
        Some((name, bytes)) => read_guesses(name, bytes, ctx)?,
        None => HashMap::new(),
    };

    let mut data = Dataset::default();
    if let Some((name, bytes)) = isco {
        read_isco(name, bytes, lang, ctx, &mut data)?;
    }
    if let Some((name, bytes)) = occupations {
        read_concepts(
            name,
            bytes,
            lang,
            Pillar::Occupation,
            &guesses,
            ctx,
            &mut data,
        )?;
    }
    if let Some((name, bytes)) = skills {
        read_concepts(name, bytes, lang, Pillar::Skill, &guesses, ctx, &mut data)?;
    }
    if let Some((name, bytes)) = relations {
        read_relations(name, bytes, ctx, &mut data)?;
    }
    Ok(data)
}

/// The file playing `role` (`occupations`, `skills`, …) in language
/// `lang`: named `<role>_<lang>.csv`, or `<role>.csv`. Files of the role in
/// another language are left aside; if the role then has none, the import
/// is refused only when no role has a file (see [`read`]).
fn role_file<'i>(
    files: &'i [(String, Vec<u8>)],
    role: &str,
    lang: &str,
) -> Result<Option<&'i (String, Vec<u8>)>, ImportError> {
    let what = format!("{role}_{lang}.csv");
    table::one_file(files, &what, |name| {
        let lower = name.to_lowercase();
        let Some(stem) = lower.strip_suffix(".csv") else {
            return false;
        };
        let Some(rest) = stem.strip_prefix(&role.to_lowercase()) else {
            return false;
        };
        // `occupations` must not take `occupationSkillRelations_en.csv`,
        // nor `skills` take `skillsHierarchy_en.csv`.
        rest.is_empty() || rest.strip_prefix('_') == Some(lang)
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pillar {
    Occupation,
    Skill,
}

/// Atout's label guesses: URI → guess.
fn read_guesses(
    name: &str,
    bytes: &[u8],
    ctx: &mut Ctx<'_>,
) -> Result<HashMap<String, String>, ImportError> {
    let mut t = Table::open(name, bytes, b',', &["conceptUri", "labelGuess"])?;
    let c_guess = t.col("labelGuess");
    let mut out = HashMap::new();
    let mut seen = Seen::default();
    while let Some(row) = t.next_row(ctx)? {
        let uri = table::code(
            name,
            row.line,
            "conceptUri",
            row.required(&t, "conceptUri")?,
        )?;
        seen.check(name, row.line, uri)?;
        if let Some(guess) = table::label(ctx, name, row.line, "labelGuess", row.get(c_guess))? {
            out.insert(uri.to_owned(), guess);
        }
    }
    Ok(out)
}

fn read_isco(
    name: &str,
    bytes: &[u8],
    lang: &str,
    ctx: &mut Ctx<'_>,
    data: &mut Dataset,
) -> Result<(), ImportError> {
    let mut t = Table::open(name, bytes, b',', &["preferredLabel"])?;
    let (c_code, c_uri) = (t.col("code"), t.col("conceptUri"));
    if c_code.is_none() && c_uri.is_none() {
        return Err(ImportError::at(
            name,
            1,
            "the columns code and conceptUri are both missing: one of them is needed",
        ));
    }
    let (c_alt, c_desc, c_status) = (t.col("altLabels"), t.col("description"), t.col("status"));
    let mut seen = Seen::default();
    while let Some(row) = t.next_row(ctx)? {
        // `code` when given, else the end of `…/isco/C2512`.
        let raw = match row.get(c_code) {
            "" => row
                .get(c_uri)
                .rsplit('/')
                .next()
                .unwrap_or("")
                .trim_start_matches(['C', 'c']),
            code => code,
        };
        let code = table::code(name, row.line, "ISCO code", raw)?;
        if !(1..=4).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ImportError::at(
                name,
                row.line,
                format!(
                    "the ISCO code “{}” is not 1 to 4 digits",
                    table::shorten(code)
                ),
            ));
        }
        seen.check(name, row.line, code)?;
        let pref = row.required(&t, "preferredLabel")?;
        let labels = labels(ctx, name, &row, lang, pref, row.get(c_alt))?;
        let parent = (code.len() > 1).then(|| code[..code.len() - 1].to_owned());
        data.concepts.push(Concept {
            framework: Framework::Isco,
            code: code.to_owned(),
            kind: ConceptKind::IscoGroup,
            labels,
            descriptions: description(ctx, name, &row, lang, row.get(c_desc))?,
            parent,
            level: None,
            active: is_released(row.get(c_status)),
            blocks: Vec::new(),
            certifiers: Vec::new(),
            skill_type: None,
        });
    }
    Ok(())
}

fn read_concepts(
    name: &str,
    bytes: &[u8],
    lang: &str,
    pillar: Pillar,
    guesses: &HashMap<String, String>,
    ctx: &mut Ctx<'_>,
    data: &mut Dataset,
) -> Result<(), ImportError> {
    let mut t = Table::open(name, bytes, b',', &["conceptUri"])?;
    let c_pref = t.col("preferredLabel");
    let c_text = t.col("text");
    if c_pref.is_none() && c_text.is_none() {
        return Err(ImportError::at(
            name,
            1,
            "the column preferredLabel is missing (and there is no text column to guess labels from)",
        ));
    }
    let (c_alt, c_desc, c_status) = (t.col("altLabels"), t.col("description"), t.col("status"));
    let (c_isco, c_type) = (t.col("iscoGroup"), t.col("skillType"));
    let mut seen = Seen::default();
    while let Some(row) = t.next_row(ctx)? {
        let uri = table::code(
            name,
            row.line,
            "conceptUri",
            row.required(&t, "conceptUri")?,
        )?;
        if !(uri.starts_with("http://") || uri.starts_with("https://")) {
            return Err(ImportError::at(
                name,
                row.line,
                format!(
                    "“{}” is not an ESCO URI (http://data.europa.eu/esco/…)",
                    table::shorten(uri)
                ),
            ));
        }
        seen.check(name, row.line, uri)?;
        let mut labels = labels(ctx, name, &row, lang, row.get(c_pref), row.get(c_alt))?;
        if !labels.iter().any(|l| l.preferred) {
            // Degraded layout: Atout's guess, else the start of `text`.
            let guess = match guesses.get(uri) {
                Some(g) if pillar == Pillar::Occupation => Some(g.clone()),
                _ => label_from_text(row.get(c_text)),
            };
            let guess = match guess {
                Some(g) => table::label(ctx, name, row.line, "label guessed from text", &g)?,
                None => None,
            };
            let Some(text) = guess else {
                return Err(ImportError::at(
                    name,
                    row.line,
                    "this concept has no label (preferredLabel and text are empty)",
                ));
            };
            labels.insert(
                0,
                Label {
                    lang: lang.to_owned(),
                    text,
                    preferred: true,
                    guessed: true,
                },
            );
        }
        let (kind, parent, skill_type) = match pillar {
            Pillar::Occupation => (ConceptKind::Occupation, isco_parent(row.get(c_isco)), None),
            Pillar::Skill => {
                let st = row.get(c_type);
                let kind = if st.eq_ignore_ascii_case("knowledge") {
                    ConceptKind::Knowledge
                } else {
                    ConceptKind::Skill
                };
                let st = (!st.is_empty()).then(|| table::shorten(st));
                (kind, None, st)
            }
        };
        data.concepts.push(Concept {
            framework: Framework::Esco,
            code: uri.to_owned(),
            kind,
            labels,
            descriptions: description(ctx, name, &row, lang, row.get(c_desc))?,
            parent,
            level: None,
            active: is_released(row.get(c_status)),
            blocks: Vec::new(),
            certifiers: Vec::new(),
            skill_type,
        });
    }
    Ok(())
}

fn read_relations(
    name: &str,
    bytes: &[u8],
    ctx: &mut Ctx<'_>,
    data: &mut Dataset,
) -> Result<(), ImportError> {
    let mut t = Table::open(
        name,
        bytes,
        b',',
        &["occupationUri", "relationType", "skillUri"],
    )?;
    let mut occupations = HashSet::new();
    let mut skills = HashSet::new();
    for c in data
        .concepts
        .iter()
        .filter(|c| c.framework == Framework::Esco)
    {
        if c.kind == ConceptKind::Occupation {
            occupations.insert(c.code.clone());
        } else {
            skills.insert(c.code.clone());
        }
    }
    let mut seen = Seen::default();
    while let Some(row) = t.next_row(ctx)? {
        let occ = table::code(
            name,
            row.line,
            "occupationUri",
            row.required(&t, "occupationUri")?,
        )?;
        let skill = table::code(name, row.line, "skillUri", row.required(&t, "skillUri")?)?;
        let kind = row.required(&t, "relationType")?;
        let relation = if kind.eq_ignore_ascii_case("essential") {
            Relation::EssentialSkill
        } else if kind.eq_ignore_ascii_case("optional") {
            Relation::OptionalSkill
        } else {
            ctx.note(
                name,
                row.line,
                format!(
                    "relation type “{}” is neither essential nor optional; line skipped",
                    table::shorten(kind)
                ),
            );
            continue;
        };
        if let Some(first) = seen.first(&format!("{occ} {skill}"), row.line) {
            ctx.note(
                name,
                row.line,
                format!("the same occupation and skill were already linked on line {first}; line skipped"),
            );
            continue;
        }
        if !occupations.contains(occ) {
            ctx.note(
                name,
                row.line,
                format!("occupation {occ} is not among the occupations read; relation skipped"),
            );
            continue;
        }
        if !skills.contains(skill) {
            ctx.note(
                name,
                row.line,
                format!("skill {skill} is not among the skills read; relation skipped"),
            );
            continue;
        }
        data.links.push(Link {
            from_framework: Framework::Esco,
            from_code: occ.to_owned(),
            relation,
            to_framework: Framework::Esco,
            to_code: skill.to_owned(),
        });
    }
    Ok(())
}

/// The preferred label (when given) and the alternative labels of a row.
fn labels(
    ctx: &Ctx<'_>,
    file: &str,
    row: &Row,
    lang: &str,
    pref: &str,
    alts: &str,
) -> Result<Vec<Label>, ImportError> {
    let mut out = Vec::new();
    let pref = table::label(ctx, file, row.line, "preferredLabel", pref)?;
    for alt in table::label_list(ctx, file, row.line, "altLabels", alts)? {
        if Some(&alt) != pref.as_ref() {
            out.push(Label {
                lang: lang.to_owned(),
                text: alt,
                preferred: false,
                guessed: false,
            });
        }
    }
    if let Some(text) = pref {
        out.insert(
            0,
            Label {
                lang: lang.to_owned(),
                text,
                preferred: true,
                guessed: false,
            },
        );
    }
    Ok(out)
}

fn description(
    ctx: &Ctx<'_>,
    file: &str,
    row: &Row,
    lang: &str,
    raw: &str,
) -> Result<Vec<(String, String)>, ImportError> {
    Ok(table::description(ctx, file, row.line, raw)?
        .map(|d| vec![(lang.to_owned(), d)])
        .unwrap_or_default())
}

/// `status` is `released` in current exports; an empty cell or a missing
/// column counts as released.
fn is_released(status: &str) -> bool {
    status.is_empty() || status.eq_ignore_ascii_case("released")
}

/// The 4-digit ISCO group of an occupation: `2512`, or the end of
/// `http://data.europa.eu/esco/isco/C2512`.
fn isco_parent(raw: &str) -> Option<String> {
    let tail = raw
        .rsplit('/')
        .next()
        .unwrap_or("")
        .trim_start_matches(['C', 'c']);
    (!tail.is_empty() && tail.len() <= 4 && tail.bytes().all(|b| b.is_ascii_digit()))
        .then(|| tail.to_owned())
}

/// A short label cut from the `text` column of the degraded layout, where
/// the preferred label, the alternative labels and the description are
/// joined by spaces. The labels end where the description starts (its
/// first word is capitalised, labels are mostly lower case); among them,
/// the preferred label is the start whose first or last words repeat most
/// in the next phrase, since alternative labels are variants of it
/// ("guarantee customer satisfaction | ensure customer satisfaction | …").
/// Right for about half of the 1,264 skills whose label is known; always
/// flagged as guessed.
pub(crate) fn label_from_text(text: &str) -> Option<String> {
    let mut seg: Vec<&str> = Vec::new();
    for (i, w) in text.split_whitespace().take(60).enumerate() {
        if i > 0 && is_capitalised(w) {
            break;
        }
        seg.push(w);
    }
    let n = seg.len();
    if n == 0 {
        return None;
    }
    let mut best = (0usize, 0usize);
    for k in 1..n.min(13) {
        let (head, rest) = seg.split_at(k);
        let same_start = head.iter().zip(rest).take_while(|(a, b)| a == b).count();
        let mut score = same_start;
        for (j, w) in rest.iter().take(k + 4).enumerate() {
            if *w == head[k - 1] {
                let phrase = &rest[..=j];
                let same_end = head
                    .iter()
                    .rev()
                    .zip(phrase.iter().rev())
                    .take_while(|(a, b)| a == b)
                    .count();
                if same_end < phrase.len() {
                    score = score.max(same_end);
                }
            }
        }
        if score > best.0 {
            best = (score, k);
        }
    }
    let k = if best.0 > 0 { best.1 } else { n.min(8) };
    Some(seg[..k].join(" "))
}

/// "Oversee" yes, "ICT" and "ensure" no.
fn is_capitalised(w: &str) -> bool {
    let mut chars = w.chars();
    matches!((chars.next(), chars.next()), (Some(a), Some(b)) if a.is_uppercase() && b.is_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_cut_from_text() {
        let t = "guarantee customer satisfaction ensure customer satisfaction provide customer satisfaction Handle customer expectations.";
        assert_eq!(
            label_from_text(t).as_deref(),
            Some("guarantee customer satisfaction")
        );
        assert_eq!(
            label_from_text("Haskell Haskell techniques The techniques").as_deref(),
            Some("Haskell")
        );
        assert_eq!(
            label_from_text("manage ICT data classification Oversee the classification").as_deref(),
            Some("manage ICT data classification")
        );
        assert_eq!(label_from_text("   "), None);
    }

    #[test]
    fn roles_by_name() {
        let files = vec![
            ("occupations_en.csv".to_owned(), vec![]),
            ("occupationSkillRelations_en.csv".to_owned(), vec![]),
            ("skillsHierarchy_en.csv".to_owned(), vec![]),
            ("skills_fr.csv".to_owned(), vec![]),
        ];
        assert_eq!(
            role_file(&files, "occupations", "en")
                .unwrap()
                .map(|f| f.0.as_str()),
            Some("occupations_en.csv")
        );
        assert!(role_file(&files, "skills", "en").unwrap().is_none());
        assert!(role_file(&files, "skills", "fr").unwrap().is_some());
    }

    #[test]
    fn isco_parents() {
        assert_eq!(isco_parent("2512").as_deref(), Some("2512"));
        assert_eq!(
            isco_parent("http://data.europa.eu/esco/isco/C2512").as_deref(),
            Some("2512")
        );
        assert_eq!(isco_parent(""), None);
        assert_eq!(isco_parent("25x"), None);
    }
}
