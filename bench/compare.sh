#!/usr/bin/env bash
# compare.sh times tfgate, conftest and opa on the same generated plans
# (bench/genplan) with the same policies, in one interleaved run: each
# round runs every tool on every size, tools in a rotating order, so
# machine load hits all three alike. It prints the medians, the ratios and
# peak RSS against the plan's size, and draws bench/compare.png (time and
# peak memory against plan size; bench/plot, gonum).
#
#   bench/compare.sh                          # sizes 1000 10000 50000, 3 rounds
#   SIZES="1000 10000" ROUNDS=5 bench/compare.sh
#
# conftest and opa are installed pinned (CONFTEST_VERSION, OPA_VERSION) with
# `go install` into a cache dir (TFGATE_BENCH_CACHE, default
# ~/.cache/tfgate-bench), not into this module's go.mod, so the script works
# on a fresh clone. Peak RSS comes from /usr/bin/time -v's sibling format
# %M (Debian package `time`).
#
# What each tool runs (wall time includes start-up, policy compile, plan
# decode, evaluation and output):
#   tfgate    tfgate -C EMPTY check --env production PLAN   (embedded policies,
#             text report; EMPTY is a directory without tfgate.yaml, so no
#             required_tags: the tag rule does not run, as under opa and
#             conftest where the plan carries no tfgate section, and there is
#             no configuration to map findings to)
#   opa       opa eval --data POL --input PLAN data.main.deny
#   conftest  conftest test --policy POL PLAN     (queries deny and warn)
# POL is policies/ without its *_test.rego files (tfgate never loads tests;
# opa and conftest would otherwise compile them too). All three report the
# same denies (checked below before timing).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
sizes=${SIZES:-"1000 10000 50000"}
rounds=${ROUNDS:-3}
conftest_version=${CONFTEST_VERSION:-v0.71.1}
opa_version=${OPA_VERSION:-v1.22.3}
cache=${TFGATE_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tfgate-bench}
out=${OUT:-$root/.tmp/compare}
png=${PNG:-$root/bench/compare.png}
mkdir -p "$out" "$cache"
export TMPDIR=${TMPDIR:-$root/.tmp}
mkdir -p "$TMPDIR"

[[ -x /usr/bin/time ]] || { echo "compare.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
command -v jq >/dev/null || { echo "compare.sh: jq missing (apt-get install jq)" >&2; exit 2; }

# install NAME MODULE VERSION: go install MODULE@VERSION into the cache once.
install() {
	local name=$1 mod=$2 ver=$3 dir="$cache/$1-$3"
	if [[ ! -x $dir/$name ]]; then
		echo "installing $name $ver into $dir ..." >&2
		# Outside this module: go install pkg@version ignores go.mod anyway,
		# GOFLAGS must not force -mod=vendor or the like.
		(cd "$cache" && GOFLAGS= GOBIN="$dir" go install "$mod@$ver") >&2
	fi
	echo "$dir/$name"
}
opa=$(install opa github.com/open-policy-agent/opa "$opa_version")
conftest=$(install conftest github.com/open-policy-agent/conftest "$conftest_version")
go build -o "$out/tfgate" ./cmd/tfgate
tfgate=$out/tfgate

empty=$out/empty
mkdir -p "$empty"
pol=$out/policies
rm -rf "$pol" && mkdir -p "$pol"
(cd policies && find . -name '*.rego' ! -name '*_test.rego' -exec cp --parents {} "$pol" \;)

for n in $sizes; do
	[[ -s $out/plan-$n.json ]] || go run ./bench/genplan -n "$n" >"$out/plan-$n.json"
done

# Same denies from all three (untimed).
echo "denies per tool (must agree):"
for n in $sizes; do
	p=$out/plan-$n.json
	t=$("$tfgate" -C "$empty" check --env production --output json="$out/tfgate-$n.json" "$p" >/dev/null 2>&1 || true
		jq '[.findings[] | select(.enforcement == "deny" and (.waived | not) and (.unknown | not))] | length' "$out/tfgate-$n.json")
	o=$("$opa" eval --data "$pol" --input "$p" --format json 'data.main.deny' | jq '.result[0].expressions[0].value | length')
	c=$("$conftest" test --no-color --output json --policy "$pol" "$p" 2>/dev/null | jq '[.[].failures // [] | length] | add' || true)
	echo "  $n resources: tfgate $t, opa $o, conftest $c"
	if [[ $t != "$o" || $t != "$c" ]]; then
		echo "compare.sh: the tools disagree on $n resources" >&2
		exit 1
	fi
done

# timed TOOL N ROUND CMD...: one run; appends a results line.
results=$out/results.tsv
timed() {
	local tool=$1 n=$2 r=$3 load
	shift 3
	load=$(cut -d' ' -f1 /proc/loadavg)
	/usr/bin/time -f "%e %U %S %M" -o "$out/t.tmp" "$@" >/dev/null 2>&1 || true
	printf '%s %s %s %s %s %s\n' "$tool" "$n" "$(stat -c %s "$out/plan-$n.json")" "$r" "$(tail -1 "$out/t.tmp")" "$load" >>"$results"
}
run_tool() {
	local tool=$1 n=$2 r=$3 p=$out/plan-$2.json
	case $tool in
	tfgate) timed tfgate "$n" "$r" "$tfgate" -C "$empty" check --env production "$p" ;;
	opa) timed opa "$n" "$r" "$opa" eval --data "$pol" --input "$p" --format raw 'data.main.deny' ;;
	conftest) timed conftest "$n" "$r" "$conftest" test --no-color --policy "$pol" "$p" ;;
	esac
}

