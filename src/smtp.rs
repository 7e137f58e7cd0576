//! SMTP and LMTP reception over tokio: one [`smtp_proto::server::Server`] session per connection,
//! with the policy (credentials, recipients, where the message goes) supplied by a [`Reception`].
//!
//! `smtp-sink` writes messages to files through it; a mail server delivers them into a store.

use std::future::Future;
use std::io;

use bytes::{Bytes, BytesMut};
use smtp_proto::server::{Event, Server, sasl};
use smtp_proto::types::{AuthMechanism, ForwardPath, MailParameters, Reply, ReversePath};
use tokio_rustls::TlsAcceptor;

use crate::driver::{Connection, now};
use crate::stream::MailStream;

/// What is known about the message being received.
#[derive(Debug, Clone)]
pub struct Envelope {
    /// The name given with HELO/EHLO/LHLO.
    pub helo: Option<String>,
    /// The reverse-path of MAIL FROM.
    pub mail_from: Option<ReversePath>,
    /// The MAIL FROM parameters.
    pub mail_parameters: MailParameters,
    /// The accepted recipients, in RCPT order.
    pub rcpt_to: Vec<ForwardPath>,
    /// The user name the client authenticated as.
    pub auth: Option<String>,
    /// Whether the connection is encrypted.
    pub tls: bool,
}

impl Envelope {
    fn new(tls: bool) -> Self {
        Self {
            helo: None,
            mail_from: None,
            mail_parameters: MailParameters::default(),
            rcpt_to: Vec::new(),
            auth: None,
            tls,
        }
    }

    /// Forgets the transaction (MAIL, RCPT), keeping the session facts (HELO, AUTH, TLS).
    fn reset_transaction(&mut self) {
        self.mail_from = None;
        self.mail_parameters = MailParameters::default();
        self.rcpt_to.clear();
    }

    /// The MAIL FROM parameters as `(KEYWORD, value)` pairs in wire form.
    pub fn mail_parameter_pairs(&self) -> Vec<(String, Option<String>)> {
        let mut wire = BytesMut::new();
        smtp_proto::encode::mail_parameters(&self.mail_parameters, &mut wire);
        String::from_utf8_lossy(&wire)
            .split_ascii_whitespace()
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (k.to_string(), Some(v.to_string())),
                None => (p.to_string(), None),
            })
            .collect()
    }
}

/// A path without its angle brackets: `""` for the null reverse-path.
pub fn path_address(path: &impl std::fmt::Display) -> String {
    let s = path.to_string();
    s.strip_prefix('<')
        .and_then(|s| s.strip_suffix('>'))
        .map_or(s.clone(), str::to_string)
}

/// The application's policy for received mail. Every method may wait (for a store, a file).
pub trait Reception: Send + Sync + 'static {
    /// The message being received, from [`Reception::start_message`] to its end.
    type Message: Send;

    /// Checks a user name and password (AUTH PLAIN and LOGIN).
    fn authenticate(&self, user: &str, password: &[u8]) -> impl Future<Output = bool> + Send;

    /// Decides on a recipient: `Err(reply)` refuses it with that reply.
    fn check_recipient(
        &self,
        envelope: &Envelope,
        recipient: &ForwardPath,
    ) -> impl Future<Output = Result<(), Reply>> + Send;

    /// The content of a message starts.
    fn start_message(
        &self,
        envelope: &Envelope,
    ) -> impl Future<Output = io::Result<Self::Message>> + Send;

    /// A piece of content (dot-unstuffed).
    fn message_chunk(
        &self,
        message: &mut Self::Message,
        data: Bytes,
    ) -> impl Future<Output = io::Result<()>> + Send;

    /// The content is complete: store it. Returns one result per recipient of
    /// `envelope.rcpt_to`. For SMTP the message is accepted when any recipient succeeded; for
    /// LMTP each recipient gets its own reply.
    fn end_message(
        &self,
        message: Self::Message,
        envelope: &Envelope,
    ) -> impl Future<Output = Vec<Result<(), Reply>>> + Send;

    /// The content was refused by the session (too large, bare line endings): drop it.
    fn abort_message(&self, message: Self::Message) -> impl Future<Output = ()> + Send;
}

