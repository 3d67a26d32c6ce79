#!/usr/bin/env bash
# Submit a sharded Monte Carlo run to Slurm: an array job of CU_SHARDS tasks
# (mc_array.sbatch, one shard each) and a merge job (merge.sbatch) that starts
# only when every task has succeeded (--dependency=afterok).
#
#   CU_SCENARIO=my_mc.toml CU_SHARDS=32 CU_DRAWS=100000 examples/slurm/submit.sh
#
# Parameters (environment variables; relative paths are taken from the current
# directory). Pick CU_SHARDS, CU_CPUS and CU_MEM with docs/cluster.md.
#   CU_BIN        customs-union binary            (default: customs-union on PATH)
#   CU_SCENARIO   scenario file with [montecarlo] (default: cet_2010_mc.toml next to this script)
#   CU_DATA       data directory                  (default: the embedded dataset)
#   CU_DATASET    embedded dataset name, instead of CU_DATA
#   CU_DRAWS      number of draws                 (default: montecarlo.draws of the file)
#   CU_SEED       seed                            (default: montecarlo.seed of the file)
#   CU_SHARDS     number of shards = array tasks  (default: 16)
#   CU_CPUS       CPUs (threads) per shard        (default: 2)
#   CU_MEM        memory per shard                (default: 1G)
#   CU_TIME       time limit per shard            (default: 01:00:00)
#   CU_MERGE_MEM  memory of the merge job         (default: 2G)
#   CU_RESULTS    directory for the shard files   (default: ./results); must hold no shards yet
#   CU_OUT        merged JSON file                (default: $CU_RESULTS/mc.json)
#   CU_LOGS       directory for the job logs      (default: $CU_RESULTS/logs)
#   CU_SBATCH_ARGS  extra sbatch options for both jobs, e.g. "--partition=short --account=proj"
#
# Prints the two job ids; their logs are CU_LOGS/mc-<array>_<task>.out and
# CU_LOGS/merge-<job>.out.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
abs() { case $1 in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }

shards=${CU_SHARDS:-16}
cpus=${CU_CPUS:-2}
mem=${CU_MEM:-1G}
time_limit=${CU_TIME:-01:00:00}
merge_mem=${CU_MERGE_MEM:-2G}
read -r -a extra <<<"${CU_SBATCH_ARGS:-}"

if ! [[ $shards =~ ^[0-9]+$ ]] || ((shards < 1)); then
    echo "submit.sh: CU_SHARDS=$shards is not a positive integer" >&2
    exit 2
fi

# The jobs see the environment of this script (sbatch exports it by default);
# make every path absolute so they do not depend on their working directory.
if [[ -n ${CU_BIN:-} && $CU_BIN == */* ]]; then
    CU_BIN=$(abs "$CU_BIN")
elif ! CU_BIN=$(command -v "${CU_BIN:-customs-union}"); then
    echo "submit.sh: customs-union not found on PATH: set CU_BIN" >&2
    exit 2
fi
CU_SCENARIO=$(abs "${CU_SCENARIO:-$here/cet_2010_mc.toml}")
CU_RESULTS=$(abs "${CU_RESULTS:-results}")
CU_OUT=$(abs "${CU_OUT:-$CU_RESULTS/mc.json}")
logs=$(abs "${CU_LOGS:-$CU_RESULTS/logs}")
if [[ -n ${CU_DATA:-} ]]; then CU_DATA=$(abs "$CU_DATA"); fi
export CU_BIN CU_SCENARIO CU_RESULTS CU_OUT CU_DATA CU_DATASET CU_DRAWS CU_SEED
# The array's own size gives the shard count (--shard slurm).
unset CU_SHARDS

for f in "$CU_BIN" "$CU_SCENARIO"; do
    if [[ ! -f $f ]]; then
        echo "submit.sh: $f: no such file" >&2
        exit 2
    fi
done
# Shards of an earlier run would make the merge refuse (or, with the same
# shard count and fingerprint, be silently reused): start from an empty set.
if compgen -G "$CU_RESULTS/shard-*-of-*.json" >/dev/null; then
    echo "submit.sh: $CU_RESULTS already holds shard files: remove them or choose another CU_RESULTS" >&2
    exit 2
fi
mkdir -p "$CU_RESULTS" "$logs"

array=$(sbatch --parsable "${extra[@]}" \
    --array="0-$((shards - 1))" --cpus-per-task="$cpus" --mem="$mem" --time="$time_limit" \
    --output="$logs/mc-%A_%a.out" \
    "$here/mc_array.sbatch")
array=${array%%;*} # --parsable prints "id" or "id;cluster"

merge=$(sbatch --parsable "${extra[@]}" \
    --dependency="afterok:$array" --kill-on-invalid-dep=yes --mem="$merge_mem" \
    --output="$logs/merge-%j.out" \
    "$here/merge.sbatch")
merge=${merge%%;*}

echo "array job $array: $shards shards of $(basename "$CU_SCENARIO") into $CU_RESULTS"
echo "merge job $merge: after every task of $array succeeds, writes $CU_OUT"
echo "logs: $logs"
