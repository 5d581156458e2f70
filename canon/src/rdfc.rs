//! RDF Dataset Canonicalization (RDFC-1.0, W3C Recommendation 21 May 2024).
//!
//! The algorithm is the specification's, step for step (section numbers in
//! the comments): the canonicalization state and its blank node to quads
//! map (4.4.3 steps 1-2), Hash First Degree Quads (4.6), canonical
//! identifiers for unique first-degree hashes in hash order (4.4.3 step 4),
//! Hash N-Degree Quads (4.8) with Hash Related Blank Node (4.7) for the
//! others (4.4.3 step 5), and the canonical N-Quads, sorted, a quad written
//! twice kept once (the input is a set).
//!
//! Two choices the specification leaves open follow the reference
//! implementation (digitalbazaar/rdf-canonize): blank nodes are listed in
//! the order they first appear in the dataset (subject, object, graph name
//! of each quad in turn), and the permutations of a related blank node list
//! are walked in Steinhaus-Johnson-Trotter order starting from the list
//! sorted by input label. The canonical N-Quads never depend on them; the
//! issued identifiers map can, on symmetric graphs where permutations tie,
//! and then matches the reference implementation's (the W3C suite has no
//! such case: it passes whichever order is taken).
//!
//! Hash N-Degree Quads is exponential on symmetric ("poison") graphs, as the
//! specification warns (section 6): each call and each permutation examined
//! charges one unit of [`Budget::work`] (more for blank nodes with many
//! related ones, so that no unit costs much), and its recursion stops at
//! [`MAX_N_DEGREE_DEPTH`]; either limit makes the dataset
//! [`Error::TooComplex`]. The W3C suite's legitimate entries take at most
//! 3,512 units, its poison entry is refused in milliseconds.
//!
//! For speed (a 30-quad credential whose blank nodes all have unique
//! first-degree hashes, the everyday case, takes a few microseconds, a
//! third of it SHA-256): each quad's line is written once but for its blank
//! node labels, blank nodes are numbered, each blank node's quads are listed
//! once, lines are sorted as slices and fed to the hash directly, and
//! nothing of the N-degree machinery is built unless a first-degree hash is
//! shared.

use crate::error::{Error, Limit};
use crate::limits::Budget;
use crate::rdf::{write_term, Dataset, Term};
use sha2::{Digest, Sha256, Sha384};
use std::cmp::Ordering;
use std::collections::HashMap;

/// The result of canonicalisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canonical {
    /// Canonical N-Quads: each line ends in `\n`, lines sorted, no duplicates.
    pub nquads: String,
    /// Input blank node label -> canonical label (`c14n0`...), in issue order.
    pub issued: Vec<(String, String)>,
}

/// The hash algorithm of RDFC-1.0 (section 4.2: SHA-256 unless the caller
/// asks for another).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HashAlgorithm {
    /// SHA-256, the default.
    #[default]
    Sha256,
    /// SHA-384 (the W3C suite has entries asking for it).
    Sha384,
}

/// How deep Hash N-Degree Quads may recurse. Each level needs a blank node
/// not yet reached on its path, so ordinary data stays far below (the W3C
/// suite reaches 6); deeper means a long chain of blank nodes that look
/// alike, whose cost grows with the square of its length anyway. A level
/// takes about 1.3 KiB of stack in release builds (4.4 KiB in debug ones),
/// so the bound keeps well inside any thread's stack.
pub const MAX_N_DEGREE_DEPTH: usize = 128;

/// Related blank node entries (in one Hash N-Degree Quads call, or listed by
/// one permutation) that cost one more unit of work: ordinary blank nodes,
/// with a few related ones, cost one unit a call and one a permutation.
const RELATED_PER_UNIT: u64 = 4;

/// Identifiers in the issuer a permutation copies that cost one more unit.
const ISSUED_PER_UNIT: u64 = 64;

/// Canonicalises `dataset` (RDFC-1.0 with SHA-256).
pub fn canonicalize(dataset: &Dataset, budget: &mut Budget) -> Result<Canonical, Error> {
    canonicalize_with_hash(dataset, HashAlgorithm::Sha256, budget)
}

/// Canonicalises `dataset` with the hash algorithm `algorithm`.
pub fn canonicalize_with_hash(
    dataset: &Dataset,
    algorithm: HashAlgorithm,
    budget: &mut Budget,
) -> Result<Canonical, Error> {
    budget.dataset(dataset.len(), 0)?;
    let prepared = Prepared::new(dataset, budget)?;
    budget.dataset(dataset.len(), prepared.labels.len())?;
    let mut state = State::new(&prepared, algorithm);
    state.issue_identifiers(budget)?;
    state.output(budget)
}

/// A term of a prepared quad.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// The term's canonical N-Quads text: `text[start..end]`.
    Text(u32, u32),
    /// A blank node, by number, and where its label goes in the quad's
    /// line (an offset in `text`).
    Blank(u32, u32),
    /// No graph name (the default graph).
    None,
}

/// A prepared quad: its terms, and its canonical N-Quads line without its
/// blank node labels, `text[start..end]`, `" .\n"` included.
#[derive(Debug, Clone, Copy)]
struct PQuad {
    parts: [Part; 4],
    start: u32,
    end: u32,
}

/// The dataset with its lines written once (but for blank node labels)
/// and its blank nodes numbered in order of first appearance.
struct Prepared<'a> {
    text: String,
    quads: Vec<PQuad>,
    /// Blank node number -> input label.
    labels: Vec<&'a str>,
    /// Blank node number -> its quads (indexes into `quads`), in dataset
    /// order: `quads_of[offsets[b]..offsets[b + 1]]`. A quad naming the
    /// blank node twice is listed once; a quad given twice in the dataset
    /// is listed twice (Hash First Degree Quads finds it).
    offsets: Vec<u32>,
    quads_of: Vec<u32>,
}

