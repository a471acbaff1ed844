#!/bin/sh
# Seeds the fuzz corpora from the repository's fixtures and shared cases.
# Run from anywhere: ./fuzz/seed.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
mkdir -p "$here/corpus/capture_load" "$here/corpus/capture_decode" \
         "$here/corpus/parse_set" "$here/corpus/values"
for f in "$root"/tests/cases/*.txt; do
    cp "$f" "$here/corpus/capture_load/"
    # capture_decode: a head selector byte, then a body.
    { printf '\003'; cat "$f"; } > "$here/corpus/capture_decode/$(basename "$f")"
done
for f in "$root"/fixtures/*.json; do
    name=$(basename "$f")
    printf 'POST /hook HTTP/1.1\r\nContent-Length: %s\r\n\r\n' "$(wc -c < "$f" | tr -d ' ')" \
        > "$here/corpus/capture_load/$name"
    cat "$f" >> "$here/corpus/capture_load/$name"
    { printf '\002'; gzip -c < "$f"; } > "$here/corpus/capture_decode/gzip-$name"
done
i=0
for s in 'data.failed=3' 'a.b.c={"x":1}' 'runId="r"' 'x=' '=1' 'a..b=2' 'data.failed=null'; do
    i=$((i + 1)); printf '%s' "$s" > "$here/corpus/parse_set/seed-$i"
done
for s in 250ms 1s 1.5s 2m 1h 512 64KiB 10MiB 1GiB 2KB 3MB 1GB 99999999h 1e9 '' nan; do
    i=$((i + 1)); printf '%s' "$s" > "$here/corpus/values/seed-$i"
done
echo "seeded: $(find "$here/corpus" -type f | wc -l) files"
