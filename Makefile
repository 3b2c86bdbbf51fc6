# partner-webhooks: one Rust core, bindings for Python, Node, Kotlin and Swift.
# Every target installs what it needs; `make help` lists them.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
# One shared target/ for the whole workspace (and later the bindings).
export CARGO_TARGET_DIR ?= $(CURDIR)/target

.DEFAULT_GOAL := help
.PHONY: help setup setup-rust build test test-rust lint demo bench clean

help: ## Show this list
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-12s %s\n", $$1, $$2}'

setup: setup-rust ## Install everything the build and tests need

setup-rust: ## Rust components (rustfmt, clippy) and all locked crates
	@command -v $(CARGO) >/dev/null || { echo "cargo not found: install Rust from https://rustup.rs" >&2; exit 1; }
	@if command -v rustup >/dev/null; then rustup component add rustfmt clippy >/dev/null 2>&1 || true; fi
	$(CARGO) fetch --locked

build: setup-rust ## Build the Rust workspace (library, sandbox, CLI)
	$(CARGO) build --workspace --locked

demo: setup-rust ## The whole loop against the embedded sandbox (no network, no credentials)
	$(CARGO) run --locked --quiet -p partner-webhooks-cli -- demo

test: test-rust ## Every test of every language

test-rust: setup-rust ## Rust unit, integration, scenario and doc tests
	$(CARGO) test --workspace --locked

lint: setup-rust ## Formatting and clippy with warnings as errors
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

bench: setup-rust ## Benchmarks (not tests): verify+parse of a 1 KiB signed event
	$(CARGO) bench --locked -p partner-webhooks --bench verify

clean: ## Remove build outputs
	$(CARGO) clean