/// Past this many blank nodes, labels are numbered through a hash map
/// rather than a linear search.
const LINEAR_LABELS: usize = 24;

impl<'a> Prepared<'a> {
    fn new(dataset: &'a Dataset, budget: &mut Budget) -> Result<Self, Error> {
        let too_many = || Error::TooComplex(Limit::Quads);
        let mut text = String::with_capacity(dataset.len() * 128);
        let mut quads = Vec::with_capacity(dataset.len());
        let mut labels: Vec<&'a str> = Vec::new();
        let mut index: HashMap<&'a str, u32> = HashMap::new();
        let mut number = |label: &'a str, labels: &mut Vec<&'a str>| -> Result<u32, Error> {
            if labels.len() <= LINEAR_LABELS {
                if let Some(i) = labels.iter().position(|l| *l == label) {
                    return u32::try_from(i).map_err(|_| too_many());
                }
            } else {
                if index.is_empty() {
                    for (i, l) in labels.iter().enumerate() {
                        index.insert(l, u32::try_from(i).map_err(|_| too_many())?);
                    }
                }
                if let Some(&i) = index.get(label) {
                    return Ok(i);
                }
            }
            let i = u32::try_from(labels.len()).map_err(|_| too_many())?;
            labels.push(label);
            if !index.is_empty() {
                index.insert(label, i);
            }
            Ok(i)
        };
        let to_u32 = |n: usize| u32::try_from(n).map_err(|_| too_many());
        for q in dataset {
            budget.tick()?;
            let start = to_u32(text.len())?;
            let mut parts = [Part::None; 4];
            let terms = [
                Some(&q.subject),
                Some(&q.predicate),
                Some(&q.object),
                q.graph.as_ref(),
            ];
            for (i, (slot, t)) in parts.iter_mut().zip(terms).enumerate() {
                let Some(t) = t else { continue };
                if i > 0 {
                    text.push(' ');
                }
                *slot = match t {
                    // A blank node predicate is not RDF (generalized RDF
                    // only): no canonical label is defined for it, so it
                    // is kept as is.
                    Term::Blank(label) if i != 1 => {
                        Part::Blank(number(label, &mut labels)?, to_u32(text.len())?)
                    }
                    _ => {
                        let s = to_u32(text.len())?;
                        write_term(&mut text, t);
                        Part::Text(s, to_u32(text.len())?)
                    }
                };
            }
            text.push_str(" .\n");
            quads.push(PQuad {
                parts,
                start,
                end: to_u32(text.len())?,
            });
        }
        // The blank node to quads map, flat: count each blank node's quads
        // (at `b + 1`), sum up to where each list ends, then place the quads
        // from the last, moving each end back to its list's start.
        let n = labels.len();
        let mut offsets = vec![0u32; n + 1];
        for q in &quads {
            for_each_blank(&q.parts, |b| {
                if let Some(c) = offsets.get_mut(b as usize + 1) {
                    *c += 1;
                }
            });
        }
        for i in 1..offsets.len() {
            let before = offsets.get(i - 1).copied().unwrap_or(0);
            if let Some(c) = offsets.get_mut(i) {
                *c += before;
            }
        }
        let total = offsets.last().copied().unwrap_or(0) as usize;
        let mut quads_of = vec![0u32; total];
        // Shift: offsets[b] now holds where b's list ends.
        offsets.rotate_left(1);
        for (qi, q) in quads.iter().enumerate().rev() {
            let qi = u32::try_from(qi).map_err(|_| too_many())?;
            for_each_blank(&q.parts, |b| {
                if let Some(slot) = offsets.get_mut(b as usize) {
                    *slot = slot.saturating_sub(1);
                    if let Some(q) = quads_of.get_mut(*slot as usize) {
                        *q = qi;
                    }
                }
            });
        }
        // offsets[b] is now where b's list starts; the last entry, rotated
        // to the front above, goes back to the end.
        if let Some(last) = offsets.last_mut() {
            *last = u32::try_from(total).map_err(|_| too_many())?;
        }
        Ok(Self {
            text,
            quads,
            labels,
            offsets,
            quads_of,
        })
    }

    fn part_text(&self, start: u32, end: u32) -> &str {
        self.text.get(start as usize..end as usize).unwrap_or("")
    }

    fn quads_of(&self, b: u32) -> &[u32] {
        let start = self.offsets.get(b as usize).copied().unwrap_or(0) as usize;
        let end = self.offsets.get(b as usize + 1).copied().unwrap_or(0) as usize;
        self.quads_of.get(start..end).unwrap_or(&[])
    }

    fn quad(&self, qi: u32) -> &[Part; 4] {
        const NONE: [Part; 4] = [Part::None; 4];
        self.quads.get(qi as usize).map_or(&NONE, |q| &q.parts)
    }

    /// Writes quad `qi` as one canonical N-Quads line, its blank nodes
    /// written by `blank`.
    fn write_line(&self, out: &mut String, qi: u32, blank: &impl Fn(&mut String, u32)) {
        let Some(q) = self.quads.get(qi as usize) else {
            return;
        };
        let mut cursor = q.start;
        for part in &q.parts {
            if let Part::Blank(b, at) = *part {
                out.push_str(self.part_text(cursor, at));
                blank(out, b);
                cursor = at;
            }
        }
        out.push_str(self.part_text(cursor, q.end));
    }

    /// Whether quads `a` and `b` are the same quad.
    fn same_quad(&self, a: u32, b: u32) -> bool {
        self.compare_quads(a, b) == Ordering::Equal
    }

