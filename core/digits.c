/*
 * digits: reading and writing numbers in the three digit scripts Iranians
 * type (ASCII, Persian ۰-۹, Arabic-Indic ٠-٩) and skipping the invisible
 * marks RTL text carries around them.  Shared by nid, jalali and hijri.
 */
#include "config.h"

#include "digits.h"

#include <string.h>

/*
 * The digit (0..9) encoded at p, or -1; *len gets its byte length.  Only
 * the three digit scripts Iranians actually type are recognised.
 */
int digits_at(const unsigned char *p, const unsigned char *end,
		    size_t *len)
{
	size_t left = p < end ? (size_t)(end - p) : 0;

	if (left >= 1 && *p >= '0' && *p <= '9') {
		*len = 1;
		return *p - '0';
	}
	/* U+0660..U+0669 is D9 A0..A9, U+06F0..U+06F9 is DB B0..B9. */
	if (left >= 2 && p[0] == 0xD9 && p[1] >= 0xA0 && p[1] <= 0xA9) {
		*len = 2;
		return p[1] - 0xA0;
	}
	if (left >= 2 && p[0] == 0xDB && p[1] >= 0xB0 && p[1] <= 0xB9) {
		*len = 2;
		return p[1] - 0xB0;
	}
	*len = 0;
	return -1;
}

/*
 * Byte length of a blank at p, or 0.  Besides ASCII white space this takes
 * the invisible characters that text copied from RTL pages carries around a
 * number (NBSP, ZWNJ, LRM/RLM, ALM, bidi embeddings and isolates, BOM);
 * a citizen cannot see them and must not be told the number is wrong.
 */
size_t digits_blank_at(const unsigned char *p, const unsigned char *end)
{
	size_t left = (size_t)(end - p);

	if (left == 0)
		return 0;
	if (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		return 1;
	if (left >= 2 && p[0] == 0xC2 && p[1] == 0xA0)
		return 2; /* U+00A0 */
	if (left >= 2 && p[0] == 0xD8 && p[1] == 0x9C)
		return 2; /* U+061C */
	if (left >= 3 && p[0] == 0xE2 && p[1] == 0x80 &&
	    ((p[2] >= 0x8B && p[2] <= 0x8F) || (p[2] >= 0xAA && p[2] <= 0xAF)))
		return 3; /* U+200B..U+200F, U+202A..U+202F */
	if (left >= 3 && p[0] == 0xE2 && p[1] == 0x81 &&
	    p[2] >= 0xA6 && p[2] <= 0xA9)
		return 3; /* U+2066..U+2069 */
	if (left >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		return 3; /* U+FEFF */
	return 0;
}

/*
 * Append v as at least width digits, Persian (two bytes each) or ASCII.
 * Returns false when it does not fit with a NUL after it.
 */
bool digits_put_number(char *out, size_t outsz, size_t *o, int v, int width,
		       bool persian)
{
	char tmp[12];
	int n = 0;

	do {
		tmp[n++] = (char)(v % 10);
		v /= 10;
	} while (v > 0 && n < (int)sizeof(tmp));
	while (n < width && n < (int)sizeof(tmp))
		tmp[n++] = 0;
	if (*o + (size_t)n * (persian ? 2 : 1) >= outsz)
		return false;
	while (n-- > 0) {
		if (persian) {
			out[(*o)++] = (char)0xDB;
			out[(*o)++] = (char)(0xB0 + tmp[n]);
		} else {
			out[(*o)++] = (char)('0' + tmp[n]);
		}
	}
	out[*o] = '\0';
	return true;
}

bool digits_put_str(char *out, size_t outsz, size_t *o, const char *s)
{
	size_t n = strlen(s);

	if (*o + n >= outsz)
		return false;
	memcpy(out + *o, s, n + 1);
	*o += n;
	return true;
}

size_t digits_utf8_next(const unsigned char *p, const unsigned char *end,
                        uint32_t *cp)
{
	uint32_t c, v;
	size_t n, i;

	if (p >= end)
		return 0;
	c = *p;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xC2 && c <= 0xDF) {
		n = 1;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 2;
		v = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 3;
		v = c & 0x07;
	} else {
		return 0;
	}
	if ((size_t)(end - p) <= n)
		return 0;
	for (i = 1; i <= n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3Fu);
	}
	if ((n == 2 && v < 0x800) || (n == 3 && v < 0x10000) || v > 0x10FFFF ||
	    (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return n + 1;
}

bool digits_utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + strlen(s);
	uint32_t cp;

	while (p < end) {
		size_t n = digits_utf8_next(p, end, &cp);

		if (!n)
			return false;
		p += n;
	}
	return true;
}
