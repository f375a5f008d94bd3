#!/usr/bin/env bash
# A sweep split into 8 shards as a Slurm job array. Submit from a folder on a
# shared file system, then merge when the array has finished:
#   jobid=$(sbatch --parsable slurm-array.sh)
#   sbatch --dependency=afterok:$jobid --wrap "handoff-sim merge shards --out reports"
#SBATCH --job-name=handoff-sim-sweep
#SBATCH --array=1-8
#SBATCH --cpus-per-task=2
#SBATCH --mem=1G
#SBATCH --time=02:00:00
set -euo pipefail

shards=8   # keep equal to the size of --array
handoff-sim sweep scenarios/basic.toml \
    --set agents.general.count=8..40 \
    --replications 20 \
    --shard "${SLURM_ARRAY_TASK_ID}/${shards}" \
    --jobs "${SLURM_CPUS_PER_TASK:-1}" --quiet \
    --out shards
