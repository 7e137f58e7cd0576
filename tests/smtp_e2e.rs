//! End-to-end SMTP/LMTP: real clients (Python's smtplib, curl, swaks) against `smtp-sink`, and
//! `smtp-send` against `smtp-sink` and against the real Postfix and Dovecot LMTP started by
//! `scripts/peers.sh`.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::*;

/// A running smtp-sink on a free port writing into its own directory.
struct Sink {
    _child: Running,
    port: u16,
    dir: PathBuf,
}

fn start_sink(extra: &[&str]) -> Sink {
    let port = free_port();
    let dir = temp_dir("sink");
    let listen = format!("127.0.0.1:{port}");
    let mut args = vec![
        "--listen",
        &listen,
        "--out",
        dir.to_str().expect("utf-8 temp path"),
    ];
    args.extend_from_slice(extra);
    let mut child = spawn_example("smtp-sink", &args);
    let stdout = child.0.stdout.take().expect("piped stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read the listening line");
    assert_eq!(line.trim(), format!("listening on {listen}"));
    Sink {
        _child: child,
        port,
        dir,
    }
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&read(path)).expect("valid JSON envelope")
}

/// The awkward message: leading dots, a line of only a dot, a long line, 8-bit text.
fn awkward_message() -> Vec<u8> {
    let mut m = b"From: a@example.org\r\nTo: b@example.org\r\nSubject: awkward\r\n\r\n".to_vec();
    m.extend_from_slice(b".starts with a dot\r\n.\r\n..two dots\r\nnormal line\r\n");
    m.extend_from_slice(&[b'x'; 998]);
    m.extend_from_slice(b"\r\nend\r\n");
    m
}

#[test]
fn python_smtplib_starttls_auth_and_per_recipient_refusal() {
    if !require_program("python3") {
        return;
    }
    let sink = start_sink(&[
        "--self-signed",
        "--auth",
        "alice:pw",
        "--reject-rcpt",
        "bad*",
    ]);
    let out = python(&format!(
        r#"
import smtplib, ssl
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP('127.0.0.1', {port})
code, caps = s.ehlo()
assert b'STARTTLS' in caps and b'PIPELINING' in caps and b'CHUNKING' in caps, caps
s.starttls(context=ctx)
code, caps = s.ehlo()
assert b'STARTTLS' not in caps, caps
code, _ = s.mail('x@example.org')
assert code == 530, code
s.rset()
s.login('alice', 'pw')
refused = s.sendmail('a@example.org', ['b@example.org', 'bad@example.org', 'c@example.org'],
                     b'Subject: py\r\n\r\n.dot\r\nhello\r\n')
print(sorted(refused.items()))
s.quit()
"#,
        port = sink.port
    ));
    assert!(out.contains("'bad@example.org', (550, b'5.1.1"), "{out}");
    assert_eq!(
        read(&sink.dir.join("1.eml")),
        b"Subject: py\r\n\r\n.dot\r\nhello\r\n"
    );
    let env = json(&sink.dir.join("1.json"));
    assert_eq!(env["mail_from"], "a@example.org");
    assert_eq!(
        env["rcpt_to"],
        serde_json::json!(["b@example.org", "c@example.org"])
    );
    assert_eq!(env["auth"], "alice");
    assert_eq!(env["tls"], true);
}

