#!/bin/sh
# Runs every fuzz target for SECONDS (default 30) on the stable toolchain,
# with no sanitizer (-s none). cargo-fuzz 0.13 ran on stable as is here;
# RUSTC_BOOTSTRAP=1 covers versions that pass -Z flags.
# Usage: ./fuzz/smoke.sh [SECONDS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
secs=${1:-30}
cd "$(dirname "$here")"
[ -d "$here/corpus/capture_load" ] || "$here/seed.sh"
for t in capture_load capture_decode parse_set values; do
    echo "== $t (${secs}s)"
    RUSTC_BOOTSTRAP=1 cargo fuzz run "$t" -s none "$here/corpus/$t" -- \
        -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048
done
