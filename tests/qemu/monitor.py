#!/usr/bin/env python3
"""tests/qemu/monitor.py SOCKET COMMAND: runs one QEMU human-monitor command, prints its output."""
import socket
import sys
import time


def read_until_prompt(s, deadline):
    data = b""
    while not data.endswith(b"(qemu) "):
        if time.time() > deadline:
            sys.exit(f"monitor.py: no prompt; got {data[-200:]!r}")
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def main():
    path, command = sys.argv[1], sys.argv[2]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    s.connect(path)
    deadline = time.time() + 30
    read_until_prompt(s, deadline)
    s.sendall(command.encode() + b"\n")
    out = read_until_prompt(s, deadline).decode(errors="replace")
    # The monitor echoes the command with cursor codes; its answer is what follows the echo.
    answer = out.rsplit(command, 1)[-1].replace("(qemu) ", "").strip()
    print(answer or "ok")
    if "error" in out.lower() or "unknown command" in out.lower():
        sys.exit(1)


if __name__ == "__main__":
    main()
