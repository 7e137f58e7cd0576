//! IMAP parse throughput, side by side with imap-codec and djc's imap-proto in one run.
//! Names: `imap/<workload>/<impl>`.
//!
//! - `imap/commands`: a client command mix (LOGIN, SELECT, UID FETCH with sections,
//!   UID SEARCH, UID STORE, APPEND with a LITERAL+ literal), framed and parsed message
//!   by message.
//! - `imap/fetch-responses`: 1000 FETCH responses with FLAGS, ENVELOPE, BODYSTRUCTURE
//!   and a 64 KiB `BODY[]` literal.
//! - `imap/framing-25mib`: splitting a 25 MiB stream dominated by 1 MiB literals into
//!   messages, next to one `memchr` pass over the same bytes.

use std::hint::black_box;
use std::time::Duration;

use bytes::Bytes;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use imap_codec::decode::Decoder;
use imap_codec::{CommandCodec, ResponseCodec};
use imap_proto::framing::{Direction, Framer, Limits, Progress};
use imap_proto::parse::{self, ParseOptions, Status};

fn filler(size: usize) -> Vec<u8> {
    let line = b"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.\r\n";
    line.iter().copied().cycle().take(size).collect()
}

fn commands() -> Vec<u8> {
    let body = filler(2048);
    let mut out = Vec::new();
    for i in 0..200 {
        out.extend_from_slice(
            format!("a{i}1 LOGIN \"user@example.org\" \"secret pass\"\r\n").as_bytes(),
        );
        out.extend_from_slice(format!("a{i}2 SELECT INBOX\r\n").as_bytes());
        out.extend_from_slice(
            format!(
                "a{i}3 UID FETCH 1:1000 (UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (DATE FROM SUBJECT TO CC MESSAGE-ID)] BODYSTRUCTURE BODY.PEEK[1.2]<0.4096>)\r\n"
            )
            .as_bytes(),
        );
        out.extend_from_slice(
            format!("a{i}4 UID SEARCH UNSEEN SINCE 1-Jan-2024 NOT DELETED FROM \"joe\"\r\n")
                .as_bytes(),
        );
        out.extend_from_slice(
            format!("a{i}5 UID STORE 1:5,9 +FLAGS.SILENT (\\Seen $Forwarded)\r\n").as_bytes(),
        );
        out.extend_from_slice(
            format!("a{i}6 APPEND Sent (\\Seen) {{{}+}}\r\n", body.len()).as_bytes(),
        );
        out.extend_from_slice(&body);
        out.extend_from_slice(b"\r\n");
    }
    out
}

fn fetch_responses() -> Vec<u8> {
    let body = filler(64 * 1024);
    let mut out = Vec::new();
    for i in 1..=1000 {
        out.extend_from_slice(
            format!(
                "* {i} FETCH (UID {i} FLAGS (\\Seen $Forwarded) ENVELOPE (\"Mon, 7 Feb 1994 21:52:25 -0800 (PST)\" \"Afternoon meeting {i}\" ((\"Fred Foobar\" NIL \"foobar\" \"Blurdybloop.example.COM\")) ((\"Fred Foobar\" NIL \"foobar\" \"Blurdybloop.example.COM\")) ((\"Fred Foobar\" NIL \"foobar\" \"Blurdybloop.example.COM\")) ((NIL NIL \"mooch\" \"owatagu.siam.edu.example\")(\"Joe\" NIL \"joe\" \"example.org\")) NIL NIL NIL \"<B27397-0100000@Blurdybloop.example.COM>\") BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92 NIL NIL NIL NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"report.pdf\") NIL NIL \"BASE64\" 60000 NIL (\"attachment\" (\"FILENAME\" \"report.pdf\")) NIL NIL) \"MIXED\" (\"BOUNDARY\" \"b1\") NIL NIL NIL) BODY[] {{{}}}\r\n",
                body.len()
            )
            .as_bytes(),
        );
        out.extend_from_slice(&body);
        out.extend_from_slice(b")\r\n");
    }
    out
}

fn big_literals() -> Vec<u8> {
    let body = filler(1024 * 1024);
    let mut out = Vec::new();
    for i in 1..=25 {
        out.extend_from_slice(
            format!("* {i} FETCH (UID {i} BODY[] {{{}}}\r\n", body.len()).as_bytes(),
        );
        out.extend_from_slice(&body);
        out.extend_from_slice(b")\r\n");
    }
    out
}

