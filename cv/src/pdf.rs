//! The PDF: typst as a library, PDF/A-2a and PDF/UA-1. Every call into
//! typst sits in this module and in `world.rs` (its API changes between
//! minor versions).
//!
//! The templates never see markup from the person: they read
//! `/data.json` (the [`Prepared`] CV) and show its strings as text.

use crate::model::CvInput;
use crate::prepare::{prepare, Prepared};
use crate::world::{CvWorld, DATA, PHOTO, QR};
use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::FileId;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

/// Bounds on a render.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest photo accepted, in bytes, before decoding.
    pub max_photo_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_photo_bytes: 10 * 1024 * 1024,
        }
    }
}

/// A rendered PDF and what a caller may want to tell the person.
#[derive(Debug)]
pub struct Rendered {
    pub pdf: Vec<u8>,
    /// The page count (a `compact` CV over one page still renders: warn).
    pub pages: usize,
    /// How many runs of characters no embedded font has became `□`
    /// (see [`Prepared::replaced_chars`]).
    pub replaced_chars: usize,
    /// typst's warnings, for logs (not for the person).
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("the photo cannot be read")]
    Photo,
    /// The message is for logs (the caller shows a localised page).
    #[error("the document could not be typeset: {0}")]
    Typeset(String),
}

/// Entries of comemo's caches survive this many renders without a hit.
/// Fonts and the templates' parsing stay warm; per-CV work goes (see the
/// benchmark: RSS stays flat over 1,000 renders).
const EVICT_AGE: usize = 3;

/// The photo's long side after scaling, in pixels (about 300 dpi at the
/// 50 mm the templates print at most).
const PHOTO_MAX_SIDE: u32 = 600;
/// Dimensions refused before decoding (a decompression bomb guard).
const PHOTO_MAX_DIMENSION: u32 = 12_000;
const PHOTO_MAX_ALLOC: u64 = 256 * 1024 * 1024;

/// Evicts comemo's caches when dropped: after every render, also on
/// errors and panics.
struct EvictGuard;

impl Drop for EvictGuard {
    fn drop(&mut self) {
        typst::comemo::evict(EVICT_AGE);
    }
}

/// Typesets the CV as a PDF/A-2a and PDF/UA-1 document. Synchronous and
/// CPU-bound (tens of milliseconds): call it off the async runtime.
pub fn render_pdf(input: &CvInput, limits: Limits) -> Result<Rendered, RenderError> {
    let photo = match &input.photo {
        Some(photo) => Some(photo_jpeg(&photo.bytes, limits)?),
        None => None,
    };
    let mut prepared = prepare(input);
    let mut files: Vec<(FileId, Bytes)> = Vec::new();
    if let Some(jpeg) = photo {
        files.push((*PHOTO, Bytes::new(jpeg)));
    }
    qr_files(&mut prepared, &mut files);
    let data =
        serde_json::to_vec(&prepared).map_err(|e| RenderError::Typeset(format!("data: {e}")))?;
    files.push((*DATA, Bytes::new(data)));

    let date = Datetime::from_ymd(
        prepared.date_parts.year,
        u8::try_from(prepared.date_parts.month).unwrap_or(1),
        u8::try_from(prepared.date_parts.day).unwrap_or(1),
    );
    let world = CvWorld::new(input.design, files, date);

    let _evict = EvictGuard;
    let result = catch_unwind(AssertUnwindSafe(|| typeset(&world, date)));
    let (pdf, pages, warnings) = match result {
        Ok(r) => r?,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            return Err(RenderError::Typeset(format!("typst panicked: {what}")));
        }
    };
    Ok(Rendered {
        pdf,
        pages,
        replaced_chars: prepared.replaced_chars,
        warnings,
    })
}

type Typeset = (Vec<u8>, usize, Vec<String>);

fn typeset(world: &CvWorld, date: Option<Datetime>) -> Result<Typeset, RenderError> {
    let warned = typst::compile::<PagedDocument>(world);
    let warnings = warned
        .warnings
        .iter()
        .map(|w| diagnostic(world, w))
        .collect();
    let doc = warned.output.map_err(|errors| describe(world, &errors))?;
    let standards = PdfStandards::new(&[PdfStandard::A_2a, PdfStandard::Ua_1])
        .map_err(|e| RenderError::Typeset(format!("standards: {}", e.message())))?;
    let options = PdfOptions {
        creator: Smart::Custom(Some("Atout".into())),
        timestamp: date.map(Timestamp::new_utc),
        standards,
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&doc, &options).map_err(|errors| describe(world, &errors))?;
    Ok((pdf, doc.pages().len(), warnings))
}

