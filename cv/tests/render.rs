//! The PDFs, read back with poppler's and zbar's command-line tools.
//!
//! When a tool is missing the test says so and passes, unless
//! `ATOUT_REQUIRE_PDF_TOOLS=1`. With `ATOUT_SCREENSHOTS=<dir>`, page 1 of
//! each design (French) is written there as PNG.

use atout_cv::*;
use std::path::{Path, PathBuf};
use std::process::Command;

// ---------------------------------------------------------------- data

fn link(n: &str) -> Link {
    Link {
        url: format!("https://atout.example/s/Ab3dEfGh/{n}"),
        short: format!("atout.example/s/Ab3dEfGh/{n}"),
    }
}

fn item(title: &str) -> Item {
    Item {
        title: title.into(),
        organisation: None,
        place: None,
        start: None,
        end: None,
        ongoing: false,
        description: None,
        keywords: vec![],
        mother_tongue: false,
        cefr: None,
        trust: Trust::Declared,
        verify: None,
    }
}

fn realistic(lang: Lang, design: Design) -> CvInput {
    let fr = lang == Lang::Fr;
    let t = |f: &str, e: &str| if fr { f.to_owned() } else { e.to_owned() };
    let experience = vec![
        Item {
            organisation: Some("Mairie d’Orléans".into()),
            place: Some("Orléans".into()),
            start: Some("2021-03".into()),
            ongoing: true,
            description: Some(t(
                "Conduite du projet de portail citoyen : cadrage, recette et mise en production. Pourquoi ? Pour simplifier les démarches !",
                "Led the citizen portal project: scoping, acceptance testing and go-live. Why? To make procedures simpler!",
            )),
            keywords: vec!["Rust".into(), "PostgreSQL".into(), "Accessibilité".into()],
            ..item(&t("Cheffe de projet numérique", "Digital project manager"))
        },
        Item {
            organisation: Some("Société Générale des Eaux".into()),
            place: Some("Tours".into()),
            start: Some("2018-09".into()),
            end: Some("2021-02".into()),
            description: Some(t(
                "Développement d’outils internes ; formation des équipes.",
                "Built internal tools; trained the teams.",
            )),
            trust: Trust::Endorsed {
                by: vec!["Jeanne Dupont".into(), "Marc Lefèvre".into()],
            },
            ..item(&t("Développeuse", "Developer"))
        },
        Item {
            organisation: Some("Librairie Œuvres & Cie".into()),
            start: Some("2016".into()),
            end: Some("2018".into()),
            ..item(&t("Libraire", "Bookseller"))
        },
    ];
    let education = vec![
        Item {
            organisation: Some("Université d’Orléans".into()),
            start: Some("2014".into()),
            end: Some("2016".into()),
            trust: Trust::Certified {
                issuer: "Université d’Orléans".into(),
            },
            verify: Some(link("1")),
            ..item(&t(
                "Master Informatique",
                "Master’s degree in computer science",
            ))
        },
        Item {
            organisation: Some("Lycée Pothier".into()),
            end: Some("2011-07".into()),
            ..item(&t("Baccalauréat scientifique", "Scientific baccalaureate"))
        },
    ];
    let skills = vec![
        Item {
            keywords: vec!["Rust".into(), "SQL".into(), "typst".into()],
            ..item(&t("Développement logiciel", "Software development"))
        },
        Item {
            keywords: vec!["RGAA".into(), "WCAG 2.2".into()],
            ..item(&t("Accessibilité numérique", "Digital accessibility"))
        },
    ];
    let languages = vec![
        Item {
            mother_tongue: true,
            ..item(&t("Français", "French"))
        },
        Item {
            cefr: Some(CefrLevels {
                listening: "C1".into(),
                reading: "C1".into(),
                spoken_interaction: "B2".into(),
                spoken_production: "B2".into(),
                writing: "B2".into(),
            }),
            ..item(&t("Anglais", "English"))
        },
    ];
    CvInput {
        lang,
        design,
        name: "Élodie Lefèvre-Nguyễn".into(),
        headline: Some(t(
            "Cheffe de projet numérique : services publics en ligne",
            "Digital project manager: online public services",
        )),
        presentation: Some(t(
            "Dix ans d’expérience dans les services numériques.\nJ’aime les projets utiles : « simples, accessibles et sûrs ».",
            "Ten years in digital services.\nI like useful projects: simple, accessible and safe.",
        )),
        contact: vec![
            Contact {
                kind: ContactKind::Email,
                value: "elodie.lefevre@example.fr".into(),
            },
            Contact {
                kind: ContactKind::Phone,
                value: "+33 6 12 34 56 78".into(),
            },
            Contact {
                kind: ContactKind::Address,
                value: "12 rue Jeanne-d’Arc, 45000 Orléans".into(),
            },
        ],
        photo: None,
        sections: vec![
            Section {
                kind: SectionKind::Experience,
                items: experience,
            },
            Section {
                kind: SectionKind::Education,
                items: education,
            },
            Section {
                kind: SectionKind::Skills,
                items: skills,
            },
            Section {
                kind: SectionKind::Languages,
                items: languages,
            },
        ],
        online: Some(Link {
            url: "https://atout.example/cv/Zx9Yw8".into(),
            short: "atout.example/cv/Zx9Yw8".into(),
        }),
        date: chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
    }
}

