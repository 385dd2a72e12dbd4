# syntax=docker/dockerfile:1
# Build stage: Node 20 (Vite needs >= 18) with Debian bookworm's JDK 17. The build uses this
# machine's Node and npm; nothing downloads Node or a browser.
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
    ./mvnw -B -DskipTests package \
 && cp backend/server/target/tcplab.jar /tcplab.jar

# Run stage: a JRE, libpcap for pcap4j (pcap export), iproute2 for tap mode.
# Tap mode also needs: docker run --cap-add NET_ADMIN --device /dev/net/tun -e TCPLAB_TAP_ENABLED=true
FROM eclipse-temurin:17-jre-jammy
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpcap0.8 iproute2 curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 tcplab
COPY --from=build /tcplab.jar /app/tcplab.jar
USER tcplab
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s \
  CMD curl -fsS http://localhost:8080/actuator/health || exit 1
ENTRYPOINT ["java", "-jar", "/app/tcplab.jar"]
