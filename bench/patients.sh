#!/usr/bin/env bash
# The patient-search benchmark: synthetic patients (bench/PatientSearchBench.java) stored in steps up
# to each of SCALES, and at each scale the searches a clinician makes all day, timed as the
# benchmark clinic's doctor (consent-limited: about 1 % of the patients permit the clinic, 2 % deny
# it, 10 % permit another clinic) and as a trusted integration client, with every policy on; then the
# trusted client again with the policy off. PostgreSQL; results in bench/results/<date>-patients*.md.
# Usage: bash bench/patients.sh   (after mvn -B -DskipTests package; settings by environment variable)
# shellcheck disable=SC2086  # JAVA_OPTS is a word list on purpose
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
JAR=${SERVER_JAR:-$ROOT/target/consent-fhir-server-0.1.0-SNAPSHOT.jar}
SCALES=${SCALES:-10000 100000}
SEED=${SEED:-15}
ITERATIONS=${ITERATIONS:-200}
FULLTEXT=${FULLTEXT:-false}
JAVA_OPTS=${JAVA_OPTS:--Xms512m -Xmx1536m -XX:+UseParallelGC}
PORT=18083
BASE=http://127.0.0.1:$PORT/fhir
WORK=$BENCH_DIR/work/patients
DB=fhir_bench_patients
ADMIN_SECRET=Bench-Admin-Secret-2026
DOCTOR_USER=bench-doctor
DOCTOR_PASSWORD=Ward-Seven-Rounds-2026!
PG=(env PGOPTIONS=--client-min-messages=warning psql -h 127.0.0.1 -p 5432 -U postgres -v ON_ERROR_STOP=1 -qAt)
RUN_ID=${RUN_ID:-$(date -u +%Y-%m-%d)-patients${RESULTS_SUFFIX:+-$RESULTS_SUFFIX}}
KINDS=(NAME FAMILY_BIRTHDATE GENDER_STATE CITY IDENTIFIER OBSERVATION_BY_CODE)
[ "$FULLTEXT" = true ] && KINDS+=(CONTENT)

die() { echo "patients-bench: ERROR: $*" >&2; exit 1; }
log() { echo "patients-bench: $(date -u +%H:%M:%S) $*"; }
[ -f "$JAR" ] || die "no $JAR: run mvn -B -DskipTests package first"
command -v psql >/dev/null || die "psql not found (apt-get install postgresql-client)"
"${PG[@]}" -c 'select 1' >/dev/null || die "PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth) is not reachable"
mkdir -p "$WORK"
# a copy of the jar: a rebuild of target/ during the run would pull classes from under the server
cp "$JAR" "$WORK/server.jar"
SERVER_PID=""
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null || true' EXIT

token() { # token CLIENT:SECRET SCOPE [username password]
	local -a grant=(-d grant_type=client_credentials)
	[ $# -gt 2 ] && grant=(-d grant_type=password -d username="$3" -d password="$4")
	curl -s -u "$1" "${grant[@]}" -d scope="$2" "http://127.0.0.1:$PORT/oauth2/token" \
		| sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p'
}

start() { # start LABEL POLICY(true|false)
	log "starting the server [$1], policy $2"
	env MALLOC_ARENA_MAX=2 SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:5432/$DB" SPRING_DATASOURCE_USERNAME=postgres \
		SPRING_DATASOURCE_PASSWORD= java $JAVA_OPTS -jar "$WORK/server.jar" --server.port=$PORT \
		--fhir.storage.data-dir="$WORK/data" --fhir.storage.fulltext-enabled="$FULLTEXT" --fhir.server.policy-enabled="$2" \
		--fhir.consent.trusted-clients=bench-loader --fhir.auth.password-grant-enabled=true \
		--fhir.auth.builtin-server.clients-file="file:$BENCH_DIR/clients.json" --fhir.auth.builtin-server.access-token-ttl=6h \
		--fhir.auth.builtin-server.admin-client-id=bench-admin --fhir.auth.builtin-server.admin-client-secret=$ADMIN_SECRET \
		--fhir.auth.rate-limit.per-address-per-minute=100000000 --fhir.auth.rate-limit.per-client-per-minute=100000000 \
		> "$WORK/server-$1.log" 2>&1 &
	SERVER_PID=$!
	local waited=0
	until curl -s --max-time 2 "http://127.0.0.1:$PORT/actuator/health/readiness" 2>/dev/null | grep -q '"UP"'; do
		kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$WORK/server-$1.log"; die "server exited during start-up"; }
		waited=$((waited + 1)); [ $waited -lt 1500 ] || die "server not ready in 300 s"
		sleep 0.2
	done
	LOADER_TOKEN=$(token bench-loader:Bench-Loader-Secret-1 'system/*.cruds')
	[ -n "$LOADER_TOKEN" ] || die "no token for the loader"
}

stop() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; }

