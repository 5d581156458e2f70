//! French places as forms and files give them.

/// A French département code, canonical (`37`, `2A`, `971`; a single digit
/// is zero-padded: `7` is `07`), or `None` when the text is not one.
pub fn department(text: &str) -> Option<String> {
    let d = text.trim().to_ascii_uppercase();
    let d = if d.len() == 1 && d.bytes().all(|b| b.is_ascii_digit()) {
        format!("0{d}")
    } else {
        d
    };
    departement(&d).map(|x| x.code.to_owned())
}

/// A département: its code, its name, and its region (INSEE code and name;
/// `None` for Saint-Pierre-et-Miquelon, a collectivity outside the
/// regions). From INSEE's Code officiel géographique (regions of 2016).
pub struct Departement {
    pub code: &'static str,
    pub name: &'static str,
    pub region: Option<(&'static str, &'static str)>,
}

/// Every département, in INSEE's order.
pub const DEPARTEMENTS: [Departement; 102] = [
    Departement {
        code: "01",
        name: "Ain",
        region: Some(("84", "Auvergne-Rhône-Alpes")),
    },
    Departement {
        code: "02",
        name: "Aisne",
        region: Some(("32", "Hauts-de-France")),
    },
    Departement {
        code: "03",
        name: "Allier",
        region: Some(("84", "Auvergne-Rhône-Alpes")),
    },
    Departement {
        code: "04",
        name: "Alpes-de-Haute-Provence",
        region: Some(("93", "Provence-Alpes-Côte d'Azur")),
    },
    Departement {
        code: "05",
        name: "Hautes-Alpes",
        region: Some(("93", "Provence-Alpes-Côte d'Azur")),
    },
    Departement {
        code: "06",
        name: "Alpes-Maritimes",
        region: Some(("93", "Provence-Alpes-Côte d'Azur")),
    },
    Departement {
        code: "07",
        name: "Ardèche",
        region: Some(("84", "Auvergne-Rhône-Alpes")),
    },
    Departement {
        code: "08",
        name: "Ardennes",
        region: Some(("44", "Grand Est")),
    },
    Departement {
        code: "09",
        name: "Ariège",
        region: Some(("76", "Occitanie")),
    },
    Departement {
        code: "10",
        name: "Aube",
        region: Some(("44", "Grand Est")),
    },
    Departement {
        code: "11",
        name: "Aude",
        region: Some(("76", "Occitanie")),
    },
    Departement {
        code: "12",
        name: "Aveyron",
        region: Some(("76", "Occitanie")),
    },
    Departement {
        code: "13",
        name: "Bouches-du-Rhône",
        region: Some(("93", "Provence-Alpes-Côte d'Azur")),
    },
    Departement {
        code: "14",
        name: "Calvados",
        region: Some(("28", "Normandie")),
    },
    Departement {
        code: "15",
        name: "Cantal",
        region: Some(("84", "Auvergne-Rhône-Alpes")),
    },
    Departement {
        code: "16",
        name: "Charente",
        region: Some(("75", "Nouvelle-Aquitaine")),
    },
    Departement {
        code: "17",
        name: "Charente-Maritime",
        region: Some(("75", "Nouvelle-Aquitaine")),
    },
    Departement {
        code: "18",
        name: "Cher",
        region: Some(("24", "Centre-Val de Loire")),
    },
    Departement {
        code: "19",
        name: "Corrèze",
        region: Some(("75", "Nouvelle-Aquitaine")),
    },
    Departement {
        code: "2A",
        name: "Corse-du-Sud",
        region: Some(("94", "Corse")),
    },
    Departement {
        code: "2B",
        name: "Haute-Corse",
        region: Some(("94", "Corse")),
    },
    Departement {
        code: "21",
        name: "Côte-d'Or",
        region: Some(("27", "Bourgogne-Franche-Comté")),
    },
    Departement {
        code: "22",
        name: "Côtes-d'Armor",
        region: Some(("53", "Bretagne")),
    },
    Departement {
        code: "23",
        name: "Creuse",
        region: Some(("75", "Nouvelle-Aquitaine")),
    },
    Departement {
        code: "24",
        name: "Dordogne",
        region: Some(("75", "Nouvelle-Aquitaine")),
    },
    Departement {
        code: "25",
        name: "Doubs",
        region: Some(("27", "Bourgogne-Franche-Comté")),
    },
    Departement {
        code: "26",
        name: "Drôme",
        region: Some(("84", "Auvergne-Rhône-Alpes")),
    },
    Departement {
        code: "27",
        name: "Eure",
        region: Some(("28", "Normandie")),
    },
    Departement {
        code: "28",
        name: "Eure-et-Loir",
        region: Some(("24", "Centre-Val de Loire")),
    },
    Departement {
        code: "29",
        name: "Finistère",
        region: Some(("53", "Bretagne")),
    },
    Departement {
        code: "30",
        name: "Gard",
        region: Some(("76", "Occitanie")),
    },
    Departement {
        code: "31",
        name: "Haute-Garonne",
        region: Some(("76", "Occitanie")),
    },
    Departement {
        code: "32",
        name: "Gers",
        region: Some(("76", "Occitanie")),
    },
    Departement {
        code: "33",
        name: "Gironde",
        region: Some(("75", "Nouvelle-Aquitaine")),
    },
    Departement {
        code: "34",
        name: "Hérault",
        region: Some(("76", "Occitanie")),
    },
    Departement {
        code: "35",
        name: "Ille-et-Vilaine",
        region: Some(("53", "Bretagne")),
    },
    Departement {
        code: "36",
        name: "Indre",
        region: Some(("24", "Centre-Val de Loire")),
    },
    Departement {
        code: "37",
        name: "Indre-et-Loire",
        region: Some(("24", "Centre-Val de Loire")),
    },
    Departement {
        code: "38",
        name: "Isère",
        region: Some(("84", "Auvergne-Rhône-Alpes")),
    },
    Departement {
        code: "39",
        name: "Jura",
        region: Some(("27", "Bourgogne-Franche-Comté")),
    },
    Departement {
        code: "40",
        name: "Landes",
        region: Some(("75", "Nouvelle-Aquitaine")),
    },
    Departement {
        code: "41",
        name: "Loir-et-Cher",
        region: Some(("24", "Centre-Val de Loire")),
    },
    Departement {
        code: "42",
        name: "Loire",
        region: Some(("84", "Auvergne-Rhône-Alpes")),
    },
    Departement {
        code: "43",
        name: "Haute-Loire",
        region: Some(("84", "Auvergne-Rhône-Alpes")),
    },
    Departement {
        code: "44",
        name: "Loire-Atlantique",
        region: Some(("52", "Pays de la Loire")),
    },
    Departement {
        code: "45",
        name: "Loiret",
        region: Some(("24", "Centre-Val de Loire")),
    },
    Departement {
        code: "46",
        name: "Lot",
        region: Some(("76", "Occitanie")),
    },
    Departement {
        code: "47",
        name: "Lot-et-Garonne",
        region: Some(("75", "Nouvelle-Aquitaine")),
    },
    Departement {
        code: "48",
        name: "Lozère",
        region: Some(("76", "Occitanie")),
    },
    Departement {
        code: "49",
        name: "Maine-et-Loire",
        region: Some(("52", "Pays de la Loire")),
    },
    Departement {
        code: "50",
        name: "Manche",
        region: Some(("28", "Normandie")),
    },
    Departement {
        code: "51",
        name: "Marne",
        region: Some(("44", "Grand Est")),
    },
    Departement {
        code: "52",
        name: "Haute-Marne",
        region: Some(("44", "Grand Est")),
    },
    Departement {
        code: "53",
        name: "Mayenne",
        region: Some(("52", "Pays de la Loire")),
    },
    Departement {
        code: "54",
        name: "Meurthe-et-Moselle",
        region: Some(("44", "Grand Est")),
    },
    Departement {
        code: "55",
        name: "Meuse",
        region: Some(("44", "Grand Est")),
    },
    Departement {
        code: "56",
        name: "Morbihan",
        region: Some(("53", "Bretagne")),
    },
    Departement {
        code: "57",
        name: "Moselle",
        region: Some(("44", "Grand Est")),
    },
    Departement {
        code: "58",
        name: "Nièvre",
        region: Some(("27", "Bourgogne-Franche-Comté")),
    },
    Departement {
        code: "59",
        name: "Nord",
        region: Some(("32", "Hauts-de-France")),
    },
    Departement {
        code: "60",
        name: "Oise",
        region: Some(("32", "Hauts-de-France")),
    },
    Departement {
        code: "61",
        name: "Orne",
        region: Some(("28", "Normandie")),
    },
    Departement {
        code: "62",
        name: "Pas-de-Calais",
        region: Some(("32", "Hauts-de-France")),
    },
    Departement {
        code: "63",
        name: "Puy-de-Dôme",
        region: Some(("84", "Auvergne-Rhône-Alpes")),
    },
    Departement {
        code: "64",
        name: "Pyrénées-Atlantiques",
        region: Some(("75", "Nouvelle-Aquitaine")),
    },
    Departement {
        code: "65",
        name: "Hautes-Pyrénées",
        region: Some(("76", "Occitanie")),
    },
    Departement {
        code: "66",
        name: "Pyrénées-Orientales",
        region: Some(("76", "Occitanie")),
    },
    Departement {
        code: "67",
        name: "Bas-Rhin",
        region: Some(("44", "Grand Est")),
    },
    Departement {
        code: "68",
        name: "Haut-Rhin",
        region: Some(("44", "Grand Est")),
    },
    Departement {
        code: "69",
        name: "Rhône",
        region: Some(("84", "Auvergne-Rhône-Alpes")),
    },
    Departement {
        code: "70",
        name: "Haute-Saône",
        region: Some(("27", "Bourgogne-Franche-Comté")),
    },
    Departement {
        code: "71",
        name: "Saône-et-Loire",
        region: Some(("27", "Bourgogne-Franche-Comté")),
    },
    Departement {
        code: "72",
        name: "Sarthe",
        region: Some(("52", "Pays de la Loire")),
    },
    Departement {
        code: "73",
        name: "Savoie",
        region: Some(("84", "Auvergne-Rhône-Alpes")),
    },
    Departement {
        code: "74",
        name: "Haute-Savoie",
        region: Some(("84", "Auvergne-Rhône-Alpes")),
    },
    Departement {
        code: "75",
        name: "Paris",
        region: Some(("11", "Île-de-France")),
    },
    Departement {
        code: "76",
        name: "Seine-Maritime",
        region: Some(("28", "Normandie")),
    },
    Departement {
        code: "77",
        name: "Seine-et-Marne",
        region: Some(("11", "Île-de-France")),
    },
    Departement {
        code: "78",
        name: "Yvelines",
        region: Some(("11", "Île-de-France")),
    },
    Departement {
        code: "79",
        name: "Deux-Sèvres",
        region: Some(("75", "Nouvelle-Aquitaine")),
    },
    Departement {
        code: "80",
        name: "Somme",
        region: Some(("32", "Hauts-de-France")),
    },
    Departement {
        code: "81",
        name: "Tarn",
        region: Some(("76", "Occitanie")),
    },
    Departement {
        code: "82",
        name: "Tarn-et-Garonne",
        region: Some(("76", "Occitanie")),
    },
    Departement {
        code: "83",
        name: "Var",
        region: Some(("93", "Provence-Alpes-Côte d'Azur")),
    },
    Departement {
        code: "84",
        name: "Vaucluse",
        region: Some(("93", "Provence-Alpes-Côte d'Azur")),
    },
    Departement {
        code: "85",
        name: "Vendée",
        region: Some(("52", "Pays de la Loire")),
    },
    Departement {
        code: "86",
        name: "Vienne",
        region: Some(("75", "Nouvelle-Aquitaine")),
    },
    Departement {
        code: "87",
        name: "Haute-Vienne",
        region: Some(("75", "Nouvelle-Aquitaine")),
    },
    Departement {
        code: "88",
        name: "Vosges",
        region: Some(("44", "Grand Est")),
    },
    Departement {
        code: "89",
        name: "Yonne",
        region: Some(("27", "Bourgogne-Franche-Comté")),
    },
    Departement {
        code: "90",
        name: "Territoire de Belfort",
        region: Some(("27", "Bourgogne-Franche-Comté")),
    },
    Departement {
        code: "91",
        name: "Essonne",
        region: Some(("11", "Île-de-France")),
    },
    Departement {
        code: "92",
        name: "Hauts-de-Seine",
        region: Some(("11", "Île-de-France")),
    },
    Departement {
        code: "93",
        name: "Seine-Saint-Denis",
        region: Some(("11", "Île-de-France")),
    },
    Departement {
        code: "94",
        name: "Val-de-Marne",
        region: Some(("11", "Île-de-France")),
    },
    Departement {
        code: "95",
        name: "Val-d'Oise",
        region: Some(("11", "Île-de-France")),
    },
    Departement {
        code: "971",
        name: "Guadeloupe",
        region: Some(("01", "Guadeloupe")),
    },
    Departement {
        code: "972",
        name: "Martinique",
        region: Some(("02", "Martinique")),
    },
    Departement {
        code: "973",
        name: "Guyane",
        region: Some(("03", "Guyane")),
    },
    Departement {
        code: "974",
        name: "La Réunion",
        region: Some(("04", "La Réunion")),
    },
    Departement {
        code: "975",
        name: "Saint-Pierre-et-Miquelon",
        region: None,
    },
    Departement {
        code: "976",
        name: "Mayotte",
        region: Some(("06", "Mayotte")),
    },
];

