#!/usr/bin/env python3
"""bench/stamp.py: stamps each line of a growing serial log with the host's monotonic clock.

Usage: stamp.py SERIAL OUT [--stall SECONDS]

Polls SERIAL every 20 ms and appends "SECONDS<TAB>LINE" to OUT for each new
line (carriage returns dropped). bench/parse.py needs these host times for the
one gap no guest clock sees: from the panic in the first kernel to the start
of the capture kernel. Runs until SIGTERM. With --stall, when SERIAL has not
grown for SECONDS, the QEMU process writing it (found by the "file:SERIAL" in
its command line) gets SIGTERM, and OUT ends with "# stalled": a hung capture
kernel costs a minute, not the whole timeout.
"""
import os
import signal
import sys
import time


def qemu_pids(serial):
    """The QEMU processes whose command line names this serial file."""
    want = ("file:" + serial).encode()
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                args = f.read().split(b"\0")
        except OSError:
            continue
        if args and args[0].endswith((b"qemu-system-x86_64", b"qemu-system-aarch64")) and want in args:
            yield int(pid)


def main():
    if len(sys.argv) not in (3, 5) or (len(sys.argv) == 5 and sys.argv[3] != "--stall"):
        sys.stderr.write("usage: stamp.py SERIAL OUT [--stall SECONDS]\n")
        return 100
    serial, out = sys.argv[1], sys.argv[2]
    stall = float(sys.argv[4]) if len(sys.argv) == 5 else 0.0
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    pos, partial, last_growth = 0, b"", time.monotonic()
    with open(out, "w") as o:
        while True:
            now = time.monotonic()
            try:
                with open(serial, "rb") as f:
                    f.seek(pos)
                    data = f.read()
            except OSError:
                data = b""
            if data:
                pos += len(data)
                last_growth = now
                lines = (partial + data).split(b"\n")
                partial = lines.pop()
                for line in lines:
                    text = line.replace(b"\r", b"").decode("utf-8", "replace")
                    o.write("%.3f\t%s\n" % (now, text))
                o.flush()
            if stop:
                return 0
            if stall and now - last_growth > stall:
                o.write("# stalled\n")
                o.flush()
                for pid in qemu_pids(os.path.abspath(serial)):
                    os.kill(pid, signal.SIGTERM)
                return 0
            time.sleep(0.02)


if __name__ == "__main__":
    sys.exit(main())
