//! Bounds on the work one document may cause. Every stage (context
//! processing, expansion, the node map, toRdf, RDFC-1.0) charges the same
//! [`Budget`], so no input, however built, costs more than the limits allow.

use crate::error::{Error, Limit};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// The limits for one document. [`Limits::default`] suits credentials and
/// presentations (a diploma is about 30 quads, 3 contexts); the W3C test
/// runners use the same defaults, so they hold for every test the suites
/// have.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Remote contexts loaded (from the bundled documents) per document.
    pub max_contexts: usize,
    /// Nesting of context processing.
    pub max_context_depth: usize,
    /// Term definitions created per document (cached contexts cost nothing).
    pub max_term_definitions: usize,
    /// Bytes of JSON text of one context written in the document.
    pub max_inline_context: usize,
    /// Nesting of JSON arrays and objects.
    pub max_depth: usize,
    /// Node objects and values.
    pub max_nodes: usize,
    /// Quads in the dataset.
    pub max_quads: usize,
    /// Blank nodes in the dataset.
    pub max_blank_nodes: usize,
    /// RDFC-1.0 Hash N-Degree Quads work (each call and each permutation
    /// counts one).
    pub max_work: u64,
    /// When to give up, whatever the counts.
    pub deadline: Option<Instant>,
    /// Raised by the caller when nobody waits for the answer any more (the
    /// request was dropped): the work stops at the next clock reading.
    pub cancel: Option<Arc<AtomicBool>>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_contexts: 32,
            max_context_depth: 32,
            max_term_definitions: 10_000,
            max_inline_context: 64 * 1024,
            max_depth: 64,
            max_nodes: 20_000,
            max_quads: 20_000,
            max_blank_nodes: 4_096,
            max_work: 20_000,
            deadline: None,
            cancel: None,
        }
    }
}

/// How often (in charges) the deadline is read from the clock.
const CLOCK_EVERY: u32 = 256;

/// The work done so far on one document, against its [`Limits`].
#[derive(Debug)]
pub struct Budget {
    pub limits: Limits,
    contexts: usize,
    term_definitions: usize,
    nodes: usize,
    work: u64,
    ticks: u32,
}

impl Budget {
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            contexts: 0,
            term_definitions: 0,
            nodes: 0,
            work: 0,
            ticks: 0,
        }
    }

    /// Reads the clock now and then (every call is cheap).
    pub fn tick(&mut self) -> Result<(), Error> {
        self.ticks += 1;
        if self.ticks >= CLOCK_EVERY {
            self.ticks = 0;
            self.check_deadline()?;
        }
        Ok(())
    }

    /// Reads the clock (and the cancellation flag) now.
    pub fn check_deadline(&self) -> Result<(), Error> {
        if let Some(cancel) = &self.limits.cancel {
            if cancel.load(Ordering::Relaxed) {
                return Err(Error::TooComplex(Limit::Cancelled));
            }
        }
        match self.limits.deadline {
            Some(deadline) if Instant::now() >= deadline => Err(Error::TooComplex(Limit::Deadline)),
            _ => Ok(()),
        }
    }

    /// One remote context loaded.
    pub fn context_loaded(&mut self) -> Result<(), Error> {
        self.contexts += 1;
        self.tick()?;
        if self.contexts > self.limits.max_contexts {
            return Err(Error::TooComplex(Limit::Contexts));
        }
        Ok(())
    }

    /// Context processing entered at nesting `depth`.
    pub fn context_depth(&self, depth: usize) -> Result<(), Error> {
        if depth > self.limits.max_context_depth {
            return Err(Error::TooComplex(Limit::ContextDepth));
        }
        Ok(())
    }

    /// One term definition created.
    pub fn term_defined(&mut self) -> Result<(), Error> {
        self.term_definitions += 1;
        self.tick()?;
        if self.term_definitions > self.limits.max_term_definitions {
            return Err(Error::TooComplex(Limit::TermDefinitions));
        }
        Ok(())
    }

    /// A context of `len` bytes of JSON text written in the document.
    pub fn inline_context(&self, len: usize) -> Result<(), Error> {
        if len > self.limits.max_inline_context {
            return Err(Error::TooComplex(Limit::InlineContextSize));
        }
        Ok(())
    }

    /// JSON nesting `depth` reached.
    pub fn depth(&self, depth: usize) -> Result<(), Error> {
        if depth > self.limits.max_depth {
            return Err(Error::TooComplex(Limit::Depth));
        }
        Ok(())
    }

    /// One node object or value seen.
    pub fn node(&mut self) -> Result<(), Error> {
        self.nodes += 1;
        self.tick()?;
        if self.nodes > self.limits.max_nodes {
            return Err(Error::TooComplex(Limit::Nodes));
        }
        Ok(())
    }

    /// The dataset has `quads` quads and `blank_nodes` blank nodes.
    pub fn dataset(&self, quads: usize, blank_nodes: usize) -> Result<(), Error> {
        if quads > self.limits.max_quads {
            return Err(Error::TooComplex(Limit::Quads));
        }
        if blank_nodes > self.limits.max_blank_nodes {
            return Err(Error::TooComplex(Limit::BlankNodes));
        }
        Ok(())
    }

    /// `n` units of RDFC-1.0 N-degree work.
    pub fn work(&mut self, n: u64) -> Result<(), Error> {
        self.work += n;
        self.tick()?;
        if self.work > self.limits.max_work {
            return Err(Error::TooComplex(Limit::Work));
        }
        Ok(())
    }

    /// N-degree work done so far (for tests and diagnostics).
    pub fn work_done(&self) -> u64 {
        self.work
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn limits_are_enforced() {
        let mut b = Budget::new(Limits {
            max_work: 3,
            ..Limits::default()
        });
        assert!(b.work(2).is_ok());
        assert!(b.work(1).is_ok());
        assert_eq!(b.work(1), Err(Error::TooComplex(Limit::Work)));
        let b = Budget::new(Limits {
            deadline: Some(Instant::now() - Duration::from_millis(1)),
            ..Limits::default()
        });
        assert_eq!(b.check_deadline(), Err(Error::TooComplex(Limit::Deadline)));
        let cancel = Arc::new(AtomicBool::new(false));
        let mut b = Budget::new(Limits {
            cancel: Some(cancel.clone()),
            ..Limits::default()
        });
        assert!(b.tick().is_ok());
        cancel.store(true, Ordering::Relaxed);
        let stopped = (0..=CLOCK_EVERY).find_map(|_| b.tick().err());
        assert_eq!(stopped, Some(Error::TooComplex(Limit::Cancelled)));
    }
}
