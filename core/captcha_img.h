/* captcha_img.h - the captcha question "a + b =": its operands and its PNG.
 *
 * The digits are Persian (U+06F0..U+06F9), e.g. a=247, b=8 draws "۲۴۷ + ۸ =",
 * laid out left to right as Iranian arithmetic is written (see the comment
 * in captcha_img.c).  The distortion against OCR (glyphs warped, rotated and
 * scaled one by one and riding a wave, strokes crossing and cutting them,
 * the whole picture warped) is derived from seed by a local PRNG: the same
 * (a, b, seed) gives the same bytes, and there is no global mutable state of
 * our own.
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

/*
 * The operands of a question: a uniform over CAPTCHA_A_MIN..CAPTCHA_A_MAX
 * (800 values), b over CAPTCHA_B_MIN..CAPTCHA_B_MAX (9 values).  A sum s
 * needs b = s - a, so it has at most one b per a: no answer is more likely
 * than 1/800 (0.125 %), and a fixed guess passes about once in 800 (with
 * 1..9 + 1..9, "10" passed 11 % of the time).  Three digits plus one is
 * still a sum to do in one's head, with at most one carry.  The answers,
 * 101..908, fit captcha_challenge.answer (SMALLINT) and the site's four-digit
 * answer field.
 */
#define CAPTCHA_A_MIN 100
#define CAPTCHA_A_MAX 899
#define CAPTCHA_B_MIN 1
#define CAPTCHA_B_MAX 9

/* The operands for 64 uniformly random bits (bias below 1e-15). */
void captcha_question(uint64_t rnd, int *a, int *b);

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
