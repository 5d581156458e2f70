//! The W3C JSON-LD 1.1 toRdf test suite (`toRdf-manifest.jsonld`), read in
//! place from `$ATOUT_W3C_TESTS/json-ld-api/tests/`.
//!
//! `w3c_tordf` runs every entry through the whole pipeline (expansion, node
//! map, toRdf) and compares datasets as isomorphic (both sides canonicalised
//! with RDFC-1.0), error codes for negative tests.
//!
//! `w3c_tordf_from_expanded` checks the node map and toRdf alone: every
//! toRdf test whose input is byte for byte the input of an expand test gets
//! that test's expected expanded form as its input, and its datasets are
//! compared with a small isomorphism check of this file (independent of the
//! crate's RDFC-1.0 and N-Quads parser).

use atout_canon::rdf::{self, Dataset, Literal, Quad, Term};
use atout_canon::{
    Budget, ContextCache, Error, JsonLdOptions, Limits, Loader, ProcessingMode, RdfDirection,
};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where the manifests place the tests.
const BASE: &str = "https://w3c.github.io/json-ld-api/tests/";

/// Entries that may fail, with the reason. Each is still run: one that
/// passes is reported, so that the list can shrink.
const SKIP: &[(&str, &str)] = &[
    // The expected output has a blank node predicate: the N-Quads parser
    // (standard N-Quads) may not read it back.
    (
        "#te075",
        "generalized RDF (blank node predicates) in the expected N-Quads",
    ),
];

/// Entries `normative: false` may also fail (reported as skipped).
const NON_NORMATIVE_REASON: &str = "non-normative test (normative: false)";

fn suite_root() -> Option<PathBuf> {
    let Some(dir) = std::env::var_os("ATOUT_W3C_TESTS") else {
        println!(
            "w3c_tordf: skipped: ATOUT_W3C_TESTS is not set (the path of the w3c-tests folder)"
        );
        return None;
    };
    let root = PathBuf::from(dir).join("json-ld-api/tests");
    assert!(
        root.join("toRdf-manifest.jsonld").is_file(),
        "ATOUT_W3C_TESTS is set but {} has no toRdf-manifest.jsonld",
        root.display()
    );
    Some(root)
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// Test documents by URL: the suite's folder under [`BASE`], read on demand.
struct SuiteLoader {
    root: PathBuf,
}

impl Loader for SuiteLoader {
    fn load(&self, url: &str) -> Option<Arc<Value>> {
        let relative = url.strip_prefix(BASE)?;
        let relative = relative.split(['#', '?']).next()?;
        if relative.split('/').any(|part| part == "..") {
            return None;
        }
        let text = std::fs::read_to_string(self.root.join(relative)).ok()?;
        serde_json::from_str(&text).ok().map(Arc::new)
    }
}

struct Entry<'m> {
    id: &'m str,
    types: Vec<&'m str>,
    input: &'m str,
    expect: Option<&'m str>,
    error: Option<&'m str>,
    option: Option<&'m serde_json::Map<String, Value>>,
}

impl<'m> Entry<'m> {
    fn from(v: &'m Value) -> Self {
        let s = |k: &str| v.get(k).and_then(Value::as_str);
        let types = match v.get("@type") {
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
            Some(Value::String(t)) => vec![t.as_str()],
            _ => Vec::new(),
        };
        Entry {
            id: s("@id").unwrap_or("?"),
            types,
            input: s("input").unwrap_or(""),
            expect: s("expect"),
            error: s("expectErrorCode"),
            option: v.get("option").and_then(Value::as_object),
        }
    }

