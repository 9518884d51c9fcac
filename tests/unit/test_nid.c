/*
 * Unit tests for core/nid.c: national ID normalisation and checks, digit
 * scripts, serials, mobile spellings, masking for logs.
 */
#include "unit.h"

#include "nid.h"

#include <stdint.h>
#include <string.h>

/* nid_normalize() result and output in one go. */
static int norm_is(const char *in, int want_rc, const char *want_out)
{
	char out[NID_LEN + 1];
	int rc = nid_normalize(in, out);

	if (rc != want_rc || strcmp(out, want_out) != 0) {
		unit_note("nid_normalize(\"%s\") = %d \"%s\", want %d \"%s\"",
			  in, rc, out, want_rc, want_out);
		return 0;
	}
	return 1;
}

static int serial_is(const char *in, int want_rc, const char *want_out)
{
	char out[NID_SERIAL_LEN + 1];
	int rc = nid_serial_normalize(in, out);

	if (rc != want_rc || strcmp(out, want_out) != 0) {
		unit_note("nid_serial_normalize(\"%s\") = %d \"%s\"", in, rc,
			  out);
		return 0;
	}
	return 1;
}

static int mobile_is(const char *in, int want_rc, const char *want_out)
{
	char out[NID_MOBILE_LEN + 1];
	int rc = nid_mobile_normalize(in, out);

	if (rc != want_rc || strcmp(out, want_out) != 0) {
		unit_note("nid_mobile_normalize(\"%s\") = %d \"%s\"", in, rc,
			  out);
		return 0;
	}
	return 1;
}

static int mask_text_is(const char *in, const char *want, size_t want_n)
{
	char buf[256];
	size_t n;

	snprintf(buf, sizeof(buf), "%s", in);
	n = nid_mask_text(buf);
	if (n != want_n || strcmp(buf, want) != 0) {
		unit_note("nid_mask_text(\"%s\") = %zu \"%s\"", in, n, buf);
		return 0;
	}
	return 1;
}

static void test_valid_ids(void)
{
	/* Check digits worked out by hand / independently of nid.c. */
	static const char *const valid[] = {
		"2580200606", /* the manual's example citizen */
		"8124158681", "6124158681", /* differ in d1: check digit 1 */
		"0012345679", "0001234560", "0084575948", "1361234563",
		"2280000016", "0923456783", "0000012343",
	};
	size_t i;

	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		CHECKF(nid_validate(valid[i]) == NID_OK, "valid %s",
		       valid[i]);
		CHECKF(norm_is(valid[i], NID_OK, valid[i]), "normalize %s",
		       valid[i]);
		CHECKF(nid_make_check_digit(valid[i]) == valid[i][9] - '0',
		       "check digit of %s", valid[i]);
	}
}

