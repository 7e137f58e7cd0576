//! The Maildir backend: the on-disk layout Dovecot reads and writes, as it is.
//!
//! - Each mailbox is a directory with `tmp/`, `new/` and `cur/`; INBOX is the Maildir root and
//!   other mailboxes are Maildir++ folders `.A.B` (hierarchy `A/B` across the seam), each
//!   level in modified UTF-7 as Dovecot does by default; `.` cannot appear in a level.
//! - Flags live in file names (`<unique>:2,<flags>`, ASCII order: `D` draft, `F` flagged,
//!   `R` answered, `S` seen, `T` deleted), keywords as letters `a`–`z` through the folder's
//!   `dovecot-keywords` (so at most 26 per folder). Letters and text we do not interpret are
//!   kept.
//! - UIDs, UIDVALIDITY and the mailbox GUID (the [`MailboxId`]) come from `dovecot-uidlist`,
//!   written under `dovecot-uidlist.lock`; unique names carry `,S=<size>,W=<CRLF size>`.
//!   A file's mtime is its INTERNALDATE, its ctime the SAVEDATE.
//! - Delivery is crash-safe: the message is written to `tmp/` and fsynced, renamed into
//!   `new/` (or `cur/` when it has flags), the directory is fsynced, and only then is the
//!   UID recorded (and fsynced) and the call returns. A message is never visible half written.
//! - MODSEQs persist in each folder's `mailwire-modseq` log, which Dovecot ignores. Changes
//!   made by other programs (Dovecot setting a flag, an MTA dropping a file into `new/`) are
//!   noticed by the next operation and get MODSEQs then.
//! - Messages are stored with CRLF line endings (`S=` equals `W=`); files with bare LF, as
//!   Dovecot writes them, are served with CRLF.
//! - All file I/O runs on the `blocking` crate's thread pool: no executor thread ever blocks.
//!
//! - The EMAILID of a message is the unique part of its first file name; copies and moves
//!   carry it in the uidlist's `G` field, as Dovecot does for message GUIDs.
//! - Change hints ([`Account::watch`]) come at once for changes made through this process and,
//!   while someone watches, within [`MaildirConfig::poll_interval`] for changes made by other
//!   programs; `changes_since` sees everything either way.
//!
//! Not kept on disk in a Dovecot format: subscriptions and special-use attributes (Dovecot
//! keeps these in its configuration and its own `subscriptions` file); they go to
//! `mailwire-unsubscribed` and `mailwire-special-use` in the Maildir root. Keywords beyond 26
//! per folder are refused (Dovecot keeps extra ones only in its index).

mod dotlock;
mod folder;
mod names;
mod uidlist;

use std::collections::HashMap;
use std::fs;
use std::future::Future;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicU32;

use bytes::Bytes;
use parking_lot::Mutex;

use self::folder::{Folder, Msg, Staged, UIDLIST, WriteOptions};
use crate::{
    Account, AccountId, AppendOptions, Appended, BodyStream, CanonicalMessage, Changes, Clock,
    CopyMap, Delivery, EmailId, ErrorKind, ExpungeFilter, Expunged, Features, FlagChange, FlagOp,
    FlagUpdate, Flags, HIERARCHY_DELIMITER, INBOX, MailboxId, MailboxInfo, MailboxStatus, Maildrop,
    MaildropEntry, MaildropLockTable, MessageMeta, ModSeq, Moved, Notifier, Quota, Result,
    Snapshot, SpecialUse, Store, StoreError, SystemClock, SystemFlag, Uid, UidSet, UidValidity,
    UnixTime, Vanished, Watcher, clamp_range, default_pop3_uidl, normalize_mailbox_name,
};

const UNSUBSCRIBED: &str = "mailwire-unsubscribed";
const SPECIAL_USE: &str = "mailwire-special-use";
const CHUNK: usize = 64 * 1024;

/// Settings of a [`MaildirStore`].
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct MaildirConfig {
    /// Where "now" comes from (INTERNALDATE of appends without one, UIDVALIDITY, names).
    pub clock: Arc<dyn Clock>,
    /// fsync files and directories on delivery (turn off only for throwaway stores).
    pub fsync: bool,
    /// The host part of unique file names.
    pub hostname: String,
    /// Per-account storage limit in octets.
    pub quota_bytes: Option<u64>,
    /// Per-account limit in messages.
    pub quota_messages: Option<u64>,
    /// How many expunged UIDs each folder remembers for QRESYNC.
    pub vanished_retention: usize,
    /// While someone watches an account ([`Account::watch`]), look for changes made by other
    /// programs (Dovecot, an MTA, `maildir-deliver`) this often and publish hints for them;
    /// `None` publishes hints for this process's own changes only.
    pub poll_interval: Option<std::time::Duration>,
}

impl Default for MaildirConfig {
    fn default() -> Self {
        let hostname = fs::read_to_string("/proc/sys/kernel/hostname")
            .or_else(|_| fs::read_to_string("/etc/hostname"))
            .map(|h| h.trim().to_owned())
            .ok()
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "localhost".to_owned());
        Self {
            clock: Arc::new(SystemClock),
            fsync: true,
            hostname,
            quota_bytes: None,
            quota_messages: None,
            vanished_retention: 100_000,
            poll_interval: Some(std::time::Duration::from_secs(1)),
        }
    }
}

impl MaildirConfig {
    /// Builder: the clock.
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Builder: whether to fsync.
    #[must_use]
    pub const fn with_fsync(mut self, fsync: bool) -> Self {
        self.fsync = fsync;
        self
    }

    /// Builder: per-account limits.
    #[must_use]
    pub const fn with_quota(mut self, bytes: Option<u64>, messages: Option<u64>) -> Self {
        self.quota_bytes = bytes;
        self.quota_messages = messages;
        self
    }