    /// A total order on quads (for finding duplicates).
    fn compare_quads(&self, a: u32, b: u32) -> Ordering {
        for (x, y) in self.quad(a).iter().zip(self.quad(b).iter()) {
            let o = match (*x, *y) {
                (Part::Text(s1, e1), Part::Text(s2, e2)) => {
                    self.part_text(s1, e1).cmp(self.part_text(s2, e2))
                }
                (Part::Blank(p, _), Part::Blank(q, _)) => p.cmp(&q),
                (Part::None, Part::None) => Ordering::Equal,
                (x, y) => part_rank(x).cmp(&part_rank(y)),
            };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    }
}

fn part_rank(p: Part) -> u8 {
    match p {
        Part::None => 0,
        Part::Blank(..) => 1,
        Part::Text(..) => 2,
    }
}

/// Calls `f` once for each blank node of a quad's subject, object and graph
/// name, in that order; a blank node twice in one quad is named once (the
/// map lists each quad once per blank node).
fn for_each_blank(parts: &[Part; 4], mut f: impl FnMut(u32)) {
    let [s, _, o, g] = *parts;
    let mut seen: [Option<u32>; 2] = [None, None];
    for (k, part) in [s, o, g].into_iter().enumerate() {
        if let Part::Blank(b, _) = part {
            if seen.contains(&Some(b)) {
                continue;
            }
            if let Some(slot) = seen.get_mut(k) {
                *slot = Some(b);
            }
            f(b);
        }
    }
}

/// Each byte's two lowercase hexadecimal digits.
const HEX_PAIRS: [[u8; 2]; 256] = {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut table = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = [DIGITS[i >> 4], DIGITS[i & 0xf]];
        i += 1;
    }
    table
};

/// A hash in lowercase hexadecimal (what RDFC-1.0 compares and feeds to
/// other hashes).
#[derive(Clone, Copy)]
struct Hex {
    /// The first eight hexadecimal digits as a big-endian number: orders
    /// two hashes at once unless they share them.
    key: u64,
    len: u8,
    buf: [u8; 96],
}

impl Hex {
    fn from_digest(digest: &[u8]) -> Self {
        let mut buf = [0u8; 96];
        let mut len = 0u8;
        for (pair, &b) in buf.chunks_exact_mut(2).zip(digest) {
            pair.copy_from_slice(&HEX_PAIRS[b as usize]);
            len += 2;
        }
        let key = u64::from_be_bytes([
            buf[0], buf[1], buf[2], buf[3], buf[4], buf[5], buf[6], buf[7],
        ]);
        Self { key, len, buf }
    }

    fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len as usize).unwrap_or(&[])
    }
}

impl PartialEq for Hex {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key && self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Hex {}

impl PartialOrd for Hex {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Hex {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key
            .cmp(&other.key)
            .then_with(|| self.as_bytes().cmp(other.as_bytes()))
    }
}

enum Hasher {
    Sha256(Sha256),
    Sha384(Sha384),
}

impl Hasher {
    fn new(algorithm: HashAlgorithm) -> Self {
        match algorithm {
            HashAlgorithm::Sha256 => Hasher::Sha256(Sha256::new()),
            HashAlgorithm::Sha384 => Hasher::Sha384(Sha384::new()),
        }
    }

    fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(data),
            Hasher::Sha384(h) => h.update(data),
        }
    }

    fn finish(self) -> Hex {
        match self {
            Hasher::Sha256(h) => Hex::from_digest(&h.finalize()),
            Hasher::Sha384(h) => Hex::from_digest(&h.finalize()),
        }
    }
}

