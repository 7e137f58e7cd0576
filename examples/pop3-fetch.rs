//! pop3-fetch: download a POP3 maildrop into a Maildir.
//!
//! Every message lands in `DIR/new/` as the exact bytes the server sent (after dot-unstuffing),
//! with a progress bar on a terminal and a final line `fetched N messages, B bytes`. With
//! `--delete` messages are deleted on the server only after each was written and synced to disk;
//! `--new-only` skips messages whose UIDL is remembered in `DIR/.pop3-uidl`.

use std::path::PathBuf;

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use mailwire::maildir_out::MaildirWriter;
use mailwire::pop3::{AuthMethod, FetchOptions, Progress, fetch};
use mailwire::tls::{TlsMode, Trust};

/// Downloads a POP3 maildrop into a Maildir.
#[derive(Parser, Debug)]
#[command(name = "pop3-fetch", version)]
struct Args {
    /// The server, `HOST:PORT`.
    #[arg(long)]
    server: String,
    /// User name.
    #[arg(long)]
    user: String,
    /// Password.
    #[arg(long)]
    password: String,
    /// How to secure the connection.
    #[arg(long, value_enum, default_value = "plain")]
    tls: TlsMode,
    /// Do not verify the server's certificate.
    #[arg(long, conflicts_with = "ca")]
    insecure: bool,
    /// Trust the certificates in this PEM file.
    #[arg(long)]
    ca: Option<PathBuf>,
    /// The Maildir to fill (created if missing).
    #[arg(long)]
    maildir: PathBuf,
    /// Leave the messages on the server (the default).
    #[arg(long, conflicts_with = "delete")]
    keep: bool,
    /// Delete each message on the server once it is safely on disk.
    #[arg(long)]
    delete: bool,
    /// Only messages not fetched before (by UIDL).
    #[arg(long)]
    new_only: bool,
    /// How to log in.
    #[arg(long, value_enum, default_value = "user")]
    auth: AuthMethod,
}

/// An indicatif bar on stderr; indicatif draws nothing when stderr is not a terminal.
struct Bar(ProgressBar);

impl Progress for Bar {
    fn start(&self, messages: u64, bytes: u64) {
        self.0.set_length(bytes);
        self.0.set_message(format!("{messages} messages"));
    }
    fn advance(&self, bytes: u64) {
        self.0.inc(bytes);
    }
}

fn fail(msg: impl std::fmt::Display) -> ! {
    eprintln!("pop3-fetch: {msg}");
    std::process::exit(1)
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let maildir = MaildirWriter::create(&args.maildir)
        .unwrap_or_else(|e| fail(format_args!("{}: {e}", args.maildir.display())));
    let options = FetchOptions {
        server: args.server.clone(),
        user: args.user,
        password: args.password,
        tls: args.tls,
        trust: Trust::from_flags(args.insecure, args.ca.as_deref()),
        auth: args.auth,
        delete: args.delete && !args.keep,
        new_only: args.new_only,
    };
    let bar = ProgressBar::new(0);
    if let Ok(style) =
        ProgressStyle::with_template("{msg} {bar:40} {bytes}/{total_bytes} {bytes_per_sec}")
    {
        bar.set_style(style);
    }
    let progress = Bar(bar);
    let summary = fetch(&options, &maildir, &progress)
        .await
        .unwrap_or_else(|e| fail(format_args!("{}: {e}", args.server)));
    progress.0.finish_and_clear();
    if summary.deleted > 0 {
        eprintln!(
            "pop3-fetch: deleted {} messages on the server",
            summary.deleted
        );
    }
    println!(
        "fetched {} messages, {} bytes",
        summary.messages, summary.bytes
    );
}
