//! RDF Dataset Canonicalization (RDFC-1.0, formerly URDNA2015): canonical
//! blank node labels and the sorted canonical N-Quads.
//!
//! First-degree hashes (4.6) name every blank node whose hash is unique, in
//! hash order. Blank nodes sharing a hash go through Hash N-Degree Quads
//! (4.8) and Hash Related Blank Node (4.7), with a bound on the work done
//! (the standard asks for one against poisoned datasets).
//!
//! One case is deliberately left to the full processor: in ssi 0.16's
//! implementation, a related blank node that already has a canonical label is
//! pushed to the recursion list instead of its label being appended to the
//! path (step 4.8.3 (5.4.4.1)). Its N-degree hashes then differ from the
//! standard's, so the order it gives the blank nodes of a group, hence their
//! labels, can differ (and, on ties, vary from run to run, as it walks the
//! group in hash-set order). When this route meets that case it returns
//! `None` rather than pick a side.

use crate::expand::{Dataset, Part, Quad};
use crate::Error;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Hash N-Degree work allowed (calls plus permutations) before giving up.
const MAX_WORK: usize = 50_000;
/// How deep Hash N-Degree Quads may recurse.
const MAX_RECURSION: usize = 256;

const UNISSUED: u32 = u32::MAX;

/// Why canonical labels could not be issued.
pub(crate) enum Stop {
    /// The full processor reads this dataset differently from the standard.
    Unsupported,
    /// Too much N-degree work: a poisoned dataset.
    TooComplex,
}

#[track_caller]
fn stop() -> Stop {
    crate::unsupported();
    Stop::Unsupported
}

impl From<Stop> for Option<Error> {
    fn from(s: Stop) -> Self {
        match s {
            Stop::Unsupported => None,
            Stop::TooComplex => Some(Error::TooComplex),
        }
    }
}

fn hex(digest: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(digest.len() * 2);
    for b in digest {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 0xf) as usize] as char);
    }
    s
}

/// Writes a term, blank nodes labelled by `label`.
fn write_part(out: &mut String, ds: &Dataset, part: Part, label: &impl Fn(&mut String, u32)) {
    match part {
        Part::Blank(b) => label(out, b),
        text => out.push_str(ds.text(text)),
    }
}

/// Writes an N-Quads statement (with its " .\n").
fn write_quad(out: &mut String, ds: &Dataset, q: &Quad, label: &impl Fn(&mut String, u32)) {
    write_part(out, ds, q.s, label);
    out.push(' ');
    write_part(out, ds, q.p, label);
    out.push(' ');
    write_part(out, ds, q.o, label);
    if let Some(g) = q.g {
        out.push(' ');
        write_part(out, ds, g, label);
    }
    out.push_str(" .\n");
}

fn has_blank(q: &Quad) -> bool {
    matches!(q.s, Part::Blank(_))
        || matches!(q.o, Part::Blank(_))
        || matches!(q.g, Some(Part::Blank(_)))
}

#[derive(Clone)]
struct Issuer {
    issued: Vec<u32>,
    order: Vec<u32>,
    counter: u32,
}

impl Issuer {
    fn new(n: usize) -> Self {
        Self {
            issued: vec![UNISSUED; n],
            order: Vec::new(),
            counter: 0,
        }
    }

    fn get(&self, b: u32) -> Option<u32> {
        match self.issued.get(b as usize) {
            Some(&i) if i != UNISSUED => Some(i),
            _ => None,
        }
    }

    fn issue(&mut self, b: u32) -> u32 {
        if let Some(i) = self.get(b) {
            return i;
        }
        let i = self.counter;
        if let Some(slot) = self.issued.get_mut(b as usize) {
            *slot = i;
        }
        self.order.push(b);
        self.counter += 1;
        i
    }
}

struct State<'a> {
    ds: &'a Dataset,
    /// Quads (indexes) mentioning each blank node.
    quads_of: Vec<Vec<u32>>,
    first_degree: Vec<String>,
    canonical: Issuer,
    work: usize,
    scratch: String,
    spans: Vec<(usize, usize)>,
}

