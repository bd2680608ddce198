#!/usr/bin/env python3
"""bench/plot.py: the memory figure as a PNG, with the standard library only (zlib, struct).

plot_memory(path, panels): panels of horizontal stacked bars, each segment a
use of memory in MiB, a black tick at a bar's crashkernel= size and a dashed
line at a goal. Text is drawn with the 5x7 font below (upper case, digits and
a little punctuation), scaled twice.
"""
import struct
import zlib

FONT = {
    "A": "01110 10001 10001 11111 10001 10001 10001",
    "B": "11110 10001 10001 11110 10001 10001 11110",
    "C": "01110 10001 10000 10000 10000 10001 01110",
    "D": "11110 10001 10001 10001 10001 10001 11110",
    "E": "11111 10000 10000 11110 10000 10000 11111",
    "F": "11111 10000 10000 11110 10000 10000 10000",
    "G": "01110 10001 10000 10111 10001 10001 01111",
    "H": "10001 10001 10001 11111 10001 10001 10001",
    "I": "01110 00100 00100 00100 00100 00100 01110",
    "J": "00111 00010 00010 00010 00010 10010 01100",
    "K": "10001 10010 10100 11000 10100 10010 10001",
    "L": "10000 10000 10000 10000 10000 10000 11111",
    "M": "10001 11011 10101 10101 10001 10001 10001",
    "N": "10001 10001 11001 10101 10011 10001 10001",
    "O": "01110 10001 10001 10001 10001 10001 01110",
    "P": "11110 10001 10001 11110 10000 10000 10000",
    "Q": "01110 10001 10001 10001 10101 10010 01101",
    "R": "11110 10001 10001 11110 10100 10010 10001",
    "S": "01111 10000 10000 01110 00001 00001 11110",
    "T": "11111 00100 00100 00100 00100 00100 00100",
    "U": "10001 10001 10001 10001 10001 10001 01110",
    "V": "10001 10001 10001 10001 10001 01010 00100",
    "W": "10001 10001 10001 10101 10101 10101 01010",
    "X": "10001 10001 01010 00100 01010 10001 10001",
    "Y": "10001 10001 01010 00100 00100 00100 00100",
    "Z": "11111 00001 00010 00100 01000 10000 11111",
    "0": "01110 10001 10011 10101 11001 10001 01110",
    "1": "00100 01100 00100 00100 00100 00100 01110",
    "2": "01110 10001 00001 00010 00100 01000 11111",
    "3": "11111 00010 00100 00010 00001 10001 01110",
    "4": "00010 00110 01010 10010 11111 00010 00010",
    "5": "11111 10000 11110 00001 00001 10001 01110",
    "6": "00110 01000 10000 11110 10001 10001 01110",
    "7": "11111 00001 00010 00100 01000 01000 01000",
    "8": "01110 10001 10001 01110 10001 10001 01110",
    "9": "01110 10001 10001 01111 00001 00010 01100",
    " ": "00000 00000 00000 00000 00000 00000 00000",
    ".": "00000 00000 00000 00000 00000 01100 01100",
    ",": "00000 00000 00000 00000 01100 00100 01000",
    ":": "00000 01100 01100 00000 01100 01100 00000",
    "-": "00000 00000 00000 11111 00000 00000 00000",
    "+": "00000 00100 00100 11111 00100 00100 00000",
    "/": "00000 00001 00010 00100 01000 10000 00000",
    "(": "00010 00100 01000 01000 01000 00100 00010",
    ")": "01000 00100 00010 00010 00010 00100 01000",
    "=": "00000 00000 11111 00000 11111 00000 00000",
    "<": "00010 00100 01000 10000 01000 00100 00010",
    ">": "01000 00100 00010 00001 00010 00100 01000",
    "%": "11000 11001 00010 00100 01000 10011 00011",
    "_": "00000 00000 00000 00000 00000 00000 11111",
    "'": "01100 00100 01000 00000 00000 00000 00000",
}

WHITE, BLACK, GREY = (255, 255, 255), (0, 0, 0), (150, 150, 150)
COLOURS = [(68, 114, 196), (112, 48, 160), (237, 125, 49), (255, 192, 0), (91, 155, 213),
           (112, 173, 71), (165, 165, 165), (220, 220, 220), (158, 72, 14), (38, 68, 120)]


