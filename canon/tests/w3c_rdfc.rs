//! The W3C RDFC-1.0 test suite, every entry of its manifest:
//! `rdfc:RDFC10EvalTest` compares the canonical N-Quads byte for byte,
//! `rdfc:RDFC10MapTest` the issued identifiers map, and
//! `rdfc:RDFC10NegativeEvalTest` ("poison" graphs) must be refused as too
//! complex. Everything runs under `Limits::default()`, the limits Atout
//! uses, so the suite also checks that they suffice for every legitimate
//! entry.
//!
//! The data is read in place from `$ATOUT_W3C_TESTS/rdf-canon/tests/`.

use atout_canon::rdfc::{canonicalize_with_hash, HashAlgorithm};
use atout_canon::{nquads, Budget, Error, Limits};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Entries not run, with the reason. Empty: every entry must pass.
const SKIPPED: &[(&str, &str)] = &[];

/// A negative entry must be refused this fast.
const NEGATIVE_TIME: Duration = Duration::from_millis(500);

fn suite_dir() -> Option<PathBuf> {
    let root = std::env::var_os("ATOUT_W3C_TESTS")?;
    Some(Path::new(&root).join("rdf-canon").join("tests"))
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Runs one entry; `Err` says why it failed, `Ok` gives the N-degree work
/// it took.
fn run(dir: &Path, entry: &Value) -> Result<u64, String> {
    let kind = entry["type"].as_str().unwrap_or("");
    let action = entry["action"].as_str().ok_or("no action")?;
    let algorithm = match entry.get("hashAlgorithm").and_then(Value::as_str) {
        None | Some("SHA256") => HashAlgorithm::Sha256,
        Some("SHA384") => HashAlgorithm::Sha384,
        Some(other) => return Err(format!("unknown hashAlgorithm {other}")),
    };
    let input = nquads::parse(&read(&dir.join(action))?)?;
    let mut budget = Budget::new(Limits::default());
    let started = Instant::now();
    let result = canonicalize_with_hash(&input, algorithm, &mut budget);
    let elapsed = started.elapsed();
    let work = budget.work_done();
    match kind {
        "rdfc:RDFC10NegativeEvalTest" => match result {
            Err(Error::TooComplex(_)) if elapsed < NEGATIVE_TIME => Ok(work),
            Err(Error::TooComplex(_)) => Err(format!("refused, but after {elapsed:?}")),
            Err(e) => Err(format!("refused with {e}, not as too complex")),
            Ok(_) => Err("accepted a poison graph".into()),
        },
        "rdfc:RDFC10EvalTest" => {
            let expected = read(&dir.join(entry["result"].as_str().ok_or("no result")?))?;
            let got = result.map_err(|e| e.to_string())?;
            if got.nquads == expected {
                Ok(work)
            } else {
                Err(format!(
                    "canonical N-Quads differ\n--- expected\n{expected}--- got\n{}",
                    got.nquads
                ))
            }
        }
        "rdfc:RDFC10MapTest" => {
            let expected: Value = serde_json::from_str(&read(
                &dir.join(entry["result"].as_str().ok_or("no result")?),
            )?)
            .map_err(|e| e.to_string())?;
            let got = result.map_err(|e| e.to_string())?;
            let map: serde_json::Map<String, Value> = got
                .issued
                .iter()
                .map(|(from, to)| (from.clone(), Value::String(to.clone())))
                .collect();
            if got.issued.len() != map.len() {
                return Err("a blank node was issued two identifiers".into());
            }
            let map = Value::Object(map);
            if map == expected {
                Ok(work)
            } else {
                Err(format!(
                    "issued map differs: expected {expected}, got {map}"
                ))
            }
        }
        other => Err(format!("unknown test type {other}")),
    }
}

#[test]
fn w3c_rdfc10() {
    let Some(dir) = suite_dir() else {
        println!("w3c_rdfc10 skipped: ATOUT_W3C_TESTS is not set");
        return;
    };
    let manifest_path = dir.join("manifest.jsonld");
    let manifest: Value = serde_json::from_str(&read(&manifest_path).expect("the manifest"))
        .expect("the manifest is JSON");
    let entries = manifest["entries"].as_array().expect("manifest entries");
    let (mut passed, mut failed, mut skipped) = (0, 0, Vec::new());
    let mut failures = Vec::new();
    let mut most_work = (0, "");
    for entry in entries {
        let id = entry["id"].as_str().unwrap_or("?");
        if let Some((_, reason)) = SKIPPED.iter().find(|(s, _)| *s == id) {
            skipped.push(format!("{id}: {reason}"));
            continue;
        }
        match run(&dir, entry) {
            Ok(work) => {
                passed += 1;
                let negative = entry["type"] == "rdfc:RDFC10NegativeEvalTest";
                if !negative && work > most_work.0 {
                    most_work = (work, id);
                }
            }
            Err(why) => {
                failed += 1;
                failures.push(format!("{id} ({}): {why}", entry["name"]));
            }
        }
    }
    for f in &failures {
        println!("FAILED {f}");
    }
    for s in &skipped {
        println!("skipped {s}");
    }
    println!(
        "most N-degree work for an accepted entry: {} ({}), limit {}",
        most_work.0,
        most_work.1,
        Limits::default().max_work
    );
    println!(
        "{passed} passed, {failed} failed, {} skipped",
        skipped.len()
    );
    assert_eq!(entries.len(), passed + failed + skipped.len());
    assert!(failures.is_empty(), "{failed} RDFC-1.0 entries failed");
}