#[test]
fn python_lmtp_gets_one_reply_per_recipient() {
    if !require_program("python3") {
        return;
    }
    let sink = start_sink(&["--lmtp", "--reject-rcpt", "nobody@*"]);
    let out = python(&format!(
        r#"
import smtplib
s = smtplib.LMTP('127.0.0.1', {port})
refused = s.sendmail('a@example.org', ['b@example.org', 'nobody@example.org', 'c@example.org'],
                     b'Subject: lmtp\r\n\r\nhi\r\n')
print(sorted(refused))
s.quit()
"#,
        port = sink.port
    ));
    assert_eq!(out.trim(), "['nobody@example.org']");
    assert_eq!(
        read(&sink.dir.join("1.eml")),
        b"Subject: lmtp\r\n\r\nhi\r\n"
    );
    assert_eq!(
        json(&sink.dir.join("1.json"))["rcpt_to"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

#[test]
fn curl_and_swaks_deliver_exact_bytes() {
    let sink = start_sink(&["--self-signed"]);
    let dir = temp_dir("curl");
    let msg_path = dir.join("m.eml");
    std::fs::write(&msg_path, awkward_message()).expect("write message");
    if require_program("curl") {
        let status = Command::new("curl")
            .args(["-sS", "--max-time", "20", "--ssl-reqd", "-k"])
            .arg(format!("smtp://127.0.0.1:{}", sink.port))
            .args([
                "--mail-from",
                "a@example.org",
                "--mail-rcpt",
                "b@example.org",
                "-T",
            ])
            .arg(&msg_path)
            .status()
            .expect("run curl");
        assert!(status.success());
        assert_eq!(read(&sink.dir.join("1.eml")), awkward_message());
        assert_eq!(json(&sink.dir.join("1.json"))["tls"], true);
    }
    if require_program("swaks") {
        let out = Command::new("swaks")
            .args(["--server", "127.0.0.1", "--port", &sink.port.to_string()])
            .args([
                "--from",
                "a@example.org",
                "--to",
                "b@example.org,c@example.org",
            ])
            .args(["--pipeline", "--tls", "--data"])
            .arg(format!("@{}", msg_path.display()))
            .output()
            .expect("run swaks");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        let stored = std::fs::read_dir(&sink.dir)
            .expect("sink dir")
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".eml"))
            .count();
        assert!(stored >= 1);
        let last = if sink.dir.join("2.eml").exists() {
            "2"
        } else {
            "1"
        };
        assert_eq!(
            json(&sink.dir.join(format!("{last}.json")))["rcpt_to"],
            serde_json::json!(["b@example.org", "c@example.org"])
        );
    }
}

fn smtp_send(args: &[&str]) -> (bool, String) {
    let out = Command::new(example("smtp-send"))
        .args(args)
        .output()
        .expect("run smtp-send");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.is_empty() || out.status.code() == Some(1),
        "{stderr}"
    );
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn smtp_send_to_smtp_sink_data_and_bdat_byte_exact() {
    let sink = start_sink(&["--self-signed", "--auth", "u:p", "--reject-rcpt", "no@*"]);
    let dir = temp_dir("send");
    let msg = dir.join("m.eml");
    std::fs::write(&msg, awkward_message()).expect("write message");
    let server = format!("127.0.0.1:{}", sink.port);
    let base = [
        "--server",
        &server,
        "--tls",
        "starttls",
        "--insecure",
        "--user",
        "u",
        "--password",
        "p",
        "--from",
        "a@example.org",
        "--to",
        "b@example.org",
    ];
    let msg = msg.to_str().expect("utf-8 path");
    let (ok, out) = smtp_send(&[&base[..], &["--to", "no@example.org", msg]].concat());
    assert!(
        !ok,
        "a refused recipient must make the exit status non-zero"
    );
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("b@example.org 250 2.0.0 "), "{out}");
    assert!(lines[1].starts_with("no@example.org 550 5.1.1 "), "{out}");
    assert_eq!(read(&sink.dir.join("1.eml")), awkward_message());

    let (ok, out) = smtp_send(
        &[
            &base[..],
            &["--bdat", "--dsn-notify", "SUCCESS,FAILURE", msg],
        ]
        .concat(),
    );
    assert!(ok, "{out}");
    assert_eq!(read(&sink.dir.join("2.eml")), awkward_message());
    assert_eq!(json(&sink.dir.join("2.json"))["auth"], "u");
}

