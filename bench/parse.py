#!/usr/bin/env python3
"""bench/parse.py: turns one bench run (serial log, host stamps, disk listing) into JSON.

Usage: parse.py WORKDIR          prints the run as JSON; exit 0 iff the capture
                                 completed and the dump is on the disk
       parse.py --brief RUN.json prints one line about a parsed run

WORKDIR is what bench/run.sh leaves: serial.log, stamps.tsv (bench/stamp.py),
files.txt (debugfs "ls -l" of the dump directory), meta (KEY=value;
test_rc and test_fail for a run of a QEMU test, see test_verdict).

Clocks: from the panic to "Run /init" in the capture kernel, the host's
monotonic time of each serial line (bench/stamp.py; these lines are printed as
they happen). The capture kernel's printk clock is not usable that early: its
first second is stamped 0 or runs slow under TCG. From "Run /init" on, the
capture kernel's printk time (the agent's lines come from its ring buffer
through initramfs/bench), which is steady by then.

load_runs(DIR) is the reader of what it wrote: DIR/runs/*.json by name
(bench/report.py and bench/arm64.py).
"""
import glob
import json
import os
import re
import sys

TS = re.compile(r"^\[\s*(\d+\.\d+)\] (.*)$")
KMSG = "dumpagent-bench: kmsg "


def load_runs(d):
    """{name: run} from d/runs/*.json, those that cannot be read left out."""
    runs = {}
    for path in sorted(glob.glob(os.path.join(d, "runs", "*.json"))):
        try:
            with open(path) as f:
                run = json.load(f)
        except (OSError, ValueError):
            continue
        runs[run.get("name") or os.path.basename(path)[:-5]] = run
    return runs


def read_lines(work):
    """[(host seconds or None, text)] from stamps.tsv, else serial.log."""
    lines, stalled = [], False
    try:
        with open(work + "/stamps.tsv", encoding="utf-8", errors="replace") as f:
            for raw in f:
                raw = raw.rstrip("\n")
                if raw == "# stalled":
                    stalled = True
                    continue
                host, _, text = raw.partition("\t")
                lines.append((float(host), text))
    except (OSError, ValueError):
        lines = []
    if not lines:
        try:
            with open(work + "/serial.log", "rb") as f:
                for raw in f.read().split(b"\n"):
                    lines.append((None, raw.replace(b"\r", b"").decode("utf-8", "replace")))
        except OSError:
            pass  # a run that ended before its guest started: no panic, the cause says so
    return lines, stalled


def read_meta(work):
    meta = {}
    try:
        with open(work + "/meta") as f:
            for line in f:
                key, _, value = line.rstrip("\n").partition("=")
                meta[key] = value
    except OSError:
        pass
    return meta


def read_files(work):
    """{name: bytes} from debugfs "ls -l": ... SIZE DATE TIME NAME."""
    files = {}
    try:
        with open(work + "/files.txt") as f:
            for line in f:
                fields = line.split()
                if len(fields) >= 5 and fields[-4].isdigit():
                    files[fields[-1]] = int(fields[-4])
    except OSError:
        pass
    return files


def kv(text):
    return dict(w.split("=", 1) for w in text.split() if "=" in w)


def split_kernels(lines):
    """Index of the panic line and of the capture kernel's first line (or None)."""
    panic = next((i for i, (_, t) in enumerate(lines) if "Kernel panic - not syncing" in t), None)
    if panic is None:
        return None, None
    start = next((i for i in range(panic, len(lines)) if "] Linux version " in lines[i][1]), None)
    return panic, start


def agent_events(capture):
    """{event: capture-kernel seconds} from the ring buffer copy of the agent's lines."""
    marks = {
        "ready": "dumpagent: ready",
        "target": "dumpagent: target ok",
        "dump_start": "dumpagent: dump size: at most",
        "dump": "dumpagent: dump written",
        "report": "dumpagent: report written",
        "unmounted": "dumpagent: unmounted",
        "done": "dumpagent: done (status=",
    }
    ev = {}
    for _, text in capture:
        if not text.startswith(KMSG):
            continue
        m = TS.match(text[len(KMSG):])
        if not m:
            continue
        t, msg = float(m.group(1)), m.group(2)
        ev.setdefault("agent_start", t)
        for key, prefix in marks.items():
            if msg.startswith(prefix):
                ev.setdefault(key, t)
    return ev


