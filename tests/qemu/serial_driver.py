#!/usr/bin/env python3
"""tests/qemu/serial_driver.py: types into a VM's serial console, like a person would.

Usage: serial_driver.py SOCKET LOG TIMEOUT [EXPECT SEND]...

Connects to QEMU's "-serial unix:SOCKET,server=on" (retrying until it is
there), appends everything the guest prints to LOG, and for each pair waits
until the regular expression EXPECT appears in the output that came after the
previous match (carriage returns and ANSI escape sequences removed), then
types SEND and a newline. After the last pair it keeps
logging until QEMU closes the socket. Exits 1 naming the step that timed out
after TIMEOUT seconds in all, 0 when every pair matched and QEMU finished.
"""
import re
import socket
import sys
import time

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")  # busybox asks for the cursor position


def connect(path, deadline):
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return s
        except OSError:
            s.close()
            if time.time() > deadline:
                raise
            time.sleep(0.2)


def main():
    if len(sys.argv) < 4 or len(sys.argv) % 2:
        sys.exit("usage: serial_driver.py SOCKET LOG TIMEOUT [EXPECT SEND]...")
    sock_path, log_path, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
    steps = list(zip(sys.argv[4::2], sys.argv[5::2]))
    deadline = time.time() + timeout
    s = connect(sock_path, deadline)
    pending = ""
    with open(log_path, "ab", buffering=0) as log:
        while True:
            s.settimeout(max(0.1, deadline - time.time()))
            try:
                data = s.recv(4096)
            except socket.timeout:
                step = steps[0][0] if steps else "the end of the VM"
                sys.exit("serial_driver: timed out after %g s waiting for %r" % (timeout, step))
            if not data:
                break
            log.write(data)
            pending += ANSI.sub("", data.decode("utf-8", "replace").replace("\r", ""))
            if steps:
                m = re.search(steps[0][0], pending)
                if m:
                    s.sendall(steps[0][1].encode() + b"\r")
                    steps.pop(0)
                    pending = pending[m.end():]
    if steps:
        sys.exit("serial_driver: the VM finished before %r appeared" % steps[0][0])


if __name__ == "__main__":
    main()
