//! CSRF protection for every form: a random cookie (HttpOnly,
//! SameSite=Strict, `__Host-` over https) and, in each form, a token sealed
//! under a key derived from the master key that binds that cookie to the
//! visitor's current session cookies. A post is accepted only with a token
//! that opens to the digest of the cookies it arrives with, and, when the
//! browser says where it comes from, an `Origin` of this site.

use crate::{ctx::Ctx, page::PageError, PortalState};
use atout_core::crypto::{random_token, sha256_hex};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD as B64, Engine as _};

pub const COOKIE: &str = "atout_csrf";
/// The form field carrying the token.
pub const FIELD: &str = "csrf";
const AAD: &[u8] = b"atout/csrf/v1";

pub fn new_cookie_value() -> String {
    // Without randomness the cookie stays empty, and every form is refused.
    random_token(32).unwrap_or_default()
}

fn binding(ctx: &Ctx) -> String {
    sha256_hex(
        format!(
            "{}\n{}\n{}",
            ctx.csrf_cookie,
            ctx.session.as_deref().unwrap_or(""),
            ctx.console.as_deref().unwrap_or("")
        )
        .as_bytes(),
    )
}

/// The token for the forms of this page.
pub fn token(state: &PortalState, ctx: &Ctx) -> String {
    state
        .app
        .token_key
        .seal(binding(ctx).as_bytes(), AAD)
        .map(|sealed| B64.encode(sealed))
        .unwrap_or_default()
}

/// Checks a posted form's token and origin.
pub fn verify(state: &PortalState, ctx: &Ctx, token: Option<&str>) -> Result<(), PageError> {
    if let Some(origin) = ctx.origin.as_deref() {
        if origin != state.app.config.base() {
            return Err(PageError::Csrf);
        }
    }
    let Some(sealed) = token.and_then(|t| B64.decode(t.trim()).ok()) else {
        return Err(PageError::Csrf);
    };
    if ctx.csrf_cookie.is_empty() {
        return Err(PageError::Csrf);
    }
    match state.app.token_key.open(&sealed, AAD) {
        Ok(plain) if plain.as_slice() == binding(ctx).as_bytes() => Ok(()),
        _ => Err(PageError::Csrf),
    }
}
