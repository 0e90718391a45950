# One image recipe for the four services: docker build --build-arg SERVICE=backup-worker .
# Stage 1 builds the service's executable jar with the Maven wrapper; stage 2 runs it on a JRE.
FROM eclipse-temurin:17.0.17_10-jdk AS build
ARG SERVICE
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
COPY schemas schemas
COPY local-stack local-stack
COPY worker-core worker-core
COPY scheduler-service scheduler-service
COPY backup-worker backup-worker
COPY rotation-worker rotation-worker
COPY replication-worker replication-worker
COPY launcher launcher
RUN ./mvnw -B -q -DskipTests -pl ${SERVICE} -am package && cp ${SERVICE}/target/${SERVICE}-*-exec.jar /app.jar

FROM eclipse-temurin:17.0.17_10-jre
ARG EXTRA_PACKAGES=""
# curl for health checks; the backup worker adds postgresql-client for pg_dump
RUN apt-get update && apt-get install -y --no-install-recommends curl ${EXTRA_PACKAGES} && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 offsite && mkdir -p /data /tmp/offsite && chown offsite /data /tmp/offsite
USER offsite
COPY --from=build /app.jar /app.jar
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
ENTRYPOINT ["java", "-jar", "/app.jar"]
