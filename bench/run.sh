#!/usr/bin/env bash
# Benchmark of the consent FHIR server on a Synthea corpus: ingest, read/search mix, start-up, memory.
# Usage: bash bench/run.sh            (settings by environment variable; see bench/README.md)
# shellcheck disable=SC2086  # the *_JAVA_OPTS and SERVER_ARGS variables are word lists on purpose
# shellcheck disable=SC2034  # settings are read back by name (${!s}) when the results are written
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
WORK=$BENCH_DIR/work
RESULTS_DIR=$BENCH_DIR/results
# SERVER_JAR runs another build through the same benchmark
JAR=${SERVER_JAR:-$ROOT/target/consent-fhir-server-0.1.0-SNAPSHOT.jar}
# REFERENCE_JAR: the HAPI FHIR JPA starter (an executable war built outside this project, bench/README.md),
# run in the same invocation on the same corpus with the same JVM flags, rounds alternating with this server's
REFERENCE_JAR=${REFERENCE_JAR:-}
REFERENCE_ARGS=${REFERENCE_ARGS:-}

PATIENTS=${PATIENTS:-24}
SEED=${SEED:-42}
MIX_SECONDS=${MIX_SECONDS:-60}
WARMUP_SECONDS=${WARMUP_SECONDS:-10}
CONNECTIONS=${CONNECTIONS:-8}
POLICY=${POLICY:-both}
FAST_START=${FAST_START:-1}
DB=${DB:-postgres}
JAVA_OPTS=${JAVA_OPTS:--Xms256m -Xmx600m -XX:MaxMetaspaceSize=256m -XX:+UseSerialGC}
SERVER_ARGS=${SERVER_ARGS:-}
# builtin: every FHIR request carries a token from the server's own authorization server (a bench
# client with system/*.cruds, registered from bench/clients.json); none: no token (a reference server)
AUTH=${AUTH:-builtin}
# glibc gives each busy thread its own malloc arena; two arenas keep the server's native memory flat
SERVER_MALLOC_ARENA_MAX=${SERVER_MALLOC_ARENA_MAX:-2}
# README.md's Set up command starts the server with these (README_DEFAULTS_ROUND measures what it gives)
README_JAVA_OPTS=${README_JAVA_OPTS:--XX:+UseSerialGC -Xms256m -Xmx512m -XX:MaxMetaspaceSize=256m -XX:MetaspaceSize=96m}
README_MALLOC_ARENA_MAX=${README_MALLOC_ARENA_MAX:-2}
SKIP_BUNDLES_OVER_MB=${SKIP_BUNDLES_OVER_MB:-0}
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-300}
CORPUS_ONLY=${CORPUS_ONLY:-0}
KEEP_DATA=${KEEP_DATA:-0}
DOCTOR_USER=bench-doctor
DOCTOR_PASSWORD=Ward-Seven-Rounds-2026!
ADMIN_SECRET=Bench-Admin-Secret-2026
PORT=18080                      # never 8080: that one belongs to the developer's own server
BASE=http://127.0.0.1:$PORT/fhir
PG=(env PGOPTIONS=--client-min-messages=warning psql -h 127.0.0.1 -p 5432 -U postgres -v ON_ERROR_STOP=1 -qAt)
# Synthea's clock is pinned so the same PATIENTS/SEED always give the same corpus; the mix asks for
# vital signs from two years before that date.
SYNTHEA_VERSION=3.3.0
SYNTHEA_REFERENCE_DATE=20250101
MIX_SINCE=2023-01-01
SYNTHEA_JAVA_OPTS=${SYNTHEA_JAVA_OPTS:--Xmx2g}
CLIENT_JAVA_OPTS=${CLIENT_JAVA_OPTS:--Xmx1g -XX:+UseSerialGC}   # the client shares the 2 cores: keep it light

die() { echo "bench: ERROR: $*" >&2; exit 1; }
log() { echo "bench: $(date -u +%H:%M:%S) $*"; }
is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }

case $POLICY in on|off|both) ;; *) die "POLICY must be on, off or both (got '$POLICY')";; esac
case $DB in postgres|h2) ;; *) die "DB must be postgres or h2 (got '$DB')";; esac
case $AUTH in builtin|none) ;; *) die "AUTH must be builtin or none (got '$AUTH')";; esac
for v in PATIENTS SEED MIX_SECONDS WARMUP_SECONDS CONNECTIONS SKIP_BUNDLES_OVER_MB STARTUP_TIMEOUT; do
	is_uint "${!v}" || die "$v must be a whole number (got '${!v}')"
