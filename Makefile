# SPDX-License-Identifier: GPL-2.0
#
# allocsuite: tests of the kernel's memory-allocation and user-copy APIs.
# `make help` lists the targets and variables.

# The kernel under test: empty means Debian's linux-source-6.12, extracted
# once into $(XDG_CACHE_HOME)/allocsuite (default ~/.cache/allocsuite).
KDIR ?=
# Where the kernel is built (O=): default, a folder in that cache.
BUILD_DIR ?=
# Config on top of configs/base.config: base or debug.
CONFIG ?= base
# Target: um (User Mode Linux, the default) or x86_64 (QEMU, several CPUs).
ARCH ?=
# ARCH=x86_64: virtual CPUs (default 2), and tcg (default) or kvm (used
# only after a probe boot with KVM succeeds).
CPUS ?=
ACCEL ?=
# Tiers to run, comma-separated: kunit, stress, kselftest (default all).
TIER ?=
# KUnit glob: suite or suite.case, as kunit.filter_glob takes it.
FILTER ?=
# Seconds before a hung kernel is killed.
TIMEOUT ?= 600
# Parallel build jobs.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# Where run folders go.
RESULTS ?= $(CURDIR)/results
# make soak: how many make check runs, 1 to 1000.
N ?= 20
# make compare: the kernel tree or run folder(s) to compare with, the other
# side (default KDIR, or the default tree), and make check runs per tree.
BASE ?=
NEW ?= $(KDIR)
RUNS ?= 3
# make bench: how many times to measure the pre-submit loop (0: not at all).
LOOP ?= 3

# Debian's python3 when there is one: its packages (python3-matplotlib)
# install into it, not into a python3 of one's own earlier on PATH.
PYTHON ?= $(firstword $(wildcard /usr/bin/python3) python3)
RUNNER := $(PYTHON) $(CURDIR)/scripts/allocsuite
# What every command that runs kernels passes (the runner's RUN_OPTIONS).
RUN_ARGS = --kdir '$(KDIR)' --build-dir '$(BUILD_DIR)' --config '$(CONFIG)' \
	--arch '$(ARCH)' --cpus '$(CPUS)' --accel '$(ACCEL)' --timeout '$(TIMEOUT)' \
	--jobs '$(JOBS)' --results '$(RESULTS)'
DEPS_EXTRA = $(if $(KDIR),,default-kernel) $(ARCH)

.DEFAULT_GOAL := help

help:
	@echo 'allocsuite: tests of the kernel memory-allocation and user-copy APIs'
	@echo
	@echo 'Targets:'
	@echo '  check   build the kernel under test for the target (incremental), build'
	@echo '          the modules and kselftests, boot, run every tier, write results/'
	@echo '          (exit 0 only when everything passed)'
	@echo '  test    the project'"'"'s own tests: checkpatch, shellcheck, glue unit'
	@echo '          tests, W=1 builds, make check, and the negative controls'
	@echo '  bench   allocations per second of each alloc_torture context in a'
	@echo '          default run, beside a process-context kmalloc/kfree loop; then'
	@echo '          LOOP=<n> (default 3, 0: skip) times the pre-submit loop: warm'
	@echo '          make check, one mm/ file changed, time outside the tests'
	@echo '  soak    N=<runs> (default 20, at most 1000): make check N times in a row,'
	@echo '          then every test that failed in any run, with how often'
	@echo '  compare BASE=<tree|run folder> [NEW=<tree|run folder>] [RUNS=3]: what changed'
	@echo '          from BASE to NEW (default KDIR): verdicts, reports, stress rates'
	@echo '          beyond the noise; exit 1 when something got worse'
	@echo '  intree  KDIR=<writable tree>: copy kunit/ into its lib/ with Kconfig and'
	@echo '          Makefile hooks, and print the kunit.py command that runs it'
	@echo '  deps    install the Debian packages make check needs (as root),'
	@echo '          or print the apt-get command'
	@echo '  clean   remove results/ run folders'
	@echo '  help    this text'
	@echo
	@echo 'Variables (make check):'
	@echo '  KDIR=<tree>       kernel source tree to test, 6.1 or newer, never written'
	@echo '                    to (default: Debian linux-source-6.12, in the cache)'
	@echo '  BUILD_DIR=<dir>   kernel build folder, O= (default: in the cache)'
	@echo '  CONFIG=base|debug config fragment on top of configs/base.config'
	@echo '  ARCH=um|x86_64    target: User Mode Linux (default, 1 CPU) or x86_64'
	@echo '                    under QEMU (configs/arch/<ARCH>.config on top of base)'
	@echo '  CPUS=<n>          ARCH=x86_64: virtual CPUs, 2 to 64 (default 2)'
	@echo '  ACCEL=tcg|kvm     ARCH=x86_64: TCG (default), or KVM once a probe boot'
	@echo '                    with it succeeded (TCG otherwise, the summary says why)'
	@echo '  TIER=<list>       kunit, stress, kselftest; comma-separated (default all)'
	@echo '  FILTER=<glob>     KUnit suite[.case] glob, e.g. alloc_kmalloc or "*.kzalloc*"'
	@echo '  TIMEOUT=<s>       kill a hung kernel after this many seconds (default 600)'
	@echo '  JOBS=<n>          parallel build jobs (default: number of CPUs)'
	@echo '  RESULTS=<dir>     where run folders go (default: results/)'
	@echo
	@echo 'Cache: $${XDG_CACHE_HOME:-~/.cache}/allocsuite holds kernel sources, builds'
	@echo 'and ccache, shared by every clone.'

deps:
	@sh scripts/deps.sh check $(DEPS_EXTRA)

check:
	@sh scripts/deps.sh check $(DEPS_EXTRA)
	@$(RUNNER) check $(RUN_ARGS) --tier '$(TIER)' --filter '$(FILTER)'

bench:
	@sh scripts/deps.sh compare $(DEPS_EXTRA)
	@$(RUNNER) bench $(RUN_ARGS) --loop '$(LOOP)'

soak:
	@$(RUNNER) soak --n '$(N)' --results '$(RESULTS)' -- 'KDIR=$(KDIR)' \
		'BUILD_DIR=$(BUILD_DIR)' 'CONFIG=$(CONFIG)' 'TIER=$(TIER)' 'FILTER=$(FILTER)' \
		'ARCH=$(ARCH)' 'CPUS=$(CPUS)' 'ACCEL=$(ACCEL)' 'TIMEOUT=$(TIMEOUT)' 'JOBS=$(JOBS)'

compare:
	@sh scripts/deps.sh compare $(DEPS_EXTRA)
	@$(RUNNER) compare $(RUN_ARGS) --base '$(BASE)' --new '$(NEW)' --runs '$(RUNS)' \
		--tier '$(TIER)'

intree:
	@bash scripts/intree.sh '$(KDIR)' '$(BUILD_DIR)'

test:
	@sh scripts/deps.sh test default-kernel
	@bash tests/run

clean:
	find '$(RESULTS)' -mindepth 1 -maxdepth 1 ! -name README.md ! -name .gitignore \
		-exec rm -rf {} +

.PHONY: help deps check bench soak compare intree test clean
