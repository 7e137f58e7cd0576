//! POP3 throughput: the client un-stuffing RETR bodies, the server dot-stuffing them, and the
//! server parsing a pipelined batch of commands; each next to a one-pass `memchr` baseline over
//! the same bytes. Names: `pop3/<workload>/<impl>`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pop3_proto::client::{self, Client};
use pop3_proto::server::{self, MaildropEntry, Server};
use pop3_proto::types::{MessageNumber, UniqueId};

/// A realistic body of about `size` octets: header, text lines of 60-76 octets, some starting
/// with a dot, and base64-like attachment lines.
fn body(size: usize) -> Vec<u8> {
    let mut out =
        b"From: bench@example.org\r\nSubject: bench\r\nMIME-Version: 1.0\r\n\r\n".to_vec();
    let mut i = 0u32;
    while out.len() < size {
        let line = match i % 50 {
            0 => ".a line that starts with a dot and must be stuffed on the wire".to_owned(),
            1..=20 => format!("Line {i} of the text part, plain words as mail has them ........"),
            _ => "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAx"
                .to_owned(),
        };
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\r\n");
        i += 1;
    }
    out
}

/// The RETR answer on the wire: status line, stuffed body, terminator.
fn retr_wire(body: &[u8]) -> Vec<u8> {
    let mut wire = format!("+OK {} octets\r\n", body.len()).into_bytes();
    let mut at_line_start = true;
    for &b in body {
        if at_line_start && b == b'.' {
            wire.push(b'.');
        }
        wire.push(b);
        at_line_start = b == b'\n';
    }
    wire.extend_from_slice(b".\r\n");
    wire
}

fn memchr_baseline(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}

const CHUNK: usize = 64 * 1024;

fn origin() -> Instant {
    #[expect(
        clippy::disallowed_methods,
        reason = "a bench needs one origin for the session clock"
    )]
    Instant::now()
}

fn client_retr(wire: &[u8], now: Instant) -> usize {
    let mut client = Client::new(client::Config::default(), now);
    client.handle_input(now, b"+OK ready\r\n");
    let one = MessageNumber::new(1).expect("1");
    client.retr(now, one).expect("retr");
    while client.poll_transmit().is_some() {}
    let mut octets = 0;
    for piece in wire.chunks(CHUNK) {
        client.handle_input(now, piece);
        while let Some(event) = client.poll_event() {
            if let client::Event::BodyChunk { data, .. } = event {
                octets += data.len();
            }
        }
    }
    octets
}

/// The same through [`Client::handle_input_owned`]: the driver's read buffers are handed over,
/// so the body is never copied. The chunks are returned (as a client storing the message keeps
/// them) so that freeing the 64 KiB buffers falls outside the measurement.
fn client_retr_owned(wire: Vec<BytesMut>, now: Instant) -> Vec<Bytes> {
    let mut client = Client::new(client::Config::default(), now);
    client.handle_input(now, b"+OK ready\r\n");
    let one = MessageNumber::new(1).expect("1");
    client.retr(now, one).expect("retr");
    while client.poll_transmit().is_some() {}
    let mut body = Vec::with_capacity(wire.len() * 2);
    for piece in wire {
        client.handle_input_owned(now, piece);
        while let Some(event) = client.poll_event() {
            if let client::Event::BodyChunk { data, .. } = event {
                body.push(data);
            }
        }
    }
    body
}

fn read_buffers(wire: &[u8]) -> Vec<BytesMut> {
    wire.chunks(CHUNK).map(BytesMut::from).collect()
}

fn retr(c: &mut Criterion, name: &str, size: usize) {
    let body = body(size);
    let wire = retr_wire(&body);
    let now = origin();
    assert_eq!(client_retr(&wire, now), body.len());
    let mut group = c.benchmark_group(format!("pop3/{name}"));
    group.throughput(Throughput::Bytes(wire.len() as u64));
    // `mailwire`: the client as mailwire's driver feeds it, each read buffer handed over
    // (`handle_input_owned`), so body chunks are slices of what was read. `mailwire-borrowed`:
    // input lent as `&[u8]` (`handle_input`), which must copy it, since events own their bytes.
    let owned = client_retr_owned(read_buffers(&wire), now);
    assert_eq!(owned.iter().map(Bytes::len).sum::<usize>(), body.len());
    group.bench_function("mailwire", |b| {
        b.iter_batched(
            || read_buffers(&wire),
            |bufs| client_retr_owned(bufs, now),
            criterion::BatchSize::LargeInput,
        );
    });
    group.bench_function("mailwire-borrowed", |b| {
        b.iter(|| client_retr(black_box(&wire), now))
    });
    group.bench_function("memchr-baseline", |b| {
        b.iter(|| memchr_baseline(black_box(&wire)))
    });
    group.finish();
}

