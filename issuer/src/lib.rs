//! The issuer side. For now: organisations (tenants), their signing keys
//! and API keys, and the audit log. Credential issuance comes next and will
//! use the organisation API keys created here.
//!
//! Who may call what:
//!
//! | route | caller |
//! |---|---|
//! | `POST /admin/orgs` (optionally with its accreditation), `GET /admin/orgs` | platform admin |
//! | `GET /directory/organisations[?q=&town=&kind=&page=&per_page=]`, `GET /directory/organisations/{slug}` | anyone (see `directory`) |
//! | `GET`, `PUT /orgs/{slug}/profile` | admin, or an API key of that organisation |
//! | `POST /admin/orgs/{slug}/keys` (rotate) | platform admin |
//! | `POST /admin/orgs/{slug}/keys/{key}/withdraw` | platform admin |
//! | `POST /admin/orgs/{slug}/api-keys` | platform admin |
//! | `GET /admin/audit` | platform admin |
//! | `GET /orgs/{slug}` | admin, or an API key of that organisation |
//! | `GET /orgs/{slug}/api-keys`, `DELETE /orgs/{slug}/api-keys/{id}` | admin, or an API key of that organisation |
//! | `GET /orgs/{slug}/audit` | admin, or an API key of that organisation |
//! | `POST /credentials/issue` | an organisation API key (issues as that organisation) |
//! | `GET /contexts/atout/v1` | anyone |
//! | `GET /template-gallery`, `GET /template-gallery/{id}` | anyone |
//! | `POST /orgs/{slug}/offers` | that organisation's API key |
//! | `GET /orgs/{slug}/offers[/{id}]`, `DELETE /orgs/{slug}/offers/{id}` | admin, or an API key of that organisation |
//! | `GET /offers/{token}[/qr.svg, /qr.png]` | anyone holding the offer link |
//! | `GET /wallet/offers[/{token}]`, `POST /wallet/offers/{token}/accept`, `.../decline` | a logged-in citizen |
//! | `GET /.well-known/openid-credential-issuer`, `GET /.well-known/oauth-authorization-server` | anyone |
//! | `GET /oid4vci/credential-offer/{code}`, `POST /oid4vci/token`, `POST /oid4vci/nonce`, `POST /oid4vci/credential` | OpenID4VCI wallets (pre-authorized code, access token) |
//! | `GET /orgs/{slug}/batches/{id}/delivery`, `POST .../resend`, `.../withdraw`, `.../rows/{row}/resend`, `.../rows/{row}/withdraw` | admin, or an API key of that organisation |
//! | `GET /orgs/{slug}/certification-requests[/{id}[/documents/{document}]]`, `POST .../{id}/approve`, `.../reject` | the organisation (API key) or the admin |

pub mod batches;
pub mod credentials;
pub mod csv_input;
pub mod delivery;
pub mod directory;
pub mod gallery;
pub mod offers;
pub mod oid4vci;
pub mod orgs;
pub mod registry;
pub mod requests;
pub mod status;
pub mod template_builder;
pub mod templates;

use atout_web::AppState;
use utoipa_axum::router::OpenApiRouter;

/// The issuer's routes.
pub fn router() -> OpenApiRouter<AppState> {
    orgs::router()
        .merge(credentials::router())
        .merge(status::router())
        .merge(templates::router())
        .merge(gallery::router())
        .merge(registry::router())
        .merge(batches::router())
        .merge(delivery::router())
        .merge(offers::router())
        .merge(oid4vci::router())
        .merge(requests::router())
        .merge(directory::router())
}
