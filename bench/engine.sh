#!/usr/bin/env bash
# The deployment engine at scale: 10,000 instances on 1,000 simulated hosts through a rolling deploy on the manual
# clock. Prints CPU time, memory and time per reconcile tick for three rounds.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAVA_HOME="$("$root/bin/java-home")" || exit 1
export JAVA_HOME
cd "$root"
./mvnw -q -B -ntp install -pl cutover-model -DskipTests
./mvnw -B -ntp test -pl cutover-engine -Dtest=FleetBench -Dsurefire.failIfNoSpecifiedTests=false \
  -Djqwik.reporting.onlyFailures=true 2>&1 | grep -E '^round|BUILD|ERROR'
