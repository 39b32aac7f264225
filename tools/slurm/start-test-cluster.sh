#!/usr/bin/env bash
# Starts a single-node SLURM test cluster on this host (slurmctld + slurmd +
# munged, partition "debug"), for the slurm integration and e2e tests.
# Needs root. Idempotent: if the cluster is up with the same slurm.conf, it
# exits 0 at once; if the generated slurm.conf changed, it restarts the daemons.
#
#   sudo bash tools/slurm/start-test-cluster.sh      # install if missing, start, wait until idle
#   sudo bash tools/slurm/stop-test-cluster.sh       # cancel its jobs, stop the daemons
#
# Environment:
#   SLURM_TEST_NO_INSTALL=1   never run apt-get (fail instead if slurm is missing)
#   SLURM_TEST_WAIT_S=60      how long to wait for the node to become idle
#
# Exit codes: 0 up; 2 not root; 3 cannot install; 4 daemons do not start or the node never goes idle.
# Logs: /var/log/slurm-test/{slurmctld,slurmd}.log, /var/log/munge/munged.log
set -euo pipefail

CONF_DIR=/etc/slurm
CONF=$CONF_DIR/slurm.conf
LOG_DIR=/var/log/slurm-test
SPOOL=/var/spool/slurm-test
CTLD_PID=/run/slurmctld-test.pid
SLURMD_PID=/run/slurmd-test.pid
WAIT_S=${SLURM_TEST_WAIT_S:-60}
HOST=$(hostname -s)
CPUS=$(nproc)
TOTAL_MB=$(free -m | awk '/^Mem:/ {print $2}')
# Leave room for the OS: slurmd drains a node that has less memory than RealMemory says.
MEM_MB=$(( TOTAL_MB > 2048 ? TOTAL_MB - 1024 : TOTAL_MB * 3 / 4 ))

say() { echo "slurm-test: $*"; }
die() { local code=$1; shift; echo "slurm-test: ERROR: $*" >&2; exit "$code"; }
node_state() { sinfo -h -n "$HOST" -o '%T' 2>/dev/null | head -n1 | tr -d '*~#!%$@^' || true; }
running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
ready_state() { case "$1" in idle|mixed|allocated|completing) return 0 ;; *) return 1 ;; esac; }

conf_text() {
  cat <<EOF
# autoexp test cluster: written by tools/slurm/start-test-cluster.sh, rewritten on each start.
ClusterName=autoexp-test
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$SPOOL/ctld
SlurmdSpoolDir=$SPOOL/d
SlurmctldPidFile=$CTLD_PID
SlurmdPidFile=$SLURMD_PID
SlurmctldLogFile=$LOG_DIR/slurmctld.log
SlurmdLogFile=$LOG_DIR/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups in containers: track processes by parent pid, bind nothing.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
# No slurmdbd: sacct does not work here; finished jobs are read with scontrol.
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
# Memory is not a consumable: without cgroups it is not enforced anyway, and jobs
# without --mem would otherwise each claim the whole node and run one at a time.
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
# Finished jobs stay visible to scontrol for 5 minutes (the runner reads the end state there).
MinJobAge=300
KillWait=5
OverTimeLimit=0
InactiveLimit=0
SlurmdTimeout=300
Waittime=0
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
}

# One start at a time: test files running in parallel may all call this script.
# (Only root starts anything; others just take the fast path or stop at the root check.)
if [ "$(id -u)" = 0 ] && command -v flock >/dev/null 2>&1; then
  exec 9>"${TMPDIR:-/tmp}/autoexp-slurm-test.lock"
  flock -w 900 9 || die 4 "another start-test-cluster.sh has held ${TMPDIR:-/tmp}/autoexp-slurm-test.lock for 15 minutes"
fi

# Fast path: up with this very configuration (a second run, or another test file started it).
if command -v sinfo >/dev/null 2>&1 && [ -f "$CONF" ] && [ "$(cat "$CONF")" = "$(conf_text)" ] \
  && timeout 10 scontrol ping 2>/dev/null | grep -q 'is UP' && ready_state "$(node_state)"; then
  say "already up ($HOST: $(node_state))"
  exit 0
fi

[ "$(id -u)" = 0 ] || die 2 "must run as root (it installs packages and starts slurmctld/slurmd): sudo bash $0"

