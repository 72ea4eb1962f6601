# hopdoc build. `make` builds build/hopdoc; `make check` runs every test;
# `make demo` runs the main job in a lab.
#
# src/ is layered by folder (docs/architecture.md). Sources are found per
# folder and objects mirror them under $(BUILD)/obj/<dir>/. Two archives:
#   libhopdoc_core.a  base model stats render diag import (no socket calls)
#   libhopdoc_net.a   probe resolve host agent metrics oneway mtrpacket monitor (host: the
#                     ethtool ioctl; monitor: SQLite)
#   libhopdoc_tui.a   the interactive view (ncurses)
# The CLI's objects are in none of them; tests of the CLI link them from
# libhopdoc_cli.a, a build-internal archive. New modules, tests
# (tests/unit/<dir>/test_*.c) and fuzzers (fuzz/fuzz_*.c) are picked up by
# wildcard.

CC      ?= cc
BUILD   ?= build
PREFIX  ?= /usr/local
STD     := -std=c17
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wcast-qual -Wformat=2 -Wpointer-arith -Wundef -Wvla
OPT     ?= -O2 -g
SAN     ?=
CPPFLAGS += -D_GNU_SOURCE -Isrc
CFLAGS  += $(STD) $(WARN) $(OPT) $(SAN)
DEPFLAGS := -MMD -MP

PKG_CONFIG ?= pkg-config
LIBS_CORE := $(shell $(PKG_CONFIG) --libs jansson) -lm
LIBS_NET  := $(shell $(PKG_CONFIG) --libs libcap libmicrohttpd libcurl sqlite3) -lpthread -lresolv
LIBS_TEST := $(shell $(PKG_CONFIG) --libs cmocka)
LIBS_TUI  := $(shell $(PKG_CONFIG) --libs ncurses)

CORE_DIRS := base model stats render diag import
NET_DIRS  := probe resolve host agent metrics oneway mtrpacket monitor
TUI_DIRS  := tui
CLI_DIRS  := cli

