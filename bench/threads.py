#!/usr/bin/env python3
"""bench/threads.py: section 7 of bench/RESULTS.md: makedumpfile's threads on a big guest, and what they project to.

bench/run.sh crashes a 5-CPU guest with the most RAM the host can give
(THREADS_MEM, 20 GB) three times, with THREADS=1, 2 and 4 (the capture
kernel's nr_cpus and makedumpfile's --num-threads), at one reservation, as
runs threads-N. report.py prints section(runs). A thread's memory is what
it takes from the capture kernel (MemTotal when /init starts: the CPU's
per-CPU areas and stacks) plus what makedumpfile's peak RSS grows by.
"""

THREAD_COUNTS = (1, 2, 4)
PROJECT_GIB = (256, 1024)


def fmt(x, digits=1):
    return "-" if x is None else "%.*f" % (digits, x)


def table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def facts(run):
    """(dump phase s, panic to dump written s, MemTotal KiB at /init, makedumpfile peak RSS KiB), None when unknown."""
    ev, init = run.get("events", {}), run.get("bench", {}).get("meminfo init", {})
    phase = ev["dump"] - ev["dump_start"] if "dump" in ev and "dump_start" in ev else None
    written = ev["dump"] - ev["panic"] if "dump" in ev and "panic" in ev else None
    total = int(init["MemTotal"]) if "MemTotal" in init else None
    return phase, written, total, run.get("mdf_rss_kib")


def gib(mem):
    """"20G" -> 20."""
    return int(mem.rstrip("G")) if mem and mem.endswith("G") and mem[:-1].isdigit() else None


def section(runs):
    out = ["## 7. Big machines: makedumpfile's threads", ""]
    got = [(n, runs["threads-%d" % n]) for n in THREAD_COUNTS
           if runs.get("threads-%d" % n, {}).get("ok")]
    if not got:
        return "\n".join(out + ["Not measured: no threads-N run completed.", ""])
    base = dict(got).get(1)
    b_phase, _, b_total, b_rss = facts(base) if base else (None, None, None, None)
    size = gib(got[0][1].get("mem"))
    rows = []
    for n, r in got:
        phase, written, total, rss = facts(r)
        cost = None
        if n > 1 and None not in (b_total, total, b_rss, rss):
            cost = ((b_total - total) + (rss - b_rss)) / 1024.0 / (n - 1)
        rows.append([n, r.get("threads_ran", 1), r.get("mem"), r.get("crashkernel_mb"), fmt(phase), fmt(written),
                     "%.2f" % (phase / b_phase) if phase and b_phase else "-",
                     fmt(total / 1024.0 if total else None), fmt(rss / 1024.0 if rss else None),
                     fmt(cost)])
    missing = [str(n) for n in THREAD_COUNTS if n not in dict(got)]
    out += ["A guest with 5 vCPUs, one run each, in the same run of the bench: the capture kernel "
            "leaves out the crashed kernel's boot CPU (disable_cpu_apicid=), so with one more vCPU "
            "than threads, THREADS=4 gets its 4 CPUs whichever CPU panicked; the threads that ran "
            "are the agent's own count (its log's \"makedumpfile: N threads\"; 1 without the line). "
            "TCG on a host with "
            "2 CPUs shared with the other guests: past 2 threads the host has no CPU to give, so "
            "these figures show the cost of threads here, not their gain on a real machine).", "",
            table(["THREADS=", "threads that ran", "guest", "crashkernel=", "dump phase s", "panic to dump written s",
                   "dump phase vs 1 thread", "MemTotal at /init MiB", "makedumpfile peak RSS MiB",
                   "MiB a thread past the first"], rows), ""]
    if missing:
        out += ["Not completed: THREADS=%s." % ", ".join(missing), ""]
    if size and b_phase:
        rows = []
        for n, r in got:
            phase = facts(r)[0]
            rows.append([n] + [fmt(phase * g / size if phase else None, 0) for g in PROJECT_GIB])
        out += ["On paper, the dump phase at %s, assuming it grows linearly with RAM from this %d GB "
                "guest: at dump level 31 a mostly idle machine's dump is the scan of its memory "
                "map (64 bytes a 4 KiB page) and the kernel's own pages, both in proportion to "
                "RAM; a busy machine's page cache and anonymous memory are excluded the same way, "
                "but its kernel memory (slab, page tables) is written and grows with the load, "
                "not with RAM alone; the disk is assumed not to be the limit; makedumpfile's "
                "cyclic mode keeps its bitmap within the reservation whatever the size." %
                (" and ".join("%d GB" % g for g in PROJECT_GIB), size), "",
                table(["threads"] + ["dump phase at %d GB, s" % g for g in PROJECT_GIB], rows), ""]
    return "\n".join(out)
