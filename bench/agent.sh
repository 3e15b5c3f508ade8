#!/usr/bin/env bash
# Measures the agent: its memory and CPU with many supervised instances of a tiny app on this host, and the time
# from a desired-state change to a new healthy instance, split into the agent's part and the app's own start.
#
# Usage: bench/agent.sh
# Knobs (environment): INSTANCES=200 SECONDS=60 ROUNDS=10 JAVA_OPTS="-XX:+UseSerialGC -Xmx256m"
#
# The agent runs in the benchmark's JVM (as it runs embedded in `cutover server`), with the JVM options given;
# its CPU is the growth of utime+stime in /proc/self/stat over SECONDS, its memory the peak VmRSS.
# Needs python3 (the app) and a JDK 21+ (bin/java-home finds one). Every process it starts is stopped at the end.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAVA_HOME="$("$root/bin/java-home")"; export JAVA_HOME
JAVA_OPTS="${JAVA_OPTS:--XX:+UseSerialGC -Xmx256m}"
cd "$root"
ulimit -n 65536 2>/dev/null || true
./mvnw -q -B -ntp -pl cutover-model,cutover-agent install -DskipTests
./mvnw -q -B -ntp -pl cutover-agent test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
  -Dmdep.includeScope=test >/dev/null
cp="cutover-agent/target/test-classes:cutover-agent/target/classes:$(cat cutover-agent/target/bench.classpath)"
echo "host: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); JVM: $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1) $JAVA_OPTS"
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED $JAVA_OPTS -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$cp" dev.cutover.agent.bench.AgentBench
