#!/usr/bin/env bash
# The quick start of README.md, as one script: from a started server to a consent-checked read.
#
#   bash docs/quickstart.sh                 # the server of README.md's "Set up": http://localhost:8080, ./data
#   BASE=http://127.0.0.1:18090 DATA_DIR=/tmp/qs-data bash docs/quickstart.sh
#   QUICKSTART_ENV=quickstart.env bash docs/quickstart.sh && source quickstart.env
#                                           # keeps the variables the examples of README.md and docs/ use
#
# It signs in as the site's admin, registers an integration client (the registration desk's system),
# creates a clinic (Organization), a doctor (Practitioner working there, and the doctor's user), and
# two patients: Asha, who permits the clinic to treat her, and Ravi, who has no Consent. The doctor
# signs in the way a SMART app signs a user in (authorization code with PKCE), reads Asha's record,
# is refused Ravi's, records a heart rate that raises an alert, and opens Ravi's record by
# break-the-glass. Ravi then signs in and reads who looked at his record ($access-log).
# Every step prints what it did; the first step that does not answer as expected stops the script.
# Needs curl and openssl. Running it twice makes a second clinic and new patients (names are unique).
set -euo pipefail

BASE=${BASE:-http://localhost:8080}
FHIR=$BASE/fhir
DATA_DIR=${DATA_DIR:-data}
RUN=${RUN:-$(date +%s)-$$}                       # makes this run's user names unique
REDIRECT=http://127.0.0.1:9/callback              # the app's redirect address (never opened: curl stops at the redirect)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

for tool in curl openssl; do
	command -v "$tool" >/dev/null || { echo "quickstart: $tool is needed (apt-get install $tool)" >&2; exit 2; }
done
fail() { echo "quickstart: FAILED: $*" >&2; exit 1; }
step() { printf '\n== %s\n' "$*"; }
# json FIELD < body: the first string value of FIELD in a JSON body (enough for the answers read here)
json() { local v; v=$(sed -n "s/.*\"$1\" *: *\"\([^\"]*\)\".*/\1/p" | head -1); printf '%s\n' "$v"; }

# call EXPECTED-STATUS METHOD URL [curl options…]: the response body on stdout; stops on another status
call() {
	local expected=$1 method=$2 url=$3 status
	shift 3
	status=$(curl -s -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' -X "$method" "$@" "$url")
	if [ "$status" != "$expected" ]; then
		echo "quickstart: $method $url answered $status, expected $expected:" >&2
		head -c 2000 "$WORK/body" >&2; echo >&2
		exit 1
	fi
	cat "$WORK/body"
}
# fhir EXPECTED-STATUS METHOD PATH TOKEN [BODY] [extra curl options…]
fhir() {
	local expected=$1 method=$2 path=$3 token=$4 body=${5:-}
	shift 5 2>/dev/null || shift $#
	local -a data=()
	[ -z "$body" ] || data=(-H 'Content-Type: application/fhir+json' --data-binary "$body")
	call "$expected" "$method" "$FHIR/$path" -H "Authorization: Bearer $token" -H 'Accept: application/fhir+json' "${data[@]}" "$@"
}
# created: the Type/id of the resource just created (from the Location header of the last call)
created() { sed -n 's#^[Ll]ocation: .*/fhir/\([A-Za-z]*/[^/]*\)/_history.*#\1#p' "$WORK/headers" | tr -d '\r' | head -1; }

# ---------------------------------------------------------------------------------------------
step "1. Admin tokens (the admin client's id and secret are in $DATA_DIR/auth/admin-client.properties)"
[ -f "$DATA_DIR/auth/admin-client.properties" ] || fail "no $DATA_DIR/auth/admin-client.properties: start the server first (README, Set up), or set DATA_DIR"
ADMIN_ID=$(sed -n 's/^client_id=//p' "$DATA_DIR/auth/admin-client.properties")
ADMIN_SECRET=$(sed -n 's/^client_secret=//p' "$DATA_DIR/auth/admin-client.properties")
admin_token() {
	call 200 POST "$BASE/oauth2/token" -u "$ADMIN_ID:$ADMIN_SECRET" -d grant_type=client_credentials --data-urlencode "scope=$1" | json access_token
}
A=$(admin_token 'users.manage system/Organization.cruds system/Practitioner.cruds system/PractitionerRole.cruds')
echo "admin token for users and the directory: ${A:0:16}…"

step "2. An integration client: the registration desk's system (client_credentials, system/Patient and system/Consent)"
R=$(admin_token client.create)   # a registration token: only client.create, one registration
desk=$(call 201 POST "$BASE/connect/register" -H "Authorization: Bearer $R" -H 'Content-Type: application/json' -d '{
  "client_name": "Registration desk", "grant_types": ["client_credentials"], "token_endpoint_auth_method": "client_secret_basic",
  "scope": "system/Patient.cruds system/Consent.cruds", "redirect_uris": ["https://unused.example"]}')
DESK_ID=$(json client_id <<<"$desk"); DESK_SECRET=$(json client_secret <<<"$desk")
D=$(call 200 POST "$BASE/oauth2/token" -u "$DESK_ID:$DESK_SECRET" -d grant_type=client_credentials \
	--data-urlencode 'scope=system/Patient.cruds system/Consent.cruds' | json access_token)
echo "client $DESK_ID registered; its token: ${D:0:16}…"

step "3. A clinic, a doctor working there, and the doctor's user"
fhir 201 POST Organization "$A" '{"resourceType":"Organization","name":"Riverside Clinic"}' >/dev/null
CLINIC=$(created)
fhir 201 POST Practitioner "$A" '{"resourceType":"Practitioner","name":[{"family":"Rao","given":["Meera"],"prefix":["Dr"]}]}' >/dev/null
DOCTOR=$(created)
fhir 201 POST PractitionerRole "$A" "{\"resourceType\":\"PractitionerRole\",\"active\":true,
  \"practitioner\":{\"reference\":\"$DOCTOR\"},\"organization\":{\"reference\":\"$CLINIC\"}}" >/dev/null
DOCTOR_USER=dr.rao.$RUN; DOCTOR_PASSWORD=Ward-Round-Seven-7
call 201 POST "$BASE/admin/users" -H "Authorization: Bearer $A" -H 'Content-Type: application/json' \
	-d "{\"username\":\"$DOCTOR_USER\",\"password\":\"$DOCTOR_PASSWORD\",\"role\":\"doctor\",\"fhirUser\":\"$DOCTOR\"}" >/dev/null
echo "clinic $CLINIC, doctor $DOCTOR, user $DOCTOR_USER"

step "4. Two patients: Asha permits the clinic to treat her (her signed form as evidence); Ravi has no Consent"
fhir 201 POST Patient "$D" '{"resourceType":"Patient","name":[{"family":"Kumar","given":["Asha"]}],"gender":"female","birthDate":"1984-03-09"}' >/dev/null
ASHA=$(created)
fhir 201 POST Consent "$D" "{\"resourceType\":\"Consent\",\"status\":\"active\",
  \"scope\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/consentscope\",\"code\":\"patient-privacy\"}]},
  \"category\":[{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"59284-0\"}]}],
  \"patient\":{\"reference\":\"$ASHA\"},
  \"sourceAttachment\":{\"title\":\"Consent form signed at the registration desk\",\"contentType\":\"application/pdf\",\"url\":\"https://records.example/forms/asha-consent.pdf\"},
  \"provision\":{\"type\":\"permit\",
    \"actor\":[{\"role\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ParticipationType\",\"code\":\"PRCP\"}]},\"reference\":{\"reference\":\"$CLINIC\"}}],
    \"purpose\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActReason\",\"code\":\"TREAT\"}]}}" >/dev/null
ASHA_CONSENT=$(created)
fhir 201 POST Patient "$D" '{"resourceType":"Patient","name":[{"family":"Menon","given":["Ravi"]}],"gender":"male","birthDate":"1961-11-23"}' >/dev/null
RAVI=$(created)
echo "Asha $ASHA with $ASHA_CONSENT (permit, TREAT, $CLINIC); Ravi $RAVI"

# sign_in USER PASSWORD SCOPE: a SMART app's authorization code flow with PKCE (S256), as a browser
# would run it: authorize, the sign-in page, the approval page, then the code for a token.
APP_ID=""
sign_in() {
	local user=$1 password=$2 scope=$3 jar=$WORK/cookies-$1 verifier challenge csrf state location code
	verifier=$(openssl rand -base64 48 | tr '+/' '-_' | tr -d '=\n')
	challenge=$(printf %s "$verifier" | openssl dgst -sha256 -binary | openssl base64 | tr '+/' '-_' | tr -d '=\n')
	local -a browser=(-b "$jar" -c "$jar")
	call 302 GET "$BASE/oauth2/authorize" "${browser[@]}" -G -d response_type=code -d "client_id=$APP_ID" \
		--data-urlencode "redirect_uri=$REDIRECT" --data-urlencode "scope=$scope" -d state=qs --data-urlencode "aud=$FHIR" \
		-d "code_challenge=$challenge" -d code_challenge_method=S256 >/dev/null
	csrf=$(call 200 GET "$BASE/login" "${browser[@]}" | sed -n 's/.*name="_csrf"[^>]*value="\([^"]*\)".*/\1/p' | head -1)
	call 302 POST "$BASE/login" "${browser[@]}" --data-urlencode "username=$user" --data-urlencode "password=$password" \
		--data-urlencode "_csrf=$csrf" >/dev/null
	location=$(sed -n 's/^[Ll]ocation: //p' "$WORK/headers" | tr -d '\r')
	case $location in *error*) fail "sign-in of $user refused";; esac
	# the approval page lists the scopes asked for; approving all of them
	local page; page=$(call 200 GET "$location" "${browser[@]}")
	state=$(sed -n 's/.*name="state"[^>]*value="\([^"]*\)".*/\1/p' <<<"$page" | head -1)
	local -a approved=(--data-urlencode "client_id=$APP_ID" --data-urlencode "state=$state")
	while read -r s; do [ -z "$s" ] || approved+=(--data-urlencode "scope=$s"); done \
		< <(grep -o 'name="scope"[^>]*value="[^"]*"' <<<"$page" | sed 's/.*value="\([^"]*\)"/\1/')
	call 302 POST "$BASE/oauth2/authorize" "${browser[@]}" "${approved[@]}" >/dev/null
	location=$(sed -n 's/^[Ll]ocation: //p' "$WORK/headers" | tr -d '\r')
	code=$(sed -n 's/.*[?&]code=\([^&]*\).*/\1/p' <<<"$location")
	[ -n "$code" ] || fail "no authorization code for $user (redirected to: $location)"
	call 200 POST "$BASE/oauth2/token" -d grant_type=authorization_code -d "client_id=$APP_ID" --data-urlencode "code=$code" \
		--data-urlencode "redirect_uri=$REDIRECT" -d "code_verifier=$verifier" | json access_token
}

step "5. A SMART app (public: PKCE, no secret) and the doctor's sign-in"
R=$(admin_token client.create)
app=$(call 201 POST "$BASE/connect/register" -H "Authorization: Bearer $R" -H 'Content-Type: application/json' -d "{
  \"client_name\": \"Ward app\", \"token_endpoint_auth_method\": \"none\", \"grant_types\": [\"authorization_code\"],
  \"response_types\": [\"code\"], \"redirect_uris\": [\"$REDIRECT\"],
  \"scope\": \"openid fhirUser launch/patient user/*.cruds patient/*.rs\"}")
APP_ID=$(json client_id <<<"$app")
T=$(sign_in "$DOCTOR_USER" "$DOCTOR_PASSWORD" 'openid fhirUser user/*.cruds')
echo "app $APP_ID registered; the doctor's token: ${T:0:16}…"

step "6. The doctor reads Asha's record, for treatment (X-Purpose-Of-Use; a doctor's default is TREAT too)"
fhir 200 GET "$ASHA" "$T" "" -H 'X-Purpose-Of-Use: TREAT' | json family | sed 's/^/family: /'
fhir 200 GET "Patient/${ASHA#Patient/}/\$everything" "$T" "" -H 'X-Purpose-Of-Use: TREAT' >/dev/null
echo "Patient and \$everything: 200"

step "7. Ravi's record is refused: no Consent of his permits the clinic (the site's policy is opt-in)"
fhir 403 GET "$RAVI" "$T" "" -H 'X-Purpose-Of-Use: TREAT' | json diagnostics

step "8. A heart rate of 134/min for Asha raises an alert (DetectedIssue, HIGH)"
fhir 201 POST Observation "$T" "{\"resourceType\":\"Observation\",\"status\":\"final\",
  \"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"vital-signs\"}]}],
  \"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\",\"display\":\"Heart rate\"}]},
  \"subject\":{\"reference\":\"$ASHA\"},\"effectiveDateTime\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\",\"performer\":[{\"reference\":\"$DOCTOR\"}],
  \"valueQuantity\":{\"value\":134,\"unit\":\"beats/minute\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"/min\"}}" >/dev/null
echo "reading $(created) stored"
alerts=$(fhir 200 GET "DetectedIssue?patient=${ASHA}" "$T" "")
grep -q '"severity" *: *"high"' <<<"$alerts" || fail "no HIGH DetectedIssue for Asha: $alerts"
json detail <<<"$alerts"

step "9. Break-the-glass: the doctor opens Ravi's record in an emergency, with a reason"
fhir 200 POST "Patient/${RAVI#Patient/}/\$break-glass" "$T" '{"resourceType":"Parameters","parameter":[
  {"name":"reason","valueString":"brought in unconscious after a road accident"},{"name":"duration","valueString":"PT1H"}]}' >/dev/null