/// Frames `stream` and hands each message to `each`; returns the message count.
fn frame(
    stream: &Bytes,
    direction: Direction,
    limits: Limits,
    mut each: impl FnMut(Bytes),
) -> usize {
    let mut framer = Framer::new(direction, limits);
    let mut offset = 0;
    let mut count = 0;
    loop {
        match framer.advance(&stream[offset..]) {
            Progress::Message { len } => {
                each(stream.slice(offset..offset + len));
                offset += len;
                count += 1;
            }
            Progress::ContinuationNeeded { .. } => {}
            Progress::Incomplete => return count,
            Progress::Discard { len, .. } => offset += len,
            _ => return count,
        }
    }
}

fn ours_commands(stream: &Bytes) -> usize {
    let options = ParseOptions::default();
    let mut parsed = 0;
    frame(
        stream,
        Direction::ClientToServer,
        Limits::default(),
        |message| {
            if let Ok(Status::Complete { value, .. }) = parse::command(&message, &options) {
                black_box(value);
                parsed += 1;
            }
        },
    );
    parsed
}

fn ours_responses(stream: &Bytes) -> usize {
    // A client's options: the documented leniences, among them not scanning literal
    // bodies for NUL (the other parsers do not scan them either).
    let options = ParseOptions::lenient();
    let mut parsed = 0;
    frame(
        stream,
        Direction::ServerToClient,
        Limits::client(),
        |message| {
            if let Ok(Status::Complete { value, .. }) = parse::response(&message, &options) {
                black_box(value);
                parsed += 1;
            }
        },
    );
    parsed
}

/// Decodes messages off the front of `input` until it is empty or `decode` fails; the count.
/// `decode` gives the rest after one message (and consumes the value with `black_box`).
fn decode_all(mut input: &[u8], decode: impl Fn(&[u8]) -> Option<&[u8]>) -> usize {
    let mut parsed = 0;
    while !input.is_empty() {
        let Some(rest) = decode(input) else { break };
        input = rest;
        parsed += 1;
    }
    parsed
}

fn codec_commands(input: &[u8]) -> usize {
    let codec = CommandCodec::default();
    decode_all(input, |i| {
        let (rest, command) = codec.decode(i).ok()?;
        black_box(command);
        Some(rest)
    })
}

fn codec_responses(input: &[u8]) -> usize {
    let codec = ResponseCodec::default();
    decode_all(input, |i| {
        let (rest, response) = codec.decode(i).ok()?;
        black_box(response);
        Some(rest)
    })
}

fn djc_responses(input: &[u8]) -> usize {
    decode_all(input, |i| {
        let (rest, response) = djc_imap_proto::Response::parse(i).ok()?;
        black_box(response);
        Some(rest)
    })
}

fn bench(c: &mut Criterion) {
    let commands = Bytes::from(commands());
    let expected_commands = 6 * 200;
    assert_eq!(ours_commands(&commands), expected_commands);
    assert_eq!(codec_commands(&commands), expected_commands);
    let mut group = c.benchmark_group("imap/commands");
    group.throughput(Throughput::Bytes(commands.len() as u64));
    group.bench_function("mailwire", |b| {
        b.iter(|| ours_commands(black_box(&commands)))
    });
    group.bench_function("imap-codec", |b| {
        b.iter(|| codec_commands(black_box(&commands)))
    });
    group.finish();

    let responses = Bytes::from(fetch_responses());
    assert_eq!(ours_responses(&responses), 1000);
    assert_eq!(codec_responses(&responses), 1000);
    assert_eq!(djc_responses(&responses), 1000);
    let mut group = c.benchmark_group("imap/fetch-responses");
    group.throughput(Throughput::Bytes(responses.len() as u64));
    group.sample_size(10);
    group.bench_function("mailwire", |b| {
        b.iter(|| ours_responses(black_box(&responses)))
    });
    group.bench_function("imap-codec", |b| {
        b.iter(|| codec_responses(black_box(&responses)))
    });
    group.bench_function("imap-proto", |b| {
        b.iter(|| djc_responses(black_box(&responses)))
    });
    group.finish();

    let stream = Bytes::from(big_literals());
    let mut group = c.benchmark_group("imap/framing-25mib");
    group.throughput(Throughput::Bytes(stream.len() as u64));
    group.sample_size(10);
    group.bench_function("mailwire", |b| {
        b.iter(|| {
            frame(
                black_box(&stream),
                Direction::ServerToClient,
                Limits::client(),
                |m| {
                    black_box(m);
                },
            )
        })
    });
    group.bench_function("memchr-baseline", |b| {
        b.iter(|| memchr::memchr_iter(b'\n', black_box(&stream[..])).count())
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
