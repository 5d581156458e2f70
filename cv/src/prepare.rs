//! The CV as printed: every string localised and typeset (French spaces,
//! dates in the CV's language), section titles and trust labels included.
//! The HTML preview and the PDF template both read exactly this.

use crate::dates;
use crate::model::*;
use crate::typo::{self, Cleaner};
use chrono::Datelike;
use serde::Serialize;

/// A line as printed.
#[derive(Debug, Clone, Serialize)]
pub struct PreparedItem {
    pub title: String,
    /// "Organisation, Place" (either may be missing).
    pub subtitle: Option<String>,
    /// "mars 2021 – aujourd’hui", "2019 – 2021", "June 2020"…
    pub dates: Option<String>,
    pub description: Option<String>,
    pub keywords: Vec<String>,
    /// Languages: "Langue maternelle", or the CEFR grid as printed.
    pub level: Option<String>,
    pub cefr: Option<CefrLevels>,
    /// "Certifié par Université d’Orléans", "Recommandé par Jeanne Dupont",
    /// "Déclaré".
    pub trust_label: String,
    /// `declared`, `endorsed` or `certified`.
    pub trust: &'static str,
    pub verify: Option<Link>,
    /// Alt text of the line's QR code, when it has one.
    pub qr_alt: Option<String>,
    /// The QR code's number (`/qr/{n}.svg` in the PDF), when the line has
    /// a verify link and the bound of codes per CV is not reached.
    pub qr: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PreparedSection {
    pub kind: SectionKind,
    /// "Expérience professionnelle", "Work experience"…
    pub title: String,
    pub items: Vec<PreparedItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PreparedContact {
    pub kind: ContactKind,
    /// "Courriel", "Phone"…
    pub label: String,
    pub value: String,
}

/// The whole CV as printed.
#[derive(Debug, Clone, Serialize)]
pub struct Prepared {
    /// `fr` or `en`.
    pub lang: &'static str,
    pub design: Design,
    /// The document's title: "CV – Camille Martin".
    pub title: String,
    pub name: String,
    pub headline: Option<String>,
    pub presentation: Option<String>,
    pub contact: Vec<PreparedContact>,
    pub has_photo: bool,
    /// Alt text of the photo: "Photo de Camille Martin".
    pub photo_alt: String,
    pub sections: Vec<PreparedSection>,
    pub online: Option<Link>,
    pub online_label: String,
    pub online_alt: Option<String>,
    /// "Les lignes marquées d’un code se vérifient en ligne…": the legend.
    pub legend: String,
    /// "Mis à jour le 7 décembre 2026".
    pub updated: String,
    /// ISO date of the document.
    pub date: String,
    /// The document's date in parts (for typst's `datetime`).
    pub date_parts: DateParts,
    /// The PDF's keywords: "CV" and the skills' titles.
    pub keywords: Vec<String>,
    /// The QR code's number of the online version (see `PreparedItem::qr`).
    pub online_qr: Option<usize>,
    /// Fixed labels of the layout, in the CV's language.
    pub labels: Labels,
    /// How many runs of characters no embedded font can print became a
    /// white square (`□`): the caller may tell the person.
    pub replaced_chars: usize,
}

/// A date in parts.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct DateParts {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

/// The fixed texts of the layouts (the templates contain none).
#[derive(Debug, Clone, Serialize)]
pub struct Labels {
    /// "Contact".
    pub contact: String,
    /// Header of the CEFR grid's first column: "Langue" / "Language".
    pub language: String,
    pub listening: String,
    pub reading: String,
    pub spoken_interaction: String,
    pub spoken_production: String,
    pub writing: String,
    /// "Langue maternelle" / "Mother tongue".
    pub mother_tongue: String,
    /// Footer: "Page" (followed by "1 / 2").
    pub page: String,
}

/// Bounds on what a CV holds (beyond them, text is cut and lines dropped:
/// the wallet's own limits are far below, these only bound the work).
pub mod bounds {
    /// QR codes per CV (the online version's included): the PDF has this
    /// many fixed virtual files.
    pub const MAX_QR: usize = 64;
    pub const MAX_SECTIONS: usize = 16;
    /// Lines in the whole CV.
    pub const MAX_ITEMS: usize = 200;
    pub const MAX_KEYWORDS: usize = 30;
    pub const MAX_ENDORSERS: usize = 10;
    pub const MAX_CONTACTS: usize = 12;
    pub const NAME: usize = 120;
    pub const LINE: usize = 300;
    pub const KEYWORD: usize = 80;
    pub const TEXT: usize = 4000;
    pub const URL: usize = 512;
}

struct Ctx {
    lang: Lang,
    clean: Cleaner,
    next_qr: usize,
}

impl Ctx {
    /// A line of prose: cleaned, then typeset.
    fn line(&mut self, s: &str, max: usize) -> String {
        typo::prose(self.lang, &self.clean.line(s, max))
    }

    fn opt_line(&mut self, s: Option<&str>, max: usize) -> Option<String> {
        s.map(|s| self.line(s, max)).filter(|s| !s.is_empty())
    }

    /// Paragraphs of prose.
    fn text(&mut self, s: Option<&str>) -> Option<String> {
        s.map(|s| typo::prose(self.lang, &self.clean.text(s, bounds::TEXT)))
            .filter(|s| !s.is_empty())
    }

    /// A verbatim line (e-mail, phone, link text): cleaned, not typeset.
    fn raw(&mut self, s: &str, max: usize) -> String {
        self.clean.line(s, max)
    }

    fn fr_en(&self, fr: &'static str, en: &'static str) -> &'static str {
        match self.lang {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }

    fn link(&mut self, link: Option<&Link>) -> Option<Link> {
        let link = link?;
        let url = link.url.trim();
        let lower = url.to_ascii_lowercase();
        let ok = url.len() <= bounds::URL
            && (lower.starts_with("https://") || lower.starts_with("http://"))
            && url.bytes().all(|b| b.is_ascii_graphic());
        if !ok {
            return None;
        }
        let mut short = self.raw(&link.short, bounds::LINE);
        if short.is_empty() {
            short = url
                .split_once("://")
                .map_or(url, |(_, rest)| rest)
                .to_owned();
        }
        Some(Link {
            url: url.to_owned(),
            short,
        })
    }

    fn qr(&mut self) -> Option<usize> {
        (self.next_qr < bounds::MAX_QR).then(|| {
            self.next_qr += 1;
            self.next_qr - 1
        })
    }
}

fn section_title(lang: Lang, kind: SectionKind) -> &'static str {
    use SectionKind::*;
    match (lang, kind) {
        (Lang::Fr, Experience) => "Expérience professionnelle",
        (Lang::En, Experience) => "Work experience",
        (Lang::Fr, Education) => "Éducation et formation",
        (Lang::En, Education) => "Education and training",
        (Lang::Fr, Credentials) => "Attestations et certificats",
        (Lang::En, Credentials) => "Credentials and certificates",
        (Lang::Fr, Skills) => "Compétences",
        (Lang::En, Skills) => "Skills",
        (Lang::Fr, Languages) => "Langues",
        (Lang::En, Languages) => "Languages",
        (Lang::Fr, Projects) => "Projets",
        (Lang::En, Projects) => "Projects",
        (Lang::Fr, Interests) => "Centres d’intérêt",
        (Lang::En, Interests) => "Interests",
    }
}

fn contact_label(lang: Lang, kind: &ContactKind) -> &'static str {
    match (lang, kind) {
        (Lang::Fr, ContactKind::Email) => "Courriel",
        (Lang::En, ContactKind::Email) => "Email",
        (Lang::Fr, ContactKind::Phone) => "Téléphone",
        (Lang::En, ContactKind::Phone) => "Phone",
        (Lang::Fr, ContactKind::Address) => "Adresse",
        (Lang::En, ContactKind::Address) => "Address",
        (Lang::Fr, ContactKind::Web) => "Site web",
        (Lang::En, ContactKind::Web) => "Website",
    }
}

