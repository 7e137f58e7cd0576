//! One Maildir folder: its files, `dovecot-uidlist`, `dovecot-keywords` and the MODSEQ log,
//! kept in memory and brought up to date whenever the directories change on disk.
//!
//! Everything here runs on a blocking thread, under the folder's in-process mutex; every
//! change to UIDs also holds `dovecot-uidlist.lock` so Dovecot and other mailwire processes
//! see a consistent folder.

use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File, OpenOptions};
use std::io::{Read as _, Write as _};
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use bytes::Bytes;

use super::dotlock::DotLock;
use super::names::{sanitize_host, size_field, split_info};
use super::uidlist::{UidEntry, Uidlist};
use crate::{
    CanonicalMessage, Clock, ErrorKind, Flags, Keyword, Result, StoreError, SystemFlag, UnixTime,
};

pub(crate) const UIDLIST: &str = "dovecot-uidlist";
pub(crate) const KEYWORDS: &str = "dovecot-keywords";
pub(crate) const MODLOG: &str = "mailwire-modseq";
const MAX_KEYWORDS: usize = 26;

/// How the files of the folder are written.
#[derive(Debug, Clone)]
pub(crate) struct WriteOptions {
    pub fsync: bool,
    pub hostname: String,
    pub clock: Arc<dyn Clock>,
    pub vanished_retention: usize,
    /// The last UIDVALIDITY handed out in this process, so a mailbox recreated within the
    /// same second still gets a new one.
    pub uidvalidity_floor: Arc<std::sync::atomic::AtomicU32>,
}

static UNIQUE: AtomicU64 = AtomicU64::new(0);

/// A unique base name `<secs>.M<usec>P<pid>Q<n>.<host>,S=<size>,W=<vsize>`.
fn unique_base(opts: &WriteOptions, size: u64, vsize: u64) -> String {
    let secs = opts.clock.now().seconds();
    // Sub-second part only makes names unique, never dates anything: the counter and pid
    // already do that, the nanoseconds spread names of concurrent processes.
    #[allow(clippy::disallowed_methods)]
    let micros = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_micros());
    let n = UNIQUE.fetch_add(1, Ordering::Relaxed);
    format!(
        "{secs}.M{micros}P{}Q{n}.{},S={size},W={vsize}",
        std::process::id(),
        sanitize_host(&opts.hostname)
    )
}

fn io(context: String) -> impl FnOnce(std::io::Error) -> StoreError {
    move |e| StoreError::io(context, e)
}

fn fsync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io(format!("fsync {}", dir.display())))
}

/// A message file written to `tmp/` and synced, not yet visible.
#[derive(Debug)]
pub(crate) struct Staged {
    tmp: PathBuf,
    base: String,
    size: u64,
    header_len: u64,
    mtime: UnixTime,
}

impl Staged {
    /// Writes the CRLF message into `dir/tmp/`, fsyncs it and sets its mtime to the
    /// INTERNALDATE.
    pub(crate) fn write(
        dir: &Path,
        message: &CanonicalMessage,
        internal_date: UnixTime,
        opts: &WriteOptions,
    ) -> Result<Self> {
        let base = unique_base(opts, message.size(), message.size());
        let tmp = dir.join("tmp").join(&base);
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(io(format!("create {}", tmp.display())))?;
        let written = f
            .write_all(message.bytes())
            .and_then(|()| f.set_modified(internal_date.to_system()))
            .and_then(|()| if opts.fsync { f.sync_all() } else { Ok(()) });
        if let Err(e) = written {
            let _ = fs::remove_file(&tmp);
            return Err(StoreError::io(format!("write {}", tmp.display()), e));
        }
        Ok(Self {
            tmp,
            base,
            size: message.size(),
            header_len: message.header_len(),
            mtime: internal_date,
        })
    }
}

impl Staged {
    /// Another staged copy of the same message in `dir/tmp/` under a new unique name: a hard
    /// link (one file for every recipient of a delivery), or a synced copy across file
    /// systems.
    pub(crate) fn link_into(&self, dir: &Path, opts: &WriteOptions) -> Result<Self> {
        let base = unique_base(opts, self.size, self.size);
        let tmp = dir.join("tmp").join(&base);
        fs::hard_link(&self.tmp, &tmp)
            .or_else(|_| {
                fs::copy(&self.tmp, &tmp)?;
                let f = OpenOptions::new().write(true).open(&tmp)?;
                f.set_modified(self.mtime.to_system())?;
                if opts.fsync { f.sync_all() } else { Ok(()) }
            })
            .map_err(io(format!("stage {}", tmp.display())))?;
        Ok(Self {
            tmp,
            base,
            size: self.size,
            header_len: self.header_len,
            mtime: self.mtime,
        })
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        // After a successful rename the tmp path no longer exists; otherwise clean up.
        let _ = fs::remove_file(&self.tmp);
    }
}

