/* base64.h - RFC 4648 base64 and base64url, pure functions, no allocation.
 *
 * Standard ("base64"): alphabet A-Z a-z 0-9 + /, '=' padding always written
 * and always required on decode.
 * URL-safe ("base64url", RFC 4648 section 5): alphabet A-Z a-z 0-9 - _, no
 * padding written, and '=' rejected on decode.  Meant for tokens and ids.
 *
 * Decoders are strict: any byte outside the alphabet (including whitespace,
 * NUL and line breaks) is rejected, as are impossible lengths and
 * non-canonical encodings (non-zero unused bits in the last symbol,
 * RFC 4648 section 3.5), so every byte string has exactly one accepted
 * encoding.
 *
 * Errors are negative errno values:
 *   -EINVAL     bad input (junk, bad length, bad padding, NULL pointer)
 *   -ENOSPC     the output buffer is too small (nothing useful was written)
 *   -EOVERFLOW  the input is too large for its encoding to fit in a size_t
 */
#ifndef CRS_BASE64_H
#define CRS_BASE64_H

#include <stddef.h>
#include <sys/types.h> /* ssize_t */

/* Characters base64_encode() writes for len input bytes, padding included,
 * terminating NUL NOT included.  Returns 0 if that would overflow size_t
 * (only possible for absurd len; base64_encode then fails with -EOVERFLOW). */
size_t base64_encoded_len(size_t len);

/* Upper bound of the bytes base64_decode() produces from len characters. */
size_t base64_decoded_maxlen(size_t len);

/* Encode len bytes of in into out, NUL-terminated.  outsz must be at least
 * base64_encoded_len(len) + 1.  Returns the number of characters written,
 * not counting the NUL, or a negative errno.  in may be NULL when len is 0. */
ssize_t base64_encode(const void *in, size_t len, char *out, size_t outsz);

/* Decode exactly len characters of in (no NUL needed; an embedded NUL is
 * junk) into out.  Returns the number of bytes written or a negative errno.
 * out is not NUL-terminated.  "" decodes to 0 bytes. */
ssize_t base64_decode(const char *in, size_t len, void *out, size_t outsz);

/* base64url: same contracts, without padding. */
size_t base64url_encoded_len(size_t len);
size_t base64url_decoded_maxlen(size_t len);
ssize_t base64url_encode(const void *in, size_t len, char *out, size_t outsz);
ssize_t base64url_decode(const char *in, size_t len, void *out, size_t outsz);

#endif /* CRS_BASE64_H */
