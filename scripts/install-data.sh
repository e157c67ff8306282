#!/usr/bin/env bash
# install-data.sh - installs the datasets listed in data/manifest.sha256 into data/ (run by `make data`).
# Source order per file: (a) the shared copy ../shared/data (or ../shared for vocab/) next to the repository root (copied, never
# symlinked; override with PALTRAIN_SHARED_DATA=/path), (b) the pinned public URL in data/sources.tsv
# (curl, else wget). Every installed file is checked against data/manifest.sha256; files already present
# with the right hash are skipped. The installed files are gitignored: never commit them.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd -P)"
DATA="$ROOT/data"
MANIFEST="$DATA/manifest.sha256"
SOURCES="$DATA/sources.tsv"
SHARED="${PALTRAIN_SHARED_DATA:-$(dirname -- "$ROOT")/shared/data}"
me="install-data"

die() { printf '%s: %s\n' "$me" "$*" >&2; exit 1; }

[[ -f "$MANIFEST" ]] || die "missing $MANIFEST"

if command -v sha256sum >/dev/null 2>&1; then
  hash_of() { sha256sum -- "$1" | cut -d' ' -f1; }
elif command -v shasum >/dev/null 2>&1; then
  hash_of() { shasum -a 256 -- "$1" | cut -d' ' -f1; }
else
  die "need sha256sum or shasum to verify the data files"
fi

# Downloader: prints nothing; returns 0 on success, 2 when the network is unreachable, 1 otherwise.
fetch=""
if command -v curl >/dev/null 2>&1; then fetch=curl
elif command -v wget >/dev/null 2>&1; then fetch=wget; fi
download() { # url dest
  local rc=0
  case "$fetch" in
    curl) curl -fsSL --connect-timeout 15 --retry 2 -o "$2" -- "$1" >/dev/null 2>&1 || rc=$?
          case $rc in 0) return 0 ;; 5|6|7|28|35) return 2 ;; *) return 1 ;; esac ;;
    wget) wget -q -T 20 -t 2 -O "$2" -- "$1" >/dev/null 2>&1 || rc=$?
          case $rc in 0) return 0 ;; 4) return 2 ;; *) return 1 ;; esac ;;
    *) return 2 ;;
  esac
}

declare -A URL=()
if [[ -f "$SOURCES" ]]; then
  while IFS=$'\t' read -r p u; do
    [[ -z "$p" || "$p" == "path" || "$p" == \#* ]] && continue
    URL["$p"]="$u"
  done < "$SOURCES"
fi

shared_ok=0; [[ -d "$SHARED" ]] && shared_ok=1
net_down=0
installed=0; present=0
missing=(); bad=()
tmp=""
trap 'if [[ -n "$tmp" ]]; then rm -f -- "$tmp"; fi' EXIT

while read -r want rel; do
  [[ -z "$want" || "$want" == \#* ]] && continue
  rel="${rel#\*}"
  [[ "$rel" == /* || "$rel" == *..* ]] && die "unsafe path in manifest: $rel"
  dest="$DATA/$rel"

  if [[ -f "$dest" ]]; then
    if [[ "$(hash_of "$dest")" == "$want" ]]; then present=$((present + 1)); continue; fi
    printf '%s: data/%s has the wrong sha256; replacing it\n' "$me" "$rel"
    rm -f -- "$dest"
  fi

  mkdir -p -- "$(dirname -- "$dest")"
  tmp="$dest.part.$$"
  got=""
  if (( shared_ok )) && [[ -f "$SHARED/$rel" ]]; then
    cp -- "$SHARED/$rel" "$tmp" && got="shared copy $SHARED/$rel"
  elif (( shared_ok )) && [[ -f "$SHARED/../$rel" ]]; then   # vocab/… sits beside shared/data
    cp -- "$SHARED/../$rel" "$tmp" && got="shared copy $(dirname -- "$SHARED")/$rel"
  elif [[ -n "${URL[$rel]:-}" ]] && (( ! net_down )); then
    rc=0; download "${URL[$rel]}" "$tmp" || rc=$?
    if (( rc == 0 )); then got="${URL[$rel]}"; elif (( rc == 2 )); then net_down=1; fi
  fi
  if [[ -z "$got" ]]; then rm -f -- "$tmp"; tmp=""; missing+=("$rel"); continue; fi

  have="$(hash_of "$tmp")"
  if [[ "$have" != "$want" ]]; then
    rm -f -- "$tmp"; tmp=""
    bad+=("data/$rel from $got: expected sha256 $want, got $have (bad copy deleted)")
    continue
  fi
  chmod 644 -- "$tmp"
  mv -f -- "$tmp" "$dest"; tmp=""
  installed=$((installed + 1))
done < "$MANIFEST"

total=$((installed + present + ${#missing[@]} + ${#bad[@]}))
if (( ${#missing[@]} == 0 && ${#bad[@]} == 0 )); then
  printf '%s: %d installed, %d already present (%d files in data/)\n' "$me" "$installed" "$present" "$total"
  exit 0
fi

{
  printf '%s: %d installed, %d already present, %d NOT installed.\n' "$me" "$installed" "$present" $(( ${#missing[@]} + ${#bad[@]} ))
  if (( ${#bad[@]} )); then
    printf 'Checksum mismatch (the source is not the expected file):\n'
    for b in "${bad[@]}"; do printf '  %s\n' "$b"; done
  fi
  if (( ${#missing[@]} )); then
    if (( shared_ok )); then why="the shared copy $SHARED lacks them"; else why="no shared copy at $SHARED"; fi
    nurl=0; for m in "${missing[@]}"; do [[ -n "${URL[$m]:-}" ]] && nurl=$((nurl + 1)); done
    if (( nurl == 0 )); then why="$why, and they have no public URL"
    elif [[ -z "$fetch" ]]; then why="$why, and neither curl nor wget is installed"
    elif (( net_down )); then why="$why, and the public URLs are unreachable (no network?)"
    else why="$why, and their download failed (or they have no public URL)"; fi
    printf 'Could not obtain %d file(s): %s.\n' "${#missing[@]}" "$why"
    printf 'Download each file below and save it at the path shown (relative to %s), then re-run `make data`:\n' "$ROOT"
    for m in "${missing[@]}"; do
      if [[ -n "${URL[$m]:-}" ]]; then
        printf '  data/%s\n      <- %s\n' "$m" "${URL[$m]}"
      else
        printf '  data/%s\n      <- no public URL: derived file, computed from the other ESConv files (see data/README.md);\n         only available from a shared copy: copy shared/data/%s\n' "$m" "$m"
      fi
    done
    printf 'Or put a complete shared copy (same layout) at %s and re-run.\n' "$SHARED"
  fi
} >&2
exit 1
