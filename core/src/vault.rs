//! The document vault: citizens' files, encrypted at rest, in an object
//! store (a local folder by default, S3-compatible storage by setting).
//!
//! # Keys
//! Each file has a key of its own (32 random bytes). That key is wrapped
//! (AES-256-GCM) by the citizen's document key, with the document id as
//! associated data, and the wrapped key is stored in the document's row.
//! Erasing the row therefore makes the object unreadable even if it
//! survived, and a wrapped key moved to another row does not open.
//!
//! # Object format (segmented AEAD, after the STREAM construction)
//! ```text
//! "ATV1" | segment size (u32, big-endian) | segment 0 | segment 1 | ... | final segment
//! ```
//! Every segment is AES-256-GCM over at most [`SEGMENT`] plaintext bytes,
//! with its 16-byte tag appended. Its nonce is `0x000000 | counter (u64 BE)
//! | final flag (1 byte)` (unique because the key is unique to the file),
//! and its associated data is the 8-byte header followed by the document
//! id. Every segment but the last holds exactly [`SEGMENT`] bytes; the last
//! holds fewer (possibly none) and carries the final flag. So:
//! * reordering or dropping a segment changes its counter: the tag fails;
//! * cutting the object at a segment boundary leaves a full segment
//!   without the final flag, and no final segment: refused as truncated;
//! * cutting it inside a segment, or appending to it, makes the last
//!   segment fail under the final flag;
//! * an object copied under another document fails (the id is in the AAD).
//!
//! Neither side ever holds more than a segment (plus what the object
//! store buffers) of a file: uploads and downloads stream.
//!
//! # Object keys
//! Random (128 bits, hex, in 256 folders), never derived from input: no
//! file name or path from a request reaches the store.

use crate::crypto::{random_bytes, MasterKey};
use bytes::Bytes;
use futures_util::{stream::BoxStream, StreamExt};
use object_store::{
    local::LocalFileSystem, memory::InMemory, path::Path as ObjectPath, ObjectStore,
    ObjectStoreExt, PutPayload, WriteMultipart,
};
use ring::aead;
use std::{path::PathBuf, sync::Arc};
use zeroize::Zeroizing;

