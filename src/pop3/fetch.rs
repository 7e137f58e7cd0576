//! Downloading a POP3 maildrop into a Maildir: the engine of `pop3-fetch`.
//!
//! Every message is written and synced to disk before anything acknowledges it: its UIDL is
//! recorded (for `--new-only`) and it is deleted on the server (`--delete`) only afterwards, and
//! deletions take effect only when the session ends with QUIT (RFC 1939 §6), so a crash at any
//! moment loses nothing.

use std::collections::{BTreeMap, HashSet};
use std::io;
use std::path::PathBuf;

use pop3_proto::client::{Client, Config, Event, InitialResponse};
use pop3_proto::types::{Capability, MessageNumber, Reply, Status};

use crate::driver::{Connection, now};
use crate::maildir_out::{MaildirWriter, PendingMessage};
use crate::stream::MailStream;
use crate::tls::{TlsMode, Trust};

/// How to log in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
#[non_exhaustive]
pub enum AuthMethod {
    /// USER and PASS (RFC 1939 §7).
    User,
    /// APOP (RFC 1939 §7), needs a timestamp in the greeting.
    Apop,
    /// AUTH PLAIN (RFC 5034).
    Plain,
}

/// What to fetch and how.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// `HOST:PORT`.
    pub server: String,
    /// User name.
    pub user: String,
    /// Password (or APOP secret).
    pub password: String,
    /// Plain, STLS or implicit TLS.
    pub tls: TlsMode,
    /// Which certificates to trust.
    pub trust: Trust,
    /// How to log in.
    pub auth: AuthMethod,
    /// Delete each message on the server once it is safely on disk.
    pub delete: bool,
    /// Only messages whose UIDL is not in `.pop3-uidl` of the Maildir.
    pub new_only: bool,
}

/// What a fetch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchSummary {
    /// Messages written.
    pub messages: u64,
    /// Octets written.
    pub bytes: u64,
    /// Messages deleted on the server.
    pub deleted: u64,
    /// The files written, in maildrop order.
    pub files: Vec<PathBuf>,
}

/// Progress reports for a user interface.
pub trait Progress {
    /// The download is about to start: `messages` messages, `bytes` octets in total.
    fn start(&self, messages: u64, bytes: u64);
    /// `bytes` more octets arrived.
    fn advance(&self, bytes: u64);
}

/// A progress sink that shows nothing.
#[derive(Debug)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _: u64, _: u64) {}
    fn advance(&self, _: u64) {}
}

/// Why a fetch failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// Network or disk.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// TLS set-up.
    #[error("{0}")]
    Tls(#[from] crate::tls::TlsSetupError),
    /// The server refused something (login, a command).
    #[error("{0}")]
    Refused(String),
    /// The POP3 session broke.
    #[error("POP3 session: {0}")]
    Session(String),
}

const UIDL_FILE: &str = ".pop3-uidl";

fn refused(what: &str, reply: &Reply) -> FetchError {
    let code = reply
        .code
        .as_ref()
        .map(|c| format!("[{}] ", c.as_str()))
        .unwrap_or_default();
    FetchError::Refused(format!("{what}: -ERR {code}{}", reply.text))
}

fn misuse(e: impl std::fmt::Display) -> FetchError {
    FetchError::Session(e.to_string())
}

/// Where the fetch is.
enum Phase {
    /// Waiting for the greeting, CAPA and (optionally) STLS.
    Connecting,
    /// Login sent.
    LoggingIn,
    /// UIDL and LIST sent.
    Listing,
    /// RETRs sent; downloading.
    Retrieving,
    /// DELEs and QUIT sent.
    Finishing,
}

