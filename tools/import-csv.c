/*
 * import-csv: the CSV reader and the report's CSV writer of crs-import
 * (see import-csv.h).
 */
#include "config.h"

#include "import-csv.h"

#include "digits.h"

#include <stdlib.h>
#include <string.h>

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
