#!/usr/bin/env bash
# The "offline sync" benchmark: DEVICES devices, each with its own OAuth client and patient, upload
# a backlog of READINGS vital-sign readings at once and then replay it (the replay must store
# nothing). Rounds alternate alerting on, off, off, on, each on a fresh database, so the cost of
# alerting is a ratio measured in one run on one machine.
# Usage: bash bench/sync.sh   (after mvn -B -DskipTests package; settings by environment variable)
# shellcheck disable=SC2086  # JAVA_OPTS is a word list on purpose
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
JAR=${SERVER_JAR:-$ROOT/target/consent-fhir-server-0.1.0-SNAPSHOT.jar}
DEVICES=${DEVICES:-4}
READINGS=${READINGS:-500}
SEED=${SEED:-42}
DB=${DB:-postgres}
JAVA_OPTS=${JAVA_OPTS:--Xms256m -Xmx600m -XX:MaxMetaspaceSize=256m -XX:+UseSerialGC}
PORT=18081
BASE=http://127.0.0.1:$PORT/fhir
WORK=$BENCH_DIR/work/sync
PG=(env PGOPTIONS=--client-min-messages=warning psql -h 127.0.0.1 -p 5432 -U postgres -v ON_ERROR_STOP=1 -qAt)
RUN_ID=${RUN_ID:-$(date -u +%Y-%m-%d)-sync${RESULTS_SUFFIX:+-$RESULTS_SUFFIX}}

die() { echo "sync-bench: ERROR: $*" >&2; exit 1; }
log() { echo "sync-bench: $(date -u +%H:%M:%S) $*"; }
[ -f "$JAR" ] || die "no $JAR: run mvn -B -DskipTests package first"
if [ "$DB" = postgres ]; then "${PG[@]}" -c 'select 1' >/dev/null || die "PostgreSQL is not reachable on 127.0.0.1:5432"; fi
mkdir -p "$WORK"
SERVER_PID=""
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null || true' EXIT

token() { # token CLIENT:SECRET SCOPE
	curl -s -u "$1" -d grant_type=client_credentials -d scope="$2" "http://127.0.0.1:$PORT/oauth2/token" \
		| sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p'
}

# round LABEL ALERTING: a fresh database, the server, one SyncClient run; appends its RESULT line to $WORK/results
round() {
	local label=$1 alerting=$2 db=fhir_bench_sync
	rm -rf "${WORK:?}/data" && mkdir -p "$WORK/data"
	local -a db_env=(-u SPRING_DATASOURCE_URL)
	if [ "$DB" = postgres ]; then
		"${PG[@]}" -c "drop database if exists $db with (force)" -c "create database $db"
		db_env=(SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:5432/$db" SPRING_DATASOURCE_USERNAME=postgres SPRING_DATASOURCE_PASSWORD=)
	fi
	log "round $label: alerting $alerting"
	env "${db_env[@]}" MALLOC_ARENA_MAX=2 java $JAVA_OPTS -jar "$JAR" --server.port=$PORT --fhir.storage.data-dir="$WORK/data" \
		--fhir.alerting.enabled="$alerting" --fhir.consent.trusted-clients=bench-loader \
		--fhir.auth.builtin-server.clients-file="file:$BENCH_DIR/clients.json" \
		--fhir.auth.builtin-server.admin-client-id=bench-admin --fhir.auth.builtin-server.admin-client-secret=Bench-Admin-Secret-2026 \
		--fhir.auth.rate-limit.per-address-per-minute=100000000 --fhir.auth.rate-limit.per-client-per-minute=100000000 \
		> "$WORK/server-$label.log" 2>&1 &
	SERVER_PID=$!
	local waited=0
	until curl -s --max-time 2 "http://127.0.0.1:$PORT/actuator/health/readiness" 2>/dev/null | grep -q '"UP"'; do
		kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$WORK/server-$label.log"; die "server exited during start-up"; }
		waited=$((waited + 1)); [ $waited -lt 1500 ] || die "server not ready in 300 s"
		sleep 0.2
	done
	FHIR_BEARER_TOKEN=$(token bench-loader:Bench-Loader-Secret-1 'system/*.cruds')
	FHIR_ADMIN_TOKEN=$(token bench-admin:Bench-Admin-Secret-2026 'client.create')
	[ -n "$FHIR_BEARER_TOKEN" ] && [ -n "$FHIR_ADMIN_TOKEN" ] || die "no tokens from the server"
	FHIR_BEARER_TOKEN=$FHIR_BEARER_TOKEN FHIR_ADMIN_TOKEN=$FHIR_ADMIN_TOKEN \
		java -Xmx512m -XX:+UseSerialGC "$BENCH_DIR/SyncClient.java" sync "$BASE" "$DEVICES" "$READINGS" "$SEED" | tee "$WORK/client-$label.log"
	echo "$label alerting=$alerting $(grep -m1 '^RESULT sync' "$WORK/client-$label.log" | cut -d' ' -f3-)" >> "$WORK/results"
	kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
}

rm -f "$WORK/results"
round on-1 true
round off-1 false
round off-2 false
round on-2 true

val() { grep "^$1 " "$WORK/results" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
mean() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (a + b) / 2 }'; }
on=$(mean "$(val on-1 readings_per_s)" "$(val on-2 readings_per_s)")
off=$(mean "$(val off-1 readings_per_s)" "$(val off-2 readings_per_s)")
ratio=$(awk -v a="$on" -v b="$off" 'BEGIN { printf "%.2f", a / b }')
mkdir -p "$BENCH_DIR/results"
{
	echo "# Offline sync benchmark $RUN_ID"
	echo
	echo "$DEVICES devices upload $READINGS readings each at once (one transaction per device), then replay them; $DB."
	echo
	echo "| round | alerting | readings | first upload s | readings/s | replay s | stored | threshold crossings | alerts |"
	echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
	for r in on-1 off-1 off-2 on-2; do
		echo "| $r | $(val $r alerting) | $(val $r readings) | $(val $r first_s) | $(val $r readings_per_s) | $(val $r replay_s) | $(val $r stored) | $(val $r threshold_crossings) | $(val $r alerts) |"
	done
	echo
	echo "Alerting on: $on readings/s, off: $off readings/s (means of two rounds); on/off = **$ratio**."
	echo
	echo "| machine | |"; echo "| --- | --- |"
	echo "| nproc | $(nproc) |"
	echo "| memory | $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) |"
	echo "| cpu | $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1) |"
	echo "| java | $(java -version 2>&1 | head -1) |"
	[ "$DB" = postgres ] && echo "| postgresql | $("${PG[@]}" -c 'show server_version') |"
	echo "| JAVA_OPTS | \`$JAVA_OPTS\` |"
	echo "| git | $(git -C "$ROOT" rev-parse --short HEAD) |"
} > "$BENCH_DIR/results/$RUN_ID.md"
cat "$BENCH_DIR/results/$RUN_ID.md"
