#!/bin/bash
# Submit a sharded sweep: the array job (sweep-array.sbatch, SHARDS tasks) and the merge job
# (sweep-merge.sbatch) after every task has succeeded.
#   SWEEP=scan.json SHARDS=4 OUT=runs/scan examples/cluster/submit-sweep.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
SBATCH=${SBATCH:-sbatch}
export SHARDS=${SHARDS:-8}

array=$($SBATCH --parsable --array=0-$((SHARDS - 1)) "$here/sweep-array.sbatch")
array=${array%%;*}
merge=$($SBATCH --parsable --dependency=afterok:"$array" "$here/sweep-merge.sbatch")
merge=${merge%%;*}
echo "array job $array ($SHARDS shards), merge job $merge (after the array succeeds)"
