/*
 * nid: normalisation and validation of national IDs, birth-certificate
 * serials and mobile numbers, and masking of them for logs.  See nid.h.
 */
#include "config.h"

#include "nid.h"
#include "digits.h"

#include <stdbool.h>
#include <string.h>

/* Byte length of a dash at p (ASCII, U+2010..U+2015, U+2212), or 0. */
static size_t dash_at(const unsigned char *p, const unsigned char *end)
{
	size_t left = (size_t)(end - p);

	if (left >= 1 && *p == '-')
		return 1;
	if (left >= 3 && p[0] == 0xE2 && p[1] == 0x80 &&
	    p[2] >= 0x90 && p[2] <= 0x95)
		return 3;
	if (left >= 3 && p[0] == 0xE2 && p[1] == 0x88 && p[2] == 0x92)
		return 3;
	return 0;
}

/* Narrow [*b, *e) past leading and trailing blanks. */
static void trim(const unsigned char **b, const unsigned char **e)
{
	size_t n;

	for (n = digits_blank_at(*b, *e); n > 0; n = digits_blank_at(*b, *e))
		*b += n;
	/*
	 * Blanks are 1..3 bytes, so probe the last 1..3 bytes.  A probe that
	 * starts inside a character never matches: digits_blank_at() wants ASCII
	 * or a lead byte first, and UTF-8 continuation bytes are neither.
	 */
	for (;;) {
		size_t k;
		bool found = false;

		for (k = 1; k <= 3 && (size_t)(*e - *b) >= k; k++) {
			if (digits_blank_at(*e - k, *e) == k) {
				*e -= k;
				found = true;
				break;
			}
		}
		if (!found)
			break;
	}
}

/*
 * Collect the ASCII digits of [b, e) into out (room for max digits plus a
 * NUL).  With separators, blanks and dashes between digits are skipped.
 * Fails on any other character or on more than max digits.
 */
static int collect_digits(const unsigned char *b, const unsigned char *e,
			  bool separators, char *out, size_t max, size_t *count)
{
	size_t n = 0;

	while (b < e) {
		size_t len;
		int d = digits_at(b, e, &len);

		if (d >= 0) {
			if (n == max)
				return NID_EFORMAT;
			out[n++] = (char)('0' + d);
			b += len;
			continue;
		}
		if (!separators)
			return NID_EFORMAT;
		len = digits_blank_at(b, e);
		if (len == 0)
			len = dash_at(b, e);
		if (len == 0)
			return NID_EFORMAT;
		b += len;
	}
	out[n] = '\0';
	*count = n;
	return NID_OK;
}

/* strnlen() is POSIX, not C11. */
static size_t bounded_len(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != '\0')
		n++;
	return n;
}

static bool all_ascii_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

int nid_make_check_digit(const char first9[9])
{
	int s = 0, r, i;

	if (first9 == NULL || !all_ascii_digits(first9, 9))
		return NID_EFORMAT;
	for (i = 0; i < 9; i++)
		s += (first9[i] - '0') * (10 - i);
	r = s % 11;
	return r < 2 ? r : 11 - r;
}

int nid_validate(const char *nid)
{
	int i;
	bool all_equal = true, middle_zero = true;

	if (nid == NULL)
		return NID_EINVAL;
	if (bounded_len(nid, NID_LEN + 1) != NID_LEN ||
	    !all_ascii_digits(nid, NID_LEN))
		return NID_EFORMAT;
	if (nid_make_check_digit(nid) != nid[9] - '0')
		return NID_ECHECKSUM;
	for (i = 1; i < NID_LEN; i++)
		if (nid[i] != nid[0])
			all_equal = false;
	/* Positions 4..9 (1-based): no office ever issued those. */
	for (i = 3; i < 9; i++)
		if (nid[i] != '0')
			middle_zero = false;
	if (all_equal || middle_zero)
		return NID_EPATTERN;
	return NID_OK;
}

int nid_normalize(const char *in, char out[NID_LEN + 1])
{
	const unsigned char *b, *e;
	char digits[NID_LEN + 1];
	size_t n, pad;
	int rc;

	if (out == NULL)
		return NID_EINVAL;
	out[0] = '\0';
	if (in == NULL)
		return NID_EINVAL;
	b = (const unsigned char *)in;
	e = b + strlen(in);
	trim(&b, &e);
	rc = collect_digits(b, e, true, digits, NID_LEN, &n);
	if (rc < 0)
		return rc;
	if (n < 8)
		return NID_EFORMAT;
	pad = NID_LEN - n;
	memset(out, '0', pad);
	memcpy(out + pad, digits, n + 1);
	return nid_validate(out);
}

int nid_digits_ascii(const char *in, char *out, size_t outsz)
{
	const unsigned char *p, *end;
	size_t o = 0;

	if (in == NULL || out == NULL || outsz == 0)
		return NID_EINVAL;
	p = (const unsigned char *)in;
	end = p + strlen(in);
	while (p < end) {
		size_t len;
		int d = digits_at(p, end, &len);
		char c = d >= 0 ? (char)('0' + d) : (char)*p;

		if (d < 0)
			len = 1;
		if (o + 1 >= outsz) {
			out[0] = '\0';
			return NID_ENOSPACE;
		}
		/* o never passes p, which is what makes in == out safe. */
		out[o++] = c;
		p += len;
	}
	out[o] = '\0';
	return NID_OK;
}

