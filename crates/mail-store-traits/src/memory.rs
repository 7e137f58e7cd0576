//! The in-memory backend: the embedded default, fast and concurrent.
//!
//! Each mailbox sits behind its own `RwLock`, so sessions reading one mailbox never wait for
//! writers of another; the account's mailbox tree has a lock of its own that is held only to
//! find or rename mailboxes. A message body is stored once however many mailboxes hold it (a
//! delivery to ten recipients, a copy), and an index by MODSEQ makes
//! [`Account::changes_since`] cost what changed, not the size of the mailbox.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::future::Future;
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use bytes::Bytes;
use parking_lot::RwLock;

use crate::{
    Account, AccountId, AppendOptions, Appended, BodyStream, CanonicalMessage, Changes, Clock,
    CopyMap, Delivery, EmailId, ErrorKind, ExpungeFilter, Expunged, Features, FlagChange, FlagOp,
    FlagUpdate, Flags, HIERARCHY_DELIMITER, INBOX, MailboxId, MailboxInfo, MailboxStatus, Maildrop,
    MaildropEntry, MaildropLockTable, MessageMeta, ModSeq, Moved, Notifier, Quota, Result,
    Snapshot, SpecialUse, Store, StoreError, SystemClock, SystemFlag, Uid, UidSet, UidValidity,
    UnixTime, Vanished, Watcher, clamp_range, default_pop3_uidl, normalize_mailbox_name,
};

/// Settings of a [`MemoryStore`].
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct MemoryConfig {
    /// Where "now" comes from (INTERNALDATE, SAVEDATE, UIDVALIDITY).
    pub clock: Arc<dyn Clock>,
    /// Open (and create) any account asked for, instead of only those added.
    pub auto_create_accounts: bool,
    /// Per-account storage limit in octets.
    pub quota_bytes: Option<u64>,
    /// Per-account limit in messages.
    pub quota_messages: Option<u64>,
    /// How many expunged UIDs each mailbox remembers for QRESYNC; older ones make
    /// [`Account::changes_since`] answer [`Vanished::TooOld`].
    pub vanished_retention: usize,
}

impl Default for MemoryConfig {
    fn default() -> Self {
        Self {
            clock: Arc::new(SystemClock),
            auto_create_accounts: false,
            quota_bytes: None,
            quota_messages: None,
            vanished_retention: 100_000,
        }
    }
}

impl MemoryConfig {
    /// Builder: the clock.
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Builder: open any account asked for.
    #[must_use]
    pub const fn with_auto_create_accounts(mut self, yes: bool) -> Self {
        self.auto_create_accounts = yes;
        self
    }

    /// Builder: per-account limits.
    #[must_use]
    pub const fn with_quota(mut self, bytes: Option<u64>, messages: Option<u64>) -> Self {
        self.quota_bytes = bytes;
        self.quota_messages = messages;
        self
    }

    /// Builder: expunged UIDs remembered per mailbox.
    #[must_use]
    pub const fn with_vanished_retention(mut self, n: usize) -> Self {
        self.vanished_retention = n;
        self
    }
}

#[derive(Debug)]
struct Shared {
    config: MemoryConfig,
    next_email: AtomicU64,
}

/// The in-memory store. Clones share the same data.
#[derive(Debug, Clone)]
pub struct MemoryStore {
    shared: Arc<Shared>,
    accounts: Arc<RwLock<HashMap<AccountId, Arc<AccountState>>>>,
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryStore {
    /// An empty store with the default settings.
    #[must_use]
    pub fn new() -> Self {
        Self::with_config(MemoryConfig::default())
    }

    /// An empty store.
    #[must_use]
    pub fn with_config(config: MemoryConfig) -> Self {
        Self {
            shared: Arc::new(Shared {
                config,
                next_email: AtomicU64::new(1),
            }),
            accounts: Arc::default(),
        }
    }

    /// Adds an account with an empty INBOX (nothing happens if it exists).
    pub fn add_account(&self, id: AccountId) {
        self.account_state(&id, true);
    }

    fn account_state(&self, id: &AccountId, create: bool) -> Option<Arc<AccountState>> {
        if let Some(a) = self.accounts.read().get(id) {
            return Some(Arc::clone(a));
        }
        if !create {
            return None;
        }
        let mut accounts = self.accounts.write();
        let state = accounts
            .entry(id.clone())
            .or_insert_with(|| Arc::new(AccountState::new(id.clone(), Arc::clone(&self.shared))));
        Some(Arc::clone(state))
    }

    fn lookup(&self, id: &AccountId) -> Result<Arc<AccountState>> {
        self.account_state(id, self.shared.config.auto_create_accounts)
            .ok_or_else(|| StoreError::not_found(format!("no account {id}")))
    }
}

impl Store for MemoryStore {
    type Account = MemoryAccount;

