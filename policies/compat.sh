#!/bin/sh
# compat.sh [PLAN.json ...]
#
# Runs tfgate's policy library unchanged under plain OPA and conftest:
#   opa test            every *_test.rego (with coverage)
#   conftest verify     the same tests through conftest
#   conftest test       plan JSON files: the stack fixtures of
#                       internal/policy/testdata (production must pass,
#                       the violation plans must fail), or the plans given.
# Tools are taken from $OPA / $CONFTEST, else from PATH; a missing tool is
# reported and skipped. Exit status is non-zero when any check fails.
set -u
here=$(cd "$(dirname "$0")" && pwd)
fixtures="$here/../internal/policy/testdata"
OPA=${OPA:-$(command -v opa || true)}
CONFTEST=${CONFTEST:-$(command -v conftest || true)}
status=0

fail() { echo "FAIL: $*"; status=1; }

if [ -n "$OPA" ]; then
	echo "== opa test $here ($("$OPA" version | head -1))"
	"$OPA" test "$here" || fail "opa test"
	cov=$("$OPA" test --coverage --format=json "$here" 2>/dev/null | grep -o '"coverage": *[0-9.]*' | tail -1)
	echo "   ${cov:-coverage: n/a}"
else
	echo "== opa: not found (set OPA=/path/to/opa), skipped"
fi

if [ -z "$CONFTEST" ]; then
	echo "== conftest: not found (set CONFTEST=/path/to/conftest), skipped"
	exit $status
fi

echo "== conftest verify --policy $here"
"$CONFTEST" verify --no-color --policy "$here" | tail -1 || fail "conftest verify"

# expect FILE 0|1: conftest test must exit with that status.
expect() {
	out=$("$CONFTEST" test --no-color --policy "$here" "$1" 2>&1)
	got=$?
	echo "$out" | tail -1
	[ "$got" -eq "$2" ] || { echo "$out"; fail "conftest test $1: exit $got, want $2"; }
}

if [ $# -gt 0 ]; then
	for p in "$@"; do
		echo "== conftest test $p"
		"$CONFTEST" test --no-color --policy "$here" "$p" || status=1
	done
	exit $status
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for name in production a-base dev noprotect singleaz rdsplain s3plain nowafassoc a-plainsecret a-rdsreplace; do
	[ -f "$fixtures/$name.json.gz" ] || { fail "missing fixture $name"; continue; }
	gunzip -c "$fixtures/$name.json.gz" >"$tmp/$name.json"
	want=1
	case $name in production | a-base | dev) want=0 ;; esac
	echo "== conftest test $name.json (want exit $want)"
	expect "$tmp/$name.json" $want
done
exit $status
