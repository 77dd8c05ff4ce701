# swarmc - a Locust-like scenario compiler and its runtime.
#
#   make                      build/swarmc, build/libswarm.a, build/demo-target
#   make test                 every test; last line "N passed, N failed"
#   make SAN=address test     the same under AddressSanitizer (or SAN=undefined)
#   make bench                side-by-side benchmarks (not part of make test)
#   make fuzz                 libFuzzer targets (clang-14) run FUZZ_SECONDS each
#                             (default 60; docs/fuzzing.md)
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

PKGS     := libcurl libuv jansson libpcre2-8 openssl
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) -MMD -MP \
             $(shell pkg-config --cflags $(PKGS)) $(CFLAGS)
ifneq ($(SAN),)
SANFLAGS := -fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif
CFLAGS_ALL += $(SANFLAGS)
# How a program links against libswarm.a, written here once: make records
# both lines in $(BUILD)/libswarm.link, which `swarmc build` and the unit
# tests read.  The dynamic line (--dynamic, and swarmc itself) needs
# Debian's libcurl4 at run time; libuv, libhttp-parser, jansson and PCRE2
# are static in both.
RUNTIME_LIBS := -l:libuv_a.a -l:libhttp_parser.a -l:libjansson.a \
                -l:libpcre2-8.a -lcurl -lssl -lcrypto -lz -lpthread -ldl -lm
