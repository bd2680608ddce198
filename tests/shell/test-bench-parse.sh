#!/bin/sh
# tests/shell/test-bench-parse.sh: bench/parse.py reads a run's clocks, markers and memory right.
#
# A made-up run directory: host stamps from the panic to "Run /init", the
# capture kernel's printk times after it, the bench hook's lines, a disk
# listing. The timeline, the outcome and the failure causes must come out as
# computed by hand here.
set -u
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=tests/shell/lib.sh
. "$REPO/tests/shell/lib.sh"

run_dir() { # DIR: a complete capture
	mkdir -p "$1"
	tab=$(printf '\t')
	cat >"$1/stamps.tsv" <<EOF
100.000${tab}[    1.000000] Linux version 6.1.0-57-amd64 (debian)
100.100${tab}[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000003ffdbfff] usable
107.000${tab}first-init: armed, crashing the kernel: release 6.1.0-57-amd64 pid 1
108.000${tab}[    8.000000] Kernel panic - not syncing: sysrq triggered crash
111.000${tab}[    0.000000] Linux version 6.1.192 (dumpagent@dumpagent)
111.010${tab}[    0.000000] BIOS-e820: [mem 0x0000000000001000-0x000000000009fbff] usable
111.020${tab}[    0.000000] BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved
111.030${tab}[    0.000000] BIOS-e820: [mem 0x000000003d001000-0x000000003effffff] usable
111.040${tab}[    0.000000] BIOS-e820: [mem 0x00000000b0000000-0x00000000bfffffff] reserved
111.100${tab}[    0.000000] Memory: 20000K/33000K available (3000K kernel code, 600K rwdata, 900K rodata, 800K init, 200K bss, 13000K reserved, 0K cma-reserved)
114.000${tab}[    2.500000] Run /init as init process
115.000${tab}dumpagent: vmcore: kernel 6.1.0-57-amd64, 2 CPU notes, 1011 MiB of memory in 3 segments
129.000${tab}dumpagent: makedumpfile: 2 threads, one a CPU (nr_cpus=2)
130.000${tab}dumpagent: peak RSS: agent 1500 KiB, makedumpfile 3200 KiB
130.100${tab}dumpagent: report written (path=/var/crash/x/y.crash, VmCore embedded)
131.000${tab}dumpagent: done (status=complete)
131.100${tab}dumpagent-bench: finish uptime=20.00 mode=time
131.200${tab}dumpagent-bench: peak MemFree_min=700 Cached_max=13000
131.300${tab}dumpagent-bench: meminfo init MemTotal=22000 MemFree=8000 Cached=7000 Shmem=7000
131.400${tab}dumpagent-bench: kmsg [    3.400000] dumpagent: vmcore: kernel 6.1.0-57-amd64
131.500${tab}dumpagent-bench: kmsg [    3.500000] dumpagent: ready
131.600${tab}dumpagent-bench: kmsg [    4.500000] dumpagent: target ok (dev=/dev/vda uuid=u)
131.700${tab}dumpagent-bench: kmsg [    5.000000] dumpagent: dump size: at most 1011 MiB
131.800${tab}dumpagent-bench: kmsg [   15.000000] dumpagent: dump written (id=x bytes=2000)
131.900${tab}dumpagent-bench: kmsg [   19.000000] dumpagent: report written (path=p, VmCore embedded)
132.000${tab}dumpagent-bench: kmsg [   19.500000] dumpagent: done (status=complete)
132.100${tab}dumpagent-bench: alone dump rc=0 start=21.00 end=30.00 bytes=2000 rss_kib=3100 flags=-c -d 31
150.000${tab}dumpagent-bench: end uptime=40.00
150.100${tab}[   40.250000] reboot: Power down
EOF
	printf 'name=t\nmem=1G\ncrashkernel_mb=32\nmode=time\nsettings=\n' >"$1/meta"
	printf ' 12  100600 (1)      0      0    2000 1-Dec-2026 22:22 dump.x\n' >"$1/files.txt"
	printf ' 13  100600 (1)      0      0    3000 1-Dec-2026 22:22 l-x.crash\n' >>"$1/files.txt"
}

run_dir "$T/good"
if python3 "$REPO/bench/parse.py" "$T/good" >"$T/good.json"; then
	ok "a complete capture exits 0"
else
	bad "a complete capture did not exit 0: $(cat "$T/good.json")"