fn diagnostic(world: &CvWorld, d: &typst::diag::SourceDiagnostic) -> String {
    let mut s = match world.locate(d.span) {
        Some(at) => format!("{at}: {}", d.message),
        None => d.message.to_string(),
    };
    for hint in &d.hints {
        s.push_str(" (hint: ");
        s.push_str(&hint.v);
        s.push(')');
    }
    s
}

/// typst's errors as one line for logs.
fn describe(world: &CvWorld, errors: &[typst::diag::SourceDiagnostic]) -> RenderError {
    let lines: Vec<String> = errors
        .iter()
        .take(5)
        .map(|d| diagnostic(world, d))
        .collect();
    RenderError::Typeset(lines.join("; "))
}

/// The QR codes as SVG files: the online version's and each certified
/// line's. A link too long for a code loses its code (the short link is
/// still printed).
fn qr_files(prepared: &mut Prepared, files: &mut Vec<(FileId, Bytes)>) {
    let mut add = |qr: &mut Option<usize>, url: &str| {
        let Some(i) = *qr else { return };
        match (QR.get(i), qr_svg(url)) {
            (Some(id), Some(svg)) => files.push((*id, Bytes::from_string(svg))),
            _ => *qr = None,
        }
    };
    if let Some(online) = &prepared.online {
        add(&mut prepared.online_qr, &online.url);
    }
    if prepared.online_qr.is_none() {
        prepared.online_alt = None;
    }
    for section in &mut prepared.sections {
        for item in &mut section.items {
            if let Some(link) = &item.verify {
                add(&mut item.qr, &link.url);
            }
            if item.qr.is_none() {
                item.qr_alt = None;
            }
        }
    }
}

/// A QR code (error correction M, a 4-module quiet zone) as a small SVG:
/// one path of one-module-high runs.
pub fn qr_svg(data: &str) -> Option<String> {
    use qrcode::{Color, EcLevel, QrCode};
    let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let quiet = 4;
    let size = width + 2 * quiet;
    let mut path = String::with_capacity(width * width);
    for (y, row) in colors.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if row[x] == Color::Dark {
                let start = x;
                while x < width && row[x] == Color::Dark {
                    x += 1;
                }
                let run = x - start;
                path.push_str(&format!("M{} {}h{run}v1h-{run}z", start + quiet, y + quiet));
            } else {
                x += 1;
            }
        }
    }
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" \
         shape-rendering=\"crispEdges\"><rect width=\"{size}\" height=\"{size}\" \
         fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>"
    ))
}

