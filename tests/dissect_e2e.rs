//! The `dissect` program: exit codes, offsets and round trips on known streams, and on whole
//! sessions captured from the real Postfix and Dovecot.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::MetadataExt;
use std::process::Command;
use std::time::Duration;

use common::*;

#[test]
fn smtp_client_stream_with_data_bdat_and_auth() {
    let input = b"EHLO x\r\nAUTH PLAIN\r\nAGEAYg==\r\nMAIL FROM:<a@b.org> SIZE=5\r\n\
        RCPT TO:<c@d.org>\r\nDATA\r\n..x\r\n.\r\nBDAT 3 LAST\r\nabcQUIT\r\n";
    let (code, out) = dissect(&["smtp", "client", "--roundtrip"], input);
    assert_eq!(code, 0, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 10, "{out}");
    assert_eq!(lines[2], "20 10 sasl-response <redacted>");
    assert!(lines[6].starts_with("83 8 data 4 octets"), "{out}");
    assert_eq!(lines[8], "104 3 bdat-chunk 3 octets");
    assert!(!out.contains("AGEAYg"), "secrets must not be printed");
}

#[test]
fn exit_codes_for_errors_and_incomplete_input() {
    let (code, out) = dissect(&["smtp", "client"], b"EHLO x\r\nMAIL FROM:<a b>\r\n");
    assert_eq!(code, 1);
    assert!(
        out.lines()
            .last()
            .is_some_and(|l| l.starts_with("error at offset ")),
        "{out}"
    );
    let (code, out) = dissect(&["smtp", "client"], b"EHLO x\r\nDATA\r\nbody\r\n");
    assert_eq!(
        (code, out.lines().last()),
        (2, Some("incomplete at offset 14"))
    );
    let (code, _) = dissect(&["smtp", "server"], b"250-a\r\n251 b\r\n");
    assert_eq!(code, 1, "a multi-line reply must keep one code");
    // The smuggling form of end-of-data is refused strictly, passed on leniently.
    let smuggle = b"DATA\r\nx\n.\nMAIL FROM:<e@f.org>\r\n.\r\n";
    assert_eq!(dissect(&["smtp", "client"], smuggle).0, 1);
    assert_eq!(
        dissect(&["smtp", "client", "--limits", "lenient"], smuggle).0,
        0
    );
}

#[test]
fn pop3_streams_both_directions() {
    let (code, out) = dissect(
        &["pop3", "client", "--roundtrip"],
        b"CAPA\r\nUSER a\r\nPASS b\r\nLIST\r\nRETR 1\r\nTOP 1 0\r\nUIDL 2\r\nQUIT\r\n",
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.lines().count(), 8);
    assert!(out.contains("command PASS <redacted>") && !out.contains("PASS b"));
    let server = b"+OK hi\r\n+OK\r\nTOP\r\nUIDL\r\n.\r\n+OK 1 2\r\n1 2\r\n.\r\n+OK\r\n..a\r\n.\r\n";
    let (code, out) = dissect(&["pop3", "server", "--roundtrip"], server);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("13 14 multi-line body 11 octets"), "{out}");
    assert!(out.contains("36 8 multi-line body 5 octets"), "{out}");
    assert!(out.contains("49 8 multi-line body 4 octets"), "{out}");
    assert!(
        out.contains("8 5 response +OK\n"),
        "no trailing space: {out}"
    );
}

/// Plays `script` to a real server one line at a time (waiting for each answer), returning
/// (bytes sent, bytes received).
fn capture(port: u16, script: &[&[u8]]) -> (Vec<u8>, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect to peer");
    s.set_read_timeout(Some(Duration::from_millis(400)))
        .expect("timeout");
    let mut sent = Vec::new();
    let mut received = Vec::new();
    let mut buf = [0u8; 65536];
    let mut drain = |s: &mut TcpStream, received: &mut Vec<u8>| loop {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => received.extend_from_slice(&buf[..n]),
        }
    };
    drain(&mut s, &mut received);
    for step in script {
        s.write_all(step).expect("send");
        sent.extend_from_slice(step);
        drain(&mut s, &mut received);
    }
    (sent, received)
}

#[test]
fn whole_sessions_captured_from_postfix_and_dovecot() {
    if !(require_peer("Postfix", 10025) && require_peer("Dovecot POP3", 10110)) {
        return;
    }
    let (sent, received) = capture(
        10025,
        &[
            b"EHLO dissect.test\r\n",
            b"MAIL FROM:<alice@example.org> SIZE=40 BODY=8BITMIME\r\nRCPT TO:<bob@example.org> NOTIFY=SUCCESS\r\nRCPT TO:<nobody@example.org>\r\nDATA\r\n",
            b"Subject: dissect\r\n\r\n..dot\r\n.\r\n",
            b"VRFY bob\r\nNOOP\r\nHELP\r\nQUIT\r\n",
        ],
    );
    for (from, bytes) in [("client", &sent), ("server", &received)] {
        let (code, out) = dissect(&["smtp", from, "--roundtrip"], bytes);
        assert_eq!(
            code,
            0,
            "smtp {from}: {out}\n{}",
            String::from_utf8_lossy(bytes)
        );
        assert!(out.lines().count() >= 8, "smtp {from}: {out}");
    }
    let (sent, received) = capture(
        10110,
        &[
            b"CAPA\r\n",
            b"USER alice\r\n",
            b"PASS secret1\r\n",
            b"STAT\r\nLIST\r\nUIDL\r\n",
            b"TOP 1 0\r\n",
            b"RETR 1\r\n",
            b"NOOP\r\nQUIT\r\n",
        ],
    );
    for (from, bytes) in [("client", &sent), ("server", &received)] {
        let (code, out) = dissect(&["pop3", from, "--roundtrip"], bytes);
        assert_eq!(
            code,
            0,
            "pop3 {from}: {out}\n{}",
            String::from_utf8_lossy(bytes)
        );
    }
    let (_, out) = dissect(&["pop3", "server"], &received);
    assert!(
        out.matches("multi-line body").count() >= 4,
        "CAPA, LIST, UIDL, TOP, RETR: {out}"
    );
}

