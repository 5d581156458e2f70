//! Integration tests of atout-frameworks: the readers on the shared
//! reference data and on hand-written files, hostile input, and search.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use atout_frameworks::index::{Hit, Index, IndexedConcept, Query};
use atout_frameworks::read::{self, Format, ImportError, Input, Limits};
use atout_frameworks::testdata::synthetic_rncp;
use atout_frameworks::{Concept, ConceptKind, Dataset, Framework, Label, Relation};
use unicode_normalization::UnicodeNormalization;

// ---------------------------------------------------------------- helpers

/// The shared reference data, or `None` (after saying so) when absent.
fn reference_data() -> Option<PathBuf> {
    let path = match std::env::var("ATOUT_REFERENCE_DATA") {
        Ok(p) if !p.is_empty() => PathBuf::from(p),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference-data"),
    };
    if path.join("esco").is_dir() && path.join("rome").is_dir() {
        return Some(path);
    }
    if std::env::var("ATOUT_REQUIRE_REFERENCE_DATA").as_deref() == Ok("1") {
        panic!("reference data not found at {}", path.display());
    }
    println!(
        "skipped: reference data not found at {}; set ATOUT_REFERENCE_DATA",
        path.display()
    );
    None
}

fn input(files: &[(&str, &[u8])]) -> Input {
    Input {
        files: files
            .iter()
            .map(|(n, b)| (n.to_string(), b.to_vec()))
            .collect(),
    }
}

fn read_one(
    format: Format,
    lang: Option<&str>,
    name: &str,
    bytes: &[u8],
) -> Result<Dataset, ImportError> {
    read::read(format, lang, &input(&[(name, bytes)]), &Limits::default())
}

fn count(data: &Dataset, framework: Framework, kind: ConceptKind) -> usize {
    data.concepts
        .iter()
        .filter(|c| c.framework == framework && c.kind == kind)
        .count()
}

fn concept<'d>(data: &'d Dataset, code: &str) -> &'d Concept {
    data.concepts
        .iter()
        .find(|c| c.code == code)
        .unwrap_or_else(|| panic!("{code} not read"))
}

