#!/bin/sh
# tests/shell/test-bench-arm64.sh: make bench ARCH=arm64's section of bench/RESULTS.md: the table, the splice, the full bench's copy.
#
# A made-up build/bench-arm64 (bisect.txt, runs, estimates, kernels, as
# bench/run.sh --arch arm64 leaves them) goes through bench/arm64.py: the
# smallest reservations, their ratio and the estimates must come out as
# computed by hand, and splicing it into a RESULTS.md must replace its
# section and nothing else. Then bench/report.py (the full make bench) must
# print the section from that directory, else the one of the RESULTS.md it
# replaces, else say how to measure it.
set -u
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=tests/shell/lib.sh
. "$REPO/tests/shell/lib.sh"
need python3 python3
BEGIN='<!-- arm64 begin: make bench ARCH=arm64 rewrites this section in place -->'
END='<!-- arm64 end -->'

D=$T/repo/build/bench-arm64
mkdir -p "$D/runs"
cat >"$D/bisect.txt" <<'EOF'
1G 32 ok
1G 16 fail
1G 24 fail
1G 28 fail
1G 32 smallest
arm64-1G 32 fail
arm64-1G 48 ok
arm64-1G 40 ok
arm64-1G 36 fail
arm64-1G 40 smallest
4G 32 ok
4G 16 fail
4G 24 fail
4G 28 ok
4G 28 smallest
arm64-4G 32 fail
arm64-4G 48 fail
arm64-4G 64 ok
arm64-4G 56 ok
arm64-4G 52 ok
arm64-4G 52 smallest
EOF
cat >"$D/runs/bisect-arm64-1G-36M.json" <<'EOF'
{"name": "bisect-arm64-1G-36M", "ok": false, "cause": "out of memory while booting, before /init",
 "mem": "1G", "crashkernel_mb": 36, "kernel_memory": {}}
EOF
cat >"$D/runs/bisect-arm64-1G-40M.json" <<'EOF'
{"name": "bisect-arm64-1G-40M", "ok": true, "cause": null, "mem": "1G", "crashkernel_mb": 40,
 "kernel_memory": {"total": 40960, "code": 8192, "rwdata": 1024, "rodata": 2048, "init": 4096, "bss": 1024}}
EOF
# NEED_BYTES: 32, 44, 28 and 43 MiB; arm64's 44 MiB at 1 GB is above the 40
# MB that worked, x86_64's 28 MiB at 4 GB is the 28 MB that worked.
printf '%s\n' "x86_64 1G 33554432 41943040" "arm64 1G 46137344 58720256" \
	"x86_64 4G 29360128 41943040" "arm64 4G 45088768 58720256" >"$D/estimates.txt"
printf '%s\n' "x86_64 5347328 build/capture/vmlinuz" "arm64 6291456 build/capture-arm64/vmlinuz" >"$D/kernels.txt"
echo abc1234 >"$D/commit"
echo "2026-12-03 13:00 UTC" >"$D/date"
echo 3600 >"$D/seconds"

out=$(python3 "$REPO/bench/arm64.py" "$D" 2>&1 >"$T/section.md")
check "arm64.py DIR exits 0" $? "$out"
rows=$(grep '^| [14] GB |' "$T/section.md")
same "the table: each smallest, arm64 / x86_64, the estimates, one refusing a reservation that worked" \
	"| 1 GB | 32 MB | 40 MB | **1.25** | 32 MiB | 44 MiB (refuses 40 MB, which worked) |
| 4 GB | 28 MB | 52 MB | **1.86** | 28 MiB | 43 MiB |" "$rows"
same "the columns" "| guest RAM | x86_64 smallest | arm64 smallest | arm64 / x86_64 | x86_64 estimate | arm64 estimate |" \
	"$(grep '^| guest RAM' "$T/section.md")"
same "the trials, interleaved by size as they ran, with causes and the Memory: line at the smallest" \
	"- x86_64, 1 GB: 32: ok; 16: fail; 24: fail; 28: fail.
- arm64, 1 GB: 32: fail; 48: ok; 40: ok; 36: fail (out of memory while booting, before /init). At 40 MB the capture kernel managed 40.0 MiB, its image (code, data, bss) 12.0 MiB.
- x86_64, 4 GB: 32: ok; 16: fail; 24: fail; 28: ok.
- arm64, 4 GB: 32: fail; 48: fail; 64: ok; 56: ok; 52: ok." "$(grep '^- ' "$T/section.md")"
# shellcheck disable=SC2016 # Markdown's backquotes, not commands
grep -qF '`make bench ARCH=arm64`, commit `abc1234`, 2026-12-03 13:00 UTC: 2 QEMU runs in 60 min' "$T/section.md" &&
	grep -qF 'every figure here comes from the same run' "$T/section.md" &&
	grep -qF '(build/capture/vmlinuz, 5.1 MiB, bzImage, compressed)' "$T/section.md" &&
	grep -qF '(build/capture-arm64/vmlinuz, 6.0 MiB, Image, not compressed)' "$T/section.md"
