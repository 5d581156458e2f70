//! French and English typography for text from people, and the clean-up
//! every string goes through before it is printed.
//!
//! # French spaces
//!
//! We follow the Imprimerie nationale's rules, as most French publishers do:
//!
//! - a no-break space (U+00A0, full width) before `:`;
//! - a narrow no-break space (U+202F) before `;`, `!` and `?`;
//! - a narrow no-break space inside guillemets: `«\u{202F}mot\u{202F}»`.
//!
//! Colons get the wider space because the Imprimerie nationale asks for a
//! full space there; the narrow one for the others keeps the punctuation
//! close to its word, as in good French print. Both spaces are no-break so
//! the sign never starts a line.
//!
//! A sign gets its space only when it ends a word: it is followed by a
//! space, the end of the text, a closing guillemet or quote, or another of
//! `! ?`. So times (`10:30`), paths (`C:\`), `::`, `a?b` and the inside of
//! URLs are left alone, and words that are URLs or e-mail addresses are
//! skipped whole. Straight quotes are not turned into guillemets: people's
//! text comes out as they typed it.
//!
//! English text gets no such spaces.
//!
//! # Clean-up ([`clean_line`], [`clean_text`])
//!
//! Control characters go; format characters (zero-width joiners, bidi
//! controls, variation selectors…) go; Private Use Area characters and any
//! character that no embedded font covers (emoji, CJK…) become one
//! [`REPLACEMENT`] per run, because a missing glyph makes a PDF/A export
//! fail. Lengths are bounded.

use crate::model::Lang;

/// No-break space (before `:` in French).
pub const NBSP: char = '\u{00A0}';
/// Narrow no-break space (before `; ! ?` and inside « » in French).
pub const NNBSP: char = '\u{202F}';
/// What a character that no embedded font can print becomes (a white
/// square, which every embedded font has).
pub const REPLACEMENT: char = '\u{25A1}';

/// Typography of the CV's language applied to prose.
pub fn prose(lang: Lang, text: &str) -> String {
    match lang {
        Lang::Fr => fr(text),
        Lang::En => text.to_owned(),
    }
}

/// Whether a space-free word is a URL or an e-mail address (left alone).
fn is_link_like(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    if lower.contains("://") || lower.starts_with("www.") || lower.starts_with("mailto:") {
        return true;
    }
    // user@host.tld
    match word.split_once('@') {
        Some((user, host)) => !user.is_empty() && host.contains('.'),
        None => false,
    }
}

/// Horizontal spaces (the ones a French sign's space replaces).
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | NBSP | NNBSP | '\u{2009}')
}

