/*
 * import-csv: CSV reading, row validation and the report of crs-import
 * (see import-csv.h).
 */
#include "config.h"

#include "import-csv.h"

#include "digits.h"
#include "jalali.h"
#include "nid.h"
#include "workhours.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ------------------------------------------------------------ outcomes */

static const struct {
	const char *name, *fa, *en;
} codes[IMP_CODE_COUNT] = {
	[IMP_OK] = { "OK", "منتقل شد.", "imported" },
	[IMP_CSV_QUOTE] = { "CSV_QUOTE",
		"قالب CSV نادرست است: علامت نقل‌قول در میان فیلدی که در نقل‌قول نیست.",
		"bad CSV: a double quote inside an unquoted field" },
	[IMP_CSV_AFTER_QUOTE] = { "CSV_AFTER_QUOTE",
		"قالب CSV نادرست است: پس از بستن نقل‌قول، نویسهٔ دیگری جز ویرگول یا پایان سطر آمده است.",
		"bad CSV: text after a closing double quote" },
	[IMP_CSV_UNTERMINATED] = { "CSV_UNTERMINATED",
		"قالب CSV نادرست است: نقل‌قولی که تا پایان پرونده بسته نشده است.",
		"bad CSV: a quoted field runs to the end of the file" },
	[IMP_CSV_TOO_LONG] = { "CSV_TOO_LONG",
		"این سطر بیش از اندازهٔ مجاز (۶۴ کیلوبایت) طولانی است.",
		"record longer than the limit (64 KiB)" },
	[IMP_CSV_TOO_MANY_FIELDS] = { "CSV_TOO_MANY_FIELDS",
		"این سطر بیش از ۶۴ ستون دارد.",
		"record with more than 64 fields" },
	[IMP_CSV_NUL] = { "CSV_NUL",
		"این سطر نویسهٔ تهی (NUL) دارد.",
		"bad CSV: a NUL byte" },
	[IMP_CSV_UTF8] = { "CSV_UTF8",
		"متن این سطر UTF-8 معتبر نیست.",
		"not valid UTF-8" },
	[IMP_CSV_FIELD_COUNT] = { "CSV_FIELD_COUNT",
		"شمار ستون‌های این سطر با سطر عنوان برابر نیست.",
		"not as many fields as the header" },
	[IMP_PORTAL_REF_INVALID] = { "PORTAL_REF_INVALID",
		"شمارهٔ درخواست Portal معتبر نیست: ۱ تا ۳۲ نویسه از حروف لاتین، رقم و خط تیره.",
		"portal_ref must be 1 to 32 characters of A-Z, a-z, 0-9 and '-'" },
	[IMP_NATIONAL_ID_INVALID] = { "NATIONAL_ID_INVALID",
		"شماره ملی معتبر نیست (ده رقم با رقم کنترل درست).",
		"national ID invalid (ten digits with a right check digit)" },
	[IMP_SERIAL_INVALID] = { "SERIAL_INVALID",
		"سریال شناسنامه معتبر نیست؛ بخش عددی شش‌رقمی سریال لازم است.",
		"serial must be the six-digit number part" },
	[IMP_BIRTH_DATE_INVALID] = { "BIRTH_DATE_INVALID",
		"تاریخ تولد شمسی معتبر نیست (سال/ماه/روز، مانند ۱۳۶۹/۰۳/۱۹).",
		"birth_date_solar is not a Jalali date YYYY/MM/DD" },
	[IMP_LUNAR_DATE_INVALID] = { "LUNAR_DATE_INVALID",
		"تاریخ تولد قمری معتبر نیست (سال/ماه/روز).",
		"birth_date_lunar is not a Hijri date YYYY/MM/DD" },
	[IMP_GENDER_INVALID] = { "GENDER_INVALID",
		"جنسیت معتبر نیست (مرد یا زن).",
		"gender must be male or female (مرد/زن)" },
	[IMP_RELIGION_INVALID] = { "RELIGION_INVALID",
		"دین معتبر نیست (اسلام، مسیحی، کلیمی، زرتشتی یا سایر).",
		"religion must be islam, christian, jewish, zoroastrian or other" },
	[IMP_MOTHER_NAME_INVALID] = { "MOTHER_NAME_INVALID",
		"نام مادر معتبر نیست: فقط نام کوچک، با حروف فارسی، ۲ تا ۴۰ حرف.",
		"mother_name must be a first name in Persian letters, 2 to 40 of them" },
	[IMP_MOBILE_INVALID] = { "MOBILE_INVALID",
		"شمارهٔ تلفن همراه معتبر نیست (۰۹ و نه رقم).",
		"mobile must be 09 and nine digits" },
	[IMP_NEED_INVALID] = { "NEED_INVALID",
		"پاسخ پرسش‌های تکمیل ثبت نام خاص باید بله یا خیر باشد.",
		"special-needs answers must be yes/no, 1/0 or بله/خیر" },
	[IMP_NOT_IN_REGISTRY] = { "NOT_IN_REGISTRY",
		"این شماره ملی در پایگاه دادهٔ ثبت احوال نیست.",
		"national ID not in the civil registry" },
	[IMP_ID_SERIAL_MISMATCH] = { "ID_SERIAL_MISMATCH",
		"شماره ملی و سریال شناسنامه با هم مطابقت ندارند.",
		"the serial is not the civil registry's serial of this national ID" },
	[IMP_SERIAL_NOT_YET_KNOWN] = { "SERIAL_NOT_YET_KNOWN",
		"شناسنامه به‌تازگی تعویض شده و سریال تازه هنوز شناخته نیست؛ ۴۸ ساعت کاری بعد دوباره منتقل کنید.",
		"the serial changed less than 48 working hours ago; import the row again later" },
	[IMP_PERSON_DECEASED] = { "PERSON_DECEASED",
		"ثبت احوال این شخص را فوت‌شده ثبت کرده است.",
		"the civil registry records this person as deceased" },
	[IMP_UNDER_AGE] = { "UNDER_AGE",
		"این شخص هنوز پانزده سال تمام شمسی ندارد.",
		"younger than the minimum age (15 full solar years)" },
	[IMP_BIRTH_DATE_MISMATCH] = { "BIRTH_DATE_MISMATCH",
		"تاریخ تولد شمسی با اطلاعات ثبت احوال مطابقت ندارد.",
		"birth date differs from the civil registry" },
	[IMP_GENDER_MISMATCH] = { "GENDER_MISMATCH",
		"جنسیت با اطلاعات ثبت احوال مطابقت ندارد.",
		"gender differs from the civil registry" },
	[IMP_LUNAR_NOT_OFFERED] = { "LUNAR_DATE_NOT_OFFERED",
		"تاریخ تولد قمری با تاریخ شمسی نمی‌خواند: باید یکی از پنج گزینه‌ای باشد که سامانه پیشنهاد می‌کند.",
		"birth_date_lunar is not one of the five dates the site offers for this solar date" },
	[IMP_ALREADY_IMPORTED] = { "ALREADY_IMPORTED",
		"این درخواست پیش‌تر منتقل شده است؛ چیزی تغییر نکرد.",
		"already imported; nothing changed" },
	[IMP_HAS_APPLICATION] = { "HAS_APPLICATION",
		"این شهروند از پیش در سامانهٔ جدید درخواست دارد؛ چیزی بازنویسی نشد.",
		"the citizen has an application already; nothing overwritten" },
	[IMP_REF_CONFLICT] = { "PORTAL_REF_CONFLICT",
		"این شمارهٔ درخواست Portal پیش‌تر برای شماره ملی دیگری منتقل شده است.",
		"this portal_ref was imported for another national ID" },
	[IMP_DB_ERROR] = { "DB_ERROR",
		"خطای پایگاه داده؛ این سطر نوشته نشد. برنامه را دوباره اجرا کنید.",
		"database error; nothing of the row was written (run the import again)" },
};

