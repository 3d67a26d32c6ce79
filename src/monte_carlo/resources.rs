//! What a run may ask of the machine: memory (estimated before any draw is
//! sampled, and compared with what the process can get) and threads.
//!
//! ```text
//! memory of a run of D draws = fixed + D * per_draw
//!   per_draw = 8 stride (values) + 8 (failure slot)
//!            + summary: 9 (usable-draw index and flag)
//!                       + 8 (widest + 1) threads (one group of series and a selection buffer
//!                         per worker; widest = the most values of one country, union or
//!                         tracked output, e.g. 21)
//!            + shard:   32 stride + 64 (hex text, then the JSON document)
//!            + draws CSV: 24 (parameters + written columns) (text)
//!   fixed    = 4 D N (Latin hypercube permutations of N random dimensions) + 16 MiB
//! available = min( MemAvailable (/proc/meminfo),
//!                  cgroup v2 memory.max - memory.current, v1 limit_in_bytes - usage_in_bytes
//!                  (the process's group and its ancestors),
//!                  RLIMIT_AS soft limit (/proc/self/limits) - VmSize (/proc/self/status) )
//! threads  <= 4 * available_parallelism
//! ```
//! The limits are read from Linux's `/proc` and `/sys/fs/cgroup`; where they
//! cannot be read (another system), no memory limit is assumed.

use std::fmt;

use super::layout::Layout;
use crate::error::{Error, Result};

/// Working memory besides the per-draw buffers: prepared markets, solver
/// workspaces, the summary document.
const OVERHEAD_BYTES: u64 = 16 << 20;

/// Threads allowed per core.
pub const THREADS_PER_CORE: usize = 4;

/// What will be made of a range of draws once computed: it decides how much
/// memory a draw costs beyond its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutputPlan {
    summary: bool,
    shard: bool,
    draws_csv: bool,
    threads: usize,
}

impl OutputPlan {
    /// The draws' values only (what [`MonteCarlo::run_range`](super::MonteCarlo::run_range) holds).
    pub fn values() -> Self {
        OutputPlan::default()
    }

    /// Values, then their summaries ([`McSummary`](super::McSummary)), with
    /// the buffers of `threads` workers (each holds the series of one
    /// country, union or tracked output, and a buffer to select percentiles in).
    pub fn summary(threads: usize) -> Self {
        OutputPlan {
            summary: true,
            threads: threads.max(1),
            ..OutputPlan::default()
        }
    }

    /// Values, then a shard file's text ([`ShardDocument`](super::ShardDocument)).
    pub fn shard() -> Self {
        OutputPlan {
            shard: true,
            ..OutputPlan::default()
        }
    }

    /// Also the text of the per-draw CSV file.
    pub fn with_draws_csv(mut self) -> Self {
        self.draws_csv = true;
        self
    }
}

/// Bytes of memory a range of draws needs, before it is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryEstimate {
    /// Draws in the range.
    pub draws: u64,
    /// Draws of the whole run (a shard holds a part of them).
    pub run_draws: u64,
    /// Bytes per draw.
    pub per_draw: u64,
    /// Bytes that do not depend on the range (Latin hypercube permutations
    /// of the whole run, working memory).
    pub fixed: u64,
}

impl MemoryEstimate {
    /// `fixed + draws * per_draw`, saturating.
    pub fn total(&self) -> u64 {
        self.per_draw
            .saturating_mul(self.draws)
            .saturating_add(self.fixed)
    }

    /// The smallest number of equal shards of the whole run each of which
    /// fits in `available` bytes (None when even one draw per shard does not).
    pub fn shards_to_fit(&self, available: u64) -> Option<u64> {
        let room = available.checked_sub(self.fixed)?;
        let per_shard = room / self.per_draw.max(1);
        if per_shard == 0 {
            return None;
        }
        // shard sizes are floor/ceil of D/N: ceil(D/N) <= per_shard
        Some(self.run_draws.div_ceil(per_shard).max(1))
    }

    /// Refuses a range that does not fit in `limit`.
    ///
    /// # Errors
    /// [`Error::Invalid`] with the estimate, the memory available and the
    /// number of shards that would fit.
    pub fn check(&self, limit: &MemoryLimit) -> Result<()> {
        let need = self.total();
        if need <= limit.bytes {
            return Ok(());
        }
        let advice = match self.shards_to_fit(limit.bytes) {
            Some(n) if n <= self.run_draws => format!(
                "split the run into at least {n} shards (shard K of {n} holds about {} draws) \
                 and merge them, or run fewer draws",
                self.run_draws.div_ceil(n)
            ),
            _ => "no split into shards fits: run fewer draws, or use random sampling \
                  (Latin hypercube permutations cover every draw of the run)"
                .to_string(),
        };
        Err(Error::invalid(
            "Monte Carlo memory",
            format!(
                "{} draws need about {} ({} per draw + {}), but about {} is available ({}); {advice}",
                self.draws,
                Bytes(need),
                Bytes(self.per_draw),
                Bytes(self.fixed),
                Bytes(limit.bytes),
                limit.source
            ),
        ))
    }
}

