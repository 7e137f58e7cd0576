//! Object-safe adapters: [`DynStore`]/[`DynAccount`] for `dyn` use, and [`BoxedStore`]/
//! [`BoxedAccount`] that implement [`Store`]/[`Account`] again over them, so a server generic
//! over `Store` also runs on a store chosen at run time.
//!
//! The `Dyn*` traits are not re-exported at the crate root: their methods share names with
//! [`Store`]'s and [`Account`]'s, and a glob import of both would make calls ambiguous.

use std::fmt;
use std::future::Future;
use std::ops::Range;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;

use crate::{
    Account, AccountId, AppendOptions, Appended, BodyStream, Changes, CopyMap, Delivery,
    ExpungeFilter, Expunged, Features, FlagOp, FlagUpdate, Flags, MailboxId, MailboxInfo,
    MailboxStatus, Maildrop, MessageMeta, ModSeq, Moved, Quota, Result, Snapshot, SpecialUse,
    Store, Uid, UidSet, Watcher,
};

/// A boxed, `Send` future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The object-safe form of [`Store`]; implemented for every `Store`.
pub trait DynStore: Send + Sync + 'static {
    /// [`Store::open_account`].
    fn open_account<'a>(&'a self, account: &'a AccountId) -> BoxFuture<'a, Result<BoxedAccount>>;
    /// [`Store::deliver`].
    fn deliver<'a>(
        &'a self,
        message: Bytes,
        recipients: &'a [Delivery],
    ) -> BoxFuture<'a, Vec<Result<Appended>>>;
}

impl<S: Store> DynStore for S {
    fn open_account<'a>(&'a self, account: &'a AccountId) -> BoxFuture<'a, Result<BoxedAccount>> {
        Box::pin(async move {
            let a = Store::open_account(self, account).await?;
            Ok(BoxedAccount::new(a))
        })
    }

    fn deliver<'a>(
        &'a self,
        message: Bytes,
        recipients: &'a [Delivery],
    ) -> BoxFuture<'a, Vec<Result<Appended>>> {
        Box::pin(Store::deliver(self, message, recipients))
    }
}

/// The object-safe form of [`Account`]; implemented for every `Account`.
#[allow(missing_docs)] // each method is the `Account` method of the same name
pub trait DynAccount: Send + Sync + 'static {
    fn id(&self) -> &AccountId;
    fn features(&self) -> Features;
    fn list_mailboxes(&self) -> BoxFuture<'_, Result<Vec<MailboxInfo>>>;
    fn mailbox<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<MailboxInfo>>;
    fn create_mailbox<'a>(
        &'a self,
        name: &'a str,
        special_use: Option<SpecialUse>,
    ) -> BoxFuture<'a, Result<MailboxInfo>>;
    fn rename_mailbox<'a>(&'a self, id: MailboxId, new_name: &'a str) -> BoxFuture<'a, Result<()>>;
    fn delete_mailbox(&self, id: MailboxId) -> BoxFuture<'_, Result<()>>;
    fn set_subscribed(&self, id: MailboxId, subscribed: bool) -> BoxFuture<'_, Result<()>>;
    fn status(&self, id: MailboxId) -> BoxFuture<'_, Result<MailboxStatus>>;
    fn snapshot(&self, id: MailboxId) -> BoxFuture<'_, Result<Snapshot>>;
    fn fetch_meta<'a>(
        &'a self,
        id: MailboxId,
        uids: &'a UidSet,
    ) -> BoxFuture<'a, Result<Vec<MessageMeta>>>;
    fn read_body(
        &self,
        id: MailboxId,
        uid: Uid,
        range: Option<Range<u64>>,
    ) -> BoxFuture<'_, Result<BodyStream>>;
    fn append(
        &self,
        id: MailboxId,
        message: Bytes,
        options: AppendOptions,
    ) -> BoxFuture<'_, Result<Appended>>;
    fn store_flags<'a>(
        &'a self,
        id: MailboxId,
        uids: &'a UidSet,
        op: FlagOp,
        flags: &'a Flags,
        unchanged_since: Option<ModSeq>,
    ) -> BoxFuture<'a, Result<FlagUpdate>>;
    fn copy<'a>(
        &'a self,
        source: MailboxId,
        uids: &'a UidSet,
        dest: MailboxId,
    ) -> BoxFuture<'a, Result<CopyMap>>;
    fn move_messages<'a>(
        &'a self,
        source: MailboxId,
        uids: &'a UidSet,
        dest: MailboxId,
    ) -> BoxFuture<'a, Result<Moved>>;
    fn expunge<'a>(
        &'a self,
        id: MailboxId,
        uids: &'a UidSet,
        filter: ExpungeFilter,
    ) -> BoxFuture<'a, Result<Expunged>>;
    fn changes_since(&self, id: MailboxId, since: ModSeq) -> BoxFuture<'_, Result<Changes>>;
    fn watch(&self) -> Watcher;
    fn pop3_maildrop(&self) -> BoxFuture<'_, Result<Maildrop>>;
    fn pop3_commit<'a>(
        &'a self,
        maildrop: Maildrop,
        deleted: &'a UidSet,
    ) -> BoxFuture<'a, Result<Expunged>>;
    fn quota(&self) -> BoxFuture<'_, Result<Quota>>;
}