impl State<'_> {
    /// Hash First Degree Quads (4.6).
    fn hash_first_degree(&mut self, b: u32) -> String {
        self.scratch.clear();
        self.spans.clear();
        let ds = self.ds;
        let label = |out: &mut String, x: u32| out.push_str(if x == b { "_:a" } else { "_:z" });
        for &qi in &self.quads_of[b as usize] {
            let start = self.scratch.len();
            if let Some(q) = ds.quads.get(qi as usize) {
                write_quad(&mut self.scratch, ds, q, &label);
            }
            self.spans.push((start, self.scratch.len()));
        }
        let scratch = &self.scratch;
        self.spans
            .sort_by(|x, y| scratch[x.0..x.1].cmp(&scratch[y.0..y.1]));
        let mut hasher = Sha256::new();
        for &(a, z) in &self.spans {
            hasher.update(&scratch.as_bytes()[a..z]);
        }
        hex(&hasher.finalize())
    }

    /// Hash Related Blank Node (4.7).
    fn hash_related(&self, related: u32, q: &Quad, issuer: &Issuer, position: char) -> String {
        let mut input = String::with_capacity(140);
        input.push(position);
        if position != 'g' {
            input.push_str(self.ds.text(q.p));
        }
        if let Some(c) = self.canonical.get(related) {
            let _ = write!(input, "_:c14n{c}");
        } else if let Some(i) = issuer.get(related) {
            let _ = write!(input, "_:b{i}");
        } else if let Some(h) = self.first_degree.get(related as usize) {
            input.push_str(h);
        }
        hex(&Sha256::digest(input.as_bytes()))
    }

    /// Hash N-Degree Quads (4.8).
    fn hash_n_degree(
        &mut self,
        id: u32,
        issuer: &Issuer,
        depth: usize,
    ) -> Result<(String, Issuer), Stop> {
        self.work += 1;
        if self.work > MAX_WORK || depth > MAX_RECURSION {
            return Err(Stop::TooComplex);
        }
        let mut related_by_hash: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        let ds = self.ds;
        for &qi in &self.quads_of[id as usize] {
            let Some(q) = ds.quads.get(qi as usize) else {
                continue;
            };
            for (part, position) in [(Some(q.s), 's'), (Some(q.o), 'o'), (q.g, 'g')] {
                if let Some(Part::Blank(r)) = part {
                    if r != id {
                        let h = self.hash_related(r, q, issuer, position);
                        related_by_hash.entry(h).or_default().push(r);
                    }
                }
            }
        }
        let mut data = String::new();
        let mut issuer = issuer.clone();
        for (related_hash, list) in related_by_hash {
            data.push_str(&related_hash);
            // ssi departs from the standard for related nodes that already
            // have canonical labels (see the module documentation).
            if list.iter().any(|r| self.canonical.get(*r).is_some()) {
                return Err(stop());
            }
            let mut chosen_path = String::new();
            let mut chosen_issuer: Option<Issuer> = None;
            // Every distinct permutation (a node related through several
            // quads appears several times; permutations that are the same
            // sequence give the same path and issuer, so once is enough).
            let mut permutation = list;
            permutation.sort_unstable();
            loop {
                self.work += 1;
                if self.work > MAX_WORK {
                    return Err(Stop::TooComplex);
                }
                if let Some((path, issuer_copy)) =
                    self.try_permutation(&permutation, &issuer, &chosen_path, depth)?
                {
                    if chosen_path.is_empty() || path < chosen_path {
                        chosen_path = path;
                        chosen_issuer = Some(issuer_copy);
                    }
                }
                if !next_permutation(&mut permutation) {
                    break;
                }
            }
            data.push_str(&chosen_path);
            issuer = chosen_issuer.ok_or_else(|| stop())?;
        }
        Ok((hex(&Sha256::digest(data.as_bytes())), issuer))
    }

    /// Steps 5.4.1 to 5.4.5 for one permutation; `None` when it cannot beat
    /// the chosen path.
    fn try_permutation(
        &mut self,
        permutation: &[u32],
        issuer: &Issuer,
        chosen_path: &str,
        depth: usize,
    ) -> Result<Option<(String, Issuer)>, Stop> {
        let beaten = |path: &str| {
            !chosen_path.is_empty() && path.len() >= chosen_path.len() && path > chosen_path
        };
        let mut issuer_copy = issuer.clone();
        let mut path = String::new();
        let mut recursion = Vec::new();
        for &related in permutation {
            if issuer_copy.get(related).is_none() {
                recursion.push(related);
            }
            let n = issuer_copy.issue(related);
            let _ = write!(path, "_:b{n}");
            if beaten(&path) {
                return Ok(None);
            }
        }
        for related in recursion {
            let (hash, result_issuer) = self.hash_n_degree(related, &issuer_copy, depth + 1)?;
            let n = issuer_copy.issue(related);
            let _ = write!(path, "_:b{n}<{hash}>");
            issuer_copy = result_issuer;
            if beaten(&path) {
                return Ok(None);
            }
        }
        Ok(Some((path, issuer_copy)))
    }
}

/// The next distinct permutation in lexicographic order; `false` after the
/// last.
fn next_permutation(v: &mut [u32]) -> bool {
    let n = v.len();
    if n < 2 {
        return false;
    }
    let mut i = n - 1;
    while i > 0 && v[i - 1] >= v[i] {
        i -= 1;
    }
    if i == 0 {
        return false;
    }
    let mut j = n - 1;
    while v[j] <= v[i - 1] {
        j -= 1;
    }
    v.swap(i - 1, j);
    v[i..].reverse();
    true
}

