//! Writing downloaded messages into a plain Maildir (`tmp/`, `new/`, `cur/`) the crash-safe way:
//! write into `tmp/`, fsync the file, rename into `new/`, fsync the folder. A message is either
//! whole in `new/` or absent; the programs acknowledge (delete on the server, record a UIDL) only
//! after [`MaildirWriter::finish`] returned.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::UNIX_EPOCH;

use tokio::fs::File;
use tokio::io::AsyncWriteExt;

/// A Maildir folder to deliver into.
#[derive(Debug)]
pub struct MaildirWriter {
    root: PathBuf,
    host: String,
    counter: AtomicU64,
}

/// A message being written into `tmp/`.
#[derive(Debug)]
pub struct PendingMessage {
    file: File,
    tmp: PathBuf,
    name: String,
    size: u64,
}

impl PendingMessage {
    /// Appends content.
    pub async fn write(&mut self, data: &[u8]) -> io::Result<()> {
        self.size += data.len() as u64;
        self.file.write_all(data).await
    }

    /// Octets written so far.
    pub fn size(&self) -> u64 {
        self.size
    }
}

impl MaildirWriter {
    /// Opens (and creates) the Maildir at `root`.
    pub fn create(root: &Path) -> io::Result<Self> {
        for sub in ["tmp", "new", "cur"] {
            std::fs::create_dir_all(root.join(sub))?;
        }
        let host = std::fs::read_to_string("/etc/hostname")
            .ok()
            .map(|h| h.trim().replace(['/', ':'], "_"))
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "localhost".into());
        Ok(Self {
            root: root.to_path_buf(),
            host,
            counter: AtomicU64::new(0),
        })
    }

    /// The Maildir's root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Starts a message in `tmp/` under a unique name (`secs.MmicrosPpidQn.host`, the
    /// Maildir convention).
    pub async fn begin(&self) -> io::Result<PendingMessage> {
        let now = crate::driver::wall_clock()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let name = format!(
            "{}.M{}P{}Q{n}.{}",
            now.as_secs(),
            now.subsec_micros(),
            std::process::id(),
            self.host
        );
        let tmp = self.root.join("tmp").join(&name);
        let file = File::create(&tmp).await?;
        Ok(PendingMessage {
            file,
            tmp,
            name,
            size: 0,
        })
    }

    /// Makes the message durable and visible in `new/`; returns its path.
    pub async fn finish(&self, message: PendingMessage) -> io::Result<PathBuf> {
        message.file.sync_all().await?;
        drop(message.file);
        let dest = self.root.join("new").join(&message.name);
        tokio::fs::rename(&message.tmp, &dest).await?;
        let dir = self.root.join("new");
        tokio::task::spawn_blocking(move || std::fs::File::open(dir)?.sync_all())
            .await
            .map_err(io::Error::other)??;
        Ok(dest)
    }

    /// Throws away a message that was not completed.
    pub async fn abort(&self, message: PendingMessage) {
        drop(message.file);
        let _ = tokio::fs::remove_file(&message.tmp).await;
    }
}
