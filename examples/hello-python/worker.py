#!/usr/bin/env python3
"""Cutover example worker: a process type without a port.

Prints a heartbeat line every HEARTBEAT_INTERVAL (default 2s). On SIGTERM or SIGINT it
finishes the current beat and exits 0. IGNORE_SIGNALS=TERM (or TERM,INT) makes it ignore
those signals, to exercise a stop-signal escalation such as [TERM, INT, KILL].
WORKER_CRASH_AFTER=3s makes it exit 1 that long after it started: a release whose worker dies.
"""
import os
import signal
import sys
import threading
import time

NAME = "worker"
VERSION = os.environ.get("CUTOVER_VERSION") or "dev"
INSTANCE = os.environ.get("CUTOVER_INSTANCE") or "local"
LABEL = f"{NAME} {VERSION}"


def log(message):
    print(f"{LABEL} {message}", flush=True)


def seconds(name, default):
    value = (os.environ.get(name) or default).strip().lower()
    try:
        if value.endswith("ms"):
            return float(value[:-2]) / 1000
        if value.endswith("s"):
            return float(value[:-1])
        return float(value)
    except ValueError:
        sys.exit(f"{NAME}: {name} must be a duration like 500ms or 2s, got {value!r}")


def short(signal_name):
    """'SIGTERM', 'sigterm', 'TERM' -> 'TERM'"""
    name = signal_name.strip().upper()
    return name[3:] if name.startswith("SIG") else name


def main():
    interval = seconds("HEARTBEAT_INTERVAL", "2s")
    crash_after = seconds("WORKER_CRASH_AFTER", "0")
    ignored = {short(s) for s in (os.environ.get("IGNORE_SIGNALS") or "").split(",") if s.strip()}
    stop = threading.Event()
    received = []

    def on_signal(signum, frame):
        name = signal.Signals(signum).name
        if short(name) in ignored:
            log(f"ignoring {name} (IGNORE_SIGNALS)")
            return
        received.append(name)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    log(f"started (instance {INSTANCE}, heartbeat every {interval:g}s)")
    beat = 0
    started = time.monotonic()
    while not stop.is_set():
        if crash_after and time.monotonic() - started >= crash_after:
            log(f"WORKER_CRASH_AFTER {crash_after:g}s is over, exiting with status 1")
            sys.exit(1)
        beat += 1
        log(f"heartbeat {beat}")
        stop.wait(min(interval, crash_after) if crash_after else interval)
    log(f"stopping ({received[0]}) after {beat} heartbeats")
    sys.exit(0)


if __name__ == "__main__":
    main()
