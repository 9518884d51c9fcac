/* captcha_img.c - renders the captcha question as a PNG with cairo + pango.
 *
 * Reading direction.  Iranian schools and textbooks write arithmetic left to
 * right with Persian digits: "۴ + ۸ = ۱۲" starts with ۴ on the left and the
 * result goes on the right of "=".  That is what a Persian reader expects of
 * a sum, so the question is laid out LEFT TO RIGHT: ۴, +, ۸, = from left to
 * right, with "=" at the right end where the answer would be written.
 * Multi-digit operands keep their normal digit order (۱۲ = twelve), which is
 * left to right in Persian as well.
 *
 * We deliberately do not hand the logical string "۴+۸=" to an RTL
 * (auto-direction) paragraph: U+06F0..U+06F9 have bidi class EN, so "۴+۸"
 * becomes one left-to-right number run, but the trailing "=" (class ON)
 * resolves to the RTL paragraph direction and is drawn on the far LEFT:
 * "=۴+۸" - exactly the broken look of an equation pasted into an RTL web
 * page.  Instead each token gets its own PangoLayout (pango still does font
 * selection/fallback and shaping) with the base direction pinned to LTR, and
 * we place the tokens left to right ourselves; that also lets every glyph be
 * jittered on its own.
 *
 * Threads.  Pango objects (font maps, contexts, layouts) must not be shared
 * between threads, and a new PangoFontMap per call costs milliseconds
 * (fontconfig matching and font loading are cached per font map).  So each
 * thread keeps one PangoCairoFontMap in a pthread key whose destructor
 * unrefs it at thread exit; captcha_img_thread_release() drops it earlier.
 * Fontconfig (>= 2.10) and cairo are thread-safe for this use; cairo
 * surfaces and contexts are created per call.
 */
#include "captcha_img.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <pango/pangocairo.h>

/* Digits: the first installed family wins, fontconfig falls back further.
 * Nazli (Debian: fonts-farsiweb, 111 kB) is an Iranian face with the
 * Persian forms of ۴ ۵ ۶; Noto Sans Arabic (fonts-noto-core, 12 MB) also has
 * them; DejaVu Sans (fonts-dejavu-core) covers U+06F0..U+06F9 with plainer
 * shapes (its ۵ looks like a Latin O) and is the last resort.  Noto Naskh
 * Arabic is left out on purpose: with lang "fa" it still shows Urdu ۴ ۶ ۷.
 * Operators come from DejaVu Sans, whose + and = are bold and clear (Nazli's
 * are thin and small). */
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

/* ---- small local PRNG (splitmix64): all randomness comes from seed ---- */

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

