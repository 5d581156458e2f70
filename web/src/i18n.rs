//! Languages and translations, shared by every page.
//!
//! A page's language: `?lang=fr|en`, else the `atout_lang` cookie (set by
//! the switch on pages with a session), else the visitor's
//! `Accept-Language` (q-values honoured), else French.
//!
//! Every text a page shows lives in the translation files
//! (`locales/fr/*.ftl`, `locales/en/*.ftl`, Project Fluent syntax), compiled
//! into the binary. A test checks that both languages define the same
//! messages and that every message a template or a handler asks for exists.

use chrono::{DateTime, Datelike, Timelike, Utc};
use fluent_bundle::{concurrent::FluentBundle, FluentArgs, FluentResource, FluentValue};
use std::sync::LazyLock;

/// A page language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    /// The BCP 47 code, for `lang` attributes and `?lang=`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Fr => Lang::En,
            Lang::En => Lang::Fr,
        }
    }

    pub fn parse(text: &str) -> Option<Lang> {
        match text.trim().to_ascii_lowercase().as_str() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks `[French, English]`.
    pub fn pick<T: Copy>(self, pair: [T; 2]) -> T {
        match self {
            Lang::Fr => pair[0],
            Lang::En => pair[1],
        }
    }
}

/// The page language: `?lang=` when it names French or English, else the
/// best of French and English in `Accept-Language`, else French.
pub fn choose(query_lang: Option<&str>, accept_language: Option<&str>) -> Lang {
    if let Some(lang) = query_lang.and_then(Lang::parse) {
        return lang;
    }
    accept_language
        .and_then(from_accept_language)
        .unwrap_or(Lang::Fr)
}

/// The preferred of French and English in an `Accept-Language` header
/// (RFC 9110 §12.5.4): the highest q wins, the first listed on a tie;
/// `q=0` means "not this one"; `*` stands for any language not named.
pub fn from_accept_language(header: &str) -> Option<Lang> {
    let mut best: Option<(u16, Lang)> = None;
    let mut named = [false, false];
    let mut star: Option<u16> = None;
    for item in header.split(',').take(32) {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let mut q = 1000u16;
        for param in parts {
            let param = param.trim();
            if let Some(value) = param
                .strip_prefix("q=")
                .or_else(|| param.strip_prefix("Q="))
            {
                q = parse_q(value).unwrap_or(0);
            }
        }
        if tag == "*" {
            star = star.or(Some(q));
            continue;
        }
        let primary = tag.split('-').next().unwrap_or("");
        let Some(lang) = Lang::parse(primary) else {
            continue;
        };
        let slot = usize::from(lang == Lang::En);
        if named[slot] {
            continue;
        }
        named[slot] = true;
        if q > 0 && best.is_none_or(|(b, _)| q > b) {
            best = Some((q, lang));
        }
    }
    if let Some(q) = star.filter(|q| *q > 0) {
        // `*` covers a language the header does not name: French first.
        for lang in [Lang::Fr, Lang::En] {
            let slot = usize::from(lang == Lang::En);
            if !named[slot] && best.is_none_or(|(b, _)| q > b) {
                best = Some((q, lang));
            }
        }
    }
    best.map(|(_, lang)| lang)
}

/// A qvalue (`0`, `0.8`, `1.000`) in thousandths.
fn parse_q(text: &str) -> Option<u16> {
    let text = text.trim();
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut thousandths: u16 = match int {
        "0" => 0,
        "1" => 1000,
        _ => return None,
    };
    for (i, digit) in frac.bytes().enumerate() {
        thousandths += u16::from(digit - b'0') * [100, 10, 1][i];
    }
    (thousandths <= 1000).then_some(thousandths)
}

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

