//! Atout's CVs: from what the citizen selected ([`CvInput`]) to the text
//! as it is printed ([`prepare`]: labels, dates and typography in the CV's
//! language, the same for the HTML preview and the PDF) and to the PDF
//! ([`render_pdf`]: typst as a library, PDF/A-2a and PDF/UA-1).

mod dates;
mod fonts;
pub mod model;
mod pdf;
mod prepare;
pub mod typo;
mod world;

pub use model::*;
pub use pdf::{qr_svg, render_pdf, Limits, RenderError, Rendered};
pub use prepare::*;
