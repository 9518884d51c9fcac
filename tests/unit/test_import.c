/*
 * Unit tests for the pure half of crs-import (tools/import-*.c): the
 * streaming CSV reader (quotes, CRLF, BOM, embedded line breaks, blank
 * rows, every syntax error and the recovery after it, tiny read buffers),
 * the header map, one row's validation by the site's rules, the civil
 * registry's verdict, the lunar date, what an existing application means,
 * the time helpers and the report's CSV.
 */
#include "config.h"

#include "unit.h"

#include "import-csv.h"
#include "digits.h"

#include "hijri.h"
#include "jalali.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 2026-11-21 16:00 Tehran (12:30 UTC), a Saturday: a fixed "now". */
#define NOW_MS (1795264200LL * 1000)
#define HOUR_MS 3600000LL
#define DAY_MS (24 * HOUR_MS)

static int32_t solar(int y, int m, int d)
{
	struct jalali_date j = { y, m, d };
	int32_t jdn = 0;

	jalali_to_jdn(&j, &jdn);
	return jdn;
}

/* ------------------------------------------------------------ CSV */

/* Every record of text, as "f1|f2|...", one per line; a bad record as
 * "!CODE@line"; read with the given buffer sizes. */
static char *dump(const char *text, size_t len, size_t io, size_t max_record)
{
	FILE *f = len ? fmemopen((void *)(uintptr_t)text, len, "r")
		      : fopen("/dev/null", "r");
	char *out = NULL;
	size_t outlen = 0;
	FILE *o = open_memstream(&out, &outlen);
	struct csv_reader r;
	int st;
	size_t i;

	if (!f || !o || csv_open(&r, f, io, max_record)) {
		if (f)
			fclose(f);
		if (o)
			fclose(o);
		free(out);
		return NULL;
	}
	while ((st = csv_next(&r)) != CSV_EOF) {
		if (st == CSV_EIO) {
			fputs("!EIO\n", o);
			break;
		}
		fprintf(o, "%lu:", r.records);
		if (st == CSV_BAD)
			fprintf(o, "!%s@%lu", import_code_name(r.bad), r.rec_line);
		else
			for (i = 0; i < r.nfields; i++)
				fprintf(o, "%s%s", i ? "|" : "", r.field[i]);
		fputc('\n', o);
	}
	csv_close(&r);
	fclose(f);
	fclose(o);
	return out;
}

static int dump_is(const char *text, size_t len, const char *want)
{
	size_t io[] = { 0, 1, 2, 3, 7 };
	size_t i;
	int ok = 1;

	/* The same records whatever the read size (records and BOMs split
	 * across reads). */
	for (i = 0; i < sizeof(io) / sizeof(io[0]); i++) {
		char *got = dump(text, len, io[i], 0);

		if (!got || strcmp(got, want) != 0) {
			unit_note("io %zu: got:\n%s# want:\n%s", io[i],
				  got ? got : "(null)", want);
			ok = 0;
		}
		free(got);
	}
	return ok;
}

#define DUMP(text, want) dump_is((text), sizeof(text) - 1, (want))

static void test_csv_basic(void)
{
	CHECK(DUMP("a,b,c\n1,2,3\n", "1:a|b|c\n2:1|2|3\n"));
	CHECK(DUMP("a,b,c\r\n1,2,3\r\n", "1:a|b|c\n2:1|2|3\n"));
	CHECK(DUMP("a,b\r1,2\r", "1:a|b\n2:1|2\n"));      /* lone CR */
	CHECK(DUMP("a,b\n1,2", "1:a|b\n2:1|2\n"));        /* no final break */
	CHECK(DUMP("a,b,c\n1,,\n", "1:a|b|c\n2:1||\n"));  /* empty fields */
	CHECK(DUMP("a,b,c\n,,x", "1:a|b|c\n2:||x\n"));
	CHECK(DUMP("", ""));
	CHECK(DUMP("a", "1:a\n"));
	CHECK(DUMP("x,y\n1,2,\n", "1:x|y\n2:1|2|\n"));    /* trailing comma */
	CHECK(DUMP(" a , b \n", "1: a | b \n"));          /* spaces kept */
}