/// A date for people: "3 juillet 2026" / "3 July 2026" ("1er" in French),
/// with the time in UTC when it is not midnight.
pub fn format_date(lang: Lang, at: DateTime<Utc>) -> String {
    let month = (at.month0() as usize).min(11);
    let day = match (lang, at.day()) {
        (Lang::Fr, 1) => "1er".to_owned(),
        (_, d) => d.to_string(),
    };
    let date = match lang {
        Lang::Fr => format!("{day} {} {}", MONTHS_FR[month], at.year()),
        Lang::En => format!("{day} {} {}", MONTHS_EN[month], at.year()),
    };
    if at.num_seconds_from_midnight() == 0 {
        date
    } else {
        format_date_time(lang, at)
    }
}

/// A date and time for people, in UTC: "3 juillet 2026 à 14:05 UTC".
pub fn format_date_time(lang: Lang, at: DateTime<Utc>) -> String {
    let month = (at.month0() as usize).min(11);
    match lang {
        Lang::Fr => {
            let day = if at.day() == 1 {
                "1er".to_owned()
            } else {
                at.day().to_string()
            };
            format!(
                "{day} {} {} à {:02}:{:02} UTC",
                MONTHS_FR[month],
                at.year(),
                at.hour(),
                at.minute()
            )
        }
        Lang::En => format!(
            "{} {} {} at {:02}:{:02} UTC",
            at.day(),
            MONTHS_EN[month],
            at.year(),
            at.hour(),
            at.minute()
        ),
    }
}

/// A Paris local date and time for people: "15 mars 2027 à 14:00" /
/// "15 March 2027 at 14:00" (events: people read the region's time).
pub fn format_paris(lang: Lang, at: DateTime<Utc>) -> String {
    let local = crate::paris::local(at);
    let month = (local.month0() as usize).min(11);
    match lang {
        Lang::Fr => {
            let day = if local.day() == 1 {
                "1er".to_owned()
            } else {
                local.day().to_string()
            };
            format!(
                "{day} {} {} à {:02}:{:02}",
                MONTHS_FR[month],
                local.year(),
                local.hour(),
                local.minute()
            )
        }
        Lang::En => format!(
            "{} {} {} at {:02}:{:02}",
            local.day(),
            MONTHS_EN[month],
            local.year(),
            local.hour(),
            local.minute()
        ),
    }
}

/// An event's span in Paris time: "15 mars 2027 à 14:00 – 17:00" on one
/// day, else both ends in full.
pub fn format_paris_span(lang: Lang, start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    let (s, e) = (crate::paris::local(start), crate::paris::local(end));
    if s.date() == e.date() {
        format!(
            "{} – {:02}:{:02}",
            format_paris(lang, start),
            e.hour(),
            e.minute()
        )
    } else {
        format!(
            "{} – {}",
            format_paris(lang, start),
            format_paris(lang, end)
        )
    }
}

/// A file's size for people: "12 KiB" / "12 Kio", "1.5 MiB" / "1,5 Mio".
pub fn file_size(lang: Lang, bytes: i64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    let b = bytes.max(0) as f64;
    if b >= MIB {
        let n = format!("{:.1}", b / MIB);
        let n = if lang == Lang::Fr {
            n.replace('.', ",")
        } else {
            n
        };
        lang.tr().arg("size-mib", "n", n)
    } else {
        let n = format!("{:.0}", (b / 1024.0).ceil());
        lang.tr().arg("size-kib", "n", n)
    }
}

