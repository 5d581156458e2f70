//! Dates as printed, in the CV's language, from the ISO partial dates the
//! wallet keeps (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`).

use crate::model::Lang;
use chrono::{Datelike, NaiveDate};

const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date as precise as the wallet knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Partial {
    Year(i32),
    Month(i32, u32),
    Day(NaiveDate),
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (years 1000 to 9999); anything else
/// is `None`.
pub(crate) fn parse(s: &str) -> Option<Partial> {
    let s = s.trim();
    let mut parts = s.split('-');
    let year = number(parts.next()?, 4)?;
    if !(1000..=9999).contains(&year) {
        return None;
    }
    let year = i32::try_from(year).ok()?;
    let Some(month) = parts.next() else {
        return Some(Partial::Year(year));
    };
    let month = number(month, 2)?;
    if !(1..=12).contains(&month) {
        return None;
    }
    let Some(day) = parts.next() else {
        return Some(Partial::Month(year, month));
    };
    if parts.next().is_some() {
        return None;
    }
    let day = NaiveDate::from_ymd_opt(year, month, number(day, 2)?)?;
    Some(Partial::Day(day))
}

/// Exactly `len` ASCII digits.
fn number(s: &str, len: usize) -> Option<u32> {
    if s.len() != len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn month_name(lang: Lang, month: u32) -> &'static str {
    let i = usize::try_from(month.clamp(1, 12) - 1).unwrap_or(0);
    match lang {
        Lang::Fr => MONTHS_FR[i],
        Lang::En => MONTHS_EN[i],
    }
}

/// "7 décembre 2026", "1er mars 2021", "7 December 2026".
pub(crate) fn long_date(lang: Lang, date: NaiveDate) -> String {
    let month = month_name(lang, date.month());
    match (lang, date.day()) {
        (Lang::Fr, 1) => format!("1er {month} {}", date.year()),
        (_, day) => format!("{day} {month} {}", date.year()),
    }
}

/// One partial date as printed: "2019", "mars 2021", "June 2020",
/// "7 mars 2021".
pub(crate) fn format(lang: Lang, date: Partial) -> String {
    match date {
        Partial::Year(y) => y.to_string(),
        Partial::Month(y, m) => format!("{} {y}", month_name(lang, m)),
        Partial::Day(d) => long_date(lang, d),
    }
}

/// The dates of a line: "mars 2021 – aujourd’hui", "2019 – 2021",
/// "June 2020 – present", "2020". Unreadable dates count as missing.
pub(crate) fn range(
    lang: Lang,
    start: Option<&str>,
    end: Option<&str>,
    ongoing: bool,
) -> Option<String> {
    let start = start.and_then(parse).map(|d| format(lang, d));
    let end = end.and_then(parse).map(|d| format(lang, d));
    let now = match lang {
        Lang::Fr => "aujourd’hui",
        Lang::En => "present",
    };
    match (start, end) {
        (Some(s), Some(e)) if s == e => Some(s),
        (Some(s), Some(e)) => Some(format!("{s} – {e}")),
        (Some(s), None) if ongoing => Some(format!("{s} – {now}")),
        (Some(s), None) => Some(s),
        (None, Some(e)) => Some(e),
        (None, None) if ongoing => Some(
            match lang {
                Lang::Fr => "en cours",
                Lang::En => "ongoing",
            }
            .to_owned(),
        ),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parses_partial_dates() {
        assert_eq!(parse("2021"), Some(Partial::Year(2021)));
        assert_eq!(parse("2021-03"), Some(Partial::Month(2021, 3)));
        assert_eq!(parse(" 2021-03-07 "), Some(Partial::Day(d(2021, 3, 7))));
        for bad in [
            "",
            "21",
            "20210",
            "2021-3",
            "2021-13",
            "2021-00",
            "2021-02-30",
            "2021-03-07-1",
            "0999",
            "abcd",
            "2021-ab",
            "+2021",
            "2021-03-7",
            "２０２１",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn formats_in_french() {
        let fr = Lang::Fr;
        assert_eq!(format(fr, Partial::Year(2019)), "2019");
        assert_eq!(format(fr, Partial::Month(2021, 3)), "mars 2021");
        assert_eq!(format(fr, Partial::Month(2021, 8)), "août 2021");
        assert_eq!(format(fr, Partial::Month(2021, 12)), "décembre 2021");
        assert_eq!(format(fr, Partial::Day(d(2021, 3, 7))), "7 mars 2021");
        assert_eq!(format(fr, Partial::Day(d(2021, 3, 1))), "1er mars 2021");
        assert_eq!(long_date(fr, d(2026, 12, 7)), "7 décembre 2026");
    }

    #[test]
    fn formats_in_english() {
        let en = Lang::En;
        assert_eq!(format(en, Partial::Month(2020, 6)), "June 2020");
        assert_eq!(format(en, Partial::Day(d(2021, 3, 1))), "1 March 2021");
        assert_eq!(long_date(en, d(2026, 12, 7)), "7 December 2026");
    }

    #[test]
    fn ranges() {
        let r = |lang, s, e, o| range(lang, s, e, o);
        assert_eq!(
            r(Lang::Fr, Some("2021-03"), None, true).as_deref(),
            Some("mars 2021 – aujourd’hui")
        );
        assert_eq!(
            r(Lang::En, Some("2020-06"), None, true).as_deref(),
            Some("June 2020 – present")
        );
        assert_eq!(
            r(Lang::Fr, Some("2019"), Some("2021"), false).as_deref(),
            Some("2019 – 2021")
        );
        assert_eq!(
            r(Lang::En, Some("2019-09"), Some("2021-06"), false).as_deref(),
            Some("September 2019 – June 2021")
        );
        // An end wins over `ongoing`.
        assert_eq!(
            r(Lang::Fr, Some("2019"), Some("2021"), true).as_deref(),
            Some("2019 – 2021")
        );
        assert_eq!(
            r(Lang::Fr, Some("2019"), None, false).as_deref(),
            Some("2019")
        );
        assert_eq!(
            r(Lang::Fr, None, Some("2019"), false).as_deref(),
            Some("2019")
        );
        assert_eq!(
            r(Lang::Fr, Some("2019"), Some("2019"), false).as_deref(),
            Some("2019")
        );
        assert_eq!(r(Lang::Fr, None, None, false), None);
        assert_eq!(r(Lang::Fr, None, None, true).as_deref(), Some("en cours"));
        assert_eq!(r(Lang::En, None, None, true).as_deref(), Some("ongoing"));
        // Unreadable dates are dropped, not printed.
        assert_eq!(
            r(Lang::Fr, Some("hier"), Some("2021"), false).as_deref(),
            Some("2021")
        );
        assert_eq!(r(Lang::En, Some("#eval"), None, false), None);
    }
}