/// 20 lines (12 experiences, 4 educations, 2 skills, 2 languages), 10 of
/// them certified, for two pages.
fn big(lang: Lang, design: Design) -> CvInput {
    let mut cv = realistic(lang, design);
    let mut experience = Vec::new();
    for i in 0..12 {
        experience.push(Item {
            organisation: Some(format!("Organisation numéro {i}")),
            place: Some("Orléans".into()),
            start: Some(format!("{}-01", 2000 + i)),
            end: Some(format!("{}-12", 2000 + i)),
            description: Some(
                "Conduite de projets numériques au service des usagers : conception, \
                 développement et recette."
                    .into(),
            ),
            keywords: vec!["Gestion de projet".into(), "Rust".into()],
            trust: if i < 7 {
                Trust::Certified {
                    issuer: format!("Employeur {i}"),
                }
            } else {
                Trust::Declared
            },
            verify: (i < 7).then(|| link(&format!("x{i}"))),
            ..item(&format!("Poste numéro {i}"))
        });
    }
    let mut education = Vec::new();
    for i in 0..4 {
        education.push(Item {
            organisation: Some(format!("École {i}")),
            start: Some(format!("{}", 1990 + i)),
            end: Some(format!("{}", 1991 + i)),
            trust: if i < 3 {
                Trust::Certified {
                    issuer: format!("École {i}"),
                }
            } else {
                Trust::Declared
            },
            verify: (i < 3).then(|| link(&format!("e{i}"))),
            ..item(&format!("Diplôme numéro {i}"))
        });
    }
    cv.sections[0].items = experience;
    cv.sections[1].items = education;
    cv
}

const DESIGNS: [(Design, &str); 3] = [
    (Design::Classic, "classic"),
    (Design::Modern, "modern"),
    (Design::Compact, "compact"),
];
const LANGS: [(Lang, &str); 2] = [(Lang::Fr, "fr"), (Lang::En, "en")];

fn limits() -> Limits {
    Limits {
        max_photo_bytes: 8 * 1024 * 1024,
    }
}

fn expected_urls(cv: &CvInput) -> Vec<String> {
    let mut urls: Vec<String> = cv
        .sections
        .iter()
        .flat_map(|s| s.items.iter())
        .filter_map(|i| i.verify.as_ref().map(|l| l.url.clone()))
        .chain(cv.online.as_ref().map(|l| l.url.clone()))
        .collect();
    urls.sort();
    urls
}

// ---------------------------------------------------------------- tools

/// Whether the command-line tools are there; `false` means "skip".
fn tools() -> bool {
    for tool in ["pdftotext", "pdfinfo", "pdftoppm", "zbarimg"] {
        let found = Command::new(tool).arg("-v").output().is_ok();
        if !found {
            if std::env::var("ATOUT_REQUIRE_PDF_TOOLS").as_deref() == Ok("1") {
                panic!("{tool} not installed (apt-get install poppler-utils zbar-tools)");
            }
            eprintln!("skipped: {tool} not installed (apt-get install poppler-utils zbar-tools)");
            return false;
        }
    }
    true
}

/// The PDF's bytes and its inflated streams.
fn streams(pdf: &[u8]) -> Vec<Vec<u8>> {
    use std::io::Read;
    let mut out = vec![pdf.to_vec()];
    let mut rest = pdf;
    while let Some(at) = find(rest, b"stream") {
        rest = &rest[at + 6..];
        let body = rest
            .strip_prefix(b"\r\n")
            .or_else(|| rest.strip_prefix(b"\n"))
            .unwrap_or(rest);
        let Some(end) = find(body, b"endstream") else {
            break;
        };
        let mut text = Vec::new();
        if flate2::read::ZlibDecoder::new(&body[..end])
            .read_to_end(&mut text)
            .is_ok()
        {
            out.push(text);
        }
        rest = &body[end + b"endstream".len()..];
    }
    out
}

