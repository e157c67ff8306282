#!/usr/bin/env bash
# experiment.sh — PAL's claim at the scale one machine allows (issue 11 §4): the medium extractor
# (a copying stage, then the in-domain stage), ESConv annotated with it, then PAL, Blenderbot-Joint
# and Hard Prompt trained with the medium recipe (PAL_RECIPE) over several training seeds, and one
# pooled test-set table (mean ± std over the seeds): Table 3's columns for every model, and for the
# models that read a persona (PAL, Hard Prompt) PPL and ACC with their true, a shuffled and no
# persona, and the paired per-example test of the same (`paltrain persona-test`: a bootstrap
# interval over conversations). Every stage is skipped when its output exists and resumed when it
# was interrupted, so the script can be stopped and run again. Results: $OUT/summary.md, from
# $OUT/test/, $OUT/test-persona-<variant>-<persona>/ and $OUT/persona-test-<variant>/.
#
#   scripts/experiment.sh                       # everything, seeds 1 2 3 (hours on 2 cores)
#   SEEDS="1" VARIANTS="pal joint" scripts/experiment.sh   # a subset
#   PESCONV=runs/x/pesconv.json scripts/experiment.sh      # reuse an annotation, skip the extractor
#   EVALUATE=0 VARIANTS=pal scripts/experiment.sh          # train only (e.g. two of these side by side)
#   TRAIN_FLAGS="--set training.epochs=6" CHECKPOINT=best scripts/experiment.sh
#                                               # recipe overrides for every model; evaluate best.h5, not last.h5
# The medium recipe is evaluated at its last checkpoint (CHECKPOINT=last, the default): its D-2 rises
# past the epoch of the best validation loss (docs/training.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PALTRAIN=${PALTRAIN:-.build/release/paltrain}
OUT=${EXPERIMENT_OUTPUT:-runs/experiment}
SEEDS=${SEEDS:-1 2 3}
VARIANTS=${VARIANTS:-pal joint hard-prompt}
PAL_RECIPE=${PAL_RECIPE:-recipes/pal-medium.yaml}
ANNOTATE_FLAGS=${ANNOTATE_FLAGS:---beams 1}
EVAL_SEEDS=${EVAL_SEEDS:-13}
TRAIN_FLAGS=${TRAIN_FLAGS:-}
# Hard Prompt keeps the persona whole in front of the dialogue: with the medium recipe's 2,000-entry
# vocabulary some inputs pass its 160 positions, so that variant gets a longer position table.
HARD_PROMPT_FLAGS=${HARD_PROMPT_FLAGS:---set model.max_positions=512}
CHECKPOINT=${CHECKPOINT:-last}
case "$CHECKPOINT" in best|last) ;; *) echo "CHECKPOINT is best or last, got $CHECKPOINT" >&2; exit 2 ;; esac
mkdir -p "$OUT"

# Trains into $1 with the remaining arguments, unless $1 holds a finished run; resumes an interrupted one.
train() {
  local run=$1; shift
  if [ -f "$run/metrics.json" ] && ! grep -q '"interrupted" : true' "$run/metrics.json"; then
    echo "=== $run: done, skipped"
  elif [ -f "$run/last.h5" ]; then
    echo "=== $run: resuming"; "$PALTRAIN" "$1" --resume "$run"
  else
    echo "=== $run: $*"; "$PALTRAIN" "$@" --output "$run"
  fi
}

if [ -z "${PESCONV:-}" ]; then
  # The medium extractor: copying the seeker's first-person sentences (PAL's train conversations),
  # then the in-domain stage (the published PESConv of PAL's validation conversations).
  train "$OUT/extractor-copy" extractor --recipe recipes/extractor-copy.yaml
  train "$OUT/extractor-medium" extractor --recipe recipes/extractor-medium.yaml --initialize "$OUT/extractor-copy/best.h5"
  PESCONV="$OUT/pesconv.json"
  if [ ! -f "$PESCONV" ]; then
    # shellcheck disable=SC2086  # ANNOTATE_FLAGS is a list of flags
    "$PALTRAIN" annotate --extractor "$OUT/extractor-medium/best.h5" -o "$PESCONV" $ANNOTATE_FLAGS | tee "$OUT/annotate.txt"
  fi
