//! Mail leaves through the outbox: writers queue a message in the same
//! transaction as the change that needs it (a sign-up and its verification
//! link), and [`run_outbox`] sends what is due. A failure is retried with
//! growing delays; nothing is lost when the mail server is down.
//!
//! Senders: the log (development default: the message, links included, is
//! written to the log at `info`), or SMTP through lettre.

use crate::{
    clock::Clock,
    config::{MailSender, WalletConfig},
    store::{OutboxMessage, Store},
};
use chrono::Duration;
use secrecy::ExposeSecret;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid SMTP settings: {0}")]
    Config(String),
    #[error("invalid address: {0}")]
    Address(String),
    #[error("sending failed: {0}")]
    Send(String),
}

pub enum Mailer {
    Log,
    Smtp {
        transport: Box<lettre::AsyncSmtpTransport<lettre::Tokio1Executor>>,
        from: Box<lettre::message::Mailbox>,
    },
}

impl Mailer {
    pub fn from_config(config: &WalletConfig) -> Result<Self, MailError> {
        match config.mail_sender {
            MailSender::Log => Ok(Self::Log),
            MailSender::Smtp => {
                let url = config
                    .smtp_url
                    .as_ref()
                    .ok_or_else(|| MailError::Config("smtp_url is not set".into()))?;
                let transport = lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(
                    url.expose_secret(),
                )
                .map_err(|e| MailError::Config(e.to_string()))?
                .timeout(Some(std::time::Duration::from_secs(20)))
                .build();
                let from =
                    config
                        .mail_from
                        .parse()
                        .map_err(|e: lettre::address::AddressError| {
                            MailError::Address(e.to_string())
                        })?;
                Ok(Self::Smtp {
                    transport: Box::new(transport),
                    from: Box::new(from),
                })
            }
        }
    }

    pub async fn send(&self, mail: &OutboxMessage) -> Result<(), MailError> {
        match self {
            Self::Log => {
                tracing::info!(
                    target: "atout::mail",
                    id = %mail.id,
                    kind = %mail.kind,
                    "mail (log sender) to {}: {}\n{}",
                    mail.recipient,
                    mail.subject,
                    mail.body
                );
                Ok(())
            }
            Self::Smtp { transport, from } => {
                use lettre::AsyncTransport;
                let message =
                    lettre::Message::builder()
                        .from(from.as_ref().clone())
                        .to(mail.recipient.parse().map_err(
                            |e: lettre::address::AddressError| MailError::Address(e.to_string()),
                        )?)
                        .subject(&mail.subject)
                        .header(lettre::message::header::ContentType::TEXT_PLAIN)
                        .body(mail.body.clone())
                        .map_err(|e| MailError::Send(e.to_string()))?;
                transport
                    .send(message)
                    .await
                    .map_err(|e| MailError::Send(e.to_string()))?;
                Ok(())
            }
        }
    }
}

/// Sends what is due, once. Returns how many messages were sent.
pub async fn drain_outbox(store: &dyn Store, clock: &dyn Clock, mailer: &Mailer) -> usize {
    let now = clock.now();
    let due = match store.due_mail(now, 50).await {
        Ok(due) => due,
        Err(e) => {
            tracing::warn!(error = %e, "outbox: cannot read due mail");
            return 0;
        }
    };
    let mut sent = 0;
    for mail in due {
        match mailer.send(&mail).await {
            Ok(()) => {
                sent += 1;
                if let Err(e) = store.mail_sent(&mail.id, clock.now()).await {
                    tracing::warn!(error = %e, id = %mail.id, "outbox: sent but not marked");
                }
            }
            Err(e) => {
                // 1, 2, 4 ... minutes, at most 6 hours.
                let delay =
                    Duration::minutes(1i64 << mail.attempts.clamp(0, 9)).min(Duration::hours(6));
                tracing::warn!(error = %e, id = %mail.id, attempts = mail.attempts + 1, "outbox: sending failed");
                let _ = store
                    .mail_failed(&mail.id, &e.to_string(), clock.now() + delay)
                    .await;
            }
        }
    }
    sent
}

/// The outbox worker: drains every two seconds, forever.
pub async fn run_outbox(store: Arc<dyn Store>, clock: Arc<dyn Clock>, mailer: Arc<Mailer>) {
    loop {
        drain_outbox(store.as_ref(), clock.as_ref(), &mailer).await;
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    }
}
