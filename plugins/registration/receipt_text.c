/*
 * receipt_text: the receipt's view as an e-mail body.  See receipt_text.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* open_memstream: -std=c11 hides POSIX */
#endif

#include "receipt_text.h"

#include <errno.h>
#include <stdio.h>

/* A fixed text with its markers as LRMs (see "Direction" in receipt.h). */
static void text_fixed(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == RT_LTR_OPEN[0] || *s == RT_LTR_CLOSE[0])
			fputs(RT_LRM, out);
		else
			fputc(*s, out);
	}
}

static void text_field(FILE *out, const struct receipt_field *f)
{
	fputs(f->label, out);
	fputs(": ", out);
	if (!f->value || !*f->value)
		fputs(RT_DASH, out);
	else if (f->ltr)
		fprintf(out, RT_LRM "%s" RT_LRM, f->value);
	else
		fputs(f->value, out);
	fputs("\n", out);
}

static void text_body(FILE *out, const struct receipt_view *v)
{
	fputs(RT_ORG "\n" RT_TITLE "\n\n", out);
	for (int i = 0; i < RECEIPT_NSEC; i++) {
		const struct receipt_section *s = &v->sec[i];

		fprintf(out, "■ %s\n", s->title);
		for (int k = 0; k < s->n; k++)
			text_field(out, &s->f[k]);
		if (s->note) {
			text_fixed(out, s->note);
			fputs("\n", out);
		}
		fputs("\n", out);
	}
	fputs("■ " RT_PREREQ "\n", out);
	for (int i = 0; i < RECEIPT_NPREREQ; i++) {
		fprintf(out, "%s- ", v->prereq[i].no);
		text_fixed(out, v->prereq[i].text);
		fputs("\n", out);
	}
	if (v->url && *v->url)
		fprintf(out, "\n" RT_VERIFY ":\n%s\n", v->url);
	fprintf(out, "\n" RT_ISSUED ": %s\n" RT_ORG " - " RT_SYSTEM "\n",
		v->issued);
}

int receipt_text(const struct crs_api *api, const struct receipt *r,
		 char **text, size_t *len)
{
	struct receipt_view v;
	struct receipt_out o;
	int rc;

	if (!text || !len)
		return -EINVAL;
	*text = NULL;
	*len = 0;
	if ((rc = receipt_view_init(api, r, &v, false)) < 0)
		return rc;
	if ((rc = receipt_out_open(&o)) == 0) {
		text_body(o.f, &v);
		rc = receipt_out_close(&o, 0, text, len);
	}
	receipt_view_free(&v);
	return rc;
}
