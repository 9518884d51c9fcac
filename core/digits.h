/*
 * digits: digit scripts and blanks in UTF-8 text (see digits.c).
 */
#ifndef CRS_DIGITS_H
#define CRS_DIGITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The digit (0..9) encoded at p (before end), or -1; *len gets its byte
 * length (0 when none). */
int digits_at(const unsigned char *p, const unsigned char *end, size_t *len);
/* Byte length of a blank at p (white space or an invisible RTL mark), or 0. */
size_t digits_blank_at(const unsigned char *p, const unsigned char *end);
/* Append v as at least width digits, Persian or ASCII, at out[*o]; false
 * when it does not fit with a NUL after it. */
bool digits_put_number(char *out, size_t outsz, size_t *o, int v, int width,
                       bool persian);
/* Append s at out[*o]; false when it does not fit. */
bool digits_put_str(char *out, size_t outsz, size_t *o, const char *s);

/* Strict UTF-8: no overlongs, no surrogates, nothing above U+10FFFF. */
bool digits_utf8_valid(const char *s);
/* Decode one strict UTF-8 character at p (before end) into *cp: its byte
 * length, or 0 when the bytes there are not one. */
size_t digits_utf8_next(const unsigned char *p, const unsigned char *end,
                        uint32_t *cp);

#endif
