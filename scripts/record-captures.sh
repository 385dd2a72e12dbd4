#!/usr/bin/env bash
# Records the "Linux, recorded" captures the server ships (backend/server/src/main/resources/captures):
# TAP labs, our stack against the Linux kernel inside a network namespace of their own, captured on
# the TAP device with tcpdump and dumpcap. Needs root, /dev/net/tun, iproute2, tcpdump and dumpcap.
# Nothing leaves the namespaces it creates; they are removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-backend/server/src/main/resources/captures}
cp=$(mktemp)
trap 'rm -f "$cp"' EXIT
./mvnw -B -q -pl backend/tap -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$cp" -Dmdep.includeScope=test -DskipTests
java -cp "backend/tap/target/test-classes:backend/tap/target/classes:backend/engine/target/classes:$(cat "$cp")" \
    --add-opens java.base/java.io=ALL-UNNAMED \
    org.tcplab.tap.RecordCaptures "$out"