    /// Builder: how often watched accounts look for outside changes.
    #[must_use]
    pub const fn with_poll_interval(mut self, every: Option<std::time::Duration>) -> Self {
        self.poll_interval = every;
        self
    }
}

#[derive(Debug, Clone)]
enum Layout {
    Single(PathBuf),
    PerAccount(PathBuf),
}

#[derive(Debug)]
struct Inner {
    layout: Layout,
    config: MaildirConfig,
    floor: Arc<AtomicU32>,
    accounts: Mutex<HashMap<AccountId, Arc<Shared>>>,
}

/// A store of Dovecot-compatible Maildirs. Clones share state.
#[derive(Debug, Clone)]
pub struct MaildirStore {
    inner: Arc<Inner>,
}

impl MaildirStore {
    /// One Maildir at `path`, opened for whatever account is asked for (a program such as
    /// `maildir-deliver` working on one user's Maildir).
    #[must_use]
    pub fn single(path: impl Into<PathBuf>, config: MaildirConfig) -> Self {
        Self::with_layout(Layout::Single(path.into()), config)
    }

    /// One Maildir per account at `root/<account>/`, created on first use.
    #[must_use]
    pub fn per_account(root: impl Into<PathBuf>, config: MaildirConfig) -> Self {
        Self::with_layout(Layout::PerAccount(root.into()), config)
    }

    fn with_layout(layout: Layout, config: MaildirConfig) -> Self {
        Self {
            inner: Arc::new(Inner {
                layout,
                config,
                floor: Arc::default(),
                accounts: Mutex::default(),
            }),
        }
    }

    fn shared(&self, id: &AccountId) -> Result<Arc<Shared>> {
        if let Some(s) = self.inner.accounts.lock().get(id) {
            return Ok(Arc::clone(s));
        }
        let root = match &self.inner.layout {
            Layout::Single(p) => p.clone(),
            Layout::PerAccount(root) => {
                let name = id.as_str();
                if name.is_empty() || name.starts_with('.') || name.contains(['/', '\0']) {
                    return Err(StoreError::invalid(format!("account name {name:?}")));
                }
                root.join(name)
            }
        };
        let cfg = &self.inner.config;
        let shared = Arc::new(Shared {
            id: id.clone(),
            root,
            opts: WriteOptions {
                fsync: cfg.fsync,
                hostname: cfg.hostname.clone(),
                clock: Arc::clone(&cfg.clock),
                vanished_retention: cfg.vanished_retention,
                uidvalidity_floor: Arc::clone(&self.inner.floor),
            },
            quota_bytes: cfg.quota_bytes,
            quota_messages: cfg.quota_messages,
            notifier: Notifier::new(),
            maildrop: MaildropLockTable::new(),
            folders: Mutex::default(),
            tree: Mutex::new(()),
            poll_interval: cfg.poll_interval,
            polling: std::sync::atomic::AtomicBool::new(false),
        });
        Ok(Arc::clone(
            self.inner
                .accounts
                .lock()
                .entry(id.clone())
                .or_insert(shared),
        ))
    }
}

impl Store for MaildirStore {
    type Account = MaildirAccount;

    async fn open_account(&self, account: &AccountId) -> Result<MaildirAccount> {
        let shared = self.shared(account)?;
        let s = Arc::clone(&shared);
        blocking::unblock(move || {
            Folder::ensure_dirs(&s.root)?;
            s.folder_at(s.root.clone()).map(|_| ())
        })
        .await?;
        Ok(MaildirAccount { shared })
    }

    async fn deliver(&self, message: Bytes, recipients: &[Delivery]) -> Vec<Result<Appended>> {
        let message = Arc::new(CanonicalMessage::new(message));
        let now = self.inner.config.clock.now();
        // The message is written and synced once; every recipient gets a hard link to it.
        let mut master: Option<Arc<Staged>> = None;
        let mut out = Vec::with_capacity(recipients.len());
        for r in recipients {
            let one = async {
                let account = self.open_account(&r.account).await?;
                let name = r.mailbox.as_deref().unwrap_or(INBOX);
                let id = account.mailbox(name).await?.id;
                let shared = Arc::clone(&account.shared);
                let (message, flags, have) =
                    (Arc::clone(&message), r.flags.clone(), master.clone());
                let (appended, staged) = blocking::unblock(move || {
                    shared.check_quota(message.size(), 1)?;
                    let f = shared.folder(id)?;
                    let dir = f.lock().dir.clone();
                    let master = match have {
                        Some(m) => m,
                        None => Arc::new(Staged::write(&dir, &message, now, &shared.opts)?),
                    };
                    let staged = master.link_into(&dir, &shared.opts)?;
                    let appended = commit(id, &f, &staged, &flags)?;
                    Ok::<_, StoreError>((appended, master))
                })
                .await?;
                master = Some(staged);
                account.shared.notifier.notify(id, appended.modseq);
                Ok(appended)
            };
            out.push(one.await);
        }
        out
    }
}

/// Moves a staged message into a folder and reports where it landed.
fn commit(id: MailboxId, f: &FolderRef, staged: &Staged, flags: &Flags) -> Result<Appended> {
    let mut f = f.lock();
    let (u, modseq) = f.locked(|f| f.commit_staged(staged, flags))?;
    let (uidvalidity, _, _) = ids(&f)?;
    Ok(Appended {
        mailbox: id,
        uidvalidity,
        uid: uid(u)?,
        modseq: ModSeq::new(modseq).unwrap_or(ModSeq::MIN),
    })
}

type FolderRef = Arc<Mutex<Folder>>;