fn zip_bytes(members: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in members {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

/// The RNCP fixture zipped into a temporary file, member names decomposed
/// (NFD) as some archivers write them.
fn rncp_zip(dir: &tempfile::TempDir) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/rncp");
    let mut members = Vec::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    names.sort();
    for path in names {
        let name: String = path.file_name().unwrap().to_str().unwrap().nfd().collect();
        members.push((
            format!("export-fiches-csv-2025-01-15/{name}"),
            std::fs::read(&path).unwrap(),
        ));
    }
    let target = dir.path().join("export-fiches-csv-2025-01-15.zip");
    std::fs::write(&target, zip_bytes(&members)).unwrap();
    target
}

fn rncp_fixture() -> Dataset {
    let dir = tempfile::tempdir().unwrap();
    let zip = rncp_zip(&dir);
    let limits = Limits::default();
    let input = read::open(&zip, &limits).unwrap();
    read::read(Format::Rncp, None, &input, &limits).unwrap()
}

fn indexed(data: &Dataset) -> Vec<IndexedConcept> {
    data.concepts
        .iter()
        .map(|c| IndexedConcept::new(c, "test"))
        .collect()
}

fn labels(text: &[(&str, &str, bool)]) -> Vec<Label> {
    text.iter()
        .map(|&(lang, text, preferred)| Label {
            lang: lang.into(),
            text: text.into(),
            preferred,
            guessed: false,
        })
        .collect()
}

fn ic(
    framework: Framework,
    code: &str,
    kind: ConceptKind,
    l: &[(&str, &str, bool)],
) -> IndexedConcept {
    IndexedConcept {
        framework,
        code: code.into(),
        kind,
        labels: labels(l),
        active: true,
        version: "test".into(),
        parent: None,
        level: None,
    }
}

fn codes(hits: &[Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.code.as_str()).collect()
}

// ------------------------------------------------- shared reference data

#[test]
fn shared_esco_counts() {
    let Some(root) = reference_data() else { return };
    let limits = Limits::default();
    let input = read::open(&root.join("esco"), &limits).unwrap();
    // Sub-folder `derived/` read, the gzip file unpacked.
    let names = input.names();
    assert!(names.contains(&"skills_en.csv"), "{names:?}");
    assert!(names.contains(&"occupation_label_guesses.csv"), "{names:?}");
    let data = read::read(Format::Esco, Some("en"), &input, &limits).unwrap();

    assert_eq!(
        count(&data, Framework::Esco, ConceptKind::Occupation),
        3_039
    );
    assert_eq!(
        count(&data, Framework::Esco, ConceptKind::Skill)
            + count(&data, Framework::Esco, ConceptKind::Knowledge),
        13_939
    );
    assert_eq!(count(&data, Framework::Esco, ConceptKind::Knowledge), 409);
    assert_eq!(count(&data, Framework::Isco, ConceptKind::IscoGroup), 619);
    assert_eq!(data.concepts.len(), 3_039 + 13_939 + 619);
    assert_eq!(data.languages, ["en"]);

    // Labels: the publisher's where given (88 occupations, 1,264 skills),
    // else Atout's guess (2,684 occupations) or a cut of `text` (the rest).
    let occupations: Vec<&Concept> = data
        .concepts
        .iter()
        .filter(|c| c.kind == ConceptKind::Occupation)
        .collect();
    let real = |cs: &[&Concept]| {
        cs.iter()
            .filter(|c| c.labels.iter().any(|l| l.preferred && !l.guessed))
            .count()
    };
    assert_eq!(real(&occupations), 88);
    let skills: Vec<&Concept> = data.concepts.iter().filter(|c| c.kind.is_skill()).collect();
    assert_eq!(real(&skills), 1_264);
    for c in &data.concepts {
        assert_eq!(
            c.labels.iter().filter(|l| l.preferred).count(),
            1,
            "{}",
            c.code
        );
        assert!(c.labels.iter().all(|l| l.lang == "en"));
    }
    let mut guesses = std::collections::HashMap::new();
    let mut csv =
        csv::Reader::from_path(root.join("esco/derived/occupation_label_guesses.csv")).unwrap();
    for r in csv.records() {
        let r = r.unwrap();
        guesses.insert(r[0].to_owned(), r[1].to_owned());
    }
    let guessed = occupations.iter().filter(|c| c.labels[0].guessed).count();
    let from_file = occupations
        .iter()
        .filter(|c| c.labels[0].guessed && guesses.get(&c.code) == Some(&c.labels[0].text))
        .count();
    assert_eq!((guessed, from_file), (3_039 - 88, 2_684));
    let web = concept(
        &data,
        "http://data.europa.eu/esco/occupation/c40a2919-48a9-40ea-b506-1f34f693496d",
    );
    assert_eq!(web.labels[0].text, "web developer");
    assert!(!web.labels[0].guessed);
    let director = concept(
        &data,
        "http://data.europa.eu/esco/occupation/00030d09-2b3a-4efd-87cc-c4ea39d27c34",
    );
    assert_eq!(director.labels[0].text, "technical director");
    assert!(director.labels[0].guessed);

    // ISCO: 10 / 43 / 130 / 436 groups, parents one digit shorter.
    let isco_len = |n: usize| {
        data.concepts
            .iter()
            .filter(|c| c.framework == Framework::Isco && c.code.len() == n)
            .count()
    };
    assert_eq!(
        (isco_len(1), isco_len(2), isco_len(3), isco_len(4)),
        (10, 43, 130, 436)
    );
    assert_eq!(concept(&data, "2512").parent.as_deref(), Some("251"));
    assert_eq!(concept(&data, "2").parent, None);

    // Relations: all 1,941 point at concepts read; none skipped.
    assert_eq!(data.links.len(), 1_941);
    assert!(data
        .links
        .iter()
        .all(|l| l.relation == Relation::EssentialSkill));
    assert_eq!(data.notes.len(), 0, "{:?}", data.notes.first());
}

#[test]
fn shared_rome_counts() {
    let Some(root) = reference_data() else { return };
    let limits = Limits::default();
    let input = read::open(&root.join("rome"), &limits).unwrap();
    let data = read::read(Format::Rome, None, &input, &limits).unwrap();
    assert_eq!(
        count(&data, Framework::Rome, ConceptKind::Occupation),
        1_584
    );
    assert_eq!(count(&data, Framework::Naf, ConceptKind::Sector), 84);
    assert_eq!(data.links.len(), 2_920);
    assert!(data.links.iter().all(|l| l.relation == Relation::SectorRome
        && l.from_framework == Framework::Naf
        && l.to_framework == Framework::Rome));
    assert_eq!(data.notes.len(), 0);
    assert_eq!(data.languages, ["fr"]);
    assert_eq!(
        concept(&data, "M1855").labels[0].text,
        "Développeur / Développeuse web"
    );
    assert_eq!(concept(&data, "01").kind, ConceptKind::Sector);
}

#[test]
fn shared_search() {
    let Some(root) = reference_data() else { return };
    let limits = Limits::default();
    let mut all = Vec::new();
    for (folder, format, lang) in [
        ("esco", Format::Esco, Some("en")),
        ("rome", Format::Rome, None),
    ] {
        let input = read::open(&root.join(folder), &limits).unwrap();
        all.extend(indexed(&read::read(format, lang, &input, &limits).unwrap()));
    }
    all.extend(indexed(&synthetic_rncp(2_000, 1)));
    let index = Index::build(all);

    let top = |q: &str, lang: &str| index.search(&Query::new(q, lang));
    assert_eq!(top("developpeur web", "fr")[0].code, "M1855");
    assert_eq!(top("M1805", "fr")[0].code, "M1805");
    let h = top("infirmeir", "fr");
    assert!(h[0].code.starts_with('J'), "{h:?}");
    assert!(h[0].label.starts_with("Infirmier"));
    let h = top("web developer", "en");
    assert_eq!(
        h[0].code,
        "http://data.europa.eu/esco/occupation/c40a2919-48a9-40ea-b506-1f34f693496d"
    );
    assert!(!h[0].guessed);
    let h = top("technical direct", "en");
    assert_eq!(
        h[0].code,
        "http://data.europa.eu/esco/occupation/00030d09-2b3a-4efd-87cc-c4ea39d27c34"
    );
    assert!(h[0].guessed);
    let h = top("programer", "en");
    assert!(
        h.iter()
            .take(3)
            .all(|h| h.label.to_lowercase().contains("programmer")),
        "{h:?}"
    );
    let h = top("data scien", "en");
    assert!(h.iter().any(|h| h.label == "data scientist"), "{h:?}");
    // An English concept seen from French: shown with a fallback flag.
    let h = top("ICT security administrator", "fr");
    assert_eq!(h[0].label, "ICT security administrator");
    assert!(h[0].fallback);
    assert_eq!(
        index
            .label(
                Framework::Esco,
                "0464b062-cea6-4164-b10d-956c61956ae7",
                "fr"
            )
            .unwrap()
            .lang,
        "en"
    );
}

// ----------------------------------------------------------------- RNCP

#[test]
fn rncp_fixture_import() {
    let data = rncp_fixture();
    assert_eq!(count(&data, Framework::Rncp, ConceptKind::Certification), 5);
    assert_eq!(count(&data, Framework::Rs, ConceptKind::Certification), 2);
    assert_eq!(data.languages, ["fr"]);

    let web = concept(&data, "RNCP99001");
    assert_eq!(web.labels[0].text, "Développeur web et web mobile");
    assert_eq!(web.labels[0].lang, "fr");
    assert_eq!(web.level.as_deref(), Some("5"));
    assert!(web.active);
    assert_eq!(web.blocks.len(), 2);
    assert_eq!(web.blocks[0].code, "RNCP99001BC01");
    assert!(web.blocks[1].label.contains("back-end"));

    let cda = concept(&data, "RNCP99002");
    assert_eq!(cda.labels[0].text, "Concepteur développeur d'applications");
    assert_eq!(cda.level.as_deref(), Some("6"));
    assert_eq!(cda.blocks.len(), 3);
    assert_eq!(cda.certifiers.len(), 2);
    assert_eq!(cda.certifiers[0].siret.as_deref(), Some("11111111100011"));
    assert_eq!(cda.certifiers[1].name, "École exemple du numérique");

    assert!(!concept(&data, "RNCP99004").active);
    assert_eq!(concept(&data, "RNCP99004").level.as_deref(), Some("3"));
    let moe = concept(&data, "RNCP99005");
    assert_eq!(moe.labels[0].text, "Maître d'œuvre en bâtiment");
    assert_eq!(moe.blocks.len(), 1, "the repeated block is skipped");
    assert!(moe.blocks[0].label.contains('\n'));
    assert_eq!(moe.certifiers[0].siret, None);
    assert_eq!(concept(&data, "RNCP99003").blocks[0].label, "");

    let rs = concept(&data, "RS99502");
    assert_eq!(rs.framework, Framework::Rs);
    assert_eq!(rs.level, None);
    assert_eq!(
        rs.labels[0].text,
        "Création d'entreprise ; élaborer et financer son projet"
    );
    assert_eq!(rs.certifiers.len(), 1, "repeated certifier kept once");

    // Links to ROME: 8 good ones; the malformed code and the unknown record skipped.
    assert_eq!(data.links.len(), 8);
    assert!(data
        .links
        .iter()
        .all(|l| l.relation == Relation::Rome && l.to_framework == Framework::Rome));
    let rome_of = |code: &str| -> Vec<&str> {
        data.links
            .iter()
            .filter(|l| l.from_code == code)
            .map(|l| l.to_code.as_str())
            .collect()
    };
    assert_eq!(rome_of("RNCP99001"), ["M1855", "M1805"]);
    assert_eq!(rome_of("RS99501"), ["M1817"]);
    assert_eq!(
        data.links
            .iter()
            .find(|l| l.from_code == "RS99501")
            .unwrap()
            .from_framework,
        Framework::Rs
    );

    // Notes: repeated block, block of an absent record, bad ROME code,
    // ROME link of an absent record.
    assert_eq!(data.notes.len(), 4, "{:#?}", data.notes);
    assert!(data
        .notes
        .iter()
        .any(|n| n.reason.contains("M18") && n.file.contains("Rome")));
    assert!(data.notes.iter().any(|n| n.reason.contains("RNCP99999")
        && n.file.starts_with("export_fiches_CSV_Blocs_De_Compétences")));
    assert!(data.notes.iter().all(|n| n.line > 1));
}

#[test]
fn rncp_upload_gives_the_same_result() {
    let dir = tempfile::tempdir().unwrap();
    let zip = rncp_zip(&dir);
    let limits = Limits::default();
    // An upload keeps no file name worth trusting: detected by its bytes.
    let input = read::from_bytes("upload.bin", std::fs::read(&zip).unwrap(), &limits).unwrap();
    // Member names recomposed (NFC) and stripped of their folder.
    assert!(input
        .names()
        .contains(&"export_fiches_CSV_Blocs_De_Compétences_2025_01_15.csv"));
    let data = read::read(Format::Rncp, None, &input, &limits).unwrap();
    assert_eq!(data, rncp_fixture());
}

#[test]
fn rncp_refusals() {
    let std = "\u{feff}Numero_Fiche;Intitule;Actif\nRNCP1;Un;ACTIVE\nRNCP1;Deux;ACTIVE\n";
    let err = read_one(
        Format::Rncp,
        None,
        "export_fiches_CSV_Standard_2025_01_01.csv",
        std.as_bytes(),
    )
    .unwrap_err();
    assert_eq!(err.line, Some(3));
    assert!(
        err.reason.contains("appears twice (lines 2 and 3)"),
        "{err}"
    );

    let err = read_one(
        Format::Rncp,
        None,
        "export_fiches_CSV_Standard_x.csv",
        b"Numero_Fiche;Actif\nRNCP1;ACTIVE\n",
    )
    .unwrap_err();
    assert!(
        err.reason.contains("the column Intitule is missing"),
        "{err}"
    );

    let err = read_one(
        Format::Rncp,
        None,
        "export_fiches_CSV_Standard_x.csv",
        b"Numero_Fiche;Intitule\nABC12;Titre\n",
    )
    .unwrap_err();
    assert!(err.reason.contains("not an RNCP or RS number"), "{err}");

    let err = read_one(
        Format::Rncp,
        None,
        "fiches.csv",
        b"Numero_Fiche;Intitule\nRNCP1;Titre\n",
    )
    .unwrap_err();
    assert!(err.reason.contains("export_fiches_CSV_Standard"), "{err}");
}

// ----------------------------------------------------------------- ESCO

const OCC_HEADER: &str = "conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,regulatedProfessionNote,scopeNote,definition,inScheme,description,code";
const U1: &str = "http://data.europa.eu/esco/occupation/aaaaaaaa-0000-4000-8000-000000000001";
const U2: &str = "http://data.europa.eu/esco/occupation/aaaaaaaa-0000-4000-8000-000000000002";
const S1: &str = "http://data.europa.eu/esco/skill/bbbbbbbb-0000-4000-8000-000000000001";
const S2: &str = "http://data.europa.eu/esco/skill/bbbbbbbb-0000-4000-8000-000000000002";

fn occupations_en() -> String {
    format!(
        "{OCC_HEADER}\n\
         Occupation,{U1},2512,software developer,\"programmer\nsoftware engineer\",softwear developer,released,2024-01-01T00:00:00Z,,,,\"http://data.europa.eu/esco/concept-scheme/occupations\nhttp://data.europa.eu/esco/concept-scheme/member-occupations\",\"Software developers implement or program all kinds of software systems.\",2512.4\n\
         Occupation,{U2},2221,nurse responsible for general care,\"general nurse\nregistered nurse\",,released,2024-01-01T00:00:00Z,,,,,Nurses responsible for general care plan and deliver care.,2221.1\n"
    )
}

fn occupations_fr() -> String {
    format!(
        "{OCC_HEADER}\n\
         Occupation,{U1},2512,développeur de logiciels/développeuse de logiciels,\"programmeur/programmeuse\ningénieur logiciel/ingénieure logiciel\",,released,,,,,,Les développeurs de logiciels mettent en œuvre des logiciels.,2512.4\n\
         Occupation,{U2},2221,infirmier en soins généraux/infirmière en soins généraux,infirmier diplômé d'État/infirmière diplômée d'État,,released,,,,,,,2221.1\n"
    )
}

fn skills_en() -> String {
    format!(
        "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,scopeNote,definition,inScheme,description\n\
         KnowledgeSkillCompetence,{S1},knowledge,sector-specific,computer programming,\"programming\ncoding\",,released,,,,,The techniques of software development.\n\
         KnowledgeSkillCompetence,{S2},skill/competence,cross-sector,administer medication,,,released,,,,,\n"
    )
}

#[test]
fn esco_official_layout_and_two_languages() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("occupations_en.csv"), occupations_en()).unwrap();
    std::fs::write(dir.path().join("occupations_fr.csv"), occupations_fr()).unwrap();
    std::fs::write(dir.path().join("skills_en.csv"), skills_en()).unwrap();
    std::fs::write(
        dir.path().join("ISCOGroups_en.csv"),
        "conceptType,conceptUri,code,preferredLabel,status,altLabels,inScheme,description\n\
         ISCOGroup,http://data.europa.eu/esco/isco/C2,2,Professionals,released,,,\n\
         ISCOGroup,http://data.europa.eu/esco/isco/C2512,2512,Software developers,released,,,\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("occupationSkillRelations_en.csv"),
        format!(
            "occupationUri,relationType,skillType,skillUri\n\
             {U1},essential,knowledge,{S1}\n\
             {U2},optional,skill/competence,{S2}\n\
             {U2},essential,skill/competence,http://data.europa.eu/esco/skill/gone\n\
             {U1},mandatory,knowledge,{S2}\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.path().join("README.txt"), "not data").unwrap();
    let limits = Limits::default();
    let input = read::open(dir.path(), &limits).unwrap();

    let en = read::read(Format::Esco, Some("en"), &input, &limits).unwrap();
    let fr = read::read(Format::Esco, Some("FR"), &input, &limits).unwrap();
    assert_eq!(en.languages, ["en"]);
    assert_eq!(fr.languages, ["fr"]);

    let dev_en = concept(&en, U1);
    assert_eq!(dev_en.parent.as_deref(), Some("2512"));
    assert_eq!(
        dev_en.labels,
        labels(&[
            ("en", "software developer", true),
            ("en", "programmer", false),
            ("en", "software engineer", false)
        ])
    );
    assert_eq!(dev_en.descriptions[0].0, "en");
    let dev_fr = concept(&fr, U1);
    assert!(dev_fr.labels.iter().all(|l| l.lang == "fr" && !l.guessed));
    assert_eq!(
        dev_fr.labels[0].text,
        "développeur de logiciels/développeuse de logiciels"
    );
    // Only the French occupations file has French labels: the English skill
    // and ISCO files are left aside for a French import.
    assert_eq!(fr.concepts.len(), 2);
    assert_eq!(en.concepts.len(), 2 + 2 + 2);
    assert_eq!(concept(&en, S1).kind, ConceptKind::Knowledge);
    assert_eq!(concept(&en, S2).kind, ConceptKind::Skill);
    assert_eq!(concept(&en, S1).skill_type.as_deref(), Some("knowledge"));
    assert_eq!(concept(&en, "2512").parent.as_deref(), Some("251"));

    // Relations: essential and optional read; an unknown skill and an
    // unknown relation type skipped with a note each.
    assert_eq!(en.links.len(), 2);
    assert_eq!(en.links[1].relation, Relation::OptionalSkill);
    assert_eq!(en.notes.len(), 2, "{:#?}", en.notes);
    assert_eq!((en.notes[0].line, en.notes[1].line), (4, 5));

    // The store merges the two imports by code; the index does the same.
    let mut both = indexed(&en);
    both.extend(indexed(&fr));
    let index = Index::build(both);
    assert_eq!(index.len(), 6);
    let h = index.search(&Query::new("programmeur", "fr"));
    assert_eq!(h[0].code, U1);
    assert_eq!(
        h[0].label,
        "développeur de logiciels/développeuse de logiciels"
    );
    assert_eq!(h[0].matched.as_deref(), Some("programmeur/programmeuse"));
    let h = index.search(&Query::new("software developer", "fr"));
    assert_eq!(h[0].code, U1);
    assert_eq!(h[0].label_lang, "fr");
    assert_eq!(h[0].matched.as_deref(), Some("software developer"));
    let h = index.search(&Query::new("software developer", "en"));
    assert_eq!(
        (h[0].label.as_str(), h[0].matched.as_deref()),
        ("software developer", None)
    );
    assert_eq!(index.label(Framework::Esco, U2, "de").unwrap().lang, "fr");
    assert!(index.label(Framework::Esco, U2, "de").unwrap().fallback);
    assert_eq!(
        index
            .label(
                Framework::Esco,
                "aaaaaaaa-0000-4000-8000-000000000002",
                "en"
            )
            .unwrap()
            .text,
        "nurse responsible for general care"
    );
}

#[test]
fn esco_degraded_layout_guesses_labels() {
    let occ = format!(
        "conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,description,text\n\
         Occupation,{U1},,,,,software developer programmer Software developers implement software.\n\
         Occupation,{U2},,,,,nurse responsible for general care general nurse Nurses plan care.\n"
    );
    let guesses =
        format!("conceptUri,labelGuess,agreesWithPreferredLabel\n{U1},software developer,\n");
    let data = read::read(
        Format::Esco,
        Some("en"),
        &input(&[
            ("occupations_en.csv", occ.as_bytes()),
            ("occupation_label_guesses.csv", guesses.as_bytes()),
        ]),
        &Limits::default(),
    )
    .unwrap();
    let l1 = &concept(&data, U1).labels[0];
    assert_eq!(
        (l1.text.as_str(), l1.preferred, l1.guessed),
        ("software developer", true, true)
    );
    let l2 = &concept(&data, U2).labels[0];
    assert!(l2.guessed);
    // Cut from `text`: a start of it, at most 12 words.
    assert!(
        "nurse responsible for general care general nurse".starts_with(&l2.text),
        "{l2:?}"
    );
}

#[test]
fn esco_needs_its_files_and_language() {
    let occ = occupations_en();
    let err = read_one(Format::Esco, None, "occupations_en.csv", occ.as_bytes()).unwrap_err();
    assert!(err.reason.contains("language"), "{err}");
    let err = read_one(
        Format::Esco,
        Some("de"),
        "occupations_en.csv",
        occ.as_bytes(),
    )
    .unwrap_err();
    assert!(err.reason.contains("no ESCO file in de"), "{err}");
    let err = read_one(Format::Esco, Some("en"), "other.csv", occ.as_bytes()).unwrap_err();
    assert!(err.reason.contains("occupations_en.csv"), "{err}");
}

// ------------------------------------------------------------ bad input

#[test]
fn missing_column_lists_what_was_found() {
    let err = read_one(
        Format::Esco,
        Some("en"),
        "occupations_en.csv",
        b"conceptType,uri,preferredLabel\nOccupation,x,y\n",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "occupations_en.csv, line 1: the column conceptUri is missing (found: conceptType, uri, preferredLabel)"
    );
}

#[test]
fn semicolons_where_commas_are_expected() {
    let data = format!("conceptType;conceptUri;preferredLabel\nOccupation;{U1};developer\n");
    let err = read_one(
        Format::Esco,
        Some("en"),
        "occupations_en.csv",
        data.as_bytes(),
    )
    .unwrap_err();
    assert!(
        err.reason.starts_with("the column conceptUri is missing"),
        "{err}"
    );
    assert!(
        err.reason
            .contains("separated by “;” where “,” is expected"),
        "{err}"
    );
}

#[test]
fn invalid_utf8_names_the_line() {
    let mut data = b"code_rome,libelle_rome\nM1805,D\xc3\xa9veloppeur\n".to_vec();
    data.extend_from_slice(b"M1855,\"Multi\nline\"\nM1856,Bad \xff byte\n");
    let err = read_one(Format::Rome, None, "referentiel_code_rome.csv", &data).unwrap_err();
    assert_eq!(err.line, Some(5), "{err}");
    assert!(err.reason.contains("not valid UTF-8"), "{err}");
}

#[test]
fn duplicate_codes_name_both_lines() {
    let data = b"code_rome,libelle_rome\nM1805,A\nM1855,B\nm1805,C\n";
    let err = read_one(Format::Rome, None, "referentiel_code_rome.csv", data).unwrap_err();
    assert_eq!(
        err.to_string(),
        "referentiel_code_rome.csv, line 4: code M1805 appears twice (lines 2 and 4)"
    );
}

#[test]
fn bad_rome_code_is_refused() {
    let err = read_one(
        Format::Rome,
        None,
        "referentiel_code_rome.csv",
        b"code_rome,libelle_rome\nZ1805,A\n",
    )
    .unwrap_err();
    assert_eq!(err.line, Some(2));
    assert!(err.reason.contains("not a ROME code"), "{err}");
}

#[test]
fn empty_cells_are_refused() {
    let err = read_one(
        Format::Rome,
        None,
        "referentiel_code_rome.csv",
        b"code_rome,libelle_rome\nM1805,\n",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "referentiel_code_rome.csv, line 2: the cell libelle_rome is empty"
    );
}

#[test]
fn hostile_labels_are_refused() {
    let bell = "code_rome,libelle_rome\nM1805,Dév\u{7}eloppeur\n";
    let err = read_one(Format::Rome, None, "r.csv", bell.as_bytes()).unwrap_err();
    assert!(err.reason.contains("control character (U+0007)"), "{err}");
    let rtl = "code_rome,libelle_rome\nM1805,Dév\u{202e}eloppeur\n";
    assert!(read_one(Format::Rome, None, "r.csv", rtl.as_bytes()).is_err());
    let long = format!("code_rome,libelle_rome\nM1805,{}\n", "é".repeat(10_000));
    let err = read_one(Format::Rome, None, "r.csv", long.as_bytes()).unwrap_err();
    assert!(err.reason.contains("10000 characters long"), "{err}");
    let long_desc = format!(
        "{OCC_HEADER}\nOccupation,{U1},,dev,,,,,,,,,{},\n",
        "x".repeat(30_000)
    );
    let err = read_one(
        Format::Esco,
        Some("en"),
        "occupations_en.csv",
        long_desc.as_bytes(),
    )
    .unwrap_err();
    assert!(
        err.reason.contains("description is 30000 characters long"),
        "{err}"
    );
}

#[test]
fn empty_files_are_refused() {
    for bytes in [&b""[..], b"\xef\xbb\xbf", b"\n\n"] {
        let err = read_one(Format::Rome, None, "referentiel_code_rome.csv", bytes).unwrap_err();
        assert!(err.reason.contains("no ROME file"), "{err}");
        let err = read_one(Format::Esco, Some("en"), "occupations_en.csv", bytes).unwrap_err();
        assert_eq!(err.to_string(), "occupations_en.csv: the file is empty");
    }
    // A header and nothing else: nothing to import.
    let err = read_one(
        Format::Rome,
        None,
        "referentiel_code_rome.csv",
        b"code_rome,libelle_rome\n",
    )
    .unwrap_err();
    assert!(err.reason.contains("no concept"), "{err}");
}

#[test]
fn too_many_records() {
    let mut data = String::from("code_rome,libelle_rome\n");
    for i in 0..10 {
        data.push_str(&format!("M18{i:02},Métier {i}\n"));
    }
    let limits = Limits {
        max_records: 5,
        ..Limits::default()
    };
    let err = read::read(
        Format::Rome,
        None,
        &input(&[("r.csv", data.as_bytes())]),
        &limits,
    )
    .unwrap_err();
    assert_eq!(err.line, Some(7));
    assert!(err.reason.contains("more than 5 records"), "{err}");
}

#[test]
fn zip_bomb_stops_at_the_limit() {
    let limits = Limits {
        max_file_bytes: 1024 * 1024,
        max_total_bytes: 4 * 1024 * 1024,
        ..Limits::default()
    };
    // One member expanding to 8 MiB: beyond the file limit.
    let bomb = zip_bytes(&[("occupations_en.csv".into(), vec![b'a'; 8 * 1024 * 1024])]);
    assert!(bomb.len() < 64 * 1024, "{}", bomb.len());
    let err = read::from_bytes("bomb.zip", bomb, &limits).unwrap_err();
    assert_eq!(
        err.to_string(),
        "bomb.zip: occupations_en.csv is larger than 1 MiB once decompressed"
    );
    // Many members of 900 KiB: beyond the total limit.
    let members: Vec<(String, Vec<u8>)> = (0..6)
        .map(|i| (format!("m{i}.csv"), vec![b'a'; 900 * 1024]))
        .collect();
    let err = read::from_bytes("many.zip", zip_bytes(&members), &limits).unwrap_err();
    assert!(
        err.reason.contains("together are larger than 4 MiB"),
        "{err}"
    );
    // The compressed file itself is checked too.
    let err = read::from_bytes("big.csv", vec![b'a'; 2 * 1024 * 1024], &limits).unwrap_err();
    assert_eq!(err.to_string(), "big.csv: the file is larger than 1 MiB");
}

#[test]
fn gzip_bomb_stops_at_the_limit() {
    let limits = Limits {
        max_file_bytes: 1024 * 1024,
        ..Limits::default()
    };
    let bomb = gzip(&vec![0u8; 16 * 1024 * 1024]);
    let err = read::from_bytes("skills_en.csv.gz", bomb.clone(), &limits).unwrap_err();
    assert_eq!(
        err.to_string(),
        "skills_en.csv.gz: skills_en.csv is larger than 1 MiB once decompressed"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("skills_en.csv.gz");
    std::fs::write(&path, bomb).unwrap();
    assert!(read::open(&path, &limits).is_err());
    // A gzip inside a zip is unpacked, and bounded the same way.
    let nested = zip_bytes(&[(
        "skills_en.csv.gz".into(),
        gzip(&vec![0u8; 16 * 1024 * 1024]),
    )]);
    let err = read::from_bytes("esco.zip", nested, &limits).unwrap_err();
    assert!(err.reason.contains("once decompressed"), "{err}");
    // And a good one reads.
    let ok = read::open(
        &{
            let p = dir.path().join("r.csv.gz");
            std::fs::write(&p, gzip(b"code_rome,libelle_rome\nM1805,Dev\n")).unwrap();
            p
        },
        &limits,
    )
    .unwrap();
    assert_eq!(ok.names(), ["r.csv"]);
}

#[test]
fn not_a_zip() {
    let err =
        read::from_bytes("x.zip", b"PK\x03\x04garbage".to_vec(), &Limits::default()).unwrap_err();
    assert!(err.reason.contains("not a readable zip"), "{err}");
    let err = read::from_bytes("x.gz", vec![0x1f, 0x8b, 0, 1, 2], &Limits::default()).unwrap_err();
    assert!(err.reason.contains("cannot be decompressed"), "{err}");
}

// --------------------------------------------------------------- search

fn search_index() -> Index {
    let mut all = vec![
        ic(
            Framework::Rome,
            "M1805",
            ConceptKind::Occupation,
            &[("fr", "Développeur / Développeuse informatique", true)],
        ),
        ic(
            Framework::Rome,
            "M1855",
            ConceptKind::Occupation,
            &[("fr", "Développeur / Développeuse web", true)],
        ),
        ic(
            Framework::Rome,
            "J1506",
            ConceptKind::Occupation,
            &[("fr", "Infirmier / Infirmière en soins généraux (IDE)", true)],
        ),
        ic(
            Framework::Rome,
            "K2503",
            ConceptKind::Occupation,
            &[("fr", "Agent / Agente de sécurité", true)],
        ),
        ic(
            Framework::Rome,
            "K2504",
            ConceptKind::Occupation,
            &[
                ("fr", "Vigile", true),
                ("fr", "Agent / Agente de sécurité", false),
            ],
        ),
        ic(
            Framework::Rncp,
            "RNCP34126",
            ConceptKind::Certification,
            &[("fr", "Développeur web et web mobile", true)],
        ),
        ic(
            Framework::Rs,
            "RS5476",
            ConceptKind::Certification,
            &[("fr", "Habilitation électrique", true)],
        ),
        ic(
            Framework::Isco,
            "2512",
            ConceptKind::IscoGroup,
            &[("en", "Software developers", true)],
        ),
        ic(
            Framework::Naf,
            "62",
            ConceptKind::Sector,
            &[(
                "fr",
                "Programmation, conseil et autres activites informatiques",
                true,
            )],
        ),
        ic(
            Framework::Esco,
            U1,
            ConceptKind::Occupation,
            &[
                ("en", "web developer", true),
                ("en", "web programmer", false),
                ("fr", "développeur web", true),
            ],
        ),
        ic(
            Framework::Esco,
            S1,
            ConceptKind::Knowledge,
            &[
                ("en", "computer programming", true),
                ("en", "coding", false),
            ],
        ),
        ic(
            Framework::Esco,
            U2,
            ConceptKind::Occupation,
            &[("en", "data analyst", true)],
        ),
        ic(
            Framework::Esco,
            S2,
            ConceptKind::Skill,
            &[("fr", "data", true)],
        ),
    ];
    // Same label twice: the active concept and the publisher's label first.
    let mut inactive = ic(
        Framework::Rncp,
        "RNCP10",
        ConceptKind::Certification,
        &[("fr", "Cuisinier", true)],
    );
    inactive.active = false;
    let active = ic(
        Framework::Rncp,
        "RNCP11",
        ConceptKind::Certification,
        &[("fr", "Cuisinier", true)],
    );
    let mut guessed = ic(
        Framework::Esco,
        "http://data.europa.eu/esco/occupation/g1",
        ConceptKind::Occupation,
        &[("en", "plumber", true)],
    );
    guessed.labels[0].guessed = true;
    let real = ic(
        Framework::Esco,
        "http://data.europa.eu/esco/occupation/g2",
        ConceptKind::Occupation,
        &[("en", "plumber", true)],
    );
    all.extend([inactive, active, guessed, real]);
    all.extend(indexed(&synthetic_rncp(500, 9)));
    all.extend(indexed(&rncp_fixture()));
    Index::build(all)
}

#[test]
fn search_ignores_accents_and_case() {
    let index = search_index();
    for q in [
        "developpeur web",
        "DÉVELOPPEUR WEB",
        "Developpeur Web",
        "développeur-web",
    ] {
        let h = index.search(&Query::new(q, "fr"));
        assert!(codes(&h).contains(&"M1855"), "{q}: {h:?}");
    }
    let h = index.search(&Query::new("INFIRMIER", "fr"));
    assert_eq!(h[0].code, "J1506");
    let h = index.search(&Query::new("securite", "fr"));
    assert!(codes(&h).contains(&"K2503"));
}

#[test]
fn search_tolerates_typos() {
    let index = search_index();
    let first = |q: &str, lang: &str| index.search(&Query::new(q, lang));
    let h = first("devloppeur", "fr");
    assert!(
        !h.is_empty()
            && h.iter()
                .all(|h| h.label.to_lowercase().contains("développeu")),
        "{h:?}"
    );
    assert!(h[0].score < 500);
    // Same tier and edits: the shorter label first.
    assert_eq!(
        codes(&first("infirmeir", "fr"))[..2],
        ["RNCP99003", "J1506"]
    );
    assert_eq!(first("infirmeir generaux", "fr")[0].code, "J1506");
    let h = first("programer", "en");
    assert!(codes(&h).contains(&U1), "{h:?}");
    assert!(codes(&h).contains(&S1), "{h:?}");
    // Two edits allowed from 8 characters on, one below, none under 4.
    let h = first("devlopeur", "fr");
    assert!(h[0].label.to_lowercase().starts_with("développeu"), "{h:?}");
    assert!(first("dvlpr", "fr").is_empty());
    assert!(first("ceb", "fr")
        .iter()
        .all(|h| !h.label.to_lowercase().contains("web")));
}

#[test]
fn search_by_prefix_in_any_order() {
    let index = search_index();
    let h = index.search(&Query::new("dev web", "fr"));
    assert!(codes(&h)[..4].contains(&"M1855"), "{h:?}");
    let h = index.search(&Query::new("web dév", "fr"));
    assert!(codes(&h).contains(&"M1855"), "{h:?}");
    let h = index.search(&Query::new("habil élec", "fr"));
    assert_eq!(h[0].code, "RS5476");
}

#[test]
fn search_by_code() {
    let index = search_index();
    let first = |q: &str| {
        index
            .search(&Query::new(q, "fr"))
            .first()
            .map(|h| h.code.clone())
    };
    assert_eq!(first("m1805").as_deref(), Some("M1805"));
    assert_eq!(first(" M1855 ").as_deref(), Some("M1855"));
    assert_eq!(first("RNCP34126").as_deref(), Some("RNCP34126"));
    assert_eq!(first("rncp 34126").as_deref(), Some("RNCP34126"));
    assert_eq!(first("rs5476").as_deref(), Some("RS5476"));
    assert_eq!(first("2512").as_deref(), Some("2512"));
    assert_eq!(first("62").as_deref(), Some("62"));
    assert_eq!(first(U1).as_deref(), Some(U1));
    assert_eq!(
        first("AAAAAAAA-0000-4000-8000-000000000001").as_deref(),
        Some(U1)
    );
    let h = index.search(&Query::new("M1805", "fr"));
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].score, 1000);
    assert_eq!(h[0].label, "Développeur / Développeuse informatique");
    assert!(index.get(Framework::Rome, "m1805").is_some());
    assert!(index.get(Framework::Naf, "1").is_none());
    assert_eq!(
        index
            .get(Framework::Esco, "aaaaaaaa-0000-4000-8000-000000000001")
            .unwrap()
            .code,
        U1
    );
    // Codes that are not there: no hit, no panic.
    assert!(index.search(&Query::new("Z9999", "fr")).is_empty());
    assert!(index.search(&Query::new("RNCP0", "fr")).is_empty());
}

