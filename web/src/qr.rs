//! QR codes of links (verification links, credential offers), as SVG
//! (vector: crisp at any print size) and PNG (integer module scaling, no
//! smoothing, 1 bit per pixel).
//!
//! Error correction level M (15 % of the code can be damaged), with the
//! standard quiet zone of four modules on every side.

use qrcode::{Color, EcLevel, QrCode};

/// Light modules around the code, on each side (ISO/IEC 18004).
pub const QUIET_ZONE: usize = 4;
/// Pixels per module of the PNG when no size is asked for.
pub const DEFAULT_SCALE: u32 = 8;
/// Bounds of `?size=` (pixels).
pub const MIN_SIZE: u32 = 128;
pub const MAX_SIZE: u32 = 2048;

#[derive(Debug, thiserror::Error)]
pub enum QrError {
    #[error("the text is too long for a QR code")]
    TooLong,
    #[error("the PNG could not be encoded: {0}")]
    Png(String),
}

/// The modules of a QR code, quiet zone included (`true`: dark).
#[derive(Debug, Clone)]
pub struct Matrix {
    /// Modules per side, quiet zone included.
    pub side: usize,
    dark: Vec<bool>,
}

impl Matrix {
    pub fn new(text: &str) -> Result<Self, QrError> {
        let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
            .map_err(|_| QrError::TooLong)?;
        let width = code.width();
        let colors = code.to_colors();
        let side = width + 2 * QUIET_ZONE;
        let mut dark = vec![false; side * side];
        for y in 0..width {
            for x in 0..width {
                if colors[y * width + x] == Color::Dark {
                    dark[(y + QUIET_ZONE) * side + x + QUIET_ZONE] = true;
                }
            }
        }
        Ok(Self { side, dark })
    }

    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.side && y < self.side && self.dark[y * self.side + x]
    }

    /// An SVG drawing, one unit per module: each run of dark modules in a
    /// row is one rectangle of the path; `crispEdges` keeps edges sharp.
    /// `title` is its text alternative.
    pub fn svg(&self, title: &str) -> String {
        let side = self.side;
        let mut path = String::with_capacity(side * side);
        for y in 0..side {
            let mut x = 0;
            while x < side {
                if !self.is_dark(x, y) {
                    x += 1;
                    continue;
                }
                let start = x;
                while x < side && self.is_dark(x, y) {
                    x += 1;
                }
                let run = x - start;
                path.push_str(&format!("M{start} {y}h{run}v1h-{run}z"));
            }
        }
        let title = escape_xml(title);
        let px = side * DEFAULT_SCALE as usize;
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" viewBox=\"0 0 {side} {side}\" \
             width=\"{px}\" height=\"{px}\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"{title}\">\
             <title>{title}</title>\
             <rect width=\"{side}\" height=\"{side}\" fill=\"#ffffff\"/>\
             <path fill=\"#000000\" d=\"{path}\"/></svg>\n"
        )
    }

    /// Pixels per module and side in pixels for a requested size: the
    /// largest whole scale that fits (at least 1), the image exactly `size`
    /// pixels wide when it is at least one pixel per module (the rest goes
    /// to the margin). Without a size: [`DEFAULT_SCALE`].
    pub fn layout(&self, size: Option<u32>) -> (u32, u32) {
        let side = self.side as u32;
        match size {
            None => (DEFAULT_SCALE, side * DEFAULT_SCALE),
            Some(size) => {
                let scale = (size / side).max(1);
                (scale, size.max(side * scale))
            }
        }
    }

    /// A black and white PNG (1 bit per pixel), `size` pixels wide (see
    /// [`Matrix::layout`]): every module is a square of whole pixels.
    pub fn png(&self, size: Option<u32>) -> Result<Vec<u8>, QrError> {
        let (scale, pixels) = self.layout(size);
        let side = self.side as u32;
        let offset = (pixels - side * scale) / 2;
        let row_bytes = pixels.div_ceil(8) as usize;
        let mut data = vec![0u8; row_bytes * pixels as usize];
        for py in 0..pixels {
            let row = &mut data[py as usize * row_bytes..(py as usize + 1) * row_bytes];
            for px in 0..pixels {
                let module = |p: u32| p.checked_sub(offset).map(|v| (v / scale) as usize);
                let dark = match (module(px), module(py)) {
                    (Some(mx), Some(my)) => self.is_dark(mx, my),
                    _ => false,
                };
                // 1-bit greyscale: 1 is white.
                if !dark {
                    row[px as usize / 8] |= 0x80 >> (px % 8);
                }
            }
        }
        let mut out = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut out, pixels, pixels);
            encoder.set_color(png::ColorType::Grayscale);
            encoder.set_depth(png::BitDepth::One);
            let mut writer = encoder
                .write_header()
                .map_err(|e| QrError::Png(e.to_string()))?;
            writer
                .write_image_data(&data)
                .map_err(|e| QrError::Png(e.to_string()))?;
            writer.finish().map_err(|e| QrError::Png(e.to_string()))?;
        }
        Ok(out)
    }
}

fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: &str = "https://portfolio.example.org/verify/AAAAAAAAAAAAAAAAAAAAAA";

    #[test]
    fn the_matrix_has_a_quiet_zone_and_finder_patterns() {
        let m = Matrix::new(LINK).unwrap();
        assert!(m.side > 21 + 2 * QUIET_ZONE);
        for i in 0..m.side {
            for q in 0..QUIET_ZONE {
                assert!(!m.is_dark(i, q) && !m.is_dark(q, i));
                assert!(!m.is_dark(i, m.side - 1 - q) && !m.is_dark(m.side - 1 - q, i));
            }
        }
        // The top-left finder pattern starts right after the quiet zone.
        assert!(m.is_dark(QUIET_ZONE, QUIET_ZONE));
        assert!(m.is_dark(QUIET_ZONE + 6, QUIET_ZONE + 6));
        assert!(!m.is_dark(QUIET_ZONE + 1, QUIET_ZONE + 1));
    }

    #[test]
    fn sizes_use_whole_pixels_per_module() {
        let m = Matrix::new(LINK).unwrap();
        let side = m.side as u32;
        assert_eq!(m.layout(None), (8, side * 8));
        assert_eq!(m.layout(Some(side * 10 + 3)), (10, side * 10 + 3));
        assert_eq!(m.layout(Some(MIN_SIZE)), (MIN_SIZE / side, MIN_SIZE));
        // Never less than one pixel per module.
        assert_eq!(m.layout(Some(10)), (1, side));
    }

    #[test]
    fn the_svg_is_a_vector_drawing_with_a_text_alternative() {
        let m = Matrix::new(LINK).unwrap();
        let svg = m.svg("QR <code> & \"link\"");
        assert!(svg.contains(&format!("viewBox=\"0 0 {0} {0}\"", m.side)));
        assert!(svg.contains("shape-rendering=\"crispEdges\""));
        assert!(svg.contains("<title>QR &lt;code&gt; &amp; &quot;link&quot;</title>"));
        assert!(!svg.contains("<image"));
    }

    #[test]
    fn the_png_is_one_bit_black_and_white() {
        let m = Matrix::new(LINK).unwrap();
        let png = m.png(Some(300)).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let reader = decoder.read_info().unwrap();
        let info = reader.info();
        assert_eq!((info.width, info.height), (300, 300));
        assert_eq!(info.bit_depth, png::BitDepth::One);
    }
}
