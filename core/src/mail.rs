//! Mail leaves through the outbox: writers queue a message in the same
//! transaction as the change that needs it (a sign-up and its verification
//! link), and [`run_outbox`] sends what is due. A failure is retried with
//! growing delays; nothing is lost when the mail server is down.
//!
//! Senders: SMTP through lettre, or none (`mail_sender = "log"`): the log
//! then records that a message was queued (its id, kind and masked
//! recipient), never its subject or body, whose links and codes grant
//! access to an account, an invitation or a share. In development the
//! message is written to a file of `data_dir/mail/` instead, so that the
//! developer can open its links ([`Mailer::Folder`]). Production refuses to
//! serve with the log sender unless told so
//! ([`crate::Config::check_mail_delivery`]).

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
    /// The mail server refused the message for good (an SMTP 5xx reply):
    /// retrying would not help.
    #[error("refused by the mail server: {0}")]
    Rejected(String),
}

impl MailError {
    /// A failure that no retry can mend: the message bounces.
    pub fn is_permanent(&self) -> bool {
        matches!(self, Self::Address(_) | Self::Rejected(_))
    }
}

/// Attempts after which a message that keeps failing is given up (about
/// two days of growing delays).
pub const MAX_ATTEMPTS: i64 = 16;

pub enum Mailer {
    /// Nothing is delivered; the log records only that a message was
    /// queued.
    Log,
    /// Development: each message is written to a file of this folder
    /// (created 0700, files 0600); the log names the file.
    Folder(std::path::PathBuf),
    Smtp {
        transport: Box<lettre::AsyncSmtpTransport<lettre::Tokio1Executor>>,
        from: Box<lettre::message::Mailbox>,
    },
}

impl Mailer {
    pub fn from_config(config: &WalletConfig) -> Result<Self, MailError> {
        match config.mail_sender {
            MailSender::Log => Ok(match &config.mail_folder {
                Some(folder) => Self::Folder(folder.clone()),
                None => Self::Log,
            }),
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
                // Never the subject or the body: they carry the links and
                // codes that grant access.
                tracing::info!(
                    target: "atout::mail",
                    id = %mail.id,
                    kind = %mail.kind,
                    to = %masked_address(&mail.recipient),
                    "mail not delivered (mail_sender = log); its content is not logged"
                );
                Ok(())
            }
            Self::Folder(folder) => {
                let path = write_to_folder(folder, mail).await?;
                tracing::info!(
                    target: "atout::mail",
                    id = %mail.id,
                    kind = %mail.kind,
                    to = %masked_address(&mail.recipient),
                    file = %path.display(),
                    "mail written to the development mail folder (not sent)"
                );
                Ok(())
            }
            Self::Smtp { transport, from } => {
                use lettre::AsyncTransport;
                let message = build_message(from, mail)?;
                transport.send(message).await.map_err(|e| {
                    if e.is_permanent() {
                        MailError::Rejected(e.to_string())
                    } else {
                        MailError::Send(e.to_string())
                    }
                })?;
                Ok(())
            }
        }
    }
}

/// `List-Unsubscribe: <https://...>` (RFC 2369): where a mail client
/// unsubscribes its reader.
#[derive(Debug, Clone)]
pub struct ListUnsubscribe(pub String);

impl lettre::message::header::Header for ListUnsubscribe {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        let url = s
            .trim()
            .strip_prefix('<')
            .and_then(|s| s.strip_suffix('>'))
            .ok_or("List-Unsubscribe is <URL>")?;
        Ok(Self(url.to_owned()))
    }

    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): the
/// unsubscribe URL is one POST, without a page to go through.
#[derive(Debug, Clone)]
pub struct ListUnsubscribePost;

impl lettre::message::header::Header for ListUnsubscribePost {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        if s.trim() == ONE_CLICK {
            Ok(Self)
        } else {
            Err("List-Unsubscribe-Post is List-Unsubscribe=One-Click".into())
        }
    }

    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(Self::name(), ONE_CLICK.to_owned())
    }
}

/// The body of a one-click unsubscribe POST, and the value of
/// `List-Unsubscribe-Post` (RFC 8058).
pub const ONE_CLICK: &str = "List-Unsubscribe=One-Click";