done
[ -f "$JAR" ] || die "server jar not found: $JAR -- build it first with: mvn -DskipTests package"
[ -z "$REFERENCE_JAR" ] || [ -f "$REFERENCE_JAR" ] || die "reference jar not found: $REFERENCE_JAR (bench/README.md, 'The reference')"
command -v java >/dev/null || die "java not found"
command -v curl >/dev/null || die "curl not found (apt-get install curl)"

# ------------------------------------------------------------------ corpus (cached per PATIENTS/SEED)
CORPUS=$WORK/corpus/synthea-$SYNTHEA_VERSION-p$PATIENTS-s$SEED
generate_corpus() {
	local lib=$WORK/synthea-lib
	if [ ! -f "$lib/.complete" ]; then
		command -v mvn >/dev/null || die "mvn not found: needed once to fetch Synthea from Maven Central"
		log "resolving Synthea $SYNTHEA_VERSION and its dependencies into $lib"
		rm -rf "$lib"
		timeout 1800 mvn -q -B -f "$BENCH_DIR/synthea/pom.xml" dependency:copy-dependencies \
			-DoutputDirectory="$lib" -DincludeScope=runtime
		touch "$lib/.complete"
	fi
	log "generating $PATIENTS patients with Synthea (seed $SEED) into $CORPUS"
	rm -rf "$CORPUS.tmp" && mkdir -p "$CORPUS.tmp"
	# Synthea runs in its own JVM, offline. -p counts living patients; Synthea adds the ones who died on
	# the way, so the corpus has more Patient resources than PATIENTS.
	(cd "$CORPUS.tmp" && timeout 3600 java $SYNTHEA_JAVA_OPTS -cp "$lib/*" App \
		-s "$SEED" -cs "$SEED" -r "$SYNTHEA_REFERENCE_DATE" -p "$PATIENTS" \
		--exporter.baseDirectory="$CORPUS.tmp/output" \
		--exporter.fhir.export=true --exporter.fhir.transaction_bundle=true \
		--exporter.hospital.fhir.export=true --exporter.practitioner.fhir.export=true \
		--exporter.pretty_print=false --exporter.metadata.export=false \
		--generate.thread_pool_size=1 Massachusetts > synthea.log 2>&1) \
		|| { tail -30 "$CORPUS.tmp/synthea.log"; die "Synthea failed (log: $CORPUS.tmp/synthea.log)"; }
	mv "$CORPUS.tmp/output/fhir" "$CORPUS.tmp/fhir" && rm -rf "$CORPUS.tmp/output"
	rm -rf "$CORPUS" && mv "$CORPUS.tmp" "$CORPUS" && touch "$CORPUS/.complete"
}
if [ -f "$CORPUS/.complete" ]; then log "using cached corpus $CORPUS"; else generate_corpus; fi

client() { java $CLIENT_JAVA_OPTS "$BENCH_DIR/LoadClient.java" "$@"; }
# field FILE PREFIX KEY: the value of KEY=... on the line "RESULT PREFIX..." of FILE
field() { grep -m1 "^RESULT $2" "$1" | tr ' ' '\n' | sed -n "s/^$3=//p"; }

RUN_ID=$(date -u +%Y-%m-%d)-$(hostname)${RESULTS_SUFFIX:+-$RESULTS_SUFFIX}
RUN_DIR=$WORK/runs/$RUN_ID-$(date -u +%H%M%S)
mkdir -p "$RUN_DIR"
SKIP_BYTES=$((SKIP_BUNDLES_OVER_MB * 1024 * 1024))
client corpus "$CORPUS/fhir" "$SKIP_BYTES" | tee "$RUN_DIR/corpus.txt"
C_BUNDLES=$(field "$RUN_DIR/corpus.txt" corpus bundles)
C_ENTRIES=$(field "$RUN_DIR/corpus.txt" corpus entries)
C_PATIENTS=$(field "$RUN_DIR/corpus.txt" corpus patients)
C_BYTES=$(field "$RUN_DIR/corpus.txt" corpus bytes)
C_LARGEST=$(field "$RUN_DIR/corpus.txt" corpus largest_bundle_bytes)
C_SKIPPED=$(field "$RUN_DIR/corpus.txt" corpus skipped_bundles)
log "corpus: $C_BUNDLES bundles, $C_ENTRIES resources, $C_PATIENTS patients, $((C_BYTES / 1048576)) MiB (largest bundle $((C_LARGEST / 1048576)) MiB, $C_SKIPPED skipped)"
if [ "$CORPUS_ONLY" = 1 ]; then log "CORPUS_ONLY=1: done"; exit 0; fi

# ------------------------------------------------------------------ server and database lifecycle
if curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$PORT/"; then die "something already listens on 127.0.0.1:$PORT"; fi
if [ "$DB" = postgres ]; then
	command -v psql >/dev/null || die "psql not found (apt-get install postgresql-client)"
	"${PG[@]}" -c 'select 1' >/dev/null || die "PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth) is not reachable"
	PG_VERSION=$("${PG[@]}" -c 'show server_version')
