#!/usr/bin/env bash
# demo.sh — the main job on the small recipes (run by `make demo` after setup, data and build):
# persona extractor → ESConv annotation → PAL and Blenderbot-Joint, each stage timed, ending with
# the validation losses and where everything was written. Each demo gets its own folder under runs/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PALTRAIN=${PALTRAIN:-.build/release/paltrain}
OUT=${DEMO_OUTPUT:-runs/demo-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
declare -a names=() seconds=()

stage() { # name, command...
  local name=$1; shift
  printf '\n=== %s: %s\n' "$name" "$*"
  local t0=$SECONDS
  "$@"
  names+=("$name"); seconds+=($((SECONDS - t0)))
}

"$PALTRAIN" --version
stage "extractor" "$PALTRAIN" extractor --recipe recipes/extractor-small.yaml --output "$OUT/extractor"
stage "annotate" "$PALTRAIN" annotate --extractor "$OUT/extractor/best.h5" -o "$OUT/pesconv.json" --max-length 48
stage "pal" "$PALTRAIN" pal --recipe recipes/pal-small.yaml --output "$OUT/pal" --set "data.pesconv=$OUT/pesconv.json"
stage "joint" "$PALTRAIN" pal --recipe recipes/pal-small.yaml --variant joint --output "$OUT/joint" --set "data.pesconv=$OUT/pesconv.json"

loss() { sed -n 's/.*"best_valid_loss" : \([0-9.]*\).*/\1/p' "$1/metrics.json"; }
printf '\n=== demo finished: %s\n' "$OUT"
printf '%-12s %8s\n' stage seconds
for i in "${!names[@]}"; do printf '%-12s %8d\n' "${names[$i]}" "${seconds[$i]}"; done
printf '\nbest validation loss: extractor %s, PAL %s, Blenderbot-Joint %s\n' \
  "$(loss "$OUT/extractor")" "$(loss "$OUT/pal")" "$(loss "$OUT/joint")"
printf 'outputs: %s/{extractor,pal,joint}/ (config.yaml, log.jsonl, best.h5, last.h5, metrics.json, loss.svg), %s/pesconv.json\n' "$OUT" "$OUT"