fi
if out=$(python3 - "$T/good.json" <<'EOS' 2>&1
import json, sys
r = json.load(open(sys.argv[1]))
want = [3.0, 3.0, 1.0, 1.0, 0.5, 10.0, 4.0, 0.5, 0.75]
got = [round(s, 3) for _, s in r["timeline"]]
assert got == want, ("timeline", got, want)
assert round(r["total_s"], 3) == sum(want), ("total", r["total_s"])
assert round(r["events"]["panic"], 3) == -3.5, ("panic on the capture clock", r["events"]["panic"])
assert r["agent_rss_kib"] == 1500 and r["mdf_rss_kib"] == 3200, "peak RSS"
assert r["vmcore_mib"] == 1011, "vmcore size"
assert r["threads_ran"] == 2, "makedumpfile's threads, the agent's count"
assert r["dump_bytes"] == 2000 and r["report_bytes"] == 3000, "file sizes"
assert r["report_vmcore"] == "embedded", "VmCore"
assert r["kernel_memory"]["total"] == 33000 and r["kernel_memory"]["bss"] == 200, "Memory: line"
# The capture kernel's usable e820 ranges: the first 640 KiB (16 MiB section 0)
# and 976..1008 MiB (sections 61 and 62); reserved ranges and the first
# kernel's map do not count.
assert r["kernel_memory"]["sections"] == 3, ("memory sections", r["kernel_memory"])
assert r["bench"]["alone dump"]["rss_kib"] == "3100", "makedumpfile alone"
assert r["bench"]["peak"]["MemFree_min"] == "700", "peak sampler"
EOS
); then
	ok "timeline from host stamps and printk times, memory and sizes"
else
	bad "parsed run differs: $out"
fi

cause() { # DIR: the failure cause parse.py gives
	python3 "$REPO/bench/parse.py" "$1" >"$1.json" && echo "(exit 0)"
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["cause"])' "$1.json"
}
run_dir "$T/oom"
sed -i '/dumpagent: done/d; /dumpagent-bench/d; /reboot:/d' "$T/oom/stamps.tsv"
printf '200.0\t[    9.000000] Out of memory: Killed process 77 (makedumpfile) total-vm:1kB\n' >>"$T/oom/stamps.tsv"
c=$(cause "$T/oom")
if [ "$c" = "out of memory (killed makedumpfile)" ]; then ok "an OOM kill is the cause"; else bad "OOM cause: '$c'"; fi

run_dir "$T/unpack"
sed -i '/dumpagent: done/d; /dumpagent-bench/d; /reboot:/d' "$T/unpack/stamps.tsv"
printf '112.0\t[    1.000000] Initramfs unpacking failed: write error\n' >>"$T/unpack/stamps.tsv"
c=$(cause "$T/unpack")
if [ "$c" = "the initramfs did not fit: unpacking failed (write error)" ]; then ok "a failed unpacking is the cause"; else bad "unpacking cause: '$c'"; fi

run_dir "$T/nodump"
sed -i '/dump\.x/d' "$T/nodump/files.txt"
c=$(cause "$T/nodump")
if [ "$c" = "no dump on the disk" ]; then ok "complete without a dump file fails"; else bad "no-dump cause: '$c'"; fi

run_dir "$T/stall"
sed -i '/dumpagent: done/d; /dumpagent-bench/d; /reboot:/d' "$T/stall/stamps.tsv"
echo "# stalled" >>"$T/stall/stamps.tsv"
c=$(cause "$T/stall")
if [ "$c" = "hung: no serial output for the stall limit" ]; then ok "a stall is the cause"; else bad "stall cause: '$c'"; fi
# A threaded dump that failed and was made again with one thread: the
# threads that ran are the retry's one, not the first attempt's two.
run_dir "$T/retry"
sed -i 's/^130.000\t/129.500\tdumpagent: makedumpfile with 2 threads made no dump: once more with one\n&/' "$T/retry/stamps.tsv"
python3 "$REPO/bench/parse.py" "$T/retry" >"$T/retry.json"
same "a one-thread retry counts as one thread" 1 \
	"$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["threads_ran"])' "$T/retry.json")"
# A run of tests/qemu/test-arm64.sh (make bench ARCH=arm64): it works only
# if the test passed too, and the test's FAIL line is the cause the serial
# log cannot give.
run_dir "$T/test-ok"
printf 'test_rc=0\ntest_fail=\n' >>"$T/test-ok/meta"
c=$(cause "$T/test-ok")
same "a test that passed: the capture's verdict" "(exit 0)
None" "$c"
run_dir "$T/test-fail"
printf 'test_rc=1\ntest_fail=the dmesg read from the dump and the one the capture saved disagree\n' >>"$T/test-fail/meta"
c=$(cause "$T/test-fail")
same "a complete capture whose test failed fails, with the test's cause" \
	"the dmesg read from the dump and the one the capture saved disagree" "$c"