    async fn open_account(&self, account: &AccountId) -> Result<MemoryAccount> {
        Ok(MemoryAccount {
            state: self.lookup(account)?,
        })
    }

    async fn deliver(&self, message: Bytes, recipients: &[Delivery]) -> Vec<Result<Appended>> {
        let message = CanonicalMessage::new(message);
        let blob = Arc::new(Blob::new(&message, &self.shared));
        let now = self.shared.config.clock.now();
        recipients
            .iter()
            .map(|r| {
                let account = self.lookup(&r.account)?;
                let name = r.mailbox.as_deref().unwrap_or(INBOX);
                let mailbox = account.find(name)?;
                account.append_blob(&mailbox, Arc::clone(&blob), r.flags.clone(), now, now)
            })
            .collect()
    }
}

#[derive(Debug)]
struct Blob {
    bytes: Bytes,
    header_len: u64,
    email_id: EmailId,
}

impl Blob {
    fn new(message: &CanonicalMessage, shared: &Shared) -> Self {
        let n = shared.next_email.fetch_add(1, Ordering::Relaxed);
        Self {
            bytes: message.bytes().clone(),
            header_len: message.header_len(),
            email_id: EmailId::new(format!("M{n:016x}")),
        }
    }

    fn size(&self) -> u64 {
        self.bytes.len() as u64
    }
}

#[derive(Debug, Clone)]
struct Msg {
    blob: Arc<Blob>,
    flags: Flags,
    modseq: ModSeq,
    created: ModSeq,
    internal_date: UnixTime,
    saved_date: UnixTime,
}

#[derive(Debug)]
struct Mailbox {
    id: MailboxId,
    name: String,
    special_use: Option<SpecialUse>,
    subscribed: bool,
    removed: bool,
    uidvalidity: UidValidity,
    uidnext: Uid,
    highest: ModSeq,
    messages: BTreeMap<Uid, Msg>,
    by_modseq: BTreeMap<(ModSeq, Uid), ()>,
    tombstones: VecDeque<(ModSeq, Uid)>,
    /// `changes_since(m)` knows every vanished UID iff `m >= horizon`.
    horizon: ModSeq,
    unseen: u32,
    deleted: u32,
    size: u64,
}

impl Mailbox {
    fn new(id: MailboxId, name: String, special_use: Option<SpecialUse>, v: UidValidity) -> Self {
        Self {
            id,
            name,
            special_use,
            subscribed: false,
            removed: false,
            uidvalidity: v,
            uidnext: Uid::MIN,
            highest: ModSeq::MIN,
            messages: BTreeMap::new(),
            by_modseq: BTreeMap::new(),
            tombstones: VecDeque::new(),
            horizon: ModSeq::MIN,
            unseen: 0,
            deleted: 0,
            size: 0,
        }
    }

    fn count(&mut self, flags: &Flags, size: u64, add: bool) {
        let d = |c: &mut u32| {
            if add {
                *c += 1;
            } else {
                *c -= 1;
            }
        };
        if !flags.contains(SystemFlag::Seen) {
            d(&mut self.unseen);
        }
        if flags.contains(SystemFlag::Deleted) {
            d(&mut self.deleted);
        }
        if add {
            self.size += size;
        } else {
            self.size -= size;
        }
    }

    fn bump(&mut self) -> ModSeq {
        self.highest = self.highest.next();
        self.highest
    }

