//! Sending one message through an SMTP or LMTP server over tokio, with STARTTLS or implicit TLS
//! and AUTH: the engine of `smtp-send`, reusable by any program that submits mail.

use std::io;

use bytes::Bytes;
use smtp_proto::client::{Client, Config, Credentials, Envelope, Event, TransactionOutcome};
use smtp_proto::types::AuthMechanism;

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

/// Connects, secures, authenticates, sends `body` to the envelope and quits. Returns the
/// outcome per recipient.
pub async fn submit(
    options: &SubmitOptions,
    envelope: Envelope,
    body: Bytes,
) -> Result<TransactionOutcome, SubmitError> {
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
                        .map(|c| c.auth_mechanisms().to_vec())
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
                conn.session_mut().quit(now())?;
            }
            Event::Closed { reason } => {
                return match outcome {
                    Some(o) => Ok(o),
                    None => Err(SubmitError::Ended(reason)),
                };
            }
            _ => {}
        }
    }
    outcome.ok_or_else(|| {
        SubmitError::Io(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "connection closed",
        ))
    })
}
