//! Fails the build when a bundled JSON-LD context is not byte for byte the
//! document whose SHA-256 `src/contexts.rs` records (standards data must be
//! exact: a context edited by hand breaks interoperability both ways).

use sha2::{Digest, Sha256};
use std::path::Path;

// The digest table itself, compiled here as it is in the crate.
#[allow(dead_code)]
#[path = "src/contexts.rs"]
mod contexts;

fn main() {
    println!("cargo:rerun-if-changed=src/contexts.rs");
    println!("cargo:rerun-if-changed=contexts");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("contexts");
    let mut wrong = Vec::new();
    for b in contexts::BUNDLED.iter().chain([&contexts::ATOUT]) {
        let path = dir.join(b.file);
        println!("cargo:rerun-if-changed={}", path.display());
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) => {
                wrong.push(format!("  {} ({}): cannot read it: {e}", b.file, b.url));
                continue;
            }
        };
        let digest: String = Sha256::digest(&bytes)
            .iter()
            .map(|x| format!("{x:02x}"))
            .collect();
        if digest != b.sha256 {
            wrong.push(format!(
                "  {} ({}):\n    expected SHA-256 {}\n    found    SHA-256 {digest}",
                b.file, b.url, b.sha256
            ));
        }
    }
    if !wrong.is_empty() {
        panic!(
            "\n\nBundled JSON-LD context(s) in vc/contexts/ differ from the published \
             documents:\n{}\n\nEach file must be the published document byte for byte \
             (see docs/CONTEXTS.md for where each comes from). Restore the file; change \
             its digest in vc/src/contexts.rs only when the published document itself \
             changed, and record the new source in docs/CONTEXTS.md.\n",
            wrong.join("\n")
        );
    }
}