/// The translation files, by language: (file name, text).
pub const FILES: [(&str, [&str; 2]); 11] = [
    (
        "common.ftl",
        [
            include_str!("../../locales/fr/common.ftl"),
            include_str!("../../locales/en/common.ftl"),
        ],
    ),
    (
        "portal.ftl",
        [
            include_str!("../../locales/fr/portal.ftl"),
            include_str!("../../locales/en/portal.ftl"),
        ],
    ),
    (
        "careers.ftl",
        [
            include_str!("../../locales/fr/careers.ftl"),
            include_str!("../../locales/en/careers.ftl"),
        ],
    ),
    (
        "frameworks.ftl",
        [
            include_str!("../../locales/fr/frameworks.ftl"),
            include_str!("../../locales/en/frameworks.ftl"),
        ],
    ),
    (
        "social.ftl",
        [
            include_str!("../../locales/fr/social.ftl"),
            include_str!("../../locales/en/social.ftl"),
        ],
    ),
    (
        "verifier.ftl",
        [
            include_str!("../../locales/fr/verifier.ftl"),
            include_str!("../../locales/en/verifier.ftl"),
        ],
    ),
    (
        "console.ftl",
        [
            include_str!("../../locales/fr/console.ftl"),
            include_str!("../../locales/en/console.ftl"),
        ],
    ),
    (
        "events.ftl",
        [
            include_str!("../../locales/fr/events.ftl"),
            include_str!("../../locales/en/events.ftl"),
        ],
    ),
    (
        "news.ftl",
        [
            include_str!("../../locales/fr/news.ftl"),
            include_str!("../../locales/en/news.ftl"),
        ],
    ),
    (
        "notifications.ftl",
        [
            include_str!("../../locales/fr/notifications.ftl"),
            include_str!("../../locales/en/notifications.ftl"),
        ],
    ),
    (
        "agenda.ftl",
        [
            include_str!("../../locales/fr/agenda.ftl"),
            include_str!("../../locales/en/agenda.ftl"),
        ],
    ),
];

/// One language's messages.
pub struct Tr {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Tr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tr").field("lang", &self.lang).finish()
    }
}

fn bundle(lang: Lang) -> Tr {
    let id: unic_langid::LanguageIdentifier = lang.code().parse().expect("fr and en are valid");
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around values: the pages are LTR only.
    bundle.set_use_isolating(false);
    let slot = usize::from(lang == Lang::En);
    for (name, texts) in FILES {
        let resource = FluentResource::try_new(texts[slot].to_owned())
            .unwrap_or_else(|(_, errors)| panic!("locales/{}/{name}: {errors:?}", lang.code()));
        bundle
            .add_resource(resource)
            .unwrap_or_else(|errors| panic!("locales/{}/{name}: {errors:?}", lang.code()));
    }
    Tr { lang, bundle }
}

static FR: LazyLock<Tr> = LazyLock::new(|| bundle(Lang::Fr));
static EN: LazyLock<Tr> = LazyLock::new(|| bundle(Lang::En));

impl Lang {
    /// This language's messages.
    pub fn tr(self) -> &'static Tr {
        match self {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }
}

/// An argument of a message.
pub enum Arg<'a> {
    Text(&'a str),
    Owned(String),
    Number(i64),
}

impl From<String> for Arg<'_> {
    fn from(value: String) -> Self {
        Arg::Owned(value)
    }
}

impl From<i32> for Arg<'_> {
    fn from(value: i32) -> Self {
        Arg::Number(i64::from(value))
    }
}

impl From<&usize> for Arg<'_> {
    fn from(value: &usize) -> Self {
        Arg::from(*value)
    }
}

impl From<&i64> for Arg<'_> {
    fn from(value: &i64) -> Self {
        Arg::Number(*value)
    }
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(value: &'a str) -> Self {
        Arg::Text(value)
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(value: &'a String) -> Self {
        Arg::Text(value)
    }
}

impl From<i64> for Arg<'_> {
    fn from(value: i64) -> Self {
        Arg::Number(value)
    }
}

