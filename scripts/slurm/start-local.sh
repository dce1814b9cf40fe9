#!/usr/bin/env bash
# A one-node Slurm cluster on this machine (munged + slurmctld + slurmd, Debian's slurm-wlm and munge), for the
# integration test of `lth submit`. Writes /etc/slurm/slurm.conf with the node's real CPUs and memory (from
# `slurmd -C`), starts the daemons, and waits until `sinfo` shows the node idle. Idempotent: a cluster it already
# started is left running. Refuses to overwrite a slurm.conf it did not write. Needs root.
# Stop it with scripts/slurm/stop-local.sh.
set -euo pipefail

STATE=${LTH_SLURM_STATE:-/var/lib/lth-slurm}
CONF=/etc/slurm/slurm.conf
MARKER='# written by lth scripts/slurm/start-local.sh'
WAIT_S=${LTH_SLURM_WAIT_S:-60}

fail() { echo "slurm start-local: $*" >&2; exit 1; }

for bin in munged slurmctld slurmd sinfo; do
  command -v "$bin" >/dev/null 2>&1 || fail "$bin not found: apt-get install slurm-wlm munge"
done
[ "$(id -u)" -eq 0 ] || fail "must run as root (it starts munged, slurmctld and slurmd)"

node_idle() { sinfo -h -N -o '%t' 2>/dev/null | grep -qE '^(idle|mix|alloc)'; }
if [ -f "$CONF" ] && grep -qF "$MARKER" "$CONF" && node_idle; then
  echo "slurm start-local: already running ($(sinfo -h -N -o '%N %t %c CPUs %m MB'))"
  exit 0
fi
if [ -f "$CONF" ] && ! grep -qF "$MARKER" "$CONF"; then
  fail "$CONF exists and was not written by this script: not overwriting a real cluster's configuration"
fi

mkdir -p "$STATE/ctld" "$STATE/d" "$STATE/log" "$STATE/run" /etc/slurm
host=$(hostname -s)
# slurmd -C prints this machine's NodeName line (CPUs, sockets, cores, threads, RealMemory).
node_line=$(slurmd -C | head -1)
case "$node_line" in NodeName=*) ;; *) fail "unexpected 'slurmd -C' output: $node_line" ;; esac

cat >"$CONF" <<EOF
$MARKER
ClusterName=lth-local
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=$STATE/run/slurmctld.pid
SlurmdPidFile=$STATE/run/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
# No cgroups in containers: track processes by /proc, bind no tasks.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
# scancel: SIGTERM, then SIGKILL after KillWait seconds (a level trains synchronously: only SIGKILL stops it).
KillWait=1
SchedulerTimeSlice=5
$node_line NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
# slurmd -C names the node by its short hostname too; keep them in sync.
grep -q "^NodeName=$host " "$CONF" || fail "slurmd -C names the node differently from hostname -s ($host)"

# munge: a key (the package generates one; make one if it did not) and the daemon.
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
  chown munge:munge /etc/munge/munge.key 2>/dev/null || true
  chmod 400 /etc/munge/munge.key
fi
mkdir -p /run/munge /var/log/munge /var/lib/munge
chown munge:munge /run/munge /var/log/munge /var/lib/munge 2>/dev/null || true
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  if id munge >/dev/null 2>&1; then runuser -u munge -- munged; else munged --force; fi
  for _ in $(seq 1 20); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.5; done
  munge -n | unmunge >/dev/null 2>&1 || fail "munged did not start (see /var/log/munge/munged.log)"
fi

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
# A daemon left over from an earlier configuration reads the new file on reconfigure; else start it.
if pid_alive "$STATE/run/slurmctld.pid"; then scontrol reconfigure || true; else slurmctld; fi
if ! pid_alive "$STATE/run/slurmd.pid"; then slurmd; fi

for _ in $(seq 1 "$WAIT_S"); do
  if node_idle; then
    echo "slurm start-local: up ($(sinfo -h -N -o '%N %t %c CPUs %m MB'))"
    exit 0
  fi
  # A node that came up DOWN (e.g. after an unclean stop) is put back into service.
  if sinfo -h -N -o '%t' 2>/dev/null | grep -qE '^(down|drain)'; then scontrol update nodename="$host" state=resume 2>/dev/null || true; fi
  sleep 1
done
echo "--- slurmctld.log" >&2; tail -20 "$STATE/log/slurmctld.log" >&2 || true
echo "--- slurmd.log" >&2; tail -20 "$STATE/log/slurmd.log" >&2 || true
fail "the node did not become idle within ${WAIT_S}s (sinfo: $(sinfo -h -N 2>&1 | head -3))"
