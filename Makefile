# Stint — the verbs (design.md §7). Each target is a few lines; the work is in deploy/local/.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

UV = $(shell deploy/local/tools.sh uv)
BUF = $(shell deploy/local/tools.sh buf)
# `sync` installs every workspace member (services too) and every dev group; later steps run in
# that environment as it is.
RUN = $(UV) run --frozen --no-sync
PYTEST = $(RUN) pytest

.PHONY: help sync token run up down status restart dlq chaos demo topics test lint typecheck proto proto-check unit integration infra-up infra-down validate-deploy bench

help: ## list the verbs
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

sync: ## install Python 3.11 deps from uv.lock (uv itself comes from PyPI when missing)
	$(UV) sync --frozen --all-packages --all-groups

token: ## print a development JWT: make token ROLE=employer ORG=cmp_acme SUB=u1
	@$(RUN) python -m gateway.token --role "$(ROLE)" --org "$(ORG)" --sub "$(or $(SUB),dev-user)"

run: sync ## install what is missing, start everything in the foreground; Ctrl-C stops it
	deploy/local/platform.sh run

up: sync ## the same platform in the background
	deploy/local/platform.sh up

down: ## stop everything `make up` started
	deploy/local/platform.sh down

status: ## every process of the local platform: pid, ports, ready (exit 1 unless all are)
	deploy/local/platform.sh status

restart: ## restart one service as `make up` started it: make restart SERVICE=payouts
	deploy/local/platform.sh restart "$(SERVICE)"

dlq: ## dead letters per service; make dlq REDRIVE=payouts [OFFSET=n] re-drives them (ids kept)
	$(RUN) python -m stint.kit.dlq $(if $(REDRIVE),redrive "$(REDRIVE)" $(if $(OFFSET),--offset "$(OFFSET)"),list)

topics: ## create the Kafka topics from stint.contracts.topics on the running broker (idempotent)
	deploy/local/platform.sh topics

demo: ## with the platform up: a whole micro-internship through the REST API, narrated
	$(RUN) python deploy/local/demo.py $(if $(URL),--url "$(URL)")

proto: sync ## regenerate libs/contracts from protos/
	$(RUN) python libs/contracts/tools/generate.py

lint: sync ## ruff, ruff format, buf lint, buf breaking (against main, or the previous commit on main)
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(BUF) lint
	against="$$(deploy/local/proto-baseline.sh)"; \
	if [ -n "$$against" ]; then echo "buf breaking --against $$against"; $(BUF) breaking --against "$$against"; \
	else echo "buf breaking: no earlier commit to compare with"; fi

typecheck: sync ## mypy --strict over libs and services
	$(RUN) mypy libs/kit/src libs/contracts/src libs/contracts/tools $(wildcard services/*/src) tools/bench

unit: sync ## fast tests, no I/O
	$(PYTEST) -m "not integration and not e2e" -q

chaos: sync ## lifecycles under kill -9 / restart / stall of every process, broker and database too; then the invariants (STINT_CHAOS_SEEDS=15,16)
	STINT_CHAOS=full deploy/local/pytest.sh "$(RUN)" tests/chaos -q -s

bench: sync ## lifecycles through the gateway of a private stack, with baselines: one table (BENCH_ARGS=--help)
	$(RUN) python -m tools.bench $(BENCH_ARGS)

validate-deploy: sync ## offline checks: compose spec, kustomize overlays vs K8s/CRD schemas, promtool rules + tests
	deploy/tools/validate.sh $(UV)

test: lint typecheck validate-deploy ## everything CI checks: lint, types, contract drift, unit, integration, e2e, manifests
	deploy/local/pytest.sh "$(RUN)" -q
