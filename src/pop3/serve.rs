//! Serving POP3: one [`pop3_proto::server::Server`] session per connection, with the accounts
//! and messages supplied by a [`Maildrops`] implementation.

use std::future::Future;
use std::io;

use bytes::Bytes;
use pop3_proto::auth::verify_apop;
use pop3_proto::server::{Config, Credentials, Event, MaildropEntry, Server};
use pop3_proto::types::ResponseCode;
use tokio_rustls::TlsAcceptor;

use crate::driver::{Connection, now};
use crate::stream::MailStream;

/// Why a login was refused: the response code and text of the `-ERR`.
#[derive(Debug, Clone)]
pub struct Refusal {
    /// `[AUTH]`, `[IN-USE]`, `[LOGIN-DELAY]`, `[SYS/TEMP]`, ...
    pub code: Option<ResponseCode>,
    /// Human-readable text.
    pub text: String,
}

impl Refusal {
    /// Wrong credentials: `-ERR [AUTH]` (RFC 3206 §5).
    pub fn bad_credentials() -> Self {
        Self {
            code: Some(ResponseCode::Auth),
            text: "invalid user name or password".into(),
        }
    }
}

/// The accounts and messages a POP3 server serves.
pub trait Maildrops: Send + Sync + 'static {
    /// An opened maildrop, held for the session.
    type Maildrop: Send;

    /// Checks a user name and password and opens the maildrop: its handle and a snapshot of its
    /// messages (key, exact CRLF size, UIDL).
    fn open(
        &self,
        user: &str,
        password: &[u8],
    ) -> impl Future<Output = Result<(Self::Maildrop, Vec<MaildropEntry>), Refusal>> + Send;

    /// The shared secret for APOP, if the user has one.
    fn apop_secret(&self, user: &str) -> impl Future<Output = Option<Vec<u8>>> + Send;

    /// The content of a message (CRLF line endings, not dot-stuffed), as chunks.
    fn message(
        &self,
        maildrop: &Self::Maildrop,
        key: u64,
    ) -> impl Future<Output = io::Result<Vec<Bytes>>> + Send;

    /// Removes the messages marked deleted, all or none (the UPDATE state, RFC 1939 §6).
    fn commit(
        &self,
        maildrop: &Self::Maildrop,
        deleted: Vec<u64>,
    ) -> impl Future<Output = io::Result<()>> + Send;
}

/// Runs one POP3 session on `stream` until it ends. `starttls` is used for STLS (offer it in
/// the config only when it is given).
pub async fn serve<M: Maildrops>(
    stream: MailStream,
    mut config: Config,
    starttls: Option<&TlsAcceptor>,
    maildrops: &M,
) -> io::Result<()> {
    config.tls_active = stream.is_tls();
    // `Maildrops::message` promises CRLF content, so bodies need no search for bare LF.
    config.crlf_bodies = true;
    let apop_timestamp = config.apop_timestamp.clone();
    let mut conn = Connection::new(Server::new(config, now()), stream);
    let mut maildrop: Option<M::Maildrop> = None;
    let contract =
        |e: pop3_proto::ApiMisuse| io::Error::other(format!("POP3 session contract: {e}"));

    while let Some(event) = conn.next_event().await? {
        match event {
            Event::AuthRequested { id, credentials } => {
                let opened = match credentials {
                    Credentials::User { name, password }
                    | Credentials::Login { name, password } => {
                        maildrops.open(&name, password.expose().as_bytes()).await
                    }
                    Credentials::Plain(plain) => {
                        maildrops
                            .open(&plain.authcid, plain.password.expose().as_bytes())
                            .await
                    }
                    Credentials::Apop { name, digest } => {
                        let secret = maildrops.apop_secret(&name).await;
                        match (secret, apop_timestamp.as_deref()) {
                            (Some(secret), Some(ts)) if verify_apop(ts, &secret, &digest) => {
                                maildrops.open(&name, &secret).await
                            }
                            _ => Err(Refusal::bad_credentials()),
                        }
                    }
                    _ => Err(Refusal {
                        code: Some(ResponseCode::Auth),
                        text: "mechanism not supported".into(),
                    }),
                };
                let session = conn.session_mut();
                match opened {
                    Ok((drop, entries)) => {
                        maildrop = Some(drop);
                        session.accept_auth(now(), id, entries).map_err(contract)?;
                    }
                    Err(refusal) => {
                        session
                            .reject_auth(now(), id, refusal.code, &refusal.text)
                            .map_err(contract)?;
                    }
                }
            }
            Event::BodyRequested { id, key, .. } => {
                let Some(drop) = maildrop.as_ref() else {
                    return Err(io::Error::other("body requested before login"));
                };
                match maildrops.message(drop, key).await {
                    Ok(chunks) => {
                        let session = conn.session_mut();
                        for chunk in chunks {
                            if !session.body_chunk(now(), id, chunk).map_err(contract)? {
                                break;
                            }
                        }
                        session.body_end(now(), id).map_err(contract)?;
                    }
                    Err(e) => {
                        tracing::warn!(%e, key, "POP3 message unreadable");
                        conn.session_mut()
                            .body_unavailable(
                                now(),
                                id,
                                Some(ResponseCode::SysTemp),
                                "message unavailable",
                            )
                            .map_err(contract)?;
                    }
                }
            }
            Event::UpdateRequested { id, deleted } => {
                let result = match maildrop.as_ref() {
                    Some(drop) => maildrops.commit(drop, deleted).await,
                    None => Ok(()),
                };
                let session = conn.session_mut();
                match result {
                    Ok(()) => session.update_done(now(), id).map_err(contract)?,
                    Err(e) => {
                        tracing::warn!(%e, "POP3 commit failed");
                        session
                            .update_failed(now(), id, "some deleted messages not removed")
                            .map_err(contract)?;
                    }
                }
            }
            Event::TlsUpgradeRequested => {
                let acceptor = starttls
                    .ok_or_else(|| io::Error::other("STLS accepted without a TLS acceptor"))?;
                conn.start_tls_server(acceptor).await?;
            }
            Event::PlaintextDiscarded { octets } => {
                tracing::warn!(
                    octets,
                    "discarded plaintext sent after STLS (command injection)"
                );
            }
            _ => {}
        }
    }
    Ok(())
}
