#!/usr/bin/env bash
# End-to-end test of the Slurm example (examples/slurm): start a one-node
# Slurm cluster on this machine, submit a 4-task Monte Carlo array job plus the
# dependent merge job with examples/slurm/submit.sh, and check that the merged
# result is byte-identical to a single-process run of the same case.
#
#   tests/slurm/run.sh PATH/TO/customs-union
#
# Needs root and Debian's apt (installs slurm-wlm and munge when missing);
# prints "SKIP: <reason>" and exits 0 where it cannot run. Everything else
# (munge key and socket, slurm.conf, state, spool, logs) lives in a scratch
# folder that is removed on exit, after the daemons are stopped.
# Environment: CU_SLURM_TIMEOUT (seconds to wait for the jobs, default 600),
# CU_SLURM_KEEP=1 keeps the scratch folder.
set -euo pipefail

t0=$SECONDS
say() { printf '[slurm-test %3ds] %s\n' "$((SECONDS - t0))" "$*"; }
skip() { echo "SKIP: $*"; exit 0; }
die() { echo "FAIL: $*" >&2; exit 1; }

[[ $# -eq 1 ]] || die "usage: $0 PATH/TO/customs-union"
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[[ -x $bin ]] || die "$1 is not an executable"
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
case_data=$repo/data/toy
case_scenario=$repo/tests/slurm/mc_small.toml
shards=4
job_timeout=${CU_SLURM_TIMEOUT:-600}

[[ $(id -u) -eq 0 ]] || skip "not root (a test cluster needs root to install and run slurmctld, slurmd and munged)"
command -v apt-get >/dev/null || skip "no apt-get (the test installs Debian's slurm-wlm and munge)"

# --- scratch folder and cleanup -------------------------------------------------
scratch=$(mktemp -d "${TMPDIR:-/tmp}/cu-slurm.XXXXXX")
chmod 755 "$scratch"
etc=$scratch/etc run=$scratch/run log=$scratch/log
mkdir -p "$etc" "$run" "$log" "$scratch/state" "$scratch/spool" "$scratch/munge" "$scratch/work"
export SLURM_CONF=$etc/slurm.conf

stop_pidfile() { # stop the daemon whose pid is in $1, waiting up to 10 s
    local pid
    [[ -s $1 ]] || return 0
    pid=$(<"$1")
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.2
    done
    kill -KILL "$pid" 2>/dev/null || true
}
show_logs() {
    local f
    for f in "$scratch"/work/results/logs/* "$log"/*; do
        [[ -f $f ]] || continue
        echo "----- $f (last 40 lines)"
        tail -n 40 "$f"
    done
}
cleanup() {
    local rc=$?
    set +e
    if ((rc != 0)); then show_logs; fi
    if [[ -n ${array:-} ]]; then timeout 20 scancel "$array" "${merge:-}" >/dev/null 2>&1; fi
    stop_pidfile "$run/slurmd.pid"
    stop_pidfile "$run/slurmctld.pid"
    stop_pidfile "$run/munged.pid"
    if [[ ${CU_SLURM_KEEP:-} == 1 ]]; then
        echo "scratch folder kept: $scratch"
    else
        rm -rf "$scratch"
    fi
    say "cleaned up (exit $rc)"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- packages -----------------------------------------------------------------
if command -v slurmctld >/dev/null && command -v slurmd >/dev/null &&
    command -v sbatch >/dev/null && command -v munged >/dev/null; then
    say "slurm-wlm and munge already installed"
else
    export DEBIAN_FRONTEND=noninteractive
    apt_log=$scratch/apt.log
    say "apt-get update"
    apt-get update -q >"$apt_log" 2>&1 || {
        tail -n 20 "$apt_log"
        skip "the package registry is not reachable (apt-get update failed)"
    }
    say "apt-get install -y slurm-wlm munge"
    if ! apt-get install -y -q slurm-wlm munge >>"$apt_log" 2>&1; then
        tail -n 30 "$apt_log"
        if grep -qE 'Failed to fetch|Temporary failure resolving|Unable to locate package|Could not resolve' "$apt_log"; then
            skip "the package registry is not reachable (apt-get install could not download slurm-wlm and munge)"
        fi
        die "apt-get install slurm-wlm munge failed"
    fi
fi
say "$(slurmctld -V), $(munged -V 2>&1 | awk '{print $1; exit}')"

# --- munge: own key, socket and pid file ---------------------------------------
dd if=/dev/urandom of="$etc/munge.key" bs=1024 count=1 status=none
chmod 400 "$etc/munge.key"
socket=$scratch/munge/munge.socket
munged --force --key-file="$etc/munge.key" --socket="$socket" \
    --pid-file="$run/munged.pid" --log-file="$log/munged.log" --seed-file="$scratch/munge/seed" ||
    die "munged did not start"
munge -n --socket="$socket" | unmunge --socket="$socket" | grep -q 'STATUS: *Success' ||
    die "munge -n | unmunge does not succeed"
say "munged running"

# --- slurm.conf -----------------------------------------------------------------
free_port() { # first port from $1 on that nothing listens on
    local p=$1
    while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
    echo "$p"
}
host=$(hostname -s)
ctld_port=$(free_port 6817)
slurmd_port=$(free_port $((ctld_port + 1)))
mem_mb=$(awk '/^MemTotal:/ {print int($2 / 1024 * 0.9)}' /proc/meminfo)
cat >"$SLURM_CONF" <<CONF
ClusterName=cutest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
StateSaveLocation=$scratch/state
SlurmdSpoolDir=$scratch/spool
SlurmctldPidFile=$run/slurmctld.pid
SlurmdPidFile=$run/slurmd.pid
SlurmctldLogFile=$log/slurmctld.log
SlurmdLogFile=$log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
DependencyParameters=kill_invalid_depend
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$mem_mb State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF

# --- daemons --------------------------------------------------------------------
slurmctld -f "$SLURM_CONF" || die "slurmctld did not start"
slurmd -f "$SLURM_CONF" || die "slurmd did not start"
say "slurmctld (port $ctld_port) and slurmd (port $slurmd_port) started"
for _ in $(seq 120); do
    state=$(sinfo -h -n "$host" -o '%T' 2>/dev/null || true)
    [[ $state == idle ]] && break
    sleep 0.5
done
[[ $state == idle ]] || { sinfo || true; die "node $host not idle after 60 s (state: ${state:-none})"; }
say "node $host idle ($(nproc) CPUs)"

# --- the jobs ---------------------------------------------------------------------
cd "$scratch/work"
submitted=$(CU_BIN=$bin CU_SCENARIO=$case_scenario CU_DATA=$case_data \
    CU_SHARDS=$shards CU_CPUS=1 CU_MEM=256M CU_TIME=00:10:00 CU_MERGE_MEM=256M \
    CU_RESULTS=results CU_OUT=merged.json \
    "$repo/examples/slurm/submit.sh") || die "submit.sh failed"
echo "$submitted"
array=$(sed -n 's/^array job \([0-9]*\):.*/\1/p' <<<"$submitted")
merge=$(sed -n 's/^merge job \([0-9]*\):.*/\1/p' <<<"$submitted")
[[ -n $array && -n $merge ]] || die "could not read the job ids from submit.sh"

# The states of a job's tasks while slurmctld remembers it (MinJobAge), as
# "<count> <STATE>" pairs, e.g. "4 COMPLETED".
job_states() {
    scontrol -o show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2 | sort | uniq -c | xargs
}
# Wait until every task of job $1 has ended (any final state), or time out.
deadline=$((SECONDS + job_timeout))
wait_job() {
    local states
    while :; do
        states=$(job_states "$1")
        [[ -n $states ]] || die "job $1 unknown to slurmctld"
        if ! grep -qE 'PENDING|RUNNING|CONFIGURING|COMPLETING|REQUEUED|RESIZING|SUSPENDED|STAGE_OUT|SIGNALING' <<<"$states"; then
            echo "$states"
            return
        fi
        ((SECONDS < deadline)) || die "jobs not done after ${job_timeout}s: job $1: $states"
        sleep 1
    done
}
array_states=$(wait_job "$array")
merge_states=$(wait_job "$merge")
say "array job $array: $array_states; merge job $merge: $merge_states"
[[ $array_states == "$shards COMPLETED" ]] || die "array job $array: $array_states"
[[ $merge_states == "1 COMPLETED" ]] || die "merge job $merge: $merge_states"
for k in $(seq 0 $((shards - 1))); do
    [[ -f results/shard-$k-of-$shards.json ]] || die "results/shard-$k-of-$shards.json missing"
done
[[ -f merged.json ]] || die "merge job completed without writing merged.json"
cat results/logs/mc-"$array"_0.out

# --- the same case in one process ---------------------------------------------
"$bin" mc --data "$case_data" --scenario "$case_scenario" --quiet --out single.json
if cmp merged.json single.json; then
    say "merged result of $shards Slurm shards is byte-identical to the single-process run ($(wc -c <single.json) bytes)"
else
    die "merged.json and single.json differ"
fi

# --- a lost shard: merge refuses, rerunning just that index repairs it ----------
lost=$((shards / 2))
rm "results/shard-$lost-of-$shards.json"
if "$bin" merge results --out partial.json 2>merge.err; then
    die "merge accepted the shards without shard-$lost-of-$shards.json"
fi
say "without shard $lost, merge refuses: $(head -n 1 merge.err)"
rerun=$(CU_BIN=$bin CU_SCENARIO=$case_scenario CU_DATA=$case_data CU_RESULTS=results CU_SHARDS=$shards \
    sbatch --parsable --array="$lost" --cpus-per-task=1 --mem=256M \
    --output="results/logs/rerun-%A_%a.out" "$repo/examples/slurm/mc_array.sbatch") ||
    die "sbatch --array=$lost failed"
rerun=${rerun%%;*}
rerun_states=$(wait_job "$rerun")
[[ $rerun_states == "1 COMPLETED" ]] || die "rerun job $rerun: $rerun_states"
"$bin" merge results --out remerged.json
cmp remerged.json single.json || die "the merge after rerunning shard $lost differs from the single-process run"
say "rerun of array index $lost alone (job $rerun): merged result again byte-identical"
