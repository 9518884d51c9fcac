/*
 * nid: normalising and validating what Iranian citizens type into numeric
 * fields (national ID, birth-certificate serial, mobile number), and masking
 * those values before they reach a log.  Pure functions: no I/O, no
 * allocation, no shared state, so every function is safe from any thread.
 *
 * Input is UTF-8.  Wherever this module reads digits it accepts ASCII 0-9,
 * Persian digits (U+06F0..U+06F9) and Arabic-Indic digits (U+0660..U+0669),
 * because Persian keyboards and pasted text produce all three.
 */
#ifndef CRS_NID_H
#define CRS_NID_H

#include <stddef.h>

/* Error codes.  Distinct so that callers can tell the citizen what is wrong. */
enum {
	NID_OK = 0,
	NID_EFORMAT = -1,   /* not digits, or wrong number of digits */
	NID_ECHECKSUM = -2, /* ten digits, but the check digit is wrong */
	NID_EPATTERN = -3,  /* checksum fine, but a pattern no real code has */
	NID_ENOSPACE = -4,  /* output buffer too small */
	NID_EINVAL = -5     /* NULL argument */
};

#define NID_LEN 10
#define NID_SERIAL_LEN 6
#define NID_MOBILE_LEN 11

/*
 * Normalise and validate a national ID typed by a person.
 *
 * Leading/trailing white space and invisible direction marks are trimmed;
 * spaces and dashes between digits are dropped (the card prints the code as
 * XXX-XXXXXX-X); digits of any script are mapped to ASCII; 8 or 9 digits are
 * left-padded with zeros (spreadsheets and old records lost them).  The
 * result must then be 10 digits with a right check digit, not ten equal
 * digits, and not 000000 in positions 4..9.
 *
 * out receives the 10 ASCII digits and a NUL whenever the input was ten
 * digits after normalisation, even when the checksum or pattern check fails
 * (so the caller can still log a masked form); on NID_EFORMAT it is "".
 *
 * Returns NID_OK, NID_EFORMAT, NID_ECHECKSUM, NID_EPATTERN or NID_EINVAL.
 */
int nid_normalize(const char *in, char out[NID_LEN + 1]);

/*
 * Validate an already normalised national ID: a NUL-terminated string of
 * exactly 10 ASCII digits.  Same codes as nid_normalize().
 */
int nid_validate(const char *nid);

/*
 * The check digit (0..9) for the first nine ASCII digits of a national ID,
 * or NID_EFORMAT if one of them is not an ASCII digit.  For generators.
 */
int nid_make_check_digit(const char first9[9]);

/*
 * Copy in to out, mapping Persian and Arabic-Indic digits to ASCII and
 * leaving every other byte alone.  The output is never longer than the
 * input, so in == out is allowed.  Returns NID_OK, NID_ENOSPACE (out is
 * then "" ) or NID_EINVAL.
 */
int nid_digits_ascii(const char *in, char *out, size_t outsz);

/*
 * The reverse, for receipts and SMS text: ASCII and Arabic-Indic digits
 * become Persian digits (two bytes each), other bytes are copied.  in and
 * out must not overlap.  Returns NID_OK, NID_ENOSPACE (out is then "") or
 * NID_EINVAL.
 */
int nid_digits_persian(const char *in, char *out, size_t outsz);

/*
 * The six-digit number part of the birth-certificate serial: trimmed,
 * digits mapped, then exactly six digits (leading zeros are significant and
 * kept).  Returns NID_OK, NID_EFORMAT (out is then "") or NID_EINVAL.
 */
int nid_serial_normalize(const char *in, char out[NID_SERIAL_LEN + 1]);

/*
 * A mobile number in any usual spelling: 09xxxxxxxxx, +989xxxxxxxxx,
 * 989xxxxxxxxx, 00989xxxxxxxxx or 9xxxxxxxxx, with digits of any script and
 * spaces or dashes between them.  out receives the canonical 09 + 9 digits.
 * Operator prefixes are not checked: numbers are portable and new ranges
 * appear.  Returns NID_OK, NID_EFORMAT (out is then "") or NID_EINVAL.
 */
int nid_mobile_normalize(const char *in, char out[NID_MOBILE_LEN + 1]);

/*
 * "0012345678" -> "001******8".  A value that is not 10 ASCII digits gives
 * "**********" and NID_EFORMAT, so a caller that ignores the result still
 * never logs the raw value.
 */
int nid_mask(const char *nid, char out[NID_LEN + 1]);

/*
 * "09145128136" -> "0914***8136".  A value that is not 09 + 9 ASCII digits
 * gives "***********" and NID_EFORMAT.
 */
int nid_mobile_mask(const char *mobile, char out[NID_MOBILE_LEN + 1]);

/*
 * Mask, in place, every run of exactly ten digits (any script, mixed
 * allowed) in the NUL-terminated string s, keeping the first three and the
 * last digit: for log lines, which may quote raw input.  A masked Persian
 * or Arabic-Indic digit becomes "**", so the length of the string and the
 * validity of the UTF-8 are unchanged.  Shorter and longer digit runs
 * (tracking codes, mobile numbers) are left alone; so is a national ID
 * written with dashes.  Returns the number of runs masked.
 */
size_t nid_mask_text(char *s);

/*
 * A Persian first name as a citizen types it: letters of the Persian
 * alphabet, spaces and the zero-width non-joiner, 2 to 40 characters, not
 * starting with a space.  1 when valid.
 */
int nid_persian_name_valid(const char *s);

#endif /* CRS_NID_H */
