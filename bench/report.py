#!/usr/bin/env python3
"""bench/report.py: bench/RESULTS.md (on stdout) and the memory figure (SVG), from the parsed runs.

Usage: report.py --runs DIR --repo REPO --quick yes|no --seconds N --svg PATH [--kdump-only yes | --knee-only yes]
                 [--previous RESULTS.md]
       report.py --commit REPO     prints the commit as the results name it

DIR holds runs/*.json (bench/parse.py), bisect.txt and commit (bench/run.sh:
the commit the runs were made at). The results lead with dumpagent against
kdump-tools in the same run (section 0); --kdump-only prints only that,
--knee-only only the knee (section 3c) and the threads (section 7).
Section 6 is kernel_cost.py's, from the runs' kernel-cost.json; section 7
is threads.py's. Section 1b is arm64.py's (make bench ARCH=arm64): from
REPO/build/bench-arm64 when that run is there, else as --previous (the
RESULTS.md this one replaces) had it. The
figures are printed, never judged: a missing run leaves a "not measured" line.
"""
import argparse
import datetime
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import arm64  # noqa: E402
from parse import load_runs  # noqa: E402
import kernel_cost  # noqa: E402
import threads  # noqa: E402
import plot  # noqa: E402

REFERENCE = ("Debian kdump-tools, measured earlier on this machine (not in this run): "
             "crashkernel=114M was the smallest that worked, and panic to dump written took 27-38 s.")


def kdump_reference(bisect):
    """(MB, what, in this run) for kdump-tools' smallest crashkernel=: this run's bisection
    (section 0) if it found one, else the figure measured earlier by hand."""
    mb = smallest(bisect, "kdump-tools-1G")
    if mb is not None:
        return mb, "Debian kdump-tools, its own bisection in this run (section 0, 1 GB guest)", True
    return 114, "Debian kdump-tools, measured earlier, not in this run", False


def kdump_times(runs):
    """One sentence on kdump-tools' panic to dump written: section 0's, else REFERENCE."""
    k = [r for r in versus_runs(runs)["kdump-tools"] if r["ok"] and r["times"].get("dump") is not None]
    if not k:
        return REFERENCE
    return ("Debian kdump-tools in this run (section 0: its Debian 12 guest, crashkernel=%dM): panic to "
            "dump written %.1f s (median of %d)." %
            (k[0]["crashkernel_mb"], median([r["times"]["dump"] for r in k]), len(k)))


