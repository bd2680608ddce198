#!/bin/sh
# tests/shell/test-bench-plot.sh: bench/plot.py writes a well-formed SVG with the bars, axis, labels and legend asked for.
#
# Two panels, made up, go through plot.py's command line; then one quick run,
# made up, goes through bench/report.py, which must write memory.svg and point
# RESULTS.md at it. The SVG is read back with xml.etree: every segment is a
# rect as wide as its MiB, every label is <text>.
set -u
REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
. "$REPO/tests/shell/lib.sh"
need python3 python3

cat >"$T/panels.json" <<'EOF'
[["Memory (MiB)", [["1 GB, 32M", 32, [["kernel image", 5.0], ["free & rest", 20.0]]],
                   ["kdump-tools", 114, [["kdump-tools (whole)", 114]]]], 32],
 ["Peak RSS (MiB)", [["vmcore 1043 MiB", null, [["agent", 1.5], ["makedumpfile", 3.0]]]], null]]
EOF
out=$(python3 "$REPO/bench/plot.py" "$T/panels.json" "$T/fig.svg" 2>&1)
check "plot.py exits 0" $? "$out"

# svg_has SVG PYTHON: the assertions in PYTHON hold for the parsed SVG (root, texts, rects).
svg_has() {
	python3 - "$1" "$2" <<'EOS' 2>&1
import sys
import xml.etree.ElementTree as ET
NS = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == NS + "svg", ("root", root.tag)
texts = [t.text for t in root.iter(NS + "text")]
# Where a text first is (an axis tick's label is centred on its tick).
at = {}
for t in root.iter(NS + "text"):
    at.setdefault(t.text, float(t.get("x")))
# Segments carry their value as a tooltip: "LABEL: SEGMENT: N MiB".
segs = {r.find(NS + "title").text: float(r.get("width")) for r in root.iter(NS + "rect")
        if r.find(NS + "title") is not None}
exec(sys.argv[2])
EOS
}
out=$(svg_has "$T/fig.svg" '
for want in ["Memory (MiB)", "Peak RSS (MiB)", "1 GB, 32M", "kdump-tools", "vmcore 1043 MiB",
             "kernel image", "free & rest", "kdump-tools (whole)", "agent", "makedumpfile",
             "crashkernel= reservation of the bar", "goal 32 MB", "0", "64", "128", "4.5", "MiB"]:
    assert want in texts, ("missing text", want, texts)
assert sorted(segs) == sorted(["1 GB, 32M: kernel image: 5.0 MiB", "1 GB, 32M: free & rest: 20.0 MiB",
                               "kdump-tools: kdump-tools (whole): 114.0 MiB",
                               "vmcore 1043 MiB: agent: 1.5 MiB",
                               "vmcore 1043 MiB: makedumpfile: 3.0 MiB"]), ("segments", segs)
mib_x = (at["64"] - at["0"]) / 64
assert abs(segs["kdump-tools: kdump-tools (whole): 114.0 MiB"] - 114 * mib_x) < 0.2, ("not on the axis", segs, at)
w = segs["1 GB, 32M: kernel image: 5.0 MiB"]
assert abs(segs["1 GB, 32M: free & rest: 20.0 MiB"] - 4 * w) < 0.2, ("widths not in MiB", segs)
assert abs(segs["vmcore 1043 MiB: makedumpfile: 3.0 MiB"] -
           2 * segs["vmcore 1043 MiB: agent: 1.5 MiB"]) < 0.2, ("widths not in MiB", segs)
')
check "well-formed SVG: titles, bar labels, ticks, goal, legend, segments as wide as their MiB on the axis" $? "$out"

out=$(python3 "$REPO/bench/plot.py" "$T/panels.json" 2>&1)
same "plot.py without OUT is a usage error" "100 usage: bench/plot.py PANELS.json OUT.svg" "$? $out"

# One quick run, as bench/parse.py would write it (only what the report reads).
mkdir -p "$T/runs/runs" "$T/results"
echo 0123abc >"$T/runs/commit" # the commit the runs were made at: no git here
cat >"$T/runs/runs/timeline.json" <<'EOF'
{"name": "timeline", "ok": true, "cause": "", "mem": "1G", "settings": "", "crashkernel_mb": 32,
 "vmcore_mib": 1043, "agent_rss_kib": 1536, "mdf_rss_kib": 3072, "events": {},
 "kernel_memory": {"total": 33280, "code": 3072, "rwdata": 1024, "rodata": 768, "bss": 256,
                   "initrd_packed": 3276},
 "bench": {"meminfo init": {"MemTotal": "22528", "Cached": "7168"},
           "peak": {"MemFree_min": "716", "Cached_max": "13312"}}}
EOF
out=$(python3 "$REPO/bench/report.py" --runs "$T/runs" --repo "$REPO" --quick yes \
	--svg "$T/results/memory.svg" 2>&1 >"$T/results/RESULTS.md")
check "report.py exits 0 on a quick run" $? "$out"
grep -qxF '![memory](memory.svg)' "$T/results/RESULTS.md"
check "RESULTS.md shows memory.svg" $? "$(grep -n memory "$T/results/RESULTS.md")"
out=$(svg_has "$T/results/memory.svg" '
assert "1 GB, 32M" in texts and "kdump-tools (earlier)" in texts, texts
assert "1 GB, 32M: kernel image: 5.0 MiB" in segs, sorted(segs)
assert "vmcore 1043 MiB: agent: 1.5 MiB" in segs, sorted(segs)
')
check "the report's figure has the run's memory and peak RSS bars" $? "$out"

# Section 6: without the bench's kernel-cost.json it says so; with one it
# lists each group of drivers and their sum.
grep -qx 'Not measured: no kernel build in build/kernel when the bench started.' "$T/results/RESULTS.md"
check "section 6 says when the kernel's drivers were not measured" $? "$(grep -A3 '^## 6' "$T/results/RESULTS.md")"
cat >"$T/runs/kernel-cost.json" <<'EOF'
{"groups": [{"name": "device-mapper (dm_mod: linear, striped, ioctls)", "objects": 12, "bytes": 102400, "from": ""},
            {"name": "raid1", "objects": 1, "bytes": 30720, "from": ""}],
 "vmlinux_bytes": 7340032, "vmlinuz_bytes": 2621440, "span_bytes": 7340032}
EOF
python3 "$REPO/bench/report.py" --runs "$T/runs" --repo "$REPO" --quick yes --svg "$T/results/memory.svg" \
	>"$T/results/RESULTS.md" 2>&1 &&
	grep -qxF '| device-mapper (dm_mod: linear, striped, ioctls) | 12 | 100 KiB |' "$T/results/RESULTS.md" &&
	grep -qxF '| **all of them** | 13 | **130 KiB** |' "$T/results/RESULTS.md" &&
	grep -qxF '| vmlinuz (compressed) | | 2560 KiB |' "$T/results/RESULTS.md"
check "section 6 lists the drivers' sizes from kernel-cost.json" $? "$(grep -A14 '^## 6' "$T/results/RESULTS.md")"
# Measured in a tree without build/kernel: every group empty, no vmlinux.
cat >"$T/runs/kernel-cost.json" <<'EOF'
{"groups": [{"name": "raid1", "objects": 0, "bytes": 0, "from": "drivers/md/built-in.a ()"}],
 "vmlinux_bytes": null, "vmlinuz_bytes": 2621440, "span_bytes": null}
EOF
python3 "$REPO/bench/report.py" --runs "$T/runs" --repo "$REPO" --quick yes --svg "$T/results/memory.svg" \
	>"$T/results/RESULTS.md" 2>&1 &&
	grep -qx 'Not measured: no kernel build in build/kernel when the bench started.' "$T/results/RESULTS.md" &&
	! grep -q '| raid1 | 0 | 0 KiB |' "$T/results/RESULTS.md"
check "section 6 says not measured, not 0 KiB, without the kernel's build" $? "$(grep -A6 '^## 6' "$T/results/RESULTS.md")"
rm "$T/runs/kernel-cost.json"

# The report's VmCore at the next boot against the capture kernel's: downtime
# and bytes on disk as computed by hand (30 MiB dump; 40 MiB embedded report).
out=$(python3 - "$REPO/bench" <<'EOS' 2>&1
import sys
sys.path.insert(0, sys.argv[1])
import report
M = 1048576
def run(report_s, total, rep):
    return {"ok": True, "total_s": total, "dump_bytes": 30 * M, "report_bytes": rep,
            "events": {"panic": 0.0, "dump": 20.0, "report": 20.0 + report_s},
            "files": {"dump.x": 30 * M, "r.crash": rep, "dmesg.x": 1 * M, "summary.x.json": 1 * M}}
text = report.section_report_embed({"timeline": run(0.5, 30.0, 2 * M), "timeline-embed": run(15.0, 45.0, 40 * M)})
want = ["| boot (default) | 20.0 | 0.5 | 30.0 | 30.0 | 2.0 | 34.0 (1.13x the dump) |",
        "| capture | 20.0 | 15.0 | 45.0 | 30.0 | 40.0 | 72.0 (2.40x the dump) |",
        "Downtime with the default: 67% of the capture kernel embedding it",
        "(2.40x its dump); REPORT_VMCORE=export keeps it at 1.13x"]
for w in want:
    assert w in text, (w, text)
assert "Not measured" in report.section_report_embed({"timeline": run(0.5, 30.0, 2 * M)})
EOS
)
check "the VmCore section: downtime and bytes per crash of both REPORT_VMCORE runs" $? "$out"
# Section 2's budget: memmap from the sections, the need by /init, and what
# 28 and 24 MB would leave, computed by hand. Kernel image 4096 KiB with 1024
# of init; boot allocations 33408 - 21120 - 3072 = 9216 KiB, of it the memmap
# (2 sections of 16 MiB, 512); need = 4096 + 9216 + packed 3072 + unpacked 7168 + slab
# 4096 + stacks 768 = 28416 KiB = 27.75 MiB. The first 640 KiB are managed
# beside the reservation (33408 - 32768), so a reservation of 27776 KiB
# (27.1 MiB) covers it: 896 KiB spare at 28 MB, 3200 short at 24 MB.
out=$(python3 - "$REPO/bench" <<'EOS' 2>&1
import sys
sys.path.insert(0, sys.argv[1])
import report
run = {"ok": True, "crashkernel_mb": 32, "agent_rss_kib": 1024, "mdf_rss_kib": 2048,
       "kernel_memory": {"total": 33408, "code": 2048, "rwdata": 512, "rodata": 256, "init": 1024,
                         "bss": 256, "initrd_packed": 3072, "sections": 2},
       "bench": {"meminfo init": {"MemTotal": "21120", "Cached": "7168", "Slab": "4096", "KernelStack": "768"},
                 "peak": {"MemFree_min": "512", "Cached_max": "9216"}}}
parts = dict(report.breakdown(run))
assert parts["memmap"] == 0.5, parts
assert parts["other boot allocations"] == 8.5, parts
assert parts["kernel slab at /init"] == 4.0 and parts["kernel stacks at /init"] == 0.75, parts
assert report.boot_need(run) == 28416, report.boot_need(run)
text = report.section_budget([("1 GB, 32M", run)])
want = "| 1 GB, 32M | 2 | 27.8 | 27.1 | spare 0.9 | short 3.1 |"
assert want in text, (want, text)
# The same capture with one section more: 256 KiB more memmap, so 256 KiB
# less MemTotal, and the need counts them.
import copy
run3 = copy.deepcopy(run)
run3["kernel_memory"]["sections"] = 3
run3["bench"]["meminfo init"]["MemTotal"] = "20864"
assert dict(report.breakdown(run3))["memmap"] == 0.75, report.breakdown(run3)
assert report.boot_need(run3) == 28416 + 256, report.boot_need(run3)
# Every segment of the figure gets its own colour (kdump-tools' bar too).
import plot
names = [n for n, _ in report.breakdown(run)] + ["kdump-tools (whole)"]
assert len(names) <= len(plot.COLOURS), (len(names), len(plot.COLOURS))
EOS
)
check "section 2: memmap by sections, the need by /init, and what 28 and 24 MB leave, computed by hand" $? "$out"
# The knee (section 3c): panic to dump written at each reservation, against
# the fastest, computed by hand; the knee is the smallest within 10%.
out=$(python3 - "$REPO/bench" <<'EOS' 2>&1
import sys
sys.path.insert(0, sys.argv[1])
import report
def run(written, ok=True):
    return {"ok": ok, "total_s": written + 1.0,
            "events": {"panic": 0.0, "init": 3.0, "dump_start": 4.0, "dump": written}}
runs = {"knee-1G-32M": run(30.0), "knee-1G-40M": run(22.0), "knee-1G-48M": run(14.0),
        "knee-1G-64M": run(13.0), "knee-1G-128M": run(20.0, ok=False)}
text = report.section_knee(runs)
want = ["| 32 MB | 3.0 | 26.0 | 30.0 | 31.0 | 2.31 |", "| 48 MB | 3.0 | 10.0 | 14.0 | 15.0 | 1.08 |",
        "| 64 MB | 3.0 | 9.0 | 13.0 | 14.0 | 1.00 |", "Knee: **48 MB**. Not completed: 128 MB."]
for w in want:
    assert w in text, (w, text)
assert "| 128 MB |" not in text, text
assert "Not measured" in report.section_knee({"knee-1G-32M": run(30.0)})
EOS
)
check "the knee section: times against the fastest, the smallest within 10%, runs that failed named" $? "$out"
# Threads (section 7): dump phase against 1 thread, a thread's memory (the
# MemTotal it takes plus makedumpfile's RSS growth), and the projection, by hand.
out=$(python3 - "$REPO/bench" <<'EOS' 2>&1
import sys
sys.path.insert(0, sys.argv[1])
import threads
def run(phase, total_kib, rss_kib, ok=True):
    return {"ok": ok, "mem": "20G", "crashkernel_mb": 128, "mdf_rss_kib": rss_kib,
            "bench": {"meminfo init": {"MemTotal": str(total_kib)}},
            "events": {"panic": 0.0, "dump_start": 10.0, "dump": 10.0 + phase}}
runs = {"threads-1": run(40.0, 100 * 1024, 10 * 1024), "threads-2": run(25.0, 99 * 1024, 12 * 1024),
        "threads-4": run(20.0, 97 * 1024, 16 * 1024, ok=False)}
runs["threads-2"]["threads_ran"] = 2  # the agent's "makedumpfile: 2 threads"; none with one
text = threads.section(runs)
want = ["| 1 | 1 | 20G | 128 | 40.0 | 50.0 | 1.00 | 100.0 | 10.0 | - |",
        "| 2 | 2 | 20G | 128 | 25.0 | 35.0 | 0.62 | 99.0 | 12.0 | 3.0 |",
        "Not completed: THREADS=4.", "| 1 | 512 | 2048 |", "| 2 | 320 | 1280 |"]
for w in want:
    assert w in text, (w, text)
assert "| 4 |" not in text, text
assert "Not measured" in threads.section({"threads-4": run(20.0, 1, 1, ok=False)})
EOS
)
check "the threads section: dump phase against 1 thread, a thread's memory, the projection to 256 GB and 1 TB" $? "$out"
# dumpagent against kdump-tools (section 0): medians of the completed
# side-by-side runs and their ratios, computed by hand; each system's own
# bisection; it leads RESULTS.md, and --kdump-only prints only it.
mkdir -p "$T/vs/runs"
echo 0123abc >"$T/vs/commit"
printf '1G 32 ok\n1G 28 fail\n1G 32 smallest\nkdump-tools-1G 96 fail\nkdump-tools-1G 128 ok\nkdump-tools-1G 112 ok\nkdump-tools-1G 104 fail\nkdump-tools-1G 112 smallest\n' >"$T/vs/bisect.txt"
vs_run() { # NAME SYSTEM OK DUMP_S REBOOT_S DUMP_MIB [CRASHKERNEL_MB]
	cat >"$T/vs/runs/$1.json" <<EOF
{"name": "$1", "mode": "system", "system": "$2", "ok": $3, "cause": "out of memory (killed systemd)",
 "mem": "1G", "settings": "system=$2", "crashkernel_mb": ${7:-128},
 "times": {"capture_kernel": 3.0, "dump": $4, "reboot": $5}, "dump_bytes": $(($6 * 1048576)), "files": {}}
EOF
}
vs_run vs-1-dumpagent dumpagent true 10.0 20.0 30
vs_run vs-1-kdump-tools kdump-tools true 60.0 90.0 40
vs_run vs-2-dumpagent dumpagent true 14.0 24.0 34
vs_run vs-2-kdump-tools kdump-tools true 80.0 110.0 40
vs_run vs-3-kdump-tools kdump-tools true 70.0 100.0 40
vs_run vs-4-kdump-tools kdump-tools false 500.0 600.0 99
vs_run bisect-kdump-tools-1G-104M kdump-tools false 1.0 2.0 1
# dumpagent at --reserve's recommendation (40M) and at 32M in the same pairs,
# against kdump-tools at 128M (median 70.0 s to the dump, 100.0 to reboot):
# 40M: 9.0 s (0.13), 16.0 s (0.16); 32M: one of two completed, 14.0 (0.20), 20.0 (0.20).
vs_run vs-1-dumpagent-40M dumpagent true 8.0 15.0 30 40
vs_run vs-1-dumpagent-32M dumpagent true 14.0 20.0 30 32
vs_run vs-2-dumpagent-40M dumpagent true 10.0 17.0 30 40
vs_run vs-2-dumpagent-32M dumpagent false 400.0 500.0 30 32
echo 40 >"$T/vs/recommended_mb"
out=$(python3 - "$REPO/bench" "$T/vs" <<'EOS' 2>&1
import sys
sys.path.insert(0, sys.argv[1])
import report
runs, bisect = report.load_runs(sys.argv[2]), report.load_bisect(sys.argv[2])
report.RUNS_DIR[0] = sys.argv[2]
text = report.section_versus(runs, bisect)
want = ["| panic to dump written (s) | 12.0 | 70.0 | **0.17** |",
        "| 40M (what --reserve recommends) | 9.0 | **0.13** | 0.15 | 16.0 | **0.16** | 2 of 2 |",
        "| 32M | 14.0 | **0.20** | 0.25 | 20.0 | **0.20** | 1 of 2 |",
        "| panic to reboot (s) | 22.0 | 100.0 | **0.22** |",
        "| dump size (MiB) | 32.0 | 40.0 | **0.80** |",
        "| smallest working crashkernel= (MB) | 32 | 112 | **0.29** |",
        "| runs that completed | 2 of 2 | 3 of 4 |  |",
        "kdump-tools: the guest above, 8 MB steps: 96: fail; 128: ok; 112: ok; 104: fail (out of memory (killed systemd)).",
        "- vs-4-kdump-tools (kdump-tools, crashkernel=128M): FAILED: out of memory (killed systemd)",
        "- vs-2-dumpagent (dumpagent, crashkernel=128M): panic to dump written 14.0 s, to reboot 24.0 s, dump 34.0 MiB",
        "crashkernel=128M)"]
for w in want:
    assert w in text, (w, text)
each = text.split("Each run:")[1]
assert "bisect-kdump-tools" not in each, "a bisection trial counted as a side-by-side run"
order = [l.split()[1] for l in each.splitlines() if l.startswith("- ")]
assert order == ["vs-1-dumpagent", "vs-1-kdump-tools", "vs-1-dumpagent-40M", "vs-1-dumpagent-32M",
                 "vs-2-dumpagent", "vs-2-kdump-tools", "vs-2-dumpagent-40M", "vs-2-dumpagent-32M",
                 "vs-3-kdump-tools", "vs-4-kdump-tools"], ("not in the order they ran", order)
assert "Not measured" in report.section_versus({}, [])
# Pairs at kdump-tools' smallest (144M) where 128M was too little for it:
# the table and the smaller reservations are held against that.
for r in runs.values():
    if r["name"] in ("vs-1-dumpagent", "vs-2-dumpagent") or r["system"] == "kdump-tools":
        r["crashkernel_mb"] = 144
text = report.section_versus(runs, bisect)
for w in ["in each pair dumpagent and kdump-tools at 144M", "| panic to dump written (s) | 12.0 | 70.0 | **0.17** |",
          "against kdump-tools at 144M", "| 40M (what --reserve recommends) | 9.0 | **0.13** | 0.15 |"]:
    assert w in text, (w, text)
# Section 3 quotes kdump-tools' time from section 0, the earlier figure only without it.
w = "Debian kdump-tools in this run (section 0: its Debian 12 guest, crashkernel=144M): panic to dump written 70.0 s (median of 3)."
assert report.kdump_times(runs) == w, report.kdump_times(runs)
assert report.kdump_times({}) == report.REFERENCE
# Section 1 quotes kdump-tools' smallest from this run's bisection (112),
# and the figure measured earlier by hand only without one.
text = report.section_reservation(runs, bisect, False)
w = "| reference | 112 MB | Debian kdump-tools, its own bisection in this run (section 0, 1 GB guest) | no |"
assert w in text, (w, text)
text = report.section_reservation(runs, [r for r in bisect if not r[0].startswith("kdump-tools")], False)
w = "| reference | 114 MB | Debian kdump-tools, measured earlier, not in this run | no |"
assert w in text, (w, text)
# When --reserve recommends 32M, that row carries both goals.
open(sys.argv[2] + "/recommended_mb", "w").write("32\n")
text = report.section_versus(runs, bisect)
w = "| 32M (what --reserve recommends) | 14.0 | **0.20** | 0.15; 0.25 |"
assert w in text, (w, text)
EOS
)
check "section 0: medians of the completed runs, ratios, both bisections, each run; pairs at kdump-tools' own reservation" $? "$out"
out=$(python3 "$REPO/bench/report.py" --runs "$T/vs" --repo "$REPO" --svg "$T/vs/memory.svg" 2>&1 >"$T/vs/RESULTS.md")
check "report.py exits 0 with side-by-side runs" $? "$out"
heads=$(grep '^## ' "$T/vs/RESULTS.md" | head -n 2 | tr '\n' '|')
same "RESULTS.md leads with the comparison" "## 0. dumpagent vs kdump-tools, same run|## 1. Smallest working reservation|" "$heads"
python3 "$REPO/bench/report.py" --runs "$T/vs" --repo "$REPO" --svg "$T/vs/memory.svg" --kdump-only yes >"$T/vs/kdump.md" 2>&1
heads=$(grep '^## ' "$T/vs/kdump.md" | tr '\n' '|')
same "--kdump-only prints only the comparison" "## 0. dumpagent vs kdump-tools, same run|" "$heads"
grep -qF 'make bench-kdump' "$T/vs/kdump.md"
check "--kdump-only names its make target" $? "$(head -n 3 "$T/vs/kdump.md")"
python3 "$REPO/bench/report.py" --runs "$T/vs" --repo "$REPO" --svg "$T/vs/memory.svg" --knee-only yes >"$T/vs/knee.md" 2>&1
heads=$(grep '^## ' "$T/vs/knee.md" | cut -c1-6 | tr '\n' '|')
same "--knee-only prints only the dump-time sections: the knee, the compression and the threads" "## 3c.|## 4. |## 7. |" "$heads"
grep -qF 'make bench-knee' "$T/vs/knee.md"
check "--knee-only names its make target" $? "$(head -n 3 "$T/vs/knee.md")"
out=$(sh "$REPO/bench/run.sh" --knee-only --kdump-only 2>&1)
same "--knee-only with --kdump-only is a usage error" "100 bench/run.sh: --quick, --kdump-only and --knee-only exclude each other" "$? $out"
finish