const char *import_code_name(enum import_code c)
{
	return (unsigned)c < IMP_CODE_COUNT ? codes[c].name : "UNKNOWN";
}

const char *import_reason_fa(enum import_code c)
{
	return (unsigned)c < IMP_CODE_COUNT ? codes[c].fa : "";
}

const char *import_reason_en(enum import_code c)
{
	return (unsigned)c < IMP_CODE_COUNT ? codes[c].en : "";
}

/* ------------------------------------------------------------ CSV reader */

int csv_open(struct csv_reader *r, FILE *f, size_t io_size, size_t max_record)
{
	memset(r, 0, sizeof(*r));
	r->f = f;
	r->in_size = io_size ? io_size : CSV_DEFAULT_IO;
	r->rec_cap = (max_record ? max_record : CSV_DEFAULT_MAX_RECORD) + 1;
	r->in = malloc(r->in_size);
	r->rec = malloc(r->rec_cap);
	r->line = 1;
	if (!r->in || !r->rec) {
		csv_close(r);
		return CSV_ENOMEM;
	}
	return 0;
}

void csv_close(struct csv_reader *r)
{
	free(r->in);
	free(r->rec);
	r->in = NULL;
	r->rec = NULL;
}

static int rd(struct csv_reader *r)
{
	if (r->nback > 0)
		return r->back[--r->nback];
	if (r->in_pos == r->in_len) {
		size_t n;

		if (r->in_eof)
			return EOF;
		n = fread(r->in, 1, r->in_size, r->f);
		if (n == 0) {
			r->in_err = ferror(r->f) != 0;
			r->in_eof = 1;
			return EOF;
		}
		r->in_pos = 0;
		r->in_len = n;
	}
	return r->in[r->in_pos++];
}

