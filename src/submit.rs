//! Sending one message through an SMTP or LMTP server over tokio, with STARTTLS or implicit TLS
//! and AUTH: the engine of `smtp-send`, reusable by any program that submits mail.

use std::io;

use bytes::Bytes;
use smtp_proto::client::{
    self, Client, Config, Credentials, Envelope, Event, RecipientOutcome, TransactionEnd,
    TransactionOutcome,
};
use smtp_proto::types::{AuthMechanism, Reply};

use crate::driver::{Connection, now};
use crate::stream::MailStream;
use crate::tls::{TlsMode, Trust};

/// Where and how to send.
#[derive(Debug, Clone)]
pub struct SubmitOptions {
    /// `HOST:PORT`.
    pub server: String,
    /// Plain, STARTTLS or implicit TLS.
    pub tls: TlsMode,
    /// Which certificates to trust.
    pub trust: Trust,
    /// User name and password for AUTH (PLAIN when offered, else LOGIN).
    pub login: Option<(String, String)>,
    /// Speak LMTP.
    pub lmtp: bool,
    /// Use BDAT when the server offers CHUNKING.
    pub bdat: bool,
}

/// Why a message could not be sent (as opposed to recipients being refused, which is an
/// outcome).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SubmitError {
    /// Connecting, reading or writing failed.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// TLS could not be set up.
    #[error("{0}")]
    Tls(#[from] crate::tls::TlsSetupError),
    /// The server refused something the transaction needs (STARTTLS, AUTH, ...).
    #[error("{0}")]
    Refused(String),
    /// The session ended before the transaction completed.
    #[error("session ended: {0}")]
    Ended(smtp_proto::client::Error),
    /// The caller asked for something the session cannot do (a message over the server's
    /// SIZE, a parameter the server does not offer).
    #[error("{0}")]
    Misuse(#[from] smtp_proto::client::ApiMisuse),
}

/// What became of a message whose transaction started: the outcome per recipient, and why
/// the session ended when it ended in the middle of the transaction (a `421`, a closed
/// connection, a timeout).
#[derive(Debug, Clone)]
pub struct SubmitReport {
    /// The transaction's outcome.
    pub outcome: TransactionOutcome,
    /// Set when the transaction was interrupted ([`TransactionEnd::Interrupted`]).
    pub interrupted_by: Option<client::Error>,
}

impl SubmitReport {
    /// True when every recipient got the message.
    #[must_use]
    pub fn all_delivered(&self) -> bool {
        self.outcome.all_delivered()
    }

    /// One line per recipient, in envelope order: `ADDR CODE ENHANCED TEXT`, `-` for a
    /// missing code. The reply shown is the one that decided the recipient's fate; a
    /// recipient that was accepted but never got the message says so, with the reply that
    /// stopped the transaction, and one whose RCPT was never answered says it was not
    /// attempted.
    #[must_use]
    pub fn recipient_lines(&self) -> Vec<String> {
        self.outcome
            .recipients
            .iter()
            .map(|r| self.recipient_line(r))
            .collect()
    }

    fn recipient_line(&self, r: &RecipientOutcome) -> String {
        let o = &self.outcome;
        let address = crate::smtp::path_address(&r.forward_path);
        let (reply, text) = match (&r.rcpt, &r.data) {
            (_, Some(data)) => (Some(data), data.text()),
            (Some(rcpt), None) if !rcpt.is_positive() => (Some(rcpt), rcpt.text()),
            (Some(rcpt), None) => {
                let accepted = format!("accepted ({}), then", code_words(rcpt));
                match (o.end, &self.interrupted_by) {
                    (TransactionEnd::Refused, _) => match &o.data_start {
                        Some(d) => (Some(d), format!("{accepted} DATA refused: {}", d.text())),
                        None => (None, format!("{accepted} refused")),
                    },
                    (TransactionEnd::Aborted, _) => (None, format!("{accepted} aborted with RSET")),
                    (_, Some(client::Error::ServiceNotAvailable { reply })) => (
                        Some(reply),
                        format!("{accepted} the session ended: {}", reply.text()),
                    ),
                    (_, Some(e)) => (None, format!("{accepted} the session ended: {e}")),
                    (_, None) => (None, format!("{accepted} no reply to the message")),
                }
            }
            (None, _) => match &o.mail {
                Some(m) if !m.is_positive() => (
                    None,
                    format!("MAIL refused: {} {}", code_words(m), m.text()),
                ),
                _ => match &self.interrupted_by {
                    Some(e) => (None, format!("not attempted: {e}")),
                    None => (None, "not attempted".to_string()),
                },
            },
        };
        let (code, enhanced) = reply.map_or(("-".to_string(), "-".to_string()), |r| {
            (
                r.code().to_string(),
                r.enhanced()
                    .map_or_else(|| "-".to_string(), |e| e.to_string()),
            )
        });
        format!("{address} {code} {enhanced} {}", text.replace('\n', " "))
    }
}

/// `250 2.1.5`, or `250` without an enhanced code.
fn code_words(reply: &Reply) -> String {
    match reply.enhanced() {
        Some(e) => format!("{} {e}", reply.code()),
        None => reply.code().to_string(),
    }
}

/// Connects, secures, authenticates, sends `body` to the envelope and quits. Returns the
/// outcome per recipient, also when the session ends in the middle of the transaction.
pub async fn submit(
    options: &SubmitOptions,
    envelope: Envelope,
    body: Bytes,
) -> Result<SubmitReport, SubmitError> {
    let (stream, tls) =
        MailStream::connect_client::<SubmitError>(&options.server, options.tls, &options.trust)
            .await?;
    let mut config = Config::default();
    config.lmtp = options.lmtp;
    config.chunking = options.bdat;
    let mut client = Client::new(config, now());
    if stream.is_tls() {
        client.set_implicit_tls();
    }
    let mut conn = Connection::new(client, stream);
    let mut auth_id = None;
    let mut envelope = Some(envelope);
    let mut outcome = None;

    while let Some(event) = conn.next_event().await? {
        match event {
            Event::HelloCompleted { .. } => {
                let client = conn.session_mut();
                if options.tls == TlsMode::Starttls && !client.is_tls() {
                    client.starttls(now())?;
                } else if let Some((user, password)) = &options.login {
                    let offered = client
                        .capabilities()
                        .map(|c| c.auth_mechanisms())
                        .unwrap_or_default();
                    let credentials = if offered.contains(&AuthMechanism::Plain) {
                        Credentials::Plain {
                            authzid: None,
                            username: user.clone(),
                            password: password.as_str().into(),
                        }
                    } else if offered.contains(&AuthMechanism::Login) {
                        Credentials::Login {
                            username: user.clone(),
                            password: password.as_str().into(),
                        }
                    } else {
                        return Err(SubmitError::Refused(
                            "the server offers neither AUTH PLAIN nor LOGIN".into(),
                        ));
                    };
                    auth_id = Some(client.auth(now(), credentials)?);
                } else if let Some(env) = envelope.take() {
                    client.send_message(now(), env, body.clone())?;
                }
            }
            Event::TlsUpgradeReady => {
                let (connector, name) = tls.as_ref().ok_or_else(|| {
                    SubmitError::Refused("STARTTLS accepted without a TLS setup".into())
                })?;
                conn.start_tls_client(connector, name.clone()).await?;
            }
            Event::ReplyReceived { id, reply } if Some(id) == auth_id => {
                if !reply.is_positive() {
                    return Err(SubmitError::Refused(format!(
                        "authentication failed: {} {}",
                        reply.code(),
                        reply.text()
                    )));
                }
                if let Some(env) = envelope.take() {
                    conn.session_mut().send_message(now(), env, body.clone())?;
                }
            }
            Event::ReplyReceived { reply, .. } => {
                return Err(SubmitError::Refused(format!(
                    "{} {}",
                    reply.code(),
                    reply.text()
                )));
            }
            Event::TransactionCompleted { outcome: o, .. } => {
                outcome = Some(o);
                // An interrupted transaction reports right before the session's end.
                if !conn.session_mut().is_closed() {
                    conn.session_mut().quit(now())?;
                }
            }
            Event::Closed { reason } => {
                return match outcome {
                    Some(o) => Ok(SubmitReport {
                        interrupted_by: (o.end == TransactionEnd::Interrupted).then_some(reason),
                        outcome: o,
                    }),
                    None => Err(SubmitError::Ended(reason)),
                };
            }
            _ => {}
        }
    }
    outcome
        .map(|outcome| SubmitReport {
            outcome,
            interrupted_by: None,
        })
        .ok_or_else(|| {
            SubmitError::Io(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed",
            ))
        })
}