#[derive(Debug)]
struct Shared {
    id: AccountId,
    root: PathBuf,
    opts: WriteOptions,
    quota_bytes: Option<u64>,
    quota_messages: Option<u64>,
    notifier: Notifier,
    maildrop: MaildropLockTable,
    folders: Mutex<HashMap<MailboxId, FolderRef>>,
    /// Serialises create, rename and delete in this process.
    tree: Mutex<()>,
    poll_interval: Option<std::time::Duration>,
    polling: std::sync::atomic::AtomicBool,
}

/// The mailbox GUID from the uidlist header (the first line only: the file can be large).
fn read_guid(dir: &Path) -> Option<u128> {
    use std::io::BufRead as _;
    let mut header = String::new();
    std::io::BufReader::new(fs::File::open(dir.join(UIDLIST)).ok()?)
        .read_line(&mut header)
        .ok()?;
    let header = header.trim_end();
    header
        .split(' ')
        .find_map(|f| f.strip_prefix('G'))
        .and_then(|g| u128::from_str_radix(g, 16).ok())
        .filter(|&g| g != 0)
}

fn gone(id: MailboxId) -> StoreError {
    StoreError::not_found(format!("no mailbox {id}"))
}

fn read_lines(path: &Path) -> Vec<String> {
    fs::read_to_string(path)
        .map(|t| t.lines().map(str::to_owned).collect())
        .unwrap_or_default()
}

fn write_lines(path: &Path, lines: &[String]) -> Result<()> {
    let mut text = lines.join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    let tmp = path.with_extension("tmp");
    fs::write(&tmp, text)
        .and_then(|()| fs::rename(&tmp, path))
        .map_err(|e| StoreError::io(format!("write {}", path.display()), e))
}

impl Shared {
    fn dir_of(&self, name: &str) -> Result<PathBuf> {
        Ok(match names::folder_dir(name)? {
            None => self.root.clone(),
            Some(d) => self.root.join(d),
        })
    }

    /// Every folder: `(name, dir)`, INBOX first.
    fn tree(&self) -> Result<Vec<(String, PathBuf)>> {
        let mut out = vec![(INBOX.to_owned(), self.root.clone())];
        let rd = fs::read_dir(&self.root)
            .map_err(|e| StoreError::io(format!("read {}", self.root.display()), e))?;
        let mut rest = Vec::new();
        for entry in rd.flatten() {
            let Ok(file) = entry.file_name().into_string() else {
                continue;
            };
            if !entry.path().join("cur").is_dir() {
                continue;
            }
            if let Some(name) = names::folder_name(&file)
                && name != INBOX
            {
                rest.push((name, entry.path()));
            }
        }
        rest.sort();
        out.extend(rest);
        Ok(out)
    }

    /// The folder at `dir`, loaded (which writes a uidlist if it has none).
    fn folder_at(&self, dir: PathBuf) -> Result<(MailboxId, FolderRef)> {
        if let Some(g) = read_guid(&dir) {
            let id = MailboxId::from_u128(g);
            if let Some(f) = self.folders.lock().get(&id).cloned() {
                f.lock().dir = dir;
                return Ok((id, f));
            }
        }
        let mut folder = Folder::new(dir, self.opts.clone());
        folder.refresh()?;
        let id = MailboxId::from_u128(folder.guid);
        let f = Arc::new(Mutex::new(folder));
        let f = Arc::clone(self.folders.lock().entry(id).or_insert(f));
        Ok((id, f))
    }

    fn folder(&self, id: MailboxId) -> Result<FolderRef> {
        let known = self.folders.lock().get(&id).cloned();
        if let Some(f) = known {
            let dir = f.lock().dir.clone();
            if dir.join("cur").is_dir() && read_guid(&dir) == Some(id.as_u128()) {
                return Ok(f);
            }
        }
        // Renamed or deleted behind our back: look for the GUID.
        for (_, dir) in self.tree()? {
            if read_guid(&dir) == Some(id.as_u128()) {
                return self.folder_at(dir).map(|(_, f)| f);
            }
        }
        self.folders.lock().remove(&id);
        Err(gone(id))
    }

    fn by_name(&self, name: &str) -> Result<(MailboxId, FolderRef)> {
        let name = normalize_mailbox_name(name)?;
        let dir = self.dir_of(&name)?;
        if !dir.join("cur").is_dir() {
            return Err(StoreError::not_found(format!("no mailbox {name:?}")));
        }
        self.folder_at(dir)
    }

    fn special_uses(&self) -> HashMap<MailboxId, SpecialUse> {
        read_lines(&self.root.join(SPECIAL_USE))
            .iter()
            .filter_map(|l| {
                let (g, u) = l.split_once(' ')?;
                Some((
                    MailboxId::from_u128(u128::from_str_radix(g, 16).ok()?),
                    SpecialUse::from_imap(u)?,
                ))
            })
            .collect()
    }

    fn info(&self, name: String, id: MailboxId, all: &[(String, PathBuf)]) -> MailboxInfo {
        let prefix = format!("{name}{HIERARCHY_DELIMITER}");
        let unsub = read_lines(&self.root.join(UNSUBSCRIBED));
        let special = self.special_uses().get(&id).copied().or_else(|| {
            match name.rsplit(HIERARCHY_DELIMITER).next().unwrap_or("") {
                "Sent" => Some(SpecialUse::Sent),
                "Drafts" => Some(SpecialUse::Drafts),
                "Trash" => Some(SpecialUse::Trash),
                "Junk" | "Spam" => Some(SpecialUse::Junk),
                "Archive" => Some(SpecialUse::Archive),
                _ => None,
            }
        });
        MailboxInfo {
            id,
            has_children: all.iter().any(|(n, _)| n.starts_with(&prefix)),
            subscribed: !unsub.contains(&id.to_string()),
            special_use: special,
            name,
        }
    }

