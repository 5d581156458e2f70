//! Search latency on the shared reference data plus 10,000 synthetic RNCP
//! records. Run it optimised:
//!
//! ```text
//! cargo run --release -p atout-frameworks --example bench_search
//! ```
//!
//! The data folder comes from `ATOUT_REFERENCE_DATA` (default
//! `/work/shared/reference-data`). About 20,000 queries: prefixes of real
//! labels (2 to 12 characters), two-word prefixes, words with one typo,
//! and codes, in French and English.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use atout_frameworks::index::{Index, IndexedConcept, Query};
use atout_frameworks::normalize::{fold, words};
use atout_frameworks::read::{self, Format, Limits};
use atout_frameworks::testdata::synthetic_rncp;
use atout_frameworks::{Concept, Framework};

const QUERIES: usize = 20_000;

/// SplitMix64, as in `testdata`: deterministic query mix.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn load(root: &std::path::Path) -> Vec<Concept> {
    let limits = Limits::default();
    let mut concepts = Vec::new();
    for (folder, format, lang) in [
        ("esco", Format::Esco, Some("en")),
        ("rome", Format::Rome, None),
    ] {
        let started = Instant::now();
        let input = read::open(&root.join(folder), &limits).expect("readable reference data");
        let data = read::read(format, lang, &input, &limits).expect("importable reference data");
        println!(
            "read {folder}: {} concepts in {:?}",
            data.concepts.len(),
            started.elapsed()
        );
        concepts.extend(data.concepts);
    }
    concepts
}

/// One typo in a word: swap, deletion, insertion or substitution.
fn typo(rng: &mut Rng, word: &str) -> String {
    let mut c: Vec<char> = word.chars().collect();
    let i = 1 + rng.below(c.len() - 2);
    match rng.below(4) {
        0 => c.swap(i, i + 1),
        1 => {
            c.remove(i);
        }
        2 => c.insert(i, 'e'),
        _ => c[i] = if c[i] == 'a' { 'o' } else { 'a' },
    }
    c.into_iter().collect()
}

