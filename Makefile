# SPDX-License-Identifier: GPL-2.0-only
# xenpv - Xen paravirtual split drivers as out-of-tree modules.
#
#   make [KDIR=...] [ARCH=arm CROSS_COMPILE=arm-linux-gnueabihf-] modules
#   make check      sparse (C=2) and checkpatch --strict on our sources
#   make clean
#   make test       the test suite (tests/ktest/test)
#
# KDIR defaults to the running kernel's build directory, or, where this
# machine has none (a build host), to the x86_64 board's cached headers.

KVER ?= $(shell uname -r)
KDIR ?= $(firstword $(wildcard /lib/modules/$(KVER)/build) \
		    $(shell $(CURDIR)/tests/ktest/kdir x86_64 2>/dev/null))

SOURCES := $(shell git -C $(CURDIR) ls-files -co --exclude-standard -- \
		'*.c' '*.h' 2>/dev/null | grep -v -e '^tests/' -e '^include/xenpv/host.h$$')
# Xen's ABI names (XenbusStateConnected...) are CamelCase; nothing else is.
CHECKPATCH_IGNORE := --ignore CAMELCASE
CHECKPATCH ?= $(firstword $(wildcard $(KDIR)/scripts/checkpatch.pl) \
			  $(shell $(CURDIR)/tests/ktest/kdir --checkpatch 2>/dev/null))

.PHONY: all modules check clean test unit

all: modules

modules:
	@test -n "$(KDIR)" || { echo "no kernel build tree: set KDIR"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

check:
	@test -n "$(KDIR)" || { echo "no kernel build tree: set KDIR"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) C=2 modules
	@if [ -z "$(SOURCES)" ]; then echo "checkpatch: no sources yet"; \
	elif [ -z "$(CHECKPATCH)" ]; then echo "checkpatch.pl not found (set CHECKPATCH)"; exit 1; \
	else $(CHECKPATCH) --strict --no-tree --quiet $(CHECKPATCH_IGNORE) -f $(SOURCES); fi

clean:
	@test -z "$(KDIR)" || $(MAKE) -C $(KDIR) M=$(CURDIR) clean

test:
	tests/ktest/test

unit:
	$(MAKE) -C tests/unit test fuzz
