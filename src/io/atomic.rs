//! Writing without ever losing a file: every output goes to a dot-prefixed
//! temporary file (or folder) beside its final place, is synced, and is then
//! renamed into place. A failed or interrupted write leaves the previous
//! file intact and no partial file under the final name.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

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

/// Creates `file` and writes what `write` produces into it through a
/// buffer; errors name `path`, the file's final name. The file is returned
/// unsynced.
fn write_unsynced(
    file: &Path,
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<fs::File> {
    let f = fs::File::create(file).map_err(named(file))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
    write(&mut w).map_err(named(path))?;
    w.into_inner().map_err(|e| named(path)(e.into_error()))
}

/// As [`write_unsynced`], then syncs the file.
fn write_synced(
    file: &Path,
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    write_unsynced(file, path, write)?
        .sync_all()
        .map_err(named(path))
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
    let result =
        write_synced(&tmp, path, write).and_then(|()| fs::rename(&tmp, path).map_err(named(path)));
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
        // each file is synced on a thread of its own as soon as it is
        // written: the disk takes the small files while the large ones are
        // still being formatted, and syncs that wait together share the
        // file system's journal commits. The scope returns only once every
        // sync has finished.
        std::thread::scope(|scope| {
            let syncs = std::sync::Mutex::new(Vec::with_capacity(names.len()));
            let written = names.par_iter().enumerate().try_for_each(|(k, name)| {
                let path = dir.join(name);
                let f = write_unsynced(&tmp.join(name), &path, |w| write(k, w))?;
                let sync = scope.spawn(move || f.sync_all().map_err(named(&path)));
                syncs.lock().unwrap_or_else(|e| e.into_inner()).push(sync);
                Ok(())
            });
            let synced = (syncs.into_inner().unwrap_or_else(|e| e.into_inner()))
                .into_iter()
                .try_for_each(|sync| {
                    sync.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                });
            written.and(synced)
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
