#!/usr/bin/env python3
"""How long a proxy takes from being started to its first answered request, for startup-bench.sh.

  first-response.py PORT CMD...

Starts CMD, asks 127.0.0.1:PORT for /small (HTTP/1.0, one connection each time) every millisecond
until a whole "200" answer comes back through it, prints the milliseconds from just before the start
to that answer, then sends CMD a TERM and waits for it to exit (KILL after 30 s). Exits 1, printing
why, if CMD exits first or nothing answers within 30 s.
"""
import socket
import subprocess
import sys
import time

port, command = int(sys.argv[1]), sys.argv[2:]
start = time.monotonic_ns()
process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def answered():
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(b"GET /small HTTP/1.0\r\nHost: bench\r\n\r\n")
            data = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    return data.startswith(b"HTTP/1.1 200") or data.startswith(b"HTTP/1.0 200")
                data += chunk
    except OSError:
        return False


try:
    while not answered():
        if process.poll() is not None:
            print("first-response: %s exited with %d before answering" % (command[0], process.returncode),
                  file=sys.stderr)
            sys.exit(1)
        if time.monotonic_ns() - start > 30e9:
            print("first-response: nothing answered on port %d within 30 s" % port, file=sys.stderr)
            sys.exit(1)
        time.sleep(0.001)
    print("%.1f" % ((time.monotonic_ns() - start) / 1e6), flush=True)
finally:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
