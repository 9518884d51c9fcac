/*
 * captcha_img: renders the captcha question as a PNG with cairo and pango.
 * See captcha_img.h.
 *
 * Reading direction.  Iranian schools and textbooks write arithmetic left to
 * right with Persian digits: "۴ + ۸ = ۱۲" starts with ۴ on the left and the
 * result goes to the right of "=".  That is what a Persian reader expects of
 * a sum, so the question is laid out LEFT TO RIGHT: ۴, +, ۸, = from left to
 * right, with "=" at the right end where the answer would be written.
 * Multi-digit operands keep the normal digit order (۱۲ is twelve), which is
 * left to right in Persian too.
 *
 * The logical string "۴+۸=" is deliberately NOT handed to an RTL (or
 * auto-direction) paragraph: U+06F0..U+06F9 have bidi class EN, so "۴+۸"
 * becomes one left-to-right number run, but the trailing "=" (class ON)
 * takes the paragraph's RTL direction and lands on the far LEFT: "=۴+۸", the
 * broken look of an equation pasted into an RTL web page (checked with
 * pango_layout_index_to_pos).  Instead every token gets its own
 * PangoLayout, with the base direction pinned to LTR (pango still does font
 * selection, fallback and shaping), and the tokens are placed left to right
 * here; that also lets each glyph be jittered on its own.
 *
 * Threads.  Pango objects (font maps, contexts, layouts) must not be shared
 * between threads, and a new PangoFontMap per call costs extra fontconfig
 * matching and font loading each time.  So each thread keeps one
 * PangoCairoFontMap in a pthread key whose destructor unrefs it at thread
 * exit; captcha_img_thread_release() drops it earlier.  Fontconfig (>= 2.10)
 * and cairo's font caches are thread-safe; surfaces and contexts are per
 * call.
 *
 * Glyphs are drawn as paths taken with an identity matrix and transformed
 * afterwards.  Drawing text through a rotated or scaled CTM would make pango
 * and cairo create and cache a font instance per distinct matrix: with a
 * random matrix per glyph the caches grow on every render (measured: ~100 kB
 * and tens of ms per render).
 *
 * Against OCR.  A reader of clean, evenly spaced glyphs on a level line
 * needs no more than a threshold and a digit classifier.  So each glyph's
 * outline is bent by its own smooth warp, rotated and scaled, the glyphs
 * ride a wave rather than a baseline and the digits of a number touch (no
 * blank column to cut at), two strokes as dark as the glyphs cross them and
 * a light one cuts through them, and the finished picture is warped once
 * more, so that strokes and glyphs bend alike.  Kept within what a person
 * reads at a glance (samples were looked at, at 1x and 2x): the digits keep
 * their Persian shapes, the operators tilt little (a tilted + reads as a
 * multiplication sign), and the Persian zero, a small dot, is drawn larger
 * and kept near the middle.
 */
#include "config.h"

#include "captcha_img.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <pango/pangocairo.h>

/*
 * Digits: the first installed family wins and fontconfig falls back further.
 * Nazli (Debian: fonts-farsiweb, 111 kB) is an Iranian face with the Persian
 * forms of ۴ ۵ ۶; Noto Sans Arabic (fonts-noto-core, 12 MB) has them too;
 * DejaVu Sans (fonts-dejavu-core) covers U+06F0..U+06F9 with plainer shapes
 * (its ۵ looks like a Latin O) and is the last resort.  Noto Naskh Arabic is
 * left out on purpose: even with language "fa" it shows the Urdu ۴ ۶ ۷.
 * Operators come from DejaVu Sans, whose + and = are bold and clear (Nazli's
 * are thin and small).
 */
#ifndef CAPTCHA_DIGIT_FONTS
#define CAPTCHA_DIGIT_FONTS "Nazli,Noto Sans Arabic UI,Noto Sans Arabic,DejaVu Sans"
#endif
#ifndef CAPTCHA_OP_FONTS
#define CAPTCHA_OP_FONTS "DejaVu Sans"
#endif
#define CAPTCHA_DIGIT_PX 40.0
#define CAPTCHA_OP_PX 30.0
#define MARGIN_X 8.0
#define PI_D 3.14159265358979323846
#define MAX_TOK 8 /* 3 digits, '+', 3 digits, '=' */