    fn name_of(&self, dir: &Path) -> String {
        if dir == self.root {
            return INBOX.to_owned();
        }
        dir.file_name()
            .and_then(|f| f.to_str())
            .and_then(names::folder_name)
            .unwrap_or_default()
    }

    fn usage(&self) -> Result<(u64, u64)> {
        let (mut bytes, mut count) = (0, 0);
        for (_, dir) in self.tree()? {
            let (_, f) = self.folder_at(dir)?;
            let mut f = f.lock();
            f.refresh()?;
            bytes += f.msgs.values().map(|m| m.size).sum::<u64>();
            count += f.msgs.len() as u64;
        }
        Ok((bytes, count))
    }

    fn check_quota(&self, bytes: u64, messages: u64) -> Result<()> {
        if self.quota_bytes.is_none() && self.quota_messages.is_none() {
            return Ok(());
        }
        let (b, m) = self.usage()?;
        let q = Quota {
            used_bytes: b,
            limit_bytes: self.quota_bytes,
            used_messages: m,
            limit_messages: self.quota_messages,
        };
        let fits = self.quota_bytes.is_none_or(|l| b + bytes <= l)
            && self.quota_messages.is_none_or(|l| m + messages <= l);
        if fits && q.allows(0) {
            Ok(())
        } else {
            Err(StoreError::new(ErrorKind::OverQuota, "quota exceeded"))
        }
    }
}

fn meta(f: &Folder, uid: u32, m: &Msg) -> Option<MessageMeta> {
    let uid = Uid::new(uid)?;
    let v = UidValidity::new(f.uidvalidity)?;
    Some(MessageMeta {
        uid,
        modseq: ModSeq::new(m.modseq)?,
        flags: f.flags_of(m.info.as_deref()),
        internal_date: UnixTime(m.mtime),
        saved_date: UnixTime(m.ctime),
        size: m.size,
        header_len: m.header_len,
        pop3_uidl: m
            .stored_uidl()
            .map_or_else(|| default_pop3_uidl(uid, v), str::to_owned),
        email_id: EmailId::new(m.email_id()),
    })
}

fn ids(f: &Folder) -> Result<(UidValidity, Uid, ModSeq)> {
    let bad = || StoreError::new(ErrorKind::Permanent, "corrupt folder state");
    Ok((
        UidValidity::new(f.uidvalidity).ok_or_else(bad)?,
        Uid::new(f.next_uid).ok_or_else(bad)?,
        ModSeq::new(f.highest).ok_or_else(bad)?,
    ))
}

fn selected(f: &Folder, uids: &UidSet) -> Vec<u32> {
    uids.ranges()
        .flat_map(|(a, b)| f.msgs.range(a.get()..=b.get()).map(|(u, _)| *u))
        .collect()
}

/// Starts (once) a thread that, while anyone watches the account, refreshes the folders this
/// process has opened and publishes a hint when one moved on because of another program.
/// It holds only a weak reference and stops when the watchers are gone.
fn start_poller(shared: &Arc<Shared>) {
    use std::sync::atomic::Ordering;
    let Some(every) = shared.poll_interval else {
        return;
    };
    if shared.polling.swap(true, Ordering::AcqRel) {
        return;
    }
    let weak = Arc::downgrade(shared);
    let spawned = std::thread::Builder::new()
        .name("maildir-poll".to_owned())
        .spawn(move || {
            loop {
                std::thread::sleep(every);
                let Some(shared) = weak.upgrade() else {
                    return;
                };
                if !shared.notifier.has_watchers() {
                    shared.polling.store(false, Ordering::Release);
                    // A watcher that arrived between the check and the store saw `polling`
                    // still true and started nobody: take the job back.
                    if shared.notifier.has_watchers()
                        && !shared.polling.swap(true, Ordering::AcqRel)
                    {
                        continue;
                    }
                    return;
                }
                let folders: Vec<(MailboxId, FolderRef)> = shared
                    .folders
                    .lock()
                    .iter()
                    .map(|(id, f)| (*id, Arc::clone(f)))
                    .collect();
                for (id, f) in folders {
                    let mut f = f.lock();
                    let before = f.highest;
                    if f.refresh().is_ok() && f.highest > before {
                        let modseq = ModSeq::new(f.highest).unwrap_or(ModSeq::MIN);
                        drop(f);
                        shared.notifier.notify(id, modseq);
                    }
                }
            }
        });
    if spawned.is_err() {
        shared.polling.store(false, Ordering::Release);
    }
}

/// Reads `range` of `file` in chunks, each on the blocking pool.
fn stream_file(
    file: fs::File,
    range: Range<u64>,
) -> impl futures_lite::Stream<Item = Result<Bytes>> + Send + 'static {
    futures_lite::stream::unfold(Some((file, range.start, range.end)), |state| async move {
        let (file, pos, end) = state?;
        if pos >= end {
            return None;
        }
        let n = usize::try_from((end - pos).min(CHUNK as u64)).unwrap_or(CHUNK);
        let read = blocking::unblock(move || {
            use std::os::unix::fs::FileExt as _;
            let mut buf = vec![0; n];
            file.read_exact_at(&mut buf, pos).map(|()| (file, buf))
        })
        .await;
        Some(match read {
            Ok((file, buf)) => (Ok(Bytes::from(buf)), Some((file, pos + n as u64, end))),
            Err(e) => (Err(StoreError::io("read message", e)), None),
        })
    })
}

fn uid(n: u32) -> Result<Uid> {
    Uid::new(n).ok_or_else(|| StoreError::new(ErrorKind::Permanent, "zero UID"))
}

/// One account of a [`MaildirStore`].
#[derive(Debug, Clone)]
pub struct MaildirAccount {
    shared: Arc<Shared>,
}