check "the run's commit, date and length, the same run, the kernels' sizes" $? "$(sed -n 3p "$T/section.md")"
grep -qF "x86_64's had a makedumpfile not recorded (no x86_64 trial's initramfs kept)" "$T/section.md"
check "no x86_64 trial kept: its makedumpfile is not guessed" $? "$(sed -n 3p "$T/section.md")"

# x86_64's makedumpfile, from the first kept trial's initramfs: its version
# from the -v line compiled into it, dynamic (libdw beside it) or static.
# mdf_section NAME VERSION FILE...: the section with one kept x86_64 trial
# whose capture.img holds a makedumpfile of VERSION and FILE...
mdf_section() {
	m=$T/$1 w=$T/$1/bench-arm64-bisect-1G-32M
	mkdir -p "$w/tree/usr/bin"
	printf '\177ELF\0makedumpfile: version %s (released on 1 Jan 2024)\0' "$2" >"$w/tree/usr/bin/makedumpfile"
	shift 2
	for f in "$@"; do
		mkdir -p "$w/tree/${f%/*}" && : >"$w/tree/$f"
	done
	(cd "$w/tree" && find . | cpio -o -H newc --quiet | gzip) >"$w/capture.img"
	mkdir -p "$m/d" && cp -r "$D"/* "$m/d/" && echo "$w" >"$m/d/workdirs"
	python3 "$REPO/bench/arm64.py" "$m/d" 2>&1 | grep -o "x86_64's had [^,]*"
}
need cpio cpio
case $(mdf_section debian 1.7.2 lib/x86_64-linux-gnu/libdw.so.1 lib/x86_64-linux-gnu/libc.so.6) in
*"x86_64's had Debian 12's makedumpfile 1.7.2 with its libraries"*) r=0 ;;
*) r=1 ;;
esac
check "an initramfs with 1.7.2 and libdw.so.1: Debian 12's makedumpfile" "$r" "$(mdf_section debian 1.7.2 lib/x86_64-linux-gnu/libdw.so.1)"
case $(mdf_section trixie 1.7.6 lib/x86_64-linux-gnu/libdw.so.1) in
*"x86_64's had Debian's makedumpfile 1.7.6 (dynamic) with its libraries"*) r=0 ;;
*) r=1 ;;
esac
check "an initramfs with 1.7.6 and libdw.so.1: trixie's binary" "$r" "$(mdf_section trixie 1.7.6 lib/x86_64-linux-gnu/libdw.so.1)"
case $(mdf_section static 1.7.6) in
*"x86_64's had the static makedumpfile 1.7.6 of make makedumpfile"*) r=0 ;;
*) r=1 ;;
esac
check "an initramfs without libraries: the static makedumpfile" "$r" "$(mdf_section static 1.7.6)"

# The distro mode's table, when the run bisected it (the runs before had none).
grep -q "arm64's distro mode" "$T/section.md"
check "no arm64-distro trials: no distro table" "$((!$?))" "$(grep -n distro "$T/section.md")"
mkdir -p "$T/distro" && cp -r "$D"/* "$T/distro/"
printf '%s\n' "arm64-distro-1G 96 fail" "arm64-distro-1G 128 ok" "arm64-distro-1G 112 ok" "arm64-distro-1G 104 fail" \
	"arm64-distro-1G 112 smallest" "arm64-distro-4G 96 ok" "arm64-distro-4G 48 fail" "arm64-distro-4G 72 fail" \
	"arm64-distro-4G 88 ok" "arm64-distro-4G 80 ok" "arm64-distro-4G 80 smallest" >>"$T/distro/bisect.txt"
printf '%s\n' "arm64-distro 1G 115343360 142606336" "arm64-distro 4G 117440512 142606336" >>"$T/distro/estimates.txt"
echo "arm64-distro 31000000 build/arm64/debian-kernel/linux-image-6.1.0-57-arm64/vmlinuz" >>"$T/distro/kernels.txt"
python3 "$REPO/bench/arm64.py" "$T/distro" >"$T/distro.md" 2>&1
same "the distro table: each smallest and its estimate, one refusing a reservation that worked" \
	"| 1 GB | 112 MB | 110 MiB |
| 4 GB | 80 MB | 112 MiB (refuses 80 MB, which worked) |" "$(grep '^| [14] GB | [0-9]* MB | [0-9]* MiB' "$T/distro.md")"
grep -qF -- "- arm64 distro, 4 GB: 96: ok; 48: fail; 72: fail; 88: ok; 80: ok." "$T/distro.md" &&
	grep -qF "(build/arm64/debian-kernel/linux-image-6.1.0-57-arm64/vmlinuz, 29.6 MiB, Debian's arm64 vmlinuz)" "$T/distro.md"
check "the distro trials and Debian's kernel" $? "$(grep -n 'distro' "$T/distro.md")"

same "the section is between its markers" "$BEGIN|$END" "$(head -n 1 "$T/section.md")|$(tail -n 1 "$T/section.md")"

# The splice: everything outside the markers stays byte for byte.
{
	# shellcheck disable=SC2016 # Markdown's backquotes, not commands
	printf '# dumpagent bench results\n\nCommit `x86`, the full bench.\n\n## 1. Smallest working reservation\n\n| 1 GB | 32 MB |\n\n'
	printf '%s\n## 1b. arm64 beside x86_64\n\nold figures from another run\n%s\n\n' "$BEGIN" "$END"
	printf '## 2. Where the memory goes\n\nlast line without a newline'
} >"$T/RESULTS.md"
out=$(python3 "$REPO/bench/arm64.py" "$D" "$T/RESULTS.md" 2>&1 >"$T/spliced.md")
check "arm64.py DIR RESULTS.md exits 0" $? "$out"
outside() { awk -v b="$BEGIN" -v e="$END" '$0 == b { on = 1 } !on { print } $0 == e { on = 0 }' "$1"; }
inside() { awk -v b="$BEGIN" -v e="$END" '$0 == b { on = 1 } on { print } $0 == e { on = 0 }' "$1"; }
outside "$T/RESULTS.md" >"$T/outside.want"
outside "$T/spliced.md" >"$T/outside.got"
cmp -s "$T/outside.want" "$T/outside.got" && [ "$(tail -c 9 "$T/spliced.md")" = "a newline" ]
check "the splice leaves the rest of RESULTS.md as it was" $? "$(diff "$T/outside.want" "$T/outside.got")"
inside "$T/spliced.md" >"$T/inside.got"
cmp -s "$T/section.md" "$T/inside.got" && ! grep -q 'old figures' "$T/spliced.md"
check "the splice replaces the old section with the new one" $? "$(diff "$T/section.md" "$T/inside.got")"
python3 "$REPO/bench/arm64.py" "$D" "$T/spliced.md" >"$T/twice.md" 2>&1 && cmp -s "$T/spliced.md" "$T/twice.md"
check "splicing again changes nothing" $? "$(diff "$T/spliced.md" "$T/twice.md")"

# A RESULTS.md without the section: it goes before section 2.
outside "$T/RESULTS.md" >"$T/bare.md"
python3 "$REPO/bench/arm64.py" "$D" "$T/bare.md" >"$T/inserted.md" 2>&1
heads=$(grep -e '^## ' -e '^<!-- arm64' "$T/inserted.md" | tr '\n' '|')
same "without markers the section goes before section 2" \
	"## 1. Smallest working reservation|$BEGIN|## 1b. arm64 beside x86_64: smallest working reservation|$END|## 2. Where the memory goes|" "$heads"
printf 'x\n%s\nhalf a section\n' "$BEGIN" >"$T/broken.md"
out=$(python3 "$REPO/bench/arm64.py" "$D" "$T/broken.md" 2>&1)
same "a marker without its pair is refused" "1 bench/arm64.py: bench/RESULTS.md's arm64 markers ($BEGIN ... $END) are not one pair in order: fix them by hand" "$? $out"

# The full make bench (report.py): the section from build/bench-arm64, else
# the previous RESULTS.md's, else how to measure it; between sections 1 and 2.
mkdir -p "$T/x86/runs"
echo 0123abc >"$T/x86/commit"
full() { # PREVIOUS: report.py's RESULTS.md, its arm64 section only
	python3 "$REPO/bench/report.py" --runs "$T/x86" --repo "$T/repo" --svg "$T/x86/memory.svg" \
		--previous "$1" >"$T/full.md" 2>"$T/full.err" || echo "report.py failed: $(cat "$T/full.err")"
	inside "$T/full.md"
}
same "the full bench prints the section from build/bench-arm64" "$(cat "$T/section.md")" "$(full "$T/RESULTS.md")"
heads=$(grep -e '^## [0-9]' -e '^<!-- arm64' "$T/full.md" | sed -n '2,6p' | tr '\n' '|')
same "the full bench puts it after section 1" \
	"## 1. Smallest working reservation|$BEGIN|## 1b. arm64 beside x86_64: smallest working reservation|$END|## 2. Where the memory goes|" "$heads"
mv "$D" "$T/away"
same "without build/bench-arm64 it keeps the previous RESULTS.md's section" \
	"$(inside "$T/RESULTS.md")" "$(full "$T/RESULTS.md")"
same "without either it says how to measure it" "$BEGIN
## 1b. arm64 beside x86_64: smallest working reservation

Not measured: run \`make bench ARCH=arm64\`.

$END" "$(full "$T/bare.md")"

out=$(sh "$REPO/bench/run.sh" --arch arm64 --quick 2>&1)
same "--arch arm64 with --quick is a usage error" "100 bench/run.sh: --arch arm64 excludes --quick, --kdump-only and --knee-only" "$? $out"
out=$(sh "$REPO/bench/run.sh" --arch mips 2>&1)
same "--arch takes x86_64 or arm64" "100 bench/run.sh: --arch needs x86_64 or arm64" "$? $out"
finish
