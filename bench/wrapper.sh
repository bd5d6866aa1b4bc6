#!/usr/bin/env bash
# wrapper.sh measures tfgate's own overhead around Terraform on the local
# emulator: the same configuration (terraform/, env dev), the same emulator,
# the same working copy, data dir and provider mirror, run
#   A  tfgate plan --env dev --local  then  tfgate apply --env dev --local
#   B  terraform plan -out + terraform show -json  then  terraform apply PLAN
#      (plain, with the environment tfgate gives Terraform: bench/tfenv)
#   C  tfgate up --env dev --local
# in interleaved rounds (A B C, then C B A, ...), each from an empty state
# (tfgate down between them, untimed). It only times commands, so it can be
# re-run unchanged whatever `up` does after its apply.
#
# then PLAN_ROUNDS more rounds of the plans alone (A's and B's plan, on the
# empty state, no apply): a plan is ~15 s against ~2 min for an apply, so
# the plan ratio gets more samples for the same time.
#
#   bench/wrapper.sh                 # 2 rounds + 4 plan rounds, results in .tmp/wrapper/
#   ROUNDS=3 PLAN_ROUNDS=6 bench/wrapper.sh
#
# Needs moto_server and terraform (tfgate doctor), /usr/bin/time (Debian
# package `time`). An apply of the stack takes 2-4 minutes: a round is
# ~15 minutes. Not part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
rounds=${ROUNDS:-2}
plan_rounds=${PLAN_ROUNDS:-4}
out=${OUT:-$root/.tmp/wrapper}
mkdir -p "$out"
export TMPDIR=${TMPDIR:-$root/.tmp}
mkdir -p "$TMPDIR"
export TFGATE_PLUGIN_DIR=${TFGATE_PLUGIN_DIR:-$(.ci/plugin-dir 2>/dev/null || true)}
[[ -x /usr/bin/time ]] || { echo "wrapper.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }

go build -o "$out/tfgate" ./cmd/tfgate
tfgate=$out/tfgate
tf=$("$tfgate" doctor --which terraform)

# ensure_emu starts the emulator when none runs (untimed): `down` may stop
# the one it used, and plain terraform needs one running.
started=0
ensure_emu() {
	if "$tfgate" local status 2>/dev/null | grep -q 'not running'; then
		"$tfgate" local start >/dev/null
		started=1
	fi
}
cleanup() {
	ensure_emu
	"$tfgate" down --env dev --local >"$out/down-final.log" 2>&1 || true
	if [[ $started == 1 ]]; then "$tfgate" local stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

# Start from nothing, and let tfgate init and prepare the working copy
# (untimed): both sides then run on an initialised data dir.
ensure_emu
"$tfgate" down --env dev --local >"$out/down-0.log" 2>&1 || true
ensure_emu
"$tfgate" local reset >/dev/null
"$tfgate" init --env dev --local >"$out/init.log" 2>&1

# timed NAME ROUND CMD...: runs CMD, appends "name round wall user sys maxrss_kb load1" to times.txt.
timed() {
	local name=$1 round=$2
	shift 2
	local load
	load=$(cut -d' ' -f1 /proc/loadavg)
	if ! /usr/bin/time -f "%e %U %S %M" -o "$out/t.tmp" "$@" >"$out/$name-$round.log" 2>&1; then
		echo "wrapper.sh: $name (round $round) failed, see $out/$name-$round.log" >&2
		tail -20 "$out/$name-$round.log" >&2
		exit 1
	fi
	echo "$name $round $(tail -1 "$out/t.tmp") $load" | tee -a "$out/times.txt"
}

plain_env() {
	eval "$(go run ./bench/tfenv -env dev)"
	varargs=()
	IFS=: read -ra vfs <<<"$TFGATE_VARFILES"
	for f in "${vfs[@]}"; do varargs+=("-var-file=$f"); done
}

# clean destroys what a phase applied and empties the emulator (untimed):
# moto keeps some objects a destroy deleted (a backup plan), and the next
# apply would then collide with them.
clean() {
	"$tfgate" down --env dev --local >"$out/down-$1.log" 2>&1
	ensure_emu
	"$tfgate" local reset >/dev/null
}

run_a() {
	ensure_emu
	timed tfgate-plan "$1" "$tfgate" plan --env dev --local
	timed tfgate-apply "$1" "$tfgate" apply --env dev --local
	clean "a-$1"
}
run_b() {
	ensure_emu
	(
		plain_env
		cd "$TFGATE_WORKDIR"
		timed plain-plan "$1" "$tf" plan -input=false -out="$out/plain.tfplan" "${varargs[@]}"
		timed plain-show "$1" sh -c '"$0" show -json "$1" >"$2"' "$tf" "$out/plain.tfplan" "$out/plain.json"
		if [[ ${2:-} != plan-only ]]; then
			timed plain-apply "$1" "$tf" apply -input=false "$out/plain.tfplan"
		fi
	)
	[[ ${2:-} == plan-only ]] || clean "b-$1"
}
run_c() {
	ensure_emu
	timed tfgate-up "$1" "$tfgate" up --env dev --local
	clean "c-$1"
}

: >"$out/times.txt"
echo "# name round wall_s user_s sys_s maxrss_kb load1   ($(date -u +%FT%TZ), $(git rev-parse --short HEAD), $(nproc) cores)"
for r in $(seq 1 "$rounds"); do
	if ((r % 2)); then run_a "$r"; run_b "$r"; run_c "$r"; else run_c "$r"; run_b "$r"; run_a "$r"; fi
done
# Plan-only rounds: the state stays empty, nothing to clean.
for r in $(seq $((rounds + 1)) $((rounds + plan_rounds))); do
	ensure_emu
	if ((r % 2)); then
		timed tfgate-plan "$r" "$tfgate" plan --env dev --local
		run_b "$r" plan-only
	else
		run_b "$r" plan-only
		timed tfgate-plan "$r" "$tfgate" plan --env dev --local
	fi
done

# Medians per command and the ratios the issue asks for.
awk '
	{ w[$1] = w[$1] " " $3 }
	function median(s,   a, n, i, j, t) {
		n = split(s, a, " ")
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	END {
		for (k in w) m[k] = median(w[k])
		printf "median wall: tfgate plan %.1f s, plain plan+show %.1f s (%.1f + %.1f)\n", m["tfgate-plan"], m["plain-plan"] + m["plain-show"], m["plain-plan"], m["plain-show"]
		if (m["plain-apply"] > 0) {
			printf "median wall: tfgate apply %.1f s, plain apply %.1f s; tfgate up %.1f s, plain plan+show+apply %.1f s\n", m["tfgate-apply"], m["plain-apply"], m["tfgate-up"], m["plain-plan"] + m["plain-show"] + m["plain-apply"]
		}
		printf "ratio plan  (tfgate plan / plain plan+show):        %.3f\n", m["tfgate-plan"] / (m["plain-plan"] + m["plain-show"])
		if (m["plain-apply"] > 0) {
			printf "ratio apply (tfgate apply / plain apply saved plan): %.3f\n", m["tfgate-apply"] / m["plain-apply"]
			printf "ratio up    (tfgate up / plain plan+show+apply):     %.3f\n", m["tfgate-up"] / (m["plain-plan"] + m["plain-show"] + m["plain-apply"])
		}
	}' "$out/times.txt" | tee "$out/summary.txt"