/* Give back c (a byte rd() returned) so that rd() returns it next;
 * EOF is ignored.  Up to four bytes. */
static void unrd(struct csv_reader *r, int c)
{
	if (c != EOF && r->nback < (int)(sizeof(r->back) / sizeof(r->back[0])))
		r->back[r->nback++] = c;
}

/* Only the first reason counts. */
static void set_bad(struct csv_reader *r, enum import_code why)
{
	if (r->bad == IMP_OK)
		r->bad = why;
}

/* Fields go into rec as NUL-terminated strings; fstart is where the
 * current one began.  Past the limit nothing more is stored. */
struct field_state {
	size_t fstart;
	int full;
};

static void put(struct csv_reader *r, struct field_state *fs, int c)
{
	if (c == 0) {
		set_bad(r, IMP_CSV_NUL);
		return;
	}
	if (fs->full || r->rec_len + 1 >= r->rec_cap) {
		fs->full = 1;
		set_bad(r, IMP_CSV_TOO_LONG);
		return;
	}
	r->rec[r->rec_len++] = (char)c;
}

static void end_field(struct csv_reader *r, struct field_state *fs)
{
	if (fs->full)
		return;
	if (r->nfields == CSV_MAX_FIELDS) {
		set_bad(r, IMP_CSV_TOO_MANY_FIELDS);
		r->rec_len = fs->fstart;
		return;
	}
	r->rec[r->rec_len++] = '\0'; /* put() left room */
	r->field[r->nfields++] = r->rec + fs->fstart;
	fs->fstart = r->rec_len;
}

static int unquoted(struct csv_reader *r, struct field_state *fs, int c)
{
	while (c != ',' && c != '\n' && c != '\r' && c != EOF) {
		if (c == '"')
			set_bad(r, IMP_CSV_QUOTE);
		put(r, fs, c);
		c = rd(r);
	}
	return c;
}

/* One record whose first byte c was read; consumes its line break. */
static void parse_record(struct csv_reader *r, int c)
{
	struct field_state fs = { 0, 0 };

	for (;;) {
		fs.fstart = r->rec_len;
		if (c == '"') {
			for (;;) {
				c = rd(r);
				if (c == EOF) {
					set_bad(r, IMP_CSV_UNTERMINATED);
					end_field(r, &fs);
					return;
				}
				if (c == '"') {
					c = rd(r);
					if (c == '"') {
						put(r, &fs, '"');
						continue;
					}
					break;
				}
				if (c == '\n')
					r->line++;
				put(r, &fs, c);
			}
			if (c != ',' && c != '\n' && c != '\r' && c != EOF) {
				set_bad(r, IMP_CSV_AFTER_QUOTE);
				c = unquoted(r, &fs, c);
			}
		} else {
			c = unquoted(r, &fs, c);
		}
		end_field(r, &fs);
		if (c == ',') {
			c = rd(r);
			continue;
		}
		if (c == '\r') {
			c = rd(r);
			if (c != '\n')
				unrd(r, c);
			r->line++;
		} else if (c == '\n') {
			r->line++;
		}
		return;
	}
}

