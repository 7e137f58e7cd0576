//! dissect: a protocol dissector for captured mail byte streams.
//!
//! `dissect PROTO FROM [--roundtrip] [--limits strict|lenient] < BYTES` prints one line per
//! parsed message (`OFFSET LENGTH DESCRIPTION`). Exit 0: every byte parsed; 1: unparsable bytes
//! (`error at offset N: REASON`) or a round-trip difference; 2: the input ends inside a message
//! (`incomplete at offset N`).

use std::io::{Read, Write};

use clap::Parser;
use mailwire::dissect::{Options, Outcome, Protocol, Sender, dissect};

/// Parses a captured SMTP/LMTP/POP3/IMAP byte stream from standard input.
#[derive(Parser, Debug)]
#[command(name = "dissect", version)]
struct Args {
    /// The protocol.
    #[arg(value_enum)]
    proto: Protocol,
    /// Who sent the bytes.
    #[arg(value_enum)]
    from: Sender,
    /// Re-encode every message and re-parse it; any difference in meaning is an error.
    #[arg(long)]
    roundtrip: bool,
    /// Strict RFC limits, or the documented lenient options for real-world peers.
    #[arg(long, value_enum, default_value = "strict")]
    limits: Limits,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum Limits {
    Strict,
    Lenient,
}

fn main() {
    let args = Args::parse();
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut input) {
        eprintln!("dissect: reading standard input: {e}");
        std::process::exit(1);
    }
    let mut options = Options::default();
    options.roundtrip = args.roundtrip;
    options.lenient = matches!(args.limits, Limits::Lenient);
    let result = dissect(args.proto, args.from, &input, options);
    let mut out = std::io::stdout().lock();
    for item in &result.items {
        let _ = writeln!(out, "{item}");
    }
    let _ = out.flush();
    match result.outcome {
        Outcome::Complete => {}
        Outcome::Error { offset, reason } => {
            println!("error at offset {offset}: {reason}");
            std::process::exit(1);
        }
        Outcome::Incomplete { offset } => {
            println!("incomplete at offset {offset}");
            std::process::exit(2);
        }
        _ => std::process::exit(1),
    }
}
