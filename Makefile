# tfgate — the commands a newcomer needs. `make up` and `make test` are the
# two the README names; the rest are their parts.
SHELL := /usr/bin/env bash
GO ?= go
# The provider mirror for offline machines, discovered (see .ci/plugin-dir).
export TFGATE_PLUGIN_DIR ?= $(shell .ci/plugin-dir 2>/dev/null)

.PHONY: build up down test test-unit test-suites lint bench check-tools

build:
	$(GO) build -o bin/tfgate ./cmd/tfgate

## up: the dev stack on the local AWS emulator, every feature on
up:
	$(GO) run ./cmd/tfgate up --env dev --local

down:
	$(GO) run ./cmd/tfgate down --env dev --local

## test: everything CI runs — unit, Rego, integration, and the plan,
## policy and e2e-local Terratest suites (they start their own emulator).
test: check-tools
	@# The same Rego files under OPA's own CLI (a go.mod tool), as a user would run them.
	$(GO) tool opa test policies
	$(GO) test -count=1 -timeout 75m ./...

test-unit:
	$(GO) test -short ./internal/... ./policies/...

lint:
	@out=$$(gofmt -l cmd internal policies test bench 2>/dev/null); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	terraform fmt -check -recursive terraform
	$(GO) tool opa fmt --list --fail policies
	$(GO) tool opa check --strict policies
	@# The CI workflows (shellcheck on their scripts when it is installed).
	$(GO) tool actionlint

## bench: the gate on generated plans of 100/1k/10k resources, and its parts
## (bench/README.md has the numbers and the peer comparison)
bench:
	$(GO) test -run '^$$' -bench . -benchtime 3x -benchmem -timeout 30m ./bench ./internal/policy
	$(GO) test -run '^$$' -bench . -benchmem ./internal/plan ./internal/report ./internal/emulator

check-tools:
	@command -v terraform >/dev/null || { echo "terraform is not on PATH (need >= 1.5)"; exit 1; }
	@command -v moto_server >/dev/null || { echo "moto_server is not on PATH: install moto[server]==5.2.1 (pip)"; exit 1; }
	@[ -n "$$TFGATE_PLUGIN_DIR" ] || { echo "no hashicorp/aws provider mirror found: set TFGATE_PLUGIN_DIR"; exit 1; }
