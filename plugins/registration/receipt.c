/*
 * receipt: the registration receipt as HTML, PDF and plain text.  See
 * receipt.h.
 *
 * One model, three renderers.  view_init() checks the input and turns it
 * into display strings (Persian digits, month names, Persian words for
 * the enums, cleaned free text); build_sections() arranges those into
 * titled sections of label/value fields; each renderer walks the same
 * sections, so the three formats cannot drift apart.
 *
 * Direction.  Everything is laid out right to left.  A few values must read
 * left to right inside Persian text: the USSD code *4*6090# (bidi would
 * otherwise print it "#6090*4*"; the seed's screenshots show such garbles), phone
 * numbers with a dash (Persian digits after Persian letters are Arabic
 * numbers, and "-" between two of those is neutral, so "041-37222266"
 * would come out as "37222266-041"), and the verification URL.  Static
 * texts mark such a span with LTR_OPEN/LTR_CLOSE; fields carry an ltr flag.
 * HTML writes <bdi dir="ltr">; the PDF and the text body put an LRM
 * (U+200E) on each side of the span.  After an LRM the digits resolve to
 * strong left-to-right (UBA rules W2 and W7) and so do the separators
 * between them, in any implementation of the bidi algorithm, without the
 * isolate controls (LRI..PDI) that old mail clients draw as boxes.  Pango
 * honours both; one mechanism for PDF and text keeps them alike.  User
 * text has its own bidi controls removed (see clean_dup()), so it cannot
 * open or close such a span.
 *
 * PDF and threads.  Pango objects must not be shared between threads.  The
 * PDF renderer takes pango_cairo_font_map_get_default(), which pango keeps
 * per thread (a GPrivate freed when the thread exits), and makes its own
 * contexts and layouts per call; surfaces are per call too.  This module
 * thus holds no state of its own, global or per thread.  A new font map
 * per call would be just as safe but costs a fontconfig match for every
 * font each time: measured here (-O2) about 19 ms per PDF against 6-7 ms
 * with the per-thread map.  Nothing in CRS changes the default map (no
 * set_default, no set_resolution on it); sizes here are absolute points.
 *
 * Fonts.  Nazli (Debian fonts-farsiweb) for the text and Titr (same
 * package) for the title: Iranian faces with Persian digit forms (۴ ۵ ۶),
 * the Arabic thousands separator U+066C, ZWNJ and Latin letters.  Noto
 * Sans Arabic (fonts-noto-core) is next in the list when installed, and
 * DejaVu Sans, which also covers Persian, is the last resort; the URL is
 * set in DejaVu Sans.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* open_memstream: -std=c11 hides POSIX */
#endif

#include "receipt.h"

#include <crs/plugin.h>

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

/* ------------------------------------------------------------------ */
/* texts                                                               */

/* Markers in static texts: start and end of a left-to-right span. */
#define LTR_OPEN "\x01"
#define LTR_CLOSE "\x02"

#define T_ORG "سازمان ثبت احوال کشور"
#define T_TITLE "رسید پیش‌ثبت‌نام کارت هوشمند ملی"
#define T_SYSTEM "سامانه پیش‌ثبت‌نام کارت هوشمند ملی"
#define T_TRACKING "شماره پیگیری"
#define T_VERIFY "استعلام اصالت رسید"
#define T_ISSUED "تاریخ و ساعت صدور رسید"
#define T_PRINT_HINT \
	"برای چاپ یا ذخیره این رسید به صورت PDF از فرمان چاپ مرورگر " \
	"(Ctrl+P) استفاده کنید."

#define S_PERSONAL "مشخصات فردی"
#define S_OFFICE "دفتر تکمیل ثبت‌نام منتخب"
#define S_PAYMENT "پرداخت"
#define S_PREREQ "پیش‌نیازهای تکمیل ثبت‌نام"

#define NO_APPT_NOTE \
	"نوبت تکمیل ثبت‌نام شما هنوز تعیین نشده است. پرداخت شما با موفقیت " \
	"ثبت شده است؛ لطفاً با ورود به سامانه، دفتر و زمان تکمیل ثبت‌نام را " \
	"انتخاب کنید. نیازی به پرداخت دوباره نیست."

static const char *const prereq[] = {
	"برای تکمیل ثبت‌نام شخصاً با در دست داشتن اصل شناسنامه و شماره ملی "
	"به دفتر تکمیل ثبت‌نام مراجعه کنید.",
	"هنگام مراجعه برای تکمیل ثبت‌نام برای عکس‌برداری آماده باشید.",
	"هنگام مراجعه به دفتر تکمیل ثبت‌نام برای اسکن اثر انگشتان آماده باشید.",
	"از این لحظه به بعد می‌توانید با شماره‌گیری " LTR_OPEN "*۴*۶۰۹۰#"
	LTR_CLOSE " در تلفن همراه، درخواست خود را پیگیری کنید.",
	"پیگیری درخواست همچنین از طریق همین سامانه امکان‌پذیر است.",
	"این رسید با شماره پیگیری آن تا زمان دریافت کارت هوشمند ملی نزد "
	"بانک‌ها و دستگاه‌های اجرایی پذیرفته است. اصالت آن را هر کس می‌تواند "
	"با کد QR یا نشانی زیر آن بررسی کند. رسید مفقود یا مخدوش رایگان "
	"دوباره صادر می‌شود.",
};
#define NPREREQ (sizeof(prereq) / sizeof(prereq[0]))

/* ------------------------------------------------------------------ */
/* output                                                              */

/*
 * Every format is written to a memory stream (open_memstream(3)), which
 * grows as needed and keeps a NUL after the bytes, not counted in len.
 */
struct out {
	FILE *f;
	char *buf;
	size_t len;
};

static int out_open(struct out *o)
{
	o->buf = NULL;
	o->len = 0;
	o->f = open_memstream(&o->buf, &o->len);
	return o->f ? 0 : -ENOMEM;
}

/*
 * Close o and, when rc is 0 and every write went through, hand its bytes
 * to the caller (*buf, *len; the caller frees *buf).  Otherwise free them
 * and return rc, or -ENOMEM for a failed write: a memory stream fails
 * only when it cannot grow.
 */
static int out_close(struct out *o, int rc, char **buf, size_t *len)
{
	int bad = ferror(o->f);

	if (fclose(o->f) != 0 || bad)
		rc = rc ? rc : -ENOMEM;
	o->f = NULL;
	if (rc) {
		free(o->buf);
		o->buf = NULL;
		return rc;
	}
	*buf = o->buf;
	*len = o->len;
	return 0;
}

/* ------------------------------------------------------------------ */
/* input checks and cleaning                                           */


static bool opt_utf8_ok(const struct crs_api *api, const char *s)
{
	return !s || api->utf8_valid(s) == CRS_OK;
}

