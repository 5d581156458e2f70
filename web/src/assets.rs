//! The style sheet every page shares (the portfolio, the console and the
//! verifier's pages): served as `/assets/atout.css` by the portal, inlined
//! by hash into the verifier's pages so they stand alone.

pub const CSS: &str = include_str!("../assets/atout.css");
