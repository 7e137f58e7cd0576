//! The dot-lock Dovecot uses for `dovecot-uidlist`: create `<file>.lock` exclusively, remove
//! it when done. A lock whose owner died (its pid is gone) or that is older than two minutes
//! is stale and is broken, so a killed writer never wedges the folder.
//!
//! The lock appears with its owner already written in it: the pid goes into a private file
//! that is then hard-linked to the lock name (`link` fails when the name exists, so it is as
//! exclusive as `O_EXCL`). Creating the lock empty and writing the pid afterwards would leave
//! an ownerless lock behind a writer killed in between, and every other writer would wait.

use std::fs::{self, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::{ErrorKind, Result, StoreError};

const STALE_AFTER: Duration = Duration::from_secs(120);
const GIVE_UP_AFTER: Duration = Duration::from_secs(30);

/// A held lock; removed on drop.
#[derive(Debug)]
pub(crate) struct DotLock {
    path: PathBuf,
}

fn owner_is_dead(path: &Path) -> bool {
    let Ok(text) = fs::read_to_string(path) else {
        return false;
    };
    let pid = text
        .split(':')
        .next()
        .and_then(|p| p.trim().parse::<u32>().ok());
    match pid {
        Some(pid) if pid == std::process::id() => false,
        Some(pid) if Path::new("/proc/self").exists() => {
            !Path::new(&format!("/proc/{pid}")).exists()
        }
        _ => false,
    }
}

fn is_old(path: &Path) -> bool {
    fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age > STALE_AFTER)
}

impl DotLock {
    /// Takes the lock on `target`, waiting (this runs on a blocking thread) while a live
    /// owner holds it.
    pub(crate) fn acquire(target: &Path) -> Result<Self> {
        let mut path = target.as_os_str().to_owned();
        path.push(".lock");
        let path = PathBuf::from(path);
        // Unique per attempt: threads of one process take the lock too.
        static ATTEMPT: AtomicU64 = AtomicU64::new(0);
        let attempt = ATTEMPT.fetch_add(1, Ordering::Relaxed);
        let mut private = path.as_os_str().to_owned();
        private.push(format!(".{}.{attempt}", std::process::id()));
        let private = PathBuf::from(private);
        {
            let mut f = OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .open(&private)
                .map_err(|e| StoreError::io(format!("creating {}", private.display()), e))?;
            // Dovecot's dotlocks name their owner the same way.
            let _ = write!(f, "{}:mailwire", std::process::id());
        }
        let taken = Self::link_loop(&private, &path);
        let _ = fs::remove_file(&private);
        taken
    }

    fn link_loop(private: &Path, path: &Path) -> Result<Self> {
        let mut waited = Duration::ZERO;
        let mut pause = Duration::from_micros(200);
        loop {
            match fs::hard_link(private, path) {
                Ok(()) => {
                    return Ok(Self {
                        path: path.to_path_buf(),
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    if owner_is_dead(path) || is_old(path) {
                        let _ = fs::remove_file(path);
                        continue;
                    }
                    if waited >= GIVE_UP_AFTER {
                        return Err(StoreError::new(
                            ErrorKind::TryAgain,
                            format!("{} is held by another process", path.display()),
                        ));
                    }
                    std::thread::sleep(pause);
                    waited += pause;
                    pause = (pause * 2).min(Duration::from_millis(20));
                }
                Err(e) => return Err(StoreError::io(format!("creating {}", path.display()), e)),
            }
        }
    }
}

impl Drop for DotLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclusive_and_breaks_dead_owners() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("dovecot-uidlist");
        let lock = DotLock::acquire(&target).expect("free");
        let lock_path = dir.path().join("dovecot-uidlist.lock");
        assert!(lock_path.exists());
        drop(lock);
        assert!(!lock_path.exists());
        // A lock left by a process that no longer exists is broken at once.
        fs::write(&lock_path, "4194303999:host").expect("write");
        let again = DotLock::acquire(&target).expect("stale lock broken");
        drop(again);
        assert!(!lock_path.exists());
    }

    #[test]
    fn the_lock_names_its_owner_from_the_start_and_leaves_no_private_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("dovecot-uidlist");
        let lock = DotLock::acquire(&target).expect("free");
        let text = fs::read_to_string(dir.path().join("dovecot-uidlist.lock")).expect("lock");
        assert_eq!(text, format!("{}:mailwire", std::process::id()));
        let names: Vec<_> = fs::read_dir(dir.path())
            .expect("dir")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names.len(), 1, "only the lock itself: {names:?}");
        drop(lock);
        // Threads of one process contend without error.
        let target = std::sync::Arc::new(target);
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let target = target.clone();
                std::thread::spawn(move || {
                    for _ in 0..50 {
                        drop(DotLock::acquire(&target).expect("lock"));
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().expect("thread");
        }
        assert_eq!(fs::read_dir(dir.path()).expect("dir").count(), 0);
    }
}
