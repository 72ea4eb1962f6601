# hopdoc build. `make` builds build/hopdoc; `make check` runs every test;
# `make demo` runs the main job in a lab. New modules and tests are picked up
# by wildcard: src/*.c, tests/unit/test_*.c, fuzz/fuzz_*.c.

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
LDLIBS  := -ljansson -lcap -lm -lpthread

LIB_SRC := $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJ := $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
TEST_SRC := $(wildcard tests/unit/test_*.c)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC := $(wildcard tests/lab/*.c)
TOOL_BIN := $(TOOL_SRC:tests/lab/%.c=$(BUILD)/lab/%)
DEV_SRC := $(wildcard tests/tools/*.c)
DEV_BIN := $(DEV_SRC:tests/tools/%.c=$(BUILD)/tools/%)

.PHONY: all deps unit unit-san clang golden lab fuzz-smoke check demo bench install clean

all: $(BUILD)/hopdoc $(TOOL_BIN) $(DEV_BIN)

$(BUILD)/obj/%.o: src/%.c $(wildcard src/*.h) | $(BUILD)/obj
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/libhopdoc.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/hopdoc: $(BUILD)/obj/main.o $(BUILD)/libhopdoc.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libhopdoc.a $(wildcard tests/unit/*.h) | $(BUILD)/tests
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(BUILD)/libhopdoc.a -lcmocka $(LDLIBS)

$(BUILD)/lab/%: tests/lab/%.c | $(BUILD)/lab
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LDLIBS)

# Small drivers linked with the library, for lab tests of single layers.
$(BUILD)/tools/%: tests/tools/%.c $(BUILD)/libhopdoc.a | $(BUILD)/tools
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(BUILD)/libhopdoc.a $(LDLIBS)

$(BUILD)/obj $(BUILD)/tests $(BUILD)/lab $(BUILD)/tools:
	mkdir -p $@

deps:
	@scripts/install-deps.sh

unit: $(TEST_BIN)
	@tests/run-unit.sh $(TEST_BIN)

# The same unit tests under AddressSanitizer and UndefinedBehaviorSanitizer.
unit-san:
	@$(MAKE) --no-print-directory BUILD=build/san OPT="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" unit

# clang must build everything warning-free too.
clang:
	@$(MAKE) --no-print-directory BUILD=build/clang CC=clang all

golden: all
	@tests/golden/run.sh $(BUILD)/hopdoc

lab: all
	@tests/lab/run.sh

fuzz-smoke:
	@fuzz/run.sh smoke

check: deps
	@tests/check.sh

demo: deps all
	@tests/lab/demo.sh

bench: deps all
	@bench/run.sh

install: $(BUILD)/hopdoc
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BUILD)/hopdoc $(DESTDIR)$(PREFIX)/bin/hopdoc
	install -m 0644 man/hopdoc.1 $(DESTDIR)$(PREFIX)/share/man/man1/hopdoc.1

clean:
	rm -rf build
