//! Verifiable Credentials for Atout.
//!
//! * [`contexts`]: the JSON-LD contexts Atout accepts, bundled; nothing is
//!   ever fetched.
//! * [`model`]: VC Data Model 2.0 checks on credentials to issue, with
//!   precise errors.
//! * [`sign`]: securing a credential as Data Integrity (`eddsa-rdfc-2022`,
//!   `ecdsa-rdfc-2019`, through [`data_integrity`] and Atout's own JSON-LD
//!   and RDFC-1.0 engine, `atout-canon`) or as VC-JOSE `vc+jwt` (josekit, with
//!   the W3C Recommendation's `typ` and the credential as the payload).
//! * [`sd_jwt`]: SD-JWT VC (`dc+sd-jwt`), selective disclosure of the
//!   subject's claims: issuing, presenting with key binding, verifying.
//! * [`presentation`]: presentations signed by a holder, bound to a
//!   verifier's challenge and domain.
//!
//! Every call into ssi sits in `ssi_bridge` (did:key resolution, and ssi's
//! JSON-LD route as the benchmarks' reference).

pub mod contexts;
pub mod data_integrity;
pub mod jose;
pub mod model;
pub mod presentation;
pub mod sd_jwt;
pub mod sign;
pub mod ssi_bridge;
pub mod status;

pub use contexts::Contexts;
pub use sign::{ProofFormat, SecuredCredential};

/// Contexts and the JSON-LD engine, built once at start-up.
#[derive(Debug, Clone)]
pub struct Vc {
    pub contexts: Contexts,
    pub engine: data_integrity::LdEngine,
}

impl Vc {
    pub fn new(base: &str) -> Result<Self, data_integrity::SignError> {
        let contexts = Contexts::new(base);
        let engine = data_integrity::LdEngine::new(&contexts)?;
        Ok(Self { contexts, engine })
    }
}
