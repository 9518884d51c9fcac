/* base64.c - RFC 4648 base64 / base64url.  See base64.h for the contracts. */
#include "base64.h"

#include <errno.h>
#include <stdint.h>

static const char b64_std[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64_url[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Largest input whose encoding (4 per 3, rounded up) plus NUL fits size_t. */
#define B64_MAX_IN ((SIZE_MAX - 1) / 4 * 3)

size_t base64_encoded_len(size_t len)
{
	if (len > B64_MAX_IN)
		return 0;
	return (len / 3 + (len % 3 != 0)) * 4;
}

size_t base64url_encoded_len(size_t len)
{
	if (len > B64_MAX_IN)
		return 0;
	/* 1 leftover byte -> 2 chars, 2 leftover bytes -> 3 chars */
	return len / 3 * 4 + (len % 3 == 0 ? 0 : len % 3 + 1);
}

size_t base64_decoded_maxlen(size_t len)
{
	return len / 4 * 3 + (len % 4 * 3) / 4;
}

size_t base64url_decoded_maxlen(size_t len)
{
	return base64_decoded_maxlen(len);
}

static ssize_t b64_enc(const void *in, size_t len, char *out, size_t outsz,
		       const char *alpha, int pad)
{
	const unsigned char *p = in;
	size_t need, i, o = 0;

	if ((len && !in) || !out)
		return -EINVAL;
	if (len > B64_MAX_IN)
		return -EOVERFLOW;
	need = pad ? base64_encoded_len(len) : base64url_encoded_len(len);
	if (outsz < need + 1)
		return -ENOSPC;

	for (i = 0; i + 3 <= len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		out[o++] = alpha[v >> 18];
		out[o++] = alpha[(v >> 12) & 63];
		out[o++] = alpha[(v >> 6) & 63];
		out[o++] = alpha[v & 63];
	}
	if (len - i == 1) {
		uint32_t v = (uint32_t)p[i] << 16;
		out[o++] = alpha[v >> 18];
		out[o++] = alpha[(v >> 12) & 63];
		if (pad) {
			out[o++] = '=';
			out[o++] = '=';
		}
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		out[o++] = alpha[v >> 18];
		out[o++] = alpha[(v >> 12) & 63];
		out[o++] = alpha[(v >> 6) & 63];
		if (pad)
			out[o++] = '=';
	}
	out[o] = '\0';
	return (ssize_t)o;
}

ssize_t base64_encode(const void *in, size_t len, char *out, size_t outsz)
{
	return b64_enc(in, len, out, outsz, b64_std, 1);
}

ssize_t base64url_encode(const void *in, size_t len, char *out, size_t outsz)
{
	return b64_enc(in, len, out, outsz, b64_url, 0);
}

/* Value of one symbol, or -1 if c is not in the alphabet ('=' never is). */
static int b64_val(unsigned char c, int url)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (url)
		return c == '-' ? 62 : c == '_' ? 63 : -1;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Decode len symbols with no padding; len % 4 != 1 is checked by callers. */
static ssize_t b64_dec_core(const char *in, size_t len, unsigned char *out,
			    size_t outsz, int url)
{
	size_t nout = base64_decoded_maxlen(len), i, o = 0;
	size_t full = len / 4 * 4, rem = len % 4;
	int v[4];

	if (outsz < nout)
		return -ENOSPC;

	for (i = 0; i < full; i += 4) {
		for (int k = 0; k < 4; k++)
			if ((v[k] = b64_val((unsigned char)in[i + k], url)) < 0)
				return -EINVAL;
		uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 |
			     (uint32_t)v[2] << 6 | (uint32_t)v[3];
		out[o++] = (unsigned char)(w >> 16);
		out[o++] = (unsigned char)(w >> 8);
		out[o++] = (unsigned char)w;
	}
	if (rem) {
		for (size_t k = 0; k < rem; k++)
			if ((v[k] = b64_val((unsigned char)in[i + k], url)) < 0)
				return -EINVAL;
		if (rem == 2) {
			if (v[1] & 0x0f) /* non-canonical: unused bits set */
				return -EINVAL;
			out[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		} else { /* rem == 3 */
			if (v[2] & 0x03)
				return -EINVAL;
			out[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
			out[o++] = (unsigned char)((v[1] & 0x0f) << 4 | v[2] >> 2);
		}
	}
	return (ssize_t)o;
}

ssize_t base64_decode(const char *in, size_t len, void *out, size_t outsz)
{
	size_t pad = 0;

	if ((len && !in) || (!out && outsz))
		return -EINVAL;
	if (len % 4 != 0)
		return -EINVAL;
	if (len >= 4 && in[len - 1] == '=') {
		pad = 1;
		if (in[len - 2] == '=')
			pad = 2;
	}
	/* Any other '=' (e.g. "===" or one in the middle) fails in the core. */
	return b64_dec_core(in, len - pad, out, outsz, 0);
}

ssize_t base64url_decode(const char *in, size_t len, void *out, size_t outsz)
{
	if ((len && !in) || (!out && outsz))
		return -EINVAL;
	if (len % 4 == 1)
		return -EINVAL;
	return b64_dec_core(in, len, out, outsz, 1);
}
