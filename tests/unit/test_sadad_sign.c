/* Unit tests for plugins/pay_sadad/sadad_sign.c: the SignData vectors of
 * gateways.md §1.4, vectors cross-checked with `openssl enc -des-ede3
 * -nosalt -base64` for the stack's demo key, PKCS#7 block boundaries, key
 * decoding (exactly 24 bytes, base64 only) and buffer limits. */
#include "unit.h"

#include "sadad_sign.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

/* gateways.md §1.4 test key and the stack's demo key (DEMO, not real). */
static const char DOC_KEY[] = "K34VFiiu0qar9xWICc9PPHYucWDzi02l";
static const unsigned char DOC_KEY_RAW[24] = {
	0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88,
	0x09, 0xcf, 0x4f, 0x3c, 0x76, 0x2e, 0x71, 0x60, 0xf3, 0x8b, 0x4d, 0xa5,
};
static const char DEMO_KEY[] = "REVNTy1TQURBRC1LRVktTk9ULVJFQUwh"; /* "DEMO-SADAD-KEY-NOT-REAL!" */

static int sign_is(const char *key_b64, const char *text, const char *want)
{
	unsigned char key[SADAD_KEY_LEN];
	char out[256];
	ssize_t n;

	if (sadad_key_decode(key_b64, key))
		return 0;
	n = sadad_sign(key, text, strlen(text), out, sizeof(out));
	if (n != (ssize_t)strlen(want) || strcmp(out, want) != 0) {
		unit_note("sign(\"%s\") = \"%s\", want \"%s\"", text, n >= 0 ? out : "(error)",
		          want);
		return 0;
	}
	return 1;
}

static int key_bad(const char *b64)
{
	unsigned char key[SADAD_KEY_LEN];

	return sadad_key_decode(b64, key) == -EINVAL;
}

static int b64_is(const char *in, const char *want)
{
	char out[64];
	ssize_t n = sadad_b64_encode(in, strlen(in), out, sizeof(out));

	return n == (ssize_t)strlen(want) && strcmp(out, want) == 0;
}

