/* captcha_img.h - draws the captcha question "a + b =" as a PNG.
 *
 * The digits are Persian (U+06F0..U+06F9), e.g. a=4, b=8 draws "۴ + ۸ =",
 * laid out left to right as Iranian arithmetic is written (see the comment
 * in captcha_img.c).  Light noise (curves, dots, per-glyph rotation, offset
 * and scale) is derived from seed by a local PRNG: the same (a, b, seed)
 * gives the same bytes, and there is no global mutable state of our own.
 *
 * Thread-safe: call it from any number of threads at once.  Each thread
 * keeps one PangoFontMap (pango objects must not be shared between threads);
 * it is freed automatically when the thread exits (pthread key destructor),
 * or earlier by captcha_img_thread_release().
 */
#ifndef CRS_CAPTCHA_IMG_H
#define CRS_CAPTCHA_IMG_H

#include <stddef.h>
#include <stdint.h>

#define CAPTCHA_IMG_WIDTH 160
#define CAPTCHA_IMG_HEIGHT 60
#define CAPTCHA_IMG_MAX_OPERAND 999

/* Render the question for a + b (each 0..CAPTCHA_IMG_MAX_OPERAND) into a
 * CAPTCHA_IMG_WIDTH x CAPTCHA_IMG_HEIGHT PNG (8-bit greyscale, 4-5 kB).
 * On success returns 0 and sets *png to a malloc'd buffer of *png_len bytes
 * that the caller frees with free().  On failure returns a negative errno
 * (-EINVAL bad arguments, -ENOMEM, -EIO cairo/pango failure) and leaves
 * *png NULL and *png_len 0. */
int captcha_img_render(int a, int b, uint64_t seed, unsigned char **png,
		       size_t *png_len);

/* Drop this thread's cached font map now.  Optional: the same happens when
 * the thread exits.  Call it from threads that end with exit() rather than
 * pthread_exit()/return (e.g. main) if a leak checker must see no leak.
 * Safe to call when nothing is cached and more than once; a later render
 * on the same thread simply builds a new font map. */
void captcha_img_thread_release(void);

#endif /* CRS_CAPTCHA_IMG_H */
