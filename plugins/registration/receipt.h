/*
 * receipt: the citizen's registration receipt (SPEC 3.6, 3.9; seed 001
 * "نتیجه ثبت نام کارت هوشمند ملی") as a printable HTML document, an A4 PDF
 * and a plain-text email body.
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
 * Pure: no I/O, no global state of its own, no locale dependence; safe
 * from any number of threads at once.  Digits, dates, the weekday and the
 * Tehran time come from the core's civil functions in the table api (ABI
 * 1.1: utf8_valid, digits_persian, jalali_format, hijri_parse,
 * hijri_format, jalali_to_jdn, tehran_to_unix_ms, iso_tehran), which are
 * pure and thread-safe too; nothing else of the table is used.  The PDF renderer uses pango's
 * per-thread default font map (pango frees it when the thread exits) and
 * its own contexts, layouts and surfaces per call, so no pango object is
 * ever shared between threads.
 *
 * Input: every string UTF-8.  The module checks the fixed formats
 * (tracking code 9 digits, national ID 10, serial 6, dates real, enums
 * known, strings valid UTF-8) and fails with -EINVAL rather than print a
 * wrong receipt.  Free text (names, office, address, gateway title) is
 * escaped for HTML; C0 controls become spaces and the explicit bidi
 * controls (U+202A..U+202E, U+2066..U+2069) are dropped from it in every
 * format, so a hostile value can neither inject markup nor reorder the
 * text around it.  A free-text value longer than RECEIPT_FIELD_MAX bytes
 * is cut (at a character) and ends in "…", so the page stays a receipt.
 *
 * Output: on success 0, *out is a malloc'd buffer the caller frees with
 * free(), *len its length (the HTML and the text are also NUL-terminated,
 * not counted in *len).  On failure a negative errno (-EINVAL, -ENOMEM,
 * -EIO for a cairo/pango failure), *out NULL and *len 0.
 */
#ifndef CRS_RECEIPT_H
#define CRS_RECEIPT_H

#include <stddef.h>

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

/* Standalone printable HTML5 document, lang="fa" dir="rtl", inline CSS
 * with a print stylesheet, the QR as inline SVG. */
int receipt_html(const struct crs_api *api, const struct receipt *r,
		 char **html, size_t *len);

/* One A4 page, PDF 1.5, fonts embedded (subsets), QR as vector squares. */
int receipt_pdf(const struct crs_api *api, const struct receipt *r,
		unsigned char **pdf, size_t *len);

/* Plain UTF-8 text for an email body, one "label: value" per line. */
int receipt_text(const struct crs_api *api, const struct receipt *r,
		 char **text, size_t *len);

/*
 * Drop the calling thread's pango default font map now (receipt_pdf()
 * uses it; pango frees it anyway when the thread exits).  Optional: for
 * threads that end with exit() rather than returning, such as main, when
 * a leak checker must see nothing.  Safe to call any time, more than
 * once; the next receipt_pdf() on the thread makes a new map.
 */
void receipt_thread_release(void);

#endif /* CRS_RECEIPT_H */
