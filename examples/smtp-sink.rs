//! smtp-sink: an SMTP/LMTP server that accepts mail into files.
//!
//! Every accepted message goes to `DIR/<n>.eml` (the exact bytes after dot-unstuffing) and its
//! envelope to `DIR/<n>.json`, written last so a reader that sees the `.json` sees the whole
//! message. See `--help` for the flags.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use clap::Parser;
use mailwire::smtp::{Envelope, Reception, path_address};
use mailwire::stream::MailStream;
use mailwire::tls::ServerIdentity;
use smtp_proto::types::{AuthMechanism, EnhancedStatusCode, ForwardPath, Reply, ReplyCode};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

/// An SMTP/LMTP server that writes every accepted message and its envelope into files.
#[derive(Parser, Debug)]
#[command(name = "smtp-sink", version)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:2525")]
    listen: String,
    /// Directory for `<n>.eml` and `<n>.json`.
    #[arg(long, default_value = "./sink")]
    out: PathBuf,
    /// Speak LMTP (LHLO, one reply per recipient after the data).
    #[arg(long)]
    lmtp: bool,
    /// PEM certificate chain for STARTTLS / implicit TLS.
    #[arg(long, requires = "tls_key", conflicts_with = "self_signed")]
    tls_cert: Option<PathBuf>,
    /// PEM private key for `--tls-cert`.
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Make a self-signed certificate for localhost (its PEM is written to DIR/cert.pem).
    #[arg(long)]
    self_signed: bool,
    /// TLS from the first byte (SMTPS, RFC 8314) instead of STARTTLS.
    #[arg(long)]
    implicit_tls: bool,
    /// Accept AUTH PLAIN/LOGIN with these credentials (`USER:PASS`, repeatable); mail then needs
    /// authentication.
    #[arg(long, value_name = "USER:PASS")]
    auth: Vec<String>,
    /// Largest message in octets (advertised as SIZE).
    #[arg(long, default_value_t = 25 * 1024 * 1024)]
    max_size: u64,
    /// Refuse recipients matching this glob (`*` and `?`) with 550 (repeatable).
    #[arg(long, value_name = "PATTERN")]
    reject_rcpt: Vec<String>,
}

struct Sink {
    dir: PathBuf,
    next: AtomicU64,
    users: Vec<(String, String)>,
    reject: Vec<wildmatch::WildMatch>,
}

struct Message {
    n: u64,
    tmp: PathBuf,
    file: tokio::fs::File,
}

impl Sink {
    fn first_free_number(dir: &Path) -> io::Result<u64> {
        let mut max = 0;
        for entry in std::fs::read_dir(dir)? {
            let name = entry?.file_name();
            let name = name.to_string_lossy();
            if let Some(n) = name
                .strip_suffix(".eml")
                .and_then(|n| n.parse::<u64>().ok())
            {
                max = max.max(n);
            }
        }
        Ok(max + 1)
    }
}

impl Reception for Sink {
    type Message = Message;

    async fn authenticate(&self, user: &str, password: &[u8]) -> bool {
        self.users
            .iter()
            .any(|(u, p)| u == user && p.as_bytes() == password)
    }

    async fn check_recipient(&self, _: &Envelope, recipient: &ForwardPath) -> Result<(), Reply> {
        let address = path_address(recipient);
        if self.reject.iter().any(|p| p.matches(&address)) {
            return Err(Reply::new(
                ReplyCode::MAILBOX_UNAVAILABLE,
                Some(EnhancedStatusCode::new(5, 1, 1).expect("5.1.1 is a valid enhanced code")),
                "Recipient rejected",
            ));
        }
        Ok(())
    }

    async fn start_message(&self, _: &Envelope) -> io::Result<Message> {
        let n = self.next.fetch_add(1, Ordering::SeqCst);
        let tmp = self.dir.join(format!(".{n}.eml.part"));
        let file = tokio::fs::File::create(&tmp).await?;
        Ok(Message { n, tmp, file })
    }

    async fn message_chunk(&self, message: &mut Message, data: Bytes) -> io::Result<()> {
        message.file.write_all(&data).await
    }

    async fn end_message(&self, message: Message, envelope: &Envelope) -> Vec<Result<(), Reply>> {
        let result = self.finish(message, envelope).await.map_err(|e| {
            eprintln!("smtp-sink: cannot store message: {e}");
            Reply::new(
                ReplyCode::LOCAL_ERROR,
                EnhancedStatusCode::new(4, 3, 0),
                "Cannot store the message now",
            )
        });
        vec![result; envelope.rcpt_to.len().max(1)]
    }

    async fn abort_message(&self, message: Message) {
        drop(message.file);
        let _ = tokio::fs::remove_file(&message.tmp).await;
    }
}

