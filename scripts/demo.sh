#!/usr/bin/env bash
# demo.sh — the main job on the small recipes (run by `make demo` after setup, data and build):
# persona extractor (PERSONA-CHAT, then copying and in-domain stages) → ESConv annotation → PAL,
# Blenderbot-Joint and Hard Prompt → their test-set evaluation (PAL with and without strategy-based control, and PAL's perplexity with a shuffled and
# with no persona), each stage timed, ending with the Table 3 rows, the extractor's distinct persona
# sentences and where everything was written. Each demo gets its own folder under runs/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PALTRAIN=${PALTRAIN:-.build/release/paltrain}
OUT=${DEMO_OUTPUT:-runs/demo-$(date +%Y%m%d-%H%M%S)}
ANNOTATE_FLAGS=${ANNOTATE_FLAGS:---beams 1}   # greedy: beam 10 (the reference's) over 17k inputs does not fit the demo
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
# Two stages beyond the paper (docs/training.md, "Extractor stages"). Copying: the first 6,000 of
# the 12,069 pairs of PAL's train conversations, seeker utterances → their own first-person
# sentences, so the extractor reads its input instead of writing a few generic personas for every
# seeker (a whole epoch writes more distinct personas and costs the demo 2 more minutes).
# In-domain: the published PESConv of PAL's validation conversations, never its test ones, with
# inputs up to 512 tokens (at 256 the later entries of a conversation see the same cut input and
# get the same persona).
stage "extractor, copying" "$PALTRAIN" extractor --recipe recipes/extractor-copy.yaml --initialize "$OUT/extractor/best.h5" \
  --output "$OUT/extractor-copy" --epochs 1 --set data.train_limit=6000
stage "extractor, in-domain" "$PALTRAIN" extractor --recipe recipes/extractor-small.yaml --initialize "$OUT/extractor-copy/best.h5" \
  --output "$OUT/extractor-pesconv" --set data.extractor_source=pesconv-valid --epochs 5 --set training.lr=5e-4 \
  --set training.warmup_steps=50 --set data.max_input_length=512
annotate() { # shellcheck disable=SC2086  # ANNOTATE_FLAGS is a list of flags
  "$PALTRAIN" annotate --extractor "$OUT/extractor-pesconv/best.h5" -o "$OUT/pesconv.json" $ANNOTATE_FLAGS | tee "$OUT/annotate.txt"
}
stage "annotate" annotate
stage "pal" "$PALTRAIN" pal --recipe recipes/pal-small.yaml --output "$OUT/pal" --set "data.pesconv=$OUT/pesconv.json"
stage "joint" "$PALTRAIN" pal --recipe recipes/pal-small.yaml --variant joint --output "$OUT/joint" --set "data.pesconv=$OUT/pesconv.json"
stage "hard prompt" "$PALTRAIN" pal --recipe recipes/pal-small.yaml --variant hard-prompt --output "$OUT/hard-prompt" --set "data.pesconv=$OUT/pesconv.json"
scripts/fetch-models.sh || printf 'no sentence encoder installed: Cos-Sim will be n/a\n'
stage "eval" "$PALTRAIN" eval "$OUT/pal/best.h5" "$OUT/joint/best.h5" "$OUT/hard-prompt/best.h5" --alpha paper --alpha none \
  --pesconv "$OUT/pesconv.json" --output "$OUT/test"
for persona in shuffled none; do
  stage "eval, $persona persona" "$PALTRAIN" eval "$OUT/pal/best.h5" --no-generate --persona "$persona" \
    --pesconv "$OUT/pesconv.json" --output "$OUT/test-persona-$persona"
done

value() { sed -n "s/.*\"$2\" : \([0-9.]*\).*/\1/p" "$1"; }
printf '\n=== demo finished: %s\n' "$OUT"
printf '%-24s %8s\n' stage seconds
for i in "${!names[@]}"; do printf '%-24s %8d\n' "${names[$i]}" "${seconds[$i]}"; done
printf '\nbest validation loss: extractor %s, PAL %s, Blenderbot-Joint %s, Hard Prompt %s\n' \
  "$(value "$OUT/extractor/metrics.json" best_valid_loss)" "$(value "$OUT/pal/metrics.json" best_valid_loss)" \
  "$(value "$OUT/joint/metrics.json" best_valid_loss)" "$(value "$OUT/hard-prompt/metrics.json" best_valid_loss)"
printf '\nextractor on PAL'"'"'s 130 test conversations, against the published PESConv:\n%s\n%s\n' \
  "$(grep -m1 '^seeker turns' "$OUT/annotate.txt" || true)" "$(grep -m1 '^overall' "$OUT/annotate.txt" || true)"
printf 'extractor, distinct persona sentences on the test conversations: %s\n' "$(grep -m1 '^distinct persona sentences: ours' "$OUT/annotate.txt" | sed 's/^distinct persona sentences: //' || true)"
printf 'extractor, %s\n' "$(grep -m1 '^distinct persona sentences over' "$OUT/annotate.txt" || true)"
printf '\ntest set (small recipes, seed 13):\n'
cat "$OUT/test/table.md"
printf '\nPAL, teacher-forced, with another conversation'"'"'s persona and with none (the true persona is the PAL row above):\n'
for persona in shuffled none; do grep '^| PAL' "$OUT/test-persona-$persona/table.md"; done
printf '\noutputs: %s/{extractor,extractor-copy,extractor-pesconv,pal,joint,hard-prompt}/ (config.yaml, log.jsonl, best.h5, last.h5, metrics.json, loss.svg), %s/test/ (metrics.json, table.md, generations), %s/pesconv.json\n' "$OUT" "$OUT" "$OUT"