class Canvas:
    def __init__(self, width, height):
        self.w, self.h = width, height
        self.px = bytearray(WHITE * (width * height))

    def rect(self, x0, y0, x1, y1, colour):
        x0, x1 = max(0, int(x0)), min(self.w, int(x1))
        for y in range(max(0, int(y0)), min(self.h, int(y1))):
            row = y * self.w * 3
            self.px[row + x0 * 3:row + x1 * 3] = bytes(colour) * max(0, x1 - x0)

    def text(self, x, y, s, colour=BLACK, scale=2):
        for ch in s.upper():
            rows = FONT.get(ch, FONT[" "]).split()
            for r, bits in enumerate(rows):
                for c, bit in enumerate(bits):
                    if bit == "1":
                        self.rect(x + c * scale, y + r * scale, x + (c + 1) * scale,
                                  y + (r + 1) * scale, colour)
            x += 6 * scale
        return x

    def save(self, path):
        raw = b"".join(b"\0" + bytes(self.px[y * self.w * 3:(y + 1) * self.w * 3])
                       for y in range(self.h))

        def chunk(kind, data):
            return (struct.pack(">I", len(data)) + kind + data +
                    struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))

        png = (b"\x89PNG\r\n\x1a\n" +
               chunk(b"IHDR", struct.pack(">IIBBBBB", self.w, self.h, 8, 2, 0, 0, 0)) +
               chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
        with open(path, "wb") as f:
            f.write(png)


def text_width(s, scale=2):
    return len(s) * 6 * scale


def axis_step(top):
    for step in (0.5, 1, 2, 4, 8, 16, 32, 64, 128):
        if top / step <= 10:
            return step
    return 256


def panel_height(bars, names):
    return 60 + len(bars) * 56 + 50 + ((len(names) + 2) // 3) * 26 + 30


def segment_names(bars):
    names = []
    for _, _, segs in bars:
        for name, _ in segs:
            if name not in names:
                names.append(name)
    return names


def draw_panel(c, y0, title, bars, goal_mb, left):
    """One chart from y0 down; returns the y below it."""
    names = segment_names(bars)
    colour = {n: COLOURS[i % len(COLOURS)] for i, n in enumerate(names)}
    top = max([r or 0 for _, r, _ in bars] + [sum(v for _, v in s) for _, _, s in bars] +
              [goal_mb or 0])
    step = axis_step(top)
    axis_mb = (int(top / step) + 1) * step
    plot_w, bar_h, gap = c.w - left - 50, 34, 22
    c.text(20, y0 + 16, title)
    y0 += 56

    def x_of(mb):
        return left + plot_w * mb / axis_mb

    for i, (label, res, segs) in enumerate(bars):
        y = y0 + i * (bar_h + gap)
        c.text(20, y + bar_h // 2 - 7, label)
        x = 0.0
        for name, mib in segs:
            c.rect(x_of(x), y, x_of(x + mib) + 1, y + bar_h, colour[name])
            x += mib
        if res:
            c.rect(x_of(res) - 1, y - 6, x_of(res) + 2, y + bar_h + 6, BLACK)
    axis_y = y0 + len(bars) * (bar_h + gap) - gap + 10
    c.rect(left, axis_y, left + plot_w, axis_y + 2, BLACK)
    mb = 0.0
    while mb <= axis_mb:
        label = ("%g" % mb)
        c.rect(x_of(mb), axis_y, x_of(mb) + 2, axis_y + 8, BLACK)
        c.text(x_of(mb) - text_width(label) / 2, axis_y + 12, label)
        mb += step
    c.text(left + plot_w - text_width("MIB"), axis_y + 30, "MIB")
    if goal_mb:
        gx = x_of(goal_mb)
        for y in range(y0 - 10, axis_y, 12):
            c.rect(gx - 1, y, gx + 2, y + 6, (200, 0, 0))
        c.text(gx + 6, y0 - 22, "GOAL %d MB" % goal_mb, (200, 0, 0))
    ly = axis_y + 54
    for i, name in enumerate(names):
        lx = 20 + (i % 3) * 360
        yy = ly + (i // 3) * 26
        c.rect(lx, yy, lx + 18, yy + 16, colour[name])
        c.text(lx + 26, yy + 1, name)
    return ly + ((len(names) + 2) // 3) * 26 + 10


def plot_memory(path, panels, note=""):
    """panels: [(title, bars, goal_mb or None)], bars: [(label, tick_mb or None, [(segment, mib)])]."""
    left = max(text_width(b[0]) for _, bars, _ in panels for b in bars) + 30
    height = sum(panel_height(bars, segment_names(bars)) for _, bars, _ in panels) + 30
    c = Canvas(1100, height)
    y = 0
    for title, bars, goal in panels:
        y = draw_panel(c, y, title, bars, goal, left) + 20
    if note:
        c.text(20, height - 22, note, GREY)
    c.save(path)


if __name__ == "__main__":
    import sys
    plot_memory(sys.argv[1], [
        ("DEMO", [("1 GB, 32M", 32, [("KERNEL IMAGE", 5.2), ("INITRAMFS", 8.1), ("FREE", 10)]),
                  ("REFERENCE", 114, [("DEBIAN KDUMP-TOOLS", 114)])], 32),
        ("PEAK RSS", [("VMCORE 1 GB", None, [("AGENT", 1.5), ("MAKEDUMPFILE", 3.1)])], None)],
        "BLACK TICK: THE CRASHKERNEL= RESERVATION")