/// The photo, decoded under bounds, turned upright (EXIF orientation),
/// scaled down and re-encoded as an sRGB JPEG.
fn photo_jpeg(bytes: &[u8], limits: Limits) -> Result<Vec<u8>, RenderError> {
    use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
    if bytes.is_empty() || bytes.len() > limits.max_photo_bytes {
        return Err(RenderError::Photo);
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| RenderError::Photo)?;
    if !matches!(
        reader.format(),
        Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)
    ) {
        return Err(RenderError::Photo);
    }
    let mut bounds = image::Limits::default();
    bounds.max_image_width = Some(PHOTO_MAX_DIMENSION);
    bounds.max_image_height = Some(PHOTO_MAX_DIMENSION);
    bounds.max_alloc = Some(PHOTO_MAX_ALLOC);
    reader.limits(bounds);
    let mut decoder = reader.into_decoder().map_err(|_| RenderError::Photo)?;
    let orientation = decoder.orientation().ok();
    let mut img = DynamicImage::from_decoder(decoder).map_err(|_| RenderError::Photo)?;
    if let Some(orientation) = orientation {
        img.apply_orientation(orientation);
    }
    if img.width() == 0 || img.height() == 0 {
        return Err(RenderError::Photo);
    }
    if img.width().max(img.height()) > PHOTO_MAX_SIDE {
        img = img.thumbnail(PHOTO_MAX_SIDE, PHOTO_MAX_SIDE);
    }
    // Transparency goes onto white; JPEG has none.
    let rgb = match img {
        DynamicImage::ImageRgb8(rgb) => rgb,
        other => {
            let rgba = other.to_rgba8();
            let mut rgb = image::RgbImage::new(rgba.width(), rgba.height());
            for (dst, src) in rgb.pixels_mut().zip(rgba.pixels()) {
                let a = u16::from(src[3]);
                for c in 0..3 {
                    let v = (u16::from(src[c]) * a + 255 * (255 - a)) / 255;
                    dst[c] = u8::try_from(v).unwrap_or(255);
                }
            }
            rgb
        }
    };
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
    rgb.write_with_encoder(encoder)
        .map_err(|_| RenderError::Photo)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_never_eval() {
        for (path, text) in crate::world::TEMPLATES {
            assert!(!text.contains("eval"), "{path} calls eval");
            // Nor read files other than our fixed ones, nor plugins.
            assert!(!text.contains("plugin"), "{path} loads a plugin");
            assert!(!text.contains("read("), "{path} reads a file");
        }
    }

    #[test]
    fn qr_svg_is_small_and_square() {
        let svg = qr_svg("https://atout.example/s/Ab3dEf/2").unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.len() < 8000, "{}", svg.len());
        // 29 modules (version 3) plus the quiet zone.
        assert!(svg.contains("viewBox=\"0 0 37 37\""), "{svg}");
    }

    fn jpeg(width: u32, height: u32, orientation: Option<u8>) -> Vec<u8> {
        use image::ImageEncoder;
        let img =
            image::RgbImage::from_fn(width, height, |x, _| image::Rgb([(x % 256) as u8, 0, 0]));
        let mut out = Vec::new();
        let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
        if let Some(o) = orientation {
            // A TIFF block with one tag: Orientation.
            let exif = vec![
                b'M', b'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, o, 0, 0, 0,
                0, 0, 0,
            ];
            enc.set_exif_metadata(exif).unwrap();
        }
        enc.write_image(img.as_raw(), width, height, image::ExtendedColorType::Rgb8)
            .unwrap();
        out
    }

    fn dimensions(jpeg: &[u8]) -> (u32, u32) {
        let img = image::load_from_memory(jpeg).unwrap();
        (img.width(), img.height())
    }

    #[test]
    fn photo_is_turned_upright_and_scaled_down() {
        let out = photo_jpeg(&jpeg(40, 20, Some(6)), Limits::default()).unwrap();
        assert_eq!(dimensions(&out), (20, 40));
        let out = photo_jpeg(&jpeg(40, 20, Some(3)), Limits::default()).unwrap();
        assert_eq!(dimensions(&out), (40, 20));
        let out = photo_jpeg(&jpeg(40, 20, None), Limits::default()).unwrap();
        assert_eq!(dimensions(&out), (40, 20));
        let out = photo_jpeg(&jpeg(2400, 1800, Some(8)), Limits::default()).unwrap();
        assert_eq!(dimensions(&out), (450, 600));
    }

    #[test]
    fn photo_dimensions_are_bounded() {
        use image::ImageEncoder;
        // A PNG header claiming 100,000 × 100,000 pixels.
        let mut png = Vec::new();
        image::codecs::png::PngEncoder::new(&mut png)
            .write_image(&[0; 4], 1, 1, image::ExtendedColorType::Rgba8)
            .unwrap();
        // IHDR width and height sit at bytes 16..24 (the CRC is then wrong,
        // which is also an error: either way no 40 GB allocation).
        png[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        assert!(matches!(
            photo_jpeg(&png, Limits::default()),
            Err(RenderError::Photo)
        ));
    }

    #[test]
    fn photo_bounds() {
        let limits = Limits {
            max_photo_bytes: 10,
        };
        assert!(matches!(
            photo_jpeg(&[0; 11], limits),
            Err(RenderError::Photo)
        ));
        assert!(matches!(photo_jpeg(&[], limits), Err(RenderError::Photo)));
        assert!(matches!(
            photo_jpeg(b"not an image", Limits::default()),
            Err(RenderError::Photo)
        ));
    }
}