srcs_in = $(foreach d,$(1),$(wildcard src/$(d)/*.c))
objs_of = $(patsubst src/%.c,$(BUILD)/obj/%.o,$(1))

CORE_OBJ := $(call objs_of,$(call srcs_in,$(CORE_DIRS)))
NET_OBJ  := $(call objs_of,$(call srcs_in,$(NET_DIRS)))
TUI_OBJ  := $(call objs_of,$(call srcs_in,$(TUI_DIRS)))
CLI_OBJ  := $(call objs_of,$(filter-out src/cli/main.c,$(call srcs_in,$(CLI_DIRS))))
MAIN_OBJ := $(BUILD)/obj/cli/main.o

CORE_LIB := $(BUILD)/libhopdoc_core.a
NET_LIB  := $(BUILD)/libhopdoc_net.a
TUI_LIB  := $(BUILD)/libhopdoc_tui.a
CLI_LIB  := $(BUILD)/libhopdoc_cli.a

# Unit tests mirror src/: a test under tests/unit/<dir>/ links what its layer
# may use (core; net and core; the CLI and all below). tests/unit/lab tests a
# lab tool and needs the packet code.
TEST_SRC := $(wildcard tests/unit/*/test_*.c)
TEST_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRC))
LAB_SRC  := $(wildcard tests/lab/*.c)
LAB_BIN  := $(LAB_SRC:tests/lab/%.c=$(BUILD)/lab/%)
TOOL_SRC := $(wildcard tests/tools/*.c)
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)

.PHONY: all deps tools labtools unit unit-build unit-san clang golden lab layers test-map nm-core \
        fuzz-build fuzz-smoke check demo bench bench-import install clean

all: $(BUILD)/hopdoc

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(CORE_LIB): $(CORE_OBJ)
$(NET_LIB): $(NET_OBJ)
$(TUI_LIB): $(TUI_OBJ)
$(CLI_LIB): $(CLI_OBJ)
$(CORE_LIB) $(NET_LIB) $(TUI_LIB) $(CLI_LIB):
	rm -f $@
	ar rcs $@ $^

$(BUILD)/hopdoc: $(MAIN_OBJ) $(CLI_LIB) $(TUI_LIB) $(NET_LIB) $(CORE_LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS_TUI) $(LIBS_NET) $(LIBS_CORE)

# ---- tests ------------------------------------------------------------------
define test_rule
$(BUILD)/tests/$(1)/%: tests/unit/$(1)/%.c $(2)
	@mkdir -p $$(@D)
	$$(CC) $$(CPPFLAGS) $$(CFLAGS) $$(DEPFLAGS) -o $$@ $$< $(2) $$(LIBS_TEST) $(3)
endef
$(foreach d,$(CORE_DIRS),$(eval $(call test_rule,$(d),$(CORE_LIB),$(LIBS_CORE))))
$(foreach d,$(NET_DIRS) lab,$(eval $(call test_rule,$(d),$(NET_LIB) $(CORE_LIB),$(LIBS_NET) $(LIBS_CORE))))
$(eval $(call test_rule,tui,$(TUI_LIB) $(CORE_LIB),$(LIBS_TUI) $(LIBS_CORE)))
$(eval $(call test_rule,cli,$(CLI_LIB) $(TUI_LIB) $(NET_LIB) $(CORE_LIB),$(LIBS_TUI) $(LIBS_NET) $(LIBS_CORE)))

# Lab tools (emulator, wire pairer) stand alone; test drivers link the layers.
$(BUILD)/lab/%: tests/lab/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -o $@ $< $(LIBS_CORE)
# $^ would also hold the headers the -MMD files add as prerequisites.
$(BUILD)/tools/render_golden: tests/tools/render_golden.c $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -o $@ $(filter %.c %.a,$^) $(LIBS_CORE)
$(BUILD)/tools/tui_golden: tests/tools/tui_golden.c $(TUI_LIB) $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -o $@ $(filter %.c %.a,$^) $(LIBS_TUI) $(LIBS_CORE)
$(BUILD)/tools/probe_dump: tests/tools/probe_dump.c $(NET_LIB) $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -o $@ $(filter %.c %.a,$^) $(LIBS_NET) $(LIBS_CORE)

tools: $(TOOL_BIN)
labtools: $(LAB_BIN)

deps:
	@scripts/install-deps.sh

unit-build: $(TEST_BIN)

unit: $(TEST_BIN)
	@tests/run-unit.sh $(TEST_BIN)

# The same unit tests under AddressSanitizer and UndefinedBehaviorSanitizer.
unit-san:
	@$(MAKE) --no-print-directory BUILD=build/san OPT="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" unit

# clang must build everything warning-free too.
clang:
	@$(MAKE) --no-print-directory BUILD=build/clang CC=clang all tools labtools unit-build

golden: all tools
	@tests/golden/run.sh $(BUILD)/hopdoc

lab: all tools labtools
	@tests/lab/run.sh

# Every #include against the allowed directions (scripts/layers.sh).
layers:
	@scripts/layers.sh

# Every module has its own test, or its header names the tests covering it.
test-map:
	@scripts/check-tests.sh

# The core archive must not reach the network.
nm-core: $(CORE_LIB)
	@scripts/nm-core.sh $(CORE_LIB)

# Fuzzers: libFuzzer harnesses linked with the core only (fuzz_packet and
# fuzz_errqueue also with the pure packet code, fuzz_host with the pure
# host_parse.o), built with clang, ASan and UBSan.
FUZZ_DIR   := build/fuzz
FUZZ_FLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
              -fno-sanitize-recover=undefined
FUZZ_SRC   := $(wildcard fuzz/fuzz_*.c)
FUZZ_BIN   := $(FUZZ_SRC:fuzz/%.c=$(FUZZ_DIR)/%)
FUZZ_CORE  := $(FUZZ_DIR)/libhopdoc_core.a
FUZZ_PACKET := $(FUZZ_DIR)/obj/probe/packet.o
FUZZ_HOST  := $(FUZZ_DIR)/obj/host/host_parse.o
FUZZ_AGENTQ := $(FUZZ_DIR)/obj/agent/agent_query.o
FUZZ_AGENTN := $(FUZZ_DIR)/obj/agent/agent_ndjson.o
FUZZ_ONEWAY := $(FUZZ_DIR)/obj/oneway/oneway_pkt.o $(FUZZ_DIR)/obj/oneway/oneway_count.o $(FUZZ_DIR)/obj/oneway/oneway_clock.o
FUZZ_MTRPKT := $(FUZZ_DIR)/obj/mtrpacket/mtrpacket_cmd.o $(FUZZ_DIR)/obj/mtrpacket/mtrpacket_reply.o
FUZZ_ASN   := $(FUZZ_DIR)/obj/resolve/asn.o
FUZZ_MONROUND := $(FUZZ_DIR)/obj/monitor/monitor_round.o

fuzz-build:
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_DIR) CC=clang OPT= SAN="$(FUZZ_FLAGS)" \
		$(FUZZ_CORE) $(FUZZ_PACKET) $(FUZZ_HOST) $(FUZZ_AGENTQ) $(FUZZ_AGENTN) $(FUZZ_ONEWAY) \
		$(FUZZ_MTRPKT) $(FUZZ_ASN) $(FUZZ_MONROUND) $(FUZZ_BIN)

$(FUZZ_DIR)/fuzz_packet: fuzz/fuzz_packet.c $(FUZZ_PACKET) $(FUZZ_CORE)
$(FUZZ_DIR)/fuzz_errqueue: fuzz/fuzz_errqueue.c $(FUZZ_PACKET) $(FUZZ_CORE)
$(FUZZ_DIR)/fuzz_host: fuzz/fuzz_host.c $(FUZZ_HOST) $(FUZZ_CORE)
$(FUZZ_DIR)/fuzz_agent_query: fuzz/fuzz_agent_query.c $(FUZZ_AGENTQ) $(FUZZ_CORE)
$(FUZZ_DIR)/fuzz_agent_ndjson: fuzz/fuzz_agent_ndjson.c $(FUZZ_AGENTN) $(FUZZ_CORE)
$(FUZZ_DIR)/fuzz_oneway: fuzz/fuzz_oneway.c $(FUZZ_ONEWAY) $(FUZZ_CORE)
$(FUZZ_DIR)/fuzz_mtrpacket: fuzz/fuzz_mtrpacket.c $(FUZZ_MTRPKT) $(FUZZ_CORE)
$(FUZZ_DIR)/fuzz_monitor_round: fuzz/fuzz_monitor_round.c $(FUZZ_MONROUND) $(FUZZ_CORE)
$(FUZZ_DIR)/fuzz_asn: fuzz/fuzz_asn.c $(FUZZ_ASN) $(FUZZ_CORE)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -Ifuzz -fsanitize=fuzzer -o $@ $(filter %.c %.o,$^) $(filter %.a,$^) $(LIBS_CORE) -lresolv
$(FUZZ_DIR)/fuzz_%: fuzz/fuzz_%.c $(FUZZ_CORE)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -Ifuzz -fsanitize=fuzzer -o $@ $(filter %.c %.o,$^) $(filter %.a,$^) $(LIBS_CORE)

fuzz-smoke:
	@fuzz/run.sh smoke

check: deps
	@tests/check.sh

demo: deps all labtools
	@tests/lab/demo.sh

bench: deps all labtools
	@bench/run.sh

# `hopdoc analyze` on hostile inputs of 5 to 500 MB: time and peak memory (docs/import.md).
bench-import: all
	@bench/import.sh

install: $(BUILD)/hopdoc
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BUILD)/hopdoc $(DESTDIR)$(PREFIX)/bin/hopdoc
	install -m 0644 man/hopdoc.1 $(DESTDIR)$(PREFIX)/share/man/man1/hopdoc.1
	install -d $(DESTDIR)$(PREFIX)/libexec/hopdoc
	ln -sf ../../bin/hopdoc $(DESTDIR)$(PREFIX)/libexec/hopdoc/mtr-packet
	@scripts/setcap.sh $(DESTDIR)$(PREFIX)/bin/hopdoc

clean:
	rm -rf build

-include $(wildcard $(BUILD)/obj/*/*.d $(BUILD)/tests/*/*.d $(BUILD)/tools/*.d $(BUILD)/lab/*.d $(BUILD)/*.d)