static bool digits_n(const char *s, size_t n)
{
	if (!s || strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/*
 * A copy of valid UTF-8 s for display: digits made Persian when fa, C0 and
 * C1 controls and DEL turned into spaces, and the explicit bidi embedding,
 * override and isolate controls (U+202A..U+202E, U+2066..U+2069) removed.
 * ZWNJ, ZWJ, LRM and RLM stay: Persian spelling needs the first, and the
 * marks cannot open a span that reorders what follows.  More than
 * RECEIPT_FIELD_MAX bytes are cut at a character and end in "…".  NULL stays NULL
 * (*oom false); NULL with *oom true means out of memory.
 */
static char *clean_dup(const struct crs_api *api, const char *s, bool fa,
		       bool *oom)
{
	size_t n, o = 0;
	char *out;
	const unsigned char *p;

	if (!s)
		return NULL;
	n = strlen(s);
	out = malloc(2 * n + 1);
	if (!out) {
		*oom = true;
		return NULL;
	}
	if (fa) {
		if (api->digits_persian(s, out, 2 * n + 1) != CRS_OK) {
			free(out);
			*oom = true; /* cannot happen: 2n + 1 is always enough */
			return NULL;
		}
	} else {
		memcpy(out, s, n + 1);
	}
	p = (const unsigned char *)out;
	while (*p) {
		unsigned c = *p;

		if (c < 0x20 || c == 0x7F) {
			out[o++] = ' ';
			p++;
		} else if (c == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
			out[o++] = ' '; /* C1 control */
			p += 2;
		} else if (c == 0xE2 && p[1] == 0x80 && p[2] >= 0xAA &&
			   p[2] <= 0xAE) {
			p += 3; /* LRE RLE PDF LRO RLO */
		} else if (c == 0xE2 && p[1] == 0x81 && p[2] >= 0xA6 &&
			   p[2] <= 0xA9) {
			p += 3; /* LRI RLI FSI PDI */
		} else {
			out[o++] = (char)*p++;
		}
	}
	if (o > RECEIPT_FIELD_MAX) { /* cut at a character, mark with "…" */
		o = RECEIPT_FIELD_MAX - 3;
		while (o > 0 && ((unsigned char)out[o] & 0xC0) == 0x80)
			o--;
		memcpy(out + o, "…", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

/* "1234567" -> "۱٬۲۳۴٬۵۶۷": Persian digits, U+066C between groups. */
static void fa_group(const struct crs_api *api, unsigned long long v,
		     char *out, size_t outsz)
{
	char dec[32], grp[64];
	int n = snprintf(dec, sizeof(dec), "%llu", v);
	size_t o = 0;

	for (int i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0) {
			grp[o++] = (char)0xD9; /* U+066C ARABIC THOUSANDS SEPARATOR */
			grp[o++] = (char)0xAC;
		}
		grp[o++] = dec[i];
	}
	grp[o] = '\0';
	if (api->digits_persian(grp, out, outsz) != CRS_OK && outsz)
		out[0] = '\0';
}

/* Persian digits of a short ASCII string into a fixed buffer. */
static void fa_digits(const struct crs_api *api, const char *ascii,
		      char *out, size_t outsz)
{
	if (api->digits_persian(ascii, out, outsz) != CRS_OK && outsz)
		out[0] = '\0';
}

/* ------------------------------------------------------------------ */
/* the model                                                           */

/* Room for a date as the table formats it: "چهارشنبه ۳۱ اردیبهشت ۱۴۰۳"
 * takes 47 bytes, the longest lunar one ("۳۰ جمادی‌الثانی ۱۴۱۰") fewer. */
#define DATE_SIZE 96

struct view {
	char tracking[32];
	char nid[32];
	char serial[16];
	char birth[2 * DATE_SIZE + 4];  /* "۱۹ خرداد ۱۳۶۹ (۱۳۶۹/۰۳/۱۹)" */
	char lunar[DATE_SIZE];
	const char *gender, *religion, *shift, *pay_state;
	char *name, *mother, *mobile;
	bool has_appt;
	char *office, *address, *phone;
	char appt[DATE_SIZE];           /* "شنبه ۱۰ آذر ۱۴۰۳" */
	char *gateway, *rrn;
	char amount[160];
	char issued[DATE_SIZE + 32];    /* "۲۸ آبان ۱۴۰۳، ساعت ۱۰:۴۲" */
	char issued_iso[32];            /* "2024-11-18T10:42:00+03:30" or "" */
	char prereq_no[NPREREQ][8];     /* "۱" … */
	char *url; /* ASCII digits kept */
	const char *qr;
};

static void view_free(struct view *v)
{
	free(v->name);
	free(v->mother);
	free(v->mobile);
	free(v->office);
	free(v->address);
	free(v->phone);
	free(v->gateway);
	free(v->rrn);
	free(v->url);
}

static const char *word(const char *key, const char *const map[][2])
{
	if (!key)
		return NULL;
	for (int i = 0; map[i][0]; i++)
		if (strcmp(key, map[i][0]) == 0)
			return map[i][1];
	return NULL;
}

static const char *const genders[][2] = {
	{"male", "مرد"}, {"female", "زن"}, {NULL, NULL}};
static const char *const religions[][2] = {
	{"islam", "اسلام"}, {"christian", "مسیحی"}, {"jewish", "کلیمی"},
	{"zoroastrian", "زرتشتی"}, {"other", "سایر"}, {NULL, NULL}};
static const char *const shifts[][2] = {
	{"morning", "صبح"}, {"evening", "عصر"}, {NULL, NULL}};
static const char *const pay_states[][2] = {
	{"verified", "موفق"}, {"created", "در انتظار پرداخت"},
	{"redirected", "در انتظار تأیید بانک"}, {"pending", "در انتظار تأیید بانک"},
	{"failed", "ناموفق"}, {"expired", "منقضی"},
	{"reversed", "برگشت داده شد"}, {NULL, NULL}};

/* The issue time as an ISO 8601 instant for the PDF's CreationDate, so
 * that the same receipt gives the same document; "" if Tehran had no such
 * time. */
static void issued_iso(const struct crs_api *api, const struct receipt *r,
		       char out[32])
{
	struct crs_ymd d = {r->issued_jy, r->issued_jm, r->issued_jd};
	int32_t jdn;
	int64_t ms;

	out[0] = '\0';
	if (api->jalali_to_jdn(&d, &jdn) == CRS_OK &&
	    api->tehran_to_unix_ms(jdn, r->issued_hour * 3600 + r->issued_min * 60,
				   &ms) == CRS_OK)
		api->iso_tehran(ms, out);
}

/* Check r and fill v; on failure v holds nothing to free. */
static int view_init(const struct crs_api *api, const struct receipt *r,
		     struct view *v)
{
	const struct crs_ymd birth = {r->birth_jy, r->birth_jm, r->birth_jd};
	const struct crs_ymd appt = {r->appt_jy, r->appt_jm, r->appt_jd};
	const struct crs_ymd issued = {r->issued_jy, r->issued_jm, r->issued_jd};
	struct crs_ymd lunar;
	char tmp[64], lng[DATE_SIZE], num[DATE_SIZE], hm[16];
	char rial[64], toman[64];
	bool oom = false;
	const char *strs[] = {
		r->first_name, r->last_name, r->mother_name, r->mobile,
		r->office_name, r->office_address, r->office_phone,
		r->office_city_code, r->payment_reference, r->gateway_title,
		r->verify_url, r->payment_state, r->gender, r->religion, r->shift};

	memset(v, 0, sizeof(*v));
	if (!digits_n(r->tracking_code, 9) || !digits_n(r->national_id, 10) ||
	    !digits_n(r->serial, 6))
		return -EINVAL;
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (!opt_utf8_ok(api, strs[i]))
			return -EINVAL;
	/* the table's formatters refuse a date that is not a real one */
	if (api->jalali_format(&birth, CRS_DATE_LONG, lng, sizeof(lng)) ||
	    api->jalali_format(&birth, CRS_DATE_NUMERIC, num, sizeof(num)) ||
	    !r->birth_lunar || api->hijri_parse(r->birth_lunar, &lunar) ||
	    api->hijri_format(&lunar, CRS_DATE_LONG, v->lunar, sizeof(v->lunar)))
		return -EINVAL;
	snprintf(v->birth, sizeof(v->birth), "%s (%s)", lng, num);
	if (!(v->gender = word(r->gender, genders)) ||
	    !(v->religion = word(r->religion, religions)) ||
	    !(v->pay_state = word(r->payment_state, pay_states)))
		return -EINVAL;
	v->has_appt = r->office_name && r->appt_jy;
	if (v->has_appt) {
		if (api->jalali_format(&appt, CRS_DATE_WEEKDAY, v->appt,
				       sizeof(v->appt)) ||
		    !(v->shift = word(r->shift, shifts)))
			return -EINVAL;
	} else if (r->office_name || r->appt_jy || r->appt_jm || r->appt_jd) {
		return -EINVAL;
	}
	if (r->amount_rial < 0 ||
	    api->jalali_format(&issued, CRS_DATE_LONG, lng, sizeof(lng)) ||
	    r->issued_hour < 0 || r->issued_hour > 23 || r->issued_min < 0 ||
	    r->issued_min > 59)
		return -EINVAL;
	if (!r->qr_payload || !*r->qr_payload ||
	    strlen(r->qr_payload) > RECEIPT_QR_MAX)
		return -EINVAL;
	for (const char *q = r->qr_payload; *q; q++)
		if (*q < 0x20 || *q > 0x7E)
			return -EINVAL;
	v->qr = r->qr_payload;

	fa_digits(api, r->tracking_code, v->tracking, sizeof(v->tracking));
	fa_digits(api, r->national_id, v->nid, sizeof(v->nid));
	fa_digits(api, r->serial, v->serial, sizeof(v->serial));

	fa_group(api, (unsigned long long)r->amount_rial, rial, sizeof(rial));
	fa_group(api, (unsigned long long)(r->amount_rial / 10), toman,
		 sizeof(toman));
	if (r->amount_rial % 10) { /* a fraction of a toman: "۱۲٫۵" */
		char frac[8];

		snprintf(tmp, sizeof(tmp), "%d", (int)(r->amount_rial % 10));
		fa_digits(api, tmp, frac, sizeof(frac));
		snprintf(v->amount, sizeof(v->amount), "%s ریال (%s٫%s تومان)",
			 rial, toman, frac);
	} else {
		snprintf(v->amount, sizeof(v->amount), "%s ریال (%s تومان)",
			 rial, toman);
	}

	snprintf(tmp, sizeof(tmp), "%02d:%02d", r->issued_hour, r->issued_min);
	fa_digits(api, tmp, hm, sizeof(hm));
	snprintf(v->issued, sizeof(v->issued), "%s، ساعت %s", lng, hm);
	issued_iso(api, r, v->issued_iso);
	for (size_t i = 0; i < NPREREQ; i++) {
		snprintf(tmp, sizeof(tmp), "%zu", i + 1);
		fa_digits(api, tmp, v->prereq_no[i], sizeof(v->prereq_no[i]));
	}

	if (r->first_name || r->last_name) {
		size_t n = (r->first_name ? strlen(r->first_name) : 0) +
			   (r->last_name ? strlen(r->last_name) : 0) + 2;
		char *full = malloc(n);

		if (!full)
			return -ENOMEM;
		snprintf(full, n, "%s%s%s", r->first_name ? r->first_name : "",
			 r->first_name && r->last_name ? " " : "",
			 r->last_name ? r->last_name : "");
		v->name = clean_dup(api, full, true, &oom);
		free(full);
	}
	v->mother = clean_dup(api, r->mother_name, true, &oom);
	v->mobile = clean_dup(api, r->mobile, true, &oom);
	v->gateway = clean_dup(api, r->gateway_title, true, &oom);
	v->rrn = clean_dup(api, r->payment_reference, true, &oom);
	v->url = clean_dup(api, r->verify_url, false, &oom);
	if (v->has_appt) {
		v->office = clean_dup(api, r->office_name, true, &oom);
		v->address = clean_dup(api, r->office_address, true, &oom);
		if (r->office_phone) {
			size_t n = strlen(r->office_phone) +
				   (r->office_city_code ?
				    strlen(r->office_city_code) : 0) + 2;
			char *ph = malloc(n);

			if (!ph) {
				oom = true;
			} else {
				snprintf(ph, n, "%s%s%s",
					 r->office_city_code ?
					 r->office_city_code : "",
					 r->office_city_code ? "-" : "",
					 r->office_phone);
				v->phone = clean_dup(api, ph, true, &oom);
				free(ph);
			}
		}
	}
	if (oom) {
		view_free(v);
		return -ENOMEM;
	}
	return 0;
}

/* Sections of fields, shared by the three renderers. */
struct field {
	const char *label;
	const char *value; /* NULL: shown as a dash */
	bool ltr;          /* the value reads left to right (phone) */
	bool wide;         /* the field takes a whole row */
	bool strong;       /* emphasised (tracking code) */
};

#define MAX_FIELDS 12

struct section {
	const char *title;
	struct field f[MAX_FIELDS];
	int n;
	const char *note; /* a boxed notice instead of / after the fields */
};

enum { SEC_PERSONAL, SEC_OFFICE, SEC_PAYMENT, NSEC };

static void add(struct section *s, const char *label, const char *value,
		bool ltr, bool wide)
{
	if (s->n < MAX_FIELDS)
		s->f[s->n++] = (struct field){label, value, ltr, wide, false};
}

static void build_sections(const struct view *v, struct section sec[NSEC])
{
	struct section *s;

	memset(sec, 0, sizeof(struct section) * NSEC);
	s = &sec[SEC_PERSONAL];
	s->title = S_PERSONAL;
	add(s, T_TRACKING, v->tracking, false, false);
	s->f[0].strong = true;
	add(s, "شماره ملی", v->nid, false, false);
	if (v->name)
		add(s, "نام و نام خانوادگی", v->name, false, true);
	add(s, "سریال شناسنامه", v->serial, false, false);
	add(s, "جنسیت", v->gender, false, false);
	add(s, "تاریخ تولد شمسی", v->birth, false, false);
	add(s, "تاریخ تولد قمری", v->lunar, false, false);
	add(s, "دین", v->religion, false, false);
	add(s, "نام مادر", v->mother, false, false);
	add(s, "شماره تلفن همراه", v->mobile, false, false);

	s = &sec[SEC_OFFICE];
	s->title = S_OFFICE;
	if (v->has_appt) {
		add(s, "نام دفتر", v->office, false, true);
		add(s, "نشانی دفتر", v->address, false, true);
		add(s, "تاریخ تکمیل ثبت‌نام", v->appt, false, false);
		add(s, "شیفت کاری", v->shift, false, false);
		add(s, "تلفن دفتر", v->phone, true, false);
	} else {
		s->note = NO_APPT_NOTE;
	}

	s = &sec[SEC_PAYMENT];
	s->title = S_PAYMENT;
	add(s, "وضعیت پرداخت", v->pay_state, false, false);
	add(s, "مبلغ پرداختی", v->amount, false, false);
	add(s, "درگاه پرداخت", v->gateway, false, false);
	add(s, "شماره مرجع", v->rrn, false, false);
}

#define DASH "—"

/* ------------------------------------------------------------------ */
/* QR                                                                  */

#define QR_QUIET 4 /* modules of white border, as ISO/IEC 18004 asks */

static QRcode *qr_make(const char *payload)
{
	/* level M: 15% of the code may be lost (a fold, a stamp) */
	return QRcode_encodeString(payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
}

static bool qr_dark(const QRcode *q, int x, int y)
{
	return q->data[(size_t)y * (size_t)q->width + (size_t)x] & 1;
}

/* ------------------------------------------------------------------ */
/* HTML                                                                */

/* The first n bytes of s, escaped. */
static void html_escn(FILE *out, const char *s, size_t n)
{
	const char *run = s, *end = s + n;

	for (; s < end; s++) {
		const char *e;

		switch (*s) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&#39;"; break;
		default: continue;
		}
		fwrite(run, 1, (size_t)(s - run), out);
		fputs(e, out);
		run = s + 1;
	}
	fwrite(run, 1, (size_t)(s - run), out);
}

static void html_esc(FILE *out, const char *s)
{
	html_escn(out, s, strlen(s));
}

/* A static text: markers become <bdi dir="ltr">, the rest is escaped. */
static void html_static(FILE *out, const char *s)
{
	while (*s) {
		size_t n = strcspn(s, LTR_OPEN LTR_CLOSE);

		html_escn(out, s, n);
		s += n;
		if (*s == LTR_OPEN[0])
			fputs("<bdi dir=\"ltr\">", out);
		else if (*s == LTR_CLOSE[0])
			fputs("</bdi>", out);
		if (*s)
			s++;
	}
}

static const char html_css[] =
	"*{box-sizing:border-box}"
	"html{background:#eceff3}"
	"body{margin:0;color:#111;font:11pt/1.75 Vazirmatn,Nazli,"
	"\"Noto Sans Arabic\",Tahoma,\"DejaVu Sans\",sans-serif}"
	".sheet{background:#fff;max-width:190mm;margin:8mm auto;"
	"padding:9mm 11mm;border:1px solid #c8ced6;"
	"box-shadow:0 1px 5px rgba(0,0,0,.15)}"
	"header{display:flex;justify-content:space-between;"
	"align-items:flex-start;gap:6mm;border-bottom:2px solid #1d3557;"
	"padding-bottom:3mm}"
	".org{margin:0;font-weight:bold;color:#1d3557}"
	"h1{margin:.5mm 0 2mm;font-size:17pt;line-height:1.4}"
	".track{margin:0;font-size:12pt}"
	".track b{display:inline-block;font-size:17pt;letter-spacing:.06em;"
	"border:1.5px solid #1d3557;border-radius:2mm;padding:0 3mm;"
	"margin-inline-start:2mm}"
	".qr{margin:0;flex:none;width:44mm;text-align:center}"
	".qr svg{display:block;width:30mm;height:30mm;margin:0 auto}"
	".qr figcaption{font-size:7.5pt;line-height:1.45}"
	".url{display:block;direction:ltr;word-break:break-all;"
	"font-family:\"DejaVu Sans\",Arial,sans-serif;font-size:7pt}"
	"h2{font-size:12pt;margin:4mm 0 1.5mm;color:#1d3557}"
	"table{width:100%;border-collapse:collapse;break-inside:avoid;"
	"page-break-inside:avoid}"
	"th,td{border:1px solid #8a94a3;padding:1mm 2mm;text-align:right;"
	"vertical-align:middle}"
	"th{width:18%;background:#eef1f5;font-weight:normal;color:#333}"
	"td{width:32%;font-weight:bold}"
	"td.strong{font-size:13pt;letter-spacing:.05em}"
	".notice{border:2px solid #b45309;background:#fff7ea;"
	"padding:2mm 3mm;margin:1mm 0;font-weight:bold}"
	"ol{margin:0;padding:0;list-style:none}"
	"li{margin:.5mm 0;padding-inline-start:7mm;text-indent:-7mm}"
	"li .n{display:inline-block;width:7mm;text-indent:0;font-weight:bold}"
	"footer{margin-top:5mm;border-top:1px solid #8a94a3;padding-top:2mm;"
	"display:flex;justify-content:space-between;gap:4mm;font-size:8.5pt;"
	"color:#444}"
	".hint{max-width:190mm;margin:0 auto 8mm;text-align:center;"
	"font-size:9pt;color:#555}"
	"@page{margin:10mm}"
	"@media print{"
	"html,body{background:#fff}"
	"body{font-size:10pt;line-height:1.5;-webkit-print-color-adjust:exact;"
	"print-color-adjust:exact}"
	".sheet{max-width:none;margin:0;padding:0;border:0;box-shadow:none}"
	".noprint,nav,button{display:none!important}"
	"a{color:inherit;text-decoration:none}"
	"h2{break-after:avoid;page-break-after:avoid}"
	"}"
	/* A5 and other narrow paper */
	"@media print and (max-width:150mm){"
	"body{font-size:8.5pt}h1{font-size:13pt}"
	".track b{font-size:13pt}.qr{width:28mm}"
	".qr svg{width:24mm;height:24mm}th,td{padding:.6mm 1.2mm}"
	"}";

static void html_qr(FILE *out, const QRcode *q)
{
	int side = q->width + 2 * QR_QUIET;

	fprintf(out,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
		"aria-label=\"QR\" viewBox=\"0 0 %d %d\" "
		"shape-rendering=\"crispEdges\"><rect width=\"%d\" "
		"height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
		side, side, side, side);
	for (int y = 0; y < q->width; y++) {
		for (int x = 0; x < q->width;) {
			int x0 = x;

			if (!qr_dark(q, x, y)) {
				x++;
				continue;
			}
			while (x < q->width && qr_dark(q, x, y))
				x++;
			fprintf(out, "M%d %dh%dv1h-%dz", x0 + QR_QUIET,
				y + QR_QUIET, x - x0, x - x0);
		}
	}
	fputs("\"/></svg>", out);
}

static void html_value(FILE *out, const struct field *f)
{
	if (!f->value || !*f->value) {
		fputs(DASH, out);
		return;
	}
	/* <bdi> isolates every value from its neighbours */
	fputs(f->ltr ? "<bdi dir=\"ltr\">" : "<bdi>", out);
	html_esc(out, f->value);
	fputs("</bdi>", out);
}

static void html_cell(FILE *out, const struct field *f, int span)
{
	fputs("<th scope=\"row\">", out);
	html_esc(out, f->label);
	fputs("</th><td", out);
	if (span > 1)
		fprintf(out, " colspan=\"%d\"", span);
	if (f->strong)
		fputs(" class=\"strong\"", out);
	fputs(">", out);
	html_value(out, f);
	fputs("</td>", out);
}

static void html_section(FILE *out, const struct section *s)
{
	fputs("<section><h2>", out);
	html_esc(out, s->title);
	fputs("</h2>", out);
	if (s->n) {
		fputs("<table>", out);
		for (int i = 0; i < s->n;) {
			fputs("<tr>", out);
			if (s->f[i].wide || i + 1 >= s->n || s->f[i + 1].wide) {
				html_cell(out, &s->f[i], 3);
				i++;
			} else {
				html_cell(out, &s->f[i], 1);
				html_cell(out, &s->f[i + 1], 1);
				i += 2;
			}
			fputs("</tr>", out);
		}
		fputs("</table>", out);
	}
	if (s->note) {
		fputs("<p class=\"notice\">", out);
		html_static(out, s->note);
		fputs("</p>", out);
	}
	fputs("</section>", out);
}

/* What the HTML and the PDF both start from: checked input, the view of
 * it, its QR code and its sections.  On failure nothing is left to free. */
static int render_begin(const struct crs_api *api, const struct receipt *r,
			struct view *v, QRcode **q, struct section *sec)
{
	int rc;

	if (!api || !r)
		return -EINVAL;
	if ((rc = view_init(api, r, v)) < 0)
		return rc;
	if (!(*q = qr_make(v->qr))) {
		view_free(v);
		return errno == ENOMEM ? -ENOMEM : -EINVAL;
	}
	build_sections(v, sec);
	return 0;
}

int receipt_html(const struct crs_api *api, const struct receipt *r,
		 char **html, size_t *len)
{
	struct view v;
	struct section sec[NSEC];
	struct out o;
	FILE *out;
	QRcode *q;
	int rc;

	if (!html || !len)
		return -EINVAL;
	*html = NULL;
	*len = 0;
	if ((rc = render_begin(api, r, &v, &q, sec)) < 0)
		return rc;
	if ((rc = out_open(&o)) < 0)
		goto done;
	out = o.f;

	fputs("<!doctype html>\n<html lang=\"fa\" dir=\"rtl\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, "
	      "initial-scale=1\">\n<meta name=\"robots\" content=\"noindex\">\n"
	      "<title>", out);
	html_esc(out, T_TITLE " - ");
	html_esc(out, v.tracking);
	fputs("</title>\n<style>", out);
	fputs(html_css, out);
	fputs("</style>\n</head>\n<body>\n<main class=\"sheet\">\n"
	      "<header><div><p class=\"org\">" T_ORG "</p><h1>" T_TITLE
	      "</h1><p class=\"track\">" T_TRACKING ": <b>", out);
	html_esc(out, v.tracking);
	fputs("</b></p></div>\n<figure class=\"qr\">", out);
	html_qr(out, q);
	fputs("<figcaption>" T_VERIFY, out);
	if (v.url && *v.url) {
		fputs("<span class=\"url\">", out);
		html_esc(out, v.url);
		fputs("</span>", out);
	}
	fputs("</figcaption></figure></header>\n", out);
	for (int i = 0; i < NSEC; i++) {
		html_section(out, &sec[i]);
		fputs("\n", out);
	}
	fputs("<section><h2>" S_PREREQ "</h2><ol>", out);
	for (size_t i = 0; i < NPREREQ; i++) {
		fprintf(out, "<li><span class=\"n\">%s-</span>",
			v.prereq_no[i]);
		html_static(out, prereq[i]);
		fputs("</li>", out);
	}
	fputs("</ol></section>\n<footer><span>" T_ISSUED ": ", out);
	html_esc(out, v.issued);
	fputs("</span><span>" T_ORG " - " T_SYSTEM "</span></footer>\n"
	      "</main>\n<p class=\"hint noprint\">" T_PRINT_HINT "</p>\n"
	      "</body>\n</html>\n", out);

	rc = out_close(&o, 0, html, len);
done:
	QRcode_free(q);
	view_free(&v);
	return rc;
}

/* ------------------------------------------------------------------ */
/* plain text                                                          */

#define LRM "\u200E"

/* A static text with markers as LRM pairs. */
static void text_static(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == LTR_OPEN[0] || *s == LTR_CLOSE[0])
			fputs(LRM, out);
		else
			fputc(*s, out);
	}
}

static void text_field(FILE *out, const struct field *f)
{
	fputs(f->label, out);
	fputs(": ", out);
	if (!f->value || !*f->value)
		fputs(DASH, out);
	else if (f->ltr)
		fprintf(out, LRM "%s" LRM, f->value);
	else
		fputs(f->value, out);
	fputs("\n", out);
}

int receipt_text(const struct crs_api *api, const struct receipt *r,
		 char **text, size_t *len)
{
	struct view v;
	struct section sec[NSEC];
	struct out o;
	FILE *out;
	int rc;

	if (!text || !len)
		return -EINVAL;
	*text = NULL;
	*len = 0;
	if (!api || !r)
		return -EINVAL;
	if ((rc = view_init(api, r, &v)) < 0)
		return rc;
	build_sections(&v, sec);
	if ((rc = out_open(&o)) < 0)
		goto done;
	out = o.f;

	fputs(T_ORG "\n" T_TITLE "\n\n", out);
	for (int i = 0; i < NSEC; i++) {
		fprintf(out, "■ %s\n", sec[i].title);
		for (int k = 0; k < sec[i].n; k++)
			text_field(out, &sec[i].f[k]);
		if (sec[i].note) {
			text_static(out, sec[i].note);
			fputs("\n", out);
		}
		fputs("\n", out);
	}
	fputs("■ " S_PREREQ "\n", out);
	for (size_t i = 0; i < NPREREQ; i++) {
		fprintf(out, "%s- ", v.prereq_no[i]);
		text_static(out, prereq[i]);
		fputs("\n", out);
	}
	if (v.url && *v.url)
		fprintf(out, "\n" T_VERIFY ":\n%s\n", v.url);
	fprintf(out, "\n" T_ISSUED ": %s\n" T_ORG " - " T_SYSTEM "\n",
		v.issued);

	rc = out_close(&o, 0, text, len);
done:
	view_free(&v);
	return rc;
}

/* ------------------------------------------------------------------ */
/* PDF                                                                 */

#ifndef RECEIPT_FONTS
#define RECEIPT_FONTS "Nazli,Noto Sans Arabic UI,Noto Sans Arabic,DejaVu Sans"
#endif
#ifndef RECEIPT_TITLE_FONTS
#define RECEIPT_TITLE_FONTS "Titr,Nazli,Noto Sans Arabic UI,Noto Sans Arabic,DejaVu Sans"
#endif
#ifndef RECEIPT_LATIN_FONTS
#define RECEIPT_LATIN_FONTS "DejaVu Sans"
#endif

/* A4 in points; margins */
#define PAGE_W 595.2756
#define PAGE_H 841.8898
#define MARGIN 42.0
#define FOOTER_H 30.0
#define CELL_PX 6.0  /* horizontal padding in a cell */
#define CELL_PY 3.5  /* vertical padding */
#define LABEL_W 92.0 /* label column */
#define QR_SIZE 104.0

enum font_id { F_BODY, F_BOLD, F_SMALL, F_TITLE, F_ORG, F_BIG, F_LATIN, NFONT };

struct pdf {
	cairo_t *cr;
	PangoContext *rtl, *ltr;
	PangoLayout *lay, *lay_ltr;
	PangoFontDescription *font[NFONT];
	double y;    /* current top of the next block */
	int page;
	const struct view *v;
};

static const double INK = 0.07;           /* text grey */
static const double RULE[3] = {0.11, 0.21, 0.34};   /* #1d3557 */
static const double SHADE[3] = {0.93, 0.945, 0.96};  /* label cells */
static const double GRID = 0.45;          /* cell borders */

static PangoFontDescription *mkfont(const char *families, double pt,
				    PangoWeight w)
{
	PangoFontDescription *fd = pango_font_description_new();

	pango_font_description_set_family(fd, families);
	pango_font_description_set_weight(fd, w);
	pango_font_description_set_absolute_size(fd, pt * PANGO_SCALE);
	return fd;
}

/*
 * Set up lay for text in font f, wrapped to width w (points, <= 0: no
 * wrapping), aligned al (with the RTL context, LEFT and RIGHT mean what
 * they say).  Markers become LRM.  Returns the height in points.
 */
static double lay_text(struct pdf *p, PangoLayout *lay, const char *text,
		       enum font_id f, double w, PangoAlignment al)
{
	char tmp[2048];
	const char *t = text;
	PangoRectangle log;

	if (strpbrk(text, LTR_OPEN LTR_CLOSE)) {
		size_t o = 0;

		for (const char *s = text; *s && o + 4 < sizeof(tmp); s++) {
			if (*s == LTR_OPEN[0] || *s == LTR_CLOSE[0]) {
				memcpy(tmp + o, "\u200E", 3);
				o += 3;
			} else {
				tmp[o++] = *s;
			}
		}
		tmp[o] = '\0';
		t = tmp;
	}
	pango_layout_set_font_description(lay, p->font[f]);
	pango_layout_set_width(lay, w > 0 ? (int)(w * PANGO_SCALE) : -1);
	pango_layout_set_alignment(lay, al);
	pango_layout_set_text(lay, t, -1);
	pango_layout_get_extents(lay, NULL, &log);
	return (double)log.height / PANGO_SCALE;
}

static void show(struct pdf *p, PangoLayout *lay, double x, double y)
{
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, lay);
}

static void footer(struct pdf *p)
{
	cairo_t *cr = p->cr;
	double y = PAGE_H - MARGIN - FOOTER_H + 8;
	double w = PAGE_W - 2 * MARGIN;
	char line[256];

	cairo_set_source_rgb(cr, GRID, GRID, GRID);
	cairo_set_line_width(cr, 0.6);
	cairo_move_to(cr, MARGIN, y);
	cairo_line_to(cr, PAGE_W - MARGIN, y);
	cairo_stroke(cr);
	cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
	snprintf(line, sizeof(line), T_ISSUED ": %s", p->v->issued);
	lay_text(p, p->lay, line, F_SMALL, w, PANGO_ALIGN_RIGHT);
	show(p, p->lay, MARGIN, y + 3);
	lay_text(p, p->lay, T_ORG " - " T_SYSTEM, F_SMALL, w,
		 PANGO_ALIGN_LEFT);
	show(p, p->lay, MARGIN, y + 3);
}

/* Make room for h points, starting a new page if needed. */
static void need(struct pdf *p, double h)
{
	if (p->y + h <= PAGE_H - MARGIN - FOOTER_H || p->y <= MARGIN + 1)
		return;
	footer(p);
	cairo_show_page(p->cr);
	p->page++;
	p->y = MARGIN;
}

static void draw_qr(struct pdf *p, const QRcode *q, double x, double y,
		    double size)
{
	cairo_t *cr = p->cr;
	double m = size / (q->width + 2 * QR_QUIET);

	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x, y, size, size);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	/* one path, filled once: abutting squares leave no seams */
	for (int yy = 0; yy < q->width; yy++) {
		for (int xx = 0; xx < q->width;) {
			int x0 = xx;

			if (!qr_dark(q, xx, yy)) {
				xx++;
				continue;
			}
			while (xx < q->width && qr_dark(q, xx, yy))
				xx++;
			cairo_rectangle(cr, x + (x0 + QR_QUIET) * m,
					y + (yy + QR_QUIET) * m, (xx - x0) * m,
					m);
		}
	}
	cairo_fill(cr);
}

