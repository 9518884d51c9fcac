/*
 * sadad_sign: Sadad's SignData (gateways.md §1.4), pure functions.
 *
 *   SignData = base64(3DES-EDE3-ECB-PKCS7(base64decode(TerminalKey), text))
 *
 * where text is "TerminalId;OrderId;Amount" for PaymentRequest and the Token
 * alone for Advice/Verify.  The key is the terminal key as delivered
 * (base64) and must decode to exactly 24 bytes (3-key 3DES); anything else
 * is refused rather than padded or truncated (§1.4 "Caution").  No IV (ECB).
 *
 * Errors are negative errno values: -EINVAL (bad key, bad input),
 * -ENOSPC (output buffer too small), -EIO (the cipher failed).
 * Thread-safe: no state; libcrypto is used through EVP only.
 */
#ifndef CRS_SADAD_SIGN_H
#define CRS_SADAD_SIGN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SADAD_KEY_LEN 24

/* Decode the base64 terminal key (standard alphabet, '=' padding required,
 * surrounding blanks tolerated, nothing else) into key[24].  -EINVAL unless
 * it decodes to exactly 24 bytes. */
int sadad_key_decode(const char *key_b64, unsigned char key[SADAD_KEY_LEN]);

/* Sign len bytes of data: writes the NUL-terminated base64 ciphertext to out
 * and returns its length, or a negative errno. */
ssize_t sadad_sign(const unsigned char key[SADAD_KEY_LEN], const void *data,
                   size_t len, char *out, size_t outsz);

/* The PaymentRequest signature: signs "terminal_id;order_id;amount" (decimal,
 * no spaces, exactly as the JSON carries them).  terminal_id must be ASCII
 * digits; order_id and amount must be positive. */
ssize_t sadad_sign_request(const unsigned char key[SADAD_KEY_LEN],
                           const char *terminal_id, int64_t order_id,
                           int64_t amount_rial, char *out, size_t outsz);

/* The Advice/Verify signature: signs the token string alone. */
ssize_t sadad_sign_token(const unsigned char key[SADAD_KEY_LEN],
                         const char *token, char *out, size_t outsz);

/* Base64 (standard alphabet, padded) of len bytes; NUL-terminated.  Returns
 * the length written or -ENOSPC. */
ssize_t sadad_b64_encode(const void *in, size_t len, char *out, size_t outsz);

#endif /* CRS_SADAD_SIGN_H */