static void test_csv_quotes(void)
{
	CHECK(DUMP("\"a,b\",c\n", "1:a,b|c\n"));
	CHECK(DUMP("\"say \"\"hi\"\"\",x\n", "1:say \"hi\"|x\n"));
	CHECK(DUMP("\"\",x\n", "1:|x\n"));
	CHECK(DUMP("\"\"\"\"\n", "1:\"\n"));
	/* Line breaks inside quotes are data; the line count goes on. */
	CHECK(DUMP("h\n\"one\ntwo\",x\n\"a\r\nb\"\nz,\"\"\n\"q\n",
		   "1:h\n2:one\ntwo|x\n3:a\r\nb\n4:z|\n5:!CSV_UNTERMINATED@7\n"));
	CHECK(DUMP("\"x\"\r\n\"y\"", "1:x\n2:y\n"));
	CHECK(DUMP("\"مریم\",\"۱۳۶۹/۰۳/۱۹\"\n", "1:مریم|۱۳۶۹/۰۳/۱۹\n"));
}

static void test_csv_bom_blank(void)
{
	CHECK(DUMP("\xEF\xBB\xBFportal_ref,x\n1,2\n", "1:portal_ref|x\n2:1|2\n"));
	CHECK(DUMP("\xEF\xBB\xBF\"portal_ref\",x\n", "1:portal_ref|x\n"));
	CHECK(DUMP("\xEF\xBB\xBF", ""));
	/* Blank records are skipped but counted, as spreadsheet rows. */
	CHECK(DUMP("a,b\n\n1,2\n,,\n \t, \n3,4\n\r\n", "1:a|b\n3:1|2\n6:3|4\n"));
	/* EF BB and something else is no BOM, and no UTF-8 either. */
	CHECK(DUMP("\xEF\xBB" "a,b\n1,2\n", "1:!CSV_UTF8@1\n2:1|2\n"));
	CHECK(DUMP("\xEF" "a\n", "1:!CSV_UTF8@1\n"));
}

static void test_csv_errors(void)
{
	/* Each bad record is reported with its first line, and the next
	 * record is read as if nothing happened. */
	CHECK(DUMP("h\nab\"c,d\nok\n", "1:h\n2:!CSV_QUOTE@2\n3:ok\n"));
	CHECK(DUMP("h\n\"ab\"c,d\nok\n", "1:h\n2:!CSV_AFTER_QUOTE@2\n3:ok\n"));
	CHECK(DUMP("h\n\"a\nb\"x\nok\n", "1:h\n2:!CSV_AFTER_QUOTE@2\n3:ok\n"));
	CHECK(DUMP("h\n\"open,\nx\ny\n", "1:h\n2:!CSV_UNTERMINATED@2\n"));
	CHECK(DUMP("h\na\0b\nok\n", "1:h\n2:!CSV_NUL@2\n3:ok\n"));
	CHECK(DUMP("h\n\xC3\x28,x\nok\n", "1:h\n2:!CSV_UTF8@2\n3:ok\n"));
	CHECK(DUMP("h\n\xED\xA0\x80\n", "1:h\n2:!CSV_UTF8@2\n"));    /* surrogate */
	CHECK(DUMP("h\n\xC0\xAF\n", "1:h\n2:!CSV_UTF8@2\n"));        /* overlong */
	{
		char many[CSV_MAX_FIELDS * 2 + 16];
		size_t i, n = 0;

		for (i = 0; i < CSV_MAX_FIELDS + 1; i++) {
			many[n++] = 'x';
			many[n++] = ',';
		}
		many[n - 1] = '\n';
		memcpy(many + n, "ok\n", 4);
		CHECK(dump_is(many, n + 3, "1:!CSV_TOO_MANY_FIELDS@1\n2:ok\n"));
	}
	{
		/* A record over the limit is skipped to its end, quotes
		 * honoured, and the next one is read. */
		const char text[] = "h\n\"0123456789,0123\n456789\",x\nok,2\n";
		char *got = dump(text, sizeof(text) - 1, 3, 16);

		/* Records are numbered, not lines: a spreadsheet shows the
		 * two-line cell in one row. */
		CHECK_STR(got, "1:h\n2:!CSV_TOO_LONG@2\n3:ok|2\n");
		free(got);
		got = dump(text, sizeof(text) - 1, 0, 64);
		CHECK_STR(got, "1:h\n2:0123456789,0123\n456789|x\n3:ok|2\n");
		free(got);
	}
}

static void test_utf8(void)
{
	CHECK(digits_utf8_valid("plain"));
	CHECK(digits_utf8_valid("زهرا ‌ ۱۲۳ €"));
	CHECK(digits_utf8_valid("\xF0\x9F\x98\x80"));
	CHECK(!digits_utf8_valid("\xF4\x90\x80\x80"));   /* > U+10FFFF */
	CHECK(!digits_utf8_valid("\xE0\x80\x80"));       /* overlong */
	CHECK(!digits_utf8_valid("\xC3"));               /* cut */
	CHECK(!digits_utf8_valid("\x80"));
}

/* ------------------------------------------------------------ header */