static int blank_record(const struct csv_reader *r)
{
	size_t i;

	for (i = 0; i < r->nfields; i++) {
		const unsigned char *p = (const unsigned char *)r->field[i];
		const unsigned char *e = p + strlen(r->field[i]);

		while (p < e) {
			size_t n = digits_blank_at(p, e);

			if (n == 0)
				return 0;
			p += n;
		}
	}
	return 1;
}

int csv_next(struct csv_reader *r)
{
	int c;
	size_t i;

	if (!r->started) {
		/* A byte-order mark, possibly split across reads. */
		int b0 = rd(r), b1 = EOF, b2 = EOF;

		r->started = 1;
		if (b0 == 0xEF && (b1 = rd(r)) == 0xBB && (b2 = rd(r)) == 0xBF)
			b0 = b1 = b2 = EOF;
		unrd(r, b2);
		unrd(r, b1);
		unrd(r, b0);
	}
	for (;;) {
		r->rec_len = 0;
		r->nfields = 0;
		r->bad = IMP_OK;
		r->rec_line = r->line;
		c = rd(r);
		if (c == EOF)
			return r->in_err ? CSV_EIO : CSV_EOF;
		r->records++;
		parse_record(r, c);
		if (r->in_err)
			return CSV_EIO;
		if (r->bad != IMP_OK)
			return CSV_BAD;
		if (blank_record(r))
			continue;
		for (i = 0; i < r->nfields; i++) {
			if (!digits_utf8_valid(r->field[i])) {
				r->bad = IMP_CSV_UTF8;
				return CSV_BAD;
			}
		}
		return CSV_RECORD;
	}
}

/* ------------------------------------------------------------ header */

static const char *const col_names[COL_COUNT] = {
	[COL_PORTAL_REF] = "portal_ref",
	[COL_NATIONAL_ID] = "national_id",
	[COL_SERIAL] = "serial",
	[COL_BIRTH_SOLAR] = "birth_date_solar",
	[COL_GENDER] = "gender",
	[COL_RELIGION] = "religion",
	[COL_MOTHER_NAME] = "mother_name",
	[COL_MOBILE] = "mobile",
	[COL_LEAVE_HOME] = "can_leave_home",
	[COL_CLIMB_STAIRS] = "can_climb_stairs",
	[COL_PUPILS] = "pupils_visible",
	[COL_FINGERS] = "fingers_intact",
	[COL_BIRTH_LUNAR] = "birth_date_lunar",
};

const enum import_col import_need_cols[4] = {
	COL_LEAVE_HOME, COL_CLIMB_STAIRS, COL_PUPILS, COL_FINGERS
};

const char *import_col_name(enum import_col c)
{
	return (unsigned)c < COL_COUNT ? col_names[c] : "?";
}

/*
 * Copy s without leading and trailing blanks (white space and invisible
 * RTL marks) into out.  -1 when it does not fit.
 */
static int trim_copy(const char *s, char *out, size_t outsz)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	const unsigned char *e = p + strlen((const char *)p), *start, *last;
	size_t n;

	while (p < e && (n = digits_blank_at(p, e)) > 0)
		p += n;
	start = last = p;
	while (p < e) {
		n = digits_blank_at(p, e);
		if (n) {
			p += n;
			continue;
		}
		p++;
		while (p < e && (*p & 0xC0) == 0x80)
			p++;
		last = p;
	}
	n = (size_t)(last - start);
	if (n >= outsz) {
		if (outsz)
			out[0] = '\0';
		return -1;
	}
	memcpy(out, start, n);
	out[n] = '\0';
	return 0;
}

static void append_list(char *out, size_t outsz, const char *name)
{
	size_t len;

	if (!out || !outsz)
		return;
	len = strlen(out);
	snprintf(out + len, outsz - len, "%s%s", len ? ", " : "", name);
}

