//! maildir-deliver: deliver message files into a Maildir through `mail-store-traits`' Maildir
//! backend, the way Dovecot's `dovecot-lda` would.
//!
//! ```text
//! maildir-deliver --maildir DIR [--mailbox NAME] [--flags '\Seen $Junk'] FILE...
//! ```
//!
//! Each FILE (`-` for standard input) is appended to the mailbox (INBOX by default, created
//! if missing; `/` separates hierarchy levels), and one line `UIDVALIDITY UID` is printed per
//! message once it is safely on disk (written to `tmp/`, fsynced, renamed into place, the
//! directory fsynced, the UID recorded in `dovecot-uidlist`). Dovecot reads the result as it
//! is.

use std::io::{Read as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use mail_store_traits::maildir::{MaildirConfig, MaildirStore};
use mail_store_traits::{Account, AccountId, AppendOptions, ErrorKind, Flags, Store, StoreError};

/// Deliver message files into a Dovecot-compatible Maildir.
#[derive(Debug, Parser)]
#[command(name = "maildir-deliver", version)]
struct Args {
    /// The Maildir (its root holds INBOX's cur/, new/ and tmp/); created if missing.
    #[arg(long, value_name = "DIR")]
    maildir: PathBuf,
    /// The mailbox to deliver into; levels separated by `/`; created if missing.
    #[arg(long, value_name = "NAME", default_value = "INBOX")]
    mailbox: String,
    /// IMAP flags and keywords to set, e.g. '\Seen \Flagged $Junk'.
    #[arg(long, value_name = "FLAGS", default_value = "")]
    flags: String,
    /// The message files; `-` reads one message from standard input.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let flags = Flags::parse_imap(&args.flags)?;
    let store = MaildirStore::single(&args.maildir, MaildirConfig::default());
    let account = store.open_account(&AccountId::new("local")).await?;
    let mailbox = match account.mailbox(&args.mailbox).await {
        Ok(m) => m,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            match account.create_mailbox(&args.mailbox, None).await {
                Ok(m) => m,
                // Another delivery created it meanwhile.
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                    account.mailbox(&args.mailbox).await?
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(e) => return Err(e.into()),
    };
    let mut stdout = std::io::stdout().lock();
    for file in &args.files {
        let bytes = if file.as_os_str() == "-" {
            let mut buf = Vec::new();
            std::io::stdin().read_to_end(&mut buf)?;
            buf
        } else {
            std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?
        };
        let appended = account
            .append(
                mailbox.id,
                bytes.into(),
                AppendOptions::with_flags(flags.clone()),
            )
            .await
            .map_err(|e: StoreError| format!("{}: {e}", file.display()))?;
        writeln!(stdout, "{} {}", appended.uidvalidity, appended.uid)?;
        stdout.flush()?;
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("maildir-deliver: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("maildir-deliver: {e}");
            ExitCode::from(75) // EX_TEMPFAIL: the MTA keeps the message and retries
        }
    }
}