    fn opt(&self, key: &str) -> Option<&'m Value> {
        self.option.and_then(|o| o.get(key))
    }

    fn opt_str(&self, key: &str) -> Option<&'m str> {
        self.opt(key).and_then(Value::as_str)
    }

    fn is(&self, t: &str) -> bool {
        self.types.contains(&t)
    }

    fn only_json_ld_10(&self) -> bool {
        self.opt_str("specVersion") == Some("json-ld-1.0")
    }

    fn normative(&self) -> bool {
        self.opt("normative").and_then(Value::as_bool) != Some(false)
    }

    /// The options of this entry; `expandContext` is read from its file.
    fn options(&self, root: &Path) -> Result<JsonLdOptions, String> {
        let mut options = JsonLdOptions {
            base: Some(
                self.opt_str("base")
                    .map(str::to_owned)
                    .unwrap_or_else(|| format!("{BASE}{}", self.input)),
            ),
            ..JsonLdOptions::default()
        };
        if let Some(path) = self.opt_str("expandContext") {
            let doc = read_json(&root.join(path));
            options.expand_context = Some(match doc.get("@context") {
                Some(ctx) => ctx.clone(),
                None => doc,
            });
        }
        match self.opt_str("processingMode") {
            None | Some("json-ld-1.1") => {}
            Some("json-ld-1.0") => options.processing_mode = ProcessingMode::JsonLd10,
            Some(other) => return Err(format!("unknown processingMode {other}")),
        }
        match self.opt_str("rdfDirection") {
            None => {}
            Some("i18n-datatype") => options.rdf_direction = Some(RdfDirection::I18nDatatype),
            Some("compound-literal") => options.rdf_direction = Some(RdfDirection::CompoundLiteral),
            Some(other) => return Err(format!("unknown rdfDirection {other}")),
        }
        options.produce_generalized_rdf = self
            .opt("produceGeneralizedRdf")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        Ok(options)
    }
}

/// What one run came to.
enum Outcome {
    Pass,
    Fail(String),
    Skip(String),
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: Vec<(String, String)>,
    skipped: Vec<(String, String)>,
    listed_but_passing: Vec<String>,
}

impl Tally {
    fn record(&mut self, entry: &Entry<'_>, outcome: Outcome) {
        let listed = SKIP
            .iter()
            .find(|(id, _)| *id == entry.id)
            .map(|(_, reason)| *reason)
            .or((!entry.normative()).then_some(NON_NORMATIVE_REASON));
        match (outcome, listed) {
            (Outcome::Pass, None) => self.passed += 1,
            (Outcome::Pass, Some(_)) => {
                self.passed += 1;
                if SKIP.iter().any(|(id, _)| *id == entry.id) {
                    self.listed_but_passing.push(entry.id.to_owned());
                }
            }
            (Outcome::Skip(reason), _) => self.skipped.push((entry.id.to_owned(), reason)),
            (Outcome::Fail(why), Some(reason)) => self
                .skipped
                .push((entry.id.to_owned(), format!("{reason} (fails: {why})"))),
            (Outcome::Fail(why), None) => self.failed.push((entry.id.to_owned(), why)),
        }
    }

    fn report(&self, what: &str) {
        println!(
            "{what}: {} passed, {} failed, {} skipped",
            self.passed,
            self.failed.len(),
            self.skipped.len()
        );
        for (id, reason) in &self.skipped {
            println!("  skipped {id}: {reason}");
        }
        for id in &self.listed_but_passing {
            println!("  note: {id} is in the skip list but passes");
        }
        for (id, why) in &self.failed {
            println!("  FAILED {id}: {why}");
        }
        assert!(
            self.failed.is_empty(),
            "{what}: {} unexpected failures",
            self.failed.len()
        );
    }
}

fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default();
        format!("panicked: {message}")
    })
}

#[test]
fn w3c_tordf() {
    let Some(root) = suite_root() else { return };
    let manifest = read_json(&root.join("toRdf-manifest.jsonld"));
    let entries = manifest
        .get("sequence")
        .and_then(Value::as_array)
        .expect("the manifest has a sequence");
    let loader = SuiteLoader { root: root.clone() };
    let cache = ContextCache::new();
    let mut tally = Tally::default();
    for raw in entries {
        let entry = Entry::from(raw);
        let outcome = run_pipeline(&entry, &root, &loader, &cache);
        tally.record(&entry, outcome);
    }
    tally.report("w3c_tordf");
}