impl<A: Account> DynAccount for A {
    fn id(&self) -> &AccountId {
        Account::id(self)
    }
    fn features(&self) -> Features {
        Account::features(self)
    }
    fn list_mailboxes(&self) -> BoxFuture<'_, Result<Vec<MailboxInfo>>> {
        Box::pin(Account::list_mailboxes(self))
    }
    fn mailbox<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<MailboxInfo>> {
        Box::pin(Account::mailbox(self, name))
    }
    fn create_mailbox<'a>(
        &'a self,
        name: &'a str,
        special_use: Option<SpecialUse>,
    ) -> BoxFuture<'a, Result<MailboxInfo>> {
        Box::pin(Account::create_mailbox(self, name, special_use))
    }
    fn rename_mailbox<'a>(&'a self, id: MailboxId, new_name: &'a str) -> BoxFuture<'a, Result<()>> {
        Box::pin(Account::rename_mailbox(self, id, new_name))
    }
    fn delete_mailbox(&self, id: MailboxId) -> BoxFuture<'_, Result<()>> {
        Box::pin(Account::delete_mailbox(self, id))
    }
    fn set_subscribed(&self, id: MailboxId, subscribed: bool) -> BoxFuture<'_, Result<()>> {
        Box::pin(Account::set_subscribed(self, id, subscribed))
    }
    fn status(&self, id: MailboxId) -> BoxFuture<'_, Result<MailboxStatus>> {
        Box::pin(Account::status(self, id))
    }
    fn snapshot(&self, id: MailboxId) -> BoxFuture<'_, Result<Snapshot>> {
        Box::pin(Account::snapshot(self, id))
    }
    fn fetch_meta<'a>(
        &'a self,
        id: MailboxId,
        uids: &'a UidSet,
    ) -> BoxFuture<'a, Result<Vec<MessageMeta>>> {
        Box::pin(Account::fetch_meta(self, id, uids))
    }
    fn read_body(
        &self,
        id: MailboxId,
        uid: Uid,
        range: Option<Range<u64>>,
    ) -> BoxFuture<'_, Result<BodyStream>> {
        Box::pin(Account::read_body(self, id, uid, range))
    }
    fn append(
        &self,
        id: MailboxId,
        message: Bytes,
        options: AppendOptions,
    ) -> BoxFuture<'_, Result<Appended>> {
        Box::pin(Account::append(self, id, message, options))
    }
    fn store_flags<'a>(
        &'a self,
        id: MailboxId,
        uids: &'a UidSet,
        op: FlagOp,
        flags: &'a Flags,
        unchanged_since: Option<ModSeq>,
    ) -> BoxFuture<'a, Result<FlagUpdate>> {
        Box::pin(Account::store_flags(
            self,
            id,
            uids,
            op,
            flags,
            unchanged_since,
        ))
    }
    fn copy<'a>(
        &'a self,
        source: MailboxId,
        uids: &'a UidSet,
        dest: MailboxId,
    ) -> BoxFuture<'a, Result<CopyMap>> {
        Box::pin(Account::copy(self, source, uids, dest))
    }
    fn move_messages<'a>(
        &'a self,
        source: MailboxId,
        uids: &'a UidSet,
        dest: MailboxId,
    ) -> BoxFuture<'a, Result<Moved>> {
        Box::pin(Account::move_messages(self, source, uids, dest))
    }
    fn expunge<'a>(
        &'a self,
        id: MailboxId,
        uids: &'a UidSet,
        filter: ExpungeFilter,
    ) -> BoxFuture<'a, Result<Expunged>> {
        Box::pin(Account::expunge(self, id, uids, filter))
    }
    fn changes_since(&self, id: MailboxId, since: ModSeq) -> BoxFuture<'_, Result<Changes>> {
        Box::pin(Account::changes_since(self, id, since))
    }
    fn watch(&self) -> Watcher {
        Account::watch(self)
    }
    fn pop3_maildrop(&self) -> BoxFuture<'_, Result<Maildrop>> {
        Box::pin(Account::pop3_maildrop(self))
    }
    fn pop3_commit<'a>(
        &'a self,
        maildrop: Maildrop,
        deleted: &'a UidSet,
    ) -> BoxFuture<'a, Result<Expunged>> {
        Box::pin(Account::pop3_commit(self, maildrop, deleted))
    }
    fn quota(&self) -> BoxFuture<'_, Result<Quota>> {
        Box::pin(Account::quota(self))
    }
}