int import_header_map(char *const *fields, size_t n, struct import_header *h,
		      char *err, size_t errsz, char *unknown_names,
		      size_t unknown_sz)
{
	char missing[512] = "";
	size_t i;
	int c;

	for (c = 0; c < COL_COUNT; c++)
		h->idx[c] = -1;
	h->nfields = n;
	h->unknown = 0;
	if (unknown_names && unknown_sz)
		unknown_names[0] = '\0';
	for (i = 0; i < n; i++) {
		char name[64];

		if (trim_copy(fields[i], name, sizeof(name)) || !name[0]) {
			snprintf(err, errsz, "header field %zu is empty or too long",
				 i + 1);
			return -1;
		}
		for (c = 0; c < COL_COUNT; c++)
			if (strcasecmp(name, col_names[c]) == 0)
				break;
		if (c == COL_COUNT) {
			h->unknown++;
			append_list(unknown_names, unknown_sz, name);
			continue;
		}
		if (h->idx[c] >= 0) {
			snprintf(err, errsz, "column %s appears twice in the header",
				 col_names[c]);
			return -1;
		}
		h->idx[c] = (int)i;
	}
	for (c = 0; c < COL_REQUIRED; c++)
		if (h->idx[c] < 0)
			append_list(missing, sizeof(missing), col_names[c]);
	if (missing[0]) {
		snprintf(err, errsz, "required column(s) missing from the header: %s",
			 missing);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ one row */

static const char *col(char *const *fields, size_t n,
		       const struct import_header *h, enum import_col c)
{
	int i = h->idx[c];

	return i >= 0 && (size_t)i < n && fields[i] ? fields[i] : "";
}

int import_portal_ref_valid(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++) {
		char c = s[n];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '-'))
			return 0;
	}
	return n >= 1 && n <= PORTAL_REF_MAX;
}

/* Arabic yeh (U+064A) and kaf (U+0643), common in old records, become
 * the Persian letters (U+06CC, U+06A9): same two-byte length. */
static void persian_letters(char *s)
{
	unsigned char *p = (unsigned char *)s;

	for (; p[0] && p[1]; p++) {
		if (p[0] == 0xD9 && p[1] == 0x8A) {
			p[0] = 0xDB;
			p[1] = 0x8C;
			p++;
		} else if (p[0] == 0xD9 && p[1] == 0x83) {
			p[0] = 0xDA;
			p[1] = 0xA9;
			p++;
		}
	}
}

struct word {
	const char *text;
	const char *value;
};

/* The value of the trimmed s in the list (ASCII case ignored), or NULL. */
static const char *lookup(const char *s, const struct word *list)
{
	char t[64];

	if (trim_copy(s, t, sizeof(t)))
		return NULL;
	persian_letters(t);
	for (; list->text; list++)
		if (strcasecmp(t, list->text) == 0)
			return list->value;
	return NULL;
}

static const struct word genders[] = {
	{ "male", "male" }, { "m", "male" }, { "مرد", "male" },
	{ "female", "female" }, { "f", "female" }, { "زن", "female" },
	{ NULL, NULL }
};

static const struct word religions[] = {
	{ "islam", "islam" }, { "اسلام", "islam" }, { "مسلمان", "islam" },
	{ "christian", "christian" }, { "مسیحی", "christian" },
	{ "مسیحیت", "christian" },
	{ "jewish", "jewish" }, { "کلیمی", "jewish" }, { "یهودی", "jewish" },
	{ "zoroastrian", "zoroastrian" }, { "زرتشتی", "zoroastrian" },
	{ "زردشتی", "zoroastrian" },
	{ "other", "other" }, { "سایر", "other" }, { "دیگر", "other" },
	{ NULL, NULL }
};

static const struct word answers[] = {
	{ "yes", "1" }, { "y", "1" }, { "true", "1" }, { "1", "1" },
	{ "بله", "1" }, { "بلی", "1" }, { "آری", "1" },
	{ "no", "0" }, { "n", "0" }, { "false", "0" }, { "0", "0" },
	{ "خیر", "0" }, { "نه", "0" },
	{ NULL, NULL }
};

/* -1 empty, 0, 1, or -2 for anything else. */
static int parse_answer(const char *s)
{
	char t[64], a[64];
	const char *v;

	if (trim_copy(s, t, sizeof(t)))
		return -2;
	if (!t[0])
		return -1;
	if (nid_digits_ascii(t, a, sizeof(a)) != NID_OK)
		return -2;
	v = lookup(a, answers);
	return v ? v[0] - '0' : -2;
}

