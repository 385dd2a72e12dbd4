# syntax=docker/dockerfile:1
#
# TCP Lab in a container (README, "Deploy").
#
#   docker build -t tcplab .
#   sim labs, as the unprivileged user tcplab (the default):
#     docker run -p 8080:8080 -v tcplab-data:/data tcplab
#   tap labs too (the Linux kernel as a lab's peer): root in the container with NET_ADMIN (TAP
#   devices, veth, addresses) and SYS_ADMIN (`ip netns add`: unshare and a bind mount), and the TUN
#   device. A non-root user given --cap-add gets no effective capabilities, hence --user 0. Docker's
#   default seccomp profile allows mount/unshare/setns once SYS_ADMIN is added; its default AppArmor
#   profile (Ubuntu hosts) forbids the mount `ip netns` makes, hence apparmor=unconfined there:
#     docker run --user 0 --cap-add NET_ADMIN --cap-add SYS_ADMIN --device /dev/net/tun \
#       --security-opt apparmor=unconfined -e TCPLAB_TAP_ENABLED=true -p 8080:8080 tcplab
#   GET /api/system/capabilities then says whether tap works, and if not exactly what is missing.
#
# Stopping: the server ends its labs' viewers and stops within 10 s of SIGTERM; give it 15 s
# (docker stop -t 15, compose stop_grace_period: 15s, Kubernetes terminationGracePeriodSeconds: 15).

# ---- build: the same Maven build as CI (Node builds the frontend, the JDK the server) ----
# Vite 7 needs Node >= 20.19: node:20-bookworm is the newest 20.x.
FROM node:20-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jdk-headless \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY backend/ backend/
COPY frontend/ frontend/
RUN --mount=type=cache,target=/root/.m2 \
    --mount=type=cache,target=/root/.npm \
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 ./mvnw -B -DskipTests package \
 && cp backend/server/target/tcplab.jar /tcplab.jar

# ---- run: a JRE, libpcap (pcap4j), iproute2 (`ip`, tap mode), curl (the health check) ----
FROM eclipse-temurin:17-jre-jammy
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpcap0.8 iproute2 curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin tcplab \
 && mkdir -p /data \
 && chown tcplab /data
WORKDIR /app
# Class-data sharing (a fast start): Spring Boot's jar extracted to plain jars (CDS cannot map the
# nested jars of the fat jar), then one training run that stops right after the application context
# refreshed (-Dspring.context.exit=onRefresh: no port, no labs) and dumps the classes it loaded.
# The archive belongs to this very JVM, which is why it is made here and not in the build stage.
COPY --from=build /tcplab.jar /tmp/tcplab.jar
RUN java -Djarmode=tools -jar /tmp/tcplab.jar extract --destination /app \
 && rm /tmp/tcplab.jar \
 && java -XX:ArchiveClassesAtExit=/app/tcplab.jsa -Xlog:cds=off -Xlog:cds+dynamic=off \
      -Dspring.context.exit=onRefresh -jar /app/tcplab.jar --tcplab.data-dir=/tmp/cds-training \
 && rm -rf /tmp/cds-training \
 && test -s /app/tcplab.jsa

# Labs, journals and tokens' hashes live here (tcplab.data-dir): mount a volume and back it up.
VOLUME /data
ENV TCPLAB_DATA_DIR=/data \
    SERVER_PORT=8080 \
    JAVA_OPTS="-XX:MaxRAMPercentage=75"
USER tcplab
EXPOSE 8080
# The port the server listens on: set it with -e SERVER_PORT=..., which this check reads too.
HEALTHCHECK --interval=30s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${SERVER_PORT}/actuator/health" || exit 1
STOPSIGNAL SIGTERM
# exec: java is PID 1 and gets SIGTERM itself. Arguments after the image name reach the server
# (e.g. --tcplab.max-labs=50); JAVA_OPTS holds JVM options (memory: see README, "Deploy").
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -XX:SharedArchiveFile=/app/tcplab.jsa -Xlog:cds=off -jar /app/tcplab.jar \"$@\"", "tcplab"]
