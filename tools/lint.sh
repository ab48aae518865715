#!/usr/bin/env bash
# lint.sh - boundary checks (STYLE.md): each third-party header in its one module, and
# every global symbol of libnewstag.a carries a module prefix.
set -u
cd "$(dirname "$0")/.."
fail=0
only() { # header, allowed files (regex)
  local bad
  bad=$(grep -l "#include <$1>" src/*.c src/*.h daemon/*.c daemon/*.h tools/*.c 2>/dev/null | grep -Ev "$2")
  [ -z "$bad" ] || { echo "lint: <$1> included outside $2: $bad"; fail=1; }
}
only lmdb.h '^src/dict\.c$'
only microhttpd.h '^daemon/http\.c$'
only utf8proc.h '^src/normalize\.c$'
only gumbo.h '^src/html\.c$'
only jansson.h '^(src/json_io\.[ch]|daemon/.*|tools/newstag\.c)$'
make -s build/libnewstag.a >/dev/null || exit 1
syms=$(nm -g --defined-only build/libnewstag.a | awk 'NF==3 {print $3}' |
  grep -Ev '^(nt_|html_|utf8_|norm_|tok_|gaz_|gaz__|ent_|snap_|dict_|loader_|tagger_|tg__|names_|coref_|events_|ev__|rules_|rules__|jio_|arena_|log_)')
[ -z "$syms" ] || { echo "lint: global symbols without a module prefix:"; echo "$syms"; fail=1; }
[ $fail = 0 ] && echo "lint: ok"
exit $fail
