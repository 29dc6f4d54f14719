# SPDX-License-Identifier: GPL-3.0-or-later
# Whether bubblewrap, through which Flatpak builds and runs everything (flatpak-builder's build
# commands, `flatpak run`), can make a sandbox on this machine. In a container that may not
# create namespaces (Docker's default seccomp profile and capabilities, many CI runners) it
# cannot, and then every Flatpak step fails with a message far from the cause; the tests that
# need the sandbox check this first and say so (a skip, or under CI a failure: tests/prereq.sh).
#   . "$root/tests/flatpak/sandbox-check.sh"
#   pp_sandbox_works || pp_missing "$PP_SANDBOX_PROBLEM"
# Flatpak's own bubblewrap is the one it was built with, or $FLATPAK_BWRAP; the probe uses the
# namespaces `flatpak run` asks for.
pp_sandbox_works() {
  local bwrap=${FLATPAK_BWRAP:-bwrap} err
  PP_SANDBOX_PROBLEM=
  if ! command -v "$bwrap" >/dev/null; then
    PP_SANDBOX_PROBLEM="no bubblewrap ($bwrap), which Flatpak runs every sandbox with"
    return 1
  fi
  if err=$("$bwrap" --unshare-pid --unshare-ipc --unshare-net --unshare-uts --unshare-cgroup-try \
             --ro-bind / / --proc /proc --dev /dev true 2>&1); then
    return 0
  fi
  err=$(echo "$err" | tr '\n' ' ')
  PP_SANDBOX_PROBLEM="bubblewrap cannot make a sandbox on this machine (${err% }): Flatpak builds and runs everything through it, so no Flatpak can be built or run here. A container needs user namespaces or CAP_SYS_ADMIN for it (Docker: --security-opt seccomp=unconfined --cap-add SYS_ADMIN, or --privileged)"
  return 1
}