fn run_pipeline(
    entry: &Entry<'_>,
    root: &Path,
    loader: &SuiteLoader,
    cache: &ContextCache,
) -> Outcome {
    if entry.only_json_ld_10() {
        return Outcome::Skip("JSON-LD 1.0 only (specVersion json-ld-1.0)".into());
    }
    if !entry.input.ends_with(".jsonld") && !entry.input.ends_with(".json") {
        return Outcome::Skip(format!("input is not JSON ({})", entry.input));
    }
    let options = match entry.options(root) {
        Ok(options) => options,
        Err(why) => return Outcome::Fail(why),
    };
    let doc = read_json(&root.join(entry.input));
    let result = guarded(|| {
        let mut budget = Budget::new(Limits::default());
        atout_canon::to_rdf(&doc, &options, loader, cache, &mut budget)
    });
    let result = match result {
        Ok(result) => result,
        Err(panic) => return Outcome::Fail(panic),
    };
    if entry.is("jld:NegativeEvaluationTest") {
        let expected = entry.error.unwrap_or("?");
        return match result {
            Err(Error::JsonLd { code, .. }) if code == expected => Outcome::Pass,
            Err(e) => Outcome::Fail(format!("expected error '{expected}', got '{e}'")),
            Ok(_) => Outcome::Fail(format!("expected error '{expected}', got a dataset")),
        };
    }
    let dataset = match result {
        Ok(dataset) => dataset,
        Err(e) => return Outcome::Fail(format!("error: {e}")),
    };
    if entry.is("jld:PositiveSyntaxTest") {
        return Outcome::Pass;
    }
    let Some(expect) = entry.expect else {
        return Outcome::Fail("no expected output".into());
    };
    let text = match std::fs::read_to_string(root.join(expect)) {
        Ok(text) => text,
        Err(e) => return Outcome::Fail(format!("cannot read {expect}: {e}")),
    };
    let expected = match atout_canon::nquads::parse(&text) {
        Ok(expected) => expected,
        Err(e) => return Outcome::Fail(format!("expected N-Quads not parsed: {e}")),
    };
    let canonical = |d: &Dataset| {
        let mut budget = Budget::new(Limits::default());
        atout_canon::rdfc::canonicalize(d, &mut budget).map(|c| c.nquads)
    };
    match (canonical(&dataset), canonical(&expected)) {
        (Ok(ours), Ok(theirs)) if ours == theirs => Outcome::Pass,
        (Ok(ours), Ok(theirs)) => Outcome::Fail(format!(
            "datasets differ\n--- ours\n{ours}--- expected\n{theirs}"
        )),
        (Err(e), _) | (_, Err(e)) => Outcome::Fail(format!("canonicalisation failed: {e}")),
    }
}