static void test_header(void)
{
	char *std[] = { "portal_ref", "national_id", "serial", "birth_date_solar",
			"gender", "religion", "mother_name", "mobile" };
	char *any[] = { " Mobile ", "MOTHER_NAME", "religion", "Gender",
			"birth_date_solar", "serial", "note", "national_id",
			"portal_ref", "fingers_intact", "extra" };
	char *missing[] = { "portal_ref", "national_id", "gender", "religion",
			    "mobile" };
	char *twice[] = { "portal_ref", "national_id", "serial", "birth_date_solar",
			  "gender", "religion", "mother_name", "mobile", "SERIAL" };
	char *empty[] = { "portal_ref", "", "serial" };
	struct import_header h;
	char err[256], unknown[128];

	CHECK_EQ_INT(import_header_map(std, 8, &h, err, sizeof(err), NULL, 0), 0);
	CHECK_EQ_INT(h.idx[COL_PORTAL_REF], 0);
	CHECK_EQ_INT(h.idx[COL_MOBILE], 7);
	CHECK_EQ_INT(h.idx[COL_LEAVE_HOME], -1);
	CHECK_EQ_INT(h.idx[COL_BIRTH_LUNAR], -1);
	CHECK_EQ_INT(h.nfields, 8);

	CHECK_EQ_INT(import_header_map(any, 11, &h, err, sizeof(err), unknown,
				       sizeof(unknown)), 0);
	CHECK_EQ_INT(h.idx[COL_MOBILE], 0);
	CHECK_EQ_INT(h.idx[COL_MOTHER_NAME], 1);
	CHECK_EQ_INT(h.idx[COL_PORTAL_REF], 8);
	CHECK_EQ_INT(h.idx[COL_FINGERS], 9);
	CHECK_EQ_INT(h.unknown, 2);
	CHECK_STR(unknown, "note, extra");

	CHECK_EQ_INT(import_header_map(missing, 5, &h, err, sizeof(err), NULL, 0),
		     -1);
	CHECK_STR(err, "required column(s) missing from the header: serial, "
		       "birth_date_solar, mother_name");
	CHECK_EQ_INT(import_header_map(twice, 9, &h, err, sizeof(err), NULL, 0),
		     -1);
	CHECK_STR(err, "column serial appears twice in the header");
	CHECK_EQ_INT(import_header_map(empty, 3, &h, err, sizeof(err), NULL, 0),
		     -1);
	CHECK(strstr(err, "field 2") != NULL);
}

/* ------------------------------------------------------------ rows */

enum { F_REF, F_NID, F_SERIAL, F_BIRTH, F_GENDER, F_RELIGION, F_MOTHER,
       F_MOBILE, F_LEAVE, F_STAIRS, F_PUPILS, F_FINGERS, F_LUNAR, F_N };

static char *const header_all[F_N] = {
	"portal_ref", "national_id", "serial", "birth_date_solar", "gender",
	"religion", "mother_name", "mobile", "can_leave_home",
	"can_climb_stairs", "pupils_visible", "fingers_intact",
	"birth_date_lunar"
};

/* A good row; tests change one field at a time. */
static void good_fields(char *f[F_N])
{
	static char *const good[F_N] = {
		"P-1001", "0013660421", "377899", "1367/12/23", "female", "islam",
		"مریم", "09121234567", "yes", "yes", "yes", "yes", ""
	};

	memcpy(f, good, sizeof(good));
}

static enum import_code parse_with(char *f[F_N], struct import_row *row,
				   enum import_col *bad)
{
	struct import_header h;
	char err[128];

	if (import_header_map(header_all, F_N, &h, err, sizeof(err), NULL, 0))
		return IMP_CODE_COUNT;
	return import_row_parse(f, F_N, &h, row, bad);
}

static enum import_code parse_one(int field, char *value, enum import_col *bad)
{
	char *f[F_N];
	struct import_row row;

	good_fields(f);
	f[field] = value;
	return parse_with(f, &row, bad);
}