def git(repo, *args):
    try:
        return subprocess.run(["git", "-C", repo] + list(args), capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def commit(repo):
    """HEAD's short hash, "-dirty" when the tree has changes the bench did not make."""
    head = git(repo, "rev-parse", "--short", "HEAD") or "unknown"
    # bench/RESULTS.md and the figure are rewritten by this very run: not "dirty".
    dirty = [l for l in git(repo, "status", "--porcelain").splitlines()
             if not l[3:].startswith(("bench/RESULTS.md", "bench/memory.svg"))]
    return head + ("-dirty" if dirty else "")


RUNS_DIR = [""]  # the runs' directory, for the estimates


def load_json(path):
    """A JSON file's value, None when it is missing or unreadable."""
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def load_bisect(d):
    rows = []
    try:
        with open(os.path.join(d, "bisect.txt")) as f:
            rows = [l.strip().split(None, 2) for l in f if l.strip()]
    except OSError:
        pass
    return rows


def mib(kib):
    return kib / 1024.0


def fmt(x, digits=1):
    return "-" if x is None else ("%.*f" % (digits, x))


def table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


VERSUS_SIDES = ("dumpagent", "kdump-tools")


def median(xs):
    xs = sorted(xs)
    if not xs:
        return None
    mid = len(xs) // 2
    return xs[mid] if len(xs) % 2 else (xs[mid - 1] + xs[mid]) / 2.0


def smallest(bisect, key):
    return next((int(r[1]) for r in bisect if r[0] == key and len(r) > 2 and r[2] == "smallest"), None)


def versus_index(run):
    """N of a side-by-side run's name, vs-N-SYSTEM: the order of the pairs."""
    try:
        return int(run["name"].split("-")[1])
    except (IndexError, ValueError):
        return 0


def versus_runs(runs):
    """{system: [run]} of the side-by-side runs (vs-N-SYSTEM), in the order they ran."""
    out = {side: [] for side in VERSUS_SIDES}
    for run in sorted(runs.values(), key=versus_index):
        if run.get("mode") == "system" and (run.get("name") or "").startswith("vs-") \
                and run.get("system") in out:
            out[run["system"]].append(run)
    return out


def side_medians(runs):
    """Medians of side-by-side runs: panic to dump written and to reboot (s), dump size (MiB)."""
    good = [r for r in runs if r["ok"]]
    return {
        "dump": median([r["times"]["dump"] for r in good if r["times"].get("dump") is not None]),
        "reboot": median([r["times"]["reboot"] for r in good if r["times"].get("reboot") is not None]),
        "size": median([r["dump_bytes"] / 1048576.0 for r in good if r.get("dump_bytes")]),
        "n": "%d of %d" % (len(good), len(runs)),
    }


def recommended_mb():
    """What --reserve recommended for the guest when the side-by-side runs began, or None."""
    try:
        with open(os.path.join(RUNS_DIR[0], "recommended_mb")) as f:
            return int(f.read().strip())
    except (OSError, ValueError, TypeError):
        return None


# The goals for panic to dump written, against kdump-tools at 128M.
VERSUS_GOALS = {"recommended": 0.15, 32: 0.25}


def section_versus_smaller(sides, kdump, both):
    """dumpagent at smaller reservations against kdump-tools at the pairs' reservation."""
    smaller = sorted({r["crashkernel_mb"] for r in sides["dumpagent"]} - set(both))
    if not smaller:
        return []
    rec = recommended_mb()
    rows = []
    for c in smaller:
        m = side_medians([r for r in sides["dumpagent"] if r["crashkernel_mb"] == c])
        what = "%dM" % c + (" (what --reserve recommends)" if c == rec else "")
        goals = ([VERSUS_GOALS["recommended"]] if c == rec else []) + \
            ([VERSUS_GOALS[c]] if c in VERSUS_GOALS else [])
        ratios = ["-" if m[k] is None or not kdump[k] else "**%.2f**" % (m[k] / kdump[k])
                  for k in ("dump", "reboot")]
        rows.append([what, fmt(m["dump"]), ratios[0], "; ".join("%.2f" % g for g in goals) or "-",
                     fmt(m["reboot"]), ratios[1], m["n"]])
    return ["dumpagent at smaller reservations, in the same pairs, against kdump-tools at %dM "
            "(medians; the goal is the issue's bound on the ratio of panic to dump written):" % both[0], "",
            table(["dumpagent crashkernel=", "panic to dump written (s)", "ratio to kdump-tools",
                   "goal", "panic to reboot (s)", "ratio to kdump-tools", "runs that completed"], rows), ""]


def section_versus(runs, bisect):
    """The leading table: dumpagent against kdump-tools, measured in this run."""
    out = ["## 0. dumpagent vs kdump-tools, same run", ""]
    sides = versus_runs(runs)
    if not any(sides.values()):
        return "\n".join(out + ["Not measured (no side-by-side run: `make bench-kdump`).", ""])
    ck = sorted({r["crashkernel_mb"] for rs in sides.values() for r in rs})
    kck = {r["crashkernel_mb"] for r in sides["kdump-tools"]}
    both = [max(kck) if kck else max(ck)]  # the pairs' reservation
    out += ["The same debootstrapped Debian 12 guest (tests/qemu/system-rootfs.sh: systemd, Debian's "
            "kernel and initrd, 1 GB of RAM, 2 vCPUs, the root filesystem on one virtio disk, "
            "crashkernel=%s), runs interleaved (in each pair dumpagent and kdump-tools at %dM%s). "
            "The pairs run at 128M, or at kdump-tools' smallest working reservation (its "
            "bisection below runs first) where 128M is too little for kdump-tools. Before the "
            "crash, bench/system-guest waits until the system says it is armed, then fills the same "
            "memory the same way (256 MiB page cache, 128 MiB tmpfs, 64 MiB anonymous), then sysrq-c. "
            "dumpagent: its .deb installed with apt, defaults (CAPTURE_MODE=auto: the small capture "
            "kernel with its busybox initramfs; lzo, dump level 31, the report's VmCore at the next "
            "boot). kdump-tools: Debian's package with USE_KDUMP=1 and its defaults (Debian's kernel "
            "as the capture kernel, its initramfs-tools initramfs with MODULES=dep mounting the root "
            "filesystem and booting systemd into kdump-tools-dump.service, makedumpfile -F -c -d 31). "
            "Both dump into /var/crash on the root filesystem: kdump-tools with Debian 12's makedumpfile "
            "1.7.2, dumpagent with the one its .deb ships (make makedumpfile's 1.7.6 where it could "
            "get one, else Debian 12's). Times: the host's stamps of the serial lines from "
            "`Kernel panic - not syncing` to the line each prints once its dump is in place "
            "(`dumpagent: dump written`, `kdump-tools: saved vmcore in`) and to the capture kernel's "
            "`reboot:` line. A run counts when that line came and the host read the dump back "
            "from the disk image (`makedumpfile --dump-dmesg` finds the sysrq panic in it)." %
            ("/".join("%dM" % c for c in ck), both[0],
             ", then dumpagent at the smaller reservations" if len(ck) > 1 else ""), ""]
    rows, med = [], {}
    for side in VERSUS_SIDES:
        med[side] = side_medians([r for r in sides[side] if r["crashkernel_mb"] in both])
    med["dumpagent"]["smallest"] = smallest(bisect, "1G")
    med["kdump-tools"]["smallest"] = smallest(bisect, "kdump-tools-1G")

    def ratio(key):
        a, k = med["dumpagent"][key], med["kdump-tools"][key]
        return "-" if a is None or not k else "**%.2f**" % (a / k)

    for key, what, unit, digits in (("dump", "panic to dump written", "s", 1),
                                    ("reboot", "panic to reboot", "s", 1),
                                    ("size", "dump size", "MiB", 1),
                                    ("smallest", "smallest working crashkernel=", "MB", 0)):
        rows.append([what + " (" + unit + ")", fmt(med["dumpagent"][key], digits),
                     fmt(med["kdump-tools"][key], digits), ratio(key)])
    rows.append(["runs that completed", med["dumpagent"]["n"], med["kdump-tools"]["n"], ""])
    out += [table(["median", "dumpagent", "kdump-tools", "ratio dumpagent / kdump-tools"], rows), ""]
    out += section_versus_smaller(sides, med["kdump-tools"], both)
    trials = []
    for side, key, how in (("dumpagent", "1G", "the small capture kernel in section 1's guest "
                            "(panic_scenario: Debian's kernel booting a busybox initramfs, the same "
                            "capture kernel and initramfs as the package's), 4 MB steps"),
                           ("kdump-tools", "kdump-tools-1G", "the guest above, 8 MB steps")):
        _, steps, tried = bisect_rows(runs, bisect, key, "bisect-" + key)
        trials.append("%s: %s: %s." % (side, how, steps if tried else "not measured"))
    out += ["Smallest reservation, each system's own bisection on a 1 GB guest: " + " ".join(trials),
            ""]
    lines = []
    for r in sorted(sides["dumpagent"] + sides["kdump-tools"],
                    key=lambda r: (versus_index(r), r["crashkernel_mb"] not in both,
                                   VERSUS_SIDES.index(r["system"]), -r["crashkernel_mb"])):
        t = r["times"]
        lines.append("- %s (%s, crashkernel=%dM): %s" % (
            r["name"], r["system"], r["crashkernel_mb"],
            "panic to dump written %s s, to reboot %s s, dump %s MiB" % (
                fmt(t.get("dump")), fmt(t.get("reboot")), fmt((r.get("dump_bytes") or 0) / 1048576.0))
            if r["ok"] else "FAILED: %s" % r["cause"]))
    out += ["Each run:", ""] + lines + [""]
    return "\n".join(out)


def section_reservation(runs, bisect, quick):
    out = ["## 1. Smallest working reservation", ""]
    if quick:
        t = runs.get("timeline")
        res = "not run" if not t else ("works" if t["ok"] else "FAILS: " + t["cause"])
        out += ["Quick check, 1 GB guest at crashkernel=32M: **%s**." % res, "",
                "(The bisection for 1, 4 and 16 GB runs in `make bench`.)", "", REFERENCE, ""]
        return "\n".join(out)
    out += ["Bisection in 4 MB steps; a trial works when the capture ends with "
            "`dumpagent: done (status=complete)` and the dump is on the disk. "
            "Default configuration (lzo, dump level 31; the report gets its VmCore at the next boot, REPORT_VMCORE=boot).", ""]
    rows = []
    for mem in ("1G", "4G", "16G"):
        trials = [r for r in bisect if r[0] == mem]
        if not trials:
            rows.append([mem.replace("G", " GB"), "not measured", "", ""])
            continue
        smallest = next((int(r[1]) for r in trials if len(r) > 2 and r[2] == "smallest"), None)
        steps = []
        for r in trials:
            if len(r) < 3 or r[2] == "smallest" or r[1] == "none":
                continue
            name = "bisect-%s-%sM" % (mem, r[1])
            run = runs.get("timeline" if "timeline" in r[2] else name)
            why = "" if r[2].startswith("ok") or not run else " (%s)" % run["cause"]
            steps.append("%s: %s%s" % (r[1], "ok" if r[2].startswith("ok") else "fail", why))
        goal = "-" if smallest is None else ("yes" if smallest <= 32 else "no")
        rows.append([mem.replace("G", " GB"),
                     "%d MB" % smallest if smallest is not None else "none up to 128 MB",
                     "; ".join(steps), goal])
    ref_mb, ref_what, _ = kdump_reference(bisect)
    rows.append(["reference", "%d MB" % ref_mb, ref_what, "no"])
    out += [table(["guest RAM", "smallest crashkernel=", "trials (MB: result)", "<= 32 MB"], rows), ""]
    out += section_distro(runs, bisect)
    return "\n".join(out)


def bisect_rows(runs, bisect, key, prefix):
    """[smallest or None, "MB: result (cause); ..."] of one bisection."""
    trials = [r for r in bisect if r[0] == key]
    smallest = next((int(r[1]) for r in trials if len(r) > 2 and r[2] == "smallest"), None)
    steps = []
    for r in trials:
        if len(r) < 3 or r[2] == "smallest" or r[1] == "none":
            continue
        run = runs.get("%s-%sM" % (prefix, r[1]))
        why = "" if r[2].startswith("ok") or not run else " (%s)" % run["cause"]
        steps.append("%s: %s%s" % (r[1], "ok" if r[2].startswith("ok") else "fail", why))
    return smallest, "; ".join(steps), trials


def section_distro(runs, bisect):
    """The distro mode's smallest reservation, and the loader's estimates."""
    out = ["Distro mode (CAPTURE_MODE=distro): Debian's own kernel as the capture kernel with "
           "the distro initramfs (busybox, the agent, makedumpfile and the modules of the "
           "target's driver chain), the disk behind QEMU's megasas, which the small kernel "
           "lacks (tests/qemu/test-distro-mode.sh). Bisection in 8 MB steps; a trial works "
           "when the agent logs a complete capture, the dump is on the disk and the host's "
           "makedumpfile --dump-dmesg reads the panic out of it.", ""]
    rows = []
    for mem in ("1G", "4G", "16G"):
        smallest, steps, trials = bisect_rows(runs, bisect, "distro-" + mem, "bisect-distro-" + mem)
        if not trials:
            rows.append([mem.replace("G", " GB"), "not measured", "", ""])
            continue
        run = runs.get("bisect-distro-%s-%sM" % (mem, smallest)) if smallest else None
        km = run.get("kernel_memory", {}) if run else {}
        kernel = sum(km.get(k, 0) for k in ("code", "rwdata", "rodata", "init", "bss"))
        memline = ("%.1f of %.1f MiB available; kernel image %.1f MiB" %
                   (mib(km["available"]), mib(km["total"]), mib(kernel))) if "available" in km else "-"
        rows.append([mem.replace("G", " GB"),
                     "%d MB" % smallest if smallest is not None else "none up to 192 MB", steps, memline])
    ref_mb, ref_what, _ = kdump_reference(bisect)
    rows.append(["reference", "%d MB" % ref_mb, ref_what + "; systemd in its initramfs", "-"])
    out += [table(["guest RAM", "smallest crashkernel=", "trials (MB: result)",
                   "capture kernel's Memory: line at the smallest"], rows), ""]
    est = {}
    try:
        with open(os.path.join(RUNS_DIR[0], "estimates.txt")) as f:
            for line in f:
                w = line.split()
                if len(w) == 4 and w[2].isdigit() and w[3].isdigit():
                    est[(w[0], w[1])] = (int(w[2]) // 1048576, int(w[3]) // 1048576)
    except OSError:
        pass
    if est:
        rows = []
        for mode in ("small", "distro"):
            for mem in ("1G", "4G", "16G"):
                if (mode, mem) not in est:
                    continue
                key = mem if mode == "small" else "distro-" + mem
                smallest = next((int(r[1]) for r in bisect
                                 if r[0] == key and len(r) > 2 and r[2] == "smallest"), None)
                need, rec = est[(mode, mem)]
                verdict = "-" if smallest is None else (
                    "refuses a reservation that worked" if need > smallest else "ok")
                rows.append([mode, mem.replace("G", " GB"), "%d MB" % smallest if smallest else "-",
                             "%d MiB" % need, "%d MiB" % rec, verdict])
        out += ["The loader's estimate for the files booted here (`dumpagent arm-need` with the "
                "guest's MemTotal: the kernel's init_size, the initramfs packed and unpacked, the "
                "mode's working memory and 1 MiB per 4 GiB of RAM; load-crashkernel refuses less, "
                "exit status 19) and what `--reserve` recommends (20% more, in 8 MiB steps). "
                "dumpagent/arm_reserve.h calibrates the working memory so that the estimate is not "
                "above the smallest reservation that worked, and above the largest that failed.", "",
                table(["mode", "guest RAM", "smallest that worked", "estimate", "recommended",
                       "estimate vs smallest"], rows), ""]
    return out


MEMMAP_KIB_PER_SECTION = 256  # x86_64's 16 MiB sections: 4096 struct pages of 64 bytes (bench/parse.py)


def breakdown(run):
    """[(segment, MiB)] of the memory the capture kernel manages, or None."""
    km, b = run.get("kernel_memory", {}), run.get("bench", {})
    init, peak = b.get("meminfo init", {}), b.get("peak", {})
    if "total" not in km or "MemTotal" not in init or "MemFree_min" not in peak:
        return None
    total, memtotal = km["total"], int(init["MemTotal"])
    image = km["code"] + km["rwdata"] + km["rodata"] + km["bss"]
    boot = max(0, total - memtotal - image)
    memmap = min(boot, km.get("sections", 0) * MEMMAP_KIB_PER_SECTION)
    initramfs = int(init.get("Cached", 0))
    cache = max(0, int(peak["Cached_max"]) - initramfs)
    agent, mdf = run.get("agent_rss_kib", 0), run.get("mdf_rss_kib", 0)
    slab, stacks = int(init.get("Slab", 0)), int(init.get("KernelStack", 0))
    free = int(peak["MemFree_min"])
    other = max(0, memtotal - free - initramfs - cache - agent - mdf - slab - stacks)
    return [("kernel image", mib(image)),
            ("memmap", mib(memmap)),
            ("other boot allocations", mib(boot - memmap)),
            ("unpacked initramfs", mib(initramfs)),
            ("kernel slab at /init", mib(slab)),
            ("kernel stacks at /init", mib(stacks)),
            ("page cache (peak)", mib(cache)),
            ("agent (peak RSS)", mib(agent)),
            ("makedumpfile (peak RSS)", mib(mdf)),
            ("other kernel use", mib(other)),
            ("free (lowest)", mib(free))]


def boot_need(run):
    """KiB the capture kernel needs by the end of unpacking its initramfs, or None.

    All of its image (init text too), what it keeps from the start, the packed
    and the unpacked initramfs side by side, and the slab and stacks it has by
    /init, the memmap of the run's own sections included. Arithmetic on one
    run's figures, not a trial."""
    km, init = run.get("kernel_memory", {}), run.get("bench", {}).get("meminfo init", {})
    keys = ("total", "code", "rwdata", "rodata", "init", "bss", "initrd_packed")
    if any(k not in km for k in keys) or "MemTotal" not in init:
        return None
    image = km["code"] + km["rwdata"] + km["rodata"] + km["init"] + km["bss"]
    boot = max(0, km["total"] - int(init["MemTotal"]) - (image - km["init"]))
    return (image + boot + km["initrd_packed"] + int(init.get("Cached", 0)) +
            int(init.get("Slab", 0)) + int(init.get("KernelStack", 0)))


def section_budget(shown):
    """What a smaller reservation must fit, from the runs of section 2."""
    rows = []
    for label, run in shown:
        need = boot_need(run)
        if need is None:
            continue
        low = run["kernel_memory"]["total"] - run["crashkernel_mb"] * 1024  # the first 640 KiB
        row = [label, "%d" % run["kernel_memory"].get("sections", 0), fmt(mib(need)), fmt(mib(need - low))]
        for mb in (28, 24):
            short = mib(need - low - mb * 1024)
            row.append("short %s" % fmt(short) if short > 0 else "spare %s" % fmt(-short))
        rows.append(row)
    if not rows:
        return ""
    return "\n".join([
        "What a smaller reservation must hold by the end of unpacking the initramfs (MiB): the "
        "whole kernel image (init text too), its boot allocations, the packed and the unpacked "
        "initramfs side by side, and the slab and stacks it has at /init. The memmap in it is "
        "the run's own (256 KiB for each 16 MiB section that holds memory: the first 640 KiB, "
        "and the reservation, which the kernel places on a 16 MiB boundary). The last two columns hold "
        "that need against what the capture kernel would manage at 28 or 24 MB (the "
        "reservation and the first 640 KiB), before the kernel's page reserve and before the "
        "capture itself needs anything. This is arithmetic on the runs above, not a trial: "
        "compare section 1's trials.", "",
        table(["run", "its sections", "needed by /init", "reservation that covers it", "at 28 MB",
               "at 24 MB"], rows), ""])


def memory_runs(runs, bisect, quick):
    """[(label, run)] whose memory is shown: the smallest working reservation of each size."""
    if quick:
        t = runs.get("timeline")
        return [("1 GB, 32M", t)] if t and t["ok"] else []
    out = []
    for mem in ("1G", "4G", "16G"):
        r = next((r for r in bisect if r[0] == mem and len(r) > 2 and r[2] == "smallest"), None)
        if not r:
            continue
        run = runs.get("bisect-%s-%sM" % (mem, r[1]))
        if (not run or not run["ok"]) and mem == "1G" and r[1] == "32":
            run = runs.get("timeline")
        if run and run["ok"]:
            out.append(("%s, %sM" % (mem.replace("G", " GB"), r[1]), run))
    return out


def initramfs_files(image):
    """[(path, bytes)] of the regular files in a gzip'ed newc cpio image."""
    import gzip
    with gzip.open(image, "rb") as f:
        data = f.read()
    files, pos = [], 0
    while pos + 110 <= len(data) and data[pos:pos + 6] == b"070701":
        field = [int(data[pos + 6 + 8 * i:pos + 14 + 8 * i], 16) for i in range(13)]
        mode, size, namesize = field[1], field[6], field[11]
        name = data[pos + 110:pos + 110 + namesize - 1].decode("utf-8", "replace")
        pos = (pos + 110 + namesize + 3) & ~3
        if name == "TRAILER!!!":
            break
        if mode & 0o170000 == 0o100000:
            files.append((name, size))
        pos = (pos + size + 3) & ~3
    return files


def section_initramfs(image):
    try:
        files = sorted(initramfs_files(image), key=lambda f: -f[1])
    except (OSError, ValueError):
        return "The initramfs (%s) could not be read.\n" % image
    total = sum(b for _, b in files)
    rows = [[n, fmt(b / 1048576, 2), "%.0f%%" % (100 * b / total)] for n, b in files[:8]]
    rows.append(["%d other files" % (len(files) - 8),
                 fmt(sum(b for _, b in files[8:]) / 1048576, 2),
                 "%.0f%%" % (100 * sum(b for _, b in files[8:]) / total)])
    rows.append(["**all files (unpacked)**", "**%s**" % fmt(total / 1048576, 2), "100%"])
    return "\n".join(["What the unpacked initramfs holds (`%s`, %.2f MiB packed):" %
                      (os.path.relpath(image), os.path.getsize(image) / 1048576), "",
                      table(["file", "MiB", "share"], rows), ""])


def rss_bars(runs):
    """One bar per guest size: the agent's and makedumpfile's peak RSS, default settings."""
    bars, seen = [], set()
    for run in sorted(runs.values(), key=lambda r: r.get("vmcore_mib", 0)):
        if not run["ok"] or run["settings"] or "agent_rss_kib" not in run or run["mem"] in seen:
            continue
        seen.add(run["mem"])
        bars.append(("vmcore %d MiB" % run.get("vmcore_mib", 0), None,
                     [("agent", mib(run["agent_rss_kib"])), ("makedumpfile", mib(run["mdf_rss_kib"]))]))
    return bars


def section_memory(runs, bisect, quick, svg):
    out = ["## 2. Where the memory goes", ""]
    shown = memory_runs(runs, bisect, quick)
    if not shown:
        return "\n".join(out + ["Not measured (no completed run with the bench hook).", ""])
    where = "at crashkernel=32M" if quick else "at the smallest working reservation"
    out += ["In the capture kernel, %s (MiB). The kernel image is " % where +
            "code + rwdata + rodata + bss from its `Memory:` line (init text is freed); boot "
            "allocations are the rest of what it keeps from the start: the memmap (its struct "
            "pages, 256 KiB for each 16 MiB section of the capture kernel's e820 map that holds "
            "memory; x86_64 gives it the first 640 KiB besides the reservation, a section of "
            "its own) and the rest (the reserved first MiB, page tables, per-CPU areas, log "
            "buffer); slab and stacks are `Slab` and `KernelStack` when /init starts; the unpacked initramfs is `Cached` (its ramfs) when /init starts; page "
            "cache is the highest `Cached` during the capture above that; free is the lowest "
            "`MemFree` (both sampled once a second). Peak RSS counts the binaries' pages, which "
            "are also in the initramfs line, and the peaks are not simultaneous: the lines add "
            "up only roughly. The page cache (the dump on its way to the disk) grows into "
            "whatever is free and is given back under pressure: it shows where free memory "
            "went, not what the capture needs. While the kernel unpacks the initramfs, the "
            "packed image and the unpacked files are both in memory.", ""]
    head = ["what"] + [label for label, _ in shown]
    parts = [breakdown(run) for _, run in shown]
    names = [n for n, _ in next(p for p in parts if p)] if any(parts) else []
    rows = [["crashkernel= reservation"] + ["%d" % run["crashkernel_mb"] for _, run in shown]]
    rows.append(["managed by the capture kernel"] +
                [fmt(mib(run["kernel_memory"].get("total", 0))) for _, run in shown])
    rows.append(["memory sections in its e820 map"] +
                ["%d" % run["kernel_memory"].get("sections", 0) for _, run in shown])
    for i, n in enumerate(names):
        rows.append([n] + [fmt(p[i][1]) if p else "-" for p in parts])
    rows.append(["packed initramfs (freed after unpacking)"] +
                [fmt(mib(run["kernel_memory"].get("initrd_packed", 0))) for _, run in shown])
    rows.append(["vmcore (crashed RAM, MiB)"] + ["%s" % run.get("vmcore_mib", "-") for _, run in shown])
    out += [table(head, rows), ""]
    out.append(section_budget(shown))
    bars = [(label, run["crashkernel_mb"], p)
            for (label, run), p in zip(shown, parts) if p]
    ref_mb, _, ref_here = kdump_reference(bisect)
    bars.append(("kdump-tools (%s)" % ("this run" if ref_here else "earlier"), ref_mb,
                 [("kdump-tools (whole)", ref_mb)]))
    panels = [("Capture kernel memory %s (MiB)" % where.replace("the ", ""), bars, 32)]
    rss = rss_bars(runs)
    if rss:
        panels.append(("Peak RSS against the vmcore size (MiB)", rss, None))
    plot.plot_memory(svg, panels)
    out += ["![memory](%s)" % os.path.basename(svg), ""]
    return "\n".join(out)


def capture_image(repo, runs):
    """The capture initramfs the timeline run booted, else the one make initramfs built."""
    prefix = os.path.basename(os.path.normpath(runs))  # bench or bench-quick, as run.sh names
    ran = os.path.join(repo, "build", "test", prefix + "-timeline", "capture.img")
    return ran if os.path.exists(ran) else os.path.join(repo, "build", "capture", "initramfs.img")


def section_timeline(runs):
    out = ["## 3. Timeline", ""]
    t = runs.get("timeline")
    if not t or not t.get("timeline"):
        why = "not run" if not t else (t.get("cause") or "marks missing from the serial log")
        return "\n".join(out + ["Not measured: %s." % why, ""])
    total = t["total_s"]
    out += ["1 GB guest, crashkernel=32M, lzo (the default), dump level 31. Up to /init, the host's stamps "
            "of the serial lines (the capture kernel's clock is not steady that early under "
            "TCG); from /init on, the capture kernel's printk clock (the agent's lines come "
            "from its ring buffer). The bench hook's own time after the capture is left out.", ""]
    rows = [[name, fmt(s, 2), "%.1f%%" % (100 * s / total)] for name, s in t["timeline"]]
    rows.append(["**total: panic to power-off**", "**%s**" % fmt(total, 2), "100%"])
    out += [table(["phase", "seconds", "share"], rows), ""]
    ev = t["events"]
    to_dump = ev["dump"] - ev["panic"]
    out += ["Panic to dump written: **%.1f s** (%.0f%% of the whole). %s" %
            (to_dump, 100 * to_dump / total, kdump_times(runs)), ""]
    alone = t.get("bench", {})
    a_dump, a_dmesg = alone.get("alone dump"), alone.get("alone dmesg")
    if a_dump and a_dump.get("rc") == "0":
        alones = [float(a["end"]) - float(a["start"]) for a in (a_dump, alone.get("alone dump2"))
                  if a and a.get("rc") == "0"]
        s_dump = sum(alones) / len(alones)
        noise = ("makedumpfile alone took %s s in its %d runs: a spread of %.1f%% of their mean, "
                 "the noise this host puts on one comparison." %
                 (" and ".join(fmt(x, 2) for x in alones), len(alones),
                  100 * (max(alones) - min(alones)) / s_dump)) if len(alones) > 1 else ""
        s_dmesg = float(a_dmesg["end"]) - float(a_dmesg["start"]) if a_dmesg else 0.0
        phase = ev["dump"] - ev["dump_start"]
        agent = ev["done"] - ev["agent_start"]
        report = ev["report"] - ev["dump"]
        rows = [
            ["the dump step: agent's dump phase vs makedumpfile alone", fmt(phase, 2),
             fmt(s_dump, 2), "%+.1f%%" % (100 * (phase / s_dump - 1))],
            ["the whole agent (start to done) vs makedumpfile --dump-dmesg + dump alone",
             fmt(agent, 2), fmt(s_dump + s_dmesg, 2),
             "%+.1f%%" % (100 * (agent / (s_dump + s_dmesg) - 1))],
            ["the whole agent without the report", fmt(agent - report, 2),
             fmt(s_dump + s_dmesg, 2),
             "%+.1f%%" % (100 * ((agent - report) / (s_dump + s_dmesg) - 1))],
        ]
        out += ["makedumpfile alone, run by the bench hook in the same capture kernel on the same "
                "/proc/vmcore after the capture, writing to the same target (sync included): "
                "dump %.2f s (mean), %.1f MiB, peak RSS %s KiB; --dump-dmesg %.2f s. The agent's "
                "overhead (goal: under 5%%):" % (s_dump, int(a_dump["bytes"]) / 1048576,
                                                  a_dump.get("rss_kib"), s_dmesg), "",
                table(["comparison", "agent s", "makedumpfile s", "overhead"], rows), "", noise, ""]
    else:
        out += ["makedumpfile alone: not measured (%s)." % (a_dump or "no result"), ""]
    return "\n".join(out)


def section_report_embed(runs):
    """The default (REPORT_VMCORE=boot) against the capture kernel embedding."""
    out = ["## 3b. The report's VmCore: at the next boot (default) or before the reboot", ""]
    pair = [("boot (default)", runs.get("timeline")), ("capture", runs.get("timeline-embed"))]
    if not all(r and r.get("ok") and r.get("total_s") for _, r in pair):
        return "\n".join(out + ["Not measured: both the timeline and timeline-embed runs must complete.", ""])
    rows = []
    for name, r in pair:
        ev, files = r["events"], r.get("files", {})
        on_disk = sum(files.values())
        rows.append([name, fmt(ev["dump"] - ev["panic"], 1), fmt(ev["report"] - ev["dump"], 1),
                     fmt(r["total_s"], 1), fmt(r["dump_bytes"] / 1048576), fmt(r["report_bytes"] / 1048576),
                     "%s (%.2fx the dump)" % (fmt(on_disk / 1048576), on_disk / r["dump_bytes"])])
    boot, cap = pair[0][1], pair[1][1]
    out += ["1 GB guest, crashkernel=32M, lzo (the default), dump level 31, the same run. The machine is down "
            "from the panic to the power-off (the bench powers off instead of rebooting).", "",
            table(["REPORT_VMCORE", "panic to dump written s", "report s", "panic to power-off s",
                   "dump MiB", "report MiB", "on disk at the reboot MiB"], rows), "",
            "Downtime with the default: %.0f%% of the capture kernel embedding it. At the next boot "
            "dumpagent complete gives the report its VmCore, and the crash then takes as much disk "
            "as with REPORT_VMCORE=capture (%.2fx its dump); REPORT_VMCORE=export keeps it at "
            "%.2fx, and only export --apport's copy holds the dump twice." %
            (100 * boot["total_s"] / cap["total_s"], sum(cap["files"].values()) / cap["dump_bytes"],
             sum(boot["files"].values()) / boot["dump_bytes"]), ""]
    return "\n".join(out)


def by_guest_size(runs):
    """Panic to dump and to power-off for each guest size, default settings at 32M."""
    rows = []
    for mem in ("1G", "4G", "16G"):
        run = next((r for r in runs.values() if r["mem"] == mem and r["ok"] and not r["settings"]
                    and r["crashkernel_mb"] == 32 and r.get("timeline")), None)
        if not run:
            continue
        ev, tl = run["events"], dict(run["timeline"])
        rows.append([mem.replace("G", " GB"), run.get("vmcore_mib", "-"), run["name"],
                     fmt(ev["init"] - ev["panic"], 1), fmt(tl["dump (makedumpfile)"], 1),
                     fmt(tl["report (VmCore at the next boot by default)"], 1), fmt(ev["dump"] - ev["panic"], 1),
                     fmt(run["total_s"], 1)])
    if len(rows) < 2:
        return ""
    return "\n".join(["The same capture for each guest size (crashkernel=32M, default settings; "
                      "seconds):", "",
                      table(["guest", "vmcore MiB", "run", "panic to /init", "dump", "report",
                             "panic to dump written", "panic to power-off"], rows), ""])


KNEE_MB = (32, 40, 48, 64, 128)
KNEE_SLACK = 1.10  # the knee: the smallest reservation within 10% of the fastest's time


def section_knee(runs):
    """Panic to dump written against the reservation (1 GB guest, default settings), and the knee."""
    out = ["## 3c. Memory buys time: dump time against the reservation", ""]
    got = []
    for mb in KNEE_MB:
        r = runs.get("knee-1G-%dM" % mb)
        if r and r.get("ok") and "dump" in r.get("events", {}) and "panic" in r["events"]:
            got.append((mb, r))
    if len(got) < 2:
        return "\n".join(out + ["Not measured: fewer than two of the knee-1G-NM runs completed.", ""])
    best = min(r["events"]["dump"] - r["events"]["panic"] for _, r in got)
    knee = next(mb for mb, r in got if r["events"]["dump"] - r["events"]["panic"] <= KNEE_SLACK * best)
    rows = []
    for mb, r in got:
        ev = r["events"]
        written = ev["dump"] - ev["panic"]
        rows.append(["%d MB" % mb, fmt(ev["init"] - ev["panic"], 1) if "init" in ev else "-",
                     fmt(ev["dump"] - ev["dump_start"], 1) if "dump_start" in ev else "-", fmt(written, 1),
                     fmt(r.get("total_s"), 1), "%.2f" % (written / best)])
    missing = [str(mb) for mb in KNEE_MB if mb not in dict(got)]
    out += ["1 GB guest, default settings (lzo, dump level 31), one run each, in the same run of the bench. "
            "The knee is the smallest reservation whose panic to dump written is within %d%% of the "
            "fastest's." % round(100 * (KNEE_SLACK - 1)), "",
            table(["crashkernel=", "panic to /init s", "dump s", "panic to dump written s",
                   "panic to power-off s", "vs the fastest"], rows), "",
            "Knee: **%d MB**.%s" % (knee, " Not completed: %s MB." % ", ".join(missing) if missing else ""), ""]
    return "\n".join(out)


def section_dumps(runs):
    out = ["## 4. Dump size and throughput", ""]
    rows = []
    for comp in ("zlib", "lzo", "zstd"):
        for level in ("1", "17", "31"):
            name = "dump-%s-%s" % (comp, level)
            run = runs.get(name)
            if comp == "lzo" and level == "31" and not run:
                run = runs.get("timeline")
            if not run:
                rows.append([comp, level, "not measured", "", "", "", "", ""])
                continue
            if not run["ok"] or "dump" not in run["events"]:
                rows.append([comp, level, "FAILED: %s" % run["cause"], "", "", "", "", ""])
                continue
            ev = run["events"]
            secs = ev["dump"] - ev["dump_start"]
            size = (run.get("dump_bytes") or 0) / 1048576
            rep = run.get("report_bytes")
            rep_s = ev["report"] - ev["dump"] if "report" in ev else None
            rows.append([comp, level, fmt(size), fmt(secs, 1),
                         fmt(run.get("vmcore_mib", 0) / secs if secs else None),
                         fmt(size / secs if secs else None, 2),
                         "%s (%s)" % (fmt(rep / 1048576 if rep else None), run.get("report_vmcore", "-")),
                         fmt(rep_s, 1)])
    out += ["1 GB guest, crashkernel=64M, every combination in the same conditions (lzo/31, "
            "the default, falls back to the timeline run at 32M only when its own run is missing). Throughput: "
            "the crashed RAM (vmcore size) per second of the dump phase, and the bytes written "
            "per second. The report column is what the capture kernel wrote: with "
            "REPORT_VMCORE=boot (the default) the VmCore comes at the next boot (section 3b).", "",
            table(["compression", "dump level", "dump MiB", "dump s", "RAM MiB/s", "written MiB/s",
                   "report MiB (VmCore)", "report s"], rows), ""]
    return "\n".join(out)


def section_rss(runs):
    out = ["## 5. Agent peak RSS against vmcore size", ""]
    pts = sorted((r.get("vmcore_mib", 0), n, r) for n, r in runs.items()
                 if r["ok"] and "agent_rss_kib" in r)
    if not pts:
        return "\n".join(out + ["Not measured.", ""])
    rows = [[n, r["mem"], v, r["settings"] or "default", r["agent_rss_kib"], r["mdf_rss_kib"]]
            for v, n, r in pts]
    agents = [r["agent_rss_kib"] for _, _, r in pts]
    out += [table(["run", "guest", "vmcore MiB", "settings", "agent peak RSS KiB",
                   "makedumpfile peak RSS KiB"], rows), "",
            "Agent peak RSS from %d to %d KiB over vmcores of %d to %d MiB (getrusage, as the "
            "agent logs it)." % (min(agents), max(agents), pts[0][0], pts[-1][0]), ""]
    return "\n".join(out)


NOTES = """## How to read these figures

- One run per figure, on a host with 2 CPUs shared with other QEMU guests:
  the same capture varies by tens of percent between runs, and the overhead
  comparison is one pair of runs in the same capture kernel, back to back.
- Every run boots the shipped capture initramfs with `dumpagent.bench=`, so
  the bench hook's sampler (a busybox shell waking once a second, some
  100 KiB) runs beside the agent, in the memory measured.
- A failed trial is named by its first cause: out of memory while the capture
  kernel boots; an initramfs that does not fit (the kernel's unpacking fails
  with a write error, /init runs without the agent and the capture kernel
  reboots); or makedumpfile that cannot start, after which the agent's
  fallback gzips the whole vmcore without progress output and the bench stops
  it after 90 s of silence. Which of these hits at 24 or 28 MB varies between
  runs.
- Section 0 measures kdump-tools in this run; sections 1 to 3 quote its
  smallest reservation and its time from there, or, when this run did not
  measure them, the 114 MB and 27-38 s measured earlier by hand on this
  machine.
"""


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--commit":
        print(commit(sys.argv[2]))
        return 0
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", required=True)
    ap.add_argument("--repo", required=True)
    ap.add_argument("--quick", default="no")
    ap.add_argument("--seconds", type=int, default=0)
    ap.add_argument("--svg", required=True)
    ap.add_argument("--kdump-only", default="no")
    ap.add_argument("--knee-only", default="no")
    ap.add_argument("--previous", default="")
    a = ap.parse_args()
    quick = a.quick == "yes"
    runs, bisect = load_runs(a.runs), load_bisect(a.runs)
    RUNS_DIR[0] = a.runs
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print("# dumpagent bench results\n")
    try:
        with open(os.path.join(a.runs, "commit")) as f:
            ran = f.read().strip()
    except OSError:
        ran = commit(a.repo)
    target = ("bench-kdump" if a.kdump_only == "yes" else "bench-knee" if a.knee_only == "yes"
              else "bench-quick" if quick else "bench")
    print("Commit `%s`, %s, `make %s`: %d QEMU runs in %d min (TCG, %d host CPUs, shared). "
          "Raw runs: %s/, serial logs: build/test/%s-*/.\n" %
          (ran, now, target, len(runs),
           round(a.seconds / 60), os.cpu_count() or 0, os.path.relpath(a.runs, a.repo),
           os.path.basename(os.path.normpath(a.runs))))
    if a.knee_only == "yes":
        print(section_knee(runs))
        print(section_dumps(runs))
        print(threads.section(runs))
        return 0
    print(section_versus(runs, bisect))
    if a.kdump_only == "yes":
        return 0
    print(section_reservation(runs, bisect, quick))
    print(arm64.report_section(os.path.join(a.repo, "build", "bench-arm64"), a.previous) + "\n")
    print(section_memory(runs, bisect, quick, a.svg))
    print(section_initramfs(capture_image(a.repo, a.runs)))
    print(section_timeline(runs))
    print(section_report_embed(runs))
    print(section_knee(runs))
    print(by_guest_size(runs))
    print(section_dumps(runs))
    print(section_rss(runs))
    print(kernel_cost.section(load_json(os.path.join(a.runs, "kernel-cost.json"))))
    print(threads.section(runs))
    print(NOTES)
    print(by_hand())
    return 0


def by_hand():
    """bench/by-hand.md without its header comment: figures measured by hand."""
    try:
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "by-hand.md")) as f:
            return "".join(l for l in f if not l.startswith("<!--"))
    except OSError:
        return ""


if __name__ == "__main__":
    sys.exit(main())