/// Pairs of (toRdf entry, expand entry) with the same input document.
#[test]
fn w3c_tordf_from_expanded() {
    let Some(root) = suite_root() else { return };
    let to_rdf = read_json(&root.join("toRdf-manifest.jsonld"));
    let expand = read_json(&root.join("expand-manifest.jsonld"));
    let list = |m: &Value| -> Vec<Value> {
        m.get("sequence")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let expand_entries = list(&expand);
    let mut by_input: HashMap<Vec<u8>, Entry<'_>> = HashMap::new();
    for raw in &expand_entries {
        let entry = Entry::from(raw);
        if entry.expect.is_none() || entry.only_json_ld_10() {
            continue;
        }
        if let Ok(bytes) = std::fs::read(root.join(entry.input)) {
            by_input.insert(bytes, entry);
        }
    }
    let to_rdf_entries = list(&to_rdf);
    let mut tally = Tally::default();
    let mut paired = 0;
    for raw in &to_rdf_entries {
        let entry = Entry::from(raw);
        let (Some(expect), false) = (entry.expect, entry.only_json_ld_10()) else {
            continue;
        };
        let Ok(bytes) = std::fs::read(root.join(entry.input)) else {
            continue;
        };
        let Some(twin) = by_input.get(&bytes) else {
            continue;
        };
        let same_options = ["base", "expandContext", "processingMode"]
            .iter()
            .all(|k| entry.opt(k) == twin.opt(k));
        let Ok(expected_text) = std::fs::read_to_string(root.join(expect)) else {
            continue;
        };
        // IRIs made from the document's own location differ between the
        // two suites' folders.
        if !same_options || expected_text.contains(BASE) {
            continue;
        }
        paired += 1;
        let expanded = read_json(&root.join(twin.expect.unwrap_or("")));
        let options = match entry.options(&root) {
            Ok(options) => options,
            Err(why) => {
                tally.record(&entry, Outcome::Fail(why));
                continue;
            }
        };
        let outcome = match guarded(|| {
            let mut budget = Budget::new(Limits::default());
            atout_canon::to_rdf::to_rdf(&expanded, &options, &mut budget)
        }) {
            Err(panic) => Outcome::Fail(panic),
            Ok(Err(e)) => Outcome::Fail(format!("error: {e}")),
            Ok(Ok(ours)) => match nq::parse(&expected_text) {
                Err(e) => Outcome::Fail(format!("expected N-Quads not parsed: {e}")),
                Ok(theirs) if iso::isomorphic(&ours, &theirs) => Outcome::Pass,
                Ok(theirs) => Outcome::Fail(format!(
                    "datasets differ\n--- ours\n{}--- expected\n{}",
                    nq::write(&ours),
                    nq::write(&theirs)
                )),
            },
        };
        tally.record(&entry, outcome);
    }
    println!("w3c_tordf_from_expanded: {paired} toRdf tests paired with an expand test");
    assert!(
        paired > 200,
        "too few pairs ({paired}): is the suite complete?"
    );
    tally.report("w3c_tordf_from_expanded");
}

/// A small N-Quads reader for the expected outputs (blank node predicates
/// accepted), and a writer for reports.
mod nq {
    use super::*;

    pub fn write(d: &Dataset) -> String {
        let mut lines: Vec<String> = d
            .iter()
            .map(|q| {
                let mut s = String::new();
                rdf::write_quad(&mut s, q);
                s
            })
            .collect();
        lines.sort();
        lines.concat()
    }

    pub fn parse(text: &str) -> Result<Dataset, String> {
        let mut out = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut chars = line.chars().peekable();
            let mut terms = Vec::new();
            loop {
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                match chars.peek() {
                    Some('.') | None => break,
                    _ => terms.push(term(&mut chars).map_err(|e| format!("line {}: {e}", n + 1))?),
                }
            }
            let mut terms = terms.into_iter();
            let (Some(subject), Some(predicate), Some(object), graph, None) = (
                terms.next(),
                terms.next(),
                terms.next(),
                terms.next(),
                terms.next(),
            ) else {
                return Err(format!("line {}: not 3 or 4 terms", n + 1));
            };
            out.push(Quad {
                subject,
                predicate,
                object,
                graph,
            });
        }
        Ok(out)
    }

    type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

    fn term(chars: &mut Chars<'_>) -> Result<Term, String> {
        match chars.next() {
            Some('<') => Ok(Term::Iri(until(chars, '>')?)),
            Some('_') => {
                if chars.next() != Some(':') {
                    return Err("bad blank node".into());
                }
                let mut label = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() {
                        break;
                    }
                    label.push(c);
                    chars.next();
                }
                // A label cannot end with '.': that one ends the statement.
                let label = label.strip_suffix('.').unwrap_or(&label).to_owned();
                Ok(Term::Blank(label))
            }
            Some('"') => {
                let value = until(chars, '"')?;
                match chars.peek() {
                    Some('@') => {
                        chars.next();
                        let mut tag = String::new();
                        while let Some(&c) = chars.peek() {
                            if c.is_ascii_alphanumeric() || c == '-' {
                                tag.push(c);
                                chars.next();
                            } else {
                                break;
                            }
                        }
                        Ok(Term::Literal(Literal {
                            value,
                            datatype: rdf::RDF_LANG_STRING.into(),
                            language: Some(tag),
                        }))
                    }
                    Some('^') => {
                        chars.next();
                        if chars.next() != Some('^') || chars.next() != Some('<') {
                            return Err("bad datatype".into());
                        }
                        Ok(Term::literal(value, until(chars, '>')?))
                    }
                    _ => Ok(Term::literal(value, rdf::XSD_STRING)),
                }
            }
            other => Err(format!("unexpected {other:?}")),
        }
    }

    /// Reads up to `end`, unescaping `\` sequences.
    fn until(chars: &mut Chars<'_>, end: char) -> Result<String, String> {
        let mut s = String::new();
        loop {
            match chars.next() {
                None => return Err(format!("no closing {end}")),
                Some(c) if c == end => return Ok(s),
                Some('\\') => {
                    let c = match chars.next() {
                        Some('t') => '\t',
                        Some('b') => '\u{8}',
                        Some('n') => '\n',
                        Some('r') => '\r',
                        Some('f') => '\u{c}',
                        Some(c @ ('"' | '\'' | '\\')) => c,
                        Some(u @ ('u' | 'U')) => {
                            let len = if u == 'u' { 4 } else { 8 };
                            let hex: String = chars.by_ref().take(len).collect();
                            u32::from_str_radix(&hex, 16)
                                .ok()
                                .and_then(char::from_u32)
                                .ok_or_else(|| format!("bad escape \\{u}{hex}"))?
                        }
                        other => return Err(format!("bad escape {other:?}")),
                    };
                    s.push(c);
                }
                Some(c) => s.push(c),
            }
        }
    }
}