/// Runs one SMTP/LMTP session on `stream` until it ends. `starttls` is the acceptor used when
/// the client sends STARTTLS (offer it in the config only when it is given).
pub async fn serve<R: Reception>(
    stream: MailStream,
    config: smtp_proto::server::Config,
    starttls: Option<&TlsAcceptor>,
    reception: &R,
) -> io::Result<()> {
    let tls = stream.is_tls();
    let mut server = Server::new(config, now());
    if tls {
        server.set_implicit_tls();
    }
    let mut conn = Connection::new(server, stream);
    let mut envelope = Envelope::new(tls);
    let mut message: Option<R::Message> = None;
    let mut login_user: Option<String> = None;

    while let Some(event) = conn.next_event().await? {
        let session = conn.session_mut();
        let decided = match event {
            Event::HelloReceived { id, host, .. } => {
                envelope.helo = Some(host.to_string());
                envelope.reset_transaction();
                session.accept(now(), id)
            }
            Event::MailFromReceived {
                id,
                reverse_path,
                parameters,
            } => {
                envelope.reset_transaction();
                envelope.mail_from = Some(reverse_path);
                envelope.mail_parameters = parameters;
                session.accept(now(), id)
            }
            Event::RcptToReceived {
                id, forward_path, ..
            } => match reception.check_recipient(&envelope, &forward_path).await {
                Ok(()) => {
                    envelope.rcpt_to.push(forward_path);
                    conn.session_mut().accept(now(), id)
                }
                Err(reply) => conn.session_mut().reject(now(), id, reply),
            },
            Event::DataStarted { .. } => {
                message = Some(reception.start_message(&envelope).await?);
                Ok(())
            }
            Event::DataChunk { data, .. } => {
                if let Some(m) = message.as_mut() {
                    reception.message_chunk(m, data).await?;
                }
                Ok(())
            }
            Event::DataEnded {
                id,
                lmtp_recipients,
                ..
            } => {
                let Some(m) = message.take() else {
                    return Err(io::Error::other("message content ended before it started"));
                };
                let results = reception.end_message(m, &envelope).await;
                let session = conn.session_mut();
                if lmtp_recipients.is_empty() {
                    match results.iter().find(|r| r.is_ok()).or(results.first()) {
                        Some(Err(reply)) => session.reject(now(), id, reply.clone()),
                        _ => session.accept(now(), id),
                    }
                } else {
                    let mut outcome = Ok(());
                    for (slot, result) in lmtp_recipients.iter().zip(results) {
                        let r = match result {
                            Ok(()) => session.accept(now(), slot.id),
                            Err(reply) => session.reject(now(), slot.id, reply),
                        };
                        outcome = outcome.and(r);
                    }
                    outcome
                }
            }
            Event::DataRejected { .. } => {
                if let Some(m) = message.take() {
                    reception.abort_message(m).await;
                }
                Ok(())
            }
            Event::AuthStep {
                id,
                mechanism,
                response,
            } => {
                let step = auth_step(
                    &mechanism,
                    response.as_ref().map(|s| s.expose()),
                    &mut login_user,
                );
                match step {
                    AuthStep::Challenge(c) => session.auth_challenge(now(), id, c),
                    AuthStep::Malformed(reply) => session.reject(now(), id, reply),
                    AuthStep::Check(user, password) => {
                        let ok = reception.authenticate(&user, &password).await;
                        let session = conn.session_mut();
                        if ok {
                            envelope.auth = Some(user);
                            session.accept(now(), id)
                        } else {
                            session.reject(now(), id, sasl::credentials_invalid())
                        }
                    }
                }
            }
            Event::AuthCancelled { .. } => {
                login_user = None;
                Ok(())
            }
            Event::CommandReceived { id, .. } => session.accept(now(), id),
            Event::TransactionReset => {
                envelope.reset_transaction();
                if let Some(m) = message.take() {
                    reception.abort_message(m).await;
                }
                Ok(())
            }
            Event::TlsUpgradeRequested => {
                let Some(acceptor) = starttls else {
                    return Err(io::Error::other("STARTTLS accepted without a TLS acceptor"));
                };
                conn.start_tls_server(acceptor).await?;
                envelope = Envelope::new(true);
                Ok(())
            }
            Event::PlaintextDiscarded { len } => {
                tracing::warn!(
                    len,
                    "discarded plaintext sent after STARTTLS (command injection)"
                );
                Ok(())
            }
            Event::Closed { reason } => {
                tracing::debug!(%reason, "SMTP session closed");
                Ok(())
            }
            other => {
                tracing::debug!(?other, "unhandled SMTP event");
                Ok(())
            }
        };
        decided.map_err(|e| io::Error::other(format!("SMTP session contract: {e}")))?;
    }
    if let Some(m) = message.take() {
        reception.abort_message(m).await;
    }
    Ok(())
}

/// What to do with one step of an AUTH exchange.
enum AuthStep {
    Challenge(&'static [u8]),
    Check(String, Vec<u8>),
    Malformed(Reply),
}

/// Walks PLAIN (RFC 4616) and LOGIN through their steps; `login_user` carries the LOGIN user
/// name between the two prompts.
fn auth_step(
    mechanism: &AuthMechanism,
    response: Option<&[u8]>,
    login_user: &mut Option<String>,
) -> AuthStep {
    match (mechanism, response) {
        (AuthMechanism::Plain, None) => AuthStep::Challenge(b""),
        (AuthMechanism::Plain, Some(r)) => match sasl::decode_plain(r) {
            Ok(plain) => AuthStep::Check(plain.authcid, plain.password.expose().to_vec()),
            Err(e) => AuthStep::Malformed(e.reply()),
        },
        (AuthMechanism::Login, None) => {
            *login_user = None;
            AuthStep::Challenge(sasl::LOGIN_USERNAME_PROMPT)
        }
        (AuthMechanism::Login, Some(r)) => match login_user.take() {
            None => match sasl::decode_login(r) {
                Ok(user) => {
                    *login_user = Some(user);
                    AuthStep::Challenge(sasl::LOGIN_PASSWORD_PROMPT)
                }
                Err(e) => AuthStep::Malformed(e.reply()),
            },
            Some(user) => AuthStep::Check(user, r.to_vec()),
        },
        _ => AuthStep::Malformed(sasl::credentials_invalid()),
    }
}