enum import_code import_row_parse(char *const *fields, size_t n,
				  const struct import_header *h,
				  struct import_row *row,
				  enum import_col *bad_col)
{
	struct jalali_date bj;
	enum import_col dummy;
	int nid_rc, gy, gm, gd, i, given = 0;

	if (!bad_col)
		bad_col = &dummy;
	memset(row, 0, sizeof(*row));
	for (i = 0; i < 4; i++)
		row->needs[i] = -1;
	/* The national ID first, so that the report can mask it whatever
	 * else is wrong. */
	nid_rc = nid_normalize(col(fields, n, h, COL_NATIONAL_ID), row->nid);
	if (nid_rc == NID_EFORMAT || nid_rc == NID_EINVAL)
		row->nid[0] = '\0';

	*bad_col = COL_PORTAL_REF;
	if (trim_copy(col(fields, n, h, COL_PORTAL_REF), row->portal_ref,
		      sizeof(row->portal_ref)) ||
	    !import_portal_ref_valid(row->portal_ref))
		return IMP_PORTAL_REF_INVALID;
	*bad_col = COL_NATIONAL_ID;
	if (nid_rc != NID_OK)
		return IMP_NATIONAL_ID_INVALID;
	*bad_col = COL_SERIAL;
	if (nid_serial_normalize(col(fields, n, h, COL_SERIAL), row->serial) !=
	    NID_OK)
		return IMP_SERIAL_INVALID;
	*bad_col = COL_BIRTH_SOLAR;
	if (jalali_parse(col(fields, n, h, COL_BIRTH_SOLAR), &bj) != JALALI_OK ||
	    jalali_to_jdn(&bj, &row->birth_jdn) != JALALI_OK ||
	    jalali_jdn_to_gregorian(row->birth_jdn, &gy, &gm, &gd) != JALALI_OK ||
	    gy < 1000 || gy > 9999)
		return IMP_BIRTH_DATE_INVALID;
	snprintf(row->birth_sql, sizeof(row->birth_sql), "%04d-%02d-%02d",
		 gy, gm, gd);
	*bad_col = COL_BIRTH_LUNAR;
	{
		char t[64];

		if (trim_copy(col(fields, n, h, COL_BIRTH_LUNAR), t, sizeof(t)))
			return IMP_LUNAR_DATE_INVALID;
		if (t[0]) {
			if (hijri_parse(t, &row->lunar) != HIJRI_OK)
				return IMP_LUNAR_DATE_INVALID;
			row->has_lunar = 1;
		}
	}
	*bad_col = COL_GENDER;
	row->gender = lookup(col(fields, n, h, COL_GENDER), genders);
	if (!row->gender)
		return IMP_GENDER_INVALID;
	*bad_col = COL_RELIGION;
	row->religion = lookup(col(fields, n, h, COL_RELIGION), religions);
	if (!row->religion)
		return IMP_RELIGION_INVALID;
	*bad_col = COL_MOTHER_NAME;
	if (trim_copy(col(fields, n, h, COL_MOTHER_NAME), row->mother_name,
		      sizeof(row->mother_name)))
		return IMP_MOTHER_NAME_INVALID;
	persian_letters(row->mother_name);
	if (!nid_persian_name_valid(row->mother_name))
		return IMP_MOTHER_NAME_INVALID;
	*bad_col = COL_MOBILE;
	if (nid_mobile_normalize(col(fields, n, h, COL_MOBILE), row->mobile) !=
	    NID_OK)
		return IMP_MOBILE_INVALID;
	for (i = 0; i < 4; i++) {
		int a = parse_answer(col(fields, n, h, import_need_cols[i]));

		*bad_col = import_need_cols[i];
		if (a == -2)
			return IMP_NEED_INVALID;
		row->needs[i] = a;
		given += a >= 0;
	}
	/* The site answers the four questions together: store all or none. */
	row->needs_complete = given == 4;
	if (!row->needs_complete)
		for (i = 0; i < 4; i++)
			row->needs[i] = -1;
	return IMP_OK;
}

/* ------------------------------------------------------------ registry */

