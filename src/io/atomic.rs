//! Writing without ever losing a file: every output goes to a dot-prefixed
//! temporary file (or folder) beside its final place, is synced, and is then
//! renamed into place. A failed or interrupted write leaves the previous
//! file intact and no partial file under the final name.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::ScopedJoinHandle;

use rayon::prelude::*;

use crate::error::{Error, Result};

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn temp_name(path: &Path) -> Result<PathBuf> {
    let name = path
        .file_name()
        .ok_or_else(|| Error::io_message(path.display().to_string(), "not a file name"))?;
    Ok(parent_of(path).join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    )))
}

fn named(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::io(path.display().to_string(), e)
}

/// Bytes written to a file between two syncs started while it is still
/// being written.
const SYNC_EVERY: u64 = 2 << 20;

/// A file being written whose bytes go to the disk as they come: each time
/// another [`SYNC_EVERY`] bytes have been written, the thread that syncs the
/// file is told to sync what is there so far, so that the sync of the whole
/// file at the end finds little left to write.
struct SyncingFile {
    file: fs::File,
    written: u64,
    next_sync: u64,
    ticks: mpsc::Sender<()>,
}

impl Write for SyncingFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.written += n as u64;
        if self.written >= self.next_sync {
            self.next_sync = self.written + SYNC_EVERY;
            // the syncing thread ends only after the last tick
            let _ = self.ticks.send(());
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// The syncing thread of a file: a sync of the data written so far at each
/// tick (ticks that came during a sync are taken as one), then, once the
/// writer is done with the file, the sync of the whole file.
fn sync_as_written(file: &fs::File, ticks: &mpsc::Receiver<()>) -> std::io::Result<()> {
    while ticks.recv().is_ok() {
        while ticks.try_recv().is_ok() {}
        file.sync_data()?;
    }
    file.sync_all()
}

/// Creates `file` and writes what `write` produces into it through a
/// buffer, the bytes synced as they come by a thread started in `scope`;
/// errors name `path`, the file's final name. Returns that thread: the file
/// is on disk once it has returned `Ok`.
fn write_syncing<'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    file: &Path,
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<ScopedJoinHandle<'scope, Result<()>>> {
    let f = fs::File::create(file).map_err(named(file))?;
    let synced = f.try_clone().map_err(named(path))?;
    let (ticks, received) = mpsc::channel();
    let name = path.to_path_buf();
    let sync = scope.spawn(move || sync_as_written(&synced, &received).map_err(named(&name)));
    // writers that hand over large blocks of bytes have them go straight
    // to the file: only smaller pieces are gathered in the buffer
    let mut w = std::io::BufWriter::with_capacity(
        1 << 16,
        SyncingFile {
            file: f,
            written: 0,
            next_sync: SYNC_EVERY,
            ticks,
        },
    );
    // the file is dropped, which ends its syncing thread, whether or not
    // the write succeeds
    write(&mut w).map_err(named(path))?;
    w.into_inner().map_err(|e| named(path)(e.into_error()))?;
    Ok(sync)
}

/// Waits for a syncing thread: `Ok` once its file is on disk.
fn synced(sync: ScopedJoinHandle<'_, Result<()>>) -> Result<()> {
    sync.join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Writes `bytes` to `path` atomically (creating its folder if needed).
///
/// # Errors
/// [`Error::Io`] naming the file; the previous file, if any, is left intact.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    write_streamed(path, |w| w.write_all(bytes))
}

