# Runtime image for the server. Build the jar first (`mvn -B -DskipTests package`), then
# `docker compose up --build`. The image copies the jar and lays it out for a fast start with its own
# JDK: no build tools inside.
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 fhir && mkdir -p /var/lib/fhir /opt/fhir && chown fhir /var/lib/fhir /opt/fhir
USER fhir
WORKDIR /opt/fhir
COPY target/consent-fhir-server-*.jar /opt/fhir/server.jar
COPY src/build/fast-start-layout.sh /opt/fhir/fast-start-layout.sh
# The fast-start layout (extracted jar and class-data archive) is written by the image's own JDK, in
# the place it runs from: an archive belongs to the JDK and the directory that made it.
RUN bash /opt/fhir/fast-start-layout.sh /opt/fhir/server.jar /opt/fhir/server && rm /opt/fhir/server.jar
ENV FHIR_STORAGE_DATA_DIR=/var/lib/fhir \
    MALLOC_ARENA_MAX=2 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=60 -XX:+UseSerialGC -XX:MetaspaceSize=96m"
EXPOSE 8080
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/opt/fhir/server/server.jsa", "-jar", "/opt/fhir/server/consent-fhir-server.jar"]
