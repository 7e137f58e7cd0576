//! The dot-lock Dovecot uses for `dovecot-uidlist`: create `<file>.lock` exclusively, remove
//! it when done. A lock whose owner died (its pid is gone) or that is older than two minutes
//! is stale and is broken, so a killed writer never wedges the folder.

use std::fs::{self, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
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
        let mut waited = Duration::ZERO;
        let mut pause = Duration::from_micros(200);
        loop {
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut f) => {
                    // Dovecot's dotlocks name their owner the same way.
                    let _ = write!(f, "{}:mailwire", std::process::id());
                    return Ok(Self { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    if owner_is_dead(&path) || is_old(&path) {
                        let _ = fs::remove_file(&path);
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
}
