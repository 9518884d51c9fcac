/*
 * import-csv: the CSV of crs-import (SPEC §3.9, seed 001 §2.5): a
 * streaming RFC 4180 reader for the legacy Portal's requests, and the
 * writer of the report's CSV.
 *
 * The rest of the pure half (import-codes, import-row, import-checks,
 * import-time) has headers of its own; this one includes them, so that a
 * single include gives the whole of it (as tests/unit/test_import.c uses
 * it).  No database and no global state; the reader reads a FILE it is
 * given and the report writer writes one.
 */
#ifndef CRS_IMPORT_CSV_H
#define CRS_IMPORT_CSV_H

#include "import-checks.h"
#include "import-codes.h"
#include "import-row.h"
#include "import-time.h"

#include <stddef.h>
#include <stdio.h>

/* ------------------------------------------------------------ CSV reader */

#define CSV_MAX_FIELDS 64
#define CSV_DEFAULT_MAX_RECORD (64 * 1024)
#define CSV_DEFAULT_IO (64 * 1024)

enum csv_status {
	CSV_RECORD = 1, /* a record; fields in r->field[0..nfields) */
	CSV_EOF = 0,
	CSV_BAD = -1,   /* a record that is not valid CSV: r->bad says why */
	CSV_EIO = -2,   /* read error */
	CSV_ENOMEM = -3
};

/*
 * RFC 4180 with the usual tolerance: fields separated by commas, records by
 * CRLF, LF or a lone CR; a field in double quotes may hold commas, quotes
 * (doubled) and line breaks.  A UTF-8 byte-order mark at the start of the
 * file is skipped.  Records whose fields are all empty or blank (empty
 * lines, or ",,,," as spreadsheets write them) are skipped, but counted in
 * `records`, so that row numbers are the spreadsheet's.
 *
 * Memory is bounded: one input buffer and one record buffer; a record
 * longer than max_record bytes is consumed to its end and reported bad.
 * A bad record is consumed up to its end too (quotes honoured), so the
 * next call starts at the next record; whatever fields were read are left
 * in field[] for the report.
 */
struct csv_reader {
	FILE *f;
	unsigned char *in;         /* input buffer */
	size_t in_size, in_pos, in_len;
	int in_eof, in_err, started;
	int back[4], nback;        /* bytes given back, last first */
	char *rec;                 /* the record's fields, NUL-separated */
	size_t rec_cap, rec_len;
	char *field[CSV_MAX_FIELDS];
	size_t nfields;
	unsigned long line;        /* physical line the next record starts on */
	unsigned long rec_line;    /* first line of the last record */
	unsigned long records;     /* records so far, blank ones included */
	enum import_code bad;      /* why the last record is bad */
};

/* io_size and max_record 0 mean the defaults.  Returns 0 or CSV_ENOMEM. */
int csv_open(struct csv_reader *r, FILE *f, size_t io_size, size_t max_record);
void csv_close(struct csv_reader *r);
/* The next non-blank record: CSV_RECORD, CSV_BAD, CSV_EOF or CSV_EIO. */
int csv_next(struct csv_reader *r);

/* ------------------------------------------------------------ report */

/* One CSV field, quoted when it holds a comma, quote, CR or LF. */
void import_csv_field(FILE *f, const char *s);
/* row,portal_ref,national_id_masked,result,reason_fa,reason_en */
void import_report_header(FILE *f);
void import_report_row(FILE *f, unsigned long row, const char *portal_ref,
		       const char *nid_masked, const char *result,
		       const char *reason_fa, const char *reason_en);

#endif /* CRS_IMPORT_CSV_H */
