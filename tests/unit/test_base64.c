/* Unit tests for core/base64.c: RFC 4648 section 10 vectors, base64url,
 * strict rejection of junk, buffer limits, round trips. */
#include "unit.h"

#include "base64.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

static int enc_is(const char *in, const char *want)
{
	char out[64];
	ssize_t n = base64_encode(in, strlen(in), out, sizeof out);
	return n == (ssize_t)strlen(want) && strcmp(out, want) == 0 &&
		   base64_encoded_len(strlen(in)) == strlen(want);
}

static int dec_is(const char *in, const char *want)
{
	char out[64];
	ssize_t n = base64_decode(in, strlen(in), out, sizeof out);
	return n == (ssize_t)strlen(want) && memcmp(out, want, (size_t)n) == 0;
}

static int url_enc_is(const char *in, const char *want)
{
	char out[64];
	ssize_t n = base64url_encode(in, strlen(in), out, sizeof out);
	return n == (ssize_t)strlen(want) && strcmp(out, want) == 0 &&
		   base64url_encoded_len(strlen(in)) == strlen(want);
}

static int url_dec_is(const char *in, const char *want)
{
	char out[64];
	ssize_t n = base64url_decode(in, strlen(in), out, sizeof out);
	return n == (ssize_t)strlen(want) && memcmp(out, want, (size_t)n) == 0;
}

static int dec_bad(const char *in)
{
	unsigned char out[64];
	return base64_decode(in, strlen(in), out, sizeof out) == -EINVAL;
}

static int url_dec_bad(const char *in)
{
	unsigned char out[64];
	return base64url_decode(in, strlen(in), out, sizeof out) == -EINVAL;
}