/// A nested multipart message with a message/rfc822 part, for BODYSTRUCTURE and ENVELOPE.
const NESTED: &[u8] = b"From: Alice <alice@example.org>\r\nTo: Dave <dave@example.org>, \"Smith, J\" <j@example.org>\r\n\
Cc: undisclosed-recipients:;\r\nSubject: =?UTF-8?Q?nested_=C3=A9?=\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n\
Message-ID: <nested@example.org>\r\nIn-Reply-To: <parent@example.org>\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\npreamble\r\n--outer\r\n\
Content-Type: multipart/alternative; boundary=\"inner\"\r\n\r\n--inner\r\nContent-Type: text/plain; charset=utf-8\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\r\nh=C3=A9llo\r\n--inner\r\nContent-Type: text/html\r\n\r\n<p>hi</p>\r\n--inner--\r\n\
--outer\r\nContent-Type: message/rfc822\r\n\r\nFrom: bob@example.org\r\nSubject: inner\r\n\r\ninner body\r\n\
--outer\r\nContent-Type: application/octet-stream; name=\"a.bin\"\r\nContent-Disposition: attachment; filename=\"a.bin\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\nAAECAw==\r\n--outer--\r\n";

#[test]
fn imap_sessions_captured_from_dovecot() {
    if !require_peer("Dovecot IMAP", 10143) {
        return;
    }
    let root = peers_dir().join("mail/dave/Maildir");
    let _ = std::fs::remove_dir_all(&root);
    for sub in ["tmp", "new", "cur"] {
        std::fs::create_dir_all(root.join(sub)).expect("maildir");
    }
    std::fs::write(root.join("new/1700000000.M1P1.test"), NESTED).expect("message");
    std::fs::write(
        root.join("new/1700000001.M2P1.test"),
        b"Subject: plain\r\n\r\nplain {5}\r\n",
    )
    .expect("message");
    let owner = std::fs::metadata(peers_dir().join("mail")).expect("mail dir");
    let status = Command::new("chown")
        .arg("-R")
        .arg(format!("{}:{}", owner.uid(), owner.gid()))
        .arg(peers_dir().join("mail/dave"))
        .status()
        .expect("chown");
    assert!(status.success());
    let (sent, received) = capture(
        10143,
        &[
            b"a1 CAPABILITY\r\n",
            b"a2 LOGIN dave secret4\r\n",
            b"a3 ENABLE QRESYNC\r\n",
            b"a4 LIST \"\" \"*\" RETURN (SPECIAL-USE STATUS (MESSAGES UIDNEXT))\r\n",
            b"a5 SELECT INBOX (CONDSTORE)\r\n",
            b"a6 UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE MODSEQ)\r\n",
            b"a7 FETCH 1 (BODY.PEEK[1.1]<0.5> BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)] BINARY.PEEK[1.1] BINARY.SIZE[1.1] BODY[])\r\n",
            b"a8 UID SEARCH RETURN (MIN MAX COUNT ALL) OR SUBJECT nested NOT SEEN\r\n",
            b"a9 UID SORT (REVERSE DATE SUBJECT) UTF-8 ALL\r\n",
            b"b1 UID THREAD REFERENCES UTF-8 ALL\r\n",
            b"b2 UID STORE 1 +FLAGS.SILENT (\\Flagged $Important)\r\n",
            b"b3 STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ)\r\n",
            b"b4 NAMESPACE\r\n",
            b"b5 ID (\"name\" \"dissect\")\r\n",
            b"b6 IDLE\r\n",
            b"DONE\r\n",
            b"b7 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)\r\n",
            b"b8 LOGOUT\r\n",
        ],
    );
    let (code, out) = dissect(&["imap", "client", "--roundtrip"], &sent);
    assert_eq!(code, 0, "imap client: {out}");
    assert_eq!(out.lines().count(), 18, "{out}");
    let (code, out) = dissect(&["imap", "server", "--roundtrip"], &received);
    assert_eq!(
        code,
        0,
        "imap server: {out}\n{}",
        String::from_utf8_lossy(&received)
    );
    for needle in [
        "ENVELOPE", "ESEARCH", "* SORT", "* THREAD", "MODSEQ", "b8 OK",
    ] {
        assert!(out.contains(needle), "{needle} missing from:\n{out}");
    }
    // The nested BODYSTRUCTURE (multipart/mixed > multipart/alternative, message/rfc822) was
    // in the stream, and the strict parse and round trip above passed over it.
    let text = String::from_utf8_lossy(&received);
    assert!(text.contains("BODYSTRUCTURE ((("), "{text}");
    assert!(text.contains("\"message\" \"rfc822\""), "{text}");
}