static void header(struct pdf *p, const QRcode *q)
{
	cairo_t *cr = p->cr;
	const struct view *v = p->v;
	double right_w = PAGE_W - 2 * MARGIN - QR_SIZE - 24;
	double x = PAGE_W - MARGIN - right_w, y = MARGIN, h, qy;
	PangoRectangle log;

	/* right: organisation, title, tracking code */
	h = lay_text(p, p->lay, T_ORG, F_ORG, right_w, PANGO_ALIGN_RIGHT);
	cairo_set_source_rgb(cr, RULE[0], RULE[1], RULE[2]);
	show(p, p->lay, x, y);
	y += h + 2;
	h = lay_text(p, p->lay, T_TITLE, F_TITLE, right_w, PANGO_ALIGN_RIGHT);
	cairo_set_source_rgb(cr, INK, INK, INK);
	show(p, p->lay, x, y);
	y += h + 8;

	/* the tracking code in a box, its label to the right */
	{
		double lw, bw, bh, bx;

		lay_text(p, p->lay, T_TRACKING ":", F_BOLD, -1,
			 PANGO_ALIGN_RIGHT);
		pango_layout_get_extents(p->lay, NULL, &log);
		lw = (double)log.width / PANGO_SCALE;
		show(p, p->lay, PAGE_W - MARGIN - lw, y + 6);
		lay_text(p, p->lay, v->tracking, F_BIG, -1, PANGO_ALIGN_RIGHT);
		pango_layout_get_extents(p->lay, NULL, &log);
		bw = (double)log.width / PANGO_SCALE + 20;
		bh = (double)log.height / PANGO_SCALE + 4;
		bx = PAGE_W - MARGIN - lw - 8 - bw;
		cairo_set_line_width(cr, 1.4);
		cairo_set_source_rgb(cr, RULE[0], RULE[1], RULE[2]);
		cairo_rectangle(cr, bx, y, bw, bh);
		cairo_stroke(cr);
		cairo_set_source_rgb(cr, INK, INK, INK);
		show(p, p->lay, bx + 10, y + 2);
		y += bh;
	}

	/* left: the QR, "verify" and the URL under it */
	qy = MARGIN;
	draw_qr(p, q, MARGIN, qy, QR_SIZE);
	qy += QR_SIZE + 1;
	h = lay_text(p, p->lay, T_VERIFY, F_SMALL, QR_SIZE + 20,
		     PANGO_ALIGN_CENTER);
	cairo_set_source_rgb(cr, INK, INK, INK);
	show(p, p->lay, MARGIN - 10, qy);
	qy += h;
	if (v->url && *v->url) {
		pango_layout_set_font_description(p->lay_ltr, p->font[F_LATIN]);
		pango_layout_set_width(p->lay_ltr,
				       (int)((QR_SIZE + 20) * PANGO_SCALE));
		pango_layout_set_wrap(p->lay_ltr, PANGO_WRAP_CHAR);
		pango_layout_set_alignment(p->lay_ltr, PANGO_ALIGN_CENTER);
		pango_layout_set_text(p->lay_ltr, v->url, -1);
		pango_layout_get_extents(p->lay_ltr, NULL, &log);
		show(p, p->lay_ltr, MARGIN - 10, qy);
		qy += (double)log.height / PANGO_SCALE;
	}

	p->y = (y > qy ? y : qy) + 8;
	cairo_set_source_rgb(cr, RULE[0], RULE[1], RULE[2]);
	cairo_set_line_width(cr, 1.6);
	cairo_move_to(cr, MARGIN, p->y);
	cairo_line_to(cr, PAGE_W - MARGIN, p->y);
	cairo_stroke(cr);
	p->y += 6;
}

