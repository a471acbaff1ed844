#!/usr/bin/env bash
# Measures vq-hook against the tools a developer would otherwise reach for
# (issue 5, "Speed as a measured feature") and prints one row per benchmark:
# ours, theirs, the ratio, the target and PASS or MISS.
#
#   bench/run.sh           full run: installs hyperfine, nginx and time from
#                          Debian (apt-get) and oha from crates.io when
#                          missing, builds --release, enforces the targets
#                          (exit 1 when one is missed)
#   bench/run.sh --quick   CI: small counts, debug build, no installs, no
#                          network; a row whose tool is missing is skipped;
#                          exit 0 unless vq-hook itself fails
#
# Every server it talks to is one it starts on 127.0.0.1 (nginx with its own
# config in a temp dir, `vq-hook listen`), and all of them are stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C CARGO_TERM_COLOR=never NO_COLOR=1
unset VQ_HOOK_SECRET VQ_HOOK_URL HTTP_PROXY HTTPS_PROXY http_proxy https_proxy

MODE=full
case "${1:-}" in
  --quick) MODE=quick ;;
  "") ;;
  *) echo "usage: bench/run.sh [--quick]" >&2; exit 2 ;;
esac

if [ "$MODE" = full ]; then
  WARMUP=10 RUNS_FAST=200 RUNS_SEND=100 RUNS_VERIFY=5
  VERIFY_BYTES=$((256 * 1024 * 1024)) LOAD_N=20000 LOAD_ROUNDS=3 FLAT_N=200000
else
  WARMUP=2 RUNS_FAST=10 RUNS_SEND=5 RUNS_VERIFY=2
  VERIFY_BYTES=$((8 * 1024 * 1024)) LOAD_N=500 LOAD_ROUNDS=1 FLAT_N=0
fi
CONCURRENCY=64
SECRET=bench-secret
DELIVERY=00000000-0000-4000-8000-000000000005

TMP=$(mktemp -d "${TMPDIR:-/tmp}/vq-bench.XXXXXX")
chmod 755 "$TMP"
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ -s "$TMP/nginx/nginx.pid" ]; then
    kill "$(cat "$TMP/nginx/nginx.pid")" 2>/dev/null || true
    sleep 0.2
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

have() { command -v "$1" >/dev/null 2>&1; }
note() { echo "bench: $*" >&2; }
export PATH="$PATH:${CARGO_HOME:-$HOME/.cargo}/bin"

# ---------------------------------------------------------------- tools
if [ "$MODE" = full ]; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  if ! have hyperfine || ! have nginx || [ ! -x /usr/bin/time ]; then
    note "installing hyperfine, nginx and time from Debian"
    $SUDO apt-get update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y hyperfine nginx time
  fi
  if ! have oha; then
    note "installing oha from crates.io"
    cargo install oha --locked
  fi
  cargo build --release --locked
  BIN=$PWD/target/release/vq-hook
else
  cargo build --locked
  BIN=$PWD/target/debug/vq-hook
fi
have nginx || [ ! -x /usr/sbin/nginx ] || PATH="$PATH:/usr/sbin"
"$BIN" --version >/dev/null

# ---------------------------------------------------------------- helpers
ROWS=()
MISSED=0

# A port nothing listens on (probed through bash's /dev/tcp).
free_port() {
  local p
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 30000))
    if ! (: >"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  echo "bench: no free port found" >&2
  return 1
}

