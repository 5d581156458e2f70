//! What can go wrong: a JSON-LD error (the specification's own error code),
//! or a limit reached (the document is too complex to check, which is not
//! the same as being invalid).

use std::fmt;

/// Which limit a document went past.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limit {
    /// Remote contexts loaded while processing one document.
    Contexts,
    /// Nesting of context processing (remote, imported and scoped contexts).
    ContextDepth,
    /// Term definitions created while processing one document's contexts.
    TermDefinitions,
    /// JSON text of a context written in the document (bytes).
    InlineContextSize,
    /// Nesting of JSON arrays and objects.
    Depth,
    /// Node objects and values seen by expansion and the node map.
    Nodes,
    /// Quads in the dataset.
    Quads,
    /// Blank nodes in the dataset.
    BlankNodes,
    /// RDFC-1.0 Hash N-Degree Quads work (calls and permutations): the
    /// specification's defence against poison graphs.
    Work,
    /// The wall-clock deadline passed.
    Deadline,
    /// The caller stopped waiting for the answer.
    Cancelled,
}

impl Limit {
    /// A stable name, for logs and reports.
    pub fn name(self) -> &'static str {
        match self {
            Limit::Contexts => "contexts",
            Limit::ContextDepth => "context-depth",
            Limit::TermDefinitions => "term-definitions",
            Limit::InlineContextSize => "inline-context-size",
            Limit::Depth => "depth",
            Limit::Nodes => "nodes",
            Limit::Quads => "quads",
            Limit::BlankNodes => "blank-nodes",
            Limit::Work => "work",
            Limit::Deadline => "deadline",
            Limit::Cancelled => "cancelled",
        }
    }
}

/// Why a document has no canonical form here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The JSON-LD algorithms refuse the document. `code` is the JSON-LD 1.1
    /// error code exactly as the specification spells it (for example
    /// `"invalid term definition"`, `"loading remote context failed"`,
    /// `"protected term redefinition"`), which the W3C test suites compare.
    JsonLd { code: &'static str, detail: String },
    /// A limit was reached: the document may be valid, but checking it would
    /// cost more than allowed.
    TooComplex(Limit),
}

impl Error {
    pub fn json_ld(code: &'static str, detail: impl Into<String>) -> Self {
        Error::JsonLd {
            code,
            detail: detail.into(),
        }
    }

    /// The JSON-LD error code, if this is one.
    pub fn code(&self) -> Option<&'static str> {
        match self {
            Error::JsonLd { code, .. } => Some(code),
            Error::TooComplex(_) => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::JsonLd { code, detail } if detail.is_empty() => write!(f, "{code}"),
            Error::JsonLd { code, detail } => write!(f, "{code}: {detail}"),
            Error::TooComplex(limit) => {
                write!(f, "the document is too complex to check ({})", limit.name())
            }
        }
    }
}

impl std::error::Error for Error {}
