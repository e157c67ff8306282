#!/usr/bin/env bash
# demo.sh — the main job on the small recipes (run by `make demo` after setup, data and build):
# persona extractor → ESConv annotation → PAL and Blenderbot-Joint → their test-set evaluation, each
# stage timed, ending with the Table 3 rows and where everything was written. Each demo gets its own
# folder under runs/.
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
scripts/fetch-models.sh || printf 'no sentence encoder installed: Cos-Sim will be n/a\n'
stage "eval pal" "$PALTRAIN" eval "$OUT/pal/best.h5" --pesconv "$OUT/pesconv.json" --output "$OUT/pal/test"
stage "eval joint" "$PALTRAIN" eval "$OUT/joint/best.h5" --pesconv "$OUT/pesconv.json" --output "$OUT/joint/test"

value() { sed -n "s/.*\"$2\" : \([0-9.]*\).*/\1/p" "$1"; }
printf '\n=== demo finished: %s\n' "$OUT"
printf '%-12s %8s\n' stage seconds
for i in "${!names[@]}"; do printf '%-12s %8d\n' "${names[$i]}" "${seconds[$i]}"; done
printf '\nbest validation loss: extractor %s, PAL %s, Blenderbot-Joint %s\n' \
  "$(value "$OUT/extractor/metrics.json" best_valid_loss)" "$(value "$OUT/pal/metrics.json" best_valid_loss)" \
  "$(value "$OUT/joint/metrics.json" best_valid_loss)"
printf '\ntest set (small recipes):\n%-18s' model
for c in ACC PPL B-2 B-4 D-1 D-2 E-1 E-2 R-L Cos-Sim; do printf '%8s' "$c"; done; printf '\n'
for m in pal joint; do
  printf '%-18s' "$([ $m = pal ] && echo PAL || echo Blenderbot-Joint)"
  for c in ACC PPL B-2 B-4 D-1 D-2 E-1 E-2 R-L Cos-Sim; do printf '%8.3g' "$(value "$OUT/$m/test/metrics.json" "$c")"; done; printf '\n'
done
printf '\noutputs: %s/{extractor,pal,joint}/ (config.yaml, log.jsonl, best.h5, last.h5, metrics.json, loss.svg, test/), %s/pesconv.json\n' "$OUT" "$OUT"