wait_port() {
  for _ in $(seq 100); do
    (: >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

# time_cmd NAME RUNS CMD...: prints "MEAN MEDIAN" in milliseconds. Uses
# hyperfine (--export-json) when present, else a plain loop. Fails when CMD
# fails.
time_cmd() {
  local name=$1 runs=$2
  shift 2
  if have hyperfine; then
    # -N runs the command without a shell; %q keeps arguments with spaces whole.
    hyperfine -N --style none --warmup "$WARMUP" --runs "$runs" \
      --export-json "$TMP/$name.json" "$(printf '%q ' "$@")" >/dev/null 2>"$TMP/$name.err" \
      || { cat "$TMP/$name.err" >&2; return 1; }
    local mean median
    mean=$(grep -o '"mean": *[0-9.e+-]*' "$TMP/$name.json" | head -1 | sed 's/.*: *//')
    median=$(grep -o '"median": *[0-9.e+-]*' "$TMP/$name.json" | head -1 | sed 's/.*: *//')
    awk -v a="$mean" -v b="$median" 'BEGIN { printf "%.3f %.3f\n", a * 1000, b * 1000 }'
  else
    local i t0 t1
    : >"$TMP/$name.times"
    for ((i = 0; i < runs; i++)); do
      t0=$(date +%s%N)
      "$@" >/dev/null 2>&1 || return 1
      t1=$(date +%s%N)
      echo $(((t1 - t0) / 1000)) >>"$TMP/$name.times"
    done
    sort -n "$TMP/$name.times" | awk '{ v[NR] = $1; s += $1 }
      END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "%.3f %.3f\n", s / NR / 1000, m / 1000 }'
  fi
}

# Peak resident memory of CMD in KiB (empty when /usr/bin/time is missing).
peak_kib() {
  [ -x /usr/bin/time ] || return 0
  /usr/bin/time -v -o "$TMP/time.txt" "$@" >/dev/null 2>&1 || return 1
  sed -n 's/.*Maximum resident set size (kbytes): *//p' "$TMP/time.txt"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }
# holds VALUE OP LIMIT → exit status
holds() { awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN { exit !((op == "<=") ? v <= l : v >= l) }'; }

# row NAME OURS THEIRS RATIO TARGET OK(yes/no/"")
row() {
  local verdict
  case "$6" in
    yes) verdict=PASS ;;
    no) verdict=MISS ;;
    *) verdict="$6" ;;
  esac
  if [ "$MODE" = quick ]; then
    case "$verdict" in PASS | MISS) verdict="$verdict (not enforced)" ;; esac
  elif [ "$verdict" = MISS ]; then
    MISSED=$((MISSED + 1))
  fi
  ROWS+=("| $1 | $2 | $3 | $4 | $5 | $verdict |")
  printf '%-40s %-22s %-22s %-7s %-16s %s\n' "$1" "$2" "$3" "$4" "$5" "$verdict"
}
skip() { row "$1" "-" "-" "-" "$2" "skipped: $3"; }

# ---------------------------------------------------------------- inputs
"$BIN" sample run.completed --compact | tr -d '\n' >"$TMP/small.json"
SIG=$("$BIN" sign --secret "$SECRET" "$TMP/small.json")
HEADERS=(
  -H "Content-Type: application/json"
  -H "User-Agent: VisualQ-Webhook/1.0"
  -H "X-VisualQ-Signature: $SIG"
  -H "X-VisualQ-Event: run.completed"
  -H "X-VisualQ-Delivery: $DELIVERY"
  -H "Accept: */*"
)

# ---------------------------------------------------------------- nginx
ENDPOINT=""
if have nginx; then
  mkdir -p "$TMP/nginx"
  NGINX_PORT=$(free_port)
  cat >"$TMP/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $TMP/nginx/body;
  proxy_temp_path $TMP/nginx/proxy;
  fastcgi_temp_path $TMP/nginx/fastcgi;
  uwsgi_temp_path $TMP/nginx/uwsgi;
  scgi_temp_path $TMP/nginx/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { return 200; }
  }
}
EOF
  if nginx -p "$TMP/nginx" -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" \
    && wait_port "$NGINX_PORT"; then
    ENDPOINT="http://127.0.0.1:$NGINX_PORT/"
  else
    note "nginx did not start: $(tail -1 "$TMP/nginx/error.log" 2>/dev/null)"
  fi
fi

echo
echo "vq-hook benchmarks ($MODE mode, $BIN)"
# Other work on the machine skews every figure; say how busy it was.
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
printf '%-40s %-22s %-22s %-7s %-16s %s\n' benchmark ours theirs ratio target result

# ---------------------------------------------------------------- sign
ours=$(time_cmd sign-ours "$RUNS_FAST" "$BIN" sign --secret "$SECRET" "$TMP/small.json")
if have openssl; then
  theirs=$(time_cmd sign-openssl "$RUNS_FAST" openssl dgst -sha256 -hmac "$SECRET" "$TMP/small.json")
  r=$(ratio "${ours% *}" "${theirs% *}")
  row "sign, small body (mean)" "${ours% *} ms" "${theirs% *} ms openssl" "${r}x" "<= 0.5x" \
    "$(holds "$r" "<=" 0.5 && echo yes || echo no)"
else
  skip "sign, small body (mean)" "<= 0.5x" "openssl not installed (ours ${ours% *} ms)"
fi

