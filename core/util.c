/*
 * util: arena, strbuf, hashing and random helpers (see util.h).
 */
#include "config.h"

#include "util.h"
#include "digits.h"
#include "base64.h"

#include <errno.h>
#include <limits.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define ARENA_CHUNK 8192

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;
	size_t used;
	max_align_t data[];
};

void arena_init(struct arena *a)
{
	a->head = NULL;
	a->used_total = 0;
}

static struct arena_chunk *chunk_new(size_t need)
{
	size_t size = need > ARENA_CHUNK ? need : ARENA_CHUNK;
	struct arena_chunk *c = malloc(sizeof(*c) + size);

	if (!c)
		return NULL;
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

void *arena_alloc(struct arena *a, size_t size)
{
	size_t al = _Alignof(max_align_t);
	size_t need = (size + al - 1) & ~(al - 1);
	struct arena_chunk *c = a->head;
	void *p;

	if (need < size)
		return NULL;
	if (!c || c->size - c->used < need) {
		c = chunk_new(need);
		if (!c)
			return NULL;
		c->next = a->head;
		a->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += need;
	a->used_total += need;
	memset(p, 0, size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list cp;
	int n;
	char *p;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return NULL;
	p = arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void arena_reset(struct arena *a)
{
	struct arena_chunk *c = a->head, *next;

	/* Keep the oldest standard-size chunk: most requests fit in it. */
	while (c && c->next) {
		next = c->next;
		free(c);
		c = next;
	}
	if (c && c->size > ARENA_CHUNK) {
		free(c);
		c = NULL;
	}
	if (c)
		c->used = 0;
	a->head = c;
	a->used_total = 0;
}

void arena_release(struct arena *a)
{
	struct arena_chunk *c = a->head, *next;

	while (c) {
		next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
	a->used_total = 0;
}

void strbuf_init(struct strbuf *sb)
{
	memset(sb, 0, sizeof(*sb));
}

void strbuf_init_on(struct strbuf *sb, char *storage, size_t size)
{
	strbuf_init(sb);
	sb->buf = storage;
	sb->cap = size;
	sb->borrowed = 1;
	storage[0] = '\0';
}

void strbuf_release(struct strbuf *sb)
{
	if (!sb->borrowed)
		free(sb->buf);
	strbuf_init(sb);
}

static int strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t want;
	char *p;

	if (sb->failed)
		return -1;
	if (sb->cap - sb->len > extra)
		return 0;
	want = sb->cap ? sb->cap : 256;
	while (want - sb->len <= extra) {
		if (want > SIZE_MAX / 2) {
			sb->failed = 1;
			return -1;
		}
		want *= 2;
	}
	p = sb->borrowed ? malloc(want) : realloc(sb->buf, want);
	if (!p) {
		sb->failed = 1;
		return -1;
	}
	if (sb->borrowed)
		memcpy(p, sb->buf, sb->len + 1);
	sb->buf = p;
	sb->cap = want;
	sb->borrowed = 0;
	return 0;
}

void strbuf_add_slow(struct strbuf *sb, const void *data, size_t len)
{
	if (strbuf_grow(sb, len))
		return;
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || strbuf_grow(sb, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void strbuf_addint(struct strbuf *sb, long long v)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v
	                             : (unsigned long long)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	strbuf_add(sb, p, (size_t)(tmp + sizeof(tmp) - p));
}

void strbuf_addjson(struct strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);

	strbuf_add(sb, "\"", 1);
	while (p < end) {
		const unsigned char *run = p;
		uint32_t cp;
		size_t n;

		/* Copy runs of plain ASCII at once. */
		while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
			p++;
		if (p > run)
			strbuf_add(sb, run, (size_t)(p - run));
		if (p == end)
			break;
		if (*p >= 0x80) {
			/* Logs and error bodies echo what outsiders sent: bytes
			 * that are not UTF-8 become U+FFFD, never raw. */
			n = digits_utf8_next(p, end, &cp);
			if (n)
				strbuf_add(sb, p, n);
			else
				strbuf_add(sb, "\\ufffd", 6);
			p += n ? n : 1;
			continue;
		}
		switch (*p) {
		case '"': strbuf_add(sb, "\\\"", 2); break;
		case '\\': strbuf_add(sb, "\\\\", 2); break;
		case '\n': strbuf_add(sb, "\\n", 2); break;
		case '\r': strbuf_add(sb, "\\r", 2); break;
		case '\t': strbuf_add(sb, "\\t", 2); break;
		default: strbuf_addf(sb, "\\u%04x", *p);
		}
		p++;
	}
	strbuf_add(sb, "\"", 1);
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *p = sb->buf;

	if (sb->borrowed && !sb->failed) {
		p = malloc(sb->len + 1);
		if (p)
			memcpy(p, sb->buf, sb->len + 1);
		else
			sb->failed = 1;
	}
	if (sb->failed) {
		strbuf_release(sb);
		return NULL;
	}
	if (!p)
		p = calloc(1, 1);
	if (len)
		*len = sb->len;
	strbuf_init(sb);
	return p;
}

void hex_encode(const unsigned char *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

int sha256(const void *data, size_t len, unsigned char out[32])
{
	unsigned int n = 0;

	return EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) == 1 ? 0 : -1;
}

int sha256_hex(const char *s, char out[65])
{
	unsigned char md[32];

	if (sha256(s, strlen(s), md))
		return -1;
	hex_encode(md, 32, out);
	return 0;
}

int hmac_sha256(const void *key, size_t key_len, const void *data,
                size_t len, unsigned char out[32])
{
	unsigned int n = 32;

	if (key_len > INT_MAX)
		return -1;
	return HMAC(EVP_sha256(), key, (int)key_len, data, len, out, &n) ? 0 : -1;
}

int random_bytes(void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int random_token(size_t n, char *out, size_t outsz)
{
	unsigned char raw[64];

	if (n > sizeof(raw) || random_bytes(raw, n))
		return -1;
	return base64url_encode(raw, n, out, outsz) < 0 ? -1 : 0;
}

int const_time_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char d = la != lb;

	for (i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

int str_fmt(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(out, n, fmt, ap);
	va_end(ap);
	return w < 0 || (size_t)w >= n ? -1 : 0;
}

int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int parse_i64(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}