static void test_row_good(void)
{
	char *f[F_N];
	struct import_row row;
	enum import_col bad = COL_COUNT;

	good_fields(f);
	CHECK_EQ_INT(parse_with(f, &row, &bad), IMP_OK);
	CHECK_STR(row.portal_ref, "P-1001");
	CHECK_STR(row.nid, "0013660421");
	CHECK_STR(row.serial, "377899");
	CHECK_EQ_INT(row.birth_jdn, solar(1367, 12, 23));
	CHECK_STR(row.birth_sql, "1989-03-14");
	CHECK_STR(row.gender, "female");
	CHECK_STR(row.religion, "islam");
	CHECK_STR(row.mother_name, "مریم");
	CHECK_STR(row.mobile, "09121234567");
	CHECK(row.needs_complete);
	CHECK(row.needs[0] == 1 && row.needs[3] == 1);
	CHECK(!row.has_lunar);

	/* What people and old systems type: Persian digits, spaces,
	 * dashes, a leading zero lost, Persian words, Arabic letters. */
	f[F_REF] = "  portal-77 ";
	f[F_NID] = " ۱۳-۶۶۰۴۲-۱ ";
	f[F_SERIAL] = "۳۷۷۸۹۹";
	f[F_BIRTH] = "۱۳۶۷/۱۲/۲۳";
	f[F_GENDER] = "زن";
	f[F_RELIGION] = "كليمي";   /* Arabic kaf and yeh */
	f[F_MOTHER] = " فاطمه‌زهرا ";
	f[F_MOBILE] = "+98 912 123 4567";
	f[F_LEAVE] = "بله";
	f[F_STAIRS] = "خیر";
	f[F_PUPILS] = "۱";
	f[F_FINGERS] = "No";
	f[F_LUNAR] = "۱۴۰۹/۰۸/۰۶";
	CHECK_EQ_INT(parse_with(f, &row, &bad), IMP_OK);
	CHECK_STR(row.portal_ref, "portal-77");
	CHECK_STR(row.nid, "0013660421");
	CHECK_STR(row.religion, "jewish");
	CHECK_STR(row.mother_name, "فاطمه‌زهرا");
	CHECK_STR(row.mobile, "09121234567");
	CHECK(row.needs[0] == 1 && row.needs[1] == 0 && row.needs[2] == 1 &&
	      row.needs[3] == 0);
	CHECK(row.needs_complete);
	CHECK(row.has_lunar && row.lunar.year == 1409 && row.lunar.month == 8 &&
	      row.lunar.day == 6);

	f[F_GENDER] = "MALE";
	f[F_RELIGION] = "زرتشتی";
	f[F_MOTHER] = "علي";      /* Arabic yeh becomes the Persian one */
	CHECK_EQ_INT(parse_with(f, &row, &bad), IMP_OK);
	CHECK_STR(row.gender, "male");
	CHECK_STR(row.religion, "zoroastrian");
	CHECK_STR(row.mother_name, "علی");

	/* Needs are stored all four or none: the site asks them together. */
	good_fields(f);
	f[F_PUPILS] = "";
	CHECK_EQ_INT(parse_with(f, &row, &bad), IMP_OK);
	CHECK(!row.needs_complete);
	CHECK(row.needs[0] == -1 && row.needs[1] == -1 && row.needs[2] == -1 &&
	      row.needs[3] == -1);
}

static void test_row_optional_columns(void)
{
	char *header[] = { "mobile", "mother_name", "religion", "gender",
			   "birth_date_solar", "serial", "national_id",
			   "portal_ref" };
	char *fields[] = { "09351112233", "زهرا", "other", "male", "1369/03/19",
			   "123456", "0010001931", "X1" };
	struct import_header h;
	struct import_row row;
	char err[128];

	CHECK_EQ_INT(import_header_map(header, 8, &h, err, sizeof(err), NULL, 0),
		     0);
	CHECK_EQ_INT(import_row_parse(fields, 8, &h, &row, NULL), IMP_OK);
	CHECK(!row.needs_complete);
	CHECK_STR(row.religion, "other");
	CHECK_STR(row.mobile, "09351112233");
}

