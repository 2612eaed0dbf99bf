# SPDX-License-Identifier: GPL-2.0
#
# rvnet: `make` builds the modules, `make check` runs every test, `make demo`
# shows a VLAN at work, `make bench` compares rvnet with the C drivers.
# KDIR=/path/to/a/rust-enabled/kernel builds against another kernel tree.

SHELL := /bin/bash
LLVM ?= $(shell . scripts/env.sh && echo $$LLVM_SUFFIX)
export PATH := $(HOME)/.cargo/bin:$(PATH)
export LIBCLANG_PATH ?= /usr/lib/llvm$(LLVM)/lib

KDIR ?= $(shell scripts/build-kernel.sh normal)
KBUILD_FLAGS = -C $(KDIR) M=$(CURDIR) LLVM=$(LLVM) KCFLAGS=-Werror KRUSTFLAGS=-Dwarnings

.PHONY: all modules modules-debug setup kernel clippy clean check demo bench test-host

all: modules

setup:
	@scripts/setup.sh

kernel: setup
	@scripts/build-kernel.sh normal >/dev/null

modules: setup
	$(MAKE) $(KBUILD_FLAGS) modules

# The same modules for the debug kernel (scripts/vm-run --debug), built in a
# copy of the tree so that both builds can coexist.
DEBUG_TREE := $(CURDIR)/target/debug-tree
modules-debug: setup
	@mkdir -p $(DEBUG_TREE)
	@rsync -a --delete --exclude=/target --exclude=/.git --exclude='*.o' --exclude='*.bc' --exclude='*.ko' \
		--exclude='.*.cmd' --exclude='bindings_generated.rs*' ./ $(DEBUG_TREE)/
	$(MAKE) -C $(shell scripts/build-kernel.sh debug) M=$(DEBUG_TREE) LLVM=$(LLVM) \
		KCFLAGS=-Werror KRUSTFLAGS=-Dwarnings modules

clippy: setup
	$(MAKE) $(KBUILD_FLAGS) CLIPPY=1 modules

test-host:
	cargo test --quiet

clean:
	$(MAKE) $(KBUILD_FLAGS) clean
	cargo clean

check: setup
	@scripts/check.sh

demo: setup modules
	@scripts/vm-run --impl rust -- tests/demo.dump.sh

bench: setup modules
	@scripts/bench.sh
