#!/usr/bin/env python3
"""Opens N keep-alive HTTP/1.1 connections, sends one GET on each, reads its response, then holds them all
open, idle, until HOLD seconds have passed or stdin closes / SIGTERM arrives. Prints 'ready N' once they are all
open. Used by bench/router.sh; bounded and self-stopping by design."""
import signal
import socket
import sys
import time

host, port, count, hold = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
request = f"GET / HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
deadline = time.monotonic() + hold
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
socks = []
failed = 0
for i in range(count):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(10)
    try:
        s.connect((host, port))
        s.sendall(request)
        data = s.recv(65536)
        if not data.startswith(b"HTTP/1.1 200"):
            failed += 1
        socks.append(s)
    except OSError:
        failed += 1
        s.close()
    if time.monotonic() > deadline:
        break
print(f"ready {len(socks)} open, {failed} failed", flush=True)
while time.monotonic() < deadline:
    time.sleep(0.5)
for s in socks:
    s.close()