/// French spaces (see the module docs).
pub fn fr(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    // Characters inside URLs and e-mail addresses are left alone.
    let mut protected = vec![false; chars.len()];
    let mut start = 0;
    for i in 0..=chars.len() {
        if i == chars.len() || chars[i].is_whitespace() {
            if i > start {
                let word: String = chars[start..i].iter().collect();
                if is_link_like(&word) {
                    protected[start..i].iter_mut().for_each(|p| *p = true);
                }
            }
            start = i + 1;
        }
    }

    let mut out = String::with_capacity(text.len() + 16);
    let mut after_open_quote = false;
    for (i, &c) in chars.iter().enumerate() {
        if after_open_quote {
            if is_space(c) {
                continue;
            }
            after_open_quote = false;
            if c != '\n' {
                out.push(NNBSP);
            }
        }
        if protected[i] {
            out.push(c);
            continue;
        }
        let prev = if i == 0 { None } else { Some(chars[i - 1]) };
        let next = chars.get(i + 1).copied();
        match c {
            ';' | ':' | '!' | '?' if ends_word(c, next) && !after_sign(prev) => {
                space_before(&mut out, if c == ':' { NBSP } else { NNBSP });
                out.push(c);
            }
            '«' => {
                out.push(c);
                after_open_quote = true;
            }
            '»' => {
                space_before(&mut out, NNBSP);
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Replaces the spaces at the end of `out` with `space`, unless the sign
/// starts the text or a line (then no space at all).
fn space_before(out: &mut String, space: char) {
    while out.ends_with(is_space) {
        out.pop();
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push(space);
    }
}

/// Whether the sign `c` ends a word (so it takes a space before it).
fn ends_word(c: char, next: Option<char>) -> bool {
    match next {
        None => true,
        Some(n) => {
            n.is_whitespace()
                || matches!(n, '»' | '"' | '”' | '’' | '\'')
                || (matches!(c, '!' | '?' | ':' | ';') && matches!(n, '!' | '?'))
        }
    }
}

/// Whether the previous character is itself a sign of `; : ! ?` (the
/// space goes before the first one only: `?!`, and `::` stays as is).
fn after_sign(prev: Option<char>) -> bool {
    matches!(prev, Some(';' | ':' | '!' | '?'))
}

/// Format characters that are dropped silently (they print nothing but
/// would need a glyph): zero-width spaces and joiners, bidi controls,
/// variation selectors, tags, the BOM, soft hyphens.
fn is_dropped_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}'
        | '\u{034F}'
        | '\u{061C}'
        | '\u{115F}'..='\u{1160}'
        | '\u{17B4}'..='\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{3164}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFFB}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}')
}

fn is_private_use(c: char) -> bool {
    matches!(c, '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..='\u{FFFFD}' | '\u{100000}'..='\u{10FFFD}')
}

enum Cleaned {
    Keep(char),
    Drop,
    Replace,
}

/// Clean-up of one character.
fn clean_char(c: char) -> Cleaned {
    if c.is_control() || is_dropped_format(c) {
        return Cleaned::Drop;
    }
    if is_private_use(c) || c == '\u{FFFD}' || !crate::fonts::printable(c) {
        return Cleaned::Replace;
    }
    Cleaned::Keep(c)
}

/// The clean-up, counting what it replaced.
#[derive(Debug, Default)]
pub struct Cleaner {
    /// How many runs of unprintable characters became [`REPLACEMENT`].
    pub replaced: usize,
}

impl Cleaner {
    /// One line: whitespace (newlines and no-break spaces included)
    /// collapses to one space, control and format characters go, a run of
    /// unprintable characters becomes one [`REPLACEMENT`], the result is
    /// trimmed and cut at `max` characters.
    pub fn line(&mut self, text: &str, max: usize) -> String {
        let mut out = String::with_capacity(text.len().min(max.saturating_mul(4)));
        let mut count = 0;
        let mut pending_space = false;
        let mut in_replaced_run = false;
        for c in text.chars() {
            if count >= max {
                break;
            }
            if c.is_whitespace() {
                pending_space = !out.is_empty();
                in_replaced_run = false;
                continue;
            }
            let c = match clean_char(c) {
                Cleaned::Drop => continue,
                Cleaned::Keep(c) => {
                    in_replaced_run = false;
                    c
                }
                Cleaned::Replace => {
                    if in_replaced_run {
                        continue;
                    }
                    in_replaced_run = true;
                    self.replaced += 1;
                    REPLACEMENT
                }
            };
            if pending_space {
                if count + 1 >= max {
                    break;
                }
                out.push(' ');
                count += 1;
                pending_space = false;
            }
            out.push(c);
            count += 1;
        }
        out
    }

    /// Text in paragraphs: like [`Cleaner::line`] within each line; lines
    /// are kept, blank lines between paragraphs become one, cut at `max`
    /// characters.
    pub fn text(&mut self, text: &str, max: usize) -> String {
        let mut out = String::new();
        let mut blank = false;
        let mut count = 0;
        for raw in text.split(['\n', '\u{2028}', '\u{2029}']) {
            if count >= max {
                break;
            }
            let line = self.line(raw, max - count);
            if line.is_empty() {
                blank = !out.is_empty();
                continue;
            }
            if !out.is_empty() {
                out.push_str(if blank { "\n\n" } else { "\n" });
            }
            blank = false;
            count += line.chars().count();
            out.push_str(&line);
        }
        out
    }
}

/// One line, cleaned (see [`Cleaner::line`]).
pub fn clean_line(text: &str, max: usize) -> String {
    Cleaner::default().line(text, max)
}

/// Paragraphs, cleaned (see [`Cleaner::text`]).
pub fn clean_text(text: &str, max: usize) -> String {
    Cleaner::default().text(text, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(s: &str) -> String {
        s.replace(NNBSP, "⍽").replace(NBSP, "~")
    }

    #[test]
    fn french_spaces_before_signs() {
        let cases = [
            ("Pourquoi ?", "Pourquoi⍽?"),
            ("Pourquoi?", "Pourquoi⍽?"),
            ("Attention !", "Attention⍽!"),
            ("Vraiment ?!", "Vraiment⍽?!"),
            ("un ; deux", "un⍽; deux"),
            ("Compétences : Rust, SQL", "Compétences~: Rust, SQL"),
            ("Compétences: Rust", "Compétences~: Rust"),
            ("Compétences  :  Rust", "Compétences~:  Rust"),
            ("Fin.", "Fin."),
            ("a\u{202F}?", "a⍽?"),
            ("a\u{00A0}:", "a~:"),
        ];
        for (input, want) in cases {
            assert_eq!(show(&fr(input)), want, "{input:?}");
        }
    }

    #[test]
    fn french_spaces_left_alone() {
        let cases = [
            "Réunion à 10:30 demain",
            "voir https://atout.example/s/x?a=1&b=2 demain",
            "https://atout.example/path:with:colons",
            "écrire à jeanne.dupont@example.fr",
            "le trait std::fmt en Rust",
            "C:\\Users",
            "a?b",
            "www.example.fr/?q=1",
            "mailto:x@y.fr",
            "",
        ];
        for input in cases {
            assert_eq!(fr(input), input, "{input:?}");
        }
    }

    #[test]
    fn french_sign_at_start_of_text_or_line() {
        assert_eq!(show(&fr("? quoi")), "? quoi");
        assert_eq!(show(&fr("un\n: deux")), "un\n: deux");
        assert_eq!(show(&fr("Hé ! Oh ?")), "Hé⍽! Oh⍽?");
    }

    #[test]
    fn french_guillemets() {
        assert_eq!(show(&fr("il a dit «oui»")), "il a dit «⍽oui⍽»");
        assert_eq!(show(&fr("il a dit « oui »")), "il a dit «⍽oui⍽»");
        assert_eq!(show(&fr("« oui » !")), "«⍽oui⍽»⍽!");
        assert_eq!(show(&fr("«\u{202F}oui\u{202F}»")), "«⍽oui⍽»");
        // Straight quotes stay straight.
        assert_eq!(fr("\"oui\""), "\"oui\"");
        assert_eq!(show(&fr("«oui» ?")), "«⍽oui⍽»⍽?");
    }

    #[test]
    fn french_idempotent() {
        for s in [
            "Pourquoi ? « oui » : non ; si !",
            "10:30 et http://a.b/c?d",
            "Vraiment ?!",
        ] {
            let once = fr(s);
            assert_eq!(fr(&once), once, "{s:?}");
        }
    }

    #[test]
    fn english_unchanged() {
        for s in ["Why? Because: yes; no!", "«oui»", "10:30"] {
            assert_eq!(prose(Lang::En, s), s);
        }
    }

    #[test]
    fn clean_line_drops_controls_and_collapses_spaces() {
        assert_eq!(
            clean_line("  a\tb\n\nc \u{0007}d\u{200B}e  ", 100),
            "a b c de"
        );
        assert_eq!(clean_line("\u{202E}evil\u{202C}", 100), "evil");
        assert_eq!(clean_line("abcdef", 3), "abc");
        assert_eq!(clean_line("", 3), "");
        // Typed no-break spaces are whitespace too: they collapse.
        assert_eq!(clean_line("a\u{00A0}b", 10), "a b");
    }

    #[test]
    fn clean_replaces_unprintable_runs() {
        let mut c = Cleaner::default();
        assert_eq!(c.line("Camille 😀😀 Martin", 100), "Camille □ Martin");
        assert_eq!(c.replaced, 1);
        // An emoji sequence with a joiner and a variation selector: one square.
        assert_eq!(c.line("dev 👩\u{200D}💻\u{FE0F}", 100), "dev □");
        assert_eq!(c.line("王小明", 100), "□");
        assert_eq!(c.line("a\u{E000}b", 100), "a□b");
        assert_eq!(c.line("a\u{FFFD}b", 100), "a□b");
        // The square typed by the person is kept and not counted.
        let before = c.replaced;
        assert_eq!(c.line("a □ b", 100), "a □ b");
        assert_eq!(c.replaced, before);
        // Accents, ligatures and signs the fonts have stay.
        let kept = "Élodie Œuvre « € » – ’ ñ ß Ü ç";
        assert_eq!(c.line(kept, 100), kept);
    }

    #[test]
    fn clean_text_keeps_paragraphs() {
        assert_eq!(clean_text("a\r\nb\n\n\n\nc\n", 100), "a\nb\n\nc");
        assert_eq!(clean_text("\n\n a \n", 100), "a");
        assert_eq!(clean_text("abc\ndef", 4), "abc\nd");
    }
}
