//! Issuer trust: the trust registry of accredited issuers.

use super::Verifier;
use crate::{
    report::{Check, CheckKind, IssuerView},
    sources::Trust,
};

impl Verifier {
    // ----- trust -------------------------------------------------------

    pub(super) async fn check_trust(&self, issuer: &str) -> (Check, IssuerView) {
        let unknown = IssuerView {
            id: issuer.to_owned(),
            name: None,
            trusted: false,
            accreditation: None,
        };
        match self.registry.lookup(issuer).await {
            Err(e) => (
                Check::could_not(
                    CheckKind::IssuerTrust,
                    "registry-unavailable",
                    format!("The trust registry could not be read: {e}."),
                ),
                unknown,
            ),
            Ok(None) => (
                Check::failed(
                    CheckKind::IssuerTrust,
                    "unknown-issuer",
                    "The issuer is not in the trust registry of accredited issuers.",
                ),
                unknown,
            ),
            Ok(Some(entry)) => {
                let view = |trusted| IssuerView {
                    id: issuer.to_owned(),
                    name: Some(entry.name.clone()),
                    trusted,
                    accreditation: Some(entry.accreditation.clone()),
                };
                match entry.status_at(self.clock.now()) {
                    Trust::NotYetValid => (
                        Check::failed(
                            CheckKind::IssuerTrust,
                            "accreditation-not-yet-valid",
                            format!("{}'s accreditation starts later.", entry.name.en),
                        ),
                        view(false),
                    ),
                    Trust::Expired => (
                        Check::failed(
                            CheckKind::IssuerTrust,
                            "accreditation-expired",
                            format!("{}'s accreditation has ended.", entry.name.en),
                        ),
                        view(false),
                    ),
                    Trust::Accredited => (
                        Check::ok(
                            CheckKind::IssuerTrust,
                            "accredited",
                            format!(
                                "{} is an accredited issuer ({}).",
                                entry.name.en, entry.accreditation
                            ),
                        ),
                        view(true),
                    ),
                }
            }
        }
    }
}
