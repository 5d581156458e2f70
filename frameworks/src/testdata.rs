//! Synthetic data for benchmarks and tests. Not real certifications: the
//! titles are assembled from word lists so that the index sees a realistic
//! mix of French words, lengths and levels.

use crate::model::{Concept, ConceptKind, Dataset, Framework, Label, SkillBlock};

/// A small deterministic generator (SplitMix64): no dependency, same
/// output on every machine for a given seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// (kind of diploma, its level when fixed).
const TYPES: &[(&str, Option<&str>)] = &[
    ("Titre professionnel", None),
    ("BTS", Some("5")),
    ("Licence professionnelle", Some("6")),
    ("Master", Some("7")),
    ("Bachelor", Some("6")),
    ("Diplôme d'ingénieur", Some("7")),
    ("CAP", Some("3")),
    ("Baccalauréat professionnel", Some("4")),
    ("Certificat de qualification professionnelle", None),
    ("Titre à finalité professionnelle", None),
    ("BUT", Some("6")),
    ("Mastère spécialisé", Some("7")),
    ("Diplôme d'État", None),
    ("Brevet professionnel", Some("4")),
    ("Doctorat", Some("8")),
];

const JOBS: &[&str] = &[
    "Technicien",
    "Technicienne supérieure",
    "Responsable",
    "Chargé de mission",
    "Gestionnaire",
    "Conseiller",
    "Assistante",
    "Manager",
    "Concepteur",
    "Développeur",
    "Agent",
    "Opérateur",
    "Coordinateur",
    "Animateur",
    "Éducatrice",
    "Chef de projet",
    "Administrateur",
    "Architecte",
    "Ingénieur",
    "Analyste",
    "Formateur",
    "Négociateur",
    "Cuisinier",
    "Menuisier",
    "Soudeur",
    "Aide-soignant",
    "Infographiste",
    "Comptable",
    "Secrétaire",
    "Électricien",
];

const FIELDS: &[&str] = &[
    "maintenance industrielle",
    "systèmes et réseaux",
    "commerce international",
    "ressources humaines",
    "comptabilité et gestion",
    "logistique et transport",
    "hôtellerie-restauration",
    "bâtiment et travaux publics",
    "énergies renouvelables",
    "cybersécurité",
    "action sanitaire et sociale",
    "agriculture biologique",
    "petite enfance",
    "communication digitale",
    "données et intelligence artificielle",
    "aéronautique",
    "électrotechnique",
    "aménagements paysagers",
    "banque et assurance",
    "immobilier",
    "tourisme",
    "sport et loisirs",
    "qualité, hygiène, sécurité et environnement",
    "design graphique",
    "audiovisuel",
    "mécanique automobile",
    "plasturgie",
    "restauration d'œuvres d'art",
    "développement web et mobile",
    "gestion de la PME",
    "négociation et digitalisation de la relation client",
    "services informatiques aux organisations",
    "métiers de la forme",
    "pâtisserie",
    "usinage",
    "froid et climatisation",
];

const LINKS: &[&str] = &["en", "de", "des", "en", "option", "spécialité"];

const QUALIFIERS: &[&str] = &[
    "",
    "",
    "",
    "",
    " en alternance",
    " et développement durable",
    " de proximité",
    " en milieu rural",
    " à l'international",
    " (parcours numérique)",
];

const VERBS: &[&str] = &[
    "Piloter",
    "Concevoir",
    "Organiser",
    "Réaliser",
    "Accompagner",
    "Gérer",
    "Développer",
    "Assurer",
];

/// `n` plausible French certification records (`RNCP100000` …), with
/// levels, some inactive records, and two skill blocks each. Deterministic
/// for a given `seed`.
pub fn synthetic_rncp(n: usize, seed: u64) -> Dataset {
    let mut rng = Rng(seed);
    let mut concepts = Vec::with_capacity(n);
    for i in 0..n {
        let (kind, fixed_level) = TYPES[rng.below(TYPES.len())];
        let job = rng.pick(JOBS);
        let field = rng.pick(FIELDS);
        let qualifier = rng.pick(QUALIFIERS);
        let title = match rng.below(3) {
            0 => format!("{kind} {job} {} {field}{qualifier}", rng.pick(LINKS)),
            1 => format!("{kind} - {}{qualifier}", capitalise(field)),
            _ => format!("{job} {} {field}{qualifier}", rng.pick(LINKS)),
        };
        let level = match fixed_level {
            Some(l) => Some(l.to_owned()),
            None if rng.below(5) == 0 => None,
            None => Some((3 + rng.below(4)).to_string()),
        };
        let code = format!("RNCP{}", 100_000 + i);
        let blocks = (1..=2)
            .map(|b| SkillBlock {
                code: format!("{code}BC0{b}"),
                label: format!("{} {}", rng.pick(VERBS), rng.pick(FIELDS)),
            })
            .collect();
        concepts.push(Concept {
            framework: Framework::Rncp,
            code,
            kind: ConceptKind::Certification,
            labels: vec![Label {
                lang: "fr".to_owned(),
                text: title,
                preferred: true,
                guessed: false,
            }],
            descriptions: Vec::new(),
            parent: None,
            level,
            active: rng.below(7) != 0,
            blocks,
            certifiers: Vec::new(),
            skill_type: None,
        });
    }
    Dataset {
        concepts,
        links: Vec::new(),
        languages: if n > 0 {
            vec!["fr".to_owned()]
        } else {
            Vec::new()
        },
        notes: Vec::new(),
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_varied() {
        let a = synthetic_rncp(200, 7);
        let b = synthetic_rncp(200, 7);
        assert_eq!(a, b);
        assert_eq!(a.concepts.len(), 200);
        assert_eq!(a.concepts[0].code, "RNCP100000");
        let distinct: std::collections::HashSet<_> =
            a.concepts.iter().map(|c| &c.labels[0].text).collect();
        assert!(distinct.len() > 150);
        assert!(a.concepts.iter().any(|c| !c.active));
        assert!(a.concepts.iter().any(|c| c.level.as_deref() == Some("7")));
    }
}
