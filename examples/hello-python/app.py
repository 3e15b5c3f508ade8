#!/usr/bin/env python3
"""Cutover example app: the hello contract in Python 3, standard library only.

    PORT=5000 CUTOVER_VERSION=v2 python3 app.py

See README.md for the endpoints and environment variables.
"""
import os
import random
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NAME = "hello-python"  # in log lines
APP = "hello"  # in responses: the same contract as examples/hello


def env(name, default):
    value = os.environ.get(name, "")
    return value if value != "" else default


def flag(name):
    return env(name, "").strip().lower() not in ("", "0", "false", "no")


def duration_ms(name, default_ms):
    """'250ms', '2s', '1.5s', or a bare number of milliseconds."""
    value = env(name, "").strip().lower()
    if not value:
        return default_ms
    try:
        if value.endswith("ms"):
            return float(value[:-2])
        if value.endswith("s"):
            return float(value[:-1]) * 1000
        return float(value)
    except ValueError:
        sys.exit(f"{NAME}: {name} must be a duration like 250ms or 2s, got {value!r}")


VERSION = env("CUTOVER_VERSION", "dev")
INSTANCE = env("CUTOVER_INSTANCE", "local")
GREETING = env("GREETING", "Hello")
HEALTH_FAIL = flag("HEALTH_FAIL")
LOG_REQUESTS = flag("LOG_REQUESTS")
DRAIN = env("DRAIN", "1").strip() != "0"
ERROR_RATE = float(env("ERROR_RATE", "0"))
SLOW_MS = duration_ms("SLOW_MS", 0)
DRAIN_TIMEOUT_MS = duration_ms("DRAIN_TIMEOUT", 5000)
LABEL = f"{NAME} {VERSION}"


def log(message):
    print(f"{LABEL} {message}", flush=True)


class State:
    lock = threading.Lock()
    in_flight = 0
    draining = False


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a router's connection pool expects
    server_version = NAME
    timeout = 75  # idle keep-alive connections are closed after this many seconds
    disable_nagle_algorithm = True  # headers and body go out in two writes: don't stall on delayed ACKs

    def do_GET(self):
        with State.lock:
            State.in_flight += 1
        try:
            self.respond(head=False)
        finally:
            with State.lock:
                State.in_flight -= 1

    def do_HEAD(self):
        self.respond(head=True)

    def respond(self, head):
        path = self.path.split("?", 1)[0]
        if path == "/health":
            status, body = (503, "unhealthy (HEALTH_FAIL)\n") if HEALTH_FAIL else (200, "ok\n")
        elif path == "/version":
            status, body = 200, VERSION + "\n"
        elif path == "/":
            if SLOW_MS > 0:
                time.sleep(SLOW_MS / 1000)
            if ERROR_RATE > 0 and random.random() < ERROR_RATE:
                status = 500
                body = f"injected error (ERROR_RATE {ERROR_RATE}) from {APP} {VERSION} (instance {INSTANCE})\n"
            else:
                status, body = 200, f"{GREETING} from {APP} {VERSION} (instance {INSTANCE})\n"
        else:
            status, body = 404, f"not found: {path}\n"
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-App-Version", VERSION)
        self.send_header("X-App-Instance", INSTANCE)
        if State.draining:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def log_request(self, code="-", size="-"):
        if LOG_REQUESTS:
            log(f"{self.command} {self.path} {code}")

    def log_error(self, format, *args):
        if not format.startswith("Request timed out"):  # an idle keep-alive connection closing
            self.log_message(format, *args)

    def log_message(self, format, *args):
        # errors (bad requests, timeouts) still go to stderr; access lines only via log_request
        sys.stderr.write(f"{LABEL} {self.address_string()} {format % args}\n")


def main():
    if flag("CRASH_AT_START"):
        print(f"{LABEL}: CRASH_AT_START is set, exiting with status 1", file=sys.stderr, flush=True)
        sys.exit(1)
    start_delay = duration_ms("START_DELAY", 0)
    if start_delay > 0:
        log(f"starting in {start_delay:.0f}ms (START_DELAY)")
        time.sleep(start_delay / 1000)

    port = int(env("PORT", "5000"))
    ThreadingHTTPServer.allow_reuse_address = True
    server = ThreadingHTTPServer(("0.0.0.0", port), Handler)
    server.daemon_threads = True  # idle keep-alive connections must not hold the exit

    stop = threading.Event()
    if DRAIN:
        def on_signal(signum, frame):
            stop.set()
    else:
        def on_signal(signum, frame):
            # a naive app: exit at once, dropping whatever is in flight
            log(f"stopped without draining (DRAIN=0, {signal.Signals(signum).name})")
            os._exit(128 + signum)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="serve")
    serving.start()
    log(f"listening on :{server.server_address[1]} (instance {INSTANCE})")

    while not stop.wait(1.0):
        pass

    with State.lock:
        State.draining = True
        in_flight = State.in_flight
    log(f"draining ({in_flight} in flight)")
    server.shutdown()      # stop accepting: the serve loop ends
    server.socket.close()  # close the listener; request threads keep running
    deadline = time.monotonic() + DRAIN_TIMEOUT_MS / 1000
    time.sleep(0.1)  # let requests accepted just before the listener closed reach the handler
    while time.monotonic() < deadline:
        with State.lock:
            if State.in_flight == 0:
                break
        time.sleep(0.01)
    with State.lock:
        left = State.in_flight
    log("stopped" + (f" ({left} requests cut off by DRAIN_TIMEOUT)" if left else ""))
    sys.exit(0)


if __name__ == "__main__":
    main()