    fn insert(&mut self, msg: Msg) -> Result<Uid> {
        let uid = self.uidnext;
        self.uidnext = uid
            .next()
            .ok_or_else(|| StoreError::new(ErrorKind::Permanent, "UID space exhausted"))?;
        self.count(&msg.flags, msg.blob.size(), true);
        self.by_modseq.insert((msg.modseq, uid), ());
        self.messages.insert(uid, msg);
        Ok(uid)
    }

    fn remove(&mut self, uid: Uid, modseq: ModSeq, retention: usize) -> Option<Msg> {
        let msg = self.messages.remove(&uid)?;
        self.by_modseq.remove(&(msg.modseq, uid));
        self.count(&msg.flags, msg.blob.size(), false);
        self.tombstones.push_back((modseq, uid));
        while self.tombstones.len() > retention {
            if let Some((m, _)) = self.tombstones.pop_front() {
                self.horizon = self.horizon.max(m);
            }
        }
        Some(msg)
    }

    fn set_flags(&mut self, uid: Uid, flags: Flags, modseq: ModSeq) {
        let Some(msg) = self.messages.get_mut(&uid) else {
            return;
        };
        let old = std::mem::replace(&mut msg.flags, flags.clone());
        let old_modseq = std::mem::replace(&mut msg.modseq, modseq);
        let size = msg.blob.size();
        self.by_modseq.remove(&(old_modseq, uid));
        self.by_modseq.insert((modseq, uid), ());
        self.count(&old, size, false);
        self.count(&flags, size, true);
    }

    fn meta(&self, uid: Uid, msg: &Msg) -> MessageMeta {
        MessageMeta {
            uid,
            modseq: msg.modseq,
            flags: msg.flags.clone(),
            internal_date: msg.internal_date,
            saved_date: msg.saved_date,
            size: msg.blob.size(),
            header_len: msg.blob.header_len,
            pop3_uidl: default_pop3_uidl(uid, self.uidvalidity),
            email_id: msg.blob.email_id.clone(),
        }
    }

    fn selected<'a>(&'a self, uids: &'a UidSet) -> impl Iterator<Item = (&'a Uid, &'a Msg)> + 'a {
        uids.ranges().flat_map(|(a, b)| self.messages.range(a..=b))
    }
}

type MailboxRef = Arc<RwLock<Mailbox>>;

#[derive(Debug)]
struct Tree {
    mailboxes: BTreeMap<MailboxId, MailboxRef>,
    next_id: u128,
}

#[derive(Debug)]
struct AccountState {
    id: AccountId,
    shared: Arc<Shared>,
    tree: RwLock<Tree>,
    notifier: Notifier,
    maildrop: MaildropLockTable,
    used_bytes: AtomicU64,
    used_messages: AtomicU64,
    next_uidvalidity: AtomicU32,
}

fn gone(id: MailboxId) -> StoreError {
    StoreError::not_found(format!("no mailbox {id}"))
}

impl AccountState {
    fn new(id: AccountId, shared: Arc<Shared>) -> Self {
        let start = u32::try_from(shared.config.clock.now().seconds().max(1)).unwrap_or(1);
        let state = Self {
            id,
            shared,
            tree: RwLock::new(Tree {
                mailboxes: BTreeMap::new(),
                next_id: 1,
            }),
            notifier: Notifier::new(),
            maildrop: MaildropLockTable::new(),
            used_bytes: AtomicU64::new(0),
            used_messages: AtomicU64::new(0),
            next_uidvalidity: AtomicU32::new(start),
        };
        let mut tree = state.tree.write();
        state.create_in(&mut tree, INBOX.to_owned(), None);
        drop(tree);
        state
    }

    fn create_in(
        &self,
        tree: &mut Tree,
        name: String,
        special_use: Option<SpecialUse>,
    ) -> MailboxRef {
        let id = MailboxId::from_u128(tree.next_id);
        tree.next_id += 1;
        let v = self.next_uidvalidity.fetch_add(1, Ordering::Relaxed).max(1);
        let v =
            UidValidity::new(v).unwrap_or(UidValidity::new(1).unwrap_or_else(|| unreachable!()));
        let mut mb = Mailbox::new(id, name, special_use, v);
        mb.subscribed = true;
        let r = Arc::new(RwLock::new(mb));
        tree.mailboxes.insert(id, Arc::clone(&r));
        r
    }

