//! Text folding shared by labels and queries, so that a query matches a
//! label whatever its accents, case, ligatures or punctuation:
//! `« Développeur / Développeuse d'œuvres »` folds to
//! `developpeur developpeuse d oeuvres`.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Folds `s` for comparison: compatibility decomposition (NFKD), combining
/// marks dropped, lower case, `œ`→`oe`, `æ`→`ae`, `ß`→`ss` (and a few
/// letters NFKD does not decompose, such as `ø` and `ł`), every character
/// that is not a letter or a digit turned into a space, runs of spaces
/// collapsed, and the ends trimmed.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // True when the last thing pushed was a space (or nothing yet): gives
    // collapsing and trimming at the start for free.
    let mut after_space = true;
    fn push(out: &mut String, c: char, after_space: &mut bool) {
        if c == ' ' {
            if !*after_space {
                out.push(' ');
                *after_space = true;
            }
        } else {
            out.push(c);
            *after_space = false;
        }
    }
    for c in s.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        // `to_lowercase` may yield several characters (and, for `İ`, a
        // combining dot that must be dropped as well).
        for l in c.to_lowercase() {
            if is_combining_mark(l) {
                continue;
            }
            match l {
                'œ' => {
                    push(&mut out, 'o', &mut after_space);
                    push(&mut out, 'e', &mut after_space);
                }
                'æ' => {
                    push(&mut out, 'a', &mut after_space);
                    push(&mut out, 'e', &mut after_space);
                }
                'ß' => {
                    push(&mut out, 's', &mut after_space);
                    push(&mut out, 's', &mut after_space);
                }
                'ø' => push(&mut out, 'o', &mut after_space),
                'ł' => push(&mut out, 'l', &mut after_space),
                'đ' | 'ð' => push(&mut out, 'd', &mut after_space),
                'ı' => push(&mut out, 'i', &mut after_space),
                'þ' => {
                    push(&mut out, 't', &mut after_space);
                    push(&mut out, 'h', &mut after_space);
                }
                c if c.is_alphanumeric() => push(&mut out, c, &mut after_space),
                // Apostrophes, hyphens, slashes, punctuation, symbols,
                // emoji, whitespace and control characters all separate
                // words.
                _ => push(&mut out, ' ', &mut after_space),
            }
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The words of a string already folded by [`fold`].
pub fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded.split(' ').filter(|w| !w.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_case_and_ligatures() {
        assert_eq!(fold("Développeur Web"), "developpeur web");
        assert_eq!(fold("  CHEF   d'ŒUVRE  "), "chef d oeuvre");
        assert_eq!(fold("Ex-æquo"), "ex aequo");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Bûcheron / Bûcheronne"), "bucheron bucheronne");
        assert_eq!(fold("aide-soignant(e)…"), "aide soignant e");
        assert_eq!(fold("ﬁchier"), "fichier");
        assert_eq!(fold("İstanbul"), "istanbul");
        assert_eq!(fold("Søren Łódź"), "soren lodz");
        assert_eq!(fold("C++ / C#"), "c c");
        assert_eq!(fold("ICT-security\tadmin\n"), "ict security admin");
    }

    #[test]
    fn decomposed_and_composed_forms_fold_alike() {
        let nfd = "De\u{301}veloppeur";
        assert_eq!(fold(nfd), fold("Développeur"));
    }

    #[test]
    fn empty_and_punctuation_only() {
        assert_eq!(fold(""), "");
        assert_eq!(fold(" -/'’ !?"), "");
        assert_eq!(fold("😀🎉"), "");
        assert_eq!(words("").count(), 0);
    }

    #[test]
    fn words_split_on_single_spaces() {
        let f = fold("Agent / Agente d'entretien");
        assert_eq!(
            words(&f).collect::<Vec<_>>(),
            ["agent", "agente", "d", "entretien"]
        );
    }
}
