//! The tokio-util codecs, driven on buffers (no runtime needed).

#![cfg(feature = "codec")]

use bytes::BytesMut;
use smtp_proto::ParseErrorKind;
use smtp_proto::codec::{CommandCodec, ReplyCodec};
use smtp_proto::types::{Command, Reply, ReplyCode};
use tokio_util::codec::{Decoder, Encoder};

#[test]
fn command_codec_lines_and_errors() {
    let mut c = CommandCodec::default();
    let mut buf = BytesMut::from(&b"EHLO a.example\r\nMAIL FROM:<x>\r\nQUIT\r\nNOO"[..]);
    assert!(matches!(
        c.decode(&mut buf).unwrap(),
        Some(Ok(Command::Ehlo { .. }))
    ));
    let e = c.decode(&mut buf).unwrap().unwrap().unwrap_err();
    assert_eq!(e.kind, ParseErrorKind::InvalidSender);
    assert_eq!(e.reply().code().get(), 553);
    assert_eq!(c.decode(&mut buf).unwrap(), Some(Ok(Command::Quit)));
    assert_eq!(c.decode(&mut buf).unwrap(), None);
    let mut out = BytesMut::new();
    c.encode(
        Reply::from_static(ReplyCode::CLOSING, None, "bye"),
        &mut out,
    )
    .unwrap();
    assert_eq!(&out[..], b"221 bye\r\n");
}

#[test]
fn reply_codec() {
    let mut c = ReplyCodec::default();
    let mut buf = BytesMut::from(&b"220 hi\r\n250-a\r\n250 b\r\n"[..]);
    assert_eq!(
        c.decode(&mut buf).unwrap().unwrap().code(),
        ReplyCode::SERVICE_READY
    );
    assert_eq!(c.decode(&mut buf).unwrap().unwrap().lines().len(), 2);
    assert!(c.decode(&mut buf).unwrap().is_none());
    let mut buf = BytesMut::from(&b"250-a\r\n550 b\r\n"[..]);
    assert!(c.decode(&mut buf).is_err());
    let mut out = BytesMut::new();
    c.encode(Command::Data, &mut out).unwrap();
    assert_eq!(&out[..], b"DATA\r\n");
}