int main(void)
{
	/* RFC 4648 section 10 test vectors */
	CHECK(enc_is("", ""));
	CHECK(enc_is("f", "Zg=="));
	CHECK(enc_is("fo", "Zm8="));
	CHECK(enc_is("foo", "Zm9v"));
	CHECK(enc_is("foob", "Zm9vYg=="));
	CHECK(enc_is("fooba", "Zm9vYmE="));
	CHECK(enc_is("foobar", "Zm9vYmFy"));
	CHECK(dec_is("", ""));
	CHECK(dec_is("Zg==", "f"));
	CHECK(dec_is("Zm8=", "fo"));
	CHECK(dec_is("Zm9v", "foo"));
	CHECK(dec_is("Zm9vYg==", "foob"));
	CHECK(dec_is("Zm9vYmE=", "fooba"));
	CHECK(dec_is("Zm9vYmFy", "foobar"));

	/* the same vectors, base64url without padding */
	CHECK(url_enc_is("", ""));
	CHECK(url_enc_is("f", "Zg"));
	CHECK(url_enc_is("fo", "Zm8"));
	CHECK(url_enc_is("foo", "Zm9v"));
	CHECK(url_enc_is("foob", "Zm9vYg"));
	CHECK(url_enc_is("fooba", "Zm9vYmE"));
	CHECK(url_enc_is("foobar", "Zm9vYmFy"));
	CHECK(url_dec_is("", ""));
	CHECK(url_dec_is("Zg", "f"));
	CHECK(url_dec_is("Zm8", "fo"));
	CHECK(url_dec_is("Zm9vYg", "foob"));
	CHECK(url_dec_is("Zm9vYmE", "fooba"));
	CHECK(url_dec_is("Zm9vYmFy", "foobar"));

	/* the two alphabets differ in symbols 62 and 63 */
	{
		const unsigned char raw[] = {0xfb, 0xff, 0xbf};
		unsigned char back[8];
		char s[16];
		CHECK(base64_encode(raw, 3, s, sizeof s) == 4 && !strcmp(s, "+/+/"));
		CHECK(base64url_encode(raw, 3, s, sizeof s) == 4 && !strcmp(s, "-_-_"));
		CHECK(base64_decode("+/+/", 4, back, sizeof back) == 3 && !memcmp(back, raw, 3));
		CHECK(base64url_decode("-_-_", 4, back, sizeof back) == 3 && !memcmp(back, raw, 3));
		CHECK(dec_bad("-_-_"));
		CHECK(url_dec_bad("+/+/"));
	}

	/* strict standard decoding: padding required, junk rejected */
	CHECK(dec_bad("Zg"));        /* padding missing */
	CHECK(dec_bad("Zg="));       /* padding short */
	CHECK(dec_bad("Zg==="));     /* too much padding */
	CHECK(dec_bad("Z==="));      /* 3 pads */
	CHECK(dec_bad("===="));
	CHECK(dec_bad("="));
	CHECK(dec_bad("Zg==Zg=="));  /* padding in the middle */
	CHECK(dec_bad("Z=g="));
	CHECK(dec_bad("Zm9v "));     /* trailing space */
	CHECK(dec_bad(" Zm9v"));
	CHECK(dec_bad("Zm9v\n"));    /* line break */
	CHECK(dec_bad("Zm\r\n9v"));
	CHECK(dec_bad("Zm9*"));
	CHECK(dec_bad("Zm9\x80"));   /* high bit */
	CHECK(dec_bad("Zh=="));      /* non-canonical: unused bits set */
	CHECK(dec_bad("Zm9="));      /* non-canonical */
	CHECK(dec_bad("Z"));
	{
		unsigned char out[8];
		CHECK(base64_decode("Zm\0v", 4, out, sizeof out) == -EINVAL); /* NUL */
		CHECK_EQ_INT(base64_decode(NULL, 4, out, sizeof out), -EINVAL);
		CHECK_EQ_INT(base64_decode(NULL, 0, out, sizeof out), 0);
	}

	/* strict base64url decoding: no padding, no junk */
	CHECK(url_dec_bad("Zg=="));
	CHECK(url_dec_bad("Zg="));
	CHECK(url_dec_bad("Z"));      /* impossible length */
	CHECK(url_dec_bad("Zm9vY"));
	CHECK(url_dec_bad("Zh"));     /* non-canonical */
	CHECK(url_dec_bad("Zm9"));
	CHECK(url_dec_bad("Zm9v."));
	CHECK(url_dec_bad("Zm 9v"));

	/* buffer limits */
	{
		char s[9];
		unsigned char b[6];
		CHECK(base64_encode("foobar", 6, s, 8) == -ENOSPC);   /* no room for NUL */
		CHECK_EQ_INT(base64_encode("foobar", 6, s, 9), 8);
		CHECK_EQ_INT(base64url_encode("fooba", 5, s, 7), -ENOSPC);
		CHECK_EQ_INT(base64url_encode("fooba", 5, s, 8), 7);
		CHECK_EQ_INT(base64_encode("", 0, s, 0), -ENOSPC);
		CHECK(base64_encode("", 0, s, 1) == 0 && s[0] == '\0');
		CHECK_EQ_INT(base64_decode("Zm9vYmFy", 8, b, 5), -ENOSPC);
		CHECK_EQ_INT(base64_decode("Zm9vYmFy", 8, b, 6), 6);
		CHECK(base64_decode("Zm9vYmE=", 8, b, 5) == 5);        /* exact size */
		CHECK_EQ_INT(base64url_decode("Zm9vYmE", 7, b, 4), -ENOSPC);
		CHECK_EQ_INT(base64url_decode("Zm9vYmE", 7, b, 5), 5);
	}

	/* lengths */
	CHECK(base64_encoded_len(0) == 0 && base64_encoded_len(1) == 4 &&
		  base64_encoded_len(3) == 4 && base64_encoded_len(4) == 8);
	CHECK(base64url_encoded_len(1) == 2 && base64url_encoded_len(2) == 3 &&
		  base64url_encoded_len(3) == 4 && base64url_encoded_len(32) == 43);
	CHECK(base64_decoded_maxlen(8) == 6 && base64url_decoded_maxlen(43) == 32);
	CHECK_EQ_INT(base64_encoded_len(SIZE_MAX), 0);
	{
		char s[8];
		CHECK_EQ_INT(base64_encode("x", SIZE_MAX, s, sizeof s), -EOVERFLOW);
	}

	/* round trip every length 0..96 with pseudo-random bytes */
	{
		unsigned char raw[96], back[96];
		char s[160];
		uint32_t x = 12345;
		int ok = 1;
		for (size_t i = 0; i < sizeof raw; i++) {
			x = x * 1103515245u + 12345u;
			raw[i] = (unsigned char)(x >> 16);
		}
		for (size_t n = 0; n <= sizeof raw; n++) {
			ssize_t e = base64_encode(raw, n, s, sizeof s);
			ssize_t d = base64_decode(s, (size_t)e, back, sizeof back);
			if (e != (ssize_t)base64_encoded_len(n) || d != (ssize_t)n ||
				memcmp(raw, back, n))
				ok = 0;
			e = base64url_encode(raw, n, s, sizeof s);
			d = base64url_decode(s, (size_t)e, back, sizeof back);
			if (e != (ssize_t)base64url_encoded_len(n) || d != (ssize_t)n ||
				memcmp(raw, back, n) || strchr(s, '='))
				ok = 0;
		}
		CHECK(ok);
	}

	return unit_done();
}
