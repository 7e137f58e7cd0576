//! Drives any sans-IO session of the protocol crates over a [`MailStream`] with tokio.
//!
//! The loop is the one every crate documents: write out everything `poll_transmit` has, hand out
//! the next event, and only when there is none wait for bytes from the peer or the session's next
//! deadline, whichever comes first. Decisions the application takes on an event go straight to the
//! session (`connection.session_mut().accept(..)`); the next [`Connection::next_event`] call sends
//! what they queued.

use std::io;
use std::time::Instant;

use bytes::{Bytes, BytesMut};
use rustls_pki_types::ServerName;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::{TlsAcceptor, TlsConnector};

use crate::stream::MailStream;

/// The session contract shared by every client and server of the protocol crates, as a trait so
/// one driver serves them all. The protocol crates name these methods the same way but do not
/// depend on a shared trait (see DESIGN.md); the implementations live in [`crate::sessions`].
pub trait Session {
    /// What the session reports to the application.
    type Event;
    /// Bytes received from the peer.
    fn handle_input(&mut self, now: Instant, data: &[u8]);
    /// Bytes received from the peer, in a buffer the session may keep: a session that streams
    /// message bodies hands them out as slices of it instead of copying. By default the bytes are
    /// lent to [`Session::handle_input`].
    fn handle_input_owned(&mut self, now: Instant, data: BytesMut) {
        self.handle_input(now, &data);
    }
    /// The deadline from [`Session::poll_timeout`] has passed.
    fn handle_timeout(&mut self, now: Instant);
    /// The peer closed its sending side.
    fn handle_eof(&mut self, now: Instant);
    /// The TLS handshake after STARTTLS/STLS completed. An error means the session did not ask
    /// for TLS (a driver bug, never the peer's doing).
    fn handle_tls_established(&mut self, now: Instant) -> Result<(), ApiMisuseError>;
    /// Bytes to send to the peer.
    fn poll_transmit(&mut self) -> Option<Bytes>;
    /// The next event for the application.
    fn poll_event(&mut self) -> Option<Self::Event>;
    /// When [`Session::handle_timeout`] must be called next.
    fn poll_timeout(&self) -> Option<Instant>;
    /// Whether the session has ended (after its last bytes are sent).
    fn is_closed(&self) -> bool;
    /// Whether the session accepts more input now (backpressure).
    fn wants_input(&self) -> bool;
}

/// The wall clock, read here and only here: this crate is the I/O layer that feeds `now` to the
/// sans-IO sessions (clippy's `disallowed-methods` keeps the clock out of the protocol crates).
#[allow(clippy::disallowed_methods)]
pub fn now() -> Instant {
    Instant::now()
}

/// The calendar time, for file names and dates (same rule as [`now`]).
#[allow(clippy::disallowed_methods)]
pub fn wall_clock() -> std::time::SystemTime {
    std::time::SystemTime::now()
}

/// A session refused a call because the driver broke its contract.
pub type ApiMisuseError = Box<dyn std::error::Error + Send + Sync>;

/// Reads at most this much per system call; the sessions bound their own buffers.
const READ_CHUNK: usize = 64 * 1024;

/// True for the errors that mean the peer closed or reset the connection, which a session
/// handles as the end of its input rather than as a failure of the program.
fn peer_went_away(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::UnexpectedEof
    )
}

/// A session joined to a stream.
#[derive(Debug)]
pub struct Connection<S> {
    session: S,
    stream: MailStream,
    read_buf: BytesMut,
    peer_eof: bool,
    /// Writing failed because the peer went away: what the session queues is dropped.
    peer_gone: bool,
}

impl<S: Session> Connection<S> {
    /// Joins `session` to `stream`.
    pub fn new(session: S, stream: MailStream) -> Self {
        Self {
            session,
            stream,
            read_buf: BytesMut::new(),
            peer_eof: false,
            peer_gone: false,
        }
    }

    /// The session, for getters.
    pub fn session(&self) -> &S {
        &self.session
    }

    /// The session, for commands and decisions.
    pub fn session_mut(&mut self) -> &mut S {
        &mut self.session
    }

    /// The stream (for example to ask whether it is encrypted).
    pub fn stream(&self) -> &MailStream {
        &self.stream
    }

    /// Writes out everything the session has queued.
    pub async fn flush(&mut self) -> io::Result<()> {
        let mut wrote = false;
        while let Some(bytes) = self.session.poll_transmit() {
            if self.peer_gone {
                continue;
            }
            self.stream.write_all(&bytes).await?;
            wrote = true;
        }
        if wrote {
            self.stream.flush().await?;
        }
        Ok(())
    }

    /// Returns the next event, reading from the peer and firing timeouts as needed. `Ok(None)`
    /// means the session is over (closed, or the peer went away and the session has nothing more
    /// to say).
    pub async fn next_event(&mut self) -> io::Result<Option<S::Event>> {
        loop {
            if let Err(e) = self.flush().await {
                if !peer_went_away(&e) {
                    return Err(e);
                }
                // Nothing more can be sent. The session hears it as the end of input, so it
                // tells its application what did not happen (per recipient, per message).
                self.peer_gone = true;
                self.peer_eof = true;
                self.session.handle_eof(now());
                continue;
            }
            if let Some(event) = self.session.poll_event() {
                return Ok(Some(event));
            }
            if self.session.is_closed() {
                let _ = self.stream.shutdown().await;
                return Ok(None);
            }
            let deadline = self.session.poll_timeout();
            let readable = self.session.wants_input() && !self.peer_eof;
            if !readable && deadline.is_none() {
                // Nothing can move: the peer is gone and the session has no timer left.
                return Ok(None);
            }
            let sleep = async {
                match deadline {
                    Some(at) => tokio::time::sleep_until(tokio::time::Instant::from_std(at)).await,
                    None => std::future::pending().await,
                }
            };
            // Reuses the buffer when the session kept nothing of the last read.
            self.read_buf.reserve(READ_CHUNK);
            tokio::select! {
                read = self.stream.read_buf(&mut self.read_buf), if readable => {
                    let now = now();
                    match read {
                        Ok(0) => {
                            self.peer_eof = true;
                            self.session.handle_eof(now);
                        }
                        Ok(_) => self.session.handle_input_owned(now, self.read_buf.split()),
                        Err(e) if peer_went_away(&e) => {
                            self.peer_eof = true;
                            self.session.handle_eof(now);
                        }
                        Err(e) => return Err(e),
                    }
                }
                () = sleep => self.session.handle_timeout(now()),
            }
        }
    }

    /// Sends what is queued (the positive STARTTLS/STLS reply), runs the server handshake and
    /// tells the session.
    pub async fn start_tls_server(&mut self, acceptor: &TlsAcceptor) -> io::Result<()> {
        self.flush().await?;
        self.stream.upgrade_server(acceptor).await?;
        self.session
            .handle_tls_established(now())
            .map_err(io::Error::other)
    }

    /// Sends what is queued, runs the client handshake and tells the session.
    pub async fn start_tls_client(
        &mut self,
        connector: &TlsConnector,
        name: ServerName<'static>,
    ) -> io::Result<()> {
        self.flush().await?;
        self.stream.upgrade_client(connector, name).await?;
        self.session
            .handle_tls_established(now())
            .map_err(io::Error::other)
    }

    /// Gives the parts back.
    pub fn into_parts(self) -> (S, MailStream) {
        (self.session, self.stream)
    }
}