    fn get(&self, id: MailboxId) -> Result<MailboxRef> {
        self.tree
            .read()
            .mailboxes
            .get(&id)
            .cloned()
            .ok_or_else(|| gone(id))
    }

    fn find_in(tree: &Tree, name: &str) -> Option<MailboxRef> {
        tree.mailboxes
            .values()
            .find(|m| m.read().name == name)
            .cloned()
    }

    fn find(&self, name: &str) -> Result<MailboxRef> {
        let name = normalize_mailbox_name(name)?;
        Self::find_in(&self.tree.read(), &name)
            .ok_or_else(|| StoreError::not_found(format!("no mailbox {name:?}")))
    }

    fn reserve(&self, bytes: u64, messages: u64) -> Result<()> {
        let cfg = &self.shared.config;
        let over = || StoreError::new(ErrorKind::OverQuota, "quota exceeded");
        self.used_bytes
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |u| {
                let n = u.checked_add(bytes)?;
                cfg.quota_bytes.is_none_or(|l| n <= l).then_some(n)
            })
            .map_err(|_| over())?;
        if self
            .used_messages
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |u| {
                let n = u.checked_add(messages)?;
                cfg.quota_messages.is_none_or(|l| n <= l).then_some(n)
            })
            .is_err()
        {
            self.used_bytes.fetch_sub(bytes, Ordering::AcqRel);
            return Err(over());
        }
        Ok(())
    }

    fn release(&self, bytes: u64, messages: u64) {
        self.used_bytes.fetch_sub(bytes, Ordering::AcqRel);
        self.used_messages.fetch_sub(messages, Ordering::AcqRel);
    }

    fn append_blob(
        &self,
        mailbox: &MailboxRef,
        blob: Arc<Blob>,
        flags: Flags,
        internal_date: UnixTime,
        saved_date: UnixTime,
    ) -> Result<Appended> {
        self.reserve(blob.size(), 1)?;
        let size = blob.size();
        let result = {
            let mut mb = mailbox.write();
            if mb.removed {
                Err(gone(mb.id))
            } else {
                let modseq = mb.bump();
                let msg = Msg {
                    blob,
                    flags,
                    modseq,
                    created: modseq,
                    internal_date,
                    saved_date,
                };
                mb.insert(msg).map(|uid| Appended {
                    mailbox: mb.id,
                    uidvalidity: mb.uidvalidity,
                    uid,
                    modseq,
                })
            }
        };
        match &result {
            Ok(a) => self.notifier.notify(a.mailbox, a.modseq),
            Err(_) => self.release(size, 1),
        }
        result
    }

    /// Describes every mailbox. Each mailbox lock is taken alone and briefly: holding one
    /// while taking another could deadlock against a move, which holds two for writing.
    fn infos(tree: &Tree) -> Vec<MailboxInfo> {
        let base: Vec<MailboxInfo> = tree
            .mailboxes
            .values()
            .map(|m| {
                let mb = m.read();
                MailboxInfo {
                    id: mb.id,
                    name: mb.name.clone(),
                    special_use: mb.special_use,
                    subscribed: mb.subscribed,
                    has_children: false,
                }
            })
            .collect();
        let names: Vec<String> = base
            .iter()
            .map(|i| format!("{}{HIERARCHY_DELIMITER}", i.name))
            .collect();
        base.into_iter()
            .map(|mut i| {
                let prefix = format!("{}{HIERARCHY_DELIMITER}", i.name);
                i.has_children = names.iter().any(|n| n.starts_with(&prefix) && *n != prefix);
                i
            })
            .collect()
    }

    fn info_of(tree: &Tree, id: MailboxId) -> Result<MailboxInfo> {
        Self::infos(tree)
            .into_iter()
            .find(|i| i.id == id)
            .ok_or_else(|| gone(id))
    }

    fn expunge_locked(&self, mb: &mut Mailbox, uids: &UidSet, filter: ExpungeFilter) -> Expunged {
        let doomed: Vec<Uid> = mb
            .selected(uids)
            .filter(|(_, m)| filter == ExpungeFilter::Any || m.flags.contains(SystemFlag::Deleted))
            .map(|(u, _)| *u)
            .collect();
        let mut gone = UidSet::new();
        if !doomed.is_empty() {
            let modseq = mb.bump();
            let retention = self.shared.config.vanished_retention;
            let (mut bytes, mut count) = (0, 0);
            for uid in doomed {
                if let Some(m) = mb.remove(uid, modseq, retention) {
                    bytes += m.blob.size();
                    count += 1;
                    gone.insert(uid);
                }
            }
            self.release(bytes, count);
        }
        Expunged {
            uids: gone,
            highest_modseq: mb.highest,
        }
    }
}

