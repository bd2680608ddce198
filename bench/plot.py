#!/usr/bin/env python3
"""bench/plot.py: the memory figure as an SVG, with the standard library only.

plot_memory(path, panels): panels of horizontal stacked bars, each segment a
use of memory in MiB, a black tick at a bar's crashkernel= size and a dashed
red line at a goal. Every panel has its title, an x axis in MiB with ticks,
and a legend. Text is SVG <text>, so the viewer's font draws it; widths are
only estimated (CHAR_W a character), which is enough to place the bar labels.

Usage: plot.py PANELS.json OUT.svg   (PANELS.json: the panels list below, as JSON)
"""
import json
import sys
from xml.sax.saxutils import escape

WIDTH, FONT, CHAR_W = 1100, 14, 8
BAR_H, GAP, LEGEND_W, LEGEND_ROW = 34, 22, 360, 24
# One colour per segment name of a panel (section 2's breakdown has 11, and
# kdump-tools' bar one more); they repeat only past 16.
COLOURS = ["#4472c4", "#7030a0", "#ed7d31", "#ffc000", "#5b9bd5",
           "#70ad47", "#a5a5a5", "#dcdcdc", "#9e480e", "#264478",
           "#43682b", "#997300", "#ff66cc", "#00b0a0", "#c00000", "#000000"]
GOAL_COLOUR = "#c80000"
TICK_NAME = "crashkernel= reservation of the bar"


def n(x):
    """A coordinate, short and stable from run to run."""
    return ("%.1f" % x).rstrip("0").rstrip(".")


class Svg:
    def __init__(self):
        self.parts = []

    def rect(self, x, y, w, h, fill, title=None):
        # A title is the tooltip a browser shows over the segment: its exact value.
        end = "><title>%s</title></rect>" % escape(title) if title else "/>"
        self.parts.append('<rect x="%s" y="%s" width="%s" height="%s" fill="%s"%s' %
                          (n(x), n(y), n(max(0, w)), n(h), fill, end))

    def line(self, x1, y1, x2, y2, stroke="#000", width=1, dash=None):
        extra = ' stroke-dasharray="%s"' % dash if dash else ""
        self.parts.append('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="%s"%s/>' %
                          (n(x1), n(y1), n(x2), n(y2), stroke, width, extra))

    def text(self, x, y, s, anchor="start", fill="#000", size=FONT, bold=False):
        self.parts.append('<text x="%s" y="%s" text-anchor="%s" fill="%s" font-size="%d"%s>%s</text>' %
                          (n(x), n(y), anchor, fill, size, ' font-weight="bold"' if bold else "",
                           escape(s)))

    def document(self, width, height, title):
        return "\n".join(
            ['<?xml version="1.0" encoding="UTF-8"?>',
             '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
             'font-family="sans-serif">' % (width, height, width, height),
             "<title>%s</title>" % escape(title),
             # White under everything: the text is black, and a viewer's dark theme is not.
             '<rect width="100%" height="100%" fill="#fff"/>'] + self.parts + ["</svg>", ""])


def axis_step(top):
    for step in (0.5, 1, 2, 4, 8, 16, 32, 64, 128):
        if top / step <= 10:
            return step
    return 256


def segment_names(bars):
    names = []
    for _, _, segs in bars:
        for name, _ in segs:
            if name not in names:
                names.append(name)
    return names


def legend_rows(bars):
    return (len(segment_names(bars)) + any(tick for _, tick, _ in bars) + 2) // 3


def panel_height(bars):
    return 56 + len(bars) * (BAR_H + GAP) + 60 + legend_rows(bars) * LEGEND_ROW + 20


def draw_axis(s, left, plot_w, axis_y, axis_mb, step):
    s.line(left, axis_y, left + plot_w, axis_y, width=2)
    mb = 0.0
    while mb <= axis_mb:
        x = left + plot_w * mb / axis_mb
        s.line(x, axis_y, x, axis_y + 7)
        s.text(x, axis_y + 24, "%g" % mb, anchor="middle")
        mb += step
    s.text(left + plot_w, axis_y + 44, "MiB", anchor="end")


def draw_legend(s, y, names, colour, ticks):
    items = [(name, colour[name]) for name in names] + ([(TICK_NAME, None)] if ticks else [])
    for i, (name, fill) in enumerate(items):
        x, yy = 20 + (i % 3) * LEGEND_W, y + (i // 3) * LEGEND_ROW
        if fill:
            s.rect(x, yy, 18, 16, fill)
        else:
            s.rect(x + 8, yy - 3, 3, 22, "#000")
        s.text(x + 26, yy + 13, name)


def draw_panel(s, y0, title, bars, goal_mb, left):
    """One chart from y0 down; returns the y below it."""
    names = segment_names(bars)
    colour = {name: COLOURS[i % len(COLOURS)] for i, name in enumerate(names)}
    top = max([tick or 0 for _, tick, _ in bars] + [sum(v for _, v in segs) for _, _, segs in bars] +
              [goal_mb or 0])
    step = axis_step(top)
    axis_mb = (int(top / step) + 1) * step
    plot_w = WIDTH - left - 50
    s.text(20, y0 + 24, title, bold=True)
    y0 += 56

    def x_of(mb):
        return left + plot_w * mb / axis_mb

    for i, (label, tick, segs) in enumerate(bars):
        y = y0 + i * (BAR_H + GAP)
        s.text(left - 12, y + BAR_H / 2 + 5, label, anchor="end")
        x = 0.0
        for name, mib in segs:
            s.rect(x_of(x), y, x_of(x + mib) - x_of(x), BAR_H, colour[name],
                   "%s: %s: %.1f MiB" % (label, name, mib))
            x += mib
        if tick:
            s.rect(x_of(tick) - 1.5, y - 6, 3, BAR_H + 12, "#000")
    axis_y = y0 + len(bars) * (BAR_H + GAP) - GAP + 10
    draw_axis(s, left, plot_w, axis_y, axis_mb, step)
    if goal_mb:
        gx = x_of(goal_mb)
        s.line(gx, y0 - 10, gx, axis_y, stroke=GOAL_COLOUR, width=3, dash="6 6")
        s.text(gx + 6, y0 - 16, "goal %g MB" % goal_mb, fill=GOAL_COLOUR)
    ly = axis_y + 64
    draw_legend(s, ly, names, colour, any(tick for _, tick, _ in bars))
    return ly + legend_rows(bars) * LEGEND_ROW


def plot_memory(path, panels):
    """panels: [(title, bars, goal_mb or None)], bars: [(label, tick_mb or None, [(segment, mib)])]."""
    left = max(len(b[0]) * CHAR_W for _, bars, _ in panels for b in bars) + 40
    height = sum(panel_height(bars) for _, bars, _ in panels) + 10
    s = Svg()
    y = 0
    for title, bars, goal in panels:
        y = draw_panel(s, y, title, bars, goal, left) + 20
    with open(path, "w", encoding="utf-8") as f:
        f.write(s.document(WIDTH, height, "; ".join(title for title, _, _ in panels)))


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: bench/plot.py PANELS.json OUT.svg\n")
        return 100
    with open(argv[1], encoding="utf-8") as f:
        plot_memory(argv[2], json.load(f))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
