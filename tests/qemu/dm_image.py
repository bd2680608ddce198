#!/usr/bin/env python3
"""tests/qemu/dm_image.py TABLE DEVS OUT DISK=FILE...: an LV's bytes out of disk images, by its dm table.

The host's reading of what a guest's device-mapper showed: TABLE is
"dmsetup table" of the LV (linear and striped lines, devices as MAJ:MIN,
sectors of 512 bytes), DEVS maps each MAJ:MIN to a block device name and its
start in sectors ("253:16 vdb1 2048"), and DISK=FILE names the image of each
whole disk ("vdb=/path/b.img"; a partition is its disk's name plus digits).
Writes the LV's bytes to OUT, independently of the agent's own mapping code.
"""
import re
import sys

SECTOR = 512


def main():
    table, devs, out = sys.argv[1:4]
    disks = dict(a.split("=", 1) for a in sys.argv[4:])
    where = {}
    for line in open(devs):
        majmin, name, start = line.split()
        disk = re.sub(r"p?\d+$", "", name) if re.search(r"\d$", name) else name
        where[majmin] = (disks[disk], int(start) * SECTOR)
    files = {}

    def read(majmin, sector, count):
        path, base = where[majmin]
        f = files.setdefault(path, open(path, "rb"))
        f.seek(base + sector * SECTOR)
        data = f.read(count * SECTOR)
        if len(data) != count * SECTOR:
            sys.exit(f"dm_image.py: {path}: short read at sector {sector}")
        return data

    with open(out, "wb") as o:
        for line in open(table):
            w = line.split()
            if not w:
                continue
            start, length, kind = int(w[0]), int(w[1]), w[2]
            o.seek(start * SECTOR)
            if kind == "linear":
                o.write(read(w[3], int(w[4]), length))
            elif kind == "striped":
                n, chunk = int(w[3]), int(w[4])
                areas = [(w[5 + 2 * i], int(w[6 + 2 * i])) for i in range(n)]
                # Chunk k of the segment is chunk k // n of stripe k % n.
                for k in range(length // chunk):
                    dev, off = areas[k % n]
                    o.write(read(dev, off + (k // n) * chunk, chunk))
                if length % (chunk * n):
                    sys.exit(f"dm_image.py: a striped segment of {length} sectors is not whole stripes")
            else:
                sys.exit(f"dm_image.py: {kind} segments are not read here")


main()