def kernel_events(capture):
    ev = {}
    for _, text in capture:
        m = TS.match(text)
        if not m:
            continue
        t, msg = float(m.group(1)), m.group(2)
        if msg.startswith("Run /init"):
            ev.setdefault("init", t)
        elif msg.startswith("reboot: "):
            ev.setdefault("off", t)
    return ev


def bench_lines(capture):
    """The hook's KEY VALUE lines: {"start": {...}, "meminfo init": {...}, "alone dump": {...}}."""
    out = {}
    for _, text in capture:
        if not text.startswith("dumpagent-bench: ") or text.startswith(KMSG):
            continue
        words = text[len("dumpagent-bench: "):].split()
        if not words:
            continue
        key = words[0]
        if key in ("meminfo", "alone") and len(words) > 1:
            key += " " + words[1]
        out[key] = kv(" ".join(words[1:]))
    return out


# x86_64 SPARSEMEM: the small kernel's sections are 16 MiB
# (capture-kernel/patches/x86-small-memory-sections.patch; 128 MiB before it),
# and each gets its whole memmap, 4096 struct pages of 64 bytes (256 KiB), as
# soon as any of its memory is usable (mm/sparse.c populates full sections at
# boot). A capture kernel's memory is its reservation plus the first 640 KiB,
# which x86_64 must give it for the real-mode trampoline.
SECTION_BYTES = 16 << 20
E820 = re.compile(r"BIOS-e820: \[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\] usable")