static void test_normalize_forms(void)
{
	/* Leading zeros people drop. */
	CHECK(norm_is("12345679", NID_OK, "0012345679"));
	CHECK(norm_is("084575948", NID_OK, "0084575948"));
	CHECK(norm_is("1234567", NID_EFORMAT, ""));
	CHECK(norm_is("0", NID_EFORMAT, ""));
	/* Persian, Arabic-Indic and mixed digits. */
	CHECK(norm_is("۲۵۸۰۲۰۰۶۰۶", NID_OK, "2580200606"));
	CHECK(norm_is("٢٥٨٠٢٠٠٦٠٦", NID_OK, "2580200606"));
	CHECK(norm_is("۲5٨0۲۰۰6٠۶", NID_OK, "2580200606"));
	CHECK(norm_is("۱۲۳۴۵۶۷۹", NID_OK, "0012345679"));
	/* Blanks around, separators inside. */
	CHECK(norm_is("  2580200606\t\n", NID_OK, "2580200606"));
	CHECK(norm_is("\xc2\xa0" "2580200606" "\xc2\xa0", NID_OK,
		      "2580200606"));                   /* NBSP */
	CHECK(norm_is("\u200f۲۵۸۰۲۰۰۶۰۶\u200e", NID_OK,
		      "2580200606"));                   /* RLM, LRM */
	CHECK(norm_is("258-020060-6", NID_OK, "2580200606"));
	CHECK(norm_is("۲۵۸-۰۲۰۰۶۰-۶", NID_OK, "2580200606"));
	CHECK(norm_is("258 020 0606", NID_OK, "2580200606"));
	/* Not digits, or too many. */
	CHECK(norm_is("", NID_EFORMAT, ""));
	CHECK(norm_is("   ", NID_EFORMAT, ""));
	CHECK(norm_is("25802006O6", NID_EFORMAT, ""));  /* letter O */
	CHECK(norm_is("2580200606x", NID_EFORMAT, ""));
	CHECK(norm_is("+2580200606", NID_EFORMAT, ""));
	CHECK(norm_is("25802006061", NID_EFORMAT, ""));
	CHECK(norm_is("0002580200606", NID_EFORMAT, ""));
	CHECK(norm_is("258.020.0606", NID_EFORMAT, ""));
	CHECK(norm_is("\xd9", NID_EFORMAT, ""));        /* cut UTF-8 */
	CHECK(norm_is("\xdb\xb0\xdb", NID_EFORMAT, ""));
	/* Checksum: out still holds the digits, for a masked log line. */
	CHECK(norm_is("2580200607", NID_ECHECKSUM, "2580200607"));
	CHECK(norm_is("2580200600", NID_ECHECKSUM, "2580200600"));
	CHECK(norm_is("۲۵۸۰۲۰۰۶۰۵", NID_ECHECKSUM, "2580200605"));
	CHECK(norm_is("12345678", NID_ECHECKSUM, "0012345678"));
	/* Patterns that pass the checksum. */
	CHECK(norm_is("0000000000", NID_EPATTERN, "0000000000"));
	CHECK(norm_is("1111111111", NID_EPATTERN, "1111111111"));
	CHECK(norm_is("1230000003", NID_EPATTERN, "1230000003"));
	CHECK(norm_is("1000000001", NID_EPATTERN, "1000000001"));
	CHECK(norm_is("00000000", NID_EPATTERN, "0000000000"));
	/* NULLs. */
	CHECK_EQ_INT(nid_normalize(NULL, (char[11]){0}), NID_EINVAL);
	CHECK_EQ_INT(nid_normalize("2580200606", NULL), NID_EINVAL);
}

static void test_validate(void)
{
	char id[NID_LEN + 1];
	int d;

	/* Ten equal digits always pass the checksum; the pattern rule stops
	 * them. */
	for (d = 0; d <= 9; d++) {
		memset(id, '0' + d, NID_LEN);
		id[NID_LEN] = '\0';
		CHECKF(nid_make_check_digit(id) == d, "check digit of %s", id);
		CHECKF(nid_validate(id) == NID_EPATTERN, "pattern %s", id);
	}
	/* Strict form: exactly ten ASCII digits, nothing around. */
	CHECK_EQ_INT(nid_validate(" 2580200606"), NID_EFORMAT);
	CHECK_EQ_INT(nid_validate("2580200606 "), NID_EFORMAT);
	CHECK_EQ_INT(nid_validate("258020060"), NID_EFORMAT);
	CHECK_EQ_INT(nid_validate("۲۵۸۰۲۰۰۶۰۶"), NID_EFORMAT);
	CHECK_EQ_INT(nid_validate(NULL), NID_EINVAL);
	CHECK_EQ_INT(nid_make_check_digit("12345678x"), NID_EFORMAT);
	CHECK_EQ_INT(nid_make_check_digit(NULL), NID_EFORMAT);
}

/*
 * For many 9-digit prefixes exactly one check digit is accepted, and it is
 * the one nid_make_check_digit() gives.
 */
static void test_check_digit_unique(void)
{
	uint64_t x = 12345;
	int i, bad = 0, tried = 0;

	for (i = 0; i < 20000; i++) {
		char id[NID_LEN + 1];
		int c, k, ok_count = 0;

		x = (x * 1103515245u + 12345u) & 0xffffffffu;
		snprintf(id, sizeof(id), "%09u0", (unsigned)(x % 1000000000u));
		c = nid_make_check_digit(id);
		for (k = 0; k <= 9; k++) {
			int rc;

			id[9] = (char)('0' + k);
			rc = nid_validate(id);
			if (rc == NID_OK || rc == NID_EPATTERN)
				ok_count += k == c ? 1 : 100;
			else if (rc != NID_ECHECKSUM)
				ok_count += 100;
		}
		tried++;
		if (ok_count != 1 && bad++ == 0)
			unit_note("prefix %.9s: %d", id, ok_count);
	}
	CHECKF(bad == 0, "one check digit per prefix (%d prefixes)", tried);
}