fn labels(lang: Lang) -> Labels {
    let pick = |fr: &str, en: &str| match lang {
        Lang::Fr => fr.to_owned(),
        Lang::En => en.to_owned(),
    };
    Labels {
        contact: pick("Contact", "Contact"),
        language: pick("Langue", "Language"),
        listening: pick("Compréhension orale", "Listening"),
        reading: pick("Lecture", "Reading"),
        spoken_interaction: pick("Interaction orale", "Spoken interaction"),
        spoken_production: pick("Production orale", "Spoken production"),
        writing: pick("Écriture", "Writing"),
        mother_tongue: pick("Langue maternelle", "Mother tongue"),
        page: pick("Page", "Page"),
    }
}

/// A CEFR level as printed: `A1`…`C2`, anything else a dash.
fn cefr_level(s: &str) -> String {
    let s = s.trim().to_ascii_uppercase();
    match s.as_str() {
        "A1" | "A2" | "B1" | "B2" | "C1" | "C2" => s,
        _ => "–".to_owned(),
    }
}

fn cefr(levels: &CefrLevels) -> CefrLevels {
    CefrLevels {
        listening: cefr_level(&levels.listening),
        reading: cefr_level(&levels.reading),
        spoken_interaction: cefr_level(&levels.spoken_interaction),
        spoken_production: cefr_level(&levels.spoken_production),
        writing: cefr_level(&levels.writing),
    }
}