static const char *value_text(const struct field *f, char *buf, size_t n)
{
	if (!f->value || !*f->value)
		return DASH;
	if (!f->ltr)
		return f->value;
	snprintf(buf, n, LTR_OPEN "%s" LTR_CLOSE, f->value);
	return buf;
}

/*
 * One row of the grid: one wide field, or two fields side by side.  The
 * first field is on the right (reading order).  Returns the row height.
 */
static double grid_row(struct pdf *p, const struct field *a,
		       const struct field *b, bool draw)
{
	cairo_t *cr = p->cr;
	const double W = PAGE_W - 2 * MARGIN;
	const double half = W / 2;
	const struct field *f[2] = {a, b};
	double vw[2], hmax = 0, x_right = PAGE_W - MARGIN;
	char tmp[2][1024];
	int n = b ? 2 : 1;

	vw[0] = (b ? half : W) - LABEL_W;
	vw[1] = half - LABEL_W;
	for (int pass = 0; pass < 2; pass++) {
		double xr = x_right;

		for (int i = 0; i < n; i++) {
			const char *val = value_text(f[i], tmp[i], sizeof(tmp[i]));
			double lh, vh;

			lh = lay_text(p, p->lay, f[i]->label, F_BODY,
				      LABEL_W - 2 * CELL_PX, PANGO_ALIGN_RIGHT);
			if (pass == 1) {
				double cy = p->y + (hmax - lh) / 2;

				cairo_set_source_rgb(cr, SHADE[0], SHADE[1],
						     SHADE[2]);
				cairo_rectangle(cr, xr - LABEL_W, p->y, LABEL_W,
						hmax);
				cairo_fill(cr);
				cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
				show(p, p->lay, xr - LABEL_W + CELL_PX, cy);
			}
			vh = lay_text(p, p->lay, val,
				      f[i]->strong ? F_BIG : F_BOLD,
				      vw[i] - 2 * CELL_PX, PANGO_ALIGN_RIGHT);
			if (pass == 1) {
				cairo_set_source_rgb(cr, INK, INK, INK);
				show(p, p->lay, xr - LABEL_W - vw[i] + CELL_PX,
				     p->y + (hmax - vh) / 2);
				cairo_set_source_rgb(cr, GRID, GRID, GRID);
				cairo_set_line_width(cr, 0.6);
				cairo_rectangle(cr, xr - LABEL_W, p->y,
						LABEL_W, hmax);
				cairo_rectangle(cr, xr - LABEL_W - vw[i], p->y,
						vw[i], hmax);
				cairo_stroke(cr);
			} else {
				if (lh + 2 * CELL_PY > hmax)
					hmax = lh + 2 * CELL_PY;
				if (vh + 2 * CELL_PY > hmax)
					hmax = vh + 2 * CELL_PY;
			}
			xr -= LABEL_W + vw[i];
		}
		if (!draw)
			break;
	}
	return hmax;
}