/// Downloads the maildrop into `maildir`.
pub async fn fetch(
    options: &FetchOptions,
    maildir: &MaildirWriter,
    progress: &dyn Progress,
) -> Result<FetchSummary, FetchError> {
    let (stream, tls) =
        MailStream::connect_client::<FetchError>(&options.server, options.tls, &options.trust)
            .await?;
    let mut config = Config::default();
    config.tls_active = stream.is_tls();
    let mut conn = Connection::new(Client::new(config, now()), stream);

    let seen_path = maildir.root().join(UIDL_FILE);
    let seen: HashSet<String> = match tokio::fs::read_to_string(&seen_path).await {
        Ok(s) => s.lines().map(str::to_string).collect(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => HashSet::new(),
        Err(e) => return Err(e.into()),
    };

    let mut phase = Phase::Connecting;
    let mut capa_id = None;
    let mut login_id = None;
    let mut uidl: BTreeMap<u32, String> = BTreeMap::new();
    let mut sizes: BTreeMap<u32, u64> = BTreeMap::new();
    let mut listing_ends = 0;
    // RETR request -> (message number, file being written)
    let mut retrieving: BTreeMap<
        pop3_proto::client::RequestId,
        (MessageNumber, Option<PendingMessage>),
    > = BTreeMap::new();
    let mut summary = FetchSummary::default();
    let mut fetched: Vec<MessageNumber> = Vec::new();

    while let Some(event) = conn.next_event().await? {
        match event {
            Event::GreetingReceived { .. } => {
                capa_id = Some(conn.session_mut().capa(now()).map_err(misuse)?);
            }
            Event::MultiLineEnd { id } if Some(id) == capa_id => {
                capa_id = None;
                if options.tls == TlsMode::Starttls && !conn.stream().is_tls() {
                    if !conn.session().has_capability(&Capability::Stls) {
                        return Err(FetchError::Refused("the server does not offer STLS".into()));
                    }
                    conn.session_mut().stls(now()).map_err(misuse)?;
                } else {
                    let client = conn.session_mut();
                    let id = match options.auth {
                        AuthMethod::User => client.login(now(), &options.user, &options.password),
                        AuthMethod::Apop => {
                            client.apop(now(), &options.user, options.password.as_bytes())
                        }
                        AuthMethod::Plain => client.auth_plain(
                            now(),
                            &options.user,
                            &options.password,
                            InitialResponse::Inline,
                        ),
                    }
                    .map_err(misuse)?;
                    login_id = Some(id);
                    phase = Phase::LoggingIn;
                }
            }
            Event::TlsUpgradeReady { .. } => {
                let (connector, name) = tls
                    .as_ref()
                    .ok_or_else(|| FetchError::Session("STLS without a TLS set-up".into()))?;
                conn.start_tls_client(connector, name.clone()).await?;
                capa_id = Some(conn.session_mut().capa(now()).map_err(misuse)?);
            }
            Event::ReplyReceived { id, reply } if Some(id) == login_id => {
                // USER gets its own +OK before PASS; only the last answer decides.
                if reply.status != Status::Ok {
                    return Err(refused("login", &reply));
                }
                if conn.session().state() == pop3_proto::client::State::Transaction
                    && matches!(phase, Phase::LoggingIn)
                {
                    let client = conn.session_mut();
                    client.uidl(now(), None).map_err(misuse)?;
                    client.list(now(), None).map_err(misuse)?;
                    phase = Phase::Listing;
                }
            }
            Event::UniqueIdListing { listing, .. } => {
                uidl.insert(listing.msg.get(), listing.uid.as_str().to_string());
            }
            Event::ScanListing { listing, .. } => {
                sizes.insert(listing.msg.get(), listing.octets);
            }
            Event::MultiLineEnd { id } if matches!(phase, Phase::Listing) => {
                let _ = id;
                listing_ends += 1;
                if listing_ends < 2 {
                    continue;
                }
                let wanted: Vec<u32> = sizes
                    .keys()
                    .copied()
                    .filter(|n| !options.new_only || uidl.get(n).is_none_or(|u| !seen.contains(u)))
                    .collect();
                progress.start(wanted.len() as u64, wanted.iter().map(|n| sizes[n]).sum());
                let client = conn.session_mut();
                for n in wanted {
                    let msg = MessageNumber::new(n)
                        .ok_or_else(|| FetchError::Session("message number 0".into()))?;
                    let id = client.retr(now(), msg).map_err(misuse)?;
                    retrieving.insert(id, (msg, None));
                }
                phase = Phase::Retrieving;
                if retrieving.is_empty() {
                    conn.session_mut().quit(now()).map_err(misuse)?;
                    phase = Phase::Finishing;
                }
            }
            Event::ReplyReceived { id, reply } if retrieving.contains_key(&id) => {
                if reply.status != Status::Ok {
                    return Err(refused("RETR", &reply));
                }
                if let Some((_, file)) = retrieving.get_mut(&id) {
                    *file = Some(maildir.begin().await?);
                }
            }
            Event::BodyChunk { id, data } => {
                if let Some((_, Some(file))) = retrieving.get_mut(&id) {
                    file.write(&data).await?;
                    progress.advance(data.len() as u64);
                }
            }
            Event::MultiLineEnd { id } if retrieving.contains_key(&id) => {
                let Some((msg, Some(file))) = retrieving.remove(&id) else {
                    return Err(FetchError::Session("RETR body without a +OK".into()));
                };
                summary.bytes += file.size();
                summary.files.push(maildir.finish(file).await?);
                summary.messages += 1;
                if let Some(uid) = uidl.get(&msg.get()) {
                    record_uidl(&seen_path, uid).await?;
                }
                fetched.push(msg);
                if retrieving.is_empty() {
                    let client = conn.session_mut();
                    if options.delete {
                        for msg in &fetched {
                            client.dele(now(), *msg).map_err(misuse)?;
                        }
                        summary.deleted = fetched.len() as u64;
                    }
                    client.quit(now()).map_err(misuse)?;
                    phase = Phase::Finishing;
                }
            }
            Event::ReplyReceived { reply, .. } if reply.status != Status::Ok => {
                return Err(refused("command", &reply));
            }
            Event::Closed { error } => {
                return match (error, phase) {
                    (None, Phase::Finishing) => Ok(summary),
                    (Some(e), _) => Err(FetchError::Session(e.to_string())),
                    (None, _) => Err(FetchError::Session("session ended early".into())),
                };
            }
            _ => {}
        }
    }
    match phase {
        Phase::Finishing => Ok(summary),
        _ => Err(FetchError::Session("connection closed early".into())),
    }
}

/// Remembers a UIDL for `--new-only`, synced before the message counts as fetched.
async fn record_uidl(path: &std::path::Path, uid: &str) -> io::Result<()> {
    use tokio::io::AsyncWriteExt;
    let mut f = tokio::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .await?;
    f.write_all(format!("{uid}\n").as_bytes()).await?;
    f.sync_all().await
}
