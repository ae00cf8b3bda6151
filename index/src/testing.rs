//! A real PostgreSQL server for tests, from Debian's `postgresql` package (installed by
//! `scripts/setup.sh`): `initdb` in a temporary directory, the server on a Unix socket there,
//! stopped and removed on drop. Never a mock.
use std::path::{Path, PathBuf};
use std::process::Command;

/// A running throwaway server.
pub struct PostgresServer {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
}

fn bin_dir() -> Result<PathBuf, String> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|_| "PostgreSQL is not installed: scripts/setup.sh installs Debian's postgresql".to_owned())?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().ok_or_else(|| "no initdb under /usr/lib/postgresql/*/bin".to_owned())
}

/// Runs `program` as the `postgres` user when we are root (the server refuses to run as root).
fn command(program: &Path) -> Command {
    // Root is uid 0, the owner of its own /proc/self.
    let root = std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false);
    if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn run(mut c: Command, what: &str) -> Result<(), String> {
    let out = c.output().map_err(|e| format!("{what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

impl PostgresServer {
    /// Creates a cluster in a new temporary directory and starts a server on it.
    pub fn start() -> Result<Self, String> {
        let bin = bin_dir()?;
        let dir = tempfile::Builder::new().prefix("agx-pg-").tempdir().map_err(|e| e.to_string())?;
        let data = dir.path().join("data");
        // The server's user owns the directory (when we are root, that is `postgres`).
        run(
            {
                let mut c = Command::new("chmod");
                c.args(["777"]).arg(dir.path());
                c
            },
            "chmod",
        )?;
        let mut init = command(&bin.join("initdb"));
        // The C collation: text sorts by bytes, as in SQLite (base58 addresses break ties).
        init.args(["-A", "trust", "-U", "postgres", "--locale=C", "-E", "UTF8", "-D"]).arg(&data);
        run(init, "initdb")?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .map_err(|e| e.to_string())?;
        let mut start = command(&bin.join("pg_ctl"));
        start
            .args(["-D"])
            .arg(&data)
            .args(["-w", "-l"])
            .arg(dir.path().join("server.log"))
            .arg("-o")
            .arg(format!("-p {port} -k {} -c listen_addresses='' -c fsync=off", dir.path().display()))
            .arg("start");
        run(start, "pg_ctl start")?;
        Ok(Self { dir, bin, port })
    }

    /// The connection string (`postgres` database, over the Unix socket).
    pub fn url(&self) -> String {
        format!("host={} port={} user=postgres dbname=postgres", self.dir.path().display(), self.port)
    }
}

impl Drop for PostgresServer {
    fn drop(&mut self) {
        let mut stop = command(&self.bin.join("pg_ctl"));
        stop.args(["-D"]).arg(self.dir.path().join("data")).args(["-m", "immediate", "stop"]);
        let _ = stop.output();
    }
}