/// Plaintext bytes per segment.
pub const SEGMENT: usize = 64 * 1024;
const TAG: usize = 16;
const MAGIC: &[u8; 4] = b"ATV1";
const HEADER_LEN: usize = 8;
/// Ciphertext is buffered in memory up to this size and stored in one
/// request; a larger file goes up as a multipart upload in parts of this
/// size (S3 wants at least 5 MiB per part).
const PART: usize = 8 * 1024 * 1024;
/// Parts uploading at once.
const PARTS_IN_FLIGHT: usize = 2;

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("{0}")]
    Config(String),
    #[error("object storage failed: {0}")]
    Storage(#[from] object_store::Error),
    /// Wrong key, altered, truncated or reordered data.
    #[error("the document could not be decrypted: {0}")]
    Decrypt(&'static str),
    #[error("the system random number generator failed")]
    Random,
}

fn header() -> [u8; HEADER_LEN] {
    let mut h = [0u8; HEADER_LEN];
    h[..4].copy_from_slice(MAGIC);
    h[4..].copy_from_slice(&(SEGMENT as u32).to_be_bytes());
    h
}

fn segment_aad(document_id: &str) -> Vec<u8> {
    let mut aad = header().to_vec();
    aad.extend_from_slice(document_id.as_bytes());
    aad
}

fn nonce(counter: u64, last: bool) -> aead::Nonce {
    let mut n = [0u8; 12];
    n[3..11].copy_from_slice(&counter.to_be_bytes());
    n[11] = u8::from(last);
    aead::Nonce::assume_unique_for_key(n)
}

fn aead_key(key: &[u8]) -> Result<aead::LessSafeKey, VaultError> {
    let unbound = aead::UnboundKey::new(&aead::AES_256_GCM, key)
        .map_err(|_| VaultError::Decrypt("a file key must be 32 bytes"))?;
    Ok(aead::LessSafeKey::new(unbound))
}

fn wrap_aad(document_id: &str) -> Vec<u8> {
    format!("atout-document-key:{document_id}").into_bytes()
}

/// A fresh random file key.
pub fn new_file_key() -> Result<Zeroizing<Vec<u8>>, VaultError> {
    Ok(Zeroizing::new(
        random_bytes(32).map_err(|_| VaultError::Random)?,
    ))
}

/// Wraps a file key under the citizen's document key, bound to the
/// document id. Same sealed format as keys under the master key (version
/// byte, random nonce, ciphertext and tag).
pub fn wrap_key(
    vault_key: &[u8],
    document_id: &str,
    file_key: &[u8],
) -> Result<Vec<u8>, VaultError> {
    let sealer =
        MasterKey::from_bytes(vault_key).map_err(|_| VaultError::Config("bad vault key".into()))?;
    sealer
        .seal(file_key, &wrap_aad(document_id))
        .map_err(|_| VaultError::Random)
}

/// Unwraps what [`wrap_key`] produced; fails under another key or id.
pub fn unwrap_key(
    vault_key: &[u8],
    document_id: &str,
    wrapped: &[u8],
) -> Result<Zeroizing<Vec<u8>>, VaultError> {
    let sealer =
        MasterKey::from_bytes(vault_key).map_err(|_| VaultError::Config("bad vault key".into()))?;
    let key = sealer
        .open(wrapped, &wrap_aad(document_id))
        .map_err(|_| VaultError::Decrypt("the file key does not open under this key"))?;
    if key.len() != 32 {
        return Err(VaultError::Decrypt("the file key does not have 32 bytes"));
    }
    Ok(key)
}

/// Encrypts a file as it streams in.
pub struct Encryptor {
    key: aead::LessSafeKey,
    aad: Vec<u8>,
    counter: u64,
    pending: Zeroizing<Vec<u8>>,
    started: bool,
}

impl Encryptor {
    pub fn new(file_key: &[u8], document_id: &str) -> Result<Self, VaultError> {
        Ok(Self {
            key: aead_key(file_key)?,
            aad: segment_aad(document_id),
            counter: 0,
            pending: Zeroizing::new(Vec::with_capacity(SEGMENT)),
            started: false,
        })
    }

    fn seal_segment(
        &mut self,
        plaintext: &[u8],
        last: bool,
        out: &mut Vec<u8>,
    ) -> Result<(), VaultError> {
        // Sealed in place: the copy ends up holding ciphertext only.
        let mut body = plaintext.to_vec();
        self.key
            .seal_in_place_append_tag(
                nonce(self.counter, last),
                aead::Aad::from(&self.aad),
                &mut body,
            )
            .map_err(|_| VaultError::Decrypt("a segment could not be sealed"))?;
        out.extend_from_slice(&body);
        self.counter += 1;
        Ok(())
    }

    fn start(&mut self, out: &mut Vec<u8>) {
        if !self.started {
            out.extend_from_slice(&header());
            self.started = true;
        }
    }

    /// Takes more plaintext; returns the ciphertext ready so far.
    pub fn push(&mut self, plaintext: &[u8]) -> Result<Vec<u8>, VaultError> {
        let mut out = Vec::new();
        self.start(&mut out);
        self.pending.extend_from_slice(plaintext);
        if self.pending.len() >= SEGMENT {
            let pending = Zeroizing::new(std::mem::take(&mut *self.pending));
            let mut chunks = pending.chunks_exact(SEGMENT);
            for chunk in chunks.by_ref() {
                self.seal_segment(chunk, false, &mut out)?;
            }
            self.pending.extend_from_slice(chunks.remainder());
        }
        Ok(out)
    }

    /// Seals the final segment (fewer than [`SEGMENT`] bytes, maybe none).
    pub fn finish(mut self) -> Result<Vec<u8>, VaultError> {
        let mut out = Vec::new();
        self.start(&mut out);
        let last = Zeroizing::new(std::mem::take(&mut *self.pending));
        self.seal_segment(&last, true, &mut out)?;
        Ok(out)
    }
}

/// Decrypts an object as it streams out. Every byte it returns has been
/// authenticated; a truncated, extended or reordered object fails.
pub struct Decryptor {
    key: aead::LessSafeKey,
    aad: Vec<u8>,
    counter: u64,
    buf: Vec<u8>,
    header_seen: bool,
}

impl Decryptor {
    pub fn new(file_key: &[u8], document_id: &str) -> Result<Self, VaultError> {
        Ok(Self {
            key: aead_key(file_key)?,
            aad: segment_aad(document_id),
            counter: 0,
            buf: Vec::new(),
            header_seen: false,
        })
    }

    fn open_segment(
        &mut self,
        len: usize,
        last: bool,
        out: &mut Zeroizing<Vec<u8>>,
    ) -> Result<(), VaultError> {
        let mut segment: Vec<u8> = self.buf.drain(..len).collect();
        let plain = self
            .key
            .open_in_place(
                nonce(self.counter, last),
                aead::Aad::from(&self.aad),
                &mut segment,
            )
            .map_err(|_| {
                VaultError::Decrypt("wrong key, or the object was altered, cut or reordered")
            })?;
        out.extend_from_slice(plain);
        segment.iter_mut().for_each(|b| *b = 0);
        self.counter += 1;
        Ok(())
    }

    fn check_header(&mut self) -> Result<bool, VaultError> {
        if self.header_seen {
            return Ok(true);
        }
        if self.buf.len() < HEADER_LEN {
            return Ok(false);
        }
        if self.buf[..HEADER_LEN] != header() {
            return Err(VaultError::Decrypt(
                "not a vault object, or an unknown format",
            ));
        }
        self.buf.drain(..HEADER_LEN);
        self.header_seen = true;
        Ok(true)
    }

    /// Takes more ciphertext; returns the plaintext authenticated so far.
    pub fn push(&mut self, ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>, VaultError> {
        self.buf.extend_from_slice(ciphertext);
        let mut out = Zeroizing::new(Vec::new());
        if !self.check_header()? {
            return Ok(out);
        }
        // A full-size segment is never the final one.
        while self.buf.len() >= SEGMENT + TAG {
            self.open_segment(SEGMENT + TAG, false, &mut out)?;
        }
        Ok(out)
    }

    /// The end of the object: opens the final segment.
    pub fn finish(mut self) -> Result<Zeroizing<Vec<u8>>, VaultError> {
        let mut out = Zeroizing::new(Vec::new());
        if !self.check_header()? {
            return Err(VaultError::Decrypt("the object is truncated"));
        }
        if self.buf.len() < TAG {
            return Err(VaultError::Decrypt("the object is truncated"));
        }
        let len = self.buf.len();
        self.open_segment(len, true, &mut out)?;
        Ok(out)
    }
}

/// Encrypts a whole file at once.
pub fn encrypt(
    file_key: &[u8],
    document_id: &str,
    plaintext: &[u8],
) -> Result<Vec<u8>, VaultError> {
    let mut e = Encryptor::new(file_key, document_id)?;
    let mut out = e.push(plaintext)?;
    out.extend(e.finish()?);
    Ok(out)
}

/// Decrypts a whole object at once.
pub fn decrypt(
    file_key: &[u8],
    document_id: &str,
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, VaultError> {
    let mut d = Decryptor::new(file_key, document_id)?;
    let mut out = d.push(ciphertext)?;
    out.extend_from_slice(&d.finish()?);
    Ok(out)
}

/// Opens a stored object with the citizen's document key: unwraps the
/// file key, then decrypts (operators' tools and tests).
pub fn open_object(
    vault_key: &[u8],
    document_id: &str,
    wrapped_key: &[u8],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, VaultError> {
    let file_key = unwrap_key(vault_key, document_id, wrapped_key)?;
    decrypt(&file_key, document_id, ciphertext)
}

/// A new random object key, e.g. `3f/3fa85f6457174562b3fc2c963f66afa6`.
pub fn new_object_key() -> Result<String, VaultError> {
    let bytes = random_bytes(16).map_err(|_| VaultError::Random)?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("{}/{hex}", &hex[..2]))
}

/// Whether `key` has the shape [`new_object_key`] gives (so that nothing
/// else, e.g. a path from the database of another tool, is ever addressed).
pub fn is_object_key(key: &str) -> bool {
    let Some((dir, name)) = key.split_once('/') else {
        return false;
    };
    dir.len() == 2
        && name.len() == 32
        && name.starts_with(dir)
        && name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The types the vault accepts, sniffed from the bytes.
pub const ALLOWED_TYPES: &[&str] = &[
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/webp",
    "image/gif",
    "video/mp4",
    "video/webm",
    "video/quicktime",
];

/// Bytes read before the type is decided.
pub const SNIFF_BYTES: usize = 8192;
/// Browsers sniff HTML in the first 512 bytes and PDF readers look for
/// `%PDF` in the first 1024: markup or a PDF header there makes a polyglot.
const POLYGLOT_WINDOW: usize = 1024;
const MARKUP: &[&[u8]] = &[
    b"<html",
    b"<script",
    b"<!doctype",
    b"<svg",
    b"<body",
    b"<iframe",
    b"<object",
    b"<embed",
    b"<?php",
    b"<head",
    b"<meta",
    b"javascript:",
];

/// Markup searched for in the whole of an image (see [`MarkupScan`]): the
/// start of an HTML, SVG or XML document's active parts, each tag name
/// followed by a byte that ends a tag name (so that `<svgx` or `<bodyguard`
/// do not count), or long markers that need none.
const IMAGE_TAGS: &[&str] = &[
    "html", "head", "body", "script", "iframe", "frame", "frameset", "object", "embed", "applet",
    "svg", "style", "link", "base", "meta", "form",
];
/// In videos, only the tags long enough never to occur by chance in
/// compressed data.
const VIDEO_TAGS: &[&str] = &["html", "script", "iframe", "object", "embed"];
/// In PDFs, only what no PDF needs: XFA forms legitimately carry
/// `<script>` and XHTML rich text (`<body xmlns=...xhtml>`), XMP metadata
/// and XFA carry XML.
const PDF_TAGS: &[&str] = &["html", "iframe", "object", "embed"];
/// Long markers, matched as they are (case-insensitive).
const IMAGE_MARKERS: &[&str] = &[
    "<!doctype",
    "<?php",
    "<?xml-stylesheet",
    "javascript:",
    "vbscript:",
    "http://www.w3.org/1999/xhtml",
    "http://www.w3.org/2000/svg",
];
const VIDEO_MARKERS: &[&str] = IMAGE_MARKERS;
const PDF_MARKERS: &[&str] = &["<!doctype html", "<?php", "javascript:", "vbscript:"];
/// Bytes that end a tag name in HTML and XML.
const TAG_ENDS: &[u8] = b" \t\n\x0c\r/>";

/// The automaton that finds one type family's markup.
struct MarkupRules {
    automaton: aho_corasick::AhoCorasick,
    /// What each pattern reports (the marker without its ending byte).
    names: Vec<String>,
    longest: usize,
}

impl MarkupRules {
    fn new(tags: &[&str], markers: &[&str]) -> Self {
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        let mut names = Vec::new();
        for tag in tags {
            let name = format!("<{tag}");
            for end in TAG_ENDS {
                let mut p = name.as_bytes().to_vec();
                p.push(*end);
                patterns.push(p);
                names.push(name.clone());
            }
        }
        for m in markers {
            patterns.push(m.as_bytes().to_vec());
            names.push((*m).to_owned());
        }
        let longest = patterns.iter().map(Vec::len).max().unwrap_or(1);
        let automaton = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&patterns)
            .expect("fixed, valid patterns");
        Self {
            automaton,
            names,
            longest,
        }
    }
}

static IMAGE_RULES: std::sync::LazyLock<MarkupRules> =
    std::sync::LazyLock::new(|| MarkupRules::new(IMAGE_TAGS, IMAGE_MARKERS));
static VIDEO_RULES: std::sync::LazyLock<MarkupRules> =
    std::sync::LazyLock::new(|| MarkupRules::new(VIDEO_TAGS, VIDEO_MARKERS));
static PDF_RULES: std::sync::LazyLock<MarkupRules> =
    std::sync::LazyLock::new(|| MarkupRules::new(PDF_TAGS, PDF_MARKERS));

/// Markup found in a file: what, and at which byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Markup {
    pub marker: String,
    pub offset: u64,
}

/// Searches a whole file for markup, fed chunk by chunk as the upload
/// streams (nothing is kept but the last few bytes, for markers split
/// across two chunks). The rules depend on the sniffed type:
///
/// * images (PNG, JPEG, GIF, WebP): any tag that makes an HTML, SVG or XML
///   document active ([`IMAGE_TAGS`], with a tag-ending byte), `<!doctype`,
///   `<?php`, `<?xml-stylesheet`, `javascript:`, `vbscript:`, the XHTML and
///   SVG namespaces. Image data never needs them (XMP metadata is RDF/XML
///   without them);
/// * videos: the same markers, but only the long tags (`<html`, `<script`,
///   `<iframe`, `<object`, `<embed`): shorter ones occur by chance in
///   megabytes of compressed data;
/// * PDFs: only `<html`, `<iframe`, `<object`, `<embed`, `<!doctype html`,
///   `<?php`, `javascript:`, `vbscript:`: XFA forms legitimately contain
///   `<script>` and XHTML, and compressed streams are never decoded here.
///
/// The first kilobyte of every type is held to the stricter rule of
/// [`sniff`], since that is what browsers sniff.
pub struct MarkupScan {
    rules: &'static MarkupRules,
    /// The last `longest - 1` bytes seen.
    tail: Vec<u8>,
    /// The offset of `tail[0]` in the file.
    tail_offset: u64,
    seen: u64,
}

impl MarkupScan {
    /// The scan for a sniffed type (one of [`ALLOWED_TYPES`]).
    pub fn for_type(mime: &str) -> Self {
        let rules: &'static MarkupRules = match mime {
            "application/pdf" => &PDF_RULES,
            m if m.starts_with("video/") => &VIDEO_RULES,
            _ => &IMAGE_RULES,
        };
        Self {
            rules,
            tail: Vec::with_capacity(rules.longest),
            tail_offset: 0,
            seen: 0,
        }
    }

    /// Scans the next bytes of the file; `Err` at the first markup found.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), Markup> {
        if chunk.is_empty() {
            return Ok(());
        }
        let keep = self.rules.longest - 1;
        // Markers across the boundary: the tail and the chunk's start.
        if !self.tail.is_empty() {
            let mut joint = self.tail.clone();
            joint.extend_from_slice(&chunk[..chunk.len().min(keep)]);
            if let Some(m) = self.rules.automaton.find(&joint[..]) {
                return Err(Markup {
                    marker: self.rules.names[m.pattern().as_usize()].clone(),
                    offset: self.tail_offset + m.start() as u64,
                });
            }
        }
        if let Some(m) = self.rules.automaton.find(chunk) {
            return Err(Markup {
                marker: self.rules.names[m.pattern().as_usize()].clone(),
                offset: self.seen + m.start() as u64,
            });
        }
        self.seen += chunk.len() as u64;
        if chunk.len() >= keep {
            self.tail.clear();
            self.tail.extend_from_slice(&chunk[chunk.len() - keep..]);
        } else {
            self.tail.extend_from_slice(chunk);
            let excess = self.tail.len().saturating_sub(keep);
            self.tail.drain(..excess);
        }
        self.tail_offset = self.seen - self.tail.len() as u64;
        Ok(())
    }
}

