# Runtime image for the server. Build the jar first (`mvn -B -DskipTests package`), then
# `docker compose up --build`. The image only copies the jar: no build tools inside.
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 fhir && mkdir -p /var/lib/fhir && chown fhir /var/lib/fhir
USER fhir
WORKDIR /opt/fhir
COPY target/consent-fhir-server-*.jar /opt/fhir/server.jar
ENV FHIR_STORAGE_DATA_DIR=/var/lib/fhir \
    MALLOC_ARENA_MAX=2 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=60 -XX:+UseSerialGC"
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/opt/fhir/server.jar"]
