/*
 * Unit tests for plugins/registration/receipt.c: the HTML receipt (escaping,
 * Persian digits, dates, QR, print stylesheet, the no-appointment notice),
 * the plain-text body, the PDF (header, trailer, pdftoppm renders it with
 * no complaint when poppler-utils is installed), input checks, timing, and
 * PDFs from several threads at once.
 *
 * The receipt takes its digits and dates from the plugin table; the test
 * hands it a table holding the core's own civil functions, as crsd does
 * (core/api.c), and nothing else.  The model the three renderers share
 * (receipt.h) is checked on its own too.
 *
 * "test_receipt --write PREFIX" also writes PREFIX.pdf, PREFIX.html,
 * PREFIX.txt and PREFIX-noappt.pdf for the seed's citizen, to look at.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* memmem, mkdtemp */
#endif

#include "unit.h"

#include "receipt_html.h"
#include "receipt_pdf.h"
#include "receipt_text.h"

#include "civil.h"
#include "clock.h"

#include <crs/plugin.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* fontconfig keeps its configuration until exit (FcFini is never called
 * while pango may still use it): the same library-only suppression as
 * test_captcha_img and tests/lsan.supp. */
const char *__lsan_default_suppressions(void) __attribute__((visibility("default"), used));
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so.1\n";
}

/* The civil group of crsd's table; every other member is NULL, so a
 * receipt that used any of them would crash here. */
static const struct crs_api civil_table = {
	.size = sizeof(struct crs_api),
	.abi_major = CRS_ABI_MAJOR,
	.abi_minor = CRS_ABI_MINOR,
	CIVIL_API_ENTRIES
	.sql_time = clock_sql_datetime,
	.iso_tehran = clock_iso_tehran,
};
static const struct crs_api *const api = &civil_table;

/* The citizen of seed 001's screenshots, with an appointment. */
static struct receipt sample(void)
{
	struct receipt r = {
		.tracking_code = "497320167",
		.national_id = "2580200606",
		.serial = "883810",
		.birth_jy = 1369, .birth_jm = 3, .birth_jd = 19,
		.birth_lunar = "1410/11/15",
		.gender = "male",
		.religion = "islam",
		.first_name = NULL, .last_name = NULL,
		.mother_name = "زهرا",
		.mobile = "09141234567",
		.office_name = "اداره ثبت احوال مراغه",
		.office_address = "مراغه - خ پاسداران",
		.office_phone = "37222266",
		.office_city_code = "041",
		.appt_jy = 1403, .appt_jm = 9, .appt_jd = 10,
		.shift = "morning",
		.payment_state = "verified",
		.payment_reference = "123456789012",
		.amount_rial = 200000,
		.gateway_title = "بانک ملی - سداد",
		.issued_jy = 1403, .issued_jm = 8, .issued_jd = 28,
		.issued_hour = 10, .issued_min = 42,
		.qr_payload = "CRS1.497320167.1.kQ7pZ3vXb2Yw9LrT0aHcJm5NsEuFdGi8",
		.verify_url = "https://www.ncr.ir/receipt-verify",
	};
	return r;
}

static struct receipt no_appt(void)
{
	struct receipt r = sample();

	r.office_name = r.office_address = r.office_phone = NULL;
	r.office_city_code = NULL;
	r.appt_jy = r.appt_jm = r.appt_jd = 0;
	r.shift = NULL;
	return r;
}