fn item(cx: &mut Ctx, labels: &Labels, kind: SectionKind, it: &Item) -> PreparedItem {
    let title = cx.line(&it.title, bounds::LINE);
    let organisation = cx.opt_line(it.organisation.as_deref(), bounds::LINE);
    let place = cx.opt_line(it.place.as_deref(), bounds::LINE);
    let subtitle = match (organisation, place) {
        (Some(o), Some(p)) => Some(format!("{o}, {p}")),
        (o, p) => o.or(p),
    };
    let keywords = it
        .keywords
        .iter()
        .take(bounds::MAX_KEYWORDS)
        .map(|k| cx.line(k, bounds::KEYWORD))
        .filter(|k| !k.is_empty())
        .collect();

    let is_language = kind == SectionKind::Languages;
    let cefr = (is_language && !it.mother_tongue)
        .then_some(it.cefr.as_ref())
        .flatten()
        .map(cefr);
    let level = if is_language && it.mother_tongue {
        Some(labels.mother_tongue.clone())
    } else {
        cefr.as_ref().map(|c| {
            [
                (&labels.listening, &c.listening),
                (&labels.reading, &c.reading),
                (&labels.spoken_interaction, &c.spoken_interaction),
                (&labels.spoken_production, &c.spoken_production),
                (&labels.writing, &c.writing),
            ]
            .iter()
            .map(|(label, level)| format!("{label} {level}"))
            .collect::<Vec<_>>()
            .join(" · ")
        })
    };

    let (trust, trust_label) = match &it.trust {
        Trust::Declared => ("declared", cx.fr_en("Déclaré", "Declared").to_owned()),
        Trust::Endorsed { by } => {
            let names: Vec<String> = by
                .iter()
                .take(bounds::MAX_ENDORSERS)
                .map(|n| cx.line(n, bounds::NAME))
                .filter(|n| !n.is_empty())
                .collect();
            let label = if names.is_empty() {
                cx.fr_en("Recommandé", "Endorsed").to_owned()
            } else {
                format!(
                    "{} {}",
                    cx.fr_en("Recommandé par", "Endorsed by"),
                    names.join(", ")
                )
            };
            ("endorsed", label)
        }
        Trust::Certified { issuer } => {
            let issuer = cx.line(issuer, bounds::NAME);
            let label = if issuer.is_empty() {
                cx.fr_en("Certifié", "Certified").to_owned()
            } else {
                format!("{} {issuer}", cx.fr_en("Certifié par", "Certified by"))
            };
            ("certified", label)
        }
    };

    let verify = cx.link(it.verify.as_ref());
    let qr = verify.as_ref().and_then(|_| cx.qr());
    let qr_alt = qr.map(|_| {
        let prefix = cx.fr_en("Code QR de vérification : ", "Verification QR code: ");
        typo::prose(cx.lang, &format!("{prefix}{title}"))
    });

    PreparedItem {
        dates: dates::range(cx.lang, it.start.as_deref(), it.end.as_deref(), it.ongoing),
        description: cx.text(it.description.as_deref()),
        title,
        subtitle,
        keywords,
        level,
        cefr,
        trust_label,
        trust,
        verify,
        qr_alt,
        qr,
    }
}

