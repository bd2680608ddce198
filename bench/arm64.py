#!/usr/bin/env python3
"""bench/arm64.py: section 1b of bench/RESULTS.md: the smallest reservation on arm64 beside x86_64 (make bench ARCH=arm64).

Usage: arm64.py DIR                prints the section from DIR's runs
       arm64.py DIR RESULTS.md     prints RESULTS.md with its section replaced by DIR's

bench/run.sh --arch arm64 bisects both architectures in one run and leaves
in DIR (build/bench-arm64): bisect.txt ("KEY MB ok|fail|smallest" lines;
KEY 1G and 4G for x86_64, arm64-1G and arm64-4G for arm64), runs/*.json
(bench/parse.py), estimates.txt ("ARCH MEM NEED_BYTES RECOMMEND_BYTES"),
kernels.txt ("ARCH BYTES PATH"), commit, date and seconds. The section sits
between BEGIN and END: make bench ARCH=arm64 replaces it and nothing else,
and the full make bench (report.py) prints it again with report_section.
"""
import gzip
import os
import re
import sys

import parse

BEGIN = "<!-- arm64 begin: make bench ARCH=arm64 rewrites this section in place -->"
END = "<!-- arm64 end -->"
HEAD = "## 1b. arm64 beside x86_64: smallest working reservation"
SIZES = ("1G", "4G")
# (name, its bisect.txt key's prefix), in the order a size's bisections run
ARCHES = (("x86_64", ""), ("arm64", "arm64-"), ("arm64 distro", "arm64-distro-"))
KERNEL_KIND = {"x86_64": "bzImage, compressed", "arm64": "Image, not compressed",
               "arm64-distro": "Debian's arm64 vmlinuz"}


def table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def lines(path):
    """The file's non-blank lines, stripped; [] when it cannot be read."""
    try:
        with open(path) as f:
            return [l.strip() for l in f if l.strip()]
    except OSError:
        return []


def load(d):
    """What the run left in d, as {"bisect", "runs", "estimates", "kernels", "commit", "date", "seconds"}."""
    runs = parse.load_runs(d)
    est, kernels = {}, {}
    for w in (l.split() for l in lines(os.path.join(d, "estimates.txt"))):
        if len(w) == 4 and w[2].isdigit() and w[3].isdigit():
            est[(w[0], w[1])] = int(w[2]) // 1048576
    for w in (l.split() for l in lines(os.path.join(d, "kernels.txt"))):
        if len(w) == 3 and w[1].isdigit():
            kernels[w[0]] = (int(w[1]), w[2])
    first = lambda name: (lines(os.path.join(d, name)) or [""])[0]  # noqa: E731
    seconds = first("seconds")
    return {"bisect": [l.split(None, 2) for l in lines(os.path.join(d, "bisect.txt"))], "runs": runs,
            "estimates": est, "kernels": kernels, "commit": first("commit") or "unknown",
            "date": first("date") or "unknown date", "seconds": int(seconds) if seconds.isdigit() else 0}


def smallest(bisect, key):
    return next((int(r[1]) for r in bisect if r[0] == key and len(r) > 2 and r[2] == "smallest"), None)


def trials(got, key):
    """"MB: ok; MB: fail (cause)" of one bisection, in the order run; "" when it did not run."""
    steps = []
    for r in got["bisect"]:
        if r[0] != key or len(r) < 3 or r[2] == "smallest":
            continue
        run = got["runs"].get("bisect-%s-%sM" % (key, r[1]))
        why = "" if r[2].startswith("ok") or not run else " (%s)" % run.get("cause")
        steps.append("%s: %s%s" % (r[1], "ok" if r[2].startswith("ok") else "fail", why))
    if any(r[0] == key and r[1:2] == ["none"] for r in got["bisect"]):
        steps.append("none worked")
    return "; ".join(steps)


def memory_line(got, key, mb):
    """What the capture kernel's Memory: line said at the smallest reservation, or ""."""
    km = (got["runs"].get("bisect-%s-%dM" % (key, mb)) or {}).get("kernel_memory", {})
    if "total" not in km:
        return ""
    image = sum(km.get(k, 0) for k in ("code", "rwdata", "rodata", "bss"))
    return " At %d MB the capture kernel managed %.1f MiB, its image (code, data, bss) %.1f MiB." % (
        mb, km["total"] / 1024.0, image / 1024.0)


def cell_mb(mb):
    return "not measured" if mb is None else "%d MB" % mb