static void section_title(struct pdf *p, const char *title)
{
	double w = PAGE_W - 2 * MARGIN;
	double h = lay_text(p, p->lay, title, F_ORG, w, PANGO_ALIGN_RIGHT);

	need(p, h + 40); /* keep the title with at least a row */
	cairo_set_source_rgb(p->cr, RULE[0], RULE[1], RULE[2]);
	cairo_rectangle(p->cr, PAGE_W - MARGIN - 3, p->y + 3, 3, h - 6);
	cairo_fill(p->cr);
	lay_text(p, p->lay, title, F_ORG, w - 8, PANGO_ALIGN_RIGHT);
	show(p, p->lay, MARGIN, p->y);
	p->y += h + 2;
}

static void notice(struct pdf *p, const char *text)
{
	double w = PAGE_W - 2 * MARGIN;
	double h = lay_text(p, p->lay, text, F_BOLD, w - 20, PANGO_ALIGN_RIGHT);

	need(p, h + 12);
	cairo_set_source_rgb(p->cr, 1.0, 0.97, 0.92);
	cairo_rectangle(p->cr, MARGIN, p->y, w, h + 12);
	cairo_fill_preserve(p->cr);
	cairo_set_source_rgb(p->cr, 0.71, 0.33, 0.04);
	cairo_set_line_width(p->cr, 1.5);
	cairo_stroke(p->cr);
	cairo_set_source_rgb(p->cr, INK, INK, INK);
	show(p, p->lay, MARGIN + 10, p->y + 6);
	p->y += h + 12;
}

