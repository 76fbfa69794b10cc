//! E-mail: written to `email_outbox` in the transaction of the event that causes it (`outbox`),
//! delivered afterwards by a background task (`worker`) with retries and backoff, so a slow or
//! dead mail server never slows or fails a request and a restart loses nothing. Delivery is by
//! SMTP when `SMTP_URL` is set, else each message is written as an `.eml` file under `MAIL_DIR`
//! for a newcomer to read. lettre builds (proper MIME: UTF-8 text, a stable Message-ID) and sends
//! the messages. A message whose delivery cannot be confirmed (the server answered after our
//! timeout, or the sender stopped mid-send) is never sent again on its own: it waits, marked
//! unconfirmed, for an administrator's resend on `/admin/outbox`, so nobody gets it twice.

pub mod outbox;
pub mod worker;

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::{Mailbox, SinglePart};
use lettre::{FileTransport, Message, SmtpTransport, Transport};

pub use self::outbox::queue;

/// The site's address as people reach it, for links in e-mails (set once at start).
static PUBLIC_URL: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Sets the address links in e-mails start with (`PUBLIC_URL`, else the address served on).
pub fn set_public_url(url: &str) {
    let _ = PUBLIC_URL.set(url.trim_end_matches('/').to_string());
}

/// A page of the site as a link an e-mail can carry.
pub fn link(path: &str) -> String {
    format!("{}{path}", PUBLIC_URL.get().map_or("", String::as_str))
}

/// The sender when `MAIL_FROM` is not set.
pub const DEFAULT_FROM: &str = "Dealdesk <no-reply@dealdesk.invalid>";

/// How long one SMTP exchange may take before the attempt counts as failed.
const SMTP_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, Clone)]
pub struct MailConfig {
    /// `smtp://host:25`, `smtps://user:pass@host:465`, `smtp://host:587?tls=required`.
    pub smtp_url: Option<String>,
    /// Where messages are written when there is no SMTP server.
    pub dir: PathBuf,
    pub from: String,
    /// The site's address for links in e-mails (`PUBLIC_URL`); unset, the address served on.
    pub public_url: Option<String>,
}

impl MailConfig {
    /// Checks the keys at start: (key, problem) for the first that is wrong.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        self.from.parse::<Mailbox>().map_err(|e| {
            (
                "MAIL_FROM",
                format!("is not an address like {DEFAULT_FROM} ({e})"),
            )
        })?;
        if let Some(url) = &self.smtp_url {
            SmtpTransport::from_url(url).map_err(|e| {
                (
                    "SMTP_URL",
                    format!("is not an SMTP URL like smtp://host:25 ({e})"),
                )
            })?;
        }
        Ok(())
    }

    /// What `worker` sends with.
    pub fn mailer(&self) -> Result<Mailer, String> {
        let from = self.from.parse::<Mailbox>().map_err(|e| e.to_string())?;
        let transport = match &self.smtp_url {
            Some(url) => Via::Smtp(Box::new(
                SmtpTransport::from_url(url)
                    .map_err(|e| e.to_string())?
                    .timeout(Some(SMTP_TIMEOUT))
                    .build(),
            )),
            None => {
                std::fs::create_dir_all(&self.dir).map_err(|e| {
                    format!(
                        "cannot create the mail folder {} (MAIL_DIR): {e}",
                        self.dir.display()
                    )
                })?;
                Via::Files(FileTransport::new(&self.dir))
            }
        };
        Ok(Mailer { from, transport })
    }
}

enum Via {
    Smtp(Box<SmtpTransport>),
    Files(FileTransport),
}

/// Sends one message at a time, blocking: it runs on the worker's own thread.
pub struct Mailer {
    from: Mailbox,
    transport: Via,
}

/// Why a message was not sent.
#[derive(Debug)]
pub struct NotSent {
    pub error: String,
    /// The server may have taken the message all the same (it answered after our timeout): a
    /// second attempt could deliver it twice, so it is not retried on its own.
    pub unconfirmed: bool,
}

impl NotSent {
    fn definite(e: impl std::fmt::Display) -> Self {
        Self {
            error: e.to_string(),
            unconfirmed: false,
        }
    }
}

impl Mailer {
    /// The message as it goes out: `text/plain; charset=utf-8` under `MIME-Version: 1.0`, with a
    /// `Message-ID` of its own that stays the same on every attempt (`id`: the outbox row), so
    /// mail clients and servers recognise a message sent twice as one.
    pub fn build(&self, id: i64, to: &str, subject: &str, body: &str) -> Result<Message, String> {
        let to = to
            .parse::<Mailbox>()
            .map_err(|e| format!("not an e-mail address: {e}"))?;
        let domain = self.from.email.domain().to_string();
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .message_id(Some(format!("<outbox-{id}@{domain}>")))
            .singlepart(SinglePart::plain(body.to_string()))
            .map_err(|e| e.to_string())
    }

    /// Sends outbox message `id`; the error says why, to be kept on its row.
    pub fn send(&self, id: i64, to: &str, subject: &str, body: &str) -> Result<(), NotSent> {
        let message = self
            .build(id, to, subject, body)
            .map_err(NotSent::definite)?;
        match &self.transport {
            Via::Smtp(t) => t.send(&message).map(|_| ()).map_err(|e| NotSent {
                unconfirmed: e.is_timeout(),
                error: e.to_string(),
            }),
            Via::Files(t) => t.send(&message).map(|_| ()).map_err(NotSent::definite),
        }
    }
}
