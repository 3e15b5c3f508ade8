#!/usr/bin/env python3
"""Cutover example release command: what `release:` in cutover.yml runs once per deployment, in the new
release's environment, before any instance of it starts and before any traffic moves.

    CUTOVER_VERSION=v2 python3 migrate.py

A real app migrates its database here. This one says what it would do; with MIGRATE_FAIL=1 it fails with exit
code 3, which stops the deployment before any user sees the new code.
"""
import os
import sys

version = os.environ.get("CUTOVER_VERSION", "dev")
release = os.environ.get("CUTOVER_RELEASE", "v?")
run = os.environ.get("CUTOVER_INSTANCE", "local")

print(f"hello-python {version}: migrating for release {release} (run {run})", flush=True)
if os.environ.get("MIGRATE_FAIL", "").strip().lower() not in ("", "0", "false", "no"):
    print(f"hello-python {version}: migration failed: MIGRATE_FAIL is set", file=sys.stderr, flush=True)
    sys.exit(3)
print(f"hello-python {version}: schema is up to date", flush=True)