/// Chunks queued for a [`BackgroundScan`] before the upload waits for it.
const SCAN_QUEUE: usize = 16;

/// Why a background scan refused a file, or could not finish.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    #[error("markup {} at byte {}", .0.marker, .0.offset)]
    Markup(Markup),
    #[error("the markup scan stopped: {0}")]
    Failed(String),
}

/// A [`MarkupScan`] on a blocking thread, off the async workers (it costs
/// several times the encryption of the same bytes), fed an upload's chunks
/// as they stream: the chunks are shared (`Bytes`), never copied, and a
/// queue of [`SCAN_QUEUE`] chunks holds the upload back when the scan falls
/// behind. Dropping it stops the scan.
pub struct BackgroundScan {
    tx: Option<tokio::sync::mpsc::Sender<Bytes>>,
    task: Option<tokio::task::JoinHandle<Result<(), Markup>>>,
}

impl BackgroundScan {
    /// Starts the scan for a sniffed type (see [`MarkupScan::for_type`]).
    pub fn start(mime: &str) -> Self {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Bytes>(SCAN_QUEUE);
        let mut scan = MarkupScan::for_type(mime);
        let task = tokio::task::spawn_blocking(move || {
            while let Some(chunk) = rx.blocking_recv() {
                scan.feed(&chunk)?;
            }
            Ok(())
        });
        Self {
            tx: Some(tx),
            task: Some(task),
        }
    }

    /// Queues the file's next bytes. `Err` once the scan has found markup
    /// (in these bytes or earlier ones).
    pub async fn feed(&mut self, chunk: Bytes) -> Result<(), ScanError> {
        if let Some(tx) = &self.tx {
            if tx.send(chunk).await.is_ok() {
                return Ok(());
            }
        }
        // The scan stopped early: it found something.
        self.verdict().await?;
        Err(ScanError::Failed("the scan ended before the file".into()))
    }

