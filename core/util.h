/*
 * util: small owned-memory building blocks used everywhere in the core: the
 * per-request arena, a growable string buffer, hex, SHA-256 and HMAC,
 * secure random bytes, and monotonic time.
 */
#ifndef CRS_UTIL_H
#define CRS_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Arena: bump allocation in chunks; everything is freed at once by
 * arena_reset (which keeps the first chunk for the next request). */
struct arena_chunk;
struct arena {
	struct arena_chunk *head;
	size_t used_total;
};

void arena_init(struct arena *a);
void *arena_alloc(struct arena *a, size_t size);        /* zeroed; NULL on OOM */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void arena_reset(struct arena *a);
void arena_release(struct arena *a);

/* strbuf: NUL-terminated growable buffer.  A failed allocation latches
 * `failed` and later appends do nothing, so callers check once at the end. */
struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
	int failed;
	int borrowed;   /* buf is the caller's (stack) storage until it grows */
};

void strbuf_init(struct strbuf *sb);
/* Start in the caller's storage (hot paths: no malloc unless it grows). */
void strbuf_init_on(struct strbuf *sb, char *storage, size_t size);
void strbuf_addint(struct strbuf *sb, long long v);
void strbuf_release(struct strbuf *sb);
void strbuf_add_slow(struct strbuf *sb, const void *data, size_t len);

/* Appends stay inline: the access log and response head call them on every
 * request; only growth leaves the fast path. */
static inline void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (sb->cap - sb->len > len && !sb->failed) {
		__builtin_memcpy(sb->buf + sb->len, data, len);
		sb->len += len;
		sb->buf[sb->len] = '\0';
		return;
	}
	strbuf_add_slow(sb, data, len);
}

static inline void strbuf_adds(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, __builtin_strlen(s));
}
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_addjson(struct strbuf *sb, const char *s); /* quoted, escaped */
/* Hand the buffer to the caller (free() it); the strbuf is left empty. */
char *strbuf_detach(struct strbuf *sb, size_t *len);

void hex_encode(const unsigned char *in, size_t len, char *out); /* 2*len+1 */
int sha256(const void *data, size_t len, unsigned char out[32]);
int sha256_hex(const char *s, char out[65]);
int hmac_sha256(const void *key, size_t key_len, const void *data,
                size_t len, unsigned char out[32]);
int random_bytes(void *buf, size_t len);
/* A random token of n bytes, base64url without padding, into out. */
int random_token(size_t n, char *out, size_t outsz);
int const_time_eq(const char *a, const char *b);

/* snprintf that reports truncation: 0, or -1 when out was too small (out
 * still holds the truncated text). */
int str_fmt(char *out, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

int64_t mono_ms(void);
/* Parse a whole decimal int64; 0 or -1. */
int parse_i64(const char *s, int64_t *out);

#endif