impl Sink {
    async fn finish(&self, message: Message, envelope: &Envelope) -> io::Result<()> {
        message.file.sync_all().await?;
        drop(message.file);
        let eml = self.dir.join(format!("{}.eml", message.n));
        tokio::fs::rename(&message.tmp, &eml).await?;
        let params: serde_json::Map<String, serde_json::Value> = envelope
            .mail_parameter_pairs()
            .into_iter()
            .map(|(k, v)| {
                (
                    k,
                    v.map_or(serde_json::Value::Bool(true), serde_json::Value::String),
                )
            })
            .collect();
        let json = serde_json::json!({
            "helo": envelope.helo,
            "mail_from": envelope.mail_from.as_ref().map(path_address),
            "rcpt_to": envelope.rcpt_to.iter().map(path_address).collect::<Vec<_>>(),
            "params": params,
            "auth": envelope.auth,
            "tls": envelope.tls,
        });
        // The .json is written under a temporary name and renamed, so it appears complete.
        let tmp = self.dir.join(format!(".{}.json.part", message.n));
        tokio::fs::write(&tmp, format!("{json:#}\n")).await?;
        tokio::fs::rename(&tmp, self.dir.join(format!("{}.json", message.n))).await?;
        eprintln!(
            "smtp-sink: stored {} for {} recipient(s)",
            eml.display(),
            envelope.rcpt_to.len()
        );
        Ok(())
    }
}

fn fail(msg: impl std::fmt::Display) -> ! {
    eprintln!("smtp-sink: {msg}");
    std::process::exit(1)
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        fail(format_args!("{}: {e}", args.out.display()));
    }
    let identity = match (&args.tls_cert, &args.tls_key, args.self_signed) {
        (Some(cert), Some(key), _) => {
            Some(ServerIdentity::from_pem_files(cert, key).unwrap_or_else(|e| fail(e)))
        }
        (_, _, true) => {
            let id = ServerIdentity::self_signed("localhost").unwrap_or_else(|e| fail(e));
            let pem = args.out.join("cert.pem");
            std::fs::write(&pem, &id.cert_pem).unwrap_or_else(|e| fail(e));
            eprintln!(
                "smtp-sink: self-signed certificate written to {}",
                pem.display()
            );
            Some(id)
        }
        _ => None,
    };
    if args.implicit_tls && identity.is_none() {
        fail("--implicit-tls needs --tls-cert/--tls-key or --self-signed");
    }
    let acceptor = identity
        .as_ref()
        .map(|id| id.acceptor().unwrap_or_else(|e| fail(e)));
    let users = args
        .auth
        .iter()
        .map(|a| match a.split_once(':') {
            Some((u, p)) => (u.to_string(), p.to_string()),
            None => fail(format_args!("--auth {a}: expected USER:PASS")),
        })
        .collect::<Vec<_>>();

    let mut config = smtp_proto::server::Config::default();
    config.lmtp = args.lmtp;
    config.max_message_size = Some(args.max_size);
    config.extensions.starttls = acceptor.is_some() && !args.implicit_tls;
    if !users.is_empty() {
        config.extensions.auth = vec![AuthMechanism::Plain, AuthMechanism::Login];
        config.require_auth = true;
    }

    let next = Sink::first_free_number(&args.out).unwrap_or_else(|e| fail(e));
    let sink = Arc::new(Sink {
        dir: args.out.clone(),
        next: AtomicU64::new(next),
        users,
        reject: args
            .reject_rcpt
            .iter()
            .map(|p| wildmatch::WildMatch::new(p))
            .collect(),
    });
    let listener = TcpListener::bind(&args.listen)
        .await
        .unwrap_or_else(|e| fail(format_args!("cannot listen on {}: {e}", args.listen)));
    let local = listener.local_addr().unwrap_or_else(|e| fail(e));
    println!("listening on {local}");

    loop {
        let (tcp, peer) = match listener.accept().await {
            Ok(c) => c,
            Err(e) => {
                eprintln!("smtp-sink: accept: {e}");
                continue;
            }
        };
        let (sink, config, acceptor) = (sink.clone(), config.clone(), acceptor.clone());
        let implicit = args.implicit_tls;
        tokio::spawn(async move {
            let _ = tcp.set_nodelay(true);
            let mut stream = MailStream::Plain(tcp);
            if implicit {
                let Some(acceptor) = acceptor.as_ref() else {
                    return;
                };
                if let Err(e) = stream.upgrade_server(acceptor).await {
                    eprintln!("smtp-sink: {peer}: TLS handshake: {e}");
                    return;
                }
            }
            let starttls = if implicit { None } else { acceptor.as_ref() };
            if let Err(e) = mailwire::smtp::serve(stream, config, starttls, sink.as_ref()).await {
                eprintln!("smtp-sink: {peer}: {e}");
            }
        });
    }
}