/// A tiny scripted SMTP server on a std thread: greets, accepts EHLO, MAIL and the first
/// RCPT, answers `421` to the second RCPT and closes (RFC 5321 §3.8). Returns its port and
/// the command lines it read.
fn server_closing_at_second_rcpt(pipelining: bool) -> (u16, std::thread::JoinHandle<Vec<String>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("local address").port();
    let handle = std::thread::spawn(move || {
        let (stream, _) = listener.accept().expect("accept");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("read timeout");
        let mut writer = stream.try_clone().expect("clone");
        let mut reader = BufReader::new(stream);
        let mut seen = Vec::new();
        let mut rcpts = 0;
        writer
            .write_all(b"220 fake.example ESMTP\r\n")
            .expect("greet");
        let mut line = String::new();
        while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
            let command = line.trim_end().to_string();
            line.clear();
            let verb = command.get(..4).unwrap_or_default().to_ascii_uppercase();
            let reply: &[u8] = match verb.as_str() {
                "EHLO" if pipelining => {
                    b"250-fake.example\r\n250-PIPELINING\r\n250 ENHANCEDSTATUSCODES\r\n"
                }
                "EHLO" => b"250-fake.example\r\n250 ENHANCEDSTATUSCODES\r\n",
                "MAIL" => b"250 2.1.0 sender ok\r\n",
                "RCPT" if rcpts == 0 => b"250 2.1.5 recipient ok\r\n",
                "RCPT" => b"421 4.3.2 shutting down\r\n",
                _ => b"503 5.5.1 unexpected\r\n",
            };
            seen.push(command);
            rcpts += usize::from(verb == "RCPT");
            writer.write_all(reply).expect("reply");
            if reply.starts_with(b"421") {
                // Close our side, then read what is left until the client closes, so the
                // kernel does not reset the connection over unread bytes.
                let _ = writer.shutdown(std::net::Shutdown::Write);
                let mut rest = Vec::new();
                let _ = reader.read_to_end(&mut rest);
                seen.extend(String::from_utf8_lossy(&rest).lines().map(str::to_string));
                break;
            }
        }
        seen
    });
    (port, handle)
}

