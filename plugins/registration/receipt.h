/*
 * receipt: the citizen's registration receipt (SPEC 3.6, 3.9; seed 001
 * "نتیجه ثبت نام کارت هوشمند ملی"), its model: the input (struct receipt)
 * and its checks, and the view of it that every format shows, made of
 * display strings (Persian digits, month names, Persian words for the
 * enums, cleaned free text) arranged in titled sections of label/value
 * fields, the fixed texts, and the modules of the QR code.  The formats
 * are renderers of that one view, so they cannot drift apart:
 * receipt_html.h (a printable HTML document), receipt_pdf.h (an A4 PDF)
 * and receipt_text.h (a plain-text e-mail body).
 *
 * What it shows: tracking code, national ID, birth-certificate serial,
 * solar and lunar birth dates (with month names), gender, religion,
 * name (when the registry gave one), mother's name, mobile, the chosen
 * completion office (name, address, phone with city code, date with
 * weekday, shift) or, when the paid appointment was lost, a clear note
 * that an office and time must be chosen again and that no second payment
 * is needed; the payment (state, amount in rial and toman, gateway,
 * reference); the prerequisites of seed 001 (original birth certificate,
 * photo, fingerprints, tracking with *4*6090# or the site) and the note
 * that the receipt is proof until the card arrives (seed 003); a QR code
 * of qr_payload with verify_url under it; the issue time.
 * Every number is shown with Persian digits; amounts use the Persian
 * thousands separator U+066C.
 *
 * Pure: no I/O, no global state, no locale dependence; safe from any
 * number of threads at once.  Digits, dates, the weekday and Tehran time
 * come from the core's civil functions in the plugin table (ABI 1.1:
 * utf8_valid, digits_persian, jalali_format, hijri_parse, hijri_format,
 * jalali_to_jdn, tehran_to_unix_ms, iso_tehran), pure and thread-safe
 * too; nothing else of the table is used.
 *
 * Input: every string UTF-8.  The model checks the fixed formats
 * (tracking code 9 digits, national ID 10, serial 6, dates real, enums
 * known, strings valid UTF-8) and fails with -EINVAL rather than print a
 * wrong receipt.  In free text (names, office, address, gateway title) C0
 * and C1 controls become spaces and the explicit bidi controls
 * (U+202A..U+202E, U+2066..U+2069) are dropped, in every format, so a
 * hostile value cannot reorder the text around it (and the HTML renderer
 * escapes it, so it cannot inject markup).  A free-text value longer than
 * RECEIPT_FIELD_MAX bytes is cut (at a character) and ends in "…", so the
 * page stays a receipt.
 *
 * Output of every renderer: on success 0, *out a malloc'd buffer the
 * caller frees with free(), *len its length (a NUL follows the bytes, not
 * counted in *len).  On failure a negative errno (-EINVAL, -ENOMEM, -EIO
 * for a cairo/pango failure), *out NULL and *len 0.
 *
 * Direction.  Everything is laid out right to left.  A few values must
 * read left to right inside Persian text: the USSD code *4*6090# (bidi
 * would otherwise print it "#6090*4*"; the seed's screenshots show such
 * garbles), phone numbers with a dash (Persian digits after Persian
 * letters are Arabic numbers, and "-" between two of those is neutral, so
 * "041-37222266" would come out as "37222266-041"), and the verification
 * URL.  Fixed texts mark such a span with RT_LTR_OPEN/RT_LTR_CLOSE; fields
 * carry an ltr flag.  HTML writes <bdi dir="ltr">; the PDF and the text
 * body put an LRM (U+200E) on each side of the span.  After an LRM the
 * digits resolve to strong left-to-right (UBA rules W2 and W7) and so do
 * the separators between them, in any implementation of the bidi
 * algorithm, without the isolate controls (LRI..PDI) that old mail clients
 * draw as boxes.  Pango honours both; one mechanism for PDF and text keeps
 * them alike.  Free text has its own bidi controls removed (above), so it
 * cannot open or close such a span.
 */
#ifndef REG_RECEIPT_H
#define REG_RECEIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct crs_api;

struct receipt {            /* every string UTF-8, already validated by the caller */
	const char *tracking_code;      /* 9 ASCII digits */
	const char *national_id;        /* 10 ASCII digits */
	const char *serial;             /* 6 ASCII digits */
	int birth_jy, birth_jm, birth_jd;     /* solar (Jalali) birth date */
	const char *birth_lunar;        /* Hijri 'YYYY/MM/DD', ASCII */
	const char *gender;             /* "male" | "female" */
	const char *religion;           /* "islam" | "christian" | "jewish" | "zoroastrian" | "other" */
	const char *first_name, *last_name;   /* from the civil registry, may be NULL */
	const char *mother_name;
	const char *mobile;             /* "09…" */
	const char *office_name, *office_address, *office_phone, *office_city_code;  /* NULL when no appointment yet */
	int appt_jy, appt_jm, appt_jd;  /* 0 when none */
	const char *shift;              /* "morning" | "evening" | NULL */
	const char *payment_state;      /* "verified" … */
	const char *payment_reference;  /* RRN */
	long long amount_rial;
	const char *gateway_title;      /* e.g. "بانک ملی - سداد" */
	int issued_jy, issued_jm, issued_jd, issued_hour, issued_min;   /* Tehran time */
	const char *qr_payload;         /* ASCII; the caller computes it (it carries an HMAC) */
	const char *verify_url;         /* printed under the QR: where anyone can check a receipt */
};