start_load=$(cut -d' ' -f1-3 /proc/loadavg)
stamp="$(date -u +'%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD), $(nproc) cores"
echo "# tool resources plan_bytes round wall_s user_s sys_s maxrss_kib load1   ($stamp)" >"$results"
tools=(tfgate opa conftest)
for r in $(seq 1 "$rounds"); do
	for n in $sizes; do
		for i in 0 1 2; do
			run_tool "${tools[$(((i + r) % 3))]}" "$n" "$r"
		done
	done
done
end_load=$(cut -d' ' -f1-3 /proc/loadavg)

echo "$stamp; load average at start $start_load, at end $end_load"
awk -v sizes="$sizes" '
	!/^#/ { k = $1 " " $2; w[k] = w[k] " " $5; c[k] = c[k] " " ($6 + $7); m[k] = m[k] " " $8; mb[$2] = $3 / 1048576 }
	function median(s,   a, n, i, j, t) {
		n = split(s, a, " ")
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	END {
		printf "%-9s %8s %9s %9s %9s %10s %10s %9s %9s\n", "resources", "plan MiB", "tfgate s", "opa s", "conftest", "conftest/t", "opa/tfgate", "tfgate MiB", "RSS/plan"
		ns = split(sizes, S, " ")
		for (i = 1; i <= ns; i++) {
			n = S[i]
			t = median(w["tfgate " n]); o = median(w["opa " n]); f = median(w["conftest " n])
			tm = median(m["tfgate " n]) / 1024
			printf "%-9s %8.1f %9.2f %9.2f %9.2f %10.2f %10.2f %9.0f %9.1f\n", n, mb[n], t, o, f, f / t, o / t, tm, tm / mb[n]
		}
		printf "\nCPU seconds (user+sys, median) and peak RSS MiB (median):\n"
		for (i = 1; i <= ns; i++) {
			n = S[i]
			printf "  %-6s tfgate %6.2f s %6.0f MiB | opa %6.2f s %6.0f MiB | conftest %6.2f s %6.0f MiB\n", n,
				median(c["tfgate " n]), median(m["tfgate " n]) / 1024, median(c["opa " n]), median(m["opa " n]) / 1024,
				median(c["conftest " n]), median(m["conftest " n]) / 1024
		}
	}' "$results" | tee "$out/summary.txt"

(cd bench/plot && go run . -in "$results" -out "$png" -title "$stamp, load $start_load .. $end_load")
echo "plot: $png"
