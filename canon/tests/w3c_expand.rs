//! The W3C JSON-LD 1.1 expansion test suite (`expand-manifest.jsonld`), run
//! in place from `$ATOUT_W3C_TESTS/json-ld-api/tests`. Every entry runs; the
//! only ones skipped are listed below with their reason.

use atout_canon::{expand, Budget, ContextCache, JsonLdOptions, Limits, Loader, ProcessingMode};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

const BASE: &str = "https://w3c.github.io/json-ld-api/tests/";

/// Maps the suite's URLs to the files of its folder (read once, on demand).
struct SuiteLoader {
    root: PathBuf,
    docs: Mutex<HashMap<String, Option<Arc<Value>>>>,
}

impl SuiteLoader {
    fn read(&self, url: &str) -> Option<Arc<Value>> {
        let rel = url.strip_prefix(BASE)?;
        let text = std::fs::read_to_string(self.root.join(rel)).ok()?;
        serde_json::from_str(&text).ok().map(Arc::new)
    }
}

impl Loader for SuiteLoader {
    fn load(&self, url: &str) -> Option<Arc<Value>> {
        let mut docs = self.docs.lock().ok()?;
        if let Some(d) = docs.get(url) {
            return d.clone();
        }
        let d = self.read(url);
        docs.insert(url.to_owned(), d.clone());
        d
    }
}

/// Why an entry is not run, if it is not.
fn skip_reason(entry: &Value) -> Option<&'static str> {
    let option = entry.get("option");
    let opt = |k: &str| option.and_then(|o| o.get(k));
    if opt("specVersion").and_then(Value::as_str) == Some("json-ld-1.0") {
        return Some("JSON-LD 1.0 only (specVersion json-ld-1.0)");
    }
    if entry
        .get("input")
        .and_then(Value::as_str)
        .is_some_and(|i| i.ends_with(".html"))
    {
        return Some("HTML input");
    }
    for k in ["contentType", "httpLink", "redirectTo", "httpStatus"] {
        if opt(k).is_some() {
            return Some("remote document loading (HTTP headers, links, redirects)");
        }
    }
    None
}

/// JSON equality where arrays are multisets, except the arrays of `@list`
/// (ordered) and the values of JSON literals (compared as they are).
fn same(a: &Value, b: &Value, ordered: bool) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter().all(|(k, v)| {
                    y.get(k).is_some_and(|w| {
                        if k == "@value" {
                            json_eq(v, w)
                        } else {
                            same(v, w, k == "@list")
                        }
                    })
                })
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return false;
            }
            if ordered {
                return x.iter().zip(y).all(|(v, w)| same(v, w, false));
            }
            let mut used = vec![false; y.len()];
            x.iter().all(|v| {
                let found = y
                    .iter()
                    .enumerate()
                    .find(|(i, w)| !used[*i] && same(v, w, false))
                    .map(|(i, _)| i);
                match found {
                    Some(i) => {
                        used[i] = true;
                        true
                    }
                    None => false,
                }
            })
        }
        _ => json_eq(a, b),
    }
}

/// Plain JSON equality, numbers compared by value.
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| json_eq(v, w))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn w3c_expand_suite() {
    let Some(root) = std::env::var_os("ATOUT_W3C_TESTS") else {
        println!(
            "w3c_expand: skipped, ATOUT_W3C_TESTS is not set (the path of the w3c-tests folder)"
        );
        return;
    };
    let dir = PathBuf::from(root).join("json-ld-api/tests");
    assert!(
        dir.is_dir(),
        "ATOUT_W3C_TESTS is set but {} is missing",
        dir.display()
    );
    let manifest = read_json(&dir.join("expand-manifest.jsonld"));
    let entries = manifest["sequence"].as_array().expect("a sequence");
    let loader = SuiteLoader {
        root: dir.clone(),
        docs: Mutex::new(HashMap::new()),
    };
    // One cache for the whole suite, as in production; every entry runs
    // twice so that the second run goes through the cached contexts.
    let cache = ContextCache::new();
    let only = std::env::var("W3C_ONLY").ok();
    let (mut passed, mut failed, mut skipped) = (0, Vec::new(), Vec::new());
    for entry in entries {
        let id = entry["@id"].as_str().unwrap_or("?");
        if only.as_deref().is_some_and(|o| !id.ends_with(o)) {
            continue;
        }
        if let Some(reason) = skip_reason(entry) {
            skipped.push(format!("{id}: {reason}"));
            continue;
        }
        let input = entry["input"].as_str().expect("input");
        let option = entry.get("option");
        let opt = |k: &str| option.and_then(|o| o.get(k)).and_then(Value::as_str);
        let options = JsonLdOptions {
            base: Some(opt("base").map_or_else(|| format!("{BASE}{input}"), str::to_owned)),
            expand_context: opt("expandContext").map(|c| read_json(&dir.join(c))),
            processing_mode: match opt("processingMode") {
                Some("json-ld-1.0") => ProcessingMode::JsonLd10,
                _ => ProcessingMode::JsonLd11,
            },
            ..JsonLdOptions::default()
        };
        let doc = read_json(&dir.join(input));
        let negative = entry["@type"]
            .as_array()
            .is_some_and(|t| t.iter().any(|t| t == "jld:NegativeEvaluationTest"));
        let mut outcome = Ok(());
        for round in 0..2 {
            let mut budget = Budget::new(Limits::default());
            let got = expand(&doc, &options, &loader, &cache, &mut budget);
            let check = if negative {
                let want = entry["expectErrorCode"].as_str().unwrap_or("?");
                match &got {
                    Err(e) if e.code() == Some(want) => Ok(()),
                    Err(e) => Err(format!("expected {want}, got error {e}")),
                    Ok(v) => Err(format!("expected {want}, got {v}")),
                }
            } else {
                let want = read_json(&dir.join(entry["expect"].as_str().expect("expect")));
                match &got {
                    Ok(v) if same(v, &want, false) => Ok(()),
                    Ok(v) => Err(format!("expected {want}\n     got {v}")),
                    Err(e) => Err(format!("error {e}")),
                }
            };
            if let Err(why) = check {
                outcome = Err(format!("{id} (round {round}): {why}"));
                break;
            }
        }
        match outcome {
            Ok(()) => passed += 1,
            Err(why) => failed.push(why),
        }
    }
    for f in &failed {
        println!("FAILED {f}");
    }
    println!("skipped:");
    for s in &skipped {
        println!("  {s}");
    }
    println!(
        "w3c_expand: {passed} passed, {} failed, {} skipped",
        failed.len(),
        skipped.len()
    );
    assert!(failed.is_empty(), "{} expansion tests failed", failed.len());
}
