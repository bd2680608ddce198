#!/bin/sh
# tests/shell/test-debian.sh: static checks of debian/ and the full-system test's scripts.
#
# The package build, lintian and the installed system are judged by
# tests/qemu/test-system-deb.sh; this checks what needs no build: the unit
# has what the package promises, every lintian override gives its reason, the
# versions agree, and the maintainer scripts handle crashkernel= (make lint
# runs shellcheck and dash -n over them).
set -u
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=tests/shell/lib.sh
. "$REPO/tests/shell/lib.sh"
D=$REPO/debian

# unit KEY=VALUE: the line is in dumpagent.service
unit() {
	if grep -qxF "$1" "$D/dumpagent.service"; then ok "dumpagent.service: $1"; else bad "dumpagent.service lacks '$1'"; fi
}
unit Type=oneshot
unit RemainAfterExit=yes
unit After=local-fs.target
unit ExecStart=/usr/sbin/load-crashkernel
unit "ExecStart=/usr/sbin/dumpagent gc"
unit "ExecReload=/usr/sbin/load-crashkernel"
unit "ExecStop=/usr/sbin/load-crashkernel --unload --if-valid"
unit WantedBy=multi-user.target

# Every override follows a comment that says why.
awk '/^#/ { why = 1; next } /^[^#]/ && NF { if (!why) { print FILENAME ": " $0 }; next } { why = 0 }' \
	"$D"/*.lintian-overrides >"$T/overrides"
if [ -s "$T/overrides" ]; then
	bad "lintian overrides without a reason: $(cat "$T/overrides")"
else
	ok "every lintian override gives its reason"
fi

deb_version=$(sed -n '1s/^dumpagent (\([^)]*\)).*/\1/p' "$D/changelog")
make_version=$(sed -n 's/^VERSION *:= *//p' "$REPO/Makefile")
if [ "$deb_version" = "$make_version" ]; then
	ok "debian/changelog and the Makefile say version $make_version"
else
	bad "debian/changelog says $deb_version, the Makefile $make_version"
fi
has() { # FILE TEXT WHAT
	if grep -qF -- "$2" "$1"; then ok "$3"; else bad "${1#"$REPO"/}: $3: no '$2'"; fi
}
has "$D/source/format" '3.0 (native)' "source format 3.0 (native)"
has "$D/control" 'debhelper-compat (= 13)' "debhelper compat 13"
has "$D/control" 'linux-source-6.1' "linux-source-6.1 is a build dependency"
has "$D/control" 'Conflicts: kdump-tools' "conflicts with kdump-tools (both arm kexec -p)"
# Without the static makedumpfile (no source where it was built), the package
# builds and rebuilds its initramfs with Debian's: it needs it at both times.
has "$D/control" '               makedumpfile [amd64],' "makedumpfile is a build dependency (the fallback)"
# shellcheck disable=SC2016 # the substvar, not the shell's
has "$D/control" '         ${dumpagent:Depends},' "Depends takes makedumpfile from debian/rules when the static one is not shipped"
# shellcheck disable=SC2016 # make's $(L), not the shell's
has "$D/rules" 'Vdumpagent:Depends=$$mdf_dep' "debian/rules sets dumpagent:Depends"
# CAPTURE_MODE=auto compares the target's drivers with the small kernel's.
# shellcheck disable=SC2016 # make's $(L), not the shell's
# shellcheck disable=SC2016 # make's $(CAPTURE), not the shell's
has "$D/rules" 'install -D -m 0644 $(CAPTURE)/vmlinuz.builtin $(L)/vmlinuz.builtin' \
	"debian/rules installs the small kernel's record of its drivers"
