/*
 * json_strict: reading JSON that outsiders send, once, before any handler
 * sees it.  RFC 8259 exactly, and what a national system must refuse on
 * top: strings that are not UTF-8 of Unicode scalar values (overlongs,
 * surrogates, anything above U+10FFFF, lone surrogate escapes), NUL in a
 * string (raw or \u0000: C code would cut the value there), two equal keys
 * in one object (which of them counts is a guess), integers outside int64,
 * and nesting deeper than max_depth.
 */
#ifndef CRS_JSON_STRICT_H
#define CRS_JSON_STRICT_H

#include <stddef.h>

struct json_object;

/* Parse text[0..len) as one JSON value.  CRS_OK with *out set (the caller
 * owns it; NULL for a JSON null), or CRS_EINVAL with *why (a static English
 * phrase for the log) when why is not NULL. */
int json_strict_parse(const char *text, size_t len, unsigned max_depth,
                      struct json_object **out, const char **why);

#endif