/// The message as it is sent: plain text, or `multipart/alternative` with
/// the plain text first and the HTML part when there is one; the
/// unsubscribe headers when the message has an unsubscribe URL.
pub fn build_message(
    from: &lettre::message::Mailbox,
    mail: &OutboxMessage,
) -> Result<lettre::Message, MailError> {
    use lettre::message::{header::ContentType, MultiPart, SinglePart};
    let mut builder = lettre::Message::builder()
        .from(from.clone())
        .to(mail
            .recipient
            .parse()
            .map_err(|e: lettre::address::AddressError| MailError::Address(e.to_string()))?)
        .subject(&mail.subject);
    if let Some(url) = &mail.unsubscribe_url {
        builder = builder
            .header(ListUnsubscribe(url.clone()))
            .header(ListUnsubscribePost);
    }
    let message = match &mail.html {
        Some(html) => builder.multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(mail.body.clone()),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(html.clone()),
                ),
        ),
        None => builder
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone()),
    };
    message.map_err(|e| MailError::Send(e.to_string()))
}

/// An address as logs and pages may show it: the first character of the
/// local part, then `***`, then the domain (`r***@example.org`). Enough for
/// its owner to recognise it, not enough to learn it.
pub fn masked_address(address: &str) -> String {
    match address.rsplit_once('@') {
        Some((local, domain)) if !local.is_empty() => {
            let first = local.chars().next().unwrap_or('*');
            format!("{first}***@{domain}")
        }
        _ => "***".to_owned(),
    }
}

/// Writes a message to `<folder>/<created>-<kind>-<id>.txt`, readable by
/// its owner only. Returns the file's path.
async fn write_to_folder(
    folder: &std::path::Path,
    mail: &OutboxMessage,
) -> Result<std::path::PathBuf, MailError> {
    let kind: String = mail
        .kind
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let id: String = mail
        .id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let path = folder.join(format!(
        "{}-{kind}-{id}.txt",
        mail.created_at.format("%Y%m%dT%H%M%S")
    ));
    let mut text = format!(
        "To: {}\nSubject: {}\nKind: {}\nId: {}\n",
        mail.recipient, mail.subject, mail.kind, mail.id
    );
    // The headers a mail client would read, as the SMTP sender writes them.
    if let Some(url) = &mail.unsubscribe_url {
        text.push_str(&format!(
            "List-Unsubscribe: <{url}>\nList-Unsubscribe-Post: {ONE_CLICK}\n"
        ));
    }
    if mail.html.is_some() {
        text.push_str("Content-Type: multipart/alternative (text/plain, text/html)\n");
    }
    text.push('\n');
    text.push_str(&mail.body);
    // The HTML part beside it, to open in a browser.
    let html = mail.html.clone().map(|h| (path.with_extension("html"), h));
    let folder = folder.to_owned();
    let target = path.clone();
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        use std::io::Write as _;
        crate::store::create_private_dir(&folder)?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        if let Some((html_path, html)) = html {
            options.open(&html_path)?.write_all(html.as_bytes())?;
        }
        options.open(&target)?.write_all(text.as_bytes())
    })
    .await
    .map_err(|e| MailError::Send(format!("writing the mail file: {e}")))?
    .map_err(|e| MailError::Send(format!("writing the mail file {}: {e}", path.display())))?;
    Ok(path)
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
            Err(e) if e.is_permanent() || mail.attempts + 1 >= MAX_ATTEMPTS => {
                // A bounce: never tried again; a batch's offer shows it.
                tracing::warn!(error = %e, id = %mail.id, attempts = mail.attempts + 1, "outbox: given up (bounced)");
                let _ = store
                    .mail_bounced(&mail.id, &e.to_string(), clock.now())
                    .await;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_masked() {
        assert_eq!(masked_address("renee@example.org"), "r***@example.org");
        assert_eq!(masked_address("é@x.fr"), "é***@x.fr");
        assert_eq!(masked_address("@x.fr"), "***");
        assert_eq!(masked_address("no-at-sign"), "***");
    }
}
