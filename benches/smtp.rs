//! SMTP wire-layer benchmarks, side by side with Stalwart's `smtp-proto` 0.2.5 (renamed
//! `stalwart-smtp-proto` here) and a `memchr` baseline, in one criterion run.
//!
//! Names: `smtp/<workload>/<impl>`, impl `mailwire`, `stalwart-smtp-proto` or
//! `memchr-baseline`; throughput in input bytes.
//!
//! - `smtp/envelope`: a pipelined MAIL + 50 RCPT + DATA batch, cut into lines and parsed into
//!   typed commands (server side).
//! - `smtp/replies`: a multi-line EHLO reply (typed into capabilities, read as the client
//!   reads it: `ReplyReader::read_ehlo_reply`) and the status replies of a pipelined
//!   transaction (client side).
//! - `smtp/data-1mib`, `smtp/data-25mib`: a DATA body of realistic mail text with some
//!   dot-stuffed lines: end detection, unstuffing and (mailwire's default policy) bare CR/LF
//!   detection. The baseline is one `memchr` pass that visits every `\n` of the same bytes,
//!   which is the least any line-aware scanner does.

use std::hint::black_box;

use bytes::BytesMut;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use smtp_proto::framing::{DataConfig, DataEvent, DataReader, LineReader, ReplyReader};
use smtp_proto::parse;
use stalwart_smtp_proto as stalwart;

fn envelope_input() -> Vec<u8> {
    let mut s = String::from(
        "MAIL FROM:<sender.name@example.com> SIZE=48213 BODY=8BITMIME RET=HDRS ENVID=QQ314159\r\n",
    );
    for i in 0..50 {
        if i % 3 == 0 {
            s.push_str(&format!(
                "RCPT TO:<recipient{i}@example.org> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;recipient{i}@example.org\r\n"
            ));
        } else {
            s.push_str(&format!("RCPT TO:<user.{i}@mail{}.example.net>\r\n", i % 7));
        }
    }
    s.push_str("DATA\r\n");
    s.into_bytes()
}

fn ehlo_reply() -> &'static [u8] {
    b"250-mx.example.com Hello client.example.org [192.0.2.25]\r\n250-PIPELINING\r\n\
250-SIZE 52428800\r\n250-ETRN\r\n250-AUTH PLAIN LOGIN XOAUTH2 OAUTHBEARER\r\n\
250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n250-CHUNKING\r\n\
250-STARTTLS\r\n250-REQUIRETLS\r\n250 DELIVERBY 240\r\n"
}

fn status_replies() -> Vec<u8> {
    let mut s = String::from("250 2.1.0 Sender <sender.name@example.com> OK\r\n");
    for i in 0..50 {
        if i % 10 == 9 {
            s.push_str(&format!(
                "550-5.1.1 The email account that you tried to reach does not exist.\r\n\
550 5.1.1 Please check recipient{i} for typos.\r\n"
            ));
        } else {
            s.push_str("250 2.1.5 Recipient OK\r\n");
        }
    }
    s.push_str("354 Start mail input; end with <CRLF>.<CRLF>\r\n");
    s.into_bytes()
}

/// Realistic mail text: headers, prose lines of 60-78 octets, a few lines that start with a
/// dot (stuffed), a base64 attachment; ends with the end-of-data sequence.
fn data_input(size: usize) -> Vec<u8> {
    let words = [
        "the", "quick", "message", "server", "delivery", "report", "attached", "please", "find",
        "meeting", "tomorrow", "regards", "invoice", "project", "update", "status", "and", "of",
    ];
    let mut out = Vec::with_capacity(size + 1024);
    out.extend_from_slice(
        b"Received: from client.example.org (client.example.org [192.0.2.25])\r\n\
\tby mx.example.com with ESMTPS id 4Xyz; Mon, 1 Jan 2024 10:00:00 +0000\r\n\
From: Sender Name <sender.name@example.com>\r\nTo: recipient@example.org\r\n\
Subject: Quarterly report\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\n",
    );
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut line = 0usize;
    while out.len() < size {
        line += 1;
        if line.is_multiple_of(400) {
            // a base64 block
            out.extend_from_slice(b"--b1\r\nContent-Transfer-Encoding: base64\r\n\r\n");
            for _ in 0..40 {
                for _ in 0..76 {
                    let c = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
                        [(next() % 64) as usize];
                    out.push(c);
                }
                out.extend_from_slice(b"\r\n");
            }
            continue;
        }
        if line.is_multiple_of(97) {
            out.extend_from_slice(b"..a line that started with a dot, stuffed by the client\r\n");
            continue;
        }
        if line.is_multiple_of(23) {
            out.extend_from_slice(b"\r\n");
            continue;
        }
        let target = 60 + (next() % 19) as usize;
        let start = out.len();
        while out.len() - start < target {
            out.extend_from_slice(words[(next() % words.len() as u64) as usize].as_bytes());
            out.push(b' ');
        }
        out.extend_from_slice(b"end.\r\n");
    }
    out.extend_from_slice(b".\r\n");
    out
}

