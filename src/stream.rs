//! One stream type for plain TCP, client TLS and server TLS, so a connection can be upgraded in
//! place by STARTTLS/STLS without the session or the driver changing type.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::{TlsAcceptor, TlsConnector, client, server};

use rustls_pki_types::ServerName;

use crate::tls::{TlsMode, TlsSetupError, Trust, connector, server_name};

/// A TCP stream, plain or wrapped in TLS.
#[derive(Debug)]
#[non_exhaustive]
pub enum MailStream {
    /// No TLS (yet).
    Plain(TcpStream),
    /// TLS as a client.
    Client(Box<client::TlsStream<TcpStream>>),
    /// TLS as a server.
    Server(Box<server::TlsStream<TcpStream>>),
    /// Transient state while a handshake runs; a stream left here after a failed handshake
    /// reports every operation as an error.
    Upgrading,
}

impl MailStream {
    /// Connects to `addr` (`HOST:PORT`), with implicit TLS when `tls` is given.
    pub async fn connect(
        addr: &str,
        tls: Option<(&TlsConnector, ServerName<'static>)>,
    ) -> io::Result<Self> {
        let tcp = TcpStream::connect(addr).await?;
        tcp.set_nodelay(true)?;
        let mut stream = Self::Plain(tcp);
        if let Some((connector, name)) = tls {
            stream.upgrade_client(connector, name).await?;
        }
        Ok(stream)
    }

    /// Connects to `addr` as a client secured per `mode`: implicit TLS happens here; for
    /// STARTTLS/STLS the connector and server name for the later upgrade are returned.
    pub async fn connect_client<E>(
        addr: &str,
        mode: TlsMode,
        trust: &Trust,
    ) -> Result<(Self, Option<(TlsConnector, ServerName<'static>)>), E>
    where
        E: From<io::Error> + From<TlsSetupError>,
    {
        let tls = match mode {
            TlsMode::Plain => None,
            _ => Some((connector(trust)?, server_name(addr)?)),
        };
        let implicit = match (&tls, mode) {
            (Some((c, name)), TlsMode::Tls) => Some((c, name.clone())),
            _ => None,
        };
        let stream = Self::connect(addr, implicit).await?;
        Ok((stream, tls))
    }

    /// Whether the stream is encrypted.
    pub fn is_tls(&self) -> bool {
        matches!(self, Self::Client(_) | Self::Server(_))
    }

    /// Runs a TLS client handshake over the plain stream (implicit TLS or after STARTTLS).
    pub async fn upgrade_client(
        &mut self,
        connector: &TlsConnector,
        name: ServerName<'static>,
    ) -> io::Result<()> {
        let Self::Plain(tcp) = std::mem::replace(self, Self::Upgrading) else {
            return Err(io::Error::other(
                "TLS upgrade of a stream that is not plain",
            ));
        };
        *self = Self::Client(Box::new(connector.connect(name, tcp).await?));
        Ok(())
    }

    /// Runs a TLS server handshake over the plain stream (implicit TLS or after STARTTLS).
    pub async fn upgrade_server(&mut self, acceptor: &TlsAcceptor) -> io::Result<()> {
        let Self::Plain(tcp) = std::mem::replace(self, Self::Upgrading) else {
            return Err(io::Error::other(
                "TLS upgrade of a stream that is not plain",
            ));
        };
        *self = Self::Server(Box::new(acceptor.accept(tcp).await?));
        Ok(())
    }
}

fn upgrading() -> io::Error {
    io::Error::new(
        io::ErrorKind::NotConnected,
        "stream lost in a failed TLS handshake",
    )
}

impl AsyncRead for MailStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Self::Client(s) => Pin::new(s).poll_read(cx, buf),
            Self::Server(s) => Pin::new(s).poll_read(cx, buf),
            Self::Upgrading => Poll::Ready(Err(upgrading())),
        }
    }
}

impl AsyncWrite for MailStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Self::Client(s) => Pin::new(s).poll_write(cx, buf),
            Self::Server(s) => Pin::new(s).poll_write(cx, buf),
            Self::Upgrading => Poll::Ready(Err(upgrading())),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_flush(cx),
            Self::Client(s) => Pin::new(s).poll_flush(cx),
            Self::Server(s) => Pin::new(s).poll_flush(cx),
            Self::Upgrading => Poll::Ready(Err(upgrading())),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Self::Client(s) => Pin::new(s).poll_shutdown(cx),
            Self::Server(s) => Pin::new(s).poll_shutdown(cx),
            Self::Upgrading => Poll::Ready(Ok(())),
        }
    }
}