else
	PG_VERSION="n/a (DB=h2)"
fi
# Run a copy of the jar: a rebuild of target/ during the run would otherwise pull classes from under the server.
cp "$JAR" "$WORK/server.jar"
JAR_SHA=$(sha256sum "$WORK/server.jar" | cut -c1-16)
# This server runs as the README starts it: the fast-start layout (the jar extracted and a class-data
# archive), written here for the copy, as an archive belongs to the directory that made it.
SERVER_START=(-jar "$WORK/server.jar")
if [ "$FAST_START" = 1 ]; then
	log "writing the fast-start layout of the copy (src/build/fast-start-layout.sh)"
	bash "$ROOT/src/build/fast-start-layout.sh" "$WORK/server.jar" "$WORK/server" || die "the fast-start layout could not be written"
	SERVER_START=(-XX:SharedArchiveFile="$WORK/server/server.jsa" -jar "$WORK/server/consent-fhir-server.jar")
fi
REFERENCE_SHA=none
if [ -n "$REFERENCE_JAR" ]; then
	cp "$REFERENCE_JAR" "$WORK/reference.jar"
	REFERENCE_SHA=$(sha256sum "$WORK/reference.jar" | cut -c1-16)
fi
GIT_REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$ROOT" status --porcelain -- src interceptors pom.xml 2>/dev/null)" ]; then GIT_REV="$GIT_REV (uncommitted changes)"; fi

# The reference's database settings: the starter defaults to an in-memory H2 with H2's dialect.
if [ "$DB" = postgres ]; then
	REFERENCE_DB_ARGS=(--spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/@DB@ --spring.datasource.username=postgres
		--spring.datasource.password= --spring.datasource.driver-class-name=org.postgresql.Driver
		--spring.jpa.properties.hibernate.dialect=ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect)
else
	REFERENCE_DB_ARGS=("--spring.datasource.url=jdbc:h2:file:$WORK/data/@DB@/h2" --spring.datasource.username=sa
		--spring.datasource.password= --spring.datasource.driver-class-name=org.h2.Driver)