# arm64 (dpkg-buildpackage --host-arch arm64): its own kernel, agent and initramfs.
has "$D/control" 'Architecture: amd64 arm64' "the package builds for amd64 and arm64"
has "$D/rules" 'CAPTURE := build/capture-arm64' "debian/rules takes the arm64 capture kernel for arm64"
has "$D/rules" 'AGENT := build/arm64/dumpagent' "debian/rules takes the static arm64 agent for arm64"
# shellcheck disable=SC2016 # make's $(SYSROOT), not the shell's
has "$D/rules" '--sysroot $(SYSROOT)' "debian/rules builds the arm64 initramfs from Debian's arm64 packages"
# The installed builder regenerates the initramfs: it needs every file of initramfs/ it reads.
needed=$(grep -o 'IH_DIR/[A-Za-z0-9._-]*' "$REPO/initramfs/build.sh" | sed 's|IH_DIR/||' | sort -u)
for f in $needed; do
	src=initramfs/$f
	# the font comes from the build dependency console-setup-linux
	[ "$f" != screen-font.psf.gz ] || src=/usr/share/consolefonts/Lat15-VGA16.psf.gz
	if grep -q "install .*$src \$(L)/initramfs/$f\$" "$D/rules"; then
		ok "debian/rules installs initramfs/$f for the builder"
	else
		bad "debian/rules does not install initramfs/$f, which initramfs/build.sh needs"
	fi
done

# The maintainer scripts' handling of crashkernel=, on a copy that works in a
# temporary root ($T): postrm remove sets the GRUB setting aside (no memory is
# reserved for a removed capture kernel from the next boot on), a reinstall
# puts it back, purge deletes it; update-grub runs after each change.
mkdir -p "$T/grub.d" "$T/bin" "$T/lib"
printf '#!/bin/sh\necho ran >>"%s/update-grub.runs"\n' "$T" >"$T/bin/update-grub"
chmod +x "$T/bin/update-grub"
for s in postinst postrm; do
	sed -e "s|/etc/default/grub.d|$T/grub.d|g" -e "s|/var/lib/dumpagent|$T/lib|g" \
		-e "s|/var/crash|$T/crash|g" -e "s|/sys/kernel/kexec_crash_size|$T/size|g" \
		-e '/^#DEBHELPER#/d' "$D/dumpagent.$s" >"$T/$s"
done
echo 67108864 >"$T/size"
echo 'GRUB_CMDLINE_LINUX_DEFAULT="quiet crashkernel=40M"' >"$T/grub.d/dumpagent.cfg"
maint() { # SCRIPT ARG: runs it with the fake update-grub first in PATH
	PATH="$T/bin:$PATH" sh "$T/$1" "$2" >"$T/out" 2>&1 || bad "$1 $2 failed: $(cat "$T/out")"
}
runs() { if [ -f "$T/update-grub.runs" ]; then wc -l <"$T/update-grub.runs"; else echo 0; fi; }
maint postrm remove
if [ ! -e "$T/grub.d/dumpagent.cfg" ] && [ -f "$T/grub.d/dumpagent.cfg.removed" ] && [ "$(runs)" = 1 ]; then
	ok "postrm remove sets dumpagent.cfg aside and runs update-grub"
else
	bad "postrm remove: grub.d holds '$(ls "$T/grub.d")', update-grub ran $(runs) times"
fi
maint postinst configure
if [ -f "$T/grub.d/dumpagent.cfg" ] && [ ! -e "$T/grub.d/dumpagent.cfg.removed" ] && [ "$(runs)" = 2 ]; then
	ok "postinst configure puts dumpagent.cfg back after a remove and runs update-grub"
else
	bad "postinst after remove: grub.d holds '$(ls "$T/grub.d")', update-grub ran $(runs) times"
fi
maint postrm remove
maint postrm purge
if [ -z "$(ls "$T/grub.d")" ] && [ ! -e "$T/lib" ]; then
	ok "postrm purge after remove deletes the GRUB setting and /var/lib/dumpagent"
else
	bad "postrm purge: grub.d holds '$(ls "$T/grub.d")', lib: $(ls -d "$T/lib" 2>&1)"
fi
finish