static void test_row_bad(void)
{
	char long_ref[40], long_name[200];
	struct import_row row;
	enum import_col bad;
	char *f[F_N];
	size_t i;

	memset(long_ref, 'A', 33);
	long_ref[33] = '\0';
	long_name[0] = '\0';
	for (i = 0; i < 41; i++)
		strcat(long_name, "ب");

#define BAD(field, value, code, column) do { \
	bad = COL_COUNT; \
	CHECK_EQ_INT(parse_one((field), (value), &bad), (code)); \
	CHECK_EQ_INT(bad, (column)); \
} while (0)
	BAD(F_REF, "", IMP_PORTAL_REF_INVALID, COL_PORTAL_REF);
	BAD(F_REF, long_ref, IMP_PORTAL_REF_INVALID, COL_PORTAL_REF);
	BAD(F_REF, "P 1", IMP_PORTAL_REF_INVALID, COL_PORTAL_REF);
	BAD(F_REF, "P_1", IMP_PORTAL_REF_INVALID, COL_PORTAL_REF);
	BAD(F_REF, "درخواست", IMP_PORTAL_REF_INVALID, COL_PORTAL_REF);
	BAD(F_NID, "0013660422", IMP_NATIONAL_ID_INVALID, COL_NATIONAL_ID);
	BAD(F_NID, "1111111111", IMP_NATIONAL_ID_INVALID, COL_NATIONAL_ID);
	BAD(F_NID, "12345", IMP_NATIONAL_ID_INVALID, COL_NATIONAL_ID);
	BAD(F_NID, "", IMP_NATIONAL_ID_INVALID, COL_NATIONAL_ID);
	BAD(F_SERIAL, "37789", IMP_SERIAL_INVALID, COL_SERIAL);
	BAD(F_SERIAL, "الف/12 377899", IMP_SERIAL_INVALID, COL_SERIAL);
	BAD(F_BIRTH, "1367/13/01", IMP_BIRTH_DATE_INVALID, COL_BIRTH_SOLAR);
	BAD(F_BIRTH, "1367/12/31", IMP_BIRTH_DATE_INVALID, COL_BIRTH_SOLAR);
	BAD(F_BIRTH, "1989-03-14", IMP_BIRTH_DATE_INVALID, COL_BIRTH_SOLAR);
	BAD(F_BIRTH, "", IMP_BIRTH_DATE_INVALID, COL_BIRTH_SOLAR);
	BAD(F_LUNAR, "1409/13/01", IMP_LUNAR_DATE_INVALID, COL_BIRTH_LUNAR);
	BAD(F_LUNAR, "soon", IMP_LUNAR_DATE_INVALID, COL_BIRTH_LUNAR);
	BAD(F_GENDER, "", IMP_GENDER_INVALID, COL_GENDER);
	BAD(F_GENDER, "other", IMP_GENDER_INVALID, COL_GENDER);
	BAD(F_RELIGION, "none", IMP_RELIGION_INVALID, COL_RELIGION);
	BAD(F_MOTHER, "", IMP_MOTHER_NAME_INVALID, COL_MOTHER_NAME);
	BAD(F_MOTHER, "   ", IMP_MOTHER_NAME_INVALID, COL_MOTHER_NAME);
	BAD(F_MOTHER, "Maryam", IMP_MOTHER_NAME_INVALID, COL_MOTHER_NAME);
	BAD(F_MOTHER, "م", IMP_MOTHER_NAME_INVALID, COL_MOTHER_NAME);
	BAD(F_MOTHER, "مریم۲", IMP_MOTHER_NAME_INVALID, COL_MOTHER_NAME);
	BAD(F_MOTHER, long_name, IMP_MOTHER_NAME_INVALID, COL_MOTHER_NAME);
	BAD(F_MOBILE, "0912123456", IMP_MOBILE_INVALID, COL_MOBILE);
	BAD(F_MOBILE, "", IMP_MOBILE_INVALID, COL_MOBILE);
	BAD(F_LEAVE, "maybe", IMP_NEED_INVALID, COL_LEAVE_HOME);
	BAD(F_STAIRS, "2", IMP_NEED_INVALID, COL_CLIMB_STAIRS);
	BAD(F_PUPILS, "شاید", IMP_NEED_INVALID, COL_PUPILS);
	BAD(F_FINGERS, "yes!", IMP_NEED_INVALID, COL_FINGERS);
#undef BAD

	/* The national ID is kept for the (masked) report whenever it has
	 * ten digits, even when it or another value is wrong. */
	good_fields(f);
	f[F_NID] = "0013660422";
	CHECK_EQ_INT(parse_with(f, &row, NULL), IMP_NATIONAL_ID_INVALID);
	CHECK_STR(row.nid, "0013660422");
	good_fields(f);
	f[F_REF] = "";
	CHECK_EQ_INT(parse_with(f, &row, NULL), IMP_PORTAL_REF_INVALID);
	CHECK_STR(row.nid, "0013660421");
	good_fields(f);
	f[F_NID] = "abc";
	CHECK_EQ_INT(parse_with(f, &row, NULL), IMP_NATIONAL_ID_INVALID);
	CHECK_STR(row.nid, "");
}

/* ------------------------------------------------------------ registry */

static void person_like(const struct import_row *row, struct import_person *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->serial, sizeof(p->serial), "%s", row->serial);
	p->birth_jdn = row->birth_jdn;
	snprintf(p->gender, sizeof(p->gender), "%s", row->gender);
	p->alive = 1;
}