impl MaildirAccount {
    fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Shared) -> Result<T> + Send + 'static,
    ) -> impl Future<Output = Result<T>> + Send + 'static {
        let shared = Arc::clone(&self.shared);
        blocking::unblock(move || f(&shared))
    }

    fn transfer(
        &self,
        source: MailboxId,
        uids: &UidSet,
        dest: MailboxId,
        rename: bool,
    ) -> impl Future<Output = Result<(CopyMap, Expunged)>> + Send + 'static {
        let uids = uids.clone();
        let shared = Arc::clone(&self.shared);
        async move {
            let (map, expunged, src_modseq, dst_modseq) = blocking::unblock({
                let shared = Arc::clone(&shared);
                move || transfer(&shared, source, &uids, dest, rename)
            })
            .await?;
            if !map.pairs.is_empty() {
                shared.notifier.notify(dest, dst_modseq);
                if rename {
                    shared.notifier.notify(source, src_modseq);
                }
            }
            Ok((map, expunged))
        }
    }
}

#[allow(clippy::type_complexity)]
fn transfer(
    shared: &Shared,
    source: MailboxId,
    uids: &UidSet,
    dest: MailboxId,
    rename: bool,
) -> Result<(CopyMap, Expunged, ModSeq, ModSeq)> {
    let src = shared.folder(source)?;
    let dst = shared.folder(dest)?;
    if !rename {
        let size: u64 = {
            let mut s = src.lock();
            s.refresh()?;
            selected(&s, uids)
                .iter()
                .filter_map(|u| s.msgs.get(u))
                .map(|m| m.size)
                .sum()
        };
        shared.check_quota(size, 0)?;
    }
    let mut pairs = Vec::new();
    let mut gone = Vec::new();
    let place = |s: &mut Folder,
                 d: &mut Folder,
                 pairs: &mut Vec<(Uid, Uid)>,
                 gone: &mut Vec<u32>|
     -> Result<()> {
        for u in selected(s, uids) {
            let Some(m) = s.msgs.get(&u).cloned() else {
                continue;
            };
            let flags = s.flags_of(m.info.as_deref());
            let path = m.path(&s.dir);
            let (new_uid, _) = d.adopt(&path, &m, &flags, rename)?;
            pairs.push((uid(u)?, uid(new_uid)?));
            gone.push(u);
        }
        Ok(())
    };
    let (src_modseq, dst_modseq, dst_v, expunged);
    if Arc::ptr_eq(&src, &dst) {
        let mut f = src.lock();
        f.locked(|f| {
            // Within one folder: stage through a copy of the state, then place.
            let snapshot: Vec<(u32, Msg, Flags)> = selected(f, uids)
                .into_iter()
                .filter_map(|u| {
                    let m = f.msgs.get(&u)?.clone();
                    let flags = f.flags_of(m.info.as_deref());
                    Some((u, m, flags))
                })
                .collect();
            let dir = f.dir.clone();
            for (u, m, flags) in snapshot {
                let (new_uid, _) = f.adopt(&m.path(&dir), &m, &flags, rename)?;
                pairs.push((uid(u)?, uid(new_uid)?));
                gone.push(u);
            }
            if rename {
                f.forget(&gone)?;
            }
            Ok(())
        })?;
        let (v, _, h) = ids(&f)?;
        (src_modseq, dst_modseq, dst_v) = (h, h, v);
    } else {
        // Lock both in path order, in-process and on disk, so opposite moves cannot deadlock.
        let src_dir = src.lock().dir.clone();
        let dst_dir = dst.lock().dir.clone();
        let src_first = src_dir <= dst_dir;
        let (first, second) = if src_first {
            (&src, &dst)
        } else {
            (&dst, &src)
        };
        let mut g1 = first.lock();
        let mut g2 = second.lock();
        let (s, d): (&mut Folder, &mut Folder) = if src_first {
            (&mut g1, &mut g2)
        } else {
            (&mut g2, &mut g1)
        };
        let forget = |s: &mut Folder, gone: &[u32]| if rename { s.forget(gone) } else { Ok(()) };
        if src_first {
            s.locked(|s| {
                d.locked(|d| place(s, d, &mut pairs, &mut gone))?;
                forget(s, &gone)
            })?;
        } else {
            d.locked(|d| {
                s.locked(|s| {
                    place(s, d, &mut pairs, &mut gone)?;
                    forget(s, &gone)
                })
            })?;
        }
        let (v, _, dh) = ids(d)?;
        let (_, _, sh) = ids(s)?;
        (src_modseq, dst_modseq, dst_v) = (sh, dh, v);
    }
    expunged = Expunged {
        uids: if rename {
            gone.iter().filter_map(|u| Uid::new(*u)).collect()
        } else {
            UidSet::new()
        },
        highest_modseq: src_modseq,
    };
    Ok((
        CopyMap {
            uidvalidity: dst_v,
            pairs,
        },
        expunged,
        src_modseq,
        dst_modseq,
    ))
}

impl Account for MaildirAccount {
    fn id(&self) -> &AccountId {
        &self.shared.id
    }

    fn features(&self) -> Features {
        Features {
            persistent_modseq: true,
            keywords_creatable: true,
            max_keywords: Some(26),
        }
    }

    fn list_mailboxes(&self) -> impl Future<Output = Result<Vec<MailboxInfo>>> + Send {
        self.run(|s| {
            let all = s.tree()?;
            let mut out = Vec::with_capacity(all.len());
            for (name, dir) in &all {
                let (id, _) = s.folder_at(dir.clone())?;
                out.push(s.info(name.clone(), id, &all));
            }
            Ok(out)
        })
    }