#[test]
fn search_ranking_order() {
    let index = search_index();
    // Exact preferred label, then exact alternative label.
    let h = index.search(&Query::new("agent / agente de sécurité", "fr"));
    assert_eq!(codes(&h)[..2], ["K2503", "K2504"]);
    assert_eq!(h[1].label, "Vigile");
    assert_eq!(h[1].matched.as_deref(), Some("Agent / Agente de sécurité"));
    assert!(h[0].score > h[1].score);
    // Exact label, then a label starting with the query, then all words.
    let h = index.search(&Query::new("développeur web", "fr"));
    assert_eq!(h[0].code, U1, "{h:?}");
    assert_eq!(h[0].label, "développeur web");
    assert_eq!(h[1].code, "RNCP34126"); // shorter than RNCP99001's? same label: code order
    let h = index.search(&Query {
        limit: 50,
        ..Query::new("développeur web", "fr")
    });
    let at = |code: &str| codes(&h).iter().position(|c| *c == code).unwrap();
    assert!(at("RNCP99001") < at("M1855"), "{h:?}");
    // Active before inactive, publisher's label before a guess.
    assert_eq!(
        codes(&index.search(&Query::new("cuisinier", "fr")))[..2],
        ["RNCP11", "RNCP10"]
    );
    let h = index.search(&Query::new("plumber", "en"));
    assert_eq!(
        codes(&h)[..2],
        [
            "http://data.europa.eu/esco/occupation/g2",
            "http://data.europa.eu/esco/occupation/g1"
        ]
    );
    assert!(h[1].guessed && !h[0].guessed);
    // The query's language first.
    assert_eq!(index.search(&Query::new("data", "fr"))[0].code, S2);
    assert_eq!(
        index.search(&Query::new("data", "en"))[0].code,
        S2,
        "exact label beats language"
    );
    let h = index.search(&Query::new("dat", "en"));
    assert_eq!(h[0].code, U2, "{h:?}");
    let h = index.search(&Query::new("dat", "fr"));
    assert_eq!(h[0].code, S2, "{h:?}");
    // Scores never increase down the list.
    for q in ["dev", "développeur web", "infirmeir", "agent"] {
        let h = index.search(&Query {
            limit: 50,
            ..Query::new(q, "fr")
        });
        assert!(h.windows(2).all(|w| w[0].score >= w[1].score), "{q}");
    }
}

