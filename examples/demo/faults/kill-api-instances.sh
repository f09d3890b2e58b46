#!/usr/bin/env bash
# FAULT INJECTION (destructive): SIGKILL every running API instance of the demo target, the way a
# host failure or an OOM kill would. The supervisor does not restart them; revert with
#   curl -X POST -H 'content-type: application/json' -d '{}' http://127.0.0.1:18099/admin/api-instances/start
# Reads the pidfiles in the state dir: $GAMEDAY_DEMO_STATE, else examples/demo/.state.
# Only kills a pid whose command line is a demo API instance (a stale pidfile is never trusted).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="${GAMEDAY_DEMO_STATE:-$here/.state}"

is_api_instance() {
  [[ -r "/proc/$1/cmdline" ]] && tr '\0' ' ' < "/proc/$1/cmdline" | grep -qE 'target/api\.(ts|js)'
}

gone() {
  ! kill -0 "$1" 2>/dev/null || [[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" == "Z" ]]
}

shopt -s nullglob
killed=()
for pidfile in "$state"/api-*.pid; do
  pid="$(tr -dc '0-9' < "$pidfile")"
  [[ -n "$pid" ]] || continue
  if kill -0 "$pid" 2>/dev/null && is_api_instance "$pid"; then
    kill -KILL "$pid"
    killed+=("$pid")
    echo "kill-api-instances: sent SIGKILL to $(basename "$pidfile" .pid) (pid $pid)"
  fi
done

if (( ${#killed[@]} == 0 )); then
  echo "kill-api-instances: nothing to kill: no live API instance listed in $state/api-*.pid" >&2
  echo "  Is the demo target running with this state dir? Start it with: npx tsx examples/demo/target/main.ts" >&2
  exit 1
fi

# Return only once the processes are really gone (or reaped-pending), at most 5 s.
for _ in $(seq 1 50); do
  alive=0
  for pid in "${killed[@]}"; do gone "$pid" || alive=1; done
  (( alive == 0 )) && exit 0
  sleep 0.1
done
echo "kill-api-instances: some API instances are still running after SIGKILL: ${killed[*]}" >&2
exit 1
