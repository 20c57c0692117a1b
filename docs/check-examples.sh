#!/usr/bin/env bash
# Runs every ```bash example of README.md and docs/*.md against a started server, after the quick
# start, with the quick start's variables (FHIR, BASE, the doctor's token T, Ravi's token P, the
# desk's token D, the admin token A, ASHA, RAVI, CLINIC, DOCTOR, …):
#
#   QUICKSTART_ENV=/tmp/qs.env bash docs/quickstart.sh && bash docs/check-examples.sh /tmp/qs.env
#
# Each curl an example makes must answer 2xx, or the status its command's last line ends with as a
# comment (`# 403`), or that a comment line right after the command starts with (`# 422 …`). A block
# that cannot run here is marked on the line before its fence: <!-- example: not run (the reason) -->.
# The blocks of one page run in order in one shell, so a page's later blocks see its earlier ones'
# variables; every page starts again from the quick start's. Prints each failure with the answer's
# first lines; also checks that every relative link of those pages names a file. Exits 1 if any
# example failed or a link is broken, 2 on bad use.
set -uo pipefail
cd "$(dirname "$0")/.."

env_file=${1:-}
[ -n "$env_file" ] && [ -f "$env_file" ] || { echo "usage: $0 QUICKSTART_ENV-file (written by docs/quickstart.sh)" >&2; exit 2; }
env_file=$(cd "$(dirname "$env_file")" && pwd)/$(basename "$env_file")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The page as a script with the page's own line numbers: the lines of runnable ```bash blocks, every
# other line empty, and line 1 (the page's title) replaced by the prelude.
page_script() {
	awk -v prelude="source '$work/prelude.sh' '$1'" '
		NR == 1 { print prelude; next }
		in_block && /^```/ { in_block = 0; print ""; next }
		in_block { print (run ? $0 : ""); next }
		/^```bash[[:space:]]*$/ { in_block = 1; run = (previous !~ /^<!-- example: not run \(.+\) -->$/); print ""; previous = $0; next }
		{ print ""; previous = $0 }
	' "$1"
}

cat >"$work/prelude.sh" <<PRELUDE
source '$env_file'
CHECK_PAGE=\$1
CHECK_PAGE_LINES=\$(wc -l <"\$1")
CHECK_FAILURES='$work/failures'
CHECK_CALLS='$work/calls'
PRELUDE
cat >>"$work/prelude.sh" <<'PRELUDE'
# the status a command expects: a comment on the command's last line that starts with it ("# 403"),
# or the comment line right after the command ("# 422 …")
check_expected_status() {
	local n=$1 text line
	# bash reports the first or the last line of a command that spans lines: read on while what was read
	# so far is an unfinished command (a continuation, an open quote)
	text=$(sed -n "${n}p" "$CHECK_PAGE")
	while [ "$n" -lt "$CHECK_PAGE_LINES" ] && { [[ $text == *\\ ]] || bash -n <<<"$text" 2>&1 | grep -q 'unexpected EOF\|unexpected end of file'; }; do
		n=$((n + 1)); text+=$'\n'$(sed -n "${n}p" "$CHECK_PAGE")
	done
	line=$(sed -n "${n}p" "$CHECK_PAGE")
	if [[ $line =~ \#[[:space:]]*([1-5][0-9][0-9])([^0-9]|$) ]]; then echo "${BASH_REMATCH[1]}"; return; fi
	line=$(sed -n "$((n + 1))p" "$CHECK_PAGE")
	if [[ $line =~ ^[[:space:]]*\#[[:space:]]*([1-5][0-9][0-9])([^0-9]|$) ]]; then echo "${BASH_REMATCH[1]}"; fi
}
curl() {
	local line=${BASH_LINENO[0]} body status expected
	body=$(mktemp)
	status=$(command curl -sS -o "$body" -w '%{http_code}' "$@")
	cat "$body"
	expected=$(check_expected_status "$line")
	echo "$CHECK_PAGE:$line $status" >>"$CHECK_CALLS"
	if { [ -n "$expected" ] && [ "$status" != "$expected" ]; } || { [ -z "$expected" ] && [[ $status != 2?? ]]; }; then
		{ echo "$CHECK_PAGE:$line answered $status, expected ${expected:-2xx}:"; head -c 600 "$body"; echo; } >>"$CHECK_FAILURES"
	fi
	rm -f "$body"
}
PRELUDE

pages=(README.md docs/*.md)
: >"$work/failures"; : >"$work/calls"
for page in "${pages[@]}"; do
	page_script "$page" >"$work/page.sh"
	before=$(wc -l <"$work/calls")
	bash "$work/page.sh" "$page" >"$work/out" 2>&1
	# a page's examples that do not parse or name a missing command fail too (curl's answers are checked above)
	grep -E 'syntax error|command not found|unbound variable' "$work/out" | sed "s|^$work/page.sh|$page|" >>"$work/failures"
	echo "$page: $(($(wc -l <"$work/calls") - before)) requests"
done
# every relative link of a page names a file or directory that exists
for page in "${pages[@]}"; do
	grep -o '](\([^)#]*\)\(#[^)]*\)\?)' "$page" | sed 's/^](\([^)#]*\).*/\1/' | grep -v '^\(https\?:\|mailto:\|$\)' | sort -u |
		while read -r link; do
			[ -e "$(dirname "$page")/$link" ] || echo "$page: the link $link names nothing" >>"$work/failures"
		done
done
echo "$(wc -l <"$work/calls") requests in ${#pages[@]} pages"
if [ -s "$work/failures" ]; then
	echo "examples that did not answer as documented:" >&2
	cat "$work/failures" >&2
	exit 1
fi
echo "every example answered as documented"