/// Writes what `write` produces to `path` atomically, through a buffer into
/// the temporary file as it comes: a large document is never held whole in
/// memory. The previous file is replaced only once `write` has succeeded
/// and the file is synced.
///
/// # Errors
/// [`Error::Io`] naming the file; the previous file, if any, is left intact.
pub fn write_streamed(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let parent = parent_of(path);
    fs::create_dir_all(&parent).map_err(named(&parent))?;
    let tmp = temp_name(path)?;
    let result = std::thread::scope(|scope| synced(write_syncing(scope, &tmp, path, write)?))
        .and_then(|()| fs::rename(&tmp, path).map_err(named(path)));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Writes a folder of files whole or not at all: the files go to a temporary
/// folder beside `dir`, which then replaces `dir` (a previous `dir` is removed
/// only once the new one is complete).
///
/// # Errors
/// [`Error::Io`] naming the file or folder; nothing is left under `dir` that
/// was not there before, unless the final rename succeeded.
pub fn write_dir(dir: &Path, files: &[(&str, Vec<u8>)]) -> Result<()> {
    let names: Vec<&str> = files.iter().map(|(name, _)| *name).collect();
    write_dir_streamed(dir, &names, |k, w| w.write_all(&files[k].1))
}

/// Writes a folder of files named `names` whole or not at all, as
/// [`write_dir`] does, each file streamed as `write(k, sink)` produces it
/// (`k` its index in `names`): no file is held whole in memory. The files
/// are written in parallel, so `write` must not depend on their order; they
/// are started in the order of `names` (put the one that takes longest
/// first), and each is synced as soon as it is written. The folder takes
/// its final name only once every file is on disk.
///
/// # Errors
/// [`Error::Io`] naming the file or folder, or the error `write` returns for
/// a file; nothing is left under `dir` that was not there before, unless the
/// final rename succeeded.
pub fn write_dir_streamed(
    dir: &Path,
    names: &[&str],
    write: impl Fn(usize, &mut dyn Write) -> std::io::Result<()> + Sync,
) -> Result<()> {
    let parent = parent_of(dir);
    fs::create_dir_all(&parent).map_err(named(&parent))?;
    let tmp = temp_name(dir)?;
    let _ = fs::remove_dir_all(&tmp);
    let build = || -> Result<()> {
        fs::create_dir(&tmp).map_err(named(&tmp))?;
        // each file is synced on a thread of its own as it is written: the
        // disk takes the small files and the first megabytes of the large
        // ones while the rest is still being formatted, and syncs that wait
        // together share the file system's journal commits. The scope
        // returns only once every sync has finished.
        std::thread::scope(|scope| {
            let syncs = std::sync::Mutex::new(Vec::with_capacity(names.len()));
            let written = names.par_iter().enumerate().try_for_each(|(k, name)| {
                let path = dir.join(name);
                let sync = write_syncing(scope, &tmp.join(name), &path, |w| write(k, w))?;
                syncs.lock().unwrap_or_else(|e| e.into_inner()).push(sync);
                Ok(())
            });
            let all_synced = (syncs.into_inner().unwrap_or_else(|e| e.into_inner()))
                .into_iter()
                .try_for_each(synced);
            written.and(all_synced)
        })
    };
    if let Err(e) = build() {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    if dir.exists() {
        let old = parent.join(format!(
            ".{}.old-{}",
            dir.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
            std::process::id()
        ));
        fs::rename(dir, &old).map_err(named(dir))?;
        if let Err(e) = fs::rename(&tmp, dir) {
            let _ = fs::rename(&old, dir);
            let _ = fs::remove_dir_all(&tmp);
            return Err(Error::io(dir.display().to_string(), e));
        }
        let _ = fs::remove_dir_all(&old);
    } else if let Err(e) = fs::rename(&tmp, dir) {
        let _ = fs::remove_dir_all(&tmp);
        return Err(Error::io(dir.display().to_string(), e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh folder and the path `name` in it.
    fn scratch(name: &str) -> (tempfile::TempDir, PathBuf) {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join(name);
        (d, p)
    }

    /// True when `d` holds exactly one entry: no temporary was left.
    fn holds_one(d: &tempfile::TempDir) -> bool {
        fs::read_dir(d.path()).unwrap().count() == 1
    }

    #[test]
    fn replaces_a_file_and_leaves_no_temporary() {
        let (d, p) = scratch("out.json");
        write_file(&p, b"one").unwrap();
        write_file(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert!(holds_one(&d));
    }

    #[test]
    fn a_stream_that_fails_leaves_the_previous_file() {
        let (d, p) = scratch("out.json");
        write_streamed(&p, |w| w.write_all(b"whole")).unwrap();
        let failed = write_streamed(&p, |w| {
            w.write_all(b"part")?;
            Err(std::io::Error::other("interrupted"))
        });
        assert!(failed.unwrap_err().to_string().contains("out.json"));
        assert_eq!(fs::read(&p).unwrap(), b"whole");
        assert!(holds_one(&d));
    }

    #[test]
    fn a_file_synced_as_it_is_written_arrives_whole() {
        // several times the bytes between two syncs, in small pieces and in
        // blocks larger than the buffer
        let bytes: Vec<u8> = (0..3 * SYNC_EVERY as usize + 12_345)
            .map(|k| (k % 251) as u8)
            .collect();
        let (d, p) = scratch("big.csv");
        write_streamed(&p, |w| bytes.chunks(1000).try_for_each(|c| w.write_all(c))).unwrap();
        assert_eq!(fs::read(&p).unwrap(), bytes);
        let names = ["small.csv", "big.csv"];
        let folder = d.path().join("csv");
        write_dir_streamed(&folder, &names, |k, w| match k {
            0 => w.write_all(b"1"),
            _ => bytes.chunks(700_000).try_for_each(|c| w.write_all(c)),
        })
        .unwrap();
        assert_eq!(fs::read(folder.join("big.csv")).unwrap(), bytes);
        assert_eq!(fs::read(folder.join("small.csv")).unwrap(), b"1");
    }

    #[test]
    fn replaces_a_folder_whole() {
        let (d, p) = scratch("csv");
        write_dir(&p, &[("a.csv", b"1".to_vec()), ("b.csv", b"2".to_vec())]).unwrap();
        write_dir(&p, &[("a.csv", b"3".to_vec())]).unwrap();
        assert_eq!(fs::read(p.join("a.csv")).unwrap(), b"3");
        assert!(!p.join("b.csv").exists());
        assert!(holds_one(&d));
    }

    #[test]
    fn a_folder_with_one_failed_file_leaves_the_previous_folder() {
        let (d, p) = scratch("csv");
        write_dir(&p, &[("a.csv", b"1".to_vec())]).unwrap();
        let names = ["a.csv", "b.csv", "c.csv"];
        let failed = write_dir_streamed(&p, &names, |k, w| {
            w.write_all(names[k].as_bytes())?;
            if k == 1 {
                return Err(std::io::Error::other("interrupted"));
            }
            Ok(())
        });
        assert!(failed.unwrap_err().to_string().contains("b.csv"));
        assert_eq!(fs::read(p.join("a.csv")).unwrap(), b"1");
        assert!(!p.join("c.csv").exists());
        assert!(holds_one(&d));
        write_dir_streamed(&p, &names, |k, w| w.write_all(names[k].as_bytes())).unwrap();
        for name in names {
            assert_eq!(fs::read(p.join(name)).unwrap(), name.as_bytes());
        }
    }
}