/// smtp-send against [`server_closing_at_second_rcpt`]: exit status, stdout lines, stderr,
/// and the command lines the server read.
fn smtp_send_interrupted(pipelining: bool) -> (Option<i32>, Vec<String>, String, Vec<String>) {
    let (port, server) = server_closing_at_second_rcpt(pipelining);
    let dir = temp_dir("send421");
    let msg = dir.join("m.eml");
    std::fs::write(&msg, b"Subject: x\r\n\r\nbody\r\n").expect("write message");
    let out = Command::new(example("smtp-send"))
        .args([
            "--server",
            &format!("127.0.0.1:{port}"),
            "--from",
            "a@example.org",
        ])
        .args(["--to", "one@example.org", "--to", "two@example.org"])
        .args(["--to", "three@example.org"])
        .arg(&msg)
        .output()
        .expect("run smtp-send");
    let stdout = String::from_utf8_lossy(&out.stdout);
    (
        out.status.code(),
        stdout.lines().map(str::to_string).collect(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        server.join().expect("fake server"),
    )
}

#[test]
fn smtp_send_reports_every_recipient_when_the_server_says_421_mid_transaction() {
    let (code, lines, stderr, seen) = smtp_send_interrupted(false);
    assert_eq!(code, Some(1), "{lines:?} {stderr}");
    assert_eq!(
        lines,
        vec![
            "one@example.org 421 4.3.2 accepted (250 2.1.5), then the session ended: shutting down",
            "two@example.org 421 4.3.2 shutting down",
            "three@example.org - - not attempted: the server is closing the connection: \
             421 4.3.2 shutting down",
        ],
        "{stderr}"
    );
    assert!(stderr.contains("421"), "{stderr}");
    // One command at a time: the third RCPT and DATA were never sent.
    assert_eq!(seen.len(), 4, "{seen:?}");
    assert!(seen[3].starts_with("RCPT TO:<two@example.org>"), "{seen:?}");
}

#[test]
fn smtp_send_reports_every_recipient_when_a_pipelined_group_is_cut_by_421() {
    let (code, lines, stderr, seen) = smtp_send_interrupted(true);
    assert_eq!(code, Some(1), "{lines:?} {stderr}");
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(lines[0].starts_with("one@example.org 421 4.3.2 accepted (250 2.1.5), then"));
    assert_eq!(lines[1], "two@example.org 421 4.3.2 shutting down");
    assert!(
        lines[2].starts_with("three@example.org - - not attempted"),
        "{lines:?}"
    );
    // The whole envelope went in one group, but no content followed the 421.
    assert!(seen.iter().any(|l| l == "DATA"), "{seen:?}");
    assert!(!seen.iter().any(|l| l.contains("body")), "{seen:?}");
}

#[test]
fn smuggled_end_of_data_is_refused_and_stream_stays_in_sync() {
    let sink = start_sink(&[]);
    let mut s = TcpStream::connect(("127.0.0.1", sink.port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    // One write: the classic smuggling payload, a bare-LF "end of data" with a second
    // transaction hidden behind it, then the real end of data and a NOOP.
    s.write_all(
        b"EHLO x\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n\
          Subject: one\r\n\r\nhello\n.\nMAIL FROM:<evil@example.org>\r\nRCPT TO:<b@example.org>\r\n\
          DATA\r\nSubject: smuggled\r\n\r\n.\r\nNOOP\r\nQUIT\r\n",
    )
    .expect("write");
    let mut replies = String::new();
    s.read_to_string(&mut replies).expect("read until close");
    let codes: Vec<&str> = replies
        .lines()
        .map(|l| &l[..3])
        .filter(|c| *c != "250")
        .collect();
    // 220 greeting, 354, then the whole thing refused as one message (554), NOOP 250, 221.
    assert_eq!(codes, ["220", "354", "554", "221"], "{replies}");
    assert!(!sink.dir.join("1.eml").exists(), "no message may be stored");
}

fn newest_file_containing(dir: &Path, needle: &[u8]) -> Option<Vec<u8>> {
    for _ in 0..100 {
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.filter_map(Result::ok) {
                let data = std::fs::read(e.path()).unwrap_or_default();
                if data.windows(needle.len()).any(|w| w == needle) {
                    return Some(data);
                }
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

#[test]
fn smtp_send_against_postfix_and_dovecot_lmtp() {
    if !(require_peer("Postfix SMTP", 10025) && require_peer("Dovecot LMTP", 10024)) {
        return;
    }
    let ca = peers_dir().join("tls/cert.pem");
    let ca = ca.to_str().expect("utf-8 path");
    let dir = temp_dir("postfix");
    let bob_new = peers_dir().join("mail/bob/Maildir/new");
    for (tls, port) in [("plain", "10025"), ("starttls", "10587"), ("tls", "10465")] {
        let marker = format!("marker-{tls}-{}", std::process::id());
        let mut m = awkward_message();
        m.extend_from_slice(marker.as_bytes());
        m.extend_from_slice(b"\r\n");
        let path = dir.join(format!("{tls}.eml"));
        std::fs::write(&path, &m).expect("write message");
        let server = format!("127.0.0.1:{port}");
        let (ok, out) = smtp_send(&[
            "--server",
            &server,
            "--tls",
            tls,
            "--ca",
            ca,
            "--user",
            "alice",
            "--password",
            "secret1",
            "--from",
            "alice@example.org",
            "--to",
            "bob@example.org",
            "--to",
            "nobody@example.org",
            path.to_str().expect("utf-8 path"),
        ]);
        assert!(!ok);
        assert!(
            out.lines()
                .any(|l| l.starts_with("bob@example.org 250 2.0.0")),
            "{tls}: {out}"
        );
        assert!(
            out.lines()
                .any(|l| l.starts_with("nobody@example.org 550 5.1.1")),
            "{tls}: {out}"
        );
        // Postfix delivers into the Maildir Dovecot serves, storing LF line ends; the body
        // arrives exact (dots unstuffed, the 998-octet line whole) after the headers it adds.
        let delivered = newest_file_containing(&bob_new, marker.as_bytes())
            .unwrap_or_else(|| panic!("{tls}: message not delivered to bob"));
        let body_at = m
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("header end")
            + 4;
        let expected = String::from_utf8_lossy(&m[body_at..]).replace("\r\n", "\n");
        assert!(
            delivered.ends_with(expected.as_bytes()),
            "{tls}: body changed in transit"
        );
    }
    let marker = format!("marker-lmtp-{}", std::process::id());
    let path = dir.join("lmtp.eml");
    std::fs::write(&path, format!("Subject: lmtp\r\n\r\n{marker}\r\n")).expect("write message");
    let (ok, out) = smtp_send(&[
        "--server",
        "127.0.0.1:10024",
        "--lmtp",
        "--from",
        "alice@example.org",
        "--to",
        "bob@example.org",
        "--to",
        "alice@example.org",
        path.to_str().expect("utf-8 path"),
    ]);
    assert!(ok, "{out}");
    assert_eq!(
        out.lines().count(),
        2,
        "one LMTP result per recipient: {out}"
    );
    assert!(newest_file_containing(&bob_new, marker.as_bytes()).is_some());
}
