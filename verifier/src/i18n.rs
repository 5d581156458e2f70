//! The verification pages' language and texts.
//!
//! A page's language: `?lang=fr|en`, else the visitor's `Accept-Language`
//! (q-values honoured), else French (see [`choose`]).
//!
//! Every text lives in the translation files (`locales/{fr,en}/verifier.ftl`,
//! keys prefixed `verify-`, plus a few shared ones of `common.ftl`), read
//! through [`atout_web::i18n::Tr`]. The check names, outcome words and check
//! sentences follow conventions the portal's credential page reads too:
//! `verify-check-<kind>`, `verify-outcome-<outcome>`, and
//! `verify-code-<kind>-<code>` when a sentence depends on the check, else
//! `verify-code-<code>`.

use crate::report::{CheckKind, Outcome};

pub use atout_web::i18n::{choose, format_date, format_date_time, from_accept_language, Lang, Tr};

/// A check's name.
pub fn check_name(lang: Lang, kind: CheckKind) -> String {
    lang.tr().get(&format!("verify-check-{}", kind.as_str()))
}

/// An outcome in words (shown next to its icon, so colour is never the
/// only signal).
pub fn outcome_word(lang: Lang, outcome: Outcome) -> String {
    lang.tr().get(match outcome {
        Outcome::Ok => "verify-outcome-ok",
        Outcome::Failed => "verify-outcome-failed",
        Outcome::CouldNotCheck => "verify-outcome-could-not-check",
    })
}

/// The one sentence a check's `code` stands for: `verify-code-<kind>-<code>`,
/// else `verify-code-<code>`; `None` for a code the translation files do
/// not know (the page then shows the engine's English reason).
pub fn check_sentence(lang: Lang, kind: CheckKind, code: &str) -> Option<String> {
    let plain = !code.is_empty()
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !plain {
        return None;
    }
    let tr = lang.tr();
    [
        format!("verify-code-{}-{code}", kind.as_str()),
        format!("verify-code-{code}"),
    ]
    .into_iter()
    .find(|key| tr.has(key))
    .map(|key| tr.get(&key))
}

