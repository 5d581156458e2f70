//! Identifiers are generated in Rust and stored as TEXT in both databases.

use std::fmt;

/// A new time-ordered identifier (UUID v7), as text.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// An organisation's slug: the last segment of its did:web and URLs.
///
/// 2 to 63 characters, lowercase ASCII letters, digits and single hyphens,
/// starting with a letter and not ending with a hyphen.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Slug(String);

/// Slugs that would clash with platform paths or mislead people.
const RESERVED: &[&str] = &[
    "admin",
    "api",
    "well-known",
    "platform",
    "atout",
    "orgs",
    "static",
    "assets",
    "new",
];

impl Slug {
    pub fn parse(input: &str) -> Result<Self, SlugError> {
        let len = input.chars().count();
        if !(2..=63).contains(&len) {
            return Err(SlugError::Length(len));
        }
        if let Some(c) = input
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Err(SlugError::Character(c));
        }
        if !input.starts_with(|c: char| c.is_ascii_lowercase()) {
            return Err(SlugError::Start);
        }
        if input.ends_with('-') || input.contains("--") {
            return Err(SlugError::Hyphens);
        }
        if RESERVED.contains(&input) {
            return Err(SlugError::Reserved(input.to_owned()));
        }
        Ok(Self(input.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error("a slug has 2 to 63 characters (this one has {0})")]
    Length(usize),
    #[error("a slug may only contain lowercase letters a-z, digits and hyphens (found {0:?})")]
    Character(char),
    #[error("a slug must start with a lowercase letter")]
    Start,
    #[error("a slug may not end with a hyphen or contain two hyphens in a row")]
    Hyphens,
    #[error("the slug {0:?} is reserved")]
    Reserved(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        for ok in ["univ-orleans", "ab", "cfa-centre-val-de-loire-2", "a1"] {
            assert_eq!(Slug::parse(ok).unwrap().as_str(), ok);
        }
        let cases: &[(&str, SlugError)] = &[
            ("a", SlugError::Length(1)),
            (&"a".repeat(64), SlugError::Length(64)),
            ("Univ", SlugError::Character('U')),
            ("univ_orleans", SlugError::Character('_')),
            ("univ/../x", SlugError::Character('/')),
            ("univ%2F", SlugError::Character('%')),
            ("é-univ", SlugError::Character('é')),
            ("1univ", SlugError::Start),
            ("-univ", SlugError::Start),
            ("univ-", SlugError::Hyphens),
            ("univ--x", SlugError::Hyphens),
            ("admin", SlugError::Reserved("admin".into())),
        ];
        for (input, err) in cases {
            assert_eq!(Slug::parse(input).unwrap_err(), *err, "{input}");
        }
    }

    #[test]
    fn ids_are_unique_and_ordered() {
        let a = new_id();
        let b = new_id();
        assert_ne!(a, b);
        assert!(a < b, "UUID v7 ids sort by creation time");
    }
}
