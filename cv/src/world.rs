//! An in-memory typst world: the library, the fonts and the templates are
//! built once for the process; each render brings its own data files.
//!
//! Every `FileId` comes from a fixed virtual path (typst interns them for
//! the life of the process, at most 65,535): the templates, `/data.json`,
//! `/photo.jpg` and `/qr/0.svg` … `/qr/{MAX_QR - 1}.svg`. Nothing from the
//! person ever names a file. Any other path is "not found", so templates
//! cannot read the disk, the network or packages.

use crate::fonts::FONTS;
use crate::model::Design;
use crate::prepare::bounds::MAX_QR;
use std::path::PathBuf;
use std::sync::LazyLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The template sources (path, text). `common.typ` is imported by the others.
pub(crate) const TEMPLATES: [(&str, &str); 4] = [
    ("/common.typ", include_str!("../templates/common.typ")),
    ("/classic.typ", include_str!("../templates/classic.typ")),
    ("/modern.typ", include_str!("../templates/modern.typ")),
    ("/compact.typ", include_str!("../templates/compact.typ")),
];

/// A fixed virtual path's id. The paths are constants of this module,
/// checked by the tests: `VirtualPath::new` fails only on `..` escaping the
/// root, which none of them has.
fn id(path: &str) -> FileId {
    #[allow(clippy::expect_used)]
    let vpath = VirtualPath::new(path).expect("a fixed, valid virtual path");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

static SOURCES: LazyLock<Vec<Source>> = LazyLock::new(|| {
    TEMPLATES
        .iter()
        .map(|(path, text)| Source::new(id(path), (*text).to_owned()))
        .collect()
});

pub(crate) static DATA: LazyLock<FileId> = LazyLock::new(|| id("/data.json"));
pub(crate) static PHOTO: LazyLock<FileId> = LazyLock::new(|| id("/photo.jpg"));
pub(crate) static QR: LazyLock<Vec<FileId>> =
    LazyLock::new(|| (0..MAX_QR).map(|i| id(&format!("/qr/{i}.svg"))).collect());

/// One render's world.
pub(crate) struct CvWorld {
    main: FileId,
    files: Vec<(FileId, Bytes)>,
    today: Option<Datetime>,
}

impl CvWorld {
    pub(crate) fn new(
        design: Design,
        files: Vec<(FileId, Bytes)>,
        today: Option<Datetime>,
    ) -> Self {
        let index = match design {
            Design::Classic => 1,
            Design::Modern => 2,
            Design::Compact => 3,
        };
        Self {
            main: SOURCES[index].id(),
            files,
            today,
        }
    }

    /// Where a diagnostic points, for logs: `/classic.typ:12`.
    pub(crate) fn locate(&self, span: typst::syntax::DiagSpan) -> Option<String> {
        use typst::WorldExt;
        let id = span.id()?;
        let path = id.vpath().get_with_slash().to_owned();
        let line = self
            .range(span)
            .zip(self.source(id).ok())
            .and_then(|(range, source)| source.lines().byte_to_line(range.start));
        Some(match line {
            Some(line) => format!("{path}:{}", line + 1),
            None => path,
        })
    }
}

impl World for CvWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        SOURCES
            .iter()
            .find(|s| s.id() == id)
            .cloned()
            .ok_or_else(|| not_found(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files
            .iter()
            .find(|(fid, _)| *fid == id)
            .map(|(_, bytes)| bytes.clone())
            .ok_or_else(|| not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(PathBuf::from(id.vpath().get_with_slash()))
}