/* ---- a small local PRNG (splitmix64): all randomness comes from seed ---- */

typedef struct {
	uint64_t s;
} rng_t;

static uint64_t rng_next(rng_t *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/*
 * Uniform in [lo, hi).  Every call is its own statement below: argument
 * evaluation order is unspecified in C, and the same seed must give the
 * same image whatever the compiler.
 */
static double rng_range(rng_t *r, double lo, double hi)
{
	return lo + (hi - lo) * ((double)(rng_next(r) >> 11) * 0x1.0p-53);
}

/* ---- the question ---- */

void captcha_question(uint64_t rnd, int *a, int *b)
{
	const uint64_t na = CAPTCHA_A_MAX - CAPTCHA_A_MIN + 1;
	const uint64_t nb = CAPTCHA_B_MAX - CAPTCHA_B_MIN + 1;

	/* (a, b) is rnd mod na * nb written in two digits: off uniform by at
	 * most na * nb / 2^64 */
	*a = CAPTCHA_A_MIN + (int)(rnd % na);
	*b = CAPTCHA_B_MIN + (int)(rnd / na % nb);
}

/* ---- per-thread font map ---- */

static pthread_once_t fm_once = PTHREAD_ONCE_INIT;
static pthread_key_t fm_key;
static int fm_key_ok;

static void fm_destroy(void *p)
{
	if (p)
		g_object_unref(p);
}

static void fm_key_init(void)
{
	fm_key_ok = pthread_key_create(&fm_key, fm_destroy) == 0;
}

/* A reference the caller must g_object_unref(), or NULL. */
static PangoFontMap *thread_fontmap(void)
{
	PangoFontMap *fm;

	pthread_once(&fm_once, fm_key_init);
	if (fm_key_ok && (fm = pthread_getspecific(fm_key)) != NULL)
		return g_object_ref(fm);
	fm = pango_cairo_font_map_new();
	if (!fm)
		return NULL;
	if (fm_key_ok && pthread_setspecific(fm_key, fm) == 0)
		return g_object_ref(fm); /* the key keeps the first reference */
	return fm;                       /* not cached: this call only */
}

void captcha_img_thread_release(void)
{
	PangoFontMap *fm;

	pthread_once(&fm_once, fm_key_init);
	if (!fm_key_ok || (fm = pthread_getspecific(fm_key)) == NULL)
		return;
	pthread_setspecific(fm_key, NULL);
	g_object_unref(fm);
}

/* ---- PNG into memory ---- */

/* cairo writes the PNG into a memory stream (open_memstream). */
static cairo_status_t stream_write(void *closure, const unsigned char *data,
				   unsigned int length)
{
	return fwrite(data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS
	                                                  : CAIRO_STATUS_WRITE_ERROR;
}

/* ---- drawing ---- */

static void set_rgb(cairo_t *cr, rng_t *r, double lo, double hi)
{
	double red = rng_range(r, lo, hi);
	double green = rng_range(r, lo, hi);
	double blue = rng_range(r, lo, hi);

	cairo_set_source_rgb(cr, red, green, blue);
}

/* A random cubic curve from the left edge to the right edge. */
static void noise_curve(cairo_t *cr, rng_t *r, double ylo, double yhi)
{
	const double w = CAPTCHA_IMG_WIDTH;
	double p[8];

	p[0] = rng_range(r, -10, 10);
	p[1] = rng_range(r, ylo, yhi);
	p[2] = rng_range(r, w * 0.2, w * 0.45);
	p[3] = rng_range(r, ylo - 15, yhi + 15);
	p[4] = rng_range(r, w * 0.55, w * 0.8);
	p[5] = rng_range(r, ylo - 15, yhi + 15);
	p[6] = rng_range(r, w - 10, w + 10);
	p[7] = rng_range(r, ylo, yhi);
	cairo_move_to(cr, p[0], p[1]);
	cairo_curve_to(cr, p[2], p[3], p[4], p[5], p[6], p[7]);
}

/* n small dots of one shade in one fill (a fill per dot costs more than
 * all the rest of the drawing). */
static void speckles(cairo_t *cr, rng_t *r, int n, double lo, double hi,
		     double rmax)
{
	double shade = rng_range(r, lo, hi);

	cairo_set_source_rgb(cr, shade, shade, shade);
	for (int i = 0; i < n; i++) {
		double x = rng_range(r, 0, CAPTCHA_IMG_WIDTH);
		double y = rng_range(r, 0, CAPTCHA_IMG_HEIGHT);
		double d = rng_range(r, 0.8, 2 * rmax);

		/* antialiased, a tiny square is a soft dot: 10x cheaper than
		 * an arc */
		cairo_rectangle(cr, x, y, d, d);
	}
	cairo_fill(cr);
}

static void draw_background(cairo_t *cr, rng_t *r)
{
	const double h = CAPTCHA_IMG_HEIGHT;
	double shade = rng_range(r, 0.88, 1.0);

	cairo_set_source_rgb(cr, shade, shade, shade);
	cairo_paint(cr);

	/* faint curves behind the text */
	for (int i = 0; i < 5; i++) {
		set_rgb(cr, r, 0.55, 0.8);
		cairo_set_line_width(cr, rng_range(r, 0.8, 2.0));
		noise_curve(cr, r, 0, h);
		cairo_stroke(cr);
	}
	/* speckles, small and light so that the Persian zero (a dot) stays
	 * clear */
	for (int i = 0; i < 4; i++)
		speckles(cr, r, 35, 0.5, 0.82, 1.1);
}

static void draw_foreground_noise(cairo_t *cr, rng_t *r)
{
	const double h = CAPTCHA_IMG_HEIGHT;

	/* two strokes about as dark as the glyphs, across the text band:
	 * no colour tells them from the digits */
	for (int i = 0; i < 2; i++) {
		double red = rng_range(r, 0.05, 0.35);
		double green = rng_range(r, 0.05, 0.35);
		double blue = rng_range(r, 0.05, 0.35);

		cairo_set_source_rgba(cr, red, green, blue, rng_range(r, 0.65, 0.85));
		cairo_set_line_width(cr, rng_range(r, 1.1, 1.7));
		noise_curve(cr, r, h * 0.3, h * 0.7);
		cairo_stroke(cr);
	}
	/* a light one cutting through the glyphs' strokes */
	set_rgb(cr, r, 0.85, 1.0);
	cairo_set_line_width(cr, rng_range(r, 1.0, 1.5));
	noise_curve(cr, r, h * 0.35, h * 0.65);
	cairo_stroke(cr);
	/* a few light specks over the glyphs */
	for (int i = 0; i < 2; i++)
		speckles(cr, r, 20, 0.6, 0.95, 0.9);
}

/* Persian digits of v (0..999) as UTF-8 tokens, one per digit. */
static int persian_digits(int v, char tok[][5], int max)
{
	char dec[8];
	int n = snprintf(dec, sizeof(dec), "%d", v);

	if (n <= 0 || n > max)
		return -1;
	for (int i = 0; i < n; i++) {
		/* U+06F0 + d is 0xDB 0xB0+d in UTF-8 */
		tok[i][0] = (char)0xDB;
		tok[i][1] = (char)(0xB0 + (dec[i] - '0'));
		tok[i][2] = '\0';
	}
	return n;
}

static PangoLayout *new_layout(PangoContext *pc, const char *families,
			       double px)
{
	PangoLayout *lay = pango_layout_new(pc);
	PangoFontDescription *fd = pango_font_description_new();

	pango_font_description_set_family_static(fd, families);
	pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	pango_font_description_set_absolute_size(fd, px * PANGO_SCALE);
	pango_layout_set_auto_dir(lay, FALSE);
	pango_layout_set_font_description(lay, fd); /* copies fd */
	pango_font_description_free(fd);
	return lay;
}

/* A smooth displacement: x moves by ax sin(fx y + px), y by ay sin(fy x + py). */
struct warp {
	double ax, fx, px;
	double ay, fy, py;
};

/* Amplitudes up to amp pixels, periods of lo..hi pixels. */
static void warp_random(struct warp *w, rng_t *r, double amp, double lo, double hi)
{
	w->ax = rng_range(r, 0.5 * amp, amp);
	w->fx = 2 * PI_D / rng_range(r, lo, hi);
	w->px = rng_range(r, 0, 2 * PI_D);
	w->ay = rng_range(r, 0.5 * amp, amp);
	w->fy = 2 * PI_D / rng_range(r, lo, hi);
	w->py = rng_range(r, 0, 2 * PI_D);
}

static void warp_apply(const struct warp *w, double *x, double *y)
{
	double x0 = *x, y0 = *y;

	*x = x0 + w->ax * sin(w->fx * y0 + w->px);
	*y = y0 + w->ay * sin(w->fy * x0 + w->py);
}

/* Where and how one glyph is drawn. */
struct pose {
	double cx, cy;      /* the centre of its ink box goes here */
	double rot, sx, sy; /* rotation (radians), scales */
	struct warp w;      /* of the outline, in the glyph's own pixels */
};

/* Fill the outline of lay's text (ink: its ink box) posed by g. */
static void fill_glyph(cairo_t *cr, PangoLayout *lay, const PangoRectangle *ink,
		       const struct pose *g)
{
	const double ox = ink->x + ink->width / 2.0, oy = ink->y + ink->height / 2.0;
	const double c = cos(g->rot), s = sin(g->rot);
	cairo_path_t *path;

	cairo_save(cr);
	cairo_identity_matrix(cr);
	cairo_new_path(cr);
	cairo_move_to(cr, 0, 0);
	pango_cairo_layout_path(cr, lay);
	/* flattened: a warped short segment is still close to the warped
	 * curve, a warped Bezier control point is not */
	path = cairo_copy_path_flat(cr);
	cairo_new_path(cr);
	if (path->status == CAIRO_STATUS_SUCCESS) {
		for (int i = 0; i < path->num_data; i += path->data[i].header.length) {
			const cairo_path_data_t *d = &path->data[i];
			double x, y;

			/* a flat path has no CURVE_TO */
			if (d->header.type == CAIRO_PATH_CLOSE_PATH) {
				cairo_close_path(cr);
				continue;
			}
			x = d[1].point.x - ox;
			y = d[1].point.y - oy;
			warp_apply(&g->w, &x, &y);
			x *= g->sx;
			y *= g->sy;
			if (d->header.type == CAIRO_PATH_MOVE_TO)
				cairo_move_to(cr, g->cx + c * x - s * y, g->cy + s * x + c * y);
			else
				cairo_line_to(cr, g->cx + c * x - s * y, g->cy + s * x + c * y);
		}
		cairo_fill(cr);
	}
	cairo_path_destroy(path);
	cairo_restore(cr);
}

static int draw_question(cairo_t *cr, PangoFontMap *fm, rng_t *r, int a, int b)
{
	const double w = CAPTCHA_IMG_WIDTH, h = CAPTCHA_IMG_HEIGHT;
	char tok[MAX_TOK][5];
	int is_op[MAX_TOK] = {0}, dot[MAX_TOK];
	PangoRectangle ink[MAX_TOK];
	double scale[MAX_TOK], gaps[MAX_TOK], total = 0, fit, slack, x;
	double wave_amp, wave_f, wave_p;
	int n = 0, k, rc = -EIO;
	PangoContext *pc;
	PangoLayout *lay[2];
	cairo_font_options_t *fo;

	if ((k = persian_digits(a, tok, 3)) < 0)
		return -EINVAL;
	n += k;
	strcpy(tok[n], "+");
	is_op[n++] = 1;
	if ((k = persian_digits(b, tok + n, 3)) < 0)
		return -EINVAL;
	n += k;
	strcpy(tok[n], "=");
	is_op[n++] = 1;

	pc = pango_font_map_create_context(fm);
	pango_context_set_base_dir(pc, PANGO_DIRECTION_LTR);
	pango_context_set_language(pc, pango_language_from_string("fa"));
	fo = cairo_font_options_create();
	cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	pango_cairo_context_set_font_options(pc, fo);
	cairo_font_options_destroy(fo);
	lay[0] = new_layout(pc, CAPTCHA_DIGIT_FONTS, CAPTCHA_DIGIT_PX);
	lay[1] = new_layout(pc, CAPTCHA_OP_FONTS, CAPTCHA_OP_PX);

	/* measure every token's ink box (pixels, layout coordinates) */
	for (int i = 0; i < n; i++) {
		pango_layout_set_text(lay[is_op[i]], tok[i], -1);
		pango_layout_get_pixel_extents(lay[is_op[i]], &ink[i], NULL);
		if (ink[i].width <= 0 || ink[i].height <= 0)
			goto out; /* nothing drawn: no usable font at all */
		/* a Persian zero (U+06F0) is a small dot: drawn larger, so
		 * that no speck or crossing stroke hides it */
		dot[i] = strcmp(tok[i], "\xDB\xB0") == 0;
		scale[i] = rng_range(r, 0.88, 1.08) * (dot[i] ? 1.35 : 1);
		total += ink[i].width * scale[i];
	}
	for (int i = 0; i + 1 < n; i++) {
		/* the digits of a number touch: no blank column between them */
		gaps[i] = (is_op[i] || is_op[i + 1]) ? rng_range(r, 5, 10)
						      : rng_range(r, -0.5, 1.5);
		total += gaps[i];
	}
	/* shrink everything if a long question would not fit */
	fit = (w - 2 * MARGIN_X) / total;
	if (fit > 1)
		fit = 1;
	slack = (w - total * fit) / 2 - MARGIN_X; /* >= 0 */
	x = (w - total * fit) / 2 + rng_range(r, -1, 1) * slack;
	/* the line the glyphs ride: about one wave over the question */
	wave_amp = rng_range(r, 2, 4);
	wave_f = 2 * PI_D / rng_range(r, 90, 150);
	wave_p = rng_range(r, 0, 2 * PI_D);

	/*
	 * Each glyph's ink box is centred on its own spot on the wave
	 * (baselines are not kept: fallback fonts disagree on them, and a
	 * Persian zero sits at mid-height anyway), then warped, rotated,
	 * scaled and nudged.
	 */
	for (int i = 0; i < n; i++) {
		struct pose g;
		double gw = ink[i].width * scale[i] * fit;
		/* digits about +-16 degrees; operators only +-6, so that a
		 * tilted + never reads as a multiplication sign */
		double rmax = is_op[i] ? 0.1 : 0.22;
		/* a zero stays whole and near the middle */
		double jy = dot[i] ? 1 : 2.5;

		g.cx = x + gw / 2;
		g.cy = h / 2 + (dot[i] ? 0.4 : 1) * wave_amp * sin(wave_f * g.cx + wave_p);
		g.cy += rng_range(r, -jy, jy);
		g.rot = rng_range(r, -rmax, rmax);
		g.sx = scale[i] * fit;
		g.sy = g.sx * rng_range(r, 0.95, 1.08);
		warp_random(&g.w, r, is_op[i] || dot[i] ? 0.5 : 1.2, 14, 26);
		set_rgb(cr, r, 0.05, 0.35);
		pango_layout_set_text(lay[is_op[i]], tok[i], -1);
		fill_glyph(cr, lay[is_op[i]], &ink[i], &g);
		x += gw + (i + 1 < n ? gaps[i] * fit : 0);
	}
	rc = 0;
out:
	g_object_unref(lay[0]);
	g_object_unref(lay[1]);
	g_object_unref(pc);
	return rc;
}

/* Bilinear sample of the W x H grey picture g at (x, y), clamped to it. */
static double sample(const unsigned char *g, double x, double y)
{
	const int w = CAPTCHA_IMG_WIDTH, h = CAPTCHA_IMG_HEIGHT;
	int x0, y0, x1, y1;
	double fx, fy;

	x = x < 0 ? 0 : x > w - 1 ? w - 1 : x;
	y = y < 0 ? 0 : y > h - 1 ? h - 1 : y;
	x0 = (int)x;
	y0 = (int)y;
	x1 = x0 + 1 < w ? x0 + 1 : x0;
	y1 = y0 + 1 < h ? y0 + 1 : y0;
	fx = x - x0;
	fy = y - y0;
	return (g[y0 * w + x0] * (1 - fx) + g[y0 * w + x1] * fx) * (1 - fy) +
	       (g[y1 * w + x0] * (1 - fx) + g[y1 * w + x1] * fx) * fy;
}

/*
 * The drawing is grey anyway; an 8-bit grey PNG is a third of the pixels of
 * an RGB one, so it is ~2.3x smaller (about 4-5 kB) and libpng/zlib, most of
 * the cost of a render, do a third of the work.  cairo writes an A8 surface
 * as an 8-bit grey PNG, with the byte as the grey level (255 = white).
 * On the way the whole picture is warped once, noise and glyphs alike.
 */
static cairo_surface_t *to_grey_warped(cairo_surface_t *rgb, rng_t *r)
{
	enum { W = CAPTCHA_IMG_WIDTH, H = CAPTCHA_IMG_HEIGHT };
	cairo_surface_t *g = cairo_image_surface_create(CAIRO_FORMAT_A8, W, H);
	unsigned char grey[W * H], *dst;
	const unsigned char *src;
	struct warp wp;
	int ss, ds;

	if (cairo_surface_status(g) != CAIRO_STATUS_SUCCESS)
		return g;
	warp_random(&wp, r, 1.6, 40, 90);
	cairo_surface_flush(rgb);
	cairo_surface_flush(g);
	src = cairo_image_surface_get_data(rgb);
	dst = cairo_image_surface_get_data(g);
	ss = cairo_image_surface_get_stride(rgb);
	ds = cairo_image_surface_get_stride(g);
	for (int y = 0; y < H; y++) {
		for (int x = 0; x < W; x++) {
			uint32_t px;

			memcpy(&px, src + (size_t)y * ss + (size_t)x * 4, 4);
			grey[y * W + x] = (unsigned char)
				((((px >> 16) & 255) * 77 + ((px >> 8) & 255) * 150 +
				  (px & 255) * 29 + 128) >> 8);
		}
	}
	for (int y = 0; y < H; y++) {
		for (int x = 0; x < W; x++) {
			double sx = x, sy = y;

			warp_apply(&wp, &sx, &sy);
			dst[(size_t)y * ds + x] = (unsigned char)(sample(grey, sx, sy) + 0.5);
		}
	}
	cairo_surface_mark_dirty(g);
	return g;
}

static int cairo_rc(cairo_status_t st)
{
	return st == CAIRO_STATUS_NO_MEMORY ? -ENOMEM : -EIO;
}

int captcha_img_render(int a, int b, uint64_t seed, unsigned char **png,
		       size_t *png_len)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;
	rng_t r = {seed};
	PangoFontMap *fm;
	cairo_surface_t *s, *grey = NULL;
	cairo_t *cr;
	cairo_status_t st;
	int rc;

	if (!png || !png_len)
		return -EINVAL;
	*png = NULL;
	*png_len = 0;
	if (a < 0 || b < 0 || a > CAPTCHA_IMG_MAX_OPERAND ||
	    b > CAPTCHA_IMG_MAX_OPERAND)
		return -EINVAL;

	fm = thread_fontmap();
	if (!fm)
		return -ENOMEM;
	s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, CAPTCHA_IMG_WIDTH,
				       CAPTCHA_IMG_HEIGHT);
	cr = cairo_create(s); /* never NULL: errors are in its status */
	if ((st = cairo_status(cr)) != CAIRO_STATUS_SUCCESS) {
		rc = cairo_rc(st);
		goto out;
	}
	draw_background(cr, &r);
	if ((rc = draw_question(cr, fm, &r, a, b)) < 0)
		goto out;
	draw_foreground_noise(cr, &r);
	if ((st = cairo_status(cr)) != CAIRO_STATUS_SUCCESS) {
		rc = cairo_rc(st);
		goto out;
	}
	grey = to_grey_warped(s, &r);
	if ((st = cairo_surface_status(grey)) != CAIRO_STATUS_SUCCESS) {
		rc = cairo_rc(st);
		goto out;
	}
	mem = open_memstream(&buf, &len);
	if (!mem) {
		rc = -ENOMEM;
		goto out;
	}
	st = cairo_surface_write_to_png_stream(grey, stream_write, mem);
	/* The stream writes only to memory: it fails only when it cannot
	 * allocate. */
	if (fclose(mem) != 0 || st != CAIRO_STATUS_SUCCESS) {
		free(buf);
		rc = st == CAIRO_STATUS_SUCCESS || st == CAIRO_STATUS_WRITE_ERROR
		             ? -ENOMEM : cairo_rc(st);
		goto out;
	}
	*png = (unsigned char *)buf;
	*png_len = len;
	rc = 0;
out:
	if (grey)
		cairo_surface_destroy(grey);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	g_object_unref(fm);
	return rc;
}