/// Any [`Store`] behind one type, chosen at run time (e.g. memory or Maildir by a flag).
#[derive(Clone)]
pub struct BoxedStore(Arc<dyn DynStore>);

impl BoxedStore {
    /// Erases a store's type.
    pub fn new(store: impl Store) -> Self {
        Self(Arc::new(store))
    }
}

impl fmt::Debug for BoxedStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BoxedStore")
    }
}

impl Store for BoxedStore {
    type Account = BoxedAccount;

    async fn open_account(&self, account: &AccountId) -> Result<BoxedAccount> {
        self.0.open_account(account).await
    }

    async fn deliver(&self, message: Bytes, recipients: &[Delivery]) -> Vec<Result<Appended>> {
        self.0.deliver(message, recipients).await
    }
}

/// Any [`Account`] behind one type.
#[derive(Clone)]
pub struct BoxedAccount(Arc<dyn DynAccount>);

impl BoxedAccount {
    /// Erases an account's type.
    pub fn new(account: impl Account) -> Self {
        Self(Arc::new(account))
    }
}

impl fmt::Debug for BoxedAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("BoxedAccount").field(self.0.id()).finish()
    }
}

impl Account for BoxedAccount {
    fn id(&self) -> &AccountId {
        self.0.id()
    }
    fn features(&self) -> Features {
        self.0.features()
    }
    fn watch(&self) -> Watcher {
        self.0.watch()
    }
    async fn list_mailboxes(&self) -> Result<Vec<MailboxInfo>> {
        self.0.list_mailboxes().await
    }
    async fn mailbox(&self, name: &str) -> Result<MailboxInfo> {
        self.0.mailbox(name).await
    }
    async fn create_mailbox(
        &self,
        name: &str,
        special_use: Option<SpecialUse>,
    ) -> Result<MailboxInfo> {
        self.0.create_mailbox(name, special_use).await
    }
    async fn rename_mailbox(&self, id: MailboxId, new_name: &str) -> Result<()> {
        self.0.rename_mailbox(id, new_name).await
    }
    async fn delete_mailbox(&self, id: MailboxId) -> Result<()> {
        self.0.delete_mailbox(id).await
    }
    async fn set_subscribed(&self, id: MailboxId, subscribed: bool) -> Result<()> {
        self.0.set_subscribed(id, subscribed).await
    }
    async fn status(&self, id: MailboxId) -> Result<MailboxStatus> {
        self.0.status(id).await
    }
    async fn snapshot(&self, id: MailboxId) -> Result<Snapshot> {
        self.0.snapshot(id).await
    }
    async fn fetch_meta(&self, id: MailboxId, uids: &UidSet) -> Result<Vec<MessageMeta>> {
        self.0.fetch_meta(id, uids).await
    }
    async fn read_body(
        &self,
        id: MailboxId,
        uid: Uid,
        range: Option<Range<u64>>,
    ) -> Result<BodyStream> {
        self.0.read_body(id, uid, range).await
    }
    async fn append(
        &self,
        id: MailboxId,
        message: Bytes,
        options: AppendOptions,
    ) -> Result<Appended> {
        self.0.append(id, message, options).await
    }
    async fn store_flags(
        &self,
        id: MailboxId,
        uids: &UidSet,
        op: FlagOp,
        flags: &Flags,
        unchanged_since: Option<ModSeq>,
    ) -> Result<FlagUpdate> {
        self.0
            .store_flags(id, uids, op, flags, unchanged_since)
            .await
    }
    async fn copy(&self, source: MailboxId, uids: &UidSet, dest: MailboxId) -> Result<CopyMap> {
        self.0.copy(source, uids, dest).await
    }
    async fn move_messages(
        &self,
        source: MailboxId,
        uids: &UidSet,
        dest: MailboxId,
    ) -> Result<Moved> {
        self.0.move_messages(source, uids, dest).await
    }
    async fn expunge(
        &self,
        id: MailboxId,
        uids: &UidSet,
        filter: ExpungeFilter,
    ) -> Result<Expunged> {
        self.0.expunge(id, uids, filter).await
    }
    async fn changes_since(&self, id: MailboxId, since: ModSeq) -> Result<Changes> {
        self.0.changes_since(id, since).await
    }
    async fn pop3_maildrop(&self) -> Result<Maildrop> {
        self.0.pop3_maildrop().await
    }
    async fn pop3_commit(&self, maildrop: Maildrop, deleted: &UidSet) -> Result<Expunged> {
        self.0.pop3_commit(maildrop, deleted).await
    }
    async fn quota(&self) -> Result<Quota> {
        self.0.quota().await
    }
}
