//! The issuer side. For now: organisations (tenants), their signing keys
//! and API keys, and the audit log. Credential issuance comes next and will
//! use the organisation API keys created here.
//!
//! Who may call what:
//!
//! | route | caller |
//! |---|---|
//! | `POST /admin/orgs`, `GET /admin/orgs` | platform admin |
//! | `POST /admin/orgs/{slug}/keys` (rotate) | platform admin |
//! | `POST /admin/orgs/{slug}/keys/{key}/withdraw` | platform admin |
//! | `POST /admin/orgs/{slug}/api-keys` | platform admin |
//! | `GET /admin/audit` | platform admin |
//! | `GET /orgs/{slug}` | admin, or an API key of that organisation |
//! | `GET /orgs/{slug}/api-keys`, `DELETE /orgs/{slug}/api-keys/{id}` | admin, or an API key of that organisation |
//! | `GET /orgs/{slug}/audit` | admin, or an API key of that organisation |
//! | `POST /credentials/issue` | an organisation API key (issues as that organisation) |
//! | `GET /contexts/atout/v1` | anyone |

pub mod batches;
pub mod credentials;
pub mod orgs;
pub mod registry;
pub mod status;
pub mod templates;

use atout_web::AppState;
use utoipa_axum::router::OpenApiRouter;

/// The issuer's routes.
pub fn router() -> OpenApiRouter<AppState> {
    orgs::router()
        .merge(credentials::router())
        .merge(status::router())
        .merge(templates::router())
        .merge(registry::router())
        .merge(batches::router())
}
