# swarmc - a Locust-like scenario compiler and its runtime.
#
#   make                      build/swarmc, build/libswarm.a, build/demo-target
#   make test                 every test; last line "N passed, N failed"
#   make SAN=address test     the same under AddressSanitizer (or SAN=undefined)
#   make bench                side-by-side benchmarks (not part of make test)
#   make install PREFIX=/usr/local [DESTDIR=...]
#   make clean

# ---- user settings ---------------------------------------------------------
CC      ?= cc
PREFIX  ?= /usr/local
BUILD   ?= build
SAN     ?=
OPT     ?= -O2 -g
V       ?= 0
# ---- end of user settings --------------------------------------------------

PKGS     := libcurl libuv jansson libpcre2-8
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) -MMD -MP \
             $(shell pkg-config --cflags $(PKGS)) $(CFLAGS)
ifneq ($(SAN),)
SANFLAGS := -fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif
CFLAGS_ALL += $(SANFLAGS)
# libuv, jansson and PCRE2 are linked statically so a compiled scenario needs
# only libcurl on the load-generator machine.
RUNTIME_LIBS := -l:libuv_a.a -l:libjansson.a -l:libpcre2-8.a -l:libhttp_parser.a -lcurl -lz -lpthread -ldl -lm
LDFLAGS_ALL = $(SANFLAGS) $(LDFLAGS)

ifeq ($(V),0)
Q = @
say = @printf '  %-6s %s\n' $(1) $(2);
else
Q =
say =
endif

GEN       := $(BUILD)/gen
COMP_SRC  := $(wildcard compiler/*.c)
COMP_OBJ  := $(COMP_SRC:%.c=$(BUILD)/%.o) $(GEN)/lexer.o $(GEN)/parser.o
RT_SRC    := $(wildcard runtime/*.c runtime/sched/*.c runtime/web/*.c)
RT_OBJ    := $(RT_SRC:%.c=$(BUILD)/%.o) $(GEN)/web_assets.o
WEB_ASSETS := $(sort $(wildcard runtime/web/assets/*))
DEMO_SRC  := $(wildcard demo/*.c)
DEMO_OBJ  := $(DEMO_SRC:%.c=$(BUILD)/%.o)
DEPS      := $(COMP_OBJ:.o=.d) $(RT_OBJ:.o=.d) $(DEMO_OBJ:.o=.d)

VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo 0.1.0)

.PHONY: all test check bench install uninstall clean golden-update
all: $(BUILD)/swarmc $(BUILD)/libswarm.a $(BUILD)/demo-target \
     $(BUILD)/include/swarm.h

# ---- front end (generated into build/gen, never committed) ----------------
$(GEN)/parser.c $(GEN)/parser.h &: grammar/parser.y
	@mkdir -p $(GEN)
	$(call say,BISON,$<)bison -Wall -Werror --defines=$(GEN)/parser.h -o $(GEN)/parser.c $<
$(GEN)/lexer.c $(GEN)/lexer.h &: grammar/lexer.l $(GEN)/parser.h
	@mkdir -p $(GEN)
	$(call say,FLEX,$<)flex --header-file=$(GEN)/lexer.h -o $(GEN)/lexer.c $<
# flex output is not -Wextra clean (unused functions, sign compares).
$(GEN)/lexer.o: $(GEN)/lexer.c
	$(call say,CC,$<)$(CC) $(CFLAGS_ALL) -Wno-sign-compare -Wno-unused-function -Icompiler -I$(GEN) -c $< -o $@
$(GEN)/parser.o: $(GEN)/parser.c $(GEN)/lexer.h
	$(call say,CC,$<)$(CC) $(CFLAGS_ALL) -Icompiler -I$(GEN) -c $< -o $@

# ---- compiler --------------------------------------------------------------
$(BUILD)/compiler/%.o: compiler/%.c $(GEN)/parser.h $(GEN)/lexer.h
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(CFLAGS_ALL) -DSWARMC_VERSION='"$(VERSION)"' -Icompiler -I$(GEN) -Iruntime/include -c $< -o $@
# PCRE2 lets the checker reject a bad regex at compile time; the runtime
# library brings `swarmc merge` (the same code as a binary's own merge mode).
$(BUILD)/swarmc: $(COMP_OBJ) $(BUILD)/libswarm.a
	$(call say,LINK,$@)$(CC) $(LDFLAGS_ALL) $(COMP_OBJ) $(BUILD)/libswarm.a $(RUNTIME_LIBS) -o $@

# ---- runtime ---------------------------------------------------------------
RT_INC := -Iruntime/include -iquote runtime -iquote runtime/sched \
          -iquote runtime/web
$(BUILD)/runtime/%.o: runtime/%.c
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(CFLAGS_ALL) $(RT_INC) -c $< -o $@
# The web UI's page, embedded as a C table (runtime/web/assets.h).
$(GEN)/web_assets.c: $(WEB_ASSETS) scripts/embed-assets.sh
	@mkdir -p $(@D)
	$(call say,EMBED,runtime/web/assets)sh scripts/embed-assets.sh runtime/web/assets $@
$(GEN)/web_assets.o: $(GEN)/web_assets.c
	$(call say,CC,$<)$(CC) $(CFLAGS_ALL) -iquote runtime/web -c $< -o $@
$(BUILD)/libswarm.a: $(RT_OBJ)
	$(call say,AR,$@)rm -f $@ && ar rcs $@ $^
# The header sits next to the library so the build tree looks like an install.
$(BUILD)/include/swarm.h: runtime/include/swarm.h
	@mkdir -p $(@D)
	$(Q)cp $< $@

# ---- demo target (libmicrohttpd) -------------------------------------------
$(BUILD)/demo/%.o: demo/%.c
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(CFLAGS_ALL) -c $< -o $@
$(BUILD)/demo-target: $(DEMO_OBJ)
	$(call say,LINK,$@)$(CC) $(LDFLAGS_ALL) $^ -lmicrohttpd -l:libjansson.a -o $@

# ---- tests -----------------------------------------------------------------
# The scenario binaries the tests build get the same sanitizer flags.
test check: all
	$(Q)BUILD=$(BUILD) SWARMC_CFLAGS="$(SANFLAGS)" sh tests/run.sh

golden-update: all
	$(Q)BUILD=$(BUILD) sh tests/golden-update.sh

bench: all
	$(Q)BUILD=$(BUILD) bash bench/run.sh

# ---- install ---------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/swarmc $(DESTDIR)$(PREFIX)/include
	install -m 755 $(BUILD)/swarmc $(DESTDIR)$(PREFIX)/bin/swarmc
	install -m 644 $(BUILD)/libswarm.a $(DESTDIR)$(PREFIX)/lib/swarmc/libswarm.a
	install -m 644 runtime/include/swarm.h $(DESTDIR)$(PREFIX)/include/swarm.h
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/swarmc $(DESTDIR)$(PREFIX)/lib/swarmc/libswarm.a \
	      $(DESTDIR)$(PREFIX)/include/swarm.h

clean:
	rm -rf $(BUILD)

# The driver needs to know how to link a scenario; keep it in one place.
$(BUILD)/compiler/driver.o: CFLAGS += -DSWARMC_RUNTIME_LIBS='"$(RUNTIME_LIBS)"'
$(BUILD)/compiler/driver.o: Makefile

-include $(DEPS)