/// One message as the folder knows it.
#[derive(Debug, Clone)]
pub(crate) struct Msg {
    pub base: String,
    pub in_new: bool,
    pub info: Option<String>,
    /// The uidlist line's extension fields (Dovecot's `P` POP3 UIDL, `G` GUID, ...), kept
    /// so rewriting the uidlist loses none of them.
    pub fields: String,
    pub size: u64,
    pub phys: u64,
    pub header_len: u64,
    pub modseq: u64,
    pub created: u64,
    pub mtime: i64,
    pub ctime: i64,
}

impl Msg {
    /// A POP3 UIDL stored by Dovecot (`P<uidl>`, kept for migrated maildrops).
    pub(crate) fn stored_uidl(&self) -> Option<&str> {
        self.fields
            .split(' ')
            .find_map(|f| f.strip_prefix('P'))
            .filter(|u| {
                !u.is_empty() && u.len() <= 70 && u.bytes().all(|b| (0x21..0x7f).contains(&b))
            })
    }

    /// The content identity: Dovecot's `G` field when the uidlist has one (we write it on
    /// copies and moves), else the unique part of the original file name.
    pub(crate) fn email_id(&self) -> &str {
        self.fields
            .split(' ')
            .find_map(|f| f.strip_prefix('G'))
            .filter(|g| !g.is_empty())
            .unwrap_or_else(|| self.base.split(',').next().unwrap_or(&self.base))
    }

    fn file_name(&self) -> String {
        match &self.info {
            Some(info) => format!("{}:2,{info}", self.base),
            None => self.base.clone(),
        }
    }

    pub(crate) fn path(&self, dir: &Path) -> PathBuf {
        dir.join(if self.in_new { "new" } else { "cur" })
            .join(self.file_name())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    new: Option<SystemTime>,
    cur: Option<SystemTime>,
    uidlist: Option<(u64, SystemTime)>,
    keywords: Option<SystemTime>,
    /// Another process's MODSEQ records change this.
    modlog: Option<(u64, u64)>,
}

impl Stamp {
    /// Whether every mtime is old enough to be trusted: a directory changed twice within one
    /// timestamp tick keeps its mtime, so recent ones may hide a change (Dovecot's rule too).
    fn settled(&self) -> bool {
        let recent = |t: &Option<SystemTime>| {
            t.and_then(|t| t.elapsed().ok())
                .is_none_or(|age| age < std::time::Duration::from_secs(2))
        };
        !recent(&self.new) && !recent(&self.cur)
    }

    fn read(dir: &Path) -> Self {
        let m = |p: &str| fs::metadata(dir.join(p)).and_then(|m| m.modified()).ok();
        Self {
            new: m("new"),
            cur: m("cur"),
            uidlist: fs::metadata(dir.join(UIDLIST))
                .ok()
                .and_then(|md| Some((md.len(), md.modified().ok()?))),
            keywords: m(KEYWORDS),
            modlog: fs::metadata(dir.join(MODLOG))
                .ok()
                .map(|md| (md.ino(), md.len())),
        }
    }
}

/// What a record of the MODSEQ log says about one UID.
#[derive(Debug, Clone)]
struct Logged {
    modseq: u64,
    created: u64,
    header_len: u64,
    info: Option<String>,
}

/// One record of the MODSEQ log.
enum Record {
    Live(u32, Logged),
    Gone(u32, u64),
    Horizon(u64),
}

fn parse_record(line: &str) -> Option<Record> {
    let mut f = line.splitn(6, ' ');
    match (f.next()?, f.next()?) {
        ("+", uid) => {
            let uid = uid.parse::<u32>().ok()?;
            let modseq = f.next()?.parse::<u64>().ok()?;
            let created = f.next().and_then(|c| c.parse().ok()).unwrap_or(modseq);
            let header_len = f.next().and_then(|c| c.parse().ok()).unwrap_or(0);
            let info = f
                .next()
                .and_then(|i| i.strip_prefix(':'))
                .map(str::to_owned);
            Some(Record::Live(
                uid,
                Logged {
                    modseq,
                    created,
                    header_len,
                    info,
                },
            ))
        }
        ("-", uid) => Some(Record::Gone(uid.parse().ok()?, f.next()?.parse().ok()?)),
        ("h", h) => Some(Record::Horizon(h.parse().ok()?)),
        _ => None,
    }
}

/// What the MODSEQ log held: live records, tombstones, highest MODSEQ, horizon, record count.
type LoadedLog = (HashMap<u32, Logged>, Vec<(u64, u32)>, u64, u64, usize);

/// The in-memory state of a folder.
#[derive(Debug)]
pub(crate) struct Folder {
    pub dir: PathBuf,
    pub uidvalidity: u32,
    pub next_uid: u32,
    pub guid: u128,
    pub msgs: BTreeMap<u32, Msg>,
    pub keywords: Vec<String>,
    pub highest: u64,
    pub tombstones: Vec<(u64, u32)>,
    pub horizon: u64,
    loaded: bool,
    stamp: Option<Stamp>,
    uidlist_clean: bool,
    log_records: usize,
    /// How much of the MODSEQ log (identified by its inode) we have applied.
    log_pos: u64,
    log_ino: u64,
    opts: WriteOptions,
}

fn parse_keywords(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        if let Some((i, name)) = line.split_once(' ')
            && let Ok(i) = i.parse::<usize>()
            && i < MAX_KEYWORDS
        {
            if out.len() <= i {
                out.resize(i + 1, String::new());
            }
            out[i] = name.to_owned();
        }
    }
    out
}