# ---------------------------------------------------------------- send
if [ -n "$ENDPOINT" ]; then
  ours=$(time_cmd send-ours "$RUNS_SEND" "$BIN" send run.completed --secret "$SECRET" \
    --url "$ENDPOINT" --delivery-id "$DELIVERY" -q --color never)
  if have curl; then
    theirs=$(time_cmd send-curl "$RUNS_SEND" curl -s -o /dev/null -X POST "${HEADERS[@]}" \
      --data-binary "@$TMP/small.json" "$ENDPOINT")
    r=$(ratio "${ours% *}" "${theirs% *}")
    row "one send to loopback nginx (mean)" "${ours% *} ms" "${theirs% *} ms curl" "${r}x" "<= 1.0x" \
      "$(holds "$r" "<=" 1.0 && echo yes || echo no)"
  else
    skip "one send to loopback nginx (mean)" "<= 1.0x" "curl not installed (ours ${ours% *} ms)"
  fi
else
  skip "one send to loopback nginx (mean)" "<= 1.0x" "nginx not installed"
fi

# ---------------------------------------------------------------- verify
MIB=$((VERIFY_BYTES / 1024 / 1024))
yes '{"event":"run.completed","data":{"status":"completed","total":10}}' \
  | head -c "$VERIFY_BYTES" >"$TMP/big.body" || true
BIG_SIG=$("$BIN" sign --secret "$SECRET" "$TMP/big.body")
{
  printf 'POST /hooks/visualq HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n'
  printf 'X-VisualQ-Signature: %s\r\nX-VisualQ-Event: run.completed\r\n' "$BIG_SIG"
  printf 'X-VisualQ-Delivery: %s\r\nContent-Length: %s\r\n\r\n' "$DELIVERY" "$VERIFY_BYTES"
  cat "$TMP/big.body"
} >"$TMP/big.http"
ours=$(time_cmd verify-ours "$RUNS_VERIFY" "$BIN" verify --secret "$SECRET" -q "$TMP/big.http")
peak=$(peak_kib "$BIN" verify --secret "$SECRET" -q "$TMP/big.http")
peak_mib=$(awk -v k="${peak:-0}" 'BEGIN { printf "%.1f", k / 1024 }')
shown="${ours% *} ms"
[ -n "$peak" ] && shown="$shown, ${peak_mib} MiB"
if have openssl; then
  theirs=$(time_cmd verify-openssl "$RUNS_VERIFY" openssl dgst -sha256 -hmac "$SECRET" "$TMP/big.body")
  r=$(ratio "${ours% *}" "${theirs% *}")
  ok=no
  if holds "$r" "<=" 1.2 && { [ -z "$peak" ] || holds "$peak_mib" "<=" 32; }; then ok=yes; fi
  row "verify, ${MIB} MiB capture (mean, peak)" "$shown" "${theirs% *} ms openssl" "${r}x" \
    "<= 1.2x, <= 32 MiB" "$ok"
else
  skip "verify, ${MIB} MiB capture (mean, peak)" "<= 1.2x, <= 32 MiB" "openssl not installed ($shown)"
fi
rm -f "$TMP/big.body" "$TMP/big.http"

# ---------------------------------------------------------------- load
# Deliveries per second as each tool reports it: our summary line
# "... (N/s)", oha's "Requests/sec:". --fresh-run-id makes every body
# different, so every delivery is signed on its own.
ours_load() {
  "$BIN" send run.completed --secret "$SECRET" --url "$1" --repeat "$2" \
    --concurrency "$CONCURRENCY" --fresh-run-id --color never >"$TMP/load.out"
  sed -n 's/.*(\([0-9.]*\)\/s)$/\1/p' "$TMP/load.out" | head -1
}
oha_load() {
  oha --no-tui -n "$2" -c "$CONCURRENCY" -m POST "${HEADERS[@]}" -D "$TMP/small.json" "$1" \
    >"$TMP/oha.out" 2>&1 || { cat "$TMP/oha.out" >&2; return 1; }
  awk '/Requests\/sec:/ { printf "%.1f\n", $2; exit }' "$TMP/oha.out"
}
oha_ok() { grep -Eq "\[200\] $1 responses" "$TMP/oha.out"; }