def estimate(got, arch, mem, worked):
    need = got["estimates"].get((arch, mem))
    if need is None:
        return "-"
    return "%d MiB%s" % (need, " (refuses %d MB, which worked)" % worked if worked and need > worked else "")


def rows(got):
    out = []
    for mem in SIZES:
        x, a = smallest(got["bisect"], mem), smallest(got["bisect"], "arm64-" + mem)
        out.append([mem.replace("G", " GB"), cell_mb(x), cell_mb(a),
                    "**%.2f**" % (a / float(x)) if a and x else "-",
                    estimate(got, "x86_64", mem, x), estimate(got, "arm64", mem, a)])
    return out


def cpio_files(path):
    """The files of a gzip'ed newc cpio (an initramfs), name to contents, or None if it cannot be read."""
    try:
        with gzip.open(path) as f:
            data = f.read()
    except (OSError, EOFError):
        return None
    files, at = {}, 0
    while data[at:at + 6] == b"070701":
        size, namesize = int(data[at + 54:at + 62], 16), int(data[at + 94:at + 102], 16)
        name = data[at + 110:at + 110 + namesize - 1].decode("utf-8", "replace")
        if name == "TRAILER!!!":
            break
        at = (at + 110 + namesize + 3) // 4 * 4
        files[name] = data[at:at + size]
        at = (at + size + 3) // 4 * 4
    return files


def makedumpfile_version(binary):
    """makedumpfile's version, from the line its -v prints (compiled in whole), or None."""
    m = re.search(rb"makedumpfile: version ([0-9][0-9.]*) \(released on ", binary)
    return m.group(1).decode() if m else None


def x86_makedumpfile(d):
    """What makedumpfile the x86_64 trials' initramfs had, read from the first kept one."""
    for w in lines(os.path.join(d, "workdirs")):
        if os.path.basename(w).split("bisect-", 1)[-1][:2] in ("1G", "4G"):
            files = cpio_files(os.path.join(w, "capture.img"))
            if files is None:
                continue
            version = makedumpfile_version(files.get("usr/bin/makedumpfile", b"")) or "of a version not found"
            if any(n.endswith("/libdw.so.1") for n in files):
                if version == "1.7.2":
                    return "Debian 12's makedumpfile 1.7.2 with its libraries"
                return "Debian's makedumpfile %s (dynamic) with its libraries" % version
            return "the static makedumpfile %s of make makedumpfile" % version
    return "a makedumpfile not recorded (no x86_64 trial's initramfs kept)"


def kernel_words(got, arch):
    k = got["kernels"].get(arch)
    if not k:
        return "its size not recorded"
    return "%s, %.1f MiB, %s" % (k[1], k[0] / 1048576.0, KERNEL_KIND[arch])


def distro_rows(got):
    out = []
    for mem in SIZES:
        d = smallest(got["bisect"], "arm64-distro-" + mem)
        out.append([mem.replace("G", " GB"), cell_mb(d), estimate(got, "arm64-distro", mem, d)])
    return out


def distro_part(got):
    """The distro mode's table, when this run bisected it (runs before it had none)."""
    if not any(r[0].startswith("arm64-distro-") for r in got["bisect"]):
        return []
    return ["arm64's distro mode: Debian's arm64 kernel (%s) as the capture kernel too, with the modules "
            "of the target's chain (virtio-pci, virtio-blk, ext4's) in the same initramfs "
            "(tests/qemu/test-arm64.sh with ARM64_CAPTURE=debian), in 8 MB steps from 96, 128, 160, 192 "
            "and 256 MB. x86_64's distro mode is section 1's, from the full make bench: another run, and "
            "a megasas disk." % kernel_words(got, "arm64-distro"), "",
            table(["guest RAM", "arm64 distro smallest", "arm64 distro estimate"], distro_rows(got)), "",
            "Its working memory (ARM_DISTRO_WORK_MB_ARM64) is calibrated from these trials as the small "
            "kernel's is.", ""]