/// CRLF size and header length of a file that may have bare LFs (Dovecot writes LF).
fn measure(bytes: &[u8]) -> (u64, u64) {
    let bare = memchr::memchr_iter(b'\n', bytes)
        .filter(|&i| i == 0 || bytes[i - 1] != b'\r')
        .count() as u64;
    let size = bytes.len() as u64 + bare;
    let canonical = CanonicalMessage::new(Bytes::copy_from_slice(bytes));
    (size, canonical.header_len())
}

impl Folder {
    pub(crate) fn new(dir: PathBuf, opts: WriteOptions) -> Self {
        Self {
            dir,
            uidvalidity: 0,
            next_uid: 1,
            guid: 0,
            msgs: BTreeMap::new(),
            keywords: Vec::new(),
            highest: 1,
            tombstones: Vec::new(),
            horizon: 1,
            loaded: false,
            stamp: None,
            uidlist_clean: true,
            log_records: 0,
            log_pos: 0,
            log_ino: 0,
            opts,
        }
    }

    /// Creates `tmp/`, `new/` and `cur/` if missing.
    pub(crate) fn ensure_dirs(dir: &Path) -> Result<()> {
        for sub in ["tmp", "new", "cur"] {
            let p = dir.join(sub);
            fs::create_dir_all(&p).map_err(io(format!("mkdir {}", p.display())))?;
        }
        Ok(())
    }

    /// Runs `op` with the folder up to date and `dovecot-uidlist.lock` held.
    pub(crate) fn locked<T>(&mut self, op: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        if !self.dir.join("cur").is_dir() {
            return Err(StoreError::not_found(format!(
                "{} is not a Maildir folder",
                self.dir.display()
            )));
        }
        let lock = DotLock::acquire(&self.dir.join(UIDLIST))?;
        let stamp = Stamp::read(&self.dir);
        if self.stamp.as_ref() != Some(&stamp) || !self.loaded {
            self.sync_locked()?;
        }
        let out = op(self);
        self.stamp = Some(Stamp::read(&self.dir));
        drop(lock);
        out
    }

    /// Brings the folder up to date if anything changed on disk.
    pub(crate) fn refresh(&mut self) -> Result<()> {
        let stamp = Stamp::read(&self.dir);
        if self.loaded && self.stamp.as_ref() == Some(&stamp) && stamp.settled() {
            return Ok(());
        }
        self.locked(|_| Ok(()))
    }

    fn fresh_uidvalidity(&self) -> u32 {
        let now = u32::try_from(self.opts.clock.now().seconds().max(1)).unwrap_or(1);
        let floor = self.uidvalidity.max(
            self.opts
                .uidvalidity_floor
                .load(std::sync::atomic::Ordering::Acquire),
        );
        let v = if now <= floor {
            floor.wrapping_add(1).max(1)
        } else {
            now
        };
        self.opts
            .uidvalidity_floor
            .fetch_max(v, std::sync::atomic::Ordering::AcqRel);
        v
    }

    fn new_guid() -> u128 {
        use std::hash::{BuildHasher, Hasher};
        let s = std::collections::hash_map::RandomState::new();
        let mut a = s.build_hasher();
        a.write_u32(std::process::id());
        a.write_u64(UNIQUE.fetch_add(1, Ordering::Relaxed));
        let mut b = s.build_hasher();
        b.write_u64(a.finish());
        (u128::from(a.finish()) << 64) | u128::from(b.finish())
    }

    fn scan(&self) -> Result<HashMap<String, (bool, Option<String>)>> {
        let mut found = HashMap::new();
        for (sub, in_new) in [("new", true), ("cur", false)] {
            let p = self.dir.join(sub);
            let rd = fs::read_dir(&p).map_err(io(format!("read {}", p.display())))?;
            for entry in rd {
                let entry = entry.map_err(io(format!("read {}", p.display())))?;
                let Ok(name) = entry.file_name().into_string() else {
                    continue;
                };
                if name.starts_with('.') {
                    continue;
                }
                let (base, info) = split_info(&name);
                found.insert(base.to_owned(), (in_new, info.map(str::to_owned)));
            }
        }
        Ok(found)
    }

    fn write_uidlist(&mut self, list: &Uidlist) -> Result<()> {
        let tmp = self.dir.join("dovecot-uidlist.mailwire-tmp");
        let target = self.dir.join(UIDLIST);
        let mut f = File::create(&tmp).map_err(io(format!("create {}", tmp.display())))?;
        f.write_all(list.render().as_bytes())
            .and_then(|()| {
                if self.opts.fsync {
                    f.sync_all()
                } else {
                    Ok(())
                }
            })
            .map_err(io(format!("write {}", tmp.display())))?;
        fs::rename(&tmp, &target).map_err(io(format!("rename {}", target.display())))?;
        self.uidlist_clean = true;
        Ok(())
    }