enum import_code import_check_person(const struct import_row *row,
				     const struct import_person *p,
				     const struct import_rules *rules)
{
	struct jalali_date bj, tj;
	int32_t today;
	int sec, recent = 0, age;

	if (p->changed_ms > 0) {
		int64_t worked = 0;

		if (workhours_between((time_t)(p->changed_ms / 1000),
				      (time_t)(rules->now_ms / 1000),
				      rules->holidays, rules->n_holidays,
				      &worked) == WORKHOURS_OK)
			recent = worked < rules->serial_wait_seconds;
	}
	if (strcmp(row->serial, p->serial) == 0) {
		if (recent)
			return IMP_SERIAL_NOT_YET_KNOWN;
	} else if (!(recent && p->prev_serial[0] &&
		     strcmp(row->serial, p->prev_serial) == 0)) {
		/* The previous serial works only until the new one is known. */
		return IMP_ID_SERIAL_MISMATCH;
	}
	if (!p->alive)
		return IMP_PERSON_DECEASED;
	if (jalali_tehran_local((time_t)(rules->now_ms / 1000), &today, &sec) !=
		    JALALI_OK ||
	    jalali_from_jdn(p->birth_jdn, &bj) != JALALI_OK ||
	    jalali_from_jdn(today, &tj) != JALALI_OK)
		return IMP_UNDER_AGE;
	age = jalali_age_years(&bj, &tj);
	if (age < 0 || age < rules->min_age_years)
		return IMP_UNDER_AGE;
	if (row->birth_jdn != p->birth_jdn)
		return IMP_BIRTH_DATE_MISMATCH;
	if (strcmp(row->gender, p->gender) != 0)
		return IMP_GENDER_MISMATCH;
	return IMP_OK;
}

enum import_code import_lunar(const struct import_row *row,
			      const struct import_rules *rules,
			      char out[HIJRI_FMT_SIZE])
{
	struct hijri_date opts[HIJRI_OPTIONS];
	int i;

	out[0] = '\0';
	if (hijri_options(row->birth_jdn, rules->months, rules->n_months,
			  opts) != HIJRI_OK)
		return IMP_LUNAR_DATE_INVALID;
	if (!row->has_lunar)
		return hijri_format(&opts[HIJRI_OPTIONS / 2], out,
				    HIJRI_FMT_SIZE) == HIJRI_OK
		       ? IMP_OK : IMP_LUNAR_DATE_INVALID;
	for (i = 0; i < HIJRI_OPTIONS; i++) {
		if (opts[i].year == row->lunar.year &&
		    opts[i].month == row->lunar.month &&
		    opts[i].day == row->lunar.day)
			return hijri_format(&opts[i], out, HIJRI_FMT_SIZE) ==
			       HIJRI_OK ? IMP_OK : IMP_LUNAR_DATE_INVALID;
	}
	return IMP_LUNAR_NOT_OFFERED;
}

enum import_code import_existing(const char *nid, int ref_found,
				 const char *ref_nid, int nid_found)
{
	if (ref_found)
		return ref_nid && strcmp(ref_nid, nid) == 0 ? IMP_ALREADY_IMPORTED
							    : IMP_REF_CONFLICT;
	return nid_found ? IMP_HAS_APPLICATION : IMP_OK;
}

/* ------------------------------------------------------------ time */