fi

checkpoints=()
for variant in $VARIANTS; do
  for seed in $SEEDS; do
    variant_flags=""; [ "$variant" = hard-prompt ] && variant_flags=$HARD_PROMPT_FLAGS
    # shellcheck disable=SC2086  # TRAIN_FLAGS and variant_flags are lists of flags
    train "$OUT/$variant-seed$seed" pal --recipe "$PAL_RECIPE" --variant "$variant" --set "training.seed=$seed" --set "data.pesconv=$PESCONV" $TRAIN_FLAGS $variant_flags
    checkpoints+=("$OUT/$variant-seed$seed/$CHECKPOINT.h5")
  done
done
[ "${EVALUATE:-1}" = 0 ] && exit 0

"$PALTRAIN" eval "${checkpoints[@]}" --pool --alpha paper --alpha none --seeds "$EVAL_SEEDS" --pesconv "$PESCONV" --output "$OUT/test"
# The models that read a persona, and their checkpoints.
declare -A persona_checkpoints
for variant in pal hard-prompt; do
  for seed in $SEEDS; do
    [ -f "$OUT/$variant-seed$seed/$CHECKPOINT.h5" ] && persona_checkpoints[$variant]+="$OUT/$variant-seed$seed/$CHECKPOINT.h5 "
  done
done
for variant in pal hard-prompt; do
  [ -n "${persona_checkpoints[$variant]:-}" ] || continue
  read -ra runs <<< "${persona_checkpoints[$variant]}"
  for persona in true shuffled none; do
    "$PALTRAIN" eval "${runs[@]}" --pool --no-generate --persona "$persona" --pesconv "$PESCONV" --output "$OUT/test-persona-$variant-$persona"
  done
  "$PALTRAIN" persona-test "${runs[@]}" --pesconv "$PESCONV" --output "$OUT/persona-test-$variant"
done
{
  printf '# Experiment: %s (seeds %s, %s %s, %s.h5)\n\n' "$OUT" "$SEEDS" "$PAL_RECIPE" "$TRAIN_FLAGS" "$CHECKPOINT"
  printf '## Test set, pooled over training seeds\n\n'; cat "$OUT/test/table.md"
  for variant in pal hard-prompt; do
    [ -n "${persona_checkpoints[$variant]:-}" ] || continue
    printf '\n## %s with its true, a shuffled and no persona (teacher-forced)\n\n' "$variant"
    printf '| Model | ACC | PPL |\n|---|---|---|\n'
    for persona in true shuffled none; do grep '^| [A-Z]' "$OUT/test-persona-$variant-$persona/table.md" | tail -n +2 | cut -d'|' -f1-4 | sed 's/$/|/'; done
    printf '\n## %s, example by example: its own persona against another conversation'"'"'s and none\n\n' "$variant"
    cat "$OUT/persona-test-$variant/table.md"
  done
  [ -f "$OUT/annotate.txt" ] && { printf '\n## Annotation\n\n```\n'; tail -n 30 "$OUT/annotate.txt"; printf '```\n'; }
  printf '\n## Wall time per run (s)\n\n'
  for m in "$OUT"/*/metrics.json; do  # training runs only: an eval's metrics.json has no seconds
    seconds=$(sed -n 's/.*"seconds_this_run" : \([0-9.]*\).*/\1/p' "$m" 2>/dev/null)
    if [ -n "$seconds" ]; then printf -- '- %s: %s\n' "$(dirname "$m")" "$seconds"; fi
  done
} > "$OUT/summary.md"
cat "$OUT/summary.md"