def section(d):
    """The section, markers included, from the runs in d."""
    got = load(d)
    out = [BEGIN, HEAD, "",
           "`make bench ARCH=arm64`, commit `%s`, %s: %d QEMU runs in %d min (TCG, the bench's guests one at a time). "
           "The two architectures were bisected in this one run, interleaved by guest size (x86_64 then "
           "arm64 at 1 GB, then both at 4 GB), on the same host under the same load: every figure here "
           "comes from the same run. Bisection in 4 MB steps: the first that works of 32, 48, 64, 96 and "
           "128 MB, then the interval halved. Both guests have 2 vCPUs and capture to an ext4 virtio disk "
           "with the default configuration (lzo, dump level 31) and the bench hook (dumpagent.bench=mem). "
           "x86_64: Debian's amd64 kernel crashes in a q35 guest and the small capture kernel (%s) "
           "captures; a trial works when the capture ends complete with the dump on the disk (section 1). "
           "arm64: Debian's arm64 kernel crashes in a virt guest (cortex-a57) and the small arm64 capture "
           "kernel (%s) captures; a trial works when tests/qemu/test-arm64.sh passes (a complete capture, "
           "the panicking CPU's registers in the summary, the dump's dmesg read back by Debian's arm64 "
           "makedumpfile). The initramfs differ as the packages do: x86_64's had %s, arm64's Debian 12's "
           "with its libraries (scripts/arm64-root.sh)." % (got["commit"], got["date"], len(got["runs"]),
                                                            round(got["seconds"] / 60.0), kernel_words(got, "x86_64"),
                                                            kernel_words(got, "arm64"), x86_makedumpfile(d)), "",
           table(["guest RAM", "x86_64 smallest", "arm64 smallest", "arm64 / x86_64",
                  "x86_64 estimate", "arm64 estimate"], rows(got)), ""] + distro_part(got) + [
           "The estimates are `dumpagent arm-need` of the build that made build/bench-arm64 "
           "(bench/run.sh --arch arm64 --report-only recomputes them with the runs kept) for the kernel and initramfs booted here with the "
           "guest's MemTotal (section 1); the loader refuses a reservation below them. arm64's working "
           "memory for the small kernel (ARM_WORK_MB_ARM64 in dumpagent/arm_reserve.h) is calibrated from "
           "these trials: the estimate is not to be above the smallest reservation that worked, nor at or "
           "below the largest that failed.", "", "Trials (MB: result, in the order run):", ""]
    for mem in SIZES:
        for arch, prefix in ARCHES:
            key = prefix + mem
            steps = trials(got, key)
            if not steps and prefix == "arm64-distro-":
                continue  # a run before the distro mode was bisected
            mb = smallest(got["bisect"], key)
            out.append("- %s, %s: %s.%s" % (arch, mem.replace("G", " GB"), steps or "not measured",
                                            memory_line(got, key, mb) if mb else ""))
    return "\n".join(out + ["", END])


def not_measured():
    return "\n".join([BEGIN, HEAD, "", "Not measured: run `make bench ARCH=arm64`.", "", END])


def kept(text):
    """The section (markers included) in text, or None; ValueError when a marker lacks its pair."""
    got = text.splitlines()
    b = [i for i, l in enumerate(got) if l == BEGIN]
    e = [i for i, l in enumerate(got) if l == END]
    if not b and not e:
        return None
    if len(b) != 1 or len(e) != 1 or e[0] < b[0]:
        raise ValueError("bench/RESULTS.md's arm64 markers (%s ... %s) are not one pair in order: "
                         "fix them by hand" % (BEGIN, END))
    return "\n".join(got[b[0]:e[0] + 1])


def splice(text, sect):
    """text with its section replaced by sect; without one, sect goes before section 2, else at the end."""
    old = kept(text)
    if old is not None:
        return text.replace(old, sect, 1)
    got = text.splitlines(True)
    at = next((i for i, l in enumerate(got) if l.startswith("## 2. ")), len(got))
    if at == len(got) and got and not got[-1].endswith("\n"):
        got[-1] += "\n"
    return "".join(got[:at] + [sect + "\n\n"] + got[at:])


def report_section(d, previous):
    """The full bench's copy: from the runs in d, else the section of the RESULTS.md being
    replaced (previous), else a line saying how to measure it."""
    if lines(os.path.join(d, "bisect.txt")):
        return section(d)
    try:
        with open(previous) as f:
            old = kept(f.read())
    except (OSError, ValueError):
        old = None
    return old or not_measured()


def main():
    if len(sys.argv) not in (2, 3):
        sys.stderr.write("usage: bench/arm64.py DIR [RESULTS.md]\n")
        return 100
    sect = section(sys.argv[1])
    if len(sys.argv) == 2:
        print(sect)
        return 0
    try:
        with open(sys.argv[2]) as f:
            text = f.read()
    except FileNotFoundError:
        text = "# dumpagent bench results\n\n"
    except OSError as e:
        sys.stderr.write("bench/arm64.py: read %s: %s\n" % (sys.argv[2], e.strerror))
        return 1
    try:
        sys.stdout.write(splice(text, sect))
    except ValueError as e:
        sys.stderr.write("bench/arm64.py: %s\n" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