/*
 * The appointment is present when office_name is not NULL and appt_jy is
 * not 0; then appt_* must be a real date and shift "morning" or
 * "evening".  One without the other is -EINVAL.  mother_name, mobile,
 * first_name, last_name, office_address, office_phone, office_city_code,
 * payment_reference, gateway_title and verify_url may be NULL (shown as
 * a dash or left out).  qr_payload is required: printable ASCII, at most
 * RECEIPT_QR_MAX bytes.
 */
#define RECEIPT_QR_MAX 512
#define RECEIPT_FIELD_MAX 400

/* ---- fixed texts, as every format shows them ---- */

/* Markers in fixed texts: start and end of a left-to-right span. */
#define RT_LTR_OPEN "\x01"
#define RT_LTR_CLOSE "\x02"
#define RT_LRM "\u200E"
#define RT_DASH "—" /* an empty value */

#define RT_ORG "سازمان ثبت احوال کشور"
#define RT_TITLE "رسید پیش‌ثبت‌نام کارت هوشمند ملی"
#define RT_SYSTEM "سامانه پیش‌ثبت‌نام کارت هوشمند ملی"
#define RT_TRACKING "شماره پیگیری"
#define RT_VERIFY "استعلام اصالت رسید"
#define RT_ISSUED "تاریخ و ساعت صدور رسید"
#define RT_PREREQ "پیش‌نیازهای تکمیل ثبت‌نام"

/* ---- the view ---- */

struct receipt_field {
	const char *label;
	const char *value; /* NULL or "": shown as a dash */
	bool ltr;          /* the value reads left to right (phone) */
	bool wide;         /* the field takes a whole row */
	bool strong;       /* emphasised (tracking code) */
};

#define RECEIPT_MAX_FIELDS 12

struct receipt_section {
	const char *title;
	struct receipt_field f[RECEIPT_MAX_FIELDS];
	int n;
	const char *note; /* a boxed notice instead of / after the fields */
};

enum {
	RECEIPT_SEC_PERSONAL,
	RECEIPT_SEC_OFFICE,   /* no fields but a note without an appointment */
	RECEIPT_SEC_PAYMENT,
	RECEIPT_NSEC
};

#define RECEIPT_NPREREQ 6

/* Room for a date as the table formats it: "چهارشنبه ۳۱ اردیبهشت ۱۴۰۳"
 * takes 47 bytes, the longest lunar one ("۳۰ جمادی‌الثانی ۱۴۴۶") fewer. */
#define RECEIPT_DATE_SIZE 96

/* The receipt as shown.  Its fields point into it: never copy one. */
struct receipt_view {
	/* what the renderers read */
	char tracking[32];              /* "۴۹۷۳۲۰۱۶۷" */
	char issued[RECEIPT_DATE_SIZE + 32];  /* "۲۸ آبان ۱۴۰۳، ساعت ۱۰:۴۲" */
	char issued_iso[32];            /* "2024-11-18T10:42:00+03:30", or "" */
	char *url;                      /* verify_url cleaned (ASCII digits
	                                   kept), NULL when none */
	struct receipt_section sec[RECEIPT_NSEC];
	struct {
		char no[8];             /* "۱" */
		const char *text;       /* with RT_LTR_* markers */
	} prereq[RECEIPT_NPREREQ];
	int qr_width;                   /* modules a side; 0: no QR made */
	unsigned char *qr;              /* qr_width² modules, row by row,
	                                   1 dark, 0 light */

	/* what the fields point into (receipt.c's) */
	char nid[32], serial[16];
	char birth[2 * RECEIPT_DATE_SIZE + 4]; /* "۱۹ خرداد ۱۳۶۹ (۱۳۶۹/۰۳/۱۹)" */
	char lunar[RECEIPT_DATE_SIZE];
	char appt[RECEIPT_DATE_SIZE];   /* "شنبه ۱۰ آذر ۱۴۰۳" */
	char amount[160];
	char *name, *mother, *mobile, *office, *address, *phone, *gateway, *rrn;
};

/* The white border a QR code needs around it, in modules (ISO/IEC 18004). */
#define RECEIPT_QR_QUIET 4

/*
 * Check r and make its view in *v, with the QR code's modules when
 * with_qr (the text body has none).  0, or -EINVAL (no api or r, or r not
 * a receipt) or -ENOMEM; on failure *v holds nothing to free.
 */
int receipt_view_init(const struct crs_api *api, const struct receipt *r,
		      struct receipt_view *v, bool with_qr);
void receipt_view_free(struct receipt_view *v);

static inline bool receipt_qr_dark(const struct receipt_view *v, int x, int y)
{
	return v->qr[(size_t)y * (size_t)v->qr_width + (size_t)x];
}

/* ---- output: what every renderer writes to ---- */

/* A memory stream (open_memstream(3)): it grows as needed and keeps a
 * NUL after the bytes.  Write to f; never move the struct while open. */
struct receipt_out {
	FILE *f;
	char *buf;
	size_t len;
};

/* 0 or -ENOMEM. */
int receipt_out_open(struct receipt_out *o);
/*
 * Close o.  When rc is 0 and every write went through, hand its bytes to
 * the caller (*buf, *len: the renderers' output) and return 0; otherwise
 * free them and return rc, or -ENOMEM for a failed write (a memory stream
 * fails only when it cannot grow).
 */
int receipt_out_close(struct receipt_out *o, int rc, char **buf, size_t *len);

#endif /* REG_RECEIPT_H */