/// One account of a [`MemoryStore`].
#[derive(Debug, Clone)]
pub struct MemoryAccount {
    state: Arc<AccountState>,
}

fn pair<'a>(
    a: &'a MailboxRef,
    b: &'a MailboxRef,
) -> (
    parking_lot::RwLockWriteGuard<'a, Mailbox>,
    Option<parking_lot::RwLockWriteGuard<'a, Mailbox>>,
) {
    if Arc::ptr_eq(a, b) {
        return (a.write(), None);
    }
    // Lock in address order so two opposite moves cannot deadlock.
    if Arc::as_ptr(a) < Arc::as_ptr(b) {
        let ga = a.write();
        let gb = b.write();
        (ga, Some(gb))
    } else {
        let gb = b.write();
        let ga = a.write();
        (ga, Some(gb))
    }
}

impl MemoryAccount {
    fn copy_impl(
        &self,
        source: MailboxId,
        uids: &UidSet,
        dest: MailboxId,
        remove: bool,
    ) -> Result<(CopyMap, Expunged)> {
        let src = self.state.get(source)?;
        let dst = self.state.get(dest)?;
        let now = self.state.shared.config.clock.now();
        let (mut s, mut d) = pair(&src, &dst);
        if s.removed {
            return Err(gone(source));
        }
        if d.as_ref().is_some_and(|d| d.removed) {
            return Err(gone(dest));
        }
        let picked: Vec<(Uid, Msg)> = s.selected(uids).map(|(u, m)| (*u, m.clone())).collect();
        let bytes: u64 = picked.iter().map(|(_, m)| m.blob.size()).sum();
        let count = picked.len() as u64;
        if !remove {
            self.state.reserve(bytes, count)?;
        }
        let target: &mut Mailbox = match d.as_mut() {
            Some(d) => d,
            None => &mut s,
        };
        let mut pairs = Vec::with_capacity(picked.len());
        let uidvalidity = target.uidvalidity;
        if !picked.is_empty() {
            let modseq = target.bump();
            for (uid, m) in &picked {
                let msg = Msg {
                    modseq,
                    created: modseq,
                    saved_date: now,
                    ..m.clone()
                };
                pairs.push((*uid, target.insert(msg)?));
            }
        }
        let dest_modseq = target.highest;
        let expunged = if remove {
            let set: UidSet = picked.iter().map(|(u, _)| *u).collect();
            let out = self.state.expunge_locked(&mut s, &set, ExpungeFilter::Any);
            // The messages moved within the account: give back what the expunge released.
            self.state.used_bytes.fetch_add(bytes, Ordering::AcqRel);
            self.state.used_messages.fetch_add(count, Ordering::AcqRel);
            out
        } else {
            Expunged {
                uids: UidSet::new(),
                highest_modseq: s.highest,
            }
        };
        let src_modseq = s.highest;
        drop(d);
        drop(s);
        if !pairs.is_empty() {
            self.state.notifier.notify(dest, dest_modseq);
            if remove {
                self.state.notifier.notify(source, src_modseq);
            }
        }
        Ok((CopyMap { uidvalidity, pairs }, expunged))
    }
}

