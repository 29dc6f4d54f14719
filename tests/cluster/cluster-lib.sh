# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by the cluster tests (suite slow): TAP output, a folder of photos, a single-machine
# reference run, and the checks every engine must pass: each input processed exactly once,
# outputs byte-identical to the reference, a consistent merged record, and each shard's own
# record valid alone. Source it; it needs PP_PARAPIX and PP_SOURCE_ROOT (set by meson).

: "${PP_PARAPIX:?run through meson test: PP_PARAPIX is the parapix binary}"
: "${PP_SOURCE_ROOT:?run through meson test: PP_SOURCE_ROOT is the source tree}"
. "$PP_SOURCE_ROOT/tests/prereq.sh"

PP_TAP_N=0
PP_TAP_FAILED=0

# ok CONDITION-STATUS DESCRIPTION
pp_ok() {
  local status=$1; shift
  PP_TAP_N=$((PP_TAP_N + 1))
  if [ "$status" -eq 0 ]; then
    echo "ok $PP_TAP_N - $*"
  else
    echo "not ok $PP_TAP_N - $*"
    PP_TAP_FAILED=$((PP_TAP_FAILED + 1))
  fi
}

pp_note() { sed 's/^/# /' <<<"$*"; }

pp_require() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || pp_missing "$tool is not installed (tools/debian-packages.txt)"
  done
}

# pp_photos COUNT WxH: prints a folder of COUNT deterministic JPEGs cut from data/samples, made
# once per build tree (PP_PHOTO_CACHE) and only read by the tests.
pp_photos() {
  local dir="${PP_PHOTO_CACHE:-${TMPDIR:-/tmp}/pp-cluster-photos}/$1-$2"
  /usr/bin/python3 "$PP_SOURCE_ROOT/tests/bench/make-photo-folder" "$dir" --count "$1" \
    --size "$2" --jobs 2 2>/dev/null >&2 || pp_missing "python3-pil and python3-numpy are needed to make test photos"
  echo "$dir"
}

# The names a run wrote (not hidden), one a line, sorted.
pp_outputs() { (cd "$1" && find . -type f ! -name '.*' | sed 's|^\./||' | LC_ALL=C sort); }

# pp_check_exactly_once LABEL INPUT_DIR OUTPUT_DIR REFERENCE_DIR RECORD...
# Every input ok in exactly one record; the outputs are the reference's names and bytes;
# nothing else (no "photo (1).jpg", no temporary files) in the output folder.
pp_check_exactly_once() {
  local label=$1 input=$2 output=$3 reference=$4; shift 4
  local n_inputs n_ok twice missing differ extra leftovers
  n_inputs=$(find "$input" -maxdepth 1 -type f -name '*.jpg' | wc -l)
  n_ok=$(jq -r '.files[] | select(.status == "ok") | .input' "$@" | LC_ALL=C sort -u | wc -l)
  twice=$(jq -r '.files[] | select(.status == "ok") | .input' "$@" | LC_ALL=C sort | uniq -d)
  missing=$(comm -23 <(find "$input" -maxdepth 1 -type f -name '*.jpg' -printf '%p\n' | LC_ALL=C sort) \
                     <(jq -r '.files[] | select(.status == "ok" or .resumed == true) | .input' "$@" | LC_ALL=C sort -u))
  pp_ok $([ "$n_ok" -eq "$n_inputs" ] && [ -z "$twice" ] && [ -z "$missing" ]; echo $?) \
    "$label: every one of the $n_inputs inputs processed exactly once (ok in records: $n_ok)"
  [ -z "$twice" ] || pp_note "processed twice: $twice"
  [ -z "$missing" ] || pp_note "never done: $missing"

  extra=$(diff <(pp_outputs "$reference") <(pp_outputs "$output"))
  differ=""
  while IFS= read -r name; do
    cmp -s "$reference/$name" "$output/$name" || differ="$differ $name"
  done < <(pp_outputs "$reference")
  pp_ok $([ -z "$extra" ] && [ -z "$differ" ]; echo $?) \
    "$label: the outputs are the single-machine run's names and bytes"
  [ -z "$extra" ] || pp_note "names differ: $extra"
  [ -z "$differ" ] || pp_note "bytes differ:$differ"

  leftovers=$(find "$output" -name '.*' ! -name '.parapix.manifest*.jsonl' -printf '%f\n')
  pp_ok $([ -z "$leftovers" ]; echo $?) "$label: no temporary files left in the output folder"
  [ -z "$leftovers" ] || pp_note "left: $leftovers"
}

# pp_check_shard_records LABEL COUNT RECORD...: each record is a valid run record on its own,
# for one shard of COUNT, listing only the positions its shard owns.
pp_check_shard_records() {
  local label=$1 count=$2; shift 2
  local bad=""
  local record
  for record in "$@"; do
    jq -e --argjson n "$count" '
      .schema_version == 1 and .kind == "run" and .shard.count == $n
      and (.shard.index as $k | all(.files[]; .index % $n == $k - 1))
      and (.files_ok + .files_skipped + .files_failed + .files_cancelled) == (.files | length)
      and (.host | type) == "string" and (.files_listed | type) == "number"
      and (.threads_source | type) == "string"' "$record" >/dev/null || bad="$bad $record"
  done
  pp_ok $([ -z "$bad" ]; echo $?) "$label: each shard's --json record is valid on its own ($# records)"
  [ -z "$bad" ] || pp_note "invalid:$bad"
}

# pp_check_merge LABEL EXPECTED_FILES COUNT RECORD_OR_DIR...: parapix --merge-records says every
# file exactly once, all COUNT shards present, and its totals add up.
pp_check_merge() {
  local label=$1 files=$2 count=$3; shift 3
  local merged status
  merged=$(mktemp)
  "$PP_PARAPIX" --merge-records "$@" --json --quiet >"$merged"
  status=$?
  pp_ok $([ "$status" -eq 0 ]; echo $?) "$label: parapix --merge-records exits 0 (got $status)"
  jq -e --argjson files "$files" --argjson n "$count" '
    .kind == "merge" and .exactly_once and .consistent
    and .files_listed == $files and .files_ok == $files and .files_missing == 0
    and .files_duplicated == 0 and .shard_count == $n and (.shards_missing | length) == 0
    and ([.shards[].index] | unique | length) == $n
    and all(.files[]; .times_processed <= 1 and .status == "ok")
    and .images_per_s > 0 and .wall_us > 0' "$merged" >/dev/null
  pp_ok $? "$label: the merged record has all $files files once, $count shards, and a throughput"
  jq -c '{files_listed, files_ok, files_processed, files_duplicated, wall_us, images_per_s,
          shards: [.shards[] | {index, host, threads, threads_source, wall_us, images_per_s, files_ok, files_resumed}]}' \
    "$merged" | pp_note "$(cat)"
  rm -f "$merged"
}

pp_finish() {
  echo "1..$PP_TAP_N"
  [ "$PP_TAP_FAILED" -eq 0 ]
}
