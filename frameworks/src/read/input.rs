//! Gathering the files of one import: a folder, a zip, a gzip file or a
//! plain CSV, from disk or from an upload. Sizes are checked before
//! reading and counted while decompressing, so a small archive that
//! expands to gigabytes stops at the limit instead of filling memory.

use std::fs;
use std::io::{Cursor, Read};
use std::path::Path;

use flate2::read::MultiGzDecoder;
use unicode_normalization::UnicodeNormalization;

use super::{human_bytes, ImportError, Input, Limits};

/// Most members read from one zip file (the RNCP export has about ten).
const MAX_ZIP_MEMBERS: usize = 10_000;

/// Reads the files at `path`: a folder (its files and those of its
/// sub-folders, one level down; only `.csv`, `.tsv`, `.txt`, `.gz` and
/// `.zip` files are taken), a `.zip` (every member), a `.gz` (its one file),
/// or a plain file.
pub fn open(path: &Path, limits: &Limits) -> Result<Input, ImportError> {
    let shown = path.display().to_string();
    let meta = fs::metadata(path)
        .map_err(|e| ImportError::in_file(&shown, format!("cannot be opened ({e})")))?;
    let mut acc = Acc::new(limits);
    if meta.is_dir() {
        for file in list_folder(path)? {
            acc.add_path(&file)?;
        }
        if acc.input.files.is_empty() {
            return Err(ImportError::in_file(
                &shown,
                "the folder holds no .csv, .gz or .zip file",
            ));
        }
    } else {
        acc.add_path(path)?;
    }
    Ok(acc.input)
}

/// Reads one uploaded file: a zip (recognised by its first bytes, whatever
/// its name), a gzip file, or else a CSV file called `name`.
pub fn from_bytes(name: &str, bytes: Vec<u8>, limits: &Limits) -> Result<Input, ImportError> {
    let mut acc = Acc::new(limits);
    let name = clean_name(name);
    let name = if name.is_empty() {
        "upload".to_owned()
    } else {
        name
    };
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(too_large(&name, limits));
    }
    acc.add_bytes(name, bytes)?;
    Ok(acc.input)
}

