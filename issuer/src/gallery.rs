//! Ready templates to start from, shipped as files in `issuer/templates/`
//! (each a template as `POST /orgs/{slug}/templates` takes it, so the same
//! file can be pasted in the console or given to `atout template create
//! --file`).
//!
//! | route | caller |
//! |---|---|
//! | `GET /template-gallery`, `GET /template-gallery/{id}` | anyone |

use crate::templates::TemplateSpec;
use atout_web::{problem::ProblemBody, ApiError, AppState, Json, Path};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The gallery: (id, file text), in the order the console shows them.
pub const GALLERY: [(&str, &str); 12] = [
    ("licence", include_str!("../templates/licence.json")),
    ("master", include_str!("../templates/master.json")),
    ("doctorat", include_str!("../templates/doctorat.json")),
    ("bts", include_str!("../templates/bts.json")),
    ("cap", include_str!("../templates/cap.json")),
    (
        "titre-professionnel",
        include_str!("../templates/titre-professionnel.json"),
    ),
    (
        "attestation-formation",
        include_str!("../templates/attestation-formation.json"),
    ),
    (
        "certificat-competences",
        include_str!("../templates/certificat-competences.json"),
    ),
    (
        "badge-participation",
        include_str!("../templates/badge-participation.json"),
    ),
    (
        "badge-competence",
        include_str!("../templates/badge-competence.json"),
    ),
    ("diploma", include_str!("../templates/diploma.json")),
    (
        "openbadge-psc1",
        include_str!("../templates/openbadge-psc1.json"),
    ),
];

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_gallery))
        .routes(routes!(gallery_template))
}

/// One template of the gallery, with the fields its schema describes.
pub fn find(id: &str) -> Option<TemplateSpec> {
    GALLERY
        .iter()
        .find(|(g, _)| *g == id)
        .and_then(|(_, text)| parse(id, text))
}

fn parse(id: &str, text: &str) -> Option<TemplateSpec> {
    let mut spec: TemplateSpec = serde_json::from_str(text).ok()?;
    spec.id = id.to_owned();
    spec.fields = Some(crate::template_builder::fields_from_schema(
        &spec.subject_schema,
    ));
    Some(spec)
}

/// Every template of the gallery.
pub fn all() -> Vec<TemplateSpec> {
    GALLERY
        .iter()
        .filter_map(|(id, text)| parse(id, text))
        .collect()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Gallery {
    pub items: Vec<TemplateSpec>,
}

/// The gallery of ready templates (licence, master, doctorat, BTS, CAP,
/// titre professionnel, attestation de formation, certificat de
/// compétences, Open Badges of participation and of skill...). `id` is the
/// gallery's name for it.
#[utoipa::path(
    get, path = "/template-gallery", tag = "templates",
    responses((status = 200, body = Gallery))
)]
async fn list_gallery() -> Json<Gallery> {
    Json(Gallery { items: all() })
}

/// One template of the gallery, as `POST /orgs/{slug}/templates` takes it.
#[utoipa::path(
    get, path = "/template-gallery/{id}", tag = "templates",
    params(("id" = String, Path)),
    responses(
        (status = 200, body = TemplateSpec),
        (status = 404, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn gallery_template(Path(id): Path<String>) -> Result<Json<TemplateSpec>, ApiError> {
    find(&id)
        .map(Json)
        .ok_or_else(|| ApiError::not_found("The gallery has no such template."))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file parses, has a usable schema, and every field a label in
    /// both languages.
    #[test]
    fn every_gallery_template_is_usable() {
        for (id, text) in GALLERY {
            let spec = parse(id, text).unwrap_or_else(|| panic!("{id} does not parse"));
            assert!(
                jsonschema::validator_for(&spec.subject_schema).is_ok(),
                "{id}"
            );
            for f in spec.fields.unwrap() {
                assert!(
                    !f.label_fr.is_empty() && !f.label_en.is_empty(),
                    "{id}: {}",
                    f.key
                );
            }
        }
    }
}
