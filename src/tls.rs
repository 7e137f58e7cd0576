//! TLS configuration for the programs and servers: rustls with the `ring` provider.
//!
//! Servers load a PEM certificate chain and key, or make a self-signed certificate for
//! `localhost`/`127.0.0.1` with rcgen. Clients trust the system roots, one PEM file (`--ca`), or
//! nothing at all (`--insecure`, which still checks the handshake signatures but not who signed
//! the certificate).

use std::path::Path;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, ServerConfig, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
pub use tokio_rustls::{TlsAcceptor, TlsConnector};

/// Why a TLS configuration could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsSetupError {
    /// A PEM file could not be read or holds no usable item.
    #[error("{path}: {reason}")]
    Pem {
        /// The file.
        path: String,
        /// What was wrong with it.
        reason: String,
    },
    /// rustls refused the configuration.
    #[error("TLS configuration: {0}")]
    Rustls(#[from] rustls::Error),
    /// rcgen could not make the self-signed certificate.
    #[error("self-signed certificate: {0}")]
    Rcgen(#[from] rcgen::Error),
}

/// How a client connection is secured, as in the programs' `--tls` flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
#[non_exhaustive]
pub enum TlsMode {
    /// No TLS.
    Plain,
    /// Plain connection upgraded with STARTTLS / STLS before authenticating.
    Starttls,
    /// Implicit TLS from the first byte (RFC 8314).
    Tls,
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A server certificate chain and its key.
#[derive(Debug)]
pub struct ServerIdentity {
    /// The chain, leaf first.
    pub chain: Vec<CertificateDer<'static>>,
    /// The leaf's private key.
    pub key: PrivateKeyDer<'static>,
    /// The leaf certificate as PEM, so a program can write it out for clients (`--ca`).
    pub cert_pem: String,
}

impl ServerIdentity {
    /// Loads a PEM certificate chain and a PEM private key.
    pub fn from_pem_files(cert: &Path, key: &Path) -> Result<Self, TlsSetupError> {
        let pem_err = |path: &Path, reason: String| TlsSetupError::Pem {
            path: path.display().to_string(),
            reason,
        };
        let cert_pem = std::fs::read_to_string(cert).map_err(|e| pem_err(cert, e.to_string()))?;
        let chain = CertificateDer::pem_slice_iter(cert_pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| pem_err(cert, e.to_string()))?;
        if chain.is_empty() {
            return Err(pem_err(cert, "no certificate".into()));
        }
        let key_der = PrivateKeyDer::from_pem_file(key).map_err(|e| pem_err(key, e.to_string()))?;
        Ok(Self {
            chain,
            key: key_der,
            cert_pem,
        })
    }

    /// Makes a fresh self-signed certificate for `localhost`, `127.0.0.1` and `hostname`.
    pub fn self_signed(hostname: &str) -> Result<Self, TlsSetupError> {
        let mut names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
        if !names.iter().any(|n| n == hostname) {
            names.push(hostname.to_string());
        }
        let certified = rcgen::generate_simple_self_signed(names)?;
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
            certified.signing_key.serialize_der(),
        ));
        Ok(Self {
            chain: vec![certified.cert.der().clone()],
            key,
            cert_pem: certified.cert.pem(),
        })
    }

    /// A rustls server configuration for this identity.
    pub fn server_config(&self) -> Result<Arc<ServerConfig>, TlsSetupError> {
        let config = ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(self.chain.clone(), self.key.clone_key())?;
        Ok(Arc::new(config))
    }

    /// A tokio-rustls acceptor for this identity.
    pub fn acceptor(&self) -> Result<TlsAcceptor, TlsSetupError> {
        Ok(TlsAcceptor::from(self.server_config()?))
    }
}

/// Which certificates a client trusts.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub enum Trust {
    /// The system's CA bundle (`/etc/ssl/certs/ca-certificates.crt`).
    #[default]
    System,
    /// Exactly the certificates in this PEM file.
    PemFile(std::path::PathBuf),
    /// Any certificate: only for tests against self-signed peers (`--insecure`).
    Insecure,
}

impl Trust {
    /// Picks the trust from the programs' `--insecure` and `--ca FILE` flags.
    pub fn from_flags(insecure: bool, ca: Option<&Path>) -> Self {
        match (insecure, ca) {
            (true, _) => Self::Insecure,
            (false, Some(path)) => Self::PemFile(path.to_path_buf()),
            (false, None) => Self::System,
        }
    }
}

const SYSTEM_BUNDLE: &str = "/etc/ssl/certs/ca-certificates.crt";

/// A rustls client configuration with the given trust.
pub fn client_config(trust: &Trust) -> Result<Arc<ClientConfig>, TlsSetupError> {
    let builder =
        ClientConfig::builder_with_provider(provider()).with_safe_default_protocol_versions()?;
    let config = match trust {
        Trust::Insecure => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate {
                algorithms: provider().signature_verification_algorithms,
            }))
            .with_no_client_auth(),
        Trust::System | Trust::PemFile(_) => {
            let path = match trust {
                Trust::PemFile(p) => p.as_path(),
                _ => Path::new(SYSTEM_BUNDLE),
            };
            let mut roots = RootCertStore::empty();
            let certs = CertificateDer::pem_file_iter(path)
                .and_then(|it| it.collect::<Result<Vec<_>, _>>())
                .map_err(|e| TlsSetupError::Pem {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                })?;
            let (added, _ignored) = roots.add_parsable_certificates(certs);
            if added == 0 {
                return Err(TlsSetupError::Pem {
                    path: path.display().to_string(),
                    reason: "no usable certificate".into(),
                });
            }
            builder.with_root_certificates(roots).with_no_client_auth()
        }
    };
    Ok(Arc::new(config))
}

/// A tokio-rustls connector with the given trust.
pub fn connector(trust: &Trust) -> Result<TlsConnector, TlsSetupError> {
    Ok(TlsConnector::from(client_config(trust)?))
}

/// The TLS server name for a `HOST:PORT` address (an IP address or a DNS name).
pub fn server_name(addr: &str) -> Result<ServerName<'static>, TlsSetupError> {
    let host = match addr.rsplit_once(':') {
        Some((host, _port)) => host.trim_start_matches('[').trim_end_matches(']'),
        None => addr,
    };
    ServerName::try_from(host.to_string()).map_err(|e| TlsSetupError::Pem {
        path: addr.to_string(),
        reason: e.to_string(),
    })
}

/// `--insecure`: accepts any certificate but still verifies the handshake signatures, so the
/// peer must at least hold the key of the certificate it shows.
#[derive(Debug)]
struct AcceptAnyCertificate {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}