    fn append_uidlist(&mut self, entries: &[UidEntry]) -> Result<()> {
        if !self.uidlist_clean {
            let list = self.uidlist_now();
            return self.write_uidlist(&list);
        }
        let path = self.dir.join(UIDLIST);
        let mut text = String::new();
        for e in entries {
            text.push_str(&Uidlist::line(e));
        }
        let mut f = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(io(format!("open {}", path.display())))?;
        f.write_all(text.as_bytes())
            .and_then(|()| {
                if self.opts.fsync {
                    f.sync_data()
                } else {
                    Ok(())
                }
            })
            .map_err(io(format!("append {}", path.display())))
    }

    /// The uidlist that describes the current state.
    fn uidlist_now(&self) -> Uidlist {
        let mut list = Uidlist::new(self.uidvalidity, self.guid);
        list.next_uid = self.next_uid;
        list.entries = self
            .msgs
            .iter()
            .map(|(&uid, m)| UidEntry {
                uid,
                fields: m.fields.clone(),
                name: m.file_name(),
            })
            .collect();
        list
    }

    fn load_log(&mut self) -> LoadedLog {
        let mut map = HashMap::new();
        let mut tombs = Vec::new();
        let (mut highest, mut horizon, mut records) = (1u64, 1u64, 0usize);
        let path = self.dir.join(MODLOG);
        self.log_pos = 0;
        self.log_ino = fs::metadata(&path).map_or(0, |m| m.ino());
        let Ok(text) = fs::read_to_string(&path) else {
            return (map, tombs, highest, horizon, records);
        };
        let mut lines = text.split_inclusive('\n');
        let header_ok = lines
            .next()
            .is_some_and(|h| h.trim_end() == format!("mailwire-modseq 1 V{}", self.uidvalidity));
        if !header_ok {
            return (map, tombs, highest, horizon, records);
        }
        let mut consumed = text.find('\n').map_or(0, |i| i + 1);
        for line in lines {
            let Some(line) = line.strip_suffix('\n') else {
                break; // a torn last record
            };
            consumed += line.len() + 1;
            records += 1;
            match parse_record(line) {
                Some(Record::Live(uid, l)) => {
                    highest = highest.max(l.modseq);
                    map.insert(uid, l);
                }
                Some(Record::Gone(uid, modseq)) => {
                    highest = highest.max(modseq);
                    map.remove(&uid);
                    tombs.push((modseq, uid));
                }
                Some(Record::Horizon(h)) => {
                    horizon = horizon.max(h);
                    highest = highest.max(h);
                }
                None => {}
            }
        }
        self.log_pos = consumed as u64;
        tombs.sort_unstable();
        (map, tombs, highest, horizon, records)
    }

    /// Applies what other processes appended to the MODSEQ log since we last looked, so every
    /// process hands out MODSEQs above every one already given (all writers hold the uidlist
    /// lock, which orders the log). Called under the lock, before reconciling the files.
    fn catch_up_log(&mut self) {
        let path = self.dir.join(MODLOG);
        let Ok(md) = fs::metadata(&path) else {
            return;
        };
        if md.ino() != self.log_ino || md.len() < self.log_pos {
            // Compacted by another process: reread it whole.
            let (map, tombs, highest, horizon, records) = self.load_log();
            for (uid, l) in map {
                self.apply_live(uid, l);
            }
            self.tombstones = tombs;
            self.highest = self.highest.max(highest);
            self.horizon = self.horizon.max(horizon);
            self.log_records = records;
            return;
        }
        if md.len() == self.log_pos {
            return;
        }
        let Ok(mut f) = File::open(&path) else {
            return;
        };
        let mut tail = Vec::new();
        {
            use std::io::{Seek as _, SeekFrom};
            if f.seek(SeekFrom::Start(self.log_pos)).is_err() || f.read_to_end(&mut tail).is_err() {
                return;
            }
        }
        let complete = tail.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let text = String::from_utf8_lossy(&tail[..complete]).into_owned();
        for line in text.lines() {
            self.log_records += 1;
            match parse_record(line) {
                Some(Record::Live(uid, l)) => {
                    self.highest = self.highest.max(l.modseq);
                    self.apply_live(uid, l);
                }
                Some(Record::Gone(uid, modseq)) => {
                    self.highest = self.highest.max(modseq);
                    self.msgs.remove(&uid);
                    self.tombstones.push((modseq, uid));
                }
                Some(Record::Horizon(h)) => self.horizon = self.horizon.max(h),
                None => {}
            }
        }
        self.log_pos += complete as u64;
    }

    fn apply_live(&mut self, uid: u32, l: Logged) {
        match self.msgs.get_mut(&uid) {
            Some(m) => {
                m.modseq = l.modseq;
                m.created = l.created;
                m.info = l.info;
                if l.header_len > 0 {
                    m.header_len = l.header_len;
                }
            }
            None => {
                self.msgs.extend(map_to_msgs(HashMap::from([(uid, l)])));
            }
        }
    }