/// The files of a folder and of its direct sub-folders, sorted by path,
/// hidden ones and other kinds of files left out.
fn list_folder(dir: &Path) -> Result<Vec<std::path::PathBuf>, ImportError> {
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), 0)];
    while let Some((folder, depth)) = stack.pop() {
        let shown = folder.display().to_string();
        let cannot =
            |e: std::io::Error| ImportError::in_file(&shown, format!("cannot be listed ({e})"));
        for entry in fs::read_dir(&folder).map_err(cannot)? {
            let entry = entry.map_err(cannot)?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            // Follows symbolic links; unreadable entries are left out.
            let Ok(meta) = fs::metadata(&path) else {
                continue;
            };
            if meta.is_dir() {
                if depth == 0 {
                    stack.push((path, 1));
                }
            } else if meta.is_file() && is_data_name(&name) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn is_data_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    [".csv", ".tsv", ".txt", ".gz", ".zip"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// The last part of a path (`/` or `\` separated), NFC, trimmed.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.trim().nfc().collect()
}

fn too_large(name: &str, limits: &Limits) -> ImportError {
    ImportError::in_file(
        name,
        format!(
            "the file is larger than {}",
            human_bytes(limits.max_file_bytes)
        ),
    )
}

/// Accumulates files while keeping count of the decompressed total.
struct Acc<'a> {
    limits: &'a Limits,
    total: u64,
    input: Input,
}

impl<'a> Acc<'a> {
    fn new(limits: &'a Limits) -> Self {
        Acc {
            limits,
            total: 0,
            input: Input::default(),
        }
    }

    fn add_path(&mut self, path: &Path) -> Result<(), ImportError> {
        let name = clean_name(
            &path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.display().to_string()),
        );
        let meta = fs::metadata(path)
            .map_err(|e| ImportError::in_file(&name, format!("cannot be opened ({e})")))?;
        if meta.len() > self.limits.max_file_bytes {
            return Err(too_large(&name, self.limits));
        }
        let file = fs::File::open(path)
            .map_err(|e| ImportError::in_file(&name, format!("cannot be opened ({e})")))?;
        // The file may grow between the check and the read: read at most
        // one byte more than allowed.
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        file.take(self.limits.max_file_bytes + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| ImportError::in_file(&name, format!("cannot be read ({e})")))?;
        if bytes.len() as u64 > self.limits.max_file_bytes {
            return Err(too_large(&name, self.limits));
        }
        self.add_bytes(name, bytes)
    }

    /// Adds a file by its contents: zips are opened, gzip files unpacked.
    fn add_bytes(&mut self, name: String, bytes: Vec<u8>) -> Result<(), ImportError> {
        if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
            self.add_zip(&name, &bytes)
        } else if bytes.starts_with(&[0x1f, 0x8b]) {
            let inner = strip_gz(&name);
            let data = self.inflate(&inner, MultiGzDecoder::new(&bytes[..]), &name)?;
            self.input.files.push((inner, data));
            Ok(())
        } else {
            self.count(&name, bytes.len() as u64)?;
            self.input.files.push((name, bytes));
            Ok(())
        }
    }

    fn add_zip(&mut self, name: &str, bytes: &[u8]) -> Result<(), ImportError> {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| ImportError::in_file(name, format!("is not a readable zip file ({e})")))?;
        if zip.len() > MAX_ZIP_MEMBERS {
            return Err(ImportError::in_file(
                name,
                format!(
                    "the zip file holds {} files; at most {MAX_ZIP_MEMBERS} are accepted",
                    zip.len()
                ),
            ));
        }
        for i in 0..zip.len() {
            let member = zip.by_index(i).map_err(|e| {
                ImportError::in_file(
                    name,
                    format!("file number {} of the zip cannot be read ({e})", i + 1),
                )
            })?;
            if member.is_dir() {
                continue;
            }
            // Names are UTF-8 in current zips; older tools write CP437, which
            // the zip crate decodes in `name()`.
            let raw = match std::str::from_utf8(member.name_raw()) {
                Ok(s) => s.to_owned(),
                Err(_) => member.name().to_owned(),
            };
            if raw.contains("__MACOSX") {
                continue;
            }
            let member_name = clean_name(&raw);
            if member_name.is_empty() || member_name.starts_with('.') {
                continue;
            }
            let lower = member_name.to_lowercase();
            if lower.ends_with(".zip") {
                // Zips inside zips are not opened: no publisher does that,
                // and it would multiply the bomb risk.
                continue;
            }
            let shown = format!("{name}/{member_name}");
            if lower.ends_with(".gz") {
                // Read the compressed member (bounded), then unpack it.
                let packed = self.inflate(&shown, member, name)?;
                let inner = strip_gz(&member_name);
                let data = self.inflate(&inner, MultiGzDecoder::new(&packed[..]), &shown)?;
                self.input.files.push((inner, data));
            } else {
                let data = self.inflate(&member_name, member, name)?;
                self.input.files.push((member_name, data));
            }
        }
        Ok(())
    }

    /// Reads a decompressing reader to the end, stopping as soon as the
    /// file or the import goes past its limit.
    fn inflate<R: Read>(
        &mut self,
        inner_name: &str,
        reader: R,
        outer_name: &str,
    ) -> Result<Vec<u8>, ImportError> {
        let left_total = self.limits.max_total_bytes.saturating_sub(self.total);
        let allowed = self.limits.max_file_bytes.min(left_total);
        let mut out = Vec::new();
        reader
            .take(allowed + 1)
            .read_to_end(&mut out)
            .map_err(|e| {
                ImportError::in_file(
                    outer_name,
                    format!("{inner_name} cannot be decompressed ({e})"),
                )
            })?;
        if out.len() as u64 > allowed {
            return Err(if allowed == self.limits.max_file_bytes {
                ImportError::in_file(
                    outer_name,
                    format!(
                        "{inner_name} is larger than {} once decompressed",
                        human_bytes(self.limits.max_file_bytes)
                    ),
                )
            } else {
                self.total_exceeded(outer_name)
            });
        }
        self.total += out.len() as u64;
        Ok(out)
    }

    fn count(&mut self, name: &str, len: u64) -> Result<(), ImportError> {
        self.total += len;
        if self.total > self.limits.max_total_bytes {
            return Err(self.total_exceeded(name));
        }
        Ok(())
    }

    fn total_exceeded(&self, name: &str) -> ImportError {
        ImportError::in_file(
            name,
            format!(
                "the files together are larger than {} once decompressed",
                human_bytes(self.limits.max_total_bytes)
            ),
        )
    }
}

/// `skills_en.csv.gz` → `skills_en.csv`; a name without `.gz` is kept.
fn strip_gz(name: &str) -> String {
    let lower = name.to_lowercase();
    if lower.ends_with(".gz") && name.len() > 3 {
        name[..name.len() - 3].to_owned()
    } else {
        name.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn names_are_cleaned() {
        assert_eq!(clean_name("C:\\Users\\x\\a.csv"), "a.csv");
        assert_eq!(clean_name("dir/sub/b.csv "), "b.csv");
        assert_eq!(clean_name("Compe\u{301}tences.csv"), "Compétences.csv");
        assert_eq!(strip_gz("skills_en.csv.GZ"), "skills_en.csv");
        assert_eq!(strip_gz("a.csv"), "a.csv");
    }

    #[test]
    fn plain_and_gzip_uploads() {
        let limits = Limits::default();
        let plain = from_bytes("x/a.csv", b"a,b\n1,2\n".to_vec(), &limits).unwrap();
        assert_eq!(plain.names(), ["a.csv"]);
        let gz = from_bytes("b.csv.gz", gzip(b"a,b\n1,2\n"), &limits).unwrap();
        assert_eq!(gz.names(), ["b.csv"]);
        assert_eq!(gz.files[0].1, b"a,b\n1,2\n");
    }

    #[test]
    fn gzip_bomb_stops_at_the_limit() {
        let limits = Limits {
            max_file_bytes: 1000,
            max_total_bytes: 5000,
            ..Limits::default()
        };
        let bomb = gzip(&vec![b'a'; 100_000]);
        assert!(bomb.len() < 1000);
        let err = from_bytes("bomb.gz", bomb, &limits).unwrap_err();
        assert!(err.reason.contains("once decompressed"), "{err}");
    }

    #[test]
    fn total_limit_counts_plain_files() {
        let limits = Limits {
            max_file_bytes: 100,
            max_total_bytes: 10,
            ..Limits::default()
        };
        let err = from_bytes("a.csv", vec![b'a'; 50], &limits).unwrap_err();
        assert!(err.reason.contains("together"), "{err}");
    }
}
