/*
 * receipt: the receipt's model, the view every format shows, and the
 * renderers' output stream.  See receipt.h.
 *
 * receipt_view_init() checks the input and turns it into display strings
 * (Persian digits from the table, month names and weekdays from its date
 * formatters, Persian words for the enums, cleaned free text), then
 * arranges those into the titled sections of label/value fields that
 * each renderer walks, and encodes the QR code.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* open_memstream: -std=c11 hides POSIX */
#endif

#include "receipt.h"

#include <crs/plugin.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

/* ------------------------------------------------------------------ */
/* texts                                                               */

#define S_PERSONAL "مشخصات فردی"
#define S_OFFICE "دفتر تکمیل ثبت‌نام منتخب"
#define S_PAYMENT "پرداخت"

#define NO_APPT_NOTE \
	"نوبت تکمیل ثبت‌نام شما هنوز تعیین نشده است. پرداخت شما با موفقیت " \
	"ثبت شده است؛ لطفاً با ورود به سامانه، دفتر و زمان تکمیل ثبت‌نام را " \
	"انتخاب کنید. نیازی به پرداخت دوباره نیست."

static const char *const prereq[RECEIPT_NPREREQ] = {
	"برای تکمیل ثبت‌نام شخصاً با در دست داشتن اصل شناسنامه و شماره ملی "
	"به دفتر تکمیل ثبت‌نام مراجعه کنید.",
	"هنگام مراجعه برای تکمیل ثبت‌نام برای عکس‌برداری آماده باشید.",
	"هنگام مراجعه به دفتر تکمیل ثبت‌نام برای اسکن اثر انگشتان آماده باشید.",
	"از این لحظه به بعد می‌توانید با شماره‌گیری " RT_LTR_OPEN "*۴*۶۰۹۰#"
	RT_LTR_CLOSE " در تلفن همراه، درخواست خود را پیگیری کنید.",
	"پیگیری درخواست همچنین از طریق همین سامانه امکان‌پذیر است.",
	"این رسید با شماره پیگیری آن تا زمان دریافت کارت هوشمند ملی نزد "
	"بانک‌ها و دستگاه‌های اجرایی پذیرفته است. اصالت آن را هر کس می‌تواند "
	"با کد QR یا نشانی زیر آن بررسی کند. رسید مفقود یا مخدوش رایگان "
	"دوباره صادر می‌شود.",
};

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