def usable_sections(capture):
    """How many memory sections hold usable RAM in the capture kernel's e820 map."""
    sections = set()
    for _, text in capture:
        m = E820.search(text)
        if m:
            first, last = int(m.group(1), 16), int(m.group(2), 16)
            sections.update(range(first // SECTION_BYTES, last // SECTION_BYTES + 1))
    return len(sections)


def kernel_memory(capture):
    mem = {}
    n = usable_sections(capture)
    if n:
        mem["sections"] = n
    for _, text in capture:
        m = re.search(r"Memory: (\d+)K/(\d+)K available \((\d+)K kernel code, (\d+)K rwdata, "
                      r"(\d+)K rodata, (\d+)K init, (\d+)K bss, (\d+)K reserved", text)
        if m:
            keys = ("available", "total", "code", "rwdata", "rodata", "init", "bss", "reserved")
            mem.update(zip(keys, (int(g) for g in m.groups())))
        m = re.search(r"Freeing initrd memory: (\d+)K", text)
        if m:
            mem["initrd_packed"] = int(m.group(1))
    return mem


def failure_cause(lines, panic, start, stalled, done_status, files):
    text = "\n".join(t for _, t in lines)
    capture = "\n".join(t for _, t in lines[start:]) if start is not None else ""
    if "first-init: FAILED to arm" in text:
        m = re.search(r"load-crashkernel: (kexec[^\n]*failed[^\n]*)", text)
        return "not armed: " + (m.group(1)[:120] if m else "the loader failed")
    cause = capture_kernel_cause(panic, start, capture)
    if cause:
        return cause
    m = re.search(r"makedumpfile for dump failed with status (\d+)", capture)
    if m:
        return "makedumpfile failed (status %s%s)%s" % (
            m.group(1), ": could not start" if m.group(1) == "126" else "",
            "; the fallback, a gzip of the whole vmcore, hung or ran past the stall limit"
            if stalled else "")
    if stalled:
        return "hung: no serial output for the stall limit"
    if done_status and done_status != "complete":
        return "capture status " + done_status
    if done_status == "complete" and not any(n.startswith("dump.") for n in files):
        return "no dump on the disk"
    return "no 'done' marker (timeout?)"


def capture_kernel_cause(panic, start, capture):
    """Why the capture kernel never ran its capture, from its console, or None."""
    if panic is None:
        return "no panic in the first kernel"
    if start is None:
        return "the capture kernel did not start"
    m = re.search(r"Initramfs unpacking failed: ([^\n]*)", capture)
    if m:
        return "the initramfs did not fit: unpacking failed (%s)" % m.group(1)[:60]
    oom = re.search(r"Out of memory|oom-kill|invoked oom-killer", capture)
    if oom:
        m = re.search(r"Killed process \d+ \((\S+)\)", capture)
        booting = "] Run /init" not in capture[:oom.start()]
        return "out of memory" + (" (killed %s)" % m.group(1) if m else "") + (
            " while booting, before /init" if booting else "")
    # The capture kernel's own panic is a kernel line ("[ time] Kernel
    # panic"); the agent's "dumpagent: panic: ..." names the crashed one's.
    m = re.search(r"\] Kernel panic - not syncing: ([^\n]*)", capture)
    if m:
        return "capture kernel panic: " + m.group(1)[:100]
    return None


def timeline(host, kev, aev, bench):
    """[(phase, seconds)] from the panic to the power-off, or None if a mark is missing."""
    if any(host.get(k) is None for k in ("panic", "start", "init")) or "off" not in kev:
        return None
    if any(k not in aev for k in ("ready", "target", "dump_start", "dump", "report", "done")):
        return None
    # The bench hook runs between "done" and the final action: not counted.
    hook = 0.0
    if "finish" in bench and "end" in bench:
        hook = float(bench["end"]["uptime"]) - float(bench["finish"]["uptime"])
    return [
        ("panic to capture kernel console (kexec, purgatory, decompression)",
         host["start"] - host["panic"]),
        ("capture kernel boot (console to /init)", host["init"] - host["start"]),
        ("/init, agent start, vmcore", aev["ready"] - kev["init"]),
        ("target found and mounted", aev["target"] - aev["ready"]),
        ("dmesg and summary", aev["dump_start"] - aev["target"]),
        ("dump (makedumpfile)", aev["dump"] - aev["dump_start"]),
        ("report (VmCore at the next boot by default)", aev["report"] - aev["dump"]),
        ("log, sync, unmount", aev["done"] - aev["report"]),
        ("power off", kev["off"] - aev["done"] - hook),
    ]


# bench/system-run.sh's runs: the console line each system prints once the
# dump is in place (dumpagent after its fsync and rename; kdump-tools after
# its mv, before its sync).
DUMP_WRITTEN = {"dumpagent": "dumpagent: dump written", "kdump-tools": "saved vmcore in"}


def parse_system(lines, stalled, meta, files):
    """A run of bench/system-run.sh: host times from the panic to the dump and to the reboot."""
    panic, start = split_kernels(lines)
    system = meta.get("system", "")
    run = {"name": meta.get("name"), "mem": meta.get("mem"), "settings": meta.get("settings", ""),
           "crashkernel_mb": int(meta.get("crashkernel_mb", "0") or 0), "mode": "system",
           "system": system, "readback": meta.get("readback", "")}

    def first(text):
        if start is None:
            return None
        return next((i for i in range(start, len(lines)) if text in lines[i][1]), None)

    def since_panic(i):
        if i is None or lines[i][0] is None or lines[panic][0] is None:
            return None
        return lines[i][0] - lines[panic][0]

    dump = first(DUMP_WRITTEN.get(system, "\0"))
    reboot = first("reboot: ")  # "Restarting system", or "Power down"
    run["times"] = {"capture_kernel": since_panic(start), "dump": since_panic(dump),
                    "reboot": since_panic(reboot)}
    run["dump_bytes"] = next((b for n, b in files.items() if n.startswith("dump.")), None)
    run["files"] = files
    run["ok"] = dump is not None and run["readback"].startswith("ok ")
    run["cause"] = None if run["ok"] else system_cause(lines, panic, start, stalled, dump, run)
    return run


def system_cause(lines, panic, start, stalled, dump, run):
    text = "\n".join(t for _, t in lines)
    m = re.search(r"BENCH-SYSTEM: FAILED: ([^\n]*)", text)
    if m and panic is None:
        return m.group(1)[:120]
    capture = "\n".join(t for _, t in lines[start:]) if start is not None else ""
    cause = capture_kernel_cause(panic, start, capture)
    if cause:
        return cause
    if dump is None:
        return ("hung: no serial output for the stall limit" if stalled else
                "no '%s' line (timeout?)" % DUMP_WRITTEN.get(run["system"], "dump written"))
    return "the dump did not read back: " + (run["readback"] or "not checked")


def test_verdict(run, meta):
    """A run of a QEMU test (bench/run.sh's arm64 trials: meta's test_rc and
    test_fail, the test's status and FAIL line) works only if the test passed
    too: it also reads the dump back. Its FAIL line names what the serial log
    cannot (a timeout, a dump that does not read back, a test that ended
    before its guest crashed)."""
    if meta.get("test_rc", "0") == "0":
        return
    said = meta.get("test_fail") or "the test failed with status " + meta["test_rc"]
    if run["ok"] or run["cause"].startswith(("no 'done' marker", "no panic in the first kernel")):
        run["cause"] = said
    run["ok"] = False


def parse(work):
    lines, stalled = read_lines(work)
    meta, files = read_meta(work), read_files(work)
    if meta.get("mode") == "system":
        return parse_system(lines, stalled, meta, files)
    panic, start = split_kernels(lines)
    capture = lines[start:] if start is not None else []
    run = {"name": meta.get("name"), "mem": meta.get("mem"), "settings": meta.get("settings", ""),
           "crashkernel_mb": int(meta.get("crashkernel_mb", "0") or 0), "mode": meta.get("mode")}
    done = [re.search(r"dumpagent: done \(status=([a-z-]+)\)", t) for _, t in capture]
    done_status = next((m.group(1) for m in done if m), None)
    ok = done_status == "complete" and any(n.startswith("dump.") for n in files)
    run["ok"] = ok
    run["cause"] = None if ok else failure_cause(lines, panic, start, stalled, done_status, files)
    test_verdict(run, meta)
    host = {"panic": lines[panic][0] if panic is not None else None,
            "start": lines[start][0] if start is not None else None,
            "init": next((h for h, t in capture if "] Run /init" in t), None)}
    kev, aev, bench = kernel_events(capture), agent_events(capture), bench_lines(capture)
    panic_c = None  # the panic on the capture kernel's printk clock
    if host["panic"] is not None and host["init"] is not None and "init" in kev:
        panic_c = kev["init"] - (host["init"] - host["panic"])
    run["events"] = dict(kev, **aev, panic=panic_c)
    tl = timeline(host, kev, aev, bench)
    run["timeline"] = tl
    run["total_s"] = sum(s for _, s in tl) if tl else None
    run["kernel_memory"] = kernel_memory(capture)
    run["bench"] = bench
    for _, t in capture:
        m = re.search(r"dumpagent: peak RSS: agent (\d+) KiB, makedumpfile (\d+) KiB", t)
        if m:
            run["agent_rss_kib"], run["mdf_rss_kib"] = int(m.group(1)), int(m.group(2))
        m = re.search(r"dumpagent: makedumpfile: (\d+) threads", t)
        if m:
            run["threads_ran"] = int(m.group(1))
        if "made no dump: once more with one" in t:
            run["threads_ran"] = 1  # the dump that counts is the one-thread retry's
        m = re.search(r"dumpagent: vmcore: kernel \S+, \d+ CPU notes, (\d+) MiB of memory", t)
        if m:
            run["vmcore_mib"] = int(m.group(1))
        m = re.search(r"dumpagent: report written \(.*VmCore ([a-z ]+)\)", t)
        if m:
            run["report_vmcore"] = m.group(1)
    run["dump_bytes"] = next((b for n, b in files.items() if n.startswith("dump.")), None)
    run["report_bytes"] = next((b for n, b in files.items() if n.endswith(".crash")), None)
    run["files"] = files
    return run


def brief(run):
    if not run["ok"]:
        return "FAILED: %s" % run["cause"]
    parts = ["ok"]
    if run.get("mode") == "system":
        t = run["times"]
        parts.append("%s: panic to dump written %s s, to reboot %s s" % (
            run["system"], fmt(t["dump"]), fmt(t["reboot"])))
    if run.get("total_s"):
        parts.append("panic to power-off %.1f s" % run["total_s"])
    if run.get("dump_bytes") is not None:
        parts.append("dump %.1f MiB" % (run["dump_bytes"] / 1048576))
    if "agent_rss_kib" in run:
        parts.append("agent %d KiB, makedumpfile %d KiB" % (run["agent_rss_kib"], run["mdf_rss_kib"]))
    return ", ".join(parts)


def fmt(x):
    return "-" if x is None else "%.1f" % x


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--brief":
        with open(sys.argv[2]) as f:
            print(brief(json.load(f)))
        return 0
    if len(sys.argv) != 2:
        sys.stderr.write("usage: parse.py WORKDIR | parse.py --brief RUN.json\n")
        return 100
    run = parse(sys.argv[1])
    json.dump(run, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0 if run["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
