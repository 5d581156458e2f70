//! Reads publisher files and prints what they hold, without storing
//! anything: `cargo run -p atout-frameworks --example import -- esco en
//! /work/shared/reference-data/esco` (format `esco`, `rome` or `rncp`; the
//! language only for ESCO).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use atout_frameworks::read::{self, Format, Limits};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (format, lang, path) = match args.as_slice() {
        [f, path] => (f, None, path),
        [f, lang, path] => (f, Some(lang.as_str()), path),
        _ => {
            eprintln!("usage: import <esco|rome|rncp> [lang] <path>");
            return ExitCode::FAILURE;
        }
    };
    let Some(format) = Format::parse(format) else {
        eprintln!("unknown format {format}: esco, rome or rncp");
        return ExitCode::FAILURE;
    };
    let limits = Limits::default();
    let started = std::time::Instant::now();
    let result = read::open(Path::new(path), &limits)
        .and_then(|input| read::read(format, lang, &input, &limits));
    let data = match result {
        Ok(d) => d,
        Err(e) => {
            eprintln!("refused: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("read in {:?}", started.elapsed());
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for c in &data.concepts {
        *counts
            .entry(format!("{} {}", c.framework, c.kind.as_str()))
            .or_default() += 1;
        for l in &c.labels {
            let what = match (l.preferred, l.guessed) {
                (true, false) => "preferred labels",
                (true, true) => "guessed labels",
                (false, _) => "alternative labels",
            };
            *counts.entry(format!("{} {what}", c.framework)).or_default() += 1;
        }
        if !c.active {
            *counts
                .entry(format!("{} inactive", c.framework))
                .or_default() += 1;
        }
    }
    for l in &data.links {
        *counts
            .entry(format!("links {}", l.relation.as_str()))
            .or_default() += 1;
    }
    for (what, n) in counts {
        println!("{n:>8}  {what}");
    }
    println!("languages: {}", data.languages.join(", "));
    println!("{} lines skipped", data.notes.len());
    for n in data.notes.iter().take(10) {
        println!("  {}, line {}: {}", n.file, n.line, n.reason);
    }
    ExitCode::SUCCESS
}