    /// Waits until everything fed is scanned.
    pub async fn finish(mut self) -> Result<(), ScanError> {
        self.verdict().await
    }

    async fn verdict(&mut self) -> Result<(), ScanError> {
        self.tx = None;
        let task = self
            .task
            .take()
            .ok_or_else(|| ScanError::Failed("the scan already ended".into()))?;
        match task.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(markup)) => Err(ScanError::Markup(markup)),
            Err(e) => Err(ScanError::Failed(e.to_string())),
        }
    }
}

/// The file name extensions of a vault type, the usual one first.
pub fn extensions(mime: &str) -> &'static [&'static str] {
    match mime {
        "application/pdf" => &["pdf"],
        "image/png" => &["png"],
        "image/jpeg" => &["jpg", "jpeg", "jpe"],
        "image/webp" => &["webp"],
        "image/gif" => &["gif"],
        "video/mp4" => &["mp4", "m4v"],
        "video/webm" => &["webm"],
        "video/quicktime" => &["mov", "qt"],
        _ => &[],
    }
}

/// The usual file name extension of a vault type.
pub fn extension(mime: &str) -> Option<&'static str> {
    extensions(mime).first().copied()
}

/// A document's name made to carry the extension of its sniffed type, so
/// that a program opening the saved file reads it as what it is: the base
/// name is kept, an extension of that type is kept (`photo.jpeg`), any
/// other extension is replaced (`x.html` sniffed as GIF: `x.gif`), and a
/// name without one gets it (`scan`: `scan.pdf`). An extension is what
/// follows the last dot: 1 to 10 ASCII letters or digits. The result has
/// at most `max_chars` characters (the base name is cut).
pub fn name_with_extension(name: &str, mime: &str, max_chars: usize) -> String {
    let Some(usual) = extension(mime) else {
        return name.to_owned();
    };
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext))
            if !stem.is_empty()
                && (1..=10).contains(&ext.len())
                && ext.bytes().all(|b| b.is_ascii_alphanumeric()) =>
        {
            (stem, Some(ext))
        }
        _ => (name, None),
    };
    if let Some(ext) = ext {
        if extensions(mime).contains(&ext.to_ascii_lowercase().as_str()) {
            if name.chars().count() <= max_chars {
                return name.to_owned();
            }
            let room = max_chars.saturating_sub(ext.chars().count() + 1);
            return format!("{}.{ext}", stem.chars().take(room).collect::<String>());
        }
    }
    let room = max_chars.saturating_sub(usual.len() + 1);
    format!("{}.{usual}", stem.chars().take(room).collect::<String>())
}

/// Why a file's type is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TypeRefusal {
    #[error("the file is empty")]
    Empty,
    #[error("this kind of file is not accepted{}", sniffed_note(.sniffed))]
    Unsupported { sniffed: Option<String> },
    #[error("the file was declared as {declared} but its content is {sniffed}")]
    Mismatch { declared: String, sniffed: String },
    #[error("the file looks like more than one kind at once: {0}")]
    Polyglot(&'static str),
    #[error(
        "the file is {mime} but also carries web page or script markup (`{}` at byte {}), \
         which no such file needs",
        .markup.marker, .markup.offset
    )]
    Markup { mime: &'static str, markup: Markup },
}

fn sniffed_note(sniffed: &Option<String>) -> String {
    match sniffed {
        Some(t) => format!(" (its content is {t})"),
        None => " (its content is not recognised)".into(),
    }
}

/// The canonical name of a declared type, `None` when it says nothing
/// (absent, `application/octet-stream`).
fn declared_type(declared: Option<&str>) -> Option<String> {
    let mime = declared?
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let mime = match mime.as_str() {
        "" | "application/octet-stream" | "binary/octet-stream" | "application/unknown" => {
            return None
        }
        "image/jpg" | "image/pjpeg" => "image/jpeg".into(),
        "application/x-pdf" | "application/acrobat" => "application/pdf".into(),
        "video/x-m4v" | "video/mp4v-es" => "video/mp4".into(),
        "video/mov" => "video/quicktime".into(),
        _ => mime,
    };
    Some(mime)
}

/// Whether the head starts with the exact signature of `mime` (stricter
/// than `infer`, which e.g. finds `%PDF` anywhere in the first kilobyte).
fn signature_holds(mime: &str, head: &[u8]) -> bool {
    match mime {
        "application/pdf" => head.starts_with(b"%PDF-"),
        "image/png" => head.starts_with(b"\x89PNG\r\n\x1a\n"),
        "image/jpeg" => head.starts_with(b"\xff\xd8\xff"),
        "image/gif" => head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a"),
        "image/webp" => head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WEBP"),
        // infer checks the ISO-BMFF box types and the EBML doc type.
        "video/mp4" | "video/quicktime" | "video/webm" => true,
        _ => false,
    }
}

/// Decides a file's type from its first bytes (at least [`SNIFF_BYTES`],
/// or the whole file if shorter) and the type the client declared.
///
/// The sniffed type must be in [`ALLOWED_TYPES`], start with that type's
/// exact signature, carry no HTML or script markup and no second PDF
/// header in the first kilobyte (polyglots), and agree with the declared
/// type unless that one is generic.
pub fn sniff(head: &[u8], declared: Option<&str>) -> Result<&'static str, TypeRefusal> {
    if head.is_empty() {
        return Err(TypeRefusal::Empty);
    }
    let inferred = infer::get(head).map(|k| k.mime_type());
    let inferred = match inferred {
        Some("video/x-m4v") => Some("video/mp4"),
        other => other,
    };
    let Some(mime) = inferred.and_then(|t| ALLOWED_TYPES.iter().copied().find(|a| *a == t)) else {
        return Err(TypeRefusal::Unsupported {
            sniffed: inferred.map(str::to_owned),
        });
    };
    if !signature_holds(mime, head) {
        return Err(if mime == "application/pdf" {
            TypeRefusal::Polyglot("a PDF header after other content")
        } else {
            TypeRefusal::Unsupported { sniffed: None }
        });
    }
    let window = head[..head.len().min(POLYGLOT_WINDOW)].to_ascii_lowercase();
    let contains = |needle: &[u8]| window.windows(needle.len()).any(|w| w == needle);
    if MARKUP.iter().any(|m| contains(m)) {
        return Err(TypeRefusal::Polyglot(
            "HTML or script markup near the start",
        ));
    }
    if mime != "application/pdf" && contains(b"%pdf-") {
        return Err(TypeRefusal::Polyglot(
            "a PDF header inside another kind of file",
        ));
    }
    if let Some(declared) = declared_type(declared) {
        if declared != mime {
            return Err(TypeRefusal::Mismatch {
                declared,
                sniffed: mime.to_owned(),
            });
        }
    }
    Ok(mime)
}

/// Where the encrypted objects live.
pub struct Vault {
    store: Arc<dyn ObjectStore>,
    /// The folder, for `file://` stores.
    root: Option<PathBuf>,
    description: String,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("store", &self.description)
            .finish()
    }
}

