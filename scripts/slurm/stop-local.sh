#!/usr/bin/env bash
# Stops the one-node cluster of start-local.sh (slurmd, slurmctld; munged only if we would have started it).
set -euo pipefail
STATE=${LTH_SLURM_STATE:-/var/lib/lth-slurm}
for d in slurmd slurmctld; do
  f="$STATE/run/$d.pid"
  if [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; then
    pid=$(cat "$f")
    kill "$pid"
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    echo "slurm stop-local: stopped $d ($pid)"
  fi
  rm -f "$f"
done
if [ -f /run/munge/munged.pid ] && [ "${1:-}" = "--munge" ]; then
  kill "$(cat /run/munge/munged.pid)" && echo "slurm stop-local: stopped munged"
fi