#[test]
fn search_french_and_english_with_fallback() {
    let index = search_index();
    let h = index.search(&Query::new("web developer", "en"));
    assert_eq!(
        (h[0].code.as_str(), h[0].label.as_str(), h[0].fallback),
        (U1, "web developer", false)
    );
    let h = index.search(&Query::new("web developer", "fr"));
    assert_eq!(
        (h[0].label.as_str(), h[0].label_lang.as_str()),
        ("développeur web", "fr")
    );
    assert_eq!(h[0].matched.as_deref(), Some("web developer"));
    let h = index.search(&Query::new("software developers", "fr"));
    assert_eq!(h[0].code, "2512");
    assert!(h[0].fallback);
    assert_eq!(h[0].label_lang, "en");
    let l = index.label(Framework::Esco, U1, "de").unwrap();
    assert_eq!((l.text.as_str(), l.fallback), ("développeur web", true));
    let l = index.label(Framework::Esco, U1, "fr-FR").unwrap();
    assert_eq!((l.text.as_str(), l.fallback), ("développeur web", false));
    let h = index.search(&Query::new("web developer", "en_GB"));
    assert_eq!(
        (h[0].label.as_str(), h[0].fallback),
        ("web developer", false)
    );
    let l = index.label(Framework::Esco, U1, "en").unwrap();
    assert_eq!((l.text.as_str(), l.fallback), ("web developer", false));
    let h = index.search(&Query::new("coding", "en"));
    assert_eq!(h[0].label, "computer programming");
    assert_eq!(h[0].matched.as_deref(), Some("coding"));
}