    fn mailbox(&self, name: &str) -> impl Future<Output = Result<MailboxInfo>> + Send {
        let name = name.to_owned();
        self.run(move |s| {
            let (id, f) = s.by_name(&name)?;
            let dir = f.lock().dir.clone();
            Ok(s.info(s.name_of(&dir), id, &s.tree()?))
        })
    }

    fn create_mailbox(
        &self,
        name: &str,
        special_use: Option<SpecialUse>,
    ) -> impl Future<Output = Result<MailboxInfo>> + Send {
        let name = name.to_owned();
        let notifier = self.shared.notifier.clone();
        let work = self.run(move |s| {
            let name = normalize_mailbox_name(&name)?;
            let _tree = s.tree.lock();
            let dir = s.dir_of(&name)?;
            if dir.join("cur").is_dir() {
                return Err(StoreError::new(
                    ErrorKind::AlreadyExists,
                    format!("mailbox {name:?} exists"),
                ));
            }
            let levels: Vec<&str> = name.split(HIERARCHY_DELIMITER).collect();
            for n in 1..=levels.len() {
                let partial = levels[..n].join(&HIERARCHY_DELIMITER.to_string());
                let d = s.dir_of(&partial)?;
                if !d.join("cur").is_dir() {
                    Folder::ensure_dirs(&d)?;
                    let _ = fs::write(d.join("maildirfolder"), b"");
                    s.folder_at(d)?;
                }
            }
            let (id, _) = s.folder_at(dir)?;
            if let Some(u) = special_use {
                let path = s.root.join(SPECIAL_USE);
                let mut lines = read_lines(&path);
                lines.push(format!("{id} {}", u.as_imap()));
                write_lines(&path, &lines)?;
            }
            Ok(s.info(name, id, &s.tree()?))
        });
        async move {
            let info = work.await?;
            notifier.notify(info.id, ModSeq::MIN);
            Ok(info)
        }
    }

    fn rename_mailbox(
        &self,
        id: MailboxId,
        new_name: &str,
    ) -> impl Future<Output = Result<()>> + Send {
        let new_name = new_name.to_owned();
        let notifier = self.shared.notifier.clone();
        let work = self.run(move |s| {
            let new_name = normalize_mailbox_name(&new_name)?;
            let _tree = s.tree.lock();
            let f = s.folder(id)?;
            let old_dir = f.lock().dir.clone();
            if old_dir == s.root {
                return Err(StoreError::invalid("renaming INBOX is not supported"));
            }
            let new_dir = s.dir_of(&new_name)?;
            if new_dir.join("cur").is_dir() || new_name == INBOX {
                return Err(StoreError::new(
                    ErrorKind::AlreadyExists,
                    format!("mailbox {new_name:?} exists"),
                ));
            }
            let old_name = s.name_of(&old_dir);
            if new_name.starts_with(&format!("{old_name}{HIERARCHY_DELIMITER}")) {
                return Err(StoreError::invalid("cannot rename a mailbox below itself"));
            }
            let levels: Vec<&str> = new_name.split(HIERARCHY_DELIMITER).collect();
            for n in 1..levels.len() {
                let d = s.dir_of(&levels[..n].join(&HIERARCHY_DELIMITER.to_string()))?;
                if !d.join("cur").is_dir() {
                    Folder::ensure_dirs(&d)?;
                    s.folder_at(d)?;
                }
            }
            let old_file = old_dir
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_owned();
            let new_file = new_dir
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_owned();
            let mut moves = vec![(old_dir.clone(), new_dir.clone())];
            for (_, dir) in s.tree()? {
                let file = dir
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or("")
                    .to_owned();
                if let Some(rest) = file.strip_prefix(&format!("{old_file}.")) {
                    moves.push((dir.clone(), s.root.join(format!("{new_file}.{rest}"))));
                }
            }
            for (from, to) in &moves {
                fs::rename(from, to)
                    .map_err(|e| StoreError::io(format!("rename {}", from.display()), e))?;
            }
            for (_, to) in moves {
                s.folder_at(to)?;
            }
            let h = f.lock().highest;
            Ok(ModSeq::new(h).unwrap_or(ModSeq::MIN))
        });
        async move {
            let modseq = work.await?;
            notifier.notify(id, modseq);
            Ok(())
        }
    }

    fn delete_mailbox(&self, id: MailboxId) -> impl Future<Output = Result<()>> + Send {
        let notifier = self.shared.notifier.clone();
        let work = self.run(move |s| {
            let _tree = s.tree.lock();
            let f = s.folder(id)?;
            let dir = f.lock().dir.clone();
            if dir == s.root {
                return Err(StoreError::invalid("INBOX cannot be deleted"));
            }
            fs::remove_dir_all(&dir)
                .map_err(|e| StoreError::io(format!("delete {}", dir.display()), e))?;
            s.folders.lock().remove(&id);
            let h = f.lock().highest + 1;
            Ok(ModSeq::new(h).unwrap_or(ModSeq::MIN))
        });
        async move {
            let modseq = work.await?;
            notifier.notify(id, modseq);
            Ok(())
        }
    }

    fn set_subscribed(
        &self,
        id: MailboxId,
        subscribed: bool,
    ) -> impl Future<Output = Result<()>> + Send {
        self.run(move |s| {
            s.folder(id)?;
            let path = s.root.join(UNSUBSCRIBED);
            let mut lines = read_lines(&path);
            let key = id.to_string();
            lines.retain(|l| *l != key);
            if !subscribed {
                lines.push(key);
            }
            write_lines(&path, &lines)
        })
    }

