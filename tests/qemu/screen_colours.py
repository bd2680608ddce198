#!/usr/bin/env python3
"""tests/qemu/screen_colours.py SHOT.ppm OUT.png: is this a brown screen with white text?

Reads QEMU's P6 screendump, writes it as PNG (an artifact to look at), and
exits 0 when VGA brown (#AA5500) covers most of the screen and white text is
present. Prints the shares it measured.
"""
import struct
import sys
import zlib
from collections import Counter


def read_ppm(path):
    data = open(path, "rb").read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or fields[3] != b"255":
        sys.exit(f"not an 8-bit P6 file: {fields}")
    w, h = int(fields[1]), int(fields[2])
    pixels = data[pos + 1:pos + 1 + w * h * 3]
    if len(pixels) != w * h * 3:
        sys.exit("truncated PPM")
    return w, h, pixels


def write_png(path, w, h, pixels):
    raw = b"".join(b"\0" + pixels[y * w * 3:(y + 1) * w * 3] for y in range(h))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def main():
    w, h, pixels = read_ppm(sys.argv[1])
    write_png(sys.argv[2], w, h, pixels)
    counts = Counter(pixels[i:i + 3] for i in range(0, len(pixels), 3))
    total = w * h
    # QEMU's 6-bit VGA DAC shows #AA5500 as #A85700: allow a few steps.
    def is_brown(c):
        return abs(c[0] - 0xAA) < 12 and abs(c[1] - 0x55) < 12 and c[2] < 12

    brown = sum(n for c, n in counts.items() if is_brown(c))
    white = sum(n for c, n in counts.items() if min(c) > 0xE0)
    dominant = counts.most_common(1)[0][0]
    print(f"{w}x{h}: brown {100 * brown / total:.1f}%, white {100 * white / total:.2f}%, "
          f"dominant #{dominant.hex()}")
    if brown < total * 0.5 or not is_brown(dominant):
        sys.exit("brown is not the dominant colour")
    if white < total * 0.005:
        sys.exit("no white text")


if __name__ == "__main__":
    main()