/// The decimal digits of `n`: `digits[start..]`.
fn decimal(mut n: u32) -> ([u8; 10], usize) {
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    loop {
        i -= 1;
        if let Some(d) = digits.get_mut(i) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    (digits, i)
}

/// Appends the decimal form of `n`.
fn push_number(out: &mut String, n: u32) {
    let (digits, start) = decimal(n);
    for &d in digits.get(start..).unwrap_or(&[]) {
        out.push(char::from(d));
    }
}

/// A temporary identifier issuer (4.5, prefix `b`): (blank node, issued
/// number) pairs sorted by blank node, in one vector (it is copied for
/// every permutation). Numbers are issued from 0 up, so the next one is the
/// count so far, and the issue order is the order of the numbers.
#[derive(Clone, Default)]
struct Issuer {
    index: Vec<(u32, u32)>,
}

impl Issuer {
    fn get(&self, b: u32) -> Option<u32> {
        self.index
            .binary_search_by_key(&b, |&(node, _)| node)
            .ok()
            .and_then(|i| self.index.get(i))
            .map(|&(_, n)| n)
    }

    /// 4.5.3: the identifier issued for `b`, issuing one if needed.
    fn issue(&mut self, b: u32) -> u32 {
        match self.index.binary_search_by_key(&b, |&(node, _)| node) {
            Ok(i) => self.index.get(i).map_or(0, |&(_, n)| n),
            Err(i) => {
                let n = self.index.len() as u32;
                self.index.insert(i, (b, n));
                n
            }
        }
    }

    fn len(&self) -> usize {
        self.index.len()
    }

    /// The blank nodes in issue order.
    fn order(&self) -> Vec<u32> {
        let mut pairs = self.index.clone();
        pairs.sort_unstable_by_key(|&(_, n)| n);
        pairs.into_iter().map(|(b, _)| b).collect()
    }
}

const UNISSUED: u32 = u32::MAX;

/// The canonicalization state (4.3).
struct State<'p, 'a> {
    data: &'p Prepared<'a>,
    algorithm: HashAlgorithm,
    /// Blank node -> its first-degree hash.
    first_degree: Vec<Hex>,
    /// Blank node -> canonical number, or `UNISSUED`.
    canonical: Vec<u32>,
    /// Blank nodes in canonical issue order.
    canonical_order: Vec<u32>,
    /// Blank node -> its quads, each once, for the rare blank nodes whose
    /// quads include one given twice (the others use `Prepared::quads_of`).
    distinct_quads: HashMap<u32, Vec<u32>>,
    /// Blank node -> its related blank node entries (4.8.3 step 3), flat:
    /// `related[related_offsets[b]..related_offsets[b + 1]]`. Made only if
    /// some first-degree hash is shared.
    related_offsets: Vec<u32>,
    related: Vec<Related>,
}

/// One related blank node entry of a blank node: a blank node other than
/// it in one of its quads.
#[derive(Clone, Copy)]
struct Related {
    node: u32,
    /// `s`, `o` or `g`.
    position: u8,
    /// The quad's predicate.
    predicate: Part,
}

impl<'p, 'a> State<'p, 'a> {
    fn new(data: &'p Prepared<'a>, algorithm: HashAlgorithm) -> Self {
        let n = data.labels.len();
        Self {
            data,
            algorithm,
            first_degree: Vec::with_capacity(n),
            canonical: vec![UNISSUED; n],
            canonical_order: Vec::with_capacity(n),
            distinct_quads: HashMap::new(),
            related_offsets: Vec::new(),
            related: Vec::new(),
        }
    }

    fn canonical_of(&self, b: u32) -> Option<u32> {
        match self.canonical.get(b as usize) {
            Some(&c) if c != UNISSUED => Some(c),
            _ => None,
        }
    }

    fn issue_canonical(&mut self, b: u32) {
        if self.canonical_of(b).is_some() {
            return;
        }
        let c = self.canonical_order.len() as u32;
        if let Some(slot) = self.canonical.get_mut(b as usize) {
            *slot = c;
            self.canonical_order.push(b);
        }
    }

    /// 4.4.3 steps 3-5: first-degree hashes, then canonical identifiers.
    fn issue_identifiers(&mut self, budget: &mut Budget) -> Result<(), Error> {
        let n = self.data.labels.len() as u32;
        self.hash_first_degrees(budget)?;
        // The hash to blank nodes map, in hash order; within one hash, in
        // order of first appearance (the stable sort keeps it).
        let mut by_hash: Vec<u32> = (0..n).collect();
        let first_degree = &self.first_degree;
        let hash = |b: &u32| first_degree.get(*b as usize);
        by_hash.sort_by(|x, y| hash(x).cmp(&hash(y)));
        let mut groups: Vec<(usize, usize)> = Vec::new();
        let mut start = 0;
        while start < by_hash.len() {
            let h = by_hash.get(start).and_then(hash);
            let mut end = start + 1;
            while end < by_hash.len() && by_hash.get(end).and_then(hash) == h {
                end += 1;
            }
            groups.push((start, end));
            start = end;
        }
        // Step 4: unique hashes.
        for &(s, e) in &groups {
            if e - s == 1 {
                if let Some(&b) = by_hash.get(s) {
                    self.issue_canonical(b);
                }
            }
        }
        // Step 5: the others, group by group in hash order.
        if groups.iter().any(|&(s, e)| e - s > 1) {
            self.list_related(budget)?;
        }
        for &(s, e) in &groups {
            if e - s == 1 {
                continue;
            }
            let mut results: Vec<(Hex, Issuer)> = Vec::new();
            for &b in by_hash.get(s..e).unwrap_or(&[]) {
                if self.canonical_of(b).is_some() {
                    continue;
                }
                let mut temporary = Issuer::default();
                temporary.issue(b);
                results.push(self.hash_n_degree(b, &temporary, 0, budget)?);
            }
            results.sort_by_key(|r| r.0);
            for (_, issuer) in &results {
                for b in issuer.order() {
                    self.issue_canonical(b);
                }
            }
        }
        Ok(())
    }

    /// Hash First Degree Quads (4.6) for every blank node. Their lines
    /// are written into one buffer, blank node after blank node, in the
    /// order of `Prepared::quads_of`.
    fn hash_first_degrees(&mut self, budget: &mut Budget) -> Result<(), Error> {
        let data = self.data;
        let n = data.labels.len() as u32;
        let mut scratch = String::with_capacity(data.text.len() * 2);
        let mut spans: Vec<(u32, u32)> = Vec::with_capacity(data.quads_of.len());
        for b in 0..n {
            budget.tick()?;
            let label = |out: &mut String, x: u32| out.push_str(if x == b { "_:a" } else { "_:z" });
            for &qi in data.quads_of(b) {
                let start = scratch.len() as u32;
                data.write_line(&mut scratch, qi, &label);
                spans.push((start, scratch.len() as u32));
            }
        }
        let text = scratch.as_str();
        let line = |&(s, e): &(u32, u32)| text.get(s as usize..e as usize).unwrap_or("");
        let mut lines: Vec<&str> = spans.iter().map(line).collect();
        for b in 0..n {
            let start = data.offsets.get(b as usize).copied().unwrap_or(0) as usize;
            let end = data.offsets.get(b as usize + 1).copied().unwrap_or(0) as usize;
            let Some(own) = lines.get_mut(start..end) else {
                continue;
            };
            own.sort_unstable();
            let mut hasher = Hasher::new(self.algorithm);
            if own.windows(2).all(|w| w.first() != w.get(1)) {
                for l in own.iter() {
                    hasher.update(l.as_bytes());
                }
            } else {
                // Equal lines: maybe a quad given twice, to count once (the
                // input is a set).
                let quads = data.quads_of(b);
                let own_spans = spans.get(start..end).unwrap_or(&[]);
                let mut order: Vec<(&str, u32)> = own_spans
                    .iter()
                    .map(line)
                    .zip(quads.iter().copied())
                    .collect();
                order.sort_unstable_by(|x, y| {
                    x.0.cmp(y.0)
                        .then_with(|| data.compare_quads(x.1, y.1))
                        .then(x.1.cmp(&y.1))
                });
                let mut dropped: Vec<u32> = Vec::new();
                let mut last: Option<(&str, u32)> = None;
                for &(l, qi) in &order {
                    match last {
                        Some((_, kept)) if data.same_quad(kept, qi) => dropped.push(qi),
                        _ => {
                            hasher.update(l.as_bytes());
                            last = Some((l, qi));
                        }
                    }
                }
                if !dropped.is_empty() {
                    dropped.sort_unstable();
                    let distinct = quads
                        .iter()
                        .copied()
                        .filter(|q| dropped.binary_search(q).is_err());
                    self.distinct_quads.insert(b, distinct.collect());
                }
            }
            self.first_degree.push(hasher.finish());
        }
        Ok(())
    }

    /// Lists every blank node's related blank node entries, in the order
    /// of its quads, each distinct quad once.
    fn list_related(&mut self, budget: &mut Budget) -> Result<(), Error> {
        let n = self.data.labels.len() as u32;
        let mut offsets = Vec::with_capacity(n as usize + 1);
        let mut related = Vec::new();
        offsets.push(0);
        for b in 0..n {
            for &qi in self.distinct_quads_of(b) {
                budget.tick()?;
                let [s, p, o, g] = *self.data.quad(qi);
                for (part, position) in [(s, b's'), (o, b'o'), (g, b'g')] {
                    if let Part::Blank(r, _) = part {
                        if r != b {
                            related.push(Related {
                                node: r,
                                position,
                                predicate: p,
                            });
                        }
                    }
                }
            }
            let end = u32::try_from(related.len()).map_err(|_| Error::TooComplex(Limit::Quads))?;
            offsets.push(end);
        }
        self.related_offsets = offsets;
        self.related = related;
        Ok(())
    }

    fn related_of(&self, b: u32) -> &[Related] {
        let start = self.related_offsets.get(b as usize).copied().unwrap_or(0) as usize;
        let end = self
            .related_offsets
            .get(b as usize + 1)
            .copied()
            .unwrap_or(0) as usize;
        self.related.get(start..end).unwrap_or(&[])
    }

    /// The quads of `b`, each distinct quad once.
    fn distinct_quads_of(&self, b: u32) -> &[u32] {
        match self.distinct_quads.get(&b) {
            Some(quads) => quads,
            None => self.data.quads_of(b),
        }
    }

    /// Hash Related Blank Node (4.7).
    fn hash_related(&self, related: u32, predicate: Part, issuer: &Issuer, position: u8) -> Hex {
        let mut hasher = Hasher::new(self.algorithm);
        hasher.update(&[position]);
        if position != b'g' {
            if let Part::Text(s, e) = predicate {
                hasher.update(self.data.part_text(s, e).as_bytes());
            }
        }
        let mut identifier = |prefix: &[u8], n: u32| {
            let (digits, start) = decimal(n);
            hasher.update(prefix);
            hasher.update(digits.get(start..).unwrap_or(&[]));
        };
        if let Some(c) = self.canonical_of(related) {
            identifier(b"_:c14n", c);
        } else if let Some(t) = issuer.get(related) {
            identifier(b"_:b", t);
        } else if let Some(h) = self.first_degree.get(related as usize) {
            hasher.update(h.as_bytes());
        }
        hasher.finish()
    }

    /// Hash N-Degree Quads (4.8).
    fn hash_n_degree(
        &self,
        identifier: u32,
        issuer: &Issuer,
        depth: usize,
        budget: &mut Budget,
    ) -> Result<(Hex, Issuer), Error> {
        if depth >= MAX_N_DEGREE_DEPTH {
            return Err(Error::TooComplex(Limit::Work));
        }
        // Steps 1-3: the hash to related blank nodes map. One unit for the
        // call, and one per RELATED_PER_UNIT related blank node entries, so
        // that a blank node with thousands of quads, reached again and
        // again, costs in proportion.
        let entries = self.related_of(identifier);
        budget.work(1 + entries.len() as u64 / RELATED_PER_UNIT)?;
        let mut related: Vec<(Hex, u32)> = entries
            .iter()
            .map(|e| {
                (
                    self.hash_related(e.node, e.predicate, issuer, e.position),
                    e.node,
                )
            })
            .collect();
        related.sort_by_key(|r| r.0);
        // Steps 4-5.
        let mut hasher = Hasher::new(self.algorithm);
        let mut issuer = issuer.clone();
        let mut chosen_path = String::new();
        let mut path = String::new();
        let mut recursion: Vec<u32> = Vec::new();
        let mut start = 0;
        while let Some(&(related_hash, _)) = related.get(start) {
            let mut end = start + 1;
            while related.get(end).is_some_and(|r| r.0 == related_hash) {
                end += 1;
            }
            // Step 5.1.
            hasher.update(related_hash.as_bytes());
            let list: Vec<u32> = related
                .get(start..end)
                .unwrap_or(&[])
                .iter()
                .map(|r| r.1)
                .collect();
            start = end;
            // Steps 5.2-5.4.
            chosen_path.clear();
            let mut chosen_issuer: Option<Issuer> = None;
            let mut permutations = Permutations::new(list, &self.data.labels);
            // One unit per permutation, one more per RELATED_PER_UNIT blank
            // nodes it lists (its path is as long), and one per
            // ISSUED_PER_UNIT identifiers of the issuer it copies.
            let permutation_cost = 1
                + permutations.current().len() as u64 / RELATED_PER_UNIT
                + issuer.len() as u64 / ISSUED_PER_UNIT;
            loop {
                budget.work(permutation_cost)?;
                let mut copy = issuer.clone();
                path.clear();
                recursion.clear();
                let mut beaten = false;
                // Step 5.4.4.
                for &r in permutations.current() {
                    if let Some(c) = self.canonical_of(r) {
                        path.push_str("_:c14n");
                        push_number(&mut path, c);
                    } else {
                        if copy.get(r).is_none() {
                            recursion.push(r);
                        }
                        path.push_str("_:b");
                        push_number(&mut path, copy.issue(r));
                    }
                    // Step 5.4.4.3. A path already greater than the chosen
                    // one only grows, so it can never become smaller: the
                    // length test of the specification changes nothing.
                    if !chosen_path.is_empty() && path.as_str() > chosen_path.as_str() {
                        beaten = true;
                        break;
                    }
                }
                // Step 5.4.5.
                if !beaten {
                    for &r in &recursion {
                        let (result_hash, result_issuer) =
                            self.hash_n_degree(r, &copy, depth + 1, budget)?;
                        path.push_str("_:b");
                        push_number(&mut path, copy.issue(r));
                        path.push('<');
                        path.push_str(std::str::from_utf8(result_hash.as_bytes()).unwrap_or(""));
                        path.push('>');
                        copy = result_issuer;
                        if !chosen_path.is_empty() && path.as_str() > chosen_path.as_str() {
                            beaten = true;
                            break;
                        }
                    }
                }
                // Step 5.4.6.
                if !beaten && (chosen_path.is_empty() || path.as_str() < chosen_path.as_str()) {
                    std::mem::swap(&mut chosen_path, &mut path);
                    chosen_issuer = Some(copy);
                }
                if !permutations.advance() {
                    break;
                }
            }
            // Steps 5.5-5.6.
            hasher.update(chosen_path.as_bytes());
            if let Some(chosen) = chosen_issuer {
                issuer = chosen;
            }
        }
        Ok((hasher.finish(), issuer))
    }

    /// 4.4.3 steps 6-7: the canonical N-Quads, sorted, each line once, and
    /// the issued identifiers map.
    fn output(&self, budget: &mut Budget) -> Result<Canonical, Error> {
        let data = self.data;
        let mut text = String::with_capacity(data.text.len() + data.quads.len() * 16);
        let mut lines: Vec<(u32, u32)> = Vec::with_capacity(data.quads.len());
        let label = |out: &mut String, b: u32| {
            out.push_str("_:c14n");
            push_number(out, self.canonical_of(b).unwrap_or(UNISSUED));
        };
        for qi in 0..data.quads.len() as u32 {
            budget.tick()?;
            let start = text.len() as u32;
            data.write_line(&mut text, qi, &label);
            lines.push((start, text.len() as u32));
        }
        let line = |&(s, e): &(u32, u32)| text.get(s as usize..e as usize).unwrap_or("");
        let mut sorted: Vec<&str> = lines.iter().map(line).collect();
        sorted.sort_unstable();
        // Canonical labels are distinct, so equal lines are equal quads.
        sorted.dedup();
        let mut nquads = String::with_capacity(text.len());
        for l in sorted {
            nquads.push_str(l);
        }
        let issued = self
            .canonical_order
            .iter()
            .enumerate()
            .map(|(c, &b)| {
                let mut id = String::with_capacity(8);
                id.push_str("c14n");
                push_number(&mut id, c as u32);
                (
                    data.labels
                        .get(b as usize)
                        .copied()
                        .unwrap_or("")
                        .to_owned(),
                    id,
                )
            })
            .collect();
        Ok(Canonical { nquads, issued })
    }
}

/// The permutations of a related blank node list (4.8.3 step 5.4): in
/// Steinhaus-Johnson-Trotter order from the list sorted by input label, as
/// the reference implementation walks them; a list naming one blank node
/// several times has its distinct permutations walked in lexicographic
/// order instead (a repeated permutation gives the same path).
struct Permutations {
    /// The distinct blank nodes, sorted by label: rank -> blank node.
    nodes: Vec<u32>,
    /// The current permutation, as ranks into `nodes`.
    ranks: Vec<usize>,
    /// The current permutation, as blank nodes.
    current: Vec<u32>,
    /// Per rank, whether it looks left (SJT only).
    left: Vec<bool>,
    distinct: bool,
}

impl Permutations {
    fn new(mut list: Vec<u32>, labels: &[&str]) -> Self {
        if list.len() < 2 {
            // One permutation: nothing to prepare.
            return Self {
                current: list,
                nodes: Vec::new(),
                ranks: Vec::new(),
                left: Vec::new(),
                distinct: true,
            };
        }
        list.sort_by(|x, y| {
            let lx = labels.get(*x as usize).copied().unwrap_or("");
            let ly = labels.get(*y as usize).copied().unwrap_or("");
            lx.cmp(ly).then(x.cmp(y))
        });
        let distinct = list.windows(2).all(|w| w.first() != w.get(1));
        // Ranks: equal blank nodes share one.
        let mut ranks = Vec::with_capacity(list.len());
        let mut rank = 0;
        for (i, b) in list.iter().enumerate() {
            if i > 0 && list.get(i - 1) != Some(b) {
                rank += 1;
            }
            ranks.push(rank);
        }
        let left = vec![true; list.len()];
        let mut nodes = list.clone();
        nodes.dedup();
        Self {
            current: list,
            nodes,
            ranks,
            left,
            distinct,
        }
    }

    fn current(&self) -> &[u32] {
        &self.current
    }

    /// Moves to the next permutation; `false` after the last.
    fn advance(&mut self) -> bool {
        let moved = if self.distinct {
            self.advance_sjt()
        } else {
            next_lexicographic(&mut self.ranks)
        };
        if moved {
            for (slot, &r) in self.current.iter_mut().zip(&self.ranks) {
                if let Some(&b) = self.nodes.get(r) {
                    *slot = b;
                }
            }
        }
        moved
    }

    /// One Steinhaus-Johnson-Trotter step: swap the largest mobile element
    /// with the neighbour it looks at, then turn every larger element round.
    fn advance_sjt(&mut self) -> bool {
        let n = self.ranks.len();
        let mut mobile: Option<(usize, usize)> = None;
        for i in 0..n {
            let Some(&e) = self.ranks.get(i) else { break };
            let looks_left = self.left.get(e).copied().unwrap_or(true);
            let neighbour = if looks_left {
                i.checked_sub(1)
            } else {
                Some(i + 1).filter(|&j| j < n)
            };
            let is_mobile = neighbour
                .and_then(|j| self.ranks.get(j))
                .is_some_and(|&other| other < e);
            if is_mobile && mobile.is_none_or(|(_, k)| e > k) {
                mobile = Some((i, e));
            }
        }
        let Some((i, k)) = mobile else {
            return false;
        };
        let j = if self.left.get(k).copied().unwrap_or(true) {
            i - 1
        } else {
            i + 1
        };
        self.ranks.swap(i, j);
        for (e, l) in self.left.iter_mut().enumerate() {
            if e > k {
                *l = !*l;
            }
        }
        true
    }
}

/// The next permutation in lexicographic order (equal elements give each
/// distinct permutation once); `false` after the last.
fn next_lexicographic(v: &mut [usize]) -> bool {
    let n = v.len();
    let mut i = n.saturating_sub(1);
    while i > 0 && v.get(i - 1) >= v.get(i) {
        i -= 1;
    }
    if i == 0 {
        return false;
    }
    let pivot = v.get(i - 1).copied().unwrap_or(0);
    let mut j = n - 1;
    while j > i && v.get(j).is_some_and(|&x| x <= pivot) {
        j -= 1;
    }
    v.swap(i - 1, j);
    if let Some(tail) = v.get_mut(i..) {
        tail.reverse();
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;
    use crate::nquads;
    use crate::rdf::Quad;
    use std::time::{Duration, Instant};

    const P: &str = "http://example.org/p";

    fn blank_quad(s: &str, o: &str) -> Quad {
        Quad {
            subject: Term::blank(s),
            predicate: Term::iri(P),
            object: Term::blank(o),
            graph: None,
        }
    }

    fn run(dataset: &Dataset) -> Result<Canonical, Error> {
        canonicalize(dataset, &mut Budget::new(Limits::default()))
    }

    /// Runs `f` on a thread with a small stack: deep recursion would
    /// overflow it.
    fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(f)
            .expect("a thread")
            .join()
            .expect("no panic, no overflow")
    }

    /// `count` disjoint cycles of `len` blank nodes, all alike.
    fn cycles(count: usize, len: usize) -> Dataset {
        let mut ds = Dataset::new();
        for c in 0..count {
            for i in 0..len {
                ds.push(blank_quad(
                    &format!("c{c}n{i}"),
                    &format!("c{c}n{}", (i + 1) % len),
                ));
            }
        }
        ds
    }

    fn clique(n: usize) -> Dataset {
        let mut ds = Dataset::new();
        for i in 0..n {
            for j in 0..n {
                if i != j {
                    ds.push(blank_quad(&format!("e{i}"), &format!("e{j}")));
                }
            }
        }
        ds
    }

    fn assert_refused_fast(ds: Dataset) {
        let started = Instant::now();
        let result = on_small_stack(move || run(&ds));
        assert!(
            matches!(result, Err(Error::TooComplex(_))),
            "not refused: {result:?}"
        );
        let elapsed = started.elapsed();
        println!("refused ({result:?}) in {elapsed:?}");
        assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
    }

    #[test]
    fn symmetric_graphs_are_too_complex() {
        assert_refused_fast(clique(10));
        assert_refused_fast(clique(30));
        assert_refused_fast(cycles(300, 8));
        assert_refused_fast(cycles(1, 3000));
    }

    /// Alike hubs behind permuted groups: each permutation reaches a blank
    /// node with thousands of quads.
    fn heavy_hubs(d: usize) -> Dataset {
        let mut ds = Dataset::new();
        let iri = |s: &str| Term::iri(format!("http://example.org/{s}"));
        for k in 0..2 {
            for i in 0..8 {
                ds.push(Quad {
                    subject: Term::blank(format!("p{k}")),
                    predicate: iri("r"),
                    object: Term::blank(format!("a{k}_{i}")),
                    graph: None,
                });
                ds.push(Quad {
                    subject: Term::blank(format!("a{k}_{i}")),
                    predicate: iri("s"),
                    object: Term::blank(format!("h{k}")),
                    graph: None,
                });
            }
            for j in 0..d {
                ds.push(Quad {
                    subject: Term::blank(format!("h{k}")),
                    predicate: iri("t"),
                    object: Term::blank(format!("l{k}")),
                    graph: Some(iri(&format!("g{j}"))),
                });
            }
        }
        ds
    }

    #[test]
    fn heavy_blank_nodes_cost_in_proportion() {
        assert_refused_fast(heavy_hubs(4000));
    }

    #[test]
    fn the_deadline_stops_the_n_degree_work() {
        let mut budget = Budget::new(Limits {
            max_work: u64::MAX,
            deadline: Some(Instant::now()),
            ..Limits::default()
        });
        assert_eq!(
            canonicalize(&clique(9), &mut budget),
            Err(Error::TooComplex(Limit::Deadline))
        );
    }

    #[test]
    fn small_symmetric_graphs_are_canonicalised() {
        let c = run(&cycles(3, 4)).unwrap();
        assert_eq!(c.issued.len(), 12);
        assert_eq!(c.nquads.lines().count(), 12);
        assert!(run(&clique(4)).is_ok());
    }

    #[test]
    fn recursion_depth_is_bounded_whatever_the_work_allowed() {
        let result = on_small_stack(|| {
            let mut budget = Budget::new(Limits {
                max_work: u64::MAX,
                ..Limits::default()
            });
            canonicalize(&cycles(1, 3000), &mut budget)
        });
        assert_eq!(result, Err(Error::TooComplex(Limit::Work)));
    }

    #[test]
    fn long_chains_and_stars_work() {
        // A chain whose nodes differ by a literal: unique first-degree
        // hashes.
        let mut chain = Dataset::new();
        for i in 0..2000 {
            chain.push(blank_quad(&format!("n{i}"), &format!("n{}", i + 1)));
            chain.push(Quad {
                subject: Term::blank(format!("n{i}")),
                predicate: Term::iri("http://example.org/v"),
                object: Term::literal(i.to_string(), crate::rdf::XSD_STRING),
                graph: None,
            });
        }
        let c = on_small_stack(move || run(&chain)).unwrap();
        assert_eq!(c.issued.len(), 2001);
        // A star: 2,000 leaves alike around one centre.
        let star: Dataset = (0..2000)
            .map(|i| blank_quad("centre", &format!("leaf{i}")))
            .collect();
        let c = on_small_stack(move || run(&star)).unwrap();
        assert_eq!(c.issued.len(), 2001);
        assert_eq!(c.nquads.lines().count(), 2000);
    }

    #[test]
    fn datasets_past_the_limits_are_refused() {
        let limits = Limits {
            max_quads: 10,
            max_blank_nodes: 5,
            ..Limits::default()
        };
        let quads = cycles(1, 11);
        assert_eq!(
            canonicalize(&quads, &mut Budget::new(limits.clone())),
            Err(Error::TooComplex(Limit::Quads))
        );
        let blanks = cycles(1, 6);
        assert_eq!(
            canonicalize(&blanks, &mut Budget::new(limits)),
            Err(Error::TooComplex(Limit::BlankNodes))
        );
    }

    const DOUBLE_CIRCLE: &str = "\
        _:x <http://example.org/next> _:y .\n\
        _:y <http://example.org/next> _:z .\n\
        _:z <http://example.org/next> _:x .\n\
        _:x <http://example.org/prev> _:z .\n\
        _:y <http://example.org/prev> _:x .\n\
        _:z <http://example.org/prev> _:y .\n\
        _:x <http://example.org/in> _:g _:g .\n\
        <http://example.org/s> <http://example.org/p> \"a\\\"b\\n\\u0007\"@en <http://example.org/g> .\n";

    #[test]
    fn duplicate_quads_count_once() {
        let set = nquads::parse(DOUBLE_CIRCLE).unwrap();
        let mut doubled = set.clone();
        doubled.extend(set.iter().rev().cloned());
        let once = run(&set).unwrap();
        assert_eq!(run(&doubled).unwrap(), once);
        // Also when the duplicates are not next to each other in a blank
        // node's quads, and with a blank node twice in one quad.
        let mut self_loop = nquads::parse("_:a <http://example.org/p> _:a .\n").unwrap();
        let once = run(&self_loop).unwrap();
        self_loop.push(self_loop[0].clone());
        assert_eq!(run(&self_loop).unwrap(), once);
        assert_eq!(once.nquads, "_:c14n0 <http://example.org/p> _:c14n0 .\n");
    }

    #[test]
    fn result_is_independent_of_order_and_labels() {
        let base = nquads::parse(DOUBLE_CIRCLE).unwrap();
        let expected = run(&base).unwrap();
        for shift in 0..base.len() {
            let mut shuffled = base.clone();
            shuffled.rotate_left(shift);
            if shift % 2 == 1 {
                shuffled.reverse();
            }
            let renamed: Dataset = shuffled
                .into_iter()
                .map(|q| {
                    let rename = |t: Term| match t {
                        Term::Blank(b) => Term::Blank(format!("other{b}{shift}")),
                        t => t,
                    };
                    Quad {
                        subject: rename(q.subject),
                        predicate: q.predicate,
                        object: rename(q.object),
                        graph: q.graph.map(rename),
                    }
                })
                .collect();
            assert_eq!(run(&renamed).unwrap().nquads, expected.nquads);
        }
        // Same input, same output.
        assert_eq!(run(&base).unwrap(), expected);
        assert!(expected.nquads.contains("\"a\\\"b\\n\\u0007\"@en"));
    }

    #[test]
    fn sha384_is_supported() {
        let ds = nquads::parse(DOUBLE_CIRCLE).unwrap();
        let a = run(&ds).unwrap();
        let b = canonicalize_with_hash(
            &ds,
            HashAlgorithm::Sha384,
            &mut Budget::new(Limits::default()),
        )
        .unwrap();
        assert_eq!(a.nquads.lines().count(), b.nquads.lines().count());
    }

    #[test]
    fn non_rdf_terms_do_not_panic() {
        let ds = vec![Quad {
            subject: Term::literal("s", crate::rdf::XSD_STRING),
            predicate: Term::blank("p"),
            object: Term::blank("o"),
            graph: Some(Term::literal("g", crate::rdf::XSD_STRING)),
        }];
        let c = run(&ds).unwrap();
        assert_eq!(c.nquads, "\"s\" _:p _:c14n0 \"g\" .\n");
        assert!(run(&Dataset::new()).unwrap().nquads.is_empty());
    }

    fn all_permutations(list: Vec<u32>) -> Vec<Vec<u32>> {
        let labels: Vec<String> = (0..10).map(|i| format!("l{i}")).collect();
        let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
        let mut p = Permutations::new(list, &labels);
        let mut out = vec![p.current().to_vec()];
        while p.advance() {
            out.push(p.current().to_vec());
        }
        out
    }

    #[test]
    fn permutations_are_all_walked_once() {
        for n in 1..=6u32 {
            let mut got = all_permutations((0..n).rev().collect());
            assert_eq!(got[0], (0..n).collect::<Vec<_>>(), "starts sorted by label");
            let count = got.len();
            got.sort();
            got.dedup();
            assert_eq!(got.len(), count);
            assert_eq!(count, (1..=n as usize).product::<usize>());
        }
        // The reference order for three: 012 021 201 210 120 102.
        assert_eq!(
            all_permutations(vec![0, 1, 2]),
            vec![
                vec![0, 1, 2],
                vec![0, 2, 1],
                vec![2, 0, 1],
                vec![2, 1, 0],
                vec![1, 2, 0],
                vec![1, 0, 2]
            ]
        );
        // Repeats: the distinct permutations, once each.
        assert_eq!(all_permutations(vec![1, 0, 1]).len(), 3);
        assert_eq!(all_permutations(vec![2, 2, 1, 1]).len(), 6);
    }

    #[test]
    fn numbers_are_written_in_decimal() {
        for n in [0, 7, 10, 99, 12345, u32::MAX] {
            let mut s = String::new();
            push_number(&mut s, n);
            assert_eq!(s, n.to_string());
        }
    }
}
