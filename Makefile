# tfgate — the commands a newcomer needs. `make up` and `make test` are the
# two the README names; the rest are their parts.
SHELL := /usr/bin/env bash
GO ?= go
# The provider mirror for offline machines, discovered (see .ci/plugin-dir).
export TFGATE_PLUGIN_DIR ?= $(shell .ci/plugin-dir 2>/dev/null)

.PHONY: build up down doctor test test-unit test-suites lint bench fuzz test-faults check-tools

build:
	$(GO) build -o bin/tfgate ./cmd/tfgate

## up: the dev stack on the local AWS emulator, every feature on (tfgate
## installs a missing Terraform or moto itself; when it cannot start, the
## doctor says what is missing)
up:
	$(GO) run ./cmd/tfgate up --env dev --local || { rc=$$?; $(GO) run ./cmd/tfgate doctor --problems; exit $$rc; }

down:
	$(GO) run ./cmd/tfgate down --env dev --local

## doctor: what `up` needs, where each piece comes from, what to do
doctor:
	$(GO) run ./cmd/tfgate doctor

## test: everything CI runs — unit, Rego, integration, and the plan,
## policy and e2e-local Terratest suites (they start their own emulator).
test: check-tools
	@# The same Rego files under OPA's own CLI (a go.mod tool), as a user would run them.
	$(GO) tool opa test policies
	@# Terratest runs `terraform` from PATH: the one tfgate uses (maybe from its cache) goes first.
	@# TFGATE_TEST_GOPROXY_BUILD: internal/terraform also builds Terraform from the Go module proxy (~3 min).
	tf=$$($(GO) run ./cmd/tfgate doctor --which terraform) && \
	  PATH="$$(dirname "$$tf"):$$PATH" TFGATE_TEST_GOPROXY_BUILD=1 $(GO) test -count=1 -timeout 75m ./...

test-unit:
	$(GO) test -short ./internal/... ./policies/...

lint:
	@out=$$(gofmt -l cmd internal policies test bench 2>/dev/null); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	tf=$$($(GO) run ./cmd/tfgate doctor --which terraform) && "$$tf" fmt -check -recursive terraform
	$(GO) tool opa fmt --list --fail policies
	$(GO) tool opa check --strict policies
	@# The CI workflows (shellcheck on their scripts when it is installed).
	$(GO) tool actionlint

## bench: the gate on generated plans of 100/1k/10k resources, and its parts
## (bench/README.md has the numbers and the peer comparison)
bench:
	$(GO) test -run '^$$' -bench . -benchtime 3x -benchmem -timeout 30m ./bench ./internal/policy
	$(GO) test -run '^$$' -bench . -benchmem ./internal/plan ./internal/report ./internal/emulator

## test-faults: faults in the middle of long operations (Ctrl-C during up,
## the emulator or the whole run killed, two runs at once, an edited saved
## plan or record, a read-only or full .tfgate/) against the real emulator.
## ~10 min; needs root for the tmpfs mounts. Nightly runs it.
test-faults: check-tools
	$(GO) test -tags faults -count=1 -timeout 60m -run 'TestFault|TestIntegrationEmulatorDiesMidApply' -v ./internal/cli

## fuzz: every native fuzz target for FUZZTIME each, one at a time, at low
## priority (docs/RELIABILITY.md has the figures). Crashers land in the
## package's testdata/fuzz and then run as seeds in every `go test`.
FUZZTIME ?= 1m
FUZZ_TARGETS := internal/plan:FuzzPlanParse internal/plan:FuzzStreamDecode internal/plan:FuzzRedactPrecheck internal/gate:FuzzGate \
	internal/config:FuzzConfigLoad internal/policy:FuzzExceptions internal/policy:FuzzEvaluators internal/source:FuzzSourceIndex \
	internal/source:FuzzTfvarsTrace internal/report:FuzzReports
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; fn=$${t##*:}; \
	  echo "== $$fn ($$pkg, $(FUZZTIME))"; \
	  nice -n 19 $(GO) test -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 10s -parallel 1 ./$$pkg; done

## check-tools: what the tests need; tfgate installs a missing Terraform or
## moto into its cache (tfgate doctor says from where, or what to do)
check-tools:
	$(GO) run ./cmd/tfgate doctor --install