    fn status(&self, id: MailboxId) -> impl Future<Output = Result<MailboxStatus>> + Send {
        self.run(move |s| {
            let f = s.folder(id)?;
            let mut f = f.lock();
            f.refresh()?;
            let (uidvalidity, uidnext, highest_modseq) = ids(&f)?;
            let (mut unseen, mut deleted, mut size) = (0, 0, 0);
            for m in f.msgs.values() {
                let flags = f.flags_of(m.info.as_deref());
                unseen += u32::from(!flags.contains(SystemFlag::Seen));
                deleted += u32::from(flags.contains(SystemFlag::Deleted));
                size += m.size;
            }
            Ok(MailboxStatus {
                id,
                messages: u32::try_from(f.msgs.len()).unwrap_or(u32::MAX),
                uidnext,
                uidvalidity,
                unseen,
                deleted,
                size,
                highest_modseq,
            })
        })
    }

    fn snapshot(&self, id: MailboxId) -> impl Future<Output = Result<Snapshot>> + Send {
        self.run(move |s| {
            let f = s.folder(id)?;
            let mut f = f.lock();
            f.refresh()?;
            let (uidvalidity, uidnext, highest_modseq) = ids(&f)?;
            Ok(Snapshot {
                id,
                uidvalidity,
                uidnext,
                highest_modseq,
                uids: f.msgs.keys().filter_map(|u| Uid::new(*u)).collect(),
                keywords: f
                    .keywords
                    .iter()
                    .filter_map(|k| crate::Keyword::new(k).ok())
                    .collect(),
            })
        })
    }

    fn fetch_meta(
        &self,
        id: MailboxId,
        uids: &UidSet,
    ) -> impl Future<Output = Result<Vec<MessageMeta>>> + Send {
        let uids = uids.clone();
        self.run(move |s| {
            let f = s.folder(id)?;
            let mut f = f.lock();
            f.refresh()?;
            Ok(selected(&f, &uids)
                .into_iter()
                .filter_map(|u| meta(&f, u, f.msgs.get(&u)?))
                .collect())
        })
    }