static int has(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

static int write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return 0;
	ok = fwrite(p, 1, n, f) == n;
	return fclose(f) == 0 && ok;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- HTML ---- */

static void test_html(void)
{
	struct receipt r = sample();
	char *h = NULL;
	size_t n = 0;

	CHECK_EQ_INT(receipt_html(api, &r, &h, &n), 0);
	CHECK(h && strlen(h) == n);
	CHECK(h && strncmp(h, "<!doctype html>", 15) == 0);
	CHECK(has(h, "<html lang=\"fa\" dir=\"rtl\">"));
	CHECK(has(h, "<meta charset=\"utf-8\">"));
	CHECK(has(h, "<style>") && has(h, "@media print"));
	CHECKF(has(h, "۴۹۷۳۲۰۱۶۷"), "tracking code in Persian digits");
	CHECKF(has(h, "۲۵۸۰۲۰۰۶۰۶"), "national ID in Persian digits");
	CHECKF(has(h, "۸۸۳۸۱۰"), "serial in Persian digits");
	CHECKF(has(h, "۱۹ خرداد ۱۳۶۹"), "solar birth date with month name");
	CHECKF(has(h, "۱۳۶۹/۰۳/۱۹"), "solar birth date numeric");
	CHECKF(has(h, "۱۵ ذی\u200cالقعده ۱۴۱۰"), "lunar birth date, Hijri month");
	CHECKF(has(h, "شنبه ۱۰ آذر ۱۴۰۳"), "appointment date with weekday");
	CHECKF(has(h, "صبح"), "shift in Persian");
	CHECKF(has(h, "مرد") && has(h, "اسلام"), "gender and religion");
	CHECKF(has(h, "۰۹۱۴۱۲۳۴۵۶۷"), "mobile in Persian digits");
	CHECKF(has(h, "<bdi dir=\"ltr\">۰۴۱-۳۷۲۲۲۲۶۶</bdi>"),
	       "office phone with city code, left to right");
	CHECKF(has(h, "۲۰۰٬۰۰۰ ریال") && has(h, "۲۰٬۰۰۰ تومان"),
	       "amount in rial and toman with U+066C separators");
	CHECKF(has(h, "۱۲۳۴۵۶۷۸۹۰۱۲"), "RRN in Persian digits");
	CHECKF(has(h, "بانک ملی - سداد"), "gateway title");
	CHECKF(has(h, "<svg") && has(h, "<path fill=\"#000\" d=\"M"),
	       "QR as inline SVG");
	CHECKF(has(h, "https://www.ncr.ir/receipt-verify"), "verify URL");
	CHECKF(has(h, "<bdi dir=\"ltr\">*۴*۶۰۹۰#</bdi>"), "USSD code LTR");
	CHECKF(has(h, "اصل شناسنامه") && has(h, "عکس‌برداری") &&
	       has(h, "اثر انگشتان"), "prerequisites of seed 001");
	CHECKF(has(h, "تا زمان دریافت کارت"), "receipt is proof until the card");
	CHECKF(!has(h, "497320167") && !has(h, "2580200606") &&
	       !has(h, "200000") && !has(h, "1369"),
	       "no ASCII-digit numbers shown");
	CHECKF(!has(h, "نیازی به پرداخت دوباره"), "no 'choose again' note");
	CHECKF(has(h, "۲۸ آبان ۱۴۰۳، ساعت ۱۰:۴۲"), "issue time");
	free(h);

	/* NULL out-pointers and a NULL receipt */
	CHECK_EQ_INT(receipt_html(api, &r, NULL, &n), -EINVAL);
	h = (char *)1;
	CHECK_EQ_INT(receipt_html(api, NULL, &h, &n), -EINVAL);
	CHECK(h == NULL && n == 0);
}

static void test_html_hostile(void)
{
	struct receipt r = sample();
	char *h = NULL, *t = NULL;
	size_t n = 0, tn = 0;

	r.mother_name = "<script>alert(\"x\")</script>' & \u202Eزهرا\u2069\n";
	r.office_name = "\"><img src=x onerror=alert(1)>";
	r.first_name = "علی";
	r.last_name = "O'Brien <b>";
	r.verify_url = "https://e.x/?a=1&b=\"2\"";
	CHECK_EQ_INT(receipt_html(api, &r, &h, &n), 0);
	CHECKF(!has(h, "<script") && !has(h, "<img") && !has(h, "Brien <b>"),
	       "no markup from input");
	CHECKF(has(h, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; &amp; "),
	       "mother name escaped");
	CHECKF(has(h, "&quot;&gt;&lt;img src=x onerror=alert(۱)&gt;"),
	       "office name escaped");
	CHECKF(has(h, "علی O&#39;Brien &lt;b&gt;"), "name escaped");
	CHECKF(has(h, "https://e.x/?a=1&amp;b=&quot;2&quot;"),
	       "URL escaped, ASCII digits kept");
	CHECKF(!has(h, "\u202E") && !has(h, "\u2069"),
	       "bidi controls from input dropped");
	free(h);

	CHECK_EQ_INT(receipt_text(api, &r, &t, &tn), 0);
	CHECKF(has(t, "نام مادر: <script>alert(\"x\")</script>' & زهرا \n"),
	       "text keeps the value, newline in it flattened");
	CHECKF(!has(t, "\u202E"), "text: bidi controls dropped");
	free(t);
}

static void test_no_appointment(void)
{
	struct receipt r = no_appt();
	char *h = NULL, *t = NULL;
	unsigned char *p = NULL;
	size_t n = 0;

	CHECK_EQ_INT(receipt_html(api, &r, &h, &n), 0);
	CHECKF(has(h, "دفتر و زمان تکمیل ثبت‌نام را انتخاب کنید") &&
	       has(h, "نیازی به پرداخت دوباره نیست"),
	       "no appointment: choose an office and time, no second payment");
	CHECKF(!has(h, "شیفت کاری") && !has(h, "تلفن دفتر"),
	       "no appointment: no office fields");
	CHECK(has(h, "موفق"));
	free(h);
	CHECK_EQ_INT(receipt_text(api, &r, &t, &n), 0);
	CHECK(has(t, "نیازی به پرداخت دوباره نیست"));
	free(t);
	CHECK_EQ_INT(receipt_pdf(api, &r, &p, &n), 0);
	CHECK(p && n > 1000);
	free(p);
}

static void test_invalid(void)
{
	struct receipt r;
	char *h;
	size_t n;

#define BAD(what, stmt) \
	do { \
		r = sample(); \
		stmt; \
		h = (char *)1; \
		n = 7; \
		CHECKF(receipt_html(api, &r, &h, &n) == -EINVAL && h == NULL && \
		       n == 0, "rejects %s", what); \
	} while (0)

	BAD("short tracking code", r.tracking_code = "49732016");
	BAD("non-digit national id", r.national_id = "25802006O6");
	BAD("serial of 5", r.serial = "88381");
	BAD("no such birth date", r.birth_jd = 32);
	BAD("bad lunar date", r.birth_lunar = "1410/13/15");
	BAD("NULL lunar date", r.birth_lunar = NULL);
	BAD("unknown gender", r.gender = "m");
	BAD("unknown religion", r.religion = "islam ");
	BAD("unknown payment state", r.payment_state = "ok");
	BAD("office without date", r.appt_jy = 0);
	BAD("date without office", r.office_name = NULL);
	BAD("appointment without shift", r.shift = NULL);
	BAD("bad shift", r.shift = "night");
	BAD("negative amount", r.amount_rial = -1);
	BAD("hour 24", r.issued_hour = 24);
	BAD("invalid UTF-8", r.mother_name = "\xD8");
	BAD("overlong UTF-8", r.office_address = "\xC0\xBC");
	BAD("surrogate", r.mother_name = "\xED\xA0\x80");
	BAD("empty QR payload", r.qr_payload = "");
	BAD("non-ASCII QR payload", r.qr_payload = "شماره");
}

/* The table is what the receipt knows of digits and dates: without one
 * there is no receipt, and its answers decide. */
static int refuse_utf8(const char *s)
{
	(void)s;
	return CRS_EINVAL;
}

static void test_table(void)
{
	struct crs_api t = civil_table;
	struct receipt r = sample();
	unsigned char *p = (unsigned char *)1;
	char *h = (char *)1;
	size_t n = 7;

	CHECKF(receipt_html(NULL, &r, &h, &n) == -EINVAL && h == NULL &&
	       n == 0, "HTML without a table: -EINVAL");
	h = (char *)1;
	n = 7;
	CHECKF(receipt_text(NULL, &r, &h, &n) == -EINVAL && h == NULL &&
	       n == 0, "text without a table: -EINVAL");
	n = 7;
	CHECKF(receipt_pdf(NULL, &r, &p, &n) == -EINVAL && p == NULL &&
	       n == 0, "PDF without a table: -EINVAL");
	t.utf8_valid = refuse_utf8;
	CHECKF(receipt_text(&t, &r, &h, &n) == -EINVAL,
	       "the table's UTF-8 check decides");
}

/* ---- the model every format renders ---- */

static void test_view(void)
{
	struct receipt r = sample();
	struct receipt_view v;
	const struct receipt_section *s;
	int dark = 0, other = 0;

	CHECK_EQ_INT(receipt_view_init(api, &r, &v, true), 0);
	s = v.sec;
	CHECKF(s[RECEIPT_SEC_PERSONAL].n == 9 &&
	       s[RECEIPT_SEC_OFFICE].n == 5 && !s[RECEIPT_SEC_OFFICE].note &&
	       s[RECEIPT_SEC_PAYMENT].n == 4,
	       "sections: 9 personal fields, 5 of the office, 4 of the payment");
	CHECKF(s[RECEIPT_SEC_PERSONAL].f[0].strong &&
	       strcmp(s[RECEIPT_SEC_PERSONAL].f[0].value, "۴۹۷۳۲۰۱۶۷") == 0,
	       "the tracking code first, emphasised");
	CHECKF(s[RECEIPT_SEC_OFFICE].f[4].ltr &&
	       strcmp(s[RECEIPT_SEC_OFFICE].f[4].value, "۰۴۱-۳۷۲۲۲۲۶۶") == 0,
	       "the office phone reads left to right");
	CHECKF(strcmp(v.issued_iso, "2024-11-18T10:42:00+03:30") == 0,
	       "issue instant from the table (%s)", v.issued_iso);
	CHECKF(strcmp(v.prereq[0].no, "۱") == 0 &&
	       strcmp(v.prereq[RECEIPT_NPREREQ - 1].no, "۶") == 0 &&
	       strstr(v.prereq[3].text, RT_LTR_OPEN "*۴*۶۰۹۰#" RT_LTR_CLOSE),
	       "prerequisites numbered in Persian, the USSD code marked LTR");
	for (int i = 0; i < v.qr_width * v.qr_width; i++) {
		dark += v.qr[i] == 1;
		other += v.qr[i] > 1;
	}
	CHECKF(v.qr_width >= 21 && (v.qr_width - 17) % 4 == 0 && dark > 0 &&
	       other == 0, "QR: %d modules a side, each dark or light",
	       v.qr_width);
	receipt_view_free(&v);

	CHECK_EQ_INT(receipt_view_init(api, &r, &v, false), 0);
	CHECKF(v.qr == NULL && v.qr_width == 0, "no QR unless asked");
	receipt_view_free(&v);

	r = no_appt();
	r.first_name = "علی";
	CHECK_EQ_INT(receipt_view_init(api, &r, &v, false), 0);
	CHECKF(v.sec[RECEIPT_SEC_OFFICE].n == 0 &&
	       v.sec[RECEIPT_SEC_OFFICE].note &&
	       v.sec[RECEIPT_SEC_PERSONAL].n == 10 &&
	       v.sec[RECEIPT_SEC_PERSONAL].f[2].wide,
	       "no appointment: a note instead of the office; a name, wide");
	receipt_view_free(&v);

	r.tracking_code = "1";
	CHECKF(receipt_view_init(api, &r, &v, true) == -EINVAL && !v.qr &&
	       !v.url, "a refused receipt leaves nothing to free");
	CHECK_EQ_INT(receipt_view_init(api, NULL, &v, true), -EINVAL);
}

/* ---- text ---- */

static void test_text(void)
{
	struct receipt r = sample();
	char *t = NULL;
	size_t n = 0;

	CHECK_EQ_INT(receipt_text(api, &r, &t, &n), 0);
	CHECK(t && strlen(t) == n);
	CHECK(has(t, "رسید پیش‌ثبت‌نام کارت هوشمند ملی\n"));
	CHECK(has(t, "شماره پیگیری: ۴۹۷۳۲۰۱۶۷\n"));
	CHECK(has(t, "شماره ملی: ۲۵۸۰۲۰۰۶۰۶\n"));
	CHECK(has(t, "سریال شناسنامه: ۸۸۳۸۱۰\n"));
	CHECK(has(t, "تاریخ تولد شمسی: ۱۹ خرداد ۱۳۶۹ (۱۳۶۹/۰۳/۱۹)\n"));
	CHECK(has(t, "تاریخ تولد قمری: ۱۵ ذی\u200cالقعده ۱۴۱۰\n"));
	CHECK(has(t, "جنسیت: مرد\n") && has(t, "دین: اسلام\n"));
	CHECK(has(t, "نام مادر: زهرا\n"));
	CHECK(has(t, "شماره تلفن همراه: ۰۹۱۴۱۲۳۴۵۶۷\n"));
	CHECK(has(t, "نام دفتر: اداره ثبت احوال مراغه\n"));
	CHECK(has(t, "نشانی دفتر: مراغه - خ پاسداران\n"));
	CHECK(has(t, "تلفن دفتر: \u200E۰۴۱-۳۷۲۲۲۲۶۶\u200E\n"));
	CHECK(has(t, "تاریخ تکمیل ثبت‌نام: شنبه ۱۰ آذر ۱۴۰۳\n"));
	CHECK(has(t, "شیفت کاری: صبح\n"));
	CHECK(has(t, "وضعیت پرداخت: موفق\n"));
	CHECK(has(t, "مبلغ پرداختی: ۲۰۰٬۰۰۰ ریال (۲۰٬۰۰۰ تومان)\n"));
	CHECK(has(t, "شماره مرجع: ۱۲۳۴۵۶۷۸۹۰۱۲\n"));
	CHECK(has(t, "\u200E*۴*۶۰۹۰#\u200E"));
	CHECK(has(t, "https://www.ncr.ir/receipt-verify\n"));
	CHECK(!has(t, "<") && !has(t, "\x01") && !has(t, "\x02"));
	free(t);

	/* a fraction of a toman, NULL optionals shown as a dash */
	r.amount_rial = 1234567;
	r.mother_name = NULL;
	r.payment_reference = NULL;
	r.verify_url = NULL;
	CHECK_EQ_INT(receipt_text(api, &r, &t, &n), 0);
	CHECK(has(t, "۱٬۲۳۴٬۵۶۷ ریال (۱۲۳٬۴۵۶٫۷ تومان)"));
	CHECK(has(t, "نام مادر: —\n") && has(t, "شماره مرجع: —\n"));
	CHECK(!has(t, "https://"));
	free(t);
}

/* ---- PDF ---- */

static int have_prog(const char *name)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (p = malloc((size_t)n + 1))) {
		if (fread(p, 1, (size_t)n, f) != (size_t)n) {
			free(p);
			p = NULL;
		} else {
			p[n] = '\0';
		}
	}
	fclose(f);
	return p;
}