echo "override granted until $(json valueInstant < "$WORK/body")"
fhir 200 GET "$RAVI" "$T" "" -H 'X-Purpose-Of-Use: ETREAT' | json family | sed 's/^/family: /'
fhir 200 POST "Patient/${RAVI#Patient/}/\$break-glass-end" "$T" '{"resourceType":"Parameters"}' >/dev/null
fhir 403 GET "$RAVI" "$T" "" -H 'X-Purpose-Of-Use: TREAT' >/dev/null
echo "override ended: Ravi's record is refused again"

step "10. Ravi signs in and reads who opened his record (\$access-log)"
RAVI_USER=ravi.$RUN; RAVI_PASSWORD=Monsoon-Garden-42
call 201 POST "$BASE/admin/users" -H "Authorization: Bearer $A" -H 'Content-Type: application/json' \
	-d "{\"username\":\"$RAVI_USER\",\"password\":\"$RAVI_PASSWORD\",\"role\":\"patient\",\"fhirUser\":\"$RAVI\"}" >/dev/null
P=$(sign_in "$RAVI_USER" "$RAVI_PASSWORD" 'openid fhirUser launch/patient patient/*.rs')
log=$(fhir 200 GET "Patient/${RAVI#Patient/}/\$access-log?_count=50" "$P" "")
grep -q "$DOCTOR" <<<"$log" || fail "Ravi's access log does not name the doctor: $log"
grep -qi 'BTG\|emergency' <<<"$log" || fail "Ravi's access log does not show the emergency access: $log"
# one line per access: when, what kind of event, for which purpose
sed 's/{"fullUrl"/\n&/g' <<<"$log" | grep '"AuditEvent"' | while read -r entry; do
	printf '  %s  %-62s %s\n' "$(json recorded <<<"$entry")" \
		"$(grep -o '"\(type\|subtype\)":\[*{"system":"[^"]*","code":"[^"]*","display":"[^"]*"' <<<"$entry" | head -2 \
			| sed 's/.*"display":"\([^"]*\)"/\1/' | paste -sd/)" \
		"$(sed -n 's/.*"purposeOfEvent":\[{"coding":\[{[^}]*"code":"\([^"]*\)".*/\1/p' <<<"$entry" | head -1)"
done
echo "Ravi's access log names $DOCTOR and the emergency access"

if [ -n "${QUICKSTART_ENV:-}" ]; then
	declare -p BASE FHIR DATA_DIR RUN REDIRECT ADMIN_ID ADMIN_SECRET A D DESK_ID DESK_SECRET CLINIC DOCTOR DOCTOR_USER \
		DOCTOR_PASSWORD ASHA ASHA_CONSENT RAVI APP_ID T RAVI_USER RAVI_PASSWORD P | sed -E 's/^declare -[-a-z]* /declare -g /' >"$QUICKSTART_ENV"
	echo "variables for the examples written to $QUICKSTART_ENV"
fi
printf '\nquickstart: every step answered as expected\n'