int nid_digits_persian(const char *in, char *out, size_t outsz)
{
	const unsigned char *p, *end;
	size_t o = 0;

	if (in == NULL || out == NULL || outsz == 0)
		return NID_EINVAL;
	p = (const unsigned char *)in;
	end = p + strlen(in);
	while (p < end) {
		size_t len;
		int d = digits_at(p, end, &len);

		if (d >= 0) {
			if (o + 2 >= outsz)
				goto nospace;
			out[o++] = (char)0xDB;
			out[o++] = (char)(0xB0 + d);
			p += len;
		} else {
			if (o + 1 >= outsz)
				goto nospace;
			out[o++] = (char)*p++;
		}
	}
	out[o] = '\0';
	return NID_OK;
nospace:
	out[0] = '\0';
	return NID_ENOSPACE;
}

int nid_serial_normalize(const char *in, char out[NID_SERIAL_LEN + 1])
{
	const unsigned char *b, *e;
	size_t n;
	int rc;

	if (out == NULL)
		return NID_EINVAL;
	out[0] = '\0';
	if (in == NULL)
		return NID_EINVAL;
	b = (const unsigned char *)in;
	e = b + strlen(in);
	trim(&b, &e);
	rc = collect_digits(b, e, false, out, NID_SERIAL_LEN, &n);
	if (rc < 0 || n != NID_SERIAL_LEN) {
		out[0] = '\0';
		return NID_EFORMAT;
	}
	return NID_OK;
}

int nid_mobile_normalize(const char *in, char out[NID_MOBILE_LEN + 1])
{
	/* The longest accepted spelling is 00989xxxxxxxxx: 14 digits. */
	char d[14 + 1];
	const unsigned char *b, *e;
	const char *rest = NULL;
	bool plus = false;
	size_t n;

	if (out == NULL)
		return NID_EINVAL;
	out[0] = '\0';
	if (in == NULL)
		return NID_EINVAL;
	b = (const unsigned char *)in;
	e = b + strlen(in);
	trim(&b, &e);
	if (b < e && *b == '+') {
		plus = true;
		b++;
	}
	if (collect_digits(b, e, true, d, sizeof(d) - 1, &n) < 0)
		return NID_EFORMAT;

	/* rest points at the ten digits 9xxxxxxxxx. */
	if (plus) {
		if (n == 12 && memcmp(d, "989", 3) == 0)
			rest = d + 2;
	} else if (n == 11 && memcmp(d, "09", 2) == 0) {
		rest = d + 1;
	} else if (n == 12 && memcmp(d, "989", 3) == 0) {
		rest = d + 2;
	} else if (n == 14 && memcmp(d, "00989", 5) == 0) {
		rest = d + 4;
	} else if (n == 10 && d[0] == '9') {
		rest = d;
	}
	if (rest == NULL)
		return NID_EFORMAT;
	out[0] = '0';
	memcpy(out + 1, rest, 10);
	out[NID_MOBILE_LEN] = '\0';
	return NID_OK;
}

int nid_mask(const char *nid, char out[NID_LEN + 1])
{
	if (out == NULL)
		return NID_EINVAL;
	memset(out, '*', NID_LEN);
	out[NID_LEN] = '\0';
	if (nid == NULL || bounded_len(nid, NID_LEN + 1) != NID_LEN ||
	    !all_ascii_digits(nid, NID_LEN))
		return NID_EFORMAT;
	memcpy(out, nid, 3);
	out[9] = nid[9];
	return NID_OK;
}

int nid_mobile_mask(const char *mobile, char out[NID_MOBILE_LEN + 1])
{
	if (out == NULL)
		return NID_EINVAL;
	memset(out, '*', NID_MOBILE_LEN);
	out[NID_MOBILE_LEN] = '\0';
	if (mobile == NULL ||
	    bounded_len(mobile, NID_MOBILE_LEN + 1) != NID_MOBILE_LEN ||
	    !all_ascii_digits(mobile, NID_MOBILE_LEN) ||
	    mobile[0] != '0' || mobile[1] != '9')
		return NID_EFORMAT;
	memcpy(out, mobile, 4);
	memcpy(out + 7, mobile + 7, 4);
	return NID_OK;
}

size_t nid_mask_text(char *s)
{
	unsigned char *p = (unsigned char *)s, *end;
	size_t masked = 0;

	if (s == NULL)
		return 0;
	end = p + strlen(s);
	while (p < end) {
		/* Byte offset of each digit of the run, for the rewrite. */
		unsigned char *at[NID_LEN + 1];
		size_t dlen[NID_LEN + 1];
		size_t n = 0, l;
		unsigned char *q = p;

		while (q < end && digits_at(q, end, &l) >= 0) {
			if (n <= NID_LEN) {
				at[n] = q;
				dlen[n] = l;
			}
			n++;
			q += l;
		}
		if (n == 0) {
			p++;
			continue;
		}
		if (n == NID_LEN) {
			size_t i;

			for (i = 3; i < NID_LEN - 1; i++)
				memset(at[i], '*', dlen[i]);
			masked++;
		}
		p = q;
	}
	return masked;
}

/* Only letters of the Persian alphabet, spaces and the zero-width
 * non-joiner; 2 to 40 characters.  The mother's first name only. */
int nid_persian_name_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int chars = 0;

	while (*p) {
		if (*p == ' ') {
			p++;
		} else if (p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0x8C) {
			p += 3;          /* U+200C ZWNJ */
		} else if ((p[0] == 0xD8 || p[0] == 0xD9 || p[0] == 0xDA ||
		            p[0] == 0xDB) && (p[1] & 0xC0) == 0x80) {
			unsigned cp = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);

			/* Arabic-script letters (not digits or punctuation). */
			if (!((cp >= 0x621 && cp <= 0x64A) || cp == 0x67E || cp == 0x686 ||
			      cp == 0x698 || cp == 0x6A9 || cp == 0x6AF || cp == 0x6CC ||
			      cp == 0x6C0 || cp == 0x622))
				return 0;
			p += 2;
		} else {
			return 0;
		}
		chars++;
	}
	return chars >= 2 && chars <= 40 && s[0] != ' ';
}