/*
 * pdftoppm renders pdf at 80 dpi and says nothing on stderr.  With
 * check_content: pdftotext finds the tracking code and the national ID
 * in Persian digits, in order (ToUnicode maps, LTR digit runs), and the QR
 * on the 80-dpi page decodes to qr.  zbarimg (Debian zbar-tools) is in
 * ./stack's package list: without it the QR check fails instead of being
 * skipped, so a missing tool cannot hide a QR nobody can read.
 */
static int poppler_ok(const unsigned char *pdf, size_t n, const char *what,
		      const char *qr)
{
	char dir[] = "/tmp/test_receipt.XXXXXX", path[96], cmd[512];
	struct stat st;
	int rc, ok;

	if (!mkdtemp(dir))
		return 0;
	snprintf(path, sizeof(path), "%s/r.pdf", dir);
	if (!write_file(path, pdf, n))
		return 0;
	snprintf(cmd, sizeof(cmd),
		 "pdftoppm -r 80 -png %s %s/page 2>%s/err", path, dir, dir);
	rc = system(cmd);
	snprintf(path, sizeof(path), "%s/err", dir);
	ok = rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0 &&
	     stat(path, &st) == 0 && st.st_size == 0;
	snprintf(path, sizeof(path), "%s/page-1.png", dir);
	ok = ok && stat(path, &st) == 0 && st.st_size > 10000;
	CHECKF(ok, "pdftoppm -r 80 renders the %s PDF cleanly", what);

	if (qr && have_prog("pdftotext")) {
		char *txt;

		snprintf(cmd, sizeof(cmd),
			 "pdftotext %s/r.pdf %s/r.txt 2>/dev/null", dir, dir);
		rc = system(cmd);
		snprintf(path, sizeof(path), "%s/r.txt", dir);
		txt = rc == 0 ? read_file(path) : NULL;
		CHECKF(has(txt, "۴۹۷۳۲۰۱۶۷") && has(txt, "۲۵۸۰۲۰۰۶۰۶"),
		       "pdftotext finds the tracking code and national ID");
		free(txt);
	}
	if (qr && !have_prog("zbarimg")) {
		CHECKF(0, "zbarimg is installed (Debian zbar-tools) to decode the QR");
	} else if (qr) {
		char *out;

		snprintf(cmd, sizeof(cmd),
			 "zbarimg -q --raw %s/page-1.png >%s/qr 2>/dev/null",
			 dir, dir);
		rc = system(cmd);
		snprintf(path, sizeof(path), "%s/qr", dir);
		out = rc == 0 ? read_file(path) : NULL;
		if (out)
			out[strcspn(out, "\n")] = '\0';
		CHECKF(out && strcmp(out, qr) == 0,
		       "the QR on the 80-dpi page decodes to the payload");
		free(out);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		unit_note("could not remove %s", dir);
	return ok;
}

static void test_pdf(void)
{
	static const char created[] = "/CreationDate (20241118104200+03'30)";
	struct receipt r = sample();
	unsigned char *p = NULL, *p2 = NULL;
	size_t n = 0, n2 = 0, tail;
	int rc;

	rc = receipt_pdf(api, &r, &p, &n);
	CHECK_EQ_INT(rc, 0);
	if (rc)
		return;
	CHECK(n > 5000 && memcmp(p, "%PDF-", 5) == 0);
	tail = n > 16 ? n - 16 : 0;
	CHECKF(memmem(p + tail, n - tail, "%%EOF", 5) != NULL, "ends with %%%%EOF");
	CHECKF(memmem(p, n, "/Type /Page", 11) && memmem(p, n, "/FontFile", 9),
	       "a page with embedded fonts");
	CHECKF(memmem(p, n, created, sizeof(created) - 1),
	       "CreationDate: the issue time, Tehran (the table's iso_tehran)");
	CHECK_EQ_INT(receipt_pdf(api, &r, &p2, &n2), 0);
	CHECKF(n == n2 && memcmp(p, p2, n) == 0,
	       "same receipt, same bytes (CreationDate is the issue time)");
	if (have_prog("pdftoppm"))
		poppler_ok(p, n, "sample", r.qr_payload);
	else
		unit_note("pdftoppm not installed: rendering not checked");
	free(p);
	free(p2);

	CHECK_EQ_INT(receipt_pdf(api, &r, NULL, &n), -EINVAL);
	r.tracking_code = "x";
	p = (unsigned char *)1;
	CHECK_EQ_INT(receipt_pdf(api, &r, &p, &n), -EINVAL);
	CHECK(p == NULL && n == 0);

	/* long values: cut with "…", wrapped, flowing onto a second page */
	{
		static const char unit[] = "زهرا <> ";
		static char longname[500 * sizeof(unit)];
		const char *cnt;
		char *h;

		r = sample();
		longname[0] = '\0';
		for (int i = 0; i < 500; i++)
			strcat(longname, unit);
		r.first_name = r.last_name = r.mother_name = longname;
		r.office_name = r.office_address = r.gateway_title = longname;
		r.payment_reference = r.mobile = longname;
		CHECK_EQ_INT(receipt_html(api, &r, &h, &n), 0);
		{
			int cut = 0;

			for (const char *q = h; q && (q = strstr(q, "…</bdi>"));
			     q++)
				cut++;
			CHECKF(cut == 7 && n < 20000 + 7 * 2 * RECEIPT_FIELD_MAX,
			       "7 long values cut at RECEIPT_FIELD_MAX with "
			       "an ellipsis (%d, %zu bytes)", cut, n);
		}
		free(h);
		CHECK_EQ_INT(receipt_pdf(api, &r, &p, &n), 0);
		CHECK(p && memcmp(p, "%PDF-", 5) == 0);
		cnt = p ? memmem(p, n, "/Count ", 7) : NULL;
		CHECKF(cnt && atoi(cnt + 7) >= 2,
		       "overlong values flow onto a second page");
		if (p && have_prog("pdftoppm"))
			poppler_ok(p, n, "long-values", NULL);
		free(p);
	}
}

static void test_timing(void)
{
	struct receipt r = sample();
	double t0, t_pdf, t_html, t_text;
	const int npdf = 20, nhtml = 500;
	int ok = 1;

	t0 = now_ms();
	for (int i = 0; i < npdf; i++) {
		unsigned char *p;
		size_t n;

		ok &= receipt_pdf(api, &r, &p, &n) == 0;
		free(p);
	}
	t_pdf = (now_ms() - t0) / npdf;
	t0 = now_ms();
	for (int i = 0; i < nhtml; i++) {
		char *h;
		size_t n;

		ok &= receipt_html(api, &r, &h, &n) == 0;
		free(h);
	}
	t_html = (now_ms() - t0) / nhtml;
	t0 = now_ms();
	for (int i = 0; i < nhtml; i++) {
		char *h;
		size_t n;

		ok &= receipt_text(api, &r, &h, &n) == 0;
		free(h);
	}
	t_text = (now_ms() - t0) / nhtml;
	unit_note("timing: %.2f ms per PDF, %.3f ms per HTML, %.3f ms per text",
		  t_pdf, t_html, t_text);
	CHECK(ok);
}

/* ---- threads ---- */

#define NTHREADS 4
#define PER_THREAD 5

struct job {
	unsigned char *first;
	size_t first_len;
	int ok;
};

static void *worker(void *arg)
{
	struct job *j = arg;
	struct receipt r = sample();

	j->ok = 1;
	for (int i = 0; i < PER_THREAD; i++) {
		unsigned char *p;
		size_t n;

		if (receipt_pdf(api, &r, &p, &n) != 0) {
			j->ok = 0;
			continue;
		}
		if (!j->first) {
			j->first = p;
			j->first_len = n;
		} else {
			if (n != j->first_len || memcmp(p, j->first, n))
				j->ok = 0;
			free(p);
		}
	}
	return NULL;
}

static void test_threads(void)
{
	pthread_t th[NTHREADS];
	struct job jobs[NTHREADS] = {{0}};
	int ok = 1;

	for (int i = 0; i < NTHREADS; i++)
		if (pthread_create(&th[i], NULL, worker, &jobs[i]) != 0)
			ok = 0;
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < NTHREADS; i++) {
		ok &= jobs[i].ok && jobs[i].first;
		if (i && jobs[i].first && jobs[0].first)
			ok &= jobs[i].first_len == jobs[0].first_len &&
			      memcmp(jobs[i].first, jobs[0].first,
				     jobs[0].first_len) == 0;
	}
	CHECKF(ok, "%d threads x %d PDFs, all identical", NTHREADS, PER_THREAD);
	for (int i = 0; i < NTHREADS; i++)
		free(jobs[i].first);
}