/* uniform in [lo, hi) */
static double rng_range(rng_t *r, double lo, double hi)
{
    return lo + (hi - lo) * ((double)(rng_next(r) >> 11) * 0x1.0p-53);
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

/* Returns a reference the caller must g_object_unref(), or NULL. */
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
    return fm;                   /* uncached: used for this call only */
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

struct membuf {
    unsigned char *p;
    size_t len, cap;
};

static cairo_status_t membuf_write(void *closure, const unsigned char *data,
                                   unsigned int length)
{
    struct membuf *m = closure;

    if (length > m->cap - m->len) {
        size_t cap = m->cap ? m->cap : 4096;
        while (length > cap - m->len) {
            if (cap > SIZE_MAX / 2)
                return CAIRO_STATUS_WRITE_ERROR;
            cap *= 2;
        }
        unsigned char *p = realloc(m->p, cap);
        if (!p)
            return CAIRO_STATUS_WRITE_ERROR;
        m->p = p;
        m->cap = cap;
    }
    memcpy(m->p + m->len, data, length);
    m->len += length;
    return CAIRO_STATUS_SUCCESS;
}

/* ---- drawing ---- */

/* A random cubic curve from the left edge to the right edge. */
static void noise_curve(cairo_t *cr, rng_t *r, double ylo, double yhi)
{
    const double w = CAPTCHA_IMG_WIDTH;
    cairo_move_to(cr, rng_range(r, -10, 10), rng_range(r, ylo, yhi));
    cairo_curve_to(cr, rng_range(r, w * 0.2, w * 0.45), rng_range(r, ylo - 15, yhi + 15),
                   rng_range(r, w * 0.55, w * 0.8), rng_range(r, ylo - 15, yhi + 15),
                   rng_range(r, w - 10, w + 10), rng_range(r, ylo, yhi));
}

static void draw_background(cairo_t *cr, rng_t *r)
{
    const double w = CAPTCHA_IMG_WIDTH, h = CAPTCHA_IMG_HEIGHT;
    cairo_pattern_t *g = cairo_pattern_create_linear(0, rng_range(r, 0, h), w, rng_range(r, 0, h));

    cairo_pattern_add_color_stop_rgb(g, 0, rng_range(r, .90, 1), rng_range(r, .90, 1), rng_range(r, .90, 1));
    cairo_pattern_add_color_stop_rgb(g, 1, rng_range(r, .88, 1), rng_range(r, .88, 1), rng_range(r, .88, 1));
    cairo_set_source(cr, g);
    cairo_paint(cr);
    cairo_pattern_destroy(g);

    /* faint curves behind the text */
    for (int i = 0; i < 5; i++) {
        cairo_set_source_rgb(cr, rng_range(r, .55, .8), rng_range(r, .55, .8), rng_range(r, .55, .8));
        cairo_set_line_width(cr, rng_range(r, 0.8, 2.0));
        noise_curve(cr, r, 0, h);
        cairo_stroke(cr);
    }
    /* speckles; small and light so that the Persian zero (a dot) stays clear */
    for (int i = 0; i < 140; i++) {
        double g1 = rng_range(r, .5, .82);
        cairo_set_source_rgb(cr, g1 + rng_range(r, -.08, .08), g1, g1 + rng_range(r, -.08, .08));
        cairo_arc(cr, rng_range(r, 0, w), rng_range(r, 0, h), rng_range(r, .4, 1.1), 0, 2 * PI_D);
        cairo_fill(cr);
    }
}

/* Persian digits of v (0..999) as UTF-8 tokens, one per digit. */
static int persian_digits(int v, char tok[][5], int max)
{
    char dec[8];
    int n = snprintf(dec, sizeof dec, "%d", v);

    if (n <= 0 || n > max)
        return -1;
    for (int i = 0; i < n; i++) {
        /* U+06F0 + d  ->  0xDB 0xB0+d */
        tok[i][0] = (char)0xDB;
        tok[i][1] = (char)(0xB0 + (dec[i] - '0'));
        tok[i][2] = '\0';
    }
    return n;
}

#define MAX_TOK 8 /* 3 digits + '+' + 3 digits + '=' */

static PangoLayout *new_layout(PangoContext *pc, const char *families, double px)
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

static int draw_question(cairo_t *cr, PangoFontMap *fm, rng_t *r, int a, int b)
{
    const double w = CAPTCHA_IMG_WIDTH, h = CAPTCHA_IMG_HEIGHT;
    char tok[MAX_TOK][5];
    int is_op[MAX_TOK] = {0};
    PangoRectangle ink[MAX_TOK];
    double scale[MAX_TOK], gaps[MAX_TOK], total = 0;
    int n = 0, k, rc = -EIO;

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

    PangoContext *pc = pango_font_map_create_context(fm);
    pango_context_set_base_dir(pc, PANGO_DIRECTION_LTR);
    pango_context_set_language(pc, pango_language_from_string("fa"));
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options(pc, fo);
    cairo_font_options_destroy(fo);

    PangoLayout *lay[2] = {new_layout(pc, CAPTCHA_DIGIT_FONTS, CAPTCHA_DIGIT_PX),
                           new_layout(pc, CAPTCHA_OP_FONTS, CAPTCHA_OP_PX)};

    /* measure every token's ink box (pixels, layout coordinates) */
    for (int i = 0; i < n; i++) {
        pango_layout_set_text(lay[is_op[i]], tok[i], -1);
        pango_layout_get_pixel_extents(lay[is_op[i]], &ink[i], NULL);
        if (ink[i].width <= 0 || ink[i].height <= 0)
            goto out; /* nothing drawn: no usable font at all */
        scale[i] = rng_range(r, 0.88, 1.08);
        total += ink[i].width * scale[i];
    }
    for (int i = 0; i + 1 < n; i++) {
        gaps[i] = (is_op[i] || is_op[i + 1]) ? rng_range(r, 6, 11) : rng_range(r, 1, 3);
        total += gaps[i];
    }
    /* shrink everything if a long question would not fit */
    double fit = (w - 2 * MARGIN_X) / total;
    if (fit > 1)
        fit = 1;
    double slack = (w - total * fit) / 2 - MARGIN_X; /* >= 0 */
    double x = (w - total * fit) / 2 + rng_range(r, -1, 1) * slack;

    /* Each glyph's ink box is centred on its own spot (baselines are not
     * kept: fallback fonts disagree on them, and a Persian zero sits at
     * mid-height anyway), then rotated, scaled and nudged. */
    for (int i = 0; i < n; i++) {
        double gw = ink[i].width * scale[i] * fit;
        double rot = rng_range(r, -0.28, 0.28); /* about +-16 degrees */
        /* a lone Persian zero is a small dot: keep it near the middle */
        double jy = (ink[i].height < h / 6) ? 2 : 4.5;
        double cy = h / 2 + rng_range(r, -jy, jy);

        cairo_save(cr);
        cairo_set_source_rgb(cr, rng_range(r, .05, .35), rng_range(r, .05, .3), rng_range(r, .1, .4));
        cairo_translate(cr, x + gw / 2, cy);
        cairo_rotate(cr, rot);
        cairo_scale(cr, scale[i] * fit, scale[i] * fit * rng_range(r, .95, 1.08));
        cairo_translate(cr, -(ink[i].x + ink[i].width / 2.0), -(ink[i].y + ink[i].height / 2.0));
        pango_layout_set_text(lay[is_op[i]], tok[i], -1);
        pango_cairo_update_layout(cr, lay[is_op[i]]);
        pango_cairo_show_layout(cr, lay[is_op[i]]);
        cairo_restore(cr);
        x += gw + (i + 1 < n ? gaps[i] * fit : 0);
    }
    rc = 0;
out:
    g_object_unref(lay[0]);
    g_object_unref(lay[1]);
    g_object_unref(pc);
    return rc;
}

static void draw_foreground_noise(cairo_t *cr, rng_t *r)
{
    const double w = CAPTCHA_IMG_WIDTH, h = CAPTCHA_IMG_HEIGHT;

    /* two thin curves through the text band */
    for (int i = 0; i < 2; i++) {
        cairo_set_source_rgba(cr, rng_range(r, .1, .45), rng_range(r, .1, .45), rng_range(r, .1, .45),
                              rng_range(r, .45, .7));
        cairo_set_line_width(cr, rng_range(r, 1.0, 1.6));
        noise_curve(cr, r, h * 0.3, h * 0.7);
        cairo_stroke(cr);
    }
    /* a few light specks over the glyphs */
    for (int i = 0; i < 40; i++) {
        double g1 = rng_range(r, .6, .95);
        cairo_set_source_rgb(cr, g1, g1, g1);
        cairo_arc(cr, rng_range(r, 0, w), rng_range(r, 0, h), rng_range(r, .4, .9), 0, 2 * PI_D);
        cairo_fill(cr);
    }
}

int captcha_img_render(int a, int b, uint64_t seed, unsigned char **png,
                       size_t *png_len)
{
    struct membuf mb = {0};
    rng_t r = {seed};
    int rc;

    if (!png || !png_len)
        return -EINVAL;
    *png = NULL;
    *png_len = 0;
    if (a < 0 || b < 0 || a > CAPTCHA_IMG_MAX_OPERAND || b > CAPTCHA_IMG_MAX_OPERAND)
        return -EINVAL;

    PangoFontMap *fm = thread_fontmap();
    if (!fm)
        return -ENOMEM;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, CAPTCHA_IMG_WIDTH,
                                                    CAPTCHA_IMG_HEIGHT);
    cairo_t *cr = cairo_create(s); /* never NULL; errors are in its status */

    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
        rc = cairo_status(cr) == CAIRO_STATUS_NO_MEMORY ? -ENOMEM : -EIO;
        goto out;
    }
    draw_background(cr, &r);
    if ((rc = draw_question(cr, fm, &r, a, b)) < 0)
        goto out;
    draw_foreground_noise(cr, &r);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
        rc = cairo_status(cr) == CAIRO_STATUS_NO_MEMORY ? -ENOMEM : -EIO;
        goto out;
    }
    cairo_surface_flush(s);
    if (cairo_surface_write_to_png_stream(s, membuf_write, &mb) != CAIRO_STATUS_SUCCESS) {
        free(mb.p);
        rc = -ENOMEM; /* our writer only fails on allocation */
        goto out;
    }
    if (mb.cap > mb.len) { /* give back the doubling slack */
        unsigned char *p = realloc(mb.p, mb.len ? mb.len : 1);
        if (p)
            mb.p = p;
    }
    *png = mb.p;
    *png_len = mb.len;
    rc = 0;
out:
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    g_object_unref(fm);
    return rc;
}