fi
SERVER_PID=""
SERVER_SIDE=""
DATABASES=()
stop_server() {
	[ -n "$SERVER_PID" ] || return 0
	kill -TERM "$SERVER_PID" 2>/dev/null || true
	# The server shuts down gracefully (up to 30 s per phase); after 60 s it is killed.
	for _ in $(seq 1 300); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
	kill -KILL "$SERVER_PID" 2>/dev/null || true
	wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=""
}
cleanup() {
	stop_server
	if [ "$KEEP_DATA" != 1 ]; then
		for db in "${DATABASES[@]}"; do
			if [ "$DB" = postgres ]; then "${PG[@]}" -c "drop database if exists $db with (force)" 2>/dev/null || true; fi
			rm -rf "${WORK:?}/data/$db"
		done
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# fresh_db NAME: an empty database (PostgreSQL or H2) and an empty data directory (Lucene index, H2 file)
fresh_db() {
	DATABASES+=("$1")
	[ "$DB" = postgres ] && "${PG[@]}" -c "drop database if exists $1 with (force)" -c "create database $1"
	rm -rf "${WORK:?}/data/$1" && mkdir -p "$WORK/data/$1"
}

# start_server LABEL DBNAME POLICY: starts the jar and waits for readiness; sets STARTUP_S and STARTED_S.
# POLICY on or off runs this server; ref runs the reference (no token, its own settings for the database).
start_server() {
	local label=$1 db=$2 policy=$3 server_log=$RUN_DIR/server-$1.log
	local enabled=true; [ "$policy" = off ] && enabled=false
	# AS_README=1: the JVM flags and malloc setting of the README's own command (README_JAVA_OPTS)
	local jvm=$JAVA_OPTS arena=(MALLOC_ARENA_MAX="$SERVER_MALLOC_ARENA_MAX")
	[ "${AS_README:-0}" = 1 ] && { jvm=$README_JAVA_OPTS; arena=(MALLOC_ARENA_MAX="$README_MALLOC_ARENA_MAX"); }
	# PROFILE=1: a JFR recording of every server start (both servers alike), written when it stops
	[ "${PROFILE:-0}" = 1 ] && jvm="$jvm -XX:StartFlightRecording=filename=$RUN_DIR/$label.jfr,settings=profile,dumponexit=true"
	local -a env_args=("${arena[@]}" -u SPRING_DATASOURCE_URL -u SPRING_DATASOURCE_USERNAME -u SPRING_DATASOURCE_PASSWORD)
	if [ "$DB" = postgres ]; then
		env_args=("${arena[@]}" SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:5432/$db"
			SPRING_DATASOURCE_USERNAME=postgres SPRING_DATASOURCE_PASSWORD=)
	fi
	log "starting server [$label] on $DB database $db, policy $policy"
	local t0; t0=$(date +%s%N)
	local -a auth_args=()
	if [ "$AUTH" = builtin ]; then
		# The rate limiter runs but never throttles the load client: its cost is measured, not its refusals.
		auth_args=(--fhir.auth.builtin-server.clients-file="file:$BENCH_DIR/clients.json"
			--fhir.auth.password-grant-enabled=true --fhir.consent.grant-treatment-on-registration=true
			--fhir.auth.builtin-server.admin-client-id=bench-admin --fhir.auth.builtin-server.admin-client-secret="$ADMIN_SECRET"
			--fhir.auth.builtin-server.access-token-ttl=6h
			--fhir.auth.rate-limit.per-address-per-minute=100000000 --fhir.auth.rate-limit.per-client-per-minute=100000000)
	fi
	if [ "$policy" = ref ]; then
		env "${env_args[@]}" java $jvm -jar "$WORK/reference.jar" --server.port=$PORT \
			"${REFERENCE_DB_ARGS[@]/@DB@/$db}" --hapi.fhir.server_address="$BASE" $REFERENCE_ARGS \
			> "$server_log" 2>&1 &
	else
		env "${env_args[@]}" java $jvm "${SERVER_START[@]}" --server.port=$PORT \
			--fhir.storage.data-dir="$WORK/data/$db" --fhir.server.policy-enabled=$enabled "${auth_args[@]}" $SERVER_ARGS \
			> "$server_log" 2>&1 &
	fi
	SERVER_PID=$!
	local deadline=$((t0 + STARTUP_TIMEOUT * 1000000000))
	until curl -s --max-time 2 "http://127.0.0.1:$PORT/actuator/health/readiness" 2>/dev/null | grep -q '"UP"'; do
		if ! kill -0 "$SERVER_PID" 2>/dev/null; then
			grep -E 'Caused by' "$server_log" | tail -3 | cut -c1-400 >&2 || true
			tail -25 "$server_log" | cut -c1-400 >&2
			SERVER_PID=""; die "server [$label] exited during start-up (log: $server_log)"
		fi
		[ "$(date +%s%N)" -lt "$deadline" ] || { tail -20 "$server_log" >&2; die "server [$label] not ready within ${STARTUP_TIMEOUT}s (log: $server_log)"; }
		sleep 0.2
	done
	STARTUP_S=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
	# The log line can reach the file a moment after readiness answers UP: give it up to 5 s.
	for _ in $(seq 1 25); do
		STARTED_S=$(sed -n 's/.*Started [A-Za-z]* in \([0-9.]*\) seconds.*/\1/p' "$server_log" | head -1)
		[ -z "$STARTED_S" ] || break
		sleep 0.2
	done
	log "server [$label] ready after ${STARTUP_S}s (Spring: ${STARTED_S:-?}s), pid $SERVER_PID"
	SERVER_SIDE=$policy
	fetch_token "$label"
}
fetch_token() {
	local label=$1
	export FHIR_BEARER_TOKEN=""
	if [ "$AUTH" = builtin ] && [ "$SERVER_SIDE" != ref ]; then
		# Each data directory has its own signing key: a token per server start.
		# The loader (an integration client) stores the corpus; the read mix runs as a doctor of the
		# benchmark clinic, so that every read is decided by the patients' Consents.
		local -a grant=(-d grant_type=client_credentials -d scope='system/*.cruds')
		[ "${TOKEN_AS:-loader}" = doctor ] && grant=(-d grant_type=password -d username="$DOCTOR_USER" -d password="$DOCTOR_PASSWORD" -d scope='user/*.cruds')
		FHIR_BEARER_TOKEN=$(curl -s -u bench-loader:Bench-Loader-Secret-1 "${grant[@]}" \
			"http://127.0.0.1:$PORT/oauth2/token" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
		[ -n "$FHIR_BEARER_TOKEN" ] || die "no access token from the server [$label]'s token endpoint (as ${TOKEN_AS:-loader})"
	fi
}
rss_mib() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }
# CPU ticks (user + system) of the server, of every PostgreSQL process, and the machine's busy and
# total ticks: around a mix round they say where its CPU went (the load client has the rest)
proc_ticks() { local p t=0; for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$((t + $(sed 's/.*) //' "/proc/$p/stat" | awk '{ print $12 + $13 }'))); done; echo "$t"; }
cpu_snapshot() {
	local busy total
	read -r busy total < <(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat)
	echo "$(proc_ticks "$SERVER_PID") $(proc_ticks $(pgrep -x postgres || true)) $busy $total"
}

# ------------------------------------------------------------------ metrics
METRIC_NAMES=(); METRIC_VALUES=(); METRIC_NOTES=(); FLAGS=()
metric() { METRIC_NAMES+=("$1"); METRIC_VALUES+=("$2"); METRIC_NOTES+=("${3:-}"); }
metric_value() { local i; for i in "${!METRIC_NAMES[@]}"; do [ "${METRIC_NAMES[$i]}" = "$1" ] && echo "${METRIC_VALUES[$i]}"; done; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }

LOAD_POLICY=on; [ "$POLICY" = off ] && LOAD_POLICY=off
# ingest THREADS DBNAME: a fresh database, a fresh server, every bundle POSTed
ingest() {
	local threads=$1 db=$2 suffix=${3:+_$3} out=$RUN_DIR/ingest-$1${3:+-$3}.txt
	fresh_db "$db"
	start_server "ingest-$threads${suffix}" "$db" "$LOAD_POLICY"
	metric "startup_empty_db_s.ingest_${threads}t${suffix}" "$STARTUP_S" "launch to readiness UP, empty database"
	metric "startup_empty_db_spring_s.ingest_${threads}t${suffix}" "${STARTED_S:-n/a}" "'Started … in N seconds' (Spring's figure)"
	if [ "$AUTH" = builtin ] && [ "$LOAD_POLICY" != ref ]; then
		prepare_clinic
		TOKEN_AS=doctor fetch_token "ingest-$threads${suffix}"
	fi
	log "ingest with $threads client thread(s)"
	local loaded=1
	client ingest "$CORPUS/fhir" "$threads" "$BASE" "$SKIP_BYTES" | tee "$out" || loaded=0
	if [ "$loaded" = 0 ] && [ "${AS_README:-0}" = 1 ]; then
		# the README's settings failing to load the corpus is a finding of the run, not the end of it
		FLAGS+=("the ingest with the README's settings failed (see $out and $RUN_DIR/server-ingest-$threads${suffix}.log)")
		stop_server
		return 0
	fi
	if [ "$loaded" = 0 ]; then
		if grep -q 'HTTP 413' "$out"; then
			echo "bench: a bundle is larger than the server's fhir.server.max-request-size. Either raise it and the heap," >&2
			echo "bench: e.g. SERVER_ARGS=--fhir.server.max-request-size=128MB JAVA_OPTS='-Xms256m -Xmx3g -XX:MaxMetaspaceSize=256m -XX:+UseParallelGC'," >&2
			echo "bench: or leave big bundles out with SKIP_BUNDLES_OVER_MB=10 (bench/README.md, 'Large bundles')" >&2
		fi
		die "ingest with $threads thread(s) failed: a bundle got a non-2xx answer (details above, server log: $RUN_DIR/server-ingest-$threads${suffix}.log)"
	fi
	metric "ingest_${threads}t${suffix}.resources_per_s" "$(field "$out" ingest resources_per_s)" "entries of all posted bundles / wall time"
	metric "ingest_${threads}t${suffix}.bundles_per_s" "$(field "$out" ingest bundles_per_s)"
	metric "ingest_${threads}t${suffix}.seconds" "$(field "$out" ingest seconds)"
	metric "rss_after_load_mib.ingest_${threads}t${suffix}" "$(rss_mib)" "VmRSS right after the ingest"
	stop_server
}

# The benchmark's clinician: a clinic and a doctor working there (bench/LoadClient.java clinic), and
# the doctor's user at the authorization server. The doctor loads the corpus; the site's registration
# rule gives each new patient a treatment Consent for the clinic; the read mix runs as the doctor.
prepare_clinic() {
	log "preparing the benchmark clinic: Organization, Practitioner, PractitionerRole, the doctor's user"
	client clinic "$BASE" "$RUN_DIR/clinic.txt" || die "could not prepare the benchmark clinic"
	local practitioner admin_token
	practitioner=$(sed -n 's/^practitioner=//p' "$RUN_DIR/clinic.txt")
	[ -n "$practitioner" ] || die "the benchmark clinic has no practitioner (see $RUN_DIR/clinic.txt)"
	log "benchmark clinic: $(tr '\n' ' ' < "$RUN_DIR/clinic.txt")"
	admin_token=$(curl -s -u bench-admin:"$ADMIN_SECRET" -d grant_type=client_credentials -d scope=users.manage \
		"http://127.0.0.1:$PORT/oauth2/token" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
	[ -n "$admin_token" ] || die "no admin token from the server's token endpoint"
	curl -s -f -o /dev/null -H "Authorization: Bearer $admin_token" -H 'Content-Type: application/json' \
		-d "{\"username\":\"$DOCTOR_USER\",\"password\":\"$DOCTOR_PASSWORD\",\"role\":\"doctor\",\"fhirUser\":\"$practitioner\"}" \
		"http://127.0.0.1:$PORT/admin/users" || die "could not create the benchmark doctor's user"
}

MIX_KIND_LINES=()
# mix POLICY [ROUND]: restart on the loaded database, then the read/search mix. With POLICY=both the
# rounds run on, off, off, on, so that drift over the run (caches, the search-result tables growing)
# falls on both sides alike; each side's figure is the mean of its two rounds.
mix() {
	local policy=$1 round=${2:-1} label=$1${2:+.r$2} out=$RUN_DIR/mix-$1${2:+-r$2}.txt
	if [ "${AS_README:-0}" = 1 ]; then label=$1.readme_defaults; out=$RUN_DIR/mix-$1-readme-defaults.txt; fi
	local db=fhir_bench_ingest2; [ "$policy" = ref ] && db=fhir_bench_ref_ingest2
	TOKEN_AS=doctor; [ "$AUTH" = builtin ] || TOKEN_AS=loader
	start_server "mix-policy-$label" "$db" "$policy"
	TOKEN_AS=loader
	metric "startup_loaded_db_s.policy_$label" "$STARTUP_S" "launch to readiness UP, corpus loaded"
	metric "startup_loaded_db_spring_s.policy_$label" "${STARTED_S:-n/a}"
	metric "rss_after_restart_mib.policy_$label" "$(rss_mib)"
	log "read/search mix, policy $label: $CONNECTIONS connections, ${WARMUP_SECONDS}s warm-up + ${MIX_SECONDS}s"
	local cpu_before cpu_after; cpu_before=$(cpu_snapshot)
	client mix "$BASE" "$CONNECTIONS" "$MIX_SECONDS" "$WARMUP_SECONDS" "$MIX_SINCE" | tee "$out" \
		|| die "the mix could not run (see above; server log: $RUN_DIR/server-mix-policy-$label.log)"
	cpu_after=$(cpu_snapshot)
	# the machine's two cores over the round (warm-up and measured phase): the server's share, the database's, idle
	local shares; shares=$(awk -v a="$cpu_before" -v b="$cpu_after" 'BEGIN { split(a, x, " "); split(b, y, " "); t = y[4] - x[4];
		if (t <= 0) { print "n/a n/a n/a"; exit } printf "%.2f %.2f %.2f", (y[1] - x[1]) / t, (y[2] - x[2]) / t, 1 - (y[3] - x[3]) / t }')
	metric "mix_cpu_share_server.policy_$label" "$(cut -d' ' -f1 <<< "$shares")" "share of the machine's CPU over the round (warm-up included)"
	metric "mix_cpu_share_database.policy_$label" "$(cut -d' ' -f2 <<< "$shares")" "every PostgreSQL process"
	metric "mix_cpu_share_idle.policy_$label" "$(cut -d' ' -f3 <<< "$shares")" "the load client has most of the rest"
	metric "mix_rps.policy_$label" "$(field "$out" mix rps)" "requests/s, $CONNECTIONS connections"
	metric "mix_p50_ms.policy_$label" "$(field "$out" mix p50_ms)"
	metric "mix_p99_ms.policy_$label" "$(field "$out" mix p99_ms)"
	local errors; errors=$(field "$out" mix errors)
	metric "mix_errors.policy_$label" "$errors" "non-2xx or failed requests; must be 0"
	[ "$errors" = 0 ] || FLAGS+=("mix with policy $label had $errors failed requests (see $out)")
	metric "rss_after_mix_mib.policy_$label" "$(rss_mib)"
	while read -r line; do MIX_KIND_LINES+=("$label ${line#RESULT }"); done < <(grep '^RESULT kind=' "$out")
	stop_server
}
mean() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (a + b) / 2 }'; }

# ------------------------------------------------------------------ the run
drop_db() {
	[ "$KEEP_DATA" = 1 ] && return 0
	if [ "$DB" = postgres ]; then "${PG[@]}" -c "drop database if exists $1 with (force)"; fi
	rm -rf "${WORK:?}/data/$1"
}
# to_reference METRIC: this server's METRIC over the reference's, as METRIC.ratio_to_reference
to_reference() {
	metric "$1.ratio_to_reference" "$(ratio "$(metric_value "$1")" "$(metric_value "$2")")" "this server / the reference, same run"
}
STARTED_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
if [ -n "$REFERENCE_JAR" ]; then
	LOAD_POLICY=ref ingest 1 fhir_bench_ref_ingest1 reference
	drop_db fhir_bench_ref_ingest1
fi
ingest 1 fhir_bench_ingest1
drop_db fhir_bench_ingest1   # only the 2-thread database is used further: free the disk now
if [ -n "$REFERENCE_JAR" ]; then LOAD_POLICY=ref ingest 2 fhir_bench_ref_ingest2 reference; fi
ingest 2 fhir_bench_ingest2
if [ "$POLICY" = both ]; then   # the same load with the policy off, for the on/off ratio
	LOAD_POLICY=off ingest 1 fhir_bench_ingest_off "policy_off"
	drop_db fhir_bench_ingest_off
	metric "ingest_1t.ratio_on_off" "$(ratio "$(metric_value ingest_1t.resources_per_s)" "$(metric_value ingest_1t_policy_off.resources_per_s)")" "policy on / policy off"
fi
if [ "${README_DEFAULTS_ROUND:-1}" = 1 ] && [ "$POLICY" != off ]; then   # as the README starts it: memory after loading
	AS_README=1 ingest 1 fhir_bench_readme "readme_defaults"
	drop_db fhir_bench_readme
fi
if [ -n "$REFERENCE_JAR" ]; then
	to_reference ingest_1t.resources_per_s ingest_1t_reference.resources_per_s
	to_reference ingest_2t.resources_per_s ingest_2t_reference.resources_per_s
	[ "$POLICY" = both ] && to_reference ingest_1t_policy_off.resources_per_s ingest_1t_reference.resources_per_s
	to_reference rss_after_load_mib.ingest_2t rss_after_load_mib.ingest_2t_reference
fi
if [ "$DB" = postgres ]; then
	# The mix starts from settled statistics, not from whatever autovacuum has reached after the ingest.
	for db in fhir_bench_ingest2 ${REFERENCE_JAR:+fhir_bench_ref_ingest2}; do
		log "VACUUM ANALYZE $db"
		"${PG[@]}" -d "$db" -c 'VACUUM ANALYZE'
	done
fi
# Mix rounds: each side twice, in an order that is the same read forwards and backwards (ref, on, off,
# off, on, ref), so that drift over the run (caches, the search-result tables growing) falls on every
# side alike; each side's figure is the mean of its two rounds.
SIDES=()
case $POLICY in both) SIDES=(on off);; *) SIDES=("$POLICY");; esac
[ -n "$REFERENCE_JAR" ] && SIDES=(ref "${SIDES[@]}")
for side in "${SIDES[@]}"; do mix "$side" 1; done
for ((i = ${#SIDES[@]} - 1; i >= 0; i--)); do mix "${SIDES[$i]}" 2; done
for m in mix_rps mix_p50_ms mix_p99_ms startup_loaded_db_s rss_after_mix_mib; do
	for p in "${SIDES[@]}"; do
		metric "$m.policy_$p" "$(mean "$(metric_value "$m.policy_$p.r1")" "$(metric_value "$m.policy_$p.r2")")" "mean of rounds 1 and 2"
	done
done
for p in "${SIDES[@]}"; do
	metric "mix_rps.policy_$p.round2_over_round1" "$(ratio "$(metric_value "mix_rps.policy_$p.r2")" "$(metric_value "mix_rps.policy_$p.r1")")" "below 1: the mix slows down over the run"
done
if [ "$POLICY" = both ]; then
	for m in mix_rps mix_p50_ms mix_p99_ms; do
		metric "$m.ratio_off_on" "$(ratio "$(metric_value "$m.policy_off")" "$(metric_value "$m.policy_on")")" "policy off / policy on"
	done
fi
# What a user gets from the README's command (no JVM flags): start-up, memory and one mix round.
if [ "${README_DEFAULTS_ROUND:-1}" = 1 ] && [ "$POLICY" != off ]; then AS_README=1 mix on; fi
if [ -n "$REFERENCE_JAR" ]; then
	for p in "${SIDES[@]}"; do
		[ "$p" = ref ] && continue
		for m in mix_rps mix_p99_ms startup_loaded_db_s; do to_reference "$m.policy_$p" "$m.policy_ref"; done
	done
fi

# ------------------------------------------------------------------ results (Markdown + JSON)
mkdir -p "$RESULTS_DIR"
MD=$RESULTS_DIR/$RUN_ID.md
JSON=$RESULTS_DIR/$RUN_ID.json
CPU_MODEL=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
MEM_TOTAL=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
JAVA_VERSION=$(java -version 2>&1 | tr '\n' ' ' | sed 's/ *$//')
SETTINGS=(PATIENTS SEED DB POLICY AUTH FAST_START REFERENCE_JAR REFERENCE_SHA REFERENCE_ARGS MIX_SECONDS WARMUP_SECONDS CONNECTIONS JAVA_OPTS SERVER_MALLOC_ARENA_MAX README_JAVA_OPTS README_MALLOC_ARENA_MAX SERVER_ARGS SKIP_BUNDLES_OVER_MB
	LOAD_POLICY SYNTHEA_VERSION SYNTHEA_REFERENCE_DATE MIX_SINCE CLIENT_JAVA_OPTS GIT_REV JAR_SHA STARTED_AT)
MACHINE=("nproc=$(nproc)" "memory=$MEM_TOTAL" "cpu=$CPU_MODEL" "java=$JAVA_VERSION" "postgresql=$PG_VERSION")
CORPUS_FACTS=("resources=$C_ENTRIES" "bundles=$C_BUNDLES" "patients=$C_PATIENTS" "bytes=$C_BYTES" "largest_bundle_bytes=$C_LARGEST" "skipped_bundles=$C_SKIPPED")
{
	echo "# FHIR server benchmark $RUN_ID"
	echo
	if [ ${#FLAGS[@]} -gt 0 ]; then for f in "${FLAGS[@]}"; do echo "**FLAGGED:** $f  "; done; echo; fi
	echo "| metric | value | note |"
	echo "| --- | --- | --- |"
	for i in "${!METRIC_NAMES[@]}"; do echo "| ${METRIC_NAMES[$i]} | ${METRIC_VALUES[$i]} | ${METRIC_NOTES[$i]} |"; done
	echo
	echo "Per request kind (measured phase):"
	echo
	echo "| policy | kind | requests | req/s | p50 ms | p99 ms | errors |"
	echo "| --- | --- | --- | --- | --- | --- | --- |"
	for l in "${MIX_KIND_LINES[@]}"; do
		read -r p kv <<<"$l"
		echo "| $p | $(tr ' ' '\n' <<<"$kv" | cut -d= -f2 | paste -sd'|' | sed 's/|/ | /g') |"
	done
	echo
	echo "| machine | |"; echo "| --- | --- |"; for m in "${MACHINE[@]}"; do echo "| ${m%%=*} | ${m#*=} |"; done
	echo
	echo "| corpus (Synthea) | |"; echo "| --- | --- |"; for c in "${CORPUS_FACTS[@]}"; do echo "| ${c%%=*} | ${c#*=} |"; done
	echo
	echo "| setting | value |"; echo "| --- | --- |"; for s in "${SETTINGS[@]}"; do echo "| $s | \`${!s}\` |"; done
} > "$MD"

json_str() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "${s//$'\t'/ }"; }
json_val() { if [[ $1 =~ ^-?[0-9]+(\.[0-9]+)?$ ]]; then printf '%s' "$1"; elif [ "$1" = NaN ] || [ "$1" = n/a ]; then printf null; else json_str "$1"; fi; }
json_obj() { # json_obj key=value...
	local first=1 kv; printf '{'
	for kv in "$@"; do [ $first = 1 ] || printf ', '; first=0; json_str "${kv%%=*}"; printf ': '; json_val "${kv#*=}"; done
	printf '}'
}
{
	printf '{\n  "run": %s,\n  "flagged": %s,\n  "flags": [' "$(json_str "$RUN_ID")" "$([ ${#FLAGS[@]} -gt 0 ] && echo true || echo false)"
	first=1; for f in "${FLAGS[@]}"; do [ $first = 1 ] || printf ', '; first=0; json_str "$f"; done; printf '],\n'
	kvs=(); for i in "${!METRIC_NAMES[@]}"; do kvs+=("${METRIC_NAMES[$i]}=${METRIC_VALUES[$i]}"); done
	printf '  "metrics": %s,\n' "$(json_obj "${kvs[@]}")"
	printf '  "mix_by_kind": ['
	first=1; for l in "${MIX_KIND_LINES[@]}"; do
		read -r p kv <<<"$l"; [ $first = 1 ] || printf ', '; first=0
		# shellcheck disable=SC2086 # kv is a list of key=value words
		json_obj "policy=$p" $kv
	done; printf '],\n'
	printf '  "machine": %s,\n' "$(json_obj "${MACHINE[@]}")"
	printf '  "corpus": %s,\n' "$(json_obj "${CORPUS_FACTS[@]}")"
	printf '  "settings": {'   # strings, even when they look like numbers (a git revision, a seed)
	first=1; for s in "${SETTINGS[@]}"; do [ $first = 1 ] || printf ', '; first=0; json_str "$s"; printf ': '; json_str "${!s}"; done
	printf '}\n}\n'
} > "$JSON"

echo; cat "$MD"; echo
log "results: $MD and $JSON (logs: $RUN_DIR)"
if [ ${#FLAGS[@]} -gt 0 ]; then log "FLAGGED: ${FLAGS[*]}"; exit 3; fi