#[test]
fn search_filters_and_limits() {
    let index = search_index();
    let q = Query::new("dev", "fr");
    assert_eq!(index.search(&Query { limit: 3, ..q }).len(), 3);
    assert_eq!(index.search(&Query { limit: 0, ..q }).len(), 0);
    assert_eq!(index.search(&Query { limit: 10_000, ..q }).len(), 50);
    let h = index.search(&Query {
        kinds: &[ConceptKind::Occupation],
        limit: 50,
        ..q
    });
    assert!(!h.is_empty() && h.iter().all(|h| h.kind == ConceptKind::Occupation));
    let h = index.search(&Query {
        frameworks: &[Framework::Rome, Framework::Esco],
        limit: 50,
        ..q
    });
    assert!(
        !h.is_empty()
            && h.iter()
                .all(|h| matches!(h.framework, Framework::Rome | Framework::Esco))
    );
    let h = index.search(&Query {
        frameworks: &[Framework::Rs],
        ..Query::new("M1805", "fr")
    });
    assert!(h.is_empty());
    // One hit per concept.
    let h = index.search(&Query {
        limit: 50,
        ..Query::new("web", "en")
    });
    let mut c = codes(&h);
    c.sort();
    c.dedup();
    assert_eq!(c.len(), h.len());
    // Too short.
    assert!(index.search(&Query::new("d", "fr")).is_empty());
    assert!(index.search(&Query::new("  ", "fr")).is_empty());
}

