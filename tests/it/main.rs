//! The one integration-test binary (each `tests/*.rs` file would link
//! separately and slowly). Runs on SQLite by default, and on PostgreSQL
//! when `DATABASE_URL=postgres://...` is set (each test then gets a fresh
//! database of its own).

// The browser scenarios are long `json!` literals.
#![recursion_limit = "512"]

mod common;

mod accounts;
mod api;
mod archive;
mod batches;
mod browser;
mod careers;
mod careers_browser;
mod clean_start;
mod cli;
mod console_pages;
mod csv_french;
mod cv_browser;
mod cvs;
mod delivery;
mod delivery_browser;
mod did;
mod directory;
mod directory_browser;
mod documents;
mod email_confirmation;
mod events;
mod events_public;
mod export_names;
mod headline;
mod http;
mod interop;
mod interop_constructs;
mod invitation_org;
mod invitations;
mod issue;
mod issue_inputs;
mod keyboard;
mod limits;
mod log_secrets;
mod matrix;
mod news;
mod news_browser;
mod notifications;
mod offer_onboarding;
mod offer_share_browser;
mod offers;
mod oid4vci;
mod org_did_key;
mod page_uploads;
mod pages;
mod passkeys;
mod plain_words;
mod poison;
mod portal_browser;
mod portal_pages;
mod registrar_browser;
mod registry;
mod requests;
mod scenario;
mod sdjwt;
mod security_headers;
mod seed;
mod share_view;
mod shares;
mod social_pages;
mod status;
mod status_reclaim;
mod store;
mod template_builder;
mod templates;
mod trust_onboarding;
mod upload_polyglots;
mod uploads_browser;
mod verifier_alone;
mod verify;
mod verify_page;
mod wallet;
mod wallet_auth;