run_dir "$T/test-timeout"
sed -i '/dumpagent: done/d; /dumpagent-bench/d; /reboot:/d' "$T/test-timeout/stamps.tsv"
printf 'test_rc=1\ntest_fail=the VM did not finish within 900 s\n' >>"$T/test-timeout/meta"
c=$(cause "$T/test-timeout")
same "the test's cause stands for no 'done' marker" "the VM did not finish within 900 s" "$c"
run_dir "$T/test-oom"
sed -i '/dumpagent: done/d; /dumpagent-bench/d; /reboot:/d' "$T/test-oom/stamps.tsv"
printf '200.0\t[    9.000000] Out of memory: Killed process 77 (makedumpfile) total-vm:1kB\n' >>"$T/test-oom/stamps.tsv"
printf 'test_rc=1\ntest_fail=the agent did not report a complete capture\n' >>"$T/test-oom/meta"
c=$(cause "$T/test-oom")
same "the serial log's cause stands when it has one" "out of memory (killed makedumpfile)" "$c"
mkdir -p "$T/test-early"
printf 'name=e\nmem=1G\ncrashkernel_mb=64\nmode=mem\ntest_rc=1\ntest_fail=missing build/arm64/dumpagent: run make agent-arm64\n' >"$T/test-early/meta"
c=$(cause "$T/test-early")
same "a test that ended before its guest ran: its cause, without a serial log" \
	"missing build/arm64/dumpagent: run make agent-arm64" "$c"
# A run of bench/system-run.sh (kdump-tools): host stamps from the panic to
# "saved vmcore in" and to the capture kernel's "reboot:" line.
system_dir() { # DIR SYSTEM MARKER
	mkdir -p "$1"
	tab=$(printf '\t')
	cat >"$1/stamps.tsv" <<EOF
10.000${tab}[    1.000000] Linux version 6.1.0-50-amd64 (debian)
60.000${tab}BENCH-SYSTEM: armed: $2 after 20 s
70.000${tab}BENCH-SYSTEM: workload done: 67108864 bytes held; crashing
71.500${tab}[   61.000000] Kernel panic - not syncing: sysrq triggered crash
75.000${tab}[    0.000000] Linux version 6.1.0-50-amd64 (debian)
78.000${tab}[    1.500000] Run /init as init process
140.250${tab}$3 /var/crash/202612030130
141.000${tab}[    2.000000] reboot: whatever the capture kernel said first
152.000${tab}[   70.000000] reboot: Restarting system
EOF
	printf 'name=vs-1-%s\nmem=1G\ncrashkernel_mb=128\nmode=system\nsystem=%s\nsettings=system=%s\nreadback=ok 3145728\n' \
		"$2" "$2" "$2" >"$1/meta"
	printf ' 12  100600 (1)      0      0    3145728 3-Dec-2026 01:31 dump.202612030130\n' >"$1/files.txt"
}
system_dir "$T/kdt" kdump-tools 'kdump-tools: saved vmcore in'
sed -i '/reboot: whatever/d' "$T/kdt/stamps.tsv"
if python3 "$REPO/bench/parse.py" "$T/kdt" >"$T/kdt.json"; then
	ok "a kdump-tools run that saved and read back exits 0"
else
	bad "a kdump-tools run did not exit 0: $(cat "$T/kdt.json")"
fi
out=$(python3 - "$T/kdt.json" <<'EOS' 2>&1
import json, sys
r = json.load(open(sys.argv[1]))
t = r["times"]
assert r["ok"] and r["system"] == "kdump-tools" and r["mode"] == "system", r
assert (round(t["capture_kernel"], 3), round(t["dump"], 3), round(t["reboot"], 3)) == (3.5, 68.75, 80.5), t
assert r["dump_bytes"] == 3145728 and r["crashkernel_mb"] == 128, r
EOS
)
check "kdump-tools: panic to capture kernel, to 'saved vmcore in', to reboot, dump size" $? "$out"

system_dir "$T/da" dumpagent '[   30.000000] dumpagent: dump written (id=202612030130 bytes=3145728)'
out=$(python3 "$REPO/bench/parse.py" "$T/da" >"$T/da.json" && python3 -c '
import json, sys
r = json.load(open(sys.argv[1])); t = r["times"]
assert r["ok"] and (round(t["dump"], 3), round(t["reboot"], 3)) == (68.75, 69.5), t
' "$T/da.json" 2>&1)
check "dumpagent: its 'dump written' line, and the first 'reboot:' after the capture kernel's start" $? "$out"

system_dir "$T/kdt-wrong" kdump-tools 'dumpagent: dump written'
c=$(cause "$T/kdt-wrong")
same "kdump-tools' run needs its own marker" "no 'saved vmcore in' line (timeout?)" "$c"

system_dir "$T/kdt-readback" kdump-tools 'kdump-tools: saved vmcore in'
sed -i "s/^readback=.*/readback=the dump's dmesg has no sysrq panic/" "$T/kdt-readback/meta"
c=$(cause "$T/kdt-readback")
same "a dump that does not read back fails the run" "the dump did not read back: the dump's dmesg has no sysrq panic" "$c"

system_dir "$T/kdt-oom" kdump-tools 'kdump-tools: saved vmcore in'
sed -i '/saved vmcore/d; /reboot:/d' "$T/kdt-oom/stamps.tsv"
printf '90.0\t[    2.000000] Out of memory: Killed process 1 (systemd) total-vm:1kB\n' >>"$T/kdt-oom/stamps.tsv"
c=$(cause "$T/kdt-oom")
same "an OOM in kdump-tools' capture kernel is the cause" "out of memory (killed systemd)" "$c"
finish