static void test_digits(void)
{
	char buf[64];

	CHECK_EQ_INT(nid_digits_ascii("۱۲۳abc٤٥٦ ۷۸۹", buf, sizeof(buf)),
		     NID_OK);
	CHECK_STR(buf, "123abc456 789");
	CHECK_EQ_INT(nid_digits_ascii("تاریخ ۱۴۰۳/۰۱/۰۱", buf, sizeof(buf)),
		     NID_OK);
	CHECK_STR(buf, "تاریخ 1403/01/01");
	CHECK_EQ_INT(nid_digits_ascii("", buf, sizeof(buf)), NID_OK);
	CHECK_STR(buf, "");
	/* In place. */
	snprintf(buf, sizeof(buf), "%s", "کد ۰۰۱۲۳۴۵۶۷۹!");
	CHECK_EQ_INT(nid_digits_ascii(buf, buf, sizeof(buf)), NID_OK);
	CHECK_STR(buf, "کد 0012345679!");
	/* Room for exactly "123" + NUL, then one byte short. */
	CHECK_EQ_INT(nid_digits_ascii("۱۲۳", buf, 4), NID_OK);
	CHECK_STR(buf, "123");
	CHECK_EQ_INT(nid_digits_ascii("۱۲۳", buf, 3), NID_ENOSPACE);
	CHECK_STR(buf, "");
	CHECK_EQ_INT(nid_digits_ascii(NULL, buf, sizeof(buf)), NID_EINVAL);
	CHECK_EQ_INT(nid_digits_ascii("1", buf, 0), NID_EINVAL);

	CHECK_EQ_INT(nid_digits_persian("1403/01/01", buf, sizeof(buf)),
		     NID_OK);
	CHECK_STR(buf, "۱۴۰۳/۰۱/۰۱");
	CHECK_EQ_INT(nid_digits_persian("٤ and 5", buf, sizeof(buf)), NID_OK);
	CHECK_STR(buf, "۴ and ۵");
	CHECK_EQ_INT(nid_digits_persian("12", buf, 5), NID_OK);
	CHECK_STR(buf, "۱۲");
	CHECK_EQ_INT(nid_digits_persian("12", buf, 4), NID_ENOSPACE);
	CHECK_STR(buf, "");
}

static void test_serial(void)
{
	CHECK(serial_is("883810", NID_OK, "883810"));
	CHECK(serial_is("۸۸۳۸۱۰", NID_OK, "883810"));
	CHECK(serial_is("٨٨٣٨١٠", NID_OK, "883810"));
	CHECK(serial_is(" 012345\t", NID_OK, "012345"));
	CHECK(serial_is("\u200f۰۰۰۰۰۱", NID_OK, "000001"));
	CHECK(serial_is("88381", NID_EFORMAT, ""));
	CHECK(serial_is("8833810", NID_EFORMAT, ""));   /* seven digits */
	CHECK(serial_is("88 3810", NID_EFORMAT, ""));
	CHECK(serial_is("88-3810", NID_EFORMAT, ""));
	CHECK(serial_is("۲۰/الف", NID_EFORMAT, ""));   /* the series, not it */
	CHECK(serial_is("", NID_EFORMAT, ""));
	CHECK(serial_is("abcdef", NID_EFORMAT, ""));
	CHECK_EQ_INT(nid_serial_normalize(NULL, (char[7]){0}), NID_EINVAL);
}

