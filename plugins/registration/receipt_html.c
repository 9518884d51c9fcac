/*
 * receipt_html: the receipt's view as a printable HTML document.  See
 * receipt_html.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* open_memstream: -std=c11 hides POSIX */
#endif

#include "receipt_html.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define PRINT_HINT \
	"برای چاپ یا ذخیره این رسید به صورت PDF از فرمان چاپ مرورگر " \
	"(Ctrl+P) استفاده کنید."

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

/* A fixed text: markers become <bdi dir="ltr">, the rest is escaped. */
static void html_fixed(FILE *out, const char *s)
{
	while (*s) {
		size_t n = strcspn(s, RT_LTR_OPEN RT_LTR_CLOSE);

		html_escn(out, s, n);
		s += n;
		if (*s == RT_LTR_OPEN[0])
			fputs("<bdi dir=\"ltr\">", out);
		else if (*s == RT_LTR_CLOSE[0])
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

/* The QR code as SVG: a run of dark modules in a row is one rectangle. */
static void html_qr(FILE *out, const struct receipt_view *v)
{
	int side = v->qr_width + 2 * RECEIPT_QR_QUIET;

	fprintf(out,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
		"aria-label=\"QR\" viewBox=\"0 0 %d %d\" "
		"shape-rendering=\"crispEdges\"><rect width=\"%d\" "
		"height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
		side, side, side, side);
	for (int y = 0; y < v->qr_width; y++) {
		for (int x = 0; x < v->qr_width;) {
			int x0 = x;

			if (!receipt_qr_dark(v, x, y)) {
				x++;
				continue;
			}
			while (x < v->qr_width && receipt_qr_dark(v, x, y))
				x++;
			fprintf(out, "M%d %dh%dv1h-%dz", x0 + RECEIPT_QR_QUIET,
				y + RECEIPT_QR_QUIET, x - x0, x - x0);
		}
	}
	fputs("\"/></svg>", out);
}

static void html_value(FILE *out, const struct receipt_field *f)
{
	if (!f->value || !*f->value) {
		fputs(RT_DASH, out);
		return;
	}
	/* <bdi> isolates every value from its neighbours */
	fputs(f->ltr ? "<bdi dir=\"ltr\">" : "<bdi>", out);
	html_esc(out, f->value);
	fputs("</bdi>", out);
}

static void html_cell(FILE *out, const struct receipt_field *f, int span)
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

static void html_section(FILE *out, const struct receipt_section *s)
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
		html_fixed(out, s->note);
		fputs("</p>", out);
	}
	fputs("</section>", out);
}

static void html_document(FILE *out, const struct receipt_view *v)
{
	fputs("<!doctype html>\n<html lang=\"fa\" dir=\"rtl\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, "
	      "initial-scale=1\">\n<meta name=\"robots\" content=\"noindex\">\n"
	      "<title>", out);
	html_esc(out, RT_TITLE " - ");
	html_esc(out, v->tracking);
	fputs("</title>\n<style>", out);
	fputs(html_css, out);
	fputs("</style>\n</head>\n<body>\n<main class=\"sheet\">\n"
	      "<header><div><p class=\"org\">" RT_ORG "</p><h1>" RT_TITLE
	      "</h1><p class=\"track\">" RT_TRACKING ": <b>", out);
	html_esc(out, v->tracking);
	fputs("</b></p></div>\n<figure class=\"qr\">", out);
	html_qr(out, v);
	fputs("<figcaption>" RT_VERIFY, out);
	if (v->url && *v->url) {
		fputs("<span class=\"url\">", out);
		html_esc(out, v->url);
		fputs("</span>", out);
	}
	fputs("</figcaption></figure></header>\n", out);
	for (int i = 0; i < RECEIPT_NSEC; i++) {
		html_section(out, &v->sec[i]);
		fputs("\n", out);
	}
	fputs("<section><h2>" RT_PREREQ "</h2><ol>", out);
	for (int i = 0; i < RECEIPT_NPREREQ; i++) {
		fprintf(out, "<li><span class=\"n\">%s-</span>",
			v->prereq[i].no);
		html_fixed(out, v->prereq[i].text);
		fputs("</li>", out);
	}
	fputs("</ol></section>\n<footer><span>" RT_ISSUED ": ", out);
	html_esc(out, v->issued);
	fputs("</span><span>" RT_ORG " - " RT_SYSTEM "</span></footer>\n"
	      "</main>\n<p class=\"hint noprint\">" PRINT_HINT "</p>\n"
	      "</body>\n</html>\n", out);
}

int receipt_html(const struct crs_api *api, const struct receipt *r,
		 char **html, size_t *len)
{
	struct receipt_view v;
	struct receipt_out o;
	int rc;

	if (!html || !len)
		return -EINVAL;
	*html = NULL;
	*len = 0;
	if ((rc = receipt_view_init(api, r, &v, true)) < 0)
		return rc;
	if ((rc = receipt_out_open(&o)) == 0) {
		html_document(o.f, &v);
		rc = receipt_out_close(&o, 0, html, len);
	}
	receipt_view_free(&v);
	return rc;
}