/// A credential format for people: `data-integrity/eddsa-rdfc-2022` gives
/// "Data Integrity (eddsa-rdfc-2022)", `vc+jwt/EdDSA` "JWT (vc+jwt, EdDSA)".
pub fn format_name(lang: Lang, format: &str) -> String {
    let tr = lang.tr();
    match format.split_once('/') {
        Some(("data-integrity", suite)) => {
            tr.arg("verify-format-data-integrity-suite", "suite", suite)
        }
        Some(("vc+jwt", alg)) => tr.arg("verify-format-vc-jwt", "alg", alg),
        Some(("dc+sd-jwt", alg)) => tr.arg("verify-format-sd-jwt", "alg", alg),
        None if format == "data-integrity" => tr.get("verify-format-data-integrity"),
        _ => format.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    #[test]
    fn the_query_wins_then_accept_language_with_q_values_then_french() {
        assert_eq!(choose(Some("en"), Some("fr")), Lang::En);
        assert_eq!(choose(Some("FR"), Some("en")), Lang::Fr);
        // An unknown ?lang= is ignored.
        assert_eq!(choose(Some("de"), Some("en-GB")), Lang::En);
        assert_eq!(choose(None, None), Lang::Fr);
        assert_eq!(choose(None, Some("")), Lang::Fr);
        assert_eq!(choose(None, Some("de-DE, it")), Lang::Fr);
        for (header, expected) in [
            ("en-US,en;q=0.9", Lang::En),
            ("fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7", Lang::Fr),
            ("fr;q=0.5, en;q=0.8", Lang::En),
            ("en;q=0.5, fr;q=0.8", Lang::Fr),
            ("de, en;q=0.3", Lang::En),
            ("en;q=0, fr;q=0.1", Lang::Fr),
            ("fr;q=0, en;q=0.1", Lang::En),
            // A tie goes to the first listed.
            ("en;q=0.5, fr;q=0.5", Lang::En),
            // `*` stands for a language not named.
            ("en;q=0.2, *;q=0.5", Lang::Fr),
            ("fr;q=0, *", Lang::En),
            ("EN-gb", Lang::En),
            // Only the first q of a tag counts; malformed q means 0.
            ("en;q=2, fr;q=0.4", Lang::Fr),
            ("en;q=0.9999, fr;q=0.4", Lang::Fr),
            ("en;q=1.000, fr", Lang::En),
        ] {
            assert_eq!(from_accept_language(header), Some(expected), "{header}");
        }
        assert_eq!(from_accept_language("en;q=0, fr;q=0"), None);
    }

    #[test]
    fn dates_read_naturally_in_each_language() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert_eq!(
            format_date(Lang::Fr, at("2026-07-03T00:00:00Z")),
            "3 juillet 2026"
        );
        assert_eq!(
            format_date(Lang::En, at("2026-07-03T00:00:00Z")),
            "3 July 2026"
        );
        assert_eq!(
            format_date(Lang::Fr, at("2026-08-01T00:00:00Z")),
            "1er août 2026"
        );
        assert_eq!(
            format_date(Lang::Fr, at("2026-01-15T10:05:00Z")),
            "15 janvier 2026 à 10:05 UTC"
        );
        assert_eq!(
            format_date(Lang::En, at("2026-01-15T10:05:00+02:00")),
            "15 January 2026 at 08:05 UTC"
        );
        assert_eq!(
            format_date_time(Lang::En, at("2026-12-31T23:00:00Z")),
            "31 December 2026 at 23:00 UTC"
        );
    }

    const KINDS: [CheckKind; 12] = [
        CheckKind::Proof,
        CheckKind::IssuerKey,
        CheckKind::ValidityPeriod,
        CheckKind::Revocation,
        CheckKind::Suspension,
        CheckKind::IssuerTrust,
        CheckKind::Schema,
        CheckKind::RelatedResource,
        CheckKind::HolderProof,
        CheckKind::Challenge,
        CheckKind::Domain,
        CheckKind::Credentials,
    ];

    /// The source of every file of the engine (`src/engine/`), read at
    /// test time so that a file added later is scanned too.
    fn engine_source() -> String {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/engine");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("the engine's folder")
            .map(|e| e.expect("an entry of the engine's folder").path())
            .filter(|p| p.extension().is_some_and(|x| x == "rs"))
            .collect();
        files.sort();
        assert!(files.len() >= 10, "engine files: {files:?}");
        files
            .iter()
            .map(|p| std::fs::read_to_string(p).expect("an engine file"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Every code the engine can report has a sentence in both languages:
    /// the engine's string literals in kebab-case are its codes (a few
    /// known non-codes aside).
    #[test]
    fn every_code_of_the_engine_is_translated() {
        let source = engine_source();
        let not_codes = ["data-integrity", "eddsa-rdfc-2022", "ecdsa-rdfc-2019"];
        let mut codes: Vec<&str> = source
            .split('"')
            .skip(1)
            .step_by(2)
            .filter(|s| {
                s.contains('-')
                    && !s.starts_with('-')
                    && !s.ends_with('-')
                    && s.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            })
            .filter(|s| !not_codes.contains(s))
            .collect();
        codes.extend(["revoked", "suspended", "expired", "accredited", "matches"]);
        codes.sort_unstable();
        codes.dedup();
        assert!(codes.len() > 40, "found only {codes:?}");
        for code in codes {
            let mut translated = false;
            for kind in KINDS {
                let fr = check_sentence(Lang::Fr, kind, code);
                let en = check_sentence(Lang::En, kind, code);
                assert_eq!(fr.is_some(), en.is_some(), "{code:?} in one language only");
                assert!(
                    fr.is_none() || fr != en,
                    "{code}: the same in both languages"
                );
                translated |= fr.is_some();
            }
            assert!(translated, "no sentence for {code:?}");
        }
        assert_eq!(
            check_sentence(Lang::En, CheckKind::Proof, "no-such-code"),
            None
        );
        // Not a key at all (an attribute, a message of another area).
        assert_eq!(check_sentence(Lang::En, CheckKind::Proof, "x.y"), None);
        assert_eq!(check_sentence(Lang::En, CheckKind::Proof, ""), None);
        // Status codes shared by revocation and suspension say which.
        assert_ne!(
            check_sentence(Lang::Fr, CheckKind::Revocation, "status-clear"),
            check_sentence(Lang::Fr, CheckKind::Suspension, "status-clear")
        );
        assert_eq!(
            check_sentence(Lang::En, CheckKind::Revocation, "status-clear").as_deref(),
            Some("The credential has not been revoked.")
        );
        // A code shared by several checks: the same sentence (a reference).
        assert_eq!(
            check_sentence(Lang::Fr, CheckKind::Domain, "domain-mismatch"),
            check_sentence(Lang::Fr, CheckKind::Challenge, "challenge-mismatch")
        );
        assert_eq!(
            check_sentence(Lang::En, CheckKind::Proof, "unsupported-proof-type").as_deref(),
            Some("This kind of signature is not supported by this verifier.")
        );
    }

    /// Every check and outcome has a name in both languages, under the keys
    /// the portal reads too.
    #[test]
    fn every_check_and_outcome_is_named() {
        for lang in [Lang::Fr, Lang::En] {
            for kind in KINDS {
                assert!(
                    lang.tr().has(&format!("verify-check-{}", kind.as_str())),
                    "{kind:?}"
                );
            }
            for outcome in [Outcome::Ok, Outcome::Failed, Outcome::CouldNotCheck] {
                let key = format!(
                    "verify-outcome-{}",
                    serde_json::to_value(outcome).unwrap().as_str().unwrap()
                );
                assert!(lang.tr().has(&key), "{key}");
            }
        }
        assert_eq!(
            check_name(Lang::Fr, CheckKind::IssuerKey),
            "Clé de l’émetteur"
        );
        assert_eq!(check_name(Lang::En, CheckKind::IssuerKey), "Issuer’s key");
        assert_eq!(outcome_word(Lang::Fr, Outcome::Ok), "Réussi");
        assert_eq!(
            outcome_word(Lang::En, Outcome::CouldNotCheck),
            "Could not check"
        );
    }

    /// Every message the pages ask for by name (in their templates and
    /// handlers) exists in both languages.
    #[test]
    fn every_message_the_pages_ask_for_exists() {
        let sources = [
            include_str!("page.rs"),
            include_str!("page/share.rs"),
            include_str!("../templates/verify_base.html"),
            include_str!("../templates/verify_form.html"),
            include_str!("../templates/verify_result.html"),
            include_str!("../templates/verify_credential.html"),
            include_str!("../templates/verify_message.html"),
            include_str!("../templates/presentation_page.html"),
            include_str!("../templates/share_page.html"),
            include_str!("../templates/share_pin.html"),
            include_str!("../templates/share_credentials.html"),
        ];
        let mut asked = 0;
        for source in sources {
            // A key is a literal: `"verify-…"`, or any `t("…")` call.
            let literals = source
                .match_indices("\"verify-")
                .map(|(at, _)| at + 1)
                .chain(source.match_indices("t(\"").map(|(at, _)| at + 3));
            for at in literals {
                let key = source[at..].split('"').next().unwrap_or("");
                let plain = !key.is_empty()
                    && !key.ends_with('-')
                    && key
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
                if !plain {
                    continue;
                }
                asked += 1;
                for lang in [Lang::Fr, Lang::En] {
                    assert!(lang.tr().has(key), "{key} missing in {lang:?}");
                }
            }
        }
        assert!(asked > 80, "found only {asked} keys");
        // The trust groups of a share's page.
        for trust in ["certified", "endorsed", "declared"] {
            for key in [
                format!("verify-share-section-{trust}"),
                format!("verify-share-{trust}-note"),
                format!("state-{trust}"),
            ] {
                for lang in [Lang::Fr, Lang::En] {
                    assert!(lang.tr().has(&key), "{key}");
                }
            }
        }
        // The entry kinds a share shows.
        for kind in [
            "experience",
            "education",
            "skill",
            "language",
            "project",
            "interest",
        ] {
            for lang in [Lang::Fr, Lang::En] {
                assert!(lang.tr().has(&format!("verify-share-kind-{kind}")));
            }
        }
    }

    #[test]
    fn formats_are_named_for_people() {
        for lang in [Lang::Fr, Lang::En] {
            assert_eq!(
                format_name(lang, "data-integrity/eddsa-rdfc-2022"),
                "Data Integrity (eddsa-rdfc-2022)"
            );
            assert_eq!(format_name(lang, "vc+jwt/ES256"), "JWT (vc+jwt, ES256)");
            assert_eq!(
                format_name(lang, "dc+sd-jwt/EdDSA"),
                "SD-JWT VC (dc+sd-jwt, EdDSA)"
            );
            assert_eq!(format_name(lang, "data-integrity"), "Data Integrity");
            assert_eq!(format_name(lang, "other"), "other");
        }
    }
}