int main(void)
{
	unsigned char key[SADAD_KEY_LEN], demo[SADAD_KEY_LEN];
	char out[128], small[8];

	/* ---- key decoding ---- */
	CHECK_EQ_INT(sadad_key_decode(DOC_KEY, key), 0);
	CHECK(memcmp(key, DOC_KEY_RAW, sizeof(key)) == 0);
	CHECK_EQ_INT(sadad_key_decode(DEMO_KEY, demo), 0);
	CHECK(memcmp(demo, "DEMO-SADAD-KEY-NOT-REAL!", 24) == 0);
	CHECK_EQ_INT(sadad_key_decode("  K34VFiiu0qar9xWICc9PPHYucWDzi02l\n", key), 0);
	CHECK(key_bad(""));
	CHECK(key_bad("   "));
	CHECK(key_bad(NULL));
	CHECK(key_bad("AAAAAAAAAAAAAAAAAAAAAA=="));              /* 16 bytes: 2-key 3DES refused */
	CHECK(key_bad("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")); /* 30 bytes */
	CHECK(key_bad("K34VFiiu0qar9xWICc9PPHYucWDzi02"));        /* 31 symbols */
	CHECK(key_bad("K34VFiiu0qar9xWICc9PPHYucWDzi02!"));       /* junk */
	CHECK(key_bad("K34VFiiu0qar9xWI Cc9PPHYucWDzi02l"));      /* inner blank */
	CHECK(key_bad("K34VFiiu0qar9xWICc9PPHYucWDzi0-_"));       /* base64url alphabet */
	CHECK(key_bad("K34VFiiu0qar9xWICc9PPHYucWDzi0=l"));       /* data after '=' */
	CHECK(key_bad("DEMO-SADAD-KEY-NOT-REAL!"));               /* raw text, not base64 (pitfall 2) */

	/* ---- gateways.md §1.4 vectors ---- */
	CHECK(sign_is(DOC_KEY, "123456;123456789012345;1000",
	              "s9/P4FHJFPsu+AL52T60XlPLd4TyJORmOpH31ZbXDPA="));
	CHECK(sign_is(DOC_KEY, "kjslflnvda13464sdv13a", "HhzhoAicUcVBAkV5bONUFZ9Y2UlZ0e3I"));
	CHECK(sign_is(DOC_KEY, "1", "wyJvVWlY+WA="));

	/* The request text is built exactly as "TerminalId;OrderId;Amount". */
	CHECK_EQ_INT(sadad_key_decode(DOC_KEY, key), 0);
	CHECK_EQ_INT(sadad_sign_request(key, "123456", INT64_C(123456789012345), 1000, out,
	                                sizeof(out)), 44);
	CHECK_STR(out, "s9/P4FHJFPsu+AL52T60XlPLd4TyJORmOpH31ZbXDPA=");
	CHECK_EQ_INT(sadad_sign_token(key, "kjslflnvda13464sdv13a", out, sizeof(out)), 32);
	CHECK_STR(out, "HhzhoAicUcVBAkV5bONUFZ9Y2UlZ0e3I");

	/* ---- demo key (cross-checked with openssl enc -des-ede3) ---- */
	CHECK(sign_is(DEMO_KEY, "24074125;1001;150000", "eZ0pajhne4afQBSRnycI/mhXrmcbkQFA"));
	CHECK_EQ_INT(sadad_sign_request(demo, "24074125", 1001, 150000, out, sizeof(out)), 32);
	CHECK_STR(out, "eZ0pajhne4afQBSRnycI/mhXrmcbkQFA");
	/* int64 extremes are printed in full, never through a double */
	CHECK(sadad_sign_request(demo, "24074125", INT64_MAX, 500000000, out, sizeof(out)) > 0);
	CHECK_STR(out, "eZ0pajhne4aUI7BNZC72ivOgxwSOWaWBTGLsZT0g+PG1KVwZNcLjrw==");
	CHECK(sign_is(DEMO_KEY, "B3BDE89A65C43FBE8E4B01F4EE317693618C",
	              "pUxfpsnlfDkZGKqYFLSZihnL8xAjzRMLYzsgim7ikj4QZisn031j9Q=="));

	/* ---- PKCS#7: a full block of padding at block boundaries ---- */
	CHECK(sign_is(DEMO_KEY, "12345678", "RNjlETRwWgTcN1N3hA+Ypw==")); /* 8 -> 16 bytes */
	CHECK(sign_is(DEMO_KEY, "", "3DdTd4QPmKc="));                     /* 0 -> 8 bytes */
	CHECK_EQ_INT(sadad_sign(demo, "1234567", 7, out, sizeof(out)), 12);  /* 7 -> 8 */
	CHECK_EQ_INT(sadad_sign(demo, "123456789", 9, out, sizeof(out)), 24); /* 9 -> 16 */

	/* ---- refusals ---- */
	CHECK_EQ_INT(sadad_sign_request(demo, "2407a125", 1, 1, out, sizeof(out)), -EINVAL);
	CHECK_EQ_INT(sadad_sign_request(demo, "", 1, 1, out, sizeof(out)), -EINVAL);
	CHECK_EQ_INT(sadad_sign_request(demo, " 24074125", 1, 1, out, sizeof(out)), -EINVAL);
	CHECK_EQ_INT(sadad_sign_request(demo, "24074125", 0, 1, out, sizeof(out)), -EINVAL);
	CHECK_EQ_INT(sadad_sign_request(demo, "24074125", 1, 0, out, sizeof(out)), -EINVAL);
	CHECK_EQ_INT(sadad_sign_request(demo, "24074125", 1, -5, out, sizeof(out)), -EINVAL);
	CHECK_EQ_INT(sadad_sign_request(demo, NULL, 1, 1, out, sizeof(out)), -EINVAL);
	CHECK_EQ_INT(sadad_sign_token(demo, "", out, sizeof(out)), -EINVAL);
	CHECK_EQ_INT(sadad_sign_token(demo, NULL, out, sizeof(out)), -EINVAL);
	CHECK_EQ_INT(sadad_sign(demo, "1234567", 7, small, sizeof(small)), -ENOSPC);
	CHECK_EQ_INT(sadad_sign(demo, "1234567", 7, out, 13), 12);    /* exactly fits */
	CHECK_EQ_INT(sadad_sign(demo, "1234567", 7, out, 12), -ENOSPC); /* no room for NUL */

	/* ---- base64 (RFC 4648 §10) ---- */
	CHECK(b64_is("", ""));
	CHECK(b64_is("f", "Zg=="));
	CHECK(b64_is("fo", "Zm8="));
	CHECK(b64_is("foo", "Zm9v"));
	CHECK(b64_is("foob", "Zm9vYg=="));
	CHECK(b64_is("fooba", "Zm9vYmE="));
	CHECK(b64_is("foobar", "Zm9vYmFy"));

	return unit_done();
}
