# SPDX-License-Identifier: GPL-2.0
#
# Rules shared by the collections. A collection's Makefile sets
# TEST_GEN_PROGS (C programs, one .c each) and TEST_PROGS (scripts), then
# includes this file. Installed beside them: settings and config.

COLLECTION := $(notdir $(CURDIR))
KSFT_DIR ?= $(error KSFT_DIR is not set: build through kselftest/Makefile)
OUTPUT ?= $(CURDIR)/build
CFLAGS ?= -O2 -g
# The harness itself is not -Wextra clean: silence the two it trips.
CFLAGS += -Wall -Wextra -Wno-unused-parameter -Wno-clobbered $(KSFT_WERROR) -D_GNU_SOURCE -I$(KSFT_DIR) -I$(CURDIR)/.. -I$(CURDIR)/../../modules/uaccess_probe
LDLIBS += -lpthread

PROGS := $(addprefix $(OUTPUT)/,$(TEST_GEN_PROGS))

all: $(PROGS)

$(OUTPUT)/%: %.c $(wildcard *.h ../*.h) $(CURDIR)/../../modules/uaccess_probe/uaccess_probe.h
	@mkdir -p $(OUTPUT)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

install: all
	mkdir -p $(INSTALL_PATH)
	install -m 755 $(PROGS) $(TEST_PROGS) $(INSTALL_PATH)/
	install -m 644 settings config $(INSTALL_PATH)/

emit_tests:
	@for t in $(TEST_GEN_PROGS) $(TEST_PROGS); do echo "$(COLLECTION):$$t"; done

.PHONY: all install emit_tests