create() { # create TYPE JSON: prints Type/id
	curl -s -f -D - -o /dev/null -H "Authorization: Bearer $LOADER_TOKEN" -H 'Content-Type: application/fhir+json' \
		-d "$2" "$BASE/$1" | tr -d '\r' | sed -n "s|^[Ll]ocation: .*/\($1/[^/]*\)/_history.*|\1|p"
}

# rows the database read for one search kind: the sum over its tables of rows read by scans and
# fetched through indexes, before and after (PostgreSQL publishes a backend's counts within 10 s of idling)
rows_read() { "${PG[@]}" -d "$DB" -c 'select coalesce(sum(seq_tup_read + coalesce(idx_tup_fetch, 0)), 0) from pg_stat_user_tables'; }

search() { # search CALLER TOKEN PERMITTED_ONLY SCALE KIND: one RESULT line with rows per search
	local before after
	sleep 11; before=$(rows_read)
	local line
	line=$(FHIR_BEARER_TOKEN=$2 java -Xmx256m -XX:+UseSerialGC "$BENCH_DIR/PatientSearchBench.java" search "$BASE" "$5" "$ITERATIONS" \
		"$SEED" "$4" "$WORK/ids.txt" "$3" | grep '^RESULT')
	sleep 11; after=$(rows_read)
	echo "$1 scale=$4 ${line#RESULT search } rows_per_search=$(( (after - before) / (ITERATIONS + 20) ))" | tee -a "$WORK/results"
}

"${PG[@]}" -c "drop database if exists $DB with (force)" -c "create database $DB"
rm -rf "${WORK:?}/data" "$WORK"/ids*.txt "$WORK/results" "$WORK"/load-*.log
mkdir -p "$WORK/data"
start setup true
CLINIC=$(create Organization '{"resourceType":"Organization","name":"Benchmark clinic"}')
OTHER=$(create Organization '{"resourceType":"Organization","name":"Another clinic"}')
PRACTITIONER=$(create Practitioner '{"resourceType":"Practitioner","name":[{"family":"Benchmark"}]}')
create PractitionerRole "{\"resourceType\":\"PractitionerRole\",\"active\":true,\"practitioner\":{\"reference\":\"$PRACTITIONER\"},\"organization\":{\"reference\":\"$CLINIC\"}}" >/dev/null
[ -n "$CLINIC" ] && [ -n "$OTHER" ] && [ -n "$PRACTITIONER" ] || die "could not create the benchmark clinic"
curl -s -f -o /dev/null -H "Authorization: Bearer $(token bench-admin:$ADMIN_SECRET users.manage)" -H 'Content-Type: application/json' \
	-d "{\"username\":\"$DOCTOR_USER\",\"password\":\"$DOCTOR_PASSWORD\",\"role\":\"doctor\",\"fhirUser\":\"$PRACTITIONER\"}" \
	"http://127.0.0.1:$PORT/admin/users" || die "could not create the benchmark doctor's user"
log "clinic $CLINIC, other clinic $OTHER, doctor $PRACTITIONER"

stop
# Storing is not what this benchmark measures: the patients go in with the policy off, by two clients
# at once (each its own half of the range), and the searches then run with every policy on.
LOADED=0
for SCALE in $SCALES; do
	start "load-$SCALE" false
	log "storing patients $LOADED..$((SCALE - 1))"
	half=$(( (LOADED + SCALE) / 2 / 100 * 100 )); [ "$half" -gt "$LOADED" ] || half=$SCALE
	t0=$(date +%s)
	pids=()
	for range in "$LOADED $half a" "$half $SCALE b"; do
		set -- $range
		[ "$1" -lt "$2" ] || continue
		FHIR_BEARER_TOKEN=$LOADER_TOKEN java -Xmx384m -XX:+UseSerialGC "$BENCH_DIR/PatientSearchBench.java" load "$BASE" "$1" "$2" \
			"$SEED" "$CLINIC" "$OTHER" "$WORK/ids-$3.txt" > "$WORK/load-$SCALE-$3.log" 2>&1 &
		pids+=($!)
	done
	for pid in "${pids[@]}"; do wait "$pid" || die "a load client failed: $(tail -3 "$WORK/load-$SCALE-"*.log)"; done
	cat "$WORK/ids-"*.txt > "$WORK/ids.txt"
	seconds=$(( $(date +%s) - t0 ))
	echo "load scale=$SCALE patients=$((SCALE - LOADED)) seconds=$seconds patients_per_s=$(awk -v n=$((SCALE - LOADED)) -v s=$seconds 'BEGIN { printf "%.1f", n / (s > 0 ? s : 1) }')" >> "$WORK/results"
	LOADED=$SCALE
	stop
	start "on-$SCALE" true
	"${PG[@]}" -d "$DB" -c 'vacuum analyze' >/dev/null
	# the doctor signs in through the clinic's app, a client the site does not trust (bench-loader is trusted)
	DOCTOR_TOKEN=$(token bench-clinic-app:Bench-Clinic-App-Secret-1 'user/*.cruds' "$DOCTOR_USER" "$DOCTOR_PASSWORD")
	[ -n "$DOCTOR_TOKEN" ] || die "no token for the doctor"
	for KIND in "${KINDS[@]}"; do
		# the doctor's observation searches are for patients who permit the clinic (others answer nothing)
		only=false; [ "$KIND" = OBSERVATION_BY_CODE ] && only=true
		search doctor "$DOCTOR_TOKEN" "$only" "$SCALE" "$KIND"
		search trusted "$LOADER_TOKEN" false "$SCALE" "$KIND"
	done
	stop
	start "off-$SCALE" false
	for KIND in "${KINDS[@]}"; do search trusted-policy-off "$LOADER_TOKEN" false "$SCALE" "$KIND"; done
	stop