impl Account for MemoryAccount {
    fn id(&self) -> &AccountId {
        &self.state.id
    }

    fn features(&self) -> Features {
        Features {
            persistent_modseq: false,
            keywords_creatable: true,
            max_keywords: None,
        }
    }

    async fn list_mailboxes(&self) -> Result<Vec<MailboxInfo>> {
        let mut out = AccountState::infos(&self.state.tree.read());
        out.sort_by(|a, b| (a.name != INBOX, &a.name).cmp(&(b.name != INBOX, &b.name)));
        Ok(out)
    }

    async fn mailbox(&self, name: &str) -> Result<MailboxInfo> {
        let id = self.state.find(name)?.read().id;
        AccountState::info_of(&self.state.tree.read(), id)
    }

    async fn create_mailbox(
        &self,
        name: &str,
        special_use: Option<SpecialUse>,
    ) -> Result<MailboxInfo> {
        let name = normalize_mailbox_name(name)?;
        let mut tree = self.state.tree.write();
        if AccountState::find_in(&tree, &name).is_some() {
            return Err(StoreError::new(
                ErrorKind::AlreadyExists,
                format!("mailbox {name:?} exists"),
            ));
        }
        let mut parent = String::new();
        for level in name
            .split(HIERARCHY_DELIMITER)
            .collect::<Vec<_>>()
            .split_last()
            .map_or(&[][..], |(_, p)| p)
        {
            if !parent.is_empty() {
                parent.push(HIERARCHY_DELIMITER);
            }
            parent.push_str(level);
            if AccountState::find_in(&tree, &parent).is_none() {
                self.state.create_in(&mut tree, parent.clone(), None);
            }
        }
        let r = self.state.create_in(&mut tree, name, special_use);
        let id = r.read().id;
        let info = AccountState::info_of(&tree, id)?;
        drop(tree);
        self.state.notifier.notify(info.id, ModSeq::MIN);
        Ok(info)
    }

    async fn rename_mailbox(&self, id: MailboxId, new_name: &str) -> Result<()> {
        let new_name = normalize_mailbox_name(new_name)?;
        let tree = self.state.tree.write();
        let target = tree.mailboxes.get(&id).cloned().ok_or_else(|| gone(id))?;
        let old = target.read().name.clone();
        if old == INBOX {
            return Err(StoreError::invalid("renaming INBOX is not supported"));
        }
        if new_name == INBOX || AccountState::find_in(&tree, &new_name).is_some() {
            return Err(StoreError::new(
                ErrorKind::AlreadyExists,
                format!("mailbox {new_name:?} exists"),
            ));
        }
        if new_name.starts_with(&format!("{old}{HIERARCHY_DELIMITER}")) {
            return Err(StoreError::invalid("cannot rename a mailbox below itself"));
        }
        let prefix = format!("{old}{HIERARCHY_DELIMITER}");
        for m in tree.mailboxes.values() {
            let mut m = m.write();
            if m.name == old {
                m.name.clone_from(&new_name);
            } else if let Some(rest) = m.name.strip_prefix(&prefix) {
                m.name = format!("{new_name}{HIERARCHY_DELIMITER}{rest}");
            }
        }
        let mut tree = tree;
        let mut parent = String::new();
        let levels: Vec<&str> = new_name.split(HIERARCHY_DELIMITER).collect();
        for level in &levels[..levels.len() - 1] {
            if !parent.is_empty() {
                parent.push(HIERARCHY_DELIMITER);
            }
            parent.push_str(level);
            if AccountState::find_in(&tree, &parent).is_none() {
                self.state.create_in(&mut tree, parent.clone(), None);
            }
        }
        let modseq = target.read().highest;
        drop(tree);
        self.state.notifier.notify(id, modseq);
        Ok(())
    }

    async fn delete_mailbox(&self, id: MailboxId) -> Result<()> {
        let mut tree = self.state.tree.write();
        let target = tree.mailboxes.get(&id).cloned().ok_or_else(|| gone(id))?;
        let mut mb = target.write();
        if mb.name == INBOX {
            return Err(StoreError::invalid("INBOX cannot be deleted"));
        }
        mb.removed = true;
        let count = mb.messages.len() as u64;
        self.state.release(mb.size, count);
        let modseq = mb.bump();
        drop(mb);
        tree.mailboxes.remove(&id);
        drop(tree);
        self.state.notifier.notify(id, modseq);
        Ok(())
    }