static void test_mobile(void)
{
	static const char *const same[] = {
		"09145128136", "+989145128136", "989145128136",
		"00989145128136", "9145128136", "۰۹۱۴۵۱۲۸۱۳۶",
		"٠٩١٤٥١٢٨١٣٦", "0914 512 8136", "0914-512-8136",
		"+98 914 512 8136", "+98-914-512-8136", " 09145128136 ",
		"۰۰۹۸۹۱۴۵۱۲۸۱۳۶", "+۹۸۹۱۴۵۱۲۸۱۳۶", "\u200e+989145128136",
	};
	static const char *const bad[] = {
		"", "+", "0914512813", "091451281366", "08145128136",
		"+9809145128136", "+09145128136", "98145128136",
		"8145128136", "0914512813a", "(0914) 5128136",
		"++989145128136", "0098145128136", "009891451281",
		"+1 914 512 8136",
		"0914 512 8136 1", "+98 914 512 813", "0914.512.8136",
		"9145128136+", "98 09145128136",
	};
	size_t i;

	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		CHECKF(mobile_is(same[i], NID_OK, "09145128136"),
		       "mobile \"%s\"", same[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECKF(mobile_is(bad[i], NID_EFORMAT, ""),
		       "not a mobile \"%s\"", bad[i]);
	CHECK(mobile_is("09901234567", NID_OK, "09901234567"));
	CHECK(mobile_is("+989981234567", NID_OK, "09981234567"));
	CHECK_EQ_INT(nid_mobile_normalize(NULL, (char[12]){0}), NID_EINVAL);
}

static void test_masks(void)
{
	char out[16];

	CHECK_EQ_INT(nid_mask("2580200606", out), NID_OK);
	CHECK_STR(out, "258******6");
	CHECK_EQ_INT(nid_mask("0012345679", out), NID_OK);
	CHECK_STR(out, "001******9");
	CHECK_EQ_INT(nid_mask("258020060", out), NID_EFORMAT);
	CHECK_STR(out, "**********");
	CHECK_EQ_INT(nid_mask("25802006061", out), NID_EFORMAT);
	CHECK_STR(out, "**********");
	CHECK_EQ_INT(nid_mask(NULL, out), NID_EFORMAT);
	CHECK_STR(out, "**********");

	CHECK_EQ_INT(nid_mobile_mask("09145128136", out), NID_OK);
	CHECK_STR(out, "0914***8136");
	CHECK_EQ_INT(nid_mobile_mask("9145128136", out), NID_EFORMAT);
	CHECK_STR(out, "***********");
	CHECK_EQ_INT(nid_mobile_mask("19145128136", out), NID_EFORMAT);
	CHECK_STR(out, "***********");
}

static void test_mask_text(void)
{
	CHECK(mask_text_is("session for 2580200606 ok",
			   "session for 258******6 ok", 1));
	CHECK(mask_text_is("2580200606", "258******6", 1));
	CHECK(mask_text_is("a=0012345679,b=2580200607.",
			   "a=001******9,b=258******7.", 2));
	CHECK(mask_text_is("nid=2580200606x", "nid=258******6x", 1));
	/* Persian and mixed digits: each masked digit becomes "**". */
	CHECK(mask_text_is("کد ملی ۲۵۸۰۲۰۰۶۰۶ نامعتبر",
			   "کد ملی ۲۵۸************۶ نامعتبر", 1));
	/* Not ten digits: tracking code, mobile, card-like long runs. */
	CHECK(mask_text_is("tracking 497320167", "tracking 497320167", 0));
	CHECK(mask_text_is("mobile 09145128136", "mobile 09145128136", 0));
	CHECK(mask_text_is("12345678901234567890", "12345678901234567890",
			   0));
	CHECK(mask_text_is("258-020060-6", "258-020060-6", 0));
	CHECK(mask_text_is("", "", 0));
	CHECK_EQ_INT(nid_mask_text(NULL), 0);
}

/* Length and UTF-8 stay intact when Persian digits are masked. */
static void test_mask_text_mixed(void)
{
	char buf[64];
	size_t before;

	snprintf(buf, sizeof(buf), "%s", "x٢٥٨0۲۰۰6٠۶y");
	before = strlen(buf);
	CHECK_EQ_INT(nid_mask_text(buf), 1);
	CHECK_EQ_INT(strlen(buf), before);
	/* ٢٥٨ kept; 0 -> *, ۲ ۰ ۰ -> ** each, 6 -> *, ٠ -> **; ۶ kept. */
	CHECK_STR(buf, "x٢٥٨**********۶y");
}

static void test_persian_name(void)
{
	CHECK(nid_persian_name_valid("زهرا"));
	CHECK(nid_persian_name_valid("فاطمه\u200cزهرا"));
	CHECK(nid_persian_name_valid("ام کلثوم"));
	CHECK(!nid_persian_name_valid("Zahra"));
	CHECK(!nid_persian_name_valid("ز"));
	CHECK(!nid_persian_name_valid(" زهرا"));
	CHECK(!nid_persian_name_valid("زهرا۱"));
	CHECK(!nid_persian_name_valid("زهرا<"));
	CHECK(!nid_persian_name_valid(""));
}

int main(void)
{
	test_persian_name();
	test_valid_ids();
	test_normalize_forms();
	test_validate();
	test_check_digit_unique();
	test_digits();
	test_serial();
	test_mobile();
	test_masks();
	test_mask_text();
	test_mask_text_mixed();
	return unit_done();
}
