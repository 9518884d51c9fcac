/*
 * json_strict: the one JSON reader for what outsiders send (see
 * json_strict.h).
 *
 * A recursive-descent reader of RFC 8259 that builds json-c objects as it
 * goes.  json-c's own tokener is not used because it lets through what a
 * national system must refuse: it keeps the last of two equal keys, cuts a
 * value at "\u0000" when read back as a C string, accepts lone surrogate
 * escapes and (in the version Debian ships) overlong and out-of-range UTF-8.
 */
#include "config.h"

#include "json_strict.h"
#include "digits.h"

#include <crs/plugin.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

struct reader {
	const unsigned char *p, *end;
	unsigned depth, max_depth;
	const char *why;
	char *buf;              /* decoded string being built */
	size_t len, cap;
};

static int fail(struct reader *r, const char *why)
{
	if (!r->why)
		r->why = why;
	return -1;
}

static void skip_ws(struct reader *r)
{
	while (r->p < r->end &&
	       (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static int buf_put(struct reader *r, const void *s, size_t n)
{
	if (r->len + n + 1 > r->cap) {
		size_t cap = r->cap ? r->cap : 64;
		char *nb;

		while (cap < r->len + n + 1)
			cap *= 2;
		nb = realloc(r->buf, cap);
		if (!nb)
			return fail(r, "out of memory");
		r->buf = nb;
		r->cap = cap;
	}
	memcpy(r->buf + r->len, s, n);
	r->len += n;
	r->buf[r->len] = '\0';
	return 0;
}

static int hex4(struct reader *r, uint32_t *out)
{
	uint32_t v = 0;
	int i;

	if (r->end - r->p < 4)
		return fail(r, "bad \\u escape");
	for (i = 0; i < 4; i++) {
		unsigned c = r->p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return fail(r, "bad \\u escape");
	}
	r->p += 4;
	*out = v;
	return 0;
}

static int put_utf8(struct reader *r, uint32_t cp)
{
	unsigned char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xC0 | (cp >> 6));
		b[1] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xE0 | (cp >> 12));
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xF0 | (cp >> 18));
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return buf_put(r, b, n);
}

/* \uXXXX (the backslash and 'u' already read): one scalar value, a
 * surrogate pair taken whole; no NUL. */
static int unicode_escape(struct reader *r)
{
	uint32_t cp, lo;

	if (hex4(r, &cp))
		return -1;
	if (cp >= 0xDC00 && cp <= 0xDFFF)
		return fail(r, "lone surrogate");
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (r->end - r->p < 2 || r->p[0] != '\\' || r->p[1] != 'u')
			return fail(r, "lone surrogate");
		r->p += 2;
		if (hex4(r, &lo))
			return -1;
		if (lo < 0xDC00 || lo > 0xDFFF)
			return fail(r, "lone surrogate");
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
	}
	if (cp == 0)
		return fail(r, "NUL in a string");
	return put_utf8(r, cp);
}

/* A string (at its opening quote) decoded into r->buf / r->len. */
static int read_string(struct reader *r)
{
	r->len = 0;
	if (buf_put(r, "", 0))
		return -1;
	r->p++;
	for (;;) {
		const unsigned char *run = r->p;
		uint32_t cp;
		size_t n;

		/* Copy plain ASCII in runs. */
		while (r->p < r->end && *r->p >= 0x20 && *r->p < 0x80 &&
		       *r->p != '"' && *r->p != '\\')
			r->p++;
		if (r->p > run && buf_put(r, run, (size_t)(r->p - run)))
			return -1;
		if (r->p >= r->end)
			return fail(r, "unterminated string");
		if (*r->p == '"') {
			r->p++;
			return 0;
		}
		if (*r->p < 0x20)
			return fail(r, "control character in a string");
		if (*r->p >= 0x80) {
			n = digits_utf8_next(r->p, r->end, &cp);
			if (!n)
				return fail(r, "invalid UTF-8");
			if (buf_put(r, r->p, n))
				return -1;
			r->p += n;
			continue;
		}
		/* A backslash. */
		if (r->end - r->p < 2)
			return fail(r, "unterminated string");
		r->p += 2;
		if (r->p[-1] == 'u') {
			if (unicode_escape(r))
				return -1;
		} else {
			static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
			const char *e = memchr(from, r->p[-1], sizeof(from) - 1);

			if (!e)
				return fail(r, "bad escape");
			if (buf_put(r, &to[e - from], 1))
				return -1;
		}
	}
}

static int digits_run(struct reader *r)
{
	const unsigned char *s = r->p;

	while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
		r->p++;
	return r->p > s ? 0 : -1;
}

static struct json_object *read_number(struct reader *r)
{
	const unsigned char *s = r->p;
	int integral = 1, neg = 0;
	char tmp[64];

