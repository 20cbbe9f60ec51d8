# Top-level build of Denali for Linux: module, denalictl, Ilwaco guests, test VMs.
#
#   make               denali.ko (against KDIR), denalictl, the Ilwaco guests
#   make demo          boot the QEMU test VM and show the module working
#   make check         every test: compile checks, KUnit, QEMU (AMD-V), Bochs (VT-x)
#   make bench BENCH=idle [BACKEND=svm|vmx]   a benchmark of bench/, on demand
#   make fuzz FUZZ=ctl|guest SECONDS=600      a fuzzer, for longer than make check
#   make emulator-flaw   QEMU's TCG flaw (Documentation/testing.rst), without the module
#   make KDIR=/path    build the module against any kernel tree
#
# Everything generated goes to build/ (or O=...); the test kernel is cached
# outside the tree (scripts/testkernel.sh, DENALI_CACHE).

SHELL := /bin/bash
TOP := $(CURDIR)
O ?= $(TOP)/build
DENALI_VERSION := $(shell git -C $(TOP) describe --always --dirty 2>/dev/null || echo 0)

# The test kernels' trees: the plain one is Debian's 6.12, installed (its
# headers; Bochs, the demo, benchmarks), the debug flavour is built on
# first use and cached (KASAN, lockdep, ...: the AMD-V suite and KUnit in
# make check).
TESTKDIR = $(eval TESTKDIR := $(shell $(TOP)/scripts/testkernel.sh))$(TESTKDIR)
TESTKDIR_DEBUG = $(eval TESTKDIR_DEBUG := $(shell $(TOP)/scripts/testkernel.sh debug))$(TESTKDIR_DEBUG)

RUNNING_KDIR := /lib/modules/$(shell uname -r)/build
ifeq ($(origin KDIR),undefined)
ifneq ($(wildcard $(RUNNING_KDIR)/Makefile),)
KDIR := $(RUNNING_KDIR)
else
KDIR = $(TESTKDIR)
endif
endif

MODSRC := Kbuild module uapi kunit tests/kmod

# $(call modbuild,OUTDIR,KDIR,EXTRA-ARGS): build the module in a copy of the
# sources, so builds against different kernels never share objects.
define modbuild
	@mkdir -p $(1)
	@rsync -aR --delete --exclude='*.o' --exclude='.*.cmd' --exclude='*.ko' \
		--exclude='*.mod*' --exclude=modules.order --exclude=Module.symvers \
		$(MODSRC) $(1)/ 2>/dev/null || rsync -aR $(MODSRC) $(1)/
	$(MAKE) -C $(2) M=$(1) O= DENALI_VERSION=$(DENALI_VERSION) $(3) modules
endef


.PHONY: emulator-flaw deps all module userspace guests testprogs kernel kernel-debug test-module test-module-debug \
	initramfs initramfs-debug demo demo-vmx bench fuzz check \
	check-svm check-vmx compile-checks checkpatch clean help

all: module userspace guests

help:
	@sed -n '3,8p' Makefile

module:
	$(call modbuild,$(O)/mod,$(KDIR),)
	@cp $(O)/mod/denali.ko $(O)/denali.ko
	@echo "built $(O)/denali.ko against $(KDIR)"

userspace:
	$(MAKE) -C userspace O=$(O)

guests:
	$(MAKE) -C ilwaco O=$(O)/ilwaco

testprogs:
	$(MAKE) -C tests/progs O=$(O)

kernel:
	@echo $(TESTKDIR)

kernel-debug:
	@echo $(TESTKDIR_DEBUG)

# The module and its KUnit suites, built against the test kernel.
test-module:
	$(call modbuild,$(O)/mod-test,$(TESTKDIR),W=1)

initramfs: test-module userspace guests testprogs
	scripts/mkinitramfs.sh $(TESTKDIR) $(O)/mod-test $(O) $(O)/initramfs.cpio.gz

# The same against the debug kernel, with denali-checkers.ko.
test-module-debug:
	$(call modbuild,$(O)/mod-test-debug,$(TESTKDIR_DEBUG),W=1)

initramfs-debug: test-module-debug userspace guests testprogs
	scripts/mkinitramfs.sh $(TESTKDIR_DEBUG) $(O)/mod-test-debug $(O) $(O)/initramfs-debug.cpio.gz

deps:
	@scripts/install-deps.sh

demo: deps
	$(MAKE) initramfs
	scripts/demo.sh $(TESTKDIR) $(O) svm

# The same demo on VT-x, in Bochs (about 11 minutes).
demo-vmx: deps
	$(MAKE) initramfs
	scripts/demo.sh $(TESTKDIR) $(O) vmx

# Benchmarks (bench/NAME.sh) run on demand, never by make check.
BENCH ?= idle
BACKEND ?= svm
bench: deps
	$(MAKE) initramfs
	DENALI_DEMO_TIMEOUT=$${DENALI_DEMO_TIMEOUT:-3600} scripts/demo.sh $(TESTKDIR) $(O) $(BACKEND) /bench/$(BENCH).sh

# A fuzzer for longer than make check runs it, on the debug kernel:
# make fuzz FUZZ=ctl|guest SECONDS=600 (ctl: tests/fuzz/ctlfuzz.c from seed
# 1000 on; guest: ilwaco/apps/hostile/bad-fuzz.c from seed 100000 on).
FUZZ ?= ctl
SECONDS ?= 600
fuzz: deps
	@case "$(FUZZ)" in ctl|guest) ;; *) echo "make fuzz: FUZZ must be ctl or guest" >&2; exit 2 ;; esac
	$(MAKE) initramfs-debug
	DENALI_TESTS=$(if $(filter ctl,$(FUZZ)),37-ctlfuzz,38-guestfuzz) \
	DENALI_VM_ENV="FUZZ_SECONDS=$(SECONDS) GUESTFUZZ_FIRST=100000 DENALI_CASE_TIMEOUT=$$(( $(SECONDS) + 1800 ))" \
		DENALI_QEMU_TIMEOUT=$$(( $(SECONDS) + 3600 )) scripts/run-tests.sh svm $(TESTKDIR_DEBUG) $(O) debug

# The emulator flaw of Documentation/testing.rst reproduced without the
# module: a KVM guest under QEMU's multi-threaded TCG (the flaw shows),
# then single-threaded (it does not). On demand only.
emulator-flaw: deps
	$(MAKE) initramfs
	-DENALI_QEMU_TCG_OPTS=thread=multi DENALI_GROUPS=flaw DENALI_RESULTS=flaw-multi \
		scripts/run-tests.sh svm $(TESTKDIR) $(O) plain
	DENALI_QEMU_TCG_OPTS=thread=single DENALI_GROUPS=flaw DENALI_RESULTS=flaw-single \
		scripts/run-tests.sh svm $(TESTKDIR) $(O) plain

check-svm: initramfs-debug
	scripts/run-tests.sh svm $(TESTKDIR_DEBUG) $(O) debug

check-vmx: initramfs
	scripts/run-tests.sh vmx $(TESTKDIR) $(O)

compile-checks:
	scripts/compile-checks.sh $(O)

checkpatch:
	scripts/checkpatch.sh $(TESTKDIR_DEBUG)

check: deps
	$(MAKE) initramfs
	scripts/check.sh $(TESTKDIR) $(O)

clean:
	rm -rf $(O)
	$(MAKE) -C ilwaco O=$(O)/ilwaco clean 2>/dev/null || true