# The default: one fully static executable (docs/distributed.md).  libcurl
# is built from Debian's source package by scripts/build-static-curl.sh;
# its resolver thread's getaddrinfo is runtime/engine/curl/getaddrinfo_ares.c
# (c-ares), linked into static executables only, so nothing needs glibc's
# NSS at run time.
DEPS_DIR    ?= build/deps
CURL_DIR    := $(abspath $(DEPS_DIR))/curl
STATIC_GAI  := runtime/engine/curl/getaddrinfo_ares.c
STATIC_OBJ  := $(abspath $(BUILD))/static/getaddrinfo_ares.o
STATIC_LIBS := -static $(STATIC_OBJ) $(CURL_DIR)/prefix/lib/libcurl.a \
               -l:libuv_a.a -l:libhttp_parser.a -l:libjansson.a \
               -l:libpcre2-8.a -l:libssl.a -l:libcrypto.a -l:libcares.a \
               -l:libz.a -lpthread -lm
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
# runtime/ is one folder per concern (docs/runtime.md); its internal headers
# are included by bare name, so every folder is on the quote include path.
# getaddrinfo_ares.c goes into static executables only (STATIC_OBJ).
RT_DIRS   := $(sort $(patsubst %/,%,$(dir $(shell find runtime -name '*.[ch]' -not -path 'runtime/include/*'))))
RT_INC    := -iquote runtime $(addprefix -iquote ,$(RT_DIRS))
RT_SRC    := $(filter-out $(STATIC_GAI),$(sort $(shell find runtime -name '*.c')))
RT_OBJ    := $(RT_SRC:%.c=$(BUILD)/%.o) $(GEN)/web_assets.o
WEB_ASSETS := $(sort $(wildcard runtime/web/assets/*))
DEMO_SRC  := $(wildcard demo/*.c)
DEMO_OBJ  := $(DEMO_SRC:%.c=$(BUILD)/%.o)
DEPS      := $(COMP_OBJ:.o=.d) $(RT_OBJ:.o=.d) $(DEMO_OBJ:.o=.d)

VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo 0.1.0)

.PHONY: all test check bench fuzz install uninstall clean distclean golden-update
all: $(BUILD)/swarmc $(BUILD)/libswarm.a $(BUILD)/libswarm.link $(STATIC_OBJ) \
     $(BUILD)/demo-target $(BUILD)/include/swarm.h

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
# The code the compiler shares with the runtime (runtime/util, linked from
# libswarm.a) is included as "util/NAME.h", as in the runtime.
$(BUILD)/compiler/%.o: compiler/%.c $(GEN)/parser.h $(GEN)/lexer.h
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(CFLAGS_ALL) -DSWARMC_VERSION='"$(VERSION)"' -Icompiler -I$(GEN) -Iruntime/include -iquote runtime -c $< -o $@
# PCRE2 lets the checker reject a bad regex at compile time; the runtime
# library brings `swarmc merge` (the same code as a binary's own merge mode).
$(BUILD)/swarmc: $(COMP_OBJ) $(BUILD)/libswarm.a
	$(call say,LINK,$@)$(CC) $(LDFLAGS_ALL) $(COMP_OBJ) $(BUILD)/libswarm.a $(RUNTIME_LIBS) -o $@

# ---- runtime ---------------------------------------------------------------
$(BUILD)/runtime/%.o: runtime/%.c
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(CFLAGS_ALL) -Iruntime/include $(RT_INC) -c $< -o $@
# The web UI's page, embedded as a C table (runtime/web/assets.h).
$(GEN)/web_assets.c: $(WEB_ASSETS) scripts/embed-assets.sh
	@mkdir -p $(@D)
	$(call say,EMBED,runtime/web/assets)sh scripts/embed-assets.sh runtime/web/assets $@
$(GEN)/web_assets.o: $(GEN)/web_assets.c
	$(call say,CC,$<)$(CC) $(CFLAGS_ALL) -iquote runtime/web -c $< -o $@
# ar keeps only a member's base name: two objects with the same name in
# different folders would replace each other, so that is an error.
$(BUILD)/libswarm.a: $(RT_OBJ)
	$(Q)dup=$$(for o in $^; do basename $$o; done | sort | uniq -d); \
	    if [ -n "$$dup" ]; then echo "runtime: duplicate object names: $$dup" >&2; exit 1; fi
	$(call say,AR,$@)rm -f $@ && ar rcs $@ $^
# The static libcurl, once per machine (every BUILD shares DEPS_DIR).  A
# machine that cannot fetch the source gets one error naming the step; the
# build goes on, `swarmc build` says so, and `swarmc build --dynamic` works.
$(CURL_DIR)/stamp: scripts/build-static-curl.sh
	@echo "  CURL   building the static libcurl once for this machine (a few minutes; log: $(CURL_DIR)/build.log)"
	$(Q)sh scripts/build-static-curl.sh $(CURL_DIR) || true
$(STATIC_OBJ): $(STATIC_GAI)
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(CFLAGS_ALL) -c $< -o $@
# One line per link mode, read by compiler/link.c.
$(BUILD)/libswarm.link: $(CURL_DIR)/stamp Makefile
	@mkdir -p $(@D)
	$(call say,GEN,$@){ \
	  echo '# how to link against libswarm.a; written by make, read by swarmc build'; \
	  echo 'dynamic $(RUNTIME_LIBS)'; \
	  if [ -f $(CURL_DIR)/stamp ]; then echo 'static $(STATIC_LIBS)'; \
	  else echo "static-error $$(cat $(CURL_DIR)/error 2>/dev/null || echo 'swarmc: static libcurl: not built')"; fi; \
	} >$@.tmp && mv $@.tmp $@
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
# ASan's runtime is a shared library (gcc refuses -static with it): under
# SAN=address the scenario binaries link dynamically (UBSan's links
# statically like the default).
test check: all
	$(Q)BUILD=$(BUILD) SWARMC_CFLAGS="$(SANFLAGS)" $(if $(filter address,$(SAN)),SWARMC_LINK=dynamic) sh tests/run.sh

golden-update: all
	$(Q)BUILD=$(BUILD) sh tests/golden-update.sh

bench: all
	$(Q)BUILD=$(BUILD) bash bench/run.sh

# Its own build tree (build-fuzz/), instrumented by clang; make test only
# replays the corpus (tests/t-fuzz.sh).
fuzz:
	$(Q)sh tests/fuzz/run.sh

# ---- install ---------------------------------------------------------------
# The static libcurl goes along (lib/swarmc/static/) and the link record
# is rewritten to point there.
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/swarmc $(DESTDIR)$(PREFIX)/include
	install -m 755 $(BUILD)/swarmc $(DESTDIR)$(PREFIX)/bin/swarmc
	install -m 644 $(BUILD)/libswarm.a $(DESTDIR)$(PREFIX)/lib/swarmc/libswarm.a
	install -m 644 runtime/include/swarm.h $(DESTDIR)$(PREFIX)/include/swarm.h
	install -d $(DESTDIR)$(PREFIX)/lib/swarmc/static
	install -m 644 $(STATIC_OBJ) $(DESTDIR)$(PREFIX)/lib/swarmc/static/getaddrinfo_ares.o
	if [ -f $(CURL_DIR)/stamp ]; then \
	  install -m 644 $(CURL_DIR)/prefix/lib/libcurl.a $(DESTDIR)$(PREFIX)/lib/swarmc/static/libcurl.a; fi
	sed -e 's|$(CURL_DIR)/prefix/lib/libcurl.a|$(PREFIX)/lib/swarmc/static/libcurl.a|' \
	    -e 's|$(STATIC_OBJ)|$(PREFIX)/lib/swarmc/static/getaddrinfo_ares.o|' \
	  $(BUILD)/libswarm.link >$(DESTDIR)$(PREFIX)/lib/swarmc/libswarm.link
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/swarmc $(DESTDIR)$(PREFIX)/lib/swarmc/libswarm.a \
	      $(DESTDIR)$(PREFIX)/lib/swarmc/libswarm.link \
	      $(DESTDIR)$(PREFIX)/lib/swarmc/static/libcurl.a \
	      $(DESTDIR)$(PREFIX)/lib/swarmc/static/getaddrinfo_ares.o \
	      $(DESTDIR)$(PREFIX)/include/swarm.h

# Keeps the static libcurl (DEPS_DIR, once per machine); distclean drops it.
clean:
	rm -rf $(filter-out $(DEPS_DIR),$(wildcard $(BUILD)/*)) build-fuzz
distclean:
	rm -rf $(BUILD) $(DEPS_DIR) build-fuzz

-include $(DEPS)
