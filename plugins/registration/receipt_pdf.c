/*
 * receipt_pdf: the receipt's view as an A4 PDF.  See receipt_pdf.h.
 *
 * PDF and threads.  Pango objects must not be shared between threads.  The
 * renderer takes pango_cairo_font_map_get_default(), which pango keeps
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
 *
 * cairo writes the document straight into the memory stream of
 * receipt_out (fwrite from its write function).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* open_memstream: -std=c11 hides POSIX */
#endif

#include "receipt_pdf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

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
	const struct receipt_view *v;
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

	if (strpbrk(text, RT_LTR_OPEN RT_LTR_CLOSE)) {
		size_t o = 0;

		for (const char *s = text; *s && o + 4 < sizeof(tmp); s++) {
			if (*s == RT_LTR_OPEN[0] || *s == RT_LTR_CLOSE[0]) {
				memcpy(tmp + o, RT_LRM, 3);
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
	snprintf(line, sizeof(line), RT_ISSUED ": %s", p->v->issued);
	lay_text(p, p->lay, line, F_SMALL, w, PANGO_ALIGN_RIGHT);
	show(p, p->lay, MARGIN, y + 3);
	lay_text(p, p->lay, RT_ORG " - " RT_SYSTEM, F_SMALL, w,
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

static void draw_qr(struct pdf *p, double x, double y,
		    double size)
{
	cairo_t *cr = p->cr;
	const struct receipt_view *v = p->v;
	double m = size / (v->qr_width + 2 * RECEIPT_QR_QUIET);

	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x, y, size, size);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	/* one path, filled once: abutting squares leave no seams */
	for (int yy = 0; yy < v->qr_width; yy++) {
		for (int xx = 0; xx < v->qr_width;) {
			int x0 = xx;

			if (!receipt_qr_dark(v, xx, yy)) {
				xx++;
				continue;
			}
			while (xx < v->qr_width && receipt_qr_dark(v, xx, yy))
				xx++;
			cairo_rectangle(cr, x + (x0 + RECEIPT_QR_QUIET) * m,
					y + (yy + RECEIPT_QR_QUIET) * m, (xx - x0) * m,
					m);
		}
	}
	cairo_fill(cr);
}

static void header(struct pdf *p)
{
	cairo_t *cr = p->cr;
	const struct receipt_view *v = p->v;
	double right_w = PAGE_W - 2 * MARGIN - QR_SIZE - 24;
	double x = PAGE_W - MARGIN - right_w, y = MARGIN, h, qy;
	PangoRectangle log;

	/* right: organisation, title, tracking code */
	h = lay_text(p, p->lay, RT_ORG, F_ORG, right_w, PANGO_ALIGN_RIGHT);
	cairo_set_source_rgb(cr, RULE[0], RULE[1], RULE[2]);
	show(p, p->lay, x, y);
	y += h + 2;
	h = lay_text(p, p->lay, RT_TITLE, F_TITLE, right_w, PANGO_ALIGN_RIGHT);
	cairo_set_source_rgb(cr, INK, INK, INK);
	show(p, p->lay, x, y);
	y += h + 8;

	/* the tracking code in a box, its label to the right */
	{
		double lw, bw, bh, bx;

		lay_text(p, p->lay, RT_TRACKING ":", F_BOLD, -1,
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
	draw_qr(p, MARGIN, qy, QR_SIZE);
	qy += QR_SIZE + 1;
	h = lay_text(p, p->lay, RT_VERIFY, F_SMALL, QR_SIZE + 20,
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

static const char *value_text(const struct receipt_field *f, char *buf, size_t n)
{
	if (!f->value || !*f->value)
		return RT_DASH;
	if (!f->ltr)
		return f->value;
	snprintf(buf, n, RT_LTR_OPEN "%s" RT_LTR_CLOSE, f->value);
	return buf;
}

/*
 * One row of the grid: one wide field, or two fields side by side.  The
 * first field is on the right (reading order).  Returns the row height.
 */
static double grid_row(struct pdf *p, const struct receipt_field *a,
		       const struct receipt_field *b, bool draw)
{
	cairo_t *cr = p->cr;
	const double W = PAGE_W - 2 * MARGIN;
	const double half = W / 2;
	const struct receipt_field *f[2] = {a, b};
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

static void pdf_section(struct pdf *p, const struct receipt_section *s)
{
	section_title(p, s->title);
	for (int i = 0; i < s->n;) {
		const struct receipt_field *a = &s->f[i], *b = NULL;
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

	section_title(p, RT_PREREQ);
	for (int i = 0; i < RECEIPT_NPREREQ; i++) {
		char n[16];
		double h = lay_text(p, p->lay, p->v->prereq[i].text, F_BODY,
				    W - num_w, PANGO_ALIGN_RIGHT);

		need(p, h);
		cairo_set_source_rgb(p->cr, INK, INK, INK);
		show(p, p->lay, MARGIN, p->y);
		snprintf(n, sizeof(n), "%s-", p->v->prereq[i].no);
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
	struct receipt_view v;
	struct receipt_out o = {0};
	struct pdf p = {0};
	PangoFontMap *fm = NULL;
	cairo_surface_t *s = NULL;
	cairo_font_options_t *fo;
	cairo_status_t st;
	int rc;

	if (!pdf || !len)
		return -EINVAL;
	*pdf = NULL;
	*len = 0;
	if ((rc = receipt_view_init(api, r, &v, true)) < 0)
		return rc;
	p.v = &v;
	if ((rc = receipt_out_open(&o)) < 0)
		goto done;

	s = cairo_pdf_surface_create_for_stream(stream_write, o.f, PAGE_W,
						PAGE_H);
	if ((st = cairo_surface_status(s)) != CAIRO_STATUS_SUCCESS) {
		rc = cairo_rc(st);
		goto done;
	}
	cairo_pdf_surface_restrict_to_version(s, CAIRO_PDF_VERSION_1_5);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, RT_TITLE);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, RT_ORG);
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

	header(&p);
	for (int i = 0; i < RECEIPT_NSEC; i++)
		pdf_section(&p, &v.sec[i]);
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
	receipt_view_free(&v);
	if (o.f) { /* after the surface: destroying one unfinished writes */
		char *bytes;

		if (rc == 0 && ftell(o.f) <= 0)
			rc = -EIO; /* cairo wrote nothing yet said nothing */
		rc = receipt_out_close(&o, rc, &bytes, len);
		if (rc == 0)
			*pdf = (unsigned char *)bytes;
	}
	return rc;
}