static const char *word(const char *key, const char *const map[][2])
{
	if (!key)
		return NULL;
	for (int i = 0; map[i][0]; i++)
		if (strcmp(key, map[i][0]) == 0)
			return map[i][1];
	return NULL;
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
/* the view                                                            */

/* The enums in words, and whether there is an appointment. */
struct words {
	const char *gender, *religion, *shift, *pay_state;
	bool has_appt;
};

/* What r must be besides its dates, which the table's formatters check
 * as fill_fixed() formats them.  -EINVAL when it is not a receipt. */
static int check(const struct crs_api *api, const struct receipt *r,
		 struct words *w)
{
	const char *strs[] = {
		r->first_name, r->last_name, r->mother_name, r->mobile,
		r->office_name, r->office_address, r->office_phone,
		r->office_city_code, r->payment_reference, r->gateway_title,
		r->verify_url, r->payment_state, r->gender, r->religion, r->shift};

	memset(w, 0, sizeof(*w));
	if (!digits_n(r->tracking_code, 9) || !digits_n(r->national_id, 10) ||
	    !digits_n(r->serial, 6))
		return -EINVAL;
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (!opt_utf8_ok(api, strs[i]))
			return -EINVAL;
	if (!r->birth_lunar)
		return -EINVAL;
	if (!(w->gender = word(r->gender, genders)) ||
	    !(w->religion = word(r->religion, religions)) ||
	    !(w->pay_state = word(r->payment_state, pay_states)))
		return -EINVAL;
	w->has_appt = r->office_name && r->appt_jy;
	if (w->has_appt) {
		if (!(w->shift = word(r->shift, shifts)))
			return -EINVAL;
	} else if (r->office_name || r->appt_jy || r->appt_jm || r->appt_jd) {
		return -EINVAL;
	}
	if (r->amount_rial < 0 || r->issued_hour < 0 || r->issued_hour > 23 ||
	    r->issued_min < 0 || r->issued_min > 59)
		return -EINVAL;
	if (!r->qr_payload || !*r->qr_payload ||
	    strlen(r->qr_payload) > RECEIPT_QR_MAX)
		return -EINVAL;
	for (const char *q = r->qr_payload; *q; q++)
		if (*q < 0x20 || *q > 0x7E)
			return -EINVAL;
	return 0;
}

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

/* The values of fixed form: numbers and dates.  -EINVAL when a date is
 * not a real one (the table's formatters refuse it). */
static int fill_fixed(const struct crs_api *api, const struct receipt *r,
		      bool has_appt, struct receipt_view *v)
{
	const struct crs_ymd birth = {r->birth_jy, r->birth_jm, r->birth_jd};
	const struct crs_ymd appt = {r->appt_jy, r->appt_jm, r->appt_jd};
	const struct crs_ymd issued = {r->issued_jy, r->issued_jm, r->issued_jd};
	struct crs_ymd lunar;
	char tmp[64], lng[RECEIPT_DATE_SIZE], num[RECEIPT_DATE_SIZE], hm[16];
	char rial[64], toman[64];

	if (api->jalali_format(&birth, CRS_DATE_LONG, lng, sizeof(lng)) ||
	    api->jalali_format(&birth, CRS_DATE_NUMERIC, num, sizeof(num)) ||
	    api->hijri_parse(r->birth_lunar, &lunar) ||
	    api->hijri_format(&lunar, CRS_DATE_LONG, v->lunar, sizeof(v->lunar)))
		return -EINVAL;
	snprintf(v->birth, sizeof(v->birth), "%s (%s)", lng, num);
	if (has_appt && api->jalali_format(&appt, CRS_DATE_WEEKDAY, v->appt,
					   sizeof(v->appt)))
		return -EINVAL;
	if (api->jalali_format(&issued, CRS_DATE_LONG, lng, sizeof(lng)))
		return -EINVAL;
	snprintf(tmp, sizeof(tmp), "%02d:%02d", r->issued_hour, r->issued_min);
	fa_digits(api, tmp, hm, sizeof(hm));
	snprintf(v->issued, sizeof(v->issued), "%s، ساعت %s", lng, hm);
	issued_iso(api, r, v->issued_iso);

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

	for (size_t i = 0; i < RECEIPT_NPREREQ; i++) {
		snprintf(tmp, sizeof(tmp), "%zu", i + 1);
		fa_digits(api, tmp, v->prereq[i].no, sizeof(v->prereq[i].no));
		v->prereq[i].text = prereq[i];
	}
	return 0;
}

/* "a b", "a", "b" of two optional parts; NULL when both are NULL or out
 * of memory (*oom). */
static char *join(const char *a, const char *sep, const char *b, bool *oom)
{
	size_t n;
	char *s;

	if (!a && !b)
		return NULL;
	n = (a ? strlen(a) : 0) + strlen(sep) + (b ? strlen(b) : 0) + 1;
	if (!(s = malloc(n))) {
		*oom = true;
		return NULL;
	}
	snprintf(s, n, "%s%s%s", a ? a : "", a && b ? sep : "", b ? b : "");
	return s;
}

/* The free texts, cleaned (see clean_dup()); false when out of memory. */
static bool fill_free(const struct crs_api *api, const struct receipt *r,
		      bool has_appt, struct receipt_view *v)
{
	bool oom = false;
	char *s;

	s = join(r->first_name, " ", r->last_name, &oom);
	v->name = clean_dup(api, s, true, &oom);
	free(s);
	v->mother = clean_dup(api, r->mother_name, true, &oom);
	v->mobile = clean_dup(api, r->mobile, true, &oom);
	v->gateway = clean_dup(api, r->gateway_title, true, &oom);
	v->rrn = clean_dup(api, r->payment_reference, true, &oom);
	v->url = clean_dup(api, r->verify_url, false, &oom);
	if (has_appt) {
		v->office = clean_dup(api, r->office_name, true, &oom);
		v->address = clean_dup(api, r->office_address, true, &oom);
		if (r->office_phone) { /* "041-37222266" */
			s = join(r->office_city_code, "-", r->office_phone, &oom);
			v->phone = clean_dup(api, s, true, &oom);
			free(s);
		}
	}
	return !oom;
}

static void add(struct receipt_section *s, const char *label,
		const char *value, bool ltr, bool wide)
{
	if (s->n < RECEIPT_MAX_FIELDS)
		s->f[s->n++] = (struct receipt_field){label, value, ltr, wide,
						      false};
}

static void build_sections(struct receipt_view *v, const struct words *w)
{
	struct receipt_section *s;

	s = &v->sec[RECEIPT_SEC_PERSONAL];
	s->title = S_PERSONAL;
	add(s, RT_TRACKING, v->tracking, false, false);
	s->f[0].strong = true;
	add(s, "شماره ملی", v->nid, false, false);
	if (v->name)
		add(s, "نام و نام خانوادگی", v->name, false, true);
	add(s, "سریال شناسنامه", v->serial, false, false);
	add(s, "جنسیت", w->gender, false, false);
	add(s, "تاریخ تولد شمسی", v->birth, false, false);
	add(s, "تاریخ تولد قمری", v->lunar, false, false);
	add(s, "دین", w->religion, false, false);
	add(s, "نام مادر", v->mother, false, false);
	add(s, "شماره تلفن همراه", v->mobile, false, false);

	s = &v->sec[RECEIPT_SEC_OFFICE];
	s->title = S_OFFICE;
	if (w->has_appt) {
		add(s, "نام دفتر", v->office, false, true);
		add(s, "نشانی دفتر", v->address, false, true);
		add(s, "تاریخ تکمیل ثبت‌نام", v->appt, false, false);
		add(s, "شیفت کاری", w->shift, false, false);
		add(s, "تلفن دفتر", v->phone, true, false);
	} else {
		s->note = NO_APPT_NOTE;
	}

	s = &v->sec[RECEIPT_SEC_PAYMENT];
	s->title = S_PAYMENT;
	add(s, "وضعیت پرداخت", w->pay_state, false, false);
	add(s, "مبلغ پرداختی", v->amount, false, false);
	add(s, "درگاه پرداخت", v->gateway, false, false);
	add(s, "شماره مرجع", v->rrn, false, false);
}

/* The QR code of payload as modules (qrencode's bit 0 of each byte). */
static int make_qr(const char *payload, struct receipt_view *v)
{
	/* level M: 15% of the code may be lost (a fold, a stamp) */
	QRcode *q = QRcode_encodeString(payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	size_t n;

	if (!q)
		return errno == ENOMEM ? -ENOMEM : -EINVAL;
	n = (size_t)q->width * (size_t)q->width;
	if (!(v->qr = malloc(n))) {
		QRcode_free(q);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		v->qr[i] = q->data[i] & 1;
	v->qr_width = q->width;
	QRcode_free(q);
	return 0;
}

int receipt_view_init(const struct crs_api *api, const struct receipt *r,
		      struct receipt_view *v, bool with_qr)
{
	struct words w;
	int rc;

	memset(v, 0, sizeof(*v));
	if (!api || !r)
		return -EINVAL;
	if ((rc = check(api, r, &w)) < 0 ||
	    (rc = fill_fixed(api, r, w.has_appt, v)) < 0)
		return rc;
	if (!fill_free(api, r, w.has_appt, v)) {
		rc = -ENOMEM;
		goto fail;
	}
	build_sections(v, &w);
	if (with_qr && (rc = make_qr(r->qr_payload, v)) < 0)
		goto fail;
	return 0;
fail:
	receipt_view_free(v);
	return rc;
}

void receipt_view_free(struct receipt_view *v)
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
	free(v->qr);
	memset(v, 0, sizeof(*v));
}

/* ------------------------------------------------------------------ */
/* output                                                              */

int receipt_out_open(struct receipt_out *o)
{
	o->buf = NULL;
	o->len = 0;
	o->f = open_memstream(&o->buf, &o->len);
	return o->f ? 0 : -ENOMEM;
}

int receipt_out_close(struct receipt_out *o, int rc, char **buf, size_t *len)
{
	int bad = ferror(o->f);

	if ((fclose(o->f) != 0 || bad) && rc == 0)
		rc = -ENOMEM;
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
