/*
 * import-row: the header map, one row's validation and the portal_ref as
 * the report shows it (see import-row.h).
 */
#include "config.h"

#include "import-row.h"

#include "digits.h"
#include "jalali.h"
#include "nid.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

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

/* ------------------------------------------------------------ report */

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