    fn read_body(
        &self,
        id: MailboxId,
        uid: Uid,
        range: Option<Range<u64>>,
    ) -> impl Future<Output = Result<BodyStream>> + Send {
        let opened = self.run(move |s| {
            let f = s.folder(id)?;
            let locate = |f: &mut Folder| -> Result<(PathBuf, Msg)> {
                f.refresh()?;
                let m =
                    f.msgs.get(&uid.get()).cloned().ok_or_else(|| {
                        StoreError::not_found(format!("no message with UID {uid}"))
                    })?;
                Ok((m.path(&f.dir), m))
            };
            let (path, m) = locate(&mut f.lock())?;
            let file = match fs::File::open(&path) {
                Ok(file) => file,
                // Renamed by a flag change elsewhere: look again once.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    let (path, m2) = locate(&mut f.lock())?;
                    let file = fs::File::open(&path)
                        .map_err(|e| StoreError::io(format!("open {}", path.display()), e))?;
                    return Ok((file, m2));
                }
                Err(e) => return Err(StoreError::io(format!("open {}", path.display()), e)),
            };
            Ok((file, m))
        });
        async move {
            let (file, m) = opened.await?;
            if m.phys == m.size {
                // CRLF on disk (what we write): stream the range straight from the file, one
                // chunk per blocking read, never the whole message in memory.
                let r = clamp_range(range, m.size);
                return Ok(BodyStream::new(stream_file(file, r)));
            }
            // Bare LF on disk (what Dovecot writes): canonicalise the whole message.
            let bytes = blocking::unblock(move || {
                let mut file = file;
                let mut buf = Vec::new();
                std::io::Read::read_to_end(&mut file, &mut buf)
                    .map_err(|e| StoreError::io("read message", e))?;
                Ok::<_, StoreError>(CanonicalMessage::new(Bytes::from(buf)).bytes().clone())
            })
            .await?;
            let r = clamp_range(range, bytes.len() as u64);
            let body = bytes.slice(
                usize::try_from(r.start).unwrap_or(usize::MAX)
                    ..usize::try_from(r.end).unwrap_or(usize::MAX),
            );
            let chunks: Vec<Result<Bytes>> = (0..body.len())
                .step_by(CHUNK)
                .map(|i| Ok(body.slice(i..(i + CHUNK).min(body.len()))))
                .collect();
            Ok(BodyStream::new(futures_lite::stream::iter(chunks)))
        }
    }

    fn append(
        &self,
        id: MailboxId,
        message: Bytes,
        options: AppendOptions,
    ) -> impl Future<Output = Result<Appended>> + Send {
        let notifier = self.shared.notifier.clone();
        let work = self.run(move |s| {
            let message = CanonicalMessage::new(message);
            s.check_quota(message.size(), 1)?;
            let f = s.folder(id)?;
            let dir = f.lock().dir.clone();
            let date = options.internal_date.unwrap_or_else(|| s.opts.clock.now());
            let staged = Staged::write(&dir, &message, date, &s.opts)?;
            commit(id, &f, &staged, &options.flags)
        });
        async move {
            let a = work.await?;
            notifier.notify(a.mailbox, a.modseq);
            Ok(a)
        }
    }

    fn store_flags(
        &self,
        id: MailboxId,
        uids: &UidSet,
        op: FlagOp,
        flags: &Flags,
        unchanged_since: Option<ModSeq>,
    ) -> impl Future<Output = Result<FlagUpdate>> + Send {
        let uids = uids.clone();
        let flags = flags.clone();
        let notifier = self.shared.notifier.clone();
        let work = self.run(move |s| {
            let f = s.folder(id)?;
            let mut f = f.lock();
            f.locked(|f| {
                let mut modified = UidSet::new();
                let mut updates = Vec::new();
                for u in selected(f, &uids) {
                    let Some(m) = f.msgs.get(&u) else { continue };
                    if unchanged_since.is_some_and(|x| m.modseq > x.get()) {
                        modified.insert(uid(u)?);
                        continue;
                    }
                    let old = f.flags_of(m.info.as_deref());
                    let new = old.apply(op, &flags);
                    if new != old {
                        updates.push((u, new));
                    }
                }
                let done = f.set_flags(updates)?;
                let modseq = ModSeq::new(f.highest).unwrap_or(ModSeq::MIN);
                let changed = done
                    .into_iter()
                    .filter_map(|(u, flags)| {
                        Some(FlagChange {
                            uid: Uid::new(u)?,
                            flags,
                            modseq,
                        })
                    })
                    .collect();
                Ok(FlagUpdate { changed, modified })
            })
        });
        async move {
            let up = work.await?;
            if let Some(c) = up.changed.first() {
                notifier.notify(id, c.modseq);
            }
            Ok(up)
        }
    }

    fn copy(
        &self,
        source: MailboxId,
        uids: &UidSet,
        dest: MailboxId,
    ) -> impl Future<Output = Result<CopyMap>> + Send {
        let t = self.transfer(source, uids, dest, false);
        async move { t.await.map(|(m, _)| m) }
    }

    fn move_messages(
        &self,
        source: MailboxId,
        uids: &UidSet,
        dest: MailboxId,
    ) -> impl Future<Output = Result<Moved>> + Send {
        let t = self.transfer(source, uids, dest, true);
        async move { t.await.map(|(map, expunged)| Moved { map, expunged }) }
    }

    fn expunge(
        &self,
        id: MailboxId,
        uids: &UidSet,
        filter: ExpungeFilter,
    ) -> impl Future<Output = Result<Expunged>> + Send {
        let uids = uids.clone();
        let notifier = self.shared.notifier.clone();
        let work = self.run(move |s| {
            let f = s.folder(id)?;
            let mut f = f.lock();
            f.locked(|f| {
                let doomed: Vec<u32> = selected(f, &uids)
                    .into_iter()
                    .filter(|u| {
                        filter == ExpungeFilter::Any
                            || f.msgs.get(u).is_some_and(|m| {
                                f.flags_of(m.info.as_deref()).contains(SystemFlag::Deleted)
                            })
                    })
                    .collect();
                let gone = f.expunge(&doomed)?;
                Ok(Expunged {
                    uids: gone.into_iter().filter_map(Uid::new).collect(),
                    highest_modseq: ModSeq::new(f.highest).unwrap_or(ModSeq::MIN),
                })
            })
        });
        async move {
            let out = work.await?;
            if !out.uids.is_empty() {
                notifier.notify(id, out.highest_modseq);
            }
            Ok(out)
        }
    }

    fn changes_since(
        &self,
        id: MailboxId,
        since: ModSeq,
    ) -> impl Future<Output = Result<Changes>> + Send {
        self.run(move |s| {
            let f = s.folder(id)?;
            let mut f = f.lock();
            f.refresh()?;
            let (uidvalidity, _, highest_modseq) = ids(&f)?;
            let since = since.get();
            let mut changed = Vec::new();
            let mut new_uids = UidSet::new();
            for (&u, m) in f.msgs.iter().filter(|(_, m)| m.modseq > since) {
                let uid = uid(u)?;
                changed.push(FlagChange {
                    uid,
                    flags: f.flags_of(m.info.as_deref()),
                    modseq: ModSeq::new(m.modseq).unwrap_or(ModSeq::MIN),
                });
                if m.created > since {
                    new_uids.insert(uid);
                }
            }
            let vanished = if since < f.horizon {
                Vanished::TooOld
            } else {
                Vanished::Uids(
                    f.tombstones
                        .iter()
                        .filter(|(m, _)| *m > since)
                        .filter_map(|(_, u)| Uid::new(*u))
                        .collect(),
                )
            };
            Ok(Changes {
                uidvalidity,
                highest_modseq,
                changed,
                new_uids,
                vanished,
            })
        })
    }

    fn watch(&self) -> Watcher {
        let watcher = self.shared.notifier.watch();
        start_poller(&self.shared);
        watcher
    }

    fn pop3_maildrop(&self) -> impl Future<Output = Result<Maildrop>> + Send {
        let lock = self.shared.maildrop.try_lock();
        self.run(move |s| {
            let lock = lock.ok_or_else(|| StoreError::new(ErrorKind::InUse, "maildrop in use"))?;
            let (id, f) = s.by_name(INBOX)?;
            let mut f = f.lock();
            f.refresh()?;
            let (uidvalidity, _, _) = ids(&f)?;
            let messages = f
                .msgs
                .iter()
                .filter_map(|(&u, m)| {
                    let uid = Uid::new(u)?;
                    Some(MaildropEntry {
                        uid,
                        size: m.size,
                        header_len: m.header_len,
                        uidl: m
                            .stored_uidl()
                            .map_or_else(|| default_pop3_uidl(uid, uidvalidity), str::to_owned),
                    })
                })
                .collect();
            Ok(Maildrop::new(id, uidvalidity, messages, lock))
        })
    }

    fn pop3_commit(
        &self,
        maildrop: Maildrop,
        deleted: &UidSet,
    ) -> impl Future<Output = Result<Expunged>> + Send {
        let work = self.expunge(maildrop.mailbox, deleted, ExpungeFilter::Any);
        async move {
            let out = work.await;
            drop(maildrop);
            out
        }
    }

    fn quota(&self) -> impl Future<Output = Result<Quota>> + Send {
        self.run(|s| {
            let (used_bytes, used_messages) = s.usage()?;
            Ok(Quota {
                used_bytes,
                limit_bytes: s.quota_bytes,
                used_messages,
                limit_messages: s.quota_messages,
            })
        })
    }
}
