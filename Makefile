# newstag - one hand-written Makefile. `make` builds build/newstagd and build/newstag.
# Targets: all run test (SAN=1 for ASan+UBSan) asan lint fmt clean deps gazetteers bench bench-instructions
# eval fuzz golden-update. Missing Debian packages are installed when run as root.

CC      ?= cc
SAN     ?= 0
WERROR  ?= 0
BUILD   ?= build
NEWSTAG_PORT ?= 8080
NEWSTAG_DB   ?= data/newstag.mdb
export NEWSTAG_PORT NEWSTAG_DB

DEB_PKGS := build-essential pkg-config libmicrohttpd-dev libjansson-dev liblmdb-dev \
            libutf8proc-dev libgumbo-dev curl python3 ca-certificates
PKGS     := libmicrohttpd jansson libutf8proc gumbo

CFLAGS_BASE := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O3 -g -Wall -Wextra \
               -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla \
               -fno-common -MMD -MP -Isrc
ifeq ($(SAN),1)
  CFLAGS_BASE += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -O1
  LDFLAGS += -fsanitize=address,undefined
  BUILD := build/san
endif
ifeq ($(WERROR),1)
  CFLAGS_BASE += -Werror
endif

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -llmdb -lpthread -lm
CFLAGS += $(CFLAGS_BASE) $(PKG_CFLAGS)

LIB_SRC    := $(wildcard src/*.c)
DAEMON_SRC := $(wildcard daemon/*.c)
TOOL_SRC   := tools/newstag.c
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
FUZZ_SRC   := $(wildcard tests/fuzz/fuzz_*.c)

LIB_OBJ    := $(LIB_SRC:%.c=$(BUILD)/%.o)
DAEMON_OBJ := $(DAEMON_SRC:%.c=$(BUILD)/%.o)
TOOL_OBJ   := $(TOOL_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_BIN   := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz-replay/%)

.PHONY: all run test asan lint fmt clean deps gazetteers bench eval fuzz golden-update check-deps db bench-instructions FORCE

all: check-deps $(BUILD)/newstagd $(BUILD)/newstag

# ---- dependencies -------------------------------------------------------------------
check-deps:
	@missing=""; for p in $(PKGS) ; do pkg-config --exists $$p 2>/dev/null || missing="$$missing $$p"; done; \
	[ -f /usr/include/lmdb.h ] || missing="$$missing lmdb"; \
	command -v curl >/dev/null || missing="$$missing curl"; \
	command -v python3 >/dev/null || missing="$$missing python3"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "installing Debian packages (missing:$$missing)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DEB_PKGS) >/dev/null || exit 1; \
	  else echo "missing:$$missing. Run as root:"; \
	    echo "  apt-get update && apt-get install -y $(DEB_PKGS)"; exit 1; fi; fi

deps: check-deps

# ---- build ---------------------------------------------------------------------------
# objects depend on the flags too: changing CFLAGS (or SAN) rebuilds them
$(BUILD)/.cflags: FORCE
	@mkdir -p $(BUILD); echo '$(CC) $(CFLAGS)' | cmp -s - $@ || echo '$(CC) $(CFLAGS)' > $@

$(BUILD)/%.o: %.c $(BUILD)/.cflags
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libnewstag.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/newstagd: $(DAEMON_OBJ) $(BUILD)/libnewstag.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/newstag: $(TOOL_OBJ) $(BUILD)/libnewstag.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libnewstag.a tests/unit/t.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libnewstag.a $(LDFLAGS) $(PKG_LIBS)

$(BUILD)/fuzz-replay/%: tests/fuzz/%.c $(BUILD)/libnewstag.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DFUZZ_REPLAY -o $@ $< $(BUILD)/libnewstag.a $(LDFLAGS) $(PKG_LIBS)

# ---- the dictionary -----------------------------------------------------------------
GAZ := $(sort $(wildcard gazetteers/*.tsv))
db: all
	@mkdir -p $(dir $(NEWSTAG_DB))
	$(BUILD)/newstag import --db $(NEWSTAG_DB) --if-changed $(GAZ)

run: db
	$(BUILD)/newstagd --db $(NEWSTAG_DB) --port $(NEWSTAG_PORT) --models models

gazetteers:
	python3 tools/gen/gen_geonames.py
	python3 tools/gen/gen_countries.py
	python3 tools/gen/gen_subdivisions.py
	python3 tools/gen/gen_norp.py
	python3 tools/gen/gen_wordnet.py
	python3 tools/gen/gen_words.py
	python3 tools/gen/gen_first_names.py
	python3 tools/gen/check_tsv.py gazetteers/*.tsv

# ---- tests ---------------------------------------------------------------------------
# make test: unit, golden, fuzz-corpus replay and integration tests, all under
# ASan+UBSan with -Werror; prints 'N passed, N failed'.
test: check-deps
	@$(MAKE) --no-print-directory SAN=1 WERROR=1 test-run

test-run: $(BUILD)/newstagd $(BUILD)/newstag $(UNIT_BIN) $(FUZZ_BIN)
	@BUILD=$(BUILD) bash tests/run-all.sh

asan:
	@$(MAKE) --no-print-directory test

golden-update: all
	BUILD=$(BUILD) UPDATE=1 bash tests/golden/run.sh

lint:
	@bash tools/lint.sh

fmt:
	clang-format -i src/*.c src/*.h daemon/*.c daemon/*.h tools/*.c tests/unit/*.c tests/unit/*.h

bench: all
	bash bench/run.sh

# instructions per pass (callgrind): the steady figure behind the MB/s of `make bench`
bench-instructions: all
	bash bench/instructions.sh

eval: all
	bash tools/eval.sh $(EVAL_DIR)

fuzz:
	bash tests/fuzz/run.sh $(FUZZ_SECONDS)

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(DAEMON_OBJ:.o=.d) $(TOOL_OBJ:.o=.d)