impl From<usize> for Arg<'_> {
    fn from(value: usize) -> Self {
        Arg::Number(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

impl Tr {
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Whether the message exists.
    pub fn has(&self, key: &str) -> bool {
        let (id, attr) = split_key(key);
        match self.bundle.get_message(id) {
            Some(m) => match attr {
                Some(a) => m.get_attribute(a).is_some(),
                None => m.value().is_some(),
            },
            None => false,
        }
    }

    /// The message `key` (or `key.attribute`). A missing message shows its
    /// key (and is logged): the tests make sure none is missing.
    pub fn get(&self, key: &str) -> String {
        self.format(key, None)
    }

    /// The message with arguments.
    pub fn with(&self, key: &str, args: &[(&str, Arg<'_>)]) -> String {
        let mut fluent = FluentArgs::new();
        for (name, value) in args {
            match value {
                Arg::Text(t) => fluent.set(*name, FluentValue::from(*t)),
                Arg::Owned(t) => fluent.set(*name, FluentValue::from(t.as_str())),
                Arg::Number(n) => fluent.set(*name, FluentValue::from(*n)),
            }
        }
        self.format(key, Some(&fluent))
    }

    /// One argument, the common case: `t.arg("shares-count", "count", 3)`.
    pub fn arg<'a>(&self, key: &str, name: &str, value: impl Into<Arg<'a>>) -> String {
        self.with(key, &[(name, value.into())])
    }

    fn format(&self, key: &str, args: Option<&FluentArgs<'_>>) -> String {
        let (id, attr) = split_key(key);
        let pattern = self.bundle.get_message(id).and_then(|m| match attr {
            Some(a) => m.get_attribute(a).map(|a| a.value()),
            None => m.value(),
        });
        let Some(pattern) = pattern else {
            tracing::error!(key, lang = self.lang.code(), "missing translation");
            return key.to_owned();
        };
        let mut errors = Vec::new();
        let text = self.bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::error!(key, ?errors, "translation arguments");
        }
        text.into_owned()
    }

    /// Every message id of this language (for the tests).
    pub fn ids(&self) -> Vec<String> {
        let slot = usize::from(self.lang == Lang::En);
        let mut ids = Vec::new();
        for (_, texts) in FILES {
            let resource =
                FluentResource::try_new(texts[slot].to_owned()).unwrap_or_else(|(r, _)| r);
            for entry in resource.entries() {
                if let fluent_syntax::ast::Entry::Message(m) = entry {
                    ids.push(m.id.name.to_owned());
                    for a in &m.attributes {
                        ids.push(format!("{}.{}", m.id.name, a.id.name));
                    }
                }
            }
        }
        ids
    }
}

fn split_key(key: &str) -> (&str, Option<&str>) {
    match key.split_once('.') {
        Some((id, attr)) => (id, Some(attr)),
        None => (key, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn both_languages_define_the_same_messages() {
        let fr: BTreeSet<String> = Lang::Fr.tr().ids().into_iter().collect();
        let en: BTreeSet<String> = Lang::En.tr().ids().into_iter().collect();
        assert!(fr.len() > 20, "{}", fr.len());
        let only_fr: Vec<_> = fr.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&fr).collect();
        assert!(only_fr.is_empty(), "only in French: {only_fr:?}");
        assert!(only_en.is_empty(), "only in English: {only_en:?}");
        // Parsing reported no error (a broken entry would be dropped).
        for (name, texts) in FILES {
            for text in texts {
                if let Err((_, errors)) = FluentResource::try_new(text.to_owned()) {
                    panic!("{name}: {errors:?}");
                }
            }
        }
    }

    #[test]
    fn arguments_and_missing_keys() {
        let fr = Lang::Fr.tr();
        assert_eq!(fr.get("no-such-message-here"), "no-such-message-here");
        assert!(!fr.has("no-such-message-here"));
        assert!(fr.has("site-name"));
        assert_eq!(fr.get("site-name"), "Atout");
    }

    #[test]
    fn the_query_wins_then_accept_language_then_french() {
        assert_eq!(choose(Some("en"), Some("fr")), Lang::En);
        assert_eq!(choose(Some("xx"), Some("en-GB,fr;q=0.5")), Lang::En);
        assert_eq!(choose(None, Some("de, en;q=0.4, fr;q=0.6")), Lang::Fr);
        assert_eq!(choose(None, Some("fr;q=0, *")), Lang::En);
        assert_eq!(choose(None, None), Lang::Fr);
    }
}