/* ---- sample files ---- */

static int write_samples(const char *prefix)
{
	struct receipt r = sample(), r2 = no_appt();
	char path[512], *h, *t;
	unsigned char *p;
	size_t n;
	int ok = 1;

	if (receipt_pdf(api, &r, &p, &n) == 0) {
		snprintf(path, sizeof(path), "%s.pdf", prefix);
		ok &= write_file(path, p, n);
		free(p);
	} else {
		ok = 0;
	}
	if (receipt_pdf(api, &r2, &p, &n) == 0) {
		snprintf(path, sizeof(path), "%s-noappt.pdf", prefix);
		ok &= write_file(path, p, n);
		free(p);
	} else {
		ok = 0;
	}
	if (receipt_html(api, &r, &h, &n) == 0) {
		snprintf(path, sizeof(path), "%s.html", prefix);
		ok &= write_file(path, h, n);
		free(h);
	} else {
		ok = 0;
	}
	if (receipt_text(api, &r, &t, &n) == 0) {
		snprintf(path, sizeof(path), "%s.txt", prefix);
		ok &= write_file(path, t, n);
		free(t);
	} else {
		ok = 0;
	}
	fprintf(stderr, "%s\n", ok ? "written" : "FAILED");
	return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--write") == 0) {
		int rc = write_samples(argv[2]);

		receipt_thread_release();
		return rc;
	}
	test_html();
	test_html_hostile();
	test_no_appointment();
	test_invalid();
	test_table();
	test_view();
	test_text();
	test_pdf();
	test_timing();
	test_threads();
	/* free this thread's font map, so that LeakSanitizer sees no leak */
	receipt_thread_release();
	return unit_done();
}