impl Vault {
    /// Opens the store named by `object_store_url`:
    /// * `file:///absolute/path`: a local folder (created if missing);
    /// * `memory:///`: in memory (tests; lost at exit);
    /// * `s3://bucket[/prefix]`: S3 or compatible, configured by the usual
    ///   `AWS_*` environment variables (`AWS_ACCESS_KEY_ID`,
    ///   `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ENDPOINT` for
    ///   S3-compatible services, `AWS_ALLOW_HTTP` for plain-HTTP endpoints).
    pub fn from_url(url: &str) -> Result<Self, VaultError> {
        let bad = |why: &str| {
            VaultError::Config(format!(
                "object_store_url {url:?}: {why} (expected file:///absolute/path, s3://bucket or memory:///)"
            ))
        };
        let (scheme, rest) = url.split_once("://").ok_or_else(|| bad("no scheme"))?;
        match scheme {
            "file" => {
                let path = PathBuf::from(rest);
                if !path.is_absolute() {
                    return Err(bad("the path must be absolute"));
                }
                std::fs::create_dir_all(&path).map_err(|e| {
                    VaultError::Config(format!(
                        "cannot create the document folder {}: {e}",
                        path.display()
                    ))
                })?;
                let store = LocalFileSystem::new_with_prefix(&path)?.with_automatic_cleanup(true);
                Ok(Self {
                    store: Arc::new(store),
                    description: format!("file://{}", path.display()),
                    root: Some(path),
                })
            }
            "memory" => Ok(Self::in_memory()),
            "s3" => {
                let bucket = rest.split('/').next().unwrap_or_default();
                if bucket.is_empty() {
                    return Err(bad("no bucket"));
                }
                let store = object_store::aws::AmazonS3Builder::from_env()
                    .with_url(url)
                    .build()?;
                let prefix = rest.split_once('/').map(|(_, p)| p.trim_matches('/'));
                let store: Arc<dyn ObjectStore> = match prefix.filter(|p| !p.is_empty()) {
                    Some(p) => Arc::new(object_store::prefix::PrefixStore::new(store, p)),
                    None => Arc::new(store),
                };
                Ok(Self {
                    store,
                    root: None,
                    description: format!("s3://{bucket}"),
                })
            }
            _ => Err(bad("unknown scheme")),
        }
    }

    pub fn in_memory() -> Self {
        Self {
            store: Arc::new(InMemory::new()),
            root: None,
            description: "memory:///".into(),
        }
    }

    /// `file:///...`, `s3://bucket` or `memory:///` (no credentials).
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The file holding an object, for `file://` stores.
    pub fn local_path(&self, object_key: &str) -> Option<PathBuf> {
        let root = self.root.as_ref()?;
        is_object_key(object_key).then(|| root.join(object_key))
    }

    fn path(object_key: &str) -> Result<ObjectPath, VaultError> {
        if !is_object_key(object_key) {
            return Err(VaultError::Config(format!(
                "not a vault object key: {object_key:?}"
            )));
        }
        Ok(ObjectPath::from(object_key))
    }

    /// Starts storing a new document under a fresh random key.
    pub fn upload(&self, document_id: &str, file_key: &[u8]) -> Result<Upload, VaultError> {
        Ok(Upload {
            store: self.store.clone(),
            object_key: new_object_key()?,
            encryptor: Encryptor::new(file_key, document_id)?,
            sink: Sink::Buffer(Vec::new()),
            sha256: ring::digest::Context::new(&ring::digest::SHA256),
            size: 0,
        })
    }