if [ -n "$ENDPOINT" ]; then
  ours=$(for _ in $(seq "$LOAD_ROUNDS"); do ours_load "$ENDPOINT" "$LOAD_N"; done | median)
  if have oha; then
    theirs=$(for _ in $(seq "$LOAD_ROUNDS"); do oha_load "$ENDPOINT" "$LOAD_N"; done | median)
    r=$(ratio "$ours" "$theirs")
    row "send --repeat $LOAD_N -c $CONCURRENCY (req/s)" "$ours/s" "$theirs/s oha" "${r}x" ">= 1.0x" \
      "$(holds "$r" ">=" 1.0 && echo yes || echo no)"
  else
    skip "send --repeat $LOAD_N -c $CONCURRENCY (req/s)" ">= 1.0x" "oha not installed (ours $ours/s)"
  fi
else
  skip "send --repeat $LOAD_N -c $CONCURRENCY (req/s)" ">= 1.0x" "nginx not installed"
fi

# ---------------------------------------------------------------- listen
if have oha && [ -n "$ENDPOINT" ]; then
  LISTEN_PORT=$(free_port)
  mkdir -p "$TMP/saved"
  "$BIN" listen --port "$LISTEN_PORT" --secret "$SECRET" --save "$TMP/saved" --json \
    >/dev/null 2>"$TMP/listen.err" &
  LISTEN_PID=$!
  PIDS+=("$LISTEN_PID")
  wait_port "$LISTEN_PORT" || { cat "$TMP/listen.err" >&2; exit 1; }
  ours=$(for _ in $(seq "$LOAD_ROUNDS"); do
    oha_load "http://127.0.0.1:$LISTEN_PORT/" "$LOAD_N"
    oha_ok "$LOAD_N" || { note "listen did not answer 200 to every request"; tail -20 "$TMP/oha.out" >&2; }
  done | median)
  kill -TERM "$LISTEN_PID"
  wait "$LISTEN_PID" || { note "listen exited with an error"; cat "$TMP/listen.err" >&2; exit 1; }
  saved=$(find "$TMP/saved" -name '*.http' | wc -l)
  theirs=$(for _ in $(seq "$LOAD_ROUNDS"); do oha_load "$ENDPOINT" "$LOAD_N"; done | median)
  r=$(ratio "$ours" "$theirs")
  row "listen --secret --save under oha (req/s)" "$ours/s ($saved saved)" "$theirs/s nginx" "${r}x" \
    ">= 0.5x" "$(holds "$r" ">=" 0.5 && echo yes || echo no)"
  rm -rf "$TMP/saved"
else
  skip "listen --secret --save under oha (req/s)" ">= 0.5x" "needs oha and nginx"
fi

# ---------------------------------------------------------------- --version
ours=$(time_cmd version-ours "$RUNS_FAST" "$BIN" --version)
theirs=$(time_cmd version-true "$RUNS_FAST" true)
r=$(ratio "${ours#* }" "${theirs#* }")
row "vq-hook --version (median)" "${ours#* } ms" "${theirs#* } ms true" "${r}x" "<= 2 ms" \
  "$(holds "${ours#* }" "<=" 2 && echo yes || echo no)"

# ---------------------------------------------------------------- flat memory
if [ "$FLAT_N" -gt 0 ] && [ -n "$ENDPOINT" ] && [ -x /usr/bin/time ]; then
  load_cmd=("$BIN" send run.completed --secret "$SECRET" --url "$ENDPOINT"
    --concurrency "$CONCURRENCY" --fresh-run-id --color never)
  small=$(peak_kib "${load_cmd[@]}" --repeat "$LOAD_N")
  large=$(peak_kib "${load_cmd[@]}" --repeat "$FLAT_N")
  r=$(ratio "$large" "$small")
  row "peak RSS, --repeat $FLAT_N vs $LOAD_N" "$((large / 1024)) MiB" "$((small / 1024)) MiB" "${r}x" \
    "<= 1.2x (flat)" "$(holds "$r" "<=" 1.2 && echo yes || echo no)"
elif [ "$MODE" = full ]; then
  skip "peak RSS, --repeat $FLAT_N vs $LOAD_N" "<= 1.2x (flat)" "needs nginx and /usr/bin/time"
fi

# ---------------------------------------------------------------- report
echo
echo "| benchmark | ours | theirs | ratio | target | result |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
if [ -x "$PWD/target/release/vq-hook" ] && [ "$MODE" = full ]; then
  echo
  echo "release binary: $(stat -c %s "$BIN") bytes"
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$MODE" = full ] && [ "$MISSED" -gt 0 ]; then
  echo "bench: $MISSED target(s) missed" >&2
  exit 1
fi
exit 0