/// The canonical labels of the blank nodes (index: blank node, value: the
/// number in `_:c14nN`).
pub(crate) fn labels(ds: &Dataset) -> Result<Vec<u32>, Stop> {
    let n = ds.blanks as usize;
    let mut quads_of: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (i, q) in ds.quads.iter().enumerate() {
        let i = u32::try_from(i).map_err(|_| stop())?;
        let mut seen: [u32; 3] = [UNISSUED; 3];
        for (k, part) in [Some(q.s), Some(q.o), q.g].into_iter().enumerate() {
            if let Some(Part::Blank(b)) = part {
                // A blank node twice in one quad: ssi would list the quad
                // twice for it.
                if seen.contains(&b) {
                    return Err(stop());
                }
                seen[k] = b;
                quads_of.get_mut(b as usize).ok_or_else(|| stop())?.push(i);
            }
        }
    }
    let mut state = State {
        ds,
        quads_of,
        first_degree: vec![String::new(); n],
        canonical: Issuer::new(n),
        work: 0,
        scratch: String::with_capacity(2048),
        spans: Vec::with_capacity(16),
    };
    let mut by_hash: Vec<u32> = Vec::new();
    for b in 0..ds.blanks {
        if !state.quads_of[b as usize].is_empty() {
            let h = state.hash_first_degree(b);
            state.first_degree[b as usize] = h;
            by_hash.push(b);
        }
    }
    by_hash.sort_by(|a, b| state.first_degree[*a as usize].cmp(&state.first_degree[*b as usize]));
    // Groups of blank nodes sharing a first-degree hash, in hash order.
    let mut groups: Vec<&[u32]> = Vec::new();
    let mut start = 0;
    while start < by_hash.len() {
        let h = &state.first_degree[by_hash[start] as usize];
        let mut end = start + 1;
        while end < by_hash.len() && &state.first_degree[by_hash[end] as usize] == h {
            end += 1;
        }
        groups.push(&by_hash[start..end]);
        start = end;
    }
    // Step 5: unique hashes first.
    for group in &groups {
        if let [b] = group {
            state.canonical.issue(*b);
        }
    }
    // Step 6: the others.
    for group in groups.iter().filter(|g| g.len() > 1) {
        let mut results: Vec<(String, Issuer)> = Vec::new();
        for &b in group.iter() {
            if state.canonical.get(b).is_some() {
                continue;
            }
            let mut temporary = Issuer::new(n);
            temporary.issue(b);
            results.push(state.hash_n_degree(b, &temporary, 0)?);
        }
        results.sort_by(|x, y| x.0.cmp(&y.0));
        for (_, issuer) in results {
            for &b in &issuer.order {
                state.canonical.issue(b);
            }
        }
    }
    let mut labels = vec![UNISSUED; n];
    for (b, label) in labels.iter_mut().enumerate() {
        if !state.quads_of[b].is_empty() {
            *label = state.canonical.get(b as u32).ok_or_else(|| stop())?;
        }
    }
    Ok(labels)
}

/// The canonical N-Quads lines, sorted, without duplicates.
pub(crate) struct Canonical {
    text: String,
    spans: Vec<(usize, usize)>,
}

impl Canonical {
    pub(crate) fn lines(&self) -> impl Iterator<Item = &str> {
        self.spans.iter().map(|&(a, z)| &self.text[a..z])
    }

    pub(crate) fn len(&self) -> usize {
        self.text.len()
    }
}

/// Writes the canonical lines. An RDF dataset is a set: duplicate quads are
/// written once, but duplicates involving a blank node are declined, because
/// ssi counts them twice in its hashes (the labels are still computed on
/// them before, harmlessly: the result is then dropped). Identical lines are
/// exactly identical quads, as labels are distinct.
pub(crate) fn canonical(ds: &Dataset, labels: &[u32]) -> Result<Canonical, Stop> {
    let mut text = String::with_capacity(ds.buf.len() + ds.quads.len() * 24);
    let mut spans: Vec<(usize, usize, bool)> = Vec::with_capacity(ds.quads.len());
    let label = |out: &mut String, b: u32| {
        let n = labels.get(b as usize).copied().unwrap_or(UNISSUED);
        let _ = write!(out, "_:c14n{n}");
    };
    for q in &ds.quads {
        let start = text.len();
        write_quad(&mut text, ds, q, &label);
        spans.push((start, text.len(), has_blank(q)));
    }
    spans.sort_unstable_by(|x, y| text[x.0..x.1].cmp(&text[y.0..y.1]));
    let mut kept: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    let mut last: Option<&str> = None;
    for &(a, z, blank) in &spans {
        let line = &text[a..z];
        if last == Some(line) {
            if blank {
                return Err(stop());
            }
            continue;
        }
        kept.push((a, z));
        last = Some(line);
    }
    Ok(Canonical { text, spans: kept })
}