static void test_registry(void)
{
	struct import_rules rules = { NOW_MS, 15, 48 * 3600, NULL, 0, NULL, 0 };
	struct import_person p;
	struct import_row row;
	char *f[F_N];

	good_fields(f);
	CHECK_EQ_INT(parse_with(f, &row, NULL), IMP_OK);
	person_like(&row, &p);
	CHECK_EQ_INT(import_check_person(&row, &p, &rules), IMP_OK);

	snprintf(p.serial, sizeof(p.serial), "111111");
	CHECK_EQ_INT(import_check_person(&row, &p, &rules), IMP_ID_SERIAL_MISMATCH);

	/* Serial changed an hour ago: the new one is not known yet and the
	 * old one still works, as on the first page. */
	person_like(&row, &p);
	p.changed_ms = NOW_MS - HOUR_MS;
	snprintf(p.prev_serial, sizeof(p.prev_serial), "222222");
	CHECK_EQ_INT(import_check_person(&row, &p, &rules),
		     IMP_SERIAL_NOT_YET_KNOWN);
	snprintf(p.serial, sizeof(p.serial), "333333");
	snprintf(p.prev_serial, sizeof(p.prev_serial), "%s", row.serial);
	CHECK_EQ_INT(import_check_person(&row, &p, &rules), IMP_OK);
	/* A week later the previous one is refused. */
	p.changed_ms = NOW_MS - 8 * DAY_MS;
	CHECK_EQ_INT(import_check_person(&row, &p, &rules), IMP_ID_SERIAL_MISMATCH);
	person_like(&row, &p);
	p.changed_ms = NOW_MS - 8 * DAY_MS;
	CHECK_EQ_INT(import_check_person(&row, &p, &rules), IMP_OK);

	person_like(&row, &p);
	p.alive = 0;
	CHECK_EQ_INT(import_check_person(&row, &p, &rules), IMP_PERSON_DECEASED);

	person_like(&row, &p);
	p.birth_jdn = row.birth_jdn + 1;
	CHECK_EQ_INT(import_check_person(&row, &p, &rules),
		     IMP_BIRTH_DATE_MISMATCH);
	person_like(&row, &p);
	snprintf(p.gender, sizeof(p.gender), "male");
	CHECK_EQ_INT(import_check_person(&row, &p, &rules), IMP_GENDER_MISMATCH);

	/* Age in full solar years on the Tehran day of now (1405/08/30). */
	{
		struct jalali_date today;

		jalali_from_unix((time_t)(NOW_MS / 1000), &today);
		CHECK(today.year == 1405 && today.month == 8 && today.day == 30);
		row.birth_jdn = solar(1390, 8, 30);
		person_like(&row, &p);
		CHECK_EQ_INT(import_check_person(&row, &p, &rules), IMP_OK);
		row.birth_jdn = solar(1390, 9, 1);
		person_like(&row, &p);
		CHECK_EQ_INT(import_check_person(&row, &p, &rules), IMP_UNDER_AGE);
		rules.min_age_years = 0;
		CHECK_EQ_INT(import_check_person(&row, &p, &rules), IMP_OK);
		/* Born after today: never old enough. */
		row.birth_jdn = solar(1406, 1, 1);
		person_like(&row, &p);
		CHECK_EQ_INT(import_check_person(&row, &p, &rules), IMP_UNDER_AGE);
	}
}

static void test_lunar(void)
{
	struct import_rules rules = { NOW_MS, 15, 48 * 3600, NULL, 0, NULL, 0 };
	struct hijri_date opts[HIJRI_OPTIONS];
	struct hijri_month_start bad_table[1] = { { 1446, 13, 0 } };
	struct import_row row;
	char out[HIJRI_FMT_SIZE], want[HIJRI_FMT_SIZE];
	char *f[F_N];

	good_fields(f);
	CHECK_EQ_INT(parse_with(f, &row, NULL), IMP_OK);
	/* Computed: the middle of the five options, as the site offers. */
	CHECK_EQ_INT(hijri_options(row.birth_jdn, NULL, 0, opts), HIJRI_OK);
	hijri_format(&opts[2], want, sizeof(want));
	CHECK_EQ_INT(import_lunar(&row, &rules, out), IMP_OK);
	CHECK_STR(out, want);
	/* 1367/12/23 SH = 14 March 1989 = 6 Sha'ban 1409 (tabular). */
	CHECK_STR(out, "1409/08/06");
	/* Given: any of the five is kept as given. */
	row.has_lunar = 1;
	row.lunar = opts[0];
	CHECK_EQ_INT(import_lunar(&row, &rules, out), IMP_OK);
	hijri_format(&opts[0], want, sizeof(want));
	CHECK_STR(out, want);
	row.lunar = opts[4];
	row.lunar.day = opts[4].day == 1 ? 3 : opts[4].day + 1;
	CHECK_EQ_INT(import_lunar(&row, &rules, out), IMP_LUNAR_NOT_OFFERED);
	row.lunar.year = 1410;
	CHECK_EQ_INT(import_lunar(&row, &rules, out), IMP_LUNAR_NOT_OFFERED);
	/* The announced month starts are honoured. */
	{
		struct hijri_month_start tab[2];
		struct hijri_date d = { 1409, 8, 1 };
		int32_t d1;

		hijri_to_jdn(&d, NULL, 0, &d1);
		tab[0].year = 1409;
		tab[0].month = 8;
		tab[0].jdn = d1 - 1;   /* Sha'ban began a day early */
		d.month = 9;
		hijri_to_jdn(&d, NULL, 0, &tab[1].jdn);
		tab[1].year = 1409;
		tab[1].month = 9;
		rules.months = tab;
		rules.n_months = 2;
		row.has_lunar = 0;
		CHECK_EQ_INT(import_lunar(&row, &rules, out), IMP_OK);
		CHECK_STR(out, "1409/08/07");
	}
	rules.months = bad_table;
	rules.n_months = 1;
	CHECK_EQ_INT(import_lunar(&row, &rules, out), IMP_LUNAR_DATE_INVALID);
}

