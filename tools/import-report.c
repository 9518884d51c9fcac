/*
 * import-report: what crs-import says of a run (see import-report.h).
 */
#include "config.h"

#include "import-report.h"

#include "nid.h"

#include <stdarg.h>
#include <stdio.h>

#define PROGRESS_ROWS 100000
#define FLUSH_ROWS 1000

void import_say(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	nid_mask_text(buf);
	fprintf(stderr, "crs-import: %s\n", buf);
}

/* A field of the record as read, for the report: "" when absent. */
static const char *raw_field(const struct csv_reader *r,
			     const struct import_header *h, enum import_col col)
{
	int i = h->idx[col];

	return i >= 0 && (size_t)i < r->nfields ? r->field[i] : "";
}

void import_report_outcome(struct import_report *rep,
			   const struct csv_reader *r,
			   const struct import_header *h, enum import_code code,
			   enum import_col bad_col, int needs_complete,
			   const char *detail)
{
	char fa[1024], en[1024], ref[80], nid[11], masked[11];
	const char *result;

	rep->rows++;
	import_report_ref(raw_field(r, h, COL_PORTAL_REF), ref, sizeof(ref));
	if (nid_normalize(raw_field(r, h, COL_NATIONAL_ID), nid) ==
	    NID_EFORMAT)
		nid[0] = '\0';
	nid_mask(nid, masked);

	switch (code) {
	case IMP_OK:
		result = rep->dry_run ? "would_import" : "imported";
		rep->imported++;
		if (needs_complete) {
			snprintf(fa, sizeof(fa), "%s؛ مرحله: مشخصات کامل؛ گام بعد: "
				 "انتخاب دفتر و زمان.", rep->dry_run
				 ? "قابل انتقال است (اجرای آزمایشی)" : "منتقل شد");
			snprintf(en, sizeof(en), "OK: %s as details_done; next: "
				 "appointment", rep->dry_run ? "would be imported"
							     : "imported");
		} else {
			snprintf(fa, sizeof(fa), "%s؛ پاسخ پرسش‌های تکمیل ثبت نام خاص "
				 "کامل نیست و شهروند آن‌ها را در سایت می‌دهد؛ گام بعد: "
				 "مشخصات.", rep->dry_run
				 ? "قابل انتقال است (اجرای آزمایشی)" : "منتقل شد");
			snprintf(en, sizeof(en), "OK: %s as entered (special-needs "
				 "answers missing); next: details", rep->dry_run
				 ? "would be imported" : "imported");
		}
		break;
	case IMP_ALREADY_IMPORTED:
		result = "already_imported";
		rep->already++;
		break;
	case IMP_HAS_APPLICATION:
		result = "has_application";
		rep->has_app++;
		rep->refused++;
		break;
	case IMP_DB_ERROR:
		result = "db_error";
		rep->db_errors++;
		rep->refused++;
		break;
	default:
		result = "refused";
		rep->refused++;
		break;
	}
	if (code != IMP_OK) {
		const char *name = import_code_name(code);

		if (code <= IMP_CSV_FIELD_COUNT) {
			snprintf(fa, sizeof(fa), "%s (سطر %lu پرونده)",
				 import_reason_fa(code), r->rec_line);
			snprintf(en, sizeof(en), "%s: %s (line %lu)", name,
				 import_reason_en(code), r->rec_line);
		} else if (code < IMP_NOT_IN_REGISTRY && bad_col < COL_COUNT) {
			snprintf(fa, sizeof(fa), "%s (ستون %s)",
				 import_reason_fa(code), import_col_name(bad_col));
			snprintf(en, sizeof(en), "%s: %s (column %s)", name,
				 import_reason_en(code), import_col_name(bad_col));
		} else {
			snprintf(fa, sizeof(fa), "%s", import_reason_fa(code));
			snprintf(en, sizeof(en), "%s: %s%s%s%s", name,
				 import_reason_en(code), detail[0] ? " (" : "",
				 detail, detail[0] ? ")" : "");
		}
	}
	import_report_row(rep->out, r->records, ref, masked, result, fa, en);
	if (rep->rows % FLUSH_ROWS == 0)
		fflush(rep->out);
	if (rep->rows % PROGRESS_ROWS == 0)
		import_say("%lu rows: %lu %s, %lu already, %lu refused",
			   rep->rows, rep->imported,
			   rep->dry_run ? "would be imported" : "imported",
			   rep->already, rep->refused);
}

void import_report_summary(const struct import_report *rep)
{
	if (rep->dry_run)
		import_say("dry run: nothing written");
	fprintf(stderr, "%simported %lu, already %lu, refused %lu\n",
		rep->dry_run ? "dry run: would have " : "", rep->imported,
		rep->already, rep->refused);
	if (rep->has_app || rep->db_errors)
		fprintf(stderr, "  of the refused: %lu with an application already, "
			"%lu database errors\n", rep->has_app, rep->db_errors);
}
