#!/usr/bin/env bash
# ABDM export benchmark: loads the Synthea corpus of bench/run.sh into a fresh server (PostgreSQL),
# then exports every patient as WellnessRecord + OPConsultation documents (validated by the server)
# and reports the time per patient (p50, p99) and the share of it spent in validation (the
# X-Validation-Ms header). Usage: bash bench/export.sh (after bench/run.sh has made the corpus).
# shellcheck disable=SC2086
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
JAR=$ROOT/target/consent-fhir-server-0.1.0-SNAPSHOT.jar
JAVA_OPTS=${JAVA_OPTS:--Xms256m -Xmx600m -XX:MaxMetaspaceSize=256m -XX:+UseSerialGC}
PORT=18082
BASE=http://127.0.0.1:$PORT/fhir
CORPUS=${CORPUS:-$(ls -d "$BENCH_DIR"/work/corpus/*/fhir 2>/dev/null | head -1)}
SKIP_OVER=$(( ${SKIP_BUNDLES_OVER_MB:-10} * 1024 * 1024 ))
WORK=$BENCH_DIR/work/export
PG=(env PGOPTIONS=--client-min-messages=warning psql -h 127.0.0.1 -p 5432 -U postgres -v ON_ERROR_STOP=1 -qAt)
RUN_ID=${RUN_ID:-$(date -u +%Y-%m-%d)-export${RESULTS_SUFFIX:+-$RESULTS_SUFFIX}}
[ -d "$CORPUS" ] || { echo "export-bench: no corpus; run bench/run.sh first (or set CORPUS)" >&2; exit 1; }
rm -rf "$WORK" && mkdir -p "$WORK"
"${PG[@]}" -c "drop database if exists fhir_bench_export with (force)" -c "create database fhir_bench_export"
SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:5432/fhir_bench_export SPRING_DATASOURCE_USERNAME=postgres SPRING_DATASOURCE_PASSWORD= \
	MALLOC_ARENA_MAX=2 java $JAVA_OPTS -jar "$JAR" --server.port=$PORT --fhir.storage.data-dir="$WORK/data" \
	--fhir.consent.trusted-clients=bench-loader --fhir.auth.builtin-server.clients-file="file:$BENCH_DIR/clients.json" \
	--fhir.auth.rate-limit.per-address-per-minute=100000000 --fhir.auth.rate-limit.per-client-per-minute=100000000 \
	> "$WORK/server.log" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null; wait 2>/dev/null || true' EXIT
until curl -s --max-time 2 "http://127.0.0.1:$PORT/actuator/health/readiness" 2>/dev/null | grep -q '"UP"'; do
	kill -0 $SERVER_PID 2>/dev/null || { tail -20 "$WORK/server.log"; exit 1; }; sleep 0.5
done
export FHIR_BEARER_TOKEN=$(curl -s -u bench-loader:Bench-Loader-Secret-1 -d grant_type=client_credentials -d 'scope=system/*.cruds' \
	"http://127.0.0.1:$PORT/oauth2/token" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
java -Xmx1g -XX:+UseSerialGC "$BENCH_DIR/LoadClient.java" ingest "$CORPUS" 1 "$BASE" "$SKIP_OVER" | tail -1
curl -s -H "Authorization: Bearer $FHIR_BEARER_TOKEN" "$BASE/Patient?_count=500&_elements=id" | grep -o '"fullUrl":"[^"]*/Patient/[^"]*"' \
	| sed 's|.*/Patient/\([^"]*\)"|\1|' > "$WORK/patients"
# two rounds over every patient: the first right after loading (a JVM still compiling the validator's
# code), the second the steady state; both are reported
export_round() {
	: > "$1"
	while read -r p; do
		out=$(curl -s -o "$WORK/last.json" -D - -w 'TIME %{time_total} CODE %{http_code}\n' -H "Authorization: Bearer $FHIR_BEARER_TOKEN" \
			"$BASE/Patient/$p/\$abdm-export?hiType=WellnessRecord&hiType=OPConsultation")
		code=$(sed -n 's/^TIME .* CODE \([0-9]*\)$/\1/p' <<<"$out"); total=$(sed -n 's/^TIME \([0-9.]*\) .*/\1/p' <<<"$out")
		valid=$(tr -d '\r' <<<"$out" | sed -n 's/^[Xx]-[Vv]alidation-[Mm]s: //p')
		entries=$(grep -o '"fullUrl"' "$WORK/last.json" | wc -l || true)
		echo "$p $code $total ${valid:-0} $entries" >> "$1"
	done < "$WORK/patients"
}
export_round "$WORK/timings-first"
export_round "$WORK/timings"
: > "$WORK/sizes"
# each patient's size in resources (their $everything, paged), counted after the timed exports
while read -r p; do
	python3 - "$BASE/Patient/$p/\$everything?_count=500&_elements=id" "$FHIR_BEARER_TOKEN" <<'PY' >> "$WORK/sizes"
import json, sys, urllib.request
url, token, n = sys.argv[1], sys.argv[2], 0
while url:
    page = json.load(urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": "Bearer " + token})))
    n += len(page.get("entry", []))
    url = next((l["url"] for l in page.get("link", []) if l["relation"] == "next"), None)
print(n)
PY
done < "$WORK/patients"
paste -d' ' "$WORK/timings" "$WORK/sizes" > "$WORK/timings-sized"
python3 - "$WORK/timings-sized" "$BENCH_DIR/results/$RUN_ID.md" "$(git -C "$ROOT" rev-parse --short HEAD)" "$WORK/timings-first" <<'PY'
import sys, statistics
rows=[l.split() for l in open(sys.argv[1]) if l.strip()]
ok=[r for r in rows if r[1]=="200"]
t=sorted(float(r[2])*1000 for r in ok)
def pct(v,p): return v[min(len(v)-1,int(round(p/100*(len(v)-1))))] if v else float('nan')
share=sum(float(r[3]) for r in ok)/max(1,sum(float(r[2])*1000 for r in ok))
big=[r for r in ok if int(r[5])>=2000]
with open(sys.argv[2],"w") as f:
    f.write("# ABDM export benchmark\n\nEvery patient of the Synthea corpus exported as WellnessRecord + OPConsultation documents, validated by the server; PostgreSQL; git %s.\n\n" % sys.argv[3])
    f.write("| patients | exported (200) | refused (422: nothing to report) | p50 ms | p99 ms | max ms | share of time in validation |\n|---|---|---|---|---|---|---|\n")
    f.write("| %d | %d | %d | %.0f | %.0f | %.0f | %.0f %% |\n\n" % (len(rows), len(ok), len([r for r in rows if r[1]=="422"]), pct(t,50), pct(t,99), max(t) if t else 0, 100*share))
    first=[l.split() for l in open(sys.argv[4]) if l.strip()]
    ft=sorted(float(r[2])*1000 for r in first if r[1]=="200")
    f.write("The figures are the second round over every patient. The first round, right after loading: p50 %.0f ms, p99 %.0f ms, max %.0f ms.\n\n"
            % (pct(ft,50), pct(ft,99), max(ft) if ft else 0))
    if big:
        bt=sorted(float(r[2])*1000 for r in big)
        f.write("Patients with 2,000+ resources: %d, p50 %.0f ms, max %.0f ms, %.0f %% in validation.\n\n"
                % (len(big), pct(bt,50), max(bt), 100*sum(float(r[3]) for r in big)/max(1,sum(float(r[2])*1000 for r in big))))
    f.write("| patient | resources | status | ms | validation ms | document entries |\n|---|---|---|---|---|---|\n")
    for r in rows: f.write("| %s | %s | %s | %.0f | %s | %s |\n" % (r[0], r[5], r[1], float(r[2])*1000, r[3], r[4]))
print(open(sys.argv[2]).read()[:1500])
PY
