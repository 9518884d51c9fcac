/*
 * sadad_sign: Sadad's SignData (see sadad_sign.h).
 */
#include "sadad_sign.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

ssize_t sadad_b64_encode(const void *in, size_t len, char *out, size_t outsz)
{
	const unsigned char *p = in;
	size_t i, o = 0, need = (len + 2) / 3 * 4;

	if (!out || need + 1 > outsz || len > SIZE_MAX / 2)
		return -ENOSPC;
	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];

		out[o++] = b64_alphabet[v >> 18 & 63];
		out[o++] = b64_alphabet[v >> 12 & 63];
		out[o++] = b64_alphabet[v >> 6 & 63];
		out[o++] = b64_alphabet[v & 63];
	}
	if (i < len) {
		uint32_t v = (uint32_t)p[i] << 16;

		if (i + 1 < len)
			v |= (uint32_t)p[i + 1] << 8;
		out[o++] = b64_alphabet[v >> 18 & 63];
		out[o++] = b64_alphabet[v >> 12 & 63];
		out[o++] = i + 1 < len ? b64_alphabet[v >> 6 & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	return (ssize_t)o;
}

static int b64_value(int c)
{
	const char *p;

	if (c == '\0')
		return -1;
	p = strchr(b64_alphabet, c);
	return p ? (int)(p - b64_alphabet) : -1;
}

static int is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int sadad_key_decode(const char *key_b64, unsigned char key[SADAD_KEY_LEN])
{
	unsigned char buf[SADAD_KEY_LEN + 3];
	size_t len, i, o = 0, pad = 0;

	if (!key_b64 || !key)
		return -EINVAL;
	while (is_blank((unsigned char)*key_b64))
		key_b64++;
	len = strlen(key_b64);
	while (len && is_blank((unsigned char)key_b64[len - 1]))
		len--;
	/* 24 bytes are exactly 32 symbols without padding; other lengths are
	 * decoded only to be refused below. */
	if (len == 0 || len % 4 != 0 || len / 4 * 3 > sizeof(buf))
		return -EINVAL;
	for (i = 0; i < len; i += 4) {
		int v[4], k;

		for (k = 0; k < 4; k++) {
			int c = (unsigned char)key_b64[i + k];

			if (c == '=' && i + 4 == len && k >= 2) {
				v[k] = 0;
				pad++;
				continue;
			}
			if (pad)
				return -EINVAL; /* data after '=' */
			v[k] = b64_value(c);
			if (v[k] < 0)
				return -EINVAL;
		}
		buf[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		buf[o++] = (unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
		buf[o++] = (unsigned char)((v[2] & 3) << 6 | v[3]);
	}
	o -= pad;
	if (o != SADAD_KEY_LEN) {
		OPENSSL_cleanse(buf, sizeof(buf));
		return -EINVAL;
	}
	memcpy(key, buf, SADAD_KEY_LEN);
	OPENSSL_cleanse(buf, sizeof(buf));
	return 0;
}

ssize_t sadad_sign(const unsigned char key[SADAD_KEY_LEN], const void *data,
                   size_t len, char *out, size_t outsz)
{
	unsigned char ct[512];
	EVP_CIPHER_CTX *ctx;
	int n1 = 0, n2 = 0;
	ssize_t rc = -EIO;

	if (!key || (!data && len) || !out)
		return -EINVAL;
	/* PKCS#7 adds 1..8 bytes; tokens and the request text are short. */
	if (len > sizeof(ct) - 8)
		return -EINVAL;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return -EIO;
	if (EVP_EncryptInit_ex(ctx, EVP_des_ede3_ecb(), NULL, key, NULL) == 1 &&
	    EVP_CIPHER_CTX_set_padding(ctx, 1) == 1 &&
	    EVP_EncryptUpdate(ctx, ct, &n1, data, (int)len) == 1 &&
	    EVP_EncryptFinal_ex(ctx, ct + n1, &n2) == 1)
		rc = sadad_b64_encode(ct, (size_t)n1 + (size_t)n2, out, outsz);
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

static int all_digits(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

ssize_t sadad_sign_request(const unsigned char key[SADAD_KEY_LEN],
                           const char *terminal_id, int64_t order_id,
                           int64_t amount_rial, char *out, size_t outsz)
{
	char text[128];
	int n;

	if (!all_digits(terminal_id) || order_id <= 0 || amount_rial <= 0)
		return -EINVAL;
	n = snprintf(text, sizeof(text), "%s;%" PRId64 ";%" PRId64, terminal_id,
	             order_id, amount_rial);
	if (n < 0 || (size_t)n >= sizeof(text))
		return -EINVAL;
	return sadad_sign(key, text, (size_t)n, out, outsz);
}

ssize_t sadad_sign_token(const unsigned char key[SADAD_KEY_LEN],
                         const char *token, char *out, size_t outsz)
{
	if (!token || !*token)
		return -EINVAL;
	return sadad_sign(key, token, strlen(token), out, outsz);
}