    fn record(uid: u32, m: &Msg) -> String {
        let info = m
            .info
            .as_deref()
            .map_or_else(|| "-".to_owned(), |i| format!(":{i}"));
        format!(
            "+ {uid} {} {} {} {info}\n",
            m.modseq, m.created, m.header_len
        )
    }

    fn write_log_full(&mut self) -> Result<()> {
        let keep = self
            .tombstones
            .len()
            .saturating_sub(self.opts.vanished_retention);
        if keep > 0 {
            self.horizon = self.horizon.max(self.tombstones[keep - 1].0);
            self.tombstones.drain(..keep);
        }
        let mut text = format!(
            "mailwire-modseq 1 V{}\nh {}\n",
            self.uidvalidity, self.horizon
        );
        for &(m, u) in &self.tombstones {
            text.push_str(&format!("- {u} {m}\n"));
        }
        for (&uid, m) in &self.msgs {
            text.push_str(&Self::record(uid, m));
        }
        let tmp = self.dir.join("mailwire-modseq.tmp");
        let target = self.dir.join(MODLOG);
        let mut f = File::create(&tmp).map_err(io(format!("create {}", tmp.display())))?;
        f.write_all(text.as_bytes())
            .and_then(|()| {
                if self.opts.fsync {
                    f.sync_all()
                } else {
                    Ok(())
                }
            })
            .map_err(io(format!("write {}", tmp.display())))?;
        fs::rename(&tmp, &target).map_err(io(format!("rename {}", target.display())))?;
        self.log_records = self.tombstones.len() + self.msgs.len() + 1;
        let md = fs::metadata(&target).map_err(io(format!("stat {}", target.display())))?;
        self.log_ino = md.ino();
        self.log_pos = md.len();
        Ok(())
    }

    /// Appends MODSEQ records; compacts the log when it holds far more records than state.
    fn log(&mut self, records: &str) -> Result<()> {
        if records.is_empty() {
            return Ok(());
        }
        let n = records.matches('\n').count();
        self.log_records += n;
        if self.log_records > 2 * (self.msgs.len() + self.tombstones.len()) + 1024 {
            return self.write_log_full();
        }
        let path = self.dir.join(MODLOG);
        let mut f = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(io(format!("open {}", path.display())))?;
        // A writer killed mid-record leaves a torn line; start ours on a fresh one.
        let len = f.metadata().map(|m| m.len()).unwrap_or(0);
        let mut last = [0u8; 1];
        let torn = len > 0
            && File::open(&path)
                .and_then(|mut r| {
                    use std::io::{Seek as _, SeekFrom};
                    r.seek(SeekFrom::Start(len - 1))?;
                    r.read_exact(&mut last)
                })
                .is_ok()
            && last[0] != b'\n';
        let text = if torn {
            format!("\n{records}")
        } else {
            records.to_owned()
        };
        f.write_all(text.as_bytes())
            .and_then(|()| {
                if self.opts.fsync {
                    f.sync_data()
                } else {
                    Ok(())
                }
            })
            .map_err(io(format!("append {}", path.display())))?;
        self.log_pos = len + text.len() as u64;
        Ok(())
    }

    fn bump(&mut self) -> u64 {
        self.highest += 1;
        self.highest
    }

