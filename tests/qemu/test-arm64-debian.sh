#!/bin/sh
# tests/qemu/test-arm64-debian.sh: an arm64 crash captured end to end, in make check: test-arm64 with Debian's arm64 kernel as the capture kernel.
#
# The same guest, loader, agent, initramfs and checks as tests/qemu/test-arm64.sh
# (make check-arm64), with ARM64_CAPTURE=debian: the cross-build of the
# small arm64 kernel that make check-arm64 boots does not fit in CI's time.
ARM64_CAPTURE=debian exec sh "$(dirname -- "$0")/test-arm64.sh"