	if (*r->p == '-') {
		neg = 1;
		r->p++;
	}
	if (r->p < r->end && *r->p == '0')
		r->p++;
	else if (digits_run(r))
		return fail(r, "bad number"), NULL;
	if (r->p < r->end && *r->p == '.') {
		integral = 0;
		r->p++;
		if (digits_run(r))
			return fail(r, "bad number"), NULL;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		integral = 0;
		r->p++;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (digits_run(r))
			return fail(r, "bad number"), NULL;
	}
	if (integral) {
		/* Accumulate negatively: INT64_MIN has no positive twin. */
		const unsigned char *d = s + neg;
		int64_t v = 0;

		for (; d < r->p; d++) {
			int64_t digit = *d - '0';

			if (v < (INT64_MIN + digit) / 10)
				return fail(r, "number out of range"), NULL;
			v = v * 10 - digit;
		}
		if (!neg) {
			if (v == INT64_MIN)
				return fail(r, "number out of range"), NULL;
			v = -v;
		}
		return json_object_new_int64(v);
	}
	if ((size_t)(r->p - s) >= sizeof(tmp))
		return fail(r, "number too long"), NULL;
	memcpy(tmp, s, (size_t)(r->p - s));
	tmp[r->p - s] = '\0';
	return json_object_new_double(strtod(tmp, NULL));
}

static int literal(struct reader *r, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
		return fail(r, "unexpected character");
	r->p += n;
	return 0;
}

static struct json_object *read_value(struct reader *r);

static struct json_object *read_object(struct reader *r)
{
	struct json_object *obj = json_object_new_object(), *v;

	r->p++;
	skip_ws(r);
	if (r->p < r->end && *r->p == '}') {
		r->p++;
		return obj;
	}
	for (;;) {
		char *key;

		skip_ws(r);
		if (r->p >= r->end || *r->p != '"' || read_string(r))
			goto fail;
		if (json_object_object_get_ex(obj, r->buf, NULL)) {
			fail(r, "duplicate key");
			goto fail;
		}
		key = strdup(r->buf);
		if (!key)
			goto fail;
		skip_ws(r);
		if (r->p >= r->end || *r->p != ':') {
			free(key);
			fail(r, "expected ':'");
			goto fail;
		}
		r->p++;
		v = read_value(r);
		if (!v && r->why) {
			free(key);
			goto fail;
		}
		json_object_object_add(obj, key, v);
		free(key);
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == '}') {
			r->p++;
			return obj;
		}
		fail(r, "expected ',' or '}'");
		goto fail;
	}
fail:
	fail(r, "bad object");
	json_object_put(obj);
	return NULL;
}

static struct json_object *read_array(struct reader *r)
{
	struct json_object *arr = json_object_new_array(), *v;

	r->p++;
	skip_ws(r);
	if (r->p < r->end && *r->p == ']') {
		r->p++;
		return arr;
	}
	for (;;) {
		v = read_value(r);
		if (!v && r->why)
			goto fail;
		json_object_array_add(arr, v);
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == ']') {
			r->p++;
			return arr;
		}
		fail(r, "expected ',' or ']'");
		goto fail;
	}
fail:
	json_object_put(arr);
	return NULL;
}

/* A value; NULL with r->why unset is JSON null. */
static struct json_object *read_value(struct reader *r)
{
	struct json_object *v = NULL;

	skip_ws(r);
	if (r->p >= r->end)
		return fail(r, "unexpected end"), NULL;
	switch (*r->p) {
	case '{':
	case '[':
		if (++r->depth > r->max_depth)
			return fail(r, "nested too deep"), NULL;
		v = *r->p == '{' ? read_object(r) : read_array(r);
		r->depth--;
		return v;
	case '"':
		if (read_string(r))
			return NULL;
		return json_object_new_string_len(r->buf, (int)r->len);
	case 't':
		return literal(r, "true") ? NULL : json_object_new_boolean(1);
	case 'f':
		return literal(r, "false") ? NULL : json_object_new_boolean(0);
	case 'n':
		literal(r, "null");
		return NULL;
	default:
		if (*r->p == '-' || (*r->p >= '0' && *r->p <= '9'))
			return read_number(r);
		return fail(r, "unexpected character"), NULL;
	}
}

int json_strict_parse(const char *text, size_t len, unsigned max_depth,
                      struct json_object **out, const char **why)
{
	struct reader r = {
		.p = (const unsigned char *)text,
		.end = (const unsigned char *)text + len,
		.max_depth = max_depth,
	};
	struct json_object *v;

	*out = NULL;
	v = read_value(&r);
	if (!r.why) {
		skip_ws(&r);
		if (r.p != r.end)
			fail(&r, "text after the value");
	}
	free(r.buf);
	if (r.why) {
		json_object_put(v);
		if (why)
			*why = r.why;
		return CRS_EINVAL;
	}
	*out = v;
	return CRS_OK;
}
