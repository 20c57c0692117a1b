#!/usr/bin/env bash
# Lays the packaged server out for a fast start (run by `mvn package`, after the jar is built):
#   target/server/consent-fhir-server.jar   the application, its libraries beside it in lib/
#   target/server/server.jsa                a class-data-sharing archive of the classes a start loads
# The JVM then maps those classes from the archive instead of finding, reading and verifying each
# one in a jar inside the jar; started without the archive, the same jar works as before.
# Usage: fast-start-layout.sh <the packaged jar> <output directory>
set -euo pipefail
jar=$1 out=$2
app=$out/consent-fhir-server.jar
rm -rf "$out"
java -Djarmode=tools -jar "$jar" extract --destination "$out" --application-filename consent-fhir-server.jar >/dev/null

# One start on a throw-away embedded database records the classes it loads; Spring stops it once the
# context is refreshed (spring.context.exit=onRefresh), before any request.
training=$(mktemp -d)
trap 'rm -rf "$training"' EXIT
java -XX:DumpLoadedClassList="$out/classes.lst" -Dspring.context.exit=onRefresh -jar "$app" \
	--fhir.storage.data-dir="$training" --server.port=0 --logging.level.root=WARN >"$out/training.log" 2>&1 \
	|| { cat "$out/training.log"; echo "fast-start-layout: the training start failed" >&2; exit 1; }

# OpenJDK 17 crashes while archiving lambda proxy classes (in
# SystemDictionaryShared::adjust_lambda_proxy_class_dictionary): the archive goes without them.
grep -v '^@lambda-proxy' "$out/classes.lst" >"$out/classes-archived.lst"
java -Xshare:dump -XX:SharedClassListFile="$out/classes-archived.lst" -XX:SharedArchiveFile="$out/server.jsa" \
	-cp "$app" >"$out/archive.log" 2>&1 \
	|| { tail -20 "$out/archive.log"; echo "fast-start-layout: the class-data archive could not be written" >&2; exit 1; }
rm -f "$out/classes.lst" "$out/classes-archived.lst" "$out/training.log" "$out/archive.log"