/// The département of a canonical code (see [`department`]).
pub fn departement(code: &str) -> Option<&'static Departement> {
    DEPARTEMENTS.iter().find(|d| d.code == code)
}

/// The region (INSEE code) of a département's canonical code.
pub fn region_of(code: &str) -> Option<&'static str> {
    departement(code).and_then(|d| d.region.map(|(r, _)| r))
}

#[cfg(test)]
mod tests {
    #[test]
    fn departements() {
        use super::department;
        assert_eq!(department(" 37 ").as_deref(), Some("37"));
        assert_eq!(department("2a").as_deref(), Some("2A"));
        assert_eq!(department("7").as_deref(), Some("07"));
        assert_eq!(department("971").as_deref(), Some("971"));
        for bad in ["00", "20", "96", "99", "977", "ABC", ""] {
            assert_eq!(department(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_accepted_code_is_named_and_placed() {
        use super::{departement, department, region_of, DEPARTEMENTS};
        for d in &DEPARTEMENTS {
            assert_eq!(department(d.code).as_deref(), Some(d.code));
        }
        for n in (1..=95).chain(971..=976) {
            let code = department(&n.to_string()).or_else(|| (n == 20).then(|| "2A".to_owned()));
            if let Some(code) = code {
                assert!(departement(&code).is_some(), "{code}");
            }
        }
        assert_eq!(departement("45").map(|d| d.name), Some("Loiret"));
        assert_eq!(region_of("45"), Some("24"));
        assert_eq!(region_of("37"), region_of("18"));
        assert_eq!(region_of("2B"), Some("94"));
        assert_eq!(region_of("975"), None);
        let centre = DEPARTEMENTS
            .iter()
            .filter(|d| d.region.map(|r| r.0) == Some("24"))
            .count();
        assert_eq!(centre, 6);
    }
}