static void pdf_section(struct pdf *p, const struct section *s)
{
	section_title(p, s->title);
	for (int i = 0; i < s->n;) {
		const struct field *a = &s->f[i], *b = NULL;
		double h;

		if (!a->wide && i + 1 < s->n && !s->f[i + 1].wide)
			b = &s->f[i + 1];
		h = grid_row(p, a, b, false);
		need(p, h);
		grid_row(p, a, b, true);
		p->y += h;
		i += b ? 2 : 1;
	}
	if (s->note) {
		if (s->n)
			p->y += 4;
		notice(p, s->note);
	}
	p->y += 10;
}

static void prereqs(struct pdf *p)
{
	const double W = PAGE_W - 2 * MARGIN;
	const double num_w = 18;

	section_title(p, S_PREREQ);
	for (size_t i = 0; i < NPREREQ; i++) {
		char n[16];
		double h = lay_text(p, p->lay, prereq[i], F_BODY, W - num_w,
				    PANGO_ALIGN_RIGHT);

		need(p, h);
		cairo_set_source_rgb(p->cr, INK, INK, INK);
		show(p, p->lay, MARGIN, p->y);
		snprintf(n, sizeof(n), "%s-", p->v->prereq_no[i]);
		lay_text(p, p->lay, n, F_BOLD, num_w, PANGO_ALIGN_RIGHT);
		show(p, p->lay, PAGE_W - MARGIN - num_w, p->y);
		p->y += h + 1.5;
	}
}

