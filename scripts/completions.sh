#!/usr/bin/env bash
# Regenerates completions/ from the CLI definition (tests/completions.rs
# fails when the committed copies are stale).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
bin=target/debug/vq-hook
"$bin" completions bash >completions/vq-hook.bash
"$bin" completions zsh >completions/_vq-hook
"$bin" completions fish >completions/vq-hook.fish
"$bin" completions elvish >completions/vq-hook.elv
"$bin" completions powershell >completions/_vq-hook.ps1
echo "completions/ regenerated"