static void test_existing(void)
{
	CHECK_EQ_INT(import_existing("0013660421", 0, NULL, 0), IMP_OK);
	CHECK_EQ_INT(import_existing("0013660421", 1, "0013660421", 1),
		     IMP_ALREADY_IMPORTED);
	CHECK_EQ_INT(import_existing("0013660421", 1, "0010001931", 0),
		     IMP_REF_CONFLICT);
	CHECK_EQ_INT(import_existing("0013660421", 1, "0010001931", 1),
		     IMP_REF_CONFLICT);
	CHECK_EQ_INT(import_existing("0013660421", 0, NULL, 1),
		     IMP_HAS_APPLICATION);
}

/* ------------------------------------------------------------ time */

static void test_time(void)
{
	int32_t jdn;
	int64_t ms;
	char out[24];

	CHECK_EQ_INT(import_sql_date_to_jdn("1989-03-14", &jdn), 0);
	CHECK_EQ_INT(jdn, solar(1367, 12, 23));
	CHECK_EQ_INT(import_sql_date_to_jdn("1989-02-30", &jdn), -1);
	CHECK_EQ_INT(import_sql_date_to_jdn("1989/03/14", &jdn), -1);
	CHECK_EQ_INT(import_sql_date_to_jdn("", &jdn), -1);

	CHECK_EQ_INT(import_sql_time_to_ms("2026-11-21 12:30:00", &ms), 0);
	CHECK_EQ_INT(ms, NOW_MS);
	CHECK_EQ_INT(import_sql_time_to_ms("2026-11-21 12:30:00.250", &ms), 0);
	CHECK_EQ_INT(ms, NOW_MS + 250);
	CHECK_EQ_INT(import_sql_time_to_ms("2026-11-21 24:30:00", &ms), -1);
	CHECK_EQ_INT(import_sql_time_to_ms("2026-11-21", &ms), -1);
	import_ms_to_sql_time(NOW_MS + 7, out);
	CHECK_STR(out, "2026-11-21 12:30:00.007");
	import_ms_to_sql_time(0, out);
	CHECK_STR(out, "1970-01-01 00:00:00.000");

	CHECK_EQ_INT(import_parse_iso("2026-11-21T12:30:00Z", &ms), 0);
	CHECK_EQ_INT(ms, NOW_MS);
	CHECK_EQ_INT(import_parse_iso("2026-11-21T16:00:00+03:30", &ms), 0);
	CHECK_EQ_INT(ms, NOW_MS);
	CHECK_EQ_INT(import_parse_iso("2026-11-21T16:00+0330", &ms), 0);
	CHECK_EQ_INT(ms, NOW_MS);
	CHECK_EQ_INT(import_parse_iso("2026-11-21T12:30:00.123Z", &ms), 0);
	CHECK_EQ_INT(ms, NOW_MS + 123);
	CHECK_EQ_INT(import_parse_iso("2026-11-21 10:30:00-02:00", &ms), 0);
	CHECK_EQ_INT(ms, NOW_MS);
	CHECK_EQ_INT(import_parse_iso("2026-11-21T12:30:00", &ms), -1);
	CHECK_EQ_INT(import_parse_iso("yesterday", &ms), -1);
	CHECK_EQ_INT(import_parse_iso("2026-11-21T12:30:00Zx", &ms), -1);
}

/* ------------------------------------------------------------ report */

static char *report_of(void (*fn)(FILE *f, const void *arg), const void *arg)
{
	char *out = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&out, &len);

	if (!o)
		return NULL;
	fn(o, arg);
	fclose(o);
	return out;
}

static void field_fn(FILE *f, const void *arg)
{
	import_csv_field(f, arg);
}

