# SPDX-License-Identifier: GPL-2.0-only
# xenpv - Xen paravirtual split drivers as out-of-tree modules.
#
#   make [KDIR=...] [ARCH=arm CROSS_COMPILE=arm-linux-gnueabihf-] modules
#   make check      sparse (C=2) and checkpatch --strict on our sources
#   make install    the built modules into /lib/modules/<ver>/updates/xenpv
#                   (<ver> from the modules' vermagic), then depmod;
#                   DESTDIR=... installs under another root
#   make uninstall  removes them again
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

# What "make install" installs: every module built in a driver directory.
# Test-only modules live under tests/ and are never installed.
INSTALL_KOS = $(sort $(wildcard $(CURDIR)/*/*.ko))
MODVER = $(shell modinfo -F vermagic $(firstword $(INSTALL_KOS)) 2>/dev/null | cut -d' ' -f1)
MODDIR = $(DESTDIR)/lib/modules/$(MODVER)/updates/xenpv
DEPMOD_ROOT = $(if $(DESTDIR),-b $(DESTDIR))

.PHONY: all modules check clean test unit install uninstall

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

install:
	@test -n "$(INSTALL_KOS)" || { echo "no modules built: run make modules first"; exit 1; }
	@test -n "$(MODVER)" || { echo "cannot read the modules' vermagic (modinfo)"; exit 1; }
	install -d $(MODDIR)
	install -m 0644 $(INSTALL_KOS) $(MODDIR)/
	depmod $(DEPMOD_ROOT) -a $(MODVER)
	@echo "installed $(words $(INSTALL_KOS)) modules for $(MODVER) in $(MODDIR)"

uninstall:
	@test -n "$(KVER)" || { echo "set KVER"; exit 1; }
	rm -rf $(DESTDIR)/lib/modules/$(or $(MODVER),$(KVER))/updates/xenpv
	depmod $(DEPMOD_ROOT) -a $(or $(MODVER),$(KVER))

clean:
	@test -z "$(KDIR)" || $(MAKE) -C $(KDIR) M=$(CURDIR) clean

test:
	tests/ktest/test

unit:
	$(MAKE) -C tests/unit test fuzz
