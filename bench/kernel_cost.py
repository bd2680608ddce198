#!/usr/bin/env python3
"""bench/kernel_cost.py: what the stacked-target drivers (device-mapper, md RAID1, dm-crypt and its AES) cost in the small kernel, from its build.

Usage: kernel_cost.py --measure BUILD_DIR CAPTURE_DIR   prints the sizes as JSON

bench/run.sh runs --measure on build/kernel and build/capture when the bench
starts, so the figures are of the kernel the bench boots; report.py prints
them with section(). Sizes are `size`'s text + data + bss of the objects
linked into vmlinux (uncompressed); the image's whole size is vmlinuz's
bytes (compressed) and _text to _end of System.map (what it spans while
booting, as capture-kernel/build.sh says).
"""

import json
import os
import subprocess
import sys

# The crypto objects the small kernel had before dm-crypt (ext4's crc32c
# and the API under it): every other object of crypto/ and lib/crypto/ is
# there for dm-crypt and its aes-xts-plain64 (xts, ecb, cbc and essiv, the
# skcipher and AEAD APIs, cryptd and simd, which aesni_intel wraps, the
# crypto manager, AES-TI and the AES library).
CRYPTO_BEFORE = {
    "crypto": {"api.o", "cipher.o", "compress.o", "algapi.o", "scatterwalk.o", "proc.o", "ahash.o",
               "shash.o", "crc32c_generic.o"},
    "lib/crypto": {"blake2s-generic.o", "blake2s.o", "chacha.o", "memneq.o", "utils.o"},
}

# (name, archive, which members): the groups of section().
GROUPS = [
    ("device-mapper (dm_mod: linear, striped, ioctls)", "drivers/md/built-in.a",
     lambda o: o.startswith("dm") and o != "dm-crypt.o"),
    ("dm-crypt", "drivers/md/built-in.a", lambda o: o == "dm-crypt.o"),
    ("md (md_mod)", "drivers/md/built-in.a", lambda o: o.startswith("md")),
    ("raid1", "drivers/md/built-in.a", lambda o: o == "raid1.o"),
    ("AES-NI (aesni_intel)", "arch/x86/crypto/built-in.a", lambda o: True),
    ("crypto API and templates for dm-crypt (crypto/)", "crypto/built-in.a",
     lambda o: o not in CRYPTO_BEFORE["crypto"]),
    ("AES library (lib/crypto/)", "lib/crypto/built-in.a", lambda o: o not in CRYPTO_BEFORE["lib/crypto"]),
]


def members(build, archive):
    """The object paths of a (thin) archive of the build, [] when it is missing."""
    path = os.path.join(build, archive)
    if not os.path.exists(path):
        return []
    out = subprocess.run(["ar", "t", path], capture_output=True, text=True, check=True).stdout.split()
    # ar prints a thin archive's members as paths from the current
    # directory (or absolute); otherwise they are relative to the archive.
    return [m if os.path.exists(m) else os.path.join(os.path.dirname(path), m) for m in out]


def sizes(paths):
    """{path: text + data + bss} of objects, by `size` (Berkeley format)."""
    if not paths:
        return {}
    out = subprocess.run(["size", "--format=berkeley"] + paths, capture_output=True, text=True,
                         check=True).stdout.splitlines()
    got = {}
    for line in out[1:]:
        f = line.split()
        got[f[5]] = int(f[0]) + int(f[1]) + int(f[2])
    return got


def span(system_map):
    """_text to _end of System.map in bytes, None when it cannot be read."""
    sym = {}
    try:
        with open(system_map) as f:
            for line in f:
                addr, _, name = line.split()[:3]
                if name in ("_text", "_end"):
                    sym[name] = int(addr, 16)
    except (OSError, ValueError):
        return None
    return sym["_end"] - sym["_text"] if len(sym) == 2 else None


def measure(build, capture):
    groups = []
    for name, archive, pick in GROUPS:
        objs = [p for p in members(build, archive) if pick(os.path.basename(p))]
        got = sizes(objs)
        groups.append({"name": name, "objects": len(got), "bytes": sum(got.values()),
                       "from": "%s (%s)" % (archive, ", ".join(sorted(os.path.basename(p) for p in got)))})
    vmlinux = sizes([os.path.join(build, "vmlinux")]) if os.path.exists(os.path.join(build, "vmlinux")) else {}
    try:
        vmlinuz = os.path.getsize(os.path.join(capture, "vmlinuz"))
    except OSError:
        vmlinuz = None
    return {"groups": groups, "vmlinux_bytes": sum(vmlinux.values()) or None, "vmlinuz_bytes": vmlinuz,
            "span_bytes": span(os.path.join(build, "System.map"))}


def kib(n):
    return "-" if n is None else "%d KiB" % round(n / 1024)


def section(cost):
    """The report's section, from measure()'s dict (None: not measured)."""
    out = ["## 6. What the stacked-target drivers cost in the small kernel", ""]
    # Without build/kernel's vmlinux (a capture kernel built in another tree
    # and copied in) every group is empty: not a size of 0.
    if not cost or not cost.get("groups") or not cost.get("vmlinux_bytes"):
        return "\n".join(out + ["Not measured: no kernel build in build/kernel when the bench started.", ""])
    total = sum(g["bytes"] for g in cost["groups"])
    out += ["Device-mapper (LVM), md RAID1 and dm-crypt with aes-xts-plain64, built into the small kernel "
            "for stacked targets, measured in the build this bench booted: `size` (text + data + bss) of "
            "their objects in vmlinux, uncompressed. The reservation they cost is section 1's bisection "
            "(compare it with an earlier run's; bench/by-hand.md has the before and after measured by hand).",
            "", "| what | objects | size |", "|---|---|---|"]
    out += ["| %s | %d | %s |" % (g["name"], g["objects"], kib(g["bytes"])) for g in cost["groups"]]
    out += ["| **all of them** | %d | **%s** |" % (sum(g["objects"] for g in cost["groups"]), kib(total)),
            "| the whole vmlinux (text + data + bss) | | %s |" % kib(cost.get("vmlinux_bytes")),
            "| the kernel image while booting (`_text` to `_end`) | | %s |" % kib(cost.get("span_bytes")),
            "| vmlinuz (compressed) | | %s |" % kib(cost.get("vmlinuz_bytes")), ""]
    return "\n".join(out)


def main():
    if len(sys.argv) != 4 or sys.argv[1] != "--measure":
        print("usage: kernel_cost.py --measure BUILD_DIR CAPTURE_DIR", file=sys.stderr)
        return 100
    json.dump(measure(sys.argv[2], sys.argv[3]), sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
