//! The fonts embedded in the binary (only these: see `cv/NOTICE`), parsed
//! once, and which characters they can print.

use std::sync::LazyLock;
use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

/// Every embedded font file, with its name (for tests and the NOTICE).
pub(crate) const FILES: [(&str, &[u8]); 6] = [
    (
        "LibertinusSerif-Regular.otf",
        include_bytes!("../fonts/LibertinusSerif-Regular.otf"),
    ),
    (
        "LibertinusSerif-Italic.otf",
        include_bytes!("../fonts/LibertinusSerif-Italic.otf"),
    ),
    (
        "LibertinusSerif-Bold.otf",
        include_bytes!("../fonts/LibertinusSerif-Bold.otf"),
    ),
    (
        "Inter-Regular.otf",
        include_bytes!("../fonts/Inter-Regular.otf"),
    ),
    (
        "Inter-Italic.otf",
        include_bytes!("../fonts/Inter-Italic.otf"),
    ),
    (
        "Inter-SemiBold.otf",
        include_bytes!("../fonts/Inter-SemiBold.otf"),
    ),
];

pub(crate) struct Fonts {
    pub fonts: Vec<Font>,
    pub book: LazyHash<FontBook>,
    /// Code points at least one font covers, sorted, without duplicates.
    covered: Vec<u32>,
}

pub(crate) static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = FILES
        .iter()
        .flat_map(|(_, data)| Font::iter(Bytes::new(*data)))
        .collect();
    let book = LazyHash::new(FontBook::from_fonts(&fonts));
    let mut covered: Vec<u32> = fonts
        .iter()
        .flat_map(|font| font.info().coverage.iter())
        .collect();
    covered.sort_unstable();
    covered.dedup();
    Fonts {
        fonts,
        book,
        covered,
    }
});

/// Whether some embedded font has a glyph for `c` (typst falls back
/// through every font of the book, so one is enough).
pub(crate) fn printable(c: char) -> bool {
    // Fast path: printable ASCII is in every font.
    if (' '..='~').contains(&c) {
        return true;
    }
    FONTS.covered.binary_search(&u32::from(c)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_font_loads() {
        assert_eq!(FONTS.fonts.len(), FILES.len());
        let families: Vec<&str> = FONTS
            .fonts
            .iter()
            .map(|f| f.info().family.as_str())
            .collect();
        assert!(families.contains(&"Libertinus Serif"), "{families:?}");
        assert!(families.contains(&"Inter"), "{families:?}");
    }

    #[test]
    fn every_font_has_the_french_signs_and_the_replacement() {
        let needed = [
            '\u{00A0}',
            '\u{202F}',
            'œ',
            'Œ',
            '«',
            '»',
            '€',
            '’',
            '–',
            '—',
            '…',
            'é',
            'È',
            'Ç',
            'ç',
            'Ÿ',
            'æ',
            '·',
            crate::typo::REPLACEMENT,
        ];
        for font in &FONTS.fonts {
            for c in needed {
                assert!(
                    font.info().coverage.contains(u32::from(c)),
                    "{} lacks U+{:04X} {c}",
                    font.info().family,
                    u32::from(c)
                );
            }
        }
    }

    #[test]
    fn emoji_and_cjk_are_not_printable() {
        assert!(!printable('😀'));
        assert!(!printable('王'));
        assert!(printable('é'));
        assert!(printable('\u{202F}'));
    }
}
