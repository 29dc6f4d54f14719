# SPDX-License-Identifier: GPL-3.0-or-later
# Missing prerequisites in shell tests that speak TAP, with the rule of tests/pp-test-prereq.h:
# on a developer's machine a skip that says why, under CI (CI=true or 1) a failure.
#   . "$(dirname "$0")/../prereq.sh"      # or the path to tests/prereq.sh
#   pp_missing "flatpak-builder is not installed"       # the whole test; exits
#   pp_missing_step 3 "no display"                      # one subtest; returns 1 under CI
pp_in_ci() {
  case "${CI:-}" in [Tt][Rr][Uu][Ee] | 1) return 0 ;; *) return 1 ;; esac
}

pp_missing() {
  if pp_in_ci; then
    echo "Bail out! missing prerequisite under CI (CI=$CI): $*"
    exit 1
  fi
  echo "1..0 # SKIP $*"
  exit 0
}

pp_missing_step() {
  local n=$1; shift
  if pp_in_ci; then
    echo "not ok $n - missing prerequisite under CI (CI=$CI): $*"
    return 1
  fi
  echo "ok $n # SKIP $*"
  return 0
}