    /// Reads the uidlist, scans the directories, gives new files UIDs, notices files that
    /// vanished or changed flags, and records all of it. Holds the uidlist lock.
    fn sync_locked(&mut self) -> Result<()> {
        let text = match fs::read_to_string(self.dir.join(UIDLIST)) {
            Ok(t) => Some(t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(StoreError::io("read dovecot-uidlist", e)),
        };
        let parsed = text.as_deref().and_then(Uidlist::parse);
        let mut must_write = parsed.is_none();
        let mut list = match parsed {
            Some(l) => l,
            None => {
                let guid = if self.guid != 0 {
                    self.guid
                } else {
                    Self::new_guid()
                };
                Uidlist::new(self.fresh_uidvalidity(), guid)
            }
        };
        if list.guid == 0 {
            list.guid = if self.guid != 0 {
                self.guid
            } else {
                Self::new_guid()
            };
            must_write = true;
        }
        self.uidlist_clean = list.clean;
        // A folder with a past but no MODSEQ log of ours (Dovecot's, say): what vanished
        // before we started tracking is unknown, so older MODSEQs must get "too old".
        let untracked_past =
            !self.dir.join(MODLOG).exists() && (list.next_uid > 1 || !list.entries.is_empty());
        self.keywords = fs::read_to_string(self.dir.join(KEYWORDS))
            .map(|t| parse_keywords(&t))
            .unwrap_or_default();

        if !self.loaded {
            self.sweep_tmp();
        }
        let reset = self.loaded && self.uidvalidity != list.uidvalidity;
        let first_load = !self.loaded;
        if reset || !self.loaded {
            self.uidvalidity = list.uidvalidity;
            let (map, tombs, highest, horizon, records) = if self.loaded {
                // UIDVALIDITY changed under us: every UID is new; keep MODSEQs rising.
                (HashMap::new(), Vec::new(), self.highest, self.highest, 0)
            } else {
                self.load_log()
            };
            self.msgs = map_to_msgs(map);
            self.tombstones = tombs;
            self.highest = self.highest.max(highest);
            self.horizon = horizon;
            self.log_records = records;
            if records == 0 || reset {
                self.horizon = self.horizon.max(self.highest);
            }
        }
        if !(reset || first_load) {
            self.catch_up_log();
        }
        self.guid = list.guid;

        let mut found = self.scan()?;
        let mut live: BTreeMap<u32, (String, bool, Option<String>, String)> = BTreeMap::new();
        let mut dropped = false;
        for e in &list.entries {
            let base = split_info(&e.name).0.to_owned();
            if let Some((in_new, info)) = found.remove(&base) {
                live.insert(e.uid, (base, in_new, info, e.fields.clone()));
            } else {
                dropped = true;
            }
        }
        let mut fresh: Vec<(String, bool, Option<String>)> =
            found.into_iter().map(|(b, (n, i))| (b, n, i)).collect();
        fresh.sort_by(|a, b| a.0.cmp(&b.0));
        let mut added = Vec::new();
        for (base, in_new, info) in fresh {
            let uid = list.next_uid;
            list.next_uid = list
                .next_uid
                .checked_add(1)
                .ok_or_else(|| StoreError::new(ErrorKind::Permanent, "UID space exhausted"))?;
            let name = match &info {
                Some(i) => format!("{base}:2,{i}"),
                None => base.clone(),
            };
            let entry = UidEntry {
                uid,
                fields: String::new(),
                name,
            };
            list.entries.push(entry.clone());
            added.push(entry);
            live.insert(uid, (base, in_new, info, String::new()));
        }
        self.next_uid = list.next_uid;
        if dropped || must_write || !list.clean {
            list.entries.retain(|e| live.contains_key(&e.uid));
            self.write_uidlist(&list)?;
        } else if !added.is_empty() {
            self.append_uidlist(&added)?;
        }

        // Reconcile with what we knew: MODSEQs for new files, changed flags, vanished UIDs.
        let mut records = String::new();
        let mut old = std::mem::take(&mut self.msgs);
        let mut changes: Vec<(u32, Msg, bool)> = Vec::new();
        for (uid, (base, in_new, info, fields)) in live {
            match old.remove(&uid) {
                Some(mut m) if m.base == base || m.header_len > 0 => {
                    let flags_changed =
                        m.info.as_deref().unwrap_or("") != info.as_deref().unwrap_or("");
                    m.base = base;
                    m.in_new = in_new;
                    m.info = info;
                    m.fields = fields;
                    if m.size == 0 {
                        self.stat_into(&mut m)?;
                    }
                    if m.mtime == 0 {
                        self.times_into(&mut m);
                    }
                    changes.push((uid, m, flags_changed));
                }
                _ => {
                    let mut m = Msg {
                        base,
                        in_new,
                        info,
                        fields,
                        size: 0,
                        phys: 0,
                        header_len: 0,
                        modseq: 0,
                        created: 0,
                        mtime: 0,
                        ctime: 0,
                    };
                    self.stat_into(&mut m)?;
                    self.times_into(&mut m);
                    changes.push((uid, m, true));
                }
            }
        }
        let vanished: Vec<u32> = old.keys().copied().collect();
        let need_bump = changes.iter().any(|(_, m, c)| *c || m.modseq == 0) || !vanished.is_empty();
        let modseq = if need_bump { self.bump() } else { self.highest };
        for (uid, mut m, changed) in changes {
            if m.modseq == 0 {
                m.modseq = modseq;
                m.created = modseq;
                records.push_str(&Self::record(uid, &m));
            } else if changed {
                m.modseq = modseq;
                records.push_str(&Self::record(uid, &m));
            }
            self.msgs.insert(uid, m);
        }
        for uid in vanished {
            self.tombstones.push((modseq, uid));
            records.push_str(&format!("- {uid} {modseq}\n"));
        }
        let first_time = !self.dir.join(MODLOG).exists();
        if untracked_past {
            self.horizon = self.highest;
        }
        self.loaded = true;
        if first_time || reset {
            self.write_log_full()
        } else {
            self.log(&records)
        }
    }

    /// Removes files left in `tmp/` for more than 36 hours by writers that died (the
    /// Maildir rule), so aborted deliveries do not accumulate.
    fn sweep_tmp(&self) {
        let limit = self.opts.clock.now().seconds() - 36 * 3600;
        let Ok(rd) = fs::read_dir(self.dir.join("tmp")) else {
            return;
        };
        for e in rd.flatten() {
            if e.metadata().is_ok_and(|m| m.is_file() && m.mtime() < limit) {
                let _ = fs::remove_file(e.path());
            }
        }
    }

    /// Fills sizes and header length, from the file name and, if needed, the file.
    fn stat_into(&self, m: &mut Msg) -> Result<()> {
        let w = size_field(&m.base, 'W');
        let s = size_field(&m.base, 'S');
        if let (Some(w), Some(s), true) = (w, s, m.header_len > 0) {
            m.size = w;
            m.phys = s;
            return Ok(());
        }
        let path = m.path(&self.dir);
        let bytes = fs::read(&path).map_err(io(format!("read {}", path.display())))?;
        let (size, header_len) = measure(&bytes);
        m.size = w.unwrap_or(size);
        m.phys = bytes.len() as u64;
        m.header_len = header_len;
        Ok(())
    }

    fn times_into(&self, m: &mut Msg) {
        if let Ok(md) = fs::metadata(m.path(&self.dir)) {
            m.mtime = md.mtime();
            m.ctime = md.ctime();
        }
    }

    /// The flags of an info string, through this folder's keyword table.
    pub(crate) fn flags_of(&self, info: Option<&str>) -> Flags {
        let mut flags = Flags::new();
        let Some(info) = info else {
            return flags;
        };
        for c in info.split(',').next().unwrap_or("").chars() {
            match c {
                'D' => flags.insert(SystemFlag::Draft),
                'F' => flags.insert(SystemFlag::Flagged),
                'R' => flags.insert(SystemFlag::Answered),
                'S' => flags.insert(SystemFlag::Seen),
                'T' => flags.insert(SystemFlag::Deleted),
                'a'..='z' => {
                    let i = (c as u8 - b'a') as usize;
                    if let Some(k) = self.keywords.get(i).and_then(|k| Keyword::new(k).ok()) {
                        flags.insert_keyword(k);
                    }
                }
                _ => {}
            }
        }
        flags
    }

    /// The keyword letter for `k`, adding it to `dovecot-keywords` if new.
    fn letter(&mut self, k: &Keyword) -> Result<char> {
        let i = match self.keywords.iter().position(|x| x == k.as_str()) {
            Some(i) => i,
            None => {
                let i = match self.keywords.iter().position(String::is_empty) {
                    Some(i) => i,
                    None if self.keywords.len() < MAX_KEYWORDS => {
                        self.keywords.push(String::new());
                        self.keywords.len() - 1
                    }
                    None => {
                        return Err(StoreError::new(
                            ErrorKind::Permanent,
                            "a Maildir folder holds at most 26 keywords",
                        ));
                    }
                };
                self.keywords[i] = k.as_str().to_owned();
                let mut text = String::new();
                for (n, name) in self.keywords.iter().enumerate() {
                    if !name.is_empty() {
                        text.push_str(&format!("{n} {name}\n"));
                    }
                }
                let tmp = self.dir.join("dovecot-keywords.mailwire-tmp");
                fs::write(&tmp, text).map_err(io(format!("write {}", tmp.display())))?;
                fs::rename(&tmp, self.dir.join(KEYWORDS))
                    .map_err(io("rename dovecot-keywords".to_owned()))?;
                i
            }
        };
        Ok(char::from(b'a' + u8::try_from(i).unwrap_or(0)))
    }

    /// The info string for `flags`, keeping letters and text we do not interpret.
    pub(crate) fn info_for(&mut self, flags: &Flags, old: Option<&str>) -> Result<String> {
        let (old_letters, tail) = match old {
            Some(o) => match o.split_once(',') {
                Some((l, t)) => (l.to_owned(), Some(t.to_owned())),
                None => (o.to_owned(), None),
            },
            None => (String::new(), None),
        };
        let mut letters: Vec<char> = old_letters
            .chars()
            .filter(|c| !matches!(c, 'D' | 'F' | 'R' | 'S' | 'T' | 'a'..='z'))
            .collect();
        for (flag, c) in [
            (SystemFlag::Draft, 'D'),
            (SystemFlag::Flagged, 'F'),
            (SystemFlag::Answered, 'R'),
            (SystemFlag::Seen, 'S'),
            (SystemFlag::Deleted, 'T'),
        ] {
            if flags.contains(flag) {
                letters.push(c);
            }
        }
        for k in flags.keywords() {
            letters.push(self.letter(k)?);
        }
        letters.sort_unstable();
        letters.dedup();
        let mut info: String = letters.into_iter().collect();
        if let Some(t) = tail {
            info.push(',');
            info.push_str(&t);
        }
        Ok(info)
    }

    /// Moves a staged file into the folder and gives it a UID. Call inside [`Folder::locked`].
    pub(crate) fn commit_staged(&mut self, staged: &Staged, flags: &Flags) -> Result<(u32, u64)> {
        let info = if flags.is_empty() {
            None
        } else {
            Some(self.info_for(flags, None)?)
        };
        let mut m = Msg {
            base: staged.base.clone(),
            in_new: info.is_none(),
            info,
            fields: String::new(),
            size: staged.size,
            phys: staged.size,
            header_len: staged.header_len,
            modseq: 0,
            created: 0,
            mtime: staged.mtime.seconds(),
            ctime: 0,
        };
        let target = m.path(&self.dir);
        fs::rename(&staged.tmp, &target)
            .map_err(io(format!("rename into {}", target.display())))?;
        if self.opts.fsync {
            fsync_dir(&self.dir.join(if m.in_new { "new" } else { "cur" }))?;
        }
        self.times_into(&mut m);
        self.add_entry(m)
    }

    /// Records a file already in `cur/` or `new/` under a new UID.
    fn add_entry(&mut self, mut m: Msg) -> Result<(u32, u64)> {
        let uid = self.next_uid;
        self.next_uid = uid
            .checked_add(1)
            .ok_or_else(|| StoreError::new(ErrorKind::Permanent, "UID space exhausted"))?;
        self.append_uidlist(&[UidEntry {
            uid,
            fields: m.fields.clone(),
            name: m.file_name(),
        }])?;
        let modseq = self.bump();
        m.modseq = modseq;
        m.created = modseq;
        self.log(&Self::record(uid, &m))?;
        self.msgs.insert(uid, m);
        Ok((uid, modseq))
    }

    /// Renames files for new flags. Call inside [`Folder::locked`]; returns the MODSEQ used.
    pub(crate) fn set_flags(&mut self, updates: Vec<(u32, Flags)>) -> Result<Vec<(u32, Flags)>> {
        let mut done = Vec::new();
        let modseq = self.highest + 1;
        let mut records = String::new();
        for (uid, flags) in updates {
            let Some(old) = self.msgs.get(&uid).cloned() else {
                continue;
            };
            let info = self.info_for(&flags, old.info.as_deref())?;
            let mut m = old.clone();
            m.in_new = false;
            m.info = Some(info);
            m.modseq = modseq;
            match fs::rename(old.path(&self.dir), m.path(&self.dir)) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(StoreError::io("rename for flags", e)),
            }
            records.push_str(&Self::record(uid, &m));
            self.msgs.insert(uid, m);
            done.push((uid, flags));
        }
        if !done.is_empty() {
            self.highest = modseq;
            self.log(&records)?;
        }
        Ok(done)
    }