/* Exactly n ASCII digits at s; -1 otherwise. */
static int digits_n(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

#define UNIX_EPOCH_JDN 2440588

int import_sql_date_to_jdn(const char *s, int32_t *jdn)
{
	int y, m, d;

	if (!s || strlen(s) < 10 || s[4] != '-' || s[7] != '-')
		return -1;
	y = digits_n(s, 4);
	m = digits_n(s + 5, 2);
	d = digits_n(s + 8, 2);
	if (y < 0 || m < 0 || d < 0 || (s[10] && s[10] != ' '))
		return -1;
	return jalali_gregorian_to_jdn(y, m, d, jdn) == JALALI_OK ? 0 : -1;
}

/* "HH:MM[:SS[.fff]]" at s; *end after it. */
static int parse_hms(const char *s, int64_t *ms, const char **end)
{
	int h = digits_n(s, 2), mi, sec = 0, frac = 0, scale = 100;

	if (h < 0 || s[2] != ':' || (mi = digits_n(s + 3, 2)) < 0)
		return -1;
	s += 5;
	if (*s == ':') {
		if ((sec = digits_n(s + 1, 2)) < 0)
			return -1;
		s += 3;
		if (*s == '.') {
			s++;
			if (*s < '0' || *s > '9')
				return -1;
			for (; *s >= '0' && *s <= '9'; s++, scale /= 10)
				frac += scale * (*s - '0');
		}
	}
	if (h > 23 || mi > 59 || sec > 59)
		return -1;
	*ms = ((int64_t)h * 3600 + mi * 60 + sec) * 1000 + frac;
	*end = s;
	return 0;
}

int import_sql_time_to_ms(const char *s, int64_t *ms)
{
	int32_t jdn;
	int64_t t;
	const char *end;

	if (import_sql_date_to_jdn(s, &jdn) || s[10] != ' ' ||
	    parse_hms(s + 11, &t, &end) || *end)
		return -1;
	*ms = ((int64_t)jdn - UNIX_EPOCH_JDN) * 86400000LL + t;
	return 0;
}

void import_ms_to_sql_time(int64_t ms, char out[24])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	size_t n;

	gmtime_r(&t, &tm);
	n = strftime(out, 24, "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(out + n, 24 - n, ".%03u", (unsigned)(ms % 1000) % 1000u);
}

int import_parse_iso(const char *s, int64_t *ms)
{
	char date[11];
	int32_t jdn;
	int64_t t, off = 0;
	const char *end;

	if (!s || strlen(s) < 16 || (s[10] != 'T' && s[10] != ' '))
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (import_sql_date_to_jdn(date, &jdn) || parse_hms(s + 11, &t, &end))
		return -1;
	if (*end == 'Z' && end[1] == '\0') {
		off = 0;
	} else if ((*end == '+' || *end == '-') && strlen(end) >= 3) {
		int oh = digits_n(end + 1, 2), om = 0;
		const char *p = end + 3;

		if (oh < 0)
			return -1;
		if (*p == ':')
			p++;
		if (*p) {
			if ((om = digits_n(p, 2)) < 0 || p[2])
				return -1;
		}
		if (oh > 14 || om > 59)
			return -1;
		off = ((int64_t)oh * 3600 + om * 60) * 1000;
		if (*end == '-')
			off = -off;
	} else {
		return -1;
	}
	*ms = ((int64_t)jdn - UNIX_EPOCH_JDN) * 86400000LL + t - off;
	return 0;
}

/* ------------------------------------------------------------ report */

void import_csv_field(FILE *f, const char *s)
{
	if (!s)
		s = "";
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	putc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', f);
		putc(*s, f);
	}
	putc('"', f);
}

void import_report_header(FILE *f)
{
	fputs("row,portal_ref,national_id_masked,result,reason_fa,reason_en\r\n",
	      f);
}

void import_report_row(FILE *f, unsigned long row, const char *portal_ref,
		       const char *nid_masked, const char *result,
		       const char *reason_fa, const char *reason_en)
{
	fprintf(f, "%lu,", row);
	import_csv_field(f, portal_ref);
	putc(',', f);
	import_csv_field(f, nid_masked);
	putc(',', f);
	import_csv_field(f, result);
	putc(',', f);
	import_csv_field(f, reason_fa);
	putc(',', f);
	import_csv_field(f, reason_en);
	fputs("\r\n", f);
}

void import_report_ref(const char *raw, char *out, size_t outsz)
{
	char t[PORTAL_REF_MAX * 2 + 8];
	size_t n, o = 0;

	if (!outsz)
		return;
	out[0] = '\0';
	if (!raw)
		return;
	if (trim_copy(raw, t, sizeof(t)) == 0 && import_portal_ref_valid(t)) {
		snprintf(out, outsz, "%s", t);
		return;
	}
	/* Up to 64 bytes, not cutting a character. */
	n = strlen(raw);
	if (n > 64) {
		n = 64;
		while (n > 0 && ((unsigned char)raw[n] & 0xC0) == 0x80)
			n--;
	}
	if (raw[0] == '=' || raw[0] == '+' || raw[0] == '-' || raw[0] == '@') {
		if (outsz < 2)
			return;
		out[o++] = '\'';
	}
	if (n > outsz - o - 1)
		n = outsz - o - 1;
	while (n > 0 && ((unsigned char)raw[n] & 0xC0) == 0x80)
		n--;
	memcpy(out + o, raw, n);
	out[o + n] = '\0';
	nid_mask_text(out);
}