/// The characters the PDF's ToUnicode maps name (`<glyph> <unicode>`).
fn mapped_chars(pdf: &[u8]) -> std::collections::BTreeSet<u32> {
    let mut found = std::collections::BTreeSet::new();
    for stream in streams(pdf) {
        let text = String::from_utf8_lossy(&stream);
        if text.contains("beginbfchar") || text.contains("beginbfrange") {
            for pair in text.split('\n') {
                let hex: Vec<&str> = pair
                    .split(['<', '>'])
                    .filter(|p| !p.trim().is_empty())
                    .collect();
                if let [_, to] = hex[..] {
                    if let Ok(c) = u32::from_str_radix(to.trim(), 16) {
                        found.insert(c);
                    }
                }
            }
        }
    }
    found
}

/// The structure tree's alternate texts (`/Alt<FEFF…>` or `/Alt(…)`).
fn alt_texts(pdf: &[u8]) -> Vec<String> {
    let mut alts = Vec::new();
    for stream in streams(pdf) {
        let mut rest = &stream[..];
        while let Some(at) = find(rest, b"/Alt") {
            rest = &rest[at + 4..];
            let rest_str = String::from_utf8_lossy(&rest[..rest.len().min(4000)]).into_owned();
            let trimmed = rest_str.trim_start();
            if let Some(hex) = trimmed.strip_prefix('<') {
                let hex: String = hex
                    .chars()
                    .take_while(|c| *c != '>')
                    .filter(|c| c.is_ascii_hexdigit())
                    .collect();
                let bytes: Vec<u8> = (0..hex.len() / 2)
                    .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
                    .collect();
                let units: Vec<u16> = bytes
                    .chunks(2)
                    .skip(1)
                    .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                    .collect();
                alts.push(String::from_utf16_lossy(&units));
            } else if let Some(lit) = trimmed.strip_prefix('(') {
                alts.push(lit.chars().take_while(|c| *c != ')').collect());
            }
        }
    }
    alts
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn collapse(s: &str) -> String {
    s.split([' ', '\n', '\t', '\u{c}'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn squeeze(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, ' ' | '\n' | '\t' | '\u{c}' | '\u{ad}'))
        .collect()
}

struct Pdf {
    dir: PathBuf,
    path: PathBuf,
}

impl Pdf {
    fn new(name: &str, bytes: &[u8]) -> Self {
        let dir = std::env::temp_dir().join(format!("atout-cv-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("cv.pdf");
        std::fs::write(&path, bytes).unwrap();
        Self { dir, path }
    }

    fn run(&self, tool: &str, args: &[&str]) -> String {
        let out = Command::new(tool)
            .args(args)
            .arg(&self.path)
            .args(if tool == "pdftotext" {
                &["-"][..]
            } else {
                &[][..]
            })
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{tool}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // `pdfinfo -struct` prints some titles as raw UTF-16.
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn text(&self) -> String {
        self.run("pdftotext", &["-enc", "UTF-8"])
    }

    /// The text with lines joined: with ASCII whitespace collapsed, and
    /// with it removed along with hyphenation (lines may break after a
    /// `/` or inside a word, and a word may hold a real hyphen).
    fn flat_text(&self) -> (String, String) {
        let t = self.text();
        (collapse(&t), squeeze(&t.replace("-\n", "")))
    }

    fn contains(&self, flat: &(String, String), needle: &str) -> bool {
        flat.0.contains(&collapse(needle)) || flat.1.contains(&squeeze(needle))
    }

    fn png(&self, page: usize, dpi: u32) -> PathBuf {
        let prefix = self.dir.join(format!("p{dpi}"));
        let out = Command::new("pdftoppm")
            .args([
                "-png",
                "-r",
                &dpi.to_string(),
                "-f",
                &page.to_string(),
                "-l",
                &page.to_string(),
                "-singlefile",
            ])
            .arg(&self.path)
            .arg(&prefix)
            .output()
            .unwrap();
        assert!(out.status.success());
        prefix.with_extension("png")
    }

    /// Every QR code of every page, decoded.
    fn qr_codes(&self, pages: usize) -> Vec<String> {
        let mut urls = Vec::new();
        for page in 1..=pages {
            // 300 dpi: at 100 dpi a 12 mm code has under 2 pixels a module.
            let png = self.png(page, 300);
            let out = Command::new("zbarimg")
                .args(["--raw", "-q"])
                .arg(&png)
                .output()
                .unwrap();
            urls.extend(
                String::from_utf8(out.stdout)
                    .unwrap()
                    .lines()
                    .map(str::to_owned),
            );
        }
        urls.sort();
        urls
    }
}

impl Drop for Pdf {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn check_standards(pdf: &Pdf, title: &str, pages: usize) {
    let info = pdf.run("pdfinfo", &[]);
    let field = |key: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
            .map(|v| v.trim().to_owned())
    };
    assert_eq!(field("Title").as_deref(), Some(title), "{info}");
    assert_eq!(field("Tagged").as_deref(), Some("yes"), "{info}");
    assert_eq!(field("Pages"), Some(pages.to_string()), "{info}");
    let xmp = pdf.run("pdfinfo", &["-meta"]);
    let has = |tag: &str, value: &str| {
        xmp.contains(&format!("<{tag}>{value}</{tag}>"))
            || xmp.contains(&format!("{tag}=\"{value}\""))
    };
    assert!(has("pdfaid:part", "2"), "{xmp}");
    assert!(has("pdfaid:conformance", "A"), "{xmp}");
    assert!(has("pdfuaid:part", "1"), "{xmp}");
    let tree = pdf.run("pdfinfo", &["-struct"]);
    assert!(tree.contains("H1"), "{tree}");
    assert!(tree.contains("H2"), "{tree}");
    assert!(tree.contains("Figure"), "{tree}");
}

// ---------------------------------------------------------------- tests

#[test]
fn realistic_cvs_in_every_design_and_language() {
    let tools = tools();
    for (design, dname) in DESIGNS {
        for (lang, lname) in LANGS {
            let cv = realistic(lang, design);
            let r = render_pdf(&cv, limits()).unwrap_or_else(|e| panic!("{dname} {lname}: {e}"));
            eprintln!("{dname} {lname}: {} pages, {} bytes", r.pages, r.pdf.len());
            assert_eq!(r.pages, 1, "{dname} {lname}");
            assert!(r.warnings.is_empty(), "{dname} {lname}: {:?}", r.warnings);
            if !tools {
                continue;
            }
            let pdf = Pdf::new(&format!("{dname}-{lname}"), &r.pdf);
            let prepared = prepare(&cv);
            check_standards(&pdf, &prepared.title, r.pages);
            let flat = pdf.flat_text();
            for section in &prepared.sections {
                assert!(
                    pdf.contains(&flat, &section.title),
                    "{dname} {lname}: {}",
                    section.title
                );
                for item in &section.items {
                    assert!(
                        pdf.contains(&flat, &item.title),
                        "{dname} {lname}: {}\n{}",
                        item.title,
                        flat.0
                    );
                    assert!(
                        pdf.contains(&flat, &item.trust_label),
                        "{dname} {lname}: {}",
                        item.trust_label
                    );
                }
            }
            // The name may wrap (pdftotext then reorders its words).
            for word in ["Élodie", "Lefèvre", "Nguyễn"] {
                assert!(flat.0.contains(word), "{dname} {lname}: {word}");
            }
            if design == Design::Classic {
                let tree = pdf.run("pdfinfo", &["-struct"]);
                assert!(tree.contains("Table"), "{tree}");
                assert!(tree.contains("TH"), "{tree}");
            }
            if let Some(dir) = std::env::var_os("ATOUT_SCREENSHOTS") {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(
                    Path::new(&dir).join(format!("cv-{dname}-{lname}.pdf")),
                    &r.pdf,
                )
                .unwrap();
            }
            if lang == Lang::Fr {
                // pdftotext prints no-break spaces as spaces: the spaces are
                // there, and the PDF's text maps hold U+00A0 and U+202F.
                assert!(flat.0.contains("numérique : services"), "{}", flat.0);
                assert!(flat.0.contains("Pourquoi ?"), "{}", flat.0);
                assert!(flat.0.contains("« simples"), "{}", flat.0);
                let mapped = mapped_chars(&r.pdf);
                assert!(
                    mapped.contains(&0xA0) && mapped.contains(&0x202F),
                    "{dname}: {mapped:?}"
                );
                assert!(pdf.contains(&flat, "mars 2021 – aujourd’hui"), "{}", flat.0);
                assert!(pdf.contains(&flat, "Mis à jour le 7 décembre 2026"));
                assert!(pdf.contains(&flat, "Certifié par Université d’Orléans"));
                assert!(pdf.contains(&flat, "Recommandé par Jeanne Dupont, Marc Lefèvre"));
            } else {
                assert!(
                    !mapped_chars(&r.pdf).contains(&0x202F),
                    "{dname}: NNBSP in English"
                );
                assert!(pdf.contains(&flat, "March 2021 – present"), "{}", flat.0);
                assert!(pdf.contains(&flat, "Updated on 7 December 2026"));
            }
            assert_eq!(pdf.qr_codes(r.pages), expected_urls(&cv), "{dname} {lname}");
            let alts = alt_texts(&r.pdf);
            let wanted = prepared
                .sections
                .iter()
                .flat_map(|s| s.items.iter().filter_map(|i| i.qr_alt.clone()))
                .chain(prepared.online_alt.clone());
            for alt in wanted {
                assert!(
                    alts.contains(&alt),
                    "{dname} {lname}: {alt:?} not in {alts:?}"
                );
            }
            if lang == Lang::Fr {
                if let Some(dir) = std::env::var_os("ATOUT_SCREENSHOTS") {
                    let png = pdf.png(1, 100);
                    std::fs::create_dir_all(&dir).unwrap();
                    std::fs::copy(png, Path::new(&dir).join(format!("cv-{dname}-fr.png"))).unwrap();
                }
            }
        }
    }
}

#[test]
fn big_cvs_take_two_pages() {
    let tools = tools();
    for (design, dname) in DESIGNS {
        let cv = big(Lang::Fr, design);
        let r = render_pdf(&cv, limits()).unwrap_or_else(|e| panic!("{dname}: {e}"));
        eprintln!("big {dname}: {} pages, {} bytes", r.pages, r.pdf.len());
        if tools {
            let pdf = Pdf::new(&format!("big-{dname}"), &r.pdf);
            if let Some(dir) = std::env::var_os("ATOUT_SCREENSHOTS") {
                std::fs::create_dir_all(&dir).unwrap();
                for page in 1..=r.pages {
                    let to = Path::new(&dir).join(format!("cv-{dname}-fr-big-{page}.png"));
                    std::fs::copy(pdf.png(page, 100), to).unwrap();
                }
            }
            check_standards(&pdf, &prepare(&cv).title, r.pages);
            assert_eq!(pdf.qr_codes(r.pages), expected_urls(&cv), "{dname}");
        }
        if design != Design::Compact {
            assert_eq!(r.pages, 2, "{dname}");
        }
    }
    // A compact CV still renders when it overflows, and says so.
    let mut cv = big(Lang::Fr, Design::Compact);
    let more = cv.sections[0].items.clone();
    cv.sections[0].items.extend(more.clone());
    cv.sections[0].items.extend(more);
    let r = render_pdf(&cv, limits()).unwrap();
    assert!(r.pages > 1, "{}", r.pages);
}

const HOSTILE: [&str; 13] = [
    "#eval(\"1\")",
    "*x*",
    "$y$",
    "<l>",
    "@r",
    "= h",
    "\\",
    "]",
    "\"",
    "#import \"/etc/passwd\"",
    "{{",
    "<script>",
    "#read(\"/data.json\")",
];

#[test]
fn hostile_text_comes_out_verbatim() {
    let tools = tools();
    let all = HOSTILE.join(" ");
    for (design, dname) in DESIGNS {
        let mut cv = realistic(Lang::En, design);
        cv.name = format!("Eve {all}");
        cv.headline = Some(all.clone());
        cv.presentation = Some(HOSTILE.join("\n"));
        for c in &mut cv.contact {
            c.value = all.clone();
        }
        for section in &mut cv.sections {
            for item in &mut section.items {
                item.title = format!("T {all}");
                item.organisation = Some(all.clone());
                item.place = Some(all.clone());
                item.description = Some(all.clone());
                item.keywords = HOSTILE.iter().map(|s| s.to_string()).collect();
                item.start = Some("#eval(\"1\")".into());
                if let Some(cefr) = &mut item.cefr {
                    cefr.writing = "*x*".into();
                }
                if let Trust::Certified { issuer } = &mut item.trust {
                    *issuer = all.clone();
                }
                if let Trust::Endorsed { by } = &mut item.trust {
                    *by = vec![all.clone()];
                }
                if let Some(l) = &mut item.verify {
                    l.short = all.clone();
                }
            }
        }
        for lang in [Lang::En, Lang::Fr] {
            cv.lang = lang;
            let r = render_pdf(&cv, limits()).unwrap_or_else(|e| panic!("{dname}: {e}"));
            if tools {
                let pdf = Pdf::new(&format!("hostile-{dname}"), &r.pdf);
                let flat = pdf.flat_text();
                for s in HOSTILE {
                    assert!(
                        pdf.contains(&flat, s),
                        "{dname}: {s:?} missing in\n{}",
                        flat.0
                    );
                }
                assert!(
                    pdf.contains(&flat, &format!("Eve {all}")),
                    "{dname}: {}",
                    flat.0
                );
            }
        }
    }
}

#[test]
fn emoji_and_cjk_do_not_fail() {
    for (design, dname) in DESIGNS {
        let mut cv = realistic(Lang::Fr, design);
        cv.name = "王小明 😀 Zoé".into();
        cv.headline = Some("Développeuse 👩‍💻 \u{E000} \u{202E}abc".into());
        cv.sections[0].items[0].title = "Ingénieure ✈\u{FE0F} 東京".into();
        let r = render_pdf(&cv, limits()).unwrap_or_else(|e| panic!("{dname}: {e}"));
        assert!(r.replaced_chars >= 4, "{}", r.replaced_chars);
    }
}

/// A TIFF block with one tag: Orientation = 6 (rotate 90° clockwise).
const EXIF_ROTATE_90: [u8; 26] = [
    b'M', b'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0,
];

fn jpeg(width: u32, height: u32, exif: bool) -> Vec<u8> {
    use image::ImageEncoder;
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (x * 255 / width) as u8,
            (y * 255 / height) as u8,
            ((x ^ y) & 0xff) as u8,
        ])
    });
    let mut out = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
    if exif {
        enc.set_exif_metadata(EXIF_ROTATE_90.to_vec()).unwrap();
    }
    enc.write_image(img.as_raw(), width, height, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

#[test]
fn photos() {
    let tools = tools();
    let big_photo = jpeg(4000, 3000, true);
    eprintln!("photo in: {} bytes", big_photo.len());
    for (design, dname) in DESIGNS {
        let mut cv = realistic(Lang::Fr, design);
        cv.photo = Some(Photo {
            bytes: big_photo.clone(),
        });
        let r = render_pdf(&cv, limits()).unwrap_or_else(|e| panic!("{dname}: {e}"));
        eprintln!("{dname} with photo: {} bytes", r.pdf.len());
        assert!(r.pdf.len() < 1024 * 1024, "{dname}: {} bytes", r.pdf.len());
        assert_eq!(r.pages, 1);
        if tools {
            let pdf = Pdf::new(&format!("photo-{dname}"), &r.pdf);
            check_standards(&pdf, &prepare(&cv).title, 1);
            let photo_alt = prepare(&cv).photo_alt;
            assert!(
                alt_texts(&r.pdf).contains(&photo_alt),
                "{dname}: {photo_alt}"
            );
            if let Some(dir) = std::env::var_os("ATOUT_SCREENSHOTS") {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::copy(
                    pdf.png(1, 100),
                    Path::new(&dir).join(format!("cv-{dname}-fr-photo.png")),
                )
                .unwrap();
            }
        }
    }

    let mut cv = realistic(Lang::En, Design::Modern);
    cv.photo = Some(Photo {
        bytes: b"\xff\xd8\xff\xe0 not really a jpeg".to_vec(),
    });
    assert!(matches!(render_pdf(&cv, limits()), Err(RenderError::Photo)));
    cv.photo = Some(Photo {
        bytes: jpeg(50, 50, false),
    });
    let tight = Limits {
        max_photo_bytes: 100,
    };
    assert!(matches!(render_pdf(&cv, tight), Err(RenderError::Photo)));
    // A GIF is not a photo format we take.
    cv.photo = Some(Photo {
        bytes: b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec(),
    });
    assert!(matches!(render_pdf(&cv, limits()), Err(RenderError::Photo)));
}

#[test]
fn empty_cv_renders() {
    for (design, dname) in DESIGNS {
        let cv = CvInput {
            lang: Lang::Fr,
            design,
            name: String::new(),
            headline: None,
            presentation: None,
            contact: vec![],
            photo: None,
            sections: vec![],
            online: None,
            date: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        };
        let r = render_pdf(&cv, limits()).unwrap_or_else(|e| panic!("{dname}: {e}"));
        assert_eq!(r.pages, 1);
    }
}