fn logged_in_server(now: Instant, entries: Vec<MaildropEntry>) -> Server {
    logged_in_server_with(server::Config::default(), now, entries)
}

fn logged_in_server_with(
    config: server::Config,
    now: Instant,
    entries: Vec<MaildropEntry>,
) -> Server {
    let mut server = Server::new(config, now);
    server.handle_input(now, b"USER bench\r\nPASS bench\r\n");
    while let Some(event) = server.poll_event() {
        if let server::Event::AuthRequested { id, .. } = event {
            server
                .accept_auth(now, id, entries.clone())
                .expect("accept");
        }
    }
    while server.poll_transmit().is_some() {}
    server
}

/// RETR 1 answered with `chunks`; `crlf_bodies` as a store of canonical CRLF messages sets it.
fn server_stuff(chunks: &[Bytes], octets: u64, crlf_bodies: bool, now: Instant) -> usize {
    let uid = UniqueId::new("bench-1").expect("uid");
    let mut config = server::Config::default();
    config.crlf_bodies = crlf_bodies;
    let mut server = logged_in_server_with(
        config,
        now,
        vec![MaildropEntry {
            key: 1,
            octets,
            uid,
            needs_utf8: false,
        }],
    );
    server.handle_input(now, b"RETR 1\r\n");
    let Some(server::Event::BodyRequested { id, .. }) = server.poll_event() else {
        unreachable!("RETR asks for the body")
    };
    let mut sent = 0;
    for chunk in chunks {
        server.body_chunk(now, id, chunk.clone()).expect("chunk");
        while let Some(b) = server.poll_transmit() {
            sent += b.len();
        }
    }
    server.body_end(now, id).expect("end");
    while let Some(b) = server.poll_transmit() {
        sent += b.len();
    }
    sent
}

fn stuff(c: &mut Criterion) {
    let body = body(25 << 20);
    let chunks: Vec<Bytes> = Bytes::from(body.clone())
        .chunks(CHUNK)
        .map(Bytes::copy_from_slice)
        .collect();
    let now = origin();
    for crlf_bodies in [false, true] {
        assert_eq!(
            server_stuff(&chunks, body.len() as u64, crlf_bodies, now),
            retr_wire(&body).len()
        );
    }
    let mut group = c.benchmark_group("pop3/stuff-25mib");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("mailwire", |b| {
        b.iter(|| server_stuff(black_box(&chunks), body.len() as u64, false, now))
    });
    group.bench_function("mailwire-crlf", |b| {
        b.iter(|| server_stuff(black_box(&chunks), body.len() as u64, true, now))
    });
    group.bench_function("memchr-baseline", |b| {
        b.iter(|| memchr_baseline(black_box(&body)))
    });
    group.finish();
}

fn commands(c: &mut Criterion) {
    let entries: Vec<MaildropEntry> = (1..=100)
        .map(|k| MaildropEntry {
            key: k,
            octets: 1000 + k,
            uid: UniqueId::new(format!("uid-{k:08}")).expect("uid"),
            needs_utf8: false,
        })
        .collect();
    let mut batch = String::new();
    for i in 0..1000u32 {
        let n = i % 100 + 1;
        let line = match i % 8 {
            0 => "STAT".to_owned(),
            1 => format!("LIST {n}"),
            2 => format!("UIDL {n}"),
            3 => "NOOP".to_owned(),
            4 => format!("DELE {n}"),
            5 => format!("LIST {}", (n % 50) + 1),
            6 => "RSET".to_owned(),
            _ => format!("UIDL {}", (n % 30) + 1),
        };
        batch.push_str(&line);
        batch.push_str("\r\n");
    }
    let batch = batch.into_bytes();
    let now = origin();
    let run = |server: &mut Server| {
        server.handle_input(now, &batch);
        let mut out = 0;
        while let Some(b) = server.poll_transmit() {
            out += b.len();
        }
        out
    };
    assert!(run(&mut logged_in_server(now, entries.clone())) > 1000 * 5);
    let mut group = c.benchmark_group("pop3/commands");
    group.throughput(Throughput::Bytes(batch.len() as u64));
    group.bench_function("mailwire", |b| {
        b.iter_batched_ref(
            || logged_in_server(now, entries.clone()),
            |server| run(server),
            criterion::BatchSize::SmallInput,
        );
    });
    group.bench_function("memchr-baseline", |b| {
        b.iter(|| memchr_baseline(black_box(&batch)))
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    retr(c, "retr-1mib", 1 << 20);
    retr(c, "retr-25mib", 25 << 20);
    stuff(c);
    commands(c);
}

criterion_group! {
    name = pop3;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = benches
}
criterion_main!(pop3);