/* cairo's output: straight into the memory stream */
static cairo_status_t stream_write(void *closure, const unsigned char *data,
				   unsigned int length)
{
	return fwrite(data, 1, length, closure) == length
		       ? CAIRO_STATUS_SUCCESS
		       : CAIRO_STATUS_WRITE_ERROR;
}

static int cairo_rc(cairo_status_t st)
{
	return st == CAIRO_STATUS_NO_MEMORY ? -ENOMEM : -EIO;
}

void receipt_thread_release(void)
{
	pango_cairo_font_map_set_default(NULL);
}

int receipt_pdf(const struct crs_api *api, const struct receipt *r,
		unsigned char **pdf, size_t *len)
{
	struct view v;
	struct section sec[NSEC];
	struct out o = {0};
	struct pdf p = {0};
	PangoFontMap *fm = NULL;
	cairo_surface_t *s = NULL;
	cairo_font_options_t *fo;
	cairo_status_t st;
	QRcode *q;
	int rc;

	if (!pdf || !len)
		return -EINVAL;
	*pdf = NULL;
	*len = 0;
	if ((rc = render_begin(api, r, &v, &q, sec)) < 0)
		return rc;
	p.v = &v;
	if ((rc = out_open(&o)) < 0)
		goto done;

	s = cairo_pdf_surface_create_for_stream(stream_write, o.f, PAGE_W,
						PAGE_H);
	if ((st = cairo_surface_status(s)) != CAIRO_STATUS_SUCCESS) {
		rc = cairo_rc(st);
		goto done;
	}
	cairo_pdf_surface_restrict_to_version(s, CAIRO_PDF_VERSION_1_5);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, T_TITLE);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, T_ORG);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "CRS");
	if (v.issued_iso[0])
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE,
					       v.issued_iso);
	p.cr = cairo_create(s);
	if ((st = cairo_status(p.cr)) != CAIRO_STATUS_SUCCESS) {
		rc = cairo_rc(st);
		goto done;
	}

	/* pango's per-thread default map: see the comment at the top */
	fm = pango_cairo_font_map_get_default();
	if (fm)
		g_object_ref(fm);
	if (!fm) {
		rc = -ENOMEM;
		goto done;
	}
	p.rtl = pango_font_map_create_context(fm);
	p.ltr = pango_font_map_create_context(fm);
	fo = cairo_font_options_create();
	/* vector output: no hinting, unhinted metrics, exact positions */
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	for (int i = 0; i < 2; i++) {
		PangoContext *pc = i ? p.ltr : p.rtl;

		pango_cairo_update_context(p.cr, pc);
		pango_cairo_context_set_font_options(pc, fo);
		pango_context_set_language(pc, pango_language_from_string(
						       i ? "en" : "fa"));
		pango_context_set_base_dir(pc, i ? PANGO_DIRECTION_LTR
						 : PANGO_DIRECTION_RTL);
	}
	cairo_font_options_destroy(fo);
	p.lay = pango_layout_new(p.rtl);
	p.lay_ltr = pango_layout_new(p.ltr);
	pango_layout_set_auto_dir(p.lay, FALSE);
	pango_layout_set_auto_dir(p.lay_ltr, FALSE);
	pango_layout_set_wrap(p.lay, PANGO_WRAP_WORD_CHAR);

	p.font[F_BODY] = mkfont(RECEIPT_FONTS, 10.5, PANGO_WEIGHT_NORMAL);
	p.font[F_BOLD] = mkfont(RECEIPT_FONTS, 10.5, PANGO_WEIGHT_BOLD);
	p.font[F_SMALL] = mkfont(RECEIPT_FONTS, 8.5, PANGO_WEIGHT_NORMAL);
	p.font[F_TITLE] = mkfont(RECEIPT_TITLE_FONTS, 19, PANGO_WEIGHT_BOLD);
	p.font[F_ORG] = mkfont(RECEIPT_FONTS, 12.5, PANGO_WEIGHT_BOLD);
	p.font[F_BIG] = mkfont(RECEIPT_FONTS, 15, PANGO_WEIGHT_BOLD);
	p.font[F_LATIN] = mkfont(RECEIPT_LATIN_FONTS, 6.5, PANGO_WEIGHT_NORMAL);

	header(&p, q);
	for (int i = 0; i < NSEC; i++)
		pdf_section(&p, &sec[i]);
	prereqs(&p);
	footer(&p);
	cairo_show_page(p.cr);

	if ((st = cairo_status(p.cr)) != CAIRO_STATUS_SUCCESS) {
		rc = cairo_rc(st);
		goto done;
	}
	cairo_destroy(p.cr);
	p.cr = NULL;
	cairo_surface_finish(s);
	if ((st = cairo_surface_status(s)) != CAIRO_STATUS_SUCCESS) {
		rc = st == CAIRO_STATUS_WRITE_ERROR ? -ENOMEM : cairo_rc(st);
		goto done;
	}
	rc = 0;
done:
	for (int i = 0; i < NFONT; i++)
		if (p.font[i])
			pango_font_description_free(p.font[i]);
	if (p.lay)
		g_object_unref(p.lay);
	if (p.lay_ltr)
		g_object_unref(p.lay_ltr);
	if (p.rtl)
		g_object_unref(p.rtl);
	if (p.ltr)
		g_object_unref(p.ltr);
	if (p.cr)
		cairo_destroy(p.cr);
	if (s)
		cairo_surface_destroy(s);
	if (fm)
		g_object_unref(fm);
	QRcode_free(q);
	view_free(&v);
	if (o.f) {
		char *bytes;

		if (rc == 0 && ftell(o.f) <= 0)
			rc = -EIO; /* cairo wrote nothing yet said nothing */
		rc = out_close(&o, rc, &bytes, len);
		if (rc == 0)
			*pdf = (unsigned char *)bytes;
	}
	return rc;
}
