# Front door. `make run` and `make test` are all a fresh Debian machine needs.
BUILD ?= build
ASAN_BUILD ?= build-asan
CACHE ?= $(HOME)/.cache/jib
VENV := $(CACHE)/venv
JOBS ?= $(shell nproc)
export CCACHE_DIR ?= $(CACHE)/ccache
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := true

.PHONY: setup build build-asan test unit-test asan-test pytest run bench format clean

setup:
	scripts/setup.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

$(ASAN_BUILD)/build.ninja:
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DJIB_SANITIZE=ON

build: setup $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

build-asan: setup $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target jib_unit_tests

unit-test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

asan-test: build-asan
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

pytest: build
	JIB_BUILD=$(CURDIR)/$(BUILD) $(VENV)/bin/python -m pytest test -q

test: unit-test asan-test pytest

# The demo needs no kube-apiserver: skip its (long, cold) build when setup runs for `make run`.
run: export JIB_SKIP_KUBE := 1
run: build
	scripts/demo.sh $(BUILD)

bench: build
	@echo "see docs/performance.md for the benchmark commands"

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
