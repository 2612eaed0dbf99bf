# SPDX-License-Identifier: GPL-2.0
#
# rvnet: `make` builds the modules, `make check` runs every test, `make demo`
# shows a VLAN at work, `make bench` compares rvnet with the C drivers.
# KDIR=/path/to/a/rust-enabled/kernel builds against another kernel tree.

SHELL := /bin/bash
LLVM ?= -19
export PATH := $(HOME)/.cargo/bin:$(PATH)
export LIBCLANG_PATH ?= /usr/lib/llvm$(LLVM)/lib

KDIR ?= $(shell scripts/build-kernel.sh normal)
KBUILD_FLAGS = -C $(KDIR) M=$(CURDIR) LLVM=$(LLVM) KCFLAGS=-Werror KRUSTFLAGS=-Dwarnings

.PHONY: all modules setup kernel clippy clean check demo bench test-host

all: modules

setup:
	@scripts/setup.sh

kernel: setup
	@scripts/build-kernel.sh normal >/dev/null

modules: setup
	$(MAKE) $(KBUILD_FLAGS) modules

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
	@scripts/vm-run --impl rust -- tests/demo.sh

bench: setup modules
	@scripts/bench.sh