static void row_fn(FILE *f, const void *arg)
{
	(void)arg;
	import_report_header(f);
	import_report_row(f, 12, "P-1", "001******1", "refused",
			  "نام مادر معتبر نیست، «مثلاً»", "x: \"quoted\"\nnext");
}

static void test_report(void)
{
	char ref[80], *s;
	int i;

	s = report_of(field_fn, "plain");
	CHECK_STR(s, "plain");
	free(s);
	s = report_of(field_fn, "a,b");
	CHECK_STR(s, "\"a,b\"");
	free(s);
	s = report_of(field_fn, "say \"hi\"");
	CHECK_STR(s, "\"say \"\"hi\"\"\"");
	free(s);
	s = report_of(field_fn, "two\nlines");
	CHECK_STR(s, "\"two\nlines\"");
	free(s);
	s = report_of(row_fn, NULL);
	CHECK_STR(s, "row,portal_ref,national_id_masked,result,reason_fa,reason_en\r\n"
		     "12,P-1,001******1,refused,نام مادر معتبر نیست، «مثلاً»,"
		     "\"x: \"\"quoted\"\"\nnext\"\r\n");
	free(s);
	/* The report reads back with the reader. */
	{
		FILE *f;
		struct csv_reader r;

		s = report_of(row_fn, NULL);
		f = fmemopen(s, strlen(s), "r");
		CHECK(f && csv_open(&r, f, 0, 0) == 0);
		CHECK_EQ_INT(csv_next(&r), CSV_RECORD);
		CHECK_EQ_INT(r.nfields, 6);
		CHECK_EQ_INT(csv_next(&r), CSV_RECORD);
		CHECK_STR(r.field[5], "x: \"quoted\"\nnext");
		CHECK_EQ_INT(csv_next(&r), CSV_EOF);
		csv_close(&r);
		fclose(f);
		free(s);
	}

	import_report_ref("P-1001", ref, sizeof(ref));
	CHECK_STR(ref, "P-1001");
	import_report_ref(" P-1001 ", ref, sizeof(ref));
	CHECK_STR(ref, "P-1001");
	import_report_ref("-12", ref, sizeof(ref));   /* valid: left alone */
	CHECK_STR(ref, "-12");
	import_report_ref("=HYPERLINK(\"x\")", ref, sizeof(ref));
	CHECK_STR(ref, "'=HYPERLINK(\"x\")");
	import_report_ref("@x y", ref, sizeof(ref));
	CHECK_STR(ref, "'@x y");
	import_report_ref("ref 0013660421", ref, sizeof(ref));
	CHECK_STR(ref, "ref 001******1");
	import_report_ref("", ref, sizeof(ref));
	CHECK_STR(ref, "");
	{
		char longp[200] = "";

		for (i = 0; i < 40; i++)
			strcat(longp, "ب");      /* 80 bytes */
		import_report_ref(longp, ref, sizeof(ref));
		CHECK_EQ_INT(strlen(ref), 64);
		CHECK(digits_utf8_valid(ref));
	}
	CHECK(import_portal_ref_valid("a"));
	CHECK(import_portal_ref_valid("ABCDEFGHIJKLMNOPQRSTUVWXYZ-01234"));
	CHECK(!import_portal_ref_valid("ABCDEFGHIJKLMNOPQRSTUVWXYZ-012345"));
	CHECK(!import_portal_ref_valid(""));
}

static void test_codes(void)
{
	int c, ok = 1;

	for (c = 0; c < IMP_CODE_COUNT; c++) {
		const char *fa = import_reason_fa((enum import_code)c);
		const char *en = import_reason_en((enum import_code)c);
		const char *name = import_code_name((enum import_code)c);

		/* Persian text (Arabic-script bytes D8..DB), English, a name. */
		if (!fa || !en || !name || !*en || !*name ||
		    !(strstr(fa, "\xD8") || strstr(fa, "\xD9") ||
		      strstr(fa, "\xDA") || strstr(fa, "\xDB"))) {
			unit_note("code %d", c);
			ok = 0;
		}
	}
	CHECK(ok);
	CHECK_STR(import_code_name(IMP_UNDER_AGE), "UNDER_AGE");
	CHECK_STR(import_code_name(IMP_CODE_COUNT), "UNKNOWN");
	CHECK_STR(import_col_name(COL_FINGERS), "fingers_intact");
}

int main(void)
{
	test_csv_basic();
	test_csv_quotes();
	test_csv_bom_blank();
	test_csv_errors();
	test_utf8();
	test_header();
	test_row_good();
	test_row_optional_columns();
	test_row_bad();
	test_registry();
	test_lunar();
	test_existing();
	test_time();
	test_report();
	test_codes();
	return unit_done();
}