# 1. Packages (Debian 12: slurm-wlm 22.05, munge 0.5.15).
missing=()
for b in slurmctld slurmd sbatch munged; do command -v "$b" >/dev/null 2>&1 || missing+=("$b"); done
if [ ${#missing[@]} -gt 0 ]; then
  [ "${SLURM_TEST_NO_INSTALL:-0}" = 1 ] && die 3 "missing ${missing[*]} and SLURM_TEST_NO_INSTALL=1"
  command -v apt-get >/dev/null 2>&1 || die 3 "missing ${missing[*]} and no apt-get on this host: install slurm (slurmctld, slurmd, slurm-client) and munge yourself"
  say "installing slurm-wlm and munge (missing: ${missing[*]})"
  export DEBIAN_FRONTEND=noninteractive
  # Lock timeout: other jobs on the host may be using apt at the same moment.
  if ! apt-cache policy slurm-wlm 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    apt-get -o DPkg::Lock::Timeout=600 update -qq || die 3 "apt-get update failed"
  fi
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends slurm-wlm munge >/dev/null \
    || die 3 "apt-get install slurm-wlm munge failed"
fi

mkdir -p "$LOG_DIR" "$SPOOL/ctld" "$SPOOL/d" "$CONF_DIR"

# 2. munge: a key (the Debian package usually creates one) and the daemon, as the munge user.
if [ ! -s /etc/munge/munge.key ]; then
  say "creating /etc/munge/munge.key"
  mkdir -p /etc/munge
  if command -v mungekey >/dev/null 2>&1; then mungekey --create --force --keyfile=/etc/munge/munge.key; else dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none; fi
  chown munge:munge /etc/munge/munge.key 2>/dev/null || true
  chmod 400 /etc/munge/munge.key
fi
mkdir -p /run/munge /var/lib/munge /var/log/munge
chown munge:munge /run/munge /var/lib/munge /var/log/munge 2>/dev/null || true
chmod 755 /run/munge
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  say "starting munged"
  rm -f /run/munge/munged.pid
  # 9>&-: a daemon must not inherit the start lock (it would hold it for good).
  if id munge >/dev/null 2>&1; then
    runuser -u munge -- /usr/sbin/munged </dev/null >/dev/null 2>&1 9>&- || true
  else
    /usr/sbin/munged --force </dev/null >/dev/null 2>&1 9>&- || true
  fi
  for _ in $(seq 1 20); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.5; done
  munge -n 2>/dev/null | unmunge >/dev/null 2>&1 || die 4 "munged does not answer; see /var/log/munge/munged.log"
fi

# 3. slurm.conf for this one host. A foreign slurm.conf is kept aside, never lost.
if [ -f "$CONF" ] && ! grep -q '^# autoexp test cluster' "$CONF"; then
  say "keeping the existing $CONF as $CONF.autoexp-backup"
  cp "$CONF" "$CONF.autoexp-backup"
fi
changed=0
if [ ! -f "$CONF" ] || [ "$(cat "$CONF")" != "$(conf_text)" ]; then
  changed=1
  conf_text > "$CONF.tmp"
  mv "$CONF.tmp" "$CONF"
fi
# Some builds read cgroup.conf at start even with the cgroup plugins off.
[ -f "$CONF_DIR/cgroup.conf" ] || printf 'CgroupPlugin=autodetect\nIgnoreSystemd=yes\n' > "$CONF_DIR/cgroup.conf"

# 4. The daemons (they daemonize themselves). A changed slurm.conf needs a restart
# (select plugin parameters are only read at start).
if [ "$changed" = 1 ] && { running "$CTLD_PID" || running "$SLURMD_PID"; }; then
  say "slurm.conf changed: restarting the daemons"
  bash "$(dirname "$0")/stop-test-cluster.sh" --keep-munge >/dev/null 9>&- || true
fi
if ! running "$CTLD_PID"; then
  say "starting slurmctld"
  /usr/sbin/slurmctld -i </dev/null >>"$LOG_DIR/slurmctld.log" 2>&1 9>&- || die 4 "slurmctld did not start; see $LOG_DIR/slurmctld.log"
fi
if ! running "$SLURMD_PID"; then
  say "starting slurmd"
  /usr/sbin/slurmd </dev/null >>"$LOG_DIR/slurmd.log" 2>&1 9>&- || die 4 "slurmd did not start; see $LOG_DIR/slurmd.log"
fi

# 5. Wait for the node.
deadline=$(( $(date +%s) + WAIT_S ))
state=""
while [ "$(date +%s)" -lt "$deadline" ]; do
  state=$(node_state)
  if ready_state "$state"; then
    say "up: node $HOST $state, partition debug ($CPUS CPUs, ${MEM_MB} MB)"
    exit 0
  fi
  case "$state" in
    # ReturnToService=2 brings a node back once slurmd registers; nudge one left drained or down.
    drained|draining|down) scontrol update NodeName="$HOST" State=RESUME >/dev/null 2>&1 || true ;;
  esac
  sleep 1
done
reason=$(sinfo -h -n "$HOST" -o '%E' 2>/dev/null || true)
die 4 "node $HOST not idle after ${WAIT_S}s (state: ${state:-unknown}${reason:+, reason: $reason}); see $LOG_DIR/slurmctld.log and $LOG_DIR/slurmd.log"
