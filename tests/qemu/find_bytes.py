#!/usr/bin/env python3
"""tests/qemu/find_bytes.py NEEDLE FILE...: prints each FILE that holds the bytes of the file NEEDLE, anywhere.

The key-leak check of test-target-luks: a keyfile or a volume key, byte for
byte, in a raw disk image or a decrypted volume. Reads each file by mmap
(images of hundreds of MiB), so nothing is decoded or skipped.
Exit status: 0 when it ran (found or not), 2 on a usage or read error.
"""
import mmap
import sys


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: find_bytes.py NEEDLE FILE...")
    needle = open(sys.argv[1], "rb").read()
    if len(needle) < 16:
        print(f"find_bytes.py: {sys.argv[1]} holds {len(needle)} bytes, too few to mean anything",
              file=sys.stderr)
        sys.exit(2)
    for path in sys.argv[2:]:
        with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
            if m.find(needle) >= 0:
                print(path)


main()