    async fn set_subscribed(&self, id: MailboxId, subscribed: bool) -> Result<()> {
        self.state.get(id)?.write().subscribed = subscribed;
        Ok(())
    }

    async fn status(&self, id: MailboxId) -> Result<MailboxStatus> {
        let m = self.state.get(id)?;
        let mb = m.read();
        Ok(MailboxStatus {
            id,
            messages: u32::try_from(mb.messages.len()).unwrap_or(u32::MAX),
            uidnext: mb.uidnext,
            uidvalidity: mb.uidvalidity,
            unseen: mb.unseen,
            deleted: mb.deleted,
            size: mb.size,
            highest_modseq: mb.highest,
        })
    }

    async fn snapshot(&self, id: MailboxId) -> Result<Snapshot> {
        let m = self.state.get(id)?;
        let mb = m.read();
        Ok(Snapshot {
            id,
            uidvalidity: mb.uidvalidity,
            uidnext: mb.uidnext,
            highest_modseq: mb.highest,
            uids: mb.messages.keys().copied().collect(),
            keywords: {
                let mut k: Vec<crate::Keyword> = mb
                    .messages
                    .values()
                    .flat_map(|m| m.flags.keywords().iter().cloned())
                    .collect();
                k.sort_unstable();
                k.dedup();
                k
            },
        })
    }

    async fn fetch_meta(&self, id: MailboxId, uids: &UidSet) -> Result<Vec<MessageMeta>> {
        let m = self.state.get(id)?;
        let mb = m.read();
        Ok(mb.selected(uids).map(|(u, msg)| mb.meta(*u, msg)).collect())
    }

    async fn read_body(
        &self,
        id: MailboxId,
        uid: Uid,
        range: Option<Range<u64>>,
    ) -> Result<BodyStream> {
        let m = self.state.get(id)?;
        let bytes = m
            .read()
            .messages
            .get(&uid)
            .map(|msg| msg.blob.bytes.clone())
            .ok_or_else(|| StoreError::not_found(format!("no message with UID {uid}")))?;
        let r = clamp_range(range, bytes.len() as u64);
        let (a, b) = (
            usize::try_from(r.start).unwrap_or(usize::MAX),
            usize::try_from(r.end).unwrap_or(usize::MAX),
        );
        Ok(BodyStream::from_bytes(bytes.slice(a..b)))
    }

    async fn append(
        &self,
        id: MailboxId,
        message: Bytes,
        options: AppendOptions,
    ) -> Result<Appended> {
        let m = self.state.get(id)?;
        let message = CanonicalMessage::new(message);
        let blob = Arc::new(Blob::new(&message, &self.state.shared));
        let now = self.state.shared.config.clock.now();
        self.state.append_blob(
            &m,
            blob,
            options.flags,
            options.internal_date.unwrap_or(now),
            now,
        )
    }

    async fn store_flags(
        &self,
        id: MailboxId,
        uids: &UidSet,
        op: FlagOp,
        flags: &Flags,
        unchanged_since: Option<ModSeq>,
    ) -> Result<FlagUpdate> {
        let m = self.state.get(id)?;
        let mut mb = m.write();
        let mut modified = UidSet::new();
        let mut updates = Vec::new();
        for (uid, msg) in mb.selected(uids) {
            if unchanged_since.is_some_and(|u| msg.modseq > u) {
                modified.insert(*uid);
                continue;
            }
            let new = msg.flags.apply(op, flags);
            if new != msg.flags {
                updates.push((*uid, new));
            }
        }
        let mut changed = Vec::with_capacity(updates.len());
        if !updates.is_empty() {
            let modseq = mb.bump();
            for (uid, new) in updates {
                mb.set_flags(uid, new.clone(), modseq);
                changed.push(FlagChange {
                    uid,
                    flags: new,
                    modseq,
                });
            }
            drop(mb);
            self.state.notifier.notify(id, modseq);
        }
        Ok(FlagUpdate { changed, modified })
    }

