//! Helpers shared by the end-to-end tests: finding the example programs, waiting for ports, and
//! the rule for real peers (skip with a printed reason on a laptop, fail in CI).
#![allow(dead_code, clippy::disallowed_methods)]

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The directory of the real peers started by `scripts/peers.sh`.
pub fn peers_dir() -> PathBuf {
    std::env::var_os("PEERS_DIR").map_or_else(|| PathBuf::from("/tmp/mailpeers"), PathBuf::from)
}

/// Whether something listens on 127.0.0.1:`port`.
pub fn port_open(port: u16) -> bool {
    TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(300)).is_ok()
}

/// Returns true when the peer on `port` is up. Without it: in CI (`CI=true`) the test fails,
/// elsewhere it prints why and the caller returns early.
pub fn require_peer(name: &str, port: u16) -> bool {
    if port_open(port) {
        return true;
    }
    let msg = format!(
        "{name} is not listening on 127.0.0.1:{port}; start it with `scripts/peers.sh start`"
    );
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{msg} (mandatory in CI)"
    );
    eprintln!("SKIPPED: {msg}");
    false
}

/// Returns true when `program` is on PATH; same CI rule as [`require_peer`].
pub fn require_program(program: &str) -> bool {
    let found = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()));
    if found {
        return true;
    }
    let msg = format!("{program} is not installed (scripts/peers.sh install)");
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{msg} (mandatory in CI)"
    );
    eprintln!("SKIPPED: {msg}");
    false
}

/// The path of an example program built by `cargo test` (examples are built with the tests).
pub fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    // target/<profile>/deps/<test>-<hash> -> target/<profile>/examples/<name>
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target profile directory");
    let path = profile_dir.join("examples").join(name);
    assert!(
        path.is_file(),
        "example {name} not built at {}",
        path.display()
    );
    path
}

/// A free port on 127.0.0.1 (bound and released; good enough on a test machine).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind an ephemeral port")
}

/// Waits until 127.0.0.1:`port` accepts connections.
pub fn wait_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !port_open(port) {
        assert!(Instant::now() < deadline, "port {port} did not open");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A child process killed when dropped, so a failing test leaves no server behind.
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts an example program with `args`, its stdout and stderr piped.
pub fn spawn_example(name: &str, args: &[&str]) -> Running {
    let child = Command::new(example(name))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn example");
    Running(child)
}

/// Runs `python3 -c script` and returns its stdout, failing the test with stderr on error.
pub fn python(script: &str) -> String {
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "python failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A fresh empty directory under the system temp dir.
pub fn temp_dir(tag: &str) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("mailwire-{tag}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// Runs the `dissect` example with `args` on `input`; returns (exit code, stdout).
pub fn dissect(args: &[&str], input: &[u8]) -> (i32, String) {
    use std::io::Write;
    let mut child = Command::new(example("dissect"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn dissect");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write input");
    let out = child.wait_with_output().expect("dissect output");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}
