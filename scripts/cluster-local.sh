#!/usr/bin/env bash
# Starts the docker-compose cluster as local processes: a private PostgreSQL server (from the machine's PostgreSQL
# binaries) and two silos sharing it, on 127.0.0.1. Ctrl-C stops everything. Usage: scripts/cluster-local.sh [DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$(mktemp -d -t autodesign-cluster-XXXX)}"
pg_port="${PG_PORT:-55432}"
mkdir -p "$work"

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ ! -d "$work/pg" ]; then
  mkdir -p "$work/pg" && [ "$(id -u)" = 0 ] && chown postgres "$work/pg"
  as_postgres initdb -D "$work/pg/data" -U postgres --auth=trust >/dev/null
fi
as_postgres pg_ctl -D "$work/pg/data" -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1" -w -l "$work/pg/log" start >/dev/null
database="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=autodesign"

dotnet build "$root/src/Cli" -c Release -v quiet >/dev/null
silo="$root/src/Cli/bin/Release/net10.0/autodesign.dll"
pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; as_postgres pg_ctl -D "$work/pg/data" -w stop >/dev/null || true; }
trap stop EXIT INT TERM
for i in 1 2; do
  mkdir -p "$work/silo$i"
  ln -sfn "${AUTODESIGN_DATA_DIR:-$HOME/.autodesign}/datasets" "$work/silo$i/datasets" 2>/dev/null || true
  dotnet "$silo" serve --urls "http://127.0.0.1:$((5079 + i))" --data-dir "$work/silo$i" --database "$database" \
    --silo-port $((11110 + i)) --gateway-port $((29999 + i)) >"$work/silo$i.log" 2>&1 &
  pids+=($!)
done
echo "PostgreSQL on 127.0.0.1:$pg_port; silos at http://127.0.0.1:5080 and http://127.0.0.1:5081 (logs in $work); Ctrl-C stops them"
wait
