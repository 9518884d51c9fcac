/*
 * base64.c - RFC 4648 base64 / base64url over libcrypto's EVP_EncodeBlock
 * and EVP_DecodeBlock (linked anyway).  See base64.h for the contracts.
 *
 * EVP_DecodeBlock is lenient (it skips blanks, ignores what padding says
 * about the length and accepts non-canonical last symbols), so a decode is
 * accepted only when encoding its result gives back exactly the input:
 * that makes every byte string have one accepted encoding, as base64.h
 * promises, without a second decoder.
 */
#include "base64.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

/* Largest input whose encoding (4 per 3, rounded up) plus NUL fits size_t,
 * and what EVP's int lengths can take. */
#define B64_MAX_IN ((SIZE_MAX - 1) / 4 * 3)
#define EVP_MAX_IN ((size_t)INT32_MAX / 4 * 3)

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

ssize_t base64_encode(const void *in, size_t len, char *out, size_t outsz)
{
	size_t need;

	if ((!in && len) || !out)
		return -EINVAL;
	if (len > B64_MAX_IN || len > EVP_MAX_IN)
		return -EOVERFLOW;
	need = base64_encoded_len(len);
	if (outsz < need + 1)
		return -ENOSPC;
	if (len == 0) {
		out[0] = '\0';
		return 0;
	}
	return EVP_EncodeBlock((unsigned char *)out, in, (int)len);
}

ssize_t base64_decode(const char *in, size_t len, void *out, size_t outsz)
{
	unsigned char *tmp;
	char *again;
	size_t pad, n;
	int got;

	if ((!in && len) || !out)
		return -EINVAL;
	if (len == 0)
		return 0;
	if (len % 4 != 0 || len > EVP_MAX_IN / 3 * 4)
		return -EINVAL;
	pad = (in[len - 1] == '=') + (in[len - 2] == '=');
	n = len / 4 * 3 - pad;
	if (n > outsz)
		return -ENOSPC;
	tmp = malloc(len / 4 * 3 + 1);
	again = malloc(len + 1);
	if (!tmp || !again) {
		free(tmp);
		free(again);
		return -ENOMEM;
	}
	got = EVP_DecodeBlock(tmp, (const unsigned char *)in, (int)len);
	/* Canonical and alphabet-only: the encoding of the result is the input. */
	if (got < 0 || (size_t)got < n ||
	    EVP_EncodeBlock((unsigned char *)again, tmp, (int)n) != (int)len ||
	    memcmp(again, in, len) != 0) {
		free(tmp);
		free(again);
		return -EINVAL;
	}
	memcpy(out, tmp, n);
	OPENSSL_cleanse(tmp, len / 4 * 3);
	free(tmp);
	free(again);
	return (ssize_t)n;
}

ssize_t base64url_encode(const void *in, size_t len, char *out, size_t outsz)
{
	size_t need = base64url_encoded_len(len), i;
	char *tmp;
	ssize_t n;

	if ((!in && len) || !out)
		return -EINVAL;
	if (len > B64_MAX_IN || len > EVP_MAX_IN)
		return -EOVERFLOW;
	if (outsz < need + 1)
		return -ENOSPC;
	tmp = malloc(base64_encoded_len(len) + 1);
	if (!tmp)
		return -ENOMEM;
	n = base64_encode(in, len, tmp, base64_encoded_len(len) + 1);
	if (n < 0) {
		free(tmp);
		return n;
	}
	for (i = 0; i < need; i++)
		out[i] = tmp[i] == '+' ? '-' : tmp[i] == '/' ? '_' : tmp[i];
	out[need] = '\0';
	free(tmp);
	return (ssize_t)need;
}

ssize_t base64url_decode(const char *in, size_t len, void *out, size_t outsz)
{
	size_t i, padded = (len + 3) / 4 * 4;
	char *tmp;
	ssize_t n;

	if ((!in && len) || !out)
		return -EINVAL;
	if (len % 4 == 1)
		return -EINVAL;
	tmp = malloc(padded + 1);
	if (!tmp)
		return -ENOMEM;
	for (i = 0; i < len; i++) {
		/* Only the URL alphabet: '+', '/' and '=' are junk here. */
		if (in[i] == '+' || in[i] == '/' || in[i] == '=') {
			free(tmp);
			return -EINVAL;
		}
		tmp[i] = in[i] == '-' ? '+' : in[i] == '_' ? '/' : in[i];
	}
	for (; i < padded; i++)
		tmp[i] = '=';
	n = base64_decode(tmp, padded, out, outsz);
	free(tmp);
	return n;
}
