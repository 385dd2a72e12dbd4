#!/usr/bin/env bash
# Start time of the server (launch to the first answer of /actuator/health), with and without the
# class-data-sharing archive the Dockerfile makes, by the same steps the Dockerfile runs.
# Usage: docs/deploy/measure-start.sh path/to/tcplab.jar [rounds]   (prints one line per start)
set -euo pipefail
jar=$(realpath "$1"); rounds=${2:-3}
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cd "$dir"
# The Dockerfile's steps: extract the jar (CDS needs plain jars on the class path), one training run
# that stops after the context refreshed, writing the archive.
cp "$jar" tcplab.jar  # the extracted jar keeps this name, as in the image
java -Djarmode=tools -jar tcplab.jar extract --destination app >/dev/null
java -XX:ArchiveClassesAtExit=app/tcplab.jsa -Xlog:cds=off -Xlog:cds+dynamic=off -Dspring.context.exit=onRefresh \
  -jar app/tcplab.jar --tcplab.data-dir="$dir/training" >"$dir/training.log" 2>&1 || { cat "$dir/training.log"; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

start() { # label, java args...
  local label=$1; shift
  local t0 t1 pid
  t0=$(date +%s%N)
  java "$@" --server.port="$port" --tcplab.data-dir="$dir/data-$RANDOM" >"$dir/run.log" 2>&1 &
  pid=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$port/actuator/health"; do
    kill -0 "$pid" 2>/dev/null || { echo "$label: server exited"; cat "$dir/run.log"; return 1; }
    sleep 0.05
  done
  t1=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  printf '%-28s %6.2f s   (load %s)\n' "$label" "$(echo "($t1-$t0)/1000000000" | bc -l)" "$(cut -d' ' -f1 /proc/loadavg)"
}
for _ in $(seq "$rounds"); do
  start "fat jar" -jar "$jar"
  start "extracted, no CDS" -jar app/tcplab.jar
  start "extracted + CDS" -XX:SharedArchiveFile=app/tcplab.jsa -Xlog:cds=off -jar app/tcplab.jar
done