    async fn copy(&self, source: MailboxId, uids: &UidSet, dest: MailboxId) -> Result<CopyMap> {
        self.copy_impl(source, uids, dest, false).map(|(m, _)| m)
    }

    async fn move_messages(
        &self,
        source: MailboxId,
        uids: &UidSet,
        dest: MailboxId,
    ) -> Result<Moved> {
        let (map, expunged) = self.copy_impl(source, uids, dest, true)?;
        Ok(Moved { map, expunged })
    }

    async fn expunge(
        &self,
        id: MailboxId,
        uids: &UidSet,
        filter: ExpungeFilter,
    ) -> Result<Expunged> {
        let m = self.state.get(id)?;
        let mut mb = m.write();
        let out = self.state.expunge_locked(&mut mb, uids, filter);
        drop(mb);
        if !out.uids.is_empty() {
            self.state.notifier.notify(id, out.highest_modseq);
        }
        Ok(out)
    }

    async fn changes_since(&self, id: MailboxId, since: ModSeq) -> Result<Changes> {
        let m = self.state.get(id)?;
        let mb = m.read();
        let from = (since.next(), Uid::MIN);
        let mut changed: Vec<FlagChange> = if since >= mb.highest {
            Vec::new()
        } else {
            mb.by_modseq
                .range(from..)
                .filter_map(|(&(_, uid), ())| {
                    let msg = mb.messages.get(&uid)?;
                    Some(FlagChange {
                        uid,
                        flags: msg.flags.clone(),
                        modseq: msg.modseq,
                    })
                })
                .collect()
        };
        changed.sort_unstable_by_key(|c| c.uid);
        let new_uids = changed
            .iter()
            .filter(|c| mb.messages.get(&c.uid).is_some_and(|m| m.created > since))
            .map(|c| c.uid)
            .collect();
        let vanished = if since < mb.horizon {
            Vanished::TooOld
        } else {
            let start = mb.tombstones.partition_point(|&(m, _)| m <= since);
            Vanished::Uids(mb.tombstones.range(start..).map(|&(_, u)| u).collect())
        };
        Ok(Changes {
            uidvalidity: mb.uidvalidity,
            highest_modseq: mb.highest,
            changed,
            new_uids,
            vanished,
        })
    }

    fn watch(&self) -> Watcher {
        self.state.notifier.watch()
    }

    async fn pop3_maildrop(&self) -> Result<Maildrop> {
        let lock = self
            .state
            .maildrop
            .try_lock()
            .ok_or_else(|| StoreError::new(ErrorKind::InUse, "maildrop in use"))?;
        let m = self.state.find(INBOX)?;
        let mb = m.read();
        let messages = mb
            .messages
            .iter()
            .map(|(uid, msg)| MaildropEntry {
                uid: *uid,
                size: msg.blob.size(),
                header_len: msg.blob.header_len,
                uidl: default_pop3_uidl(*uid, mb.uidvalidity),
            })
            .collect();
        Ok(Maildrop::new(mb.id, mb.uidvalidity, messages, lock))
    }

    async fn pop3_commit(&self, maildrop: Maildrop, deleted: &UidSet) -> Result<Expunged> {
        let out = self
            .expunge(maildrop.mailbox, deleted, ExpungeFilter::Any)
            .await;
        drop(maildrop);
        out
    }

    async fn quota(&self) -> Result<Quota> {
        let cfg = &self.state.shared.config;
        Ok(Quota {
            used_bytes: self.state.used_bytes.load(Ordering::Acquire),
            limit_bytes: cfg.quota_bytes,
            used_messages: self.state.used_messages.load(Ordering::Acquire),
            limit_messages: cfg.quota_messages,
        })
    }
}

// `Future` is used by the trait signatures the `async fn`s above implement.
const _: fn() = || {
    fn assert_send<F: Future + Send>(_: F) {}
    let _ = assert_send::<std::future::Ready<()>>;
};