fn bench_envelope(c: &mut Criterion) {
    let input = envelope_input();
    let mut g = c.benchmark_group("smtp/envelope");
    g.throughput(Throughput::Bytes(input.len() as u64));
    g.bench_function("mailwire", |b| {
        // The copy into the receive buffer is measured too (a server reads into one, and
        // reuses it: its capacity is reclaimed once everything was consumed); the input stays
        // hot in cache for both implementations.
        // Each line is parsed where it lies in the buffer and the command owns its texts.
        let opts = parse::ParseOptions::default();
        let mut buf = BytesMut::with_capacity(input.len());
        b.iter(|| {
            buf.extend_from_slice(&input);
            let mut lines = LineReader::default();
            let mut n = 0;
            while let Some(cmd) = lines.read_command(&mut buf, &opts) {
                assert!(cmd.is_ok());
                black_box(&cmd);
                n += 1;
            }
            assert_eq!(n, 52);
        })
    });
    g.bench_function("stalwart-smtp-proto", |b| {
        b.iter(|| {
            let mut r = stalwart::request::receiver::RequestReceiver::default();
            let mut it = input.iter();
            let mut n = 0;
            loop {
                match r.ingest(&mut it) {
                    Ok(req) => {
                        black_box(&req);
                        n += 1;
                    }
                    Err(stalwart::Error::NeedsMoreData { .. }) => break,
                    Err(e) => panic!("{e:?}"),
                }
            }
            assert_eq!(n, 52);
        })
    });
    g.finish();
}

fn bench_replies(c: &mut Criterion) {
    let ehlo = ehlo_reply();
    let status = status_replies();
    let mut all = ehlo.to_vec();
    all.extend_from_slice(&status);
    let mut g = c.benchmark_group("smtp/replies");
    g.throughput(Throughput::Bytes(all.len() as u64));
    g.bench_function("mailwire", |b| {
        let mut buf = BytesMut::with_capacity(all.len());
        b.iter(|| {
            buf.extend_from_slice(&all);
            // As the client reads it: the reply and its capabilities in one pass.
            let mut r = ReplyReader::default();
            let first = r.read_ehlo_reply(&mut buf).ok().flatten();
            assert!(matches!(&first, Some((_, Some(e))) if e.len() == 12 && e.pipelining()));
            black_box(&first);
            let mut n = 0;
            while let Ok(Some(reply)) = r.read_reply(&mut buf) {
                black_box(&reply);
                n += 1;
            }
            assert_eq!(n, 52);
        })
    });
    g.bench_function("stalwart-smtp-proto", |b| {
        b.iter(|| {
            let mut it = ehlo.iter();
            let caps = stalwart::EhloResponse::<String>::parse(&mut it);
            assert!(caps.is_ok());
            black_box(caps.ok());
            let mut it = status.iter();
            let mut r = stalwart::response::parser::ResponseReceiver::default();
            let mut n = 0;
            loop {
                match r.parse(&mut it) {
                    Ok(resp) => {
                        black_box(&resp);
                        r.reset();
                        n += 1;
                    }
                    Err(stalwart::Error::NeedsMoreData { .. }) => break,
                    Err(e) => panic!("{e:?}"),
                }
            }
            assert_eq!(n, 52);
        })
    });
    g.finish();
}

fn bench_data(c: &mut Criterion, name: &str, size: usize) {
    let input = data_input(size);
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Bytes(input.len() as u64));
    if size > 4 << 20 {
        g.sample_size(10);
    }
    g.bench_function("mailwire", |b| {
        b.iter_batched(
            || BytesMut::from(&input[..]),
            |mut buf| {
                let mut r = DataReader::new(DataConfig::default());
                let mut body = 0usize;
                loop {
                    match r.decode(&mut buf) {
                        Some(DataEvent::Chunk(c)) => body += c.len(),
                        Some(DataEvent::End(e)) => {
                            assert!(e.is_acceptable());
                            break;
                        }
                        None => panic!("no end"),
                    }
                }
                black_box(body)
            },
            BatchSize::LargeInput,
        )
    });
    g.bench_function("stalwart-smtp-proto", |b| {
        b.iter_batched(
            || Vec::with_capacity(input.len()),
            |mut out| {
                let mut r = stalwart::request::receiver::DataReceiver::new();
                let mut it = input.iter();
                assert!(r.ingest(&mut it, &mut out));
                black_box(out.len())
            },
            BatchSize::LargeInput,
        )
    });
    g.bench_function("memchr-baseline", |b| {
        b.iter(|| {
            let mut acc = 0usize;
            for p in memchr::memchr_iter(b'\n', black_box(&input)) {
                acc = acc.wrapping_add(p);
            }
            black_box(acc)
        })
    });
    g.finish();
}

fn bench_data_1mib(c: &mut Criterion) {
    bench_data(c, "smtp/data-1mib", 1 << 20);
}

fn bench_data_25mib(c: &mut Criterion) {
    bench_data(c, "smtp/data-25mib", 25 << 20);
}

criterion_group!(
    benches,
    bench_envelope,
    bench_replies,
    bench_data_1mib,
    bench_data_25mib
);
criterion_main!(benches);