/// Dataset isomorphism: a bijection of blank nodes making the quad sets
/// equal, found by colour refinement and backtracking (test sizes only).
mod iso {
    use super::*;
    use std::collections::hash_map::DefaultHasher;
    use std::hash::{Hash, Hasher};

    fn blanks(q: &Quad) -> impl Iterator<Item = &str> {
        [
            Some(&q.subject),
            Some(&q.predicate),
            Some(&q.object),
            q.graph.as_ref(),
        ]
        .into_iter()
        .flatten()
        .filter_map(Term::as_blank)
    }

    /// A quad with blank nodes written through `name`.
    fn shape(q: &Quad, name: &dyn Fn(&str) -> String) -> String {
        let mut s = String::new();
        rdf::write_quad_with(&mut s, q, &|out, b| out.push_str(&name(b)));
        s
    }

    fn colours(d: &BTreeSet<Quad>) -> BTreeMap<String, u64> {
        let mut colour: BTreeMap<String, u64> = BTreeMap::new();
        for q in d {
            for b in blanks(q) {
                colour.insert(b.to_owned(), 0);
            }
        }
        for _ in 0..=colour.len().min(16) {
            let mut next = BTreeMap::new();
            for b in colour.keys() {
                let mut seen: Vec<String> = d
                    .iter()
                    .filter(|q| blanks(q).any(|x| x == b))
                    .map(|q| {
                        shape(q, &|x| {
                            if x == b {
                                "@self".into()
                            } else {
                                format!("_:{}", colour[x])
                            }
                        })
                    })
                    .collect();
                seen.sort();
                let mut h = DefaultHasher::new();
                (colour[b], seen).hash(&mut h);
                next.insert(b.clone(), h.finish());
            }
            colour = next;
        }
        colour
    }

    pub fn isomorphic(a: &Dataset, b: &Dataset) -> bool {
        let a: BTreeSet<Quad> = a.iter().cloned().collect();
        let b: BTreeSet<Quad> = b.iter().cloned().collect();
        if a.len() != b.len() {
            return false;
        }
        let ca = colours(&a);
        let cb = colours(&b);
        let mut ha: Vec<u64> = ca.values().copied().collect();
        let mut hb: Vec<u64> = cb.values().copied().collect();
        ha.sort_unstable();
        hb.sort_unstable();
        if ha != hb {
            return false;
        }
        let order: Vec<&String> = ca.keys().collect();
        let mut mapping: HashMap<String, String> = HashMap::new();
        let mut used: BTreeSet<String> = BTreeSet::new();
        search(&a, &b, &ca, &cb, &order, &mut mapping, &mut used)
    }

    fn search(
        a: &BTreeSet<Quad>,
        b: &BTreeSet<Quad>,
        ca: &BTreeMap<String, u64>,
        cb: &BTreeMap<String, u64>,
        order: &[&String],
        mapping: &mut HashMap<String, String>,
        used: &mut BTreeSet<String>,
    ) -> bool {
        let Some((first, rest)) = order.split_first() else {
            return a.iter().all(|q| b.contains(&rename(q, mapping)));
        };
        for (candidate, colour) in cb {
            if *colour != ca[*first] || used.contains(candidate) {
                continue;
            }
            mapping.insert((*first).clone(), candidate.clone());
            used.insert(candidate.clone());
            let consistent = a
                .iter()
                .filter(|q| blanks(q).all(|x| mapping.contains_key(x)))
                .all(|q| b.contains(&rename(q, mapping)));
            if consistent && search(a, b, ca, cb, rest, mapping, used) {
                return true;
            }
            mapping.remove(*first);
            used.remove(candidate);
        }
        false
    }

    fn rename(q: &Quad, mapping: &HashMap<String, String>) -> Quad {
        let t = |t: &Term| match t {
            Term::Blank(x) => Term::Blank(mapping.get(x).cloned().unwrap_or_default()),
            other => other.clone(),
        };
        Quad {
            subject: t(&q.subject),
            predicate: t(&q.predicate),
            object: t(&q.object),
            graph: q.graph.as_ref().map(t),
        }
    }
}