    /// The decrypted content of a document, as a stream of authenticated
    /// chunks. The first chunk is decrypted before this returns, so a
    /// wrong key or a missing object is an error here, not mid-stream.
    pub async fn download(
        &self,
        object_key: &str,
        document_id: &str,
        file_key: &[u8],
    ) -> Result<BoxStream<'static, Result<Bytes, VaultError>>, VaultError> {
        let path = Self::path(object_key)?;
        let source = self.store.get(&path).await?.into_stream();
        let decryptor = Decryptor::new(file_key, document_id)?;
        let mut stream = decrypt_stream(source, decryptor);
        let first = stream.next().await.transpose()?;
        Ok(futures_util::stream::iter(first.map(Ok))
            .chain(stream)
            .boxed())
    }

    /// The stored (encrypted) bytes of an object.
    pub async fn raw(&self, object_key: &str) -> Result<Bytes, VaultError> {
        Ok(self
            .store
            .get(&Self::path(object_key)?)
            .await?
            .bytes()
            .await?)
    }

    /// Removes an object; an object already gone is not an error.
    pub async fn delete(&self, object_key: &str) -> Result<(), VaultError> {
        match self.store.delete(&Self::path(object_key)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Removes objects, logging (not failing on) those that cannot be
    /// removed: they become orphans for [`Vault::sweep_orphans`].
    pub async fn delete_all(&self, object_keys: &[String]) {
        for key in object_keys {
            if let Err(e) = self.delete(key).await {
                tracing::warn!(object = %key, error = %e, "could not remove a document object");
            }
        }
    }

    /// Removes objects that no document row names (left by a crash
    /// between storing an object and writing its row, or by a failed
    /// removal), if older than `before` (so that uploads in progress are
    /// spared). Returns how many were removed.
    pub async fn sweep_orphans<S: crate::store::DocumentStore + ?Sized>(
        &self,
        store: &S,
        before: chrono::DateTime<chrono::Utc>,
    ) -> Result<usize, VaultError> {
        let mut listing = self.store.list(None);
        let mut removed = 0;
        while let Some(meta) = listing.next().await.transpose()? {
            let key = meta.location.as_ref();
            if meta.last_modified >= before || !is_object_key(key) {
                continue;
            }
            let known = store
                .document_object_key_known(key)
                .await
                .map_err(|e| VaultError::Config(format!("database: {e}")))?;
            if !known {
                self.delete(key).await?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

/// Objects younger than this are never swept (uploads in progress).
pub const ORPHAN_GRACE: chrono::Duration = chrono::Duration::hours(24);

/// Sweeps orphan objects every six hours, for the life of the server.
pub async fn sweep_forever(
    vault: Arc<Vault>,
    store: Arc<dyn crate::store::Store>,
    clock: Arc<dyn crate::clock::Clock>,
) {
    loop {
        match vault
            .sweep_orphans(store.as_ref(), clock.now() - ORPHAN_GRACE)
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "orphan document objects removed"),
            Err(e) => tracing::warn!(error = %e, "the orphan document sweep failed"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(6 * 3600)).await;
    }
}

fn decrypt_stream(
    source: BoxStream<'static, object_store::Result<Bytes>>,
    decryptor: Decryptor,
) -> BoxStream<'static, Result<Bytes, VaultError>> {
    futures_util::stream::unfold(
        (source, Some(decryptor)),
        |(mut source, mut decryptor)| async move {
            loop {
                let d = decryptor.as_mut()?;
                match source.next().await {
                    Some(Ok(chunk)) => match d.push(&chunk) {
                        Ok(plain) if plain.is_empty() => continue,
                        Ok(plain) => {
                            return Some((Ok(Bytes::from(plain.to_vec())), (source, decryptor)))
                        }
                        Err(e) => return Some((Err(e), (source, None))),
                    },
                    Some(Err(e)) => return Some((Err(e.into()), (source, None))),
                    None => {
                        let d = decryptor.take()?;
                        return match d.finish() {
                            Ok(plain) if plain.is_empty() => None,
                            Ok(plain) => Some((Ok(Bytes::from(plain.to_vec())), (source, None))),
                            Err(e) => Some((Err(e), (source, None))),
                        };
                    }
                }
            }
        },
    )
    .boxed()
}

enum Sink {
    /// Small files: one request at the end.
    Buffer(Vec<u8>),
    /// Large files: parts go up as they fill.
    Multipart(WriteMultipart),
}

/// A document being stored. Nothing is visible under its key until
/// [`Upload::finish`]; [`Upload::abort`] (or dropping it before the first
/// part left) leaves nothing behind.
pub struct Upload {
    store: Arc<dyn ObjectStore>,
    object_key: String,
    encryptor: Encryptor,
    sink: Sink,
    sha256: ring::digest::Context,
    size: u64,
}

/// What was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub object_key: String,
    /// Plaintext bytes.
    pub size: u64,
    /// SHA-256 of the plaintext, hex.
    pub sha256: String,
}

impl Upload {
    pub fn object_key(&self) -> &str {
        &self.object_key
    }

    /// Plaintext bytes so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    async fn send(&mut self, ciphertext: Vec<u8>) -> Result<(), VaultError> {
        match &mut self.sink {
            Sink::Buffer(buf) => {
                buf.extend_from_slice(&ciphertext);
                if buf.len() >= PART {
                    let upload = self
                        .store
                        .put_multipart(&ObjectPath::from(self.object_key.as_str()))
                        .await?;
                    let mut writer = WriteMultipart::new_with_chunk_size(upload, PART);
                    writer.put(Bytes::from(std::mem::take(buf)));
                    self.sink = Sink::Multipart(writer);
                }
            }
            Sink::Multipart(writer) => {
                writer.wait_for_capacity(PARTS_IN_FLIGHT).await?;
                writer.put(Bytes::from(ciphertext));
            }
        }
        Ok(())
    }

    /// Encrypts and stores more of the file.
    pub async fn write(&mut self, plaintext: &[u8]) -> Result<(), VaultError> {
        self.sha256.update(plaintext);
        self.size += plaintext.len() as u64;
        let ciphertext = self.encryptor.push(plaintext)?;
        if ciphertext.is_empty() {
            return Ok(());
        }
        self.send(ciphertext).await
    }

    /// Seals the last segment and makes the object visible.
    pub async fn finish(self) -> Result<Stored, VaultError> {
        let Self {
            store,
            object_key,
            encryptor,
            sink,
            sha256,
            size,
        } = self;
        let tail = encryptor.finish()?;
        match sink {
            Sink::Buffer(mut buf) => {
                buf.extend_from_slice(&tail);
                store
                    .put(
                        &ObjectPath::from(object_key.as_str()),
                        PutPayload::from(buf),
                    )
                    .await?;
            }
            Sink::Multipart(mut writer) => {
                writer.put(Bytes::from(tail));
                writer.finish().await?;
            }
        }
        let digest = sha256.finish();
        Ok(Stored {
            object_key,
            size,
            sha256: digest.as_ref().iter().map(|b| format!("{b:02x}")).collect(),
        })
    }

    /// Gives up: whatever parts went up are removed.
    pub async fn abort(self) {
        if let Sink::Multipart(writer) = self.sink {
            if let Err(e) = writer.abort().await {
                tracing::warn!(object = %self.object_key, error = %e, "could not abort an upload");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 31 % 251) as u8).collect()
    }

    #[test]
    fn round_trips_at_every_boundary_and_in_any_chunking() {
        let key = new_file_key().unwrap();
        for n in [
            0,
            1,
            SEGMENT - 1,
            SEGMENT,
            SEGMENT + 1,
            3 * SEGMENT,
            3 * SEGMENT + 7,
        ] {
            let plain = data(n);
            let sealed = encrypt(&key, "doc", &plain).unwrap();
            let segments = n / SEGMENT + 1;
            assert_eq!(sealed.len(), HEADER_LEN + n + segments * TAG, "size {n}");
            assert_eq!(
                &decrypt(&key, "doc", &sealed).unwrap()[..],
                &plain[..],
                "size {n}"
            );
            // Streaming in odd chunk sizes gives the same bytes both ways.
            for chunk in [1usize, 7, 4096, SEGMENT + 3] {
                let mut e = Encryptor::new(&key, "doc").unwrap();
                let mut streamed = Vec::new();
                for c in plain.chunks(chunk) {
                    streamed.extend(e.push(c).unwrap());
                }
                streamed.extend(e.finish().unwrap());
                assert_eq!(streamed, sealed, "size {n}, chunks of {chunk}");
                let mut d = Decryptor::new(&key, "doc").unwrap();
                let mut out = Vec::new();
                for c in sealed.chunks(chunk) {
                    out.extend_from_slice(&d.push(c).unwrap());
                }
                out.extend_from_slice(&d.finish().unwrap());
                assert_eq!(out, plain, "size {n}, chunks of {chunk}");
            }
        }
    }

    #[test]
    fn tampering_truncation_reordering_and_extension_fail() {
        let key = new_file_key().unwrap();
        let plain = data(3 * SEGMENT + 100);
        let sealed = encrypt(&key, "doc", &plain).unwrap();
        let full = SEGMENT + TAG;
        // Cut at a segment boundary: no final segment.
        for segments in 0..=3 {
            let cut = &sealed[..HEADER_LEN + segments * full];
            assert!(
                decrypt(&key, "doc", cut).is_err(),
                "cut after {segments} segments"
            );
        }
        // Cut inside a segment, or one byte short.
        assert!(decrypt(&key, "doc", &sealed[..HEADER_LEN + full + 10]).is_err());
        assert!(decrypt(&key, "doc", &sealed[..sealed.len() - 1]).is_err());
        assert!(decrypt(&key, "doc", &sealed[..4]).is_err());
        // Appended bytes.
        let mut longer = sealed.clone();
        longer.extend_from_slice(&[0u8; 20]);
        assert!(decrypt(&key, "doc", &longer).is_err());
        // Two segments swapped.
        let mut swapped = sealed.clone();
        let (a, b) = (HEADER_LEN, HEADER_LEN + full);
        let first = sealed[a..a + full].to_vec();
        swapped.copy_within(b..b + full, a);
        swapped[b..b + full].copy_from_slice(&first);
        assert!(decrypt(&key, "doc", &swapped).is_err());
        // A flipped bit anywhere.
        for at in [0, 5, HEADER_LEN, HEADER_LEN + full + 3, sealed.len() - 1] {
            let mut bad = sealed.clone();
            bad[at] ^= 1;
            assert!(decrypt(&key, "doc", &bad).is_err(), "bit at {at}");
        }
        // Another document id, another key.
        assert!(decrypt(&key, "other", &sealed).is_err());
        assert!(decrypt(&new_file_key().unwrap(), "doc", &sealed).is_err());
        // A final segment that is full size is refused even if authentic
        // under the non-final flag (i.e. a cut at a boundary).
        let exact = encrypt(&key, "doc", &data(SEGMENT)).unwrap();
        assert!(decrypt(&key, "doc", &exact[..HEADER_LEN + full]).is_err());
    }

    #[test]
    fn file_keys_open_only_under_their_citizen_and_document() {
        let alice = random_bytes(32).unwrap();
        let bob = random_bytes(32).unwrap();
        let file_key = new_file_key().unwrap();
        let wrapped = wrap_key(&alice, "doc-1", &file_key).unwrap();
        assert_eq!(
            &unwrap_key(&alice, "doc-1", &wrapped).unwrap()[..],
            &file_key[..]
        );
        assert!(unwrap_key(&bob, "doc-1", &wrapped).is_err());
        assert!(unwrap_key(&alice, "doc-2", &wrapped).is_err());
        let sealed = encrypt(&file_key, "doc-1", b"hello").unwrap();
        assert_eq!(
            &open_object(&alice, "doc-1", &wrapped, &sealed).unwrap()[..],
            b"hello"
        );
        assert!(open_object(&bob, "doc-1", &wrapped, &sealed).is_err());
    }

    #[test]
    fn object_keys_are_random_and_only_those_are_addressed() {
        let a = new_object_key().unwrap();
        let b = new_object_key().unwrap();
        assert_ne!(a, b);
        assert!(is_object_key(&a) && is_object_key(&b));
        for bad in [
            "",
            "../etc/passwd",
            "ab/../../x",
            "ab/cd",
            "/ab/abcdef",
            "AB/AB0123456789abcdef0123456789abcd",
        ] {
            assert!(!is_object_key(bad), "{bad:?}");
        }
        assert!(Vault::path("../../etc/passwd").is_err());
    }

    /// Minimal valid headers of every accepted kind (shared with the
    /// integration tests, which build the same bytes).
    pub(crate) fn samples() -> Vec<(&'static str, Vec<u8>)> {
        let mut png =
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89"
                .to_vec();
        png.extend_from_slice(b"\0\0\0\0IEND\xaeB`\x82");
        let mut mp4 = b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2".to_vec();
        mp4.extend_from_slice(b"\0\0\0\x08free");
        let mut webm = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02".to_vec();
        webm.resize(300, 0xec);
        vec![
            (
                "application/pdf",
                b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec(),
            ),
            ("image/png", png),
            (
                "image/jpeg",
                b"\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0\xff\xd9".to_vec(),
            ),
            ("image/gif", b"GIF89a\x01\0\x01\0\0\0\0;".to_vec()),
            (
                "image/webp",
                b"RIFF\x1a\0\0\0WEBPVP8L\x0d\0\0\0\x2f\0\0\0\0\0\0\0\0\0\0\0\0".to_vec(),
            ),
            ("video/mp4", mp4),
            ("video/webm", webm),
            (
                "video/quicktime",
                b"\0\0\0\x14ftypqt  \0\0\x02\0qt  \0\0\0\x08wide".to_vec(),
            ),
        ]
    }

    #[test]
    fn accepts_the_allowed_kinds_by_their_bytes() {
        for (mime, bytes) in samples() {
            assert_eq!(sniff(&bytes, None), Ok(mime), "{mime}");
            assert_eq!(sniff(&bytes, Some(mime)), Ok(mime), "{mime} declared");
            assert_eq!(sniff(&bytes, Some("application/octet-stream")), Ok(mime));
        }
        let jpeg = &samples()[2].1;
        assert_eq!(sniff(jpeg, Some("image/jpg; name=x")), Ok("image/jpeg"));
    }

    #[test]
    fn refuses_mislabelled_unknown_and_polyglot_files() {
        let png = samples()[1].1.clone();
        assert!(matches!(
            sniff(&png, Some("application/pdf")),
            Err(TypeRefusal::Mismatch { .. })
        ));
        assert_eq!(sniff(b"", None), Err(TypeRefusal::Empty));
        let html = b"<!DOCTYPE html><html><script>alert(1)</script></html>";
        assert!(matches!(
            sniff(html, Some("image/png")),
            Err(TypeRefusal::Unsupported { .. })
        ));
        assert!(matches!(
            sniff(b"PK\x03\x04zip", None),
            Err(TypeRefusal::Unsupported { .. })
        ));
        // HTML with a PDF header further on: infer calls it a PDF.
        let mut fake_pdf = b"<html><body>hello</body></html>\n".to_vec();
        fake_pdf.extend_from_slice(b"%PDF-1.4\n");
        assert!(matches!(
            sniff(&fake_pdf, None),
            Err(TypeRefusal::Polyglot(_))
        ));
        // A PNG carrying a script in a text chunk, and a PNG/PDF.
        let mut png_script = png[..33].to_vec();
        png_script.extend_from_slice(b"\0\0\0\x1ftEXtComment\0<script>alert(1)</script>");
        assert!(matches!(
            sniff(&png_script, None),
            Err(TypeRefusal::Polyglot(_))
        ));
        let mut png_pdf = png.clone();
        png_pdf.extend_from_slice(b"%PDF-1.4\n");
        assert!(matches!(
            sniff(&png_pdf, None),
            Err(TypeRefusal::Polyglot(_))
        ));
        // GIF is "GIF8?a", not just "GIF".
        assert!(sniff(b"GIFTY not an image", None).is_err());
    }

    /// Feeds `data` in chunks of `size` bytes; the first markup found.
    fn scan(mime: &str, data: &[u8], size: usize) -> Option<Markup> {
        let mut scan = MarkupScan::for_type(mime);
        data.chunks(size).find_map(|c| scan.feed(c).err())
    }

    #[test]
    fn markup_is_found_anywhere_and_across_chunks() {
        let mut gif = b"GIF89a".to_vec();
        gif.extend(std::iter::repeat_n(0x42u8, 5000));
        let at = gif.len() as u64;
        gif.extend_from_slice(b"<ScRiPt>alert(1)</script>");
        for size in [1, 2, 7, 64, 4096, 100_000] {
            let found = scan("image/gif", &gif, size).unwrap_or_else(|| panic!("chunks of {size}"));
            assert_eq!(found.marker, "<script", "chunks of {size}");
            assert_eq!(found.offset, at, "chunks of {size}");
        }
        // A tag name must end: `<scripts` or `<bodyguard` are not markup.
        let mut clean = b"GIF89a".to_vec();
        clean.extend_from_slice(b"<scripts <bodyguard <svgx <htmlfoo");
        assert_eq!(scan("image/gif", &clean, 3), None);
        for (mime, text) in [
            ("image/png", &b"<svg xmlns='x'>"[..]),
            ("image/jpeg", b"<!DOCTYPE html>"),
            ("image/webp", b"<iframe/src=x>"),
            ("image/png", b"href=JavaScript:alert(1)"),
            ("image/png", b"<x:y xmlns:x='http://www.w3.org/1999/xhtml'>"),
            ("image/png", b"<?xml-stylesheet href='a.xsl'?>"),
            ("video/mp4", b"<html>"),
            ("video/webm", b"<script src=x>"),
            ("application/pdf", b"<html>"),
            ("application/pdf", b"/URI (javascript:alert(1))"),
        ] {
            let mut data = vec![0u8; 3000];
            data.extend_from_slice(text);
            assert!(
                scan(mime, &data, 1000).is_some(),
                "{mime}: {}",
                String::from_utf8_lossy(text)
            );
        }
        // What a PDF legitimately carries (XFA scripts, XHTML rich text,
        // XMP), and short tags in videos, are not refused.
        for (mime, text) in [
            (
                "application/pdf",
                &b"<script contentType='application/x-javascript'>"[..],
            ),
            (
                "application/pdf",
                b"<body xmlns='http://www.w3.org/1999/xhtml'><p>x</p>",
            ),
            (
                "application/pdf",
                b"<?xpacket begin=''?><x:xmpmeta xmlns:x='adobe:ns:meta/'>",
            ),
            ("video/mp4", b"<svg <body <meta "),
            (
                "image/jpeg",
                b"<?xpacket begin=''?><x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF>",
            ),
        ] {
            let mut data = vec![0u8; 3000];
            data.extend_from_slice(text);
            assert_eq!(scan(mime, &data, 1000), None, "{mime}");
        }
    }

    #[tokio::test]
    async fn the_background_scan_gives_the_same_verdicts() {
        let mut clean = b"GIF89a".to_vec();
        clean.extend(std::iter::repeat_n(b'a', 200_000));
        let mut scan = BackgroundScan::start("image/gif");
        for c in clean.chunks(7_000) {
            scan.feed(Bytes::copy_from_slice(c)).await.unwrap();
        }
        scan.finish().await.unwrap();

        // Markup split between two chunks; the feeding stops at the first
        // error, or the end says it.
        let mut dirty = clean.clone();
        dirty.extend_from_slice(b"<svg onload=x>");
        dirty.extend(std::iter::repeat_n(b'b', 500_000));
        let mut scan = BackgroundScan::start("image/gif");
        let mut verdict = Ok(());
        for c in dirty.chunks(7_001) {
            verdict = scan.feed(Bytes::copy_from_slice(c)).await;
            if verdict.is_err() {
                break;
            }
        }
        if verdict.is_ok() {
            verdict = scan.finish().await;
        }
        assert_eq!(
            verdict,
            Err(ScanError::Markup(Markup {
                marker: "<svg".into(),
                offset: 200_006
            }))
        );
        // Dropped half-way: the thread ends, nothing waits.
        let mut scan = BackgroundScan::start("application/pdf");
        scan.feed(Bytes::from_static(b"%PDF-1.7\n")).await.unwrap();
        drop(scan);
    }

    #[test]
    fn names_carry_the_extension_of_the_sniffed_type() {
        for (name, mime, expected) in [
            ("x.html", "image/gif", "x.gif"),
            ("x", "image/gif", "x.gif"),
            ("photo.JPEG", "image/jpeg", "photo.JPEG"),
            ("photo.jpg", "image/jpeg", "photo.jpg"),
            ("Diplôme 2021.pdf", "application/pdf", "Diplôme 2021.pdf"),
            ("rapport.v2", "application/pdf", "rapport.pdf"),
            (
                "Rapport v1.2 final",
                "application/pdf",
                "Rapport v1.2 final.pdf",
            ),
            ("invoice.pdf.exe", "application/pdf", "invoice.pdf.pdf"),
            ("x.html.", "image/png", "x.html..png"),
            (".html", "image/png", ".html.png"),
            ("clip.MOV", "video/quicktime", "clip.MOV"),
            ("clip.mp4", "video/quicktime", "clip.mov"),
        ] {
            assert_eq!(name_with_extension(name, mime, 255), expected, "{name}");
        }
        let long = format!("{}.html", "é".repeat(300));
        let fixed = name_with_extension(&long, "image/png", 255);
        assert_eq!(fixed.chars().count(), 255);
        assert!(fixed.ends_with("éé.png"));
        let long = format!("{}.jpeg", "a".repeat(300));
        let fixed = name_with_extension(&long, "image/jpeg", 255);
        assert_eq!(fixed.chars().count(), 255);
        assert!(fixed.ends_with("a.jpeg"));
    }

    async fn store_and_read(vault: &Vault, plain: &[u8]) -> Stored {
        let key = new_file_key().unwrap();
        let mut up = vault.upload("doc", &key).unwrap();
        for c in plain.chunks(10_000) {
            up.write(c).await.unwrap();
        }
        let stored = up.finish().await.unwrap();
        assert_eq!(stored.size, plain.len() as u64);
        assert_eq!(stored.sha256, crate::crypto::sha256_hex(plain));
        let mut stream = vault
            .download(&stored.object_key, "doc", &key)
            .await
            .unwrap();
        let mut out = Vec::new();
        while let Some(chunk) = stream.next().await {
            out.extend_from_slice(&chunk.unwrap());
        }
        assert_eq!(out, plain);
        assert!(vault
            .download(&stored.object_key, "doc", &new_file_key().unwrap())
            .await
            .is_err());
        stored
    }

    #[tokio::test]
    async fn stores_in_memory_and_on_disk_inside_the_folder() {
        let memory = Vault::from_url("memory:///").unwrap();
        store_and_read(&memory, &data(1000)).await;
        // Large enough to go up as a multipart upload.
        store_and_read(&memory, &data(PART + 3 * SEGMENT + 5)).await;

        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("documents");
        let vault = Vault::from_url(&format!("file://{}", root.display())).unwrap();
        let plain = b"%PDF-1.7 the plaintext that must not appear".repeat(50);
        let stored = store_and_read(&vault, &plain).await;
        let path = vault.local_path(&stored.object_key).unwrap();
        assert!(path.starts_with(&root));
        let on_disk = std::fs::read(&path).unwrap();
        assert!(!on_disk.windows(16).any(|w| w == &plain[..16]));
        vault.delete(&stored.object_key).await.unwrap();
        assert!(!path.exists());
        // Deleting again is fine.
        vault.delete(&stored.object_key).await.unwrap();
        store_and_read(&vault, &data(PART + 1)).await;

        // S3 is one setting away (built, not reached: no request is made).
        let s3 = Vault::from_url("s3://atout-documents/prod").unwrap();
        assert_eq!(s3.description(), "s3://atout-documents");
        assert!(s3.local_path(&stored.object_key).is_none());

        assert!(Vault::from_url("file://relative/path").is_err());
        assert!(Vault::from_url("ftp://x").is_err());
        assert!(Vault::from_url("s3://").is_err());
    }

    #[tokio::test]
    async fn an_aborted_upload_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::from_url(&format!("file://{}", dir.path().display())).unwrap();
        let key = new_file_key().unwrap();
        let mut up = vault.upload("doc", &key).unwrap();
        up.write(&data(PART + SEGMENT)).await.unwrap();
        let object_key = up.object_key().to_owned();
        up.abort().await;
        assert!(vault.raw(&object_key).await.is_err());
        let leftovers: Vec<_> = walk(dir.path());
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
        out
    }
}
