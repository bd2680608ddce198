#!/bin/sh
# tests/qemu/test-system-distro.sh: the full-system test with the root disk behind a controller the small kernel lacks.
#
# Issue 13's "missing controller": the same Debian 12 system as
# test-system-deb.sh, its root disk behind QEMU's megasas (megaraid_sas, a
# module in Debian's kernel, not in the small capture kernel). The package
# arms itself at boot with CAPTURE_MODE=auto, which must choose the distro
# kernel ("mode: auto: distro: the small kernel lacks megaraid_sas") and build
# its initramfs with the target's modules; the crash is captured through
# that kernel, and after the reboot dumpagent list shows the dump. The
# reservation is 128M (the distro mode needed 104M at the least in
# bench/RESULTS.md section 6; --reserve's estimate is checked by test-system-deb).
set -eu
SYSTEM_DISK=megasas SYSTEM_CRASHKERNEL=crashkernel=128M exec sh "$(dirname -- "$0")/test-system-deb.sh"