fn main() {
    let root = PathBuf::from(
        std::env::var("ATOUT_REFERENCE_DATA")
            .unwrap_or_else(|_| "/work/shared/reference-data".to_owned()),
    );
    let mut concepts = load(&root);
    concepts.extend(synthetic_rncp(10_000, 1).concepts);

    let started = Instant::now();
    let indexed: Vec<IndexedConcept> = concepts
        .iter()
        .map(|c| IndexedConcept::new(c, "bench"))
        .collect();
    let index = Index::build(indexed);
    println!(
        "index: {} concepts, {} labels, built in {:?}, about {:.1} MiB",
        index.len(),
        index.label_count(),
        started.elapsed(),
        index.approx_memory_bytes() as f64 / (1024.0 * 1024.0)
    );

    // The query mix.
    let mut rng = Rng(42);
    let mut queries: Vec<(String, &'static str, &'static str)> = Vec::with_capacity(QUERIES);
    while queries.len() < QUERIES {
        let c = &concepts[rng.below(concepts.len())];
        let lang = if c.labels[0].lang == "fr" { "fr" } else { "en" };
        let label = &c.labels[rng.below(c.labels.len())].text;
        let roll = rng.below(100);
        if roll < 40 {
            let k = 2 + rng.below(11);
            queries.push((label.chars().take(k).collect(), lang, "prefix"));
        } else if roll < 60 {
            let f = fold(label);
            let w: Vec<&str> = words(&f).filter(|w| w.len() >= 3).collect();
            if w.len() >= 2 {
                let a = w[0].chars().take(3 + rng.below(4)).collect::<String>();
                let b = w[1].chars().take(2 + rng.below(4)).collect::<String>();
                queries.push((format!("{a} {b}"), lang, "two words"));
            }
        } else if roll < 88 {
            let f = fold(label);
            let long: Vec<&str> = words(&f).filter(|w| w.chars().count() >= 5).collect();
            if !long.is_empty() {
                let w = long[rng.below(long.len())];
                queries.push((typo(&mut rng, w), lang, "typo"));
            }
        } else {
            let code = match c.framework {
                Framework::Esco => c.code.rsplit('/').next().unwrap_or("").to_owned(),
                Framework::Rome => c.code.to_lowercase(),
                _ => c.code.clone(),
            };
            queries.push((code, lang, "code"));
        }
    }

    // Warm up, then measure.
    for (q, lang, _) in queries.iter().take(500) {
        index.search(&Query::new(q, lang));
    }
    let mut times: Vec<(Duration, usize)> = Vec::with_capacity(queries.len());
    let mut empty = 0;
    let started = Instant::now();
    for (i, (q, lang, _)) in queries.iter().enumerate() {
        let t = Instant::now();
        let hits = index.search(&Query::new(q, lang));
        times.push((t.elapsed(), i));
        if hits.is_empty() {
            empty += 1;
        }
    }
    let total = started.elapsed();
    times.sort();
    let pct = |p: f64| {
        let i = ((times.len() as f64 * p) as usize).min(times.len() - 1);
        times[i].0.as_micros()
    };
    println!(
        "{} queries in {:?} ({} without hits): p50 {} µs, p95 {} µs, p99 {} µs, max {} µs",
        times.len(),
        total,
        empty,
        pct(0.50),
        pct(0.95),
        pct(0.99),
        times.last().map_or(0, |t| t.0.as_micros())
    );
    for kind in ["prefix", "two words", "typo", "code"] {
        let mut t: Vec<u128> = times
            .iter()
            .filter(|(_, i)| queries[*i].2 == kind)
            .map(|(d, _)| d.as_micros())
            .collect();
        t.sort();
        if !t.is_empty() {
            println!(
                "  {kind:>9}: {:>5} queries, p50 {} µs, p99 {} µs, max {} µs",
                t.len(),
                t[t.len() / 2],
                t[(t.len() * 99 / 100).min(t.len() - 1)],
                t[t.len() - 1]
            );
        }
    }
    println!("slowest:");
    for (d, i) in times.iter().rev().take(5) {
        let (q, lang, kind) = &queries[*i];
        println!("  {:>6} µs  {kind:<9} [{lang}] {q:?}", d.as_micros());
    }
    println!("hard queries (best of 9 runs):");
    let long = "a".repeat(1_000);
    let many = "de ".repeat(100);
    for q in [
        "devloppeur infirmeir programer maintenace logistque restaurtion ingenieru commercail",
        "aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee ffffffffff gggggggggg hhhhhhhhhh",
        "de la des en et du le les",
        "a b c d e f g h",
        "in",
        "co",
        "pro",
        "maneager",
        "enginaer",
        "professionenl",
        "infirmeir",
        long.as_str(),
        many.as_str(),
    ] {
        let best = (0..9)
            .map(|_| {
                let t = Instant::now();
                let n = index
                    .search(&Query {
                        limit: 50,
                        ..Query::new(q, "fr")
                    })
                    .len();
                (t.elapsed(), n)
            })
            .min()
            .unwrap_or_default();
        let shown: String = q.chars().take(60).collect();
        println!(
            "  {:>6} µs  {:>2} hits  {shown:?}",
            best.0.as_micros(),
            best.1
        );
    }
    println!("samples:");
    for q in [
        "dev web",
        "devloppeur",
        "infirmeir",
        "programer",
        "m1805",
        "data sci",
    ] {
        let lang = if q.starts_with("data") || q == "programer" {
            "en"
        } else {
            "fr"
        };
        let hits = index.search(&Query {
            limit: 3,
            ..Query::new(q, lang)
        });
        let shown: Vec<String> = hits
            .iter()
            .map(|h| format!("{} {} ({})", h.framework, h.label, h.score))
            .collect();
        println!("  {q:?} → {}", shown.join(" | "));
    }
}
