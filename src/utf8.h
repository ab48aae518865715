/* utf8.h - UTF-8 validation, decoding and offset conversion. Pure functions over caller
 * memory; nothing here allocates. Offsets are byte offsets into the original text. */
#ifndef NT_UTF8_H
#define NT_UTF8_H

#include "newstag.h"

/* Checks that `s` is well-formed UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF).
 * Returns NT_OK, or NT_EINVAL with *bad_offset set to the byte offset of the first
 * invalid byte. NUL bytes are valid UTF-8 and accepted here. */
nt_err utf8_validate(const char *s, size_t n, size_t *bad_offset);

/* Decodes the code point at s[i] of valid UTF-8 (validate first). Returns the code point
 * and stores its byte length in *len. */
int32_t utf8_decode(const char *s, size_t n, size_t i, size_t *len);

/* Encodes `cp` into out (room for 4 bytes); returns the byte count (0 if cp is invalid). */
size_t utf8_encode(int32_t cp, char *out);

/* Converts sorted byte offsets into `unit` offsets in one forward pass. `offs` holds
 * `count` byte offsets (any order is allowed, but sorted input is O(n)); they are
 * rewritten in place. Each must lie on a code point boundary within [0, n]. */
void utf8_convert_offsets(const char *s, size_t n, nt_unit unit, uint32_t *offs,
                          size_t count);

/* Number of `unit`s in the first `byte_off` bytes of valid UTF-8. O(byte_off). */
size_t utf8_count_units(const char *s, size_t byte_off, nt_unit unit);

#endif