/// The CV as printed: pure and cheap (the HTML preview calls it on every
/// view). Text is cleaned and bounded (see [`bounds`] and [`typo`]).
pub fn prepare(input: &CvInput) -> Prepared {
    let lang = input.lang;
    let mut cx = Ctx {
        lang,
        clean: Cleaner::default(),
        next_qr: 0,
    };
    let labels = labels(lang);
    let name = cx.raw(&input.name, bounds::NAME);

    // The online version's code comes first: it is the one that matters most.
    let online = cx.link(input.online.as_ref());
    let online_qr = online.as_ref().and_then(|_| cx.qr());

    let contact = input
        .contact
        .iter()
        .take(bounds::MAX_CONTACTS)
        .map(|c| PreparedContact {
            kind: c.kind.clone(),
            label: contact_label(lang, &c.kind).to_owned(),
            value: match c.kind {
                ContactKind::Address => cx.line(&c.value, bounds::LINE),
                _ => cx.raw(&c.value, bounds::LINE),
            },
        })
        .filter(|c| !c.value.is_empty())
        .collect();

    let mut budget = bounds::MAX_ITEMS;
    let mut sections = Vec::new();
    for section in input.sections.iter().take(bounds::MAX_SECTIONS) {
        let take = section.items.len().min(budget);
        budget -= take;
        let items: Vec<PreparedItem> = section.items[..take]
            .iter()
            .map(|it| item(&mut cx, &labels, section.kind, it))
            .collect();
        if items.is_empty() {
            continue;
        }
        sections.push(PreparedSection {
            kind: section.kind,
            title: section_title(lang, section.kind).to_owned(),
            items,
        });
    }

    let mut keywords = vec!["CV".to_owned()];
    keywords.extend(
        sections
            .iter()
            .filter(|s| s.kind == SectionKind::Skills)
            .flat_map(|s| s.items.iter().map(|i| i.title.clone()))
            .filter(|t| !t.is_empty())
            .take(10),
    );

    let date = input.date;
    let doc_title = if name.is_empty() {
        "CV".to_owned()
    } else {
        format!("CV – {name}")
    };
    let (title, photo_alt, online_label, online_alt, legend, updated) = match lang {
        Lang::Fr => (
            doc_title.clone(),
            format!("Photo de {name}"),
            "Version vérifiée en ligne",
            "Code QR de la version vérifiée en ligne",
            "Chaque ligne marquée d’un code QR se vérifie en ligne : scannez-le ou ouvrez le lien.",
            format!("Mis à jour le {}", dates::long_date(lang, date)),
        ),
        Lang::En => (
            doc_title.clone(),
            format!("Photo of {name}"),
            "Verified online version",
            "QR code of the verified online version",
            "Each line marked with a QR code can be verified online: scan it or open the link.",
            format!("Updated on {}", dates::long_date(lang, date)),
        ),
    };

    Prepared {
        lang: match lang {
            Lang::Fr => "fr",
            Lang::En => "en",
        },
        design: input.design,
        title,
        headline: cx.opt_line(input.headline.as_deref(), bounds::LINE),
        presentation: cx.text(input.presentation.as_deref()),
        contact,
        has_photo: input.photo.is_some(),
        photo_alt,
        sections,
        online_alt: online_qr.map(|_| online_alt.to_owned()),
        online,
        online_label: online_label.to_owned(),
        legend: typo::prose(lang, legend),
        updated,
        date: date.format("%Y-%m-%d").to_string(),
        date_parts: DateParts {
            year: date.year(),
            month: date.month(),
            day: date.day(),
        },
        keywords,
        online_qr,
        labels,
        replaced_chars: cx.clean.replaced,
        name,
    }
}