/// How much memory the process can still get, and which limit decides it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryLimit {
    /// Bytes.
    pub bytes: u64,
    /// The deciding limit, in words (e.g. `available system memory`).
    pub source: &'static str,
}

/// Bytes in units a reader takes in at a glance (`1.5 GB`).
pub(crate) struct Bytes(pub(crate) u64);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.0 as f64;
        for (unit, size) in [("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)] {
            if b >= size {
                return write!(f, "{:.1} {unit}", b / size);
            }
        }
        write!(f, "{} bytes", self.0)
    }
}

/// The memory estimate of `draws` draws (of a run of `run_draws`) laid out
/// by `layout`, with `n_params` varied items, `lhs_dims` Latin hypercube
/// dimensions and `csv_columns` written outcome columns.
pub(crate) fn estimate(
    draws: u64,
    run_draws: u64,
    layout: &Layout,
    n_params: usize,
    lhs_dims: usize,
    csv_columns: usize,
    plan: &OutputPlan,
) -> MemoryEstimate {
    let stride = layout.stride() as u64;
    let mut per_draw = 8 * stride + 8;
    if plan.summary {
        per_draw += 9 + 8 * (layout.widest() as u64 + 1) * plan.threads as u64;
    }
    if plan.shard {
        per_draw += 32 * stride + 64;
    }
    if plan.draws_csv {
        per_draw += 24 * (n_params + csv_columns) as u64 + 32;
    }
    MemoryEstimate {
        draws,
        run_draws,
        per_draw,
        fixed: lhs_bytes(run_draws, lhs_dims).saturating_add(OVERHEAD_BYTES),
    }
}

/// Bytes of the Latin hypercube permutations of a run.
pub(crate) fn lhs_bytes(run_draws: u64, dims: usize) -> u64 {
    run_draws.saturating_mul(4).saturating_mul(dims as u64)
}

/// The memory the process can still get: the lowest of the system's
/// available memory, its control group's limit and its address-space limit
/// (Linux). None when none of them can be read.
pub fn available_memory() -> Option<MemoryLimit> {
    let read = |p: &str| std::fs::read_to_string(p).ok();
    let mut best: Option<MemoryLimit> = None;
    let mut consider = |bytes: Option<u64>, source: &'static str| {
        if let Some(bytes) = bytes {
            if best.as_ref().is_none_or(|b| bytes < b.bytes) {
                best = Some(MemoryLimit { bytes, source });
            }
        }
    };
    consider(
        read("/proc/meminfo").and_then(|t| meminfo_available(&t)),
        "available system memory",
    );
    consider(
        read("/proc/self/cgroup").and_then(|t| cgroup_room(&t, &read)),
        "the control group's memory limit",
    );
    consider(
        read("/proc/self/limits").and_then(|l| {
            let limit = address_space_limit(&l)?;
            let used = read("/proc/self/status")
                .and_then(|s| vm_size(&s))
                .unwrap_or(0);
            Some(limit.saturating_sub(used))
        }),
        "the process's address-space limit",
    );
    best
}

/// `MemAvailable` of `/proc/meminfo`, in bytes.
fn meminfo_available(text: &str) -> Option<u64> {
    kib_field(text, "MemAvailable:")
}

/// `VmSize` of `/proc/self/status`, in bytes.
fn vm_size(text: &str) -> Option<u64> {
    kib_field(text, "VmSize:")
}

fn kib_field(text: &str, name: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with(name))?;
    let kib: u64 = line[name.len()..].split_whitespace().next()?.parse().ok()?;
    Some(kib.saturating_mul(1024))
}

/// The soft `Max address space` of `/proc/self/limits` (None: unlimited).
fn address_space_limit(text: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with("Max address space"))?;
    line["Max address space".len()..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Room left under the memory limits of the process's control group and its
/// ancestors: cgroup v2 (`0::/path`: `memory.max`, `memory.current`) or v1
/// (`N:memory:/path`: `memory.limit_in_bytes`, `memory.usage_in_bytes`).
fn cgroup_room(proc_cgroup: &str, read: &dyn Fn(&str) -> Option<String>) -> Option<u64> {
    let number = |s: Option<String>| s.and_then(|t| t.trim().parse::<u64>().ok());
    let mut room: Option<u64> = None;
    for line in proc_cgroup.lines() {
        let mut parts = line.splitn(3, ':');
        let (_, controllers, path) = (parts.next()?, parts.next()?, parts.next()?);
        let (root, limit_file, usage_file) = if controllers.is_empty() {
            ("/sys/fs/cgroup", "memory.max", "memory.current")
        } else if controllers.split(',').any(|c| c == "memory") {
            (
                "/sys/fs/cgroup/memory",
                "memory.limit_in_bytes",
                "memory.usage_in_bytes",
            )
        } else {
            continue;
        };
        // the group and each ancestor up to the root of the hierarchy
        let mut dir = path.trim_end_matches('/').to_string();
        loop {
            let base = format!("{root}{dir}");
            // "max" (v2) does not parse: no limit at this level
            if let Some(limit) = number(read(&format!("{base}/{limit_file}"))) {
                // v1 writes "no limit" as a huge page-aligned number
                if limit < (1 << 60) {
                    let used = number(read(&format!("{base}/{usage_file}"))).unwrap_or(0);
                    let r = limit.saturating_sub(used);
                    room = Some(room.map_or(r, |x: u64| x.min(r)));
                }
            }
            match dir.rfind('/') {
                Some(i) if !dir.is_empty() => dir.truncate(i),
                _ => break,
            }
        }
    }
    room
}

/// Most threads a run accepts: [`THREADS_PER_CORE`] per available core.
pub fn max_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, usize::from)
        .saturating_mul(THREADS_PER_CORE)
}