done

val() { grep "^$1 scale=$2 kind=$3 " "$WORK/results" | tr ' ' '\n' | sed -n "s/^$4=//p"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
mkdir -p "$BENCH_DIR/results"
{
	echo "# Patient-search benchmark $RUN_ID"
	echo
	echo "Synthetic patients (bench/PatientSearchBench.java, seed $SEED), each with 2 Observations, a Condition and an"
	echo "AllergyIntolerance; 1 % permit the benchmark clinic for treatment, 2 % deny it, 10 % permit another clinic, the"
	echo "rest have no Consent (opt-in: hidden). Each search kind $ITERATIONS times after 20 untimed, \`_count=20\`, one"
	echo "connection; **doctor** = the clinic's doctor (purpose TREAT, consent-limited), **trusted** = the integration"
	echo "client the site trusts, both with every policy on; **off** = the trusted client with the policy off. Rows ="
	echo "rows PostgreSQL read per search (scans and index fetches over all tables). Short pages = pages with a next"
	echo "link and fewer than 20 entries. Full text: $FULLTEXT."
	for SCALE in $SCALES; do
		echo
		echo "## $SCALE patients (stored at $(grep "^load scale=$SCALE " "$WORK/results" | tr ' ' '\n' | sed -n 's/^patients_per_s=//p') patients/s)"
		echo
		echo "| search | doctor p50 ms | doctor p99 ms | entries | short pages | rows | trusted p50 | trusted p99 | rows | off p50 | off p99 | trusted/off p50 |"
		echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
		for KIND in "${KINDS[@]}"; do
			echo "| $KIND | $(val doctor "$SCALE" "$KIND" p50_ms) | $(val doctor "$SCALE" "$KIND" p99_ms) | $(val doctor "$SCALE" "$KIND" mean_entries) | $(val doctor "$SCALE" "$KIND" short_pages) | $(val doctor "$SCALE" "$KIND" rows_per_search) | $(val trusted "$SCALE" "$KIND" p50_ms) | $(val trusted "$SCALE" "$KIND" p99_ms) | $(val trusted "$SCALE" "$KIND" rows_per_search) | $(val trusted-policy-off "$SCALE" "$KIND" p50_ms) | $(val trusted-policy-off "$SCALE" "$KIND" p99_ms) | $(ratio "$(val trusted "$SCALE" "$KIND" p50_ms)" "$(val trusted-policy-off "$SCALE" "$KIND" p50_ms)") |"
		done
	done
	set -- $SCALES
	if [ $# -ge 2 ]; then
		first=$1; last=${!#}
		echo
		echo "Growth from $first to $last patients ($(ratio "$last" "$first")x the patients), doctor p50 and rows per search:"
		echo
		echo "| search | p50 factor | rows factor |"; echo "| --- | --- | --- |"
		for KIND in "${KINDS[@]}"; do
			echo "| $KIND | $(ratio "$(val doctor "$last" "$KIND" p50_ms)" "$(val doctor "$first" "$KIND" p50_ms)") | $(ratio "$(val doctor "$last" "$KIND" rows_per_search)" "$(val doctor "$first" "$KIND" rows_per_search)") |"
		done
	fi
	echo
	echo "| machine | |"; echo "| --- | --- |"
	echo "| nproc | $(nproc) |"
	echo "| memory | $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) |"
	echo "| cpu | $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1) |"
	echo "| java | $(java -version 2>&1 | head -1) |"
	echo "| postgresql | $("${PG[@]}" -c 'show server_version') |"
	echo "| JAVA_OPTS | \`$JAVA_OPTS\` |"
	echo "| git | $(git -C "$ROOT" rev-parse --short HEAD) |"
} > "$BENCH_DIR/results/$RUN_ID.md"
cat "$BENCH_DIR/results/$RUN_ID.md"
