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

ssize_t sadad_b64_encode(const void *in, size_t len, char *out, size_t outsz)
{
	size_t need = (len + 2) / 3 * 4;

	if (!out || (!in && len) || need + 1 > outsz || len > (size_t)INT32_MAX / 4)
		return -ENOSPC;
	if (len == 0) {
		out[0] = '\0';
		return 0;
	}
	return EVP_EncodeBlock((unsigned char *)out, in, (int)len);
}

static int is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int sadad_key_decode(const char *key_b64, unsigned char key[SADAD_KEY_LEN])
{
	/* 24 bytes are exactly 32 symbols: anything else is refused. */
	unsigned char buf[SADAD_KEY_LEN + 3];
	char again[33];
	size_t len;
	int got;

	if (!key_b64 || !key)
		return -EINVAL;
	while (is_blank((unsigned char)*key_b64))
		key_b64++;
	len = strlen(key_b64);
	while (len && is_blank((unsigned char)key_b64[len - 1]))
		len--;
	if (len != 32)
		return -EINVAL;
	/* EVP_DecodeBlock is lenient (blanks, non-canonical symbols): the key
	 * is the one whose encoding is exactly what was given. */
	got = EVP_DecodeBlock(buf, (const unsigned char *)key_b64, (int)len);
	if (got != SADAD_KEY_LEN ||
	    EVP_EncodeBlock((unsigned char *)again, buf, SADAD_KEY_LEN) != 32 ||
	    memcmp(again, key_b64, 32) != 0) {
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
