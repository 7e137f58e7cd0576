//! smtp-send: send one message through any SMTP or LMTP server.
//!
//! Prints one line per recipient, `ADDR CODE ENHANCED TEXT` (`-` when there is no code), and
//! exits 0 only if every recipient was accepted. When the server ends the session in the
//! middle of the transaction (`421`, a closed connection), every recipient still gets its
//! line: refused with its reply, accepted and then cut off, or not attempted.

use std::path::PathBuf;

use bytes::Bytes;
use clap::Parser;
use mailwire::submit::{SubmitOptions, submit};
use mailwire::tls::{TlsMode, Trust};
use smtp_proto::client::Envelope;
use smtp_proto::types::{ForwardPath, Mailbox, Notify, ReversePath};

/// Sends FILE (an RFC 5322 message) as-is to the recipients.
#[derive(Parser, Debug)]
#[command(name = "smtp-send", version)]
struct Args {
    /// The server, `HOST:PORT`.
    #[arg(long)]
    server: String,
    /// The envelope sender (`<>` or an empty string for the null reverse-path).
    #[arg(long)]
    from: String,
    /// A recipient (repeatable).
    #[arg(long, required = true)]
    to: Vec<String>,
    /// How to secure the connection.
    #[arg(long, value_enum, default_value = "plain")]
    tls: TlsMode,
    /// User name for AUTH.
    #[arg(long, requires = "password")]
    user: Option<String>,
    /// Password for AUTH.
    #[arg(long, requires = "user")]
    password: Option<String>,
    /// Speak LMTP (LHLO, one result per recipient after the data).
    #[arg(long)]
    lmtp: bool,
    /// Do not verify the server's certificate.
    #[arg(long, conflicts_with = "ca")]
    insecure: bool,
    /// Trust the certificates in this PEM file.
    #[arg(long)]
    ca: Option<PathBuf>,
    /// Use BDAT (RFC 3030) when the server offers CHUNKING.
    #[arg(long)]
    bdat: bool,
    /// DSN NOTIFY for every recipient (RFC 3461): NEVER, or a comma list of SUCCESS, FAILURE,
    /// DELAY.
    #[arg(long)]
    dsn_notify: Option<String>,
    /// The message file.
    file: PathBuf,
}

fn fail(msg: impl std::fmt::Display) -> ! {
    eprintln!("smtp-send: {msg}");
    std::process::exit(1)
}

fn mailbox(s: &str) -> Mailbox {
    let s = s.trim_start_matches('<').trim_end_matches('>');
    Mailbox::new(s, !s.is_ascii()).unwrap_or_else(|e| fail(format_args!("bad address {s:?}: {e}")))
}

fn notify(s: &str) -> Notify {
    let mut n = Notify::NEVER;
    for word in s.split(',') {
        match word.trim().to_ascii_uppercase().as_str() {
            "NEVER" => {}
            "SUCCESS" => n.success = true,
            "FAILURE" => n.failure = true,
            "DELAY" => n.delay = true,
            other => fail(format_args!("--dsn-notify: unknown keyword {other}")),
        }
    }
    n
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let body = std::fs::read(&args.file)
        .unwrap_or_else(|e| fail(format_args!("{}: {e}", args.file.display())));
    let reverse_path = match args.from.as_str() {
        "" | "<>" => ReversePath::Null,
        from => ReversePath::Mailbox(mailbox(from)),
    };
    let recipients = args
        .to
        .iter()
        .map(|t| ForwardPath::Mailbox(mailbox(t)))
        .collect();
    let mut envelope = Envelope::new(reverse_path, recipients);
    if let Some(n) = &args.dsn_notify {
        let n = notify(n);
        for (_, params) in &mut envelope.recipients {
            params.notify = Some(n);
        }
    }
    if !body.is_ascii() {
        envelope.parameters.body = Some(smtp_proto::types::Body::EightBitMime);
    }
    let options = SubmitOptions {
        server: args.server.clone(),
        tls: args.tls,
        trust: Trust::from_flags(args.insecure, args.ca.as_deref()),
        login: args.user.clone().zip(args.password.clone()),
        lmtp: args.lmtp,
        bdat: args.bdat,
    };
    let report = submit(&options, envelope, Bytes::from(body))
        .await
        .unwrap_or_else(|e| fail(format_args!("{}: {e}", args.server)));
    for line in report.recipient_lines() {
        println!("{line}");
    }
    if let Some(e) = &report.interrupted_by {
        eprintln!(
            "smtp-send: {}: the session ended during the transaction: {e}",
            args.server
        );
    }
    std::process::exit(if report.all_delivered() { 0 } else { 1 });
}