/// Checks a requested thread count.
///
/// # Errors
/// [`Error::Invalid`] for 0, or for more than [`max_threads`]: more threads
/// than cores only add switching, and a huge count exhausts the system.
pub fn check_threads(threads: usize) -> Result<usize> {
    let max = max_threads();
    if threads == 0 || threads > max {
        return Err(Error::invalid(
            "thread count",
            format!(
                "{threads} requested; give 1 to {max} ({THREADS_PER_CORE} per core, {} cores \
                 available): results do not depend on the count, and more threads than cores \
                 only slow a run down",
                max / THREADS_PER_CORE
            ),
        ));
    }
    Ok(threads)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_proc_files() {
        let meminfo =
            "MemTotal:       32000000 kB\nMemFree:  100 kB\nMemAvailable:   23790928 kB\n";
        assert_eq!(meminfo_available(meminfo), Some(23_790_928 * 1024));
        let limits = "Limit                     Soft Limit           Hard Limit           Units\n\
                      Max data size             unlimited            unlimited            bytes\n\
                      Max address space         2147483648           unlimited            bytes\n";
        assert_eq!(address_space_limit(limits), Some(2_147_483_648));
        assert_eq!(
            address_space_limit(&limits.replace("2147483648", "unlimited")),
            None
        );
        assert_eq!(vm_size("Name: x\nVmSize:\t  1000 kB\n"), Some(1_024_000));
    }

    #[test]
    fn cgroup_limits_of_the_group_and_its_ancestors() {
        let files = |p: &str| -> Option<String> {
            match p {
                "/sys/fs/cgroup/a/b/memory.max" => Some("max\n".into()),
                "/sys/fs/cgroup/a/memory.max" => Some("3000000000\n".into()),
                "/sys/fs/cgroup/a/memory.current" => Some("1000000000\n".into()),
                "/sys/fs/cgroup/memory/job/memory.limit_in_bytes" => {
                    Some("9223372036854771712\n".into())
                }
                _ => None,
            }
        };
        assert_eq!(cgroup_room("0::/a/b\n", &files), Some(2_000_000_000));
        assert_eq!(cgroup_room("4:memory:/job\n0::/\n", &files), None);
        let v1 = |p: &str| -> Option<String> {
            match p {
                "/sys/fs/cgroup/memory/job/memory.limit_in_bytes" => Some("1073741824".into()),
                "/sys/fs/cgroup/memory/job/memory.usage_in_bytes" => Some("73741824".into()),
                _ => None,
            }
        };
        assert_eq!(
            cgroup_room("5:cpu:/x\n4:memory:/job\n", &v1),
            Some(1_000_000_000)
        );
    }

    #[test]
    fn shard_count_that_fits() {
        let e = MemoryEstimate {
            draws: 1000,
            run_draws: 1000,
            per_draw: 1_000_000,
            fixed: 10_000_000,
        };
        assert_eq!(e.total(), 1_010_000_000);
        let limit = MemoryLimit {
            bytes: 310_000_000,
            source: "test",
        };
        // 300 draws per shard fit: 4 shards of 250
        assert_eq!(e.shards_to_fit(limit.bytes), Some(4));
        let msg = e.check(&limit).unwrap_err().to_string();
        assert!(msg.contains("1.0 GB") && msg.contains("310.0 MB"), "{msg}");
        assert!(msg.contains("at least 4 shards"), "{msg}");
        assert!(
            e.check(&MemoryLimit {
                bytes: 2_000_000_000,
                source: "test"
            })
            .is_ok()
        );
        assert_eq!(e.shards_to_fit(5_000_000), None);
    }

    #[test]
    fn thread_counts_are_bounded() {
        assert_eq!(check_threads(1).unwrap(), 1);
        assert_eq!(check_threads(max_threads()).unwrap(), max_threads());
        assert!(check_threads(0).is_err());
        let e = check_threads(100_000).unwrap_err().to_string();
        assert!(e.contains("100000 requested"), "{e}");
    }

    #[test]
    fn this_machine_reports_a_limit() {
        if cfg!(target_os = "linux") {
            let l = available_memory().expect("Linux has /proc/meminfo");
            assert!(l.bytes > 0);
        }
    }
}
