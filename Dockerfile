# syntax=docker/dockerfile:1
# Build stage: JDK 17 + the machine's own Node (the build never downloads Node or a browser).
FROM eclipse-temurin:17-jdk-jammy AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY backend/ backend/
COPY frontend/ frontend/
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -DskipTests package \
 && cp backend/server/target/tcplab.jar /tcplab.jar

# Run stage: a JRE, libpcap for pcap4j, iproute2 for tap mode (needs --cap-add NET_ADMIN --device /dev/net/tun).
FROM eclipse-temurin:17-jre-jammy
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpcap0.8 iproute2 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 tcplab
COPY --from=build /tcplab.jar /app/tcplab.jar
USER tcplab
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD ["java", "-version"]
ENTRYPOINT ["java", "-jar", "/app/tcplab.jar"]