#[test]
fn hostile_queries_are_cheap() {
    let index = search_index();
    let long = "a".repeat(1_000);
    let many = "de ".repeat(100);
    let mixed = "développeur ".repeat(50);
    let queries = [
        long.as_str(),
        many.as_str(),
        mixed.as_str(),
        "!!!???---///",
        "😀🎉🔥",
        "\u{0}\u{7}\u{202e}",
        "d e v w e b a b c",
        "%' OR 1=1 --",
        "https://",
        "RNCP99999999999999999999999",
    ];
    for q in queries {
        for lang in ["fr", "en", "", "xx-very-long-language-tag"] {
            let started = Instant::now();
            let h = index.search(&Query {
                limit: 50,
                ..Query::new(q, lang)
            });
            assert!(
                started.elapsed() < Duration::from_millis(500),
                "{q:?} took {:?}",
                started.elapsed()
            );
            assert!(h.len() <= 50);
        }
    }
    assert!(index.search(&Query::new("!!!???", "fr")).is_empty());
    assert!(index.search(&Query::new("😀🎉🔥", "fr")).is_empty());
    // An empty index answers too.
    assert!(Index::build(Vec::new())
        .search(&Query::new("dev", "fr"))
        .is_empty());
}

#[test]
fn hits_serialise_in_camel_case() {
    let index = search_index();
    let h = index.search(&Query::new("M1805", "fr"));
    let json = serde_json::to_value(&h[0]).unwrap();
    assert_eq!(json["framework"], "ROME");
    assert_eq!(json["labelLang"], "fr");
    assert_eq!(json["kind"], "occupation");
}