    /// Unlinks messages and forgets their UIDs. Call inside [`Folder::locked`].
    pub(crate) fn expunge(&mut self, uids: &[u32]) -> Result<Vec<u32>> {
        let mut gone = Vec::new();
        for &uid in uids {
            let Some(m) = self.msgs.get(&uid) else {
                continue;
            };
            match fs::remove_file(m.path(&self.dir)) {
                Ok(()) => gone.push(uid),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => gone.push(uid),
                Err(e) => return Err(StoreError::io("unlink message", e)),
            }
        }
        self.forget(&gone)?;
        Ok(gone)
    }

    /// Drops UIDs whose files left the folder (expunged or moved away).
    pub(crate) fn forget(&mut self, gone: &[u32]) -> Result<()> {
        if gone.is_empty() {
            return Ok(());
        }
        let modseq = self.bump();
        let mut records = String::new();
        for uid in gone {
            self.msgs.remove(uid);
            self.tombstones.push((modseq, *uid));
            records.push_str(&format!("- {uid} {modseq}\n"));
        }
        let list = self.uidlist_now();
        self.write_uidlist(&list)?;
        self.log(&records)
    }

    /// Puts another folder's message file into this one, by hard link (copy) or rename
    /// (move: atomic on one file system), with this folder's keyword letters. Call inside
    /// [`Folder::locked`].
    pub(crate) fn adopt(
        &mut self,
        source_path: &Path,
        src: &Msg,
        flags: &Flags,
        rename: bool,
    ) -> Result<(u32, u64)> {
        let info = self.info_for(flags, None)?;
        let base = unique_base(&self.opts, src.phys, src.size);
        let mut m = Msg {
            base,
            in_new: false,
            info: Some(info),
            fields: format!("G{}", src.email_id()),
            modseq: 0,
            created: 0,
            ..src.clone()
        };
        let target = m.path(&self.dir);
        let r = if rename {
            fs::rename(source_path, &target)
        } else {
            // A hard link shares the file (and its mtime, the INTERNALDATE); across file
            // systems, copy and carry the mtime over.
            fs::hard_link(source_path, &target).or_else(|_| {
                fs::copy(source_path, &target)?;
                let f = OpenOptions::new().write(true).open(&target)?;
                f.set_modified(UnixTime(src.mtime).to_system())?;
                if self.opts.fsync {
                    f.sync_all()
                } else {
                    Ok(())
                }
            })
        };
        r.map_err(io(format!("place {}", target.display())))?;
        if self.opts.fsync {
            fsync_dir(&self.dir.join("cur"))?;
        }
        self.times_into(&mut m);
        self.add_entry(m)
    }
}

fn map_to_msgs(map: HashMap<u32, Logged>) -> BTreeMap<u32, Msg> {
    map.into_iter()
        .map(|(uid, l)| {
            (
                uid,
                Msg {
                    base: String::new(),
                    in_new: false,
                    info: l.info,
                    fields: String::new(),
                    size: 0,
                    phys: 0,
                    header_len: l.header_len,
                    modseq: l.modseq,
                    created: l.created,
                    mtime: 0,
                    ctime: 0,
                },
            )
        })
        .collect()
}
