#!/usr/bin/env bash
# Times `opa eval` and `conftest test` on the same generated plans as the Go
# benchmarks (BenchmarkGate), with the same policies/ directory. Each tool is
# timed only when its binary is on PATH (or given by OPA / CONFTEST); a
# missing tool is skipped with a message. Wall time includes each tool's
# start-up: parse + compile of the policies, plan decode, evaluation.
#
#   bench/compare.sh                 # sizes 100 1000 10000
#   SIZES="100 1000" bench/compare.sh
set -euo pipefail

cd "$(dirname "$0")/.."
sizes=${SIZES:-"100 1000 10000"}
opa=${OPA:-$(command -v opa || true)}
conftest=${CONFTEST:-$(command -v conftest || true)}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for n in $sizes; do
	go run ./bench/genplan -n "$n" >"$tmp/plan-$n.json"
done

# seconds runs "$@" once and prints the wall time in seconds; the tool's
# exit status is ignored (deny findings make conftest exit 1).
seconds() {
	local start end
	start=$(date +%s.%N)
	"$@" >/dev/null 2>&1 || true
	end=$(date +%s.%N)
	awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }'
}

# tfgate itself, end to end (same embedded policies, plus source mapping
# and the text report), for a like-for-like wall time with the tools below.
go build -o "$tmp/tfgate" ./cmd/tfgate

printf '%-10s %-9s %s\n' tool resources seconds
for n in $sizes; do
	printf '%-10s %-9s %s\n' tfgate "$n" "$(seconds "$tmp/tfgate" check --env production "$tmp/plan-$n.json")"
done
if [[ -n "$opa" ]]; then
	for n in $sizes; do
		printf '%-10s %-9s %s\n' opa "$n" "$(seconds "$opa" eval --data policies --input "$tmp/plan-$n.json" --format raw 'data.main.deny')"
	done
else
	echo "opa: not on PATH (set OPA=/path/to/opa), skipped" >&2
fi
if [[ -n "$conftest" ]]; then
	for n in $sizes; do
		printf '%-10s %-9s %s\n' conftest "$n" "$(seconds "$conftest" test --no-color --policy policies "$tmp/plan-$n.json")"
	done
else
	echo "conftest: not on PATH (set CONFTEST=/path/to/conftest), skipped" >&2
fi
