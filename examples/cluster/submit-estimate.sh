#!/bin/bash
# Submit a sharded estimate: the array job (estimate-array.sbatch, SHARDS tasks) and the merge job
# (estimate-merge.sbatch), which starts only once every array task has succeeded (afterok).
#   SPEC=my-spec.json ENSEMBLE=100000000 SHARDS=16 OUT=runs/big examples/cluster/submit-estimate.sh
# Every setting is exported to both jobs (sbatch's default --export=ALL).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
SBATCH=${SBATCH:-sbatch}
export SHARDS=${SHARDS:-8}

array=$($SBATCH --parsable --array=0-$((SHARDS - 1)) "$here/estimate-array.sbatch")
array=${array%%;*}   # --parsable prints "jobid" or "jobid;cluster"
merge=$($SBATCH --parsable --dependency=afterok:"$array" "$here/estimate-merge.sbatch")
merge=${merge%%;*}
echo "array job $array ($SHARDS shards), merge job $merge (after the array succeeds)"
